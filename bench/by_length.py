#!/usr/bin/env python
"""Strict F1 of egiz on FLORES comparable documents of growing length: does a score mean the same
thing on a short document and a long one?

The same damage (`datasets.flores_comparable`: sentences and paragraphs missing on one side,
merges), 6 to all of a pool's articles to a document, four seeds per length and about 48
articles' worth of documents each. An aligner whose statistics grow with the document (the
chance of a spurious match over a bigger grid, the spread of random pairs of many topics) loses
as the documents grow, whatever it does on the short ones.

    .venv/bin/python bench/by_length.py [--pool tune|test]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ARTICLES_PER_DOC = (6, 12, 25, 50)  # and every article of the pool
SEEDS = (100, 101, 102, 103)  # not the seeds of the benchmark's or the tuner's documents
ARTICLES_PER_SEED = 48


def main(argv: Sequence[str] | None = None) -> None:
    from bench import datasets as ds
    from bench.tuning import MemoEmbedder, run_docs
    from egiz.align import AlignParams
    from egiz.align.calibration import calibration_for
    from egiz.evaluate import score_alignments

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", default="tune", choices=("tune", "test"))
    args = parser.parse_args(argv)
    embedder = MemoEmbedder("e5")
    calibration = calibration_for(embedder.encoder.name)[0]
    every = len(ds.flores_articles(args.pool))
    print(f"FLORES kk-ru comparable, {args.pool} pool, egiz default (strict F1, micro)")
    print("| articles a document | documents | sentences a side (mean) | P | R | F1 |")
    print("|---|---|---|---|---|---|")
    for per_doc in (*ARTICLES_PER_DOC, every):
        docs = [
            doc
            for seed in SEEDS
            for doc in ds.flores_comparable(
                args.pool,
                seed=seed,
                n_docs=max(1, ARTICLES_PER_SEED // per_doc),
                articles_per_doc=per_doc,
            )
        ]
        out, _ = run_docs(docs, AlignParams(), embedder, calibration)
        scores = score_alignments(
            [doc.gold for doc in docs], [[(s, t) for s, t, _ in beads] for beads in out]
        )["strict"]
        side = sum(len(doc.src) + len(doc.tgt) for doc in docs) / (2 * len(docs))
        print(
            f"| {per_doc} | {len(docs)} | {side:.0f} | {scores['precision']:.3f} "
            f"| {scores['recall']:.3f} | {scores['f1']:.3f} |"
        )


if __name__ == "__main__":
    main()
