#!/usr/bin/env python
"""Development sets beside the tune parts, built from the tune pools only (never a test part):
what a change is checked on before its test numbers are looked at.

    .venv/bin/python bench/dev_sets.py '{}' '{"pair_check_min_pairs": 0}'

Each argument is a JSON object of AlignParams overrides (none: the defaults); one table row each.
Columns (strict F1):
- edited 1-3: FLORES kk-ru translations of the tune articles with sentences replaced by
  unrelated ones on both sides, damage seeds 1, 2, 3 (the tune part is seed 0);
- comparable 1-3: comparable kk-ru documents of the tune articles, seeds 1, 2, 3 (20 each);
- comparable long: the same damage, one document of every tune article (~260 x 390 sentences)
  per seed 1, 2, 3: whatever grows with the document shows here;
- short x5: the Tatoeba tune pairs shuffled five more ways into documents of 2, 3, 5, 8 pairs;
- lines 12/20/40: the same pairs, three shuffles, as documents of 12, 20 and 40 pairs: dialogue
  lines and interface strings, longer than the short documents.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datasets as ds  # noqa: E402
from bench.tuning import MemoEmbedder, log, run_docs, score_type  # noqa: E402
from egiz.align import AlignParams  # noqa: E402
from egiz.align.calibration import calibration_for  # noqa: E402


def line_documents(pairs: list, sizes: tuple[int, ...], seed: int) -> list[ds.Doc]:
    """`pairs` shuffled with `seed`, cut into documents of `sizes` pairs in turn (gold 1-1)."""
    shuffled = list(pairs)
    random.Random(seed).shuffle(shuffled)
    docs, start, k = [], 0, 0
    while start + sizes[k % len(sizes)] <= len(shuffled):
        size = sizes[k % len(sizes)]
        docs.append(ds.pairs_doc(f"lines-{seed}-{k}", shuffled[start : start + size]))
        start, k = start + size, k + 1
    return docs


def dev_sets() -> dict[str, list[tuple[str, list[ds.Doc]]]]:
    """column -> [(scoring type, documents)], several entries averaged."""
    pairs = ds.tatoeba_pairs("tune")
    sets: dict[str, list[tuple[str, list[ds.Doc]]]] = {}
    for seed in (1, 2, 3):
        sets[f"edited {seed}"] = [("flores-edit", ds.flores_edited("tune", seed=seed))]
    for seed in (1, 2, 3):
        docs = ds.flores_comparable("tune", seed=seed, n_docs=20)
        sets[f"comparable {seed}"] = [("flores-cmp", docs)]
    sets["comparable long"] = [("flores-cmp", ds.flores_comparable_long("tune", seeds=(1, 2, 3)))]
    sets["short x5"] = [("short", line_documents(pairs, ds.SHORT_SIZES, s)) for s in range(1, 6)]
    for size in (12, 20, 40):
        sets[f"lines {size}"] = [("short", line_documents(pairs, (size,), s)) for s in (1, 2, 3)]
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("overrides", nargs="*", default=["{}"], help="JSON AlignParams overrides")
    args = ap.parse_args()
    cal, _ = calibration_for("e5")
    embedder = MemoEmbedder("e5")
    sets = dev_sets()
    print("| settings | " + " | ".join(sets) + " |")
    print("|---" * (len(sets) + 1) + "|")
    for text in args.overrides:
        overrides = json.loads(text)
        params = replace(AlignParams(), **overrides)
        cells = []
        for column, parts in sets.items():
            scores = []
            for kind, docs in parts:
                beads, _ = run_docs(docs, params, embedder, cal)
                scores.append(score_type(kind, docs, beads).strict_f1)
            cells.append(f"{sum(scores) / len(scores):.4f}")
            log(f"{text} {column} {cells[-1]}")
        name = json.dumps(overrides) if overrides else "defaults"
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
