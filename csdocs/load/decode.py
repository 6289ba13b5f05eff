"""Bytes -> text: UTF-8 only, within a size bound, no NUL byte."""

from __future__ import annotations

from pathlib import Path

from .problems import Refused

MAX_BYTES = 4 * 1024 * 1024  # the longest real SOP is a few KiB


def decode(data: bytes) -> str:
    """UTF-8 (BOM allowed) to text, within :data:`MAX_BYTES`, or raise ``Refused`` with the position.

    Every reader (a file on disk, a blob read from git) goes through here, so
    the size bound and its message are the same whatever the bytes came from.
    """
    if len(data) > MAX_BYTES:
        raise Refused(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB; an SOP is a few KiB", 1, 1)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) >= 2 and (data[0] == 0 or data[1] == 0)):
        raise Refused("the file is UTF-16; save it as UTF-8", 1, 1)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(data, error.start)
        raise Refused(
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8", line, column
        ) from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise Refused("the file holds a NUL byte; an SOP is plain text", line, column)
    return text


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def read_bounded(path: str | Path) -> bytes:
    """A file's bytes, at most one byte past :data:`MAX_BYTES` (enough for :func:`decode` to refuse it).

    Raises ``OSError`` when the file cannot be read.
    """
    with open(path, "rb") as handle:
        return handle.read(MAX_BYTES + 1)


def read_text(path: str | Path) -> str:
    """Read and decode a file within the size bound, or raise ``Refused`` (``OSError`` if unreadable)."""
    return decode(read_bounded(path))
