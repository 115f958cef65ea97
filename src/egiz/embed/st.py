"""Any local sentence-transformers model directory (`--encoder st:PATH`), e.g. LaBSE or a fine-tune.

egiz never downloads: PATH must exist on disk, and the hub is put in offline mode before loading.
The encoder name hashes the model's config files (not its weights: too big to hash on every run).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from egiz.errors import EgizError

_MISSING = (
    "the st encoder needs sentence-transformers: pip install 'egiz[st]' "
    "(or use --encoder e5 / --encoder trigram)"
)
# Files whose content decides the vectors; hashed into `name` so a changed model misses the cache.
_CONFIG_FILES = (
    "modules.json",
    "config_sentence_transformers.json",
    "sentence_bert_config.json",
    "config.json",
    "1_Pooling/config.json",
    "2_Dense/config.json",
    "2_Normalize/config.json",
)


def _config_digest(root: Path) -> str:
    h = hashlib.sha1()
    for rel in _CONFIG_FILES:
        f = root / rel
        if f.is_file():
            h.update(rel.encode() + b"\x00" + f.read_bytes() + b"\x00")
    return h.hexdigest()[:10]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _guess_dim(root: Path) -> int | None:
    """Output size from the config files (a Dense layer wins over pooling), without loading."""
    modules = _read_json(root / "modules.json")
    dim = None
    for mod in modules if isinstance(modules, list) else []:
        if not isinstance(mod, dict):
            continue
        cfg = _read_json(root / str(mod.get("path", "")) / "config.json")
        if not isinstance(cfg, dict):
            continue
        kind = str(mod.get("type", ""))
        if kind.endswith("Pooling"):
            dim = cfg.get("word_embedding_dimension", dim)
        elif kind.endswith("Dense"):
            dim = cfg.get("out_features", dim)
    if dim is None:
        cfg = _read_json(root / "config.json")
        dim = cfg.get("hidden_size") if isinstance(cfg, dict) else None
    return int(dim) if isinstance(dim, int) and dim > 0 else None


class SentenceTransformerEncoder:
    """A local sentence-transformers model, loaded (offline) on the first `encode`."""

    def __init__(
        self, path: str | os.PathLike[str], *, batch_size: int = 64, device: str | None = None
    ) -> None:
        if not str(path).strip():
            raise EgizError("--encoder st:PATH needs a path to a local sentence-transformers model")
        root = Path(path).expanduser()
        if not root.is_dir():
            raise EgizError(
                f"sentence-transformers model not found: {root} "
                "(st:PATH must be a local model directory; egiz never downloads models)"
            )
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.path = root.resolve()
        self.batch_size = batch_size
        self.device = device
        self.name = f"st:{self.path.name}:{_config_digest(self.path)}"
        self._dim = _guess_dim(self.path)
        self._model: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder(name={self.name!r})"

    @property
    def dim(self) -> int:
        """From the config files when possible; otherwise this loads the model."""
        if self._dim is None:
            self._dim = int(self._load().get_sentence_embedding_dimension())
        return self._dim

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ["HF_HUB_OFFLINE"] = "1"  # set before the import reads it
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise EgizError(_MISSING) from exc
                try:
                    self._model = SentenceTransformer(
                        str(self.path), device=self.device, local_files_only=True
                    )
                except Exception as exc:  # a broken/incomplete model directory
                    raise EgizError(
                        f"cannot load sentence-transformers model {self.path}: {exc}"
                    ) from exc
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`; returns (N, dim) float32, rows L2-normalised."""
        texts = list(texts)
        model = self._load()
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        vecs = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        out = np.asarray(vecs, dtype=np.float32)
        if self._dim is None or out.shape[1] != self._dim:
            self._dim = int(out.shape[1])
        return out
