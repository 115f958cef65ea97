"""Score candidate pairs and keep a one-to-one set of them.

Score = margin of the centred document vectors + clue bonus (`features.feature_bonus`).

Centring: e5 vectors share a large common component (and each language its own), which is why
unrelated kk/ru news sit at cosine ~0.8 and a translation only a little higher. Each side's mean
vector is subtracted (shrunk by n / (n + 1), so a single document is not wiped out) and the rows
are normalised again: cosines spread out, and on FLORES (seed 0, the tuning split) the right and
wrong pairs separate with no overlap, where the raw vectors mix them
(bench/bench_pair.py, "no centring" row).

Margin (Artetxe & Schwenk 2019): a pair's cosine against m, the mean cosine of its two documents'
k nearest neighbours on the other side. How close a document sits to everything depends on the
document (a short generic one is near all), so a fixed cosine threshold cannot work; the margin
says how much better this pair is than the documents' usual neighbours. The default is the
difference cos - m rather than the ratio cos / m: after centring, m of an ordinary document is
near 0, so the ratio explodes or flips sign (and does so in small collections, where k covers
the whole other side), while the difference stays in [-2, 2]. On FLORES both give the same
errors ("ratio margin" row of the benchmark).

Matching is greedy by descending score (ties: lower src index, then lower tgt index) over the
candidates at or above the threshold: the best remaining pair is taken and both documents leave.
This is what margin-based bitext miners do; it is deterministic and O(c log c) for c candidates,
and a document whose best remaining candidate is below the threshold stays unpaired.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from egiz.pair.candidates import Neighbours, candidate_pairs, find_neighbours, pair_cosines
from egiz.pair.features import FeatureTable, feature_bonus

__all__ = [
    "DEFAULT_THRESHOLDS",
    "PairParams",
    "centre",
    "greedy_match",
    "margins",
    "match_embedded",
]

# Chosen on FLORES-200 devtest documents, seed 0 (bench/bench_pair.py: the tuning split; the
# report uses seed 1), 20% distractors per side, whole-text and first-sentence settings
# together: the middle of the widest threshold interval with the fewest errors (FP + FN).
DEFAULT_THRESHOLDS: dict[str, float] = {"e5": 0.163, "trigram": 0.013}
FALLBACK_THRESHOLD = 0.163
_CENTRE_SHRINK = 1  # the mean of n vectors is scaled by n / (n + this) before subtracting


@dataclass(frozen=True)
class PairParams:
    """Every setting that changes a pairing (the ones not at their default appear in the
    signature). `threshold=None` picks `DEFAULT_THRESHOLDS` for the encoder."""

    k: int = 10  # neighbours per document: candidates and the margin's denominator
    threshold: float | None = None
    max_sentences: int = 8  # sentences embedded per document (the title counts as one)
    lead: int = 3  # of which the first ones, the rest spread over the document
    max_chars: int = 300  # per embedded sentence
    feature_chars: int = 5000  # of the text searched for numbers and names
    # Clue weights, in margin units (on FLORES the right pairs' margins start ~0.15 above the
    # wrong ones'): a clue moves a pair by a fraction of that gap, a shared URL by most of it.
    number_weight: float = 0.04
    name_weight: float = 0.04
    date_weight: float = 0.04
    url_weight: float = 0.1
    centre: bool = True  # subtract each side's mean vector before the search
    margin: str = "difference"  # or "ratio" (see `margins`)
    use_dates: bool = True
    use_urls: bool = True
    method: str = "auto"  # candidate search: auto | exact | ann

    def resolved_threshold(self, encoder_name: str) -> float:
        if self.threshold is not None:
            return float(self.threshold)
        return DEFAULT_THRESHOLDS.get(encoder_name.split(":")[0], FALLBACK_THRESHOLD)

    def signature(self, encoder_name: str) -> str:
        defaults = asdict(PairParams())
        changed = {
            key: v
            for key, v in asdict(self).items()
            if v != defaults[key] and key not in ("k", "threshold")
        }
        base = f"k:{self.k}|thr:{self.resolved_threshold(encoder_name):g}"
        return base + "".join(f"|{key}:{v}" for key, v in changed.items())


def centre(vecs: np.ndarray, shrink: float = _CENTRE_SHRINK) -> np.ndarray:
    """Rows minus their (shrunk) mean, L2-normalised again; zero rows (no text) stay zero."""
    vecs = np.asarray(vecs, dtype=np.float32)
    live = np.linalg.norm(vecs, axis=1) > 0
    n = int(live.sum())
    if not n:
        return vecs.copy()
    mean = vecs[live].mean(axis=0, dtype=np.float64) * (n / (n + shrink))
    out = vecs - mean.astype(np.float32)
    out[~live] = 0.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def _knn_mean(sim: np.ndarray) -> np.ndarray:
    """Mean of each row's found neighbour cosines (padding -inf ignored; 0 for an empty row)."""
    ok = np.isfinite(sim)
    total = np.where(ok, sim, 0.0).sum(axis=1, dtype=np.float64)
    count = ok.sum(axis=1)
    return (total / np.maximum(count, 1)).astype(np.float32)


def margins(
    cos: np.ndarray, i: np.ndarray, j: np.ndarray, nb: Neighbours, kind: str = "difference"
) -> np.ndarray:
    """Margin of each pair against m, the mean of its two documents' knn means:
    "difference" cos - m, or "ratio" cos / m (0 where m <= 0)."""
    m = (_knn_mean(nb.src_sim)[i] + _knn_mean(nb.tgt_sim)[j]) / 2.0
    if kind == "difference":
        return (cos - m).astype(np.float32)
    if kind == "ratio":
        return np.where(m > 1e-6, cos / np.maximum(m, 1e-6), 0.0).astype(np.float32)
    raise ValueError(f"margin must be difference or ratio, not {kind!r}")


def greedy_match(
    i: np.ndarray, j: np.ndarray, score: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-to-one pairs by descending score among those >= threshold (ties: lower i, then j)."""
    keep = score >= threshold
    i, j, score = i[keep], j[keep], score[keep]
    order = np.lexsort((j, i, -score.astype(np.float64)))
    used_src: set[int] = set()
    used_tgt: set[int] = set()
    picked: list[int] = []
    for k in order.tolist():
        a, b = int(i[k]), int(j[k])
        if a in used_src or b in used_tgt:
            continue
        used_src.add(a)
        used_tgt.add(b)
        picked.append(k)
    sel = np.asarray(picked, dtype=np.intp)
    return i[sel], j[sel], score[sel]


def _url_candidates(
    src: FeatureTable, tgt: FeatureTable, max_group: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs whose URL path or article id agree, found by a hash join.

    The embedding search may miss a pair whose texts were edited apart; a shared URL key finds
    it anyway. Keys shared by more than `max_group` documents on a side (a section page, a
    number every article of one month carries) say nothing and are skipped.
    """
    pi: list[int] = []
    pj: list[int] = []
    for a, b in ((src.url_path, tgt.url_path), (src.url_id, tgt.url_id)):
        groups: dict[int, list[int]] = {}
        for idx, key in enumerate(b.tolist()):
            if key:
                groups.setdefault(key, []).append(idx)
        counts: dict[int, int] = {}
        for key in a.tolist():
            if key:
                counts[key] = counts.get(key, 0) + 1
        for idx, key in enumerate(a.tolist()):
            found = groups.get(key) if key else None
            if found and len(found) <= max_group and counts[key] <= max_group:
                pi.extend([idx] * len(found))
                pj.extend(found)
    return np.asarray(pi, dtype=np.int64), np.asarray(pj, dtype=np.int64)


def match_embedded(
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    params: PairParams,
    threshold: float,
    *,
    src_features: FeatureTable | None = None,
    tgt_features: FeatureTable | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair documents given their unit vectors (and clues, if any): (src idx, tgt idx, score).

    Pairs come sorted by src index. Without clues the score is the margin alone.
    """
    n_src, n_tgt = len(src_vecs), len(tgt_vecs)
    empty = np.zeros(0, dtype=np.int64)
    if not n_src or not n_tgt:
        return empty, empty, np.zeros(0, dtype=np.float32)
    if params.centre:
        src_vecs, tgt_vecs = centre(src_vecs), centre(tgt_vecs)
    nb = find_neighbours(src_vecs, tgt_vecs, params.k, params.method)
    i, j = candidate_pairs(nb, n_tgt)
    if params.use_urls and src_features is not None and tgt_features is not None:
        ui, uj = _url_candidates(src_features, tgt_features)
        if len(ui):
            keys = np.unique(np.concatenate([i * n_tgt + j, ui * n_tgt + uj]))
            i, j = keys // n_tgt, keys % n_tgt
    cos = pair_cosines(src_vecs, tgt_vecs, i, j)
    score = margins(cos, i, j, nb, params.margin)
    if src_features is not None and tgt_features is not None:
        score += feature_bonus(
            src_features,
            tgt_features,
            i,
            j,
            number_weight=params.number_weight,
            name_weight=params.name_weight,
            date_weight=params.date_weight,
            url_weight=params.url_weight,
            use_dates=params.use_dates,
            use_urls=params.use_urls,
        )
    mi, mj, ms = greedy_match(i, j, score, threshold)
    order = np.argsort(mi, kind="stable")
    return mi[order], mj[order], ms[order]
