"""Text -> light YAML nodes with positions, in one pass over libyaml's events.

Why walk the events instead of calling ``yaml.compose`` or ``yaml.load``:

* no recursion: a 10,000-deep nesting is refused when the stack passes
  :data:`MAX_DEPTH`, before anything recursive sees it (PyYAML's composer
  recurses, and a ``RecursionError`` is not a ``YAMLError``);
* aliases, anchors, merge keys and non-standard tags are refused as they
  arrive, so an alias bomb never expands and ``!!python/...`` never
  constructs anything;
* duplicate keys are seen (PyYAML silently keeps the last);
* the nodes are small and are turned into the model and dropped at once.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

import yaml
from yaml import events as _ev

from ..model import NO_SPAN, Span, member
from .chars import LINE_BREAKS, describe, fix_for
from .positions import Source
from .problems import Problem, Refused, clip

try:  # libyaml's C parser is ~10x faster than the pure-Python one
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]  # the pure-Python class under the C one's name

MAX_DEPTH = 64  # the format nests 5 levels deep; 64 leaves room for mistakes

_TOO_DEEP = f"the file nests deeper than {MAX_DEPTH} levels; an SOP needs no more than 6"

STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}




class YNode:
    __slots__ = ("span", "value")

    def __init__(self, value: Any, span: Span) -> None:
        self.value = value  # scalar: the Python value; map: list of (key, node); seq: list
        self.span = span


class YScalar(YNode):
    # ``written``: set only on a plain scalar that YAML reads as something else than its text and
    # whose text must not be lost (``1.10``, ``5:30``, ``010``); see :func:`_implicit`
    __slots__ = ("written",)
    written: str  # unset on every other scalar: read it with getattr(node, "written", None)

    def __init__(self, value: Any, span: Span) -> None:  # no super() call: this runs per scalar
        self.value = value
        self.span = span


class YMap(YNode):
    __slots__ = ("keys",)

    def __init__(self, span: Span) -> None:
        self.value = []
        self.span = span
        self.keys: dict[Any, YScalar] = {}


class YSeq(YNode):
    __slots__ = ()

    def __init__(self, span: Span) -> None:
        self.value = []
        self.span = span


def _span(line0: int, column0: int) -> Span:
    return _new_tuple(Span, (line0 + 1, column0 + 1))


_new_tuple = tuple.__new__


def _at(event: _ev.Event) -> Span:
    """Where an event starts (libyaml marks every event; the file's start if one had no mark)."""
    mark = event.start_mark
    return _span(mark.line, mark.column) if mark is not None else NO_SPAN


# types-PyYAML leaves the resolver unannotated; this is its signature.
_resolve_tag: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = yaml.resolver.Resolver().resolve
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
        tag = _resolve_tag(yaml.ScalarNode, value, (True, False))
        if tag == _STR:
            return value
    elif tag not in STANDARD_TAGS:
        raise Refused(f"tag {clip(tag)!r} is not allowed in an SOP", *_at(event))
    if tag in (_STR, _MERGE):  # a merge key is refused where it is used as a key
        return value
    try:
        return _CONSTRUCT[tag](yaml.ScalarNode(tag, value))
    except (KeyError, ValueError, yaml.YAMLError):
        raise Refused(f"{clip(value)!r} is not a valid {tag.rsplit(':', 1)[-1]}", *_at(event)) from None


def _implicit(node: YScalar, written: str, *, is_key: bool) -> Problem | None:
    """A plain scalar YAML 1.1 reads as something else than its text.

    A key is always a name: it keeps its text, with the ``yaml-implicit-type`` problem (a key is
    checked nowhere else). A value keeps its text in ``written`` when the reading loses it
    (``1.10``, ``5:30``, ``010``); the schema check, which knows what the field holds, reports it
    (:func:`implicit_value_problem`).
    """
    value = node.value
    if is_key:  # the word written; a finding when YAML 1.1 reads something else (1 is 1, NO is false)
        node.value = written
        if value is not None and not isinstance(value, bool) and str(value) == written:
            return None
        return Problem("yaml-implicit-type", node.span, f"key {clip(written, 40)!r} is read by YAML as "
                                                        f"{_read_as(value)}: quote it: {clip(_quoted(written), 42)}")
    if (value.__class__ is int and _int_reading(written) is not None) or (
            value.__class__ is float and repr(value) != written):
        node.written = written
    return None


def _read_as(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, _dt.date):
        return f"the date {value}"
    return f"the number {value}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _int_reading(written: str) -> str | None:
    """How YAML 1.1 reads an integer that is not plain digits: base 60, octal, hexadecimal, binary."""
    digits = written.lstrip("+-").replace("_", "")
    if ":" in digits:
        return "a time in base 60"
    if len(digits) > 1 and digits[0] == "0":
        return {"x": "hexadecimal", "b": "binary"}.get(digits[1], "octal")
    return None


def implicit_value_problem(node: YScalar, field: str, *, text_only: bool) -> Problem | None:
    """The ``yaml-implicit-type`` problem of a value kept in ``written``, with the fix, or None when
    the reading loses nothing that matters there (``csat: 4.50`` is the number 4.5).

    ``field`` is the field's name (``aht``, ``version``); ``text_only``: the field holds only text.
    """
    written = getattr(node, "written", None)
    if written is None:
        return None
    value = node.value
    why = _int_reading(written) if value.__class__ is int else (
        "a time in base 60" if ":" in written else "a number")
    if why is None or (value.__class__ is float and ":" not in written and not text_only and field != "version"):
        return None
    fix = f"quote it: {clip(_quoted(written), 42)}"
    if why == "a time in base 60" and field == "aht":
        fix = _aht_fix(written) or fix
    elif why == "octal" and not text_only and field != "version":
        fix = f"write {int(written.replace('_', ''), 10)} without the leading zero, or {fix}"
    return Problem("yaml-implicit-type", node.span,
                   f"{field} {clip(written, 40)!r} is read by YAML as {value} ({why}): {fix}", None)


def _aht_fix(text: str) -> str | None:
    """``5:30`` as AHT (minutes:seconds) -> the minutes to write: AHT is whole minutes (``6m``)."""
    parts = text.split(":")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    minutes, seconds = int(parts[0]), int(parts[1])
    if seconds == 0:
        return f"write it in minutes: '{minutes}m'"
    return (f"AHT is written in whole minutes with a unit: '{minutes}m' or '{minutes + 1}m' "
            f"({minutes} min {seconds} s)")


def _line_separator_before(text: str, line: int) -> tuple[str, int, int] | None:
    """The first invisible line break (U+2028, U+2029, U+0085) on or before ``line``, as a message and
    its position, or None."""
    index = min((found for found in (text.find(char) for char in LINE_BREAKS) if found >= 0), default=-1)
    if index < 0:
        return None
    at = Source(text).span(index)
    if at.line > line:
        return None
    return f"invisible character {describe(text[index])}: {fix_for(text[index])}", at.line, at.column


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 < line <= len(lines) and 0 < column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def compose(text: str) -> tuple[YNode | None, list[Problem]]:
    """Parse one YAML document into light nodes; refuse what an SOP never needs.

    Returns the root (None for an empty document) and the duplicate-key
    problems; raises ``Refused`` for anything that stops the parse.

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
            raise Refused(message, line, column) from None
        if "maximum nesting depth" in message:  # libyaml's own bound, met before ours in flow style
            raise Refused(_TOO_DEEP, line, column) from None
        if "tab" in message or _char_at(text, line, column) == "\t":
            message += " (indent with spaces, not tabs)"
        separator = _line_separator_before(text, line)
        if separator is not None:  # the editor shows one line where YAML sees two: the real cause
            raise Refused(*separator, rule="invisible-character") from None
        raise Refused(f"invalid YAML: {clip(message, 120)}", line, column) from None
    except yaml.YAMLError as error:
        raise Refused(f"invalid YAML: {clip(error, 120)}", 1, 1) from None


def _document_path(stack: list[tuple[Any, Any]], container: YMap, key: YScalar) -> str:
    """The document path (``steps[2].branches[0].answer``) of ``key`` in the open ``container``, from
    the containers open around it: each holds the next as its last item. Run only for a problem."""
    path = ""
    opened = [frame[0] for frame in stack[1:]] + [container]
    for outer in opened[:-1]:
        if outer.__class__ is YSeq:
            path += f"[{len(outer.value) - 1}]"
        elif outer.value:
            path = member(path, str(outer.value[-1][0].value))
    return member(path, str(key.value))


def _add_item(container: YMap, key: YScalar, value: YNode, duplicates: list[Problem]) -> bool:
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


def _compose_events(text: str) -> tuple[YNode | None, list[Problem]]:
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
    root: YNode | None = None
    documents = 0
    scalar_event, alias_event = _ev.ScalarEvent, _ev.AliasEvent
    map_start, seq_start = _ev.MappingStartEvent, _ev.SequenceStartEvent
    map_end, seq_end = _ev.MappingEndEvent, _ev.SequenceEndEvent
    try:
        get_event = parser.get_event
        while True:
            # Any: the branches below test the event's exact class (faster than isinstance in
            # this loop), which mypy does not narrow on.
            event: Any = get_event()
            kind = event.__class__
            if kind is scalar_event or kind is map_start or kind is seq_start:
                mark = event.start_mark
                span = _new_tuple(Span, (mark.line + 1, mark.column + 1))
                if event.anchor is not None:
                    raise Refused(f"anchor '&{clip(event.anchor, 40)}' is not allowed: "
                                   "write the value out in full", *span)
                if kind is scalar_event:
                    node: Any = YScalar(_scalar_value(event), span)
                    if node.value.__class__ is not str and event.value and event.implicit[0]:
                        is_key = container is not None and container.__class__ is YMap and pending is None
                        problem = _implicit(node, event.value, is_key=is_key)
                        if problem is not None:
                            duplicates.append(problem._replace(where=_document_path(stack, container, node)))
                else:
                    tag = event.tag
                    if tag is not None and tag != "!" and tag not in STANDARD_TAGS:
                        raise Refused(f"tag {clip(tag)!r} is not allowed in an SOP", *span)
                    node = YMap(span) if kind is map_start else YSeq(span)
                    if len(stack) >= MAX_DEPTH:
                        raise Refused(_TOO_DEEP, *span)
                # attach the node to the open container
                if container is None:
                    root = node
                elif container.__class__ is YSeq:
                    container.value.append(node)
                elif pending is None:  # the node is a key
                    if kind is not scalar_event:
                        raise Refused("a key must be a plain word, not a list or mapping", *span)
                    if node.value == "<<" and event.implicit[0]:
                        raise Refused("merge keys ('<<') are not allowed: write the fields out in full", *span)
                    pending = node
                else:
                    if not _add_item(container, pending, node, duplicates):
                        duplicates[-1] = duplicates[-1]._replace(where=_document_path(stack, container, pending))
                    pending = None
                if kind is not scalar_event:
                    stack.append((container, pending))
                    container, pending = node, None
            elif kind is map_end or kind is seq_end:
                container, pending = stack.pop()
            elif kind is alias_event:
                raise Refused(f"alias '*{clip(event.anchor, 40)}' is not allowed: write the value "
                               "out in full", *_span(event.start_mark.line, event.start_mark.column))
            elif kind is _ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise Refused("the file holds more than one YAML document ('---'); "
                                   "put each SOP in its own file",
                                   *_span(event.start_mark.line, event.start_mark.column))
            elif kind is _ev.StreamEndEvent:
                break
    finally:
        parser.dispose()
    return root, duplicates
