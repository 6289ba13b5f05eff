"""Lint findings as text, JSON (the contract's shape), GitHub annotations or SARIF 2.1.0.

Text and JSON print paths as the engine found them (relative to the working
folder). GitHub annotations and SARIF are read by code scanning, which knows
files by their path from the repository root: :func:`repository_root` finds
that root (the nearest folder upward holding ``.git``, else the working
folder) and :func:`repository_path` turns a finding's path into a path from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .engine import LintReport
from .registry import RULES

FORMATS = ("text", "json", "github", "sarif")

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"  # the uriBaseId GitHub code scanning and other SARIF consumers resolve to the checkout
FINGERPRINT = "csdocsFinding/v1"  # partialFingerprints key: rule, file and message, not the line


def as_text(report: LintReport, **_: object) -> str:
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}\n" for f in report.findings)


def as_json(report: LintReport, **_: object) -> str:
    return json.dumps({"files": report.files, "findings": [f.as_dict() for f in report.findings]},
                      indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------
# where files are, for code scanning


def repository_root(start: Path | None = None) -> Path:
    """The nearest folder from ``start`` (default: the working folder) upward that holds ``.git``
    (a folder, or a file in a worktree or submodule); ``start`` itself when there is none. Absolute."""
    start = Path(os.path.abspath(start or Path.cwd()))
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def repository_path(path: str, root: Path, *, cwd: Path | None = None) -> str | None:
    """``path`` (as in a finding: relative to ``cwd``, or absolute) as a POSIX path from ``root``,
    or None when it lies outside ``root``."""
    absolute = Path(os.path.abspath(Path(cwd or Path.cwd()) / path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return None


def _artifact_location(path: str, root: Path) -> dict[str, str]:
    """SARIF's artifactLocation: a percent-encoded URI relative to %SRCROOT%, or an absolute file URI."""
    relative = repository_path(path, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": urllib.parse.quote(relative, safe="/"), "uriBaseId": SRCROOT}


# --------------------------------------------------------------------------
# GitHub workflow commands


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def as_github(report: LintReport, *, root: Path | None = None, **_: object) -> str:
    """``::error file=...,line=...`` lines; ``file`` is the path from the repository root (``root``,
    default :func:`repository_root`), which is how GitHub places an annotation on a file."""
    root = root or repository_root()
    lines = []
    for f in report.findings:
        path = repository_path(f.path, root) or f.path
        lines.append(
            f"::{_GITHUB_LEVEL[f.severity]} file={_github_escape(path, property_value=True)},line={f.line},"
            f"col={f.column},title={_github_escape(f.rule, property_value=True)}::"
            f"{_github_escape(f.message)}\n"
        )
    return "".join(lines)


# --------------------------------------------------------------------------
# SARIF 2.1.0


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


@dataclass(frozen=True, slots=True)
class RulePages:
    """Where a rule's documentation is: on the published site when ``site_url`` is known (the rule
    reference page, anchored at the rule), else its module in the source (``[project.urls]``'s
    "Lint rules", read by :mod:`csdocs.about`). ``url(name)`` gives None when neither is known."""

    site_url: str | None = None
    use_directory_urls: bool = True

    def url(self, name: str) -> str | None:
        if self.site_url:
            from ..site.pages import RULES as RULES_PAGE  # "rules.md"

            stem = RULES_PAGE.removesuffix(".md")
            page = f"{stem}/" if self.use_directory_urls else f"{stem}.html"
            return urllib.parse.urljoin(self.site_url.rstrip("/") + "/", page) + f"#{name}"
        from ..about import project_urls

        base = project_urls().get("Lint rules")
        return urllib.parse.urljoin(base, name.replace("-", "_") + ".py") if base else None


def _fingerprints(report: LintReport, uris: list[str]) -> list[str]:
    """One hash per finding from its rule, file and message (not its line, which moves when lines
    are added above it); the n-th repeat of the same triple gets n in the hash."""
    seen: dict[str, int] = {}
    out = []
    for f, uri in zip(report.findings, uris, strict=True):
        key = "\0".join((f.rule, uri, f.message))
        seen[key] = seen.get(key, 0) + 1
        out.append(hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()[:32])
    return out


def _logical_locations(document_path: str) -> dict[str, list[dict[str, str]]]:
    """The finding's node in the SOP (``steps[3].branches[1]``) as a SARIF logical location."""
    if not document_path:
        return {}
    return {"logicalLocations": [{"fullyQualifiedName": document_path}]}


def as_sarif(report: LintReport, *, root: Path | None = None, pages: RulePages | None = None, **_: object) -> str:
    """A SARIF 2.1.0 log of one run that GitHub code scanning accepts.

    Locations are percent-encoded URIs relative to ``%SRCROOT%`` (the repository root: ``root``,
    default :func:`repository_root`); a file outside it gets an absolute ``file:`` URI. Columns
    count Unicode code points (``columnKind``). A finding about one node of the SOP names it as a
    logical location (``fullyQualifiedName``: ``steps[3].branches[1]``). Each used rule carries ``helpUri`` from ``pages``
    (default: the source module of the rule). Each result has a partial fingerprint that survives
    lines moving. The tool version is the installed csdocs version.
    """
    from ..about import project_urls, version

    root = root or repository_root()
    pages = pages or RulePages()
    used = sorted({f.rule for f in report.findings})
    rules = []
    for name in used:
        rule = {
            "id": name,
            "name": name,
            "shortDescription": {"text": RULES[name].summary},
            "fullDescription": {"text": RULES[name].section("What it does") or RULES[name].summary},
            "help": {"text": RULES[name].doc.strip(), "markdown": RULES[name].doc.strip()},
            "defaultConfiguration": {"level": _SARIF_LEVEL.get(RULES[name].severity.value, "none")},
        }
        help_uri = pages.url(name)
        if help_uri:
            rule["helpUri"] = help_uri
        rules.append(rule)
    index = {name: position for position, name in enumerate(used)}
    locations = [_artifact_location(f.path, root) for f in report.findings]
    fingerprints = _fingerprints(report, [location["uri"] for location in locations])
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {"startLine": f.line, "startColumn": f.column},
                },
                **_logical_locations(f.document_path),
            }],
            "partialFingerprints": {FINGERPRINT: fingerprint},
        }
        for f, location, fingerprint in zip(report.findings, locations, fingerprints, strict=True)
    ]
    driver = {"name": "csdocs", "version": version(), "rules": rules}
    homepage = project_urls().get("Homepage")
    if homepage:
        driver["informationUri"] = homepage
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


FORMATTERS: dict[str, Callable[..., str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
    "sarif": as_sarif,
}
