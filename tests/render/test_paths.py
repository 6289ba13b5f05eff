"""Resolution paths: every way through an SOP, loops gone round at most once, the count bounded."""

from __future__ import annotations

import itertools
import json

import pytest

from csdocs.graph import MAX_PATHS, ResolutionPath, find_paths, resolution_paths
from csdocs.loader import load_text
from csdocs.render.paths import paths_to_json, paths_to_text

from .corpus import FIXTURES, file_id, load, sop_files

HEADER = "title: T\ndepartment: D\nowner: O\npurpose: P\n"


def sop_from(steps_yaml: str, extra: str = ""):
    loaded = load_text(HEADER + "steps:\n" + steps_yaml + extra, "sops/x/t.yaml")
    assert loaded.sop is not None
    return loaded.sop


def test_the_contract_example_has_three_paths() -> None:
    paths = resolution_paths(load(FIXTURES / "refund-request.yaml"))
    assert paths == (
        ResolutionPath(("log", "eligible", "amount"), (("eligible", "Yes"), ("amount", "Yes")), "escalate",
                       "high-value"),
        ResolutionPath(("log", "eligible", "amount", "refund", "close"), (("eligible", "Yes"), ("amount", "No")),
                       "outcome", "resolved"),
        ResolutionPath(("log", "eligible", "explain", "close"), (("eligible", "No"),), "outcome", "resolved"),
    )


def test_a_loop_is_gone_round_once() -> None:
    paths = resolution_paths(load(FIXTURES / "retry-loop.yaml"))
    ends = [(p.steps, p.end_kind, p.end_target) for p in paths]
    assert ends == [
        (("send-link", "worked"), "outcome", "resolved"),
        (("send-link", "worked", "send-link", "worked"), "outcome", "resolved"),
        (("send-link", "worked", "send-link", "worked"), "goto", "account-unlock#verify"),
        (("send-link", "worked", "send-link", "worked"), "escalate", "login-expert"),
        (("send-link", "worked"), "goto", "account-unlock#verify"),
        (("send-link", "worked"), "escalate", "login-expert"),
    ]
    assert paths[1].answers == (("worked", "No, send again"), ("worked", "Yes"))
    assert all(p.steps.count("send-link") <= 2 for p in paths)


def test_fall_through_goto_and_outcome_words() -> None:
    paths = resolution_paths(load(FIXTURES / "fall-through.yaml"))
    assert [(p.steps, p.end_kind, p.end_target) for p in paths] == [
        (("find", "shipped"), "goto", "carrier-redirect"),
        (("find", "shipped", "change"), "outcome", "resolved"),
        (("find", "shipped"), "outcome", "closed"),
    ]


def test_a_closed_loop_gives_no_path_and_terminates() -> None:
    sop = sop_from("  - {id: a, title: A, next: b}\n  - {id: b, title: B, next: a}\n")
    assert resolution_paths(sop) == ()


def test_unknown_references_end_a_path_as_broken() -> None:
    sop = sop_from("  - id: a\n    title: A\n    decision: Q?\n    branches:\n"
                   "      - {answer: x, next: nowhere}\n      - {answer: y, escalate: nobody}\n"
                   "      - {answer: z}\n")
    assert [(p.end_kind, p.end_target) for p in resolution_paths(sop)] == [("broken", "nowhere"),
                                                                         ("broken", "nobody")]


def chain_of_decisions(count: int):
    steps = []
    for n in range(count):
        nxt = f"d{n + 1}" if n + 1 < count else None
        move = f"next: {nxt}" if nxt else "outcome: resolved"
        steps.append(f"  - id: d{n}\n    title: D{n}\n    decision: Q{n}?\n    branches:\n"
                     f"      - {{answer: a, {move}}}\n      - {{answer: b, {move}}}\n")
    return sop_from("".join(steps))


def test_the_count_is_bounded_and_says_so() -> None:
    sop = chain_of_decisions(14)  # 2**14 = 16,384 paths
    found = find_paths(sop)
    assert len(found.paths) == MAX_PATHS and found.truncated
    data = json.loads(paths_to_json(sop))
    assert data["count"] == MAX_PATHS and data["truncated"] is True and "stopped after 1000" in data["note"]
    assert paths_to_text(sop, limit=5).rstrip().endswith("note: stopped after 5 paths; the SOP has more")


def test_below_the_bound_nothing_is_truncated() -> None:
    found = find_paths(chain_of_decisions(6))
    assert len(found.paths) == 64 and not found.truncated
    assert len(set(found.paths)) == 64


def test_json_shape() -> None:
    data = json.loads(paths_to_json(load(FIXTURES / "refund-request.yaml")))
    assert data["sop"] == "refund-request" and data["count"] == 3 and data["truncated"] is False
    assert data["paths"][0] == {"steps": ["log", "eligible", "amount"],
                                "answers": [{"step": "eligible", "answer": "Yes"},
                                            {"step": "amount", "answer": "Yes"}],
                                "end": {"kind": "escalate", "target": "high-value"}}
    assert "note" not in data


def test_text_form() -> None:
    text = paths_to_text(load(FIXTURES / "refund-request.yaml"))
    assert text.startswith("3 resolution paths through refund-request\n")
    assert "1. escalates to high-value\n   - log\n   - eligible -> Yes\n   - amount -> Yes\n" in text


@pytest.mark.parametrize("path", sop_files(), ids=file_id)
def test_every_path_follows_the_flow(path) -> None:
    """Each consecutive pair is an edge of the SOP, each path starts at the first step, none repeats an edge."""
    sop = load(path)
    for found in resolution_paths(sop):
        assert found.steps[0] == sop.steps[0].id
        pairs = list(itertools.pairwise(found.steps))
        for here, there in pairs:
            step = sop.step(here)
            targets = {b.move.next for b in step.branches} if step.branches else {step.move.next}
            if not step.branches and step.move.kind is None:
                targets = {sop.steps[step.index + 1].id}
            assert there in targets, (here, there)
        last = sop.step(found.steps[-1])
        moves = [b.move for b in last.branches] if last.branches else [last.move]
        ends = {(m.kind, m.target) for m in moves}
        if not last.branches and last.move.kind is None:
            ends = {("outcome", "resolved")}
        assert ({"escalate": "escalate", "goto": "goto", "outcome": "outcome"}[found.end_kind], found.end_target) in ends
