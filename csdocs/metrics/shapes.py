"""The export shapes: which column holds which field, and how its text becomes a value.

Three shapes, detected from the header row (or forced with ``--source``):

======================  ==========================  ===========================  ======================
field                   zendesk                     freshdesk                    generic
======================  ==========================  ===========================  ======================
id                      ``Id``                      ``Ticket ID``                ``id``
status                  ``Status``                  ``Status``                   ``status``
created_at              ``Created at``              ``Created time``             ``created_at``
solved_at               ``Solved at``               ``Resolved time``            ``solved_at``
contact_type            ``Tags`` (space-separated)  ``Type``, ``Tags`` (commas)  ``contact_type``
                        and ``Ticket type``
replies                 ``Replies``                 ``Agent interactions``       ``replies``
reopens                 ``Reopens``                 (none: 0)                    ``reopens``
escalated               ``Group stations`` > 1      ``Tags`` holds ``escalated`` ``escalated`` (true/false)
first_reply_minutes     ``First reply time in       ``First response time        ``first_reply_minutes``
                        minutes``                   (in hrs)`` x 60
handle_minutes          (none unless mapped)        ``Time tracked`` (hh:mm:ss)  ``handle_minutes``
csat                    ``Satisfaction Score``      ``Survey results`` (1-5)     ``csat`` (1-5, good/bad)
======================  ==========================  ===========================  ======================

Every field is turned into SQL here (:func:`columns_sql`), so that DuckDB
does all the work: no Python loop ever runs over the tickets. Each value
also gets a check: a cell that is not empty and does not parse (a date that
is not one, ``Replies`` of ``"two"``) makes its row malformed, counted and
reported with its row number, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FIELDS = ("id", "status", "created_at", "solved_at", "contact_type", "replies", "reopens", "escalated",
          "first_reply_minutes", "handle_minutes", "csat")
SOURCES = ("zendesk", "freshdesk", "generic")

# Freshdesk survey answers on its 5-point (and classic 3-point) scale, as a 1-5 score.
FRESHDESK_SURVEY = {
    "extremely happy": 5, "very happy": 5, "happy": 4, "neutral": 3, "unhappy": 2, "very unhappy": 1,
    "extremely unhappy": 1, "awesome": 5, "just okay": 3, "not good": 1,
}


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    columns: Mapping[str, tuple[str, ...]]  # field -> the column(s) it is read from, in this shape
    signature: tuple[str, ...]  # header names that identify the shape


ZENDESK = Shape("zendesk", {
    "id": ("Id",), "status": ("Status",), "created_at": ("Created at",), "solved_at": ("Solved at",),
    "contact_type": ("Tags", "Ticket type"), "replies": ("Replies",), "reopens": ("Reopens",),
    "escalated": ("Group stations",), "first_reply_minutes": ("First reply time in minutes",),
    "handle_minutes": (), "csat": ("Satisfaction Score",),
}, signature=("Id", "Created at", "Tags"))
FRESHDESK = Shape("freshdesk", {
    "id": ("Ticket ID",), "status": ("Status",), "created_at": ("Created time",),
    "solved_at": ("Resolved time",), "contact_type": ("Type", "Tags"), "replies": ("Agent interactions",),
    "reopens": (), "escalated": ("Tags",), "first_reply_minutes": ("First response time (in hrs)",),
    "handle_minutes": ("Time tracked",), "csat": ("Survey results",),
}, signature=("Ticket ID", "Created time"))
GENERIC = Shape("generic", {name: (name,) for name in FIELDS}, signature=("created_at", "contact_type"))
SHAPES = {shape.name: shape for shape in (ZENDESK, FRESHDESK, GENERIC)}


class ShapeError(Exception):
    """An export whose shape cannot be told from its header (or a forced shape it does not have)."""


def detect(header: Sequence[str], forced: str | None = None) -> Shape:
    """The shape of an export from its column names; raises :class:`ShapeError`."""
    if forced is not None:
        return SHAPES[forced]
    names = set(header)
    for shape in (ZENDESK, FRESHDESK, GENERIC):
        if all(column in names for column in shape.signature):
            return shape
    shown = ", ".join(repr(name) for name in list(header)[:8])
    raise ShapeError(f"cannot tell the export's shape from its columns ({shown}): a Zendesk export has "
                     f"'Id', 'Created at', 'Tags'; Freshdesk 'Ticket ID', 'Created time'; generic "
                     f"'created_at', 'contact_type' (or give --source)")


def with_overrides(shape: Shape, overrides: Mapping[str, str | Sequence[str]]) -> Shape:
    """The shape with the ``metrics: {columns: {...}}`` names put in (keys are the generic field names)."""
    columns = dict(shape.columns)
    for name, value in overrides.items():
        columns[name] = (value,) if isinstance(value, str) else tuple(value)
    return Shape(shape.name, columns, shape.signature)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _msg(prefix: str, raw: str) -> str:
    """SQL for a problem message: ``prefix`` and the first 40 characters of the cell."""
    return f"{quote_text(prefix)} || left({raw}, 40)"


def quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class Present:
    """Which fields an export has (every column of the field is in the header)."""

    fields: frozenset[str]
    missing: Mapping[str, tuple[str, ...]]  # field -> the columns the export lacks


def present(shape: Shape, header: Sequence[str]) -> Present:
    names = set(header)
    have, missing = set(), {}
    for name in FIELDS:
        columns = shape.columns.get(name, ())
        if name == "contact_type":  # either of the two columns is enough
            found = [column for column in columns if column in names]
            if found:
                have.add(name)
            else:
                missing[name] = columns
            continue
        if columns and all(column in names for column in columns):
            have.add(name)
        elif not columns and shape.name == "freshdesk" and name == "reopens":
            have.add(name)  # Freshdesk has no reopens: every ticket counts 0
        else:
            missing[name] = columns
    return Present(frozenset(have), missing)


def contact_columns(shape: Shape, header: Sequence[str]) -> list[str]:
    """The export's columns that hold contact types (tags, type), in the shape's order."""
    names = set(header)
    return [column for column in shape.columns.get("contact_type", ()) if column in names]


def reader_types(shape: Shape, header: Sequence[str]) -> dict[str, str]:
    """Column -> the DuckDB type a CSV reader can give it directly (``DOUBLE``, ``TIMESTAMP``).

    A column is read typed when every use of it parses one kind of value
    (``Replies`` only as a number); one also used as text (a 1-5 or good/bad
    rating, ``Tags``) stays text and is parsed in SQL. Reading typed is what
    makes the reader reject a row whose cell does not parse, with its line
    number, at no cost to the good rows; every other column is read as text.
    """
    return {column: next(iter(kinds)) for column, kinds in _plan(shape, header)[3].items()
            if len(kinds) == 1 and "text" not in kinds}


def select_sql(shape: Shape, header: Sequence[str], source: str, *, typed: Mapping[str, str] | None = None,
               keep: Sequence[str] = ()) -> str:
    """The query turning an export read by ``source`` (a table function) into typed tickets.

    Its columns are those of :func:`columns_sql` (after ``keep``, passed
    through). ``typed`` names the columns ``source`` gives as ``DOUBLE`` or
    ``TIMESTAMP`` already (:func:`reader_types`: the CSV reader parsed them
    and rejected the rows where one did not parse); the others are text and
    parsed here. It is three nested ``SELECT``s so that every cell is
    trimmed once and parsed once: (1) the text of each column used, (2) each
    number and timestamp parsed from it (``TRY_CAST``), (3) the normalized
    columns and ``problem`` from those. (Written as one flat ``SELECT``, the
    checks of ``problem`` re-trim and re-parse every cell inside a ``CASE``,
    which DuckDB does not share with the other columns.)
    """
    text, parsed, out, _ = _plan(shape, header, typed or {})
    kept = [quote_ident(name) for name in keep]
    first = ", ".join([*kept, *(f"{expr} AS {alias}" for alias, expr in text.items())])
    second = ", ".join([*kept, *text, *(f"{expr} AS {alias}" for alias, expr in parsed.items())])
    third = ", ".join([*kept, *(f"{expr} AS {name}" for name, expr in out.items())])
    return f"SELECT {third} FROM (SELECT {second} FROM (SELECT {first} FROM {source}))"


def columns_sql(shape: Shape, header: Sequence[str]) -> dict[str, str]:
    """The normalized columns of :func:`select_sql`, name -> SQL over its inner query's columns.

    Normalized columns: ``solved_flag`` (bool: the status is solved, closed or resolved), ``created``,
    ``solved_at`` (timestamps), ``k1``, ``k2``... (the text of each contact column, '' when empty, for
    :func:`contact_values_sql`), ``replies``, ``reopens`` (numbers), ``escalated`` (bool), ``frm`` (first reply,
    minutes), ``hm`` (handle time, minutes), ``csat_good`` (bool: good/bad ratings), ``csat_score`` (1-5).
    ``problem`` is NULL for a good row and otherwise says what is wrong with which column.
    """
    return _plan(shape, header)[2]


def _plan(shape: Shape, header: Sequence[str], typed: Mapping[str, str] | None = None
          ) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, set[str]]]:
    """(text of each column used, values parsed from it, normalized columns, column -> the kinds it is
    used as: "text", "DOUBLE", "TIMESTAMP"), see :func:`select_sql` and :func:`reader_types`."""
    names = set(header)
    typed = typed or {}
    text: dict[str, str] = {}  # t_<field> -> trimmed text of its column, over the export's columns
    parsed: dict[str, str] = {}  # alias -> a TRY_CAST of a t_ column (each cell parsed once)
    uses: dict[str, set[str]] = {}
    source_of: dict[str, str] = {}  # alias -> the export's column it reads

    def col(name: str, *, trimmed: bool = True, text_use: bool | None = None) -> str | None:
        """The column's text; untrimmed for a cell that is only parsed (a cast skips white space itself) or
        compared as written first (``text_use``: the cell is read as text all the same)."""
        columns = [c for c in shape.columns.get(name, ()) if c in names]
        if not columns:
            return None
        alias = f"{'t' if trimmed else 'r'}_{name}"
        source_of[alias] = columns[0]
        uses.setdefault(columns[0], set())
        if trimmed if text_use is None else text_use:
            uses[columns[0]].add("text")
        if columns[0] in typed:  # the reader parsed it already (and rejected the rows where it could not)
            text[alias] = quote_ident(columns[0])
            return alias
        cell = f"CAST({quote_ident(columns[0])} AS VARCHAR)"
        text[alias] = f"trim({cell})" if trimmed else cell
        return alias

    def is_typed(raw: str) -> bool:
        return source_of.get(raw) in typed

    def bad_cast(raw: str, value: str) -> str | None:
        # the value did not parse though the cell is not blank; trim runs only on the cells that did not
        # parse. None: a typed column has no such cell (the reader rejected its row).
        return None if is_typed(raw) else f"{value} IS NULL AND {blank(f'trim({raw})')} IS NOT NULL"

    def shown(raw: str) -> str:
        return f"CAST({raw} AS VARCHAR)" if is_typed(raw) else f"trim({raw})"

    def blank(expr: str) -> str:
        return f"nullif({expr}, '')"

    def parse(raw: str, kind: str) -> str:
        alias = f"p_{raw[2:]}_{kind.lower()}"
        uses[source_of[raw]].add(kind)
        parsed[alias] = raw if is_typed(raw) else f"TRY_CAST({blank(raw)} AS {kind})"
        return alias

    out: dict[str, str] = {}
    checks: list[tuple[str, str]] = []  # (condition that is true for a bad value, message prefix)

    # only whether it is solved is kept: the text itself is never asked for again
    status = col("status", trimmed=False, text_use=True)
    out["solved_flag"] = (_known(status, {"true": SOLVED, "false": UNSOLVED},
                                 f"coalesce(lower(trim({status})) IN ({', '.join(map(quote_text, SOLVED))}), false)")
                          if status else "NULL::BOOLEAN")

    def timestamp(name: str, target: str) -> None:
        raw = col(name, trimmed=False)
        if raw is None:
            out[target] = "NULL::TIMESTAMP"
            return
        value = parse(raw, "TIMESTAMP")
        out[target] = value
        column = shape.columns[name][0]
        bad = bad_cast(raw, value)
        if bad is not None:
            checks.append((bad, _msg(f"{column!r} is not a date and time: ", shown(raw))))

    timestamp("created_at", "created")
    timestamp("solved_at", "solved_at")
    if "r_created_at" in text:
        empty = ("p_created_at_timestamp IS NULL" if is_typed("r_created_at") else
                 f"p_created_at_timestamp IS NULL AND {blank('trim(r_created_at)')} IS NULL")
        checks.insert(0, (empty, quote_text(f"{shape.columns['created_at'][0]!r} is empty")))

    # contact values: the raw text of each contact column ('' when empty); the few distinct ones are
    # slugged and looked up later (contact_values_sql), not every row
    for position, contact in enumerate(contact_columns(shape, header) or [""], start=1):
        if contact:
            uses.setdefault(contact, set()).add("text")
        text[f"k{position}"] = f"coalesce(CAST({quote_ident(contact)} AS VARCHAR), '')" if contact else "''"
        out[f"k{position}"] = f"k{position}"

    def number(name: str, target: str, *, scale: str = "", default: str | None = None) -> None:
        raw = col(name, trimmed=False)
        if raw is None:
            out[target] = "NULL::DOUBLE" if default is None else default
            return
        value = parse(raw, "DOUBLE")
        out[target] = f"coalesce({value}, {default})" if default is not None else f"({value}{scale})"
        column = shape.columns[name][0]
        bad = bad_cast(raw, value)
        checks.append((f"{value} < 0" + (f" OR ({bad})" if bad is not None else ""),
                       _msg(f"{column!r} is not a number of 0 or more: ", shown(raw))))

    number("replies", "replies", default="0")
    if shape.name == "freshdesk" and not shape.columns.get("reopens"):
        out["reopens"] = "0::DOUBLE"
    else:
        number("reopens", "reopens", default="0")

    escalated = col("escalated", trimmed=shape.name != "zendesk")
    if escalated is None:
        out["escalated"] = "NULL::BOOLEAN"
    elif shape.name == "zendesk":
        value = parse(escalated, "DOUBLE")
        out["escalated"] = f"coalesce({value} > 1, false)"
        bad = bad_cast(escalated, value)
        if bad is not None:
            checks.append((bad, _msg(f"{shape.columns['escalated'][0]!r} is not a number: ", shown(escalated))))
    elif shape.name == "freshdesk":
        out["escalated"] = (f"list_contains(list_transform(string_split(lower(coalesce({escalated}, '')), ','), "
                            f"lambda v: trim(v)), 'escalated')")
    else:
        out["escalated"] = (f"CASE WHEN lower({escalated}) IN ('true', 'yes', '1') THEN true "
                            f"WHEN lower({escalated}) IN ('false', 'no', '0') OR {blank(escalated)} IS NULL "
                            f"THEN false END")
        checks.append((f"{out['escalated']} IS NULL",
                       _msg(f"{shape.columns['escalated'][0]!r} is not true or false: ", escalated)))

    number("first_reply_minutes", "frm", scale=" * 60" if shape.name == "freshdesk" else "")

    handle = col("handle_minutes")
    if handle is not None and shape.name == "freshdesk":
        # hh:mm:ss (hours may run past 24)
        pattern = r"^\d{1,6}:[0-5]\d:[0-5]\d$"
        value = (f"CASE WHEN regexp_matches({handle}, '{pattern}') THEN "
                 f"CAST(split_part({handle}, ':', 1) AS DOUBLE) * 60 + CAST(split_part({handle}, ':', 2) AS DOUBLE)"
                 f" + CAST(split_part({handle}, ':', 3) AS DOUBLE) / 60 END")
        out["hm"] = value
        checks.append((f"{blank(handle)} IS NOT NULL AND NOT regexp_matches({handle}, '{pattern}')",
                       _msg(f"{shape.columns['handle_minutes'][0]!r} is not hh:mm:ss: ", handle)))
    else:
        number("handle_minutes", "hm")

    csat = col("csat", trimmed=False, text_use=True)
    if csat is None:
        out["csat_good"] = "NULL::BOOLEAN"
        out["csat_score"] = "NULL::DOUBLE"
    else:
        cell = f"trim({csat})"
        low = f"lower({cell})"
        not_rating = f"({blank(cell)} IS NULL OR {low} IN ({', '.join(map(quote_text, NOT_RATINGS))}))"
        out["csat_good"] = (f"CASE WHEN {low} LIKE 'good%' THEN true WHEN {low} LIKE 'bad%' THEN false END")
        if shape.name == "zendesk":
            score = "NULL::DOUBLE"
        else:
            number_value = parse(csat, "DOUBLE")
            in_scale = f"CASE WHEN {number_value} BETWEEN 1 AND 5 THEN {number_value} END"
            if shape.name == "freshdesk":
                cases = " ".join(f"WHEN {quote_text(answer)} THEN {score}" for answer, score in FRESHDESK_SURVEY.items())
                score = f"CASE {low} {cases} ELSE {in_scale} END"
                out["csat_good"] = "NULL::BOOLEAN"
            else:
                score = in_scale
        out["csat_score"] = score
        check = f"NOT {not_rating} AND {out['csat_good']} IS NULL AND ({score}) IS NULL"
        if shape.name == "zendesk":  # the words Zendesk writes, as it writes them, need no trim or lower
            out["csat_good"] = _known(csat, {"true": ("good",), "false": ("bad",), "NULL": NOT_RATINGS},
                                      out["csat_good"])
            check = _known(csat, {"false": ("good", "bad", *NOT_RATINGS)}, check)
        checks.append((check, _msg(f"{shape.columns['csat'][0]!r} is not a rating: ", cell)))

    if checks:
        whens = " ".join(f"WHEN {condition} THEN {message}" for condition, message in checks)
        out["problem"] = f"CASE {whens} END"
    else:
        out["problem"] = "NULL::VARCHAR"
    return text, parsed, out, uses


SOLVED = ("solved", "closed", "resolved")  # a status that counts as solved, lower case
UNSOLVED = ("new", "open", "pending", "hold", "on hold")  # the usual others (any other is not solved either)
NOT_RATINGS = ("offered", "unoffered", "not offered")  # survey states that are not a rating


def _known(cell: str, known: Mapping[str, Sequence[str]], general: str) -> str:
    """``general`` (SQL over a cell's text), first looking the cell up as the helpdesk usually writes it.

    ``known`` maps a value to the lower-case words ``general`` gives it for;
    each is matched exactly as written, in lower case, Title Case and UPPER
    CASE, so the result is the same as ``general``'s, without trimming and
    lower-casing every row: the few distinct words of a status or a survey
    column make most rows one of them.
    """
    whens = []
    for value, words in known.items():
        spellings = sorted({form for word in words for form in (word, word.title(), word.upper(), word.capitalize())})
        whens.append(f"WHEN {cell} IN ({', '.join(map(quote_text, spellings))}) THEN {value}")
    return f"CASE {' '.join(whens)} ELSE {general} END"


def contact_values_sql(shape: Shape, header: Sequence[str]) -> str:
    """SQL turning ``k1``, ``k2``... (see :func:`columns_sql`) into the ticket's contact values as written (a list).

    Zendesk tags are split on white space, Freshdesk tags on commas; a type
    column is one value. NULLs are left out; slugging is the caller's (csdocs' one slug, in Python).
    """
    present_columns = contact_columns(shape, header)
    if not present_columns:
        return "[]::VARCHAR[]"
    parts = []
    for number, column in enumerate(present_columns, start=1):
        raw = f"k{number}"
        if column == "Tags" and shape.name == "zendesk":
            parts.append(f"string_split_regex(trim({raw}), '\\s+')")
        elif column == "Tags" and shape.name == "freshdesk":
            parts.append(f"string_split({raw}, ',')")
        else:
            parts.append(f"[{raw}]")
    joined = parts[0] if len(parts) == 1 else f"list_concat({', '.join(parts)})"
    return f"list_filter({joined}, lambda v: v IS NOT NULL)"
