"""``csdocs diff --base REV [--head REV]`` in a real, temporary git repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import run_csdocs

FIXTURES = Path(__file__).parent / "fixtures"
BASE_TEXT = (FIXTURES / "base.yaml").read_text("utf-8")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=Reviewer", "-c", "user.email=reviewer@example.org",
                             "-c", "commit.gpgsign=false", *args], cwd=repo, capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


def sop(sop_id: str, *, trigger_amount: int = 100, title: str = "Refund request") -> str:
    text = BASE_TEXT.replace("id: refund-request", f"id: {sop_id}", 1)
    text = text.replace("title: Refund request", f"title: {title}", 1)
    return text.replace("above 100 EUR\n", f"above {trigger_amount} EUR\n")


def write(repo: Path, path: str, text: str) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two commits: the second adds, removes, moves, and changes SOPs."""
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "mkdocs.yml", "site_name: Test\ndocs_dir: procedures\nplugins:\n  - csdocs:\n"
                              "      sops_dir: procedures\n")
    write(repo, "procedures/glossary.yaml", "CRM: Customer relationship management system\n")
    write(repo, "procedures/billing/changed.yaml", sop("changed"))
    write(repo, "procedures/billing/removed.yaml", sop("removed"))
    write(repo, "procedures/billing/moved.yaml", sop("moved"))
    write(repo, "procedures/billing/moved-and-changed.yaml", sop("moved-and-changed"))
    write(repo, "notes/not-an-sop.yaml", "just: data\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    git(repo, "tag", "v1")
    write(repo, "procedures/billing/changed.yaml", sop("changed", trigger_amount=250))
    (repo / "procedures/billing/removed.yaml").unlink()
    (repo / "procedures/care").mkdir()
    git(repo, "mv", "procedures/billing/moved.yaml", "procedures/care/moved.yaml")
    git(repo, "mv", "procedures/billing/moved-and-changed.yaml", "procedures/care/renamed-file.yaml")
    write(repo, "procedures/care/renamed-file.yaml", sop("moved-and-changed", title="Refunds"))
    write(repo, "procedures/care/added.yaml", sop("added"))
    write(repo, "notes/not-an-sop.yaml", "just: other data\n")
    write(repo, "procedures/glossary.yaml", "CRM: The customer database\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "second")
    return repo


def changes(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str, str]]:
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    return [(c["sop"], c["kind"], c["target"], c["risk"]) for c in data["changes"]]


def test_base_and_head_match_sops_by_id(repo: Path) -> None:
    result = run_csdocs("diff", "--base", "v1", "--head", "HEAD", "--format", "json", cwd=repo)
    assert changes(result) == [
        ("added", "sop-added", "", "medium"),
        ("changed", "version-not-bumped", "version", "high"),
        ("changed", "threshold-changed", "escalations.high-value.trigger", "high"),
        ("moved-and-changed", "field-changed", "title", "low"),
        ("removed", "sop-removed", "", "high"),
    ]  # "moved" moved folder unchanged: nothing; the glossary and notes/ are not SOPs
    data = json.loads(result.stdout)
    by_sop = {c["sop"]: c for c in data["changes"]}
    assert by_sop["moved-and-changed"]["path"] == "procedures/care/renamed-file.yaml"
    assert by_sop["removed"]["path"] == "procedures/billing/removed.yaml"
    assert by_sop["changed"]["line"] == BASE_TEXT.splitlines().index("    trigger: The refund amount is above 100 EUR") + 1


def test_working_tree_is_the_default_head(repo: Path) -> None:
    write(repo, "procedures/care/added.yaml", sop("added").replace("resolution: 2d", "resolution: 5d"))
    write(repo, "procedures/care/untracked.yaml", sop("untracked"))
    result = run_csdocs("diff", "--base", "HEAD", "--format", "json", "--fail-on", "high", cwd=repo)
    assert result.returncode == 1
    assert changes(result) == [
        ("added", "version-not-bumped", "version", "high"),
        ("added", "sla-changed", "sla.resolution", "high"),
        ("untracked", "sop-added", "", "medium"),
    ]


def test_no_changes_between_equal_revisions(repo: Path) -> None:
    result = run_csdocs("diff", "--base", "HEAD", "--head", "HEAD", "--fail-on", "low", cwd=repo)
    assert result.returncode == 0
    assert result.stdout == "no changes\n"


def test_run_from_a_subfolder_finds_the_project(repo: Path) -> None:
    result = run_csdocs("diff", "--base", "v1", "--head", "HEAD", "--format", "json", cwd=repo / "procedures" / "care")
    assert ("removed", "sop-removed", "", "high") in changes(result)


def test_unknown_revision_is_a_usage_error(repo: Path) -> None:
    result = run_csdocs("diff", "--base", "no-such-tag", cwd=repo)
    assert result.returncode == 2
    assert "unknown revision 'no-such-tag'" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_csdocs("diff", "--base", "--output=x", cwd=repo)
    assert result.returncode == 2


def test_broken_sop_in_a_revision_is_located(repo: Path) -> None:
    write(repo, "procedures/care/added.yaml", "id: added\ntitle: [unclosed\n")
    result = run_csdocs("diff", "--base", "HEAD", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.startswith("csdocs: procedures/care/added.yaml:")
    assert "(working tree)" in result.stderr
    assert "Traceback" not in result.stderr


def test_outside_a_git_repository(tmp_path: Path) -> None:
    write(tmp_path, "sops/a.yaml", sop("a"))
    result = run_csdocs("diff", "--base", "HEAD", cwd=tmp_path)
    assert result.returncode == 2
    assert "not inside a git repository" in result.stderr


def test_broken_sop_in_the_base_is_a_warning(repo: Path) -> None:
    write(repo, "procedures/care/added.yaml", "id: added\ntitle: [unclosed\n")
    git(repo, "commit", "-q", "-am", "break it")
    write(repo, "procedures/care/added.yaml", sop("added"))  # the fix under review
    result = run_csdocs("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 0
    assert changes(result) == [("added", "sop-added", "", "medium")]
    assert "procedures/care/added.yaml:3:1 (HEAD): invalid YAML" in result.stderr and "left out of the old side" in result.stderr
