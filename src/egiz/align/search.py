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
    xc, yc = _halve(_center(x)), _halve(_center(y))
    lo_c, hi_c = find_band(xc, yc, full_cells=full_cells, width=width)
    shapes = coarse_path(xc, yc, lo_c, hi_c)
    return _project(shapes, n, m, width)


def coarse_path(x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Bead shapes of a similarity-only alignment (1-1, 1-2, 2-1, 2-2 and omissions): a bead
    gains its cosine's distance from the document's unrelated pairs, in spreads, less 2."""
    from egiz.align.document import band_cosines, null_sigma

    n, m = len(x), len(y)
    max_bead = 2
    bc = band_cosines(x, y, lo, hi, max_bead)
    # centred vectors: unrelated pairs sit around 0 whatever the encoder, so no prior is needed
    src_nulls = np.zeros((2, 2, *bc.src_null.shape))
    tgt_nulls = np.zeros((2, 2, *bc.tgt_null.shape))
    src_nulls[:, 0], tgt_nulls[:, 0] = bc.src_null, bc.tgt_null
    sigma = null_sigma(x, y, bc, max_bead, np.ones((max_bead, max_bead)), 1e-6)
    zeros_n, zeros_m = np.zeros(n, np.int64), np.zeros(m, np.int64)
    weights = np.zeros((len(score.GROUPS), len(score.FEATURES)))
    weights[:, 0] = 1.0
    weights[:, -1] = -2.0
    shape = np.log(np.array([[1.0, 0.1], [0.1, 0.02]]))
    zeros = np.zeros(bc.cos.shape, np.int8)
    evidence = score.bead_evidence(
        bc.cos, bc.cband, bc.clo, bc.chi, bc.src_norm, bc.tgt_norm, bc.src_null[1:, 0, 0],
        bc.tgt_null[1:, 0, 0], zeros, lo, hi, bc.off, src_nulls, tgt_nulls,
        np.stack([sigma, sigma]), 1e-6, zeros_n.astype(np.float64), zeros_m.astype(np.float64),
        zeros_n, zeros_m, zeros_n, zeros_m, zeros_n, zeros_m, weights,
    )  # fmt: skip
    gain, _ = score.bead_gains(
        evidence, zeros, lo, hi, bc.off, m, np.zeros(n + 1), np.zeros(m + 1), zeros_n, zeros_m,
        1.0, weights, 0.0, shape, 1.0, 0.0, 0.0, 0.0,
    )  # fmt: skip
    return dp.best_path(gain, lo, hi, off=bc.off, m=m)[::-1]


def _center(v: np.ndarray) -> np.ndarray:
    """Remove the side's mean direction. Sentence vectors of one encoder share a large common
    component; summed over many sentences it dominates and every coarse unit looks alike."""
    centred = v - v.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    return np.ascontiguousarray(centred / np.maximum(norms, 1e-12), dtype=np.float32)


def _halve(v: np.ndarray) -> np.ndarray:
    """Sum neighbouring pairs of vectors (the last one alone if odd) and re-normalise."""
    n = len(v)
    out = v[0 : n - n % 2 : 2] + v[1:n:2]
    if n % 2:
        out = np.vstack([out, v[-1:]])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)


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
