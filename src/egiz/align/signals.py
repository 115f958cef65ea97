"""Per-sentence evidence besides embeddings: length, numbers, names, paragraphs.

Numbers and names are packed into 64-bit masks (one bit per hashed item) so the DP can compare the
union of a bead's sentences on each side with two ORs and a popcount.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from egiz.alignment import Sentence
from egiz.text.numbers import extract_numbers
from egiz.text.translit import name_keys


@dataclass(frozen=True)
class SideSignals:
    lengths: np.ndarray  # float64 characters per sentence
    numbers: np.ndarray  # int64 bit masks
    names: np.ndarray  # int64 bit masks
    marks: np.ndarray  # int64: bit 0 a question mark, bit 1 an exclamation mark
    paragraphs: np.ndarray  # int64 paragraph ids


def mask(items: Iterable[str]) -> int:
    bits = 0
    for item in items:
        bits |= 1 << (zlib.crc32(item.encode("utf-8")) % 63)
    return bits


# Han, kana and hangul characters: one of them carries about what three letters of an alphabet
# do (FLORES: zh/ja sentences have ~0.3 of the English characters), so lengths stay comparable
# across scripts and an expected ratio of 1.0 is a sound prior for any language pair.
_WIDE = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
WIDE_WEIGHT = 3.0


def text_length(text: str) -> float:
    """Characters, a Han/kana/hangul character counting WIDE_WEIGHT."""
    return len(text) + (WIDE_WEIGHT - 1.0) * len(_WIDE.findall(text))


# Questions and exclamations stay questions and exclamations in translation, in any script.
_QUESTION = frozenset("?？؟¿")
_EXCLAMATION = frozenset("!！¡")


def marks(text: str) -> int:
    """Bit 0: the sentence asks (?), bit 1: it exclaims (!)."""
    chars = set(text)
    return int(bool(chars & _QUESTION)) | int(bool(chars & _EXCLAMATION)) << 1


@functools.lru_cache(maxsize=1 << 16)
def sentence_signals(text: str, lang: str) -> tuple[float, int, int, int]:
    """(length, numbers mask, names mask, marks) of one sentence. Memoised: number and name
    extraction is the costliest step of scoring a document with ready vectors, and a document
    realigned (other settings, a review) or a collection with boilerplate repeats sentences."""
    return text_length(text), mask(extract_numbers(text, lang)), mask(name_keys(text)), marks(text)


def side_signals(sentences: Sequence[Sentence], lang: str) -> SideSignals:
    per = [sentence_signals(s.text, lang) for s in sentences]
    lengths, numbers, names, marks_ = zip(*per, strict=True) if per else ((), (), (), ())
    return SideSignals(
        lengths=np.array(lengths, np.float64),
        numbers=np.array(numbers, np.int64),
        names=np.array(names, np.int64),
        marks=np.array(marks_, np.int64),
        paragraphs=np.array([s.paragraph for s in sentences], np.int64),
    )
