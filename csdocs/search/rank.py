"""Rank SOPs for a query from the index files, exactly as the browser does.

This is the Python twin of ``search()`` in ``csdocs/site/assets/csdocs-search.js``:
same files, same steps, integers only, so ``csdocs search``, the search checks
and the site agree on every rank (tests/site/test_search.py drives both).

For a query:

1. Its words (:func:`csdocs.search.text.words`, duplicates dropped) and its
   phrases (runs of two to four words).
2. For each word, the terms of its shard it meets: the same term (``exact``),
   a longer term it begins (``prefix``; from ``prefix_min`` letters, and
   from ``prefix_min_last`` for the last word, still being typed), or a
   term one or two edits away (``fuzzy1``/``fuzzy2``; from ``fuzzy1_min``
   and ``fuzzy2_min`` letters; an edit is a letter missing, extra, changed,
   or two swapped). Terms that are phrases are met only by the query's
   phrases, and only exactly. The numbers are
   :data:`csdocs.search.index.SCORING`, carried in the index's meta file.
3. Each SOP scores, per word, its best ``factor * weight * idf`` over the
   terms the word meets there, plus ``phrase * weight * idf`` per phrase.
4. Order: most query words met first, then score, then the site's order.

Filters (department, channel, contact type) keep the SOPs whose facets hold
the value; the counts shown beside each value are over all matches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .index import file_name, unwrap
from .text import query_phrases, shard_key, words

FILTERS = ("department", "channel", "contact_type")


@dataclass(frozen=True, slots=True)
class Hit:
    doc: int
    matched: int  # how many of the query's words the SOP meets
    score: int


class IndexFiles:
    """The index's files, read lazily by name (``meta``, ``terms/<key>``...), parsed once.

    ``read`` gives a file's bytes from its relative path (``meta.js``), or None.
    """

    def __init__(self, read: Callable[[str], bytes | None]) -> None:
        self._read = read
        self._parsed: dict[str, Any] = {}

    @classmethod
    def from_folder(cls, folder: Path) -> IndexFiles:
        def read(name: str) -> bytes | None:
            try:
                return (folder / name).read_bytes()
            except FileNotFoundError:
                return None
        return cls(read)

    @classmethod
    def from_mapping(cls, files: Mapping[str, bytes]) -> IndexFiles:
        return cls(files.get)

    def get(self, name: str) -> Any:
        """One index file's parsed JSON (None when the file is absent)."""
        if name not in self._parsed:
            data = self._read(file_name(name))
            self._parsed[name] = unwrap(name, data) if data is not None else None
        return self._parsed[name]

    @property
    def meta(self) -> dict:
        meta = self.get("meta")
        if not isinstance(meta, dict):
            raise FileNotFoundError(f"{file_name('meta')}: no search index here (build the site first)")
        return meta

    def shard(self, key: str) -> dict[str, list[int]]:
        if key not in set(self.meta["shards"]):
            return {}
        return self.get(f"terms/{key}") or {}

    def record(self, doc: int) -> dict:
        chunk = self.meta["chunk"]
        return self.get(f"docs/{doc // chunk}")[doc % chunk]

    @property
    def facets(self) -> dict:
        return self.get("facets")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, or ``limit + 1`` once it is above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[len(b)]


def match_factor(word: str, term: str, is_last: bool, scoring: Mapping[str, int]) -> int:
    """What ``term`` is worth to the query word ``word`` (0: no match). Lengths in characters."""
    if term == word:
        return scoring["exact"]
    if " " in term:
        return 0  # a phrase term: only a query phrase meets it
    size = len(word)
    prefix_min = scoring["prefix_min_last"] if is_last else scoring["prefix_min"]
    if size >= prefix_min and term.startswith(word):
        return scoring["prefix"]
    if size >= scoring["fuzzy1_min"]:
        limit = 2 if size >= scoring["fuzzy2_min"] else 1
        distance = edit_distance(word, term, limit)  # limit + 1 means "further than limit"
        if distance == 1:
            return scoring["fuzzy1"]
        if distance == 2 and limit == 2:
            return scoring["fuzzy2"]
    return 0


def _postings(encoded: list[int]) -> tuple[int, list[tuple[int, int]]]:
    """``[idf, doc, weight, doc step, weight, ...]`` -> ``(idf, [(doc, weight), ...])``."""
    doc = 0
    out = []
    for position in range(1, len(encoded), 2):
        doc += encoded[position]
        out.append((doc, encoded[position + 1]))
    return encoded[0], out


def search(query: str, index: IndexFiles) -> list[Hit]:
    """Every SOP the query meets, best first (see the module docstring for the rules)."""
    scoring = index.meta["scoring"]
    query_words = list(dict.fromkeys(words(query)))
    if not query_words:
        return []
    best: dict[int, dict[int, int]] = {}  # doc -> query word position -> best score
    for position, word in enumerate(query_words):
        is_last = position == len(query_words) - 1
        for term, encoded in index.shard(shard_key(word)).items():
            factor = match_factor(word, term, is_last, scoring)
            if not factor:
                continue
            term_idf, docs = _postings(encoded)
            for doc, weight in docs:
                value = factor * weight * term_idf
                per_word = best.setdefault(doc, {})
                if value > per_word.get(position, 0):
                    per_word[position] = value
    phrase_scores: dict[int, int] = {}
    for text in query_phrases(query_words):
        postings = index.shard(shard_key(text)).get(text)
        if postings is None:
            continue
        term_idf, docs = _postings(postings)
        for doc, weight in docs:
            phrase_scores[doc] = phrase_scores.get(doc, 0) + scoring["phrase"] * weight * term_idf
    hits = [Hit(doc, len(per_word), sum(per_word.values()) + phrase_scores.get(doc, 0))
            for doc, per_word in best.items()]
    hits.sort(key=lambda hit: (-hit.matched, -hit.score, hit.doc))
    return hits


@dataclass(frozen=True, slots=True)
class Filters:
    """Chosen facet values (None: any)."""

    department: str | None = None
    channel: str | None = None
    contact_type: str | None = None

    def keep(self, doc: int, facets: Mapping) -> bool:
        department, channels, contact_types = facets["docs"][doc]
        checks = ((self.department, [department], "department"), (self.channel, channels, "channel"),
                  (self.contact_type, contact_types, "contact_type"))
        return all(wanted is None or wanted in [facets[kind][number] for number in numbers]
                   for wanted, numbers, kind in checks)


@dataclass(frozen=True, slots=True)
class Results:
    hits: tuple[Hit, ...]  # after the filters
    total: int  # matches before the filters
    counts: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)  # facet -> (value, count)


def search_filtered(query: str, index: IndexFiles, filters: Filters = Filters()) -> Results:
    """:func:`search`, then the filters, with each facet value's count over all matches."""
    hits = search(query, index)
    facets = index.facets
    counts: dict[str, dict[str, int]] = {kind: {} for kind in FILTERS}
    for hit in hits:
        department, channels, contact_types = facets["docs"][hit.doc]
        for kind, numbers in (("department", [department]), ("channel", channels), ("contact_type", contact_types)):
            for number in numbers:
                value = facets[kind][number]
                counts[kind][value] = counts[kind].get(value, 0) + 1
    kept = tuple(hit for hit in hits if filters.keep(hit.doc, facets))
    ordered = {kind: tuple(sorted(found.items(), key=lambda item: (-item[1], item[0]))) for kind, found in counts.items()}
    return Results(kept, len(hits), ordered)
