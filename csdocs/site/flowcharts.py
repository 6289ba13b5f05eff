"""Flowcharts for the site: DOT from the renderer, SVG from ``dot``, then made safe to inline.

The SVG goes into the page as markup, so it is rebuilt from an allow-list
(elements, attributes, link targets) rather than trusted: no script, no
event handler, no ``javascript:`` link can survive, whatever the SVG held.
While rebuilding it, ids get a ``flow-`` prefix (the procedure owns
``step-<id>``) and every step and escalation box becomes a link to its
place in the procedure. Links are written ``xlink:href``, not ``href``:
mkdocs-material's instant navigation assigns ``el.href = el.href`` on
every ``[href]`` element, which throws on an SVG ``<a>`` and stops it. The result is cached on disk by a hash of the SVG,
so a warm build reads each chart back instead of parsing it again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path

from ..config import Config
from ..files import replace_atomically
from ..model import Sop
from ..render import dot as dot_render
from ..render import flowchart

log = logging.getLogger(__name__)

SANITIZER_VERSION = "5"
CACHE_SUBDIR = "site-svg"
ID_PREFIX = "flow-"

ALLOWED_ELEMENTS = frozenset({
    "svg", "g", "title", "path", "polygon", "polyline", "ellipse", "circle", "rect", "line",
    "text", "tspan", "a", "defs", "linearGradient", "radialGradient", "stop",
})
ALLOWED_ATTRIBUTES = frozenset({
    "id", "class", "width", "height", "viewBox", "transform", "x", "y", "x1", "y1", "x2", "y2",
    "cx", "cy", "r", "rx", "ry", "points", "d", "fill", "stroke", "stroke-width", "stroke-dasharray",
    "stroke-linecap", "stroke-linejoin", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "opacity", "fill-opacity", "stroke-opacity", "offset", "stop-color", "stop-opacity",
    "preserveAspectRatio", "gradientUnits", "gradientTransform", "fx", "fy", "dx", "dy",
})
LINK_ATTRIBUTES = ("href", "{http://www.w3.org/1999/xlink}href")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def safe_href(value: str) -> str | None:
    """Keep in-page anchors and relative links; drop anything with a scheme (javascript:, data:, http:)."""
    value = value.strip()
    if not value or any(ord(char) < 32 for char in value):
        return None
    if value.startswith("#"):
        return value
    head = value.split("#", 1)[0].split("?", 1)[0].split("/", 1)[0]
    if ":" in head or value.startswith("//") or "\\" in value:
        return None
    return value


def sanitize(svg: str, *, node_links: Mapping[str, str], label: str) -> str:
    """The SVG as safe inline markup; ``node_links`` maps a DOT node name (``s0``) to an href."""
    root = ET.fromstring(svg.encode("utf-8"))
    out: list[str] = []
    _write(root, out, node_links, top=True, label=label, in_link=False)
    return "".join(out)


_NUMBER = re.compile(r"-?\d+\.\d+")
_GEOMETRY = frozenset({"points", "d", "x", "y", "cx", "cy", "rx", "ry", "viewBox", "transform",
                       "x1", "y1", "x2", "y2", "width", "height"})
_DROPPED = frozenset({"font-family"})  # the stylesheet sets it once for every label


def _whole(match: re.Match[str]) -> str:
    """Coordinates to whole points: a sub-point shift is invisible, and it halves the numbers' bytes."""
    return str(round(float(match.group(0)))) if match.group(0) != "-0.0" else "0"


def _node_name(element: ET.Element) -> str:
    for child in element:
        if _local(child.tag) == "title":
            return (child.text or "").strip()
    return ""


def _has_real_link(element: ET.Element) -> bool:
    return any(_local(child.tag) == "a" and any(name in child.attrib for name in LINK_ATTRIBUTES)
               for child in element.iter())


def _write(element: ET.Element, out: list[str], node_links: Mapping[str, str], *, top: bool, label: str,
           in_link: bool) -> None:
    tag = _local(element.tag)
    if tag not in ALLOWED_ELEMENTS or tag == "title":
        return  # scripts, foreignObject, style, image...: dropped with their content; titles are dot's names
    attributes: list[tuple[str, str]] = []
    link_target: str | None = None
    for name, value in element.attrib.items():
        local = _local(name)
        if name in LINK_ATTRIBUTES:
            if tag == "a" and not in_link:
                link_target = safe_href(value)
            continue
        if local not in ALLOWED_ATTRIBUTES or local in _DROPPED or name.startswith("{"):
            continue
        if local == "id":
            value = ID_PREFIX + value
        elif local in _GEOMETRY:
            value = _NUMBER.sub(_whole, value)
        attributes.append((local, value))
    wrap_href = None
    if tag == "g" and "node" in element.get("class", "").split() and not in_link:
        name = _node_name(element)
        if name in node_links and not _has_real_link(element):
            wrap_href = node_links[name]
    # dot wraps tooltip nodes in <g id="a_..."><a xlink:title>: with the tooltip gone, so is the wrapper
    tooltip_group = tag == "g" and element.get("id", "").startswith("a_") and len(element) == 1
    unwrap = (tag == "a" and link_target is None) or (tag == "g" and not attributes and not top) or tooltip_group
    if tag == "a" and link_target is not None:
        attributes = [("xlink:href", link_target), *[(k, v) for k, v in attributes if k == "class"]]
    if top:
        attributes += [("role", "img"), ("aria-label", label)]
    inside_link = in_link or wrap_href is not None or (tag == "a" and link_target is not None)
    if wrap_href is not None:
        out.append(f'<a xlink:href="{escape(wrap_href)}" class="csdocs-node-link">')
    if not unwrap:
        out.append("<" + tag + "".join(f' {k}="{escape(v)}"' for k, v in attributes) + ">")
    if top:
        out.append(f"<title>{escape(label)}</title>")
    if element.text and tag in ("text", "tspan"):
        out.append(escape(element.text, quote=False))
    for child in element:
        _write(child, out, node_links, top=False, label=label, in_link=inside_link)
        if child.tail and tag in ("text", "tspan"):
            out.append(escape(child.tail, quote=False))
    if not unwrap:
        out.append(f"</{tag}>")
    if wrap_href is not None:
        out.append("</a>")


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / CACHE_SUBDIR / key[:2] / f"{key}.svg"


def _write_atomic(path: Path, text: str) -> None:
    try:
        replace_atomically(path, text)
    except OSError as error:  # a read-only cache makes the next build slower, never this one fail
        log.warning("cannot write the flowchart cache %s: %s", path, error)


def safe_svgs(raw: Sequence[str | None], links: Sequence[Mapping[str, str]], labels: Sequence[str], *,
              cache_dir: Path | None) -> list[str | None]:
    """Sanitise many SVGs, reading and filling the on-disk cache."""
    out: list[str | None] = []
    for svg, node_map, label in zip(raw, links, labels, strict=True):
        if svg is None:
            out.append(None)
            continue
        digest = hashlib.sha256()
        for part in (SANITIZER_VERSION, svg, label, *sorted(f"{k}\0{v}" for k, v in node_map.items())):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\1")
        key = digest.hexdigest()
        path = _cache_path(cache_dir, key) if cache_dir is not None else None
        if path is not None:
            try:
                out.append(path.read_text(encoding="utf-8"))
                continue
            except (OSError, UnicodeDecodeError):
                pass
        try:
            clean = sanitize(svg, node_links=node_map, label=label)
        except ET.ParseError as error:
            log.warning("cannot read the flowchart SVG of %r: %s", label, error)
            out.append(None)
            continue
        if path is not None:
            _write_atomic(path, clean)
        out.append(clean)
    return out


def render_flowcharts(sops: Sequence[Sop], config: Config, *, sop_url: Callable[[Sop], flowchart.SopUrl],
                      anchors: Callable[[Sop], Mapping[str, str]], cache_dir: Path | None,
                      jobs: int | None = None) -> dict[str, str]:
    """SOP id -> safe inline SVG; an SOP whose chart ``dot`` refuses is left out (and logged)."""
    if not sops:
        return {}
    texts = [dot_render.to_dot(sop, sop_url=sop_url(sop), config=config) for sop in sops]
    try:
        raw: list[str | None] = list(dot_render.render_many(texts, fmt="svg", cache_dir=cache_dir, jobs=jobs))
    except dot_render.DotNotFound:
        raise
    except dot_render.DotFailed as failed:
        raw = [item if isinstance(item, str) else None for item in failed.results] or [None] * len(sops)
        for index, message in failed.failures:
            log.warning("%s: no flowchart: dot failed: %s", sops[index].path, message)
    labels = [f"Flowchart: {sop.title or sop.id}" for sop in sops]
    clean = safe_svgs(raw, [anchors(sop) for sop in sops], labels, cache_dir=cache_dir)
    return {sop.id: svg for sop, svg in zip(sops, clean, strict=True) if svg is not None}
