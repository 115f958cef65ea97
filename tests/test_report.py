"""egiz.report: divergences of an alignment and its renderers."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

import egiz
from egiz.alignment import Alignment, Bead, Sentence
from egiz.report import (
    Report,
    divergences,
    name_mismatch,
    number_mismatch,
    render_html,
    render_json,
    render_rich,
    render_text,
)
from egiz.text import split_sentences

# The beads e5 finds on the seed article (egiz align ... -f tsv), fixed here so the test does not
# depend on an encoder.
_SEED_BEADS = (
    ((), (0,), 0.0),
    ((), (1,), 0.0),
    ((0,), (2,), 0.97),
    ((1,), (3,), 0.96),
    ((2,), (4,), 0.41),
    ((3,), (5, 6), 0.72),
    ((), (7,), 0.0),
    ((4, 5), (8, 9, 10, 11), 0.69),
    ((), (12,), 0.0),
    ((), (13,), 0.0),
    ((6,), (14, 15), 0.97),
    ((7,), (16,), 0.98),
    ((8,), (), 0.0),
    ((9,), (17,), 0.93),
    ((10,), (18,), 0.97),
    ((), (19,), 0.0),
    ((11, 12), (20, 21), 0.81),
    ((13,), (22,), 0.84),
    ((14,), (23,), 0.96),
    ((15,), (24,), 0.98),
    ((16,), (25,), 0.99),
)


@pytest.fixture(scope="module")
def seed_alignment(seeds: tuple[Path, Path]) -> Alignment:
    kk_path, ru_path = seeds
    kk = split_sentences(kk_path.read_text(encoding="utf-8"), "kk")
    ru = split_sentences(ru_path.read_text(encoding="utf-8"), "ru")
    assert (len(kk), len(ru)) == (17, 26)
    beads = [Bead(s, t, score) for s, t, score in _SEED_BEADS]
    return Alignment(kk, ru, beads, signature="hand-built")


def _pair(kk: str, ru: str, score: float = 0.95) -> Alignment:
    return Alignment([Sentence(kk)], [Sentence(ru)], [Bead((0,), (0,), score)])


def test_seed_only_russian_title_and_sez_paragraph(seed_alignment: Alignment) -> None:
    report = divergences(seed_alignment)
    blocks = {b.sentences: b for b in report.only_tgt}
    title = blocks[(0,)]
    assert title.whole_paragraph and title.texts[0].startswith("Подмосковье будет развивать")
    sez = blocks[(12, 13)]
    assert sez.whole_paragraph and sez.paragraph == 3
    assert "72 индустриальных парка и 19 технопарков" in sez.texts[1]
    assert not blocks[(1,)].whole_paragraph  # the rest of its paragraph is aligned
    assert not blocks[(7,)].whole_paragraph
    assert [b.sentences for b in report.only_src] == [(8,)]
    assert all(b.side == "tgt" for b in report.only_tgt)


def test_seed_names_on_one_side_only(seed_alignment: Alignment) -> None:
    report = divergences(seed_alignment)
    assert report.number_mismatches == ()
    # checked by hand: each of these beads names a person or place the other side does not
    # ("деді ол" / "сказал Воробьёв"; "двух областей" for "Алматы және Мәскеу")
    assert [(m.bead, m.only_src, m.only_tgt) for m in report.name_mismatches] == [
        (2, ("Мәскеу",), ()),
        (4, ("Воробьёв",), ()),
        (7, (), ("Воробьёв",)),
        (13, ("Алматыны",), ()),
        (16, (), ("Султангазиев",)),
    ]
    assert [p.bead for p in report.paraphrases] == [4]  # score 0.41, below the default 0.5
    assert divergences(seed_alignment, paraphrase_below=0.4).paraphrases == ()


def test_seed_end_to_end_with_trigram_encoder(seeds: tuple[Path, Path]) -> None:
    kk, ru = (p.read_text(encoding="utf-8") for p in seeds)
    report = divergences(egiz.align(kk, ru, encoder="trigram"))
    assert 0 < report.coverage_src <= 1 and 0 < report.coverage_tgt <= 1
    assert report.number_mismatches == ()


def test_number_mismatch_flagged() -> None:
    alignment = _pair("Өңірде 72 индустриялық парк бар.", "В регионе 27 индустриальных парков.")
    (m,) = divergences(alignment).number_mismatches
    assert (m.only_src, m.only_tgt) == (("72",), ("27",))
    assert m.bead == 0


@pytest.mark.parametrize(
    ("kk", "ru"),
    [
        ("Бұл жоба өндірісті небәрі үш айда іске қосады.", "Производство запустят за три месяца."),
        ("Өндіріс 3 айда іске қосылады.", "Производство запустят за три месяца."),
        ("Тауар айналымы 1,8 есеге артқан.", "Товарооборот вырос более чем в 1,8 раза."),
        ("Бұл бір жақсы жоба.", "Это хороший проект."),  # kk article `бір`: never reported
        ("Соңғы бес жылда 177 келісімшарт.", "За пять лет 177 контрактов."),
        # laws cite a date by name in Kazakh and in digits in Russian: the same date
        ("ҚР 2023 жылғы 15 наурыздағы № 123 Заңы", "Закон РК от 15.03.2023 г. № 123"),
        ("Шарт 2024 жылғы 5 қаңтарда жасалды.", "Договор заключён 05.01.2024."),
        ("Кездесу сағат 10:00-де басталады.", "Встреча начнётся в 10.00."),
    ],
)
def test_numbers_that_agree_are_not_flagged(kk: str, ru: str) -> None:
    assert number_mismatch(kk, ru) == ((), ())


def test_a_different_date_in_digits_is_flagged() -> None:
    """Only the same date excuses its digits: the 16th of March is not the 15th."""
    only_kk, only_ru = number_mismatch(
        "ҚР 2023 жылғы 15 наурыздағы № 123 Заңы", "Закон РК от 16.03.2023 г. № 123"
    )
    assert (only_kk, only_ru) == (("15",), ("3", "16"))
    assert number_mismatch("Кездесу сағат 10:30-да.", "Встреча в 11.30.") == (("10.3",), ("11.3",))


def test_name_mismatch() -> None:
    only_kk, only_ru = name_mismatch("Бүгін Марат Сұлтанғазиев келді.", "Сегодня он приехал.")
    assert (only_kk, only_ru) == (("Марат", "Сұлтанғазиев"), ())
    assert name_mismatch("Сегодня он приехал.", "Бүгін Марат Сұлтанғазиев келді.", "ru", "kk") == (
        (),
        ("Марат", "Сұлтанғазиев"),
    )
    # transliteration, case endings and translated place names are excused
    assert name_mismatch("Сұлтанғазиевтің сөзі.", "Слова Султангазиева.") == ((), ())
    assert name_mismatch("Делегация Мәскеуге келді.", "Делегация приехала в Москву.") == ((), ())
    assert name_mismatch("Біз Үндістанда болдық.", "Мы были в Индии.") == ((), ())
    # sentence and quotation starts, headings, title words and abbreviations are not names
    assert name_mismatch("Бүгін «Үздік фильм» аталды.", "Сегодня назван лучший фильм.") == ((), ())
    assert name_mismatch("ҚАЗАҚСТАН ЖАҢАЛЫҚТАРЫ", "НОВОСТИ") == ((), ())
    assert name_mismatch("Оны Үкімет пен АҚШ қолдады.", "Это поддержали власти.") == ((), ())
    # a name and an unmatched capitalised word on the other side: a translation, not reported
    assert name_mismatch("Онда Рим туралы.", "Там о Пизе.") == ((), ())


def test_coverage_by_hand() -> None:
    src = [Sentence("aaaa", 0), Sentence("bb", 0), Sentence("cccc", 1)]  # 10 characters
    tgt = [Sentence("xxx", 0), Sentence("yyyyyyy", 1)]  # 10 characters
    beads = [Bead((0,), (0,), 0.97), Bead((1,), (), 0.0), Bead((2,), (1,), 0.45)]
    report = divergences(Alignment(src, tgt, beads))
    assert report.coverage_src == pytest.approx(0.8)
    assert report.coverage_tgt == pytest.approx(1.0)
    (block,) = report.only_src
    assert (block.sentences, block.texts, block.paragraph) == ((1,), ("bb",), 0)
    assert not block.whole_paragraph
    assert report.only_tgt == ()
    assert [p.bead for p in report.paraphrases] == [2]


def test_a_moved_passage_is_aligned_and_noted_not_reported_missing() -> None:
    """The Russian version tells Kazakh 1 last: its bead crosses the two in between. Nothing is
    only in one version, and the bead is listed (and noted in the text report) as moved."""
    src = [Sentence(t) for t in ("Бірінші.", "Екінші.", "Үшінші.", "Төртінші.")]
    tgt = [Sentence(t) for t in ("Первое.", "Третье.", "Четвёртое.", "Второе.")]
    beads = [Bead((0,), (0,), 0.99), Bead((1,), (3,), 0.98), Bead((2,), (1,), 0.99),
             Bead((3,), (2,), 0.99)]  # fmt: skip
    alignment = Alignment(src, tgt, beads)
    report = divergences(alignment)
    assert report.only_src == report.only_tgt == ()
    assert report.coverage_src == report.coverage_tgt == 1.0
    assert [(m.bead, m.src, m.tgt) for m in report.moved] == [(1, (1,), (3,))]
    assert "moved: told at another place in ru" in render_text(report, alignment)
    assert json.loads(render_json(report))["moved"][0]["tgt"] == [3]


def test_blocks_split_at_paragraphs() -> None:
    src = [Sentence("a", 0)]
    tgt = [Sentence("x", 0), Sentence("y", 1), Sentence("z", 1), Sentence("w", 2)]
    beads = [Bead((), (0,)), Bead((), (1,)), Bead((), (2,)), Bead((0,), (3,), 1.1)]
    report = divergences(Alignment(src, tgt, beads))
    assert [(b.sentences, b.whole_paragraph) for b in report.only_tgt] == [
        ((0,), True),
        ((1, 2), True),
    ]


def test_empty_side() -> None:
    report = divergences(Alignment([], [Sentence("x")], [Bead((), (0,))]))
    assert report.coverage_src == 1.0 and report.coverage_tgt == 0.0


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_self_contained_and_escaped(seed_alignment: Alignment) -> None:
    page = render_html(divergences(seed_alignment), seed_alignment)
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert "script" not in parser.tags and "link" not in parser.tags
    assert ("name", "viewport") in parser.attrs
    assert "http" not in page  # no network assets at all
    assert "@media" in page
    for cls in ("only-tgt", "only-src", "name", "aligned"):
        assert f'class="bead {cls}' in page
    text = "".join(parser.text)
    assert "72 индустриальных парка" in text and "94.5%" in text

    evil = _pair("<script>alert(1)</script> 72", "<b>27</b> & co")
    page = render_html(divergences(evil), evil)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; co" in page
    assert 'class="bead number' in page


def test_json_round_trips(seed_alignment: Alignment) -> None:
    report = divergences(_pair("72 парк", "27 парков"))
    data = json.loads(render_json(report))
    assert data == report.to_dict()
    assert data["number_mismatches"][0]["only_src"] == ["72"]
    seed = divergences(seed_alignment)
    assert json.loads(render_json(seed)) == seed.to_dict()
    assert json.loads(render_json(seed))["only_tgt"][0]["whole_paragraph"] is True


def test_render_text_and_rich(
    seed_alignment: Alignment, capsys: pytest.CaptureFixture[str]
) -> None:
    report: Report = divergences(seed_alignment)
    wide = render_text(report, seed_alignment, console_width=140)
    assert "coverage kk: 94.5%" in wide and "(whole paragraph)" in wide and " | " in wide
    narrow = render_text(report, seed_alignment, console_width=60)
    assert "ru: В регионе – шесть особых" in narrow
    render_rich(report, seed_alignment)
    assert "only ru" in capsys.readouterr().out


# ---------------------------------------------------------------- a whole store: egiz diff --store


@pytest.fixture(scope="module")
def two_pair_store(tmp_path_factory: pytest.TempPathFactory, seeds: tuple[Path, Path]) -> Path:
    """The seeds, and a short release whose Russian version says 27 where the Kazakh says 72."""
    from egiz.review import load_files

    folder = tmp_path_factory.mktemp("diff-store")
    kk, ru = folder / "parks.kk.txt", folder / "parks.ru.txt"
    kk.write_text(
        "Облыста 72 индустриялық парк жұмыс істейді.\n\nОлардың бәрі жаңа.", encoding="utf-8"
    )
    ru.write_text(
        "В области работают 27 индустриальных парков.\n\nВсе они новые.", encoding="utf-8"
    )
    store = folder / "corpus.db"
    load_files(*seeds, store, encoder="trigram")
    load_files(kk, ru, store, encoder="trigram")
    return store


def test_store_summary_worst_pair_first(two_pair_store: Path) -> None:
    from egiz.report.corpus import render_store_html, render_store_text, store_divergences

    pairs, src, tgt = store_divergences(two_pair_store)
    assert [p.src_id for p in pairs] == ["000_37031449b1220f57.txt", "parks.kk.txt"]
    seeds, parks = pairs
    assert seeds.worst_coverage < parks.worst_coverage
    assert seeds.only_tgt >= 4 and seeds.only_tgt_paragraphs >= 1  # the Russian-only parts
    assert parks.number_mismatches == 1  # 72 vs 27
    text = render_store_text(pairs, src, tgt)
    assert text.index("000_37031449b1220f57.txt") < text.index("parks.kk.txt")
    assert "number mismatches 1" in text
    page = render_store_html(pairs, src, tgt)
    assert "parks.ru.txt" in page and "http" not in page


def test_diff_store_cli(two_pair_store: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from egiz.cli import app

    out = tmp_path / "diff.json"
    result = CliRunner().invoke(app, ["diff", "--store", str(two_pair_store), "-f", "json",
                                      "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [p["pair"] for p in data["pairs"]] == [1, 2]
    assert data["pairs"][1]["number_mismatches"] == 1


@pytest.mark.parametrize(
    "args", [["diff"], ["diff", "a.txt", "b.txt", "--store", "x.db"], ["diff", "--store", "no.db"]]
)
def test_diff_bad_arguments_are_one_line_errors(args: list[str], tmp_path: Path) -> None:
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-m", "egiz.cli", *args], capture_output=True, text=True,
        cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "egiz: error:" in res.stderr
