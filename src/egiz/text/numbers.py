"""Numbers that a Kazakh sentence and its Russian translation must share.

A translation may reword everything, but `177 контрактов` stays 177 and `үш айда` stays
`три месяца`: numbers are one of the few signals that do not depend on an encoder. This module
turns both digits and number words (inflected forms included) into one canonical string per
number, so the two sides can be compared as sets.

Canonical form: a plain decimal with no exponent, no grouping and no trailing zeros: `1,8` and
`1.80` give "1.8", `3 000` gives "3000", and a scale word multiplies: `1,5 млн`, `1,5 миллиона`
and `1 500 000` all give "1500000", in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import product

from egiz.text.langcodes import lang_of_tag

__all__ = ["extract_dates", "extract_numbers", "numbers_agree"]

# Token kinds: how a value combines with its neighbours.
_UNIT = "unit"  # 1-9, and anything nothing else may be added to (teens, ordinals, полтора)
_TEN = "ten"  # 10, 20, ..., 90: a unit may follow (kk `он бес` = 15, ru `двадцать пять` = 25)
_HUNDRED = "hundred"  # ru `двести` = 200: tens and units may follow
_HUNDRED_MUL = "hundred_mul"  # kk `жүз`: multiplies a preceding unit (`екі жүз` = 200)
_HALF = "half"  # kk `жарым`: adds 0.5 (`бір жарым` = 1.5)
_SCALE = "scale"  # thousand, million, ...: multiplies what precedes
_SCALE_PLURAL = "scale_plural"  # `тысячи`, `млн`: a scale that means nothing without a number
_VAGUE = "vague"  # `бірнеше`, `несколько`: "several" -- the scale word after it is no number
_DIGITS = "digits"


@dataclass(frozen=True, slots=True)
class _Word:
    value: Decimal
    kind: str


# ---------------------------------------------------------------- Kazakh lexicon
# Kazakh is agglutinative: a numeral takes ordinal, possessive/collective and case suffixes, in
# that order. We accept stem + any chain of known suffixes (both vowel harmonies; over-generation
# is harmless) and list the real words that such a chain would wrongly claim.
_KK_STEMS: dict[str, _Word] = {
    **{
        stem: _Word(Decimal(v), _UNIT)
        for stem, v in (
            ("бір", 1),
            ("екі", 2),
            ("үш", 3),
            ("төрт", 4),
            ("бес", 5),
            ("алты", 6),
            ("жеті", 7),
            ("сегіз", 8),
            ("тоғыз", 9),
            # collectives: екеуі = "both / the two of them"
            ("екеу", 2),
            ("үшеу", 3),
            ("төртеу", 4),
            ("бесеу", 5),
            ("алтау", 6),
            ("жетеу", 7),
            ("сегізеу", 8),
            ("тоғызау", 9),
        )
    },
    **{
        stem: _Word(Decimal(v), _TEN)
        for stem, v in (
            ("он", 10),
            ("жиырма", 20),
            ("отыз", 30),
            ("қырық", 40),
            ("қырқ", 40),  # stem before a vowel: қырқыншы
            ("елу", 50),
            ("алпыс", 60),
            ("жетпіс", 70),
            ("сексен", 80),
            ("тоқсан", 90),
        )
    },
    "жүз": _Word(Decimal(100), _HUNDRED_MUL),
    "жарым": _Word(Decimal("0.5"), _HALF),
    "мың": _Word(Decimal(10) ** 3, _SCALE),
    "миллион": _Word(Decimal(10) ** 6, _SCALE),
    "миллиард": _Word(Decimal(10) ** 9, _SCALE),
    "триллион": _Word(Decimal(10) ** 12, _SCALE),
}
_KK_ORDINAL = ("", "ыншы", "інші", "ншы", "нші", "сыншы", "сінші")
_KK_POSSESSIVE = ("", "ы", "і", "сы", "сі", "еу", "ау", "еуі", "ауы")
_KK_CASE = (
    *("", "н", "ны", "ні", "ды", "ді", "ты", "ті"),  # nominative, accusative
    *("ның", "нің", "дың", "дің", "тың", "тің"),  # genitive
    *("ға", "ге", "қа", "ке", "на", "не"),  # dative
    *("да", "де", "та", "те", "нда", "нде"),  # locative
    *("дан", "ден", "тан", "тен", "нан", "нен"),  # ablative
    *("мен", "бен", "пен"),  # instrumental
    *("дай", "дей", "тай", "тей"),  # "about N"
)
_KK_SUFFIXES = frozenset(o + p + c for o, p, c in product(_KK_ORDINAL, _KK_POSSESSIVE, _KK_CASE))
# Real words that look like an inflected numeral.
_KK_NOT_NUMBERS = frozenset(
    (
        # together, at once, the same, once, bit by bit
        *("бірге", "бірден", "бірдей", "бірде", "бірте"),
        *("оны", "онда", "оның", "ондай", "онан", "онымен"),  # forms of "ол" (he)
        "үшін",  # "for"
        *("алтын", "алтынның", "алтынды"),  # "gold"
        # "face / surface": жер жүзінде = "worldwide"
        *("жүзі", "жүзін", "жүзінде", "жүзінен", "жүзіне", "жүзінің", "жүзімен"),
    )
)

# ---------------------------------------------------------------- Russian lexicon
# Russian inflection is a closed set of forms, so we list them.
_RU_ADJ = ("ый", "ой", "ий", "ая", "ое", "ые", "ого", "ому", "ым", "ом", "ую", "ых", "ыми")


def _ru_words() -> dict[str, _Word]:
    words: dict[str, _Word] = {}

    def add(kind: str, value: int | str, *forms: str) -> None:
        for form in forms:
            words[form] = _Word(Decimal(value), kind)

    add(_UNIT, 1, "один", "одна", "одно", "одного", "одной", "одному", "одним", "одном", "одну")
    add(_UNIT, 2, "два", "две", "двух", "двум", "двумя", "двое", "двоих", "двоим", "двоими")
    add(_UNIT, 3, "три", "трех", "трем", "тремя", "трое", "троих", "троим", "троими")
    add(_UNIT, 4, "четыре", "четырех", "четырем", "четырьмя", "четверо", "четверых")
    add(_UNIT, 5, "пять", "пяти", "пятью", "пятеро", "пятерых")
    add(_UNIT, 6, "шесть", "шести", "шестью", "шестеро", "шестерых")
    add(_UNIT, 7, "семь", "семи", "семеро", "семерых")  # not "семью": also "family"
    add(_UNIT, 8, "восемь", "восьми", "восемью", "восьмью")
    add(_UNIT, 9, "девять", "девяти", "девятью")
    add(_UNIT, "1.5", "полтора", "полторы", "полутора")
    teens = ("один", "две", "три", "четыр", "пят", "шест", "сем", "восем", "девят")
    for v, stem in enumerate(teens, start=11):
        base = stem + "надцат"
        add(_UNIT, v, base + "ь", base + "и", base + "ью")
    add(_TEN, 10, "десять", "десяти", "десятью")
    add(_TEN, 20, "двадцать", "двадцати", "двадцатью")
    add(_TEN, 30, "тридцать", "тридцати", "тридцатью")
    add(_TEN, 40, "сорок", "сорока")
    for v, (nom, obl) in zip(
        (50, 60, 70, 80),
        (("пять", "пяти"), ("шесть", "шести"), ("семь", "семи"), ("восемь", "восьми")),
        strict=True,
    ):
        add(_TEN, v, nom + "десят", obl + "десяти", nom[:-1] + "ьюдесятью")
    add(_TEN, 90, "девяносто", "девяноста")
    add(_HUNDRED, 100, "сто", "ста")
    add(_HUNDRED, 200, "двести", "двухсот", "двумстам", "двумястами", "двухстах")
    add(_HUNDRED, 300, "триста", "трехсот", "тремстам", "тремястами", "трехстах")
    add(_HUNDRED, 400, "четыреста", "четырехсот", "четыремстам", "четырьмястами", "четырехстах")
    for v, (nom, obl) in enumerate(
        (("пять", "пяти"), ("шесть", "шести"), ("семь", "семи"), ("восемь", "восьми")), start=5
    ):
        add(_HUNDRED, v * 100, nom + "сот", obl + "сот", obl + "стам", obl + "стах")
    add(_HUNDRED, 900, "девятьсот", "девятисот", "девятистам", "девятистах")
    # Ordinals: `пятый` ~ kk `бесінші`.
    ordinals = (
        ("перв", 1),
        ("втор", 2),
        ("четверт", 4),
        ("пят", 5),
        ("шест", 6),
        ("седьм", 7),
        ("восьм", 8),
        ("девят", 9),
        ("десят", 10),
        *((stem + "надцат", v) for v, stem in enumerate(teens, start=11)),
        ("двадцат", 20),
        ("тридцат", 30),
        ("сороков", 40),
        ("пятидесят", 50),
        ("шестидесят", 60),
        ("семидесят", 70),
        ("восьмидесят", 80),
        ("девяност", 90),
        ("сот", 100),
    )
    for stem, v in ordinals:
        add(_TEN if v % 10 == 0 and v < 100 else _UNIT, v, *(stem + e for e in _RU_ADJ))
    add(_UNIT, 3, "третий", "третья", "третье", "третьи", "третьего", "третьей", "третьему")
    add(_UNIT, 3, "третьим", "третьем", "третью", "третьих", "третьими")
    # A scale noun in the singular is a number by itself ("около миллиона"); the plural and the
    # abbreviations need a number before them ("тысячи людей" = "thousands of people").
    for stem, exp in (("миллион", 6), ("миллиард", 9), ("триллион", 12)):
        add(_SCALE, 10**exp, *(stem + e for e in ("", "а", "у", "ом", "е")))
        add(_SCALE_PLURAL, 10**exp, *(stem + e for e in ("ы", "ов", "ам", "ами", "ах")))
    add(_SCALE, 1000, "тысяча", "тысячу", "тысяче", "тысячей", "тысячею")
    add(_SCALE_PLURAL, 1000, "тысячи", "тысяч", "тысячам", "тысячами", "тысячах", "тыс")
    return words


_RU_WORDS = _ru_words()
# Abbreviations shared by both languages ("1,5 млн теңге" / "1,5 млн тенге").
_ABBREVIATIONS = {
    "млн": _Word(Decimal(10) ** 6, _SCALE_PLURAL),
    "млрд": _Word(Decimal(10) ** 9, _SCALE_PLURAL),
    "трлн": _Word(Decimal(10) ** 12, _SCALE_PLURAL),
}


def _kk_word(word: str) -> _Word | None:
    if word in _KK_NOT_NUMBERS or word.startswith("біреу"):  # біреу = "someone"
        return None
    # Longest stem first: "жетпіс" before "жеті", "екеу" before "екі".
    for cut in range(len(word), 0, -1):
        found = _KK_STEMS.get(word[:cut])
        if found is not None and word[cut:] in _KK_SUFFIXES:
            return found
    return None


_VAGUE_WORDS = {
    "kk": frozenset(("бірнеше", "ондаған", "жүздеген", "мыңдаған", "көптеген", "бірқанша")),
    "ru": frozenset(("несколько", "нескольких", "десятки", "десятков", "сотни", "сотен", "много")),
}
# Kazakh `бір` that is an article or a pronoun, not "one": тағы бір ("another"), белгілі бір
# ("a certain"), қандай да бір ("some"), бір-бірімен ("each other").
_KK_NOT_ONE = re.compile(r"(?i)\b((?:тағы|белгілі|да|де)\s+)бір\b|\bбір-бір\w*")


@lru_cache(maxsize=65536)  # the same words come back in every sentence: stems are looked up once
def _lookup(word: str, lang: str) -> _Word | None:
    word = word.lower().replace("ё", "е")
    if word in _VAGUE_WORDS.get(lang, ()):
        return _Word(Decimal(0), _VAGUE)
    if word in _ABBREVIATIONS:
        return _ABBREVIATIONS[word]
    if lang == "kk":
        return _kk_word(word)
    if lang == "ru":
        return _RU_WORDS.get(word)
    return None


# ---------------------------------------------------------------- tokens
_DATE = r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"
# A clock time `10:30` is one number, 10.30: Russian writes it `10.30`, a decimal to this module.
_TIME = r"(?<![\d:])([01]?\d|2[0-4]):([0-5]\d)(?![\d:])"
# `3 000` (space, no-break space, narrow no-break space), `1,234,567` and `1.234.567` (two groups
# or more: grouping in every language), `1,8` and `1.8`: decimal comma and point.
_NUMBER = (
    r"(?<!\d)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{1,3}(?:,\d{3}){2,}|\d{1,3}(?:\.\d{3}){2,}|\d+)"
    r"([.,]\d+)?"
)
# Languages that group thousands with a comma (`1,234` is 1234 in English, 1.234 in Russian) and
# with a point (`1.234` is 1234 in German); elsewhere a single group after either is a decimal.
_COMMA_GROUPS = frozenset({
    "en", "zh", "ja", "ko", "hi", "bn", "ur", "ta", "te", "mr", "gu", "pa", "th", "he", "ms", "tl",
    "fil", "sw", "ga", "mt", "my", "km", "lo", "ne", "si",
})  # fmt: skip
_POINT_GROUPS = frozenset({
    "de", "nl", "da", "es", "it", "pt", "tr", "id", "el", "ro", "hr", "sr", "sl", "bs", "mk", "vi",
    "is", "lb",
})  # fmt: skip
_TOKEN = re.compile(rf"{_DATE}|{_TIME}|{_NUMBER}|([^\W\d_]+)|(\S)")


@dataclass(frozen=True, slots=True)
class _Token:
    word: _Word | None  # None: a word or symbol that is not a number, which ends a number
    joined: bool  # only whitespace since the previous token


def _tokens(text: str, lang: str) -> Iterator[_Token]:
    separator = _thousands_separator(lang)
    if lang == "kk":
        text = _KK_NOT_ONE.sub(lambda m: (m.group(1) or "") + "_", text)
    end = 0
    for m in _TOKEN.finditer(text):
        joined = not text[end : m.start()].strip()
        end = m.end()
        if m.group(1):  # a date: day, month, year are three separate numbers
            for g in (1, 2, 3):
                yield _Token(_Word(Decimal(m.group(g)), _DIGITS), False)
        elif m.group(4):
            yield _Token(_Word(Decimal(f"{m.group(4)}.{m.group(5)}"), _DIGITS), False)
        elif m.group(6):
            head, tail = m.group(6), m.group(7)
            digits = re.sub(r"\D", "", head)
            # `,234` / `.234` after a plain 1-3 digit number groups thousands where `lang` does
            if tail and tail[0] == separator and len(tail) == 4 and len(head) <= 3:
                digits += tail[1:]
            elif tail:
                digits += "." + tail[1:]
            yield _Token(_Word(Decimal(digits), _DIGITS), joined)
        elif m.group(8):
            yield _Token(_lookup(m.group(8), lang), joined)
        else:
            yield _Token(None, joined)


@lru_cache(maxsize=64)
def _thousands_separator(lang: str) -> str | None:
    """ "," or "." where `lang` groups thousands with it (`1,234` in English, `1.234` in German),
    None where a single group after either is a decimal (Kazakh and Russian `1,234` = 1.234)."""
    code = lang_of_tag(lang)
    if code in _COMMA_GROUPS:
        return ","
    if code in _POINT_GROUPS:
        return "."
    return None


def _canonical(value: Decimal) -> str:
    return format(value.normalize(), "f")


class _Builder:
    """Folds a run of number tokens into values: `две тысячи двадцать четыре` -> 2024."""

    def __init__(self, words: bool) -> None:
        self.words = words
        self.found: set[str] = set()
        self._reset()

    def _reset(self) -> None:
        self.total: Decimal | None = None  # the part already multiplied by a scale
        self.current: Decimal | None = None  # the part below the last scale
        self.limit = Decimal(-1)  # the largest value that may still be added to `current`
        self.last_scale: Decimal | None = None
        self.from_digits = False
        self.vague = False  # the previous token was "several"

    def flush(self) -> None:
        if self.total is not None or self.current is not None:
            total = self.total if self.total is not None else Decimal(0)
            self.found.add(_canonical(total + (self.current or Decimal(0))))
        self._reset()

    def _start(self, value: Decimal, limit: int) -> None:
        self.flush()
        self.current, self.limit = value, Decimal(limit)

    def add(self, word: _Word, next_word: _Word | None) -> None:
        kind, value = word.kind, word.value
        if kind == _VAGUE:
            self.flush()
            self.vague = True
            return
        vague, self.vague = self.vague, False
        if kind == _DIGITS:
            # Digits after a scale continue the number only before a smaller scale: 2 млрд 300 млн.
            if not (
                self.current is None
                and self.last_scale is not None
                and next_word is not None
                and next_word.kind in (_SCALE, _SCALE_PLURAL)
                and next_word.value < self.last_scale
            ):
                self.flush()
            self.current, self.limit, self.from_digits = value, Decimal(-1), True
        elif kind in (_SCALE, _SCALE_PLURAL):
            if self.current is None:
                if self.total is not None or kind == _SCALE_PLURAL or not self.words or vague:
                    self.flush()
                    return
                self.total = value
            elif self.last_scale is not None and value >= self.last_scale:
                self.flush()  # "тысяча миллионов": not a number we can read safely
                return
            else:
                self.total = (self.total or Decimal(0)) + self.current * value
            self.current, self.last_scale, self.limit = None, value, value - 1
        elif not self.words:
            self.flush()
        elif kind == _HUNDRED_MUL:
            if self.current is not None and not self.from_digits and self.current < 10:
                self.current, self.limit = self.current * value, Decimal(99)
            elif self.current is None and self.total is not None:
                self.current, self.limit = value, Decimal(99)
            else:
                self._start(value, 99)
        elif kind == _HALF:
            if self.current is not None and not self.from_digits and self.limit >= 0:
                self.current, self.limit = self.current + value, Decimal(-1)
            else:
                self._start(value, -1)
        else:
            limit = {_UNIT: 0, _TEN: 9, _HUNDRED: 99}[kind]
            if self.current is None and self.total is not None and value <= self.limit:
                self.current, self.limit = value, Decimal(limit)
            elif self.current is not None and not self.from_digits and value <= self.limit:
                self.current, self.limit = self.current + value, Decimal(limit)
            else:
                self._start(value, limit)


def extract_numbers(text: str, lang: str, *, words: bool = True) -> frozenset[str]:
    """Canonical strings for the numbers in `text` (`lang` is "kk" or "ru"; number words are read
    in those two, digits in any language: `1,234` is 1234 in English, 1.234 in Russian).

    `words=False` keeps numbers written with digits only (a scale word after digits, `1,5 млн`,
    still counts): Kazakh `бір` is also the indefinite article, so number words are noisier.
    Russian `он` ("he") is not a number; Kazakh `он` (10) is.
    """
    builder = _Builder(words)
    tokens = list(_tokens(text, lang))
    for k, token in enumerate(tokens):
        if not token.joined:
            builder.flush()
        if token.word is None:
            builder.flush()
            continue
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        next_word = following.word if following is not None and following.joined else None
        builder.add(token.word, next_word)
    builder.flush()
    return frozenset(builder.found)


def numbers_agree(a: frozenset[str], b: frozenset[str]) -> float | None:
    """Jaccard overlap of two number sets: None when neither side has a number (no evidence),
    0.0 when only one side has any."""
    if not a and not b:
        return None
    return len(a & b) / len(a | b)


# ---------------------------------------------------------------- dates
# Month names (stems: Kazakh and Russian decline them) -> month number.
_MONTHS = {
    "қаңтар": 1, "ақпан": 2, "наурыз": 3, "сәуір": 4, "мамыр": 5, "маусым": 6, "шілде": 7,
    "тамыз": 8, "қыркүйе": 9, "қазан": 10, "қараша": 11, "желтоқсан": 12,
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
    "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}  # fmt: skip
_MONTH_WORD = (
    r"(қаңтар\w*|ақпан\w*|наурыз\w*|сәуір\w*|мамыр\w*|маусым\w*|шілде\w*|тамыз\w*|қыркүйе\w*|"
    r"қазан\w*|қараша\w*|желтоқсан\w*|январ[ьяе]|феврал[ьяе]|марта?|марте|апрел[ьяе]|ма[йяе]|"
    r"июн[ьяе]|июл[ьяе]|августа?|августе|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])"
)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:-?\s?(?:ші|шы|сі|сы|і|ы))?\s+{_MONTH_WORD}", re.I)
_MONTH_DAY = re.compile(rf"{_MONTH_WORD}\s+(?:айының\s+)?(\d{{1,2}})\b", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](?:\d{4}|\d{2})\b")


_MONTH_STEMS = sorted(_MONTHS, key=len, reverse=True)  # longest first: "март" before "ма"


def _month(word: str) -> int:
    word = word.lower()
    for stem in _MONTH_STEMS:
        if word.startswith(stem):
            return _MONTHS[stem]
    return 0


def extract_dates(text: str) -> frozenset[tuple[int, int]]:
    """(day, month) of every date written with a day number and a month, by name (Kazakh or
    Russian, inflected: `15 наурыздағы`, `15 марта`) or in digits (`15.03.2023`)."""
    out = {(int(d), _month(m)) for d, m in _DAY_MONTH.findall(text)}
    out |= {(int(d), _month(m)) for m, d in _MONTH_DAY.findall(text)}
    out |= {(int(d), int(m)) for d, m in _NUMERIC_DATE.findall(text)}
    return frozenset((d, m) for d, m in out if 1 <= d <= 31 and 1 <= m <= 12)
