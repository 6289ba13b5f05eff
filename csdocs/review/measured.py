"""``csdocs diff --metrics EXPORT``: each reviewed SOP beside how it measures against its targets.

Nothing is computed here: the SOPs of the review are handed to
:func:`csdocs.metrics.engine.measure` (the very computation of ``csdocs
metrics`` and the site's Performance page) and the reports print its
:class:`~csdocs.metrics.engine.SopResult` for each reviewed SOP. An SOP is
measured as it is after the change (its new contact types, SLAs and
targets); a removed SOP as it was. Measuring a few SOPs gives each of them
the same values as measuring the whole project: a ticket's SOPs depend on
its own tags only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Sop


@dataclass(frozen=True, slots=True)
class Measured:
    """The measurement of a review's SOPs: the metrics Result, and each SOP's part of it by id."""

    result: Any  # csdocs.metrics.engine.Result
    exports: tuple[str, ...]

    def sop(self, sop_id: str) -> Any:
        """The SOP's :class:`~csdocs.metrics.engine.SopResult`, or None when it was not measured."""
        return self.result.sop(sop_id)


def measure_review(pairs: Mapping[str, tuple[Sop | None, Sop | None]], sop_ids: Sequence[str],
                   exports: Sequence[Path], settings: Any) -> Measured:
    """Measure the SOPs ``sop_ids`` (their new version, else the old) from ``exports``.

    ``settings`` is the project's ``metrics:`` config (columns, min_volume,
    source; None for the defaults). Raises
    :class:`csdocs.metrics.engine.MetricsError` for an export that cannot be read.
    """
    from ..metrics.engine import measure, options_from_config

    sops: list[Sop] = []
    for sop_id in sop_ids:
        old, new = pairs.get(sop_id, (None, None))
        sop = new if new is not None else old
        if sop is not None:
            sops.append(sop)
    result = measure(list(exports), sops, options=options_from_config(settings))
    return Measured(result, tuple(str(path) for path in exports))


def targeted(measured_sop: Any) -> list[Any]:
    """The SOP's measures that have a target, in the order of csdocs.metrics.engine.METRICS."""
    from ..metrics.engine import METRICS

    return [measured_sop.metrics[name] for name in METRICS if measured_sop.metrics[name].target is not None]


def missed(measured_sop: Any) -> list[Any]:
    """The judged measures that miss their target."""
    return [m for m in targeted(measured_sop) if m.judged and m.met is False]


def metric_line(sop: Sop | None, metric: str) -> int:
    """The line of the SOP's ``metrics.<metric>`` key (else of ``metrics:``, else 1)."""
    if sop is None:
        return 1
    return sop.spans.get(f"metrics.{metric}:key", sop.spans.get("metrics:key", sop.span)).line
