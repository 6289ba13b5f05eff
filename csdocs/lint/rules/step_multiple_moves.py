"""A step says more than one way to move on, or has branches and its own move too.

## What it does
A step moves on with at most one of `next`, `escalate`, `goto` or
`outcome`. This rule reports a step that has two of them (at the second
one in the file), except `escalate` with `next` beside it (format 1.1:
the escalation is raised and the agent continues at `next`), and a decision step with branches that also has a move
of its own (the branches decide where it goes, so the step's own move is
ignored). Branches with two targets are `decision-incomplete`'s job.

## Why is this bad?
Every tool has to pick one of the moves, and a reader cannot tell which
one the author meant: the flowchart shows one arrow, the agent follows
another.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    title: Log the request
    next: refund
    outcome: resolved
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
  - id: log
    title: Log the request
    next: refund
  - id: refund
    title: Issue the refund
```
"""

from __future__ import annotations

from collections.abc import Iterator

from ...loader import clip
from ...model import ESCALATE_AND_CONTINUE, MOVE_FIELDS, Severity, Sop, extra_move
from ..rule import Issue, LintContext, Rule


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    for step in sop.steps:
        written = [field for field in MOVE_FIELDS if field in step.spans]
        if not written or (len(written) == 1 and not step.branches):
            continue
        if not step.branches and set(written) == ESCALATE_AND_CONTINUE:
            continue
        written.sort(key=step.key_at)
        name = clip(step.id, 40)
        if step.branches:
            yield Issue(step.key_at(written[0]), f"decision step {name!r} also has {written[0]}: the branches "
                                                 f"decide where it goes; move it into a branch or remove it")
        elif len(written) > 1:
            yield Issue(step.key_at(extra_move(written)), f"step {name!r} has {' and '.join(written)}: "
                                                          "a step moves on exactly one way (or escalates and "
                                                          "continues with next), keep one")


RULE = Rule(name="step-multiple-moves", severity=Severity.ERROR, doc=__doc__, check=check)
