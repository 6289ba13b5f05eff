"""Formatting is never a change; a consistent rename is exactly one low-risk change.

Every example SOP (and the review fixture) is rewritten programmatically:
keys sorted or reversed, block or flow style, every string double- or
single-quoted, long text folded or reflowed at another width, comments
dropped. None of it may give a change or a resolution path.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from csdocs.loader import load_text
from csdocs.review import diff_sops

from ..conftest import example_sop_files
from .helpers import rename_step

HERE = Path(__file__).parent
EXAMPLES = sorted([*example_sop_files(), HERE / "fixtures" / "base.yaml"])


def _reverse_keys(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _reverse_keys(data[key]) for key in reversed(list(data))}
    if isinstance(data, list):
        return [_reverse_keys(item) for item in data]
    return data


class _FoldingDumper(yaml.SafeDumper):
    """Writes every long string as a folded block scalar (``>``)."""


def _folded_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 30 and value == value.strip() and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FoldingDumper.add_representer(str, _folded_str)

VARIANTS: dict[str, Callable[[Any], str]] = {
    "sorted-keys-narrow": lambda d: yaml.safe_dump(d, sort_keys=True, width=30, allow_unicode=True),
    "reversed-keys-wide": lambda d: yaml.safe_dump(_reverse_keys(d), sort_keys=False, width=4000),
    "flow-style": lambda d: yaml.safe_dump(d, default_flow_style=True, sort_keys=False, width=70),
    "double-quoted": lambda d: yaml.safe_dump(d, default_style='"', sort_keys=False, width=50),
    "single-quoted-indent-4": lambda d: yaml.safe_dump(d, default_style="'", indent=4, sort_keys=True),
    "folded-blocks": lambda d: yaml.dump(d, Dumper=_FoldingDumper, sort_keys=False, width=40, allow_unicode=True),
}


def _sop(text: str, path: str):
    loaded = load_text(text, path)
    assert loaded.sop is not None, loaded.problems
    return loaded.sop


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_reformatting_is_no_change(example: Path, variant: str) -> None:
    text = example.read_text("utf-8")
    data = yaml.safe_load(text)
    reformatted = VARIANTS[variant](copy.deepcopy(data))
    assert reformatted != text
    assert yaml.safe_load(reformatted) == data  # the rewrite really says the same thing
    diff = diff_sops(_sop(text, str(example)), _sop(reformatted, "reformatted.yaml"))
    assert diff.changes == ()
    assert diff.paths == ()


def test_the_corpus_is_there() -> None:
    assert len(EXAMPLES) >= 10  # the example corpus, not only the fixture


def _referenced_step(data: dict) -> str:
    """A step another step names: its rename has references to move."""
    named = [s.get("next") for s in data["steps"]] + [b.get("next") for s in data["steps"]
                                                       for b in s.get("branches") or []]
    ids = [s["id"] for s in data["steps"] if s.get("id") in named]
    return ids[len(ids) // 2] if ids else data["steps"][len(data["steps"]) // 2]["id"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_consistent_step_rename_is_one_low_risk_change(example: Path) -> None:
    text = example.read_text("utf-8")
    data = yaml.safe_load(text)
    old_id = _referenced_step(data)
    rename_step(data, old_id, f"{old_id}-renamed")
    diff = diff_sops(_sop(text, str(example)), _sop(yaml.safe_dump(data, sort_keys=False), "renamed.yaml"))
    assert [(c.kind, c.target, c.risk.value) for c in diff.changes] == [
        ("step-changed", f"steps.{old_id}-renamed", "low")]
    assert f"renamed from {old_id!r}" in diff.changes[0].message
    assert diff.paths == ()  # the paths are the same paths, under the new name
