"""Resolution paths that exist in only one version (context for the changes, no risk of their own)."""

from __future__ import annotations

from collections.abc import Iterable

from ..graph import ResolutionPath, find_paths
from ..model import Sop
from .changes import PathChange
from .context import DiffContext
from .flow import answer_key


def sop_paths(sop: Sop) -> tuple[tuple[ResolutionPath, ...], bool]:
    """The SOP's paths (:func:`csdocs.graph.find_paths`), and whether the search stopped at its limit."""
    found = find_paths(sop)
    return found.paths, found.truncated


def map_path(ctx: DiffContext, path: ResolutionPath) -> ResolutionPath:
    """An old version's path with its step and escalation ids renamed as in the new version."""
    end_target = path.end_target
    if path.end_kind == "escalate":
        end_target = ctx.map_escalation(end_target)
    answers = tuple((ctx.map_step(step), answer) for step, answer in path.answers)
    return ResolutionPath(tuple(ctx.map_step(s) for s in path.steps), answers, path.end_kind, end_target)


def _path_key(path: ResolutionPath) -> ResolutionPath:
    """Answers compared as branches are: case and spacing do not make another path."""
    answers = tuple((step, answer_key(answer)) for step, answer in path.answers)
    return ResolutionPath(path.steps, answers, path.end_kind, path.end_target)


def path_changes(sop_id: str, old: Iterable[ResolutionPath], new: Iterable[ResolutionPath]) -> tuple[PathChange, ...]:
    """The paths in only one version, removed first (``old`` already mapped to the new ids)."""
    old_by_key = {_path_key(p): p for p in old}
    new_by_key = {_path_key(p): p for p in new}
    out = [_path_change(sop_id, "removed", p) for key, p in old_by_key.items() if key not in new_by_key]
    out += [_path_change(sop_id, "added", p) for key, p in new_by_key.items() if key not in old_by_key]
    return tuple(sorted(out, key=lambda p: (p.change != "removed", p.steps, p.end_kind, p.end_target,
                                            p.answers)))


def _path_change(sop_id: str, change: str, path: ResolutionPath) -> PathChange:
    return PathChange(sop_id, change, path.steps, path.answers, path.end_kind, path.end_target)
