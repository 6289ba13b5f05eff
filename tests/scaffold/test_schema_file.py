"""sop.schema.json at the repository root: what `csdocs schema` prints, and it accepts every example."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from csdocs.scaffold.templates import find, render

from ..conftest import ROOT, SOPS, TODAY, example_sop_files, run_csdocs
from .helpers import TEMPLATE_NAMES, as_json_data, load_json_data

SCHEMA_FILE = ROOT / "sop.schema.json"
EXAMPLES = example_sop_files()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_root_schema_is_byte_identical_to_csdocs_schema() -> None:
    printed = run_csdocs("schema")
    assert printed.returncode == 0, printed.stderr
    assert SCHEMA_FILE.read_bytes() == printed.stdout.encode("utf-8"), \
        "the format changed: regenerate with `csdocs schema > sop.schema.json`"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.relative_to(SOPS).as_posix())
def test_every_example_sop_is_valid_against_the_schema(path: Path, validator) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(load_json_data(path))]
    assert errors == []


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_instantiated_template_is_valid_against_the_schema(name: str, validator) -> None:
    import yaml

    text = render(find(name), sop_id=f"my-{name}", title="A title: with \"quotes\"", department="Customer Care",
                  owner=None, today=TODAY)
    data = as_json_data(yaml.safe_load(text))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_the_schema_rejects_a_broken_sop(validator) -> None:
    broken = {"title": "T", "department": "D", "owner": "O", "purpose": "P",
              "steps": [{"id": "Bad Id", "title": "S", "nxt": "x"}], "review_every": "90 days"}
    messages = " ".join(e.message for e in validator.iter_errors(broken))
    assert "'nxt' was unexpected" in messages and "'Bad Id' does not match" in messages
    assert "'90 days' does not match" in messages


# `keywords`: the shipped schema (what editors check) and csdocs' own interpreter of it
# (what `csdocs lint` checks) must agree, except where csdocs is documented to be stricter.
KEYWORDS_BOTH_ACCEPT = [[], ["money back"], ["money back", "charged twice", "hoàn tiền", "đổi trả"],
                        ["money back", "money back guarantee", "hoan tien", "hoàn tiền"]]
KEYWORDS_BOTH_REFUSE = ["money back", ["money back", 404], ["money back", ""], ["money back", None],
                        ["money back", ["nested"]], ["money back", "money back"]]
KEYWORDS_ONLY_CSDOCS_REFUSES = [["money back", "   "], ["Money back", "money  BACK"],
                                ["hoàn tiền", "hoa\u0300n tie\u0302\u0300n"]]


def _sop_with_keywords(keywords) -> dict:
    return {"title": "T", "department": "D", "owner": "O", "purpose": "P", "keywords": keywords,
            "steps": [{"id": "a", "title": "A"}]}


def _csdocs_problems(data: dict) -> list[str]:
    import yaml

    from csdocs.loader import load_text

    loaded = load_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "x.yaml")
    return [p.message for p in loaded.problems]


def _editor_errors(validator, data: dict) -> list[str]:
    return [e.message for e in validator.iter_errors(data)]


@pytest.mark.parametrize("keywords", KEYWORDS_BOTH_ACCEPT, ids=repr)
def test_schema_and_csdocs_both_accept_good_keywords(keywords, validator) -> None:
    data = _sop_with_keywords(keywords)
    assert _editor_errors(validator, data) == []
    assert _csdocs_problems(data) == []


@pytest.mark.parametrize("keywords", KEYWORDS_BOTH_REFUSE, ids=repr)
def test_schema_and_csdocs_both_refuse_bad_keywords(keywords, validator) -> None:
    data = _sop_with_keywords(keywords)
    assert len(_editor_errors(validator, data)) == 1
    problems = _csdocs_problems(data)
    assert len(problems) == 1 and "keywords" in problems[0]


@pytest.mark.parametrize("keywords", KEYWORDS_ONLY_CSDOCS_REFUSES, ids=repr)
def test_csdocs_is_stricter_than_the_schema_on_blank_and_near_repeated_keywords(keywords, validator) -> None:
    data = _sop_with_keywords(keywords)
    assert _editor_errors(validator, data) == []  # JSON Schema compares text exactly and counts spaces
    problems = _csdocs_problems(data)
    assert len(problems) == 1 and "'keywords[1]'" in problems[0]


# Format 1.1: SLA by priority, an escalation's response, recurring duties. The shipped schema (anyOf,
# minProperties, dependentRequired) and csdocs' interpreter of it must agree on each shape.
_ESCALATION = {"id": "incident", "trigger": "10 or more customers affected", "to": "L2", "owner": "Incident manager",
               "sla": "4h"}
FORMAT_1_1_BOTH_ACCEPT = {
    "sla by priority": {"sla": {"first_response": "0m", "resolution": {"emergency": "4h", "low": "5d"}}},
    "sla one duration": {"sla": {"first_response": "4h", "resolution": "2d"}},
    "response": {"escalations": [{**_ESCALATION, "response": "0m"}]},
    "every and until": {"steps": [{"id": "a", "title": "A", "every": "30m", "until": "the incident is resolved"}]},
    "escalate and continue": {"steps": [{"id": "a", "title": "A", "escalate": "incident", "next": "b"},
                                        {"id": "b", "title": "B"}], "escalations": [_ESCALATION]},
}
FORMAT_1_1_BOTH_REFUSE = {
    "unknown priority": ({"sla": {"resolution": {"urgent": "4h"}}}, "'urgent'"),
    "empty priority map": ({"sla": {"resolution": {}}}, "sla.resolution"),
    "priority map of a list": ({"sla": {"resolution": {"high": ["4h"]}}}, "sla.resolution.high"),
    "sla as a list": ({"sla": {"resolution": ["4h"]}}, "sla.resolution"),
    "every without until": ({"steps": [{"id": "a", "title": "A", "every": "30m"}]}, "'until'"),
    "until without every": ({"steps": [{"id": "a", "title": "A", "until": "resolved"}]}, "'every'"),
    "response as a list": ({"escalations": [{**_ESCALATION, "response": ["15m"]}]}, "response"),
}


def _sop_with(extra: dict) -> dict:
    return {"title": "T", "department": "D", "owner": "O", "purpose": "P", "steps": [{"id": "a", "title": "A"}],
            **extra}


@pytest.mark.parametrize("name", FORMAT_1_1_BOTH_ACCEPT)
def test_schema_and_csdocs_both_accept_format_1_1_fields(name: str, validator) -> None:
    data = _sop_with(FORMAT_1_1_BOTH_ACCEPT[name])
    assert _editor_errors(validator, data) == []
    assert _csdocs_problems(data) == []


@pytest.mark.parametrize("name", FORMAT_1_1_BOTH_REFUSE)
def test_schema_and_csdocs_both_refuse_bad_format_1_1_fields(name: str, validator) -> None:
    extra, where = FORMAT_1_1_BOTH_REFUSE[name]
    data = _sop_with(extra)
    assert _editor_errors(validator, data) != []
    problems = _csdocs_problems(data)
    assert len(problems) == 1 and where in problems[0], problems
