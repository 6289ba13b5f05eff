"""The site's generated pages, from the corpus: what the plugin adds to MkDocs, made without its build.

:func:`generate_site` takes the loaded SOPs and gives back the layout (which
page each SOP, department and project page is, with each SOP's flowchart
drawn) and every generated page (:class:`csdocs.site.pages.Page`). The only
side effect is drawing the flowcharts with ``dot``, cached on disk by a hash
of the chart. Under ``csdocs serve`` a :class:`~csdocs.site.incremental.Session`
keeps each SOP's page and flowchart from the last build while nothing it
shows changed, and each page comes with its content hash.

:func:`navigation` is the navigation the site gets when mkdocs.yml has no
``nav``: departments, not every SOP (a full navigation makes every page link
every other page, and the build grows with the square of the SOP count).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from .. import graph
from ..config import Config, resolve
from ..model import Sop
from . import incremental, pages
from .corpus import Corpus
from .text import front_matter_title

log = get_plugin_logger(__name__)  # MkDocs' own logger, as the plugin's: "csdocs: ..." in the build log

PROGRESS_MIN_PAGES = 200  # below this a build is quick; say nothing


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    """A page to add to the site, and its content hash under serve (None in a plain build)."""

    page: pages.Page
    digest: str | None


@dataclass(frozen=True, slots=True)
class GeneratedSite:
    layout: pages.Layout  # with every drawn flowchart, in corpus order
    pages: tuple[GeneratedPage, ...]  # SOP pages in corpus order, then departments and the project pages


def layout_shape(layout: pages.Layout) -> tuple[Any, ...]:
    """Everything of the layout a page may read besides flowcharts (compared once a rebuild)."""
    return (layout.use_directory_urls, dict(layout.sop_pages), dict(layout.department_pages),
            dict(layout.department_names), layout.project_pages)


def page_hash(page: pages.Page) -> str:
    return incremental.content_hash(page.markdown, page.slots, page.late)


def generate_site(corpus: Corpus, config: Config, *, site_name: str, use_directory_urls: bool, today: _dt.date,
                  metrics: Any = None, session: incremental.Session | None = None) -> GeneratedSite:
    """Every generated page of the site. ``metrics`` is a csdocs.metrics Result (None: no Performance page).

    Raises :class:`csdocs.render.dot.DotNotFound` when Graphviz is not installed.
    """
    layout = pages.plan_layout(corpus, use_directory_urls=use_directory_urls)
    layout = _with_flowcharts(layout, corpus, config, session)
    out = _sop_pages(corpus, layout, config, today=today, metrics=metrics, session=session)
    others = [pages.department_page(slug, corpus, layout) for slug in layout.department_pages]
    others += [
        pages.home_page(site_name, corpus, layout),
        pages.glossary_page(corpus, layout),
        pages.escalation_matrix_page(corpus, layout, config),
        pages.review_dashboard_page(corpus, layout, today=today),
        pages.rules_page(_rules()),
    ]
    if metrics is not None:
        others.append(pages.performance_page(metrics, corpus, layout))
    out += [GeneratedPage(page, page_hash(page) if session is not None else None) for page in others]
    return GeneratedSite(layout, tuple(out))


def _rules() -> Mapping[str, Any]:
    from ..lint.registry import RULES

    return RULES


def navigation(layout: pages.Layout, hand_written: Iterable[str], *, performance: bool) -> list[Any]:
    """Home, one entry per department, the project pages, then ``hand_written`` pages (src_uris), sorted."""
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
        *([{"Performance": pages.PERFORMANCE}] if performance else []),
    ]})
    nav.extend(sorted(src for src in hand_written if src not in generated))
    return nav


def _with_flowcharts(layout: pages.Layout, corpus: Corpus, config: Config,
                     session: incremental.Session | None) -> pages.Layout:
    from .flowcharts import render_flowcharts

    cache_dir = resolve(config, config.cache_dir)
    svgs: dict[str, str] = {}
    todo = list(corpus.sops)
    recorders: dict[str, incremental.Recorder] = {}
    memo = session.flowcharts if session is not None else None
    if memo is not None:  # serve: a chart whose SOP and linked SOPs did not change is kept as it was
        memo.begin((config, cache_dir, layout_shape(layout)))
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
        places = graph.anchors(sop)
        links = {f"s{step.index}": "#" + places.step(step) for step in sop.steps}
        links.update({f"e{escalation.index}": "#" + places.escalation(escalation)
                      for escalation in sop.escalations})
        return links

    drawn = render_flowcharts(todo, config, sop_url=sop_url, anchors=anchors, cache_dir=cache_dir)
    if memo is not None:
        for sop in todo:
            if sop.id in drawn and sop.id in recorders:  # a failed chart is tried again next time
                memo.store(sop, recorders[sop.id], drawn[sop.id])
    svgs.update(drawn)
    ordered = {sop.id: svgs[sop.id] for sop in corpus.sops if sop.id in svgs}  # one order, memo or not
    return dataclasses.replace(layout, flowcharts=ordered)


def _sop_pages(corpus: Corpus, layout: pages.Layout, config: Config, *, today: _dt.date, metrics: Any,
               session: incremental.Session | None) -> list[GeneratedPage]:
    if session is None:
        return [GeneratedPage(pages.sop_page(sop, config, corpus, layout, today=today, metrics=metrics), None)
                for sop in corpus.sops]
    # serve: a page whose SOP, linked SOPs, flowchart and context did not change is kept as it was
    memo = session.sop_pages
    memo.begin((config, corpus.glossary, today, layout_shape(layout), metrics))
    out: list[GeneratedPage] = []
    for sop in corpus.sops:
        svg = layout.flowcharts.get(sop.id)
        hit = memo.lookup(sop, corpus.index)
        if hit is not None and hit.value[2] == svg:
            out.append(GeneratedPage(hit.value[0], hit.value[1]))
            continue
        recorder = incremental.Recorder(corpus.index)
        page = pages.sop_page(sop, config, dataclasses.replace(corpus, index=recorder), layout,
                              today=today, metrics=metrics)
        digest = page_hash(page)
        memo.store(sop, recorder, (page, digest, svg))
        out.append(GeneratedPage(page, digest))
    return out


def source_files(corpus: Corpus, config: Config) -> Callable[[Path], bool]:
    """Whether a file under the docs is a source csdocs reads (never copied to the site): an SOP,
    the glossary, or any YAML file under ``sops_dir`` (the search checks, an SOP that did not load)."""
    from ..project_files import SOP_SUFFIXES

    sources = {str(path) for path in corpus.sop_files}
    if corpus.glossary_file is not None:
        sources.add(str(corpus.glossary_file))
    sops_dir = resolve(config, config.sops_dir)
    sops_root = sops_dir.resolve() if sops_dir is not None else None

    def is_source(path: Path) -> bool:
        path = path.resolve()
        return str(path) in sources or (sops_root is not None and path.is_relative_to(sops_root)
                                        and path.suffix in SOP_SUFFIXES)
    return is_source
