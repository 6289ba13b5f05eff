"""The starter templates behind ``csdocs new``: find them, describe them, render them.

Templates are Jinja2 files ``<name>.yaml.j2`` in the top-level ``templates/``
folder of the source tree, shipped inside the package as ``csdocs.templates``
(see ``setup.py``). The first line of each is a Jinja2 comment with a
one-line description, shown by ``csdocs new --list``.

Every value a user types (title, department, owner) reaches the YAML through
the ``yaml`` filter, which writes a double-quoted YAML string: a title such
as ``Refunds: "final sale" items`` cannot break the file or smuggle in a key.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import jinja2

from . import ScaffoldError, ScaffoldUsageError

SUFFIX = ".yaml.j2"
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
_DESCRIPTION = re.compile(r"^\{#-?\s*(.*?)\s*-?#\}\s*$")


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    description: str
    source: str


def templates_folder() -> Traversable:
    """The installed ``csdocs.templates`` package, or ``templates/`` of a source checkout."""
    try:
        return resources.files("csdocs.templates")
    except ModuleNotFoundError:
        # An editable install made before templates/ was mapped into the
        # package, or running from a plain checkout: read the source folder.
        folder = Path(__file__).resolve().parents[2] / "templates"
        if folder.is_dir():
            return folder
        raise ScaffoldError("the starter templates are not installed; reinstall csdocs") from None


def available() -> tuple[Template, ...]:
    """Every template, sorted by name."""
    found = []
    for entry in templates_folder().iterdir():
        if entry.is_file() and entry.name.endswith(SUFFIX):
            source = entry.read_text(encoding="utf-8")
            found.append(Template(entry.name[: -len(SUFFIX)], describe(source), source))
    return tuple(sorted(found, key=lambda template: template.name))


def describe(source: str) -> str:
    """The one-line description in the template's first-line comment."""
    first = source.split("\n", 1)[0]
    match = _DESCRIPTION.match(first)
    return match.group(1) if match else ""


def find(name: str) -> Template:
    """The template called ``name``, or a ScaffoldError that suggests the nearest one."""
    templates = {template.name: template for template in available()}
    if name in templates:
        return templates[name]
    close = difflib.get_close_matches(name, list(templates), n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ScaffoldUsageError(f"unknown template {name!r}{hint}; `csdocs new --list` shows them: "
                        f"{', '.join(templates)}")


def check_id(sop_id: str) -> None:
    if not ID_PATTERN.fullmatch(sop_id):
        raise ScaffoldUsageError(f"SOP id {sop_id[:80]!r} must be lower-case letters, digits and dashes, "
                            f"starting with a letter or digit (e.g. {_slug(sop_id)!r})")


def _slug(text: str) -> str:
    from ..model import slugify

    return slugify(text, ascii_only=True) or "sop"


def check_text(field: str, value: str) -> str:
    """One line of printable text, trimmed; refuse empty values and control characters."""
    value = value.strip()
    if not value:
        raise ScaffoldUsageError(f"{field} must not be empty")
    if any(not char.isprintable() for char in value):
        raise ScaffoldUsageError(f"{field} must be one line of printable text")
    return value


def title_from_id(sop_id: str) -> str:
    """``refund-request`` -> ``Refund request``."""
    words = sop_id.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


# YAML 1.1 (PyYAML) refuses these characters anywhere in a file, even quoted.
_YAML_PRINTABLE = re.compile("[\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def yaml_quote(value: object) -> str:
    """A YAML double-quoted scalar that loads back as exactly ``str(value)``."""
    out = ['"']
    for char in str(value):
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _YAML_PRINTABLE.fullmatch(char) and char not in "\u2028\u2029\ufeff":
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def environment() -> jinja2.Environment:
    """One strict environment: an unknown variable is an error, never an empty string."""
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # YAML, not HTML: values are escaped by the `yaml` filter instead
    )
    env.filters["yaml"] = yaml_quote
    return env


def render(template: Template, *, sop_id: str, title: str, department: str, owner: str | None,
           today: _dt.date, schema_path: str = "../../sop.schema.json") -> str:
    """The SOP text for ``template`` filled in with the author's values."""
    check_id(sop_id)
    values = {
        "id": sop_id,
        "title": check_text("the title", title),
        "department": check_text("the department", department),
        "owner": check_text("the owner", owner) if owner is not None else None,
        "today": today.isoformat(),
        "schema_path": schema_path,
    }
    values["owner_or_default"] = values["owner"] or f"{values['department']} team lead"
    try:
        text = environment().from_string(template.source).render(values)
    except jinja2.TemplateError as error:  # a broken template is a bug in csdocs, said plainly
        raise ScaffoldError(f"template {template.name!r} is broken: {error}") from None
    return text.lstrip("\n")
