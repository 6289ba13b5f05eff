"""Edit plain SOP data by path, for the table-driven review cases."""

from __future__ import annotations

import re
from typing import Any

import yaml

_PART = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in _PART.findall(path):
        if name:
            parts.append(name)
        else:
            parts.append(int(index) if index.isdigit() else f"@{index}")
    return parts


def _child(container: Any, part: str | int) -> Any:
    if isinstance(part, str) and part.startswith("@"):
        return _by_id(container, part[1:])
    if isinstance(container, list):
        return container[part]
    return container[part]


def _by_id(items: list[Any], item_id: str) -> int:
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == item_id:
            return index
    raise KeyError(item_id)


def _resolve(container: Any, part: str | int) -> str | int:
    if isinstance(part, str) and part.startswith("@"):
        return _by_id(container, part[1:])
    return part


def _parent(data: Any, path: str) -> tuple[Any, str | int]:
    parts = _parts(path)
    node = data
    for part in parts[:-1]:
        node = node[_resolve(node, part)]
    return node, parts[-1]


def apply_edits(data: Any, edits: dict[str, Any] | None) -> Any:
    """Deletes, then inserts, then sets, each in the order written (see cases.yaml)."""
    for path in (edits or {}).get("delete", []):
        parent, last = _parent(data, path)
        del parent[_resolve(parent, last)]
    for path, value in ((edits or {}).get("insert") or {}).items():
        parent, last = _parent(data, path)
        parent.insert(_resolve(parent, last), value)
    for path, value in ((edits or {}).get("set") or {}).items():
        parent, last = _parent(data, path)
        key = _resolve(parent, last)
        if isinstance(parent, list) and key == len(parent):
            parent.append(value)
        else:
            parent[key] = value
    return data


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def rename_step(data: dict[str, Any], old_id: str, new_id: str) -> None:
    """Rename a step and every reference to it in the same SOP (``next``, and ``goto`` to itself)."""
    for step in data["steps"]:
        if step.get("id") == old_id:
            step["id"] = new_id
        if step.get("next") == old_id:
            step["next"] = new_id
        for branch in step.get("branches") or []:
            if branch.get("next") == old_id:
                branch["next"] = new_id
            if branch.get("goto") == f"{data.get('id')}#{old_id}":
                branch["goto"] = f"{data.get('id')}#{new_id}"
