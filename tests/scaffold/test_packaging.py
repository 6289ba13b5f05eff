"""A plain (non-editable) install ships the templates and the init files, and `csdocs new` works from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ..conftest import ROOT, TEMPLATES

TOP_LEVEL_OUTPUTS = {".git", ".venv", "build", "dist", "site", ".pytest_cache", ".csdocs-cache", ".tools"}


def _not_sources(folder: str, names: list[str]) -> set[str]:
    """What a clean checkout does not hold: outputs at the top, caches anywhere."""
    skip = {name for name in names if name == "__pycache__" or name.endswith(".egg-info")}
    if Path(folder) == ROOT:
        skip |= TOP_LEVEL_OUTPUTS & set(names)
    return skip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a clean copy: setuptools reuses build/ in the source tree, where files
    # deleted since an earlier build would linger and slip into the wheel.
    source = tmp_path_factory.mktemp("source") / "csdocs"
    shutil.copytree(ROOT, source, ignore=_not_sources)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                             "-q", "-w", str(out), str(source)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    (built,) = out.glob("csdocs-*.whl")
    return built


@pytest.mark.slow
def test_wheel_holds_every_template_and_the_init_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in TEMPLATES.glob("*.yaml.j2"):
        assert f"csdocs/templates/{template.name}" in names
    for name in ("mkdocs.yml.j2", "glossary.yaml", "sops.yml", "pre-commit-config.yaml"):
        assert f"csdocs/scaffold/project/{name}" in names
    packages = {p.relative_to(ROOT).parent.as_posix() for p in (ROOT / "csdocs").rglob("__init__.py")}
    for package in packages:
        assert f"{package}/__init__.py" in names, package
    assert not any(name.startswith(("templates/", "sops/", "tests/")) for name in names)


@pytest.mark.slow
def test_new_and_init_work_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check", "-q",
                    "--target", str(target), str(wheel)], check=True, timeout=300)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONUTF8": "1"}
    code = ("import csdocs, sys; from csdocs.cli import main; "
            "assert csdocs.__file__.startswith(sys.argv[1]), csdocs.__file__; "
            "sys.argv = ['csdocs', *sys.argv[2:]]; main()")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, str(target), *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=120)

    listed = run("new", "--list")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == len(list(TEMPLATES.glob("*.yaml.j2")))
    init = run("init", "proj")
    assert init.returncode == 0, init.stderr
    assert (work / "proj" / "sops" / "customer-care" / "first-contact.yaml").is_file()


# --------------------------------------------------------------------------
# metadata: the licence, the project addresses, the classifiers, mkdocs get-deps


def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_license_file_is_the_declared_licence() -> None:
    project = _pyproject()
    assert project["license"] == "MIT"  # an SPDX expression, the form setuptools keeps supporting (PEP 639)
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text and 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # refused beside an SPDX licence


@pytest.mark.slow
def test_wheel_metadata_carries_the_licence_urls_and_classifiers(wheel: Path) -> None:
    from email.parser import Parser

    archive = zipfile.ZipFile(wheel)
    (meta_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    meta = Parser().parsestr(archive.read(meta_name).decode("utf-8"))
    project = _pyproject()
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    licence = meta_name.replace("METADATA", "licenses/LICENSE")
    assert archive.read(licence).decode("utf-8") == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert meta.get_all("Classifier") == project["classifiers"]
    urls = dict(entry.split(", ", 1) for entry in meta.get_all("Project-URL"))
    assert urls == project["urls"]


def _get_deps(config: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "get-deps", "-f", str(config),
                             "-p", str(ROOT / "docs" / "mkdocs-projects.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_mkdocs_get_deps_lists_csdocs_for_the_example_site() -> None:
    assert _get_deps(ROOT / "mkdocs.yml") == ["csdocs", "mkdocs", "mkdocs-material"]


def test_mkdocs_get_deps_lists_csdocs_for_a_project_csdocs_init_writes(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("init", "proj").exit_code == 0
    assert "csdocs" in _get_deps(tmp_path / "proj" / "mkdocs.yml")
