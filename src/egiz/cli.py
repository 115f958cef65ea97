"""The `egiz` command: a thin shell over the Python API (parsing and printing only)."""

from __future__ import annotations

import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from egiz.alignment import Alignment
from egiz.errors import EgizError, InstallationError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Align the Kazakh and Russian versions of a text into parallel sentences.",
)


class AlignFormat(str, Enum):
    beads = "beads"
    tsv = "tsv"
    jsonl = "jsonl"
    tmx = "tmx"
    moses = "moses"


class DiffFormat(str, Enum):
    text = "text"
    html = "html"
    json = "json"


class ScoreFormat(str, Enum):
    text = "text"
    json = "json"


# Options several commands share.
EncoderOption = Annotated[str, typer.Option(help="e5 | trigram | st:PATH (local model).")]
EncodingOption = Annotated[
    str | None, typer.Option(help="Force the input encoding of both sides (default: detect).")
]
SrcEncodingOption = Annotated[
    str | None, typer.Option(help="Force the encoding of SRC only (default: detect).")
]
TgtEncodingOption = Annotated[
    str | None, typer.Option(help="Force the encoding of TGT only (default: detect).")
]


def _output_path(path: Path) -> Path:
    """Every command's -o: a file name. A directory is an error (before any work is done);
    missing parent folders are created when the file is written."""
    from egiz.export import check_output_path

    return check_output_path(path)


def _write_atomic(path: Path, text: str) -> None:
    from egiz.export import atomic_output

    with atomic_output(path) as out:
        out.write(text)


class Preset(str, Enum):
    fast = "fast"
    accurate = "accurate"


PresetOption = Annotated[
    Preset,
    typer.Option(
        help="fast: embed each sentence once; accurate: also re-check merges and omissions "
        "with joined sentences (~1.5 more encoder calls per sentence)."
    ),
]


ScriptOption = Annotated[
    str,
    typer.Option(
        help="Script of the Kazakh text: auto (detect) | cyrl | latn2021 | latn2018 | latn2017 "
        "| arab."
    ),
]


def _script(value: str, option: str, *, auto: bool = True) -> str:
    """`value` if it names a script (or auto), else a one-line user error naming `option`."""
    from egiz.text.script import SCRIPTS

    allowed = (("auto",) if auto else ()) + SCRIPTS
    if value not in allowed:
        raise EgizError(f"unknown script {value!r} for {option}: expected {' | '.join(allowed)}")
    return value


def _params(preset: Preset, **overrides: Any) -> Any:
    from egiz.align import AlignParams

    return AlignParams.preset(preset.value, **overrides)


def _warn(message: str) -> None:
    print(f"egiz: warning: {message}", file=sys.stderr)


def _encodings(
    encoding: str | None, src_encoding: str | None, tgt_encoding: str | None
) -> tuple[str | None, str | None]:
    """Per-side encodings: --src-encoding/--tgt-encoding, else --encoding for both."""
    return src_encoding or encoding, tgt_encoding or encoding


def _align_files(
    src: str,
    tgt: str,
    encodings: tuple[str | None, str | None],
    *,
    quiet: bool,
    **options: Any,
) -> Alignment:
    """Read two files (one may be stdin) and align them; print the alignment's warnings."""
    from egiz.align import align as align_texts
    from egiz.read import read_text

    if src == "-" and tgt == "-":
        raise EgizError("only one of SRC and TGT can be read from stdin")
    result = align_texts(
        read_text(src, encodings[0]),
        read_text(tgt, encodings[1]),
        show_progress=not quiet and sys.stderr.isatty(),
        **options,
    )
    for message in result.warnings:
        _warn(message)
    return result


@app.command()
def align(
    src: Annotated[str, typer.Argument(help="Source text file (Kazakh by default); - for stdin.")],
    tgt: Annotated[str, typer.Argument(help="Target text file (Russian by default).")],
    src_lang: SrcLangOption = "kk",
    tgt_lang: TgtLangOption = "ru",
    presegmented: Annotated[
        bool, typer.Option(help="Inputs have one sentence per line: don't split.")
    ] = False,
    fmt: Annotated[AlignFormat, typer.Option("--format", "-f", help="Output format.")] = (
        AlignFormat.tsv
    ),
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output file (moses: prefix for OUT.kk, OUT.ru)."),
    ] = None,
    encoder: EncoderOption = "e5",
    min_score: Annotated[
        float | None,
        typer.Option(help="Leave out aligned beads scoring below this (omissions are kept)."),
    ] = None,
    max_bead: Annotated[int, typer.Option(min=1, max=6, help="Sentences per bead side.")] = 4,
    preset: PresetOption = Preset.fast,
    encoding: EncodingOption = None,
    src_encoding: SrcEncodingOption = None,
    tgt_encoding: TgtEncodingOption = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Don't use the cache.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    src_script: ScriptOption = "auto",
    tgt_script: ScriptOption = "auto",
) -> None:
    """Align two versions of one text, sentence by sentence."""
    from egiz.export import atomic_output, moses_paths, write_alignment, write_moses

    if fmt is AlignFormat.moses and output is None:
        raise EgizError("--format moses writes two files: give a prefix with -o")
    if output is not None:
        output = _output_path(output)
    result = _align_files(
        src, tgt, _encodings(encoding, src_encoding, tgt_encoding), src_lang=src_lang,
        tgt_lang=tgt_lang, encoder=encoder, presegmented=presegmented,
        params=_params(preset, max_bead=max_bead), cache=not no_cache, quiet=quiet,
        src_script=_script(src_script, "--src-script"),
        tgt_script=_script(tgt_script, "--tgt-script"),
    )  # fmt: skip
    if fmt is AlignFormat.moses:
        assert output is not None
        src_path, tgt_path = moses_paths(output, src_lang, tgt_lang)
        write_moses(result, src_path, tgt_path, min_score=min_score)
    elif output is None:
        write_alignment(result, fmt.value, sys.stdout, min_score=min_score)
    else:
        with atomic_output(output) as out:
            write_alignment(result, fmt.value, out, min_score=min_score)
    if not quiet:
        kinds: dict[str, int] = {}
        for bead in result.beads:
            kinds[bead.kind] = kinds.get(bead.kind, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
        print(
            f"egiz: {len(result.src_sentences)} {src_lang} and {len(result.tgt_sentences)} "
            f"{tgt_lang} sentences -> beads: {summary}",
            file=sys.stderr,
        )


@app.command()
def diff(
    src: Annotated[
        str | None, typer.Argument(help="Source text file (Kazakh by default); - for stdin.")
    ] = None,
    tgt: Annotated[
        str | None, typer.Argument(help="Target text file (Russian by default).")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(help="Instead of two files: every pair of this corpus store, worst first."),
    ] = None,
    src_lang: SrcLangOption = "kk",
    tgt_lang: TgtLangOption = "ru",
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = (
        DiffFormat.text
    ),
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file.")] = None,
    encoder: EncoderOption = "e5",
    paraphrase_below: Annotated[
        float,
        typer.Option(
            help="Aligned beads whose score (probability of a translation) is below this are "
            "listed as paraphrases."
        ),
    ] = 0.5,
    preset: PresetOption = Preset.fast,
    encoding: EncodingOption = None,
    src_encoding: SrcEncodingOption = None,
    tgt_encoding: TgtEncodingOption = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Don't use the cache.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Show where two versions of one article differ: sentences and paragraphs on one side only,
    numbers and names that do not match, probable paraphrases, coverage."""
    from egiz.report import divergences, render_html, render_json, render_rich, render_text

    if output is not None:
        output = _output_path(output)
    if store is not None:
        if src is not None or tgt is not None:
            raise EgizError("give KK RU or --store, not both")
        _diff_store(store, fmt, output, paraphrase_below)
        return
    if src is None or tgt is None:
        raise EgizError("give KK RU (two files) or --store corpus.db")
    result = _align_files(
        src, tgt, _encodings(encoding, src_encoding, tgt_encoding), src_lang=src_lang,
        tgt_lang=tgt_lang, encoder=encoder, params=_params(preset), cache=not no_cache,
        quiet=quiet,
    )  # fmt: skip
    report = divergences(result, paraphrase_below=paraphrase_below)
    if fmt is DiffFormat.text and output is None and sys.stdout.isatty():
        render_rich(report, result)
        return
    if fmt is DiffFormat.html:
        rendered = render_html(report, result)
    elif fmt is DiffFormat.json:
        rendered = render_json(report) + "\n"
    else:
        rendered = render_text(report, result)
    if output is None:
        sys.stdout.write(rendered)
    else:
        _write_atomic(output, rendered)


def _diff_store(store: Path, fmt: DiffFormat, output: Path | None, paraphrase_below: float) -> None:
    from egiz.report.corpus import (
        render_store_html,
        render_store_json,
        render_store_rich,
        render_store_text,
        store_divergences,
    )

    pairs, src_lang, tgt_lang = store_divergences(store, paraphrase_below=paraphrase_below)
    if fmt is DiffFormat.text and output is None and sys.stdout.isatty():
        render_store_rich(pairs, src_lang, tgt_lang)
        return
    if fmt is DiffFormat.html:
        rendered = render_store_html(pairs, src_lang, tgt_lang)
    elif fmt is DiffFormat.json:
        rendered = render_store_json(pairs, src_lang, tgt_lang) + "\n"
    else:
        rendered = render_store_text(pairs, src_lang, tgt_lang)
    if output is None:
        sys.stdout.write(rendered)
    else:
        _write_atomic(output, rendered)


@app.command()
def split(
    file: Annotated[str, typer.Argument(help="Text file; - for stdin.")],
    lang: Annotated[
        str, typer.Option(help="kk, ru, or another language code.", callback=_lang_option)
    ] = "kk",
    encoding: EncodingOption = None,
) -> None:
    """Print one sentence per line (a blank line between paragraphs)."""
    from egiz.read import read_text
    from egiz.text import split_sentences

    sentences = split_sentences(read_text(file, encoding), lang)
    previous = None
    out = sys.stdout
    for sentence in sentences:
        if previous is not None and sentence.paragraph != previous:
            out.write("\n")
        out.write(sentence.text + "\n")
        previous = sentence.paragraph


@app.command()
def translit(
    file: Annotated[str, typer.Argument(help="Kazakh text file; - for stdin.")],
    to: Annotated[str, typer.Option(help="latn2021 | latn2018 | latn2017 | cyrl | arab.")],
    source: Annotated[
        str, typer.Option("--from", help="auto (detect, sentence by sentence) or a script.")
    ] = "auto",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file.")] = None,
    encoding: EncodingOption = None,
) -> None:
    """Write Kazakh text in another script (Cyrillic, Latin 2017/2018/2021, Arabic töte jazu)."""
    from egiz.read import read_text
    from egiz.text.script import transliterate

    target = _script(to, "--to", auto=False)
    text = transliterate(read_text(file, encoding), target, _script(source, "--from"))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8", newline="\n")


@app.command("eval")
def evaluate(
    files: Annotated[
        list[Path], typer.Argument(help="GOLD TEST [GOLD TEST ...] bead files (Vecalign format).")
    ],
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Strict and lax precision, recall and F1 of TEST against GOLD, micro-averaged."""
    from egiz import __version__
    from egiz.evaluate import format_scores, read_beads_file, score_alignments

    if len(files) % 2:
        raise EgizError("give GOLD TEST pairs: an even number of files")
    gold = [read_beads_file(p) for p in files[0::2]]
    test = [read_beads_file(p) for p in files[1::2]]
    scores = score_alignments(gold, test)
    signature = f"egiz:{__version__}|metric:vecalign-strict-lax|docs:{len(gold)}"
    print(format_scores(scores, "json" if json_output else "text", signature))


class _Problems:
    """Collects a reader's problems: the first few are printed with their reasons, then a count
    per kind (the store keeps them all)."""

    SHOWN = 5

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.counts: dict[str, int] = {}
        self.first: list[str] = []

    def __call__(self, problem: object) -> None:
        kind = str(getattr(problem, "kind", "problem"))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if len(self.first) < self.SHOWN:
            self.first.append(str(problem))
            if not self.quiet:
                _warn(str(problem))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """ "3 problems (malformed 2, skipped 1)", or "no problems"."""
        if not self.total:
            return "no problems"
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        more = f"; first {self.SHOWN} shown" if self.total > self.SHOWN else ""
        return f"{self.total} problems ({kinds}{more})"


def _lang_option(value: str) -> str:
    """typer callback: every --src-lang/--tgt-lang/--lang goes through the one normaliser."""
    from egiz.text.langcodes import normalize_lang_code

    try:
        return normalize_lang_code(value)
    except EgizError as exc:
        raise typer.BadParameter(str(exc)) from None


SrcLangOption = Annotated[str, typer.Option(help="Language of SRC.", callback=_lang_option)]
TgtLangOption = Annotated[str, typer.Option(help="Language of TGT.", callback=_lang_option)]
SrcDirOption = Annotated[
    list[str] | None,
    typer.Option("--src-dir", help="A source in --src-lang (repeatable; also LANG=PATH)."),
]
TgtDirOption = Annotated[
    list[str] | None,
    typer.Option("--tgt-dir", help="A source in --tgt-lang (repeatable; also LANG=PATH)."),
]
_DECLARED = re.compile(r"^([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)=(.+)$")


def _declared_sources(
    args: list[str], src_dirs: list[str] | None, tgt_dirs: list[str] | None, src: str, tgt: str
) -> tuple[list[str], list[str], list[str]]:
    """(src, tgt, undeclared) sources. `kk=DIR` (any code of --src-lang or --tgt-lang) and
    --src-dir/--tgt-dir declare a side; an argument that exists as a path is a path."""
    from egiz.text.langcodes import normalize_lang_code

    declared: dict[str, list[str]] = {src: list(src_dirs or []), tgt: list(tgt_dirs or [])}
    plain: list[str] = []
    for arg in args:
        match = _DECLARED.match(arg)
        if match is None or Path(arg).exists():
            plain.append(arg)
            continue
        lang = normalize_lang_code(match.group(1), what=f"language in {arg!r}")
        if lang not in declared:
            raise EgizError(f"{arg}: {lang} is neither --src-lang ({src}) nor --tgt-lang ({tgt})")
        declared[lang].append(match.group(2))
    return declared[src], declared[tgt], plain


def _warn_sides(src_paths: list[str], tgt_paths: list[str]) -> None:
    same = {str(Path(p).resolve()) for p in src_paths} & {str(Path(p).resolve()) for p in tgt_paths}
    for path in sorted(same):
        _warn(f"{path} is given for both sides: pairing a collection with itself")


@app.command()
def pair(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="KK_SOURCE RU_SOURCE, or one mixed source, or LANG=SOURCE ... (folders, or "
            "text/HTML/JSONL/WARC files, read by content)."
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="pairs.tsv")] = None,
    src_lang: Annotated[
        str, typer.Option(help="Language of the first side.", callback=_lang_option)
    ] = "kk",
    tgt_lang: Annotated[
        str, typer.Option(help="Language of the second side.", callback=_lang_option)
    ] = "ru",
    src_dir: SrcDirOption = None,
    tgt_dir: TgtDirOption = None,
    encoder: EncoderOption = "e5",
    threshold: Annotated[
        float | None,
        typer.Option(help="Minimum pair probability (default 0.5: as likely as not)."),
    ] = None,
    src_encoding: SrcEncodingOption = None,
    tgt_encoding: TgtEncodingOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Find which Kazakh article is the version of which Russian one (one-to-one)."""
    from egiz.pair import pair_documents, side_warnings, split_by_language
    from egiz.read import read_documents

    declared_src, declared_tgt, plain = _declared_sources(
        sources or [], src_dir, tgt_dir, src_lang, tgt_lang
    )
    if not declared_src and not declared_tgt:
        if len(plain) == 2:  # KK_SOURCE RU_SOURCE
            declared_src, declared_tgt, plain = [plain[0]], [plain[1]], []
        elif len(plain) != 1:
            raise EgizError("give KK_SOURCE RU_SOURCE, one mixed source, or LANG=SOURCE ...")
    target = _output_path(output) if output is not None else None
    _warn_sides(declared_src, declared_tgt)
    problems = _Problems(quiet)
    src_docs = list(
        read_documents(declared_src, lang=src_lang, on_problem=problems, encoding=src_encoding)
    )
    tgt_docs = list(
        read_documents(declared_tgt, lang=tgt_lang, on_problem=problems, encoding=tgt_encoding)
    )
    others: list = []
    if plain:
        mixed = list(read_documents(plain, on_problem=problems, encoding=src_encoding))
        more_src, more_tgt, others = split_by_language(mixed, src_lang, tgt_lang)
        src_docs += more_src
        tgt_docs += more_tgt
    if not src_docs or not tgt_docs:
        raise EgizError(
            f"read {len(src_docs)} {src_lang} and {len(tgt_docs)} {tgt_lang} documents "
            f"({len(others)} in other languages), nothing to pair; {problems.summary()}"
        )
    for message in side_warnings(src_docs, tgt_docs, src_lang, tgt_lang):
        _warn(message)
    result = pair_documents(
        src_docs, tgt_docs, encoder=encoder, threshold=threshold,
        show_progress=not quiet and sys.stderr.isatty(),
    )  # fmt: skip
    lines = [f"{p.src_id}\t{p.tgt_id}\t{p.score:.6f}" for p in result.pairs]
    text = "\n".join(lines) + ("\n" if lines else "")
    if target is None:
        sys.stdout.write(text)
    else:
        _write_atomic(target, text)
    for side, ids in ((src_lang, result.unpaired_src), (tgt_lang, result.unpaired_tgt)):
        if ids:
            _warn(f"{len(ids)} {side} documents unpaired: {', '.join(ids[:20])}"
                  + (" ..." if len(ids) > 20 else ""))  # fmt: skip
    if others:
        _warn(f"{len(others)} documents in neither {src_lang} nor {tgt_lang}: "
              + ", ".join(d.id for d in others[:20]))  # fmt: skip
    if not quiet:
        print(
            f"egiz: read {len(src_docs)} {src_lang} and {len(tgt_docs)} {tgt_lang} documents; "
            f"{len(result.pairs)} pairs; unpaired {src_lang} {len(result.unpaired_src)}, "
            f"{tgt_lang} {len(result.unpaired_tgt)}; {problems.summary()}",
            file=sys.stderr,
        )


@app.command()
def mine(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Folders or text/HTML/JSONL/WARC files (languages detected per document), "
            "or LANG=SOURCE to declare a side (kk=crawl/kz ru=crawl/ru)."
        ),
    ] = None,
    *,
    store: Annotated[Path, typer.Option(help="The corpus store (SQLite file).")],
    src_lang: Annotated[str, typer.Option(callback=_lang_option)] = "kk",
    tgt_lang: Annotated[str, typer.Option(callback=_lang_option)] = "ru",
    src_dir: SrcDirOption = None,
    tgt_dir: TgtDirOption = None,
    encoder: EncoderOption = "e5",
    workers: Annotated[int, typer.Option(min=1, help="Local processes aligning pairs.")] = 1,
    dask: Annotated[
        str | None, typer.Option(help="Run on a Dask cluster: tcp://HOST:PORT.")
    ] = None,
    min_score: Annotated[
        float | None, typer.Option(help="Keep beads scoring at least this.")
    ] = None,
    retry_failed: Annotated[bool, typer.Option(help="Align failed pairs again.")] = False,
    reuse_settings: Annotated[
        bool,
        typer.Option(
            help="Add to a store mined with other alignment settings (its aligned pairs stay "
            "as they are)."
        ),
    ] = False,
    preset: PresetOption = Preset.fast,
    src_encoding: SrcEncodingOption = None,
    tgt_encoding: TgtEncodingOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Pair, align, score and filter a whole collection into a corpus store (resumable)."""
    import json

    from egiz.corpus.mine import mine as run_mine

    declared_src, declared_tgt, plain = _declared_sources(
        sources or [], src_dir, tgt_dir, src_lang, tgt_lang
    )
    if not (declared_src or declared_tgt or plain):
        raise EgizError("give the sources to mine: folders or files, or kk=DIR ru=DIR")
    _warn_sides(declared_src, declared_tgt)
    summary = run_mine(
        plain, store, src_lang=src_lang, tgt_lang=tgt_lang, src_sources=declared_src,
        tgt_sources=declared_tgt, src_encoding=src_encoding, tgt_encoding=tgt_encoding,
        encoder=encoder, workers=workers, dask_address=dask, min_score=min_score,
        retry_failed=retry_failed, reuse_settings=reuse_settings, params=_params(preset),
        progress=not quiet and sys.stderr.isatty(),
    )  # fmt: skip
    for message in summary.warnings:
        _warn(message)
    print(json.dumps(summary.to_dict(), indent=1) if json_output else summary.format())


@app.command("export")
def export_store(
    store: Annotated[Path, typer.Option(help="The corpus store written by `egiz mine`.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet|tsv|jsonl|tmx|moses")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File (moses: prefix).")],
    min_score: Annotated[float | None, typer.Option(help="Drop beads below this.")] = None,
    include_filtered: Annotated[
        bool, typer.Option(help="Also write filtered beads, with the reason.")
    ] = False,
) -> None:
    """Export the mined corpus with provenance (document ids, urls, bead indices, scores)."""
    from egiz.corpus.export import export_corpus

    n = export_corpus(store, output, fmt, min_score=min_score, include_filtered=include_filtered)
    print(f"egiz: wrote {n} records to {output}", file=sys.stderr)


@app.command()
def review(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="KK RU: two text files to align and review (or give --store)."),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            help="Corpus store to review (with KK RU: where they go; default egiz-review.db)."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(help="Access token; required, and made up if missing, off 127.0.0.1."),
    ] = None,
    src_lang: Annotated[str, typer.Option(help="Language of KK.", callback=_lang_option)] = "kk",
    tgt_lang: Annotated[str, typer.Option(help="Language of RU.", callback=_lang_option)] = "ru",
    encoder: EncoderOption = "e5",
    preset: PresetOption = Preset.fast,
    encoding: EncodingOption = None,
    src_encoding: SrcEncodingOption = None,
    tgt_encoding: TgtEncodingOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Check and correct alignments in the browser; every correction is saved to the store."""
    from egiz.review import load_files, serve

    if files and len(files) != 2:
        raise EgizError("give KK RU (two files), or --store alone")
    if not files and store is None:
        raise EgizError("give KK RU (two files) or --store corpus.db")
    if files:
        store = store or Path("egiz-review.db")
        pair_id, watched = load_files(
            files[0], files[1], store, src_lang=src_lang, tgt_lang=tgt_lang, encoder=encoder,
            encoding=encoding, src_encoding=src_encoding, tgt_encoding=tgt_encoding,
            params=_params(preset), progress=not quiet and sys.stderr.isatty(),
        )  # fmt: skip
        print(f"egiz review: {files[0]} and {files[1]} are pair {pair_id} in {store}; "
              f"corrections are saved there", file=sys.stderr)  # fmt: skip
        serve(store, host=host, port=port, token=token, watched=watched,
              start_path=f"/pair/{pair_id}")  # fmt: skip
    else:
        assert store is not None
        if not store.is_file():
            raise EgizError(f"no corpus store at {store}")
        serve(store, host=host, port=port, token=token)


def main() -> None:
    """Console entry point: user errors become one line on stderr and exit code 2, a broken
    installation one line and exit code 3."""
    try:
        app()
    except InstallationError as err:  # not the user's input: another exit code
        print(f"egiz: error: {err}", file=sys.stderr)
        sys.exit(3)
    except EgizError as err:
        print(f"egiz: error: {err}", file=sys.stderr)
        sys.exit(2)
    except ImportError as err:  # a dependency missing or broken: never the user's input
        detail = " ".join(str(err).split())
        print(f"egiz: error: broken installation: {detail}; reinstall egiz", file=sys.stderr)
        sys.exit(3)
    except BrokenPipeError:  # e.g. `egiz align ... | head`
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:
        print("egiz: interrupted", file=sys.stderr)
        sys.exit(130)
    except OSError as err:  # disk full, unwritable output path
        print(
            f"egiz: error: {err.strerror or err}: {err.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
