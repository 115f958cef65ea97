"""The alignment metric: hand-computed values, how deletions count, real gold files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egiz.errors import InputError
from egiz.evaluate import format_scores, read_beads, read_beads_file, score_alignments

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
# The shared data sits next to the repository (<root>/../shared), as in CI. Missing data fails
# the tests that read it, naming the path: they never skip.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def textberg() -> Path:
    folder = SHARED_DATA / "textberg-de-fr"
    assert folder.is_dir(), f"Text+Berg data not found at {folder}"
    return folder


def test_read_beads_forms() -> None:
    text = "[0]:[0]\n[1, 2]:[3]\n\n[]:[4]\n[5]:[]\n[6,7]:[5, 6]:0.873000\n  [8] : [7] : -1.5e-3 \n"
    assert read_beads(text) == [
        ((0,), (0,)),
        ((1, 2), (3,)),
        ((), (4,)),
        ((5,), ()),
        ((6, 7), (5, 6)),
        ((8,), (7,)),
    ]
    assert read_beads(["[0]:[0]\n", "[1]:[1]:0.5\n"]) == [((0,), (0,)), ((1,), (1,))]


@pytest.mark.parametrize(
    "bad", ["[0]-[0]", "[0]:[x]", "[0]:[1]:high", "[,]:[1]", "0:1", "[0]:[1]:0.5:7", "[-1]:[0]"]
)
def test_read_beads_malformed_names_the_line(bad: str) -> None:
    with pytest.raises(InputError, match="line 3"):
        read_beads(f"[0]:[0]\n\n{bad}\n[1]:[1]\n")


def test_read_beads_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.beads"
    path.write_text("[0]:[0]\noops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.beads: line 2"):
        read_beads_file(path)
    with pytest.raises(InputError, match="cannot read"):
        read_beads_file(tmp_path / "missing.beads")


def test_merge_error_by_hand() -> None:
    gold = read_beads_file(FIXTURES / "gold.beads")  # [0]:[0] [1]:[1] [2]:[] [3,4]:[2]
    test = read_beads_file(FIXTURES / "merge.beads")  # [0,1]:[0,1] [2]:[] [3,4]:[2]
    # Precision over the 3 test beads, the deletion [2]:[] included:
    #   [0,1]:[0,1] not in gold (strict wrong) but shares link 0->0 (lax right);
    #   [2]:[] is the very gold deletion; [3,4]:[2] exact.  strict 2/3, lax 3/3.
    # Recall over gold without deletions: [0]:[0] [1]:[1] [3,4]:[2]:
    #   only [3,4]:[2] is exact (strict 1/3); [0]:[0] and [1]:[1] overlap the merge (lax 3/3).
    # F1 strict = 2 * 2/3 * 1/3 / (2/3 + 1/3) = 4/9; F1 lax = 1.
    s = score_alignments([gold], [test])
    assert s["strict"] == pytest.approx({"precision": 2 / 3, "recall": 1 / 3, "f1": 4 / 9})
    assert s["lax"] == pytest.approx({"precision": 1.0, "recall": 1.0, "f1": 1.0})
    assert (s["documents"], s["gold_beads"], s["test_beads"]) == (1, 4, 3)


def test_split_and_spurious_deletion_by_hand() -> None:
    gold = read_beads_file(FIXTURES / "gold.beads")  # [0]:[0] [1]:[1] [2]:[] [3,4]:[2]
    test = read_beads_file(FIXTURES / "split.beads")  # [0]:[0] [1]:[1] [2]:[] [3]:[2] [4]:[]
    # Precision, 5 test beads: [0]:[0] [1]:[1] [2]:[] exact; [3]:[2] shares link 3->2 (lax only);
    #   [4]:[] is a deletion gold does not have: wrong in strict AND lax (a deletion has no link).
    #   strict 3/5, lax 4/5.
    # Recall, gold without deletions = [0]:[0] [1]:[1] [3,4]:[2]; test without deletions =
    #   [0]:[0] [1]:[1] [3]:[2]: strict 2/3, lax 3/3.
    # F1 strict = 2 * 3/5 * 2/3 / (3/5 + 2/3) = 12/19; lax = 2 * 4/5 / (4/5 + 1) = 8/9.
    s = score_alignments([gold], [test])
    assert s["strict"] == pytest.approx({"precision": 3 / 5, "recall": 2 / 3, "f1": 12 / 19})
    assert s["lax"] == pytest.approx({"precision": 4 / 5, "recall": 1.0, "f1": 8 / 9})
    assert s["counts"]["precision_beads"] == 5
    assert s["counts"]["recall_beads"] == 3  # the gold deletion is not in recall's denominator


def test_deletions_count_in_precision_only() -> None:
    gold = [((0,), (0,)), ((1,), (1,))]
    # The aligner gives up on pair 1: a deletion and an insertion instead of [1]:[1].
    test = [((0,), (0,)), ((1,), ()), ((), (1,))]
    s = score_alignments([gold], [test])
    # Precision: 1 right of 3 (both halves of the give-up are wrong, lax too); recall: 1 of 2.
    assert s["strict"]["precision"] == pytest.approx(1 / 3)
    assert s["lax"]["precision"] == pytest.approx(1 / 3)
    assert s["strict"]["recall"] == pytest.approx(1 / 2)
    assert s["lax"]["recall"] == pytest.approx(1 / 2)
    # A correct deletion earns precision but is invisible to recall.
    gold = [((0,), (0,)), ((1,), ())]
    s = score_alignments([gold], [list(gold)])
    assert s["strict"]["precision"] == s["strict"]["recall"] == 1.0
    assert s["counts"]["precision_beads"] == 2 and s["counts"]["recall_beads"] == 1


def test_perfect_alignment_is_one() -> None:
    gold = read_beads_file(FIXTURES / "gold.beads")
    s = score_alignments([gold], [gold])
    for mode in ("strict", "lax"):
        assert s[mode] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_micro_average_differs_from_macro() -> None:
    big = [((i,), (i,)) for i in range(8)]  # 8 beads, all right
    small_gold = [((0,), (0,)), ((1,), (1,))]
    small_test = [((0,), (1,)), ((1,), (0,))]  # both wrong, no shared link either
    s = score_alignments([big, small_gold], [big, small_test])
    # Micro: 8 right of 10 test beads and 8 of 10 gold beads -> 0.8.  Macro would be (1 + 0) / 2.
    assert s["strict"] == pytest.approx({"precision": 0.8, "recall": 0.8, "f1": 0.8})
    macro = (
        score_alignments([big], [big])["strict"]["f1"]
        + score_alignments([small_gold], [small_test])["strict"]["f1"]
    ) / 2
    assert macro == pytest.approx(0.5)
    assert s["documents"] == 2


def test_edge_cases() -> None:
    gold = [((0,), (0,))]
    assert score_alignments([gold], [[]])["strict"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    # Duplicates count once, as with Vecalign's sets.
    assert score_alignments([gold], [gold * 3])["strict"]["precision"] == 1.0
    with pytest.raises(InputError, match="2 gold documents but 1 test"):
        score_alignments([gold, gold], [gold])


def _links(bead: tuple[tuple[int, ...], tuple[int, ...]]) -> set[tuple[int, int]]:
    return {(i, j) for i in bead[0] for j in bead[1]}


def _reference(gold: list, test: list) -> dict[str, float]:
    """The metric restated with link sets, independently of the implementation."""
    g, t = set(gold), set(test)
    gold_links = set().union(set(), *map(_links, g))
    gn = {b for b in g if b[0] and b[1]}
    tn = {b for b in t if b[0] and b[1]}
    test_links = set().union(set(), *map(_links, tn))

    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    return {
        "ps": ratio(sum(b in g for b in t), len(t)),
        "pl": ratio(sum(b in g or bool(_links(b) & gold_links) for b in t), len(t)),
        "rs": ratio(sum(b in tn for b in gn), len(gn)),
        "rl": ratio(sum(b in tn or bool(_links(b) & test_links) for b in gn), len(gn)),
    }


def _random_beads(draw: st.DrawFn) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    beads = []
    i = j = 0
    for _ in range(draw(st.integers(1, 8))):
        n, m = draw(st.sampled_from([(1, 1), (1, 1), (2, 1), (1, 2), (1, 0), (0, 1), (2, 2)]))
        beads.append((tuple(range(i, i + n)), tuple(range(j, j + m))))
        i, j = i + n, j + m
    return beads


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_agrees_with_link_set_restatement(data: st.DataObject) -> None:
    gold = data.draw(st.composite(_random_beads)())
    test = data.draw(st.composite(_random_beads)())
    s = score_alignments([gold], [test])
    ref = _reference(gold, test)
    assert s["strict"]["precision"] == pytest.approx(ref["ps"])
    assert s["lax"]["precision"] == pytest.approx(ref["pl"])
    assert s["strict"]["recall"] == pytest.approx(ref["rs"])
    assert s["lax"]["recall"] == pytest.approx(ref["rl"])


def test_textberg_gold_against_itself(textberg: Path) -> None:
    docs = [read_beads_file(textberg / f"test{k}.defr") for k in range(7)]
    s = score_alignments(docs, docs)
    assert s["strict"]["f1"] == 1.0 and s["lax"]["f1"] == 1.0
    assert (s["documents"], s["gold_beads"]) == (7, 916)


def test_textberg_shifted_by_one(textberg: Path) -> None:
    gold = read_beads_file(textberg / "test0.defr")
    assert len(gold) == 128
    shifted = [(src, tuple(j + 1 for j in tgt)) for src, tgt in gold]
    s = score_alignments([gold], [shifted])
    # test0 has 1 deletion [i]:[] and 17 insertions []:[k]. Shifting every target index by one
    # leaves the deletion intact and turns []:[k] into []:[k+1], still gold for the 15
    # insertions followed by another insertion: 16 of 128 beads stay exact. No bead with both
    # sides survives, so strict recall is 0. Lax: a bead keeps a link iff its gold target run has
    # 2+ sentences, so k+1 is still in it: 19 beads (the 20th such gold bead, [51]:[50, 55], is
    # not a consecutive run). Precision 16 + 19 = 35 of 128; recall 19 of the 110 gold beads
    # without an empty side.
    assert s["strict"] == pytest.approx({"precision": 16 / 128, "recall": 0.0, "f1": 0.0})
    p, r = 35 / 128, 19 / 110
    assert s["lax"] == pytest.approx({"precision": p, "recall": r, "f1": 2 * p * r / (p + r)})
    ref = _reference(gold, shifted)
    assert (ref["ps"], ref["pl"], ref["rs"], ref["rl"]) == pytest.approx((16 / 128, p, 0.0, r))


def test_format_scores() -> None:
    gold = read_beads_file(FIXTURES / "gold.beads")
    s = score_alignments([gold], [read_beads_file(FIXTURES / "merge.beads")])
    text = format_scores(s, "text", signature="egiz 0.1.0 e5")
    lines = text.splitlines()
    assert lines[0].split() == ["strict", "lax"]
    assert lines[1].split() == ["precision", "0.667", "1.000"]
    assert lines[2].split() == ["recall", "0.333", "1.000"]
    assert lines[3].split() == ["f1", "0.444", "1.000"]
    assert "egiz 0.1.0 e5" in text
    obj = json.loads(format_scores(s, "json", signature="sig"))
    assert obj["signature"] == "sig"
    assert obj["strict"]["f1"] == pytest.approx(4 / 9)
    assert obj["documents"] == 1
    with pytest.raises(ValueError):
        format_scores(s, "xml")
