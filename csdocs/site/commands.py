"""``csdocs build`` and ``csdocs serve``: thin wrappers around MkDocs with the csdocs plugin."""

from __future__ import annotations

import datetime as _dt
import logging
import signal
import sys
from pathlib import Path

import click

from ..cli import config_option, today_option


def _log_to_stderr(*, quiet: bool) -> None:
    """MkDocs and the plugin log through ``mkdocs.*``: show them on stderr (progress included)."""
    logger = logging.getLogger("mkdocs")
    ours = [handler for handler in logger.handlers
            if getattr(handler, "_csdocs", False) and isinstance(handler, logging.StreamHandler)]
    if ours:
        ours[0].setStream(sys.stderr)  # the current stderr (tests swap it)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._csdocs = True  # type: ignore[attr-defined]  # our mark, so the next command finds it
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


@click.command("build")
@click.option("--force", is_flag=True, help="Build even when lint finds errors.")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: site_dir in mkdocs.yml).")
@today_option("The date lint and the review dashboard compare with")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
@config_option
def build_command(force: bool, site_dir: Path | None, today: _dt.date, quiet: bool,
                  config_file: Path | None) -> None:
    """Lint the SOPs, then build the site; the old site is replaced only if the build succeeds.

    Exit 0 when built, 1 when lint found errors (nothing built; --force to
    build anyway) or the build failed, 2 for a configuration error.
    """
    import os

    from ..lint.report import FORMATTERS
    from .build import LintFailed, build_site

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    _log_to_stderr(quiet=quiet)
    try:
        built = build_site(config_file=config_file, site_dir=site_dir, force=force, today=today)
    except LintFailed as failed:  # the findings are the output; the error says what they stopped
        click.echo(FORMATTERS["text"](failed.report), nl=False)
        raise
    from ..lint.engine import LintReport
    from ..search.checks import RULE as SEARCH_CHECK

    broken_promises = tuple(finding for finding in built.report.findings if finding.rule == SEARCH_CHECK)
    if broken_promises:  # what agents will not find: said in full, each at its line
        click.echo(FORMATTERS["text"](LintReport(len(broken_promises), broken_promises)), nl=False, err=True)
    counts: dict[str, int] = {}
    for finding in built.report.findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    if counts:  # the build went on: a summary, not a wall of text (`csdocs lint` lists them)
        summary = ", ".join(f"{number} {severity}{'s' if number != 1 else ''}"
                            for severity, number in sorted(counts.items()))
        click.echo(f"csdocs: lint found {summary}; `csdocs lint` lists them", err=True)
    click.echo(f"csdocs: site built in {built.site_dir}", err=True)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@click.command("serve")
@click.option("-a", "--dev-addr", metavar="IP:PORT", help="Address to serve on (default 127.0.0.1:8000).")
@click.option("--open", "open_in_browser", is_flag=True, help="Open the site in a browser.")
@today_option("The date the review dashboard compares with")
@config_option
def serve_command(dev_addr: str | None, open_in_browser: bool, today: _dt.date, config_file: Path | None) -> None:
    """Preview the site, rebuilding it when an SOP or the glossary changes.

    A rebuild renders again only the pages whose content changed (an edited
    SOP, and the pages that list it when they change); the served site is
    still what a full build writes, the search index included. A change to
    mkdocs.yml, the navigation or a hand-written page rebuilds everything.
    """
    import os

    from mkdocs.exceptions import MkDocsException

    from ..errors import CsdocsError
    from ..today import TODAY_ENV
    from .build import find_mkdocs_config
    from .serve import serve_site

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ[TODAY_ENV] = today.isoformat()  # every rebuild's review dashboard counts from the same day
    _log_to_stderr(quiet=False)
    path = find_mkdocs_config(config_file)
    signal.signal(signal.SIGTERM, _stop)  # a plain `kill` ends the server cleanly too (its folder removed)
    try:
        serve_site(path, dev_addr=dev_addr, open_in_browser=open_in_browser)
    except MkDocsException as error:
        raise CsdocsError(str(error)) from None
    except OSError as error:  # the address is taken, or not ours to listen on
        raise CsdocsError(f"cannot serve on {dev_addr or '127.0.0.1:8000'}: {error.strerror or error}") from None
