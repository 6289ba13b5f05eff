"""`csdocs lint` end to end: formats, exit codes, config, suppression, cross-SOP checks, parallel == serial."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from csdocs.config import Config, ConfigError, config_from_options, load_config
from csdocs.lint import engine
from csdocs.lint.engine import lint_paths
from csdocs.lint.registry import RULES
from csdocs.lint.where import DocumentPaths
from csdocs.loader import load_text
from csdocs.model import Glossary, Severity, Span

from .conftest import SOP_HEADER, TODAY, run_csdocs

SOP = SOP_HEADER + """\
last_reviewed: 2026-10-01
steps:
  - id: log
    title: Log the request
    action: Create a ticket with the order number.
    next: {next}
  - id: refund
    title: Issue the refund
    action: Refund to the original payment method.
"""


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "mkdocs.yml", "site_name: Test\ndocs_dir: sops\nplugins:\n  - search\n  - csdocs:\n"
                                  "      sops_dir: sops\n")
    write(tmp_path, "sops/billing/refund-request.yaml", SOP.format(next="refund"))
    write(tmp_path, "sops/billing/broken.yaml", SOP.format(next="refnd"))
    write(tmp_path, "sops/glossary.yaml", "FCR: First contact resolution\n")
    return tmp_path


def test_text_format_and_exit_status(project: Path) -> None:
    result = run_csdocs("lint", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(
        "sops/billing/broken.yaml:10:11: error step-unknown-ref step 'log' goes to unknown step 'refnd'")
    assert "did you mean 'refund'?" in result.stdout


def test_json_format_is_the_contract_shape(project: Path) -> None:
    result = run_csdocs("lint", "--format", "json", "sops", cwd=project)
    report = json.loads(result.stdout)
    assert report["files"] == 3  # the glossary counts as a file, but is not an SOP
    assert set(report["findings"][0]) == {"path", "line", "column", "rule", "severity", "message", "document_path"}
    assert report["findings"][0]["document_path"] == "steps[0].next"  # `next: refnd` of the first step
    # one mistake, one finding: 'refund' is not also reported unreachable behind the typo
    assert [f["rule"] for f in report["findings"]] == ["step-unknown-ref"]


def test_github_format(project: Path) -> None:
    result = run_csdocs("lint", "--format", "github", cwd=project)
    line = result.stdout.splitlines()[0]
    assert line.startswith("::error file=sops/billing/broken.yaml,line=10,col=11,title=step-unknown-ref::")


def test_sarif_format(project: Path) -> None:
    result = run_csdocs("lint", "--format", "sarif", cwd=project)
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    first = run["results"][0]
    assert rule_ids[first["ruleIndex"]] == first["ruleId"]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (10, 11)
    assert first["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "steps[0].next"}]


DEEP = SOP_HEADER + """\
last_reviewed: 2026-10-01
definitions:
  e.g.: for example
steps:
  - id: log
    title: Log the request
    next: check
  - id: check
    title: Check the amount
    decision: Is it above 100 EUR?
    branches:
      - answer: "No"
        outcome: resolved
      - answer: "Yes"
        next: refnd
escalations:
  - id: high
    triger: The amount is above 100 EUR
    to: L2
    owner: Billing specialists queue
    sla: 4h
"""


def test_findings_name_the_node_they_are_about(tmp_path: Path) -> None:
    """The document path follows the file's structure: the second step's second branch, the first
    escalation's misspelt field; each expected path is read off DEEP by hand."""
    write(tmp_path, "deep.yaml", DEEP)
    findings = lint_paths([tmp_path / "deep.yaml"], config=Config(root=tmp_path), today=TODAY).findings
    lines = DEEP.splitlines()
    where = {(f.rule, lines[f.line - 1].strip()): f.document_path for f in findings}
    assert where[("step-unknown-ref", "next: refnd")] == "steps[1].branches[1].next"
    assert where[("schema", "triger: The amount is above 100 EUR")] == "escalations[0].triger"
    sop = load_text(DEEP, "deep.yaml").sop
    assert sop is not None
    paths = DocumentPaths(sop)
    assert paths.of(sop.at("definitions.e.g.")) == 'definitions["e.g."]'  # not a plain word: quoted
    assert paths.of(sop.steps[1].span) == "steps[1]"  # the step, not its first key
    assert paths.of(sop.steps[1].branches[0].at("answer")) == "steps[1].branches[0].answer"
    decision = sop.steps[1].at("decision")
    assert paths.of(Span(decision.line, decision.column + 9)) == "steps[1].decision"  # inside the value


def test_clean_files_print_nothing_and_exit_0(project: Path) -> None:
    result = run_csdocs("lint", "sops/billing/refund-request.yaml", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_strict_fails_on_warnings(project: Path) -> None:
    path = "sops/billing/refund-request.yaml"
    late = "2027-06-01"  # review-overdue, a warning
    assert run_csdocs("lint", "--today", late, path, cwd=project).returncode == 0
    strict = run_csdocs("lint", "--strict", "--today", late, path, cwd=project)
    assert strict.returncode == 1
    assert "review-overdue" in strict.stdout


def test_rule_severity_from_config(project: Path) -> None:
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + "      rules:\n        step-unknown-ref: warning\n"
                                           "        step-unreachable: off\n")
    result = run_csdocs("lint", "--format", "json", cwd=project)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("step-unknown-ref", "warning")]
    assert result.returncode == 0


@pytest.mark.parametrize(("options", "named"), [
    ("      rules:\n        step-unknwn-ref: warning\n", "rules.step-unknwn-ref"),
    ("      rules:\n        step-unknown-ref: loud\n", "rules.step-unknown-ref"),
    ("      tiers: [L1, L2]\n", "tiers"),
    ("      handof: [x]\n", "handof"),
])
def test_invalid_config_exits_2_naming_the_option(project: Path, options: str, named: str) -> None:
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + options)
    result = run_csdocs("lint", cwd=project)
    assert result.returncode == 2
    assert f"'{named}'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_path_is_a_usage_error(project: Path) -> None:
    result = run_csdocs("lint", "nowhere.yaml", cwd=project)
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


def test_config_is_found_upward_and_by_option(project: Path) -> None:
    nested = project / "sops" / "billing"
    assert load_config(start=nested).config_file == (project / "mkdocs.yml").resolve()
    other = write(project, "other/site.yml", "plugins:\n  - csdocs:\n      allow_terms: [ABC]\n")
    assert load_config(other).allow_terms == frozenset({"ABC"})


def test_mkdocs_yml_with_python_tags_loads_without_running_them(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    config = write(tmp_path, "mkdocs.yml", textwrap.dedent(f"""\
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
              other: !!python/object/apply:os.system ["touch {marker}"]
        plugins:
          - csdocs:
              tiers: {{L1: Agent, L2: Lead}}
        """))
    assert load_config(config).tier_ids == ("L1", "L2")
    assert not marker.exists()


def test_config_defaults_and_extra_handoff_items(tmp_path: Path) -> None:
    config = config_from_options({"handoff": ["order_number"]}, root=tmp_path)
    assert config.handoff[-1] == "order_number"
    assert config.handoff[:4] == ("contact_reason", "attempted_resolution", "escalation_reason", "customer_told")
    assert config.tier_ids == ("L1", "L2", "L3")
    with pytest.raises(ConfigError):
        config_from_options({"allow_terms": "ABC"}, root=tmp_path)
    assert config_from_options({"rules": {"review-overdue": False}}, root=tmp_path).rules["review-overdue"] \
        is Severity.OFF  # YAML reads a bare `off` as false


def test_suppression_comment_silences_one_rule_on_one_line(tmp_path: Path) -> None:
    def rules_fired(next_value: str) -> set[str]:
        path = write(tmp_path, "sops/billing/x.yaml", SOP.format(next=next_value))
        return {f.rule for f in lint_paths([path], config=load_config(start=tmp_path), today=TODAY).findings}

    assert rules_fired("refnd") == {"step-unknown-ref"}
    assert rules_fired("refnd  # csdocs: disable=step-unknown-ref") == set()
    assert rules_fired("refnd  # csdocs: disable=vague-language") == {"step-unknown-ref"}


def test_folders_are_searched_recursively_and_glossary_is_not_an_sop(project: Path) -> None:
    report = lint_paths([project / "sops"], config=load_config(start=project), today=TODAY)
    assert report.files == 3
    assert all("glossary" not in f.path for f in report.findings)


def test_cross_sop_references_resolve_against_the_project(project: Path) -> None:
    write(project, "sops/cards/card-dispute.yaml",
          SOP.replace("next: {next}", "goto: refund-request#refund").replace("Billing\n", "Card services\n", 1))
    single = project / "sops" / "cards" / "card-dispute.yaml"
    findings = lint_paths([single], config=load_config(start=project), today=TODAY).findings
    assert [f.rule for f in findings] == ["step-unreachable"]  # refund is after a goto; the goto resolves
    write(project, "sops/cards/card-dispute.yaml",
          SOP.replace("next: {next}", "goto: refund-request#refnd"))
    findings = lint_paths([single], config=load_config(start=project), today=TODAY).findings
    assert "step-unknown-ref" in {f.rule for f in findings}


def test_findings_are_sorted_and_deterministic(project: Path) -> None:
    config = load_config(start=project)
    first = lint_paths([project / "sops"], config=config, today=TODAY).findings
    second = lint_paths([project / "sops"], config=config, today=TODAY).findings
    assert first == second == tuple(sorted(first))


def test_parallel_lint_gives_the_same_findings_as_serial(tmp_path: Path) -> None:
    paths = []
    for number in range(engine.PARALLEL_MIN_FILES + 10):
        target = "refund" if number % 3 else f"refnd{number}"
        text = SOP.format(next=target).replace("Refund request", f"Refund request {number}")
        if number % 10 == 0:  # pairs in different workers share an id: a cross-worker finding
            text = f"id: shared-{number // 20}\n" + text
        paths.append(str(write(tmp_path, f"sops/billing/sop-{number:03d}.yaml", text)))
    job = engine._Job(paths, frozenset(paths), Glossary(), load_config(start=tmp_path), TODAY)
    serial = sorted(engine._lint_serial(job))
    assert len(serial) > 70
    assert sum(f.rule == "id-duplicate" for f in serial) >= 20
    assert sorted(engine._lint_parallel(job)) == serial


def test_rules_and_rule_commands() -> None:
    listing = run_csdocs("rules").stdout.splitlines()
    assert len(listing) == len(RULES)
    assert any(line.startswith("review-overdue") and "warning" in line for line in listing)
    doc = run_csdocs("rule", "step-unreachable")
    assert doc.returncode == 0 and "## Why is this bad?" in doc.stdout
    wrong = run_csdocs("rule", "step-unreachabel")
    assert wrong.returncode == 2 and "did you mean 'step-unreachable'" in wrong.stderr


def test_contract_minimum_catalogue_with_default_severities() -> None:
    expected = {
        "yaml-syntax": "error", "yaml-duplicate-key": "error", "schema": "error", "id-duplicate": "error",
        "step-unknown-ref": "error", "step-unreachable": "error", "flow-no-exit": "error",
        "decision-incomplete": "error", "escalation-vague-trigger": "warning", "escalation-incomplete": "error",
        "escalation-tier": "error", "escalation-handoff-incomplete": "warning", "undefined-term": "warning",
        "review-overdue": "warning", "duration-format": "error", "related-unknown": "error",
        "vague-language": "info",
    }
    assert {name: RULES[name].severity.value for name in expected} == expected


def test_schema_command_prints_the_shipped_schema() -> None:
    from csdocs.loader import json_schema

    result = run_csdocs("schema")
    assert json.loads(result.stdout) == json_schema()


def test_a_process_with_threads_lints_in_one_process() -> None:
    import threading

    assert engine._use_processes(engine.PARALLEL_MIN_FILES) == (threading.active_count() == 1)
    stop = threading.Event()
    watcher = threading.Thread(target=stop.wait)
    watcher.start()
    try:
        assert not engine._use_processes(engine.PARALLEL_MIN_FILES)
    finally:
        stop.set()
        watcher.join()


def test_any_glossary_file_is_checked_as_a_glossary_not_an_sop(tmp_path: Path) -> None:
    glossary = write(tmp_path, "team/glossary.yaml", "FCR: First contact resolution\nAHT: [not, text]\n")
    findings = lint_paths([tmp_path / "team"], config=load_config(start=tmp_path), today=TODAY).findings
    assert [(f.rule, f.line) for f in findings] == [("schema", 2)]
    assert "glossary term 'AHT'" in findings[0].message and Path(findings[0].path).name == glossary.name
