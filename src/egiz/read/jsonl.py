"""Read JSON Lines collections: one article per line, plain or gzipped, streamed line by line.

Each line is an object ``{"id", "text" or "html", "lang"?, "title"?, "date"?, "url"?}``; other
keys are ignored and ``null`` counts as absent. Scraper exports always have a few bad lines (cut
off, hand-edited, a list where a string belongs): each is reported as a "malformed" Problem with
its line number and skipped, and the rest of the file is read.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

from egiz.document import Problem
from egiz.read.record import Record, normalize_lang

__all__ = ["read_jsonl"]

_STRING_FIELDS = ("lang", "title", "text", "html", "date", "url")


def read_jsonl(path: Path, *, encoding: str | None = None) -> Iterator[Record | Problem]:
    """Yield a Record per good line and a Problem per bad one; blank lines are skipped.

    Lines are UTF-8 (as JSON requires; a BOM is allowed) unless `encoding` says otherwise. A file
    that cannot be opened, or a gzip stream that breaks off, ends with an "unreadable" Problem.
    """
    source = str(path)
    try:
        with open(path, "rb") as head:
            gzipped = head.read(2) == b"\x1f\x8b"  # by content, whatever the name says
        stream = gzip.open(path, "rb") if gzipped else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        yield Problem(source, "", "unreadable", f"cannot read ({exc.strerror or exc})")
        return
    codec = encoding or "utf-8"
    with stream:
        number = 0
        while True:
            try:
                raw = stream.readline()
            except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
                yield Problem(
                    source,
                    f"line {number + 1}",
                    "unreadable",
                    f"cannot read further ({exc}); the rest of the file is skipped",
                )
                return
            if not raw:
                return
            number += 1
            item = _parse_line(raw, number, source, codec)
            if item is not None:
                yield item


def _parse_line(raw: bytes, number: int, source: str, codec: str) -> Record | Problem | None:
    """One line as a Record, a "malformed" Problem, or None for a blank line."""
    location = f"line {number}"

    def malformed(message: str) -> Problem:
        return Problem(source, location, "malformed", message)

    if number == 1 and codec == "utf-8" and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        return None
    try:
        line = raw.decode(codec)
    except UnicodeDecodeError as exc:
        return malformed(f"not {codec} (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return malformed(f"bad JSON: {exc.msg} (column {exc.colno})")
    if not isinstance(obj, dict):
        return malformed(f"a JSON {_json_type(obj)}, not an object")

    raw_id = obj.get("id")
    # Integer ids (database keys) are taken as they are written; anything else must be a string.
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    if raw_id is None:
        return malformed('no "id"')
    if not isinstance(raw_id, str):
        return malformed(f'"id" is a JSON {_json_type(raw_id)}, not a string')
    doc_id = raw_id.strip()
    if not doc_id:
        return malformed('empty "id"')

    fields: dict[str, str] = {}
    for key in _STRING_FIELDS:
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return malformed(f'"{key}" is a JSON {_json_type(value)}, not a string')
        fields[key] = value
    text, html = fields.get("text"), fields.get("html")
    if text is None and html is None:
        return malformed('neither "text" nor "html"')
    if text is not None and not text.strip() and html is not None:
        text = None  # an empty "text" next to the page: the scraper did not extract, we do
    return Record(
        id=doc_id,
        source=source,
        location=location,
        text=text,
        html=html if text is None else None,
        lang=normalize_lang(fields.get("lang")),
        title=fields.get("title", "").strip(),
        url=fields.get("url", "").strip(),
        date=fields.get("date", "").strip(),
    )


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
