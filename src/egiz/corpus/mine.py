"""Mine a kk-ru parallel corpus from a whole crawl into a corpus store: `mine()`.

read (problems recorded) -> store new documents only -> pair new documents against every unpaired
one -> align each pending pair -> score and filter each bead -> store, one pair per transaction.

Alignment runs in this process (`workers=1`), in a pool of processes, or on a Dask cluster; the
same function (`align_task`) does the work in all three, and the parent writes every result, so
the corpus is the same whichever runs it. Killing a run at any point loses at most the pairs in
flight: running again aligns what is still pending.

    python -m egiz.corpus.mine crawl/kk crawl/ru --store corpus.db --workers 4
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from egiz.align import AlignParams
from egiz.alignment import Sentence
from egiz.corpus.filters import (
    FILTER_REASONS,
    Boilerplate,
    FilterParams,
    digits_agreement,
    filter_reason,
    find_boilerplate,
    measure_bead,
    site_of,
    strip_boilerplate,
)
from egiz.corpus.store import BeadRecord, Store
from egiz.document import Document, Problem
from egiz.errors import EgizError

# FILTER_REASONS, FilterParams, digits_agreement, filter_reason and measure_bead live in
# egiz.corpus.filters (mining and review share them); imported from here, as before, they work.
__all__ = [
    "FILTER_REASONS",
    "AlignResult",
    "AlignTask",
    "FilterParams",
    "MineSummary",
    "align_task",
    "digits_agreement",
    "filter_reason",
    "measure_bead",
    "mine",
]

_BATCH = 500  # documents per insert transaction
_SHOWN_PROBLEMS = 5  # problems quoted in the summary (all are stored)


# ---------------------------------------------------------------------- the unit of work
@dataclass(frozen=True)
class AlignTask:
    """One document pair to align, with everything a worker needs (no store access)."""

    pair: int
    src_text: str
    tgt_text: str
    src_lang: str
    tgt_lang: str
    encoder: str
    params: AlignParams
    threads: int | None = None  # encoder threads per worker (None: the encoder's default)


@dataclass(frozen=True)
class AlignResult:
    """A worker's answer: the pair's beads with their measures, or an error."""

    pair: int
    beads: tuple[BeadRecord, ...]
    signature: str
    warnings: tuple[str, ...]
    seconds: float
    error: str | None = None
    sentences: tuple[tuple[Sentence, ...], tuple[Sentence, ...]] | None = None


_ENCODERS: dict[tuple[str, int | None], Any] = {}


def _encoder(spec: str, threads: int | None) -> Any:
    """One encoder per worker process: building one per pair would reload the model each time."""
    from egiz.embed import get_encoder

    key = (spec, threads)
    if key not in _ENCODERS:
        _ENCODERS[key] = get_encoder(spec, num_threads=threads)
    return _ENCODERS[key]


def align_task(task: AlignTask) -> AlignResult:
    """Align one document pair and measure every bead. Runs in a worker: the same code in
    this process, a process pool or a Dask worker. A pair that cannot be aligned comes back
    with `error` set; a settings problem (EgizError) is raised, since every pair would fail."""
    from egiz.align import align

    start = time.perf_counter()
    try:
        result = align(
            task.src_text,
            task.tgt_text,
            src_lang=task.src_lang,
            tgt_lang=task.tgt_lang,
            encoder=_encoder(task.encoder, task.threads),
            params=task.params,
        )
        beads = [
            measure_bead(
                i,
                bead.src,
                bead.tgt,
                bead.score,
                result.src_text(bead),
                result.tgt_text(bead),
                task.src_lang,
                task.tgt_lang,
            )
            for i, bead in enumerate(result.beads)
        ]
        seconds = time.perf_counter() - start
        return AlignResult(
            task.pair, tuple(beads), result.signature, result.warnings, seconds,
            sentences=(tuple(result.src_sentences), tuple(result.tgt_sentences)),
        )  # fmt: skip
    except EgizError:
        raise
    except Exception as exc:  # one bad pair must not stop a whole crawl: recorded as failed
        seconds = time.perf_counter() - start
        return AlignResult(task.pair, (), "", (), seconds, f"{type(exc).__name__}: {exc}")


# ---------------------------------------------------------------------- summary
@dataclass
class MineSummary:
    """What a run did (`new_*`, `read`, `problems`, `aligned_now`) and what the store now holds.

    Sides are "src", "tgt" and "other" (third-language or undetermined documents).
    """

    store: str
    src_lang: str
    tgt_lang: str
    read: int = 0  # documents read from the sources in this run
    new_documents: dict[str, int] = field(default_factory=dict)  # side -> stored this run
    problems: dict[str, int] = field(default_factory=dict)  # kind -> reported this run
    other_language: int = 0  # documents read in neither language, this run
    new_pairs: int = 0
    dropped_pairs: int = 0  # pairs that re-pairing the whole store no longer makes
    aligned_now: int = 0  # pairs aligned by this run
    failed_now: int = 0
    documents: dict[str, int] = field(default_factory=dict)  # side -> in the store
    pairs: dict[str, int] = field(default_factory=dict)  # status -> document pairs in the store
    unpaired: dict[str, int] = field(default_factory=dict)  # side -> documents with no pair
    beads: dict[str, int] = field(default_factory=dict)  # kind -> beads in the store
    kept: int = 0  # beads in the corpus
    filtered: dict[str, int] = field(default_factory=dict)  # reason -> aligned beads left out
    boilerplate: dict[str, int] = field(default_factory=dict)  # site -> repeated lines found
    boilerplate_removed: int = 0  # lines taken out of the texts aligned by this run
    realigned: int = 0  # aligned pairs sent back because their boilerplate changed
    refiltered: int = -1  # beads whose keep flag changed under new filter settings (-1: none)
    first_problems: list[str] = field(default_factory=list)  # the first few, with reasons
    warnings: list[str] = field(default_factory=list)  # swapped or identical sides ...
    timings: dict[str, float] = field(default_factory=dict)  # read, pair, align, total (s)
    align_seconds: float = 0.0  # the sum of this run's alignments, as the workers timed them

    @property
    def paired(self) -> int:
        return sum(self.pairs.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def format(self) -> str:
        """A few human-readable lines."""
        names = {"src": self.src_lang, "tgt": self.tgt_lang, "other": "other"}

        def sides(d: dict[str, int]) -> str:
            return ", ".join(f"{names[k]} {d.get(k, 0)}" for k in names if k in d) or "none"

        def kinds(d: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(d.items())) or "none"

        def top(d: dict[str, int], n: int = 5) -> str:
            items = sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))
            more = f" and {len(items) - n} more sites" if len(items) > n else ""
            return (", ".join(f"{k} {v}" for k, v in items[:n]) or "none") + more

        t = self.timings
        lines = [
            f"read {self.read} documents: new {sides(self.new_documents)}; "
            f"{self.other_language} in another language; problems: {kinds(self.problems)}",
            *(f"  problem: {p}" for p in self.first_problems),
            f"store {self.store}: documents {sides(self.documents)}; "
            f"{self.paired} pairs ({kinds(self.pairs)}; {self.new_pairs} new"
            + (f", {self.dropped_pairs} dropped" if self.dropped_pairs else "")
            + "), "
            f"unpaired {sides(self.unpaired)}",
            f"aligned {self.aligned_now} pairs now ({self.failed_now} failed); "
            f"beads: {kinds(self.beads)}",
            f"boilerplate: {top(self.boilerplate)} repeated lines per site; "
            f"{self.boilerplate_removed} lines taken out before aligning"
            + (f"; {self.realigned} pairs aligned again" if self.realigned else ""),
            f"corpus: {self.kept} sentence pairs kept; filtered: {kinds(self.filtered)}"
            + (f"; re-filtered ({self.refiltered} changed)" if self.refiltered >= 0 else ""),
            f"time {t.get('total', 0):.1f} s (read {t.get('read', 0):.1f}, pair "
            f"{t.get('pair', 0):.1f}, align {t.get('align', 0):.1f}; "
            f"alignments summed {self.align_seconds:.1f} s)",
        ]
        return "\n".join(lines)


# ---------------------------------------------------------------------- progress
class _Progress:
    """rich bars on stderr, or nothing."""

    def __init__(self, enabled: bool) -> None:
        self.bar: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def task(self, description: str, total: int | None) -> Callable[[int], None]:
        if self.bar is None:
            return lambda n: None
        task_id = self.bar.add_task(description, total=total)
        return lambda n: self.bar.advance(task_id, n)


# ---------------------------------------------------------------------- mine
PairFn = Callable[..., Any]


def mine(
    sources: Iterable[str | Path | Document],
    store_path: str | Path,
    *,
    src_lang: str = "kk",
    tgt_lang: str = "ru",
    src_sources: Sequence[str | Path] = (),
    tgt_sources: Sequence[str | Path] = (),
    src_encoding: str | None = None,
    tgt_encoding: str | None = None,
    encoder: str = "e5",
    workers: int = 1,
    dask_address: str | None = None,
    min_score: float | None = None,
    filters: FilterParams | None = None,
    params: AlignParams | None = None,
    pair_fn: PairFn | None = None,
    retry_failed: bool = False,
    reuse_settings: bool = False,
    progress: bool = True,
) -> MineSummary:
    """Mine `sources` (paths for `egiz.read.read_documents`, or ready `Document`s) into the
    corpus store at `store_path`; return what was done and what the store holds.

    `sources` are read with each document's language detected; `src_sources` / `tgt_sources`
    are paths declared to be in `src_lang` / `tgt_lang` (no detection), read with
    `src_encoding` / `tgt_encoding` (the undeclared ones with `src_encoding`). Language codes
    are normalised (kaz, kk-KZ -> kk); an unknown one is an InputError. Sources that give no
    document at all are an EgizError, raised before the store is created or touched.

    `workers` > 1 aligns in that many local processes; `dask_address` (a scheduler address)
    aligns on a Dask cluster instead. `min_score` overrides `filters.min_score`. `pair_fn`
    defaults to `egiz.pair.pair_documents`. Re-running with more sources aligns only the new
    pairs; re-running with other filters re-filters the stored beads without re-aligning; other
    alignment settings (languages, encoder, `params`) than the store's are an error, unless
    `reuse_settings` (the pairs aligned before keep their alignment; new ones get this run's).
    A store's alignments are in order (`AlignParams.pair_moved` is off): a passage moved in one
    version stays two omissions there.
    """
    from egiz.embed import get_encoder
    from egiz.text.langcodes import normalize_lang_code

    started = time.perf_counter()
    if workers < 1:
        raise EgizError("workers must be at least 1")
    src_lang = normalize_lang_code(src_lang, what="source language")
    tgt_lang = normalize_lang_code(tgt_lang, what="target language")
    filters = filters or FilterParams()
    if min_score is not None:
        filters = replace(filters, min_score=min_score)
    # a store keeps each alignment in order: the review page's edits need both texts in order
    params = replace(params or AlignParams(), pair_moved=False)
    encoder_name = get_encoder(encoder).name  # checks the spec; loads no model
    from egiz.align.calibration import calibration_for

    calibration = calibration_for(encoder_name)[0]  # a refitted one scores beads differently
    alignment = (
        f"{src_lang}-{tgt_lang}|enc:{encoder_name}|cal:{calibration.encoder}@"
        f"{calibration.fingerprint}|{params.signature()}"
    )
    settings = {
        "src_lang": src_lang,
        "tgt_lang": tgt_lang,
        "encoder": encoder,
        "alignment": alignment,
        "filters": asdict(filters),
        "workers": workers,
        "dask": dask_address or "",
    }
    summary = MineSummary(store=str(store_path), src_lang=src_lang, tgt_lang=tgt_lang)
    reported: list[Problem] = []  # the reader's problems, stored batch by batch
    shown: list[Problem] = []  # the first few, for the summary

    def on_problem(problem: Problem) -> None:
        reported.append(problem)
        if len(shown) < _SHOWN_PROBLEMS:
            shown.append(problem)

    sides = _Sides(src_lang, tgt_lang)
    documents = _documents(
        sources, on_problem, src_lang=src_lang, tgt_lang=tgt_lang, src_sources=src_sources,
        tgt_sources=tgt_sources, src_encoding=src_encoding, tgt_encoding=tgt_encoding,
        sides=sides,
    )  # fmt: skip
    first = next(documents, None)  # nothing read: an error, before the store is touched
    given = bool(src_sources or tgt_sources) or (
        not isinstance(sources, Sequence) or isinstance(sources, (str, os.PathLike)) or sources
    )
    if first is None and given:
        kinds = Counter(p.kind for p in reported)
        why = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"
        examples = "; ".join(str(p) for p in shown[:3])
        raise EgizError(
            f"read no documents from the sources (problems: {why})"
            + (f"; e.g. {examples}" if examples else "")
        )
    if first is not None:
        documents = itertools.chain([first], documents)
    with Store(store_path) as store:
        _check_settings(store, alignment, src_lang, tgt_lang, reuse_settings)
        run = store.begin_run(alignment, settings)
        state = "failed"
        try:
            with _Progress(progress) as bars:
                t0 = time.perf_counter()
                _read_stage(store, documents, reported, src_lang, tgt_lang, run, summary, bars)
                t1 = time.perf_counter()
                furniture = _boilerplate_stage(store, summary)
                _pair_stage(store, encoder, pair_fn, run, summary, progress, furniture)
                t2 = time.perf_counter()
                if store.get_meta("filters") != filters.to_json():
                    if store.get_meta("filters") is not None:
                        summary.refiltered = store.refilter(
                            lambda b: filter_reason(b, filters, src_lang, tgt_lang)
                        )
                    store.set_meta({"filters": filters.to_json()})
                _align_stage(
                    store, summary, bars, furniture, filters=filters, src_lang=src_lang,
                    tgt_lang=tgt_lang,
                    encoder=encoder, params=params, workers=workers, dask_address=dask_address,
                    retry_failed=retry_failed,
                )  # fmt: skip
                t3 = time.perf_counter()
            summary.timings = {
                "read": t1 - t0,
                "pair": t2 - t1,
                "align": t3 - t2,
                "total": time.perf_counter() - started,
            }
            summary.first_problems = [str(p) for p in shown]
            summary.warnings = sides.warnings()
            counts = store.counts()
            summary.documents = counts["documents"]
            summary.pairs = counts["pairs"]
            summary.unpaired = counts["unpaired"]
            summary.beads = counts["beads"]
            summary.kept = counts["kept"]
            summary.filtered = counts["filtered"]
            state = "done"
        except KeyboardInterrupt:
            state = "interrupted"
            raise
        finally:
            total = time.perf_counter() - started
            try:
                store.end_run(run, state, summary.to_dict(), total, summary.align_seconds)
            except EgizError:
                if state == "done":
                    raise
    return summary


def _check_settings(
    store: Store, alignment: str, src_lang: str, tgt_lang: str, reuse: bool = False
) -> None:
    """A store holds one corpus: alignments made with other settings are not mixed in silently.

    Other languages are always refused; other aligner settings (encoder, parameters, egiz
    version) only without `reuse`: with it, the pairs aligned so far keep their alignment (each
    pair records its own signature) and the store takes this run's settings from now on.
    """
    stored = store.get_meta("alignment")
    if stored is None:
        store.set_meta({"alignment": alignment, "src_lang": src_lang, "tgt_lang": tgt_lang})
        return
    if stored == alignment:
        return
    langs = (store.get_meta("src_lang"), store.get_meta("tgt_lang"))
    if langs != (src_lang, tgt_lang):
        raise EgizError(
            f"corpus store {store.path} holds {langs[0]}-{langs[1]}, this run asks for "
            f"{src_lang}-{tgt_lang}: use another store"
        )
    if not reuse:
        raise EgizError(
            f"corpus store {store.path} was mined with {stored}; this run asks for {alignment}: "
            "use another store, or --reuse-settings to add to it (aligned pairs stay as they are)"
        )
    store.set_meta({"alignment": alignment})


def _read_stage(
    store: Store,
    documents: Iterator[Document],
    problems: list[Problem],
    src_lang: str,
    tgt_lang: str,
    run: int,
    summary: MineSummary,
    bars: _Progress,
) -> None:
    kinds: Counter[str] = Counter()
    sides = {src_lang: "src", tgt_lang: "tgt"}
    new: Counter[str] = Counter()
    advance = bars.task("reading", None)

    def flush(batch: list[Document]) -> None:
        added, dups = store.add_documents(batch, sides, run)
        new.update(added)
        problems.extend(dups)
        kinds.update(p.kind for p in problems)
        store.add_problems(problems, run)
        problems.clear()
        advance(len(batch))

    batch: list[Document] = []
    for doc in documents:
        summary.read += 1
        if doc.lang not in sides:
            summary.other_language += 1
        batch.append(doc)
        if len(batch) >= _BATCH:
            flush(batch)
            batch = []
    flush(batch)
    summary.new_documents = {side: new.get(side, 0) for side in ("src", "tgt", "other")}
    summary.problems = dict(sorted(kinds.items()))


class _Sides:
    """Tallies what the text of each declared side looks like, for the swapped/identical-sides
    warning (the declaration still decides the language)."""

    def __init__(self, src_lang: str, tgt_lang: str) -> None:
        self.langs = (src_lang, tgt_lang)
        self.detected: dict[str, Counter[str]] = {src_lang: Counter(), tgt_lang: Counter()}

    def watch(self, documents: Iterator[Document], declared: str) -> Iterator[Document]:
        from egiz.text import detect_language

        for doc in documents:
            self.detected[declared][detect_language(doc.text)] += 1
            yield doc

    def warnings(self) -> list[str]:
        from egiz.pair import side_warnings_from_counts

        return side_warnings_from_counts(self.detected, *self.langs)


def _documents(
    sources: Iterable[str | Path | Document],
    on_problem: Callable[[Problem], None],
    *,
    src_lang: str,
    tgt_lang: str,
    src_sources: Sequence[str | Path] = (),
    tgt_sources: Sequence[str | Path] = (),
    src_encoding: str | None = None,
    tgt_encoding: str | None = None,
    sides: _Sides | None = None,
) -> Iterator[Document]:
    """Ready Documents as they are; paths through `egiz.read.read_documents`, which checks them
    at once (a missing folder fails before the store is touched). Declared sources first."""
    declared: list[Iterator[Document]] = []
    for paths, lang, encoding in (
        (src_sources, src_lang, src_encoding),
        (tgt_sources, tgt_lang, tgt_encoding),
    ):
        if paths:
            docs = _read_paths(paths, on_problem, lang=lang, encoding=encoding)
            declared.append(sides.watch(docs, lang) if sides is not None else docs)
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    if not isinstance(sources, Sequence):  # a stream of Documents (and paths): read lazily
        rest = _lazy_documents(sources, on_problem, src_encoding)
    else:
        paths = [s for s in sources if not isinstance(s, Document)]
        ready = [s for s in sources if isinstance(s, Document)]
        read = _read_paths(paths, on_problem, encoding=src_encoding) if paths else iter(())
        rest = itertools.chain(ready, read)
    return itertools.chain(*declared, rest)


def _read_paths(
    paths: Sequence[str | Path],
    on_problem: Callable[[Problem], None],
    *,
    lang: str | None = None,
    encoding: str | None = None,
) -> Iterator[Document]:
    from egiz.read import read_documents

    return read_documents(paths, lang=lang, on_problem=on_problem, encoding=encoding)


def _lazy_documents(
    sources: Iterable[str | Path | Document],
    on_problem: Callable[[Problem], None],
    encoding: str | None,
) -> Iterator[Document]:
    for source in sources:
        if isinstance(source, Document):
            yield source
        else:
            yield from _read_paths([source], on_problem, encoding=encoding)


def _boilerplate_stage(store: Store, summary: MineSummary) -> Boilerplate:
    """Find the lines repeated across each site's documents, over the whole store, when new
    documents arrived; aligned pairs whose texts lose or regain a line are aligned again, so
    the corpus is the same however the input was batched."""
    stored = Boilerplate(store.boilerplate_lines())
    if store.has_unseen():
        found = find_boilerplate(store.all_documents())
        changed = {
            site: stored.of(site) ^ found.of(site)
            for site in set(stored.lines) | set(found.lines)
            if stored.of(site) != found.of(site)
        }
        if changed:
            store.set_boilerplate_lines(found.lines)
            stale = []
            for pair in store.aligned_pairs():
                for doc in store.pair_documents(pair):
                    lines = changed.get(site_of(doc))
                    if lines and strip_boilerplate(doc.text, frozenset(lines))[1]:
                        stale.append(pair)
                        break
            summary.realigned = store.realign_pairs(stale)
        stored = found
    summary.boilerplate = {site: len(lines) for site, lines in stored.lines.items()}
    return stored


def _clean(doc: Document, furniture: Boilerplate) -> tuple[Document, int]:
    """`doc` without its site's boilerplate lines, and how many were removed."""
    text, removed = strip_boilerplate(doc.text, furniture.of(site_of(doc)))
    return (replace(doc, text=text) if removed else doc), removed


def _pair_stage(
    store: Store,
    encoder: str,
    pair_fn: PairFn | None,
    run: int,
    summary: MineSummary,
    progress: bool,
    furniture: Boilerplate | None = None,
) -> None:
    """Pair documents when (and only when) new ones arrived.

    The default pairing pairs the *whole* store again (pairs a person touched in review stay
    as they are), so the corpus does not depend on how the input was split into runs: a pair
    that a better counterpart displaces is dropped with its beads, pairs that stay keep their
    alignment, and embeddings come from the cache. A custom `pair_fn` pairs the documents that
    are still unpaired, as before.
    """
    if not store.has_unseen():
        return
    whole_store = pair_fn is None
    if whole_store:
        pinned = store.pinned_pairs()
        src = store.side_documents("src", exclude=[s for s, _ in pinned])
        tgt = store.side_documents("tgt", exclude=[t for _, t in pinned])
    else:
        src = store.unpaired_documents("src")
        tgt = store.unpaired_documents("tgt")
    if furniture is not None and furniture.lines:
        src = [_clean(d, furniture)[0] for d in src]
        tgt = [_clean(d, furniture)[0] for d in tgt]
    pairs: list[tuple[str, str, float]] = []
    signature = ""
    if src and tgt:
        if pair_fn is None:
            from egiz.pair import pair_documents

            pair_fn = pair_documents
        pairing = pair_fn(src, tgt, encoder=encoder, show_progress=progress)
        pairs = [(p.src_id, p.tgt_id, float(p.score)) for p in pairing.pairs]
        signature = str(getattr(pairing, "signature", ""))
        _check_pairs(pairs, {d.id for d in src}, {d.id for d in tgt})
    if whole_store:
        summary.new_pairs, summary.dropped_pairs = store.replace_pairs(pairs, signature, run)
    else:
        summary.new_pairs = store.add_pairs(pairs, signature, run)


def _check_pairs(pairs: Sequence[tuple[str, str, float]], src: set[str], tgt: set[str]) -> None:
    src_ids = [s for s, _, _ in pairs]
    tgt_ids = [t for _, t, _ in pairs]
    if len(set(src_ids)) != len(src_ids) or len(set(tgt_ids)) != len(tgt_ids):
        raise EgizError("pairing returned a document in more than one pair")
    unknown = (set(src_ids) - src) | (set(tgt_ids) - tgt)
    if unknown:
        raise EgizError(f"pairing returned unknown document ids: {sorted(unknown)[:5]}")


def _align_stage(
    store: Store,
    summary: MineSummary,
    bars: _Progress,
    furniture: Boilerplate,
    *,
    filters: FilterParams,
    src_lang: str,
    tgt_lang: str,
    encoder: str,
    params: AlignParams,
    workers: int,
    dask_address: str | None,
    retry_failed: bool,
) -> None:
    pending = store.pending_pairs(retry_failed=retry_failed)
    if not pending:
        return
    advance = bars.task("aligning", len(pending))
    threads = None if workers == 1 else max(1, (os.cpu_count() or 1) // workers)

    def task(pair: int) -> AlignTask:
        src_doc, tgt_doc = store.pair_documents(pair)
        (src_doc, n_src), (tgt_doc, n_tgt) = _clean(src_doc, furniture), _clean(tgt_doc, furniture)
        summary.boilerplate_removed += n_src + n_tgt
        src_text, tgt_text = src_doc.text, tgt_doc.text
        return AlignTask(
            pair, src_text, tgt_text, src_lang, tgt_lang, encoder, params,
            None if dask_address else threads,
        )  # fmt: skip

    def write(result: AlignResult) -> None:
        summary.align_seconds += result.seconds
        if result.error is not None:
            store.mark_failed(result.pair, result.error, result.seconds)
            summary.failed_now += 1
        else:
            reasons = [filter_reason(b, filters, src_lang, tgt_lang) for b in result.beads]
            store.write_alignment(
                result.pair, result.beads, reasons, signature=result.signature,
                warnings=result.warnings, seconds=result.seconds, sentences=result.sentences,
            )  # fmt: skip
            summary.aligned_now += 1
        advance(1)

    if dask_address:
        _run_dask(dask_address, pending, task, write)
    elif workers > 1:
        _run_pool(workers, pending, task, write)
    else:
        for pair in pending:
            # looked up at call time (not bound at import), so a wrapper can stand in for it
            write(align_task(task(pair)))


def _run_pool(
    workers: int,
    pending: Sequence[int],
    task: Callable[[int], AlignTask],
    write: Callable[[AlignResult], None],
) -> None:
    """A local process pool; a bounded window of tasks in flight keeps memory flat, and each
    result is written as soon as it arrives."""
    import multiprocessing

    # spawn: the parent holds a SQLite connection and (maybe) a progress thread; forking those
    # is unsafe. Workers import egiz afresh.
    context = multiprocessing.get_context("spawn")
    todo = iter(pending)
    window = 2 * workers
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        inflight: set[Future[AlignResult]] = set()

        def fill() -> None:
            while len(inflight) < window and (pair := next(todo, None)) is not None:
                inflight.add(pool.submit(align_task, task(pair)))

        fill()
        try:
            while inflight:
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for future in done:
                    inflight.discard(future)
                    write(future.result())
                fill()
        except BrokenProcessPool:
            raise EgizError(
                "a worker process died (out of memory?); the pairs it had stay pending: "
                "run again to resume"
            ) from None
        except BaseException:
            for future in inflight:
                future.cancel()
            raise


def _exit_with_parent(parent: int) -> None:
    """Pool worker start-up: exit when the parent is gone. A killed (SIGKILL) miner cannot shut
    its pool down, and idle workers would otherwise wait for tasks forever."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="egiz-parent-watch", daemon=True).start()


def _run_dask(
    address: str,
    pending: Sequence[int],
    task: Callable[[int], AlignTask],
    write: Callable[[AlignResult], None],
) -> None:
    """On a Dask cluster: `client.map` over the first window of pending pairs, one more
    submitted per result; the parent writes each result as it arrives."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise EgizError(
            "aligning on Dask needs dask[distributed]: pip install 'dask[distributed]'"
        ) from None
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise EgizError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        window = max(4, 2 * sum(client.nthreads().values()))
        todo = iter(pending)
        first = [task(pair) for _, pair in zip(range(window), todo, strict=False)]
        futures = client.map(align_task, first, pure=False)
        queue = as_completed(futures)
        try:
            for future in queue:
                result = future.result()
                future.release()
                write(result)
                if (pair := next(todo, None)) is not None:
                    queue.add(client.submit(align_task, task(pair), pure=False))
        except BaseException:
            client.cancel(list(queue.futures))
            raise
