"""Changes to steps and their branches: added, removed, renamed, reworded, rerouted, recurring duties,
decisions whose threshold moved, escalations raised on the way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..graph import Edge, step_edges
from ..model import Step
from .changes import Change, Risk, highest
from .conditions import condition_changed
from .context import DiffContext, quote
from .flow import Flow, answer_key, decision_sense, edge_data, explained_by_step, route_change
from .sla import DURATION_RISK, GONE, LONGER, NEW, SAME, SHORTER, UNMEASURED, duration_move
from .text import duration_text, moved_numbers, norm, same_text


def step_changes(ctx: DiffContext) -> Iterable[Change]:
    """Steps matched by id or rename: removed, added (by whether a path reaches them), and what changed."""
    old_steps = {step.id: step for step in ctx.old.steps}
    new_steps = {step.id: step for step in ctx.new.steps}
    renamed_to = set(ctx.step_map.values())
    removed = {i for i in old_steps if i not in new_steps and i not in ctx.step_map}
    added = {i for i in new_steps if i not in old_steps and i not in renamed_to}
    old_flow = Flow(ctx.old, ctx)
    new_flow = Flow(ctx.new, None)
    for step_id in sorted(removed, key=lambda i: old_steps[i].index):
        step = old_steps[step_id]
        on_path = step_id in old_flow.reachable_from(ctx.old.steps[0].id)
        risk, why = ((Risk.HIGH, "removed from the flow: contacts that reached it skip it now") if on_path
                     else (Risk.LOW, "removed (no path reached it)"))
        yield ctx.change("step-removed", f"steps.{step_id}", risk, f"step {step_id!r} {why}", _step_data(step),
                         None, line=ctx.new.at("steps").line)
    for step_id in sorted(added, key=lambda i: new_steps[i].index):
        step = new_steps[step_id]
        on_path = step_id in new_flow.reachable_from(ctx.new.steps[0].id)
        risk, why = ((Risk.MEDIUM, "added to the flow") if on_path
                     else (Risk.LOW, "added, but no path reaches it"))
        yield ctx.change("step-added", f"steps.{step_id}", risk, f"step {step_id!r} {why}", None, _step_data(step),
                         line=step.span.line)
    for old_id, before in old_steps.items():
        after = new_steps.get(ctx.map_step(old_id)) if old_id not in removed else None
        if after is not None:
            yield from _step_changed(ctx, before, after, old_flow, new_flow, removed, added)


def _step_data(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {"id": step.id, "title": norm(step.title)}
    for name in ("stage", "actor", "action", "say", "decision"):
        value = getattr(step, name)
        if value is not None:
            data[name] = norm(value)
    if step.automated:
        data["automated"] = True
    if step.every is not None:
        data["every"] = step.every.text
    if step.until is not None:
        data["until"] = norm(step.until)
    if step.branches:
        data["branches"] = [_move_data(branch.move, answer=branch.answer) for branch in step.branches]
    elif step.move.kind is not None:
        data.update(_move_data(step.move))
    return data


def _move_data(move: Any, *, answer: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {} if answer is None else {"answer": answer}
    if move.raises is not None:
        data["escalate"] = move.raises
    if move.kind is not None:
        data[move.kind] = move.target
    return data


_STEP_WORDING = ("title", "action", "say")


def _step_changed(ctx: DiffContext, before: Step, after: Step, old_flow: Flow, new_flow: Flow,
                  removed: set[str], added: set[str]) -> Iterable[Change]:
    target = f"steps.{after.id}"
    parts: list[str] = []
    risks: list[Risk] = []
    old_data: dict[str, Any] = {}
    new_data: dict[str, Any] = {}

    def note(risk: Risk, text: str, name: str, old_value: Any, new_value: Any) -> None:
        parts.append(text)
        risks.append(risk)
        old_data[name] = old_value
        new_data[name] = new_value

    if before.id != after.id:
        note(Risk.LOW, f"renamed from {before.id!r}", "id", before.id, after.id)
    for name in _STEP_WORDING:
        if not same_text(getattr(before, name), getattr(after, name)):
            note(Risk.LOW, f"{name} reworded", name, getattr(before, name), getattr(after, name))
    if before.stage != after.stage:
        note(Risk.LOW, f"stage now {after.stage!r}", "stage", before.stage, after.stage)
    if before.actor != after.actor:
        note(Risk.MEDIUM, f"now done by {after.actor!r} instead of {before.actor!r} (tier changed)", "actor",
             before.actor, after.actor)
    if before.automated != after.automated:
        note(Risk.MEDIUM, "now automated" if after.automated else "no longer automated: an agent does it",
             "automated", before.automated, after.automated)
    _recurring_changed(before, after, note)
    decision_changes: list[Change] = []
    if not same_text(before.decision, after.decision):
        moves = moved_numbers(before.decision, after.decision)
        if before.decision and after.decision and moves:
            sense, route = decision_sense(new_flow, after)
            decision_changes.extend(condition_changed(
                ctx, f"{target}.decision", f"the decision of step {after.id!r}", before.decision, after.decision,
                sense=sense, line=after.at("decision").line, rewritten_risk=Risk.LOW, route=route))
        elif moves is None:  # numbers came or went: a new condition, not new words
            note(Risk.MEDIUM, "decision rewritten with a different condition: check who answers which way",
                 "decision", before.decision, after.decision)
        else:
            note(Risk.LOW, "decision reworded", "decision", before.decision, after.decision)
    if before.branches or after.branches:
        yield from _branches_changed(ctx, before, after, old_flow, new_flow, removed, added)
    else:
        old_edge, new_edge = step_edges(ctx.old, before)[0], step_edges(ctx.new, after)[0]
        if ctx.map_edge(old_edge) != (new_edge.kind, new_edge.target) and not explained_by_step(
                ctx, old_flow, new_flow, old_edge, new_edge, removed, added):
            risk, why = route_change(ctx, old_flow, new_flow, old_edge, new_edge)
            note(risk, why, "move", edge_data(old_edge), edge_data(new_edge))
        else:
            raised = _raised_changed(ctx, old_edge, new_edge)
            if raised is not None:
                note(raised[0], raised[1], "move", edge_data(old_edge), edge_data(new_edge))
    yield from decision_changes
    if parts:
        yield ctx.change("step-changed", target, highest(risks) or Risk.LOW,
                         f"step {after.id!r}: " + "; ".join(parts), old_data, new_data, line=after.span.line)


def _branches_changed(ctx: DiffContext, before: Step, after: Step, old_flow: Flow, new_flow: Flow,
                      removed: set[str], added: set[str]) -> Iterable[Change]:
    old_edges = {answer_key(e.answer or ""): e for e in step_edges(ctx.old, before)}
    new_edges = {answer_key(e.answer or ""): e for e in step_edges(ctx.new, after)}
    gone = [key for key in old_edges if key not in new_edges]
    came = [key for key in new_edges if key not in old_edges]
    # An answer reworded with the same target is one branch, not a removal and an addition.
    for key in list(gone):
        edge = old_edges[key]
        twin = next((k for k in came if (new_edges[k].kind, new_edges[k].target) == ctx.map_edge(edge)), None)
        if twin is not None:
            gone.remove(key)
            came.remove(twin)
            reworded = new_edges[twin]
            yield ctx.change("branch-changed", f"steps.{after.id}.branches.{reworded.answer}", Risk.LOW,
                             f"step {after.id!r}: answer {quote(edge.answer, 30)} reworded to "
                             f"{quote(reworded.answer, 30)} (wording)", edge.answer, reworded.answer,
                             line=reworded.span.line)
    for key in gone:
        edge = old_edges[key]
        escalates = old_flow.escalations_from(edge)
        why = (f"contacts answering {quote(edge.answer, 30)} no longer have a route"
               + (f" and no longer escalate to {', '.join(map(repr, sorted(escalates)))}" if escalates else ""))
        yield ctx.change("branch-changed", f"steps.{after.id}.branches.{edge.answer}", Risk.HIGH,
                         f"step {after.id!r}: branch {quote(edge.answer, 30)} removed: {why}",
                         edge_data(edge), None, line=after.at("branches").line)
    for key in came:
        edge = new_edges[key]
        yield ctx.change("branch-changed", f"steps.{after.id}.branches.{edge.answer}", Risk.MEDIUM,
                         f"step {after.id!r}: branch {quote(edge.answer, 30)} added: a new route "
                         f"({edge.kind} {edge.target!r})", None, edge_data(edge), line=edge.span.line)
    for key, old_edge in old_edges.items():
        new_edge = new_edges.get(key)
        if new_edge is not None and ctx.map_edge(old_edge) == (new_edge.kind, new_edge.target):
            raised = _raised_changed(ctx, old_edge, new_edge)
            if raised is not None:
                yield ctx.change("branch-changed", f"steps.{after.id}.branches.{new_edge.answer}", raised[0],
                                 f"step {after.id!r}: branch {quote(new_edge.answer, 30)} {raised[1]}",
                                 edge_data(old_edge), edge_data(new_edge), line=new_edge.span.line)
        if new_edge is None or ctx.map_edge(old_edge) == (new_edge.kind, new_edge.target):
            continue
        if explained_by_step(ctx, old_flow, new_flow, old_edge, new_edge, removed, added):
            continue
        risk, why = route_change(ctx, old_flow, new_flow, old_edge, new_edge)
        yield ctx.change("branch-changed", f"steps.{after.id}.branches.{new_edge.answer}", risk,
                         f"step {after.id!r}: branch {quote(new_edge.answer, 30)} {why}", edge_data(old_edge),
                         edge_data(new_edge), line=new_edge.span.line)


def _raised_changed(ctx: DiffContext, old_edge: Edge, new_edge: Edge) -> tuple[Risk, str] | None:
    """The same route, but the escalation raised on the way (escalate and continue) came, went or changed."""
    before = ctx.map_escalation(old_edge.raises) if old_edge.raises else None
    after = new_edge.raises
    if before == after:
        return None
    if after is None:
        return Risk.HIGH, f"no longer raises escalation {before!r} before going on: fewer contacts escalate"
    if before is None:
        return Risk.MEDIUM, f"now raises escalation {after!r} before going on: more contacts escalate"
    return Risk.HIGH, (f"raises escalation {after!r} instead of {before!r} before going on: fewer contacts "
                       f"escalate to {before!r}")


def _recurring_changed(before: Step, after: Step, note: Callable[[Risk, str, str, Any, Any], None]) -> None:
    """A recurring duty (``every`` ... ``until``): less often or gone is loosened (high), like an SLA."""
    if before.every != after.every:
        move = duration_move(before.every, after.every)
        if move != SAME:  # 60m and 1h are the same duty
            why = {GONE: f"no longer repeated every {before.every}: the recurring duty is gone",
                   NEW: f"now repeated every {after.every}",
                   UNMEASURED: f"repeated every {quote(after.every, 20)} instead of {quote(before.every, 20)}",
                   LONGER: f"repeated less often: every {after.every} instead of {before.every}",
                   SHORTER: f"repeated more often: every {after.every} instead of {before.every}"}[move]
            note(DURATION_RISK[move], why, "every", duration_text(before.every), duration_text(after.every))
    if not same_text(before.until, after.until) and before.until and after.until:
        note(Risk.MEDIUM, f"the recurring duty now stops when {quote(after.until, 50)} instead of "
                          f"{quote(before.until, 50)}", "until", before.until, after.until)
