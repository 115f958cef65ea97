"""Every export format on a small kk-ru alignment with a merge, omissions and awkward characters."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from egiz.alignment import Alignment, Bead, Sentence
from egiz.evaluate import read_beads
from egiz.export import FORMATS, moses_paths, write_alignment, write_moses

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

KK = [
    "Соңғы бес жылда Мәскеу облысының Қазақстанмен тауар айналымы 1,8 есеге артқан.",
    "Марат Сұлтанғазиев өз сөзінде\tекі өңірдің даму бағыты мен экономикалық құрылымындағы "
    "ұқсастықтарды атап өтті.",
    "Сондай-ақ, Алматы облысының әкімі ресейлік әріптесін шақырды.",
    "Қазақстанмен 177 экспорттық келісімшарт <жасап> & «жеткізе» бастады.\x1f",
]
RU = [
    "За последние пять лет объём товарооборота вырос более чем в 1,8 раза.",
    "«Наши области похожи», – сказал Султангазиев.",
    "Он пригласил губернатора\nв регион с ответным визитом.",
    "В Подмосковье создана самая развитая индустриальная инфраструктура.",
    "Заключили 177 экспортных контрактов & вышли на рынок Казахстана.\x01",
]


@pytest.fixture
def alignment() -> Alignment:
    beads = [
        Bead((0,), (0,), 0.91),
        Bead((1,), (1, 2), 0.734),  # 1-2
        Bead((), (3,), 0.0),  # ru sentence with no kk counterpart
        Bead((2,), (), 0.0),  # kk sentence with no ru counterpart
        Bead((3,), (4,), 0.42),
    ]
    return Alignment([Sentence(t) for t in KK], [Sentence(t) for t in RU], beads)


def _write(alignment: Alignment, fmt: str, **kw: float) -> str:
    out = io.StringIO()
    write_alignment(alignment, fmt, out, **kw)
    return out.getvalue()


def test_formats_constant() -> None:
    assert FORMATS == ("beads", "tsv", "jsonl", "tmx", "moses")


def test_beads_is_vecalign_format_and_keeps_everything(alignment: Alignment) -> None:
    text = _write(alignment, "beads")
    assert text.splitlines() == [
        "[0]:[0]:0.910000",
        "[1]:[1, 2]:0.734000",
        "[]:[3]:0.000000",
        "[2]:[]:0.000000",
        "[3]:[4]:0.420000",
    ]
    # What we write, our scorer (and Vecalign's) reads back.
    assert read_beads(text) == [(b.src, b.tgt) for b in alignment.beads]


def test_tsv(alignment: Alignment) -> None:
    lines = _write(alignment, "tsv").splitlines()
    assert lines[0].split("\t") == ["src_ids", "tgt_ids", "kind", "score", "src_text", "tgt_text"]
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == 5 and all(len(row) == 6 for row in rows)
    assert rows[1][:4] == ["1", "1,2", "1-2", "0.734000"]
    assert rows[1][4] == KK[1].replace("\t", " ")  # a tab inside text would add a column
    assert rows[1][5] == RU[1] + " " + RU[2].replace("\n", " ")
    assert rows[2][:3] == ["", "3", "0-1"] and rows[2][4] == ""
    assert rows[3][:3] == ["2", "", "1-0"] and rows[3][4] == KK[2]


def test_jsonl(alignment: Alignment) -> None:
    text = _write(alignment, "jsonl")
    assert "Сұлтанғазиев" in text  # ensure_ascii=False
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) == 5
    assert records[1] == {
        "src_ids": [1],
        "tgt_ids": [1, 2],
        "kind": "1-2",
        "score": 0.734,
        "src_text": KK[1],
        "tgt_text": RU[1] + " " + RU[2],
        "src_lang": "kk",
        "tgt_lang": "ru",
    }
    assert (records[2]["src_ids"], records[2]["tgt_ids"], records[2]["src_text"]) == ([], [3], "")


def test_tmx_is_valid_and_holds_aligned_beads(alignment: Alignment) -> None:
    text = _write(alignment, "tmx")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))  # raises on invalid XML (\x1f, \x01, &, <)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    for key, value in {
        "creationtool": "egiz",
        "segtype": "sentence",
        "o-tmf": "egiz",
        "adminlang": "en",
        "srclang": "kk",
        "datatype": "plaintext",
    }.items():
        assert header.get(key) == value
    assert header.get("creationtoolversion")
    tus = root.findall("body/tu")
    assert len(tus) == 3  # omissions have no place in TMX
    segs = [{tuv.get(XML_LANG): tuv.findtext("seg") for tuv in tu.findall("tuv")} for tu in tus]
    assert segs[0] == {"kk": KK[0], "ru": RU[0]}
    # Line breaks and tabs become spaces, as in every other format: one segment, one line.
    assert segs[1] == {"kk": KK[1].replace("\t", " "), "ru": RU[1] + " " + RU[2].replace("\n", " ")}
    assert segs[2] == {"kk": KK[3].rstrip("\x1f"), "ru": RU[4].rstrip("\x01")}
    props = {p.get("type"): p.text for p in tus[1].findall("prop")}
    assert props["x-egiz-score"] == "0.734000"
    assert (props["x-egiz-src-ids"], props["x-egiz-tgt-ids"]) == ("1", "1,2")


def test_min_score_never_drops_omissions_where_they_can_be_written(alignment: Alignment) -> None:
    kept = _write(alignment, "beads", min_score=0.5).splitlines()
    # [3]:[4] (0.42) goes; both omissions (score 0.0) stay.
    assert kept == ["[0]:[0]:0.910000", "[1]:[1, 2]:0.734000", "[]:[3]:0.000000", "[2]:[]:0.000000"]
    assert len(_write(alignment, "tsv", min_score=0.5).splitlines()) == 1 + 4
    assert len(_write(alignment, "jsonl", min_score=0.5).splitlines()) == 4
    root = ET.fromstring(_write(alignment, "tmx", min_score=0.8))
    assert len(root.findall("body/tu")) == 1
    # The threshold is inclusive.
    assert len(ET.fromstring(_write(alignment, "tmx", min_score=0.42)).findall("body/tu")) == 3


def test_moses(alignment: Alignment, tmp_path: Path) -> None:
    src, tgt = moses_paths(tmp_path / "corpus", alignment.src_lang, alignment.tgt_lang)
    assert (src.name, tgt.name) == ("corpus.kk", "corpus.ru")
    assert write_moses(alignment, src, tgt) == 3
    kk = src.read_text(encoding="utf-8").split("\n")
    ru = tgt.read_text(encoding="utf-8").split("\n")
    assert kk[-1] == ru[-1] == "" and len(kk) == len(ru) == 4  # line-parallel, final newline
    assert kk[1] == KK[1].replace("\t", " ")
    assert ru[1] == RU[1] + " " + RU[2].replace("\n", " ")  # one bead, one line
    assert write_moses(alignment, src, tgt, min_score=0.8) == 1
    assert src.read_text(encoding="utf-8") == KK[0] + "\n"


def test_moses_paths_keep_the_folder(tmp_path: Path) -> None:
    src, tgt = moses_paths(tmp_path / "out" / "train.clean", "kk", "ru")
    assert src == tmp_path / "out" / "train.clean.kk"
    assert tgt == tmp_path / "out" / "train.clean.ru"


def test_language_codes_come_from_the_alignment() -> None:
    a = Alignment([Sentence("Сәлем")], [Sentence("Привет")], [Bead((0,), (0,), 1.0)], "ru", "kk")
    root = ET.fromstring(_write(a, "tmx"))
    assert root.find("header").get("srclang") == "ru"  # type: ignore[union-attr]
    tuvs = root.findall("body/tu/tuv")
    assert [t.get(XML_LANG) for t in tuvs] == ["ru", "kk"]
    assert json.loads(_write(a, "jsonl"))["src_lang"] == "ru"


def test_unknown_format(alignment: Alignment) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        _write(alignment, "csv")
    with pytest.raises(ValueError, match="write_moses"):
        _write(alignment, "moses")
