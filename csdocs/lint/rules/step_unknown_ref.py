"""`next`, `escalate` or `goto` names a step, escalation or SOP that does not exist.

## What it does
Checks every `next` (a step of this SOP), `escalate` (an escalation of this
SOP) and `goto` (another SOP of the project, or `sop-id#step-id`), on steps
and on decision branches, and suggests the nearest existing id. A `goto` to
an unknown SOP is reported once per place it is written. While a step or an
escalation has no id or an invalid one (the `schema` rule reports it), a
`next` or `escalate` that matches no id and no near miss is taken to mean
it, and is not reported twice.

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
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property

from ...graph import split_goto
from ...loader import clip
from ...model import Move, Severity, Sop, Span, Step, slugify
from ..rule import Issue, LintContext, Rule
from ..text import VALID_ID, empty_value


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    known = _Known(sop)
    hints = _Hints()
    for step in sop.steps:
        if step.branches:
            for branch in step.branches:
                yield from _check_move(branch.move, branch.at, sop, ctx, known, step, branch.answer, hints)
        else:
            yield from _check_move(step.move, step.at, sop, ctx, known, step, None, hints)


class _Known:
    """The SOP's step and escalation ids; what only a broken reference needs is
    worked out on the first one (most SOPs have none)."""

    def __init__(self, sop: Sop) -> None:
        self.sop = sop
        self.step_list = [step.id for step in sop.steps if step.has_id]
        self.steps = frozenset(self.step_list)
        self.escalation_list = [escalation.id for escalation in sop.escalations]
        self.escalations = frozenset(self.escalation_list)

    @cached_property
    def has_steps_without_id(self) -> bool:
        return any(not step.has_id or not VALID_ID.fullmatch(step.id) for step in self.sop.steps)

    @cached_property
    def has_escalations_without_id(self) -> bool:
        return _escalations_unreadable(self.sop)

    @cached_property
    def invalid_ids_as_slugs(self) -> frozenset[str]:
        return frozenset(slugify(step_id, ascii_only=True) for step_id in self.step_list if not VALID_ID.fullmatch(step_id))


def _escalations_unreadable(sop: Sop) -> bool:
    """An escalation without a readable id, an item that is not a mapping, or
    `escalations:` with nothing after it: the schema rule reports each."""
    if empty_value(sop, "escalations"):
        return True
    items = sum(1 for key in sop.spans if key.startswith("escalations["))
    return items > len(sop.escalations) or any(not VALID_ID.fullmatch(escalation.id)
                                               for escalation in sop.escalations)  # "<escalation 2>", "x y"




def _misspelt_id(target: str, known: _Known) -> bool:
    """`next: close` to a step written `id: Close`: the schema rule reports
    the id, which is the mistake; the reference is right."""
    return target in known.invalid_ids_as_slugs


def _who(step: Step, answer: str | None) -> str:
    name = f"step {clip(step.id, 40)!r}"
    return name if answer is None else f"branch {clip(answer, 40)!r} of {name}"


def _check_move(move: Move, at: Callable[[str], Span], sop: Sop, ctx: LintContext, known: _Known,
                step: Step, answer: str | None, hints: _Hints) -> Iterator[Issue]:
    if move.next is not None and move.next not in known.steps and not _misspelt_id(move.next, known):
        hint = hints.hint(move.next, known.step_list)
        # A step whose id is missing (the schema rule reports it) is most likely
        # the target of a `next` that matches no id: one mistake, one finding.
        if hint or not known.has_steps_without_id:
            yield Issue(at("next"), f"{_who(step, answer)} goes to unknown step {clip(move.next, 40)!r}{hint}")
    if move.escalate is not None and move.escalate not in known.escalations:
        hint = hints.hint(move.escalate, known.escalation_list)
        if hint or not known.has_escalations_without_id:
            yield Issue(at("escalate"), f"{_who(step, answer)} escalates to unknown escalation "
                                        f"{clip(move.escalate, 40)!r}{hint}")
    if move.goto is not None:
        issue = _check_goto(move.goto, step, answer, at("goto"), sop, ctx, hints)
        if issue is not None:
            yield issue


def _check_goto(target: str, step: Step, answer: str | None, span: Span, sop: Sop,
                ctx: LintContext, hints: _Hints) -> Issue | None:
    sop_id, step_id = split_goto(target)
    others = ctx.project.sops_by_id.get(sop_id, ())
    own = frozenset(step.id for step in sop.steps if step.has_id) if sop_id == sop.id else frozenset()
    if not others and sop_id != sop.id:
        return Issue(span, f"{_who(step, answer)} goes to unknown SOP {clip(sop_id, 40)!r}"
                           f"{hints.hint(sop_id, ctx.project.sops_by_id)}")
    # Two SOPs sharing the id (id-duplicate reports it): a step of either will do.
    step_ids = own.union(*(other.step_ids for other in others))
    if step_id is not None and step_id not in step_ids:
        return Issue(span, f"{_who(step, answer)} goes to unknown step {clip(step_id, 40)!r} of SOP "
                           f"{clip(sop_id, 40)!r}{hints.hint(step_id, step_ids)}")
    return None


class _Hints:
    """Did-you-mean suggestions, each a scan of the known names: a hostile SOP
    with thousands of broken references gets them for the first few only."""

    LIMIT = 20

    def __init__(self) -> None:
        self.given = 0

    def hint(self, name: str, known: Iterable[str]) -> str:
        self.given += 1
        if self.given > self.LIMIT:
            return ""
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        return f" (did you mean {close[0]!r}?)" if close else ""


RULE = Rule(name="step-unknown-ref", severity=Severity.ERROR, doc=__doc__, check=check)
