"""The lint rule ``metric-target-missed``: an SOP whose measured values miss its targets by more than a margin.

Runs only when the project configures ``metrics: {exports: [...]}``
(csdocs/lint/rules/metric_target_missed.py documents the rule). The SOPs
linted are measured once, together, by :func:`csdocs.metrics.engine.measure`
(the computation of ``csdocs metrics``, ``csdocs diff --metrics`` and the
site's Performance page); this module only decides which judged misses are
worth a finding and where it goes: at the SOP's ``metrics.<name>`` key.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..load.problems import Problem
from ..model import Sop, Span
from ..render.text import plural

RULE = "metric-target-missed"


def beyond_margin(measure: Any, margin: float) -> bool:
    """A judged measure that misses its target by more than ``margin`` percent of the target.

    The relative gap is ``gap / target`` (csdocs.metrics.targets.relative_gap;
    a target of 0 counts the gap itself), so a margin of 10% reports an FCR
    under 72% for a target of 80% and an AHT over 7m42s for a target of 7m.
    """
    return (measure.judged and measure.met is False and measure.relative_gap is not None
            and measure.relative_gap * 100 > margin + 1e-9)


def _gap_text(measure: Any) -> str:
    from .report import format_value

    if measure.unit == "%":
        return f"{measure.gap:.1f} points"
    if measure.unit == "tickets":
        return f"{measure.gap:.0f} tickets"
    return format_value(measure.gap, measure.unit)


def missed_targets(sops: Sequence[Sop], exports: Sequence[Path], settings: Any) -> list[tuple[Sop, Problem]]:
    """(SOP, problem at its ``metrics.<name>`` key) for every target missed by more than ``settings.margin``.

    ``settings`` is the project's ``metrics:`` config (csdocs.config.MetricsConfig).
    Raises :class:`csdocs.metrics.engine.MetricsError` for an export that cannot be read.
    """
    from .engine import METRICS, measure, options_from_config
    from .report import format_value
    from .targets import NAMES

    if not sops:
        return []
    result = measure(list(exports), sops, options=options_from_config(settings))
    first = result.first.date().isoformat() if result.first else "-"
    last = result.last.date().isoformat() if result.last else "-"
    margin = f", more than the {settings.margin:g}% margin" if settings.margin else ""
    out = []
    for sop in sops:
        measured = result.sop(sop.id)
        if measured is None:
            continue
        for name in METRICS:
            m = measured.metrics[name]
            if not beyond_margin(m, settings.margin) or m.relative_gap is None or m.target is None:
                continue  # (beyond_margin already needs both; the test tells the type checker)
            span = sop.spans.get(f"metrics.{name}:key", sop.spans.get("metrics:key", sop.span))
            share = f"{m.relative_gap * 100:.0f}% of the target"
            out.append((sop, Problem(RULE, span, (
                f"{NAMES[name]} measured {format_value(m.value, m.unit)} misses the target {m.target.text} by "
                f"{_gap_text(m)} ({share}{margin}): {plural(m.count, 'ticket')} "
                f"created {first} to {last} (`csdocs metrics` shows every measure)"))))
    return out


def export_problem(config_file: Path | None, message: str) -> tuple[Span, str]:
    """Where an unreadable export is reported: the line of ``exports`` in mkdocs.yml (else line 1)."""
    line = 1
    if config_file is not None:
        try:
            for number, text in enumerate(config_file.read_text("utf-8").splitlines(), start=1):
                if text.strip().startswith(("exports:", "metrics:")) or "exports:" in text:
                    line = number
                    if "exports" in text:
                        break
        except OSError:
            pass
    return Span(line, 1), f"cannot measure the SOPs' targets (csdocs option metrics.exports): {message}"
