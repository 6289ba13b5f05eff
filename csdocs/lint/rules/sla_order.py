"""Two SLAs of an SOP are in the wrong order.

## What it does
Reports, at the longer of the two, an SLA that gives agents longer than
another SLA that should never be shorter:

- `sla.first_response` longer than `sla.resolution` (an SOP that gives
  agents longer to answer a contact for the first time than to resolve
  it); when either is given by priority, each priority is compared;
- an SLA given by priority where a higher priority has a longer SLA than
  the next lower priority written (`{high: 2d, medium: 1d}`);
- an escalation whose `response` (acknowledgement) is longer than its
  `sla` (resolution).

Equal SLAs are fine (the first answer is the resolution). A malformed
duration is left to `duration-format`.

## Why is this bad?
The two were almost always swapped or mistyped (`2d` for `2h`). Dashboards
and queues built on them either never flag a late first response or flag
every resolution as late, and agents learn to ignore both; an emergency
that may wait longer than a low-priority contact is queued behind it.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
sla:
  first_response: 2d
  resolution: 4h
steps:
  - id: log
    title: Log the request
```

## Use instead
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
sla:
  first_response: 4h
  resolution: 2d
steps:
  - id: log
    title: Log the request
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ...loader import clip
from ...model import PRIORITIES, Duration, Severity, SlaValue, Sop, Span, sla_entries
from ..rule import Issue, LintContext, Rule


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    for name in ("first_response", "resolution"):
        yield from _by_priority(sop, name)
    yield from _first_before_resolution(sop)
    for escalation in sop.escalations:
        response, sla = escalation.response, escalation.sla
        if response is not None and sla is not None and _longer(response, sla):
            yield Issue(escalation.at("response"), f"response {response.text!r} of escalation "
                                                   f"{clip(escalation.id, 40)!r} is longer than its sla "
                                                   f"{sla.text!r}: "
                                                   "the owner would acknowledge it after it is due")


def _by_priority(sop: Sop, name: str) -> Iterator[Issue]:
    """A higher priority never waits longer than the next lower priority written."""
    value = sop.sla.get(name)
    if not isinstance(value, Mapping):
        return
    previous: tuple[str | None, Duration] | None = None
    for priority, duration in sla_entries(value):
        if priority not in PRIORITIES or duration.minutes is None:
            continue  # duration-format's finding; compare the others around it
        if previous is not None and _longer(previous[1], duration):
            higher, higher_duration = previous
            yield Issue(sop.at(f"sla.{name}.{higher}"), f"sla.{name}.{higher} {higher_duration.text!r} is longer "
                                                        f"than sla.{name}.{priority} {duration.text!r}: a higher "
                                                        "priority never waits longer")
        previous = (priority, duration)


def _first_before_resolution(sop: Sop) -> Iterator[Issue]:
    first, resolution = sop.sla.get("first_response"), sop.sla.get("resolution")
    if first is None or resolution is None:
        return
    if isinstance(first, Duration) and isinstance(resolution, Duration):
        if _longer(first, resolution):
            yield Issue(sop.at("sla.first_response"), f"sla.first_response {first.text!r} is longer than "
                                                      f"sla.resolution {resolution.text!r}: were they swapped?")
        return
    reported: set[Span] = set()
    for priority in PRIORITIES:
        first_value, first_at = _for(sop, "first_response", first, priority)
        resolution_value, _resolution_at = _for(sop, "resolution", resolution, priority)
        if first_value is None or resolution_value is None or first_at in reported:
            continue
        if _longer(first_value, resolution_value):
            reported.add(first_at)
            yield Issue(first_at, f"sla.first_response {first_value.text!r} is longer than sla.resolution "
                                  f"{resolution_value.text!r} for priority {priority!r}: were they swapped?")


def _longer(first: Duration, second: Duration) -> bool:
    """``first`` is longer than ``second``, both valid durations (an invalid one is duration-format's)."""
    return first.minutes is not None and second.minutes is not None and first.minutes > second.minutes


def _for(sop: Sop, name: str, value: SlaValue, priority: str) -> tuple[Duration | None, Span]:
    """The SLA ``name`` for ``priority``: its own entry, or the single duration that covers every priority."""
    if isinstance(value, Duration):
        return value, sop.at(f"sla.{name}")
    return value.get(priority), sop.at(f"sla.{name}.{priority}")


RULE = Rule(name="sla-order", severity=Severity.WARNING, doc=__doc__, check=check)
