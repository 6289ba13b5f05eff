"""The text helpers the rules share: acronyms, phrases, terms, durations, positions."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from csdocs.lint.text import (
    Phrases,
    TextLocator,
    acronyms,
    mentioned_term,
    suggest_duration,
    term_index,
)
from csdocs.loader import load_text
from csdocs.model import Duration, Span


@pytest.mark.parametrize(("written", "fix"), [
    ("4 hours", "4h"), ("4H", "4h"), ("4 h", "4h"), ("4hrs", "4h"), ("30 mins", "30m"), ("30 minutes", "30m"),
    ("2 days", "2d"), ("2 business days", "2d"), ("1 week", "1w"), ("3 days.", "3d"), ("1.5h", "90m"),
    ("0.5d", "12h"), ("1,5h", "90m"), ("1 month", "30d"), ("1 year", "52w"), ("PT4H", "4h"), ("P2D", "2d"),
    ("half a day", None), ("4", None), ("soon", None), ("0 hours", None),
])
def test_suggest_duration(written: str, fix: str | None) -> None:
    assert suggest_duration(written) == fix


@pytest.mark.parametrize(("text", "minutes"), [
    ("90d", 90 * 24 * 60), ("2w", 2 * 7 * 24 * 60), ("36h", 36 * 60), ("30m", 30), ("0m", 0), ("007h", 7 * 60),
    ("90", None), ("9 0d", None), ("4 h", None), (" 4h", None), ("4h ", None), ("4H", None), ("1.5h", None),
    ("PT4H", None), ("", None), ("h", None), ("４h", None),  # full-width digits are not the format's digits
    ("99999999999w", 99999999999 * 7 * 24 * 60), ("999999999999w", None),  # 12 digits: beyond any calendar
])
def test_duration_parse_measures_only_the_formats_one_spelling(text: str, minutes: int | None) -> None:
    duration = Duration.parse(text)
    assert (duration.text, duration.minutes) == (text, minutes)
    assert duration.length == (None if minutes is None or minutes > dt.timedelta.max / dt.timedelta(minutes=1) else dt.timedelta(minutes=minutes))
    assert str(duration) == text  # shown as written, valid or not


@pytest.mark.parametrize(("text", "terms"), [
    ("Check the SLAs in the CRM", ["SLA", "CRM"]),
    ("B2B and 2FA, not L1 or L2 or A4", ["B2B", "2FA"]),
    ("Do NOT promise a date, NEVER. OK?", []),
    ("See https://help.example.com/FAQ or mail HELP@example.com", []),
    ("iPhone, PayPal, McDonald, ÉCOLE, São", []),
    ("the CRM's notes and the CRM-based form", ["CRM", "CRM"]),
    ("ABCS is one word, ABCs is plural", ["ABCS", "ABC"]),
])
def test_acronyms(text: str, terms: list[str]) -> None:
    assert [word.term for word in acronyms(text)] == terms


def test_acronyms_skip_known_terms_singular_or_plural() -> None:
    assert [w.term for w in acronyms("SLAs, CRMs and RMA", frozenset({"sla", "crms"}))] == ["RMA"]


def test_acronym_offsets_point_at_the_word() -> None:
    text = "Log it in the CRM, then the SLAs."
    assert [(w.written, text[w.offset:w.offset + len(w.written)]) for w in acronyms(text)] == [
        ("CRM", "CRM"), ("SLAs", "SLAs")]


def test_hostile_text_is_scanned_in_linear_time() -> None:
    # A backtracking pattern would take minutes on these; the scan must simply finish.
    assert len(acronyms("A" * 1_000_000 + "a")) == 0
    assert len(acronyms("AB " * 200_000)) == 200_000
    assert Phrases(["as soon as possible"]).finditer("as soon as " * 100_000) == []


def test_phrases_are_whole_words_any_case_and_longest_first() -> None:
    phrases = Phrases(["as soon", "as soon as possible", "etc"])
    text = "Call back As Soon As\n  Possible, etc. but not etcetera or glass soon"
    assert [text[m.start():m.end()] for m in phrases.finditer(text)] == ["As Soon As\n  Possible", "etc"]


def test_phrase_offsets_survive_characters_that_grow_when_lower_cased() -> None:
    text = "İİİ refund if needed"
    (match,) = Phrases(["if needed"]).finditer(text)
    assert text[match.start():match.end()] == "if needed"


def test_defined_terms_match_whole_words_with_a_plural() -> None:
    index = term_index(("Formal complaint", "VIP"))
    assert mentioned_term("The customer files formal complaints", index) == "formal complaint"
    assert mentioned_term("A vip asks", index) == "vip"
    assert mentioned_term("A formal complaintant", index) is None
    assert mentioned_term("A VIPER", index) is None


LOCATED = """title: Refund request
department: Billing
owner: Billing team lead
purpose: >
  Give every refund request
  the same CRM answer.
steps:
  - {id: log, title: Log it in the CRM now}
  - id: plain
    title: Check the CRM
    action: "Note: the CRM id"
    say: Tell them the CRM
      ticket number.
  - id: last
    title: Close the CRM ticket
"""


def _written_at(text: str, after: Span, word: str) -> Span:
    """Where ``word`` is first written at or after ``after``, worked out from the text alone."""
    lines = text.splitlines(keepends=True)
    index = sum(len(line) for line in lines[:after.line - 1]) + after.column - 1
    found = text.index(word, index)
    line = text.count("\n", 0, found) + 1
    return Span(line, found - (text.rfind("\n", 0, found) + 1) + 1)


def test_locator_points_at_the_word_in_every_kind_of_value() -> None:
    sop = load_text(LOCATED, "x.yaml").sop
    assert sop is not None
    locate = TextLocator(sop)
    log, plain, last = sop.steps
    for node, field, value in ((plain, "title", plain.title),  # plain scalar
                               (plain, "action", plain.action),  # double-quoted
                               (log, "title", log.title),  # flow mapping
                               (plain, "say", plain.say),  # plain, over two lines
                               (sop, "purpose", sop.purpose),  # folded block
                               (last, "title", last.title)):  # last value of the file
        assert value is not None
        assert locate.at(node.at(field), value, value.index("CRM")) == _written_at(LOCATED, node.at(field), "CRM")


def test_locator_points_at_the_value_without_a_source() -> None:
    sop = load_text(LOCATED, "x.yaml").sop
    assert sop is not None
    bare = dataclasses.replace(sop, source="")
    plain = bare.steps[1]
    assert TextLocator(bare).at(plain.at("title"), plain.title, plain.title.index("CRM")) == plain.at("title")


def test_duration_parse_survives_absurd_numbers() -> None:
    assert Duration.parse("9" * 5000 + "d").minutes is None  # int() refuses 4,300+ digits
    assert suggest_duration("9" * 5000 + " days") is None
    assert suggest_duration("P" + "9" * 5000 + "D") is None


def test_outside_terms_keeps_only_words_outside_defined_terms() -> None:
    from csdocs.lint.text import outside_terms

    phrases = Phrases(["reasonable", "etc"])
    index = term_index(("reasonable adjustment", "adjustment plan etc"))
    text = "A reasonable adjustment, a reasonable fee, an adjustment plan etc and so etc"
    kept = outside_terms(phrases.finditer(text), text, index)
    assert [(m.group(), m.start()) for m in kept] == [("reasonable", 27), ("etc", 73)]
    many = "reasonable adjustment etc " * 50_000  # linear, not matches x mentions
    assert len(outside_terms(phrases.finditer(many), many, index)) == 50_000
