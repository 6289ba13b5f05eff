"""Search checks in lint and build, and `csdocs search`, run as users run them (real subprocesses)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from csdocs.config import load_config
from csdocs.search.checks import TOP, load_checks
from csdocs.search.index import build_index
from csdocs.search.rank import IndexFiles, search
from csdocs.site.corpus import load_corpus

from ..conftest import ROOT, SOPS, run_csdocs


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example project (mkdocs.yml and sops/, its search checks included)."""
    shutil.copytree(SOPS, tmp_path / "sops")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def ranking(project: Path, query: str) -> list[str]:
    corpus = load_corpus(load_config(project / "mkdocs.yml"))
    files = IndexFiles.from_mapping(build_index(corpus.sops).files())
    return [corpus.sops[hit.doc].id for hit in search(query, files)]


def add_check(project: Path, line: str) -> int:
    """Append a check; its line number."""
    path = project / "sops" / "search-checks.yaml"
    text = path.read_text("utf-8")
    path.write_text(text + line + "\n", "utf-8")
    return len(text.splitlines()) + 1


def test_the_example_projects_promises_hold(project: Path):
    checks, problems = load_checks(project / "sops" / "search-checks.yaml")
    assert checks and problems == ()
    for check in checks:
        assert check.expect in ranking(project, check.query)[:TOP], check.query
    assert run_csdocs("lint", "--strict", cwd=project).stdout == ""


def test_a_broken_promise_is_a_located_finding_in_lint_and_build(project: Path):
    corpus = load_corpus(load_config(project / "mkdocs.yml"))
    wrong = next(sop.id for sop in corpus.sops if sop.id not in ranking(project, "chargeback")[:TOP])
    line = add_check(project, f"- {{query: chargeback, expect: {wrong}}}")
    result = run_csdocs("lint", "--format", "json", cwd=project)
    assert result.returncode == 0  # a warning: the site still builds
    findings = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["line"], f["column"], f["rule"]) for f in findings] == [
        ("sops/search-checks.yaml", line, 3, "search-check")]
    assert f"promises {wrong} in the top {TOP}" in findings[0]["message"]
    assert ranking(project, "chargeback")[0] in findings[0]["message"]  # says what ranks above it
    built = run_csdocs("build", cwd=project, timeout=300)
    assert built.returncode == 0, built.stderr
    assert f"sops/search-checks.yaml:{line}:3: warning search-check" in built.stderr


def test_a_malformed_checks_file_is_reported_not_a_traceback(project: Path):
    checks = project / "sops" / "search-checks.yaml"
    checks.write_bytes(b"- {query: caf\xe9, expect: card-dispute}\n")  # Latin-1, as a Windows editor saves it
    result = run_csdocs("lint", "--format", "json", cwd=project)
    found = [(f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("sops/search-checks.yaml", 1, "yaml-syntax")] and "Traceback" not in result.stderr
    checks.write_text("query: chargeback\n", "utf-8")
    result = run_csdocs("lint", "--format", "json", cwd=project)
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["search-check"]


def test_the_checks_file_is_neither_published_nor_an_sop(project: Path):
    built = run_csdocs("build", cwd=project, timeout=300)
    assert built.returncode == 0, built.stderr
    assert not list((project / "site").rglob("search-checks*"))
    assert "not published" not in built.stderr
    corpus = load_corpus(load_config(project / "mkdocs.yml"))
    assert not any(path.name == "search-checks.yaml" for path in corpus.sop_files)


def test_csdocs_search_prints_the_ranking(project: Path):
    expected = ranking(project, "lost my card")
    result = run_csdocs("search", "lost", "my", "card", "--format", "json", "-n", "3", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [item["id"] for item in data["results"]] == expected[:3]
    assert data["matches"] == len(expected)
    assert data["results"][0]["path"].startswith("sops/")
    text = run_csdocs("search", "lost my card", cwd=project)
    assert text.stdout.splitlines()[0].startswith(" 1. ") and f"[{expected[0]} · " in text.stdout.splitlines()[0]


def test_csdocs_search_from_a_built_site_ranks_the_same(project: Path):
    assert run_csdocs("build", cwd=project, timeout=300).returncode == 0
    from_site = run_csdocs("search", "--site-dir", "site", "--format", "json", "-n", "50", "refund", cwd=project)
    from_sops = run_csdocs("search", "--format", "json", "-n", "50", "refund", cwd=project)
    site_ids = [item["id"] for item in json.loads(from_site.stdout)["results"]]
    assert site_ids == [item["id"] for item in json.loads(from_sops.stdout)["results"]]
    assert all(item["url"] for item in json.loads(from_site.stdout)["results"])  # the site knows its pages


def test_csdocs_search_filters_and_exit_codes(project: Path):
    corpus = load_corpus(load_config(project / "mkdocs.yml"))
    by_id = {sop.id: sop for sop in corpus.sops}
    department = by_id[ranking(project, "customer")[-1]].department  # one that holds the word
    result = run_csdocs("search", "customer", "--department", department, "--format", "json", "-n", "100",
                        cwd=project)
    assert {item["department"] for item in json.loads(result.stdout)["results"]} == {department}
    none = run_csdocs("search", "zanzibar", cwd=project)
    assert none.returncode == 1 and "no SOP matches" in none.stderr
    missing = run_csdocs("search", "--site-dir", "nowhere", "refund", cwd=project)
    assert missing.returncode == 2 and "build the site first" in missing.stderr and "Traceback" not in missing.stderr
