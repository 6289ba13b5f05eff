"""Golden files for the DOT, Mermaid and Markdown script of example SOPs, and determinism.

Regenerate after an intended change with::

    CSDOCS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/render/test_golden.py

then read the diff of tests/render/golden/ before committing it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from csdocs.render.dot import render_svg, to_dot
from csdocs.render.flowchart import url_from_pattern
from csdocs.render.mermaid import to_mermaid
from csdocs.render.paths import paths_to_json
from csdocs.render.script import agent_script, to_markdown, to_text

from ..conftest import ROOT, SOPS
from .corpus import FIXTURES, GOLDEN, load

UPDATE = os.environ.get("CSDOCS_UPDATE_GOLDEN") == "1"
URL = url_from_pattern("../{sop}/#step-{step}")

CASES = {  # golden name -> SOP file; five from the example corpus (two in format 1.1), two of our own fixtures
    "refund-request": SOPS / "customer-care/refund-request.yaml",
    "major-incident-response": SOPS / "technical-support/major-incident-response.yaml",  # 1.1: every, continue
    "support-ticket-handling": SOPS / "customer-care/support-ticket-handling.yaml",  # 1.1: SLA by priority
    "card-dispute": SOPS / "card-services/card-dispute.yaml",
    "app-login-troubleshooting": SOPS / "technical-support/app-login-troubleshooting.yaml",
    "contract-example": FIXTURES / "refund-request.yaml",
    "retry-loop": FIXTURES / "retry-loop.yaml",
}

RENDERERS = {
    "dot": lambda sop: to_dot(sop, sop_url=URL),
    "lanes.dot": lambda sop: to_dot(sop, sop_url=URL, lanes="stage"),
    "mmd": to_mermaid,
    "md": lambda sop: to_markdown(agent_script(sop)),
}


@pytest.mark.parametrize("suffix", RENDERERS)
@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, suffix: str) -> None:
    source = CASES[name]
    if not source.is_file():
        pytest.skip(f"{source} is not in this checkout")
    actual = RENDERERS[suffix](load(source))
    golden = GOLDEN / f"{name}.{suffix}"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run with CSDOCS_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{golden.name} changed: if intended, regenerate with CSDOCS_UPDATE_GOLDEN=1 and review the diff")


def test_golden_dot_is_accepted_by_dot() -> None:
    for golden in sorted(GOLDEN.glob("*.dot")):
        assert render_svg(golden.read_text(encoding="utf-8")).startswith("<?xml")


def test_same_sop_same_bytes_in_one_process() -> None:
    sop = load(FIXTURES / "retry-loop.yaml")
    again = load(FIXTURES / "retry-loop.yaml")
    for render in (*RENDERERS.values(), lambda s: to_text(agent_script(s)), paths_to_json):
        assert render(sop) == render(again)
    assert render_svg(to_dot(sop)) == render_svg(to_dot(again))


def _run(seed: str, *args: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONUTF8": "1"}
    done = subprocess.run([sys.executable, "-m", "csdocs.cli", *args], capture_output=True, env=env, cwd=ROOT,
                          timeout=120, check=True)
    return done.stdout


@pytest.mark.parametrize("args", [
    ("render", "flowchart", "--no-cache", "--lanes", "actor"),
    ("render", "flowchart", "-f", "mermaid"),
    ("render", "script", "-f", "html"),
    ("paths", "-f", "json"),
])
def test_same_sop_same_bytes_across_processes(args: tuple[str, ...]) -> None:
    """Different hash seeds (set and dict orders) must not change a byte."""
    sop = str(CASES["refund-request"] if CASES["refund-request"].is_file() else CASES["contract-example"])
    assert _run("1", *args, sop) == _run("2", *args, sop)
