"""Changed conditions (escalation triggers, decisions): a moved threshold, or rewording.

A threshold's risk follows its direction: whether the condition now holds
for more contacts or fewer (:func:`csdocs.review.text.holds_for_more`), and
whether holding it leads to an escalation (``sense``).
"""

from __future__ import annotations

from collections.abc import Iterable

from .changes import Change, Risk
from .context import DiffContext, quote
from .text import Moved, fmt_number, holds_for_more, moved_numbers, skeleton


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
    old_value, new_value = fmt_number(move.old.value), fmt_number(move.new.value)
    if move.new.value == move.old.value:
        head = f"comparison of {new_value} in {label} changed"
    else:
        direction = "raised" if move.new.value > move.old.value else "lowered"
        head = f"threshold in {label} {direction} from {old_value} to {new_value}"
    more = holds_for_more(move)
    if more is None:
        risk, why = Risk.HIGH, "the comparison is unclear, so fewer contacts may escalate: check it"
    elif sense == 0:
        risk, why = Risk.MEDIUM, f"{'more' if more else 'fewer'} contacts meet the condition"
    elif (more and sense > 0) or (not more and sense < 0):
        risk, why = Risk.MEDIUM, "more contacts escalate" + (f" (more {route})" if route else "")
    else:
        risk, why = Risk.HIGH, "fewer contacts escalate" + (f" (fewer {route})" if route else "")
    return ctx.change("threshold-changed", target, risk, f"{head}: {why}{also}", move.old.text, move.new.text,
                      line=line)
