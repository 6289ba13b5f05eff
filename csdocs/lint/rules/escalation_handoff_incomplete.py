"""An escalation's explicit `handoff` list drops a required item.

## What it does
An escalation without `handoff` carries the project's required handoff
note. An escalation that lists `handoff` must keep every required item:
`contact_reason`, `attempted_resolution`, `escalation_reason` and
`customer_told`, plus any item the project adds with the `handoff` option
of the `csdocs` plugin in `mkdocs.yml`. Extra items are welcome. The
finding points at the `handoff` key, names the missing items, and suggests
the right spelling of a near miss (`customer-told`).

## Why is this bad?
The handoff note is what spares the customer from repeating themselves to
the next tier, the most cited frustration in customer service. A note that
drops "what the customer was told" sets the next agent up to contradict
the first.

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
    owner: Billing specialists queue
    sla: 4h
    handoff: [contact_reason, escalation_reason]
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
    handoff: [contact_reason, attempted_resolution, escalation_reason, customer_told, order_number]
```
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    required = ctx.config.handoff
    for escalation in sop.escalations:
        if escalation.handoff is None:
            continue
        listed = set(escalation.handoff)
        missing = [item for item in required if item not in listed]
        if not missing:
            continue
        spare = [item for item in escalation.handoff if item not in required]
        fixes = []
        for item in missing:
            close = difflib.get_close_matches(item, spare, n=1, cutoff=0.75)
            if close:
                fixes.append(f"{clip(close[0], 40)!r} -> {item!r}")
                spare.remove(close[0])
        hint = f" (rename {', '.join(fixes)})" if fixes else ""
        names = ", ".join(repr(item) for item in missing)
        yield Issue(escalation.key_at("handoff"), f"handoff of escalation {clip(escalation.id, 40)!r} drops "
                                                  f"{names}: add {'it' if len(missing) == 1 else 'them'}"
                                                  f"{hint}")


RULE = Rule(name="escalation-handoff-incomplete", severity=Severity.WARNING, doc=__doc__, check=check)
