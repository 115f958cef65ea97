"""What a collection file holds, read from its first bytes: HTML, WARC, JSONL, plain text or junk.

Crawls do not keep tidy extensions: wget and httrack save pages as ``index.php?id=7``,
``news/15307`` or ``page.aspx``, archives get renamed, a ``.txt`` turns out to be a saved page.
So the kind of a file comes from its content: a WARC starts with a ``WARC/1.x`` line, a JSONL
file with a JSON object, a page has ``<html>``/``<body>``/``<head>`` (or a doctype) near the
top; other text is plain text; anything else (images, PDFs, archives) is not an article and is
skipped with its reason. gzip is looked through (``.warc.gz``, ``.jsonl.gz``, a gzipped page).

Only a folder's obvious non-pages (images, scripts, styles, fonts, office files, by extension)
are skipped without opening them; a file the user names is always sniffed.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = ["ASSET_EXTENSIONS", "Sniffed", "asset_extension", "sniff_bytes", "sniff_file"]

HEAD_BYTES = 64 * 1024  # what is looked at: enough for a page's <head>, never the whole file
_GZIP_MAGIC = b"\x1f\x8b"

# Extensions of files a crawl saves next to its pages that are never article text. Files in a
# folder with these are skipped (and named) without being opened.
_ASSETS = """
    png jpg jpeg gif webp svg ico bmp tif tiff avif heic css js mjs map woff woff2 ttf otf eot
    mp3 mp4 m4a webm ogg ogv wav avi mov flv pdf doc docx xls xlsx ppt pptx odt ods rtf
    zip tar tgz bz2 xz 7z rar exe dll so bin dat db sqlite json csv tsv xml rss atom
    yml yaml toml ini cfg py sh md rst swp lock
"""
ASSET_EXTENSIONS = frozenset(_ASSETS.split())

# Signatures of common binary files, for a message that says what was skipped. (A short table:
# the only question here is "which kind of non-text", not a full file-type database.)
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
)
_HTML_START = re.compile(
    rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAG = re.compile(rb"<(html|head|body)\b[^>]*>", re.I)
_BLOCK_TAGS = re.compile(
    rb"</?(p|div|br|span|a|h[1-6]|article|section|table|li|meta|title)\b", re.I
)
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"


@dataclass(frozen=True, slots=True)
class Sniffed:
    """`kind` "html", "warc", "jsonl", "txt" or "skip" (with `reason`); `gzipped` says whether
    the bytes are a gzip stream (the readers decompress them)."""

    kind: str
    gzipped: bool = False
    reason: str = ""


def asset_extension(name: str) -> str | None:
    """The extension of `name` when it marks a non-page (``.png``, ``.css`` ...), else None.

    ``.gz`` is looked through: ``x.json.gz`` is JSON, ``x.html.gz`` is not an asset.
    """
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    suffix = lower.rsplit(".", 1)[-1] if "." in lower.lstrip(".") else ""
    return f".{suffix}" if suffix in ASSET_EXTENSIONS else None


def sniff_file(path: Path) -> Sniffed:
    """Sniff the file at `path` (reads at most HEAD_BYTES, decompressed). Raises OSError when it
    cannot be opened."""
    with open(path, "rb") as stream:
        head = stream.read(HEAD_BYTES)
        if not head.startswith(_GZIP_MAGIC):
            return sniff_bytes(head)
        inner, error = _gunzip_head(head, stream)
    if not inner.strip() and error:
        return Sniffed("skip", True, f"broken gzip data ({error})")
    found = sniff_bytes(inner)
    return Sniffed(found.kind, True, found.reason)


def _gunzip_head(head: bytes, stream: BinaryIO) -> tuple[bytes, str]:
    """Up to HEAD_BYTES of the first gzip member, and the error that stopped it ("" if none).

    Decompressed piece by piece, so a file that is cut off or corrupt further on still shows its
    beginning: the readers then report the damage where it is.
    """
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = b""
    data = head
    while data and len(out) < HEAD_BYTES and not decompressor.eof:
        try:
            out += decompressor.decompress(data, HEAD_BYTES - len(out))
        except zlib.error as exc:
            return out, str(exc)
        data = decompressor.unconsumed_tail or stream.read(HEAD_BYTES)
    return out, ""


def sniff_bytes(head: bytes) -> Sniffed:
    """The kind of a file that starts with `head` (already decompressed)."""
    if not head.strip():
        return Sniffed("txt")  # empty: the text reader reports it as empty
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return Sniffed("skip", reason=f"not text: {what}")
    text = _ascii_view(head)
    if text is None:
        return Sniffed("skip", reason="not text: binary data")
    stripped = text.lstrip()
    if stripped.startswith(b"WARC/"):
        return Sniffed("warc")
    if stripped.startswith(b"{"):
        return Sniffed("jsonl")
    if stripped.startswith(b"["):
        return Sniffed("skip", reason="JSON that is not one object per line (JSONL)")
    if _HTML_START.match(text) or _HTML_TAG.search(text):
        return Sniffed("html")
    if stripped.startswith(b"<") and len(_BLOCK_TAGS.findall(text[:8192])) >= 3:
        return Sniffed("html")  # a page fragment: markup, no <html>
    return Sniffed("txt")


def _ascii_view(head: bytes) -> bytes | None:
    """`head` as bytes in which ASCII markers can be searched: UTF-16 is re-encoded, a UTF-8
    BOM dropped. None for binary data (NUL or other control bytes all over)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        codec = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_order(head)
        return head[: len(head) & ~1].decode(codec, "replace").encode("utf-8", "replace")
    head = head.removeprefix(b"\xef\xbb\xbf")
    controls = len(head) - len(head.translate(None, _CONTROL))
    if b"\x00" in head or controls > 0.01 * len(head):
        return None
    return head


def _utf16_order(head: bytes) -> str:
    return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"


def _looks_utf16(head: bytes) -> bool:
    """BOM-less UTF-16: a NUL (ASCII) or 0x04 (Cyrillic) high byte in most code units."""
    sample = head[: min(len(head), 4096) & ~1]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    for high, low in ((odd, even), (even, odd)):
        if high.count(0) + high.count(4) >= 0.6 * len(high) and low.count(0) <= 0.05 * len(low):
            return True
    return False
