"""Read whole collections of articles (folders, HTML pages, JSONL, WARC) into Documents.

Mining a crawl means reading thousands of pages of which some are always broken: a bad JSON line,
a truncated WARC record, a page that is only menus. None of that stops a run: every such record is
reported as a :class:`~egiz.document.Problem` and skipped. Only usage errors (a source that does
not exist, an unknown encoding or language) raise InputError, before anything is read.

Readers (:mod:`egiz.read.jsonl`, :mod:`egiz.read.warc`, and the file readers here) produce
:class:`Record` s as the source gives them; :func:`read_documents` turns those into Documents the
same way for every format: HTML extraction, empty and boilerplate checks, language, unique ids.
"""

from __future__ import annotations

import codecs
import itertools
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from egiz.document import Document, Problem
from egiz.errors import InputError

__all__ = ["MIN_LETTERS", "Record", "lang_from_url", "normalize_lang", "read_documents"]

# An article has at least this many letters once menus and interface lines are gone; below it a
# page is a headline, a caption or leftover furniture, nothing worth aligning.
MIN_LETTERS = 40

# File kinds by name ending (lower case). Longer endings first: "x.jsonl.gz" is JSONL, not gzip.
_KINDS = (
    (".jsonl.gz", "jsonl"),
    (".warc.gz", "warc"),
    (".jsonl", "jsonl"),
    (".warc", "warc"),
    (".html", "html"),
    (".htm", "html"),
    (".txt", "txt"),
)

_LETTER = re.compile(r"[^\W\d_]")
_LOG = logging.getLogger("egiz.read")


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


ProblemHandler = Callable[[Problem], None]


def read_documents(
    sources: Sequence[str | os.PathLike[str]],
    *,
    lang: str | None = None,
    on_problem: ProblemHandler | None = None,
    encoding: str | None = None,
) -> Iterator[Document]:
    """Read articles from `sources`: folders (searched recursively) or single files.

    Files: ``.txt`` (id = file name without extension), ``.html``/``.htm`` (main text extracted,
    title/date/url from the page), ``.jsonl``/``.jsonl.gz`` (one JSON object per line: "id",
    "text" or "html", optional "lang", "title", "date", "url"), ``.warc``/``.warc.gz`` (HTML
    responses; id = short hash of the URL). Files in a folder are read in sorted path order, so
    the same input always gives the same documents in the same order; hidden files and files of
    other types are skipped.

    Language: the record's own (JSONL "lang"), else `lang`, else detected from the text, else (if
    the text cannot tell) from the URL (:func:`lang_from_url`). Articles in a third language are
    kept with lang "other". Ids are unique: a repeated id gets "#2", "#3"... and a "duplicate"
    problem. Records that cannot be used (malformed, empty, boilerplate only, unreadable) are
    passed to `on_problem` (default: logged as warnings on the "egiz.read" logger) and skipped.

    `encoding` forces the codec of .txt, .html and .jsonl files (WARC pages keep their declared
    charset). Raises InputError at once for a missing source, an unsupported file given by name,
    an unknown encoding or language; the documents themselves are read lazily, one at a time.
    """
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]  # a lone path is a sequence of characters: take the path
    paths = [_check_source(source) for source in sources]
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
    default_lang = None
    if lang is not None:
        default_lang = normalize_lang(lang)
        if default_lang is None:
            raise InputError(f"unknown language {lang!r} (expected kk or ru)")
    report = on_problem if on_problem is not None else _log_problem
    return _documents(paths, default_lang, report, encoding)


# --- languages ----------------------------------------------------------------------------------

_KK_TAGS = frozenset({"kk", "kaz", "kz", "qaz", "kazakh", "қаз", "қазақ", "қазақша"})
_RU_TAGS = frozenset({"ru", "rus", "russian", "рус", "русский"})
_NO_TAGS = frozenset({"und", "unknown", "zxx", "mul", "mis", "xx", "none", "null"})


def normalize_lang(value: str | None) -> str | None:
    """Map a language tag to "kk", "ru" or "other"; None when it says nothing.

    "kk", "kaz", "kz" (the country code, widely used for the language), "kk-KZ", "kk_Cyrl" and
    "Қазақша" are Kazakh; "ru", "rus", "ru-RU", "ru-KZ" are Russian; any other language tag or
    name ("en", "eng", "English") is "other"; "", "und", "unknown" and non-tags are None.
    """
    if value is None:
        return None
    tag = value.strip().lower().replace("_", "-")
    primary = tag.split("-", 1)[0]
    if not primary or tag in _NO_TAGS:
        return None
    if primary in _KK_TAGS:
        return "kk"
    if primary in _RU_TAGS:
        return "ru"
    if tag == "other" or re.fullmatch(r"[a-z]{2,}", primary):
        return "other"
    return None


# Path segments that name the language of a page on Kazakh sites: inform.kz/kz/..., /ru/...;
# egov.kz/cms/kk/...; akorda.kz/kz/... "kz" alone is weak evidence: it is also the country
# (site.com/kz/ru/...), so a Russian segment next to it wins.
_URL_KK_STRONG = frozenset({"kk", "qaz", "kaz", "kk-kz", "kaz-kz"})
_URL_KK_WEAK = frozenset({"kz"})
_URL_RU = frozenset({"ru", "rus", "ru-ru", "ru-kz"})
_URL_KK_HOSTS = frozenset({"kk", "kaz", "qaz"})  # kaz.tengrinews.kz, kk.wikipedia.org


def lang_from_url(url: str) -> str | None:
    """Guess "kk" or "ru" from a page's URL; None when it does not say.

    Looks at the first subdomain (kk., kaz., qaz. → kk; ru. → ru), the first two path segments
    (/kz/, /kk/, /qaz/, /kaz/ → kk; /ru/, /rus/ → ru) and a ``lang=`` query parameter. Used only
    when the text itself is too short to tell: the URL is the site's claim, the text is evidence.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    labels = host.split(".")
    if len(labels) > 2 and labels[0] in _URL_KK_HOSTS:
        return "kk"
    if len(labels) > 2 and labels[0] == "ru":
        return "ru"
    segments = [s for s in parts.path.lower().split("/") if s][:2]
    ru = any(s in _URL_RU for s in segments)
    kk_strong = any(s in _URL_KK_STRONG for s in segments)
    kk_weak = any(s in _URL_KK_WEAK for s in segments)
    if ru and not kk_strong:
        return "ru"
    if (kk_strong or kk_weak) and not ru:
        return "kk"
    if ru:
        return None  # both /kk/ and /ru/: no claim
    query = parse_qs(parts.query)
    for key in ("lang", "language", "hl", "locale"):
        for value in query.get(key, []):
            tag = normalize_lang(value)
            if tag in ("kk", "ru"):
                return tag
    return None


# --- the run ------------------------------------------------------------------------------------


def _documents(
    paths: list[Path], default_lang: str | None, report: ProblemHandler, encoding: str | None
) -> Iterator[Document]:
    """Read every file of every source in order; finish records into Documents with unique ids."""
    seen: dict[str, str] = {}  # id -> where it was first used
    next_suffix: dict[str, int] = {}
    for root in paths:
        for path, kind in _files(root):
            for item in _read_file(path, kind, encoding):
                if isinstance(item, Problem):
                    report(item)
                    continue
                document = _finish(item, default_lang, report)
                if document is None:
                    continue
                if document.id in seen:
                    unique = _unique_id(document.id, seen, next_suffix)
                    report(
                        Problem(
                            item.source,
                            item.location,
                            "duplicate",
                            f"id {document.id!r} already used by {seen[document.id]}; "
                            f"renamed to {unique!r}",
                        )
                    )
                    document = _replace_id(document, unique)
                seen[document.id] = document.source
                yield document


def _unique_id(base: str, seen: dict[str, str], next_suffix: dict[str, int]) -> str:
    n = next_suffix.get(base, 2)
    while f"{base}#{n}" in seen:
        n += 1
    next_suffix[base] = n + 1
    return f"{base}#{n}"


def _replace_id(document: Document, new_id: str) -> Document:
    return Document(
        id=new_id,
        text=document.text,
        lang=document.lang,
        title=document.title,
        url=document.url,
        date=document.date,
        source=document.source,
    )


def _finish(record: Record, default_lang: str | None, report: ProblemHandler) -> Document | None:
    """Extract, check and label one record; report and return None when it is no article."""
    from egiz.read.text import normalize_text

    title, url, date = record.title, record.url, record.date
    if record.html is not None:
        from egiz.read.html import extract_article, visible_text

        try:
            extracted = extract_article(record.html, url=url)
        except Exception as exc:  # a parser bug on one odd page must not end a crawl-sized run
            report(_problem(record, "malformed", f"HTML extraction failed ({_one_line(exc)})"))
            return None
        text = extracted.text
        title = title or extracted.title
        url = url or extracted.url
        date = date or extracted.date
        if not _has_letters(text, 1) and not _has_letters(visible_text(record.html), 1):
            report(_problem(record, "empty", "the page has no text"))
            return None
    else:
        text = normalize_text(record.text or "").strip()
        if not text:
            report(_problem(record, "empty", "no text"))
            return None
    date = date or record.fallback_date
    if not _has_letters(text, MIN_LETTERS):
        what = "no article text on the page" if record.html is not None else "too little text"
        report(
            _problem(record, "boilerplate", f"{what} (fewer than {MIN_LETTERS} letters): skipped")
        )
        return None
    lang = record.lang or default_lang
    if lang is None:
        from egiz.text.lang import detect_language

        lang = detect_language(text)
        if lang == "unknown":
            lang = lang_from_url(url) or "unknown"
    return Document(
        id=record.id,
        text=text,
        lang=lang,
        title=title,
        url=url,
        date=date,
        source=record.where,
    )


def _has_letters(text: str, n: int) -> bool:
    """Whether `text` has at least `n` letters (stops counting there: pages can be large)."""
    return len(list(itertools.islice(_LETTER.finditer(text), n))) >= n


def _problem(record: Record, kind: str, message: str) -> Problem:
    return Problem(record.source, record.location, kind, message)


def _log_problem(problem: Problem) -> None:
    _LOG.warning("%s", problem)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


# --- files --------------------------------------------------------------------------------------


def _check_source(source: str | os.PathLike[str]) -> Path:
    path = Path(source)
    if path.is_dir():
        return path
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if _kind(path.name) is None:
        raise InputError(
            f"{path}: not a collection file "
            "(expected a folder, .txt, .html, .htm, .jsonl, .jsonl.gz, .warc or .warc.gz)"
        )
    return path


def _kind(name: str) -> str | None:
    lower = name.lower()
    for ending, kind in _KINDS:
        if lower.endswith(ending) and len(lower) > len(ending):
            return kind
    return None


def _stem(name: str) -> str:
    """File name without its collection extension: the id of a .txt or .html article."""
    lower = name.lower()
    for ending, _ in _KINDS:
        if lower.endswith(ending):
            return name[: -len(ending)]
    return name


def _files(root: Path) -> Iterator[tuple[Path, str]]:
    """The collection files under `root` (or `root` itself), sorted by path for determinism.

    Hidden files and folders (.git, .DS_Store) are skipped; symbolic links to folders are not
    followed (no cycles, no reading outside the collection).
    """
    if not root.is_dir():
        kind = _kind(root.name)
        if kind is not None:
            yield root, kind
        return
    found: list[tuple[tuple[str, ...], Path, str]] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        base = Path(folder)
        for filename in filenames:
            kind = _kind(filename)
            if kind is None or filename.startswith("."):
                continue
            path = base / filename
            found.append((path.relative_to(root).parts, path, kind))
    found.sort(key=lambda entry: entry[0])
    for _, path, kind in found:
        yield path, kind


def _read_file(path: Path, kind: str, encoding: str | None) -> Iterable[Record | Problem]:
    if kind == "jsonl":
        from egiz.read.jsonl import read_jsonl

        return read_jsonl(path, encoding=encoding)
    if kind == "warc":
        from egiz.read.warc import read_warc

        return read_warc(path)
    if kind == "html":
        return [_read_html_file(path, encoding)]
    return [_read_txt_file(path, encoding)]


def _read_txt_file(path: Path, encoding: str | None) -> Record | Problem:
    from egiz.read.text import read_text

    try:
        text = read_text(path, encoding, name=str(path))
    except InputError as exc:
        return Problem(str(path), "", "unreadable", _strip_name(exc, path))
    return Record(id=_stem(path.name), source=str(path), text=text)


def _read_html_file(path: Path, encoding: str | None) -> Record | Problem:
    from egiz.read.html import decode_html

    try:
        data = path.read_bytes()
        html = decode_html(data, encoding=encoding, name=str(path))
    except OSError as exc:
        return Problem(str(path), "", "unreadable", f"cannot read ({exc.strerror or exc})")
    except InputError as exc:
        return Problem(str(path), "", "unreadable", _strip_name(exc, path))
    return Record(id=_stem(path.name), source=str(path), html=html)


def _strip_name(exc: InputError, path: Path) -> str:
    """InputError messages start with the file name; Problem carries it separately."""
    message = str(exc)
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
