#!/usr/bin/env python
"""Which gold beads egiz and a peer each find, by gold bead shape, on one document type.

Strict F1 says who wins; this says where. For every gold bead shape (1-1, 2-1, 0-1, ...) it counts
the gold beads both systems output exactly, only egiz, only the peer, and neither, and prints each
system's beads and wrong beads: a system that cuts a gold 3-1 bead into 2-1 + 1-0 makes two wrong
beads where one that outputs 2-2 over a 1-1 and a 1-1 makes one, and strict precision counts beads.

    .venv/bin/python bench/gold_shapes.py --type textberg --part test [--peer bertalign]

The peer runs from ../shared/peers with the same encoder (bench/peers.py; needs its venv).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Pairs = Sequence[tuple[Sequence[int], Sequence[int]]]


def _exact(doc: Pairs) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    """A document's beads as a set, to look beads up exactly."""
    return {(tuple(s), tuple(t)) for s, t in doc}


def shape_table(
    gold: Sequence[Pairs], ours: Sequence[Pairs], peer: Sequence[Pairs]
) -> dict[str, Counter]:
    """Per gold shape "a-b": Counter of "both", "egiz", "peer", "neither" (exact bead matches)."""
    table: dict[str, Counter] = {}
    for g_doc, o_doc, p_doc in zip(gold, ours, peer, strict=True):
        o_set, p_set = _exact(o_doc), _exact(p_doc)
        for bead in _exact(g_doc):
            found = (bead in o_set, bead in p_set)
            key = {(True, True): "both", (True, False): "egiz", (False, True): "peer"}.get(
                found, "neither"
            )
            table.setdefault(f"{len(bead[0])}-{len(bead[1])}", Counter())[key] += 1
    return table


def wrong_beads(gold: Sequence[Pairs], test: Sequence[Pairs]) -> tuple[int, int]:
    """(beads output, beads output that are not exactly a gold bead)."""
    total = wrong = 0
    for g_doc, t_doc in zip(gold, test, strict=True):
        g_set = _exact(g_doc)
        total += len(t_doc)
        wrong += sum((tuple(s), tuple(t)) not in g_set for s, t in t_doc)
    return total, wrong


def main(argv: Sequence[str] | None = None) -> None:
    from bench import peers
    from bench.tuning import MemoEmbedder, load_type, run_docs
    from egiz.align import AlignParams
    from egiz.align.calibration import calibration_for

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--type", default="textberg", help="a document type of bench/tuning.py")
    parser.add_argument("--part", default="test", choices=("tune", "test"))
    parser.add_argument("--peer", default="bertalign", choices=("bertalign", "vecalign-a4"))
    args = parser.parse_args(argv)
    missing = peers.available()
    if missing:
        sys.exit(f"error: peers unavailable: {missing}")
    docs = load_type(args.type, args.part)
    embedder = MemoEmbedder("e5")
    calibration = calibration_for(embedder.encoder.name)[0]
    out, _ = run_docs(docs, AlignParams(), embedder, calibration)
    ours = [[(s, t) for s, t, _ in doc] for doc in out]
    runs = peers.run_peers(
        f"shapes-{args.type}-{args.part}", docs, docs[0].src_lang, docs[0].tgt_lang, [args.peer]
    )
    run = runs[args.peer]
    if run.failed:
        sys.exit(f"error: {args.peer} failed: {run.failed}")
    gold = [doc.gold for doc in docs]
    table = shape_table(gold, ours, run.beads)
    print(f"{args.type} {args.part}: gold beads found exactly, by gold shape (egiz default)")
    print(f"| gold shape | gold beads | both | only egiz | only {args.peer} | neither |")
    print("|---|---|---|---|---|---|")
    for shape in sorted(table, key=lambda k: tuple(int(v) for v in k.split("-"))):
        c = table[shape]
        print(f"| {shape} | {sum(c.values())} | {c['both']} | {c['egiz']} | {c['peer']} "
              f"| {c['neither']} |")  # fmt: skip
    for name, test in (("egiz", ours), (args.peer, run.beads)):
        total, wrong = wrong_beads(gold, test)
        print(f"{name}: {total} beads, {wrong} not a gold bead")


if __name__ == "__main__":
    main()
