"""Read SOP files into the frozen model: the public face of :mod:`csdocs.load`.

Only this package sees raw YAML. Nothing here raises on bad input: every
problem (not UTF-8, too large, too deep, an alias, a duplicate key, a
schema mismatch) comes back located, and the model is built from whatever
is usable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .load.build import build_sop, text_of
from .load.chars import describe, fix_for, invisible_characters
from .load.compose import MAX_DEPTH, YMap, compose
from .load.decode import MAX_BYTES, decode, read_bounded, read_text
from .load.positions import Source, value_position
from .load.problems import MAX_ECHO, Problem, Refused, clip
from .load.schema import conforms, json_schema, type_name, validate
from .model import Glossary, Sop, Span, member

__all__ = [
    "MAX_BYTES", "MAX_DEPTH", "MAX_ECHO", "Loaded", "Problem", "Refused", "clip", "decode", "json_schema",
    "load_bytes", "load_file", "load_glossary", "load_plain_yaml", "load_text", "read_text",
]


@dataclass(frozen=True, slots=True)
class Loaded:
    """What reading one file gave: the model (None if unusable) and the problems."""

    path: str
    sop: Sop | None
    problems: tuple[Problem, ...]
    text: str = ""


def load_text(text: str, path: str) -> Loaded:
    """Parse SOP text; every problem is located, nothing raises."""
    try:
        root, problems = compose(text)
    except Refused as refused:
        return Loaded(path, None, (refused.problem,), text)
    if root is None:
        return Loaded(path, None, (Problem("schema", Span(1, 1), "the file is empty; an SOP needs at least "
                                           "title, department, owner, purpose and steps"),), text)
    if root.__class__ is not YMap:
        return Loaded(path, None, (Problem("schema", root.span, f"the top level is {type_name(root)}; an SOP "
                                           "is a mapping of fields (title: ..., steps: ...)"),), text)
    if not conforms(root):
        problems.extend(validate(root, json_schema(), ""))
    return Loaded(path, build_sop(root, path, text), tuple(problems), text)


def load_file(path: str | Path, *, display: str | None = None) -> Loaded:
    """Read, decode and parse one SOP file; every problem is located, nothing raises.

    ``display`` names the file in the model and in messages when that is not
    the path it is read from (the site reads absolute paths, shows relative ones).
    """
    name = display if display is not None else str(path)
    try:
        data = read_bounded(path)
    except OSError as error:
        return Loaded(name, None, (Problem("yaml-syntax", Span(1, 1), f"cannot read the file: {error.strerror}"),))
    return load_bytes(data, name)


def load_bytes(data: bytes, path: str) -> Loaded:
    """Decode and parse one SOP file's bytes (from disk or from git) within the size bound; never raises."""
    try:
        text = decode(data)
    except Refused as refused:  # too large, not UTF-8, or holds a NUL byte
        return Loaded(path, None, (refused.problem,))
    return load_text(text, path)


def load_glossary(path: str | Path) -> tuple[Glossary, tuple[Problem, ...]]:
    """``sops/glossary.yaml``: a mapping term -> meaning."""
    name = str(path)
    try:
        text = read_text(path)
        root, problems = compose(text)
    except Refused as refused:
        return Glossary(name), (refused.problem,)
    except OSError as error:
        return Glossary(name), (Problem("yaml-syntax", Span(1, 1), f"cannot read the glossary: {error.strerror}"),)
    if root is None:
        return Glossary(name), tuple(problems)
    if root.__class__ is not YMap:
        return Glossary(name), (*problems, Problem("schema", root.span,
                                                   "the glossary must be a mapping of term: meaning"))
    terms: dict[str, str] = {}
    spans: dict[str, Span] = {}
    for key, value in root.value:
        meaning = text_of(value)
        if meaning is None:
            problems.append(Problem("schema", value.span,
                                    f"glossary term '{clip(key.value, 40)}' must have a text meaning"))
            continue
        terms[str(key.value)] = meaning
        spans[str(key.value)] = key.span
        problems.extend(_invisible_in_term(text, key.span, str(key.value)))
    return Glossary(name, MappingProxyType(terms), MappingProxyType(spans)), tuple(problems)


def _invisible_in_term(text: str, span: Span, term: str) -> list[Problem]:
    """A glossary term is a name: any invisible character in it is the ``invisible-character`` finding."""
    for offset, char in invisible_characters(term):
        at = value_position(Source(text), span, term, offset) or span
        return [Problem("invisible-character", at,
                        f"invisible character {describe(char)} in glossary term {clip(term, 40)!r}: {fix_for(char)}",
                        member("", term))]
    return []


def load_plain_yaml(text: str) -> Any:
    """Plain Python data from safe YAML (used for mkdocs.yml, which may hold
    ``!!python/name`` tags for mkdocs-material: those load as None)."""

    class _Lenient(yaml.SafeLoader):
        pass

    _Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
    _Lenient.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return yaml.load(text, Loader=_Lenient)  # noqa: S506 - SafeLoader subclass
