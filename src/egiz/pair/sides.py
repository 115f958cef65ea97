"""Warnings for sides that look swapped or identical (`pair kk/ ru/` given as `ru/ kk/`).

A declared side is taken at its word (the point of declaring is that detection can be wrong on
one document), but when most of a side's documents read as the *other* language, or both sides
read as one language, or the same texts sit on both sides, the user most likely swapped or
repeated the folders: `egiz align` warns about it for one pair, `pair` and `mine` for a whole
collection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from egiz.document import Document
from egiz.text.lang import LANG_NAMES, detect_language

__all__ = ["side_warnings", "side_warnings_from_counts"]


def _name(lang: str) -> str:
    return LANG_NAMES.get(lang, lang)


def side_warnings_from_counts(
    detected: Mapping[str, Counter[str]], src_lang: str, tgt_lang: str
) -> list[str]:
    """Warnings from the detected languages of each declared side's documents
    (`detected[lang]` counts `detect_language` answers for the side declared `lang`)."""
    out: list[str] = []
    looks: dict[str, str] = {}
    for declared, other in ((src_lang, tgt_lang), (tgt_lang, src_lang)):
        counts = detected.get(declared, Counter())
        known = sum(n for lang, n in counts.items() if lang in (src_lang, tgt_lang))
        if not known:
            continue
        for lang in (declared, other):
            if counts.get(lang, 0) > known / 2:
                looks[declared] = lang
        if looks.get(declared) == other and other != declared:
            out.append(
                f"the {declared} side reads as {_name(other)} ({counts[other]} of "
                f"{sum(counts.values())} documents): are the sides swapped?"
            )
    same = looks.get(src_lang)
    if src_lang != tgt_lang and same is not None and same == looks.get(tgt_lang):
        out.append(
            f"both sides read as {_name(same)}: is the same collection given for both sides?"
        )
    return out


def side_warnings(
    src: Sequence[Document], tgt: Sequence[Document], src_lang: str, tgt_lang: str
) -> list[str]:
    """Warnings for two declared sides: swapped languages, one language on both sides, or
    documents with the very same text on both sides."""
    detected = {
        src_lang: Counter(detect_language(d.text) for d in src),
        tgt_lang: Counter(detect_language(d.text) for d in tgt),
    }
    out = side_warnings_from_counts(detected, src_lang, tgt_lang)
    same = {d.text.strip() for d in src} & {d.text.strip() for d in tgt}
    same.discard("")
    if same:
        out.append(f"{len(same)} documents have the same text on both sides")
    return out
