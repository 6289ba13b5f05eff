"""The SOPs every render test runs over, and what their charts must hold, worked out from
the model's own fields (never from the renderer's helpers), so the tests check the
renderer against the flow rules rather than against itself."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from csdocs.loader import load_file
from csdocs.model import Sop

from ..conftest import example_sop_files

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"
SVG = "{http://www.w3.org/2000/svg}"


def sop_files() -> list[Path]:
    """Every example SOP (new ones are covered automatically) and this folder's fixtures."""
    return example_sop_files() + sorted(FIXTURES.glob("*.yaml"))


def file_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def load(path: Path) -> Sop:
    loaded = load_file(path)
    assert loaded.sop is not None, loaded.problems
    return loaded.sop


# --------------------------------------------------------------------------
# what the flow rules say the chart holds


@dataclass(frozen=True)
class Expected:
    steps: tuple[str, ...]  # step ids
    escalations: frozenset[str]  # every declared escalation id
    outcomes: frozenset[str]  # outcome words some path ends with
    gotos: frozenset[str]  # goto targets as written
    edges: Counter  # (tail, head, answer) with tail "start" or "step:<id>", head "<kind>:<target>"

    @property
    def node_count(self) -> int:
        return 1 + len(self.steps) + len(self.escalations) + len(self.outcomes) + len(self.gotos)


def expected(sop: Sop) -> Expected:
    """From the SOP's fields and the contract's flow rules (steps run top to bottom...)."""
    edges: Counter = Counter()
    outcomes, gotos = set(), set()
    continued = set()  # one edge from an escalation on to each step that continues after it
    if sop.steps:
        edges[("start", f"step:{sop.steps[0].id}", None)] += 1
    for position, step in enumerate(sop.steps):
        moves = [(branch.answer, branch.move) for branch in step.branches] if step.branches else [(None, step.move)]
        for answer, move in moves:
            written = [(name, getattr(move, name)) for name in ("next", "escalate", "goto", "outcome")
                       if getattr(move, name) is not None]
            if not written:
                if step.branches:
                    continue  # a branch without a target goes nowhere
                if position + 1 < len(sop.steps):  # fall through to the step below
                    written = [("next", sop.steps[position + 1].id)]
                else:  # the last step ends the procedure, resolved
                    written = [("outcome", "resolved")]
            kind, target = written[0]
            if dict(written).keys() == {"next", "escalate"}:  # format 1.1: escalate, then continue at next
                edges[(f"step:{step.id}", f"escalation:{move.escalate}", answer)] += 1
                continued.add((f"escalation:{move.escalate}", f"step:{move.next}", "then continue"))
                continue
            head = {"next": "step", "escalate": "escalation", "goto": "goto", "outcome": "outcome"}[kind]
            edges[(f"step:{step.id}", f"{head}:{target}", answer)] += 1
            if kind == "outcome":
                outcomes.add(target)
            if kind == "goto":
                gotos.add(target)
    edges.update(continued)
    return Expected(tuple(s.id for s in sop.steps), frozenset(e.id for e in sop.escalations),
                    frozenset(outcomes), frozenset(gotos), edges)


# --------------------------------------------------------------------------
# what the SVG holds


def _text(element: ET.Element) -> str:
    return " ".join(" ".join(t.text or "" for t in element.iter(f"{SVG}text")).split())


@dataclass(frozen=True)
class Chart:
    root: ET.Element
    nodes: dict[str, tuple[str, str, str]]  # dot node name -> (svg id, class, text)
    edges: list[tuple[str, str, str]]  # (tail name, head name, label text)

    def by_id(self, svg_id: str) -> str:
        return next(name for name, (node_id, _, _) in self.nodes.items() if node_id == svg_id)


def parse_svg(svg: str) -> Chart:
    root = ET.fromstring(svg.encode("utf-8"))
    nodes: dict[str, tuple[str, str, str]] = {}
    edges: list[tuple[str, str, str]] = []
    for group in root.iter(f"{SVG}g"):
        classes = (group.get("class") or "").split()
        title = group.find(f"{SVG}title")
        if "node" in classes:
            nodes[title.text] = (group.get("id"), group.get("class"), _text(group))
        elif "edge" in classes or any(c.startswith("edge-") for c in classes):
            tail, head = title.text.split("->")
            edges.append((tail, head, _text(group)))
    return Chart(root, nodes, edges)
