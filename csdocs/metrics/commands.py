"""``csdocs metrics``: measure each SOP against its targets from helpdesk ticket exports."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..cli import config_option, get_config
from ..render.text import plural
from ..today import BadDate, parse_date

if TYPE_CHECKING:
    from ..config import Config


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> _dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value, source=f"--{param.name}")
    except BadDate as error:
        raise click.BadParameter(f"{error.text!r} is not a date (YYYY-MM-DD)") from None


def _moment(ctx: click.Context, param: click.Parameter, value: str | None) -> _dt.datetime | None:
    if value is None:
        return None
    try:
        return _dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date and time (YYYY-MM-DD[THH:MM])") from None


def export_options(config: Config, exports: tuple[Path, ...]) -> list[Path]:
    """The exports to read: those given, else the config's ``metrics.exports`` (relative to mkdocs.yml)."""
    from ..config import resolve

    if exports:
        return list(exports)
    if config.metrics is not None:
        return [resolve(config, path) for path in config.metrics.exports]
    return []


@click.command("metrics")
@click.argument("exports", nargs=-1, type=click.Path(path_type=Path), metavar="EXPORT...")
@click.option("--since", callback=_date, metavar="DATE", help="Count tickets created on or after this date.")
@click.option("--until", callback=_date, metavar="DATE", help="Count tickets created on or before this date.")
@click.option("--as-of", "as_of", callback=_moment, metavar="DATETIME",
              help="Count the backlog at this moment (default: the latest timestamp in the exports).")
@click.option("--source", type=click.Choice(["zendesk", "freshdesk", "generic"]), default=None,
              help="The export's shape (default: detected from the header row).")
@click.option("-f", "--format", "output_format", type=click.Choice(["text", "json", "markdown", "csv"]),
              default="text", show_default=True, help="How to print the measures.")
@config_option
def metrics_command(exports: tuple[Path, ...], since: _dt.date | None, until: _dt.date | None,
                    as_of: _dt.datetime | None, source: str | None, output_format: str,
                    config_file: Path | None) -> None:
    """Measure each SOP against its metrics targets from helpdesk ticket exports.

    EXPORT is a Zendesk or Freshdesk ticket CSV export, or a generic CSV,
    Parquet or JSON Lines file (default: the exports in mkdocs.yml's csdocs
    option metrics.exports). SOPs are listed with the largest gap first.
    Exit 0; 2 for a usage error or an export that cannot be read.
    """
    from ..site.corpus import load_corpus
    from .engine import measure, options_from_config
    from .report import FORMATTERS

    config = get_config(config_file)
    files = export_options(config, exports)
    if not files:
        raise click.UsageError("give an export (or set metrics.exports in mkdocs.yml)")
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}")
    options = options_from_config(config.metrics, source=source, since=since, until=until, as_of=as_of)
    corpus = load_corpus(config)
    result = measure(files, corpus.sops, options=options)
    click.echo(FORMATTERS[output_format](result), nl=False)
    if result.rows_bad:
        bad = plural(result.rows_bad, "malformed row")
        click.echo(f"csdocs: {bad} not counted (listed under rows.bad_rows)" if output_format == "json"
                   else f"csdocs: {bad} not counted", err=True)
