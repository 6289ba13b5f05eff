"""A finding's document path: which field of the SOP it is about (``steps[3].branches[1].next``).

Spectral-style: beside the line and column, a finding names the node in the
document, so a report reader (and code scanning's logical locations) knows
*what* is wrong without opening the file. The paths are the model's own
(``Step.path``, ``Branch.path``, ``Escalation.path``) with the field names
the author wrote; a member name that is not a plain word is quoted
(``definitions["e.g."]``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

from ..model import Sop, Span, member

_MAPPINGS_OF_NAMES = ("definitions", "metrics", "tiers", "sla")  # their members are names the author chose


class DocumentPaths:
    """Every position the model knows, with the document path of what starts there.

    Where a key and a node start at the same place (a step's mapping and its
    first key), the node wins; a position inside a value belongs to the value
    that starts last before it.
    """

    def __init__(self, sop: Sop) -> None:
        best: dict[Span, tuple[tuple[int, int], str]] = {}  # span -> ((is key, length), path)

        def add(span: Span, path: str, *, key: bool) -> None:
            rank = (1 if key else 0, len(path))
            if span not in best or rank < best[span][0]:
                best[span] = (rank, path)

        add(sop.span, "", key=False)
        for name, span in sop.spans.items():
            add(span, _top_level(name.removesuffix(":key")), key=name.endswith(":key"))
        nodes: list[tuple[str, Span, Mapping[str, Span]]] = [("script", sop.script.span, sop.script.spans)]
        nodes += [(member("tiers", tier.id), tier.span, tier.spans) for tier in sop.tiers]
        for step in sop.steps:
            nodes.append((step.path, step.span, step.spans))
            nodes += [(branch.path, branch.span, branch.spans) for branch in step.branches]
        nodes += [(escalation.path, escalation.span, escalation.spans) for escalation in sop.escalations]
        for path, span, spans in nodes:
            add(span, path, key=False)
            for name, field_span in spans.items():
                add(field_span, _field(path, name.removesuffix(":key")), key=name.endswith(":key"))
        ordered = sorted(best.items())
        self._spans = [span for span, _ in ordered]
        self._paths = [path for _, (_, path) in ordered]
        self._keys = [rank[0] == 1 for _, (rank, _) in ordered]

    def of(self, span: Span) -> str:
        """The path of the node at ``span`` or of the value that holds it; ``""`` for the whole SOP."""
        return self.locate(span)[0]

    def locate(self, span: Span) -> tuple[str, bool]:
        """``(path, in a key)``: :meth:`of`, and whether the position is in a key rather than a value."""
        index = bisect_right(self._spans, span) - 1
        return (self._paths[index], self._keys[index]) if index >= 0 else ("", False)


def _top_level(name: str) -> str:
    """A name from the SOP's own spans (``related[2]``, ``definitions.PCI-DSS``, ``sla.resolution.high``)."""
    head, dot, rest = name.partition(".")
    if not dot or head not in _MAPPINGS_OF_NAMES:
        return name
    if head == "sla":  # sla.<field>.<priority>: words of the format, already plain
        return name
    return member(head, rest)


def _field(parent: str, name: str) -> str:
    """A field of a node: ``branches[1]`` stays an index, ``next`` a member."""
    field, bracket, index = name.partition("[")
    return member(parent, field) + (bracket + index if bracket else "")

