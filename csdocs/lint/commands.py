"""``csdocs lint``, ``csdocs rules``, ``csdocs rule NAME``, ``csdocs schema``."""

from __future__ import annotations

import datetime as _dt
import json
import sys
from pathlib import Path

import click

from ..cli import config_option, get_config, today_option
from ..config import resolve
from ..errors import ExitCode
from ..loader import json_schema


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-f", "--format", "output_format", type=click.Choice(["text", "json", "github", "sarif"]),
              default="text", show_default=True, help="How to print the findings.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@today_option("The date review-overdue compares with")
@config_option
def lint_command(paths: tuple[Path, ...], output_format: str, strict: bool, today: _dt.date,
                 config_file: Path | None) -> None:
    """Check SOPs: schema, flow, escalations, terms, reviews.

    PATHS are SOP files or folders (searched recursively); default: the
    project's sops_dir. Exit 0 when no finding is an error, 1 when one is
    (or a warning, with --strict), 2 for a usage or configuration error.
    """
    from .engine import lint_paths
    from .report import FORMATTERS, RulePages

    config = get_config(config_file)
    targets = list(paths) or [resolve(config, config.sops_dir)]
    report = lint_paths(targets, config=config, today=today)
    pages = RulePages(site_url=config.site_url, use_directory_urls=config.use_directory_urls)
    click.echo(FORMATTERS[output_format](report, pages=pages), nl=False)
    sys.exit(ExitCode.FAILED if report.has_errors(strict=strict) else ExitCode.OK)


@click.command("rules")
def rules_command() -> None:
    """List every rule with its default severity and summary."""
    from .registry import RULES

    width = max(len(name) for name in RULES)
    for rule in RULES.values():
        click.echo(f"{rule.name:<{width}}  {rule.severity.value:<7}  {rule.summary}")


@click.command("rule")
@click.argument("name")
def rule_command(name: str) -> None:
    """Print one rule's documentation: what it does, why, an example and the fix."""
    import difflib

    from .registry import RULES

    rule = RULES.get(name)
    if rule is None:
        close = difflib.get_close_matches(name, list(RULES), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (`csdocs rules` lists them)"
        raise click.UsageError(f"unknown rule {name!r}{hint}")
    click.echo(f"{rule.name} ({rule.severity.value} by default)\n")
    click.echo(rule.doc.strip())


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the SOP format (for editors and other tools)."""
    click.echo(json.dumps(json_schema(), indent=2))
