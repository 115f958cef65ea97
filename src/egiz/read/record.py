"""What every collection reader hands on: a Record per article, a Problem per unusable one.

A leaf module (it imports nothing from the readers), so that the readers (:mod:`egiz.read.jsonl`,
:mod:`egiz.read.warc`, the file readers in :mod:`egiz.read.collection`) and the code that turns
Records into Documents all depend on it, and not on each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from egiz.document import Problem
from egiz.text.langcodes import KAZAKH, RUSSIAN, lang_of_tag

__all__ = ["ProblemHandler", "Record", "normalize_lang"]

ProblemHandler = Callable[[Problem], None]


@dataclass(frozen=True, slots=True)
class Record:
    """One article as its source gives it, before extraction, checks and language detection.

    Exactly one of `text` (plain, decoded) and `html` (decoded page) is set. `lang` is the
    source's own statement, already normalised (None: not said). `date` is the source's date and
    wins over the page's; `fallback_date` (a WARC record's crawl date) is used only when the page
    has none. `location` is "line N", "offset N" or "".
    """

    id: str
    source: str
    location: str = ""
    text: str | None = None
    html: str | None = None
    lang: str | None = None
    title: str = ""
    url: str = ""
    date: str = ""
    fallback_date: str = ""

    @property
    def where(self) -> str:
        """`source` and `location` as Document.source has them: "path" or "path:line 3"."""
        return f"{self.source}:{self.location}" if self.location else self.source


def normalize_lang(value: str | None) -> str | None:
    """Map a source's language label to "kk", "ru" or "other"; None when it says nothing.

    "kk", "kaz", "kz" (the country code, widely used for the language), "kk-KZ", "kk_Cyrl" and
    "Қазақша" are Kazakh; "ru", "rus", "ru-RU", "ru-KZ" are Russian; any other language tag or
    name ("en", "eng", "English") is "other"; "", "und", "unknown" and non-tags are None.
    (:func:`egiz.text.langcodes.lang_of_tag` is the parser.)
    """
    if value is not None and value.strip().lower() == "other":
        return "other"
    tag = lang_of_tag(value)
    if tag is None:
        return None
    return tag if tag in (KAZAKH, RUSSIAN) else "other"
