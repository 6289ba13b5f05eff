"""Read the SOPs of a git revision (or the working tree) and pair them by SOP id.

A file moved to another department's folder keeps its id, so it is paired
with its old self, not reported as a removal and an addition. Files are
listed with ``git ls-tree`` and read in one ``git cat-file --batch`` call
(the same bytes ``git show REV:path`` gives, without a process per file).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..config import Config, resolve
from ..errors import UsageError
from ..load.decode import read_bounded
from ..loader import load_bytes
from ..model import Sop
from ..project_files import is_sop_in_repo, order_key, yaml_files


class ReviewError(UsageError):
    """Something the user must fix before a review can run (exit 2)."""


@dataclass(frozen=True, slots=True)
class Side:
    """The SOPs of one revision, by id, and what could not be used."""

    label: str  # "HEAD~1", "working tree", or a file name
    sops: dict[str, Sop]
    warnings: tuple[str, ...] = ()


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise ReviewError("git is not installed; --base needs git") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReviewError(f"git {args[0]} failed: {message[-1] if message else 'unknown error'}")
    return result.stdout


def repo_root(start: Path) -> Path:
    """The top folder of the git work tree that holds ``start``."""
    try:
        return Path(_git(start, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    except ReviewError:
        raise ReviewError(f"{start} is not inside a git repository; --base needs one") from None


def check_revision(root: Path, revision: str) -> str:
    """The commit id ``revision`` names, or a ReviewError saying it is unknown."""
    if not revision or revision.startswith("-"):
        raise ReviewError(f"{revision!r} is not a revision")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}").decode().strip()
    except ReviewError:
        raise ReviewError(f"unknown revision {revision!r}") from None


def sops_dir_in_repo(config: Config, root: Path) -> PurePosixPath:
    """The project's sops_dir as a path inside the repository."""
    folder = resolve(config, config.sops_dir)
    assert folder is not None
    try:
        return PurePosixPath(Path(os.path.abspath(folder)).resolve().relative_to(root).as_posix())
    except ValueError:
        raise ReviewError(f"sops_dir {folder} is outside the git repository {root}") from None


def files_at_revision(root: Path, commit: str, sops_dir: PurePosixPath,
                      glossary: PurePosixPath | None = None) -> dict[str, bytes]:
    """Repository path -> file bytes for every SOP file under ``sops_dir`` at ``commit``."""
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", str(sops_dir))
    blobs: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = PurePosixPath(name.decode("utf-8", "surrogateescape"))
        if kind == "blob" and mode != "120000" and is_sop_in_repo(path, sops_dir, glossary):
            blobs.append((path.as_posix(), oid))
    if not blobs:
        return {}
    output = _git(root, "cat-file", "--batch", stdin="".join(oid + "\n" for _, oid in blobs).encode())
    files: dict[str, bytes] = {}
    offset = 0
    for blob_path, _oid in blobs:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split()
        size = int(header[2])
        files[blob_path] = output[header_end + 1:header_end + 1 + size]
        offset = header_end + 1 + size + 1  # the content is followed by a newline
    return files


def files_in_worktree(root: Path, sops_dir: PurePosixPath, glossary: PurePosixPath | None = None) -> dict[str, bytes]:
    """Repository path -> bytes for every SOP file under ``sops_dir`` as it is on disk now."""
    folder = root / sops_dir
    files: dict[str, bytes] = {}
    if not folder.is_dir():
        return files
    for candidate in yaml_files(folder, links=False):  # git records a link, not the file: read none
        relative = PurePosixPath(candidate.relative_to(root).as_posix())
        if is_sop_in_repo(relative, sops_dir, glossary):
            files[relative.as_posix()] = read_bounded(candidate)
    return files


def load_side(label: str, files: dict[str, bytes], *, strict: bool = True) -> Side:
    """Parse every file.

    An unusable file is a ReviewError on the new side (a review must not
    guess what it says); on the old side (``strict=False``) it is a warning
    and the file is left out, so a change that fixes a broken SOP can still
    be reviewed: it shows as added.
    """
    sops: dict[str, Sop] = {}
    warnings: list[str] = []
    for path in sorted(files, key=order_key):  # the order of every command: the first of an id is kept
        loaded = load_bytes(files[path], path)
        if loaded.sop is None:
            problem = loaded.problems[0]
            where = f"{path}:{problem.span.line}:{problem.span.column} ({label}): {problem.message}"
            if strict:
                raise ReviewError(where)
            warnings.append(f"{where}; it is left out of the old side")
            continue
        sop = loaded.sop
        if sop.id in sops:
            warnings.append(f"{path} ({label}): SOP id {sop.id!r} is also used by {sops[sop.id].path}; "
                            "only the first is reviewed")
            continue
        sops[sop.id] = sop
    return Side(label, sops, tuple(warnings))


def load_revision(config: Config, root: Path, revision: str | None, *, strict: bool = True) -> Side:
    """The SOPs at ``revision``, or in the working tree when it is None (see :func:`load_side`)."""
    sops_dir = sops_dir_in_repo(config, root)
    glossary_path = resolve(config, config.glossary)
    glossary = None
    if glossary_path is not None:
        try:
            glossary = PurePosixPath(Path(os.path.abspath(glossary_path)).resolve().relative_to(root).as_posix())
        except ValueError:
            glossary = None
    if revision is None:
        return load_side("working tree", files_in_worktree(root, sops_dir, glossary), strict=strict)
    commit = check_revision(root, revision)
    return load_side(revision, files_at_revision(root, commit, sops_dir, glossary), strict=strict)
