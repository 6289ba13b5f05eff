"""An SOP as a Graphviz flowchart: a pure function ``Sop -> DOT text``.

The shapes are the ones a reader knows at a glance:

* the start: a dark oval;
* an action step: a rounded box (dashed when the helpdesk does it itself);
* a decision: a diamond holding the question; its edges carry the answers;
* an escalation: a hexagon filled by the colour of its target tier, with the
  tier, the SLA and the owner; escalations no step names are "standing
  triggers", valid at any step, and sit in their own box;
* a ``goto`` another SOP: a link node (``cds`` shape), clickable in the SVG
  when the caller gives ``sop_url``;
* an outcome: an oval terminal coloured by the outcome.

The chart is plain data (:class:`Flowchart`: nodes with their kind, label
lines, fill colour, CSS classes, tooltip and link; edges with their kind and
answer): nothing in it is quoted or escaped for any format. The writers do
that, each for its own syntax: :func:`csdocs.render.dot.to_dot` (Graphviz)
and :func:`csdocs.render.mermaid.to_mermaid`. SOP text is untrusted: labels
are tidied here (control characters dropped, white space made one space,
clipped, wrapped into lines), the line breaks are ours, node names are ours
(``s0``, ``e1``...), never the author's, and a URL only comes from the
caller's ``sop_url`` and only if it is http(s) or relative (:func:`safe_url`).

Every node carries an SVG ``id`` (``step-<id>``, ``escalation-<id>``,
``outcome-<word>``, ``goto-<n>``, ``start``) and a ``class`` so the site can
highlight a step; ids that are not plain slugs fall back to their position
(``step-_3``), so the SVG never holds a surprising id.

Order is stable: nodes in file order (start, steps, escalations, links,
outcomes), edges in the order :func:`csdocs.graph.edges` gives them.

DOT node names are a contract the site relies on (they become each SVG
node's ``<title>``): ``start``, ``s<i>`` for the step at position ``i``,
``e<i>`` for the escalation at position ``i``, ``g<n>`` / ``o<n>`` / ``u<n>``
for links, outcomes and unknown references in order of first appearance.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from .. import graph
from ..config import Config
from ..model import OUTCOMES, Duration, Escalation, Sop, Step
from ..tiers import Tiers
from ..tiers import resolve as resolve_tiers
from .text import clip_text, tidy, wrap

SopUrl = Callable[[str, "str | None"], "str | None"]
Lanes = Literal["stage", "actor"]

STEP_WIDTH = 28  # characters per label line: boxes stay readable at the site's column width
DECISION_WIDTH = 24  # diamonds grow fast with width
EDGE_WIDTH = 20
TOOLTIP_LIMIT = 400

OUTCOME_COLOURS: Mapping[str, str] = {
    "resolved": "#c8e6c9",
    "unresolved": "#ffcdd2",
    "escalated": "#ffe0b2",
    "transferred": "#bbdefb",
    "closed": "#e0e0e0",
}
UNKNOWN_OUTCOME_COLOUR = "#ffffff"
TIER_COLOURS = ("#fff59d", "#ffcc80", "#ef9a9a", "#ce93d8", "#90caf9")  # lowest tier first
UNKNOWN_TIER_COLOUR = "#eeeeee"
START_COLOUR = "#37474f"
DECISION_COLOUR = "#e3f2fd"
ACTION_COLOUR = "#fafafa"
GOTO_COLOUR = "#e8eaf6"

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_URL_SAFE = "/:?#@!$'()*+,;=%-._~"  # `&` is percent-encoded: Graphviz would write it raw into the SVG


# --------------------------------------------------------------------------
# links


def safe_url(url: str | None) -> str | None:
    """``url`` if it is http(s) or relative, percent-encoded so it cannot break out; else None."""
    if not url:
        return None
    url = url.strip()
    if any(ord(char) < 32 or char in "\\\x7f" for char in url):
        return None
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("", "http", "https"):
        return None
    if not scheme and ":" in url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return None  # "javascript&colon;..." tricks and "c:..." are not relative links
    return urllib.parse.quote(url, safe=_URL_SAFE)


def url_from_pattern(pattern: str) -> SopUrl:
    """A ``sop_url`` from a pattern such as ``"../{sop}/#step-{step}"``.

    ``{sop}`` and ``{step}`` are filled with percent-encoded ids; when the
    ``goto`` names no step, everything from the ``{step}`` placeholder's
    ``#`` on is dropped (``"../{sop}/"``).
    """

    def sop_url(sop_id: str, step_id: str | None) -> str | None:
        chosen = pattern
        if step_id is None and "{step}" in chosen:
            head = chosen.split("{step}", 1)[0]
            chosen = head[: head.rfind("#")] if "#" in head else head
        return (chosen.replace("{sop}", urllib.parse.quote(sop_id, safe=""))
                .replace("{step}", urllib.parse.quote(step_id or "", safe="")))

    return sop_url


# --------------------------------------------------------------------------
# nodes and edges: plain data


NODE_KINDS = ("start", "action", "decision", "escalation", "goto", "outcome", "unknown")


@dataclass(frozen=True, slots=True)
class Node:
    """One box of the chart, in no format's syntax: the writers quote and escape every field."""

    name: str  # the node's name in the chart: ours (``s0``, ``e1``), never SOP text
    svg_id: str  # the id the SVG node carries: graph.anchors' for steps and escalations
    kind: str  # one of NODE_KINDS
    lines: tuple[str, ...]  # the label: tidy, clipped, wrapped lines of plain text
    classes: tuple[str, ...]  # CSS classes (``step``, ``action``, ``automated``...)
    fill: str | None = None  # background colour, ``#rrggbb``: tier and outcome colours
    tooltip: str = ""  # plain text, tidy and clipped
    url: str | None = None  # a goto's link, already made safe (safe_url)
    dashed: bool = False  # an action the helpdesk does itself (``automated``)


@dataclass(frozen=True, slots=True)
class ChartEdge:
    """One arrow: ``kind`` is the move (``next``, ``escalate``, ``goto``, ``outcome``) or ``continue``,
    from an escalation raised on the way on to the next step (format 1.1)."""

    tail: str  # node names
    head: str
    kind: str
    lines: tuple[str, ...] | None = None  # the answer of a decision, wrapped; None: no label
    implicit: bool = False  # the fall-through to the step below, or the end after the last step


# --------------------------------------------------------------------------
# the graph


@dataclass(frozen=True, slots=True)
class Flowchart:
    """The nodes and edges of one SOP's chart, before a writer puts them in its syntax."""

    start: Node
    steps: tuple[Node, ...]
    escalations: tuple[Node, ...]  # named by a step, in file order
    standing: tuple[Node, ...]  # named by no step: valid at any step
    links: tuple[Node, ...]  # goto another SOP, in order of first appearance
    outcomes: tuple[Node, ...]
    unknown: tuple[Node, ...]  # references to steps or escalations that do not exist
    edges: tuple[ChartEdge, ...]
    lanes: tuple[tuple[str, tuple[str, ...]], ...]  # (lane title, step node names)


def build(sop: Sop, *, sop_url: SopUrl | None = None, lanes: Lanes | None = None,
          config: Config | None = None) -> Flowchart:
    """The chart of ``sop`` as plain data (pure). ``sop_url(sop_id, step_id_or_None)`` gives the link of
    a ``goto`` node; ``lanes`` groups steps by ``stage`` or ``actor``; ``config`` gives the tier order
    that colours escalations."""
    used: set[str] = set()
    start = Node("start", "start", "start", ("Start",), ("start",), fill=START_COLOUR)
    used.add("start")

    places = graph.anchors(sop)  # the site's anchors: one rule, unique ids
    used.update(places.steps)
    used.update(places.escalations)
    step_name: dict[str, str] = {}
    steps = []
    for step in sop.steps:
        name = f"s{step.index}"
        step_name.setdefault(step.id, name)
        steps.append(_step_node(step, name, places.step(step)))

    named = graph.raised(sop)
    tiers = resolve_tiers(sop, config)
    escalation_name: dict[str, str] = {}
    escalations: list[Node] = []
    standing: list[Node] = []
    for escalation in sop.escalations:
        if escalation.id in escalation_name:
            continue  # id-duplicate reports it; the first one is the one steps reach
        name = f"e{escalation.index}"
        escalation_name[escalation.id] = name
        node = _escalation_node(escalation, name, places.escalation(escalation), tiers,
                                standing=escalation.id not in named)
        (escalations if escalation.id in named else standing).append(node)

    links: dict[str, Node] = {}
    outcomes: dict[str, Node] = {}
    unknown: dict[tuple[str, str], Node] = {}
    edges: list[ChartEdge] = [ChartEdge("start", steps[0].name, "start")] if steps else []
    continued: set[tuple[str, str]] = set()
    for step in sop.steps:  # by position, not id: a duplicated step id keeps its own edges
        for edge in graph.step_edges(sop, step):
            head = _edge_head(edge, step_name, escalation_name, links, outcomes, unknown, used, sop_url)
            if edge.raises is None:
                edges.append(_chart_edge(f"s{step.index}", head, edge))
                continue
            # escalate and continue: into the escalation's hexagon, and from it on to the next step
            raised = edge._replace(kind="escalate", target=edge.raises)
            hexagon = _edge_head(raised, step_name, escalation_name, links, outcomes, unknown, used, sop_url)
            edges.append(_chart_edge(f"s{step.index}", hexagon, raised))
            if (hexagon, head) not in continued:
                continued.add((hexagon, head))
                edges.append(ChartEdge(hexagon, head, "continue", ("then continue",)))

    return Flowchart(
        start=start,
        steps=tuple(steps),
        escalations=tuple(escalations),
        standing=tuple(standing),
        links=tuple(links.values()),
        outcomes=tuple(outcomes.values()),
        unknown=tuple(unknown.values()),
        edges=tuple(edges),
        lanes=_lanes(sop, lanes),
    )


def _edge_head(edge: graph.Edge, step_name: Mapping[str, str], escalation_name: Mapping[str, str],
               links: dict[str, Node], outcomes: dict[str, Node], unknown: dict[tuple[str, str], Node],
               used: set[str], sop_url: SopUrl | None) -> str:
    if edge.kind == "next":
        if edge.target in step_name:
            return step_name[edge.target]
        return _unknown(unknown, "step", edge.target, used)
    if edge.kind == "escalate":
        if edge.target in escalation_name:
            return escalation_name[edge.target]
        return _unknown(unknown, "escalation", edge.target, used)
    if edge.kind == "goto":
        if edge.target not in links:
            position = len(links) + 1
            svg_id = f"goto-{position}"
            used.add(svg_id)
            links[edge.target] = _goto_node(edge.target, f"g{position}", svg_id, sop_url)
        return links[edge.target].name
    # outcome
    if edge.target not in outcomes:
        position = len(outcomes) + 1
        outcomes[edge.target] = _outcome_node(edge.target, f"o{position}",
                                              graph.unique_id("outcome", edge.target, position, used))
    return outcomes[edge.target].name


def _unknown(unknown: dict[tuple[str, str], Node], kind: str, target: str, used: set[str]) -> str:
    key = (kind, target)
    if key not in unknown:
        position = len(unknown) + 1
        svg_id = f"unknown-{position}"
        used.add(svg_id)
        lines = (f"unknown {kind}", *wrap(repr(tidy(target)), STEP_WIDTH, limit=60))
        unknown[key] = Node(f"u{position}", svg_id, "unknown", lines, ("unknown",))
    return unknown[key].name


# --------------------------------------------------------------------------
# what each node and edge says


def _tooltip(*texts: str | None) -> str:
    return clip_text(" — ".join(t for t in (tidy(x) for x in texts) if t), TOOLTIP_LIMIT)


def _step_node(step: Step, name: str, svg_id: str) -> Node:
    if step.is_decision:
        lines = wrap(step.decision or step.title, DECISION_WIDTH) or [step.id]
        return Node(name, svg_id, "decision", tuple(lines), ("step", "decision"), fill=DECISION_COLOUR,
                    tooltip=_tooltip(step.title, step.decision))
    lines = wrap(step.title, STEP_WIDTH) or [step.id]
    if step.automated:
        lines.append("(automated)")
    if step.every is not None:  # a recurring duty
        lines += wrap(f"↻ every {tidy(step.every.text)} until {tidy(step.until) or '?'}", STEP_WIDTH, limit=90)
    classes = ("step", "action", *(["automated"] if step.automated else []),
               *(["recurring"] if step.every is not None else []))
    return Node(name, svg_id, "action", tuple(lines), classes, fill=ACTION_COLOUR,
                tooltip=_tooltip(step.action, step.say and f"Say: {step.say}"), dashed=step.automated)


def _escalation_node(escalation: Escalation, name: str, svg_id: str, tiers: Tiers, *, standing: bool) -> Node:
    target = escalation.to_tier or "?"
    rank = tiers.rank(escalation.to_tier)  # the order escalation-tier ranks by
    colour = UNKNOWN_TIER_COLOUR if rank is None else TIER_COLOURS[min(rank, len(TIER_COLOURS) - 1)]
    heading = f"Escalate to {tidy(tiers.label(target))}"
    lines = [*wrap(heading, STEP_WIDTH, limit=80)]
    if escalation.response is not None:
        lines.append(f"Respond {response_words(escalation.response)}")
    lines.append(f"SLA {clip_text(tidy(escalation.sla.text if escalation.sla else None) or '?', 20)}")
    lines += wrap(escalation.owner, STEP_WIDTH, limit=80)
    if standing:  # no edge says when it applies, so the node does
        lines += wrap(f"When: {tidy(escalation.trigger)}", STEP_WIDTH, limit=90)
    tier_class = f"tier-{target}" if _SLUG.fullmatch(target.lower()) else "tier-unknown"
    return Node(name, svg_id, "escalation", tuple(lines), ("escalation", tier_class.lower()), fill=colour,
                tooltip=_tooltip(escalation.trigger and f"When: {escalation.trigger}"))


def response_words(duration: Duration) -> str:
    """An escalation's response time as a label reads it: ``0m`` is "immediately", else "within 15m"."""
    return "immediately" if duration.immediate else f"within {clip_text(tidy(duration.text), 20)}"


def _goto_node(target: str, name: str, svg_id: str, sop_url: SopUrl | None) -> Node:
    sop_id, step_id = graph.split_goto(target)
    lines = ["Go to SOP", *wrap(sop_id, STEP_WIDTH, limit=80)]
    if step_id:
        lines += wrap(f"step {step_id}", STEP_WIDTH, limit=80)
    url = safe_url(sop_url(sop_id, step_id)) if sop_url is not None else None
    return Node(name, svg_id, "goto", tuple(lines), ("goto",), fill=GOTO_COLOUR, url=url)


def _outcome_node(word: str, name: str, svg_id: str) -> Node:
    text = tidy(word)
    outcome_class = f"outcome-{word}" if word in OUTCOMES else "outcome-other"
    return Node(name, svg_id, "outcome", tuple(wrap(text[:1].upper() + text[1:], STEP_WIDTH, limit=40) or ["?"]),
                ("outcome", outcome_class), fill=OUTCOME_COLOURS.get(word, UNKNOWN_OUTCOME_COLOUR))


def _chart_edge(tail: str, head: str, edge: graph.Edge) -> ChartEdge:
    lines = None
    if edge.answer is not None:
        lines = tuple(wrap(edge.answer, EDGE_WIDTH, limit=80) or ["(no answer)"])
    return ChartEdge(tail, head, edge.kind, lines, edge.implicit)


def _lanes(sop: Sop, lanes: Lanes | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Lane title -> step node names; a step without a stage (actor) stays in the lane above."""
    if lanes is None:
        return ()
    order: dict[str, list[str]] = {}
    current: str | None = None
    for step in sop.steps:
        value = step.stage if lanes == "stage" else step.actor
        if value:
            current = tidy(value)
        order.setdefault(current or "", []).append(f"s{step.index}")
    return tuple((title, tuple(names)) for title, names in order.items())
