"""What a document brings to pairing: a vector of its opening, and encoder-free clues.

The vector is the mean of the sentence embeddings of the title, the lead and a few sentences
spread over the rest (`PairParams.max_sentences` in all, each cut to `max_chars`): the opening of
a news article carries its story, and the kk and ru versions of one article share it even when
one of them is longer. Mean-pooling is order-free, so sentences that were split or merged
differently on the two sides still pool to nearly the same vector.

The clues — numbers written with digits, transliterated name keys, the publication day and the
URL — do not depend on an encoder, and tell apart two stories on one topic that the encoder
places close together (two reports of one match with different scores, the same weekly
announcement on different days).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import numpy as np

from egiz.document import Document
from egiz.embed import EmbeddingCache, Encoder, embed
from egiz.text.numbers import extract_numbers
from egiz.text.script import comparable_text, comparable_texts
from egiz.text.split import split_sentences
from egiz.text.translit import name_keys

__all__ = [
    "FeatureTable",
    "date_url_log_odds",
    "doc_features",
    "doc_sentences",
    "embed_documents",
    "length_term",
    "set_terms",
    "url_keys",
]

NO_DAY = np.iinfo(np.int32).min  # sentinel for "no date" in FeatureTable.day
_EMBED_SENTENCES = 4096  # sentences per embed() call: bounds the memory of sentence vectors


def _cap(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars`, at a word boundary when there is one."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return cut[:space] if space > max_chars // 2 else cut


def doc_sentences(
    doc: Document, *, max_sentences: int = 8, lead: int = 3, max_chars: int = 300
) -> list[str]:
    """The texts that stand for `doc` in its embedding: title, lead, then evenly spaced others.

    At most `max_sentences` texts (the title counts as one), each at most `max_chars` long:
    the encoder's cost grows with both, and the opening of an article is where its versions
    agree most.
    """
    out: list[str] = []
    title = " ".join(doc.title.split())
    if title:
        out.append(_cap(title, max_chars))
    # Split by the document's own language rules (Kazakh and Russian abbreviations differ).
    sentences = [s.text for s in split_sentences(doc.text, doc.lang)] if doc.text.strip() else []
    # A title repeated as the first sentence would count twice in the mean.
    if title and sentences and " ".join(sentences[0].split()) == title:
        sentences = sentences[1:]
    room = max(max_sentences - len(out), 0)
    if len(sentences) <= room:
        picked = sentences
    else:
        head = min(lead, room)
        rest = sentences[head:]
        more = room - head
        # Evenly spaced by position: the two versions differ in length, but a sentence at 60%
        # of one tends to tell the same part of the story as the one at 60% of the other.
        spread = [rest[int(q * len(rest) / more)] for q in range(more)] if more else []
        picked = sentences[:head] + spread
    out.extend(_cap(s, max_chars) for s in picked)
    return out


def embed_documents(
    docs: Sequence[Document],
    encoder: Encoder,
    *,
    cache: EmbeddingCache | bool | None = True,
    show_progress: bool = False,
    max_sentences: int = 8,
    lead: int = 3,
    max_chars: int = 300,
) -> np.ndarray:
    """(len(docs), encoder.dim) float32: the L2-normalised mean of each document's sentence
    vectors (see `doc_sentences`). A document with no text gets a zero row, which is close to
    nothing and so is never paired on its embedding.

    Sentences are embedded `_EMBED_SENTENCES` at a time and summed into their documents' rows
    straight away: memory holds the document vectors and one batch of sentence vectors, never
    the vectors of every sentence (a 4096-wide trigram vector is 16 KB a sentence).
    """
    dim = int(encoder.dim)
    out = np.zeros((len(docs), dim), dtype=np.float32)
    texts: list[str] = []
    owner: list[int] = []

    def flush() -> None:
        if texts:
            vecs = embed(texts, encoder, cache=cache, show_progress=show_progress)
            np.add.at(out, np.asarray(owner, dtype=np.intp), vecs)
            texts.clear()
            owner.clear()

    for k, doc in enumerate(docs):
        sents = doc_sentences(doc, max_sentences=max_sentences, lead=lead, max_chars=max_chars)
        texts.extend(comparable_texts(sents, doc.lang))  # Kazakh in any script -> Cyrillic
        owner.extend([k] * len(sents))
        if len(texts) >= _EMBED_SENTENCES:
            flush()
    flush()
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


# ---------------------------------------------------------------- clues

_LANG_SEGMENTS = frozenset({"kz", "kk", "kaz", "qaz", "ru", "rus"})
_LANG_SUBDOMAINS = frozenset({"www", "m", *_LANG_SEGMENTS})
_YEAR = re.compile(r"(?:19|20)\d\d")
_DIGITS = re.compile(r"\d+")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def url_keys(url: str) -> tuple[str, str]:
    """(path key, article-id key) of `url`; "" where there is none.

    The path key is host + path with the language segments (`/kz/`, `/kk/`, `/ru/` ...) and
    language subdomains (`kaz.`, `ru.`, `www.`) removed, so `inform.kz/kz/news/123` and
    `inform.kz/ru/news/123` agree. The id key is host + the article's number: the longest run of
    5 or more digits in the path, or of 4 digits that is not a year — sites that slug titles in
    each language still often share the CMS id between the versions.
    """
    if not url:
        return "", ""
    try:
        parts = urlsplit(url.strip() if "//" in url else "//" + url.strip())
    except ValueError:
        return "", ""
    labels = [x for x in parts.netloc.lower().split(":")[0].split(".") if x]
    while len(labels) > 2 and labels[0] in _LANG_SUBDOMAINS:
        labels.pop(0)
    host = ".".join(labels)
    segments = [s for s in parts.path.split("/") if s and s.lower() not in _LANG_SEGMENTS]
    path = "/".join(segments)
    if parts.query:
        path += "?" + parts.query
    path_key = f"{host}/{path}" if path else ""
    runs = [
        r
        for r in _DIGITS.findall(parts.path)
        if len(r) >= 5 or (len(r) == 4 and not _YEAR.fullmatch(r))
    ]
    id_key = f"{host}#{max(runs, key=len)}" if runs else ""
    return path_key, id_key


def _day(value: str) -> int:
    """Proleptic ordinal of an ISO date (or timestamp), NO_DAY when absent or unreadable."""
    m = _DATE.match(value.strip()) if value else None
    if not m:
        return int(NO_DAY)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).toordinal()
    except ValueError:
        return int(NO_DAY)


@dataclass(frozen=True)
class _Clues:
    numbers: frozenset[str]
    names: frozenset[str]
    day: int
    url_path: str
    url_id: str


def doc_features(doc: Document, *, max_chars: int = 5000) -> _Clues:
    """Numbers (digits only: number words are noisy in Kazakh), name keys, day, URL keys.

    Numbers and names come from the title and the first `max_chars` of the text: the openings of
    two versions cover the same facts; their tails often do not (one version is cut, the other
    has an extra paragraph).
    """
    text = (doc.title + "\n" + doc.text[:max_chars]) if doc.title else doc.text[:max_chars]
    text = comparable_text(text, doc.lang)  # Kazakh in any script -> Cyrillic
    path_key, id_key = url_keys(doc.url)
    return _Clues(
        numbers=extract_numbers(text, doc.lang, words=False),
        names=name_keys(text),
        day=_day(doc.date),
        url_path=path_key,
        url_id=id_key,
    )


def _hash64(key: str) -> int:
    """A stable 63-bit id of a non-empty key, 0 for "" (Python's hash() is salted per process)."""
    if not key:
        return 0
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 1 or 1


@dataclass
class FeatureTable:
    """The clues of one side, column by column, for vectorised scoring of candidate pairs."""

    numbers: list[frozenset[str]]
    names: list[frozenset[str]]
    # Short name keys (3-4 letters: Рим, Абай) also match a longer key they start: Рим / Римге.
    name_prefixes: list[frozenset[str]]
    day: np.ndarray  # int32, NO_DAY where unknown
    url_path: np.ndarray  # int64 hashes, 0 where unknown
    url_id: np.ndarray  # int64 hashes, 0 where unknown
    length: np.ndarray  # float64 characters of title + text

    @classmethod
    def build(cls, docs: Sequence[Document], *, max_chars: int = 5000) -> FeatureTable:
        clues = [doc_features(d, max_chars=max_chars) for d in docs]
        return cls(
            numbers=[c.numbers for c in clues],
            names=[c.names for c in clues],
            name_prefixes=[frozenset(k[:n] for k in c.names for n in (3, 4)) for c in clues],
            day=np.fromiter((c.day for c in clues), dtype=np.int32, count=len(clues)),
            url_path=np.fromiter((_hash64(c.url_path) for c in clues), np.int64, len(clues)),
            url_id=np.fromiter((_hash64(c.url_id) for c in clues), np.int64, len(clues)),
            length=np.fromiter((len(d.title) + len(d.text) for d in docs), np.float64, len(docs)),
        )

    def __len__(self) -> int:
        return len(self.numbers)

    @classmethod
    def empty(cls, n: int) -> FeatureTable:
        """No clues for `n` documents (vectors alone)."""
        none: frozenset[str] = frozenset()
        return cls(
            numbers=[none] * n,
            names=[none] * n,
            name_prefixes=[none] * n,
            day=np.full(n, NO_DAY, dtype=np.int32),
            url_path=np.zeros(n, dtype=np.int64),
            url_id=np.zeros(n, dtype=np.int64),
            length=np.zeros(n, dtype=np.float64),
        )

    def take(self, rows: Sequence[int] | np.ndarray) -> FeatureTable:
        """The clues of the documents at `rows`, in that order."""
        idx = np.asarray(rows, dtype=np.intp)
        return FeatureTable(
            numbers=[self.numbers[r] for r in idx.tolist()],
            names=[self.names[r] for r in idx.tolist()],
            name_prefixes=[self.name_prefixes[r] for r in idx.tolist()],
            day=self.day[idx],
            url_path=self.url_path[idx],
            url_id=self.url_id[idx],
            length=self.length[idx],
        )


def _names_matched(a: frozenset[str], b: frozenset[str], b_prefixes: frozenset[str]) -> int:
    """Keys of `a` with a match in `b`: equal, or a short key that starts a key of `b`.

    The same rule as `egiz.text.translit.names_agree`, in linear time: keys are at most 5
    letters, so a 5-letter key can only equal another.
    """
    return sum(1 for x in a if x in b or (len(x) < 5 and x in b_prefixes))


def set_terms(
    src: FeatureTable, tgt: FeatureTable, i: np.ndarray, j: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Number and name agreement of each candidate pair in [-1, 1], 0 where there is no evidence.

    Numbers: 2 * Jaccard - 1 when both sides have some (all shared: +1, none shared: -1), and
    -0.25 when only one side has any (a number may be spelled out on the other side). Names:
    2 * Dice - 1 when both sides have some, 0 otherwise. Each is scaled by n / (n + 2) for n
    numbers (names) in all: one shared year is weak evidence, twelve shared figures strong.
    """
    num = np.zeros(len(i), dtype=np.float32)
    nam = np.zeros(len(i), dtype=np.float32)
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        na, nb = src.numbers[a], tgt.numbers[b]
        if na and nb:
            shared = len(na & nb)
            union = len(na) + len(nb) - shared
            num[k] = (2.0 * shared / union - 1.0) * union / (union + 2.0)
        elif na or nb:
            num[k] = -0.25
        ka, kb = src.names[a], tgt.names[b]
        if ka and kb:
            hit = _names_matched(ka, kb, tgt.name_prefixes[b])
            hit += _names_matched(kb, ka, src.name_prefixes[a])
            n = (len(ka) + len(kb)) / 2.0
            nam[k] = (2.0 * hit / (len(ka) + len(kb)) - 1.0) * n / (n + 2.0)
    return num, nam


def length_term(src: FeatureTable, tgt: FeatureTable, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """|log| of the ratio of the two documents' lengths (characters, +100 so that two short
    texts are not far apart): versions of one article are of similar length, give or take a
    paragraph."""
    a, b = src.length[i] + 100.0, tgt.length[j] + 100.0
    return np.abs(np.log(a / b)).astype(np.float32)


def date_url_log_odds(
    src: FeatureTable,
    tgt: FeatureTable,
    i: np.ndarray,
    j: np.ndarray,
    *,
    url_log_odds: float,
    date_log_odds: float,
) -> np.ndarray:
    """Log-odds added for the clues that the FLORES fit cannot learn (it has no dates or URLs).

    Dates: the same or the next day (a translation is often published a day later) +date, 2-3
    days nothing, further apart -date; nothing when either is unknown. URLs: the same path key
    or article id +url; different URLs nothing, since most sites slug each version in its own
    language.
    """
    out = np.zeros(len(i), dtype=np.float64)
    if date_log_odds:
        da, db = src.day[i].astype(np.int64), tgt.day[j].astype(np.int64)
        known = (da != NO_DAY) & (db != NO_DAY)
        gap = np.abs(da - db)
        term = np.where(gap <= 1, 1.0, np.where(gap <= 3, 0.0, -1.0))
        out += date_log_odds * np.where(known, term, 0.0)
    if url_log_odds:
        pa, pb = src.url_path[i], tgt.url_path[j]
        ia, ib = src.url_id[i], tgt.url_id[j]
        same = ((pa != 0) & (pa == pb)) | ((ia != 0) & (ia == ib))
        out += url_log_odds * same
    return out
