"""Escalation tiers: one order and one label for every reader, resolved against the project's tiers.

The project lists its tiers lowest first (``tiers`` among the csdocs options
in ``mkdocs.yml``; ``L1``, ``L2``, ``L3`` by default). An SOP may rename them
and add its own in its ``tiers``, listed lowest first too: a tier the
project does not know goes just below the next project tier the SOP lists
after it, else above every project tier (SOP tiers ``L1, SUP, L2``: ``SUP``
ranks between ``L1`` and ``L2``). An escalation that writes no ``from``
starts at the project's first tier; the model keeps it as None and readers
ask :meth:`Tiers.start`.

``escalation-tier`` ranks with :attr:`Tiers.order`, the flowchart colours by
it, and the site, the agent script and the API label with
:meth:`Tiers.label`, so no two of them can disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from .config import DEFAULT_TIERS, Config
from .model import Escalation, Sop

ProjectTiers = Sequence[tuple[str, str]]  # (id, name), lowest first: Config.tiers


@dataclass(frozen=True, slots=True)
class Tiers:
    """One SOP's tiers: ``order`` lowest first, ``names`` id -> name (the SOP's own names win)."""

    order: tuple[str, ...]
    names: Mapping[str, str]
    first: str | None  # the project's first tier: where an escalation without `from` starts
    ranks: Mapping[str, int]  # id -> position in order

    def rank(self, tier_id: str | None) -> int | None:
        """0 for the lowest tier; None for a tier neither the project nor the SOP declares."""
        return None if tier_id is None else self.ranks.get(tier_id)

    def label(self, tier_id: str | None) -> str:
        """``"L2 (Specialist or team lead)"``; the id alone when it has no other name; "" for None."""
        if not tier_id:
            return ""
        name = self.names.get(tier_id)
        return f"{tier_id} ({name})" if name and name != tier_id else tier_id

    def start(self, escalation: Escalation) -> str | None:
        """The tier an escalation starts at: its ``from``, else the project's first tier (None if it has none)."""
        return escalation.from_tier if escalation.from_tier is not None else self.first


def declared_ids(sop: Sop) -> tuple[str, ...]:
    """The ids of the SOP's own ``tiers``, in the order written, including a tier whose value is malformed
    (``L4: Director``): the schema rule reports that, and ``to: L4`` is still a known tier."""
    if "tiers" not in sop.spans:
        return ()
    return tuple(key[len("tiers."):] for key in sop.spans if key.startswith("tiers.") and not key.endswith(":key"))


def resolve(sop: Sop | None, config: Config | None) -> Tiers:
    """``sop``'s tiers against the project's (``config.tiers``; the defaults without a config)."""
    project = tuple(config.tiers if config is not None else DEFAULT_TIERS)
    own = declared_ids(sop) if sop is not None else ()
    renamed = tuple((tier.id, tier.name) for tier in sop.tiers) if sop is not None else ()
    return _resolve(project, own, renamed)


@lru_cache(maxsize=256)
def _resolve(project: tuple[tuple[str, str], ...], own: tuple[str, ...],
             renamed: tuple[tuple[str, str], ...]) -> Tiers:
    """Most SOPs add no tier of their own: one answer serves them all."""
    order = tuple(tier_order(tuple(tier_id for tier_id, _ in project), own))
    names = {**dict(project), **dict(renamed)}
    return Tiers(order=order, names=MappingProxyType(names), first=project[0][0] if project else None,
                 ranks=MappingProxyType({tier_id: rank for rank, tier_id in enumerate(order)}))


def tier_order(project: Sequence[str], own: Sequence[str]) -> list[str]:
    """The project's tier ids, lowest first, with the SOP's new tiers put in place.

    A new tier goes just below the next project tier the SOP lists after it,
    else above every tier: the SOP's ``tiers`` are listed lowest first too.
    Linear in the number of tiers, however many a hostile file lists.
    """
    project_order = list(dict.fromkeys(project))
    known = set(project_order)
    below: dict[str | None, list[str]] = {}  # project tier (None: the top) -> new tiers just below it
    anchor: str | None = None
    for tier_id in reversed(dict.fromkeys(own)):
        if tier_id in known:
            anchor = tier_id
        else:
            below.setdefault(anchor, []).append(tier_id)
    order: list[str] = []
    for tier_id in project_order:
        order.extend(reversed(below.get(tier_id, ())))
        order.append(tier_id)
    order.extend(reversed(below.get(None, ())))
    return order
