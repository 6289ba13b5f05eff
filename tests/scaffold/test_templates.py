"""The starter templates: listed, strict, YAML-safe, and every one lints clean once filled in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest
import yaml

from csdocs.loader import load_file
from csdocs.scaffold import ScaffoldError
from csdocs.scaffold.templates import (
    Template,
    available,
    describe,
    environment,
    find,
    render,
    title_from_id,
    yaml_quote,
)

from ..conftest import TODAY, lint_json, run_csdocs
from .helpers import REQUIRED_TEMPLATES, TEMPLATE_NAMES

HOSTILE_TEXTS = [
    'Refunds: "final sale" items',
    "it's a 'quote'",
    "key: value # not a comment",
    "- looks like a list",
    "* looks like an alias",
    "&anchor and !tag",
    "yes",
    "No",
    "2026-11-25",
    "0x1f",
    "{flow: mapping}",
    "[flow, list]",
    "back\\slash and a tab\there",
    "two\nlines",
    "Café crème ünïcödé",
    "emoji 😀 and CJK 客服",
    "NEL\x85 and LS\u2028 and bell\x07 and BOM\ufeff",
    "%directive",
    "|literal",
    ">folded",
]


def test_every_required_template_exists() -> None:
    assert set(TEMPLATE_NAMES) >= REQUIRED_TEMPLATES
    assert [template.name for template in available()] == TEMPLATE_NAMES


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_has_a_one_line_description(name: str) -> None:
    description = find(name).description
    assert description and "\n" not in description
    assert description.endswith((")", "."))


def test_list_shows_every_template_on_one_line(cli) -> None:
    result = cli("new", "--list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == TEMPLATE_NAMES
    for line, name in zip(lines, TEMPLATE_NAMES, strict=True):
        assert line.split(None, 1)[1] == find(name).description


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_new_from_every_template_lints_with_no_finding(name: str, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: sops\n", encoding="utf-8")
    result = run_csdocs("new", f"my-{name}", "--template", name, "--department", "Customer Care",
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "sops" / "customer-care" / f"my-{name}.yaml"
    assert written.is_file()
    assert lint_json(cwd=tmp_path) == {"files": 1, "findings": []}
    loaded = load_file(written)
    assert loaded.problems == ()
    assert loaded.sop is not None and loaded.sop.id == f"my-{name}"
    assert loaded.sop.last_reviewed == TODAY
    assert written.read_text("utf-8").startswith("# yaml-language-server: $schema=../../sop.schema.json\n")


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_guides_the_author_with_todo_comments(name: str) -> None:
    text = render(find(name), sop_id="x", title="X", department="D", owner=None, today=TODAY)
    todo_lines = [line for line in text.splitlines() if "TODO" in line]
    assert todo_lines, "a template says what the author must replace"
    for line in todo_lines:  # in comments only: TODO in a value would be an undefined acronym
        assert "#" in line.split("TODO")[0]


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_starts_with_keywords_that_are_not_its_contact_types(name: str, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(render(find(name), sop_id="x", title="X", department="D", owner=None, today=TODAY),
                    encoding="utf-8")
    sop = load_file(path).sop
    assert sop is not None and len(sop.keywords) >= 3
    assert not {k.casefold() for k in sop.keywords} & {c.casefold() for c in sop.contact_types}


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_yaml_quote_loads_back_as_the_same_text(text: str) -> None:
    assert yaml.safe_load(f"value: {yaml_quote(text)}\n") == {"value": text}


@pytest.mark.parametrize("text", [t for t in HOSTILE_TEXTS if t.isprintable()])
def test_hostile_title_department_and_owner_stay_values(text: str, tmp_path: Path) -> None:
    rendered = render(find("basic"), sop_id="hostile", title=text, department=text + " dept",
                      owner=text + " owner", today=TODAY)
    path = tmp_path / "hostile.yaml"
    path.write_text(rendered, encoding="utf-8")
    loaded = load_file(path)
    assert [p for p in loaded.problems if p.rule in ("yaml-syntax", "schema", "yaml-duplicate-key")] == []
    assert loaded.sop is not None
    assert (loaded.sop.title, loaded.sop.department, loaded.sop.owner) == (text, text + " dept", text + " owner")


def test_owner_defaults_to_the_departments_team_lead(tmp_path: Path) -> None:
    rendered = render(find("complaint"), sop_id="c", title="C", department="Billing", owner=None, today=TODAY)
    assert yaml.safe_load(rendered)["owner"] == "Billing team lead"


def test_unknown_variable_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("title: {{ titel | yaml }}").render(title="x")


def test_a_broken_template_is_reported_without_a_traceback() -> None:
    broken = Template("broken", "Broken.", "{# Broken. #}\ntitle: {{ nope }}\n")
    with pytest.raises(ScaffoldError, match="template 'broken' is broken"):
        render(broken, sop_id="x", title="X", department="D", owner=None, today=TODAY)


def test_render_is_deterministic() -> None:
    first = render(find("refund-returns"), sop_id="r", title="R", department="D", owner="O", today=TODAY)
    second = render(find("refund-returns"), sop_id="r", title="R", department="D", owner="O", today=TODAY)
    assert first == second


def test_unknown_template_suggests_the_nearest() -> None:
    expected = r"unknown template 'refund-return' \(did you mean 'refund-returns'\?\)"
    with pytest.raises(ScaffoldError, match=expected):
        find("refund-return")


def test_describe_reads_the_first_line_comment() -> None:
    assert describe("{# Refunds and returns. #}\nid: x\n") == "Refunds and returns."
    assert describe("id: x\n") == ""


def test_title_from_id() -> None:
    assert title_from_id("refund-request") == "Refund request"


@pytest.mark.parametrize("bad", ["", "   ", "two\nlines", "tab\there", "bell\x07"])
def test_title_must_be_one_printable_line(bad: str) -> None:
    with pytest.raises(ScaffoldError):
        render(find("basic"), sop_id="x", title=bad, department="D", owner=None, today=dt.date(2026, 1, 1))
