"""An acronym in the text is not defined in the SOP, the glossary or the allow-list.

## What it does
Scans every human-readable text of an SOP (its title and purpose, every
step's title, action, decision and `say`, every branch answer, the script's
greeting, questions and closing, and every escalation trigger) for
acronyms: words of two or more capital letters, digits allowed (`CRM`,
`B2B`), with an optional plural `s` (`SLAs` is `SLA`). An acronym is
defined when it is a term of the SOP's `definitions`, of the project
glossary (`sops/glossary.yaml`), of the `allow_terms` option, a tier id, or
an ISO 4217 currency code (`EUR`), compared case-insensitively. Words in a
URL or e-mail address, everyday words written in capitals for emphasis
(`NOT`, `NEVER`, `ALWAYS`, `OK`), and `AM`/`PM` in times of day are not
acronyms. `ASAP` in an action or `say` line is `vague-language`'s finding.
Each undefined term is reported once per SOP, at its first use.

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
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ...loader import clip
from ...model import Escalation, Severity, Sop, Span, Step, _Located
from ..rule import Issue, LintContext, Rule
from ..text import CURRENCY_CODES, TextLocator, acronyms, fold_term, sop_tier_ids

# Suggestions compare with every known term: a hostile file with thousands of
# undefined words gets suggestions for the first few only.
_MAX_SUGGESTIONS = 20

# Left to `vague-language` where it reads (a step's action and say line).
_VAGUE_ACRONYMS = frozenset({"ASAP"})


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    defined = _project_terms(tuple(ctx.project.glossary.terms), ctx.config.allow_terms, ctx.config.tier_ids)
    own = _own_terms(sop)
    # One scan over all the text first: most SOPs define every acronym they use,
    # and one regex pass is much cheaper than one per field.
    candidates = acronyms("\n".join(_values(sop)), defined)
    if not any(not own or (fold_term(word.term) not in own and fold_term(word.written) not in own)
               for word in candidates):
        return
    covered = defined | own if own else defined  # own terms too: PCI-DSS defined here covers PCI-DSS-compliant
    first: dict[str, tuple[Span, str, Step | Escalation | None]] = {}  # term -> (where, field, owner) of its first use
    locator: TextLocator | None = None
    for value, node, key, field, owner in _texts(sop):
        if not value or (value.isascii() and not _TWO_CAPITALS.search(value)):
            continue
        seen_here: set[str] = set()
        for word in acronyms(value, covered):
            term = word.term
            if term in seen_here:  # its first use in this text is the earliest here
                continue
            seen_here.add(term)
            if own and (fold_term(term) in own or fold_term(word.written) in own):
                continue
            if term in _VAGUE_ACRONYMS and field in ("action", "say"):
                continue
            locator = locator or TextLocator(sop)
            span = locator.at(node.at(key), value, word.offset)
            if term not in first or span < first[term][0]:
                first[term] = (span, field, owner)
    if not first:
        return
    known = [definition.term for definition in sop.definitions] + list(ctx.project.glossary.terms)
    for number, (term, (span, field, owner)) in enumerate(sorted(first.items(), key=lambda item: item[1][0])):
        close = difflib.get_close_matches(term, known, n=1, cutoff=0.6) if number < _MAX_SUGGESTIONS else ()
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        yield Issue(span, f"{clip(term, 40)!r} in {_describe(field, owner)} is not defined{hint}: add it to "
                          "definitions or the glossary, or spell it out")


# Any acronym has two capitals with at most digits between them: a cheap
# test that skips most texts before the word-by-word scan.
_TWO_CAPITALS = re.compile(r"[A-Z][0-9]*[A-Z]")


@lru_cache(maxsize=8)
def _project_terms(glossary: tuple[str, ...], allow: frozenset[str], tiers: tuple[str, ...]) -> frozenset[str]:
    terms = _with_singulars((*glossary, *allow, *tiers))
    return frozenset(terms | {fold_term(code) for code in CURRENCY_CODES})


def _own_terms(sop: Sop) -> set[str]:
    """The SOP's own definitions and tier ids, folded."""
    if not sop.definitions and "tiers" not in sop.spans:
        return set()
    own = _with_singulars(definition.term for definition in sop.definitions)
    own.update(fold_term(tier_id) for tier_id in sop_tier_ids(sop))
    return own


def _with_singulars(terms: Iterable[str]) -> set[str]:
    """Folded terms (:func:`fold_term`); a plural acronym (``SLAs``) also defines its singular."""
    out = set()
    for term in terms:
        out.add(fold_term(term))
        if len(term) > 2 and term.endswith("s") and term[:-1].isupper():
            out.add(fold_term(term[:-1]))
    return out


def _values(sop: Sop) -> list[str]:
    """The texts `_texts` yields, as a flat list (for the quick first scan)."""
    script = sop.script
    values = [sop.title, sop.purpose, script.greeting or "", *script.questions, script.closing or ""]
    for step in sop.steps:
        values += (step.title, step.action or "", step.say or "", step.decision or "")
        values.extend(branch.answer for branch in step.branches)
    values.extend(escalation.trigger or "" for escalation in sop.escalations)
    return values


def _texts(sop: Sop) -> Iterator[tuple[str | None, _Located, str, str, Step | Escalation | None]]:
    """(text, node holding it, its field key, the field as named in messages, its step or escalation)."""
    yield sop.title, sop, "title", "title", None
    yield sop.purpose, sop, "purpose", "purpose", None
    script = sop.script
    yield script.greeting, script, "greeting", "greeting", None
    for index, question in enumerate(script.questions):
        yield question, script, f"questions[{index}]", "question", None
    yield script.closing, script, "closing", "closing", None
    for step in sop.steps:
        yield step.title, step, "title", "title", step
        yield step.action, step, "action", "action", step
        yield step.say, step, "say", "say", step
        yield step.decision, step, "decision", "decision", step
        for branch in step.branches:
            yield branch.answer, branch, "answer", "answer", step
    for escalation in sop.escalations:
        yield escalation.trigger, escalation, "trigger", "trigger", escalation


def _describe(field: str, owner: Step | Escalation | None) -> str:
    if isinstance(owner, Step):
        name = f"step {clip(owner.id, 40)!r}" if owner.has_id else f"step {owner.number}"
    elif isinstance(owner, Escalation):
        name = f"escalation {clip(owner.id, 40)!r}"
    else:
        return {"question": "a script question", "greeting": "the script greeting",
                "closing": "the script closing"}.get(field, f"the {field}")
    return f"an answer of {name}" if field == "answer" else f"the {field} of {name}"


RULE = Rule(name="undefined-term", severity=Severity.WARNING, doc=__doc__, check=check)
