"""Score a sentence alignment against a gold one with the standard metric (Vecalign's `score.py`,
after Sennrich & Volk 2011), so that our numbers are comparable with published ones.

Beads are compared as sets of `(src_ids, tgt_ids)` per document:

* strict: a bead is correct when the very same bead is in the other list;
* lax: a bead is correct when it shares at least one source->target link (a pair `(i, j)` with `i`
  in its source side and `j` in its target side) with some bead of the other list.

Precision is measured over the test beads, recall over the gold beads; true and false counts are
summed over all documents (micro-average) before P, R and F1 are computed.

How deletions (beads with an empty side, 1-0 and 0-1) count, exactly as Vecalign does it:

* Precision keeps them on both sides. A test deletion is correct only when gold holds the very same
  deletion, in strict *and* in lax mode: a bead with an empty side has no link, so it can never be
  a lax match. Correct deletions therefore raise precision, wrong ones lower it.
* Recall drops every bead with an empty side from *both* lists first, so a missed gold deletion
  costs no recall, and test deletions cannot help a gold bead be found.
* Duplicate beads count once (sets), a bead empty on both sides is ignored, and a division by zero
  gives 0.0.

Beads are read as plain index lists: gold files need not be consecutive runs nor cover every
sentence (Text+Berg `test0.defr` has `[51]:[50, 55]` and no bead for source sentences 16-17).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from egiz.errors import InputError

BeadIds = tuple[tuple[int, ...], tuple[int, ...]]

_IDS = r"\[\s*(?:(\d+(?:\s*,\s*\d+)*)\s*,?\s*)?\]"
_LINE = re.compile(rf"^\s*{_IDS}\s*:\s*{_IDS}\s*(?::\s*(\S+)\s*)?$")


def _parse_ids(group: str | None) -> tuple[int, ...]:
    return tuple(int(x) for x in group.split(",")) if group else ()


def read_beads(text_or_lines: str | Iterable[str]) -> list[BeadIds]:
    """Parse bead lines `[0]:[0]`, `[1, 2]:[3]`, `[]:[4]` or `[0]:[0]:0.9` (the score is ignored).

    Blank lines are skipped; any other line that is not a bead raises InputError naming the line.
    """
    lines = text_or_lines.splitlines() if isinstance(text_or_lines, str) else text_or_lines
    beads: list[BeadIds] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is not None and match.group(3) is not None:
            try:
                float(match.group(3))
            except ValueError:
                match = None
        if match is None:
            raise InputError(f"line {number}: not a bead like [0, 1]:[2] (got {line.strip()!r})")
        beads.append((_parse_ids(match.group(1)), _parse_ids(match.group(2))))
    return beads


def read_beads_file(path: Path | str) -> list[BeadIds]:
    """read_beads on a file, naming the file in any error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read beads ({err})") from None
    try:
        return read_beads(text)
    except InputError as err:
        raise InputError(f"{path}: {err}") from None


@dataclass
class _Counts:
    """Correct / wrong bead counts, strict and lax."""

    strict_ok: int = 0
    strict_bad: int = 0
    lax_ok: int = 0
    lax_bad: int = 0

    def __iadd__(self, other: _Counts) -> _Counts:
        self.strict_ok += other.strict_ok
        self.strict_bad += other.strict_bad
        self.lax_ok += other.lax_ok
        self.lax_bad += other.lax_bad
        return self


def _judge(reference: Iterable[BeadIds], judged: Iterable[BeadIds]) -> _Counts:
    """Count the beads of `judged` that match `reference` (Vecalign's `_precision`).

    Precision is `_judge(gold, test)`; recall is `_judge(test, gold)` on lists without deletions.
    """
    ref = {(tuple(s), tuple(t)) for s, t in reference if s or t}
    links: dict[int, set[int]] = {}
    for src, tgt in ref:
        for i in src:
            links.setdefault(i, set()).update(tgt)
    counts = _Counts()
    for src, tgt in {(tuple(s), tuple(t)) for s, t in judged if s or t}:
        if (src, tgt) in ref:
            counts.strict_ok += 1
            counts.lax_ok += 1
            continue
        counts.strict_bad += 1
        if any(not links.get(i, set()).isdisjoint(tgt) for i in src):
            counts.lax_ok += 1
        else:
            counts.lax_bad += 1
    return counts


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_alignments(
    gold: Sequence[Sequence[BeadIds]], test: Sequence[Sequence[BeadIds]]
) -> dict[str, object]:
    """Strict and lax precision, recall and F1 of `test` against `gold`, one bead list per document.

    Returns `{"strict": {"precision", "recall", "f1"}, "lax": {...}, "documents", "gold_beads",
    "test_beads", "counts"}`; `counts` holds the summed correct/total counts behind each ratio.
    """
    if len(gold) != len(test):
        raise InputError(f"{len(gold)} gold documents but {len(test)} test documents")
    p = _Counts()
    r = _Counts()
    for gold_doc, test_doc in zip(gold, test, strict=True):
        p += _judge(gold_doc, test_doc)
        r += _judge([b for b in test_doc if b[0] and b[1]], [b for b in gold_doc if b[0] and b[1]])
    result: dict[str, object] = {}
    for mode, p_ok, p_bad, r_ok, r_bad in (
        ("strict", p.strict_ok, p.strict_bad, r.strict_ok, r.strict_bad),
        ("lax", p.lax_ok, p.lax_bad, r.lax_ok, r.lax_bad),
    ):
        precision, recall = _ratio(p_ok, p_ok + p_bad), _ratio(r_ok, r_ok + r_bad)
        result[mode] = {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}
    result["documents"] = len(gold)
    result["gold_beads"] = sum(len(doc) for doc in gold)
    result["test_beads"] = sum(len(doc) for doc in test)
    result["counts"] = {
        "precision_beads": p.strict_ok + p.strict_bad,
        "recall_beads": r.strict_ok + r.strict_bad,
        "strict_precision_correct": p.strict_ok,
        "strict_recall_correct": r.strict_ok,
        "lax_precision_correct": p.lax_ok,
        "lax_recall_correct": r.lax_ok,
    }
    return result


def format_scores(scores: dict[str, object], fmt: str = "text", signature: str = "") -> str:
    """Scores as a small table (`text`) or one JSON object (`json`), with the run's signature."""
    if fmt == "json":
        return json.dumps({**scores, "signature": signature}, ensure_ascii=False)
    if fmt != "text":
        raise ValueError(f"unknown score format {fmt!r}: expected 'text' or 'json'")
    strict, lax = scores["strict"], scores["lax"]
    assert isinstance(strict, dict) and isinstance(lax, dict)
    lines = [f"{'':<10} {'strict':>7} {'lax':>7}"]
    for key in ("precision", "recall", "f1"):
        lines.append(f"{key:<10} {strict[key]:>7.3f} {lax[key]:>7.3f}")
    lines.append(
        f"documents {scores['documents']}, gold beads {scores['gold_beads']}, "
        f"test beads {scores['test_beads']}"
    )
    if signature:
        lines.append(signature)
    return "\n".join(lines)
