"""``csdocs export macros --to zendesk|freshdesk|helpscout [-o DIR]``: a thin adapter over
:mod:`csdocs.export.macros`.

Reads every SOP of the project (``sops_dir`` of mkdocs.yml, as the site does).
Without ``-o`` it prints one JSON document: ``{"target": T, "macros": [{"external_id",
"payload"}]}``. With ``-o DIR`` it writes each payload to ``DIR/<external id>.json``
(the body of the product's create call) and a manifest, ``DIR/csdocs-macros.json``
(``{"target", "macros": [{"external_id", "file"}]}``).

Overwriting: ``-o DIR`` replaces and removes only files the manifest already in
DIR lists (csdocs' own earlier export); if a file it would write is there and
the manifest does not list it, nothing is written and the exit status is 2.

Exit status: 0 on success; 1 when an SOP file cannot be read as an SOP or an id
cannot name a macro (each problem printed at its line), or a file cannot be
written; 2 for a usage or configuration error, or a file in the way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..cli import config_option, get_config
from ..errors import CannotWrite, CsdocsError, UsageError

MANIFEST = "csdocs-macros.json"


@click.group("export")
def export_command() -> None:
    """Export SOP content to other tools (helpdesk macros)."""


@export_command.command("macros")
@click.option("--to", "target", required=True, type=click.Choice(["zendesk", "freshdesk", "helpscout"]),
              help="The helpdesk whose import format to write.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Write one JSON file per macro and a manifest here (default: one document to stdout).")
@click.option("--folder-id", type=click.IntRange(min=1),
              help="Freshdesk only: the canned-response folder to create them in (its API requires one).")
@config_option
def macros_command(target: str, output: Path | None, folder_id: int | None, config_file: Path | None) -> None:
    """Each SOP's agent script as helpdesk macros: greeting, questions, each step's say line,
    closing, and a handoff-note macro per escalation. See docs/integrations.md."""
    from ..site.corpus import load_corpus
    from .macros import TARGETS, export

    if target == "freshdesk" and folder_id is None:
        raise click.UsageError("--to freshdesk needs --folder-id N: Freshdesk creates a canned response in a "
                               "folder (Admin > Canned Responses, or GET /api/v2/canned_response_folders)")
    if target != "freshdesk" and folder_id is not None:
        raise click.UsageError(f"--folder-id is for Freshdesk; {TARGETS[target].product} has no such field")
    config = get_config(config_file)
    corpus = load_corpus(config)
    if corpus.broken:
        raise CsdocsError(f"{len(corpus.broken)} SOP file(s) cannot be read; nothing exported", details=(
            f"{loaded.path}:{problem.span.line}:{problem.span.column}: error {problem.rule} {problem.message}"
            for loaded in corpus.broken for problem in loaded.problems))
    for duplicate in corpus.duplicates:
        click.echo(f"csdocs: warning: {duplicate.path}: SOP id {duplicate.id!r} is used by an earlier file; "
                   "left out", err=True)
    exported = export(corpus.sops, target, config=config, options={"folder_id": folder_id})
    if output is None or str(output) == "-":
        document = {"target": target, "macros": [{"external_id": ident, "payload": payload}
                                                 for ident, payload in exported]}
        click.echo(_json(document), nl=False)
        return
    _write_folder(output, target, exported)


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _write_folder(folder: Path, target: str, exported: list[tuple[str, dict[str, Any]]]) -> None:
    from ..files import replace_atomically

    if folder.exists() and not folder.is_dir():
        raise click.UsageError(f"-o {folder} is a file; give a folder")
    ours = _previous_files(folder)
    files = {f"{ident}.json": payload for ident, payload in exported}
    in_the_way = sorted(name for name in files if (folder / name).exists() and name not in ours)
    if (folder / MANIFEST).exists() and MANIFEST not in ours:
        in_the_way.insert(0, MANIFEST)
    if in_the_way:
        raise UsageError(f"{folder / in_the_way[0]} is not from an earlier `csdocs export macros` (not in "
                         f"{folder / MANIFEST}); move it or choose another folder. Nothing written")
    try:
        for name, payload in files.items():
            replace_atomically(folder / name, _json(payload))
        for stale in sorted(ours - set(files) - {MANIFEST}):
            (folder / stale).unlink(missing_ok=True)
        manifest = {"target": target, "macros": [{"external_id": ident, "file": f"{ident}.json"}
                                                 for ident, _ in exported]}
        replace_atomically(folder / MANIFEST, _json(manifest))
    except OSError as error:
        raise CannotWrite(f"in {folder}", error) from None
    click.echo(f"csdocs: wrote {len(files)} {target} macro(s) to {folder}", err=True)


def _previous_files(folder: Path) -> set[str]:
    """The files the manifest in ``folder`` lists (itself included), or nothing when there is none
    or it is not a csdocs manifest."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        names = {entry["file"] for entry in manifest["macros"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    if not all(isinstance(name, str) and "/" not in name and "\\" not in name and name.endswith(".json")
               for name in names):
        return set()
    return names | {MANIFEST}
