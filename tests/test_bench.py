"""The benchmark's own helpers (bench/): fast, no e5, no peers."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datasets as ds  # noqa: E402
from bench.bench_align import TestSet as BenchSet  # noqa: E402
from bench.bench_align import score_set  # noqa: E402
from bench.peers import overlap_inputs  # noqa: E402


def test_overlap_inputs_follow_bertalign_layout() -> None:
    """Layer k at position p is the k sentences ending at p (normalised sum); the first k-1
    positions are padding, as Bertalign's Encoder.transform lays them out."""
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((5, 8)).astype(np.float32)
    texts = ["a", "bb", "ccc", "dddd", "eeeee"]
    out, lens = overlap_inputs(vecs, texts, 3)
    assert out.shape == (3, 5, 8) and lens.shape == (3, 5)
    want = vecs[2] + vecs[3] + vecs[4]
    np.testing.assert_allclose(out[2, 4], want / np.linalg.norm(want), rtol=1e-5)
    assert lens[2, 4] == len("ccc dddd eeeee")
    assert lens[1, 0] == lens[2, 1] == 3  # "PAD"
    assert list(lens[0]) == [1, 2, 3, 4, 5]


def test_unrelated_cells_count_kept_beads_at_the_min_score() -> None:
    double = ds.Doc("tatoeba-2x2-test-0", ["a", "b"], ["c", "d"], [0, 0], [0, 0], [], "kk", "ru")
    single = ds.Doc("tatoeba-1x1-test-0", ["a"], ["c"], [0], [0], [], "kk", "ru")
    ts = BenchSet("unrelated", "unrelated", [double, double, single], "unrelated", peers=False)
    out = [
        [((0,), (0,), 0.9), ((1,), (1,), 0.2)],  # one bead kept
        [((0,), (), 0.99), ((1,), (), 0.99), ((), (0,), 0.9), ((), (1,), 0.9)],  # omissions only
        [((0,), (0,), 0.6)],  # kept
    ]
    cell = score_set(ts, out)
    assert cell.kept == 2 and cell.docs_kept == pytest.approx(2 / 3) and cell.single_kept == 1.0
    assert "tatoeba-1x1 1/1, tatoeba-2x2 1/2" in cell.text
    no_scores = score_set(ts, [[((0,), (0,), None)], [], []])  # a system without scores keeps all
    assert no_scores.kept == 1 and no_scores.single_kept == 0.0


@pytest.mark.skipif(not (ds.DATA / "bible-en-zh").exists(), reason="no ../shared/data")
def test_bible_head_cuts_at_a_chapter_no_gold_bead_crosses() -> None:
    full = ds.bible("test")[0]
    head = ds.bible_head(full, 1000)
    assert 800 < len(head.src) < 1200 and 0 < len(head.tgt) < len(full.tgt)
    assert head.src_verse is not None and head.tgt_verse is not None
    assert head.src_verse[-1].rsplit(":", 1)[0] != full.src_verse[len(head.src)].rsplit(":", 1)[0]  # type: ignore[index]
    covered_s = sorted(i for s, _ in head.gold for i in s)
    assert covered_s and max(covered_s) < len(head.src)
    assert max(j for _, t in head.gold for j in t) < len(head.tgt)
    assert head.gold == full.gold[: len(head.gold)]  # the same beads, in order


@pytest.mark.skipif(not (ds.DATA / "flores200-devtest").exists(), reason="no ../shared/data")
def test_long_comparable_documents_hold_every_article_of_the_pool_once() -> None:
    """One document per seed with the whole pool in it: all but the dropped twentieth of the
    Russian text (Russian sentences are dropped, or joined, never repeated), most Kazakh
    paragraphs, and gold covering every sentence of both sides."""
    articles = ds.flores_articles("test")
    docs = ds.flores_comparable_long("test", seeds=(0, 1))
    assert [d.name for d in docs] == ["flores-cmp-long-test-0", "flores-cmp-long-test-1"]
    ru = [s for a in articles for s in a["ru"]]
    for doc in docs:
        assert len(set(doc.src_par)) >= len(articles) * 0.6  # a quarter of kk paragraphs dropped
        covered_s = sorted(i for s, _ in doc.gold for i in s)
        covered_t = sorted(j for _, t in doc.gold for j in t)
        assert covered_s == list(range(len(doc.src))) and covered_t == list(range(len(doc.tgt)))
        assert len(doc.tgt) <= len(ru) and sum(len(t) for t in doc.tgt) >= 0.9 * sum(map(len, ru))
    assert docs[0].src != docs[1].src  # the damage differs by seed


@pytest.mark.skipif(not (ds.DATA / "flores200-devtest").exists(), reason="no ../shared/data")
def test_flores_articles_leave_out_the_kazakh_lines_that_are_not_translations() -> None:
    """kaz_Cyrl.devtest line 450 is an English sentence (of another article) and line 602 a
    Kazakh one of another article: no document pairs them with their Russian lines, and every
    article stays parallel in all three languages."""
    folder = ds.DATA / "flores200-devtest"
    kk = (folder / "kaz_Cyrl.devtest").read_text(encoding="utf-8").splitlines()
    en = (folder / "eng_Latn.devtest").read_text(encoding="utf-8").splitlines()
    assert kk[449].startswith("Back in May, a signal") and en[449].startswith("He arrived")
    articles = ds.flores_articles()
    kept = [i for a in articles for i in a["line_ids"]]
    assert len(kept) == len(kk) - 2 and not ds.KK_NOT_TRANSLATED & set(kept)
    for a in articles:
        assert len(a["kk"]) == len(a["ru"]) == len(a["en"]) == len(a["line_ids"]) >= 1
        assert a["kk"] == [kk[i] for i in a["line_ids"]]
    sources = {s for d in ds.flores_translations("test") for s in d.src}
    assert kk[449] not in sources and kk[601] not in sources


def test_crossing_gold_counts_a_moved_sentence_and_the_recall_ceiling() -> None:
    """Source 3 is translated by target 0 (moved to the front): it crosses the three in-order
    links, and an alignment in order keeps those three and the omission, not the moved link."""
    from bench.crossing_gold import crossing, largest_in_order, reachable

    gold = [((0,), (1,)), ((1,), (2,)), ((2,), (3, 4)), ((3,), (0,)), ((4,), ())]
    doc = ds.Doc("moved", ["s"] * 5, ["t"] * 5, [0] * 5, [0] * 5, gold, "de", "fr")
    spans = [(min(s), max(s), min(t), max(t)) for s, t in gold if s and t]
    assert crossing(spans) == 4  # the moved bead and each of the three it crosses
    assert largest_in_order(spans) == 3
    assert reachable([doc]) == (5, 4, 4)
    in_order = [((0,), (0,)), ((1, 2), (1,)), ((), (2,))]
    assert crossing([(0, 0, 0, 0), (1, 2, 1, 1)]) == 0
    assert reachable(
        [ds.Doc("plain", ["s"] * 3, ["t"] * 3, [0] * 3, [0] * 3, in_order, "de", "fr")]
    ) == (3, 0, 3)


def test_gold_shapes_counts_who_finds_each_gold_bead() -> None:
    """egiz cuts the gold 2-1 bead into 1-1 + 1-0 (two wrong beads); the peer finds it but
    merges the gold 1-1 and 0-1 into one wrong 1-2 bead."""
    from bench.gold_shapes import shape_table, wrong_beads

    gold = [[((0,), (0,)), ((1, 2), (1,)), ((), (2,))]]
    ours = [[((0,), (0,)), ((1,), (1,)), ((2,), ()), ((), (2,))]]
    peer = [[((0,), (0, 2)), ((1, 2), (1,))]]
    table = shape_table(gold, ours, peer)
    assert table["1-1"] == {"egiz": 1}
    assert table["2-1"] == {"peer": 1}
    assert table["0-1"] == {"egiz": 1}
    assert wrong_beads(gold, ours) == (4, 2)
    assert wrong_beads(gold, peer) == (2, 1)
