"""Departments in any script, and two departments never in one folder: the slug, the site, `csdocs new`.

Expected folders are worked out from the names: lower case, runs of what is not a letter or digit
made one "-", any script kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csdocs.model import slugify

from .conftest import run_csdocs

SCRIPTS = {"カスタマーサポート": "カスタマーサポート", "Служба поддержки": "служба-поддержки", "客户服务": "客户服务",
           "Billing/Payments": "billing-payments", "Billing Payments": "billing-payments"}


def _sop(department: str, number: int) -> str:
    return (f"title: Contact {number}\ndepartment: {department}\nowner: Team lead\n"
            f"purpose: Answer every contact the same fair way.\nsteps:\n  - id: log\n    title: Log it\n")


@pytest.mark.parametrize(("text", "slug"), sorted(SCRIPTS.items()))
def test_the_slug_keeps_every_script(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_full_width_and_compatibility_forms_slug_as_the_plain_ones() -> None:
    assert slugify("ＣＲＭ　Ｔｅａｍ") == slugify("CRM Team") == "crm-team"
    assert slugify("Hoàn tiền", ascii_only=True) == "hoan-tien"  # for ids, which are [a-z0-9-]
    assert slugify("返金", ascii_only=True) == ""


def test_the_site_gives_each_department_its_own_folder(tmp_path: Path) -> None:
    """A real build: five departments, five folders, each page listing only its own SOP."""
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: sops\nplugins:\n  - csdocs\n", "utf-8")
    (tmp_path / "sops").mkdir()
    for number, name in enumerate(SCRIPTS):
        (tmp_path / "sops" / f"contact-{number}.yaml").write_text(_sop(name, number), "utf-8")
    result = run_csdocs("build", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    # the two that share a slug: the first by name keeps it, the other is numbered
    folders = SCRIPTS | {"Billing/Payments": "billing-payments-2"}
    for number, name in enumerate(SCRIPTS):
        page = (tmp_path / "site" / folders[name] / "index.html").read_text("utf-8")
        listed = [n for n in range(len(SCRIPTS)) if f"Contact {n}<" in page]
        assert listed == [number], (name, folders[name])


def test_lint_reports_two_spellings_of_one_folder(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(_sop("Billing/Payments", 1), "utf-8")
    (tmp_path / "b.yaml").write_text(_sop("Billing Payments", 2), "utf-8")
    (tmp_path / "c.yaml").write_text(_sop("カスタマーサポート", 3), "utf-8")
    result = run_csdocs("lint", "--format", "json", ".", cwd=tmp_path)
    found = sorted((f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)["findings"])
    assert found == [("a.yaml", 2, "department-folder-clash"), ("b.yaml", 2, "department-folder-clash")]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: sops\n", encoding="utf-8")
    return tmp_path


def _new(project: Path, sop_id: str, department: str) -> str:
    result = run_csdocs("new", sop_id, "--department", department, "--owner", "Team lead", cwd=project)
    assert result.returncode == 0, result.stderr
    created = next(project.rglob(f"{sop_id}.yaml"))
    return created.parent.relative_to(project / "sops").as_posix()


def test_csdocs_new_files_departments_in_other_scripts_apart(project: Path) -> None:
    folders = {name: _new(project, f"contact-{n}", name) for n, name in
               enumerate(("カスタマーサポート", "Служба поддержки", "客户服务"))}
    assert folders == {name: SCRIPTS[name] for name in folders}


def test_csdocs_new_keeps_a_department_in_its_folder_and_numbers_a_clash(project: Path) -> None:
    assert _new(project, "refund-a", "Billing/Payments") == "billing-payments"
    assert _new(project, "refund-b", "Billing Payments") == "billing-payments-2"  # another department
    assert _new(project, "refund-c", "Billing/Payments") == "billing-payments"  # the same one: its folder
