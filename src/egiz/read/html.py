"""Turn a news page's HTML into its article text: decode, extract with trafilatura, drop leftovers.

Crawled pages are mostly site furniture (menus, footers, share buttons, "read also" lists); only
the article is parallel between the Kazakh and Russian versions. trafilatura finds the main
content; a small post-filter (:func:`drop_boilerplate_lines`) removes the interface lines it keeps
because sites put them inside the article container. trafilatura and lxml load on first use.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from typing import Any

from egiz.errors import InputError, missing_package, raised_by_library
from egiz.read.sniff import HEAD_BYTES, sniff_bytes
from egiz.read.text import detect_encoding, normalize_text, read_bytes, read_text

__all__ = [
    "Extracted",
    "PageError",
    "charset_of",
    "decode_html",
    "drop_boilerplate_lines",
    "extract_article",
    "is_interface_line",
    "read_article",
    "visible_text",
]

# Where a page declares its charset: <meta charset="..."> or the http-equiv Content-Type.
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Declarations that servers and CMSs default to whatever the page holds: a Cyrillic page that
# says "ISO-8859-1" would decode without error into mojibake, so these are not trusted for
# non-ASCII bytes and the encoding is detected instead.
_UNTRUSTED_CODECS = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"})

# Interface lines that trafilatura keeps because Kazakh and Russian news sites put them inside
# the article container: typo-report prompts ("Нашли ошибку? ... Ctrl+Enter", "Қате таптыңыз
# ба?"), share and subscribe calls, "read also" teasers, tags, copyright and reprint notes. Both
# language versions of a page carry them, so left in they align with each other and end up as
# fake parallel sentences. Only short lines are tested, and each pattern is either anchored at the
# start of the line or a phrase that only interface text uses: an article sentence that mentions
# Telegram or a subscription stays.
_BOILERPLATE_MAX_CHARS = 200
_BOILERPLATE = re.compile(
    "|".join(
        [
            r"ctrl\s*\+\s*enter",  # typo report, any language
            r"^(если\s+вы\s+|вы\s+)?(нашли|заметили)\s+(ошибку|опечатку)",
            r"^қате(ні|лік)?\s+(таптыңыз|байқадыңыз|байқасаңыз|тапсаңыз)",
            r"^(found\s+a\s+(typo|mistake|error))",
            r"^(поделиться|поделитесь|бөлісу|бөлісіңіз|share)\b\s*:?\s*$",
            r"подписывайтесь\s+на\s+(наш|нас|канал|telegram|телеграм|instagram|youtube)",
            r"(telegram|телеграм|instagram|инстаграм|youtube|арна|парақша)\S*\s+жазылыңыз",
            r"^(читайте|смотрите)\s+(также|еще|ещё)\b",
            r"^(тағы|сондай-ақ)\s+(оқыңыз|қараңыз)",
            r"^оқи\s+отырыңыз",
            r"^(похожие|другие|последние)\s+(новости|материалы)\s*:?\s*$",
            r"^(ұқсас|тақырыптас|соңғы)\s+(жаңалықтар|материалдар)\s*:?\s*$",
            r"^(теги|тэги|метки|тегтер|тэгтер)\s*:",
            r"все\s+права\s+защищены|барлық\s+құқықтар\s+қорғалған|all\s+rights\s+reserved",
            r"^при\s+(использовании|цитировании|перепечатке)\s+материалов",
            r"материалдарды\s+(пайдаланғанда|пайдалану\s+кезінде|көшіріп\s+басқанда)",
            r"^©",
        ]
    ),
    re.IGNORECASE,
)


class PageError(Exception):
    """One page's markup broke the parser: a problem of that page, not of the run."""


def _html_stack() -> tuple[Any, type[BaseException]]:
    """trafilatura and lxml's error base class; a missing or broken install (lxml >= 5.2 without
    lxml_html_clean, which jusText needs) is an InstallationError for the whole run."""
    try:
        import trafilatura
        from lxml.etree import LxmlError
    except ImportError as exc:
        package = exc.name or "trafilatura"
        if "lxml_html_clean" in str(exc):  # lxml >= 5.2 moved lxml.html.clean out
            package = "lxml_html_clean"
        raise missing_package("reading HTML pages", package, exc) from exc
    return trafilatura, LxmlError


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a page yields: article text ("" when none) and the metadata trafilatura found."""

    text: str
    title: str = ""
    date: str = ""
    url: str = ""


def decode_html(
    data: bytes,
    *,
    declared: str | None = None,
    encoding: str | None = None,
    name: str = "<html>",
) -> str:
    """Decode a page's bytes and normalise the text (:func:`~egiz.read.text.normalize_text`).

    `encoding` (the caller's) wins; then a byte-order mark; then valid UTF-8; then the charset the
    HTTP header `declared`, then the page's own ``<meta charset>``, each only when it decodes the
    bytes cleanly; else the encoding is detected like any text (which tells kz1048 Kazakh from
    cp1251 Russian). Raises InputError for binary data.
    """
    if encoding is not None:
        return read_text(data, encoding, name=name)
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return read_text(data, name=name)  # a byte-order mark beats any declaration
    if not data.isascii():
        # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the page says: Russian and Kazakh
        # hosts often send "charset=windows-1251" by default for UTF-8 pages, and cp1251 would
        # decode them without an error into mojibake. Real cp1251 text is never valid UTF-8.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return read_text(data, "utf-8", name=name)
    meta = _META_CHARSET.search(data[:4096])
    candidates = [declared, meta.group(1).decode("ascii", "replace") if meta else None]
    for candidate in candidates:
        codec = _codec(candidate)
        if codec is None or (codec in _UNTRUSTED_CODECS and not data.isascii()):
            continue
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue  # the declaration is wrong: look further
        if codec == "cp1251" and detect_encoding(data, name=name) == "kz1048":
            # Kazakh pages in the KZ-1048 code page are often labelled windows-1251, which reads
            # қ ә ң ғ ү ұ ө һ as Macedonian and Ukrainian letters (see egiz.read.text).
            codec = "kz1048"
        return read_text(data, codec, name=name)
    return read_text(data, name=name)


def charset_of(content_type: str) -> str | None:
    """The charset parameter of an HTTP Content-Type header, if any."""
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def extract_article(html: str, *, url: str = "") -> Extracted:
    """Extract the main text and metadata of a page.

    Precision over recall: a missed paragraph costs one sentence pair, a kept menu costs noise in
    every pair of pages. Paragraphs are separated by "\\n"; comments and tables are left out.
    Dates come only from the page's metadata and markup (no guessing from random dates in the
    text), as YYYY-MM-DD.
    """
    trafilatura, lxml_error = _html_stack()
    if not re.search(r"<(html|body)\b", html[:4096], re.IGNORECASE):
        # A fragment (JSONL "html" is often just the article body): trafilatura wants a document.
        html = f"<html><body>{html}</body></html>"
    try:
        result = trafilatura.bare_extraction(
            html,
            url=url or None,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            favor_precision=True,
            with_metadata=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except ImportError as exc:  # a parser module trafilatura loads late
        raise missing_package("reading HTML pages", exc.name or "trafilatura", exc) from exc
    except (lxml_error, ValueError, UnicodeError, RecursionError) as exc:
        raise PageError(str(exc) or type(exc).__name__) from exc
    except Exception as exc:  # trafilatura tripping over one odd page; egiz's own bugs propagate
        if not raised_by_library(exc):
            raise
        raise PageError(f"{type(exc).__name__}: {exc}") from exc
    if result is None:
        return Extracted("")
    # trafilatura >= 2 returns a Document object, 1.x a dict.
    fields = result if isinstance(result, dict) else {}

    def get(key: str) -> str:
        value = fields.get(key) if fields else getattr(result, key, None)
        return value.strip() if isinstance(value, str) else ""

    text = drop_boilerplate_lines(normalize_text(get("text")))
    return Extracted(text, title=get("title"), date=get("date"), url=get("url"))


def is_interface_line(line: str) -> bool:
    """Whether a line is one of the site interface lines of ``_BOILERPLATE`` ("Нашли ошибку?
    Выделите ее и нажмите Ctrl+Enter", "Бөлісу:", "© 2024 ..."); long lines never are."""
    return len(line) <= _BOILERPLATE_MAX_CHARS and bool(_BOILERPLATE.search(line.strip()))


def drop_boilerplate_lines(text: str) -> str:
    """Remove the interface lines trafilatura keeps (see ``_BOILERPLATE``); strip the ends."""
    return "\n".join(line for line in text.split("\n") if not is_interface_line(line)).strip()


def visible_text(html: str) -> str:
    """The text a browser would show (scripts, styles and the head left out).

    Only used to tell an empty page (nothing to show: a JavaScript shell, a blank body) from a
    page that has text but no article in it.
    """
    _html_stack()  # lxml with its html package, or one clear installation error
    import lxml.html
    from lxml.etree import ParserError

    # Bytes and an explicit encoding: lxml refuses str input that has an XML encoding declaration.
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (ParserError, ValueError):
        return ""
    for element in tree.xpath("//script|//style|//noscript|//template|//head"):
        element.drop_tree()
    return normalize_text(tree.text_content()).strip()


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def read_article(source: str | os.PathLike[str], encoding: str | None = None) -> str:
    """The text of one version of an article, from a text file or a saved HTML page ("-": stdin).

    A page (sniffed from its bytes, not its name) gives its article text as `egiz mine` reads it
    (trafilatura, then the interface lines dropped; paragraphs on their own lines), with its
    title as the first paragraph: a title is part of what the two versions say (`mine` keeps it
    apart, as metadata). Aligned as text, a page's menus, scripts and footer would pair with the
    other version's. Raises InputError, one line naming the input, for what cannot be read, a
    page without article text, or a JSONL or WARC collection.
    """
    data, name = read_bytes(source)
    kind = sniff_bytes(data[:HEAD_BYTES]).kind
    if kind in ("jsonl", "warc"):  # many articles: which two are versions of one is `pair`'s job
        raise InputError(
            f"{name}: a {kind.upper()} file holds a collection, not one text: "
            "use egiz pair or egiz mine"
        )
    if kind != "html":
        return read_text(data, encoding, name=name)
    html = decode_html(data, encoding=encoding, name=name)
    try:
        page = extract_article(html)
    except PageError as exc:
        raise InputError(f"{name}: the HTML page could not be parsed ({exc})") from None
    if not page.text.strip():
        raise InputError(f"{name}: the HTML page has no article text")
    title = page.title.strip()
    if title and not page.text.lstrip().startswith(title):
        return f"{title}\n{page.text}"
    return page.text
