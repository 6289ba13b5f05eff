"""An acronym in the text is not defined in the SOP, the glossary or the allow-list.

## What it does
Scans every human-readable text of an SOP (its title and purpose, every
step's title, action, decision and `say`, every branch answer, the script's
greeting, questions and closing, and every escalation trigger) for
acronyms: words of two or more capital letters, digits allowed (`CRM`,
`B2B`), with an optional plural `s` (`SLAs` is `SLA`). An acronym is
defined when it is a term of the SOP's `definitions`, of the project
glossary (`sops/glossary.yaml`), of the `allow_terms` option, a tier id, or
an ISO 4217 currency code (`EUR`), compared case-insensitively. Words in
a URL or e-mail address, and everyday words written in capitals for
emphasis (`NOT`, `NEVER`, `ALWAYS`, `OK`), are not acronyms. `ASAP` in an
action or `say` line is `vague-language`'s finding. Each undefined term is
reported once per SOP, at its first use.

## Why is this bad?
New agents, agents from another team and customers reading a published
answer do not know the team's jargon. An SOP that relies on it works only
for the people who already know the procedure.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    title: Log the request
    action: Create a ticket and add the RMA number.
```

## Use instead
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
definitions:
  RMA: Return merchandise authorisation number, printed on the return label
steps:
  - id: log
    title: Log the request
    action: Create a ticket and add the RMA number.
```
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Iterable, Iterator

from ...loader import clip
from ...model import Severity, Sop, Span
from ..rule import Issue, LintContext, Rule
from ..text import CURRENCY_CODES, TextLocator, acronyms

# Left to `vague-language` where it reads (a step's action and say line).
_VAGUE_ACRONYMS = frozenset({"ASAP"})


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    defined = _project_terms(tuple(ctx.project.glossary.terms), ctx.config.allow_terms, ctx.config.tier_ids)
    own = _with_singulars(definition.term for definition in sop.definitions)
    own.update(tier.id.casefold() for tier in sop.tiers)
    first: dict[str, tuple[Span, str, str]] = {}  # term -> (where, field name, text)
    locator: TextLocator | None = None
    for where, field, text, vague_read in _texts(sop):
        for word in acronyms(text):
            term = word.term
            folded = term.casefold()
            written = word.written.casefold()
            if folded in defined or folded in own or written in own or written in defined:
                continue
            if vague_read and term in _VAGUE_ACRONYMS:
                continue
            locator = locator or TextLocator(sop)
            span = locator.at(where, text, word.offset)
            if term not in first or span < first[term][0]:
                first[term] = (span, field, text)
    known = [definition.term for definition in sop.definitions] + list(ctx.project.glossary.terms)
    for term, (span, field, _) in sorted(first.items(), key=lambda item: item[1][0]):
        close = difflib.get_close_matches(term, known, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        yield Issue(span, f"{clip(term, 40)!r} in {field} is not defined{hint}: add it to definitions or the "
                          "glossary, or spell it out")


@lru_cache(maxsize=8)
def _project_terms(glossary: tuple[str, ...], allow: frozenset[str], tiers: tuple[str, ...]) -> frozenset[str]:
    terms = _with_singulars((*glossary, *allow, *tiers))
    return frozenset(terms | {code.casefold() for code in CURRENCY_CODES})


def _with_singulars(terms: Iterable[str]) -> set[str]:
    """Folded terms; a plural acronym (``SLAs``) also defines its singular."""
    out = set()
    for term in terms:
        out.add(term.casefold())
        if len(term) > 2 and term.endswith("s") and term[:-1].isupper():
            out.add(term[:-1].casefold())
    return out


def _texts(sop: Sop) -> Iterator[tuple[Span, str, str, bool]]:
    """(position, field as the message names it, text, read by vague-language)."""
    yield sop.at("title"), "the title", sop.title, False
    yield sop.at("purpose"), "the purpose", sop.purpose, False
    script = sop.script
    if script.greeting:
        yield script.at("greeting"), "the script greeting", script.greeting, False
    for index, question in enumerate(script.questions):
        yield script.at(f"questions[{index}]"), "a script question", question, False
    if script.closing:
        yield script.at("closing"), "the script closing", script.closing, False
    for step in sop.steps:
        name = f"step {clip(step.id, 40)!r}" if step.has_id else f"step {step.index + 1}"
        yield step.at("title"), f"the title of {name}", step.title, False
        for field in ("action", "say", "decision"):
            text = getattr(step, field)
            if text:
                yield step.at(field), f"the {field} of {name}", text, field != "decision"
        for branch in step.branches:
            yield branch.at("answer"), f"an answer of {name}", branch.answer, False
    for escalation in sop.escalations:
        if escalation.trigger:
            yield escalation.at("trigger"), f"the trigger of escalation {clip(escalation.id, 40)!r}", escalation.trigger, False


RULE = Rule(name="undefined-term", severity=Severity.WARNING, doc=__doc__, check=check)
