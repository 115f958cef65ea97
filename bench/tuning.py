"""What the calibration fitter (`calibrate.py`) and the aligner tuner (`tune.py`) share: the
document types, their tune/test parts, embeddings held in memory, and one scoring function.

Document types (the unit of the leave-one-type-out table): Text+Berg (de-fr), Bible (en-zh),
FLORES translations (kk-ru, kk-en, ru-en), FLORES comparable (kk-ru, damaged), FLORES edited (kk-ru
translations with sentences replaced by unrelated ones on both sides), regular 1:2 / 2:1
(kk-ru, one side splits every sentence), short (kk-ru documents of 2-8 short Tatoeba sentence
pairs), unrelated (kk-ru pairs that are not translations).
Every loader takes the part ("tune" or "test") and never mixes them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datasets as ds  # noqa: E402
from egiz.alignment import Sentence  # noqa: E402

TYPES = (
    "textberg", "bible", "flores-tr", "flores-cmp", "flores-edit", "regular", "short", "unrelated",
)  # fmt: skip
# The types the leave-one-type-out table leaves out in turn (the four, and the short
# documents: what a held-out genre of dialogue lines and interface strings looks like).
LOTO_TYPES = ("textberg", "bible", "flores-tr", "flores-cmp", "short")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load_type(kind: str, part: str, small: bool = False) -> list[ds.Doc]:
    """The documents of one type and part. `small`: fewer unrelated documents (tuning speed)."""
    if kind == "textberg":
        return ds.textberg_part(part)
    if kind == "bible":
        return ds.bible(part)
    if kind == "flores-tr":
        return [
            *ds.flores_translations(part, ("kk", "ru")),
            *ds.flores_translations(part, ("kk", "en")),
            *ds.flores_translations(part, ("ru", "en")),
        ]
    if kind == "flores-edit":
        return ds.flores_edited(part)
    if kind == "flores-moved":  # not among TYPES: reported, not tuned on (bench_align.py)
        return ds.flores_moved(part)
    if kind == "flores-cmp":
        return ds.flores_comparable(part, seed=0, n_docs=20 if part == "tune" else 40)
    if kind == "regular":
        return [*ds.regular_split(part, "1:2"), *ds.regular_split(part, "2:1")]
    if kind == "short":
        return ds.short_documents(part)
    if kind == "unrelated":
        return ds.unrelated_pairs(part, n_single=300 if small else 1000, n_double=100)
    raise ValueError(f"unknown document type {kind!r}")


def load_sets(part: str, kinds: Sequence[str] = TYPES, small: bool = False) -> dict[str, list]:
    return {k: load_type(k, part, small) for k in kinds}


class MemoEmbedder:
    """egiz.embed (on-disk cache) behind an in-memory dict: tuning re-asks for the same texts."""

    def __init__(self, encoder_spec: str = "e5") -> None:
        from egiz.embed import get_encoder

        self.encoder = get_encoder(encoder_spec)
        self.memo: dict[str, np.ndarray] = {}
        self.asked = 0

    def prefetch(self, texts: Sequence[str]) -> None:
        """Embed in one batch whatever of `texts` is not in memory yet (not counted as asked)."""
        from egiz.embed import embed

        missing = list(dict.fromkeys(t for t in texts if t not in self.memo))
        if missing:
            self.memo.update(zip(missing, embed(missing, self.encoder, cache=True), strict=True))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        from egiz.embed import embed

        self.asked += len(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self.memo))
        if missing:
            vecs = embed(missing, self.encoder, cache=True)
            self.memo.update(zip(missing, vecs, strict=True))
        if not texts:
            return np.zeros((0, self.encoder.dim), np.float32)
        return np.stack([self.memo[t] for t in texts]).astype(np.float32)


def sentences(texts: Sequence[str], paragraphs: Sequence[int]) -> list[Sentence]:
    return [Sentence(t, p) for t, p in zip(texts, paragraphs, strict=True)]


BeadList = list[tuple[tuple[int, ...], tuple[int, ...], float]]


@dataclass
class Scored:
    strict_f1: float
    lax_f1: float
    precision: float
    recall: float
    kept_unrelated: int = 0  # beads kept above the min score in unrelated documents
    docs_with_kept: int = 0  # unrelated documents with at least one such bead


def run_docs(
    docs: Sequence[ds.Doc],
    params: object,
    embedder: MemoEmbedder,
    calibration: object,
    refine: bool = True,
) -> tuple[list[BeadList], int]:
    """Align every document; beads as (src ids, tgt ids, score); and joined texts embedded."""
    from egiz.align import align_embedded

    out = []
    joined = 0
    for doc in docs:
        src, tgt = sentences(doc.src, doc.src_par), sentences(doc.tgt, doc.tgt_par)
        x, y = embedder(doc.src), embedder(doc.tgt)
        before = embedder.asked
        embed: Callable | None = embedder if refine else None
        beads = align_embedded(
            src, tgt, x, y, src_lang=doc.src_lang, tgt_lang=doc.tgt_lang, params=params,
            embed_texts=embed, calibration=calibration,
        )  # fmt: skip
        joined += embedder.asked - before
        out.append([(b.src, b.tgt, b.score) for b in beads])
    return out, joined


def score_type(
    kind: str, docs: Sequence[ds.Doc], beads: Sequence[BeadList], min_score: float = 0.5
) -> Scored:
    from egiz.evaluate import score_alignments

    if kind == "unrelated":  # "F1" = share of documents with no bead kept above min_score
        kept = [sum(1 for s, t, p in doc if s and t and p >= min_score) for doc in beads]
        clean = 1.0 - sum(1 for k in kept if k) / max(1, len(kept))
        return Scored(clean, clean, clean, clean, sum(kept), sum(1 for k in kept if k))
    gold = [d.gold for d in docs]
    test = []
    for d, doc in zip(docs, beads, strict=True):
        pairs = [(s, t) for s, t, _ in doc]
        if d.src_verse is not None and d.tgt_verse is not None:
            pairs = ds.merge_within_units(pairs, d.src_verse, d.tgt_verse)
        test.append(pairs)
    result = score_alignments(gold, test)
    strict, lax = result["strict"], result["lax"]
    return Scored(strict["f1"], lax["f1"], strict["precision"], strict["recall"])  # type: ignore[index]
