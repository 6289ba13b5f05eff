"""What every part of the diff shares: the two versions, the renames between them, quoting.

The rename maps are found before any change is judged
(:mod:`csdocs.review.matching`), so every part reads the same maps and
none of them sets state for another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..graph import Edge
from ..loader import clip
from ..model import Sop
from .changes import Change, Risk
from .text import norm

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class DiffContext:
    """The two versions of one SOP and the ids renamed between them (old id -> new id, renames only)."""

    old: Sop
    new: Sop
    path: str  # the file changes point at (the new one)
    step_map: Mapping[str, str]
    escalation_map: Mapping[str, str]

    @property
    def sop(self) -> str:
        return self.new.id

    def change(self, kind: str, target: str, risk: Risk, message: str, old: Any = None, new: Any = None,
               *, line: int | None = None) -> Change:
        """A :class:`Change` in this SOP; ``line`` defaults to the SOP's first line."""
        return Change(self.sop, kind, target, risk, _CONTROL.sub("?", message), old, new, self.path,
                      line if line is not None else self.new.span.line)

    def map_step(self, step_id: str) -> str:
        return self.step_map.get(step_id, step_id)

    def map_escalation(self, escalation_id: str) -> str:
        return self.escalation_map.get(escalation_id, escalation_id)

    def map_edge(self, edge: Edge) -> tuple[str, str]:
        """An old edge's (kind, target) with the target renamed as in the new version."""
        if edge.kind == "next":
            return edge.kind, self.map_step(edge.target)
        if edge.kind == "escalate":
            return edge.kind, self.map_escalation(edge.target)
        return edge.kind, edge.target


def quote(text: object, limit: int = 60) -> str:
    """A user's value quoted for a message: clipped, one line, no terminal control characters."""
    return repr(clip(_CONTROL.sub("?", norm(str(text))) if text is not None else "", limit))
