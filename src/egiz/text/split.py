"""Split Kazakh and Russian text into paragraphs and sentences.

The base is razdel's sentence segmenter (``razdel.sentenize``): its rules for Russian -- initials,
abbreviations, quotes with their ``», – сказал он.`` tails, ellipses, lists -- are good and not
repeated here. No sentence splitter exists for Kazakh, but Kazakh is written in Cyrillic with the
same punctuation and quoting conventions as Russian, so razdel's rules carry over; what it lacks are
the Kazakh abbreviations (``т.б.``, ``т.с.с.``, ``ж.``, ``б.з.б.``, ``қ.`` ...), which an extra rule
adds (:func:`_abbreviation_rule`). On top of razdel this module adds:

* paragraphs: a non-empty line, or a blank-line separated block when the text is hard-wrapped;
  sentences never cross a paragraph (paragraph breaks are an alignment signal);
* glued sentences (``Султангазиев.Он пригласил``), which razdel keeps together;
* Chinese and Japanese sentence ends (``。！？``), which need no space after them and which razdel
  does not know; they apply in any language, as nothing else writes them;
* the full stops of other scripts (Indic danda ``।``, Armenian ``։``, Ethiopic ``።``, Myanmar
  ``။``, Urdu ``۔``, the Arabic question mark ``؟`` ...) before a space, in any language;
* Georgian, whose sentences start in lower case (razdel joins before a lower case word);
* abbreviations that are also words (Kazakh ``мыс`` "copper", Russian ``пол``, English ``no``)
  join only when the next word continues the sentence (:func:`_abbreviation_rule`);
* linear time on huge paragraphs: razdel rebuilds its buffer string on every join, so a very long
  run of joins is quadratic; :class:`_LinearSegmenter` keeps razdel's rules but not that.

Every non-space character of the input ends up in exactly one sentence; whitespace inside a
sentence is collapsed to single spaces.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from razdel.rule import JOIN, SPLIT, FunctionRule
from razdel.segmenters.sentenize import (
    SentSegmenter,
    SentSplit,
    close_bracket,
    close_quote,
    dash_right,
    delimiter_right,
    empty_side,
    initials_left,
    inside_pair_sokr,
    is_lower_alpha,
    list_item,
    no_space_prefix,
    sokr_left,
)
from razdel.segmenters.sokr import INITIALS, SOKRS

from egiz.alignment import Sentence

__all__ = ["split_presegmented", "split_sentences"]

# --- abbreviations ------------------------------------------------------------------------------
# Written without spaces and without the final dot, lower case: "т.с.с" stands for "т.с.с." and
# "т. с. с.". HEAD abbreviations are followed by a name, so they never end a sentence even before a
# capital ("Алматы қ. Абай көш. 10"). TAIL abbreviations can end a sentence: they join only when
# the next word continues it (lower case, a digit, a Roman numeral, punctuation) and split before a
# capitalised word ("... т.б. Ертең ..." is two sentences).

_KK_HEAD = frozenset(
    {
        "қ",  # қала(сы): Алматы қ. Абай даңғылы
        "көш",  # көшесі
        "даң",  # даңғылы
        "ауд",  # ауданы
        "обл",  # облысы
        "шағ",  # шағын аудан
        "ы.а",  # ықшам аудан
        "акад",
        "проф",
        "доц",
        "мыс",  # мысалы: Мыс. Абай ...
        "құр",  # құрастырған
        "ред",
        "аудар",  # аударған
        "зам",
    }
)
_KK_TAIL = frozenset(
    {
        "т.б",  # тағы басқа (etc.)
        "т.с.с",  # тағы сол сияқты
        "т.т",  # тағы тағы
        "с.с",
        "ж",  # жыл: 2024 ж. 1 қаңтарда
        "жж",  # жылдар
        "ғ",  # ғасыр: XX ғ.
        "ғғ",
        "б.з.б",  # біздің заманымызға дейін: б.з.б. 500 жылы, б.з.б. V ғасыр
        "б.з.д",
        "б.з",
        "ш",  # шақырым (km)
        "шақ",
        "км",
        "м",
        "см",
        "мм",
        "кг",
        "га",
        "ц",  # центнер
        "т",  # тонна, том
        "л",
        "ш.м",  # шаршы метр
        "млн",
        "млрд",
        "трлн",
        "тг",  # теңге
        "тең",
        "б",  # бет (page)
        "бб",
        "с",  # сағат (hour)
        "мин",
        "сек",
        "бк",
    }
)
_KK_DATED = frozenset({"ж", "жж", "ғ", "ғғ"})
_RU_HEAD = frozenset({"мкр", "пгт", "дер", "ген", "доц", "респ", "наб", "бульв", "т.ч"})
_RU_TAIL = frozenset({"трлн", "тг", "чел", "шт", "кг", "мм", "мл", "тн", "экз", "ед"})

# Head abbreviations (egiz's or razdel's) spelled like a common word of the language. Joining
# them before every capital made each sentence that ends with the word run into the next one
# ("Қазақстанда көп мыс. Ол ...", "Я позвонил им. Они ..."), so they join only when the next word
# continues the sentence, as tail abbreviations do ("мыс., Абай" still joins).
_KK_WORDS = frozenset(
    {
        "мыс",  # copper
        "көш",  # migration, caravan
        "құр",  # mere; "build!"
        "аудар",  # "translate!", "overturn!"
        # razdel's (Russian) head abbreviations apply to Kazakh too:
        "араб",  # an Arab (араб. = арабский)
        "доп",  # ball (доп. = дополнительный)
    }
)
_RU_WORDS = frozenset(
    {
        "пол",  # floor, sex
        "ум",  # mind
        "гор",  # of mountains
        "тел",  # of bodies
        "кит",  # whale
        "ком",  # lump
        "нем",  # mute
        "лат",  # lats
        "араб",  # an Arab
        "ген",  # gene (egiz's head "ген." = генерал)
    }
)
# Labels of a number ("No. 5", "Nr. 3", "Chap. 2", "Bd. 16"), in razdel's and egiz's head lists:
# before anything but a number they are the word ("... or no. And he ...", "a good chap. We").
_NUMBER_LABELS = frozenset({"no", "nr", "chap", "bd"})
_GENERIC_HEAD = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "sr", "hr", "fr", "mme", "mlle", "mm", "nr", "no"}
    # German abbreviations are followed by capitalised nouns: "z.B. Häuser", "ca. Kilometer".
    | {"z.b", "d.h", "u.a", "bzw", "ca", "vgl", "ggf", "inkl", "evtl", "bspw", "sog"}
)
_GENERIC_TAIL = frozenset(
    {"etc", "usw", "vol", "fig", "art", "abs", "p", "pp", "ff", "cf", "e.g", "i.e", "approx"}
    # French hours and "environ": "à 13 h. 30", "env. 7315 m"; month names: "oct. 1956".
    | {"h", "env"}
    | {"jan", "feb", "febr", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "okt", "nov", "dec"}
    | {"dez", "janv", "févr", "avr", "juil", "déc"}
)
# Head abbreviations that after a number are units ("58 fr.", "5 mm.", "3 hr."), not titles.
_GENERIC_UNITS = frozenset({"fr", "mm", "hr"})
# Ordinal dates ("am 3. Oktober", "le 1er janvier" has no dot): a number before a month name.
_MONTHS_TEXT = (
    "januar februar märz april mai juni juli august september oktober november dezember "
    "january february march june july october december jan feb mar apr jun jul aug sep sept "
    "oct okt nov dec dez "
)
_MONTHS = frozenset(_MONTHS_TEXT.split())

# Every abbreviation of every language, razdel's included: a dot after one of these is never a
# glued-sentence boundary ("ул.Абая", "проф.Ахметов").
_ALL_ABBREVIATIONS = (
    frozenset(SOKRS)
    | INITIALS
    | _KK_HEAD
    | _KK_TAIL
    | _RU_HEAD
    | _RU_TAIL
    | _GENERIC_HEAD
    | _GENERIC_TAIL
)

# The abbreviation just before a dot, in razdel's 10-character left window: "т.с.с", "т. б", "ж".
_DOTTED_TAIL = re.compile(r"(?:^|[^\w.])((?:\w{1,3}\. ?){0,3}\w+)\s*$")
# Roman numerals, also typed with the Cyrillic look-alikes Х and І ("ХХ ғ.").
_ROMAN = re.compile(r"[IVXLCDMХІ]+\b")
_NUMBER_BEFORE = re.compile(r"(?:\d|\b[IVXLCDMХІ]+)[\s\-–]*$")
_OPENING = "«“„‘\"'([{–—-‑ "


def _continues(right: str) -> bool:
    """Whether the text after an abbreviation's dot continues the sentence (see _KK_TAIL)."""
    rest = right.lstrip(_OPENING)
    if not rest:
        return True
    first = rest[0]
    if first.isdigit() or first.islower() or not first.isalpha():
        return True
    return bool(_ROMAN.match(rest))


# Georgian (Mkhedruli) letters are lower case to Unicode, but Georgian has no capital at the start
# of a sentence: a lower case word after a full stop starts the next sentence there.
_GEORGIAN = re.compile("[\u10d0-\u10ff]")


# The first word of a sentence, after opening quotes, brackets or a dash, unless it labels a
# list item ("а) ...", "ii. ...").
_FIRST_WORD = re.compile(r"^[\s«\"“„'‘(\[—–-]*(?![^\W\d_]{1,4}[.)]\s)([^\W\d_]+)")


def continues_previous(sentence: str) -> bool:
    """Whether a sentence starts with a word in lower case, and so continues the one before it (a
    line broken inside a sentence, a piece cut off by a splitter, "— сказал он."): in a script
    with case ("iPhone" is a name), never Georgian, whose letters Unicode counts as lower case."""
    first = _FIRST_WORD.match(sentence)
    return bool(first) and first.group(1).islower() and not _GEORGIAN.match(first.group(1))


def _lower_right(split: SentSplit) -> str | None:
    """razdel's `lower_right` (a lower case word after the dot continues the sentence), but not
    in Georgian, which writes every sentence in lower case ("... მივდივარ. სად ხარ?")."""
    if is_lower_alpha(split.right_token) and not _GEORGIAN.match(split.right_token):
        return JOIN
    return None


def _suffix_start(text: str, suffix: str) -> int:
    """Where `suffix` (written without spaces) begins at the end of `text` ("т. б" for "т.б")."""
    index, left = len(text.rstrip()), len(suffix)
    while left and index:
        index -= 1
        left -= not text[index].isspace()
    return index


def _abbreviation_rule(
    head: frozenset[str],
    tail: frozenset[str],
    *,
    words: frozenset[str] = frozenset(),
    units: frozenset[str] = frozenset(),
    dated: frozenset[str] = frozenset(),
    degrees: bool = False,
) -> FunctionRule:
    """A razdel rule for one language's abbreviations; it runs before razdel's own (Russian) ones,
    so it can both add abbreviations and override razdel where a language differs.

    A head abbreviation joins before a capital only where it cannot be read as anything else.
    Three readings make it ambiguous, and then it joins only when the next word continues the
    sentence, like a tail abbreviation: it is spelled like a common word (`words`, "мыс" copper);
    it labels a number (_NUMBER_LABELS: "No. 5" continues, "... or no. And" ends); it follows a
    number, so it is a unit (`units`: "58 fr. Cahier ...", "5 mm. Dann ...").

    `dated` abbreviations join after a number even before a capital: Kazakh is verb-final, so
    "2024 ж." (жыл) or "XX ғ." (ғасыр) is followed by more of the sentence -- often a place name,
    "2024 ж. Астанада өтті" -- and practically never ends it.
    """

    known = head | tail | words | units | dated | _NUMBER_LABELS

    def abbreviation(split: SentSplit) -> str | None:
        if split.delimiter != ".":
            return None
        match = _DOTTED_TAIL.search(split.left)
        if not match:
            return None
        raw = match.group(1).replace(" ", "")
        parts = raw.split(".")
        if not raw.islower() and all(len(part) == 1 for part in parts):
            return None  # initials: "Ш. Уәлиханов", "Т.Б. Ахметов" -- razdel's initials rule
        # The longest known abbreviation ending here: the window may also hold the short word
        # before it ("kam er. Fr" is "Fr." after "er.").
        for first in range(len(parts)):
            abbr = ".".join(parts[first:]).lower()
            if abbr in known or (degrees and abbr.endswith(("ғ.д", "ғ.к"))):
                break
        else:
            return None
        after_number = bool(_NUMBER_BEFORE.search(split.left, 0, _suffix_start(split.left, abbr)))
        if abbr in words or abbr in _NUMBER_LABELS or (abbr in units and after_number):
            return JOIN if _continues(split.right) else SPLIT
        if abbr in head or (degrees and abbr.endswith(("ғ.д", "ғ.к"))):
            return JOIN  # т.ғ.д. (ғылым докторы), э.ғ.к. ...: academic degrees before a name
        if abbr in dated and after_number:
            return JOIN
        if abbr in tail:
            return JOIN if _continues(split.right) else SPLIT
        return None

    return FunctionRule(abbreviation)


# "... 2024 г. 2. Исключен ...": a numbered item (1-3 digits, a dot or bracket, a capital) after
# an abbreviation that follows a number (a unit, "г." year, "ж." жыл) starts a sentence. Laws and
# contracts run their points on in one line; the abbreviation cannot label the item's number,
# since it already belongs to the number before it ("Рис. 2. Схема" has no number before "Рис.").
_LIST_ITEM_RIGHT = re.compile(r"\s*\d{1,3}[.)]\s+(\w)")
_UNIT_AFTER_NUMBER = re.compile(r"\d\s*(?:[^\W\d_]{1,5}\.\s*)*[^\W\d_]{1,5}$")


def _list_item_after_unit(split: SentSplit) -> str | None:
    if split.delimiter != ".":
        return None
    item = _LIST_ITEM_RIGHT.match(split.right)
    if item and item.group(1).isupper() and _UNIT_AFTER_NUMBER.search(split.left):
        return SPLIT
    return None


def _ordinal_date(split: SentSplit) -> str | None:
    """German-style dates: "am 3. Oktober" is one sentence."""
    if split.delimiter == "." and split.left_token and split.left_token.isdigit():
        word = split.right.split(maxsplit=1)
        if word and word[0].strip(".,").lower() in _MONTHS and len(split.left_token) <= 2:
            return JOIN
    return None


class _LinearSegmenter(SentSegmenter):
    """razdel's segmenter without its quadratic case.

    razdel 0.5.0 grows the current sentence with ``buffer = buffer + delimiter + right`` while
    ``split.buffer`` still refers to the old string, so every join copies the whole sentence so far:
    a long run of joined candidates ("т.б. т.б. т.б. ...", a 50 MB line with no sentence end) is
    quadratic. Here the sentence is a list of pieces, joined once. The only rule that reads
    ``split.buffer`` is ``list_item``, which gives up on buffers longer than 20 characters; it gets
    the exact buffer while that is short and a 64-character prefix (same answer) after that.
    """

    def segment(self, parts: Iterator[Any]) -> Iterator[str]:
        # `parts` alternates text, SentSplit, text, SentSplit, ..., text.
        first: str | None = next(parts, None)
        if first is None:
            return
        pieces, head = [first], first[:_BUFFER_HEAD]
        for split in parts:
            right: str = next(parts)
            split.buffer = head
            if self.join(split):
                pieces += (split.delimiter, right)
                if len(head) < _BUFFER_HEAD:
                    head = (head + split.delimiter + right)[:_BUFFER_HEAD]
            else:
                pieces.append(split.delimiter)
                yield "".join(pieces)
                pieces, head = [right], right[:_BUFFER_HEAD]
        yield "".join(pieces)


_BUFFER_HEAD = 64


def _segmenter(*extra: FunctionRule) -> SentSegmenter:
    """razdel's sentence rules, in razdel's order, with `extra` rules inserted before its
    abbreviation rules (after the trivial ones: no space after the dot, lower case next word)."""
    trivial = (empty_side, no_space_prefix, _lower_right, delimiter_right)
    rest = (sokr_left, inside_pair_sokr, initials_left, list_item)
    bounds = (close_quote, close_bracket, dash_right)
    rules = [FunctionRule(rule) for rule in trivial]
    rules += [FunctionRule(_list_item_after_unit), *extra]
    rules += [FunctionRule(rule) for rule in rest + bounds]
    return _LinearSegmenter(rules=rules)


_SEGMENTERS = {
    "kk": _segmenter(
        _abbreviation_rule(_KK_HEAD, _KK_TAIL, words=_KK_WORDS, dated=_KK_DATED, degrees=True)
    ),
    # "30 см. Потом": after a number "см." is centimetres, not razdel's head "см." (see).
    "ru": _segmenter(_abbreviation_rule(_RU_HEAD, _RU_TAIL, words=_RU_WORDS, units={"см"})),
    "other": _segmenter(
        _abbreviation_rule(_GENERIC_HEAD, _GENERIC_TAIL, units=_GENERIC_UNITS),
        FunctionRule(_ordinal_date),
    ),
}
_LANG_ALIASES = {"kk": "kk", "kaz": "kk", "kz": "kk", "ru": "ru", "rus": "ru"}


def _lang_key(lang: str) -> str:
    code = re.split(r"[-_]", (lang or "").strip().lower(), maxsplit=1)[0]
    return _LANG_ALIASES.get(code, "other")


# --- paragraphs ---------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\v\f]")
# A line that ends a sentence: final punctuation, maybe followed by closing quotes or brackets.
# ':' and ';' count too: a line ending in them introduces or continues a list, not a wrapped line.
_ENDS_SENTENCE = re.compile(r"[.!?…:;][»\"”’')\]]*$")


def _blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of stripped, non-empty lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in _LINE_BREAKS.sub("\n", text).split("\n"):
        line = raw.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_hard_wrapped(blocks: list[list[str]]) -> bool:
    """Whether lines are a fixed-width wrapping of longer paragraphs rather than paragraphs.

    Wrapped text breaks lines in the middle of sentences: most inner lines of a block (all but
    the last) have no sentence-final punctuation, and the next line mostly goes on with a lower
    case word. A headline above a paragraph, or a list of titles, has the first property but not
    the second, and stays one paragraph per line.
    """
    open_lines = continued = inner = 0
    for block in blocks:
        for line, following in itertools.pairwise(block):
            inner += 1
            if not _ENDS_SENTENCE.search(line):
                open_lines += 1
                # (a Georgian line starts in lower case whether it goes on or not)
                if following[0].isalpha() and following[0].islower():
                    continued += not _GEORGIAN.match(following)
    return inner >= 2 and open_lines >= 0.5 * inner and continued >= 0.5 * open_lines


def _join_wrapped(block: list[str]) -> str:
    """Join the lines of a wrapped paragraph with spaces; a line ending in a hyphen after a letter
    is joined to a lower case continuation without a space ("бизнес-" + "форум"), the hyphen kept:
    it may be a real hyphen, and dropping a character is worse than keeping a soft one."""
    parts = [block[0]]
    for line in block[1:]:
        prev = parts[-1]
        glue = len(prev) >= 2 and prev[-1] == "-" and prev[-2].isalpha() and line[0].islower()
        parts.append(line if glue else " " + line)
    return "".join(parts)


def _paragraphs(text: str) -> list[str]:
    blocks = _blocks(text)
    if _is_hard_wrapped(blocks):
        return [_join_wrapped(block) for block in blocks]
    return [line for block in blocks for line in block]


# --- glued sentences ----------------------------------------------------------------------------

# Sentence-final punctuation between two letters with no space: "Султангазиев.Он".
_GLUED = re.compile(r"(?<=[^\W\d_]{2})[»\"”’)]*[.!?…]+[»\"”’)]*(?=[^\W\d_])")
_WORD_BEFORE = re.compile(r"[^\W\d_]+$")
_URLISH = re.compile(r"@|/|:|^www|\.\w")


def _split_glued(sentence: str) -> list[str]:
    """Split sentences glued by a missing space: a word ending in two lower case letters, final
    punctuation, then a capital starting a word. Not initials (one capital letter), abbreviations
    (ул.Абая), URLs, e-mail addresses or domains (www.Gov.kz), decimals (no letters)."""
    pieces: list[str] = []
    start = 0
    for match in _GLUED.finditer(sentence):
        left_end, right_start = match.start(), match.end()
        if not (sentence[left_end - 2 : left_end].islower() and sentence[right_start].isupper()):
            continue
        after = sentence[right_start + 1 : right_start + 2]
        if after.isalpha() and not after.islower():
            continue  # an acronym: "ҚР", "ООН"
        left_token = sentence[max(start, left_end - 60) : left_end].rsplit(" ", 1)[-1]
        right_token = sentence[right_start : right_start + 60].split(" ", 1)[0]
        if _URLISH.search(left_token) or _URLISH.search(right_token.rstrip('.!?…,;:»"”’)')):
            continue
        word = _WORD_BEFORE.search(left_token)
        if word and word.group().lower() in _ALL_ABBREVIATIONS:
            continue
        pieces.append(sentence[start:right_start])
        start = right_start
    if not pieces:
        return [sentence] if sentence else []
    pieces.append(sentence[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


# --- Chinese and Japanese -----------------------------------------------------------------------

# Han, kana (with half-width katakana), CJK punctuation: a sentence here needs no space after it.
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff61-\uff9f"
_CJK_CLOSERS = re.escape("」』”’）)】〕〉》］]\"'»")
# 。！？ (and half-width ｡) end a sentence wherever they stand; ASCII ! ? only before CJK text
# ("你好!我是"); closing quotes and brackets stay with the sentence they close.
_CJK_END = re.compile(rf"(?:[。｡！？]+|[!?]+(?=[{_CJK_CLOSERS}]*[{_CJK}]))[{_CJK_CLOSERS}]*")
# After the end mark, a comma or the like ("！”，他说"), the Japanese quotative particle after a
# closed quote (「ありがとう。」と言った) or a short Chinese speech tag after one
# ("你去哪儿？”她问道。", "走吧！”老王说，“…”) means the sentence goes on: English keeps
# `"Where to?" she asked.` whole.
# A tag ends in a verb of saying (道 also ends 问道, 笑道, 答道, 报道) and a 。，：; "他不回答，"
# (no answer, a new sentence) is none.
_CJK_SPEECH_TAG = r"[\u4e00-\u9fff]{0,6}(?:说|說|讲|講|道|问|問|喊|叫|嚷)[。，：]"
_CJK_GOES_ON = re.compile(rf"\s*[，、,;；:：)）]|(?<=[」』”’])\s*(?:と|って|{_CJK_SPEECH_TAG})")


# --- other scripts' full stops ------------------------------------------------------------------

# Sentence ends razdel (written for Russian) does not know, written with a space after them:
# Devanagari and other Indic danda and double danda, the Armenian full stop, the Ethiopic full
# stop and question mark, the Myanmar section mark, the Khmer khan, the Urdu full stop, the
# Arabic question mark and the Hebrew sof pasuq. Closing quotes and brackets stay with the
# sentence; what follows a space starts the next one.
_SCRIPT_END = re.compile(rf"[।॥։።፧။។۔؟׃]+[{_CJK_CLOSERS}]*(?=\s)")


def _cjk_pieces(paragraph: str) -> list[str]:
    """Cut a paragraph after each Chinese/Japanese sentence end and after each full stop of the
    scripts in `_SCRIPT_END`; linear, no-op without them."""
    pieces, start = [], 0
    for match in _CJK_END.finditer(paragraph):
        end = match.end()
        if end < len(paragraph) and not _CJK_GOES_ON.match(paragraph, end):
            pieces.append(paragraph[start:end])
            start = end
    pieces.append(paragraph[start:])
    out = []
    for piece in pieces:
        begin = 0
        for match in _SCRIPT_END.finditer(piece):
            out.append(piece[begin : match.end()])
            begin = match.end()
        out.append(piece[begin:])
    return [piece.strip() for piece in out if piece.strip()]


# --- public -------------------------------------------------------------------------------------


def split_sentences(text: str, lang: str) -> list[Sentence]:
    """Split `text` into sentences, each tagged with the 0-based index of its paragraph.

    A paragraph is a non-empty line; if the text is hard-wrapped (see :func:`_is_hard_wrapped`),
    a paragraph is a blank-line separated block whose lines are joined with a space. Sentences
    never span paragraphs. `lang` is "kk" or "ru" (also "kaz"/"rus", "kk-KZ" ...); any other value
    ("en", "de", "zh", "ja" ...) gets razdel's rules plus a few common Latin-script abbreviations.
    In every language 。！？ end a sentence with or without a space after them (Chinese, Japanese),
    and the full stops of other scripts (। ։ ። ။ ۔ ؟ ...) before a space.

    Whitespace inside a sentence is collapsed to single spaces, no sentence is empty, and every
    non-space character of `text` is in exactly one sentence. Linear time in len(text).
    """
    segment = _SEGMENTERS[_lang_key(lang)]
    sentences: list[Sentence] = []
    for index, paragraph in enumerate(_paragraphs(text)):
        for chunk in _cjk_pieces(_WHITESPACE.sub(" ", paragraph).strip()):
            for substring in segment(chunk):
                for piece in _split_glued(substring.text):
                    sentences.append(Sentence(piece, index))
    return sentences


def split_presegmented(text: str) -> list[Sentence]:
    """One sentence per non-empty line, for input that is already split into sentences.

    Lines are stripped and their inner whitespace collapsed. `paragraph` is the index of the
    blank-line separated block the line is in: consecutive lines are sentences of one paragraph
    and a blank line (or several) starts the next one. Without blank lines every sentence is in
    paragraph 0, which tells an aligner nothing rather than something false.
    """
    return [
        Sentence(" ".join(line.split()), index)
        for index, block in enumerate(_blocks(text))
        for line in block
    ]
