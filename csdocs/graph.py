"""The flow of one SOP as a graph: pure functions over the model.

Nodes are step ids; an :class:`Edge` leaves a step for another step
(``next``, a branch or the fall-through to the step below), or ends this
SOP's flow (``escalate``, ``goto``, ``outcome``, or falling off the last
step, which ends ``resolved``). An ``escalate`` written beside ``next``
(format 1.1) does not end the flow: it is the ``next`` edge, with the
escalation it raises on the way in :attr:`Edge.raises`. The lint rules, the renderers, the paths and
the review diff all read the flow through this module, so they agree on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from .model import Sop, Span, Step

ENDING_KINDS = ("escalate", "goto", "outcome")


class Edge(NamedTuple):
    source: str  # step id
    kind: str  # "next" | "escalate" | "goto" | "outcome"
    target: str  # a step id, escalation id, SOP reference or outcome word
    answer: str | None  # the branch answer, None for a plain step
    implicit: bool  # fall-through to the step below, or the end after the last step
    span: Span  # where the author wrote it (the step for implicit edges)
    raises: str | None = None  # format 1.1: the escalation raised on this ``next`` edge (escalate and continue)


def step_edges(sop: Sop, step: Step) -> tuple[Edge, ...]:
    """Where ``step`` can go, in the order the author wrote it."""
    if step.branches:
        out = []
        for branch in step.branches:
            kind = branch.move.kind
            if kind is not None:
                out.append(Edge(step.id, kind, branch.move.target or "", branch.answer, False,
                                branch.at(kind), branch.move.raises))
        return tuple(out)
    kind = step.move.kind
    if kind is not None:
        return (Edge(step.id, kind, step.move.target or "", None, False, step.at(kind), step.move.raises),)
    return (_fall_through(sop, step),)


def _fall_through(sop: Sop, step: Step) -> Edge:
    if step.index + 1 < len(sop.steps):
        return Edge(step.id, "next", sop.steps[step.index + 1].id, None, True, step.span)
    return Edge(step.id, "outcome", "resolved", None, True, step.span)


def edges(sop: Sop) -> tuple[Edge, ...]:
    """Every edge of the flow, steps in file order, branches in written order."""
    return tuple(edge for step in sop.steps for edge in step_edges(sop, step))


def raised(sop: Sop) -> frozenset[str]:
    """Escalation ids some step or branch names, whether the flow ends there or continues."""
    return frozenset(edge.raises or edge.target for edge in edges(sop)
                     if edge.kind == "escalate" or edge.raises is not None)


def step_ids(sop: Sop) -> frozenset[str]:
    return frozenset(step.id for step in sop.steps)


def successors(sop: Sop) -> dict[str, tuple[str, ...]]:
    """Step id -> the known step ids it can go to next (unknown targets left out)."""
    known = step_ids(sop)
    out: dict[str, tuple[str, ...]] = {}
    for step in sop.steps:
        targets = [e.target for e in step_edges(sop, step) if e.kind == "next" and e.target in known]
        # Two steps sharing an id (id-duplicate reports it) keep both steps' targets.
        out[step.id] = tuple(dict.fromkeys((*out.get(step.id, ()), *targets)))
    return out


def reachable(sop: Sop, extra_entries: Iterable[str] = ()) -> set[str]:
    """Step ids reachable from the first step (and from steps other SOPs enter)."""
    if not sop.steps:
        return set()
    follow = successors(sop)
    seen: set[str] = set()
    todo = [sop.steps[0].id, *(entry for entry in extra_entries if entry in follow)]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(follow[current])
    return seen


def can_end(sop: Sop) -> set[str]:
    """Step ids from which some path ends the flow.

    A reference to an unknown step counts as an end: `step-unknown-ref`
    reports it, and one mistake gives one finding.
    """
    known = step_ids(sop)
    predecessors: dict[str, list[str]] = {step.id: [] for step in sop.steps}
    ending: list[str] = []
    for step in sop.steps:
        for edge in step_edges(sop, step):
            if edge.kind in ENDING_KINDS or edge.target not in known:
                ending.append(step.id)
            else:
                predecessors[edge.target].append(step.id)
        if step.branches and all(branch.move.kind is None for branch in step.branches):
            ending.append(step.id)  # decision-incomplete reports it
        if step.is_decision and not step.branches:
            ending.append(step.id)
    seen: set[str] = set()
    todo = ending
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(predecessors[current])
    return seen


def closed_loops(sop: Sop) -> list[list[Step]]:
    """Groups of steps that lead only to each other: loops with no way out.

    Each group is a strongly connected component of the steps that cannot
    end, with no edge into another such component; steps leading into a
    loop are not loops themselves. Groups come in file order of their
    first step, each group's steps in file order.
    """
    ending = can_end(sop)
    stuck = [step for step in sop.steps if step.id not in ending]
    if not stuck:
        return []
    follow = successors(sop)
    components = _strongly_connected([s.id for s in stuck], follow)
    component_of = {node: index for index, nodes in enumerate(components) for node in nodes}
    by_id = {step.id: step for step in sop.steps}
    loops = []
    for index, nodes in enumerate(components):
        leaves = any(component_of.get(target, index) != index for node in nodes for target in follow[node])
        if leaves:
            continue
        loops.append(sorted((by_id[node] for node in nodes), key=lambda step: step.index))
    return sorted(loops, key=lambda group: group[0].index)


def _strongly_connected(nodes: list[str], follow: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (a long SOP must not hit the recursion limit)."""
    members = set(nodes)
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index_of:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(t for t in follow[root] if t in members))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index_of:
                    index_of[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(t for t in follow[child] if t in members)))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index_of[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
    return result


def split_goto(target: str) -> tuple[str, str | None]:
    """``"card-dispute#verify"`` -> ``("card-dispute", "verify")``."""
    sop_id, _, step_id = target.partition("#")
    return sop_id, (step_id or None)
