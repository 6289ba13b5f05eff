"""What the review diff reports: one :class:`Change` per meaningful difference.

A change names the SOP, a kind from :data:`KINDS`, a target (a dotted path
inside the SOP such as ``steps.amount.decision``), a risk, a short message
that says why it has that risk, and the old and new values (plain,
JSON-serialisable data). Changes sort by SOP id, then by the position of
their kind in :data:`KINDS`, then by target, so the same two versions always
give the same report, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Risk(str, Enum):
    """How much a change can hurt customers or agents if it is wrong."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """2 for high, 1 for medium, 0 for low: larger is riskier."""
        return _RANK[self]


_RANK = {Risk.HIGH: 2, Risk.MEDIUM: 1, Risk.LOW: 0}


def highest(risks: Any) -> Risk | None:
    """The riskiest of ``risks``, or None when there are none."""
    best: Risk | None = None
    for risk in risks:
        if best is None or risk.rank > best.rank:
            best = risk
    return best


# The contract's kinds, plus `version-not-bumped` (a high-risk change left the
# SOP's `version` as it was). The order is the report order within one SOP:
# the SOP as a whole first, then its people and promises, then its flow.
KINDS = (
    "sop-added",
    "sop-removed",
    "version-not-bumped",
    "owner-changed",
    "sla-changed",
    "escalation-added",
    "escalation-removed",
    "escalation-changed",
    "threshold-changed",
    "step-added",
    "step-removed",
    "step-changed",
    "branch-changed",
    "definition-changed",
    "metric-changed",
    "field-changed",
)
_KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Change:
    sop: str  # the SOP id
    kind: str  # one of KINDS
    target: str  # dotted path inside the SOP: "steps.amount", "escalations.high-value.sla", "owner"
    risk: Risk
    message: str  # what changed and why it has this risk; SOP text clipped, never trusted
    old: Any = None  # JSON-serialisable
    new: Any = None
    path: str = ""  # the file the change is in: the new file, or the old one for removals
    line: int = 1  # 1-based line in ``path``

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.sop, _KIND_ORDER.get(self.kind, len(KINDS)), self.target, self.message)

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON object, plus where it is (``path``, ``line``)."""
        return {
            "sop": self.sop,
            "kind": self.kind,
            "target": self.target,
            "risk": self.risk.value,
            "message": self.message,
            "old": self.old,
            "new": self.new,
            "path": self.path,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class PathChange:
    """A resolution path (start to end of the flow) that exists in only one version."""

    sop: str
    change: str  # "added" | "removed"
    steps: tuple[str, ...]
    answers: tuple[tuple[str, str], ...]  # (decision step id, answer taken), in path order
    end_kind: str  # "outcome" | "escalate" | "goto" | "broken"
    end_target: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sop": self.sop,
            "change": self.change,
            "steps": list(self.steps),
            "answers": [list(pair) for pair in self.answers],
            "end": {"kind": self.end_kind, "target": self.end_target},
        }

    def describe(self) -> str:
        """``log → eligible (Yes) → amount (Yes) → escalate 'high-value'``."""
        pending = list(self.answers)
        parts = []
        for step in self.steps:
            if pending and pending[0][0] == step:
                parts.append(f"{step} ({pending.pop(0)[1]})")
            else:
                parts.append(step)
        parts.append(f"{self.end_kind} {self.end_target!r}")
        return " → ".join(parts)


@dataclass(frozen=True, slots=True)
class SopDiff:
    """Everything that changed in one SOP between two versions."""

    sop: str
    old_path: str | None
    new_path: str | None
    changes: tuple[Change, ...]
    paths: tuple[PathChange, ...] = ()
    old_version: str | None = None
    new_version: str | None = None
    step_renames: tuple[tuple[str, str], ...] = ()  # (old id, new id)
    escalation_renames: tuple[tuple[str, str], ...] = ()
    paths_truncated: bool = False  # an SOP has more paths than are enumerated: the path lists are incomplete

    @property
    def risk(self) -> Risk | None:
        return highest(change.risk for change in self.changes)


@dataclass(frozen=True, slots=True)
class Review:
    """The diff of a set of SOPs, in SOP id order."""

    sops: tuple[SopDiff, ...] = field(default_factory=tuple)

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(change for diff in self.sops for change in diff.changes)

    @property
    def risk(self) -> Risk | None:
        return highest(change.risk for change in self.changes)

    def fails(self, threshold: Risk | None) -> bool:
        """True when some change is at or above ``threshold`` (never when it is None)."""
        if threshold is None:
            return False
        return any(change.risk.rank >= threshold.rank for change in self.changes)
