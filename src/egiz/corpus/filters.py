"""What keeps a sentence pair out of the corpus: one module, used by mining and by review.

Two kinds of filter:

* **Per bead** (:func:`filter_reason`): a bead marked bad in review, junk (a side with no words:
  punctuation, numbers, markup, or the very same text on both sides), site interface lines
  ("Нашли ошибку?" ↔ "Қатені байқадыңыз ба?"), a low alignment score, a length ratio out of
  range, numbers or dates that disagree, a side in another language. Every filtered bead keeps
  its reason in the store.
* **Per collection** (:func:`find_boilerplate`): lines that repeat across many documents of one
  site — menus, footers, visitor counters, share prompts that no pattern lists — are found from
  the collection itself and taken out of the texts before alignment (:func:`strip_boilerplate`);
  the lines removed are counted per site.

The alignment score — the probability that a bead's two sides are translations of each other —
is only compared with `FilterParams.min_score` (default `egiz.align.DEFAULT_MIN_SCORE`, 0.5).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import PurePath

from egiz.align import DEFAULT_MIN_SCORE
from egiz.corpus.store import BeadRecord
from egiz.document import Document
from egiz.text.numbers import extract_dates

__all__ = [
    "FILTER_REASONS",
    "Boilerplate",
    "FilterParams",
    "dates_agree",
    "digits_agreement",
    "filter_reason",
    "find_boilerplate",
    "is_junk",
    "measure_bead",
    "site_of",
    "strip_boilerplate",
]


@dataclass(frozen=True)
class FilterParams:
    """What a bead must pass to enter the corpus (besides not being a duplicate).

    `min_score`: the aligner's score a bead needs (a probability; 0.5: more likely a translation
    than not). `max_len_ratio`: longer over shorter side, in
    characters (clean kk-ru pairs stay within 0.45-1.75). `min_numbers`: share of the numbers
    written in digits that the other side has (in digits or words); FLORES: 95% of true pairs
    with digits reach 0.5, 3% of wrong ones do. `check_language`: no side may be detected as
    another language (sentence level: too short or too mixed to tell passes). `check_dates`:
    dates written on both sides (day and month) must share one. `min_letters`: fewer letters
    than this on a side (after markup and entities are removed) is junk.
    """

    min_score: float = DEFAULT_MIN_SCORE
    max_len_ratio: float = 2.0
    min_numbers: float = 0.5
    check_language: bool = True
    check_dates: bool = True
    min_letters: int = 3

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


FILTER_REASONS = (
    "bad", "junk", "boilerplate", "score", "length", "numbers", "dates", "language",
    "duplicate", "near-duplicate",
)  # fmt: skip


# ---------------------------------------------------------------------- per bead
_MARKUP = re.compile(r"<[^<>]{0,200}>|&#?\w{1,10};")
_LETTER = re.compile(r"[^\W\d_]")
_SPACE = re.compile(r"\s+")


def _letters(text: str) -> int:
    return len(_LETTER.findall(_MARKUP.sub(" ", text)))


def _normal(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def is_junk(src: str, tgt: str, min_letters: int = 3) -> bool:
    """A pair that is no translation whatever its score: a side with fewer than `min_letters`
    letters once markup and entities are gone ("17." ↔ "17.", "&gt;" ↔ "&gt;", "***"), or the
    very same text on both sides (an untranslated quote, a URL, a counter)."""
    if _letters(src) < min_letters or _letters(tgt) < min_letters:
        return True
    return _normal(src) == _normal(tgt)


def digits_agreement(src: str, tgt: str, src_lang: str, tgt_lang: str) -> float | None:
    """Share of the numbers written in digits on either side that the other side also has,
    written in digits or in words (`19` ~ `он тоғыз`). None: no digits on either side."""
    from egiz.text.numbers import extract_numbers
    from egiz.text.script import comparable_text

    src, tgt = comparable_text(src, src_lang), comparable_text(tgt, tgt_lang)  # any script
    a = extract_numbers(src, src_lang, words=False)
    b = extract_numbers(tgt, tgt_lang, words=False)
    if not a and not b:
        return None
    a_all = extract_numbers(src, src_lang) if b else frozenset()
    b_all = extract_numbers(tgt, tgt_lang) if a else frozenset()
    return (len(a & b_all) + len(b & a_all)) / (len(a) + len(b))


def dates_agree(src: str, tgt: str) -> bool | None:
    """Whether the dates of two texts share one (day and month); None: not both have dates.
    "…07 қыркүйегі" and "01 сентября 2015" do not."""
    a, b = extract_dates(src), extract_dates(tgt)
    if not a or not b:
        return None
    return bool(a & b)


def filter_reason(
    bead: BeadRecord, filters: FilterParams, src_lang: str, tgt_lang: str
) -> str | None:
    """The first filter a bead fails, in FILTER_REASONS order, or None (duplicates are the
    store's call, "omission" marks 1-0/0-1 beads). A bead marked bad in review is "bad"; one
    linked by hand in review passes the other filters: a person checked it."""
    from egiz.read.html import is_interface_line

    if bead.bad:
        return "bad"
    if bead.is_omission:
        return "omission"
    if bead.origin == "review":
        return None
    if is_junk(bead.src_text, bead.tgt_text, filters.min_letters):
        return "junk"
    if is_interface_line(bead.src_text) or is_interface_line(bead.tgt_text):
        return "boilerplate"
    if bead.score < filters.min_score:
        return "score"
    ratio = bead.len_ratio or 0.0
    if not (1 / filters.max_len_ratio <= ratio <= filters.max_len_ratio):
        return "length"
    if bead.numbers is not None and bead.numbers < filters.min_numbers:
        return "numbers"
    if filters.check_dates and dates_agree(bead.src_text, bead.tgt_text) is False:
        return "dates"
    if filters.check_language:
        for found, want in ((bead.src_detected, src_lang), (bead.tgt_detected, tgt_lang)):
            # the detector only knows kk and ru; "unknown" = too short or mixed to tell
            if want in ("kk", "ru") and found in ("kk", "ru", "other") and found != want:
                return "language"
    return None


def measure_bead(
    idx: int,
    src_ids: Sequence[int],
    tgt_ids: Sequence[int],
    score: float,
    src_text: str,
    tgt_text: str,
    src_lang: str,
    tgt_lang: str,
    *,
    origin: str = "aligner",
) -> BeadRecord:
    """A bead with the measures the filters look at (length ratio, digits, sentence language)."""
    from egiz.text import detect_sentence_language

    aligned = bool(src_ids) and bool(tgt_ids)
    score = float(score)
    return BeadRecord(
        idx=idx,
        src_ids=tuple(src_ids),
        tgt_ids=tuple(tgt_ids),
        score=score if math.isfinite(score) else 0.0,
        src_text=src_text,
        tgt_text=tgt_text,
        len_ratio=len(src_text) / max(1, len(tgt_text)) if aligned else None,
        numbers=digits_agreement(src_text, tgt_text, src_lang, tgt_lang) if aligned else None,
        src_detected=detect_sentence_language(src_text) if src_text else "",
        tgt_detected=detect_sentence_language(tgt_text) if tgt_text else "",
        origin=origin,
    )


# ---------------------------------------------------------------------- per collection
# A line repeated in at least this many documents of a site, and in at least this share of
# them, is site furniture. Both: on a 5-page site a footer on every page counts; on a
# 10,000-page site a quote repeated in five articles does not.
BOILERPLATE_MIN_DOCS = 5
BOILERPLATE_MIN_SHARE = 0.2
_BOILERPLATE_MAX_CHARS = 200  # longer lines are article text, even when repeated
_DIGITS = re.compile(r"\d+")
_LANG_LABELS = frozenset({"www", "m", "kz", "kk", "kaz", "qaz", "ru", "rus"})


def site_of(document: Document) -> str:
    """The site a document comes from: its URL's host (www. and language subdomains dropped),
    else the folder of its file (a JSONL or WARC file itself): each crawl folder of .txt or
    .html pages is one site."""
    if document.url:
        from urllib.parse import urlsplit

        try:
            host = (urlsplit(document.url.strip()).hostname or "").lower()
        except ValueError:
            host = ""
        labels = host.split(".")
        while len(labels) > 2 and labels[0] in _LANG_LABELS:
            labels.pop(0)
        if host:
            return ".".join(labels)
    source = re.sub(r":(line|offset) \d+$", "", document.source or "")
    if not source:
        return ""
    if source != document.source:  # a record of a JSONL or WARC file
        return source
    return str(PurePath(source).parent)


def line_key(line: str) -> str:
    """What makes two lines the same line: case, spacing and digits ignored (a visitor counter
    or a date in a footer changes from page to page)."""
    return _DIGITS.sub("0", _normal(line))


@dataclass
class Boilerplate:
    """Lines of each site found to be furniture: site -> {line key: documents it is in}."""

    lines: dict[str, dict[str, int]] = field(default_factory=dict)

    def of(self, site: str) -> frozenset[str]:
        return frozenset(self.lines.get(site, {}))

    def total(self) -> int:
        return sum(len(v) for v in self.lines.values())


def find_boilerplate(
    documents: Iterable[Document],
    *,
    min_docs: int = BOILERPLATE_MIN_DOCS,
    min_share: float = BOILERPLATE_MIN_SHARE,
) -> Boilerplate:
    """The lines that repeat across the documents of each site (see the module docstring)."""
    per_site: dict[str, Counter[str]] = defaultdict(Counter)
    docs_per_site: Counter[str] = Counter()
    for doc in documents:
        site = site_of(doc)
        docs_per_site[site] += 1
        keys = {line_key(line) for line in doc.text.split("\n") if _candidate(line)}
        per_site[site].update(keys)
    found: dict[str, dict[str, int]] = {}
    for site, counts in per_site.items():
        need = max(min_docs, math.ceil(min_share * docs_per_site[site]))
        lines = {key: n for key, n in counts.items() if n >= need}
        if lines:
            found[site] = dict(sorted(lines.items()))
    return Boilerplate(found)


def _candidate(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and len(stripped) <= _BOILERPLATE_MAX_CHARS


def strip_boilerplate(text: str, lines: frozenset[str]) -> tuple[str, int]:
    """`text` without its boilerplate lines (blank lines kept: paragraphs stay paragraphs), and
    how many lines were removed."""
    if not lines:
        return text, 0
    kept: list[str] = []
    removed = 0
    for line in text.split("\n"):
        if _candidate(line) and line_key(line) in lines:
            removed += 1
            continue
        kept.append(line)
    return "\n".join(kept), removed
