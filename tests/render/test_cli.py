"""`csdocs render flowchart|script` and `csdocs paths`: outputs, errors, exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ..conftest import run_csdocs
from .corpus import FIXTURES

SOP = FIXTURES / "refund-request.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with its own mkdocs.yml, so the cache lands in tmp_path."""
    (tmp_path / "mkdocs.yml").write_text("docs_dir: sops\nplugins:\n  - csdocs:\n      tiers: {L1: Agent, L2: Lead}\n")
    return tmp_path


def test_flowchart_svg_to_stdout_and_cached_under_the_project(cli, project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    result = cli("render", "flowchart", SOP)
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.output.encode())
    assert root.tag.endswith("svg")
    assert list((project / ".csdocs-cache").rglob("*.svg"))
    again = cli("render", "flowchart", SOP)
    assert again.output == result.output


def test_flowchart_uses_the_config_tiers(cli, project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    result = cli("render", "flowchart", SOP, "-f", "dot")
    assert "Escalate to L2 (Lead)" in result.output


@pytest.mark.parametrize("fmt, start", [("dot", "digraph "), ("mermaid", "flowchart TD\n")])
def test_flowchart_text_formats(cli, fmt: str, start: str) -> None:
    result = cli("render", "flowchart", SOP, "-f", fmt, "--lanes", "stage")
    assert result.exit_code == 0 and result.output.startswith(start)
    assert ("cluster_lane_1" if fmt == "dot" else "subgraph lane1") in result.output


def test_cache_dir_and_flowchart_url_options_from_mkdocs_yml(cli, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "mkdocs.yml").write_text("plugins:\n  - csdocs:\n      cache_dir: build/charts\n"
                                         "      flowchart_url: /sops/{sop}.html#step-{step}\n")
    monkeypatch.chdir(tmp_path)
    assert cli("render", "flowchart", SOP).exit_code == 0
    assert list((tmp_path / "build/charts").rglob("*.svg")) and not (tmp_path / ".csdocs-cache").exists()
    dot = cli("render", "flowchart", FIXTURES / "retry-loop.yaml", "-f", "dot").output
    assert 'URL="/sops/account-unlock.html#step-verify"' in dot


def test_flowchart_url_pattern(cli) -> None:
    result = cli("render", "flowchart", FIXTURES / "retry-loop.yaml", "-f", "dot", "--url-pattern",
                 "../{sop}/#step-{step}")
    assert 'URL="../account-unlock/#step-verify"' in result.output


def test_png_needs_an_output_file(cli, tmp_path: Path) -> None:
    result = cli("render", "flowchart", SOP, "-f", "png")
    assert result.exit_code == 2 and "needs -o" in result.output
    out = tmp_path / "chart.png"
    result = cli("render", "flowchart", SOP, "-f", "png", "-o", out, "--no-cache")
    assert result.exit_code == 0 and out.read_bytes().startswith(b"\x89PNG")


def test_output_never_overwrites_the_input(cli, tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / "sop.yaml"
    copy.write_bytes(SOP.read_bytes())
    for args in (("render", "flowchart", copy, "-f", "dot"), ("render", "script", copy), ("paths", copy)):
        result = cli(*args, "-o", copy)
        assert result.exit_code == 2 and "is the input SOP" in result.output
    assert copy.read_bytes() == SOP.read_bytes()
    monkeypatch.chdir(tmp_path)
    result = cli("render", "script", "sop.yaml", "-o", "./sop.yaml")
    assert result.exit_code == 2 and copy.read_bytes() == SOP.read_bytes()


def test_output_file_is_written(cli, tmp_path: Path) -> None:
    out = tmp_path / "script.txt"
    out.write_text("old")
    result = cli("render", "script", SOP, "-f", "txt", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    assert out.read_text().startswith("AGENT SCRIPT: Refund request\n")
    assert [p.name for p in tmp_path.iterdir()] == ["script.txt"]  # no temporary file left


@pytest.mark.parametrize("fmt, needle", [("md", "## Procedure"), ("txt", "PROCEDURE"),
                                         ("html", '<section class="procedure">')])
def test_script_formats(cli, fmt: str, needle: str) -> None:
    result = cli("render", "script", SOP, "-f", fmt)
    assert result.exit_code == 0 and needle in result.output


def test_paths_text_and_json(cli) -> None:
    text = cli("paths", SOP)
    assert text.exit_code == 0 and text.output.startswith("3 resolution paths through refund-request")
    data = json.loads(cli("paths", SOP, "--format", "json").output)
    assert data["count"] == 3
    limited = json.loads(cli("paths", SOP, "-f", "json", "--limit", "1").output)
    assert limited["count"] == 1 and limited["truncated"] is True


def test_a_broken_sop_prints_its_problems_located_and_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: T\nsteps: [\n  - a\n")
    for args in (("render", "flowchart", broken), ("render", "script", broken), ("paths", broken)):
        result = run_csdocs(*args)
        assert result.returncode == 1
        assert result.stderr.startswith(f"{broken}:3:")
        assert "yaml-syntax" in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_csdocs("render", "script", tmp_path / "nope.yaml")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_missing_dot_exits_2_with_install_hints_and_no_traceback(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CSDOCS_DOT", str(tmp_path / "no-dot-here"))
    result = run_csdocs("render", "flowchart", SOP, "--no-cache")
    assert result.returncode == 2
    assert "sudo apt-get install graphviz" in result.stderr and "brew install graphviz" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_dot_and_mermaid_need_no_graphviz(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CSDOCS_DOT", str(tmp_path / "no-dot-here"))
    assert run_csdocs("render", "flowchart", SOP, "-f", "dot").returncode == 0
    assert run_csdocs("render", "flowchart", SOP, "-f", "mermaid").returncode == 0


def test_an_sop_with_problems_is_drawn_with_a_warning(tmp_path: Path) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text("title: Refund\nsteps:\n  - id: log\n    title: Log it\n    nxt: close\n", "utf-8")
    result = run_csdocs("render", "flowchart", "-f", "dot", partial)
    assert result.returncode == 0
    assert "digraph" in result.stdout
    assert "warning:" in result.stderr and "problems" in result.stderr and "csdocs lint" in result.stderr
    clean = run_csdocs("render", "flowchart", "-f", "dot", FIXTURES / "refund-request.yaml")
    assert "warning" not in clean.stderr
