"""The flow of one SOP as a graph: pure functions over the model.

Nodes are step ids; an :class:`Edge` leaves a step for another step
(``next``, a branch or the fall-through to the step below), or ends this
SOP's flow (``escalate``, ``goto``, ``outcome``, or falling off the last
step, which ends ``resolved``). An ``escalate`` written beside ``next``
(format 1.1) does not end the flow: it is the ``next`` edge, with the
escalation it raises on the way in :attr:`Edge.raises`. The lint rules, the renderers, the paths and
the review diff all read the flow through this module, so they agree on it.

Resolution paths (:func:`find_paths`) are every way a contact can go
through one SOP, from the first step to an end: an ``outcome`` (falling off
the last step is ``resolved``), an ``escalate`` or a ``goto`` another SOP.
**A step appears at most twice on one path**: a path may come back to a
step once, so every loop is gone round at most once (the retry), and the
count stays finite. A reference to a step or escalation that does not exist
ends the path with ``end_kind "broken"`` (only SOPs with lint errors have
one); a branch with no target is a dead end and gives no path. The count is
bounded: a pathological SOP (decisions in a long chain double the paths
each time) stops at ``limit`` paths (:data:`MAX_PATHS`) and the search
itself after :data:`MAX_WORK` moves; :class:`PathSet` says so with
``truncated``. ``csdocs paths`` (csdocs.render.paths) prints them and the
review diff compares them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from .model import Escalation, Sop, Span, Step

ENDING_KINDS = ("escalate", "goto", "outcome")
MAX_PATHS = 1000
MAX_VISITS = 2  # a step's first visit, and one return round a loop
MAX_WORK = 200_000  # moves explored before giving up, found paths or not

EndKind = Literal["outcome", "escalate", "goto", "broken"]


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
    return _closure([sop.steps[0].id, *(entry for entry in extra_entries if entry in follow)], follow)


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
    return _closure(ending, predecessors)


def _closure(starts: Iterable[str], follow: Mapping[str, Sequence[str]]) -> set[str]:
    """``starts`` and every id reached from them through ``follow`` (an id to the ids it leads to)."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(follow[current])
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


# --------------------------------------------------------------------------
# resolution paths


@dataclass(frozen=True, slots=True)
class ResolutionPath:
    steps: tuple[str, ...]  # step ids, in order (a loop's first step may appear twice)
    answers: tuple[tuple[str, str], ...]  # (decision step id, answer taken), in order
    end_kind: EndKind
    end_target: str  # the outcome word, escalation id, "sop" or "sop#step", or the unknown reference


@dataclass(frozen=True, slots=True)
class PathSet:
    paths: tuple[ResolutionPath, ...]
    truncated: bool  # the limit stopped the search: there are more paths than listed
    limit: int


def find_paths(sop: Sop, *, limit: int = MAX_PATHS) -> PathSet:
    """Every resolution path (see the module doc), depth first, branches in written order; at most ``limit``."""
    if not sop.steps or limit <= 0:
        return PathSet((), bool(sop.steps), limit)
    by_id: dict[str, int] = {}
    for step in sop.steps:
        by_id.setdefault(step.id, step.index)
    out_edges = [step_edges(sop, step) for step in sop.steps]
    escalation_ids = {escalation.id for escalation in sop.escalations}

    found: list[ResolutionPath] = []
    truncated = False
    work = 0
    # Each frame: (step index, next edge position to try); parallel stacks keep the current path.
    frames: list[list[int]] = [[0, 0]]
    steps: list[str] = [sop.steps[0].id]
    answers: list[tuple[str, str] | None] = [None]  # the answer that led *out of* the frame's step
    visits = [0] * len(sop.steps)  # times each step is on the current path
    visits[0] = 1

    while frames:
        frame = frames[-1]
        index, position = frame
        if position >= len(out_edges[index]):
            frames.pop()
            steps.pop()
            answers.pop()
            visits[index] -= 1
            continue
        frame[1] += 1
        work += 1
        if work > MAX_WORK:
            truncated = True
            break
        edge = out_edges[index][position]
        answer = (sop.steps[index].id, edge.answer) if edge.answer is not None else None
        path_answers = tuple(a for a in (*answers[:-1], answer) if a is not None)
        end: tuple[EndKind, str]  # set by every branch below that does not `continue`
        if edge.kind == "next":
            target = by_id.get(edge.target)
            if target is None:
                end = ("broken", edge.target)
            elif visits[target] >= MAX_VISITS:
                continue  # the loop back to this step was already gone round once
            else:
                visits[target] += 1
                answers[-1] = answer
                frames.append([target, 0])
                steps.append(sop.steps[target].id)
                answers.append(None)
                continue
        elif edge.kind == "escalate":
            end = ("escalate" if edge.target in escalation_ids else "broken", edge.target)
        elif edge.kind == "goto":
            end = ("goto", edge.target)
        else:
            end = ("outcome", edge.target)
        found.append(ResolutionPath(tuple(steps), path_answers, end[0], end[1]))
        if len(found) >= limit:
            truncated = any(f[1] < len(out_edges[f[0]]) for f in frames)
            break
    return PathSet(tuple(found), truncated, limit)


def resolution_paths(sop: Sop, *, limit: int = MAX_PATHS) -> tuple[ResolutionPath, ...]:
    """Every path from the first step to an end (see :func:`find_paths`); at most ``limit``."""
    return find_paths(sop, limit=limit).paths


# --------------------------------------------------------------------------
# where each step and escalation is on a page

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True, slots=True)
class Anchors:
    """The one anchor rule: HTML ids of an SOP's steps (by :attr:`Step.index`) and escalations (by
    :attr:`Escalation.index`), unique on the page.

    ``step-<id>`` / ``escalation-<id>`` when the id is a plain slug, else ``step-_<n>`` (``n`` from 1);
    a duplicated id (``id-duplicate``'s finding) gives its second holder ``step-<id>_<n>``. The site's
    procedure, the guided resolution, the API, the flowchart's SVG ids and links to ``sop#step`` all
    read these.
    """

    steps: tuple[str, ...]
    escalations: tuple[str, ...]

    def step(self, step: Step) -> str:
        return self.steps[step.index]

    def escalation(self, escalation: Escalation) -> str:
        return self.escalations[escalation.index]


def anchors(sop: Sop) -> Anchors:
    """The anchors of every step and escalation of ``sop``: see :class:`Anchors`."""
    used: set[str] = set()
    return Anchors(steps=tuple(unique_id("step", step.id if step.has_id else "", step.index + 1, used)
                               for step in sop.steps),
                   escalations=tuple(unique_id("escalation", escalation.id, escalation.index + 1, used)
                                     for escalation in sop.escalations))


def unique_id(prefix: str, value: str, position: int, used: set[str]) -> str:
    """``<prefix>-<value>`` for a plain slug, else ``<prefix>-_<position>``; ``_<position>`` appended when
    taken (``used`` is updated). The SVG ids of outcomes use it too."""
    candidate = f"{prefix}-{value}" if _SLUG.fullmatch(value) else f"{prefix}-_{position}"
    if candidate in used:
        candidate = f"{candidate}_{position}"
    used.add(candidate)
    return candidate
