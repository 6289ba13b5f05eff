"""Which files are SOPs, in what order (csdocs.project_files): the rules once, then every command sees the same list.

Every SOP file of the project below has the SOP id ``same``. A command that
reads a file it should not (a hidden one, the glossary) reports it as a
clash; one that leaves out a file it should read misses its clash; one that
orders files differently keeps another file as "the first".
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from csdocs.config import load_config
from csdocs.load.decode import MAX_BYTES
from csdocs.loader import load_bytes, load_file
from csdocs.project_files import PathNotFound, discover, is_sop_in_repo, order_key, sop_files

from .conftest import run_csdocs
from .review.test_revisions import git

SOP = """\
id: same
title: {title}
department: Billing
owner: Billing team lead
purpose: Say which file is read.
last_reviewed: 2026-10-01
steps:
  - id: log
    title: Log the request
    action: Create a ticket with the order number.
"""

# Files laid out in the project, and whether each is an SOP file by the rules.
LAYOUT = {
    "billing/a.yaml": True,
    "billing/_draft.yaml": True,  # an underscore is not hidden
    "billing-eu/b.yml": True,  # .yml counts too
    "billing/deep/er/c.yaml": True,  # any depth
    ".hidden/d.yaml": False,  # a hidden folder
    "billing/.e.yaml": False,  # a hidden file
    "glossary.yaml": False,  # the glossary, by name
    "billing/glossary.yml": False,  # by name, anywhere
    "terms.yaml": False,  # the file the glossary option names
    "search-checks.yaml": False,  # the search checks
    "notes.txt": False,  # not YAML
    "billing/readme.md": False,
}
# The expected order, worked out by hand: folder by folder, names compared as text
# ("_" sorts before "a"; "billing" is a prefix of "billing-eu", so its folder comes first;
# "billing/deep" sorts after "billing/_draft.yaml" and "billing/a.yaml" as "d" > "a").
EXPECTED = ["billing/_draft.yaml", "billing/a.yaml", "billing/deep/er/c.yaml", "billing-eu/b.yml"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: Files\ndocs_dir: sops\nplugins:\n  - csdocs:\n"
                                         "      sops_dir: sops\n      glossary: sops/terms.yaml\n", "utf-8")
    for relative in LAYOUT:
        path = tmp_path / "sops" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith((".yaml", ".yml")) and "glossary" not in relative and relative != "terms.yaml":
            text = "[]\n" if "search-checks" in relative else SOP.format(title=relative)
        else:
            text = "FCR: First contact resolution\n"
        path.write_text(text, "utf-8")
    git(tmp_path, "init", "-q")
    return tmp_path


def test_the_rules_pick_the_sop_files_in_one_order(project: Path) -> None:
    config = load_config(project / "mkdocs.yml")
    found = [path.relative_to(project / "sops").as_posix() for path in sop_files(config)]
    assert found == EXPECTED
    assert sorted(relative for relative, is_sop in LAYOUT.items() if is_sop) == sorted(EXPECTED)


def test_the_same_rules_on_repository_paths() -> None:
    sops = PurePosixPath("sops")
    glossary = sops / "terms.yaml"
    picked = [relative for relative in LAYOUT if is_sop_in_repo(sops / relative, sops, glossary)]
    assert sorted(picked, key=order_key) == EXPECTED


def test_order_key_is_folder_by_folder() -> None:
    assert sorted(["a-c/x.yaml", "a/b.yaml"], key=order_key) == ["a/b.yaml", "a-c/x.yaml"]
    assert sorted(["a-c/x.yaml", "a/b.yaml"]) == ["a-c/x.yaml", "a/b.yaml"]  # plain text order differs


def test_discover_takes_files_as_given_and_refuses_a_missing_path(tmp_path: Path) -> None:
    given = tmp_path / "one.txt"
    given.write_text("title: x\n", "utf-8")
    assert discover([given, given]) == [given]
    with pytest.raises(PathNotFound, match="no such file or folder"):
        discover([tmp_path / "missing"])


def test_one_size_bound_and_message_for_disk_and_git_bytes(tmp_path: Path) -> None:
    data = b"title: " + b"x" * MAX_BYTES + b"\n"
    path = tmp_path / "big.yaml"
    path.write_bytes(data)
    from_disk = load_file(path, display="big.yaml")
    from_git = load_bytes(data, "big.yaml")
    assert from_disk.problems == from_git.problems
    assert from_disk.problems[0].message == f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB; an SOP is a few KiB"


def test_lint_reads_every_sop_file_and_no_other(project: Path) -> None:
    result = run_csdocs("lint", "--format", "json", cwd=project)
    findings = json.loads(result.stdout)["findings"]
    clashes = {finding["path"] for finding in findings if finding["rule"] == "id-duplicate"}
    assert clashes == {f"sops/{relative}" for relative in EXPECTED}


def test_the_site_reads_every_sop_file_and_keeps_the_first(project: Path) -> None:
    from csdocs.site.corpus import load_corpus

    corpus = load_corpus(load_config(project / "mkdocs.yml"))
    assert [path.relative_to(project / "sops").as_posix() for path in corpus.sop_files] == EXPECTED
    assert [sop.path for sop in corpus.sops] == [f"sops/{EXPECTED[0]}"]
    assert [sop.path for sop in corpus.duplicates] == [f"sops/{relative}" for relative in EXPECTED[1:]]


def test_review_reads_every_sop_file_and_keeps_the_first(project: Path) -> None:
    from csdocs.review.revisions import load_revision

    side = load_revision(load_config(project / "mkdocs.yml"), project.resolve(), None)
    assert side.sops["same"].path == f"sops/{EXPECTED[0]}"
    assert [warning.split(" ", 1)[0] for warning in side.warnings] == [f"sops/{relative}" for relative in EXPECTED[1:]]


def test_review_at_a_revision_reads_the_same_files(project: Path) -> None:
    from csdocs.review.revisions import load_revision

    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "files")
    side = load_revision(load_config(project / "mkdocs.yml"), project.resolve(), "HEAD")
    assert side.sops["same"].path == f"sops/{EXPECTED[0]}"
    assert [warning.split(" ", 1)[0] for warning in side.warnings] == [f"sops/{relative}" for relative in EXPECTED[1:]]


def test_new_finds_the_first_sop_with_the_id(project: Path) -> None:
    from csdocs.scaffold.sop import existing_with_id

    config = load_config(project / "mkdocs.yml")
    assert existing_with_id(config, "same") == project / "sops" / EXPECTED[0]
    assert existing_with_id(config, "d") is None  # only the hidden file is named d
    result = run_csdocs("new", "same", "--department", "Support", cwd=project)
    assert result.returncode != 0
    assert f"already exists: sops/{EXPECTED[0]}" in result.stderr
