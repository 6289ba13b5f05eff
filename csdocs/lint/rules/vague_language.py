"""A step's action or `say` line uses weasel words.

## What it does
Reports, once per action or `say` line, the words that leave the decision
to whoever reads them: "as needed", "if necessary", "where possible",
"appropriate", "ASAP", "as soon as possible", "etc.", "and so on",
"relevant", "in a timely manner". The finding points at the first of them
and names them all. Words that are part of a term the SOP or the glossary
defines ("reasonable adjustment") are the term, not weasel words.

## Why is this bad?
An instruction that says "escalate if necessary" or "refund the
appropriate amount" is not an instruction: each agent fills the gap
differently, and the customer gets a different answer from each. Say
when, how much, and what exactly.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: refund
    title: Issue the refund
    action: Refund the appropriate amount and update the customer as needed.
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
    action: Refund the price of the returned items and email the customer the refund reference.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule
from ..text import Phrases, TermIndex, TextLocator, defined_terms, normal, outside_terms

WEASEL = Phrases([
    "as needed", "if needed", "when needed", "as necessary", "if necessary", "when necessary",
    "as required", "as appropriate", "appropriate", "appropriately", "where possible", "if possible",
    "when possible", "whenever possible", "as soon as possible", "asap", "etc", "and so on", "and so forth",
    "relevant", "in a timely manner", "timely", "as applicable", "if applicable", "where applicable",
    "and/or", "various", "reasonable", "reasonably", "accordingly",
])


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    # One search over every action and say line first: most SOPs have no weasel word.
    if not WEASEL.search("\n".join(text for step in sop.steps for text in (step.action, step.say) if text)):
        return
    locator: TextLocator | None = None
    indexes: tuple[TermIndex, TermIndex] | None = None
    for step in sop.steps:
        for field in ("action", "say"):
            text = getattr(step, field)
            if not text:
                continue
            found = WEASEL.finditer(text)
            if found:
                indexes = indexes or defined_terms(sop, ctx.project.glossary.terms)
                found = outside_terms(found, text, *indexes)
            if not found:
                continue
            words = ", ".join(dict.fromkeys(repr(_shown(match.group(0))) for match in found))
            locator = locator or TextLocator(sop)
            name = clip(step.id, 40) if step.has_id else f"{step.number}"
            yield Issue(locator.at(step.at(field), text, found[0].start()),
                        f"the {field} of step {name!r} uses {words}: say exactly when, how much or what")


def _shown(phrase: str) -> str:
    word = normal(phrase)
    return {"asap": "ASAP", "etc": "etc."}.get(word, word)


RULE = Rule(name="vague-language", severity=Severity.INFO, doc=__doc__, check=check)
