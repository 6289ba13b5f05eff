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


# Markdown for pull-request comments and reports (csdocs diff, csdocs metrics): SOP text and
# export values are untrusted.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_MD_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WORD_JOINER = "\u2060"  # invisible; stops GitHub reading "@team", "#12" or "https://" as a link


def md(text: object) -> str:
    """Untrusted text as inert Markdown on one line: no HTML, links, mentions or table breaks."""
    value = _MD_CONTROL.sub(" ", " ".join(str(text).split()))
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    value = value.replace("@", "@" + _WORD_JOINER).replace("://", ":" + _WORD_JOINER + "//")
    value = value.replace("#", "#" + _WORD_JOINER)  # "#12" would link issue 12
    return value


def fence(body: str, info: str) -> str:
    """A fenced code block whose fence is longer than any backtick run in ``body``."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{body.rstrip()}\n{ticks}"
