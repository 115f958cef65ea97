"""Tell Kazakh from Russian (and from other languages): letters for the script, words for language.

Kazakh Cyrillic is the Russian alphabet plus nine letters: ә ғ қ ң ө ұ ү һ і. Counting those
letters alone flips documents: a Russian article that names the Үкімет үйі or Қасым-Жомарт Тоқаев
carries 2-5% Kazakh letters, as much as a short Kazakh text. So the decision between Kazakh and
Russian counts *words*, each a vote for one language when it is evidence for it:

* Kazakh: a word with a Kazakh-only letter, a frequent Kazakh function word (және, бойынша, деп,
  үшін ...) or a Kazakh case or plural ending (-лар, -дың, -ға, -ған ...);
* Russian: a frequent Russian function word (и, в, на, что, для ...) or a Russian inflection
  (-ого, -ому, -ться, -ению, past tense -ил/-ала ...).

A name is one or two votes; the function words of the language the text is written in are a third
of its words. Letters still decide the script and keep other Cyrillic languages out: Ukrainian і
comes with ї є ґ, Kyrgyz and Tatar have ң ө ү (and ә һ) but no і қ ғ ұ, Bulgarian and Serbian have
no ы.

Two entry points: :func:`detect_language` for documents (a majority of votes), and
:func:`detect_sentence_language` for sentences, which answers "unknown" when a sentence is too
short or too mixed to tell rather than guessing (a Russian sentence naming two Kazakh places is
"unknown", never "kk").

Kazakh is also written in Latin script (the 2021 alphabet: ä ğ ı ñ ö q ş ū ü, and the 2018 one
with acute accents). There the tell-tale letters overlap with Turkish, German and Spanish, so Latin
text is called Kazakh only when those letters are frequent *and* common Kazakh words are present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egiz.text.script import is_kazakh_latin_or_arabic

__all__ = ["LANG_NAMES", "detect_language", "detect_sentence_language", "language_votes"]

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
_KK_ONLY = frozenset("әғқңөұүһі")
# Kazakh letters that Kyrgyz, Tatar and Bashkir lack (they share ң ө ү, Tatar also ә һ).
_KK_DISTINCT = frozenset("іқғұ")
# Letters of other Cyrillic languages that Kazakh does not use.
_NOT_KK = frozenset("їєґўђћџљњјѓќѕҗҙҡҫӂӣӯҷҳЇЄҐЎЂЋЏЉЊЈЃЌЅҖҘҠҪӁӢӮҶҲ")

# Frequent function words, disjoint between the two languages (a word in both lists would vote
# for nothing). Kazakh: conjunctions, postpositions, pronouns and particles without a Kazakh
# letter too (бойынша, деп, осы, бар), since those are the votes a Kazakh sentence with few
# special letters has. Russian: prepositions, conjunctions, pronouns, particles, auxiliaries.
_KK_FUNCTION_TEXT = """
    және мен бен пен мен да де та те бұл осы сол ол олар біз сіз мен сен оның оны оған осы
    осында деп деген дейді деді үшін туралы бойынша арқылы кейін бері дейін арасында бірге қарай
    жөнінде бар жоқ болып болды болады болған болса емес еді екен керек тиіс мүмкін қажет бір
    екі үш төрт бес алты жеті сегіз тоғыз он жиырма отыз елу жүз мың жылы жыл жылғы күні қазір
    бүгін ертең кеше әрі не немесе бірақ сондай сияқты тек ғана барлық әр әрбір көп аз жаңа ескі
    үлкен кіші жалпы бойы шамамен қатысты ретінде байланысты
"""
_RU_FUNCTION_TEXT = """
    и в во на не что с со по для это как о об из к ко от за у же а но его ее её он она оно они
    был была было были будет будут быть есть также который которая которое которые которых этого
    этой этом эти этих тот та то те того при до или так уже только еще ещё даже чтобы если когда
    где там тут здесь все всех всё весь вся после более менее между через под над около среди
    без них ним нам вам мы вы я ты ли бы ни нет да себя свой своей своих может можно нужно надо
    того также сейчас очень было года году лет раз два три четыре пять мне меня мой моя мои моё
    тебя тебе него нее неё ему им их кто кого чем чего всю всегда никогда сегодня вчера завтра
    теперь потом почему зачем тоже вот этот эта это эту этим
"""
# Words of both lists (Kazakh "не" what, "он" ten, "да"/"та"/"те" particles) say nothing.
_KK_FUNCTION = frozenset(_KK_FUNCTION_TEXT.split()) - frozenset(_RU_FUNCTION_TEXT.split())
_RU_FUNCTION = frozenset(_RU_FUNCTION_TEXT.split()) - frozenset(_KK_FUNCTION_TEXT.split())
# Word endings that only one of the two languages has (checked on words of 5+ letters; a word
# already voting through a letter or a function word is not checked again).
# Kazakh endings with no Kazakh letter in them that Russian words do not have (most Kazakh
# endings carry ң, і, ғ or қ and vote through the letter already).
_KK_ENDINGS = ("ымен", "дағы", "тағы", "лары", "дары", "тары", "ларын", "дарын", "тарын")
_RU_ENDINGS = (
    "ого", "его", "ому", "ему", "ыми", "ими", "ться", "тся", "ется", "ются", "ится", "ятся",
    "ение", "ения", "ению", "ением", "ании", "ание", "ания", "анию", "ость", "ости", "остью",
    "ский", "ская", "ское", "ские", "ских", "ским", "ской", "ском", "ную", "ная", "ное", "ные",
    "ных", "ным", "лась", "лось", "лись", "лся", "ами", "ями", "ешь", "ишь", "ила", "ило",
    "или", "ала", "ало", "али", "яла", "яли", "ела", "ели", "ил", "ел", "ует", "уют", "ает",
    "ают", "яет", "яют", "ать", "ять", "ить", "еть", "ство", "ства", "ству", "ством", "тель",
    "теля", "телей", "щий", "щая", "щее", "щие", "вшие", "ий", "ый", "ой", "ая", "ое", "ые",
    "ых", "ую", "юю",
)  # fmt: skip
_KK_ENDING = re.compile(f"(?:{'|'.join(sorted(_KK_ENDINGS, key=len, reverse=True))})$")
_RU_ENDING = re.compile(f"(?:{'|'.join(sorted(_RU_ENDINGS, key=len, reverse=True))})$")
# Letters that Kazakh writes only in Russian loanwords, and rarely: ё ъ щ, and the soft sign.
_RU_ONLY = frozenset("ёъщь")
_LATIN_I = re.compile(r"(?<=[а-яёәғқңөұүһі])[iI]|[iI](?=[а-яёәғқңөұүһі])", re.IGNORECASE)
_CYR_WORD_CASED = re.compile(r"[а-яёәғқңөұүһі]+(?:-[а-яёәғқңөұүһі]+)*", re.IGNORECASE)

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class _Letters:
    """Letter counts of a text sample: scripts, Kazakh letters, other Cyrillic languages."""

    cyrillic: int = 0
    latin: int = 0
    other: int = 0
    kk: int = 0  # Kazakh-only letters
    kk_distinct: int = 0  # of which і қ ғ ұ (not Kyrgyz, Tatar, Bashkir)
    not_kk: int = 0  # letters of other Cyrillic languages
    yery: int = 0  # ы: Kazakh and Russian have it; Bulgarian, Serbian, Ukrainian do not

    @property
    def letters(self) -> int:
        return self.cyrillic + self.latin + self.other


def _letters(sample: str) -> _Letters:
    cyrillic = latin = other = kk = kk_distinct = not_kk = yery = 0
    for ch in sample:
        if not ch.isalpha():
            continue
        if "\u0400" <= ch <= "\u04ff":
            cyrillic += 1
            if ch in _KK_LETTERS:
                kk += 1
                kk_distinct += ch.lower() in _KK_DISTINCT
            elif ch in _NOT_KK:
                not_kk += 1
            elif ch in "ыЫ":
                yery += 1
        elif ch < "\u0250":  # Basic Latin to Latin Extended-B
            latin += 1
        else:
            other += 1
    return _Letters(cyrillic, latin, other, kk, kk_distinct, not_kk, yery)


def language_votes(text: str) -> tuple[int, int, int]:
    """(Kazakh votes, Russian votes, Kazakh votes of capitalised words) of `text`.

    See the module docstring. The third count says how many Kazakh votes may be names (a
    capitalised word not at the start of a sentence): a Russian text quoting Kazakh names has
    only those.
    """
    kk = ru = names = 0
    in_name = False  # the previous word was a name: "Үкімет үйі", "Қасым-Жомарт Тоқаев"
    # Latin i inside a Cyrillic word is a typed Kazakh і (мемлекеттiк): read it as one.
    text = _LATIN_I.sub(lambda m: "і" if m.group() == "i" else "І", text)
    for match in _CYR_WORD_CASED.finditer(text):
        token = match.group()
        word = token.lower()
        name = token[0].isupper() and not _sentence_start(text, match.start())
        if any(ch in _KK_ONLY for ch in word) or word in _KK_FUNCTION:
            kk += 1
            if name or (in_name and word not in _KK_FUNCTION):
                names += 1
                in_name = True
                continue
        elif word in _RU_FUNCTION or any(ch in _RU_ONLY for ch in word):
            ru += 1
        elif len(word) >= 5:
            if _RU_ENDING.search(word):
                ru += 1
            elif _KK_ENDING.search(word):
                kk += 1
        in_name = name
    return kk, ru, names


def _sentence_start(text: str, position: int) -> bool:
    """Whether only spaces, quotes and opening brackets stand between a sentence end (or the
    start of the text) and `position`."""
    before = text[max(0, position - 12) : position].rstrip(" \t«\"'(„“—-")
    return not before or before[-1] in ".!?\n"


def detect_language(text: str) -> str:
    """Return "kk", "ru", "other", or "unknown" (fewer than MIN_LETTERS letters) for a document.

    Cyrillic text is "kk" when Kazakh votes, names left out, outnumber Russian ones (and its
    Kazakh letters include і, қ, ғ or ұ), "ru" when Russian votes win and no other Cyrillic
    language's letters show, else "other". Latin text is "kk" only for clear Latin-script
    Kazakh, otherwise "other". Large texts are sampled, so the cost is bounded.
    """
    sample = _sample(text)
    counts = _letters(sample)
    if counts.letters < MIN_LETTERS:
        return "unknown"
    if counts.cyrillic >= counts.latin and counts.cyrillic >= counts.other:
        kk, ru, names = language_votes(sample)
        return _cyrillic_language(counts, kk - names, ru)
    if is_kazakh_latin_or_arabic(sample):  # Latin 2017/2018/2021 or töte jazu: egiz.text.script
        return "kk"
    return "other"


def detect_sentence_language(text: str) -> str:
    """Return "kk", "ru", "other" or "unknown" for one sentence (or a few).

    Stricter than :func:`detect_language`: the answer is "unknown" unless one language has at
    least two votes and at least twice as many as the other plus one — a short sentence or one
    that mixes the two (a Russian sentence quoting two Kazakh names) is not guessed. Non-Cyrillic
    text answers as `detect_language` does.
    """
    counts = _letters(text)
    if counts.letters < MIN_LETTERS // 2:
        return "unknown"
    if counts.cyrillic < counts.latin or counts.cyrillic < counts.other:
        return detect_language(text)
    if counts.not_kk > max(1, 0.05 * counts.cyrillic):
        return "other"
    kk, ru, names = language_votes(text)
    if kk - names >= 1 and kk >= 2 and kk >= 2 * ru + 1 and (counts.kk_distinct or not counts.kk):
        return "kk"
    if ru >= 2 and ru >= 2 * kk + 1:
        return "ru"
    return "unknown"


def _sample(text: str) -> str:
    if len(text) <= _SAMPLE:
        return text
    size = _SAMPLE // _SLICES
    step = (len(text) - size) // (_SLICES - 1)
    return " ".join(text[i * step : i * step + size] for i in range(_SLICES))


def _cyrillic_language(counts: _Letters, kk: int, ru: int) -> str:
    """kk, ru or other for a mostly Cyrillic text with `kk` / `ru` votes."""
    cyrillic = counts.cyrillic
    if counts.not_kk > max(1, 0.002 * cyrillic) and counts.not_kk >= 0.2 * counts.kk:
        return "other"  # Ukrainian ї є ґ, Belarusian ў, Serbian ђ ј ...
    if kk > ru:
        # Kyrgyz, Tatar and Bashkir share ң ө ү (ә һ) but not і қ ғ ұ.
        if counts.kk and not counts.kk_distinct:
            return "other"
        return "kk"
    if not ru:
        return "unknown" if cyrillic < 300 else "other"
    if cyrillic >= 300 and not counts.yery:
        return "other"  # Russian has ы (2% of letters); Bulgarian, Serbian ... do not
    return "ru"
