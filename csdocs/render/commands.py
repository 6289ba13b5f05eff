"""``csdocs render flowchart|script SOP`` and ``csdocs paths SOP``: thin adapters over the renderers.

Exit status: 0 on success; 1 when the SOP cannot be read as an SOP (its
problems are printed, located), ``dot`` fails on it or the output cannot be
written; 2 for a usage or configuration error, or when Graphviz is not installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..cli import config_option, get_config
from ..config import DEFAULT_CACHE_DIR, Config, resolve
from ..errors import CannotWrite, CsdocsError
from ..files import replace_atomically
from ..model import Sop
from .text import plural

if TYPE_CHECKING:  # the renderers load when a command runs, not when the CLI starts
    from .flowchart import Lanes


def load_sop(path: Path) -> Sop:
    """The model of ``path``; raises CsdocsError (exit 1) with its problems, each at its line and column."""
    from ..loader import load_file

    if not path.is_file():
        raise click.BadParameter(f"no such file: {path}", param_hint="SOP")
    loaded = load_file(path)
    if loaded.sop is None:
        raise CsdocsError("cannot be read as an SOP; nothing drawn", where=str(path), details=(
            f"{path}:{problem.span.line}:{problem.span.column}: error {problem.rule} {problem.message}"
            for problem in loaded.problems))
    if loaded.problems:  # drawn from what could be read; say so rather than pass it off as whole
        count = len(loaded.problems)
        click.echo(f"csdocs: warning: {path} has {plural(count, 'problem')} "
                   f"(`csdocs lint {path}` lists them); this is drawn from what could be read", err=True)
    return loaded.sop


def write_output(data: str | bytes, output: Path | None, source: Path) -> None:
    """To stdout, or atomically to ``output``; never over the SOP it came from."""
    if output is None or str(output) == "-":
        if isinstance(data, bytes):
            raise click.UsageError("binary output needs -o FILE")
        click.echo(data, nl=False)
        return
    if output.exists() and output.resolve() == source.resolve():
        raise click.UsageError(f"-o {output} is the input SOP; choose another file")
    if output.is_dir():
        raise click.UsageError(f"-o {output} is a folder; give a file name")
    try:
        replace_atomically(output, data)
    except OSError as error:
        raise CannotWrite(output, error) from None


def cache_dir_for(config: Config, option: Path | None, no_cache: bool) -> Path | None:
    """--cache-dir, else the project's ``cache_dir`` option, else .csdocs-cache/ beside mkdocs.yml."""
    if no_cache:
        return None
    if option is not None:
        return option
    return resolve(config, config.cache_dir)


output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                             help="Write here instead of stdout (written atomically; never the input).")


@click.group("render")
def render_command() -> None:
    """Draw an SOP: a flowchart (SVG, PNG, DOT, Mermaid) or the agent script."""


@render_command.command("flowchart")
@click.argument("sop", type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["svg", "dot", "mermaid", "png"]), default="svg",
              show_default=True, help="svg and png run Graphviz's dot; dot and mermaid are text.")
@output_option
@click.option("--lanes", type=click.Choice(["stage", "actor"]), help="Group steps in swimlanes.")
@click.option("--url-pattern", metavar="PATTERN",
              help="Link of a goto node, e.g. '../{sop}/#step-{step}' (http(s) or relative only; "
                   "default: the flowchart_url option, else no link).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help=f"Render cache (default: the cache_dir option, else {DEFAULT_CACHE_DIR}/ beside mkdocs.yml).")
@click.option("--no-cache", is_flag=True, help="Always run dot; read and write no cache.")
@config_option
def flowchart_command(sop: Path, fmt: str, output: Path | None, lanes: Lanes | None, url_pattern: str | None,
                      cache_dir: Path | None, no_cache: bool, config_file: Path | None) -> None:
    """Draw SOP (a file) as a flowchart.

    Exit 1 when SOP cannot be read as an SOP (its problems are printed) or
    dot fails; 2 when Graphviz is not installed.
    """
    from .dot import DotFailed, render_many, to_dot
    from .flowchart import url_from_pattern
    from .mermaid import to_mermaid

    if fmt == "png" and output is None:
        raise click.UsageError("-f png needs -o FILE (a PNG is not for the terminal)")
    config = get_config(config_file)
    model = load_sop(sop)
    if fmt == "mermaid":
        write_output(to_mermaid(model, lanes=lanes, config=config), output, sop)
        return
    url_pattern = url_pattern or config.flowchart_url
    text = to_dot(model, lanes=lanes, config=config,
                  sop_url=url_from_pattern(url_pattern) if url_pattern else None)
    if fmt == "dot":
        write_output(text, output, sop)
        return
    try:
        rendered = render_many([text], fmt=fmt, cache_dir=cache_dir_for(config, cache_dir, no_cache), jobs=1)[0]
    except DotFailed as error:  # DotNotFound (exit 2) needs no place: it is the machine's, not the SOP's
        raise CsdocsError(str(error), where=str(sop)) from None
    write_output(rendered, output, sop)


@render_command.command("script")
@click.argument("sop", type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["md", "txt", "html"]), default="md",
              show_default=True, help="txt is plain enough to paste into a helpdesk macro.")
@output_option
@config_option
def script_command(sop: Path, fmt: str, output: Path | None, config_file: Path | None) -> None:
    """Print SOP's agent script: when to use it, what to say, ask and do, escalations, handoff."""
    from .script import render_script

    config = get_config(config_file)
    write_output(render_script(load_sop(sop), fmt, config), output, sop)


@click.command("paths")
@click.argument("sop", type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Stop after this many paths (a note says so).")
@output_option
def paths_command(sop: Path, fmt: str, limit: int, output: Path | None) -> None:
    """List every resolution path through SOP: the steps, the answers taken and how it ends.

    Each loop is gone round at most once (a step appears at most twice on one path).
    """
    from .paths import paths_to_json, paths_to_text

    model = load_sop(sop)
    printer = paths_to_json if fmt == "json" else paths_to_text
    write_output(printer(model, limit=limit), output, sop)
