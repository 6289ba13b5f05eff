"""Reading SOP prose for the rules: acronyms, phrases, defined terms, durations.

Shared by the rules that read what people wrote (``undefined-term``,
``escalation-vague-trigger``, ``vague-language``, ``duration-format``,
``review-overdue``), so that they agree on what a word, a term and a
duration are. Everything here is pure and linear in the text's length: a
hostile 4 MiB action must not make a regex backtrack for minutes.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from ..load.chars import same_text
from ..load.positions import Source, value_position
from ..model import Sop, Span, _Located
from ..tiers import declared_ids
from ..units import BUSINESS_PATTERN, BUSINESS_WORDS, LETTERS, TIME_WORD_PATTERN, time_unit

# --------------------------------------------------------------------------
# acronyms

# A run of capitals and digits, then an optional plural "s", as a whole word:
# the regex finds the run from its first capital, Python adds leading digits
# and checks the word's edges and that it has two capitals (a regex that
# counts them would backtrack polynomially on a long run of capitals).
_CAPITAL_RUN = re.compile(r"[A-Z][A-Z0-9]+")  # a capital first: the regex engine skips ahead fast
_NO_DIGITS = str.maketrans("", "", "0123456789")
_URL_OR_EMAIL = re.compile(r"\S+://\S+|[\w.+-]+@[\w-]+\.[\w.-]+")

# Common words written in capitals for emphasis ("do NOT promise a date"),
# which no reader takes for jargon, and AM/PM. "IT" and "US" stay acronyms.
EMPHASIS_WORDS = frozenset(
    ["NOT", "NO", "NEVER", "ALWAYS", "ONLY", "MUST", "DO", "DON", "DOES", "DOESN", "DID", "DIDN", "CAN", "CANNOT", "WON", "ISN", "AREN", "WASN", "SHOULD", "SHOULDN", "WILL", "ALL", "ANY", "EVERY", "BEFORE", "AFTER", "THEN", "STOP", "AND", "OR", "IF", "THE", "YES", "IMPORTANT", "NOTE", "WARNING", "CAUTION", "URGENT", "NOW", "OK", "OKAY", "YOU", "YOUR", "WE"]
) | {"AM", "PM"}  # times of day ("9 AM"), read like units, as currency codes are

# ISO 4217 currency codes (and the fund/metal/test codes of the same list):
# "100 EUR" is a threshold, not jargon to define.
CURRENCY_CODES = frozenset(
    ["AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW", "ZWG", "ZWL"]
)


class Word(NamedTuple):
    """A word found in a text: the word as written, its normal form, its offset."""

    written: str
    term: str
    offset: int


def acronyms(text: str, known: frozenset[str] | set[str] = frozenset()) -> list[Word]:
    """Every acronym in ``text``: two or more capitals, digits allowed, optional plural s.

    Capitals of the Latin, Greek and Cyrillic alphabets count, and full-width
    or other compatibility forms are read as the plain ones (NFKC: ``ＣＲＭ``
    is ``CRM``); ``term`` is that plain form, singular (``SLAs`` -> ``SLA``),
    ``offset`` where it starts in ``text`` as written. A compound of
    acronyms and digits joined by ``-``, ``.``, ``/`` or ``&`` (``PCI-DSS``,
    ``SEV-1``, ``P&L``) is one word. Words inside a URL or an e-mail
    address, capitals used for emphasis (``NOT``), and words whose folded
    form (:func:`fold_term`; singular or as written), or any part of a
    compound that holds it, is in ``known`` are skipped.
    """
    found: list[Word] = []
    if not text:
        return found
    offsets: list[int] | None = None
    original = text
    pattern = _CAPITAL_RUN
    if not text.isascii():
        pattern = _CAPITAL_RUN_ANY
        if not unicodedata.is_normalized("NFKC", text):
            text, offsets = _nfkc_with_offsets(text)
    skip: list[tuple[int, int]] = []
    if "://" in text or "@" in text:
        skip = [match.span() for match in _URL_OR_EMAIL.finditer(text)]
    end_of_text = len(text)
    covered = -1  # the end of the last compound reported: its other runs are part of it
    for match in pattern.finditer(text):
        start, end = match.span()
        if start < covered:
            continue
        while start > 0 and "0" <= text[start - 1] <= "9":  # "2FA": digits lead the word
            start -= 1
        if start > 0 and _is_word_char(text[start - 1]):
            continue  # inside a word: "iPhone", "xCRM"
        plural = end < end_of_text and text[end] == "s"
        after = end + plural
        if after < end_of_text and _is_word_char(text[after]):
            continue  # "CRMsystem", "ABc"
        core = text[start:end]
        if core in EMPHASIS_WORDS or len(core.translate(_NO_DIGITS)) < 2:
            continue
        if skip and any(low <= start < high for low, high in skip):
            continue
        joined = (after < end_of_text - 1 and text[after] in _JOINERS) or (start > 1 and text[start - 1] in _JOINERS)
        if joined:
            compound = _compound(text, start, after)
            if compound is not None:
                parts, c_start, c_end = compound
                if _known_compound(parts, known):
                    covered = c_end
                    continue
                if all(_ACRONYM_PART.fullmatch(part) for part in parts[::2]):
                    covered = c_end
                    written = text[c_start:c_end]
                    found.append(Word(written, written, c_start))
                    continue
        folded = fold_term(core)
        if folded in known or (plural and folded + "s" in known):
            continue
        found.append(Word(text[start:after], core, start))
    if offsets is not None:  # back to where each word is written ("ＣＲＭ", whose term is "CRM")
        found = [Word(original[offsets[word.offset]:offsets[word.offset + len(word.written)]], word.term,
                      offsets[word.offset]) for word in found]
    return found


# Characters that join acronyms into one term (PCI-DSS, SEV-1, ISO/IEC, P&L, U.S.), between word characters.
_JOINERS = frozenset("-./&")
_CAPITAL_RUN_ANY = re.compile("[A-Z\u0391-\u03a9\u0400-\u042f][A-Z0-9\u0391-\u03a9\u0400-\u042f]+")
_ACRONYM_PART = re.compile("[0-9]*[A-Z\u0391-\u03a9\u0400-\u042f][A-Z0-9\u0391-\u03a9\u0400-\u042f]*s?|[0-9]+")
_CAPITALS_PART = re.compile("[0-9]*[A-Z\u0391-\u03a9\u0400-\u042f][A-Z0-9\u0391-\u03a9\u0400-\u042f]+s?")
_MAX_PARTS = 8  # a compound longer than this is not a term (and no text makes us try every split)


def fold_term(term: str) -> str:
    """What a term is compared by: NFKC (``ＣＲＭ`` is ``CRM``), case folded, invisible characters
    dropped, spaces collapsed (:func:`csdocs.load.chars.same_text`)."""
    return same_text(term)


def _compound(text: str, start: int, end: int) -> tuple[list[str], int, int] | None:
    """The word-and-joiner run around ``text[start:end]`` as [part, joiner, part, ...] and its span."""
    left = start
    while left > 1 and text[left - 1] in _JOINERS and _is_word_char(text[left - 2]):
        left -= 1
        while left > 0 and _is_word_char(text[left - 1]):
            left -= 1
    right = end
    while right < len(text) - 1 and text[right] in _JOINERS and _is_word_char(text[right + 1]):
        right += 1
        while right < len(text) and _is_word_char(text[right]):
            right += 1
    if text[right - 1] in _JOINERS:
        return None
    parts = re.split("([-./&])", text[left:right])
    if len(parts) > 2 * _MAX_PARTS:
        return None
    return parts, left, right


def _known_compound(parts: list[str], known: frozenset[str] | set[str]) -> bool:
    """Whether a run of whole parts holding all the compound's acronyms is known: ``PCI-DSS`` in
    ``PCI-DSS-compliant``, ``SEV`` in ``SEV-1``."""
    if not known:
        return False
    words = range(0, len(parts), 2)
    capitals = [index for index in words if _CAPITALS_PART.fullmatch(parts[index])]
    if not capitals:
        return False
    for first in range(0, capitals[0] + 1, 2):
        for last in range(len(parts) - 1, capitals[-1] - 1, -2):
            if fold_term("".join(parts[first:last + 1])) in known:
                return True
    return False


def _nfkc_with_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` in NFKC, character by character, and for each character of it the offset in ``text``
    of the character it came from (and one past the end)."""
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        normal = unicodedata.normalize("NFKC", char)
        out.append(normal)
        offsets.extend([index] * len(normal))
    offsets.append(len(text))
    return "".join(out), offsets


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


# --------------------------------------------------------------------------
# phrases and defined terms

_WORDS = re.compile(r"\w+")


class Phrases:
    """Whole-word, case-insensitive search for a fixed list of phrases.

    The text is lower-cased once and searched with a case-sensitive regex:
    ``re.IGNORECASE`` makes the search three times slower, and these run
    on every action of every SOP. Spaces in a phrase match any run of white
    space (folded YAML text keeps line breaks); longer phrases are tried
    first, so "as soon as possible" wins over "as soon".
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        ordered = sorted({phrase.lower() for phrase in phrases}, key=lambda phrase: (-len(phrase), phrase))
        body = "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in ordered)
        self._lower = re.compile(r"(?<!\w)(?:" + body + r")(?!\w)")
        self._any_case = re.compile(self._lower.pattern, re.IGNORECASE)

    def finditer(self, text: str | None) -> list[re.Match[str]]:
        """Matches in ``text``; their offsets are offsets into ``text``."""
        if not text:
            return []
        pattern, subject = self._choose(text)
        return list(pattern.finditer(subject))

    def search(self, text: str | None) -> bool:
        if not text:
            return False
        pattern, subject = self._choose(text)
        return pattern.search(subject) is not None

    def _choose(self, text: str) -> tuple[re.Pattern[str], str]:
        lowered = text.lower()
        if len(lowered) != len(text):  # "İ" lower-cases to two characters: offsets would drift
            return self._any_case, text
        return self._lower, lowered


def normal(phrase: str) -> str:
    """A matched phrase as the rule names it: lower-case, single spaces."""
    return " ".join(phrase.lower().split())


TermIndex = dict[str, tuple[tuple[str, ...], ...]]


@lru_cache(maxsize=16)
def term_index(terms: tuple[str, ...]) -> TermIndex:
    """Defined terms as word tuples, indexed by their first word (case-insensitive)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for term in terms:
        words = tuple(_WORDS.findall(term.lower()))
        if words:
            index.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(set(found), key=len, reverse=True)) for first, found in index.items()}


def term_mentions(text: str, *indexes: TermIndex) -> Iterator[tuple[str, int, int]]:
    """Each defined term ``text`` mentions as whole words, case-insensitively,
    as (term, start, end) offsets into ``text``, longest term first at a word.

    The last word may carry a plural ``s`` ("formal complaints" mentions
    "formal complaint").
    """
    found = [(match.group().lower(), match.start(), match.end()) for match in _WORDS.finditer(text)]
    words = [word for word, _, _ in found]
    for position, word in enumerate(words):
        for index in indexes:
            candidates = index.get(word)
            if candidates is None and word.endswith("s"):
                candidates = index.get(word[:-1])
            for term in candidates or ():
                if _matches_at(words, position, term):
                    yield " ".join(term), found[position][1], found[position + len(term) - 1][2]


def mentioned_term(text: str, *indexes: TermIndex) -> str | None:
    """The first defined term ``text`` mentions, or None."""
    for term, _, _ in term_mentions(text, *indexes):
        return term
    return None


def outside_terms(matches: list[re.Match[str]], text: str, *indexes: TermIndex) -> list[re.Match[str]]:
    """The matches that are not part of a defined term ("reasonable" in a
    defined "reasonable adjustment" is the term, not a weasel word)."""
    if not matches or not any(indexes):
        return matches
    spans = sorted((start, end) for _, start, end in term_mentions(text, *indexes))
    if not spans:
        return matches
    starts = [start for start, _ in spans]
    reach = list(accumulate((end for _, end in spans), max))  # furthest end among spans starting so far
    kept = []
    for match in matches:
        last = bisect_right(starts, match.start()) - 1
        if last < 0 or reach[last] < match.end():
            kept.append(match)
    return kept


def defined_terms(sop: Sop, glossary: Iterable[str], extra: Iterable[str] = ()) -> tuple[TermIndex, TermIndex]:
    """Indexes of the terms an SOP may use as defined: its own definitions
    and ``extra`` (tier ids), and the project glossary (cached across SOPs)."""
    own = tuple(definition.term for definition in sop.definitions) + tuple(extra)
    return term_index(own), term_index(tuple(glossary))


def _matches_at(words: list[str], position: int, term: tuple[str, ...]) -> bool:
    end = position + len(term)
    if end > len(words):
        return False
    for offset, expected in enumerate(term):
        got = words[position + offset]
        if got != expected and not (offset == len(term) - 1 and got == expected + "s"):
            return False
    return True


# --------------------------------------------------------------------------
# durations

_SPELLED = re.compile(  # the time words are csdocs.units'; "mo" and "y" are only read in a whole value
    r"^(\d{1,9}(?:[.,]\d{1,6})?)\s*(" + BUSINESS_PATTERN + r"\s+days?|" + TIME_WORD_PATTERN + r"|[mhdw]|mo|y)\.?$"
)
_CLOCK = re.compile(r"^(\d{1,4}):([0-5]\d)$")
_ISO = re.compile(r"^p(?:(\d{1,9})w|(\d{1,9})d|t(\d{1,9})h|t(\d{1,9})m)$")  # bounded: no 5,000-digit ints
_SMALLER = {"w": ("d", 7), "d": ("h", 24), "h": ("m", 60)}


def suggest_duration(text: str) -> str | None:
    """The valid spelling of a duration written another way: ``"4 hours"`` -> ``"4h"``."""
    value = " ".join(text.strip().lower().split())
    clock = _CLOCK.match(value)
    if clock:  # `1:30`, hours and minutes (YAML 1.1 would read it as 90, base 60)
        hours, minutes = int(clock.group(1)), int(clock.group(2))
        return f"{hours}h" if minutes == 0 else f"{hours * 60 + minutes}m"
    iso = _ISO.match(value)
    if iso:
        for group, letter in zip(iso.groups(), "wdhm", strict=True):
            if group is not None:
                return f"{int(group)}{letter}"
    match = _SPELLED.match(value)
    if not match:
        return None
    amount = float(match.group(1).replace(",", "."))
    word = " ".join(match.group(2).split())
    if word.startswith(BUSINESS_WORDS):
        return _whole(amount, "d")  # a working day suggested as a day: the reviewer sees the fix
    if word in ("m", "h", "d", "w"):
        return _whole(amount, word)
    unit = {"mo": "month", "y": "year"}.get(word) or time_unit(word)
    if unit == "month":
        return _whole(amount * 30, "d")
    if unit == "year":
        return _whole(amount * 52, "w")
    written = LETTERS.get(unit or "")
    return _whole(amount, written) if written else None


def _whole(amount: float, unit: str) -> str | None:
    """1.5h -> 90m: step down to a smaller unit until the amount is whole."""
    while amount != int(amount):
        if unit not in _SMALLER:
            return None
        unit, factor = _SMALLER[unit]
        amount *= factor
        amount = round(amount, 6)
    return f"{int(amount)}{unit}" if amount > 0 else None


# --------------------------------------------------------------------------
# suggestions and positions

sop_tier_ids = declared_ids  # the rules' name for csdocs.tiers.declared_ids

# What the schema allows as a step, escalation or SOP id; an id that breaks it
# is the schema rule's finding, and the reference rules make allowance for it.
VALID_ID = re.compile(r"[a-z0-9][a-z0-9-]*")

_NODE_FIELDS = frozenset(
    ["id", "title", "stage", "actor", "action", "say", "automated", "decision", "branches", "answer", "next", "escalate", "goto", "outcome", "every", "until"]
)
_MOVES = ("next", "escalate", "goto", "outcome")


def empty_value(node: _Located, name: str) -> bool:
    """Whether ``name:`` was written with nothing after it (the schema rule
    reports the missing value). libyaml places such an empty value right
    after the colon, where no written value can start."""
    key, value = node.key_at(name), node.at(name)
    return name in node.spans and value.line == key.line and value.column == key.column + len(name) + 1


def flow_unknown(sop: Sop) -> bool:
    """Whether some step or branch says where it goes in a way nobody can
    read yet: a misspelt move (`nxt:`), a move that is not text (`next: 42`),
    or `branches` that hold no readable branch.

    The schema rule reports those; reachability waits for the fix rather
    than report every step the unreadable move would have reached.
    """
    for step in sop.steps:
        if "branches" in step.spans and (not step.branches or any(not branch.spans for branch in step.branches)):
            return True  # branches that are empty, not a list, or not mappings
        for node, move in ((step, step.move), *((branch, branch.move) for branch in step.branches)):
            if misspelt_moves(node) or any(field in node.spans and getattr(move, field) is None
                                           for field in _MOVES):
                return True
    return False


def misspelt_moves(node: _Located) -> list[str]:
    """Field names of a step or branch that look like a misspelt move (``nxt``).

    The schema rule reports them; the flow rules use this to stay quiet about
    where the flow goes until the author fixes the name: one mistake, one
    finding. Spans keep every key the author wrote, known or not.
    """
    return [key for key in node.spans if "[" not in key and ":" not in key and key not in _NODE_FIELDS
            and difflib.get_close_matches(key, _MOVES, n=1, cutoff=0.6)]



def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``" (did you mean 'refund'?)"`` for the nearest known name, or ``""``."""
    known = list(known)
    folded = {item.lower(): item for item in known}
    if name.lower() in folded and folded[name.lower()] != name:
        return f" (did you mean {folded[name.lower()]!r}?)"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class TextLocator:
    """Where a word inside a value is written: the value read back from the SOP's source.

    Exact for every kind of scalar (plain, quoted with escapes, block and
    folded, flow lists, values over several lines; columns in Unicode code
    points, see :mod:`csdocs.load.positions`). When the model has no source
    (built by hand) or the source does not read back to the value, the
    finding points at the value itself, never at a guess.
    """

    def __init__(self, sop: Sop) -> None:
        self._source = Source(sop.source) if sop.source else None

    def at(self, span: Span, value: str, offset: int) -> Span:
        if offset <= 0 or self._source is None:
            return span
        return value_position(self._source, span, value, offset) or span
