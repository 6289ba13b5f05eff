"""Format 1.1 on the built example site: escalate and continue in the procedure, recurring duties,
escalation response times in the SOP's table and the project matrix, SLA by priority, and the guided
resolution's data. Expected values are worked out from the SOP files and the project configuration."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from csdocs.config import load_config
from csdocs.loader import load_file
from csdocs.model import Duration
from csdocs.tiers import resolve as resolve_tiers
from tests.conftest import ROOT

INCIDENT = ROOT / "sops" / "technical-support" / "major-incident-response.yaml"
TICKETS = ROOT / "sops" / "customer-care" / "support-ticket-handling.yaml"


def text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags (abbreviations, links) dropped, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def page_html(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def element(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return page[i:page.index(end, i)]


def test_the_procedure_says_escalate_then_continue_with_both_links(example_site_dir: Path):
    sop = load_file(INCIDENT).sop
    tiers = resolve_tiers(sop, load_config(ROOT / "mkdocs.yml"))
    confirm, notify = sop.steps[0], sop.steps[1]
    (yes,) = [b for b in confirm.branches if b.move.raises is not None]
    escalation = sop.escalation(yes.move.raises)
    page = page_html(example_site_dir, "technical-support/major-incident-response")
    procedure = element(page, 'class="csdocs-procedure"', "</div>")
    section = element(procedure, f'id="step-{confirm.id}"', "</section>")
    (item,) = [li for li in re.findall(r"<li>(.*?)</li>", section, re.S) if f"<strong>{yes.answer}</strong>" in li]
    assert text(item) == (f"{yes.answer} → escalate to {tiers.label(escalation.to_tier)}: {escalation.trigger}, "
                          f"then continue at step {notify.index + 1}: {notify.title}")
    links = re.findall(r'<a href="([^"]+)">', item)
    assert links == [f"#escalation-{escalation.id}", f"#step-{notify.id}"]
    assert f'id="escalation-{escalation.id}"' in page and f'id="step-{notify.id}"' in page  # both links land


def test_a_recurring_duty_says_how_often_and_until_when(example_site_dir: Path):
    sop = load_file(INCIDENT).sop
    (update,) = [step for step in sop.steps if step.every is not None]
    assert update.every == Duration("30m", 30)
    page = page_html(example_site_dir, "technical-support/major-incident-response")
    section = element(page, f'id="step-{update.id}"', "</section>")
    repeat = element(section, 'class="csdocs-repeat"', "</p>")
    assert text(repeat.split(">", 1)[1]) == f"Recurring: Repeat every 30 minutes until {update.until}"
    other = element(page, f'id="step-{sop.steps[1].id}"', "</section>")
    assert "csdocs-repeat" not in other  # only the step that repeats says so


def _rows(table: str) -> list[list[str]]:
    return [[text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


def respond(duration: Duration) -> str:
    """The contract: 0m means immediately; the rest in words (only the durations the examples use)."""
    words = {"0m": None, "5m": "5 minutes", "1h": "1 hour", "15m": "15 minutes"}[duration.text]
    return "Respond immediately" if words is None else f"Respond within {words}"


def test_the_escalation_table_shows_the_response_beside_the_sla(example_site_dir: Path):
    sop = load_file(INCIDENT).sop
    page = page_html(example_site_dir, "technical-support/major-incident-response")
    header, *rows = _rows(element(page, 'class="csdocs-escalations"', "</table>"))
    assert header[2:5] == ["Owner", "Response", "SLA"]
    sla_words = {"4h": "4 hours", "15m": "15 minutes"}
    assert [row[2:5] for row in rows] == [[e.owner, respond(e.response), sla_words[e.sla.text]] for e in sop.escalations]
    assert rows[0][3] == "Respond immediately"  # 0m


def test_the_escalation_matrix_shows_the_response_beside_the_sla(example_site_dir: Path):
    matrix = page_html(example_site_dir, "escalations")
    for path in (INCIDENT, TICKETS):
        sop = load_file(path).sop
        for escalation in sop.escalations:
            rows = [row for table in re.findall(r'<table class="csdocs-matrix">.*?</table>', matrix, re.S)
                    for row in _rows(table) if row[:2] == [sop.title, escalation.trigger]]
            assert len(rows) == 1, escalation.id
            assert rows[0][4] == (respond(escalation.response) if escalation.response else "")
    header = _rows(re.search(r'<table class="csdocs-matrix">.*?</table>', matrix, re.S).group(0))[0]
    assert header == ["SOP", "Trigger", "From → to", "Owner", "Response", "SLA"]


def test_a_project_without_response_times_keeps_its_tables(built_project: Path):
    """The fixture project writes no `response`: no empty Response column appears."""
    page = (built_project / "site" / "billing" / "refund-request" / "index.html").read_text(encoding="utf-8")
    assert "<th>Response</th>" not in page
    assert "<th>Response</th>" not in (built_project / "site" / "escalations" / "index.html").read_text(encoding="utf-8")


def test_the_summary_shows_sla_by_priority_most_urgent_first(example_site_dir: Path):
    sop = load_file(TICKETS).sop
    words = {"15m": "15 minutes", "1h": "1 hour", "4h": "4 hours", "1d": "1 day", "3d": "3 days", "5d": "5 days"}
    page = page_html(example_site_dir, "customer-care/support-ticket-handling")
    facts = {row[0]: row[1] for row in _rows(element(page, 'class="csdocs-facts"', "</table>"))}
    for key, label in (("first_response", "First response"), ("resolution", "Resolution")):
        expected = ", ".join(f"{words[sop.sla[key][p].text]} ({p})" for p in ("emergency", "high", "medium", "low"))
        assert facts[f"SLA: {label}"] == expected
    incident = page_html(example_site_dir, "technical-support/major-incident-response")
    facts = {row[0]: row[1] for row in _rows(element(incident, 'class="csdocs-facts"', "</table>"))}
    assert load_file(INCIDENT).sop.sla["first_response"] == Duration("0m", 0)
    assert facts["SLA: First response"] == "immediately"


def test_the_guided_resolution_data_carries_the_raised_escalation_the_repeat_and_the_response(example_site_dir: Path):
    sop = load_file(INCIDENT).sop
    page = page_html(example_site_dir, "technical-support/major-incident-response")
    (flow,) = json.loads(re.search(r'class="csdocs-flow">(.*?)</script>', page, re.S).group(1))
    confirm = flow["steps"][0]
    (yes,) = [b for b in sop.steps[0].branches if b.answer == "Yes"]
    assert {"kind": "next", "target": yes.move.next, "answer": "Yes", "raises": yes.move.escalate} in confirm["moves"]
    update = next(step for step in flow["steps"] if step["id"] == "update")
    assert update["repeat"] == f"Repeat every 30 minutes until {sop.steps[2].until}"
    assert "repeat" not in flow["steps"][1]
    assert [e["response"] for e in flow["escalations"]] == [respond(e.response) for e in sop.escalations]
