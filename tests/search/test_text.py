"""Text to search terms: any language and script, with no setting (csdocs/search/text.py)."""

from __future__ import annotations

import unicodedata

import pytest

from csdocs.search.text import fold, phrase, query_phrases, shard_key, words


@pytest.mark.parametrize("typed, written", [
    ("hoan tien", "Hoàn tiền"),  # Vietnamese without its marks
    ("doi tra", "Đổi trả"),  # đ does not decompose: mapped by hand
    ("strasse", "Straße"),
    ("cafe naive", "Café naïve"),
    ("card", "Ｃａｒｄ"),  # full-width Latin, as pasted from Japanese documents
    ("lodz aero", "Łódź Ærø"),
])
def test_what_people_type_meets_what_was_written(typed: str, written: str):
    assert words(typed) == words(written)


def test_fold_drops_only_combining_marks():
    text = "Hoàn tiền"
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    assert fold(text) == kept == "hoan tien"


def test_words_split_at_everything_but_letters_digits_and_marks():
    assert words("Late-change fee: 50% (2FA code) — don't\u00a0wait") == [
        "late", "change", "fee", "50", "2fa", "code", "don", "t", "wait"]


def test_han_and_kana_are_cut_into_overlapping_pairs():
    text = "返金申請"
    assert words(text) == [text[i:i + 2] for i in range(len(text) - 1)]
    assert words("返") == ["返"]
    # a Latin run inside Japanese stays one word; the katakana beside it is paired
    assert words("SIMカード") == ["sim", *[fold("カード")[i:i + 2] for i in range(len(fold("カード")) - 1)]]


def test_hangul_and_thai_are_split_at_spaces_only():
    assert words("환불 요청") == [fold("환불"), fold("요청")]
    assert words("คืนเงิน ด่วน") == [fold("คืนเงิน"), fold("ด่วน")]


def test_a_short_value_is_also_one_phrase():
    assert phrase("Late change") == "late change"
    assert phrase("refund") is None  # one word: the word is the term
    assert phrase("one two three four five") is None  # too long to be a thing people type whole
    assert phrase("返金申請") is None  # already character pairs


def test_query_phrases_are_every_run_of_two_to_four_words():
    assert query_phrases(["a", "b", "c"]) == ["a b c", "a b", "b c"]
    assert query_phrases(["a"]) == []
    assert len(query_phrases(list("abcdef"))) == 3 + 3 + 3 + 2 + 1  # runs of 4, 3, 2 from each start


def test_the_shard_is_the_first_two_characters():
    assert shard_key("chargeback") == b"ch".hex()
    assert shard_key("a") == b"a".hex()
    assert shard_key("𠀋𠀋x") == "𠀋𠀋".encode().hex()  # characters, not UTF-16 halves


@pytest.mark.parametrize("text", ["Late-change fee: 50% (2FA code)", "don't_wait", "ABC-123 x", "", "  \t\n"])
def test_the_ascii_fast_path_follows_the_general_rules(text: str):
    from csdocs.search.text import _runs, _split_run

    assert words(text) == [word for run in _runs(fold(text)) for word in _split_run(run)]
