"""Shared test helpers: paths, a fixed 'today', and running the real CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SOPS = ROOT / "sops"
TEMPLATES = ROOT / "templates"
# The one "today" of the whole suite. Nothing in the tests reads the wall clock: the
# session fixture below hands this date to every csdocs command (in-process, in a
# subprocess, and the MkDocs plugin) through CSDOCS_TODAY (csdocs/today.py), so
# `csdocs new`, `init`, `lint`, `build`, `serve` and the review dashboard all agree
# with it whatever the machine's clock says. .ci/run runs the suite twice, the second
# time with the clock moved years ahead, to prove it.
TODAY = dt.date(2026, 11, 25)

# The head of a small valid SOP, for tests that write one inline (add last_reviewed, steps, ...).
SOP_HEADER = """\
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
"""


def example_sop_files() -> list[Path]:
    """The example corpus's SOP files (not the glossary, not the search checks), sorted: as csdocs sees them."""
    from csdocs.config import load_config
    from csdocs.project_files import sop_files

    return sop_files(load_config(ROOT / "mkdocs.yml"))


@pytest.fixture(scope="session", autouse=True)
def fixed_today():
    """Set CSDOCS_TODAY to TODAY for the whole session (and every subprocess it starts)."""
    from csdocs.today import TODAY_ENV

    previous = os.environ.get(TODAY_ENV)
    os.environ[TODAY_ENV] = TODAY.isoformat()
    yield TODAY
    if previous is None:
        os.environ.pop(TODAY_ENV, None)
    else:
        os.environ[TODAY_ENV] = previous


@pytest.fixture
def cli():
    """Invoke the real click app in-process: ``cli("lint", path) -> Result``."""
    from csdocs.cli import main

    runner = CliRunner()

    def run(*args: str, **kwargs):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return run


def run_csdocs(*args: str, cwd: Path | None = None, timeout: float = 120,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m csdocs.cli`` in a subprocess (for exit codes, timeouts, real stdout).

    ``env`` adds to (or overrides) this process's environment, CSDOCS_TODAY included.
    """
    return subprocess.run([sys.executable, "-m", "csdocs.cli", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONUTF8": "1", **(env or {})})


def write_file(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) at ``path``, making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def write_project(root: Path, sops: dict[str, str], mkdocs: str = "docs_dir: sops\nplugins:\n  - csdocs\n") -> Path:
    """A csdocs project at ``root``: its ``mkdocs.yml`` and each SOP text at its path under ``sops/``."""
    write_file(root / "mkdocs.yml", mkdocs)
    for relative, text in sops.items():
        write_file(root / "sops" / relative, text)
    return root


def lint_json(*paths: Path | str, cwd: Path | None = None, extra: tuple[str, ...] = ()) -> dict:
    result = run_csdocs("lint", "--format", "json", *extra, *paths, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)
