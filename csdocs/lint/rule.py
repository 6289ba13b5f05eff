"""What a rule is, what it yields, and what it may look at."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from ..config import Config
from ..model import Glossary, Severity, Sop, Span, slugify


class Issue(NamedTuple):
    """What a rule yields: where, and a short message (what and where, with a fix).

    ``where`` is the document path when the rule knows it better than its
    position tells (the engine otherwise finds it from the span).
    """

    span: Span
    message: str
    where: str | None = None


class Finding(NamedTuple):
    """An issue stamped by the engine with its file, rule and severity; sorts deterministically."""

    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    document_path: str = ""  # what it is about in the SOP (``steps[3].branches[1]``); "" for the whole file

    def as_dict(self) -> dict[str, object]:
        return self._asdict()


class SopRef(NamedTuple):
    """What cross-SOP checks need of another SOP: small, so it crosses processes cheaply."""

    id: str
    path: str
    step_ids: frozenset[str]
    entries: tuple[tuple[str, str], ...]  # (sop id, step id) this SOP enters with goto sop#step
    department: str = ""  # as written, spaces collapsed (Sop.department_key)


def sop_ref(sop: Sop) -> SopRef:
    entries = []
    for step in sop.steps:
        for move in (step.move, *(branch.move for branch in step.branches)):
            if move.goto and "#" in move.goto:
                target, _, step_id = move.goto.partition("#")
                entries.append((target, step_id))
    return SopRef(sop.id, sop.path, frozenset(step.id for step in sop.steps if step.has_id), tuple(entries),
                  sop.department_key)


@dataclass(frozen=True, slots=True)
class Project:
    """Every SOP the cross-SOP checks resolve against (by reference, not the whole model)."""

    sops_by_id: Mapping[str, tuple[SopRef, ...]] = field(default_factory=dict)
    glossary: Glossary = Glossary()
    entries: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # department (as written, spaces collapsed) -> the other departments with its slug, each with the
    # first SOP file (by path) that names it; only departments that share their slug are here
    department_clashes: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def sop(self, sop_id: str) -> SopRef | None:
        found = self.sops_by_id.get(sop_id)
        return found[0] if found else None

    def entered_steps(self, sop_id: str) -> frozenset[str]:
        """Step ids of ``sop_id`` that another SOP enters with ``goto: sop#step``."""
        return self.entries.get(sop_id, frozenset())


def build_project(refs: Iterable[SopRef], glossary: Glossary = Glossary()) -> Project:
    """Index SOPs by id and record which steps other SOPs enter with ``goto``."""
    by_id: dict[str, list[SopRef]] = {}
    entries: dict[str, set[str]] = {}
    departments: dict[str, dict[str, str]] = {}
    for ref in sorted(refs, key=lambda r: r.path):
        by_id.setdefault(ref.id, []).append(ref)
        if ref.department:
            departments.setdefault(slugify(ref.department) or "general", {}).setdefault(ref.department, ref.path)
        for target, step_id in ref.entries:
            entries.setdefault(target, set()).add(step_id)
    return Project(
        sops_by_id={key: tuple(sorted(value, key=lambda r: r.path)) for key, value in by_id.items()},
        glossary=glossary,
        entries={key: frozenset(value) for key, value in entries.items()},
        department_clashes={name: tuple((other, path) for other, path in names.items() if other != name)
                            for names in departments.values() if len(names) > 1 for name in names},
    )


@dataclass(frozen=True, slots=True)
class LintContext:
    """Read-only facts a rule may use besides the SOP itself."""

    config: Config
    today: _dt.date
    project: Project = Project()


Check = Callable[[Sop, LintContext], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its name, default severity, documentation and check.

    ``check`` is None for the rules the loader reports (``yaml-syntax``,
    ``yaml-duplicate-key``, ``schema``): they need the raw YAML, which only
    the loader sees.
    """

    name: str
    severity: Severity
    doc: str
    check: Check | None = None

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip()

    def section(self, heading: str) -> str:
        """The text of one ``## heading`` section of the docstring."""
        match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return match.group(1).strip() if match else ""

    def example(self) -> str:
        """The YAML of the docstring's Example section (a whole SOP that fires the rule)."""
        return _code_block(self.section("Example"))

    def fixed_example(self) -> str:
        return _code_block(self.section("Use instead"))


def _code_block(text: str) -> str:
    match = re.search(r"```ya?ml\n(.*?)```", text, re.S)
    return match.group(1) if match else ""
