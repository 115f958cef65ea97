"""The divergence report over a whole corpus store, worst pair first (`egiz diff --store`).

Each aligned pair's (corrected) alignment goes through `divergences()`; the summary keeps the
counts and the coverage, so a press office can start at the pairs where one version lacks most.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from egiz.align import DEFAULT_MIN_SCORE
from egiz.corpus.store import Store
from egiz.report.diverge import divergences

__all__ = [
    "PairDivergence",
    "render_store_html",
    "render_store_json",
    "render_store_rich",
    "render_store_text",
    "store_divergences",
]


@dataclass(frozen=True)
class PairDivergence:
    """What one document pair's versions do not share."""

    pair: int
    src_id: str
    tgt_id: str
    coverage_src: float
    coverage_tgt: float
    only_src: int  # sentences with no counterpart
    only_tgt: int
    only_src_paragraphs: int  # whole paragraphs with no counterpart
    only_tgt_paragraphs: int
    number_mismatches: int
    name_mismatches: int
    paraphrases: int
    reviewed: bool

    @property
    def worst_coverage(self) -> float:
        return min(self.coverage_src, self.coverage_tgt)


def store_divergences(
    store_path: str | Path, *, paraphrase_below: float = DEFAULT_MIN_SCORE
) -> tuple[list[PairDivergence], str, str]:
    """Every aligned pair of the store, worst first: lowest coverage on either side, then most
    number mismatches, then most sentences on one side only. Returns (pairs, src_lang,
    tgt_lang)."""
    out: list[PairDivergence] = []
    with Store(store_path, readonly=True) as store:
        src_lang = store.get_meta("src_lang") or "kk"
        tgt_lang = store.get_meta("tgt_lang") or "ru"
        for pair in store.aligned_pairs():
            info = store.pair_row(pair)
            report = divergences(store.pair_alignment(pair), paraphrase_below=paraphrase_below)
            out.append(
                PairDivergence(
                    pair=pair,
                    src_id=info["src_id"],
                    tgt_id=info["tgt_id"],
                    coverage_src=report.coverage_src,
                    coverage_tgt=report.coverage_tgt,
                    only_src=sum(len(b.sentences) for b in report.only_src),
                    only_tgt=sum(len(b.sentences) for b in report.only_tgt),
                    only_src_paragraphs=sum(b.whole_paragraph for b in report.only_src),
                    only_tgt_paragraphs=sum(b.whole_paragraph for b in report.only_tgt),
                    number_mismatches=len(report.number_mismatches),
                    name_mismatches=len(report.name_mismatches),
                    paraphrases=len(report.paraphrases),
                    reviewed=info["reviewed"] is not None,
                )
            )
    out.sort(
        key=lambda p: (p.worst_coverage, -p.number_mismatches, -(p.only_src + p.only_tgt), p.pair)
    )
    return out, src_lang, tgt_lang


_COLUMNS = (
    ("pair", "pair"),
    ("src", "{src} document"),
    ("tgt", "{tgt} document"),
    ("cov_src", "coverage {src}"),
    ("cov_tgt", "coverage {tgt}"),
    ("only_src", "only {src} (paragraphs)"),
    ("only_tgt", "only {tgt} (paragraphs)"),
    ("numbers", "numbers"),
    ("names", "names"),
    ("paraphrases", "paraphrases"),
    ("reviewed", "accepted"),
)


def _cells(p: PairDivergence) -> list[str]:
    return [
        str(p.pair),
        p.src_id,
        p.tgt_id,
        f"{p.coverage_src:.1%}",
        f"{p.coverage_tgt:.1%}",
        f"{p.only_src} ({p.only_src_paragraphs})",
        f"{p.only_tgt} ({p.only_tgt_paragraphs})",
        str(p.number_mismatches),
        str(p.name_mismatches),
        str(p.paraphrases),
        "yes" if p.reviewed else "",
    ]


def _headers(src: str, tgt: str) -> list[str]:
    return [label.format(src=src, tgt=tgt) for _, label in _COLUMNS]


def _totals(pairs: Sequence[PairDivergence], src: str, tgt: str) -> str:
    return (
        f"{len(pairs)} pairs; only {src}: {sum(p.only_src for p in pairs)} sentences, only "
        f"{tgt}: {sum(p.only_tgt for p in pairs)} sentences; number mismatches "
        f"{sum(p.number_mismatches for p in pairs)}; name mismatches "
        f"{sum(p.name_mismatches for p in pairs)}; paraphrases "
        f"{sum(p.paraphrases for p in pairs)}"
    )


def render_store_text(pairs: Sequence[PairDivergence], src: str, tgt: str) -> str:
    """A plain table, worst pair first, and a totals line."""
    rows = [_headers(src, tgt), *(_cells(p) for p in pairs)]
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    return "\n".join([*lines, "", _totals(pairs, src, tgt)]) + "\n"


def render_store_rich(pairs: Sequence[PairDivergence], src: str, tgt: str) -> None:
    """The same table in colour on the terminal: low coverage and mismatches stand out."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="egiz diff: pairs, worst first", header_style="bold")
    for name in _headers(src, tgt):
        table.add_column(name, overflow="fold")
    for p in pairs:
        cells = _cells(p)
        style = "red" if p.worst_coverage < 0.8 else "yellow" if p.worst_coverage < 0.95 else ""
        if p.number_mismatches:
            cells[7] = f"[bold red]{cells[7]}[/]"
        table.add_row(*cells, style=style)
    console = Console()
    console.print(table)
    console.print(_totals(pairs, src, tgt))


def render_store_html(pairs: Sequence[PairDivergence], src: str, tgt: str) -> str:
    """One self-contained page (inline CSS, no scripts, no network)."""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in _headers(src, tgt))
    body = []
    for p in pairs:
        cls = "bad" if p.worst_coverage < 0.8 else "warn" if p.worst_coverage < 0.95 else ""
        cells = "".join(f"<td>{e(c)}</td>" for c in _cells(p))
        body.append(f'<tr class="{cls}">{cells}</tr>')
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>egiz diff: {len(pairs)} pairs</title><style>"
        "body{font:15px/1.4 system-ui,sans-serif;margin:16px}"
        ".wrap{overflow-x:auto}table{border-collapse:collapse}"
        "th,td{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;white-space:nowrap}"
        "th{background:#f4f6f8}tr.bad{background:#fde8e8}tr.warn{background:#fff6e0}"
        f"</style></head><body><h1>egiz diff: {len(pairs)} pairs, worst first</h1>"
        f"<p>{e(_totals(pairs, src, tgt))}</p>"
        f'<div class="wrap"><table><thead><tr>{head}</tr></thead><tbody>'
        + "\n".join(body)
        + "</tbody></table></div></body></html>\n"
    )


def render_store_json(pairs: Sequence[PairDivergence], src: str, tgt: str) -> str:
    return json.dumps(
        {"src_lang": src, "tgt_lang": tgt, "pairs": [asdict(p) for p in pairs]},
        ensure_ascii=False,
        indent=2,
    )
