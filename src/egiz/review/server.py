"""The review web app: a small JSON API over the corpus store, and one static page that uses it.

    GET  /                              the page (pair list and pair view, plain JS, no CDN)
    GET  /api/pairs                     every aligned pair: coverage, score, edits, accepted
    GET  /api/pairs/{id}                both texts, beads (kind, score, origin, flags), notes
    GET  /api/pairs/{id}/revision       for tabs to notice each other's edits
    GET  /api/pairs/{id}/history        every correction, oldest first
    POST /api/pairs/{id}/edit           {generation, client, action, ...}: link/unlink/merge/...
    POST /api/pairs/{id}/undo           {generation, client, edit}
    POST /api/pairs/{id}/accept         {generation, client, reviewed}

Every POST is one SQLite transaction (edit + history + revision) and answers with the pair as it
is now. `generation` is a hash of the pair's sentences as the page loaded them: when the pair was
re-aligned, or (reviewing two files) a file changed on disk since, the edit is refused with 409
and nothing is written. Malformed requests get 4xx with a one-line message; an unexpected error
gets a 500 with a short message and its traceback goes to the server's log only.

Security: the server binds to 127.0.0.1 unless told otherwise, and only answers requests whose
Host is a loopback name (DNS rebinding). Bound elsewhere, it needs an access token (query
`?token=` once, then a cookie). POSTs must be JSON (a cross-site form cannot send that without a
CORS preflight, which this server never allows). Static files come from a fixed table: no request
path reaches the file system.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from egiz.alignment import Alignment, Bead
from egiz.corpus.mine import FilterParams, filter_reason
from egiz.corpus.store import BeadRecord, Store, parse_ids, text_hash
from egiz.errors import EgizError
from egiz.report import divergences
from egiz.review.edits import EditConflict, EditRejected, PairText, apply_edit, undo_edit

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
_PARAPHRASE_BELOW = 1.0


@dataclass(frozen=True)
class WatchedFile:
    """A file reviewed with `egiz review KK RU`: edits are refused once it changes on disk."""

    path: Path
    side: str  # "src" or "tgt"
    encoding: str | None
    text_hash: str

    def changed(self) -> bool:
        from egiz.read import read_text

        try:
            return text_hash(read_text(self.path, self.encoding)) != self.text_hash
        except EgizError:  # gone or unreadable: changed, as far as this pair is concerned
            return True


class _Problem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_app(
    store_path: str | Path,
    *,
    token: str | None = None,
    allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS,
    watched: tuple[WatchedFile, ...] = (),
) -> Starlette:
    """The review app over the corpus store at `store_path` (opened for writing, upgraded to
    the current schema). `token`: required on every request when set. `allowed_hosts`: Host
    header names answered (None: any; only sensible with a token). `watched`: files whose change
    on disk makes their pair read-only."""
    store_path = Path(store_path)
    with Store(store_path) as store:  # fail now (not at the first request) on a bad store
        src_lang = store.get_meta("src_lang") or "kk"
        tgt_lang = store.get_meta("tgt_lang") or "ru"
        filters = FilterParams(**json.loads(store.get_meta("filters") or "{}"))
    assets = {
        route: (resources.files("egiz.review").joinpath("static", name).read_bytes(), kind)
        for route, (name, kind) in _STATIC.items()
    }
    state: dict[str, Store] = {}

    def reason(bead: BeadRecord) -> str | None:
        return filter_reason(bead, filters, src_lang, tgt_lang)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # opened in the event loop's thread: every request handler runs there, one at a time
        state["store"] = Store(store_path)
        try:
            yield
        finally:
            state.pop("store").close()

    def db() -> Store:
        return state["store"]

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
                "pairs": [_summary(r) for r in rows],
            }
        )

    async def pair(request: Request) -> Response:
        return JSONResponse(_pair_view(db(), _pair_id(request), watched))

    async def revision(request: Request) -> Response:
        info = db().pair_row(_pair_id(request))
        return JSONResponse(
            {
                "revision": info["revision"],
                "reviewed": info["reviewed"] is not None,
                "stale": _stale_message(watched),
            }
        )

    async def history(request: Request) -> Response:
        rows = db().pair_edits(_pair_id(request))
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
        pair_id, body, text = await _checked_post(request, db(), watched)
        action = body.get("action")
        if not isinstance(action, str):
            raise _Problem(422, "`action` must be a string")

        def change(beads: list[BeadRecord]) -> Any:
            return apply_edit(beads, action, body, text)

        edit_id, _ = db().edit_pair(pair_id, change, reason, client=_client(body), action=action)
        return JSONResponse({"edit": edit_id, **_pair_view(db(), pair_id, watched)})

    async def undo(request: Request) -> Response:
        pair_id, body, text = await _checked_post(request, db(), watched)
        target = body.get("edit")
        if not isinstance(target, int) or isinstance(target, bool):
            raise _Problem(422, "`edit` must be the id of an edit")
        row = db().edit_row(target)
        if row is None or row["pair"] != pair_id:
            raise _Problem(404, f"pair {pair_id} has no edit {target}")
        before, after = json.loads(row["before"]), json.loads(row["after"])

        def change(beads: list[BeadRecord]) -> Any:
            return undo_edit(beads, before, after, text)

        edit_id, _ = db().edit_pair(
            pair_id, change, reason, client=_client(body), action="undo", undoes=target
        )
        return JSONResponse({"edit": edit_id, **_pair_view(db(), pair_id, watched)})

    async def accept(request: Request) -> Response:
        pair_id, body, _ = await _checked_post(request, db(), watched)
        reviewed = body.get("reviewed")
        if not isinstance(reviewed, bool):
            raise _Problem(422, "`reviewed` must be true or false")
        db().set_reviewed(pair_id, reviewed, _client(body))
        return JSONResponse(_pair_view(db(), pair_id, watched))

    # ------------------------------------------------------------------ errors
    async def problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _Problem)
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    async def egiz_error(request: Request, exc: Exception) -> Response:
        status = 409 if isinstance(exc, EditConflict) else 422
        if not isinstance(exc, EditConflict | EditRejected):
            status = 404 if "has no document pair" in str(exc) else 400
        return JSONResponse({"error": str(exc)}, status_code=status)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("egiz review: %s %s failed", request.method, request.url.path)
        return JSONResponse(
            {"error": f"internal error ({type(exc).__name__}); see the server log"},
            status_code=500,
        )

    routes = [
        Route("/", page),
        Route("/static/app.js", page),
        Route("/static/app.css", page),
        Route("/api/pairs", pairs),
        Route("/api/pairs/{pair:int}", pair),
        Route("/api/pairs/{pair:int}/revision", revision),
        Route("/api/pairs/{pair:int}/history", history),
        Route("/api/pairs/{pair:int}/edit", edit, methods=["POST"]),
        Route("/api/pairs/{pair:int}/undo", undo, methods=["POST"]),
        Route("/api/pairs/{pair:int}/accept", accept, methods=["POST"]),
    ]
    middleware = [Middleware(_Guard, token=token)]
    if allowed_hosts is not None:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    return Starlette(
        routes=routes,
        middleware=middleware,
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
    return int(request.path_params["pair"])


def _client(body: Mapping[str, Any]) -> str:
    client = body.get("client", "")
    return client[:64] if isinstance(client, str) else ""


async def _checked_post(
    request: Request, store: Store, watched: tuple[WatchedFile, ...]
) -> tuple[int, dict[str, Any], PairText]:
    """The JSON body of an edit, after the checks every edit needs: the pair exists and is
    aligned, and neither it nor a watched file changed since the page loaded it."""
    pair_id = _pair_id(request)
    raw = await request.body()
    if len(raw) > _MAX_BODY:
        raise _Problem(413, "request body too large")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _Problem(400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _Problem(422, "the request body must be a JSON object")
    text = _pair_text(store, pair_id)
    if (stale := _stale_message(watched)) is not None:
        raise _Problem(409, stale)
    if body.get("generation") != _generation(text):
        raise _Problem(
            409,
            f"pair {pair_id} changed on disk since this page loaded it (aligned again?): "
            "nothing was saved; reload the page",
        )
    return pair_id, body, text


def _stale_message(watched: tuple[WatchedFile, ...]) -> str | None:
    for f in watched:
        if f.changed():
            return (
                f"{f.path} changed on disk since egiz review loaded it: nothing was saved. "
                "Restart egiz review to align the new text (your corrections so far are in the "
                "store)."
            )
    return None


def _pair_text(store: Store, pair_id: int) -> PairText:
    info = store.pair_row(pair_id)
    src, tgt = store.pair_sentences(pair_id)
    return PairText(src, tgt, info["src_lang"], info["tgt_lang"])


def _generation(text: PairText) -> str:
    h = hashlib.sha1()
    for side in (text.src, text.tgt):
        for s in side:
            h.update(f"{s.paragraph}\x00{s.text}\x01".encode())
        h.update(b"\x02")
    return h.hexdigest()[:16]


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


def _pair_view(store: Store, pair_id: int, watched: tuple[WatchedFile, ...]) -> dict[str, Any]:
    """Everything the pair view shows, with the notes of the divergence report per bead."""
    info = store.pair_row(pair_id)
    src, tgt = store.pair_sentences(pair_id)
    text = PairText(src, tgt, info["src_lang"], info["tgt_lang"])
    rows = store.pair_bead_rows(pair_id)
    beads_ids = [(parse_ids(r["src_ids"]), parse_ids(r["tgt_ids"]), r["score"]) for r in rows]
    alignment = Alignment(
        src, tgt, [Bead(*b) for b in beads_ids], src_lang=text.src_lang, tgt_lang=text.tgt_lang
    )
    report = divergences(alignment, paraphrase_below=_PARAPHRASE_BELOW)
    notes: dict[int, list[str]] = {}
    for m in report.number_mismatches:
        numbers = " ".join([*m.only_src, "≠", *m.only_tgt]) if m.only_src and m.only_tgt else ""
        one = m.only_src or m.only_tgt
        side = text.src_lang if m.only_src else text.tgt_lang
        notes.setdefault(m.bead, []).append(
            f"numbers {numbers}" if numbers else f"only {side} has {', '.join(one)}"
        )
    for n in report.name_mismatches:
        names = ", ".join([*n.only_src, *n.only_tgt])
        notes.setdefault(n.bead, []).append(f"names {names}")
    beads = [
        {
            "src": list(src_ids),
            "tgt": list(tgt_ids),
            "kind": r["kind"],
            "score": r["score"],
            "origin": r["origin"],
            "bad": bool(r["bad"]),
            "keep": bool(r["keep"]),
            "reason": r["reason"],
            "notes": notes.get(k, []),
        }
        for k, (r, (src_ids, tgt_ids, _)) in enumerate(zip(rows, beads_ids, strict=True))
    ]
    return {
        "id": pair_id,
        "src_id": info["src_id"],
        "tgt_id": info["tgt_id"],
        "src_title": info["src_title"],
        "tgt_title": info["tgt_title"],
        "src_lang": text.src_lang,
        "tgt_lang": text.tgt_lang,
        "revision": info["revision"],
        "reviewed": info["reviewed"] is not None,
        "generation": _generation(text),
        "coverage_src": report.coverage_src,
        "coverage_tgt": report.coverage_tgt,
        "paraphrase_below": _PARAPHRASE_BELOW,
        "stale": _stale_message(watched),
        "src": [{"text": s.text, "paragraph": s.paragraph} for s in text.src],
        "tgt": [{"text": s.text, "paragraph": s.paragraph} for s in text.tgt],
        "beads": beads,
    }


# ---------------------------------------------------------------------- the guard


class _Guard:
    """Access token (when set), JSON-only POSTs and security headers, for every request."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend((k.encode(), v.encode()) for k, v in _SECURITY_HEADERS.items())
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, request: Request) -> Response | None:
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None and request.method == "GET" and request.url.path == "/":
                if not hmac.compare_digest(given, self.token):
                    return _error(401, "wrong access token")
                response = RedirectResponse("/", status_code=303)
                response.set_cookie(
                    "egiz_token", self.token, httponly=True, samesite="strict", max_age=86400 * 30
                )
                return response
            presented = request.cookies.get("egiz_token") or request.headers.get("x-egiz-token", "")
            if not hmac.compare_digest(presented, self.token):
                return _error(
                    401, "this egiz review needs its access token: open the URL it printed"
                )
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                return _error(415, "send the request body as application/json")
        elif request.method not in ("GET", "HEAD"):
            return _error(405, f"method {request.method} not allowed")
        return None


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=_SECURITY_HEADERS)


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
