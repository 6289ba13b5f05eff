"""The shipped JSON Schema, checked by a small interpreter of the subset it uses.

jsonschema itself is a test dependency only: the tests check that it and
this interpreter agree on the example corpus and templates, while this
module keeps the hot path fast (a compiled yes/no check first; the walk
with messages only for files that fail it).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from ..model import slugify
from .chars import same_text
from .compose import YMap, YNode, YScalar, YSeq, implicit_value_problem
from .problems import Problem, clip


@lru_cache(maxsize=1)
def json_schema() -> Mapping[str, Any]:
    """The shipped JSON Schema of the SOP format (what `csdocs schema` prints)."""
    schema: Mapping[str, Any] = json.loads(resources.files("csdocs").joinpath("schema.json").read_text("utf-8"))
    return schema


# A duration's type and syntax are the `duration-format` rule's job (one
# mistake, one finding, and a better hint: `4` -> "add a unit, e.g. '4h'");
# the schema only insists that it is a single value.
_RULE_CHECKED_DEFS = {"#/$defs/duration"}

# Why a field needs its partner (JSON Schema's `dependentRequired`), in the author's words.
_DEPENDENT_HINTS = {
    ("every", "until"): "add the condition that ends the recurring duty (until: the incident is resolved)",
    ("until", "every"): "add how often the step repeats (every: 30m)",
}


def type_name(node: YNode) -> str:
    if node.__class__ is YMap:
        return "a mapping"
    if node.__class__ is YSeq:
        return "a list"
    value = node.value
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({clip(getattr(node, 'written', value), 20)})"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "a date"
    return "text"


_PY_TYPES: Mapping[str, Any] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}
_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number",
               "boolean": "true or false", "array": "a list", "object": "a mapping"}


def _matches_type(node: YNode, expected: str, schema: Mapping[str, Any]) -> bool:
    if expected == "object":
        return node.__class__ is YMap
    if expected == "array":
        return node.__class__ is YSeq
    if node.__class__ is not YScalar:
        return False
    value = node.value
    if expected == "string" and schema.get("format") == "date":
        return isinstance(value, _dt.date) or (isinstance(value, str) and is_iso_date(value))
    if isinstance(value, bool) and expected != "boolean":
        return False
    return isinstance(value, _PY_TYPES[expected])


def is_iso_date(text: str) -> bool:
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    node: Mapping[str, Any] = json_schema()
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def conforms(node: YNode) -> bool:
    """True when the whole SOP matches the schema: the fast check for the common case.

    ``validate`` walks with messages and document paths, which costs several
    times more; it runs only on files that fail this check.
    """
    return _compiled_check(id(json_schema()))(node)


_Check = Callable[[YNode], bool]


@cache
def _compiled_check(schema_id: int) -> _Check:
    return _compile_check(json_schema())


def _compile_check(schema: Mapping[str, Any]) -> _Check:
    """Turn a schema into a function node -> bool (the subset validate understands)."""
    if schema.get("$ref") in _RULE_CHECKED_DEFS:
        return lambda node: node.__class__ is YScalar
    schema = _resolve(schema)
    if "anyOf" in schema:
        alternatives = [_compile_check(option) for option in schema["anyOf"]]
        return lambda node: any(check(node) for check in alternatives)
    if "enum" in schema:
        allowed = frozenset(schema["enum"])
        return lambda node: node.__class__ is YScalar and node.value.__class__ is str and node.value in allowed
    expected = schema.get("type")
    options = expected if isinstance(expected, list) else [expected] if expected else []
    if options == ["string"] and schema.get("format") != "date":
        pattern = None if "pattern" not in schema else _compiled(schema["pattern"]).search
        min_length = schema.get("minLength", 0)

        def check_text(node: YNode) -> bool:
            if node.__class__ is not YScalar or node.value.__class__ is not str:
                return False
            value = node.value
            if min_length and len(value.strip()) < min_length:
                return False
            return pattern is None or pattern(value) is not None

        return check_text
    if options == ["array"]:
        item_check = _compile_check(schema["items"]) if "items" in schema else None
        min_items = schema.get("minItems", 0)
        unique = bool(schema.get("uniqueItems"))
        return lambda node: (node.__class__ is YSeq and len(node.value) >= min_items
                             and (item_check is None or all(map(item_check, node.value)))
                             and (not unique or not any(True for _ in _repeats(node.value))))
    if options == ["object"]:
        properties = {name: _compile_check(sub) for name, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        extra_check = _compile_check(extra) if isinstance(extra, dict) else None
        required = tuple(schema.get("required", ()))
        min_properties = schema.get("minProperties", 0)
        dependent = tuple(schema.get("dependentRequired", {}).items())

        def check_mapping(node: YNode) -> bool:
            if node.__class__ is not YMap or len(node.value) < min_properties:
                return False
            if dependent and any(name in node.keys and not all(other in node.keys for other in others)
                                 for name, others in dependent):
                return False
            for key, value in node.value:
                check = properties.get(key.value)
                if check is None:
                    if extra is False or (extra_check is not None and not extra_check(value)):
                        return False
                elif not check(value):
                    return False
            keys = node.keys
            return all(name in keys for name in required)

        return check_mapping
    # anything else (several types, dates): the general path; a value whose text YAML changed
    # (`1.10`) is judged by `validate`, which knows the field's name
    return lambda node: (getattr(node, "written", None) is None
                         and not any(True for _ in validate(node, schema, "")))


def validate(node: YNode, schema: Mapping[str, Any], where: str) -> Iterator[Problem]:
    """Yield one ``schema`` problem per mismatch between ``node`` and ``schema``."""
    if schema.get("$ref") in _RULE_CHECKED_DEFS:
        if node.__class__ is not YScalar:
            yield Problem("schema", node.span, f"'{where}' must be a duration such as 4h, not {type_name(node)}", where)
        return
    schema = _resolve(schema)
    if "anyOf" in schema:
        yield from _validate_any_of(node, schema["anyOf"], where)
        return
    if "enum" in schema:
        allowed = schema["enum"]
        if node.__class__ is not YScalar or node.value not in allowed:
            got = clip(node.value, 40) if node.__class__ is YScalar else type_name(node)
            hint = _suggest(str(got), allowed)
            yield Problem("schema", node.span,
                          f"'{where}' is {got!r}; use one of: {', '.join(allowed)}{hint}", where)
        return
    expected = schema.get("type")
    if expected is not None:
        options = expected if isinstance(expected, list) else [expected]
        if node.__class__ is YScalar and "string" in options and getattr(node, "written", None) is not None:
            implicit = implicit_value_problem(node, _field_name(where), text_only=options == ["string"])
            if implicit is not None:  # `version: 1.10`, `aht: 5:30`, `title: 1.10`: the text was lost
                yield implicit._replace(where=where)
                return
        if not any(_matches_type(node, option, schema) for option in options):
            words = " or ".join(_TYPE_WORDS[o] for o in options)
            if schema.get("format") == "date":
                words = "a date (YYYY-MM-DD)"
            hint = ""
            if "string" in options and isinstance(node.value, bool):
                hint = ' (quote it: "Yes" and "No" unquoted are true/false in YAML)'
            elif "string" in options and node.__class__ is YScalar and node.value is not None:
                hint = " (quote it)"
            yield Problem("schema", node.span, f"'{where}' must be {words}, not {type_name(node)}{hint}", where)
            return
    if node.__class__ is YScalar:
        value = node.value
        if isinstance(value, str):
            if schema.get("minLength") and len(value.strip()) < schema["minLength"]:
                yield Problem("schema", node.span, f"'{where}' is empty", where)
            pattern = schema.get("pattern")
            if pattern and not _compiled(pattern).search(value):
                example = slugify(value, ascii_only=True)
                yield Problem("schema", node.span,
                              f"'{where}' is {clip(value, 40)!r}: it must be lower-case letters, digits and "
                              f"dashes, starting with a letter or digit"
                              f"{f' (e.g. {example!r})' if example else ''}", where)
        return
    if node.__class__ is YSeq:
        if len(node.value) < schema.get("minItems", 0):
            yield Problem("schema", node.span, f"'{where}' needs at least {schema['minItems']} item", where)
        items = schema.get("items")
        if items is not None:
            for index, item in enumerate(node.value):
                yield from validate(item, items, f"{where}[{index}]" if where else f"[{index}]")
        if schema.get("uniqueItems"):
            for index, first in _repeats(node.value):
                item = node.value[index]
                yield Problem("schema", item.span,
                              f"'{where}[{index}]' repeats '{where}[{first}]': {clip(item.value, 40)!r} "
                              "(case and spacing do not count); drop one", f"{where}[{index}]")
        return
    if isinstance(node, YMap):  # what is left; mypy does not narrow on the `__class__ is` tests above
        yield from _validate_mapping(node, schema, where)


def _field_name(where: str) -> str:
    """``steps[2].every`` -> ``every``; ``metrics.aht`` -> ``aht``."""
    return re.sub(r"\[\d+\]$", "", where.rsplit(".", 1)[-1])


def _validate_any_of(node: YNode, options: list[Mapping[str, Any]], where: str) -> Iterator[Problem]:
    """Fine when one option fits; otherwise the problems of the option written in the node's shape
    (a mapping is checked as the mapping option: `sla.resolution: {urgent: 4h}` names the bad key)."""
    reports = [list(validate(node, option, where)) for option in options]
    if any(not problems for problems in reports):
        return
    for option, problems in zip(options, reports, strict=True):
        if (_resolve(option).get("type") == "object") == (node.__class__ is YMap):
            yield from problems
            return
    yield from reports[0]


def _validate_mapping(node: YMap, schema: Mapping[str, Any], where: str) -> Iterator[Problem]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    suggested: set[str] = set()
    for key, value in node.value:
        name = key.value
        child_where = f"{where}.{name}" if where else str(name)
        if name in properties:
            yield from validate(value, properties[name], child_where)
        elif extra is False:
            known = [p for p in properties if p not in node.keys]
            close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known fields: {', '.join(properties)})"
            if close:
                suggested.add(close[0])
            where_text = f" in '{where}'" if where else ""
            yield Problem("schema", key.span, f"unknown field '{clip(name, 40)}'{where_text}{hint}", child_where)
        elif isinstance(extra, dict):
            yield from validate(value, extra, child_where)
    for name in schema.get("required", ()):
        if name not in node.keys and name not in suggested:
            where_text = f"'{where}'" if where else "the SOP"
            yield Problem("schema", node.span, f"{where_text} has no '{name}' (it is required)", where)
    if len(node.value) < schema.get("minProperties", 0):
        yield Problem("schema", node.span, f"'{where}' is empty: give at least one entry", where)
    keys = {key.value: key for key, _ in node.value}
    for name, others in schema.get("dependentRequired", {}).items():
        for other in others:
            if name in keys and other not in keys and other not in suggested:
                yield Problem("schema", keys[name].span, f"'{where}' has '{name}' but no '{other}': "
                                                         f"{_DEPENDENT_HINTS.get((name, other), 'add it')}",
                                  f"{where}.{name}" if where else name)


def _same_key(value: Any) -> Any:
    """What ``uniqueItems`` compares: text ignoring case, spacing, invisible characters and Unicode form
    (:func:`~.chars.same_text`); other values as they are."""
    if isinstance(value, str):
        return same_text(value)
    return (type(value).__name__, value)


def _repeats(items: list[YNode]) -> Iterator[tuple[int, int]]:
    """(index, index of its first occurrence) for each scalar item that repeats an earlier one.

    Stricter than JSON Schema's ``uniqueItems`` on text ("Money back" and
    "money  back" are the same words to a search), so an editor may accept
    a list that csdocs refuses, never the reverse. Lists and mappings inside
    the list are left to the other checks.
    """
    seen: dict[Any, int] = {}
    for index, item in enumerate(items):
        if item.__class__ is not YScalar or item.value is None:
            continue
        key = _same_key(item.value)
        if key == "":
            continue  # an empty item is reported as empty, not as a repeat
        try:
            first = seen.setdefault(key, index)
        except TypeError:  # an unhashable scalar cannot repeat anything we compare
            continue
        if first != index:
            yield index, first


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _suggest(value: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(value.lower(), [str(a) for a in allowed], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


