"""Sentence alignment of two versions of one document: `align()`.

Steps: split -> embed every sentence once -> find the DP band -> score every bead shape in the band
(ratio margin of summed sentence vectors + length, number, name, paragraph terms) -> DP -> re-check
the merges and omissions it chose, with real embeddings of the joined sentences -> DP again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from egiz.alignment import Alignment, Bead, Sentence
from egiz.embed.base import Encoder

REFINE_MODES = ("none", "local", "all")


@dataclass(frozen=True)
class AlignParams:
    """Every setting that changes an alignment (all of them appear in the signature)."""

    max_bead: int = 4  # sentences per side of one bead
    # Defaults = the "fast" preset: every sentence embedded once, no other encoder call. Chosen
    # by random search on Text+Berg dev, FLORES comparable seed 0 and the hand-checked links of
    # the seed pair (never on the test sets); see bench/README.md.
    threshold: float = 0.919  # ratio margin a bead must exceed to beat leaving its sentences out
    size_exponent: float = 0.649  # bead weight = (sentences / 2) ** size_exponent
    length_weight: float = 0.099
    number_weight: float = 0.05
    name_weight: float = 0.053
    paragraph_penalty: float = 0.086
    merge_penalty: float = -0.012  # per sentence beyond 1-1
    many_to_many_penalty: float = 0.006  # extra when both sides have several sentences
    knn: int = 3  # neighbours in the margin's denominator
    shape_margin: bool = True  # margin against beads of the same shape (see dp.shape_knn_means)
    # Re-score spans with real embeddings of the joined sentences: none | local (around the
    # first path's merges and omissions) | all. "local" (the "accurate" preset) costs ~1.5
    # encoder calls per sentence; see PRESETS.
    refine: str = "none"
    # Weight of the joined-text cosine where `refine` embeds a span; the rest stays the
    # summed-vector cosine (1.0: replace it). Averaging beat replacing on both dev sets: a joined
    # text's embedding barely drops when an unrelated sentence is added, so alone it lets merges
    # swallow omissions.
    joined_weight: float = 0.502

    @classmethod
    def preset(cls, name: str, **overrides: object) -> AlignParams:
        """Settings by name (see PRESETS), with `overrides` (e.g. max_bead) on top."""
        if name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}: expected one of {', '.join(PRESETS)}")
        return cls(**{**PRESETS[name], **overrides})  # type: ignore[arg-type]

    def shape_penalties(self) -> np.ndarray:
        mb = self.max_bead
        pen = np.zeros((mb, mb))
        for a in range(1, mb + 1):
            for b in range(1, mb + 1):
                pen[a - 1, b - 1] = self.merge_penalty * (a + b - 2) + (
                    self.many_to_many_penalty if min(a, b) > 1 else 0.0
                )
        return pen

    def to_array(self, len_ratio: float) -> np.ndarray:
        head = [
            self.threshold,
            self.size_exponent,
            self.length_weight,
            len_ratio,
            self.number_weight,
            self.name_weight,
            self.paragraph_penalty,
        ]
        tail = [1.0 if self.shape_margin else 0.0]
        return np.concatenate(
            [np.array(head, np.float64), self.shape_penalties().ravel(), np.array(tail)]
        )

    def signature(self) -> str:
        defaults = asdict(AlignParams())
        changed = {k: v for k, v in asdict(self).items() if v != defaults[k]}
        base = f"max-bead:{self.max_bead}|refine:{self.refine}"
        return base + "".join(
            f"|{k}:{v}" for k, v in changed.items() if k not in ("max_bead", "refine")
        )


# "fast": the defaults, each sentence embedded once (the encoder is the bottleneck: end to end runs
# at ~0.8x the encoder's own speed). "accurate": the refinement pass on the spans around the first
# path's merges and omissions, cosines averaged with the joined texts' (~1.5 more encoder calls
# per sentence), weights tuned for it by the same search (~1,260 draws, dev sets only). It scores
# better on Text+Berg and FLORES, and runs slower when the cache is cold (README: Benchmarks).
PRESETS: dict[str, dict[str, object]] = {
    "fast": {},
    "accurate": {
        "threshold": 0.944,
        "size_exponent": 0.501,
        "length_weight": 0.07,
        "number_weight": 0.032,
        "name_weight": 0.04,
        "paragraph_penalty": 0.066,
        "merge_penalty": -0.014,
        "many_to_many_penalty": -0.001,
        "knn": 3,
        "refine": "local",
        "joined_weight": 0.502,
    },
}


def align(
    src: str | Sequence[str] | Sequence[Sentence],
    tgt: str | Sequence[str] | Sequence[Sentence],
    *,
    src_lang: str = "kk",
    tgt_lang: str = "ru",
    encoder: str | Encoder = "e5",
    presegmented: bool = False,
    params: AlignParams | None = None,
    cache: bool = True,
    show_progress: bool = False,
    src_script: str = "auto",
    tgt_script: str = "auto",
) -> Alignment:
    """Align two versions of one text.

    `src`/`tgt` are texts (split into sentences unless `presegmented`, where each line is one) or
    ready lists of sentences. Returns an `Alignment` in which every sentence is in exactly one bead;
    sentences with no counterpart are 1-0 / 0-1 beads. Warnings (empty side, unexpected language)
    are in `Alignment.warnings`. Kazakh in Latin or Arabic script (`*_script`: detected, or one of
    `egiz.text.script.SCRIPTS`) is compared in Cyrillic; the alignment keeps the original text.
    """
    from egiz import __version__
    from egiz.embed import embed, get_encoder
    from egiz.text.lang import LANG_NAMES, detect_language
    from egiz.text.script import comparable_sentences

    params = params or AlignParams()
    if params.refine not in REFINE_MODES:
        raise ValueError(f"refine must be one of {REFINE_MODES}")
    enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
    warnings: list[str] = []
    src_sents = _as_sentences(src, src_lang, presegmented)
    tgt_sents = _as_sentences(tgt, tgt_lang, presegmented)
    # what is embedded and compared: Kazakh in Cyrillic, whatever script it came in
    src_cmp = comparable_sentences(src_sents, src_lang, src_script)
    tgt_cmp = comparable_sentences(tgt_sents, tgt_lang, tgt_script)
    sides = (("source", "src", src_cmp, src_lang), ("target", "tgt", tgt_cmp, tgt_lang))
    for side, flag, sents, lang in sides:
        text = " ".join(s.text for s in sents)
        if not sents:
            warnings.append(f"{side} text is empty: every other sentence is reported unaligned")
            continue
        found = detect_language(text)
        if lang in ("kk", "ru") and found in ("kk", "ru") and found != lang:
            looks, wanted = LANG_NAMES[found], LANG_NAMES[lang]
            warnings.append(f"{side} text looks {looks}, not {wanted} (--{flag}-lang {lang})")

    def embed_texts(texts: Sequence[str]) -> np.ndarray:
        return embed(texts, enc, cache=cache, show_progress=show_progress)

    src_vecs = embed_texts([s.text for s in src_cmp])
    tgt_vecs = embed_texts([s.text for s in tgt_cmp])
    beads = align_embedded(
        src_cmp, tgt_cmp, src_vecs, tgt_vecs,
        src_lang=src_lang, tgt_lang=tgt_lang, params=params, embed_texts=embed_texts,
    )  # fmt: skip
    signature = f"egiz:{__version__}|enc:{enc.name}|{params.signature()}|split:" + (
        "presegmented" if presegmented else f"{src_lang}-{tgt_lang}"
    )
    for flag, script in (("src", src_script), ("tgt", tgt_script)):
        signature += f"|{flag}-script:{script}" if script != "auto" else ""
    return Alignment(src_sents, tgt_sents, beads, src_lang, tgt_lang, signature, tuple(warnings))


def _as_sentences(
    text: str | Sequence[str] | Sequence[Sentence], lang: str, presegmented: bool
) -> list[Sentence]:
    from egiz.text import split_presegmented, split_sentences

    if isinstance(text, str):
        return split_presegmented(text) if presegmented else split_sentences(text, lang)
    return [s if isinstance(s, Sentence) else Sentence(str(s), i) for i, s in enumerate(text)]


def align_embedded(
    src: Sequence[Sentence],
    tgt: Sequence[Sentence],
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    *,
    src_lang: str,
    tgt_lang: str,
    params: AlignParams,
    embed_texts: Callable[[Sequence[str]], np.ndarray] | None = None,
) -> list[Bead]:
    """The aligner proper, on sentences whose vectors are ready. Pure apart from `embed_texts`,
    which the refinement pass calls for joined sentences (None disables refinement)."""
    from egiz.align import dp
    from egiz.align.search import find_band
    from egiz.align.signals import length_ratio, side_signals

    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    x = np.ascontiguousarray(src_vecs, np.float32)
    y = np.ascontiguousarray(tgt_vecs, np.float32)
    mb = params.max_bead
    lo, hi = find_band(x, y)
    clo, chi = dp.sentence_band(lo, hi, n, m, mb)
    off = dp.offsets(lo, hi)
    cband = dp.band_dots(x, y, clo, chi)
    src_knn, tgt_knn = dp.knn_means(cband, clo, chi, m, params.knn)
    cos = dp.bead_cosines(
        cband, clo, chi, dp.span_norms(x, mb), dp.span_norms(y, mb), lo, hi, off, mb
    )
    s_sig, t_sig = side_signals(src, src_lang), side_signals(tgt, tgt_lang)
    # one sentence per paragraph (presegmented input) carries no paragraph information
    s_par = s_sig.paragraphs if len(set(s_sig.paragraphs.tolist())) < n else np.zeros(n, np.int64)
    t_par = t_sig.paragraphs if len(set(t_sig.paragraphs.tolist())) < m else np.zeros(m, np.int64)
    ratio = length_ratio(s_sig.lengths, t_sig.lengths, cband, clo, chi)
    param_arr = params.to_array(ratio)

    def solve() -> tuple[np.ndarray, np.ndarray]:
        src_den, tgt_den = dp.shape_knn_means(cos, lo, hi, off, m, params.knn)
        gain, margin = dp.bead_gains(
            cos, lo, hi, off, src_knn, tgt_knn, s_sig.lengths, t_sig.lengths,
            s_sig.numbers, t_sig.numbers, s_sig.names, t_sig.names, s_par, t_par,
            src_den, tgt_den, param_arr,
        )  # fmt: skip
        return dp.best_path(gain, lo, hi, off, m)[::-1], margin

    shapes, margin = solve()
    if embed_texts is not None and params.refine != "none" and mb > 1:
        if params.refine == "all":
            src_rows, tgt_rows = set(range(n)), set(range(m))
        else:
            src_rows, tgt_rows = _rows_to_recheck(shapes, n, m)
        if src_rows or tgt_rows:
            _use_joined_embeddings(
                cos, lo, hi, off, src, tgt, x, y, src_rows, tgt_rows, mb, embed_texts,
                params.joined_weight,
            )  # fmt: skip
            shapes, margin = solve()
    return _beads(shapes, margin, lo, off)


def _rows_to_recheck(shapes: np.ndarray, n: int, m: int) -> tuple[set[int], set[int]]:
    """Sentences in and next to every bead that is not 1-1: where merges and omissions compete."""
    src_rows: set[int] = set()
    tgt_rows: set[int] = set()
    i = j = 0
    for a, b in shapes:
        if (a, b) != (1, 1):
            src_rows.update(range(max(0, i - 1), min(n, i + a + 1)))
            tgt_rows.update(range(max(0, j - 1), min(m, j + b + 1)))
        i, j = i + a, j + b
    return src_rows, tgt_rows


def _use_joined_embeddings(
    cos: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    off: np.ndarray,
    src: Sequence[Sentence],
    tgt: Sequence[Sentence],
    x: np.ndarray,
    y: np.ndarray,
    src_rows: set[int],
    tgt_rows: set[int],
    max_bead: int,
    embed_texts: Callable[[Sequence[str]], np.ndarray],
    weight: float,
) -> None:
    """Mix cosines of real embeddings of the joined sentences into the summed-vector cosines
    (`weight` of the former), for every multi-sentence span inside the given rows (in place)."""
    from egiz.align import dp

    src_index, src_vecs = _span_vectors(src, x, src_rows, max_bead, embed_texts)
    tgt_index, tgt_vecs = _span_vectors(tgt, y, tgt_rows, max_bead, embed_texts)
    dp.override_cosines(cos, lo, hi, off, src_index, tgt_index, src_vecs, tgt_vecs, weight)


def _span_vectors(
    sentences: Sequence[Sentence],
    vecs: np.ndarray,
    rows: set[int],
    max_bead: int,
    embed_texts: Callable[[Sequence[str]], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """index[end, a-1] -> row of the returned vectors for the span of `a` sentences ending before
    `end` (-1 if the span has no real embedding); single sentences use their own vectors."""
    n = len(sentences)
    index = np.full((n + 1, max_bead), -1, np.int64)
    index[1:, 0] = np.arange(n)
    spans = [
        (start, a)
        for start in sorted(rows)
        for a in range(2, max_bead + 1)
        if start + a <= n and all(r in rows for r in range(start, start + a))
    ]
    if not spans:
        return index, vecs
    texts = [" ".join(s.text for s in sentences[start : start + a]) for start, a in spans]
    joined = np.ascontiguousarray(embed_texts(texts), np.float32)
    for k, (start, a) in enumerate(spans):
        index[start + a, a - 1] = n + k
    return index, np.vstack([vecs, joined])


def _beads(shapes: np.ndarray, margin: np.ndarray, lo: np.ndarray, off: np.ndarray) -> list[Bead]:
    beads: list[Bead] = []
    i = j = 0
    for a, b in shapes:
        a, b = int(a), int(b)
        ni, nj = i + a, j + b
        score = float(margin[off[ni] + nj - lo[ni], a - 1, b - 1]) if a and b else 0.0
        beads.append(Bead(tuple(range(i, ni)), tuple(range(j, nj)), round(score, 6)))
        i, j = ni, nj
    return beads
