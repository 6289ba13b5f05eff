"""A character nobody can see: a zero-width space, a soft hyphen, a no-break space in a name.

## What it does
Reports each invisible character (Unicode's format characters such as
U+200B zero width space, U+00AD soft hyphen, U+FEFF, U+2060 word joiner,
the direction overrides; the line separators U+2028, U+2029 and U+0085;
the Hangul fillers) at its exact line and column, and, in a name, every
space other than a plain one (U+00A0 no-break space, U+3000 ideographic
space...). Names are what is compared or linked: keys, ids, branch
answers, where a step goes, defined terms, tier ids and names, owner,
actor, department, channels, contact types, tags, keywords, related SOPs.
In running text (title, purpose, action, say, decision, trigger, the
script, meanings, authority, until) the characters some languages are
written with stay allowed: the zero-width joiner and non-joiner (Persian,
Hindi, emoji), direction marks and isolates (Arabic, Hebrew), no-break and
ideographic spaces (French, Japanese). A name that gets one from a
double-quoted escape (`"Yes\\u200b"`) is reported at the escape. One finding
per field: the first such character, with how many more the field holds.

## Why is this bad?
They come in with text pasted from Word, Confluence or a PDF, and nobody
sees them: `answer: "Yes​"` (with a zero-width space) beside `"Yes"` gives
agents two identical buttons that lead to different places, an id or a
term with one no longer matches the same word typed by hand, and a line
separator makes every line number after it disagree with the editor's.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: eligible
    title: Check eligibility
    decision: Was the order placed in the last 30 days?
    branches:
      - answer: "Yes\u200b"
        outcome: resolved
      - answer: "No"
        outcome: closed
```

## Use instead
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: eligible
    title: Check eligibility
    decision: Was the order placed in the last 30 days?
    branches:
      - answer: "Yes"
        outcome: resolved
      - answer: "No"
        outcome: closed
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...load.chars import ALLOWED_IN_TEXT, INVISIBLE, describe, fix_for
from ...load.positions import Source, value_position
from ...model import MOVE_FIELDS, Branch, Severity, Sop, Span, Step, _Located
from ..rule import Issue, LintContext, Rule
from ..where import DocumentPaths

# Fields of running text (the last member of a document path, without its index).
TEXT_FIELDS = frozenset({"title", "purpose", "action", "say", "decision", "trigger", "greeting", "questions",
                         "closing", "until", "authority"})
_INDEX = re.compile(r"\[\d+\]$")


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    text = sop.source
    if not text:
        return
    written = not text.isascii() and INVISIBLE.search(text) is not None  # every one of them is non-ASCII
    escaped = "\\" in text and _ESCAPE.search(text) is not None  # "Yes\u200b" in double quotes
    if not written and not escaped:  # nearly every SOP: one or two scans, nothing found
        return
    source = Source(text)
    paths = DocumentPaths(sop)
    found: dict[str, list[tuple[Span, str]]] = {}
    for match in INVISIBLE.finditer(text) if written else ():
        char = match.group()
        span = source.span(match.start())
        where, is_key = paths.locate(span)
        if char in ALLOWED_IN_TEXT and _is_running_text(where, is_key=is_key):
            continue
        found.setdefault(where, []).append((span, char))
    if escaped:  # escapes make no invisible character in the text: look in the names' values
        for node, field, value in _names(sop):
            hidden = INVISIBLE.search(value)
            span = node.at(field)
            where = paths.of(span)
            if hidden is not None and where not in found:
                at = value_position(source, span, value, hidden.start()) or span
                found[where] = [(at, hidden.group())]
    for where, hits in found.items():
        span, char = hits[0]
        more = f" (and {len(hits) - 1} more in it)" if len(hits) > 1 else ""
        field = where or "the SOP"
        yield Issue(span, f"invisible character {describe(char)} in {field}{more}: {fix_for(char)}", where)


# A double-quoted escape that makes an invisible character (\u200b, \xa0, \_ for U+00A0, \N, \L, \P).
_ESCAPE = re.compile(r"\\(?:[xuU][0-9a-fA-F]|[_NLP])")


def _names(sop: Sop) -> Iterator[tuple[_Located, str, str]]:
    """(node, field, value) of every name an escape could hide an invisible character in."""
    for field in ("id", "department", "owner"):
        value = getattr(sop, field)
        if value and field in sop.spans:
            yield sop, field, value
    for field in ("contact_types", "tags", "channels", "keywords", "related"):
        for index, value in enumerate(getattr(sop, field)):
            yield sop, f"{field}[{index}]", value
    for step in sop.steps:
        nodes: tuple[Step | Branch, ...] = (step, *step.branches)
        for node in nodes:
            for field in ("id", "answer", "actor", *MOVE_FIELDS):
                value = getattr(node.move, field) if field in MOVE_FIELDS else getattr(node, field, None)
                if isinstance(value, str) and field in node.spans:
                    yield node, field, value
    for escalation in sop.escalations:
        for field, value in (("id", escalation.id), ("to", escalation.to_tier), ("owner", escalation.owner)):
            if value and field in escalation.spans:
                yield escalation, field, value
    for tier in sop.tiers:  # a tier's id is its key (the tier's own span), its name a field
        yield tier, "id", tier.id
        if "name" in tier.spans:
            yield tier, "name", tier.name
    for definition in sop.definitions:  # a term is a key: the definition's span
        yield definition, "term", definition.term


def _is_running_text(where: str, *, is_key: bool) -> bool:
    """Whether the field at ``where`` is running text (a key never is; a definition's meaning is)."""
    if is_key:
        return False
    if where.startswith("definitions"):
        return where != "definitions"
    return _INDEX.sub("", where.rsplit(".", 1)[-1]) in TEXT_FIELDS


RULE = Rule(name="invisible-character", severity=Severity.ERROR, doc=__doc__, check=check)
