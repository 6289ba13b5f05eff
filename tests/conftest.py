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
TODAY = dt.date(2026, 11, 25)  # fixed, so review-overdue does not drift with the calendar


@pytest.fixture
def cli():
    """Invoke the real click app in-process: ``cli("lint", path) -> Result``."""
    from csdocs.cli import main

    runner = CliRunner()

    def run(*args: str, **kwargs):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return run


def run_csdocs(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m csdocs.cli`` in a subprocess (for exit codes, timeouts, real stdout)."""
    return subprocess.run([sys.executable, "-m", "csdocs.cli", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONUTF8": "1"})


def lint_json(*paths: Path | str, cwd: Path | None = None, extra: tuple[str, ...] = ()) -> dict:
    result = run_csdocs("lint", "--format", "json", "--today", TODAY.isoformat(), *extra, *paths, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)
