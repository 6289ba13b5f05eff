"""Project configuration: the options of the ``csdocs`` plugin in ``mkdocs.yml``.

One file configures the site and the tools (see the contract). The CLI finds
the nearest ``mkdocs.yml`` upward from the working directory, or takes
``--config``; the MkDocs plugin hands over its own options. Both go through
:func:`config_from_options`, so the two can never read the same file
differently.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, overload

from .errors import UsageError
from .model import DEFAULT_HANDOFF, Severity

DEFAULT_TIERS: tuple[tuple[str, str], ...] = (
    ("L1", "Front-line agent"),
    ("L2", "Specialist or team lead"),
    ("L3", "Management or specialist team"),
)
DEFAULT_CACHE_DIR = ".csdocs-cache"
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
DEFAULT_MARGIN = 0.0  # percent of a target: by default lint reports every judged miss, as csdocs metrics does
# The csdocs plugin's options in mkdocs.yml, declared once: name -> the YAML kind of its value.
# config_from_options checks each one; the MkDocs plugin's options are made from this (csdocs.site.plugin);
# README's "Plugin options" lists them (a test holds the two together).
OPTIONS: Mapping[str, type] = MappingProxyType({
    "sops_dir": str, "glossary": str, "tiers": dict, "handoff": list, "allow_terms": list, "rules": dict,
    "flowchart_url": str, "cache_dir": str, "metrics": dict,
})
KNOWN_OPTIONS = tuple(OPTIONS)
METRICS_OPTIONS = ("exports", "columns", "min_volume", "source", "margin", "memory_limit")


class ConfigError(UsageError):
    """An invalid configuration (exit 2), naming the option and the file."""

    def __init__(self, option: str, message: str, *, source: Path | None = None) -> None:
        where = f"{source}: " if source else ""
        super().__init__(f"{where}csdocs option '{option}': {message}")
        self.option = option


@dataclass(frozen=True, slots=True)
class MetricsConfig:
    """``metrics: {exports: [...], columns: {...}, min_volume: 30, source: zendesk, margin: 10%}``."""

    exports: tuple[Path, ...] = ()  # helpdesk ticket exports (CSV, Parquet, JSON Lines), relative to root
    columns: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # field -> column name(s)
    min_volume: int = 30  # fewer tickets than this: shown, not judged
    source: str | None = None  # force a shape: zendesk, freshdesk, generic
    # the lint rule metric-target-missed reports a judged metric that misses its target by more than this
    # share of the target, in percent of the target (``margin: 10%``: FCR under 72% for a target of 80%)
    margin: float = DEFAULT_MARGIN
    memory_limit: str | None = None  # DuckDB's, e.g. "4GB" (None: csdocs.metrics.engine.MEMORY_LIMIT); past it, disk


@dataclass(frozen=True, slots=True)
class Config:
    root: Path  # the folder that relative options are read against
    config_file: Path | None = None  # None: no mkdocs.yml was found, defaults apply
    sops_dir: Path = Path("sops")
    glossary: Path | None = Path("sops/glossary.yaml")
    tiers: tuple[tuple[str, str], ...] = DEFAULT_TIERS  # (id, name), lowest first
    handoff: tuple[str, ...] = DEFAULT_HANDOFF
    allow_terms: frozenset[str] = frozenset()
    rules: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    cache_dir: Path = Path(DEFAULT_CACHE_DIR)  # rendered flowcharts, by a hash of their DOT text
    flowchart_url: str | None = None  # link pattern of goto nodes: "../{sop}/#step-{step}"
    # MkDocs' own top-level settings, for tools that link to the published site (SARIF's helpUri);
    # read by load_config only: the plugin has MkDocs' config itself.
    site_url: str | None = None  # "https://sops.example.com/" (None when mkdocs.yml gives none)
    use_directory_urls: bool = True
    metrics: MetricsConfig | None = None  # None: no exports configured, nothing is measured

    @property
    def tier_ids(self) -> tuple[str, ...]:
        return tuple(tier_id for tier_id, _ in self.tiers)


def find_config_file(start: Path) -> Path | None:
    """The nearest ``mkdocs.yml`` in ``start`` or a folder above it."""
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def load_config(config_file: Path | None = None, *, start: Path | None = None) -> Config:
    """Read the project's config: ``config_file``, else the nearest one upward, else defaults."""
    from .loader import load_plain_yaml  # the loader imports the model; keep config light

    if config_file is None:
        config_file = find_config_file(start or Path.cwd())
        if config_file is None:
            return Config(root=(start or Path.cwd()).resolve())
    config_file = Path(config_file)
    try:
        data = load_plain_yaml(config_file.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError("config", f"cannot read {config_file}: {error.strerror}") from None
    except Exception as error:  # noqa: BLE001 - a broken mkdocs.yml is a configuration error, exit 2
        raise ConfigError("config", f"{config_file} is not valid YAML: {str(error)[:200]}") from None
    if not isinstance(data, dict):
        raise ConfigError("config", f"{config_file} is not a mapping")
    options = plugin_options(data)
    docs_dir = data.get("docs_dir")
    if "sops_dir" not in options and isinstance(docs_dir, str):
        options = {**options, "sops_dir": docs_dir}
    config = config_from_options(options, root=config_file.parent.resolve(), config_file=config_file.resolve())
    site_url, directory_urls = data.get("site_url") or None, data.get("use_directory_urls", True)
    if site_url is not None and (not isinstance(site_url, str) or not site_url.startswith(("http://", "https://"))):
        raise ConfigError("site_url", f"{config_file}: must be an http(s) address, not {site_url!r}")
    if not isinstance(directory_urls, bool):
        raise ConfigError("use_directory_urls", f"{config_file}: must be true or false")
    return dataclasses.replace(config, site_url=site_url, use_directory_urls=directory_urls)


def plugin_options(mkdocs_config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``csdocs`` entry of ``plugins`` (list or mapping form), or {}."""
    plugins = mkdocs_config.get("plugins") or []
    if isinstance(plugins, dict):
        options = plugins.get("csdocs")
        return dict(options) if isinstance(options, dict) else {}
    for entry in plugins:
        if isinstance(entry, dict) and "csdocs" in entry:
            options = entry["csdocs"]
            return dict(options) if isinstance(options, dict) else {}
    return {}


def config_from_options(options: Mapping[str, Any], *, root: Path, config_file: Path | None = None) -> Config:
    """Validate plugin options and build the typed config; raise ConfigError naming the option."""
    unknown = sorted(set(options) - set(KNOWN_OPTIONS))
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], KNOWN_OPTIONS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(KNOWN_OPTIONS)})"
        raise ConfigError(unknown[0], f"unknown option{hint}", source=config_file)

    def _path(name: str, default: str | None) -> Path | None:
        value = options.get(name, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(name, "must be a path (text)", source=config_file)
        return Path(value)

    sops_dir = _path("sops_dir", "sops") or Path("sops")
    glossary_default = str(sops_dir / "glossary.yaml")
    glossary = _path("glossary", glossary_default)

    tiers = DEFAULT_TIERS
    if "tiers" in options:
        raw = options["tiers"]
        if not isinstance(raw, dict) or not raw:
            raise ConfigError("tiers", "must be a mapping of tier id to name, lowest first "
                              "(e.g. {L1: Front-line agent, L2: Specialist})", source=config_file)
        parsed = []
        for tier_id, name in raw.items():
            if isinstance(name, dict):
                name = name.get("name", tier_id)
            if not isinstance(tier_id, str) or not isinstance(name, str):
                raise ConfigError("tiers", f"tier {tier_id!r} must map to a name (text)", source=config_file)
            parsed.append((tier_id, name))
        tiers = tuple(parsed)

    handoff = DEFAULT_HANDOFF
    if "handoff" in options:
        raw = options["handoff"]
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ConfigError("handoff", "must be a list of item names", source=config_file)
        # The four default items are always required; the config may add more.
        handoff = tuple(dict.fromkeys([*DEFAULT_HANDOFF, *raw]))

    allow = options.get("allow_terms", [])
    if not isinstance(allow, list) or not all(isinstance(term, str) for term in allow):
        raise ConfigError("allow_terms", "must be a list of terms", source=config_file)

    rules_raw = options.get("rules", {}) or {}
    if not isinstance(rules_raw, dict):
        raise ConfigError("rules", "must be a mapping of rule name to error | warning | info | off",
                          source=config_file)
    # Rule names are checked against the rules by csdocs.lint.registry.check_rule_options (config knows no rule).
    rules: dict[str, Severity] = {}
    for name, level in rules_raw.items():
        if level is False:  # YAML reads a bare `off` as false
            level = "off"
        try:
            rules[name] = Severity(str(level))
        except ValueError:
            raise ConfigError(f"rules.{name}", f"{level!r} is not one of error, warning, info, off",
                              source=config_file) from None

    for name in ("flowchart_url", "cache_dir"):
        if name in options and (not isinstance(options[name], str) or not options[name].strip()):
            raise ConfigError(name, "must be text", source=config_file)

    metrics = _metrics_options(options["metrics"], config_file) if options.get("metrics") is not None else None

    return Config(
        root=root,
        config_file=config_file,
        sops_dir=sops_dir,
        glossary=glossary,
        tiers=tiers,
        handoff=handoff,
        allow_terms=frozenset(allow),
        rules=MappingProxyType(rules),
        cache_dir=Path(options.get("cache_dir", DEFAULT_CACHE_DIR)),
        flowchart_url=options.get("flowchart_url"),
        metrics=metrics,
    )


def _metrics_options(raw: Any, config_file: Path | None) -> MetricsConfig:
    from .metrics.shapes import FIELDS, SOURCES

    if not isinstance(raw, dict):
        raise ConfigError("metrics", "must be a mapping: {exports: [export.csv, ...]}", source=config_file)
    unknown = sorted(set(raw) - set(METRICS_OPTIONS))
    if unknown:
        raise ConfigError(f"metrics.{unknown[0]}", f"unknown option (known: {', '.join(METRICS_OPTIONS)})",
                          source=config_file)
    exports = raw.get("exports", [])
    if isinstance(exports, str):
        exports = [exports]
    if not isinstance(exports, list) or not all(isinstance(e, str) and e.strip() for e in exports):
        raise ConfigError("metrics.exports", "must be a list of export files", source=config_file)
    columns = raw.get("columns", {}) or {}
    if not isinstance(columns, dict):
        raise ConfigError("metrics.columns", "must be a mapping of field to column name", source=config_file)
    for name, value in columns.items():
        if name not in FIELDS:
            raise ConfigError(f"metrics.columns.{name}", f"unknown field (known: {', '.join(FIELDS)})",
                              source=config_file)
        ok = isinstance(value, str) or (isinstance(value, list) and value and all(isinstance(v, str) for v in value))
        if not ok:
            raise ConfigError(f"metrics.columns.{name}", "must be a column name (or a list of them)",
                              source=config_file)
    min_volume = raw.get("min_volume", 30)
    if not isinstance(min_volume, int) or isinstance(min_volume, bool) or min_volume < 1:
        raise ConfigError("metrics.min_volume", "must be a whole number of 1 or more", source=config_file)
    source = raw.get("source")
    if source is not None and source not in SOURCES:
        raise ConfigError("metrics.source", f"must be one of {', '.join(SOURCES)}", source=config_file)
    margin = _margin(raw.get("margin", f"{DEFAULT_MARGIN:g}%"), config_file)
    memory_limit = raw.get("memory_limit")
    if memory_limit is not None and not (isinstance(memory_limit, str) and re.fullmatch(
            r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", memory_limit.strip(), re.IGNORECASE)):
        raise ConfigError("metrics.memory_limit", f"must be an amount of memory, such as 4GB (got {memory_limit!r})",
                          source=config_file)
    return MetricsConfig(exports=tuple(Path(e) for e in exports), columns=MappingProxyType(dict(columns)),
                         min_volume=min_volume, source=source, margin=margin,
                         memory_limit=memory_limit.strip() if memory_limit else None)


def _margin(raw: Any, config_file: Path | None) -> float:
    """``"10%"`` -> 10.0; a bare number is refused (is 0.1 a tenth or 0.1 %?), as in SOP targets."""
    import math

    text = str(raw).strip() if isinstance(raw, str) else None
    try:
        value = float(text[:-1]) if text is not None and text.endswith("%") else None
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < 0:
        raise ConfigError("metrics.margin", f"must be a percentage of the target, such as 10% (got {raw!r})",
                          source=config_file)
    return value


@overload
def resolve(config: Config, path: Path) -> Path: ...
@overload
def resolve(config: Config, path: None) -> None: ...
def resolve(config: Config, path: Path | None) -> Path | None:
    """An option's path, relative to the config file's folder."""
    if path is None:
        return None
    return path if path.is_absolute() else config.root / path
