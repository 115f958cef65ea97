"""Read Kazakh or Russian text from a file, stdin or bytes: detect the encoding, decode, normalise.

Kazakh and Russian news text reaches us as UTF-8 most of the time, but also as UTF-16 (Windows
"Unicode" exports) and in the legacy single-byte code pages: cp1251 (Russian) and KZ-1048 (Kazakh,
Python's ``kz1048``). Those two share every byte except sixteen: KZ-1048 puts the Kazakh letters
қ һ ұ ә ө ғ ү ң where cp1251 has Macedonian, Serbian, Belarusian and Ukrainian letters
(ќ ћ ў ј ґ є ї ѕ). Decoding Kazakh text as cp1251 silently garbles exactly the letters that make it
Kazakh, so the choice between them is made deliberately (see :func:`_legacy_codec`).

Everything here is linear in the input size: decoding, counting and normalising run as C-level
passes over the whole text; the heuristics that need Python-level work look at a bounded sample.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
import unicodedata
from pathlib import Path

from egiz.errors import InputError

__all__ = ["detect_encoding", "normalize_text", "read_text"]

# Heuristics that need a Python-level look at the data only see this much of it.
_SAMPLE = 256 * 1024

# C0/C1 control bytes that never occur in text (tab, newline, vertical tab, form feed, carriage
# return and escape are allowed; escape shows up in text with terminal colours).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
# Binary data has NUL and other control bytes all over; text has none or a stray few.
_MAX_CONTROL_RATIO = 0.01

# Bytes where kz1048 and cp1251 differ, split by how strongly the kz1048 reading says "Kazakh".
# Strong: Қ қ Ә ә Ң ң -- frequent in any Kazakh text; in cp1251 these are the Macedonian/Serbian
# letters Ќ ќ Ј ј Ѕ ѕ, which never occur in Russian.
_KK_STRONG = b"\x8d\x9d\xa3\xbc\xbd\xbe"
# Weak: Һ һ Ұ ұ Ө ө Ғ ғ Ү ү -- in cp1251 Ћ ћ Ў ў Ґ ґ Є є Ї ї, which Ukrainian and Belarusian use.
_KK_WEAK = b"\x8e\x9e\xa1\xa2\xa5\xb4\xaa\xba\xaf\xbf"
# Serbian/Macedonian letters that sit on the same bytes in both code pages (Ђ Ѓ ѓ Љ Њ Џ ђ љ њ џ):
# never in Kazakh, so their presence means the text really is South Slavic cp1251.
_SOUTH_SLAVIC = b"\x80\x81\x83\x8a\x8c\x8f\x90\x9a\x9c\x9f"
_SOUTH_SLAVIC_LETTERS = frozenset("ЂЃЉЊЌЋЏђѓљњќћџЈјЅѕ")
_YERU = b"\xdb\xfb"  # Ы ы: Kazakh and Russian have it, Ukrainian/Serbian/Macedonian do not.

# Characters dropped on normalisation: zero-width space/joiners, word joiner, BOM, soft hyphen,
# Mongolian vowel separator. They are invisible and only break word matching.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
# Non-breaking and other fixed-width spaces become a plain space.
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Control characters with no place in text (keeps \t and \n; \v \f are turned into \n first).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CYRILLIC_WORD = re.compile(r"[^\W\d_]+")


def read_text(
    source: str | os.PathLike[str] | bytes,
    encoding: str | None = None,
    *,
    name: str | None = None,
) -> str:
    """Read `source` and return its text, decoded and normalised (see :func:`normalize_text`).

    `source` is a path, ``"-"`` for stdin, or the raw bytes. `encoding` forces a codec; without it
    the encoding is detected (:func:`detect_encoding`). `name` is what error messages call the
    input (default: the path, ``<stdin>`` or ``<bytes>``).

    Raises InputError, with one line naming the input, when the file is missing, is a directory,
    cannot be read, looks like binary data, or cannot be decoded.
    """
    data, name = read_bytes(source, name)
    if encoding is not None:
        text = _decode_forced(data, encoding, name)
    else:
        text, _ = _decode(data, name)
    _check_controls(text, name)
    return normalize_text(text)


def detect_encoding(data: bytes, *, name: str = "<bytes>") -> str:
    """Return the name of the codec that decodes `data` (e.g. ``"utf-8"``, ``"kz1048"``).

    Order: byte-order marks, BOM-less UTF-16, strict UTF-8 (also UTF-8 with a very few bad bytes,
    which are then replaced on decoding), then cp1251 vs kz1048, and charset-normalizer only when
    neither single-byte Cyrillic reading is plausible. Deterministic: same bytes, same answer.
    Raises InputError for binary data.
    """
    return _decode(bytes(data), name)[1]


def normalize_text(text: str) -> str:
    """Normalise decoded text so that equal texts compare equal and line structure survives.

    ``\\r\\n``, ``\\r``, line/paragraph separators, vertical tab and form feed become ``\\n``;
    zero-width characters, the BOM and soft hyphens are dropped; non-breaking and other fixed-width
    spaces become a space; stray control characters are dropped; trailing whitespace is stripped
    from every line; the result is NFC. Blank lines are kept: paragraph breaks are an alignment
    signal. Idempotent.
    """
    for old in ("\r\n", "\r", "\u2028", "\u2029", "\x85", "\v", "\f"):
        if old in text:
            text = text.replace(old, "\n")
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _CONTROLS.sub("", text)
    # NFC last: dropping a zero-width character can bring a letter and its accent together.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


# --- reading ------------------------------------------------------------------------------------


def read_bytes(
    source: str | os.PathLike[str] | bytes, name: str | None = None
) -> tuple[bytes, str]:
    """The bytes of `source` (a path, "-" for stdin, or bytes) and what messages call it."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "<bytes>"
    if isinstance(source, str) and source == "-":
        name = name or "<stdin>"
        try:
            return sys.stdin.buffer.read(), name
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    path = Path(source)
    name = name or str(path)
    try:
        return path.read_bytes(), name
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a text file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        if path.is_dir():  # Windows reports a directory as PermissionError/OSError
            raise InputError(f"{name}: is a directory, not a text file") from None
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def _decode_forced(data: bytes, encoding: str, name: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: cannot decode as {encoding} "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _binary(name: str) -> InputError:
    return InputError(f"{name}: looks like binary data, not text")


def _check_controls(text: str, name: str) -> None:
    """Reject decoded text full of control characters (binary data that happened to decode)."""
    sample = text[:_SAMPLE]
    if sample and len(_CONTROLS.findall(sample)) > _MAX_CONTROL_RATIO * len(sample):
        raise _binary(name)


# --- detection ----------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Detect the encoding of `data` and decode it: (text, codec name).

    Bytes that are not binary always decode: the single-byte code pages map every byte (bar
    0x98, replaced), so undecodable input ends here as binary or not at all.
    """
    if not data:
        return "", "utf-8"
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                if codec == "utf-32":
                    continue  # FF FE 00 00 can also be UTF-16 LE text starting with U+0000
                raise _binary(name) from None

    if b"\x00" in data:
        codec = _utf16_codec(data)
        if codec is None:
            raise _binary(name)
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            raise _binary(name) from None

    if len(data) - len(data.translate(None, _CONTROL_BYTES)) > _MAX_CONTROL_RATIO * len(data):
        raise _binary(name)

    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # a file cut inside its last character
            return data[: exc.start].decode("utf-8"), "utf-8"
    # Mostly valid UTF-8 with a few bad bytes (a stray byte from another encoding): keep UTF-8
    # and replace the bad bytes rather than turn every Cyrillic letter into mojibake.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad <= 0.01 * (_count_non_ascii(text) - bad):
        return text, "utf-8"

    codec = _legacy_codec(data)
    legacy = data.decode(codec, errors="replace")  # 0x98 is undefined in both code pages
    if _plausible_cyrillic(legacy[:_SAMPLE]):
        return legacy, codec
    fallback = _fallback_codec(data)
    if fallback is not None:
        try:
            return data.decode(fallback), fallback
        except (UnicodeDecodeError, LookupError):
            pass
    return legacy, codec


def _count_non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", errors="ignore"))


def _utf16_codec(data: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" when BOM-less `data` looks like UTF-16, else None.

    UTF-16 text of any script has NUL (or a small set of high bytes such as 0x04 for Cyrillic) at
    every other position: odd positions for little endian, even for big endian. Binary data has
    NUL bytes scattered over both.
    """
    sample = data[: min(len(data), 64 * 1024) & ~1]
    if len(data) % 2 or not sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    pairs = len(even)
    for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        # High byte 0x00 (ASCII, Latin-1) or 0x04 (Cyrillic) in most code units, low byte rarely 0.
        common = high.count(0) + high.count(4)
        if common >= 0.6 * pairs and low.count(0) <= 0.05 * pairs:
            text = sample.decode(codec, errors="replace")
            bad = text.count("\ufffd") + len(_CONTROLS.findall(text))
            if bad <= _MAX_CONTROL_RATIO * len(text) + 1:
                return codec
    return None


def _legacy_codec(data: bytes) -> str:
    """Choose between cp1251 (Russian) and kz1048 (Kazakh) for bytes that are not UTF-8.

    The two differ on 16 bytes only (see the constants above). Kazakh text shows the strong bytes
    (қ ә ң, which cp1251 reads as Macedonian ќ ј ѕ) and never the South Slavic letters that sit on
    the bytes the code pages share. Text that only has the weak bytes is Kazakh when it also has ы
    and at least two different weak letters (Ukrainian has no ы; Belarusian has ы but only ў).
    """
    strong = sum(data.count(b) for b in _KK_STRONG)
    weak_bytes = [b for b in _KK_WEAK if b in data]
    if not strong and not weak_bytes:
        return "cp1251"  # the two decode identically
    if any(b in data for b in _SOUTH_SLAVIC):
        return "cp1251"
    if strong:
        return "kz1048"
    weak_letters = {bytes([b]).decode("kz1048").lower() for b in weak_bytes} - {"ұ"}
    if len(weak_letters) >= 2 and any(b in data for b in _YERU):
        return "kz1048"
    return "cp1251"


def _plausible_cyrillic(text: str) -> bool:
    """Whether a single-byte Cyrillic reading makes sense: its non-ASCII characters are mostly
    Cyrillic letters (plus typographic punctuation), and words do not mix Latin and Cyrillic.

    Text in another code page (cp866, KOI8-R, Latin-1 ...) read as cp1251 fails one of the two.
    """
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return True
    cyrillic = sum(1 for ch in non_ascii if "\u0400" <= ch <= "\u04ff")
    if cyrillic < 0.75 * len(non_ascii):
        return False
    # Mac Cyrillic puts А-Я where cp1251 has Ђ Ѓ Љ Џ ...: Serbian letters next to Russian-only
    # ы э ъ are no real language.
    south = sum(1 for ch in non_ascii if ch in _SOUTH_SLAVIC_LETTERS)
    if south >= 3 and sum(1 for ch in non_ascii if ch in "ыэъЫЭЪ") >= 3:
        return False
    upper = sum(1 for ch in non_ascii if ch.isupper())
    if len(non_ascii) >= 200 and upper > 0.5 * cyrillic:
        return False  # KOI8-R lowercase letters sit where cp1251 has uppercase ones
    mixed = words = 0
    for word in _CYRILLIC_WORD.findall(text):
        if word.isascii():
            continue
        words += 1
        if any("a" <= ch.lower() <= "z" for ch in word):
            mixed += 1
    return mixed <= 0.2 * words


# What charset-normalizer may answer: the other Cyrillic code pages, and the Latin ones that texts
# in other languages come in. Left free, it reads a Russian text with one odd byte as Hebrew.
_FALLBACK_CODECS = [
    "koi8_r",
    "koi8_u",
    "cp866",
    "cp1125",
    "mac_cyrillic",
    "iso8859_5",
    "ptcp154",
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1254",
    "iso8859_9",
    "mac_roman",
]


def _fallback_codec(data: bytes) -> str | None:
    """Ask charset-normalizer, on a bounded sample, for an encoding: only used when neither cp1251
    nor kz1048 gives plausible text. Returns a Python codec name or None."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # declared dependency, but keep reading possible without it
        return None
    best = from_bytes(data[:_SAMPLE], cp_isolation=_FALLBACK_CODECS).best()
    if best is None:
        return None
    try:
        return codecs.lookup(best.encoding).name
    except LookupError:
        return None
