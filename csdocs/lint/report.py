"""Lint findings as text, JSON (the contract's shape), GitHub annotations or SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import Callable

from .engine import LintReport
from .registry import RULES

FORMATS = ("text", "json", "github", "sarif")


def as_text(report: LintReport) -> str:
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}\n" for f in report.findings)


def as_json(report: LintReport) -> str:
    return json.dumps({"files": report.files, "findings": [f.as_dict() for f in report.findings]},
                      indent=2, ensure_ascii=False) + "\n"


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def as_github(report: LintReport) -> str:
    lines = []
    for f in report.findings:
        lines.append(
            f"::{_GITHUB_LEVEL[f.severity]} file={_github_escape(f.path, property_value=True)},line={f.line},"
            f"col={f.column},title={_github_escape(f.rule, property_value=True)}::"
            f"{_github_escape(f.message)}\n"
        )
    return "".join(lines)


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def as_sarif(report: LintReport) -> str:
    used = sorted({f.rule for f in report.findings})
    rules = [
        {
            "id": name,
            "shortDescription": {"text": RULES[name].summary},
            "fullDescription": {"text": RULES[name].section("What it does") or RULES[name].summary},
            "help": {"text": RULES[name].doc.strip(), "markdown": RULES[name].doc.strip()},
            "defaultConfiguration": {"level": _SARIF_LEVEL.get(RULES[name].severity.value, "none")},
        }
        for name in used
    ]
    index = {name: position for position, name in enumerate(used)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f.path.replace("\\", "/")},
                "region": {"startLine": f.line, "startColumn": f.column},
            }}],
        }
        for f in report.findings
    ]
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "csdocs", "informationUri": "https://github.com/csdocs/csdocs",
                                      "rules": rules}},
                  "results": results}],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


FORMATTERS: dict[str, Callable[[LintReport], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
    "sarif": as_sarif,
}
