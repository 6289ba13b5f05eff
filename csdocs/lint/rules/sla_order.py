"""The SOP's first-response SLA is longer than its resolution SLA.

## What it does
Compares `sla.first_response` with `sla.resolution` and reports, at
`first_response`, an SOP that gives agents longer to answer a contact for
the first time than to resolve it. Equal SLAs are fine (the first answer
is the resolution). A malformed duration is left to `duration-format`.

## Why is this bad?
The two were almost always swapped or mistyped (`2d` for `2h`). Dashboards
and queues built on them either never flag a late first response or flag
every resolution as late, and agents learn to ignore both.

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

from typing import Iterator

from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule
from ..text import parse_duration


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    first, resolution = sop.sla.get("first_response"), sop.sla.get("resolution")
    if first is None or resolution is None:
        return
    first_time, resolution_time = parse_duration(first), parse_duration(resolution)
    if first_time is None or resolution_time is None or first_time <= resolution_time:
        return
    yield Issue(sop.at("sla.first_response"), f"sla.first_response {first!r} is longer than sla.resolution "
                                              f"{resolution!r}: were they swapped?")


RULE = Rule(name="sla-order", severity=Severity.WARNING, doc=__doc__, check=check)
