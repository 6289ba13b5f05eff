"""What the author wrote is what csdocs reads: YAML 1.1's quiet conversions and invisible characters.

Every expected value here is the text as written in the input (or worked out from it: 1:30 is
one hour and thirty minutes, 90 minutes); none is copied from csdocs' output.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from csdocs.config import Config
from csdocs.lint.engine import lint_paths
from csdocs.load.chars import INVISIBLE, same_text
from csdocs.load.positions import Source
from csdocs.loader import load_glossary, load_text
from csdocs.review.compare import diff_sops

from .conftest import TODAY

HEAD = "title: Refund request\ndepartment: Billing\nowner: Billing team lead\npurpose: Fair answers.\n"
STEPS = "steps:\n  - id: log\n    title: Log the request\n"


def _lint(tmp_path: Path, text: str, name: str = "sop.yaml") -> list:
    (tmp_path / name).write_text(text, "utf-8")
    return list(lint_paths([tmp_path / name], config=Config(root=tmp_path), today=TODAY).findings)


def _at(text: str, needle: str) -> tuple[int, int]:
    span = Source(text).span(text.index(needle))
    return span.line, span.column


def test_a_version_keeps_its_trailing_zero_and_the_diff_shows_it() -> None:
    old = load_text(HEAD + "version: 1.9\n" + STEPS, "sop.yaml").sop
    new = load_text(HEAD + "version: 1.10\n" + STEPS, "sop.yaml").sop
    assert old is not None and new is not None
    assert (old.version, new.version) == ("1.9", "1.10")
    diff = diff_sops(old, new)
    assert (diff.old_version, diff.new_version) == ("1.9", "1.10")


def test_a_version_that_loses_its_text_is_a_finding_with_the_fix(tmp_path: Path) -> None:
    text = HEAD + "version: 1.10\n" + STEPS
    (finding,) = [f for f in _lint(tmp_path, text) if f.rule == "yaml-implicit-type"]
    assert (finding.line, finding.column) == _at(text, "1.10")
    assert '"1.10"' in finding.message and finding.document_path == "version"


def test_aht_written_as_minutes_and_seconds_keeps_its_text_and_says_what_to_write(tmp_path: Path) -> None:
    text = HEAD + "metrics:\n  aht: 5:30\n" + STEPS
    sop = load_text(text, "sop.yaml").sop
    assert sop is not None and sop.metrics["aht"] == "5:30"  # never 330
    (finding,) = [f for f in _lint(tmp_path, text) if f.rule == "yaml-implicit-type"]
    assert (finding.line, finding.column) == _at(text, "5:30")
    assert str(5 * 60 + 30) in finding.message  # what YAML 1.1 makes of it, base 60
    assert "'5m' or '6m'" in finding.message  # AHT is whole minutes: either side of 5 min 30 s


def test_an_sla_written_as_hours_and_minutes_suggests_the_minutes(tmp_path: Path) -> None:
    text = HEAD + "sla:\n  first_response: 1:30\n" + STEPS
    findings = _lint(tmp_path, text)
    assert [(f.rule, f.line, f.column) for f in findings] == [("duration-format", *_at(text, "1:30"))]
    assert f"'{1 * 60 + 30}m'" in findings[0].message


def test_definition_keys_that_yaml_reads_as_booleans_stay_the_words_written(tmp_path: Path) -> None:
    text = HEAD + "definitions:\n  NO: Norway desk\n  ON: Ontario desk\n" + STEPS.replace(
        "Log the request", "Log the request for the ON desk")
    sop = load_text(text, "sop.yaml").sop
    assert sop is not None and [d.term for d in sop.definitions] == ["NO", "ON"]
    findings = _lint(tmp_path, text)
    assert sorted((f.rule, f.line, f.column) for f in findings) == [
        ("yaml-implicit-type", *_at(text, "NO:")), ("yaml-implicit-type", *_at(text, "ON:"))]  # no undefined-term
    # the first key of a mapping starts where the mapping does: the path still names the key
    assert sorted(f.document_path for f in findings) == ["definitions.NO", "definitions.ON"]


def test_a_repeated_key_names_its_own_path(tmp_path: Path) -> None:
    text = HEAD + ("steps:\n  - id: ask\n    title: Ask\n    decision: Eligible?\n    branches:\n"
                   '      - answer: "Yes"\n        answer: "No"\n        outcome: resolved\n'
                   '      - answer: "Maybe"\n        outcome: closed\n')
    (finding,) = [f for f in _lint(tmp_path, text) if f.rule == "yaml-duplicate-key"]
    assert (finding.line, finding.document_path) == (_at(text, 'answer: "No"')[0], "steps[0].branches[0].answer")


def test_glossary_keys_stay_the_words_written(tmp_path: Path) -> None:
    text = "NO: Norway desk\nOff: Off-shift queue\n~: nothing\n"
    (tmp_path / "glossary.yaml").write_text(text, "utf-8")
    glossary, problems = load_glossary(tmp_path / "glossary.yaml")
    assert list(glossary.terms) == ["NO", "Off", "~"]
    assert [(p.rule, tuple(p.span)) for p in problems] == [
        ("yaml-implicit-type", _at(text, "NO")), ("yaml-implicit-type", _at(text, "Off")),
        ("yaml-implicit-type", _at(text, "~"))]


def test_octal_looking_numbers_keep_their_digits(tmp_path: Path) -> None:
    text = HEAD + "metrics:\n  backlog: 010\n" + STEPS
    sop = load_text(text, "sop.yaml").sop
    assert sop is not None and sop.metrics["backlog"] == "010"
    (finding,) = [f for f in _lint(tmp_path, text) if f.rule == "yaml-implicit-type"]
    assert "8 (octal)" in finding.message and "write 10" in finding.message  # 0o10 == 8


def test_a_text_field_written_as_a_lossy_number_is_one_finding(tmp_path: Path) -> None:
    """`title: 1.10` is not also a schema finding: one mistake, one finding, quoting the text written."""
    text = "title: 1.10\ndepartment: Billing\nowner: Billing team lead\npurpose: Fair answers.\n" + STEPS
    findings = _lint(tmp_path, text)
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-implicit-type", *_at(text, "1.10"))]


# --------------------------------------------------------------------------
# invisible characters


def test_an_answer_with_a_zero_width_space_is_found_at_its_column(tmp_path: Path) -> None:
    text = HEAD + ("steps:\n  - id: ask\n    title: Ask\n    decision: Eligible?\n    branches:\n"
                   '      - answer: "Yes\u200b"\n        outcome: resolved\n'
                   '      - answer: "Yes"\n        outcome: closed\n')
    findings = _lint(tmp_path, text)
    invisible = [f for f in findings if f.rule == "invisible-character"]
    assert [(f.line, f.column, f.document_path) for f in invisible] == [
        (*_at(text, "\u200b"), "steps[0].branches[0].answer")]
    assert "U+200B" in invisible[0].message and "remove it" in invisible[0].message
    # and the two answers are the same to an agent: decision-incomplete says so at the second
    repeats = [f for f in findings if f.rule == "decision-incomplete"]
    assert [(f.line, f.column) for f in repeats] == [_at(text, '"Yes"\n')]


def test_running_text_keeps_the_characters_languages_are_written_with(tmp_path: Path) -> None:
    say = ("Pourquoi\u00a0? \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 "  # French, Persian with ZWNJ
           "\u8fd4\u91d1\u3000\u53d7\u4ed8 \U0001F44D\U0001F3FD")  # Japanese ideographic space, emoji
    text = HEAD + STEPS + f'    say: "{say}"\n'
    assert [f.rule for f in _lint(tmp_path, text)] == []


def test_a_no_break_space_in_a_name_is_a_finding_but_not_in_text(tmp_path: Path) -> None:
    text = HEAD.replace("Billing team lead", "Billing\u00a0team lead") + STEPS + '    say: "Merci\u00a0!"\n'
    findings = _lint(tmp_path, text)
    assert [(f.rule, f.line, f.column, f.document_path) for f in findings] == [
        ("invisible-character", *_at(text, "\u00a0"), "owner")]
    assert "plain space" in findings[0].message


def test_a_line_separator_is_a_finding_even_in_text(tmp_path: Path) -> None:
    text = HEAD.replace("Fair answers.", '"Fair\u2028answers."') + STEPS
    (finding,) = _lint(tmp_path, text)
    assert (finding.rule, finding.line, finding.column) == ("invisible-character", *_at(text, "\u2028"))


def test_a_line_separator_that_breaks_the_yaml_is_named_as_the_cause(tmp_path: Path) -> None:
    """Unquoted, YAML starts a new line at U+2028 and the next word is a syntax error the editor
    cannot see; the finding points at the separator instead."""
    text = HEAD.replace("Fair answers.", "Fair\u2028answers.") + STEPS
    (finding,) = _lint(tmp_path, text)
    assert (finding.rule, finding.line, finding.column) == ("invisible-character", *_at(text, "\u2028"))
    assert "U+2028" in finding.message


def test_a_glossary_term_with_an_invisible_character_is_a_finding(tmp_path: Path) -> None:
    text = "SLA\u200b: Service level agreement\n"
    (tmp_path / "glossary.yaml").write_text(text, "utf-8")
    _, problems = load_glossary(tmp_path / "glossary.yaml")
    assert [(p.rule, tuple(p.span)) for p in problems] == [("invisible-character", _at(text, "\u200b"))]


def test_the_invisible_set_covers_every_format_and_separator_character() -> None:
    """Unicode's Cf, Zs (but the space), Zl and Zp, checked against the running Python's tables."""
    expected = [chr(code) for code in range(0x110000)
                if unicodedata.category(chr(code)) in ("Cf", "Zl", "Zp")
                or (unicodedata.category(chr(code)) == "Zs" and code != 0x20)]
    assert [char for char in expected if not INVISIBLE.match(char)] == []


def test_same_text_is_what_an_agent_sees() -> None:
    assert same_text("Yes\u200b") == same_text("yes ") == same_text("ＹＥＳ") == same_text("Yes")
    assert same_text("Yes") != same_text("No")


def test_a_key_that_reads_back_the_same_is_no_finding(tmp_path: Path) -> None:
    """`1:` is the number 1 and `2026-01-01:` the same date: kept as text, nothing lost, no finding."""
    text = HEAD + "metrics:\n  1: 5%\n" + STEPS
    sop = load_text(text, "sop.yaml").sop
    assert sop is not None and dict(sop.metrics) == {"1": "5%"}
    assert [f.rule for f in _lint(tmp_path, text)] == []


def test_dates_nulls_and_booleans_where_text_is_expected_are_one_schema_finding_each(tmp_path: Path) -> None:
    """The siblings the schema check already reports (with 'quote it'): one finding each, never two."""
    text = HEAD.replace("Fair answers.", "2026-01-01") + "version: ~\n" + STEPS + "    say: yes\n"
    findings = _lint(tmp_path, text)
    assert sorted((f.rule, f.line) for f in findings) == sorted([
        ("schema", _at(text, "2026-01-01")[0]), ("schema", _at(text, "~")[0]), ("schema", _at(text, "yes")[0])])
    assert all("quote it" in f.message or "empty" in f.message for f in findings)


def test_an_invisible_character_written_as_an_escape_is_found_at_the_escape(tmp_path: Path) -> None:
    """`"Yes\\u200b"` in double quotes: nothing invisible in the file, an invisible character in the answer."""
    text = HEAD + ("steps:\n  - id: ask\n    title: Ask\n    decision: Eligible?\n    branches:\n"
                   '      - answer: "Yes\\u200b"\n        outcome: resolved\n'
                   '      - answer: "No"\n        outcome: closed\n')
    assert INVISIBLE.search(text) is None
    findings = [f for f in _lint(tmp_path, text) if f.rule == "invisible-character"]
    assert [(f.line, f.column, f.document_path) for f in findings] == [
        (*_at(text, "\\u200b"), "steps[0].branches[0].answer")]
