"""Read crawled pages from WARC files (plain or gzipped), streamed record by record.

Only successful HTML responses are articles; request, metadata, warcinfo and revisit records,
redirects, error pages, images and scripts are skipped without a word. A broken record (bad
header, corrupt gzip member, cut-off data) is reported as a "malformed" Problem at its byte offset;
reading resumes at the next record found after it, so one bad record costs one record, not the
file.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any

from egiz.document import Problem
from egiz.errors import InputError, raised_by_library
from egiz.read.record import Record

__all__ = ["read_warc", "url_id"]

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_START = b"\nWARC/1."  # a record's first line, after the blank lines closing the previous
_SCAN_CHUNK = 1 << 20
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def url_id(key: str) -> str:
    """A stable short id for a page: the first 16 hex digits of the SHA-1 of its URL.

    Same URL, same id, in every run and on every machine (``printf %s URL | sha1sum``); 64 bits
    keep collisions out of reach for any crawl, and the rare repeat is still made unique later.
    """
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def read_warc(path: Path) -> Iterator[Record | Problem]:
    """Yield a Record per HTML response and a Problem per broken stretch of the file; a file
    that gives neither (only requests, metadata, images) is reported as "empty"."""
    found = 0
    for item in _read_warc(path):
        found += 1
        yield item
    if not found:
        yield Problem(str(path), "", "empty", "no HTML pages in this WARC file")


def _read_warc(path: Path) -> Iterator[Record | Problem]:
    source = str(path)
    try:
        stream = open(path, "rb")  # noqa: SIM115 -- closed by the with below
    except OSError as exc:
        yield Problem(source, "", "unreadable", f"cannot read ({exc.strerror or exc})")
        return
    with stream:
        gzipped = stream.read(3) == _GZIP_MAGIC
        done = yield from _read_records(stream, source, gzipped=gzipped, skip=0)
    if done is None:
        return
    # The whole file is one gzip stream (``gzip crawl.warc``), not one member per record: warcio
    # cannot step through it record by record, so read it again as one decompressed stream,
    # passing over the records already read. Offsets then count uncompressed bytes.
    with gzip.open(path, "rb") as unzipped:
        yield from _read_records(unzipped, source, gzipped=False, skip=done)


def _read_records(
    stream: IO[bytes], source: str, *, gzipped: bool, skip: int
) -> Generator[Record | Problem, None, int | None]:
    """Read `stream` from the start, resynchronising after broken records.

    Returns None when done, or the number of records read when the stream turns out to be one
    gzip stream (see :func:`read_warc`). The first `skip` records are passed over.
    """
    from warcio.archiveiterator import ArchiveIterator

    record_errors = _record_errors()

    position: int | None = 0
    broken: tuple[int, str] | None = None  # where a bad stretch began and why: not reported yet
    count = 0  # records read whole
    while position is not None:
        stream.seek(position)
        records = ArchiveIterator(stream)
        records.INC_RECORD = ""  # warcio prints length mismatches to stderr: we report them
        last_good: int | None = None  # offset of the last record read whole by `records`
        current: int | None = None  # offset of the record being read
        try:
            for warc_record in records:
                offset = current = records.offset
                if warc_record.format != "warc":  # warcio reads any text line as an ARC header
                    raise _BadRecord("not a WARC record")
                item = _convert(warc_record, source, offset) if count >= skip else None
                # Read the record to its end before passing it on: a corrupt or cut-off tail
                # shows up here and is blamed on this record.
                records.read_to_end()
                missing = getattr(warc_record.raw_stream, "limit", 0)
                if missing:
                    raise _BadRecord(f"cut off: {missing} bytes missing")
                last_good, current = offset, None
                count += 1
                if broken is not None:
                    yield _broken(source, broken, offset)
                    broken = None
                if item is not None:
                    yield item
            position = None
        except Exception as exc:
            # warcio, zlib and HTTP parsing raise many kinds for broken data (warcio even an
            # AttributeError on a cut-off record); egiz's own exceptions are bugs: not hidden.
            if not isinstance(exc, record_errors) and not raised_by_library(exc):
                raise
            if "non-chunked gzip" in str(exc):
                return count
            at = current if current is not None else records.offset
            if broken is None:
                broken = (at, _reason(exc))
            # Resume at the next record start after the last good record, not after `at`: a
            # wrong Content-Length there makes warcio fail a few bytes into the next record,
            # which is intact. Every retry starts further on, so this ends; a candidate that
            # fails at once (gzip magic inside compressed data) joins the stretch being skipped.
            scan_from = (last_good if last_good is not None else at) + 1
            try:
                position = _next_record_start(stream, scan_from, gzipped)
            except (OSError, EOFError, zlib.error):  # a corrupt gzip stream cannot be scanned
                position = None
    if broken is not None:
        yield _broken(source, broken, None)
    return None


def _record_errors() -> tuple[type[BaseException], ...]:
    """What warcio and the decompressors raise for broken data (not for bugs)."""
    from warcio.bufferedreaders import ChunkedDataException
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    return (
        _BadRecord, ArchiveLoadFailed, StatusAndHeadersParserException, ChunkedDataException,
        ValueError, EOFError, OSError, zlib.error,
    )  # fmt: skip


class _BadRecord(Exception):
    """A record warcio parsed but that cannot be right (not WARC, shorter than it says)."""


def _convert(warc_record: Any, source: str, offset: int) -> Record | Problem | None:
    """The Record for an HTML response (or resource), None for anything else."""
    headers = warc_record.rec_headers
    if warc_record.rec_type == "response":
        http = warc_record.http_headers
        if http is None:  # dns: and other non-HTTP responses
            return None
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            return None  # redirects and error pages are not articles
        content_type = http.get_header("Content-Type") or ""
    elif warc_record.rec_type == "resource":
        content_type = headers.get_header("Content-Type") or ""
    else:
        return None
    if content_type and content_type.split(";", 1)[0].strip().lower() not in _HTML_TYPES:
        return None
    data = warc_record.content_stream().read()
    if not content_type and not _looks_like_html(data):
        return None

    from egiz.read.html import charset_of, decode_html

    location = f"offset {offset}"
    try:
        html = decode_html(data, declared=charset_of(content_type), name=location)
    except InputError as exc:  # a binary body labelled as HTML
        return Problem(source, location, "unreadable", str(exc).removeprefix(f"{location}: "))
    uri = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    record_id = headers.get_header("WARC-Record-ID") or f"{source}@{offset}"
    return Record(
        id=url_id(uri or record_id),
        source=source,
        location=location,
        html=html,
        url=uri,
        fallback_date=(headers.get_header("WARC-Date") or "").strip(),
    )


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _next_record_start(stream: IO[bytes], position: int, gzipped: bool) -> int | None:
    """Offset of the first possible record start at or after `position`; None at the end.

    A record-gzipped WARC has one gzip member per record, so a record starts at the gzip magic; a
    plain one at a "WARC/1.x" line. Scanned in chunks: memory stays bounded whatever the size.
    """
    # Plain: the match includes the newline before "WARC/1.", so scanning starts one byte early
    # and the record starts one byte after the match.
    marker, lead = (_GZIP_MAGIC, 0) if gzipped else (_WARC_START, 1)
    base = max(position - lead, 0)
    stream.seek(base)
    carry = b""
    while True:
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk:
            return None
        data = carry + chunk
        found = data.find(marker)
        if found >= 0:
            return base + found + lead
        carry = data[-(len(marker) - 1) :]
        base += len(data) - len(carry)


def _broken(source: str, broken: tuple[int, str], resume: int | None) -> Problem:
    start, reason = broken
    then = f"reading resumed at offset {resume}" if resume is not None else "nothing after it"
    return Problem(source, f"offset {start}", "malformed", f"broken WARC record ({reason}); {then}")


def _reason(exc: Exception) -> str:
    """One short printable line: warcio quotes the bad "first line", which may be binary."""
    text = re.sub(r"[^\x20-\x7e]+", "?", " ".join(str(exc).split()))
    if not isinstance(exc, _BadRecord):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= 100 else text[:97] + "..."
