"""Bad exports: a located message, never a traceback; malformed rows counted with their row numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csdocs.metrics.engine import MetricsError, Options, measure

from .helpers import AS_OF, WRITERS, expected, of_sop, sop, tickets, write_csv

SOPS = [sop("refund-request", ("refund",), fcr="80%")]


def _zendesk_lines(count: int = 10) -> list[str]:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(WRITERS["zendesk"](tickets(count)))
    return buffer.getvalue().splitlines()


def test_malformed_rows_are_counted_with_their_row_numbers(tmp_path):
    lines = _zendesk_lines()
    header = lines[0].split(",")
    # spreadsheet rows: the header is row 1, so lines[k] is row k + 1
    cells = lines[3].split(",")
    cells[header.index("Created at")] = "yesterday"
    lines[3] = ",".join(cells)  # row 4: a date that is not one
    lines[5] = lines[5] + ",stray"  # row 6: a field too many
    cells = lines[8].split(",")
    cells[header.index("Replies")] = "-2"
    lines[8] = ",".join(cells)  # row 9, after a rejected row: still numbered right
    path = tmp_path / "z.csv"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data = data.replace(lines[10].encode(), lines[10].replace(",", ",\xe9", 1).encode("latin-1"))  # row 11
    path.write_bytes(data)
    result = measure([path], SOPS, options=Options(as_of=AS_OF))
    assert [(bad.row, bad.reason.split(":")[0]) for bad in result.bad_rows] == [
        (4, "'Created at' is not a date and time"), (6, "expected number of columns"),
        (9, "'Replies' is not a number of 0 or more"), (11, "not UTF-8 text (save the export as UTF-8)")]
    assert result.rows_bad == 4
    assert result.rows_read == len(lines) - 1
    assert [export.rows for export in result.exports] == [len(lines) - 1]  # rejected rows are rows read
    assert result.tickets == len(lines) - 1 - 4


@pytest.mark.parametrize("negative", [False, True], ids=["reader-rejects", "second-scan"])
def test_cells_that_do_not_parse_are_found_in_a_csv_of_any_dialect(tmp_path, negative):
    """Number and time columns are read typed: a row whose cell does not parse is read again as text, from its
    line, in the file's dialect (semicolons, a quoted field over two lines); a cell of blanks is no value. A
    negative count, which the reader cannot see, makes a second scan list the rows: the same list."""
    import csv
    import dataclasses
    import io

    rows = tickets(12)
    table = WRITERS["zendesk"](rows)  # table[r - 1] is spreadsheet row r, the ticket rows[r - 2]
    column = table[0].index
    table[3 - 1][column("Ticket type")] = "refund; first\nsecond line"  # quoted, over two lines: still row 3
    table[4 - 1][column("Created at")] = "n/a"
    table[6 - 1][column("Replies")] = "   "  # no value: 0 replies
    table[6 - 1][column("Group stations")] = " 2 "  # padded: 2, escalated
    table[8 - 1][column("Solved at")] = "2026-02-30 10:00:00"  # no such day
    table[10 - 1][column("Reopens")] = "once"
    if negative:
        table[12 - 1][column("Replies")] = "-1"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(table)
    path = tmp_path / "z.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    result = measure([path], SOPS, options=Options(as_of=AS_OF, min_volume=1))

    listed = [(4, "'Created at' is not a date and time: n/a"),
              (8, "'Solved at' is not a date and time: 2026-02-30 10:00:00"),
              (10, "'Reopens' is not a number of 0 or more: once")]
    listed += [(12, "'Replies' is not a number of 0 or more: -1")] if negative else []
    assert [(bad.row, bad.reason) for bad in result.bad_rows] == listed
    bad_rows = {row for row, _ in listed}
    rows[3 - 2] = dataclasses.replace(rows[3 - 2], tags=("refund; first\nsecond line", *rows[3 - 2].tags[1:]))
    rows[6 - 2] = dataclasses.replace(rows[6 - 2], replies=0, escalated=True)
    good = [ticket for number, ticket in enumerate(rows, start=2) if number not in bad_rows]
    assert (result.rows_read, result.rows_bad, result.tickets) == (len(rows), len(bad_rows), len(good))
    right = expected(of_sop(good, ("refund",)))
    refund = result.sop("refund-request")
    assert refund.volume == right["volume"]
    assert refund.metrics["fcr"].value == pytest.approx(right["fcr"])
    assert refund.metrics["escalation_rate"].value == pytest.approx(right["escalation_rate"])


@pytest.mark.parametrize("bom, newline", [(True, "\r\n"), (False, "\r\n"), (True, "\n")],
                         ids=["excel-csv-utf8", "crlf", "bom"])
def test_a_bad_cell_in_an_export_saved_by_excel_is_listed_not_an_error(tmp_path, bom, newline):
    """Excel's "CSV UTF-8" writes a byte-order mark and CRLF line ends. DuckDB then keeps the LF before a
    rejected row in that row's text; the row read again from it must still be one row, not a failed read."""
    import csv
    import io

    rows = tickets(12)
    table = WRITERS["zendesk"](rows)  # table[r - 1] is spreadsheet row r, the ticket rows[r - 2]
    table[5 - 1][table[0].index("Created at")] = "n/a"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(table)
    path = tmp_path / "z.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))

    result = measure([path], SOPS, options=Options(as_of=AS_OF, min_volume=1))

    assert [(bad.row, bad.reason) for bad in result.bad_rows] == [(5, "'Created at' is not a date and time: n/a")]
    good = [ticket for number, ticket in enumerate(rows, start=2) if number != 5]
    assert (result.rows_read, result.rows_bad, result.tickets) == (len(rows), 1, len(good))
    right = expected(of_sop(good, ("refund",)))
    assert result.sop("refund-request").volume == right["volume"]
    assert result.sop("refund-request").metrics["fcr"].value == pytest.approx(right["fcr"])


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "the file is empty"),
    (b"Id,Status\n1,open\n", "cannot tell the export's shape"),
])
def test_an_unreadable_export_is_a_located_error(tmp_path, content, message):
    path = tmp_path / "export.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(MetricsError) as error:
        measure([path], SOPS)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)


def test_the_cli_prints_a_located_error_and_exits_2(cli, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xff\xfeI\x00d\x00\n\x00")  # UTF-16: not a CSV csdocs can read
    result = cli("metrics", path, "--config", _project(tmp_path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output and str(path) in result.output


def _project(tmp_path):
    (tmp_path / "sops").mkdir(exist_ok=True)
    (tmp_path / "sops" / "refund.yaml").write_text(
        "title: Refund request\ndepartment: Billing\nowner: Billing lead\npurpose: Refunds.\n"
        "contact_types: [refund]\nsla: {first_response: 4h, resolution: 2d}\nmetrics: {fcr: 80%}\n"
        "steps:\n  - id: log\n    title: Log it\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\ndocs_dir: sops\nplugins:\n  - csdocs\n", encoding="utf-8")
    return config


def test_the_cli_prints_the_contract_json(cli, tmp_path):
    rows = tickets()
    path = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](rows))
    result = cli("metrics", path, "--format", "json", "--as-of", AS_OF.isoformat(), "--config", _project(tmp_path))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"window", "sops", "unmatched", "rows"}
    refund = data["sops"][0]
    assert refund["sop"] == "refund" and set(refund["metrics"]["fcr"]) >= {"value", "target", "met", "gap"}
    assert data["rows"] == {"read": len(rows), "bad": 0, "bad_rows": []}
    assert data["window"]["as_of"] == AS_OF.isoformat()


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv"])
def test_every_format_prints_the_measures(cli, tmp_path, fmt):
    path = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](tickets()))
    result = cli("metrics", path, "--format", fmt, "--config", _project(tmp_path))
    assert result.exit_code == 0 and "refund" in result.stdout


def test_exports_come_from_mkdocs_yml(cli, tmp_path):
    config = _project(tmp_path)
    write_csv(tmp_path / "z.csv", WRITERS["zendesk"](tickets()))
    config.write_text("site_name: t\ndocs_dir: sops\nplugins:\n  - csdocs:\n      metrics: {exports: [z.csv]}\n",
                      encoding="utf-8")
    result = cli("metrics", "--format", "json", "--config", config)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sops"][0]["volume"] > 0


@pytest.mark.parametrize("option, message", [
    ("{exports: 3}", "metrics.exports"),
    ("{exports: [a.csv], colums: {}}", "metrics.colums"),
    ("{columns: {reopen: X}}", "metrics.columns.reopen"),
    ("{min_volume: 0}", "metrics.min_volume"),
    ("{source: jira}", "metrics.source"),
    ("{memory_limit: lots}", "metrics.memory_limit"),
    ("{memory_limit: 4}", "metrics.memory_limit"),
])
def test_bad_metrics_options_name_the_option(cli, tmp_path, option, message):
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: t\nplugins:\n  - csdocs:\n      metrics: {option}\n", encoding="utf-8")
    result = cli("metrics", "x.csv", "--config", config)
    assert result.exit_code == 2 and message in result.output


def test_padded_cells_parse_and_blank_cells_are_empty_not_malformed(tmp_path):
    """Values are parsed once, untrimmed (a cast skips white space): " 3 " is 3, "   " is no value."""
    header = ["Id", "Status", "Created at", "Solved at", "Tags", "Replies", "Reopens", "Group stations",
              "First reply time in minutes"]
    rows = [header,
            ["1", " Solved ", " 2026-03-02 09:00:00 ", "2026-03-02 10:00:00", "refund", " 1 ", "0", " 1 ", "\t30 "],
            ["2", "solved", "2026-03-03 09:00:00", "   ", "refund", "   ", " ", "1", "  "],
            ["3", "open", "   ", "", "refund", "1", "0", "1", ""],
            ["4", "open", "2026-03-04 09:00:00", "", "refund", " two ", "0", "1", ""]]
    path = write_csv(tmp_path / "z.csv", rows)
    result = measure([path], SOPS, options=Options(as_of=AS_OF, min_volume=1))
    assert [(bad.row, bad.reason) for bad in result.bad_rows] == [
        (4, "'Created at' is empty"), (5, "'Replies' is not a number of 0 or more: two")]
    refund = result.sop("refund-request")
    assert refund.volume == 2
    assert refund.metrics["fcr"].value == 100.0 and refund.metrics["fcr"].count == 2  # " Solved " is solved
    assert refund.metrics["first_response_within_sla"].count == 1  # "\t30 " is 30; "  " is no first reply


def test_duckdb_spills_to_a_folder_of_its_own_not_the_working_directory(tmp_path, monkeypatch):
    import duckdb

    seen = []
    real = duckdb.connect

    def connect(*args, **kwargs):
        seen.append(kwargs.get("config", {}).get("temp_directory"))
        return real(*args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", connect)
    monkeypatch.chdir(tmp_path)
    measure([write_csv(tmp_path / "z.csv", WRITERS["zendesk"](tickets(5)))], SOPS)
    assert seen and "csdocs-metrics-" in seen[0] and not Path(seen[0]).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["z.csv"]


def test_the_memory_limit_is_a_setting_and_threads_are_the_cpus(cli, tmp_path, monkeypatch):
    """DuckDB gets metrics.memory_limit from mkdocs.yml (default 1GB) and one thread per CPU csdocs may use."""
    import os

    import duckdb

    from csdocs.metrics.engine import MEMORY_LIMIT

    seen = []
    real = duckdb.connect

    def connect(*args, **kwargs):
        seen.append(kwargs.get("config", {}))
        return real(*args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", connect)
    config = _project(tmp_path)
    write_csv(tmp_path / "z.csv", WRITERS["zendesk"](tickets()))
    for option, limit in (("{exports: [z.csv]}", MEMORY_LIMIT), ("{exports: [z.csv], memory_limit: 300MB}", "300MB")):
        config.write_text(f"site_name: t\ndocs_dir: sops\nplugins:\n  - csdocs:\n      metrics: {option}\n",
                          encoding="utf-8")
        result = cli("metrics", "--format", "json", "--config", config)
        assert result.exit_code == 0, result.output
        assert seen[-1]["memory_limit"] == limit
        assert seen[-1]["threads"] == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("bad", [1, 2])
def test_the_cli_counts_malformed_rows_in_english(cli, tmp_path, bad):
    lines = _zendesk_lines()
    for number in range(1, bad + 1):
        lines[number] += ",stray"  # a field too many
    path = tmp_path / "z.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("metrics", path, "--config", _project(tmp_path))
    assert result.exit_code == 0, result.output
    words = "1 malformed row not counted" if bad == 1 else f"{bad} malformed rows not counted"
    assert f"csdocs: {words}" in result.stderr
