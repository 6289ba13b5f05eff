"""A duration is not an integer followed by m, h, d or w.

## What it does
Checks every duration of an SOP (`sla.first_response`, `sla.resolution`,
each escalation's `sla`, and `review_every`): a whole number above zero
followed by one unit, `m` (minutes), `h` (hours), `d` (days) or `w`
(weeks): `30m`, `4h`, `2d`, `1w`. When the value is a duration written
another way, the finding suggests the fix (`4 hours` -> `4h`, `1.5h` ->
`90m`, `PT4H` -> `4h`). A duration of zero, or of more than 10 years, is a
typo too. A duration of the wrong YAML type (an unquoted number) is the
`schema` rule's finding.

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

import datetime
from typing import Iterator


from ...loader import clip
from ...model import Severity, Sop, Span
from ..rule import Issue, LintContext, Rule
from ..text import DURATION, parse_duration, suggest_duration

_LONGEST = datetime.timedelta(days=3653)  # no SLA or review interval runs for 10 years


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    for name in ("first_response", "resolution"):
        value = sop.sla.get(name)
        if value is not None:
            issue = _check(f"sla.{name}", value, sop.at(f"sla.{name}"))
            if issue is not None:
                yield issue
    for escalation in sop.escalations:
        if escalation.sla is not None:
            issue = _check(f"sla of escalation {clip(escalation.id, 40)!r}", escalation.sla, escalation.at("sla"))
            if issue is not None:
                yield issue
    if "review_every" in sop.spans:
        issue = _check("review_every", sop.review_every, sop.at("review_every"))
        if issue is not None:
            yield issue


def _check(where: str, value: str, span: Span) -> Issue | None:
    if DURATION.fullmatch(value):
        if not value[:-1].strip("0"):
            return Issue(span, f"{where} is {clip(value, 40)!r}, zero: a duration must be more than nothing")
        length = parse_duration(value)
        if length is None or length > _LONGEST:
            return Issue(span, f"{where} {clip(value, 40)!r} is longer than 10 years: is it a typo?")
        return None
    fix = suggest_duration(value)
    if fix is not None:
        hint = f"did you mean {fix!r}?"
    elif value.strip().isdigit() and len(value.strip()) <= 6:
        number = int(value.strip())
        hint = f"add a unit, e.g. '{number}h' or '{number}d'"
    else:
        hint = "write an integer and one of m, h, d, w (30m, 4h, 2d, 1w)"
    return Issue(span, f"{where} {clip(value, 40)!r} is not a duration: {hint}")


RULE = Rule(name="duration-format", severity=Severity.ERROR, doc=__doc__, check=check)
