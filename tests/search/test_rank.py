"""Ranking rules (csdocs/search/rank.py) on small SOP sets whose right answer is plain from the text."""

from __future__ import annotations

import pytest

from csdocs.loader import load_text
from csdocs.search.index import SCORING, build_index, idf, term_weights, unwrap, wrap
from csdocs.search.rank import Filters, IndexFiles, edit_distance, match_factor, search_filtered


def sop(sop_id: str, title: str, **fields: str) -> object:
    lines = [f"id: {sop_id}", f"title: {title}", f"department: {fields.pop('department', 'Care')}",
             "owner: Team lead", f"purpose: {fields.pop('purpose', 'Help the customer.')}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines += ["steps:", "  - id: one", "    title: Greet the customer"]
    loaded = load_text("\n".join(lines) + "\n", f"{sop_id}.yaml")
    assert loaded.sop is not None, loaded.problems
    return loaded.sop


def ranked(sops, query: str, filters: Filters = Filters()) -> list[str]:
    files = IndexFiles.from_mapping(build_index(sops).files())
    return [sops[hit.doc].id for hit in search_filtered(query, files, filters).hits]


CARDS = [
    sop("lost-card", "Lost or stolen card", contact_types="[lost card, stolen card]", channels="[phone]",
        department="Card Services"),
    sop("dispute", "Card payment dispute", contact_types="[chargeback, card dispute]", channels="[phone, email]",
        department="Card Services", keywords="[charged twice, money taken twice]"),
    sop("refund", "Refund request", contact_types="[refund]", channels="[email, chat]",
        keywords="[money back]"),
]


def test_exact_prefix_and_typo_all_find_the_word():
    assert ranked(CARDS, "chargeback")[0] == "dispute"
    assert ranked(CARDS, "chargeb")[0] == "dispute"  # still typing
    assert ranked(CARDS, "chargback")[0] == "dispute"  # a letter missing
    assert ranked(CARDS, "chargebcak")[0] == "dispute"  # two letters swapped
    assert ranked(CARDS, "cahrgeback") == []  # ...but not in the first two: terms are sharded by them


def test_a_whole_keyword_phrase_wins_over_its_words_scattered():
    assert ranked(CARDS, "charged twice") == ["dispute"]
    assert ranked(CARDS, "money back")[0] == "refund"


def test_more_query_words_met_ranks_first():
    order = ranked(CARDS, "stolen card")
    assert order[0] == "lost-card" and set(order) == {"lost-card", "dispute"}


def test_nothing_for_words_no_sop_holds_or_an_empty_query():
    assert ranked(CARDS, "zanzibar") == []
    assert ranked(CARDS, "  -- ") == []


def test_filters_keep_matching_sops_and_count_over_all_matches():
    files = IndexFiles.from_mapping(build_index(CARDS).files())
    everything = search_filtered("card", files)
    assert dict(everything.counts["department"]) == {"Card Services": 2}
    assert [CARDS[hit.doc].id for hit in search_filtered("card", files, Filters(channel="email")).hits] == ["dispute"]
    assert search_filtered("card", files, Filters(department="Care")).hits == ()
    assert search_filtered("card", files, Filters(department="Care")).total == len(everything.hits)


def test_ties_keep_the_site_order():
    twins = [sop("b-first", "Voucher question"), sop("a-second", "Voucher question")]
    assert ranked(twins, "voucher") == ["b-first", "a-second"]


def test_a_fragment_of_a_contact_type_never_outranks_the_whole_value():
    whole = sop("whole", "Account help", contact_types="[change]")
    fragment = sop("fragment", "Account help", contact_types="[business-change]")
    weights = {s.id: term_weights(s) for s in (whole, fragment)}
    assert weights["whole"]["change"] > weights["fragment"]["change"]
    assert ranked([fragment, whole], "change") == ["whole", "fragment"]
    assert ranked([whole, fragment], "business change")[0] == "fragment"  # the whole hyphenated value


@pytest.mark.parametrize("a, b, distance", [
    ("chargeback", "chargeback", 0), ("chargback", "chargeback", 1), ("cahrgeback", "chargeback", 1),
    ("chargebakc", "chargeback", 1), ("charjbak", "chargeback", 3), ("", "ab", 2),
])
def test_edit_distance_counts_a_swap_as_one_edit(a: str, b: str, distance: int):
    assert edit_distance(a, b, 5) == distance
    assert edit_distance(a, b, 1) == min(distance, 2)  # past the limit: limit + 1


def test_a_word_is_never_matched_further_than_its_length_allows():
    # five to eight letters: one edit; nine or more: two; shorter: none
    assert match_factor("redirect", "ready", False, SCORING) == 0
    assert match_factor("refnd", "refund", False, SCORING) == SCORING["fuzzy1"]
    assert match_factor("refnd", "rfnd", False, SCORING) == SCORING["fuzzy1"]
    assert match_factor("rfnd", "refund", False, SCORING) == 0
    assert match_factor("chrgbacck", "chargeback", False, SCORING) == 0  # three edits
    assert match_factor("chargbakc", "chargeback", False, SCORING) == SCORING["fuzzy2"]
    assert match_factor("me", "merchant", True, SCORING) == 0  # too short to be a prefix
    assert match_factor("mer", "merchant", True, SCORING) == SCORING["prefix"]  # the word being typed
    assert match_factor("mer", "merchant", False, SCORING) == 0
    assert match_factor("late", "late change", True, SCORING) == 0  # phrases meet only phrases


def test_idf_is_a_positive_integer_that_falls_as_more_sops_hold_the_term():
    values = [idf(100, containing) for containing in (1, 10, 50, 100)]
    assert all(isinstance(value, int) and value >= 1 for value in values)
    assert values == sorted(values, reverse=True) and values[0] > values[-1]


def test_index_files_are_deterministic_ascii_and_self_describing():
    files = build_index(CARDS).files()
    assert files == build_index(CARDS).files()
    assert all(data.isascii() for data in files.values())
    meta = unwrap("meta", files["meta.js"])
    assert meta["docs"] == len(CARDS) and meta["scoring"] == SCORING
    assert {f"terms/{key}.js" for key in meta["shards"]} == {name for name in files if name.startswith("terms/")}
    assert unwrap("facets", wrap("facets", {"a": "</script>"})) == {"a": "</script>"}
    with pytest.raises(ValueError):
        unwrap("meta", files["facets.js"])


def test_german_japanese_and_vietnamese_sops_are_found_with_no_language_setting():
    sops = [
        sop("erstattung", "Rückerstattung einer Bestellung", keywords="[Geld zurück, doppelt abgebucht]"),
        sop("henkin", "返金申請の受付", contact_types="[返金, 二重請求]"),
        sop("hoan-tien", "Hoàn tiền đơn hàng", keywords="[trả lại tiền]"),
    ]
    assert ranked(sops, "geld zuruck")[0] == "erstattung"  # typed without the umlaut
    assert ranked(sops, "Rückerstattung")[0] == "erstattung"
    assert ranked(sops, "返金")[0] == "henkin"  # a word inside a longer run of kanji and kana
    assert ranked(sops, "申請")[0] == "henkin"
    assert ranked(sops, "hoan tien")[0] == "hoan-tien"
    assert ranked(sops, "tra lai tien")[0] == "hoan-tien"
