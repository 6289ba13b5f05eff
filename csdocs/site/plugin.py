"""The ``csdocs`` MkDocs plugin: thin, like mkdocs-material's tags plugin.

* ``on_config``: options -> :class:`csdocs.config.Config`; the plugin's CSS and
  JavaScript are added; theme fonts are turned off (the site is offline).
* ``on_files``: the SOP and glossary YAML files are taken out of the site
  (never published raw), the SOPs are loaded, and every page is generated
  in memory with ``File.generated``; hand-written Markdown stays as written.
  Without a ``nav`` in mkdocs.yml, the navigation lists departments, not
  every SOP (a full navigation makes each page link every other page, and
  the build grows with the square of the SOP count).
* ``on_page_content``: each generated page's slots are filled with the HTML
  rendered by :mod:`csdocs.site.pages`.
* Under ``csdocs serve`` (an :mod:`csdocs.site.incremental` session), pages
  whose content did not change keep the HTML of the last build, and the
  search index is merged so that it stays whole (``on_files``,
  ``on_post_build``).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import logging
import os
import shutil
from collections.abc import Callable, Mapping
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

from ..config import KNOWN_OPTIONS, Config, ConfigError, config_from_options, resolve
from ..files import new_folder_beside
from ..model import Sop
from ..project_files import SOP_SUFFIXES
from ..today import BadDate
from ..today import today as current_date
from . import incremental, pages
from .build import swap_in
from .corpus import Corpus, load_corpus
from .text import front_matter_title

log = get_plugin_logger(__name__)

ASSETS = ("csdocs.css", "csdocs.js", "csdocs-search.js")
ASSET_DIR = "assets/csdocs"
PROGRESS_MIN_PAGES = 200  # below this a build is quick; say nothing


def layout_shape(layout: pages.Layout) -> tuple[Any, ...]:
    """Everything of the layout a page may read besides flowcharts (compared once a rebuild)."""
    return (layout.use_directory_urls, dict(layout.sop_pages), dict(layout.department_pages),
            dict(layout.department_names), layout.project_pages)


def page_hash(page: pages.Page) -> str:
    return incremental.content_hash(page.markdown, page.slots, page.late)


class CsdocsPluginConfig(base.Config):
    """The same options as :mod:`csdocs.config` (validated there, once, for the CLI and the site)."""

    sops_dir = c.Optional(c.Type(str))
    glossary = c.Optional(c.Type(str))
    tiers = c.Optional(c.Type(dict))
    handoff = c.Optional(c.Type(list))
    allow_terms = c.Optional(c.Type(list))
    rules = c.Optional(c.Type(dict))
    flowchart_url = c.Optional(c.Type(str))
    cache_dir = c.Optional(c.Type(str))
    metrics = c.Optional(c.Type(dict))


def csdocs_config(options: dict[str, Any], mkdocs_config: MkDocsConfig) -> Config:
    config_file = Path(mkdocs_config.config_file_path).resolve() if mkdocs_config.config_file_path else None
    root = config_file.parent if config_file else Path.cwd().resolve()
    given = {key: value for key, value in options.items() if key in KNOWN_OPTIONS and value is not None}
    if "sops_dir" not in given:
        docs_dir = Path(mkdocs_config.docs_dir)
        given["sops_dir"] = os.path.relpath(docs_dir, root) if docs_dir.is_absolute() else str(docs_dir)
    try:
        return config_from_options(given, root=root, config_file=config_file)
    except ConfigError as error:
        raise PluginError(str(error)) from None


class CsdocsPlugin(BasePlugin[CsdocsPluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.csdocs: Config | None = None
        self.corpus: Corpus | None = None
        self.slots: dict[str, tuple[str, ...]] = {}
        self.late: dict[str, tuple[str, ...]] = {}
        self.pages_done = 0
        self.pages_total = 0
        self.files: Files | None = None
        self.layout: pages.Layout | None = None
        self.metrics: Any = None  # csdocs.metrics Result when metrics.exports is set

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
            log.warning("metrics: %d malformed rows in the exports were not counted (csdocs metrics lists them)",
                        result.rows_bad)
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
        assert self.csdocs is not None
        corpus = load_corpus(self.csdocs)
        self.corpus = corpus
        for loaded in corpus.broken:
            problem = loaded.problems[0]
            log.warning("%s:%d:%d: not published: %s", loaded.path, problem.span.line, problem.span.column,
                        problem.message)
        for sop in corpus.duplicates:
            log.warning("%s: not published: another SOP already has the id '%s'", sop.path, sop.id)

        self._drop_yaml(files)
        layout = pages.plan_layout(corpus, use_directory_urls=config.use_directory_urls)
        session = incremental.active(config.site_dir)  # only under `csdocs serve`
        layout = self._with_flowcharts(layout, corpus, session)
        self.layout = layout
        try:
            today = current_date()
        except BadDate as error:
            raise PluginError(f"csdocs: {error}") from None
        self.metrics = self._measure(corpus)
        generated = self._generate(corpus, layout, config, today, session)
        hand_written = {file.src_uri for file in files.documentation_pages()}
        hashes: dict[str, str] = {}
        for page, digest in generated:
            if page.src_uri in hand_written:
                log.info("%s is written by hand: kept, not generated", page.src_uri)
                continue
            files.append(File.generated(config, page.src_uri, content=page.markdown))
            if digest is not None:
                hashes[page.src_uri] = digest
            if page.slots:
                self.slots[page.src_uri] = page.slots
            if page.late:
                self.late[page.src_uri] = page.late
        for name in ASSETS:
            src = f"{ASSET_DIR}/{name}"
            if files.get_file_from_path(src) is None:
                path = resources.files("csdocs.site").joinpath("assets", name)
                files.append(File.generated(config, src, content=path.read_bytes()))
        if config.nav is None:
            config.nav = self._navigation(files, layout)
        self.pages_total = len(files.documentation_pages())
        self.files = files
        if session is not None:
            self._plan_rebuild(session, files, config, hashes, hand_written)
        return files

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

    def _drop_yaml(self, files: Files) -> None:
        """SOPs and the glossary are sources, not downloads: never copy them to the site."""
        assert self.csdocs is not None and self.corpus is not None
        sources = {str(path) for path in self.corpus.sop_files}
        if self.corpus.glossary_file is not None:
            sources.add(str(self.corpus.glossary_file))
        sops_dir = resolve(self.csdocs, self.csdocs.sops_dir)
        sops_root = sops_dir.resolve() if sops_dir is not None else None
        for file in list(files):
            if file.abs_src_path is None:
                continue
            path = Path(file.abs_src_path).resolve()
            under_sops = sops_root is not None and path.is_relative_to(sops_root)
            if str(path) in sources or (under_sops and path.suffix in SOP_SUFFIXES):
                files.remove(file)

    def _with_flowcharts(self, layout: pages.Layout, corpus: Corpus,
                         session: incremental.Session | None) -> pages.Layout:
        from ..render import dot as dot_render
        from .flowcharts import render_flowcharts

        assert self.csdocs is not None
        cache_dir = resolve(self.csdocs, self.csdocs.cache_dir)
        svgs: dict[str, str] = {}
        todo = list(corpus.sops)
        recorders: dict[str, incremental.Recorder] = {}
        memo = session.flowcharts if session is not None else None
        if memo is not None:  # serve: a chart whose SOP and linked SOPs did not change is kept as it was
            memo.begin((self.csdocs, cache_dir, layout_shape(layout)))
            todo = []
            for sop in corpus.sops:
                hit = memo.lookup(sop, corpus.index)
                if hit is None:
                    todo.append(sop)
                else:
                    svgs[sop.id] = hit.value
        if len(todo) >= PROGRESS_MIN_PAGES:
            log.info("drawing %d flowcharts (cached ones are read back)", len(todo))

        def sop_url(sop: Sop) -> Callable[[str, str | None], str | None]:
            src = layout.sop_pages[sop.id]
            index: Mapping[str, Sop] = corpus.by_id()
            if memo is not None:
                index = recorders[sop.id] = incremental.Recorder(corpus.index)

            def url(sop_id: str, step_id: str | None) -> str | None:
                other = index.get(sop_id)
                if other is None:
                    return None
                return layout.href(layout.sop_pages[sop_id], from_page=src,
                                   anchor=pages.goto_anchor(other, step_id))
            return url

        def anchors(sop: Sop) -> dict[str, str]:
            """DOT node names (the renderer's ``s<index>``, ``e<index>``) -> the procedure's anchors."""
            links = {f"s{step.index}": "#" + pages.step_anchor(step) for step in sop.steps}
            links.update({f"e{index}": "#" + pages.escalation_anchor(escalation)
                          for index, escalation in enumerate(sop.escalations)})
            return links

        try:
            drawn = render_flowcharts(todo, self.csdocs, sop_url=sop_url, anchors=anchors, cache_dir=cache_dir)
        except dot_render.DotNotFound as error:
            raise PluginError(str(error)) from None
        if memo is not None:
            for sop in todo:
                if sop.id in drawn and sop.id in recorders:  # a failed chart is tried again next time
                    memo.store(sop, recorders[sop.id], drawn[sop.id])
        svgs.update(drawn)
        ordered = {sop.id: svgs[sop.id] for sop in corpus.sops if sop.id in svgs}  # one order, memo or not
        return dataclasses.replace(layout, flowcharts=ordered)

    def _generate(self, corpus: Corpus, layout: pages.Layout, config: MkDocsConfig, today: _dt.date,
                  session: incremental.Session | None) -> list[tuple[pages.Page, str | None]]:
        """Every generated page, with its content hash under serve (None otherwise)."""
        from ..lint.registry import RULES

        assert self.csdocs is not None
        out = self._sop_pages(corpus, layout, today, session)
        others = [pages.department_page(slug, corpus, layout) for slug in layout.department_pages]
        others += [
            pages.home_page(config.site_name, corpus, layout),
            pages.glossary_page(corpus, layout),
            pages.escalation_matrix_page(corpus, layout, self.csdocs),
            pages.review_dashboard_page(corpus, layout, today=today),
            pages.rules_page(RULES),
        ]
        if self.metrics is not None:
            others.append(pages.performance_page(self.metrics, corpus, layout))
        out += [(page, page_hash(page) if session is not None else None) for page in others]
        return out

    def _sop_pages(self, corpus: Corpus, layout: pages.Layout, today: _dt.date,
                   session: incremental.Session | None) -> list[tuple[pages.Page, str | None]]:
        assert self.csdocs is not None
        if session is None:
            return [(pages.sop_page(sop, self.csdocs, corpus, layout, today=today, metrics=self.metrics), None)
                    for sop in corpus.sops]
        # serve: a page whose SOP, linked SOPs, flowchart and context did not change is kept as it was
        memo = session.sop_pages
        memo.begin((self.csdocs, corpus.glossary, today, layout_shape(layout), self.metrics))
        out: list[tuple[pages.Page, str | None]] = []
        for sop in corpus.sops:
            svg = layout.flowcharts.get(sop.id)
            hit = memo.lookup(sop, corpus.index)
            if hit is not None and hit.value[2] == svg:
                out.append((hit.value[0], hit.value[1]))
                continue
            recorder = incremental.Recorder(corpus.index)
            page = pages.sop_page(sop, self.csdocs, dataclasses.replace(corpus, index=recorder), layout,
                                  today=today, metrics=self.metrics)
            digest = page_hash(page)
            memo.store(sop, recorder, (page, digest, svg))
            out.append((page, digest))
        return out

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
        assert self.corpus is not None and self.files is not None and self.layout is not None
        urls = {}
        for sop in self.corpus.sops:
            file = self.files.get_file_from_path(self.layout.sop_pages.get(sop.id, ""))
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

    def _navigation(self, files: Files, layout: pages.Layout) -> list[Any]:
        """Home, one entry per department, the project pages, then hand-written pages."""
        generated = set(layout.sop_pages.values()) | set(layout.department_pages.values())
        generated |= set(layout.project_pages) | {pages.PERFORMANCE}
        nav: list[Any] = [{"Home": pages.HOME}]
        for slug, src in sorted(layout.department_pages.items(),
                                key=lambda item: layout.department_names[item[0]].casefold()):
            # navigation titles are printed unescaped by the theme: escape the author's text here
            nav.append({front_matter_title(layout.department_names[slug]): src})
        nav.append({"For process owners": [
            {"Glossary": pages.GLOSSARY}, {"Escalation matrix": pages.ESCALATIONS},
            {"Review dashboard": pages.REVIEWS}, {"Lint rules": pages.RULES},
            *([{"Performance": pages.PERFORMANCE}] if self.metrics is not None else []),
        ]})
        hand_written = sorted(file.src_uri for file in files.documentation_pages() if file.src_uri not in generated)
        nav.extend(hand_written)
        return nav

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
        if self.pages_total >= PROGRESS_MIN_PAGES and self.pages_done % max(1, self.pages_total // 10) == 0:
            log.info("rendered %d of %d pages", self.pages_done, self.pages_total)
        if not slots:
            return html
        return pages.fill_slots(html, slots)

    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str:
        """Flowcharts go in last: search indexing (which parses every tag) never sees their SVG."""
        session = incremental.active(config.site_dir)
        if session is not None:
            session.rendered.append(page.file.src_uri)
        late = self.late.get(page.file.src_uri)
        return pages.fill_late(output, late) if late else output

    # ------------------------------------------------------------------- build

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """csdocs' search index and API, from every SOP; under serve, what this build leaves for the next."""
        self._write_search_index(config)
        self._write_api(config)
        session = incremental.active(config.site_dir)
        if session is not None and session.plan is not None:
            session.last = incremental.Snapshot(session.plan.signature, session.plan.page_hashes)
