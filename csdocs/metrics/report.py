"""A :class:`~csdocs.metrics.engine.Result` as JSON, text, Markdown or CSV (pure: Result -> str)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from ..render.text import md, plural
from .engine import METRICS, Measure, Result, SopResult, round_value
from .targets import NAMES


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def measure_json(m: Measure) -> dict[str, Any]:
    return {"value": round_value(m.value, 2), "unit": m.unit, "count": m.count,
            "target": m.target.value if m.target else None, "target_text": m.target.text if m.target else None,
            "met": m.met, "judged": m.judged, "gap": round_value(m.gap, 2),
            "relative_gap": round_value(m.relative_gap, 4), "note": m.note}


def sop_json(s: SopResult, *, weeks: bool = True) -> dict[str, Any]:
    """One SOP of the contract's ``sops`` list: volume, every metric (:func:`measure_json`), weeks."""
    data = {"sop": s.sop, "title": s.title, "path": s.path, "volume": s.volume,
            "worst_relative_gap": round_value(s.worst_gap, 4),
            "metrics": {name: measure_json(m) for name, m in s.metrics.items()}}
    if weeks:
        data["weeks"] = [{"week": w.start.isoformat(), "volume": w.volume,
                          **{k: round_value(v, 2) for k, v in w.values.items()}} for w in s.weeks]
    return data


def window_json(result: Result) -> dict[str, Any]:
    return {"since": _iso(result.since), "until": _iso(result.until), "as_of": _iso(result.as_of),
            "first": _iso(result.first), "last": _iso(result.last)}


def as_data(result: Result) -> dict[str, Any]:
    """The JSON document of the contract: window, sops (largest relative gap first), unmatched, rows."""
    return {
        "window": window_json(result),
        "sops": [sop_json(s) for s in result.sops],
        "unmatched": {"tickets": result.unmatched, "tags": [{"tag": t, "tickets": n} for t, n in result.unmatched_tags]},
        "shared": result.shared,
        "tickets": result.tickets,
        "rows": {"read": result.rows_read, "bad": result.rows_bad,
                 "bad_rows": [{"file": b.file, "row": b.row, "reason": b.reason} for b in result.bad_rows]},
        "exports": [{"file": e.file, "shape": e.shape, "rows": e.rows, "missing": sorted(e.missing)}
                    for e in result.exports],
    }


def format_value(value: float | None, unit: str) -> str:
    """``(58.04, "%") -> "58.0%"``; minutes as ``7m 30s``; None as ``no data``."""
    if value is None:
        return "no data"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "minutes":
        seconds = round(value * 60)
        minutes, seconds = divmod(seconds, 60)
        return f"{minutes}m {seconds:02d}s" if seconds else f"{minutes}m"
    if unit == "tickets":
        return f"{value:.0f}"
    return f"{value:.2f}"


def verdict(m: Measure) -> str:
    if m.value is None:
        return m.note or "no data"
    if m.target is None:
        return "no target"
    if not m.judged:
        return m.note or "not judged"
    return "met" if m.met else "missed"


def to_json(result: Result) -> str:
    return json.dumps(as_data(result), indent=2, ensure_ascii=False) + "\n"


def to_text(result: Result) -> str:
    lines = []
    window = f"{_iso(result.first) or '-'} .. {_iso(result.last) or '-'}"
    lines.append(f"{plural(result.tickets, 'ticket')} created {window}; backlog as of {_iso(result.as_of) or '-'}")
    for sop in result.sops:
        lines.append(f"\n{sop.sop} ({plural(sop.volume, 'ticket')})")
        for name in METRICS:
            m = sop.metrics[name]
            target = f" target {m.target.text}" if m.target else ""
            lines.append(f"  {NAMES[name]:<27} {format_value(m.value, m.unit):>10}{target:<14} "
                         f"{verdict(m)} (n={m.count})")
    lines.append(f"\nunmatched: {plural(result.unmatched, 'ticket')} match no SOP"
                 + (": " + ", ".join(f"{t} ({n})" for t, n in result.unmatched_tags) if result.unmatched_tags else ""))
    lines.append(f"shared: {plural(result.shared, 'ticket')} count for two SOPs or more")
    lines.append(f"rows: {result.rows_read} read, {result.rows_bad} malformed")
    for bad in result.bad_rows:
        lines.append(f"  {bad.file}:{bad.row}: {bad.reason}")
    return "\n".join(lines) + "\n"


def to_markdown(result: Result) -> str:
    lines = ["| SOP | tickets | " + " | ".join(NAMES[m] for m in METRICS) + " |",
             "|---|---:|" + "---|" * len(METRICS)]
    for sop in result.sops:
        cells = []
        for name in METRICS:
            m = sop.metrics[name]
            mark = (" ✅" if m.met else " ❌" if m.met is False else "") if m.judged else ""
            target = f" / {md(m.target.text)}" if m.target else ""
            cells.append(format_value(m.value, m.unit) + target + mark)
        lines.append(f"| {md(sop.sop)} | {sop.volume} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Unmatched: {plural(result.unmatched, 'ticket')}"
                 + (" (" + ", ".join(f"{md(t)} {n}" for t, n in result.unmatched_tags) + ")"
                    if result.unmatched_tags else "") + f"; malformed rows: {result.rows_bad} of {result.rows_read}.")
    return "\n".join(lines) + "\n"


def to_csv(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sop", "volume", "metric", "value", "unit", "count", "target", "met", "gap", "note"])
    for sop in result.sops:
        for name in METRICS:
            m = sop.metrics[name]
            writer.writerow([sop.sop, sop.volume, name, "" if m.value is None else round_value(m.value, 2), m.unit,
                             m.count, m.target.text if m.target else "", "" if m.met is None else m.met,
                             "" if m.gap is None else round_value(m.gap, 2), m.note or ""])
    return out.getvalue()


FORMATTERS: dict[str, Callable[[Result], str]] = {"text": to_text, "json": to_json, "markdown": to_markdown,
                                                   "csv": to_csv}
