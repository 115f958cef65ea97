"""The alignment data model shared by every stage: sentences, beads, and the Alignment of both.

A *bead* is the unit of a sentence alignment: a run of source sentences matched with a run of target
sentences (1-1, 2-1, 1-2, 2-2, ...), or one sentence with no counterpart (1-0, 0-1).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence; `paragraph` is the 0-based index of its paragraph in the document."""

    text: str
    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class Bead:
    """Source and target sentence indices (0-based, consecutive) and a score (higher is better).

    For an omission one side is empty and the score is 0.0.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    @property
    def kind(self) -> str:
        """`"1-1"`, `"2-1"`, `"1-0"` ...: sentence counts on each side."""
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_omission(self) -> bool:
        return not self.src or not self.tgt


@dataclass(frozen=True)
class Alignment:
    """Two sentence lists and the beads that cover them.

    Invariant (checked on construction): every source and every target sentence index appears in
    exactly one bead, and beads are in source order. Their targets are in order too, except for
    *moved* beads (`moved_beads`): a passage one version tells at another place is aligned
    across the beads it jumped over, at its source position. No sentence is ever silently lost.
    """

    src_sentences: Sequence[Sentence]
    tgt_sentences: Sequence[Sentence]
    beads: Sequence[Bead]
    src_lang: str = "kk"
    tgt_lang: str = "ru"
    signature: str = ""
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        check_beads(self.beads, len(self.src_sentences), len(self.tgt_sentences))

    def pairs(self) -> Iterator[tuple[Bead, str, str]]:
        """Aligned beads with their joined source and target text (omissions left out)."""
        for bead in self.beads:
            if not bead.is_omission:
                yield bead, self.src_text(bead), self.tgt_text(bead)

    def unaligned(self) -> Iterator[Bead]:
        """Beads that hold a sentence with no counterpart (1-0 and 0-1)."""
        return (bead for bead in self.beads if bead.is_omission)

    def src_text(self, bead: Bead) -> str:
        return " ".join(self.src_sentences[i].text for i in bead.src)

    def tgt_text(self, bead: Bead) -> str:
        return " ".join(self.tgt_sentences[j].text for j in bead.tgt)


def moved_beads(beads: Sequence[Bead]) -> set[int]:
    """Positions of the aligned beads that cross others (beads in source order): the fewest
    whose removal leaves the targets of all the other beads, target-only ones included, in
    order. An alignment in order has none."""
    starts = [b.tgt[0] for b in beads if b.tgt]
    if all(a < b for a, b in itertools.pairwise(starts)):  # in order: the usual case, no search
        return set()
    # the heaviest run of beads with increasing targets: a target-only bead weighs more than
    # every aligned bead together (it cannot move: it has no source position), an aligned one 1
    heavy = len(beads) + 1
    size = 1 + max((b.tgt[-1] for b in beads if b.tgt), default=-1)
    tree: list[tuple[int, int]] = [(0, -1)] * (size + 1)  # Fenwick prefix maxima by target end
    before: dict[int, int] = {}
    best: tuple[int, int] = (0, -1)
    for k, bead in enumerate(beads):
        if not bead.tgt:
            continue
        found, i = (0, -1), bead.tgt[0]  # the best run ending before this bead's first target
        while i > 0:
            found = max(found, tree[i])
            i -= i & -i
        value = found[0] + (1 if bead.src else heavy)
        before[k] = found[1]
        best = max(best, (value, k))
        i = bead.tgt[-1] + 1
        while i <= size:
            tree[i] = max(tree[i], (value, k))
            i += i & -i
    kept, k = set(), best[1]
    while k >= 0:
        kept.add(k)
        k = before[k]
    return {k for k, b in enumerate(beads) if b.src and b.tgt and k not in kept}


def check_beads(beads: Sequence[Bead], n_src: int, n_tgt: int, *, allow_moved: bool = True) -> None:
    """Raise ValueError unless the beads cover 0..n_src-1 and 0..n_tgt-1 exactly once, in source
    order, each side of each bead being a run of consecutive indices, and in target order but
    for the moved beads (`moved_beads`; none with `allow_moved=False`)."""
    moved = moved_beads(beads) if allow_moved else set()
    moved_tgt = [j for k in sorted(moved) for j in beads[k].tgt]
    held = set(moved_tgt)
    if len(held) != len(moved_tgt):
        raise ValueError("a target sentence is in two moved beads")
    next_src = next_tgt = 0
    for k, bead in enumerate(beads):
        if not bead.src and not bead.tgt:
            raise ValueError("empty bead")
        while next_tgt in held:  # held by a moved bead: the beads in order skip it
            next_tgt += 1
        tgt_start = bead.tgt[0] if k in moved else next_tgt
        for side, start in ((bead.src, next_src), (bead.tgt, tgt_start)):
            if side and tuple(side) != tuple(range(start, start + len(side))):
                raise ValueError(f"bead {bead} is out of order or not consecutive")
        next_src += len(bead.src)
        if k not in moved:
            next_tgt += len(bead.tgt)
    while next_tgt in held:
        next_tgt += 1
    if (next_src, next_tgt) != (n_src, n_tgt) or any(j >= n_tgt for j in held):
        raise ValueError(
            f"beads cover {next_src}/{n_src} source and {next_tgt}/{n_tgt} target sentences"
        )
