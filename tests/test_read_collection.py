"""Reading whole collections (egiz.read.read_documents): folders, .txt, HTML, JSONL and WARC."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from egiz.document import Document, Problem
from egiz.errors import InputError
from egiz.read import lang_from_url, normalize_lang, read_documents
from egiz.read.html import decode_html, drop_boilerplate_lines

FIXTURES = Path(__file__).parent / "fixtures" / "collection"
PAGES = FIXTURES / "pages"
JSONL = FIXTURES / "articles.jsonl"

KK_SENTENCES = [
    "Астананың Нұра ауданында 1200 оқушыға арналған жаңа мектеп пайдалануға берілді.",
    "Ғимарат «Жайлы мектеп» ұлттық жобасы аясында салынған.",
    "Ата-аналар балаларын мектепке электрондық үкімет порталы арқылы тіркей алады.",
]
RU_SENTENCES = [
    "В районе Нура Астаны введена в эксплуатацию новая школа на 1200 учеников.",
    "Здание построено в рамках национального проекта «Комфортная школа».",
    "Родители могут записать детей в школу через портал электронного правительства.",
]
# Site furniture around the article: none of it may reach the text.
KK_FURNITURE = ["Басты бет", "Саясат", "Аймақтар", "Бөлісу", "Тағы оқыңыз", "Алматыда жол"]
KK_FURNITURE += ["Қате таптыңыз", "Ctrl+Enter", "Telegram", "жазылыңыз", "құқықтар", "Жарнама"]
RU_FURNITURE = ["Главная", "Политика", "Регионы", "Поделиться", "Читайте также", "В Алматы"]
RU_FURNITURE += ["Нашли ошибку", "Ctrl+Enter", "Telegram", "Подписывайтесь", "права", "Реклама"]


def read_all(sources: list[str | Path], **kwargs: object) -> tuple[list[Document], list[Problem]]:
    problems: list[Problem] = []
    documents = list(read_documents(sources, on_problem=problems.append, **kwargs))  # type: ignore[arg-type]
    return documents, problems


def by_id(documents: list[Document]) -> dict[str, Document]:
    return {document.id: document for document in documents}


def problems_of(problems: list[Problem], kind: str) -> list[Problem]:
    return [problem for problem in problems if problem.kind == kind]


# --- the fixture collection, end to end ---------------------------------------------------------


@pytest.fixture(scope="module")
def collection() -> tuple[list[Document], list[Problem]]:
    return read_all([FIXTURES])


def test_collection_ids_and_languages(collection: tuple[list[Document], list[Problem]]) -> None:
    documents, _ = collection
    assert [(d.id, d.lang) for d in documents] == [
        ("kk-2024-0315-budget", "kk"),  # JSONL "lang": "kaz"
        ("ru-2024-0315-budget", "ru"),  # JSONL "lang": "ru-RU"
        ("kk-2024-1001-metro", "kk"),  # JSONL "html", language detected
        ("kk-weather", "kk"),
        ("kk-school", "kk"),  # pages/archive/kk-school.html
        ("en-school", "other"),  # a third language is kept, labelled "other"
        ("kk-school#2", "kk"),  # pages/kk-school.html: same id again
        ("ru-school", "ru"),
        ("kk-weather#2", "kk"),  # texts/kk-weather.txt: same id as JSONL line 7
        ("ru-weather", "ru"),
    ]
    assert len({d.id for d in documents}) == len(documents)


def test_collection_problems(collection: tuple[list[Document], list[Problem]]) -> None:
    _, problems = collection
    found = sorted((Path(p.source).name, p.location, p.kind) for p in problems)
    assert found == [
        ("README.md", "", "skipped"),  # a .md file in a crawl folder is no page
        ("articles.jsonl", "line 3", "malformed"),
        ("articles.jsonl", "line 4", "malformed"),
        ("articles.jsonl", "line 5", "malformed"),
        ("blank.txt", "", "empty"),
        ("empty.html", "", "empty"),
        ("kk-school.html", "", "duplicate"),
        ("kk-weather.txt", "", "duplicate"),
        ("menu-only.html", "", "boilerplate"),
    ]
    messages = {(Path(p.source).name, p.location): p.message for p in problems}
    assert messages[("articles.jsonl", "line 3")].startswith("bad JSON")
    assert messages[("articles.jsonl", "line 4")] == 'neither "text" nor "html"'
    assert messages[("articles.jsonl", "line 5")] == '"text" is a JSON array, not a string'
    duplicate = messages[("kk-weather.txt", "")]
    assert "'kk-weather'" in duplicate and "articles.jsonl:line 7" in duplicate
    assert "'kk-weather#2'" in duplicate


def test_jsonl_fields(collection: tuple[list[Document], list[Problem]]) -> None:
    docs = by_id(collection[0])
    budget = docs["kk-2024-0315-budget"]
    assert budget.title == "Үкімет 2025 жылға арналған республикалық бюджет жобасын мақұлдады"
    assert budget.date == "2024-03-15"
    assert budget.url == "https://elorda.example.kz/kz/news/budget-2025-14002"
    assert budget.source == f"{JSONL}:line 1"
    assert budget.text.count("\n") == 1  # paragraphs as given
    metro = docs["kk-2024-1001-metro"]  # "html" record: text, title and date from the page
    assert metro.url == "https://kaz.example.kz/news/almaty-metro-2024"
    assert metro.title == "Алматыда метроның екі жаңа бекеті ашылды"
    assert metro.date == "2024-10-01"
    assert "бекеттері жолаушыларды қабылдай бастады" in metro.text
    assert "Қате таптыңыз" not in metro.text and "Басты бет" not in metro.text


def test_html_pages_lose_their_furniture(
    collection: tuple[list[Document], list[Problem]],
) -> None:
    docs = by_id(collection[0])
    kk, ru = docs["kk-school#2"], docs["ru-school"]
    for sentence in KK_SENTENCES:
        assert sentence in kk.text
    for sentence in RU_SENTENCES:
        assert sentence in ru.text
    for word in KK_FURNITURE:
        assert word not in kk.text, word
    for word in RU_FURNITURE:
        assert word not in ru.text, word
    # Paragraphs are kept as lines.
    assert len(kk.text.split("\n")) == 4 and len(ru.text.split("\n")) == 4
    assert kk.text.split("\n")[0] == (
        "Астананың Нұра ауданында 1200 оқушыға арналған жаңа мектеп пайдалануға берілді. "
        "Бұл туралы қала әкімдігінің баспасөз қызметі хабарлады."
    )


def test_html_metadata(collection: tuple[list[Document], list[Problem]]) -> None:
    docs = by_id(collection[0])
    ru = docs["ru-school"]  # windows-1251 page
    assert ru.title == "В Астане открылась новая школа на 1200 мест"
    assert ru.url == "https://elorda.example.kz/ru/news/v-astane-otkrylas-novaya-shkola-15307"
    assert ru.date == "2024-09-02"
    assert ru.source == str(PAGES / "ru-school.html")
    en = docs["en-school"]
    assert en.title == "New school for 1,200 students opens in Astana"
    assert "robotics laboratory" in en.text and "Found a typo" not in en.text


def test_txt_files(collection: tuple[list[Document], list[Problem]]) -> None:
    docs = by_id(collection[0])
    ru = docs["ru-weather"]  # cp1251 with CRLF
    assert ru.text.startswith("Погода: на севере страны усилятся морозы\n\nВ ближайшие три дня")
    assert "\r" not in ru.text and "«Казгидромет»" in ru.text
    assert ru.title == ru.url == ru.date == ""
    assert docs["kk-weather#2"].text.startswith("Ауа райы: елдің солтүстігінде аяз күшейеді")


def test_same_order_every_time(collection: tuple[list[Document], list[Problem]]) -> None:
    again, problems = read_all([FIXTURES])
    assert again == collection[0]
    assert problems == collection[1]


def test_two_sources_and_single_files() -> None:
    documents, problems = read_all([PAGES / "kk-school.html", FIXTURES / "texts"])
    assert [d.id for d in documents] == ["kk-school", "kk-weather", "ru-weather"]
    assert [p.kind for p in problems] == ["empty"]  # blank.txt
    # A lone path is taken as one source, not as a sequence of characters.
    assert [d.id for d in read_documents(str(PAGES / "ru-school.html"))] == ["ru-school"]


def test_reading_is_lazy() -> None:
    documents = read_documents([FIXTURES])
    assert iter(documents) is documents
    first = next(documents)
    assert first.id == "kk-2024-0315-budget"


def test_import_stays_light() -> None:
    code = (
        "import sys, egiz, egiz.read; "
        "heavy = [m for m in ('trafilatura', 'warcio', 'lxml') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- usage errors -------------------------------------------------------------------------------


def test_missing_source_raises_at_once(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match="no such file or folder"):
        read_documents([FIXTURES, missing])  # before anything is read


def test_bad_arguments_raise(tmp_path: Path) -> None:
    other = tmp_path / "photo.jpg"
    other.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"not a collection file \(not text: a JPEG image\)"):
        read_documents([other])
    with pytest.raises(InputError, match="no such file or folder"):
        read_documents([tmp_path / "missing"])
    with pytest.raises(InputError, match="unknown language code 'xx'"):
        read_documents([FIXTURES], lang="xx")
    with pytest.raises(InputError, match="unknown encoding"):
        read_documents([FIXTURES], encoding="no-such-codec")
    with pytest.raises(InputError, match="unknown language"):
        read_documents([FIXTURES], lang="??")


def test_a_named_file_is_read_whatever_its_extension(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"  # skipped inside a folder, read when named
    notes.write_text("# notes", encoding="utf-8")
    documents, problems = read_all([notes])
    assert not documents and [p.kind for p in problems] == ["boilerplate"]


# --- problems that do not stop the run ----------------------------------------------------------


def test_unreadable_files_are_reported_and_skipped(tmp_path: Path) -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61") * 20
    (tmp_path / "a-photo.txt").write_bytes(png)
    (tmp_path / "b-photo.html").write_bytes(png)
    shutil.copy(FIXTURES / "texts" / "ru-weather.txt", tmp_path / "c.txt")
    documents, problems = read_all([tmp_path])
    assert [d.id for d in documents] == ["c"]
    # The content decides, not the name: a PNG called .txt is skipped, and says why.
    assert [(Path(p.source).name, p.kind, p.message) for p in problems] == [
        ("a-photo.txt", "skipped", "not text: a PNG image: not read"),
        ("b-photo.html", "skipped", "not text: a PNG image: not read"),
    ]


def test_hidden_and_other_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".hidden").mkdir()
    shutil.copy(PAGES / "kk-school.html", tmp_path / ".hidden" / "x.html")
    shutil.copy(PAGES / "kk-school.html", tmp_path / ".y.html")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    shutil.copy(PAGES / "ru-school.html", tmp_path / "RU-SCHOOL.HTM")
    documents, problems = read_all([tmp_path])
    assert [d.id for d in documents] == ["RU-SCHOOL"]
    # Nothing is skipped without a word: each skipped file or folder is named.
    assert [(Path(p.source).name, p.kind, p.message) for p in problems] == [
        (".hidden", "skipped", "a hidden folder: not read"),
        (".y.html", "skipped", "a hidden file: not read"),
        ("photo.png", "skipped", "a .png file, not a page: not read"),
    ]


def test_problems_are_logged_by_default(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="egiz.read"):
        documents = list(read_documents([FIXTURES / "texts"]))
    assert [d.id for d in documents] == ["kk-weather", "ru-weather"]
    assert [r.getMessage() for r in caplog.records] == [
        f"{FIXTURES / 'texts' / 'blank.txt'}: empty: no text"
    ]


def test_short_text_is_boilerplate(tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text("Фото: пресс-служба акимата\n", encoding="utf-8")
    documents, problems = read_all([tmp_path])
    assert not documents
    assert [(p.kind, p.location) for p in problems] == [("boilerplate", "")]


def test_duplicates_get_unique_ids(tmp_path: Path) -> None:
    text = "Бұл мақала бірнеше рет сақталған, сондықтан оның идентификаторы қайталанады."
    lines = [{"id": "a", "text": text}, {"id": "a#2", "text": text}, {"id": "a", "text": text}]
    lines += [{"id": "a", "text": text}]
    path = tmp_path / "dup.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    documents, problems = read_all([path])
    assert [d.id for d in documents] == ["a", "a#2", "a#3", "a#4"]
    assert [(p.kind, p.location) for p in problems] == [
        ("duplicate", "line 3"),
        ("duplicate", "line 4"),
    ]


# --- JSONL --------------------------------------------------------------------------------------

KK_TEXT = (
    "Алдағы үш күнде Қазақстанның солтүстік және орталық өңірлерінде аяз күшейеді. "
    "Бұл туралы синоптиктер хабарлады."
)


def test_jsonl_malformed_lines(tmp_path: Path) -> None:
    good = {"id": "ok", "text": KK_TEXT}
    raw_lines = [
        json.dumps(good, ensure_ascii=False).encode(),
        b"",  # blank lines are skipped silently
        b'["not", "an", "object"]',
        json.dumps({"text": KK_TEXT}, ensure_ascii=False).encode(),
        json.dumps({"id": "  ", "text": KK_TEXT}, ensure_ascii=False).encode(),
        json.dumps({"id": True, "text": KK_TEXT}, ensure_ascii=False).encode(),
        json.dumps({"id": "t", "text": KK_TEXT, "title": 7}, ensure_ascii=False).encode(),
        '{"id": "cp", "text": "Қазақстан"}'.encode("kz1048"),
        json.dumps({"id": 42, "text": KK_TEXT, "date": None}, ensure_ascii=False).encode(),
        json.dumps({"id": "empty", "text": " \n "}).encode(),
        json.dumps({"id": "last", "lang": "kk", "text": KK_TEXT}, ensure_ascii=False).encode(),
    ]
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(raw_lines))  # BOM, no final newline
    documents, problems = read_all([path])
    assert [d.id for d in documents] == ["ok", "42", "last"]  # integer ids are taken as text
    assert [(p.location, p.kind, p.message) for p in problems] == [
        ("line 3", "malformed", "a JSON array, not an object"),
        ("line 4", "malformed", 'no "id"'),
        ("line 5", "malformed", 'empty "id"'),
        ("line 6", "malformed", '"id" is a JSON boolean, not a string'),
        ("line 7", "malformed", '"title" is a JSON number, not a string'),
        ("line 8", "malformed", "not utf-8 (byte 0x8d at column 23)"),
        ("line 10", "empty", "no text"),
    ]
    assert all(p.source == str(path) for p in problems)


def test_jsonl_gz_and_cut_off_gzip(tmp_path: Path) -> None:
    lines = "".join(
        json.dumps({"id": f"n{i}", "lang": "kk", "text": KK_TEXT}, ensure_ascii=False) + "\n"
        for i in range(200)
    ).encode()
    whole = gzip.compress(lines)
    (tmp_path / "a.jsonl.gz").write_bytes(whole)
    documents, problems = read_all([tmp_path / "a.jsonl.gz"])
    assert len(documents) == 200 and not problems
    (tmp_path / "a.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    documents, problems = read_all([tmp_path / "a.jsonl.gz"])
    assert 0 < len(documents) < 200
    assert [p.kind for p in problems] == ["unreadable"]
    assert problems[0].location == f"line {len(documents) + 1}"


def test_jsonl_forced_encoding(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(json.dumps({"id": "x", "text": KK_TEXT}, ensure_ascii=False).encode("kz1048"))
    documents, problems = read_all([path], encoding="kz1048")
    assert [d.text for d in documents] == [KK_TEXT] and not problems


# --- languages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("kk", "kk"),
        ("kaz", "kk"),
        ("kz", "kk"),
        ("kk-KZ", "kk"),
        ("KK_kz", "kk"),
        ("Қазақша", "kk"),
        ("ru", "ru"),
        ("rus", "ru"),
        ("ru-RU", "ru"),
        ("ru_KZ", "ru"),
        ("en", "other"),
        ("eng", "other"),
        ("English", "other"),
        ("other", "other"),
        ("", None),
        ("und", None),
        ("unknown", None),
        ("??", None),
        (None, None),
    ],
)
def test_normalize_lang(tag: str | None, expected: str | None) -> None:
    assert normalize_lang(tag) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.inform.kz/kz/news/123", "kk"),
        ("https://www.inform.kz/ru/news/123", "ru"),
        ("https://egov.kz/cms/kk/articles/x", "kk"),
        ("https://example.kz/qaz/zhanalyqtar/1", "kk"),
        ("https://kaz.tengrinews.kz/news/1", "kk"),
        ("https://kk.wikipedia.org/wiki/Астана", "kk"),
        ("https://ru.sputnik.kz/20240101/1.html", "ru"),
        ("https://site.kz/kz/ru/news/1", "ru"),  # "kz" is the country here
        ("https://site.kz/news/1?lang=kk", "kk"),
        ("https://site.kz/news/2024/ru/1", None),  # third segment: not a language switch
        ("https://kz.kursiv.media/2024/1", None),  # kz. subdomain: the country, not the language
        ("https://site.kz/en/news/1", None),
        ("", None),
        ("not a url", None),
    ],
)
def test_lang_from_url(url: str, expected: str | None) -> None:
    assert lang_from_url(url) == expected


def test_language_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [
        {"id": "said", "lang": "ru", "text": KK_TEXT},  # the record's word wins
        {"id": "unsaid", "text": KK_TEXT, "url": "https://x.kz/ru/1"},
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    assert [d.lang for d in read_documents([path])] == ["ru", "kk"]  # detected
    assert [d.lang for d in read_documents([path], lang="rus")] == ["ru", "ru"]  # the argument
    # Only when the text cannot tell does the URL decide.
    monkeypatch.setattr("egiz.text.lang.detect_language", lambda text: "unknown")
    assert [d.lang for d in read_documents([path])] == ["ru", "ru"]


# --- WARC ---------------------------------------------------------------------------------------

NO_DATE_PAGE = (
    "<html><head><title>Жаңалық</title></head><body><nav><a href='/'>Басты бет</a></nav>"
    f"<article><p>{KK_TEXT}</p><p>{KK_TEXT.replace('үш', 'төрт')}</p></article></body></html>"
)


def write_warc(path: Path, *, gz: bool) -> dict[str, int]:
    """A small crawl: kk, ru and en pages among records that are not articles.

    Headers are fixed (record ids, dates) so the bytes, and so the corruption tests, are the same
    in every run. Returns each record's offset by name.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = "text/html; charset=utf-8"
    bare = "text/html"  # no charset in the header: the page's <meta> says windows-1251
    site = "https://elorda.example.kz"
    records = [  # name, kind, URL, HTTP status line, Content-Type, body
        ("kk", "response", f"{site}/kz/news/15307", "200 OK", html, PAGES / "kk-school.html"),
        ("request", "request", f"{site}/kz/news/15307", "GET /kz/news/15307 HTTP/1.1", "", b""),
        ("logo", "response", f"{site}/logo.png", "200 OK", "image/png", b"\x89PNG\r\n" * 8),
        ("ru", "response", f"{site}/ru/news/15307", "200 OK", bare, PAGES / "ru-school.html"),
        ("moved", "response", f"{site}/old", "301 Moved Permanently", html, b""),
        ("nodate", "response", f"{site}/kz/news/15400", "200 OK", html, NO_DATE_PAGE.encode()),
        ("en", "response", f"{site}/en/news/15307", "200 OK", html, PAGES / "en-school.html"),
    ]
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    offsets: dict[str, int] = {}
    for number, (name, kind, uri, status, ctype, body) in enumerate(records):
        offsets[name] = buffer.tell()
        payload = body.read_bytes() if isinstance(body, Path) else body
        http = StatusAndHeaders(
            status,
            [("Content-Type", ctype)] if ctype else [],
            protocol="HTTP/1.1",  # a request line is split by warcio itself
            is_http_request=kind == "request",
        )
        headers = {
            "WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{number:012d}>",
            "WARC-Date": "2024-09-03T08:00:00Z",
        }
        writer.write_record(
            writer.create_warc_record(
                uri, kind, payload=io.BytesIO(payload), http_headers=http, warc_headers_dict=headers
            )
        )
    offsets["end"] = buffer.tell()
    path.write_bytes(buffer.getvalue())
    return offsets


def url_hash(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:16]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    offsets = write_warc(path, gz=gz)
    documents, problems = read_all([path])
    assert not problems
    assert [(d.url, d.lang) for d in documents] == [
        ("https://elorda.example.kz/kz/news/15307", "kk"),
        ("https://elorda.example.kz/ru/news/15307", "ru"),
        ("https://elorda.example.kz/kz/news/15400", "kk"),
        ("https://elorda.example.kz/en/news/15307", "other"),
    ]
    assert [d.id for d in documents] == [url_hash(d.url) for d in documents]
    kk, ru, nodate, _ = documents
    assert kk.source == f"{path}:offset {offsets['kk']}"
    assert kk.title == "Астанада 1200 орындық жаңа мектеп ашылды"
    assert kk.date == "2024-09-02"  # publication date from the page
    assert nodate.date == "2024-09-03T08:00:00Z"  # no date on the page: the crawl date
    for sentence in RU_SENTENCES:
        assert sentence in ru.text  # windows-1251 page decoded by its <meta>
    assert "Нашли ошибку" not in ru.text and "Главная" not in ru.text


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_broken_warc_record(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    offsets = write_warc(path, gz=gz)
    data = bytearray(path.read_bytes())
    start, end = offsets["ru"], offsets["moved"]
    if gz:
        middle = (start + end) // 2  # garbage in the middle of the record's gzip member
        data[middle : middle + 64] = b"\xff" * 64
    else:
        data[start : start + 8] = b"WARX/9.9"  # a header nobody can parse
    path.write_bytes(bytes(data))
    documents, problems = read_all([path])
    assert [d.url.rsplit("/", 1)[-1] for d in documents] == ["15307", "15400", "15307"]
    assert [d.lang for d in documents] == ["kk", "kk", "other"]  # the ru record is lost
    assert [(p.source, p.location, p.kind) for p in problems] == [
        (str(path), f"offset {start}", "malformed")
    ]
    assert problems[0].message.startswith("broken WARC record")
    assert f"resumed at offset {offsets['moved']}" in problems[0].message


def test_cut_off_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    offsets = write_warc(path, gz=False)
    data = path.read_bytes()
    path.write_bytes(data[: (offsets["en"] + offsets["end"]) // 2])
    documents, problems = read_all([path])
    assert len(documents) == 3
    assert [(p.location, p.kind) for p in problems] == [(f"offset {offsets['en']}", "malformed")]
    assert "cut off" in problems[0].message


def test_whole_file_gzipped_warc(tmp_path: Path) -> None:
    plain = tmp_path / "crawl.warc"
    write_warc(plain, gz=False)
    path = tmp_path / "crawl2.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))  # `gzip crawl.warc`: one stream
    documents, problems = read_all([path])
    expected, _ = read_all([plain])
    assert [(d.id, d.text) for d in documents] == [(d.id, d.text) for d in expected]
    assert not problems


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"  # text under a WARC name: read as the text it is
    path.write_text("these are notes, not a crawl\n" * 5, encoding="utf-8")
    documents, problems = read_all([path])
    assert [(d.id, d.lang) for d in documents] == [("notes", "other")] and not problems
    # A WARC cut off inside its first record (warcio raises an AttributeError there): a
    # malformed record, not a crash and not silence.
    broken = tmp_path / "broken"
    broken.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 100\r\n\r\nabc")
    documents, problems = read_all([broken])
    assert not documents
    assert [(p.location, p.kind) for p in problems] == [("offset 0", "malformed")]
    # A WARC with no HTML response in it says so.
    requests = tmp_path / "requests.warc"
    requests.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: x\r\n")
    documents, problems = read_all([requests])
    assert not documents
    assert [(p.kind, p.message) for p in problems] == [("empty", "no HTML pages in this WARC file")]


# --- the boilerplate filter ---------------------------------------------------------------------


def test_boilerplate_filter_keeps_sentences_about_the_same_things() -> None:
    text = "\n".join(
        [
            "Министр заявил, что ведомство нашло ошибку в расчетах и исправит ее.",
            "Нашли ошибку? Выделите ее и нажмите Ctrl+Enter",
            "Канал в Telegram набрал миллион подписчиков за год.",
            "Подписывайтесь на наш Telegram-канал",
            "Читайте также: В Алматы начался ремонт дорог",
            "Қате таптыңыз ба? Оны белгілеп, Ctrl+Enter басыңыз",
            "Telegram-арнамызға жазылыңыз",
            "Бөлісу:",
            "© 2024 Барлық құқықтар қорғалған.",
        ]
    )
    assert drop_boilerplate_lines(text) == (
        "Министр заявил, что ведомство нашло ошибку в расчетах и исправит ее.\n"
        "Канал в Telegram набрал миллион подписчиков за год."
    )


# --- page encodings -----------------------------------------------------------------------------


def test_page_encodings() -> None:
    page = "<html><head><meta charset='windows-1251'></head><body><p>Қазақстан мен Ресей</p>"
    # UTF-8 bytes under a wrong cp1251 label (a server default): still UTF-8.
    assert "Қазақстан мен Ресей" in decode_html(page.encode(), declared="windows-1251")
    ru = page.replace("Қазақстан мен Ресей", "Казахстан и Россия")
    assert "Казахстан и Россия" in decode_html(ru.encode("cp1251"))  # by the <meta>
    # A Latin-1 label on Cyrillic bytes is a default, not a statement: detected instead.
    assert "Казахстан и Россия" in decode_html(ru.encode("cp1251"), declared="iso-8859-1")
    # No label at all: Kazakh in kz1048 is told from Russian in cp1251.
    bare = page.replace("<meta charset='windows-1251'>", "")
    assert "Қазақстан мен Ресей" in decode_html(bare.encode("kz1048"))
    # KZ-1048 bytes under a windows-1251 label: the Kazakh letters are kept.
    assert "Қазақстан мен Ресей" in decode_html(page.encode("kz1048"))
