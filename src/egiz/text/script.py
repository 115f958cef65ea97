"""Kazakh in every script it is written in: detect the script, transliterate to Cyrillic and back.

Kazakh is written in Cyrillic (Kazakhstan, Mongolia), in the Latin alphabets of Kazakhstan's
transition (three official versions) and in the Arabic-based töte jazu (the Kazakhs of China,
Iran, Afghanistan). egiz compares texts in Cyrillic: `comparable_text` turns Kazakh in any script
into Cyrillic Kazakh for embedding, number words, name keys and language detection, while the
text a user sees and exports stays the original.

Scripts (`SCRIPTS`):

- ``cyrl``: the 42-letter Kazakh Cyrillic alphabet (1940, revised 1957).
- ``latn2017``: Decree of the President of the Republic of Kazakhstan No. 569 of 26 October 2017,
  annex: 32 letters, nine of them with an apostrophe: A' (ә), G' (ғ), I' (и, й), N' (ң), O' (ө),
  S' (ш), C' (ч), U' (ү), Y' (у); I = і, Y = ы, U = ұ, H = х, һ.
- ``latn2018``: Decree No. 637 of 19 February 2018 (amending No. 569): acute accents Á (ә),
  Ǵ (ғ), Ń (ң), Ó (ө), Ú (ү), Ý (у); dotless ı (capital I) = и, й; I i = і; Y = ы; U = ұ; digraphs
  Sh (ш) and Ch (ч).
- ``latn2021``: the improved alphabet the Government presented on 28 January 2021: Ä (ә), Ğ (ғ),
  Ñ (ң), Ö (ө), Ş (ш), Ū (ұ), Ü (ү), Q (қ); I ı = і, İ i = и, й; Y = ы; U = у; Ç = ч.
- ``arab``: töte jazu as written in Xinjiang (Baitursynuly's reformed Arabic script): one letter
  per sound, vowels written, front-vowel words marked once by the high hamza ٴ (U+0674) at the
  start unless they hold ە (е), ك (к) or گ (г); ә ө ү і share ا و ۇ ى with а о ұ ы.

Cyrillic letters that an alphabet lacks (only in Russian loans) are written by egiz's convention,
the same in every alphabet: ц = ts, щ = ш twice, ё = и + o, ю = и + у, я = и + а, э = е, and ъ ь
are dropped (Arabic: تس, شش, يو, يۋ, يا, ە).

Ambiguities, resolved when reading back to Cyrillic (`to_cyrillic`) by these rules:

- и / й share one letter in every alphabet (i', ı, i, ي): й after a vowel, и elsewhere; я and ю
  at a word's start or after a vowel ("aia" = ая), и + я / и + ю after a consonant (Aziia = Азия).
- х / һ share H (Latin): read as х (һ is in a handful of Arabic loans).
- ц is read from ts (تس) at a word's start and before и (медицина, -ция); тс elsewhere, as in
  the many native words with т + с (айтса, кетсе).
- 2018: the capital I is і or и: и when the word has a back vowel, і otherwise.
- töte jazu: a word is front (ә ө ү і) when it has the hamza, or ە ك گ (not counting the
  invariant -мен) and no ق ع; with both, each vowel follows the nearer of them. Words of mixed
  harmony (бірақ, and loans: компания) are written without the hamza and come back with the
  vowels of one class. Arabic has no capitals: the
  first letter of each sentence is capitalised, names are not.

Latin words that hold a letter the alphabet lacks (c, w, x, ə, ...) are foreign names and stay as
they are; so do Latin words inside Cyrillic or Arabic text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from egiz.alignment import Sentence

__all__ = [
    "SCRIPTS",
    "comparable_sentences",
    "comparable_text",
    "comparable_texts",
    "detect_script",
    "from_cyrillic",
    "is_kazakh_latin_or_arabic",
    "kazakh_script",
    "script_letters",
    "sentence_scripts",
    "to_cyrillic",
    "transliterate",
]

SCRIPTS = ("cyrl", "latn2021", "latn2018", "latn2017", "arab")
LATIN_SCRIPTS = ("latn2021", "latn2018", "latn2017")

# ---------------------------------------------------------------- the tables (written once)
# Cyrillic -> each alphabet, lower case. Letters every Latin alphabet writes the same way:
_COMMON = dict(zip("абдефгклмнопрствзжх", "abdefgklmnoprstvzjh", strict=True))
_COMMON.update({"һ": "h", "ц": "ts", "э": "e", "ъ": "", "ь": ""})
_WRITE: dict[str, dict[str, str]] = {
    "latn2017": {
        **_COMMON,
        **{"ә": "a'", "ғ": "g'", "и": "i'", "й": "i'", "і": "i", "қ": "q", "ң": "n'"},
        **{"ө": "o'", "у": "y'", "ұ": "u", "ү": "u'", "ш": "s'", "ч": "c'", "ы": "y"},
        **{"щ": "s's'", "ё": "i'o", "ю": "i'y'", "я": "i'a"},
    },
    "latn2018": {
        **_COMMON,
        **{"ә": "á", "ғ": "ǵ", "и": "ı", "й": "ı", "і": "i", "қ": "q", "ң": "ń"},
        **{"ө": "ó", "у": "ý", "ұ": "u", "ү": "ú", "ш": "sh", "ч": "ch", "ы": "y"},
        **{"щ": "shsh", "ё": "ıo", "ю": "ıý", "я": "ıa"},
    },
    "latn2021": {
        **_COMMON,
        **{"ә": "ä", "ғ": "ğ", "и": "i", "й": "i", "і": "ı", "қ": "q", "ң": "ñ"},
        **{"ө": "ö", "у": "u", "ұ": "ū", "ү": "ü", "ш": "ş", "ч": "ç", "ы": "y"},
        **{"щ": "şş", "ё": "io", "ю": "iu", "я": "ia"},
    },
}
# Cyrillic -> töte jazu. Front and back vowels share a letter; the hamza tells them apart.
_ARAB_WRITE = {
    **dict(zip("аәбвгғдежзийкқлмнң", "اابۆگعدەجزييكقلمنڭ", strict=True)),
    **dict(zip("оөпрстуұүфхһчшыіэ", "ووپرستۋۇۇفحھچشىىە", strict=True)),
    **{"ц": "تس", "щ": "شش", "ё": "يو", "ю": "يۋ", "я": "يا", "ъ": "", "ь": ""},
}
_ARAB_HAMZA = "\u0674"  # ARABIC LETTER HIGH HAMZA, which Unicode encodes for Kazakh
_FRONT_ONLY = frozenset("әөүі")  # front vowels whose letter a back vowel shares
_FRONT_MARKED = frozenset("екгэ")  # letters that already mark a word as front
_BACK_ONLY = frozenset("аоұы")
_ARAB_PUNCT = str.maketrans({",": "،", ";": "؛", "?": "؟"})

# Reading: placeholders for letters that one alphabet merges (resolved by `_resolve_word`).
_I, _I_UP = "\ue000", "\ue001"  # и or й
_CAP_I = "\ue002"  # 2018 capital I: І or И


def _reading_table(script: str) -> dict[str, str]:
    """Inverse of _WRITE (lower case), with the merged letters as placeholders."""
    table: dict[str, str] = {}
    for cyr, lat in _WRITE[script].items():
        if lat and len(cyr) == 1 and cyr not in "ёюящцэ":
            table.setdefault(lat, cyr)
    i_letter = {"latn2017": "i'", "latn2018": "ı", "latn2021": "i"}[script]
    table[i_letter] = _I
    table["h"] = "х"
    if script == "latn2017":
        table.update({"s's'": "щ"})
    elif script == "latn2018":
        # Seen in real 2018-alphabet texts and converters: ya / yu for я / ю, ś for ш.
        table.update({"shsh": "щ", "ya": "я", "yu": "ю", "ś": "ш"})
    else:
        table.update({"şş": "щ", "ŋ": "ң", "ș": "ш"})  # ŋ: the 2019 draft; ș: a look-alike
    return table


_READ = {s: _reading_table(s) for s in LATIN_SCRIPTS}
# The 2017 alphabet's apostrophe, as typed; ‘ and ʻ are Uzbek's (o‘, g‘) or opening quotes.
_APOSTROPHES = "'’ʼ`´"
# A Latin word; the 2017 alphabet's apostrophes belong to it.
_LATIN_WORD = re.compile(rf"[^\W\d_]+(?:[{_APOSTROPHES}][^\W\d_]*)*")
_ANY_APOSTROPHE = re.compile(f"[{_APOSTROPHES[1:]}]")


def _token_regex(table: dict[str, str]) -> re.Pattern[str]:
    keys = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys) + r"|.", re.DOTALL)


_READ_RE = {s: _token_regex(t) for s, t in _READ.items()}
# The letters of each alphabet (lower case, after the apostrophe is made ASCII); a word with any
# other letter is a foreign name.
_BASE = set("abdefghijklmnopqrstuvyz")
_LETTERS = {
    "latn2017": frozenset(_BASE | set("c'")),
    "latn2018": frozenset(_BASE | set("áǵıńóúýśc")),
    "latn2021": frozenset(_BASE | set("äğıñöşūüçŋș")),
}
_ARAB_READ = {
    **dict(zip("بپتجچحخدرزسش", "бптжчххдрзсш", strict=True)),
    **dict(zip("عغفقكکگڭلمنھەهۋۆۉ", "ғғфқккгңлмнһееувв", strict=True)),
    **{"ي": _I, "ی": _I, "ئ": _I, "ٵ": "ә", "ٶ": "ө", "ٷ": "ү", "ٸ": "і"},
    **{d: str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
    **{d: str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
}
_ARAB_VOWELS = {"ا": ("а", "ә"), "و": ("о", "ө"), "ۇ": ("ұ", "ү"), "ى": ("ы", "і")}
_ARAB_HAMZAS = frozenset("\u0674\u0621")  # high hamza; the plain hamza is often typed instead
_ARAB_PRECOMPOSED = frozenset("ٵٶٷٸ")
_ARAB_FRONT = frozenset("ەكگک")
_ARAB_BACK = frozenset("قعغ")
_ARAB_PUNCT_READ = str.maketrans({"،": ",", "؛": ";", "؟": "?", "ـ": None})
_ARAB_MARKS = re.compile("[\u064b-\u065f\u0670]")  # harakat: töte jazu does not use them
_ARAB_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f]+")
_CYR_WORD = re.compile(r"[\u0400-\u04ff]+")

_VOWELS = frozenset("аәеёиоөуұүыіэюяАӘЕЁИОӨУҰҮЫІЭЮЯ" + _I + _I_UP)
_BACK_VOWELS = frozenset("аоұыАОҰЫ")
_FRONT_VOWELS = frozenset("әеөүіӘЕӨҮІ")

# ---------------------------------------------------------------- detection
# Evidence per Latin alphabet. Kazakh-only: q (not in "qu") and y between consonants (ы: a
# consonant in Turkish, Azerbaijani, Uzbek); per alphabet, letters no look-alike language has
# (2021: ä ñ ū; 2018: the acute letters; 2017: the apostrophe letters Uzbek does not use), and
# words that break Turkish vowel harmony (2021 ı = і among front vowels only). Letters shared with
# Turkish and Azerbaijani (ğ ş ö ü ç ı) and 2018 words with ı (и) among back vowels only choose
# the alphabet.
_CONSONANT = "bcdfghjklmnpqrstvwxzğşçñǵń"
_KAZAKH = re.compile(rf"q(?!u)|(?<=[{_CONSONANT}])y(?=[{_CONSONANT}])")
_Q = re.compile(r"q(?!u)")
_STRONG = {
    "latn2021": re.compile(r"[äñū]|\b(?=\w*ı)(?=\w*[eäöü])(?!\w*[aouyū])\w+"),
    "latn2018": re.compile("[áǵńóúýś]"),
    "latn2017": re.compile("[aisuync]'"),
}
_WEAK = {
    "latn2021": re.compile("[ğşöüçı]"),
    "latn2018": re.compile(r"ı|\b(?=\w*ı)(?!\w*[eiáóú])\w+"),
    "latn2017": re.compile("[og]'"),
}
# Letters (and digraphs) outside each alphabet: English, Turkish, Azerbaijani, Uzbek give
# themselves away with them (c, w, x, "sh" where ş or s' is the letter, Uzbek o‘ g‘ ...); ə, which
# only Azerbaijani (and Tatar) writes, weighs double.
_FOREIGN = {
    "latn2021": re.compile(r"[^\W\d_äğıñöşūüçŋșabdefghijklmnopqrstuvyz]|[cwx]|sh|ch"),
    "latn2018": re.compile(r"[^\W\d_áǵıńóúýśabdefghijklmnopqrstuvyzc]|[wx]|c(?!h)"),
    "latn2017": re.compile(r"[^\W\d_abdefghijklmnopqrstuvyzc]|[wx]|c(?!')|sh|ch|[og][ʻ‘]"),
}
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CHUNK_END = re.compile(r"(?<=[.!?…؟])\s+|\n+")


_ROMAN = re.compile(r"\b[IVXLCDM]+\b")  # XVI ғасыр: not letters of any alphabet


def _fold_latin(text: str) -> str:
    """Lower case for counting: Roman numerals out, İ I -> i, apostrophes -> ', NFC."""
    text = _ROMAN.sub(" ", unicodedata.normalize("NFC", text))
    text = text.replace("İ", "i").replace("I", "i")
    return _ANY_APOSTROPHE.sub("'", text.lower())


def _latin_scores(folded: str) -> dict[str, float]:
    """Score of each Latin alphabet on a folded Latin text; > 0 means it reads as Kazakh."""
    letters = sum(1 for c in folded if c.isalpha())
    kazakh = len(_KAZAKH.findall(folded))
    q = len(_Q.findall(folded))
    scores: dict[str, float] = {}
    for script in LATIN_SCRIPTS:
        strong = len(_STRONG[script].findall(folded))
        weak = len(_WEAK[script].findall(folded))
        foreign = len(_FOREIGN[script].findall(folded)) + folded.count("ə")
        if script == "latn2017":
            # apostrophes are common in Turkish (Paris'e) and Uzbek (ta'lim): ask for several
            enough = strong >= max(2.0, 0.02 * letters)
        elif script == "latn2018":
            enough = strong >= 1
        else:
            # y between consonants alone is no proof: Russian in Latin letters has it too (ы)
            enough = q + strong >= 1 and strong + weak >= 1
        score = kazakh + 2 * strong + weak - 3 * foreign
        scores[script] = score if enough and score >= max(2.0, 0.04 * letters) else 0.0
    return scores


def _arabic_is_kazakh(text: str) -> bool:
    """Töte jazu rather than Arabic, Persian or Uyghur: Kazakh letters, few foreign ones."""
    kazakh = sum(text.count(c) for c in "ەۋڭٴۇىۆٵٶٷٸ")
    foreign = sum(text.count(c) for c in "ةیکېۈۅثذصضطظ") + len(_ARAB_MARKS.findall(text))
    return kazakh > 0 and foreign * 4 <= kazakh


def _letter_counts(text: str) -> tuple[int, int, int]:
    cyr = lat = arab = 0
    for c in _LETTER.findall(text):
        if "\u0400" <= c <= "\u04ff":
            cyr += 1
        elif c < "\u0250" or c == "ə" or c == "Ə":
            lat += 1
        elif _ARABIC_LETTER.match(c):
            arab += 1
    return cyr, lat, arab


def _chunk_script(chunk: str, prior: str | None) -> str:
    """The script of one sentence-sized chunk: one of SCRIPTS, or "" (no letters, or Latin or
    Arabic text that is not Kazakh). `prior`: the document's Latin alphabet, used when the chunk
    alone does not tell (a short headline) and nothing in it says it is foreign."""
    cyr, lat, arab = _letter_counts(chunk)
    if not (cyr or lat or arab):
        return ""
    if cyr >= lat and cyr >= arab:
        return "cyrl"
    if arab >= lat:
        return "arab" if _arabic_is_kazakh(chunk) else ""
    folded = _fold_latin(chunk)
    scores = _latin_scores(folded)
    best = max(LATIN_SCRIPTS, key=lambda s: (scores[s], s == prior, s == "latn2021"))
    # nothing against the document's alphabet, and no letter of another one
    if (
        prior in LATIN_SCRIPTS
        and _could_be(folded, prior)
        and not any(_STRONG[s].search(folded) for s in LATIN_SCRIPTS if s != prior)
    ):
        return prior
    return best if scores[best] > 0 else ""


def _could_be(folded: str, script: str) -> bool:
    """Latin text with nothing against `script`: only its letters, none of its foreign marks."""
    return not _FOREIGN[script].search(folded) and all(
        c in _LETTERS[script] or not c.isalpha() for c in folded
    )


def _chunks(text: str) -> list[str]:
    """Sentence-sized pieces (lines, then sentence ends), separators kept: "".join() == text."""
    out: list[str] = []
    start = 0
    for m in _CHUNK_END.finditer(text):
        out.append(text[start : m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def _latin_prior(chunks: Sequence[str]) -> str | None:
    """The document's Latin alphabet: the one whose own letters (ä ñ ū, the acute letters, the
    apostrophe letters) its Kazakh Latin sentences use most."""
    latin = [c for c in chunks if _chunk_script(c, None) in LATIN_SCRIPTS]
    if not latin:
        return None
    folded = _fold_latin(" ".join(latin))
    strong = {s: len(_STRONG[s].findall(folded)) for s in LATIN_SCRIPTS}
    scores = _latin_scores(folded)
    return max(LATIN_SCRIPTS, key=lambda s: (strong[s], scores[s], s == "latn2021"))


def script_letters(text: str) -> dict[str, int]:
    """Letters per script of the Kazakh in `text`, sentence by sentence (keys: SCRIPTS, plus
    "other" for Latin or Arabic text that is not Kazakh; Cyrillic counts as "cyrl" whatever its
    language)."""
    chunks = _chunks(text)
    prior = _latin_prior(chunks)
    counts: dict[str, int] = {}
    for chunk in chunks:
        n = len(_LETTER.findall(chunk))
        if n:
            key = _chunk_script(chunk, prior) or "other"
            counts[key] = counts.get(key, 0) + n
    return counts


def detect_script(text: str) -> str:
    """The script of the Kazakh in `text`: one of SCRIPTS; "mixed" when sentences of at least
    20 letters come in two scripts (a Latin headline over a Cyrillic body); "none" when no
    sentence reads as Kazakh (English, Turkish, no letters). Cyrillic text is "cyrl" whatever its
    language: Cyrillic needs no transliteration."""
    chunks = _chunks(text)
    prior = _latin_prior(chunks)
    found: dict[str, int] = {}
    for chunk in chunks:
        script = _chunk_script(chunk, prior)
        if script:
            found[script] = found.get(script, 0) + len(_LETTER.findall(chunk))
    if not found:
        return "none"
    large = [s for s, n in found.items() if n >= 20]
    if len(large) > 1:
        return "mixed"
    return max(found, key=found.__getitem__)


def sentence_scripts(texts: Sequence[str], script: str = "auto") -> list[str]:
    """The script of each sentence of one document ("" where it is not Kazakh or has no
    letters); sentences too short to tell their Latin alphabet take the document's. `script`
    other than "auto" is the alphabet of every sentence written mostly in Latin letters."""
    _check_source(script)
    if script == "auto":
        prior = _latin_prior(texts)
        return [_chunk_script(text, prior) for text in texts]
    out = []
    for text in texts:
        cyr, lat, arab = _letter_counts(text)
        if not (cyr or lat or arab):
            out.append("")
        elif cyr >= lat and cyr >= arab:
            out.append("cyrl")
        elif arab >= lat:
            out.append("arab")
        else:
            out.append(script if script in LATIN_SCRIPTS else "")
    return out


def kazakh_script(text: str) -> str | None:
    """The script `text` is written in if it is Kazakh (one of SCRIPTS), else None: Cyrillic text
    must also read as Kazakh to `egiz.text.lang.detect_language`."""
    counts = script_letters(text)
    if not counts:
        return None
    best = max(counts, key=counts.__getitem__)
    if best == "other":
        return None
    if best == "cyrl":
        from egiz.text.lang import detect_language

        return "cyrl" if detect_language(text) == "kk" else None
    return best


def is_kazakh_latin_or_arabic(text: str) -> bool:
    """Whether most letters of `text` are Kazakh in a Latin alphabet or in töte jazu."""
    counts = script_letters(text)
    total = sum(counts.values())
    kazakh = sum(counts.get(s, 0) for s in (*LATIN_SCRIPTS, "arab"))
    return total > 0 and 2 * kazakh > total


# ---------------------------------------------------------------- reading into Cyrillic


def _check_source(script: str) -> None:
    if script != "auto" and script not in SCRIPTS:
        raise ValueError(f"unknown script {script!r}: expected auto or one of {', '.join(SCRIPTS)}")


def _lower_latin(word: str, script: str) -> str:
    """Lower case, one character per character; 2021: I = ı (і), İ = i (и); 2018: I stays."""
    out = []
    for c in word:
        if c == "İ":
            out.append("i")
        elif c == "I":
            out.append({"latn2021": "ı", "latn2018": "I"}.get(script, "i"))
        elif c in _APOSTROPHES:
            out.append("'")
        else:
            low = c.lower()
            out.append(low if len(low) == 1 else c)
    return "".join(out)


def _upper_cyr(text: str) -> str:
    return text.replace(_I, _I_UP).upper()


def _read_latin_word(word: str, script: str) -> str:
    low = _lower_latin(word, script)
    if script == "latn2017" and low.endswith("'") and low[-2:-1] not in set("agiousncy"):
        low, tail, word = low[:-1], word[-1], word[:-1]  # a closing quote, not a letter's mark
    else:
        tail = ""
    if any(c.isalpha() and c not in _LETTERS[script] and c != "I" for c in low) or (
        (script == "latn2018" and re.search("c(?!h)", low))
        or (script == "latn2017" and re.search("c(?!')", low))
    ):
        return word + tail  # a foreign name: a letter this alphabet does not have
    caps = sum(c.isupper() for c in word) > 1 and not any(c.islower() for c in word)
    table = _READ[script]
    out = []
    for m in _READ_RE[script].finditer(low):
        token = m.group()
        if token == "I":  # 2018 capital I: і or и, decided by the word's vowels
            out.append(_CAP_I)
            continue
        cyr = table.get(token)
        if cyr is None:
            out.append(word[m.start() : m.end()])
            continue
        if word[m.start()].isupper() and cyr:
            cyr = _upper_cyr(cyr) if caps else _upper_cyr(cyr[0]) + cyr[1:]
        out.append(cyr)
    return _resolve_word("".join(out)) + tail


def _read_arabic_word(word: str) -> str:
    word = _ARAB_MARKS.sub("", word)
    marked = any(c in _ARAB_HAMZAS or c in _ARAB_PRECOMPOSED for c in word)
    # -мен / -бен / -пен (instrumental) do not follow the harmony: their ە marks nothing
    stem = len(word) - 3 if len(word) > 4 and word.endswith(("مەن", "بەن", "پەن")) else len(word)
    fronts = [k for k, c in enumerate(word[:stem]) if c in _ARAB_FRONT]
    backs = [k for k, c in enumerate(word) if c in _ARAB_BACK]
    out = []
    for k, c in enumerate(word):
        if c in _ARAB_HAMZAS:
            continue
        vowel = _ARAB_VOWELS.get(c)
        if vowel is None:
            out.append(_ARAB_READ.get(c, c))
            continue
        if marked or not backs:
            front = marked or bool(fronts)
        elif not fronts:
            front = False
        else:  # a compound or loan with both: the nearest consonant of either class decides
            front = min(abs(k - f) for f in fronts) < min(abs(k - b) for b in backs)
        out.append(vowel[front])
    return _resolve_word("".join(out))


def _resolve_word(word: str) -> str:
    """Resolve the placeholders of one converted word (see the module docstring)."""
    if _CAP_I in word:
        back = any(c in _BACK_VOWELS for c in word)
        word = word.replace(_CAP_I, _I_UP if back else "І")
    if _I in word or _I_UP in word:
        word = _resolve_i(word)
    if "с" in word or "С" in word:
        word = _TS_START.sub(_ts_to_c, word)
        word = _TS_BEFORE_IV.sub(_ts_to_c, word)
    if "шш" in word or "ШШ" in word:
        word = word.replace("шш", "щ").replace("ШШ", "Щ")
    return word


_TS_START = re.compile(r"^[тТ][сС]")
_TS_BEFORE_IV = re.compile(r"[тТ][сС](?=[иИ])")


def _ts_to_c(m: re.Match[str]) -> str:
    return "Ц" if m.group()[0] == "Т" else "ц"


def _resolve_i(word: str) -> str:
    out: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        c = word[i]
        if c != _I and c != _I_UP:
            out.append(c)
            i += 1
            continue
        upper = c == _I_UP
        prev = out[-1] if out else ""
        after_vowel = prev in _VOWELS
        after_consonant = prev.isalpha() and not after_vowel
        nxt = word[i + 1] if i + 1 < n else ""
        nxt2 = word[i + 2] if i + 2 < n else ""
        if after_consonant and nxt in (_I, _I_UP) and nxt2 in "аАуУ" and nxt2:
            out.append("И" if upper else "и")  # Азия, жию: и + я / ю after a consonant
            out.append(_ya(nxt2, nxt == _I_UP or nxt2.isupper()))
            i += 3
            continue
        if nxt and nxt in "аАуУ" and not after_consonant:
            out.append(_ya(nxt, upper))  # я / ю at a word's start or after a vowel
            i += 2
            continue
        letter = "й" if after_vowel else "и"
        out.append(letter.upper() if upper else letter)
        i += 1
    return "".join(out)


def _ya(vowel: str, upper: bool) -> str:
    letter = "я" if vowel in "аА" else "ю"
    return letter.upper() if upper else letter


def _capitalise_sentences(text: str) -> str:
    return re.sub(r"(^|[.!?…]\s+)([а-яәғқңөұүһі])", lambda m: m.group(1) + m.group(2).upper(), text)


def _read_chunk(chunk: str, script: str) -> str:
    if script in LATIN_SCRIPTS:
        chunk = unicodedata.normalize("NFC", chunk)
        chunk = _LATIN_WORD.sub(lambda m: _read_latin_word(m.group(), script), chunk)
        return _ARAB_WORD.sub(lambda m: _read_arabic_word(m.group()), chunk)
    if script == "arab":
        chunk = _normalize_arabic(chunk).translate(_ARAB_PUNCT_READ)
        return _capitalise_sentences(_ARAB_WORD.sub(lambda m: _read_arabic_word(m.group()), chunk))
    return chunk


_PRESENTATION_FORM = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def _normalize_arabic(text: str) -> str:
    """Presentation forms (ligatures, positional forms) to the plain letters."""
    if _PRESENTATION_FORM.search(text):
        text = _PRESENTATION_FORM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text


_NOT_CYRILLIC_LETTER = re.compile(
    "[A-Za-z\u00c0-\u024f\u0259\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"
)


def to_cyrillic(text: str, source: str = "auto") -> str:
    """Kazakh in any script -> Cyrillic Kazakh, sentence by sentence (a Latin headline over a
    Cyrillic body is fine). `source`: "auto" or one of SCRIPTS (forces the alphabet of Latin
    sentences). Cyrillic, and Latin or Arabic text that is not Kazakh, is left as it is."""
    _check_source(source)
    if source == "cyrl" or not _NOT_CYRILLIC_LETTER.search(text):
        return text
    chunks = _chunks(text)
    return "".join(
        _read_chunk(chunk, script)
        for chunk, script in zip(chunks, sentence_scripts(chunks, source), strict=True)
    )


# ---------------------------------------------------------------- writing from Cyrillic


def _upper_latin(text: str, script: str) -> str:
    return text.replace("i", "İ").upper() if script == "latn2021" else text.upper()


def _write_latin_word(word: str, script: str) -> str:
    table = _WRITE[script]
    if word.islower():
        return "".join(table.get(c, c) for c in word)
    caps = len(word) > 1 and word.isupper()
    out = []
    for c in word:
        low = c.lower()
        lat = table.get(low, c)
        if c != low and lat:
            lat = _upper_latin(lat, script) if caps else _upper_latin(lat[0], script) + lat[1:]
        out.append(lat)
    return "".join(out)


def _write_arabic_word(word: str) -> str:
    low = word.lower()
    # mixed words (бірақ) are written without it, as the back vowels they hold read
    hamza = (
        any(c in _FRONT_ONLY for c in low)
        and not any(c in _FRONT_MARKED for c in low)
        and not any(c in _BACK_ONLY for c in low)
    )
    body = "".join(_ARAB_WRITE.get(c, c) for c in low)
    return (_ARAB_HAMZA + body) if hamza and body else body


def from_cyrillic(text: str, target: str) -> str:
    """Cyrillic Kazakh -> `target` (one of SCRIPTS). Only Cyrillic words change (and, for
    "arab", the comma, semicolon and question mark); Latin words stay as they are."""
    if target not in SCRIPTS:
        raise ValueError(f"unknown script {target!r}: expected one of {', '.join(SCRIPTS)}")
    if target == "cyrl":
        return text
    if target == "arab":
        return _CYR_WORD.sub(lambda m: _write_arabic_word(m.group()), text).translate(_ARAB_PUNCT)
    return _CYR_WORD.sub(lambda m: _write_latin_word(m.group(), target), text)


def transliterate(text: str, to: str, source: str = "auto") -> str:
    """Kazakh in any script (`source`, detected by default) -> `to` (one of SCRIPTS), through
    Cyrillic."""
    if to not in SCRIPTS:
        raise ValueError(f"unknown script {to!r}: expected one of {', '.join(SCRIPTS)}")
    return from_cyrillic(to_cyrillic(text, source), to)


# ---------------------------------------------------------------- what the pipeline calls


def comparable_text(text: str, lang: str = "kk", script: str = "auto") -> str:
    """The text egiz compares (embeds, keys, counts numbers in): Kazakh in any script becomes
    Cyrillic; other languages are returned as they are."""
    return to_cyrillic(text, script) if lang == "kk" else text


def comparable_texts(texts: Sequence[str], lang: str = "kk", script: str = "auto") -> list[str]:
    """`comparable_text` of the sentences of one document: sentences too short to tell their
    Latin alphabet take the document's."""
    _check_source(script)
    if lang != "kk" or script == "cyrl" or not any(_NOT_CYRILLIC_LETTER.search(t) for t in texts):
        return list(texts)
    scripts = sentence_scripts(texts, script)
    return [_read_chunk(t, s) for t, s in zip(texts, scripts, strict=True)]


def comparable_sentences(
    sentences: Sequence[Sentence], lang: str = "kk", script: str = "auto"
) -> list[Sentence]:
    """The sentences with `comparable_texts` as their text (paragraphs kept)."""
    texts = [s.text for s in sentences]
    out = comparable_texts(texts, lang, script)
    return [s if t == s.text else replace(s, text=t) for s, t in zip(sentences, out, strict=True)]
