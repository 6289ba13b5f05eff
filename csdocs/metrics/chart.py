"""Small inline SVG charts of a metric's weekly trend against its target, drawn at build time.

Pure: numbers in, SVG text out; every piece of text is escaped. The chart is
decoration beside a table holding the same numbers (the accessible form):
it has ``role="img"`` and an ``aria-label`` that says what it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, PAD = 240, 64, 6


def trend_svg(points: Sequence[tuple[str, float | None]], *, target: float | None, label: str) -> str:
    """``[("2026-09-07", 58.0), ...]`` (week, value; None: no data that week) -> an SVG line chart.

    The target, when given, is a dashed line. Coordinates are rounded to 0.1
    so the same numbers always give the same bytes.
    """
    values = [v for _, v in points if v is not None]
    scale = [*values, *([target] if target is not None else [])]
    low, high = (min(scale), max(scale)) if scale else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    span_x = max(len(points) - 1, 1)

    def x(index: int) -> float:
        return round(PAD + index * (WIDTH - 2 * PAD) / span_x, 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (value - low) * (HEIGHT - 2 * PAD) / (high - low), 1)

    parts = [f'<svg class="csdocs-trend" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">',
             f"<title>{escape(label)}</title>"]
    if target is not None:
        parts.append(f'<line class="csdocs-trend-target" x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(target)}" '
                     f'y2="{y(target)}" stroke="currentColor" stroke-dasharray="4 3" opacity="0.6"/>')
    run: list[str] = []
    runs: list[list[str]] = []
    for index, (_, value) in enumerate(points):
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        run.append(f"{x(index)},{y(value)}")
    if run:
        runs.append(run)
    for line in runs:
        parts.append(f'<polyline class="csdocs-trend-line" fill="none" stroke="currentColor" stroke-width="2" '
                     f'points="{" ".join(line)}"/>')
        if len(line) == 1:
            cx, cy = line[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="currentColor"/>')
    parts.append("</svg>")
    return "".join(parts)
