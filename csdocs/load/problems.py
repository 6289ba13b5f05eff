"""What reading a file can report: a located problem, never an exception."""

from __future__ import annotations

from typing import NamedTuple

from ..model import Span

MAX_ECHO = 80  # messages never quote more than this many characters of a value


class Problem(NamedTuple):
    """A finding before the engine stamps path and severity on it."""

    rule: str
    span: Span
    message: str
    where: str | None = None  # the document path (``steps[3].next``) when the finder knows it


class Refused(Exception):
    """Raised inside the event walk; always turned into one Problem."""

    def __init__(self, message: str, line: int, column: int, rule: str = "yaml-syntax") -> None:
        super().__init__(message)
        self.problem = Problem(rule, Span(line, column), message)


def clip(value: object, limit: int = MAX_ECHO) -> str:
    """Quote a user's value in a message without echoing a 20 MiB string."""
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
