"""The loader: positions, the model, and hostile files refused with one located finding."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from csdocs.loader import MAX_BYTES, MAX_DEPTH, load_file, load_text

from .conftest import SOP_HEADER, run_csdocs

VALID = SOP_HEADER + """\
last_reviewed: 2026-08-15
version: 3
steps:
  - id: log
    title: Log the request
    action: Create a ticket.
  - id: eligible
    title: Check eligibility
    decision: Is the order within 30 days?
    branches:
      - answer: "Yes"
        next: log
      - answer: "No"
        outcome: closed
"""


def test_model_keeps_positions_and_values() -> None:
    loaded = load_text(VALID, "sops/billing/refund-request.yaml")
    assert loaded.problems == ()
    sop = loaded.sop
    assert sop.id == "refund-request"  # from the file name
    assert sop.last_reviewed == dt.date(2026, 8, 15)
    assert sop.version == "3"
    decision = sop.steps[1]
    assert decision.span == (11, 5)
    assert decision.at("decision") == (13, 15)
    assert decision.key_at("decision") == (13, 5)
    assert [b.answer for b in decision.branches] == ["Yes", "No"]
    assert decision.branches[0].at("next") == (16, 15)
    assert decision.branches[1].move.kind == "outcome"


def test_model_is_frozen() -> None:
    sop = load_text(VALID, "x.yaml").sop
    with pytest.raises(AttributeError):
        sop.title = "changed"  # type: ignore[misc]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _only_problem(path: Path):
    loaded = load_file(path)
    assert len(loaded.problems) == 1, loaded.problems
    assert loaded.sop is None
    return loaded.problems[0]


ALIAS_BOMB = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

HOSTILE = {
    "alias-bomb": (ALIAS_BOMB, "yaml-syntax", (1, 4), "anchor"),
    "deep-flow": (b"steps: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", "yaml-syntax", None, "nests deeper than"),
    "deep-block": (b"- " * 10_000 + b"x\n", "yaml-syntax", (1, 2 * MAX_DEPTH + 1), "nests deeper"),
    "huge-string": (b"title: '" + b"x" * (20 * 1024 * 1024) + b"'\n", "yaml-syntax", (1, 1), "larger than"),
    "invalid-utf8": (b"title: ok\npurpose: caf\xe9 au lait\n", "yaml-syntax", (2, 13), "not UTF-8"),
    "utf16": ("title: Refund\n".encode("utf-16"), "yaml-syntax", (1, 1), "UTF-16"),
    "python-tag": (b"title: !!python/object/apply:os.system ['touch /tmp/csdocs-pwned']\n", "yaml-syntax",
                   (1, 8), "not allowed"),
    "python-name-tag": (b"steps: !!python/name:os.system\n", "yaml-syntax", (1, 8), "not allowed"),
    "custom-tag": (b"title: !include other.yaml\n", "yaml-syntax", (1, 8), "not allowed"),
    "tabs": (b"title: x\nsteps:\n\t- id: a\n", "yaml-syntax", (3, 1), "tabs"),
    "nul": (b"title: Refund\x00 request\n", "yaml-syntax", (1, 14), "NUL"),
    "empty": (b"", "schema", (1, 1), "empty"),
    "only-comment": (b"# nothing here\n", "schema", (1, 1), "empty"),
    "list-top-level": (b"- id: a\n  title: b\n", "schema", (1, 1), "top level is a list"),
    "scalar-top-level": (b"just a sentence\n", "schema", (1, 1), "top level is text"),
    "two-documents": (b"title: a\n---\ntitle: b\n", "yaml-syntax", (2, 1), "more than one YAML document"),
    "merge-key": (b"base: {a: 1}\nother:\n  <<: {a: 2}\n", "yaml-syntax", (3, 3), "merge keys"),
    "unclosed-quote": (b"title: 'Refund\nsteps: []\n", "yaml-syntax", None, "invalid YAML"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_gives_one_located_finding(name: str, tmp_path: Path) -> None:
    data, rule, span, words = HOSTILE[name]
    problem = _only_problem(_write(tmp_path, f"{name}.yaml", data))
    assert problem.rule == rule
    if span is not None:
        assert tuple(problem.span) == span
    assert words in problem.message
    assert len(problem.message) < 200  # never echoes the value


@pytest.mark.parametrize("name", ["alias-bomb", "deep-flow", "huge-string", "utf16", "python-tag", "nul", "empty",
                                  "list-top-level"])
def test_hostile_input_through_the_cli_exits_1_without_traceback(name: str, tmp_path: Path) -> None:
    data, rule, _, _ = HOSTILE[name]
    path = _write(tmp_path, f"{name}.yaml", data)
    result = run_csdocs("lint", "--format", "json", path, timeout=30)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == [rule]


def test_python_tag_never_runs_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = _write(tmp_path, "evil.yaml",
                  f"title: !!python/object/apply:os.system ['touch {marker}']\n".encode())
    run_csdocs("lint", path, timeout=30)
    assert not marker.exists()


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    loaded = load_text(VALID.replace("version: 3\n", "version: 3\nversion: 4\n"), "x.yaml")
    assert [(p.rule, tuple(p.span)) for p in loaded.problems] == [("yaml-duplicate-key", (7, 1))]
    assert "line 6" in loaded.problems[0].message
    assert loaded.sop.version == "3"  # the first is kept, as the message says


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + VALID.encode())
    assert load_file(path).problems == ()


def test_file_at_the_size_bound_is_read(tmp_path: Path) -> None:
    padding = b"# " + b"x" * (MAX_BYTES - len(VALID) - 10) + b"\n"
    path = _write(tmp_path, "big.yaml", padding + VALID.encode())
    assert load_file(path).problems == ()


def test_unquoted_yes_answer_gets_a_quoting_hint() -> None:
    loaded = load_text(VALID.replace('"Yes"', "Yes"), "x.yaml")
    assert [p.rule for p in loaded.problems] == ["schema"]
    assert "quote it" in loaded.problems[0].message
    assert tuple(loaded.problems[0].span) == (15, 17)


def test_yaml_test_suite_gives_no_traceback() -> None:
    """The official YAML test suite's inputs, when ../shared holds them (not shipped with the project)."""
    suite = Path(__file__).resolve().parents[2] / "shared" / "yaml-test-suite"
    if not suite.is_dir():
        pytest.skip("the YAML test suite is not beside this checkout")
    result = subprocess.run([sys.executable, "-m", "csdocs.cli", "lint", "--format", "json", str(suite)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1)
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["files"] >= 400


def test_load_file_can_name_the_file_apart_from_where_it_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "refund-request.yaml", VALID.encode())
    loaded = load_file(path.resolve(), display="sops/billing/refund-request.yaml")
    assert loaded.path == loaded.sop.path == "sops/billing/refund-request.yaml"
    broken = load_file(tmp_path / "missing.yaml", display="sops/missing.yaml")
    assert broken.path == "sops/missing.yaml" and broken.problems[0].rule == "yaml-syntax"


# --------------------------------------------------------------------------
# keywords: the words customers and agents use, kept in order with their positions

KEYWORDS = ["money back", "charged twice", "hoàn tiền", "đổi trả", "客服 退款"]


def _with_keywords(block: str) -> str:
    return VALID.replace("steps:\n", block + "steps:\n", 1)


def _position(text: str, needle: str, after: str = "keywords:") -> tuple[int, int]:
    """1-based (line, column) of ``needle``'s first occurrence after ``after`` in ``text``."""
    offset = text.index(needle, text.index(after))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_keywords_are_absent_by_default() -> None:
    sop = load_text(VALID, "x.yaml").sop
    assert sop.keywords == ()
    assert "keywords" not in sop.spans


@pytest.mark.parametrize("style", ["block", "flow"])
def test_keywords_keep_their_order_text_and_positions(style: str) -> None:
    if style == "block":
        block = "keywords:\n" + "".join(f"  - {word}\n" for word in KEYWORDS)
    else:
        block = "keywords: [" + ", ".join(KEYWORDS) + "]\n"
    text = _with_keywords(block)
    loaded = load_text(text, "x.yaml")
    assert loaded.problems == ()
    sop = loaded.sop
    assert sop.keywords == tuple(KEYWORDS)
    assert sop.key_at("keywords") == _position(text, "keywords", after="purpose:")
    for index, word in enumerate(KEYWORDS):
        assert sop.at(f"keywords[{index}]") == _position(text, word)


WRONG_KEYWORDS = {
    # name: (the keywords block, the text at the finding's position, words in the message)
    "text-not-a-list": ("keywords: money back\n", "money back", "must be a list"),
    "number-item": ("keywords:\n  - money back\n  - 404\n", "404", "'keywords[1]' must be text"),
    "mapping-item": ("keywords:\n  - money back\n  - {word: refund}\n", "{word", "'keywords[1]' must be text"),
    "empty-item": ('keywords: [money back, ""]\n', '""', "'keywords[1]' is empty"),
    "blank-item": ('keywords: [money back, "   "]\n', '"   "', "'keywords[1]' is empty"),
    "repeat-ignoring-case-and-spacing": ("keywords: [Money Back, charged twice, money   back]\n", "money   back",
                                         "'keywords[2]' repeats 'keywords[0]'"),
    "repeat-in-another-unicode-form": ("keywords: [hoàn tiền, hoa\u0300n tie\u0302\u0300n]\n",
                                       "hoa\u0300n", "'keywords[1]' repeats 'keywords[0]'"),
}


@pytest.mark.parametrize("name", sorted(WRONG_KEYWORDS))
def test_wrong_keywords_give_one_located_schema_finding(name: str) -> None:
    block, at, words = WRONG_KEYWORDS[name]
    text = _with_keywords(block)
    loaded = load_text(text, "x.yaml")
    assert [(p.rule, tuple(p.span)) for p in loaded.problems] == [("schema", _position(text, at))]
    assert words in loaded.problems[0].message
    assert loaded.sop is not None  # the rest of the SOP still loads for the other rules


def test_keywords_that_differ_only_in_other_words_are_not_repeats() -> None:
    words = ["money back", "money back guarantee", "Money-back", "hoàn tiền", "hoan tien"]
    loaded = load_text(_with_keywords("keywords: [" + ", ".join(words) + "]\n"), "x.yaml")
    assert loaded.problems == ()
    assert loaded.sop.keywords == tuple(words)
