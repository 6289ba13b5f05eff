"""Hand-made tickets, written in each export shape, and the right answers worked out in plain Python."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace
from pathlib import Path

from csdocs.model import Duration, Sop, slugify

AS_OF = dt.datetime(2026, 3, 20, 12, 0)


@dataclass(frozen=True)
class Ticket:
    id: int
    status: str  # solved, closed, open, pending
    created: dt.datetime
    solved: dt.datetime | None
    tags: tuple[str, ...]
    replies: int
    reopens: int
    escalated: bool
    first_reply: float | None  # minutes
    handle: float | None  # minutes
    rating: str | None  # good, bad, offered, or None; "1".."5" for score shapes

    @property
    def is_solved(self) -> bool:
        return self.status in ("solved", "closed")


def sop(sop_id: str, contact_types: tuple[str, ...], **metrics: str) -> Sop:
    return Sop(path=f"sops/{sop_id}.yaml", id=sop_id, title=sop_id.title(), contact_types=contact_types,
               sla={"first_response": Duration.parse("1h"), "resolution": Duration.parse("2d")}, metrics=metrics)


def tickets(count: int = 48, *, scores: bool = False) -> list[Ticket]:
    """A varied, deterministic set: every field takes several values (no randomness: i mod small primes)."""
    out = []
    start = dt.datetime(2026, 3, 2, 9, 0)  # a Monday
    for i in range(count):
        created = start + dt.timedelta(hours=7 * i)
        status = ("solved", "closed", "open", "solved", "pending", "solved")[i % 6]
        tags = (("refund",), ("Refund", "vip"), ("card_dispute",), ("refund", "card dispute"), ("loyalty_points",),
                ("crypto",), ("loyalty_points", "vip"))[i % 7]
        if scores:
            rating = (None, "5", "4", "2", "1", "3", None)[i % 7]
        else:
            rating = ("good", "bad", "offered", None, "good", "good", "bad")[i % 7]
        out.append(Ticket(
            id=1000 + i, status=status, created=created,
            solved=created + dt.timedelta(hours=3 + i % 5) if status in ("solved", "closed") else None,
            tags=tags, replies=(1, 0, 2, 1, 3)[i % 5], reopens=1 if i % 3 == 0 else 0, escalated=i % 4 == 0,
            first_reply=None if i % 9 == 0 else float((15, 45, 90, 61, 5)[i % 5]),
            handle=None if i % 8 == 0 else float((4, 7.5, 12, 30)[i % 4]), rating=rating))
    return out


def slug(text: str) -> str:
    """The contract matches "after the same slugging csdocs uses for contact types": that one function."""
    return slugify(text)


def of_sop(rows: list[Ticket], contact_types: tuple[str, ...]) -> list[Ticket]:
    wanted = {slug(c) for c in contact_types}
    return [t for t in rows if wanted & {slug(tag) for tag in t.tags}]


def expected(rows: list[Ticket], *, first_response_min: float = 60, resolution_min: float = 2880,
             as_of: dt.datetime = AS_OF) -> dict[str, float | None]:
    """The contract's definitions, row by row."""
    solved = [t for t in rows if t.is_solved]
    fcr = [t for t in solved if t.reopens == 0 and t.replies <= 1 and not t.escalated]
    handled = [t.handle for t in solved if t.handle is not None]
    good = sum(1 for t in rows if t.rating == "good")
    bad = sum(1 for t in rows if t.rating == "bad")
    scores = [int(t.rating) for t in rows if t.rating and t.rating.isdigit()]
    replied = [t for t in rows if t.first_reply is not None]
    backlog = [t for t in rows if not (t.is_solved and (t.solved is None or t.solved <= as_of))
               and t.created <= as_of - dt.timedelta(minutes=resolution_min)]
    return {
        "volume": len(rows),
        "fcr": 100 * len(fcr) / len(solved) if solved else None,
        "escalation_rate": 100 * sum(t.escalated for t in rows) / len(rows) if rows else None,
        "aht": sum(handled) / len(handled) if handled else None,
        "csat_percent": 100 * good / (good + bad) if good + bad else None,
        "csat_score": sum(scores) / len(scores) if scores else None,
        "backlog": len(backlog),
        "first_response_within_sla": (100 * sum(t.first_reply <= first_response_min for t in replied) / len(replied)
                                      if replied else None),
    }


def _time(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _hms(minutes: float | None) -> str:
    if minutes is None:
        return ""
    seconds = round(minutes * 60)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


FRESHDESK_SCORES = {"5": "Extremely Happy", "4": "Happy", "3": "Neutral", "2": "Unhappy", "1": "Extremely Unhappy"}


def zendesk_rows(rows: list[Ticket]) -> list[list[str]]:
    header = ["Id", "Status", "Created at", "Solved at", "Tags", "Ticket type", "Replies", "Reopens",
              "Group stations", "First reply time in minutes", "Satisfaction Score"]
    body = [[str(t.id), t.status, _time(t.created), _time(t.solved),
             " ".join(tag.replace(" ", "_") for tag in t.tags[1:]), t.tags[0],  # a Zendesk tag has no spaces
             str(t.replies), str(t.reopens), "2" if t.escalated else "1",
             "" if t.first_reply is None else f"{t.first_reply:g}",
             {"good": "Good", "bad": "Bad", "offered": "Offered", None: "Unoffered"}[t.rating]] for t in rows]
    return [header, *body]


def freshdesk_rows(rows: list[Ticket]) -> list[list[str]]:
    header = ["Ticket ID", "Status", "Created time", "Resolved time", "Type", "Tags", "Agent interactions",
              "First response time (in hrs)", "Time tracked", "Survey results"]
    status = {"solved": "Resolved", "closed": "Closed", "open": "Open", "pending": "Pending"}
    body = [[str(t.id), status[t.status], _time(t.created), _time(t.solved), t.tags[0],
             ",".join([*t.tags[1:], *(["escalated"] if t.escalated else [])]), str(t.replies),
             "" if t.first_reply is None else repr(t.first_reply / 60), _hms(t.handle),
             FRESHDESK_SCORES.get(t.rating or "", "")] for t in rows]
    return [header, *body]


def generic_rows(rows: list[Ticket]) -> list[list[str]]:
    header = ["id", "status", "created_at", "solved_at", "contact_type", "replies", "reopens", "escalated",
              "first_reply_minutes", "handle_minutes", "csat"]
    body = [[str(t.id), t.status, _time(t.created), _time(t.solved), t.tags[0], str(t.replies), str(t.reopens),
             "true" if t.escalated else "false", "" if t.first_reply is None else f"{t.first_reply:g}",
             "" if t.handle is None else f"{t.handle:g}", t.rating or ""] for t in rows]
    return [header, *body]


def for_generic(rows: list[Ticket]) -> list[Ticket]:
    """The generic shape has one contact type per ticket: what the right answers see, too."""
    return [replace(t, tags=t.tags[:1]) for t in rows]


def for_freshdesk(rows: list[Ticket]) -> list[Ticket]:
    """A Freshdesk export has no reopens: every ticket counts 0 (the contract), the right answers too."""
    return [replace(t, reopens=0) for t in rows]


WRITERS = {"zendesk": zendesk_rows, "freshdesk": freshdesk_rows, "generic": generic_rows}


def write_csv(path: Path, table: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path
