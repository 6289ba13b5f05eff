"""One tier order and one tier label (issue 10): lint, the flowchart, the agent script and the API resolve an
SOP's tiers against the project's in csdocs.tiers; an escalation without `from` starts at the project's
first tier, whatever the project calls it. Expected values are worked out from the tiers written below."""

from __future__ import annotations

import re
from pathlib import Path

from csdocs.config import Config, config_from_options
from csdocs.lint.engine import lint_paths
from csdocs.loader import load_text
from csdocs.model import Sop
from csdocs.render.dot import to_dot
from csdocs.render.flowchart import TIER_COLOURS
from csdocs.render.script import agent_script, to_markdown, to_text
from csdocs.site.api import sop_document
from csdocs.tiers import resolve

HEAD = """id: supervisor
title: Supervisor request
department: Billing
owner: Billing lead
purpose: Hand the contact to whoever can decide.
"""
# The SOP puts its own SUP between L1 and L2 (tiers are listed lowest first): SUP ranks second of
# L1, SUP, L2, L3 (the project's defaults with SUP placed in them).
SUP_BETWEEN = HEAD + """tiers:
  L1: {name: Front line}
  SUP: {name: Supervisor}
  L2: {name: Specialist}
steps:
  - id: ask
    title: Ask what happened
    decision: Does the customer ask for a supervisor?
    branches:
      - answer: "Yes"
        escalate: supervisor
      - answer: "No"
        escalate: specialist
escalations:
  - id: supervisor
    trigger: The customer asks for a supervisor by name
    to: SUP
    owner: Shift supervisor
    sla: 1h
  - id: specialist
    trigger: The refund is above 100 EUR
    from: SUP
    to: L1
    owner: Front line queue
    sla: 1h
"""
NO_FROM = HEAD + """steps:
  - id: ask
    title: Ask what happened
    escalate: up
escalations:
  - id: up
    trigger: The refund is above 100 EUR
    to: T2
    owner: Team lead queue
    sla: 4h
"""
PROJECT_T = {"tiers": {"T1": "Agent", "T2": "Team lead"}}


def _sop(text: str) -> Sop:
    loaded = load_text(text, "sops/billing/supervisor.yaml")
    assert loaded.sop is not None
    return loaded.sop


def _lint(tmp_path: Path, text: str, options: dict) -> list[tuple[str, str]]:
    path = tmp_path / "sops" / "billing" / "supervisor.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    report = lint_paths([path], config=config_from_options(options, root=tmp_path))
    return [(f.rule, f.message) for f in report.findings if f.rule == "escalation-tier"]


def test_an_sops_own_tier_ranks_where_it_is_listed(tmp_path: Path) -> None:
    sop = _sop(SUP_BETWEEN)
    tiers = resolve(sop, config_from_options({}, root=tmp_path))
    assert tiers.order == ("L1", "SUP", "L2", "L3")
    # lint: SUP -> L1 goes down; L1 (no from) -> SUP goes up
    assert _lint(tmp_path, SUP_BETWEEN, {}) == [
        ("escalation-tier", "escalation 'specialist' goes down, from SUP to L1: escalate to a tier above SUP")]


def test_the_flowchart_colours_a_tier_by_the_same_rank(tmp_path: Path) -> None:
    sop = _sop(SUP_BETWEEN)
    dot = to_dot(sop, config=config_from_options({}, root=tmp_path))
    colours = dict(re.findall(r'id="escalation-(\w+)".*?fillcolor="(#\w+)"', dot))
    assert colours == {"supervisor": TIER_COLOURS[1], "specialist": TIER_COLOURS[0]}  # SUP second, L1 first
    assert "Escalate to SUP (Supervisor)" in dot


def test_no_from_is_none_in_the_model() -> None:
    assert _sop(NO_FROM).escalations[0].from_tier is None


def test_no_from_starts_at_the_projects_first_tier_everywhere(tmp_path: Path) -> None:
    sop = _sop(NO_FROM)
    config = config_from_options(PROJECT_T, root=tmp_path)
    script = agent_script(sop, config)
    assert (script.escalations[0].from_tier, script.escalations[0].to_tier) == ("T1 (Agent)", "T2 (Team lead)")
    assert "from T1 (Agent) to T2 (Team lead)" in to_text(script)
    assert "**From** T1 (Agent) **to** T2 (Team lead)" in to_markdown(script)
    for text in (to_text(script), to_markdown(script)):
        assert "L1" not in text  # a tier this project does not have
    (escalation,) = sop_document(sop, url="billing/supervisor/", config=config)["escalations"]
    assert (escalation["from"], escalation["to"]) == ("T1", "T2")
    assert _lint(tmp_path, NO_FROM, PROJECT_T) == []  # T1 -> T2 goes up
    sideways = NO_FROM.replace("to: T2", "to: T1")
    assert _lint(tmp_path, sideways, PROJECT_T) == [
        ("escalation-tier", "escalation 'up' goes sideways, from T1 to T1: escalate to a tier above T1")]


def test_without_project_tiers_no_from_is_said_as_nothing(tmp_path: Path) -> None:
    """mkdocs.yml cannot give an empty `tiers`, but a library caller's Config can: nothing is invented."""
    sop = _sop(NO_FROM)
    config = Config(root=tmp_path, tiers=())
    script = agent_script(sop, config)
    assert script.escalations[0].from_tier is None
    assert "Tier: to T2" in to_text(script) and "- **To** T2" in to_markdown(script)
    (escalation,) = sop_document(sop, url="billing/supervisor/", config=config)["escalations"]
    assert escalation["from"] is None


def test_the_diff_says_a_written_from_replaces_the_first_tier() -> None:
    """The diff has no project config: it names what changed in the file, not a tier it cannot know."""
    from csdocs.review import diff_sops

    old, new = _sop(NO_FROM), _sop(NO_FROM.replace("    to: T2", "    from: T1\n    to: T2"))
    (change,) = [c for c in diff_sops(old, new).changes if c.target == "escalations.up.tier"]
    assert change.message == "escalation 'up' tier changed: now escalated from 'T1' instead of the first tier (no 'from')"
    assert (change.old, change.new) == ({"from": None, "to": "T2"}, {"from": "T1", "to": "T2"})
