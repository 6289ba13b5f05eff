"""The chart's shapes, colours, lanes and its handling of SOPs that lint would refuse."""

from __future__ import annotations

import re

import pytest

from csdocs.graph import resolution_paths
from csdocs.loader import load_text
from csdocs.render.dot import label, quote, render_svg, to_dot
from csdocs.render.flowchart import OUTCOME_COLOURS, TIER_COLOURS
from csdocs.render.mermaid import to_mermaid
from csdocs.render.script import agent_script, to_text

from .corpus import FIXTURES, load, parse_svg

HEADER = "title: T\ndepartment: D\nowner: O\npurpose: P\n"


def node_attrs(dot: str, svg_id: str) -> str:
    match = re.search(rf'^\s*\w+ \[id="{re.escape(svg_id)}", (.*)\];$', dot, re.M)
    assert match, svg_id
    return match.group(1)


@pytest.fixture(scope="module")
def retry_dot() -> str:
    return to_dot(load(FIXTURES / "retry-loop.yaml"), sop_url=lambda sop, step: f"../{sop}/#step-{step}")


def test_shapes_a_reader_knows(retry_dot: str) -> None:
    assert "shape=oval" in node_attrs(retry_dot, "start")
    assert "shape=box" in node_attrs(retry_dot, "step-send-link")
    assert "dashed" in node_attrs(retry_dot, "step-send-link")  # automated
    assert "shape=diamond" in node_attrs(retry_dot, "step-worked")
    assert "shape=hexagon" in node_attrs(retry_dot, "escalation-login-expert")
    assert "shape=cds" in node_attrs(retry_dot, "goto-1")
    assert 'URL="../account-unlock/#step-verify"' in node_attrs(retry_dot, "goto-1")
    assert "peripheries=2" in node_attrs(retry_dot, "outcome-resolved")


def test_escalations_coloured_by_tier_and_labelled_with_tier_and_sla(retry_dot: str) -> None:
    l2 = node_attrs(retry_dot, "escalation-login-expert")
    l3 = node_attrs(retry_dot, "escalation-fraud-suspected")
    assert f'fillcolor="{TIER_COLOURS[1]}"' in l2 and f'fillcolor="{TIER_COLOURS[2]}"' in l3
    assert 'label="Escalate to L2 (Specialist\\nor team lead)\\nSLA 4h\\nIdentity team queue"' in l2
    assert "When: The customer reports a" in l3  # a standing trigger shows when it applies
    assert 'class="escalation tier-l2"' in l2


def test_outcomes_coloured_by_outcome() -> None:
    dot = to_dot(load(FIXTURES / "fall-through.yaml"))
    assert f'fillcolor="{OUTCOME_COLOURS["closed"]}"' in node_attrs(dot, "outcome-closed")
    assert f'fillcolor="{OUTCOME_COLOURS["resolved"]}"' in node_attrs(dot, "outcome-resolved")


def test_edges_carry_the_answers(retry_dot: str) -> None:
    assert 's1 -> s0 [id="edge-4", label="No, send again", class="edge-next"];' in retry_dot
    assert 's1 -> g1 [id="edge-5", label="Account locked", style=dashed, class="edge-goto"];' in retry_dot


@pytest.mark.parametrize("lanes, want", [
    ("stage", {"intake": ["s0"], "triage": ["s1"], "resolution": ["s2"]}),
    ("actor", {"": ["s0"], "L1": ["s1"], "Warehouse team": ["s2"]}),
])
def test_lanes_group_steps_in_clusters(lanes: str, want: dict[str, list[str]]) -> None:
    sop = load(FIXTURES / "fall-through.yaml")
    svg = parse_svg(render_svg(to_dot(sop, lanes=lanes)))
    clusters = {}
    for group in svg.root.iter("{http://www.w3.org/2000/svg}g"):
        if "lane" in (group.get("class") or "").split():
            clusters[" ".join(t.text for t in group.iter("{http://www.w3.org/2000/svg}text"))] = group
    assert sorted(clusters) == sorted(title for title in want if title)
    dot = to_dot(sop, lanes=lanes)
    for title, names in want.items():
        for name in names:
            if not title:  # a step before the first lane value stays outside every cluster
                assert f"\n  {name} [" in dot
            else:
                block = next(part for part in dot.split("subgraph") if f'label="{title}"' in part)
                assert f"\n    {name} [" in block.split("\n  }")[0]


def test_long_labels_are_wrapped_and_clipped() -> None:
    sop = load_text(HEADER + "steps:\n  - id: a\n    title: " + "word " * 200 + "\n", "t.yaml").sop
    dot = to_dot(sop)
    step_label = re.search(r'id="step-a", label="([^"]*)"', dot).group(1)
    lines = step_label.split("\\n")
    assert all(len(line) <= 28 for line in lines) and step_label.endswith("…")
    assert sum(len(line) for line in lines) <= 260


def test_quote_and_label_escaping() -> None:
    assert quote('a"b\\c&d') == '"a\\"b\\\\c&amp;d"'
    assert label(["one", 'two "2"']) == '"one\\ntwo \\"2\\""'


def test_broken_references_draw_a_dashed_node_and_still_render() -> None:
    text = HEADER + ("steps:\n  - {id: a, title: A, next: nowhere}\n  - {id: a, title: A again, escalate: nobody}\n"
                     "  - {id: c, title: C, decision: Q?, branches: [{answer: x}, {answer: y, outcome: resolved}]}\n")
    sop = load_text(text, "t.yaml").sop
    dot = to_dot(sop)
    assert 'label="unknown step\\n\'nowhere\'"' in dot and 'label="unknown escalation\\n\'nobody\'"' in dot
    chart = parse_svg(render_svg(dot))
    ids = sorted(node[0] for node in chart.nodes.values())
    assert ids == ["outcome-resolved", "start", "step-a", "step-a_2", "step-c", "unknown-1", "unknown-2"]
    assert len(chart.edges) == 4  # start, two broken, one answer; the branch with no target has none
    to_mermaid(sop)
    assert to_text(agent_script(sop))
    assert [p.end_kind for p in resolution_paths(sop)] == ["broken"]


def test_an_sop_without_steps_still_renders() -> None:
    sop = load_text(HEADER + "steps: []\n", "t.yaml").sop
    chart = parse_svg(render_svg(to_dot(sop)))
    assert [node[0] for node in chart.nodes.values()] == ["start"]
    assert resolution_paths(sop) == ()
    assert "PROCEDURE" in to_text(agent_script(sop))
    assert to_mermaid(sop).startswith("flowchart TD\n")


def test_the_svg_title_is_the_sop_title_made_plain() -> None:
    sop = load_text(HEADER.replace("title: T", "title: 'Refund -- <b>fast</b> & fair'") + "steps: [{id: a, title: A}]\n",
                    "t.yaml").sop
    svg = render_svg(to_dot(sop))
    chart = parse_svg(svg)
    assert chart.root.find("{http://www.w3.org/2000/svg}g/{http://www.w3.org/2000/svg}title").text == \
        "Flowchart: Refund b fast /b fair"


def test_the_chart_is_plain_data_that_each_writer_escapes_itself() -> None:
    """flowchart.build holds the author's text as tidy lines, in no syntax; DOT and Mermaid each quote it."""
    from csdocs.render.flowchart import STEP_WIDTH, build
    from csdocs.render.mermaid import mermaid_label
    from csdocs.render.text import wrap

    title = 'Say "A & B" <now> \\ #1 | {x}'
    sop = load_text("title: T\ndepartment: D\nowner: O\npurpose: P\nsteps:\n"
                    f"  - id: a\n    title: '{title}'\n    outcome: resolved\n", "t.yaml").sop
    chart = build(sop)
    (step,) = chart.steps
    assert (step.kind, step.lines, step.classes) == ("action", tuple(wrap(title, STEP_WIDTH)), ("step", "action"))
    assert "".join(step.lines).replace(" ", "") == title.replace(" ", "")  # nothing escaped in the data
    assert [(e.tail, e.head, e.kind) for e in chart.edges] == [("start", "s0", "start"), ("s0", "o1", "outcome")]
    assert f"label={label(step.lines)}" in to_dot(sop)
    assert f"s0({mermaid_label(step.lines)})" in to_mermaid(sop)
