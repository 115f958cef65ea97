"""The `egiz` command: align in every format, split, eval, bad input, encodings and the cache.

Most tests run the CLI in-process (typer's CliRunner); the bad-input tests run it as a real
subprocess, as a user would, to check exit codes and that stderr is one line and no traceback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import egiz
from egiz.cli import app
from egiz.embed import TrigramEncoder, last_embed_stats
from egiz.errors import EgizError
from egiz.export import TSV_HEADER, format_bead

TEXTBERG = Path(__file__).resolve().parents[2] / "shared" / "data" / "textberg-de-fr"
BEAD_LINE = re.compile(r"^\[[\d, ]*\]:\[[\d, ]*\]:-?\d+\.\d+$")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
N_KK, N_RU = 17, 26

runner = CliRunner()


def invoke(*args: str | Path, input: bytes | None = None):
    """Run `egiz ARGS` in-process; fail with its output unless it exits 0."""
    result = runner.invoke(app, [str(a) for a in args], input=input)
    assert result.exit_code == 0, (result.exception, result.stdout, result.stderr)
    return result


def egiz_process(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egiz.cli", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture(scope="module")
def api_result(seeds):
    """The seed alignment through the Python API: what every CLI format must show."""
    kk, ru = (p.read_text(encoding="utf-8") for p in seeds)
    return egiz.align(kk, ru, encoder="trigram")


def _aligned(result) -> list:
    return [b for b in result.beads if not b.is_omission]


def _parse_ids(field: str) -> list[int]:
    return [int(i) for i in field.split(",")] if field else []


def _assert_covers_once(pairs: list[tuple[list[int], list[int]]]) -> None:
    src = [i for s, _ in pairs for i in s]
    tgt = [j for _, t in pairs for j in t]
    assert src == list(range(N_KK)) and tgt == list(range(N_RU))


# -- align: every format ---------------------------------------------------------------------------


def test_align_beads(seeds, api_result) -> None:
    result = invoke("align", *seeds, "--encoder", "trigram", "-f", "beads")
    lines = result.stdout.splitlines()
    assert lines and all(BEAD_LINE.match(line) for line in lines), lines
    pairs = []
    for line in lines:
        src, tgt, _score = line.split(":")
        pairs.append((json.loads(src), json.loads(tgt)))
    _assert_covers_once(pairs)
    assert lines == [format_bead(b) for b in api_result.beads]
    # the summary goes to stderr, never into the data
    assert result.stderr.startswith(f"egiz: {N_KK} kk and {N_RU} ru sentences -> beads:")


def test_align_tsv(seeds, api_result) -> None:
    lines = invoke("align", *seeds, "--encoder", "trigram").stdout.splitlines()  # tsv: default
    assert lines[0].split("\t") == list(TSV_HEADER)
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == len(TSV_HEADER) for row in rows)
    pairs = [(_parse_ids(row[0]), _parse_ids(row[1])) for row in rows]
    _assert_covers_once(pairs)
    for (src, tgt), row in zip(pairs, rows, strict=True):
        assert row[2] == f"{len(src)}-{len(tgt)}"
        assert bool(row[4]) == bool(src) and bool(row[5]) == bool(tgt)
        if not src or not tgt:
            assert float(row[3]) == 0.0
    assert {row[2] for row in rows} >= {"1-1", "1-0", "0-1"}
    assert len(rows) == len(api_result.beads)


def test_align_jsonl(seeds, api_result) -> None:
    lines = invoke("align", *seeds, "--encoder", "trigram", "-f", "jsonl").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    _assert_covers_once([(r["src_ids"], r["tgt_ids"]) for r in records])
    for record, bead in zip(records, api_result.beads, strict=True):
        assert record["kind"] == bead.kind
        assert (record["src_lang"], record["tgt_lang"]) == ("kk", "ru")
        assert record["src_text"] == api_result.src_text(bead)
        assert record["tgt_text"] == api_result.tgt_text(bead)
        assert bool(record["src_text"]) == bool(bead.src)
        assert bool(record["tgt_text"]) == bool(bead.tgt)
    assert any("177 экспортных контрактов" in r["tgt_text"] for r in records)


def test_align_tmx(seeds, api_result) -> None:
    out = invoke("align", *seeds, "--encoder", "trigram", "-f", "tmx").stdout
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert root.find("header").get("srclang") == "kk"
    units = root.findall("./body/tu")
    assert len(units) == len(_aligned(api_result))  # tmx holds aligned beads only
    for tu, bead in zip(units, _aligned(api_result), strict=True):
        tuvs = tu.findall("tuv")
        assert [tuv.get(XML_LANG) for tuv in tuvs] == ["kk", "ru"]
        assert [tuv.findtext("seg") for tuv in tuvs] == [
            api_result.src_text(bead),
            api_result.tgt_text(bead),
        ]


def test_align_moses_and_min_score(seeds, api_result, tmp_path: Path) -> None:
    prefix = tmp_path / "corpus"
    invoke("align", *seeds, "--encoder", "trigram", "-f", "moses", "-o", prefix)
    kk = (tmp_path / "corpus.kk").read_text(encoding="utf-8").splitlines()
    ru = (tmp_path / "corpus.ru").read_text(encoding="utf-8").splitlines()
    aligned = _aligned(api_result)
    assert len(kk) == len(ru) == len(aligned) >= 5
    assert kk == [api_result.src_text(b) for b in aligned]
    assert ru == [api_result.tgt_text(b) for b in aligned]

    scores = sorted(b.score for b in aligned)
    cut = (scores[len(scores) // 2] + scores[len(scores) // 2 + 1]) / 2  # keeps the upper half
    kept = sum(score >= cut for score in scores)
    assert 0 < kept < len(aligned)

    high = tmp_path / "high"
    args = ("--encoder", "trigram", "--min-score", f"{cut:.6f}")
    invoke("align", *seeds, *args, "-f", "moses", "-o", high)
    assert len((tmp_path / "high.kk").read_text(encoding="utf-8").splitlines()) == kept
    assert len((tmp_path / "high.ru").read_text(encoding="utf-8").splitlines()) == kept

    # tsv drops the low-scoring aligned beads and keeps every omission
    rows = [r.split("\t") for r in invoke("align", *seeds, *args).stdout.splitlines()[1:]]
    omissions = [r for r in rows if r[2] in ("1-0", "0-1")]
    assert len(omissions) == sum(b.is_omission for b in api_result.beads)
    assert len(rows) - len(omissions) == kept
    assert all(float(r[3]) >= cut for r in rows if r not in omissions)


def test_align_output_file_and_stdin(seeds, tmp_path: Path) -> None:
    kk_path, ru_path = seeds
    stdout = invoke("align", kk_path, ru_path, "--encoder", "trigram", "-q").stdout
    out = tmp_path / "out.tsv"
    to_file = invoke("align", kk_path, ru_path, "--encoder", "trigram", "-q", "-o", out)
    assert to_file.stdout == "" and to_file.stderr == ""  # -q: no summary either
    assert out.read_text(encoding="utf-8") == stdout

    from_stdin = invoke(
        "align", "-", ru_path, "--encoder", "trigram", "-q", input=kk_path.read_bytes()
    )
    assert from_stdin.stdout == stdout
    from_stdin = invoke(
        "align", kk_path, "-", "--encoder", "trigram", "-q", input=ru_path.read_bytes()
    )
    assert from_stdin.stdout == stdout

    both = runner.invoke(app, ["align", "-", "-", "--encoder", "trigram"], input=b"")
    assert isinstance(both.exception, EgizError) and "stdin" in str(both.exception)


# -- diff ------------------------------------------------------------------------------------------


@pytest.mark.e5
def test_diff_json_and_html(seeds, tmp_path: Path) -> None:
    kk_path, ru_path = seeds
    # e5: the trigram encoder (tests, no model) is too weak to tell this paragraph is missing
    out = invoke("diff", kk_path, ru_path, "-f", "json", "-q").stdout
    report = json.loads(out)
    covered = {i for block in report["only_tgt"] for i in block["sentences"]}
    assert {12, 13} <= covered  # the paragraph on special economic zones has no Kazakh side
    assert 0 < report["coverage_src"] <= 1 and 0 < report["coverage_tgt"] < 1
    page = tmp_path / "diff.html"
    invoke("diff", kk_path, ru_path, "-f", "html", "-o", page, "-q", "--encoder", "trigram")
    html = page.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "http" not in html
    assert "Подмосковье будет развивать" in html


# -- split -----------------------------------------------------------------------------------------


def test_split(seeds) -> None:
    kk_path, ru_path = seeds
    for path, lang, count in ((kk_path, "kk", N_KK), (ru_path, "ru", N_RU)):
        lines = invoke("split", path, "--lang", lang).stdout.splitlines()
        sentences = [line for line in lines if line]
        assert len(sentences) == count
        assert all(s == s.strip() for s in sentences)
    ru_lines = invoke("split", ru_path, "--lang", "ru").stdout.splitlines()
    assert ru_lines[0] == (
        "Подмосковье будет развивать совместные проекты с Алматинской областью Казахстана"
    )
    assert "" in ru_lines  # paragraphs are kept apart by a blank line


# -- eval ------------------------------------------------------------------------------------------


def test_eval_gold_against_itself(tmp_path: Path) -> None:
    gold = TEXTBERG / "test0.defr"
    text = invoke("eval", gold, gold).stdout.splitlines()
    for key in ("precision", "recall", "f1"):
        line = next(line for line in text if line.startswith(key))
        assert line.split()[1:] == ["1.000", "1.000"]
    scores = json.loads(invoke("eval", gold, gold, "--json").stdout)
    for mode in ("strict", "lax"):
        assert scores[mode] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert scores["documents"] == 1 and scores["gold_beads"] == scores["test_beads"] == 128


def test_eval_modified_copy(tmp_path: Path) -> None:
    """Text+Berg test0.defr: 128 beads, 18 of them deletions, 110 with both sides. The copy:

    * [0]:[0, 1]          -> [0]:[0] and []:[1]   (split off a wrong deletion)
    * [1]:[2] and [2]:[3] -> [1, 2]:[2, 3]        (merged)
    * []:[51]             -> left out             (a missed deletion)

    Precision, over the copy's 127 beads: 124 are gold beads; lax adds [0]:[0] and
    [1, 2]:[2, 3] (they share a link with gold), []:[1] has no link -> 124/127 and 126/127.
    Recall, over gold's 110 beads with both sides: all but [0]:[0, 1], [1]:[2], [2]:[3] are in
    the copy; those three share a link with it -> 107/110 and 110/110.
    """
    gold = TEXTBERG / "test0.defr"
    lines = gold.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["[0]:[0, 1]", "[1]:[2]", "[2]:[3]"] and "[]:[51]" in lines
    modified = ["[0]:[0]", "[]:[1]", "[1, 2]:[2, 3]", *(x for x in lines[3:] if x != "[]:[51]")]
    test = tmp_path / "test0.modified"
    test.write_text("\n".join(modified) + "\n", encoding="utf-8")

    scores = json.loads(invoke("eval", gold, test, "--json").stdout)
    p_strict, r_strict, p_lax, r_lax = 124 / 127, 107 / 110, 126 / 127, 1.0
    assert scores["strict"] == pytest.approx(
        {
            "precision": p_strict,
            "recall": r_strict,
            "f1": 2 * p_strict * r_strict / (p_strict + r_strict),
        }
    )
    assert scores["lax"] == pytest.approx(
        {"precision": p_lax, "recall": r_lax, "f1": 2 * p_lax * r_lax / (p_lax + r_lax)}
    )
    assert (scores["gold_beads"], scores["test_beads"]) == (128, 127)
    text = invoke("eval", gold, test).stdout.splitlines()
    assert text[1].split() == ["precision", f"{p_strict:.3f}", f"{p_lax:.3f}"]
    assert text[2].split() == ["recall", f"{r_strict:.3f}", f"{r_lax:.3f}"]


PAGES = Path(__file__).parent / "fixtures" / "collection" / "pages"


def test_align_reads_the_article_of_saved_pages() -> None:
    """Two saved pages of one news item: their titles and paragraphs are aligned, not their
    menus, currency bar, typo-report line or footer (read as `egiz mine` reads pages)."""
    result = invoke(
        "align", PAGES / "kk-school.html", PAGES / "ru-school.html", "--encoder", "trigram",
        "-f", "jsonl",
    )  # fmt: skip
    beads = [json.loads(line) for line in result.stdout.splitlines()]
    pairs = [(b["src_text"], b["tgt_text"]) for b in beads]
    assert pairs[0] == (
        "Астанада 1200 орындық жаңа мектеп ашылды",
        "В Астане открылась новая школа на 1200 мест",
    )
    assert len(beads) == 9 and all(b["src_text"] and b["tgt_text"] for b in beads)
    texts = " ".join(a + " " + b for a, b in pairs)
    for furniture in ("Басты бет", "Главная", "USD", "Ctrl+Enter", "Elorda Aqparat"):
        assert furniture not in texts
    split = invoke("split", PAGES / "ru-school.html", "--lang", "ru").stdout
    assert split.splitlines()[0] == "В Астане открылась новая школа на 1200 мест"


# -- bad input: real subprocesses ------------------------------------------------------------------


def _one_line(stderr: str, prefix: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(prefix), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "no such file"),
        ("binary", "binary"),
        ("moses-without-o", "-o"),
        ("bad-encoding", "unknown encoding"),
        ("eval-odd", "even number"),
        ("eval-malformed", "line 2"),
        ("page-without-article", "the HTML page has no article text"),
        ("collection-file", "a JSONL file holds a collection, not one text"),
    ],
)
def test_bad_input_exits_2_with_one_line(case: str, message: str, seeds, tmp_path: Path) -> None:
    kk_path, ru_path = seeds
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    beads = tmp_path / "bad.beads"
    beads.write_text("[0]:[0]\n[1]:[1, 2:0.5\n", encoding="utf-8")
    good = tmp_path / "good.beads"
    good.write_text("[0]:[0]\n", encoding="utf-8")
    args = {
        "missing": ("align", tmp_path / "nope.txt", ru_path, "--encoder", "trigram"),
        "binary": ("align", binary, ru_path, "--encoder", "trigram"),
        "moses-without-o": ("align", kk_path, ru_path, "--encoder", "trigram", "-f", "moses"),
        "bad-encoding": ("align", kk_path, ru_path, "--encoder", "trigram", "--encoding", "x"),
        "eval-odd": ("eval", good, good, good),
        "eval-malformed": ("eval", beads, good),
        "page-without-article": ("align", PAGES / "menu-only.html", ru_path, "--encoder", "e5"),
        "collection-file": ("align", PAGES.parent / "articles.jsonl", ru_path, "--encoder", "e5"),
    }[case]
    proc = egiz_process(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    line = _one_line(proc.stderr, "egiz: error: ")
    assert message in line
    assert list(tmp_path.glob("*.kk")) == []  # nothing half-written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("align",), "Missing argument 'KK_FILE'"),
        (("align", "a.txt", "b.txt", "--format", "xyz"), "'xyz' is not one of"),
        (("align", "a.txt", "b.txt", "--nosuch"), "No such option: --nosuch"),
        (("nosuch",), "No such command 'nosuch'"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: tuple[str, ...], message: str, tmp_path: Path):
    """click's own usage errors read like egiz's: one line, the help to see, exit code 2."""
    proc = egiz_process(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    line = _one_line(proc.stderr, "egiz: error: ")
    assert message in line
    assert "--help" in line


def test_python_dash_m_egiz(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "egiz", "split", "-", "--lang", "kk"],
        input="Бүгін күн жылы. Ертең жаңбыр жауады.",
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:2] == ["Бүгін күн жылы.", "Ертең жаңбыр жауады."]


def test_empty_file_against_seed_subprocess(seeds, tmp_path: Path) -> None:
    _, ru_path = seeds
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = egiz_process(
        "align", empty, ru_path, "--encoder", "trigram", "-f", "beads", "-q", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    line = _one_line(proc.stderr, "egiz: warning: ")
    assert "empty" in line
    assert proc.stdout.splitlines() == [f"[]:[{j}]:0.000000" for j in range(N_RU)]


# -- encodings -------------------------------------------------------------------------------------


def test_legacy_and_utf16_encodings_align_identically(seeds, tmp_path: Path) -> None:
    kk_path, ru_path = seeds
    reference = invoke("align", kk_path, ru_path, "--encoder", "trigram", "-f", "beads").stdout
    kk_text = kk_path.read_text(encoding="utf-8")
    ru_text = ru_path.read_text(encoding="utf-8")
    kk_1048 = tmp_path / "kk.kz1048.txt"
    kk_1048.write_bytes(kk_text.encode("kz1048"))
    ru_1251 = tmp_path / "ru.cp1251.txt"
    ru_1251.write_bytes(ru_text.encode("cp1251"))
    ru_utf16 = tmp_path / "ru.utf16.txt"
    ru_utf16.write_bytes(ru_text.encode("utf-16"))
    kk_utf16 = tmp_path / "kk.utf16le.txt"
    kk_utf16.write_bytes(kk_text.encode("utf-16-le"))  # no BOM
    for src, tgt in ((kk_1048, ru_1251), (kk_1048, ru_utf16), (kk_utf16, ru_path)):
        beads = invoke("align", src, tgt, "--encoder", "trigram", "-f", "beads").stdout
        assert beads == reference, (src.name, tgt.name)
    # text, not only bead ids: the Kazakh letters survived
    jsonl = invoke("align", kk_1048, ru_1251, "--encoder", "trigram", "-f", "jsonl").stdout
    assert "Сұлтанғазиев" in jsonl and "Воробьёв" in jsonl


# -- the embedding cache ---------------------------------------------------------------------------


@pytest.fixture
def counting_trigram(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count texts through TrigramEncoder.encode, and let it be cached (the real one is never
    cached: it is cheaper to recompute than to store)."""
    counts: list[int] = []
    real_encode = TrigramEncoder.encode

    def encode(self, texts):
        counts.append(len(texts))
        return real_encode(self, texts)

    monkeypatch.setattr(TrigramEncoder, "encode", encode)
    monkeypatch.setattr(TrigramEncoder, "cacheable", True, raising=False)
    return counts


def test_second_run_encodes_nothing(seeds, egiz_cache_dir: Path, counting_trigram) -> None:
    args = ("align", *seeds, "--encoder", "trigram", "-f", "beads")
    first = invoke(*args).stdout
    assert sum(counting_trigram) >= N_KK + N_RU
    assert (egiz_cache_dir / "embeddings.sqlite").is_file()
    counting_trigram.clear()
    second = invoke(*args).stdout
    assert counting_trigram == []
    stats = last_embed_stats()
    assert stats is not None and stats.encoded == 0
    assert second == first


def test_no_cache_writes_no_database(
    seeds, egiz_cache_dir: Path, counting_trigram, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("align", *seeds, "--encoder", "trigram", "-f", "beads", "--no-cache")
    first = invoke(*args).stdout
    encoded = sum(counting_trigram)
    assert encoded >= N_KK + N_RU
    counting_trigram.clear()
    assert invoke(*args).stdout == first
    assert sum(counting_trigram) == encoded  # nothing was remembered
    assert list(egiz_cache_dir.iterdir()) == []


# -- help ------------------------------------------------------------------------------------------

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
# typer's own notation, which says nothing to a user: `{src}` for a required argument, `<bool>`,
# `<str>`, `<list[str]>`, `<int range>`, `<fast|accurate>` for values
TYPER_PLACEHOLDER = re.compile(r"\{\w+\}|<[\w|\[\], ]+>")


def _help(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"}, prog_name="egiz")
    assert result.exit_code == 0, result.output
    return "\n".join(line.rstrip() for line in result.stdout.splitlines())


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_reads_well(command: str) -> None:
    """No typer placeholders in any --help, and every argument and option says what it does."""
    text = _help(*([command] if command else []))
    assert not TYPER_PLACEHOLDER.findall(text), TYPER_PLACEHOLDER.findall(text)
    group = typer.main.get_command(app)
    cmd = group.commands[command] if command else group  # type: ignore[attr-defined]
    ctx = cmd.make_context(command or "egiz", ["--help"], resilient_parsing=True)
    for param in cmd.get_params(ctx):
        assert (param.help or "").strip(), f"egiz {command}: {param.name} has no help"
        if param.param_type_name == "option" and not param.is_flag:
            assert param.metavar, f"egiz {command}: {param.opts} shows typer's type, not a name"


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("align", "egiz align [OPTIONS] KK_FILE RU_FILE"),
        ("diff", "egiz diff [OPTIONS] [KK_FILE] [RU_FILE]"),
        ("review", "egiz review [OPTIONS] [KK_FILE] [RU_FILE]"),
        ("split", "egiz split [OPTIONS] FILE"),
        ("eval", "egiz eval [OPTIONS] GOLD TEST [GOLD TEST]..."),
        ("pair", "egiz pair [OPTIONS] [SOURCE...]"),
        ("mine", "egiz mine [OPTIONS] [SOURCE...]"),
    ],
)
def test_usage_names_the_arguments(command: str, usage: str) -> None:
    assert f"Usage: {usage}\n" in _help(command)


def test_flags_show_as_flags() -> None:
    assert re.search(r"--include-filtered +Also write", _help("export"))
    # an option that is off unless given needs no --no-… twin
    assert not re.findall(r"--no-(?!cache)[\w-]+", _help("export") + _help("mine") + _help("align"))
    assert re.search(r"--json +Print the summary", _help("mine"))


def test_preset_help_says_the_budgets_of_the_presets() -> None:
    from egiz.align import PRESETS, AlignParams

    fast = AlignParams.preset("fast").joined_budget
    accurate = AlignParams.preset("accurate").joined_budget
    assert set(PRESETS) == {"fast", "accurate"} and fast < accurate
    said = f"budget of {fast} times the input's characters; accurate: within {accurate} times"
    group = typer.main.get_command(app)
    for name in ("align", "diff", "review", "mine"):
        (preset,) = [p for p in group.commands[name].params if p.name == "preset"]  # type: ignore[attr-defined]
        assert said in " ".join((preset.help or "").split()), name


def test_readme_lists_every_option() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    missing = []
    for name in COMMANDS:
        cmd = group.commands[name]  # type: ignore[attr-defined]
        for param in cmd.params:
            for opt in [*param.opts, *param.secondary_opts]:
                if opt.startswith("--") and f"`{opt}" not in readme:
                    missing.append(f"egiz {name} {opt}")
    assert missing == []


# -- messages --------------------------------------------------------------------------------------


def test_align_moses_message_names_both_files(seeds, tmp_path: Path) -> None:
    prefix = tmp_path / "out" / "corpus"
    result = invoke("align", *seeds, "--encoder", "trigram", "-f", "moses", "-o", prefix)
    kk, ru = tmp_path / "out" / "corpus.kk", tmp_path / "out" / "corpus.ru"
    assert kk.is_file() and ru.is_file() and not prefix.exists()
    assert result.stderr.rstrip().endswith(f"; wrote {kk} and {ru}")


def test_review_on_every_address_prints_urls_one_can_open(
    seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--host 0.0.0.0 listens everywhere, but http://0.0.0.0:PORT/ is no address to open: the
    message gives this machine's name for other machines, and the loopback URL for this one."""
    import socket

    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)  # no serving
    args = ["--store", tmp_path / "r.db", "--encoder", "trigram", "--host", "0.0.0.0", "-q"]
    result = invoke("review", *seeds, *args, "--port", "0")
    urls = [line for line in result.stderr.splitlines() if "http://" in line]
    assert len(urls) == 2 and not any("0.0.0.0" in line for line in urls), result.stderr
    port = urls[0].split(":")[-1].split("/")[0]
    assert urls[0].startswith(f"egiz review: http://{socket.gethostname()}:{port}/?token=")
    assert urls[1].startswith(f"egiz review: on this machine: http://127.0.0.1:{port}/?token=")
    assert urls[0].endswith("#/pair/1") and urls[1].endswith("#/pair/1")
