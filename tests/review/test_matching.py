"""Rename matching on big SOPs: right answers, without comparing every pair."""

from __future__ import annotations

from csdocs.loader import load_text
from csdocs.review import diff_sops
from csdocs.review.compare import MAX_PAIRS


def _sop(prefix: str, count: int, *, reword: int | None = None) -> str:
    lines = ["id: big\ntitle: Big\ndepartment: Billing\nowner: Lead\npurpose: Test.\nsteps:"]
    for index in range(count):
        action = f"Check item {index} of the order against the invoice and note the result."
        if index == reword:
            action = f"Check item {index} of the order against the invoice, then note the result."
        lines.append(f"  - id: {prefix}{index}\n    title: Step {index}\n    action: {action}")
    return "\n".join(lines) + "\n"


def _diff(old: str, new: str):
    return diff_sops(load_text(old, "old.yaml").sop, load_text(new, "new.yaml").sop)


def test_renaming_every_step_of_a_big_sop_is_one_rename_each() -> None:
    count = 60
    assert count * count > MAX_PAIRS  # the cheap path: identical content is matched by hash
    diff = _diff(_sop("a", count), _sop("b", count))
    assert {(c.kind, c.risk.value) for c in diff.changes} == {("step-changed", "low")}
    assert len(diff.changes) == count
    assert diff.paths == ()


def test_one_reworded_rename_in_a_big_sop() -> None:
    old = _sop("a", 60)
    new = _sop("a", 60, reword=30).replace("id: a30\n", "id: check-30\n")
    diff = _diff(old, new)
    assert [(c.kind, c.target) for c in diff.changes] == [("step-changed", "steps.check-30")]
    assert diff.changes[0].message == "step 'check-30': renamed from 'a30'; action reworded"
