#!/usr/bin/env python
"""egiz sentence-splitter benchmark: gold sentences re-joined into paragraphs, split again.

    .venv/bin/python bench/bench_split.py [--pool test|tune|all] [--runs 5] [--errors 20]

Prints a signature line and one markdown table (language x system -> boundary precision, recall,
F1, sentences/s); progress and, with --errors, each system's wrong boundaries go to stderr.

A boundary is the position where a sentence ends, counted in non-space characters from the start
of its paragraph (so whitespace a splitter collapses or strips does not move it). Only boundaries
inside a paragraph are scored: a paragraph's end is given to every system. Counts are summed over
paragraphs (micro-average) before P, R, F1. Sentences/s: gold sentences over the median time of
--runs passes over all paragraphs of the language.

The sets (one sentence or segment per line, from ../shared/data):

* FLORES-200 devtest kk, ru, en: one paragraph per article (`docs_by_url.jsonl`; English lines by
  the article's `line_ids`), lines joined with a space. Pools: `pool_of(doc_id)`.
* Text+Berg de, fr: each document's lines, detokenized (the corpus is tokenized: "Wand ( BO ) ."
  becomes "Wand (BO)."; see `detokenize`), cut into paragraphs as below. Pools: dev tunes,
  test0-test6 are the test pool.
* Bible zh (`bible-en-zh/bible.zh`): one paragraph per chapter (book:chapter of `bible.zh.verse`),
  lines joined with no space, as Chinese is written. Pools: `pool_of("bible:Book:chapter")`.

Gold sentence ends. A line ending in . ! ? … (or 。！？．, then maybe closing quotes or brackets)
ends a sentence. A line ending in a comma (a verse break inside a Chinese sentence) is joined to
the next line into one gold sentence: no splitter should cut there. A line with no final
punctuation (a heading, a byline, a caption) ends its paragraph, as it stood on its own line in
the source. Whether ; or : ends a sentence is a convention (the corpora cut there now and then,
razdel does before a capital), so a boundary right after one is scored for nobody. A Text+Berg
line that starts with a closing » or ) gives it back to the line before. FLORES lines are
translation segments, and about one in seven holds two or more sentences ("... display. The
researchers suggested ..."), so inside a FLORES line every place where the regex floor splits is
a sentence end too. Then two hand-checked lists, each entry "left|right" found in the text:
NOT_ENDS removes ends (abbreviations and initials inside FLORES segments; Text+Berg lines cut
inside a sentence), EXTRA_ENDS adds ends that Text+Berg's own segmentation missed ("8125 m. La
première attaque"). Every entry must change the gold somewhere, or the script stops.
`--raw-gold` scores against the lines as published instead (line ends only).

Systems: egiz (`egiz.split`), razdel's `sentenize` (egiz's base and the baseline, for every
language), and a regex floor: split after a run of . ! ? … followed by a space, and after 。！？
with or without one, closing quotes and brackets kept with the sentence -- for Chinese that is
the punctuation-only splitter.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import razdel  # noqa: E402

from bench.datasets import DATA, POOLS, TEXTBERG_TEST, pool_of  # noqa: E402
from egiz import __version__  # noqa: E402
from egiz.text import split as split_module  # noqa: E402
from egiz.text.split import split_sentences  # noqa: E402

LANGS = ("kk", "ru", "en", "de", "fr", "zh")
SET_NAMES = {"kk": "FLORES", "ru": "FLORES", "en": "FLORES", "de": "Text+Berg", "fr": "Text+Berg"}
SET_NAMES["zh"] = "Bible"

# --- hand-checked corrections of the gold -------------------------------------------------------
# "left|right": the boundary between `left` and `right` (one space or none between them).

NOT_ENDS: dict[str, list[str]] = {
    # FLORES: initials, abbreviations, an ellipsis before a lower-case word, a stray full stop.
    "kk": [
        "Линдон Б.|Джонсон",
        "Джордж В.|Буш",
        "кіші Н.|Уэйн",
        "жетеді...|содан",
        "Co.|компаниясы",
        "орынбасары Д.|К.",
        "Д. К.|Аря",
        "б.д.д.|үшінші",
        "(б.з.|1000-1300",
        "т.б.|жиі",
        "т.б.|сияқты",
    ],
    "ru": [
        "гг.|Бжезинский",
        "Джоне Ф.|Кеннеди",
        "Линдона Б.|Джонсона",
        "НАСА Н.|Вэйн",
        "Co.|сообщила",
        "инспектора Д.|К.",
        "Д. К.|Арья",
        "(см.|пример)",
        "1300 гг.|н.",
        "гг. н.|э.",
        "400 г.|н.",
        "400 г. н.|э.",
        "н. э.|и продолжалась",
        "1100 г.|н.",
        "1100 г. н.|э.",
        "X–XI вв.|и XIV",
        "фагов, т.|е.",
        "т. е.|вирусов",
        "1989 г., с.|109)",
        "(2006 г.)|объясняет",
        "до н.|э.",
        "3850 кв.|км",
        "5000 г.|до н.",
        "тунец и т.|д.",
    ],
    "en": [
        "Dr.|Ehud",
        "U.S.|President",
        "George W.|Bush",
        "John F.|Kennedy",
        "Lyndon B.|Johnson",
        "Mrs.|Kirchner",
        "St.|Peter's",
        "The U.S.|Corps",
        "Dr.|Tony",
        "Dr.|Moll",
        "the U.S.|Department",
        "Dr.|Malar",
        "The U.N.|also",
        "p.m.|on Monday",
        "p.m.|local",
        "etc.|which",
        "chief N.|Wayne",
        "Hale Jr.|said",
        "70km/h...|then",
        "Co.|reported",
        "a.m.|local",
        "p.m.|GMT",
        "as T.|rex",
        "U.S.|imperialism",
        "the U.S.|colonial",
        "400 A.D.|and",
        "i.e.|0 or 1",
        "(e.g.|visa)",
        "route, e.g.|the Pennsylvania",
        "(e.g.|in the Netherlands",
        "stay in St.|Petersburg",
        "arrangement.|. Scientists",
    ],
    # Text+Berg: lines cut inside a sentence (after initials, "No." before a number, a quoted
    # exclamation before lower case, dates), and cuts inside OCR debris.
    "de": [
        "schauen!)|hätte ich",
        "Museum in Bern.)|der Gefahr",
        "durch B.M.|Abalakow",
        "kann ich auch!)|hatte er",
        "Gipfelmannschaften G. Band-J.|Brown",
        "E. Reiss-F.|Luchsinger",
        "N. Hardie-T.|Streather",
        "J. Marmet-E.|Schmied",
        "Gunten-A.|Reist",
        "P.Leroux-A.|Vialatte",
        "Journal» No.|293",
        "28./29.|September",
        "sehr (zu?)|dynamischen",
        "Geselle!)|lacht mein",
        "Halluzination?)|von einer",
        "Nr. 293,S.|296-309",
        "schuld?)|vollständig",
        "Verdruss gehabt!|- kosteten",
        "293, Nov.|1956, S.",
        "(Nov.|1956), p.310",
    ],
    "fr": [
        "hélas !|bien courts",
        "(n° 163 de l'H.|C)",
        "(n° 57 du rôle des sherpas de l'H.|C)",
        "âjJi.ïïJïW.|.:--,.",
        ".:--,.|.1* demnité",
        "H. Larch-F.|Morawec",
        "E. Reiss-F.|Luchsinger",
        "G.Band-J.|Brown",
        "N. Hardie-T.|Streather",
        "Dring... Dring...|!",
        "L'E.|1934 y eut",
        "l'E.|1934 les a",
        "(3 fr.|60)",
        "(2 fr.|70)",
        "exacte.|.....",
        "iv V V.|V",
        "Baltis !|- retardèrent",
        "Wetter...|die neuen",
        "de la glace.|.-^",
        "pourquoi.|après une",
        "Spoleto-Prof.|A. Desio",
        "Abt. D.A.|Porschestr.",
        "il y en a !)|après avoir",
        "dans ce cas.|elle est",
        "é ».|â",
        "(Nov.|1956, p. 310",
    ],
}
EXTRA_ENDS: dict[str, list[str]] = {
    # FLORES: an end with no space after it. Text+Berg: sentence ends its own segmentation
    # missed, mostly after "m." (metres), or with no space after them.
    "en": ["hearing...|I was getting"],
    "de": [
        "8882,2 m.|Auch diese",
        "8848 m.|Das ist also",
        "Kato und Higeta.|Von den vier",
        "5800 und 6300 m.|Es sind also",
        "Muttergottes-Medaillon usw.|Es war so warm",
        "ihr Hochlager I.|Am 11.",
        "also ca. 7315 m.|Das ist der Punkt",
        "bis etwa 7000 m.|Der Rakaposhi",
    ],
    "fr": [
        "8839,8 m.|La moyenne",
        "de 8900 m.|La nouvelle cote",
        "8153 et 8189 m.|Il semble",
        "8172 ou 8167 m.|La nouvelle cote",
        "Manaslu, 8125 m.|La première attaque",
        "jusqu'à 7750 m.|Ils revinrent",
        "soit 8125 m.|Ces deux cimes",
        "à 6200 m.|Elles s'étaient",
        "à 6200 m.|A l'échelle",
        "séracs de 200 m.|La seule",
        "gravir 250 m.|Six heures",
        "camp II à 5400.|Le camp III",
        "obligé au camp IV.|Tout ce qui",
        "l'altitude de 6900 m.|Il s'agit",
        "Gasherbrum II, 8035 m.|Je suis revenu",
        "à 5250 m.|La première escouade",
        "du Gasherbrum II.|De la partie",
        "du Gasherbrum II.|J'avais",
        "n° I.|Les premières",
        "camp III, 7150 m.|La montée",
        "la Vierge, etc.|Il faisait",
        "camp III, 7150 m.|Le 8 juillet",
        "environ 7315 m.|La première ascension",
        "soit 7315 m.|C'est ce point",
        "les 7000 m.|Le Rakaposhi",
        "que l'arête W.|Le chef était",
        "mauvais escient.|Mais d'autre",
        "en 1 h 30.|Depuis le refuge",
        "l'arête W. »|C'est précisément",
        "possédons déjà... »|Tel est",
        "de calendrier?|Départ du collet",
        "trop raides.|Un examen",
    ],
}

# --- systems ------------------------------------------------------------------------------------

Splitter = Callable[[str, str], list[str]]
_CLOSERS = re.escape("»\"”’')）]」』》")


def egiz_split(text: str, lang: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text, lang)]


def razdel_split(text: str, lang: str) -> list[str]:
    return [substring.text for substring in razdel.sentenize(text)]


_FLOOR_END = re.compile(rf"[.!?…]+[{_CLOSERS}]*(?=\s)|[。！？]+[{_CLOSERS}]*")


def regex_split(text: str, lang: str) -> list[str]:
    pieces, start = [], 0
    for match in _FLOOR_END.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


SYSTEMS: dict[str, Splitter] = {
    "egiz": egiz_split,
    "razdel": razdel_split,
    "regex floor": regex_split,
}

# --- building the sets --------------------------------------------------------------------------

_ENDS = re.compile(rf"[.!?…。！？．]+[{_CLOSERS}]*$")
_CONTINUES = re.compile(rf"[,，、][{_CLOSERS}]*$")
# Whether ; or : ends a sentence is a convention (FLORES and Text+Berg cut there now and then,
# razdel does before a capital): a boundary right after one is not scored, for any system.
_UNSCORED = re.compile(rf"[;:；：][{_CLOSERS}]*")
_SEMI_END = re.compile(rf"[;:；：][{_CLOSERS}]*$")
# Text+Berg sometimes puts a sentence's closing guillemet or bracket (with the punctuation right
# after it) at the start of the next line: "... suchen ." / "» Genau auf ...".
_LEADING_CLOSER = re.compile(r"^[»)]+(?:\s*[.!?,;:]+)?(?=\s|$)")


@dataclass
class Paragraph:
    pool: str
    text: str
    ends: set[int]  # gold sentence ends inside the paragraph, in non-space characters
    line_ends: set[int]  # the ends of its lines as published (for --raw-gold)
    unscored: set[int] = field(default_factory=set)  # right after ; or :


def _nonspace(text: str) -> int:
    return len(text) - sum(char.isspace() for char in text)


def _sentences_of(lines: Iterable[str], joiner: str) -> list[list[str]]:
    """Gold lines of one document -> paragraphs as lists of gold sentences (see the docstring)."""
    cleaned: list[str] = []
    for raw in lines:
        line = " ".join(raw.split())
        closer = _LEADING_CLOSER.match(line)
        if closer and cleaned:
            cleaned[-1] += " " + closer.group()
            line = line[closer.end() :].strip()
        if line:
            cleaned.append(line)
    paragraphs: list[list[str]] = []
    sentences: list[str] = []
    pending = ""  # a line ending in a comma, waiting for the rest of its sentence
    for line in cleaned:
        line = pending + joiner + line if pending else line
        pending = ""
        if _ENDS.search(line) or _SEMI_END.search(line):
            sentences.append(line)
        elif _CONTINUES.search(line):
            pending = line
        else:
            paragraphs.append([*sentences, line])
            sentences = []
    if pending:
        sentences.append(pending)
    if sentences:
        paragraphs.append(sentences)
    return paragraphs


def paragraphs_of(
    lines: Iterable[str], joiner: str, pool: str, *, segments: bool = False
) -> list[Paragraph]:
    """Paragraphs of one document with their gold sentence ends (before the hand-checked lists).
    `segments`: a line may hold several sentences, so the regex floor's splits inside it count."""
    out = []
    for sentences in _sentences_of(lines, joiner):
        ends: set[int] = set()
        line_ends: set[int] = set()
        offset = 0
        for sentence in sentences:
            inner = offset
            for piece in regex_split(sentence, "")[:-1] if segments else []:
                inner += _nonspace(piece)
                ends.add(inner)
            offset += _nonspace(sentence)
            ends.add(offset)
            line_ends.add(offset)
        out.append(Paragraph(pool, joiner.join(sentences), ends - {offset}, line_ends - {offset}))
    return out


def detokenize(line: str, lang: str) -> str:
    """Undo Text+Berg's tokenization: no space before , . ) or after ( nor after an elided
    apostrophe ("d' une" -> "d'une"); German also has none before ; : ! ? and inside « »,
    French keeps its spaces there ("Aux innocents les mains pleines !", "« victime »")."""
    line = re.sub(r" +([,.)\]])", r"\1", line)
    line = re.sub(r"([(\[]) +", r"\1", line)
    line = re.sub(r"(?<=\w['’]) +(?=\w)", "", line)
    if lang == "de":
        line = re.sub(r" +([;:!?»])", r"\1", line)
        line = re.sub(r"« +", "«", line)
    return line


def _textberg(pool: str) -> dict[str, list[Paragraph]]:
    names = ["dev"] if pool == "tune" else TEXTBERG_TEST
    sets: dict[str, list[Paragraph]] = {"de": [], "fr": []}
    for name in names:
        for lang, paragraphs in sets.items():
            path = DATA / "textberg-de-fr" / f"{name}.{lang}"
            lines = path.read_text(encoding="utf-8").splitlines()
            paragraphs += paragraphs_of((detokenize(line, lang) for line in lines), " ", pool)
    return sets


def _flores() -> dict[str, list[Paragraph]]:
    folder = DATA / "flores200-devtest"
    english = (folder / "eng_Latn.devtest").read_text(encoding="utf-8").splitlines()
    sets: dict[str, list[Paragraph]] = {"kk": [], "ru": [], "en": []}
    for line in (folder / "docs_by_url.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        pool = pool_of(article["doc_id"])
        en = [english[i] for i in article["line_ids"]]
        for lang, lines in (("kk", article["kk"]), ("ru", article["ru"]), ("en", en)):
            sets[lang] += paragraphs_of(lines, " ", pool, segments=True)
    return sets


def _bible_zh() -> list[Paragraph]:
    folder = DATA / "bible-en-zh"
    lines = (folder / "bible.zh").read_text(encoding="utf-8").splitlines()
    verses = (folder / "bible.zh.verse").read_text(encoding="utf-8").splitlines()
    chapters: dict[str, list[str]] = {}
    for line, verse in zip(lines, verses, strict=True):
        chapters.setdefault(verse.rsplit(":", 1)[0], []).append(line)
    out: list[Paragraph] = []
    for chapter, chapter_lines in chapters.items():
        out += paragraphs_of(chapter_lines, "", pool_of(f"bible:{chapter}"))
    return out


def _offset_of(text: str, index: int) -> int:
    return _nonspace(text[:index])


def _correct(lang: str, paragraphs: list[Paragraph]) -> None:
    """Apply NOT_ENDS and EXTRA_ENDS; an entry that matches nothing is an error (stale list)."""
    for entries, add in ((NOT_ENDS.get(lang, []), False), (EXTRA_ENDS.get(lang, []), True)):
        for entry in entries:
            left, right = entry.split("|")
            pattern = re.compile(re.escape(left) + " ?" + re.escape(right))
            hits = 0
            for paragraph in paragraphs:
                for match in pattern.finditer(paragraph.text):
                    end = _offset_of(paragraph.text, match.start() + len(left))
                    if add:
                        hits += end not in paragraph.ends
                        paragraph.ends.add(end)
                    else:
                        hits += end in paragraph.ends
                        paragraph.ends.discard(end)
            if not hits:
                raise RuntimeError(f"{lang}: gold correction {entry!r} changes nothing")


def load_sets(pool: str | None, *, raw_gold: bool = False) -> dict[str, list[Paragraph]]:
    """Every language's paragraphs of one pool (None: both), gold corrected unless `raw_gold`."""
    sets = _flores()
    for name in POOLS:
        for lang, paragraphs in _textberg(name).items():
            sets.setdefault(lang, []).extend(paragraphs)
    sets["zh"] = _bible_zh()
    for lang, paragraphs in sets.items():
        if raw_gold:
            for paragraph in paragraphs:
                paragraph.ends = set(paragraph.line_ends)
        else:
            _correct(lang, paragraphs)
        for paragraph in paragraphs:
            paragraph.unscored = {
                _nonspace(paragraph.text[: m.end()]) for m in _UNSCORED.finditer(paragraph.text)
            }
    return {lang: [p for p in sets[lang] if pool is None or p.pool == pool] for lang in LANGS}


# --- scoring ------------------------------------------------------------------------------------


def boundaries(sentences: list[str], paragraph: str) -> set[int]:
    """End offsets (in non-space characters) of all sentences but the last."""
    ends, offset = set(), 0
    for sentence in sentences:
        offset += _nonspace(sentence)
        ends.add(offset)
    total = _nonspace(paragraph)
    if offset != total:
        raise RuntimeError(f"a splitter lost or added characters in: {paragraph[:80]!r}")
    ends.discard(total)
    return ends


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    sentences: int = 0
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _context(text: str, offset: int, width: int = 50) -> str:
    """The text around a boundary given in non-space characters, marked with ' | '."""
    seen = 0
    for i, char in enumerate(text):
        if seen == offset and not char.isspace():
            return f"{text[max(0, i - width) : i]}| {text[i : i + width]}"
        seen += not char.isspace()
    return text[-width:] + " |"


def evaluate(split: Splitter, lang: str, paragraphs: list[Paragraph], runs: int) -> Score:
    score = Score(sentences=sum(len(p.ends) + 1 for p in paragraphs))  # gold sentences
    outputs: list[list[str]] = []
    for _ in range(runs):
        start = time.perf_counter()
        outputs = [split(p.text, lang) for p in paragraphs]
        score.times.append(time.perf_counter() - start)
    for paragraph, output in zip(paragraphs, outputs, strict=True):
        got = boundaries(output, paragraph.text) - paragraph.unscored
        gold = paragraph.ends - paragraph.unscored
        score.tp += len(gold & got)
        score.fp += len(got - gold)
        score.fn += len(gold - got)
        score.errors += [f"FP {_context(paragraph.text, b)}" for b in sorted(got - gold)]
        score.errors += [f"FN {_context(paragraph.text, b)}" for b in sorted(gold - got)]
    return score


# --- report -------------------------------------------------------------------------------------


def _source_hash() -> str:
    """The splitter's rules are code: the version alone does not say which ones ran."""
    return hashlib.sha1(Path(split_module.__file__ or "").read_bytes()).hexdigest()[:10]


def signature(pool: str, runs: int, raw_gold: bool) -> str:
    textberg = {"tune": "dev", "test": "test0-6"}.get(pool, "dev+test0-6")
    corrections = sum(map(len, NOT_ENDS.values())) + sum(map(len, EXTRA_ENDS.values()))
    gold = (
        "as-published-lines" if raw_gold else f"lines+floor-in-FLORES-segments+{corrections}-hand"
    )
    return (
        f"egiz:{__version__}|split:split_sentences(text,lang),split.py-sha1:{_source_hash()}"
        f"|razdel:{metadata.version('razdel')}"
        f"|floor:[.!?…]+space,[。！？]|data:flores200-devtest(kk,ru,en;article=paragraph)"
        f"+textberg({textberg};detok)+bible.zh(chapter=paragraph)|pool:{pool}|gold:{gold}"
        f"|metric:inner-boundary-P/R/F1,micro|runs:{runs}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pool", choices=[*POOLS, "all"], default="test")
    parser.add_argument("--runs", type=int, default=5, help="timed passes per system (median)")
    parser.add_argument("--langs", default=",".join(LANGS), help="comma-separated subset")
    parser.add_argument("--raw-gold", action="store_true", help="score against the lines only")
    parser.add_argument(
        "--errors", type=int, default=0, help="print up to N wrong boundaries per system/language"
    )
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated subset")
    args = parser.parse_args(argv)
    langs = [lang for lang in args.langs.split(",") if lang]
    systems = [name for name in args.systems.split(",") if name]
    unknown = sorted(set(langs) - set(LANGS)) + sorted(set(systems) - set(SYSTEMS))
    if unknown:
        parser.error(f"unknown language(s) or system(s): {', '.join(unknown)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sets = load_sets(None if args.pool == "all" else args.pool, raw_gold=args.raw_gold)

    print(signature(args.pool, args.runs, args.raw_gold))
    print()
    print(
        "| language | set | paragraphs / sentences / scored ends | system | P | R | F1 "
        "| sentences/s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for lang in langs:
        paragraphs = sets[lang]
        inner = sum(len(p.ends - p.unscored) for p in paragraphs)
        for system in systems:
            print(f"{lang} {system} ...", file=sys.stderr)
            score = evaluate(SYSTEMS[system], lang, paragraphs, args.runs)
            p, r, f1 = score.prf()
            rate = score.sentences / statistics.median(score.times)
            print(
                f"| {lang} | {SET_NAMES[lang]} | {len(paragraphs)} / {score.sentences} / {inner} "
                f"| {system} | {p:.3f} | {r:.3f} | **{f1:.3f}** | {rate:,.0f} |"
            )
            for line in score.errors[: args.errors]:
                print(f"  [{lang} {system}] {line}", file=sys.stderr)


if __name__ == "__main__":
    main()
