"""Every SOP in sops/ (and the fixtures) through the real `dot`: the SVG parses and holds
one node per step, escalation, outcome and link, and exactly the edges the flow rules imply."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from csdocs.graph import split_goto
from csdocs.render.dot import render_many, to_dot

from .corpus import expected, file_id, load, parse_svg, sop_files

FILES = sop_files()


@pytest.fixture(scope="module")
def rendered() -> dict[Path, str]:
    """All charts in one call: the batched path is the one the site uses."""
    texts = [to_dot(load(path), sop_url=lambda sop, step: f"../{sop}/") for path in FILES]
    return dict(zip(FILES, render_many(texts, fmt="svg"), strict=True))


def _identity(node: tuple[str, str, str]) -> str:
    """A node as the test names it: from its SVG id and class, goto nodes by the text they show."""
    svg_id, classes, text = node
    if svg_id == "start":
        return "start"
    for prefix, kind in (("step-", "step"), ("escalation-", "escalation"), ("outcome-", "outcome")):
        if svg_id.startswith(prefix):
            return f"{kind}:{svg_id[len(prefix):]}"
    if "goto" in classes.split():
        return f"goto-text:{text}"
    return f"other:{svg_id}"


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_svg_has_a_node_per_step_escalation_outcome_and_link(path: Path, rendered: dict[Path, str]) -> None:
    sop = load(path)
    want = expected(sop)
    chart = parse_svg(rendered[path])
    assert chart.root.find("{http://www.w3.org/2000/svg}g/{http://www.w3.org/2000/svg}title").text
    identities = Counter(_identity(node) for node in chart.nodes.values())
    assert identities["start"] == 1
    assert sorted(k for k in identities if k.startswith("step:")) == sorted(f"step:{s}" for s in want.steps)
    assert {k for k in identities if k.startswith("escalation:")} == {f"escalation:{e}" for e in want.escalations}
    assert {k for k in identities if k.startswith("outcome:")} == {f"outcome:{o}" for o in want.outcomes}
    assert sum(1 for k in identities if k.startswith("goto-text:")) == len(want.gotos)
    assert len(chart.nodes) == want.node_count
    assert all(count == 1 for count in identities.values())
    for (svg_id, classes, _) in chart.nodes.values():
        if svg_id.startswith("step-"):
            step = sop.step(svg_id[len("step-"):])
            assert step is not None
            assert ("decision" if step.is_decision else "action") in classes.split()


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_svg_has_the_edges_the_flow_rules_imply(path: Path, rendered: dict[Path, str]) -> None:
    want = expected(load(path))
    chart = parse_svg(rendered[path])
    names = {name: _identity(node) for name, node in chart.nodes.items()}
    goto_of_text = {}
    for target in want.gotos:
        sop_id, step_id = split_goto(target)
        matches = [n for n, ident in names.items()
                   if ident.startswith("goto-text:") and sop_id in ident and (step_id is None or step_id in ident)]
        assert len(matches) >= 1, target
        goto_of_text[matches[0]] = f"goto:{target}"
    got = Counter()
    for tail, head, text in chart.edges:
        head_identity = goto_of_text.get(head, names[head])
        got[(names[tail], head_identity, text or None)] += 1
    want_edges = Counter({(tail, head, " ".join(answer.split()) if answer is not None else None): count
                          for (tail, head, answer), count in want.edges.items()})
    assert got == want_edges


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_goto_nodes_link_through_the_url_the_caller_gives(path: Path, rendered: dict[Path, str]) -> None:
    want = expected(load(path))
    chart = parse_svg(rendered[path])
    hrefs = sorted(a.get("{http://www.w3.org/1999/xlink}href") for a in chart.root.iter("{http://www.w3.org/2000/svg}a")
                   if a.get("{http://www.w3.org/1999/xlink}href"))
    assert hrefs == sorted(f"../{split_goto(target)[0]}/" for target in want.gotos)
