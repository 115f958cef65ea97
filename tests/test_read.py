"""Reading, encoding detection and normalisation (egiz.read)."""

from __future__ import annotations

import io
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egiz.errors import InputError
from egiz.read import detect_encoding, normalize_text, read_text

SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "split"

# Short real excerpts (from the seeds) so these tests do not depend on shared/.
KK = (FIXTURES / "kk_quotes.txt").read_text(encoding="utf-8")
RU = (FIXTURES / "ru_quotes.txt").read_text(encoding="utf-8")
# Russian without the characters KOI8-R and cp866 lack (« » –).
RU_PLAIN = RU.replace("«", '"').replace("»", '"').replace("–", "-")


def one_line_error(excinfo: pytest.ExceptionInfo[InputError]) -> str:
    message = str(excinfo.value)
    assert message and "\n" not in message
    return message


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with BOM
        ("utf-16-le", "utf-16-le"),  # without BOM
        ("utf-16-be", "utf-16-be"),
        ("utf-32", "utf-32"),
        ("kz1048", "kz1048"),
    ],
)
def test_kazakh_in_each_encoding(codec: str, expected: str) -> None:
    data = KK.encode(codec)
    assert detect_encoding(data) == expected
    assert read_text(data) == KK


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("cp1251", "cp1251"),
    ],
)
def test_russian_in_each_encoding(codec: str, expected: str) -> None:
    data = RU.encode(codec)
    assert detect_encoding(data) == expected
    assert read_text(data) == RU


@pytest.mark.parametrize("codec", ["koi8-r", "cp866", "mac-cyrillic", "iso8859-5"])
def test_other_cyrillic_code_pages_fall_back_to_charset_normalizer(codec: str) -> None:
    assert read_text(RU_PLAIN.encode(codec)) == RU_PLAIN


def test_seeds_read_back_in_legacy_code_pages() -> None:
    kk_path = next(SEEDS.glob("000_*.txt"), None)
    ru_path = next(SEEDS.glob("001_*.txt"), None)
    assert kk_path is not None and ru_path is not None, f"seeds not found under {SEEDS}"
    kk, ru = read_text(kk_path), read_text(ru_path)
    assert kk.startswith("Жиын Алматы және Мәскеу") and "\n\n" in kk  # blank lines kept
    assert read_text(kk.encode("kz1048")) == kk
    assert detect_encoding(kk.encode("kz1048")) == "kz1048"
    assert read_text(ru.encode("cp1251")) == ru
    assert detect_encoding(ru.encode("cp1251")) == "cp1251"


@pytest.mark.parametrize(
    "text",
    [
        # Ukrainian є ї ґ sit on the bytes of Kazakh ғ ү ө: no ы, so cp1251.
        "Київ є столицею України. Ґрунт, їжак і Євген.",
        # Serbian ј ћ ђ: the letters that share bytes with nothing Kazakh give it away.
        "Ђорђе Јовановић је љубазан човек. Њихова ћерка.",
        # Belarusian ў sits on Kazakh ұ: one letter only, so cp1251.
        "Беларусь — краіна ў Еўропе. Мы жывём у Мінску.",
        "Обычный русский текст без особых букв.",
    ],
)
def test_cp1251_text_with_kazakh_looking_bytes_stays_cp1251(text: str) -> None:
    data = text.encode("cp1251")
    assert detect_encoding(data) == "cp1251"
    assert read_text(data) == text


@pytest.mark.parametrize(
    "text",
    [
        "Қазақстан",
        "Бүгін ауа райы жылы, күн ашық болады, жаңбыр жаумайды.",  # no қ ә ң: ү ғ ң and ы
        "Мәскеу облысының кәсіпкерлері.",
    ],
)
def test_short_kazakh_is_kz1048(text: str) -> None:
    assert detect_encoding(text.encode("kz1048")) == "kz1048"


def test_mostly_utf8_with_a_stray_byte_stays_utf8() -> None:
    data = KK.encode("utf-8") + b" \xff " + RU.encode("utf-8")
    assert detect_encoding(data) == "utf-8"
    text = read_text(data)
    assert text.startswith("«Сіздердің") and "\ufffd" in text


def test_cp1251_with_its_undefined_byte_stays_cp1251() -> None:
    data = RU.encode("cp1251") + b"\x98"
    assert detect_encoding(data) == "cp1251"
    assert read_text(data) == RU + "\ufffd"


def test_western_code_page() -> None:
    text = "Die Größe der Straße überrascht. Ärger über öffentliche Grünflächen."
    assert read_text(text.encode("latin-1")) == text


def test_utf8_cut_inside_the_last_character() -> None:
    data = "Қазақстан".encode()[:-1]
    assert read_text(data) == "Қазақста"


def test_forced_encoding() -> None:
    data = KK.encode("kz1048")
    assert read_text(data, "kz1048") == KK
    # Forced is forced: cp1251 reads Kazakh letters as Macedonian ones.
    assert "ќ" in read_text(data, "cp1251")


def test_forced_encoding_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as excinfo:
        read_text(b"abc", "no-such-codec", name="kk.txt")
    assert one_line_error(excinfo) == "kk.txt: unknown encoding 'no-such-codec'"
    with pytest.raises(InputError) as excinfo:
        read_text(KK.encode("kz1048"), "utf-8", name="kk.txt")
    message = one_line_error(excinfo)
    assert message.startswith("kk.txt: cannot decode as utf-8")


# --- binary and missing input -------------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61")


@pytest.mark.parametrize(
    "data",
    [
        PNG * 20,
        bytes(range(256)) * 40,
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(200)) * 5,  # zip
        b"\x01\x02\x03\x04\x05\x06\x07\x08" * 100,  # control bytes, no NUL
    ],
)
def test_binary_data_is_rejected_in_one_line(data: bytes) -> None:
    with pytest.raises(InputError) as excinfo:
        read_text(data, name="photo.png")
    assert one_line_error(excinfo) == "photo.png: looks like binary data, not text"
    with pytest.raises(InputError):
        detect_encoding(data)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError) as excinfo:
        read_text(missing)
    assert one_line_error(excinfo) == f"{missing}: no such file"
    with pytest.raises(InputError) as excinfo:
        read_text(tmp_path)
    assert one_line_error(excinfo) == f"{tmp_path}: is a directory, not a text file"
    with pytest.raises(InputError) as excinfo:
        read_text(str(missing), name="kk")
    assert one_line_error(excinfo) == "kk: no such file"


def test_path_str_and_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RU.encode("cp1251"))
    assert read_text(path) == read_text(str(path)) == RU

    class Stdin:
        buffer = io.BytesIO(KK.encode("utf-16"))

    monkeypatch.setattr(sys, "stdin", Stdin())
    assert read_text("-") == KK


def test_empty_input_is_empty_text() -> None:
    assert read_text(b"") == ""
    assert detect_encoding(b"") == "utf-8"


# --- normalisation ------------------------------------------------------------------------------


def test_normalisation() -> None:
    raw = (
        "\ufeffБірінші\u00a0жол  \r\n"
        "екінші\u200b жол\t\r"
        "\r\n"
        "үшінші\u202fжол\u2028"
        "и\u0306\u00adтөртінші"  # decomposed й, soft hyphen
    )
    assert read_text(raw.encode("utf-8")) == ("Бірінші жол\nекінші жол\n\nүшінші жол\nйтөртінші")


def test_normalize_text_keeps_blank_lines_and_is_nfc() -> None:
    text = "Бір.\n\n\nЕкі.   \n"
    assert normalize_text(text) == "Бір.\n\n\nЕкі.\n"
    decomposed = unicodedata.normalize("NFD", "Воробьёв Йошкар-Ола")
    assert normalize_text(decomposed) == "Воробьёв Йошкар-Ола"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=100))
def test_normalize_text_is_idempotent_and_nfc(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "\r" not in once and "\u00a0" not in once and "\u200b" not in once
    assert all(line == line.rstrip() for line in once.split("\n"))


# --- size ---------------------------------------------------------------------------------------


def test_large_input_decodes_in_linear_time() -> None:
    data = (KK * (5_000_000 // len(KK))).encode("kz1048")
    start = time.perf_counter()
    text = read_text(data)
    assert time.perf_counter() - start < 5.0
    assert len(text) == len(data.decode("kz1048"))
