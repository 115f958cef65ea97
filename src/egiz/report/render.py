"""Renderers for a divergence `Report`: plain text, rich (colour), self-contained HTML, JSON."""

from __future__ import annotations

import html
import json
import shutil
import textwrap

from egiz.alignment import Alignment, Bead
from egiz.report.diverge import Report

__all__ = ["bead_kinds", "render_html", "render_json", "render_rich", "render_text"]

# Bead kinds, most important first (a bead gets the first that applies).
KINDS = ("only-src", "only-tgt", "number", "name", "paraphrase", "aligned")
_LABELS = {
    "only-src": "only {src}",
    "only-tgt": "only {tgt}",
    "number": "number mismatch",
    "name": "name mismatch",
    "paraphrase": "paraphrase",
    "aligned": "aligned",
}


def bead_kinds(report: Report, alignment: Alignment) -> list[str]:
    """One kind per bead of `alignment` (see `KINDS`)."""
    numbers = {m.bead for m in report.number_mismatches}
    names = {m.bead for m in report.name_mismatches}
    paraphrases = {m.bead for m in report.paraphrases}
    kinds = []
    for k, bead in enumerate(alignment.beads):
        if not bead.tgt:
            kinds.append("only-src")
        elif not bead.src:
            kinds.append("only-tgt")
        elif k in numbers:
            kinds.append("number")
        elif k in names:
            kinds.append("name")
        elif k in paraphrases:
            kinds.append("paraphrase")
        else:
            kinds.append("aligned")
    return kinds


def _label(kind: str, report: Report) -> str:
    return _LABELS[kind].format(src=report.src_lang, tgt=report.tgt_lang)


def _notes(report: Report) -> dict[int, str]:
    """Extra detail per bead index: the numbers and names on one side only."""
    notes: dict[int, list[str]] = {}
    for m in report.number_mismatches:
        notes.setdefault(m.bead, []).append(
            f"numbers {report.src_lang}: {', '.join(m.only_src) or '-'}"
            f" / {report.tgt_lang}: {', '.join(m.only_tgt) or '-'}"
        )
    for m in report.name_mismatches:
        notes.setdefault(m.bead, []).append(
            f"names {report.src_lang}: {', '.join(m.only_src) or '-'}"
            f" / {report.tgt_lang}: {', '.join(m.only_tgt) or '-'}"
        )
    for m in report.paraphrases:
        notes.setdefault(m.bead, []).append(f"score {m.score:.3f}")
    for m in report.moved:
        notes.setdefault(m.bead, []).append(f"moved: told at another place in {report.tgt_lang}")
    return {k: "; ".join(v) for k, v in notes.items()}


def _summary_lines(report: Report) -> list[str]:
    whole = sum(b.whole_paragraph for b in report.only_src + report.only_tgt)
    return [
        f"coverage {report.src_lang}: {report.coverage_src:.1%}   "
        f"{report.tgt_lang}: {report.coverage_tgt:.1%}",
        f"only {report.src_lang}: {len(report.only_src)} block(s)   "
        f"only {report.tgt_lang}: {len(report.only_tgt)} block(s)   "
        f"({whole} whole paragraph(s))",
        f"number mismatches: {len(report.number_mismatches)}   "
        f"name mismatches: {len(report.name_mismatches)}   "
        f"paraphrases (score < {report.paraphrase_below:g}): {len(report.paraphrases)}",
    ]


def _ids(bead: Bead) -> tuple[str, str]:
    return ",".join(map(str, bead.src)), ",".join(map(str, bead.tgt))


def _whole(report: Report) -> set[tuple[str, int]]:
    """(side, sentence) of sentences in a whole unaligned paragraph."""
    return {
        (b.side, i) for b in report.only_src + report.only_tgt if b.whole_paragraph
        for i in b.sentences
    }  # fmt: skip


def _is_whole(bead: Bead, whole: set[tuple[str, int]]) -> bool:
    return any(("src", i) in whole for i in bead.src) or any(("tgt", j) in whole for j in bead.tgt)


def render_text(report: Report, alignment: Alignment, console_width: int | None = None) -> str:
    """Plain text: a summary, then every bead, side by side when the width allows (>= 100
    columns), stacked otherwise."""
    width = console_width or shutil.get_terminal_size((100, 24)).columns
    kinds = bead_kinds(report, alignment)
    notes = _notes(report)
    whole = _whole(report)
    lines = _summary_lines(report)
    lines.append("=" * min(width, 100))
    col = (width - 3) // 2
    for k, (bead, kind) in enumerate(zip(alignment.beads, kinds, strict=True)):
        src, tgt = alignment.src_text(bead), alignment.tgt_text(bead)
        s_ids, t_ids = _ids(bead)
        head = f"[{k}] {_label(kind, report)}  {report.src_lang} {s_ids or '-'} | "
        head += f"{report.tgt_lang} {t_ids or '-'}"
        if _is_whole(bead, whole):
            head += "  (whole paragraph)"
        if k in notes:
            head += f"  {notes[k]}"
        lines.append(head)
        if width >= 100:
            left = textwrap.wrap(src, col) or [""]
            right = textwrap.wrap(tgt, col) or [""]
            for i in range(max(len(left), len(right))):
                a = left[i] if i < len(left) else ""
                b = right[i] if i < len(right) else ""
                lines.append(f"{a:<{col}} | {b}".rstrip())
        else:
            for lang, text in ((report.src_lang, src), (report.tgt_lang, tgt)):
                if text:
                    lines.extend(
                        textwrap.wrap(text, max(width, 20), initial_indent=f"{lang}: ",
                                      subsequent_indent="    ")
                    )  # fmt: skip
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_RICH_STYLES = {
    "aligned": "",
    "only-src": "bold magenta",
    "only-tgt": "bold cyan",
    "number": "bold red",
    "name": "yellow",
    "paraphrase": "dim yellow",
}


def render_rich(report: Report, alignment: Alignment) -> None:
    """Print the report with colour to stdout (rich): a summary and a two-column table."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    for line in _summary_lines(report):
        console.print(Text(line))
    table = Table(show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column(report.src_lang, ratio=1)
    table.add_column(report.tgt_lang, ratio=1)
    notes = _notes(report)
    for k, (bead, kind) in enumerate(
        zip(alignment.beads, bead_kinds(report, alignment), strict=True)
    ):
        style = _RICH_STYLES[kind]
        label = Text(_label(kind, report), style=style)
        if k in notes:
            label.append("\n" + notes[k], style="dim")
        table.add_row(
            str(k),
            label,
            Text(alignment.src_text(bead), style=style),
            Text(alignment.tgt_text(bead), style=style),
        )
    console.print(table)


_CSS = """
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;
color:#1b1b1b;background:#fafafa}
h1{font-size:1.2em;margin:0 0 8px}
.summary{display:flex;flex-wrap:wrap;gap:8px 20px;margin-bottom:8px}
.figure{font-size:1.4em;font-weight:600}
.legend span{display:inline-block;padding:1px 8px;margin:2px;border-radius:4px;font-size:.85em}
.bead{display:grid;grid-template-columns:1fr 1fr;gap:0 12px;margin:6px 0;padding:6px 8px;
border-left:5px solid #9bbf9b;border-radius:4px;background:#fff}
.bead .meta{grid-column:1/-1;font-size:.8em;color:#555}
.bead p{margin:0;overflow-wrap:anywhere}
.bead p:empty::before{content:"\\2014";color:#aaa}
.aligned{border-color:#9bbf9b}
.only-src{border-color:#b04fc2;background:#f8ecfa}
.only-tgt{border-color:#2a8fb0;background:#e8f5fa}
.number{border-color:#d0342c;background:#fdeceb}
.name{border-color:#d9a400;background:#fff8e1}
.paraphrase{border-color:#e08a00;background:#fff3e0}
.whole .meta::after{content:" \\00b7 whole paragraph";font-weight:600}
@media (max-width:640px){.bead{grid-template-columns:1fr}
.bead p+p{margin-top:4px;padding-top:4px;border-top:1px dashed #ccc}}
"""


def render_html(report: Report, alignment: Alignment) -> str:
    """One self-contained HTML page (inline CSS, no scripts, no network assets): coverage at the
    top, then both texts bead by bead, two columns that stack on narrow screens."""
    e = html.escape
    src, tgt = report.src_lang, report.tgt_lang
    kinds = bead_kinds(report, alignment)
    notes = _notes(report)
    whole = _whole(report)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(src)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>egiz diff {e(src)}/{e(tgt)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>egiz diff: {e(src)} / {e(tgt)}</h1>",
        '<div class="summary">',
        f'<div>coverage {e(src)} <span class="figure">{report.coverage_src:.1%}</span></div>',
        f'<div>coverage {e(tgt)} <span class="figure">{report.coverage_tgt:.1%}</span></div>',
        "</div>",
    ]
    out.extend(f"<div>{e(line)}</div>" for line in _summary_lines(report)[1:])
    out.append('<div class="legend">')
    out.extend(f'<span class="{k}">{e(_label(k, report))}</span>' for k in KINDS)
    out.append("</div>")
    if report.signature:
        out.append(f'<div class="meta"><small>{e(report.signature)}</small></div>')
    out.append("<main>")
    for k, (bead, kind) in enumerate(zip(alignment.beads, kinds, strict=True)):
        s_ids, t_ids = _ids(bead)
        cls = kind + (" whole" if _is_whole(bead, whole) else "")
        meta = f"#{k} {_label(kind, report)} · {src} {s_ids or '-'} · {tgt} {t_ids or '-'}"
        if k in notes:
            meta += f" · {notes[k]}"
        out.append(
            f'<section class="bead {cls}"><div class="meta">{e(meta)}</div>'
            f'<p lang="{e(src)}">{e(alignment.src_text(bead))}</p>'
            f'<p lang="{e(tgt)}">{e(alignment.tgt_text(bead))}</p></section>'
        )
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


def render_json(report: Report) -> str:
    """The report as indented JSON (non-ASCII kept)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
