"""Two SOPs share an id, or two steps or two escalations in one SOP share an id.

## What it does
Checks that every SOP id is unique in the project (an SOP's id defaults to
its file name, so `billing/refund.yaml` and `returns/refund.yaml` clash
too), reporting the clash in each file at its id and naming the other file.
Within one SOP, it reports the second step, or the second escalation, that
reuses an id, naming the line of the first. Step ids, escalation ids and
SOP ids are separate namespaces: a step and an escalation may share a name.

## Why is this bad?
A `next`, `escalate`, `goto` or `related` link to a shared id is ambiguous:
tools pick one of the two silently, so agents may be sent to the wrong step
or the wrong procedure, and the site publishes one page over the other.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    title: Log the request
  - id: log
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
  - id: refund
    title: Issue the refund
```
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...loader import clip
from ...model import Severity, Sop, Span
from ..rule import Issue, LintContext, Rule


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    yield from _project_clash(sop, ctx)
    yield from _repeats("step", ((step.id, step.at("id")) for step in sop.steps if step.has_id))
    yield from _repeats("escalation", ((esc.id, esc.at("id")) for esc in sop.escalations if "id" in esc.spans))


def _project_clash(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    same = ctx.project.sops_by_id.get(sop.id, ())
    others = sorted({other.path for other in same if other.path != sop.path})
    if not others:
        return
    shown = ", ".join(_tail(path) for path in others[:3])
    if len(others) > 3:
        shown += f" and {len(others) - 3} more"
    where = "id" if "id" in sop.spans else "file name"
    yield Issue(sop.at("id"), f"id {clip(sop.id, 40)!r} (from the {where}) is also the id of {shown}: "
                              "give each SOP its own id")


def _tail(path: str, limit: int = 60) -> str:
    """A long path's end, which names the file: '…/stores/refund.yaml'."""
    return path if len(path) <= limit else "…" + path[-(limit - 1):]


def _repeats(kind: str, ids: Iterable[tuple[str, Span]]) -> Iterator[Issue]:
    first_line: dict[str, int] = {}
    for item_id, span in ids:
        if item_id in first_line:
            yield Issue(span, f"{kind} id {clip(item_id, 40)!r} is already used on line {first_line[item_id]}: "
                              f"give each {kind} its own id")
        else:
            first_line[item_id] = span.line


RULE = Rule(name="id-duplicate", severity=Severity.ERROR, doc=__doc__, check=check)
