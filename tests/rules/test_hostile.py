"""Rules on hostile SOPs: huge lists, absurd numbers, thousands of broken links.

The loader bounds the file (4 MiB, 64 levels); inside that bound every rule
must stay linear and every message short. A quadratic rule shows up here as
a test that takes minutes instead of a second or two.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from csdocs.config import Config
from csdocs.lint.engine import lint_paths

from ..conftest import TODAY

HEADER = "title: T\ndepartment: B\nowner: O\npurpose: P\n"


def lint(tmp_path: Path, text: str):
    path = tmp_path / "hostile.yaml"
    path.write_text(text, "utf-8")
    return lint_paths([path], config=Config(root=tmp_path), today=TODAY).findings


def test_thousands_of_broken_links_and_undefined_terms(tmp_path: Path) -> None:
    count = 5000
    steps = "".join(f"  - id: s{i}\n    title: Use the XQ{i} as needed\n    next: x{i}\n" for i in range(count))
    related = "related: [" + ", ".join(f"nope-{i}" for i in range(count)) + "]\n"
    findings = lint(tmp_path, HEADER + related + "steps:\n" + steps)
    # step-unreachable waits: nobody can tell where the broken nexts were meant to go.
    assert Counter(f.rule for f in findings) == {
        "step-unknown-ref": count, "undefined-term": count, "related-unknown": count}
    assert max(len(f.message) for f in findings) < 250


def test_absurd_durations_and_tiers(tmp_path: Path) -> None:
    huge = "9" * 5000
    tiers = "".join(f"  T{i}: {{name: Tier {i}}}\n" for i in range(10000))
    text = (HEADER + f"review_every: {huge}d\nlast_reviewed: 2020-01-01\n"
            f"sla:\n  first_response: \"{huge}\"\n  resolution: {huge} hours\n"
            f"tiers:\n{tiers}steps:\n  - id: a\n    title: A\n    escalate: e\n"
            f"escalations:\n  - id: e\n    trigger: above 5 EUR\n    to: T9999x\n    owner: x\n    sla: \"{huge}h\"\n")
    findings = lint(tmp_path, text)
    # review_every, both sla values (a number with no unit too) and the escalation sla
    assert sorted(f.rule for f in findings) == ["duration-format"] * 4 + ["escalation-tier"]
    assert max(len(f.message) for f in findings) < 300


def test_a_megabyte_of_capitals(tmp_path: Path) -> None:
    text = HEADER + "steps:\n  - id: a\n    title: A\n    action: " + "AB " * 300_000 + "\n"
    findings = lint(tmp_path, text)
    assert [(f.rule, f.message[:4]) for f in findings] == [("undefined-term", "'AB'")]
