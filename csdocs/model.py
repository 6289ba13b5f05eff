"""The typed, frozen model of an SOP.

Only :mod:`csdocs.loader` builds these objects; every other part of csdocs
(lint rules, renderers, the site, the review diff) reads them and never
touches raw YAML. Every node keeps where it came from, so a rule can point
at the exact line and column of the key or value it complains about.

Positions live in a per-node ``spans`` mapping keyed by field name
(``"next"``), by ``"field:key"`` for the key itself, and by ``"field[i]"``
for the items of a list (``"related[2]"``). ``node.at("next")`` falls back to
the node's own span when the field is absent.
"""

from __future__ import annotations

import copyreg
import datetime as _dt
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple, Never, TypeVar


class Span(NamedTuple):
    """A 1-based line and column in the SOP file."""

    line: int
    column: int


_K = TypeVar("_K")
_V = TypeVar("_V")

NO_SPAN = Span(1, 1)
_EMPTY: Mapping[str, Never] = MappingProxyType({})  # one shared empty map, for fields of any value type
EMPTY_SPANS: Mapping[str, Span] = _EMPTY


# Models cross process boundaries (lint loads big projects on every core):
# let read-only mappings pickle as what they wrap.
def read_only(mapping: dict[_K, _V]) -> MappingProxyType[_K, _V]:
    return MappingProxyType(mapping)


copyreg.pickle(MappingProxyType, lambda proxy: (read_only, (dict(proxy),)))


def _no_spans() -> Mapping[str, Span]:
    return EMPTY_SPANS


def _empty() -> Mapping[str, Never]:
    return _EMPTY

STAGES = ("intake", "triage", "resolution", "follow-up", "feedback")
OUTCOMES = ("resolved", "unresolved", "escalated", "transferred", "closed")
STATUSES = ("draft", "active", "retired")
PRIORITIES = ("emergency", "high", "medium", "low")
CHANNELS = ("phone", "email", "chat", "social", "app", "store", "web", "sms")
DEFAULT_HANDOFF = ("contact_reason", "attempted_resolution", "escalation_reason", "customer_told")
SLA_NAMES = ("first_response", "resolution")

DURATION_SYNTAX = re.compile(r"[0-9]+[mhdw]")  # the one spelling: fullmatch
DURATION_UNITS: Mapping[str, int] = MappingProxyType({"m": 1, "h": 60, "d": 60 * 24, "w": 60 * 24 * 7})  # minutes
_LONGEST_DIGITS = 11  # "99999999999w" and longer: valid syntax, beyond any calendar (and no 5,000-digit ints)


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration as the author wrote it (``text``, ``"4h"``) and its length (``minutes``, 240).

    The format's one spelling is an integer and one unit, ``m``, ``h``, ``d`` or ``w``, nothing
    around or between them; ``minutes`` is None for anything else (``"4 h"``, ``"4 hours"``,
    ``"PT4H"``, ``"1.5h"``), which the ``duration-format`` rule reports. Readers show ``text`` as
    written and compute only with ``minutes``: an invalid duration is never reinterpreted.
    Built once, by the loader (:func:`Duration.parse`).
    """

    text: str
    minutes: int | None

    @classmethod
    def parse(cls, text: str) -> Duration:
        """``"90d"`` -> ``Duration("90d", 129600)``; ``"4 h"`` -> ``Duration("4 h", None)``."""
        if not DURATION_SYNTAX.fullmatch(text) or len(text[:-1].lstrip("0")) > _LONGEST_DIGITS:
            return cls(text, None)
        return cls(text, int(text[:-1]) * DURATION_UNITS[text[-1]])

    def __str__(self) -> str:
        return self.text

    @property
    def immediate(self) -> bool:
        """``0m`` (format 1.1): "immediately", the one zero the format allows (a first response, a response)."""
        return self.minutes == 0 and self.text.endswith("m")

    @property
    def length(self) -> _dt.timedelta | None:
        """The duration as a timedelta; None when it is invalid or beyond what a date can hold."""
        if self.minutes is None:
            return None
        try:
            return _dt.timedelta(minutes=self.minutes)
        except OverflowError:
            return None


DEFAULT_REVIEW_EVERY = Duration.parse("90d")

# An SLA is one duration, or a map from priority to duration (`{emergency: 4h, low: 5d}`).
SlaValue = Duration | Mapping[str, Duration]


def sla_entries(value: SlaValue | None) -> tuple[tuple[str | None, Duration], ...]:
    """An SLA as ``(priority, duration)`` pairs, most urgent priority first; ``(None, d)`` for one duration.

    Priorities outside :data:`PRIORITIES` (the schema rule's finding) come last, as written.
    """
    if value is None:
        return ()
    if isinstance(value, Duration):
        return ((None, value),)
    known = [(p, value[p]) for p in PRIORITIES if p in value]
    return (*known, *((p, d) for p, d in value.items() if p not in PRIORITIES))


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"


class _Located:
    """Mixin: find the position of one of this node's fields."""

    __slots__ = ()
    span: Span
    spans: Mapping[str, Span]

    def at(self, name: str) -> Span:
        return self.spans.get(name, self.span)

    def key_at(self, name: str) -> Span:
        return self.spans.get(name + ":key", self.at(name))


class Move(NamedTuple):
    """Where a step or branch goes next: at most one field is set."""

    next: str | None = None
    escalate: str | None = None
    goto: str | None = None
    outcome: str | None = None

    @property
    def kind(self) -> str | None:
        for name in ("next", "escalate", "goto", "outcome"):
            if getattr(self, name) is not None:
                return name
        return None

    @property
    def target(self) -> str | None:
        kind = self.kind
        return None if kind is None else getattr(self, kind)

    @property
    def raises(self) -> str | None:
        """The escalation raised on the way when ``escalate`` sits beside ``next`` (format 1.1):
        the escalation starts and the agent continues at ``next``; ``kind`` is then ``"next"``."""
        return self.escalate if self.next is not None else None


MOVE_FIELDS = Move._fields
ESCALATE_AND_CONTINUE = frozenset({"escalate", "next"})  # the one pair of moves a step or branch may write


def extra_move(written: list[str]) -> str:
    """Of two or more moves in file order, the one to report: the second, or, beside an allowed
    ``escalate`` + ``next`` pair, the first move that is neither."""
    if set(written) >= ESCALATE_AND_CONTINUE:
        return next(name for name in written if name not in ESCALATE_AND_CONTINUE)
    return written[1]


@dataclass(frozen=True, slots=True)
class Branch(_Located):
    answer: str
    move: Move
    path: str
    span: Span = NO_SPAN
    spans: Mapping[str, Span] = field(default_factory=_no_spans)


@dataclass(frozen=True, slots=True)
class Step(_Located):
    index: int  # 0-based position in the file's step list
    id: str  # "<step N>" when the author left it out (never matches a reference)
    title: str
    path: str
    stage: str | None = None
    actor: str | None = None
    action: str | None = None
    say: str | None = None
    automated: bool = False
    decision: str | None = None
    branches: tuple[Branch, ...] = ()
    move: Move = Move()
    every: Duration | None = None  # a recurring duty: repeat this step every <duration> ...
    until: str | None = None  # ... until this condition holds (format 1.1)
    has_id: bool = True
    span: Span = NO_SPAN
    spans: Mapping[str, Span] = field(default_factory=_no_spans)

    @property
    def is_decision(self) -> bool:
        return self.decision is not None or bool(self.branches)

    @property
    def number(self) -> int:
        """The step's number wherever a reader sees one (site, agent script, guided resolution, API,
        lint): its place in the file, from 1, as the author ordered the procedure."""
        return self.index + 1


@dataclass(frozen=True, slots=True)
class Escalation(_Located):
    id: str
    path: str
    trigger: str | None = None
    from_tier: str | None = None  # None: no `from`, the project's first tier (csdocs.tiers.Tiers.start)
    to_tier: str | None = None
    owner: str | None = None
    sla: Duration | None = None
    response: Duration | None = None  # how soon the owner acknowledges it (format 1.1); may be 0m
    handoff: tuple[str, ...] | None = None  # None: the project's required items
    index: int = 0  # 0-based position in the file's escalation list
    span: Span = NO_SPAN
    spans: Mapping[str, Span] = field(default_factory=_no_spans)


@dataclass(frozen=True, slots=True)
class Definition(_Located):
    term: str
    meaning: str
    span: Span = NO_SPAN
    spans: Mapping[str, Span] = field(default_factory=_no_spans)


@dataclass(frozen=True, slots=True)
class Tier(_Located):
    id: str
    name: str
    authority: str | None = None
    span: Span = NO_SPAN
    spans: Mapping[str, Span] = field(default_factory=_no_spans)


@dataclass(frozen=True, slots=True)
class Script(_Located):
    greeting: str | None = None
    questions: tuple[str, ...] = ()
    closing: str | None = None
    span: Span = NO_SPAN
    spans: Mapping[str, Span] = field(default_factory=_no_spans)


@dataclass(frozen=True, slots=True)
class Sop(_Located):
    """One SOP file. Fields absent or malformed in the file hold their default."""

    path: str  # as given on the command line or found under sops_dir
    id: str
    title: str = ""
    department: str = ""
    owner: str | None = None
    purpose: str = ""
    status: str = "active"
    version: str | None = None
    last_reviewed: _dt.date | None = None
    review_every: Duration = DEFAULT_REVIEW_EVERY
    channels: tuple[str, ...] = ()
    contact_types: tuple[str, ...] = ()
    priority: str | None = None
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # the words customers and agents use for this contact: search only
    definitions: tuple[Definition, ...] = ()
    # first_response / resolution -> a duration, or (format 1.1) a read-only map priority -> duration
    sla: Mapping[str, SlaValue] = field(default_factory=_empty)
    tiers: tuple[Tier, ...] = ()
    script: Script = Script()
    steps: tuple[Step, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    metrics: Mapping[str, str] = field(default_factory=_empty)
    related: tuple[str, ...] = ()
    span: Span = NO_SPAN
    spans: Mapping[str, Span] = field(default_factory=_no_spans)
    # The text the SOP was read from: where a word inside a value is written (quotes, escapes,
    # folded lines) is read back from it (csdocs.load.positions). Not part of what the SOP says.
    source: str = field(default="", repr=False, compare=False)

    def step(self, step_id: str) -> Step | None:
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    def escalation(self, escalation_id: str) -> Escalation | None:
        for escalation in self.escalations:
            if escalation.id == escalation_id:
                return escalation
        return None

    @property
    def department_key(self) -> str:
        """The department as written, spaces collapsed: what makes two SOPs one department."""
        return " ".join(self.department.split())

    @property
    def slug(self) -> str:
        """The department's slug (``general`` for none); two departments may share one, their
        folders never do (the site numbers the second)."""
        return slugify(self.department) or "general"


@dataclass(frozen=True, slots=True)
class Glossary:
    """Project-wide term -> meaning, from ``sops/glossary.yaml``."""

    path: str | None = None
    terms: Mapping[str, str] = field(default_factory=_empty)
    spans: Mapping[str, Span] = field(default_factory=_no_spans)


_PLAIN_MEMBER = re.compile(r"[A-Za-z0-9_-]+")


def member(parent: str, name: str) -> str:
    """A document path one level down: ``parent.name``, or ``parent["name"]`` when the name is not a
    plain word (``definitions["e.g."]``); ``name`` alone at the top (``parent`` empty)."""
    if _PLAIN_MEMBER.fullmatch(name):
        return f"{parent}.{name}" if parent else name
    return f"{parent}[{json.dumps(name, ensure_ascii=False)}]"


SLUG_MAX = 60  # characters: folder and file names stay far below the file system's 255 bytes


def slugify(text: str, *, ascii_only: bool = False) -> str:
    """The one slug of csdocs: department folders, page and API file names, contact-type pages.

    ``"Billing & Payments"`` -> ``"billing-payments"``, ``"Hoàn tiền"`` -> ``"hoàn-tiền"``,
    ``"返金窓口"`` -> ``"返金窓口"``, ``"ＣＲＭ"`` -> ``"crm"``, ``"???"`` -> ``""``. NFKC-normalised
    (full-width and compatibility forms become the plain ones), lower-cased; every run of characters
    that are not letters, digits or marks of any script becomes one ``-``; at most :data:`SLUG_MAX`
    characters, no ``-`` at either end. Different texts can share a slug (``Billing/Payments``,
    ``Billing Payments``): callers that name folders keep them apart (``department-folder-clash``).

    ``ascii_only``: accents dropped and other scripts left out, for what must match ``[a-z0-9-]``
    (an id suggestion: ``"Hoàn tiền"`` -> ``"hoan-tien"``).
    """
    text = unicodedata.normalize("NFKC", text)
    if ascii_only:
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    out: list[str] = []
    for char in text.lower():
        keep = (char.isascii() and char.isalnum()) if ascii_only else unicodedata.category(char)[0] in "LNM"
        if keep:
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:SLUG_MAX].rstrip("-")
