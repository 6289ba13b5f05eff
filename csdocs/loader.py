"""YAML -> the frozen model, with positions; the only module that sees raw YAML.

Why the loader walks libyaml's *events* itself instead of calling
``yaml.compose`` or ``yaml.load``:

* one pass, no recursion: a 10,000-deep nesting is refused when the stack
  passes :data:`MAX_DEPTH`, before anything recursive sees it (PyYAML's
  composer recurses and a ``RecursionError`` is not a ``YAMLError``);
* aliases, anchors, merge keys and non-standard tags are refused as they
  arrive, so an alias bomb never expands and ``!!python/...`` never
  constructs anything;
* duplicate keys are seen (PyYAML silently keeps the last);
* the events feed small ``_YNode`` objects that are turned into the model
  and dropped at once: keeping thousands of PyYAML node trees alive makes the
  garbage collector rescan them, which is slower than the parse itself.

Everything the loader refuses becomes one located ``yaml-syntax`` (or
``yaml-duplicate-key``, ``schema``) problem, never an exception.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping, NamedTuple

import yaml
from yaml import events as _ev

from .model import (
    DEFAULT_REVIEW_EVERY,
    Branch,
    Definition,
    Escalation,
    Glossary,
    Move,
    MOVE_FIELDS,
    Script,
    Sop,
    Span,
    Step,
    Tier,
)

try:  # libyaml's C parser is ~10x faster than the pure-Python one
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

MAX_BYTES = 4 * 1024 * 1024  # the longest real SOP is a few KiB
MAX_DEPTH = 64  # the format nests 5 levels deep; 64 leaves room for mistakes
MAX_ECHO = 80  # messages never quote more than this many characters of a value

STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


class Problem(NamedTuple):
    """A finding before the engine stamps path and severity on it."""

    rule: str
    span: Span
    message: str


class _Refused(Exception):
    """Raised inside the event walk; always turned into one Problem."""

    def __init__(self, message: str, line: int, column: int, rule: str = "yaml-syntax") -> None:
        super().__init__(message)
        self.problem = Problem(rule, Span(line, column), message)


def clip(value: object, limit: int = MAX_ECHO) -> str:
    """Quote a user's value in a message without echoing a 20 MiB string."""
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------
# bytes -> text


def decode(data: bytes) -> str:
    """UTF-8 (BOM allowed) to text, or raise ``_Refused`` with the position."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) >= 2 and (data[0] == 0 or data[1] == 0)):
        raise _Refused("the file is UTF-16; save it as UTF-8", 1, 1)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(data, error.start)
        raise _Refused(
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8", line, column
        ) from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise _Refused("the file holds a NUL byte; an SOP is plain text", line, column)
    return text


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


# --------------------------------------------------------------------------
# text -> light nodes (one pass over libyaml's events)


class _YNode:
    __slots__ = ("value", "span")

    def __init__(self, value: Any, span: Span) -> None:
        self.value = value  # scalar: the Python value; map: list of (key, node); seq: list
        self.span = span


class _YScalar(_YNode):
    __slots__ = ()

    def __init__(self, value: Any, span: Span) -> None:  # no super() call: this runs per scalar
        self.value = value
        self.span = span


class _YMap(_YNode):
    __slots__ = ("keys",)

    def __init__(self, span: Span) -> None:
        self.value = []
        self.span = span
        self.keys: dict[Any, _YScalar] = {}


class _YSeq(_YNode):
    __slots__ = ()

    def __init__(self, span: Span) -> None:
        self.value = []
        self.span = span


def _span(line0: int, column0: int) -> Span:
    return _new_tuple(Span, (line0 + 1, column0 + 1))


_new_tuple = tuple.__new__

_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_CONSTRUCT = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
}
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


# First characters with which a plain scalar may be something other than text
# (bool, null, int, float, timestamp, merge, value: PyYAML's implicit resolvers).
_MAYBE_TYPED = frozenset("yYnNtTfFoO~-+0123456789.<=")


def _scalar_value(event: _ev.ScalarEvent) -> Any:
    tag = event.tag
    value = event.value
    if tag is None or tag == "!":
        if not event.implicit[0]:  # quoted or block scalar: always text
            return value
        if value and value[0] not in _MAYBE_TYPED:
            return value  # most plain scalars: skip the resolver's regexes
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
        if tag == _STR:
            return value
    elif tag not in STANDARD_TAGS:
        raise _Refused(f"tag {clip(tag)!r} is not allowed in an SOP",
                       *_span(event.start_mark.line, event.start_mark.column))
    if tag == _STR or tag == _MERGE:  # a merge key is refused where it is used as a key
        return value
    try:
        return _CONSTRUCT[tag](yaml.ScalarNode(tag, value))
    except (KeyError, ValueError, yaml.YAMLError):
        raise _Refused(f"{clip(value)!r} is not a valid {tag.rsplit(':', 1)[-1]}",
                       *_span(event.start_mark.line, event.start_mark.column)) from None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 < line <= len(lines) and 0 < column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def compose(text: str) -> tuple[_YNode | None, list[Problem]]:
    """Parse one YAML document into light nodes; refuse what an SOP never needs.

    Returns the root (None for an empty document) and the duplicate-key
    problems; raises ``_Refused`` for anything that stops the parse.

    (Letting libyaml's C composer build the tree and converting it after was
    measured no faster: converting its nodes costs what walking events does.)
    """
    try:
        return _compose_events(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = error.problem or error.context or "invalid YAML"
        if "expected a single document" in message:
            message = "the file holds more than one YAML document ('---'); put each SOP in its own file"
            raise _Refused(message, line, column) from None
        if "tab" in message or _char_at(text, line, column) == "\t":
            message += " (indent with spaces, not tabs)"
        raise _Refused(f"invalid YAML: {clip(message, 120)}", line, column) from None
    except yaml.YAMLError as error:
        raise _Refused(f"invalid YAML: {clip(error, 120)}", 1, 1) from None


def _add_item(container: _YMap, key: _YScalar, value: _YNode, duplicates: list[Problem]) -> bool:
    """Add key: value unless the key repeats (then record the problem); True if added."""
    name = key.value
    try:
        first = container.keys.get(name)
    except TypeError:  # an unhashable scalar cannot happen; be safe
        first = None
    if first is not None:
        duplicates.append(Problem("yaml-duplicate-key", key.span,
                                  f"key {clip(name, 40)!r} repeats the one on line {first.span[0]}; "
                                  "the first is used: merge them or remove one"))
        return False
    container.keys[name] = key
    container.value.append((key, value))
    return True


def _compose_events(text: str) -> tuple[_YNode | None, list[Problem]]:
    """One pass over libyaml's events: no recursion, nothing expands.

    This loop runs once per YAML node of every SOP, so it is written for
    speed: the open container and its pending key are locals, and scalars
    are attached inline.
    """
    parser = _Parser(text)
    duplicates: list[Problem] = []
    stack: list[tuple[Any, Any]] = []  # outer (container, pending key) frames
    container: Any = None  # the open mapping or sequence, None at the top level
    pending: Any = None  # a mapping's key waiting for its value
    root: _YNode | None = None
    documents = 0
    scalar_event, alias_event = _ev.ScalarEvent, _ev.AliasEvent
    map_start, seq_start = _ev.MappingStartEvent, _ev.SequenceStartEvent
    map_end, seq_end = _ev.MappingEndEvent, _ev.SequenceEndEvent
    try:
        get_event = parser.get_event
        while True:
            event = get_event()
            kind = event.__class__
            if kind is scalar_event or kind is map_start or kind is seq_start:
                mark = event.start_mark
                span = _new_tuple(Span, (mark.line + 1, mark.column + 1))
                if event.anchor is not None:
                    raise _Refused(f"anchor '&{clip(event.anchor, 40)}' is not allowed: "
                                   "write the value out in full", *span)
                if kind is scalar_event:
                    node: Any = _YScalar(_scalar_value(event), span)
                else:
                    tag = event.tag
                    if tag is not None and tag != "!" and tag not in STANDARD_TAGS:
                        raise _Refused(f"tag {clip(tag)!r} is not allowed in an SOP", *span)
                    node = _YMap(span) if kind is map_start else _YSeq(span)
                    if len(stack) >= MAX_DEPTH:
                        raise _Refused(f"the file nests deeper than {MAX_DEPTH} levels; "
                                       "an SOP needs no more than 6", *span)
                # attach the node to the open container
                if container is None:
                    root = node
                elif container.__class__ is _YSeq:
                    container.value.append(node)
                elif pending is None:  # the node is a key
                    if kind is not scalar_event:
                        raise _Refused("a key must be a plain word, not a list or mapping", *span)
                    if node.value == "<<" and event.implicit[0]:
                        raise _Refused("merge keys ('<<') are not allowed: write the fields out in full", *span)
                    pending = node
                else:
                    _add_item(container, pending, node, duplicates)
                    pending = None
                if kind is not scalar_event:
                    stack.append((container, pending))
                    container, pending = node, None
            elif kind is map_end or kind is seq_end:
                container, pending = stack.pop()
            elif kind is alias_event:
                raise _Refused(f"alias '*{clip(event.anchor, 40)}' is not allowed: write the value "
                               "out in full", *_span(event.start_mark.line, event.start_mark.column))
            elif kind is _ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refused("the file holds more than one YAML document ('---'); "
                                   "put each SOP in its own file",
                                   *_span(event.start_mark.line, event.start_mark.column))
            elif kind is _ev.StreamEndEvent:
                break
    finally:
        parser.dispose()
    return root, duplicates


# --------------------------------------------------------------------------
# schema: a small interpreter of the subset of JSON Schema that schema.json uses


@lru_cache(maxsize=1)
def json_schema() -> Mapping[str, Any]:
    """The shipped JSON Schema of the SOP format (what `csdocs schema` prints)."""
    return json.loads(resources.files("csdocs").joinpath("schema.json").read_text("utf-8"))


# A duration's type and syntax are the `duration-format` rule's job (one
# mistake, one finding, and a better hint: `4` -> "add a unit, e.g. '4h'");
# the schema only insists that it is a single value.
_RULE_CHECKED_DEFS = {"#/$defs/duration"}


def _type_name(node: _YNode) -> str:
    if node.__class__ is _YMap:
        return "a mapping"
    if node.__class__ is _YSeq:
        return "a list"
    value = node.value
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({clip(value, 20)})"
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


def _matches_type(node: _YNode, expected: str, schema: Mapping[str, Any]) -> bool:
    if expected == "object":
        return node.__class__ is _YMap
    if expected == "array":
        return node.__class__ is _YSeq
    if node.__class__ is not _YScalar:
        return False
    value = node.value
    if expected == "string" and schema.get("format") == "date":
        return isinstance(value, _dt.date) or (isinstance(value, str) and _is_iso_date(value))
    if isinstance(value, bool) and expected != "boolean":
        return False
    return isinstance(value, _PY_TYPES[expected])


def _is_iso_date(text: str) -> bool:
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    node: Any = json_schema()
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def conforms(node: _YNode) -> bool:
    """True when the whole SOP matches the schema: the fast check for the common case.

    ``validate`` walks with messages and document paths, which costs several
    times more; it runs only on files that fail this check.
    """
    return _compiled_check(id(json_schema()))(node)


@lru_cache(maxsize=None)
def _compiled_check(schema_id: int) -> Any:
    return _compile_check(json_schema())


def _compile_check(schema: Mapping[str, Any]) -> Any:
    """Turn a schema into a function node -> bool (the subset validate understands)."""
    if schema.get("$ref") in _RULE_CHECKED_DEFS:
        return lambda node: node.__class__ is _YScalar
    schema = _resolve(schema)
    if "enum" in schema:
        allowed = frozenset(schema["enum"])
        return lambda node: node.__class__ is _YScalar and node.value.__class__ is str and node.value in allowed
    expected = schema.get("type")
    options = expected if isinstance(expected, list) else [expected] if expected else []
    if options == ["string"] and schema.get("format") != "date":
        pattern = None if "pattern" not in schema else _compiled(schema["pattern"]).search
        min_length = schema.get("minLength", 0)

        def check_text(node: _YNode) -> bool:
            if node.__class__ is not _YScalar or node.value.__class__ is not str:
                return False
            value = node.value
            if min_length and len(value.strip()) < min_length:
                return False
            return pattern is None or pattern(value) is not None

        return check_text
    if options == ["array"]:
        item_check = _compile_check(schema["items"]) if "items" in schema else None
        min_items = schema.get("minItems", 0)
        return lambda node: (node.__class__ is _YSeq and len(node.value) >= min_items
                             and (item_check is None or all(map(item_check, node.value))))
    if options == ["object"]:
        properties = {name: _compile_check(sub) for name, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        extra_check = _compile_check(extra) if isinstance(extra, dict) else None
        required = tuple(schema.get("required", ()))

        def check_mapping(node: _YNode) -> bool:
            if node.__class__ is not _YMap:
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
    # anything else (several types, dates): the general path
    return lambda node: not any(True for _ in validate(node, schema, ""))


def validate(node: _YNode, schema: Mapping[str, Any], where: str) -> Iterator[Problem]:
    """Yield one ``schema`` problem per mismatch between ``node`` and ``schema``."""
    if schema.get("$ref") in _RULE_CHECKED_DEFS:
        if node.__class__ is not _YScalar:
            yield Problem("schema", node.span, f"'{where}' must be a duration such as 4h, not {_type_name(node)}")
        return
    schema = _resolve(schema)
    if "enum" in schema:
        allowed = schema["enum"]
        if node.__class__ is not _YScalar or node.value not in allowed:
            got = clip(node.value, 40) if node.__class__ is _YScalar else _type_name(node)
            hint = _suggest(str(got), allowed)
            yield Problem("schema", node.span,
                          f"'{where}' is {got!r}; use one of: {', '.join(allowed)}{hint}")
        return
    expected = schema.get("type")
    if expected is not None:
        options = expected if isinstance(expected, list) else [expected]
        if not any(_matches_type(node, option, schema) for option in options):
            words = " or ".join(_TYPE_WORDS[o] for o in options)
            if schema.get("format") == "date":
                words = "a date (YYYY-MM-DD)"
            hint = ""
            if "string" in options and isinstance(node.value, bool):
                hint = ' (quote it: "Yes" and "No" unquoted are true/false in YAML)'
            elif "string" in options and node.__class__ is _YScalar and node.value is not None:
                hint = " (quote it)"
            yield Problem("schema", node.span, f"'{where}' must be {words}, not {_type_name(node)}{hint}")
            return
    if node.__class__ is _YScalar:
        value = node.value
        if isinstance(value, str):
            if schema.get("minLength") and len(value.strip()) < schema["minLength"]:
                yield Problem("schema", node.span, f"'{where}' is empty")
            pattern = schema.get("pattern")
            if pattern and not _compiled(pattern).search(value):
                yield Problem("schema", node.span,
                              f"'{where}' is {clip(value, 40)!r}: it must be lower-case letters, digits and "
                              f"dashes, starting with a letter or digit (e.g. "
                              f"{_slug_hint(value)!r})")
        return
    if node.__class__ is _YSeq:
        if len(node.value) < schema.get("minItems", 0):
            yield Problem("schema", node.span, f"'{where}' needs at least {schema['minItems']} item")
        items = schema.get("items")
        if items is not None:
            for index, item in enumerate(node.value):
                yield from validate(item, items, f"{where}[{index}]" if where else f"[{index}]")
        return
    yield from _validate_mapping(node, schema, where)  # type: ignore[arg-type]


def _validate_mapping(node: _YMap, schema: Mapping[str, Any], where: str) -> Iterator[Problem]:
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
            yield Problem("schema", key.span, f"unknown field '{clip(name, 40)}'{where_text}{hint}")
        elif isinstance(extra, dict):
            yield from validate(value, extra, child_where)
    for name in schema.get("required", ()):
        if name not in node.keys and name not in suggested:
            where_text = f"'{where}'" if where else "the SOP"
            yield Problem("schema", node.span, f"{where_text} has no '{name}' (it is required)")


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _suggest(value: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(value.lower(), [str(a) for a in allowed], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _slug_hint(value: str) -> str:
    from .model import slugify

    return slugify(value)


# --------------------------------------------------------------------------
# light nodes -> model (after validation: wrong-typed values become defaults)


def _text(node: _YNode | None) -> str | None:
    if node is None or node.__class__ is not _YScalar or not isinstance(node.value, str):
        return None
    return node.value


def _scalar_text(node: _YNode | None) -> str | None:
    """Text, number or date as text (version, metric targets)."""
    if node is None or node.__class__ is not _YScalar or node.value is None:
        return None
    value = node.value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and "." not in str(value):
        return str(int(value))
    return str(value)


def _texts(node: _YNode | None) -> tuple[str, ...]:
    if node is None or node.__class__ is not _YSeq:
        return ()
    return tuple(v.value for v in node.value if v.__class__ is _YScalar and isinstance(v.value, str))


def _fields(node: _YNode | None) -> dict[Any, _YNode]:
    if node is None or node.__class__ is not _YMap:
        return {}
    return {key.value: value for key, value in node.value}


def _spans(node: _YNode) -> Mapping[str, Span]:
    spans: dict[str, Span] = {}
    if node.__class__ is not _YMap:
        return MappingProxyType(spans)
    for key, value in node.value:
        name = str(key.value)
        spans[name] = value.span
        spans[name + ":key"] = key.span
        if value.__class__ is _YSeq:
            for index, item in enumerate(value.value):
                spans[f"{name}[{index}]"] = item.span
        elif value.__class__ is _YMap and name in ("definitions", "sla", "metrics", "tiers"):
            for sub_key, sub_value in value.value:
                spans[f"{name}.{sub_key.value}"] = sub_value.span
                spans[f"{name}.{sub_key.value}:key"] = sub_key.span
    return MappingProxyType(spans)


def _move(fields: dict[Any, _YNode]) -> Move:
    return Move(*(_text(fields.get(name)) for name in MOVE_FIELDS))


def _build_step(node: _YNode, index: int) -> Step:
    fields = _fields(node)
    step_id = _text(fields.get("id"))
    path = f"steps[{index}]"
    branches = []
    branch_list = fields.get("branches")
    if branch_list is not None and branch_list.__class__ is _YSeq:
        for b_index, b_node in enumerate(branch_list.value):
            b_fields = _fields(b_node)
            answer = _text(b_fields.get("answer"))
            if answer is None:
                answer = _scalar_text(b_fields.get("answer")) or ""
            branches.append(Branch(answer=answer, move=_move(b_fields), path=f"{path}.branches[{b_index}]",
                                   span=b_node.span, spans=_spans(b_node)))
    automated = fields.get("automated")
    return Step(
        index=index,
        id=step_id if step_id else f"<step {index + 1}>",
        has_id=bool(step_id),
        title=_text(fields.get("title")) or "",
        path=path,
        stage=_text(fields.get("stage")),
        actor=_text(fields.get("actor")),
        action=_text(fields.get("action")),
        say=_text(fields.get("say")),
        automated=automated is not None and automated.value is True,
        decision=_text(fields.get("decision")),
        branches=tuple(branches),
        move=_move(fields),
        span=node.span,
        spans=_spans(node),
    )


def _build_escalation(node: _YNode, index: int) -> Escalation:
    fields = _fields(node)
    handoff = fields.get("handoff")
    return Escalation(
        id=_text(fields.get("id")) or f"<escalation {index + 1}>",
        path=f"escalations[{index}]",
        trigger=_text(fields.get("trigger")),
        from_tier=_text(fields.get("from")) or "L1",
        to_tier=_text(fields.get("to")),
        owner=_text(fields.get("owner")),
        sla=_scalar_text(fields.get("sla")),
        handoff=_texts(handoff) if handoff is not None and handoff.__class__ is _YSeq else None,
        span=node.span,
        spans=_spans(node),
    )


def _build_tiers(node: _YNode | None) -> tuple[Tier, ...]:
    tiers = []
    for key, value in (node.value if node is not None and node.__class__ is _YMap else ()):
        if value.__class__ is _YMap:
            fields = _fields(value)
            tiers.append(Tier(id=str(key.value), name=_text(fields.get("name")) or str(key.value),
                              authority=_text(fields.get("authority")), span=key.span, spans=_spans(value)))
    return tuple(tiers)


def _string_map(node: _YNode | None) -> Mapping[str, str]:
    if node is None or node.__class__ is not _YMap:
        return MappingProxyType({})
    out = {}
    for key, value in node.value:
        text = _scalar_text(value)
        if text is not None:
            out[str(key.value)] = text
    return MappingProxyType(out)


def build_sop(root: _YMap, path: str) -> Sop:
    fields = _fields(root)
    definitions = tuple(
        Definition(term=str(key.value), meaning=_scalar_text(value) or "", span=key.span)
        for key, value in (fields["definitions"].value if fields.get("definitions").__class__ is _YMap else ())
    )
    script_node = fields.get("script")
    script_fields = _fields(script_node)
    script = Script(
        greeting=_text(script_fields.get("greeting")),
        questions=_texts(script_fields.get("questions")),
        closing=_text(script_fields.get("closing")),
        span=script_node.span if script_node is not None else root.span,
        spans=_spans(script_node) if script_node is not None else MappingProxyType({}),
    )
    steps_node = fields.get("steps")
    steps = tuple(
        _build_step(node, index)
        for index, node in enumerate(steps_node.value if steps_node.__class__ is _YSeq else ())
        if node.__class__ is _YMap
    )
    escalations_node = fields.get("escalations")
    escalations = tuple(
        _build_escalation(node, index)
        for index, node in enumerate(escalations_node.value if escalations_node.__class__ is _YSeq else ())
        if node.__class__ is _YMap
    )
    last_reviewed = fields.get("last_reviewed")
    reviewed = None
    if last_reviewed is not None and last_reviewed.__class__ is _YScalar:
        value = last_reviewed.value
        if isinstance(value, _dt.datetime):
            reviewed = value.date()
        elif isinstance(value, _dt.date):
            reviewed = value
        elif isinstance(value, str) and _is_iso_date(value):
            reviewed = _dt.date.fromisoformat(value)
    status = _text(fields.get("status"))
    return Sop(
        path=path,
        id=_text(fields.get("id")) or Path(path).stem,
        title=_text(fields.get("title")) or "",
        department=_text(fields.get("department")) or "",
        owner=_text(fields.get("owner")),
        purpose=(_text(fields.get("purpose")) or "").strip(),
        status=status if status in ("draft", "active", "retired") else "active",
        version=_scalar_text(fields.get("version")),
        last_reviewed=reviewed,
        review_every=_scalar_text(fields.get("review_every")) or DEFAULT_REVIEW_EVERY,
        channels=_texts(fields.get("channels")),
        contact_types=_texts(fields.get("contact_types")),
        priority=_text(fields.get("priority")),
        tags=_texts(fields.get("tags")),
        definitions=definitions,
        sla=_string_map(fields.get("sla")),
        tiers=_build_tiers(fields.get("tiers")),
        script=script,
        steps=steps,
        escalations=escalations,
        metrics=_string_map(fields.get("metrics")),
        related=_texts(fields.get("related")),
        span=root.span,
        spans=_spans(root),
    )


# --------------------------------------------------------------------------
# public API


@dataclass(frozen=True, slots=True)
class Loaded:
    """What reading one file gave: the model (None if unusable) and the problems."""

    path: str
    sop: Sop | None
    problems: tuple[Problem, ...]
    text: str = ""


def read_text(path: str | Path) -> str:
    """Read and decode a file within the size bound, or raise ``_Refused``."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _Refused(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB; an SOP is a few KiB", 1, 1)
    return decode(data)


def load_text(text: str, path: str) -> Loaded:
    """Parse SOP text; every problem is located, nothing raises."""
    try:
        root, problems = compose(text)
    except _Refused as refused:
        return Loaded(path, None, (refused.problem,), text)
    if root is None:
        return Loaded(path, None, (Problem("schema", Span(1, 1), "the file is empty; an SOP needs at least "
                                           "title, department, owner, purpose and steps"),), text)
    if root.__class__ is not _YMap:
        return Loaded(path, None, (Problem("schema", root.span, f"the top level is {_type_name(root)}; an SOP "
                                           "is a mapping of fields (title: ..., steps: ...)"),), text)
    if not conforms(root):
        problems.extend(validate(root, json_schema(), ""))
    return Loaded(path, build_sop(root, path), tuple(problems), text)


def load_file(path: str | Path) -> Loaded:
    """Read, decode and parse one SOP file; every problem is located, nothing raises."""
    name = str(path)
    try:
        text = read_text(path)
    except _Refused as refused:
        return Loaded(name, None, (refused.problem,))
    except OSError as error:
        return Loaded(name, None, (Problem("yaml-syntax", Span(1, 1), f"cannot read the file: {error.strerror}"),))
    return load_text(text, name)


def load_glossary(path: str | Path) -> tuple[Glossary, tuple[Problem, ...]]:
    """``sops/glossary.yaml``: a mapping term -> meaning."""
    name = str(path)
    try:
        root, problems = compose(read_text(path))
    except _Refused as refused:
        return Glossary(name), (refused.problem,)
    except OSError as error:
        return Glossary(name), (Problem("yaml-syntax", Span(1, 1), f"cannot read the glossary: {error.strerror}"),)
    if root is None:
        return Glossary(name), tuple(problems)
    if root.__class__ is not _YMap:
        return Glossary(name), (*problems, Problem("schema", root.span,
                                                   "the glossary must be a mapping of term: meaning"))
    terms: dict[str, str] = {}
    spans: dict[str, Span] = {}
    for key, value in root.value:
        meaning = _text(value)
        if meaning is None:
            problems.append(Problem("schema", value.span,
                                    f"glossary term '{clip(key.value, 40)}' must have a text meaning"))
            continue
        terms[str(key.value)] = meaning
        spans[str(key.value)] = key.span
    return Glossary(name, MappingProxyType(terms), MappingProxyType(spans)), tuple(problems)


def load_plain_yaml(text: str) -> Any:
    """Plain Python data from safe YAML (used for mkdocs.yml, which may hold
    ``!!python/name`` tags for mkdocs-material: those load as None)."""

    class _Lenient(yaml.SafeLoader):
        pass

    _Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
    _Lenient.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return yaml.load(text, Loader=_Lenient)  # noqa: S506 - SafeLoader subclass
