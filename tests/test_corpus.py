"""Corpus mining end to end: the store, `mine()` on a small FLORES-200 crawl (trigram encoder,
stand-in pairing), every export format, re-runs, kill-and-resume, a process pool, and store
errors (read-only, disk full)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from egiz.corpus import CORPUS_FORMATS, BeadRecord, FilterParams, Store, export_corpus, mine
from egiz.corpus.filters import (
    dates_agree,
    find_boilerplate,
    is_junk,
    site_of,
    strip_boilerplate,
)
from egiz.corpus.mine import digits_agreement, filter_reason
from egiz.document import Document
from egiz.errors import EgizError

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
ROOT = Path(__file__).resolve().parents[1]


def _load_crawl() -> Any:
    spec = importlib.util.spec_from_file_location("corpus_crawl", FIXTURES / "crawl.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


crawl = _load_crawl()
N_PAIRS = len(crawl.load()["pairs"])


def _mine(sources: list[Path], store: Path, **kw: Any) -> Any:
    kw.setdefault("encoder", "trigram")
    kw.setdefault("pair_fn", crawl.pair_by_stem)
    kw.setdefault("progress", False)
    return mine(sources, store, **kw)


@pytest.fixture(scope="module")
def mined(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    """(crawl root, store, summary) of one uninterrupted run: the reference corpus."""
    base = tmp_path_factory.mktemp("mined")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EGIZ_CACHE_DIR", str(base / "cache"))
        sources = crawl.build_crawl(base / "crawl")
        summary = _mine(sources, base / "corpus.db")
    return base / "crawl", base / "corpus.db", summary


def _copy_store(store: Path, to: Path) -> Path:
    """A copy of a closed store (its WAL was checkpointed into the main file on close)."""
    dest = to / store.name
    shutil.copy(store, dest)
    return dest


# --------------------------------------------------------------------------- the store


def _bead(idx: int, src: str, tgt: str, score: float = 1.5, **kw: Any) -> BeadRecord:
    fields: dict[str, Any] = dict(
        idx=idx, src_ids=(idx,), tgt_ids=(idx,), score=score, src_text=src, tgt_text=tgt,
        len_ratio=len(src) / max(1, len(tgt)), numbers=None, src_detected="kk",
        tgt_detected="ru",
    )  # fmt: skip
    fields.update(kw)
    return BeadRecord(**fields)


def _docs() -> list[Document]:
    return [
        Document("a.kk", "Бірінші мақала мәтіні.", "kk", url="https://x.kz/kz/a"),
        Document("a.ru", "Текст первой статьи.", "ru", url="https://x.kz/ru/a"),
        Document("b.kk", "Екінші мақала мәтіні.", "kk"),
        Document("b.ru", "Текст второй статьи.", "ru"),
        Document("c.en", "An English article.", "other"),
    ]


def test_store_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        run = store.begin_run("sig", {"x": 1})
        added, dups = store.add_documents(_docs(), {"kk": "src", "ru": "tgt"}, run)
        assert added == {"src": 2, "tgt": 2, "other": 1} and dups == []
        # the same documents again: nothing new; the same text under another id: a duplicate
        again = [*_docs(), Document("copy.kk", "Бірінші мақала мәтіні.", "kk")]
        added, dups = store.add_documents(again, {"kk": "src", "ru": "tgt"}, run)
        assert sum(added.values()) == 0
        assert [p.kind for p in dups] == ["duplicate"] and "a.kk" in dups[0].message
        assert store.has_unseen()
        assert [d.id for d in store.unpaired_documents("src")] == ["a.kk", "b.kk"]
        store.add_pairs([("b.kk", "b.ru", 0.8), ("a.kk", "a.ru", 0.9)], "test", run)
        assert not store.has_unseen()
        assert store.pending_pairs() == [1, 2]  # numbered in (src, tgt) order
        assert store.pair_texts(1) == ("Бірінші мақала мәтіні.", "Текст первой статьи.")
        shared = ("Барлық құқықтар қорғалған 2024.", "Все права защищены 2024.")
        near = ("Барлық құқықтар қорғалған, 2025!", "Все права защищены, 2025!")
        # pair 2 arrives first: its copy of the shared bead is kept for now ...
        store.write_alignment(
            2,
            [_bead(0, *shared), _bead(1, *near), _bead(2, "Сөйлем.", "", src_ids=(2,), tgt_ids=())],
            [None, None, "omission"],
            signature="sig",
        )
        # ... until pair 1 (first in corpus order) brings the same: the decision moves to it
        store.write_alignment(
            1, [_bead(0, *shared), _bead(1, "Қысқа.", "Очень длинное.", 0.5)], [None, "score"],
            signature="sig", warnings=("w",), seconds=0.25,
        )  # fmt: skip
        store.mark_failed(1, "ignored: already aligned")
        store.end_run(run, "done", {}, 1.0, 0.25)
    with Store(path, readonly=True) as store:
        rows = store.query("SELECT pair, idx, kind, keep, reason, dup_pair, dup_idx FROM beads")
        flags = {(r["pair"], r["idx"]): tuple(r)[2:] for r in rows}
        assert flags == {
            (1, 0): ("1-1", 1, None, None, None),
            (1, 1): ("1-1", 0, "score", None, None),
            (2, 0): ("1-1", 0, "duplicate", 1, 0),
            (2, 1): ("1-1", 0, "near-duplicate", 1, 0),
            (2, 2): ("1-0", 0, "omission", None, None),
        }
        counts = store.counts()
        assert counts["pairs"] == {"aligned": 2}
        assert counts["kept"] == 1
        assert counts["filtered"] == {"duplicate": 1, "near-duplicate": 1, "score": 1}
        assert counts["documents"] == {"src": 2, "tgt": 2, "other": 1}
        assert [r["src_id"] for r in store.beads(include_filtered=True)] == ["a.kk"] * 2 + [
            "b.kk"
        ] * 2
        run_row = store.query("SELECT state, signature FROM runs")[0]
        assert tuple(run_row) == ("done", "sig")
        with pytest.raises(EgizError, match="cannot write"):
            store.set_meta({"x": "y"})  # a read-only connection


def test_store_rejects_other_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(EgizError, match=r"junk\.db"):
        Store(junk)
    with pytest.raises(EgizError, match="no corpus store"):
        Store(tmp_path / "missing.db", readonly=True)


def test_disk_full_leaves_store_consistent(tmp_path: Path) -> None:
    """SQLITE_FULL (here: a page limit) mid-write: one clear error, the pair still pending, no
    beads of it stored; once there is room the same write succeeds."""
    path = tmp_path / "s.db"
    big = [
        _bead(i, "Қазақша сөйлем " * 200 + str(i), "Русское предложение " * 200) for i in range(40)
    ]
    with Store(path) as store:
        run = store.begin_run("sig", {})
        store.add_documents(_docs(), {"kk": "src", "ru": "tgt"}, run)
        store.add_pairs([("a.kk", "a.ru", 1.0)], "test", run)
        pages = store.query("PRAGMA page_count")[0][0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(EgizError) as err:
            store.write_alignment(1, big, [None] * len(big), signature="sig")
        assert "disk is full" in str(err.value) and "\n" not in str(err.value)
    with Store(path) as store:
        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
        assert store.pending_pairs() == [1]
        assert store.query("SELECT COUNT(*) FROM beads")[0][0] == 0
        store.write_alignment(1, big, [None] * len(big), signature="sig")
        assert store.query("SELECT COUNT(*) FROM beads")[0][0] == len(big)


# --------------------------------------------------------------------------- filters


KK_S, RU_S = "Үкімет отырысы бүгін басталды.", "Заседание правительства началось сегодня."


def test_filter_reasons() -> None:
    f = FilterParams(min_score=0.5, max_len_ratio=2.0, min_numbers=0.5)
    ok = _bead(0, "Бүгін 20 адам келді.", "Сегодня пришли 20 человек.", numbers=1.0)
    assert filter_reason(ok, f, "kk", "ru") is None
    cases = {
        "omission": _bead(0, "Бір.", "", tgt_ids=()),
        "junk": _bead(0, "17.", "17."),
        "boilerplate": _bead(0, "Қатені байқадыңыз ба?", "Нашли ошибку?"),
        "score": _bead(0, KK_S, RU_S, score=0.49),
        "length": _bead(0, KK_S, RU_S, len_ratio=2.5),
        "numbers": _bead(0, KK_S, RU_S, numbers=0.0),
        "dates": _bead(
            0, "Жиын 2015 жылғы 07 қыркүйегі өтті.", "Встреча прошла 01 сентября 2015 года."
        ),
        "language": _bead(0, KK_S, RU_S, src_detected="ru"),
    }
    for reason, bead in cases.items():
        assert filter_reason(bead, f, "kk", "ru") == reason, reason
    # too short or mixed to tell passes; a language the detector does not know is not checked
    assert filter_reason(_bead(0, KK_S, RU_S, src_detected="unknown"), f, "kk", "ru") is None
    assert filter_reason(_bead(0, KK_S, RU_S, src_detected="other"), f, "en", "ru") is None
    assert digits_agreement("Он тоғыз адам.", "19 человек.", "kk", "ru") == 1.0  # words count
    assert digits_agreement("2019 жылы 5 адам.", "В 2019 году.", "kk", "ru") == pytest.approx(2 / 3)
    assert digits_agreement("Бүгін.", "Сегодня.", "kk", "ru") is None


@pytest.mark.parametrize(
    ("src", "tgt", "junk"),
    [
        ("17.", "17.", True),
        ("&gt;", "&gt;", True),  # markup and entities are not words
        ("<b>***</b>", "***", True),
        ("Қаралым: 1234", "Просмотров: 1234", False),  # words: the boilerplate filter's job
        ("Prime Minister Smith", "Prime Minister Smith", True),  # the same text on both sides
        (KK_S, RU_S, False),
    ],
)
def test_junk(src: str, tgt: str, junk: bool) -> None:
    assert is_junk(src, tgt) is junk


def test_dates_agree() -> None:
    assert dates_agree("2015 жылғы 7 қыркүйекте", "7 сентября 2015 года") is True
    assert dates_agree("қыркүйектің 7-і", "07.09.2015") is True
    assert dates_agree("…07 қыркүйегі", "01 сентября 2015") is False
    assert dates_agree("Бүгін кездесу болды.", "1 мая") is None


def test_boilerplate_is_found_per_site_and_stripped() -> None:
    footer_ru = "Нашли ошибку? Выделите текст"
    counter = "Просмотров: {n}"
    site = [
        Document(
            f"ru{n}",
            f"{RU_S} {topic}.\n{footer_ru}\n" + counter.format(n=100 + n),
            "ru",
            url=f"https://www.gov.kz/ru/news/{n}",
        )
        for n, topic in enumerate(["Бюджет", "Школы", "Дороги", "Урожай", "Спорт", "Погода"])
    ]
    quoted = Document("q", f"{footer_ru}\nЦитата.", "ru", url="https://other.kz/ru/1")
    found = find_boilerplate([*site, quoted])
    assert set(found.lines) == {"gov.kz"}  # the other site has one page: nothing repeats there
    assert found.of("gov.kz") == {"нашли ошибку? выделите текст", "просмотров: 0"}
    text, removed = strip_boilerplate(site[0].text, found.of("gov.kz"))
    assert (text, removed) == (f"{RU_S} Бюджет.", 2)
    assert site_of(Document("x", "", "kk", source="crawl/kk/a.txt")) == "crawl/kk"
    assert site_of(Document("x", "", "kk", source="a.jsonl:line 3")) == "a.jsonl"


# --------------------------------------------------------------------------- mining


def test_mine_summary_and_beads(mined: tuple[Path, Path, Any]) -> None:
    _, store_path, s = mined
    assert s.read == 2 * N_PAIRS + 4  # + kk only, ru only, English, a copy
    assert s.new_documents == {"src": N_PAIRS + 1, "tgt": N_PAIRS + 1, "other": 1}
    assert s.other_language == 1
    assert s.problems == {"duplicate": 1}  # the copied article
    assert s.new_pairs == N_PAIRS and s.pairs == {"aligned": N_PAIRS}
    assert s.unpaired == {"src": 1, "tgt": 1}
    assert s.aligned_now == N_PAIRS and s.failed_now == 0
    assert s.beads["1-1"] >= 4 * N_PAIRS
    assert s.kept + sum(s.filtered.values()) == sum(
        n for kind, n in s.beads.items() if "0" not in kind.split("-")
    )
    # the appended sentence pair: kept once, then an exact and a near duplicate of it
    assert s.filtered.get("duplicate") == 1 and s.filtered.get("near-duplicate") == 1
    assert s.timings["total"] >= s.timings["align"] > 0 and s.align_seconds > 0
    assert "sentence pairs kept" in s.format()
    rows = crawl.corpus_rows(store_path)
    kept = [b for b in rows["beads"] if b[8] == 1]
    assert len(kept) == s.kept
    assert len({(b[6], b[7]) for b in kept}) == len(kept)  # no duplicates in the corpus
    with Store(store_path, readonly=True) as store:
        runs = store.query("SELECT state, counts, signature FROM runs")
        assert [r["state"] for r in runs] == ["done"]
        # a store's alignments stay in order (review edits need it): no moved beads
        assert "|pair_moved:False" in runs[0]["signature"]
        assert json.loads(runs[0]["counts"])["kept"] == s.kept
        problems = store.query("SELECT kind, source FROM problems")
        assert [(p["kind"], Path(p["source"]).name[:11]) for p in problems] == [
            ("duplicate", "zz-copy-of-")
        ]


def test_rerun_does_nothing_new(mined: tuple[Path, Path, Any], tmp_path: Path) -> None:
    root, store_path, first = mined
    store = _copy_store(store_path, tmp_path)
    again = _mine([root], store)
    assert again.read == first.read
    assert again.new_documents == {"src": 0, "tgt": 0, "other": 0}
    assert again.new_pairs == 0 and again.aligned_now == 0 and again.refiltered == -1
    assert again.kept == first.kept and again.beads == first.beads
    assert crawl.corpus_rows(store) == crawl.corpus_rows(store_path)


def test_added_article_pair_aligns_only_it(mined: tuple[Path, Path, Any], tmp_path: Path) -> None:
    root, store_path, first = mined
    grown = tmp_path / "crawl"
    shutil.copytree(root, grown)
    crawl.add_extra_pair(grown)
    store = _copy_store(store_path, tmp_path)
    s = _mine([grown], store)
    assert s.new_documents == {"src": 1, "tgt": 1, "other": 0}
    assert s.new_pairs == 1 and s.aligned_now == 1
    assert s.pairs == {"aligned": N_PAIRS + 1} and s.unpaired == {"src": 1, "tgt": 1}
    assert s.kept > first.kept
    before, after = crawl.corpus_rows(store_path), crawl.corpus_rows(store)
    assert after["beads"][: len(before["beads"])] == before["beads"]  # old beads untouched
    assert {b[0] for b in after["beads"][len(before["beads"]) :]} == {N_PAIRS + 1}


def test_new_filters_refilter_without_realigning(
    mined: tuple[Path, Path, Any], tmp_path: Path
) -> None:
    root, store_path, first = mined
    store = _copy_store(store_path, tmp_path)
    strict = _mine([root], store, min_score=2.0)
    assert strict.aligned_now == 0 and strict.refiltered > 0
    assert strict.filtered["score"] > 0 and strict.kept < first.kept
    with Store(store, readonly=True) as st:
        assert all(r["score"] >= 2.0 for r in st.beads())
    back = _mine([root], store)  # default filters again: the very same corpus
    assert back.kept == first.kept
    assert crawl.corpus_rows(store) == crawl.corpus_rows(store_path)


def test_other_alignment_settings_are_refused(
    mined: tuple[Path, Path, Any], tmp_path: Path
) -> None:
    root, store_path, _ = mined
    store = _copy_store(store_path, tmp_path)
    with pytest.raises(EgizError, match="use another store"):
        _mine([root], store, src_lang="ru", tgt_lang="kk")


def test_mine_documents_directly(tmp_path: Path) -> None:
    """Ready Documents need no reader."""
    s = _mine(_docs(), tmp_path / "s.db", pair_fn=crawl.pair_by_stem)
    assert s.read == 5 and s.pairs == {"aligned": 2} and s.other_language == 1


def test_workers_2_equal_workers_1(mined: tuple[Path, Path, Any], tmp_path: Path) -> None:
    root, store_path, first = mined
    s = _mine([root], tmp_path / "pool.db", workers=2)
    assert s.aligned_now == first.aligned_now
    assert crawl.corpus_rows(tmp_path / "pool.db") == crawl.corpus_rows(store_path)


# --------------------------------------------------------------------------- kill and resume

_SCRIPT = textwrap.dedent(
    """
    import importlib, os, signal, sys, time
    sys.path.insert(0, {fixtures!r})
    import crawl
    # the modules (egiz.corpus binds the function `mine` over the module's name)
    m = importlib.import_module("egiz.corpus.mine")
    st = importlib.import_module("egiz.corpus.store")

    if {mode!r} == "between":  # slow pairs: the test kills us from outside after some are stored
        align = m.align_task
        def slow(task):
            time.sleep(0.3)
            return align(task)
        m.align_task = slow
    else:  # die inside the third pair's transaction, its beads inserted, its status not yet set
        settle = st._settle_duplicates
        def dying(c, key):
            settle(c, key)
            done = c.execute("SELECT COUNT(*) FROM doc_pairs WHERE status = 'aligned'")
            if done.fetchone()[0] == 2:
                os.kill(os.getpid(), signal.SIGKILL)
        st._settle_duplicates = dying
    m.mine([{crawl_root!r}], {store!r}, encoder="trigram", pair_fn=crawl.pair_by_stem,
           progress=False)
    """
)


def _aligned(store: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(
                "SELECT COUNT(*) FROM doc_pairs WHERE status = 'aligned'"
            ).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created yet


@pytest.mark.parametrize("mode", ["between", "inside"])
def test_kill_and_resume_equals_uninterrupted(
    mode: str, mined: tuple[Path, Path, Any], tmp_path: Path
) -> None:
    root, reference, _ = mined
    store = tmp_path / "killed.db"
    script = tmp_path / "run.py"
    script.write_text(
        _SCRIPT.format(fixtures=str(FIXTURES), mode=mode, crawl_root=str(root), store=str(store))
    )
    proc = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while mode == "between" and _aligned(store) < 2 and time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        if mode == "between":
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    done = _aligned(store)
    assert 2 <= done < N_PAIRS
    with Store(store, readonly=True) as st:
        assert st.query("PRAGMA integrity_check")[0][0] == "ok"
        orphans = st.query(
            "SELECT COUNT(*) FROM beads b JOIN doc_pairs p ON p.id = b.pair "
            "WHERE p.status != 'aligned'"
        )[0][0]
        assert orphans == 0  # no half-written pair
        assert st.query("SELECT state FROM runs")[0][0] == "running"
    resumed = _mine([root], store)
    assert resumed.aligned_now == N_PAIRS - done and resumed.new_pairs == 0
    assert crawl.corpus_rows(store) == crawl.corpus_rows(reference)
    with Store(store, readonly=True) as st:
        assert [r[0] for r in st.query("SELECT state FROM runs ORDER BY id")] == [
            "interrupted",
            "done",
        ]


# --------------------------------------------------------------------------- read-only store


def _without_capabilities() -> None:  # pragma: no cover - runs in the child
    """Root ignores file modes (CAP_DAC_OVERRIDE): empty the capability bounding set, so the
    child runs as root without capabilities and a 0444 file is read-only to it."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP; fails harmlessly past the last one


def test_read_only_store_is_a_clear_error(mined: tuple[Path, Path, Any], tmp_path: Path) -> None:
    """A store that cannot be written: one `egiz: error:` line, exit 2, the store unchanged."""
    root, reference, _ = mined
    folder = tmp_path / "ro"
    folder.mkdir()
    store = _copy_store(reference, folder)
    before = store.read_bytes()
    store.chmod(0o444)
    folder.chmod(0o555)  # no journal files can be created next to it either
    drop = _without_capabilities if os.geteuid() == 0 else None
    try:
        probe = [sys.executable, "-c", f"open({str(store)!r}, 'ab')"]
        writable = subprocess.run(probe, preexec_fn=drop, capture_output=True).returncode == 0
        assert not writable, "could not make the store read-only (root kept its capabilities)"
        cmd = [sys.executable, "-m", "egiz.cli", "mine", str(root), "--store", str(store)]
        cmd += ["--encoder", "trigram", "--quiet"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, preexec_fn=drop)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("egiz: error: corpus store"), lines
        assert str(store) in lines[0] and "read-only" in lines[0]
        assert store.read_bytes() == before
    finally:
        folder.chmod(0o755)
        store.chmod(0o644)


# --------------------------------------------------------------------------- export


def test_export_every_format(mined: tuple[Path, Path, Any], tmp_path: Path) -> None:
    _, store, s = mined
    n_kept = s.kept
    for fmt in CORPUS_FORMATS:
        out = tmp_path / f"corpus.{fmt}"
        assert export_corpus(store, out, fmt) == n_kept
    rows = [json.loads(line) for line in (tmp_path / "corpus.jsonl").read_text().splitlines()]
    assert len(rows) == n_kept
    first = rows[0]
    assert first["src_lang"] == "kk" and first["tgt_lang"] == "ru"
    assert first["src_doc"].endswith(".kk") and first["tgt_doc"].endswith(".ru")
    assert isinstance(first["src_ids"], list) and first["kind"] == "1-1"
    tsv = (tmp_path / "corpus.tsv").read_text().splitlines()
    assert tsv[0].split("\t")[:4] == ["src_doc", "tgt_doc", "src_ids", "tgt_ids"]
    assert len(tsv) == n_kept + 1 and all(line.count("\t") == 10 for line in tsv)
    tus = ET.parse(tmp_path / "corpus.tmx").getroot().findall("body/tu")
    assert len(tus) == n_kept
    props = {p.get("type"): p.text for p in tus[0].findall("prop")}
    assert props["x-egiz-src-doc"] == first["src_doc"] and "x-egiz-score" in props
    moses = [tmp_path / f"corpus.moses.{x}" for x in ("kk", "ru", "provenance.tsv")]
    lengths = [len(p.read_text().splitlines()) for p in moses]
    assert lengths == [n_kept, n_kept, n_kept + 1]
    assert not list(tmp_path.glob("*.part"))
    # include_filtered adds the filtered aligned beads and says why; min_score cuts
    n_all = export_corpus(store, tmp_path / "all.jsonl", "jsonl", include_filtered=True)
    assert n_all == n_kept + sum(s.filtered.values())
    reasons = {json.loads(x)["reason"] for x in (tmp_path / "all.jsonl").read_text().splitlines()}
    assert {"", "duplicate", "near-duplicate"} <= reasons
    scores = sorted(r["score"] for r in rows)
    assert scores[0] < scores[-1]
    top = export_corpus(store, tmp_path / "top.tsv", "tsv", min_score=scores[-1])
    assert 0 < top < n_kept
    with pytest.raises(EgizError, match="unknown corpus format"):
        export_corpus(store, tmp_path / "x", "csv")


def test_parquet_loads_with_pyarrow_and_pandas(
    mined: tuple[Path, Path, Any], tmp_path: Path
) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    _, store, s = mined
    out = tmp_path / "corpus.parquet"
    export_corpus(store, out, "parquet")
    table = pq.read_table(out)
    assert table.num_rows == s.kept
    assert table.column_names == [
        "src_text", "tgt_text", "src_lang", "tgt_lang", "score", "kind", "src_doc", "tgt_doc",
        "src_url", "tgt_url", "src_ids", "tgt_ids", "origin",
    ]  # fmt: skip
    frame = pd.read_parquet(out)
    assert len(frame) == s.kept
    assert list(frame["src_ids"].iloc[0]) == [0]
    jsonl = tmp_path / "corpus.jsonl"
    export_corpus(store, jsonl, "jsonl")
    expected = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert frame["src_text"].tolist() == [r["src_text"] for r in expected]
    assert frame["score"].tolist() == [r["score"] for r in expected]
    export_corpus(store, tmp_path / "all.parquet", "parquet", include_filtered=True)
    assert pq.read_table(tmp_path / "all.parquet").column_names[-2:] == ["keep", "reason"]


def test_parquet_loads_with_datasets(mined: tuple[Path, Path, Any], tmp_path: Path) -> None:
    import datasets

    _, store, s = mined
    out = tmp_path / "corpus.parquet"
    export_corpus(store, out, "parquet")
    ds = datasets.load_dataset(
        "parquet", data_files=str(out), split="train", cache_dir=str(tmp_path / "hf")
    )
    assert ds.num_rows == s.kept
    assert ds[0]["src_lang"] == "kk" and isinstance(ds[0]["src_ids"], list)


# --------------------------------------------------------------------------- real pairing


def test_mine_with_default_pairing(mined: tuple[Path, Path, Any], tmp_path: Path) -> None:
    """The default pair_fn (egiz.pair.pair_documents) finds the crawl's article pairs."""
    root, _, _ = mined
    s = mine([root], tmp_path / "c.db", encoder="trigram", progress=False)
    with Store(tmp_path / "c.db", readonly=True) as store:
        pairs = {(r["src_id"], r["tgt_id"]) for r in store.query("SELECT * FROM doc_pairs")}
    truth = {(f"{d['id']}.kk", f"{d['id']}.ru") for d in crawl.load()["pairs"]}
    assert truth <= pairs
    assert s.aligned_now == len(pairs) and s.kept > 0


# --------------------------------------------------------------------------- dask


def test_dask_cluster_equals_local_run(tmp_path: Path) -> None:
    import distributed

    sources = crawl.build_crawl(tmp_path / "crawl")
    common: dict[str, Any] = dict(encoder="trigram", pair_fn=crawl.pair_by_stem, progress=False)
    local = mine(sources, tmp_path / "local.db", **common)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
    ):
        remote = mine(
            sources, tmp_path / "dask.db", dask_address=cluster.scheduler_address, **common
        )
        with distributed.Client(cluster.scheduler_address) as client:
            assert len(client.scheduler_info()["workers"]) == 2
    assert remote.aligned_now == local.aligned_now > 0
    assert remote.kept == local.kept and remote.filtered == local.filtered
    assert crawl.corpus_rows(tmp_path / "dask.db") == crawl.corpus_rows(tmp_path / "local.db")
    # a re-run has nothing to align, so it does not even contact the (unreachable) scheduler
    again = mine(sources, tmp_path / "dask.db", dask_address="tcp://127.0.0.1:1", **common)
    assert again.aligned_now == 0


# --------------------------------------------------------------------------- batches


def _batch_documents() -> list[Document]:
    """The corpus crawl's articles plus the pairing fixture's (with one-sided ones), as
    Documents: 13 kk-ru article pairs, 3 kk-only, 3 ru-only."""
    docs: list[Document] = []
    fx = crawl.load()
    for d in fx["pairs"]:
        docs += [Document(f"{d['id']}.{lang}", " ".join(d[lang]), lang) for lang in ("kk", "ru")]
    docs.append(Document(f"{fx['kk_only']['id']}.kk", " ".join(fx["kk_only"]["kk"]), "kk"))
    docs.append(Document(f"{fx['ru_only']['id']}.ru", " ".join(fx["ru_only"]["ru"]), "ru"))
    pair_fx = json.loads((ROOT / "tests" / "fixtures" / "pair" / "flores_docs.json").read_text())
    seen = {d.text[:60] for d in docs}
    for n, d in enumerate(pair_fx["pairs"]):
        if " ".join(d["kk"])[:60] in seen:  # the same FLORES article as in the crawl
            continue
        docs += [Document(f"p{n}.{lang}", "\n".join(d[lang]), lang) for lang in ("kk", "ru")]
    docs += [
        Document(f"x{n}.kk", "\n".join(d["kk"]), "kk") for n, d in enumerate(pair_fx["kk_only"])
    ]
    docs += [
        Document(f"x{n}.ru", "\n".join(d["ru"]), "ru") for n, d in enumerate(pair_fx["ru_only"])
    ]
    return docs


def _corpus(store: Path, tmp_path: Path) -> tuple[set[tuple[str, str]], str]:
    with Store(store, readonly=True) as st:
        pairs = {(r[0], r[1]) for r in st.query("SELECT src_id, tgt_id FROM doc_pairs")}
    out = tmp_path / f"{store.stem}.jsonl"
    export_corpus(store, out, "jsonl", include_filtered=True)
    return pairs, out.read_text(encoding="utf-8")


@pytest.mark.parametrize("batches", [2, 3])
def test_the_corpus_does_not_depend_on_batching(tmp_path: Path, batches: int) -> None:
    """Mining everything in one run and the same documents split into 2 or 3 runs give the same
    document pairs and the same corpus (default pairing: the whole store is paired again)."""
    docs = _batch_documents()
    # A longer Russian version of article p1 (two sentences of another article appended: an
    # "updated" page) comes first; the faithful version only in the last run. Alone, the longer
    # one pairs with p0.kk; once the faithful one is there, that one does, and the longer one
    # is left over: in one run, and in several.
    full = next(d for d in docs if d.id == "p1.ru")
    other = next(d for d in docs if d.id == "p2.ru")
    longer = full.text + "\n" + "\n".join(other.text.split("\n")[:2])
    brief = Document("p1-longer.ru", longer, "ru")
    docs = [brief, *(d for d in docs if d is not full and d is not other), full, other]
    kw: dict[str, Any] = {"encoder": "trigram", "progress": False}
    once = mine(docs, tmp_path / "once.db", **kw)
    assert once.paired >= 10
    split = tmp_path / f"split{batches}.db"
    size = -(-len(docs) // batches)
    runs = [mine(docs[b * size : (b + 1) * size], split, **kw) for b in range(batches)]
    assert runs[-1].dropped_pairs == 1  # p1.kk - p1-longer.ru, displaced by p1.ru
    pairs, corpus = _corpus(split, tmp_path)
    assert ("p1.kk", "p1.ru") in pairs and not any(t == "p1-longer.ru" for _, t in pairs)
    assert (pairs, corpus) == _corpus(tmp_path / "once.db", tmp_path)


def test_site_furniture_never_reaches_the_corpus(tmp_path: Path) -> None:
    """A .txt crawl with a menu line, a typo prompt and a visitor counter on every page: the
    repeated lines are found per site folder, taken out before alignment and reported; no kept
    bead is furniture or junk."""
    furniture = {
        "kk": ("Басты бет | Жаңалықтар | Байланыс", "Қатені байқадыңыз ба?", "Қаралым: {n}"),
        "ru": ("Главная | Новости | Контакты", "Нашли ошибку?", "Просмотров: {n}"),
    }
    pairs = crawl.load()["pairs"]
    for n, doc in enumerate(pairs):
        for lang in ("kk", "ru"):
            menu, typo, counter = furniture[lang]
            body = "\n".join(doc[lang])
            text = f"{menu}\n{body}\n{typo}\n{counter.format(n=40 + 7 * n)}\n17.\n"
            (tmp_path / lang).mkdir(exist_ok=True)
            (tmp_path / lang / f"{doc['id']}").write_text(text, encoding="utf-8")  # no extension
    s = mine([], tmp_path / "c.db", src_sources=[tmp_path / "kk"],
             tgt_sources=[tmp_path / "ru"], encoder="trigram", progress=False)  # fmt: skip
    assert s.boilerplate == {str(tmp_path / "kk"): 4, str(tmp_path / "ru"): 4}
    assert s.paired >= len(pairs) - 1, s.unpaired  # trigram misses one at most
    assert s.boilerplate_removed == 4 * 2 * s.aligned_now  # 4 lines per page
    with Store(tmp_path / "c.db", readonly=True) as st:
        kept = [(r["src_text"], r["tgt_text"]) for r in st.beads()]
    assert kept
    planted = [w for lang in furniture.values() for line in lang for w in line.split()[:1]]
    for src, tgt in kept:
        assert not any(w.split(":")[0] in src + tgt for w in planted), (src, tgt)
        assert not is_junk(src, tgt)
