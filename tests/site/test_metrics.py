"""The site with metrics on: a Performance page and a measured block on each SOP page (real builds)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from tests.conftest import run_csdocs
from tests.metrics.helpers import AS_OF, WRITERS, expected, for_freshdesk, of_sop, tickets, write_csv
from tests.site.conftest import copy_project, serve_folder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def metrics_site(tmp_path_factory) -> tuple[Path, list]:
    project = copy_project(tmp_path_factory.mktemp("metrics") / "project")
    rows = tickets(120)
    write_csv(project / "tickets.csv", WRITERS["freshdesk"](rows))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      cache_dir: .csdocs-cache\n",
        "      cache_dir: .csdocs-cache\n      metrics: {exports: [tickets.csv], min_volume: 5}\n"), encoding="utf-8")
    result = run_csdocs("build", "--force", cwd=project, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site", rows


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_performance_page_lists_sops_and_what_no_sop_covers(metrics_site):
    site, rows = metrics_site
    html = (site / "performance" / "index.html").read_text(encoding="utf-8")
    refund = of_sop(for_freshdesk(rows), ("refund", "return"))
    row = re.search(r'<tr data-sop="refund-request">(.*?)</tr>', html, re.S).group(1)
    assert f"<td>{len(refund)}</td>" in row
    fcr = expected(refund, as_of=AS_OF)["fcr"]
    assert f"{fcr:.1f}% / 80%" in _text(row)
    assert "SOPs you may be missing" in html
    assert "<code>loyalty-points</code>" in html and "<code>crypto</code>" in html


def test_sop_page_has_a_chart_and_a_table_with_the_same_numbers(metrics_site):
    site, rows = metrics_site
    html = (site / "billing" / "refund-request" / "index.html").read_text(encoding="utf-8")
    block = html[html.index('<div class="csdocs-measured"'):]
    refund = of_sop(rows, ("refund", "return"))
    assert f"{expected(refund)['escalation_rate']:.1f}%" in _text(
        re.search(r'<tr data-metric="escalation_rate">(.*?)</tr>', block, re.S).group(1))
    figure = re.search(r'<figure class="csdocs-trend-figure" data-metric="escalation_rate">(.*?)</figure>',
                       block, re.S).group(1)
    assert '<svg class="csdocs-trend"' in figure and 'role="img"' in figure
    weeks = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td class=\"csdocs-value\">([^<]*)</td></tr>", figure)
    import datetime as dt

    first_monday = min(t.created for t in refund).date()
    first_monday -= dt.timedelta(days=first_monday.weekday())
    first_week = [t for t in refund if t.created.date() < first_monday + dt.timedelta(days=7)]
    assert weeks[0] == (first_monday.isoformat(), f"{expected(first_week)['escalation_rate']:.1f}%")
    assert figure.count("<tr><td>") == len(figure.split("<polyline")[1].split('points="')[1].split('"')[0].split())


def test_without_the_option_nothing_changes(tmp_path):
    project = copy_project(tmp_path / "project")
    result = run_csdocs("build", "--force", cwd=project, timeout=600)
    assert result.returncode == 0
    assert not (project / "site" / "performance").exists()
    assert "csdocs-measured" not in (project / "site" / "billing" / "refund-request" / "index.html").read_text()


def test_a_build_reads_the_export_once_for_lint_and_the_site(tmp_path, cli, monkeypatch):
    """Lint's metric-target-missed and the site both need the measures: the export is read by the first."""
    from csdocs.metrics import engine

    project = copy_project(tmp_path / "project")
    write_csv(project / "tickets.csv", WRITERS["zendesk"](tickets(60)))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      cache_dir: .csdocs-cache\n",
        "      cache_dir: .csdocs-cache\n      metrics: {exports: [tickets.csv], min_volume: 5}\n"), encoding="utf-8")
    asked, read = [], []
    measure, measure_now = engine.measure, engine._measure_now

    def asking(exports, sops, **options):
        asked.append(sorted(sop.id for sop in sops))
        return measure(exports, sops, **options)

    def reading(exports, sops, options):
        read.append(sorted(sop.id for sop in sops))
        return measure_now(exports, sops, options)

    monkeypatch.setattr(engine, "measure", asking)
    monkeypatch.setattr(engine, "_measure_now", reading)
    monkeypatch.chdir(project)
    result = cli("build", "--force")
    assert result.exit_code == 0, result.output
    assert len(asked) == 2 and asked[0] == asked[1]  # lint and the site, for the same SOPs
    assert read == asked[:1]
    assert (project / "site" / "performance" / "index.html").is_file()


def test_a_missing_export_fails_the_build_with_its_name(tmp_path):
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      cache_dir: .csdocs-cache\n", "      cache_dir: .csdocs-cache\n      metrics: {exports: [gone.csv]}\n"))
    result = run_csdocs("build", "--force", cwd=project, timeout=600)
    assert result.returncode != 0
    assert "gone.csv: no such file" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.browser
def test_browser_renders_charts_and_tables_offline(metrics_site, watched):
    site, _ = metrics_site
    server, url = serve_folder(site)
    try:
        page = watched.page
        page.goto(url + "performance/")
        assert page.locator('tr[data-sop="refund-request"]').is_visible()
        page.click('tr[data-sop="refund-request"] a')
        page.wait_for_url("**/refund-request/**")
        chart = page.locator('figure[data-metric="fcr"] svg.csdocs-trend')
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 30
        points = chart.locator("polyline").first.get_attribute("points").split()
        rows = page.locator('figure[data-metric="fcr"] table.csdocs-trend-table tbody tr')
        assert rows.count() == len(points)
        value = page.locator('tr[data-metric="fcr"] td.csdocs-value').inner_text()
        perf = page.goto(url + "performance/")
        assert perf is not None
        assert value in page.locator('tr[data-sop="refund-request"] td[data-metric="fcr"]').inner_text()
    finally:
        server.shutdown()
