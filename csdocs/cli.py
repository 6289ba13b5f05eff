"""The ``csdocs`` command: a thin click group.

Subcommands live beside the code they drive and are imported only when
called, so ``csdocs lint`` never pays for importing MkDocs or Graphviz.
"""

from __future__ import annotations

import importlib

import click

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


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="csdocs")
def main() -> None:
    """SOPs for customer-service teams: lint them, draw them, publish them, review changes."""


if __name__ == "__main__":  # pragma: no cover
    main()
