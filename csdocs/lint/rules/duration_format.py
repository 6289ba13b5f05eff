"""A duration is not an integer followed by m, h, d or w.

## What it does
Checks every duration of an SOP (`sla.first_response`, `sla.resolution`
and each of their priorities when they are given by priority, each
escalation's `sla` and `response`, each step's `every`, and
`review_every`): a whole number above zero followed by one unit, `m`
(minutes), `h` (hours), `d` (days) or `w` (weeks): `30m`, `4h`, `2d`,
`1w`. When the value is a duration written another way, the finding
suggests the fix (`4 hours` -> `4h`, `1.5h` -> `90m`, `PT4H` -> `4h`). A
duration of zero, or of more than 10 years, is a typo too, except `0m`
("immediately") for `sla.first_response` and an escalation's `response`.
A duration of the wrong YAML type (an unquoted number) is the `schema`
rule's finding.

## Why is this bad?
Dashboards, reports and the review diff compare SLAs: "4 hours", "4hrs"
and "half a day" cannot be compared, so a loosened SLA slips through
review. A zero SLA cannot be met.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
sla:
  first_response: 4 hours
  resolution: 2 days
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

from collections.abc import Iterator

from ...loader import clip
from ...model import DURATION_SYNTAX, SLA_NAMES, Duration, Severity, Sop, Span, sla_entries
from ..rule import Issue, LintContext, Rule
from ..text import suggest_duration

_LONGEST_MINUTES = 3653 * 24 * 60  # no SLA or review interval runs for 10 years


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    for name in SLA_NAMES:
        for priority, value in sla_entries(sop.sla.get(name)):
            where = f"sla.{name}" if priority is None else f"sla.{name}.{priority}"
            yield from _found(_check(where, value, sop.at(where), immediate=name == "first_response"))
    for escalation in sop.escalations:
        name = clip(escalation.id, 40)
        if escalation.sla is not None:
            yield from _found(_check(f"sla of escalation {name!r}", escalation.sla, escalation.at("sla")))
        if escalation.response is not None:
            yield from _found(_check(f"response of escalation {name!r}", escalation.response,
                                     escalation.at("response"), immediate=True))
    for step in sop.steps:
        if step.every is not None:
            yield from _found(_check(f"every of step {clip(step.id, 40)!r}", step.every, step.at("every")))
    if "review_every" in sop.spans:
        yield from _found(_check("review_every", sop.review_every, sop.at("review_every")))


def _found(issue: Issue | None) -> Iterator[Issue]:
    if issue is not None:
        yield issue


def _check(where: str, duration: Duration, span: Span, *, immediate: bool = False) -> Issue | None:
    value = duration.text
    if duration.minutes == 0:
        if immediate and duration.immediate:
            return None  # 0m: "immediately"
        fix = " (write 0m for immediately)" if immediate else ""
        return Issue(span, f"{where} is {clip(value, 40)!r}, zero: a duration must be more than nothing{fix}")
    if duration.minutes is not None and duration.minutes <= _LONGEST_MINUTES:
        return None
    if DURATION_SYNTAX.fullmatch(value):  # the model leaves a duration of 12 digits or more unmeasured
        return Issue(span, f"{where} {clip(value, 40)!r} is longer than 10 years: is it a typo?")
    suggested = suggest_duration(value)
    if suggested is not None:
        hint = f"did you mean {suggested!r}?"
    elif value.strip().isdigit() and len(value.strip()) <= 6:
        number = int(value.strip())
        hint = f"add a unit, e.g. '{number}h' or '{number}d'"
    else:
        hint = "write an integer and one of m, h, d, w (30m, 4h, 2d, 1w)"
    return Issue(span, f"{where} {clip(value, 40)!r} is not a duration: {hint}")


RULE = Rule(name="duration-format", severity=Severity.ERROR, doc=__doc__, check=check)
