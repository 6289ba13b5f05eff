"""The search index: one record per SOP, its terms weighted by the field they come from.

Written by the site build under ``search/csdocs/`` and read, unchanged, by the
browser (``csdocs-search.js``) and by ``csdocs search`` (:mod:`.rank`), so
both rank with exactly the same data. Each file is one JSON value wrapped in a
call, ``csdocsSearchFile("<name>", <JSON>);``, so that the browser loads it
with a ``<script>`` tag: that works from a web server and from a site opened
as files (``file://``, a file share), where browsers refuse ``fetch``. The
files, by name:

``meta``
    ``{"format": 1, "docs": N, "chunk": C, "shards": [key, ...], "scoring": {...}}``:
    how many SOPs, how many records a ``docs/`` file holds, which term
    shards exist (so the browser never asks for a missing one), and the
    scoring constants (:data:`SCORING`; the only copy).
``terms/<key>``
    Every term whose first two characters are ``key`` (hex UTF-8, see
    :func:`csdocs.search.text.shard_key`): ``{term: [idf, doc, weight, doc
    step, weight, ...]}``. ``doc`` numbers are delta-encoded in ascending
    order, ``idf`` and ``weight`` are integers (so the browser and Python
    compute the very same scores, with no floating point).
``docs/<n>``
    Records ``n*C`` to ``n*C+C-1``: ``[{"id", "title", "url", "department",
    "contact_types", "channels", "first_step"}, ...]``: what a result shows.
``facets``
    ``{"department": [value, ...], "channel": [...], "contact_type": [...],
    "docs": [[department, [channel, ...], [contact type, ...]], ...]}``
    (indexes into the value lists), what the filters count and narrow by.

A query fetches ``meta``, ``facets``, one term shard per word and
phrase, and the ``docs/`` files of the results it shows: a few hundred
kilobytes at 10,000 SOPs, however big the catalogue (bench/search.py).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..model import Sop
from .text import phrase, shard_key, words

FORMAT = 1
INDEX_DIR = "search/csdocs"  # under the site folder
CHUNK = 50  # records per docs/ file: the results shown fetch a few small files


@dataclass(frozen=True, slots=True)
class Field:
    """Where a term was found, and what a match there is worth.

    ``word`` weighs each word of the field's text; ``whole`` weighs a short
    value matched as a whole (a one-word value, or a two-to-four-word
    phrase), so a full contact type always outranks a fragment of one.
    """

    name: str
    word: int
    whole: int = 0


# How agents search, strongest first. The weights are the ranking's policy: change
# them here only (tests/search/test_relevance.py measures the effect).
TITLE = Field("title", word=12, whole=14)
CONTACT_TYPE = Field("contact_types", word=4, whole=10)
KEYWORD = Field("keywords", word=5, whole=9)
TERM = Field("definitions", word=4, whole=8)
TRIGGER = Field("escalation_triggers", word=3)
STEP = Field("steps", word=3)  # step titles, decisions and their answers
DEPARTMENT = Field("department", word=2, whole=4)
TAG = Field("tags", word=2, whole=3)
PURPOSE = Field("purpose", word=2)
TEXT = Field("text", word=1)  # actions, what to say, meanings, the script
FIELDS = (TITLE, CONTACT_TYPE, KEYWORD, TERM, TRIGGER, STEP, DEPARTMENT, TAG, PURPOSE, TEXT)

# How a query word meets a term. ``score = factor * weight * idf``, summed over the
# query's words (each taking its best term in the SOP) and its phrases. Read by
# the browser from the meta file: this is the only copy.
SCORING = {
    "exact": 10,
    "prefix": 6,        # the query word begins the term ("chargeb" -> chargeback)
    "fuzzy1": 5,        # one edit away (a letter missing, extra, wrong, or two swapped)
    "fuzzy2": 3,        # two edits away
    "phrase": 10,       # two to four query words that are a whole value, in order
    "prefix_min": 4,    # shortest word matched as a prefix...
    "prefix_min_last": 3,  # ...except the last word, which is still being typed
    "fuzzy1_min": 5,    # shortest word allowed one edit (as Meilisearch: 5 and 9)
    "fuzzy2_min": 9,    # shortest word allowed two edits
    "limit": 20,        # results shown
}


@dataclass(frozen=True, slots=True)
class Record:
    """What a search result shows for one SOP."""

    id: str
    title: str
    url: str
    department: str
    contact_types: tuple[str, ...]
    channels: tuple[str, ...]
    first_step: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "url": self.url, "department": self.department,
                "contact_types": list(self.contact_types), "channels": list(self.channels),
                "first_step": self.first_step}


def field_texts(sop: Sop) -> Iterator[tuple[Field, str]]:
    """Every piece of an SOP's text that search sees, with the field it counts for."""
    yield TITLE, sop.title
    for value in sop.contact_types:
        yield CONTACT_TYPE, value
    for value in sop.keywords:
        yield KEYWORD, value
    for definition in sop.definitions:
        yield TERM, definition.term
        yield TEXT, definition.meaning
    for escalation in sop.escalations:
        if escalation.trigger:
            yield TRIGGER, escalation.trigger
    for step in sop.steps:
        yield STEP, step.title
        if step.decision:
            yield STEP, step.decision
        for branch in step.branches:
            yield STEP, branch.answer
        for text in (step.action, step.say):
            if text:
                yield TEXT, text
    yield DEPARTMENT, sop.department
    for value in sop.tags:
        yield TAG, value
    yield PURPOSE, sop.purpose
    for text in (sop.script.greeting, *sop.script.questions, sop.script.closing):
        if text:
            yield TEXT, text


def term_weights(sop: Sop) -> dict[str, int]:
    """term -> weight for one SOP: each field counts once per term, the fields add up."""
    seen: dict[str, dict[str, int]] = {}
    for found_in, text in field_texts(sop):
        if not text:
            continue
        found = words(str(text))
        whole = phrase(str(text), found) if found_in.whole else None
        for word in found:
            weight = found_in.whole if found_in.whole and len(found) == 1 else found_in.word
            _keep_best(seen, word, found_in.name, weight)
        if whole is not None:
            _keep_best(seen, whole, found_in.name, found_in.whole)
    return {term: sum(by_field.values()) for term, by_field in seen.items()}


def _keep_best(seen: dict[str, dict[str, int]], term: str, field_name: str, weight: int) -> None:
    by_field = seen.setdefault(term, {})
    if weight > by_field.get(field_name, 0):
        by_field[field_name] = weight


def idf(docs: int, containing: int) -> int:
    """Inverse document frequency as an integer (BM25's, times 100, at least 1)."""
    return max(1, round(100 * math.log(1 + (docs - containing + 0.5) / (containing + 0.5))))


@dataclass(frozen=True, slots=True)
class SearchIndex:
    records: tuple[Record, ...]
    postings: Mapping[str, tuple[tuple[int, int], ...]]  # term -> ((doc, weight), ...) by doc
    facets: Mapping[str, object]

    def files(self) -> dict[str, bytes]:
        """Relative path under ``search/csdocs/`` (``<name>.js``) -> file bytes (deterministic)."""
        shards: dict[str, dict[str, list[int]]] = {}
        total = len(self.records)
        for term in sorted(self.postings):
            docs = self.postings[term]
            encoded = [idf(total, len(docs))]
            previous = 0
            for doc, weight in docs:
                encoded += [doc - previous, weight]
                previous = doc
            shards.setdefault(shard_key(term), {})[term] = encoded
        named: dict[str, object] = {f"terms/{key}": shard for key, shard in shards.items()}
        for start in range(0, total, CHUNK):
            named[f"docs/{start // CHUNK}"] = [record.as_json() for record in self.records[start:start + CHUNK]]
        named["facets"] = self.facets
        named["meta"] = {"format": FORMAT, "docs": total, "chunk": CHUNK, "shards": sorted(shards),
                         "scoring": SCORING}
        return {file_name(name): wrap(name, value) for name, value in named.items()}


LOADER = "csdocsSearchFile"  # what each file calls; csdocs-search.js defines it


def file_name(name: str) -> str:
    return f"{name}.js"


def wrap(name: str, value: object) -> bytes:
    """``csdocsSearchFile("meta",{...});`` ASCII only (ensure_ascii also escapes U+2028/9, which
    old JavaScript engines reject in source), with every "<" escaped so that no SOP text can
    end a script or start a tag."""
    data = json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True).replace("<", "\\u003c")
    return f"{LOADER}({json.dumps(name)},{data});\n".encode("ascii")


def unwrap(name: str, data: bytes) -> object:
    """The JSON value of a file :func:`wrap` wrote; raises ValueError for anything else."""
    head = f"{LOADER}({json.dumps(name)},".encode("ascii")
    if not data.startswith(head) or not data.endswith(b");\n"):
        raise ValueError(f"{file_name(name)} is not a csdocs search index file")
    return json.loads(data[len(head):-3])


def build_index(sops: Sequence[Sop], urls: Mapping[str, str] | None = None) -> SearchIndex:
    """Index SOPs in the order given (the site's): ``urls`` maps an SOP id to its page URL."""
    urls = urls or {}
    postings: dict[str, list[tuple[int, int]]] = {}
    records = []
    for number, sop in enumerate(sops):
        for term, weight in term_weights(sop).items():
            postings.setdefault(term, []).append((number, weight))
        records.append(record_of(sop, urls.get(sop.id, "")))
    return SearchIndex(tuple(records), {term: tuple(docs) for term, docs in postings.items()}, facets_of(records))


def record_of(sop: Sop, url: str) -> Record:
    first = sop.steps[0] if sop.steps else None
    return Record(sop.id, sop.title or sop.id, url, sop.department, tuple(sop.contact_types), tuple(sop.channels),
                  (first.title or first.action or "") if first is not None else "")


def facets_of(records: Iterable[Record]) -> dict[str, object]:
    values: dict[str, dict[str, int]] = {"department": {}, "channel": {}, "contact_type": {}}

    def number(kind: str, value: str) -> int:
        return values[kind].setdefault(value, len(values[kind]))

    docs = [[number("department", record.department),
             [number("channel", value) for value in dict.fromkeys(record.channels)],
             [number("contact_type", value) for value in dict.fromkeys(record.contact_types)]]
            for record in records]
    return {**{kind: list(found) for kind, found in values.items()}, "docs": docs}
