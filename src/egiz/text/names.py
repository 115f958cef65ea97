"""Proper names on one side of an aligned bead only: what `egiz diff` reports as name mismatches.

A *name* here is a capitalised word that is not capitalised by position: not the first word of
a sentence, of a quotation or of a heading, and not in a line written in capitals (a heading
names nothing). Some capitalised words are *weak*: they count as evidence that a name is
present but are never reported themselves, because they are usually common words capitalised
by convention: Cyrillic abbreviations (АҚШ / США, ҚР / РК are translated, not transliterated),
Russian adjectives (Национальный банк, Северной Кореи), Kazakh adjectives (Ұлттық,
Канадалық), the nouns of official titles (Президент, Үкімет, Төрағасы), and runs of Latin-script
names in a Cyrillic sentence (Medecines Sans Frontieres, translated on the other side).

A name is matched across scripts through `egiz.text.translit.to_latin_key` of its *stem*: Kazakh
case, possessive and plural endings are stripped (Тоқаевтың -> Тоқаев, Астанада -> Астана), and
Russian declension by the Snowball stemmer (Токаевым -> Токаев). Stems match when they share a
prefix or are close in edit distance (Далхоузи / Дэлхаузи), or through a small gazetteer of
names that are translated rather than transliterated (Мәскеу / Москва, Үндістан / Индия,
Солтүстік / Северная, Германия / немецкий), built from the Unicode CLDR territory, city and
language names that `babel` ships, and of given names Russian translates (Луи / Людовик). The
other words of a run of names one of which matched are the same person's (Джонг Сеорк Парк /
Пак Чон Сок).

    >>> missing_names(["Кеше Тоқаев Мәскеуге барды."], ["Вчера Токаев прилетел в Москву."])
    ((), ())
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from egiz.text.translit import to_latin_key

__all__ = ["Name", "find_names", "load_gazetteer", "missing_names", "name_stem"]


# Kazakh endings a name takes, in the order they are stripped from the end of a word (the reverse
# of the order they are added: Алматы-да-ғы-лар-дың): one case ending, then the plural, then the
# "-ғы" of "the one in" with the locative before it, then the possessive.
def _longest_first(*endings: str) -> tuple[str, ...]:
    return tuple(sorted(endings, key=len, reverse=True))


_KK_STEPS = (
    _longest_first(
        *("ның", "нің", "дың", "дің", "тың", "тің"),  # genitive
        *("ға", "ге", "қа", "ке", "на", "не"),  # dative
        *("ны", "ні", "ды", "ді", "ты", "ті"),  # accusative
        *("да", "де", "та", "те", "нда", "нде"),  # locative
        *("дан", "ден", "тан", "тен", "нан", "нен"),  # ablative
        *("мен", "бен", "пен"),  # instrumental
    ),
    _longest_first("лар", "лер", "дар", "дер", "тар", "тер"),  # plural
    _longest_first("ғы", "гі", "қы", "кі"),  # "the one in": Алматыдағы
    _longest_first("да", "де", "та", "те", "нда", "нде"),  # the locative before it
    _longest_first("сы", "сі", "ы", "і", "ымыз", "іміз", "ыңыз", "іңіз"),  # possessive
)
# Kazakh derivational endings of adjectives, abstract nouns and ordinals (Ұлттық, Канадалық,
# Тоғызыншы): weak.
_KK_ADJECTIVE = re.compile(r"(лық|лік|дық|дік|тық|тік|ғы|гі|қы|кі|ыншы|інші|ншы|нші)$")
# Russian adjective endings (Национальный, Северной, Святого, Первая): weak.
_RU_ADJECTIVE = re.compile(
    r"(ый|ий|ой|ая|яя|ое|ее|ого|его|ому|ему|ым|ую|юю|ые|ие|ых|их|ыми|ими|ским|ском|ским|ных|ным|"
    r"ной)$"
)
# Nouns of official titles and institutions, capitalised at the head of a name (Президент,
# Үкімет, Төрағасы, Министерство): the start of a Latin key is enough to know them.
_TITLE_WORDS = tuple(
    w
    for w in (
        *("президент", "премьер", "министр", "парламент", "сенат", "мәжіліс", "үкімет"),
        *("төраға", "әкім", "елбасы", "мемлекет", "республика", "федерац", "правительств"),
        *("председател", "губернатор", "посол", "елші", "депутат", "генерал", "комитет"),
        *("агенттік", "агентств", "департамент", "басқарма", "управлени", "академи"),
        *("университет", "институт", "партия", "палата", "ассамбле", "конгресс", "кеңес"),
        *("совет", "верховн", "жоғарғы", "сот", "суд", "прокурат", "омбудсмен", "уәкіл"),
        *("орталық", "центр", "банк", "қор", "фонд", "компани", "корпорац", "холдинг"),
        *("одақ", "союз", "ұйым", "организац", "преми", "сыйлық", "марапат", "кубок", "кубк"),
        # capitalised in one language, translated in the other: the Earth, the Sun, God
        *("жер", "земл", "күн", "солнц", "луна", "құдай", "бог", "аллах", "господ"),
        *("вы", "вас", "вам", "ваш", "сіз"),  # the polite "you", capitalised in letters
        # common nouns capitalised by convention: the Motherland, the Constitution, the Games
        *("отан", "родин", "конституц", "олимпиад", "жолдау", "послани", "тәуелсізд"),
        *("төтенше", "өкілетті", "чрезвычайн", "полномочн"),
        # English words of place names, transliterated on one side, translated on the other
        *("маунт", "харбор", "порт", "сент", "лейк", "ривер", "бич", "форт", "кейп", "айленд"),
        # royal and noble titles (Патшайым II Елизавета / королевы Елизаветы II)
        *("патша", "патшайым", "король", "королев", "царь", "цариц", "принц", "император"),
    )
)
# Function words of Latin-script titles quoted in a kk or ru text ("The Simpsons").
_LATIN_FUNCTION = frozenset(("the", "of", "and", "a", "an", "in", "on", "for", "to", "de", "la"))
# Given names Russian (and Kazakh after it) translates rather than transliterates, for monarchs,
# saints and popes: Луи XVI / Людовик XVI, King George / Король Георг.
_GIVEN_NAMES = (
    ("луи", "людовик"), ("джордж", "георг"), ("чарльз", "карл"), ("генри", "генрих"),
    ("уильям", "вильгельм"), ("джеймс", "яков"), ("джон", "иоанн"), ("питер", "пётр"),
    ("пол", "павел"), ("майкл", "михаил"), ("джозеф", "иосиф"), ("фредерик", "фридрих"),
    ("франсуа", "франциск"), ("фрэнсис", "франциск"), ("хуан", "иоанн"), ("мэри", "мария"),
    ("джошуа", "иисус"), ("джейкоб", "иаков"), ("мэттью", "матфей"), ("эндрю", "андрей"),
    ("стивен", "стефан"), ("томас", "фома"), ("мартин", "мартин"),
)  # fmt: skip
_KK_LETTERS = re.compile("[әғқңөұүһі]")
_KK_SURNAME = re.compile("^.{3,}(ов|ев|ова|ева|ин|ина|ұлы|қызы|бек|бай)$")
# Russian surnames and patronymics, whatever the dictionary says (Токаев is also "токай")
_RU_SURNAME = re.compile(r"^.{3,}(ов|ев|ёв|ович|евич|овна|евна)(а|у|ым|ом|е|ой|ых|ыми|ы)?$")
# suffixes of Russian abstract and diminutive nouns: a word unknown to the dictionary that ends
# so is derived from common words (Троецарствие, Скрепыш), not a foreign name (Раннелс)
_DERIVED = ("ство", "ствие", "ние", "ость", "ыш")
_PROPER_TAGS = frozenset(("Name", "Surn", "Patr", "Geox", "Orgn", "Trad"))
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_PARTS = re.compile(r"[-'’]")
_OPENERS = set("«„“\"'‹([")
_SENTENCE_END = set(".!?…")
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile("[а-яёәғқңөұүһі]", re.IGNORECASE)
_LATIN_WORD = re.compile("[A-Za-z]+")
_SNOWBALL = {
    "ru": "russian", "en": "english", "de": "german", "fr": "french", "es": "spanish",
    "it": "italian", "pt": "portuguese", "tr": "turkish", "uk": "russian",
}  # fmt: skip
# Russian place names made with a prefix: Подмосковье is "the land by Moscow" (Мәскеу облысы).
_RU_PREFIXES = ("pod", "pri", "za")
_MIN_PREFIX = 4  # letters of two stems' keys that must agree for a prefix match
_MIN_SIMILARITY = 0.75  # normalised edit-distance similarity of two stems' keys
CONTEXT_BEADS = 2  # beads on either side whose other-language text also excuses a name


@dataclass(frozen=True)
class Name:
    """A capitalised word that is not capitalised by position."""

    text: str  # as written (one part of a hyphenated word)
    key: str  # Latin key of its stem
    weak: bool  # evidence only: never reported as missing
    run: int = 0  # which run of space-separated capitalised words of its sentence it is in


def _is_heading(sentence: str) -> bool:
    """A line written in capitals (at least two words): a heading, not a run of names."""
    letters = _LETTER.findall(sentence)
    return len(letters) >= 6 and all(c.isupper() for c in letters) and " " in sentence.strip()


def _opens(sentence: str, start: int) -> bool:
    """Whether the word at `start` is capitalised by position: first of the sentence, of a
    quotation or bracket, or after a sentence end or a colon."""
    k = start - 1
    while k >= 0 and sentence[k].isspace():
        k -= 1
    if k < 0:
        return True
    if sentence[k] in _OPENERS:
        # a straight quote right after a word closes a quotation ("Голдаст" Раннелс)
        return sentence[k] not in "\"'" or k == 0 or not sentence[k - 1].isalnum()
    if sentence[k] in "-–—" and (k == 0 or sentence[k - 1].isspace()):  # "— Бүгін ..."
        return _opens(sentence, k)
    initial = k >= 1 and sentence[k - 1].isupper() and (k == 1 or not sentence[k - 2].isalpha())
    if sentence[k] == "." and initial:  # an initial: В. Путин, Л.Н.Гумилев
        return False
    return sentence[k] in _SENTENCE_END or sentence[k] == ":"


def _after_quote(sentence: str, start: int) -> bool:
    """Whether the word at `start` follows a closing quotation mark."""
    k = start - 1
    while k >= 0 and sentence[k].isspace():
        k -= 1
    return k >= 1 and (sentence[k] in "»”" or (sentence[k] in "\"'" and sentence[k - 1].isalnum()))


@functools.lru_cache(maxsize=1 << 16)
def name_stem(word: str, lang: str) -> str:
    """`word` without its inflection: Kazakh endings stripped by rule, other languages by their
    Snowball stemmer (Russian declension), lower case. At least three letters are kept."""
    low = word.lower()
    if lang == "kk":
        relational = False
        for step, endings in enumerate(_KK_STEPS):
            if step == 3 and not relational:
                continue  # a locative there only before "-ғы"
            for ending in endings:
                if (
                    low.endswith(ending)
                    and len(low) - len(ending) >= 3
                    and _kk_ending_fits(low[: -len(ending)], ending)
                ):
                    low = low[: -len(ending)]
                    relational = relational or step == 2
                    break
        return low
    stemmer = _stemmer(lang)
    if stemmer is None:
        return low
    stem = stemmer.stemWord(low)
    return stem if len(stem) >= 3 else low[: max(3, len(stem))]


_KK_VOWELS = frozenset("аәеиоөұүыіэюяуё")


def _kk_ending_fits(stem: str, ending: str) -> bool:
    """Whether a Kazakh case ending in "н" can follow `stem`. The locative and dative in "н"
    follow only the possessive -ы/-і (қала-сы-нда), the ablative also м, н, ң (Қазақстан-нан),
    the accusative any vowel (Алматы-ны), the genitive a vowel or м, н, ң (Қазақстан-ның): so
    Қазақстанда is Қазақстан-да and Иранда Иран-да, not Қазақста-нда, Ира-нда."""
    if not ending.startswith("н"):
        return True
    last = stem[-1]
    if ending in ("ны", "ні"):
        return last in _KK_VOWELS
    if ending in ("ның", "нің"):
        return last in _KK_VOWELS or last in "мнң"
    if ending in ("нан", "нен"):
        return last in "ыімнң"
    return last in "ыі"


@functools.cache
def _stemmer(lang: str):
    import snowballstemmer

    name = _SNOWBALL.get(lang)
    return snowballstemmer.stemmer(name) if name else None


def _weak(part: str, lang: str, key: str) -> bool:
    if len(part) >= 2 and part.isupper():
        return True  # abbreviations are translated (АҚШ / США, GMT / по Гринвичу)
    low = part.lower()
    if low in _LATIN_FUNCTION:
        return True
    if lang == "kk" and _KK_ADJECTIVE.search(low) and len(low) >= 6:
        return True
    if (
        lang == "kk"
        and _KK_LETTERS.search(name_stem(low, lang))  # not in an ending: Алматының
        and not _KK_SURNAME.search(name_stem(low, lang))
        and not _known_place(key, lang)
    ):
        # a capitalised word spelled with letters only Kazakh has is a Kazakh word: in a
        # name of an institution, an event or a title (Құрама Штаттар, Ұлы Пирамида,
        # Қорғаныс министрлігі), translated on the other side; Kazakh people's names, which
        # also have them, are transliterated there and matched before this matters
        return True
    if lang == "ru" and _CYRILLIC.match(low) and _common_russian(low, True):
        return True
    if lang in ("ru", "uk") and _RU_ADJECTIVE.search(low) and len(low) >= 5:
        return True
    titles = _title_keys()
    return key in titles or any(key[:n] in titles for n in range(4, len(key)))


@functools.lru_cache(maxsize=1 << 14)
def _common_russian(word: str, guessed: bool = True) -> bool:
    """A word the Russian dictionary (pymorphy3, OpenCorpora) knows, in no reading a proper
    name: Средневековье, Война, Служба, Стрелец. Capitalised, it heads a translated name."""
    if _RU_SURNAME.search(word):
        return False
    morph = _morph()
    if morph is None:
        return False
    parses = morph.parse(word)
    # a word the dictionary does not know is guessed from its ending: when no guess is a proper
    # name either, it is a common noun's derivation (Троецарствие, Скрепыш), a translated name
    return (
        bool(parses)
        and (parses[0].is_known or (guessed and parses[0].normal_form.endswith(_DERIVED)))
        and not any(_PROPER_TAGS & p.tag.grammemes for p in parses)
    )


@functools.cache
def _morph():  # pymorphy3 has no type hints
    try:
        import pymorphy3
    except ImportError:  # pragma: no cover - a dependency
        return None
    return pymorphy3.MorphAnalyzer(lang="ru")


def _known_place(key: str, lang: str) -> bool:
    """A place with a one-word name in CLDR's `lang` territory and city names (Мәскеу)."""
    return key in _places(lang)


@functools.cache
def _places(lang: str) -> frozenset[str]:
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # pragma: no cover - babel is a dependency
        return frozenset()
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return frozenset()
    names = [*locale.territories.values()]
    names += [z["city"] for z in locale.time_zones.values() if "city" in z]
    keys = (_place_keys(name, lang) for name in names)
    return frozenset(k[0] for k in keys if len(k) == 1)


@functools.cache
def _title_keys() -> frozenset[str]:
    """Keys of the title words, stemmed as either language stems them (елшісі -> елш)."""
    return frozenset(
        to_latin_key(name_stem(w, lang)) for w in _TITLE_WORDS for lang in ("kk", "ru")
    )


def find_names(sentence: str, lang: str) -> list[Name]:
    """The names of one sentence (see the module docstring), in order."""
    return list(_find_names(sentence, lang))


@functools.lru_cache(maxsize=1 << 15)  # a sentence is asked for as a bead and as a neighbour
def _find_names(sentence: str, lang: str) -> tuple[Name, ...]:
    if _is_heading(sentence):
        return ()
    found: list[Name] = []
    run, run_end = -1, -1
    for m in _WORD.finditer(sentence):
        if not m.group()[0].isupper():
            continue
        # capitalised words separated by spaces only are one name (Джонг Сеорк Парк)
        if run_end < 0 or sentence[run_end : m.start()].strip():
            run += 1
        run_end = m.end()
        if _opens(sentence, m.start()):
            continue
        for part in _PARTS.split(m.group()):
            if len(part) < 2 or not part[0].isupper():
                continue
            key = to_latin_key(name_stem(part, lang))
            if len(key) >= 2:
                # Kazakh puts the noun of a quoted name after it ("АТОМ" Жобасы, «Нұр Отан»
                # партиясы), Russian before it (проект «АТОМ»): there it is no name
                weak = _weak(part, lang, key) or (
                    lang == "kk" and _after_quote(sentence, m.start())
                )
                found.append(Name(part, key, weak, run))
    if lang != "en" and _CYRILLIC.search(sentence):
        # two or more Latin-script names in a row in a Cyrillic sentence: the foreign name of an
        # organisation, event or title (Medecines Sans Frontieres, Giant Slalom), which the
        # other version as often translates: evidence only
        latin = [n.run for n in found if _LATIN_WORD.fullmatch(n.text)]
        found = [Name(n.text, n.key, True, n.run) if latin.count(n.run) >= 2 else n for n in found]
    return tuple(found)


@dataclass(frozen=True)
class _Evidence:
    """What one side offers to match a name of the other side."""

    prefixes: frozenset[str]  # the first 2, 3 and 4 letters of every word's stem and raw keys
    keys: frozenset[str]  # every word's stem and raw keys
    names: tuple[tuple[str, str], ...]  # (stem key, raw key) of its capitalised words
    words: str = ""  # every word's raw key, space-separated (compounds: новозеландские)

    @functools.cached_property
    def name_keys(self) -> frozenset[str]:
        """The stem and raw keys of the capitalised words."""
        return frozenset(k for pair in self.names for k in pair)


def _evidence(sentences: Iterable[str], lang: str) -> _Evidence:
    parts = [_sentence_evidence(s, lang) for s in sentences]
    return _Evidence(
        frozenset().union(*(p.prefixes for p in parts)),
        frozenset().union(*(p.keys for p in parts)),
        tuple(sorted(set().union(*(p.names for p in parts)))),
        " ".join(p.words for p in parts),
    )


@functools.lru_cache(maxsize=1 << 15)  # a sentence is evidence for its bead and its neighbours
def _sentence_evidence(sentence: str, lang: str) -> _Evidence:
    prefixes: set[str] = set()
    keys: set[str] = set()
    names: set[tuple[str, str]] = set()
    for m in _WORD.finditer(sentence):
        word = m.group()
        parts = _PARTS.split(word)
        for part in [*parts, _PARTS.sub("", word)] if len(parts) > 1 else parts:
            if len(part) < 2:
                continue
            raw = to_latin_key(part)
            # a long word's first letters are its stem's: stem (slow) only short and
            # capitalised words, whose endings can reach into the first four letters
            capital = part[0].isupper()
            stem = to_latin_key(name_stem(part, lang)) if capital or len(raw) <= 6 else raw
            for key in {raw, stem}:
                keys.add(key)
                prefixes.update(key[:n] for n in (2, 3, _MIN_PREFIX) if len(key) >= n)
            if capital:
                names.add((stem, raw))
    return _Evidence(frozenset(prefixes), frozenset(keys), tuple(names), " ".join(sorted(keys)))


_VOWELS = re.compile(r"[aeiou]")


def _skeleton(key: str) -> str:
    return _VOWELS.sub("", key)


def _similar(a: str, b: str) -> bool:
    from rapidfuzz.distance import Levenshtein

    if min(len(a), len(b)) <= 4:  # short names: one edit
        return Levenshtein.distance(a, b) <= 1 and min(len(a), len(b)) >= 3
    return Levenshtein.normalized_similarity(a, b) >= _MIN_SIMILARITY


def _matched(name: Name, other: _Evidence, gazetteer: dict[str, frozenset[str]]) -> bool:
    stem_key, raw_key = name.key, to_latin_key(name.text)
    if len(name.text) >= 2 and name.text.isupper():  # an abbreviation: the same one, or none
        return raw_key in other.keys
    for key in (stem_key, raw_key):
        if len(key) >= _MIN_PREFIX:
            if key[:_MIN_PREFIX] in other.prefixes:
                return True
        elif key in other.prefixes:  # a short name: Рим, Лун, Боб
            return True
        # a capitalised word of the other side is a shorter form (Джон / Джо); not any word,
        # nor two letters, or every name starting like "не", "Ол" (Непал, Оливер) would match
        if any(key[:n] in other.name_keys for n in range(3, len(key))):
            return True
    for key in (stem_key, *(stem_key[len(p) :] for p in _RU_PREFIXES if stem_key.startswith(p))):
        if any(e in other.prefixes for e in gazetteer.get(key[:_MIN_PREFIX], ())):
            return True
    if len(stem_key) >= 5 and stem_key[:4] in other.words:  # Зеландия / новозеландские
        return True
    skeleton = _skeleton(stem_key)
    for word in other.words.split():
        if len(word) >= 5 and word[:5] in raw_key:  # Ұлыбритания / британскую
            return True
        if len(word) >= 4 and _similar(raw_key, word[: len(raw_key)]):  # Вербер / берберами
            return True
    for other_stem, other_raw in other.names:
        if stem_key[:3] == other_stem[:3] and len(stem_key) >= 3:  # Швеция / Шведской
            return True
        if _similar(stem_key, other_stem) or _similar(raw_key, other_raw):
            return True
        if len(skeleton) >= 3 and _skeleton(other_stem) == skeleton:
            return True
    return False


def missing_names(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str = "kk",
    tgt_lang: str = "ru",
    *,
    src_context: Sequence[str] = (),
    tgt_context: Sequence[str] = (),
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names (as written) of the sentences `src` with no counterpart in `tgt`, and the other way
    round. `*_context`: sentences of the neighbouring beads, which also excuse a name (the
    alignment moved it, the text did not drop it).

    A name with no match is not reported while the other side has a capitalised word that
    matches nothing either: the two are taken for a translated name (Күн / Солнце, Таяу Шығыс /
    Ближний Восток). So a name *replaced* by another one goes unreported: precision first.
    """
    to_tgt, to_src = _gazetteer(src_lang, tgt_lang), _gazetteer(tgt_lang, src_lang)
    src_all = [(k, n) for k, s in enumerate(src) for n in find_names(s, src_lang)]
    tgt_all = [(k, n) for k, s in enumerate(tgt) for n in find_names(s, tgt_lang)]
    if not any(not n.weak for _, n in src_all) and not any(not n.weak for _, n in tgt_all):
        return (), ()
    src_ev = _evidence([*src, *src_context], src_lang)
    tgt_ev = _evidence([*tgt, *tgt_context], tgt_lang)
    src_left = _unmatched(src_all, tgt_ev, to_tgt)
    tgt_left = _unmatched(tgt_all, src_ev, to_src)
    # the other side's leftovers within the bead itself, neighbours aside, for the runs: a word
    # matched in a neighbouring bead can still be this bead's spelling of the person's name
    # (worked out only when a run needs it)
    tgt_rest = _has_mate(src_left) and bool(
        _unmatched(tgt_all, _evidence(src, src_lang), to_src) if src_context else tgt_left
    )
    src_rest = _has_mate(tgt_left) and bool(
        _unmatched(src_all, _evidence(tgt, tgt_lang), to_tgt) if tgt_context else src_left
    )
    only_src = _reported(src_left, tgt_left, tgt_rest)
    only_tgt = _reported(tgt_left, src_left, src_rest)
    return tuple(dict.fromkeys(only_src)), tuple(dict.fromkeys(only_tgt))


def _unmatched(
    names: list[tuple[int, Name]], other: _Evidence, gazetteer: dict[str, frozenset[str]]
) -> list[tuple[Name, bool]]:
    """The names with no match on the other side, each with whether another name of its run
    matched (then it is likely the same person's other name, spelled too differently to match:
    Джонг Сеорк Парк / Пак Чон Сок)."""
    matched = [_matched(n, other, gazetteer) for _, n in names]
    found_runs = {(k, n.run) for (k, n), ok in zip(names, matched, strict=True) if ok}
    return [
        (n, (k, n.run) in found_runs) for (k, n), ok in zip(names, matched, strict=True) if not ok
    ]


def _has_mate(left: list[tuple[Name, bool]]) -> bool:
    return any(mate and not n.weak for n, mate in left)


def _reported(
    left: list[tuple[Name, bool]], other_left: list[tuple[Name, bool]], other_rest: bool
) -> list[str]:
    """The unmatched names to report, given what the other side leaves unmatched: while the
    bead's other side leaves anything (`other_rest`), a name whose run matched is taken for a
    differently spelled part of that name, and each leftover of the other side (neighbours
    counted) excuses one more name (see `_spare`)."""
    names = [n for n, mate in left if not n.weak and not (mate and other_rest)]
    return [n.text for n in names][_spare([n for n, _ in other_left]) :]


def load_gazetteer(lang: str, other: str) -> None:
    """Build the gazetteer of a language pair now (about a second) rather than at the first
    name that needs it: a server calls this before it answers anyone."""
    _gazetteer(lang, other)
    _gazetteer(other, lang)


def _spare(left: Sequence[Name]) -> int:
    """How many unmatched names of the other side these unmatched capitalised words can stand
    for: one each, an abbreviation one per letter (США for Америка Құрама Штаттары)."""
    return sum(len(n.text) if n.text.isupper() else 1 for n in left)


@functools.cache
def _gazetteer(lang: str, other: str) -> dict[str, frozenset[str]]:
    """Stem-key prefixes of `lang` -> prefixes in `other` of the same place name, from CLDR
    territory, region and city names (babel). A multi-word name gives its one word that does
    not transliterate (Солтүстік Корея / Северная Корея: солтүстік -> север)."""
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # pragma: no cover - babel is a dependency
        return {}
    try:
        a, b = Locale.parse(lang), Locale.parse(other)
    except (UnknownLocaleError, ValueError):
        return {}
    pairs = [(a.territories[c], b.territories[c]) for c in a.territories if c in b.territories]
    for zone, names in a.time_zones.items():
        city, other_city = names.get("city"), b.time_zones.get(zone, {}).get("city")
        if city and other_city:
            pairs.append((city, other_city))
    table: dict[str, set[str]] = {}
    for name_a, name_b in pairs:
        keys_a = _place_keys(name_a, lang)
        keys_b = _place_keys(name_b, other)
        left = [k for k in keys_a if not any(_close(k, x) for x in keys_b)]
        right = [k for k in keys_b if not any(_close(k, x) for x in keys_a)]
        if len(left) == 1 and len(right) == 1:
            table.setdefault(left[0][:_MIN_PREFIX], set()).add(right[0][:_MIN_PREFIX])
    # a country and its language's adjective: Германия / немецкий, Түркия / түрік
    from babel.core import get_global
    from babel.languages import get_official_languages

    likely = get_global("likely_subtags")
    for code, name_a in a.territories.items():
        keys_a = _place_keys(name_a, lang)
        for language in get_official_languages(code):
            home = likely.get(language, "").split("_")[-1]  # de -> de_Latn_DE -> DE
            named = b.languages.get(language)
            if home == code and named and len(keys_a) == 1:
                word = named.split()[0]
                key = to_latin_key(name_stem(word, other))
                if len(key) >= 3:
                    table.setdefault(keys_a[0][:_MIN_PREFIX], set()).add(key[:_MIN_PREFIX])
                break
    for x, y in _GIVEN_NAMES:
        for a_word, b_word in ((x, y), (y, x)):
            key_a, key_b = to_latin_key(name_stem(a_word, lang)), to_latin_key(b_word)
            table.setdefault(key_a[:_MIN_PREFIX], set()).add(key_b[:_MIN_PREFIX])
    return {k: frozenset(v) for k, v in table.items()}


def _place_keys(name: str, lang: str) -> list[str]:
    words = [w for w in _WORD.findall(name) if w[0].isupper() and len(w) >= 3]
    keys = [to_latin_key(name_stem(part, lang)) for w in words for part in w.split("-")]
    return [k for k in keys if len(k) >= 3]


def _close(a: str, b: str) -> bool:
    from rapidfuzz.distance import Levenshtein

    return a[:_MIN_PREFIX] == b[:_MIN_PREFIX] or (
        Levenshtein.normalized_similarity(a, b) >= _MIN_SIMILARITY
    )
