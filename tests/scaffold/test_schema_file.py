"""sop.schema.json at the repository root: what `csdocs schema` prints, and it accepts every example."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from csdocs.scaffold.templates import find, render

from ..conftest import ROOT, SOPS, TODAY, run_csdocs
from .helpers import TEMPLATE_NAMES, as_json_data, load_json_data

SCHEMA_FILE = ROOT / "sop.schema.json"
EXAMPLES = sorted(path for path in SOPS.rglob("*.yaml") if path.name != "glossary.yaml")


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
