"""From this step no path reaches an end: a loop with no way out.

## What it does
Finds groups of steps that only lead to each other, so that a contact that
enters them can never end (`outcome`, `escalate`, `goto`, or falling off the
last step). An `escalate` with `next` beside it (format 1.1) raises the
escalation and continues, so it is not a way out: the agent is still in
the loop. Each such loop is reported once, at its first step in file
order, naming the steps in it. A loop with at least one way out (a branch
that ends or leaves the loop) is fine: "ask again until the customer
answers, or close after the third try" is a normal procedure. A reference
to an unknown step counts as a way out here; `step-unknown-ref` reports it.
While a move is unreadable (`nxt:`, `next: 42`: the `schema` rule's
findings), the rule waits for that fix.

## Why is this bad?
An agent following the procedure goes round forever; in practice they
improvise an exit, and every agent improvises a different one.

## Example
```yaml
title: Identity check
department: Card services
owner: Card services lead
purpose: Check who is calling before discussing the account.
steps:
  - id: ask
    title: Ask for the security answer
    next: verify
  - id: verify
    title: Verify the answer
    decision: Is the answer correct?
    branches:
      - answer: "Yes"
        next: ask
      - answer: "No"
        next: ask
```

## Use instead
```yaml
title: Identity check
department: Card services
owner: Card services lead
purpose: Check who is calling before discussing the account.
steps:
  - id: ask
    title: Ask for the security answer
    next: verify
  - id: verify
    title: Verify the answer
    decision: Is the answer correct?
    branches:
      - answer: "Yes"
        outcome: resolved
      - answer: "No"
        next: ask
```
"""

from __future__ import annotations

from collections.abc import Iterator

from ... import graph
from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule
from ..text import flow_unknown

_SHOWN = 5  # steps named in one message


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    if not _has_back_link(sop) or flow_unknown(sop):
        return
    for loop in graph.closed_loops(sop):
        first = loop[0]
        if len(loop) == 1:
            what = f"step {clip(first.id, 40)!r} leads only back to itself"
        else:
            names = ", ".join(repr(clip(step.id, 30)) for step in loop[:_SHOWN])
            more = f" and {len(loop) - _SHOWN} more" if len(loop) > _SHOWN else ""
            what = f"steps {names}{more} lead only to each other"
        yield Issue(first.at("id"), f"{what}: the flow never ends; give the loop a way out "
                                    "(an outcome, an escalate without next, or a next that leaves it)")


def _has_back_link(sop: Sop) -> bool:
    """Whether some `next` goes to its own step or one above it.

    Falling through always moves down the list, so a flow without such a
    link has no loop at all, and the graph search can be skipped.
    """
    index: dict[str, int] = {}
    for step in sop.steps:
        index.setdefault(step.id, step.index)  # a shared id (id-duplicate) counts at its first step
    for step in sop.steps:
        for move in (step.move, *(branch.move for branch in step.branches)):
            target = move.next
            if target is not None and index.get(target, len(index)) <= step.index:
                return True
    return False


RULE = Rule(name="flow-no-exit", severity=Severity.ERROR, doc=__doc__, check=check)
