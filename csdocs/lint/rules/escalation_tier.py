"""An escalation's `from` or `to` is not a known tier, or the escalation does not go up.

## What it does
Checks that `from` (default `L1`, or the lowest tier if the project has no
`L1`) and `to` name known tiers: the project's tiers (by default `L1`, `L2`,
`L3`, lowest first; the `tiers` option of the `csdocs` plugin in
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

from functools import lru_cache
from typing import Iterator

from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule
from ..text import did_you_mean, sop_tier_ids


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    if not sop.escalations:
        return
    order, rank = _ranks(ctx.config.tier_ids, sop_tier_ids(sop))
    for escalation in sop.escalations:
        name = clip(escalation.id, 40)
        # `from` defaults to L1, or to the lowest tier where the project renamed L1.
        source = escalation.from_tier if "from" in escalation.spans or "L1" in rank else order[0]
        known = True
        for field, tier_id, verb in (("from", source, "starts at"), ("to", escalation.to_tier, "goes to")):
            if tier_id is None or field not in escalation.spans or tier_id in rank:
                continue
            known = False
            yield Issue(escalation.at(field), f"escalation {name!r} {verb} unknown tier {clip(tier_id, 40)!r}"
                                              f"{did_you_mean(tier_id, order)}; known tiers: {_listed(order)}")
        if not known or escalation.to_tier is None or "to" not in escalation.spans:
            continue
        low, high = rank[source], rank[escalation.to_tier]
        if high <= low:
            way = "sideways" if high == low else "down"
            low_id, high_id = clip(source, 40), clip(escalation.to_tier, 40)
            yield Issue(escalation.at("to"), f"escalation {name!r} goes {way}, from {low_id} to {high_id}: "
                                             f"escalate to a tier above {low_id}")


def _listed(order: list[str], shown: int = 8) -> str:
    more = f" and {len(order) - shown} more" if len(order) > shown else ""
    return ", ".join(clip(tier_id, 30) for tier_id in order[:shown]) + more


@lru_cache(maxsize=64)
def _ranks(project: tuple[str, ...], own: tuple[str, ...]) -> tuple[list[str], dict[str, int]]:
    """Most SOPs add no tier of their own: one answer serves them all."""
    order = tier_order(project, own)
    return order, {tier_id: position for position, tier_id in enumerate(order)}


def tier_order(project: tuple[str, ...], own: tuple[str, ...]) -> list[str]:
    """The project's tiers, lowest first, with the SOP's new tiers put in place.

    A new tier goes just below the next project tier the SOP lists after it,
    else above every tier: the SOP's `tiers` are listed lowest first too.
    Linear in the number of tiers, however many a hostile file lists.
    """
    project_order = list(dict.fromkeys(project))
    known = set(project_order)
    below: dict[str | None, list[str]] = {}  # project tier (None: the top) -> new tiers just below it
    anchor: str | None = None
    for tier_id in reversed(dict.fromkeys(own)):
        if tier_id in known:
            anchor = tier_id
        else:
            below.setdefault(anchor, []).append(tier_id)
    order: list[str] = []
    for tier_id in project_order:
        order.extend(reversed(below.get(tier_id, ())))
        order.append(tier_id)
    order.extend(reversed(below.get(None, ())))
    return order


RULE = Rule(name="escalation-tier", severity=Severity.ERROR, doc=__doc__, check=check)
