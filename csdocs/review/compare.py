"""The semantic diff of two versions of one SOP: pure functions over the model.

Steps, escalations and definitions are matched by id (term for
definitions), so key order, quoting, flow or block style, comments and
reflowed text never show up: the loader already forgot them, and text is
compared after whitespace is normalised. A step (or escalation) that
disappears under one id while one with nearly the same content and the same
references appears under another is a rename: one ``step-changed``, and the
references that moved with it are no change at all.

Risk follows the contract's table (docs/reviewing-sop-changes.md); every
message says why, in words a process owner uses ("fewer contacts escalate",
"skips 'verify'"). Each concern lives in its own module: :mod:`.fields`,
:mod:`.sla`, :mod:`.escalations`, :mod:`.conditions` (thresholds),
:mod:`.steps` (with :mod:`.flow`), :mod:`.matching` (renames) and
:mod:`.pathdiff` (resolution paths).
"""

from __future__ import annotations

from ..model import Sop
from .changes import Change, Risk, SopDiff
from .context import DiffContext, quote
from .escalations import escalation_changes
from .fields import definition_changes, field_changes, version_not_bumped
from .matching import MAX_PAIRS, escalation_renames, step_renames
from .pathdiff import map_path, path_changes, sop_paths
from .sla import metric_changes, sla_by_name, sla_changes
from .steps import step_changes

__all__ = ["MAX_PAIRS", "diff_sops"]


def diff_sops(old: Sop | None, new: Sop | None, *, old_path: str | None = None,
              new_path: str | None = None) -> SopDiff:
    """Every meaningful change from ``old`` to ``new`` (either may be None: added or removed).

    ``old_path`` and ``new_path`` name the files in the report (default: the
    SOPs' own paths). Raises ValueError when both are None.
    """
    if old is None and new is None:
        raise ValueError("diff_sops needs at least one SOP")
    old_path = old_path or (old.path if old else None)
    new_path = new_path or (new.path if new else None)
    if old is None:
        assert new is not None
        change = Change(new.id, "sop-added", "", Risk.MEDIUM,
                        f"new SOP {quote(new.id)}: a procedure agents will now follow", None,
                        {"title": new.title, "version": new.version}, new_path or new.path, 1)
        new_paths, truncated = sop_paths(new)
        return SopDiff(new.id, None, new_path, (change,), path_changes(new.id, (), new_paths), None, new.version,
                       paths_truncated=truncated)
    if new is None:
        change = Change(old.id, "sop-removed", "", Risk.HIGH,
                        f"SOP {quote(old.id)} removed: agents lose this procedure", {"title": old.title,
                                                                                   "version": old.version},
                        None, old_path or old.path, 1)
        old_paths, truncated = sop_paths(old)
        return SopDiff(old.id, old_path, None, (change,), path_changes(old.id, old_paths, ()), old.version, None,
                       paths_truncated=truncated)

    ctx = DiffContext(old, new, new_path or new.path, step_renames(old, new), escalation_renames(old, new))
    changes: list[Change] = []
    changes.extend(field_changes(ctx))
    changes.extend(definition_changes(ctx))
    changes.extend(sla_changes(ctx, sla_by_name(old.sla, new.sla, old=True), sla_by_name(old.sla, new.sla, old=False),
                               prefix="sla", owner=None, at=new))
    changes.extend(metric_changes(ctx))
    changes.extend(escalation_changes(ctx))
    changes.extend(step_changes(ctx))
    if any(change.risk is Risk.HIGH for change in changes) and old.version == new.version:
        changes.append(version_not_bumped(ctx))
    old_paths, old_truncated = sop_paths(old)
    new_paths, new_truncated = sop_paths(new)
    paths = path_changes(new.id, [map_path(ctx, p) for p in old_paths], new_paths)
    return SopDiff(new.id, old_path, ctx.path, tuple(sorted(changes, key=Change.sort_key)), paths,
                   old.version, new.version, tuple(sorted(ctx.step_map.items())),
                   tuple(sorted(ctx.escalation_map.items())), old_truncated or new_truncated)
