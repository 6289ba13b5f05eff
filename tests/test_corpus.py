"""The example corpus (sops/): big enough, covers every kind of SOP, and lints with no finding at all."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from csdocs import graph
from csdocs.config import load_config
from csdocs.loader import load_file, load_glossary
from csdocs.model import Sop, slugify
from csdocs.tiers import resolve as resolve_tiers

from .conftest import ROOT, SOPS, example_sop_files, run_csdocs

SCHEMA_LINE = "# yaml-language-server: $schema=../../sop.schema.json"
FILES = example_sop_files()


@pytest.fixture(scope="module")
def corpus() -> dict[str, Sop]:
    loaded = {}
    for path in FILES:
        result = load_file(path)
        assert result.sop is not None and result.problems == (), path
        loaded[result.sop.id] = result.sop
    return loaded


def test_lint_gives_no_finding_and_exit_0() -> None:
    result = run_csdocs("lint", "sops/", cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_strict_lint_passes_too() -> None:
    result = run_csdocs("lint", "--strict", "--format", "json", "sops/", cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert '"findings": []' in result.stdout


def test_size_and_departments(corpus: dict[str, Sop]) -> None:
    assert len(corpus) >= 12
    assert len({sop.department for sop in corpus.values()}) >= 4


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(SOPS).as_posix())
def test_file_starts_with_the_schema_line_and_sits_in_its_department_folder(path: Path) -> None:
    assert path.read_text("utf-8").splitlines()[0] == SCHEMA_LINE
    sop = load_file(path).sop
    assert sop is not None
    assert path.parent == SOPS / slugify(sop.department)
    assert path.stem == sop.id


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(SOPS).as_posix())
def test_every_sop_is_complete_and_recently_reviewed(path: Path) -> None:
    sop = load_file(path).sop
    assert sop is not None
    assert sop.owner and sop.purpose and sop.status == "active"
    assert sop.last_reviewed is not None and sop.last_reviewed.isoformat() >= "2026-09-01"
    assert sop.sla and sop.metrics and sop.definitions and sop.escalations
    assert sop.script.greeting and sop.script.questions and sop.script.closing
    assert all(step.stage and step.actor for step in sop.steps)
    assert any(step.say for step in sop.steps)
    assert all(e.owner and e.sla and e.trigger for e in sop.escalations)


def test_glossary_defines_the_common_terms() -> None:
    glossary, problems = load_glossary(SOPS / "glossary.yaml")
    assert problems == ()
    assert {"FCR", "CSAT", "AHT", "SLA", "NPS", "RMA", "CRM", "KYC", "VIP", "B2B"} <= set(glossary.terms)


def _has_bounded_retry_loop(sop: Sop) -> bool:
    """A loop in the flow whose way out is a decision on a count (``... below 3?``)."""
    follow = graph.successors(sop)
    for step in sop.steps:
        if step.decision and any(ch.isdigit() for ch in step.decision) and "attempt" in step.decision.lower():
            looping = [b.move.next for b in step.branches if b.move.next]
            exits = [b for b in step.branches if b.move.kind in ("escalate", "outcome", "goto")]
            if exits and any(_reaches(follow, target, step.id) for target in looping):
                return True
    return False


def _reaches(follow: dict[str, tuple[str, ...]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(follow.get(current, ()))
    return False


def test_covers_every_required_kind(corpus: dict[str, Sop]) -> None:
    sops = list(corpus.values())
    moves = [m for s in sops for st in s.steps for m in (st.move, *(b.move for b in st.branches))]
    assert any(_has_bounded_retry_loop(sop) for sop in sops), "a retry loop with a counted exit"
    config = load_config(ROOT / "mkdocs.yml")
    starts = [(sop, resolve_tiers(sop, config)) for sop in sops]
    assert any({("L1", "L2"), ("L2", "L3")} <= {(tiers.start(e), e.to_tier) for e in sop.escalations}
               for sop, tiers in starts), "an L1 -> L2 -> L3 chain"
    assert any(m.goto and "#" in m.goto for m in moves), "a goto to sop#step"
    assert any(m.goto and "#" not in m.goto for m in moves), "a goto to a whole SOP"
    assert any(step.automated for sop in sops for step in sop.steps), "automated steps"
    assert all(sop.related for sop in sops)
    assert any(not any(step.branches for step in sop.steps) for sop in sops), "a linear SOP (onboarding)"
    assert any("formal complaint" in (e.trigger or "").lower() for sop in sops for e in sop.escalations)
    channels = Counter(channel for sop in sops for channel in sop.channels)
    assert {"phone", "email", "chat", "store", "app"} <= set(channels)
    words = " ".join(f"{sop.title} {sop.department} {' '.join(sop.contact_types)}".lower() for sop in sops)
    for kind in ("refund", "dispute", "complaint", "login", "outage", "onboarding", "b2b", "store", "spa",
                 "enrolment", "delivery"):
        assert kind in words, kind
    every_goto_target = {m.goto.partition("#")[0] for m in moves if m.goto}
    assert every_goto_target <= set(corpus)


def test_refund_sop_is_an_eligibility_tree(corpus: dict[str, Sop]) -> None:
    refund = corpus["refund-request"]
    decisions = [step for step in refund.steps if step.decision]
    assert len(decisions) >= 4
    assert any("30 days" in (step.decision or "") for step in decisions)


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def test_every_sop_has_a_few_keywords_in_its_customers_words(corpus: dict[str, Sop]) -> None:
    for sop in corpus.values():
        assert 3 <= len(sop.keywords) <= 8, (sop.id, sop.keywords)
        own_words = {_words(sop.title), _words(sop.id.replace("-", " "))}
        assert not own_words & {_words(k) for k in sop.keywords}, f"{sop.id}: a keyword only repeats the title"
        assert len({_words(k) for k in sop.keywords}) == len(sop.keywords), sop.id
        assert not {_words(k) for k in sop.keywords} & {_words(c) for c in sop.contact_types}, sop.id


VIETNAMESE_LETTERS = frozenset("áàãéèíìĩóòõúùũýăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def _vietnamese(text: str) -> bool:
    return any(char in VIETNAMESE_LETTERS for char in text.casefold())


def test_one_sop_is_written_in_vietnamese_from_title_to_keywords(corpus: dict[str, Sop]) -> None:
    vietnamese = [sop for sop in corpus.values() if _vietnamese(sop.title)]
    assert len(vietnamese) >= 1
    for sop in vietnamese:
        texts = [sop.purpose, *sop.keywords, *sop.contact_types, *(d.term for d in sop.definitions),
                 sop.script.greeting or "", *(step.title for step in sop.steps),
                 *(e.trigger or "" for e in sop.escalations)]
        assert all(_vietnamese(text) for text in texts), [t for t in texts if not _vietnamese(t)]
        assert any(step.decision for step in sop.steps) and any(e.handoff for e in sop.escalations)
