"""Every change kind and risk rule, as before/after pairs (fixtures/cases.yaml).

One parametrized test per case: ``pytest tests/review -k threshold`` runs the
threshold cases. The expected list is exact: a case that gives one more
change than it names fails, so no change is reported twice.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from csdocs.loader import load_text
from csdocs.review import KINDS, Risk, diff_sops

from .helpers import apply_edits, dump

FIXTURES = Path(__file__).parent / "fixtures"
BASE = yaml.safe_load((FIXTURES / "base.yaml").read_text("utf-8"))
CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text("utf-8"))


def build_pair(case: dict):
    old_data = apply_edits(copy.deepcopy(BASE), case.get("old"))
    new_data = apply_edits(copy.deepcopy(old_data), case.get("new"))
    old = None if case.get("absent") == "old" else _load(dump(old_data), "old.yaml")
    new = None if case.get("absent") == "new" else _load(dump(new_data), "new.yaml")
    return old, new


def _load(text: str, path: str):
    loaded = load_text(text, path)
    assert loaded.sop is not None, loaded.problems
    return loaded.sop


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case_gives_exactly_the_expected_changes(case: dict) -> None:
    old, new = build_pair(case)
    diff = diff_sops(old, new)
    found = sorted(f"{c.kind} {c.target or '-'} {c.risk.value}" for c in diff.changes)
    assert found == sorted(case["expect"])
    messages = " | ".join(c.message for c in diff.changes)
    for words in case.get("messages", []):
        assert words in messages
    if not case["expect"]:
        assert diff.paths == ()  # nothing changed, so no path did either
    json.dumps([c.as_dict() for c in diff.changes])  # old and new are plain data


def test_every_kind_and_risk_has_a_case() -> None:
    seen = {(line.split()[0], line.split()[-1]) for case in CASES for line in case["expect"]}
    assert {kind for kind, _ in seen} == set(KINDS)
    assert {risk for _, risk in seen} == {r.value for r in Risk}


def test_changes_come_in_a_deterministic_order() -> None:
    case = {"new": {"set": {"owner": "Someone else", "sla.resolution": "5d", "metrics.fcr": "70%",
                            "steps[refund].action": "Refund it.", "definitions.RMA": "Return number"},
                    "delete": ["escalations[repeat-contact]"]}}
    old, new = build_pair(case)
    first = diff_sops(old, new).changes
    again = diff_sops(_load(dump(apply_edits(copy.deepcopy(BASE), case["new"])), "new.yaml"), new).changes
    assert [c.kind for c in first] == sorted((c.kind for c in first), key=KINDS.index)
    assert [c.sort_key() for c in first] == sorted(c.sort_key() for c in first)
    assert first == diff_sops(old, new).changes
    assert not again  # the same version twice: nothing changed
