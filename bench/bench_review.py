#!/usr/bin/env python
"""egiz review benchmark: how fast the pair view loads, edits and moves, in headless Chromium,
and what the server holds in memory under a huge POST.

    .venv/bin/python bench/bench_review.py [--sizes 100 500 2000 10000] [--runs 5] [--out FILE]

For each size, a corpus store holds one pair of that many beads, built from FLORES-200 devtest
kk/ru sentences (1-1 beads, with every 9th Kazakh and every 11th Russian sentence left without a
counterpart, and every 13th bead a 2-1 merge; the 1,012 sentences repeat past 1,012 beads), so
no encoder runs. `egiz review --store` serves it on 127.0.0.1 and Playwright drives Debian's
Chromium (/usr/bin/chromium):

- first open: the first load of a pair ever, when the server spreads its idx values and computes
  the divergence notes of every bead once (a pair of 1,500 beads or more opens at once and gets
  its notes in the background: "notes stored" is when they are all in; one run each, it happens
  once per pair; the loads below are measured after it);
- load: navigation start -> the page says it is ready (API call + render), median of --runs loads;
- first paint: navigation start -> the first beads painted (a performance mark), median;
- render: the JavaScript render alone (the page measures it), median;
- API: GET /api/pairs/1 on the server (median) and the size of its JSON, and of a 100-bead window;
- edit: go to the middle bead, click "unlink" on it -> the re-rendered page shows it (one POST,
  one transaction, the changed beads drawn), then undo with `z`, median of --runs each, and the
  size of the edit's answer;
- keys: 50 presses of `j` (focus moves one bead each), per key, median of 3 rounds.

Baseline, in the same run and browser: loading `egiz diff --format html` of the same alignment
(static HTML, no script): what the page costs with no app at all.

Then the server's memory: RSS of `egiz review` before and after one POST that announces 1.5 GB
(Content-Length) and sends as much of it as the server reads, and one chunked POST of 1.5 GB
with no Content-Length (peak RSS from /proc/PID/status).
"""

from __future__ import annotations

import argparse
import contextlib
import json
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


def kib(n: float) -> str:
    return f"{n / 1024:.0f} KB"


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
        t0 = time.perf_counter()
        page.goto(server.base + "#/pair/1")
        page.wait_for_selector("body[data-ready='1'] .bead")
        first_open = time.perf_counter() - t0
        while not json.loads(urllib.request.urlopen(server.base + "api/pairs/1/revision").read())[
            "notes_ready"
        ]:  # a long pair's notes are computed in the background: measure once they are in
            time.sleep(0.1)
        notes_ready = time.perf_counter() - t0
        loads, paints, renders, api, static_loads = [], [], [], [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            page.goto(server.base + "#/pair/1")
            page.wait_for_selector("body[data-ready='1'] .bead")
            loads.append(time.perf_counter() - t0)
            paints.append(
                page.evaluate("() => performance.getEntriesByName('egiz-first-beads')[0].startTime")
                / 1000
            )
            renders.append(float(page.eval_on_selector("#app", "el => el.dataset.renderMs")) / 1000)
            t0 = time.perf_counter()
            body = urllib.request.urlopen(server.base + "api/pairs/1").read()
            api.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            page.goto(static.as_uri())
            page.wait_for_selector("main")
            static_loads.append(time.perf_counter() - t0)
        window = urllib.request.urlopen(server.base + "api/pairs/1/beads?start=0&count=100").read()
        page.goto(server.base + "#/pair/1")
        page.wait_for_selector("body[data-ready='1'] .bead")
        assert page.evaluate("() => document.querySelectorAll('.bead').length") <= min(size, 400)
        page.locator("#goto").fill(str(size // 2))
        page.locator("#goto").press("Enter")
        page.wait_for_selector(f'.bead.focus[data-k="{size // 2 - 1}"]')
        k = page.evaluate(
            f"() => Math.min(...[...document.querySelectorAll('.bead.one')]"
            f".map(e => +e.dataset.k).filter(k => k >= {size // 2 - 1}))"
        )
        middle = page.locator(f'.bead[data-k="{k}"]')
        i = middle.locator('.s[data-side="src"]').first.get_attribute("data-i")
        target = f'.bead:has(.s[data-side="src"][data-i="{i}"])'
        edits, undos, answers = [], [], []
        page.on(
            "response",
            lambda r: answers.append(len(r.body())) if r.url.endswith("/edit") else None,
        )
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
            page.wait_for_selector('.bead.focus[data-k="0"]')
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
        "first open ever": f"{1000 * first_open:.0f} ms",
        "notes of every bead stored (once)": f"{1000 * notes_ready:.0f} ms",
        "page load (API + render)": median_ms(loads),
        "first beads painted": median_ms(paints),
        "of which JS render": median_ms(renders),
        "GET /api/pairs/1": median_ms(api),
        "its JSON": kib(len(body)),
        "100-bead window JSON": kib(len(window)),
        "static `egiz diff` HTML load (baseline)": median_ms(static_loads),
        "load / baseline": f"{load / base:.2f}",
        "unlink click -> re-rendered": median_ms(edits),
        "undo (z) -> re-rendered": median_ms(undos),
        "edit answer JSON": kib(statistics.median(answers)) if answers else "-",
        "per `j` key": median_ms(keys),
    }


def _rss(pid: int) -> tuple[int, int]:
    """(current, peak) resident memory of a process in bytes."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024


def _huge_post(base: str, chunked: bool, total: int = 1_500_000_000) -> tuple[int, str]:
    """POST up to `total` bytes of body, 1 MiB at a time, until the server answers or stops
    reading; returns (bytes sent, the server's status line)."""
    import select
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    head = "POST /api/pairs/1/edit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += "Content-Type: application/json\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {total}\r\n\r\n"
    sock.sendall(head.encode())
    block = b" " * (1 << 20)
    data = b"%x\r\n%s\r\n" % (len(block), block) if chunked else block
    sent = 0
    answer = b""
    try:
        while sent < total:
            if select.select([sock], [], [], 0)[0]:
                answer = sock.recv(65536)
                break
            sock.sendall(data)  # blocks (10 s at most) once the server stops reading
            sent += len(block)
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass
    if not answer:
        with contextlib.suppress(OSError):
            sock.settimeout(5)
            answer = sock.recv(65536)
    sock.close()
    return sent, answer.split(b"\r\n", 1)[0].decode(errors="replace") or "(closed)"


def measure_memory(folder: Path) -> list[dict[str, str]]:
    store = folder / "memory.db"
    build_store(store, 100)
    rows = []
    for chunked in (False, True):
        server = Server(store)
        try:
            urllib.request.urlopen(server.base + "api/pairs/1").read()  # warm: pair prepared
            before, _ = _rss(server.proc.pid)
            sent, status = _huge_post(server.base, chunked)
            time.sleep(0.5)
            after, peak = _rss(server.proc.pid)
            alive = urllib.request.urlopen(server.base + "api/pairs").status
        finally:
            server.stop()
        rows.append(
            {
                "POST of 1.5 GB": "chunked, no Content-Length"
                if chunked
                else "Content-Length: 1500000000",
                "server answer": status,
                "sent before the answer": f"{sent / 2**20:.0f} MiB",
                "RSS before": f"{before / 2**20:.0f} MB",
                "RSS after": f"{after / 2**20:.0f} MB",
                "peak RSS": f"{peak / 2**20:.0f} MB",
                "server still answers": "yes" if alive == 200 else str(alive),
            }
        )
    return rows


def table(rows: list[dict[str, str]]) -> list[str]:
    head = list(rows[0])
    return [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(r[h] for h in head) + " |" for r in rows),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "review.md")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from egiz import __version__
    from egiz.review.pairview import PARAPHRASE_BELOW

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in args.sizes:
            print(f"bench_review: {size} beads", file=sys.stderr)
            rows.append(measure(size, args.runs, Path(tmp), browser))
        version = browser.version
        browser.close()
        print("bench_review: server memory under a 1.5 GB POST", file=sys.stderr)
        memory = measure_memory(Path(tmp))
    lines = [
        f"egiz {__version__} review benchmark · Chromium {version} headless · "
        f"{platform.processor() or platform.machine()} · medians of {args.runs} runs · "
        f"viewport 1280x900 · low-score threshold {PARAPHRASE_BELOW}",
        "",
        *table(rows),
        "",
        *table(memory),
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
