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

Safety: SOP text is untrusted. Every value goes into a *quoted* DOT string
with backslashes and quotes escaped, ``&`` written as ``&amp;`` (Graphviz
passes entities through to the SVG), control characters dropped and line
breaks written by us as ``\\n``. No HTML-like ``<...>`` label is ever built,
node names are ours (``s0``, ``e1``...), never the author's, and a URL only
comes from the caller's ``sop_url`` and only if it is http(s) or relative.
So no SOP text can end a string, add an attribute, or make a link.

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
from collections.abc import Callable, Iterable, Mapping
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

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_URL_SAFE = "/:?#@!$'()*+,;=%-._~"  # `&` is percent-encoded: Graphviz would write it raw into the SVG


# --------------------------------------------------------------------------
# escaping


def quote(text: str) -> str:
    """A DOT quoted string holding ``text`` literally (it is never read as an escape or entity)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + text + '"'


def label(lines: Iterable[str]) -> str:
    """Lines of tidy text as one quoted, centred DOT label: our ``\\n`` breaks, the author's none."""
    escaped = [quote(line)[1:-1] for line in lines]
    return '"' + "\\n".join(escaped) + '"'


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
# node names and svg ids


class Lines(tuple):
    """A label's plain text lines: written as one quoted DOT label (or Mermaid label) at the end."""

    __slots__ = ()


Attrs = tuple[tuple[str, "str | Lines"], ...]  # attribute -> already-quoted DOT value, or label lines


def _value(value: str | Lines) -> str:
    return label(value) if isinstance(value, Lines) else value


@dataclass(frozen=True, slots=True)
class Node:
    name: str  # the DOT node name: ours, never SOP text
    svg_id: str
    attrs: Attrs


# --------------------------------------------------------------------------
# the graph


@dataclass(frozen=True, slots=True)
class Flowchart:
    """The nodes and edges of one SOP's chart, before they are written as DOT."""

    start: Node
    steps: tuple[Node, ...]
    escalations: tuple[Node, ...]  # named by a step, in file order
    standing: tuple[Node, ...]  # named by no step: valid at any step
    links: tuple[Node, ...]  # goto another SOP, in order of first appearance
    outcomes: tuple[Node, ...]
    unknown: tuple[Node, ...]  # references to steps or escalations that do not exist
    edges: tuple[tuple[str, str, Attrs], ...]  # (tail, head, attrs)
    lanes: tuple[tuple[str, tuple[str, ...]], ...]  # (lane title, step node names)


def build(sop: Sop, *, sop_url: SopUrl | None = None, lanes: Lanes | None = None,
          config: Config | None = None) -> Flowchart:
    used: set[str] = set()
    start = Node("start", "start", (("label", Lines(["Start"])), ("shape", "oval"), ("style", "filled"),
                                    ("fillcolor", '"#37474f"'), ("fontcolor", "white"),
                                    ("class", '"start"')))
    used.add("start")

    places = graph.anchors(sop)  # the site's anchors: one rule, unique ids
    used.update(places.steps)
    used.update(places.escalations)
    step_name: dict[str, str] = {}
    steps = []
    for step in sop.steps:
        name = f"s{step.index}"
        step_name.setdefault(step.id, name)
        steps.append(Node(name, places.step(step), _step_attrs(step)))

    named = graph.raised(sop)
    tiers = resolve_tiers(sop, config)
    escalation_name: dict[str, str] = {}
    escalations: list[Node] = []
    standing: list[Node] = []
    for index, escalation in enumerate(sop.escalations):
        if escalation.id in escalation_name:
            continue  # id-duplicate reports it; the first one is the one steps reach
        name = f"e{index}"
        escalation_name[escalation.id] = name
        node = Node(name, places.escalation(escalation),
                    _escalation_attrs(escalation, tiers, standing=escalation.id not in named))
        (escalations if escalation.id in named else standing).append(node)

    links: dict[str, Node] = {}
    outcomes: dict[str, Node] = {}
    unknown: dict[tuple[str, str], Node] = {}
    edges: list[tuple[str, str, Attrs]] = [("start", steps[0].name, ())] if steps else []
    continued: set[tuple[str, str]] = set()
    for step in sop.steps:  # by position, not id: a duplicated step id keeps its own edges
        for edge in graph.step_edges(sop, step):
            head = _edge_head(edge, step_name, escalation_name, links, outcomes, unknown, used, sop_url)
            if edge.raises is None:
                edges.append((f"s{step.index}", head, _edge_attrs(edge)))
                continue
            # escalate and continue: into the escalation's hexagon, and from it on to the next step
            raised = edge._replace(kind="escalate", target=edge.raises)
            hexagon = _edge_head(raised, step_name, escalation_name, links, outcomes, unknown, used, sop_url)
            edges.append((f"s{step.index}", hexagon, _edge_attrs(raised)))
            if (hexagon, head) not in continued:
                continued.add((hexagon, head))
                edges.append((hexagon, head, (("label", Lines(["then continue"])), ("style", "bold"),
                                              ("class", '"edge-continue"'))))

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
            links[edge.target] = Node(f"g{position}", svg_id, _goto_attrs(edge.target, sop_url))
        return links[edge.target].name
    # outcome
    if edge.target not in outcomes:
        position = len(outcomes) + 1
        outcomes[edge.target] = Node(f"o{position}", graph.unique_id("outcome", edge.target, position, used),
                                     _outcome_attrs(edge.target))
    return outcomes[edge.target].name


def _unknown(unknown: dict[tuple[str, str], Node], kind: str, target: str, used: set[str]) -> str:
    key = (kind, target)
    if key not in unknown:
        position = len(unknown) + 1
        svg_id = f"unknown-{position}"
        used.add(svg_id)
        unknown[key] = Node(f"u{position}", svg_id, (
            ("label", Lines([f"unknown {kind}", *wrap(repr(tidy(target)), STEP_WIDTH, limit=60)])),
            ("shape", "box"), ("style", '"dashed"'), ("color", '"#c62828"'), ("fontcolor", '"#c62828"'),
            ("class", '"unknown"')))
    return unknown[key].name


# --------------------------------------------------------------------------
# attributes


def _tooltip(*texts: str | None) -> Attrs:
    text = " — ".join(t for t in (tidy(x) for x in texts) if t)
    return (("tooltip", quote(clip_text(text, TOOLTIP_LIMIT))),) if text else ()


def _step_attrs(step: Step) -> Attrs:
    if step.is_decision:
        lines = wrap(step.decision or step.title, DECISION_WIDTH) or [step.id]
        return (("label", Lines(lines)), ("shape", "diamond"), ("style", '"filled"'),
                ("fillcolor", '"#e3f2fd"'), ("class", '"step decision"'),
                *_tooltip(step.title, step.decision))
    lines = wrap(step.title, STEP_WIDTH) or [step.id]
    if step.automated:
        lines.append("(automated)")
    if step.every is not None:  # a recurring duty
        lines += wrap(f"↻ every {tidy(step.every.text)} until {tidy(step.until) or '?'}", STEP_WIDTH, limit=90)
    style = '"rounded,filled,dashed"' if step.automated else '"rounded,filled"'
    return (("label", Lines(lines)), ("shape", "box"), ("style", style), ("fillcolor", '"#fafafa"'),
            ("class", quote(" ".join(["step action", *(["automated"] if step.automated else []),
                                      *(["recurring"] if step.every is not None else [])]))),
            *_tooltip(step.action, step.say and f"Say: {step.say}"))


def _escalation_attrs(escalation: Escalation, tiers: Tiers, *, standing: bool) -> Attrs:
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
    return (("label", Lines(lines)), ("shape", "hexagon"), ("margin", '"0.02,0.04"'), ("style", '"filled"'),
            ("fillcolor", quote(colour)), ("class", quote(f"escalation {tier_class.lower()}")),
            *_tooltip(escalation.trigger and f"When: {escalation.trigger}"))


def response_words(duration: Duration) -> str:
    """An escalation's response time as a label reads it: ``0m`` is "immediately", else "within 15m"."""
    return "immediately" if duration.immediate else f"within {clip_text(tidy(duration.text), 20)}"


def _goto_attrs(target: str, sop_url: SopUrl | None) -> Attrs:
    sop_id, step_id = graph.split_goto(target)
    lines = ["Go to SOP", *wrap(sop_id, STEP_WIDTH, limit=80)]
    if step_id:
        lines += wrap(f"step {step_id}", STEP_WIDTH, limit=80)
    attrs: list[tuple[str, str | Lines]] = [("label", Lines(lines)), ("shape", "cds"), ("style", '"filled"'),
                                    ("fillcolor", '"#e8eaf6"'), ("class", '"goto"')]
    url = safe_url(sop_url(sop_id, step_id)) if sop_url is not None else None
    if url:
        attrs += [("URL", quote(url)), ("target", '"_top"'), ("fontcolor", '"#1a237e"')]
    return tuple(attrs)


def _outcome_attrs(word: str) -> Attrs:
    colour = OUTCOME_COLOURS.get(word, UNKNOWN_OUTCOME_COLOUR)
    text = tidy(word)
    outcome_class = f"outcome-{word}" if word in OUTCOMES else "outcome-other"
    return (("label", Lines(wrap(text[:1].upper() + text[1:], STEP_WIDTH, limit=40) or ["?"])),
            ("shape", "oval"), ("style", '"filled"'), ("fillcolor", quote(colour)), ("peripheries", "2"),
            ("class", quote(f"outcome {outcome_class}")))


def _edge_attrs(edge: graph.Edge) -> Attrs:
    attrs: list[tuple[str, str | Lines]] = []
    if edge.answer is not None:
        attrs.append(("label", Lines(wrap(edge.answer, EDGE_WIDTH, limit=80) or ["(no answer)"])))
    if edge.kind == "escalate":
        attrs += [("color", '"#e65100"'), ("penwidth", "1.5")]
    elif edge.kind == "goto":
        attrs.append(("style", "dashed"))
    elif edge.implicit:
        attrs.append(("color", '"#607d8b"'))
    attrs.append(("class", quote(f"edge-{edge.kind}")))
    return tuple(attrs)


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


# --------------------------------------------------------------------------
# writing DOT


def graph_name(sop: Sop) -> str:
    """The SVG's <title>: the SOP's title with only plain characters (Graphviz also
    writes it into an XML comment, where ``--`` would break the file)."""
    text = re.sub(r"[^\w .,:;'()!?/+]", " ", tidy(sop.title) or sop.id)
    return "Flowchart: " + (clip_text(re.sub(r" +", " ", text).strip(), 80) or "SOP")


def _node_line(node: Node, indent: str) -> str:
    attrs = [("id", quote(node.svg_id)), *node.attrs]
    return f"{indent}{node.name} [" + ", ".join(f"{key}={_value(value)}" for key, value in attrs) + "];"


def to_dot(sop: Sop, *, sop_url: SopUrl | None = None, lanes: Lanes | None = None,
           config: Config | None = None) -> str:
    """The DOT text of ``sop``'s flowchart (pure; same SOP, same bytes).

    ``sop_url(sop_id, step_id_or_None)`` gives the link of a ``goto`` node
    (the site supplies it); ``lanes`` groups steps into ``stage`` or
    ``actor`` swimlanes; ``config`` gives the tier order for colours.
    """
    chart = build(sop, sop_url=sop_url, lanes=lanes, config=config)
    out = [
        f"digraph {quote(graph_name(sop))} {{",
        '  graph [rankdir=TB, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.4, '
        'newrank=true, id="flowchart", class="csdocs-flowchart"];',
        '  node [fontname="Helvetica", fontsize=11, margin="0.15,0.06"];',
        '  edge [fontname="Helvetica", fontsize=10, arrowsize=0.8];',
        _node_line(chart.start, "  "),
    ]
    by_name = {node.name: node for node in chart.steps}
    if chart.lanes:
        placed: set[str] = set()
        for position, (title, names) in enumerate(chart.lanes, start=1):
            if not title:
                continue
            out.append(f"  subgraph cluster_lane_{position} {{")
            out.append(f"    graph [label={label(wrap(title, 40, limit=60))}, style=\"rounded,filled\", "
                       f"fillcolor=\"#f5f5f5\", color=\"#bdbdbd\", labeljust=l, id={quote(f'lane-{position}')}, "
                       'class="lane"];')
            out.extend(_node_line(by_name[name], "    ") for name in names)
            placed.update(names)
            out.append("  }")
        out.extend(_node_line(node, "  ") for node in chart.steps if node.name not in placed)
    else:
        out.extend(_node_line(node, "  ") for node in chart.steps)
    out.extend(_node_line(node, "  ") for node in chart.escalations)
    if chart.standing:
        out.append("  subgraph cluster_standing {")
        out.append('    graph [label="Standing triggers (any step)", style="dashed", color="#9e9e9e", '
                   'labeljust=l, id="standing", class="standing"];')
        out.extend(_node_line(node, "    ") for node in chart.standing)
        out.append("  }")
    out.extend(_node_line(node, "  ") for node in (*chart.links, *chart.outcomes, *chart.unknown))
    for number, (tail, head, attrs) in enumerate(chart.edges, start=1):
        fields = [("id", quote(f"edge-{number}")), *attrs]
        out.append(f"  {tail} -> {head} [" + ", ".join(f"{key}={_value(value)}" for key, value in fields) + "];")
    out.append("}")
    return "\n".join(out) + "\n"
