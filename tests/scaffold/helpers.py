"""Helpers for the scaffold tests: template names and plain-data SOPs for jsonschema."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from ..conftest import TEMPLATES

TEMPLATE_NAMES = sorted(path.name[: -len(".yaml.j2")] for path in TEMPLATES.glob("*.yaml.j2"))
REQUIRED_TEMPLATES = {"basic", "b2b", "retail", "beauty-spa", "education", "refund-returns", "complaint",
                      "escalation", "onboarding", "proactive-support", "ticket-resolution"}


def as_json_data(value: Any) -> Any:
    """YAML data as JSON would hold it: dates become ISO strings (the schema says format: date)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): as_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json_data(item) for item in value]
    return value


def load_json_data(path: Path) -> Any:
    return as_json_data(yaml.safe_load(path.read_text(encoding="utf-8")))
