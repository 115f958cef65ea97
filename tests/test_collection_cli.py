"""`egiz pair`, `egiz mine`, `egiz export` and the options every command shares, as a user runs
them: languages declared or detected, codes normalised, files read by content, nothing read is an
error, a broken installation is not bad input, -o handled the same way everywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from egiz.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "collection"


def run(*args: str | Path, monkeypatch: pytest.MonkeyPatch, capsys) -> tuple[int, str, str]:
    """`egiz ARGS` in-process through the console entry point: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["egiz", *map(str, args)])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def error_line(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.startswith("egiz: error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def seed_folders(tmp_path: Path, seeds: tuple[Path, Path]) -> tuple[Path, Path]:
    kk, ru = tmp_path / "kk", tmp_path / "ru"
    kk.mkdir()
    ru.mkdir()
    shutil.copy(seeds[0], kk / "seed.txt")
    shutil.copy(seeds[1], ru / "seed.txt")
    return kk, ru


PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
</head><body><nav><a href="/">{home}</a> | <a href="/news">{news}</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<div class="typo">{typo}</div><footer>© 2024 {rights} | {views}: 1234</footer></body></html>"""
CHROME = {
    "kk": dict(home="Басты бет", news="Жаңалықтар", typo="Қатені байқадыңыз ба?",
               rights="Барлық құқықтар қорғалған", views="Қаралым"),
    "ru": dict(home="Главная", news="Новости", typo="Нашли ошибку?",
               rights="Все права защищены", views="Просмотров"),
}  # fmt: skip


def as_page(text: str, lang: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{p.strip()}</p>" for p in paragraphs[1:])
    return PAGE.format(lang=lang, title=paragraphs[0].strip(), paragraphs=body, **CHROME[lang])


@pytest.mark.parametrize("form", ["txt", "html", "no-extension"])
def test_pair_finds_the_seed_pair_alone(
    form: str, tmp_path: Path, seeds: tuple[Path, Path], monkeypatch, capsys
) -> None:
    """Two folders holding just the seed article, as text, as pages with site chrome, and as
    files without an extension: one pair (no population needed)."""
    for lang, path in zip(("kk", "ru"), seeds, strict=True):
        folder = tmp_path / lang
        folder.mkdir()
        text = path.read_text(encoding="utf-8")
        if form == "txt":
            (folder / "seed.txt").write_text(text, encoding="utf-8")
        elif form == "html":
            (folder / "seed.html").write_text(as_page(text, lang), encoding="utf-8")
        else:
            (folder / "seed").write_text(as_page(text, lang), encoding="utf-8")
    code, out, err = run(
        "pair", tmp_path / "kk", tmp_path / "ru", "--encoder", "trigram",
        monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert [line.split("\t")[:2] for line in out.splitlines()] == [["seed", "seed"]]
    assert "1 pairs" in err and "no problems" in err


def test_declared_sides_and_language_codes(seed_folders, monkeypatch, capsys) -> None:
    kk, ru = seed_folders
    for args in (
        [f"kaz={kk}", f"rus={ru}", "--src-lang", "KAZ", "--tgt-lang", "ru-RU"],
        ["--src-dir", kk, "--tgt-dir", ru, "--src-lang", "kk-KZ", "--tgt-lang", "rus"],
    ):
        code, out, err = run("pair", *args, "--encoder", "trigram", monkeypatch=monkeypatch,
                             capsys=capsys)  # fmt: skip
        assert code == 0, err
        assert out.startswith("seed\tseed\t")
    code, _, err = run("pair", kk, ru, "--src-lang", "xx", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "unknown language code 'xx'" in err
    code, _, err = run("pair", f"en={kk}", ru, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "en is neither --src-lang (kk) nor --tgt-lang (ru)" in error_line(err)


def test_swapped_and_identical_sides_warn(seed_folders, monkeypatch, capsys) -> None:
    kk, ru = seed_folders
    code, _, err = run("pair", ru, kk, "--encoder", "trigram", monkeypatch=monkeypatch,
                       capsys=capsys)  # fmt: skip
    assert code == 0 and "the kk side reads as Russian" in err and "swapped" in err
    code, _, err = run("pair", kk, kk, "--encoder", "trigram", monkeypatch=monkeypatch,
                       capsys=capsys)  # fmt: skip
    assert code == 0 and "is given for both sides" in err
    assert "the same text on both sides" in err


def test_reading_nothing_is_an_error(tmp_path: Path, monkeypatch, capsys) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "logo").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (crawl / "style.css").write_text("body { color: red }", encoding="utf-8")
    store = tmp_path / "corpus.db"
    code, _, err = run("mine", crawl, "--store", store, "--encoder", "trigram", "-q",
                       monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    line = error_line(err)
    assert code == 2 and "read no documents" in line and "skipped 2" in line
    assert not store.exists()  # no empty store left behind
    code, _, err = run("pair", crawl, "--encoder", "trigram", monkeypatch=monkeypatch,
                       capsys=capsys)  # fmt: skip
    assert code == 2 and "nothing to pair" in error_line(err) and "skipped 2" in err


def test_mine_names_its_first_problems(tmp_path: Path, monkeypatch, capsys) -> None:
    code, out, err = run("mine", FIXTURES, "--store", tmp_path / "c.db", "--encoder", "trigram",
                         "-q", monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert code == 0, err
    assert "problems: boilerplate 1, duplicate 3, empty 2, malformed 3, skipped 1" in out
    assert "problem: " in out and "README.md: skipped" in out


def test_mine_refuses_other_settings_unless_told(seed_folders, tmp_path, monkeypatch, capsys):
    kk, ru = seed_folders
    store = tmp_path / "c.db"
    base = ["mine", f"kk={kk}", f"ru={ru}", "--store", store, "--encoder", "trigram", "-q"]
    assert run(*base, monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    code, _, err = run(*base, "--preset", "accurate", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "--reuse-settings" in error_line(err)
    code, _, err = run(*base, "--preset", "accurate", "--reuse-settings",
                       monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert code == 0, err
    code, _, err = run(*base[:-3], "--src-lang", "ru", "--tgt-lang", "kk", "--encoder", "trigram",
                       monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert code == 2 and "holds kk-ru" in error_line(err)


def test_output_paths_are_handled_alike(seed_folders, tmp_path, monkeypatch, capsys) -> None:
    kk, ru = seed_folders
    store = tmp_path / "c.db"
    assert run("mine", kk, ru, "--store", store, "--encoder", "trigram", "-q",
               monkeypatch=monkeypatch, capsys=capsys)[0] == 0  # fmt: skip
    folder = tmp_path / "out"
    folder.mkdir()
    for args in (
        ["export", "--store", store, "-f", "tsv", "-o", folder],
        ["align", kk / "seed.txt", ru / "seed.txt", "--encoder", "trigram", "-o", folder],
        ["pair", kk, ru, "--encoder", "trigram", "-o", folder],
        ["diff", "--store", store, "-o", folder],
    ):
        code, _, err = run(*args, monkeypatch=monkeypatch, capsys=capsys)
        assert code == 2 and "is a directory" in error_line(err), args
    assert list(folder.iterdir()) == []  # nothing partial left behind
    # Missing parent folders are created, by every command.
    for args, out in (
        (["export", "--store", store, "-f", "tsv"], tmp_path / "a" / "corpus.tsv"),
        (["align", kk / "seed.txt", ru / "seed.txt", "--encoder", "trigram"], tmp_path / "b" / "x"),
        (["pair", kk, ru, "--encoder", "trigram"], tmp_path / "c" / "pairs.tsv"),
    ):
        code, _, err = run(*args, "-o", out, monkeypatch=monkeypatch, capsys=capsys)
        assert code == 0 and out.is_file(), err
        assert not list(out.parent.glob("*.part"))


def test_per_side_encodings(tmp_path: Path, seeds: tuple[Path, Path], monkeypatch, capsys):
    """A kz1048 Kazakh file next to a UTF-8 Russian one: each side gets its own codec."""
    kk, ru = tmp_path / "kk.txt", tmp_path / "ru.txt"
    kk.write_bytes(seeds[0].read_text(encoding="utf-8").encode("kz1048"))
    shutil.copy(seeds[1], ru)
    code, out, err = run(
        "align", kk, ru, "--encoder", "trigram", "--src-encoding", "kz1048", "--tgt-encoding",
        "utf-8", monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "Сұлтанғазиев" in out and "Султангазиев" in out
    code, _, err = run(
        "align", kk, ru, "--encoder", "trigram", "--encoding", "cp1251", "--tgt-encoding",
        "utf-8", monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    assert code == 0  # cp1251 for the kk file only: the ru file stays intact


def test_a_broken_installation_is_not_bad_input(tmp_path: Path, seed_folders) -> None:
    """lxml >= 5.2 without lxml_html_clean: jusText's import fails inside trafilatura. Reading
    HTML is one fatal line (exit 3), not a "malformed" problem per page and exit 0."""
    kk, _ = seed_folders
    (kk / "page.html").write_text(as_page((kk / "seed.txt").read_text("utf-8"), "kk"), "utf-8")
    fake = tmp_path / "site"
    fake.mkdir()
    (fake / "trafilatura.py").write_text(
        "raise ImportError('lxml.html.clean module is now a separate project lxml_html_clean.')\n"
    )
    env = {"PYTHONPATH": str(fake), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "egiz.cli", "mine", str(kk), "--store", str(tmp_path / "c.db"),
         "--encoder", "trigram", "-q"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    line = error_line(proc.stderr)
    assert "broken installation" in line and "lxml_html_clean" in line
    assert "pip install lxml_html_clean" in line


def test_every_file_written_is_named(seed_folders, tmp_path, monkeypatch, capsys) -> None:
    """The message of a command that writes files names each one: all of moses' (two sides and
    the provenance table), the one file of the other formats, and every -o."""
    kk, ru = seed_folders
    store = tmp_path / "c.db"
    code, out, err = run("mine", kk, ru, "--store", store, "--encoder", "trigram", "-q",
                         monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert code == 0 and f"store {store}:" in out, err
    prefix = tmp_path / "x" / "corpus"
    code, _, err = run("export", "--store", store, "-f", "moses", "-o", prefix,
                       monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    moses = [tmp_path / "x" / f"corpus.{end}" for end in ("kk", "ru", "provenance.tsv")]
    assert code == 0 and all(p.is_file() for p in moses), err
    assert err.strip().endswith(f"records to {moses[0]}, {moses[1]} and {moses[2]}")
    assert sorted((tmp_path / "x").iterdir()) == sorted(moses)  # and nothing else
    for fmt in ("parquet", "tsv", "jsonl", "tmx"):
        target = tmp_path / f"corpus.{fmt}"
        code, _, err = run("export", "--store", store, "-f", fmt, "-o", target,
                           monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
        assert code == 0 and target.is_file() and err.strip().endswith(f"records to {target}")
    pairs, report, latin = tmp_path / "pairs.tsv", tmp_path / "d.html", tmp_path / "latn.txt"
    for args, target in (
        (["pair", kk, ru, "--encoder", "trigram", "-o", pairs], pairs),
        (["diff", "--store", store, "-f", "html", "-o", report], report),
        (["translit", kk / "seed.txt", "--to", "latn2021", "-o", latin], latin),
    ):
        code, out, err = run(*args, monkeypatch=monkeypatch, capsys=capsys)
        assert code == 0 and out == "" and target.is_file(), err
        assert err.strip().splitlines()[-1].endswith(f"wrote {target}"), err
