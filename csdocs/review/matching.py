"""Renames: a removed id that reappears under another id with nearly the same content and references.

Steps and escalations are matched by id first; of the ids left over, a
pair is a rename when 0.6 x content similarity + 0.4 x reference
similarity reaches :data:`RENAME_THRESHOLD` (docs/reviewing-sop-changes.md,
"Renames"). The maps are computed once, before any change is judged.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from ..graph import step_edges
from ..model import Escalation, Sop, Step
from .text import duration_text, norm

RENAME_THRESHOLD = 0.6  # combined content + reference similarity a rename needs


class Features(NamedTuple):
    """What a rename keeps: the content and the references of a step or escalation."""

    content: str
    references: frozenset[Any]


MAX_PAIRS = 2500  # removed x added pairs compared in full; above it, only pairs that share a reference


def match_renames(old: Mapping[str, Features], new: Mapping[str, Features]) -> dict[str, str]:
    """Old id -> new id for the removed ids that reappear renamed.

    A pair scores 0.6 x content similarity + 0.4 x reference similarity;
    pairs at or above :data:`RENAME_THRESHOLD` are taken best first.
    Identical content is matched first and cheaply; a wholesale rewrite
    (more than :data:`MAX_PAIRS` pairs) compares only pairs with a
    reference in common, so the diff stays fast on any input.
    """
    removed = [i for i in old if i not in new]
    added = [i for i in new if i not in old]
    if not removed or not added:
        return {}
    if len(removed) * len(added) <= MAX_PAIRS:
        pairs: Iterable[tuple[str, str]] = ((a, b) for a in removed for b in added)
    else:
        pairs = _pairs_sharing_a_reference(removed, added, old, new)
    scored = []
    for old_id, new_id in pairs:
        before, after = old[old_id], new[new_id]
        similarity = _similarity(before.content, after.content)
        if similarity < 0.4:
            continue
        score = 0.6 * similarity + 0.4 * _jaccard(before.references, after.references)
        if score >= RENAME_THRESHOLD:
            scored.append((-score, old_id, new_id))
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for _, old_id, new_id in sorted(scored):
        if old_id not in mapping and new_id not in taken:
            mapping[old_id] = new_id
            taken.add(new_id)
    return mapping


def _pairs_sharing_a_reference(removed: list[str], added: list[str], old: Mapping[str, Features],
                               new: Mapping[str, Features]) -> list[tuple[str, str]]:
    by_reference: dict[Any, list[str]] = {}
    by_content: dict[str, list[str]] = {}
    for new_id in added:
        by_content.setdefault(new[new_id].content, []).append(new_id)
        for reference in new[new_id].references:
            by_reference.setdefault(reference, []).append(new_id)
    pairs: dict[tuple[str, str], None] = {}
    for old_id in removed:
        for new_id in by_content.get(old[old_id].content, ()):
            pairs[(old_id, new_id)] = None
        for reference in old[old_id].references:
            for new_id in by_reference.get(reference, ())[:50]:  # a reference every step shares says little
                pairs[(old_id, new_id)] = None
    return list(pairs)


def _similarity(a: str, b: str) -> float:
    """0..1, on words: as good as characters for telling a reworded step from another step, and ~20x faster."""
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    if matcher.real_quick_ratio() < 0.4 or matcher.quick_ratio() < 0.4:
        return 0.0
    return matcher.ratio()


def _jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _step_content(step: Step) -> str:
    answers = " | ".join(norm(branch.answer) for branch in step.branches)
    return "\n".join(norm(part) for part in (step.title, step.action, step.decision, step.say, step.stage,
                                             step.actor, answers))


def step_features(sop: Sop) -> dict[str, Features]:
    """Step id -> its content and its edges in and out, with the step itself blanked: what a rename keeps."""
    references: dict[str, set[tuple[str, str, str | None]]] = {step.id: set() for step in sop.steps}
    for step in sop.steps:
        for edge in step_edges(sop, step):
            if edge.kind == "next" and edge.target in references:
                references[edge.target].add(("in", edge.source, edge.answer))
            references[step.id].add(("out", f"{edge.kind}:{edge.target}", edge.answer))
    return {step.id: Features(_step_content(step), frozenset(references[step.id])) for step in sop.steps}


def _escalation_content(escalation: Escalation) -> str:
    return "\n".join(norm(part) for part in (escalation.trigger, escalation.from_tier, escalation.to_tier,
                                             escalation.owner, duration_text(escalation.sla)))


def escalation_features(sop: Sop) -> dict[str, Features]:
    """Escalation id -> its content and the (step, answer) pairs that escalate to it."""
    users: dict[str, set[tuple[str, str | None]]] = {}
    for step in sop.steps:
        for edge in step_edges(sop, step):
            if edge.kind == "escalate" or edge.raises is not None:
                users.setdefault(edge.raises or edge.target, set()).add((edge.source, edge.answer))
    return {e.id: Features(_escalation_content(e), frozenset(users.get(e.id, ()))) for e in sop.escalations}


def step_renames(old: Sop, new: Sop) -> dict[str, str]:
    """Old step id -> new step id, for the steps renamed from ``old`` to ``new``."""
    if not _ids_come_and_go([s.id for s in old.steps], [s.id for s in new.steps]):
        return {}  # nothing can be a rename: skip the features (most diffs)
    return match_renames(step_features(old), step_features(new))


def escalation_renames(old: Sop, new: Sop) -> dict[str, str]:
    """Old escalation id -> new escalation id, for the escalations renamed from ``old`` to ``new``."""
    if not _ids_come_and_go([e.id for e in old.escalations], [e.id for e in new.escalations]):
        return {}
    return match_renames(escalation_features(old), escalation_features(new))


def _ids_come_and_go(old: list[str], new: list[str]) -> bool:
    """Is some id removed and some other added (the only case :func:`match_renames` can find a rename in)?"""
    before, after = set(old), set(new)
    return bool(before - after) and bool(after - before)
