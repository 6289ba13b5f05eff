"""An SOP's ``metrics:`` targets, read and judged against measured values.

Units: percentages are numbers of percent (``80%`` -> 80.0), ``aht`` is in
minutes (``7m`` -> 7.0, the duration syntax of the ``duration-format``
rule), ``backlog`` is a count, ``csat`` is a 1-5 score (``csat: 4.5``) or a
percentage of good ratings (``csat: 90%``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Duration

# measured metric -> (unit, direction): "min" means the value must be at least the target
MEASURES: dict[str, tuple[str, str]] = {
    "fcr": ("%", "min"),
    "escalation_rate": ("%", "max"),
    "aht": ("minutes", "max"),
    "csat": ("score", "min"),  # or "%" when the target is written with %
    "backlog": ("tickets", "max"),
    "first_response_within_sla": ("%", "min"),
}
NAMES = {
    "fcr": "FCR", "escalation_rate": "Escalation rate", "aht": "AHT", "csat": "CSAT", "backlog": "Backlog",
    "first_response_within_sla": "First response within SLA",
}
DEFAULT_MIN_VOLUME = 30


@dataclass(frozen=True, slots=True)
class Target:
    metric: str
    value: float
    unit: str  # "%", "minutes", "score", "tickets"
    text: str  # as written in the SOP

    @property
    def at_least(self) -> bool:
        return MEASURES[self.metric][1] == "min"


def parse_target(metric: str, text: object) -> Target | None:
    """``("fcr", "80%")`` -> Target(fcr, 80.0, "%"); None for a metric csdocs does not measure or bad text."""
    if metric not in MEASURES:
        return None
    raw = str(text).strip()
    unit = MEASURES[metric][0]
    try:
        if raw.endswith("%"):
            if unit not in ("%", "score"):
                return None
            value, unit = float(raw[:-1].strip()), "%"
        elif metric == "aht":
            minutes = Duration.parse(raw).minutes
            if minutes is None:
                return None
            value = float(minutes)
        else:
            if unit == "%":
                return None  # a rate must be written with %: 0.8 or 80 is ambiguous
            value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return Target(metric, value, unit, raw)


def gap(target: Target, value: float) -> float:
    """How far ``value`` misses ``target``, in the metric's unit: > 0 missed, <= 0 met."""
    return target.value - value if target.at_least else value - target.value


def relative_gap(target: Target, value: float) -> float:
    """The gap as a share of the target (a target of 0: the gap itself, as if the target were 1)."""
    return gap(target, value) / (target.value if target.value else 1.0)
