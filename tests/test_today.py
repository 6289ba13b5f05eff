"""One "today" for every command: --today, else CSDOCS_TODAY, else the clock (csdocs/today.py).

The suite fixes CSDOCS_TODAY once (tests/conftest.py). These tests move it
years ahead and check that every date-aware command follows it: a fresh
`init` or `new` is never overdue on the day it is written, whatever that day
is; the example corpus ages into review-overdue *warnings* (never errors, so
the site still builds); and the review dashboard counts from that day.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from csdocs.loader import load_file
from csdocs.today import TODAY_ENV, BadDate, today

from .conftest import ROOT, TODAY, example_sop_files, run_csdocs

FAR_FUTURE = TODAY.replace(year=TODAY.year + 5)  # well past every example SOP's review interval


def test_the_suite_runs_on_its_own_today():
    assert os.environ[TODAY_ENV] == TODAY.isoformat()
    assert today() == TODAY


def test_an_explicit_date_wins_over_the_environment():
    assert today("2030-01-02", environ={TODAY_ENV: "2029-05-06"}) == dt.date(2030, 1, 2)
    assert today(None, environ={TODAY_ENV: "2029-05-06"}) == dt.date(2029, 5, 6)
    assert today(dt.date(2031, 3, 4), environ={TODAY_ENV: "2029-05-06"}) == dt.date(2031, 3, 4)


def test_a_malformed_date_names_where_it_came_from():
    with pytest.raises(BadDate, match=r"CSDOCS_TODAY: '25/11/2026' is not a date"):
        today(None, environ={TODAY_ENV: "25/11/2026"})
    with pytest.raises(BadDate, match=r"--today: 'soon' is not a date"):
        today("soon", environ={})


@pytest.mark.parametrize("command", [("lint", "sops/"), ("new", "x", "-d", "D"), ("build",)])
def test_a_malformed_environment_date_is_a_usage_error_not_a_traceback(command, tmp_path: Path):
    env_date = "next tuesday"
    result = run_csdocs(*command, cwd=ROOT, env={TODAY_ENV: env_date})
    assert result.returncode == 2, result.stderr
    assert TODAY_ENV in result.stderr and repr(env_date) in result.stderr
    assert "Traceback" not in result.stderr


def _findings(result) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def test_init_new_lint_and_build_follow_a_far_future_today(tmp_path: Path):
    env = {TODAY_ENV: FAR_FUTURE.isoformat()}
    project = tmp_path / "future-support"
    assert run_csdocs("init", project, cwd=tmp_path, env=env).returncode == 0
    created = run_csdocs("new", "card-dispute", "--template", "escalation", "--department", "Card Services",
                         cwd=project, env=env)
    assert created.returncode == 0, created.stderr
    sops = sorted((project / "sops").rglob("*.yaml"))
    written = [load_file(path).sop for path in sops if path.name != "glossary.yaml"]
    assert [sop.last_reviewed for sop in written] == [FAR_FUTURE, FAR_FUTURE]

    assert _findings(run_csdocs("lint", "--format", "json", cwd=project, env=env)) == []
    built = run_csdocs("build", cwd=project, env=env, timeout=300)
    assert built.returncode == 0, built.stderr
    assert "lint found" not in built.stderr
    dashboard = (project / "site" / "reviews" / "index.html").read_text("utf-8")
    assert FAR_FUTURE.isoformat() in dashboard


def test_the_example_corpus_ages_into_warnings_only(tmp_path: Path):
    env = {TODAY_ENV: FAR_FUTURE.isoformat()}
    findings = _findings(run_csdocs("lint", "--format", "json", "sops/", cwd=ROOT, env=env))
    sop_files = example_sop_files()
    assert len(findings) == len(sop_files)
    assert {(f["rule"], f["severity"]) for f in findings} == {("review-overdue", "warning")}

    built = run_csdocs("build", "--site-dir", tmp_path / "site", cwd=ROOT, env=env, timeout=300)
    assert built.returncode == 0, built.stderr
    assert f"lint found {len(sop_files)} warnings" in built.stderr
    dashboard = (tmp_path / "site" / "reviews" / "index.html").read_text("utf-8")
    overdue = dashboard[dashboard.index('id="overdue"'):dashboard.index('id="due-soon"')]
    for path in sop_files:
        assert load_file(path).sop.title in overdue, path


def test_an_explicit_today_overrides_the_environment_for_lint():
    # Five years on, every example SOP is overdue; with --today set to the suite's day, none is.
    env = {TODAY_ENV: FAR_FUTURE.isoformat()}
    result = run_csdocs("lint", "--format", "json", "--today", TODAY.isoformat(), "sops/", cwd=ROOT, env=env)
    assert _findings(result) == []


def test_serve_counts_the_dashboard_from_its_today(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from csdocs.site.serve import ServeSession, rebuild

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(TODAY_ENV, FAR_FUTURE.isoformat())
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    session = ServeSession(ROOT / "mkdocs.yml", tmp_path / "served", serve_url="http://127.0.0.1:8000/")
    rebuild(session)
    dashboard = (tmp_path / "served" / "reviews" / "index.html").read_text("utf-8")
    assert FAR_FUTURE.isoformat() in dashboard
    assert re.search(r"\d+ days overdue", dashboard)
