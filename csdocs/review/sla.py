"""Changes to promises and targets: SLAs (also by priority), an escalation's SLA and response, metrics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..model import PRIORITIES, Duration, SlaValue, sla_entries
from .changes import Change, Risk
from .context import DiffContext, quote
from .text import duration_text, same_text


def sla_by_name(before: Mapping[str, SlaValue], after: Mapping[str, SlaValue], *,
                old: bool) -> dict[str, Duration]:
    """One version's SLAs as name -> duration; by priority (``resolution.low``) where either version gives
    that SLA by priority, a single duration then standing for every priority (format 1.1)."""
    side = before if old else after
    out: dict[str, Duration] = {}
    for name in dict.fromkeys((*before, *after)):
        value = side.get(name)
        if value is None:
            continue
        if isinstance(value, Duration) and not isinstance((after if old else before).get(name), Mapping):
            out[name] = value
            continue
        for priority, duration in sla_entries(value):
            for each in (PRIORITIES if priority is None else (priority,)):
                out[f"{name}.{each}"] = duration
    return out


def sla_changes(ctx: DiffContext, old: Mapping[str, Duration], new: Mapping[str, Duration], *, prefix: str,
         owner: str | None, at: Any, what: str = "SLA") -> Iterable[Change]:
    """SLA durations: longer (or gone) is loosened, high; shorter (or new) is tightened, low."""
    for name in sorted(set(old) | set(new), key=_sla_order):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        base, _, priority = name.partition(".")
        if owner:
            label = f"{what} of escalation {owner!r}"
        else:
            label = f"{base.replace('_', ' ')} SLA" + (f" for priority {priority!r}" if priority else "")
        target = f"{prefix}.{name}" if name != "sla" else prefix
        move = duration_move(before, after)
        if move == SAME:
            continue  # 1d and 24h: the same promise written differently
        why = {GONE: f"{label} removed ({quote(before, 20)}): loosened, nothing is promised",
               NEW: f"{label} added ({quote(after, 20)}): tightened",
               UNMEASURED: f"{label} changed from {quote(before, 20)} to {quote(after, 20)}",
               LONGER: f"{label} loosened from {before} to {after}: customers wait longer",
               SHORTER: f"{label} tightened from {before} to {after}"}[move]
        risk = DURATION_RISK[move]
        if prefix == "sla":
            line = at.spans.get(f"sla.{name}", at.at(f"sla.{base}")).line
        else:
            line = at.at("response" if what != "SLA" else "sla").line
        yield ctx.change("sla-changed", target, risk, why, duration_text(before), duration_text(after), line=line)


GONE, NEW, UNMEASURED, LONGER, SHORTER, SAME = "gone", "new", "unmeasured", "longer", "shorter", "same"
# Longer (or gone) is looser, high; shorter (or new) is tighter, low; a value that is not a duration, medium.
DURATION_RISK = {GONE: Risk.HIGH, NEW: Risk.LOW, UNMEASURED: Risk.MEDIUM, LONGER: Risk.HIGH, SHORTER: Risk.LOW}


def duration_move(before: Duration | None, after: Duration | None) -> str:
    """How a duration field changed: GONE, NEW, UNMEASURED (one side is not a valid duration), LONGER,
    SHORTER or SAME (``1d`` and ``24h``). Longer is looser for an SLA and for a recurring duty alike."""
    if after is None:
        return GONE
    if before is None:
        return NEW
    if before.minutes is None or after.minutes is None:
        return UNMEASURED
    if after.minutes == before.minutes:
        return SAME
    return LONGER if after.minutes > before.minutes else SHORTER


def _sla_order(name: str) -> tuple[str, int]:
    base, _, priority = name.partition(".")
    return base, PRIORITIES.index(priority) + 1 if priority in PRIORITIES else 0


def metric_changes(ctx: DiffContext) -> Iterable[Change]:
    """Metric targets matched by name: added, removed or changed (low)."""
    old, new = ctx.old.metrics, ctx.new.metrics
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after or (before is not None and after is not None and same_text(str(before), str(after))):
            continue  # 82% and 82 %, 7m and 7 minutes: the same target
        what = ("added" if before is None else "removed" if after is None
                else f"changed from {quote(before, 20)} to {quote(after, 20)}")
        yield ctx.change("metric-changed", f"metrics.{name}", Risk.LOW, f"target for {name!r} {what}", before,
                         after, line=ctx.new.at(f"metrics.{name}").line)
