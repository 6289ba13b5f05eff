"""Characters an author cannot see: what pasting from Word, Confluence or a PDF leaves in a file.

One list, read by the ``invisible-character`` rule, the glossary check and
every comparison of "the same words" (:func:`same_text`), so that what a
rule calls invisible is what a comparison ignores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

# Unicode's format characters (category Cf), the spaces other than U+0020 (Zs), the line and
# paragraph separators (Zl, Zp), NEL (U+0085, a line break to YAML), and the letters and marks
# drawn as nothing (Hangul fillers, the combining grapheme joiner, the Mongolian free variation
# selectors). tests/test_yaml_as_written.py checks the Cf/Zs/Zl/Zp part against unicodedata.
INVISIBLE_RANGES = (
    "\u0085\u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u180b-\u180f\u2000-\u200f\u2028-\u202f"
    "\u205f-\u2064\u2066-\u206f\u3000\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
INVISIBLE = re.compile(f"[{INVISIBLE_RANGES}]")

# In running text (an action, a say line, a meaning) some of them are how a language is written:
# the zero-width (non-)joiner in Persian, Hindi and emoji, the direction marks and isolates in
# Arabic and Hebrew, no-break and narrow no-break spaces in French, the ideographic space in
# Japanese, the tag characters of flag emoji. In a name (an id, an answer, a term) none is.
ALLOWED_IN_TEXT = frozenset(
    "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u2066\u2067\u2068\u2069"
    "\u00a0\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u205f\u3000"
    "\u180b\u180c\u180d\u180f\u034f"  # Mongolian variation selectors, the combining grapheme joiner
) | frozenset(chr(code) for code in range(0xE0020, 0xE0080))

# Line breaks to YAML that editors do not show as one: every line number after them disagrees.
LINE_BREAKS = frozenset("\u0085\u2028\u2029")


def invisible_characters(text: str) -> Iterator[tuple[int, str]]:
    """(offset, character) of each invisible character in ``text``."""
    for match in INVISIBLE.finditer(text):
        yield match.start(), match.group()


def describe(char: str) -> str:
    """``"\\u200b"`` -> ``"U+200B (zero width space)"``."""
    name = unicodedata.name(char, "").lower() or f"{unicodedata.category(char)} character"
    return f"U+{ord(char):04X} ({name})"


def fix_for(char: str) -> str:
    """What to do with it, in a few words."""
    if char in LINE_BREAKS:
        return "replace it with a space or a real line break (YAML counts it as a line break, editors do not)"
    if unicodedata.category(char) == "Zs":
        return "replace it with a plain space"
    return "remove it"


@lru_cache(maxsize=4096)
def same_text(text: str) -> str:
    """What two texts are compared by when they must not look alike: Unicode compatibility form
    (NFKC: ``ＣＲＭ`` is ``CRM``), case folded, invisible characters dropped, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", INVISIBLE.sub(_space_or_nothing, text)).casefold()
    return " ".join(folded.split())


def _space_or_nothing(match: re.Match[str]) -> str:
    return " " if unicodedata.category(match.group()) in ("Zs", "Zl", "Zp") else ""
