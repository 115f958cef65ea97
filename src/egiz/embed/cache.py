"""A persistent embedding cache: encoding is the slow step, and news re-runs see the same sentences.

One SQLite file (WAL, so several egiz processes can share it) maps sha1(encoder name + text) to the
float32 vector. The cache is an optimisation only: if its directory or file cannot be used, it
warns once and every lookup misses; it never makes a run fail.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FILENAME = "embeddings.sqlite"
_CHUNK = 500  # SQLite's default limit on bound parameters is 999 on old builds
_BUSY_TIMEOUT_MS = 30_000
_SCHEMA = "CREATE TABLE IF NOT EXISTS emb (key BLOB PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID"
_warned: set[str] = set()  # paths already warned about, so a batch job warns once


def default_cache_dir() -> Path:
    """`$EGIZ_CACHE_DIR`, else `$XDG_CACHE_HOME/egiz`, else `~/.cache/egiz`."""
    if d := os.environ.get("EGIZ_CACHE_DIR"):
        return Path(d).expanduser()
    if d := os.environ.get("XDG_CACHE_HOME"):
        return Path(d).expanduser() / "egiz"
    return Path.home() / ".cache" / "egiz"


def cache_key(encoder_name: str, text: str) -> bytes:
    """sha1 of name and text: fixed-size, and a new encoder name never sees old vectors."""
    return hashlib.sha1(
        encoder_name.encode("utf-8") + b"\x00" + text.encode("utf-8", "surrogatepass")
    ).digest()


class EmbeddingCache:
    """Encoder-name-keyed vector store in one SQLite file.

    `path` is the SQLite file if it is an existing file or ends in .sqlite/.sqlite3/.db, else the
    directory for `embeddings.sqlite`; None means `default_cache_dir()`. The file is opened (and
    its directory made) on first use. `hits` and `misses` count lookups
    since construction. Thread-safe.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        p = Path(path).expanduser() if path is not None else default_cache_dir()
        is_file = p.is_file() or (not p.is_dir() and p.suffix in {".sqlite", ".sqlite3", ".db"})
        self.path = p if is_file else p / FILENAME
        self.hits = 0
        self.misses = 0
        self._conn: sqlite3.Connection | None = None
        self._disabled = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.path)!r})"

    @property
    def enabled(self) -> bool:
        """False once the cache could not be opened (every lookup then misses)."""
        return not self._disabled

    def _warn(self, what: str, exc: BaseException) -> None:
        key = str(self.path)
        if key not in _warned:
            _warned.add(key)
            warnings.warn(
                f"egiz: embedding cache {what} ({self.path}): {exc}; continuing without it",
                RuntimeWarning,
                stacklevel=4,
            )
        log.debug("embedding cache %s failed", what, exc_info=exc)

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None or self._disabled:
            return self._conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=_BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            try:
                conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(
                    "PRAGMA synchronous = NORMAL"
                )  # WAL + NORMAL: safe, no fsync per write
                conn.execute(_SCHEMA)
                conn.commit()
            except BaseException:
                conn.close()
                raise
        except (OSError, sqlite3.Error) as exc:
            self._disabled = True
            self._warn("unavailable", exc)
            return None
        self._conn = conn
        return conn

    def get_many(
        self, encoder_name: str, texts: Sequence[str], dim: int
    ) -> list[np.ndarray | None]:
        """Cached vector (float32, shape (dim,)) per text, or None where it is not cached."""
        keys = [cache_key(encoder_name, t) for t in texts]
        found: dict[bytes, bytes] = {}
        with self._lock:
            conn = self._connect()
            if conn is not None:
                try:
                    for i in range(0, len(keys), _CHUNK):
                        chunk = keys[i : i + _CHUNK]
                        marks = ",".join("?" * len(chunk))
                        rows = conn.execute(
                            f"SELECT key, vec FROM emb WHERE key IN ({marks})", chunk
                        )
                        found.update(rows.fetchall())
                except sqlite3.Error as exc:
                    self._warn("read failed", exc)
                    found = {}
        nbytes = 4 * dim
        out: list[np.ndarray | None] = []
        for k in keys:
            blob = found.get(k)
            # A wrong-sized blob (a changed dim under the same name) counts as a miss.
            out.append(
                np.frombuffer(blob, dtype=np.float32) if blob and len(blob) == nbytes else None
            )
        hits = sum(v is not None for v in out)
        self.hits += hits
        self.misses += len(out) - hits
        return out

    def put_many(self, encoder_name: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store one row of `vectors` per text (one transaction; failures only warn)."""
        vecs = np.ascontiguousarray(vectors, dtype=np.float32)
        if len(texts) != len(vecs):
            raise ValueError("texts and vectors differ in length")
        rows = [(cache_key(encoder_name, t), v.tobytes()) for t, v in zip(texts, vecs, strict=True)]
        with self._lock:
            conn = self._connect()
            if conn is None or not rows:
                return
            try:
                with conn:  # one transaction
                    conn.executemany("INSERT OR REPLACE INTO emb (key, vec) VALUES (?, ?)", rows)
            except sqlite3.Error as exc:  # read-only file, disk full, lock held too long
                self._warn("write failed", exc)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
