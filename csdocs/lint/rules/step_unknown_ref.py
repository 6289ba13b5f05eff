"""`next`, `escalate` or `goto` names a step, escalation or SOP that does not exist.

## What it does
Checks every `next` (a step of this SOP), `escalate` (an escalation of this
SOP) and `goto` (another SOP of the project, or `sop-id#step-id`), on steps
and on decision branches, and suggests the nearest existing id. A `goto` to
an unknown SOP is reported once per place it is written. While a step or an
escalation has no id (the `schema` rule reports it), a `next` or
`escalate` that matches no id and no near miss is taken to mean it, and is
not reported twice.

## Why is this bad?
An agent following the procedure reaches a dead end in the middle of a
contact; the flowchart has an arrow to nowhere.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    title: Log the request
    next: refnd
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

import difflib
from typing import Callable, Iterator, NamedTuple

from ...graph import split_goto
from ...loader import clip
from ...model import Move, Severity, Sop, Span, Step
from ..rule import Issue, LintContext, Rule


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    step_ids = [step.id for step in sop.steps if step.has_id]
    escalation_ids = [escalation.id for escalation in sop.escalations]
    known = _Known(step_ids, frozenset(step_ids), escalation_ids, frozenset(escalation_ids),
                   any(not step.has_id for step in sop.steps),
                   any("id" not in escalation.spans for escalation in sop.escalations))
    for step in sop.steps:
        if step.branches:
            for branch in step.branches:
                yield from _check_move(branch.move, branch.at, sop, ctx, known, step, branch.answer)
        else:
            yield from _check_move(step.move, step.at, sop, ctx, known, step, None)


class _Known(NamedTuple):
    step_list: list[str]
    steps: frozenset[str]
    escalation_list: list[str]
    escalations: frozenset[str]
    has_steps_without_id: bool
    has_escalations_without_id: bool


def _who(step: Step, answer: str | None) -> str:
    name = f"step {clip(step.id, 40)!r}"
    return name if answer is None else f"branch {clip(answer, 40)!r} of {name}"


def _check_move(move: Move, at: Callable[[str], Span], sop: Sop, ctx: LintContext, known: _Known,
                step: Step, answer: str | None) -> Iterator[Issue]:
    if move.next is not None and move.next not in known.steps:
        hint = _hint(move.next, known.step_list)
        # A step whose id is missing (the schema rule reports it) is most likely
        # the target of a `next` that matches no id: one mistake, one finding.
        if hint or not known.has_steps_without_id:
            yield Issue(at("next"), f"{_who(step, answer)} goes to unknown step {clip(move.next, 40)!r}{hint}")
    if move.escalate is not None and move.escalate not in known.escalations:
        hint = _hint(move.escalate, known.escalation_list)
        if hint or not known.has_escalations_without_id:
            yield Issue(at("escalate"), f"{_who(step, answer)} escalates to unknown escalation "
                                        f"{clip(move.escalate, 40)!r}{hint}")
    if move.goto is not None:
        issue = _check_goto(move.goto, step, answer, at("goto"), sop, ctx)
        if issue is not None:
            yield issue


def _check_goto(target: str, step: Step, answer: str | None, span: Span, sop: Sop,
                ctx: LintContext) -> Issue | None:
    sop_id, step_id = split_goto(target)
    if sop_id == sop.id:
        step_ids = frozenset(step.id for step in sop.steps if step.has_id)
    else:
        other = ctx.project.sop(sop_id)
        if other is None:
            known = sorted(ctx.project.sops_by_id)
            return Issue(span, f"{_who(step, answer)} goes to unknown SOP {clip(sop_id, 40)!r}{_hint(sop_id, known)}")
        step_ids = other.step_ids
    if step_id is not None and step_id not in step_ids:
        known = sorted(step_ids)
        return Issue(span, f"{_who(step, answer)} goes to unknown step {clip(step_id, 40)!r} of SOP "
                           f"{clip(sop_id, 40)!r}{_hint(step_id, known)}")
    return None


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


RULE = Rule(name="step-unknown-ref", severity=Severity.ERROR, doc=__doc__, check=check)
