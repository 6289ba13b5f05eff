"""``csdocs init``: a project that lints (and builds) at once, and never overwrites anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from csdocs.cli import LazyGroup
from csdocs.config import load_config

from ..conftest import lint_json, run_csdocs

EXPECTED_FILES = [
    "mkdocs.yml",
    "sop.schema.json",
    "sops/glossary.yaml",
    "sops/customer-care/first-contact.yaml",
    ".github/workflows/sops.yml",
    ".pre-commit-config.yaml",
    ".gitignore",
]


def _init(folder: Path, *args: str):
    return run_csdocs("init", str(folder), *args, cwd=folder.parent)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("init") / "acme-support"
    result = _init(folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[: len(EXPECTED_FILES)] == [f"created  {name}" for name in EXPECTED_FILES]
    return folder


def test_writes_every_file(project: Path) -> None:
    assert sorted(_snapshot(project)) == sorted(EXPECTED_FILES)


def test_lint_passes_with_no_finding(project: Path) -> None:
    assert lint_json(cwd=project) == {"files": 2, "findings": []}
    result = run_csdocs("lint", cwd=project)  # the suite's today (CSDOCS_TODAY): a fresh project is never overdue
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_mkdocs_yml_configures_site_and_tools(project: Path) -> None:
    config = yaml.safe_load((project / "mkdocs.yml").read_text("utf-8"))
    assert config["site_name"] == "Acme support SOPs"
    assert config["docs_dir"] == "sops"
    assert config["theme"] == {"name": "material", "font": False}
    assert config["plugins"][0] == "search"
    options = config["plugins"][1]["csdocs"]
    assert options["sops_dir"] == "sops" and options["glossary"] == "sops/glossary.yaml"
    loaded = load_config(project / "mkdocs.yml")  # the options pass csdocs' own validation
    assert loaded.tier_ids == ("L1", "L2", "L3")
    assert loaded.glossary == Path("sops/glossary.yaml")


def test_schema_is_what_csdocs_schema_prints(project: Path) -> None:
    printed = run_csdocs("schema")
    assert (project / "sop.schema.json").read_text("utf-8") == printed.stdout
    json.loads(printed.stdout)


def test_first_sop_points_its_editor_at_the_schema(project: Path) -> None:
    first = (project / "sops/customer-care/first-contact.yaml").read_text("utf-8")
    assert first.startswith("# yaml-language-server: $schema=../../sop.schema.json\n")
    assert yaml.safe_load(first)["id"] == "first-contact"


def test_workflow_and_pre_commit_config_are_written(project: Path) -> None:
    """What they hold is tested in test_workflow.py; here: init wrote both, with the version filled in."""
    workflow = (project / ".github/workflows/sops.yml").read_text("utf-8")
    config = (project / ".pre-commit-config.yaml").read_text("utf-8")
    assert "@CSDOCS_VERSION@" not in workflow + config
    assert yaml.safe_load(config)["repos"][0]["hooks"][0]["id"] == "csdocs-lint"
    assert "csdocs lint --format github" in workflow


def test_refuses_a_folder_that_already_has_mkdocs_yml(project: Path) -> None:
    before = _snapshot(project)
    result = _init(project)
    assert result.returncode == 1
    assert "mkdocs.yml already exists" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(project) == before


def test_skips_and_reports_files_that_exist(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    (folder / "sops").mkdir(parents=True)
    (folder / "sops/glossary.yaml").write_text("CSAT: Our own meaning.\n", encoding="utf-8")
    (folder / ".gitignore").write_text("*.log\n", encoding="utf-8")
    result = _init(folder)
    assert result.returncode == 0, result.stderr
    assert "skipped (exists)  sops/glossary.yaml" in result.stdout
    assert "skipped (exists)  .gitignore" in result.stdout
    assert "created  mkdocs.yml" in result.stdout
    assert (folder / "sops/glossary.yaml").read_text("utf-8") == "CSAT: Our own meaning.\n"
    assert (folder / ".gitignore").read_text("utf-8") == "*.log\n"


def test_site_name_option_is_yaml_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    result = _init(folder, "--site-name", 'Acme: "SOPs" # here')
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((folder / "mkdocs.yml").read_text("utf-8"))["site_name"] == 'Acme: "SOPs" # here'


@pytest.mark.parametrize("name, message", [("  ", "the site name must not be empty"),
                                           ("Acme\nSOPs", "the site name must be one line of printable text")])
def test_a_bad_site_name_is_a_usage_error_and_writes_nothing(tmp_path: Path, name: str, message: str) -> None:
    folder = tmp_path / "x"
    result = _init(folder, "--site-name", name)
    assert result.returncode == 2  # a bad argument (README, Exit status)
    assert message in result.stderr
    assert not folder.exists() or not any(folder.iterdir())


def test_refuses_a_file_in_place_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = _init(tmp_path / "file")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert (tmp_path / "file").read_text("utf-8") == "x"


def test_new_sop_in_the_initialised_project_lints_clean(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    assert _init(folder).returncode == 0
    result = run_csdocs("new", "card-dispute", "--template", "escalation", "--department", "Card Services",
                        cwd=folder)
    assert result.returncode == 0, result.stderr
    assert lint_json(cwd=folder) == {"files": 3, "findings": []}


BUILD_EXISTS = LazyGroup._load("build") is not None


@pytest.mark.slow
@pytest.mark.skipif(not BUILD_EXISTS, reason="`csdocs build` (csdocs/site/commands.py) does not exist yet")
def test_build_passes_in_the_initialised_project(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    assert _init(folder).returncode == 0
    result = run_csdocs("build", cwd=folder, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    index = folder / "site" / "index.html"
    assert index.is_file()
    assert "first-contact" in "\n".join(str(p) for p in (folder / "site").rglob("*.html"))


def test_a_file_in_place_of_a_needed_folder_is_refused_clearly(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "sops").write_text("a file named sops\n", encoding="utf-8")
    result = _init(folder)
    assert result.returncode == 1
    assert "is a file, not a folder" in result.stderr and "Traceback" not in result.stderr
    assert "nothing was written" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["sops"]
