"""`egiz review`: check and correct alignments in the browser, saved to the corpus store.

    from egiz.review import serve
    serve("corpus.db")                          # http://127.0.0.1:8000/

Two files instead of a store: `load_files()` aligns them into a (review) store first, then the
same app runs over it; `egiz export --store` writes the corrected alignment either way.
"""

from __future__ import annotations

import secrets
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from egiz.align import AlignParams
from egiz.corpus.store import Store, text_hash
from egiz.document import Document
from egiz.errors import EgizError
from egiz.review.edits import ACTIONS, EditConflict, EditRejected, apply_edit, undo_edit
from egiz.review.server import LOOPBACK_HOSTS, WatchedFile, create_app, uvicorn_log_config

__all__ = [
    "ACTIONS",
    "EditConflict",
    "EditRejected",
    "WatchedFile",
    "apply_edit",
    "create_app",
    "load_files",
    "serve",
    "undo_edit",
]


@dataclass(frozen=True)
class _Pair:
    src_id: str
    tgt_id: str
    score: float = 1.0


@dataclass(frozen=True)
class _Pairing:
    pairs: tuple[_Pair, ...]
    signature: str = "given"


def load_files(
    src: str | Path,
    tgt: str | Path,
    store_path: str | Path,
    *,
    src_lang: str = "kk",
    tgt_lang: str = "ru",
    encoder: str = "e5",
    encoding: str | None = None,
    params: AlignParams | None = None,
    progress: bool = False,
    src_encoding: str | None = None,
    tgt_encoding: str | None = None,
) -> tuple[int, tuple[WatchedFile, WatchedFile]]:
    """Align two files as one document pair into the store (once: a pair already there with the
    same texts is reused, corrections and all). Returns the pair id and the files to watch.

    A file whose text changed since its pair was stored: the old pair is replaced when nobody
    corrected it, otherwise EgizError (its corrections would be lost).
    """
    from egiz.corpus.mine import mine
    from egiz.read import read_article

    src_path, tgt_path = Path(src), Path(tgt)
    src_encoding, tgt_encoding = src_encoding or encoding, tgt_encoding or encoding  # per side
    texts = (read_article(src_path, src_encoding), read_article(tgt_path, tgt_encoding))
    ids = (src_path.name, tgt_path.name)
    hashes = (text_hash(texts[0]), text_hash(texts[1]))
    with Store(store_path) as store:
        for row in store.query(
            "SELECT p.id, s.text_hash, t.text_hash, (SELECT COUNT(*) FROM edits e "
            "WHERE e.pair = p.id) FROM doc_pairs p "
            "JOIN documents s ON s.id = p.src_id AND s.side = 'src' "
            "JOIN documents t ON t.id = p.tgt_id AND t.side = 'tgt' "
            "WHERE p.src_id = ? OR p.tgt_id = ?",
            ids,
        ):
            if (row[1], row[2]) == hashes:
                continue
            if row[3]:
                raise EgizError(
                    f"{store.path} holds pair {row[0]} with another version of {ids[0]} or "
                    f"{ids[1]} and {row[3]} corrections: review it with --store "
                    f"{store.path}, or pass another --store for the new text"
                )
            store.forget_pair(row[0])  # nothing corrected: nothing lost
    mine(
        [
            Document(ids[0], texts[0], src_lang, source=str(src_path.resolve())),
            Document(ids[1], texts[1], tgt_lang, source=str(tgt_path.resolve())),
        ],
        store_path, src_lang=src_lang, tgt_lang=tgt_lang, encoder=encoder,
        params=params, pair_fn=lambda *_, **__: _Pairing((_Pair(*ids),)), progress=progress,
    )  # fmt: skip
    with Store(store_path) as store:
        found = store.query(
            "SELECT id, status, error FROM doc_pairs WHERE src_id = ? AND tgt_id = ?", ids
        )
        problems = store.query(
            "SELECT message FROM problems WHERE source IN (?, ?) ORDER BY id DESC LIMIT 1",
            (str(src_path.resolve()), str(tgt_path.resolve())),
        )
    if not found:
        why = problems[0][0] if problems else "the pair could not be stored"
        raise EgizError(f"cannot review {src_path} and {tgt_path}: {why}")
    if found[0]["status"] != "aligned":
        raise EgizError(f"cannot align {src_path} and {tgt_path}: {found[0]['error']}")
    watched = (
        WatchedFile(src_path.resolve(), "src", src_encoding, hashes[0]),
        WatchedFile(tgt_path.resolve(), "tgt", tgt_encoding, hashes[1]),
    )
    return int(found[0]["id"]), watched


def _urls(host: str, port: int) -> list[str]:
    """The URL to open: for a wildcard address (0.0.0.0, ::) the machine's name, which other
    machines can use, then the loopback one; for any other address, that address."""
    if host in ("0.0.0.0", "::", ""):
        name = socket.gethostname()
        loopback = "127.0.0.1" if host != "::" else "[::1]"
        return [f"http://{name}:{port}/", f"http://{loopback}:{port}/"]
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}:{port}/"]


def serve(
    store_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    watched: tuple[WatchedFile, ...] = (),
    start_path: str = "/",
) -> None:
    """Run the review app until interrupted. Bound to a non-loopback address it always needs an
    access token (one is made up when none is given); the URL to open is printed on stderr."""
    import uvicorn

    host = host.strip("[]")  # "[::1]" as written in a URL
    loopback = host in LOOPBACK_HOSTS
    if not loopback and not token:
        token = secrets.token_urlsafe(18)
    app = create_app(
        store_path, token=token, allowed_hosts=LOOPBACK_HOSTS if loopback else None,
        watched=watched,
    )  # fmt: skip
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise EgizError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)  # listening before the URL is printed: early requests wait, not fail
    port = sock.getsockname()[1]
    tail = (f"?token={token}" if token else "") + f"#{start_path}"
    urls = _urls(host, port)
    print(f"egiz review: {urls[0]}{tail}", file=sys.stderr, flush=True)
    if len(urls) > 1:
        print(f"egiz review: on this machine: {urls[1]}{tail}", file=sys.stderr, flush=True)
    print("egiz review: press Ctrl+C to stop", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_config=uvicorn_log_config(), timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
