"""Units of time as people write them: the one vocabulary of time words.

``duration-format`` reads it to suggest the format's spelling of a duration
written in words (``4 hours`` -> ``4h``), and the review diff to read
durations in prose ("more than 3 days"). The format's own letters and their
lengths are :data:`csdocs.model.DURATION_UNITS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# A word for a unit of time (singular, lower case; a plural adds "s") -> the unit it names.
TIME_WORDS: Mapping[str, str] = MappingProxyType({
    "second": "second", "sec": "second",
    "minute": "minute", "min": "minute",
    "hour": "hour", "hr": "hour",
    "day": "day",
    "week": "week", "wk": "week",
    "month": "month",
    "year": "year", "yr": "year",
})
# The units the SOP format writes with one letter (4h, 2d), by unit.
LETTERS: Mapping[str, str] = MappingProxyType({"minute": "m", "hour": "h", "day": "d", "week": "w"})
# Days and hours counted on a working calendar: "3 business days", "2 working hours".
BUSINESS_WORDS = ("business", "working")
# The time words as a regular-expression alternation, longest first, each with an optional plural "s".
TIME_WORD_PATTERN = "(?:" + "|".join(sorted(TIME_WORDS, key=len, reverse=True)) + ")s?"
BUSINESS_PATTERN = "(?:" + "|".join(BUSINESS_WORDS) + ")"


def time_unit(word: str) -> str | None:
    """``"Hours"`` -> ``"hour"``, ``"mins"`` -> ``"minute"``; None when it is not a time word."""
    word = word.lower()
    return TIME_WORDS.get(word) or (TIME_WORDS.get(word[:-1]) if word.endswith("s") else None)
