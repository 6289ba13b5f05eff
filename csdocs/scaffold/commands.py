"""``csdocs new`` and ``csdocs init``: thin click adapters over the scaffold library."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from ..cli import config_option, get_config, today_option


@click.command("new")
@click.argument("sop_id", metavar="[ID]", required=False)
@click.option("-t", "--template", "template_name", metavar="NAME", default="basic", show_default=True,
              help="Starter template (`csdocs new --list` shows them).")
@click.option("-d", "--department", metavar="DEPT", help="Department the SOP belongs to; also its folder under sops/.")
@click.option("--title", help="Title (default: from the id, 'refund-request' -> 'Refund request').")
@click.option("--owner", help="Role accountable for the SOP (default: '<department> team lead').")
@click.option("--list", "list_templates", is_flag=True, help="List the templates and exit.")
@today_option("Date written as last_reviewed")
@config_option
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
    config = get_config(config_file)
    path = create_sop(config, sop_id=sop_id, template_name=template_name, department=department,
                      title=title, owner=owner, today=today)
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

    results = init_project(directory, site_name=site_name, today=today)
    for relative, created in results:
        click.echo(f"{'created' if created else 'skipped (exists)'}  {relative}")
    click.echo(f"next: cd {_show(directory)} && csdocs lint && csdocs serve")


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)
