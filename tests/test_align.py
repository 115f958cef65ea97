"""The aligner: the bead DP on controlled vectors, the invariant, long input, the seed article."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import egiz
from egiz.align import AlignParams, align_embedded
from egiz.align.search import find_band
from egiz.alignment import Bead, Sentence, check_beads, moved_beads
from egiz.embed import E5Encoder, last_embed_stats

NO_REFINE = AlignParams(refine="none")
DIM = 128
Ids = tuple[int, ...]

# -- the DP on controlled vectors ------------------------------------------------------------------
#
# Every sentence is a list of "meanings"; a meaning is a random unit vector (nearly orthogonal to
# the others in DIM dimensions), a sentence vector the normalised sum of its meanings. A translation
# pair shares its meanings; a merge (2-1) is one sentence holding the meanings of two. `doc` adds a
# component shared by every sentence (real encoders rate unrelated sentences of one article well
# above 0: e5 around 0.7), `noise` a private random one (translations are never exact). A meaning
# has a random length in words, the same on both sides, as real translations roughly do.


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _tag(k: int) -> str:
    letters = "абвгдежзиклмнопрстуфх"
    n = len(letters)
    return letters[k // n // n % n] + letters[k // n % n] + letters[k % n] + "ш"


def _vectors_and_sentences(
    src_groups: list[list[int]],
    tgt_groups: list[list[int]],
    *,
    seed: int,
    doc: float,
    noise: float,
) -> tuple[list[Sentence], list[Sentence], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_meanings = 1 + max(k for g in src_groups + tgt_groups for k in g)
    base = rng.standard_normal((n_meanings, DIM))
    shared = _unit(rng.standard_normal(DIM))
    words = rng.integers(4, 20, n_meanings)  # a meaning's length, in words, on both sides

    def side(groups: list[list[int]], word: str) -> tuple[list[Sentence], np.ndarray]:
        vecs = [
            _unit(
                _unit(base[g].sum(axis=0)) + doc * shared + noise * _unit(rng.standard_normal(DIM))
            )
            for g in groups
        ]
        # distinct texts (a letter tag per sentence), no digits, no capitals but the first: no
        # number or name signal, only the lengths (and no sentence continuing the one before)
        texts = [
            " ".join([word.capitalize()] + [word] * (int(words[g].sum()) - 1) + [_tag(k)]) + "."
            for k, g in enumerate(groups)
        ]
        return [Sentence(t) for t in texts], np.array(vecs, np.float32)

    src, x = side(src_groups, "сөз")
    tgt, y = side(tgt_groups, "слово")
    return src, tgt, x, y


def _align_groups(
    src_groups: list[list[int]],
    tgt_groups: list[list[int]],
    *,
    seed: int = 0,
    doc: float = 0.0,
    noise: float = 0.0,
    params: AlignParams = NO_REFINE,
) -> list[Bead]:
    src, tgt, x, y = _vectors_and_sentences(src_groups, tgt_groups, seed=seed, doc=doc, noise=noise)
    beads = align_embedded(
        src, tgt, x, y, src_lang="kk", tgt_lang="ru", params=params, embed_texts=None
    )
    check_beads(beads, len(src), len(tgt))
    return beads


def _ids(beads: list[Bead]) -> list[tuple[Ids, Ids]]:
    return [(b.src, b.tgt) for b in beads]


def _singles(start: int, stop: int) -> list[list[int]]:
    return [[k] for k in range(start, stop)]


def _one_to_one_around(n_src: int, at: int, a: int, b: int) -> list[tuple[Ids, Ids]]:
    """1-1 beads, except one a-b bead that starts at sentence `at` on both sides."""
    beads = [((k,), (k,)) for k in range(at)]
    beads.append((tuple(range(at, at + a)), tuple(range(at, at + b))))
    s, t = at + a, at + b
    while s < n_src:
        beads.append(((s,), (t,)))
        s, t = s + 1, t + 1
    return beads


AT = 8  # the interesting bead sits after 8 ordinary sentences ...
N = 18  # ... and before 8 or more: enough neighbours for the kNN margins
UNRELATED = 99  # a meaning that no sentence on the other side has

# (src groups, tgt groups, expected beads)
CASES = {
    "1-1": (_singles(0, N), _singles(0, N), _one_to_one_around(N, AT, 1, 1)),
    "2-1": (
        _singles(0, N),
        [*_singles(0, AT), [AT, AT + 1], *_singles(AT + 2, N)],
        _one_to_one_around(N, AT, 2, 1),
    ),
    "1-2": (
        [*_singles(0, AT), [AT, AT + 1], *_singles(AT + 2, N)],
        _singles(0, N),
        _one_to_one_around(N - 1, AT, 1, 2),
    ),
    "1-0": (
        [*_singles(0, AT), [UNRELATED], *_singles(AT, N)],
        _singles(0, N),
        _one_to_one_around(N + 1, AT, 1, 0),
    ),
    "0-1": (
        _singles(0, N),
        [*_singles(0, AT), [UNRELATED], *_singles(AT, N)],
        _one_to_one_around(N, AT, 0, 1),
    ),
    # a sentence only in the source next to one only in the target (see the xfail below)
    "1-0+0-1": (
        [*_singles(0, AT), [UNRELATED], *_singles(AT, N)],
        [*_singles(0, AT), [UNRELATED + 1], *_singles(AT, N)],
        [
            *[((k,), (k,)) for k in range(AT)],
            ((AT,), ()),
            ((), (AT,)),
            *[((k + 1,), (k + 1,)) for k in range(AT, N)],
        ],
    ),
    # an omission right after a real merge: it must stay 1-0, not become a 3-1
    "2-1+1-0": (
        [*_singles(0, AT + 2), [UNRELATED], *_singles(AT + 2, N)],
        [*_singles(0, AT), [AT, AT + 1], *_singles(AT + 2, N)],
        [
            *[((k,), (k,)) for k in range(AT)],
            ((AT, AT + 1), (AT,)),
            ((AT + 2,), ()),
            *[((s,), (s - 2,)) for s in range(AT + 3, N + 1)],
        ],
    ),
}
# (doc, noise): unrelated sentences ~orthogonal, or at cosine ~0.5 (doc 1.0) or ~0.8 (doc 2.0);
# with noise 0.3 a translation pair is at ~0.9 instead of 1.0
CONDITIONS = [(0.0, 0.0), (0.0, 0.3), (1.0, 0.3), (2.0, 0.3)]


def _omissions_in_order(ids: list[tuple[Ids, Ids]]) -> list[tuple[Ids, Ids]]:
    """Beads with each run of omissions in one order (source sentences first): which of two
    sentences left out at one place comes first says nothing."""
    out: list[tuple[Ids, Ids]] = []
    run: list[tuple[Ids, Ids]] = []
    for bead in [*ids, None]:
        if bead is not None and not (bead[0] and bead[1]):
            run.append(bead)
            continue
        out += sorted(run, key=lambda b: (not b[0], b))
        run = []
        if bead is not None:
            out.append(bead)
    return out


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(("doc", "noise"), CONDITIONS)
def test_dp_controlled_vectors(case: str, doc: float, noise: float) -> None:
    src_groups, tgt_groups, expected = CASES[case]
    for seed in range(5):
        beads = _align_groups(src_groups, tgt_groups, seed=seed, doc=doc, noise=noise)
        assert _omissions_in_order(_ids(beads)) == _omissions_in_order(expected), f"seed {seed}"
        for bead in beads:
            assert (bead.score == 0.0) if bead.is_omission else 0.5 < bead.score <= 1.0


def test_unrelated_pair_between_translations_is_left_out_by_the_documents_own_pairs() -> None:
    """Two unrelated sentences side by side in a faithful document: the prior pairs them (their
    evidence is barely negative), the document's own 1-1 beads say they are far off."""
    src_groups, tgt_groups, expected = CASES["1-0+0-1"]
    beads = _align_groups(src_groups, tgt_groups, seed=0, noise=0.3)
    assert _ids(beads) == expected
    unchecked = replace(NO_REFINE, pair_check_min_pairs=0)
    beads = _align_groups(src_groups, tgt_groups, seed=0, noise=0.3, params=unchecked)
    assert ((AT,), (AT,)) in _ids(beads)


@pytest.mark.xfail(
    strict=True,
    reason="known aligner weakness: on summed vectors the ratio margin of the exact 2-2 bead ties "
    "with the two half-right 1-1 beads, and size_exponent < 1 tips it to the 1-1s; only a length "
    "mismatch of the 1-1s saves the 2-2 (found for ~75-85% of seeds)",
)
@pytest.mark.parametrize(("doc", "noise"), CONDITIONS)
def test_dp_two_to_two(doc: float, noise: float) -> None:
    """src [a+b, c+d] vs tgt [a+c, b+d]: no 1-1 pair is a translation, the 2-2 bead is exact."""
    src_groups = [*_singles(0, AT), [AT, AT + 1], [AT + 2, AT + 3], *_singles(AT + 4, N)]
    tgt_groups = [*_singles(0, AT), [AT, AT + 2], [AT + 1, AT + 3], *_singles(AT + 4, N)]
    expected = _one_to_one_around(N - 2, AT, 2, 2)
    for seed in range(20):
        beads = _align_groups(src_groups, tgt_groups, seed=seed, doc=doc, noise=noise)
        assert _ids(beads) == expected, f"seed {seed}"


def test_dp_exact_merge_vectors_with_refinement() -> None:
    """The default refine="local" re-embeds joined sentences; here joined text embeds as the
    normalised sum of its parts, so the 2-1 merge and the omission must survive refinement."""
    src_groups = [*_singles(0, AT + 2), [UNRELATED], *_singles(AT + 2, N)]
    tgt_groups = [*_singles(0, AT), [AT, AT + 1], *_singles(AT + 2, N)]
    src, tgt, x, y = _vectors_and_sentences(src_groups, tgt_groups, seed=3, doc=0.5, noise=0.1)
    by_text = {s.text: v for s, v in zip(src, x, strict=True)}
    by_text.update({t.text: v for t, v in zip(tgt, y, strict=True)})
    joined: list[str] = []

    def embed_texts(texts: list[str]) -> np.ndarray:
        joined.extend(texts)
        out = []
        for text in texts:
            parts = text.replace(". ", ".\n").split("\n")
            out.append(_unit(np.sum([by_text[p] for p in parts], axis=0)))
        return np.array(out, np.float32)

    beads = align_embedded(
        src,
        tgt,
        x,
        y,
        src_lang="kk",
        tgt_lang="ru",
        params=AlignParams(refine="local"),
        embed_texts=embed_texts,
    )
    assert joined, "refinement never asked for a joined sentence"
    assert ((AT, AT + 1), (AT,)) in _ids(beads)
    assert ((AT + 2,), ()) in _ids(beads)
    assert sum(not b.is_omission for b in beads) == N - 1


def test_joined_cosines_replace_or_mix_and_are_flagged() -> None:
    """weight 1 replaces a summed-vector cosine by the joined-text one, 0.5 averages them, and
    the bead is flagged as joined; 1-1 beads and beads whose span has no joined embedding keep
    their cosine and stay unflagged."""
    from egiz.align import dp

    lo, hi = np.zeros(3, np.int64), np.full(3, 2, np.int64)
    off = dp.offsets(lo, hi)
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(3, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = np.full((3, 2), -1, np.int64)
    index[1:, 0] = [0, 1]
    index[2, 1] = 2  # the joined span of sentences 0-1 on both sides
    joined = float(vecs[2] @ vecs[2])
    for weight, want in ((1.0, joined), (0.5, 0.5 * joined + 0.5 * 0.3), (0.0, 0.3)):
        cos = np.full((off[-1], 2, 2), 0.3, np.float32)
        flags = np.zeros(cos.shape, np.int8)
        dp.override_cosines(cos, flags, lo, hi, off, index, index, vecs, vecs, weight)
        cell = off[2] + 2 - lo[2]
        assert cos[cell, 1, 1] == pytest.approx(want) and flags[cell, 1, 1] == 1
        assert cos[cell, 0, 0] == pytest.approx(0.3)  # 1-1: never re-embedded
        assert cos[off[1] + 1, 0, 0] == pytest.approx(0.3)
        # 2-2, 1-2 and 2-1 at that cell, 2-1 ending at (2, 1) and 1-2 ending at (1, 2)
        assert flags[cell, 0, 0] == 0 and flags.sum() == 5


# -- the invariant ---------------------------------------------------------------------------------


@st.composite
def _embedded_inputs(draw: st.DrawFn):
    n = draw(st.integers(0, 40))
    m = draw(st.integers(0, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    dim = draw(st.sampled_from([2, 8, 32]))
    pool = draw(st.one_of(st.none(), st.integers(1, 4)))  # few distinct vectors: many ties
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal((pool or 1, dim))  # drawn from by both sides: exact ties

    def vecs(k: int) -> np.ndarray:
        v = rng.standard_normal((k, dim)) if pool is None else shared[rng.integers(0, pool, k)]
        v = v.reshape(k, dim)
        return (v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    def sentences(k: int) -> list[Sentence]:
        par = np.cumsum(rng.random(k) < 0.2)
        return [Sentence("сөз " * int(rng.integers(1, 30)), int(p)) for p in par]

    params = AlignParams(
        max_bead=draw(st.integers(1, 6)),
        max_bead_total=draw(st.integers(2, 8)),
        refine=draw(st.sampled_from(["none", "local", "all"])),
    )
    return sentences(n), sentences(m), vecs(n), vecs(m), params, vecs


@settings(max_examples=50, deadline=None)
@given(_embedded_inputs())
def test_align_embedded_invariant(inputs) -> None:
    src, tgt, x, y, params, random_vectors = inputs
    beads = align_embedded(
        src, tgt, x, y, src_lang="kk", tgt_lang="ru", params=params,
        embed_texts=lambda texts: random_vectors(len(texts)),  # joined spans, when refining
    )  # fmt: skip
    check_beads(beads, len(src), len(tgt))
    for bead in beads:
        assert len(bead.src) <= params.max_bead and len(bead.tgt) <= params.max_bead
        assert len(bead.src) + len(bead.tgt) <= params.max_bead_total
        assert np.isfinite(bead.score)


_LINE = st.text(
    alphabet=st.sampled_from(list("абвгқәңөұүіыАБҚӘ abcXYZ0123456789.,!?«»–-\t")), max_size=40
)


@settings(max_examples=50, deadline=None)
@given(st.lists(_LINE, max_size=40), st.lists(_LINE, max_size=40), st.integers(1, 6))
def test_align_presegmented_invariant(src_lines: list[str], tgt_lines: list[str], mb: int) -> None:
    result = egiz.align(
        "\n".join(src_lines),
        "\n".join(tgt_lines),
        encoder="trigram",
        presegmented=True,
        params=AlignParams(max_bead=mb),
    )
    assert len(result.src_sentences) == sum(bool(s.strip()) for s in src_lines)
    assert len(result.tgt_sentences) == sum(bool(s.strip()) for s in tgt_lines)
    check_beads(result.beads, len(result.src_sentences), len(result.tgt_sentences))
    assert all(len(b.src) <= mb and len(b.tgt) <= mb for b in result.beads)


# -- long input ------------------------------------------------------------------------------------


def _noisy(rng: np.random.Generator, v: np.ndarray, scale: float = 0.3) -> np.ndarray:
    w = v + scale * rng.standard_normal(v.shape).astype(np.float32) / np.sqrt(v.shape[1])
    return w / np.linalg.norm(w, axis=1, keepdims=True)


@pytest.mark.parametrize("n", [7, 8])
def test_coarse_side_is_centred_halved_and_normalised(n: int) -> None:
    # the band search's half-resolution side, one numba pass, against the plain numpy steps
    from egiz.align.search import _halve

    rng = np.random.default_rng(3)
    v = rng.standard_normal((n, 16)).astype(np.float32) + 2.0  # a large common component
    centred = v - v.mean(axis=0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    pairs = [centred[k : k + 2].sum(axis=0) for k in range(0, n, 2)]  # the last alone if odd
    want = np.array([p / np.linalg.norm(p) for p in pairs])
    got = _halve(v)
    assert got.dtype == np.float32 and got.shape == ((n + 1) // 2, 16)
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_long_input_goes_through_a_narrow_band() -> None:
    rng = np.random.default_rng(7)
    n = 3000
    base = rng.standard_normal((n + 100, 64)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    x, y = _noisy(rng, base[:n]), _noisy(rng, base[:n])

    lo, hi = find_band(x, y)
    assert lo.shape == hi.shape == (n + 1,)
    assert lo[0] == 0 and hi[n] == n
    assert np.all(np.diff(lo) >= 0) and np.all(np.diff(hi) >= 0) and np.all(lo <= hi)
    assert np.all(lo <= np.arange(n + 1)) and np.all(np.arange(n + 1) <= hi)  # holds the diagonal
    assert int((hi - lo).max()) < n // 20  # far narrower than the full grid
    assert int((hi - lo + 1).sum()) < 0.05 * (n + 1) ** 2

    sents = [Sentence("Сөз " + "сөз " * 5)] * n
    beads = align_embedded(sents, sents, x, y, src_lang="kk", tgt_lang="ru", params=NO_REFINE)
    check_beads(beads, n, n)
    assert _ids(beads) == [((i,), (i,)) for i in range(n)]

    # 40 target sentences inserted at 1000 and 25 source ones at 2000: wider than the band, so
    # only a coarse pass that found the shift keeps the right path inside it
    tgt_order = [*range(1000), *range(n, n + 40), *range(1000, n)]
    src_order = [*range(2000), *range(n + 50, n + 75), *range(2000, n)]
    x2, y2 = _noisy(rng, base[src_order]), _noisy(rng, base[tgt_order])
    s2 = [Sentence("Сөз " + "сөз " * 5)] * len(src_order)
    t2 = [Sentence("Слово " + "слово " * 5)] * len(tgt_order)
    beads = align_embedded(s2, t2, x2, y2, src_lang="kk", tgt_lang="ru", params=NO_REFINE)
    check_beads(beads, len(s2), len(t2))
    where = {k: j for j, k in enumerate(tgt_order)}
    expected = {(i, where[k]) for i, k in enumerate(src_order) if k in where}
    got = {(b.src[0], b.tgt[0]) for b in beads if b.kind == "1-1"}
    assert got == expected
    assert [b.tgt[0] for b in beads if b.kind == "0-1"] == list(range(1000, 1040))
    assert [b.src[0] for b in beads if b.kind == "1-0"] == list(range(2000, 2025))


# -- empty and wrong-language input, determinism ---------------------------------------------------


def test_empty_source_side(seeds) -> None:
    _, ru_path = seeds
    ru = ru_path.read_text(encoding="utf-8")
    result = egiz.align("", ru, encoder="trigram")
    assert result.src_sentences == [] and len(result.tgt_sentences) == 26
    assert [(b.src, b.tgt) for b in result.beads] == [((), (j,)) for j in range(26)]
    assert any("empty" in w for w in result.warnings)

    both_empty = egiz.align(" \n\n", "", encoder="trigram")
    assert list(both_empty.beads) == [] and len(both_empty.warnings) == 2


def test_wrong_language_warns(seeds) -> None:
    _, ru_path = seeds
    ru = ru_path.read_text(encoding="utf-8")
    result = egiz.align(ru, ru, encoder="trigram")  # src_lang says kk
    assert len(result.warnings) == 1
    assert "Russian" in result.warnings[0] and "source" in result.warnings[0]
    check_beads(result.beads, 26, 26)


def test_another_language_under_the_default_languages_warns() -> None:
    """English text aligned under the default kk/ru gets Kazakh and Russian sentence rules: the
    user is told to name its language; naming it (or Kazakh in Kazakh) warns of nothing."""
    en = "I am going home. He went to school in 2024. Will you come tomorrow?"
    de = "Ich gehe nach Hause. Er ging 2024 zur Schule. Kommst du morgen?"
    result = egiz.align(en, de, encoder="trigram")
    assert [w.split(" (")[0] for w in result.warnings] == [
        "source text does not look Kazakh", "target text does not look Russian",
    ]  # fmt: skip
    assert "--src-lang" in result.warnings[0] and "--tgt-lang" in result.warnings[1]
    named = egiz.align(en, de, encoder="trigram", src_lang="en", tgt_lang="de")
    assert named.warnings == ()


def test_deterministic(seeds) -> None:
    kk, ru = (p.read_text(encoding="utf-8") for p in seeds)
    first = egiz.align(kk, ru, encoder="trigram")
    second = egiz.align(kk, ru, encoder="trigram")
    assert list(first.beads) == list(second.beads)
    assert first.signature == second.signature


# -- the seed article ------------------------------------------------------------------------------


def _index(sentences, fragment: str) -> int:
    found = [i for i, s in enumerate(sentences) if fragment in s.text]
    assert len(found) == 1, f"{fragment!r} in {len(found)} sentences"
    return found[0]


def _bead_of(beads, side: str, index: int) -> Bead:
    return next(b for b in beads if index in getattr(b, side))


def test_seeds_trigram(seeds) -> None:
    kk, ru = (p.read_text(encoding="utf-8") for p in seeds)
    result = egiz.align(kk, ru, encoder="trigram")
    assert len(result.src_sentences) == 17 and len(result.tgt_sentences) == 26
    check_beads(result.beads, 17, 26)
    assert result.warnings == ()
    assert result.signature.startswith("egiz:") and "enc:trigram" in result.signature
    src, tgt = result.src_sentences, result.tgt_sentences
    for kk_fragment, ru_fragment in [
        ("177 экспорттық келісімшарт", "177 экспортных контрактов"),
        ("1,8 есеге", "1,8 раза"),
    ]:
        i, j = _index(src, kk_fragment), _index(tgt, ru_fragment)
        assert _bead_of(result.beads, "src", i) == _bead_of(result.beads, "tgt", j)
        assert _bead_of(result.beads, "src", i).kind == "1-1"
    # linked, whatever the bead shape (the e5 test below checks more; character trigrams miss
    # the sentence on Дәурен Абаев)
    for kk_fragment, ru_fragment in [
        ("«Есипово» индустриалды паркін", "индустриальный парк «Есипово»"),
        ("косметика, химия", "косметика, химия"),
    ]:
        i, j = _index(src, kk_fragment), _index(tgt, ru_fragment)
        assert j in _bead_of(result.beads, "src", i).tgt


@pytest.mark.e5
def test_seeds_e5_and_cache_end_to_end(seeds, egiz_cache_dir, monkeypatch) -> None:
    encoded: list[int] = []
    real_encode = E5Encoder.encode

    def counting_encode(self, texts):
        encoded.append(len(texts))
        return real_encode(self, texts)

    monkeypatch.setattr(E5Encoder, "encode", counting_encode)
    kk, ru = (p.read_text(encoding="utf-8") for p in seeds)

    result = egiz.align(kk, ru)  # the default encoder
    assert sum(encoded) >= 17 + 26
    src, tgt, beads = result.src_sentences, result.tgt_sentences, result.beads
    check_beads(beads, 17, 26)
    assert "enc:e5" in result.signature

    for kk_fragment, ru_fragment in [
        ("177 экспорттық келісімшарт", "177 экспортных контрактов"),
        ("1,8 есеге", "1,8 раза"),
    ]:
        i, j = _index(src, kk_fragment), _index(tgt, ru_fragment)
        assert _bead_of(beads, "src", i) == Bead((i,), (j,), _bead_of(beads, "src", i).score)
    # one kk sentence tells what two ru sentences about Esipovo tell: a 1-2 bead
    i = _index(src, "«Есипово» индустриалды паркін")
    j1 = _index(tgt, "индустриальный парк «Есипово»")
    j2 = _index(tgt, "форматом «Лайт индастриал»")
    assert j2 == j1 + 1
    assert (_bead_of(beads, "src", i).src, _bead_of(beads, "src", i).tgt) == ((i,), (j1, j2))
    # the Russian version tells the quote about projects in both regions after the next
    # sentence: one Kazakh sentence, two Russian ones, aligned across the bead in between
    i = _index(src, "Қазақстандық кәсіпкерлердің жобалары")
    j1 = _index(tgt, "Надеемся, что проекты казахстанских")
    j2 = _index(tgt, "А наши компании будут свободно")
    moved = [beads[k] for k in moved_beads(beads)]
    assert [(b.src, b.tgt) for b in moved] == [((i,), (j1, j2))] and j2 == j1 + 1
    # the ru-only paragraph on the region's industrial infrastructure has no kk counterpart
    for fragment in ("самая развитая в стране", "шесть особых экономических зон, 72"):
        j = _index(tgt, fragment)
        assert _bead_of(beads, "tgt", j) == Bead((), (j,), 0.0)

    # second run: every sentence and every joined span comes from the on-disk cache
    assert (egiz_cache_dir / "embeddings.sqlite").is_file()
    encoded.clear()
    again = egiz.align(kk, ru)
    assert encoded == []
    stats = last_embed_stats()
    assert stats is not None and stats.encoded == 0 and stats.cached > 0
    assert list(again.beads) == list(beads)


def test_presets() -> None:
    assert AlignParams.preset("fast") == AlignParams()
    accurate = AlignParams.preset("accurate", max_bead=3)
    assert accurate.max_bead == 3 and accurate.joined_budget > AlignParams().joined_budget
    assert f"joined_budget:{accurate.joined_budget}" in accurate.signature()
    with pytest.raises(ValueError, match="unknown preset"):
        AlignParams.preset("fastest")
    with pytest.raises(ValueError, match="unknown setting"):
        AlignParams.preset("fast", knn=3)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_bead", 0, "max_bead must be at least 1"),
        ("max_bead_total", 1, "max_bead_total must be at least 2"),
        ("evidence_weight", 0.0, "evidence_weight must be positive"),
        ("aligned_prior_strength", -1.0, "aligned_prior_strength must be positive"),
        ("self_calibration", -1, "self_calibration must be 0 or more"),
        ("min_temperature", 0.0, "min_temperature must be above 0 and at most 1"),
        ("min_temperature", 1.5, "min_temperature must be above 0 and at most 1"),
        ("refine", "some", "refine must be one of none, local, all"),
        ("joined_budget", -0.1, "joined_budget must be 0 or more"),
        ("pair_check_min_pairs", -1, "pair_check_min_pairs must be 0 or more"),
        ("paragraph_penalty", "high", "paragraph_penalty must be a number"),
        ("pair_moved", "no", "pair_moved must be true or false"),
    ],
)
def test_params_are_validated_with_one_line(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        AlignParams(**{field: value})
    assert "\n" not in str(err.value)


def test_signature_lists_every_setting_and_round_trips() -> None:
    from dataclasses import fields

    params = AlignParams(
        max_bead=3, evidence_weight=1.7, refine="all", self_calibration=1, pair_moved=False
    )
    signature = params.signature()
    assert "|pair_moved:False" in signature
    for f in fields(AlignParams):
        assert f"{f.name}:" in signature or f.name == "max_bead"
    assert AlignParams.from_signature(signature) == params
    # an alignment's signature carries the encoder and version too; they are skipped
    assert AlignParams.from_signature(f"egiz:0.1.0|enc:e5|{signature}|split:kk-ru") == params
    assert AlignParams.from_signature("egiz:0.1.0|enc:trigram") == AlignParams()
    with pytest.raises(ValueError, match="not a float"):
        AlignParams.from_signature("evidence_weight:much")
    with pytest.raises(ValueError, match="not True or False"):
        AlignParams.from_signature("pair_moved:no")


def test_accurate_preset_on_the_seeds_keeps_every_sentence(seeds) -> None:
    kk, ru = (p.read_text(encoding="utf-8") for p in seeds)
    result = egiz.align(kk, ru, encoder="trigram", params=AlignParams.preset("accurate"))
    assert sorted(i for b in result.beads for i in b.src) == list(range(17))
    assert sorted(j for b in result.beads for j in b.tgt) == list(range(26))
    assert "refine:local" in result.signature


# -- what a document says about itself: unrelated pairs, regular splits, band vs. full DP ---------

FLORES_PAIRS = Path(__file__).parent / "fixtures" / "pair" / "flores_docs.json"


def _flores_articles() -> list[dict]:
    return json.loads(FLORES_PAIRS.read_text(encoding="utf-8"))["pairs"]


@pytest.mark.e5
def test_unrelated_documents_get_omissions_not_beads() -> None:
    """A sentence about one news story against a sentence about another: two omissions, whatever
    the size of the document (the score must not be relative to the document's own beads)."""
    arts = _flores_articles()
    a, b = arts[0], arts[1]
    one = egiz.align([a["kk"][0]], [b["ru"][0]])
    assert sorted((x.src, x.tgt) for x in one.beads) == [((), (0,)), ((0,), ())]
    two = egiz.align(a["kk"][:2], b["ru"][:2])
    assert all(x.is_omission for x in two.beads) and len(two.beads) == 4
    # the true pair of the same size is one bead, scored as a likely translation
    true = egiz.align([a["kk"][0]], [a["ru"][0]])
    assert [(x.src, x.tgt) for x in true.beads] == [((0,), (0,))]
    assert true.beads[0].score > 0.9


@pytest.mark.e5
def test_a_sentence_replaced_on_both_sides_is_left_out() -> None:
    """Six FLORES articles (21 sentence pairs) with the fourth pair replaced on each side by a
    sentence of another article (an edited text): the prior of so faithful a document pairs the
    two, the document's own 1-1 beads say they are unrelated; every other bead stays."""
    arts = _flores_articles()
    kk = [s for art in arts[:6] for s in art["kk"]]
    ru = [s for art in arts[:6] for s in art["ru"]]
    before = [(b.src, b.tgt) for b in egiz.align(kk, ru, presegmented=True).beads]
    kk[3], ru[3] = arts[6]["kk"][0], arts[7]["ru"][2]
    beads = [(b.src, b.tgt) for b in egiz.align(kk, ru, presegmented=True).beads]
    assert ((3,), ()) in beads and ((), (3,)) in beads
    assert [b for b in beads if b[0] and b[1]] == [
        b for b in before if b[0] and b[1] and b[0] != (3,)
    ]
    unchecked = AlignParams(pair_check_min_pairs=0)
    paired = [(b.src, b.tgt) for b in egiz.align(kk, ru, presegmented=True, params=unchecked).beads]
    assert ((3,), (3,)) in paired


@pytest.mark.e5
def test_a_sentence_broken_in_two_lines_stays_one_bead() -> None:
    """Four Russian sentences broken before their last two words, the tail on a line of its own
    ("пик Винсон."): too short to move a sum of vectors or a joined text, left out by the path,
    each starts in lower case and so joins the bead of the line before it."""
    arts = _flores_articles()
    kk = [s for art in arts[:6] for s in art["kk"]]
    ru: list[str] = []
    for k, sentence in enumerate(s for art in arts[:6] for s in art["ru"]):
        words = sentence.split(" ")
        ru += [" ".join(words[:-2]), " ".join(words[-2:])] if k in (1, 7, 13, 19) else [sentence]
    beads = [(b.src, b.tgt) for b in egiz.align(kk, ru, presegmented=True).beads]
    assert [b for b in beads if (len(b[0]), len(b[1])) != (1, 1)] == [
        ((1,), (1, 2)), ((7,), (8, 9)), ((13,), (15, 16)), ((19,), (22, 23))
    ]  # fmt: skip


@pytest.mark.e5
def test_regular_one_to_two_document() -> None:
    """Every Kazakh sentence is two Russian ones (one side splits systematically): 1-2 beads."""
    kk: list[str] = []
    ru: list[str] = []
    for art in _flores_articles():
        for k in range(0, len(art["kk"]) - 1, 2):
            kk.append(f"{art['kk'][k]} {art['kk'][k + 1]}")
            ru.extend(art["ru"][k : k + 2])
    result = egiz.align(kk, ru)
    expected = [((i,), (2 * i, 2 * i + 1)) for i in range(len(kk))]
    got = [(b.src, b.tgt) for b in result.beads]
    assert sum(g in expected for g in got) >= len(expected) - 1, got


def test_matched_sentences_are_counted_near_the_path_not_across_the_grid(monkeypatch) -> None:
    """The share of sentences with a counterpart (the prior of every bead) is a statistic of the
    document, not of how much of the grid is searched: target sentences left out here that
    repeat source sentences 150 sentences away have no counterpart where the path is. Counted
    over the whole grid, a long document's every such sentence found one (a long comparable
    document's share came out near 1, its gold share 0.77), and a band counted fewer."""
    from egiz.align import search
    from egiz.align.calibration import calibration_for
    from egiz.align.document import DocumentScorer

    src_groups = [[k] for k in range(450)]
    tgt_groups: list[list[int]] = []
    for k in range(450):
        tgt_groups.append([k])
        if k % 50 == 25:  # twenty sentences of the target only: copies of ones far away
            tgt_groups += [[(k + 150 + c) % 450] for c in range(20)]
    src, tgt, x, y = _vectors_and_sentences(src_groups, tgt_groups, seed=5, doc=1.0, noise=0.3)
    assert (len(src) + 1) * (len(tgt) + 1) > search.FULL_DP_CELLS
    cal = calibration_for("")[0]

    def matched() -> float:
        doc = DocumentScorer(src, tgt, x, y, "kk", "ru", NO_REFINE, cal, own_calibration=False)
        priors = doc.initial_priors()
        shapes, odds = doc.solve(priors)
        return doc.estimate_priors(shapes, odds, priors).aligned

    banded = matched()
    monkeypatch.setattr(search, "FULL_DP_CELLS", 10**9)
    full = matched()
    assert banded == full
    # (the model of this generic calibration finds evidence for most copies next to their run's
    # true pairs too, but not for all: counted over the grid, every copy had its twin)
    assert full < len(src) + len(tgt)


def test_path_columns() -> None:
    """The columns of the beads that span each DP row, and a window either side."""
    from egiz.align.document import _path_columns

    shapes = np.array([[1, 1], [0, 1], [2, 1], [1, 0], [1, 2]])
    lo, hi = _path_columns(shapes, 5, 0)
    assert lo.tolist() == [0, 0, 2, 2, 3, 3] and hi.tolist() == [1, 3, 3, 3, 5, 5]
    lo, hi = _path_columns(shapes, 5, 2)
    assert lo.tolist() == [-2, -2, 0, 0, 1, 1] and hi.tolist() == [3, 5, 5, 5, 7, 7]


def test_band_gives_the_same_beads_as_a_full_dp(monkeypatch) -> None:
    """A document above the full-DP size is searched in a band; the beads must not change."""
    from egiz.align import search

    rng = np.random.default_rng(3)
    src_groups: list[list[int]] = []
    tgt_groups: list[list[int]] = []
    k = 0
    while len(src_groups) < 450:
        r = rng.random()
        if r < 0.08:  # a merge on the source side
            src_groups.append([k, k + 1])
            tgt_groups += [[k], [k + 1]]
            k += 2
        elif r < 0.12:  # a sentence on the target side only
            tgt_groups.append([1000 + k])
            k += 1
        else:
            src_groups.append([k])
            tgt_groups.append([k])
            k += 1
    src, tgt, x, y = _vectors_and_sentences(src_groups, tgt_groups, seed=5, doc=1.0, noise=0.3)
    assert (len(src) + 1) * (len(tgt) + 1) > search.FULL_DP_CELLS

    def run() -> list[Bead]:
        return align_embedded(src, tgt, x, y, src_lang="kk", tgt_lang="ru", params=NO_REFINE)

    banded = run()
    monkeypatch.setattr(search, "FULL_DP_CELLS", 10**9)
    full = run()
    assert banded == full


# Text+Berg (de-fr, Die Alpen 1957): German 3 is French 4 + 5, and 5 is a short clause ("il faut
# se hâter") that barely moves a sum of sentence vectors.
ALPINE = json.loads(
    (Path(__file__).parent / "fixtures" / "textberg_alpine.json").read_text(encoding="utf-8")
)


@pytest.mark.e5
def test_a_short_piece_of_a_split_sentence_joins_its_bead() -> None:
    """Left out by the DP on summed vectors, the clause is taken into its neighbour's bead
    because the real embedding of the joined French says it belongs there."""
    result = egiz.align(ALPINE["de"], ALPINE["fr"], src_lang="de", tgt_lang="fr")
    beads = {(b.src, b.tgt): b.score for b in result.beads}
    assert beads.get(((3,), (4, 5)), 0.0) >= 0.5, result.beads
    assert ((2,), (2, 3)) in beads
    assert not list(result.unaligned()), result.beads


def test_shared_kernel_work_runs_every_chunk_once_and_raises_what_a_chunk_raises() -> None:
    """`dp.share` splits a kernel's rows between the calling thread and a helper: each chunk
    runs exactly once whoever takes it, and a failure in any chunk reaches the caller."""
    from egiz.align import dp

    done: list[int] = []
    lock = threading.Lock()

    def work(chunk: int) -> None:
        with lock:
            done.append(chunk)

    dp.share(work, 40)
    assert sorted(done) == list(range(40))

    def fail(chunk: int) -> None:
        if chunk == 5:
            raise ValueError("chunk 5")

    with pytest.raises(ValueError, match="chunk 5"):
        dp.share(fail, 16)


def test_small_document_spread_leaves_out_each_sentences_best_match() -> None:
    """In a 2 x 2 translation half of all sentence pairs are true: the spread of unrelated pairs
    comes from the two crossing pairs only, or every true pair would look like noise."""
    from egiz.align import score

    rng = np.random.default_rng(3)
    base = rng.normal(size=(2, 384))
    x = np.stack([_unit(v) for v in base])
    y = np.stack([_unit(v + 0.3 * rng.normal(size=384)) for v in base])
    # null cosines [end, 0, 0] of each sentence: its dot product with the other side's mean
    src_null = np.concatenate([[0.0], x @ _unit(y.mean(axis=0))]).reshape(3, 1, 1)
    tgt_null = np.concatenate([[0.0], y @ _unit(x.mean(axis=0))]).reshape(3, 1, 1)
    spread, count = score.null_spread(x, y, src_null, tgt_null, 1)
    assert count[0, 0] == 2  # (0, 1) and (1, 0); the true pairs are each row's best
    cross = np.array([x[0] @ y[1], x[1] @ y[0]])
    resid = cross - 0.5 * (src_null[[1, 2], 0, 0] + tgt_null[[2, 1], 0, 0])
    assert spread[0, 0] == pytest.approx(1.4826 * np.median(np.abs(resid - np.median(resid))))


def test_long_document_spread_is_that_of_its_neighbours() -> None:
    """A document of many topics (five sentences each): its unrelated pairs are drawn near the
    diagonal, where the DP meets them, so a 1,000-sentence document's spread is close to a
    20-sentence one's. Drawn across the whole document, most pairs are of two topics, their
    spread narrower, and every same-topic neighbour would stand out as a match."""
    from egiz.align import dp, score

    def spread(topics: int) -> float:
        rng = np.random.default_rng(0)
        centres = np.repeat(rng.normal(size=(topics, 64)), 5, axis=0)
        x, y = (
            np.stack([_unit(v) for v in centres + 1.2 * rng.normal(size=centres.shape)])
            for _ in range(2)
        )
        src_null = score.span_nulls(x, score.span_means(y, 1), dp.span_norms(x, 1))
        tgt_null = score.span_nulls(y, score.span_means(x, 1), dp.span_norms(y, 1))
        return float(score.null_spread(x, y, src_null, tgt_null, 1)[0][0, 0])

    assert spread(200) == pytest.approx(spread(4), rel=0.1)


@pytest.mark.e5
def test_a_short_dialogue_is_aligned_line_by_line() -> None:
    """Dialogue lines and interface strings come in documents of a few short sentences, whose own
    statistics are thin: each faithful pair is still its own 1-1 bead, not an omission or a
    merged block."""
    kk = ["Сәлеметсіз бе!", "Қалыңыз қалай?", "Рахмет, жақсы.", "Ертең кездесейік."]
    ru = ["Здравствуйте!", "Как ваши дела?", "Спасибо, хорошо.", "Давайте встретимся завтра."]
    for size in (2, 3, 4):
        result = egiz.align(kk[:size], ru[:size], presegmented=True)
        got = [(b.src, b.tgt) for b in result.beads]
        assert got == [((i,), (i,)) for i in range(size)], (size, got)
        assert all(b.score >= 0.5 for b in result.beads), [b.score for b in result.beads]


# Two documents of Tatoeba's kaz-rus test pairs (CC BY 2.0 FR, tatoeba.org), as the bench's
# "short documents" put them together.
_LOOSE_KK = [
    "Ит үреді, керуен көшеді.", "Ізін суытпай іздеу керек.", "Іс насырға шапты.",
    "Кeнeт ол ысқырығын тoқтата қoйды.", "Қазақстанда 150 мұражай бар.",
]  # fmt: skip
_LOOSE_RU = [
    "Собака лает, караван идёт.", "Нужно искать по горячим следам.",
    "Дело приняло опасный оборот.", "Внезапно оп перестал свистеть.",
    "В Казахстане насчитывается 150 музеев.",
]  # fmt: skip
_LINES_KK = [
    "Сен түсінбейтін проблема бар.",
    "Сириядағы соғыс 2011 жылдың наурызынан бері жалғасып келеді, 100 мыңнан аса адам бұл "
    "қақтығыстың құрбанына айналды.",
    "Сізге ұят емес пе?",
    "Сіздің ЖОО-да жаңа тарих факультетінің ашылуы педагогикалық құрамға ерекше жауапкершілік "
    "жүктейтіндігі анық.",
    "Сіздің немерелеріңіз бар ма?", "Сіз қандай тілдерді білесіз?", "Советологтар нені зерттейді?",
    "Сол кезбен салыстырғанда қала кәдімгідей өзгеріп кеткен, оның сұлулығы мен заманауилығы "
    "таңдай қақтырады.",
]  # fmt: skip
_LINES_RU = [
    "Есть проблема, которую ты не понимаешь.",
    "Война в Сирии продолжается с марта 2011 г., жертвами конфликта стали более 100 тыс. человек.",
    "Как Вам не стыдно?",
    "Открытие в Вашем ВУЗе нового исторического факультета налагает на педагогический состав "
    "особую ответственность.",
    "Есть ли у Вас внуки?", "Какие языки Вы знаете?", "Что изучает советолог?",
    "По сравнению с тем временем, город приобрел новый облик, его красота и современность "
    "вызывают восхищение.",
]  # fmt: skip


@pytest.mark.e5
def test_side_by_side_omissions_can_be_paired_in_a_faithful_document() -> None:
    """An idiom translated by its sense scores no better than unrelated text, so the DP leaves
    it out on both sides. Two lines left out at one place of a faithful document, each the
    other's closest counterpart, are paired, with the low probability their own evidence
    gives them; `omission_pair_weight=0` leaves them out."""
    beads = egiz.align(_LOOSE_KK, _LOOSE_RU, presegmented=True).beads
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(5)]
    assert beads[2].score < 0.5  # the evidence alone does not vouch for it
    params = AlignParams(omission_pair_weight=0)
    unpaired = egiz.align(_LOOSE_KK, _LOOSE_RU, presegmented=True, params=params).beads
    assert [(b.src, b.tgt) for b in unpaired if not (b.src and b.tgt)] == [((), (2,)), ((2,), ())]


@pytest.mark.e5
def test_a_two_line_dialogue_keeps_its_loose_line_paired() -> None:
    """Two Tatoeba kaz-rus lines (CC BY 2.0 FR) as one short document: the second ("don't
    quarrel over nothing") is rendered by its sense, and its cosine is an unrelated pair's. One
    faithful line says little about the document, but enough that the two lines left out at the
    same place are a pair: with `omission_pair_weight` 1 they stayed two omissions."""
    kk = ["Жоқ, мен емес, сен!", "Жоқ нәрсеге егеспей-ақ қойыңдар."]
    ru = ["Нет, не я, а ты!", "Незачем вам из-за пустяка пререкаться друг с другом."]
    beads = egiz.align(kk, ru, presegmented=True).beads
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,))]
    assert beads[1].score < 0.5  # the evidence alone does not vouch for it
    params = AlignParams(omission_pair_weight=1.0)
    before = egiz.align(kk, ru, presegmented=True, params=params).beads
    assert [(b.src, b.tgt) for b in before if not (b.src and b.tgt)] == [((), (1,)), ((1,), ())]


# Tatoeba kaz-rus test pairs (CC BY 2.0 FR) as a short document of the bench's shuffled tune pairs.
_PROVERB_KK = [
    "Мен қалжыңдап тұрмын, сен оны шын көрдің.", "Шаш ал десе, бас алу.",
    "Павлодардың жас экологтары мен еріктілері көне Баянауыл тауларының «Аңыз жолдарымен» өтті.",
    "Ресейлік әнші МакSим қазақ дәстүрін үйреніп келеді.", "Қырттың сөзіне малданба.",
]  # fmt: skip
_PROVERB_RU = [
    "Я смеюсь, а ты и поверил.", "Ему велишь стричь волосы, а он снимает голову.",
    "«Дорогами легенд» прошли юные экологи и волонтёры Павлодара в горах древнего Баянаула.",
    "Российская певица МакSим приобщается к казахским обычаям.", "Не верь словам пустомели.",
]  # fmt: skip


@pytest.mark.e5
def test_a_loose_pair_is_paired_when_one_side_is_the_others_closest() -> None:
    """The proverb "Шаш ал десе, бас алу." and its rendering by sense: the Russian line's
    closest Kazakh line is the proverb, but the proverb's closest Russian line is another,
    already aligned one. Left out side by side, each the other's best match there, they are
    paired, with the low probability their own evidence gives them."""
    beads = egiz.align(_PROVERB_KK, _PROVERB_RU, presegmented=True).beads
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(5)]
    assert beads[1].score < 0.5


# Eight Tatoeba kaz-rus pairs (CC BY 2.0 FR, tune part); "Науқас асқа қарады." ("the patient looked
# at the food") is rendered by its sense; its closest Russian line is another, already aligned one.
_SICK_KK = [
    "Жaңa жылыңыз құтты болсын.",
    "Контаминация – өндіру кезінде, сынама алу, буып-түю немесе қайта буып-түю, сақтау немесе "
    "транспорттау кезіндегі химиялық және микробиологиялық текті қоспаларды немесе бөтен "
    "материалдарды шығыс материалына, аралық өнімге немесе дәрілік субстанцияға қалаусыз енгізу.",
    "Төзімім таусылды.",
    "Ресейлік тағы бір теннисші Қазақстан азаматтығын алды.",
    "Ескерткіш Металлургтердің мәдениет сарайы алдындағы саябаққа орнатылған.",
    "Науқас асқа қарады.", "Шын гүл ма?",
    "Көрменің қорытынды күні бойынша ғана облыста 3 мыңға жуық жұмыс орны пайда болады.",
]  # fmt: skip
_SICK_RU = [
    "С Новым Годом.",
    "Контаминация – нежелательное внесение примесей химического или микробиологического "
    "происхождения или постороннего материала в исходный материал, промежуточный продукт или "
    "лекарственную субстанцию в ходе производства, отбора проб, упаковки или переупаковки, "
    "хранения или транспортировки.",
    "Моё терпение иссякло.",
    "Ещё одна российская теннисистка приняла гражданство Казахстана.",
    "Памятник установлен в сквере парадного входа во Дворец культуры металлургов.",
    "У больного появилось желание есть.", "Цветок настоящий?",
    "По итогам заключительного дня выставок в области появится около 3 тысяч рабочих мест.",
]  # fmt: skip


@pytest.mark.e5
def test_a_loose_pair_of_a_short_document_is_paired_without_closeness() -> None:
    """In a document of a few lines, too small to judge its own pairs, two lines left out at
    one place that are each other's best match there are paired even though neither is the
    other's closest line in the document; with closeness asked (`pair_check_min_pairs=0`: every
    document counts as large) they stay omissions."""
    beads = egiz.align(_SICK_KK, _SICK_RU, presegmented=True).beads
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(8)]
    assert beads[5].score < 0.5  # its own evidence is weak, and the score says so
    asked = AlignParams(pair_check_min_pairs=0)
    beads = egiz.align(_SICK_KK, _SICK_RU, presegmented=True, params=asked).beads
    assert ((5,), ()) in [(b.src, b.tgt) for b in beads]


@pytest.mark.e5
def test_unrelated_lines_at_one_place_of_a_short_document_get_a_low_score() -> None:
    """A line of an 8-line faithful document replaced on both sides by lines from elsewhere.
    The document is too small to judge its own pairs, so the two lines are paired as a loose
    pair would be (no closeness asked), with a probability below 0.5 that says what they are:
    `egiz mine` and `--min-score 0.5` leave them out. (In a larger document closeness is asked
    and the pair check judges: `test_a_sentence_replaced_on_both_sides_is_left_out`.)"""
    kk, ru = list(_LINES_KK), list(_LINES_RU)
    kk[4], ru[4] = _LOOSE_KK[1], _LOOSE_RU[2]
    beads = egiz.align(kk, ru, presegmented=True).beads
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(8)]
    assert beads[4].score < 0.5
    assert all(b.score > 0.9 for k, b in enumerate(beads) if k != 4)


TEXTBERG = Path(__file__).resolve().parents[2] / "shared" / "data" / "textberg-de-fr"


@pytest.mark.e5
def test_a_piece_of_a_split_sentence_joins_its_bead() -> None:
    """Text+Berg dev, de sentences 133-144 / fr 175-185: "Er berichtet nur aus zweiter Hand ...
    eines roten ( wir würden sagen :" + "braunen ) Bären herausgestellt hätten ." is one French
    sentence pair (gold 2-2). The piece starts in lower case: it continues the line before it and
    joins its bead. Capitalised, it barely moves the joined text's cosine (it drops a little), but
    the lengths fit only with it: it still joins; `absorb_tolerance=0` then leaves it out."""
    de = (TEXTBERG / "dev.de").read_text(encoding="utf-8").splitlines()[133:145]
    fr = (TEXTBERG / "dev.fr").read_text(encoding="utf-8").splitlines()[175:186]
    capital = [*de[:8], de[8][0].upper() + de[8][1:], *de[9:]]
    strict = AlignParams(absorb_tolerance=0)
    joined = [((7, 8), (7, 8)), ((9,), (9,))]
    for lines, params, expected in [
        (de, AlignParams(), joined),
        (de, strict, joined),  # by its case
        (capital, AlignParams(), joined),  # by its lengths
        (capital, strict, [((7,), (7, 8)), ((8,), ())]),
    ]:
        beads = egiz.align(
            lines, fr, presegmented=True, src_lang="de", tgt_lang="fr", params=params
        ).beads
        assert [(b.src, b.tgt) for b in beads][7:9] == expected


@pytest.mark.e5
def test_short_faithful_lines_are_not_merged_in_pairs() -> None:
    """The evidence of two short lines joined is stronger than each line's, so the DP's sum
    prefers 2-2 blocks of lines that are translations one by one; such a block is split."""
    beads = egiz.align(_LINES_KK, _LINES_RU, presegmented=True).beads
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(8)]
    assert all(b.score >= 0.5 for b in beads)
    merged = egiz.align(
        _LINES_KK, _LINES_RU, presegmented=True, params=AlignParams(split_min_probability=2)
    ).beads
    assert any(len(b.src) == len(b.tgt) == 2 for b in merged)


CONTRACT = Path(__file__).parent / "fixtures" / "contract"
# 100 interface strings (menus, buttons, messages, form labels of a shop and a government portal),
# Kazakh and Russian, written for these tests: one or two words a line, whose e5 cosines say little.
INTERFACE = Path(__file__).parent / "fixtures" / "interface"


def test_evidence_temperature_keeps_calibrated_evidence_and_tempers_overconfident() -> None:
    """A log-likelihood ratio averages exp(evidence) = 1 over unrelated pairs; evidence three
    times too steep is scaled down, to between the exact third and a half (the highest 1% of the
    pairs left out make the estimate err on the side of leaving evidence as it is); evidence
    that sits above 0 for unrelated pairs gets the least temperature; a handful of pairs says
    nothing."""
    from egiz.align.document import NULL_MIN_CELLS, evidence_temperature

    rng = np.random.default_rng(0)
    d = 2.0  # unrelated x ~ N(0, 1), translations N(d, 1): the ratio's log is d x - d^2 / 2
    llr = d * rng.standard_normal(20_000) - d * d / 2
    assert evidence_temperature(llr, 0.1) == 1.0
    t = evidence_temperature(3 * llr, 0.1)
    assert 1 / 3 < t < 0.5, t
    assert evidence_temperature(rng.standard_normal(5_000) + 0.5, 0.25) == 0.25
    assert evidence_temperature(3 * llr[: NULL_MIN_CELLS - 1], 0.1) == 1.0


@pytest.mark.e5
def test_interface_strings_keep_their_order() -> None:
    """One- and two-word lines: e5 rates many unrelated ones as alike as their translations
    ("Құпиясөз" / "Пароль" below "Құпиясөз" / "Удалить"), and the untempered evidence traded two
    weak pairs for a shifted run, a merge and an omission. The document's unrelated pairs show
    its evidence claims too much; tempered, every line keeps its own counterpart, in file order
    and shuffled."""
    import random

    kk = (INTERFACE / "kk.txt").read_text(encoding="utf-8").splitlines()
    ru = (INTERFACE / "ru.txt").read_text(encoding="utf-8").splitlines()
    assert len(kk) == len(ru) == 100
    pairs = list(zip(kk, ru, strict=True))
    random.Random(2).shuffle(pairs)
    diagonal = [((i,), (i,)) for i in range(100)]
    for src, tgt in ((kk, ru), ([p[0] for p in pairs], [p[1] for p in pairs])):
        result = egiz.align(src, tgt, presegmented=True)
        assert [(b.src, b.tgt) for b in result.beads] == diagonal
        untempered = egiz.align(src, tgt, presegmented=True, params=AlignParams(min_temperature=1))
        assert [(b.src, b.tgt) for b in untempered.beads] != diagonal


@pytest.mark.e5
def test_a_contract_is_aligned_clause_by_clause_and_a_changed_sum_is_reported() -> None:
    """Laws and contracts are faithful clause-by-clause translations: from raw text (split by
    egiz), each clause, item and heading is its own 1-1 bead. The same contract with the rent
    changed on the Russian side still aligns, and the report names that number, only it (the
    date cited by name in Kazakh and in digits in Russian is the same date)."""
    from egiz.report import divergences

    kk = (CONTRACT / "kk.txt").read_text(encoding="utf-8")
    ru = (CONTRACT / "ru.txt").read_text(encoding="utf-8")
    result = egiz.align(kk, ru)
    assert [(b.src, b.tgt) for b in result.beads] == [((i,), (i,)) for i in range(12)]
    assert all(b.score >= 0.9 for b in result.beads), [b.score for b in result.beads]
    assert divergences(result).number_mismatches == ()
    changed = ru.replace("150 000 (сто пятьдесят тысяч)", "15 000 (пятнадцать тысяч)")
    result = egiz.align(kk, changed)
    assert [(b.src, b.tgt) for b in result.beads] == [((i,), (i,)) for i in range(12)]
    (mismatch,) = divergences(result).number_mismatches
    assert (mismatch.bead, mismatch.only_src, mismatch.only_tgt) == (7, ("150000",), ("15000",))


def test_signature_names_the_calibration_by_its_content() -> None:
    """A refitted calibration scores the same beads differently: the signature says which."""
    from dataclasses import replace

    from egiz.align.calibration import calibration_for

    cal, own = calibration_for("trigram")
    assert own and len(cal.fingerprint) == 8
    assert replace(cal, prior_aligned=cal.prior_aligned / 2).fingerprint != cal.fingerprint
    result = egiz.align(["Бүгін күн ашық."], ["Сегодня ясно."], encoder="trigram")
    assert f"|cal:{cal.encoder}@{cal.fingerprint}|" in result.signature


@pytest.mark.e5
def test_a_moved_sentence_is_aligned_across_the_beads_it_jumped_over() -> None:
    """The Russian version tells two sentences five and four places later (a quote given at
    another place). In order, an aligner can only leave both sides out; egiz pairs each with
    its own translation, at its source position, and nothing else changes. (Kazakh 13 of this
    FLORES sample is the wrong sentence, no translation of Russian 13: two omissions.)"""
    arts = _flores_articles()
    kk = [s for art in arts[:6] for s in art["kk"]]
    ru = [s for art in arts[:6] for s in art["ru"]]
    order = [j for j in range(len(ru)) if j not in (4, 15)]
    order.insert(order.index(9) + 1, 4)  # Russian 4 told after Russian 9
    order.insert(order.index(19) + 1, 15)  # and Russian 15 after Russian 19
    moved_ru = [ru[j] for j in order]
    result = egiz.align(kk, moved_ru, presegmented=True)
    beads = {(b.src, b.tgt) for b in result.beads}
    expected = {((i,), (order.index(i),)) for i in range(len(kk)) if i != 13}
    assert beads == expected | {((13,), ()), ((), (order.index(13),))}
    moved = [(result.beads[k].src, result.beads[k].tgt) for k in moved_beads(result.beads)]
    assert sorted(moved) == [((4,), (order.index(4),)), ((15,), (order.index(15),))]
    assert all(result.beads[k].score > 0.5 for k in moved_beads(result.beads))
    in_order = egiz.align(kk, moved_ru, presegmented=True, params=AlignParams(pair_moved=False))
    assert {b.src for b in in_order.beads if b.is_omission} >= {(4,), (15,)}
    assert not moved_beads(in_order.beads)

    # the first Russian sentence told after the sixth: in order, the DP joins Kazakh 0 to
    # Kazakh 1's bead; the moved pair takes it out of that merge
    order = [*range(1, 6), 0, *range(6, len(ru))]
    first_moved = [ru[j] for j in order]
    in_order = egiz.align(kk, first_moved, presegmented=True, params=AlignParams(pair_moved=False))
    assert ((0, 1), (0,)) in {(b.src, b.tgt) for b in in_order.beads}
    result = egiz.align(kk, first_moved, presegmented=True)
    beads = {(b.src, b.tgt) for b in result.beads}
    expected = {((i,), (order.index(i),)) for i in range(len(kk)) if i != 13}
    assert beads == expected | {((13,), ()), ((), (order.index(13),))}
    assert [(result.beads[k].src, result.beads[k].tgt) for k in moved_beads(result.beads)] == [
        ((0,), (5,))
    ]


def test_moved_beads_are_the_fewest_that_cross() -> None:
    """Source 2 is told last on the target side: its bead crosses three in order."""
    beads = [Bead((0,), (0,)), Bead((1,), (1,)), Bead((2,), (5,)), Bead((3,), (2,)),
             Bead((), (3,)), Bead((4,), (4,))]  # fmt: skip
    assert moved_beads(beads) == {2}
    check_beads(beads, 5, 6)
    with pytest.raises(ValueError, match="out of order"):
        check_beads(beads, 5, 6, allow_moved=False)
    assert moved_beads([Bead((0,), (0,)), Bead((1,), ()), Bead((2,), (1, 2))]) == set()


@pytest.mark.parametrize(
    ("beads", "n_src", "n_tgt"),
    [
        ([Bead((0,), (0,)), Bead((1,), (2,)), Bead((2,), (2,))], 3, 3),  # target 2 twice, 1 lost
        ([Bead((0,), (0,)), Bead((1,), (3,))], 2, 4),  # targets 1 and 2 in no bead
        ([Bead((1,), (1,)), Bead((0,), (0,))], 2, 2),  # sources out of order
        ([Bead((0,), (1,)), Bead((), (0,)), Bead((1,), (2,)), Bead((), (0,))], 2, 3),  # 0 twice
    ],
)
def test_check_beads_still_refuses_a_lost_or_doubled_sentence(
    beads: list[Bead], n_src: int, n_tgt: int
) -> None:
    with pytest.raises(ValueError):
        check_beads(beads, n_src, n_tgt)
