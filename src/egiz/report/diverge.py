"""Where two versions of one article differ: unaligned blocks, number and name mismatches,
probable paraphrases and coverage, computed from an `Alignment` alone (no encoder calls)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from egiz.alignment import Alignment, Sentence
from egiz.text.numbers import extract_numbers
from egiz.text.script import comparable_texts
from egiz.text.translit import name_keys, to_latin_key

__all__ = [
    "BeadIssue",
    "Block",
    "NameMismatch",
    "NumberMismatch",
    "Report",
    "divergences",
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
    only_src: tuple[str, ...] = ()  # name keys (see egiz.text.translit)
    only_tgt: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """Divergences between the two sides of an alignment."""

    only_src: tuple[Block, ...] = ()
    only_tgt: tuple[Block, ...] = ()
    number_mismatches: tuple[NumberMismatch, ...] = ()
    name_mismatches: tuple[NameMismatch, ...] = ()
    paraphrases: tuple[BeadIssue, ...] = ()
    coverage_src: float = 1.0
    coverage_tgt: float = 1.0
    src_lang: str = "kk"
    tgt_lang: str = "ru"
    paraphrase_below: float = 1.0
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


def divergences(alignment: Alignment, *, paraphrase_below: float = 1.0) -> Report:
    """Compare the two sides of `alignment` and return a `Report` (pure: no encoder calls).

    `paraphrase_below`: aligned beads scoring under this ratio margin are listed as paraphrases
    (real translations score about 1.03-1.15, an unremarkable pair about 1.0).
    """
    numbers: list[NumberMismatch] = []
    names: list[NameMismatch] = []
    paraphrases: list[BeadIssue] = []
    src_lang, tgt_lang = alignment.src_lang, alignment.tgt_lang
    # compared in Cyrillic whatever the Kazakh script; the report shows the original text
    src_cmp = comparable_texts([s.text for s in alignment.src_sentences], src_lang)
    tgt_cmp = comparable_texts([s.text for s in alignment.tgt_sentences], tgt_lang)
    src_doc_words = _words(_word_keys(" ".join(src_cmp)))
    tgt_doc_words = _words(_word_keys(" ".join(tgt_cmp)))
    for k, bead in enumerate(alignment.beads):
        if bead.is_omission:
            continue
        src_text, tgt_text = alignment.src_text(bead), alignment.tgt_text(bead)
        base = (k, tuple(bead.src), tuple(bead.tgt), float(bead.score), src_text, tgt_text)
        src_c = " ".join(src_cmp[i] for i in bead.src)
        tgt_c = " ".join(tgt_cmp[j] for j in bead.tgt)
        only_s, only_t = number_mismatch(src_c, tgt_c, src_lang, tgt_lang)
        if only_s or only_t:
            numbers.append(NumberMismatch(*base, only_src=only_s, only_tgt=only_t))
        only_s, only_t = _name_mismatch(src_c, tgt_c, tgt_doc_words, src_doc_words)
        if only_s or only_t:
            names.append(NameMismatch(*base, only_src=only_s, only_tgt=only_t))
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
        coverage_src=_coverage(alignment.src_sentences, src_aligned),
        coverage_tgt=_coverage(alignment.tgt_sentences, tgt_aligned),
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        paraphrase_below=paraphrase_below,
        signature=alignment.signature,
        warnings=tuple(alignment.warnings),
    )


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


def number_mismatch(
    src: str, tgt: str, src_lang: str = "kk", tgt_lang: str = "ru"
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Numbers written with digits on one side and found on neither form on the other.

    Number words only *excuse* a digit (`3` ~ `три`); a number word with no counterpart is never
    reported (Kazakh `бір` is also the indefinite article).
    """
    src_all, tgt_all = extract_numbers(src, src_lang), extract_numbers(tgt, tgt_lang)
    only_src = _digits_only(src, src_lang) - tgt_all
    only_tgt = _digits_only(tgt, tgt_lang) - src_all
    return tuple(sorted(only_src, key=_num_key)), tuple(sorted(only_tgt, key=_num_key))


# ---------------------------------------------------------------- names

_MIN_NAME = 5  # letters in a name key: shorter keys collide too often to report
# Kazakh exonyms whose Latin skeleton differs from the Russian one: kk key prefix -> ru prefix.
_EXONYMS = {"maske": "mosk", "resei": "ros", "kitai": "kitai", "amerik": "amerik"}
# Skeletons (5 letters) of capitalised words of official titles: not names.
_NOT_NAMES = frozenset(
    (
        *("respu", "feder", "toten", "okile", "elsis", "presi", "prezi", "minis", "parla"),
        *("senat", "majil", "madzi", "ukime", "pravi", "guber", "posol", "prems"),
    )
)
_ANY_WORD = re.compile(r"[^\W\d_]+")


def _word_keys(text: str) -> set[str]:
    """Latin skeletons of every word of `text`, capitalised or not."""
    return {to_latin_key(w) for w in _ANY_WORD.findall(text)}


@dataclass(frozen=True)
class _Words:
    """What `_excused` asks of a set of word keys, computed once per document (asking each word
    for each name made a 500-bead report take half a second)."""

    prefixes: frozenset[str]  # the first 4 letters of every word of 4 letters or more
    stems: frozenset[str]  # the exonym stems (either side of _EXONYMS) some word starts with


_STEMS = frozenset((*_EXONYMS, *_EXONYMS.values()))


def _words(keys: set[str]) -> _Words:
    return _Words(
        frozenset(w[:4] for w in keys if len(w) >= 4),
        frozenset(s for s in _STEMS if any(w.startswith(s) for w in keys)),
    )


def _excused(key: str, other_keys: frozenset[str], other: _Words) -> bool:
    short = key[:4]  # names are >= _MIN_NAME letters: always 4 letters here
    if any(k.startswith(short) or key.startswith(k[:4]) for k in other_keys if len(k) >= 4):
        return True
    if short in other.prefixes:  # lowercase on the other side
        return True
    return any(
        (key.startswith(a) and b in other.stems) or (key.startswith(b) and a in other.stems)
        for a, b in _EXONYMS.items()
    )


def name_mismatch(
    src: str,
    tgt: str,
    tgt_doc_words: set[str] | None = None,
    src_doc_words: set[str] | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Name keys (at least 5 letters) on one side with no prefix match on the other.

    For precision, a name is also excused when it occurs anywhere in the other *document*
    (`*_doc_words`, from `_word_keys`): then the bead reworded it, the article did not drop it.
    Capitalised Kazakh title words (Республикасы, Төтенше ...) are never names here.
    """
    src_words = _words(_word_keys(src) | (src_doc_words or set()))
    tgt_words = _words(_word_keys(tgt) | (tgt_doc_words or set()))
    return _name_mismatch(src, tgt, tgt_words, src_words)


def _name_mismatch(
    src: str, tgt: str, tgt_words: _Words, src_words: _Words
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`name_mismatch` with the word sets indexed: those of whole documents, which hold the
    bead's own words too."""
    src_keys = frozenset(k for k in name_keys(src) if k[:5] not in _NOT_NAMES)
    tgt_keys = frozenset(k for k in name_keys(tgt) if k[:5] not in _NOT_NAMES)
    only_src = sorted(
        k for k in src_keys if len(k) >= _MIN_NAME and not _excused(k, tgt_keys, tgt_words)
    )
    only_tgt = sorted(
        k for k in tgt_keys if len(k) >= _MIN_NAME and not _excused(k, src_keys, src_words)
    )
    return tuple(only_src), tuple(only_tgt)
