"""Two reference aligners for the benchmark, deliberately simple: what egiz must beat.

* `gale_church`: length only. Gale, W. A. & Church, K. W. (1993). "A Program for Aligning
  Sentences in Bilingual Corpora". Computational Linguistics 19(1), 75-102. Character lengths, the
  paper's constants c = 1 and s^2 = 6.8, bead shapes 1-1, 1-0, 0-1, 2-1, 1-2, 2-2 with the paper's
  priors (Table 5), and the cost of its appendix program: -log(2 (1 - Phi(|delta|))) with
  delta = (l2 - c l1) / sqrt(s^2 (l1 + l2 / c) / 2), plus -log(prior / prior(1-1)).
* `cosine_dp`: embeddings, but none of egiz's machinery: a full DP over 1-1, 1-0 and 0-1 moves
  only, where a 1-1 bead gains cos(x_i, y_j) - threshold and an omission gains 0, so two
  sentences are paired only where their cosine beats a fixed threshold.

Both return beads as `(src_ids, tgt_ids)` tuples in document order (omissions one per sentence).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

BeadIds = tuple[tuple[int, ...], tuple[int, ...]]

# Gale & Church (1993), Table 5 / appendix: prior of each bead shape, and the length model.
GC_PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 0): 0.0099,
    (0, 1): 0.0099,
    (2, 1): 0.089,
    (1, 2): 0.089,
    (2, 2): 0.011,
}
GC_C = 1.0  # expected target characters per source character
GC_S2 = 6.8  # variance of that ratio per source character
_GC_PENALTY = {shape: -math.log(p / GC_PRIORS[(1, 1)]) for shape, p in GC_PRIORS.items()}


def gale_church_distance(l1: float, l2: float, c: float = GC_C, s2: float = GC_S2) -> float:
    """-log P(delta) of a source span of l1 and a target span of l2 characters (`match`)."""
    if l1 == 0 and l2 == 0:
        return 0.0
    mean = (l1 + l2 / c) / 2.0
    z = (c * l1 - l2) / math.sqrt(s2 * mean)
    pd = math.erfc(abs(z) / math.sqrt(2.0))  # = 2 * (1 - Phi(|z|))
    return -math.log(max(pd, 1e-300))


def gale_church(src: Sequence[str], tgt: Sequence[str]) -> list[BeadIds]:
    """Minimum-cost Gale-Church alignment of two sentence lists (full DP, O(n m))."""
    n, m = len(src), len(tgt)
    ls = [0, *np.cumsum([len(s) for s in src]).tolist()]
    lt = [0, *np.cumsum([len(t) for t in tgt]).tolist()]
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    shapes = list(_GC_PENALTY.items())
    for i in range(n + 1):
        row = cost[i]
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, arg = inf, (0, 0)
            for (a, b), pen in shapes:
                if a > i or b > j:
                    continue
                prev = cost[i - a][j - b]
                if prev == inf:
                    continue
                d = prev + pen + gale_church_distance(ls[i] - ls[i - a], lt[j] - lt[j - b])
                if d < best:
                    best, arg = d, (a, b)
            row[j] = best
            back[i][j] = arg
    return _backtrace(back, n, m)


def cosine_dp(src_vecs: np.ndarray, tgt_vecs: np.ndarray, threshold: float) -> list[BeadIds]:
    """Best monotone 1-1/1-0/0-1 path; a 1-1 bead gains cos - threshold, an omission 0."""
    x = _unit(src_vecs)
    y = _unit(tgt_vecs)
    gain = (x @ y.T).astype(np.float64) - threshold
    n, m = gain.shape
    score = np.full((n + 1, m + 1), -np.inf)
    score[0, :] = 0.0  # leading target sentences left out
    score[:, 0] = 0.0
    back = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        back[0][j] = (0, 1)
    for i in range(1, n + 1):
        back[i][0] = (1, 0)
        prev, row, g = score[i - 1], score[i], gain[i - 1]
        for j in range(1, m + 1):
            best, arg = prev[j - 1] + g[j - 1], (1, 1)
            if prev[j] > best:
                best, arg = prev[j], (1, 0)
            if row[j - 1] > best:
                best, arg = row[j - 1], (0, 1)
            row[j] = best
            back[i][j] = arg
    return _backtrace(back, n, m)


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, np.float64)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _backtrace(back: list[list[tuple[int, int]]], n: int, m: int) -> list[BeadIds]:
    beads: list[BeadIds] = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = back[i][j]
        if a == 0 and b == 0:
            raise RuntimeError("baseline DP: unreachable cell")
        src, tgt = tuple(range(i - a, i)), tuple(range(j - b, j))
        beads.append((src, tgt))
        i, j = i - a, j - b
    beads.reverse()
    return beads
