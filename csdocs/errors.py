"""The errors csdocs reports to a user, and the exit status of each kind.

Library code raises a :class:`CsdocsError` subclass with a message that says
what and where (a path, ``file:line:col``, or the option); only
:mod:`csdocs.cli` turns it into output and an exit status, in one place, so
the same kind of failure exits the same way in every command and a user's
mistake never shows a traceback.

Exit status, for every command (README, "Exit status"):

* 0 -- done; no finding at or above the level asked for;
* 1 -- findings (lint errors, a risk at or above ``--fail-on``) or the work
  could not be done (a file that exists, ``dot`` failed, a file that cannot
  be written, a webhook that refuses);
* 2 -- a usage error or bad input: arguments, the configuration, a path,
  revision or export that does not exist or cannot be read.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    """What a csdocs command's exit status means."""

    OK = 0
    FAILED = 1  # findings, or the work could not be done
    USAGE = 2  # a usage error or bad input


class CsdocsError(Exception):
    """A failure to report to the user: a located message, printed ``csdocs: <where>: <message>``.

    ``details`` are printed before it, each on its own line as given (the
    located problems of a file, say), for a message that sums them up.
    """

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, where: str | None = None, details: Iterable[str] = ()) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where
        self.details = tuple(details)


class UsageError(CsdocsError):
    """Bad input: an argument, option, path or setting the user must correct (exit 2)."""

    exit_code = ExitCode.USAGE


class CannotWrite(CsdocsError):
    """A file or folder could not be written (exit 1): the disk, its permissions, a file in the way."""

    def __init__(self, path: object, error: OSError | str) -> None:
        reason = error if isinstance(error, str) else (error.strerror or str(error))
        super().__init__(f"cannot write {path}: {reason}")
