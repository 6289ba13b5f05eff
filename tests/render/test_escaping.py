"""Hostile SOP text in every field cannot break the DOT, inject an attribute or a link,
or leave markup in the SVG, the Mermaid, or the agent script."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from csdocs.loader import load_text
from csdocs.render.dot import render_svg, to_dot
from csdocs.render.flowchart import safe_url, url_from_pattern
from csdocs.render.mermaid import to_mermaid
from csdocs.render.script import agent_script, to_html, to_markdown, to_text

from .corpus import expected, parse_svg

EVIL = ('He said "hi" \\ back\\slash\\ <b>bold</b> {a|b} [x] & &amp; &#92; \\"q\\" \\\\" \\N \\G \\l '
        "javascript:alert(1) onload=alert(1) <script>alert(1)</script> <img src=x onerror=alert(1)> "
        "]]> -- %% `tick` # ; click s0 \"javascript:alert(1)\"\nsecond line\r\nthird\ttab \\")
EVIL_ID = 'x"] [URL="javascript:alert(1)'


def hostile_yaml() -> str:
    evil = EVIL
    step_ids = [f"{EVIL_ID} {n}" for n in range(4)]
    data = {
        "id": "hostile",
        "title": evil, "department": evil, "owner": evil, "purpose": evil, "priority": evil,
        "channels": [evil], "contact_types": [evil, evil + "2"],
        "sla": {"first_response": evil, "resolution": evil},
        "tiers": {"L1": {"name": evil}},
        "script": {"greeting": evil, "questions": [evil, evil], "closing": evil},
        "steps": [
            {"id": step_ids[0], "title": evil, "stage": evil, "actor": evil, "action": evil, "say": evil,
             "automated": True},
            {"id": step_ids[1], "title": evil, "stage": evil + " 2", "actor": evil + " 2", "decision": evil,
             "branches": [
                 {"answer": evil, "next": step_ids[2]},
                 {"answer": evil + " no", "escalate": EVIL_ID},
                 {"answer": evil + " other", "goto": f"{EVIL_ID}#{EVIL_ID}"},
                 {"answer": "javascript:alert(1)", "goto": "javascript:alert(1)"},
                 {"answer": evil + " end", "outcome": evil},
             ]},
            {"id": step_ids[2], "title": evil, "action": evil, "next": step_ids[3]},
            {"id": step_ids[3], "title": "", "action": evil},
        ],
        "escalations": [
            {"id": EVIL_ID, "trigger": evil, "from": evil, "to": evil, "owner": evil, "sla": evil,
             "handoff": [evil, "contact_reason"]},
            {"id": EVIL_ID + " standing", "trigger": evil, "to": "L2", "owner": evil, "sla": evil},
        ],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def sop():
    loaded = load_text(hostile_yaml(), "sops/test/hostile.yaml")
    assert loaded.sop is not None
    return loaded.sop


def evil_url(sop_id: str, step_id: str | None) -> str:
    """A careless site pattern: no encoding of its own, and a javascript: link when asked for one."""
    return "javascript:alert(1)" if sop_id.startswith("javascript") else f"../{sop_id}/#{step_id}"


@pytest.mark.parametrize("lanes", [None, "stage", "actor"])
def test_dot_stays_well_formed_and_the_svg_clean(sop, lanes) -> None:
    dot = to_dot(sop, lanes=lanes, sop_url=evil_url)
    svg = render_svg(dot)  # dot accepts it: DotFailed otherwise
    chart = parse_svg(svg)  # well-formed XML
    want = expected(sop)
    assert len(chart.nodes) == want.node_count
    assert sum(len(v) for v in [chart.edges]) == sum(want.edges.values())
    lower = svg.lower()
    assert "<script" not in lower
    for element in chart.root.iter():
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            assert not local.lower().startswith("on"), (name, value)
            assert not value.strip().lower().startswith("javascript:"), (name, value)
    hrefs = [a.get("{http://www.w3.org/1999/xlink}href") for a in chart.root.iter("{http://www.w3.org/2000/svg}a")]
    assert [h for h in hrefs if h] == ["../x%22%5D%20%5BURL=%22javascript:alert(1)/#x%22%5D%20%5BURL=%22javascript:alert(1)"]
    # the text survives as text: the author's quotes, brackets and backslashes are shown, not obeyed
    texts = " ".join(node[2] for node in chart.nodes.values())
    assert 'He said "hi" \\ back\\slash\\ <b>bold</b> {a|b}' in texts
    assert "&amp;" in texts  # the author's literal "&amp;" is shown as written


def test_dot_never_carries_a_raw_line_break_or_an_unescaped_quote(sop) -> None:
    dot = to_dot(sop, lanes="stage", sop_url=evil_url)
    for line in dot.splitlines()[:-1]:
        assert "\r" not in line and "\t" not in line
        body = re.sub(r'\\.', "", line)  # drop escape pairs; what is left must pair its quotes
        assert body.count('"') % 2 == 0, line
    assert "<" not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)  # no HTML-like label anywhere


def test_step_ids_that_are_not_slugs_get_positional_svg_ids(sop) -> None:
    chart = parse_svg(render_svg(to_dot(sop)))
    ids = sorted(node[0] for node in chart.nodes.values() if node[0].startswith("step-"))
    assert ids == ["step-_1", "step-_2", "step-_3", "step-_4"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x", "data:text/html,x",
                                 "vbscript:x", "file:///etc/passwd", "java\nscript:x", "a\\b", "x:y"])
def test_unsafe_urls_are_refused(url: str) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize("url, safe", [
    ("https://example.org/a b", "https://example.org/a%20b"),
    ("../card-dispute/#step-verify", "../card-dispute/#step-verify"),
    ('../x"y/', "../x%22y/"),
    ("/sops/a?x=1&y=2", "/sops/a?x=1%26y=2"),
])
def test_safe_urls_are_kept_and_quoted(url: str, safe: str) -> None:
    assert safe_url(url) == safe


def test_url_pattern_fills_and_encodes_the_ids() -> None:
    sop_url = url_from_pattern("../{sop}/#step-{step}")
    assert sop_url("card-dispute", "verify") == "../card-dispute/#step-verify"
    assert sop_url("card-dispute", None) == "../card-dispute/"
    assert sop_url('a"b', "c d") == "../a%22b/#step-c%20d"


def test_mermaid_labels_hold_no_raw_special_characters(sop) -> None:
    text = to_mermaid(sop, lanes="stage")
    assert not re.search(r"^\s*click\b", text, re.M)  # no click lines: no links from SOP text
    labels = []
    for line in text.splitlines():
        assert line.count('"') % 2 == 0, line
        labels += re.findall(r'"([^"]*)"', line)
        outside = re.sub(r'"[^"]*"', "", line)
        assert "javascript" not in outside.lower() and "alert" not in outside.lower(), line
    assert len(labels) >= 15
    for label in labels:  # `<br/>` is our line break and `#...;` codes our escapes; nothing else is raw
        bare = re.sub(r"#\w+;", "", label.replace("<br/>", ""))
        assert not set(bare) & set("<>&`\\|[]{}();#"), label
    assert "#quot;" in text and "#lt;" in text


def test_script_html_escapes_everything(sop) -> None:
    html = to_html(agent_script(sop))
    ET.fromstring(html)  # a well-formed fragment: no tag or attribute of the author's survives
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_script_markdown_keeps_html_inert(sop) -> None:
    md = to_markdown(agent_script(sop))
    assert "<script" not in md.lower() and "<img" not in md.lower() and "<b>" not in md
    assert "&lt;script&gt;" in md


def test_script_text_is_one_field_per_line(sop) -> None:
    text = to_text(agent_script(sop))
    assert "\r" not in text and "\t" not in text
    assert all(len(line) <= 72 for line in text.splitlines())
