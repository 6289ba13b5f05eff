"""Exports in, one :class:`Result` out: every definition is SQL run by DuckDB.

DuckDB reads CSV, Parquet and JSON Lines itself, in parallel, and spills to
disk past its memory limit; Python never loops over tickets (only over the
SOPs, the weeks and the malformed rows it reports).

How one measurement goes:

1. Each export is read as text (:func:`_reader`), its shape detected from
   the header (:mod:`.shapes`), and turned into one typed table with a
   ``problem`` column (NULL for a good row) and the SOPs each ticket belongs
   to (its slugged tags and type looked up in a map of the SOPs' slugged
   contact types). Rows the CSV reader itself rejects (wrong number of
   fields, bytes that are not UTF-8) are kept in DuckDB's rejects table with
   their row number.
2. One query groups the good rows in the window by SOP and by SOP and week
   (``GROUPING SETS``) with every definition as a filtered aggregate.
3. Targets are read from each SOP and judged (:mod:`.targets`).
"""

from __future__ import annotations

import bisect
import datetime as _dt
import math
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Duration, Sop
from . import shapes
from .targets import DEFAULT_MIN_VOLUME, MEASURES, Target, gap, parse_target, relative_gap

MEMORY_LIMIT = "1GB"  # DuckDB's memory (10 million Zendesk rows are about 0.9 GiB of typed tickets); past it, disk
MAX_BAD_LISTED = 1000  # malformed rows listed one by one; all of them are counted
TOP_TAGS = 10
NEEDS: dict[str, tuple[str, ...]] = {  # metric -> the fields it cannot do without
    "fcr": ("status", "replies", "reopens", "escalated"),
    "escalation_rate": ("escalated",),
    "aht": ("status", "handle_minutes"),
    "csat": ("csat",),
    "backlog": ("status", "created_at"),
    "first_response_within_sla": ("first_reply_minutes",),
}
METRICS = tuple(NEEDS)
_WANTS = {"fcr": "is solved", "escalation_rate": "says whether it was escalated",
          "aht": "is solved with a handle time", "csat": "has a rating", "backlog": "has a status",
          "first_response_within_sla": "has a first reply"}


class MetricsError(Exception):
    """An export that cannot be read at all (missing, empty, unknown shape): names the file."""


@dataclass(frozen=True, slots=True)
class Options:
    source: str | None = None  # force a shape: zendesk, freshdesk, generic
    columns: Mapping[str, Any] = field(default_factory=dict)  # field -> column name(s)
    min_volume: int = DEFAULT_MIN_VOLUME
    since: _dt.date | None = None  # created on or after
    until: _dt.date | None = None  # created on or before
    as_of: _dt.datetime | None = None  # backlog is counted at this moment (default: the export's latest)


def options_from_config(settings: Any, **window: Any) -> Options:
    """The :class:`Options` of a project's ``metrics:`` settings (a csdocs.config MetricsConfig, or None).

    ``window`` gives ``since``, ``until``, ``as_of`` and may force ``source``
    (None keeps the config's). Every command that measures (``csdocs
    metrics``, ``diff --metrics``, the lint rule, the site) reads the config
    through this one function, so all of them measure the same way.
    """
    source = window.pop("source", None)
    if settings is None:
        return Options(source=source, **window)
    return Options(source=source or settings.source, columns=settings.columns, min_volume=settings.min_volume,
                   **window)


@dataclass(frozen=True, slots=True)
class Measure:
    """One metric of one SOP: ``value`` in ``unit`` (None: no data, ``note`` says why)."""

    metric: str
    value: float | None
    unit: str
    count: int  # the tickets the value is computed over (its denominator)
    target: Target | None = None
    judged: bool = False  # a target, a value and at least min_volume tickets
    met: bool | None = None
    gap: float | None = None  # how far from the target, in ``unit``: > 0 missed
    relative_gap: float | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Week:
    start: _dt.date  # the Monday
    volume: int
    values: Mapping[str, float | None]  # metric -> value that week (backlog is not weekly)


@dataclass(frozen=True, slots=True)
class SopResult:
    sop: str
    title: str
    path: str
    volume: int
    metrics: Mapping[str, Measure]
    weeks: tuple[Week, ...]

    @property
    def worst_gap(self) -> float | None:
        """The largest relative gap among the judged, missed metrics (None: nothing missed)."""
        gaps = [m.relative_gap for m in self.metrics.values() if m.judged and m.met is False
                and m.relative_gap is not None]
        return max(gaps) if gaps else None


@dataclass(frozen=True, slots=True)
class BadRow:
    file: str
    row: int  # the spreadsheet row: the header is row 1
    reason: str


@dataclass(frozen=True, slots=True)
class ExportInfo:
    file: str
    shape: str
    rows: int
    missing: Mapping[str, tuple[str, ...]]  # field -> columns the export lacks


@dataclass(frozen=True, slots=True)
class Result:
    since: _dt.date | None
    until: _dt.date | None
    as_of: _dt.datetime | None
    first: _dt.datetime | None  # earliest ticket created in the window
    last: _dt.datetime | None
    sops: tuple[SopResult, ...]  # largest relative gap first
    tickets: int  # good tickets in the window
    unmatched: int
    unmatched_tags: tuple[tuple[str, int], ...]  # most frequent first
    shared: int  # tickets that count for two SOPs or more
    rows_read: int
    rows_bad: int
    bad_rows: tuple[BadRow, ...]  # the first MAX_BAD_LISTED, in file and row order
    exports: tuple[ExportInfo, ...]

    def sop(self, sop_id: str) -> SopResult | None:
        return next((item for item in self.sops if item.sop == sop_id), None)


def _reader(path: Path, index: int) -> str:
    """The DuckDB table function that reads ``path``, everything as text."""
    name = str(path).lower()
    literal = shapes.quote_text(str(path))
    if name.endswith(".parquet"):
        return f"read_parquet({literal})"
    if name.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
        return f"read_json({literal}, format='newline_delimited')"
    return (f"read_csv({literal}, header=true, all_varchar=true, ignore_errors=true, store_rejects=true, "
            f"rejects_table='csdocs_rejects_{index}', rejects_scan='csdocs_scan_{index}', auto_detect=true)")


def _duckdb_message(error: Exception) -> str:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return first.split(": ", 1)[-1] if first.startswith(("Invalid Input Error", "IO Error", "Binder Error")) else first


def measure(exports: Sequence[Path], sops: Sequence[Sop], *, options: Options = Options()) -> Result:
    """Measure ``sops`` from ``exports`` (CSV, Parquet, JSON Lines); raise :class:`MetricsError`."""
    import duckdb

    if not exports:
        raise MetricsError("no export given")
    # DuckDB keeps the typed tickets in memory up to MEMORY_LIMIT and spills the rest to disk: to a
    # folder of our own in the system's temporary folder, never its default ".tmp" in the working
    # directory (the user's project), and removed afterwards.
    with tempfile.TemporaryDirectory(prefix="csdocs-metrics-") as spill:
        con = duckdb.connect(":memory:", config={"threads": _threads(), "memory_limit": MEMORY_LIMIT,
                                                 "temp_directory": spill})
        try:
            return _measure(con, [Path(p) for p in exports], sops, options)
        except duckdb.Error as error:  # anything DuckDB still refuses: one line, no traceback
            raise MetricsError(_duckdb_message(error)) from None
        finally:
            con.close()


def _threads() -> int:
    import os

    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _measure(con: Any, exports: list[Path], sops: Sequence[Sop], options: Options) -> Result:
    import duckdb

    con.execute(shapes.SLUG_MACRO)
    # contact-type slug -> SOP ids, slugged by the same macro as the tickets' tags
    raw_types = sorted({(sop.id, value) for sop in sops for value in sop.contact_types})
    slugs = con.execute("SELECT list_transform(?::VARCHAR[], lambda v: csdocs_slug(v))",
                        [[value for _, value in raw_types]]).fetchone()[0] if raw_types else []
    by_slug: dict[str, list[str]] = {}
    for (sop_id, _), slug in zip(raw_types, slugs, strict=True):
        if slug and sop_id not in by_slug.setdefault(slug, []):
            by_slug[slug].append(sop_id)
    con.execute("SET VARIABLE csdocs_map = MAP(?::VARCHAR[], ?::VARCHAR[][])",
                [list(by_slug), [sorted(v) for v in by_slug.values()]])

    infos: list[ExportInfo] = []
    has: list[frozenset[str]] = []
    selects: list[str] = []
    for index, path in enumerate(exports):
        if not path.is_file():
            raise MetricsError(f"{path}: no such file")
        if path.stat().st_size == 0:
            raise MetricsError(f"{path}: the file is empty")
        reader = _reader(path, index)
        try:
            header = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
        except duckdb.Error as error:
            raise MetricsError(f"{path}: cannot read it as an export: {_duckdb_message(error)}") from None
        try:
            shape = shapes.detect(header, options.source)
        except shapes.ShapeError as error:
            raise MetricsError(f"{path}: {error}") from None
        shape = shapes.with_overrides(shape, options.columns)
        found = shapes.present(shape, header)
        table = f"csdocs_t{index}"
        try:
            con.execute(f"CREATE TABLE {table}_raw AS {shapes.select_sql(shape, header, reader)}")
            # the distinct contact keys are few: slug them and find their SOPs once each
            con.execute(f"""
                CREATE TABLE {table}_keys AS
                SELECT ckey, contacts, list_sort(list_distinct(flatten(list_transform(contacts,
                         lambda v: coalesce(getvariable('csdocs_map')[v], []::VARCHAR[]))))) AS sops
                FROM (SELECT ckey, {shapes.contacts_sql(shape, header)} AS contacts
                      FROM (SELECT DISTINCT ckey FROM {table}_raw))""")
            con.execute(f"""CREATE VIEW {table} AS SELECT r.rowid AS ord, r.* EXCLUDE (ckey), k.sops, k.contacts
                            FROM {table}_raw r JOIN {table}_keys k USING (ckey)""")
        except duckdb.Error as error:
            raise MetricsError(f"{path}: {_duckdb_message(error)}") from None
        rows = con.execute(f"SELECT count(*) FROM {table}_raw").fetchone()[0]
        infos.append(ExportInfo(str(path), shape.name, rows, dict(found.missing)))
        has.append(found.fields)
        selects.append(f"SELECT {index} AS file, * FROM {table}")
    con.execute("CREATE VIEW csdocs_tickets AS " + " UNION ALL ".join(selects))

    bad_rows, rows_bad, rows_rejected = _bad_rows(con, exports)
    rows_read = sum(info.rows for info in infos) + rows_rejected

    # the window, and "now" for backlog
    where = ["problem IS NULL"]
    if options.since is not None:  # dates, formatted by Python: safe to write into the SQL
        where.append(f"created >= DATE '{options.since.isoformat()}'")
    if options.until is not None:
        where.append(f"created < DATE '{(options.until + _dt.timedelta(days=1)).isoformat()}'")
    con.execute(f"CREATE VIEW csdocs_good AS SELECT * FROM csdocs_tickets WHERE {' AND '.join(where)}")
    # one scan: the window's summary, and the export's latest moment (the default "now" for backlog)
    latest, first, last, tickets, unmatched, shared = con.execute(
        f"SELECT max(greatest(created, solved_at)), min(created) FILTER ({' AND '.join(where)}), "
        f"max(created) FILTER ({' AND '.join(where)}), count(*) FILTER ({' AND '.join(where)}), "
        f"count(*) FILTER ({' AND '.join(where)} AND len(sops) = 0), "
        f"count(*) FILTER ({' AND '.join(where)} AND len(sops) > 1) FROM csdocs_tickets WHERE problem IS NULL"
    ).fetchone()
    as_of = options.as_of if options.as_of is not None else latest
    tags = con.execute(f"""SELECT tag, count(*) AS n FROM (SELECT unnest(contacts) AS tag FROM csdocs_good
                           WHERE len(sops) = 0) GROUP BY tag ORDER BY n DESC, tag LIMIT {TOP_TAGS}""").fetchall()

    results = _per_sop(con, sops, has, as_of, options)
    ordered = sorted(results, key=lambda r: (r.worst_gap is None, -(r.worst_gap or 0.0), r.sop))
    return Result(
        since=options.since, until=options.until, as_of=as_of, first=first, last=last, sops=tuple(ordered),
        tickets=tickets, unmatched=unmatched, unmatched_tags=tuple((t, n) for t, n in tags), shared=shared,
        rows_read=rows_read, rows_bad=rows_bad, bad_rows=tuple(bad_rows), exports=tuple(infos))


def _bad_rows(con: Any, exports: list[Path]) -> tuple[list[BadRow], int, int]:
    """Rows the reader rejected and rows with a bad value, with their spreadsheet row numbers."""
    listed: list[BadRow] = []
    total = 0
    rejected_total = 0
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for index, path in enumerate(exports):
        rejected: dict[int, str] = {}
        if f"csdocs_rejects_{index}" in tables:
            for line, error_type, message in con.execute(
                    f"SELECT line, error_type, error_message FROM csdocs_rejects_{index} ORDER BY line").fetchall():
                reason = ("not UTF-8 text (save the export as UTF-8)" if error_type == "INVALID ENCODING"
                          else message.split("\n")[0].lower())
                rejected.setdefault(int(line), reason)
        lines = sorted(rejected)
        rejected_total += len(lines)
        bad = con.execute(f"SELECT rowid, problem FROM csdocs_t{index}_raw WHERE problem IS NOT NULL "
                          f"ORDER BY rowid LIMIT {MAX_BAD_LISTED}").fetchall()
        count = con.execute(f"SELECT count(*) FROM csdocs_t{index}_raw WHERE problem IS NOT NULL").fetchone()[0]
        total += count + len(lines)
        rows = [BadRow(str(path), line, reason) for line, reason in rejected.items()]
        rows += [BadRow(str(path), _row_number(ordinal, lines), problem) for ordinal, problem in bad]
        listed.extend(sorted(rows, key=lambda r: r.row))
    return listed[:MAX_BAD_LISTED], total, rejected_total


def _row_number(ordinal: int, rejected: list[int]) -> int:
    """The spreadsheet row of the ``ordinal``-th (0-based) row read, given the rows the reader rejected."""
    row = ordinal + 2  # the header is row 1
    while True:
        moved = ordinal + 2 + bisect.bisect_right(rejected, row)
        if moved == row:
            return row
        row = moved


def _one_sla(sop: Sop, name: str) -> int | None:
    """The SOP's SLA ``name`` in minutes; None when it has none, or an invalid one, or (format 1.1) writes one per
    priority: the exports carry no ticket priority to pick a duration by."""
    value = sop.sla.get(name)
    return value.minutes if isinstance(value, Duration) else None


def _sla_note(sop: Sop, name: str) -> str | None:
    """Why a metric measured against SLA ``name`` has no value for this SOP, or None."""
    value = sop.sla.get(name)
    if not value:
        return f"the SOP has no sla.{name}"
    if not isinstance(value, Duration):
        return f"the SOP's sla.{name} is by priority, and the exports carry no ticket priority"
    return None


def _per_sop(con: Any, sops: Sequence[Sop], has: list[frozenset[str]], as_of: _dt.datetime | None,
             options: Options) -> list[SopResult]:
    import duckdb

    sla_rows = []
    for sop in sops:
        first = _one_sla(sop, "first_response")
        resolution = _one_sla(sop, "resolution")
        sla_rows.append((sop.id, first or None, resolution or None))  # 0m (immediately): not measured
    con.execute("CREATE TABLE csdocs_sla (sop VARCHAR, fr DOUBLE, res DOUBLE)")
    if sla_rows:
        con.executemany("INSERT INTO csdocs_sla VALUES (?, ?, ?)", sla_rows)

    def files_with(metric: str) -> str:
        ok = [str(i) for i, fields in enumerate(has) if all(f in fields for f in NEEDS[metric])]
        return f"file IN ({', '.join(ok)})" if ok else "false"

    fcr, esc, aht = files_with("fcr"), files_with("escalation_rate"), files_with("aht")
    csat, backlog, frws = files_with("csat"), files_with("backlog"), files_with("first_response_within_sla")
    as_of_sql = "$1::TIMESTAMP"
    query = f"""
        SELECT sop, CAST(date_trunc('week', created) AS DATE) AS week, GROUPING(week) AS whole,
          count(*) AS volume,
          count(*) FILTER ({fcr} AND solved_flag) AS solved,
          count(*) FILTER ({fcr} AND solved_flag AND reopens = 0 AND replies <= 1 AND NOT escalated) AS fcr_hits,
          count(*) FILTER ({esc}) AS esc_n,
          count(*) FILTER ({esc} AND escalated) AS esc_hits,
          avg(hm) FILTER ({aht} AND solved_flag AND hm IS NOT NULL) AS aht,
          count(*) FILTER ({aht} AND solved_flag AND hm IS NOT NULL) AS aht_n,
          count(*) FILTER ({csat} AND csat_good) AS good,
          count(*) FILTER ({csat} AND NOT csat_good) AS bad,
          avg(csat_score) FILTER ({csat}) AS score,
          count(csat_score) FILTER ({csat}) AS score_n,
          count(*) FILTER ({frws} AND frm IS NOT NULL AND fr IS NOT NULL) AS fr_n,
          count(*) FILTER ({frws} AND frm IS NOT NULL AND frm <= fr) AS fr_hits,
          count(*) FILTER ({backlog} AND res IS NOT NULL AND created <= {as_of_sql} - to_minutes(CAST(res AS BIGINT))
              AND NOT (solved_flag AND coalesce(solved_at <= {as_of_sql}, true))) AS backlog,
          count(*) FILTER ({backlog} AND res IS NOT NULL) AS backlog_n
        FROM (SELECT unnest(sops) AS sop, * EXCLUDE (sops, contacts) FROM csdocs_good) JOIN csdocs_sla USING (sop)
        GROUP BY GROUPING SETS ((sop), (sop, week))
        ORDER BY sop, week"""
    try:
        cursor = con.execute(query, [as_of])
    except duckdb.Error as error:
        raise MetricsError(_duckdb_message(error)) from None
    names = [d[0] for d in cursor.description]
    whole: dict[str, dict[str, Any]] = {}
    weekly: dict[str, list[dict[str, Any]]] = {}
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        if record["whole"]:
            whole[record["sop"]] = record
        elif record["week"] is not None:
            weekly.setdefault(record["sop"], []).append(record)

    missing_note = {metric: _missing_note(metric, has) for metric in METRICS}
    out = []
    for sop in sops:
        record = whole.get(sop.id)
        targets = {metric: parse_target(metric, sop.metrics[metric]) for metric in METRICS if metric in sop.metrics}
        measures = {}
        for metric in METRICS:
            value, count, unit = _value(metric, record, targets.get(metric)) if record else (None, 0, MEASURES[metric][0])
            note = missing_note[metric]
            if note is None and metric == "backlog":
                note = _sla_note(sop, "resolution")
            if note is None and metric == "first_response_within_sla":
                note = _sla_note(sop, "first_response")
            if note is None and value is None:
                note = f"no data: none of its {record['volume']} tickets {_WANTS[metric]}" if record else "no tickets"
            measures[metric] = _judge(metric, value, unit, count, targets.get(metric), options.min_volume,
                                      note if value is None else None)
        weeks = tuple(
            Week(rec["week"], rec["volume"], {metric: _value(metric, rec, targets.get(metric))[0]
                                              for metric in METRICS if metric != "backlog"})
            for rec in weekly.get(sop.id, []))
        out.append(SopResult(sop.id, sop.title or sop.id, sop.path, record["volume"] if record else 0,
                             measures, weeks))
    return out


def _missing_note(metric: str, has: list[frozenset[str]]) -> str | None:
    if any(all(f in fields for f in NEEDS[metric]) for fields in has):
        return None
    lacking = sorted({f for fields in has for f in NEEDS[metric] if f not in fields})
    return "no data: the export has no " + ", ".join(lacking) + " column"


def _ratio(hits: int, total: int) -> float | None:
    return 100.0 * hits / total if total else None


def _value(metric: str, record: Mapping[str, Any], target: Target | None) -> tuple[float | None, int, str]:
    """(value, tickets it is computed over, unit) of one metric from one aggregate row."""
    if metric == "fcr":
        return _ratio(record["fcr_hits"], record["solved"]), record["solved"], "%"
    if metric == "escalation_rate":
        return _ratio(record["esc_hits"], record["esc_n"]), record["esc_n"], "%"
    if metric == "aht":
        return record["aht"], record["aht_n"], "minutes"
    if metric == "backlog":
        return (float(record["backlog"]) if record["backlog_n"] else None), record["backlog_n"], "tickets"
    if metric == "first_response_within_sla":
        return _ratio(record["fr_hits"], record["fr_n"]), record["fr_n"], "%"
    # csat: the scale the target is written on; without a target, whichever the export has
    rated = record["good"] + record["bad"]
    if rated and not record["score_n"]:
        wants_percent = True
    elif record["score_n"] and not rated:
        wants_percent = False
    else:
        wants_percent = target is not None and target.unit == "%"
    if wants_percent:
        return _ratio(record["good"], rated), rated, "%"
    return record["score"], record["score_n"], "score"


def _judge(metric: str, value: float | None, unit: str, count: int, target: Target | None, min_volume: int,
           note: str | None) -> Measure:
    if value is None or target is None:
        return Measure(metric, value, unit, count, target, note=note)
    if target.unit != unit:
        return Measure(metric, value, unit, count, target, note=f"the target {target.text} is not on the "
                       f"export's {'1-5' if unit == 'score' else 'good/bad'} scale")
    missed = gap(target, value)
    judged = count >= min_volume
    return Measure(metric, value, unit, count, target, judged=judged, met=(missed <= 1e-9) if judged else None,
                   gap=missed, relative_gap=relative_gap(target, value),
                   note=None if judged else f"fewer than {min_volume} tickets: not judged")


def round_value(value: float | None, digits: int = 1) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)
