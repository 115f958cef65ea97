"""Tell Kazakh from Russian (and from anything else) by letter statistics.

Kazakh Cyrillic is the Russian alphabet plus nine letters: ә ғ қ ң ө ұ ү һ і. They make up about
15% of the letters of Kazakh text and 0% of Russian text (a Kazakh name in a Russian article adds a
trace), so their rate among Cyrillic letters separates the two with a wide margin. Other Cyrillic
languages share some of them (Ukrainian і, Kyrgyz ң ө ү, Tatar ә ө ү ң һ) but also have letters that
Kazakh lacks (ї є ґ ў ђ ј җ ҙ ҡ ...), which keeps them out.

Kazakh is also written in Latin script (the 2021 alphabet: ä ğ ı ñ ö q ş ū ü, and the 2018 one
with acute accents). There the tell-tale letters overlap with Turkish, German and Spanish, so Latin
text is called Kazakh only when those letters are frequent *and* common Kazakh words are present.
"""

from __future__ import annotations

import re

from egiz.text.script import is_kazakh_latin_or_arabic

__all__ = ["LANG_NAMES", "detect_language"]

LANG_NAMES: dict[str, str] = {
    "kk": "Kazakh",
    "ru": "Russian",
    "en": "English",
    "de": "German",
    "fr": "French",
    "other": "another language",
    "unknown": "unknown language",
}

# Fewer letters than this is too little to tell.
MIN_LETTERS = 20
# Large texts are judged on evenly spaced slices of this total size.
_SAMPLE = 60_000
_SLICES = 6

_KK_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# Other Cyrillic languages have some Kazakh letters: Ukrainian/Belarusian і, Kyrgyz/Mongolian ң ө ү,
# Tatar/Bashkir ә ө ү ң һ, Tajik/Uzbek қ ғ. Kazakh needs і together with another Kazakh letter
# (short texts: қ or ұ) besides the rate, and few letters that Kazakh lacks.
_KK_CORE = frozenset("құҚҰ")
_KK_I = frozenset("іІ")
# Letters of other Cyrillic languages that Kazakh does not use.
_NOT_KK = frozenset("їєґўђћџљњјѓќѕҗҙҡҫӂӣӯҷҳЇЄҐЎЂЋЏЉЊЈЃЌЅҖҘҠҪӁӢӮҶҲ")
# Kazakh letters in Kazakh text: ~15% of Cyrillic letters. Russian: 0, plus a trace from names.
_KK_MIN_RATE = 0.015
_KK_LATIN_LETTERS = frozenset("äğıñöqşūüáǵńóúýÄĞÑÖQŞŪÜÁǴŃÓÚÝ")
_KK_LATIN_WORDS_TEXT = (
    "jäne men bul osy üşin uşin bolyp bolady turaly degen dep bar joq eken qazaqstan "
    "qazaqstannyñ respublikasy biz siz olar öz bır bir ekı eki jyl jyly keñes memlekettık "
    "memlekettik ortalyğy ortalygy qala qalasy halyq ūlttyq ulttyq jūmys jumys kezde qatysty "
    "retınde retinde arqyly jaña "
)
_KK_LATIN_WORDS = frozenset(_KK_LATIN_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str:
    """Return "kk", "ru", "other", or "unknown" (fewer than MIN_LETTERS letters).

    Cyrillic text is "kk" when Kazakh letters make up at least 1.5% of its Cyrillic letters,
    "ru" when they are (nearly) absent and no other Cyrillic language's letters show, else "other".
    Latin text is "kk" only for clear Latin-script Kazakh, otherwise "other". Large texts are
    sampled, so the cost is bounded whatever the size.
    """
    sample = _sample(text)
    cyrillic = latin = other = kk = kk_core = kk_i = not_kk = yery = 0
    for ch in sample:
        if not ch.isalpha():
            continue
        if "\u0400" <= ch <= "\u04ff":
            cyrillic += 1
            if ch in _KK_LETTERS:
                kk += 1
                kk_core += ch in _KK_CORE
                kk_i += ch in _KK_I
            elif ch in _NOT_KK:
                not_kk += 1
            elif ch in "ыЫ":
                yery += 1
        elif ch < "\u0250":  # Basic Latin to Latin Extended-B
            latin += 1
        else:
            other += 1
    letters = cyrillic + latin + other
    if letters < MIN_LETTERS:
        return "unknown"
    if cyrillic >= latin and cyrillic >= other:
        # і with another Kazakh letter; in a short text қ or ұ alone will do (і is 6% of the
        # letters of Kazakh text: a long one without it is not Kazakh).
        distinct = (kk_i > 0 and kk > kk_i) or (kk_core > 0 and cyrillic < 300)
        if kk < _KK_MIN_RATE * cyrillic and cyrillic >= 300 and not yery:
            return "other"  # Russian has ы (2% of letters); Bulgarian, Serbian ... do not
        return _cyrillic_language(cyrillic, kk, distinct, not_kk)
    if is_kazakh_latin_or_arabic(sample):  # Latin 2017/2018/2021 or töte jazu: egiz.text.script
        return "kk"
    return "other"


def _sample(text: str) -> str:
    if len(text) <= _SAMPLE:
        return text
    size = _SAMPLE // _SLICES
    step = (len(text) - size) // (_SLICES - 1)
    return " ".join(text[i * step : i * step + size] for i in range(_SLICES))


def _cyrillic_language(cyrillic: int, kk: int, distinct: bool, not_kk: int) -> str:
    """`kk`: Kazakh letters among `cyrillic` letters; `distinct`: they include ones that only
    Kazakh has; `not_kk`: letters of other Cyrillic languages."""
    rate = kk / cyrillic
    if rate >= _KK_MIN_RATE:
        return "kk" if distinct and not_kk < 0.2 * kk else "other"
    # Russian: no Kazakh letters beyond a trace of names, no letters of other Cyrillic languages.
    return "ru" if not_kk <= max(1, 0.002 * cyrillic) else "other"


def _is_latin_kazakh(sample: str, latin: int) -> bool:
    """Latin-script Kazakh: frequent Kazakh letters (q not before u, ñ, ū, ğ, ä ...) and common
    Kazakh words. Either alone is not enough: German has ä ö ü, Turkish ğ ı ş ö ü, Spanish ñ á ó."""
    marks = sum(1 for ch in sample if ch in _KK_LATIN_LETTERS)
    marks -= sample.count("qu") + sample.count("Qu")  # Spanish, French, English "qu"
    words = _WORD.findall(sample.lower())
    hits = sum(1 for word in words if word in _KK_LATIN_WORDS)
    return marks >= 0.03 * latin and hits >= max(1, 0.03 * len(words))
