"""`csdocs export macros`: each helpdesk's documented shape, the script's content, escaping, ids, files.

Every payload is validated against a JSON Schema written from the vendor's
documentation (tests/schemas/, each citing its source). Expected content is
worked out here from the SOP text and model, not copied from csdocs' output.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest

from csdocs.loader import load_file
from csdocs.model import DEFAULT_HANDOFF
from csdocs.render.script import HANDOFF_WORDING

from ..conftest import run_csdocs, write_project

SCHEMAS = Path(__file__).parent.parent / "schemas"
SCHEMA_OF = {"zendesk": "zendesk-macro", "freshdesk": "freshdesk-canned-response",
             "helpscout": "helpscout-saved-reply"}
PLACEHOLDER = {"zendesk": "{{ticket.requester.first_name}}", "freshdesk": "{{ticket.requester.firstname}}",
               "helpscout": "{%customer.firstName%}"}
HTML_FIELD = {"zendesk": None, "freshdesk": "content_html", "helpscout": "text"}
TITLE_FIELD = {"freshdesk": "title", "helpscout": "name"}
EXTRA = {"freshdesk": ("--folder-id", "7")}

HOSTILE = """\
id: card-help
title: "Card help <b>::</b> now"
department: Card Services
owner: Cards team lead
purpose: Help with a card.
last_reviewed: 2026-10-01
script:
  greeting: "Hi [Customer's name], <script>x</script> {{ticket.requester.email}} & {% raw %}"
  questions:
    - "=HYPERLINK(\\"http://evil\\") is your card number?"
    - "Is it [customer name]'s card?"
  closing: Thanks, [customer’s name].
steps:
  - id: check
    title: Check the card
    action: Look the card up.
    say: "I'm checking that for you."
    next: lock
  - id: lock
    title: Lock it
    action: Lock the card.
    say: Your card is locked.
    escalate: fraud
escalations:
  - id: fraud
    trigger: The customer reports a payment they did not make
    from: L1
    to: L2
    owner: Fraud team
    sla: 4h
"""


@cache
def validator(target: str) -> jsonschema.Draft7Validator:
    schema = json.loads((SCHEMAS / f"{SCHEMA_OF[target]}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def html_of(target: str, payload: dict) -> str:
    if target == "zendesk":
        (action,) = [a for a in payload["macro"]["actions"] if a["field"] == "comment_value_html"]
        return action["value"]
    return payload[HTML_FIELD[target]]


def title_of(target: str, payload: dict) -> str:
    return payload["macro"]["title"] if target == "zendesk" else payload[TITLE_FIELD[target]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, {"cards/card-help.yaml": HOSTILE})


def export(cwd: Path, target: str, *args: str) -> dict:
    result = run_csdocs("export", "macros", "--to", target, *EXTRA.get(target, ()), *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["target"] == target
    for entry in document["macros"]:
        errors = list(validator(target).iter_errors(entry["payload"]))
        assert not errors, (entry["external_id"], [e.message for e in errors])
    return {entry["external_id"]: entry["payload"] for entry in document["macros"]}


def expected_ids(path: Path) -> list[str]:
    """From the model: greeting, questions, each say in the order written, closing, each handoff note."""
    sop = load_file(path).sop
    ids = [f"{sop.id}.greeting"] if sop.script.greeting else []
    ids += [f"{sop.id}.questions"] if sop.script.questions else []
    ids += [f"{sop.id}.say.{step.id}" for step in sop.steps if step.say]
    ids += [f"{sop.id}.closing"] if sop.script.closing else []
    ids += [f"{sop.id}.handoff.{escalation.id}" for escalation in sop.escalations]
    return ids


@pytest.mark.parametrize("target", ["zendesk", "freshdesk", "helpscout"])
def test_each_part_is_one_macro_with_a_stable_id(project: Path, target: str) -> None:
    macros = export(project, target)
    assert list(macros) == expected_ids(project / "sops/cards/card-help.yaml")
    assert list(macros) == ["card-help.greeting", "card-help.questions", "card-help.say.check",
                            "card-help.say.lock", "card-help.closing", "card-help.handoff.fraud"]


@pytest.mark.parametrize("target", ["zendesk", "freshdesk", "helpscout"])
def test_sop_text_is_escaped_and_only_the_customer_name_becomes_a_placeholder(project: Path, target: str) -> None:
    macros = export(project, target)
    name = PLACEHOLDER[target]
    assert html_of(target, macros["card-help.greeting"]) == (
        f"<p>Hi {name}, &lt;script&gt;x&lt;/script&gt; &#123;&#123;ticket.requester.email&#125;&#125; "
        "&amp; &#123;% raw %&#125;</p>")
    assert html_of(target, macros["card-help.questions"]) == (
        "<ol><li>=HYPERLINK(&quot;http://evil&quot;) is your card number?</li>"
        f"<li>Is it {name}&#x27;s card?</li></ol>")
    assert html_of(target, macros["card-help.say.check"]) == "<p>I&#x27;m checking that for you.</p>"
    assert html_of(target, macros["card-help.closing"]) == f"<p>Thanks, {name}.</p>"
    for payload in macros.values():  # the product's placeholder is the only live template text
        text = html_of(target, payload).replace(name, "")
        assert "{" not in text and "<script" not in text


@pytest.mark.parametrize("target", ["zendesk", "freshdesk", "helpscout"])
def test_handoff_note_has_the_four_headings(project: Path, target: str) -> None:
    note = html_of(target, export(project, target)["card-help.handoff.fraud"])
    assert note == "".join(f"<p><strong>{HANDOFF_WORDING[key]}:</strong></p>" for key in DEFAULT_HANDOFF)
    assert len(DEFAULT_HANDOFF) == 4


def test_zendesk_titles_nest_by_department_and_the_handoff_note_is_private(project: Path) -> None:
    macros = export(project, "zendesk")
    # the SOP title's own "::" must not add a folder level; its "<b>" is text (titles are not HTML)
    assert title_of("zendesk", macros["card-help.greeting"]) == "Card Services::Card help <b>: </b> now::Greeting"
    assert title_of("zendesk", macros["card-help.say.lock"]).endswith("::Say: Lock it")
    assert {"field": "comment_mode_is_public", "value": "false"} in macros["card-help.handoff.fraud"]["macro"]["actions"]
    assert all(a["field"] != "comment_mode_is_public" for a in macros["card-help.greeting"]["macro"]["actions"])
    assert "card-help.greeting" in macros["card-help.greeting"]["macro"]["description"]


def test_freshdesk_needs_a_folder_and_visibility_is_all_agents(project: Path) -> None:
    result = run_csdocs("export", "macros", "--to", "freshdesk", cwd=project)
    assert result.returncode == 2 and "--folder-id" in result.stderr and "Traceback" not in result.stderr
    payload = export(project, "freshdesk")["card-help.greeting"]
    assert (payload["folder_id"], payload["visibility"], payload["title"]) == (7, 0, "Card help <b>::</b> now: Greeting")
    wrong = run_csdocs("export", "macros", "--to", "zendesk", "--folder-id", "3", cwd=project)
    assert wrong.returncode == 2 and "Freshdesk" in wrong.stderr


def test_the_export_is_deterministic(project: Path) -> None:
    first = run_csdocs("export", "macros", "--to", "zendesk", cwd=project).stdout
    assert run_csdocs("export", "macros", "--to", "zendesk", cwd=project).stdout == first


@pytest.mark.parametrize("target", ["zendesk", "freshdesk", "helpscout"])
def test_the_example_corpus_exports_in_every_documented_shape(target: str) -> None:
    from ..conftest import ROOT, example_sop_files

    macros = export(ROOT, target)
    assert list(macros) == [ident for path in example_sop_files() for ident in expected_ids(path)]


# --------------------------------------------------------------------------
# -o DIR


def test_a_folder_of_files_and_a_manifest_and_a_rerun_updates_them(project: Path) -> None:
    out = project / "out"
    result = run_csdocs("export", "macros", "--to", "helpscout", "-o", out, cwd=project)
    assert result.returncode == 0, result.stderr
    ids = expected_ids(project / "sops/cards/card-help.yaml")
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{i}.json" for i in ids] + ["csdocs-macros.json"])
    manifest = json.loads((out / "csdocs-macros.json").read_text("utf-8"))
    assert manifest == {"target": "helpscout", "macros": [{"external_id": i, "file": f"{i}.json"} for i in ids]}
    greeting = json.loads((out / "card-help.greeting.json").read_text("utf-8"))
    assert greeting == export(project, "helpscout")["card-help.greeting"]
    # the SOP changes: the export overwrites its own files and removes the one whose part is gone
    sop = project / "sops/cards/card-help.yaml"
    sop.write_text(HOSTILE.replace("    say: Your card is locked.\n", ""), "utf-8")
    again = run_csdocs("export", "macros", "--to", "helpscout", "-o", out, cwd=project)
    assert again.returncode == 0, again.stderr
    assert not (out / "card-help.say.lock.json").exists() and (out / "card-help.say.check.json").exists()


def test_a_file_the_user_wrote_is_never_overwritten(project: Path) -> None:
    out = project / "out"
    out.mkdir()
    mine = out / "card-help.greeting.json"
    mine.write_text("my own notes", "utf-8")
    result = run_csdocs("export", "macros", "--to", "zendesk", "-o", out, cwd=project)
    assert result.returncode == 2 and str(mine) in result.stderr and "Traceback" not in result.stderr
    assert mine.read_text("utf-8") == "my own notes"
    assert sorted(p.name for p in out.iterdir()) == ["card-help.greeting.json"]  # nothing written


# --------------------------------------------------------------------------
# bad input: located errors, never a traceback


def test_an_sop_that_cannot_be_read_is_a_located_error(project: Path) -> None:
    (project / "sops/cards/broken.yaml").write_text("title: [unclosed\n", "utf-8")
    result = run_csdocs("export", "macros", "--to", "zendesk", cwd=project)
    assert result.returncode == 1 and result.stdout == ""
    assert "sops/cards/broken.yaml:" in result.stderr and "Traceback" not in result.stderr


def test_an_id_that_cannot_name_a_macro_is_a_located_error(project: Path) -> None:
    sop = project / "sops/cards/card-help.yaml"
    sop.write_text(HOSTILE.replace("  - id: lock\n", "  - id: Lock It\n").replace("next: lock", "next: Lock It"),
                   "utf-8")
    line = HOSTILE.splitlines().index("  - id: lock") + 1
    result = run_csdocs("export", "macros", "--to", "zendesk", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"sops/cards/card-help.yaml:{line}:5: step id 'Lock It'" in result.stderr
