"""Untrusted SOP text -> safe HTML.

Every string an author wrote is escaped, never interpreted as Markdown or
HTML: agents read SOPs mid-call, and one pasted ``<script>`` must not run in
every agent's browser. Defined terms become ``<abbr title=...>`` so hovering
``RMA`` shows its meaning; terms are matched on the raw text and each piece
is escaped on its own, so an abbreviation can never open a hole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape


class Terms:
    """Term -> meaning, and one regex that finds them as whole words.

    All-capital terms (``IT``, ``RMA``) match their exact case, so the
    word "it" is not read as "IT"; other terms ("formal complaint") match
    in any case, as the lint contract reads them.
    """

    __slots__ = ("_pattern", "meanings")

    def __init__(self, meanings: Mapping[str, str]) -> None:
        cleaned = {term.strip(): meaning for term, meaning in meanings.items() if term and term.strip()}
        self.meanings = {_key(term): meaning for term, meaning in cleaned.items()}
        self._pattern = _compile(tuple(sorted(cleaned, key=lambda t: (-len(t), t))))

    def meaning(self, word: str) -> str | None:
        return self.meanings.get(_key(word))

    def markup(self, text: str | None) -> Markup:
        """Escaped ``text`` with each defined term wrapped in ``<abbr>``."""
        if not text:
            return Markup("")
        if self._pattern is None:
            return escape(text)
        out: list[str] = []
        last = 0
        for match in self._pattern.finditer(text):
            meaning = self.meaning(match.group(0))
            if meaning is None:
                continue
            out.append(escape(text[last:match.start()]))
            out.append(Markup('<abbr title="{}">{}</abbr>').format(meaning, match.group(0)))
            last = match.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)


def _key(term: str) -> str:
    return term if _is_acronym(term) else term.casefold()


def _is_acronym(term: str) -> bool:
    return term.upper() == term and any(char.isalpha() for char in term)


@lru_cache(maxsize=512)
def _compile(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    parts = []
    for term in terms:
        body = re.escape(term)
        parts.append(body if _is_acronym(term) else f"(?i:{body})")
    # \b fails next to punctuation inside a term ("T&C"): use look-arounds on word characters
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def merged_terms(*sources: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Later sources win: the SOP's own definition beats the glossary's."""
    return {term: meaning for source in sources for term, meaning in source}


def script_json(data: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes, so no SOP text
    can close the script element or open a comment; U+2028/9 too, for old
    parsers that treat them as line ends.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, replacement in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                              ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, replacement)
    return Markup(text)


def front_matter_title(text: str) -> str:
    """A page title for the front matter, already HTML-escaped.

    mkdocs-material prints ``page.meta.title`` and ``page.title`` without
    escaping (in ``<title>``, the header, the navigation), so the value
    must be safe HTML text, the way a Markdown heading's title would be.
    """
    return str(escape(" ".join(text.split()) or "Untitled SOP"))
