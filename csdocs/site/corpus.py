"""Load every SOP and the glossary of a project, with a cache keyed by file stat.

``csdocs serve`` rebuilds when a file changes; MkDocs creates a new plugin
per rebuild, so the cache lives in this module and only the files whose size
or mtime moved are parsed again. An unchanged file gives back the very same
``Sop`` object, which is what lets serve's memos (csdocs.site.incremental)
keep that SOP's page and flowchart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from ..config import Config, resolve
from ..loader import Loaded, load_file, load_glossary
from ..model import Glossary, Sop
from ..project_files import sop_files as project_sop_files

log = logging.getLogger(__name__)

_StatKey = tuple[int, int]
_cache: dict[str, tuple[_StatKey, Loaded]] = {}
_glossary_cache: dict[str, tuple[_StatKey, Glossary]] = {}


@dataclass(frozen=True, slots=True)
class Corpus:
    """What the site publishes: usable SOPs (first of each id) and the glossary."""

    sops: tuple[Sop, ...]
    glossary: Glossary
    broken: tuple[Loaded, ...]  # files that did not load into an SOP
    duplicates: tuple[Sop, ...]  # later SOPs that reuse an id, left out
    sop_files: tuple[Path, ...]  # every SOP file read (absolute)
    glossary_file: Path | None
    index: Mapping[str, Sop] = field(default_factory=dict)  # id -> SOP, built once (pages look up often)

    def by_id(self) -> Mapping[str, Sop]:
        return self.index


def _stat_key(path: Path) -> _StatKey | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _load_cached(path: Path, display: str) -> Loaded:
    key = _stat_key(path)
    cached = _cache.get(str(path))
    if key is not None and cached is not None and cached[0] == key and cached[1].path == display:
        return cached[1]
    loaded = load_file(path, display=display)
    if key is not None:
        _cache[str(path)] = (key, loaded)
    return loaded


def load_corpus(config: Config) -> Corpus:
    """Read ``sops_dir`` (in :mod:`csdocs.project_files` order, so pages and the search index come out in one order)."""
    glossary_file = resolve(config, config.glossary)
    sop_files = [path.resolve() for path in project_sop_files(config)]
    sops: list[Sop] = []
    broken: list[Loaded] = []
    duplicates: list[Sop] = []
    seen: set[str] = set()
    for path in sop_files:
        display = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else str(path)
        loaded = _load_cached(path, display)
        if loaded.sop is None:
            broken.append(loaded)
        elif loaded.sop.id in seen:
            duplicates.append(loaded.sop)
        else:
            seen.add(loaded.sop.id)
            sops.append(loaded.sop)
    glossary = Glossary()
    if glossary_file is not None and glossary_file.is_file():
        glossary = _glossary_cached(glossary_file.resolve())
    return Corpus(tuple(sops), glossary, tuple(broken), tuple(duplicates), tuple(sop_files),
                  glossary_file.resolve() if glossary_file is not None else None,
                  MappingProxyType({sop.id: sop for sop in sops}))


def _glossary_cached(path: Path) -> Glossary:
    key = _stat_key(path)
    cached = _glossary_cache.get(str(path))
    if key is not None and cached is not None and cached[0] == key:
        return cached[1]
    glossary, problems = load_glossary(path)
    for problem in problems:
        log.warning("%s:%d:%d: %s", path, problem.span.line, problem.span.column, problem.message)
    if key is not None:
        _glossary_cache[str(path)] = (key, glossary)
    return glossary
