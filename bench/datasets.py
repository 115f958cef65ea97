"""Evaluation sets for the benchmarks, read from ../shared/data (never shipped in the package).

- Text+Berg de-fr: the standard gold sentence alignments (dev, test0..test6).
- FLORES-derived kk-ru *comparable* documents: professionally translated FLORES-200 devtest
  documents, concatenated into longer articles and then damaged the way real kk/ru news pairs
  differ — sentences and whole paragraphs missing on one side, two sentences merged into one —
  with the gold alignment known by construction. A fixed seed makes every run identical.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

Gold = list[tuple[tuple[int, ...], tuple[int, ...]]]


@dataclass
class Doc:
    name: str
    src: list[str]
    tgt: list[str]
    src_par: list[int]
    tgt_par: list[int]
    gold: Gold


def parse_beads(text: str) -> Gold:
    out: Gold = []
    for line in text.splitlines():
        if not line.strip():
            continue
        left, right = line.split(":")[:2]
        side = [
            tuple(int(v) for v in s.strip()[1:-1].split(",") if v.strip()) for s in (left, right)
        ]
        out.append((side[0], side[1]))
    return out


def textberg(names: list[str], data: Path = DATA) -> list[Doc]:
    docs = []
    for name in names:
        folder = data / "textberg-de-fr"
        de = (folder / f"{name}.de").read_text(encoding="utf-8").splitlines()
        fr = (folder / f"{name}.fr").read_text(encoding="utf-8").splitlines()
        gold = parse_beads((folder / f"{name}.defr").read_text(encoding="utf-8"))
        docs.append(Doc(name, de, fr, list(range(len(de))), list(range(len(fr))), gold))
    return docs


TEXTBERG_TEST = [f"test{i}" for i in range(7)]

# -- disjoint tuning and test pools ------------------------------------------------------------
# Whatever is tuned (aligner weights, calibration, pairing thresholds) sees only the "tune" pool;
# benchmarks report the "test" pool. Membership is a hash of a stable key, so it does not depend
# on file order, seeds or which subset a script loads.
POOLS = ("tune", "test")
TUNE_SHARE = 0.4


def pool_of(key: str, tune_share: float = TUNE_SHARE) -> str:
    """ "tune" or "test" for an item with this stable key (a FLORES URL, a Tatoeba line)."""
    h = int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:8], "big") / 2**64
    return "tune" if h < tune_share else "test"


def flores_articles(pool: str | None = None, data: Path = DATA) -> list[dict]:
    """FLORES-200 devtest articles (`{"doc_id", "kk", "ru", "en"}`), all or one pool's."""
    if pool is not None and pool not in POOLS:
        raise ValueError(f"pool must be one of {POOLS}")
    lines = (data / "flores200-devtest" / "docs_by_url.jsonl").read_text(encoding="utf-8")
    articles = [json.loads(line) for line in lines.splitlines() if line.strip()]
    return [a for a in articles if pool is None or pool_of(a["doc_id"]) == pool]


def tatoeba_pairs(pool: str | None = None, data: Path = DATA) -> list[tuple[str, str]]:
    """Tatoeba kaz-rus test pairs (kk, ru), all or one pool's (keyed by the Kazakh line; a quarter
    tunes, so that the test pool holds the 1,000 pairs the calibration targets are quoted on)."""
    if pool is not None and pool not in POOLS:
        raise ValueError(f"pool must be one of {POOLS}")
    folder = data / "tatoeba-kaz-rus"
    kk = (folder / "tatoeba-test-v2021-08-07.kaz").read_text(encoding="utf-8").splitlines()
    ru = (folder / "tatoeba-test-v2021-08-07.rus").read_text(encoding="utf-8").splitlines()
    pairs = list(zip(kk, ru, strict=True))
    return [p for p in pairs if pool is None or pool_of("tatoeba:" + p[0], 0.25) == pool]


def flores_comparable(
    seed: int,
    n_docs: int = 40,
    articles_per_doc: int = 6,
    drop_src: float = 0.12,
    drop_tgt: float = 0.05,
    drop_src_paragraph: float = 0.25,
    merge_src: float = 0.08,
    merge_tgt: float = 0.04,
    data: Path = DATA,
) -> list[Doc]:
    """kk-ru comparable documents with known gold beads (src = kk, tgt = ru).

    Each document concatenates `articles_per_doc` FLORES articles (one paragraph each). Then, per
    paragraph, the Kazakh side loses the whole paragraph with `drop_src_paragraph`; per sentence,
    a side loses it with `drop_*` (its counterpart becomes an omission), and two neighbouring
    sentences of a paragraph are merged into one with `merge_*` (a 1-2 or 2-1 bead).
    """
    rng = random.Random(seed)
    lines = (data / "flores200-devtest" / "docs_by_url.jsonl").read_text(encoding="utf-8")
    articles = [json.loads(line) for line in lines.splitlines() if line.strip()]
    docs = []
    for d in range(n_docs):
        picked = rng.sample(articles, articles_per_doc)
        units: list[tuple[list[str], list[str], int]] = []  # (kk sentences, ru sentences, par)
        for par, art in enumerate(picked):
            if rng.random() < drop_src_paragraph and par > 0:
                units.extend(([], [ru], par) for ru in art["ru"])
                continue
            k = 0
            pairs = list(zip(art["kk"], art["ru"], strict=True))
            while k < len(pairs):
                kk, ru = pairs[k]
                r = rng.random()
                if r < drop_src:
                    units.append(([], [ru], par))
                elif r < drop_src + drop_tgt:
                    units.append(([kk], [], par))
                elif k + 1 < len(pairs) and r < drop_src + drop_tgt + merge_src:
                    units.append(([f"{kk} {pairs[k + 1][0]}"], [ru, pairs[k + 1][1]], par))
                    k += 1
                elif k + 1 < len(pairs) and r < drop_src + drop_tgt + merge_src + merge_tgt:
                    units.append(([kk, pairs[k + 1][0]], [f"{ru} {pairs[k + 1][1]}"], par))
                    k += 1
                else:
                    units.append(([kk], [ru], par))
                k += 1
        src: list[str] = []
        tgt: list[str] = []
        src_par: list[int] = []
        tgt_par: list[int] = []
        gold: Gold = []
        for kk_side, ru_side, par in units:
            s_ids = tuple(range(len(src), len(src) + len(kk_side)))
            t_ids = tuple(range(len(tgt), len(tgt) + len(ru_side)))
            src += kk_side
            tgt += ru_side
            src_par += [par] * len(kk_side)
            tgt_par += [par] * len(ru_side)
            if s_ids and t_ids:
                gold.append((s_ids, t_ids))
            else:  # an omission: one bead per sentence, as aligners write them
                gold += [((i,), ()) for i in s_ids] + [((), (j,)) for j in t_ids]
        docs.append(Doc(f"flores-{seed}-{d}", src, tgt, src_par, tgt_par, gold))
    return docs


# Beads of the seed pair (../shared/seeds, kk = 000_*, ru = 001_*, split by egiz.split) that a
# bilingual reader calls certain; the paraphrased quotes, whose links are a matter of taste, are
# left out. Used as a third check when tuning: recall of these exact beads.
SEED_CERTAIN_BEADS: Gold = [
    ((), (0,)),  # the Russian title
    ((), (1,)),
    ((0,), (2,)),
    ((1,), (3,)),
    ((4,), (10, 11)),  # one Kazakh sentence = two Russian ones
    ((6,), (14, 15)),
    ((7,), (16,)),
    ((8,), ()),  # "Марат Сұлтанғазиев өз сөзінде ..." has no Russian counterpart
    ((9,), (17,)),
    ((10,), (18,)),
    ((), (12,)),  # the paragraph on special economic zones and industrial parks
    ((), (13,)),
    ((), (19,)),
    ((13,), (22,)),
    ((14,), (23,)),
    ((15,), (24,)),
    ((16,), (25,)),
]
