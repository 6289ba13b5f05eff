"""Exports in, one :class:`Result` out: every definition is SQL run by DuckDB.

DuckDB reads CSV, Parquet and JSON Lines itself, in parallel, and spills to
disk past its memory limit; Python never loops over tickets (only over the
SOPs, the weeks and the malformed rows it reports).

How one measurement goes (each export is read once; nothing is kept per
ticket):

1. The header is read (:func:`_reader`, a sample of the file) and the shape
   detected (:mod:`.shapes`).
2. One scan turns every row into typed values (:func:`.shapes.select_sql`)
   and groups them at once (:func:`_groups_sql`) by contact key (the
   ticket's tags and type), week, first-reply bucket (which of the SOPs'
   first-response SLAs the first reply met) and good or malformed, with
   every definition as a sum of a condition; the creation times of the
   tickets still open are kept (backlog is judged against each SOP's
   resolution SLA later). A CSV is read with its number and timestamp
   columns typed, so the reader itself rejects a row where one does not
   parse and keeps its line number; only those rows are read again, as text,
   to say what is wrong with them (:func:`_recheck`). Rows with a problem
   the reader cannot see (a negative count, an empty creation time) are
   counted in the same scan and, only when there are any, listed by a second
   scan (:func:`_listed_bad_rows`).
3. The few distinct contact keys are slugged and looked up in the SOPs'
   contact types; one query over the groups gives every SOP its measures as
   a whole and by week (``GROUPING SETS``).
4. Targets are read from each SOP and judged (:mod:`.targets`).
"""

from __future__ import annotations

import bisect
import datetime as _dt
import logging
import math
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..model import Duration, Sop, slugify
from ..render.text import plural
from . import shapes
from .targets import DEFAULT_MIN_VOLUME, MEASURES, Target, gap, parse_target, relative_gap

# DuckDB's memory. Measuring keeps only groups (a few thousand at 10 million tickets) and the open tickets'
# creation times (8 bytes each), so it needs far less; past the limit DuckDB spills to disk.
MEMORY_LIMIT = "1GB"
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


class MetricsError(UsageError):
    """An export that cannot be read at all (missing, empty, unknown shape): names the file (exit 2)."""


@dataclass(frozen=True, slots=True)
class Options:
    source: str | None = None  # force a shape: zendesk, freshdesk, generic
    columns: Mapping[str, Any] = field(default_factory=dict)  # field -> column name(s)
    min_volume: int = DEFAULT_MIN_VOLUME
    since: _dt.date | None = None  # created on or after
    until: _dt.date | None = None  # created on or before
    as_of: _dt.datetime | None = None  # backlog is counted at this moment (default: the export's latest)
    memory_limit: str = MEMORY_LIMIT  # DuckDB's memory_limit ("1GB", "500MB"); past it DuckDB spills to disk
    threads: int | None = None  # DuckDB's threads (default: the CPUs this process may run on)


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
                   memory_limit=settings.memory_limit or MEMORY_LIMIT, **window)


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
    rows: int  # rows read from it, malformed ones included (the exports add up to Result.rows_read)
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

    _by_id: Mapping[str, SopResult] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {item.sop: item for item in self.sops})

    def sop(self, sop_id: str) -> SopResult | None:
        """One SOP's result, by id (read for every SOP page and lint finding: a dict, made once)."""
        return self._by_id.get(sop_id)


def _is_csv(path: Path) -> bool:
    return not str(path).lower().endswith((".parquet", ".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"))


def _reader(path: Path, index: int, *, header: Sequence[str] | None = None,
            typed: Mapping[str, str] | None = None, rejects: str | None = None) -> str:
    """The DuckDB table function that reads ``path``.

    Parquet and JSON Lines come as they are. A CSV without ``header`` is
    read as text, to learn its header (only a sample of it is read). With
    ``header``, every column is named and typed (``typed``: column ->
    ``DOUBLE`` or ``TIMESTAMP``, the rest text), so the reader neither
    guesses a type from a sample nor keeps the columns it is not asked for;
    rows it cannot read go to the rejects table ``csdocs_<rejects>_<index>``
    (its scan, with the dialect found, to ``csdocs_<rejects>scan_<index>``).
    """
    name = str(path).lower()
    literal = shapes.quote_text(str(path))
    if name.endswith(".parquet"):
        return f"read_parquet({literal})"
    if not _is_csv(path):
        return f"read_json({literal}, format='newline_delimited')"
    options = "header=true, ignore_errors=true, auto_detect=true"
    if header is not None:
        types = ", ".join(f"{shapes.quote_text(column)}: '{(typed or {}).get(column, 'VARCHAR')}'"
                          for column in header)
        options += f", types={{{types}}}"
    else:
        options += ", all_varchar=true"
    if rejects is not None:
        options += (f", store_rejects=true, rejects_table='csdocs_{rejects}_{index}', "
                    f"rejects_scan='csdocs_{rejects}scan_{index}'")
    return f"read_csv({literal}, {options})"


def _duckdb_message(error: Exception) -> str:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return first.split(": ", 1)[-1] if first.startswith(("Invalid Input Error", "IO Error", "Binder Error")) else first


log = logging.getLogger(__name__)


@contextmanager
def _stage(what: str) -> Iterator[None]:
    """Log (DEBUG) how long ``what`` took: wall and CPU seconds (all of DuckDB's threads); bench/metrics.py
    prints these."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    log.debug("%s: %.2f s wall, %.2f s CPU", what, time.perf_counter() - wall, time.process_time() - cpu)


# The last measurement and what it was of (:func:`_fingerprint`): ``csdocs build`` measures for lint's
# metric-target-missed and again for the site, and ``csdocs serve`` on every rebuild; the same exports
# (unchanged on disk), SOPs and options give the same Result, so it is measured once.
_last: tuple[object, Result] | None = None


def measure(exports: Sequence[Path], sops: Sequence[Sop], *, options: Options = Options()) -> Result:
    """Measure ``sops`` from ``exports`` (CSV, Parquet, JSON Lines); raise :class:`MetricsError`.

    A second call with the same exports (same size and modification time),
    the same SOPs (as far as measuring reads them) and the same options
    returns the first call's Result (frozen) without reading the exports again.
    """
    global _last
    if not exports:
        raise MetricsError("no export given")
    key = _fingerprint(exports, sops, options)
    if key is not None and _last is not None and _last[0] == key:
        log.debug("measure: the same exports, SOPs and options as the last time: its result")
        return _last[1]
    with _stage(f"measure: {len(exports)} export(s), {len(sops)} SOPs"):
        result = _measure_now(exports, sops, options)
    if key is not None:
        _last = (key, result)
    return result


def _fingerprint(exports: Sequence[Path], sops: Sequence[Sop], options: Options) -> object | None:
    """What a measurement depends on, comparable; None when an export cannot be looked at (not cached)."""
    try:
        files = tuple((str(Path(p).resolve()), (stat := Path(p).stat()).st_size, stat.st_mtime_ns) for p in exports)
    except OSError:
        return None
    measured = tuple((sop.id, sop.title, sop.path, tuple(sop.contact_types), repr(sorted(sop.sla.items())),
                      repr(sorted(sop.metrics.items()))) for sop in sops)
    return files, measured, repr(options)


def _measure_now(exports: Sequence[Path], sops: Sequence[Sop], options: Options) -> Result:
    import duckdb

    # DuckDB keeps what it works on in memory up to options.memory_limit and spills the rest to disk: to a
    # folder of our own in the system's temporary folder, never its default ".tmp" in the working
    # directory (the user's project), and removed afterwards. Rows read again are written there too.
    with tempfile.TemporaryDirectory(prefix="csdocs-metrics-") as spill:
        con = duckdb.connect(":memory:", config={"threads": options.threads or _threads(),
                                                 "memory_limit": options.memory_limit, "temp_directory": spill})
        try:
            return _measure(con, [Path(p) for p in exports], sops, options, Path(spill))
        except duckdb.Error as error:  # anything DuckDB still refuses: one line, no traceback
            raise MetricsError(_duckdb_message(error)) from None
        finally:
            con.close()


def _threads() -> int:
    import os

    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class _Export:
    """One export after its scan: what the later steps need to know about it."""

    path: Path
    shape: shapes.Shape
    header: tuple[str, ...]
    found: shapes.Present
    keys: str  # its contact key columns: "k1, k2"
    rows: int  # rows read (good, malformed, and those the reader rejected)
    bad: int
    bad_rows: tuple[BadRow, ...]  # the first MAX_BAD_LISTED


def _measure(con: Any, exports: list[Path], sops: Sequence[Sop], options: Options, spill: Path) -> Result:
    # contact-type slug -> SOP ids; the tickets' values go through the same slugify (see _scan)
    by_slug: dict[str, list[str]] = {}
    for sop in sops:
        for value in sop.contact_types:
            slug = slugify(value)
            if slug and sop.id not in by_slug.setdefault(slug, []):
                by_slug[slug].append(sop.id)
    con.execute("SET VARIABLE csdocs_map = MAP(?::VARCHAR[], ?::VARCHAR[][])",
                [list(by_slug), [sorted(v) for v in by_slug.values()]])
    con.execute("SET VARIABLE csdocs_as_of = ?::TIMESTAMP", [options.as_of])
    # each SOP's SLAs in minutes; first replies are bucketed by the distinct first-response SLAs, so that
    # "within this SOP's SLA" is "in a bucket at most this SLA's" for every SOP at once
    sla_rows = []
    for sop in sops:
        first = _one_sla(sop, "first_response")
        resolution = _one_sla(sop, "resolution")
        sla_rows.append((sop.id, first or None, resolution or None))  # 0m (immediately): not measured
    cuts = sorted({fr for _, fr, _ in sla_rows if fr is not None})
    con.execute("CREATE TABLE csdocs_sla (sop VARCHAR, fr DOUBLE, fr_bucket INTEGER, res DOUBLE)")
    if sla_rows:
        con.executemany("INSERT INTO csdocs_sla VALUES (?, ?, ?, ?)",
                        [(sop, fr, None if fr is None else cuts.index(fr), res) for sop, fr, res in sla_rows])

    window = ["true"]
    if options.since is not None:  # dates, formatted by Python: safe to write into the SQL
        window.append(f"created >= DATE '{options.since.isoformat()}'")
    if options.until is not None:
        window.append(f"created < DATE '{(options.until + _dt.timedelta(days=1)).isoformat()}'")
    # open at --as-of; without it, "now" is the latest moment in the exports, and every solved_at is at or
    # before it: open is then "not solved", known before the latest moment is
    open_sql = ("NOT solved_flag" if options.as_of is None else
                "NOT (solved_flag AND coalesce(solved_at <= getvariable('csdocs_as_of'), true))")
    grouping = _Grouping(window=" AND ".join(window), open=open_sql, cuts=tuple(cuts))

    done = [_scan(con, index, path, options, grouping, spill) for index, path in enumerate(exports)]
    has = [item.found.fields for item in done]
    con.execute("CREATE VIEW csdocs_groups AS " + " UNION ALL ".join(
        f"SELECT {index} AS file, * EXCLUDE ({item.keys}), contacts, sops "
        f"FROM csdocs_g{index} JOIN csdocs_k{index} USING ({item.keys})" for index, item in enumerate(done)))
    con.execute("CREATE VIEW csdocs_good AS SELECT * FROM csdocs_groups WHERE NOT bad AND in_window")

    latest, first, last, tickets, unmatched, shared = con.execute(
        "SELECT max(latest) FILTER (NOT bad), min(first) FILTER (NOT bad AND in_window), "
        "max(last) FILTER (NOT bad AND in_window), "
        "coalesce(sum(volume) FILTER (NOT bad AND in_window), 0), "
        "coalesce(sum(volume) FILTER (NOT bad AND in_window AND len(sops) = 0), 0), "
        "coalesce(sum(volume) FILTER (NOT bad AND in_window AND len(sops) > 1), 0) FROM csdocs_groups").fetchone()
    as_of = options.as_of if options.as_of is not None else latest
    tags = con.execute(f"""SELECT tag, sum(volume) AS n FROM (SELECT unnest(contacts) AS tag, volume FROM csdocs_good
                           WHERE len(sops) = 0) GROUP BY tag ORDER BY n DESC, tag LIMIT {TOP_TAGS}""").fetchall()

    with _stage("every SOP's measures, whole and by week, from the groups"):
        results = _per_sop(con, sops, has, as_of, options)
    ordered = sorted(results, key=lambda r: (r.worst_gap is None, -(r.worst_gap or 0.0), r.sop))
    bad_rows = [row for item in done for row in item.bad_rows][:MAX_BAD_LISTED]
    return Result(
        since=options.since, until=options.until, as_of=as_of, first=first, last=last, sops=tuple(ordered),
        tickets=int(tickets), unmatched=int(unmatched), unmatched_tags=tuple((t, int(n)) for t, n in tags),
        shared=int(shared), rows_read=sum(item.rows for item in done), rows_bad=sum(item.bad for item in done),
        bad_rows=tuple(bad_rows),
        exports=tuple(ExportInfo(str(item.path), item.shape.name, item.rows, dict(item.found.missing))
                      for item in done))


@dataclass(frozen=True, slots=True)
class _Grouping:
    window: str  # SQL: the ticket was created in the window
    open: str  # SQL: the ticket is not solved at as-of
    cuts: tuple[float, ...]  # the SOPs' distinct first-response SLAs, minutes, ascending


def _groups_sql(select: str, keys: int, grouping: _Grouping) -> str:
    """The groups of the tickets ``select`` gives (:func:`.shapes.select_sql`), each with its sums.

    One row per contact key (``k1``, ``k2``...: the text of the contact
    columns), week, in-window or not, first-reply bucket (``fr_bucket``: the
    first of ``grouping.cuts`` the reply came within; one past the last when
    it came later; NULL without a first reply) and malformed or not
    (``bad``). Every other column is a sum (or a list) that adds up across
    groups, so any set of groups (an SOP's, a week's) is measured by adding.
    """
    columns = ", ".join(f"k{number}" for number in range(1, keys + 1))
    whens = " ".join(f"WHEN frm <= {cut!r}::DOUBLE THEN {number}" for number, cut in enumerate(grouping.cuts))
    bucket = f"CASE WHEN frm IS NULL THEN NULL {whens} ELSE {len(grouping.cuts)} END"
    return f"""
        SELECT {columns}, CAST(date_trunc('week', created) AS DATE) AS week, coalesce({grouping.window}, false) AS in_window,
          {bucket} AS fr_bucket, problem IS NOT NULL AS bad,
          count(*) AS volume,
          count(*) FILTER (solved_flag) AS solved,
          count(*) FILTER (solved_flag AND reopens = 0 AND replies <= 1 AND NOT escalated) AS fcr_hits,
          count(*) FILTER (escalated) AS esc_hits,
          fsum(hm) FILTER (solved_flag AND hm IS NOT NULL) AS aht_sum,
          count(*) FILTER (solved_flag AND hm IS NOT NULL) AS aht_n,
          count(*) FILTER (csat_good) AS good,
          count(*) FILTER (NOT csat_good) AS bad_ratings,
          fsum(csat_score) AS score_sum, count(csat_score) AS score_n,
          list(created) FILTER ({grouping.open}) AS open_created,
          min(created) AS first, max(created) AS last, max(greatest(created, solved_at)) AS latest
        FROM ({select})
        GROUP BY {columns}, week, in_window, fr_bucket, bad"""


def _scan(con: Any, index: int, path: Path, options: Options, grouping: _Grouping, spill: Path) -> _Export:
    """Read one export once into its groups (``csdocs_g<index>``) and its contact keys (``csdocs_k<index>``)."""
    import duckdb

    if not path.is_file():
        raise MetricsError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise MetricsError(f"{path}: the file is empty")
    try:
        with _stage(f"{path.name}: header (a sample of the file)"):
            header = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {_reader(path, index)}").fetchall()]
    except duckdb.Error as error:
        raise MetricsError(f"{path}: cannot read it as an export: {_duckdb_message(error)}") from None
    try:
        shape = shapes.detect(header, options.source)
    except shapes.ShapeError as error:
        raise MetricsError(f"{path}: {error}") from None
    shape = shapes.with_overrides(shape, options.columns)
    found = shapes.present(shape, header)
    keys = max(1, len(shapes.contact_columns(shape, header)))
    csv = _is_csv(path)
    typed = shapes.reader_types(shape, header) if csv else {}
    table = f"csdocs_g{index}"
    try:
        reader = _reader(path, index, header=header, typed=typed, rejects="rejects" if csv else None)
        with _stage(f"{path.name}: the scan (read, type, check and group every row)"):
            con.execute(f"CREATE TABLE {table} AS "
                        f"{_groups_sql(shapes.select_sql(shape, header, reader, typed=typed), keys, grouping)}")
        unseen = con.execute(f"SELECT coalesce(sum(volume) FILTER (bad), 0), coalesce(sum(volume), 0) "
                             f"FROM {table}").fetchone()
        bad, rows = int(unseen[0]), int(unseen[1])
        listed: list[BadRow] = []
        if csv:
            with _stage(f"{path.name}: rows the reader rejected, read again as text"):
                rejected, rechecked_bad, listed = _recheck(con, index, path, shape, header, keys, grouping, spill)
            rows += rejected
            bad += rechecked_bad
        if unseen[0]:  # malformed rows the reader could not see: found again to list them with their rows
            with _stage(f"{path.name}: a second scan to list the malformed rows"):
                bad, listed = _listed_bad_rows(con, index, path, shape, header, csv)
        # the distinct contact keys are few: their values are slugged here, in Python, by csdocs' one
        # slug (the contract: "after the same slugging csdocs uses for contact types"), once each
        columns = ", ".join(f"k{number}" for number in range(1, keys + 1))
        con.execute(f"""
            CREATE TEMP TABLE csdocs_r{index} AS
            SELECT {columns}, {shapes.contact_values_sql(shape, header)} AS written
            FROM (SELECT DISTINCT {columns} FROM {table})""")
        values = [row[0] for row in con.execute(f"SELECT DISTINCT unnest(written) FROM csdocs_r{index}").fetchall()]
        con.execute("SET VARIABLE csdocs_slugs = MAP(?::VARCHAR[], ?::VARCHAR[])",
                    [values, [slugify(value) for value in values]])
        con.execute(f"""
            CREATE TABLE csdocs_k{index} AS
            SELECT {columns}, contacts, list_sort(list_distinct(flatten(list_transform(contacts,
                     lambda v: coalesce(getvariable('csdocs_map')[v], []::VARCHAR[]))))) AS sops
            FROM (SELECT {columns}, list_sort(list_distinct(list_filter(
                          list_transform(written, lambda v: getvariable('csdocs_slugs')[v]), lambda v: v <> '')))
                          AS contacts
                  FROM csdocs_r{index})""")
    except duckdb.Error as error:
        raise MetricsError(f"{path}: {_duckdb_message(error)}") from None
    return _Export(path, shape, tuple(header), found, columns, rows, bad, tuple(listed[:MAX_BAD_LISTED]))


def _reason(error_type: str, message: str) -> str:
    return ("not UTF-8 text (save the export as UTF-8)" if error_type == "INVALID ENCODING"
            else message.split("\n")[0].lower())


def _recheck(con: Any, index: int, path: Path, shape: shapes.Shape, header: Sequence[str], keys: int,
             grouping: _Grouping, spill: Path) -> tuple[int, int, list[BadRow]]:
    """The rows the typed reader rejected: (how many, how many are malformed, the first of those listed).

    A row whose line does not read (a field too many, bytes that are not
    UTF-8) is malformed as the reader says. A row with a cell that did not
    parse is read again, as text, from the reader's copy of its line: the
    same checks as every row then say what is wrong with it, and a row they
    find good (a cell of blanks is no value, not a bad one) joins its groups.
    """
    rejects = f"csdocs_rejects_{index}"
    if not con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{rejects}'").fetchone()[0]:
        return 0, 0, []
    total, unreadable = con.execute(
        f"SELECT count(DISTINCT line), count(DISTINCT line) FILTER (error_type <> 'CAST') FROM {rejects}").fetchone()
    listed = [BadRow(str(path), int(line), _reason(error_type, message)) for line, error_type, message in con.execute(
        f"SELECT line, arg_min(error_type, column_idx), arg_min(error_message, column_idx) FROM {rejects} "
        f"WHERE error_type <> 'CAST' GROUP BY line ORDER BY line LIMIT {MAX_BAD_LISTED}").fetchall()]
    bad = int(unreadable)
    if total > unreadable:
        delimiter, quote, escape = con.execute(
            f"SELECT delimiter, quote, escape FROM csdocs_rejectsscan_{index} LIMIT 1").fetchone()
        quote, escape = ("" if quote == "(empty)" else quote), ("" if escape == "(empty)" else escape)
        again = spill / f"recheck-{index}.csv"
        # each line as the reader saw it, after its line number: written raw (no quoting added). With CRLF
        # line ends DuckDB keeps the LF before a rejected row in its csv_line: trimmed, or the row is two lines
        con.execute(f"""COPY (SELECT CAST(line AS VARCHAR) || {shapes.quote_text(delimiter)}
                                     || trim(any_value(csv_line), chr(13) || chr(10))
                              FROM {rejects} WHERE error_type = 'CAST'
                                AND line NOT IN (SELECT line FROM {rejects} WHERE error_type <> 'CAST')
                              GROUP BY line ORDER BY line)
                        TO {shapes.quote_text(str(again))} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '',
                                                            DELIMITER chr(1))""")
        columns = ", ".join(["'csdocs_line': 'BIGINT'", *(f"{shapes.quote_text(c)}: 'VARCHAR'" for c in header)])
        reader = (f"read_csv({shapes.quote_text(str(again))}, header=false, auto_detect=false, "
                  f"delim={shapes.quote_text(delimiter)}, quote={shapes.quote_text(quote)}, "
                  f"escape={shapes.quote_text(escape)}, columns={{{columns}}})")
        con.execute(f"CREATE TABLE csdocs_r{index} AS "
                    f"{shapes.select_sql(shape, header, reader, keep=['csdocs_line'])}")
        con.execute(f"INSERT INTO csdocs_g{index} {_groups_sql(f'SELECT * FROM csdocs_r{index}', keys, grouping)}")
        found = con.execute(f"SELECT count(*), count(problem) FROM csdocs_r{index}").fetchone()
        bad += int(found[1]) + (total - unreadable - int(found[0]))  # a line not read again stays malformed
        listed += [BadRow(str(path), int(line), problem) for line, problem in con.execute(
            f"SELECT csdocs_line, problem FROM csdocs_r{index} WHERE problem IS NOT NULL "
            f"ORDER BY csdocs_line LIMIT {MAX_BAD_LISTED}").fetchall()]
    return int(total), bad, sorted(listed, key=lambda r: r.row)


def _listed_bad_rows(con: Any, index: int, path: Path, shape: shapes.Shape, header: Sequence[str],
                     csv: bool) -> tuple[int, list[BadRow]]:
    """Every malformed row of one export, counted, and the first MAX_BAD_LISTED listed with its row number.

    A second scan, made only when the first found rows with a problem the
    reader could not see: the file read as text (in order, so a row's
    ordinal gives its row number), each row checked as in the first scan.
    """
    reader = _reader(path, index, rejects="textrejects" if csv else None)
    # every column the first scan read is read here too (the hash keeps DuckDB from leaving one out): the
    # reader checks the text of the columns it reads, so both scans reject the same rows
    columns = ", ".join(shapes.columns_sql(shape, header))
    con.execute(f"CREATE TABLE csdocs_p{index} AS SELECT problem, hash({columns}) AS whole_row "
                f"FROM ({shapes.select_sql(shape, header, reader)})")
    rejected: dict[int, str] = {}
    if csv:
        for line, error_type, message in con.execute(
                f"SELECT line, error_type, error_message FROM csdocs_textrejects_{index} ORDER BY line").fetchall():
            rejected.setdefault(int(line), _reason(error_type, message))
    lines = sorted(rejected)
    bad = con.execute(f"SELECT rowid, problem FROM csdocs_p{index} WHERE problem IS NOT NULL "
                      f"ORDER BY rowid LIMIT {MAX_BAD_LISTED}").fetchall()
    count = con.execute(f"SELECT count(problem) FROM csdocs_p{index}").fetchone()[0]
    rows = [BadRow(str(path), line, reason) for line, reason in rejected.items()]
    rows += [BadRow(str(path), _row_number(ordinal, lines), problem) for ordinal, problem in bad]
    return int(count) + len(lines), sorted(rows, key=lambda r: r.row)


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
    if value.minutes is None:  # "4 h", "1:30": never reinterpreted (model.Duration), so nothing to measure against
        return f"the SOP's sla.{name} '{value.text}' is not a duration (csdocs lint: duration-format)"
    if value.immediate:  # _measure leaves 0m out of the SLA buckets
        return f"the SOP's sla.{name} is 0m (immediately): not measured"
    return None


def _per_sop(con: Any, sops: Sequence[Sop], has: list[frozenset[str]], as_of: _dt.datetime | None,
             options: Options) -> list[SopResult]:
    import duckdb

    def files_with(metric: str) -> str:
        ok = [str(i) for i, fields in enumerate(has) if all(f in fields for f in NEEDS[metric])]
        return f"file IN ({', '.join(ok)})" if ok else "false"

    fcr, esc, aht = files_with("fcr"), files_with("escalation_rate"), files_with("aht")
    csat, backlog, frws = files_with("csat"), files_with("backlog"), files_with("first_response_within_sla")
    as_of_sql = "$1::TIMESTAMP"

    def total(expr: str, where: str) -> str:
        return f"coalesce(sum({expr}) FILTER ({where}), 0)"

    query = f"""
        SELECT sop, week, GROUPING(week) AS whole,
          sum(volume) AS volume,
          {total('solved', fcr)} AS solved,
          {total('fcr_hits', fcr)} AS fcr_hits,
          {total('volume', esc)} AS esc_n,
          {total('esc_hits', esc)} AS esc_hits,
          fsum(aht_sum) FILTER ({aht}) / nullif(sum(aht_n) FILTER ({aht}), 0) AS aht,
          {total('aht_n', aht)} AS aht_n,
          {total('good', csat)} AS good,
          {total('bad_ratings', csat)} AS bad,
          fsum(score_sum) FILTER ({csat}) / nullif(sum(score_n) FILTER ({csat}), 0) AS score,
          {total('score_n', csat)} AS score_n,
          {total('volume', f"{frws} AND fr_bucket IS NOT NULL AND fr IS NOT NULL")} AS fr_n,
          {total('volume', f"{frws} AND fr_bucket <= sla_bucket")} AS fr_hits,
          {total(f"len(list_filter(open_created, lambda c: c <= {as_of_sql} - to_minutes(CAST(res AS BIGINT))))",
                 f"{backlog} AND res IS NOT NULL")} AS backlog,
          {total('volume', f"{backlog} AND res IS NOT NULL")} AS backlog_n
        FROM (SELECT unnest(sops) AS sop, * EXCLUDE (sops, contacts) FROM csdocs_good)
          JOIN (SELECT sop, fr, fr_bucket AS sla_bucket, res FROM csdocs_sla) USING (sop)
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
        named = dict(zip(names, row, strict=True))
        if named["whole"]:
            whole[named["sop"]] = named
        elif named["week"] is not None:
            weekly.setdefault(named["sop"], []).append(named)

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
                note = f"no data: none of its {plural(record['volume'], 'ticket')} {_WANTS[metric]}" if record else "no tickets"
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
