"""Write a mined corpus out of its store: parquet, tsv, jsonl, tmx or moses, with provenance.

One record per kept bead (with `include_filtered`, every aligned bead, plus `keep` and `reason`),
in corpus order (document pair, then bead). Provenance: document ids and urls, sentence indices of
the bead in each document, alignment score, bead kind and origin ("aligner", or "review": made or
changed by hand in `egiz review`, whose corrections every export reflects). Line formatting is
`egiz.export`'s, so a corpus file reads like a single alignment's. Files are written under a
temporary name and renamed when complete: an interrupted export leaves no half file behind.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from egiz.corpus.store import Store, parse_ids
from egiz.errors import EgizError
from egiz.export import (
    TSV_HEADER,
    TmxWriter,
    atomic_output,
    check_output_path,
    moses_paths,
    one_line,
)

CORPUS_FORMATS = ("parquet", "tsv", "jsonl", "tmx", "moses")
COLUMNS = (
    "src_text", "tgt_text", "src_lang", "tgt_lang", "score", "kind",
    "src_doc", "tgt_doc", "src_url", "tgt_url", "src_ids", "tgt_ids", "origin",
)  # fmt: skip
FILTER_COLUMNS = ("keep", "reason")  # with include_filtered
_PARQUET_BATCH = 10_000


def export_corpus(
    store_path: str | Path,
    out: str | Path,
    fmt: str,
    *,
    min_score: float | None = None,
    include_filtered: bool = False,
) -> int:
    """Write the corpus in `store_path` to `out` as `fmt`; return the number of records.

    `min_score` also drops beads scoring below it. For moses, `out` is a prefix: `corpus` gives
    `corpus.kk`, `corpus.ru` and `corpus.provenance.tsv` (one line per line of the other two).
    """
    if fmt not in CORPUS_FORMATS:
        raise EgizError(
            f"unknown corpus format {fmt!r}: expected one of {', '.join(CORPUS_FORMATS)}"
        )
    out = check_output_path(out)
    with Store(store_path, readonly=True) as store:
        src_lang, tgt_lang = _languages(store)
        records = _records(store, min_score, include_filtered)
        if fmt == "parquet":
            return _write_parquet(records, out, include_filtered)
        if fmt == "moses":
            src_path, tgt_path, meta_path = _paths(out, fmt, src_lang, tgt_lang)
            with (
                atomic_output(src_path) as src,
                atomic_output(tgt_path) as tgt,
                atomic_output(meta_path) as meta,
            ):
                return _write_moses(records, src, tgt, meta, include_filtered)
        with atomic_output(out) as f:
            if fmt == "tsv":
                return _write_tsv(records, f, include_filtered)
            if fmt == "jsonl":
                return _write_jsonl(records, f, include_filtered)
            return _write_tmx(records, f, src_lang, tgt_lang, include_filtered)


def export_paths(store_path: str | Path, out: str | Path, fmt: str) -> list[Path]:
    """The files `export_corpus(store_path, out, fmt)` writes (for the message that names them)."""
    with Store(store_path, readonly=True) as store:
        return _paths(Path(out), fmt, *_languages(store))


def _languages(store: Store) -> tuple[str, str]:
    return store.get_meta("src_lang") or "kk", store.get_meta("tgt_lang") or "ru"


def _paths(out: Path, fmt: str, src_lang: str, tgt_lang: str) -> list[Path]:
    """`out`, or for moses the prefix's two sides and its provenance table."""
    if fmt != "moses":
        return [out]
    return [*moses_paths(out, src_lang, tgt_lang), out.with_name(f"{out.name}.provenance.tsv")]


def _records(
    store: Store, min_score: float | None, include_filtered: bool
) -> Iterator[dict[str, Any]]:
    for row in store.beads(min_score=min_score, include_filtered=include_filtered):
        yield {
            "src_text": row["src_text"],
            "tgt_text": row["tgt_text"],
            "src_lang": row["src_lang"],
            "tgt_lang": row["tgt_lang"],
            "score": row["score"],
            "kind": row["kind"],
            "src_doc": row["src_id"],
            "tgt_doc": row["tgt_id"],
            "src_url": row["src_url"],
            "tgt_url": row["tgt_url"],
            "src_ids": list(parse_ids(row["src_ids"])),
            "tgt_ids": list(parse_ids(row["tgt_ids"])),
            "origin": row["origin"],
            "keep": bool(row["keep"]),
            "reason": row["reason"] or "",
        }


def _score(value: float) -> float | None:
    return value if math.isfinite(value) else None  # JSON has no NaN


def _write_parquet(records: Iterator[dict[str, Any]], out: Path, include_filtered: bool) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise EgizError("parquet export needs pyarrow: pip install pyarrow") from None
    fields = [
        pa.field("src_text", pa.string()),
        pa.field("tgt_text", pa.string()),
        pa.field("src_lang", pa.string()),
        pa.field("tgt_lang", pa.string()),
        pa.field("score", pa.float64()),
        pa.field("kind", pa.string()),
        pa.field("src_doc", pa.string()),
        pa.field("tgt_doc", pa.string()),
        pa.field("src_url", pa.string()),
        pa.field("tgt_url", pa.string()),
        pa.field("src_ids", pa.list_(pa.int32())),
        pa.field("tgt_ids", pa.list_(pa.int32())),
        pa.field("origin", pa.string()),
    ]
    if include_filtered:
        fields += [pa.field("keep", pa.bool_()), pa.field("reason", pa.string())]
    schema = pa.schema(fields)
    names = [f.name for f in fields]
    part = out.with_name(f".{out.name}.part")
    n = 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with pq.ParquetWriter(part, schema) as writer:
            batch: list[dict[str, Any]] = []

            def flush() -> None:
                columns = {name: [r[name] for r in batch] for name in names}
                writer.write_table(pa.Table.from_pydict(columns, schema=schema))
                batch.clear()

            for record in records:
                batch.append(record)
                n += 1
                if len(batch) >= _PARQUET_BATCH:
                    flush()
            if batch or n == 0:
                flush()  # an empty corpus is still a valid file with the schema
        os.replace(part, out)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise EgizError(f"cannot write {out}: {exc.strerror or exc}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return n


def _ids_text(ids: list[int]) -> str:
    return ",".join(map(str, ids))


_TSV_COLUMNS = ("src_doc", "tgt_doc", *TSV_HEADER, "src_url", "tgt_url", "origin")


def _tsv_row(r: dict[str, Any], include_filtered: bool, *, texts: bool = True) -> str:
    values = [
        r["src_doc"],
        r["tgt_doc"],
        _ids_text(r["src_ids"]),
        _ids_text(r["tgt_ids"]),
        r["kind"],
        f"{r['score']:.6f}",
    ]
    if texts:
        values += [r["src_text"], r["tgt_text"]]
    values += [r["src_url"], r["tgt_url"], r["origin"]]
    if include_filtered:
        values += ["1" if r["keep"] else "0", r["reason"]]
    return "\t".join(one_line(str(v)) for v in values) + "\n"


def _write_tsv(records: Iterator[dict[str, Any]], f: TextIO, include_filtered: bool) -> int:
    header = _TSV_COLUMNS + (FILTER_COLUMNS if include_filtered else ())
    f.write("\t".join(header) + "\n")
    n = 0
    for r in records:
        f.write(_tsv_row(r, include_filtered))
        n += 1
    return n


def _write_jsonl(records: Iterator[dict[str, Any]], f: TextIO, include_filtered: bool) -> int:
    names = COLUMNS + (FILTER_COLUMNS if include_filtered else ())
    n = 0
    for r in records:
        record = {k: r[k] for k in names}
        record["score"] = _score(r["score"])
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def _write_tmx(
    records: Iterator[dict[str, Any]],
    f: TextIO,
    src_lang: str,
    tgt_lang: str,
    include_filtered: bool,
) -> int:
    n = 0
    with TmxWriter(f, src_lang, tgt_lang) as tmx:
        for r in records:
            props = [
                ("score", f"{r['score']:.6f}"),
                ("src-ids", _ids_text(r["src_ids"])),
                ("tgt-ids", _ids_text(r["tgt_ids"])),
                ("kind", r["kind"]),
                ("src-doc", str(r["src_doc"])),
                ("tgt-doc", str(r["tgt_doc"])),
                ("src-url", str(r["src_url"])),
                ("tgt-url", str(r["tgt_url"])),
                ("origin", str(r["origin"])),
            ]
            if include_filtered and not r["keep"]:
                props.append(("filtered", r["reason"]))
            tmx.unit(r["src_text"], r["tgt_text"], props)
            n += 1
    return n


def _write_moses(
    records: Iterator[dict[str, Any]],
    src: TextIO,
    tgt: TextIO,
    meta: TextIO,
    include_filtered: bool,
) -> int:
    header = [c for c in _TSV_COLUMNS if c not in ("src_text", "tgt_text")]
    meta.write("\t".join(header + list(FILTER_COLUMNS if include_filtered else ())) + "\n")
    n = 0
    for r in records:
        src.write(one_line(r["src_text"]) + "\n")
        tgt.write(one_line(r["tgt_text"]) + "\n")
        meta.write(_tsv_row(r, include_filtered, texts=False))
        n += 1
    return n
