"""Per-sentence evidence besides embeddings: length, numbers, names, paragraphs.

Numbers and names are packed into 64-bit masks (one bit per hashed item) so the DP can compare the
union of a bead's sentences on each side with two ORs and a popcount.
"""

from __future__ import annotations

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
    paragraphs: np.ndarray  # int64 paragraph ids


def mask(items: Iterable[str]) -> int:
    bits = 0
    for item in items:
        bits |= 1 << (zlib.crc32(item.encode("utf-8")) % 63)
    return bits


def side_signals(sentences: Sequence[Sentence], lang: str) -> SideSignals:
    return SideSignals(
        lengths=np.array([len(s.text) for s in sentences], np.float64),
        numbers=np.array([mask(extract_numbers(s.text, lang)) for s in sentences], np.int64),
        names=np.array([mask(name_keys(s.text)) for s in sentences], np.int64),
        paragraphs=np.array([s.paragraph for s in sentences], np.int64),
    )


def length_ratio(
    src_len: np.ndarray,
    tgt_len: np.ndarray,
    cband: np.ndarray,
    clo: np.ndarray,
    chi: np.ndarray,
) -> float:
    """Expected target/source length ratio, from mutually nearest sentence pairs (`cband`: the
    ragged sentence band of `dp.band_dots`).

    The plain ratio of document lengths is wrong exactly when it matters (one version lacks whole
    paragraphs), so take the median over pairs that are each other's nearest neighbour.
    """
    if len(src_len) == 0 or len(tgt_len) == 0:
        return 1.0
    best_col = np.full(len(tgt_len), -1, np.int64)
    best_val = np.full(len(tgt_len), -np.inf)
    row_best = np.full(len(src_len), -1, np.int64)
    row_start = np.concatenate([[0], np.cumsum(chi - clo)])
    for r in range(len(src_len)):
        row = cband[row_start[r] : row_start[r + 1]]
        if len(row) == 0:
            continue
        c = int(np.argmax(row))
        row_best[r] = clo[r] + c
        cols = clo[r] + np.arange(len(row))
        better = row > best_val[cols]
        best_val[cols[better]] = row[better]
        best_col[cols[better]] = r
    ratios = [
        tgt_len[j] / src_len[r]
        for r, j in enumerate(row_best)
        if 0 <= j < len(tgt_len) and best_col[j] == r and src_len[r] > 0
    ]
    if len(ratios) < 3:
        total = src_len.sum()
        return float(np.clip(tgt_len.sum() / total, 0.5, 2.0)) if total else 1.0
    return float(np.clip(np.median(ratios), 0.33, 3.0))
