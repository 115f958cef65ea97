#!/usr/bin/env python
"""egiz review benchmark: how fast the pair view renders and answers, in headless Chromium.

    .venv/bin/python bench/bench_review.py [--sizes 100 500 2000] [--runs 5] [--out FILE]

For each size, a corpus store holds one pair of that many beads, built from FLORES-200 devtest
kk/ru sentences (1-1 beads, with every 9th Kazakh and every 11th Russian sentence left without a
counterpart, and every 13th bead a 2-1 merge), so no encoder runs. `egiz review --store` serves
it on 127.0.0.1 and Playwright drives Debian's Chromium (/usr/bin/chromium):

- load: navigation start -> the page says it is ready (API call + render), median of --runs loads;
- render: the JavaScript render alone (the page measures it), median;
- API: GET /api/pairs/1 on the server, median;
- edit: click "unlink" on the middle bead -> the re-rendered page shows it (one POST, one
  transaction, one render), then undo, median of --runs each;
- keys: 50 presses of `j` (focus moves one bead each), per key, median of 3 rounds.

Baseline, in the same run and browser: loading `egiz diff --format html` of the same alignment
(static HTML, no script): what the page costs with no app at all.
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "flores200-devtest"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def build_store(path: Path, n_beads: int) -> None:
    """One kk-ru pair of exactly `n_beads` beads in a new store at `path`."""
    from egiz.alignment import Sentence
    from egiz.corpus import FilterParams, Store
    from egiz.corpus.mine import filter_reason, measure_bead
    from egiz.document import Document

    kk_lines = (DATA / "kaz_Cyrl.devtest").read_text(encoding="utf-8").splitlines()
    ru_lines = (DATA / "rus_Cyrl.devtest").read_text(encoding="utf-8").splitlines()
    src: list[Sentence] = []
    tgt: list[Sentence] = []
    shapes: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    k = 0
    while len(shapes) < n_beads:
        line = k % len(kk_lines)
        para = len(shapes) // 8
        if len(shapes) % 9 == 4:  # Kazakh only
            src.append(Sentence(kk_lines[line], para))
            shapes.append(((len(src) - 1,), ()))
        elif len(shapes) % 11 == 7:  # Russian only
            tgt.append(Sentence(ru_lines[line], para))
            shapes.append(((), (len(tgt) - 1,)))
        elif len(shapes) % 13 == 5:  # 2-1 merge
            nxt = (line + 1) % len(kk_lines)
            src.extend([Sentence(kk_lines[line], para), Sentence(kk_lines[nxt], para)])
            tgt.append(Sentence(ru_lines[line] + " " + ru_lines[nxt], para))
            shapes.append(((len(src) - 2, len(src) - 1), (len(tgt) - 1,)))
            k += 1
        else:
            src.append(Sentence(kk_lines[line], para))
            tgt.append(Sentence(ru_lines[line], para))
            shapes.append(((len(src) - 1,), (len(tgt) - 1,)))
        k += 1
    beads = [
        measure_bead(
            i, s, t, 1.06 if s and t else 0.0, " ".join(src[a].text for a in s),
            " ".join(tgt[b].text for b in t), "kk", "ru",
        )
        for i, (s, t) in enumerate(shapes)
    ]  # fmt: skip
    filters = FilterParams()
    with Store(path) as store:
        store.set_meta({"src_lang": "kk", "tgt_lang": "ru", "filters": filters.to_json()})
        run = store.begin_run("bench", {})
        docs = [
            Document("bench.kk", "\n\n".join(s.text for s in src), "kk"),
            Document("bench.ru", "\n\n".join(s.text for s in tgt), "ru"),
        ]
        store.add_documents(docs, {"kk": "src", "ru": "tgt"}, run)
        store.add_pairs([("bench.kk", "bench.ru", 1.0)], "bench", run)
        reasons = [filter_reason(b, filters, "kk", "ru") for b in beads]
        store.write_alignment(1, beads, reasons, signature="bench", sentences=(src, tgt))
        store.end_run(run, "done", {}, 0.0, 0.0)


class Server:
    def __init__(self, store: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "egiz.cli", "review", "--store", str(store), "--port", "0"],
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.base = ""
        self.log: list[str] = []  # the server's stderr, printed if a measurement fails
        found = threading.Event()

        def pump() -> None:
            assert self.proc.stderr is not None
            for line in self.proc.stderr:
                self.log.append(line)
                if m := re.search(r"(http://127\.0\.0\.1:\d+/)", line):
                    self.base = m[1]
                    found.set()

        threading.Thread(target=pump, daemon=True).start()
        if not found.wait(60):
            raise SystemExit("egiz review did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


def median_ms(values: list[float]) -> str:
    return f"{1000 * statistics.median(values):.0f} ms"


def measure(size: int, runs: int, folder: Path, browser: Browser) -> dict[str, str]:
    store = folder / f"review-{size}.db"
    build_store(store, size)
    static = folder / f"diff-{size}.html"
    from egiz.corpus import Store
    from egiz.report import divergences, render_html

    with Store(store, readonly=True) as s:
        alignment = s.pair_alignment(1)
    static.write_text(render_html(divergences(alignment), alignment), encoding="utf-8")

    server = Server(store)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        loads, renders, api, static_loads = [], [], [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            page.goto(server.base + "#/pair/1")
            page.wait_for_selector("body[data-ready='1'] .bead")
            loads.append(time.perf_counter() - t0)
            renders.append(float(page.eval_on_selector("#app", "el => el.dataset.renderMs")) / 1000)
            t0 = time.perf_counter()
            urllib.request.urlopen(server.base + "api/pairs/1").read()
            api.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            page.goto(static.as_uri())
            page.wait_for_selector("main")
            static_loads.append(time.perf_counter() - t0)
        page.goto(server.base + "#/pair/1")
        page.wait_for_selector("body[data-ready='1'] .bead")
        count = page.locator(".bead").count()
        assert count == size, (count, size)
        middle = page.locator(".bead.one").nth(page.locator(".bead.one").count() // 2)
        i = middle.locator('.s[data-side="src"]').first.get_attribute("data-i")
        target = f'.bead:has(.s[data-side="src"][data-i="{i}"])'
        edits, undos = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            page.locator(target).locator('button[data-act="unlink"]').click()
            page.wait_for_selector(f"{target}.only")
            edits.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            page.keyboard.press("z")
            page.wait_for_selector(f"{target}.one")
            undos.append(time.perf_counter() - t0)
        keys = []
        for _ in range(3):
            page.keyboard.press("Home")
            page.evaluate("window.scrollTo(0, 0)")
            page.locator(".bead").first.click(position={"x": 5, "y": 5})
            t0 = time.perf_counter()
            for _ in range(50):
                page.keyboard.press("j")
            page.wait_for_selector('.bead.focus[data-k="50"]')
            keys.append((time.perf_counter() - t0) / 50)
        page.close()
    except Exception:
        sys.stderr.write("".join(server.log))
        raise
    finally:
        server.stop()
    load = statistics.median(loads)
    base = statistics.median(static_loads)
    return {
        "beads": str(size),
        "page load (API + render)": median_ms(loads),
        "of which JS render": median_ms(renders),
        "GET /api/pairs/1": median_ms(api),
        "static `egiz diff` HTML load (baseline)": median_ms(static_loads),
        "load / baseline": f"{load / base:.2f}",
        "unlink click -> re-rendered": median_ms(edits),
        "undo (z) -> re-rendered": median_ms(undos),
        "per `j` key": median_ms(keys),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "review.md")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from egiz import __version__

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in args.sizes:
            print(f"bench_review: {size} beads", file=sys.stderr)
            rows.append(measure(size, args.runs, Path(tmp), browser))
        version = browser.version
        browser.close()
    head = list(rows[0])
    lines = [
        f"egiz {__version__} review benchmark · Chromium {version} headless · "
        f"{platform.processor() or platform.machine()} · medians of {args.runs} runs",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(r[h] for h in head) + " |" for r in rows),
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
