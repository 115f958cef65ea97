"""Review corrections as pure functions over one pair's beads.

Every edit names *sentences*, not bead positions: "link kk 3-4 with ru 5", "unlink kk 7",
"split the bead kk 2-3 / ru 2-3 after the first sentence". So an edit means the same thing
whatever another tab changed meanwhile, and the last write wins per bead. What an edit replaced
and what it wrote are returned for the history, and an undo checks that the part it restores has
not been edited again since (it would otherwise silently overwrite that later edit).

Rules an edited alignment keeps: every sentence in exactly one bead; a bead's sentences are
consecutive on each side; linked beads do not cross (the order of both texts is kept); a
sentence without a counterpart is its own 1-0 or 0-1 bead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from egiz.alignment import Bead, Sentence, check_beads
from egiz.corpus.mine import measure_bead
from egiz.corpus.store import BeadRecord
from egiz.errors import EgizError

__all__ = ["ACTIONS", "EditConflict", "EditRejected", "PairText", "apply_edit", "undo_edit"]

ACTIONS = ("link", "unlink", "merge", "split", "bad", "good")

Ids = tuple[int, ...]


class EditRejected(EgizError):
    """The edit is malformed or breaks an alignment rule (an HTTP 422)."""


class EditConflict(EgizError):
    """The edit no longer fits the pair as it is now (an HTTP 409): reload and look again."""


@dataclass(frozen=True)
class PairText:
    """What new beads are built from: both sentence lists and their languages.

    `src_span`/`tgt_span` ([first, end) sentence numbers) say that the beads given to an edit
    are only the part of the pair that covers those sentences, bounded by links or the ends of
    the pair: a window of a long pair (None: the whole pair).
    """

    src: Sequence[Sentence]
    tgt: Sequence[Sentence]
    src_lang: str
    tgt_lang: str
    src_span: tuple[int, int] | None = None
    tgt_span: tuple[int, int] | None = None

    def spans(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return (self.src_span or (0, len(self.src)), self.tgt_span or (0, len(self.tgt)))


Change = tuple[list[BeadRecord], list[dict[str, Any]], list[dict[str, Any]]]


def apply_edit(
    beads: Sequence[BeadRecord], action: str, payload: Mapping[str, Any], text: PairText
) -> Change:
    """Apply one review action to a pair's beads: returns (every bead, in order; the beads it
    replaced; the beads it wrote). Raises EditRejected or EditConflict.

    `payload` holds `src` and `tgt` (sentence indices) for link, unlink, bad and good; `beads`
    (a list of {src, tgt}) for merge; `src`, `tgt`, `at_src`, `at_tgt` for split (where each
    side is cut: the first part keeps that many sentences).
    """
    if action not in ACTIONS:
        raise EditRejected(f"unknown action {action!r}: expected one of {', '.join(ACTIONS)}")
    if action == "merge":
        parts = payload.get("beads")
        if not isinstance(parts, list) or len(parts) < 2:
            raise EditRejected("merge needs `beads`: a list of at least two {src, tgt}")
        src = tuple(sorted({i for p in parts for i in _ids(p, "src", text.src)}))
        tgt = tuple(sorted({j for p in parts for j in _ids(p, "tgt", text.tgt)}))
        return _regroup(beads, [(src, tgt)], (), text)
    src, tgt = _ids(payload, "src", text.src), _ids(payload, "tgt", text.tgt)
    if action == "link":
        return _regroup(beads, [(src, tgt)], (), text)
    if action == "unlink":
        if not src and not tgt:
            raise EditRejected("unlink needs at least one sentence")
        return _regroup(beads, [], _singles([(src, tgt)]), text)
    bead = _find(beads, src, tgt)
    if action == "split":
        at_src, at_tgt = _int(payload, "at_src"), _int(payload, "at_tgt")
        if not (0 <= at_src <= len(src) and 0 <= at_tgt <= len(tgt)):
            raise EditRejected("split point outside the bead")
        first, second = (src[:at_src], tgt[:at_tgt]), (src[at_src:], tgt[at_tgt:])
        if not (first[0] or first[1]) or not (second[0] or second[1]):
            raise EditRejected("a split must leave a sentence on each side of the cut")
        links = [p for p in (first, second) if p[0] and p[1]]
        singles = [p for p in (first, second) if not (p[0] and p[1])]
        return _regroup(beads, links, _singles(singles), text)
    # bad / good
    if bead.is_omission:
        raise EditRejected("only a linked bead can be marked bad")
    new = replace(bead, bad=action == "bad")
    out = [new if b is bead else b for b in beads]
    return out, [_dump(bead)], [_dump(new)]


def undo_edit(
    beads: Sequence[BeadRecord],
    before: Sequence[Mapping[str, Any]],
    after: Sequence[Mapping[str, Any]],
    text: PairText,
) -> Change:
    """Put back what an edit replaced (`before`), if that part of the pair still reads as the
    edit left it (`after`); otherwise EditConflict: a later edit would be lost."""
    if not after:
        raise EditRejected("that edit changed no beads")
    region_src = {i for b in after for i in b["src_ids"]}
    region_tgt = {j for b in after for j in b["tgt_ids"]}
    region = [b for b in beads if set(b.src_ids) & region_src or set(b.tgt_ids) & region_tgt]
    if [_shape(b) for b in region] != [_shape(_load(d)) for d in after]:
        raise EditConflict(
            "this part of the pair was edited again since (in another tab?); undoing would "
            "overwrite that edit: reload to see it"
        )
    restored = [_load(d) for d in before]
    kept = [b for b in beads if not any(b is r for r in region)]
    start = region[0].idx if region else 0
    hints = {id(b): start + k / len(restored) for k, b in enumerate(restored)}
    return (
        _numbered(_order([*kept, *restored], text, hints)),
        [_dump(b) for b in region],
        [_dump(b) for b in restored],
    )


# ---------------------------------------------------------------------- internals


def _regroup(
    beads: Sequence[BeadRecord],
    links: Sequence[tuple[Ids, Ids]],
    singles: Iterable[tuple[Ids, Ids]],
    text: PairText,
) -> Change:
    """Make each of `links` one bead and each of `singles` a 1-0/0-1 bead; the beads they take
    sentences from keep the rest (linked if both sides are left and consecutive, otherwise as
    single sentences)."""
    singles = list(singles)
    wanted = [*links, *singles]
    for src, tgt in links:
        if not src or not tgt:
            raise EditRejected("a link needs at least one sentence on each side")
        for side, ids in (("source", src), ("target", tgt)):
            if ids != tuple(range(ids[0], ids[0] + len(ids))):
                raise EditRejected(f"the {side} sentences of one bead must be consecutive")
    taken_src = [i for src, _ in wanted for i in src]
    taken_tgt = [j for _, tgt in wanted for j in tgt]
    if len(set(taken_src)) != len(taken_src) or len(set(taken_tgt)) != len(taken_tgt):
        raise EditRejected("a sentence is named twice")
    src_set, tgt_set = set(taken_src), set(taken_tgt)
    region = [b for b in beads if set(b.src_ids) & src_set or set(b.tgt_ids) & tgt_set]
    kept = [b for b in beads if not any(b is r for r in region)]
    new: list[BeadRecord] = []
    hints: dict[int, float] = {}  # new bead -> where the bead it came from was
    for b in region:
        rest_src = tuple(i for i in b.src_ids if i not in src_set)
        rest_tgt = tuple(j for j in b.tgt_ids if j not in tgt_set)
        if rest_src and rest_tgt and _consecutive(rest_src) and _consecutive(rest_tgt):
            parts = [_bead(rest_src, rest_tgt, text, score=b.score)]
        else:
            parts = [_bead((i,), (), text) for i in rest_src]
            parts += [_bead((), (j,), text) for j in rest_tgt]
        hints.update((id(p), b.idx) for p in parts)
        new.extend(parts)
    came_from = {("s", i): b.idx for b in region for i in b.src_ids}
    came_from.update((("t", j), b.idx) for b in region for j in b.tgt_ids)
    for src, tgt in [*links, *singles]:
        bead = _bead(src, tgt, text)
        hints[id(bead)] = min(
            [came_from[("s", i)] for i in src] + [came_from[("t", j)] for j in tgt]
        )
        new.append(bead)
    ordered = _order([*kept, *new], text, hints)
    written = [b for b in ordered if any(b is n for n in new)]
    return _numbered(ordered), [_dump(b) for b in region], [_dump(b) for b in written]


def _order(
    beads: Sequence[BeadRecord], text: PairText, hints: Mapping[int, float]
) -> list[BeadRecord]:
    """Beads in alignment order: links by position (they must not cross), each sentence without
    a counterpart just before the first link that comes after it. Between two links, lone
    sentences stay where they were (`hints`: a new bead's former position, by id; other beads
    keep their `idx`), so an unlinked pair's two sentences end up next to each other."""

    def where(b: BeadRecord) -> tuple[float, int, int]:
        return (hints.get(id(b), b.idx), 0 if b.src_ids else 1, (b.src_ids or b.tgt_ids)[0])

    links = sorted((b for b in beads if not b.is_omission), key=lambda b: b.src_ids[0])
    for a, b in itertools.pairwise(links):
        if not (a.src_ids[-1] < b.src_ids[0] and a.tgt_ids[-1] < b.tgt_ids[0]):
            raise EditRejected(
                f"{_name(a, text)} and {_name(b, text)} would cross: unlink one of them first"
            )
    (src_first, src_end), (tgt_first, tgt_end) = text.spans()
    lone_src = {b.src_ids[0]: b for b in beads if not b.tgt_ids}
    lone_tgt = {b.tgt_ids[0]: b for b in beads if not b.src_ids}
    out: list[BeadRecord] = []
    i, j = src_first, tgt_first
    for link in [*links, None]:
        end_src = link.src_ids[0] if link else src_end
        end_tgt = link.tgt_ids[0] if link else tgt_end
        gap = [lone_src[k] for k in range(i, end_src) if k in lone_src]
        gap += [lone_tgt[k] for k in range(j, end_tgt) if k in lone_tgt]
        by_hint = sorted(gap, key=where)
        if not _monotone(by_hint):  # hints from an order that no longer holds: plain order
            by_hint = gap
        out.extend(by_hint)
        if link is not None:
            out.append(link)
            i, j = link.src_ids[-1] + 1, link.tgt_ids[-1] + 1
    try:
        _check(out, (src_first, src_end), (tgt_first, tgt_end))
    except ValueError as exc:  # a sentence lost or doubled: never store that
        raise EditConflict(f"the edit would break the alignment ({exc}): reload") from None
    return out


def _check(beads: Sequence[BeadRecord], src: tuple[int, int], tgt: tuple[int, int]) -> None:
    """`check_beads` over the sentences `src` and `tgt` ([first, end)) of a window."""
    shift = (src[0], tgt[0])
    check_beads(
        [
            Bead(tuple(i - shift[0] for i in b.src_ids), tuple(j - shift[1] for j in b.tgt_ids))
            for b in beads
        ],
        src[1] - src[0],
        tgt[1] - tgt[0],
        allow_moved=False,  # edits keep both texts in order
    )


def _monotone(lone: Sequence[BeadRecord]) -> bool:
    """Lone sentences of each side in increasing order."""
    src = [b.src_ids[0] for b in lone if b.src_ids]
    tgt = [b.tgt_ids[0] for b in lone if b.tgt_ids]
    return src == sorted(src) and tgt == sorted(tgt)


def _numbered(beads: Sequence[BeadRecord]) -> list[BeadRecord]:
    """`idx` = position in the alignment, as the store keeps it."""
    return [b if b.idx == k else replace(b, idx=k) for k, b in enumerate(beads)]


def _bead(src: Ids, tgt: Ids, text: PairText, *, score: float = 0.0) -> BeadRecord:
    return measure_bead(
        0, src, tgt, score if src and tgt else 0.0,
        " ".join(text.src[i].text for i in src), " ".join(text.tgt[j].text for j in tgt),
        text.src_lang, text.tgt_lang, origin="review",
    )  # fmt: skip


def _singles(parts: Iterable[tuple[Ids, Ids]]) -> list[tuple[Ids, Ids]]:
    return [((i,), ()) for src, _ in parts for i in src] + [
        ((), (j,)) for _, tgt in parts for j in tgt
    ]


def _find(beads: Sequence[BeadRecord], src: Ids, tgt: Ids) -> BeadRecord:
    for b in beads:
        if b.src_ids == src and b.tgt_ids == tgt:
            return b
    raise EditConflict(
        f"there is no bead {_label(src, tgt)} any more (changed in another tab?): reload"
    )


def _ids(payload: Any, key: str, sentences: Sequence[Sentence]) -> Ids:
    if not isinstance(payload, Mapping):
        raise EditRejected("each bead must be an object with `src` and `tgt`")
    value = payload.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise EditRejected(f"`{key}` must be a list of sentence numbers")
    for v in value:
        if not 0 <= v < len(sentences):
            raise EditRejected(f"`{key}` sentence {v} does not exist ({len(sentences)} sentences)")
    return tuple(sorted(value))


def _int(payload: Mapping[str, Any], key: str) -> int:
    value = payload.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise EditRejected(f"`{key}` must be an integer")
    return value


def _consecutive(ids: Ids) -> bool:
    return ids == tuple(range(ids[0], ids[0] + len(ids)))


def _shape(b: BeadRecord) -> tuple[Ids, Ids, bool]:
    return (b.src_ids, b.tgt_ids, b.bad)


def _span(ids: Ids) -> str:
    """Sentence numbers as a person counts them (from 1)."""
    if not ids:
        return "-"
    return str(ids[0] + 1) if len(ids) == 1 else f"{ids[0] + 1}-{ids[-1] + 1}"


def _label(src: Ids, tgt: Ids) -> str:
    return f"{_span(src)} / {_span(tgt)}"


def _name(b: BeadRecord, text: PairText) -> str:
    return f"the bead {text.src_lang} {_span(b.src_ids)} ~ {text.tgt_lang} {_span(b.tgt_ids)}"


def _dump(b: BeadRecord) -> dict[str, Any]:
    d = asdict(b)
    d.pop("idx")
    d["src_ids"], d["tgt_ids"] = list(b.src_ids), list(b.tgt_ids)
    return d


def _load(d: Mapping[str, Any]) -> BeadRecord:
    fields = dict(d)
    fields["src_ids"] = tuple(fields["src_ids"])
    fields["tgt_ids"] = tuple(fields["tgt_ids"])
    fields["bad"] = bool(fields.get("bad", False))
    return BeadRecord(idx=0, **fields)
