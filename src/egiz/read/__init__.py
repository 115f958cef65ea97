"""Reading input: one text (encoding detection, normalisation) or whole collections of articles.

``read_text``, ``detect_encoding`` and ``normalize_text`` read one text (:mod:`egiz.read.text`);
``read_article`` one version of an article, a text file or a saved page (:mod:`egiz.read.html`).
``read_documents`` reads folders, .txt and HTML pages, JSONL and WARC files into
:class:`~egiz.document.Document` records (:mod:`egiz.read.collection`). The heavy parsers
(trafilatura, warcio) load only when a collection has pages to parse.
"""

from __future__ import annotations

from egiz.read.collection import lang_from_url, normalize_lang, read_documents
from egiz.read.html import read_article
from egiz.read.text import detect_encoding, normalize_text, read_text

__all__ = [
    "detect_encoding",
    "lang_from_url",
    "normalize_lang",
    "normalize_text",
    "read_article",
    "read_documents",
    "read_text",
]
