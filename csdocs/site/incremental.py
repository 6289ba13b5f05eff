"""Incremental rebuilds for ``csdocs serve``: re-render only the pages whose content changed.

MkDocs' own ``--dirty`` build cannot be used as it is: a generated page
always counts as modified (so nothing is skipped). Under ``csdocs serve``
each rebuild is a dirty MkDocs build into the same folder, driven by the
csdocs plugin with a :class:`Session` kept across rebuilds:

* a *signature* covers everything every page's HTML depends on besides its
  own content: mkdocs.yml, the navigation, the list of files, hand-written
  pages and static files (stat), theme overrides, the plugins in use and
  the build date. A different signature (or no previous build) means a full
  rebuild: the site folder is emptied first, so nothing stale is left;
* with the same signature, a generated page whose content hash (Markdown,
  slot HTML, late HTML) is the one of the last build keeps the HTML that
  build wrote: ``File.is_modified()`` answers False and MkDocs skips it;
  hand-written pages and pages the navigation shows without a title are
  always rendered (the navigation prints their titles, known only once read);
* the search index (csdocs.search) is written from every SOP at the end of
  each build, rendered or not; the theme's own index is left empty.

Before MkDocs is involved, the generator (csdocs.site.generate) keeps each SOP's page
and flowchart (:class:`SopMemo`): they are made again only when that SOP, an
SOP it links to (looked up through a :class:`Recorder`), the config, the
glossary, the layout or the date changed. Pages that list every SOP (home,
departments, glossary, escalation matrix, review dashboard) are generated
every time and rendered again only when their content hash moved.

``csdocs build`` never opens a session: it is a full build from scratch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mkdocs
from mkdocs.structure.files import File, Files, InclusionLevel

log = logging.getLogger(__name__)

# Plugins known to make a page's HTML depend only on the page and the site's config: with any
# other (tags, blog, hooks...) a page may show facts of other pages, so every rebuild is full.
REUSE_PLUGINS = frozenset({"csdocs", "search", "material/search"})
PACKAGES_DIR = Path(mkdocs.__file__).resolve().parent.parent  # installed themes do not change mid-session



@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the last successful build left in the site folder."""

    signature: str
    page_hashes: Mapping[str, str]  # generated page src_uri -> content hash


@dataclass(slots=True)
class Plan:
    """One build's decisions, made in ``on_files`` and completed in ``on_post_build``."""

    signature: str
    page_hashes: dict[str, str]
    reused: frozenset[str]  # src_uris MkDocs skips (their HTML from the last build stays)
    full: bool


@dataclass(slots=True)
class Session:
    """One serve session: a site folder rebuilt again and again, and what its last build left."""

    site_dir: Path
    inclusion: Callable[[InclusionLevel], bool] = InclusionLevel.is_in_serve
    last: Snapshot | None = None
    plan: Plan | None = None
    rendered: list[str] = field(default_factory=list)  # src_uris rendered by the current/last build
    flowcharts: SopMemo = field(default_factory=lambda: SopMemo())  # sop id -> safe SVG
    sop_pages: SopMemo = field(default_factory=lambda: SopMemo())  # sop id -> (page, content hash)

    def forget(self) -> None:
        """After a failed build the folder's state is unknown: the next build is a full one."""
        self.last = None
        self.plan = None
        self.flowcharts = SopMemo()
        self.sop_pages = SopMemo()


_lock = threading.Lock()  # one build at a time into a session's folder


@contextmanager
def building(session: Session) -> Iterator[Session]:
    """One build of ``session``'s site: what the last one rendered is cleared, and a failed build is forgotten."""
    with _lock:
        session.rendered = []
        session.plan = None  # made afresh by this build's on_files
        try:
            yield session
        except BaseException:
            session.forget()
            raise


# ----------------------------------------------------------------- hashing


def content_hash(markdown: str, slots: Iterable[str], late: Iterable[str]) -> str:
    digest = hashlib.sha256(markdown.encode("utf-8", "surrogatepass"))
    for part_name, parts in (("slots", slots), ("late", late)):
        digest.update(f"\0{part_name}".encode())
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _stat(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _file_fact(file: File) -> Any:
    """What stands for a file's content in the signature (generated pages are hashed on their own)."""
    content = getattr(file, "_content", None)
    if content is not None:
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        return hashlib.sha256(data).hexdigest()
    return _stat(file.abs_src_path) if file.abs_src_path else None


def untitled_nav_pages(nav: Any) -> set[str]:
    """Pages the navigation lists without a title: their titles come from their content."""
    found: set[str] = set()
    if isinstance(nav, str):
        found.add(nav)
    elif isinstance(nav, list):
        for item in nav:
            found |= untitled_nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            if isinstance(value, list):
                found |= untitled_nav_pages(value)
    return found


def theme_overrides(dirs: Iterable[str]) -> list[tuple[str, Any]]:
    """Stat of every file in theme folders outside the installed packages (a project's custom_dir)."""
    facts: list[tuple[str, Any]] = []
    for folder in dirs:
        if Path(folder).resolve().is_relative_to(PACKAGES_DIR):
            continue
        for parent, subdirs, names in os.walk(folder):
            subdirs.sort()
            for name in sorted(names):
                path = os.path.join(parent, name)
                facts.append((path, _stat(path)))
    return facts


def signature(*, config_file: str | None, nav: Any, files: Files, generated: Mapping[str, str],
              always_rendered: Iterable[str], theme_dirs: Iterable[str], plugins: Iterable[str],
              site_url: str | None, build_date: str) -> str:
    """One hash of everything a page's HTML depends on other than the page's own content."""
    config_bytes = Path(config_file).read_bytes() if config_file and os.path.isfile(config_file) else b""
    facts = {
        "config": hashlib.sha256(config_bytes).hexdigest(),
        "site_url": site_url,
        "build_date": build_date,
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
        "plugins": list(plugins),
        "nav": nav,
        "files": [(file.src_uri, file.dest_uri, None if file.src_uri in generated else _file_fact(file))
                  for file in files],
        "titles": sorted((src, generated[src]) for src in always_rendered if src in generated),
        "theme": theme_overrides(theme_dirs),
    }
    text = json.dumps(facts, sort_keys=True, default=repr, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# -------------------------------------------------------------- decisions


def plan(session: Session, *, signature_now: str, page_hashes: dict[str, str], reusable: bool,
         always_rendered: set[str]) -> Plan:
    """Which generated pages keep the last build's HTML (none when the signature moved)."""
    last = session.last
    if not reusable or last is None or last.signature != signature_now:
        return Plan(signature_now, page_hashes, frozenset(), full=True)
    reused = frozenset(src for src, digest in page_hashes.items()
                       if src not in always_rendered and last.page_hashes.get(src) == digest)
    return Plan(signature_now, page_hashes, reused, full=False)


def mark(files: Files, reused: frozenset[str]) -> None:
    """Answer MkDocs' dirty build from our hashes instead of file times."""
    for file in files.documentation_pages(inclusion=lambda _level: True):
        # An instance attribute on purpose: hand-written Files come from MkDocs, not from us.
        file.is_modified = _unchanged if file.src_uri in reused else _changed  # type: ignore[method-assign]


def _unchanged() -> bool:
    return False


def _changed() -> bool:
    return True


# ------------------------------------------------------- generation memos


class Recorder(Mapping[str, Any]):
    """A read-only view of the corpus index that notes which SOP ids a page looked up."""

    def __init__(self, inner: Mapping[str, Any]) -> None:
        self.inner = inner
        self.seen: dict[str, Any] = {}
        self.iterated = False  # a page that walks every SOP depends on all of them: not memoized

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = self.inner.get(key)
        self.seen[key] = value
        return default if value is None else value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        self.iterated = True
        return iter(self.inner)

    def __len__(self) -> int:
        self.iterated = True
        return len(self.inner)


@dataclass(slots=True)
class _Memoized:
    sop: Any
    seen: dict[str, Any]
    value: Any


class SopMemo:
    """What a pure function of one SOP (and of the SOPs it looks up) gave in an earlier build.

    ``begin`` takes everything else the function reads (config, glossary,
    layout, date); when that moved, everything is forgotten. An entry is
    used only for the very same SOP object (the corpus cache hands back the
    same object while the file is unchanged) and when every SOP it looked up
    is still the same object (or still missing).
    """

    def __init__(self) -> None:
        self.context: Any = None
        self.entries: dict[str, _Memoized] = {}
        self.hits = 0

    def begin(self, context: Any) -> None:
        self.hits = 0
        if context != self.context:
            self.entries.clear()
            self.context = context

    def lookup(self, sop: Any, index: Mapping[str, Any]) -> _Memoized | None:
        entry = self.entries.get(sop.id)
        if entry is None or entry.sop is not sop:
            return None
        if any(index.get(key) is not value for key, value in entry.seen.items()):
            return None
        self.hits += 1
        return entry

    def store(self, sop: Any, recorder: Recorder, value: Any) -> None:
        if recorder.iterated:
            self.entries.pop(sop.id, None)
        else:
            self.entries[sop.id] = _Memoized(sop, dict(recorder.seen), value)
