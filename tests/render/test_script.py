"""The agent script: when to use it, greet, ask, the procedure in the order written, escalations, handoff, close."""

from __future__ import annotations

from pathlib import Path

import pytest

from csdocs.config import Config
from csdocs.loader import load_text
from csdocs.render.script import HANDOFF_WORDING, agent_script, md, to_html, to_markdown, to_text
from csdocs.render.text import plural

from .corpus import FIXTURES, file_id, load, sop_files


@pytest.fixture(scope="module")
def refund():
    return agent_script(load(FIXTURES / "refund-request.yaml"))


def test_when_to_use_it(refund) -> None:
    assert refund.contact_types == ("refund", "return")
    assert refund.channels == ("email", "chat", "phone")
    assert refund.priority == "medium"
    assert refund.sla == (("First response", "within 4h"), ("Resolution", "within 2d"))  # 1.1: or "immediately"


def test_greeting_questions_closing(refund) -> None:
    assert refund.greeting == "Thanks for getting in touch. I can help with your refund today."
    assert refund.questions == ("What is your order number?", "Which items would you like to return?")
    assert refund.closing == "Is there anything else I can help with?"


def test_steps_in_file_order_with_what_to_say(refund) -> None:
    assert [(s.number, s.id) for s in refund.steps] == [
        (1, "log"), (2, "eligible"), (3, "amount"), (4, "refund"), (5, "explain"), (6, "close")]
    log = refund.steps[0]
    assert log.say == "I've logged your request." and log.then.text == "go to step 2 (Check eligibility)"
    eligible = refund.steps[1]
    assert eligible.question == "Is the order within the 30-day refund window?"
    assert [(c.answer, c.lead.kind, c.lead.step_number) for c in eligible.choices] == [
        ("Yes", "step", 3), ("No", "step", 5)]
    amount = refund.steps[2]
    assert [(c.answer, c.lead.kind, c.lead.target) for c in amount.choices] == [
        ("Yes", "escalate", "high-value"), ("No", "step", "refund")]
    assert refund.steps[-1].then.kind == "outcome" and refund.steps[-1].then.target == "resolved"


def test_steps_keep_the_authors_order_and_number_even_when_the_flow_jumps() -> None:
    """The number is the place in the file (the site's, the API's and lint's number), not the order a
    contact happens to meet the steps: a decision's answers may jump ahead and back."""
    text = ("title: T\ndepartment: D\nowner: O\npurpose: P\nsteps:\n"
            "  - {id: a, title: A, decision: Q?, branches: [{answer: x, next: c}, {answer: y, next: b}]}\n"
            "  - {id: join, title: J, outcome: resolved}\n"
            "  - {id: b, title: B, next: join}\n"
            "  - {id: c, title: C, next: join}\n"
            "  - {id: orphan, title: O}\n")
    sop = load_text(text, "t.yaml").sop
    script = agent_script(sop)
    written = ["a", "join", "b", "c", "orphan"]
    assert [(s.number, s.id) for s in script.steps] == list(enumerate(written, start=1))
    assert [s.reachable for s in script.steps] == [True, True, True, True, False]
    first = script.steps[0]
    assert [(c.answer, c.lead.step_number) for c in first.choices] == [("x", written.index("c") + 1),
                                                                       ("y", written.index("b") + 1)]


def test_escalations_with_trigger_tier_owner_sla_and_handoff(refund) -> None:
    high, repeat = refund.escalations
    assert (high.id, high.trigger, high.from_tier, high.to_tier, high.owner, high.sla, high.standing) == (
        "high-value", "The refund amount is above 100 EUR", "L1 (Front-line agent)",
        "L2 (Specialist or team lead)", "Billing specialists queue", "4h", False)
    assert [item.wording for item in high.handoff] == [HANDOFF_WORDING[key] for key in
                                                      ("contact_reason", "attempted_resolution",
                                                       "escalation_reason", "customer_told")]
    assert repeat.standing


def test_handoff_keeps_extra_items_and_never_drops_a_required_one() -> None:
    sop = load(FIXTURES / "retry-loop.yaml")
    config = Config(root=Path("."), handoff=("contact_reason", "attempted_resolution", "escalation_reason",
                                              "customer_told", "order_number"))
    login, fraud = agent_script(sop, config).escalations
    assert [i.key for i in login.handoff] == ["contact_reason", "attempted_resolution", "escalation_reason",
                                              "customer_told", "account_email", "order_number"]
    assert login.handoff[4].wording == "Account email"
    assert [i.key for i in fraud.handoff][-1] == "order_number"
    assert fraud.to_tier == "L3 (Management or specialist team)"


def test_sop_tiers_rename_the_project_tiers() -> None:
    text = ("title: T\ndepartment: D\nowner: O\npurpose: P\ntiers:\n  L2: {name: Returns specialist}\n"
            "  L4: {name: Board}\nsteps:\n  - {id: a, title: A, escalate: up}\n"
            "escalations:\n  - {id: up, trigger: Above 100 EUR, to: L2, owner: Q, sla: 1d}\n"
            "  - {id: top, trigger: Above 1000 EUR, from: L2, to: L4, owner: Q, sla: 1d}\n")
    up, top = agent_script(load_text(text, "t.yaml").sop).escalations
    assert up.to_tier == "L2 (Returns specialist)" and up.from_tier == "L1 (Front-line agent)"
    assert (top.from_tier, top.to_tier) == ("L2 (Returns specialist)", "L4 (Board)")


def test_text_is_plain_enough_for_a_helpdesk_macro(refund) -> None:
    text = to_text(refund)
    assert "**" not in text and "<" not in text and "#" not in text and "\t" not in text
    assert all(len(line) <= 72 for line in text.splitlines())
    for needle in ("WHEN TO USE IT", "GREETING", "QUESTIONS TO ASK", "PROCEDURE", "ESCALATIONS", "CLOSING",
                   "   Ask: Is the order within the 30-day refund window?",
                   "   - Yes: go to step 3 (Check the amount)",
                   "    When: The refund amount is above 100 EUR",
                   "    Owner: Billing specialists queue",
                   "    [ ] Why it is escalated:"):
        assert needle in text


def test_markdown_sections(refund) -> None:
    text = to_markdown(refund)
    assert text.startswith("# Agent script: Refund request\n")
    for heading in ("## When to use it", "## Greeting", "## Questions to ask", "## Procedure",
                    "## Escalations", "## Closing", "### 3. Check the amount"):
        assert f"\n{heading}" in text
    assert "- **Yes**: escalate: high\\-value" not in text  # ids are not over-escaped
    assert "- **Yes**: escalate: high-value (see Escalations)" in text


@pytest.mark.parametrize("raw, safe", [
    ("# not a heading", "\\# not a heading"),
    ("- not a list", "\\- not a list"),
    ("1. not a list", "1\\. not a list"),
    ("a *b* _c_ [d](e) `f` <g> & h|i", "a \\*b\\* \\_c\\_ \\[d\\](e) \\`f\\` &lt;g&gt; &amp; h\\|i"),
    ("plain words, 30-day window.", "plain words, 30-day window."),
])
def test_markdown_escaping(raw: str, safe: str) -> None:
    assert md(raw) == safe


def test_html_structure(refund) -> None:
    html = to_html(refund, heading_level=2)
    assert html.startswith('<article class="csdocs-script" id="script-refund-request">\n<h2>')
    assert '<li class="step decision" value="2" data-step="eligible">' in html
    assert '<li data-item="customer_told">' in html


@pytest.mark.parametrize("path", sop_files(), ids=file_id)
def test_every_sop_gets_every_step_and_escalation(path) -> None:
    sop = load(path)
    script = agent_script(sop)
    assert sorted(s.id for s in script.steps) == sorted(s.id for s in sop.steps)
    assert [s.number for s in script.steps] == list(range(1, len(sop.steps) + 1))
    assert [e.id for e in script.escalations] == [e.id for e in sop.escalations]
    text = to_text(script)
    for step in sop.steps:
        assert f"{step.title.split()[0]}" in text


@pytest.mark.parametrize(("count", "text"), [(0, "0 tickets"), (1, "1 ticket"), (2, "2 tickets")])
def test_plural_counts_in_english(count, text):
    assert plural(count, "ticket") == text
