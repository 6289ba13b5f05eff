"""Pure helpers for comparing SOP text: whitespace and numbers in conditions.

Authors reflow folded text, swap quoting and re-indent; none of that is a
change, so text is compared after :func:`norm`. A number in a condition
("above 100 EUR", "3 or more times", "within 30 days") is a threshold: what
moving it means depends on the comparison word beside it, which
:func:`numbers` reads.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..model import Duration

_SPACE = re.compile(r"\s+")


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

# 1,000 and 1 000 are thousands; 4.5 and 4,5 are decimals; "30-day" is 30.
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,\u202f ]\d{3})+|\d+(?:[.,]\d+)?)(?![\d])")


class Number(NamedTuple):
    value: float
    text: str  # as written
    bound: str | None  # LOWER, UPPER or None when no comparison word is beside it


def _value(text: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[,\u202f ]\d{3})+", text):
        return float(re.sub(r"[,\u202f ]", "", text))
    return float(text.replace(",", "."))


def numbers(text: str | None) -> tuple[Number, ...]:
    """The numbers in ``text`` in order, each with the bound its comparison word sets."""
    if not text:
        return ()
    found = []
    previous_end = 0
    for match in _NUMBER.finditer(text):
        before = text[max(previous_end, match.start() - 40):match.start()]
        after = text[match.end():match.end() + 24]
        bound = None
        for pattern, kind in _AFTER:
            if pattern.search(after):
                bound = kind
                break
        if bound is None:
            bound = _nearest_before(before)
        found.append(Number(_value(match.group(1)), match.group(1), bound))
        previous_end = match.end()
    return tuple(found)


def _nearest_before(before: str) -> str | None:
    best: tuple[int, str] | None = None
    for pattern, kind in _BEFORE:
        match = pattern.search(before)
        if match is not None and (best is None or match.end(1) > best[0]):
            best = (match.end(1), kind)
    return best[1] if best else None


def skeleton(text: str | None) -> str:
    """The text with its numbers blanked out, for "did only a number move?"."""
    return _NUMBER.sub("#", norm(text)).lower()


class Moved(NamedTuple):
    old: Number
    new: Number


def moved_numbers(old: str | None, new: str | None) -> tuple[Moved, ...] | None:
    """The numbers that moved (or whose comparison word changed) between two versions of a condition.

    None when the two do not hold the same count of numbers (the condition
    was rewritten, not re-tuned); () when no number moved.
    """
    old_numbers, new_numbers = numbers(old), numbers(new)
    if len(old_numbers) != len(new_numbers):
        return None
    return tuple(Moved(a, b) for a, b in zip(old_numbers, new_numbers, strict=True)
                 if a.value != b.value or a.bound != b.bound)


def holds_for_more(move: Moved) -> bool | None:
    """Does the condition now hold for more contacts (True), fewer (False), or is it unclear (None)?

    A lower bound ("above 100") raised holds for fewer; an upper bound
    ("within 30 days") raised holds for more. A changed or missing
    comparison word makes it unclear.
    """
    bound = move.new.bound
    if bound is None or (move.old.bound is not None and move.old.bound != bound):
        return None
    raised = move.new.value > move.old.value
    return raised if bound == UPPER else not raised


def fmt_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)
