"""``csdocs init``: a new SOP project that lints, builds and checks pull requests at once.

What it writes (paths relative to the project folder):

* ``mkdocs.yml``: the site (Material theme, no web fonts) and the csdocs options;
* ``sops/glossary.yaml`` and a first SOP, ``sops/customer-care/first-contact.yaml``;
* ``sop.schema.json``: the SOP format's JSON Schema, for editors;
* ``.github/workflows/sops.yml``: lint and review diff on pull requests that touch
  the SOPs, reviews due posted to chat every week, code scanning as an option;
* ``.pre-commit-config.yaml`` (the ``csdocs-lint`` hook) and ``.gitignore``.

The workflow and the pre-commit hook install the very csdocs version that ran
``init`` (:func:`csdocs_version`), so CI, a commit hook and the author's own
machine lint alike.

An existing ``mkdocs.yml`` means the folder already holds a project (maybe a
documentation site of another kind): init refuses rather than guess how to
merge. Any other file that exists is left as it is and reported as skipped.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from ..config import CONFIG_NAMES, Config
from ..errors import CannotWrite
from ..files import write_new
from ..loader import json_schema
from . import ScaffoldError
from .sop import SCHEMA_FILE, make_folder, schema_reference
from .templates import check_text, environment, find, render

FIRST_SOP = Path("sops/customer-care/first-contact.yaml")
GITIGNORE = "# the built site (csdocs build) and the flowchart cache\n/site/\n.csdocs-cache/\n"


def schema_text() -> str:
    """Exactly what ``csdocs schema`` prints."""
    return json.dumps(json_schema(), indent=2) + "\n"


VERSION_MARK = "@CSDOCS_VERSION@"


def csdocs_version() -> str:
    """The installed csdocs' version (``"0.1.0"``): what the workflow and the pre-commit hook pin."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("csdocs")
    except PackageNotFoundError:
        raise ScaffoldError("csdocs is not installed (no package metadata), so init cannot tell which "
                            "version to pin: install it with pip first") from None


def _project_file(name: str) -> str:
    return resources.files("csdocs.scaffold").joinpath("project", name).read_text(encoding="utf-8")


def _pinned(name: str) -> str:
    """A project file with the csdocs version written in (the files hold ``@CSDOCS_VERSION@``)."""
    return _project_file(name).replace(VERSION_MARK, csdocs_version())


def planned_files(folder: Path, *, site_name: str, today: _dt.date) -> list[tuple[Path, Callable[[], str]]]:
    """(relative path, text maker) for every file init writes, in the order it writes them."""
    config = Config(root=folder)
    first_sop = folder / FIRST_SOP
    return [
        (Path("mkdocs.yml"), lambda: environment().from_string(_project_file("mkdocs.yml.j2"))
         .render(site_name=site_name)),
        (Path(SCHEMA_FILE), schema_text),
        (Path("sops/glossary.yaml"), lambda: _project_file("glossary.yaml")),
        (FIRST_SOP, lambda: render(find("basic"), sop_id="first-contact", title="First contact handling",
                                   department="Customer Care", owner="Customer service manager", today=today,
                                   schema_path=schema_reference(first_sop, config))),
        (Path(".github/workflows/sops.yml"), lambda: _pinned("sops.yml")),
        (Path(".pre-commit-config.yaml"), lambda: _pinned("pre-commit-config.yaml")),
        (Path(".gitignore"), lambda: GITIGNORE),
    ]


def init_project(folder: Path, *, site_name: str | None, today: _dt.date) -> list[tuple[str, bool]]:
    """Write the project's files; return (relative path, created?) for each, in order."""
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file, not a folder")
    for name in CONFIG_NAMES:
        if (folder / name).exists():
            raise ScaffoldError(f"{folder / name} already exists, so this folder already holds a site; nothing "
                                "was written. Add the csdocs plugin to it by hand (see docs/sop-format.md)")
    name = check_text("the site name", site_name) if site_name is not None else _default_name(folder)
    plan = planned_files(folder, site_name=name, today=today)
    _check_folders(folder, [relative for relative, _ in plan])  # refuse before writing anything
    results = []
    for relative, make in plan:
        target = folder / relative
        if target.exists() or target.is_symlink():
            results.append((relative.as_posix(), False))
            continue
        make_folder(target.parent)
        try:
            write_new(target, make())
        except FileExistsError:  # created by someone else since we looked: still theirs
            results.append((relative.as_posix(), False))
            continue
        except OSError as error:
            raise CannotWrite(target, error) from None
        results.append((relative.as_posix(), True))
    return results


def _check_folders(folder: Path, files: list[Path]) -> None:
    for relative in files:
        for parent in reversed(relative.parents[:-1]):  # "sops", then "sops/customer-care"
            path = folder / parent
            if path.exists() and not path.is_dir():
                raise ScaffoldError(f"{path} is a file, not a folder; nothing was written")


def _default_name(folder: Path) -> str:
    words = folder.resolve().name.replace("-", " ").replace("_", " ").strip()
    return f"{words[:1].upper()}{words[1:]} SOPs" if words else "Customer service SOPs"
