"""Pure helpers for comparing SOP text: whitespace, and quantities in prose.

Authors reflow folded text, swap quoting and re-indent; none of that is a
change, so text is compared after :func:`norm`. A number in a condition
("above 100 EUR", "3 or more times", "within 30 days") is a threshold: what
moving it means depends on the comparison word beside it and on the unit
written with it, which :func:`numbers` reads (durations, money,
percentages). :func:`compare` ranks two amounts in one unit (3 days < 3
weeks; a change of currency cannot be ranked) and :func:`same_text` says
whether two texts differ only in how amounts are spelt (€100, 100 EUR).
This is the one reader of quantities in free text; a duration *field*
(``sla: 4h``) is read by the loader (:class:`csdocs.model.Duration`), whose
unit lengths (:data:`csdocs.model.DURATION_UNITS`) these durations use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from ..model import DURATION_UNITS, Duration
from ..units import BUSINESS_PATTERN, LETTERS, TIME_WORD_PATTERN, time_unit

_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")


def norm(text: str | None) -> str:
    """Text with every run of whitespace made one space, trimmed; None is ''."""
    if not text:
        return ""
    return _SPACE.sub(" ", text).strip()


def duration_text(duration: Duration | None) -> str | None:
    """A duration as written, for a change's old and new values (JSON, reports)."""
    return None if duration is None else duration.text


# --------------------------------------------------------------------------
# numbers in conditions

# A comparison that holds for values at or above the number ("lower bound")
# or at or below it ("upper bound"). Longer phrases first: "no more than" is
# an upper bound although it ends in "more than".
_BEFORE_UPPER = ("no more than", "not more than", "less than", "fewer than", "lower than", "at most",
                 "up to", "under", "below", "within", "maximum of", "max", "<=", "≤", "<")
_BEFORE_LOWER = ("more than", "greater than", "higher than", "larger than", "at least", "above", "over",
                 "exceeds", "exceeding", "exceed", "beyond", "minimum of", ">=", "≥", ">")
_AFTER_LOWER = ("or more", "and more", "or above", "and above", "or over", "or higher", "+", "or later")
_AFTER_UPPER = ("or less", "or fewer", "or below", "and below", "or under", "or lower", "or earlier")

LOWER = "lower"  # the condition holds for values at or above the number
UPPER = "upper"  # ... at or below it


def _phrase_pattern(phrases: tuple[str, ...], *, anchor_end: bool) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) + (r"\b" if p[-1].isalpha() else "") for p in phrases)
    if anchor_end:  # the phrase ends the text before the number (a few words may follow it)
        return re.compile(r"(?:^|\W)(" + alternatives + r")\W*(?:\w+\W+){0,2}$", re.IGNORECASE)
    return re.compile(r"^\W*(?:[a-z%€$£]+\W*){0,2}?(" + alternatives + r")", re.IGNORECASE)


_BEFORE = [(_phrase_pattern(_BEFORE_UPPER, anchor_end=True), UPPER),
           (_phrase_pattern(_BEFORE_LOWER, anchor_end=True), LOWER)]
_AFTER = [(_phrase_pattern(_AFTER_LOWER, anchor_end=False), LOWER),
          (_phrase_pattern(_AFTER_UPPER, anchor_end=False), UPPER)]

# --------------------------------------------------------------------------
# quantities: a number, and the unit written beside it

DURATION = "duration"  # calendar time, measured in seconds
MONEY = "money"  # an amount in one currency
PERCENT = "percent"

_DAY = DURATION_UNITS["d"] * 60  # in seconds; the format's own units (4h, 2d) are the one source of their length

@dataclass(frozen=True, slots=True)
class Unit:
    """The unit written beside a number: ``days``, ``EUR``, ``%``.

    ``low`` and ``high`` are the unit's size in its kind's base (seconds for
    durations, 1 otherwise); they differ where the unit does (a month is 28
    to 31 days). Business days and business hours are kinds of their own:
    how long they are in calendar time depends on the calendar.
    """

    kind: str  # DURATION, MONEY, PERCENT, "business days", "business hours"
    name: str  # as messages name it: "day", "week", "EUR", "$", "%"
    low: float = 1
    high: float = 1

    def compatible(self, other: Unit) -> bool:
        """Can an amount in this unit be compared with one in ``other``?"""
        if self.kind != other.kind:
            return False
        if self.kind != MONEY or self.name == other.name:
            return True
        return ((self.name in _SYMBOL_FAMILY and other.name in _SYMBOL_FAMILY[self.name])
                or (other.name in _SYMBOL_FAMILY and self.name in _SYMBOL_FAMILY[other.name]))


def _duration(name: str, low: int, high: int | None = None) -> Unit:
    return Unit(DURATION, name, low, high if high is not None else low)


_DURATIONS = {  # in seconds: the format's letters m, h, d, w as DURATION_UNITS measures them
    "second": _duration("second", 1),
    **{name: _duration(name, DURATION_UNITS[letter] * 60) for name, letter in LETTERS.items()},
    "month": _duration("month", 28 * _DAY, 31 * _DAY),  # calendar months run from 28 to 31 days
    "year": _duration("year", 365 * _DAY, 366 * _DAY),
}
_LETTER_UNITS = {letter: _DURATIONS[unit] for unit, letter in LETTERS.items()}  # 30m, 4h, 2d, 1w
_BUSINESS = {"day": Unit("business days", "business day"), "hour": Unit("business hours", "business hour")}
_PERCENT = Unit(PERCENT, "%")

# ISO 4217 codes a support team is likely to write (upper case only: "try" and "cad" are words).
_CODES = ("EUR", "USD", "GBP", "CHF", "JPY", "CNY", "INR", "AUD", "CAD", "NZD", "SGD", "HKD", "SEK", "NOK", "DKK",
          "PLN", "CZK", "HUF", "RON", "BGN", "TRY", "RUB", "UAH", "VND", "THB", "IDR", "MYR", "PHP", "KRW", "BRL",
          "MXN", "ZAR", "AED", "SAR", "ILS")
_SYMBOLS = {"€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₫": "VND", "₽": "RUB", "₺": "TRY", "₴": "UAH",
            "US$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "NZ$": "NZD", "S$": "SGD",
            "HK$": "HKD", "R$": "BRL", "¥": "¥", "$": "$"}
# A bare "$" or "¥" says which family, not which currency: "$100" and "100 USD" are compared as amounts.
_SYMBOL_FAMILY = {"$": frozenset({"USD", "AUD", "CAD", "NZD", "SGD", "HKD", "MXN"}), "¥": frozenset({"JPY", "CNY"})}
_SYMBOL_PATTERN = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CODE_PATTERN = "(?-i:" + "|".join(_CODES) + ")"

# After the number: "%", "days", "-day", "4h" (the format's spelling), "EUR", "€", "euros".
_UNIT_AFTER = re.compile(
    r"(?P<percent> ?(?:%|percent\b|per ?cent\b|pct\b))"
    r"|(?P<letter>[mhdw])\b"
    r"|[ -]" + BUSINESS_PATTERN + r"[ -](?P<business>day|hour)s?\b"
    r"|[ -](?P<word>" + TIME_WORD_PATTERN + r")\b"
    r"| ?(?P<code>" + _CODE_PATTERN + r")\b"
    r"| ?(?P<symbol>" + _SYMBOL_PATTERN + r")"
    r"| (?P<euro>euro)s?\b",
    re.IGNORECASE,
)
# Before the number: "€", "US$", "EUR ".
_UNIT_BEFORE = re.compile(r"(?:(?<![\w$])(?P<code>" + _CODE_PATTERN + r") ?|(?P<symbol>" + _SYMBOL_PATTERN
                          + r") ?)$", re.IGNORECASE)

# A number as people write it: 1,000 and 1 000 and 1'000 (thousands), 4.5 and 4,5 (decimals), 1,000.00 and
# 1.000,00 (both: the last mark is the decimal one), 1.000.000. A lone "1.000" is one (a decimal point) unless
# it is an amount of money, which never has three decimals: then it is a thousand.
_NUMBER = re.compile(
    r"(?<![\w.,'])("
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d{1,3}(?:\.\d{3})+,\d+"
    r"|\d{1,3}(?:\.\d{3}){2,}"
    r"|\d{1,3}(?:['\u2019 ]\d{3})+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?"
    r")(?!\d)"
)


_THOUSANDS = re.compile(r"[kK](?!\w)")  # not "5kg", not "3 km"


def _value(text: str, *, money: bool) -> float:
    """``"1.000,50"`` -> 1000.5 (see :data:`_NUMBER`)."""
    digits = re.sub(r"['\u2019 ]", "", text)
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        return float(digits.replace("." if decimal == "," else ",", "").replace(",", "."))
    for mark in ",.":
        if mark in digits:
            groups = digits.split(mark)
            thousands = len(groups) > 2 or (len(groups[1]) == 3 and (mark == "," or money))
            return float(digits.replace(mark, "") if thousands else digits.replace(mark, "."))
    return float(digits)


class Number(NamedTuple):
    value: float
    text: str  # the number as written
    bound: str | None  # LOWER, UPPER or None when no comparison word is beside it
    unit: Unit | None = None  # the unit written beside it, if any
    written: str = ""  # the number with its unit, as written: "3 days", "€100"

    @property
    def size(self) -> tuple[float, float]:
        """The amount in its unit's base, as a range (one value unless the unit varies)."""
        if self.unit is None:
            return self.value, self.value
        return self.value * self.unit.low, self.value * self.unit.high


def _unit_after(match: re.Match[str] | None) -> Unit | None:
    if match is None:
        return None
    if match.group("percent"):
        return _PERCENT
    if match.group("letter"):
        return _LETTER_UNITS[match.group("letter").lower()]
    if match.group("business"):
        return _BUSINESS[match.group("business").lower()]
    if match.group("word"):
        return _DURATIONS[time_unit(match.group("word")) or ""]
    if match.group("euro"):
        return Unit(MONEY, "EUR")
    return _money(match.group("code"), match.group("symbol"))


def _money(code: str | None, symbol: str | None) -> Unit:
    return Unit(MONEY, code.upper() if code else _SYMBOLS[(symbol or "$").upper()])


def _quantities(text: str) -> tuple[tuple[Number, int, int], ...]:
    """Each number in normalised ``text`` with its unit, bound and span (start, end) including the unit."""
    found = []
    previous_end = 0
    for match in _NUMBER.finditer(text):
        if match.start() < previous_end:
            continue
        start, end = match.start(), match.end()
        thousands = _THOUSANDS.match(text, end)  # "€2k", "1.5k EUR": a thousand times the number
        if thousands is not None:
            end = thousands.end()
        unit = None
        before_unit = _UNIT_BEFORE.search(text, previous_end, start)
        if before_unit is not None:
            unit = _money(before_unit.group("code"), before_unit.group("symbol"))
            start = before_unit.start()
        after_unit = _UNIT_AFTER.match(text, end)
        if after_unit is not None and (unit is None or _unit_after(after_unit) == unit):
            unit = unit or _unit_after(after_unit)
            end = after_unit.end()
        before = text[max(previous_end, match.start() - 40):match.start()]
        after = text[match.end():match.end() + 24]
        bound = None
        for pattern, kind in _AFTER:
            if pattern.search(after):
                bound = kind
                break
        if bound is None:
            bound = _nearest_before(before)
        number = match.group(1)
        value = _value(number, money=unit is not None and unit.kind == MONEY) * (1000 if thousands else 1)
        found.append((Number(value, number, bound, unit, text[start:end].strip()), start, end))
        previous_end = end
    return tuple(found)


def numbers(text: str | None) -> tuple[Number, ...]:
    """The numbers in ``text`` in order, each with its unit and the bound its comparison word sets."""
    if not text:
        return ()
    return tuple(number for number, _, _ in _quantities(norm(text)))


def _nearest_before(before: str) -> str | None:
    best: tuple[int, str] | None = None
    for pattern, kind in _BEFORE:
        match = pattern.search(before)
        if match is not None and (best is None or match.end(1) > best[0]):
            best = (match.end(1), kind)
    return best[1] if best else None


def _blanked(text: str | None) -> str:
    """Normalised text with each quantity (number and unit) made ``#``."""
    normed = norm(text)
    out = []
    position = 0
    for _, start, end in _quantities(normed):
        out.append(normed[position:start])
        out.append("#")
        position = end
    out.append(normed[position:])
    return "".join(out)


def amount_key(text: str | None) -> str:
    """Normalised, lower-case text with each amount written one way (``100 EUR``, ``259200 s``), for keys
    that must not change when an amount is only spelt otherwise (a branch's answer: "Above €100")."""
    normed = norm(text)
    if not _DIGIT.search(normed):  # most answers ("Yes", "No"): nothing to rewrite
        return normed.lower()
    out = []
    position = 0
    for number, start, end in _quantities(normed):
        out.append(normed[position:start])
        unit = number.unit
        if unit is None:
            out.append(fmt_number(number.value))
        elif unit.kind == DURATION and unit.low == unit.high:
            out.append(f"{fmt_number(number.size[0])} s")
        else:
            out.append(f"{fmt_number(number.value)} {unit.name}")
        position = end
    out.append(normed[position:])
    return "".join(out).lower()


def skeleton(text: str | None) -> str:
    """The text with its quantities blanked out, for "did only a number move?"."""
    return _blanked(text).lower()


def compare(old: Number, new: Number) -> int | None:
    """+1 when ``new`` is the larger amount, -1 the smaller, 0 the same; None when they cannot be ranked.

    Amounts are compared in their units' common base (3 days < 3 weeks;
    24 hours = 1 day; €100 = 100 EUR); a number without a unit is taken to
    be in the other's unit. None: other currencies, other kinds of unit
    (days and %, calendar and business days), or ranges that overlap
    (4 weeks and 1 month).
    """
    if old.unit is not None and new.unit is not None and not old.unit.compatible(new.unit):
        return None
    if old.unit is None or new.unit is None or old.unit.kind != DURATION:
        a, b = (old.value, old.value), (new.value, new.value)
    else:
        a, b = old.size, new.size
    if a == b:
        return 0
    if b[0] > a[1]:
        return 1
    if b[1] < a[0]:
        return -1
    return None


def unit_changed(move: Moved) -> bool:
    """Was the unit beside the number rewritten as another one (days to weeks, EUR to USD)?"""
    old, new = move.old.unit, move.new.unit
    return old is not None and new is not None and old.name != new.name


def same_text(old: str | None, new: str | None) -> bool:
    """Do two texts say the same, whitespace and the spelling of amounts aside (€100 and 100 EUR, 1,000 and 1000)?"""
    if norm(old) == norm(new):
        return True
    return _blanked(old) == _blanked(new) and moved_numbers(old, new) == ()


class Moved(NamedTuple):
    old: Number
    new: Number


def moved_numbers(old: str | None, new: str | None) -> tuple[Moved, ...] | None:
    """The numbers that moved (or whose comparison word or unit changed) between two versions of a condition.

    None when the two do not hold the same count of numbers (the condition
    was rewritten, not re-tuned); () when no number moved. An amount spelt
    otherwise (``€100`` and ``100 EUR``, ``24 hours`` and ``1 day``) did not move.
    """
    old_numbers, new_numbers = numbers(old), numbers(new)
    if len(old_numbers) != len(new_numbers):
        return None
    return tuple(Moved(a, b) for a, b in zip(old_numbers, new_numbers, strict=True)
                 if compare(a, b) != 0 or a.bound != b.bound)


def holds_for_more(move: Moved) -> bool | None:
    """Does the condition now hold for more contacts (True), fewer (False), or is it unclear (None)?

    A lower bound ("above 100") raised holds for fewer; an upper bound
    ("within 30 days") raised holds for more. A changed or missing
    comparison word, or amounts that cannot be ranked (another currency),
    make it unclear.
    """
    bound = move.new.bound
    if bound is None or (move.old.bound is not None and move.old.bound != bound):
        return None
    direction = compare(move.old, move.new)
    if direction is None:
        return None
    raised = direction > 0
    return raised if bound == UPPER else not raised


def fmt_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)
