"""SOP text is untrusted: a site built from SOPs whose every text field holds XSS payloads runs none of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from tests.conftest import run_csdocs

from .conftest import serve_folder

# each payload calls alert() or sets window.__xss if it ever runs; one loads a remote image if it is ever a tag
PAYLOAD = (
    "<script>window.__xss=1</script>"
    "<img src=x onerror=\"window.__xss=1;alert(1)\">"
    "\"><svg onload=window.__xss=1>"
    "'><b onmouseover=window.__xss=1 id=xss>"
    "[link](javascript:window.__xss=1) <javascript:alert(1)> "
    "</title></textarea></script><script>alert(1)</script>"
    "&lt;script&gt;window.__xss=1&lt;/script&gt; "
    "<img src=\"http://203.0.113.7/x.png\"> "
    "<iframe src=\"data:text/html,<script>parent.__xss=1</script>\"></iframe>"
    "{{ 7*7 }} {% if true %}jinja{% endif %} <!-- "
)


def p(tag: str) -> str:
    return f"{tag} {PAYLOAD}"


def hostile_sop() -> dict:
    return {
        "id": "hostile",
        "title": p("Title"),
        "department": p("Dept"),
        "owner": p("Owner"),
        "purpose": p("Purpose"),
        "version": p("v"),
        "status": "active",
        "last_reviewed": "2026-01-01",
        "channels": ["phone", p("channel")],
        "contact_types": [p("contact"), "xsscontact"],
        "priority": "high",
        "tags": [p("tag")],
        "definitions": {"RMA": p("Meaning"), p("term"): p("meaning")},
        "sla": {"first_response": p("sla"), "resolution": {"emergency": p("by priority"), p("priority"): "2d"}},
        "tiers": {"L1": {"name": p("tier"), "authority": p("authority")}},
        "script": {"greeting": p("Greeting RMA"), "questions": [p("Question")], "closing": p("Closing")},
        "steps": [
            {"id": "start", "title": p("Step one RMA"), "actor": p("actor"), "action": p("Action"),
             "say": p("Say"), "escalate": "up", "next": "ask",  # format 1.1: escalate and continue
             "every": p("every"), "until": p("until")},
            {"id": "ask", "title": p("Decide"), "decision": p("Decision"),
             "branches": [{"answer": p("Yes"), "escalate": "up"}, {"answer": p("No"), "next": p("odd")},
                          {"answer": p("Away"), "goto": "javascript:alert(1)"}]},
            {"id": p("odd"), "title": p("Odd id"), "action": p("odd action"), "outcome": p("outcome")},
        ],
        "escalations": [
            {"id": "up", "trigger": p("Trigger"), "from": "L1", "to": p("tier"), "owner": p("Owner"),
             "sla": p("sla"), "response": p("response"), "handoff": ["contact_reason", p("item")]},
            {"id": p("standing"), "trigger": p("Standing trigger"), "to": "L2", "owner": "Lead", "sla": "1d",
             "response": "0m"},
        ],
        "metrics": {"fcr": p("fcr"), p("metric"): p("target")},
        "related": [p("related"), "../../etc"],
    }


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("hostile")
    (project / "sops" / "dept").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        "site_name: Hostile\ndocs_dir: sops\n"
        "theme: {name: material, font: false, features: [search.highlight]}\n"
        "plugins: [search, csdocs]\n", encoding="utf-8")
    (project / "sops" / "dept" / "hostile.yaml").write_text(yaml.safe_dump(hostile_sop(), allow_unicode=True),
                                                           encoding="utf-8")
    evil = {**hostile_sop(), "id": "../../evil<script>", "title": p("Evil id")}
    (project / "sops" / "dept" / "evil.yaml").write_text(yaml.safe_dump(evil, allow_unicode=True), encoding="utf-8")
    (project / "sops" / "glossary.yaml").write_text(yaml.safe_dump({p("G"): p("glossary meaning"), "RMA": p("R")}),
                                                    encoding="utf-8")
    result = run_csdocs("build", "--force", cwd=project, timeout=300)
    assert result.returncode == 0, result.stderr
    return project


def test_hostile_ids_never_name_files_outside_the_site(hostile_site: Path):
    site = hostile_site / "site"
    written = {path.resolve() for path in hostile_site.rglob("*") if path.is_file()}
    outside = [path for path in written if not path.is_relative_to(hostile_site)]
    assert outside == []
    assert not (hostile_site / "evil").exists() and not (hostile_site.parent / "evil").exists()
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("index.html"))
    assert any("evil-script" in page for page in pages)  # the odd id became a plain slug


def test_no_payload_survives_as_markup_in_the_html(hostile_site: Path):
    for path in (hostile_site / "site").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for raw in ("<script>window.__xss", "<img src=x onerror", "<svg onload", "<b onmouseover",
                    "<iframe src=\"data:", 'href="javascript:', "<script>alert(1)"):
            assert raw not in html, f"{raw!r} in {path}"


def test_the_search_index_holds_no_markup(hostile_site: Path):
    from csdocs.search.index import INDEX_DIR

    files = sorted((hostile_site / "site" / INDEX_DIR).rglob("*.js"))
    assert files
    for path in files:
        assert b"<" not in path.read_bytes(), path  # every "<" is \\u003c: no file can close a tag if inlined


def hostile_path(project: Path) -> str:
    page = next(path for path in (project / "site").rglob("hostile/index.html"))
    return page.parent.relative_to(project / "site").as_posix() + "/"


@pytest.mark.browser
def test_no_payload_runs_in_the_browser(hostile_site: Path, watched):
    server, base = serve_folder(hostile_site / "site")
    page = watched.page
    try:
        paths = sorted(path.relative_to(hostile_site / "site").parent.as_posix()
                       for path in (hostile_site / "site").rglob("index.html"))
        raised_notes = 0
        for relative in paths:
            page.goto(base + ("" if relative == "." else relative + "/"))
            page.wait_for_load_state("load")
            start = page.locator(".csdocs-walker__start")
            if start.count():
                start.click()
                for _ in range(6):  # walk the first answer each time: the escalation raised on the way
                    # (format 1.1), then the one that ends the walk, through both handoff notes
                    buttons = page.locator(".csdocs-walker__answers button")
                    if not buttons.count():
                        break
                    buttons.first.click()
                for field in page.locator(".csdocs-handoff__field").all():
                    field.fill(PAYLOAD)
                raised_notes += page.locator(".csdocs-walker__raised .csdocs-handoff__note").count()
                for copy in page.locator(".csdocs-handoff__copy").all():
                    copy.click()
                page.locator("abbr").first.hover()
                assert "{{ 7*7 }}" in page.locator("article").inner_text()  # shown, never evaluated
            assert page.evaluate("typeof window.__xss") == "undefined", relative
        assert raised_notes >= 2  # both hostile SOPs' walks raised an escalation on the way and wrote its note
        for term in ("onerror", "script", "img"):  # search.highlight rewrites matching text nodes
            page.goto(base + hostile_path(hostile_site) + f"?h={term}")
            page.wait_for_load_state("load")
            page.locator("mark").first.wait_for()  # highlighting runs once the search worker is ready
            assert page.evaluate("typeof window.__xss") == "undefined"
        # csdocs' search: results and filter chips carry SOP text, shown as text only
        box = page.locator("input.md-search__input")
        box.click()
        box.type("onerror")
        results = page.locator("[data-csdocs-search] .md-search-result__item")
        expect(results).to_have_count(2)  # both SOPs hold the word (results of "o", "on"... come first)
        titles = results.locator(".csdocs-search__title").all_inner_texts()
        assert sorted(titles) == sorted([p("Evil id").strip(), p("Title").strip()])  # the payloads, as written
        for chip in page.locator("[data-csdocs-search] .csdocs-search__chip").all():
            chip.click()
            chip.click()
        assert page.evaluate("typeof window.__xss") == "undefined"
        results.first.locator("a").click()
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined"
    finally:
        server.shutdown()
    assert watched.dialogs == []


def test_the_format_1_1_fields_reach_the_page_as_text(hostile_site: Path):
    """The response, the recurring duty, the SLA by priority and the raised escalation are on the page
    (so the browser test above proves them inert), each escaped."""
    from markupsafe import escape

    page = (hostile_site / "site" / hostile_path(hostile_site) / "index.html").read_text(encoding="utf-8")
    assert str(escape(f"Respond within {p('response')}")) in page  # the escalation table
    assert "Respond immediately" in page  # the standing escalation's 0m
    assert str(escape(f"{p('by priority')} (emergency)")) in page  # the summary's SLA by priority
    assert str(escape(f"2 days ({p('priority')})")) in page  # an unknown priority: shown as written
    assert str(escape(p("every"))) in page and str(escape(p("until"))) in page
    assert "escalate to " in page and ", then continue at" in page  # the escalate-and-continue move
    flow = re.search(r'class="csdocs-flow">(.*?)</script>', page, re.S).group(1)
    assert "<" not in flow  # SOP text in the walker's data cannot close the script element
    (data,) = json.loads(flow)
    assert data["steps"][0]["repeat"].startswith(f"Repeat every {p('every')}")
    assert data["steps"][0]["moves"][0]["raises"] == "up"
