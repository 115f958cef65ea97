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
        ("Қазақстанда", "kk", "қазақстан"),  # -да after н, not -нда
        ("Иранда", "kk", "иран"),
        ("қаласында", "kk", "қала"),  # -нда after the possessive -сы
        ("Қазақстаннан", "kk", "қазақстан"),
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


def test_other_words_of_a_matched_persons_name_are_that_person() -> None:
    # Korean names spelled too differently to match: Парк ~ Пак matched, the rest is the same man
    kk = ["Оңтүстік Корея командасындағы Джонг Сеорк Парк жарысты аяқтады."]
    ru = ["Южнокорейский лыжник Пак Чон Сок финишировал."]
    assert missing_names(kk, ru) == ((), ())
    # ... but with nothing left over on the other side, a first name of its own is reported
    assert missing_names(["Олар Газа Канджар және Вишну Канджар."], ["Это Вишну Канджар."]) == (
        ("Газа",),
        (),
    )


def test_translated_given_names_and_foreign_titles() -> None:
    assert missing_names(["Қорыққан патша Луи XVI келді."], ["Пришёл король Людовик XVI."]) == (
        (),
        (),
    )
    # a run of Latin-script names in a Cyrillic sentence is a title the other side translates
    latin = {n.text: n.weak for n in find_names("Бұл Medecines Sans Frontiere ұйымы.", "kk")}
    assert latin == {"Medecines": True, "Sans": True, "Frontiere": True}
    assert not find_names("Автобусами Coaster ездят.", "ru")[0].weak


def test_position_quotes_and_initials() -> None:
    assert [n.text for n in find_names("Указ подписал В. Путин.", "ru")] == ["Путин"]
    # a straight quote after a word closes the quotation: the next word is not its first
    assert [n.text for n in find_names('Дастин "Голдаст" Раннелс сказал.', "ru")] == ["Раннелс"]
    # in Kazakh the word after a quoted name is that name's noun: "АТОМ" Жобасы (проект «АТОМ»)
    atom = find_names('31 қазанда "АТОМ" Жобасының тұсаукесері өтеді.', "kk")
    assert [(n.text, n.weak) for n in atom] == [("Жобасының", True)]


def test_unknown_russian_words_and_short_forms() -> None:
    weak = {n.text: n.weak for n in find_names("Эпоха Троецарствия и певец Раннелс.", "ru")}
    assert weak == {"Троецарствия": True, "Раннелс": False}
    # "не" is no shorter form of Непал: the name really is missing
    assert missing_names(["Бұл Непал батальоны."], ["Батальон не прибыл."]) == (("Непал",), ())
