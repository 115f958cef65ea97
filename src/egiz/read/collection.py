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
import gzip
import itertools
import logging
import os
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from egiz.document import Document, Problem
from egiz.errors import InputError, missing_package
from egiz.read.record import ProblemHandler, Record, normalize_lang
from egiz.read.sniff import asset_extension, sniff_file
from egiz.text.langcodes import normalize_lang_code

__all__ = ["MIN_LETTERS", "Record", "lang_from_url", "normalize_lang", "read_documents"]

# An article has at least this many letters once menus and interface lines are gone; below it a
# page is a headline, a caption or leftover furniture, nothing worth aligning.
MIN_LETTERS = 40

# Name endings stripped from a file's name to make its id ("kk-weather.txt" -> "kk-weather");
# longer endings first. Other names are ids as they are ("15307", "index.php?id=7").
_ID_ENDINGS = (".jsonl", ".warc", ".xhtml", ".shtml", ".html", ".htm", ".txt")

_LETTER = re.compile(r"[^\W\d_]")
_LOG = logging.getLogger("egiz.read")


def read_documents(
    sources: Sequence[str | os.PathLike[str]],
    *,
    lang: str | None = None,
    on_problem: ProblemHandler | None = None,
    encoding: str | None = None,
) -> Iterator[Document]:
    """Read articles from `sources`: folders (searched recursively) or single files.

    Every file is read by what it holds, whatever its name (:mod:`egiz.read.sniff`): an HTML
    page (main text extracted, title/date/url from the page), a JSONL file (one JSON object per
    line: "id", "text" or "html", optional "lang", "title", "date", "url"), a WARC file (HTML
    responses; id = short hash of the URL) or plain text; gzipped or not. A page's or text's id
    is its file name less ``.txt``/``.html``/``.htm``/``.gz``. Files in a folder are read in
    sorted path order, so the same input always gives the same documents in the same order.
    Hidden files, obvious non-pages (images, scripts, styles, office files: see
    ``egiz.read.sniff.ASSET_EXTENSIONS``) and files that turn out to be binary are *skipped*:
    each is reported as a "skipped" problem that names it.

    Language: the record's own (JSONL "lang"), else `lang` (any ISO 639 / BCP 47 code: a
    declared side), else detected from the text, else (if the text cannot tell) from the URL
    (:func:`lang_from_url`). Articles in a third language are kept with lang "other". Ids are
    unique within a language: a repeated one gets "#2", "#3"... and a "duplicate" problem.
    Records that cannot be used (malformed, empty, boilerplate only, unreadable, skipped) are
    passed to `on_problem` (default: logged as warnings on the "egiz.read" logger) and skipped.

    `encoding` forces the codec of text, HTML and JSONL files (WARC pages keep their declared
    charset). Raises InputError at once for a missing source, a named file that is no text, an
    unknown encoding or language code; InstallationError when the HTML or WARC parser is not
    installed (never a per-page problem). The documents themselves are read lazily.
    """
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]  # a lone path is a sequence of characters: take the path
    paths = [_check_source(source) for source in sources]
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
    default_lang = None if lang is None else normalize_lang_code(lang)
    report = on_problem if on_problem is not None else _log_problem
    return _documents(paths, default_lang, report, encoding)


# --- languages ----------------------------------------------------------------------------------

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
    """Read every file of every source in order; finish records into Documents with ids unique
    per language (`/kz/15307` and `/ru/15307` are two versions, not a duplicate)."""
    seen_by_lang: dict[str, dict[str, str]] = {}  # lang -> id -> where it was first used
    suffix_by_lang: dict[str, dict[str, int]] = {}
    for root in paths:
        for path in _files(root, report):
            for item in _read_file(path, encoding):
                if isinstance(item, Problem):
                    report(item)
                    continue
                document = _finish(item, default_lang, report)
                if document is None:
                    continue
                seen = seen_by_lang.setdefault(document.lang, {})
                next_suffix = suffix_by_lang.setdefault(document.lang, {})
                if document.id in seen:
                    unique = _unique_id(document.id, seen, next_suffix)
                    report(
                        Problem(
                            item.source,
                            item.location,
                            "duplicate",
                            f"{document.lang} id {document.id!r} already used by "
                            f"{seen[document.id]}; "
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
        from egiz.read.html import PageError, extract_article, visible_text

        try:
            extracted = extract_article(record.html, url=url)
        except PageError as exc:  # markup the parser cannot take: this page's problem only
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
    try:
        sniffed = sniff_file(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if sniffed.kind == "skip":
        raise InputError(
            f"{path}: not a collection file ({sniffed.reason}); expected a folder, or a text, "
            "HTML, JSONL or WARC file (gzipped or not)"
        )
    return path


def _stem(name: str) -> str:
    """A file's id: its name less ``.gz`` and a text/page extension."""
    lower = name.lower()
    if lower.endswith(".gz") and len(lower) > 3:
        name, lower = name[:-3], lower[:-3]
    for ending in _ID_ENDINGS:
        if lower.endswith(ending) and len(lower) > len(ending):
            return name[: -len(ending)]
    return name


def _files(root: Path, report: ProblemHandler) -> Iterator[Path]:
    """The files to read under `root` (or `root` itself), sorted by path for determinism.

    Hidden files and folders (.git, .DS_Store) and files whose extension marks a non-page
    (.png, .css, .pdf ...) are reported as "skipped" and not opened; symbolic links to folders
    are not followed (no cycles, no reading outside the collection).
    """
    if not root.is_dir():
        yield root
        return
    found: list[tuple[tuple[str, ...], Path]] = []
    skipped: list[tuple[tuple[str, ...], Path, str]] = []
    for folder, dirnames, filenames in os.walk(root):
        base = Path(folder)
        for d in dirnames:
            if d.startswith("."):
                path = base / d
                skipped.append((path.relative_to(root).parts, path, "a hidden folder: not read"))
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            path = base / filename
            key = path.relative_to(root).parts
            asset = asset_extension(filename)
            if filename.startswith("."):
                skipped.append((key, path, "a hidden file: not read"))
            elif asset is not None:
                skipped.append((key, path, f"a {asset} file, not a page: not read"))
            else:
                found.append((key, path))
    for _, path, why in sorted(skipped, key=lambda entry: entry[0]):
        report(Problem(str(path), "", "skipped", why))
    found.sort(key=lambda entry: entry[0])
    for _, path in found:
        yield path


def _read_file(path: Path, encoding: str | None) -> Iterable[Record | Problem]:
    try:
        sniffed = sniff_file(path)
    except OSError as exc:
        return [Problem(str(path), "", "unreadable", f"cannot read ({exc.strerror or exc})")]
    if sniffed.kind == "skip":
        return [Problem(str(path), "", "skipped", f"{sniffed.reason}: not read")]
    if sniffed.kind == "jsonl":
        from egiz.read.jsonl import read_jsonl

        return read_jsonl(path, encoding=encoding)
    if sniffed.kind == "warc":
        try:
            from egiz.read.warc import read_warc
        except ImportError as exc:
            raise missing_package("reading WARC files", "warcio", exc) from exc
        return read_warc(path)
    data = _read_bytes(path, sniffed.gzipped)
    if isinstance(data, Problem):
        return [data]
    if sniffed.kind == "html":
        return [_read_html(path, data, encoding)]
    return [_read_txt(path, data, encoding)]


def _read_bytes(path: Path, gzipped: bool) -> bytes | Problem:
    """The file's bytes, decompressed; a cut-off gzip file gives what it holds, with a problem
    only when nothing at all can be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Problem(str(path), "", "unreadable", f"cannot read ({exc.strerror or exc})")
    if not gzipped:
        return data
    try:
        return gzip.decompress(data)
    except EOFError:  # cut off: keep what was written before the cut
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
    except (OSError, zlib.error) as exc:
        return Problem(str(path), "", "unreadable", f"broken gzip data ({exc})")


def _read_txt(path: Path, data: bytes, encoding: str | None) -> Record | Problem:
    from egiz.read.text import read_text

    try:
        text = read_text(data, encoding, name=str(path))
    except InputError as exc:
        return Problem(str(path), "", "unreadable", _strip_name(exc, path))
    return Record(id=_stem(path.name), source=str(path), text=text)


def _read_html(path: Path, data: bytes, encoding: str | None) -> Record | Problem:
    from egiz.read.html import decode_html

    try:
        html = decode_html(data, encoding=encoding, name=str(path))
    except InputError as exc:
        return Problem(str(path), "", "unreadable", _strip_name(exc, path))
    return Record(id=_stem(path.name), source=str(path), html=html)


def _strip_name(exc: InputError, path: Path) -> str:
    """InputError messages start with the file name; Problem carries it separately."""
    message = str(exc)
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
