"""An escalation's trigger is not a defined, checkable condition.

## What it does
Reads each escalation's `trigger` and reports it when it relies on
judgement ("too complex", "feels", "seems", "upset", "if needed", "as
appropriate", "difficult customer"), or when it names no threshold, count,
time or defined term. These count as defined:

- a number (`above 100 EUR`, `3 or more times`, `after 48 hours`);
- a count or order word (`twice`, `the third contact`);
- a time word (`overdue`, `expired`, `past the deadline`);
- a term defined in the SOP's `definitions`, in the project glossary, or a
  tier id, matched as whole words, case-insensitively (with `formal
  complaint` defined, "The customer files a formal complaint" is defined).

A vague word inside a defined term is part of the term: with `complex
case` defined, "The contact is a complex case" is a defined condition.

One finding per trigger, naming the vague words when there are any.

## Why is this bad?
Two agents read a vague trigger two ways: one escalates everything and
floods the next tier, the other answers beyond their authority. A defined
condition gives every customer the same treatment and can be audited.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: refund
    title: Issue the refund
    escalate: complex
escalations:
  - id: complex
    trigger: The agent feels the case is too complex
    to: L2
    owner: Billing specialists queue
    sla: 4h
```

## Use instead
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: refund
    title: Issue the refund
    escalate: high-value
escalations:
  - id: high-value
    trigger: The refund amount is above 100 EUR
    to: L2
    owner: Billing specialists queue
    sla: 4h
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule
from ..text import Phrases, TermIndex, TextLocator, defined_terms, mentioned_term, normal, outside_terms, sop_tier_ids

VAGUE = Phrases([
    "too complex", "complex", "complicated", "too difficult", "difficult customer", "difficult caller",
    "difficult", "feel", "feels", "feeling", "felt", "seem", "seems", "seemed", "seemingly", "appears to be",
    "if needed", "when needed", "as needed", "as appropriate", "if appropriate", "when appropriate",
    "appropriate", "when necessary", "if necessary", "as necessary", "as required", "if required",
    "upset", "angry", "unhappy", "annoyed", "irate", "frustrated", "agitated", "rude",
    "judgement", "judgment", "discretion", "thinks", "believes", "in doubt", "unsure", "not sure",
    "somehow", "maybe", "probably", "possibly", "sometimes", "a while", "too long", "a long time",
    "a lot", "lots of", "many", "several", "serious", "important customer",
])
_NUMBER = re.compile(r"(?<![A-Za-z])\d")
_COUNT_OR_TIME = Phrases([
    "once", "twice", "thrice", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "twenty", "thirty", "hundred", "thousand", "second", "third", "fourth", "fifth",
    "sixth", "seventh", "eighth", "ninth", "tenth", "overdue", "expired", "expires", "deadline", "past due",
    "breached", "breach", "minutes", "hours", "days", "weeks", "months", "years",
])


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    if not sop.escalations:
        return
    locator: TextLocator | None = None
    indexes: tuple[TermIndex, TermIndex] | None = None
    for escalation in sop.escalations:
        trigger = escalation.trigger
        if trigger is None:
            continue  # a missing trigger is the schema's finding
        name = clip(escalation.id, 40)
        span = escalation.at("trigger")
        if not trigger.strip():
            yield Issue(span, f"escalation {name!r} has an empty trigger: write the condition that "
                              "raises it (a threshold, a count, a time or a defined term)")
            continue
        vague = VAGUE.finditer(trigger)
        if vague:
            indexes = indexes or _defined_terms(sop, ctx)
            vague = outside_terms(vague, trigger, *indexes)
        if vague:
            words = ", ".join(dict.fromkeys(repr(normal(match.group(0))) for match in vague))
            locator = locator or TextLocator(sop)
            yield Issue(locator.at(span, trigger, vague[0].start()),
                        f"trigger of escalation {name!r} relies on judgement ({words}): state a "
                        "threshold, a count, a time or a defined term instead")
            continue
        if _NUMBER.search(trigger) or _COUNT_OR_TIME.search(trigger):
            continue
        indexes = indexes or _defined_terms(sop, ctx)
        if mentioned_term(trigger, *indexes) is None:
            yield Issue(span, f"trigger of escalation {name!r} has no threshold, count, time or defined "
                              "term: say when exactly it applies (e.g. 'above 100 EUR', 'the third "
                              "contact'), or define its key term under definitions")


def _defined_terms(sop: Sop, ctx: LintContext) -> tuple[TermIndex, TermIndex]:
    tier_ids = (*ctx.config.tier_ids, *sop_tier_ids(sop))
    return defined_terms(sop, ctx.project.glossary.terms, tier_ids)


RULE = Rule(name="escalation-vague-trigger", severity=Severity.WARNING, doc=__doc__, check=check)
