"""A review as text, JSON (the contract's shape), a Markdown pull-request comment, or GitHub annotations.

SOP text is untrusted and the Markdown report is posted to GitHub: every
value that comes from an SOP goes through :func:`md` (HTML and Markdown
escaped, @-mentions and #-references defused) and code fences are made
longer than any run of backticks inside them.

With ``csdocs diff --metrics EXPORT`` every format but ``github`` also shows,
for each reviewed SOP, its measured values beside its targets
(:mod:`.measured`): value in the metric's unit (``%``, minutes, tickets, a
1-5 score), the target as written in the SOP, met or missed, and the number
of tickets the value is computed over.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..loader import clip
from ..model import Sop
from ..render.text import fence, md
from .changes import Change, Review, Risk, SopDiff
from .measured import Measured, metric_line, missed, targeted

FORMATS = ("text", "json", "markdown", "github")
_RISK_ORDER = (Risk.HIGH, Risk.MEDIUM, Risk.LOW)


def _counts(changes: tuple[Change, ...]) -> dict[Risk, int]:
    return {risk: sum(1 for change in changes if change.risk is risk) for risk in _RISK_ORDER}


def _summary_line(review: Review) -> str:
    counts = _counts(review.changes)
    total = len(review.changes)
    sops = sum(1 for diff in review.sops if diff.changes)
    if not total:
        return "no changes"
    return (f"{total} change{'s' * (total != 1)} in {sops} SOP{'s' * (sops != 1)} "
            f"({counts[Risk.HIGH]} high, {counts[Risk.MEDIUM]} medium, {counts[Risk.LOW]} low)")


# --------------------------------------------------------------------------
# text


def as_text(review: Review, *, sops: Mapping[str, tuple[Sop | None, Sop | None]] | None = None,
            measured: Measured | None = None, **_: Any) -> str:
    lines = []
    for diff in review.sops:
        for change in sorted(diff.changes, key=lambda c: (-c.risk.rank, c.sort_key())):  # highest risk first
            lines.append(f"{change.path}:{change.line}: {change.risk.value} {change.kind} "
                         f"{change.target or change.sop}: {change.message}")
        for path in diff.paths[:MAX_PATHS_SHOWN]:
            lines.append(f"{diff.new_path or diff.old_path}: path {path.change}: {path.describe()}")
        if len(diff.paths) > MAX_PATHS_SHOWN:
            lines.append(f"{diff.new_path or diff.old_path}: {len(diff.paths) - MAX_PATHS_SHOWN} more paths "
                         "(--format json lists them all)")
        if diff.paths_truncated:
            lines.append(f"{diff.new_path or diff.old_path}: {_TRUNCATED}")
        if measured is not None:
            lines.extend(_measured_text(diff, (sops or {}).get(diff.sop), measured))
    lines.append(_summary_line(review))
    if measured is not None:
        lines.append(_measured_summary(review, measured))
    return "\n".join(lines) + "\n"


def _measured_sop(pair: tuple[Sop | None, Sop | None] | None) -> Sop | None:
    """The version of the SOP that was measured: the new one, else the old (a removed SOP)."""
    old, new = pair if pair else (None, None)
    return new if new is not None else old


def _measured_text(diff: SopDiff, pair: tuple[Sop | None, Sop | None] | None, measured: Measured) -> list[str]:
    """``path:line: measured fcr 52.7% against target 82%: missed (n=1127)``, one line per target."""
    from ..metrics.report import format_value, verdict

    where = diff.new_path or diff.old_path
    result = measured.sop(diff.sop)
    if result is None:
        return []
    measures = targeted(result)
    lines = [f"{where}: measured {result.volume} tickets"
             + (f", {len(missed(result))} of {len(measures)} targets missed" if measures else ", no metrics targets")]
    sop = _measured_sop(pair)
    for m in measures:
        lines.append(f"{where}:{metric_line(sop, m.metric)}: measured {m.metric} {format_value(m.value, m.unit)} "
                     f"against target {clip(m.target.text, 40)}: {verdict(m)} (n={m.count})")
    return lines


def _measured_summary(review: Review, measured: Measured) -> str:
    results = [r for r in (measured.sop(d.sop) for d in review.sops) if r is not None]
    missing = [r.sop for r in results if missed(r)]
    return (f"measured from {len(measured.exports)} export{'s' * (len(measured.exports) != 1)}: "
            f"{len(missing)} of {len(results)} reviewed SOPs miss a target"
            + (f" ({', '.join(missing)})" if missing else ""))


# --------------------------------------------------------------------------
# json


_TRUNCATED = "this SOP has more paths than csdocs enumerates: the path lists are incomplete"


def as_json(review: Review, *, measured: Measured | None = None, **_: Any) -> str:
    """The contract's ``changes``, ``paths``, ``paths_incomplete``; with ``--metrics`` also ``metrics``.

    ``metrics`` is ``{"exports": [file], "window": {...}, "sops": [...], "rows": {"read", "bad"}}``:
    each reviewed SOP as in ``csdocs metrics --format json`` (without its weeks), in review order.
    """
    data: dict[str, Any] = {
        "changes": [change.as_dict() for change in review.changes],
        "paths": [path.as_dict() for diff in review.sops for path in diff.paths],
        "paths_incomplete": [diff.sop for diff in review.sops if diff.paths_truncated],
    }
    if measured is not None:
        from ..metrics.report import sop_json, window_json

        result = measured.result
        data["metrics"] = {
            "exports": list(measured.exports),
            "window": window_json(result),
            "sops": [sop_json(r, weeks=False) for r in (measured.sop(d.sop) for d in review.sops) if r is not None],
            "rows": {"read": result.rows_read, "bad": result.rows_bad},
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------
# github annotations

_LEVEL = {Risk.HIGH: "error", Risk.MEDIUM: "warning", Risk.LOW: "notice"}


def _gh(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def as_github(review: Review, **_: Any) -> str:
    lines = []
    for change in review.changes:
        title = f"csdocs diff: {change.risk.value} {change.kind}"
        lines.append(f"::{_LEVEL[change.risk]} file={_gh(change.path, property_value=True)},line={change.line},"
                     f"title={_gh(title, property_value=True)}::{_gh(change.message)}")
    return "".join(line + "\n" for line in lines)


# --------------------------------------------------------------------------
# markdown



_BADGE = {Risk.HIGH: "🔴 high", Risk.MEDIUM: "🟠 medium", Risk.LOW: "🟢 low"}


def _by_risk(diffs: tuple[SopDiff, ...]) -> list[SopDiff]:
    return sorted((d for d in diffs if d.changes or d.paths),
                  key=lambda d: (-(d.risk.rank if d.risk else -1), d.sop))


MermaidFn = Callable[[Sop], str]


def as_markdown(review: Review, *, sops: Mapping[str, tuple[Sop | None, Sop | None]] | None = None,
                mermaid: MermaidFn | None = None, measured: Measured | None = None, svg_dir: Path | None = None,
                **_: Any) -> str:
    """A pull-request comment: summary table, details per SOP, before/after flowcharts.

    A flowchart Mermaid would refuse to draw (too many edges or characters,
    :func:`csdocs.render.mermaid.over_limits`) is left out with a one-line
    note that names the SVG of the changes (``svg_dir``, from ``--svg``) or
    says how to get one.
    """
    out = ["## SOP review", ""]
    diffs = _by_risk(review.sops)
    if not diffs:
        out.append("No SOP changes that matter to customers or agents.")
        return "\n".join(out) + "\n"
    risk = review.risk
    out.append(f"**{_summary_line(review)}**" + (f", highest risk: **{risk.value}**" if risk else "") + ".")
    if measured is not None:
        out.append(_md_measured_summary(review, measured))
    extra = " targets |" if measured is not None else ""
    out += ["", f"| SOP | risk | high | medium | low | file |{extra}", "|---|---|---|---|---|---|"
            + ("---|" if measured is not None else "")]
    for diff in diffs:
        counts = _counts(diff.changes)
        out.append(f"| {md(diff.sop)} | {_BADGE[diff.risk] if diff.risk else '–'} | "
                   f"{counts[Risk.HIGH]} | {counts[Risk.MEDIUM]} | {counts[Risk.LOW]} | "
                   f"{md(diff.new_path or diff.old_path or '')} |"
                   + (f" {_md_targets_cell(measured.sop(diff.sop))} |" if measured is not None else ""))
    head = "\n".join(out)
    svgs = None
    if svg_dir is not None:  # the files --svg writes: one per SOP with changes, in review order
        from .flowdiff import svg_names

        svgs = {sop_id: svg_dir / name for sop_id, name in svg_names(d.sop for d in review.sops if d.changes).items()}
    sections = [_sop_details(diff, (sops or {}).get(diff.sop), mermaid, measured, svgs) for diff in diffs]
    if mermaid is not None and _size(head, sections) > MAX_COMMENT:
        # GitHub refuses a comment over 65,536 characters: the flowcharts go first.
        sections = [_sop_details(diff, (sops or {}).get(diff.sop), None, measured) for diff in diffs]
        head += "\n\n_Flowcharts left out: with them the comment would be too long for GitHub._"
    kept: list[list[str]] = []
    for section in sections:  # riskiest SOPs first, so the ones cut are the least risky
        if _size(head, [*kept, section]) > MAX_COMMENT - 200:
            head += (f"\n\n_Details of the {len(sections) - len(kept)} least risky SOPs left out to keep the "
                     "comment short enough for GitHub: run `csdocs diff` to see them all._")
            break
        kept.append(section)
    return head + "".join("\n\n" + "\n".join(section) for section in kept) + "\n"


MAX_COMMENT = 60_000  # characters; GitHub's limit for a comment is 65,536
MAX_PATHS_SHOWN = 20  # resolution paths listed per SOP in text and Markdown (JSON has them all)


def _size(head: str, sections: list[list[str]]) -> int:
    return len(head) + sum(len(line) + 1 for section in sections for line in section) + 2 * len(sections)


_VERDICT_BADGE = {True: "✅ met", False: "❌ missed"}


def _md_targets_cell(result: Any) -> str:
    if result is None:
        return "–"
    measures = targeted(result)
    if not measures:
        return "no targets"
    count = len(missed(result))
    return f"❌ {count} of {len(measures)} missed" if count else f"✅ none of {len(measures)} missed"


def _md_measured_summary(review: Review, measured: Measured) -> str:
    result = measured.result
    first = result.first.date().isoformat() if result.first else "–"
    last = result.last.date().isoformat() if result.last else "–"
    reviewed = [r for r in (measured.sop(d.sop) for d in review.sops) if r is not None]
    missing = sum(1 for r in reviewed if missed(r))
    return (f"\nMeasured from {len(measured.exports)} export{'s' * (len(measured.exports) != 1)} "
            f"(tickets created {first} to {last}): **{missing} of {len(reviewed)}** reviewed SOPs miss a target.")


def _md_measured(result: Any) -> list[str]:
    """The SOP's targets beside its measured values: a table (SOP text escaped by :func:`md`)."""
    from ..metrics.report import format_value, verdict
    from ..metrics.targets import NAMES

    measures = targeted(result)
    out = ["", f"**Measured performance** ({result.volume} tickets)", ""]
    if not measures:
        return [*out, "_This SOP sets no metrics targets._"]
    out += ["| metric | measured | target | verdict | tickets |", "|---|---:|---:|---|---:|"]
    for m in measures:
        shown = _VERDICT_BADGE[m.met] if m.judged and m.met is not None else md(verdict(m))
        out.append(f"| {NAMES[m.metric]} | {md(format_value(m.value, m.unit))} | {md(clip(m.target.text, 40))} | "
                   f"{shown} | {m.count} |")
    return out


def _sop_details(diff: SopDiff, pair: tuple[Sop | None, Sop | None] | None, mermaid: MermaidFn | None,
                 measured: Measured | None = None, svgs: Mapping[str, Path] | None = None) -> list[str]:
    old, new = pair if pair else (None, None)
    sop = new or old
    title = sop.title if sop else ""
    version = ""
    if diff.old_version != diff.new_version and diff.old_path and diff.new_path:
        version = f" (version {md(diff.old_version or 'none')} → {md(diff.new_version or 'none')})"
    out = [f"### SOP {md(clip(diff.sop, 60))}" + (f": {md(clip(title, 80))}" if title else "") + version, ""]
    if diff.changes:
        out += ["| risk | change | where | what it means |", "|---|---|---|---|"]
        ordered = sorted(diff.changes, key=lambda c: (-c.risk.rank, c.sort_key()))
        for change in ordered:
            where = f"{md(change.target)} (line {change.line})" if change.target else f"line {change.line}"
            out.append(f"| {_BADGE[change.risk]} | {change.kind} | {where} | {md(change.message)} |")
    if measured is not None and measured.sop(diff.sop) is not None:
        out += _md_measured(measured.sop(diff.sop))
    wording = list(_wording(diff.changes))
    if wording:
        out += ["", "<details><summary>Text before and after</summary>", ""]
        for where, before, after in wording:
            out.append(f"- {md(where)}")
            out.append(f"  - before: {md(clip(before, 300)) if before else '_(none)_'}")
            out.append(f"  - after: {md(clip(after, 300)) if after else '_(none)_'}")
        out += ["", "</details>"]
    if diff.paths:
        out += ["", "**Resolution paths**", ""]
        for path in diff.paths[:MAX_PATHS_SHOWN]:
            out.append(f"- {path.change}: {md(clip(path.describe(), 400))}")
        if len(diff.paths) > MAX_PATHS_SHOWN:
            out.append(f"- … and {len(diff.paths) - MAX_PATHS_SHOWN} more (`csdocs diff --format json` lists them all)")
        if diff.paths_truncated:
            out += ["", f"_{_TRUNCATED}_"]
    if mermaid is not None and (old is not None or new is not None):
        out += _flowcharts(old, new, mermaid, (svgs or {}).get(diff.sop))
    return out


def _flowcharts(old: Sop | None, new: Sop | None, mermaid: MermaidFn, svg: Path | None) -> list[str]:
    """Before and after as Mermaid, or one line saying why not and where the SVG of the changes is."""
    from ..render.mermaid import over_limits

    charts = [(label, mermaid(sop) if sop is not None and sop.steps else None)
              for label, sop in (("Before", old), ("After", new))]
    too_big = [f"{label.lower()}: {reason}" for label, chart in charts
               if chart is not None and (reason := over_limits(chart)) is not None]
    if too_big:
        where = (f"see {md(svg)} for the changes" if svg is not None
                 else r"csdocs diff \-\-svg DIR draws the changes as an SVG")
        return ["", f"_Flowchart left out, too big for GitHub to draw ({'; '.join(too_big)}): {where}._"]
    out = ["", "<details><summary>Flowchart before and after</summary>", ""]
    for label, chart in charts:
        out += [f"**{label}**", "", fence(chart, "mermaid") if chart is not None else "_(none)_", ""]
    out.append("</details>")
    return out


_TEXT_FIELDS = ("title", "action", "say", "decision")


def _wording(changes: tuple[Change, ...]) -> Iterator[tuple[str, str | None, str | None]]:
    """(where, before, after) for changed text: the table says "reworded", this shows how."""
    for change in changes:
        if change.kind == "step-changed" and isinstance(change.old, dict) and isinstance(change.new, dict):
            for name in _TEXT_FIELDS:
                if name in change.old and name in change.new:
                    yield f"{change.target}.{name}", change.old[name], change.new[name]
        elif change.target.startswith("tiers.") and isinstance(change.old, dict) and isinstance(change.new, dict):
            if change.old.get("authority") != change.new.get("authority"):
                yield f"{change.target}.authority", change.old.get("authority"), change.new.get("authority")
        elif not (_is_text(change.old) and _is_text(change.new)):
            continue
        elif (change.kind == "definition-changed"
              or (change.kind == "field-changed" and "reworded" in change.message)
              or (change.kind == "escalation-changed" and change.target.endswith(".trigger"))):
            yield change.target, change.old, change.new


def _is_text(value: object) -> bool:
    return value is None or isinstance(value, str)


FORMATTERS: dict[str, Callable[..., str]] = {
    "text": as_text,
    "json": as_json,
    "markdown": as_markdown,
    "github": as_github,
}
