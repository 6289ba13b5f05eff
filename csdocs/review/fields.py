"""Changes to an SOP's own fields: owner, wording, status, version, review dates, lists, tiers, script,
definitions, and the missing version bump."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .changes import Change, Risk
from .context import DiffContext, quote
from .text import norm, same_text

_WORDING_FIELDS = ("title", "department", "purpose")
_LIST_FIELDS_MEDIUM = ("channels", "contact_types")
_LIST_FIELDS_LOW = ("tags", "keywords", "related")


def field_changes(ctx: DiffContext) -> Iterable[Change]:
    """The SOP's own fields, its project tier overrides and its script."""
    old, new = ctx.old, ctx.new
    if old.owner != new.owner and norm(old.owner) != norm(new.owner):
        what = "removed" if not new.owner else f"changed from {quote(old.owner)} to {quote(new.owner)}"
        yield ctx.change("owner-changed", "owner", Risk.HIGH,
                         f"SOP owner {what}: someone else is now accountable", old.owner, new.owner,
                         line=new.at("owner").line)
    for name in _WORDING_FIELDS:
        if not same_text(getattr(old, name), getattr(new, name)):
            yield ctx.change("field-changed", name, Risk.LOW, f"{name} reworded (wording)",
                             getattr(old, name), getattr(new, name), line=new.at(name).line)
    if old.status != new.status:
        if new.status == "retired":
            risk, why = Risk.HIGH, "the SOP is retired: agents stop following it"
        else:
            risk, why = Risk.MEDIUM, f"status changed from {old.status!r} to {new.status!r}"
        yield ctx.change("field-changed", "status", risk, why, old.status, new.status, line=new.at("status").line)
    if old.version != new.version:
        yield ctx.change("field-changed", "version", Risk.LOW,
                         f"version changed from {quote(old.version)} to {quote(new.version)}", old.version,
                         new.version, line=new.at("version").line)
    if old.last_reviewed != new.last_reviewed:
        yield ctx.change("field-changed", "last_reviewed", Risk.LOW, "review date changed",
                         old.last_reviewed.isoformat() if old.last_reviewed else None,
                         new.last_reviewed.isoformat() if new.last_reviewed else None,
                         line=new.at("last_reviewed").line)
    if old.review_every != new.review_every:
        yield ctx.change("field-changed", "review_every", Risk.LOW,
                         f"review interval changed from {quote(old.review_every)} to {quote(new.review_every)}",
                         old.review_every.text, new.review_every.text, line=new.at("review_every").line)
    if old.priority != new.priority:
        yield ctx.change("field-changed", "priority", Risk.MEDIUM,
                         f"priority changed from {quote(old.priority)} to {quote(new.priority)}: routing and "
                         "SLAs follow it", old.priority, new.priority, line=new.at("priority").line)
    for name in (*_LIST_FIELDS_MEDIUM, *_LIST_FIELDS_LOW):
        before, after = getattr(old, name), getattr(new, name)
        if set(before) == set(after):
            continue
        removed = [item for item in before if item not in after]
        added = [item for item in after if item not in before]
        parts = []
        if removed:
            parts.append("no longer " + ", ".join(quote(item, 30) for item in removed))
        if added:
            parts.append("adds " + ", ".join(quote(item, 30) for item in added))
        risk = Risk.MEDIUM if name in _LIST_FIELDS_MEDIUM and removed else Risk.LOW
        why = ": contacts there lose this procedure" if risk is Risk.MEDIUM else ""
        yield ctx.change("field-changed", name, risk, f"{name}: {'; '.join(parts)}{why}", list(before),
                         list(after), line=new.at(name).line)
    yield from _tiers(ctx)
    yield from _script(ctx)


def _tiers(ctx: DiffContext) -> Iterable[Change]:
    old = {tier.id: tier for tier in ctx.old.tiers}
    new = {tier.id: tier for tier in ctx.new.tiers}
    for tier_id in sorted(set(old) | set(new)):
        before, after = old.get(tier_id), new.get(tier_id)
        data_before = _tier_data(before)
        data_after = _tier_data(after)
        if data_before == data_after or (data_before and data_after and data_before["name"] == data_after["name"]
                                         and same_text(data_before["authority"], data_after["authority"])):
            continue  # the same tier, its authority at most spelt otherwise (150 EUR, €150)
        if before is None or after is None or data_before is None or data_after is None:
            what = "added" if before is None else "removed"
        elif data_before["name"] == data_after["name"]:
            what = "authority changed"
        else:
            what = f"renamed from {quote(data_before['name'], 40)} to {quote(data_after['name'], 40)}"
        line = after.span.line if after else ctx.new.at("tiers").line
        yield ctx.change("field-changed", f"tiers.{tier_id}", Risk.MEDIUM,
                         f"tier {tier_id!r} {what}: who may do what changed", data_before, data_after,
                         line=line)


def _tier_data(tier: Any) -> dict[str, Any] | None:
    if tier is None:
        return None
    return {"name": norm(tier.name), "authority": norm(tier.authority) or None}


def _script(ctx: DiffContext) -> Iterable[Change]:
    old, new = ctx.old.script, ctx.new.script
    for name in ("greeting", "closing"):
        if not same_text(getattr(old, name), getattr(new, name)):
            yield ctx.change("field-changed", f"script.{name}", Risk.LOW, f"script {name} reworded (wording)",
                             getattr(old, name), getattr(new, name), line=new.at(name).line)
    if len(old.questions) != len(new.questions) or not all(map(same_text, old.questions, new.questions)):
        yield ctx.change("field-changed", "script.questions", Risk.LOW, "script questions changed (wording)",
                         list(old.questions), list(new.questions), line=new.at("questions").line)


def definition_changes(ctx: DiffContext) -> Iterable[Change]:
    """Definitions matched by term: added, removed or changed (low)."""
    old = {d.term: d for d in ctx.old.definitions}
    new = {d.term: d for d in ctx.new.definitions}
    for term in sorted(set(old) | set(new)):
        before, after = old.get(term), new.get(term)
        if before and after and same_text(before.meaning, after.meaning):
            continue
        what = "added" if before is None else "removed" if after is None else "changed"
        line = after.span.line if after else ctx.new.at("definitions").line
        yield ctx.change("definition-changed", f"definitions.{term}", Risk.LOW, f"definition of {term!r} {what}",
                         before.meaning if before else None, after.meaning if after else None, line=line)


def version_not_bumped(ctx: DiffContext) -> Change:
    """The change a high-risk diff adds when ``version`` stayed the same (or is missing)."""
    version = ctx.new.version
    why = (f"high-risk change but version is still {quote(version, 20)}: bump it so agents see the procedure changed"
           if version is not None else
           "high-risk change and the SOP has no version: add one so agents see the procedure changed")
    return ctx.change("version-not-bumped", "version", Risk.HIGH, why, ctx.old.version, version,
                      line=ctx.new.at("version").line)
