"""The hot loops of the aligner, compiled with numba: banded similarity, bead cosines, the bead DP.

Everything works inside a *band*: for DP row i (0..n, "i source sentences consumed") only the DP
columns lo[i]..hi[i] are allowed. A full DP is the band lo=0, hi=m; a long document gets a narrow
band around a coarser path (see `search.py`), which keeps time and memory linear. Band rows are
stored ragged (cell (i, j) at off[i] + j - lo[i]), so one wide row — a long run of omissions —
costs only its own width.

Similarities of multi-sentence beads are never embedded here: the dot product of two *sums* of
sentence vectors is the sum of the pairwise dot products, so a bead's cosine is a block sum of the
banded sentence-similarity matrix divided by the norms of the two sums (span norms come from the
few dot products between neighbouring sentences of one side). How a bead is scored from its
cosine is `score.py`'s business.

The large kernels are split into runs of rows that `share` hands to the calling thread and one
helper thread (nogil kernels; no numba threading layer, so nothing to lock): on a second idle
processor they take about half the time, on a busy machine the calling thread does them all.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

NEG_INF = -1e30
CHUNKS = 16  # runs of DP rows that a kernel's work is shared out in (`share`)


def share(work: Callable[[int], None], count: int) -> None:
    """work(0), ..., work(count - 1), in any order: on this thread, and on a helper thread for
    as long as it gets a processor (`work` should release the GIL, as nogil kernels do). The
    calling thread takes chunks until none is left, so on a busy machine it does them all
    itself, never waiting for a helper that is not running; then it waits only for the chunk
    the helper is in. Safe to call from several threads at once (they share the helper)."""
    helper = _helper() if count > 1 else None
    if helper is None:
        for chunk in range(count):
            work(chunk)
        return
    lock = threading.Condition()
    state = {"next": 0, "busy": 0}
    failed: list[BaseException] = []

    def take_chunks() -> None:
        while True:
            with lock:
                chunk = state["next"]
                if chunk >= count or failed:
                    return
                state["next"] = chunk + 1
                state["busy"] += 1
            try:
                work(chunk)
            except BaseException as exc:  # re-raised on the calling thread
                failed.append(exc)
            finally:
                with lock:
                    state["busy"] -= 1
                    lock.notify_all()

    with contextlib.suppress(RuntimeError):  # (the interpreter is shutting down: no helper)
        helper.submit(take_chunks)
    take_chunks()
    with lock:
        while state["busy"]:
            lock.wait()
    if failed:
        raise failed[0]


_HELPER: tuple[int, ThreadPoolExecutor] | None = None
_HELPER_LOCK = threading.Lock()


def _helper() -> ThreadPoolExecutor | None:
    """This process's helper thread (None on a single processor); a forked child makes its own."""
    global _HELPER
    if (os.cpu_count() or 1) < 2:
        return None
    with _HELPER_LOCK:
        if _HELPER is None or _HELPER[0] != os.getpid():
            _HELPER = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="egiz-dp"))
        return _HELPER[1]


def share_rows(
    rows: Callable[[int, int], None], off: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> None:
    """rows(i0, i1) for runs of DP rows 1..n with about equal numbers of cells (`row_chunks`),
    shared out as `share` does."""
    bounds = row_chunks(off, lo, hi)
    share(lambda c: rows(bounds[c], bounds[c + 1]), len(bounds) - 1)


@numba.njit(cache=True)
def row_chunks(off: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Bounds of CHUNKS runs of DP rows 1..n with about equal numbers of cells: rows
    bounds[c] .. bounds[c + 1] - 1 make chunk c (some may be empty)."""
    n1 = lo.shape[0]
    total = off[n1] - off[1]
    bounds = np.empty(CHUNKS + 1, np.int64)
    bounds[0] = 1
    k = 1
    for c in range(1, CHUNKS):
        target = off[1] + total * c // CHUNKS
        while k < n1 and off[k] < target:
            k += 1
        bounds[c] = max(k, bounds[c - 1])
    bounds[CHUNKS] = n1
    return bounds


@numba.njit(cache=True)
def offsets(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Start of each row in ragged band storage; off[-1] is the number of cells."""
    off = np.zeros(lo.shape[0] + 1, np.int64)
    for i in range(lo.shape[0]):
        off[i + 1] = off[i] + max(hi[i] - lo[i], -1) + 1
    return off


@numba.njit(cache=True)
def sentence_band(lo: np.ndarray, hi: np.ndarray, n: int, m: int, max_bead: int):
    """Columns [clo[r], chi[r]) of target sentences that source sentence r can meet in a bead."""
    clo = np.empty(n, np.int64)
    chi = np.empty(n, np.int64)
    for r in range(n):
        a = m
        b = 0
        for i in range(r + 1, min(n, r + max_bead) + 1):
            a = min(a, lo[i])
            b = max(b, hi[i])
        clo[r] = max(0, a - max_bead)
        chi[r] = min(m, max(b, clo[r]))
    return clo, chi


def band_dots(
    x: np.ndarray, y: np.ndarray, clo: np.ndarray, chi: np.ndarray, yt: np.ndarray | None = None
) -> np.ndarray:
    """x[r] . y[j] for j in [clo[r], chi[r]), ragged: at coff[r] + j - clo[r], coff = offsets(clo,
    chi - 1). `yt`: y transposed (contiguous), where the caller has it."""
    yt = np.ascontiguousarray(y.T) if yt is None else yt
    n = len(x)
    coff = offsets(clo, chi - 1)
    out = np.zeros(coff[n], np.float32)
    share(
        lambda c: _band_dots(x, yt, clo, chi, coff, n * c // CHUNKS, n * (c + 1) // CHUNKS, out),
        CHUNKS,
    )
    return out


VECTOR = 16  # float32 lanes of one wide vector register: band rows are computed in whole vectors


@numba.njit(cache=True, nogil=True)
def _band_dots(
    x: np.ndarray,
    yt: np.ndarray,
    clo: np.ndarray,
    chi: np.ndarray,
    coff: np.ndarray,
    r0: int,
    r1: int,
    out: np.ndarray,
) -> None:
    """`band_dots` of the source rows r0..r1-1 into `out`, on the transposed target vectors: a
    row's dot products grow side by side, k by k, so the loop over columns vectorises while each
    dot still adds its products in order. Two rows at a time share the target vectors they
    read, over a window of whole vectors that covers both rows' columns (the columns outside a
    row are computed too, and dropped: each column's dot is its own, so the ones kept are the
    same floats)."""
    d = x.shape[1]
    m = yt.shape[1]
    widest = 1
    for r in range(r0, r1):
        widest = max(widest, chi[r] - clo[r])
    acc = np.empty((2, min(m, _whole(widest)) + VECTOR), np.float32)
    r = r0
    while r < r1:
        two = r + 1 < r1
        first, last = clo[r], chi[r]
        if two:
            first, last = min(first, clo[r + 1]), max(last, chi[r + 1])
        if two and (last <= first or min(m, _whole(last - first)) > acc.shape[1]):
            two = False  # rows too far apart to share a window: one at a time
            first, last = clo[r], chi[r]
        w = min(m, _whole(last - first))
        start = min(first, m - w)  # the window [start, start + w) covers the rows' columns
        row0 = acc[0, :w]  # (slices, not offset indices: they let the loops vectorise)
        row1 = acc[1, :w]
        row0[:] = 0.0
        if two:
            row1[:] = 0.0
            for k in range(d):
                x0, x1 = x[r, k], x[r + 1, k]
                ys = yt[k, start : start + w]
                for c in range(w):
                    row0[c] += x0 * ys[c]
                    row1[c] += x1 * ys[c]
        else:
            for k in range(d):
                x0 = x[r, k]
                ys = yt[k, start : start + w]
                for c in range(w):
                    row0[c] += x0 * ys[c]
        for q in range(2 if two else 1):
            rr = r + q
            width = chi[rr] - clo[rr]
            if width > 0:
                at = clo[rr] - start
                out[coff[rr] : coff[rr] + width] = acc[q, at : at + width]
        r += 2 if two else 1


@numba.njit(cache=True)
def _whole(w: int) -> int:
    """w rounded up to whole vectors."""
    return (w + VECTOR - 1) // VECTOR * VECTOR


def span_norms(v: np.ndarray, max_bead: int, vt: np.ndarray | None = None) -> np.ndarray:
    """norm[r, a-1] = |v[r-a+1] + ... + v[r]| (0 where the span would start before 0).
    `vt`: v transposed (contiguous), where the caller has it."""
    return _span_norms(np.ascontiguousarray(v.T) if vt is None else vt, max_bead)


@numba.njit(cache=True, nogil=True)
def _span_norms(vt: np.ndarray, max_bead: int) -> np.ndarray:
    """`span_norms` on the transposed vectors: the dot products of neighbouring sentences grow
    side by side over all rows (vectorised), each still summed over k in order."""
    d, n = vt.shape
    near = np.zeros((max_bead, n), np.float64)  # near[t, r] = v[r] . v[r - t]
    for t in range(min(max_bead, n)):
        acc = near[t, t:]
        for k in range(d):
            now = vt[k, t:]
            before = vt[k, : n - t]
            for r in range(n - t):
                acc[r] += now[r] * before[r]
    out = np.zeros((n, max_bead), np.float64)
    for r in range(n):
        sq = 0.0
        for a in range(1, min(max_bead, r + 1) + 1):
            new = r - a + 1  # sentence added to the span
            sq += near[0, new]
            for t in range(1, a):  # cross terms with the sentences already in the span
                sq += 2.0 * near[t, new + t]
            out[r, a - 1] = np.sqrt(max(sq, 1e-12))
    return out


def bead_cosines(
    cband: np.ndarray,
    clo: np.ndarray,
    chi: np.ndarray,
    src_norm: np.ndarray,
    tgt_norm: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    max_bead: int,
    max_total: int | None = None,
) -> np.ndarray:
    """cos[off[i] + j - lo[i], a-1, b-1]: cosine of the bead that ends at DP cell (i, j) and
    covers source sentences i-a..i-1 and target sentences j-b..j-1 (NaN where it does not fit,
    or where a + b > `max_total`: no such bead, default none larger than max_bead a side)."""
    n = lo.shape[0] - 1
    coff = offsets(clo, chi - 1)
    total = 2 * max_bead if max_total is None else max_total
    out = np.full((off[n + 1], max_bead, max_bead), np.nan, np.float32)
    share_rows(
        lambda i0, i1: _bead_cosines(
            cband, clo, chi, coff, src_norm, tgt_norm, lo, hi, off, total, i0, i1, out
        ),
        off, lo, hi,
    )  # fmt: skip
    return out


@numba.njit(cache=True, nogil=True)
def _bead_cosines(
    cband: np.ndarray,
    clo: np.ndarray,
    chi: np.ndarray,
    coff: np.ndarray,
    src_norm: np.ndarray,
    tgt_norm: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    max_total: int,
    i0: int,
    i1: int,
    out: np.ndarray,
) -> None:
    """`bead_cosines` of the DP rows i0..i1-1 into `out`."""
    max_bead = out.shape[1]
    # running block sums over source rows i-1, i-2, ... for target columns j-b..j-1, one per b:
    # the sums of all widths grow side by side, row by row (independent chains of additions),
    # each still adding its similarities in the same order
    block = np.empty(max_bead + 1)
    for i in range(i0, i1):
        for j in range(max(lo[i], 1), hi[i] + 1):
            c = off[i] + j - lo[i]
            nb = min(max_bead, j)
            block[:] = 0.0
            for a in range(1, min(max_bead, i) + 1):
                r = i - a
                if j > chi[r]:
                    break
                nb = min(nb, j - clo[r])  # wider blocks leave the row's band (and stay out)
                if nb < 1:
                    break
                row = coff[r] - clo[r]
                # beads of a + b > max_total are not made (nor, taller, on the next rows)
                for b in range(1, min(nb, max_total - a) + 1):
                    s = block[b]
                    for jj in range(j - b, j):
                        s += cband[row + jj]
                    block[b] = s
                    out[c, a - 1, b - 1] = s / (src_norm[i - 1, a - 1] * tgt_norm[j - 1, b - 1])


@numba.njit(cache=True)
def _popcount(x: np.int64) -> int:
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


@numba.njit(cache=True)
def best_path(gain: np.ndarray, lo: np.ndarray, hi: np.ndarray, off: np.ndarray, m: int):
    """Maximise the summed gain over monotone bead sequences from (0, 0) to (n, m).

    Returns the bead shapes along the best path, last bead first, as (a, b) rows; (1, 0) and (0, 1)
    are omissions. Ties are broken by a fixed shape order, so the output is deterministic.
    """
    n1 = lo.shape[0]
    mb = gain.shape[1]
    n = n1 - 1
    score = np.full(off[n1], NEG_INF)
    back_a = np.zeros(off[n1], np.int8)
    back_b = np.zeros(off[n1], np.int8)
    score[0] = 0.0
    for i in range(n1):
        for j in range(lo[i], hi[i] + 1):
            c = off[i] + j - lo[i]
            if i == 0 and j == 0:
                continue
            best = NEG_INF
            ba = 0
            bb = 0
            # omissions: a source sentence (1-0) or a target sentence (0-1) without counterpart
            if i >= 1 and lo[i - 1] <= j <= hi[i - 1]:
                s = score[off[i - 1] + j - lo[i - 1]]
                if s > best:
                    best, ba, bb = s, 1, 0
            if j >= 1 and j - 1 >= lo[i]:
                s = score[c - 1]
                if s > best:
                    best, ba, bb = s, 0, 1
            for a in range(1, min(mb, i) + 1):
                pi = i - a
                for b in range(1, min(mb, j) + 1):
                    pj = j - b
                    if pj < lo[pi] or pj > hi[pi]:
                        continue
                    g = gain[c, a - 1, b - 1]
                    if g <= NEG_INF:
                        continue
                    s = score[off[pi] + pj - lo[pi]] + g
                    if s > best:
                        best, ba, bb = s, a, b
            score[c] = best
            back_a[c] = ba
            back_b[c] = bb
    path = np.zeros((n + m, 2), np.int64)
    k = 0
    i = n
    j = m
    while i > 0 or j > 0:
        a = back_a[off[i] + j - lo[i]]
        b = back_b[off[i] + j - lo[i]]
        if a == 0 and b == 0:  # unreachable cell: the band was broken (never expected)
            raise ValueError("alignment band does not connect start and end")
        path[k, 0] = a
        path[k, 1] = b
        k += 1
        i -= a
        j -= b
    return path[:k]


@numba.njit(cache=True)
def override_cosines(
    cos: np.ndarray,
    joined: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    src_index: np.ndarray,
    tgt_index: np.ndarray,
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    weight: float,
) -> None:
    """For multi-sentence beads whose spans both have a real embedding (index >= 0), move
    cos[cell (i, j), a-1, b-1] towards the cosine of the real embeddings,
    src_vecs[src_index[i, a-1]] . tgt_vecs[tgt_index[j, b-1]] (weight 1 replaces the
    summed-vector cosine, 0.5 averages the two), and flag the bead in `joined`."""
    n1 = lo.shape[0]
    mb = cos.shape[1]
    d = src_vecs.shape[1]
    for i in range(1, n1):
        for a in range(1, min(mb, i) + 1):
            si = src_index[i, a - 1]
            if si < 0:
                continue
            for j in range(max(lo[i], 1), hi[i] + 1):
                for b in range(1, min(mb, j) + 1):
                    if a == 1 and b == 1:
                        continue
                    ti = tgt_index[j, b - 1]
                    c = off[i] + j - lo[i]
                    if ti < 0 or np.isnan(cos[c, a - 1, b - 1]):
                        continue
                    s = 0.0
                    for k in range(d):
                        s += src_vecs[si, k] * tgt_vecs[ti, k]
                    cos[c, a - 1, b - 1] = weight * s + (1.0 - weight) * cos[c, a - 1, b - 1]
                    joined[c, a - 1, b - 1] = 1
