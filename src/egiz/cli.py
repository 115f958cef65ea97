"""The `egiz` command: a thin shell over the Python API (parsing and printing only)."""

from __future__ import annotations

import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from egiz.alignment import Alignment, moved_beads
from egiz.errors import EgizError, InstallationError


class _NamedArgument(typer.core.TyperArgument):
    """An argument whose name (KK_FILE, SOURCE...) says what it is: no `<str>` type beside it."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _plain_types(params: list[Any]) -> list[Any]:
    """Help without typer's `<type>` column where it says nothing: a flag takes no value (typer
    would print `<bool>`), an argument is named by its metavar."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif type(param) is typer.core.TyperArgument and param.metavar:
            param.__class__ = _NamedArgument
    return params


class _Command(typer.core.TyperCommand):
    """A command whose usage line reads as the user types it: `egiz align [OPTIONS] KK_FILE
    RU_FILE` (typer writes required arguments in braces, `{src}`)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_types(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, typer.core.TyperArgument):
                name = param.metavar or param.name.upper() + ("..." if param.nargs != 1 else "")
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class _Group(typer.core.TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_types(super().get_params(ctx))


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Align the Kazakh and Russian versions of a text into parallel sentences, show where "
    "they differ, mine whole collections into a corpus.",
)


def _command(name: str | None = None) -> Any:
    """`app.command` with egiz's help layout."""
    return app.command(name, cls=_Command)


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


class Preset(str, Enum):
    fast = "fast"
    accurate = "accurate"


def _choices(enum: type[Enum]) -> str:
    return "|".join(member.value for member in enum)  # type: ignore[attr-defined]


def _lang_option(value: str) -> str:
    """typer callback: every --src-lang/--tgt-lang/--lang goes through the one normaliser."""
    from egiz.text.langcodes import normalize_lang_code

    try:
        return normalize_lang_code(value)
    except EgizError as exc:
        raise typer.BadParameter(str(exc)) from None


# Arguments and options several commands share. KK_FILE / RU_FILE: the two versions of one text
# (Kazakh and Russian unless --src-lang / --tgt-lang say otherwise).
_LANG_CODES = "an ISO 639 code or BCP 47 tag: kk, kaz, kk-KZ, ru, en ..."
KkFileArgument = Annotated[
    str,
    typer.Argument(
        metavar="KK_FILE",
        help="The Kazakh version (a text file or a saved HTML page, whose article is read; in "
        "--src-lang if given); - reads standard input.",
    ),
]
RuFileArgument = Annotated[
    str,
    typer.Argument(
        metavar="RU_FILE",
        help="The Russian version (a text file or a saved HTML page; in --tgt-lang if given); - "
        "reads standard input.",
    ),
]
SrcLangOption = Annotated[
    str,
    typer.Option(metavar="LANG", help=f"Language of KK_FILE, {_LANG_CODES}", callback=_lang_option),
]
TgtLangOption = Annotated[
    str,
    typer.Option(metavar="LANG", help=f"Language of RU_FILE, {_LANG_CODES}", callback=_lang_option),
]
EncoderOption = Annotated[
    str,
    typer.Option(
        metavar="ENCODER",
        help="Sentence encoder: e5 (multilingual-e5-small, built in), trigram (character "
        "trigrams, no model) or st:PATH (a local sentence-transformers model folder).",
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        metavar="ENCODING",
        help="Encoding of both files, e.g. cp1251, kz1048, utf-16 (default: detected per file).",
    ),
]
SrcEncodingOption = Annotated[
    str | None,
    typer.Option(
        metavar="ENCODING", help="Encoding of KK_FILE only, over --encoding (default: detected)."
    ),
]
TgtEncodingOption = Annotated[
    str | None,
    typer.Option(
        metavar="ENCODING", help="Encoding of RU_FILE only, over --encoding (default: detected)."
    ),
]
# The budgets are AlignParams.joined_budget of egiz.align.PRESETS (a test checks they match).
PresetOption = Annotated[
    Preset,
    typer.Option(
        metavar=_choices(Preset),
        help="Alignment settings. fast: sentences joined to check a merge are embedded within a "
        "budget of 0.3 times the input's characters; accurate: within 10.0 times "
        "(more encoder work, for hard documents).",
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Neither read nor write the embedding cache ($EGIZ_CACHE_DIR, else ~/.cache/egiz).",
    ),
]
_SCRIPTS = "auto (detected sentence by sentence) | cyrl | latn2021 | latn2018 | latn2017 | arab"
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o", "--output", metavar="FILE", help="Write to FILE instead of standard output."
    ),
]
# pair and mine read collections: sources per side, or mixed ones whose languages are detected
SideSrcLangOption = Annotated[
    str,
    typer.Option(
        metavar="LANG",
        help=f"Language of the first side (KK_SOURCE, --src-dir), {_LANG_CODES}",
        callback=_lang_option,
    ),
]
SideTgtLangOption = Annotated[
    str,
    typer.Option(
        metavar="LANG",
        help=f"Language of the second side (RU_SOURCE, --tgt-dir), {_LANG_CODES}",
        callback=_lang_option,
    ),
]
SrcDirOption = Annotated[
    list[str] | None,
    typer.Option(
        "--src-dir",
        metavar="SOURCE",
        help="A folder or file in --src-lang, like kk=SOURCE (repeatable).",
    ),
]
TgtDirOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tgt-dir",
        metavar="SOURCE",
        help="A folder or file in --tgt-lang, like ru=SOURCE (repeatable).",
    ),
]
SideSrcEncodingOption = Annotated[
    str | None,
    typer.Option(
        metavar="ENCODING",
        help="Encoding of the --src-lang sources and of sources whose language is detected "
        "(default: detected per file).",
    ),
]
SideTgtEncodingOption = Annotated[
    str | None,
    typer.Option(
        metavar="ENCODING",
        help="Encoding of the --tgt-lang sources (default: detected per file).",
    ),
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


def _names(paths: list[Path]) -> str:
    """`a`, `a and b`, `a, b and c`: the files a message says were written."""
    names = [str(p) for p in paths]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


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
    from egiz.read import read_article

    if src == "-" and tgt == "-":
        raise EgizError("only one of KK_FILE and RU_FILE can be - (stdin)")
    result = align_texts(
        read_article(src, encodings[0]),
        read_article(tgt, encodings[1]),
        show_progress=not quiet and sys.stderr.isatty(),
        **options,
    )
    for message in result.warnings:
        _warn(message)
    return result


@_command()
def align(
    src: KkFileArgument,
    tgt: RuFileArgument,
    src_lang: SrcLangOption = "kk",
    tgt_lang: TgtLangOption = "ru",
    presegmented: Annotated[
        bool,
        typer.Option(
            "--presegmented", help="The files have one sentence per line: don't split them."
        ),
    ] = False,
    fmt: Annotated[
        AlignFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="tsv: one row per bead with ids, kind, score and texts; beads: Vecalign's "
            "format; jsonl: one object per bead; tmx: TMX 1.4b for CAT tools; moses: two "
            "line-parallel files (needs -o).",
        ),
    ] = AlignFormat.tsv,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write to FILE instead of standard output; for moses a prefix: FILE.kk and "
            "FILE.ru (named by --src-lang and --tgt-lang).",
        ),
    ] = None,
    encoder: EncoderOption = "e5",
    min_score: Annotated[
        float | None,
        typer.Option(
            metavar="SCORE",
            help="Leave out aligned beads scoring below SCORE, a probability such as 0.5 "
            "(default: keep all; omissions are always listed).",
        ),
    ] = None,
    max_bead: Annotated[
        int,
        typer.Option(
            min=1,
            max=6,
            metavar="N",
            help="Most sentences on one side of a bead (and N + 2, at least 6, on both sides).",
        ),
    ] = 4,
    preset: PresetOption = Preset.fast,
    encoding: EncodingOption = None,
    src_encoding: SrcEncodingOption = None,
    tgt_encoding: TgtEncodingOption = None,
    no_cache: NoCacheOption = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar, no summary on stderr.")
    ] = False,
    src_script: Annotated[
        str,
        typer.Option(metavar="SCRIPT", help=f"Script of KK_FILE if it is Kazakh: {_SCRIPTS}."),
    ] = "auto",
    tgt_script: Annotated[
        str,
        typer.Option(
            metavar="SCRIPT", help=f"Script of RU_FILE if it is Kazakh (--tgt-lang kk): {_SCRIPTS}."
        ),
    ] = "auto",
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
        params=_params(preset, max_bead=max_bead, max_bead_total=max(6, max_bead + 2)),
        cache=not no_cache, quiet=quiet,
        src_script=_script(src_script, "--src-script"),
        tgt_script=_script(tgt_script, "--tgt-script"),
    )  # fmt: skip
    written: list[Path] = []
    if fmt is AlignFormat.moses:
        assert output is not None
        src_path, tgt_path = moses_paths(output, src_lang, tgt_lang)
        write_moses(result, src_path, tgt_path, min_score=min_score)
        written = [src_path, tgt_path]
    elif output is None:
        write_alignment(result, fmt.value, sys.stdout, min_score=min_score)
    else:
        with atomic_output(output) as out:
            write_alignment(result, fmt.value, out, min_score=min_score)
        written = [output]
    if not quiet:
        kinds: dict[str, int] = {}
        for bead in result.beads:
            kinds[bead.kind] = kinds.get(bead.kind, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
        moved = len(moved_beads(result.beads))
        summary += f" ({moved} moved: told at another place)" if moved else ""
        print(
            f"egiz: {len(result.src_sentences)} {src_lang} and {len(result.tgt_sentences)} "
            f"{tgt_lang} sentences -> beads: {summary}"
            + (f"; wrote {_names(written)}" if written else ""),
            file=sys.stderr,
        )


@_command()
def diff(
    src: Annotated[
        str | None,
        typer.Argument(
            metavar="KK_FILE",
            help="The Kazakh version (a text file or a saved HTML page, whose article is read; in "
            "--src-lang if given); - reads standard "
            "input. Not with --store.",
        ),
    ] = None,
    tgt: Annotated[
        str | None,
        typer.Argument(
            metavar="RU_FILE",
            help="The Russian version (a text file or a saved HTML page; in --tgt-lang if given); "
            "- reads standard "
            "input. Not with --store.",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            metavar="STORE",
            help="Instead of two files: report every aligned pair of this corpus store (written "
            "by egiz mine or egiz review), worst first.",
        ),
    ] = None,
    src_lang: SrcLangOption = "kk",
    tgt_lang: TgtLangOption = "ru",
    fmt: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text: a report (coloured in a terminal); html: one self-contained page; "
            "json: for programs.",
        ),
    ] = DiffFormat.text,
    output: OutputOption = None,
    encoder: EncoderOption = "e5",
    paraphrase_below: Annotated[
        float,
        typer.Option(
            metavar="SCORE",
            help="Aligned beads scoring below SCORE (the probability that they are "
            "translations) are listed as paraphrases.",
        ),
    ] = 0.5,
    preset: PresetOption = Preset.fast,
    encoding: EncodingOption = None,
    src_encoding: SrcEncodingOption = None,
    tgt_encoding: TgtEncodingOption = None,
    no_cache: NoCacheOption = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar, no message on stderr.")
    ] = False,
) -> None:
    """Show where two versions of one text differ: one-sided sentences, numbers, names.

    Sentences and whole paragraphs on one side only, numbers and names that do not match,
    probable paraphrases, and the share of each side that is aligned."""
    from egiz.report import divergences, render_html, render_json, render_rich, render_text

    if output is not None:
        output = _output_path(output)
    if store is not None:
        if src is not None or tgt is not None:
            raise EgizError("give KK_FILE RU_FILE or --store, not both")
        _diff_store(store, fmt, output, paraphrase_below, quiet)
        return
    if src is None or tgt is None:
        raise EgizError("give KK_FILE RU_FILE (two files) or --store corpus.db")
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
    _write_report(rendered, output, quiet)


def _write_report(rendered: str, output: Path | None, quiet: bool) -> None:
    if output is None:
        sys.stdout.write(rendered)
        return
    _write_atomic(output, rendered)
    if not quiet:
        print(f"egiz: wrote {output}", file=sys.stderr)


def _diff_store(
    store: Path, fmt: DiffFormat, output: Path | None, paraphrase_below: float, quiet: bool
) -> None:
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
    _write_report(rendered, output, quiet)


_FileEncodingOption = Annotated[
    str | None,
    typer.Option(metavar="ENCODING", help="Encoding of FILE, e.g. cp1251 (default: detected)."),
]


@_command()
def split(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="A text file or a saved HTML page (its article); - reads standard input.",
        ),
    ],
    lang: Annotated[
        str,
        typer.Option(
            metavar="LANG", help=f"Language of FILE, {_LANG_CODES}", callback=_lang_option
        ),
    ] = "kk",
    encoding: _FileEncodingOption = None,
) -> None:
    """Print one sentence per line (a blank line between paragraphs)."""
    from egiz.read import read_article
    from egiz.text import split_sentences

    sentences = split_sentences(read_article(file, encoding), lang)
    previous = None
    out = sys.stdout
    for sentence in sentences:
        if previous is not None and sentence.paragraph != previous:
            out.write("\n")
        out.write(sentence.text + "\n")
        previous = sentence.paragraph


@_command()
def translit(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="A Kazakh text file; - reads standard input.")
    ],
    to: Annotated[
        str,
        typer.Option(
            metavar="SCRIPT", help="Script to write: latn2021 | latn2018 | latn2017 | cyrl | arab."
        ),
    ],
    source: Annotated[
        str, typer.Option("--from", metavar="SCRIPT", help=f"Script of FILE: {_SCRIPTS}.")
    ] = "auto",
    output: OutputOption = None,
    encoding: _FileEncodingOption = None,
) -> None:
    """Write Kazakh text in another script (Cyrillic, Latin 2017/2018/2021, Arabic töte jazu)."""
    from egiz.read import read_text
    from egiz.text.script import transliterate

    target = _script(to, "--to", auto=False)
    source = _script(source, "--from")
    if output is not None:
        output = _output_path(output)
    text = transliterate(read_text(file, encoding), target, source)
    if output is None:
        sys.stdout.write(text)
    else:
        _write_atomic(output, text)
        print(f"egiz: wrote {output}", file=sys.stderr)


@_command("eval")
def evaluate(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="GOLD TEST [GOLD TEST]...",
            help="Bead files in Vecalign's format ([0]:[0, 1] per line): a gold alignment, then "
            "the one to score; several pairs are scored together (micro-average).",
        ),
    ],
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
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


_READ_BY_CONTENT = "A source is a folder or a text, HTML, JSONL or WARC file, read by its content."


@_command()
def pair(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="SOURCE...",
            help="KK_SOURCE RU_SOURCE (one per language), one mixed source (languages detected "
            "per document), or LANG=SOURCE ... (kk=crawl/kz ru=crawl/ru). " + _READ_BY_CONTENT,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write the pairs to FILE instead of standard output: one per line, the two "
            "document ids and the probability that they are versions of one article, "
            "tab-separated.",
        ),
    ] = None,
    src_lang: SideSrcLangOption = "kk",
    tgt_lang: SideTgtLangOption = "ru",
    src_dir: SrcDirOption = None,
    tgt_dir: TgtDirOption = None,
    encoder: EncoderOption = "e5",
    threshold: Annotated[
        float | None,
        typer.Option(
            metavar="P",
            help="Least probability of a pair (default 0.5: as likely as not); a document "
            "whose best counterpart is below it stays unpaired.",
        ),
    ] = None,
    src_encoding: SideSrcEncodingOption = None,
    tgt_encoding: SideTgtEncodingOption = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No progress bar, no summary, no problem lines on stderr."
        ),
    ] = False,
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
            f"{tgt_lang} {len(result.unpaired_tgt)}; {problems.summary()}"
            + (f"; wrote {target}" if target is not None else ""),
            file=sys.stderr,
        )


StoreOption = Annotated[
    Path,
    typer.Option(
        metavar="STORE",
        help="The corpus store, an SQLite file: created if missing, else added to (a killed run "
        "resumes where it stopped).",
    ),
]


@_command()
def mine(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="SOURCE...",
            help="Sources whose languages are detected per document, or LANG=SOURCE to declare "
            "a side (kk=crawl/kz ru=crawl/ru). " + _READ_BY_CONTENT,
        ),
    ] = None,
    *,
    store: StoreOption,
    src_lang: SideSrcLangOption = "kk",
    tgt_lang: SideTgtLangOption = "ru",
    src_dir: SrcDirOption = None,
    tgt_dir: TgtDirOption = None,
    encoder: EncoderOption = "e5",
    workers: Annotated[
        int, typer.Option(min=1, metavar="N", help="Local processes that align the pairs.")
    ] = 1,
    dask: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="Align on a running Dask cluster, its scheduler at ADDRESS (tcp://HOST:PORT), "
            "instead of local processes.",
        ),
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option(
            metavar="SCORE",
            help="Keep aligned beads scoring at least SCORE (default 0.5: more likely a "
            "translation than not); the others stay in the store, filtered.",
        ),
    ] = None,
    retry_failed: Annotated[
        bool,
        typer.Option(
            "--retry-failed", help="Align again the pairs whose alignment failed in an earlier run."
        ),
    ] = False,
    reuse_settings: Annotated[
        bool,
        typer.Option(
            "--reuse-settings",
            help="Add to a store mined with other alignment settings (encoder, preset, egiz "
            "version); its aligned pairs stay as they are.",
        ),
    ] = False,
    preset: PresetOption = Preset.fast,
    src_encoding: SideSrcEncodingOption = None,
    tgt_encoding: SideTgtEncodingOption = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars (the summary is still printed).")
    ] = False,
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


@_command("export")
def export_store(
    store: Annotated[
        Path, typer.Option(metavar="STORE", help="The corpus store written by egiz mine.")
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="parquet, tsv, jsonl: one record per sentence pair with its provenance; tmx: "
            "TMX 1.4b; moses: two line-parallel files and a provenance table.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="The file to write; for moses a prefix: FILE.kk, FILE.ru (the store's "
            "languages) and FILE.provenance.tsv.",
        ),
    ],
    min_score: Annotated[
        float | None,
        typer.Option(
            metavar="SCORE",
            help="Also leave out beads scoring below SCORE (default: every bead the store "
            "keeps; a bead linked by hand in egiz review stays whatever its score).",
        ),
    ] = None,
    include_filtered: Annotated[
        bool,
        typer.Option(
            "--include-filtered",
            help="Also write the beads the filters left out, with keep and reason columns "
            "(tmx: a filtered property).",
        ),
    ] = False,
) -> None:
    """Export the mined corpus with provenance (document ids, urls, bead indices, scores)."""
    from egiz.corpus.export import export_corpus, export_paths

    n = export_corpus(store, output, fmt, min_score=min_score, include_filtered=include_filtered)
    written = export_paths(store, output, fmt)
    print(f"egiz: wrote {n} records to {_names(written)}", file=sys.stderr)


@_command()
def review(
    src: Annotated[
        str | None,
        typer.Argument(
            metavar="KK_FILE",
            help="The Kazakh version of a text to align and review (a text file or a saved HTML "
            "page; in --src-lang "
            "if given). Not needed with --store alone.",
        ),
    ] = None,
    tgt: Annotated[
        str | None,
        typer.Argument(
            metavar="RU_FILE",
            help="The Russian version (a text file or a saved HTML page; in --tgt-lang if given).",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            metavar="STORE",
            help="The corpus store to review; with KK_FILE RU_FILE, the store their alignment "
            "and corrections go to (default: egiz-review.db).",
        ),
    ] = None,
    host: Annotated[
        str,
        typer.Option(
            metavar="ADDRESS",
            help="Address to listen on; any but a loopback one (e.g. 0.0.0.0) needs an access "
            "token.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, metavar="PORT", help="Port (0: any free one).")
    ] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            metavar="TOKEN",
            help="Access token the page must present; off loopback one is made up if not "
            "given (the printed URL carries it).",
        ),
    ] = None,
    src_lang: SrcLangOption = "kk",
    tgt_lang: TgtLangOption = "ru",
    encoder: EncoderOption = "e5",
    preset: PresetOption = Preset.fast,
    encoding: EncodingOption = None,
    src_encoding: SrcEncodingOption = None,
    tgt_encoding: TgtEncodingOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar while aligning the files.")
    ] = False,
) -> None:
    """Check and correct alignments in the browser; every correction is saved to the store."""
    from egiz.review import load_files, serve

    if (src is None) != (tgt is None):
        raise EgizError("give KK_FILE RU_FILE (two files), or --store alone")
    if src is None and store is None:
        raise EgizError("give KK_FILE RU_FILE (two files) or --store corpus.db")
    if src is not None and tgt is not None:
        store = store or Path("egiz-review.db")
        pair_id, watched = load_files(
            src, tgt, store, src_lang=src_lang, tgt_lang=tgt_lang, encoder=encoder,
            encoding=encoding, src_encoding=src_encoding, tgt_encoding=tgt_encoding,
            params=_params(preset), progress=not quiet and sys.stderr.isatty(),
        )  # fmt: skip
        print(f"egiz review: {src} and {tgt} are pair {pair_id} in {store}; "
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
        # standalone_mode=False: click's usage errors come here, to be one line like ours
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except typer.Abort:
        print("egiz: interrupted", file=sys.stderr)
        sys.exit(130)
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
    except Exception as err:
        # click's UsageError (a missing argument, a bad --format, an unknown command): one line,
        # exit 2. Matched by name: typer ships its own copy of click in newer versions.
        if not any(c.__name__ == "UsageError" for c in type(err).__mro__):
            raise
        ctx = getattr(err, "ctx", None)
        where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = " ".join(err.format_message().split()).replace("Value error, ", "")
        print(f"egiz: error: {message}{where}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
