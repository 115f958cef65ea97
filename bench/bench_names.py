#!/usr/bin/env python
"""Name-mismatch precision of `egiz diff`: of the names it reports as present on one side of a
bead only, how many really are (checked by hand).

    .venv/bin/python bench/bench_names.py [--list new|old] [--labels FILE]

Real kk/ru pairs, aligned as published (no aligner: every flag is the detector's own doing):
FLORES-200 devtest (281 articles, 1,012 sentence pairs, one bead each), the Tatoeba kaz-rus
test set (1,400 pairs, news sentences among them) and the seed article (its hand-checked
beads, as in tests/test_report.py). Every flag of this egiz is labelled by hand in
tests/fixtures/names/labels.json ("missing": the other side of the bead has no counterpart of
the name, under any spelling or translation), and so is a random sample of 50 flags (seed 0)
of the detector before issue 11 (kept below as the baseline, run in the same script). A flag
without a label is counted and shown, never guessed.

--list prints a detector's flags with both texts, for labelling.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SEEDS = ROOT.parent / "shared" / "seeds"
LABELS = ROOT / "tests" / "fixtures" / "names" / "labels.json"
SAMPLE = 50


def real_pairs() -> dict[str, object]:
    """name -> Alignment of each real pair set."""
    from egiz.alignment import Alignment, Bead, Sentence
    from egiz.text import split_sentences

    sets: dict[str, object] = {}
    docs = [json.loads(line) for line in (DATA / "flores200-devtest" / "docs_by_url.jsonl").open()]
    src, tgt, beads = [], [], []
    for p, doc in enumerate(docs):
        for kk, ru in zip(doc["kk"], doc["ru"], strict=True):
            src.append(Sentence(kk, p))
            tgt.append(Sentence(ru, p))
            beads.append(Bead((len(src) - 1,), (len(tgt) - 1,), 1.05))
    sets["flores"] = Alignment(src, tgt, beads, src_lang="kk", tgt_lang="ru")
    base = DATA / "tatoeba-kaz-rus" / "tatoeba-test-v2021-08-07"
    kk_lines = base.with_suffix(".kaz").read_text(encoding="utf-8").splitlines()
    ru_lines = base.with_suffix(".rus").read_text(encoding="utf-8").splitlines()
    sets["tatoeba"] = Alignment(
        [Sentence(t, i) for i, t in enumerate(kk_lines)],
        [Sentence(t, i) for i, t in enumerate(ru_lines)],
        [Bead((i,), (i,), 1.05) for i in range(len(kk_lines))],
        src_lang="kk",
        tgt_lang="ru",
    )
    seed_beads = json.loads(LABELS.read_text(encoding="utf-8"))["seed_beads"]
    kk = split_sentences(next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8"), "kk")
    ru = split_sentences(next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8"), "ru")
    sets["seed"] = Alignment(
        kk, ru, [Bead(tuple(s), tuple(t), score) for s, t, score in seed_beads]
    )
    return sets


def new_flags(alignment: object) -> list[tuple[int, str, str]]:
    """(bead, side, name as written) of this egiz."""
    from egiz.report import divergences

    out = []
    for m in divergences(alignment).name_mismatches:  # type: ignore[arg-type]
        out += [(m.bead, "kk", n) for n in m.only_src] + [(m.bead, "ru", n) for n in m.only_tgt]
    return out


# The detector before issue 11 (egiz/report/diverge.py at e39c436), kept as the baseline: name
# keys (5-letter prefixes of the Latin skeleton of capitalised words not after a sentence end),
# excused by any 4-letter prefix of any word of the other document.
_OLD_EXONYMS = {"maske": "mosk", "resei": "ros", "kitai": "kitai", "amerik": "amerik"}
_OLD_NOT_NAMES = frozenset(
    ("respu", "feder", "toten", "okile", "elsis", "presi", "prezi", "minis", "parla", "senat",
     "majil", "madzi", "ukime", "pravi", "guber", "posol", "prems")
)  # fmt: skip
_ANY_WORD = re.compile(r"[^\W\d_]+")


def old_flags(alignment: object) -> list[tuple[int, str, str]]:
    from egiz.text.translit import name_keys, to_latin_key

    a = alignment
    stems = frozenset((*_OLD_EXONYMS, *_OLD_EXONYMS.values()))

    def words(text: str) -> tuple[frozenset[str], frozenset[str]]:
        keys = {to_latin_key(w) for w in _ANY_WORD.findall(text)}
        return (
            frozenset(w[:4] for w in keys if len(w) >= 4),
            frozenset(s for s in stems if any(w.startswith(s) for w in keys)),
        )

    def excused(key: str, other_keys: frozenset[str], other: tuple) -> bool:
        short = key[:4]
        if any(k.startswith(short) or key.startswith(k[:4]) for k in other_keys if len(k) >= 4):
            return True
        if short in other[0]:
            return True
        return any(
            (key.startswith(x) and y in other[1]) or (key.startswith(y) and x in other[1])
            for x, y in _OLD_EXONYMS.items()
        )

    src_doc = words(" ".join(s.text for s in a.src_sentences))  # type: ignore[attr-defined]
    tgt_doc = words(" ".join(s.text for s in a.tgt_sentences))  # type: ignore[attr-defined]
    out = []
    for k, bead in enumerate(a.beads):  # type: ignore[attr-defined]
        if bead.is_omission:
            continue
        texts = (a.src_text(bead), a.tgt_text(bead))  # type: ignore[attr-defined]
        keys = [frozenset(x for x in name_keys(t) if x[:5] not in _OLD_NOT_NAMES) for t in texts]
        for side, mine, theirs, doc, text in (
            ("kk", keys[0], keys[1], tgt_doc, texts[0]),
            ("ru", keys[1], keys[0], src_doc, texts[1]),
        ):
            for key in sorted(mine):
                if len(key) >= 5 and not excused(key, theirs, doc):
                    out.append((k, side, _surface(key, text)))
    return out


def _surface(key: str, text: str) -> str:
    """The word of `text` whose key is `key` (what a reader would label)."""
    from egiz.text.translit import to_latin_key

    for word in re.findall(r"[^\W\d_]+", text):
        if word[0].isupper() and to_latin_key(word)[:5] == key:
            return word
    return key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", choices=("new", "old"))
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args()
    from egiz import __version__

    labels_file = json.loads(args.labels.read_text(encoding="utf-8"))
    labels = {
        (f["set"], f["bead"], f["side"], f["name"]): f["missing"] for f in labels_file["flags"]
    }
    sets = real_pairs()
    found = {"new": [], "old": []}
    for name, alignment in sets.items():
        found["new"] += [(name, *f) for f in new_flags(alignment)]
        found["old"] += [(name, *f) for f in old_flags(alignment)]
    old_sample = random.Random(0).sample(found["old"], min(SAMPLE, len(found["old"])))
    if args.list:
        for flag in found["new"] if args.list == "new" else old_sample:
            name, bead, side, word = flag
            a = sets[name]
            b = a.beads[bead]  # type: ignore[attr-defined]
            mark = labels.get(flag, "?")
            print(f"{name} #{bead} {side} {word}  [{mark}]")
            print("   kk:", a.src_text(b))  # type: ignore[attr-defined]
            print("   ru:", a.tgt_text(b))  # type: ignore[attr-defined]
        return
    beads = sum(sum(not b.is_omission for b in a.beads) for a in sets.values())  # type: ignore[attr-defined]
    rows = []
    for title, flags, labelled_from in (
        ("egiz diff (this version)", found["new"], found["new"]),
        ("before issue 11 (baseline, same script)", found["old"], old_sample),
    ):
        known = [labels[f] for f in labelled_from if f in labels]
        tp = sum(known)
        rows.append(
            (title, len(flags), len(labelled_from), len(known), tp, len(known) - tp,
             f"{tp / len(known):.2f}" if known else "-", len(labelled_from) - len(known))
        )  # fmt: skip
    by_set = {name: sum(1 for f in found["new"] if f[0] == name) for name in sets}
    print(
        f"egiz {__version__} name-mismatch precision · real kk/ru pairs as published: "
        f"FLORES-200 devtest, Tatoeba kaz-rus test, seed article · {beads} aligned beads · "
        f"labels {LABELS.relative_to(ROOT)} · baseline "
        f"sample {SAMPLE} flags, random seed 0"
    )
    print()
    print(
        "| detector | name flags (all sets) | flags in the labelled sample | labelled | "
        "name really missing | not missing | precision | unlabelled |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print()
    print("flags of this egiz per set: " + ", ".join(f"{k} {v}" for k, v in by_set.items()))
    if any(r[-1] for r in rows):
        print(
            "(some flags have no label: label them with --list, see the docstring)", file=sys.stderr
        )


if __name__ == "__main__":
    main()
