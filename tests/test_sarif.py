"""SARIF and GitHub annotations that code scanning accepts, validated against the real SARIF 2.1.0 schema.

The schema is OASIS's own (tests/schemas/, see its README for source and licence),
checked with jsonschema's format checker so that a URI with a raw space fails.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest

from csdocs.lint.report import SRCROOT

from .conftest import ROOT, run_csdocs
from .test_lint_cli import SOP, write

SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
BROKEN = SOP.format(next="refnd")  # one step-unknown-ref at line 10, column 11 (see test_lint_cli)
FOLDER, NAME = "sops/bil ling", "broken café #1.yaml"  # a space, a non-ASCII letter and a '#'
ENCODED = "sops/bil%20ling/broken%20caf%C3%A9%20%231.yaml"  # RFC 3986 percent-encoding of the UTF-8 bytes


@lru_cache(maxsize=1)
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def valid(sarif: dict) -> dict:
    errors = sorted(validator().iter_errors(sarif), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return sarif


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository (a .git folder) with mkdocs.yml and a broken SOP under a path that needs encoding."""
    root = tmp_path / "my repo"
    (root / ".git").mkdir(parents=True)
    write(root, "mkdocs.yml", "docs_dir: sops\nplugins:\n  - csdocs\n")
    write(root, f"{FOLDER}/{NAME}", BROKEN)
    return root


def sarif_of(cwd: Path, *args: str) -> dict:
    result = run_csdocs("lint", "--format", "sarif", *args, cwd=cwd)
    assert result.returncode == 1, result.stderr
    return valid(json.loads(result.stdout))


def test_the_vendored_schema_rejects_what_was_wrong_before() -> None:
    """The check has teeth: a raw space in a URI and a missing version are schema errors."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b.yaml"}}}]}]}]}
    assert list(validator().iter_errors(bad))
    assert list(validator().iter_errors({"runs": []}))


def test_uris_are_percent_encoded_and_relative_to_the_repository_root(repo: Path) -> None:
    # run from a sub-folder: paths must still be from the repository root, not the working folder
    run = sarif_of(repo / "sops", "bil ling")["runs"][0]
    (result,) = run["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": ENCODED, "uriBaseId": SRCROOT}
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (10, 11)
    assert run["columnKind"] == "unicodeCodePoints"
    # the node it is about, validated by the schema with the rest: `next: refnd` of the first step
    assert result["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "steps[0].next"}]


def test_the_schema_checks_logical_locations() -> None:
    """The check has teeth for logicalLocations too: a name that is not a string fails."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"logicalLocations": [{"fullyQualifiedName": 3}]}]}]}]}
    assert list(validator().iter_errors(bad))


def test_a_file_outside_the_repository_gets_an_absolute_file_uri(repo: Path, tmp_path: Path) -> None:
    outside = write(tmp_path, "elsewhere/broken.yaml", BROKEN)
    run = sarif_of(repo, str(outside))["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": outside.as_uri()}


def test_tool_version_and_information_uri_come_from_the_package_metadata(repo: Path) -> None:
    driver = sarif_of(repo)["runs"][0]["tool"]["driver"]
    assert driver["version"] == metadata.version("csdocs")
    urls = dict(entry.split(", ", 1) for entry in metadata.metadata("csdocs").get_all("Project-URL"))
    assert driver["informationUri"] == urls["Homepage"]


def test_help_uri_is_the_rule_source_when_no_site_url_is_set(repo: Path) -> None:
    (rule,) = sarif_of(repo)["runs"][0]["tool"]["driver"]["rules"]
    urls = dict(entry.split(", ", 1) for entry in metadata.metadata("csdocs").get_all("Project-URL"))
    assert rule["helpUri"] == urls["Lint rules"] + "step_unknown_ref.py"
    assert (ROOT / "csdocs" / "lint" / "rules" / "step_unknown_ref.py").is_file()


@pytest.mark.parametrize("directory_urls, page", [("true", "rules/"), ("false", "rules.html")])
def test_help_uri_is_the_rule_on_the_published_site(repo: Path, directory_urls: str, page: str) -> None:
    write(repo, "mkdocs.yml", f"site_url: https://sops.example.com/kb\nuse_directory_urls: {directory_urls}\n"
                              "docs_dir: sops\nplugins:\n  - csdocs\n")
    (rule,) = sarif_of(repo)["runs"][0]["tool"]["driver"]["rules"]
    assert rule["helpUri"] == f"https://sops.example.com/kb/{page}#step-unknown-ref"


def test_the_rules_page_has_an_anchor_named_after_each_rule() -> None:
    from markdown.extensions.toc import slugify  # what MkDocs' toc extension makes heading ids with

    from csdocs.lint.registry import RULES
    from csdocs.site.pages import rules_page

    text = rules_page(RULES).markdown
    for name in RULES:
        assert f"\n## {name}\n" in text and slugify(name, "-") == name, name


def test_a_bad_site_url_is_a_configuration_error(repo: Path) -> None:
    write(repo, "mkdocs.yml", "site_url: 42\nplugins:\n  - csdocs\n")
    result = run_csdocs("lint", "--format", "sarif", cwd=repo)
    assert result.returncode == 2 and "site_url" in result.stderr and "Traceback" not in result.stderr


def test_fingerprints_survive_lines_moving_and_tell_repeats_apart(repo: Path) -> None:
    path = repo / FOLDER / NAME
    before = sarif_of(repo)["runs"][0]["results"][0]
    path.write_text("# a comment that moves every line down\n" + BROKEN, "utf-8")
    after = sarif_of(repo)["runs"][0]["results"][0]
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    assert after["partialFingerprints"] == before["partialFingerprints"]
    # the same finding in another file is another result
    write(repo, f"{FOLDER}/other.yaml", BROKEN.replace("Refund request", "Other"))
    results = sarif_of(repo)["runs"][0]["results"]
    prints = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert len(results) == 2 and len(set(prints)) == 2


def test_github_annotations_name_files_from_the_repository_root(repo: Path) -> None:
    result = run_csdocs("lint", "--format", "github", "bil ling", cwd=repo / "sops")
    assert result.stdout.startswith(f"::error file={FOLDER}/{NAME},line=10,col=11,"
                                    "title=step-unknown-ref::")
