"""An escalation has no owner or no SLA.

## What it does
Reports, at the escalation, each escalation without an `owner` (the team
or person who owns the contact from the moment it is escalated) or without
an `sla` (how long they have to resolve it, as a duration: `4h`, `1d`).
One finding per missing item. An owner or SLA of the wrong type is the
`schema` rule's finding, and a badly written SLA is `duration-format`'s.

## Why is this bad?
An escalation without an owner lands in nobody's queue; one without an SLA
has no deadline, so the customer waits while each side thinks the other
has it. Every escalation needs a named owner and a resolution SLA.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: refund
    title: Issue the refund
    escalate: high-value
escalations:
  - id: high-value
    trigger: The refund amount is above 100 EUR
    to: L2
```

## Use instead
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: refund
    title: Issue the refund
    escalate: high-value
escalations:
  - id: high-value
    trigger: The refund amount is above 100 EUR
    to: L2
    owner: Billing specialists queue
    sla: 4h
```
"""

from __future__ import annotations

from collections.abc import Iterator

from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    for escalation in sop.escalations:
        name = clip(escalation.id, 40)
        if "owner" not in escalation.spans:
            yield Issue(escalation.span, f"escalation {name!r} has no owner: name the team or person who "
                                         "owns the contact once it is escalated")
        elif escalation.owner is not None and not escalation.owner.strip():
            yield Issue(escalation.at("owner"), f"escalation {name!r} has an empty owner: name the team or "
                                                "person who owns the contact once it is escalated")
        if "sla" not in escalation.spans:
            yield Issue(escalation.span, f"escalation {name!r} has no sla: add the resolution time from the "
                                         "moment of escalation (e.g. 'sla: 4h')")


RULE = Rule(name="escalation-incomplete", severity=Severity.ERROR, doc=__doc__, check=check)
