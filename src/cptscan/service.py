"""HTTP service: the scanner behind a small FastAPI app, for EHR integrations and coding worklists.

Notes are protected health information, so the service is careful by default:
- it binds 127.0.0.1; any other address needs a bearer token (``serve`` refuses to start without one);
- the token and the body-size limit are checked in an ASGI guard *before* the body is read, so an
  unauthenticated or oversized request costs no parsing and no memory;
- its own log lines carry request ids and counts only, never note text (uvicorn's access log has the
  request line and status, not bodies).
"""

from __future__ import annotations

import asyncio
import hmac
import html
import ipaddress
import json
import logging
import os
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

import cptscan
from cptscan.claims import parse_code, parse_service_date

log = logging.getLogger("cptscan.service")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

DEFAULT_MAX_BODY = 10 * 1024 * 1024
TOKEN_ENV = "CPTSCAN_TOKEN"
#: a shorter token can be guessed; ``openssl rand -hex 32`` gives 64 characters
MIN_TOKEN_CHARS = 32
OPEN_PATHS = ("/health", "/docs", "/openapi.json")
#: seconds a client has to send a request's headers, and then its body: a slow or stalled sender would
#: otherwise hold a connection (and, for the body, a worker thread) open forever
DEFAULT_REQUEST_TIMEOUT = 30.0
#: seconds SIGTERM waits for requests in flight before it cancels them (each note's time budget bounds a scan)
GRACEFUL_SHUTDOWN_SECONDS = 10


class NoteIn(BaseModel):
    """One note in the corpus format; extra fields are accepted and ignored."""

    model_config = ConfigDict(extra="ignore")
    note_id: str
    text: str
    chart_id: Optional[str] = None
    date_of_service: Optional[str] = Field(None, description="YYYY-MM-DD")
    note_type: Optional[str] = None


class NoteBatch(BaseModel):
    notes: list[NoteIn]


class ClaimLine(BaseModel):
    """A billed line, checked as ``cptscan.claims`` reads it, so a bad one is a 422 naming the field."""

    model_config = ConfigDict(extra="allow")
    code: str
    date_of_service: str = Field(..., description="YYYY-MM-DD")

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        parse_code(value)
        return value

    @field_validator("date_of_service")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        return parse_service_date(value)


class Claim(BaseModel):
    chart_id: str
    lines: list[ClaimLine] = []


class ReconcileRequest(BaseModel):
    notes: list[NoteIn]
    claims: list[Claim] = []


try:
    from starlette.exceptions import HTTPException as _StarletteHTTPException
except ImportError:  # the service extra is not installed; create_app will say so
    _StarletteHTTPException = Exception  # type: ignore[misc,assignment]


class _BodyRefused(_StarletteHTTPException):
    """Raised from the guarded body stream (413: too large, 408: too slow). An HTTPException, so FastAPI
    lets it through to the guard instead of turning it into a generic 400 'error parsing the body'."""


def _json_response(status: int, detail: str, extra_headers: tuple = ()) -> tuple[dict, dict]:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               *extra_headers]
    return ({"type": "http.response.start", "status": status, "headers": headers},
            {"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: bearer-token check, then a body-size limit on both Content-Length and the stream.

    Content-Length is checked up front; a chunked body (or a lying header) is counted as it streams and
    the request is cut off with 413 as soon as it passes the limit, or with 408 when its next part is not
    in within ``body_seconds`` (a partial or trickled body would hold a worker thread).
    """

    def __init__(self, app, token: Optional[str], max_body_bytes: int, body_seconds: float = DEFAULT_REQUEST_TIMEOUT):
        self.app = app
        self.token = token
        self.max_body = max_body_bytes
        self.body_seconds = body_seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        if self.token and scope.get("path") not in OPEN_PATHS and not self._authorized(headers):
            return await self._reply(send, 401, "missing or wrong bearer token",
                                     ((b"www-authenticate", b"Bearer"),))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            return await self._reply(send, 413, self._too_large())
        seen = 0
        started = False
        body_done = False

        async def counted_receive():
            nonlocal seen, body_done
            if body_done:  # after the body, receive() waits for the client to leave: no deadline
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_seconds)
            except asyncio.TimeoutError:
                raise _BodyRefused(408, f"the request body was not received within {self.body_seconds:g} s") from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if seen > self.max_body:
                    raise _BodyRefused(413, self._too_large())
            return message

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _BodyRefused as refused:
            if not started:
                await self._reply(send, refused.status_code, refused.detail)

    def _authorized(self, headers: dict) -> bool:
        """``Authorization: Bearer <token>``; the scheme is case-insensitive (RFC 7235), the token is not."""
        scheme, _, given = headers.get(b"authorization", b"").partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), self.token.encode())

    def _too_large(self) -> str:
        return f"request body is larger than the limit of {self.max_body} bytes; send fewer notes per request"

    @staticmethod
    async def _reply(send, status: int, detail: str, extra_headers: tuple = ()) -> None:
        start, body = _json_response(status, detail, extra_headers)
        await send(start)
        await send(body)


def _scanner_versions(scanner: Any) -> dict[str, Any]:
    versions = getattr(scanner, "versions", None)
    if callable(versions):
        versions = versions()
    return dict(versions or {"cptscan": cptscan.__version__})


def create_app(scanner: Any = None, token: Optional[str] = None, max_body_bytes: int = DEFAULT_MAX_BODY,
               worklist: Optional[dict] = None, outcomes: Optional[Path] = None,
               request_timeout: float = DEFAULT_REQUEST_TIMEOUT, workers: int = 1, **load_options: Any):
    """The FastAPI app. Without a ``scanner`` it loads the real one at startup, before taking requests, with
    ``load_options`` (``packs``, ``catalog_path``, ``knowledge_dir``, ``time_budget``: what ``cptscan.load``
    takes); reconcile
    uses that scanner's knowledge, so a site catalog or a pack reaches ``/v1/reconcile`` as it reaches
    ``/v1/scan``. With ``worklist`` (a page's data, ``read_page_data``) it also serves that page at
    /worklist and appends the decisions posted from it to ``outcomes``.

    With one worker the scanner is shared by all requests and called under a lock: the spaCy pipeline is
    not documented as thread-safe, and FastAPI runs these sync endpoints in a thread pool. With ``workers``
    > 1 the requests are scanned in that many processes forked from it (``service_pool.ScanPool``), and
    this process only answers. When the service stops, a batch being scanned stops at its next note (each
    note is bounded by its time budget), so a stop is never held up by a long batch.
    """
    from fastapi import FastAPI, HTTPException
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse

    check_token(token)
    state: dict[str, Any] = {"scanner": scanner}
    lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(_app):
        if state["scanner"] is None:
            state["scanner"] = cptscan.load(**load_options)
        if workers > 1:
            from cptscan.service_pool import ScanPool

            state["pool"] = ScanPool(state["scanner"], workers)
        yield
        state["stopping"] = True
        if workers > 1:
            state["pool"].close()

    # Swagger UI and ReDoc load their scripts from a CDN, so offline they are blank pages (and a CDN would
    # learn who reads the docs): /docs is a page of our own that lists the endpoints, /openapi.json the schema.
    app = FastAPI(title="cptscan", version=cptscan.__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Finds the documentation of AI-augmented CPT 2026 services in clinical notes.")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's 422 quotes the offending ``input`` (a whole note, when a field beside it is wrong) and
        its ``ctx``: patient text in the client's logs. Only where and what is kept."""
        return JSONResponse(status_code=422, content={"detail": [
            {key: error[key] for key in ("type", "loc", "msg") if key in error} for error in exc.errors()]})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The endpoints and their summaries, from the OpenAPI schema, with no script and nothing fetched."""
        rows = "".join(f"<li><code>{method.upper()} {html.escape(path)}</code> {html.escape(op.get('summary', ''))}</li>"
                       for path, ops in app.openapi()["paths"].items() for method, op in ops.items())
        return HTMLResponse(f"<!doctype html><title>cptscan API</title><h1>cptscan {html.escape(app.version)}</h1>"
                            f"<ul>{rows}</ul><p>The OpenAPI schema: <a href=\"/openapi.json\">/openapi.json</a></p>")

    def run_scan(records: list[dict], what: str) -> list[dict]:
        started = time.perf_counter()
        try:
            if workers > 1:
                results = state["pool"].scan(records)
            else:
                with lock:
                    results = []
                    for result in state["scanner"].scan(records):
                        if state.get("stopping"):
                            raise RuntimeError("the service is stopping")
                        results.append(result)
        except Exception as exc:  # the message could quote a note: log only its type
            log.error("%s failed on %d notes: %s", what, len(records), type(exc).__name__)
            raise HTTPException(status_code=500, detail=f"{what} failed ({type(exc).__name__})") from None
        errors = sum(1 for r in results if r.get("error"))
        log.info("%s: %d notes, %d errors, %.0f ms", what, len(records), errors,
                 1000 * (time.perf_counter() - started))
        return results

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Liveness and what would make a result: open without a token so probes need no secret."""
        return {"status": "ok" if state["scanner"] is not None else "loading",
                "versions": _scanner_versions(state["scanner"]) if state["scanner"] is not None
                else {"cptscan": cptscan.__version__}}

    @app.post("/v1/scan")
    def scan(body: Union[NoteBatch, NoteIn]) -> dict[str, Any]:
        """Scan one note (returns its result line) or ``{"notes": [...]}`` (returns ``{"results": [...]}``)."""
        if isinstance(body, NoteBatch):
            return {"results": run_scan([n.model_dump() for n in body.notes], "scan")}
        return run_scan([body.model_dump()], "scan")[0]

    @app.post("/v1/reconcile")
    def reconcile_charts(body: ReconcileRequest) -> dict[str, Any]:
        """Scan the notes, then compare them with the claims: ``{"results": [...], "findings": [...]}``."""
        from cptscan.reconcile import reconcile

        results = run_scan([n.model_dump() for n in body.notes], "reconcile")
        claims = [c.model_dump() for c in body.claims]
        findings = reconcile(results, claims, state["scanner"].knowledge)
        log.info("reconcile: %d charts with findings", len(findings))
        return {"results": results, "findings": findings}

    if worklist is not None:
        from cptscan.knowledge import knowledge_for
        from cptscan.worklist.served import mount

        # a given scanner brings its knowledge; else the one the load options will give it
        knowledge = getattr(scanner, "knowledge", None) or knowledge_for(**{
            k: v for k, v in load_options.items() if k in ("packs", "catalog_path", "knowledge_dir")})
        mount(app, worklist, outcomes, knowledge.catalog)
    app.add_middleware(Guard, token=token, max_body_bytes=max_body_bytes, body_seconds=request_timeout)
    return app


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_token(token: Optional[str]) -> None:
    """Refuses (ValueError) a token short enough to guess, before the service starts."""
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise ValueError(f"the token in {TOKEN_ENV} has {len(token)} characters; use at least {MIN_TOKEN_CHARS} "
                         "(for example `openssl rand -hex 32`)")


def resolve_token(host: str, token: Optional[str]) -> Optional[str]:
    """The token to enforce; refuses (ValueError) a non-loopback bind without one."""
    token = token or os.environ.get(TOKEN_ENV) or None
    if not is_loopback(host) and not token:
        raise ValueError(f"refusing to listen on {host} without a token: set {TOKEN_ENV} "
                         "(clients then send 'Authorization: Bearer <token>')")
    return token


def serve(host: str = "127.0.0.1", port: int = 8000, token: Optional[str] = None,
          max_body_bytes: int = DEFAULT_MAX_BODY, scanner: Any = None,
          worklist: Optional[Path] = None, outcomes: Optional[Path] = None, workers: int = 1,
          request_timeout: float = DEFAULT_REQUEST_TIMEOUT, **load_options: Any) -> None:
    """Run the service under uvicorn until stopped. Loopback by default; see ``resolve_token``.
    A ``worklist`` page (from ``cptscan worklist --format html``) is served on loopback only: it holds
    note text and takes decisions from a browser, which cannot send a bearer token with a page load.
    ``workers`` scanning processes (see ``create_app``)."""
    import uvicorn

    token = resolve_token(host, token)
    check_token(token)
    data = None
    if worklist is not None:
        from cptscan.worklist.render import read_page_data

        if not is_loopback(host):
            raise ValueError(f"refusing to serve the worklist on {host}: it is served on loopback only")
        data = read_page_data(Path(worklist).read_text(encoding="utf-8"))
        outcomes = Path(outcomes) if outcomes else Path(worklist).with_suffix(".outcomes.jsonl")
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    log.info("serving on %s:%d (token %s, body limit %d bytes, %d scanning process%s, request timeout %g s)",
             host, port, "required" if token else "off", max_body_bytes, workers, "" if workers == 1 else "es",
             request_timeout)
    if data is not None:
        log.info("worklist of %d rows at /worklist; decisions appended to %s", len(data["rows"]), outcomes)
    TimedH11Protocol.headers_seconds = request_timeout
    app = create_app(scanner=scanner, token=token, max_body_bytes=max_body_bytes, worklist=data, outcomes=outcomes,
                     request_timeout=request_timeout, workers=workers, **load_options)
    uvicorn.run(app, host=host, port=port, access_log=True, log_level="info", http=TimedH11Protocol,
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)


try:
    from uvicorn.protocols.http.h11_impl import H11Protocol as _H11Protocol
except ImportError:  # the service extra is not installed; serve will say so
    _H11Protocol = object  # type: ignore[misc,assignment]


class TimedH11Protocol(_H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request does not start (headers complete) within
    ``headers_seconds`` of the connection or of its last response: uvicorn waits for headers forever,
    so clients that trickle them one byte at a time could hold every connection."""

    headers_seconds = DEFAULT_REQUEST_TIMEOUT

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._expect_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._expect_request()

    def _expect_request(self) -> None:
        self.loop.call_later(self.headers_seconds, self._close_if_no_request, self.cycle)

    def _close_if_no_request(self, cycle_then: Any) -> None:
        if self.cycle is cycle_then and not self.transport.is_closing():
            self.transport.close()
