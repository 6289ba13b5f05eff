"""``csdocs notify reviews`` and ``csdocs notify diff``: thin click adapters over :mod:`csdocs.notify`."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import click

from ..cli import config_option, get_config, today_option
from .formats import FORMATS

WEBHOOK_ENV = "CSDOCS_WEBHOOK_URL"


def _delivery_options(function):
    options = [
        click.option("-f", "--format", "output_format", type=click.Choice(FORMATS), default="slack",
                     show_default=True, help="slack (Block Kit), teams (Adaptive Card) or json (the message)."),
        click.option("--webhook", metavar="URL", envvar=WEBHOOK_ENV, show_envvar=True,
                     help="POST the payload to this incoming-webhook URL instead of printing it "
                          "(prefer the environment variable: the URL is a secret)."),
        click.option("--always", is_flag=True, help="Send even when there is nothing to report."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
                     metavar="SECONDS", help="Give up on one try after this long."),
        click.option("--retries", type=click.IntRange(min=0, max=10), default=3, show_default=True,
                     help="Tries after the first, on 429, 5xx or no answer (waits 1, 2, 4... s or Retry-After)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group("notify")
def notify_command() -> None:
    """Tell a Slack or Teams channel what needs attention: reviews due, risky SOP changes.

    Each subcommand prints the payload, or POSTs it to --webhook (or
    $CSDOCS_WEBHOOK_URL). Nothing is sent when there is nothing to report,
    unless --always. Exit 0; 1 when the webhook refuses the message or does
    not answer; 2 for a usage or configuration error.
    """


@notify_command.command("reviews")
@click.option("--site-url", metavar="URL", help="The published site's address, to link each SOP and the dashboard.")
@click.option("--soon", type=click.IntRange(min=0), default=30, show_default=True, metavar="DAYS",
              help="Also list reviews due within this many days.")
@today_option("The date reviews are compared with")
@config_option
@_delivery_options
def reviews_command(site_url: str | None, soon: int, today: _dt.date, config_file: Path | None,
                    output_format: str, webhook: str | None, always: bool, timeout: float, retries: int) -> None:
    """SOP reviews overdue, due soon or never done, grouped by owner (as the review dashboard)."""
    from ..site.corpus import load_corpus
    from ..site.pages import page_url, plan_layout
    from .messages import reviews_message

    config = get_config(config_file)
    corpus = load_corpus(config)
    for loaded in corpus.broken:
        problem = loaded.problems[0]
        click.echo(f"csdocs: warning: {loaded.path}:{problem.span.line}:{problem.span.column}: left out: "
                   f"{problem.message}", err=True)
    layout = plan_layout(corpus, use_directory_urls=True)
    urls = {sop_id: page_url(src, True) for sop_id, src in layout.sop_pages.items()}
    message = reviews_message(corpus.sops, today=today, page_urls=urls, site_url=site_url, soon=soon)
    _deliver(message, output_format, webhook, always=always, timeout=timeout, retries=retries)


@notify_command.command("diff")
@click.option("--base", metavar="REV", required=True, help="Review every SOP changed since this git revision.")
@click.option("--head", metavar="REV", help="Compare --base with this revision (default: the working tree).")
@click.option("--min-risk", type=click.Choice(["high", "medium", "low"]), default="high", show_default=True,
              help="Report changes at or above this risk.")
@click.option("--link", metavar="URL", help="The pull request's address, linked from the message.")
@config_option
@_delivery_options
def diff_command(base: str, head: str | None, min_risk: str, link: str | None, config_file: Path | None,
                 output_format: str, webhook: str | None, always: bool, timeout: float, retries: int) -> None:
    """The high-risk changes of a pull request's SOPs (csdocs diff --base), by SOP."""
    from ..review.changes import Risk
    from ..review.engine import review_revisions
    from .messages import changes_message

    config = get_config(config_file)
    result = review_revisions(config, base, head, start=Path.cwd())
    for warning in result.warnings:
        click.echo(f"csdocs: warning: {warning}", err=True)
    titles = {sop_id: sop.title for sop_id, (old, new) in result.pairs.items() if (sop := new or old) is not None}
    message = changes_message(result.review, titles=titles, min_risk=Risk(min_risk), link=link)
    _deliver(message, output_format, webhook, always=always, timeout=timeout, retries=retries)


def _deliver(message, output_format: str, webhook: str | None, *, always: bool, timeout: float,
             retries: int) -> None:
    from .formats import FORMATTERS
    from .webhook import check_url, post_json, redact

    payload = FORMATTERS[output_format](message)
    if not webhook:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    problem = check_url(webhook)
    if problem:
        raise click.BadParameter(problem, param_hint="'--webhook'")
    if message.empty and not always:
        click.echo(f"csdocs notify: nothing to send ({message.summary})", err=True)
        return
    sent = post_json(webhook, payload, timeout=timeout, retries=retries)
    click.echo(f"csdocs notify: sent to {redact(webhook)} ({sent.status}, "
               f"{sent.tries} tr{'y' if sent.tries == 1 else 'ies'})", err=True)
