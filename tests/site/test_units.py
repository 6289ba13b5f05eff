"""The site's pure parts: escaping, abbreviations, embedded JSON, SVG sanitising, URLs, layout."""

from __future__ import annotations

import json

import pytest

from csdocs.model import Duration
from csdocs.site.flowcharts import safe_href, sanitize
from csdocs.site.pages import duration_words, page_url, relative_url
from csdocs.site.text import Terms, front_matter_title, script_json


def test_terms_wrap_defined_words_and_escape_everything_else():
    terms = Terms({"RMA": "Return <merchandise> \"authorisation\"", "formal complaint": "A complaint in writing",
                   "IT": "Information technology"})
    out = str(terms.markup("Quote the RMA & <b>it</b>; a Formal Complaint goes to IT. RMAs too, not XRMA."))
    assert out == ('Quote the <abbr title="Return &lt;merchandise&gt; &#34;authorisation&#34;">RMA</abbr> '
                   '&amp; &lt;b&gt;it&lt;/b&gt;; a <abbr title="A complaint in writing">Formal Complaint</abbr> '
                   'goes to <abbr title="Information technology">IT</abbr>. RMAs too, not XRMA.')


def test_terms_with_no_definitions_only_escape():
    assert str(Terms({}).markup("<script>")) == "&lt;script&gt;"
    assert str(Terms({}).markup(None)) == ""


def test_script_json_cannot_close_its_script_element():
    text = str(script_json({"say": "</script><script>alert(1)</script> & <!-- \u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"say": "</script><script>alert(1)</script> & <!-- \u2028"}


def test_front_matter_titles_are_html_text():
    assert front_matter_title("Refunds <b>& returns</b>\n now") == "Refunds &lt;b&gt;&amp; returns&lt;/b&gt; now"
    assert front_matter_title("   ") == "Untitled SOP"


SVG = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg width="100pt" height="50pt" viewBox="0.00 0.00 100.00 50.00" xmlns="http://www.w3.org/2000/svg"
 xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">
<script>alert(1)</script>
<g id="graph0" class="graph" style="x" onclick="alert(1)">
<title>g</title>
<g id="step-log" class="node step"><title>s0</title>
<g id="a_step-log"><a xlink:title="tooltip"><polygon points="1.234,2.345 3,4"/><text x="1" y="2">Log &amp; &lt;go&gt;</text></a></g>
</g>
<g id="goto-1" class="node goto"><title>g1</title><g id="a_goto-1"><a xlink:href="../other/#step-x" xlink:title="t"><text>Other</text></a></g></g>
<g id="bad" class="node"><title>s1</title><a xlink:href="javascript:alert(1)"><text>Bad</text></a></g>
<foreignObject><div>html</div></foreignObject>
<image xlink:href="http://203.0.113.7/x.png"/>
</g>
</svg>"""


def test_sanitize_keeps_the_drawing_and_drops_anything_active():
    out = sanitize(SVG, node_links={"s0": "#step-log", "s1": "#step-bad"}, label="Flowchart: <Refund>")
    assert "script" not in out and "onload" not in out and "onclick" not in out and "style=" not in out
    assert "javascript:" not in out and "foreignObject" not in out and "<image" not in out
    assert "203.0.113.7" not in out
    assert out.startswith('<svg width="100pt" height="50pt" viewBox="0 0 100 50" role="img" '
                          'aria-label="Flowchart: &lt;Refund&gt;">')
    assert '<a xlink:href="#step-log" class="csdocs-node-link"><g id="flow-step-log" class="node step">' in out
    assert 'points="1,2 3,4"' in out and "Log &amp; &lt;go&gt;" in out
    assert 'id="flow-a_step-log"' not in out  # dot's tooltip wrapper goes with the tooltip
    assert '<a xlink:href="../other/#step-x">' in out  # a goto's own relative link is kept
    assert 'href="#step-bad"' not in out  # a node holding a link is never wrapped in another
    assert "<title>s0</title>" not in out


@pytest.mark.parametrize("href, kept", [
    ("#step-a", True), ("../x/#step-a", True), ("x/", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("data:text/html,x", False),
    ("//evil.example/x", False), ("http://evil.example/", False), ("java\tscript:alert(1)", False),
    ("\\\\evil\\x", False), ("", False),
])
def test_safe_href(href, kept):
    assert (safe_href(href) is not None) is kept


def test_page_urls_and_relative_links():
    assert page_url("index.md", True) == ""
    assert page_url("billing/index.md", True) == "billing/"
    assert page_url("billing/refund.md", True) == "billing/refund/"
    assert page_url("billing/refund.md", False) == "billing/refund.html"
    assert relative_url("support/reset/", "billing/refund/") == "../../support/reset/"
    assert relative_url("billing/", "") == "billing/"
    assert relative_url("", "billing/refund/") == "../../"
    assert relative_url("support/reset.html", "billing/refund.html") == "../support/reset.html"


@pytest.mark.parametrize(("written", "words"), [
    ("4h", "4 hours"), ("1d", "1 day"), ("01w", "1 week"), ("90m", "90 minutes"),
    # not the format's spelling: shown as written, never read as 4 hours (duration-format reports it)
    ("4 h", "4 h"), (" 4h", " 4h"), ("4H", "4H"), ("soon", "soon"),
])
def test_durations_read_as_words(written: str, words: str):
    assert duration_words(Duration.parse(written)) == words


def test_no_duration_reads_as_nothing():
    assert duration_words(None) == ""


def test_anchors_match_the_flowchart_ids_for_odd_step_and_escalation_ids():
    from csdocs.graph import anchors as anchors_of
    from csdocs.loader import load_text
    from csdocs.render.dot import to_dot

    sop = load_text("""\
title: T
department: D
owner: O
purpose: P
steps:
  - id: log
    title: Log
  - id: "Bad id <x>"
    title: Odd
    escalate: "Up & away"
  - title: No id
escalations:
  - id: "Up & away"
    trigger: The amount is above 100 EUR
    to: L2
    owner: Queue
    sla: 4h
""", "t.yaml").sop
    anchors = [anchors_of(sop).step(step) for step in sop.steps]
    assert anchors == ["step-log", "step-_2", "step-_3"]
    assert anchors_of(sop).escalation(sop.escalations[0]) == "escalation-_1"
    dot = to_dot(sop)
    for anchor in (*anchors, "escalation-_1"):
        assert f'id="{anchor}"' in dot or f"id={anchor}" in dot
