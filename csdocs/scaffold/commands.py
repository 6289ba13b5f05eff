"""``csdocs new`` and ``csdocs init``: thin click adapters over the scaffold library."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import click

from ..today import today_option
from . import ScaffoldError


@click.command("new")
@click.argument("sop_id", metavar="[ID]", required=False)
@click.option("-t", "--template", "template_name", metavar="NAME", default="basic", show_default=True,
              help="Starter template (`csdocs new --list` shows them).")
@click.option("-d", "--department", metavar="DEPT", help="Department the SOP belongs to; also its folder under sops/.")
@click.option("--title", help="Title (default: from the id, 'refund-request' -> 'Refund request').")
@click.option("--owner", help="Role accountable for the SOP (default: '<department> team lead').")
@click.option("--list", "list_templates", is_flag=True, help="List the templates and exit.")
@today_option("Date written as last_reviewed")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="mkdocs.yml to read sops_dir from (default: the nearest one upward).")
def new_command(sop_id: str | None, template_name: str, department: str | None, title: str | None,
                owner: str | None, list_templates: bool, today: _dt.date, config_file: Path | None) -> None:
    """Start a new SOP from a template: writes sops/<department>/<ID>.yaml.

    Never overwrites a file: exits 1 if the file, or an SOP with the same
    id, already exists.
    """
    from . import templates
    from .sop import create_sop

    if list_templates:
        found = templates.available()
        width = max((len(template.name) for template in found), default=0)
        for template in found:
            click.echo(f"{template.name:<{width}}  {template.description}")
        return
    if sop_id is None:
        raise click.UsageError("give the new SOP's ID, e.g. `csdocs new refund-request -d Billing`")
    if department is None:
        raise click.UsageError("give the department with --department, e.g. --department 'Customer Care'")
    from ..lint.commands import get_config

    config = get_config(config_file)
    try:
        path = create_sop(config, sop_id=sop_id, template_name=template_name, department=department,
                          title=title, owner=owner, today=today)
    except ScaffoldError as error:
        click.echo(f"csdocs new: {error}", err=True)
        sys.exit(1)
    click.echo(f"created {_show(path)}")
    click.echo(f"next: fill in the TODOs, then run `csdocs lint {_show(path)}`")


@click.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--site-name", help="The site's title (default: '<folder name> SOPs').")
@today_option("Date written as the first SOP's last_reviewed")
def init_command(directory: Path, site_name: str | None, today: _dt.date) -> None:
    """Start an SOP project in DIRECTORY (default: here).

    Writes mkdocs.yml (site and csdocs settings), sops/ with a glossary and a
    first SOP, sop.schema.json for editors, a GitHub Actions workflow that
    lints every pull request and comments the review diff, and a pre-commit
    config. Refuses if DIRECTORY already has an mkdocs.yml; any other file
    that exists is left alone and reported as skipped.
    """
    from .project import init_project

    try:
        results = init_project(directory, site_name=site_name, today=today)
    except ScaffoldError as error:
        click.echo(f"csdocs init: {error}", err=True)
        sys.exit(1)
    for relative, created in results:
        click.echo(f"{'created' if created else 'skipped (exists)'}  {relative}")
    click.echo(f"next: cd {_show(directory)} && csdocs lint && csdocs serve")


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)
