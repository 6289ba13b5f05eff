"""Which files of a project are SOPs, and in what order: the one walker every command uses.

``csdocs lint``, the site (and every command that reads the corpus through it:
``search``, ``export``, ``notify``, ``metrics``), ``csdocs diff`` and
``csdocs new`` all list a project's SOPs here, so they can never disagree on
what an SOP is. The rules:

* an SOP file is a ``*.yaml`` or ``*.yml`` file under ``sops_dir``, at any depth;
* a file or folder whose name starts with ``.`` (relative to the folder
  walked) is hidden and left out (``.git``, an editor's ``.backup``);
* the glossary (``glossary.yaml``/``.yml`` anywhere, and the ``glossary``
  option's file) and the search checks (``search-checks.yaml``/``.yml``) are
  project files, not SOPs;
* files come in path order, folder by folder (``billing/x.yaml`` before
  ``billing-eu/y.yaml``): when two files share an SOP id, the first in this
  order is the one every command keeps.

The size bound of a file and its message live with the decoding
(:data:`csdocs.load.decode.MAX_BYTES`), which every reader goes through.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePath, PurePosixPath

from .config import Config, resolve
from .errors import UsageError

SOP_SUFFIXES = (".yaml", ".yml")
GLOSSARY_NAMES = ("glossary.yaml", "glossary.yml")
SEARCH_CHECKS_NAMES = ("search-checks.yaml", "search-checks.yml")


class PathNotFound(UsageError):
    """A path given on the command line does not exist (a usage error)."""


def order_key(path: PurePath | str) -> tuple[str, ...]:
    """The one order of SOP files: by path, folder by folder (``a/b`` sorts before ``a-c/d``)."""
    return PurePosixPath(path).parts if isinstance(path, str) else path.parts


def is_hidden(relative: PurePath) -> bool:
    """A path (relative to the folder walked) with a part that starts with ``.``."""
    return any(part.startswith(".") for part in relative.parts)


def is_search_checks(path: PurePath) -> bool:
    """``search-checks.yaml``: the project's promised queries (csdocs.search.checks), not an SOP."""
    return path.name in SEARCH_CHECKS_NAMES


def is_glossary(path: Path, config: Config) -> bool:
    """A glossary file by name, or the file the ``glossary`` option names."""
    if path.name in GLOSSARY_NAMES:
        return True
    glossary = resolve(config, config.glossary)
    return glossary is not None and path.resolve() == glossary.resolve()


def is_sop_source(path: Path, config: Config) -> bool:
    """A YAML file that holds an SOP (not the glossary, not the search checks)."""
    return not is_glossary(path, config) and not is_search_checks(path)


def is_sop_in_repo(path: PurePosixPath, sops_dir: PurePosixPath, glossary: PurePosixPath | None) -> bool:
    """The same rules on a repository path (as ``git ls-tree`` lists it), for ``csdocs diff``."""
    if path.suffix not in SOP_SUFFIXES or path.name in GLOSSARY_NAMES or is_search_checks(path) or path == glossary:
        return False
    return not is_hidden(path.relative_to(sops_dir) if sops_dir != PurePosixPath(".") else path)


def yaml_files(folder: Path, *, links: bool = True) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` file under ``folder`` that is not hidden, in :func:`order_key` order.

    ``links=False`` leaves out symbolic links (git records a link, not the
    file it points to, so a review of the working tree must not read through one).
    """
    return sorted(
        (
            candidate
            for candidate in folder.rglob("*")
            if candidate.suffix in SOP_SUFFIXES and candidate.is_file()
            and not (not links and candidate.is_symlink())
            and not is_hidden(candidate.relative_to(folder))
        ),
        key=order_key,
    )


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files to lint: the files given, and every YAML file under the folders given (no repeats).

    Raises :class:`PathNotFound` for a path that does not exist.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(yaml_files(path))
        elif path.is_file():
            found.append(path)
        else:
            raise PathNotFound(f"no such file or folder: {path}")
    return list(dict.fromkeys(found))


def sop_files(config: Config, *, links: bool = True) -> list[Path]:
    """The project's SOP files under ``sops_dir``, in order ([] when the folder does not exist)."""
    sops_dir = resolve(config, config.sops_dir)
    if sops_dir is None or not sops_dir.is_dir():
        return []
    return [path for path in yaml_files(sops_dir, links=links) if is_sop_source(path, config)]


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working folder when they are under it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
