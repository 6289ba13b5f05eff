"""An escalation without `from` on a built site whose project names its tiers T1, T2 (issue 10): the page,
the guided resolution's data, the escalation matrix and the API all start it at T1, never at L1."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.site.conftest import build, copy_project
from tests.site.test_format_1_1_pages import _rows, element, page_html
from tests.test_tiers import NO_FROM


def test_no_from_is_the_projects_first_tier_on_every_page(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text("utf-8").replace(
        "      sops_dir: sops\n", "      sops_dir: sops\n      tiers: {T1: Agent, T2: Team lead}\n"), "utf-8")
    (project / "sops" / "billing" / "supervisor.yaml").write_text(NO_FROM, "utf-8")
    result = build(project, "--force")  # the fixture's other SOPs name L1 and L2, unknown here
    assert result.returncode == 0, result.stderr
    site = project / "site"

    page = page_html(site, "billing/supervisor")
    header, *rows = _rows(element(page, 'class="csdocs-escalations"', "</table>"))
    assert [row[header.index("From → to")] for row in rows] == ["T1 (Agent) → T2 (Team lead)"]
    (flow,) = json.loads(re.search(r'class="csdocs-flow">(.*?)</script>', page, re.S).group(1))
    assert [(e["from"], e["to"]) for e in flow["escalations"]] == [("T1 (Agent)", "T2 (Team lead)")]

    matrix = page_html(site, "escalations")
    found = [row for table in re.findall(r'<table class="csdocs-matrix">.*?</table>', matrix, re.S)
             for row in _rows(table) if row[0] == "Supervisor request"]
    assert [row[2] for row in found] == ["T1 (Agent) → T2 (Team lead)"]

    api = json.loads((site / "api" / "v1" / "sops" / "supervisor.json").read_text("utf-8"))
    assert [(e["from"], e["to"]) for e in api["escalations"]] == [("T1", "T2")]
