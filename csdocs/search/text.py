"""Text to search terms: the same rules on the SOP side (here) and the query side (csdocs-search.js).

Any language, no setting needed:

* **Folded**: lower case, compatibility-decomposed (NFKD), combining marks
  dropped, and a few letters that do not decompose mapped by hand, so
  ``Hoàn tiền`` and ``hoan tien`` are the same words, as are ``Straße``
  and ``strasse``, ``Ｃａｒｄ`` and ``card``.
* **Words** are runs of letters, digits and marks; everything else
  (spaces, hyphens, apostrophes, punctuation) separates them, so the contact
  type ``business-change`` is the words ``business`` and ``change``.
* **Han and kana** (Chinese, Japanese), written without spaces, are cut into
  overlapping pairs of characters (``返金申請`` -> ``返金 金申 申請``); a
  lone character is kept as it is. A query cut the same way finds the words
  inside longer runs. Hangul, Thai and the rest are split at spaces only.
* A **phrase** is a short run of words kept whole (two to four words, no Han
  or kana), so ``late change`` typed in a query finds the defined term
  ``late change`` as one thing, above two separate words.

Each function here has a twin of the same name in
``csdocs/site/assets/csdocs-search.js``; tests/site/test_search.py runs
both over the same inputs.
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD leaves whole, written as the base letters people type instead.
FOLD = {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "þ": "th", "ħ": "h"}
PHRASE_WORDS = (2, 4)  # a phrase has this many words, first to last included
_ASCII_WORDS = re.compile(r"[a-z0-9]+")  # words() of ASCII text: the same rules, the common case, fast


def fold(text: str) -> str:
    """``"Hoàn TIỀN" -> "hoan tien"``: lower case, NFKD, combining marks dropped, FOLD applied."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(FOLD.get(char, char) for char in decomposed if unicodedata.category(char) != "Mn")


def is_han_or_kana(char: str) -> bool:
    """CJK ideographs (with extensions and compatibility forms), hiragana and katakana."""
    code = ord(char)
    return (0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0x3400 <= code <= 0x4DBF
            or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x323AF)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char)[0] == "M"


def _runs(text: str) -> list[str]:
    """Maximal runs of word characters, in order."""
    runs: list[str] = []
    current: list[str] = []
    for char in text:
        if _is_word_char(char):
            current.append(char)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def _split_run(run: str) -> list[str]:
    """A run of word characters -> words: Han/kana stretches cut into pairs, the rest whole."""
    words: list[str] = []
    start = 0
    while start < len(run):
        han = is_han_or_kana(run[start])
        end = start + 1
        while end < len(run) and is_han_or_kana(run[end]) == han:
            end += 1
        part = run[start:end]
        if han and len(part) > 1:
            words.extend(part[i:i + 2] for i in range(len(part) - 1))
        else:
            words.append(part)
        start = end
    return words


def words(text: str) -> list[str]:
    """``"Spa booking: late-change fee" -> ["spa", "booking", "late", "change", "fee"]``."""
    if text.isascii():  # nothing to decompose or fold, no marks, no Han or kana
        return _ASCII_WORDS.findall(text.lower())
    return [word for run in _runs(fold(text)) for word in _split_run(run)]


def has_han_or_kana(text: str) -> bool:
    return any(is_han_or_kana(char) for char in text)


def phrase(text: str, found: list[str] | None = None) -> str | None:
    """A short value as one phrase term (``"Late change" -> "late change"``), or None.

    None for one word (the word itself is the term), more than four words,
    or Han/kana text (its words are already character pairs). ``found`` is
    ``words(text)`` when the caller has it already.
    """
    found = words(text) if found is None else found
    low, high = PHRASE_WORDS
    if not low <= len(found) <= high or has_han_or_kana(text):
        return None
    return " ".join(found)


def query_phrases(query_words: list[str]) -> list[str]:
    """Every run of two to four consecutive query words, as phrase terms, longest first per start."""
    low, high = PHRASE_WORDS
    out: list[str] = []
    for start in range(len(query_words)):
        for size in range(min(high, len(query_words) - start), low - 1, -1):
            chunk = query_words[start:start + size]
            if not any(has_han_or_kana(word) for word in chunk):
                out.append(" ".join(chunk))
    return list(dict.fromkeys(out))


def shard_key(term: str) -> str:
    """The index shard a term lives in: the hex UTF-8 of its first two characters."""
    return term[:2].encode("utf-8").hex()
