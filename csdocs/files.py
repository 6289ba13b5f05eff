"""Writing files so that nobody ever sees half of one.

``write_new`` creates a file and never replaces one (``csdocs new``,
``csdocs init``); ``replace_atomically`` replaces a file in one step (render
output, the render cache, flowchart diffs). Both give new files the usual
permissions (0o666 minus the umask), which ``tempfile.mkstemp`` would not.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path


def write_new(path: Path, text: str) -> None:
    """Create ``path`` holding ``text``; raise ``FileExistsError`` if anything is there.

    The text goes to a temporary file in the same folder first and is then
    hard-linked to its name: ``link`` fails when the name exists (``rename``
    would silently replace it), so two writers racing for one name can never
    clobber each other and nobody ever sees half a file. Where the file
    system has no hard links, ``O_CREAT | O_EXCL`` keeps the never-overwrite
    promise without the all-or-nothing part.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    _write_exclusive(temp, data)  # mode 0o666 minus the umask, like any new file
    try:
        try:
            os.link(temp, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links here (some network and FAT file systems)
            _write_exclusive(path, data)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def replace_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path``, replacing what is there, in one step.

    The data goes to a temporary file beside ``path`` and is renamed over
    it, so a reader sees the old file or the new one, never a half-written
    one; the temporary file is removed if anything fails. Raises OSError.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        _write_exclusive(temp, payload)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def new_folder_beside(target: Path) -> Path:
    """An empty folder next to ``target`` (same file system, so it can be renamed over it).

    Named ``.<target name>.new-<random>``; mode 0o755, not ``mkdtemp``'s 0o700:
    what is built in it becomes a site that a web server, running as
    another user, must read.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-"))
    folder.chmod(0o755)
    return folder


def _write_exclusive(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
