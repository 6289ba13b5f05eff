"""Changed conditions (escalation triggers, decisions): a moved threshold, or rewording.

A threshold's risk follows its direction: whether the condition now holds
for more contacts or fewer (:func:`csdocs.review.text.holds_for_more`), and
whether holding it leads to an escalation (``sense``).
"""

from __future__ import annotations

from collections.abc import Iterable

from .changes import Change, Risk
from .context import DiffContext, quote
from .text import (
    DURATION,
    MONEY,
    Moved,
    compare,
    fmt_number,
    holds_for_more,
    moved_numbers,
    skeleton,
    unit_changed,
)


def condition_changed(ctx: DiffContext, target: str, label: str, before: str | None, after: str | None, *,
                       sense: int, line: int, rewritten_risk: Risk, kind: str = "escalation-changed",
                       route: str = "") -> Iterable[Change]:
    """A changed condition: one ``threshold-changed`` per moved number, else a rewording.

    ``sense`` is +1 when the condition holding leads to an escalation, -1
    when it failing does, 0 when neither (a decision between two routes).
    """
    moves = moved_numbers(before, after)
    if moves:
        also = "; the wording changed too" if skeleton(before) != skeleton(after) else ""
        for move in moves:
            yield _threshold(ctx, target, label, move, sense=sense, line=line, route=route, also=also)
        return
    yield ctx.change(kind, target, rewritten_risk,
                     f"{label} changed from {quote(before, 50)} to {quote(after, 50)}"
                     + (": a different condition decides who escalates" if rewritten_risk is not Risk.LOW
                        else " (wording)"),
                     before, after, line=line)


def _threshold(ctx: DiffContext, target: str, label: str, move: Moved, *, sense: int, line: int,
               route: str, also: str = "") -> Change:
    """One moved number: its direction (in a common unit when the unit changed too) judged against ``sense``."""
    units = unit_changed(move)
    old_text, new_text = (move.old.written, move.new.written) if units else (move.old.text, move.new.text)
    old_value, new_value = ((quote(old_text, 30), quote(new_text, 30)) if units
                            else (fmt_number(move.old.value), fmt_number(move.new.value)))
    direction = compare(move.old, move.new)
    if direction is None:
        head = f"{label} now says {new_value} instead of {old_value}"
    elif direction == 0:
        head = f"comparison of {new_value} in {label} changed"
    else:
        head = (f"threshold in {label} {'raised' if direction > 0 else 'lowered'} from {old_value} to {new_value}"
                + (f" ({_factor(move, direction)})" if units else ""))
    more = holds_for_more(move)
    if direction is None:
        risk, why = Risk.HIGH, f"{_incomparable(move)}, so fewer contacts may escalate: check it"
    elif more is None:
        risk, why = Risk.HIGH, "the comparison is unclear, so fewer contacts may escalate: check it"
    elif sense == 0:
        risk, why = Risk.MEDIUM, f"{'more' if more else 'fewer'} contacts meet the condition"
    elif (more and sense > 0) or (not more and sense < 0):
        risk, why = Risk.MEDIUM, "more contacts escalate" + (f" (more {route})" if route else "")
    else:
        risk, why = Risk.HIGH, "fewer contacts escalate" + (f" (fewer {route})" if route else "")
    return ctx.change("threshold-changed", target, risk, f"{head}: {why}{also}", old_text, new_text, line=line)


def _factor(move: Moved, direction: int) -> str:
    """``"7x longer"``: how far a threshold moved once both sides are in one unit."""
    (old_low, _), (new_low, _) = move.old.size, move.new.size
    if not old_low or not new_low:
        return "in another unit"
    ratio = new_low / old_low if direction > 0 else old_low / new_low
    words = ("longer", "shorter") if move.new.unit is not None and move.new.unit.kind == DURATION else (
        "higher", "lower")
    return f"{fmt_number(round(ratio, 1))}x {words[0] if direction > 0 else words[1]}"


def _incomparable(move: Moved) -> str:
    """Why two amounts cannot be ranked, for the message."""
    old, new = move.old.unit, move.new.unit
    if old is not None and new is not None and old.kind == new.kind == MONEY:
        return f"another currency ({old.name} to {new.name}): the amounts cannot be compared"
    if old is not None and new is not None:
        return f"{_plural(old.name)} and {_plural(new.name)} cannot be compared" + (
            " exactly" if old.kind == new.kind else "")
    return "the values cannot be compared"


def _plural(name: str) -> str:
    return "percentages" if name == "%" else f"{name}s"
