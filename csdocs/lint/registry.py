"""Every rule, found once: each module in :mod:`csdocs.lint.rules` defines ``RULE``.

The list is not kept by hand anywhere else; adding a module adds a rule.
The ``rules`` option's names are checked here too (:func:`check_rule_options`):
:mod:`csdocs.config` reads severities and knows no rule, so it never imports lint.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType

from ..config import Config, ConfigError
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


def check_rule_options(config: Config) -> Config:
    """``config`` back when every name under its ``rules`` option is a rule; else ConfigError naming it."""
    for name in config.rules:
        if name not in RULES:
            close = difflib.get_close_matches(str(name), list(RULES), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else " (`csdocs rules` lists them)"
            raise ConfigError(f"rules.{name}", f"unknown rule{hint}", source=config.config_file)
    return config
