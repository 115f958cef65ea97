"""The alignment data model shared by every stage: sentences, beads, and the Alignment of both.

A *bead* is the unit of a sentence alignment: a run of source sentences matched with a run of target
sentences (1-1, 2-1, 1-2, 2-2, ...), or one sentence with no counterpart (1-0, 0-1).
"""

from __future__ import annotations

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
    exactly one bead, and beads are in document order. No sentence is ever silently lost.
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


def check_beads(beads: Sequence[Bead], n_src: int, n_tgt: int) -> None:
    """Raise ValueError unless the beads cover 0..n_src-1 and 0..n_tgt-1 exactly once, in order,
    each side of each bead being a run of consecutive indices."""
    next_src = next_tgt = 0
    for bead in beads:
        if not bead.src and not bead.tgt:
            raise ValueError("empty bead")
        for side, start in ((bead.src, next_src), (bead.tgt, next_tgt)):
            if side and tuple(side) != tuple(range(start, start + len(side))):
                raise ValueError(f"bead {bead} is out of order or not consecutive")
        next_src += len(bead.src)
        next_tgt += len(bead.tgt)
    if (next_src, next_tgt) != (n_src, n_tgt):
        raise ValueError(
            f"beads cover {next_src}/{n_src} source and {next_tgt}/{n_tgt} target sentences"
        )
