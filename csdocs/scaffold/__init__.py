"""Starting points: ``csdocs new`` (one SOP from a template) and ``csdocs init`` (a project).

The library functions raise :class:`ScaffoldError` with a message for the
user; only :mod:`csdocs.cli` turns it into an exit status.
Nothing here ever overwrites a file.
"""

from __future__ import annotations

from ..errors import CsdocsError, UsageError


class ScaffoldError(CsdocsError):
    """A request that cannot be carried out (a file exists, a file where a folder goes): exit 1."""


class ScaffoldUsageError(ScaffoldError, UsageError):
    """A bad argument (an SOP id, a template name, a department or site name): exit 2, as README's
    "Exit status" says of every command's arguments (and as ``new --today`` already did)."""
