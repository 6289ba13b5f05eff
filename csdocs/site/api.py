"""The site's JSON API and its "SOP for this contact type" pages: static files, no server.

Written by the plugin after the build (``on_post_build``), beside the pages,
from the SOPs the site published, so a CRM field, a helpdesk sidebar or a
decision-tree embed can link "the SOP for this case" with no server of its
own. The files, by path under the site folder:

``api/v1/index.json``
    ``{"api": "csdocs/v1", "format": 1, "sops": [entry, ...], "contact_types":
    [{"contact_type", "slug", "page", "api", "sops": [id, ...]}, ...]}``;
    each ``entry`` is ``{"id", "title", "department", "status",
    "contact_types", "keywords", "channels", "priority", "url", "api",
    "version", "last_reviewed"}`` (SOPs by id; dates ``YYYY-MM-DD``; absent
    values ``null`` or ``[]``).
``api/v1/sops/<name>.json``
    The whole SOP (:func:`sop_document`): every field of the format, each
    step and escalation with its ``anchor`` and ``url`` on the SOP's page.
    ``<name>`` is the id when it is a plain slug, else a slug of it.
``api/v1/contact-types/<slug>.json``
    ``{"contact_type", "slug", "page", "sops": [entry, ...]}``: the SOPs that
    resolve that contact type (retired SOPs left out), by title.
``api/v1/schema.json``
    The JSON Schema of the three kinds of file (:mod:`csdocs.site.api_schema`).
``for/<slug>/index.html``
    A page at a stable address per contact type: it sends the browser on to
    the SOP when one SOP resolves the type, and lists them when several do.

Contact-type slugs (:func:`csdocs.model.slugify`, the one slug of csdocs) keep any script: the
text is NFKC-normalised and lower-cased, every run of characters that are not letters, digits or marks
becomes one ``-``, and the result is cut at 60 characters (``"Card
dispute"`` -> ``card-dispute``, ``"返金"`` -> ``返金``). URLs carry the slug
percent-encoded (UTF-8). Two contact types with one slug (``"Card dispute"``
and ``"card-dispute"``) never share a file: both are left out, with a
warning naming each SOP file and line. URLs are relative to the site root,
or absolute when ``site_url`` is set in mkdocs.yml.

SOP text is untrusted: JSON is written by :func:`json.dumps` only, and the
pages are rendered by Jinja2 with autoescape on. None of these files is a
MkDocs page, so neither the theme's search nor csdocs' index lists them,
nor does the sitemap. Two builds of the same SOPs write the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin

from .. import graph
from ..config import Config
from ..model import Duration, Sop, slugify
from ..reviews import next_review
from ..tiers import resolve as resolve_tiers
from .api_schema import API_NAME, FORMAT
from .pages import MAX_NAME, relative_url, render

API_DIR = "api/v1"
FOR_DIR = "for"
_PLAIN = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True, slots=True)
class ApiFiles:
    """What to write: site-relative path -> bytes, and the warnings to log (each a located sentence)."""

    files: dict[str, bytes]
    warnings: tuple[str, ...] = ()


def contact_type_name(contact_type: str) -> str:
    """A contact type as the site shows it: spaces collapsed (as the home page's index does)."""
    return " ".join(contact_type.split())


def _sop_files(sops: Sequence[Sop]) -> dict[str, str]:
    """SOP id -> file name (without ``.json``): the id if it is a plain slug, else a slug of it, made unique."""
    names: dict[str, str] = {}
    used: set[str] = set()
    plain = {sop.id for sop in sops if _plain(sop.id)}
    for sop in sorted(sops, key=lambda s: (not _plain(s.id), s.id)):  # plain ids keep their own name
        base = sop.id if _plain(sop.id) else (slugify(sop.id)[:MAX_NAME].rstrip("-") or "sop")
        name, number = base, 1
        while name in used or (not _plain(sop.id) and name in plain):
            number += 1
            name = f"{base}-{number}"
        used.add(name)
        names[sop.id] = name
    return names


def _plain(text: str) -> bool:
    """A plain slug names a file as it is (the rule the SOP pages follow, csdocs.site.pages.plan_layout)."""
    return len(text) <= MAX_NAME and _PLAIN.fullmatch(text) is not None


class _Links:
    """Site-relative paths -> the URLs the API gives (absolute when site_url is set)."""

    def __init__(self, site_url: str | None) -> None:
        self.base = (site_url.rstrip("/") + "/") if site_url else None

    def __call__(self, path: str) -> str:
        return urljoin(self.base, path) if self.base else path


def sop_entry(sop: Sop, *, url: str, api: str) -> dict[str, Any]:
    """One SOP as ``index.json`` and the contact-type files list it."""
    return {
        "id": sop.id, "title": sop.title, "department": sop.department, "status": sop.status,
        "contact_types": [contact_type_name(ct) for ct in sop.contact_types], "keywords": list(sop.keywords),
        "channels": list(sop.channels), "priority": sop.priority, "url": url, "api": api,
        "version": _text(sop.version),
        "last_reviewed": sop.last_reviewed.isoformat() if sop.last_reviewed else None,
    }


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def sop_document(sop: Sop, *, url: str, config: Config | None = None) -> dict[str, Any]:
    """The whole SOP as JSON values; steps and escalations carry their ``anchor`` and ``url`` on the page.

    An escalation's ``from`` is the tier it starts at: the project's first tier (``config``) when it writes none.
    """
    due = next_review(sop)
    tiers = resolve_tiers(sop, config)
    anchors = graph.anchors(sop)

    def move(step_move: Any) -> dict[str, str | None] | None:
        # raises: the escalation started on the way when the agent continues at next (format 1.1)
        kind = step_move.kind
        return {"kind": kind, "target": step_move.target, "raises": step_move.raises} if kind else None

    steps = [{
        "n": step.number, "id": step.id if step.has_id else None, "title": step.title,
        "anchor": anchors.step(step), "url": f"{url}#{anchors.step(step)}",
        "stage": step.stage, "actor": step.actor, "action": step.action, "say": step.say,
        "automated": step.automated, "decision": step.decision,
        "every": _text(step.every), "until": step.until,
        "branches": [{"answer": branch.answer, "move": move(branch.move)} for branch in step.branches],
        "move": move(step.move),
    } for step in sop.steps]
    escalations = [{
        "id": e.id, "anchor": anchors.escalation(e), "url": f"{url}#{anchors.escalation(e)}",
        "trigger": e.trigger, "from": tiers.start(e), "to": e.to_tier, "owner": e.owner, "sla": _text(e.sla),
        "response": _text(e.response), "handoff": list(e.handoff) if e.handoff is not None else None,
    } for e in sop.escalations]
    return {
        "api": API_NAME, "format": FORMAT,
        "id": sop.id, "title": sop.title, "department": sop.department, "owner": sop.owner,
        "purpose": sop.purpose, "status": sop.status, "version": _text(sop.version),
        "last_reviewed": sop.last_reviewed.isoformat() if sop.last_reviewed else None,
        "review_every": sop.review_every.text, "next_review": due.isoformat() if due else None,
        "channels": list(sop.channels), "contact_types": [contact_type_name(ct) for ct in sop.contact_types],
        "priority": sop.priority, "tags": list(sop.tags), "keywords": list(sop.keywords),
        "url": url,
        "definitions": [{"term": d.term, "meaning": d.meaning} for d in sop.definitions],
        "sla": {name: value.text if isinstance(value, Duration)
                else {priority: duration.text for priority, duration in value.items()}  # format 1.1: by priority
                for name, value in sop.sla.items()},
        "tiers": [{"id": t.id, "name": t.name, "authority": t.authority} for t in sop.tiers],
        "script": {"greeting": sop.script.greeting, "questions": list(sop.script.questions),
                   "closing": sop.script.closing},
        "steps": steps, "escalations": escalations,
        "metrics": dict(sop.metrics), "related": list(sop.related),
    }


def _dump(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _where(sop: Sop, index: int) -> str:
    span = sop.spans.get(f"contact_types[{index}]", sop.at("contact_types"))
    return f"{sop.path}:{span.line}:{span.column}"


def group_contact_types(sops: Iterable[Sop]) -> tuple[dict[str, tuple[str, list[Sop]]], list[str]]:
    """slug -> (contact type, SOPs), retired SOPs left out; and a warning for each type left out.

    A type whose slug is empty, or shared with a type written differently,
    is left out (never two types in one file); the warning gives the file,
    line and column of each place it is written.
    """
    by_name: dict[str, list[tuple[Sop, int]]] = {}
    for sop in sops:
        if sop.status == "retired":
            continue
        written: set[str] = set()  # a contact type this SOP already wrote (in another spelling)
        for index, raw in enumerate(sop.contact_types):
            name = contact_type_name(raw)
            if name and name not in written:
                written.add(name)
                by_name.setdefault(name, []).append((sop, index))
    by_slug: dict[str, list[str]] = {}
    warnings: list[str] = []
    for name in sorted(by_name, key=lambda n: (n.casefold(), n)):
        slug = slugify(name)
        if not slug:
            where = _where(*by_name[name][0])
            warnings.append(f"{where}: contact type {name!r} has no letter or digit: it gets no page "
                            f"under {FOR_DIR}/ and no API file")
            continue
        by_slug.setdefault(slug, []).append(name)
    out: dict[str, tuple[str, list[Sop]]] = {}
    for slug in sorted(by_slug):
        names = by_slug[slug]
        if len(names) > 1:
            places = "; ".join(f"{name!r} at {_where(*by_name[name][0])}" for name in names)
            warnings.append(f"contact types written differently share the address {FOR_DIR}/{slug}/: {places}; "
                            "they get no page and no API file until they are written the same way")
            continue
        rows = sorted((sop for sop, _ in by_name[names[0]]), key=lambda s: (s.title.casefold(), s.id))
        out[slug] = (names[0], rows)
    return out, warnings


def build_api(sops: Sequence[Sop], urls: Mapping[str, str], *, site_name: str, site_url: str | None = None,
              use_directory_urls: bool = True, config: Config | None = None) -> ApiFiles:
    """Every API file and contact-type page for the published ``sops``.

    ``urls``: SOP id -> its page's URL relative to the site root (MkDocs'
    ``file.url``, e.g. ``billing/refund-request/``); SOPs without one are
    left out. ``config`` gives the project's tiers (an escalation's ``from``
    when it writes none); the defaults without it. Pure: the same input gives
    the same bytes.
    """
    from .api_schema import SCHEMA

    published = sorted((sop for sop in sops if sop.id in urls), key=lambda s: s.id)
    link = _Links(site_url)
    names = _sop_files(published)
    api_of = {sop.id: f"{API_DIR}/sops/{names[sop.id]}.json" for sop in published}
    entries = {sop.id: sop_entry(sop, url=link(urls[sop.id]), api=link(api_of[sop.id])) for sop in published}
    files: dict[str, bytes] = {}
    for sop in published:
        files[api_of[sop.id]] = _dump(sop_document(sop, url=link(urls[sop.id]), config=config))
    types, warnings = group_contact_types(published)
    listed = []
    for slug, (name, rows) in types.items():
        encoded = quote(slug, safe="")
        page_path = f"{FOR_DIR}/{slug}/index.html"
        page_url = f"{FOR_DIR}/{encoded}/" if use_directory_urls else f"{FOR_DIR}/{encoded}/index.html"
        api_path = f"{API_DIR}/contact-types/{slug}.json"
        files[api_path] = _dump({"api": API_NAME, "format": FORMAT, "contact_type": name, "slug": slug,
                                 "page": link(page_url), "sops": [entries[sop.id] for sop in rows]})
        files[page_path] = for_page(name, rows, urls, site_name=site_name, from_url=f"{FOR_DIR}/{slug}/",
                                    use_directory_urls=use_directory_urls).encode("utf-8")
        listed.append({"contact_type": name, "slug": slug, "page": link(page_url),
                       "api": link(f"{API_DIR}/contact-types/{encoded}.json"), "sops": [sop.id for sop in rows]})
    files[f"{API_DIR}/index.json"] = _dump({"api": API_NAME, "format": FORMAT,
                                            "sops": [entries[sop.id] for sop in published],
                                            "contact_types": listed})
    files[f"{API_DIR}/schema.json"] = _dump(SCHEMA)
    return ApiFiles(dict(sorted(files.items())), tuple(warnings))


def for_page(contact_type: str, sops: Sequence[Sop], urls: Mapping[str, str], *, site_name: str, from_url: str,
             use_directory_urls: bool) -> str:
    """The page at ``for/<slug>/``: on to the SOP when there is one, a list when there are several."""
    def href(url: str) -> str:
        target = relative_url(url, from_url)
        return target + "index.html" if not use_directory_urls and target.endswith("/") else target

    rows = [{"title": sop.title or sop.id, "department": sop.department, "href": href(urls[sop.id])}
            for sop in sops]
    return render("for_contact_type.html.j2", contact_type=contact_type, rows=rows, site_name=site_name,
                  home=href("")) + "\n"
