"""An SOP as a Mermaid flowchart, for places without Graphviz (GitHub renders it in PR comments).

The same nodes and edges as the Graphviz chart (:func:`csdocs.render.flowchart.build`),
in the same order. Node ids are ours (``s0``, ``e1``, ``o1``...), never the
author's. Every label is a quoted Mermaid string whose special characters
are written as Mermaid entity codes (``#quot;``, ``#35;``, ``#60;``...), so
SOP text cannot end a label, start a new statement, or smuggle HTML or a
``click`` link; line breaks are ours (``<br/>``). No ``click`` lines are
written at all: a link in a PR comment is not worth a way to inject one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..config import Config
from ..model import Sop
from .flowchart import Flowchart, Lanes, build
from .text import wrap

# Characters that mean something to Mermaid's parser or to the HTML it renders labels into.
_ENTITIES = {
    "#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;", "|": "#124;",
    "[": "#91;", "]": "#93;", "{": "#123;", "}": "#125;", "(": "#40;", ")": "#41;", ";": "#59;",
    "\\": "#92;", "%": "#37;",
}
_TABLE = str.maketrans(_ENTITIES)

# Mermaid refuses to draw a diagram over these (its defaults, which GitHub keeps: maxTextSize and maxEdges in
# mermaid-js/mermaid, packages/mermaid/src/schemas/config.schema.yaml); it shows an error in the chart's place.
MAX_TEXT_SIZE = 50_000  # characters of diagram text
MAX_EDGES = 500  # links in one diagram
_EDGE_LINE = re.compile(r"^\s+\w+ (?:-->|-\.->)", re.MULTILINE)  # one link per line, as to_mermaid writes them


def escape(text: str) -> str:
    """Mermaid label text with every special character as an entity code."""
    return text.translate(_TABLE)


def mermaid_label(lines: Iterable[str]) -> str:
    return '"' + "<br/>".join(escape(line) for line in lines) + '"'


SHAPES = {  # node kind -> (open, close) around the quoted label
    "start": ("([", "])"),
    "action": ("(", ")"),
    "decision": ("{", "}"),
    "escalation": ("{{", "}}"),
    "goto": (">", "]"),
    "outcome": ("(((", ")))"),
    "unknown": ("[/", "/]"),
}


def to_mermaid(sop: Sop, *, lanes: Lanes | None = None, config: Config | None = None) -> str:
    """The Mermaid ``flowchart TD`` text of ``sop`` (pure; same SOP, same bytes)."""
    chart = build(sop, lanes=lanes, config=config)
    out = ["flowchart TD"]
    lines_of = _node_lines(chart)
    out.append(f"  {lines_of[chart.start.name]}")
    placed: set[str] = {chart.start.name}
    if chart.lanes:
        for position, (title, names) in enumerate(chart.lanes, start=1):
            if not title:
                continue
            out.append(f"  subgraph lane{position}[{mermaid_label(wrap(title, 40, limit=60))}]")
            out.extend(f"    {lines_of[name]}" for name in names)
            out.append("  end")
            placed.update(names)
    for node in (*chart.steps, *chart.escalations):
        if node.name not in placed:
            out.append(f"  {lines_of[node.name]}")
    if chart.standing:
        out.append(f"  subgraph standing[{mermaid_label(['Standing triggers (any step)'])}]")
        out.extend(f"    {lines_of[node.name]}" for node in chart.standing)
        out.append("  end")
    out.extend(f"  {lines_of[node.name]}" for node in (*chart.links, *chart.outcomes, *chart.unknown))
    for edge in chart.edges:
        arrow = "-.->" if edge.kind == "goto" else "-->"
        if edge.lines is None:
            out.append(f"  {edge.tail} {arrow} {edge.head}")
        else:
            out.append(f"  {edge.tail} {arrow}|{mermaid_label(edge.lines)}| {edge.head}")
    out += [
        "  classDef start fill:#37474f,color:#ffffff",
        "  classDef decision fill:#e3f2fd",
        "  classDef escalation fill:#ffcc80",
        "  classDef goto fill:#e8eaf6",
        "  classDef outcome fill:#c8e6c9",
        "  classDef unknown stroke:#c62828,stroke-dasharray:4",
    ]
    for kind, members in _classes(chart).items():
        if members:
            out.append(f"  class {','.join(members)} {kind}")
    for node in (*chart.escalations, *chart.standing, *chart.outcomes):  # tier and outcome colours, as in DOT
        out.append(f"  style {node.name} fill:{node.fill}")
    return "\n".join(out) + "\n"


def _node_lines(chart: Flowchart) -> dict[str, str]:
    """Node name -> its Mermaid statement, with the very label lines the DOT chart shows."""
    out = {}
    for node in (chart.start, *chart.steps, *chart.escalations, *chart.standing, *chart.links, *chart.outcomes,
                 *chart.unknown):
        out[node.name] = node.name + _shape(node.kind, node.lines)
    return out


def _shape(kind: str, lines: Iterable[str]) -> str:
    opening, closing = SHAPES[kind]
    return f"{opening}{mermaid_label(lines)}{closing}"


def _classes(chart: Flowchart) -> dict[str, list[str]]:
    decisions = [node.name for node in chart.steps if node.kind == "decision"]
    return {
        "start": [chart.start.name],
        "decision": decisions,
        "escalation": [node.name for node in (*chart.escalations, *chart.standing)],
        "goto": [node.name for node in chart.links],
        "outcome": [node.name for node in chart.outcomes],
        "unknown": [node.name for node in chart.unknown],
    }


def over_limits(text: str) -> str | None:
    """Why Mermaid, with the limits GitHub draws with, would refuse ``text`` (written by :func:`to_mermaid`),
    as ``"612 edges, over Mermaid's limit of 500"``; None when it can draw it."""
    edges = len(_EDGE_LINE.findall(text))
    if edges > MAX_EDGES:
        return f"{edges:,} edges, over Mermaid's limit of {MAX_EDGES:,}"
    if len(text) > MAX_TEXT_SIZE:
        return f"{len(text):,} characters, over Mermaid's limit of {MAX_TEXT_SIZE:,}"
    return None
