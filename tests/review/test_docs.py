"""docs/reviewing-sop-changes.md cannot drift: its example is the command's real output, its table every kind."""

from __future__ import annotations

import re

from csdocs.review import KINDS

from ..conftest import ROOT, run_csdocs

PAGE = ROOT / "docs" / "reviewing-sop-changes.md"
COMMAND = ("diff", "docs/examples/refund-request-v7.yaml", "docs/examples/refund-request-v8.yaml",
           "--format", "markdown")


def test_example_report_is_the_real_output() -> None:
    text = PAGE.read_text("utf-8")
    assert "csdocs " + " ".join(COMMAND) in text
    example = re.search(r"<!-- example:begin -->\n````markdown\n(.*)````\n<!-- example:end -->", text, re.S)
    assert example is not None
    result = run_csdocs(*COMMAND, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert example.group(1) == result.stdout, (
        "regenerate the example in docs/reviewing-sop-changes.md with the command above")
    assert "threshold-changed" in result.stdout and "renamed from 'unverified'" in result.stdout


def test_every_kind_is_documented_in_order() -> None:
    text = PAGE.read_text("utf-8")
    documented = re.findall(r"^\| `([a-z-]+)` \|", text, flags=re.M)
    assert documented == list(KINDS)
