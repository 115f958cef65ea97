"""egiz.text.names: which capitalised words are names, their stems, and matching across scripts."""

from __future__ import annotations

import pytest

from egiz.text.names import find_names, missing_names, name_stem


@pytest.mark.parametrize(
    ("word", "lang", "stem"),
    [
        ("Тоқаевтың", "kk", "тоқаев"),
        ("Астанада", "kk", "астана"),
        ("Алматыдағылардың", "kk", "алмат"),
        ("Римге", "kk", "рим"),
        ("Токаевым", "ru", "токаев"),
        ("Москвы", "ru", "москв"),
    ],
)
def test_stems_drop_kazakh_endings_and_russian_declension(word: str, lang: str, stem: str) -> None:
    assert name_stem(word, lang) == stem


def test_names_are_capitalised_words_not_capitalised_by_position() -> None:
    names = find_names("Бүгін «Жаңа фильм» туралы Марат Сұлтанғазиев: Ол келді.", "kk")
    assert [n.text for n in names if not n.weak] == ["Марат", "Сұлтанғазиев"]
    assert find_names("АЛМАТЫ ОБЛЫСЫНЫҢ ЖАҢАЛЫҚТАРЫ", "kk") == []  # a heading


def test_weak_words_count_as_counterparts_but_are_never_reported() -> None:
    weak = {n.text: n.weak for n in find_names("Вчера Национальный банк и Правительство РК.", "ru")}
    assert weak == {"Национальный": True, "Правительство": True, "РК": True}
    kk = {n.text: n.weak for n in find_names("Оны Америка Құрама Штаттары мен Тоқаев айтты.", "kk")}
    assert kk["Құрама"] and not kk["Тоқаев"]


def test_names_match_across_scripts_spellings_and_translated_places() -> None:
    assert missing_names(["Кеше Тоқаев Мәскеуге барды."], ["Вчера Токаев прилетел в Москву."]) == (
        (),
        (),
    )
    assert missing_names(["Ол Далхоузи университетінде."], ["Он в университете Дэлхаузи."]) == (
        (),
        (),
    )
    assert missing_names(
        ["Біз Германияның командасын жеңдік."], ["Мы обыграли немецкую сборную."]
    ) == (
        (),
        (),
    )
    # a name really missing, and one excused by a neighbouring bead
    assert missing_names(["Кеше Тоқаев келді."], ["Вчера он приехал."]) == (("Тоқаев",), ())
    assert missing_names(
        ["Кеше Тоқаев келді."], ["Вчера он приехал."], tgt_context=["Токаев выступил."]
    ) == ((), ())
