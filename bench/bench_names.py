#!/usr/bin/env python
"""Name-mismatch precision of `egiz diff`: of the names it reports as present on one side of a
bead only, how many really are (checked by hand), and on a controlled set how many it finds.

    .venv/bin/python bench/bench_names.py [--time] [--list WHAT] [--labels FILE]

Natural set: real kk/ru pairs, aligned as published (no aligner: every flag is the detector's
own doing): FLORES-200 devtest (281 articles, 1,012 sentence pairs, one bead each), the Tatoeba
kaz-rus test set (1,400 pairs, news sentences among them) and the seed article (its
hand-checked beads, as in tests/test_report.py). Faithful translations: a name really missing
is rare there, and every one of these flags was looked at while the detector was written (the
development set).

Controlled set (see `controlled_beads`): two consecutive sentences of a FLORES article or two
consecutive Tatoeba lines make a bead, and one side loses one of its two sentences (a seeded
coin), so the names of the other side's sentence really are missing there; windows whose
taken-out sentence has no capitalised word after its first are skipped. Even articles and
windows are the tune part, odd ones the test part: 60 beads each. The test part is the one
reported: every capitalised word of its taken-out sentences is labelled (a name the bead's other
side has no counterpart of, or not), which gives recall as well as precision.

Labels: tests/fixtures/names/labels.json ("missing": the other side of the bead has no
counterpart of the name, under any spelling or translation), including a random sample of 50
flags (seed 0) of the detector before issue 11 (the baseline, run in the same script). A flag
without a label is counted and shown, never guessed.

--list new|old|control-test|control-tune|candidates prints flags (or the test part's
candidate words) with both texts, for labelling. --time times `divergences()` on each set.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass
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


# The controlled set: real aligned pairs with a sentence taken out of one side, so that side of
# the bead really lacks what the taken-out sentence says. Two consecutive FLORES sentences of one
# article (or two consecutive Tatoeba lines) make a bead; a seeded coin picks the side that loses
# one of them and which one; the window is kept only when the lost sentence's translation has a
# capitalised word after its first (a candidate name, by a rule independent of the detector), so
# that most beads have a name to find. FLORES articles with an even index and Tatoeba windows
# with an even index are the tune part (looked at while writing the detector), the others the
# test part (labelled and reported).
CONTROL_SEED = 11
CONTROL_BEADS = 60  # per part
_CAPITAL_AFTER_FIRST = re.compile(r"\s[^\W\d_a-zа-яёәғқңөұүһі]")


@dataclass(frozen=True)
class Control:
    """One bead of the controlled set: `lacks` ("kk" or "ru") lost the translation of `dropped`."""

    kk: tuple[str, ...]
    ru: tuple[str, ...]
    lacks: str
    dropped: str  # the sentence of the other side whose translation was taken out
    origin: str  # where the window comes from: "flores <article> <sentence>" or "tatoeba <line>"


def controlled_beads(part: str) -> list[Control]:
    """The controlled beads of `part` ("tune" or "test"), in a fixed order."""
    docs = [json.loads(line) for line in (DATA / "flores200-devtest" / "docs_by_url.jsonl").open()]
    windows: list[tuple[list[str], list[str], str]] = []
    for p, doc in enumerate(docs):
        if (p % 2 == 0) == (part == "tune"):
            for i in range(0, len(doc["kk"]) - 1, 2):
                windows.append((doc["kk"][i : i + 2], doc["ru"][i : i + 2], f"flores {p} {i}"))
    base = DATA / "tatoeba-kaz-rus" / "tatoeba-test-v2021-08-07"
    kk_lines = base.with_suffix(".kaz").read_text(encoding="utf-8").splitlines()
    ru_lines = base.with_suffix(".rus").read_text(encoding="utf-8").splitlines()
    for w, i in enumerate(range(0, len(kk_lines) - 1, 2)):
        if (w % 2 == 0) == (part == "tune"):
            windows.append((kk_lines[i : i + 2], ru_lines[i : i + 2], f"tatoeba {i}"))
    rng = random.Random(CONTROL_SEED)
    eligible = []
    for kk, ru, origin in windows:
        lacks, which = rng.choice(("kk", "ru")), rng.randrange(2)
        full, short = (ru, kk) if lacks == "kk" else (kk, ru)
        dropped = full[which].strip()
        if _CAPITAL_AFTER_FIRST.search(dropped):
            kept = tuple(s for k, s in enumerate(short) if k != which)
            pair = (kept, tuple(full)) if lacks == "kk" else (tuple(full), kept)
            eligible.append(Control(*pair, lacks, dropped, origin))
    return rng.sample(eligible, min(CONTROL_BEADS, len(eligible)))


def control_flags(beads: list[Control]) -> list[tuple[int, str, str]]:
    """(bead, side, name as written) of this egiz on the controlled beads, one bead at a time
    (no neighbours), through the function `divergences()` calls for each bead."""
    from egiz.report.diverge import bead_divergence

    out = []
    for k, c in enumerate(beads):
        only_kk, only_ru = bead_divergence(list(c.kk), list(c.ru), "kk", "ru").names
        out += [(k, "kk", n) for n in only_kk] + [(k, "ru", n) for n in only_ru]
    return out


def candidates(beads: list[Control]) -> list[tuple[int, str, str]]:
    """(bead, side, word) of every capitalised word (any position, each part of a hyphenated
    word) of each taken-out sentence: what recall is measured against, once labelled."""
    out = []
    for k, c in enumerate(beads):
        side = "ru" if c.lacks == "kk" else "kk"
        words = [p for w in re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", c.dropped)
                 for p in re.split(r"[-'’]", w)]  # fmt: skip
        out += [(k, side, w) for w in dict.fromkeys(words) if len(w) >= 2 and w[0].isupper()]
    return out


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


def _precision(labels: dict, flags: list) -> tuple[int, int, int, str, int]:
    """labelled, really missing, not missing, precision, unlabelled."""
    known = [labels[f] for f in flags if f in labels]
    tp = sum(known)
    return (
        len(known),
        tp,
        len(known) - tp,
        f"{tp / len(known):.2f}" if known else "-",
        (len(flags) - len(known)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--list", choices=("new", "old", "control-test", "control-tune", "candidates")
    )
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--time", action="store_true", help="time the detector on each set")
    args = parser.parse_args()
    from egiz import __version__
    from egiz.report import divergences

    labels_file = json.loads(args.labels.read_text(encoding="utf-8"))
    labels = {
        (f["set"], f["bead"], f["side"], f["name"]): f["missing"] for f in labels_file["flags"]
    }
    sets = real_pairs()
    controls = {part: controlled_beads(part) for part in ("tune", "test")}
    found: dict[str, list] = {"new": [], "old": []}
    timing = {}
    from egiz.text.names import missing_names

    missing_names(["Кеше Тоқаев келді."], ["Вчера Нью-Йорк."])  # builds the gazetteer (~1 s)
    for name, alignment in sets.items():
        start = time.perf_counter()
        divergences(alignment)  # type: ignore[arg-type]
        timing[name] = time.perf_counter() - start
        found["new"] += [(name, *f) for f in new_flags(alignment)]
        found["old"] += [(name, *f) for f in old_flags(alignment)]
    for part, beads in controls.items():
        start = time.perf_counter()
        found[f"control-{part}"] = [(f"control-{part}", *f) for f in control_flags(beads)]
        timing[f"control-{part}"] = time.perf_counter() - start
    cands = [("control-test", *c) for c in candidates(controls["test"])]
    old_sample = random.Random(0).sample(found["old"], min(SAMPLE, len(found["old"])))
    if args.list:
        _print_list(args.list, found, old_sample, cands, sets, controls, labels)
        return
    beads = sum(sum(not b.is_omission for b in a.beads) for a in sets.values())  # type: ignore[attr-defined]
    natural, control = found["new"], found["control-test"]
    flagged = set(control)
    truth = [c for c in cands if labels.get(c)]  # names really missing: recall's denominator
    recall = sum(c in flagged for c in truth) / len(truth) if truth else None
    rows = [
        ("natural: real pairs as published (development set)", beads, len(natural),
         *_precision(labels, natural), "-"),
        (f"controlled, test part ({CONTROL_BEADS} beads lacking a sentence)", CONTROL_BEADS,
         len(control), *_precision(labels, control),
         f"{recall:.2f} of {len(truth)}" if recall is not None else "-"),
        ("natural + controlled test", beads + CONTROL_BEADS, len(natural) + len(control),
         *_precision(labels, natural + control), "-"),
        ("before issue 11 on the natural set (baseline, sample of 50)", beads,
         len(found["old"]), *_precision(labels, old_sample), "-"),
    ]  # fmt: skip
    by_set = {name: sum(1 for f in natural if f[0] == name) for name in sets}
    print(
        f"egiz {__version__} name-mismatch precision · natural: FLORES-200 devtest, Tatoeba "
        f"kaz-rus test, seed article as published · controlled: seed {CONTROL_SEED} · "
        f"labels {LABELS.relative_to(ROOT)} · baseline sample {SAMPLE} flags, random seed 0"
    )
    print()
    print(
        "| flags of | beads | name flags | labelled | name really missing | not missing | "
        "precision | unlabelled | recall (names taken out) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print()
    print("natural flags per set: " + ", ".join(f"{k} {v}" for k, v in by_set.items()))
    if args.time:
        total = sum(timing[k] for k in sets)
        print(
            "time of divergences() (names, numbers, blocks): "
            + ", ".join(f"{k} {v:.2f} s" for k, v in timing.items())
            + f" · natural {1000 * total / beads:.2f} ms per bead"
        )
    if any(r[-2] for r in rows):
        print(
            "(some flags have no label: label them with --list, see the docstring)", file=sys.stderr
        )


def _print_list(what, found, old_sample, cands, sets, controls, labels) -> None:
    """Each flag (or candidate) with both texts of its bead, for labelling."""
    flags = {"old": old_sample, "candidates": cands}.get(what) or found[what]
    flagged = set(found["control-test"])
    for flag in flags:
        name, bead, side, word = flag
        if name.startswith("control-"):
            c = controls[name.removeprefix("control-")][bead]
            kk, ru, extra = " ".join(c.kk), " ".join(c.ru), f" lacks {c.lacks}: {c.dropped}"
        else:
            a = sets[name]
            b = a.beads[bead]  # type: ignore[attr-defined]
            kk, ru, extra = a.src_text(b), a.tgt_text(b), ""  # type: ignore[attr-defined]
        mark = labels.get(flag, "?")
        seen = " flagged" if what == "candidates" and flag in flagged else ""
        print(f"{name} #{bead} {side} {word}  [{mark}]{seen}{extra}")
        print("   kk:", kk)
        print("   ru:", ru)


if __name__ == "__main__":
    main()
