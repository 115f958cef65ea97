"""Documents of a collection (for pairing and mining crawls), and problems met reading them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Document:
    """One article in one language.

    `id` is the JSONL id, or the file name without extension; `lang` is "kk", "ru", "other" or
    "unknown" (detected when the source does not say); `source` says where it came from (path, and
    line or WARC offset) for provenance and error messages.
    """

    id: str
    text: str
    lang: str
    title: str = ""
    url: str = ""
    date: str = ""  # ISO 8601 (YYYY-MM-DD or a full timestamp) when known
    source: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that could not be used: reported, counted and skipped — never silently dropped."""

    source: str  # file path
    location: str  # "line 12", "offset 3456", or "" for the whole file
    kind: str  # "malformed", "empty", "boilerplate", "duplicate", "language", "unreadable"
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.location}" if self.location else self.source
        return f"{where}: {self.kind}: {self.message}"
