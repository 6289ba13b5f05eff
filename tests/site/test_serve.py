"""``csdocs serve`` really serves, and republishes an edited SOP with the whole search index."""

from __future__ import annotations

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


def fetch_bytes(url: str) -> bytes | None:
    text = fetch(url)
    return text.encode("utf-8") if text is not None else None


def search_index(files) -> tuple[set[str], set[str]]:
    """(page URLs, terms) of a csdocs search index (an IndexFiles), or (set(), set()) before the first build."""
    try:
        meta = files.meta
        terms = {term for key in meta["shards"] for term in files.shard(key)}
        return {files.record(doc)["url"] for doc in range(meta["docs"])}, terms
    except (FileNotFoundError, TypeError, IndexError):  # not built yet, or read across a swap: ask again
        return set(), set()


def served_index(base: str) -> tuple[set[str], set[str]]:
    """The served index, read file by file over HTTP; empty if a rebuild swapped it in between."""
    from csdocs.search.rank import IndexFiles

    def read(name: str) -> bytes | None:
        return fetch_bytes(f"{base}search/csdocs/{name}")

    before = read("meta.js")
    found = search_index(IndexFiles(read))
    return found if read("meta.js") == before else (set(), set())


def site_index(site: Path) -> tuple[set[str], set[str]]:
    from csdocs.search.index import INDEX_DIR
    from csdocs.search.rank import IndexFiles

    return search_index(IndexFiles.from_folder(site / INDEX_DIR))


def test_serve_rebuilds_an_edited_sop_and_keeps_every_page_in_the_search_index(project: Path, tmp_path: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "csdocs.cli", "serve", "-a", f"127.0.0.1:{port}"],
                               cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUTF8": "1", "TMPDIR": str(temporary)})
    try:
        pages, _ = wait_for(lambda: served_index(base)[0] and served_index(base), what="the first build")
        assert {"billing/refund-request/", "billing/card-dispute/", "support/password-reset/"} == pages
        sop = project / "sops" / "support" / "password-reset.yaml"
        sop.write_text(sop.read_text(encoding="utf-8").replace("Send the reset link from the admin console",
                                                               "Send the zanzibar reset link"), encoding="utf-8")
        after, _ = wait_for(lambda: "zanzibar" in (index := served_index(base))[1] and index,
                            what="the rebuild after the edit")
        assert after == pages  # the whole index, not only the edited SOP
        page = wait_for(lambda: fetch(base + "support/password-reset/"), what="the page")
        assert "zanzibar" in page
        assert "<svg" in page
        glossary = project / "sops" / "glossary.yaml"
        glossary.write_text(glossary.read_text(encoding="utf-8") + "ZQX: Zanzibar quality exchange\n",
                            encoding="utf-8")
        wait_for(lambda: "Zanzibar quality exchange" in (fetch(base + "glossary/") or ""),
                 what="the glossary rebuild")
        # a new department changes the navigation of every page: a full rebuild
        (project / "sops" / "shipping").mkdir()
        (project / "sops" / "shipping" / "lost-parcel.yaml").write_text(
            sop.read_text(encoding="utf-8").replace("id: password-reset", "id: lost-parcel")
            .replace("department: Support", "department: Shipping"), encoding="utf-8")
        grown = wait_for(lambda: "shipping/lost-parcel/" in (urls := served_index(base)[0]) and urls,
                         what="the new department")
        assert grown == pages | {"shipping/lost-parcel/"}
        assert 'href="../../shipping/"' in (fetch(base + "support/password-reset/") or "")  # in the navigation
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert list(temporary.iterdir()) == []  # the served site's folder is removed on exit


# ------------------------------------------------- incremental rebuilds, in process

SERVE_URL = "http://127.0.0.1:8000/"
EDIT_FROM = "Send the reset link from the admin console"
EDIT_TO = "Send the zanzibar reset link"


def site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def page_times(site: Path) -> dict[str, int]:
    return {path.relative_to(site).as_posix(): path.stat().st_mtime_ns for path in site.rglob("index.html")}


@pytest.fixture
def served(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The fixture project under a serve session (as `csdocs serve` drives it), first build done."""
    from csdocs.site.serve import ServeSession, rebuild

    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    session = ServeSession(project / "mkdocs.yml", tmp_path / "served", serve_url=SERVE_URL)
    first = rebuild(session)
    return session, first


def full_build(project: Path, site: Path) -> dict[str, bytes]:
    """What a from-scratch build of the same sources writes (a new session: nothing to reuse)."""
    from csdocs.site.serve import ServeSession, rebuild

    rebuild(ServeSession(project / "mkdocs.yml", site, serve_url=SERVE_URL))
    return site_files(site)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_step_edit_re_renders_that_sop_only_and_the_site_equals_a_full_build(served, project: Path,
                                                                                 tmp_path: Path):
    from csdocs.site.serve import rebuild

    session, first = served
    site = session.site_dir
    assert {"index.md", "guide.md", "support/password-reset.md", "billing/refund-request.md",
            "billing/card-dispute.md", "billing/index.md", "glossary.md"} <= set(first)
    urls_before, terms_before = site_index(site)
    times_before = page_times(site)

    edit(project / "sops" / "support" / "password-reset.yaml", EDIT_FROM, EDIT_TO)
    rendered = rebuild(session)

    # only the edited SOP and the hand-written page (its title is needed by the navigation)
    assert set(rendered) == {"support/password-reset.md", "guide.md"}
    times_after = page_times(site)
    for unchanged in ("billing/refund-request/index.html", "billing/card-dispute/index.html",
                      "billing/index.html", "index.html", "glossary/index.html"):
        assert times_after[unchanged] == times_before[unchanged], f"{unchanged} was written again"
    assert times_after["support/password-reset/index.html"] != times_before["support/password-reset/index.html"]

    page = (site / "support" / "password-reset" / "index.html").read_text(encoding="utf-8")
    assert EDIT_TO in page and EDIT_FROM not in page
    urls_after, terms_after = site_index(site)
    assert urls_after == urls_before  # every SOP, not only the edited one
    assert "zanzibar" in terms_after and "zanzibar" not in terms_before

    assert site_files(site) == full_build(project, tmp_path / "full")


def test_a_title_edit_republishes_the_pages_that_list_the_sop(served, project: Path, tmp_path: Path):
    from csdocs.site.serve import rebuild

    session, _ = served
    edit(project / "sops" / "billing" / "refund-request.yaml", "title: Refund request", "title: Zanzibar refund")
    rendered = set(rebuild(session))
    assert {"billing/refund-request.md", "billing/index.md", "index.md"} <= rendered
    assert "support/password-reset.md" not in rendered
    assert "Zanzibar refund" in (session.site_dir / "billing" / "index.html").read_text(encoding="utf-8")
    assert site_files(session.site_dir) == full_build(project, tmp_path / "full")


def test_a_new_department_changes_the_navigation_and_rebuilds_everything(served, project: Path, tmp_path: Path):
    from csdocs.site.serve import rebuild

    session, first = served
    source = (project / "sops" / "support" / "password-reset.yaml").read_text(encoding="utf-8")
    (project / "sops" / "shipping").mkdir()
    (project / "sops" / "shipping" / "lost-parcel.yaml").write_text(
        source.replace("id: password-reset", "id: lost-parcel").replace("department: Support", "department: Shipping")
        .replace("title: Password reset", "title: Lost parcel"), encoding="utf-8")
    rendered = set(rebuild(session))
    assert set(first) | {"shipping/lost-parcel.md", "shipping/index.md"} == rendered
    assert "shipping/lost-parcel/" in site_index(session.site_dir)[0]
    assert "Shipping" in (session.site_dir / "support" / "password-reset" / "index.html").read_text(encoding="utf-8")
    assert site_files(session.site_dir) == full_build(project, tmp_path / "full")


def test_a_removed_sop_leaves_no_stale_page(served, project: Path, tmp_path: Path):
    from csdocs.site.serve import rebuild

    session, _ = served
    (project / "sops" / "billing" / "card-dispute.yaml").unlink()
    rebuild(session)
    assert not (session.site_dir / "billing" / "card-dispute").exists()
    assert site_files(session.site_dir) == full_build(project, tmp_path / "full")


def test_a_hand_written_page_edit_rebuilds_everything(served, project: Path, tmp_path: Path):
    from csdocs.site.serve import rebuild

    session, first = served
    edit(project / "sops" / "guide.md", "# How to use these SOPs", "# Zanzibar guide")
    assert set(rebuild(session)) == set(first)  # its title is in every page's navigation
    assert "Zanzibar guide" in (session.site_dir / "billing" / "refund-request" / "index.html").read_text(
        encoding="utf-8")
    assert site_files(session.site_dir) == full_build(project, tmp_path / "full")


def test_after_a_failed_build_the_next_one_is_full(served, project: Path, monkeypatch: pytest.MonkeyPatch):
    from csdocs.site import pages
    from csdocs.site.serve import rebuild

    session, first = served

    def broken(*args, **kwargs):
        raise RuntimeError("a theme or plugin bug")

    with monkeypatch.context() as patch:
        patch.setattr(pages, "rules_page", broken)
        with pytest.raises(RuntimeError):
            rebuild(session)
    assert session.incremental.last is None
    assert set(rebuild(session)) == set(first)


def test_a_title_edit_republishes_the_sops_that_link_to_it(served, project: Path, tmp_path: Path):
    from csdocs.site.serve import rebuild

    session, _ = served
    edit(project / "sops" / "support" / "password-reset.yaml", "title: Password reset", "title: Zanzibar reset")
    rendered = set(rebuild(session))
    # card-dispute has a goto into password-reset: its procedure names the target SOP
    assert {"support/password-reset.md", "billing/card-dispute.md"} <= rendered
    assert "billing/refund-request.md" not in rendered
    assert "Zanzibar reset" in (session.site_dir / "billing" / "card-dispute" / "index.html").read_text(
        encoding="utf-8")
    assert site_files(session.site_dir) == full_build(project, tmp_path / "full")


def test_an_edit_then_its_undo_gives_the_first_site_again(served, project: Path, tmp_path: Path):
    from csdocs.site.serve import rebuild

    session, _ = served
    before = site_files(session.site_dir)
    sop = project / "sops" / "billing" / "refund-request.yaml"
    original = sop.read_text(encoding="utf-8")
    edit(sop, "title: Refund request", "title: Zanzibar refund")
    rebuild(session)
    sop.write_text(original, encoding="utf-8")
    rebuild(session)
    assert site_files(session.site_dir) == before


def test_without_the_csdocs_plugin_a_rebuild_is_a_plain_full_one(served, project: Path):
    from csdocs.site.serve import rebuild

    session, _ = served
    config = project / "mkdocs.yml"
    edit(config, "  - csdocs:\n      sops_dir: sops\n      glossary: sops/glossary.yaml\n      cache_dir: .csdocs-cache\n",
         "")
    rebuild(session)
    assert not (session.site_dir / "billing" / "refund-request").exists()  # nothing stale is left behind
    assert session.incremental.last is None


def test_a_taken_port_is_a_clear_error(project: Path):
    from tests.conftest import run_csdocs

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_csdocs("serve", "-a", f"127.0.0.1:{port}", cwd=project, timeout=120)
    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
