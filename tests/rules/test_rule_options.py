"""Rules whose outcome depends on the project: the glossary, allow_terms, tiers, handoff, today.

The fixture folders lint with the default configuration; these tests lint
real files with a configuration built the way `mkdocs.yml` builds it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from csdocs.config import config_from_options
from csdocs.lint.engine import lint_paths

from ..conftest import SOP_HEADER, TODAY


def lint(tmp_path: Path, body: str, *, options: dict | None = None, glossary: str | None = None,
         today: dt.date = TODAY, name: str = "refund-request.yaml") -> list[tuple[int, int, str, str]]:
    sop = tmp_path / "sops" / name
    sop.parent.mkdir(parents=True, exist_ok=True)
    sop.write_text(SOP_HEADER + body, "utf-8")
    options = dict(options or {})
    if glossary is not None:
        (tmp_path / "sops" / "glossary.yaml").write_text(glossary, "utf-8")
        options["glossary"] = "sops/glossary.yaml"
    config = config_from_options(options, root=tmp_path)
    report = lint_paths([sop], config=config, today=today)
    return [(f.line, f.column, f.rule, f.message) for f in report.findings]


ACRONYMS = """steps:
  - id: log
    title: Log the request in the CRM
  - id: close
    title: Close the ticket
"""


def test_undefined_term_fires_without_a_definition(tmp_path: Path) -> None:
    assert lint(tmp_path, ACRONYMS) == [
        (7, 35, "undefined-term", "'CRM' in the title of step 'log' is not defined: add it to definitions or "
                                  "the glossary, or spell it out")]


def test_a_glossary_term_defines_an_acronym_case_insensitively(tmp_path: Path) -> None:
    assert lint(tmp_path, ACRONYMS, glossary="crm: Customer relationship management system\n") == []


def test_allow_terms_defines_an_acronym(tmp_path: Path) -> None:
    assert lint(tmp_path, ACRONYMS, options={"allow_terms": ["CRM"]}) == []


def test_a_near_miss_of_a_defined_term_is_suggested(tmp_path: Path) -> None:
    found = lint(tmp_path, ACRONYMS.replace("CRM", "CMR"), glossary="CRM: Customer relationship management\n")
    assert [message for *_, message in found] == [
        "'CMR' in the title of step 'log' is not defined (did you mean 'CRM'?): add it to definitions or the "
        "glossary, or spell it out"]


def test_project_tier_ids_are_defined_terms(tmp_path: Path) -> None:
    body = """steps:
  - id: log
    title: Pass the request to the FLA desk
"""
    options = {"tiers": {"FLA": "Front-line agent", "SPEC": "Specialist"}}
    assert lint(tmp_path, body, options=options) == []
    assert [rule for *_, rule, _ in lint(tmp_path, body)] == ["undefined-term"]


ESCALATION = """steps:
  - id: refund
    title: Issue the refund
    escalate: complaint
escalations:
  - id: complaint
    trigger: {trigger}
    {tiers}
    owner: Complaints team
    sla: 2d
"""


def test_a_glossary_term_is_a_defined_trigger(tmp_path: Path) -> None:
    body = ESCALATION.format(trigger="The customer makes a formal complaint", tiers="to: L2")
    assert [rule for *_, rule, _ in lint(tmp_path, body)] == ["escalation-vague-trigger"]
    assert lint(tmp_path, body, glossary="Formal complaint: A complaint in writing that cites the policy\n") == []


def test_a_vague_word_inside_a_defined_term_is_the_term(tmp_path: Path) -> None:
    body = ESCALATION.format(trigger="The contact is a complex case", tiers="to: L2")
    found = lint(tmp_path, body)
    assert [(rule, message) for *_, rule, message in found] == [
        ("escalation-vague-trigger", "trigger of escalation 'complaint' relies on judgement ('complex'): state a "
                                     "threshold, a count, a time or a defined term instead")]
    assert lint(tmp_path, body, glossary="complex case: A contact that needs 3 or more teams\n") == []


def test_renamed_project_tiers(tmp_path: Path) -> None:
    options = {"tiers": {"T1": "Agent", "T2": "Team lead", "T3": "Manager"}}
    up = ESCALATION.format(trigger="The refund is above 100 EUR", tiers="to: T2")
    assert lint(tmp_path, up, options=options) == []  # `from` defaults to the lowest tier, T1
    old_name = ESCALATION.format(trigger="The refund is above 100 EUR", tiers="to: L2")
    assert [message for *_, message in lint(tmp_path, old_name, options=options)] == [
        "escalation 'complaint' goes to unknown tier 'L2'; known tiers: T1, T2, T3"]


def test_a_project_handoff_item_is_required(tmp_path: Path) -> None:
    body = ESCALATION.format(trigger="The refund is above 100 EUR", tiers="to: L2") + (
        "    handoff: [contact_reason, attempted_resolution, escalation_reason, customer_told, order-numbr]\n")
    assert lint(tmp_path, body) == []
    found = lint(tmp_path, body, options={"handoff": ["order_number"]})
    assert found == [(15, 5, "escalation-handoff-incomplete",
                      "handoff of escalation 'complaint' drops 'order_number': add it "
                      "(rename 'order-numbr' -> 'order_number')")]


REVIEWED = """last_reviewed: 2026-06-01
review_every: 30d
steps:
  - id: log
    title: Log the request
"""


def test_review_overdue_follows_today(tmp_path: Path) -> None:
    assert lint(tmp_path, REVIEWED, today=dt.date(2026, 7, 1)) == []  # due today
    assert lint(tmp_path, REVIEWED, today=dt.date(2026, 7, 2)) == [
        (5, 16, "review-overdue", "review overdue by 1 day: last reviewed 2026-06-01, due 2026-07-01 "
                                  "(every 30d); review it and update last_reviewed")]


@pytest.mark.parametrize(("every", "days"), [("12h", 1), ("36h", 1), ("2w", 14), ("1440m", 1), ("2879m", 1)])
def test_review_overdue_and_the_dashboard_share_one_due_date(tmp_path: Path, every: str, days: int) -> None:
    """Hours round down to whole days, at least one: the rule and csdocs.reviews agree to the day."""
    from csdocs.loader import load_text
    from csdocs.reviews import due_reviews, next_review

    body = REVIEWED.replace("review_every: 30d", f"review_every: {every}")
    sop = load_text(SOP_HEADER + body, "refund-request.yaml").sop
    assert sop is not None
    due = next_review(sop)
    assert due == sop.last_reviewed + dt.timedelta(days=days)
    dashboard = [row.due for _, rows in due_reviews([sop], today=due)["due"] for row in rows]
    assert dashboard == [due]  # the review dashboard (and csdocs notify) list it as due that very day
    assert lint(tmp_path, body, today=due) == []  # due today: not yet overdue
    late = lint(tmp_path, body, today=due + dt.timedelta(days=1))
    assert [(rule, f"due {due.isoformat()}" in message) for _, _, rule, message in late] == [("review-overdue", True)]


def test_id_duplicate_names_the_other_file(tmp_path: Path) -> None:
    first = tmp_path / "sops" / "billing" / "refund.yaml"
    second = tmp_path / "sops" / "stores" / "refund.yaml"
    for path in (first, second):
        path.parent.mkdir(parents=True)
        path.write_text(SOP_HEADER + "steps:\n  - id: log\n    title: Log the request\n", "utf-8")
    config = config_from_options({}, root=tmp_path)
    findings = lint_paths([tmp_path / "sops"], config=config, today=TODAY).findings
    assert [(Path(f.path).parent.name, f.rule) for f in findings] == [("billing", "id-duplicate"),
                                                                      ("stores", "id-duplicate")]
    assert "stores/refund.yaml" in findings[0].message.replace("\\", "/")
    assert "billing/refund.yaml" in findings[1].message.replace("\\", "/")
    assert "(from the file name)" in findings[0].message


def test_messages_suggest_the_fix(tmp_path: Path) -> None:
    body = """sla:
  first_response: 4 hours
  resolution: 1.5d
steps:
  - id: log
    title: Log the request
    escalate: high-value
escalations:
  - id: high-value
    trigger: The refund is above 100 EUR
    to: l3
    owner: Billing specialists queue
    sla: PT4H
"""
    assert [message for *_, message in lint(tmp_path, body)] == [
        "sla.first_response '4 hours' is not a duration: did you mean '4h'?",
        "sla.resolution '1.5d' is not a duration: did you mean '36h'?",
        "escalation 'high-value' goes to unknown tier 'l3' (did you mean 'L3'?); known tiers: L1, L2, L3",
        "sla of escalation 'high-value' 'PT4H' is not a duration: did you mean '4h'?",
    ]


def test_messages_never_echo_a_huge_value(tmp_path: Path) -> None:
    huge = "X" * 10_000
    body = f"""related: [{huge.lower()}]
steps:
  - id: log
    title: Log the {huge}
    next: {huge.lower()}
"""
    found = lint(tmp_path, body)
    assert {rule for *_, rule, _ in found} == {"related-unknown", "undefined-term", "step-unknown-ref"}
    assert all(len(message) < 300 for *_, message in found)


def test_tier_order_places_an_sops_own_tiers() -> None:
    from csdocs.tiers import tier_order

    project = ("L1", "L2", "L3")
    assert tier_order(project, ()) == ["L1", "L2", "L3"]
    assert tier_order(project, ("L1", "L1b", "L2", "L4")) == ["L1", "L1b", "L2", "L3", "L4"]
    assert tier_order(project, ("L0", "L1")) == ["L0", "L1", "L2", "L3"]
    assert tier_order(project, ("A", "B", "L2", "C")) == ["L1", "A", "B", "L2", "L3", "C"]
    assert tier_order(project, ("L1", "L1b")) == ["L1", "L2", "L3", "L1b"]  # nothing above it: the top
