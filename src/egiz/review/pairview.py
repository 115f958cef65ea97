"""One document pair as the review page sees it, kept between requests so that no request
re-reads or re-analyses the whole pair.

A pair of 10,000 beads is about 4 MB of text and its divergence notes take seconds to compute:
the page therefore gets an *outline* (a few characters per bead: kind, sentence counts and
lengths, what is wrong with it) and *windows* of beads with their texts, and an edit reads,
rewrites and answers with the beads around the sentences it names and nothing else.

The notes of every bead and the pair's *generation* (a hash of its sentences) are computed once
and kept in the store (`review_notes`, `doc_pairs.review`); the store's idx values are spread
out (`REVIEW_SPACING`) so that an edit inserts beads without renumbering the rest. A read-only
store keeps all of that in memory only. The cache is checked against the pair's revision and
texts at every request, so another tab, server or `egiz mine` never leaves a stale view.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from egiz.align import DEFAULT_MIN_SCORE
from egiz.alignment import Sentence
from egiz.corpus.store import REVIEW_SPACING, BeadRecord, ReasonFn, Store, parse_ids
from egiz.errors import EgizError
from egiz.report.diverge import bead_divergence
from egiz.review.edits import Change, EditConflict, EditRejected, PairText
from egiz.text.names import CONTEXT_BEADS

__all__ = ["NOTES_VERSION", "PARAPHRASE_BELOW", "PairState", "PairViews", "generation"]

# Aligned beads scoring below this (a probability of being a translation under one half) are shown
# as "low score: paraphrase?".
PARAPHRASE_BELOW = DEFAULT_MIN_SCORE
# Bump when the analysis behind the notes changes: stored notes are then computed again.
NOTES_VERSION = "2"
WINDOW_MAX = 300  # beads per window request
# A pair this long opens at once and gets its notes in the background (a few seconds of work).
BACKGROUND_NOTES_FROM = 1500
log = logging.getLogger("egiz.review")
PROBLEMS = "stnmlb"  # outline flags the page can jump between (see `_flag`)
_CHARS_PER_UNIT = 40  # outline lengths are in units of 40 characters, one base-36 digit
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def generation(src: Sequence[Sentence], tgt: Sequence[Sentence]) -> str:
    """A hash of a pair's sentences: an edit made on a page that loaded other sentences (the
    pair was aligned again since) is refused."""
    h = hashlib.sha1()
    for side in (src, tgt):
        for s in side:
            h.update(f"{s.paragraph}\x00{s.text}\x01".encode())
        h.update(b"\x02")
    return h.hexdigest()[:16]


@dataclass
class PairState:
    """Everything about a pair's beads except their texts, in bead order."""

    pair: int
    stamp: tuple[Any, ...]  # what the cached state is valid for
    revision: int
    generation: str
    src_lang: str
    tgt_lang: str
    n_src: int
    n_tgt: int
    idx: list[int]
    src: list[tuple[int, ...]]
    tgt: list[tuple[int, ...]]
    score: list[float]
    origin: list[str]
    bad: list[bool]
    src_chars: list[int]
    tgt_chars: list[int]
    notes: list[list[tuple[str, str]]]
    src_pos: list[int]  # sentence -> position of its bead
    tgt_pos: list[int]
    notes_ready: bool = True  # False while a long pair's notes are computed in the background

    def __len__(self) -> int:
        return len(self.idx)

    def linked(self, k: int) -> bool:
        return bool(self.src[k]) and bool(self.tgt[k])

    def locate(self) -> None:
        self.src_pos = [0] * self.n_src
        self.tgt_pos = [0] * self.n_tgt
        for k, (s, t) in enumerate(zip(self.src, self.tgt, strict=True)):
            for i in s:
                self.src_pos[i] = k
            for j in t:
                self.tgt_pos[j] = k


@dataclass(frozen=True)
class EditOutcome:
    edit: int
    base: int  # the revision the edit was applied to
    start: int  # position of the first bead the edit changed
    removed: int  # beads it took out there
    added: int  # beads it put in their place


class PairViews:
    """The review server's view of a store's pairs (one per server process)."""

    def __init__(self, store: Store, *, writable: bool) -> None:
        self.store = store
        self.writable = writable and store.has_review_schema()
        self._cache: dict[int, PairState] = {}
        self._running: set[int] = set()  # pairs whose notes a thread is computing
        self._lock = threading.Lock()
        self._folded: dict[tuple[int, str], tuple[list[str], list[str]]] = {}

    # ------------------------------------------------------------------ state
    def state(self, pair: int) -> PairState:
        info = self.store.pair_row(pair)
        if info["status"] != "aligned":
            raise EgizError(f"document pair {pair} is {info['status']}, not aligned")
        review = info["review"] if "review" in info.keys() else None  # noqa: SIM118 - sqlite3.Row
        stamp = (info["revision"], info["src_hash"], info["tgt_hash"], review)
        cached = self._cache.get(pair)
        if cached is not None and cached.stamp == stamp:
            return cached
        state = self._load(pair, info, stamp, json.loads(review) if review else {})
        if len(self._cache) > 8:  # a reviewer works on a few pairs at a time
            self._cache.pop(next(iter(self._cache)))
        self._cache[pair] = state
        return state

    def forget(self, pair: int) -> None:
        self._cache.pop(pair, None)

    def _notes_in_background(self, pair: int) -> None:
        """Compute a pair's notes in a thread with its own connection and store them; an edit
        meanwhile (the revision moved) makes it start again."""
        with self._lock:
            if pair in self._running:
                return
            self._running.add(pair)

        def job() -> None:
            try:
                with Store(self.store.path) as store:
                    for _ in range(5):
                        info = store.pair_row(pair)
                        review = json.loads(info["review"] or "{}")
                        outline = store.bead_outline(pair)
                        src, tgt = store.pair_sentences(pair)
                        src_ids = [parse_ids(r["src_ids"]) for r in outline]
                        tgt_ids = [parse_ids(r["tgt_ids"]) for r in outline]
                        notes = _all_notes(
                            src, tgt, src_ids, tgt_ids, info["src_lang"], info["tgt_lang"]
                        )
                        texts = [json.dumps(n, ensure_ascii=False) if n else None for n in notes]
                        state = json.dumps({**review, "notes": NOTES_VERSION})
                        if store.prepare_review(
                            pair, int(info["revision"]), state, texts, renumber=False
                        ):
                            return
            except Exception:  # the pair opens again later and tries again; say why
                log.exception("egiz review: notes of pair %s", pair)
            finally:
                with self._lock:
                    self._running.discard(pair)

        threading.Thread(target=job, name=f"egiz-notes-{pair}", daemon=True).start()

    def _load(
        self, pair: int, info: Any, stamp: tuple[Any, ...], review: dict[str, Any]
    ) -> PairState:
        outline = self.store.bead_outline(pair)
        src_ids = [parse_ids(r["src_ids"]) for r in outline]
        tgt_ids = [parse_ids(r["tgt_ids"]) for r in outline]
        ready = review.get("notes") == NOTES_VERSION and review.get("spacing")
        notes_ready = True
        if ready:
            stored = self.store.review_notes(pair)
            notes = [_parse_notes(stored.get(r["idx"])) for r in outline]
            gen = str(review["generation"])
            n_src = sum(len(s) for s in src_ids)
            n_tgt = sum(len(t) for t in tgt_ids)
        elif self.writable and len(outline) >= BACKGROUND_NOTES_FROM:
            # a long pair: open it now, compute its notes in the background (seconds)
            if review.get("notes") != "pending" or not review.get("spacing"):
                src, tgt = self.store.pair_sentences(pair)
                state = json.dumps(
                    {"generation": generation(src, tgt), "notes": "pending",
                     "spacing": REVIEW_SPACING}
                )  # fmt: skip
                self.store.prepare_review(
                    pair, int(info["revision"]), state, [None] * len(outline),
                    renumber=not review.get("spacing"),
                )  # fmt: skip
                return self.state(pair)
            self._notes_in_background(pair)
            notes = [[] for _ in outline]
            notes_ready = False
            gen = str(review["generation"])
            n_src = sum(len(s) for s in src_ids)
            n_tgt = sum(len(t) for t in tgt_ids)
        else:
            src, tgt = self.store.pair_sentences(pair)
            gen = generation(src, tgt)
            n_src, n_tgt = len(src), len(tgt)
            notes = _all_notes(src, tgt, src_ids, tgt_ids, info["src_lang"], info["tgt_lang"])
            if self.writable:
                state = json.dumps(
                    {"generation": gen, "notes": NOTES_VERSION, "spacing": REVIEW_SPACING}
                )
                texts = [json.dumps(n, ensure_ascii=False) if n else None for n in notes]
                renumber = not review.get("spacing")
                if self.store.prepare_review(pair, int(info["revision"]), state, texts,
                                             renumber=renumber):  # fmt: skip
                    return self.state(pair)  # read back what was stored (new idx values)
        st = PairState(
            pair=pair, stamp=stamp, revision=int(info["revision"]), generation=gen,
            src_lang=info["src_lang"], tgt_lang=info["tgt_lang"], n_src=n_src, n_tgt=n_tgt,
            idx=[r["idx"] for r in outline], src=src_ids, tgt=tgt_ids,
            score=[float(r["score"]) for r in outline], origin=[r["origin"] for r in outline],
            bad=[bool(r["bad"]) for r in outline],
            src_chars=[int(r["src_chars"]) for r in outline],
            tgt_chars=[int(r["tgt_chars"]) for r in outline],
            notes=notes, src_pos=[], tgt_pos=[], notes_ready=notes_ready,
        )  # fmt: skip
        st.locate()
        return st

    # ------------------------------------------------------------------ what the page gets
    def summary(self, st: PairState) -> dict[str, Any]:
        """Coverage per side and bead counts (one pass over the outline)."""
        total_src = total_tgt = cov_src = cov_tgt = 0
        linked = only_src = only_tgt = problems = 0
        for k in range(len(st)):
            total_src += st.src_chars[k]
            total_tgt += st.tgt_chars[k]
            if st.src[k] and st.tgt[k]:
                linked += 1
                cov_src += st.src_chars[k]
                cov_tgt += st.tgt_chars[k]
            elif st.src[k]:
                only_src += 1
            else:
                only_tgt += 1
            if _flag(st, k) in PROBLEMS:
                problems += 1
        return {
            "beads": len(st),
            "coverage_src": cov_src / total_src if total_src else 1.0,
            "coverage_tgt": cov_tgt / total_tgt if total_tgt else 1.0,
            "counts": {
                "linked": linked,
                "only_src": only_src,
                "only_tgt": only_tgt,
                "hand": st.origin.count("review"),
                "bad": sum(st.bad),
                "problems": problems,
            },
        }

    def flags(self, st: PairState, start: int, end: int) -> str:
        """The outline flags of beads start..end-1 (see `_flag`)."""
        return "".join(_flag(st, k) for k in range(start, end))

    def outline(self, st: PairState) -> dict[str, str]:
        """One character per bead and field (see the page): flags, sentence counts and lengths
        per side (base 36, capped at 35)."""
        return {
            "flags": "".join(_flag(st, k) for k in range(len(st))),
            "sn": "".join(_DIGITS[min(35, len(s))] for s in st.src),
            "tn": "".join(_DIGITS[min(35, len(t))] for t in st.tgt),
            "sc": "".join(_units(c) for c in st.src_chars),
            "tc": "".join(_units(c) for c in st.tgt_chars),
        }

    def beads(self, st: PairState, start: int, count: int) -> list[dict[str, Any]]:
        """Beads `start .. start+count-1` with their sentences, notes, keep flag and reason."""
        start = max(0, min(start, len(st)))
        end = min(len(st), start + max(0, min(count, WINDOW_MAX)))
        if start >= end:
            return []
        rows = {
            r["idx"]: r
            for r in self.store.query(
                "SELECT idx, keep, reason FROM beads WHERE pair = ? AND idx BETWEEN ? AND ?",
                (st.pair, st.idx[start], st.idx[end - 1]),
            )
        }
        near = range(max(0, start - CONTEXT_BEADS), min(len(st), end + CONTEXT_BEADS))
        src = self._sentences(st, "src", [st.src[k] for k in near])
        tgt = self._sentences(st, "tgt", [st.tgt[k] for k in near])
        notes = st.notes
        if not st.notes_ready:  # computed for this window now, until the stored ones are in
            notes = list(st.notes)
            for k in range(start, end):
                if st.src[k] and st.tgt[k]:
                    ctx = range(max(0, k - CONTEXT_BEADS), min(len(st), k + CONTEXT_BEADS + 1))
                    notes[k] = _note_texts(
                        [src[i].text for i in st.src[k]], [tgt[j].text for j in st.tgt[k]],
                        [src[i].text for b in ctx for i in st.src[b]],
                        [tgt[j].text for b in ctx for j in st.tgt[b]],
                        st.src_lang, st.tgt_lang,
                    )  # fmt: skip
        out = []
        for k in range(start, end):
            row = rows.get(st.idx[k])
            s_ids, t_ids = st.src[k], st.tgt[k]
            para = any(
                ids and ids[0] > 0 and sents[ids[0]].paragraph != sents[ids[0] - 1].paragraph
                for ids, sents in ((s_ids, src), (t_ids, tgt))
            )
            out.append(
                {
                    "k": k,
                    "src": list(s_ids),
                    "tgt": list(t_ids),
                    "st": [src[i].text for i in s_ids],
                    "tt": [tgt[j].text for j in t_ids],
                    "score": st.score[k],
                    "origin": st.origin[k],
                    "bad": st.bad[k],
                    "keep": bool(row["keep"]) if row is not None else False,
                    "reason": row["reason"] if row is not None else None,
                    "notes": [text for _, text in notes[k]],
                    "para": k > 0 and para,
                }
            )
        return out

    def _sentences(
        self, st: PairState, side: str, beads: Sequence[tuple[int, ...]]
    ) -> dict[int, Sentence]:
        ids = [i for b in beads for i in b]
        if not ids:
            return {}
        first, last = max(0, min(ids) - 1), max(ids)
        rows = self.store.sentence_range(st.pair, side, first, last)
        if len(rows) == last - first + 1:
            return {r["idx"]: Sentence(r["text"], r["paragraph"]) for r in rows}
        src, tgt = self.store.pair_sentences(st.pair)  # an older store: split again
        return dict(enumerate(src if side == "src" else tgt))

    def search(self, st: PairState, query: str, after: int, backwards: bool) -> dict[str, Any]:
        """The next bead after position `after` (or before it) with a sentence containing
        `query` in either language (case-insensitive), wrapping around; and how many match."""
        needle = query.casefold().strip()
        if not needle:
            raise EditRejected("search for at least one letter")
        key = (st.pair, st.generation)
        if key not in self._folded:
            src, tgt = self.store.pair_sentences(st.pair)
            if len(self._folded) > 4:
                self._folded.pop(next(iter(self._folded)))
            self._folded[key] = ([s.text.casefold() for s in src], [s.text.casefold() for s in tgt])
        src_texts, tgt_texts = self._folded[key]
        hits = sorted(
            {st.src_pos[i] for i, t in enumerate(src_texts) if needle in t}
            | {st.tgt_pos[j] for j, t in enumerate(tgt_texts) if needle in t}
        )
        if not hits:
            return {"bead": None, "count": 0}
        if backwards:
            at = bisect.bisect_left(hits, after) - 1
            return {"bead": hits[at], "count": len(hits)}  # -1 wraps to the last
        at = bisect.bisect_right(hits, after)
        return {"bead": hits[at % len(hits)], "count": len(hits)}

    # ------------------------------------------------------------------ edits
    def edit(
        self,
        pair: int,
        change: Callable[[list[BeadRecord], PairText], Change],
        named: tuple[set[int], set[int]],
        reason_fn: ReasonFn,
        *,
        client: str,
        action: str,
        undoes: int | None = None,
    ) -> EditOutcome:
        """Apply `change` to the beads around the sentences `named` (src, tgt), in one store
        transaction that touches those beads only. Retried when another writer came first."""
        if not self.writable:
            raise EgizError("this store is read-only: edits are off")
        for _ in range(4):
            st = self.state(pair)
            lo, hi = _window(st, named)
            ctx_lo, ctx_hi = max(0, lo - CONTEXT_BEADS), min(len(st), hi + CONTEXT_BEADS)
            rows = self.store.bead_rows(pair, st.idx[ctx_lo], st.idx[ctx_hi - 1])
            records = [_bead_record(r) for r in rows]
            if [r.idx for r in records] != st.idx[ctx_lo:ctx_hi]:
                self.forget(pair)
                continue
            window = records[lo - ctx_lo : hi - ctx_lo]
            text = self._window_text(st, lo, hi)
            new, before, after = change(window, text)
            p = 0
            while p < min(len(window), len(new)) and _same(window[p], new[p]):
                p += 1
            q = 0
            while q < min(len(window), len(new)) - p and _same(window[-1 - q], new[-1 - q]):
                q += 1
            old_part, new_part = window[p : len(window) - q], list(new[p : len(new) - q])
            start = lo + p
            around = [*records[: lo - ctx_lo], *new, *records[hi - ctx_lo :]]
            at = lo - ctx_lo + p  # position of new_part[0] in `around`

            def text_of(b: BeadRecord, text: PairText = text) -> tuple[list[str], list[str]]:
                try:  # the window's own sentences, split as the page shows them
                    return [text.src[i].text for i in b.src_ids], [
                        text.tgt[j].text for j in b.tgt_ids
                    ]
                except EditConflict:  # a neighbour beyond the window: its stored text
                    return [b.src_text] if b.src_ids else [], [b.tgt_text] if b.tgt_ids else []

            notes = [
                _notes_of(around, at + k, text.src_lang, text.tgt_lang, text_of)
                for k in range(len(new_part))
            ]
            end = start + len(old_part)
            done = self.store.splice_beads(
                pair, revision=st.revision, removed=[b.idx for b in old_part],
                after_idx=st.idx[start - 1] if start > 0 else None,
                before_idx=st.idx[end] if end < len(st) else None,
                beads=new_part, reason_fn=reason_fn,
                notes=[json.dumps(n, ensure_ascii=False) if n else None for n in notes],
                client=client, action=action, before=before, after=after, undoes=undoes,
            )  # fmt: skip
            if done is None:  # another writer came first: read the pair again
                self.forget(pair)
                continue
            edit_id, revision, new_idx, renumbered = done
            if renumbered:
                self.forget(pair)
            else:
                _splice(st, start, len(old_part), new_part, new_idx, notes)
                st.revision = revision
                st.stamp = (revision, *st.stamp[1:])
            return EditOutcome(edit_id, revision - 1, start, len(old_part), len(new_part))
        raise EditConflict("this pair kept changing while the edit was saved: reload")

    def _window_text(self, st: PairState, lo: int, hi: int) -> PairText:
        """The sentences of beads lo..hi-1 (the window is bounded by links or the ends)."""
        s0 = st.src[lo - 1][-1] + 1 if lo > 0 else 0
        t0 = st.tgt[lo - 1][-1] + 1 if lo > 0 else 0
        s1 = st.src[hi][0] if hi < len(st) else st.n_src
        t1 = st.tgt[hi][0] if hi < len(st) else st.n_tgt
        src = _Slice(st.n_src, s0, self._range(st.pair, "src", s0, s1))
        tgt = _Slice(st.n_tgt, t0, self._range(st.pair, "tgt", t0, t1))
        return PairText(src, tgt, st.src_lang, st.tgt_lang, (s0, s1), (t0, t1))

    def _range(self, pair: int, side: str, first: int, end: int) -> list[Sentence]:
        if end <= first:
            return []
        rows = self.store.sentence_range(pair, side, first, end - 1)
        if len(rows) == end - first:
            return [Sentence(r["text"], r["paragraph"]) for r in rows]
        src, tgt = self.store.pair_sentences(pair)
        return list((src if side == "src" else tgt)[first:end])


# ---------------------------------------------------------------------- helpers


class _Slice(Sequence[Sentence]):
    """Sentences `offset ..` of one side, indexed as in the whole pair; `len` is the whole
    side's (edits check sentence numbers against it)."""

    def __init__(self, total: int, offset: int, sentences: list[Sentence]) -> None:
        self.total, self.offset, self.sentences = total, offset, sentences

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            raise TypeError("no slices")
        k = i - self.offset
        if not 0 <= k < len(self.sentences):
            raise EditConflict(f"sentence {i + 1} is outside the part of the pair being edited")
        return self.sentences[k]

    def __iter__(self) -> Iterator[Sentence]:
        raise TypeError("a window of sentences is not iterated")


def _window(st: PairState, named: tuple[set[int], set[int]]) -> tuple[int, int]:
    """Positions [lo, hi) of the beads holding the named sentences and of every bead between
    them, widened to the links on either side (or the ends): an edit can only move sentences
    within such a window, so the beads outside it stay as they are."""
    src, tgt = named
    found = {st.src_pos[i] for i in src if 0 <= i < st.n_src}
    found |= {st.tgt_pos[j] for j in tgt if 0 <= j < st.n_tgt}
    if not found:
        raise EditRejected("the edit names no sentence of this pair")
    lo, hi = min(found), max(found) + 1
    while lo > 0 and not st.linked(lo - 1):
        lo -= 1
    while hi < len(st) and not st.linked(hi):
        hi += 1
    return lo, hi


def _same(a: BeadRecord, b: BeadRecord) -> bool:
    return (a.src_ids, a.tgt_ids, a.score, a.origin, a.bad) == (
        b.src_ids,
        b.tgt_ids,
        b.score,
        b.origin,
        b.bad,
    )


def _splice(
    st: PairState,
    start: int,
    removed: int,
    beads: Sequence[BeadRecord],
    idx: Sequence[int],
    notes: Sequence[list[tuple[str, str]]],
) -> None:
    end = start + removed
    st.idx[start:end] = list(idx)
    st.src[start:end] = [b.src_ids for b in beads]
    st.tgt[start:end] = [b.tgt_ids for b in beads]
    st.score[start:end] = [b.score for b in beads]
    st.origin[start:end] = [b.origin for b in beads]
    st.bad[start:end] = [b.bad for b in beads]
    st.src_chars[start:end] = [_chars(b.src_text, b.src_ids) for b in beads]
    st.tgt_chars[start:end] = [_chars(b.tgt_text, b.tgt_ids) for b in beads]
    st.notes[start:end] = list(notes)
    st.locate()


def _chars(text: str, ids: tuple[int, ...]) -> int:
    """As the store counts them: the sentences' characters, without the joining spaces."""
    return len(text) - max(0, len(ids) - 1)


def _bead_record(row: Any) -> BeadRecord:
    return BeadRecord(
        idx=row["idx"], src_ids=parse_ids(row["src_ids"]), tgt_ids=parse_ids(row["tgt_ids"]),
        score=row["score"], src_text=row["src_text"], tgt_text=row["tgt_text"],
        len_ratio=row["len_ratio"], numbers=row["numbers"], src_detected=row["src_detected"],
        tgt_detected=row["tgt_detected"], origin=row["origin"], bad=bool(row["bad"]),
    )  # fmt: skip


def _flag(st: PairState, k: int) -> str:
    """One character per bead: b bad, s/t only on the source/target side, n number or m name
    mismatch, l low score (aligner beads only), h made by hand, . nothing to see."""
    if st.bad[k]:
        return "b"
    if not st.tgt[k]:
        return "s"
    if not st.src[k]:
        return "t"
    kinds = {kind for kind, _ in st.notes[k]}
    if "number" in kinds:
        return "n"
    if "name" in kinds:
        return "m"
    if st.origin[k] == "review":
        return "h"
    if st.score[k] < PARAPHRASE_BELOW:
        return "l"
    return "."


def _units(chars: int) -> str:
    return _DIGITS[min(35, -(-chars // _CHARS_PER_UNIT))]


def _parse_notes(text: str | None) -> list[tuple[str, str]]:
    return [(kind, note) for kind, note in json.loads(text)] if text else []


def _note_texts(
    src: Sequence[str],
    tgt: Sequence[str],
    src_ctx: Sequence[str],
    tgt_ctx: Sequence[str],
    src_lang: str,
    tgt_lang: str,
) -> list[tuple[str, str]]:
    found = bead_divergence(src, tgt, src_lang, tgt_lang, src_context=src_ctx, tgt_context=tgt_ctx)
    notes: list[tuple[str, str]] = []
    only_s, only_t = found.numbers
    if only_s and only_t:
        notes.append(("number", f"numbers {' '.join(only_s)} ≠ {' '.join(only_t)}"))
    elif only_s or only_t:
        lang = src_lang if only_s else tgt_lang
        notes.append(("number", f"only {lang} has {', '.join(only_s or only_t)}"))
    for lang, names in ((src_lang, found.names[0]), (tgt_lang, found.names[1])):
        if names:
            notes.append(("name", f"only {lang} names {', '.join(names)}"))
    return notes


def _all_notes(
    src: Sequence[Sentence],
    tgt: Sequence[Sentence],
    src_ids: Sequence[tuple[int, ...]],
    tgt_ids: Sequence[tuple[int, ...]],
    src_lang: str,
    tgt_lang: str,
) -> list[list[tuple[str, str]]]:
    """The notes of every bead, with the same context as `egiz.report.divergences`."""
    out: list[list[tuple[str, str]]] = []
    n = len(src_ids)
    for k in range(n):
        if not src_ids[k] or not tgt_ids[k]:
            out.append([])
            continue
        near = range(max(0, k - CONTEXT_BEADS), min(n, k + CONTEXT_BEADS + 1))
        bead_src = [src[i].text for i in src_ids[k]]
        bead_tgt = [tgt[j].text for j in tgt_ids[k]]
        src_ctx = [src[i].text for b in near for i in src_ids[b]]
        tgt_ctx = [tgt[j].text for b in near for j in tgt_ids[b]]
        out.append(_note_texts(bead_src, bead_tgt, src_ctx, tgt_ctx, src_lang, tgt_lang))
    return out


def _notes_of(
    beads: Sequence[BeadRecord],
    k: int,
    src_lang: str,
    tgt_lang: str,
    text_of: Callable[[BeadRecord], tuple[list[str], list[str]]],
) -> list[tuple[str, str]]:
    """Notes of `beads[k]` given its neighbours (an edit's new beads)."""
    bead = beads[k]
    if bead.is_omission:
        return []
    near = beads[max(0, k - CONTEXT_BEADS) : k + CONTEXT_BEADS + 1]
    src, tgt = text_of(bead)
    return _note_texts(
        src, tgt,
        [t for b in near for t in text_of(b)[0]], [t for b in near for t in text_of(b)[1]],
        src_lang, tgt_lang,
    )  # fmt: skip
