"""One numbering and one anchor rule (issue 10): the site's procedure, the guided resolution's data, the
API and `csdocs render script` give every step the number of its place in the file, and a page never
holds two equal HTML ids, even when an SOP repeats a step or escalation id (id-duplicate's finding)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from csdocs.loader import load_file
from tests.conftest import ROOT, example_sop_files, run_csdocs
from tests.site.conftest import build, copy_project
from tests.site.test_format_1_1_pages import page_html

_H3 = re.compile(r'<h3 id="([^"]+)"><span class="csdocs-step__number">(\d+)\.</span>')
_SCRIPT_STEP = re.compile(r"^### (\d+)\. ", re.M)


def _flow(page: str) -> list[dict]:
    (flow,) = json.loads(re.search(r'class="csdocs-flow">(.*?)</script>', page, re.S).group(1))
    return flow["steps"]


@pytest.mark.parametrize("path", example_sop_files(), ids=lambda p: p.stem)
def test_every_reader_numbers_the_steps_as_written(example_site_dir: Path, path: Path):
    sop = load_file(path).sop
    written = [index + 1 for index in range(len(sop.steps))]  # the n-th step in the file is step n
    api = json.loads((example_site_dir / "api" / "v1" / "sops" / f"{sop.id}.json").read_text("utf-8"))
    assert [step["n"] for step in api["steps"]] == written
    page = page_html(example_site_dir, api["url"].strip("/"))
    assert [int(n) for _, n in _H3.findall(page)] == written  # the procedure
    assert [step["n"] for step in _flow(page)] == written  # the guided resolution (the walker shows these)
    script = run_csdocs("render", "script", path, "-f", "md", cwd=ROOT)
    assert script.returncode == 0, script.stderr
    assert [int(n) for n in _SCRIPT_STEP.findall(script.stdout)] == written
    # "go to step N" names the step the procedure numbers N
    titles = {index + 1: step.title for index, step in enumerate(sop.steps)}
    for number, title in re.findall(r"go to step (\d+) \(([^)]*)\)", script.stdout):
        assert titles[int(number)].startswith(title.split("…")[0][:20]), (number, title)


DUPLICATES = """id: duplicates
title: Duplicated ids
department: Billing
owner: Billing lead
purpose: Show that repeated ids still give one anchor each.
steps:
  - id: check
    title: Check the order
    next: check
  - id: check
    title: Check it again
    escalate: up
escalations:
  - id: up
    trigger: The refund is above 100 EUR
    to: L2
    owner: Specialists queue
    sla: 4h
  - id: up
    trigger: The customer asks a third time
    to: L2
    owner: Team lead
    sla: 1d
"""


def test_a_repeated_id_still_gives_unique_html_ids(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    (project / "sops" / "billing" / "duplicates.yaml").write_text(DUPLICATES, "utf-8")
    lint = run_csdocs("lint", "sops/billing/duplicates.yaml", cwd=project)
    assert "id-duplicate" in lint.stdout  # the finding stays; the page must cope
    result = build(project, "--force")
    assert result.returncode == 0, result.stderr
    page = page_html(project / "site", "billing/duplicates")
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []
    # the second holder of an id gets its position: step 2, escalation 2
    assert _H3.findall(page) == [("step-check", "1"), ("step-check_2", "2")]
    assert re.findall(r'<tr id="(escalation-[^"]+)">', page) == ["escalation-up", "escalation-up_2"]
    assert [(s["anchor"], s["n"]) for s in _flow(page)] == [("step-check", 1), ("step-check_2", 2)]
    # each flowchart box links to its own step
    links = re.findall(r'xlink:href="#(step-[^"]+)"', page)
    assert sorted(set(links)) == ["step-check", "step-check_2"]
