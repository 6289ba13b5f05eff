"""``csdocs diff``: a thin adapter over :mod:`csdocs.review`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..cli import config_option, get_config
from ..errors import CannotWrite, ExitCode, UsageError
from ..render.text import plural
from .changes import Risk
from .report import FORMATS, FORMATTERS, MermaidFn

if TYPE_CHECKING:
    from .engine import ReviewResult


@click.command("diff")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="[OLD NEW]")
@click.option("--base", metavar="REV", help="Review every SOP changed since this git revision.")
@click.option("--head", metavar="REV", help="Compare --base with this revision (default: the working tree).")
@click.option("-f", "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text, json, markdown (a pull-request comment) or github (workflow annotations).")
@click.option("--fail-on", type=click.Choice([r.value for r in Risk]), default=None,
              help="Exit 1 when a change at or above this risk exists.")
@click.option("--svg", "svg_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write a flowchart of each changed SOP's changes to DIR/<sop-id>.svg.")
@click.option("--metrics", "metrics_exports", multiple=True, type=click.Path(path_type=Path), metavar="EXPORT",
              help="Show each reviewed SOP's measured values beside its targets, from this helpdesk export "
                   "(as csdocs metrics reads it; repeat for more exports).")
@config_option
def diff_command(files: tuple[Path, ...], base: str | None, head: str | None, output_format: str,
                 fail_on: str | None, svg_dir: Path | None, metrics_exports: tuple[Path, ...],
                 config_file: Path | None) -> None:
    """Show what an SOP change means: escalations, thresholds, SLAs, steps and paths, with a risk each.

    Give two files (OLD NEW), or --base REV [--head REV] to review every SOP
    added, removed or changed between two git revisions (or the working
    tree), matched by SOP id. With --metrics EXPORT each reviewed SOP is
    shown with its measured values beside its targets (text, json and
    markdown). Exit 0, or 1 when --fail-on finds a change at or above that
    risk; 2 for a usage error or an export that cannot be read.
    """
    from .engine import review_files, review_revisions

    if base is None and head is not None:
        raise click.UsageError("--head needs --base")
    if base is not None and files:
        raise click.UsageError("give either OLD NEW or --base REV, not both")
    if base is None and len(files) != 2:
        raise click.UsageError("give two SOP files (OLD NEW), or --base REV")
    config = get_config(config_file) if base is not None or metrics_exports else None
    if base is not None:
        assert config is not None  # read above whenever --base is given
        result = review_revisions(config, base, head, start=Path.cwd())
    else:
        result = review_files(files[0], files[1])
    measured = None
    if metrics_exports:
        from ..metrics.engine import MetricsError
        from .measured import measure_review

        try:
            measured = measure_review(result.pairs, [diff.sop for diff in result.review.sops], metrics_exports,
                                      config.metrics if config is not None else None)
        except MetricsError as error:
            raise UsageError(str(error), where="--metrics") from None
        if measured.result.rows_bad:
            click.echo(f"csdocs: warning: --metrics: {plural(measured.result.rows_bad, 'malformed row')} not counted "
                       "(csdocs metrics lists them)", err=True)
    for warning in result.warnings:
        click.echo(f"csdocs: warning: {warning}", err=True)
    mermaid: MermaidFn | None = None
    if output_format == "markdown":
        from ..render.mermaid import to_mermaid
        mermaid = to_mermaid
    click.echo(FORMATTERS[output_format](result.review, sops=result.pairs, mermaid=mermaid, measured=measured,
                                         svg_dir=svg_dir), nl=False)
    if svg_dir is not None:
        _write_svgs(svg_dir, result)
    sys.exit(ExitCode.FAILED if result.review.fails(Risk(fail_on) if fail_on else None) else ExitCode.OK)


def _write_svgs(folder: Path, result: ReviewResult) -> None:
    from ..model import Sop
    from .flowdiff import to_diff_dot, write_svgs

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder", where="--svg")
    graphs = []
    for diff in result.review.sops:
        old, new = result.pairs[diff.sop]
        if diff.changes:  # an added SOP is drawn all green, a removed one all red
            empty = Sop(path="", id=diff.sop)
            graphs.append((diff.sop, to_diff_dot(old or empty, new or empty, diff)))
    try:
        written = write_svgs(folder, graphs)
    except OSError as error:
        raise CannotWrite(f"to {folder}", error) from None
    for path in written:
        click.echo(f"csdocs: wrote {path}", err=True)
