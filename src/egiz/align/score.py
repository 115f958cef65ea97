"""How likely a bead's two sides are translations of each other: the evidence model.

A bead's evidence is its cosine, set against what the *document* says an unrelated pair scores:

- `null`: the cosine a span has with a random span of the other side (its dot product with the
  mean direction of the other side's spans of that size, the bead's own span left out). Short,
  generic sentences are close to everything; this is what keeps them from looking like matches.
- `sigma`: how widely unrelated pairs scatter around that (a robust spread, from a fixed sample of
  random span pairs of the document).

Both are shrunk towards the encoder's calibrated values with a few pseudo-observations, so a
1-sentence document (no statistics at all) and a 10,000-sentence one are scored on one scale.
`z = (cosine - null) / sigma`, together with length, number and name agreement, goes through a
logistic model per bead group (1-1, 1-2/2-1, larger, joined-text) fitted on public data
(`egiz.align.calibration`): its output is the log-odds that the bead is a translation.
"""

from __future__ import annotations

import numba
import numpy as np

from egiz.align import dp
from egiz.align.dp import NEG_INF, _popcount, offsets

# Features of one bead, in the order of the calibration weights' columns. "sparse" is 1 for a
# document with no other pairs to compare with (its null is the encoder's alone) and falls to 0 as
# competitors grow in number; "short" is near 1 for a few words and falls to 0 for long texts.
# z x sparse and z x short let the model trust a cosine less where that is so (on short everyday
# sentences unrelated pairs reach the cosines of translations far more often).
# "weakest": of the bead's sentences, the one whose best link to a sentence of the other side
# is weakest — its z as a 1-1 pair: in a true merge every sentence has a part of it on the other
# side; a sentence swallowed from a neighbour or from nowhere has none.
# "neighbours": how close each side is to the sentences just outside the bead on the other side,
# in z (Bertalign's margin): a bead that leaves out a part of itself has a close neighbour.
FEATURES = (
    "z", "z_sparse", "sparse", "z_short", "short", "weakest", "neighbours", "length", "numbers",
    "names", "marks", "bias",
)  # fmt: skip
SHORT_CHARS = 20.0  # a bead side of this many characters has short = 0.5
N_FEATURES = len(FEATURES)
LENGTH = FEATURES.index("length")
# Bead groups with their own weights: the evidence of a summed-vector 1-1, 1-2/2-1 and larger
# bead, and of a bead scored with real embeddings of its joined sentences, is not alike; nor is
# a bead of a document with few other pairs to set it against ("few": sparse >= 0.5), nor one
# with none at all on one side ("single": a one-sentence side, judged by the encoder alone).
GROUPS = ("1-1", "1-2", "n-m", "joined", "few", "single")
JOINED = 3
FEW = 4
SINGLE = 5
LENGTH_SMOOTHING = 10.0  # characters added to both sides of the length ratio (short sentences)
NULL_SAMPLE = 1024  # random span pairs per shape behind a document's `sigma` ...
# ... each pair's target span ending at most this many sentences from where its source span ends
# in proportion (m / n): the spread of the unrelated pairs a DP meets. Across a long document of
# many topics random pairs scatter less than neighbours do, and every same-topic neighbour would
# stand out (sigma 0.021 in a 263 x 386 comparable document, 0.024 in documents of 13 x 20).
NULL_NEAR = 30
# Pseudo-observations behind the encoder's null cosine and spread, against the document's own.
NULL_PRIOR_STRENGTH = 10.0


@numba.njit(cache=True)
def group_of(a: int, b: int, joined: bool, sparse: float) -> int:
    if sparse >= 1.0:
        return SINGLE
    if sparse >= 0.5:
        return FEW
    if joined:
        return JOINED
    if a == 1 and b == 1:
        return 0
    if a + b == 3:
        return 1
    return 2


# The per-bead kernels divide with numpy's error model: no zero check per division (none of
# their divisors can be 0: spreads, norms and counts are floored or guarded), the same floats.
@numba.njit(cache=True, error_model="numpy")
def shrink(doc_value: float, doc_count: float, prior: float, prior_count: float) -> float:
    """Mean of `doc_count` observations averaging `doc_value` and `prior_count` at `prior`."""
    return (doc_value * doc_count + prior * prior_count) / (doc_count + prior_count)


@numba.njit(cache=True, error_model="numpy")
def bead_z(
    c: float,
    null_s: float,
    null_t: float,
    prior_s: float,
    prior_t: float,
    spans_t: float,
    spans_s: float,
    sigma: float,
    prior_count: float,
) -> tuple[float, float]:
    """(z, null): how many spreads the cosine `c` is above the cosine `null` that the bead's
    spans have with unrelated ones (arguments as `bead_features`')."""
    # the bead's own pair is not a competitor: take it out of each mean, then shrink
    mu_s = prior_s
    if spans_t > 1:
        mu_s = shrink((null_s * spans_t - c) / (spans_t - 1), spans_t - 1, prior_s, prior_count)
    mu_t = prior_t
    if spans_s > 1:
        mu_t = shrink((null_t * spans_s - c) / (spans_s - 1), spans_s - 1, prior_t, prior_count)
    null = 0.5 * (mu_s + mu_t)
    return (c - null) / sigma, null


@numba.njit(cache=True)
def length_deviation(ls: float, lt: float, ratio: float) -> float:
    """The length feature: |log| of the target/source length ratio against the expected one."""
    return abs(np.log((lt + LENGTH_SMOOTHING) / (ratio * ls + LENGTH_SMOOTHING)))


@numba.njit(cache=True)
def bead_features(
    c: float,
    null_s: float,
    null_t: float,
    prior_s: float,
    prior_t: float,
    spans_t: float,
    spans_s: float,
    sigma: float,
    prior_count: float,
    ls: float,
    lt: float,
    ratio: float,
    num_s: np.int64,
    num_t: np.int64,
    name_s: np.int64,
    name_t: np.int64,
    marks_s: np.int64,
    marks_t: np.int64,
    weakest: float,
    neighbours: float,
    out: np.ndarray,
) -> None:
    """Fill `out` (N_FEATURES) for one bead of cosine `c`.

    null_s: the source span's mean cosine with the target spans of the bead's size (`spans_t` of
    them, the bead's own included), prior_s: what the encoder's calibration expects it to be;
    null_t, prior_t likewise for the target span.
    """
    features_but_length(
        c, null_s, null_t, prior_s, prior_t, spans_t, spans_s, sigma, prior_count, ls, lt, num_s,
        num_t, name_s, name_t, marks_s, marks_t, weakest, neighbours, out,
    )  # fmt: skip
    out[LENGTH] = length_deviation(ls, lt, ratio)


@numba.njit(cache=True, error_model="numpy")
def features_but_length(
    c: float,
    null_s: float,
    null_t: float,
    prior_s: float,
    prior_t: float,
    spans_t: float,
    spans_s: float,
    sigma: float,
    prior_count: float,
    ls: float,
    lt: float,
    num_s: np.int64,
    num_t: np.int64,
    name_s: np.int64,
    name_t: np.int64,
    marks_s: np.int64,
    marks_t: np.int64,
    weakest: float,
    neighbours: float,
    out: np.ndarray,
) -> None:
    """`bead_features` with the length feature left 0: the evidence adds it pass by pass."""
    z, null = bead_z(c, null_s, null_t, prior_s, prior_t, spans_t, spans_s, sigma, prior_count)
    sparse = NULL_PRIOR_STRENGTH / (min(spans_s, spans_t) - 1.0 + NULL_PRIOR_STRENGTH)
    short = SHORT_CHARS / (SHORT_CHARS + min(ls, lt))
    out[0] = z
    out[1] = z * sparse
    out[2] = sparse
    out[3] = z * short
    out[4] = short
    out[5] = weakest
    out[6] = 0.0 if np.isnan(neighbours) else (neighbours - null) / sigma
    out[7] = 0.0
    out[8] = 0.0
    if num_s != 0 or num_t != 0:
        out[8] = 2.0 * _popcount(num_s & num_t) / _popcount(num_s | num_t) - 1.0
    out[9] = 0.0
    if name_s != 0 and name_t != 0:
        out[9] = 2.0 * _popcount(name_s & name_t) / _popcount(name_s | name_t) - 1.0
    out[10] = 0.0  # a question or an exclamation on one side should be one on the other
    if marks_s != 0 or marks_t != 0:
        out[10] = 2.0 * _popcount(marks_s & marks_t) / _popcount(marks_s | marks_t) - 1.0
    out[11] = 1.0


@numba.njit(cache=True)
def weakest_link(
    dots: np.ndarray,
    src0: int,
    a: int,
    tgt0: int,
    b: int,
    src_mu: np.ndarray,
    tgt_mu: np.ndarray,
    sigma: float,
) -> float:
    """min over the bead's sentences of their best 1-1 z with a sentence of the other side;
    dots[r - src0, t - tgt0] = x[r] . y[t] for the bead's sentences."""
    weakest = np.inf
    for r in range(a):
        best = -np.inf
        for t in range(b):
            z = (dots[r, t] - 0.5 * (src_mu[src0 + r] + tgt_mu[tgt0 + t])) / sigma
            best = max(best, z)
        weakest = min(weakest, best)
    for t in range(b):
        best = -np.inf
        for r in range(a):
            z = (dots[r, t] - 0.5 * (src_mu[src0 + r] + tgt_mu[tgt0 + t])) / sigma
            best = max(best, z)
        weakest = min(weakest, best)
    return weakest


def span_nulls(
    v: np.ndarray, other_means: np.ndarray, span_norm: np.ndarray, vt: np.ndarray | None = None
) -> np.ndarray:
    """null[i, a-1, b-1]: cosine of the span of `a` sentences of `v` ending before i with
    `other_means[b-1]` (the mean unit vector of the other side's spans of b sentences).
    `vt`: v transposed (contiguous), where the caller has it."""
    return _span_nulls(np.ascontiguousarray(v.T) if vt is None else vt, other_means, span_norm)


@numba.njit(cache=True, nogil=True)
def _span_nulls(vt: np.ndarray, other_means: np.ndarray, span_norm: np.ndarray) -> np.ndarray:
    """`span_nulls` on the transposed vectors: every sentence's dot product with a mean grows
    side by side over all rows (vectorised), each still summed over k in order."""
    d, n = vt.shape
    mb = other_means.shape[0]
    dots = np.zeros((mb, n))
    for b in range(mb):
        acc = dots[b]
        for k in range(d):
            mean = other_means[b, k]
            row = vt[k]
            for r in range(n):
                acc[r] += row[r] * mean
    out = np.zeros((n + 1, mb, mb))
    for i in range(1, n + 1):
        for a in range(1, min(mb, i) + 1):
            for b in range(mb):
                s = 0.0
                for r in range(i - a, i):
                    s += dots[b, r]
                out[i, a - 1, b] = s / span_norm[i - 1, a - 1]
    return out


def span_means(v: np.ndarray, max_bead: int, norms: np.ndarray | None = None) -> np.ndarray:
    """(max_bead, d): mean unit vector of all spans of 1..max_bead consecutive sentences (each
    span a difference of prefix sums, normalised, and averaged in order).
    `norms`: the side's `summed_norms`, where the caller has them."""
    return _span_means(v, _summed_norms(v, max_bead) if norms is None else norms)


def summed_norms(v: np.ndarray, max_bead: int) -> np.ndarray:
    """norms[e, a-1] = |v[e-a] + ... + v[e-1]| from prefix sums (0 where the span would start
    before 0): what `span_means` and `null_spread` normalise spans by."""
    return _summed_norms(v, max_bead)


# Prefix sums (float64, p[e] = v[0] + ... + v[e-1], as np.cumsum adds them) are grown row by row
# in a ring of the last max_bead + 1 rows: a span is the difference of two of them, and no
# (n + 1, d) matrix is ever written (fresh memory of that size costs more than the sums).


@numba.njit(cache=True, nogil=True)
def _span_means(v: np.ndarray, norms: np.ndarray) -> np.ndarray:
    n, d = v.shape
    max_bead = norms.shape[1]
    ring = np.zeros((max_bead + 1, d))
    out = np.zeros((max_bead, d), np.float64)
    for e in range(1, n + 1):
        now, before = ring[e % (max_bead + 1)], ring[(e - 1) % (max_bead + 1)]
        for k in range(d):
            now[k] = before[k] + v[e - 1, k]
        for a in range(1, min(max_bead, e) + 1):
            start = ring[(e - a) % (max_bead + 1)]
            norm = max(norms[e, a - 1], 1e-12)
            for k in range(d):
                out[a - 1, k] += (now[k] - start[k]) / norm
    for a in range(1, max_bead + 1):
        if a > n:  # no span that long: the longest there is
            if a > 1:
                out[a - 1] = out[a - 2]
            continue
        out[a - 1] /= n - a + 1
    return out


@numba.njit(cache=True, fastmath={"reassoc", "nsz"}, nogil=True)
def _summed_norms(v: np.ndarray, max_bead: int) -> np.ndarray:
    """norms[e, a-1] = |p[e] - p[e-a]| (0 before a; the squares added up in whatever order
    vectorises)."""
    n, d = v.shape
    ring = np.zeros((max_bead + 1, d))
    out = np.zeros((n + 1, max_bead))
    for e in range(1, n + 1):
        now, before = ring[e % (max_bead + 1)], ring[(e - 1) % (max_bead + 1)]
        for k in range(d):
            now[k] = before[k] + v[e - 1, k]
        for a in range(1, min(max_bead, e) + 1):
            start = ring[(e - a) % (max_bead + 1)]
            sq = 0.0
            for k in range(d):
                diff = now[k] - start[k]
                sq += diff * diff
            out[e, a - 1] = np.sqrt(sq)
    return out


@numba.njit(cache=True, fastmath={"reassoc", "nsz"}, nogil=True)
def _pair_cosines(
    x: np.ndarray,
    y: np.ndarray,
    norm_x: np.ndarray,
    norm_y: np.ndarray,
    ends_s: np.ndarray,
    ends_t: np.ndarray,
    size_s: np.ndarray,
    size_t: np.ndarray,
    q0: int,
    q1: int,
    out: np.ndarray,
) -> None:
    """out[q] for q in q0..q1-1: cosine of the summed spans x[e-a:e] and y[f-b:f], (e, f) =
    (ends_s[q], ends_t[q]), (a, b) = (size_s[q], size_t[q]), with the span norms of
    `_summed_norms`; never a gathered (pairs, d) copy. Sums and products are added up in
    whatever order vectorises (the spread is a median of a sample: its last bits carry
    nothing)."""
    d = x.shape[1]
    sx = np.empty(d)
    sy = np.empty(d)
    for q in range(q0, q1):
        e, f, a, b = ends_s[q], ends_t[q], size_s[q], size_t[q]
        sx[:] = 0.0
        for r in range(e - a, e):
            for k in range(d):
                sx[k] += x[r, k]
        sy[:] = 0.0
        for t in range(f - b, f):
            for k in range(d):
                sy[k] += y[t, k]
        dot = 0.0
        for k in range(d):
            dot += sx[k] * sy[k]
        out[q] = dot / max(norm_x[e, a - 1] * norm_y[f, b - 1], 1e-12)


def null_spread(
    x: np.ndarray,
    y: np.ndarray,
    src_null: np.ndarray,
    tgt_null: np.ndarray,
    max_bead: int,
    seed: int = 0,
    norms: tuple[np.ndarray, np.ndarray] | None = None,
    max_total: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Robust spread (1.4826 x median absolute deviation) of `cosine - null` over a fixed-seed
    sample of random span pairs of every shape (within NULL_NEAR sentences of the proportional
    diagonal), and how many distinct pairs it saw.
    `norms`: both sides' `summed_norms`, where the caller has them. Shapes of more than
    `max_total` sentences (no such bead) keep spread 1 from no pairs.

    True pairs are in the sample too: one in n for a translation, which the median resists. A
    small document (every pair of spans in the sample) leaves out the pairs that are the best
    match of either span: in a 2 x 2 translation half of all pairs are true, and their spread
    would pass for the unrelated pairs' (then no translation stands out from it).
    """
    n, m = len(x), len(y)
    rng = np.random.default_rng(seed)
    spread = np.ones((max_bead, max_bead))
    count = np.zeros((max_bead, max_bead))
    if norms is None:
        norms = _summed_norms(x, max_bead), _summed_norms(y, max_bead)
    norm_x, norm_y = norms
    # the pairs of every shape first (the random ones drawn in shape order), then all their
    # cosines at once (shared with the helper thread), then each shape's spread
    shapes: list[tuple[int, int, int, int, bool, np.ndarray, np.ndarray]] = []
    for a in range(1, min(max_bead, n) + 1):
        for b in range(1, min(max_bead, m) + 1):
            ns, nt = n - a + 1, m - b + 1
            k = min(NULL_SAMPLE, ns * nt)
            if k < 2:
                continue
            every = ns * nt <= NULL_SAMPLE
            if every:
                ends_s = np.repeat(np.arange(a, n + 1), nt)
                ends_t = np.tile(np.arange(b, m + 1), ns)
            else:
                ends_s = rng.integers(a, n + 1, k)
                centre = np.rint(ends_s * (m / n)).astype(np.int64)
                low = np.clip(centre - NULL_NEAR, b, m)
                ends_t = rng.integers(low, np.clip(centre + NULL_NEAR, b, m) + 1)
                # in the order of the source spans (their rows are read in order, and stay in
                # cache); the medians below do not depend on the order
                order = np.argsort(ends_s, kind="stable")
                ends_s, ends_t = ends_s[order], ends_t[order]
            if max_total is not None and a + b > max_total:
                continue  # (drawn all the same: the other shapes' samples stay what they were)
            shapes.append((a, b, ns, nt, every, ends_s, ends_t))
    if not shapes:
        return spread, count
    all_s = np.concatenate([sh[5] for sh in shapes]).astype(np.int64)
    all_t = np.concatenate([sh[6] for sh in shapes]).astype(np.int64)
    size_s = np.concatenate([np.full(len(sh[5]), sh[0], np.int64) for sh in shapes])
    size_t = np.concatenate([np.full(len(sh[5]), sh[1], np.int64) for sh in shapes])
    cosines = np.empty(len(all_s))
    pairs = len(all_s)
    dp.share(
        lambda c: _pair_cosines(
            x, y, norm_x, norm_y, all_s, all_t, size_s, size_t, pairs * c // dp.CHUNKS,
            pairs * (c + 1) // dp.CHUNKS, cosines,
        ),
        dp.CHUNKS,
    )  # fmt: skip
    at = 0
    for a, b, ns, nt, every, ends_s, ends_t in shapes:
        cos = cosines[at : at + len(ends_s)]
        at += len(ends_s)
        k = len(cos)
        if every:
            grid = cos.reshape(ns, nt)
            best = (grid >= grid.max(axis=1, keepdims=True)) | (grid >= grid.max(axis=0))
            keep = ~best.ravel()
            if keep.sum() < 2:
                continue
            ends_s, ends_t, cos = ends_s[keep], ends_t[keep], cos[keep]
            k = len(cos)
        resid = cos - 0.5 * (src_null[ends_s, a - 1, b - 1] + tgt_null[ends_t, b - 1, a - 1])
        mad = np.median(np.abs(resid - np.median(resid)))
        spread[a - 1, b - 1] = 1.4826 * mad
        count[a - 1, b - 1] = k
    return spread, count


@numba.njit(cache=True)
def _span_or(masks: np.ndarray, max_bead: int) -> np.ndarray:
    """out[e, a-1]: the union of the masks of the `a` sentences ending before e."""
    out = np.zeros((masks.shape[0] + 1, max_bead), np.int64)
    for e in range(1, masks.shape[0] + 1):
        acc = np.int64(0)
        for a in range(1, min(max_bead, e) + 1):
            acc |= masks[e - a]
            out[e, a - 1] = acc
    return out


@numba.njit(cache=True)
def _span_sum(values: np.ndarray, max_bead: int) -> np.ndarray:
    """out[e, a-1]: the sum of the values of the `a` sentences ending before e."""
    out = np.zeros((values.shape[0] + 1, max_bead))
    for e in range(1, values.shape[0] + 1):
        for a in range(1, min(max_bead, e) + 1):
            total = 0.0
            for r in range(e - a, e):
                total += values[r]
            out[e, a - 1] = total
    return out


def bead_evidence(
    cos: np.ndarray,
    cband: np.ndarray,
    clo: np.ndarray,
    chi: np.ndarray,
    src_norm: np.ndarray,
    tgt_norm: np.ndarray,
    src_mu: np.ndarray,
    tgt_mu: np.ndarray,
    joined: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    src_nulls: np.ndarray,
    tgt_nulls: np.ndarray,
    sigma: np.ndarray,
    prior_count: float,
    src_len: np.ndarray,
    tgt_len: np.ndarray,
    src_num: np.ndarray,
    tgt_num: np.ndarray,
    src_name: np.ndarray,
    tgt_name: np.ndarray,
    src_marks: np.ndarray,
    tgt_marks: np.ndarray,
    weights: np.ndarray,
    evidence: np.ndarray,
    only_joined: bool,
) -> None:
    """Fill `evidence` (float32, shaped like `cos`, NaN where no bead fits) with the calibrated
    evidence (log-odds) of every bead in the band, less its length term: that one depends on
    the document's length ratio, which `bead_gains` adds pass by pass, so the costly part is
    computed once. `only_joined`: fill in only the beads flagged in `joined`.

    src_nulls[kind, 0, i, a-1, b-1]: the document's null cosine of the source span of a
    sentences ending before i against target spans of b (`span_nulls`), [kind, 1, ...] the
    calibration's; kind 1 holds spans with a real embedding of their joined text (see `joined`).
    tgt_nulls[kind, which, j, b-1, a-1] likewise. sigma[kind, a-1, b-1]: spread of unrelated pairs.
    cband, clo, chi: the sentence similarities (`dp.band_dots`); src_mu, tgt_mu: each sentence's
    null cosine as a 1-1 pair (for the weakest link, `weakest_link`).

    "neighbours" is the mean of the source span's cosines with the target sentences just before
    and after the bead and the target span's with the source sentences around it (NaN: none in
    the band). All beads ending at one DP cell share their sentences' similarities, so the sums
    and maxima behind both features are grown once per cell, one sentence at a time.
    """
    mb = cos.shape[1]
    shared = _evidence_tables(
        cband, clo, chi, src_mu, tgt_mu, lo, sigma, src_len, tgt_len, src_num, tgt_num, src_name,
        tgt_name, src_marks, tgt_marks, mb, tgt_nulls.shape[2] - 1,
    )  # fmt: skip
    dp.share_rows(
        lambda i0, i1: _evidence_rows(
            i0, i1, cos, cband, clo, chi, src_norm, tgt_norm, joined, lo, hi, off, src_nulls,
            tgt_nulls, sigma, prior_count, weights, evidence, only_joined, *shared,
        ),
        off, lo, hi,
    )  # fmt: skip


@numba.njit(cache=True, error_model="numpy")
def _evidence_tables(
    cband: np.ndarray,
    clo: np.ndarray,
    chi: np.ndarray,
    src_mu: np.ndarray,
    tgt_mu: np.ndarray,
    lo: np.ndarray,
    sigma: np.ndarray,
    src_len: np.ndarray,
    tgt_len: np.ndarray,
    src_num: np.ndarray,
    tgt_num: np.ndarray,
    src_name: np.ndarray,
    tgt_name: np.ndarray,
    src_marks: np.ndarray,
    tgt_marks: np.ndarray,
    mb: int,
    m: int,
):
    """What the rows of `bead_evidence` share: span sums of the per-sentence signals, shape
    constants and every sentence pair's z."""
    n = lo.shape[0] - 1
    coff = offsets(clo, chi - 1)
    s_len, t_len = _span_sum(src_len, mb), _span_sum(tgt_len, mb)
    s_num, t_num = _span_or(src_num, mb), _span_or(tgt_num, mb)
    s_name, t_name = _span_or(src_name, mb), _span_or(tgt_name, mb)
    s_marks, t_marks = _span_or(src_marks, mb), _span_or(tgt_marks, mb)
    # the "short" feature of each span (a bead's is that of its shorter side)
    s_short = SHORT_CHARS / (SHORT_CHARS + s_len)
    t_short = SHORT_CHARS / (SHORT_CHARS + t_len)
    # what depends on the bead's shape alone: "sparse" and the weight group (plain, joined)
    sparse = np.empty((mb, mb))
    group = np.empty((mb, mb, 2), np.int64)
    for a in range(1, mb + 1):
        for b in range(1, mb + 1):
            sp = NULL_PRIOR_STRENGTH / (min(n - a + 1.0, m - b + 1.0) - 1.0 + NULL_PRIOR_STRENGTH)
            sparse[a - 1, b - 1] = sp
            group[a - 1, b - 1, 0] = group_of(a, b, False, sp)
            group[a - 1, b - 1, 1] = group_of(a, b, True, sp)
    # every sentence pair's z as a 1-1 bead (the weakest link's unit)
    zband = np.empty(cband.shape[0])
    for r in range(n):
        for t in range(clo[r], chi[r]):
            dot = np.float64(cband[coff[r] + t - clo[r]])
            zband[coff[r] + t - clo[r]] = (dot - 0.5 * (src_mu[r] + tgt_mu[t])) / sigma[0, 0, 0]
    return (
        coff, s_len, t_len, s_num, t_num, s_name, t_name, s_marks, t_marks, s_short, t_short,
        sparse, group, zband,
    )  # fmt: skip


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _evidence_rows(
    i0: int,
    i1: int,
    cos: np.ndarray,
    cband: np.ndarray,
    clo: np.ndarray,
    chi: np.ndarray,
    src_norm: np.ndarray,
    tgt_norm: np.ndarray,
    joined: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    src_nulls: np.ndarray,
    tgt_nulls: np.ndarray,
    sigma: np.ndarray,
    prior_count: float,
    weights: np.ndarray,
    evidence: np.ndarray,
    only_joined: bool,
    coff: np.ndarray,
    s_len: np.ndarray,
    t_len: np.ndarray,
    s_num: np.ndarray,
    t_num: np.ndarray,
    s_name: np.ndarray,
    t_name: np.ndarray,
    s_marks: np.ndarray,
    t_marks: np.ndarray,
    s_short: np.ndarray,
    t_short: np.ndarray,
    sparse: np.ndarray,
    group: np.ndarray,
    zband: np.ndarray,
) -> None:
    """`bead_evidence` of the DP rows i0..i1-1 (each cell's beads are its own: row runs can be
    filled in side by side)."""
    m = tgt_nulls.shape[2] - 1
    n = lo.shape[0] - 1
    mb = cos.shape[1]
    # per DP row i, per target column t: over the source rows i-a..i-1 (a = 1..), the best z
    # (col_best) and the summed similarity over the span's norm (col_near; NaN: outside the band)
    width = 1
    for i in range(i0, i1):
        width = max(width, hi[i] - max(lo[i], 1) + mb + 3)
    col_best = np.empty((width, mb + 1))
    col_near = np.empty((width, mb + 1))
    # per cell (i, j); source row i-1-ra, source row i-p, target column j-1-tb:
    row_best = np.empty((mb, mb + 1))  # [ra, b]: best z of the row over the bead's b columns
    weak_rows = np.empty((mb + 1, mb + 1))  # [a, b]: weakest row_best of the bead's a rows
    weak_cols = np.empty((mb + 1, mb + 1))  # [a, b]: weakest col_best of the bead's b columns
    row_near = np.empty((mb + 2, mb + 1))  # [p, b]: row i-p summed over columns j-b..j-1, / norm
    for i in range(i0, i1):
        na = min(mb, i)
        j0 = max(lo[i], 1)
        if j0 > hi[i]:
            continue
        if only_joined and not joined[off[i] + j0 - lo[i] : off[i] + hi[i] - lo[i] + 1].any():
            continue  # no bead of the row to fill in
        t0 = max(0, j0 - mb - 1)
        for t in range(t0, hi[i] + 1):
            best = -np.inf
            total = 0.0
            for a in range(1, na + 1):
                r = i - a
                if clo[r] <= t < chi[r]:
                    best = max(best, zband[coff[r] + t - clo[r]])
                    total = total + cband[coff[r] + t - clo[r]]
                else:
                    total = np.nan
                col_best[t - t0, a] = best
                col_near[t - t0, a] = total / src_norm[i - 1, a - 1]
        for j in range(j0, hi[i] + 1):
            c0 = off[i] + j - lo[i]
            nb = min(mb, j)
            if only_joined and not joined[c0].any():
                continue
            for ra in range(na):
                r = i - 1 - ra
                row_best[ra, 0] = -np.inf
                for b in range(1, nb + 1):
                    row_best[ra, b] = row_best[ra, b - 1]
                    if clo[r] <= j - b and j <= chi[r]:
                        row_best[ra, b] = max(row_best[ra, b], zband[coff[r] + j - b - clo[r]])
            for b in range(1, nb + 1):
                weak_rows[0, b] = np.inf
                for a in range(1, na + 1):
                    weak_rows[a, b] = min(weak_rows[a - 1, b], row_best[a - 1, b])
            for a in range(1, na + 1):
                weak_cols[a, 0] = np.inf
                for b in range(1, nb + 1):
                    weak_cols[a, b] = min(weak_cols[a, b - 1], col_best[j - b - t0, a])
            # neighbour sums; NaN where a sentence is outside the band (no such feature there)
            for p in range(min(mb, i - 1) + 2):
                if p == 1:
                    continue  # row i-1 is every bead's own
                r = i - p
                total = 0.0
                for b in range(1, nb + 1):
                    if r < n and clo[r] <= j - b and j <= chi[r]:
                        total = total + cband[coff[r] + j - b - clo[r]]
                    else:
                        total = np.nan
                    row_near[p, b] = total / tgt_norm[j - 1, b - 1]
            for a in range(1, na + 1):
                ls = s_len[i, a - 1]
                for b in range(1, nb + 1):
                    cv = cos[c0, a - 1, b - 1]
                    if np.isnan(cv) or (only_joined and joined[c0, a - 1, b - 1] == 0):
                        continue
                    src_side = 0.0
                    src_k = 0
                    if b + 1 <= j and not np.isnan(col_near[j - b - 1 - t0, a]):  # target j-b-1
                        src_side += col_near[j - b - 1 - t0, a]
                        src_k += 1
                    if not np.isnan(col_near[j - t0, a]):  # target sentence j
                        src_side += col_near[j - t0, a]
                        src_k += 1
                    tgt_side = 0.0
                    tgt_k = 0
                    if a + 1 <= i and not np.isnan(row_near[a + 1, b]):  # source sentence i-a-1
                        tgt_side += row_near[a + 1, b]
                        tgt_k += 1
                    if not np.isnan(row_near[0, b]):  # source sentence i
                        tgt_side += row_near[0, b]
                        tgt_k += 1
                    # (a mean of one or two: x / 2 is x * 0.5 to the bit, and needs no division)
                    if src_k == 2:
                        src_side *= 0.5
                    if tgt_k == 2:
                        tgt_side *= 0.5
                    near = np.nan
                    if src_k and tgt_k:
                        near = 0.5 * (src_side + tgt_side)
                    elif src_k:
                        near = src_side
                    elif tgt_k:
                        near = tgt_side
                    weak = min(weak_rows[a, b], weak_cols[a, b])
                    k = 1 if joined[c0, a - 1, b - 1] != 0 else 0
                    sig = sigma[k, a - 1, b - 1]
                    z, null = bead_z(
                        cv, src_nulls[k, 0, i, a - 1, b - 1], tgt_nulls[k, 0, j, b - 1, a - 1],
                        src_nulls[k, 1, i, a - 1, b - 1], tgt_nulls[k, 1, j, b - 1, a - 1],
                        m - b + 1.0, n - a + 1.0, sig, prior_count,
                    )  # fmt: skip
                    sp = sparse[a - 1, b - 1]
                    lt = t_len[j, b - 1]
                    short = s_short[i, a - 1] if ls <= lt else t_short[j, b - 1]
                    w = weights[group[a - 1, b - 1, k]]
                    # the features in the calibration's order (`features_but_length`), summed
                    # in that order; the length term is `bead_gains`'
                    ev = 0.0
                    ev += w[0] * z
                    ev += w[1] * (z * sp)
                    ev += w[2] * sp
                    ev += w[3] * (z * short)
                    ev += w[4] * short
                    ev += w[5] * weak
                    ev += w[6] * (0.0 if np.isnan(near) else (near - null) / sig)
                    ev += w[8] * _agreement(s_num[i, a - 1], t_num[j, b - 1], False)
                    ev += w[9] * _agreement(s_name[i, a - 1], t_name[j, b - 1], True)
                    ev += w[10] * _agreement(s_marks[i, a - 1], t_marks[j, b - 1], False)
                    ev += w[11] * 1.0
                    evidence[c0, a - 1, b - 1] = ev


@numba.njit(cache=True)
def _agreement(s: np.int64, t: np.int64, both: bool) -> float:
    """2 |s & t| / |s | t| - 1 of two sets of flags: 0 if neither side has any (`both`: unless
    both sides have some)."""
    if (both and (s == 0 or t == 0)) or (s == 0 and t == 0):
        return 0.0
    return 2.0 * _popcount(s & t) / _popcount(s | t) - 1.0


def bead_gains(
    evidence: np.ndarray,
    joined: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    m: int,
    src_cum: np.ndarray,
    tgt_cum: np.ndarray,
    src_par: np.ndarray,
    tgt_par: np.ndarray,
    ratio: float,
    weights: np.ndarray,
    log_odds: float,
    shape_prior: np.ndarray,
    evidence_weight: float,
    size_exponent: float,
    merge_bonus: float,
    paragraph_penalty: float,
    temperature: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Gains of every bead for one DP pass: (gain, log_odds) arrays shaped like `evidence`.

    evidence = (`bead_evidence` + the length term for this pass's length `ratio` (src_cum,
               tgt_cum: cumulative sentence lengths from 0)) * `temperature` (1 but where the
               document's own unrelated pairs say its evidence claims too much,
               `DocumentScorer.temper`);
    log_odds = evidence + the document's prior log-odds that a bead is a translation; the bead's
               probability is its sigmoid;
    gain     = evidence_weight * ((a + b) / 2) ** size_exponent * evidence + (a + b) / 2 * prior
               log-odds + log of the shape's prior relative to 1-1 + merge_bonus per sentence
               beyond 1-1 - paragraph_penalty if the bead crosses a paragraph break.
               size_exponent > 0 lets evidence count per sentence: a merge that explains one
               more sentence is worth more than its part.
    An omission (1-0 / 0-1) has gain 0: a bead is kept only where it beats leaving its sentences
    out, which is what lets a document say "these are unrelated".
    """
    n = lo.shape[0] - 1
    tables = _gain_tables(
        n, m, evidence.shape[1], src_cum, tgt_cum, ratio, log_odds, shape_prior,
        evidence_weight, size_exponent, merge_bonus,
    )  # fmt: skip
    gain = np.empty(evidence.shape, np.float32)
    odds = np.empty(evidence.shape, np.float32)
    gain[: off[1]] = NEG_INF  # row 0: no bead ends there (the chunks cover rows 1..n)
    odds[: off[1]] = np.nan
    dp.share_rows(
        lambda i0, i1: _gain_rows(
            i0, i1, evidence, joined, lo, hi, off, src_par, tgt_par, weights, log_odds,
            paragraph_penalty, temperature, *tables, gain, odds,
        ),
        off, lo, hi,
    )  # fmt: skip
    return gain, odds


@numba.njit(cache=True)
def _gain_tables(
    n: int,
    m: int,
    mb: int,
    src_cum: np.ndarray,
    tgt_cum: np.ndarray,
    ratio: float,
    log_odds: float,
    shape_prior: np.ndarray,
    evidence_weight: float,
    size_exponent: float,
    merge_bonus: float,
):
    """What the rows of `bead_gains` share: each shape's group, scale, prior and shape term (a
    pow per bead is not free), and the length term's logs once per span (log(x / y) as
    log(x) - log(y))."""
    group = np.empty((mb, mb, 2), np.int64)
    scale = np.empty((mb, mb))
    prior = np.empty((mb, mb))
    extra = np.empty((mb, mb))
    for a in range(1, mb + 1):
        for b in range(1, mb + 1):
            others = min(n - a + 1.0, m - b + 1.0) - 1.0
            sparse = NULL_PRIOR_STRENGTH / (others + NULL_PRIOR_STRENGTH)
            group[a - 1, b - 1, 0] = group_of(a, b, False, sparse)
            group[a - 1, b - 1, 1] = group_of(a, b, True, sparse)
            size = 0.5 * (a + b)
            scale[a - 1, b - 1] = evidence_weight * size**size_exponent
            prior[a - 1, b - 1] = size * log_odds
            extra[a - 1, b - 1] = shape_prior[a - 1, b - 1] + merge_bonus * (a + b - 2)
    log_src = np.zeros((n + 1, mb))
    for i in range(1, n + 1):
        for a in range(1, min(mb, i) + 1):
            log_src[i, a - 1] = np.log(ratio * (src_cum[i] - src_cum[i - a]) + LENGTH_SMOOTHING)
    log_tgt = np.zeros((m + 1, mb))
    for j in range(1, m + 1):
        for b in range(1, min(mb, j) + 1):
            log_tgt[j, b - 1] = np.log(tgt_cum[j] - tgt_cum[j - b] + LENGTH_SMOOTHING)
    return group, scale, prior, extra, log_src, log_tgt


@numba.njit(cache=True, nogil=True)
def _gain_rows(
    i0: int,
    i1: int,
    evidence: np.ndarray,
    joined: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    src_par: np.ndarray,
    tgt_par: np.ndarray,
    weights: np.ndarray,
    log_odds: float,
    paragraph_penalty: float,
    temperature: float,
    group: np.ndarray,
    scale: np.ndarray,
    prior: np.ndarray,
    extra: np.ndarray,
    log_src: np.ndarray,
    log_tgt: np.ndarray,
    gain: np.ndarray,
    odds: np.ndarray,
) -> None:
    """`bead_gains` for DP rows i0..i1-1 (every cell of the rows written, NEG_INF / NaN where
    no bead fits). What a bead's row or column alone decides (a paragraph break in its source or
    target span, the length weight of its shape) is looked up once per row and cell, and every
    bead of a cell is written in one pass over its (a, b) block."""
    mb = evidence.shape[1]
    length_weight = np.empty((mb, mb, 2))  # [a-1, b-1, joined]: the length feature's weight
    for a in range(mb):
        for b in range(mb):
            for k in range(2):
                length_weight[a, b, k] = weights[group[a, b, k], LENGTH]
    src_break = np.zeros(mb, np.bool_)  # [a-1]: the source span crosses a paragraph break
    tgt_break = np.zeros(mb, np.bool_)
    for i in range(i0, i1):
        na = min(mb, i)
        for a in range(na):
            src_break[a] = src_par[i - 1] != src_par[i - 1 - a]
        if lo[i] == 0 and off[i + 1] > off[i]:  # column 0: no bead ends there
            gain[off[i]] = NEG_INF
            odds[off[i]] = np.nan
        for j in range(max(lo[i], 1), hi[i] + 1):
            c0 = off[i] + j - lo[i]
            nb = min(mb, j)
            for b in range(nb):
                tgt_break[b] = tgt_par[j - 1] != tgt_par[j - 1 - b]
            cell_ev, cell_joined = evidence[c0], joined[c0]
            cell_gain, cell_odds = gain[c0], odds[c0]
            for a in range(mb):
                ls = log_src[i, a]
                for b in range(mb):
                    ev = np.float64(cell_ev[a, b])
                    if a >= na or b >= nb or np.isnan(ev):
                        cell_gain[a, b] = NEG_INF
                        cell_odds[a, b] = np.nan
                        continue
                    dev = abs(log_tgt[j, b] - ls)
                    ev += length_weight[a, b, 1 if cell_joined[a, b] != 0 else 0] * dev
                    ev *= temperature
                    gv = scale[a, b] * ev + prior[a, b]
                    gv += extra[a, b]
                    if src_break[a] or tgt_break[b]:
                        gv -= paragraph_penalty
                    cell_gain[a, b] = gv
                    cell_odds[a, b] = ev + log_odds


@numba.njit(cache=True)
def best_evidence(
    odds: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    m: int,
    log_odds: float,
    near_lo: np.ndarray,
    near_hi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The highest evidence (log-odds less the prior `log_odds` they were computed with) of any
    bead near the path that holds each source and each target sentence: does it have a
    counterpart there, whatever the path chose? Near: ending in DP row i at a column
    near_lo[i]..near_hi[i] (and in the band). The best of a number of candidates that does not
    grow with the document: over a whole grid, chance alone finds a counterpart for nearly every
    sentence of a long document, and a band would hold more or fewer of them than a full DP."""
    n1 = lo.shape[0]
    mb = odds.shape[1]
    src = np.full(n1 - 1, -np.inf)
    tgt = np.full(m, -np.inf)
    by_tgt = np.empty(mb + 1)  # [b]: the best of the cell's beads of b target sentences
    for i in range(1, n1):
        for j in range(max(lo[i], near_lo[i], 1), min(hi[i], near_hi[i]) + 1):
            c0 = off[i] + j - lo[i]
            nb = min(mb, j)
            by_tgt[: nb + 1] = -np.inf
            for a in range(1, min(mb, i) + 1):
                by_src = -np.inf  # the best of the cell's beads of a source sentences
                for b in range(1, nb + 1):
                    v = odds[c0, a - 1, b - 1]
                    if np.isnan(v):
                        continue
                    v = np.float64(v) - log_odds
                    by_src = max(by_src, v)
                    by_tgt[b] = max(by_tgt[b], v)
                for r in range(i - a, i):
                    src[r] = max(src[r], by_src)
            for b in range(1, nb + 1):
                for jj in range(j - b, j):
                    tgt[jj] = max(tgt[jj], by_tgt[b])
    return src, tgt


@numba.njit(cache=True)
def closest_partners(
    odds: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    s0: int,
    s1: int,
    t0: int,
    t1: int,
) -> tuple[np.ndarray, np.ndarray]:
    """For each source sentence s0..s1-1 the target sentence t0..t1-1 of its highest-scoring
    1-1 bead in the band, and for each of those target sentences the source one (-1: no 1-1
    bead in the band); indexed from s0 and t0. The whole document: 0, n, 0, m."""
    src_best = np.full(s1 - s0, -np.inf)
    tgt_best = np.full(t1 - t0, -np.inf)
    src_of = np.full(s1 - s0, -1, np.int64)
    tgt_of = np.full(t1 - t0, -1, np.int64)
    for i in range(s0 + 1, s1 + 1):
        for j in range(max(lo[i], t0 + 1), min(hi[i], t1) + 1):
            if not lo[i - 1] <= j - 1 <= hi[i - 1]:
                continue
            v = odds[off[i] + j - lo[i], 0, 0]
            if np.isnan(v):
                continue
            if v > src_best[i - 1 - s0]:
                src_best[i - 1 - s0], src_of[i - 1 - s0] = v, j - 1
            if v > tgt_best[j - 1 - t0]:
                tgt_best[j - 1 - t0], tgt_of[j - 1 - t0] = v, i - 1
    return src_of, tgt_of


def sigmoid(x: float) -> float:
    # min/max, not np.clip: the same value (NaN stays NaN) without numpy's per-call overhead
    return float(1.0 / (1.0 + np.exp(-min(max(x, -60.0), 60.0))))


__all__ = [
    "FEATURES",
    "GROUPS",
    "bead_evidence",
    "bead_features",
    "bead_gains",
    "group_of",
    "null_spread",
    "offsets",
    "sigmoid",
    "span_means",
    "span_nulls",
    "summed_norms",
]


@numba.njit(cache=True, fastmath={"reassoc", "nsz"}, nogil=True)
def closest_nearby(
    x: np.ndarray,
    y: np.ndarray,
    rows: np.ndarray,
    centers: np.ndarray,
    width: int,
    x_mu: np.ndarray,
    y_mu: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """For each sentence rows[r] of x, the sentence of y within `width` of centers[r] whose
    pair stands highest above the two sentences' null cosines (x_mu, y_mu), and by how much
    (-inf and -1 where the window is empty). Unit vectors; a window, not the whole document,
    keeps the search linear in the document's length."""
    m, d = y.shape
    best = np.full(rows.shape[0], -1, np.int64)
    best_v = np.full(rows.shape[0], -np.inf)
    for r in range(rows.shape[0]):
        i = rows[r]
        for j in range(max(0, centers[r] - width), min(m, centers[r] + width + 1)):
            dot = np.float32(0.0)
            for k in range(d):
                dot += x[i, k] * y[j, k]
            v = dot - 0.5 * (x_mu[i] + y_mu[j])
            if v > best_v[r]:
                best_v[r], best[r] = v, j
    return best, best_v
