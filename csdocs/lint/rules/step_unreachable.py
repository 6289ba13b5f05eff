"""No path from the first step reaches this step.

## What it does
Follows every `next`, decision branch and fall-through (a step with no
`next`, `escalate`, `goto` or `outcome` continues with the step below it)
from the first step, and reports each step that no path reaches, at its id.
Steps that another SOP of the project enters with `goto: sop-id#step-id`
count as reachable, and so does the step that `step-unknown-ref` suggests
for a misspelt `next`, or a step whose id is missing. While a reachable
`next` names no step and no near miss, or a move is one the `schema` rule
rejects (`nxt:`, `next: 42`), the rule waits for that fix: one mistake, one
finding. A step after one that ends the flow (`outcome`, `escalate`,
`goto`) is only reached if something links to it.

## Why is this bad?
Agents following the procedure never get there, yet reviewers read the
step and assume it is part of the procedure. It is usually a forgotten
`next` or a branch that points at the wrong step.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    title: Log the request
    next: close
  - id: refund
    title: Issue the refund
  - id: close
    title: Close the ticket
    outcome: resolved
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
  - id: close
    title: Close the ticket
    outcome: resolved
```
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ... import graph
from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule
from ..text import VALID_ID, flow_unknown


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    if not sop.steps:
        return
    reached = _reached(sop, ctx)
    if len(reached) < len(sop.steps) and flow_unknown(sop):
        return
    first = sop.steps[0]
    for step in sop.steps:
        if step.id in reached:
            continue
        name = repr(clip(step.id, 40)) if step.has_id else f"{step.number} (no id)"
        yield Issue(step.at("id"), f"step {name} is never reached from the first step {clip(first.id, 40)!r}: "
                                   "link to it with next or a branch, or remove it")


def _reached(sop: Sop, ctx: LintContext) -> set[str]:
    """Reachable step ids, where a `next` to an unknown step reaches the step
    `step-unknown-ref` suggests instead, or, with no suggestion, the steps
    whose id is missing: one mistake, one finding."""
    entries = set(ctx.project.entered_steps(sop.id))
    reached = graph.reachable(sop, entries)
    if len(reached) == len(sop.steps):
        return reached
    known = [step.id for step in sop.steps if step.has_id]
    known_set = set(known)
    # Steps with no id or an invalid one (the schema rule's findings).
    without_id = [step.id for step in sop.steps if not step.has_id or not VALID_ID.fullmatch(step.id)]
    guessed: dict[str, list[str]] = {}  # unknown target -> the steps it is taken to mean
    while True:
        guesses: set[str] = set()
        for step in sop.steps:
            if step.id not in reached:
                continue
            for edge in graph.step_edges(sop, step):
                if edge.kind != "next" or edge.target in known_set:
                    continue
                if edge.target not in guessed:
                    # Each guess scans every id: a hostile file gets the first few only.
                    close = (difflib.get_close_matches(edge.target, known, n=1, cutoff=0.6)
                             if len(guessed) < _MAX_GUESSES else [])
                    guessed[edge.target] = close or without_id
                if not guessed[edge.target]:
                    # Nobody can tell where this broken `next` was meant to go, so
                    # any step may be its target: wait for step-unknown-ref's fix.
                    return {step.id for step in sop.steps}
                guesses.update(guessed[edge.target])
        guesses -= reached
        if not guesses:
            return reached
        entries |= guesses
        reached = graph.reachable(sop, entries)


_MAX_GUESSES = 20


RULE = Rule(name="step-unreachable", severity=Severity.ERROR, doc=__doc__, check=check)
