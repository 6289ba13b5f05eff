"""Run a review: pair SOPs (two files, or two revisions by SOP id) and diff each pair."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..lint.engine import cyclic_gc_paused
from ..loader import load_file
from ..model import Sop
from .changes import Review
from .compare import diff_sops
from .revisions import ReviewError, load_revision, repo_root

Pair = tuple[Sop | None, Sop | None]


@dataclass(frozen=True, slots=True)
class ReviewResult:
    review: Review
    pairs: dict[str, Pair]  # SOP id -> (old, new), for the flowcharts
    warnings: tuple[str, ...] = ()


def review_pairs(pairs: Iterable[Pair]) -> ReviewResult:
    """Diff every (old, new) pair; SOPs with nothing to report are left out."""
    diffs = []
    by_id: dict[str, Pair] = {}
    for old, new in pairs:
        diff = diff_sops(old, new)
        by_id[diff.sop] = (old, new)
        if diff.changes or diff.paths:
            diffs.append(diff)
    diffs.sort(key=lambda d: d.sop)
    return ReviewResult(Review(tuple(diffs)), by_id)


def load_sop_file(path: Path) -> Sop:
    """One SOP file for ``csdocs diff OLD NEW``, or a located ReviewError."""
    if not path.is_file():
        raise ReviewError(f"no such file: {path}")
    loaded = load_file(path)
    if loaded.sop is None:
        problem = loaded.problems[0]
        raise ReviewError(f"{path}:{problem.span.line}:{problem.span.column}: {problem.message}")
    return loaded.sop


def review_files(old_path: Path, new_path: Path) -> ReviewResult:
    return review_pairs([(load_sop_file(old_path), load_sop_file(new_path))])


def review_revisions(config: Config, base: str, head: str | None, *, start: Path | None = None) -> ReviewResult:
    """Every SOP added, removed or changed from ``base`` to ``head`` (None: the working tree)."""
    root = repo_root(start or config.root)
    with cyclic_gc_paused():  # two sides of models accumulate, as in lint
        old = load_revision(config, root, base, strict=False)
        new = load_revision(config, root, head)
        ids = sorted(set(old.sops) | set(new.sops))
        result = review_pairs((old.sops.get(i), new.sops.get(i)) for i in ids)
    return ReviewResult(result.review, result.pairs, old.warnings + new.warnings)
