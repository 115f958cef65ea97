"""The corpus store: one embedded SQLite file holding a mining run's documents, problems, document
pairs, beads and run log.

Every unit of work is one transaction: a document pair's beads are written together with its status
change (pending -> aligned) and the duplicate bookkeeping they cause, so a killed run leaves either
the whole pair or nothing. WAL journal: readers (export, progress polling) never block the writer,
and a crash loses at most the transaction in flight.

Schema (see `_SCHEMA`):

- ``meta(key, value)``: schema version, languages, alignment settings, filter settings.
- ``runs``: one row per `mine` run: state (running/done/failed/interrupted), settings signature,
  counts and timings (JSON).
- ``documents``: id, lang, side (src/tgt/other), title, url, date, source, text hash, text; `seen`
  says whether pairing has considered it. Unique by (lang, id): a kk and a ru file may share a name.
- ``problems``: what the reader (or the store: duplicates) could not use.
- ``doc_pairs``: src_id, tgt_id (one-to-one), pairing score, status pending/aligned/failed, error.
- ``beads``: keyed by (pair, idx): sentence ids, kind, alignment score, texts, the measures the
  filters use, keep flag and the reason a bead was filtered, and which bead it duplicates;
  `origin` ("aligner" or "review": linked by hand) and `bad` (marked bad in review).
- ``sentences``: each pair's sentences per side, with their paragraph: what review edits regroup.
- ``edits``: the review history: every correction with the beads it replaced and wrote, so any
  edit can be undone and concurrent edits are all on record.
- ``boilerplate``: lines found repeated across a site's documents (site, line key, documents),
  taken out of the texts before alignment (`egiz.corpus.filters`).

A review edit rewrites one pair's beads in one transaction with its history row and the pair's
`revision`; the corpus (export) therefore always reflects the corrected alignment.

Duplicates are decided independently of the order in which pairs are written: among beads that pass
every other filter and share a near-duplicate key, the one first in (src document id, tgt document
id, idx) order is kept (document ids, not pair numbers: those depend on how the input was batched).
So one worker, a process pool and a Dask cluster build the same corpus, and so do one run and
several runs over the same documents.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from egiz.alignment import Alignment, Bead, Sentence
from egiz.document import Document, Problem
from egiz.errors import EgizError

SCHEMA_VERSION = 2
_BUSY_TIMEOUT_S = 30.0
SIDES = ("src", "tgt", "other")
# Reasons a bead is not in the corpus. "omission" marks 1-0/0-1 beads: stored (nothing is lost)
# but never parallel data. The duplicate reasons are decided by the store, the rest by the miner.
DUPLICATE_REASONS = ("duplicate", "near-duplicate")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'interrupted')),
    signature TEXT NOT NULL,
    settings TEXT NOT NULL,
    counts TEXT,
    seconds REAL,
    align_seconds REAL
);
CREATE TABLE IF NOT EXISTS documents (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    lang TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('src', 'tgt', 'other')),
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    date TEXT NOT NULL,
    source TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    run INTEGER,
    seen INTEGER NOT NULL DEFAULT 0,
    UNIQUE (lang, id)
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents (text_hash);
CREATE INDEX IF NOT EXISTS documents_id ON documents (id, side);
CREATE INDEX IF NOT EXISTS documents_unseen ON documents (seen) WHERE seen = 0;
CREATE TABLE IF NOT EXISTS problems (
    id INTEGER PRIMARY KEY,
    run INTEGER,
    source TEXT NOT NULL,
    location TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    UNIQUE (source, location, kind, message)
);
CREATE TABLE IF NOT EXISTS doc_pairs (
    id INTEGER PRIMARY KEY,
    src_id TEXT NOT NULL UNIQUE,
    tgt_id TEXT NOT NULL UNIQUE,
    score REAL NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'aligned', 'failed')),
    run INTEGER,
    pairing TEXT NOT NULL,
    alignment TEXT,
    warnings TEXT,
    error TEXT,
    seconds REAL,
    revision INTEGER NOT NULL DEFAULT 0,
    reviewed REAL
);
CREATE INDEX IF NOT EXISTS doc_pairs_status ON doc_pairs (status, id);
CREATE TABLE IF NOT EXISTS beads (
    pair INTEGER NOT NULL REFERENCES doc_pairs (id),
    idx INTEGER NOT NULL,
    src_ids TEXT NOT NULL,
    tgt_ids TEXT NOT NULL,
    kind TEXT NOT NULL,
    score REAL NOT NULL,
    src_text TEXT NOT NULL,
    tgt_text TEXT NOT NULL,
    len_ratio REAL,
    numbers REAL,
    src_detected TEXT NOT NULL,
    tgt_detected TEXT NOT NULL,
    eligible INTEGER NOT NULL,
    keep INTEGER NOT NULL,
    reason TEXT,
    exact_key TEXT,
    near_key TEXT,
    dup_pair INTEGER,
    dup_idx INTEGER,
    origin TEXT NOT NULL DEFAULT 'aligner',
    bad INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pair, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS beads_near ON beads (near_key) WHERE eligible = 1;
CREATE INDEX IF NOT EXISTS beads_keep ON beads (keep, pair);
CREATE TABLE IF NOT EXISTS sentences (
    pair INTEGER NOT NULL REFERENCES doc_pairs (id),
    side TEXT NOT NULL CHECK (side IN ('src', 'tgt')),
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    PRIMARY KEY (pair, side, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edits (
    id INTEGER PRIMARY KEY,
    pair INTEGER NOT NULL REFERENCES doc_pairs (id),
    at REAL NOT NULL,
    client TEXT NOT NULL,
    action TEXT NOT NULL,
    revision INTEGER NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    undoes INTEGER
);
CREATE INDEX IF NOT EXISTS edits_pair ON edits (pair, id);
CREATE TABLE IF NOT EXISTS boilerplate (
    site TEXT NOT NULL,
    line TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (site, line)
) WITHOUT ROWID;
"""

# Schema 1 -> 2: review columns and tables (the new tables come from _SCHEMA itself).
_MIGRATE_1_TO_2 = (
    "ALTER TABLE doc_pairs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE doc_pairs ADD COLUMN reviewed REAL",
    "ALTER TABLE beads ADD COLUMN origin TEXT NOT NULL DEFAULT 'aligner'",
    "ALTER TABLE beads ADD COLUMN bad INTEGER NOT NULL DEFAULT 0",
)

# What `egiz review` keeps so that no request re-reads or re-analyses a whole pair (additive and
# idempotent, no schema version change): the divergence notes of each bead, the pair's review
# state (JSON: its sentences' generation, the notes' version, the idx spacing), and an index for
# duplicate references, which follow a bead when review renumbers a pair.
_REVIEW_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS review_notes (pair INTEGER NOT NULL, idx INTEGER NOT NULL, "
    "notes TEXT NOT NULL, PRIMARY KEY (pair, idx)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS beads_dup ON beads (dup_pair, dup_idx) WHERE dup_pair IS NOT NULL",
)
_REVIEW_COLUMNS = (("doc_pairs", "review", "TEXT"),)
# Review leaves gaps between a pair's idx values, so that an edit inserts beads without moving
# the rest of the pair (rewriting 10,000 rows took ~0.4 s): idx orders beads, it is not a count.
REVIEW_SPACING = 1024


def _add_review_schema(conn: sqlite3.Connection) -> None:
    for statement in _REVIEW_SCHEMA:
        conn.execute(statement)
    for table, column, decl in _REVIEW_COLUMNS:
        if column not in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """Open read-only. A WAL store needs its -shm/-wal side files, which SQLite cannot create in
    a read-only folder: there (and only when no -wal file holds unmerged commits) the file is
    opened as immutable, which needs none."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_S)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        wal = path.with_name(path.name + "-wal")
        if os.access(path.parent, os.W_OK) or (wal.exists() and wal.stat().st_size):
            raise
    return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=_BUSY_TIMEOUT_S)


@dataclass(frozen=True, slots=True)
class BeadRecord:
    """One bead as mined: texts, alignment score and the measures the filters look at.

    `len_ratio` is source over target characters and `numbers` the share of numbers written in
    digits that the other side also has (None: no digits on either side); both are None for an
    omission. `src_detected`/`tgt_detected` are `detect_language` of each side ("" if empty).
    """

    idx: int
    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    score: float
    src_text: str
    tgt_text: str
    len_ratio: float | None
    numbers: float | None
    src_detected: str
    tgt_detected: str
    origin: str = "aligner"  # "review": made by hand in egiz review
    bad: bool = False  # marked bad in review: never in the corpus

    @property
    def kind(self) -> str:
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"

    @property
    def is_omission(self) -> bool:
        return not self.src_ids or not self.tgt_ids


# A filter: the reason a bead is not kept (None: it passes), duplicates aside.
ReasonFn = Callable[[BeadRecord], "str | None"]


def text_hash(text: str) -> str:
    """Identity of a document's text: sha1 of the NFC text without surrounding whitespace."""
    return hashlib.sha1(unicodedata.normalize("NFC", text.strip()).encode("utf-8")).hexdigest()


_SPACES = re.compile(r"\s+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def exact_key(src: str, tgt: str) -> str:
    """Same key: the same pair up to Unicode normalisation and whitespace."""

    def norm(s: str) -> str:
        return _SPACES.sub(" ", unicodedata.normalize("NFKC", s)).strip()

    return hashlib.sha1(f"{norm(src)}\x00{norm(tgt)}".encode()).hexdigest()


def near_key(src: str, tgt: str) -> str:
    """Same key: the same pair after lowercasing and removing digits, punctuation and spaces
    (boilerplate that differs only in a date or a count)."""

    def norm(s: str) -> str:
        return _NOT_LETTERS.sub("", unicodedata.normalize("NFKC", s).casefold())

    return hashlib.sha1(f"{norm(src)}\x00{norm(tgt)}".encode()).hexdigest()


def _ids(ids: Sequence[int]) -> str:
    return ",".join(map(str, ids))


def parse_ids(text: str) -> tuple[int, ...]:
    return tuple(int(i) for i in text.split(",")) if text else ()


class Store:
    """A corpus store file. Open with `Store(path)` (created if missing) or `readonly=True`.

    Every sqlite3 error surfaces as one `EgizError` line naming the file (read-only file, disk
    full, not a database ...); a failed transaction is rolled back, so the store stays consistent.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly and not self.path.is_file():
            raise EgizError(f"no corpus store at {self.path}")
        with self._errors("open"):
            if readonly:
                self.conn = _connect_readonly(self.path)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S)
        self.conn.isolation_level = None  # transactions are explicit: BEGIN IMMEDIATE ... COMMIT
        self.conn.row_factory = sqlite3.Row
        try:
            with self._errors("open"):
                self.conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
                if not readonly:
                    self.conn.execute("PRAGMA journal_mode = WAL")
                    # WAL + NORMAL survives a killed process; only a power cut can lose the
                    # last commits, and even then the file stays consistent.
                    self.conn.execute("PRAGMA synchronous = NORMAL")
                    with self.transaction("create the schema"):
                        # statement by statement: executescript() would commit mid-transaction
                        for statement in _SCHEMA.split(";"):
                            if statement.strip():
                                self.conn.execute(statement)
                        self.conn.execute(
                            "INSERT OR IGNORE INTO meta VALUES ('schema', ?)",
                            (str(SCHEMA_VERSION),),
                        )
                        if self.get_meta("schema") == "1":
                            for statement in _MIGRATE_1_TO_2:
                                self.conn.execute(statement)
                            self.conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
                        _add_review_schema(self.conn)
                version = self.get_meta("schema")
                if version is None:
                    raise EgizError(f"{self.path} is not an egiz corpus store")
                if version != str(SCHEMA_VERSION):
                    upgrade = (
                        ": open it once for writing (egiz mine or egiz review) to upgrade it"
                        if readonly and version.isdigit() and int(version) < SCHEMA_VERSION
                        else ""
                    )
                    raise EgizError(
                        f"corpus store {self.path} has schema {version}; this egiz reads "
                        f"{SCHEMA_VERSION}{upgrade}"
                    )
        except BaseException:
            self.conn.close()
            raise

    # ------------------------------------------------------------------ plumbing
    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            msg = str(exc)
            if "readonly" in msg or "read-only" in msg:
                hint = "the file or its folder is read-only"
            elif "full" in msg:
                hint = "the disk is full"
            else:
                hint = msg
            raise EgizError(f"corpus store {self.path}: cannot {what}: {hint} ({msg})") from None

    @contextlib.contextmanager
    def transaction(self, what: str = "write") -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it commits, or (on any error) none of it."""
        with self._errors(what):
            self.conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not halfway through
            try:
                yield self.conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._errors("read"):
            return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ meta and runs
    def get_meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, values: dict[str, str]) -> None:
        """Store settings (one transaction)."""
        with self.transaction("write settings") as c:
            c.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    def begin_run(self, signature: str, settings: dict[str, Any]) -> int:
        """Log a new run. A run still marked running whose process is gone was killed: it is
        marked interrupted. One whose process is alive on this host means the store is in use."""
        host = socket.gethostname()
        with self.transaction("start a run") as c:
            for row in c.execute("SELECT id, pid, host FROM runs WHERE state = 'running'"):
                if row["host"] == host and row["pid"] != os.getpid() and _alive(row["pid"]):
                    raise EgizError(
                        f"corpus store {self.path} is being mined by process {row['pid']}"
                    )
            c.execute("UPDATE runs SET state = 'interrupted' WHERE state = 'running'")
            cur = c.execute(
                "INSERT INTO runs (pid, host, started, state, signature, settings) "
                "VALUES (?, ?, ?, 'running', ?, ?)",
                (os.getpid(), host, time.time(), signature, json.dumps(settings, sort_keys=True)),
            )
            return int(cur.lastrowid or 0)

    def end_run(
        self, run: int, state: str, counts: dict[str, Any], seconds: float, align_seconds: float
    ) -> None:
        with self.transaction("finish the run") as c:
            c.execute(
                "UPDATE runs SET state = ?, finished = ?, counts = ?, seconds = ?, "
                "align_seconds = ? WHERE id = ?",
                (state, time.time(), json.dumps(counts), seconds, align_seconds, run),
            )

    # ------------------------------------------------------------------ documents and problems
    def add_documents(
        self, docs: Iterable[Document], sides: dict[str, str], run: int
    ) -> tuple[dict[str, int], list[Problem]]:
        """Insert documents not stored yet (one transaction); `sides` maps a language to
        "src"/"tgt" (any other language is "other"). Returns new documents per side and the
        duplicates found (same text as a stored document, or a stored id with another text:
        the stored one is kept). A document already stored with the same text is skipped."""
        added = dict.fromkeys(SIDES, 0)
        problems: list[Problem] = []
        with self.transaction("store documents") as c:
            for doc in docs:
                h = text_hash(doc.text)
                same_id = c.execute(
                    "SELECT text_hash FROM documents WHERE lang = ? AND id = ?", (doc.lang, doc.id)
                ).fetchone()
                if same_id is not None:
                    if same_id[0] != h:
                        problems.append(_dup(doc, f"id {doc.id!r} is stored with another text"))
                    continue
                same_text = c.execute(
                    "SELECT id FROM documents WHERE text_hash = ? LIMIT 1", (h,)
                ).fetchone()
                if same_text is not None:
                    problems.append(_dup(doc, f"same text as document {same_text[0]!r}"))
                    continue
                side = sides.get(doc.lang, "other")
                c.execute(
                    "INSERT INTO documents (id, lang, side, title, url, date, source, text_hash, "
                    "text, run, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.id, doc.lang, side, doc.title, doc.url, doc.date, doc.source, h,
                        doc.text, run, 0 if side != "other" else 1,
                    ),
                )  # fmt: skip
                added[side] += 1
        return added, problems

    def add_problems(self, problems: Iterable[Problem], run: int) -> None:
        rows = [(run, p.source, p.location, p.kind, p.message) for p in problems]
        if not rows:
            return
        with self.transaction("store problems") as c:
            c.executemany(
                "INSERT OR IGNORE INTO problems (run, source, location, kind, message) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def has_unseen(self) -> bool:
        """Whether documents arrived that pairing has not considered yet."""
        return bool(self.query("SELECT 1 FROM documents WHERE seen = 0 LIMIT 1"))

    def unpaired_documents(self, side: str) -> list[Document]:
        """Documents of one side that are in no pair, by id."""
        col = "src_id" if side == "src" else "tgt_id"
        rows = self.query(
            f"SELECT id, text, lang, title, url, date, source FROM documents d WHERE side = ? "
            f"AND NOT EXISTS (SELECT 1 FROM doc_pairs p WHERE p.{col} = d.id) ORDER BY id",
            (side,),
        )
        return [Document(*row) for row in rows]

    def all_documents(self, sides: Sequence[str] = ("src", "tgt")) -> Iterator[Document]:
        """Every document of the given sides, by side and id, streamed."""
        marks = ", ".join("?" for _ in sides)
        with self._errors("read documents"):
            cur = self.conn.execute(
                "SELECT id, text, lang, title, url, date, source FROM documents "
                f"WHERE side IN ({marks}) ORDER BY side, id",
                tuple(sides),
            )
            while rows := cur.fetchmany(500):
                for row in rows:
                    yield Document(*row)

    def boilerplate_lines(self) -> dict[str, dict[str, int]]:
        """site -> {line key: documents} as last found."""
        out: dict[str, dict[str, int]] = {}
        for site, line, n in self.query("SELECT site, line, documents FROM boilerplate"):
            out.setdefault(site, {})[line] = int(n)
        return out

    def set_boilerplate_lines(self, lines: dict[str, dict[str, int]]) -> None:
        """Replace the boilerplate lines (one transaction)."""
        with self.transaction("store boilerplate lines") as c:
            c.execute("DELETE FROM boilerplate")
            c.executemany(
                "INSERT INTO boilerplate (site, line, documents) VALUES (?, ?, ?)",
                [(site, line, n) for site, found in lines.items() for line, n in found.items()],
            )

    def pair_documents(self, pair: int) -> tuple[Document, Document]:
        """The source and target Document of a pair."""
        row = self.pair_row(pair)
        src_text, tgt_text = self.pair_texts(pair)
        return (
            Document(row["src_id"], src_text, row["src_lang"], row["src_title"], row["src_url"],
                     "", row["src_source"]),
            Document(row["tgt_id"], tgt_text, row["tgt_lang"], row["tgt_title"], row["tgt_url"],
                     "", row["tgt_source"]),
        )  # fmt: skip

    def realign_pairs(self, pairs: Iterable[int]) -> int:
        """Send pairs back to pending (their beads and sentences removed, duplicate flags
        settled again): their texts changed. Pinned pairs (`pinned_pairs`) are left alone.
        Returns how many were reset."""
        pinned = set(self.pinned_pairs())
        n = 0
        with self.transaction("reset pairs for re-alignment") as c:
            for pid in sorted(set(pairs)):
                row = c.execute("SELECT src_id, tgt_id FROM doc_pairs WHERE id = ?", (pid,))
                found = row.fetchone()
                if found is None or (found[0], found[1]) in pinned:
                    continue
                keys = {
                    r[0]
                    for r in c.execute(
                        "SELECT near_key FROM beads WHERE pair = ? AND near_key IS NOT NULL", (pid,)
                    )
                }
                c.execute("DELETE FROM beads WHERE pair = ?", (pid,))
                c.execute("DELETE FROM sentences WHERE pair = ?", (pid,))
                c.execute(
                    "UPDATE doc_pairs SET status = 'pending', alignment = NULL, error = NULL "
                    "WHERE id = ?",
                    (pid,),
                )
                for nk in sorted(keys):
                    _settle_duplicates(c, nk)
                n += 1
        return n

    def pinned_pairs(self) -> list[tuple[str, str]]:
        """(src_id, tgt_id) of the pairs a person touched in review (accepted, or with any
        edit): re-pairing never removes them."""
        rows = self.query(
            "SELECT src_id, tgt_id FROM doc_pairs p WHERE reviewed IS NOT NULL "
            "OR EXISTS (SELECT 1 FROM edits e WHERE e.pair = p.id) ORDER BY src_id, tgt_id"
        )
        return [(r[0], r[1]) for r in rows]

    def side_documents(self, side: str, exclude: Iterable[str] = ()) -> list[Document]:
        """Every document of one side but those with ids in `exclude`, by id."""
        skip = set(exclude)
        rows = self.query(
            "SELECT id, text, lang, title, url, date, source FROM documents WHERE side = ? "
            "ORDER BY id",
            (side,),
        )
        return [Document(*row) for row in rows if row[0] not in skip]

    def replace_pairs(
        self, pairs: Sequence[tuple[str, str, float]], signature: str, run: int
    ) -> tuple[int, int]:
        """Make the store's document pairs those of a pairing of the whole store (one
        transaction): pairs it no longer has are removed with their beads and sentences, new
        ones added as pending, kept ones keep their alignment (their score is updated). Pinned
        pairs (`pinned_pairs`) are never removed. Every document is marked seen. Returns
        (added, removed)."""
        wanted = {(s, t): float(score) for s, t, score in pairs}
        pinned = set(self.pinned_pairs())
        with self.transaction("store document pairs") as c:
            stored = {
                (r[0], r[1]): r[2] for r in c.execute("SELECT src_id, tgt_id, id FROM doc_pairs")
            }
            gone = [pid for key, pid in stored.items() if key not in wanted and key not in pinned]
            keys: set[str] = set()
            for pid in gone:
                keys.update(
                    r[0]
                    for r in c.execute(
                        "SELECT near_key FROM beads WHERE pair = ? AND near_key IS NOT NULL", (pid,)
                    )
                )
                for table in ("beads", "sentences", "edits"):
                    c.execute(f"DELETE FROM {table} WHERE pair = ?", (pid,))
                c.execute("DELETE FROM doc_pairs WHERE id = ?", (pid,))
            for key, score in wanted.items():
                if key in stored:
                    c.execute(
                        "UPDATE doc_pairs SET score = ?, pairing = ? WHERE id = ?",
                        (score, signature, stored[key]),
                    )
            new = sorted(key for key in wanted if key not in stored)
            c.executemany(
                "INSERT INTO doc_pairs (src_id, tgt_id, score, status, run, pairing) "
                "VALUES (?, ?, ?, 'pending', ?, ?)",
                [(s, t, wanted[s, t], run, signature) for s, t in new],
            )
            for nk in sorted(keys):
                _settle_duplicates(c, nk)
            c.execute("UPDATE documents SET seen = 1 WHERE seen = 0")
        return len(new), len(gone)

    def add_pairs(self, pairs: Sequence[tuple[str, str, float]], signature: str, run: int) -> int:
        """Store new document pairs (pending) and mark every document as seen by pairing, in one
        transaction. Pairs are numbered in (src_id, tgt_id) order: ids are deterministic."""
        with self.transaction("store document pairs") as c:
            c.executemany(
                "INSERT INTO doc_pairs (src_id, tgt_id, score, status, run, pairing) "
                "VALUES (?, ?, ?, 'pending', ?, ?)",
                [(s, t, float(score), run, signature) for s, t, score in sorted(pairs)],
            )
            c.execute("UPDATE documents SET seen = 1 WHERE seen = 0")
        return len(pairs)

    def pending_pairs(self, *, retry_failed: bool = False) -> list[int]:
        states = "('pending', 'failed')" if retry_failed else "('pending')"
        return [
            r[0]
            for r in self.query(f"SELECT id FROM doc_pairs WHERE status IN {states} ORDER BY id")
        ]

    def pair_texts(self, pair: int) -> tuple[str, str]:
        """Source and target text of a document pair."""
        row = self.query(
            "SELECT s.text, t.text FROM doc_pairs p "
            "JOIN documents s ON s.id = p.src_id AND s.side = 'src' "
            "JOIN documents t ON t.id = p.tgt_id AND t.side = 'tgt' WHERE p.id = ?",
            (pair,),
        )
        if not row:
            raise EgizError(f"corpus store {self.path}: document pair {pair} has no documents")
        return row[0][0], row[0][1]

    # ------------------------------------------------------------------ beads
    def write_alignment(
        self,
        pair: int,
        beads: Sequence[BeadRecord],
        reasons: Sequence[str | None],
        *,
        signature: str,
        warnings: Sequence[str] = (),
        seconds: float = 0.0,
        sentences: tuple[Sequence[Sentence], Sequence[Sentence]] | None = None,
    ) -> None:
        """Store one pair's beads (and its source and target `sentences`, which review edits
        regroup) and mark it aligned: ONE transaction, duplicates included.

        `reasons[i]` is why bead i fails a filter (None: it passes); the store adds duplicate
        decisions across the whole corpus. A pair that is not pending is left alone (a result
        that arrives twice, e.g. from a retried Dask task, is written once).
        """
        with self.transaction("store an alignment") as c:
            row = c.execute("SELECT status FROM doc_pairs WHERE id = ?", (pair,)).fetchone()
            if row is None or row[0] == "aligned":
                return
            c.execute("DELETE FROM beads WHERE pair = ?", (pair,))  # a retried failed pair
            c.execute("DELETE FROM sentences WHERE pair = ?", (pair,))
            groups = _insert_beads(c, pair, beads, reasons)
            if sentences is not None:
                c.executemany(
                    "INSERT INTO sentences (pair, side, idx, text, paragraph) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [
                        (pair, side, i, sent.text, sent.paragraph)
                        for side, sents in zip(("src", "tgt"), sentences, strict=True)
                        for i, sent in enumerate(sents)
                    ],
                )
            for nk in sorted(groups):
                _settle_duplicates(c, nk)
            c.execute(
                "UPDATE doc_pairs SET status = 'aligned', alignment = ?, warnings = ?, "
                "error = NULL, seconds = ? WHERE id = ?",
                (signature, json.dumps(list(warnings), ensure_ascii=False), seconds, pair),
            )

    def mark_failed(self, pair: int, error: str, seconds: float = 0.0) -> None:
        with self.transaction("record a failed alignment") as c:
            c.execute(
                "UPDATE doc_pairs SET status = 'failed', error = ?, seconds = ? "
                "WHERE id = ? AND status != 'aligned'",
                (error, seconds, pair),
            )

    def refilter(self, reason_fn: ReasonFn) -> int:
        """Apply new filter settings to every stored bead (one transaction), duplicates included;
        no re-alignment. Returns how many beads changed their keep flag."""
        with self.transaction("re-filter the corpus") as c:
            before = {(r[0], r[1]): r[2] for r in c.execute("SELECT pair, idx, keep FROM beads")}
            updates = []
            for r in c.execute("SELECT * FROM beads").fetchall():
                bead = _record(r)
                reason = "omission" if bead.is_omission else reason_fn(bead)
                eligible = reason is None
                ek = exact_key(bead.src_text, bead.tgt_text) if eligible else None
                nk = near_key(bead.src_text, bead.tgt_text) if eligible else None
                updates.append((int(eligible), int(eligible), reason, ek, nk, r["pair"], r["idx"]))
            c.executemany(
                "UPDATE beads SET eligible = ?, keep = ?, reason = ?, exact_key = ?, "
                "near_key = ?, dup_pair = NULL, dup_idx = NULL WHERE pair = ? AND idx = ?",
                updates,
            )
            keys = [
                r[0] for r in c.execute("SELECT DISTINCT near_key FROM beads WHERE eligible = 1")
            ]
            for nk in keys:
                _settle_duplicates(c, nk)
            after = {(r[0], r[1]): r[2] for r in c.execute("SELECT pair, idx, keep FROM beads")}
        return sum(before[k] != after[k] for k in before)

    # ------------------------------------------------------------------ counts
    def counts(self) -> dict[str, Any]:
        """Totals over the whole store (for the mining summary)."""

        def by(sql: str) -> dict[str, int]:
            return {str(k): int(v) for k, v in self.query(sql)}

        docs = by("SELECT side, COUNT(*) FROM documents GROUP BY side")
        unpaired = {
            side: int(
                self.query(
                    f"SELECT COUNT(*) FROM documents d WHERE side = ? AND NOT EXISTS "
                    f"(SELECT 1 FROM doc_pairs p WHERE p.{col} = d.id)",
                    (side,),
                )[0][0]
            )
            for side, col in (("src", "src_id"), ("tgt", "tgt_id"))
        }
        return {
            "documents": {s: docs.get(s, 0) for s in SIDES},
            "unpaired": unpaired,
            "pairs": by("SELECT status, COUNT(*) FROM doc_pairs GROUP BY status"),
            "beads": by("SELECT kind, COUNT(*) FROM beads GROUP BY kind ORDER BY kind"),
            "kept": int(self.query("SELECT COUNT(*) FROM beads WHERE keep = 1")[0][0]),
            "filtered": by(
                "SELECT reason, COUNT(*) FROM beads WHERE keep = 0 AND reason != 'omission' "
                "GROUP BY reason ORDER BY reason"
            ),
            "problems": by("SELECT kind, COUNT(*) FROM problems GROUP BY kind ORDER BY kind"),
        }

    def beads(
        self, *, min_score: float | None = None, include_filtered: bool = False
    ) -> Iterator[sqlite3.Row]:
        """Aligned beads in corpus order (pair, idx) with their documents' provenance: kept ones,
        or every aligned bead with `include_filtered` (omissions never)."""
        where = ["b.src_ids != ''", "b.tgt_ids != ''"]
        params: list[Any] = []
        if not include_filtered:
            where.append("b.keep = 1")
        if min_score is not None:  # a bead a person linked passes whatever its score
            where.append("(b.score >= ? OR b.origin = 'review')")
            params.append(min_score)
        sql = (
            "SELECT b.*, p.src_id, p.tgt_id, s.url AS src_url, t.url AS tgt_url, "
            "s.lang AS src_lang, t.lang AS tgt_lang FROM beads b "
            "JOIN doc_pairs p ON p.id = b.pair "
            "JOIN documents s ON s.id = p.src_id AND s.side = 'src' "
            "JOIN documents t ON t.id = p.tgt_id AND t.side = 'tgt' "
            # document order, not pair ids: the same corpus however the input was batched
            f"WHERE {' AND '.join(where)} ORDER BY p.src_id, p.tgt_id, b.idx"
        )
        with self._errors("read beads"):
            cur = self.conn.execute(sql, params)
            while rows := cur.fetchmany(1000):
                yield from rows

    # ------------------------------------------------------------------ review
    def pair_row(self, pair: int) -> sqlite3.Row:
        """A document pair with both documents' ids, titles, urls, sources and text hashes."""
        rows = self.query(
            "SELECT p.*, s.title AS src_title, t.title AS tgt_title, s.url AS src_url, "
            "t.url AS tgt_url, s.source AS src_source, t.source AS tgt_source, "
            "s.text_hash AS src_hash, t.text_hash AS tgt_hash, s.lang AS src_lang, "
            "t.lang AS tgt_lang FROM doc_pairs p "
            "JOIN documents s ON s.id = p.src_id AND s.side = 'src' "
            "JOIN documents t ON t.id = p.tgt_id AND t.side = 'tgt' WHERE p.id = ?",
            (pair,),
        )
        if not rows:
            raise EgizError(f"corpus store {self.path} has no document pair {pair}")
        return rows[0]

    def pair_beads(self, pair: int) -> list[BeadRecord]:
        """One pair's beads in alignment order."""
        return [_record(r) for r in self.pair_bead_rows(pair)]

    def pair_bead_rows(self, pair: int) -> list[sqlite3.Row]:
        """One pair's bead rows (keep flags and reasons included), in alignment order."""
        return self.query("SELECT * FROM beads WHERE pair = ? ORDER BY idx", (pair,))

    def pair_sentences(self, pair: int) -> tuple[list[Sentence], list[Sentence]]:
        """One pair's source and target sentences. A pair aligned by egiz < 0.2 (schema 1) has
        none stored: its documents are split again and checked against the stored beads."""
        rows = self.query(
            "SELECT side, text, paragraph FROM sentences WHERE pair = ? ORDER BY side, idx",
            (pair,),
        )
        if rows:
            return (
                [Sentence(r[1], r[2]) for r in rows if r[0] == "src"],
                [Sentence(r[1], r[2]) for r in rows if r[0] == "tgt"],
            )
        return self._resplit(pair)

    def _resplit(self, pair: int) -> tuple[list[Sentence], list[Sentence]]:
        from egiz.text import split_sentences

        info = self.pair_row(pair)
        if info["status"] != "aligned":
            raise EgizError(f"document pair {pair} is {info['status']}, not aligned")
        src_text, tgt_text = self.pair_texts(pair)
        src = split_sentences(src_text, info["src_lang"])
        tgt = split_sentences(tgt_text, info["tgt_lang"])
        for bead in self.pair_beads(pair):
            joined = (
                " ".join(src[i].text for i in bead.src_ids if i < len(src)),
                " ".join(tgt[j].text for j in bead.tgt_ids if j < len(tgt)),
            )
            if joined != (bead.src_text, bead.tgt_text):
                raise EgizError(
                    f"document pair {pair} was aligned by an older egiz that did not store its "
                    "sentences, and splitting it again gives other sentences: mine it again"
                )
        return list(src), list(tgt)

    def pair_alignment(self, pair: int) -> Alignment:
        """One pair's (corrected) alignment as an `Alignment`."""
        src, tgt = self.pair_sentences(pair)
        info = self.pair_row(pair)
        beads = [Bead(b.src_ids, b.tgt_ids, b.score) for b in self.pair_beads(pair)]
        return Alignment(
            src, tgt, beads, src_lang=info["src_lang"], tgt_lang=info["tgt_lang"],
            signature=info["alignment"] or "",
            warnings=tuple(json.loads(info["warnings"] or "[]")),
        )  # fmt: skip

    def aligned_pairs(self) -> list[int]:
        return [r[0] for r in self.query("SELECT id FROM doc_pairs WHERE status = 'aligned'")]

    def edit_pair(
        self,
        pair: int,
        change: Callable[[list[BeadRecord]], tuple[list[BeadRecord], Any, Any]],
        reason_fn: ReasonFn,
        *,
        client: str,
        action: str,
        undoes: int | None = None,
    ) -> tuple[int, int]:
        """Rewrite one pair's beads as `change(current beads)` says, in ONE transaction with
        its history row: `change` returns (all new beads in order, what it replaced, what it
        wrote), the last two JSON-serialisable, and may raise EgizError to refuse. Duplicate
        flags are settled again for every key the pair had or has. Returns (edit id, revision).

        The current beads are read inside the write transaction, so two servers or two tabs
        editing the same pair never lose a correction: each edit applies to the latest state.
        """
        with self.transaction("save a correction") as c:
            row = c.execute("SELECT status, revision FROM doc_pairs WHERE id = ?", (pair,))
            found = row.fetchone()
            if found is None or found[0] != "aligned":
                raise EgizError(f"document pair {pair} is not aligned")
            current = [
                _record(r)
                for r in c.execute("SELECT * FROM beads WHERE pair = ? ORDER BY idx", (pair,))
            ]
            beads, before, after = change(current)
            old_keys = {
                r[0]
                for r in c.execute(
                    "SELECT near_key FROM beads WHERE pair = ? AND near_key IS NOT NULL", (pair,)
                )
            }
            c.execute("DELETE FROM beads WHERE pair = ?", (pair,))
            beads = [replace(b, idx=i) for i, b in enumerate(beads)]
            new_keys = _insert_beads(c, pair, beads, [reason_fn(b) for b in beads])
            for nk in sorted(old_keys | new_keys):
                _settle_duplicates(c, nk)
            revision = int(found[1]) + 1
            # beads renumbered from 0: review prepares the pair again (notes, idx spacing)
            c.execute(
                "UPDATE doc_pairs SET revision = ?, review = NULL WHERE id = ?", (revision, pair)
            )
            c.execute("DELETE FROM review_notes WHERE pair = ?", (pair,))
            cur = c.execute(
                "INSERT INTO edits (pair, at, client, action, revision, before, after, undoes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pair, time.time(), client, action, revision,
                    json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False),
                    undoes,
                ),
            )  # fmt: skip
            return int(cur.lastrowid or 0), revision

    def edit_row(self, edit: int) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM edits WHERE id = ?", (edit,))
        return rows[0] if rows else None

    def pair_edits(self, pair: int) -> list[sqlite3.Row]:
        """The review history of one pair, oldest first."""
        return self.query("SELECT * FROM edits WHERE pair = ? ORDER BY id", (pair,))

    def set_reviewed(self, pair: int, reviewed: bool, client: str = "") -> int:
        """Accept a pair (or take the acceptance back); logged in the history. Returns the new
        revision."""
        with self.transaction("accept a pair") as c:
            found = c.execute("SELECT revision FROM doc_pairs WHERE id = ?", (pair,)).fetchone()
            if found is None:
                raise EgizError(f"corpus store {self.path} has no document pair {pair}")
            revision = int(found[0]) + 1
            c.execute(
                "UPDATE doc_pairs SET reviewed = ?, revision = ? WHERE id = ?",
                (time.time() if reviewed else None, revision, pair),
            )
            c.execute(
                "INSERT INTO edits (pair, at, client, action, revision, before, after) "
                "VALUES (?, ?, ?, ?, ?, '[]', '[]')",
                (pair, time.time(), client, "accept" if reviewed else "unaccept", revision),
            )
            return revision

    def forget_pair(self, pair: int) -> None:
        """Remove a pair, its beads, sentences, history and both documents (one transaction);
        duplicate flags elsewhere are settled again."""
        with self.transaction("remove a pair") as c:
            ids = c.execute("SELECT src_id, tgt_id FROM doc_pairs WHERE id = ?", (pair,))
            found = ids.fetchone()
            if found is None:
                return
            keys = {
                r[0]
                for r in c.execute(
                    "SELECT near_key FROM beads WHERE pair = ? AND near_key IS NOT NULL", (pair,)
                )
            }
            for table in ("beads", "sentences", "edits", "review_notes"):
                c.execute(f"DELETE FROM {table} WHERE pair = ?", (pair,))
            c.execute("DELETE FROM doc_pairs WHERE id = ?", (pair,))
            c.execute("DELETE FROM documents WHERE side = 'src' AND id = ?", (found[0],))
            c.execute("DELETE FROM documents WHERE side = 'tgt' AND id = ?", (found[1],))
            for nk in sorted(keys):
                _settle_duplicates(c, nk)

    def pair_summaries(self) -> list[sqlite3.Row]:
        """Every aligned pair with its coverage per side (share of characters in aligned beads),
        mean aligned score, bead counts, review state and number of edits, by id."""
        return self.query(
            "SELECT p.id, p.src_id, p.tgt_id, p.score AS pair_score, p.revision, p.reviewed, "
            "s.title AS src_title, t.title AS tgt_title, "
            "COUNT(b.idx) AS beads, "
            "SUM(b.src_ids != '' AND b.tgt_ids != '') AS linked, "
            "SUM(b.bad) AS bad, SUM(b.origin = 'review') AS edited, "
            "SUM(CASE WHEN b.src_ids = '' THEN 1 ELSE 0 END) AS only_tgt, "
            "SUM(CASE WHEN b.tgt_ids = '' THEN 1 ELSE 0 END) AS only_src, "
            f"COALESCE(SUM(CASE WHEN b.tgt_ids != '' THEN {_chars('src')} END) * 1.0 "
            f"  / NULLIF(SUM({_chars('src')}), 0), 1.0) AS coverage_src, "
            f"COALESCE(SUM(CASE WHEN b.src_ids != '' THEN {_chars('tgt')} END) * 1.0 "
            f"  / NULLIF(SUM({_chars('tgt')}), 0), 1.0) AS coverage_tgt, "
            "AVG(CASE WHEN b.src_ids != '' AND b.tgt_ids != '' THEN b.score END) AS mean_score, "
            "(SELECT COUNT(*) FROM edits e WHERE e.pair = p.id) AS edits "
            "FROM doc_pairs p "
            "JOIN documents s ON s.id = p.src_id AND s.side = 'src' "
            "JOIN documents t ON t.id = p.tgt_id AND t.side = 'tgt' "
            "LEFT JOIN beads b ON b.pair = p.id "
            "WHERE p.status = 'aligned' GROUP BY p.id ORDER BY p.id"
        )

    # ------------------------------------------------------------------ review at scale
    def has_review_schema(self) -> bool:
        """Whether this store holds review's notes and state (a read-only store written by an
        older egiz may not)."""
        cols = {r[1] for r in self.query("PRAGMA table_info(doc_pairs)")}
        tables = {r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return "review" in cols and "review_notes" in tables

    def bead_outline(self, pair: int) -> list[sqlite3.Row]:
        """One pair's beads without their texts (ids, score, origin, bad, characters per side),
        in order: what the review page needs to lay out and navigate a pair of any size."""
        return self.query(
            f"SELECT b.idx, b.src_ids, b.tgt_ids, b.score, b.origin, b.bad, "
            f"{_chars('src')} AS src_chars, {_chars('tgt')} AS tgt_chars "
            "FROM beads b WHERE b.pair = ? ORDER BY b.idx",
            (pair,),
        )

    def bead_rows(self, pair: int, first: int, last: int) -> list[sqlite3.Row]:
        """The bead rows of one pair with `first <= idx <= last`, in order."""
        return self.query(
            "SELECT * FROM beads WHERE pair = ? AND idx BETWEEN ? AND ? ORDER BY idx",
            (pair, first, last),
        )

    def sentence_range(self, pair: int, side: str, first: int, last: int) -> list[sqlite3.Row]:
        """(idx, text, paragraph) of one side's sentences `first..last` (inclusive)."""
        return self.query(
            "SELECT idx, text, paragraph FROM sentences WHERE pair = ? AND side = ? "
            "AND idx BETWEEN ? AND ? ORDER BY idx",
            (pair, side, first, last),
        )

    def review_notes(self, pair: int) -> dict[int, str]:
        """Stored divergence notes of one pair's beads, by idx (JSON text)."""
        rows = self.query("SELECT idx, notes FROM review_notes WHERE pair = ?", (pair,))
        return {int(r[0]): r[1] for r in rows}

    def prepare_review(
        self, pair: int, revision: int, state: str, notes: Sequence[str | None], *, renumber: bool
    ) -> bool:
        """Store a pair's review state (JSON) and its beads' `notes` (one per bead in order,
        None for none), and with `renumber` give its beads idx values REVIEW_SPACING apart:
        one transaction. False (nothing written) if the pair's revision is no longer
        `revision`."""
        with self.transaction("prepare a pair for review") as c:
            found = c.execute("SELECT revision FROM doc_pairs WHERE id = ?", (pair,)).fetchone()
            if found is None or int(found[0]) != revision:
                return False
            if renumber:
                _renumber(c, pair)
            idx = [r[0] for r in c.execute("SELECT idx FROM beads WHERE pair = ? ORDER BY idx",
                                           (pair,))]  # fmt: skip
            if len(idx) != len(notes):
                return False
            c.execute("DELETE FROM review_notes WHERE pair = ?", (pair,))
            c.executemany(
                "INSERT INTO review_notes (pair, idx, notes) VALUES (?, ?, ?)",
                [(pair, i, n) for i, n in zip(idx, notes, strict=True) if n],
            )
            c.execute("UPDATE doc_pairs SET review = ? WHERE id = ?", (state, pair))
        return True

    def splice_beads(
        self,
        pair: int,
        *,
        revision: int,
        removed: Sequence[int],
        after_idx: int | None,
        before_idx: int | None,
        beads: Sequence[BeadRecord],
        reason_fn: ReasonFn,
        notes: Sequence[str | None],
        client: str,
        action: str,
        before: Any,
        after: Any,
        undoes: int | None = None,
    ) -> tuple[int, int, list[int], bool] | None:
        """Replace the beads of one pair with idx in `removed` (consecutive, between the beads
        `after_idx` and `before_idx`; None: the pair's start or end) by `beads`, in ONE
        transaction with the history row, the notes and the pair's revision; the rest of the
        pair is not touched (duplicates are settled for the keys involved). Returns (edit id, new
        revision, the new beads' idx, whether the pair was renumbered), or None if the pair's
        revision is no longer `revision` (another writer came first: read again). The pair is
        renumbered first when the gap between `after_idx` and `before_idx` is too small for the
        new beads."""
        with self.transaction("save a correction") as c:
            found = c.execute(
                "SELECT status, revision FROM doc_pairs WHERE id = ?", (pair,)
            ).fetchone()
            if found is None or found[0] != "aligned":
                raise EgizError(f"document pair {pair} is not aligned")
            if int(found[1]) != revision:
                return None
            low = -1 if after_idx is None else after_idx
            renumbered = before_idx is not None and before_idx - low - 1 < len(beads)
            if renumbered:
                assert before_idx is not None
                remap = _renumber(c, pair)
                removed = [remap[i] for i in removed]
                low = -1 if after_idx is None else remap[after_idx]
                before_idx = remap[before_idx]
            if before_idx is None:
                new_idx = [low + REVIEW_SPACING * (k + 1) for k in range(len(beads))]
            else:
                step = (before_idx - low) / (len(beads) + 1)
                new_idx = [low + int(step * (k + 1)) for k in range(len(beads))]
            old_keys: set[str] = set()
            for i in removed:
                row = c.execute(
                    "SELECT near_key FROM beads WHERE pair = ? AND idx = ?", (pair, i)
                ).fetchone()
                if row is None:  # the caller's view of the pair is out of date
                    return None
                if row[0] is not None:
                    old_keys.add(row[0])
            c.executemany(
                "DELETE FROM beads WHERE pair = ? AND idx = ?", [(pair, i) for i in removed]
            )
            c.executemany(
                "DELETE FROM review_notes WHERE pair = ? AND idx = ?", [(pair, i) for i in removed]
            )
            placed = [replace(b, idx=i) for b, i in zip(beads, new_idx, strict=True)]
            new_keys = _insert_beads(c, pair, placed, [reason_fn(b) for b in placed])
            c.executemany(
                "INSERT INTO review_notes (pair, idx, notes) VALUES (?, ?, ?)",
                [(pair, i, n) for i, n in zip(new_idx, notes, strict=True) if n],
            )
            for nk in sorted(old_keys | new_keys):
                _settle_duplicates(c, nk)
            new_revision = revision + 1
            c.execute("UPDATE doc_pairs SET revision = ? WHERE id = ?", (new_revision, pair))
            cur = c.execute(
                "INSERT INTO edits (pair, at, client, action, revision, before, after, undoes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pair, time.time(), client, action, new_revision,
                    json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False),
                    undoes,
                ),
            )  # fmt: skip
            return int(cur.lastrowid or 0), new_revision, new_idx, renumbered


def _renumber(c: sqlite3.Connection, pair: int) -> dict[int, int]:
    """Give one pair's beads (and its notes, and duplicate references to them) idx values
    REVIEW_SPACING apart, in their order; returns old idx -> new idx. Two passes through
    negative values, so that no two rows ever share an idx on the way."""
    old = [r[0] for r in c.execute("SELECT idx FROM beads WHERE pair = ? ORDER BY idx", (pair,))]
    remap = {i: (k + 1) * REVIEW_SPACING for k, i in enumerate(old)}
    c.execute("DROP TABLE IF EXISTS temp.egiz_remap")
    c.execute("CREATE TEMP TABLE egiz_remap (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
    c.executemany("INSERT INTO temp.egiz_remap VALUES (?, ?)", list(remap.items()))
    for table in ("beads", "review_notes"):
        c.execute(
            f"UPDATE {table} SET idx = -1 - (SELECT new FROM temp.egiz_remap r "
            f"WHERE r.old = {table}.idx) WHERE pair = ?",
            (pair,),
        )
        c.execute(f"UPDATE {table} SET idx = -1 - idx WHERE pair = ? AND idx < 0", (pair,))
    c.execute(
        "UPDATE beads SET dup_idx = (SELECT new FROM temp.egiz_remap r WHERE r.old = "
        "beads.dup_idx) WHERE dup_pair = ? AND dup_idx IS NOT NULL",
        (pair,),
    )
    c.execute("DROP TABLE temp.egiz_remap")
    return remap


def _chars(side: str) -> str:
    """SQL: characters of a bead side's sentences (its text less the spaces that join them), so
    coverage here equals `egiz.report`'s."""
    return (
        f"(length(b.{side}_text) - length(b.{side}_ids) + length(replace(b.{side}_ids, ',', '')))"
    )


def _record(row: sqlite3.Row) -> BeadRecord:
    return BeadRecord(
        idx=row["idx"],
        src_ids=parse_ids(row["src_ids"]),
        tgt_ids=parse_ids(row["tgt_ids"]),
        score=row["score"],
        src_text=row["src_text"],
        tgt_text=row["tgt_text"],
        len_ratio=row["len_ratio"],
        numbers=row["numbers"],
        src_detected=row["src_detected"],
        tgt_detected=row["tgt_detected"],
        origin=row["origin"],
        bad=bool(row["bad"]),
    )


def _insert_beads(
    c: sqlite3.Connection,
    pair: int,
    beads: Sequence[BeadRecord],
    reasons: Sequence[str | None],
) -> set[str]:
    """Insert one pair's beads (keep = eligible until duplicates are settled); return their
    near-duplicate keys."""
    groups: set[str] = set()
    rows = []
    for bead, reason in zip(beads, reasons, strict=True):
        eligible = reason is None and not bead.is_omission
        ek = exact_key(bead.src_text, bead.tgt_text) if eligible else None
        nk = near_key(bead.src_text, bead.tgt_text) if eligible else None
        if nk is not None:
            groups.add(nk)
        rows.append(
            (
                pair, bead.idx, _ids(bead.src_ids), _ids(bead.tgt_ids), bead.kind,
                float(bead.score), bead.src_text, bead.tgt_text, bead.len_ratio,
                bead.numbers, bead.src_detected, bead.tgt_detected, int(eligible),
                int(eligible), reason, ek, nk, bead.origin, int(bead.bad),
            )
        )  # fmt: skip
    c.executemany(
        "INSERT INTO beads (pair, idx, src_ids, tgt_ids, kind, score, src_text, tgt_text, "
        "len_ratio, numbers, src_detected, tgt_detected, eligible, keep, reason, exact_key, "
        "near_key, origin, bad) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return groups


def _settle_duplicates(c: sqlite3.Connection, nk: str) -> None:
    """Among eligible beads with near-duplicate key `nk`, keep the first in (src id, tgt id, idx)
    order; mark
    the others duplicate (same exact key) or near-duplicate of it. Order-independent: writing
    pairs in any order ends in the same flags."""
    group = c.execute(
        "SELECT b.pair, b.idx, b.exact_key, b.keep, b.reason, b.dup_pair, b.dup_idx FROM beads b "
        "JOIN doc_pairs p ON p.id = b.pair WHERE b.near_key = ? AND b.eligible = 1 "
        "ORDER BY p.src_id, p.tgt_id, b.idx",
        (nk,),
    ).fetchall()
    if not group:  # every bead of the group was edited away
        return
    first = group[0]
    for i, (pair, idx, ek, keep, reason, dup_pair, dup_idx) in enumerate(group):
        if i == 0:
            want: tuple[Any, ...] = (1, None, None, None)
        else:
            why = "duplicate" if ek == first[2] else "near-duplicate"
            want = (0, why, first[0], first[1])
        if (keep, reason, dup_pair, dup_idx) != want:
            c.execute(
                "UPDATE beads SET keep = ?, reason = ?, dup_pair = ?, dup_idx = ? "
                "WHERE pair = ? AND idx = ?",
                (*want, pair, idx),
            )


def _dup(doc: Document, message: str) -> Problem:
    return Problem(doc.source or doc.id, "", "duplicate", f"{doc.lang} document: {message}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
