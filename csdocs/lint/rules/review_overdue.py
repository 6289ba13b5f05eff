"""The SOP's last review plus its review interval is before today.

## What it does
Adds `review_every` (default `90d`, quarterly) to `last_reviewed` and
reports the SOP, at `last_reviewed`, when that due date is before today,
saying by how many days and when it was due. A `last_reviewed` after today
is reported too: a typo such as 2062 for 2026 would keep the SOP from ever
falling due. An SOP without `last_reviewed` is not checked, and a
malformed `review_every` is left to `duration-format`. `csdocs lint --today
YYYY-MM-DD` fixes today, for tests and for asking "what falls due by the
end of the month?".

## Why is this bad?
Products, policies and prices change; an SOP nobody has looked at for a
year tells agents to do things that are no longer true. Teams review each
SOP at least quarterly.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
last_reviewed: 2020-01-15
review_every: 90d
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
last_reviewed: 2026-10-01
review_every: 90d
steps:
  - id: log
    title: Log the request
```
Review the SOP with its owner, then set `last_reviewed` to the review's date.
"""

from __future__ import annotations

from collections.abc import Iterator

from ... import reviews
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    if sop.last_reviewed is None:
        return
    if sop.last_reviewed > ctx.today:
        yield Issue(sop.at("last_reviewed"), f"last_reviewed {sop.last_reviewed} is after today ({ctx.today}): "
                                             "set it to the date of the last review")
        return
    due = reviews.next_review(sop)  # the dashboard's due date, to the day
    if due is None:
        return  # duration-format reports a malformed review_every
    late = (ctx.today - due).days
    if late <= 0:
        return
    days = "1 day" if late == 1 else f"{late} days"
    yield Issue(sop.at("last_reviewed"), f"review overdue by {days}: last reviewed {sop.last_reviewed}, "
                                         f"due {due} (every {sop.review_every.text}); review it and update "
                                         "last_reviewed")


RULE = Rule(name="review-overdue", severity=Severity.WARNING, doc=__doc__, check=check)
