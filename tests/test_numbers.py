"""Numbers in real Kazakh and Russian news text: digits and inflected number words agree."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egiz.text.numbers import extract_numbers, numbers_agree

SEEDS = Path("/work/shared/seeds")


@pytest.mark.parametrize(
    ("kk", "ru", "number"),
    [
        ("небәрі үш айда іске қосуға", "за три месяца", "3"),
        ("тауар айналымы 1,8 есеге артқан", "вырос более чем в 1,8 раза", "1.8"),
        ("Соңғы бес жылда", "За последние пять лет", "5"),
        ("177 экспорттық келісімшарт", "177 экспортных контрактов", "177"),
        ("екі өңірдің даму бағыты", "предпринимателей двух областей", "2"),
        ("қадамдардың бірі", "в одном из подмосковных парков", "1"),
        ("алты арнайы экономикалық аймақ", "шесть особых экономических зон", "6"),
        ("он бес жыл", "пятнадцать лет", "15"),
        ("жиырма бес адам", "двадцать пять человек", "25"),
        ("екі мың жиырма төртінші жылы", "в две тысячи двадцать четвёртом году", "2024"),
        ("үш жүз алпыс бес күн", "триста шестьдесят пять дней", "365"),
        ("бір жарым есе", "в полтора раза", "1.5"),
        ("бесінші орын", "пятое место", "5"),
        ("қырқыншы жылдары", "в сороковые годы", "40"),
        ("үшке бөлінді", "разделили на трёх", "3"),
        ("екеуі де келді", "пришли двое", "2"),
        ("мың адам", "тысяча человек", "1000"),
        ("10 мың адам", "10 тысяч человек", "10000"),
        ("жүз мың теңге", "сто тысяч тенге", "100000"),
        ("бір миллион", "один миллион", "1000000"),
    ],
)
def test_kk_and_ru_agree(kk: str, ru: str, number: str) -> None:
    assert number in extract_numbers(kk, "kk")
    assert number in extract_numbers(ru, "ru")


def test_required_examples() -> None:
    assert "72" in extract_numbers("72 индустриальных парка и 19 технопарков", "ru")
    assert extract_numbers("шесть особых экономических зон", "ru") == {"6"}
    assert extract_numbers("небәрі үш айда", "kk") == {"3"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 000", {"3000"}),
        ("3\u00a0000 и 12\u202f500", {"3000", "12500"}),  # no-break and narrow no-break space
        ("1 500 000 тенге", {"1500000"}),
        ("1,8 и 1.8 и 1,80", {"1.8"}),
        ("0,5 процента", {"0.5"}),
        ("25% и 007", {"25", "7"}),
        ("в 2024 году 177 контрактов", {"2024", "177"}),
        ("2020-2024 годы", {"2020", "2024"}),
        ("12.05.2024", {"12", "5", "2024"}),  # a date: day, month, year
        # a clock time is one number, as Russian's `10.30` is: hours and minutes as a decimal
        ("сағат 10:30-да", {"10.3"}),
        ("в 10.30 и в 23:00", {"10.3", "23"}),
        ("со счётом 3:1", {"3", "1"}),  # a score is no time
    ],
)
def test_digits_canonical(text: str, expected: set[str]) -> None:
    assert extract_numbers(text, "ru") == expected
    assert extract_numbers(text, "kk") == expected


@pytest.mark.parametrize(
    ("kk", "ru"),
    [
        ("1,5 млн теңге", "1,5 млн тенге"),
        ("1,5 миллион теңге", "1,5 миллиона тенге"),
        ("1 500 000 теңге", "полтора миллиона тенге"),
        ("бір жарым миллион", "1,5 миллиона"),
        ("2 млрд 300 млн", "2,3 млрд"),
        ("5 мың", "5 тыс. тенге"),
    ],
)
def test_multipliers_same_canonical_form_in_both_languages(kk: str, ru: str) -> None:
    assert extract_numbers(kk, "kk") == extract_numbers(ru, "ru")
    assert len(extract_numbers(kk, "kk")) == 1


def test_multiplier_values() -> None:
    assert extract_numbers("1,5 млн", "kk") == {"1500000"}
    assert extract_numbers("2 млрд 300 млн", "ru") == {"2300000000"}
    # Digits after a scale that are not followed by a smaller scale are another number.
    assert extract_numbers("2 млн 177 компаний", "ru") == {"2000000", "177"}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # English groups thousands with a comma, German with a point, Russian with a space and
        # writes decimals with a comma: the same 1234 people in each.
        ("1,234 people in 2.5 hours", "en", {"1234", "2.5"}),
        ("1.234 Leute in 2,5 Stunden", "de", {"1234", "2.5"}),
        ("1 234 человека за 2,5 часа", "ru", {"1234", "2.5"}),
        ("1,234 млн", "ru", {"1234000"}),  # a decimal comma in Russian
        # Two groups or more are grouping in every language.
        ("1,234,567.5 tenge", "en-US", {"1234567.5"}),
        ("1.234.567,5 Tenge", "de", {"1234567.5"}),
        ("1,234,567 теңге", "kk", {"1234567"}),
        # Not three digits after the separator: a decimal everywhere.
        ("12,5 or 1,2345", "en", {"12.5", "1.2345"}),
    ],
)
def test_digit_grouping_by_language(text: str, lang: str, expected: set[str]) -> None:
    assert extract_numbers(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Он пригласил губернатора в регион", "ru"),  # "он" = he in Russian
        ("бизнес үшін тиімді шешім", "kk"),  # үшін = "for", not a form of үш
        ("олар бірге жұмыс істейді", "kk"),  # бірге = "together"
        ("бірден іске қосылды", "kk"),  # бірден = "at once"
        ("оның сөзінше, онда ондай жоба жоқ", "kk"),  # forms of ол ("he"), not он (10)
        ("алтын өндіру", "kk"),  # алтын = "gold"
        ("жер жүзінде", "kk"),  # "worldwide", жүз = face
        ("жобаны жүзеге асыру", "kk"),  # "to implement"
        ("бір-бірімен байланысты", "kk"),  # "each other"
        ("тағы бір ұшақ, белгілі бір жағдай", "kk"),  # "another", "a certain"
        ("тысячи людей и миллионы зрителей", "ru"),  # "thousands", "millions": no number
        ("бірнеше миллион құты", "kk"),  # "several million"
        ("несколько миллионов ампул", "ru"),
        ("с семью и друзьями", "ru"),  # семью = "family"
    ],
)
def test_no_false_positives(text: str, lang: str) -> None:
    assert extract_numbers(text, lang) == frozenset()


def test_kk_ten_is_a_number_only_in_kazakh() -> None:
    assert extract_numbers("он", "kk") == {"10"}
    assert extract_numbers("он", "ru") == frozenset()


def test_words_false_keeps_digits_only() -> None:
    kk = "Бұл бір жоба, үш айда 1,5 млн теңге және 177 келісімшарт."
    assert extract_numbers(kk, "kk") == {"1", "3", "1500000", "177"}
    assert extract_numbers(kk, "kk", words=False) == {"1500000", "177"}
    assert extract_numbers("около миллиона", "ru", words=False) == frozenset()


def test_seed_articles() -> None:
    kk, ru = (p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    kk_nums, ru_nums = extract_numbers(kk, "kk"), extract_numbers(ru, "ru")
    assert {"1.8", "177", "5", "3", "2"} <= kk_nums & ru_nums
    assert {"6", "72", "19"} <= ru_nums - kk_nums  # facts the Kazakh version leaves out
    # Sentence by sentence (the last sentence of each version): digits agree exactly.
    kk_last = kk.strip().splitlines()[-1]
    ru_last = ru.strip().splitlines()[-1]
    assert extract_numbers(kk_last, "kk") == extract_numbers(ru_last, "ru") == {"177"}


def test_numbers_agree() -> None:
    assert numbers_agree(frozenset(), frozenset()) is None
    assert numbers_agree(frozenset({"5"}), frozenset()) == 0.0
    assert numbers_agree(frozenset({"5", "1.8"}), frozenset({"1.8", "5"})) == 1.0
    assert numbers_agree(frozenset({"5", "1.8"}), frozenset({"1.8", "177"})) == pytest.approx(1 / 3)
    kk = extract_numbers("Соңғы бес жылда айналым 1,8 есеге артқан.", "kk")
    ru = extract_numbers("За последние пять лет оборот вырос в 1,8 раза.", "ru")
    assert numbers_agree(kk, ru) == 1.0


_PIECES = st.sampled_from(
    [
        *"0123456789 ,.-%:\n\u00a0«»",
        *("бір", "он", "мың", "жүз", "жарым", "бірнеше", "тысячи", "тысяча", "млн", "два"),
        *("сто", "полтора", "несколько", "12.05.2024", "3 000", "үшін"),
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join), st.sampled_from(["kk", "ru"]), st.booleans())
def test_any_text_gives_canonical_numbers(text: str, lang: str, words: bool) -> None:
    found = extract_numbers(text, lang, words=words)
    for number in found:
        value = Decimal(number)
        assert value >= 0 and format(value.normalize(), "f") == number
    if not any(c.isdigit() for c in text):
        assert extract_numbers(text, lang, words=False) == frozenset()
