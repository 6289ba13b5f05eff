"""Every definition of the contract on hand-made exports of each shape; right answers from the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from csdocs.metrics.engine import METRICS, Options, measure
from csdocs.metrics.report import to_markdown

from .helpers import AS_OF, WRITERS, expected, for_freshdesk, for_generic, of_sop, sop, tickets, write_csv

REFUND = ("refund", "return")
DISPUTE = ("Card Dispute",)
SOPS = [sop("refund-request", REFUND, fcr="80%", escalation_rate="10%", aht="7m", csat="90%", backlog="0",
            first_response_within_sla="75%"),
        sop("card-dispute", DISPUTE, fcr="50%", csat="4.2")]


def _run(tmp_path, shape: str, rows, **options):
    path = write_csv(tmp_path / f"{shape}.csv", WRITERS[shape](rows))
    return measure([path], SOPS, options=Options(as_of=AS_OF, min_volume=5, **options))


@pytest.mark.parametrize("shape", ["zendesk", "freshdesk", "generic"])
def test_every_definition_matches_the_rows(tmp_path, shape):
    rows = tickets(scores=shape == "freshdesk")
    seen = {"generic": for_generic, "freshdesk": for_freshdesk}.get(shape, list)(rows)
    result = _run(tmp_path, shape, rows)
    for sop_id, types in (("refund-request", REFUND), ("card-dispute", DISPUTE)):
        mine = of_sop(seen, types)
        right = expected(mine)
        got = result.sop(sop_id)
        assert got.volume == right["volume"] > 0
        assert got.metrics["fcr"].value == pytest.approx(right["fcr"])
        assert got.metrics["escalation_rate"].value == pytest.approx(right["escalation_rate"])
        assert got.metrics["backlog"].value == right["backlog"]
        assert got.metrics["first_response_within_sla"].value == pytest.approx(right["first_response_within_sla"])
        if shape == "zendesk":  # no handle time in a Zendesk export unless mapped
            assert got.metrics["aht"].value is None and "handle_minutes" in got.metrics["aht"].note
        else:
            assert got.metrics["aht"].value == pytest.approx(right["aht"], abs=0.01)  # hh:mm:ss rounds to seconds
        csat = got.metrics["csat"]
        if right["csat_score"] is None and right["csat_percent"] is None:
            assert csat.value is None and sop_id == "card-dispute"  # only offered and unoffered surveys
        elif shape == "freshdesk":
            assert (csat.value, csat.unit) == (pytest.approx(right["csat_score"]), "score")
        else:
            assert (csat.value, csat.unit) == (pytest.approx(right["csat_percent"]), "%")


def test_unmatched_and_shared_are_counted_from_the_tags(tmp_path):
    rows = tickets()
    result = _run(tmp_path, "zendesk", rows)
    refund = {t.id for t in of_sop(rows, REFUND)}
    dispute = {t.id for t in of_sop(rows, DISPUTE)}
    assert result.shared == len(refund & dispute) > 0
    unmatched = [t for t in rows if t.id not in refund | dispute]
    assert result.unmatched == len(unmatched) > 0
    counts: dict[str, int] = {}
    for ticket in unmatched:
        for tag in set(ticket.tags):
            counts[tag.replace("_", "-").lower()] = counts.get(tag.replace("_", "-").lower(), 0) + 1
    assert dict(result.unmatched_tags) == counts
    assert result.unmatched_tags[0][1] == max(counts.values())


def test_targets_are_judged_in_their_direction_and_sorted_by_relative_gap(tmp_path):
    rows = tickets()
    result = _run(tmp_path, "zendesk", rows)
    refund = result.sop("refund-request").metrics
    right = expected(of_sop(rows, REFUND))
    assert refund["fcr"].met is (right["fcr"] >= 80)
    assert refund["fcr"].gap == pytest.approx(80 - right["fcr"])
    assert refund["escalation_rate"].met is (right["escalation_rate"] <= 10)
    assert refund["escalation_rate"].gap == pytest.approx(right["escalation_rate"] - 10)
    # backlog's target is 0: any backlog misses it, its relative gap is the backlog itself
    assert refund["backlog"].met is (right["backlog"] == 0)
    worst = {s.sop: s.worst_gap for s in result.sops}
    assert [s.sop for s in result.sops] == sorted(worst, key=lambda k: -(worst[k] or -1))
    count = len(of_sop(rows, DISPUTE))  # none of them rated: offered or unoffered surveys only
    assert result.sop("card-dispute").metrics["csat"].note == f"no data: none of its {count} tickets has a rating"


def test_a_target_on_the_other_csat_scale_is_not_judged(tmp_path):
    path = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](tickets()))
    result = measure([path], [sop("refund-request", REFUND, csat="4.5")], options=Options(min_volume=1))
    csat = result.sop("refund-request").metrics["csat"]
    assert csat.unit == "%" and csat.value is not None and not csat.judged
    assert csat.note == "the target 4.5 is not on the export's good/bad scale"


def test_fewer_than_min_volume_tickets_are_shown_not_judged(tmp_path):
    rows = tickets()
    path = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](rows))
    count = len(of_sop(rows, REFUND))
    result = measure([path], SOPS, options=Options(as_of=AS_OF, min_volume=count + 1))
    escalation = result.sop("refund-request").metrics["escalation_rate"]
    assert (escalation.count, escalation.judged, escalation.met) == (count, False, None)
    assert escalation.value is not None and "fewer than" in escalation.note


def test_the_window_counts_tickets_created_inside_it(tmp_path):
    rows = tickets()
    since, until = dt.date(2026, 3, 4), dt.date(2026, 3, 9)
    inside = [t for t in rows if since <= t.created.date() <= until]
    result = _run(tmp_path, "zendesk", rows, since=since, until=until)
    assert result.sop("refund-request").volume == len(of_sop(inside, REFUND))
    assert result.tickets == len(inside)


def test_backlog_defaults_to_the_latest_timestamp_of_the_export(tmp_path):
    rows = tickets()
    path = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](rows))
    latest = max(max(t.created, t.solved or t.created) for t in rows)
    result = measure([path], SOPS, options=Options(min_volume=1))
    assert result.as_of == latest
    assert result.sop("refund-request").metrics["backlog"].value == expected(of_sop(rows, REFUND),
                                                                             as_of=latest)["backlog"]


def test_weekly_trend_sums_to_the_whole(tmp_path):
    rows = tickets()
    result = _run(tmp_path, "zendesk", rows)
    weeks = result.sop("refund-request").weeks
    mine = of_sop(rows, REFUND)
    mondays = sorted({(t.created - dt.timedelta(days=t.created.weekday())).date() for t in mine})
    assert [w.start for w in weeks] == mondays
    assert sum(w.volume for w in weeks) == len(mine)
    first = [t for t in mine if t.created.date() < mondays[0] + dt.timedelta(days=7)]
    assert weeks[0].values["escalation_rate"] == pytest.approx(expected(first)["escalation_rate"])


def test_a_missing_column_makes_only_its_metrics_no_data(tmp_path):
    rows = tickets()
    table = WRITERS["zendesk"](rows)
    drop = table[0].index("Reopens")
    path = write_csv(tmp_path / "z.csv", [row[:drop] + row[drop + 1:] for row in table])
    result = measure([path], SOPS, options=Options(as_of=AS_OF, min_volume=1))
    refund = result.sop("refund-request").metrics
    assert refund["fcr"].value is None and "reopens" in refund["fcr"].note
    assert refund["escalation_rate"].value == pytest.approx(expected(of_sop(rows, REFUND))["escalation_rate"])
    assert result.exports[0].missing["reopens"] == ("Reopens",)


def test_mapped_columns_override_the_shape(tmp_path):
    rows = tickets()
    table = WRITERS["zendesk"](rows)
    table[0].append("Handle (min)")
    for row, ticket in zip(table[1:], rows, strict=True):
        row.append("" if ticket.handle is None else f"{ticket.handle:g}")
    path = write_csv(tmp_path / "z.csv", table)
    result = measure([path], SOPS, options=Options(as_of=AS_OF, min_volume=1,
                                                   columns={"handle_minutes": "Handle (min)"}))
    assert result.sop("refund-request").metrics["aht"].value == pytest.approx(expected(of_sop(rows, REFUND))["aht"])


@pytest.mark.parametrize("kind", ["parquet", "jsonl"])
def test_parquet_and_json_lines_read_like_csv(tmp_path, kind):
    import duckdb

    rows = tickets()
    csv_path = write_csv(tmp_path / "g.csv", WRITERS["generic"](rows))
    target = tmp_path / f"g.{kind}"
    fmt = "PARQUET" if kind == "parquet" else "JSON"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true)) TO '{target}' (FORMAT {fmt})")
    result = measure([target], SOPS, options=Options(as_of=AS_OF, min_volume=1))
    right = expected(of_sop(for_generic(rows), REFUND))
    assert result.sop("refund-request").volume == right["volume"]
    assert result.sop("refund-request").metrics["fcr"].value == pytest.approx(right["fcr"])


def test_two_exports_of_different_shapes_add_up(tmp_path):
    rows = tickets()
    zendesk = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](rows))
    freshdesk = write_csv(tmp_path / "f.csv", WRITERS["freshdesk"](rows))
    result = measure([zendesk, freshdesk], SOPS, options=Options(as_of=AS_OF, min_volume=1))
    right = expected(of_sop(rows, REFUND))
    both = expected(of_sop(rows, REFUND) + of_sop(for_freshdesk(rows), REFUND))  # Freshdesk: no reopens
    assert result.sop("refund-request").volume == 2 * right["volume"]
    assert result.sop("refund-request").metrics["fcr"].value == pytest.approx(both["fcr"])
    # AHT only from the export that has a handle time
    assert result.sop("refund-request").metrics["aht"].value == pytest.approx(right["aht"], abs=0.01)


def test_an_sla_by_priority_is_not_measured_and_says_why(tmp_path):
    """Format 1.1: an SOP may write its SLA per priority. The exports carry no ticket priority to pick a
    duration by, so the SLA metrics say so; the other metrics are measured as before."""
    from dataclasses import replace

    by_priority = replace(SOPS[0], sla={"first_response": {"emergency": "0m", "low": "1d"},
                                        "resolution": {"high": "1d", "low": "5d"}})
    rows = tickets()
    path = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](rows))
    got = measure([path], [by_priority], options=Options(as_of=AS_OF, min_volume=5)).sop("refund-request")
    right = expected(of_sop(rows, REFUND))
    assert got.metrics["fcr"].value == pytest.approx(right["fcr"])
    for metric, name in (("first_response_within_sla", "first_response"), ("backlog", "resolution")):
        assert got.metrics[metric].value is None
        assert got.metrics[metric].note == f"the SOP's sla.{name} is by priority, and the exports carry no ticket priority"


@pytest.mark.parametrize("first, resolution, first_note, resolution_note", [
    ("1:30", "4 h", "the SOP's sla.first_response '1:30' is not a duration (csdocs lint: duration-format)",
     "the SOP's sla.resolution '4 h' is not a duration (csdocs lint: duration-format)"),
    ("0m", "2d", "the SOP's sla.first_response is 0m (immediately): not measured",
     None),
])
def test_an_sla_that_cannot_be_measured_against_says_why(tmp_path, first, resolution, first_note,
                                                          resolution_note):
    """Every ticket has a status and a first reply: the SOP's SLA is why there is no value, not the tickets."""
    from csdocs.model import Duration

    unmeasured = replace(SOPS[0], sla={"first_response": Duration.parse(first),
                                       "resolution": Duration.parse(resolution)})
    rows = [replace(ticket, first_reply=ticket.first_reply or 5.0) for ticket in tickets()]
    path = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](rows))
    got = measure([path], [unmeasured], options=Options(as_of=AS_OF, min_volume=5)).sop("refund-request")
    assert got.metrics["first_response_within_sla"].value is None
    assert got.metrics["first_response_within_sla"].note == first_note
    if resolution_note is None:
        assert got.metrics["backlog"].value is not None
    else:
        assert (got.metrics["backlog"].value, got.metrics["backlog"].note) == (None, resolution_note)


def test_each_sop_is_measured_against_its_own_slas(tmp_path):
    """First replies are grouped by the SOPs' distinct first-response SLAs and open tickets keep their creation
    time: SOPs sharing tickets but not SLAs each get the share within their own SLA and their own backlog."""
    from dataclasses import replace

    from csdocs.model import Duration

    # replies come after 5, 15, 45, 61 and 90 minutes: 15m and 61m take the one on their limit
    slas = {"fast": ("15m", "6h"), "usual": ("1h", "2d"), "edge": ("61m", "5d"), "loose": ("4h", "2d")}
    sops = [replace(sop(name, REFUND), sla={"first_response": Duration.parse(first),
                                            "resolution": Duration.parse(resolution)})
            for name, (first, resolution) in slas.items()]
    rows = tickets(96)
    path = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](rows))
    result = measure([path], sops, options=Options(as_of=AS_OF, min_volume=1))
    for name, (first, resolution) in slas.items():
        right = expected(of_sop(rows, REFUND), first_response_min=Duration.parse(first).minutes,
                         resolution_min=Duration.parse(resolution).minutes)
        got = result.sop(name).metrics
        assert got["first_response_within_sla"].value == pytest.approx(right["first_response_within_sla"]), name
        assert got["backlog"].value == right["backlog"], name
    shares = {result.sop(name).metrics["first_response_within_sla"].value for name in slas}
    assert len(shares) == len(slas)  # the SLAs split the replies differently: a real test of the buckets


def test_the_same_export_unchanged_is_measured_once(tmp_path):
    """`csdocs build` measures for lint and for the site: the second call with the same export (same size and
    time on disk), SOPs and options is the first result; an export written again is measured again."""
    from csdocs.metrics import engine

    rows = tickets()
    path = write_csv(tmp_path / "z.csv", WRITERS["zendesk"](rows))
    options = Options(as_of=AS_OF, min_volume=5)
    first = measure([path], SOPS, options=options)
    assert measure([path], SOPS, options=options) is first
    assert measure([path], SOPS[:1], options=options) is not first  # other SOPs: measured
    assert measure([path], SOPS, options=Options(as_of=AS_OF, min_volume=6)) is not first  # other options

    fewer = rows[: len(rows) // 2]
    write_csv(path, WRITERS["zendesk"](fewer))
    again = measure([path], SOPS, options=options)
    assert again.sop("refund-request").volume == len(of_sop(fewer, REFUND))
    assert engine._last is not None and engine._last[1] is again


def test_status_and_rating_words_count_however_they_are_written(tmp_path):
    """Solved/closed/resolved and good/bad ratings count in any case, padded or not (the usual spellings are
    looked up as written, the others trimmed and lower-cased: both must agree)."""
    import dataclasses

    statuses = ["solved", "Solved", "SOLVED", " solved ", "Closed", "closed  ", "open", "Open", "pending", "hold",
                "On hold", "escalated"]
    ratings = ["Good", "good", " GOOD ", "Good, I'm satisfied", "Bad", "bad", " Bad ", "Offered", "Not Offered",
               "unoffered ", "", "meh"]
    rows = [dataclasses.replace(ticket, tags=("refund",)) for ticket in tickets(len(statuses))]
    table = WRITERS["zendesk"](rows)
    column = table[0].index
    for line, status, rating in zip(table[1:], statuses, ratings, strict=True):
        line[column("Status")], line[column("Satisfaction Score")] = status, rating
    path = write_csv(tmp_path / "z.csv", table)
    result = measure([path], [sop("refund-request", REFUND, csat="90%")], options=Options(as_of=AS_OF, min_volume=1))

    word = [rating.strip(" ").lower() for rating in ratings]
    malformed = [number for number, text in enumerate(word, start=2)
                 if text and text not in ("offered", "unoffered", "not offered")
                 and not text.startswith(("good", "bad"))]
    assert [bad.row for bad in result.bad_rows] == malformed == [13]
    kept = [number - 2 for number in range(2, len(rows) + 2) if number not in malformed]
    solved = [i for i in kept if statuses[i].strip().lower() in ("solved", "closed", "resolved")]
    good = sum(word[i].startswith("good") for i in kept)
    bad = sum(word[i].startswith("bad") for i in kept)
    refund = result.sop("refund-request").metrics
    assert refund["fcr"].count == len(solved) == 6
    assert (refund["csat"].value, refund["csat"].count) == (pytest.approx(100 * good / (good + bad)), good + bad)


def test_tickets_meet_sops_under_the_one_slug_of_csdocs_in_any_script(tmp_path):
    # The site's /for/<contact type>/ pages and the metrics' matching use one slug: accents and
    # scripts kept, full-width forms folded (NFKC), case and separators ignored.
    sops = [sop("refund-request-vi", ("Hoàn tiền",)), sop("refund-request-ja", ("返金",)),
            sop("crm-access", ("CRM access",))]
    tagged = {"hoàn_tiền": "refund-request-vi", "HOÀN-TIỀN": "refund-request-vi", "hoan_tien": None,
              "返金": "refund-request-ja", "ＣＲＭ_ａｃｃｅｓｓ": "crm-access", "crm-access": "crm-access"}
    rows = [replace(ticket, tags=(tag,)) for ticket, tag in zip(tickets(len(tagged) * 4), list(tagged) * 4, strict=True)]
    path = write_csv(tmp_path / "zendesk.csv", WRITERS["zendesk"](rows))
    result = measure([path], sops, options=Options(as_of=AS_OF, min_volume=1))
    for sop_id in ("refund-request-vi", "refund-request-ja", "crm-access"):
        assert result.sop(sop_id).volume == 4 * sum(owner == sop_id for owner in tagged.values())
    assert result.unmatched == 4 * sum(owner is None for owner in tagged.values())
    assert dict(result.unmatched_tags) == {"hoan-tien": 4}


def test_markdown_output_keeps_sop_text_inert(tmp_path):
    # an SOP's id is SOP text (lint refuses this one, metrics still reports it) and reaches PR comments:
    # no HTML, mention or link may survive, and its "|" splits no cell
    payload = "refund <img src=x onerror=alert(1)> @billing-team https://evil.example | x"
    path = write_csv(tmp_path / "zendesk.csv", WRITERS["zendesk"](tickets()))
    text = to_markdown(measure([path], [sop(payload, REFUND, fcr="80%")],
                               options=Options(as_of=AS_OF, min_volume=5)))
    row = next(line for line in text.splitlines() if line.startswith("| refund"))
    assert "<img" not in text and "&lt;img" in row
    assert "@billing-team" not in text and "https://evil" not in text
    assert row.count(" | ") == len(METRICS) + 1
