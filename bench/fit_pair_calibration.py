#!/usr/bin/env python
"""Fit the document-pair probability (src/egiz/pair/calibration.json) on FLORES's tune pool.

    .venv/bin/python bench/fit_pair_calibration.py [--encoders e5 trigram] [--draws 60]

For each encoder: the kk and ru versions of the FLORES-200 devtest articles of the *tune* pool
(`bench.datasets.flores_articles("tune")`; `bench_pair.py` reports the *test* pool) are
embedded once. Then many small pairing problems are drawn from them, each a few articles on both
sides plus distractors (articles on one side only), and every candidate pair of each problem
(`egiz.pair.match.pair_features`: exactly what pairing computes) is a training example, labelled
by whether the two are one article. Two logistic regressions (L2-penalised Newton / IRLS):

* "small": 1-10 articles per side, 0 to n distractors per side; every src x tgt pair is a
  candidate; features cos, numbers, names, length (no population statistics);
* "population": 11 to all articles, 20% distractors; k nearest neighbours on centred vectors;
  features cos, margin, numbers, names, length.

The fitted coefficients are written to the package with the settings that produced them.
Dates and URLs are not in FLORES: their log-odds are fixed in `PairParams`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.datasets import flores_articles  # noqa: E402
from egiz import __version__  # noqa: E402
from egiz.document import Document  # noqa: E402
from egiz.embed import get_encoder  # noqa: E402
from egiz.pair.calibration import PairCalibration  # noqa: E402
from egiz.pair.features import FeatureTable, embed_documents  # noqa: E402
from egiz.pair.match import PairParams, pair_features  # noqa: E402

OUT = ROOT / "src" / "egiz" / "pair" / "calibration.json"
FEATURES = {
    "small": ("cos", "numbers", "names", "length"),
    "population": ("cos", "margin", "numbers", "names", "length"),
}
SMALL_SIZES = (1, 2, 3, 5, 8, 10)
POPULATION_SHARES = (0.1, 0.2, 0.4, 0.7, 1.0)
DISTRACTORS = 0.2
L2 = 1.0  # a weak Gaussian prior on the coefficients (sum over examples, not a mean)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def documents(articles: Sequence[dict], lang: str) -> list[Document]:
    return [Document(f"{lang}-{n}", "\n".join(a[lang]), lang) for n, a in enumerate(articles)]


def draw(
    rng: random.Random, n_articles: int, n_pairs: int, n_lone: int
) -> tuple[list[int], list[int]]:
    """Indices of the kk side and the ru side: `n_pairs` shared articles, `n_lone` per side
    whose counterpart is left out."""
    picked = rng.sample(range(n_articles), n_pairs + 2 * n_lone)
    shared, kk_only, ru_only = (
        picked[:n_pairs],
        picked[n_pairs : n_pairs + n_lone],
        picked[n_pairs + n_lone :],
    )
    kk, ru = shared + kk_only, shared + ru_only
    rng.shuffle(kk)
    rng.shuffle(ru)
    return kk, ru


def examples(
    model: str,
    vecs: dict[str, np.ndarray],
    feats: dict[str, FeatureTable],
    kk: list[int],
    ru: list[int],
) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) of every candidate pair of one drawn problem."""
    params = PairParams(population_min=10**9 if model == "small" else 1)
    i, j, values, used = pair_features(
        vecs["kk"][kk], vecs["ru"][ru], params, feats["kk"].take(kk), feats["ru"].take(ru)
    )
    assert used == model
    x = np.column_stack([values[name] for name in FEATURES[model]]).astype(np.float64)
    y = (np.asarray(kk)[i] == np.asarray(ru)[j]).astype(np.float64)
    return x, y


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression by Newton's method (IRLS); the intercept is not
    penalised. Returns (coef, intercept)."""
    a = np.column_stack([np.ones(len(x)), x])
    w = np.zeros(a.shape[1])
    penalty = np.full(a.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ w, -40, 40)))
        grad = a.T @ (p - y) + penalty * w
        hess = (a * (p * (1 - p))[:, None]).T @ a + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[1:], float(w[0])


def fit_encoder(spec: str, articles: list[dict], draws: int, seed: int) -> dict:
    encoder = get_encoder(spec)
    p = PairParams()
    opts = {"max_sentences": p.max_sentences, "lead": p.lead, "max_chars": p.max_chars}
    docs = {lang: documents(articles, lang) for lang in ("kk", "ru")}
    log(f"{spec}: embedding {len(articles)} articles per side ...")
    raw = {lang: embed_documents(d, encoder, **opts) for lang, d in docs.items()}
    # Each language's mean document vector, shipped and subtracted at pairing time.
    means = {lang: v.mean(axis=0) for lang, v in raw.items()}
    shifted = PairCalibration("fit", {}, {k: m.astype(np.float32) for k, m in means.items()})
    vecs = {lang: shifted.recentre(v, [lang] * len(v)) for lang, v in raw.items()}
    feats = {lang: FeatureTable.build(d, max_chars=p.feature_chars) for lang, d in docs.items()}
    rng = random.Random(seed)
    n = len(articles)
    out: dict[str, dict] = {}
    for model in ("small", "population"):
        xs, ys = [], []
        for _ in range(draws):
            if model == "small":
                size = rng.choice(SMALL_SIZES)
                lone = rng.randint(0, size)
                pairs = max(size - lone, 0) if size > 1 else rng.randint(0, 1)
                lone = size - pairs
            else:
                total = max(11, round(rng.choice(POPULATION_SHARES) * n / (1 + DISTRACTORS)))
                lone = round(total * DISTRACTORS)
                pairs = min(total - lone, n - 2 * lone)
            kk, ru = draw(rng, n, pairs, lone)
            if not kk or not ru:
                continue
            x, y = examples(model, vecs, feats, kk, ru)
            xs.append(x)
            ys.append(y)
        x, y = np.vstack(xs), np.concatenate(ys)
        coef, intercept = fit_logistic(x, y)
        log(f"{spec} {model}: {len(y)} candidate pairs ({int(y.sum())} true); coef {coef}")
        out[model] = {
            "features": list(FEATURES[model]),
            "coef": [round(float(c), 6) for c in coef],
            "intercept": round(intercept, 6),
            "examples": len(y),
            "positives": int(y.sum()),
        }
    return {
        "encoder": encoder.name,
        "models": out,
        "means": {lang: [round(float(x), 6) for x in m] for lang, m in means.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoders", nargs="+", default=["e5", "trigram"])
    ap.add_argument("--draws", type=int, default=200, help="problems drawn per model")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    articles = flores_articles("tune")
    fitted = {spec: fit_encoder(spec, articles, args.draws, args.seed) for spec in args.encoders}
    result = {
        "version": 1,
        "fitted": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "fitted_with": f"egiz {__version__}",
        "script": "bench/fit_pair_calibration.py",
        "data": f"FLORES-200 devtest kk/ru, tune pool ({len(articles)} articles)",
        "settings": {
            "draws": args.draws,
            "seed": args.seed,
            "small_sizes": list(SMALL_SIZES),
            "population_shares": list(POPULATION_SHARES),
            "distractors": DISTRACTORS,
            "l2": L2,
            "pair_params": {k: v for k, v in vars(replace(PairParams())).items()},
        },
        "encoders": fitted,
    }
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", "utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
