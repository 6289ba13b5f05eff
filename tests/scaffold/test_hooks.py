"""The pre-commit hook csdocs ships, and what it runs on the files a commit touches."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..conftest import ROOT, run_csdocs


def _hook() -> dict:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    return hook


def test_hook_definition() -> None:
    hook = _hook()
    assert (hook["id"], hook["entry"], hook["language"]) == ("csdocs-lint", "csdocs lint", "python")


def test_hook_matches_sop_files_only() -> None:
    files = re.compile(_hook()["files"])
    for path in ("sops/glossary.yaml", "sops/billing/refund.yaml", "sops/card-services/dispute.yml"):
        assert files.search(path), path
    for path in ("mkdocs.yml", "docs/sops/x.yaml", ".github/workflows/sops.yml", "sops/guide.md"):
        assert not files.search(path), path


def test_the_hook_command_on_committed_files_of_an_initialised_project(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    assert run_csdocs("init", str(project), cwd=tmp_path).returncode == 0
    files = ["sops/glossary.yaml", "sops/customer-care/first-contact.yaml"]  # as pre-commit passes them
    clean = run_csdocs("lint", *files, cwd=project)
    assert (clean.returncode, clean.stdout) == (0, "")
    broken = project / "sops/customer-care/first-contact.yaml"
    broken.write_text(broken.read_text("utf-8").replace("next: resolve", "next: resolv"), encoding="utf-8")
    failed = run_csdocs("lint", *files, cwd=project)
    assert failed.returncode == 1
    assert "step-unknown-ref" in failed.stdout and "did you mean 'resolve'?" in failed.stdout
