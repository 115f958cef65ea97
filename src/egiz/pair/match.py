"""Score candidate pairs with a calibrated probability and keep a one-to-one set of them.

The score of a candidate pair is the probability that the two documents are versions of each
other (`egiz.pair.calibration`): a logistic model of encoder-free clues and embedding evidence,
fitted on FLORES-200 documents with distractors (bench/fit_pair_calibration.py). 0.5 means "as
likely as not"; the default threshold.

Two models, chosen by the size of the collection, so that pairing works at every size:

* *small* (fewer than `PairParams.population_min` documents on a side): population-free
  features only — the cosine of the two document vectors, agreement of numbers and names, the
  length ratio. Every src x tgt pair is a candidate. One article per side pairs on its own.
* *population*: adds the margin of the centred cosine over the two documents' k nearest
  neighbours (Artetxe & Schwenk 2019). e5 vectors share a large common component (unrelated
  kk/ru news sit at cosine ~0.8); centring each side and comparing a pair with the documents'
  usual neighbours says how much better this pair is than the rest, which a crowd of
  same-topic articles needs. Candidates: k nearest neighbours both ways, plus URL matches.

Dates and URLs cannot be fitted on FLORES (it has none); they enter as fixed log-odds, stated
in `PairParams` (a shared URL key or article id is strong evidence, a date a week off is
evidence against).

Matching is greedy by descending probability (ties: lower src index, then lower tgt index)
over the candidates at or above the threshold: the best remaining pair is taken and both
documents leave. Deterministic and O(c log c) for c candidates; a document whose best remaining
candidate is below the threshold stays unpaired.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from egiz.pair.calibration import PairCalibration, load_calibration
from egiz.pair.candidates import Neighbours, candidate_pairs, find_neighbours, pair_cosines
from egiz.pair.features import FeatureTable, date_url_log_odds, length_term, set_terms

__all__ = [
    "DEFAULT_THRESHOLD",
    "PairParams",
    "centre",
    "greedy_match",
    "margins",
    "match_embedded",
    "pair_features",
]

DEFAULT_THRESHOLD = 0.5  # a probability: as likely a pair as not
_CENTRE_SHRINK = 1  # the mean of n vectors is scaled by n / (n + this) before subtracting


@dataclass(frozen=True)
class PairParams:
    """Every setting that changes a pairing (the ones not at their default appear in the
    signature). `threshold` is the probability a pair needs (None: 0.5)."""

    k: int = 10  # neighbours per document: candidates and the margin's denominator
    threshold: float | None = None
    max_sentences: int = 8  # sentences embedded per document (the title counts as one)
    lead: int = 3  # of which the first ones, the rest spread over the document
    max_chars: int = 300  # per embedded sentence
    feature_chars: int = 5000  # of the text searched for numbers and names
    # The population model (margins) from this many documents on each side; below, the
    # population-free one.
    population_min: int = 11
    # Log-odds of the clues FLORES cannot teach: a shared URL path or article id; a publication
    # day the same or the next (+), or more than 3 days apart (-).
    url_log_odds: float = 3.0
    date_log_odds: float = 1.0
    use_dates: bool = True
    use_urls: bool = True
    method: str = "auto"  # candidate search: auto | exact | ann

    def resolved_threshold(self, encoder_name: str = "") -> float:
        return DEFAULT_THRESHOLD if self.threshold is None else float(self.threshold)

    def signature(self, encoder_name: str) -> str:
        defaults = asdict(PairParams())
        changed = {
            key: v
            for key, v in asdict(self).items()
            if v != defaults[key] and key not in ("k", "threshold")
        }
        base = f"k:{self.k}|p>={self.resolved_threshold(encoder_name):g}"
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


def pair_features(
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    params: PairParams,
    src_features: FeatureTable,
    tgt_features: FeatureTable,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], str]:
    """Candidate pairs and their features: (src idx, tgt idx, {feature: values}, model name).

    "small": every src x tgt pair, population-free features. "population": k nearest
    neighbours both ways on centred vectors (and URL matches), with the margin.
    """
    n_src, n_tgt = len(src_vecs), len(tgt_vecs)
    model = "small" if min(n_src, n_tgt) < params.population_min else "population"
    if model == "small":
        i = np.repeat(np.arange(n_src, dtype=np.int64), n_tgt)
        j = np.tile(np.arange(n_tgt, dtype=np.int64), n_src)
        feats: dict[str, np.ndarray] = {}
    else:
        centred_src, centred_tgt = centre(src_vecs), centre(tgt_vecs)
        nb = find_neighbours(centred_src, centred_tgt, params.k, params.method)
        i, j = candidate_pairs(nb, n_tgt)
        if params.use_urls:
            ui, uj = _url_candidates(src_features, tgt_features)
            if len(ui):
                keys = np.unique(np.concatenate([i * n_tgt + j, ui * n_tgt + uj]))
                i, j = keys // n_tgt, keys % n_tgt
        centred_cos = pair_cosines(centred_src, centred_tgt, i, j)
        feats = {"margin": margins(centred_cos, i, j, nb)}
    feats["cos"] = pair_cosines(src_vecs, tgt_vecs, i, j)
    feats["numbers"], feats["names"] = set_terms(src_features, tgt_features, i, j)
    feats["length"] = length_term(src_features, tgt_features, i, j)
    return i, j, feats, model


def match_embedded(
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    params: PairParams,
    threshold: float,
    *,
    src_features: FeatureTable | None = None,
    tgt_features: FeatureTable | None = None,
    calibration: PairCalibration | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair documents given their unit vectors and clues: (src idx, tgt idx, probability).

    Pairs come sorted by src index. Without clues, the vectors alone speak (no numbers, names,
    lengths, dates, URLs). `calibration` defaults to the e5 one.
    """
    n_src, n_tgt = len(src_vecs), len(tgt_vecs)
    empty = np.zeros(0, dtype=np.int64)
    if not n_src or not n_tgt:
        return empty, empty, np.zeros(0, dtype=np.float32)
    src_features = src_features if src_features is not None else FeatureTable.empty(n_src)
    tgt_features = tgt_features if tgt_features is not None else FeatureTable.empty(n_tgt)
    cal = calibration or load_calibration("e5")
    i, j, feats, model = pair_features(src_vecs, tgt_vecs, params, src_features, tgt_features)
    extra = date_url_log_odds(
        src_features, tgt_features, i, j, url_log_odds=params.url_log_odds if params.use_urls
        else 0.0, date_log_odds=params.date_log_odds if params.use_dates else 0.0,
    )  # fmt: skip
    prob = cal.probability(model, feats, extra)
    mi, mj, ms = greedy_match(i, j, prob, threshold)
    order = np.argsort(mi, kind="stable")
    return mi[order], mj[order], ms[order]
