"""Real builds of the fixture project: pages, navigation, search, reproducibility, failures."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from csdocs.lint.registry import RULES

from .conftest import build

pytestmark = pytest.mark.slow


def tree_digest(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def html(project: Path, page: str) -> str:
    return (project / "site" / page / "index.html").read_text(encoding="utf-8")


def search_index(project: Path) -> list[dict]:
    return json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


# ---------------------------------------------------------------- pages


def test_sources_are_not_published_and_hand_written_pages_are(built_project: Path):
    site = built_project / "site"
    assert not list(site.rglob("*.yaml")) and not list(site.rglob("*.yml"))
    assert "Written by hand: the site keeps it as it is." in html(built_project, "guide")
    for page in ("billing/refund-request", "billing/card-dispute", "support/password-reset", "billing", "support",
                 "glossary", "escalations", "reviews", "rules"):
        assert (site / page / "index.html").is_file(), page
    assert (site / "assets" / "csdocs" / "csdocs.js").is_file()
    assert (site / "assets" / "csdocs" / "csdocs.css").is_file()


def test_navigation_lists_departments_not_every_sop(built_project: Path):
    page = html(built_project, "support/password-reset")
    nav = page[page.index('md-nav--primary'):page.index('md-nav--secondary') if 'md-nav--secondary' in page else None]
    assert "Billing" in nav and "Support" in nav and "Glossary" in nav
    assert "Refund request" not in nav and "Card payment dispute" not in nav
    department = html(built_project, "billing")
    assert 'href="../billing/refund-request/"' in department or 'href="refund-request/"' in department


def test_sop_page_shows_facts_flowchart_procedure_escalations_script_metrics(built_project: Path):
    page = html(built_project, "billing/refund-request")
    for fact in ("Billing team lead", "version 3", "2026-08-15", "2026-11-13", "email, chat, phone", "medium",
                 "4 hours", "2 days"):
        assert fact in page, fact
    assert "(overdue)" in page
    # flowchart inline, each step box a link to its step, no duplicate id with the procedure
    figure = page[page.index('<figure class="csdocs-flowchart"'):]
    svg = figure[:figure.index("</figure>")]
    assert 'href="#step-amount"' in svg and 'href="#escalation-high-value"' in svg
    assert 'id="step-amount"' not in svg and 'id="flow-step-amount"' in svg
    assert re.search(r'<h3 id="step-amount">.*Check the amount</h3>', page)
    # decisions say where each answer leads
    assert re.search(r'<strong>Yes</strong> → escalate: <a href="#escalation-high-value">', page)
    assert re.search(r'<strong>No</strong> → go to <a href="#step-explain">step 5: Explain', page)
    escalations = page[page.index('class="csdocs-escalations"'):]
    row = escalations[escalations.index('id="escalation-high-value"'):]
    row = row[:row.index("</tr>")]
    assert "The refund amount is above 100" in row and "Billing specialists queue" in row and "4 hours" in row
    assert "L1 (Front-line agent) → L2 (Specialist or team lead)" in row
    assert "What was tried" in row
    assert "Thanks for getting in touch" in page and "Which items would you like to return?" in page
    assert "First contact resolution (FCR)" in page and "80%" in page
    assert 'href="../card-dispute/"' in page  # related SOPs


def test_definitions_are_abbreviations_everywhere_on_the_page(built_project: Path):
    page = html(built_project, "billing/refund-request")
    rma = '<abbr title="Return merchandise authorisation number">RMA</abbr>'
    assert rma in page  # in the step's action
    assert page.count('<abbr title="Customer relationship management system">CRM</abbr>') >= 1  # glossary term
    assert '<abbr title="Euro">EUR</abbr>' in page


def test_guided_resolution_data_is_embedded_safely(built_project: Path):
    page = html(built_project, "billing/refund-request")
    block = re.search(r'<script type="application/json" class="csdocs-flow">(.*?)</script>', page, re.S).group(1)
    flow, = json.loads(block)  # a one-item array: harmless if a theme runs it as JavaScript
    assert flow["sop"] == "refund-request"
    amount = next(step for step in flow["steps"] if step["id"] == "amount")
    assert amount["moves"] == [{"kind": "escalate", "target": "high-value", "answer": "Yes"},
                               {"kind": "next", "target": "refund", "answer": "No"}]
    escalation = next(e for e in flow["escalations"] if e["id"] == "high-value")
    assert escalation["owner"] == "Billing specialists queue" and escalation["standing"] is False
    assert next(e for e in flow["escalations"] if e["id"] == "repeat-contact")["standing"] is True
    card = html(built_project, "billing/card-dispute")
    moves = json.loads(re.search(r'class="csdocs-flow">(.*?)</script>', card, re.S).group(1))[0]["steps"][1]["moves"]
    assert moves[1]["href"] == "../../support/password-reset/#step-verify"  # a goto links the other SOP's step


def test_home_page_has_search_departments_and_contact_index(built_project: Path):
    page = html(built_project, ".")
    assert page.index('id="csdocs-home-query"') < page.index('id="departments"') < page.index('id="which-sop"')
    index = page[page.index('class="csdocs-contact-index"'):]
    assert re.search(r"<dt>chargeback</dt>\s*<dd><a href=\"billing/card-dispute/\">Card payment dispute</a>", index)
    assert re.search(r"<dt>refund</dt>\s*<dd><a href=\"billing/refund-request/\">Refund request</a>", index)


def test_project_pages(built_project: Path):
    matrix = html(built_project, "escalations")
    assert "To L2 (Specialist or team lead)" in matrix
    assert "The customer has contacted us 3 or more times about the same issue" in matrix
    assert 'href="../billing/refund-request/#escalation-repeat-contact"' in matrix
    glossary = html(built_project, "glossary")
    assert "Customer relationship management system" in glossary
    assert "Return merchandise authorisation number" in glossary and "Refund request" in glossary
    reviews = html(built_project, "reviews")  # counted from the suite's TODAY, 2026-11-25
    overdue = reviews[reviews.index('id="overdue"'):reviews.index('id="due-soon"')]
    soon = reviews[reviews.index('id="due-soon"'):reviews.index('id="never-reviewed"')]
    assert "Refund request" in overdue and "12 days overdue" in overdue and "Billing team lead" in overdue
    assert "Card payment dispute" in soon and "in 6 days" in soon  # 2026-11-01 + 30d
    assert "Password reset" not in overdue + soon  # due 2027-02-18
    rules = html(built_project, "rules")
    for name in RULES:
        assert f'id="{name}"' in rules, name
    assert "What it does" in rules and "Why is this bad?" in rules


def test_the_search_index_holds_every_published_sop_and_the_theme_index_nothing(built_project: Path):
    from csdocs.config import load_config
    from csdocs.search.index import INDEX_DIR
    from csdocs.search.rank import IndexFiles, search
    from csdocs.site.corpus import load_corpus

    corpus = load_corpus(load_config(built_project / "mkdocs.yml"))
    files = IndexFiles.from_folder(built_project / "site" / INDEX_DIR)
    records = [files.record(doc) for doc in range(files.meta["docs"])]
    assert [record["id"] for record in records] == [sop.id for sop in corpus.sops]
    for record in records:  # every result links to a page that exists
        assert (built_project / "site" / record["url"] / "index.html").is_file(), record
    refund = next(record for record in records if record["id"] == "refund-request")
    assert refund["url"] == "billing/refund-request/"
    assert next(records[hit.doc]["id"] for hit in search("Is the refund above", files)) == "refund-request"
    assert search_index(built_project) == []  # the theme's lunr index: left empty, csdocs' engine answers

def test_site_is_offline(built_project: Path):
    for path in (built_project / "site").rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in page and "fonts.gstatic" not in page, path
        for match in re.finditer(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:)?//', page):
            pytest.fail(f"{path}: remote resource {match.group(0)}")


# ----------------------------------------------------------- the command


def test_two_builds_are_byte_identical(project: Path, tmp_path: Path):
    assert build(project).returncode == 0
    first = tree_digest(project / "site")
    assert build(project).returncode == 0
    assert tree_digest(project / "site") == first
    assert "sitemap.xml.gz" in first


def test_a_broken_sop_stops_the_build_and_keeps_the_last_good_site(project: Path):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    sop = project / "sops" / "billing" / "refund-request.yaml"
    sop.write_text(sop.read_text(encoding="utf-8").replace("next: refund", "next: refnd"), encoding="utf-8")
    result = build(project)
    assert result.returncode == 1
    assert "refund-request.yaml:" in result.stdout and "step-unknown-ref" in result.stdout
    assert "--force" in result.stderr
    assert tree_digest(project / "site") == before
    assert not [path for path in project.iterdir() if path.name.startswith(".site.")]  # no leftovers
    forced = build(project, "--force")
    assert forced.returncode == 0
    assert tree_digest(project / "site") != before


def test_a_failing_mkdocs_build_keeps_the_last_good_site(project: Path):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nnav:\n  - missing-page.md\n"
                      "strict: true\n", encoding="utf-8")
    result = build(project)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "not built" in result.stderr
    assert tree_digest(project / "site") == before


def test_refuses_to_replace_a_folder_that_is_not_a_site(project: Path):
    precious = project / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    result = build(project, "--site-dir", str(precious))
    assert result.returncode == 1 and "refusing" in result.stderr
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_plain_mkdocs_build_works(project: Path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "billing" / "refund-request" / "index.html").is_file()
    assert not list((project / "site").rglob("*.yaml"))


def test_a_bad_plugin_option_is_a_clear_error(project: Path):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("cache_dir: .csdocs-cache",
                                                                 "cache_dir: .csdocs-cache\n      tiers: 3"),
                      encoding="utf-8")
    result = build(project)
    assert result.returncode == 2
    assert "tiers" in result.stderr and "Traceback" not in result.stderr


def test_an_unreadable_sop_is_left_out_with_a_warning_when_forced(project: Path):
    (project / "sops" / "support" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    assert build(project).returncode == 1  # yaml-syntax is an error: nothing built
    assert not (project / "site").exists()
    forced = build(project, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "broken.yaml" in forced.stderr and "not published" in forced.stderr
    assert (project / "site" / "support" / "password-reset" / "index.html").is_file()


def test_missing_graphviz_is_a_clear_error(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CSDOCS_DOT", str(project / "no-such-dot"))
    result = build(project)
    assert result.returncode == 1
    assert "Graphviz" in result.stderr and "apt-get install graphviz" in result.stderr
    assert "Traceback" not in result.stderr and not (project / "site").exists()


def test_a_project_with_no_sops_still_builds(project: Path):
    for path in (project / "sops").rglob("*.yaml"):
        if path.name != "glossary.yaml":
            path.unlink()
    assert build(project).returncode == 0
    assert "No SOPs yet" in html(project, ".")


def test_hand_written_pages_win_over_generated_ones(project: Path):
    (project / "sops" / "index.md").write_text("# Our own front page\n\nHello agents.\n", encoding="utf-8")
    assert build(project).returncode == 0
    home = html(project, ".")
    assert "Hello agents." in home and "csdocs-home-query" not in home
    assert (project / "site" / "billing" / "refund-request" / "index.html").is_file()


def test_long_builds_show_progress_on_stderr(project: Path, cli, monkeypatch: pytest.MonkeyPatch):
    from csdocs.site import generate

    monkeypatch.setattr(generate, "PROGRESS_MIN_PAGES", 1)  # the plugin and the generator read this one
    monkeypatch.chdir(project)
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert re.search(r"rendered \d+ of \d+ pages", result.stderr)
    assert "drawing 3 flowcharts" in result.stderr


def test_a_config_without_the_plugin_is_refused(project: Path):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[:text.index("  - csdocs:")] + "markdown_extensions: [toc]\n", encoding="utf-8")
    result = build(project)
    assert result.returncode == 1 and "does not enable the csdocs plugin" in result.stderr
    assert not (project / "site").exists()


def test_links_follow_use_directory_urls_off(project: Path):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: false\n", encoding="utf-8")
    assert build(project).returncode == 0
    site = project / "site"
    department = (site / "billing" / "index.html").read_text(encoding="utf-8")
    assert 'href="refund-request.html"' in department
    card = (site / "billing" / "card-dispute.html").read_text(encoding="utf-8")
    assert "../support/password-reset.html#step-verify" in card
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="billing/refund-request.html"' in home


def test_a_build_from_another_folder_publishes_the_same_site(project: Path, tmp_path: Path):
    from tests.conftest import run_csdocs

    here = build(project, "--site-dir", tmp_path / "here")
    assert here.returncode == 0, here.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_csdocs("build", "--config", project / "mkdocs.yml",
                        "--site-dir", tmp_path / "there", cwd=elsewhere, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "not published" not in result.stderr
    assert (tmp_path / "there" / "billing" / "refund-request" / "index.html").is_file()
    assert tree_digest(tmp_path / "there") == tree_digest(tmp_path / "here")


def test_the_site_and_its_search_index_are_readable_by_a_web_server(built_project: Path):
    """Folders built next to their target and swapped in keep 0o755, not mkdtemp's private 0o700."""
    import stat

    from csdocs.search.index import INDEX_DIR

    site = built_project / "site"
    for folder in (site, site / INDEX_DIR, site / INDEX_DIR / "terms"):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o755 == 0o755, folder
    assert not [path for path in site.parent.iterdir() if ".new-" in path.name]  # nothing left beside it
    assert not [path for path in (site / INDEX_DIR).parent.iterdir() if ".new-" in path.name]
