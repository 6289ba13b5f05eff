"""The ``csdocs`` MkDocs plugin: thin, like mkdocs-material's tags plugin.

Each hook hands over to the library and does one thing:

* ``on_config``: the options (declared once, :data:`csdocs.config.OPTIONS`)
  -> :class:`csdocs.config.Config`; the plugin's CSS and JavaScript are added;
  theme fonts are turned off (the site is offline).
* ``on_files``: the SOPs are loaded (:mod:`csdocs.site.corpus`), their YAML
  files taken out of the site (never published raw), and every generated page
  (:func:`csdocs.site.generate.generate_site`) added with ``File.generated``;
  hand-written Markdown stays as written. Without a ``nav`` in mkdocs.yml the
  navigation lists departments (:func:`csdocs.site.generate.navigation`).
* ``on_page_content`` / ``on_post_page``: each generated page's slots are
  filled with the HTML rendered by :mod:`csdocs.site.pages`; flowcharts last.
* ``on_post_build``: csdocs' search index and API, from every published SOP.

``csdocs serve`` hands the plugin its :class:`csdocs.site.incremental.Session`
(:attr:`CsdocsPlugin.session`): pages whose content did not change keep the
HTML of the last build, and the search index stays whole.
"""

from __future__ import annotations

import logging
import os
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage
from mkdocs.utils import clean_directory, get_build_date

from ..config import OPTIONS, Config, ConfigError, config_from_options, resolve
from ..errors import CsdocsError
from ..files import new_folder_beside
from ..render.text import plural
from ..today import BadDate
from ..today import today as current_date
from . import generate, incremental
from .build import swap_in
from .corpus import Corpus, load_corpus
from .generate import GeneratedSite, generate_site, navigation, source_files
from .pages import fill_late, fill_slots

log = get_plugin_logger(__name__)

ASSETS = ("csdocs.css", "csdocs.js", "csdocs-search.js")
ASSET_DIR = "assets/csdocs"

# MkDocs' typed options, made from the one declaration (csdocs.config.OPTIONS): MkDocs checks each
# value's kind, csdocs.config.config_from_options the rest, for the CLI and the site alike.
CsdocsPluginConfig: type[base.Config] = type("CsdocsPluginConfig", (base.Config,), {
    name: c.Optional(c.Type(kind)) for name, kind in OPTIONS.items()})


def csdocs_config(options: dict[str, Any], mkdocs_config: MkDocsConfig) -> Config:
    from ..lint.registry import check_rule_options

    config_file = Path(mkdocs_config.config_file_path).resolve() if mkdocs_config.config_file_path else None
    root = config_file.parent if config_file else Path.cwd().resolve()
    given = {key: value for key, value in options.items() if key in OPTIONS and value is not None}
    if "sops_dir" not in given:
        docs_dir = Path(mkdocs_config.docs_dir)
        given["sops_dir"] = os.path.relpath(docs_dir, root) if docs_dir.is_absolute() else str(docs_dir)
    try:
        return check_rule_options(config_from_options(given, root=root, config_file=config_file))
    except ConfigError as error:
        raise PluginError(str(error)) from None


class CsdocsPlugin(BasePlugin):  # its config class is made at import, from the one declaration (above)
    config_class = CsdocsPluginConfig
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.csdocs: Config | None = None
        self.corpus: Corpus | None = None
        self.site: GeneratedSite | None = None
        self.slots: dict[str, tuple[str, ...]] = {}
        self.late: dict[str, tuple[str, ...]] = {}
        self.pages_done = 0
        self.pages_total = 0
        self.files: Files | None = None
        self.metrics: Any = None  # csdocs.metrics Result when metrics.exports is set
        # Set by `csdocs serve` (csdocs.site.serve.rebuild) before each build; None for a full build.
        self.session: incremental.Session | None = None

    def _measure(self, corpus: Corpus) -> Any:
        """``metrics: {exports: [...]}``: measure every SOP once per build (None without exports)."""
        from ..metrics.engine import MetricsError, measure, options_from_config

        assert self.csdocs is not None
        settings = self.csdocs.metrics
        if settings is None or not settings.exports:
            return None
        exports = [resolve(self.csdocs, path) for path in settings.exports]
        options = options_from_config(settings)
        try:
            result = measure(exports, corpus.sops, options=options)
        except MetricsError as error:
            raise PluginError(f"csdocs metrics: {error}") from None
        if result.rows_bad:
            log.warning("metrics: %s in the exports not counted (csdocs metrics lists them)",
                        plural(result.rows_bad, "malformed row"))
        return result

    # ------------------------------------------------------------------ config

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.csdocs = csdocs_config(dict(self.config), config)
        theme = config.theme
        if theme.name == "material" and theme.get("font") is not False:
            log.info("theme.font turned off: the site must not fetch fonts (it runs offline)")
            theme["font"] = False
        if theme.name == "material" and config.repo_url:
            log.warning("repo_url is set: mkdocs-material fetches the repository's facts from the internet "
                        "on every page, so the site is not fully offline")
        if config.nav is None:
            # SOP pages are left out of the navigation on purpose (see on_files): don't list them all
            config.validation.nav.omitted_files = logging.DEBUG
        for name in ASSETS:
            target = f"{ASSET_DIR}/{name}"
            collection = config.extra_css if name.endswith(".css") else config.extra_javascript
            if target not in [str(item) for item in collection]:
                collection.append(target)
        return config

    # ------------------------------------------------------------------- files

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.corpus = corpus = self._load_corpus()
        self._drop_sources(files, corpus)
        self.metrics = self._measure(corpus)
        self.site = site = self._generate(corpus, config)
        hand_written = {file.src_uri for file in files.documentation_pages()}
        hashes = self._add_pages(files, config, site, hand_written)
        self._add_assets(files, config)
        if config.nav is None:
            config.nav = navigation(site.layout, hand_written, performance=self.metrics is not None)
        self.pages_total = len(files.documentation_pages())
        self.files = files
        if self.session is not None:
            self._plan_rebuild(self.session, files, config, hashes, hand_written)
        return files

    def _drop_sources(self, files: Files, corpus: Corpus) -> None:
        """SOPs and the glossary are sources, not downloads: never copied to the site."""
        assert self.csdocs is not None
        is_source = source_files(corpus, self.csdocs)
        for file in list(files):
            if file.abs_src_path is not None and is_source(Path(file.abs_src_path)):
                files.remove(file)

    def _generate(self, corpus: Corpus, config: MkDocsConfig) -> GeneratedSite:
        assert self.csdocs is not None
        try:
            today = current_date()
        except BadDate as error:
            raise PluginError(f"csdocs: {error}") from None
        try:
            return generate_site(corpus, self.csdocs, site_name=config.site_name,
                                 use_directory_urls=config.use_directory_urls, today=today,
                                 metrics=self.metrics, session=self.session)
        except CsdocsError as error:  # Graphviz is not installed
            raise PluginError(str(error)) from None

    @staticmethod
    def _add_assets(files: Files, config: MkDocsConfig) -> None:
        """The plugin's CSS and JavaScript, unless the project ships its own at the same path."""
        for name in ASSETS:
            src = f"{ASSET_DIR}/{name}"
            if files.get_file_from_path(src) is None:
                path = resources.files("csdocs.site").joinpath("assets", name)
                files.append(File.generated(config, src, content=path.read_bytes()))

    def _load_corpus(self) -> Corpus:
        """The SOPs and the glossary; a file that is not published is said so, at its line."""
        assert self.csdocs is not None
        corpus = load_corpus(self.csdocs)
        for loaded in corpus.broken:
            problem = loaded.problems[0]
            log.warning("%s:%d:%d: not published: %s", loaded.path, problem.span.line, problem.span.column,
                        problem.message)
        for sop in corpus.duplicates:
            log.warning("%s: not published: another SOP already has the id '%s'", sop.path, sop.id)
        return corpus

    def _add_pages(self, files: Files, config: MkDocsConfig, site: GeneratedSite,
                   hand_written: set[str]) -> dict[str, str]:
        """Each generated page not written by hand, as a file; its slots kept for the page hooks.

        Returns src_uri -> content hash (under serve; empty otherwise)."""
        hashes: dict[str, str] = {}
        for generated in site.pages:
            page = generated.page
            if page.src_uri in hand_written:
                log.info("%s is written by hand: kept, not generated", page.src_uri)
                continue
            files.append(File.generated(config, page.src_uri, content=page.markdown))
            if generated.digest is not None:
                hashes[page.src_uri] = generated.digest
            if page.slots:
                self.slots[page.src_uri] = page.slots
            if page.late:
                self.late[page.src_uri] = page.late
        return hashes

    def _plan_rebuild(self, session: incremental.Session, files: Files, config: MkDocsConfig,
                      hashes: dict[str, str], hand_written: set[str]) -> None:
        """Serve: decide which pages keep their HTML from the last build (see csdocs.site.incremental)."""
        always = incremental.untitled_nav_pages(config.nav) | hand_written
        signature = incremental.signature(
            config_file=config.config_file_path, nav=config.nav, files=files, generated=hashes,
            always_rendered=always, theme_dirs=config.theme.dirs, plugins=config.plugins.keys(),
            site_url=config.site_url, build_date=get_build_date())
        plan = incremental.plan(session, signature_now=signature, page_hashes=hashes,
                                reusable=set(config.plugins.keys()) <= incremental.REUSE_PLUGINS,
                                always_rendered=always)
        if plan.full:
            clean_directory(config.site_dir)  # a dirty build writes over the folder: leave nothing stale
        else:
            log.info("republishing %d of %d pages (the others did not change)",
                     len(files.documentation_pages()) - len(plan.reused), len(files.documentation_pages()))
        incremental.mark(files, plan.reused)
        session.plan = plan

    def _write_search_index(self, config: MkDocsConfig) -> None:
        """``search/csdocs/``: every published SOP, in the site's order (csdocs.search.index)."""
        from ..search.index import INDEX_DIR, build_index

        assert self.corpus is not None
        urls = self._published_urls()
        published = [sop for sop in self.corpus.sops if sop.id in urls]
        folder = Path(config.site_dir) / INDEX_DIR
        # A whole new folder swapped in at once: under serve, a browser reading the index
        # while it is rebuilt sees the last one or the new one, never half of each.
        fresh = new_folder_beside(folder)
        try:
            for name, data in build_index(published, urls).files().items():
                target = fresh / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            swap_in(fresh, folder)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)

    def _published_urls(self) -> dict[str, str]:
        """SOP id -> its page's URL (site-relative), for every SOP page the build published."""
        assert self.corpus is not None and self.files is not None and self.site is not None
        urls = {}
        for sop in self.corpus.sops:
            file = self.files.get_file_from_path(self.site.layout.sop_pages.get(sop.id, ""))
            if file is not None and file.page is not None and file.inclusion.is_included():
                urls[sop.id] = file.url
        return urls

    def _write_api(self, config: MkDocsConfig) -> None:
        """``api/v1/`` and ``for/<contact type>/`` (csdocs.site.api), from every published SOP."""
        from .api import API_DIR, FOR_DIR, build_api

        assert self.corpus is not None and self.files is not None
        clash = sorted(file.src_uri for file in self.files
                       if file.dest_uri.split("/", 1)[0] == FOR_DIR or file.dest_uri.startswith(API_DIR + "/"))
        for src in clash:
            log.warning("%s is published under %s/ or %s/, where csdocs writes its API and contact-type pages: "
                        "move it", src, FOR_DIR, API_DIR)
        api = build_api(self.corpus.sops, self._published_urls(), site_name=config.site_name,
                        site_url=config.site_url, use_directory_urls=config.use_directory_urls, config=self.csdocs)
        for warning in api.warnings:
            log.warning("%s", warning)
        site = Path(config.site_dir)
        for folder in (site / API_DIR, site / FOR_DIR):  # serve writes over the last build: nothing stale stays
            if not clash:
                shutil.rmtree(folder, ignore_errors=True)
        for name, data in api.files.items():
            target = site / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """``mkdocs serve`` watches docs_dir; also watch sops_dir and the glossary when they lie elsewhere."""
        assert self.csdocs is not None
        docs_dir = Path(config.docs_dir).resolve()
        for path in (resolve(self.csdocs, self.csdocs.sops_dir), resolve(self.csdocs, self.csdocs.glossary)):
            if path is not None and path.exists() and not path.resolve().is_relative_to(docs_dir):
                server.watch(str(path))
        return server

    # ------------------------------------------------------------------- pages

    def on_page_content(self, html: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        # Agents search with csdocs' own index (on_post_build); the theme's search box stays,
        # its lunr index is left empty (at 2,000 SOPs it was 19 MB and froze the page).
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        slots = self.slots.get(page.file.src_uri)
        self.pages_done += 1
        if self.pages_total >= generate.PROGRESS_MIN_PAGES and self.pages_done % max(1, self.pages_total // 10) == 0:
            log.info("rendered %d of %d pages", self.pages_done, self.pages_total)
        if not slots:
            return html
        return fill_slots(html, slots)

    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str:
        """Flowcharts go in last: search indexing (which parses every tag) never sees their SVG."""
        if self.session is not None:
            self.session.rendered.append(page.file.src_uri)
        late = self.late.get(page.file.src_uri)
        return fill_late(output, late) if late else output

    # ------------------------------------------------------------------- build

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """csdocs' search index and API, from every SOP; under serve, what this build leaves for the next."""
        self._write_search_index(config)
        self._write_api(config)
        if self.session is not None and self.session.plan is not None:
            self.session.last = incremental.Snapshot(self.session.plan.signature, self.session.plan.page_hashes)
