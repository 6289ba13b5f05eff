"""The semantic diff of two versions of one SOP: pure functions over the model.

Steps, escalations and definitions are matched by id (term for
definitions), so key order, quoting, flow or block style, comments and
reflowed text never show up: the loader already forgot them, and text is
compared after whitespace is normalised. A step (or escalation) that
disappears under one id while one with nearly the same content and the same
references appears under another is a rename: one ``step-changed``, and the
references that moved with it are no change at all.

Risk follows the contract's table; every message says why, in words a
process owner uses ("fewer contacts escalate", "skips 'verify'").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from ..graph import Edge, step_edges
from ..loader import clip
from ..model import PRIORITIES, Duration, Escalation, SlaValue, Sop, Step, sla_entries
from .changes import Change, PathChange, Risk, SopDiff, highest
from .text import Moved, fmt_number, holds_for_more, moved_numbers, norm, skeleton

YES = frozenset({"yes", "y", "true"})
NO = frozenset({"no", "n", "false"})
RENAME_THRESHOLD = 0.6  # combined content + reference similarity a rename needs


# --------------------------------------------------------------------------
# entry point


class PathLike(NamedTuple):
    """What :func:`csdocs.render.paths.resolution_paths` yields, as the diff reads it."""

    steps: tuple[str, ...]
    answers: tuple[tuple[str, str], ...]  # (decision step id, answer)
    end_kind: str
    end_target: str


# An SOP's resolution paths: a sequence of paths, or an object with ``paths`` and ``truncated``
# (the renderers' :class:`csdocs.render.paths.PathSet`).
PathsFn = Callable[[Sop], Any]


def diff_sops(old: Sop | None, new: Sop | None, *, old_path: str | None = None, new_path: str | None = None,
              paths_fn: PathsFn | None = None) -> SopDiff:
    """Every meaningful change from ``old`` to ``new`` (either may be None: added or removed).

    ``paths_fn`` lists an SOP's resolution paths (default: the renderers'
    :func:`csdocs.render.paths.resolution_paths` when it is installed).
    """
    if old is None and new is None:
        raise ValueError("diff_sops needs at least one SOP")
    old_path = old_path or (old.path if old else None)
    new_path = new_path or (new.path if new else None)
    if paths_fn is None:
        paths_fn = default_paths_fn()
    if old is None:
        assert new is not None
        change = Change(new.id, "sop-added", "", Risk.MEDIUM,
                        f"new SOP {_q(new.id)}: a procedure agents will now follow", None,
                        {"title": new.title, "version": new.version}, new_path or new.path, 1)
        new_paths, truncated = _paths(paths_fn, new)
        return SopDiff(new.id, None, new_path, (change,), _path_changes(new.id, (), new_paths), None, new.version,
                       paths_truncated=truncated)
    if new is None:
        change = Change(old.id, "sop-removed", "", Risk.HIGH,
                        f"SOP {_q(old.id)} removed: agents lose this procedure", {"title": old.title,
                                                                                "version": old.version},
                        None, old_path or old.path, 1)
        old_paths, truncated = _paths(paths_fn, old)
        return SopDiff(old.id, old_path, None, (change,), _path_changes(old.id, old_paths, ()), old.version, None,
                       paths_truncated=truncated)

    ctx = _Context(old, new, new_path or new.path)
    changes: list[Change] = []
    changes.extend(_top_level(ctx))
    changes.extend(_definitions(ctx))
    changes.extend(_sla(ctx, _sla_by_name(old.sla, new.sla, old=True), _sla_by_name(old.sla, new.sla, old=False),
                        prefix="sla", owner=None, at=new))
    changes.extend(_metrics(ctx))
    changes.extend(_escalations(ctx))
    changes.extend(_steps(ctx))
    if any(change.risk is Risk.HIGH for change in changes) and old.version == new.version:
        changes.append(_version_not_bumped(ctx))
    old_paths, old_truncated = _paths(paths_fn, old)
    new_paths, new_truncated = _paths(paths_fn, new)
    paths = _path_changes(new.id, [_map_path(ctx, p) for p in old_paths], new_paths)
    return SopDiff(new.id, old_path, ctx.path, tuple(sorted(changes, key=Change.sort_key)), paths,
                   old.version, new.version, tuple(sorted(ctx.step_map.items())),
                   tuple(sorted(ctx.escalation_map.items())), old_truncated or new_truncated)


def default_paths_fn() -> PathsFn | None:
    try:
        from ..render.paths import find_paths
    except ImportError:  # the renderers are not installed: the diff still works, without paths
        return None
    return find_paths


class _Context:
    """The two versions and the id renames found so far."""

    def __init__(self, old: Sop, new: Sop, path: str) -> None:
        self.old = old
        self.new = new
        self.path = path
        self.sop = new.id
        self.step_map: dict[str, str] = {}  # old step id -> new step id (renames only)
        self.escalation_map: dict[str, str] = {}

    def change(self, kind: str, target: str, risk: Risk, message: str, old: Any = None, new: Any = None,
               *, line: int | None = None) -> Change:
        return Change(self.sop, kind, target, risk, _CONTROL.sub("?", message), old, new, self.path,
                      line if line is not None else self.new.span.line)

    def map_step(self, step_id: str) -> str:
        return self.step_map.get(step_id, step_id)

    def map_edge(self, edge: Edge) -> tuple[str, str]:
        if edge.kind == "next":
            return edge.kind, self.map_step(edge.target)
        if edge.kind == "escalate":
            return edge.kind, self.escalation_map.get(edge.target, edge.target)
        return edge.kind, edge.target


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _q(text: object, limit: int = 60) -> str:
    """A user's value quoted for a message: clipped, one line, no terminal control characters."""
    return repr(clip(_CONTROL.sub("?", norm(str(text))) if text is not None else "", limit))


# --------------------------------------------------------------------------
# top-level fields

_WORDING_FIELDS = ("title", "department", "purpose")
_LIST_FIELDS_MEDIUM = ("channels", "contact_types")
_LIST_FIELDS_LOW = ("tags", "keywords", "related")


def _top_level(ctx: _Context) -> Iterable[Change]:
    old, new = ctx.old, ctx.new
    if old.owner != new.owner and norm(old.owner) != norm(new.owner):
        what = "removed" if not new.owner else f"changed from {_q(old.owner)} to {_q(new.owner)}"
        yield ctx.change("owner-changed", "owner", Risk.HIGH,
                         f"SOP owner {what}: someone else is now accountable", old.owner, new.owner,
                         line=new.at("owner").line)
    for name in _WORDING_FIELDS:
        if norm(getattr(old, name)) != norm(getattr(new, name)):
            yield ctx.change("field-changed", name, Risk.LOW, f"{name} reworded (wording)",
                             getattr(old, name), getattr(new, name), line=new.at(name).line)
    if old.status != new.status:
        if new.status == "retired":
            risk, why = Risk.HIGH, "the SOP is retired: agents stop following it"
        else:
            risk, why = Risk.MEDIUM, f"status changed from {old.status!r} to {new.status!r}"
        yield ctx.change("field-changed", "status", risk, why, old.status, new.status, line=new.at("status").line)
    if old.version != new.version:
        yield ctx.change("field-changed", "version", Risk.LOW,
                         f"version changed from {_q(old.version)} to {_q(new.version)}", old.version,
                         new.version, line=new.at("version").line)
    if old.last_reviewed != new.last_reviewed:
        yield ctx.change("field-changed", "last_reviewed", Risk.LOW, "review date changed",
                         old.last_reviewed.isoformat() if old.last_reviewed else None,
                         new.last_reviewed.isoformat() if new.last_reviewed else None,
                         line=new.at("last_reviewed").line)
    if old.review_every != new.review_every:
        yield ctx.change("field-changed", "review_every", Risk.LOW,
                         f"review interval changed from {_q(old.review_every)} to {_q(new.review_every)}",
                         old.review_every.text, new.review_every.text, line=new.at("review_every").line)
    if old.priority != new.priority:
        yield ctx.change("field-changed", "priority", Risk.MEDIUM,
                         f"priority changed from {_q(old.priority)} to {_q(new.priority)}: routing and "
                         "SLAs follow it", old.priority, new.priority, line=new.at("priority").line)
    for name in (*_LIST_FIELDS_MEDIUM, *_LIST_FIELDS_LOW):
        before, after = getattr(old, name), getattr(new, name)
        if set(before) == set(after):
            continue
        removed = [item for item in before if item not in after]
        added = [item for item in after if item not in before]
        parts = []
        if removed:
            parts.append("no longer " + ", ".join(_q(item, 30) for item in removed))
        if added:
            parts.append("adds " + ", ".join(_q(item, 30) for item in added))
        risk = Risk.MEDIUM if name in _LIST_FIELDS_MEDIUM and removed else Risk.LOW
        why = ": contacts there lose this procedure" if risk is Risk.MEDIUM else ""
        yield ctx.change("field-changed", name, risk, f"{name}: {'; '.join(parts)}{why}", list(before),
                         list(after), line=new.at(name).line)
    yield from _tiers(ctx)
    yield from _script(ctx)


def _tiers(ctx: _Context) -> Iterable[Change]:
    old = {tier.id: tier for tier in ctx.old.tiers}
    new = {tier.id: tier for tier in ctx.new.tiers}
    for tier_id in sorted(set(old) | set(new)):
        before, after = old.get(tier_id), new.get(tier_id)
        data_before = _tier_data(before)
        data_after = _tier_data(after)
        if data_before == data_after:
            continue
        if before is None or after is None or data_before is None or data_after is None:
            what = "added" if before is None else "removed"
        elif data_before["name"] == data_after["name"]:
            what = "authority changed"
        else:
            what = f"renamed from {_q(data_before['name'], 40)} to {_q(data_after['name'], 40)}"
        line = after.span.line if after else ctx.new.at("tiers").line
        yield ctx.change("field-changed", f"tiers.{tier_id}", Risk.MEDIUM,
                         f"tier {tier_id!r} {what}: who may do what changed", data_before, data_after,
                         line=line)


def _tier_data(tier: Any) -> dict[str, Any] | None:
    if tier is None:
        return None
    return {"name": norm(tier.name), "authority": norm(tier.authority) or None}


def _script(ctx: _Context) -> Iterable[Change]:
    old, new = ctx.old.script, ctx.new.script
    for name in ("greeting", "closing"):
        if norm(getattr(old, name)) != norm(getattr(new, name)):
            yield ctx.change("field-changed", f"script.{name}", Risk.LOW, f"script {name} reworded (wording)",
                             getattr(old, name), getattr(new, name), line=new.at(name).line)
    if [norm(q) for q in old.questions] != [norm(q) for q in new.questions]:
        yield ctx.change("field-changed", "script.questions", Risk.LOW, "script questions changed (wording)",
                         list(old.questions), list(new.questions), line=new.at("questions").line)


def _definitions(ctx: _Context) -> Iterable[Change]:
    old = {d.term: d for d in ctx.old.definitions}
    new = {d.term: d for d in ctx.new.definitions}
    for term in sorted(set(old) | set(new)):
        before, after = old.get(term), new.get(term)
        if before and after and norm(before.meaning) == norm(after.meaning):
            continue
        what = "added" if before is None else "removed" if after is None else "changed"
        line = after.span.line if after else ctx.new.at("definitions").line
        yield ctx.change("definition-changed", f"definitions.{term}", Risk.LOW, f"definition of {term!r} {what}",
                         before.meaning if before else None, after.meaning if after else None, line=line)


def _metrics(ctx: _Context) -> Iterable[Change]:
    old, new = ctx.old.metrics, ctx.new.metrics
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        what = ("added" if before is None else "removed" if after is None
                else f"changed from {_q(before, 20)} to {_q(after, 20)}")
        yield ctx.change("metric-changed", f"metrics.{name}", Risk.LOW, f"target for {name!r} {what}", before,
                         after, line=ctx.new.at(f"metrics.{name}").line)


def _sla_by_name(before: Mapping[str, SlaValue], after: Mapping[str, SlaValue], *,
                 old: bool) -> dict[str, Duration]:
    """One version's SLAs as name -> duration; by priority (``resolution.low``) where either version gives
    that SLA by priority, a single duration then standing for every priority (format 1.1)."""
    side = before if old else after
    out: dict[str, Duration] = {}
    for name in dict.fromkeys((*before, *after)):
        value = side.get(name)
        if value is None:
            continue
        if isinstance(value, Duration) and not isinstance((after if old else before).get(name), Mapping):
            out[name] = value
            continue
        for priority, duration in sla_entries(value):
            for each in (PRIORITIES if priority is None else (priority,)):
                out[f"{name}.{each}"] = duration
    return out


def _sla(ctx: _Context, old: Mapping[str, Duration], new: Mapping[str, Duration], *, prefix: str,
         owner: str | None, at: Any, what: str = "SLA") -> Iterable[Change]:
    """SLA durations: longer (or gone) is loosened, high; shorter (or new) is tightened, low."""
    for name in sorted(set(old) | set(new), key=_sla_order):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        base, _, priority = name.partition(".")
        if owner:
            label = f"{what} of escalation {owner!r}"
        else:
            label = f"{base.replace('_', ' ')} SLA" + (f" for priority {priority!r}" if priority else "")
        target = f"{prefix}.{name}" if name != "sla" else prefix
        old_minutes = before.minutes if before is not None else None
        new_minutes = after.minutes if after is not None else None
        if after is None:
            risk, why = Risk.HIGH, f"{label} removed ({_q(before, 20)}): loosened, nothing is promised"
        elif before is None:
            risk, why = Risk.LOW, f"{label} added ({_q(after, 20)}): tightened"
        elif old_minutes is None or new_minutes is None:
            risk, why = Risk.MEDIUM, f"{label} changed from {_q(before, 20)} to {_q(after, 20)}"
        elif new_minutes > old_minutes:
            risk, why = Risk.HIGH, f"{label} loosened from {before} to {after}: customers wait longer"
        elif new_minutes < old_minutes:
            risk, why = Risk.LOW, f"{label} tightened from {before} to {after}"
        else:
            continue  # 1d and 24h: the same promise written differently
        if prefix == "sla":
            line = at.spans.get(f"sla.{name}", at.at(f"sla.{base}")).line
        else:
            line = at.at("response" if what != "SLA" else "sla").line
        yield ctx.change("sla-changed", target, risk, why, _text(before), _text(after), line=line)


def _text(duration: Duration | None) -> str | None:
    """A duration as written, for a change's old and new values (JSON, reports)."""
    return None if duration is None else duration.text


def _sla_order(name: str) -> tuple[str, int]:
    base, _, priority = name.partition(".")
    return base, PRIORITIES.index(priority) + 1 if priority in PRIORITIES else 0


def _version_not_bumped(ctx: _Context) -> Change:
    version = ctx.new.version
    why = (f"high-risk change but version is still {_q(version, 20)}: bump it so agents see the procedure changed"
           if version is not None else
           "high-risk change and the SOP has no version: add one so agents see the procedure changed")
    return ctx.change("version-not-bumped", "version", Risk.HIGH, why, ctx.old.version, version,
                      line=ctx.new.at("version").line)


# --------------------------------------------------------------------------
# matching by id, then renames by content and references


class _Features(NamedTuple):
    """What a rename keeps: the content and the references of a step or escalation."""

    content: str
    references: frozenset[Any]


MAX_PAIRS = 2500  # removed x added pairs compared in full; above it, only pairs that share a reference


def _match(old: Mapping[str, _Features], new: Mapping[str, _Features]) -> dict[str, str]:
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


def _pairs_sharing_a_reference(removed: list[str], added: list[str], old: Mapping[str, _Features],
                               new: Mapping[str, _Features]) -> list[tuple[str, str]]:
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


# --------------------------------------------------------------------------
# escalations


def _from_tier(escalation: Escalation) -> str:
    """``from`` as a message quotes it; the diff has no project config, so no `from` is said as such."""
    return repr(escalation.from_tier) if escalation.from_tier is not None else "the first tier (no 'from')"


def _escalation_content(escalation: Escalation) -> str:
    return "\n".join(norm(part) for part in (escalation.trigger, escalation.from_tier, escalation.to_tier,
                                             escalation.owner, _text(escalation.sla)))


def _escalation_features(sop: Sop) -> dict[str, _Features]:
    """Escalation id -> its content and the (step, answer) pairs that escalate to it."""
    users: dict[str, set[tuple[str, str | None]]] = {}
    for step in sop.steps:
        for edge in step_edges(sop, step):
            if edge.kind == "escalate" or edge.raises is not None:
                users.setdefault(edge.raises or edge.target, set()).add((edge.source, edge.answer))
    return {e.id: _Features(_escalation_content(e), frozenset(users.get(e.id, ()))) for e in sop.escalations}


def _escalations(ctx: _Context) -> Iterable[Change]:
    old = {e.id: e for e in ctx.old.escalations}
    new = {e.id: e for e in ctx.new.escalations}
    ctx.escalation_map = _match(_escalation_features(ctx.old), _escalation_features(ctx.new))
    renamed_to = set(ctx.escalation_map.values())
    for escalation_id, escalation in old.items():
        if escalation_id in new or escalation_id in ctx.escalation_map:
            continue
        yield ctx.change("escalation-removed", f"escalations.{escalation_id}", Risk.HIGH,
                         f"escalation {escalation_id!r} removed: contacts that met its trigger "
                         f"({_q(escalation.trigger, 50)}) no longer escalate", _escalation_data(escalation), None,
                         line=ctx.new.at("escalations").line)
    for escalation_id, escalation in new.items():
        if escalation_id in old or escalation_id in renamed_to:
            continue
        yield ctx.change("escalation-added", f"escalations.{escalation_id}", Risk.MEDIUM,
                         f"escalation {escalation_id!r} added: contacts that meet {_q(escalation.trigger, 50)} "
                         f"now escalate to {escalation.to_tier!r}", None, _escalation_data(escalation),
                         line=escalation.span.line)
    for old_id, before in old.items():
        new_id = ctx.escalation_map.get(old_id, old_id)
        after = new.get(new_id)
        if after is not None:
            yield from _escalation_changed(ctx, before, after)


def _escalation_data(escalation: Escalation) -> dict[str, Any]:
    data: dict[str, Any] = {"id": escalation.id, "trigger": norm(escalation.trigger) or None,
                            "from": escalation.from_tier, "to": escalation.to_tier, "owner": escalation.owner,
                            "sla": _text(escalation.sla)}
    if escalation.handoff is not None:
        data["handoff"] = list(escalation.handoff)
    return data


def _escalation_changed(ctx: _Context, before: Escalation, after: Escalation) -> Iterable[Change]:
    target = f"escalations.{after.id}"
    if before.id != after.id:
        yield ctx.change("escalation-changed", target, Risk.LOW,
                         f"escalation renamed from {before.id!r} to {after.id!r}", {"id": before.id},
                         {"id": after.id}, line=after.at("id").line)
    if norm(before.owner) != norm(after.owner):
        what = "removed" if not after.owner else f"changed from {_q(before.owner)} to {_q(after.owner)}"
        yield ctx.change("owner-changed", f"{target}.owner", Risk.HIGH,
                         f"owner of escalation {after.id!r} {what}: someone else owns these contacts",
                         before.owner, after.owner, line=after.at("owner").line)
    yield from _sla(ctx, {"sla": before.sla} if before.sla else {}, {"sla": after.sla} if after.sla else {},
                    prefix=f"{target}.sla", owner=after.id, at=after)
    yield from _sla(ctx, {"sla": before.response} if before.response else {},
                    {"sla": after.response} if after.response else {},
                    prefix=f"{target}.response", owner=after.id, at=after, what="response time")
    if norm(before.trigger) != norm(after.trigger):
        yield from _condition_changed(ctx, f"{target}.trigger", f"the trigger of escalation {after.id!r}",
                                      before.trigger, after.trigger, sense=1, line=after.at("trigger").line,
                                      rewritten_risk=Risk.MEDIUM)
    tiers = []
    if before.from_tier != after.from_tier:
        tiers.append(f"now escalated from {_from_tier(after)} instead of {_from_tier(before)}")
    if before.to_tier != after.to_tier:
        tiers.append(f"now goes to {after.to_tier!r} instead of {before.to_tier!r}")
    if tiers:
        yield ctx.change("escalation-changed", f"{target}.tier", Risk.MEDIUM,
                         f"escalation {after.id!r} tier changed: " + "; ".join(tiers),
                         {"from": before.from_tier, "to": before.to_tier},
                         {"from": after.from_tier, "to": after.to_tier}, line=after.at("to").line)
    if (before.handoff or ()) != (after.handoff or ()) and before.handoff != after.handoff:
        old_items = list(before.handoff) if before.handoff is not None else None
        new_items = list(after.handoff) if after.handoff is not None else None
        dropped = [item for item in (old_items or []) if new_items is not None and item not in new_items]
        risk = Risk.MEDIUM if dropped else Risk.LOW
        why = (f"handoff note of {after.id!r} drops {', '.join(_q(i, 30) for i in dropped)}: "
               "customers may have to repeat themselves" if dropped else f"handoff note of {after.id!r} changed")
        yield ctx.change("escalation-changed", f"{target}.handoff", risk, why, old_items, new_items,
                         line=after.at("handoff").line)


# --------------------------------------------------------------------------
# conditions (triggers and decisions): thresholds or rewording


def _condition_changed(ctx: _Context, target: str, label: str, before: str | None, after: str | None, *,
                       sense: int, line: int, rewritten_risk: Risk, kind: str = "escalation-changed",
                       route: str = "") -> Iterable[Change]:
    """A changed condition: one ``threshold-changed`` per moved number, else a rewording.

    ``sense`` is +1 when the condition holding leads to an escalation, -1
    when it failing does, 0 when neither (a decision between two routes).
    """
    moves = moved_numbers(before, after)
    if moves:
        also = "; the wording changed too" if skeleton(before) != skeleton(after) else ""
        for move in moves:
            yield _threshold(ctx, target, label, move, sense=sense, line=line, route=route, also=also)
        return
    yield ctx.change(kind, target, rewritten_risk,
                     f"{label} changed from {_q(before, 50)} to {_q(after, 50)}"
                     + (": a different condition decides who escalates" if rewritten_risk is not Risk.LOW
                        else " (wording)"),
                     before, after, line=line)


def _threshold(ctx: _Context, target: str, label: str, move: Moved, *, sense: int, line: int,
               route: str, also: str = "") -> Change:
    old_value, new_value = fmt_number(move.old.value), fmt_number(move.new.value)
    if move.new.value == move.old.value:
        head = f"comparison of {new_value} in {label} changed"
    else:
        direction = "raised" if move.new.value > move.old.value else "lowered"
        head = f"threshold in {label} {direction} from {old_value} to {new_value}"
    more = holds_for_more(move)
    if more is None:
        risk, why = Risk.HIGH, "the comparison is unclear, so fewer contacts may escalate: check it"
    elif sense == 0:
        risk, why = Risk.MEDIUM, f"{'more' if more else 'fewer'} contacts meet the condition"
    elif (more and sense > 0) or (not more and sense < 0):
        risk, why = Risk.MEDIUM, "more contacts escalate" + (f" (more {route})" if route else "")
    else:
        risk, why = Risk.HIGH, "fewer contacts escalate" + (f" (fewer {route})" if route else "")
    return ctx.change("threshold-changed", target, risk, f"{head}: {why}{also}", move.old.text, move.new.text,
                      line=line)


# --------------------------------------------------------------------------
# steps


def _step_content(step: Step) -> str:
    answers = " | ".join(norm(branch.answer) for branch in step.branches)
    return "\n".join(norm(part) for part in (step.title, step.action, step.decision, step.say, step.stage,
                                             step.actor, answers))


def _step_features(sop: Sop) -> dict[str, _Features]:
    """Step id -> its content and its edges in and out, with the step itself blanked: what a rename keeps."""
    references: dict[str, set[tuple[str, str, str | None]]] = {step.id: set() for step in sop.steps}
    for step in sop.steps:
        for edge in step_edges(sop, step):
            if edge.kind == "next" and edge.target in references:
                references[edge.target].add(("in", edge.source, edge.answer))
            references[step.id].add(("out", f"{edge.kind}:{edge.target}", edge.answer))
    return {step.id: _Features(_step_content(step), frozenset(references[step.id])) for step in sop.steps}


def _steps(ctx: _Context) -> Iterable[Change]:
    old_steps = {step.id: step for step in ctx.old.steps}
    new_steps = {step.id: step for step in ctx.new.steps}
    ctx.step_map = _match(_step_features(ctx.old), _step_features(ctx.new))
    renamed_to = set(ctx.step_map.values())
    removed = {i for i in old_steps if i not in new_steps and i not in ctx.step_map}
    added = {i for i in new_steps if i not in old_steps and i not in renamed_to}
    old_flow = _Flow(ctx.old, ctx)
    new_flow = _Flow(ctx.new, None)
    for step_id in sorted(removed, key=lambda i: old_steps[i].index):
        step = old_steps[step_id]
        on_path = step_id in old_flow.reachable_from(ctx.old.steps[0].id)
        risk, why = ((Risk.HIGH, "removed from the flow: contacts that reached it skip it now") if on_path
                     else (Risk.LOW, "removed (no path reached it)"))
        yield ctx.change("step-removed", f"steps.{step_id}", risk, f"step {step_id!r} {why}", _step_data(step),
                         None, line=ctx.new.at("steps").line)
    for step_id in sorted(added, key=lambda i: new_steps[i].index):
        step = new_steps[step_id]
        on_path = step_id in new_flow.reachable_from(ctx.new.steps[0].id)
        risk, why = ((Risk.MEDIUM, "added to the flow") if on_path
                     else (Risk.LOW, "added, but no path reaches it"))
        yield ctx.change("step-added", f"steps.{step_id}", risk, f"step {step_id!r} {why}", None, _step_data(step),
                         line=step.span.line)
    for old_id, before in old_steps.items():
        after = new_steps.get(ctx.map_step(old_id)) if old_id not in removed else None
        if after is not None:
            yield from _step_changed(ctx, before, after, old_flow, new_flow, removed, added)


def _step_data(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {"id": step.id, "title": norm(step.title)}
    for name in ("stage", "actor", "action", "say", "decision"):
        value = getattr(step, name)
        if value is not None:
            data[name] = norm(value)
    if step.automated:
        data["automated"] = True
    if step.every is not None:
        data["every"] = step.every.text
    if step.until is not None:
        data["until"] = norm(step.until)
    if step.branches:
        data["branches"] = [_move_data(branch.move, answer=branch.answer) for branch in step.branches]
    elif step.move.kind is not None:
        data.update(_move_data(step.move))
    return data


def _move_data(move: Any, *, answer: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {} if answer is None else {"answer": answer}
    if move.raises is not None:
        data["escalate"] = move.raises
    if move.kind is not None:
        data[move.kind] = move.target
    return data


_STEP_WORDING = ("title", "action", "say")


def _step_changed(ctx: _Context, before: Step, after: Step, old_flow: _Flow, new_flow: _Flow,
                  removed: set[str], added: set[str]) -> Iterable[Change]:
    target = f"steps.{after.id}"
    parts: list[str] = []
    risks: list[Risk] = []
    old_data: dict[str, Any] = {}
    new_data: dict[str, Any] = {}

    def note(risk: Risk, text: str, name: str, old_value: Any, new_value: Any) -> None:
        parts.append(text)
        risks.append(risk)
        old_data[name] = old_value
        new_data[name] = new_value

    if before.id != after.id:
        note(Risk.LOW, f"renamed from {before.id!r}", "id", before.id, after.id)
    for name in _STEP_WORDING:
        if norm(getattr(before, name)) != norm(getattr(after, name)):
            note(Risk.LOW, f"{name} reworded", name, getattr(before, name), getattr(after, name))
    if before.stage != after.stage:
        note(Risk.LOW, f"stage now {after.stage!r}", "stage", before.stage, after.stage)
    if before.actor != after.actor:
        note(Risk.MEDIUM, f"now done by {after.actor!r} instead of {before.actor!r} (tier changed)", "actor",
             before.actor, after.actor)
    if before.automated != after.automated:
        note(Risk.MEDIUM, "now automated" if after.automated else "no longer automated: an agent does it",
             "automated", before.automated, after.automated)
    _recurring_changed(before, after, note)
    decision_changes: list[Change] = []
    if norm(before.decision) != norm(after.decision):
        moves = moved_numbers(before.decision, after.decision)
        if before.decision and after.decision and moves:
            sense, route = _decision_sense(new_flow, after)
            decision_changes.extend(_condition_changed(
                ctx, f"{target}.decision", f"the decision of step {after.id!r}", before.decision, after.decision,
                sense=sense, line=after.at("decision").line, rewritten_risk=Risk.LOW, route=route))
        elif moves is None:  # numbers came or went: a new condition, not new words
            note(Risk.MEDIUM, "decision rewritten with a different condition: check who answers which way",
                 "decision", before.decision, after.decision)
        else:
            note(Risk.LOW, "decision reworded", "decision", before.decision, after.decision)
    if before.branches or after.branches:
        yield from _branches_changed(ctx, before, after, old_flow, new_flow, removed, added)
    else:
        old_edge, new_edge = step_edges(ctx.old, before)[0], step_edges(ctx.new, after)[0]
        if ctx.map_edge(old_edge) != (new_edge.kind, new_edge.target) and not _explained_by_step(
                ctx, old_flow, new_flow, old_edge, new_edge, removed, added):
            risk, why = _route_change(ctx, old_flow, new_flow, old_edge, new_edge)
            note(risk, why, "move", _edge_data(old_edge), _edge_data(new_edge))
        else:
            raised = _raised_changed(ctx, old_edge, new_edge)
            if raised is not None:
                note(raised[0], raised[1], "move", _edge_data(old_edge), _edge_data(new_edge))
    yield from decision_changes
    if parts:
        yield ctx.change("step-changed", target, highest(risks) or Risk.LOW,
                         f"step {after.id!r}: " + "; ".join(parts), old_data, new_data, line=after.span.line)


def _edge_data(edge: Edge) -> dict[str, Any]:
    data: dict[str, Any] = {"escalate": edge.raises} if edge.raises is not None else {}
    data[edge.kind] = edge.target
    if edge.implicit:
        data["implicit"] = True
    return data


def _answer_key(answer: str) -> str:
    return norm(answer).lower()


def _branches_changed(ctx: _Context, before: Step, after: Step, old_flow: _Flow, new_flow: _Flow,
                      removed: set[str], added: set[str]) -> Iterable[Change]:
    old_edges = {_answer_key(e.answer or ""): e for e in step_edges(ctx.old, before)}
    new_edges = {_answer_key(e.answer or ""): e for e in step_edges(ctx.new, after)}
    gone = [key for key in old_edges if key not in new_edges]
    came = [key for key in new_edges if key not in old_edges]
    # An answer reworded with the same target is one branch, not a removal and an addition.
    for key in list(gone):
        edge = old_edges[key]
        twin = next((k for k in came if (new_edges[k].kind, new_edges[k].target) == ctx.map_edge(edge)), None)
        if twin is not None:
            gone.remove(key)
            came.remove(twin)
            reworded = new_edges[twin]
            yield ctx.change("branch-changed", f"steps.{after.id}.branches.{reworded.answer}", Risk.LOW,
                             f"step {after.id!r}: answer {_q(edge.answer, 30)} reworded to "
                             f"{_q(reworded.answer, 30)} (wording)", edge.answer, reworded.answer,
                             line=reworded.span.line)
    for key in gone:
        edge = old_edges[key]
        escalates = old_flow.escalations_from(edge)
        why = (f"contacts answering {_q(edge.answer, 30)} no longer have a route"
               + (f" and no longer escalate to {', '.join(map(repr, sorted(escalates)))}" if escalates else ""))
        yield ctx.change("branch-changed", f"steps.{after.id}.branches.{edge.answer}", Risk.HIGH,
                         f"step {after.id!r}: branch {_q(edge.answer, 30)} removed: {why}",
                         _edge_data(edge), None, line=after.at("branches").line)
    for key in came:
        edge = new_edges[key]
        yield ctx.change("branch-changed", f"steps.{after.id}.branches.{edge.answer}", Risk.MEDIUM,
                         f"step {after.id!r}: branch {_q(edge.answer, 30)} added: a new route "
                         f"({edge.kind} {edge.target!r})", None, _edge_data(edge), line=edge.span.line)
    for key, old_edge in old_edges.items():
        new_edge = new_edges.get(key)
        if new_edge is not None and ctx.map_edge(old_edge) == (new_edge.kind, new_edge.target):
            raised = _raised_changed(ctx, old_edge, new_edge)
            if raised is not None:
                yield ctx.change("branch-changed", f"steps.{after.id}.branches.{new_edge.answer}", raised[0],
                                 f"step {after.id!r}: branch {_q(new_edge.answer, 30)} {raised[1]}",
                                 _edge_data(old_edge), _edge_data(new_edge), line=new_edge.span.line)
        if new_edge is None or ctx.map_edge(old_edge) == (new_edge.kind, new_edge.target):
            continue
        if _explained_by_step(ctx, old_flow, new_flow, old_edge, new_edge, removed, added):
            continue
        risk, why = _route_change(ctx, old_flow, new_flow, old_edge, new_edge)
        yield ctx.change("branch-changed", f"steps.{after.id}.branches.{new_edge.answer}", risk,
                         f"step {after.id!r}: branch {_q(new_edge.answer, 30)} {why}", _edge_data(old_edge),
                         _edge_data(new_edge), line=new_edge.span.line)


def _raised_changed(ctx: _Context, old_edge: Edge, new_edge: Edge) -> tuple[Risk, str] | None:
    """The same route, but the escalation raised on the way (escalate and continue) came, went or changed."""
    before = ctx.escalation_map.get(old_edge.raises, old_edge.raises) if old_edge.raises else None
    after = new_edge.raises
    if before == after:
        return None
    if after is None:
        return Risk.HIGH, f"no longer raises escalation {before!r} before going on: fewer contacts escalate"
    if before is None:
        return Risk.MEDIUM, f"now raises escalation {after!r} before going on: more contacts escalate"
    return Risk.HIGH, (f"raises escalation {after!r} instead of {before!r} before going on: fewer contacts "
                       f"escalate to {before!r}")


def _recurring_changed(before: Step, after: Step, note: Callable[[Risk, str, str, Any, Any], None]) -> None:
    """A recurring duty (``every`` ... ``until``): less often or gone is loosened (high), like an SLA."""
    if before.every != after.every:
        old_minutes = before.every.minutes if before.every is not None else None
        new_minutes = after.every.minutes if after.every is not None else None
        if after.every is None:
            risk, why = Risk.HIGH, f"no longer repeated every {before.every}: the recurring duty is gone"
        elif before.every is None:
            risk, why = Risk.LOW, f"now repeated every {after.every}"
        elif old_minutes is None or new_minutes is None:
            risk, why = Risk.MEDIUM, f"repeated every {_q(after.every, 20)} instead of {_q(before.every, 20)}"
        elif new_minutes > old_minutes:
            risk, why = Risk.HIGH, f"repeated less often: every {after.every} instead of {before.every}"
        elif new_minutes < old_minutes:
            risk, why = Risk.LOW, f"repeated more often: every {after.every} instead of {before.every}"
        else:
            risk, why = None, ""  # 60m and 1h
        if risk is not None:
            note(risk, why, "every", _text(before.every), _text(after.every))
    if norm(before.until) != norm(after.until) and before.until and after.until:
        note(Risk.MEDIUM, f"the recurring duty now stops when {_q(after.until, 50)} instead of "
                          f"{_q(before.until, 50)}", "until", before.until, after.until)


def _decision_sense(flow: _Flow, step: Step) -> tuple[int, str]:
    """+1 when the yes route escalates and the no route does not, -1 the reverse, else 0.

    The text names the answer that leads to the escalation, for the message.
    """
    edges = step_edges(flow.sop, step)
    yes = [e for e in edges if _answer_key(e.answer or "") in YES]
    no = [e for e in edges if _answer_key(e.answer or "") in NO]
    if not yes or not no:
        return 0, ""
    yes_escalates = any(flow.escalations_from(e) for e in yes)
    no_escalates = any(flow.escalations_from(e) for e in no)
    if yes_escalates and not no_escalates:
        return 1, f"answer {_q(yes[0].answer, 20)}, the route that escalates"
    if no_escalates and not yes_escalates:
        return -1, f"answer {_q(no[0].answer, 20)}, the route that escalates"
    return 0, ""


# --------------------------------------------------------------------------
# the flow: which steps and escalations a route reaches


class _Flow:
    """Reachability in one version; old step ids are mapped to new ones when ``ctx`` is given."""

    def __init__(self, sop: Sop, ctx: _Context | None) -> None:
        self.sop = sop
        self.ctx = ctx
        self.out: dict[str, tuple[Edge, ...]] = {step.id: step_edges(sop, step) for step in sop.steps}
        self._cache: dict[str, frozenset[str]] = {}

    def reachable_from(self, step_id: str) -> frozenset[str]:
        """Step ids reached from ``step_id`` (itself included), unmapped."""
        cached = self._cache.get(step_id)
        if cached is not None:
            return cached
        seen: set[str] = set()
        todo = [step_id]
        while todo:
            current = todo.pop()
            if current in seen or current not in self.out:
                continue
            seen.add(current)
            todo.extend(e.target for e in self.out[current] if e.kind == "next")
        result = frozenset(seen)
        self._cache[step_id] = result
        return result

    def route(self, edge: Edge) -> tuple[set[str], set[tuple[str, str]]]:
        """The steps and the ends (kind, target) that contacts taking ``edge`` can reach, mapped to new ids."""
        steps = self.reachable_from(edge.target) if edge.kind == "next" else frozenset()
        ends = {(edge.kind, edge.target)} if edge.kind != "next" else set()
        if edge.raises is not None:  # escalate and continue: the escalation is raised on the way
            ends.add(("escalate", edge.raises))
        for step_id in steps:
            for out in self.out[step_id]:
                if out.kind != "next":
                    ends.add((out.kind, out.target))
                if out.raises is not None:
                    ends.add(("escalate", out.raises))
        if self.ctx is None:
            return set(steps), ends
        mapped_ends = {(kind, self.ctx.escalation_map.get(target, target) if kind == "escalate" else target)
                       for kind, target in ends}
        return {self.ctx.map_step(s) for s in steps}, mapped_ends

    def escalations_from(self, edge: Edge) -> set[str]:
        return {target for kind, target in self.route(edge)[1] if kind == "escalate"}


def _route_change(ctx: _Context, old_flow: _Flow, new_flow: _Flow, old_edge: Edge,
                  new_edge: Edge) -> tuple[Risk, str]:
    """Judge a rerouted step or branch by what its contacts gain or lose downstream."""
    old_steps, old_ends = old_flow.route(old_edge)
    new_steps, new_ends = new_flow.route(new_edge)
    old_escalations = {t for k, t in old_ends if k == "escalate"}
    new_escalations = {t for k, t in new_ends if k == "escalate"}
    reasons: list[tuple[Risk, str]] = []
    lost = old_escalations - new_escalations
    if lost:
        reasons.append((Risk.HIGH, f"fewer contacts escalate (no longer reach {_names(lost)})"))
    skipped = old_steps - new_steps
    if skipped:
        reasons.append((Risk.HIGH, f"skips {_names(skipped)} (a step removed from the path)"))
    gained = new_escalations - old_escalations
    if gained:
        reasons.append((Risk.MEDIUM, f"more contacts escalate (now reach {_names(gained)})"))
    added = new_steps - old_steps
    if added:
        reasons.append((Risk.MEDIUM, f"adds {_names(added)} to the path"))
    if not reasons:
        reasons.append((Risk.MEDIUM, "contacts end differently"))
    head = f"now goes to {_describe(new_edge)} instead of {_describe(old_edge, ctx)}"
    return highest(r for r, _ in reasons) or Risk.MEDIUM, f"{head}: " + "; ".join(why for _, why in reasons)


def _explained_by_step(ctx: _Context, old_flow: _Flow, new_flow: _Flow, old_edge: Edge, new_edge: Edge,
                       removed: set[str], added: set[str]) -> bool:
    """A move that only steps over a removed step, or into an added one that leads on to the old target.

    The author had to edit it to remove or insert that step; the
    ``step-removed`` or ``step-added`` change already says what it means.
    """
    if old_edge.kind == "next" and old_edge.target in removed:
        after_removed = {ctx.map_edge(e) for e in old_flow.out.get(old_edge.target, ())}
        if (new_edge.kind, new_edge.target) in after_removed:
            return True
    if new_edge.kind == "next" and new_edge.target in added:
        after_added = {(e.kind, e.target) for e in new_flow.out.get(new_edge.target, ())}
        if ctx.map_edge(old_edge) in after_added:
            return True
    return False


def _describe(edge: Edge, ctx: _Context | None = None) -> str:
    target = edge.target
    if ctx is not None:
        target = ctx.map_edge(edge)[1]
    words = {"next": "step", "escalate": "escalation", "goto": "SOP", "outcome": "outcome"}
    return f"{words.get(edge.kind, edge.kind)} {clip(target, 40)!r}"


def _names(ids: Iterable[str]) -> str:
    return ", ".join(repr(clip(i, 40)) for i in sorted(ids))


# --------------------------------------------------------------------------
# resolution paths


def _paths(paths_fn: PathsFn | None, sop: Sop) -> tuple[tuple[PathLike, ...], bool]:
    """The SOP's paths, and whether the enumeration stopped at its limit (the list is incomplete)."""
    if paths_fn is None or not sop.steps:
        return (), False
    found = paths_fn(sop)
    truncated = bool(getattr(found, "truncated", False))
    paths = tuple(PathLike(tuple(p.steps), tuple((str(s), str(a)) for s, a in p.answers), str(p.end_kind),
                           str(p.end_target)) for p in (found.paths if hasattr(found, "paths") else found))
    return paths, truncated


def _map_path(ctx: _Context, path: PathLike) -> PathLike:
    end_target = path.end_target
    if path.end_kind == "escalate":
        end_target = ctx.escalation_map.get(end_target, end_target)
    answers = tuple((ctx.map_step(step), answer) for step, answer in path.answers)
    return PathLike(tuple(ctx.map_step(s) for s in path.steps), answers, path.end_kind, end_target)


def _path_key(path: PathLike) -> PathLike:
    """Answers compared as branches are: case and spacing do not make another path."""
    return path._replace(answers=tuple((step, _answer_key(answer)) for step, answer in path.answers))


def _path_changes(sop_id: str, old: Iterable[PathLike], new: Iterable[PathLike]) -> tuple[PathChange, ...]:
    old_by_key = {_path_key(p): p for p in old}
    new_by_key = {_path_key(p): p for p in new}
    out = [PathChange(sop_id, "removed", *p) for key, p in old_by_key.items() if key not in new_by_key]
    out += [PathChange(sop_id, "added", *p) for key, p in new_by_key.items() if key not in old_by_key]
    return tuple(sorted(out, key=lambda p: (p.change != "removed", p.steps, p.end_kind, p.end_target,
                                            p.answers)))
