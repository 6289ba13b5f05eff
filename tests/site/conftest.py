"""Site fixtures: real builds of small projects, a local HTTP server, headless Chromium.

Browser tests share one built example site per session; every page opened
records its requests, console errors and dialogs, and the test fails if a
request leaves 127.0.0.1, a console error appears or a dialog opens.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT, run_csdocs

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]


def copy_project(target: Path, name: str = "project") -> Path:
    """A private copy of a fixture project (builds write caches and sites beside it)."""
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns("site", ".csdocs-cache"))
    return target


def build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_csdocs("build", *args, cwd=project, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project, built once: (project folder, with site/ in it)."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project


# ------------------------------------------------------------------ browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    # The stdlib's listen backlog is 5: a page that loads a dozen files at once on a busy
    # machine then sees connections reset (ERR_CONNECTION_RESET), which is not the site's doing.
    request_queue_size = 128


def serve_folder(folder: Path, port: int = 0) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture
def instant_site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The fixture project with mkdocs-material's instant navigation, built and served: (project, base URL).

    Instant navigation needs ``site_url``, so the port is chosen before the build.
    """
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  font: false\n", "  font: false\n  features: [navigation.instant]\n")
        + f"site_url: http://127.0.0.1:{port}/\n", encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    server, base = serve_folder(project / "site", port)
    yield project, base
    server.shutdown()


@pytest.fixture(scope="session")
def example_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus (the repository's mkdocs.yml) built once."""
    site = tmp_path_factory.mktemp("example") / "site"
    result = run_csdocs("build", "--site-dir", site, "--config",
                        ROOT / "mkdocs.yml", cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="session")
def example_site(example_site_dir: Path) -> Iterator[str]:
    """The built example corpus, served on a random port."""
    server, url = serve_folder(example_site_dir)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup --browser installs it)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page plus everything it did that a test must check afterwards."""

    def __init__(self, page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def external_requests(self) -> list[str]:
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).hostname != "127.0.0.1"]

    def assert_clean(self) -> None:
        assert self.external_requests() == [], "requests left 127.0.0.1"
        assert self.console_errors == [], "console errors"
        assert self.page_errors == [], "uncaught page errors"
        assert self.dialogs == [], "a dialog opened"


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    record = Watched(page)
    yield record
    context.close()
    record.assert_clean()
