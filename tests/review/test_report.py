"""The Markdown report stays within GitHub's comment limit, keeping the riskiest SOPs."""

from __future__ import annotations

from csdocs.review.changes import Change, Review, Risk, SopDiff
from csdocs.review.report import as_markdown, md


def _review(count: int) -> Review:
    diffs = []
    for number in range(count):
        risk = (Risk.LOW, Risk.MEDIUM, Risk.HIGH)[number % 3]
        changes = tuple(Change(f"sop-{number:03d}", "step-changed", f"steps.s{index}", risk,
                               "step reworded " + "x" * 200, path=f"sops/sop-{number:03d}.yaml")
                        for index in range(5))
        diffs.append(SopDiff(f"sop-{number:03d}", "old.yaml", "new.yaml", changes))
    return Review(tuple(diffs))


def test_long_report_keeps_the_summary_and_the_riskiest_details() -> None:
    text = as_markdown(_review(300), mermaid=lambda sop: "flowchart TD\n  a --> b")
    assert len(text) <= 65_536
    assert text.count("| sop\\-") == 300  # every SOP is in the summary table
    assert "least risky SOPs left out" in text
    details = [line for line in text.splitlines() if line.startswith("### SOP")]
    assert details and len(details) < 300
    assert all(f"sop\\-{n:03d}" not in "".join(details) for n in range(0, 300, 3))  # no low-risk SOP kept
    assert as_markdown(_review(300)) == as_markdown(_review(300))


def test_short_report_is_whole() -> None:
    text = as_markdown(_review(3))
    assert "left out" not in text and text.count("### SOP") == 3


def test_md_defuses_markup() -> None:
    assert md("a|b <i>x</i> @team [l](u) `c` *e* https://x.y #12\nnext") == (
        "a\\|b &lt;i&gt;x&lt;/i&gt; @\u2060team \\[l\\]\\(u\\) \\`c\\` \\*e\\* https:\u2060//x\\.y \\#\u206012 next")


def _chain_of_decisions(count: int, title: str) -> str:
    lines = [f"id: chain\ntitle: {title}\ndepartment: Billing\nowner: Lead\npurpose: Test.\nsteps:"]
    for index in range(count):
        following = f"next: d{index + 1}" if index + 1 < count else "outcome: resolved"
        lines.append(f"  - id: d{index}\n    title: Decision {index}\n    decision: Is it {index}?\n"
                     f"    branches:\n      - answer: \"Yes\"\n        {following}\n"
                     f"      - answer: \"No\"\n        {following}")
    return "\n".join(lines) + "\n"


def test_too_many_paths_is_said_not_hidden() -> None:
    from csdocs.loader import load_text
    from csdocs.review import diff_sops
    from csdocs.review.report import as_json, as_text

    old = load_text(_chain_of_decisions(11, "Chain"), "old.yaml").sop  # 2,048 paths: over the limit
    new = load_text(_chain_of_decisions(12, "Chain"), "new.yaml").sop
    diff = diff_sops(old, new)
    assert diff.paths_truncated
    review = Review((diff,))
    assert "path lists are incomplete" in as_text(review)
    assert "path lists are incomplete" in as_markdown(review)
    assert '"paths_incomplete": [\n    "chain"\n  ]' in as_json(review)
