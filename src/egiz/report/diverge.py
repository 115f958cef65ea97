"""Where two versions of one article differ: unaligned blocks, number and name mismatches,
probable paraphrases and coverage, computed from an `Alignment` alone (no encoder calls)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from egiz.align import DEFAULT_MIN_SCORE
from egiz.alignment import Alignment, Sentence, moved_beads
from egiz.text.names import CONTEXT_BEADS, missing_names
from egiz.text.numbers import extract_dates, extract_numbers
from egiz.text.script import comparable_texts

__all__ = [
    "BeadIssue",
    "Block",
    "NameMismatch",
    "NumberMismatch",
    "Report",
    "bead_divergence",
    "divergences",
    "name_mismatch",
    "number_mismatch",
]


@dataclass(frozen=True)
class Block:
    """A run of consecutive unaligned sentences of one side, inside one paragraph."""

    side: str  # "src" or "tgt"
    sentences: tuple[int, ...]
    texts: tuple[str, ...]
    paragraph: int
    whole_paragraph: bool  # every sentence of that paragraph is unaligned


@dataclass(frozen=True)
class BeadIssue:
    """An aligned bead worth a second look."""

    bead: int  # index in `Alignment.beads`
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float
    src_text: str
    tgt_text: str


@dataclass(frozen=True)
class NumberMismatch(BeadIssue):
    only_src: tuple[str, ...] = ()  # canonical numbers (see egiz.text.numbers)
    only_tgt: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameMismatch(BeadIssue):
    only_src: tuple[str, ...] = ()  # names as written (see egiz.text.names)
    only_tgt: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """Divergences between the two sides of an alignment."""

    only_src: tuple[Block, ...] = ()
    only_tgt: tuple[Block, ...] = ()
    number_mismatches: tuple[NumberMismatch, ...] = ()
    name_mismatches: tuple[NameMismatch, ...] = ()
    paraphrases: tuple[BeadIssue, ...] = ()
    # aligned beads told at another place in one version (they cross the beads in between)
    moved: tuple[BeadIssue, ...] = ()
    coverage_src: float = 1.0
    coverage_tgt: float = 1.0
    src_lang: str = "kk"
    tgt_lang: str = "ru"
    paraphrase_below: float = DEFAULT_MIN_SCORE
    signature: str = ""
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        """A JSON-serialisable dict (lists instead of tuples)."""
        return _listify(asdict(self))


def _listify(value: object) -> object:
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_listify(v) for v in value]
    return value


def divergences(alignment: Alignment, *, paraphrase_below: float = DEFAULT_MIN_SCORE) -> Report:
    """Compare the two sides of `alignment` and return a `Report` (pure: no encoder calls).

    `paraphrase_below`: aligned beads whose score (the probability that the two sides are
    translations of each other) is under this are listed as paraphrases.
    """
    numbers: list[NumberMismatch] = []
    names: list[NameMismatch] = []
    paraphrases: list[BeadIssue] = []
    src_lang, tgt_lang = alignment.src_lang, alignment.tgt_lang
    # compared in Cyrillic whatever the Kazakh script
    src_sents = comparable_texts([s.text for s in alignment.src_sentences], src_lang)
    tgt_sents = comparable_texts([s.text for s in alignment.tgt_sentences], tgt_lang)
    beads = alignment.beads
    moved_at = moved_beads(beads)
    moved: list[BeadIssue] = []
    for k, bead in enumerate(beads):
        if bead.is_omission:
            continue
        src_text, tgt_text = alignment.src_text(bead), alignment.tgt_text(bead)
        base = (k, tuple(bead.src), tuple(bead.tgt), float(bead.score), src_text, tgt_text)
        if k in moved_at:
            moved.append(BeadIssue(*base))
        near = beads[max(0, k - CONTEXT_BEADS) : k + CONTEXT_BEADS + 1]
        found = bead_divergence(
            [src_sents[i] for i in bead.src], [tgt_sents[j] for j in bead.tgt],
            src_lang, tgt_lang,
            src_context=[src_sents[i] for b in near for i in b.src],
            tgt_context=[tgt_sents[j] for b in near for j in b.tgt],
        )  # fmt: skip
        if found.numbers != ((), ()):
            numbers.append(NumberMismatch(*base, *found.numbers))
        if found.names != ((), ()):
            names.append(NameMismatch(*base, *found.names))
        if bead.score < paraphrase_below:
            paraphrases.append(BeadIssue(*base))
    src_aligned = {i for b in alignment.beads if not b.is_omission for i in b.src}
    tgt_aligned = {j for b in alignment.beads if not b.is_omission for j in b.tgt}
    return Report(
        only_src=_blocks("src", alignment.src_sentences, src_aligned),
        only_tgt=_blocks("tgt", alignment.tgt_sentences, tgt_aligned),
        number_mismatches=tuple(numbers),
        name_mismatches=tuple(names),
        paraphrases=tuple(paraphrases),
        moved=tuple(moved),
        coverage_src=_coverage(alignment.src_sentences, src_aligned),
        coverage_tgt=_coverage(alignment.tgt_sentences, tgt_aligned),
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        paraphrase_below=paraphrase_below,
        signature=alignment.signature,
        warnings=tuple(alignment.warnings),
    )


@dataclass(frozen=True)
class BeadDivergence:
    """What one aligned bead's sides do not share: numbers and names (only src, only tgt)."""

    numbers: tuple[tuple[str, ...], tuple[str, ...]]
    names: tuple[tuple[str, ...], tuple[str, ...]]


def bead_divergence(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str = "kk",
    tgt_lang: str = "ru",
    *,
    src_context: Sequence[str] = (),
    tgt_context: Sequence[str] = (),
) -> BeadDivergence:
    """Number and name mismatches of one aligned bead, given its sentences on each side; the
    `*_context` sentences (the bead's neighbours) also excuse a name. What `divergences()` finds
    for each bead, and what `egiz review` stores for each bead an edit writes."""
    return BeadDivergence(
        number_mismatch(" ".join(src), " ".join(tgt), src_lang, tgt_lang),
        missing_names(src, tgt, src_lang, tgt_lang, src_context=src_context,
                      tgt_context=tgt_context),
    )  # fmt: skip


def _blocks(side: str, sentences: Sequence[Sentence], aligned: set[int]) -> tuple[Block, ...]:
    """Runs of unaligned sentences, cut at paragraph boundaries."""
    runs: list[list[int]] = []
    for i, sent in enumerate(sentences):
        if i in aligned:
            continue
        if runs and runs[-1][-1] == i - 1 and sentences[i - 1].paragraph == sent.paragraph:
            runs[-1].append(i)
        else:
            runs.append([i])
    sizes: dict[int, int] = {}
    for sent in sentences:
        sizes[sent.paragraph] = sizes.get(sent.paragraph, 0) + 1
    return tuple(
        Block(
            side=side,
            sentences=tuple(run),
            texts=tuple(sentences[i].text for i in run),
            paragraph=sentences[run[0]].paragraph,
            whole_paragraph=len(run) == sizes[sentences[run[0]].paragraph],
        )
        for run in runs
    )


def _coverage(sentences: Sequence[Sentence], aligned: set[int]) -> float:
    """Share of non-space characters in aligned sentences (1.0 for an empty side)."""
    total = sum(len(s.text.strip()) for s in sentences)
    if not total:
        return 1.0
    return sum(len(sentences[i].text.strip()) for i in aligned) / total


# ---------------------------------------------------------------- numbers


def _digits_only(text: str, lang: str) -> frozenset[str]:
    return extract_numbers(text, lang, words=False)


def _num_key(value: str) -> tuple[int, Decimal | str]:
    try:
        return (0, Decimal(value))
    except InvalidOperation:
        return (1, value)


def _date_numbers(dates: frozenset[tuple[int, int]]) -> frozenset[str]:
    return frozenset(str(v) for date in dates for v in date)


def number_mismatch(
    src: str, tgt: str, src_lang: str = "kk", tgt_lang: str = "ru"
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Numbers written with digits on one side and found on neither form on the other.

    Number words only *excuse* a digit (`3` ~ `три`); a number word with no counterpart is never
    reported (Kazakh `бір` is also the indefinite article).
    """
    src_all, tgt_all = extract_numbers(src, src_lang), extract_numbers(tgt, tgt_lang)
    # the same date written `15.03.2023` on one side and `15 наурыздағы` on the other
    same_dates = _date_numbers(extract_dates(src) & extract_dates(tgt))
    only_src = _digits_only(src, src_lang) - tgt_all - same_dates
    only_tgt = _digits_only(tgt, tgt_lang) - src_all - same_dates
    return tuple(sorted(only_src, key=_num_key)), tuple(sorted(only_tgt, key=_num_key))


# ---------------------------------------------------------------- names


def name_mismatch(
    src: str, tgt: str, src_lang: str = "kk", tgt_lang: str = "ru"
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names (as written) in one text with no counterpart in the other: `src` and `tgt` are one
    sentence each (see `egiz.text.names.missing_names`)."""
    return missing_names([src], [tgt], src_lang, tgt_lang)
