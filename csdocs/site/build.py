"""``csdocs build``: lint, build into a temporary folder, swap it in; same SOPs, same bytes.

* Lint first: an error stops the build (``force`` builds anyway), so a
  broken SOP never reaches agents by accident.
* MkDocs builds into a fresh folder beside the site; only a build that
  finished replaces the site, with one atomic ``renameat2(RENAME_EXCHANGE)``
  where Linux offers it (else two renames). A failed build leaves the last
  good site as it was.
* Reproducible: ``SOURCE_DATE_EPOCH`` (which MkDocs uses for the sitemap's
  dates and the gzip header) is set, when the caller has not set it, from the
  SOPs' newest ``last_reviewed`` date: a fact of the content, not of the clock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as _dt
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..config import Config, find_config_file, load_config, resolve
from ..errors import CsdocsError, UsageError
from ..files import new_folder_beside
from ..lint.engine import LintReport, lint_paths
from ..lint.registry import check_rule_options
from ..today import TODAY_ENV
from ..today import today as current_date
from .corpus import load_corpus

log = logging.getLogger(__name__)

SITE_MARKERS = ("index.html", "404.html", "sitemap.xml", "search/search_index.json")


class BuildError(CsdocsError):
    """The site was not built (the message says why); the old site is untouched (exit 1)."""


class LintFailed(BuildError):
    def __init__(self, report: LintReport) -> None:
        errors = sum(1 for finding in report.findings if finding.severity == "error")
        super().__init__(f"{errors} lint error{'s' if errors != 1 else ''}: the site was not built "
                         "(fix them, or build anyway with --force)")
        self.report = report


@dataclass(frozen=True, slots=True)
class Built:
    site_dir: Path
    report: LintReport


def find_mkdocs_config(config_file: Path | None) -> Path:
    if config_file is not None:
        if not config_file.is_file():
            raise UsageError(f"no such config file: {config_file}")
        return config_file.resolve()
    found = find_config_file(Path.cwd())
    if found is None:
        raise UsageError("no mkdocs.yml here or above: run `csdocs init`, or give --config")
    return found


def content_epoch(config: Config) -> int:
    """Seconds since 1970 at the newest ``last_reviewed`` date (0 when no SOP has one)."""
    dates = [sop.last_reviewed for sop in load_corpus(config).sops if sop.last_reviewed is not None]
    if not dates:
        return 0
    newest = max(dates)
    return int(_dt.datetime(newest.year, newest.month, newest.day, tzinfo=_dt.UTC).timestamp())


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the build, and put back what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def check_target(target: Path, config: Config) -> None:
    """Refuse to replace a folder that is not a built site (a typo in --site-dir must not cost files)."""
    root = config.root.resolve()
    sops_dir = resolve(config, config.sops_dir)
    resolved = target.resolve()
    if resolved == root or resolved in root.parents or (sops_dir is not None and (
            resolved == sops_dir.resolve() or resolved in sops_dir.resolve().parents)):
        raise BuildError(f"refusing to build into {target}: it holds the project's sources")
    if target.exists():
        if not target.is_dir():
            raise BuildError(f"refusing to replace {target}: it is a file, not a site folder")
        if any(target.iterdir()) and not any((target / marker).exists() for marker in SITE_MARKERS):
            raise BuildError(f"refusing to replace {target}: it is not empty and does not look like a built site")


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where not available."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0


def swap_in(new: Path, target: Path) -> None:
    """Make ``new`` the site at ``target``; the old site is removed once it is out of the way."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # ``new`` now holds the old site
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build_site(*, config_file: Path | None = None, site_dir: Path | None = None, force: bool = False,
               today: _dt.date | None = None) -> Built:
    """Lint, build, swap. Raises LintFailed, BuildError, csdocs.config.ConfigError or UsageError (no mkdocs.yml).

    ``today`` (default: :func:`csdocs.today.today`) is the date both lint
    and the plugin's review dashboard compare with.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs_config
    from mkdocs.exceptions import MkDocsException

    today = today or current_date()
    path = find_mkdocs_config(config_file)
    config = check_rule_options(load_config(path))
    sops_dir = resolve(config, config.sops_dir)
    report = lint_paths([sops_dir] if sops_dir is not None and sops_dir.is_dir() else [], config=config,
                        today=today)
    if report.has_errors() and not force:
        raise LintFailed(report)

    epoch = os.environ.get("SOURCE_DATE_EPOCH") or str(content_epoch(config))
    with environment(SOURCE_DATE_EPOCH=epoch, **{TODAY_ENV: today.isoformat()}):
        try:
            mkdocs_config = load_mkdocs_config(config_file=str(path))
        except MkDocsException as error:
            raise BuildError(f"{path}: {error}") from None
        if "csdocs" not in mkdocs_config.plugins:
            raise BuildError(f"{path} does not enable the csdocs plugin: add `- csdocs` under `plugins:` "
                             "(without it the SOP files would be published raw)")
        target = Path(site_dir) if site_dir is not None else Path(mkdocs_config.site_dir)
        if not target.is_absolute():
            target = Path.cwd() / target
        check_target(target, config)
        target.parent.mkdir(parents=True, exist_ok=True)
        building = new_folder_beside(target)
        try:
            mkdocs_config = load_mkdocs_config(config_file=str(path), site_dir=str(building))
            mkdocs_config.plugins.on_startup(command="build", dirty=False)
            try:
                build(mkdocs_config)
            finally:
                mkdocs_config.plugins.on_shutdown()
        except MkDocsException as error:
            shutil.rmtree(building, ignore_errors=True)
            raise BuildError(f"the site was not built: {error}") from None
        except Exception as error:  # a theme or plugin bug, a full disk: say so, keep the old site
            shutil.rmtree(building, ignore_errors=True)
            log.debug("build failed", exc_info=True)
            raise BuildError(f"the site was not built: {type(error).__name__}: {error}") from None
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    swap_in(building, target)
    return Built(target, report)
