"""``csdocs new``: one SOP file from a template, in the right folder, never over another."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from ..config import Config, resolve
from ..errors import CannotWrite
from ..files import write_new
from ..model import slugify
from ..project_files import display_path, sop_files
from . import ScaffoldError
from .templates import check_id, check_text, find, render, title_from_id

SCHEMA_FILE = "sop.schema.json"


def sop_path(config: Config, *, sop_id: str, department: str) -> Path:
    """``<sops_dir>/<department folder>/<id>.yaml`` in the project (:func:`department_folder`)."""
    sops_dir = resolve(config, config.sops_dir) or config.root / "sops"
    return department_folder(sops_dir, department, _departments(config)) / f"{sop_id}.yaml"


def department_folder(sops_dir: Path, department: str, existing: dict[str, Path]) -> Path:
    """Where a department's SOPs go: the folder of its SOPs already written (``existing``:
    department as written, spaces collapsed -> folder of its first SOP), else the department's slug
    (:func:`csdocs.model.slugify`, ``general`` when nothing is left), numbered when another
    department already has that folder (``Billing/Payments`` beside ``Billing Payments``)."""
    key = " ".join(department.split())
    if key in existing:
        return existing[key]
    taken = {folder for name, folder in existing.items() if name != key}
    base = slugify(department) or "general"
    folder, number = sops_dir / base, 1
    while folder in taken:
        number += 1
        folder = sops_dir / f"{base}-{number}"
    return folder


def _departments(config: Config) -> dict[str, Path]:
    """Each department of the project's SOPs (spaces collapsed) -> the folder of its first SOP file."""
    from ..loader import load_file

    found: dict[str, Path] = {}
    for path in sop_files(config):
        sop = load_file(path).sop
        if sop is not None and sop.department_key:
            found.setdefault(sop.department_key, path.parent)
    return found


def schema_reference(sop_file: Path, config: Config) -> str:
    """The project's ``sop.schema.json`` relative to the SOP, for the editor's language server."""
    return Path(os.path.relpath(config.root / SCHEMA_FILE, sop_file.parent)).as_posix()


def existing_with_id(config: Config, sop_id: str) -> Path | None:
    """An SOP file already in the project whose id (or file name) is ``sop_id``."""
    from ..loader import load_file

    for path in sop_files(config):
        if path.stem == sop_id:
            return path
        loaded = load_file(path)
        if loaded.sop is not None and loaded.sop.id == sop_id:
            return path
    return None


def make_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents), or say plainly why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ScaffoldError(f"{display_path(folder)} (or a folder above it) is a file, not a folder") from None
    except OSError as error:
        raise ScaffoldError(f"cannot create the folder {display_path(folder)}: {error.strerror}") from None


def create_sop(config: Config, *, sop_id: str, template_name: str, department: str, title: str | None,
               owner: str | None, today: _dt.date) -> Path:
    """Render the template and write it; return the new file's path."""
    check_id(sop_id)
    department = check_text("the department", department)
    template = find(template_name)
    target = sop_path(config, sop_id=sop_id, department=department)
    if target.exists():
        raise ScaffoldError(f"{display_path(target)} already exists; nothing was written "
                            "(pick another id, or edit that file)")
    clash = existing_with_id(config, sop_id)
    if clash is not None:
        raise ScaffoldError(f"an SOP with id {sop_id!r} already exists: {display_path(clash)}; "
                            "nothing was written (SOP ids are unique in a project)")
    text = render(template, sop_id=sop_id, title=title if title is not None else title_from_id(sop_id),
                  department=department, owner=owner, today=today,
                  schema_path=schema_reference(target, config))
    make_folder(target.parent)
    try:
        write_new(target, text)
    except FileExistsError:
        raise ScaffoldError(f"{display_path(target)} appeared while writing; nothing was overwritten") from None
    except OSError as error:
        raise CannotWrite(display_path(target), error) from None
    return target
