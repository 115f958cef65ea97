"""Sentence embeddings: pick an encoder with `get_encoder`, then `embed` (cached, deduplicated).

No model is loaded at import time or when an encoder is built; only the first `encode` loads one.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from egiz.embed.base import Encoder
from egiz.embed.cache import EmbeddingCache, default_cache_dir
from egiz.embed.e5 import E5Encoder
from egiz.embed.st import SentenceTransformerEncoder
from egiz.embed.trigram import TrigramEncoder
from egiz.errors import EgizError

__all__ = [
    "ENCODER_CHOICES",
    "E5Encoder",
    "EmbedStats",
    "EmbeddingCache",
    "Encoder",
    "SentenceTransformerEncoder",
    "TrigramEncoder",
    "embed",
    "get_encoder",
    "last_embed_stats",
]

ENCODER_CHOICES = ("e5", "trigram", "st:PATH")
# Options some encoder takes; one that the chosen encoder does not take is ignored, so a caller
# can pass e.g. num_threads whatever the encoder. Any other name is a TypeError (a typo).
_KNOWN_OPTIONS = frozenset(
    {"num_threads", "batch_size", "max_tokens", "dim", "ngram_range", "device"}
)


def get_encoder(spec: str = "e5", **options: Any) -> Encoder:
    """Build the encoder named by `spec`: "e5" (default), "trigram" or "st:PATH".

    Options whose value is None are dropped (use the encoder's default).
    """
    unknown = set(options) - _KNOWN_OPTIONS
    if unknown:
        raise TypeError(f"unknown encoder option(s): {', '.join(sorted(unknown))}")
    s = (spec or "e5").strip()
    low = s.lower()
    cls: type
    args: tuple[Any, ...] = ()
    if low == "e5":
        cls = E5Encoder
    elif low == "trigram":
        cls = TrigramEncoder
    elif low.startswith("st:"):
        cls, args = SentenceTransformerEncoder, (s[3:].strip(),)
    else:
        raise EgizError(
            f"unknown encoder {spec!r}; choose one of: e5 (default), trigram, st:PATH "
            "(a local sentence-transformers model directory)"
        )
    accepted = inspect.signature(cls).parameters
    kwargs = {k: v for k, v in options.items() if v is not None and k in accepted}
    encoder: Encoder = cls(*args, **kwargs)
    return encoder


@dataclass(frozen=True)
class EmbedStats:
    """What one `embed` call did: `encoded` is how many texts actually went through the model."""

    texts: int
    unique: int
    cached: int
    encoded: int


_last = threading.local()
_default_caches: dict[Path, EmbeddingCache] = {}
_default_lock = threading.Lock()


def last_embed_stats() -> EmbedStats | None:
    """Stats of the last `embed` call in this thread (None before the first)."""
    return getattr(_last, "stats", None)


def _resolve_cache(cache: EmbeddingCache | bool | None) -> EmbeddingCache | None:
    if isinstance(cache, EmbeddingCache):
        return cache
    if not cache:
        return None
    path = default_cache_dir()  # re-read each call: the environment may change (tests, CLI)
    with _default_lock:
        if path not in _default_caches:
            _default_caches[path] = EmbeddingCache(path)
        return _default_caches[path]


def embed(
    texts: Sequence[str],
    encoder: Encoder,
    *,
    cache: EmbeddingCache | bool | None = True,
    batch_size: int = 64,
    show_progress: bool = False,
) -> np.ndarray:
    """Embed `texts` with `encoder`: (len(texts), encoder.dim) float32, rows in input order.

    Each distinct text is encoded once; vectors already in the cache (True: the default cache in
    `default_cache_dir()`, an `EmbeddingCache`, or None/False: none) are not encoded again, and new
    ones are stored batch by batch, so an interrupted run keeps its work. `show_progress` draws a
    progress bar on stderr. `last_embed_stats()` says afterwards how many texts were encoded.
    An encoder with `cacheable = False` (the trigram one: cheaper to recompute than to store) is
    never cached.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    texts = list(texts)
    index: dict[str, int] = {}
    inverse = np.fromiter(
        (index.setdefault(t, len(index)) for t in texts), dtype=np.intp, count=len(texts)
    )
    unique = list(index)
    dim = int(encoder.dim)
    vecs = np.empty((len(unique), dim), dtype=np.float32)

    store = _resolve_cache(cache) if getattr(encoder, "cacheable", True) else None
    missing = list(range(len(unique)))
    if store is not None and unique:
        found = store.get_many(encoder.name, unique, dim)
        missing = [i for i, v in enumerate(found) if v is None]
        for i, v in enumerate(found):
            if v is not None:
                vecs[i] = v

    with _progress(show_progress, len(missing), encoder.name) as advance:
        for start in range(0, len(missing), batch_size):
            idx = missing[start : start + batch_size]
            batch = [unique[i] for i in idx]
            out = np.asarray(encoder.encode(batch), dtype=np.float32)
            if out.shape != (len(batch), dim):
                want = (len(batch), dim)
                raise RuntimeError(f"encoder {encoder.name} returned {out.shape}, not {want}")
            vecs[idx] = out
            if store is not None:
                store.put_many(encoder.name, batch, out)
            advance(len(batch))

    _last.stats = EmbedStats(
        texts=len(texts),
        unique=len(unique),
        cached=len(unique) - len(missing),
        encoded=len(missing),
    )
    return vecs[inverse]


@contextmanager
def _progress(enabled: bool, total: int, label: str) -> Iterator[Any]:
    """Yield an `advance(n)` callable; a rich bar on stderr only when enabled and there is work."""
    if not enabled or total == 0:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("embedding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn(f"[dim]{escape(label)}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("embed", total=total)
        yield lambda n: bar.advance(task, n)
