#!/usr/bin/env python
"""egiz on a realistic crawl: reading, language, pairing, boilerplate, junk, batch independence.

    .venv/bin/python bench/bench_crawl.py [--encoder e5] [--articles 60] [--out bench/out/crawl.md]

The crawl is built from public text (FLORES-200 devtest articles of the *test* pool, kk/ru/en,
and the seed pair), laid out the way real crawls come:

* site A: `.html` pages in `A/kz/` and `A/ru/`, with a menu, a footer, a visitor counter and the
  typo prompt ("Қатені байқадыңыз ба?" / "Нашли ошибку?") inside the article container;
* site B: the same kind of pages saved without an extension (`B/kz/20017`);
* site C: `.txt` pages with the furniture as text lines (menu, counter, typo prompt, "17.");
* site D: one WARC file of kk and ru pages, cut off inside its last record;
* one page in ten on one side only, a few English pages, and Russian pages that quote Kazakh
  names (Үкімет үйі, Қасым-Жомарт Тоқаев) in one of their sentences.

Everything is mined from one undeclared folder (languages detected per document). Measured: the
documents read (and skipped, with reasons), document pairs P/R against the construction,
furniture lines removed (P/R against the planted ones, at the text the aligner sees), kept corpus
beads that are junk or furniture (goal 0), and whether mining the files in 2 and 3 batches gives
the very same corpus as one run. Then `egiz pair` on the seed pair alone (.txt, .html with
chrome, no extension) with 0, 1, 10 and 100 distractors per side, and language detection on
FLORES, Tatoeba and the seeds against a letter-count baseline run in the same script.
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.datasets import DATA, flores_articles, tatoeba_pairs  # noqa: E402
from egiz import __version__  # noqa: E402
from egiz.corpus import Store, export_corpus, mine  # noqa: E402
from egiz.corpus.filters import find_boilerplate, is_junk, site_of, strip_boilerplate  # noqa: E402
from egiz.document import Document, Problem  # noqa: E402
from egiz.embed import get_encoder  # noqa: E402
from egiz.pair import pair_documents  # noqa: E402
from egiz.read import read_documents  # noqa: E402
from egiz.read.html import is_interface_line  # noqa: E402
from egiz.text.lang import detect_language, detect_sentence_language  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
SITES = ("A", "B", "C", "D")
FURNITURE = {  # per site and language: menu, typo prompt, counter, footer
    "kk": ("Басты бет | Жаңалықтар | Аймақтар | Байланыс", "Қатені байқадыңыз ба? Ctrl+Enter",
           "Қаралым: {n}", "© 2024 Барлық құқықтар қорғалған"),
    "ru": ("Главная | Новости | Регионы | Контакты", "Нашли ошибку? Выделите и нажмите Ctrl+Enter",
           "Просмотров: {n}", "© 2024 Все права защищены"),
}  # fmt: skip
NAMES = ("в Үкімет үйі", "Қасым-Жомарт Тоқаев", "в Ақорда", "в Түркістан облысы")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return out + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


# ---------------------------------------------------------------- the crawl


def english(article: dict) -> list[str]:
    lines = (DATA / "flores200-devtest" / "eng_Latn.devtest").read_text("utf-8").splitlines()
    return [lines[i] for i in article["line_ids"]]


def page_html(lang: str, title: str, body: list[str], n: int, site: str) -> str:
    menu, typo, counter, footer = FURNITURE[lang]
    paragraphs = "".join(f"<p>{s}</p>" for s in body)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f'</head><body><nav class="menu">{menu}</nav><div class="content"><h1>{title}</h1>'
        f"<article>{paragraphs}<p>{typo}</p><p>{counter.format(n=n)}</p></article></div>"
        f"<footer>{footer} | {site}.example.kz</footer></body></html>"
    )


def page_text(lang: str, body: list[str], n: int) -> tuple[str, list[str]]:
    menu, typo, counter, footer = FURNITURE[lang]
    planted = [menu, typo, counter.format(n=n), footer, "17."]
    text = "\n".join([menu, *body, typo, counter.format(n=n), "17.", footer])
    return text + "\n", planted


class Crawl:
    """The files of the crawl and what is known about them by construction."""

    def __init__(self, root: Path, articles: list[dict], seed: int = 0) -> None:
        self.root = root
        self.gold: set[tuple[str, str]] = set()
        self.body: dict[tuple[str, str], list[str]] = {}  # (lang, id) -> article sentences
        self.planted: dict[tuple[str, str], list[str]] = {}  # (lang, id) -> furniture lines
        self.quoting: set[str] = set()  # ru ids whose text quotes Kazakh names
        self.english: set[str] = set()
        self.titled: set[tuple[str, str]] = set()  # pages whose first sentence is the <title>
        rng = random.Random(seed)
        warc_pages: list[tuple[str, str, bytes]] = []
        for k, art in enumerate(articles):
            site = SITES[k % len(SITES)]
            doc_id = f"{(SITES.index(site) + 1) * 10000 + k}"
            roll = rng.random()
            langs = ("kk",) if roll < 0.1 else ("ru",) if roll < 0.2 else ("kk", "ru")
            if len(langs) == 2:
                self.gold.add((doc_id, doc_id))
            for lang in langs:
                body = list(art[lang])
                if lang == "ru" and rng.random() < 0.3 and len(body) > 1:
                    i = rng.randrange(len(body))
                    words = body[i].split()
                    words.insert(len(words) // 2, rng.choice(NAMES))
                    body[i] = " ".join(words)
                    self.quoting.add(doc_id)
                self.body[lang, doc_id] = body
                views = 100 + 37 * k
                title, rest = body[0], body[1:] or body
                if site == "C":
                    text, planted = page_text(lang, body, views)
                    self._write(site, lang, f"{doc_id}.txt", text.encode())
                    self.planted[lang, doc_id] = planted
                    continue
                self.body[lang, doc_id] = [title, *rest]
                self.titled.add((lang, doc_id))
                menu, typo, counter, footer = FURNITURE[lang]
                self.planted[lang, doc_id] = [menu, typo, counter.format(n=views), footer]
                html = page_html(lang, title, rest, views, site)
                if site == "A":
                    self._write(site, lang, f"{doc_id}.html", html.encode())
                elif site == "B":
                    self._write(site, lang, doc_id, html.encode())  # no extension
                else:
                    url = f"https://d.example.kz/{'kz' if lang == 'kk' else 'ru'}/news/{doc_id}"
                    warc_pages.append((url, lang, html.encode()))
            if k % 15 == 7:  # a third-language page
                eng = english(art)
                doc = f"{doc_id}-en"
                self.english.add(doc)
                self._write("A", "en", f"{doc}.html", page_html("kk", eng[0], eng[1:], 0, "A")
                            .replace('lang="kk"', 'lang="en"').encode())  # fmt: skip
        self.warc = self._write_warc(warc_pages)

    def _write(self, site: str, lang: str, name: str, data: bytes) -> None:
        folder = self.root / site / {"kk": "kz", "ru": "ru", "en": "en"}[lang]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)

    def _write_warc(self, pages: list[tuple[str, str, bytes]]) -> Path:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        for url, _, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")  # fmt: skip
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               http_headers=http)  # fmt: skip
            writer.write_record(record)
        data = buffer.getvalue()
        # Cut off inside the last record: a crawl that was killed while writing.
        last = data.rfind(b"\x1f\x8b\x08")
        path = self.root / "D" / "crawl.warc.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data[: last + (len(data) - last) // 2])
        return path

    def warc_id(self, url: str) -> str:
        from egiz.read.warc import url_id

        return url_id(url)

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())


def true_lang(doc: Document) -> str | None:
    """The language a page was built in: its folder (kz, ru, en), or its URL for WARC pages."""
    if doc.url:
        return "kk" if "/kz/" in doc.url else "ru"
    folder = Path(doc.source.split(":")[0]).parent.name
    return {"kz": "kk", "ru": "ru", "en": "other"}.get(folder)


def key_of(doc: Document) -> str:
    """The construction's id of a document: its file name, or the last URL segment."""
    return doc.url.rsplit("/", 1)[-1] if doc.url else doc.id


def gold_pairs(crawl: Crawl, documents: list[Document]) -> set[tuple[str, str]]:
    """The true pairs in the reader's ids (WARC pages are named by a hash of their URL)."""
    by_key: dict[tuple[str, str], str] = {}
    for doc in documents:
        key = doc.url.rsplit("/", 1)[-1] if doc.url else doc.id
        lang = "kk" if "/kz/" in (doc.url or doc.source) else "ru"
        by_key[lang, key] = doc.id
        by_key[doc.lang, key_of(doc)] = doc.id
    return {
        (by_key["kk", a], by_key["ru", b])
        for a, b in crawl.gold
        if ("kk", a) in by_key and ("ru", b) in by_key
    }


# ---------------------------------------------------------------- sections


def crawl_section(crawl: Crawl, encoder: str, work: Path) -> list[str]:
    problems: list[Problem] = []
    t0 = time.perf_counter()
    documents = list(read_documents([crawl.root], on_problem=problems.append))
    read_s = time.perf_counter() - t0
    langs = Counter(d.lang for d in documents)
    truth = {d.source: true_lang(d) for d in documents}
    right_lang = sum(truth[d.source] == d.lang for d in documents)
    quoting = [d for d in documents if truth[d.source] == "ru" and key_of(d) in crawl.quoting]
    quoting_right = sum(d.lang == "ru" for d in quoting)
    quoting_total = len(quoting)
    kinds = Counter(p.kind for p in problems)
    gold = gold_pairs(crawl, documents)

    log("mining the crawl in one run ...")
    sources = crawl.files()
    t0 = time.perf_counter()
    mine([crawl.root], work / "once.db", encoder=encoder, progress=False)
    mine_s = time.perf_counter() - t0
    with Store(work / "once.db", readonly=True) as st:
        pairs = {(r[0], r[1]) for r in st.query("SELECT src_id, tgt_id FROM doc_pairs")}
        kept = [(r["src_text"], r["tgt_text"]) for r in st.beads()]
        stored = list(st.all_documents())
    tp = len(pairs & gold)
    p = tp / len(pairs) if pairs else 1.0
    r = tp / len(gold) if gold else 1.0

    # Furniture at the text the aligner sees: reading (extraction, interface lines) and then
    # the lines found repeated per site.
    furniture = find_boilerplate(stored)
    planted_total = planted_left = article_lines = article_lost = 0
    removed_lines = 0
    for doc in stored:
        key = (
            "kk" if doc.lang == "kk" else "ru",
            doc.url.rsplit("/", 1)[-1] if doc.url else doc.id,
        )
        if key not in crawl.planted:
            continue
        text, removed = strip_boilerplate(doc.text, furniture.of(site_of(doc)))
        removed_lines += removed
        lines = {line.strip() for line in text.split("\n")}
        for line in crawl.planted[key]:
            planted_total += 1
            planted_left += line in lines or any(line in x for x in lines)
        for sentence in crawl.body[key][1 if key in crawl.titled else 0 :]:  # titles: metadata
            article_lines += 1
            article_lost += not any(sentence in x for x in text.split("\n"))
    recall = 1 - planted_left / planted_total if planted_total else 1.0
    removed_planted = planted_total - planted_left
    precision = removed_planted / (removed_planted + article_lost) if removed_planted else 1.0
    all_furniture = [f for lang in FURNITURE.values() for f in lang]
    junk = [
        (s, t) for s, t in kept
        if is_junk(s, t) or is_interface_line(s) or is_interface_line(t)
        or any(f.split("{")[0].split(":")[0] in s + t for f in all_furniture)
    ]  # fmt: skip

    log("mining the crawl in 2 and 3 batches ...")
    reference = _export(work / "once.db", work)
    batch_rows = []
    for k in (2, 3):
        store = work / f"batches{k}.db"
        order = sorted(sources, key=lambda p: hash_key(str(p.relative_to(crawl.root))))
        t0 = time.perf_counter()
        for b in range(k):
            mine(order[b::k], store, encoder=encoder, progress=False)
        seconds = time.perf_counter() - t0
        same = _export(store, work) == reference
        with Store(store, readonly=True) as st:
            bpairs = {(r[0], r[1]) for r in st.query("SELECT src_id, tgt_id FROM doc_pairs")}
        batch_rows.append([f"{k} runs", "yes" if same else "**no**",
                           "yes" if bpairs == pairs else "**no**", f"{seconds:.1f} s"])  # fmt: skip

    lines = [
        "## 1. A realistic crawl, mined from one undeclared folder",
        "",
        f"{len(crawl.files())} files: {len(crawl.body)} article pages on 4 sites "
        f"({len(crawl.gold)} kk-ru pairs, the rest on one side only), {len(crawl.english)} "
        f"English pages, {len(crawl.quoting)} Russian pages quoting Kazakh names; site B saved "
        "without extensions, site D in one WARC cut off inside its last record.",
        "",
        *md_table(
            ["measure", "value"],
            [
                ["documents read", f"{len(documents)} ({dict(sorted(langs.items()))})"],
                ["problems reported", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))],
                ["language right (document level)", f"{right_lang} / {len(documents)}"],
                [
                    "Russian pages quoting Kazakh names read as Russian",
                    f"{quoting_right} / {quoting_total}",
                ],
                [
                    "document pairs P / R",
                    f"{p:.3f} / {r:.3f} ({tp} of {len(gold)} true pairs, {len(pairs) - tp} wrong)",
                ],
                [
                    "furniture lines removed: P / R (vs planted)",
                    f"{precision:.3f} / {recall:.3f} "
                    f"({removed_planted} of {planted_total} planted lines gone, {article_lost} "
                    f"article sentences lost)",
                ],
                [
                    "repeated lines found per site",
                    ", ".join(
                        f"{site_name(s, crawl.root)}: {len(v)}"
                        for s, v in sorted(furniture.lines.items())
                    ),
                ],
                ["corpus beads kept", str(len(kept))],
                ["kept beads that are junk or furniture (goal 0)", str(len(junk))],
                ["time: read / mine (one run)", f"{read_s:.1f} s / {mine_s:.1f} s"],
            ],
        ),
        "",
        "Same corpus when the files arrive in several runs (each run mines a share of the files "
        "into the same store):",
        "",
        *md_table(["batches", "corpus identical (export)", "pairs identical", "time"], batch_rows),
        "",
    ]
    if junk:
        lines += ["Junk beads kept:", "", *(f"- `{s}` ↔ `{t}`" for s, t in junk[:10]), ""]
    return lines


def site_name(site: str, root: Path) -> str:
    return site[len(str(root)) + 1 :] if site.startswith(str(root)) else site


def hash_key(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode()).hexdigest()


def _export(store: Path, work: Path) -> str:
    out = work / f"{store.stem}.jsonl"
    export_corpus(store, out, "jsonl", include_filtered=True)
    return out.read_text(encoding="utf-8")


def seed_section(encoder: str, work: Path) -> list[str]:
    """`egiz pair` (read_documents + pair_documents) on the seed pair with distractors."""
    kk_text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    ru_text = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")
    pool = flores_articles()  # 281 articles: 100 + 100 distinct ones are needed
    rows = []
    for form in ("txt", "html", "no extension"):
        for n in (0, 1, 10, 100):
            root = work / f"seed-{form}-{n}".replace(" ", "_")
            for lang, text, folder in (("kk", kk_text, "kk"), ("ru", ru_text, "ru")):
                (root / folder).mkdir(parents=True)
                paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
                if form == "txt":
                    (root / folder / "seed.txt").write_text(text, encoding="utf-8")
                else:
                    html = page_html(lang, paragraphs[0], paragraphs[1:], 4242, "S")
                    name = "seed.html" if form == "html" else "seed"
                    (root / folder / name).write_text(html, encoding="utf-8")
                # distractors: different articles on each side (even ones kk, odd ones ru)
                for k in range(n):
                    art = pool[2 * k + (lang == "ru")]
                    (root / folder / f"d{k}.txt").write_text("\n".join(art[lang]), "utf-8")
            src = list(read_documents([root / "kk"], lang="kk"))
            tgt = list(read_documents([root / "ru"], lang="ru"))
            result = pair_documents(src, tgt, encoder=encoder)
            found = [(p.src_id, p.tgt_id) for p in result.pairs]
            scores = [p.score for p in result.pairs if (p.src_id, p.tgt_id) == ("seed", "seed")]
            wrong = len(found) - len(scores)
            shown = f"{scores[0]:.3f}" if scores else "-"
            rows.append([form, n, "yes" if scores else "**no**", shown, wrong])
    return [
        "## 2. `egiz pair` on the seed pair alone, and with distractors",
        "",
        "Two folders, `kk/` and `ru/`, holding the seed article (as text, as a page with menu, "
        "footer, typo prompt and counter, or as such a page without an extension) and n unrelated "
        "FLORES articles per side (different articles on the two sides, drawn from all of "
        "devtest: 200 are needed).",
        "",
        *md_table(
            [
                "seed as",
                "distractors per side",
                "seed pair found",
                "its probability",
                "wrong pairs",
            ],
            rows,
        ),
        "",
    ]


_KK_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def letter_rate(text: str) -> str:
    """The baseline: the share of Kazakh-only letters among Cyrillic letters (>= 1.5%: kk)."""
    cyr = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    if len(cyr) < 20:
        return "unknown"
    return "kk" if sum(ch in _KK_LETTERS for ch in cyr) >= 0.015 * len(cyr) else "ru"


def language_section() -> list[str]:
    arts = flores_articles()
    tat = tatoeba_pairs()
    sentences = [(lang, s) for a in arts for lang in ("kk", "ru") for s in a[lang]]
    sentences += [(lang, s) for k, r in tat for lang, s in (("kk", k), ("ru", r))]
    long = [(lang, s) for lang, s in sentences if len(s.split()) >= 5]
    docs = [(lang, "\n".join(a[lang])) for a in arts for lang in ("kk", "ru")]
    seeds = [("kk", next(SEEDS.glob("000_*.txt")).read_text("utf-8")),
             ("ru", next(SEEDS.glob("001_*.txt")).read_text("utf-8"))]  # fmt: skip
    quoted = []
    for i, (lang, s) in enumerate(long):
        if lang == "ru":
            words = s.split()
            quoted.append(
                " ".join([*words[: len(words) // 2], NAMES[i % 4], *words[len(words) // 2 :]])
            )
    rows = []
    for name, doc_fn, sent_fn in (
        ("egiz (words: letters, function words, endings)", detect_language,
         detect_sentence_language),
        ("baseline: Kazakh letters >= 1.5% (egiz before)", letter_rate, letter_rate),
    ):  # fmt: skip
        d_ok = sum(doc_fn(t) == lang for lang, t in docs)
        s_ok = sum(doc_fn(t) == lang for lang, t in seeds)
        got = [sent_fn(s) for _, s in long]
        right = sum(g == lang for g, (lang, _) in zip(got, long, strict=True))
        unknown = sum(g == "unknown" for g in got)
        wrong = len(long) - right - unknown
        kk_called = sum(sent_fn(s) == "kk" for s in quoted)
        rows.append([
            name, f"{d_ok / len(docs):.4f} ({d_ok}/{len(docs)})", f"{s_ok}/2",
            f"{right / len(long):.4f}", f"{unknown}", f"{wrong}",
            f"{kk_called} of {len(quoted)}",
        ])  # fmt: skip
    return [
        "## 3. Language detection",
        "",
        f"Documents: the {len(arts)} FLORES-200 devtest articles in kk and ru. Sentences: FLORES "
        f"and Tatoeba kaz-rus sentences of 5 or more words ({len(long)}). Russian sentences "
        "with a Kazakh name: each Russian one of those with one of "
        f"{', '.join(NAMES)} inserted mid-sentence. Sentence level: egiz's "
        "`detect_sentence_language` (answers unknown rather than guess); the baseline has no "
        "such level and is applied to sentences as to documents.",
        "",
        *md_table(
            [
                "detector",
                "documents right",
                "seeds right",
                "sentences right",
                "sentences unknown",
                "sentences wrong",
                "Russian + Kazakh name called kk",
            ],
            rows,
        ),
        "",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "crawl.md"))
    args = ap.parse_args(argv)
    encoder = get_encoder(args.encoder)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sig = (
        f"egiz:{__version__}|enc:{encoder.name}|crawl:flores-test-{args.articles}-articles"
        "|sites:4|seed:0"
    )
    lines = [f"# egiz crawl benchmark ({stamp})", "", f"`{sig}`", "",
             f"python {platform.python_version()}", ""]  # fmt: skip
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="egiz-crawl-") as tmp:
        work = Path(tmp)
        crawl = Crawl(work / "crawl", flores_articles("test")[: args.articles])
        lines += crawl_section(crawl, args.encoder, work)
        lines += seed_section(args.encoder, work)
    lines += language_section()
    lines.append(f"Total {time.perf_counter() - t0:.0f} s.")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
