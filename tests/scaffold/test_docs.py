"""docs/sop-format.md: its whole-SOP example lints clean, and it documents every template."""

from __future__ import annotations

import re
from pathlib import Path

from ..conftest import ROOT, lint_json
from .helpers import TEMPLATE_NAMES

DOC = ROOT / "docs" / "sop-format.md"


def test_the_short_sop_example_lints_with_no_finding(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(# yaml-language-server.*?)```", DOC.read_text("utf-8"), re.S)
    assert blocks, "the page shows a whole SOP"
    (tmp_path / "mkdocs.yml").write_text("site_name: Docs\ndocs_dir: sops\n", encoding="utf-8")
    for number, block in enumerate(blocks):
        path = tmp_path / "sops" / "technical-support" / f"example-{number}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.replace("id: password-reset", f"id: example-{number}"), encoding="utf-8")
    assert lint_json(cwd=tmp_path)["findings"] == []


def test_documented_new_options_and_templates_exist(cli) -> None:
    text = DOC.read_text("utf-8")
    assert "csdocs new --list" in text
    listed = cli("new", "--list").output
    assert all(name in listed for name in TEMPLATE_NAMES)
    for option in ("--department", "--template", "--title", "--owner"):
        assert option in text and option in cli("new", "--help").output
