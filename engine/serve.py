"""`remit serve`: the HTTP decision service (Starlette app, run by uvicorn).

    POST /v1/decide    {"tool": "Bash", "args": {...}, "ctx": {...}}  -> 200 decision
    POST /v1/outcome   {"decision": id, "outcome": "approved", ...}   -> 204
    GET  /v1/health    policy name, version, sha256, uptime            -> 200 (never needs the token)
    GET  /v1/report    the oversight report of the service's log (JSON) -> 200 (`?since=&until=`)
    GET  /v1/report.html  the same report as one HTML page              -> 200
    GET  /openapi.json the OpenAPI 3.1 document of these endpoints     -> 200

Fail closed: a well-formed call that the policy cannot decide is a normal 200 decision
(the policy's `on_error`, block unless it says otherwise); a request that is not a call is a
4xx with a JSON error; an internal error is a 500 whose body still says `block`. Nothing
here ever answers allow because something went wrong. Clients must act on `effective` and
treat any answer other than a 200 decision as "do not run the call".

Needs the optional extra: `pip install 'remit[serve]'`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

try:
    import anyio.to_thread
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("the HTTP service needs the `serve` extra: pip install 'remit[serve]'") from exc

from . import __version__, strict_json
from .errors import LogError, PolicyError
from .guard import Guard
from .log import BY, OUTCOMES
from .resources import resolve_policy

logger = logging.getLogger("remit.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_BODY_BYTES = 1 << 20  # 1 MiB
RELOAD_INTERVAL = 1.0  # seconds between two looks at the policy file
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
_DECIDE_KEYS = frozenset({"tool", "args", "ctx"})
_OUTCOME_KEYS = frozenset({"decision", "outcome", "by", "detail", "latency_ms"})
_MAX_ID = 200
_MAX_DETAIL = 10_000

Handler = Callable[[Request], Awaitable[Response]]


# -- errors -----------------------------------------------------------------------------------


class _ApiError(Exception):
    """A request the service refuses: HTTP status, stable code, message for people."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def _error(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers=dict(headers or {}))


def _internal_error() -> JSONResponse:
    """A 500 whose body still blocks, for a client that reads only `decision` or `effective`."""
    body = {
        "error": {"code": "internal", "message": "internal error: the call was not decided"},
        "decision": "block",
        "effective": "block",
    }
    return JSONResponse(body, 500)


# -- policy file watching ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stamp:
    mtime_ns: int
    size: int
    ino: int


def _stamp(path: Path) -> _Stamp:
    st = path.stat()
    return _Stamp(st.st_mtime_ns, st.st_size, st.st_ino)


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class PolicyWatcher:
    """Reloads the guard's policy when its file changes; a bad new policy keeps the old one.

    `poll()` is cheap while the file is unchanged (one `stat`); on a new stamp it hashes the
    file and calls `guard.reload()` only when the content changed. A failed reload is logged
    as a warning and in the decision log (a `policy_error` record), and not retried until the
    file changes again. Thread-safe.
    """

    def __init__(
        self,
        guard: Guard,
        path: Path,
        interval: float = RELOAD_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.guard = guard
        self.path = path
        self.interval = interval
        self.clock = clock
        self.reloads = 0
        self.last_error: str | None = None
        self._lock = threading.Lock()
        self._last_look = clock()
        try:
            self._stamp: _Stamp | None = _stamp(path)
            self._sha: str | None = _file_sha256(path)
        except OSError:
            self._stamp, self._sha = None, None

    def due(self) -> bool:
        """True at most once per `interval`: time for a look at the file."""
        now = self.clock()
        if now - self._last_look < self.interval:
            return False
        self._last_look = now
        return True

    def poll(self) -> bool:
        """Look at the file and reload if its content changed; True when a new policy is in force."""
        if not self._lock.acquire(blocking=False):
            return False  # another look is under way
        try:
            return self._poll()
        finally:
            self._lock.release()

    def _poll(self) -> bool:
        try:
            stamp = _stamp(self.path)
            if stamp == self._stamp:
                return False
            sha = _file_sha256(self.path)
        except OSError as exc:
            message = f"cannot read the policy file: {exc}"
            if message != self.last_error:  # logged once per problem (a reload logs its own)
                self.guard.record_policy_error(self.path, message)
            self._fail(message, stamp=None, sha=None)
            return False
        if sha == self._sha:
            self._stamp = stamp
            return False
        try:
            policy = self.guard.reload(self.path)
        except PolicyError as exc:
            self._fail(f"invalid policy, keeping the old one: {exc}", stamp, sha)
            return False
        except Exception as exc:  # never let a reload take the service down
            self._fail(f"reload failed, keeping the old one: {exc!r}", stamp, sha)
            return False
        self._stamp, self._sha = stamp, sha
        self.reloads += 1
        self.last_error = None
        logger.info(
            "reloaded policy %s %s (%s) from %s", policy.name, policy.version, policy.sha256[:12], self.path
        )
        return True

    def _fail(self, message: str, stamp: _Stamp | None, sha: str | None) -> None:
        if message != self.last_error:  # once per problem, not once per second
            logger.warning("%s: %s", self.path, message)
        self.last_error = message
        self._stamp, self._sha = stamp, sha


# -- request parsing --------------------------------------------------------------------------


async def _read_json(request: Request, max_body: int) -> dict[str, Any]:
    """The request's body as a JSON object, within `max_body` bytes; raises `_ApiError`."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "application/json" and not (ctype.startswith("application/") and ctype.endswith("+json")):
        # Also keeps browsers out: a cross-site form post cannot send application/json.
        raise _ApiError(415, "unsupported_media_type", "send the body as `Content-Type: application/json`")
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise _ApiError(400, "bad_request", "invalid Content-Length")
        if int(length) > max_body:
            raise _ApiError(413, "too_large", f"the body is larger than {max_body} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise _ApiError(413, "too_large", f"the body is larger than {max_body} bytes")
            chunks.append(chunk)
    except ClientDisconnect as exc:  # nobody to answer; not an internal error worth a traceback
        raise _ApiError(400, "client_disconnected", "the client went away mid-body") from exc
    raw = b"".join(chunks)
    try:
        body = strict_json.loads(raw)
    except UnicodeDecodeError as exc:
        raise _ApiError(400, "bad_json", f"the body is not UTF-8: {exc.reason} at byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise _ApiError(
            400, "bad_json", f"the body is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise _ApiError(400, "bad_json", f"the body is not strict JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise _ApiError(400, "bad_request", "the body must be a JSON object")
    return body


def _unknown_keys(body: Mapping[str, Any], allowed: frozenset[str]) -> None:
    extra = sorted(set(body) - allowed)
    if extra:
        raise _ApiError(
            400, "bad_request", f"unknown field(s): {', '.join(extra)}; expected {', '.join(sorted(allowed))}"
        )


def _decide_request(body: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    _unknown_keys(body, _DECIDE_KEYS)
    tool = body.get("tool")
    if not isinstance(tool, str) or not tool:
        raise _ApiError(400, "bad_request", "`tool` must be a non-empty string")
    args = body.get("args")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise _ApiError(400, "bad_request", "`args` must be a JSON object")
    ctx = body.get("ctx")
    if ctx is not None and not isinstance(ctx, dict):
        raise _ApiError(400, "bad_request", "`ctx` must be a JSON object")
    return tool, args, ctx


@dataclass(frozen=True, slots=True)
class _Outcome:
    decision: str
    outcome: str
    by: str
    detail: str
    latency_ms: float | None


def _outcome_request(body: dict[str, Any]) -> _Outcome:
    _unknown_keys(body, _OUTCOME_KEYS)
    decision = body.get("decision")
    if not isinstance(decision, str) or not decision or len(decision) > _MAX_ID:
        raise _ApiError(
            400, "bad_request", f"`decision` must be a decision id (a string of 1 to {_MAX_ID} characters)"
        )
    outcome = body.get("outcome")
    if outcome not in OUTCOMES:
        raise _ApiError(400, "bad_request", f"`outcome` must be one of {', '.join(sorted(OUTCOMES))}")
    by = body.get("by", "human")
    if by not in BY:
        raise _ApiError(400, "bad_request", f"`by` must be one of {', '.join(sorted(BY))}")
    detail = body.get("detail", "")
    if detail is None:
        detail = ""
    if not isinstance(detail, str) or len(detail) > _MAX_DETAIL:
        raise _ApiError(400, "bad_request", f"`detail` must be a string of at most {_MAX_DETAIL} characters")
    latency = body.get("latency_ms")
    if latency is not None and (
        isinstance(latency, bool) or not isinstance(latency, (int, float)) or latency < 0
    ):
        raise _ApiError(400, "bad_request", "`latency_ms` must be a number >= 0 or null")
    return _Outcome(decision, outcome, by, detail, None if latency is None else float(latency))


# -- the app ----------------------------------------------------------------------------------


class _Service:
    """The state behind the endpoints: the guard, the watcher, the token, the limits."""

    def __init__(
        self, guard: Guard, watcher: PolicyWatcher | None, token: str | None, max_body: int, started: float
    ) -> None:
        self.guard = guard
        self.watcher = watcher
        self._token = token.encode() if token is not None else None
        self.max_body = max_body
        self.started = started
        self.openapi = openapi_document(auth=token is not None)
        self._reporting = anyio.Lock()

    def authorize(self, request: Request) -> None:
        """Raise a 401 unless the request carries the configured bearer token."""
        if self._token is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        # compare_digest on bytes: constant time in the token's content.
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self._token):
            raise _ApiError(
                401,
                "unauthorized",
                "missing or wrong bearer token",
                {"WWW-Authenticate": 'Bearer realm="remit"'},
            )

    async def refresh(self) -> None:
        """Reload the policy if its file changed (looks at most once per interval)."""
        if self.watcher is not None and self.watcher.due():
            await anyio.to_thread.run_sync(self.watcher.poll)

    async def decide(self, request: Request) -> Response:
        self.authorize(request)
        tool, args, ctx = _decide_request(await _read_json(request, self.max_body))
        await self.refresh()
        decision = self.guard.check(tool, args, ctx)  # never raises: fails closed inside
        return JSONResponse(decision.as_dict())

    async def outcome(self, request: Request) -> Response:
        self.authorize(request)
        o = _outcome_request(await _read_json(request, self.max_body))
        try:
            self.guard.record_outcome(
                o.decision, o.outcome, by=o.by, detail=o.detail, latency_ms=o.latency_ms
            )
        except LogError as exc:
            logger.error("outcome not recorded: %s", exc)
            return _error(503, "log_unavailable", f"the outcome was not recorded: {exc}")
        return Response(status_code=204)

    async def health(self, request: Request) -> Response:
        await self.refresh()
        p = self.guard.policy
        w = self.watcher
        return JSONResponse(
            {
                "status": "ok",
                "version": __version__,
                "policy": {"name": p.name, "version": p.version, "sha256": p.sha256, "mode": p.mode},
                "uptime_s": round(time.monotonic() - self.started, 3),
                "reload": {
                    "watching": w is not None,
                    "reloads": w.reloads if w else 0,
                    "stale": bool(w and w.last_error),
                    "last_error": w.last_error if w else None,
                },
            }
        )

    async def openapi_json(self, request: Request) -> Response:
        self.authorize(request)
        return JSONResponse(self.openapi)

    async def report(self, request: Request) -> Response:
        self.authorize(request)
        return JSONResponse((await self._report(request)).as_dict())

    async def report_html(self, request: Request) -> Response:
        from .report import render_html

        self.authorize(request)
        return HTMLResponse(render_html(await self._report(request)))

    async def _report(self, request: Request) -> Any:
        """The report of the service's own log, built in a worker thread, one at a time."""
        from .report import build_report

        since, until = _report_window(request.query_params)
        log = self.guard.log
        if log is None:
            raise _ApiError(
                404, "no_log", "the service keeps no decision log to report on: start it with --log"
            )
        policy, path = self.guard.policy, log.path
        async with self._reporting:  # a report holds the log's figures in memory: one at a time
            return await anyio.to_thread.run_sync(
                lambda: build_report([path], policy=policy, since=since, until=until)
            )


def _guarded(handler: Handler) -> Handler:
    """Turn `_ApiError` into its JSON answer and anything unexpected into a 500 that blocks."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except _ApiError as exc:
            return _error(exc.status, exc.code, exc.message, exc.headers)
        except Exception:
            logger.exception("internal error on %s %s", request.method, request.url.path)
            return _internal_error()

    return endpoint


async def _http_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail), exc.headers)
    return _internal_error()  # pragma: no cover - Starlette only routes HTTPException here


async def _server_error(request: Request, exc: Exception) -> Response:
    logger.error("unhandled error on %s %s: %r", request.method, request.url.path, exc)
    return _internal_error()


def create_app(
    policy: str | Path | Guard,
    *,
    log: str | Path | None = None,
    log_durability: str | None = None,
    token: str | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    reload_interval: float | None = RELOAD_INTERVAL,
    allowed_hosts: Sequence[str] | None = None,
) -> Starlette:
    """The decision service as an ASGI app.

    `policy` is a policy file, the name of a shipped policy, or a ready `Guard` (then `log`
    and `log_durability` must be None: the guard has its own). `log_durability`: how far each
    record goes before the answer (see `DecisionLog`). `token`: when set, every endpoint but
    `/v1/health` needs `Authorization: Bearer <token>`. `reload_interval`: seconds between
    two looks at the policy file (None: never reload). `allowed_hosts`: accepted `Host`
    headers (None: any; `run` sets the loopback names when it binds to loopback, against
    DNS rebinding). Raises `PolicyError` for an invalid policy, `ValueError` for bad options.
    """
    if token is not None and not token.strip():
        raise ValueError("the bearer token is empty")
    if max_body_bytes <= 0:
        raise ValueError("max_body_bytes must be positive")
    if isinstance(policy, Guard):
        if log is not None or log_durability is not None:
            raise ValueError("pass `log` to the Guard, not to create_app, when giving a Guard")
        guard = policy
    else:
        guard = Guard.from_path(resolve_policy(str(policy)), log=log, log_durability=log_durability)
    watcher = None
    if reload_interval is not None and guard.path is not None:
        watcher = PolicyWatcher(guard, guard.path, reload_interval)
    service = _Service(guard, watcher, token, max_body_bytes, time.monotonic())
    routes = [
        Route("/v1/decide", _guarded(service.decide), methods=["POST"]),
        Route("/v1/outcome", _guarded(service.outcome), methods=["POST"]),
        Route("/v1/health", _guarded(service.health), methods=["GET"]),
        Route("/openapi.json", _guarded(service.openapi_json), methods=["GET"]),
        Route("/v1/report", _guarded(service.report), methods=["GET"]),
        Route("/v1/report.html", _guarded(service.report_html), methods=["GET"]),
    ]
    middleware = []
    if allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.guard = guard
    app.state.watcher = watcher
    return app


def token_from_env(var: str) -> str:
    """The bearer token held in environment variable `var`; ValueError if unset or empty."""
    value = os.environ.get(var, "")
    if not value.strip():
        raise ValueError(f"environment variable {var} is unset or empty: no bearer token")
    return value.strip()


def _is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def run(
    policy: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    log: str | Path | None = None,
    log_durability: str | None = None,
    token: str | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    reload_interval: float | None = RELOAD_INTERVAL,
    log_level: str = "info",
) -> None:
    """Serve the decision service with uvicorn until interrupted (one process: sessions live in it)."""
    import uvicorn

    if not logger.handlers:  # reload notices and warnings beside uvicorn's own lines
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-9s remit: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(log_level.upper())
    if not _is_loopback(host) and token is None:
        logger.warning(
            "serving on %s without a bearer token: anyone who reaches it can record outcomes", host
        )
    allowed = [*LOOPBACK_HOSTS, host] if _is_loopback(host) else None
    app = create_app(
        policy,
        log=log,
        log_durability=log_durability,
        token=token,
        max_body_bytes=max_body_bytes,
        reload_interval=reload_interval,
        allowed_hosts=allowed,
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )


# -- OpenAPI ----------------------------------------------------------------------------------


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_body(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {
        400: "Malformed body: not JSON, not an object, or a field of the wrong type.",
        401: "Missing or wrong bearer token (only when the service has one).",
        413: "The body is larger than the limit (1 MiB by default).",
        415: "The body is not sent as application/json.",
        503: "The decision log could not be written.",
        404: "The service keeps no decision log (started without --log).",
    }
    return {str(s): _json_body("Error", text[s]) for s in statuses}


def openapi_document(auth: bool = False) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service; `auth` adds the bearer scheme."""
    rating_ref = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
    schemas: dict[str, Any] = {
        "DecideRequest": {
            "type": "object",
            "required": ["tool"],
            "additionalProperties": False,
            "properties": {
                "tool": {"type": "string", "minLength": 1, "description": "The tool's name, e.g. `Bash`."},
                "args": {"type": ["object", "null"], "description": "The call's arguments (default `{}`)."},
                "ctx": {
                    "type": ["object", "null"],
                    "description": "Context: `session_id`, `turn_id`, `agent_id`, `cwd`, `permission_mode`, "
                    "`steps_since_human`, `labels`, ...",
                },
            },
        },
        "Route": {"type": "string", "enum": ["allow", "ask", "block"]},
        "Ratings": {
            "type": "object",
            "required": ["risk", "reversibility", "autonomy"],
            "properties": {
                "risk": {"type": "integer", "minimum": 1, "maximum": 10},
                "reversibility": {"type": "string", "enum": ["reversible", "recoverable", "irreversible"]},
                "autonomy": {"type": "integer", "minimum": 1, "maximum": 10},
            },
        },
        "Reason": {
            "type": "object",
            "required": ["id", "kind", "decision", "message"],
            "properties": {
                "id": {"type": "string"},
                "kind": {"type": "string", "enum": ["rule", "route", "default", "error", "shadow"]},
                "decision": _ref("Route"),
                "message": {"type": "string"},
            },
        },
        "EvalError": {
            "type": "object",
            "required": ["id", "message"],
            "properties": {"id": {"type": "string"}, "message": {"type": "string"}},
        },
        "PolicyRef": {
            "type": "object",
            "required": ["name", "version", "sha256"],
            "properties": {
                "name": {"type": "string"},
                "version": {"type": "string"},
                "sha256": {"type": "string"},
            },
        },
        "Decision": {
            "type": "object",
            "required": [
                "id",
                "decision",
                "effective",
                "mode",
                "tool",
                "ratings",
                "rated_by",
                "reasons",
                "shadow",
                "errors",
                "policy",
                "latency_us",
            ],
            "properties": {
                "id": {"type": "string", "description": "Sortable unique id; quote it in /v1/outcome."},
                "decision": {**_ref("Route"), "description": "The policy's verdict."},
                "effective": {
                    **_ref("Route"),
                    "description": "What the caller must do: the verdict, or allow in shadow mode.",
                },
                "mode": {"type": "string", "enum": ["enforce", "shadow"]},
                "tool": {"type": "string"},
                "ratings": _ref("Ratings"),
                "rated_by": {**rating_ref, "description": "Per dimension, the rating rules that set it."},
                "reasons": {"type": "array", "items": _ref("Reason")},
                "shadow": {"type": "array", "items": _ref("Reason")},
                "errors": {"type": "array", "items": _ref("EvalError")},
                "policy": _ref("PolicyRef"),
                "latency_us": {"type": "number"},
            },
        },
        "OutcomeRequest": {
            "type": "object",
            "required": ["decision", "outcome"],
            "additionalProperties": False,
            "properties": {
                "decision": {"type": "string", "minLength": 1, "maxLength": _MAX_ID},
                "outcome": {"type": "string", "enum": sorted(OUTCOMES)},
                "by": {"type": "string", "enum": sorted(BY), "default": "human"},
                "detail": {"type": ["string", "null"], "maxLength": _MAX_DETAIL, "default": ""},
                "latency_ms": {"type": ["number", "null"], "minimum": 0},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status", "version", "policy", "uptime_s", "reload"],
            "properties": {
                "status": {"type": "string", "const": "ok"},
                "version": {"type": "string", "description": "remit's version."},
                "policy": {
                    "type": "object",
                    "required": ["name", "version", "sha256", "mode"],
                    "properties": {
                        "name": {"type": "string"},
                        "version": {"type": "string"},
                        "sha256": {"type": "string"},
                        "mode": {"type": "string", "enum": ["enforce", "shadow"]},
                    },
                },
                "uptime_s": {"type": "number"},
                "reload": {
                    "type": "object",
                    "required": ["watching", "reloads", "stale", "last_error"],
                    "properties": {
                        "watching": {"type": "boolean"},
                        "reloads": {"type": "integer"},
                        "stale": {
                            "type": "boolean",
                            "description": "The file on disk is invalid; the previous policy is in force.",
                        },
                        "last_error": {"type": ["string", "null"]},
                    },
                },
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                },
                "decision": {"type": "string", "const": "block", "description": "Only on a 500."},
                "effective": {"type": "string", "const": "block", "description": "Only on a 500."},
            },
        },
    }
    internal = {"500": _json_body("Error", "Internal error; the body says `block`.")}
    auth_errors = (401,) if auth else ()
    paths: dict[str, Any] = {
        "/v1/decide": {
            "post": {
                "operationId": "decide",
                "summary": "Rate and route one tool call",
                "description": "A well-formed call that the policy cannot evaluate is still a 200 decision "
                "(the policy's `on_error`, block by default). Act on `effective`.",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("DecideRequest")}},
                },
                "responses": {
                    "200": _json_body("Decision", "The decision."),
                    **_errors(400, *auth_errors, 413, 415),
                    **internal,
                },
            }
        },
        "/v1/outcome": {
            "post": {
                "operationId": "recordOutcome",
                "summary": "Log what happened to a decision",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("OutcomeRequest")}},
                },
                "responses": {
                    "204": {"description": "Recorded."},
                    **_errors(400, *auth_errors, 413, 415, 503),
                    **internal,
                },
            }
        },
        "/v1/health": {
            "get": {
                "operationId": "health",
                "summary": "Policy in force and uptime",
                "responses": {"200": _json_body("Health", "The service is up.")},
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "The OpenAPI document.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_errors(*auth_errors),
                },
            }
        },
    }
    paths.update(_report_paths(auth_errors))
    schemas["Report"] = REPORT_SCHEMA
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "remit decision service",
            "version": __version__,
            "summary": "Rate AI-agent tool calls and route them to allow, ask or block.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
    if auth:
        doc["components"]["securitySchemes"] = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        doc["security"] = [{"bearerAuth": []}]
        paths["/v1/health"]["get"]["security"] = []
    return doc


# -- the report -------------------------------------------------------------------------------

REPORT_QUERY = frozenset({"since", "until"})
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every figure of `remit report --format json` (docs/report.md): each with its sample "
    "size `n`, and `value: null` with a `reason` where the data cannot give it.",
    "required": ["schema", "inputs", "totals", "periods", "turn_duration", "calls", "tuning"],
    "properties": {
        "schema": {"type": "integer", "const": 1},
        "inputs": {"type": "object"},
        "totals": {"type": "object", "additionalProperties": {"type": "integer"}},
        "periods": {"type": "array", "items": {"type": "string", "format": "date"}},
    },
}


def _report_window(params: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
    """`since` and `until` of a report request (UTC when they carry no offset); 400 otherwise."""
    extra = sorted(set(params) - REPORT_QUERY)
    if extra:
        raise _ApiError(
            400, "bad_request", f"unknown query parameter(s): {', '.join(extra)}; expected since, until"
        )
    return _moment(params.get("since"), "since"), _moment(params.get("until"), "until")


def _moment(text: str | None, name: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        value = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)  # out of range in UTC (year 0 or 10000): a 400
    except (ValueError, OverflowError):
        raise _ApiError(
            400,
            "bad_request",
            f"`{name}` must be an ISO 8601 date or time (2026-01-05, 2026-01-05T09:30:00Z)",
        ) from None


def _report_paths(auth_errors: tuple[int, ...]) -> dict[str, Any]:
    """The OpenAPI paths of the report: JSON and HTML, over the service's own decision log."""
    window = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"Keep what happened {what} (ISO 8601 date or time; UTC without an offset).",
            "schema": {"type": "string"},
        }
        for name, what in (("since", "at or after this time"), ("until", "before this time"))
    ]
    errors = {**_errors(400, *auth_errors, 404), "500": _json_body("Error", "Internal error.")}
    html = {"text/html": {"schema": {"type": "string"}}}
    return {
        "/v1/report": {
            "get": {
                "operationId": "report",
                "summary": "The oversight report of the service's decision log",
                "description": "The figures of `remit report --format json` over the log this service "
                "writes, with its policy in force. Built on request; one at a time.",
                "parameters": window,
                "responses": {"200": _json_body("Report", "The report."), **errors},
            }
        },
        "/v1/report.html": {
            "get": {
                "operationId": "reportHtml",
                "summary": "The same report as one self-contained HTML page with charts",
                "parameters": window,
                "responses": {"200": {"description": "The page.", "content": html}, **errors},
            }
        },
    }
