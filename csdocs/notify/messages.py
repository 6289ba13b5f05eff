"""What ``csdocs notify`` says, before it is dressed for a chat tool.

A :class:`Message` is plain data: a title, a one-line summary, sections of
items (an SOP or a change, with a link when the site's address is known)
and an optional link for the whole message (the pull request). The
formats in :mod:`csdocs.notify.formats` turn it into a Slack or Teams
payload. Every string may hold SOP text, which is untrusted: the formats
escape it for their own markup.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from ..model import Sop
from ..render.text import plural
from ..review.changes import Review, Risk
from ..reviews import DUE_SOON_DAYS, due_reviews


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a section: ``title`` (linked to ``url`` when there is one) and ``detail``."""

    title: str
    detail: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Message:
    """What to tell a channel. ``empty``: nothing needs anyone's attention (not sent unless asked)."""

    title: str
    summary: str
    sections: tuple[Section, ...] = ()
    link: tuple[str, str] | None = None  # (label, URL)
    empty: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title, "summary": self.summary, "empty": self.empty,
            "link": {"label": self.link[0], "url": self.link[1]} if self.link else None,
            "sections": [{"heading": s.heading,
                          "items": [{"title": i.title, "detail": i.detail, "url": i.url} for i in s.items]}
                         for s in self.sections],
        }


def reviews_message(sops: Iterable[Sop], *, today: _dt.date, page_urls: Mapping[str, str] | None = None,
                    site_url: str | None = None, soon: int = DUE_SOON_DAYS) -> Message:
    """Reviews overdue, due within ``soon`` days and never done, by owner (csdocs.reviews.due_reviews).

    ``page_urls``: SOP id -> page URL relative to the site; with ``site_url``
    each SOP is linked to its page.
    """
    buckets = due_reviews(sops, today=today, soon=soon)
    counts = {name: sum(len(rows) for _, rows in groups) for name, groups in buckets.items()}
    labels = {"overdue": "Overdue", "due": f"Due within {soon} days", "never": "Never reviewed"}
    sections = []
    for name, groups in buckets.items():
        for owner, rows in groups:
            items = []
            for row in rows:
                if row.due is None:
                    detail = "never reviewed"
                elif row.days is not None and row.days < 0:
                    detail = f"due {row.due.isoformat()}, {plural(-row.days, 'day')} overdue"
                elif row.days == 0:
                    detail = f"due today ({row.due.isoformat()})"
                else:
                    detail = f"due {row.due.isoformat()}, in {plural(row.days or 0, 'day')}"
                url = None
                if site_url and page_urls and row.sop.id in page_urls:
                    url = urljoin(site_url.rstrip("/") + "/", page_urls[row.sop.id])
                items.append(Item(row.sop.title or row.sop.id, detail, url))
            sections.append(Section(f"{labels[name]}: {owner}", tuple(items)))
    total = sum(counts.values())
    if not total:
        summary = f"No SOP is overdue or due within {soon} days ({today.isoformat()})."
    else:
        summary = (f"{counts['overdue']} overdue, {counts['due']} due within {soon} days, "
                   f"{counts['never']} never reviewed, as of {today.isoformat()}.")
    link = ("Review dashboard", urljoin(site_url.rstrip("/") + "/", "reviews/")) if site_url else None
    return Message("SOP reviews", summary, tuple(sections), link, empty=not total)


def changes_message(review: Review, *, titles: Mapping[str, str], min_risk: Risk = Risk.HIGH,
                    link: str | None = None) -> Message:
    """The changes at or above ``min_risk`` of a review diff, by SOP (``titles``: id -> title).

    ``link``: the pull request's URL, shown as the message's link.
    """
    chosen = [change for change in review.changes if change.risk.rank >= min_risk.rank]
    sections = []
    for sop_id in sorted({change.sop for change in chosen}):
        items = tuple(Item(f"{change.risk.value}: {change.kind}", f"{change.message} ({change.path}:{change.line})")
                      for change in sorted((c for c in chosen if c.sop == sop_id),
                                           key=lambda c: (-c.risk.rank, c.sort_key())))
        title = titles.get(sop_id) or sop_id
        sections.append(Section(f"{title} ({sop_id})" if title != sop_id else sop_id, items))
    sops = len(sections)
    at_least = "high-risk" if min_risk is Risk.HIGH else f"{min_risk.value}-or-higher-risk"
    if chosen:
        summary = f"{plural(len(chosen), at_least + ' change')} in {plural(sops, 'SOP')}."
    else:
        summary = f"No {at_least} change."
    return Message("SOP changes to review", summary, tuple(sections),
                   ("Open the pull request", link) if link else None, empty=not chosen)
