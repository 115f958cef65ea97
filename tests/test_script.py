"""Kazakh scripts: detection and transliteration (egiz.text.script), and their use in alignment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import egiz
from egiz.text import detect_language
from egiz.text.numbers import extract_numbers
from egiz.text.script import (
    SCRIPTS,
    comparable_text,
    comparable_texts,
    detect_script,
    from_cyrillic,
    kazakh_script,
    sentence_scripts,
    to_cyrillic,
    transliterate,
)
from egiz.text.translit import name_keys, names_agree

FIXTURES = Path(__file__).parent / "fixtures"
KK = (FIXTURES / "split" / "kk_quotes.txt").read_text(encoding="utf-8")
RU = (FIXTURES / "split" / "ru_quotes.txt").read_text(encoding="utf-8")
LOOKALIKES = [
    line.split("\t", 1)
    for line in (FIXTURES / "script" / "lookalikes.tsv").read_text(encoding="utf-8").splitlines()
]
TARGETS = ("latn2021", "latn2018", "latn2017", "arab")


def _char_errors(a: str, b: str) -> int:
    """Levenshtein distance (the texts are short)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _without_lost_letters(text: str) -> str:
    return text.replace("ь", "").replace("Э", "Е").replace("э", "е")


# -- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("script", TARGETS)
def test_round_trip_through_every_alphabet(script: str) -> None:
    written = from_cyrillic(KK, script)
    assert not any("а" <= c <= "я" for c in written.lower())  # no Cyrillic left
    back = to_cyrillic(written)  # the script is detected
    if script == "arab":  # no capitals, and loans of mixed vowel harmony come back changed
        errors = _char_errors(KK.lower(), back.lower())
        assert errors / len(KK) < 0.04
    else:
        # the only losses are letters the alphabets lack: ь (Подмосковье) and э (Экономика)
        assert back == _without_lost_letters(KK)


@pytest.mark.parametrize("script", TARGETS)
def test_detects_each_script(script: str) -> None:
    written = from_cyrillic(KK, script)
    assert detect_script(written) == script
    assert kazakh_script(written) == script
    assert detect_language(written) == "kk"


def test_transliterate_between_alphabets_goes_through_cyrillic() -> None:
    latn2018 = from_cyrillic(KK, "latn2018")
    assert transliterate(latn2018, "latn2021") == from_cyrillic(
        _without_lost_letters(KK), "latn2021"
    )
    assert transliterate(KK, "cyrl") == KK
    with pytest.raises(ValueError, match="unknown script"):
        transliterate(KK, "latn1929")


# -- the letters each alphabet writes in its own way ----------------------------------------------


@pytest.mark.parametrize(
    ("cyrillic", "latn2021", "latn2018", "latn2017"),
    [
        ("Қазақстан Республикасы", "Qazaqstan Respublikasy", "Qazaqstan Respýblıkasy", None),
        ("үшін", "üşın", "úshin", "u's'in"),
        ("ұйым", "ūiym", "uıym", "ui'ym"),
        ("Ішкі істер", "Işkı ıster", "Ishki ister", "Is'ki ister"),
        ("Иран", "İran", "Iran", "I'ran"),
        ("шешім", "şeşım", "sheshim", "s'es'im"),
        ("ғылым", "ğylym", "ǵylym", "g'ylym"),
    ],
)
def test_official_letters(
    cyrillic: str, latn2021: str, latn2018: str, latn2017: str | None
) -> None:
    assert from_cyrillic(cyrillic, "latn2021") == latn2021
    assert from_cyrillic(cyrillic, "latn2018") == latn2018
    if latn2017:
        assert from_cyrillic(cyrillic, "latn2017") == latn2017
    for script, written in (("latn2021", latn2021), ("latn2018", latn2018)):
        assert to_cyrillic(written, script) == cyrillic


@pytest.mark.parametrize(
    ("latin", "script", "cyrillic"),
    [
        # и / й: one letter; й after a vowel
        ("qoian", "latn2021", "қоян"),  # я after a vowel
        ("Aziia", "latn2021", "Азия"),  # и + я after a consonant
        ("bala ūiymy", "latn2021", "бала ұйымы"),
        ("iä", "latn2021", "иә"),
        ("Resei", "latn2021", "Ресей"),
        ("jiu", "latn2021", "жиу"),
        ("Reseı", "latn2018", "Ресей"),
        ("Resei'", "latn2017", "Ресей"),
        # 2021: I is і, İ is и; 2018: the capital I is і or и by the word's vowels
        ("Işkı", "latn2021", "Ішкі"),
        ("İslam", "latn2021", "Ислам"),
        ("Ishki", "latn2018", "Ішкі"),
        ("Islam", "latn2018", "Ислам"),
        ("QAZAQSTAN RESPÝBLIKASY", "latn2018", "ҚАЗАҚСТАН РЕСПУБЛИКАСЫ"),
        # ts: ц at a word's start and before и, тс inside native words
        ("tsifrlyq", "latn2021", "цифрлық"),
        ("militsiia", "latn2021", "милиция"),
        ("aitsa", "latn2021", "айтса"),
        ("ketse", "latn2021", "кетсе"),
        # h is х and һ: read as х
        ("Halyq", "latn2021", "Халық"),
        # щ is ш twice
        ("aşşy", "latn2021", "ащы"),
    ],
)
def test_ambiguous_letters(latin: str, script: str, cyrillic: str) -> None:
    assert to_cyrillic(latin, script) == cyrillic


def test_tote_jazu_hamza_marks_front_words() -> None:
    assert from_cyrillic("біз", "arab") == "\u0674بىز"
    assert from_cyrillic("мектеп", "arab") == "مەكتەپ"  # е and к already say "front"
    assert from_cyrillic("бірақ", "arab") == "بىراق"  # mixed: no hamza
    assert from_cyrillic("Қалай?", "arab") == "قالاي؟"
    # the plain hamza is often typed for the high one
    assert to_cyrillic("ءبىز كەلدىك، ول ءۇيدە.") == "Біз келдік, ол үйде."
    assert to_cyrillic("ول كىتاپتى وقىدى ما؟", "arab") == "Ол кітәпті оқыды ма?"


# -- several scripts in one document ------------------------------------------------------------


def test_latin_headline_over_cyrillic_body() -> None:
    headline = "Qazaqstan men Mäskeu oblysy ynymaqtastyqty talqylady"
    text = f"{headline}\n\n{KK}"
    assert detect_script(text) == "mixed"
    converted = to_cyrillic(text)
    assert converted.startswith("Қазақстан мен Мәскеу облысы ынымақтастықты талқылады\n\n")
    assert converted.endswith(KK)  # the Cyrillic body is untouched
    assert sentence_scripts([headline, KK.split(". ")[0]]) == ["latn2021", "cyrl"]


def test_foreign_words_stay_as_they_are() -> None:
    cyrillic = "Apple компаниясы Microsoft-пен келісті."
    assert to_cyrillic(cyrillic) == cyrillic  # Latin words in Cyrillic text are names
    latin = "Microsoft jäne Apple kompaniialary üş aida jaña önım şyğardy."
    assert to_cyrillic(latin) == "Microsoft және Аппле компаниялары үш айда жаңа өнім шығарды."


def test_short_sentences_take_the_documents_alphabet() -> None:
    doc = ["Respýblıkanyń Prezıdenti keldi.", "Bul jaqsy.", "Ilon Mask."]
    assert sentence_scripts(doc) == ["latn2018"] * 3
    assert comparable_texts(doc) == ["Республиканың Президенті келді.", "Бұл жақсы.", "Илон Маск."]
    # the same short sentence in a 2021 document
    assert comparable_texts(["Qazaqstan Respublikasy jäne Reseı.", "Bul jaqsy."])[1] == "Бул жақсы."


@pytest.mark.parametrize(("lang", "sentence"), LOOKALIKES)
def test_lookalike_languages_are_not_kazakh(lang: str, sentence: str) -> None:
    assert kazakh_script(sentence) is None, lang
    assert comparable_text(sentence) == sentence  # nothing to transliterate
    assert detect_language(sentence) != "kk"


def test_russian_stays_russian() -> None:
    assert kazakh_script(RU) is None
    assert comparable_text(RU, "ru") == RU
    assert comparable_texts(RU.split(". "), "kk") == RU.split(". ")


# -- what the pipeline compares -----------------------------------------------------------------


def test_names_match_across_scripts() -> None:
    kk = "Forumda Almaty oblysynyñ äkımı Marat Sūltanğaziev söiledı."
    ru = "Аким Алматинской области Марат Султангазиев выступил на форуме."
    assert names_agree(name_keys(comparable_text(kk)), name_keys(ru)) == 1.0
    assert "sulta" in name_keys(comparable_text(kk))


def test_number_words_in_latin() -> None:
    assert extract_numbers(comparable_text("Jūmys üş aida bıtedı."), "kk") == {"3"}
    assert extract_numbers(comparable_text("Jūmys üş aida bıtedı."), "kk") == extract_numbers(
        "Работа закончится за три месяца.", "ru"
    )
    assert extract_numbers(comparable_text("Jumys úsh aıda bitedi."), "kk") == {"3"}  # 2018


def test_align_kazakh_in_latin_keeps_the_original_text() -> None:
    kk_latin = from_cyrillic(KK, "latn2021")
    latin = egiz.align(kk_latin, RU, encoder="trigram")
    cyrillic = egiz.align(KK, RU, encoder="trigram")
    assert [(b.src, b.tgt) for b in latin.beads] == [(b.src, b.tgt) for b in cyrillic.beads]
    assert " ".join(s.text for s in latin.src_sentences) == " ".join(kk_latin.split())
    assert not latin.warnings
    forced = egiz.align(kk_latin, RU, encoder="trigram", src_script="latn2021")
    assert forced.signature.endswith("|src-script:latn2021")
    with pytest.raises(ValueError, match="unknown script"):
        egiz.align(kk_latin, RU, encoder="trigram", src_script="latin")


def test_every_script_is_known() -> None:
    assert SCRIPTS == ("cyrl", "latn2021", "latn2018", "latn2017", "arab")


# -- egiz translit ----------------------------------------------------------------------------


def _egiz(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egiz.cli", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
    )


def test_cli_translit(tmp_path: Path) -> None:
    src = tmp_path / "kk.txt"
    src.write_text(KK, encoding="utf-8")
    proc = _egiz("translit", src, "--to", "latn2021", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == from_cyrillic(KK, "latn2021")
    latin = tmp_path / "kk-latn.txt"
    latin.write_text(proc.stdout, encoding="utf-8")
    out = tmp_path / "back.txt"
    proc = _egiz("translit", latin, "--to", "cyrl", "--from", "latn2021", "-o", out, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == to_cyrillic(from_cyrillic(KK, "latn2021"))


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--to", "latin"), "--to"),
        (("--to", "auto"), "--to"),
        (("--to", "cyrl", "--from", "tote"), "--from"),
    ],
)
def test_cli_translit_unknown_script_is_one_line(args: tuple[str, ...], option: str, tmp_path):
    src = tmp_path / "kk.txt"
    src.write_text(KK, encoding="utf-8")
    proc = _egiz("translit", src, *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("egiz: error: unknown script"), proc.stderr
    assert option in lines[0] and "latn2021" in lines[0]


def test_cli_align_unknown_src_script(tmp_path: Path) -> None:
    src = tmp_path / "kk.txt"
    src.write_text(KK, encoding="utf-8")
    tgt = tmp_path / "ru.txt"
    tgt.write_text(RU, encoding="utf-8")
    proc = _egiz("align", src, tgt, "--encoder", "trigram", "--src-script", "x", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "egiz: error: unknown script 'x' for --src-script: expected auto | cyrl | latn2021 | "
        "latn2018 | latn2017 | arab"
    ]
