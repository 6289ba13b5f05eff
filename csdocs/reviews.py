"""Which SOPs are due for review: the one place that decides it.

The review dashboard (:func:`csdocs.site.pages.review_dashboard_page`) and
``csdocs notify reviews`` (:mod:`csdocs.notify`) both read :func:`due_reviews`,
so the page agents' leads look at and the message their chat receives can
never disagree.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Sop

DUE_SOON_DAYS = 30
NO_OWNER = "No owner"
BUCKETS = ("overdue", "due", "never")  # in the order the dashboard shows them


def next_review(sop: Sop) -> _dt.date | None:
    """``last_reviewed`` plus ``review_every`` in whole days (at least one); None when either is missing or invalid.

    The one due date: the review dashboard, ``csdocs notify``, the site's API
    and the ``review-overdue`` rule all read it, from the interval the loader
    measured (:class:`csdocs.model.Duration`); an interval shorter than a day
    (``12h``) counts as one day.
    """
    interval = sop.review_every.minutes
    if sop.last_reviewed is None or not interval:
        return None
    try:
        return sop.last_reviewed + _dt.timedelta(days=max(1, interval // (24 * 60)))
    except OverflowError:  # due after the year 9999: never, in practice
        return None


@dataclass(frozen=True, slots=True)
class DueRow:
    """One SOP to review: its due date and the days from today to it (negative: overdue)."""

    sop: Sop
    due: _dt.date | None
    days: int | None


Groups = list[tuple[str, list[DueRow]]]  # (owner, rows), owners sorted case-insensitively


def due_reviews(sops: Iterable[Sop], *, today: _dt.date, soon: int = DUE_SOON_DAYS) -> dict[str, Groups]:
    """``{"overdue": groups, "due": groups, "never": groups}``, each grouped by owner.

    ``overdue``: the next review is before ``today``; ``due``: within ``soon``
    days (today included); ``never``: no ``last_reviewed``. Retired SOPs are
    left out. Rows are sorted by due date, then title; an SOP with no owner
    is grouped under ``"No owner"``.
    """
    buckets: dict[str, dict[str, list[DueRow]]] = {name: {} for name in BUCKETS}
    for sop in sops:
        if sop.status == "retired":
            continue
        due = next_review(sop)
        if due is None:
            bucket = "never" if sop.last_reviewed is None else None
        elif due < today:
            bucket = "overdue"
        elif (due - today).days <= soon:
            bucket = "due"
        else:
            bucket = None
        if bucket:
            row = DueRow(sop, due, (due - today).days if due else None)
            buckets[bucket].setdefault(sop.owner or NO_OWNER, []).append(row)
    return {
        name: [(owner, sorted(rows, key=lambda r: (r.due or today, r.sop.title.casefold(), r.sop.id)))
               for owner, rows in sorted(groups.items(), key=lambda item: (item[0].casefold(), item[0]))]
        for name, groups in buckets.items()
    }
