"""One flowchart of both versions of an SOP: added green, removed red and dashed, changed amber.

The graph is the union of the old flow (step and escalation ids mapped
through the renames the diff found) and the new one. Node names are ours
(``n0``, ``n1``...), never the author's, and every label goes through the
renderers' DOT quoting, so SOP text cannot break out of the graph. Drawing
it is :func:`csdocs.render.dot.render_svg`'s job (the one wrapper around
``dot``); :func:`write_svgs` writes only inside the folder it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files import replace_atomically
from ..graph import step_edges
from ..model import Sop, slugify
from ..render.dot import label, quote
from ..render.text import wrap
from .changes import SopDiff

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"

# status -> DOT attributes (border colour, fill, line style)
_STYLE = {
    ADDED: ('color="#1a7f37"', 'fillcolor="#dafbe1"', 'fontcolor="#0f5323"', 'penwidth=2'),
    REMOVED: ('color="#cf222e"', 'fillcolor="#ffebe9"', 'fontcolor="#82071e"', 'penwidth=2'),
    CHANGED: ('color="#bf8700"', 'fillcolor="#fff8c5"', 'fontcolor="#4d2d00"', 'penwidth=2'),
    SAME: ('color="#57606a"', 'fillcolor="#ffffff"', 'fontcolor="#24292f"', 'penwidth=1'),
}
_EDGE_STYLE = {
    ADDED: ('color="#1a7f37"', 'fontcolor="#1a7f37"', 'penwidth=2'),
    REMOVED: ('color="#cf222e"', 'fontcolor="#cf222e"', 'penwidth=2', 'style=dashed'),
    CHANGED: ('color="#bf8700"', 'fontcolor="#bf8700"', 'penwidth=2'),
    SAME: ('color="#57606a"', 'fontcolor="#57606a"'),
}
_SHAPE = {"step": "box", "decision": "diamond", "escalate": "hexagon", "goto": "cds", "outcome": "oval",
          "broken": "octagon"}


@dataclass(frozen=True, slots=True)
class _Node:
    key: str  # ("step", id) or (end kind, target) flattened: "step:verify", "escalate:high-value"
    kind: str
    text: str
    status: str


def _status(in_old: bool, in_new: bool, changed: bool) -> str:
    if not in_old:
        return ADDED
    if not in_new:
        return REMOVED
    return CHANGED if changed else SAME


def _changed_targets(diff: SopDiff) -> set[str]:
    """``steps.amount`` and ``escalations.high-value`` for every change that touches them."""
    touched = set()
    for change in diff.changes:
        parts = change.target.split(".")
        if len(parts) >= 2 and parts[0] in ("steps", "escalations"):
            touched.add(f"{parts[0]}.{parts[1]}")
    return touched


def _end_key(kind: str, target: str) -> str:
    return f"{kind}:{target}"


def to_diff_dot(old: Sop, new: Sop, diff: SopDiff) -> str:
    """The merged DOT graph of ``old`` and ``new`` (pure; same input, same bytes)."""
    step_map = dict(diff.step_renames)
    escalation_map = dict(diff.escalation_renames)
    touched = _changed_targets(diff)
    new_steps = {step.id: step for step in new.steps}
    old_steps = {step_map.get(step.id, step.id): step for step in old.steps}
    known_escalations = {e.id for e in new.escalations} | {escalation_map.get(e.id, e.id) for e in old.escalations}

    def map_edge(kind: str, target: str) -> tuple[str, str]:
        if kind == "next":
            return kind, step_map.get(target, target)
        if kind == "escalate":
            return kind, escalation_map.get(target, target)
        return kind, target

    old_edges = {(step_map.get(e.source, e.source), *map_edge(e.kind, e.target), (e.answer or "").strip().lower()):
                 e.answer for step in old.steps for e in step_edges(old, step)}
    new_edges = {(e.source, e.kind, e.target, (e.answer or "").strip().lower()): e.answer
                 for step in new.steps for e in step_edges(new, step)}

    nodes: dict[str, _Node] = {}
    order = [*new_steps, *(i for i in old_steps if i not in new_steps)]
    for step_id in order:
        step = new_steps.get(step_id) or old_steps[step_id]
        kind = "decision" if step.is_decision else "step"
        nodes[f"step:{step_id}"] = _Node(f"step:{step_id}", kind, step.title or step_id,
                                         _status(step_id in old_steps, step_id in new_steps,
                                                 f"steps.{step_id}" in touched))
    ends = sorted({(kind, target) for (_, kind, target, _) in (*old_edges, *new_edges) if kind != "next"})
    for kind, target in ends:
        in_old = any(k[1] == kind and k[2] == target for k in old_edges)
        in_new = any(k[1] == kind and k[2] == target for k in new_edges)
        end_kind = "broken" if kind == "escalate" and target not in known_escalations else kind
        changed = kind == "escalate" and f"escalations.{target}" in touched
        nodes[_end_key(kind, target)] = _Node(_end_key(kind, target), end_kind, _end_text(kind, target),
                                              _status(in_old, in_new, changed))
    for (_source, kind, target, _answer) in (*old_edges, *new_edges):  # next: to unknown steps
        if kind == "next" and f"step:{target}" not in nodes:
            nodes[f"step:{target}"] = _Node(f"step:{target}", "broken", f"unknown step {target}",
                                            _status(any(k[2] == target for k in old_edges),
                                                    any(k[2] == target for k in new_edges), False))
    # Escalations no step names are standing triggers, valid at any step: drawn apart, so a
    # removed or changed one shows too.
    old_escalations = [escalation_map.get(e.id, e.id) for e in old.escalations]
    new_escalations = [e.id for e in new.escalations]
    standing = []
    for escalation_id in dict.fromkeys([*new_escalations, *old_escalations]):
        key = _end_key("escalate", escalation_id)
        if key not in nodes:
            nodes[key] = _Node(key, "escalate", _end_text("escalate", escalation_id),
                               _status(escalation_id in old_escalations, escalation_id in new_escalations,
                                       f"escalations.{escalation_id}" in touched))
            standing.append(key)
    names = {key: f"n{index}" for index, key in enumerate(nodes)}

    out = [
        f"digraph {quote('SOP changes: ' + new.id)} {{",
        '  graph [rankdir=TB, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.4, '
        'id="flowchart-diff", class="csdocs-flowchart-diff"];',
        '  node [fontname="Helvetica", fontsize=11, margin="0.15,0.06", style="rounded,filled"];',
        '  edge [fontname="Helvetica", fontsize=10, arrowsize=0.8];',
        '  start [label="Start", shape=oval, style=filled, fillcolor="#37474f", fontcolor=white];',
    ]
    for key, node in nodes.items():
        if key in standing:
            continue
        out.append(_node_line(names[key], node))
    if standing:
        out.append("  subgraph cluster_standing {")
        out.append('    graph [label="Standing triggers (any step)", style="dashed", color="#9e9e9e", '
                   'labeljust=l, fontsize=10, id="standing", class="standing"];')
        out.extend("  " + _node_line(names[key], nodes[key]) for key in standing)
        out.append("  }")
    firsts = []
    if old.steps:
        firsts.append((f"step:{step_map.get(old.steps[0].id, old.steps[0].id)}", True, False))
    if new.steps:
        firsts.append((f"step:{new.steps[0].id}", False, True))
    merged_first: dict[str, tuple[bool, bool]] = {}
    for key, in_old, in_new in firsts:
        was = merged_first.get(key, (False, False))
        merged_first[key] = (was[0] or in_old, was[1] or in_new)
    for key, (in_old, in_new) in merged_first.items():
        out.append(f"  start -> {names[key]} [" + ", ".join(_EDGE_STYLE[_status(in_old, in_new, False)]) + "];")
    edge_keys = list(dict.fromkeys([*new_edges, *old_edges]))
    for edge in edge_keys:
        source, kind, target, _ = edge
        status = _status(edge in old_edges, edge in new_edges, False)
        answer = new_edges.get(edge) or old_edges.get(edge)
        head = names[f"step:{target}"] if kind == "next" else names[_end_key(kind, target)]
        attrs = list(_EDGE_STYLE[status])
        if answer:
            attrs.insert(0, f"label={label(wrap(answer, 20, limit=40))}")
        out.append(f"  {names[f'step:{source}']} -> {head} [" + ", ".join(attrs) + "];")
    out.extend(_legend())
    out.append("}")
    return "\n".join(out) + "\n"


def _node_line(name: str, node: _Node) -> str:
    style = list(_STYLE[node.status])
    if node.status == REMOVED:
        style.append('style="rounded,filled,dashed"')
    text = [*wrap(node.text, 28, limit=120)] or [node.key]
    if node.status != SAME:
        text.append(f"({node.status})")
    return (f"  {name} [label={label(text)}, shape={_SHAPE[node.kind]}, class={quote(node.status)}, "
            + ", ".join(style) + "];")


def _end_text(kind: str, target: str) -> str:
    return {"escalate": f"Escalate: {target}", "goto": f"Go to {target}", "outcome": f"End: {target}"}.get(
        kind, f"{kind} {target}")


def _legend() -> list[str]:
    lines = ["  subgraph cluster_legend {", '    graph [label="Changes", style="dashed", color="#9e9e9e", '
             'labeljust=l, fontsize=10, id="legend", class="legend"];']
    for index, status in enumerate((ADDED, REMOVED, CHANGED)):
        style = list(_STYLE[status])
        if status == REMOVED:
            style.append('style="rounded,filled,dashed"')
        lines.append(f"    legend{index} [label={quote(status)}, shape=box, fontsize=9, " + ", ".join(style) + "];")
    lines.append("    legend0 -> legend1 -> legend2 [style=invis];")
    lines.append("  }")
    return lines


def file_name(sop_id: str, used: set[str]) -> str:
    """A safe, unique ``<id>.svg`` name: no folders, no dots, no surprises."""
    stem = slugify(sop_id) or "sop"  # the one slug: an id in Japanese keeps its name, not "sop"
    name, number = f"{stem}.svg", 2
    while name in used:
        name, number = f"{stem}-{number}.svg", number + 1
    used.add(name)
    return name


def svg_names(sop_ids: Iterable[str]) -> dict[str, str]:
    """SOP id -> its file's name in ``--svg DIR``, given the ids in the order their files are written."""
    used: set[str] = set()
    return {sop_id: file_name(sop_id, used) for sop_id in sop_ids}


def write_svgs(folder: Path, graphs: Sequence[tuple[str, str]], *,
               render: Callable[[Sequence[str]], Sequence[str]] | None = None) -> list[Path]:
    """Render each (sop id, DOT text) and write ``folder/<id>.svg``; return the files written.

    ``render`` turns DOT texts into SVG texts (default: the renderers'
    batched, parallel :func:`csdocs.render.dot.render_many`). Each file is
    written to a temporary file in ``folder`` and renamed over the target,
    so an existing symlink is replaced, never followed out of ``folder``.
    """
    if render is None:
        from ..render.dot import render_many

        def render(texts: Sequence[str]) -> Sequence[str]:
            return [str(svg) for svg in render_many(texts, fmt="svg")]

    svgs = render([dot_text for _, dot_text in graphs])
    folder.mkdir(parents=True, exist_ok=True)
    names = svg_names(sop_id for sop_id, _ in graphs)
    written = []
    for (sop_id, _), svg in zip(graphs, svgs, strict=True):
        target = folder / names[sop_id]
        replace_atomically(target, svg)
        written.append(target)
    return written
