"""egiz review in a real browser: Playwright drives headless Chromium (Debian's, at
/usr/bin/chromium; .ci/run installs it) against `egiz review` run as a user runs it, on the seeds.

Without Chromium or Playwright these tests skip, unless EGIZ_REQUIRE_BROWSER=1 (set by .ci/run),
when they fail instead: CI must never pass by skipping them.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("EGIZ_CHROMIUM", "/usr/bin/chromium")
# Flags a sandboxed, offline machine needs (see the env notes): no GPU, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
TIMEOUT_MS = 15_000


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    return None


if (why := _missing()) is not None:
    if os.environ.get("EGIZ_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"browser tests required but {why}")
    pytest.skip(why, allow_module_level=True)

from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class ReviewServer:
    """`egiz review KK RU --store S --port 0` in a subprocess; `url` is what it printed."""

    def __init__(self, kk: Path, ru: Path, store: Path) -> None:
        self.args = [
            sys.executable, "-m", "egiz.cli", "review", str(kk), str(ru), "--store", str(store),
            "--port", "0", "--encoder", "trigram", "--quiet",
        ]  # fmt: skip
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.log: list[str] = []

    def start(self) -> ReviewServer:
        self.proc = subprocess.Popen(
            self.args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:
            assert self.proc is not None and self.proc.stderr is not None
            for line in self.proc.stderr:
                self.log.append(line)
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=120)
            except queue.Empty:
                raise AssertionError(f"egiz review did not start: {self.log}") from None
            if m := re.search(r"(http://127\.0\.0\.1:\d+/)#(/pair/\d+)", line):
                self.base, self.url = m[1], m[1] + "#" + m[2]
                return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


@pytest.fixture()
def files(tmp_path: Path, seeds: tuple[Path, Path]) -> tuple[Path, Path, Path]:
    kk, ru = tmp_path / "kk.txt", tmp_path / "ru.txt"
    shutil.copy(seeds[0], kk)
    shutil.copy(seeds[1], ru)
    return kk, ru, tmp_path / "review.db"


@pytest.fixture()
def server(files: tuple[Path, Path, Path]) -> Iterator[ReviewServer]:
    srv = ReviewServer(*files).start()
    yield srv
    srv.stop()


def _open(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    expect(page.locator("body[data-ready='1']")).to_have_count(1, timeout=TIMEOUT_MS)
    page.errors = errors  # type: ignore[attr-defined]
    return page


def _bead_of(page: Page, side: str, i: int) -> Locator:
    return page.locator(".bead").filter(has=page.locator(f'.s[data-side="{side}"][data-i="{i}"]'))


def _first_link(page: Page) -> tuple[int, int, int]:
    """(bead position, kk index, ru index) of the first 1-1 bead on the page."""
    bead = page.locator(".bead.one").first
    k = int(bead.get_attribute("data-k") or 0)
    i = int(bead.locator('.s[data-side="src"]').first.get_attribute("data-i") or 0)
    j = int(bead.locator('.s[data-side="tgt"]').first.get_attribute("data-i") or 0)
    return k, i, j


def _export(store: Path, out: Path) -> str:
    subprocess.run(
        [sys.executable, "-m", "egiz.cli", "export", "--store", str(store), "-f", "tsv", "-o",
         str(out)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return out.read_text(encoding="utf-8")


def _expect_linked(page: Page, i: int, j: int, by_hand: bool) -> None:
    bead = _bead_of(page, "src", i)
    expect(bead.locator(f'.s[data-side="tgt"][data-i="{j}"]')).to_have_count(1)
    expect(bead.locator(".tag.hand")).to_have_count(1 if by_hand else 0)


def _expect_unlinked(page: Page, i: int, j: int) -> None:
    expect(_bead_of(page, "src", i)).to_have_class(re.compile(r"\bonly\b"))
    expect(_bead_of(page, "tgt", j)).to_have_class(re.compile(r"\bonly\b"))


def test_the_pair_list_and_the_pair_view_load(browser: Browser, server: ReviewServer) -> None:
    page = _open(browser, server.base)
    expect(page.locator("tr.row")).to_have_count(1)
    page.locator("tr.row").first.click()
    expect(page.locator("body[data-ready='1'] .bead").first).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 4000})  # the whole pair on screen
    sentences = page.locator(".s")
    expect(sentences).to_have_count(17 + 26)  # every sentence of the seeds, once
    expect(page.locator("#cov-src")).to_have_text(re.compile(r"\d+\.\d%"))
    assert page.errors == []  # type: ignore[attr-defined]


def test_unlink_and_relink_with_the_mouse_survive_a_restart_and_reach_the_export(
    browser: Browser, server: ReviewServer, files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    store = files[2]
    page = _open(browser, server.url)
    _, i, j = _first_link(page)
    kk_text = page.locator(f'.s[data-side="src"][data-i="{i}"]').inner_text()
    kk_text = kk_text.split("\n", 1)[-1].lstrip("0123456789").strip()

    _bead_of(page, "src", i).locator('button[data-act="unlink"]').click()
    _expect_unlinked(page, i, j)
    assert kk_text not in _export(store, tmp_path / "a.tsv")

    page.locator(f'.s[data-side="src"][data-i="{i}"]').click()
    page.locator(f'.s[data-side="tgt"][data-i="{j}"]').click()
    page.get_by_role("button", name="Link selected").click()
    _expect_linked(page, i, j, by_hand=True)
    page.close()

    server.stop()
    server.start()  # same files, same store: the correction is still there
    page = _open(browser, server.url)
    _expect_linked(page, i, j, by_hand=True)
    assert kk_text in _export(store, tmp_path / "b.tsv")
    assert page.errors == []  # type: ignore[attr-defined]


def test_unlink_relink_and_undo_with_the_keyboard(browser: Browser, server: ReviewServer) -> None:
    page = _open(browser, server.url)
    k, i, j = _first_link(page)
    for _ in range(k):
        page.keyboard.press("j")
    expect(page.locator(".bead.focus")).to_have_attribute("data-k", str(k))
    page.keyboard.press("u")
    _expect_unlinked(page, i, j)
    expect(page.locator(".bead.focus")).to_have_attribute("data-k", str(k))  # the kk sentence
    page.keyboard.press("x")  # select the lone kk sentence
    page.keyboard.press("j")  # to the lone ru sentence, right after it
    page.keyboard.press("x")
    expect(page.locator(".s.sel")).to_have_count(2)
    page.keyboard.press("l")
    _expect_linked(page, i, j, by_hand=True)
    page.keyboard.press("z")  # undo the link
    _expect_unlinked(page, i, j)
    page.keyboard.press("z")  # undo the unlink: the aligner's bead, with its score, is back
    _expect_linked(page, i, j, by_hand=False)
    page.keyboard.press("h")  # the history keeps all four changes, newest first
    history = page.locator("#history tbody tr")
    expect(history).to_have_count(4)
    expect(history.first).to_contain_text("undo")
    expect(history.last).to_contain_text("unlink")
    assert page.errors == []  # type: ignore[attr-defined]


def test_two_tabs_never_lose_a_correction(browser: Browser, server: ReviewServer) -> None:
    one, two = _open(browser, server.url), _open(browser, server.url)
    links = one.locator(".bead.one")
    a_src = int(links.nth(0).locator(".s").first.get_attribute("data-i") or 0)
    b_src = int(links.nth(1).locator(".s").first.get_attribute("data-i") or 0)
    _bead_of(one, "src", a_src).locator('button[data-act="unlink"]').click()
    expect(_bead_of(one, "src", a_src)).to_have_class(re.compile(r"\bonly\b"))
    # the second tab has not seen that edit; it marks another bead bad
    _bead_of(two, "src", b_src).locator('button[data-act="bad"]').click()
    expect(_bead_of(two, "src", b_src)).to_have_class(re.compile(r"\bbad\b"))
    expect(_bead_of(two, "src", a_src)).to_have_class(re.compile(r"\bonly\b"))  # both kept
    one.evaluate("window.dispatchEvent(new Event('focus'))")  # tab 1 looks again
    expect(_bead_of(one, "src", b_src)).to_have_class(re.compile(r"\bbad\b"))


def test_a_file_changed_on_disk_gives_a_conflict_message(
    browser: Browser, server: ReviewServer, files: tuple[Path, Path, Path]
) -> None:
    page = _open(browser, server.url)
    _, i, j = _first_link(page)
    kk = files[0]
    kk.write_text(kk.read_text(encoding="utf-8") + "\nЖаңа сөйлем.", encoding="utf-8")
    _bead_of(page, "src", i).locator('button[data-act="unlink"]').click()
    alert = page.locator("#alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("changed on disk")
    _expect_linked(page, i, j, by_hand=False)  # nothing changed


def _many_pairs(path: Path, n: int) -> None:
    """A store of `n` two-sentence pairs; pair 7 lacks its second Russian sentence."""
    from egiz.alignment import Sentence
    from egiz.corpus import FilterParams, Store
    from egiz.corpus.mine import filter_reason, measure_bead
    from egiz.document import Document

    filters = FilterParams()
    with Store(path) as store:
        store.set_meta({"src_lang": "kk", "tgt_lang": "ru", "filters": filters.to_json()})
        run = store.begin_run("test", {})
        docs = []
        for k in range(n):
            docs += [
                Document(f"pair-{k:04d}.kk", f"Бірінші сөйлем {k}. Екінші сөйлем {k}.", "kk"),
                Document(f"pair-{k:04d}.ru", f"Первое предложение {k}. Второе {k}.", "ru"),
            ]
        store.add_documents(docs, {"kk": "src", "ru": "tgt"}, run)
        store.add_pairs([(f"pair-{k:04d}.kk", f"pair-{k:04d}.ru", 1.0) for k in range(n)], "t", run)
        for k in range(n):
            src = [Sentence(f"Бірінші сөйлем {k}."), Sentence(f"Екінші сөйлем {k}.")]
            tgt = [Sentence(f"Первое предложение {k}."), Sentence(f"Второе {k}.")]
            shapes = (
                [((0,), (0,)), ((1,), (1,))] if k != 7 else [((0,), (0,)), ((1,), ()), ((), (1,))]
            )
            beads = [
                measure_bead(i, s, t, 0.95 if s and t else 0.0,
                             " ".join(src[a].text for a in s), " ".join(tgt[b].text for b in t),
                             "kk", "ru")
                for i, (s, t) in enumerate(shapes)
            ]  # fmt: skip
            reasons = [filter_reason(b, filters, "kk", "ru") for b in beads]
            store.write_alignment(k + 1, beads, reasons, signature="t", sentences=(src, tgt))


def test_a_big_pair_list_is_drawn_page_by_page_worst_first(
    browser: Browser, tmp_path: Path
) -> None:
    store = tmp_path / "many.db"
    _many_pairs(store, 620)
    proc = subprocess.Popen(
        [sys.executable, "-m", "egiz.cli", "review", "--store", str(store), "--port", "0"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        url = next(m[1] for line in proc.stderr if (m := re.search(r"(http://\S+/)", line)))
        page = _open(browser, url)
        rows = page.locator("tr.row")
        expect(rows).to_have_count(500)
        expect(rows.first).to_contain_text("pair-0007.kk")  # the one with sentences unaligned
        page.get_by_role("button", name=re.compile("Show 120 more")).click()
        expect(rows).to_have_count(620)
        page.get_by_label("filter").fill("pair-0612")
        expect(rows).to_have_count(1)
        page.keyboard.press("Enter")  # typing in the filter box is not a shortcut
        expect(page.locator("tr.row")).to_have_count(1)
        rows.first.click()
        expect(page.locator(".bead")).to_have_count(2)
    finally:
        proc.terminate()
        proc.wait(20)
