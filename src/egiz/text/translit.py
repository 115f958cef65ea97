"""Name keys that survive the trip between Kazakh and Russian spelling.

Proper names are the other encoder-free signal besides numbers, but they are spelled differently
on each side (`Сұлтанғазиев` / `Султангазиев` / `Sultangaziev`) and inflected (`Султангазиевым`,
`Сұлтанғазиевтің`). We map every script to one coarse Latin skeleton in which such variants
collide, and compare only a prefix of it, so case endings do not matter.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["name_keys", "names_agree", "to_latin_key"]

_CYRILLIC = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "э": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "і": "i",
    "ы": "i",
    "к": "k",
    "қ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ў": "u",
    "ф": "f",
    "х": "kh",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "є": "e",
    "ї": "i",
}
# Latin letters whose diacritics carry a sound (Kazakh Latin alphabet, Turkish) or that Unicode
# does not decompose.
_LATIN = {
    "ş": "sh",
    "ç": "ch",
    "ı": "i",
    "ß": "ss",
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "đ": "d",
    "ł": "l",
    "þ": "th",
}
_TABLE = str.maketrans({**_CYRILLIC, **_LATIN})
# Spelling variants of one sound, applied left to right on the Latin text. `h` joins `k` because
# Kazakh қ is Russian х at the end of a syllable: Қазақстан / Казахстан.
_DIGRAPHS = (
    ("shch", "s"),
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "c"),
    ("tz", "c"),
    ("ts", "c"),
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("x", "ks"),
    ("h", "k"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
)
_DOUBLE = re.compile(r"(.)\1+")
# `i` before a vowel is a glide (я = ia, Yerlan, Sultangaziyev): spelled in some scripts only.
_GLIDE = re.compile(r"i(?=[aeou])")


@functools.lru_cache(maxsize=1 << 16)  # news vocabularies repeat: reports ask for the same words
def to_latin_key(word: str) -> str:
    """A coarse Latin skeleton in which the kk, ru and Latin spellings of a name collide:
    `Сұлтанғазиев`, `Султангазиев` and `Sultangaziev` all give "sultangazev"."""
    text = word.lower().translate(_TABLE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if "a" <= c <= "z")
    for old, new in _DIGRAPHS:
        text = text.replace(old, new)
    text = _DOUBLE.sub(r"\1", text)
    return _GLIDE.sub("", text)


_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SKIPPED_BEFORE = set(" \t\n\r\u00a0\"'«»„“”‘’‹›()[]-–—")
_OPENING_QUOTES = set("«„“\"'‹(")
_SENTENCE_END = set(".!?…")


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence (or a quotation after a colon)."""
    quoted = False
    k = start - 1
    while k >= 0 and text[k] in _SKIPPED_BEFORE:
        if text[k] in "\n\r":  # a new line (paragraph, headline) opens a sentence
            return True
        quoted = quoted or text[k] in _OPENING_QUOTES
        k -= 1
    return k < 0 or text[k] in _SENTENCE_END or (text[k] == ":" and quoted)


def _is_name(part: str) -> bool:
    """Capitalised, at least 3 letters; an all-caps word counts too (NASA, НАСА)."""
    return len(part) >= 3 and part[0].isupper()


def name_keys(text: str, *, prefix: int = 5) -> frozenset[str]:
    """Prefix keys of the capitalised words of `text`, one per part of a hyphenated name; keys
    under 3 characters are dropped.

    A sentence's first word is capitalised by position, not because it is a name, so it is left
    out (a name seen there usually recurs mid-sentence, where it counts).
    """
    found: set[str] = set()
    for m in _WORD.finditer(text):
        if not _starts_sentence(text, m.start()):
            found.update(to_latin_key(p)[:prefix] for p in m.group().split("-") if _is_name(p))
    return frozenset(key for key in found if len(key) >= 3)  # США -> "sa": too short to trust


def _same_name(a: str, b: str) -> bool:
    """Equal keys, or a short name and its inflection: Рим / Римге give "rim" and "rimge"."""
    if len(a) > len(b):
        a, b = b, a
    return a == b or (len(a) >= 3 and b.startswith(a))


def names_agree(a: frozenset[str], b: frozenset[str]) -> float | None:
    """Share of keys on both sides that have a match on the other (Dice-like, in [0, 1]).

    None when neither side has a name (no evidence), 0.0 when only one side has any.
    """
    if not a and not b:
        return None
    matched = sum(any(_same_name(x, y) for y in b) for x in a)
    matched += sum(any(_same_name(y, x) for x in a) for y in b)
    return matched / (len(a) + len(b))
