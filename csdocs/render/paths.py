"""Resolution paths: every way a contact can go through one SOP, from the first step to an end.

A path follows the flow rules of :mod:`csdocs.graph` (``next``, decision
branches, the fall-through to the step below) until it ends: an
``outcome`` (falling off the last step is ``resolved``), an ``escalate`` or
a ``goto`` another SOP.

Loops: **a step appears at most twice on one path**: a path may come back
to a step once, so every loop is gone round at most once (the retry), and
the count stays finite. A reference to a step or
escalation that does not exist ends the path with ``end_kind "broken"``
(only SOPs with lint errors have one); a branch with no target is a dead end
and gives no path.

The count is bounded: a pathological SOP (decisions in a long chain double
the paths each time) stops at ``limit`` paths (1,000 by default) and the
search itself stops after ``MAX_WORK`` moves; :class:`PathSet` says so with
``truncated``, and the text and JSON forms carry a note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from .. import graph
from ..model import Sop
from .text import tidy

MAX_PATHS = 1000
MAX_VISITS = 2  # a step's first visit, and one return round a loop
MAX_WORK = 200_000  # moves explored before giving up, found paths or not

EndKind = Literal["outcome", "escalate", "goto", "broken"]


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
    """Every resolution path, depth first, branches in written order; at most ``limit``."""
    if not sop.steps or limit <= 0:
        return PathSet((), bool(sop.steps), limit)
    by_id: dict[str, int] = {}
    for step in sop.steps:
        by_id.setdefault(step.id, step.index)
    out_edges = [graph.step_edges(sop, step) for step in sop.steps]
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
    """Every path from the first step to an end (see the module doc); at most ``limit``."""
    return find_paths(sop, limit=limit).paths


def paths_to_data(sop: Sop, *, limit: int = MAX_PATHS) -> dict:
    found = find_paths(sop, limit=limit)
    data: dict = {
        "sop": sop.id,
        "count": len(found.paths),
        "truncated": found.truncated,
        "paths": [
            {"steps": list(path.steps),
             "answers": [{"step": step, "answer": answer} for step, answer in path.answers],
             "end": {"kind": path.end_kind, "target": path.end_target}}
            for path in found.paths
        ],
    }
    if found.truncated:
        data["note"] = f"stopped after {len(found.paths)} paths; the SOP has more"
    return data


def paths_to_json(sop: Sop, *, limit: int = MAX_PATHS) -> str:
    """``{"sop", "count", "truncated", "paths": [{"steps", "answers", "end": {"kind", "target"}}]}``."""
    return json.dumps(paths_to_data(sop, limit=limit), indent=2, ensure_ascii=False) + "\n"


END_WORDS = {"outcome": "ends", "escalate": "escalates to", "goto": "continues in SOP",
             "broken": "stops at the unknown reference"}


def paths_to_text(sop: Sop, *, limit: int = MAX_PATHS) -> str:
    """One numbered block per path: the steps with the answers taken, then the end."""
    found = find_paths(sop, limit=limit)
    lines = [f"{len(found.paths)} resolution path{'s' if len(found.paths) != 1 else ''} "
             f"through {sop.id}"]
    for number, path in enumerate(found.paths, start=1):
        lines.append("")
        lines.append(f"{number}. {END_WORDS[path.end_kind]} {tidy(path.end_target)}")
        pending = list(path.answers)
        for step_id in path.steps:
            line = f"   - {tidy(step_id)}"
            if pending and pending[0][0] == step_id:
                line += f" -> {tidy(pending.pop(0)[1])}"
            lines.append(line)
    if found.truncated:
        lines += ["", f"note: stopped after {len(found.paths)} paths; the SOP has more"]
    return "\n".join(lines) + "\n"
