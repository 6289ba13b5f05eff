"""``csdocs search QUERY``: the SOPs the site's search gives for a query, ranked the same way."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..cli import config_option, get_config
from ..errors import ExitCode


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--department", metavar="NAME", help="Only SOPs of this department (as written in the SOPs).")
@click.option("--channel", metavar="NAME", help="Only SOPs for this channel (phone, email, chat, ...).")
@click.option("--contact-type", metavar="TYPE", help="Only SOPs that list this contact type.")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many results to print.")
@click.option("-f", "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Rank with a built site's index (search/csdocs/ in it) instead of the SOPs on disk.")
@config_option
def search_command(query: tuple[str, ...], department: str | None, channel: str | None,
                   contact_type: str | None, limit: int, output_format: str, site_dir: Path | None,
                   config_file: Path | None) -> None:
    """Rank the project's SOPs for QUERY, exactly as the site's search box does.

    Without --site-dir the index is built from the SOPs on disk (the same
    index `csdocs build` publishes). Exit 0 with results, 1 with none, 2 for
    a usage or configuration error.
    """
    from ..project_files import display_path
    from ..site.corpus import load_corpus
    from .index import INDEX_DIR, build_index
    from .rank import Filters, IndexFiles, search_filtered

    text = " ".join(query)
    paths: dict[str, str] = {}
    if site_dir is not None:
        files = IndexFiles.from_folder(site_dir / INDEX_DIR)
        try:
            files.meta  # noqa: B018 - reading it now reports a missing or broken index as a usage error
        except (FileNotFoundError, ValueError) as error:
            raise click.UsageError(f"{site_dir}: {error}") from None
    else:
        corpus = load_corpus(get_config(config_file))
        paths = {sop.id: display_path(Path(sop.path)) for sop in corpus.sops}
        files = IndexFiles.from_mapping(build_index(corpus.sops).files())
    results = search_filtered(text, files, Filters(department, channel, contact_type))
    shown = [(rank, hit, files.record(hit.doc)) for rank, hit in enumerate(results.hits[:limit], start=1)]
    if output_format == "json":
        click.echo(json.dumps({
            "query": text, "matches": len(results.hits), "before_filters": results.total,
            "results": [{"rank": rank, "id": record["id"], "title": record["title"],
                         "department": record["department"], "url": record["url"],
                         "path": paths.get(record["id"]), "score": hit.score, "words_matched": hit.matched}
                        for rank, hit, record in shown],
        }, ensure_ascii=False, indent=2))
    else:
        for rank, _hit, record in shown:
            where = paths.get(record["id"]) or record["url"]
            click.echo(f"{rank:>2}. {record['title']}  [{record['id']} · {record['department']}]  {where}")
        total = len(results.hits)
        if not total:
            click.echo(f"no SOP matches {text!r}", err=True)
        elif total > len(shown):
            click.echo(f"({total} SOPs match; the first {len(shown)} shown, -n for more)", err=True)
    sys.exit(ExitCode.OK if results.hits else ExitCode.FAILED)
