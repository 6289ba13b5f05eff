"""``csdocs serve``: MkDocs' live-reload server whose rebuilds re-render only what changed.

The loop is MkDocs' own ``serve`` (a temporary site folder, a
:class:`~mkdocs.livereload.LiveReloadServer` watching the sources), with one
difference: every build, the first included, is :func:`rebuild`, a dirty
MkDocs build driven by an :class:`~csdocs.site.incremental.Session`, so the
served site is always what a full build would write (every page, the whole
search index) while an edited SOP is republished in a fraction of the time.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import InclusionLevel

from .incremental import Session, building
from .plugin import CsdocsPlugin

log = logging.getLogger("mkdocs.plugins.csdocs.serve")

DIRTY_WARNING = "A 'dirty' build is being performed"


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build gives wrong navigation; ours does not (csdocs.site.incremental)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


@dataclass(slots=True)
class ServeSession:
    """A project served from ``site_dir``: how to load its config, and the incremental state."""

    config_file: Path
    site_dir: Path
    serve_url: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    incremental: Session = field(init=False)

    def __post_init__(self) -> None:
        self.incremental = Session(self.site_dir)

    def load(self) -> MkDocsConfig:
        config = load_config(config_file=str(self.config_file), site_dir=str(self.site_dir), **self.options)
        if self.serve_url is not None:
            config.site_url = self.serve_url
        return config


def rebuild(session: ServeSession, config: MkDocsConfig | None = None) -> tuple[str, ...]:
    """Build the site into the session's folder; returns the src_uris of the pages rendered.

    The first build (and any after a change of mkdocs.yml, the navigation,
    the list of files, a hand-written page or a failed build) renders every
    page; later ones only the pages whose content changed.
    """
    log.info("Building documentation...")
    if config is None:
        config = session.load()
    quiet = _DropDirtyWarning()
    build_log = logging.getLogger("mkdocs.commands.build")
    build_log.addFilter(quiet)
    # Without the csdocs plugin nobody decides what to keep: a plain full build.
    dirty = "csdocs" in config.plugins
    session.incremental.inclusion = InclusionLevel.is_in_serve if session.serve_url else InclusionLevel.is_included
    plugin = config.plugins.get("csdocs")
    if isinstance(plugin, CsdocsPlugin):  # each build's plugin is new (MkDocs loads the config afresh)
        plugin.session = session.incremental
    try:
        with building(session.incremental) as state:
            build(config, serve_url=session.serve_url, dirty=dirty)
            if not dirty:
                state.forget()
            return tuple(state.rendered)
    finally:
        build_log.removeFilter(quiet)


def serve_site(config_file: Path, *, dev_addr: str | None = None, open_in_browser: bool = False) -> None:
    """Serve the site with live reload until interrupted (MkDocs' serve loop, our builds)."""
    from mkdocs.livereload import LiveReloadServer

    site_dir = Path(tempfile.mkdtemp(prefix="csdocs-serve-"))
    session = ServeSession(config_file, site_dir, options={"dev_addr": dev_addr} if dev_addr else {})
    config = session.load()
    config.plugins.on_startup(command="serve", dirty=False)  # the search plugin must not merge by itself
    try:
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        mount = ("/" + mount_path.lstrip("/")).rstrip("/") + "/"
        session.serve_url = config.site_url = f"http://{host}:{port}{mount}"

        def builder() -> None:
            rebuild(session)

        server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir),
                                  mount_path=mount_path)

        def error_page(code: int) -> bytes | None:
            page = site_dir / f"{code}.html"
            return page.read_bytes() if code in (404, 500) and page.is_file() else None

        server.error_handler = error_page
        rebuild(session, config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve(open_in_browser=open_in_browser)
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
