"""Format 1.1 in the model and where it is shown in words: SLA by priority, response, recurring duties,
escalate and continue (the lint rules, the diff and the goldens test the rest)."""

from __future__ import annotations

from csdocs import graph
from csdocs.loader import load_text
from csdocs.model import Duration
from csdocs.render.script import agent_script, to_markdown
from csdocs.site.pages import sla_words

SOP = """\
title: Major incident
department: Technical support
owner: Support operations lead
purpose: Keep customers informed while an outage is fixed.
sla:
  first_response: {low: 1d, emergency: 0m}
  resolution: 4h
steps:
  - id: raise
    title: Raise the incident
    escalate: incident
    next: update
  - id: update
    title: Post a status update
    every: 30m
    until: the incident is resolved
escalations:
  - id: incident
    trigger: The outage affects 10 or more customers
    to: L2
    owner: Incident manager
    sla: 4h
    response: 0m
"""


def _sop():
    loaded = load_text(SOP, "x.yaml")
    assert not loaded.problems
    return loaded.sop


def test_the_model_holds_the_new_fields_with_their_positions() -> None:
    sop = _sop()
    assert {p: d.text for p, d in sop.sla["first_response"].items()} == {"low": "1d", "emergency": "0m"}
    assert sop.at("sla.first_response.emergency") == (6, 40)  # "  first_response: {low: 1d, emergency: " is 39 characters
    assert (sop.steps[1].every, sop.steps[1].until) == (Duration("30m", 30), "the incident is resolved")
    assert sop.escalations[0].response == Duration("0m", 0)


def test_escalate_and_continue_is_the_next_edge_raising_the_escalation() -> None:
    sop = _sop()
    (edge,) = graph.step_edges(sop, sop.steps[0])
    assert (edge.kind, edge.target, edge.raises) == ("next", "update", "incident")
    assert graph.reachable(sop) == {"raise", "update"}
    assert graph.raised(sop) == {"incident"}


def test_sla_words_put_the_most_urgent_priority_first_and_0m_is_immediately() -> None:
    sop = _sop()
    assert sla_words(sop.sla["first_response"]) == "immediately (emergency), 1 day (low)"
    assert sla_words(sop.sla["resolution"]) == "4 hours"


def test_the_agent_script_says_escalate_then_continue_and_repeat() -> None:
    text = to_markdown(agent_script(_sop()))
    assert "**Then:** escalate: incident (see Escalations), then go to step 2 (Post a status update)" in text
    assert "**Repeat:** every 30m until the incident is resolved" in text
    assert "- First response: immediately (emergency), within 1d (low)" in text
    assert "- **Response:** acknowledged immediately" in text
