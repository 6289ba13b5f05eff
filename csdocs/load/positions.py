"""Where a character of a scalar's value sits in the file: the value re-read from its source.

The model keeps the position of each value's first character (its quote,
its ``|`` or its first letter), not the text as written. A rule that
finds a word at offset *n* of a value asks :func:`value_position` where
that character is: this module reads the scalar again from the source,
as libyaml did, character by character, so quotes, escapes (``\\"``,
``\\u00e9``), ``''`` in single quotes, folded lines, block scalars and
indentation are all counted.

Positions are 1-based lines and columns counted in Unicode code points
(what libyaml and Python count, and SARIF's ``unicodeCodePoints``): an
``é``, a ``ｱ`` or an emoji before the word is one column each, whatever
its width on screen or its length in UTF-8 or UTF-16. Lines break where
YAML breaks them: ``\\n``, ``\\r\\n``, ``\\r``, and U+0085, U+2028, U+2029.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from ..model import Span

_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BREAKS = frozenset("\r\n\x85\u2028\u2029")
_BLANKS = frozenset(" \t")
_HEX_LENGTH = {"x": 2, "u": 4, "U": 8}


class Source:
    """A file's text with its line starts, for many look-ups into it."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0, *(match.end() for match in _BREAK.finditer(text))]

    def index(self, span: Span) -> int | None:
        """The offset of ``span`` in the text, or None when it lies outside it."""
        if not 0 < span.line <= len(self._starts):
            return None
        index = self._starts[span.line - 1] + span.column - 1
        return index if index < len(self.text) else None

    def span(self, index: int) -> Span:
        line = bisect_right(self._starts, index)
        return Span(line, index - self._starts[line - 1] + 1)


def value_position(source: Source, span: Span, value: str, offset: int) -> Span | None:
    """Where ``value[offset]`` is written, for the scalar that starts at ``span``.

    ``value`` is the scalar as the model holds it (which may have lost
    leading white space, as ``purpose`` does). None when the source does
    not read back to ``value`` there (the caller then points at the value).
    """
    start = source.index(span)
    if start is None or not 0 <= offset < len(value):
        return None
    text = source.text
    first = text[start]
    if first in "\"'":
        chars = _flow(text, start + 1, first)
    elif first in "|>":
        chars = _block(text, start, folded=first == ">")
    else:
        chars = _flow(text, start, None)
    skip = len(value) - len(value.lstrip()) if value[:1].isspace() else None
    produced = 0
    for char, index in chars:
        if skip is None and produced == 0 and char.isspace():
            continue  # stripped by the loader: not part of the model's value
        if skip is None:
            skip = 0
        if produced == offset:
            return source.span(index) if char == value[offset] else None
        if produced < len(value) and char != value[produced]:
            return None  # the source does not read back to the value: do not guess
        produced += 1
    return None


def _fold(text: str, index: int) -> tuple[int, int]:
    """At a line break inside a flow scalar: (breaks counted, index of the next content character)."""
    breaks = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in _BREAKS:
            breaks += 1
            index += 2 if text.startswith("\r\n", index) else 1
        elif char in _BLANKS:
            index += 1
        else:
            break
    return breaks, index


def _folded(text: str, index: int) -> tuple[list[tuple[str, int]], int] | None:
    """Trailing blanks and line breaks from ``index``: what they fold to, and where content resumes."""
    scan = index
    while scan < len(text) and text[scan] in _BLANKS:
        scan += 1
    if scan >= len(text) or text[scan] not in _BREAKS:
        return None
    breaks, resume = _fold(text, scan)
    produced = [(" ", scan)] if breaks == 1 else [("\n", scan)] * (breaks - 1)
    return produced, resume


def _flow(text: str, index: int, quote: str | None) -> Iterator[tuple[str, int]]:
    """A flow scalar's characters from ``index``, with where each is written.

    ``quote`` is ``'"'`` (escapes read), ``"'"`` (``''`` is one quote) or
    None for a plain scalar, which runs on (the caller stops at its offset).
    All three fold their line breaks the same way.
    """
    length = len(text)
    while index < length:
        char = text[index]
        if char == quote:
            if quote == "'" and text.startswith("''", index):
                yield "'", index
                index += 2
                continue
            return
        if quote == '"' and char == "\\" and index + 1 < length:
            code = text[index + 1]
            if code in _BREAKS:  # an escaped line break joins the lines with nothing
                _, index = _fold(text, index + 1)
                continue
            if code in _HEX_LENGTH:
                digits = text[index + 2:index + 2 + _HEX_LENGTH[code]]
                try:
                    yield chr(int(digits, 16)), index
                except (ValueError, OverflowError):
                    return
                index += 2 + _HEX_LENGTH[code]
                continue
            yield _ESCAPES.get(code, code), index
            index += 2
            continue
        if char in _BLANKS or char in _BREAKS:
            folded = _folded(text, index)
            if folded is not None:
                yield from folded[0]
                index = folded[1]
                continue
        yield char, index
        index += 1


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
            "L": "\u2028", "P": "\u2029"}


def _block(text: str, start: int, *, folded: bool) -> Iterator[tuple[str, int]]:
    """A literal (``|``) or folded (``>``) block scalar from its indicator at ``start``."""
    header_end = _BREAK.search(text, start)
    if header_end is None:
        return
    header = text[start + 1:header_end.start()].split("#", 1)[0].strip()
    digits = [char for char in header if char.isdigit()]
    indent: int | None = None
    if digits:  # counted from the parent's indentation: the column of the header line's key
        line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
        before = text[line_start:start]
        parent = len(before) - len(before.lstrip(" -"))
        indent = parent + int(digits[0])
    previous_normal = False
    pending_breaks = 0
    produced_any = False
    for line, line_start in _lines(text, header_end.end()):
        if not line.strip(" \t"):
            pending_breaks += 1
            continue
        leading = len(line) - len(line.lstrip(" "))
        if indent is None:
            indent = leading
        if leading < indent:
            return  # less indented: the block has ended
        content = line[indent:]
        normal = content[0] not in _BLANKS
        if produced_any:
            if folded and previous_normal and normal:
                yield from [(" ", line_start)] if pending_breaks == 0 else [("\n", line_start)] * pending_breaks
            else:
                yield from [("\n", line_start)] * (pending_breaks + 1)
        else:
            yield from [("\n", line_start)] * pending_breaks
        pending_breaks = 0
        for position, char in enumerate(content):
            yield char, line_start + indent + position
        produced_any = True
        previous_normal = normal


def _lines(text: str, position: int) -> Iterator[tuple[str, int]]:
    """The lines from ``position`` on, without their breaks, with the offset each starts at."""
    for match in _BREAK.finditer(text, position):
        yield text[position:match.start()], position
        position = match.end()
    if position < len(text):
        yield text[position:], position
