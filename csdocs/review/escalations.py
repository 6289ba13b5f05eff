"""Changes to escalations: added, removed, renamed, owner, SLA and response, trigger, tiers, handoff note."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Escalation
from .changes import Change, Risk
from .conditions import condition_changed
from .context import DiffContext, quote
from .sla import sla_changes
from .text import duration_text, norm, same_text


def _from_tier(escalation: Escalation) -> str:
    """``from`` as a message quotes it; the diff has no project config, so no `from` is said as such."""
    return repr(escalation.from_tier) if escalation.from_tier is not None else "the first tier (no 'from')"


def escalation_changes(ctx: DiffContext) -> Iterable[Change]:
    """Escalations matched by id or rename: removed (high), added (medium), and what changed in each."""
    old = {e.id: e for e in ctx.old.escalations}
    new = {e.id: e for e in ctx.new.escalations}
    renamed_to = set(ctx.escalation_map.values())
    for escalation_id, escalation in old.items():
        if escalation_id in new or escalation_id in ctx.escalation_map:
            continue
        yield ctx.change("escalation-removed", f"escalations.{escalation_id}", Risk.HIGH,
                         f"escalation {escalation_id!r} removed: contacts that met its trigger "
                         f"({quote(escalation.trigger, 50)}) no longer escalate", _escalation_data(escalation), None,
                         line=ctx.new.at("escalations").line)
    for escalation_id, escalation in new.items():
        if escalation_id in old or escalation_id in renamed_to:
            continue
        yield ctx.change("escalation-added", f"escalations.{escalation_id}", Risk.MEDIUM,
                         f"escalation {escalation_id!r} added: contacts that meet {quote(escalation.trigger, 50)} "
                         f"now escalate to {escalation.to_tier!r}", None, _escalation_data(escalation),
                         line=escalation.span.line)
    for old_id, before in old.items():
        new_id = ctx.map_escalation(old_id)
        after = new.get(new_id)
        if after is not None:
            yield from _escalation_changed(ctx, before, after)


def _escalation_data(escalation: Escalation) -> dict[str, Any]:
    data: dict[str, Any] = {"id": escalation.id, "trigger": norm(escalation.trigger) or None,
                            "from": escalation.from_tier, "to": escalation.to_tier, "owner": escalation.owner,
                            "sla": duration_text(escalation.sla)}
    if escalation.handoff is not None:
        data["handoff"] = list(escalation.handoff)
    return data


def _escalation_changed(ctx: DiffContext, before: Escalation, after: Escalation) -> Iterable[Change]:
    target = f"escalations.{after.id}"
    if before.id != after.id:
        yield ctx.change("escalation-changed", target, Risk.LOW,
                         f"escalation renamed from {before.id!r} to {after.id!r}", {"id": before.id},
                         {"id": after.id}, line=after.at("id").line)
    if norm(before.owner) != norm(after.owner):
        what = "removed" if not after.owner else f"changed from {quote(before.owner)} to {quote(after.owner)}"
        yield ctx.change("owner-changed", f"{target}.owner", Risk.HIGH,
                         f"owner of escalation {after.id!r} {what}: someone else owns these contacts",
                         before.owner, after.owner, line=after.at("owner").line)
    yield from sla_changes(ctx, {"sla": before.sla} if before.sla else {}, {"sla": after.sla} if after.sla else {},
                    prefix=f"{target}.sla", owner=after.id, at=after)
    yield from sla_changes(ctx, {"sla": before.response} if before.response else {},
                    {"sla": after.response} if after.response else {},
                    prefix=f"{target}.response", owner=after.id, at=after, what="response time")
    if not same_text(before.trigger, after.trigger):
        yield from condition_changed(ctx, f"{target}.trigger", f"the trigger of escalation {after.id!r}",
                                      before.trigger, after.trigger, sense=1, line=after.at("trigger").line,
                                      rewritten_risk=Risk.MEDIUM)
    tiers = []
    if before.from_tier != after.from_tier:
        tiers.append(f"now escalated from {_from_tier(after)} instead of {_from_tier(before)}")
    if before.to_tier != after.to_tier:
        tiers.append(f"now goes to {after.to_tier!r} instead of {before.to_tier!r}")
    if tiers:
        yield ctx.change("escalation-changed", f"{target}.tier", Risk.MEDIUM,
                         f"escalation {after.id!r} tier changed: " + "; ".join(tiers),
                         {"from": before.from_tier, "to": before.to_tier},
                         {"from": after.from_tier, "to": after.to_tier}, line=after.at("to").line)
    if (before.handoff or ()) != (after.handoff or ()) and before.handoff != after.handoff:
        old_items = list(before.handoff) if before.handoff is not None else None
        new_items = list(after.handoff) if after.handoff is not None else None
        dropped = [item for item in (old_items or []) if new_items is not None and item not in new_items]
        risk = Risk.MEDIUM if dropped else Risk.LOW
        why = (f"handoff note of {after.id!r} drops {', '.join(quote(i, 30) for i in dropped)}: "
               "customers may have to repeat themselves" if dropped else f"handoff note of {after.id!r} changed")
        yield ctx.change("escalation-changed", f"{target}.handoff", risk, why, old_items, new_items,
                         line=after.at("handoff").line)
