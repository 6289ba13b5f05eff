"""Generate helpdesk ticket exports for the example corpus: Zendesk- and Freshdesk-shaped CSV.

    .venv/bin/python bench/exports.py                     # examples/exports/{zendesk,freshdesk}-tickets.csv
    .venv/bin/python bench/exports.py --shape zendesk --rows 10000000 -o /tmp/zendesk-10m.csv

Deterministic: every random draw is a hash of (seed, row, draw), computed by
DuckDB in SQL, so the same seed gives the same bytes on any number of
threads, and 10 million rows take seconds. Realistic enough to read: 12
weeks from Monday 2026-08-31 with a weekly rhythm (busy Mondays, quiet
weekends), contact types in the shares a retail bank with shops sees, each
with its own FCR, escalation and satisfaction, some reopens, tags no SOP
covers (``loyalty_points``, ``crypto_wallet``...), open tickets past their
SLA, and a few malformed rows (a date that is not one, ``Replies`` of
``two``; in the small examples also a row with a field too many).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261130
START = "2026-08-31 00:00:00"  # a Monday
WEEKS = 12
# tag, share of contacts, chance a solved ticket needed one reply, escalation chance, good rating chance,
# mean handle minutes, mean first reply minutes
TYPES = [
    ("refund", 14, 0.58, 0.10, 0.78, 9, 120), ("return", 6, 0.80, 0.05, 0.85, 6, 150),
    ("faulty_item", 4, 0.62, 0.12, 0.70, 11, 90), ("card_dispute", 7, 0.55, 0.22, 0.72, 12, 40),
    ("chargeback", 3, 0.50, 0.30, 0.65, 13, 45), ("lost_card", 8, 0.92, 0.08, 0.90, 5, 3),
    ("stolen_card", 2, 0.88, 0.15, 0.88, 6, 4), ("card_activation", 6, 0.95, 0.03, 0.92, 6, 30),
    ("complaint", 6, 0.60, 0.18, 0.60, 14, 100), ("delivery_address", 5, 0.90, 0.02, 0.88, 4, 80),
    ("order_change", 4, 0.86, 0.04, 0.86, 5, 90), ("login_problem", 7, 0.83, 0.08, 0.80, 9, 10),
    ("password_reset", 4, 0.90, 0.04, 0.86, 6, 9), ("booking", 4, 0.93, 0.02, 0.93, 5, 40),
    ("click_and_collect", 3, 0.90, 0.04, 0.90, 3, 4), ("invoice_query", 2, 0.78, 0.09, 0.82, 8, 50),
    ("enrolment", 2, 0.74, 0.10, 0.86, 10, 600), ("outage", 1, 0.40, 0.05, 0.55, 4, 12),
    ("loyalty_points", 3, 0.70, 0.05, 0.80, 6, 90), ("crypto_wallet", 1, 0.40, 0.35, 0.50, 15, 120),
    ("gift_card_balance", 2, 0.85, 0.03, 0.85, 4, 60),
]
DAY_SHARE = [20, 18, 17, 16, 15, 8, 6]  # Monday first


def _u(k: int) -> str:
    """A uniform draw in [0, 1) for the current row, the k-th draw: a hash, so any thread order gives it."""
    return f"((hash(i, {k}, {SEED}) % 1000003) / 1000003.0)"


def tickets_sql(rows: int) -> str:
    """One row per ticket with the shape-neutral facts; the writers rename and format them."""
    types = ", ".join(f"({n}, '{tag}', {share}, {fcr}, {esc}, {good}, {aht}, {frt})"
                      for n, (tag, share, fcr, esc, good, aht, frt) in enumerate(TYPES))
    total = sum(t[1] for t in TYPES)
    cum, bounds = 0, []
    for n, (_, share, *_rest) in enumerate(TYPES):
        cum += share
        bounds.append(f"WHEN {_u(1)} * {total} < {cum} THEN {n}")
    days, acc = [], 0
    for dow, share in enumerate(DAY_SHARE):
        acc += share
        days.append(f"WHEN {_u(3)} * {sum(DAY_SHARE)} < {acc} THEN {dow}")
    return f"""
    WITH types(n, tag, share, fcr, esc, good, aht, frt) AS (VALUES {types}),
    base AS (
      SELECT i, CASE {' '.join(bounds)} ELSE {len(TYPES) - 1} END AS n,
        TIMESTAMP '{START}' + to_days(CAST(floor({_u(2)} * {WEEKS}) AS INTEGER) * 7
          + CASE {' '.join(days)} ELSE 6 END) + to_minutes(CAST(480 + floor({_u(4)} * 660) AS INTEGER)) AS created,
        {_u(5)} AS u_status, {_u(6)} AS u_fcr, {_u(7)} AS u_esc, {_u(8)} AS u_reopen, {_u(9)} AS u_csat,
        {_u(10)} AS u_aht, {_u(11)} AS u_frt, {_u(12)} AS u_solve, {_u(13)} AS u_second, {_u(14)} AS u_bad
      FROM range({rows}) AS r(i))
    SELECT i + 100001 AS id, tag, created,
      CASE WHEN u_status < 0.86 THEN 'solved' WHEN u_status < 0.91 THEN 'closed'
           WHEN u_status < 0.96 THEN 'open' ELSE 'pending' END AS status,
      created + to_minutes(CAST(30 + u_solve * 2880 AS INTEGER)) AS solved_at,
      CASE WHEN u_fcr < fcr THEN 1 ELSE 2 + CAST(floor(u_second * 3) AS INTEGER) END AS replies,
      CASE WHEN u_reopen < 0.06 THEN 1 WHEN u_reopen < 0.07 THEN 2 ELSE 0 END AS reopens,
      u_esc < esc AS escalated,
      round(-ln(1 - u_frt) * frt, 0) AS first_reply,
      round(-ln(1 - u_aht) * aht * 60) AS handle_seconds,
      CASE WHEN u_csat < 0.35 THEN 'unoffered' WHEN u_csat < 0.5 THEN 'offered'
           WHEN u_csat < 0.5 + 0.5 * good THEN 'good' ELSE 'bad' END AS rating,
      u_csat, u_bad, u_second
    FROM base JOIN types USING (n)"""


ZENDESK = """
    SELECT id AS "Id", CASE WHEN u_bad < 0.0004 THEN 'n/a' ELSE strftime(created, '%Y-%m-%d %H:%M:%S') END
        AS "Created at",
      status AS "Status",
      CASE WHEN status IN ('solved', 'closed') THEN strftime(solved_at, '%Y-%m-%d %H:%M:%S') ELSE '' END
        AS "Solved at",
      tag || CASE WHEN u_second < 0.3 THEN ' web' WHEN u_second < 0.6 THEN ' email' ELSE ' chat' END
          || CASE WHEN escalated THEN ' tier2' ELSE '' END AS "Tags",
      CASE WHEN u_second < 0.5 THEN 'question' ELSE 'incident' END AS "Ticket type",
      CASE WHEN u_bad > 0.9997 THEN 'two' ELSE CAST(replies AS VARCHAR) END AS "Replies",
      reopens AS "Reopens", CASE WHEN escalated THEN 2 ELSE 1 END AS "Group stations",
      CAST(first_reply AS INTEGER) AS "First reply time in minutes",
      CASE rating WHEN 'good' THEN 'Good' WHEN 'bad' THEN 'Bad' WHEN 'offered' THEN 'Offered'
        ELSE 'Unoffered' END AS "Satisfaction Score"
    FROM tickets ORDER BY id"""

FRESHDESK = """
    SELECT id AS "Ticket ID", CASE WHEN u_bad < 0.0004 THEN '31/02/2026' ELSE strftime(created, '%Y-%m-%d %H:%M:%S')
        END AS "Created time",
      CASE status WHEN 'solved' THEN 'Resolved' WHEN 'closed' THEN 'Closed' WHEN 'open' THEN 'Open'
        ELSE 'Pending' END AS "Status",
      CASE WHEN status IN ('solved', 'closed') THEN strftime(solved_at, '%Y-%m-%d %H:%M:%S') ELSE '' END
        AS "Resolved time",
      replace(tag, '_', ' ') AS "Type",
      CASE WHEN escalated THEN 'escalated,' ELSE '' END || CASE WHEN u_second < 0.5 THEN 'email' ELSE 'portal' END
        AS "Tags",
      CASE WHEN u_bad > 0.9997 THEN 'two' ELSE CAST(replies AS VARCHAR) END AS "Agent interactions",
      round(first_reply / 60.0, 2) AS "First response time (in hrs)",
      CASE WHEN status IN ('solved', 'closed') THEN
        lpad(CAST(CAST(handle_seconds // 3600 AS INTEGER) AS VARCHAR), 2, '0') || ':' ||
        lpad(CAST(CAST((handle_seconds % 3600) // 60 AS INTEGER) AS VARCHAR), 2, '0') || ':' ||
        lpad(CAST(CAST(handle_seconds % 60 AS INTEGER) AS VARCHAR), 2, '0') ELSE '' END AS "Time tracked",
      CASE WHEN rating = 'good' THEN CASE WHEN u_csat > 0.8 THEN 'Extremely Happy' ELSE 'Happy' END
           WHEN rating = 'bad' THEN CASE WHEN u_csat > 0.97 THEN 'Extremely Unhappy' ELSE 'Unhappy' END
           WHEN rating = 'offered' THEN 'Neutral' ELSE '' END AS "Survey results"
    FROM tickets ORDER BY id"""


def generate(shape: str, rows: int, out: Path, *, broken_rows: bool = False) -> Path:
    """Write ``rows`` tickets of ``shape`` (zendesk or freshdesk) to ``out`` as CSV."""
    out.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute(f"CREATE TABLE tickets AS {tickets_sql(rows)}")
    query = ZENDESK if shape == "zendesk" else FRESHDESK
    con.execute(f"COPY ({query}) TO '{out}' (HEADER, DELIMITER ',')")
    con.close()
    if broken_rows:  # a row with a field too many, as a hand-edited export has: the reader rejects it
        lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
        for number in (len(lines) // 3, 2 * len(lines) // 3):
            lines[number] = lines[number].rstrip("\n") + ",stray\n"
        out.write_text("".join(lines), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=["zendesk", "freshdesk"])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    if args.shape is None:  # the examples kept in git
        for shape in ("zendesk", "freshdesk"):
            path = generate(shape, args.rows, ROOT / "examples" / "exports" / f"{shape}-tickets.csv", broken_rows=True)
            print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.2f} MB)")
        return 0
    if args.output is None:
        parser.error("--output is needed with --shape")
    path = generate(args.shape, args.rows, args.output)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
