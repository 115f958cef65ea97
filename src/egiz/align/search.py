"""Where to look: the DP band, found coarse-to-fine so long documents cost linear time and memory.

Short documents get the full (n+1) x (m+1) grid. A long one is first aligned at half resolution
(neighbouring sentence vectors summed), recursively, and the fine DP then only visits cells within
`width` sentences of the coarse path — the idea of Vecalign (Thompson & Koehn 2019).
"""

from __future__ import annotations

import numba
import numpy as np

from egiz.align import dp, score

FULL_DP_CELLS = 160_000  # grids up to ~400 x 400 sentences are searched exhaustively
BAND_WIDTH = 8  # sentences kept on either side of the projected coarse path
COARSE_PRIOR_COUNT = 1e-6  # the coarse path's unrelated-pair statistics are the document's own
_NEG_INF32 = np.float32(dp.NEG_INF)  # the gain of a bead that does not fit, as stored


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64)


def find_band(
    x: np.ndarray, y: np.ndarray, *, full_cells: int | None = None, width: int = BAND_WIDTH
) -> tuple[np.ndarray, np.ndarray]:
    """DP columns [lo[i], hi[i]] allowed in row i, for source vectors x and target vectors y
    (`full_cells`: the largest grid searched exhaustively, default FULL_DP_CELLS)."""
    full_cells = FULL_DP_CELLS if full_cells is None else full_cells
    n, m = len(x), len(y)
    if (n + 1) * (m + 1) <= full_cells or n < 4 or m < 4:
        return full_band(n, m)
    coarse = [x, y]

    def coarser(k: int) -> None:  # the two sides side by side (the kernel lets go of the GIL)
        coarse[k] = _halve(coarse[k])

    dp.share(coarser, 2)
    xc, yc = coarse
    lo_c, hi_c = find_band(xc, yc, full_cells=full_cells, width=width)
    shapes = coarse_path(xc, yc, lo_c, hi_c)
    return _project(shapes, n, m, width)


def coarse_path(x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Bead shapes of a similarity-only alignment (1-1, 1-2, 2-1, 2-2 and omissions): a bead
    gains its cosine's distance from the document's unrelated pairs, in spreads, less 2."""
    from egiz.align.document import band_cosines, null_sigma

    max_bead = 2
    bc = band_cosines(x, y, lo, hi, max_bead)
    # centred vectors: unrelated pairs sit around 0 whatever the encoder, so no prior is needed
    sigma = null_sigma(bc, np.ones((max_bead, max_bead)), COARSE_PRIOR_COUNT)
    shape = np.log(np.array([[1.0, 0.1], [0.1, 0.02]]))
    gain = _similarity_gains(bc.cos, bc.src_null, bc.tgt_null, sigma, lo, hi, bc.off, shape)
    return dp.best_path(gain, lo, hi, off=bc.off, m=len(y))[::-1]


def _similarity_gains(
    cos: np.ndarray,
    src_null: np.ndarray,
    tgt_null: np.ndarray,
    sigma: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    shape: np.ndarray,
) -> np.ndarray:
    """Gain of every bead in the band: z - 2 (`score.bead_z`, null priors 0) as float32
    evidence, plus the log prior of its shape (the evidence model with a z weight of 1, a bias
    of -2 and nothing else, as `score.bead_evidence` and `score.bead_gains` would compute it)."""
    gain = np.full(cos.shape, dp.NEG_INF, np.float32)
    dp.share_rows(
        lambda i0, i1: _similarity_gain_rows(
            cos, src_null, tgt_null, sigma, lo, hi, off, shape, i0, i1, gain
        ),
        off, lo, hi,
    )  # fmt: skip
    return gain


@numba.njit(cache=True, nogil=True)
def _similarity_gain_rows(
    cos: np.ndarray,
    src_null: np.ndarray,
    tgt_null: np.ndarray,
    sigma: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    shape: np.ndarray,
    i0: int,
    i1: int,
    gain: np.ndarray,
) -> None:
    """`_similarity_gains` of the DP rows i0..i1-1 into `gain` (left at NEG_INF where a bead
    does not fit). Shape by shape along a row: the beads' divisions are independent of each
    other and run side by side, each still the same operations on the same floats."""
    n = lo.shape[0] - 1
    m = tgt_null.shape[0] - 1
    mb = cos.shape[1]
    for i in range(i0, i1):
        row = off[i] - lo[i]  # cell (i, j) at row + j
        for a in range(min(mb, i)):
            spans_s = n - a + 0.0  # source spans of a + 1 sentences
            for b in range(mb):
                null_s, sig, prior = src_null[i, a, b], sigma[a, b], shape[a, b]
                spans_t = m - b + 0.0
                for j in range(max(lo[i], b + 1), hi[i] + 1):
                    c = cos[row + j, a, b]
                    z, _ = score.bead_z(
                        c, null_s, tgt_null[j, b, a], 0.0, 0.0, spans_t, spans_s, sig,
                        COARSE_PRIOR_COUNT,
                    )  # fmt: skip
                    value = np.float64(np.float32(z - 2.0)) + prior  # float32 evidence
                    gain[row + j, a, b] = _NEG_INF32 if np.isnan(c) else value


# (reassociation lets the sums of squares run in SIMD lanes: the coarse path needs no last bits)
@numba.njit(cache=True, nogil=True, fastmath={"reassoc", "nsz", "contract"})
def _halve(v: np.ndarray) -> np.ndarray:
    """The side at half resolution: its vectors centred (the side's mean direction removed) and
    re-normalised, then neighbouring pairs summed (the last one alone if odd) and normalised.
    Sentence vectors of one encoder share a large common component; summed over many sentences
    it would dominate and every coarse unit would look alike. One pass over the rows (numpy's
    whole-array steps read the side six times: a fifth of the band search on a long document)."""
    n, d = v.shape
    mean = np.zeros(d)
    for r in range(n):
        for k in range(d):
            mean[k] += v[r, k]
    mean /= max(n, 1)
    out = np.empty(((n + 1) // 2, d), np.float32)
    row = np.empty(d)
    total = np.empty(d)
    for h in range((n + 1) // 2):
        total[:] = 0.0
        for r in range(2 * h, min(n, 2 * h + 2)):
            sq = 0.0
            for k in range(d):
                row[k] = v[r, k] - mean[k]
                sq += row[k] * row[k]
            scale = 1.0 / max(np.sqrt(sq), 1e-12)
            for k in range(d):
                total[k] += row[k] * scale
        sq = 0.0
        for k in range(d):
            sq += total[k] * total[k]
        scale = 1.0 / max(np.sqrt(sq), 1e-12)
        for k in range(d):
            out[h, k] = total[k] * scale
    return out


@numba.njit(cache=True)
def _project(shapes: np.ndarray, n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Widen a coarse path (bead shapes at half resolution) into a fine band around it."""
    path_lo = np.full(n + 1, m, np.int64)
    path_hi = np.zeros(n + 1, np.int64)
    ci = cj = 0
    for k in range(shapes.shape[0]):
        a, b = shapes[k, 0], shapes[k, 1]
        ni, nj = min(n, 2 * (ci + a)), min(m, 2 * (cj + b))
        i0, j0 = min(n, 2 * ci), min(m, 2 * cj)
        # the fine path between the two coarse corners stays inside their rectangle
        for i in range(i0, ni + 1):
            path_lo[i] = min(path_lo[i], j0)
            path_hi[i] = max(path_hi[i], nj)
        ci, cj = ci + a, cj + b
    path_lo[n] = min(path_lo[n], m)
    path_hi[n] = m
    # widen by `width` rows and columns: a sliding min/max over rows keeps lo and hi monotone
    lo = np.empty(n + 1, np.int64)
    hi = np.empty(n + 1, np.int64)
    for i in range(n + 1):
        r0, r1 = max(0, i - width), min(n, i + width)
        lo[i] = max(0, path_lo[r0 : r1 + 1].min() - width)
        hi[i] = min(m, path_hi[r0 : r1 + 1].max() + width)
    lo[0] = 0
    hi[n] = m
    for i in range(1, n + 1):
        lo[i] = max(lo[i], lo[i - 1])
        hi[i] = max(hi[i], hi[i - 1])
    return lo, hi
