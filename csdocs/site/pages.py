"""The site's pages as data: pure functions from the corpus to Markdown and HTML.

A generated page is a little Markdown (front matter and the section
headings, so MkDocs builds the table of contents) with slots that the
plugin fills, after Markdown, with HTML rendered by Jinja2 with autoescape
on. SOP text therefore never passes through the Markdown parser: every
string is escaped, nothing an author writes can become a tag, a link or a
script, and the parser has little to do, which keeps big corpora fast.
"""

from __future__ import annotations

import datetime as _dt
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from .. import graph
from ..config import Config
from ..model import OUTCOMES, Duration, SlaValue, Sop, Step, sla_entries, slugify
from ..reviews import DUE_SOON_DAYS, due_reviews, next_review
from ..tiers import resolve as resolve_tiers
from .corpus import Corpus
from .text import Terms, front_matter_title, merged_terms, script_json

SLOT = "csdocs-slot-{}"
SLOT_PATTERN = re.compile(r"<p>csdocs-slot-(\d+)</p>")
LATE = "<!--csdocs-late-{}-->"  # SOP text is escaped, so no author can write this comment
LATE_PATTERN = re.compile(r"<!--csdocs-late-(\d+)-->")

HOME = "index.md"
GLOSSARY = "glossary.md"
ESCALATIONS = "escalations.md"
REVIEWS = "reviews.md"
RULES = "rules.md"

METRIC_NAMES = {
    "fcr": "First contact resolution (FCR)",
    "csat": "Customer satisfaction (CSAT, out of 5)",
    "aht": "Average handle time (AHT)",
    "escalation_rate": "Escalation rate",
    "backlog": "Backlog (contacts past SLA)",
    "first_response": "First response time",
    "resolution_time": "Resolution time",
    "nps": "Net promoter score (NPS)",
}
SLA_NAMES = {"first_response": "First response", "resolution": "Resolution"}
HANDOFF_NAMES = {
    "contact_reason": "What the customer contacted us about",
    "attempted_resolution": "What was tried",
    "escalation_reason": "Why it is escalated",
    "customer_told": "What the customer was told",
}
# folders a department may not take: the project pages and the theme's own
RESERVED_FOLDERS = frozenset({"glossary", "escalations", "reviews", "rules", "assets", "search",
                              "api", "for", "performance"})  # api/, for/: csdocs.site.api
MAX_NAME = 60
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True, slots=True)
class Page:
    """One generated page: its Markdown (with slots) and the HTML for each slot."""

    src_uri: str
    markdown: str
    slots: tuple[str, ...] = ()
    late: tuple[str, ...] = ()  # HTML put in after the theme: the search index never parses it


@dataclass(frozen=True, slots=True)
class Layout:
    """Where every generated page lives, and how one page links to another."""

    use_directory_urls: bool
    sop_pages: Mapping[str, str]  # sop id -> src_uri
    department_pages: Mapping[str, str]  # department key (Sop.department_key) -> src_uri
    department_names: Mapping[str, str]  # department key -> name as written
    project_pages: tuple[str, ...] = (HOME, GLOSSARY, ESCALATIONS, REVIEWS, RULES)
    flowcharts: Mapping[str, str] = field(default_factory=dict)  # sop id -> sanitised inline SVG

    def url(self, src_uri: str) -> str:
        return page_url(src_uri, self.use_directory_urls)

    def href(self, src_uri: str, *, from_page: str, anchor: str | None = None) -> str:
        """A relative link from page ``from_page`` to page ``src_uri`` (both src_uris)."""
        target = relative_url(self.url(src_uri), self.url(from_page))
        return f"{target}#{anchor}" if anchor else target


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives a Markdown page (``billing/refund.md`` -> ``billing/refund/``)."""
    stem = src_uri[: -len(".md")]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(url: str, other: str) -> str:
    """``url`` relative to page ``other`` (both site-relative), as MkDocs' get_relative_url."""
    other_dir = posixpath.dirname(other) if not other.endswith("/") else other.rstrip("/")
    relpath = posixpath.relpath(url or ".", other_dir or ".")
    if (url == "" or url.endswith("/")) and not relpath.endswith("/"):
        relpath += "/"
    return relpath


def plan_layout(corpus: Corpus, *, use_directory_urls: bool) -> Layout:
    """Pick a src_uri for every SOP (``<department-slug>/<id>.md``) and department (``<slug>/index.md``)."""
    sop_pages: dict[str, str] = {}
    departments: dict[str, str] = {}
    used: set[str] = set()
    slugs: dict[str, str] = {}
    for sop in corpus.sops:  # a department is its name as written; its folder is named by its slug
        departments.setdefault(sop.department_key, sop.department_key or "General")
        slugs.setdefault(sop.department_key, sop.slug)
    folders: dict[str, str] = {}
    for key in sorted(departments):  # two names with one slug (Billing/Payments, Billing Payments) never
        folders[key] = _folder_name(slugs[key], folders.values())  # share a folder: billing-payments-2
    for sop in corpus.sops:
        folder = folders[sop.department_key]
        # the id names a file: only a plain slug may (no "../", no "/", nothing odd in a URL)
        name = sop.id if _SLUG.fullmatch(sop.id) and len(sop.id) <= MAX_NAME else _short(slugify(sop.id))
        candidate, number = f"{folder}/{name}.md", 1
        while candidate in used or candidate == f"{folder}/index.md":
            number += 1
            candidate = f"{folder}/{name}-{number}.md"
        used.add(candidate)
        sop_pages[sop.id] = candidate
    department_pages = {key: f"{folders[key]}/index.md" for key in sorted(departments)}
    return Layout(use_directory_urls, sop_pages, department_pages, departments)


def _short(slug: str) -> str:
    """File names stay far below the file system's 255 bytes, whatever an author typed."""
    return slug[:MAX_NAME].rstrip("-") or "sop"


def _folder_name(slug: str, taken: Iterable[str]) -> str:
    folder = _short(slug)
    if folder in RESERVED_FOLDERS:
        folder += "-sops"
    base, number = folder, 1
    while folder in set(taken):  # two long department names that share their first 60 characters
        number += 1
        folder = f"{base}-{number}"
    return folder


# --------------------------------------------------------------------------
# Jinja2


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("csdocs.site", "templates"),
        autoescape=True,  # every {{ }} is escaped unless it is Markup we built
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["duration"] = duration_words
    env.filters["sla"] = sla_words
    env.filters["respond"] = respond_words
    env.filters["humanize"] = humanize
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


# --------------------------------------------------------------------------
# small pure helpers


def humanize(key: str) -> str:
    words = " ".join(str(key).replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:]


def duration_words(duration: Duration | None) -> str:
    """``4h`` -> ``"4 hours"``; a duration that is not valid (``"4 h"``) is shown as written, never read."""
    if duration is None:
        return ""
    if duration.minutes is None:
        return duration.text
    number, unit = int(duration.text[:-1]), duration.text[-1]  # valid: digits, then one unit
    name = {"m": "minute", "h": "hour", "d": "day", "w": "week"}[unit]
    return f"{number} {name}{'' if number == 1 else 's'}"


def when_words(duration: Duration) -> str:
    """A time allowed, in words: ``0m`` is "immediately" (format 1.1), anything else as :func:`duration_words`."""
    return "immediately" if duration.immediate else duration_words(duration)


def sla_words(value: SlaValue | None) -> str:
    """An SOP SLA in words: ``"4h"`` -> "4 hours", ``"0m"`` -> "immediately", and by priority (format 1.1)
    "4 hours (emergency), 1 day (high)"."""
    parts = []
    for priority, duration in sla_entries(value):
        words = when_words(duration)
        parts.append(words if priority is None else f"{words} ({priority})")
    return ", ".join(parts)


def respond_words(response: Duration | None) -> str:
    """An escalation's ``response`` (format 1.1): "Respond immediately" for ``0m``, else "Respond within
    15 minutes"; "" when it has none."""
    if response is None:
        return ""
    words = when_words(response)
    return f"Respond {words}" if words == "immediately" else f"Respond within {words}"


def repeat_words(step: Step) -> str | None:
    """A recurring duty (format 1.1): "Repeat every 30 minutes until the incident is resolved"."""
    if step.every is None:
        return None
    return f"Repeat every {duration_words(step.every)}" + (f" until {step.until}" if step.until else "")


def goto_anchor(sop: Sop, step_id: str | None) -> str | None:
    """Where a ``goto: sop#step`` lands on that SOP's page (None: the top)."""
    step = sop.step(step_id) if step_id else None
    return graph.anchors(sop).step(step) if step is not None else None


def sop_terms(sop: Sop, corpus: Corpus) -> Terms:
    return Terms(merged_terms(corpus.glossary.terms.items(),
                              ((d.term, d.meaning) for d in sop.definitions)))


def front_matter(title: str, *, hide: Iterable[str] = ()) -> str:
    """YAML front matter written as JSON values (valid YAML, nothing to escape by hand).

    No search hints (boost, exclude, tags): agents search with csdocs' own
    index, and the plugin leaves every page out of the theme's (plugin.py).
    """
    meta: dict[str, Any] = {"title": front_matter_title(title)}
    if hide:
        meta["hide"] = list(hide)
    lines = ["---", *(f"{key}: {json.dumps(value)}" for key, value in meta.items()), "---", ""]
    return "\n".join(lines)


class _Assembler:
    """Markdown with slots: fixed headings as Markdown, bodies as rendered HTML."""

    def __init__(self, head: str) -> None:
        self.parts = [head]
        self.slots: list[str] = []
        self.late: list[str] = []

    def placeholder(self, fragment: str) -> Markup:
        """A marker for HTML to insert into the finished page (big markup search must not parse)."""
        self.late.append(fragment)
        return Markup(LATE.format(len(self.late) - 1))

    def heading(self, text: str) -> None:
        """Only our own constant words reach Markdown; the toc extension gives the id."""
        self.parts.append(f"## {text}\n")

    def html(self, fragment: str) -> None:
        self.parts.append(SLOT.format(len(self.slots)) + "\n")
        self.slots.append(fragment)

    def page(self, src_uri: str) -> Page:
        return Page(src_uri, "\n".join(self.parts), tuple(self.slots), tuple(self.late))


def fill_slots(html: str, slots: tuple[str, ...]) -> str:
    """Put each slot's HTML where Markdown left its placeholder paragraph."""
    return SLOT_PATTERN.sub(lambda match: slots[int(match.group(1))], html)


def fill_late(html: str, late: tuple[str, ...]) -> str:
    """Put the late HTML (flowcharts) into the finished page."""
    return LATE_PATTERN.sub(lambda match: late[int(match.group(1))], html, count=len(late))


# --------------------------------------------------------------------------
# the SOP page


def flow_data(sop: Sop, config: Config, corpus: Corpus, layout: Layout, src_uri: str) -> dict[str, Any]:
    """What the guided-resolution script walks: steps, where each answer leads, escalations."""
    tiers = resolve_tiers(sop, config)
    anchors = graph.anchors(sop)
    by_id = corpus.by_id()
    step_ids = {step.id for step in sop.steps}
    steps = []
    for step in sop.steps:
        moves = []
        for edge in graph.step_edges(sop, step):
            move: dict[str, Any] = {"kind": edge.kind, "target": edge.target}
            if edge.answer is not None:
                move["answer"] = edge.answer
            if edge.kind == "next" and edge.target not in step_ids:
                move["kind"] = "broken"
            if edge.kind == "escalate" and sop.escalation(edge.target) is None:
                move["kind"] = "broken"
            if edge.raises is not None and sop.escalation(edge.raises) is not None:
                move["raises"] = edge.raises  # escalate and continue: raised on the way to ``target``
            if edge.kind == "goto":
                target_sop, target_step = graph.split_goto(edge.target)
                other = by_id.get(target_sop)
                if other is not None:
                    move["title"] = other.title
                    move["href"] = layout.href(layout.sop_pages[target_sop], from_page=src_uri,
                                               anchor=goto_anchor(other, target_step) or "guided-resolution")
            moves.append(move)
        entry = {
            "id": step.id, "n": step.number, "anchor": anchors.step(step), "title": step.title,
            "actor": tiers.label(step.actor) if step.actor else None,
            "action": step.action, "say": step.say, "decision": step.decision,
            "automated": step.automated or None, "repeat": repeat_words(step), "moves": moves,
        }
        steps.append({key: value for key, value in entry.items() if value is not None})
    named = graph.raised(sop)
    escalations: list[dict[str, Any]] = [
        {"id": e.id, "anchor": anchors.escalation(e), "trigger": e.trigger,
         "from": tiers.label(tiers.start(e)) or None, "to": tiers.label(e.to_tier),
         "owner": e.owner, "sla": duration_words(e.sla) if e.sla else None,
         "response": respond_words(e.response) or None,
         "handoff": list(dict.fromkeys([*config.handoff, *(e.handoff or ())])),
         "standing": e.id not in named}
        for e in sop.escalations
    ]
    return {
        "sop": sop.id, "title": sop.title, "steps": steps, "escalations": escalations,
        "handoff_names": {item: HANDOFF_NAMES.get(item, humanize(item))
                          for e in escalations for item in e["handoff"]},
        "greeting": sop.script.greeting, "closing": sop.script.closing,
        "outcomes": list(OUTCOMES),
    }


def sop_page(sop: Sop, config: Config, corpus: Corpus, layout: Layout, *, today: _dt.date,
             metrics: Any = None) -> Page:
    """One SOP's page; ``metrics`` (a csdocs.metrics Result) adds its "Measured performance" block."""
    src_uri = layout.sop_pages[sop.id]
    terms = sop_terms(sop, corpus)
    tiers = resolve_tiers(sop, config)
    anchors = graph.anchors(sop)
    by_id = corpus.by_id()
    ctx: dict[str, Any] = {
        "sop": sop, "t": terms.markup, "tiers": tiers, "tier": tiers.label,
        "step_anchor": anchors.step, "escalation_anchor": anchors.escalation,
        "department_href": layout.href(layout.department_pages[sop.department_key], from_page=src_uri),
        "next_review": next_review(sop), "today": today,
        "sla_names": SLA_NAMES, "metric_names": METRIC_NAMES, "handoff_names": HANDOFF_NAMES,
        "required_handoff": config.handoff, "repeat_words": repeat_words,
        "has_response": any(e.response is not None for e in sop.escalations),
    }
    page = _Assembler(front_matter(sop.title))
    page.html(render("sop_summary.html.j2", **ctx))
    page.heading("Guided resolution")
    # A one-item array, not an object: mkdocs-material's instant navigation re-inserts inline
    # scripts without their type, so the browser runs the block as JavaScript. An array literal
    # of strings and numbers is a harmless expression there; an object would be a syntax error.
    flow = [flow_data(sop, config, corpus, layout, src_uri)]
    page.html(render("sop_walker.html.j2", flow=script_json(flow), sop=sop))
    svg = layout.flowcharts.get(sop.id)
    if svg:
        page.heading("Flowchart")
        page.html(render("sop_flowchart.html.j2", svg=page.placeholder(svg), sop=sop))
    page.heading("Procedure")
    page.html(render("sop_procedure.html.j2", moves=_moves(sop, config, corpus, layout, src_uri), **ctx))
    if sop.escalations:
        page.heading("Escalations")
        page.html(render("sop_escalations.html.j2", **ctx))
    if sop.script.greeting or sop.script.questions or sop.script.closing or any(s.say for s in sop.steps):
        page.heading("Agent script")
        page.html(render("sop_script.html.j2", **ctx))
    if sop.metrics:
        page.heading("Metric targets")
        page.html(render("sop_metrics.html.j2", **ctx))
    measured = metrics.sop(sop.id) if metrics is not None else None
    if measured is not None:
        page.heading("Measured performance")
        page.html(measured_block(sop, measured, metrics))
    if sop.definitions:
        page.heading("Definitions")
        page.html(render("sop_definitions.html.j2", **ctx))
    if sop.related:
        page.heading("Related SOPs")
        related = [(sop_id, by_id.get(sop_id),
                    layout.href(layout.sop_pages[sop_id], from_page=src_uri) if sop_id in by_id else None)
                   for sop_id in sop.related]
        page.html(render("sop_related.html.j2", related=related, **ctx))
    return page.page(src_uri)


def _moves(sop: Sop, config: Config, corpus: Corpus, layout: Layout, src_uri: str) -> dict[int, list[dict[str, Any]]]:
    """For each step (by position): where it goes, as text and link, for the procedure list."""
    by_id = corpus.by_id()
    tiers = resolve_tiers(sop, config)
    anchors = graph.anchors(sop)
    steps_by_id: dict[str, Step] = {}
    for each in sop.steps:
        steps_by_id.setdefault(each.id, each)  # a duplicated id: the first holder, as the flow goes
    out: dict[int, list[dict[str, Any]]] = {}
    for step in sop.steps:
        moves = []
        for edge in graph.step_edges(sop, step):
            # a plain step falling through to the one below needs no line; its end does
            show = bool(step.branches) or not edge.implicit or edge.kind == "outcome"
            move: dict[str, Any] = {"answer": edge.answer, "kind": edge.kind, "show": show,
                                    "target": edge.target, "href": None, "label": edge.target, "raises": None}
            if edge.kind == "next":
                target = steps_by_id.get(edge.target)
                if target is not None:
                    move["href"] = "#" + anchors.step(target)
                    move["label"] = f"step {target.number}: {target.title}"
            elif edge.kind == "escalate":
                escalation = sop.escalation(edge.target)
                if escalation is not None:
                    move["href"] = "#" + anchors.escalation(escalation)
                    move["label"] = escalation.trigger or escalation.id
            if edge.raises is not None:  # escalate and continue: the escalation, then the step above
                escalation = sop.escalation(edge.raises)
                move["raises"] = {
                    "target": edge.raises,
                    "href": "#" + anchors.escalation(escalation) if escalation is not None else None,
                    "to": tiers.label(escalation.to_tier) if escalation is not None else "",
                    "label": (escalation.trigger or escalation.id) if escalation is not None else edge.raises,
                }
            elif edge.kind == "goto":
                target_sop, target_step = graph.split_goto(edge.target)
                other = by_id.get(target_sop)
                if other is not None:
                    move["href"] = layout.href(layout.sop_pages[target_sop], from_page=src_uri,
                                               anchor=goto_anchor(other, target_step))
                    move["label"] = other.title + (f" (step {target_step})" if target_step else "")
            moves.append(move)
        out[step.index] = moves
    return out


# --------------------------------------------------------------------------
# department and project pages


def _sop_rows(sops: Iterable[Sop], layout: Layout, from_page: str) -> list[dict[str, Any]]:
    return [{"sop": sop, "href": layout.href(layout.sop_pages[sop.id], from_page=from_page)}
            for sop in sorted(sops, key=lambda s: (s.title.casefold(), s.id))]


def department_page(slug: str, corpus: Corpus, layout: Layout) -> Page:
    src_uri = layout.department_pages[slug]
    name = layout.department_names[slug]
    sops = [sop for sop in corpus.sops if sop.department_key == slug]
    page = _Assembler(front_matter(name))
    page.html(render("department.html.j2", name=name, rows=_sop_rows(sops, layout, src_uri)))
    return page.page(src_uri)


def departments(corpus: Corpus, layout: Layout, from_page: str) -> list[dict[str, Any]]:
    return [{"name": layout.department_names[slug],
             "href": layout.href(src, from_page=from_page),
             "rows": _sop_rows((s for s in corpus.sops if s.department_key == slug), layout, from_page)}
            for slug, src in sorted(layout.department_pages.items(),
                                    key=lambda item: layout.department_names[item[0]].casefold())]


def contact_index(corpus: Corpus, layout: Layout, from_page: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """Contact type -> the SOPs that resolve it (retired SOPs left out)."""
    by_type: dict[str, list[Sop]] = {}
    for sop in corpus.sops:
        if sop.status == "retired":
            continue
        for contact_type in dict.fromkeys(" ".join(ct.split()) for ct in sop.contact_types):
            if contact_type:
                by_type.setdefault(contact_type, []).append(sop)
    return [(contact_type, _sop_rows(by_type[contact_type], layout, from_page))
            for contact_type in sorted(by_type, key=lambda ct: (ct.casefold(), ct))]


def home_page(site_name: str, corpus: Corpus, layout: Layout) -> Page:
    page = _Assembler(front_matter(site_name, hide=["toc"]))
    page.html(render("home.html.j2", site_name=site_name, departments=departments(corpus, layout, HOME),
                     contact_types=contact_index(corpus, layout, HOME),
                     project=[("Glossary", layout.href(GLOSSARY, from_page=HOME)),
                              ("Escalation matrix", layout.href(ESCALATIONS, from_page=HOME)),
                              ("Review dashboard", layout.href(REVIEWS, from_page=HOME)),
                              ("Lint rules", layout.href(RULES, from_page=HOME))],
                     count=len(corpus.sops)))
    return page.page(HOME)


def glossary_page(corpus: Corpus, layout: Layout) -> Page:
    entries: dict[str, dict[str, Any]] = {}
    for term, meaning in corpus.glossary.terms.items():
        entries.setdefault(term.casefold(), {"term": term, "meanings": []})["meanings"].append((meaning, None))
    for sop in corpus.sops:
        href = layout.href(layout.sop_pages[sop.id], from_page=GLOSSARY, anchor="definitions")
        for definition in sop.definitions:
            entry = entries.setdefault(definition.term.casefold(), {"term": definition.term, "meanings": []})
            entry["meanings"].append((definition.meaning, (sop.title, href)))
    rows = [entries[key] for key in sorted(entries)]
    page = _Assembler(front_matter("Glossary"))
    page.html(render("glossary.html.j2", rows=rows))
    return page.page(GLOSSARY)


def escalation_matrix_page(corpus: Corpus, layout: Layout, config: Config) -> Page:
    """Every trigger of every SOP, grouped by the tier it goes to (lowest first)."""
    project = resolve_tiers(None, config)  # sections across SOPs: the project's tiers, then the rest
    groups: dict[str, list[dict[str, Any]]] = {}
    for sop in corpus.sops:
        tiers = resolve_tiers(sop, config)
        anchors = graph.anchors(sop)
        for escalation in sop.escalations:
            groups.setdefault(escalation.to_tier or "", []).append({
                "sop": sop, "escalation": escalation,
                "href": layout.href(layout.sop_pages[sop.id], from_page=ESCALATIONS,
                                    anchor=anchors.escalation(escalation)),
                "from": tiers.label(tiers.start(escalation)), "to": tiers.label(escalation.to_tier),
            })
    has_response = any(e.response is not None for sop in corpus.sops for e in sop.escalations)
    ordered = sorted(groups, key=lambda tier_id: (project.ranks.get(tier_id, len(project.order)), tier_id))
    sections = [(project.label(tier_id) or "No tier given",
                 sorted(groups[tier_id], key=lambda r: (r["sop"].title.casefold(), r["escalation"].id)))
                for tier_id in ordered]
    page = _Assembler(front_matter("Escalation matrix"))
    page.html(render("escalations.html.j2", sections=sections, has_response=has_response))
    return page.page(ESCALATIONS)


def review_dashboard_page(corpus: Corpus, layout: Layout, *, today: _dt.date) -> Page:
    """Overdue and due within 30 days, grouped by owner; SOPs never reviewed too (csdocs.reviews)."""
    ordered = {
        name: [(owner, [{"sop": row.sop, "due": row.due, "days": row.days,
                         "href": layout.href(layout.sop_pages[row.sop.id], from_page=REVIEWS)} for row in rows])
               for owner, rows in groups]
        for name, groups in due_reviews(corpus.sops, today=today).items()
    }
    page = _Assembler(front_matter("Review dashboard"))
    page.html(render("reviews.html.j2", today=today, soon=DUE_SOON_DAYS, **ordered))
    return page.page(REVIEWS)


def rules_page(rules: Mapping[str, Any]) -> Page:
    """The rule reference, from each rule's docstring (our own Markdown, not SOP text)."""
    parts = [front_matter("Lint rules"),
             "Every rule `csdocs lint` applies, with its default severity. Change a severity "
             "in `mkdocs.yml` under the `csdocs` plugin's `rules` option.\n",
             "| Rule | Default | What it checks |", "|---|---|---|"]
    for rule in rules.values():
        parts.append(f"| [`{rule.name}`](#{rule.name}) | {rule.severity.value} | "
                     f"{rule.summary.replace('|', chr(92) + '|')} |")
    parts.append("")
    for rule in rules.values():
        body = re.sub(r"^## ", "### ", rule.doc.strip(), flags=re.M)
        summary, _, rest = body.partition("\n")
        parts.append(f"## {rule.name}\n\n*Default severity: {rule.severity.value}*\n\n"
                     f"{summary}\n{rest}\n")
    return Page(RULES, "\n".join(parts))


# --------------------------------------------------------------------------
# measured performance (csdocs metrics), when the plugin's metrics.exports is set

PERFORMANCE = "performance.md"


def _window(result: Any) -> str:
    first = result.first.date().isoformat() if result.first else "-"
    last = result.last.date().isoformat() if result.last else "-"
    return f"{first} to {last}"


def _measure_cells(measured: Any) -> list[dict[str, Any]]:
    from ..metrics.engine import METRICS
    from ..metrics.report import format_value, verdict
    from ..metrics.targets import NAMES

    cells = []
    for metric in METRICS:
        m = measured.metrics[metric]
        css = "met" if m.met is True else "missed" if m.met is False else "unjudged"
        cells.append({"metric": metric, "name": NAMES[metric], "value": format_value(m.value, m.unit),
                      "target": m.target.text if m.target else "", "verdict": verdict(m), "css": css,
                      "count": m.count, "unit": m.unit})
    return cells


def measured_block(sop: Sop, measured: Any, result: Any) -> str:
    """The SOP page's "Measured" section: a table of every metric, a weekly chart with its table."""
    from markupsafe import Markup

    from ..metrics.chart import trend_svg
    from ..metrics.report import format_value

    rows = _measure_cells(measured)
    for row in rows:
        m = measured.metrics[row["metric"]]
        points = [(week.start.isoformat(), week.values.get(row["metric"])) for week in measured.weeks]
        row["chart"] = None
        if row["metric"] != "backlog" and any(value is not None for _, value in points):
            target = m.target.value if m.target is not None and m.target.unit == m.unit else None
            label = f"{row['name']} by week of {sop.title}"
            row["chart"] = Markup(trend_svg(points, target=target, label=label))
            row["weeks"] = [(week, format_value(value, m.unit)) for week, value in points]
    return render("sop_measured.html.j2", sop=sop, measured=measured, rows=rows, window=_window(result))


def performance_page(result: Any, corpus: Corpus, layout: Layout) -> Page:
    """SOPs by largest gap first, then the unmatched tags: "SOPs you may be missing"."""
    from ..metrics.engine import METRICS
    from ..metrics.targets import NAMES

    by_id = corpus.by_id()
    sops = []
    for measured in result.sops:
        sop = by_id.get(measured.sop)
        if sop is None or sop.id not in layout.sop_pages:
            continue
        sops.append({"id": sop.id, "title": sop.title or sop.id, "volume": measured.volume,
                     "href": layout.href(layout.sop_pages[sop.id], from_page=PERFORMANCE,
                                         anchor="measured-performance"),
                     "cells": _measure_cells(measured)})
    page = _Assembler(front_matter("Performance"))
    page.html(render("performance.html.j2", window=_window(result), tickets=result.tickets,
                     rows_bad=result.rows_bad, rows_read=result.rows_read, sops=sops,
                     metric_names=[NAMES[m] for m in METRICS], unmatched=result.unmatched,
                     tags=result.unmatched_tags, shared=result.shared))
    return page.page(PERFORMANCE)
