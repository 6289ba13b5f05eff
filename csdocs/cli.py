"""The ``csdocs`` command: a thin click group.

Subcommands live beside the code they drive and are imported only when
called, so ``csdocs lint`` never pays for importing MkDocs or Graphviz.
This module is the one place where an error becomes output and an exit
status (:class:`LazyGroup.invoke`; the codes are :class:`csdocs.errors.ExitCode`),
and it holds the options several commands share (``--config``, ``--today``).
"""

from __future__ import annotations

import datetime as _dt
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .errors import CsdocsError
from .today import TODAY_ENV, BadDate, today

if TYPE_CHECKING:
    from .config import Config

F = TypeVar("F", bound=Callable[..., Any])

# command name -> module that defines a click command of that name
COMMANDS = {
    "lint": "csdocs.lint.commands",
    "rules": "csdocs.lint.commands",
    "rule": "csdocs.lint.commands",
    "schema": "csdocs.lint.commands",
    "new": "csdocs.scaffold.commands",
    "init": "csdocs.scaffold.commands",
    "render": "csdocs.render.commands",
    "paths": "csdocs.render.commands",
    "build": "csdocs.site.commands",
    "serve": "csdocs.site.commands",
    "diff": "csdocs.review.commands",
    "search": "csdocs.search.commands",
    "export": "csdocs.export.commands",
    "notify": "csdocs.notify.commands",
    "metrics": "csdocs.metrics.commands",
}


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; a :class:`CsdocsError` is printed (never a traceback) and sets the exit status."""
        try:
            return super().invoke(ctx)
        except CsdocsError as error:
            report(error)
            ctx.exit(error.exit_code)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        module_name = COMMANDS.get(name)
        if module_name is None:
            return None
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                return None  # that part of csdocs is not installed
            raise
        command = getattr(module, name.replace("-", "_") + "_command", None)
        return command if isinstance(command, click.Command) else None


def report(error: CsdocsError) -> None:
    """On stderr: the error's located details as given, then ``csdocs: <where>: <message>``."""
    for line in error.details:
        click.echo(line, err=True)
    if error.message:
        click.echo(f"csdocs: {error}", err=True)


# ------------------------------------------------------------------ shared options


def config_option(function: F) -> F:
    """``--config``: the mkdocs.yml to read the csdocs options from (the command receives ``config_file``)."""
    return click.option(
        "--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
        help="mkdocs.yml to read the csdocs options from (default: the nearest one upward).",
    )(function)


def get_config(config_file: Path | None) -> Config:
    """The project config (``--config``, else the nearest mkdocs.yml); a bad one raises ConfigError (exit 2)."""
    from .config import load_config
    from .lint.registry import check_rule_options

    if config_file is not None and not config_file.is_file():
        raise click.UsageError(f"no such config file: {config_file}")
    return check_rule_options(load_config(config_file))


def _to_date(ctx: click.Context, param: click.Parameter, value: str | None) -> _dt.date:
    try:
        return today(value)
    except BadDate as error:
        raise click.BadParameter(f"{error.text!r} is not a date (YYYY-MM-DD)", param_hint=error.source) from None


def today_option(help_text: str) -> Callable[[F], F]:
    """The ``--today`` option every date-aware command shares; the command receives a ``date``."""
    return click.option("--today", metavar="YYYY-MM-DD", callback=_to_date,
                        help=f"{help_text} (default: ${TODAY_ENV}, else the machine's date).")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="csdocs")
def main() -> None:
    """SOPs for customer-service teams: lint them, draw them, publish them, review changes."""


if __name__ == "__main__":  # pragma: no cover
    main()
