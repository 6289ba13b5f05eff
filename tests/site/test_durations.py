"""One duration, every reader (issue 10): a duration the format does not allow (``"4 h"``) is refused by
``duration-format`` and shown as written everywhere else, never read as 4 hours; a valid one is measured
the same way by every reader. Real CLI runs and a real build of the fixture project."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import run_csdocs
from tests.site.conftest import build, copy_project
from tests.site.test_format_1_1_pages import _rows, element, page_html

INVALID = "4 h"  # a space: what a team writes in Word, and what the format does not allow
REFUND = Path("sops") / "billing" / "refund-request.yaml"


def _with_invalid_durations(project: Path) -> tuple[int, int]:
    """The fixture's refund SOP with sla.first_response and the high-value escalation's sla written "4 h";
    the lines of the two values."""
    path = project / REFUND
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines.index("  first_response: 4h\n")
    escalation = lines.index("    sla: 4h\n")  # the first escalation, high-value
    lines[first] = f'  first_response: "{INVALID}"\n'
    lines[escalation] = f'    sla: "{INVALID}"\n'
    path.write_text("".join(lines), encoding="utf-8")
    return first + 1, escalation + 1


@pytest.fixture(scope="module")
def invalid_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[int, int]]:
    project = copy_project(tmp_path_factory.mktemp("durations") / "project")
    lines = _with_invalid_durations(project)
    result = build(project, "--force")
    assert result.returncode == 0, result.stderr
    return project, lines


def test_lint_refuses_the_duration(invalid_project: tuple[Path, tuple[int, int]]):
    project, (first, escalation) = invalid_project
    result = run_csdocs("lint", "--format", "json", REFUND, cwd=project)
    found = [(f["line"], f["message"]) for f in json.loads(result.stdout)["findings"] if f["rule"] == "duration-format"]
    assert found == [(first, f"sla.first_response {INVALID!r} is not a duration: did you mean '4h'?"),
                     (escalation, f"sla of escalation 'high-value' {INVALID!r} is not a duration: did you mean '4h'?")]
    assert result.returncode == 1


def test_the_page_shows_it_as_written(invalid_project: tuple[Path, tuple[int, int]]):
    project, _ = invalid_project
    page = page_html(project / "site", "billing/refund-request")
    facts = {row[0]: row[1] for row in _rows(element(page, 'class="csdocs-facts"', "</table>"))}
    assert facts["SLA: First response"] == INVALID  # not "4 hours"
    assert facts["SLA: Resolution"] == "2 days"  # a valid one still reads in words
    header, *rows = _rows(element(page, 'class="csdocs-escalations"', "</table>"))
    sla = header.index("SLA")
    assert [row[sla] for row in rows] == [INVALID, "1 day"]
    (flow,) = json.loads(re.search(r'class="csdocs-flow">(.*?)</script>', page, re.S).group(1))
    assert [e["sla"] for e in flow["escalations"]] == [INVALID, "1 day"]  # the guided resolution's handoff


def test_the_api_gives_it_as_written(invalid_project: tuple[Path, tuple[int, int]]):
    project, _ = invalid_project
    document = json.loads((project / "site" / "api" / "v1" / "sops" / "refund-request.json").read_text("utf-8"))
    assert document["sla"] == {"first_response": INVALID, "resolution": "2d"}
    assert [e["sla"] for e in document["escalations"]] == [INVALID, "1d"]


def test_the_script_and_the_flowchart_show_it_as_written(invalid_project: tuple[Path, tuple[int, int]]):
    project, _ = invalid_project
    script = run_csdocs("render", "script", REFUND, "-f", "txt", cwd=project)
    assert script.returncode == 0, script.stderr
    assert f"within {INVALID}" in script.stdout and f"resolved within {INVALID} of the escalation" in script.stdout
    dot = run_csdocs("render", "flowchart", REFUND, "-f", "dot", cwd=project)
    assert dot.returncode == 0, dot.stderr
    assert f"SLA {INVALID}" in dot.stdout


def test_the_diff_does_not_count_it_as_240_minutes(tmp_path: Path):
    """4h -> "4 h" is a change a reviewer must see (the new text is no duration), not "the same promise"."""
    old = copy_project(tmp_path / "old") / REFUND
    new_project = copy_project(tmp_path / "new")
    _with_invalid_durations(new_project)
    result = run_csdocs("diff", "--format", "json", old, new_project / REFUND)
    changes = [(c["target"], c["risk"], c["old"], c["new"]) for c in json.loads(result.stdout)["changes"]]
    assert sorted(changes) == [("escalations.high-value.sla", "medium", "4h", INVALID),
                               ("sla.first_response", "medium", "4h", INVALID)]
