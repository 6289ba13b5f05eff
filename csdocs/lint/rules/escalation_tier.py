"""An escalation's `from` or `to` is not a known tier, or the escalation does not go up.

## What it does
Checks that `from` (when absent: the project's first tier, `L1` by
default) and `to` name known tiers: the project's tiers (by default `L1`,
`L2`, `L3`, lowest first; the `tiers` option of the `csdocs` plugin in
`mkdocs.yml` renames or adds them) and the SOP's own `tiers`. It then
checks that the escalation goes up: `to` must rank above `from`. An SOP's
own tier that the project does not know ranks just below the next project
tier listed after it in the SOP's `tiers` (listed lowest first), or above
every project tier when none follows it.

## Why is this bad?
A misspelt tier routes the contact to a queue that does not exist. An
escalation sideways or down hands the contact to someone with less
authority than the agent who could not resolve it, and the customer waits
for nothing.

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
    from: L2
    to: L1
    owner: Billing specialists queue
    sla: 4h
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
    from: L1
    to: L2
    owner: Billing specialists queue
    sla: 4h
```
"""

from __future__ import annotations

from collections.abc import Iterator

from ... import tiers as _tiers
from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule
from ..text import did_you_mean


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    if not sop.escalations:
        return
    tiers = _tiers.resolve(sop, ctx.config)
    order = tiers.order
    for escalation in sop.escalations:
        name = clip(escalation.id, 40)
        source = tiers.start(escalation)  # no `from`: the project's first tier
        known = True
        for field, tier_id, verb in (("from", escalation.from_tier, "starts at"), ("to", escalation.to_tier, "goes to")):
            if tier_id is None or field not in escalation.spans or tiers.rank(tier_id) is not None:
                continue
            known = False
            yield Issue(escalation.at(field), f"escalation {name!r} {verb} unknown tier {clip(tier_id, 40)!r}"
                                              f"{did_you_mean(tier_id, list(order))}; known tiers: {_listed(order)}")
        low, high = tiers.rank(source), tiers.rank(escalation.to_tier)
        if not known or source is None or low is None or high is None or "to" not in escalation.spans:
            continue
        if high <= low:
            way = "sideways" if high == low else "down"
            low_id, high_id = clip(source, 40), clip(escalation.to_tier or "", 40)
            yield Issue(escalation.at("to"), f"escalation {name!r} goes {way}, from {low_id} to {high_id}: "
                                             f"escalate to a tier above {low_id}")


def _listed(order: tuple[str, ...], shown: int = 8) -> str:
    more = f" and {len(order) - shown} more" if len(order) > shown else ""
    return ", ".join(clip(tier_id, 30) for tier_id in order[:shown]) + more


RULE = Rule(name="escalation-tier", severity=Severity.ERROR, doc=__doc__, check=check)
