"""Small pure helpers the renderers share: tidy, wrap and clip SOP text."""

from __future__ import annotations

import re
import textwrap

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_SPACE = re.compile(r"\s+")

MAX_LABEL = 240  # characters of one label: longer text is clipped so a pasted essay cannot swamp the chart


def plural(count: int, word: str) -> str:
    """``plural(1, "ticket")`` -> ``"1 ticket"``, ``plural(3, "ticket")`` -> ``"3 tickets"`` (English ``-s`` only)."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def tidy(text: str | None) -> str:
    """One line of text: control characters dropped, runs of white space (newlines too) made one space."""
    if not text:
        return ""
    return _SPACE.sub(" ", _CONTROL.sub("", text.replace("\t", " "))).strip()


def clip_text(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str | None, width: int, *, limit: int = MAX_LABEL) -> list[str]:
    """Tidy, clip and wrap to ``width`` characters; words longer than the width are broken."""
    clean = clip_text(tidy(text), limit)
    if not clean:
        return []
    return textwrap.wrap(clean, width=width, break_long_words=True, break_on_hyphens=True) or [clean]


def humanize(key: str) -> str:
    """``"customer_account_id"`` -> ``"Customer account id"``."""
    words = tidy(key.replace("_", " ").replace("-", " "))
    return words[:1].upper() + words[1:]
