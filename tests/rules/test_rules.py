"""Every rule against its fixtures, and against the examples in its own docs.

Fixtures are data, globbed into one parametrized test (``pytest -k step-unreachable``):

* ``tests/rules/<rule>/fail_*.yaml`` must give exactly the findings marked by a
  trailing ``# expect: <rule>`` (or ``# expect: <rule>@<column>``) comment on the
  line that must fire, and no other finding: one mistake, one finding. Inside a
  block scalar, where a comment would be text, ``# expect: <rule>@"word"`` on the
  header line expects the finding where ``word`` is first written on the marker's
  line before it, else after it (line and column worked out from the file).
* ``tests/rules/<rule>/pass_*.yaml`` must give no finding at all.
* A folder ``fail_*/`` or ``pass_*/`` is linted as one set of files (cross-SOP rules), as the
  project its own ``mkdocs.yml`` configures when it has one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from csdocs.config import Config, config_from_options, load_config
from csdocs.lint.engine import lint_paths
from csdocs.lint.registry import RULES
from csdocs.metrics.lint import RULE as METRIC_TARGET_MISSED
from csdocs.project_files import SEARCH_CHECKS_NAMES
from csdocs.search.checks import RULE as SEARCH_CHECK

from ..conftest import ROOT, SOPS, TODAY

HERE = Path(__file__).parent
EXAMPLE_EXPORT = ROOT / "examples" / "exports" / "zendesk-tickets.csv"
EXPECT = re.compile(r'#\s*expect:\s*([a-z0-9-]+)(?:@(\d+)|@"([^"]+)")?')


def _cases(prefix: str) -> list[Path]:
    return sorted(p for p in HERE.glob(f"*/{prefix}_*") if p.suffix in (".yaml", ".yml") or p.is_dir())


def _config(case: Path) -> Config:
    """A folder case with its own mkdocs.yml is linted as that project (metric-target-missed needs exports)."""
    if case.is_dir() and (case / "mkdocs.yml").is_file():
        return load_config(case / "mkdocs.yml")
    return Config(root=case.parent)


def _lint(case: Path):
    config = _config(case)
    target = case / "sops" if config.config_file is not None else case  # its SOPs, not its mkdocs.yml
    return lint_paths([target], config=config, today=TODAY).findings


def _expected(case: Path) -> set[tuple[str, int, int | None]]:
    files = sorted(case.rglob("*.y*ml")) if case.is_dir() else [case]
    expected = set()
    for file in files:
        lines = file.read_text("utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            for match in EXPECT.finditer(line):
                column = int(match.group(2)) if match.group(2) else None
                at = number
                if match.group(3):  # the word's first place: before the marker on its line, else after it
                    ahead = [line[:match.start()], *lines[number:]]
                    at, column = next((later, text.index(match.group(3)) + 1)
                                      for later, text in enumerate(ahead, start=number)
                                      if match.group(3) in text)
                expected.add((file.name, at, match.group(1), column))
    return expected


@pytest.mark.parametrize("case", _cases("fail"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fail_fixture_fires_exactly_where_marked(case: Path) -> None:
    expected = _expected(case)
    assert expected, f"{case} marks no '# expect: <rule>' line"
    assert {rule for _, _, rule, _ in expected} >= {case.parent.name} or case.parent.name not in RULES
    found = {(Path(f.path).name, f.line, f.rule) for f in _lint(case)}
    assert found == {(name, line, rule) for name, line, rule, _ in expected}
    columns = {(Path(f.path).name, f.line, f.rule): f.column for f in _lint(case)}
    for name, line, rule, column in expected:
        if column is not None:
            assert columns[(name, line, rule)] == column, (name, line, rule)


@pytest.mark.parametrize("case", _cases("pass"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pass_fixture_has_no_finding(case: Path) -> None:
    assert [tuple(f) for f in _lint(case)] == []


def test_every_rule_has_fixtures_that_fire_and_pass() -> None:
    missing = [name for name in RULES
               if not list(HERE.glob(f"{name}/fail_*")) or not list(HERE.glob(f"{name}/pass_*"))]
    assert missing == []


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_docs_have_every_section(name: str) -> None:
    rule = RULES[name]
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert rule.section(heading), f"{name}: no '## {heading}' section"
    assert rule.summary.endswith("."), f"{name}: the summary line is a sentence"


def _example(folder: Path, name: str, text: str) -> tuple[Path, Config]:
    """A docs example to lint, and its config: an SOP, or for search-check a checks file in the example corpus."""
    if name == SEARCH_CHECK:
        shutil.copytree(SOPS, folder / "sops", ignore=shutil.ignore_patterns(*SEARCH_CHECKS_NAMES))
        (folder / "sops" / "search-checks.yaml").write_text(text, "utf-8")
        return folder / "sops", Config(root=folder)
    if name == METRIC_TARGET_MISSED:  # measured from a copy of the example export, as its docs say
        (folder / "sops").mkdir(parents=True)
        shutil.copy(EXAMPLE_EXPORT, folder / EXAMPLE_EXPORT.name)
        (folder / "sops" / "example-sop.yaml").write_text(text, "utf-8")
        return folder / "sops", config_from_options({"metrics": {"exports": [EXAMPLE_EXPORT.name]}}, root=folder)
    folder.mkdir()
    (folder / "example-sop.yaml").write_text(text, "utf-8")
    if name == "department-folder-clash":  # the other SOP its docs name: the example in that department
        other = re.search(r"in `department: ([^`]+)`", RULES[name].section("Example"))
        assert other, "department-folder-clash: the example names the other SOP's department"
        (folder / "other-sop.yaml").write_text(re.sub(r"(?m)^department: .*$", f"department: {other.group(1)}",
                                                      text), "utf-8")
    return folder, Config(root=folder.parent)


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_docs_example_fires_and_fix_passes(name: str, tmp_path: Path) -> None:
    rule = RULES[name]
    example, config = _example(tmp_path / "example", name, rule.example())
    fired = {f.rule for f in lint_paths([example], config=config, today=TODAY).findings}
    assert name in fired, f"{name}: the docs' example does not fire the rule (fired: {fired})"
    fixed, config = _example(tmp_path / "fixed", name, rule.fixed_example())
    assert [tuple(f) for f in lint_paths([fixed], config=config, today=TODAY).findings] == []
