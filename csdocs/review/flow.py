"""The flow as the diff judges it: what contacts on a route reach, and what a reroute costs them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..graph import Edge, step_edges
from ..loader import clip
from ..model import Sop, Step
from .changes import Risk, highest
from .context import DiffContext, quote
from .text import amount_key

YES = frozenset({"yes", "y", "true"})
NO = frozenset({"no", "n", "false"})


def answer_key(answer: str) -> str:
    """A branch's answer as branches and paths are matched: case, spacing and the spelling of amounts aside."""
    return amount_key(answer)


def edge_data(edge: Edge) -> dict[str, Any]:
    data: dict[str, Any] = {"escalate": edge.raises} if edge.raises is not None else {}
    data[edge.kind] = edge.target
    if edge.implicit:
        data["implicit"] = True
    return data


class Flow:
    """Reachability in one version; old step ids are mapped to new ones when ``ctx`` is given."""

    def __init__(self, sop: Sop, ctx: DiffContext | None) -> None:
        self.sop = sop
        self.ctx = ctx
        self.out: dict[str, tuple[Edge, ...]] = {step.id: step_edges(sop, step) for step in sop.steps}
        self._cache: dict[str, frozenset[str]] = {}

    def reachable_from(self, step_id: str) -> frozenset[str]:
        """Step ids reached from ``step_id`` (itself included), unmapped."""
        cached = self._cache.get(step_id)
        if cached is not None:
            return cached
        seen: set[str] = set()
        todo = [step_id]
        while todo:
            current = todo.pop()
            if current in seen or current not in self.out:
                continue
            seen.add(current)
            todo.extend(e.target for e in self.out[current] if e.kind == "next")
        result = frozenset(seen)
        self._cache[step_id] = result
        return result

    def route(self, edge: Edge) -> tuple[set[str], set[tuple[str, str]]]:
        """The steps and the ends (kind, target) that contacts taking ``edge`` can reach, mapped to new ids."""
        steps = self.reachable_from(edge.target) if edge.kind == "next" else frozenset()
        ends = {(edge.kind, edge.target)} if edge.kind != "next" else set()
        if edge.raises is not None:  # escalate and continue: the escalation is raised on the way
            ends.add(("escalate", edge.raises))
        for step_id in steps:
            for out in self.out[step_id]:
                if out.kind != "next":
                    ends.add((out.kind, out.target))
                if out.raises is not None:
                    ends.add(("escalate", out.raises))
        if self.ctx is None:
            return set(steps), ends
        mapped_ends = {(kind, self.ctx.map_escalation(target) if kind == "escalate" else target)
                       for kind, target in ends}
        return {self.ctx.map_step(s) for s in steps}, mapped_ends

    def escalations_from(self, edge: Edge) -> set[str]:
        return {target for kind, target in self.route(edge)[1] if kind == "escalate"}


def decision_sense(flow: Flow, step: Step) -> tuple[int, str]:
    """+1 when the yes route escalates and the no route does not, -1 the reverse, else 0.

    The text names the answer that leads to the escalation, for the message.
    """
    edges = step_edges(flow.sop, step)
    yes = [e for e in edges if answer_key(e.answer or "") in YES]
    no = [e for e in edges if answer_key(e.answer or "") in NO]
    if not yes or not no:
        return 0, ""
    yes_escalates = any(flow.escalations_from(e) for e in yes)
    no_escalates = any(flow.escalations_from(e) for e in no)
    if yes_escalates and not no_escalates:
        return 1, f"answer {quote(yes[0].answer, 20)}, the route that escalates"
    if no_escalates and not yes_escalates:
        return -1, f"answer {quote(no[0].answer, 20)}, the route that escalates"
    return 0, ""


def route_change(ctx: DiffContext, old_flow: Flow, new_flow: Flow, old_edge: Edge,
                  new_edge: Edge) -> tuple[Risk, str]:
    """Judge a rerouted step or branch by what its contacts gain or lose downstream."""
    old_steps, old_ends = old_flow.route(old_edge)
    new_steps, new_ends = new_flow.route(new_edge)
    old_escalations = {t for k, t in old_ends if k == "escalate"}
    new_escalations = {t for k, t in new_ends if k == "escalate"}
    # What contacts lose is high risk, what they gain medium: each difference that is there gives a reason.
    differences = (
        (Risk.HIGH, old_escalations - new_escalations, "fewer contacts escalate (no longer reach {})"),
        (Risk.HIGH, old_steps - new_steps, "skips {} (a step removed from the path)"),
        (Risk.MEDIUM, new_escalations - old_escalations, "more contacts escalate (now reach {})"),
        (Risk.MEDIUM, new_steps - old_steps, "adds {} to the path"),
    )
    reasons = [(risk, words.format(quoted_ids(ids))) for risk, ids, words in differences if ids]
    if not reasons:
        reasons.append((Risk.MEDIUM, "contacts end differently"))
    head = f"now goes to {describe(new_edge)} instead of {describe(old_edge, ctx)}"
    return highest(r for r, _ in reasons) or Risk.MEDIUM, f"{head}: " + "; ".join(why for _, why in reasons)


def explained_by_step(ctx: DiffContext, old_flow: Flow, new_flow: Flow, old_edge: Edge, new_edge: Edge,
                       removed: set[str], added: set[str]) -> bool:
    """A move that only steps over a removed step, or into an added one that leads on to the old target.

    The author had to edit it to remove or insert that step; the
    ``step-removed`` or ``step-added`` change already says what it means.
    """
    if old_edge.kind == "next" and old_edge.target in removed:
        after_removed = {ctx.map_edge(e) for e in old_flow.out.get(old_edge.target, ())}
        if (new_edge.kind, new_edge.target) in after_removed:
            return True
    if new_edge.kind == "next" and new_edge.target in added:
        after_added = {(e.kind, e.target) for e in new_flow.out.get(new_edge.target, ())}
        if ctx.map_edge(old_edge) in after_added:
            return True
    return False


def describe(edge: Edge, ctx: DiffContext | None = None) -> str:
    target = edge.target
    if ctx is not None:
        target = ctx.map_edge(edge)[1]
    words = {"next": "step", "escalate": "escalation", "goto": "SOP", "outcome": "outcome"}
    return f"{words.get(edge.kind, edge.kind)} {clip(target, 40)!r}"


def quoted_ids(ids: Iterable[str]) -> str:
    return ", ".join(repr(clip(i, 40)) for i in sorted(ids))
