"""csdocs.units: one vocabulary of time words, read alike by duration-format's fix and the review diff."""

from __future__ import annotations

import pytest

from csdocs.lint.text import suggest_duration
from csdocs.model import DURATION_UNITS
from csdocs.review.text import numbers
from csdocs.units import LETTERS, TIME_WORDS, time_unit


@pytest.mark.parametrize("word", sorted(TIME_WORDS))
def test_every_time_word_is_read_by_both(word: str) -> None:
    unit = TIME_WORDS[word]
    for written in (word, word + "s"):
        assert time_unit(written) == unit
        (number,) = numbers(f"within 3 {written}")
        assert number.unit is not None and number.unit.name == unit
        letter = LETTERS.get(unit)
        if letter is not None:  # the format has a letter for it: the fix spells it, the diff measures it so
            assert suggest_duration(f"3 {written}") == f"3{letter}"
            assert number.size == (3 * DURATION_UNITS[letter] * 60,) * 2


def test_not_a_time_word() -> None:
    assert time_unit("items") is None
    assert numbers("3 items")[0].unit is None
