"""``csdocs serve`` really serves, and republishes an edited SOP with the whole search index."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(condition, *, what: str, limit: float = 120.0):
    """Poll until ``condition()`` is truthy; a generous limit, not a timing assertion."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting for {what}")


def locations(index_text: str | None) -> set[str]:
    if not index_text:
        return set()
    return {doc["location"].split("#")[0] for doc in json.loads(index_text)["docs"]}


def test_serve_rebuilds_an_edited_sop_and_keeps_every_page_in_the_search_index(project: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen([sys.executable, "-m", "csdocs.cli", "serve", "-a", f"127.0.0.1:{port}"],
                               cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUTF8": "1"})
    try:
        before = wait_for(lambda: fetch(base + "search/search_index.json"), what="the first build")
        pages = locations(before)
        assert {"billing/refund-request/", "billing/card-dispute/", "support/password-reset/"} <= pages
        sop = project / "sops" / "support" / "password-reset.yaml"
        sop.write_text(sop.read_text(encoding="utf-8").replace("Send the reset link from the admin console",
                                                               "Send the zanzibar reset link"), encoding="utf-8")
        after = wait_for(lambda: (text := fetch(base + "search/search_index.json")) and "zanzibar" in text and text,
                         what="the rebuild after the edit")
        assert locations(after) == pages  # the whole index, not only the edited page
        page = wait_for(lambda: fetch(base + "support/password-reset/"), what="the page")
        assert "zanzibar" in page
        assert "<svg" in page
        glossary = project / "sops" / "glossary.yaml"
        glossary.write_text(glossary.read_text(encoding="utf-8") + "ZQX: Zanzibar quality exchange\n",
                            encoding="utf-8")
        wait_for(lambda: "Zanzibar quality exchange" in (fetch(base + "glossary/") or ""),
                 what="the glossary rebuild")
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
