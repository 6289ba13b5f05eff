"""``csdocs diff --metrics EXPORT``: each reviewed SOP's measured values beside its targets.

The export is hand-made (tests/metrics/helpers.py: 48 tickets, every field
varied) and the right answers are worked out here, row by row, from the same
tickets, never read back from csdocs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ..metrics.helpers import expected, of_sop, tickets, write_csv, zendesk_rows

TYPES = ("refund", "return")
OLD = """\
id: refund-request
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
contact_types: [refund, return]
sla:
  first_response: 1h
  resolution: 2d
metrics:
  fcr: 80%
  escalation_rate: 40%
  backlog: 0
  csat: 90%
steps:
  - id: log
    title: Log the request
    action: Log the request in the helpdesk.
    outcome: resolved
"""
# the change: a shorter resolution SLA (the backlog is counted against it) and a lower FCR target
NEW = OLD.replace("resolution: 2d", "resolution: 1d").replace("fcr: 80%", "fcr: 30%")


@pytest.fixture
def project(tmp_path: Path):
    """old.yaml, new.yaml, a Zendesk export of the hand-made tickets, and a config with min_volume 5."""
    (tmp_path / "old.yaml").write_text(OLD, "utf-8")
    (tmp_path / "new.yaml").write_text(NEW, "utf-8")
    rows = tickets()
    export = write_csv(tmp_path / "tickets.csv", zendesk_rows(rows))
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\nplugins:\n  - csdocs:\n      metrics: {min_volume: 5}\n", "utf-8")
    as_of = max(t.solved or t.created for t in rows)  # the default "now": the export's latest timestamp
    right = expected(of_sop(rows, TYPES), first_response_min=60, resolution_min=24 * 60, as_of=as_of)
    return tmp_path, export, config, right


def _line(text: str, key: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith(f"{key}:"))


def _verdict(value: float, target: float, at_least: bool) -> str:
    return "met" if (value >= target if at_least else value <= target) else "missed"


def test_text_shows_each_target_beside_its_measured_value(project, cli) -> None:
    folder, export, config, right = project
    result = cli("diff", folder / "old.yaml", folder / "new.yaml", "--metrics", export, "--config", config)
    assert result.exit_code == 0, result.output
    new = folder / "new.yaml"
    lines = result.stdout.splitlines()
    assert right["volume"] == 21 and right["backlog"] > 0  # the hand-made set covers both verdicts
    fcr, esc = right["fcr"], right["escalation_rate"]
    assert (f"{new}:{_line(NEW, 'fcr')}: measured fcr {fcr:.1f}% against target 30%: "
            f"{_verdict(fcr, 30, True)} (n={sum(1 for t in of_sop(tickets(), TYPES) if t.is_solved)})") in lines
    assert (f"{new}:{_line(NEW, 'escalation_rate')}: measured escalation_rate {esc:.1f}% against target 40%: "
            f"{_verdict(esc, 40, False)} (n=21)") in lines
    # the backlog is counted against the new SLA (1d), and misses the target 0
    assert f"{new}:{_line(NEW, 'backlog')}: measured backlog {right['backlog']} against target 0: missed (n=21)" in lines
    csat = right["csat_percent"]
    rated = sum(1 for t in of_sop(tickets(), TYPES) if t.rating in ("good", "bad"))
    assert (f"{new}:{_line(NEW, 'csat')}: measured csat {csat:.1f}% against target 90%: "
            f"{_verdict(csat, 90, True) if rated >= 5 else 'fewer than 5 tickets: not judged'} (n={rated})") in lines
    assert f"{new}: measured 21 tickets, " in result.stdout
    assert lines[-1] == "measured from 1 export: 1 of 1 reviewed SOPs miss a target (refund-request)"


def test_json_gives_the_metrics_document_of_each_reviewed_sop(project, cli) -> None:
    folder, export, config, right = project
    result = cli("diff", folder / "old.yaml", folder / "new.yaml", "--metrics", export, "--config", config,
                 "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {change["kind"] for change in data["changes"]} >= {"sla-changed", "metric-changed"}
    measured = data["metrics"]
    assert measured["exports"] == [str(export)] and measured["rows"] == {"read": 48, "bad": 0}
    (sop,) = measured["sops"]
    assert sop["sop"] == "refund-request" and sop["volume"] == right["volume"] and "weeks" not in sop
    fcr = sop["metrics"]["fcr"]
    assert fcr["value"] == round(right["fcr"], 2) and fcr["target_text"] == "30%" and fcr["unit"] == "%"
    assert fcr["met"] is (right["fcr"] >= 30) and fcr["gap"] == round(30 - right["fcr"], 2)
    backlog = sop["metrics"]["backlog"]
    assert (backlog["value"], backlog["target"], backlog["met"]) == (right["backlog"], 0, False)
    assert sop["metrics"]["aht"]["value"] is None and sop["metrics"]["aht"]["target"] is None
    # without --metrics the document is the contract's, unchanged
    plain = cli("diff", folder / "old.yaml", folder / "new.yaml", "--format", "json")
    assert "metrics" not in json.loads(plain.stdout)


def test_markdown_puts_a_measured_table_in_each_sop_and_a_column_in_the_summary(project, cli) -> None:
    folder, export, config, right = project
    result = cli("diff", folder / "old.yaml", folder / "new.yaml", "--metrics", export, "--config", config,
                 "--format", "markdown")
    assert result.exit_code == 0
    text = result.stdout
    assert "| SOP | risk | high | medium | low | file | targets |" in text
    assert "**1 of 1** reviewed SOPs miss a target" in text
    assert f"**Measured performance** ({right['volume']} tickets)" in text
    fcr = f"{right['fcr']:.1f}%".replace(".", "\\.")  # values go through the same escaping as SOP text
    badge = "✅ met" if right["fcr"] >= 30 else "❌ missed"
    assert f"| FCR | {fcr} | 30% | {badge} |" in text
    assert f"| Backlog | {right['backlog']} | 0 | ❌ missed | 21 |" in text


def test_markdown_escapes_what_an_export_or_sop_brings(tmp_path: Path, cli) -> None:
    hostile = OLD.replace("title: Refund request", "title: '<img src=x onerror=alert(1)> @team #12 | x'")
    (tmp_path / "old.yaml").write_text(hostile, "utf-8")
    (tmp_path / "new.yaml").write_text(hostile.replace("fcr: 80%", "fcr: 81%"), "utf-8")
    export = write_csv(tmp_path / "t.csv", zendesk_rows(tickets()))
    text = cli("diff", tmp_path / "old.yaml", tmp_path / "new.yaml", "--metrics", export, "-f", "markdown").stdout
    prose = text.split("<details><summary>Flowchart")[0]  # the flowcharts are fenced code: inert
    assert "<img" not in prose and "@team" not in prose and re.search(r"(?<!\\)\| x", prose) is None
    assert "**Measured performance**" in text and "fewer than 30 tickets: not judged" in text  # default min_volume


def test_an_export_that_cannot_be_read_is_a_clear_error(project, cli, tmp_path: Path) -> None:
    folder, _, _config, _ = project
    missing = cli("diff", folder / "old.yaml", folder / "new.yaml", "--metrics", folder / "nope.csv")
    assert missing.exit_code == 2 and missing.stderr == f"csdocs: --metrics: {folder / 'nope.csv'}: no such file\n"
    odd = write_csv(tmp_path / "odd.csv", [["when", "what"], ["2026-01-01", "x"]])
    unknown = cli("diff", folder / "old.yaml", folder / "new.yaml", "--metrics", odd)
    assert unknown.exit_code == 2 and "cannot tell the export's shape" in unknown.stderr
    assert "Traceback" not in unknown.output
