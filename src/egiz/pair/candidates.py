"""Candidate pairs: each document's k nearest neighbours on the other side, both directions.

Two searches give the same contract (`Neighbours`):

* `exact_neighbours`: blocked matrix products in numpy. One pass over src blocks serves both
  directions (rows: src -> tgt; columns: tgt -> src, merged across blocks), and the top k is
  found without sorting whole rows: the k-th largest maximum of groups of columns is a lower
  bound of the k-th largest value, so only the few values above it are looked at.
* `ann_neighbours`: usearch HNSW indexes (one per side), built and searched with one thread so
  that the graph, hence the result, is the same on every run.

`find_neighbours(method="auto")` takes the exact search up to `EXACT_MAX` similarity cells or
when usearch is not installed, the index beyond. Ties are broken by the lower index, so the exact
search is deterministic too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "EXACT_MAX",
    "Neighbours",
    "ann_neighbours",
    "candidate_pairs",
    "exact_neighbours",
    "find_neighbours",
    "have_usearch",
    "pair_cosines",
]

# Exact search up to this many src x tgt cells (~300k x 300k). Measured on 2 cores (bench/
# bench_pair.py, e5-like synthetic vectors): 100k x 100k takes ~110 s exact and ~320 s with two
# single-threaded HNSW indexes (30k x 30k: 9 s against 38 s). The exact search grows with n^2 and
# the index with ~n log n, so the index only wins on collections several times larger.
EXACT_MAX = 300_000 * 300_000
_BLOCK_CELLS = 1 << 25  # similarity values per block: 128 MiB of float32
_GROUP = 16  # values per group for the top-k lower bound


@dataclass
class Neighbours:
    """k nearest neighbours both ways; index -1 (similarity -inf) pads a short list."""

    src_idx: np.ndarray  # (n_src, k) int64: nearest tgt documents of each src document
    src_sim: np.ndarray  # (n_src, k) float32 cosines, best first
    tgt_idx: np.ndarray  # (n_tgt, k) int64: nearest src documents of each tgt document
    tgt_sim: np.ndarray  # (n_tgt, k) float32
    method: str  # "exact" or "ann"


def have_usearch() -> bool:
    """Whether the optional usearch package can be imported."""
    try:
        import usearch.index  # noqa: F401
    except ImportError:
        return False
    return True


def _empty(n_src: int, n_tgt: int, k: int, method: str) -> Neighbours:
    return Neighbours(
        np.full((n_src, k), -1, np.int64),
        np.full((n_src, k), -np.inf, np.float32),
        np.full((n_tgt, k), -1, np.int64),
        np.full((n_tgt, k), -np.inf, np.float32),
        method,
    )


def _bound(values: np.ndarray, k: int, axis: int) -> np.ndarray:
    """A lower bound of the k-th largest value along `axis` of a 2-D array (-inf if unknown).

    View the axis as `_GROUP` interleaved slices and take their elementwise maximum (one
    contiguous pass, unlike a per-group reduction): each of the k largest of those maxima is a
    distinct element, so the k-th largest of them is <= the true k-th largest value.
    """
    n = values.shape[axis]
    groups = n // _GROUP
    if groups < k:
        shape = values.shape[1 - axis]
        return np.full(shape, -np.inf, dtype=values.dtype)
    if axis == 1:
        top = values[:, : groups * _GROUP].reshape(values.shape[0], _GROUP, groups).max(axis=1)
        return np.partition(top, groups - k, axis=1)[:, groups - k]
    top = values[: groups * _GROUP].reshape(_GROUP, groups, values.shape[1]).max(axis=0)
    return np.partition(top, groups - k, axis=0)[groups - k]


def _select(
    owner: np.ndarray, other: np.ndarray, value: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per owner, the k entries with the highest value (ties: lower `other` first), and their
    rank (0 = best)."""
    order = np.lexsort((other, -value, owner))
    owner, other, value = owner[order], other[order], value[order]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    counts = np.diff(np.r_[starts, len(owner)])
    rank = np.arange(len(owner)) - np.repeat(starts, counts)
    keep = rank < k
    return owner[keep], other[keep], value[keep], rank[keep]


def exact_neighbours(src: np.ndarray, tgt: np.ndarray, k: int) -> Neighbours:
    """Exact k nearest neighbours both ways by blocked dot products (rows are unit vectors)."""
    n_src, n_tgt = len(src), len(tgt)
    out = _empty(n_src, n_tgt, k, "exact")
    if not n_src or not n_tgt or k < 1:
        return out
    ks, kt = min(k, n_tgt), min(k, n_src)
    src = np.ascontiguousarray(src, dtype=np.float32)
    tgt_t = np.ascontiguousarray(np.asarray(tgt, dtype=np.float32).T)
    block = max(1, min(n_src, _BLOCK_CELLS // max(n_tgt, 1)))
    col_kth = np.full(n_tgt, -np.inf, dtype=np.float32)  # k-th best src so far, per tgt
    for start in range(0, n_src, block):
        sims = src[start : start + block] @ tgt_t  # (b, n_tgt)
        # src -> tgt: the block holds whole rows, so each row's top k is final.
        row_bound = _bound(sims, ks, axis=1)
        r, c = np.nonzero(sims >= row_bound[:, None])
        r, c, v, rank = _select(r, c, sims[r, c], ks)
        out.src_idx[start + r, rank] = c
        out.src_sim[start + r, rank] = v
        # tgt -> src: values above the running k-th best of their column (or this block's own
        # bound), merged with the lists kept so far.
        bound = np.maximum(col_kth, _bound(sims, kt, axis=0))
        r, c = np.nonzero(sims >= bound[None, :])
        if not len(c):
            continue
        touched = np.unique(c)
        old_src = out.tgt_idx[touched]  # (u, k)
        valid = old_src >= 0
        owner = np.concatenate([np.repeat(touched, valid.sum(axis=1)), c])
        other = np.concatenate([old_src[valid], start + r])
        value = np.concatenate([out.tgt_sim[touched][valid], sims[r, c]])
        owner, other, value, rank = _select(owner, other, value, kt)
        out.tgt_idx[owner, rank] = other
        out.tgt_sim[owner, rank] = value
        full = out.tgt_idx[touched, kt - 1] >= 0
        col_kth[touched[full]] = out.tgt_sim[touched[full], kt - 1]
    return out


def ann_neighbours(
    src: np.ndarray,
    tgt: np.ndarray,
    k: int,
    *,
    connectivity: int = 16,
    expansion_add: int = 64,
    expansion_search: int = 64,
) -> Neighbours:
    """Approximate k nearest neighbours both ways with usearch (cosine, float32 vectors)."""
    from usearch.index import Index

    n_src, n_tgt = len(src), len(tgt)
    out = _empty(n_src, n_tgt, k, "ann")
    if not n_src or not n_tgt or k < 1:
        return out
    src = np.ascontiguousarray(src, dtype=np.float32)
    tgt = np.ascontiguousarray(tgt, dtype=np.float32)
    for base, queries, idx_out, sim_out in (
        (tgt, src, out.src_idx, out.src_sim),
        (src, tgt, out.tgt_idx, out.tgt_sim),
    ):
        index = Index(
            ndim=base.shape[1],
            metric="cos",
            dtype="f32",
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=max(expansion_search, 2 * k),
        )
        # One thread: a multi-threaded build inserts in a varying order and so builds a
        # different graph each run; the pairing must not change between runs.
        index.add(np.arange(len(base), dtype=np.uint64), base, threads=1)
        kk = min(k, len(base))
        found = index.search(queries, kk, threads=1)
        # One query gives a `Matches` (only the hits), several a `BatchMatches` (padded rows
        # and `counts`).
        keys = np.zeros((len(queries), kk), dtype=np.int64)
        dist = np.zeros((len(queries), kk), dtype=np.float32)
        if hasattr(found, "counts"):
            counts = np.asarray(found.counts).reshape(-1)
            keys[:] = np.asarray(found.keys, dtype=np.int64).reshape(len(queries), -1)[:, :kk]
            rows = np.asarray(found.distances, dtype=np.float32).reshape(len(queries), -1)
            dist[:] = rows[:, :kk]
        else:
            hits = min(len(found.keys), kk)
            counts = np.asarray([hits])
            keys[0, :hits] = np.asarray(found.keys, dtype=np.int64)[:hits]
            dist[0, :hits] = np.asarray(found.distances, dtype=np.float32)[:hits]
        have = np.arange(kk)[None, :] < counts[:, None]
        idx_out[:, :kk] = np.where(have, keys, -1)
        sim_out[:, :kk] = np.where(have, 1.0 - dist, -np.inf)
        del index
    return out


def find_neighbours(src: np.ndarray, tgt: np.ndarray, k: int, method: str = "auto") -> Neighbours:
    """k nearest neighbours both ways: method "exact", "ann" (usearch) or "auto"."""
    if method not in ("auto", "exact", "ann"):
        raise ValueError(f"method must be auto, exact or ann, not {method!r}")
    if method == "auto":
        big = len(src) * len(tgt) > EXACT_MAX
        method = "ann" if big and have_usearch() else "exact"
    if method == "ann":
        return ann_neighbours(src, tgt, k)
    return exact_neighbours(src, tgt, k)


def candidate_pairs(nb: Neighbours, n_tgt: int) -> tuple[np.ndarray, np.ndarray]:
    """(src indices, tgt indices) of every pair found in either direction, sorted, unique."""
    si = np.repeat(np.arange(len(nb.src_idx), dtype=np.int64), nb.src_idx.shape[1])
    sj = nb.src_idx.reshape(-1)
    tj = np.repeat(np.arange(len(nb.tgt_idx), dtype=np.int64), nb.tgt_idx.shape[1])
    ti = nb.tgt_idx.reshape(-1)
    i = np.concatenate([si, ti])
    j = np.concatenate([sj, tj])
    ok = (i >= 0) & (j >= 0)
    keys = np.unique(i[ok] * max(n_tgt, 1) + j[ok])
    return keys // max(n_tgt, 1), keys % max(n_tgt, 1)


def pair_cosines(
    src: np.ndarray, tgt: np.ndarray, i: np.ndarray, j: np.ndarray, chunk: int = 1 << 16
) -> np.ndarray:
    """Cosine of each (src[i], tgt[j]) pair, computed in chunks (bounded memory).

    Recomputed rather than taken from the search, so that the exact and the approximate search
    score a pair they both found identically.
    """
    out = np.empty(len(i), dtype=np.float32)
    for s in range(0, len(i), chunk):
        a = src[i[s : s + chunk]]
        b = tgt[j[s : s + chunk]]
        out[s : s + chunk] = np.einsum("ij,ij->i", a, b, dtype=np.float32)
    return out
