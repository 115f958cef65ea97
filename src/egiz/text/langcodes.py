"""One owner of language codes: every command and reader normalises them here.

Users and sources name a language in many ways: ISO 639-1 (``kk``), ISO 639-2/3 (``kaz``, ``rus``,
``ger``), BCP 47 tags with script and region (``kk-Cyrl-KZ``, ``ru_RU``), upper case (``KAZ``).
`langcodes` (the IETF/CLDR registry, no network) parses and canonicalises them; egiz keeps the
language subtag only, in its shortest form (``kaz`` -> ``kk``): the script is the text's business
(see `egiz.text.lang`), the region changes nothing here.

Two entry points:

* :func:`normalize_lang_code` for a code the *user* typed (``--src-lang``, ``mine kk=DIR``): an
  unknown or empty code is an :class:`~egiz.errors.InputError`, because aligning with a typo'd
  language silently uses other sentence-splitting and number rules.
* :func:`lang_of_tag` for what a *source* says (a JSONL "lang", a page's ``lang=``): lenient, it
  also knows the names and site conventions crawls use ("Қазақша", "Russian", ``kz``, ``qaz``) and
  returns None when the tag says nothing.
"""

from __future__ import annotations

import re

from egiz.errors import InputError

__all__ = ["KAZAKH", "RUSSIAN", "lang_of_tag", "normalize_lang_code"]

KAZAKH, RUSSIAN = "kk", "ru"

# Tags that name no language: undetermined, no linguistic content, multiple, uncoded.
_NO_LANGUAGE = frozenset({"und", "zxx", "mul", "mis"})
# Not registry codes, but what Kazakh sites write: "qaz" (Qazaq, the Latin-script name; in the
# registry it is a private-use code) and, in crawl metadata only, the country code "kz".
_SITE_KAZAKH = frozenset({"qaz"})
# Names (any case) that crawl metadata uses instead of codes.
_NAMES = {
    "kazakh": KAZAKH,
    "қазақ": KAZAKH,
    "қазақша": KAZAKH,
    "қаз": KAZAKH,
    "казахский": KAZAKH,
    "russian": RUSSIAN,
    "русский": RUSSIAN,
    "рус": RUSSIAN,
    "орысша": RUSSIAN,
    "english": "en",
}
_TAG_CHARS = re.compile(r"[A-Za-z0-9_-]+")


def _subtag(value: str) -> str | None:
    """The canonical language subtag of a BCP 47 / ISO 639 tag, None if it is none."""
    import langcodes

    tag = value.strip().replace("_", "-")
    if not tag or not _TAG_CHARS.fullmatch(tag):
        return None
    if tag.split("-", 1)[0].lower() in _SITE_KAZAKH:
        return KAZAKH
    try:
        if not langcodes.tag_is_valid(tag):
            return None
        language = langcodes.Language.get(langcodes.standardize_tag(tag)).language
    except (ValueError, LookupError):  # langcodes.LanguageTagError is a ValueError
        return None
    if language is None or language in _NO_LANGUAGE:
        return None
    # Private-use codes (qaa-qtz) mean whatever their user agreed on: not a language here.
    if len(language) == 3 and "qaa" <= language <= "qtz":
        return None
    return language


def normalize_lang_code(value: str, *, what: str = "language") -> str:
    """The language subtag of a code the user gave: "kk" for kk, kaz, KAZ, kk-KZ, kk_Cyrl ...

    ISO 639-1 and 639-2/3 codes and BCP 47 tags are accepted (``de``, ``deu``, ``ger``,
    ``zh-Hans``); the result is the shortest registered code (``de``, ``zh``). Raises InputError
    for anything else (``xx``, ``KZ``, ``und``, ``""``), naming `what` ("--src-lang").
    """
    language = _subtag(value) if isinstance(value, str) else None
    if language is None:
        hint = ""
        low = str(value).strip().lower()
        if low == "kz":
            hint = " (KZ is the country; Kazakh is kk or kaz)"
        elif low in _NAMES:
            hint = f" (use the code {_NAMES[low]})"
        raise InputError(
            f"unknown {what} code {value!r}{hint}: give an ISO 639 code or BCP 47 tag "
            "such as kk, kaz, kk-KZ, ru, rus"
        )
    return language


def lang_of_tag(value: str | None) -> str | None:
    """What a source's own language label says: "kk", "ru", another subtag ("en"), or None.

    Lenient: besides codes and tags it knows language names ("Kazakh", "Қазақша", "Русский"),
    ``kz`` (the country code, which Kazakh sites use for the language) and ``qaz``. A label that
    names no language ("", "und", "unknown", "xx", gibberish) is None: the text will tell.
    """
    if value is None:
        return None
    label = value.strip()
    low = label.lower()
    if not low or low in ("unknown", "none", "null", "other"):
        return None
    if low in _NAMES:
        return _NAMES[low]
    primary = low.replace("_", "-").split("-", 1)[0]
    if primary == "kz":
        return KAZAKH
    return _subtag(label)
