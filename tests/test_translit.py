"""Name keys: the kk, ru and Latin spellings of the names in the seed articles meet."""

from __future__ import annotations

from pathlib import Path

import pytest

from egiz.text.translit import name_keys, names_agree, to_latin_key

SEEDS = Path("/work/shared/seeds")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Сұлтанғазиев", "Султангазиев"),
        ("Султангазиев", "Sultangaziev"),
        ("Сұлтанғазиев", "Sultangaziyev"),
        ("Воробьёв", "Воробьев"),
        ("Дәурен", "Даурен"),
        ("Қазақстан", "Казахстан"),
        ("Қазақстан", "Kazakhstan"),
        ("Қазақстан", "Qazaqstan"),
        ("Жанибек", "Zhanibek"),
        ("Жанибек", "Janibek"),
        ("Шымкент", "Şymkent"),
        ("Юрий", "Yuri"),
        ("Өскемен", "Öskemen"),
    ],
)
def test_spellings_collide(a: str, b: str) -> None:
    assert to_latin_key(a) == to_latin_key(b)


def test_key_shape() -> None:
    assert to_latin_key("Сұлтанғазиев") == "sultangazev"
    assert to_latin_key("Абаев") == "abaev"
    assert to_latin_key("Аллаһ") == "alak"  # double letters collapse, һ/х/h join k
    assert to_latin_key("Лосино-Петровский") == "losinopetrovski"


@pytest.mark.parametrize(
    ("kk", "ru"),
    [
        ("деді Сұлтанғазиев", "сказал Султангазиев"),
        ("деді Сұлтанғазиевтің", "встретился с Султангазиевым"),
        ("деді Сұлтанғазиев", "said Sultangaziev"),
        ("Андрей Воробьёв алғысын білдірді", "губернатор Андрей Воробьев"),
        ("Елшісі Дәурен Абаев та қатысты", "посол Казахстана в России Даурен Абаев"),
        ("Жиын Алматы облысында өтті", "с акимом Алматинской области"),
        ("Өткен жылы Серпухов округі", "производители из Серпухова"),
        ("Раменск, Сергиево-Посад округтерінің", "из Сергиева Посада и других округов"),
        ("кәсіпорындары Подмосковьеде", "В Подмосковье создана"),
    ],
)
def test_names_meet_across_languages(kk: str, ru: str) -> None:
    a, b = name_keys(kk), name_keys(ru)
    assert a & b, (a, b)
    assert names_agree(a, b) == names_agree(b, a)
    assert names_agree(a, b) > 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("деді Абаев", "сказал Воробьёв"),
        ("облысы Алматы", "область Подмосковья"),
        ("барды Мәскеу", "был в Москве"),  # kk Мәскеу is ru Москва: a miss we accept
        ("деді Марат", "сказал Андрей"),
    ],
)
def test_different_names_do_not_meet(a: str, b: str) -> None:
    assert names_agree(name_keys(a), name_keys(b)) == 0.0


def test_hyphenated_names_give_one_key_per_part() -> None:
    assert name_keys("округтері Лосино-Петровский") == {"losin", "petro"}
    assert name_keys("из Лосино-Петровского") == {"losin", "petro"}
    # A hyphenated common word is no name.
    assert name_keys("деді бизнес-форум қарым-қатынас") == frozenset()


def test_sentence_initial_words_are_skipped() -> None:
    # "Жиын" ("meeting") and "Бұл" are capitalised only because they open a sentence.
    assert name_keys("Жиын Алматы облысында өтті. Бұл жоба тиімді.") == {"almat"}
    # ... also after a line break (a headline) and at a quotation after a colon.
    assert name_keys("Жаңалық\nБүгін Алматы") == {"almat"}
    assert name_keys("деді ол: «Біз Алматыны қоршасақ»") == {"almat"}
    # A name that opens one sentence and recurs mid-sentence counts once.
    assert name_keys("Воробьёв сказал. Губернатор Воробьёв добавил.") == {"vorob"}
    # Quotation marks mid-sentence do not open a sentence: «Есипово» is kept.
    assert name_keys("паркін «Есипово» аралап") == {"esipo"}


def test_short_words_and_acronyms() -> None:
    # АҚШ gives "aks"; США gives "sa" (ш = sh = s, doubles collapse): too short, dropped.
    assert name_keys("в США и АҚШ-та") == {"aks"}
    assert name_keys("деді Ол мен") == frozenset()  # under 3 letters
    assert names_agree(name_keys("по данным NASA"), name_keys("деді НАСА")) == 1.0


def test_short_stem_matches_its_inflection() -> None:
    # Рим/Римге: the key of a short name is a prefix of its inflected key.
    assert names_agree(name_keys("келді Римге"), name_keys("прибыли в Рим")) == 1.0
    # ... but two keys under 3 letters never match by prefix.
    assert names_agree(frozenset({"ab"}), frozenset({"abaev"})) == 0.0


def test_names_agree() -> None:
    assert names_agree(frozenset(), frozenset()) is None
    assert names_agree(frozenset({"abaev"}), frozenset()) == 0.0
    assert names_agree(frozenset({"abaev", "vorob"}), frozenset({"abaev"})) == pytest.approx(2 / 3)


def test_seed_articles() -> None:
    kk, ru = (p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    shared = name_keys(kk) & name_keys(ru)
    for name in ("sulta", "vorob", "abaev", "daure", "almat", "serpu", "losin", "petro", "kazak"):
        assert name in shared
    assert names_agree(name_keys(kk), name_keys(ru)) > 0.6
