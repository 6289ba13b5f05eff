"""``csdocs diff OLD NEW``: formats, exit statuses, escaping of untrusted text, the SVG flowchart diff."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from ..conftest import run_csdocs

FIXTURES = Path(__file__).parent / "fixtures"
BASE_TEXT = (FIXTURES / "base.yaml").read_text("utf-8")


@pytest.fixture
def pair(tmp_path: Path):
    """An old SOP and a new one with a high, a medium and a low change."""
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(BASE_TEXT, "utf-8")
    changed = (BASE_TEXT.replace("trigger: The refund amount is above 100 EUR", "trigger: The refund amount is above 300 EUR")
               .replace("RMA: Return merchandise authorisation number", "RMA: Return authorisation number")
               .replace("    action: Match the payment in the billing system with the order.\n",
                        "    action: Match the payment in the billing system with the order.\n    next: approve\n"
                        "  - id: approve\n    title: Get approval\n    action: Ask the team lead to approve it.\n"))
    new.write_text(changed, "utf-8")
    return old, new


def test_text_lists_each_change_with_file_line_and_risk(pair) -> None:
    old, new = pair
    result = run_csdocs("diff", old, new)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    line = new.read_text("utf-8").splitlines().index("    trigger: The refund amount is above 300 EUR") + 1
    assert f"{new}:{line}: high threshold-changed escalations.high-value.trigger: threshold in the trigger of " \
           "escalation 'high-value' raised from 100 to 300: fewer contacts escalate" in lines
    assert any(re.match(rf"{re.escape(str(new))}:\d+: medium step-added steps.approve: ", line) for line in lines)
    assert any(" path added: log → eligible (Yes) → amount (No) → verify → approve → refund" in line for line in lines)
    assert lines[-1] == "4 changes in 1 SOP (2 high, 1 medium, 1 low)"
    # verify's new `next: approve` is how the step was inserted: step-added covers it
    assert not any("step-changed" in line for line in lines)


@pytest.mark.parametrize(("fail_on", "status"), [(None, 0), ("high", 1), ("medium", 1), ("low", 1)])
def test_fail_on_sets_the_exit_status(pair, fail_on: str | None, status: int) -> None:
    old, new = pair
    args = ["--fail-on", fail_on] if fail_on else []
    assert run_csdocs("diff", old, new, *args).returncode == status


def test_fail_on_ignores_lower_risks(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE_TEXT, "utf-8")
    new.write_text(BASE_TEXT.replace("title: Refund request", "title: Refund requests"), "utf-8")
    assert run_csdocs("diff", old, new, "--fail-on", "medium").returncode == 0
    assert run_csdocs("diff", old, new, "--fail-on", "low").returncode == 1


def test_json_has_the_contract_shape(pair) -> None:
    old, new = pair
    result = run_csdocs("diff", old, new, "--format", "json")
    data = json.loads(result.stdout)
    assert {"sop", "kind", "target", "risk", "message", "old", "new"} <= set(data["changes"][0])
    threshold = next(c for c in data["changes"] if c["kind"] == "threshold-changed")
    assert (threshold["old"], threshold["new"], threshold["risk"]) == ("100", "300", "high")
    added = next(c for c in data["changes"] if c["kind"] == "step-added")
    assert added["old"] is None and added["new"]["id"] == "approve"
    assert {p["change"] for p in data["paths"]} == {"added", "removed"}


def test_github_annotations_by_risk(pair) -> None:
    old, new = pair
    lines = run_csdocs("diff", old, new, "--format", "github").stdout.splitlines()
    line = new.read_text("utf-8").splitlines().index("    trigger: The refund amount is above 300 EUR") + 1
    assert f"::error file={new},line={line},title=csdocs diff%3A high threshold-changed::threshold in the trigger " \
           "of escalation 'high-value' raised from 100 to 300: fewer contacts escalate" in lines
    assert any(line.startswith("::warning ") and "step-added" in line for line in lines)
    assert any(line.startswith("::notice ") and "definition-changed" in line for line in lines)


def test_markdown_is_a_pull_request_comment(pair) -> None:
    old, new = pair
    result = run_csdocs("diff", old, new, "--format", "markdown")
    text = result.stdout
    assert text.startswith("## SOP review\n")
    assert "| refund\\-request | 🔴 high | 2 | 1 | 1 |" in text
    rows = [line for line in text.splitlines() if line.startswith(("| 🔴", "| 🟠", "| 🟢"))]
    risks = [row.split("|")[1].strip() for row in rows]
    assert risks == sorted(risks, key=lambda r: ["🔴 high", "🟠 medium", "🟢 low"].index(r))  # highest first
    assert text.count("```mermaid\nflowchart TD") == 2  # before and after
    assert text.index("| risk | change |") < text.index("**Resolution paths**") < text.index("```mermaid")
    assert run_csdocs("diff", old, new, "--format", "markdown").stdout == text  # same bytes every time


def test_markdown_escapes_untrusted_sop_text(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE_TEXT, "utf-8")
    hostile = ('<script>alert(1)</script> @billing-team | [click](javascript:alert(1)) ``` '
               '<img src=x onerror=alert(1)> https://evil.example')
    new.write_text(BASE_TEXT.replace("title: Refund request", f"title: {json.dumps(hostile)}")
                   .replace("action: Create a ticket with the order number, the amount and the reason.",
                            f"action: {json.dumps(hostile + ' Create a ticket.')}"), "utf-8")
    text = run_csdocs("diff", old, new, "--format", "markdown").stdout
    outside_fences = re.sub(r"(`{3,})mermaid\n.*?\n\1", "", text, flags=re.S)
    assert "<script" not in outside_fences and "<img" not in outside_fences
    assert "&lt;script&gt;" in outside_fences
    assert "@billing-team" not in text  # no GitHub mention
    assert "- steps\\.log\\.action\n  - before: Create a ticket with the order number, the amount and the " \
           "reason\\.\n  - after: &lt;script&gt;" in text  # reworded text is shown, escaped
    assert "](javascript" not in outside_fences and "https://evil" not in outside_fences
    for line in outside_fences.splitlines():
        if line.startswith("| "):  # a table row keeps its columns: untrusted pipes are escaped
            assert len(re.findall(r"(?<!\\)\|", line)) in (5, 7)
    fences = re.findall(r"^(`{3,})mermaid$", text, flags=re.M)
    assert fences and all(len(f) >= 3 for f in fences)
    for block in re.findall(r"(`{3,})mermaid\n(.*?)\n\1", text, flags=re.S):
        assert "<script" not in block[1] and "```" not in block[1]


def test_usage_errors_exit_2(tmp_path: Path, pair) -> None:
    old, new = pair
    for args in ([old], [old, new, new], ["--head", "HEAD", old, new], ["--base", "HEAD", old, new],
                 [old, new, "--fail-on", "critical"], [old, new, "--format", "html"]):
        result = run_csdocs("diff", *args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
    missing = run_csdocs("diff", old, tmp_path / "missing.yaml")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: [unclosed\n", "utf-8")
    result = run_csdocs("diff", old, broken)
    assert result.returncode == 2
    assert result.stderr.startswith(f"csdocs: {broken}:3:1: invalid YAML")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_flowchart_diff_colours_added_removed_and_changed(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE_TEXT, "utf-8")
    new.write_text(BASE_TEXT.replace('        escalate: high-value\n      - answer: "No"\n        next: verify',
                                     '        next: approve\n      - answer: "No"\n        next: verify')
                   .replace("  - id: verify\n", "  - id: approve\n    title: Get approval <b>now</b>\n"
                                                "    action: Ask the lead.\n    next: refund\n  - id: verify\n")
                   .replace("title: Issue the refund", "title: Issue the refund today"), "utf-8")
    out = tmp_path / "svg"
    outside = tmp_path / "outside.svg"
    outside.write_text("keep me", "utf-8")
    out.mkdir()
    os.symlink(outside, out / "refund-request.svg")  # a trap: writing must not follow it
    result = run_csdocs("diff", old, new, "--svg", out)
    assert result.returncode == 0, result.stderr
    svg_file = out / "refund-request.svg"
    assert not svg_file.is_symlink() and outside.read_text("utf-8") == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["refund-request.svg"]
    svg = svg_file.read_text("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<b>" not in svg and "&lt;b&gt;now&lt;/b&gt;" in svg  # SOP text is escaped
    groups = re.findall(r'<g id="[^"]*node\d+" class="node (\w+)">(.*?)</g>', svg, flags=re.S)
    by_class = {}
    for status, body in groups:
        by_class.setdefault(status, []).append(body)
    assert any("Get approval" in body and 'stroke="#1a7f37"' in body for body in by_class["added"])
    assert any("Escalate: high" in body and 'stroke-dasharray' in body and 'stroke="#cf222e"' in body
               for body in by_class["removed"])
    assert any("Issue the refund" in body and 'stroke="#bf8700"' in body for body in by_class["changed"])
    assert any("Log the request" in body for body in by_class["same"])


def test_svg_dir_that_is_a_file_is_a_usage_error(pair, tmp_path: Path) -> None:
    old, new = pair
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", "utf-8")
    result = run_csdocs("diff", old, new, "--svg", blocker)
    assert result.returncode == 2
    assert blocker.read_text("utf-8") == "not a folder"


def test_text_lists_the_highest_risk_first() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "examples"
    result = run_csdocs("diff", docs / "refund-request-v7.yaml", docs / "refund-request-v8.yaml")
    risks = [line.split(": ", 1)[1].split()[0] for line in result.stdout.splitlines()[:-1]]
    order = {"high": 0, "medium": 1, "low": 2}
    assert len(set(risks)) == 3
    assert risks == sorted(risks, key=order.__getitem__)
