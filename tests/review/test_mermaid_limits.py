"""``csdocs diff --format markdown`` leaves out a flowchart Mermaid (as GitHub runs it) would refuse to draw.

Mermaid's defaults, which GitHub keeps, refuse a diagram of more than 500
edges or 50,000 characters; such a chart is left out with a one-line note
that names the SVG of the changes (``--svg DIR``) or says how to get one.
"""

from __future__ import annotations

import re
from pathlib import Path

from csdocs.loader import load_text
from csdocs.render.mermaid import MAX_EDGES, MAX_TEXT_SIZE, to_mermaid

from ..conftest import run_csdocs

HEADER = "id: big\ntitle: A big SOP\ndepartment: Billing\nowner: Billing lead\npurpose: Test the limits.\nversion: 1\n"


def chain_of_decisions(count: int, *, threshold: int) -> str:
    """``count`` decisions in a row, each "Yes" to the next and "No" to an end: 2 edges a step, and the start's.

    Only the first decision's ``threshold`` varies, so two versions differ by one change.
    """
    lines = [HEADER, "steps:"]
    for number in range(count):
        following = f"next: q{number + 1}" if number + 1 < count else "outcome: resolved"
        lines += [f"  - id: q{number}", f"    title: Question {number}",
                  f"    decision: Is amount {number} above {threshold if number == 0 else 100} EUR?",
                  "    branches:", f'      - answer: "Yes"\n        {following}',
                  '      - answer: "No"\n        outcome: closed']
    return "\n".join(lines) + "\n"


def long_steps(count: int, *, words: str) -> str:
    """``count`` plain steps with long titles: one edge a step (and the start's), many characters."""
    lines = [HEADER, "steps:"]
    for number in range(count):
        lines += [f"  - id: s{number}", f"    title: Step {number} {words}"]
    return "\n".join(lines) + "\n"


def markdown(tmp_path: Path, old_text: str, new_text: str, *extra: str) -> str:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(old_text, "utf-8")
    new.write_text(new_text, "utf-8")
    result = run_csdocs("diff", old, new, "--format", "markdown", *extra, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_chart_with_too_many_edges_is_left_out_with_a_note(tmp_path: Path) -> None:
    count = MAX_EDGES // 2 + 5  # 2 edges a step + the start's: just over the limit
    edges = 2 * count + 1
    assert edges > MAX_EDGES
    text = markdown(tmp_path, chain_of_decisions(count, threshold=100), chain_of_decisions(count, threshold=101))
    assert "```mermaid" not in text
    (note,) = [line for line in text.splitlines() if line.startswith("_Flowchart left out")]
    assert f"before: {edges:,} edges, over Mermaid's limit of {MAX_EDGES:,}" in note
    assert f"after: {edges:,} edges" in note
    assert "csdocs diff \\-\\-svg DIR" in note
    assert "threshold-changed" in text  # the changes themselves are all there


def test_the_note_names_the_svg_that_svg_writes(tmp_path: Path) -> None:
    count = MAX_EDGES + 5  # a straight line of steps (quick for dot): one edge a step
    old_text = long_steps(count, words="a")
    new_text = old_text.replace("title: Step 7 a", "title: Step 7 b")  # one change: the comment stays short
    text = markdown(tmp_path, old_text, new_text, "--svg", "charts")
    (note,) = [line for line in text.splitlines() if line.startswith("_Flowchart left out")]
    assert "charts/big\\.svg" in note
    assert (tmp_path / "charts" / "big.svg").is_file()


def test_a_chart_with_too_many_characters_is_left_out(tmp_path: Path) -> None:
    count = 400
    words = "check the account, the order and the last three payments " * 2
    old_text = long_steps(count, words=words)
    new_text = old_text.replace("title: Step 7 ", "title: Step seven ")  # one change: the comment stays short
    chart = to_mermaid(load_text(new_text, "new.yaml").sop)
    assert len(chart) > MAX_TEXT_SIZE and count + 1 <= MAX_EDGES  # over by characters only
    text = markdown(tmp_path, old_text, new_text)
    assert "```mermaid" not in text
    note = next(line for line in text.splitlines() if line.startswith("_Flowchart left out"))
    assert re.search(rf"after: {len(chart):,} characters, over Mermaid's limit of {MAX_TEXT_SIZE:,}", note)


def test_a_chart_at_the_limit_is_still_drawn(tmp_path: Path) -> None:
    count = (MAX_EDGES - 1) // 2  # 2 x 249 + 1 = 499 edges
    assert 2 * count + 1 <= MAX_EDGES
    text = markdown(tmp_path, chain_of_decisions(count, threshold=100), chain_of_decisions(count, threshold=101))
    assert text.count("```mermaid") == 2
    assert "Flowchart left out" not in text
