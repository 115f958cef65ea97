"""Language detection (egiz.text.lang)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from egiz.text import LANG_NAMES, detect_language, detect_sentence_language

SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "split"
KK = (FIXTURES / "kk_quotes.txt").read_text(encoding="utf-8")
RU = (FIXTURES / "ru_quotes.txt").read_text(encoding="utf-8")

# Kazakh Cyrillic to the 2021 Latin alphabet (і → ı, ы → y, и/й → i, ш → ş, ч → ç).
_LATIN_2021 = {
    **dict(zip("абвгдезклмнопрстуфх", "abvgdezklmnoprstufh", strict=True)),
    **{"ә": "ä", "ғ": "ğ", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü", "һ": "h", "і": "ı"},
    **{"ы": "y", "и": "i", "й": "i", "ж": "j", "ш": "ş", "ч": "ç", "ц": "ts", "щ": "şş"},
    **{"ё": "io", "ю": "iu", "я": "ia", "э": "e", "ъ": "", "ь": ""},
}


def to_latin(text: str) -> str:
    out = []
    for ch in text:
        latin = _LATIN_2021.get(ch.lower())
        if latin is None:
            out.append(ch)
        else:
            out.append(latin.capitalize() if ch.isupper() else latin)
    return "".join(out)


def test_seeds() -> None:
    kk_path = next(SEEDS.glob("000_*.txt"), None)
    ru_path = next(SEEDS.glob("001_*.txt"), None)
    assert kk_path is not None and ru_path is not None, f"seeds not found under {SEEDS}"
    assert detect_language(kk_path.read_text(encoding="utf-8")) == "kk"
    assert detect_language(ru_path.read_text(encoding="utf-8")) == "ru"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (KK, "kk"),
        (RU, "ru"),
        # Short texts, but over 20 letters.
        ("Қазақстан Республикасының астанасы Астана қаласы", "kk"),
        ("Бүгін ауа райы жылы болады деп күтілуде", "kk"),
        ("Губернатор обсудил главные направления сотрудничества", "ru"),
        # Russian news mentioning Kazakh names stays Russian.
        ("Президент Қасым-Жомарт Тоқаев " + RU, "ru"),
    ],
)
def test_kazakh_and_russian(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_latin_script_kazakh() -> None:
    latin = to_latin(KK)
    assert latin.startswith("«Sızderdıñ Mäskeu oblysyna kelıp")
    assert detect_language(latin) == "kk"
    # Transliterated Russian has none of the Kazakh words: not Kazakh.
    assert detect_language(to_latin(RU)) == "other"


@pytest.mark.parametrize(
    "text",
    [
        "The quick brown fox jumps over the lazy dog. This sentence is about the weather.",
        "Die Bundesregierung hat am Montag beschlossen, dass mehr Geld für Straßen fließt.",
        "Le gouvernement français a présenté jeudi un projet de loi sur l'énergie.",
        "Türkiye Cumhuriyeti'nin başkenti Ankara'dır. Bugün hava çok güzel ve öğrenciler okulda.",
        "El niño quiere que su mamá le compre un juguete. La señora García está en España.",
        "Україна є незалежною державою. Її столиця — Київ, де працює уряд і парламент.",
        "Кыргыз Республикасынын Өкмөтү жаңы мыйзам долбоорун кабыл алды. Бул өлкө үчүн маанилүү.",
        "Татарстан Республикасы Президенты бүген яңа мәктәп ачты. Балалар бик шат иделәр.",
        "Ђорђе Јовановић је љубазан човек. Њихова ћерка живи у Београду.",
        "中华人民共和国是一个位于东亚的国家，首都北京，人口众多，历史悠久，文化灿烂。",
    ],
)
def test_other_languages(text: str) -> None:
    assert detect_language(text) == "other"


@pytest.mark.parametrize("text", ["", "   ", "Привет, мир!", "Сәлем!", "12345 67890 ...", "OK"])
def test_too_short_is_unknown(text: str) -> None:
    assert detect_language(text) == "unknown"


def test_large_text_is_sampled() -> None:
    big = KK * (20_000_000 // len(KK))
    start = time.perf_counter()
    assert detect_language(big) == "kk"
    assert time.perf_counter() - start < 0.5


def test_lang_names() -> None:
    assert LANG_NAMES["kk"] == "Kazakh"
    assert LANG_NAMES["ru"] == "Russian"
    assert {"other", "unknown"} <= LANG_NAMES.keys()


# --- words, not letters -------------------------------------------------------------------------

RU_WITH_NAMES = (
    "Заседание прошло в Үкімет үйі под председательством премьер-министра. Участники обсудили "
    "ход реализации поручений Главы государства Қасым-Жомарт Тоқаева, данных на расширенном "
    "заседании правительства. Отмечено, что в Ақмола облысы и Түркістан облысы темпы "
    "строительства жилья выросли."
)


def test_kazakh_names_do_not_flip_a_russian_document() -> None:
    # 3.7% of its letters are Kazakh letters: the old letter count (1.5%) called it Kazakh.
    kk_letters = sum(ch in "әғқңөұүһіӘҒҚҢӨҰҮҺІ" for ch in RU_WITH_NAMES)
    assert kk_letters / sum(ch.isalpha() for ch in RU_WITH_NAMES) > 0.035
    assert detect_language(RU_WITH_NAMES) == "ru"
    assert detect_language("Встреча прошла в Үкімет үйі.") == "ru"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Kazakh words without a Kazakh letter still vote: бойынша, болады.
        ("Конференция жұмысы екі күнге созылады және бойынша ұсыныстар қабылданады.", "kk"),
        ("Губернатор обсудил с депутатами главные направления сотрудничества.", "ru"),
        # A Russian sentence naming Kazakh places is not Kazakh: too mixed to tell.
        ("Встреча прошла в Үкімет үйі.", "unknown"),
        ("Тоқаев посетил Астану и Ақтөбе.", "unknown"),
        # Too short to tell: no guess (these used to be ru and other).
        ("Экономика бойынша PhD докторы.", "unknown"),
        ("Саясат ғылымдарының кандидаты.", "unknown"),
        ("Нашли ошибку?", "unknown"),
        ("17.", "unknown"),
        # A Latin i typed for і.
        ("Азаматтардың мемлекеттiк оқу орындарында тегiн бiлiм алуына кепiлдiк берiледi.", "kk"),
        ("Україна є незалежною державою, її столиця Київ.", "other"),
    ],
)
def test_sentence_language(text: str, expected: str) -> None:
    assert detect_sentence_language(text) == expected
