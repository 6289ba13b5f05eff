"""Numbers in conditions and the direction a moved threshold takes (fixtures/comparisons.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from csdocs.review.text import Moved, Number, holds_for_more, moved_numbers, norm, numbers

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "comparisons.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_numbers_and_their_comparison(case: dict) -> None:
    assert [[n.value, n.bound] for n in numbers(case["text"])] == case["numbers"]


@pytest.mark.parametrize(("old", "new", "more"), [
    ("above 100 EUR", "above 150 EUR", False),  # a raised lower bound holds for fewer
    ("above 100 EUR", "above 50 EUR", True),
    ("within 30 days", "within 60 days", True),  # a raised upper bound holds for more
    ("within 30 days", "within 14 days", False),
    ("above 100 EUR", "below 150 EUR", None),  # the comparison itself changed
    ("ticket 3", "ticket 4", None),  # no comparison word
])
def test_direction_of_a_moved_threshold(old: str, new: str, more: bool | None) -> None:
    (move,) = moved_numbers(old, new) or ()
    assert holds_for_more(move) is more


def test_a_rewritten_condition_is_not_a_moved_threshold() -> None:
    assert moved_numbers("above 100 EUR", "above 100 EUR or 3 contacts") is None
    assert moved_numbers("above 100 EUR", "more than 100 EUR") == ()
    assert holds_for_more(Moved(Number(1, "1", None), Number(2, "2", "lower"))) is False


def test_whitespace() -> None:
    assert norm("  a\n  folded\tline  ") == "a folded line"
    assert norm(None) == ""
