"""Write an Alignment in the formats people feed to other tools.

`beads`, `tsv` and `jsonl` keep every bead, omissions included, so nothing is silently lost; `tmx`
and `moses` are parallel-corpus formats with no place for a sentence without a counterpart, so they
hold aligned beads only.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from egiz.alignment import Alignment, Bead
from egiz.errors import EgizError

FORMATS = ("beads", "tsv", "jsonl", "tmx", "moses")

TSV_HEADER = ("src_ids", "tgt_ids", "kind", "score", "src_text", "tgt_text")

# Characters outside the XML 1.0 `Char` production: a TMX reader rejects the whole file on one.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BREAKS = re.compile(r"[\t\n\r\v\f\u0085\u2028\u2029]")


def _version() -> str:
    from egiz import __version__  # the one owner of the version

    return __version__


def _kept(bead: Bead, min_score: float | None, *, keep_omissions: bool) -> bool:
    """Whether a bead passes the score filter; omissions pass where the format can hold them."""
    if bead.is_omission:
        return keep_omissions
    return min_score is None or bead.score >= min_score


def one_line(text: str) -> str:
    """Text for a line-based format (TSV, Moses): tabs and line breaks would split a record."""
    return _BREAKS.sub(" ", text)


def _xml_text(text: str) -> str:
    return escape(_XML_INVALID.sub("", one_line(text)))


def _ids(ids: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in ids) + "]"


def format_bead(bead: Bead) -> str:
    """Vecalign's bead line: `[0, 1]:[2]:0.873000` (0-based, an empty side is `[]`)."""
    return f"{_ids(bead.src)}:{_ids(bead.tgt)}:{bead.score:.6f}"


def _all_beads(alignment: Alignment, min_score: float | None) -> Iterator[tuple[Bead, str, str]]:
    """Every bead that passes the filter (omissions always do), with its joined texts."""
    for bead in alignment.beads:
        if _kept(bead, min_score, keep_omissions=True):
            yield bead, alignment.src_text(bead), alignment.tgt_text(bead)


def _write_beads(alignment: Alignment, out: TextIO, min_score: float | None) -> None:
    for bead, _, _ in _all_beads(alignment, min_score):
        out.write(format_bead(bead) + "\n")


def _write_tsv(alignment: Alignment, out: TextIO, min_score: float | None) -> None:
    out.write("\t".join(TSV_HEADER) + "\n")
    for bead, src_text, tgt_text in _all_beads(alignment, min_score):
        row = (
            ",".join(map(str, bead.src)),
            ",".join(map(str, bead.tgt)),
            bead.kind,
            f"{bead.score:.6f}",
            one_line(src_text),
            one_line(tgt_text),
        )
        out.write("\t".join(row) + "\n")


def _write_jsonl(alignment: Alignment, out: TextIO, min_score: float | None) -> None:
    for bead, src_text, tgt_text in _all_beads(alignment, min_score):
        record = {
            "src_ids": list(bead.src),
            "tgt_ids": list(bead.tgt),
            "kind": bead.kind,
            "score": bead.score if math.isfinite(bead.score) else None,  # JSON has no NaN
            "src_text": src_text,
            "tgt_text": tgt_text,
            "src_lang": alignment.src_lang,
            "tgt_lang": alignment.tgt_lang,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


class TmxWriter:
    """The one TMX 1.4b writer: a single alignment (`write_alignment`) and a mined corpus
    (`egiz.corpus.export`) both write through it. Use as a context manager; each `unit` is one
    `<tu>` with its `x-egiz-*` properties (empty values left out)."""

    def __init__(self, out: TextIO, src_lang: str, tgt_lang: str) -> None:
        self.out = out
        self.langs = (quoteattr(src_lang), quoteattr(tgt_lang))

    def __enter__(self) -> TmxWriter:
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write('<tmx version="1.4">\n')
        self.out.write(
            f'  <header creationtool="egiz" creationtoolversion={quoteattr(_version())}'
            f' segtype="sentence" o-tmf="egiz" adminlang="en" srclang={self.langs[0]}'
            ' datatype="plaintext"/>\n'
        )
        self.out.write("  <body>\n")
        return self

    def unit(self, src_text: str, tgt_text: str, props: Sequence[tuple[str, str]]) -> None:
        self.out.write("    <tu>\n")
        for name, value in props:
            if value != "":
                self.out.write(f'      <prop type="x-egiz-{name}">{_xml_text(value)}</prop>\n')
        for lang, text in zip(self.langs, (src_text, tgt_text), strict=True):
            self.out.write(f"      <tuv xml:lang={lang}><seg>{_xml_text(text)}</seg></tuv>\n")
        self.out.write("    </tu>\n")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.out.write("  </body>\n</tmx>\n")


def _write_tmx(alignment: Alignment, out: TextIO, min_score: float | None) -> None:
    with TmxWriter(out, alignment.src_lang, alignment.tgt_lang) as tmx:
        for bead in alignment.beads:
            if not _kept(bead, min_score, keep_omissions=False):
                continue
            props = [
                ("score", f"{bead.score:.6f}"),
                ("src-ids", ",".join(map(str, bead.src))),
                ("tgt-ids", ",".join(map(str, bead.tgt))),
                ("kind", bead.kind),
            ]
            tmx.unit(alignment.src_text(bead), alignment.tgt_text(bead), props)


# ---------------------------------------------------------------- output files


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """An output file name as every command takes it (``-o``): a directory, or a name ending
    in a separator, is an EgizError before any work is done. Missing parent folders are created
    when the file is written (:func:`atomic_output`)."""
    out = Path(path)
    if out.is_dir() or str(path).endswith(("/", os.sep)):
        raise EgizError(f"{path}: is a directory; -o takes a file name (or prefix)")
    return out


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """Write `path` (UTF-8, "\\n" line ends) through a temporary file in the same folder, renamed
    into place only when the block succeeds: an interrupted or failed write leaves nothing
    behind, and an existing file stays as it was. Missing parent folders are created."""
    out = check_output_path(path)
    part = out.with_name(f".{out.name}.part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stream = open(part, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    except OSError as exc:
        raise EgizError(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        with stream:
            yield stream
        os.replace(part, out)
    except BaseException as exc:
        part.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise EgizError(f"cannot write {out}: {exc.strerror or exc}") from None
        raise


_WRITERS = {"beads": _write_beads, "tsv": _write_tsv, "jsonl": _write_jsonl, "tmx": _write_tmx}


def write_alignment(
    alignment: Alignment, fmt: str, out: TextIO, *, min_score: float | None = None
) -> None:
    """Write `alignment` to `out` as beads, tsv, jsonl or tmx (moses needs two files: write_moses).

    `min_score` drops aligned beads scoring below it; omissions are still written in beads, tsv
    and jsonl (never silently lost) and never in tmx.
    """
    if fmt == "moses":
        raise ValueError("moses writes two files: use write_moses(alignment, src_path, tgt_path)")
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}") from None
    writer(alignment, out, min_score)


def moses_paths(out: Path, src_lang: str, tgt_lang: str) -> tuple[Path, Path]:
    """Moses naming: prefix `corpus` gives `corpus.kk` and `corpus.ru`."""
    out = Path(out)
    return out.with_name(f"{out.name}.{src_lang}"), out.with_name(f"{out.name}.{tgt_lang}")


def write_moses(
    alignment: Alignment, src_path: Path, tgt_path: Path, *, min_score: float | None = None
) -> int:
    """Write two line-parallel files, one aligned bead per line; return the number of lines."""
    n = 0
    with atomic_output(src_path) as src, atomic_output(tgt_path) as tgt:
        for bead in alignment.beads:
            if _kept(bead, min_score, keep_omissions=False):
                src.write(one_line(alignment.src_text(bead)) + "\n")
                tgt.write(one_line(alignment.tgt_text(bead)) + "\n")
                n += 1
    return n
