"""What day it is, for everything in csdocs that compares with today.

One place decides "today": review-overdue (``csdocs lint``, and the lint gate
of ``csdocs build``), the ``last_reviewed`` date ``csdocs new`` and
``csdocs init`` write, and the review dashboard of ``csdocs build``,
``csdocs serve`` and a plain ``mkdocs build``. Each takes, first to last:

1. ``--today YYYY-MM-DD`` on the command line;
2. the ``CSDOCS_TODAY`` environment variable (``YYYY-MM-DD``), which is how
   a test suite or a reproducible build fixes the date for every command at
   once, subprocesses and the MkDocs plugin included;
3. the machine's clock (local date).

A malformed value is an error that names where it came from, never a
silent fall back to the clock. The ``--today`` option is
:func:`csdocs.cli.today_option`.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping

TODAY_ENV = "CSDOCS_TODAY"


class BadDate(ValueError):
    """A ``--today`` or ``CSDOCS_TODAY`` value that is not a ``YYYY-MM-DD`` date."""

    def __init__(self, source: str, text: str) -> None:
        super().__init__(f"{source}: {text!r} is not a date (YYYY-MM-DD)")
        self.source = source
        self.text = text


def parse_date(text: str, *, source: str) -> _dt.date:
    """``"2026-11-25" -> date(2026, 11, 25)``; raises :class:`BadDate` naming ``source``."""
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(source, text) from None


def today(explicit: str | _dt.date | None = None, *, environ: Mapping[str, str] | None = None) -> _dt.date:
    """Today for csdocs: ``explicit`` (``--today``), else ``CSDOCS_TODAY``, else the clock.

    Raises :class:`BadDate` when the value given is not a ``YYYY-MM-DD`` date.
    """
    if isinstance(explicit, _dt.date):
        return explicit
    if explicit:
        return parse_date(explicit, source="--today")
    from_env = (os.environ if environ is None else environ).get(TODAY_ENV)
    if from_env:
        return parse_date(from_env, source=TODAY_ENV)
    return _dt.date.today()
