"""Every rule, found once: each module in :mod:`csdocs.lint.rules` defines ``RULE``.

The list is not kept by hand anywhere else; adding a module adds a rule.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType

from . import rules as _rules_package
from .rule import Rule


def _discover() -> Mapping[str, Rule]:
    found: dict[str, Rule] = {}
    for module_info in sorted(pkgutil.iter_modules(_rules_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_rules_package.__name__}.{module_info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            found[rule.name] = rule
    return MappingProxyType(dict(sorted(found.items())))


RULES: Mapping[str, Rule] = _discover()
