"""A decision has fewer than two branches, two branches share an answer, or a branch has no target.

## What it does
Checks every step that asks a question (`decision`) or splits the flow
(`branches`):

- a `decision` needs `branches`, and `branches` need a `decision` (the
  question the agent asks);
- there are at least two branches;
- no two branches give the same answer (compared as an agent reads them:
  case, spacing, invisible characters and full-width forms do not count);
- every branch has exactly one of `next`, `escalate`, `goto` or `outcome`,
  or `escalate` with `next` beside it (raise the escalation and continue)
  (a missing or empty `answer` is the `schema` rule's finding).

Each mistake is reported once, at the field to fix.

## Why is this bad?
An agent at the question cannot tell what to do for the answer the SOP
forgot, or which of two identical answers applies; a branch with two
targets sends the contact two ways at once, and every tool picks one of
them silently.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: eligible
    title: Check eligibility
    decision: Is the order within the 30-day refund window?
    branches:
      - answer: "Yes"
        next: refund
  - id: refund
    title: Issue the refund
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
    decision: Is the order within the 30-day refund window?
    branches:
      - answer: "Yes"
        next: refund
      - answer: "No"
        outcome: unresolved
  - id: refund
    title: Issue the refund
```
"""

from __future__ import annotations

from collections.abc import Iterator

from ...load.chars import same_text
from ...loader import clip
from ...model import ESCALATE_AND_CONTINUE, MOVE_FIELDS, Branch, Severity, Sop, Step, extra_move
from ..rule import Issue, LintContext, Rule
from ..text import empty_value, misspelt_moves


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    for step in sop.steps:
        if step.is_decision:
            yield from _check_decision(step)


def _check_decision(step: Step) -> Iterator[Issue]:
    name = clip(step.id, 40)
    if not step.branches:
        if empty_value(step, "branches"):
            return  # `branches:` with nothing after it: the schema rule reports it
        if "branches" in step.spans:
            yield Issue(step.at("branches"), f"decision step {name!r} has no branches: "
                                             "add one branch per answer (at least two)")
        elif "decision" in step.spans:
            yield Issue(step.key_at("decision"), f"decision step {name!r} has no branches: "
                                                 "add one branch per answer (at least two)")
        return
    if step.decision is None and "decision" not in step.spans:
        yield Issue(step.key_at("branches"), f"step {name!r} has branches but no decision: "
                                             "add the question the agent asks")
    if len(step.branches) < 2:
        yield Issue(step.key_at("branches"), f"decision step {name!r} has only one branch: add a branch "
                                             "for every other answer, or replace the decision with next")
    seen: dict[str, str] = {}
    for number, branch in enumerate(step.branches, start=1):
        answer = branch.answer
        spans = branch.spans
        if not spans:
            continue  # not a mapping (`- "Yes"`): the schema rule reports it
        # An empty answer is not checked here: the model reads `answer:` with
        # nothing, a list or a number (the schema rule's findings) as "" too.
        folded = same_text(answer)  # "Yes", "yes ", "ＹＥＳ" and "Yes" with a zero-width space look alike
        if folded in seen:
            yield Issue(branch.at("answer"), f"{_branch(branch, number)} of step {name!r} repeats the answer "
                                             f"{seen[folded]!r}: merge the two branches or reword one answer")
        elif folded:
            seen[folded] = clip(answer, 40)
        written = [field for field in MOVE_FIELDS if field in spans]
        if not written and not misspelt_moves(branch):  # a misspelt `nxt:` is the schema's finding
            yield Issue(branch.span, f"{_branch(branch, number)} of step {name!r} goes nowhere: add one of "
                                     "next, escalate, goto or outcome")
        elif len(written) > 1 and set(written) != ESCALATE_AND_CONTINUE:
            written.sort(key=branch.key_at)
            yield Issue(branch.key_at(extra_move(written)),
                        f"{_branch(branch, number)} of step {name!r} has {' and '.join(written)}: a branch goes "
                        "exactly one way (or escalates and continues with next), keep one")


def _branch(branch: Branch, number: int) -> str:
    return f"branch {clip(branch.answer, 40)!r}" if branch.answer.strip() else f"branch {number}"


RULE = Rule(name="decision-incomplete", severity=Severity.ERROR, doc=__doc__, check=check)
