"""Document pairing: which Kazakh article of a crawl is the version of which Russian one.

    >>> from egiz.pair import pair_documents, split_by_language
    >>> kk, ru, _ = split_by_language(documents)                       # doctest: +SKIP
    >>> pairing = pair_documents(kk, ru)                                # doctest: +SKIP
    >>> for p in pairing.pairs: print(p.src_id, p.tgt_id, p.score)     # doctest: +SKIP

Steps: embed each document's title, lead and a few more sentences (mean of sentence vectors,
`features.embed_documents`) -> candidates: every pair in a small collection; in a larger one
the k nearest neighbours both ways of the centred vectors (`candidates`: exact blocked numpy
search, or usearch HNSW for very large collections) -> score every candidate with a calibrated
probability that the two are versions of one article (`match`, `calibration`: cosine, margin
in a population, agreement of numbers, names, length, dates and URLs) -> greedy one-to-one
matching above 0.5; documents without a counterpart stay unpaired. One article per side pairs
as well as a million.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from egiz import __version__
from egiz.document import Document
from egiz.embed import EmbeddingCache, Encoder, get_encoder
from egiz.pair.calibration import load_calibration
from egiz.pair.features import FeatureTable, embed_documents
from egiz.pair.match import DEFAULT_THRESHOLD, PairParams, match_embedded
from egiz.pair.sides import side_warnings, side_warnings_from_counts

__all__ = [
    "DEFAULT_THRESHOLD",
    "DocPair",
    "PairParams",
    "Pairing",
    "pair_documents",
    "side_warnings",
    "side_warnings_from_counts",
    "split_by_language",
]


@dataclass(frozen=True)
class DocPair:
    """A src document and its counterpart; `score` is the probability that the two are versions
    of one article (calibrated: 0.5 is as likely as not, the default threshold)."""

    src_id: str
    tgt_id: str
    score: float


@dataclass(frozen=True)
class Pairing:
    """The pairs (in src input order) and the ids left without a counterpart (in input order).

    `signature` names the egiz version, encoder and every pairing setting: two pairings are
    comparable only when their signatures agree.
    """

    pairs: list[DocPair]
    unpaired_src: list[str]
    unpaired_tgt: list[str]
    signature: str


def split_by_language(
    docs: Sequence[Document], src_lang: str = "kk", tgt_lang: str = "ru"
) -> tuple[list[Document], list[Document], list[Document]]:
    """(src, tgt, others) of one mixed collection, by `Document.lang`, input order kept.
    Language codes are normalised (kaz, kk-KZ -> kk; an unknown code is an InputError)."""
    from egiz.text.langcodes import normalize_lang_code

    src_lang, tgt_lang = normalize_lang_code(src_lang), normalize_lang_code(tgt_lang)
    src: list[Document] = []
    tgt: list[Document] = []
    others: list[Document] = []
    for doc in docs:
        (src if doc.lang == src_lang else tgt if doc.lang == tgt_lang else others).append(doc)
    return src, tgt, others


def _check_ids(docs: Sequence[Document], side: str) -> None:
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            raise ValueError(f"duplicate document id {doc.id!r} among the {side} documents")
        seen.add(doc.id)


def pair_documents(
    src: Sequence[Document],
    tgt: Sequence[Document],
    *,
    encoder: str | Encoder = "e5",
    threshold: float | None = None,
    k: int = 10,
    cache: EmbeddingCache | bool | None = True,
    show_progress: bool = False,
    use_dates: bool = True,
    use_urls: bool = True,
    params: PairParams | None = None,
) -> Pairing:
    """Pair each src document with at most one tgt document that is its version.

    `threshold` (None: `params.threshold`, else 0.5) is the probability a pair needs; raise it
    for precision, lower it for recall. Collections with fewer than `params.population_min`
    documents on a side are scored without population statistics, so a single article per side
    pairs too; larger ones also use the margin over the `k` nearest neighbours. `use_dates` /
    `use_urls` switch those clues off. `cache` is the embedding cache (`egiz.embed.embed`).
    `params` sets everything that has no keyword here (k, use_dates and use_urls always come
    from the keywords). Document ids must be unique per side. Deterministic: the same input
    gives the same pairing.
    """
    _check_ids(src, "src")
    _check_ids(tgt, "tgt")
    p = replace(params or PairParams(), k=k, use_dates=use_dates, use_urls=use_urls)
    if threshold is not None:
        p = replace(p, threshold=threshold)
    if p.k < 1:
        raise ValueError("k must be >= 1")
    enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
    calibration = load_calibration(enc.name)
    signature = (
        f"egiz:{__version__}|enc:{enc.name}|pair:{p.signature(enc.name)}|cal:{calibration.name}"
    )
    if not src or not tgt:
        return Pairing([], [d.id for d in src], [d.id for d in tgt], signature)
    opts = {"max_sentences": p.max_sentences, "lead": p.lead, "max_chars": p.max_chars}
    src_vecs = embed_documents(src, enc, cache=cache, show_progress=show_progress, **opts)
    tgt_vecs = embed_documents(tgt, enc, cache=cache, show_progress=show_progress, **opts)
    src_vecs = calibration.recentre(src_vecs, [d.lang for d in src])
    tgt_vecs = calibration.recentre(tgt_vecs, [d.lang for d in tgt])
    src_feats = FeatureTable.build(src, max_chars=p.feature_chars)
    tgt_feats = FeatureTable.build(tgt, max_chars=p.feature_chars)
    mi, mj, ms = match_embedded(
        src_vecs,
        tgt_vecs,
        p,
        p.resolved_threshold(enc.name),
        src_features=src_feats,
        tgt_features=tgt_feats,
        calibration=calibration,
    )
    pairs = [
        DocPair(src[a].id, tgt[b].id, round(float(s), 6))
        for a, b, s in zip(mi.tolist(), mj.tolist(), ms.tolist(), strict=True)
    ]
    paired_src, paired_tgt = set(mi.tolist()), set(mj.tolist())
    return Pairing(
        pairs,
        [d.id for n, d in enumerate(src) if n not in paired_src],
        [d.id for n, d in enumerate(tgt) if n not in paired_tgt],
        signature,
    )
