#!/usr/bin/env python
"""How much of each gold standard a monotone aligner can reach at all.

egiz, Bertalign and Vecalign all align in order: no two aligned beads cross. Where one version
moved a passage (a quote told later, a caption printed elsewhere, columns an OCR read out of
order), the gold links sentences across other links, and an aligner in order can only report both
sides as left out. For each document type and part this prints how many aligned gold beads cross
another one, and the most gold beads one alignment in order can hold (every gold omission, plus the
largest set of aligned gold beads of which no two cross): the ceiling of strict recall.

    .venv/bin/python bench/crossing_gold.py [--types textberg,bible,...]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datasets as ds  # noqa: E402
from bench.tuning import TYPES, load_type  # noqa: E402
from egiz.alignment import Bead, moved_beads  # noqa: E402

Span = tuple[int, int, int, int]  # first and last source sentence, first and last target one


def crossing(spans: Sequence[Span]) -> int:
    """How many of the aligned beads `spans` cross at least one other."""
    return sum(
        any((s[0] < o[0]) != (s[2] < o[2]) for o in spans if o[0] != s[0] and o[2] != s[2])
        for s in spans
    )


def largest_in_order(spans: Sequence[Span]) -> int:
    """The most beads of `spans` that can stand in one alignment in order: all but the ones
    `egiz.alignment.moved_beads` finds crossing, in source order."""
    beads = [
        Bead(tuple(range(s0, s1 + 1)), tuple(range(t0, t1 + 1))) for s0, s1, t0, t1 in sorted(spans)
    ]
    return len(beads) - len(moved_beads(beads))


def reachable(docs: Sequence[ds.Doc]) -> tuple[int, int, int]:
    """(gold beads, aligned gold beads that cross another, gold beads an order can hold)."""
    total = crossed = held = 0
    for doc in docs:
        spans = [(min(s), max(s), min(t), max(t)) for s, t in doc.gold if s and t]
        total += len(doc.gold)
        crossed += crossing(spans)
        held += largest_in_order(spans) + sum(1 for s, t in doc.gold if not (s and t))
    return total, crossed, held


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kinds = [t for t in TYPES if t != "unrelated"] + ["flores-moved"]
    parser.add_argument("--types", default=",".join(kinds))
    args = parser.parse_args(argv)
    rows = [
        (kind, part, *reachable(load_type(kind, part, small=True)))
        for kind in args.types.split(",")
        for part in ("tune", "test")
    ]
    seed = ds.seed_pair()
    if seed is not None:
        rows.append(("seed (certain beads)", "-", *reachable([seed])))
    print("| type | part | gold beads | crossing another | most an order holds | recall ceiling |")
    print("|---|---|---|---|---|---|")
    for kind, part, total, crossed, held in rows:
        print(f"| {kind} | {part} | {total} | {crossed} | {held} | {held / total:.4f} |")


if __name__ == "__main__":
    main()
