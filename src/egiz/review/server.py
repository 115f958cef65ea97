"""The review web app: a small JSON API over the corpus store, and one static page that uses it.

    GET  /                              the page (pair list and pair view, plain JS, no CDN)
    GET  /api/pairs                     every aligned pair: coverage, score, edits, accepted
    GET  /api/pairs/{id}?at=K           the pair: titles, coverage, counts, an outline of every
                                        bead (a few characters each) and the beads around K
    GET  /api/pairs/{id}/beads?start=K&count=N    beads K..K+N-1 with their sentences and notes
    GET  /api/pairs/{id}/search?q=TEXT&after=K[&back=1]   the next bead with TEXT in either text
    GET  /api/pairs/{id}/revision       for tabs to notice each other's edits
    GET  /api/pairs/{id}/history        every correction, oldest first
    POST /api/pairs/{id}/edit           {generation, client, action, ...}: link/unlink/merge/...
    POST /api/pairs/{id}/undo           {generation, client, edit}
    POST /api/pairs/{id}/accept         {generation, client, reviewed}

A pair of any size costs the same per request: the page draws only what is on screen and asks
for windows of beads; an edit rewrites the beads around the sentences it names, in one SQLite
transaction with its history row and the pair's revision, and answers with those beads only
(see pairview.py). `generation` is a hash of the pair's sentences as the page loaded them: when
the pair was re-aligned, or (reviewing two files) a file changed on disk since, the edit is
refused with 409 and nothing is written. A store that cannot be written (read-only file or
folder) is served read-only: the page says so and every edit is refused with 403.

Every malformed request gets a 4xx with a one-line JSON message (the fuzz test in
tests/test_review.py checks it); an unexpected error gets a 500 with a short message and its
traceback goes to the server's log only.

Security: the server binds to 127.0.0.1 unless told otherwise, and only answers requests whose
Host is a loopback name, IPv6 included (DNS rebinding). Bound elsewhere, it needs an access token
(query `?token=` once, then a cookie). POSTs must be JSON (a cross-site form cannot send that
without a CORS preflight, which this server never allows), and a body is cut off at 1 MiB while
it is read (Content-Length first, then counting). Static files come from a fixed table: no
request path reaches the file system.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from egiz.corpus.mine import FilterParams, filter_reason
from egiz.corpus.store import BeadRecord, Store, text_hash
from egiz.errors import EgizError
from egiz.review.edits import EditConflict, EditRejected, PairText, apply_edit, undo_edit
from egiz.review.pairview import PARAPHRASE_BELOW, PairViews
from egiz.text.names import load_gazetteer

__all__ = ["WatchedFile", "create_app"]

log = logging.getLogger("egiz.review")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
}
_SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
_MAX_BODY = 1 << 20  # a correction is a few hundred bytes
_MAX_ID = (1 << 63) - 1  # SQLite's largest integer
_WINDOW = 120  # beads sent with the pair: a screenful and a margin either side


@dataclass(frozen=True)
class WatchedFile:
    """A file reviewed with `egiz review KK RU`: edits are refused once it changes on disk."""

    path: Path
    side: str  # "src" or "tgt"
    encoding: str | None
    text_hash: str

    def changed(self) -> bool:
        from egiz.read import read_article

        try:
            stat = self.path.stat()
            seen = (stat.st_mtime_ns, stat.st_size)
            if _UNCHANGED.get(self.path) == seen:  # read and hash the file only when touched
                return False
            same = text_hash(read_article(self.path, self.encoding)) == self.text_hash
        except (EgizError, OSError):  # gone or unreadable: changed, as far as this pair goes
            return True
        if same:
            _UNCHANGED[self.path] = seen
        return not same


_UNCHANGED: dict[Path, tuple[int, int]] = {}


class _Problem(Exception):
    def __init__(self, status: int, message: str, *, reload: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reload = reload


def _open_store(path: Path) -> tuple[Store, str | None]:
    """The store for writing, or read-only (with the reason) when it cannot be written."""
    if not path.is_file():
        raise EgizError(f"no corpus store at {path}")
    why = None
    if not os.access(path, os.W_OK):
        why = f"{path} is read-only"
    elif not os.access(path.parent, os.W_OK):
        why = f"the folder of {path} is read-only"
    if why is None:
        try:
            return Store(path), None
        except EgizError as exc:
            if "read-only" not in str(exc):
                raise
            why = f"{path} cannot be written"
    return Store(path, readonly=True), why


def create_app(
    store_path: str | Path,
    *,
    token: str | None = None,
    allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS,
    watched: tuple[WatchedFile, ...] = (),
) -> Starlette:
    """The review app over the corpus store at `store_path` (opened for writing and upgraded,
    or read-only when it cannot be written: then edits are off). `token`: required on every
    request when set. `allowed_hosts`: Host header names answered (None: any; only sensible
    with a token). `watched`: files whose change on disk makes their pair read-only."""
    store_path = Path(store_path)
    store, readonly = _open_store(store_path)  # fail now (not at the first request)
    with store:
        src_lang = store.get_meta("src_lang") or "kk"
        tgt_lang = store.get_meta("tgt_lang") or "ru"
        filters = FilterParams(**json.loads(store.get_meta("filters") or "{}"))
    if readonly is not None:
        readonly = f"{readonly}: viewing only, edits are off"
    load_gazetteer(src_lang, tgt_lang)  # now, not during the first page load
    assets = {
        route: (resources.files("egiz.review").joinpath("static", name).read_bytes(), kind)
        for route, (name, kind) in _STATIC.items()
    }
    state: dict[str, Any] = {}

    def reason(bead: BeadRecord) -> str | None:
        return filter_reason(bead, filters, src_lang, tgt_lang)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # opened in the event loop's thread: every request handler runs there, one at a time
        opened, _ = _open_store(store_path)
        state["store"] = opened
        state["views"] = PairViews(opened, writable=readonly is None and not opened.readonly)
        try:
            yield
        finally:
            state.pop("views")
            state.pop("store").close()

    def db() -> Store:
        return state["store"]

    def views() -> PairViews:
        return state["views"]

    # ------------------------------------------------------------------ views
    async def page(request: Request) -> Response:
        body, kind = assets[request.url.path]
        return Response(body, media_type=kind)

    async def pairs(request: Request) -> Response:
        rows = db().pair_summaries()
        return JSONResponse(
            {
                "store": store_path.name,
                "src_lang": src_lang,
                "tgt_lang": tgt_lang,
                "readonly": readonly,
                "pairs": [_summary(r) for r in rows],
            }
        )

    async def pair(request: Request) -> Response:
        pair_id = _pair_id(request)
        st = views().state(pair_id)
        at = _int_param(request, "at", 0)
        start = max(0, min(at - _WINDOW // 3, len(st) - _WINDOW))
        info = db().pair_row(pair_id)
        return JSONResponse(
            {
                "id": pair_id,
                "src_id": info["src_id"],
                "tgt_id": info["tgt_id"],
                "src_title": info["src_title"],
                "tgt_title": info["tgt_title"],
                "src_lang": st.src_lang,
                "tgt_lang": st.tgt_lang,
                "revision": st.revision,
                "reviewed": info["reviewed"] is not None,
                "generation": st.generation,
                "paraphrase_below": PARAPHRASE_BELOW,
                "stale": _stale_message(watched),
                "readonly": readonly,
                "notes_ready": st.notes_ready,
                **views().summary(st),
                "outline": views().outline(st),
                "window": views().beads(st, start, _WINDOW),
            }
        )

    async def beads(request: Request) -> Response:
        st = views().state(_pair_id(request))
        start = _int_param(request, "start", 0)
        count = _int_param(request, "count", 100)
        return JSONResponse({"revision": st.revision, "beads": views().beads(st, start, count)})

    async def search(request: Request) -> Response:
        st = views().state(_pair_id(request))
        query = request.query_params.get("q", "")
        if len(query) > 200:
            raise _Problem(400, "search for at most 200 characters")
        after = _int_param(request, "after", -1)
        backwards = request.query_params.get("back", "") in ("1", "true")
        return JSONResponse(views().search(st, query, after, backwards))

    async def revision(request: Request) -> Response:
        info = db().pair_row(_pair_id(request))
        review = info["review"] if "review" in info.keys() else None  # noqa: SIM118 - sqlite3.Row
        return JSONResponse(
            {
                "revision": info["revision"],
                "reviewed": info["reviewed"] is not None,
                "notes_ready": json.loads(review or "{}").get("notes") != "pending",
                "stale": _stale_message(watched),
            }
        )

    async def history(request: Request) -> Response:
        pair_id = _pair_id(request)
        db().pair_row(pair_id)  # 404 for a pair that does not exist
        rows = db().pair_edits(pair_id)
        return JSONResponse(
            {
                "edits": [
                    {
                        "id": r["id"],
                        "at": r["at"],
                        "client": r["client"],
                        "action": r["action"],
                        "revision": r["revision"],
                        "undoes": r["undoes"],
                        "before": json.loads(r["before"]),
                        "after": json.loads(r["after"]),
                    }
                    for r in rows
                ]
            }
        )

    async def edit(request: Request) -> Response:
        pair_id, body = await _checked_post(request, views(), watched, readonly)
        action = body.get("action")
        if not isinstance(action, str):
            raise _Problem(422, "`action` must be a string")
        named = _named(body)

        def change(window: list[BeadRecord], text: PairText) -> Any:
            return apply_edit(window, action, body, text)

        done = views().edit(
            pair_id, change, named, reason, client=_client(body), action=action[:32]
        )
        return JSONResponse(_changed(views(), db(), pair_id, done))

    async def undo(request: Request) -> Response:
        pair_id, body = await _checked_post(request, views(), watched, readonly)
        target = body.get("edit")
        if not isinstance(target, int) or isinstance(target, bool) or not 0 < target <= _MAX_ID:
            raise _Problem(422, "`edit` must be the id of an edit")
        row = db().edit_row(target)
        if row is None or row["pair"] != pair_id:
            raise _Problem(404, f"pair {pair_id} has no edit {target}")
        before, after = json.loads(row["before"]), json.loads(row["after"])
        if not after:
            raise EditRejected("that edit changed no beads")
        named = (
            {i for b in [*before, *after] for i in b["src_ids"]},
            {j for b in [*before, *after] for j in b["tgt_ids"]},
        )

        def change(window: list[BeadRecord], text: PairText) -> Any:
            return undo_edit(window, before, after, text)

        done = views().edit(
            pair_id, change, named, reason, client=_client(body), action="undo", undoes=target
        )
        return JSONResponse(_changed(views(), db(), pair_id, done))

    async def accept(request: Request) -> Response:
        pair_id, body = await _checked_post(request, views(), watched, readonly)
        reviewed = body.get("reviewed")
        if not isinstance(reviewed, bool):
            raise _Problem(422, "`reviewed` must be true or false")
        revision = db().set_reviewed(pair_id, reviewed, _client(body))
        views().forget(pair_id)
        return JSONResponse({"revision": revision, "reviewed": reviewed})

    # ------------------------------------------------------------------ errors
    async def problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _Problem)
        return _error(exc.status, exc.message, reload=exc.reload)

    async def egiz_error(request: Request, exc: Exception) -> Response:
        message = str(exc)
        if isinstance(exc, EditConflict):
            return _error(409, message, reload=True)
        if isinstance(exc, EditRejected):
            return _error(422, message)
        if "has no document pair" in message:
            return _error(404, message)
        if "read-only" in message:
            return _error(403, message)
        return _error(409 if "not aligned" in message else 400, message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _error(exc.status_code, str(exc.detail))

    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("egiz review: %s %s failed", request.method, request.url.path)
        return _error(500, f"internal error ({type(exc).__name__}); see the server log")

    routes = [
        Route("/", page),
        Route("/static/app.js", page),
        Route("/static/app.css", page),
        Route("/api/pairs", pairs),
        Route("/api/pairs/{pair:int}", pair),
        Route("/api/pairs/{pair:int}/beads", beads),
        Route("/api/pairs/{pair:int}/search", search),
        Route("/api/pairs/{pair:int}/revision", revision),
        Route("/api/pairs/{pair:int}/history", history),
        Route("/api/pairs/{pair:int}/edit", edit, methods=["POST"]),
        Route("/api/pairs/{pair:int}/undo", undo, methods=["POST"]),
        Route("/api/pairs/{pair:int}/accept", accept, methods=["POST"]),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(_Guard, token=token, allowed_hosts=allowed_hosts)],
        lifespan=lifespan,
        exception_handlers={
            _Problem: problem,
            EgizError: egiz_error,
            HTTPException: http_error,
            Exception: crash,
        },
    )


# ---------------------------------------------------------------------- request helpers


def _pair_id(request: Request) -> int:
    pair = int(request.path_params["pair"])
    if not 0 <= pair <= _MAX_ID:
        raise _Problem(404, f"no document pair {pair}")
    return pair


def _int_param(request: Request, name: str, default: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _Problem(400, f"`{name}` must be an integer") from None
    if abs(number) > 10**9:
        raise _Problem(400, f"`{name}` is out of range")
    return number


def _client(body: Mapping[str, Any]) -> str:
    client = body.get("client", "")
    return client[:64] if isinstance(client, str) else ""


def _named(body: Mapping[str, Any]) -> tuple[set[int], set[int]]:
    """The sentence numbers an edit names (checked in full by the edit itself)."""
    src: set[int] = set()
    tgt: set[int] = set()
    parts = body.get("beads") if isinstance(body.get("beads"), list) else [body]
    for part in parts[:1000]:
        if not isinstance(part, Mapping):
            raise EditRejected("each bead must be an object with `src` and `tgt`")
        for key, into in (("src", src), ("tgt", tgt)):
            value = part.get(key, [])
            if not isinstance(value, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value
            ):
                raise EditRejected(f"`{key}` must be a list of sentence numbers")
            into.update(v for v in value if 0 <= v <= _MAX_ID)
    return src, tgt


async def _checked_post(
    request: Request,
    views: PairViews,
    watched: tuple[WatchedFile, ...],
    readonly: str | None,
) -> tuple[int, dict[str, Any]]:
    """The JSON body of an edit, after the checks every edit needs: the store can be written,
    the pair exists and is aligned, and neither it nor a watched file changed since the page
    loaded it."""
    pair_id = _pair_id(request)
    if readonly is not None:
        raise _Problem(403, readonly)
    raw = await request.body()  # the guard has cut it off at _MAX_BODY
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _Problem(400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _Problem(422, "the request body must be a JSON object")
    st = views.state(pair_id)
    if (stale := _stale_message(watched)) is not None:
        raise _Problem(409, stale)
    if body.get("generation") != st.generation:
        raise _Problem(
            409,
            f"pair {pair_id} changed on disk since this page loaded it (aligned again?): "
            "nothing was saved; reload the page",
            reload=True,
        )
    return pair_id, body


def _changed(views: PairViews, store: Store, pair_id: int, done: Any) -> dict[str, Any]:
    """What an edit answers: the beads it wrote (and where), and the pair's new totals."""
    st = views.state(pair_id)
    return {
        "edit": done.edit,
        "revision": st.revision,
        **views.summary(st),
        "change": {
            "base": done.base,  # the page's positions hold if it had this revision
            "start": done.start,
            "removed": done.removed,
            "beads": views.beads(st, done.start, done.added),
            "flags": views.flags(st, done.start, done.start + done.added),
        },
    }


def _stale_message(watched: tuple[WatchedFile, ...]) -> str | None:
    for f in watched:
        if f.changed():
            return (
                f"{f.path} changed on disk since egiz review loaded it: nothing was saved. "
                "Restart egiz review to align the new text (your corrections so far are in the "
                "store)."
            )
    return None


def _summary(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "src_id": r["src_id"],
        "tgt_id": r["tgt_id"],
        "src_title": r["src_title"],
        "tgt_title": r["tgt_title"],
        "beads": r["beads"],
        "linked": r["linked"] or 0,
        "only_src": r["only_src"] or 0,
        "only_tgt": r["only_tgt"] or 0,
        "bad": r["bad"] or 0,
        "coverage_src": r["coverage_src"],
        "coverage_tgt": r["coverage_tgt"],
        "score": r["mean_score"],
        "edits": r["edits"],
        "reviewed": r["reviewed"] is not None,
    }


# ---------------------------------------------------------------------- the guard


class _BodyTooLarge(Exception):
    pass


class _Guard:
    """For every request: the Host header (loopback names only, unless any is allowed), the
    access token (when set), JSON-only POSTs, the body size (cut off while it is read), and
    security headers on every answer."""

    def __init__(
        self, app: ASGIApp, token: str | None, allowed_hosts: tuple[str, ...] | None
    ) -> None:
        self.app = app
        self.token = token.encode() if token is not None else None
        self.allowed = {h.lower() for h in allowed_hosts} if allowed_hosts is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > _MAX_BODY:
                    raise _Problem(413, "request body too large (1 MiB at most)")
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend((k.encode(), v.encode()) for k, v in _SECURITY_HEADERS.items())
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)

    def _refusal(self, request: Request) -> Response | None:
        if self.allowed is not None and _host_name(request.headers.get("host", "")) not in (
            self.allowed
        ):
            return _error(400, "Invalid host header: egiz review answers loopback names only")
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None and request.method == "GET" and request.url.path == "/":
                if not _same_token(given, self.token):
                    return _error(401, "wrong access token")
                response = RedirectResponse("/", status_code=303)
                response.set_cookie(
                    "egiz_token",
                    self.token.decode(),
                    httponly=True,
                    samesite="strict",
                    max_age=86400 * 30,
                )
                return response
            presented = request.cookies.get("egiz_token") or request.headers.get("x-egiz-token", "")
            if not _same_token(presented, self.token):
                return _error(
                    401, "this egiz review needs its access token: open the URL it printed"
                )
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                return _error(415, "send the request body as application/json")
        elif request.method not in ("GET", "HEAD"):
            return _error(405, f"method {request.method[:20]} not allowed")
        length = request.headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                return _error(400, "Content-Length must be a number")
            if int(length) > _MAX_BODY:  # refused before a byte of the body is read
                response = _error(413, "request body too large (1 MiB at most)")
                response.headers["connection"] = "close"
                return response
        return None


def _host_name(host: str) -> str:
    """The name part of a Host header: `[::1]:8000` -> `::1`, `localhost:8000` -> `localhost`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same_token(given: str, token: bytes) -> bool:
    """Constant-time comparison of any text a client sends (non-ASCII included) with the token."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token)


def _error(status: int, message: str, *, reload: bool = False) -> Response:
    body: dict[str, Any] = {"error": " ".join(message.split())}
    if reload:
        body["reload"] = True
    return JSONResponse(body, status_code=status, headers=_SECURITY_HEADERS)


def uvicorn_log_config() -> dict[str, Any]:
    """Quiet uvicorn: warnings and errors only, one line each."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "egiz review: %(message)s"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING"},
            "uvicorn.error": {"level": "WARNING"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "egiz.review": {"handlers": ["stderr"], "level": "INFO"},
        },
    }
