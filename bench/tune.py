#!/usr/bin/env python
"""Choose egiz's AlignParams defaults by random search on the tune parts; report a
leave-one-type-out table on the test parts.

    .venv/bin/python bench/tune.py [--draws 60] [--seed 0]          # search, print the best
    .venv/bin/python bench/tune.py --loto [--draws 40]              # leave-one-type-out table

Search space: `SPACE` (each setting named for what it does; log-uniform where the scale is
unknown). Objective: the mean over document types (`bench.tuning.TYPES`) of strict F1 on the tune
parts — every type counts alike, whatever its size; for "unrelated" documents the share of
documents with no bead kept at the default min score. The calibration (`bench/calibrate.py`) is
fitted on the same tune parts; in the leave-one-type-out table both the calibration and the
settings are fitted without the type that is then reported (its test part).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.tuning import (  # noqa: E402
    LOTO_TYPES,
    TYPES,
    MemoEmbedder,
    load_sets,
    log,
    run_docs,
    score_type,
)
from egiz import __version__  # noqa: E402
from egiz.align import AlignParams  # noqa: E402
from egiz.align.calibration import calibration_for  # noqa: E402

# name -> (low, high, scale): "log" draws log-uniformly, "lin" uniformly, "int" an integer
SPACE: dict[str, tuple[float, float, str]] = {
    "evidence_weight": (0.3, 3.0, "log"),
    "size_exponent": (0.0, 1.5, "lin"),
    "merge_bonus": (-1.0, 3.0, "lin"),
    "aligned_prior_strength": (0.5, 100.0, "log"),
    "shape_prior_strength": (2.0, 2000.0, "log"),
    "paragraph_penalty": (0.0, 3.0, "lin"),
    "omission_pair_weight": (0.0, 4.0, "lin"),
    "absorb_tolerance": (0.0, 0.5, "lin"),
    "self_calibration": (1, 3, "int"),
    "pair_check_min_pairs": (0, 30, "int"),
}


def draw(rng: random.Random) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, (lo, hi, scale) in SPACE.items():
        if scale == "log":
            out[name] = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        elif scale == "int":
            out[name] = rng.randint(int(lo), int(hi))
        else:
            out[name] = rng.uniform(lo, hi)
    return out


def rounded(values: dict[str, float], digits: int = 2) -> dict[str, float]:
    """Each setting to `digits` significant digits: what a few dozen documents can resolve."""
    out: dict[str, float] = {}
    for k, v in values.items():
        if SPACE[k][2] == "int" or v == 0:
            out[k] = v
        else:
            out[k] = float(f"{v:.{digits}g}")
    return out


def evaluate(sets: dict, params: AlignParams, embedder: MemoEmbedder, cal) -> dict[str, float]:
    scores = {}
    for kind, docs in sets.items():
        beads, _ = run_docs(docs, params, embedder, cal)
        scores[kind] = score_type(kind, docs, beads).strict_f1
    return scores


def search(
    sets: dict, embedder: MemoEmbedder, cal, draws: int, seed: int
) -> tuple[AlignParams, dict[str, float], list]:
    rng = random.Random(seed)
    base = AlignParams()
    candidates = [{k: getattr(base, k) for k in SPACE}] + [draw(rng) for _ in range(draws)]
    history = []
    best: tuple[float, AlignParams, dict[str, float]] | None = None
    for k, values in enumerate(candidates):
        params = replace(base, **values)
        scores = evaluate(sets, params, embedder, cal)
        objective = sum(scores.values()) / len(scores)
        history.append((objective, values, scores))
        if best is None or objective > best[0]:
            best = (objective, params, scores)
            log(f"draw {k}: {objective:.4f} {fmt(scores)} {fmt(values)}")
    assert best is not None
    # then one round of coordinate steps from the best (random draws are sparse in 7
    # dimensions), each setting stepped on in a direction for as long as that gains
    for name, (lo, hi, scale) in SPACE.items():
        for direction in (-1, 1):
            while True:
                current = getattr(best[1], name)
                if scale == "int":
                    value = current + direction
                elif scale == "log":
                    value = current * 1.6**direction
                else:
                    value = current + direction * 0.25 * (hi - lo)
                if not lo <= value <= hi:
                    break
                params = replace(best[1], **{name: type(current)(value)})
                scores = evaluate(sets, params, embedder, cal)
                objective = sum(scores.values()) / len(scores)
                history.append((objective, {name: value}, scores))
                if objective <= best[0] + 0.001:
                    break
                best = (objective, params, scores)
                log(f"step {name}={value:.3g}: {objective:.4f} {fmt(scores)}")
    # round to what the data can resolve, keep the rounding if it costs nothing measurable
    values = rounded({k: getattr(best[1], k) for k in SPACE})
    params = replace(base, **values)
    scores = evaluate(sets, params, embedder, cal)
    if sum(scores.values()) / len(scores) >= best[0] - 0.002:
        return params, scores, history
    return best[1], best[2], history


def fmt(d: dict) -> str:
    return " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in d.items())


def loto(draws: int, seed: int, encoder: str) -> None:
    from bench.calibrate import (
        choose_prior_aligned,
        collect,
        fit_priors,
        fit_weights,
        single_docs,
    )

    embedder = MemoEmbedder(encoder)
    tune_all = load_sets("tune", small=True)
    test_all = load_sets("test", LOTO_TYPES)
    shipped = calibration_for(embedder.encoder.name)[0]
    rows = []
    for left_out in LOTO_TYPES:
        log(f"leaving out {left_out}")
        tune = {k: v for k, v in tune_all.items() if k != left_out}
        fit = {k: v for k, v in tune.items() if k not in ("unrelated",)}
        null, sigma, shape, dirs = fit_priors(fit, embedder, shipped.joined_weight)
        base = replace(
            shipped, null_prior=null, sigma_prior=sigma, shape_prior=shape, null_directions=dirs
        )
        feats, groups, labels, weights = collect(
            fit, single_docs("tune"), embedder, base, AlignParams(), partial=True
        )
        cal = replace(base, weights=fit_weights(feats, groups, labels, weights))
        cal = replace(cal, prior_aligned=choose_prior_aligned(cal, embedder, AlignParams())[0])
        params, _, _ = search(tune, embedder, cal, draws, seed)
        held = test_all[left_out]
        beads, _ = run_docs(held, params, embedder, cal)
        loto_f1 = score_type(left_out, held, beads).strict_f1
        beads, _ = run_docs(held, AlignParams(), embedder, shipped)
        full_f1 = score_type(left_out, held, beads).strict_f1
        rows.append((left_out, loto_f1, full_f1, params))
    print(f"\nsignature: egiz:{__version__}|enc:{embedder.encoder.name}|tune.py --loto "
          f"--draws {draws} --seed {seed}|test parts\n")  # fmt: skip
    header = (
        "| left out (reported on its test part) | strict F1, tuned and calibrated without it"
        " | strict F1, shipped defaults (tuned with it) | settings chosen without it |"
    )
    print(header)
    print("|---|---|---|---|")
    for kind, f_loto, f_full, params in rows:
        chosen = fmt({k: getattr(params, k) for k in SPACE})
        print(f"| {kind} | {f_loto:.3f} | {f_full:.3f} | {chosen} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--loto", action="store_true", help="leave-one-type-out table")
    ap.add_argument("--types", default=",".join(TYPES), help="document types to tune on")
    args = ap.parse_args(argv)
    if args.loto:
        loto(args.draws, args.seed, args.encoder)
        return
    embedder = MemoEmbedder(args.encoder)
    cal = calibration_for(embedder.encoder.name)[0]
    sets = load_sets("tune", args.types.split(","), small=True)
    params, scores, _ = search(sets, embedder, cal, args.draws, args.seed)
    print(f"\nsignature: egiz:{__version__}|enc:{embedder.encoder.name}|"
          f"cal:{cal.encoder}@{cal.fingerprint}|"
          f"tune.py --draws {args.draws} --seed {args.seed}|tune parts\n")  # fmt: skip
    print("| setting | chosen |\n|---|---|")
    for k in SPACE:
        print(f"| {k} | {getattr(params, k)} |")
    print("\n| type (tune part) | strict F1 |\n|---|---|")
    for kind, f1 in scores.items():
        print(f"| {kind} | {f1:.3f} |")


if __name__ == "__main__":
    main()
