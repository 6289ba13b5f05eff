"""Starting points: ``csdocs new`` (one SOP from a template) and ``csdocs init`` (a project).

The library functions raise :class:`ScaffoldError` with a message for the
user; only :mod:`csdocs.cli` turns it into an exit status.
Nothing here ever overwrites a file.
"""

from __future__ import annotations

from ..errors import CsdocsError


class ScaffoldError(CsdocsError):
    """A request that cannot be carried out (bad id, unknown template, file exists): exit 1."""
