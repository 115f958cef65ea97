"""The encoder contract every embedding backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    """Turns sentences into L2-normalised float32 vectors.

    `name` identifies the model *and* every setting that changes a vector (it is part of the
    embedding-cache key and of result signatures). Implementations load their model lazily, on
    the first `encode` call, never at import or construction time.
    """

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (len(texts), dim) float32 array, each row L2-normalised."""
        ...
