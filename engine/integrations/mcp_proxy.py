"""`remit mcp-proxy`: a gateway between an MCP client and an MCP server, over stdio.

The client starts `remit mcp-proxy --policy P -- COMMAND ARGS...` as if it were the server;
the proxy starts the real server and relays newline-delimited JSON-RPC both ways. Every
`tools/call` is decided first, with the server's tool annotations (from `tools/list`) among
the facts:

- allow: the call goes to the server, and its result back to the client;
- block: the proxy answers with a tool error (`isError: true`) whose text the model reads:
  what was blocked, by which rule, why;
- ask: the proxy asks the human through the client with MCP elicitation (a form with one
  boolean, `approve`), when the client supports it; accept with `approve: true` runs the call,
  anything else (decline, cancel, no answer within `ask_timeout`, the client cancelling the
  call) is a tool error. A client without elicitation gets the policy's
  `defaults.non_interactive`. Every answer is logged as an outcome, and so is what became of
  each call that was sent to the server: executed or failed by its result (even when the
  client cancelled it and the result came all the same), interrupted when no result came
  (cancelled, or the server or the proxy stopped first).

Why a relay, not the SDK's client and server objects: a gateway built from an SDK client
and server re-encodes every message through one SDK version's models, so it drops fields,
notifications and methods that version does not know, and pins the protocol revisions both
sides may speak. A relay forwards what it does not need to understand as it is
(progress, cancellation, sampling, roots, resources, prompts, extensions, versions newer
than this module), and reads only what it decides on. The server's messages go to the client
byte for byte; the client's go to the server as parsed and encoded again, so that the server
cannot read anything but what the proxy decided on. It needs no MCP package at run time;
the official SDK serves as the real client and the real server in the tests.

Both eras of the protocol are handled, per request:

- handshake revisions (2024-11-05 to 2025-11-25): the client's capabilities come from
  `initialize`; an ask is an `elicitation/create` request the proxy sends to the client under
  an id of its own (`remit-ask-...`), whose response it keeps for itself;
- per-request revisions (2026-07-28 and later): the capabilities come from the request's
  `_meta`; an ask answers the `tools/call` with an `input_required` result carrying the
  elicitation and a `requestState` of the proxy's (`remit:...`), and the client's retry
  carries the answer. A state the server issues for a call that was allowed lets the retry
  through without a new decision.

What the proxy will not forward, since the server might read it otherwise than remit did:
a client line that is not strict JSON (invalid UTF-8, duplicate keys, keys of one object that
differ only in case, `NaN`, numbers beyond a double's range) gets a JSON-RPC parse error; a
message with a key that is not a JSON-RPC member's name but folds to one (`Method`, `PARAMS`),
a `tools/call` whose params hold a key that folds to one the proxy reads (`Name`,
`argumentſ`), and a method that folds to one the proxy reads (`Tools/Call`, `tools/call `)
get an invalid-request error. Go's encoding/json, which servers built on mcp-go use, matches
keys to struct fields ignoring case, so each of these could make the server run a call that
is not the one decided. A request whose id is that of a request still in flight is refused
too: JSON-RPC ids are unique among them, and the proxy matches each result to its call by id.
A server line that is not JSON is reported on stderr and dropped.

The client's messages go on as remit parsed them, keys and all, not rebuilt from the fields
remit knows: rebuilding would drop what newer revisions and extensions add (a call's `task`,
say), which a relay exists to pass on; and once no key the proxy reads has a lookalike beside
it, every server reads those keys as remit did, whatever else the message holds.

When the server exits, the proxy exits with its code; when the client closes stdin, the
server's stdin is closed, then it is terminated if it lingers. Shutdown never waits on a
write to a server that does not read: the server is terminated at once, which ends the write.

The policy sees tool `mcp__<server>__<tool>`, as Claude Code names MCP tools, with `<server>`
from `name` (see `server_name`); args the call's `arguments`; ctx `session_id` (one per
proxy process), `cwd`, `labels` (`gateway: mcp`, `mcp_server`) and `annotations`, the
server's hints as `trusted_hints` filters them, which the `name` analyzer applies.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import IO, Any

from ..decision import Decision
from ..guard import Guard
from ..strict_json import fold
from ..vocab import Route
from . import mcp_protocol as wire
from ._common import failure, refusal
from .mcp_protocol import server_name, trusted_hints

__all__ = ["McpProxy", "run_proxy", "server_name", "trusted_hints"]

MAX_CLIENT_LINE = 16 * 1024 * 1024
"""A client message longer than this is refused unread (a call's arguments are bounded anyway)."""
MAX_PARSED_SERVER_LINE = 64 * 1024 * 1024
"""Longer server messages are relayed without being read (they are no tool listing)."""
MAX_ISSUED = 4096
"""Elicitation tokens remembered to recognise late answers."""
MAX_PENDING_ASKS = 32
MAX_TRACKED = 4096
"""Requests in flight the proxy keeps track of (tool listings, forwarded calls, server states)."""
MAX_TOOLS = 10_000
SHUTDOWN_GRACE = 5.0
"""Seconds the server gets to exit after its stdin closes, and again after SIGTERM."""
WRITE_GRACE = 1.0
"""Seconds a shutdown waits for a message being written to the server before it stops it."""


@dataclass
class _Ask:
    """A call waiting for a human."""

    decision: Decision
    request: dict[str, Any]
    modern: bool
    token: str
    started: float
    done: threading.Event = field(default_factory=threading.Event)
    answer: Any = None
    error: str = ""
    retry: dict[str, Any] | None = None
    cancelled: bool = False
    abandoned: bool = False


@dataclass(frozen=True)
class _Sent:
    """A call forwarded to the server, until its result comes back."""

    decision: Decision
    identity: tuple[str, str]
    started: float


@dataclass
class _InFlight:
    """A request forwarded to the server and not answered yet."""

    method: str
    call: _Sent | None = None
    cancelled: bool = False


class McpProxy:
    """Relays one MCP client and one MCP server over stdio, deciding each `tools/call`.

    The client's messages are read on a thread of their own, the server's on the thread that
    calls `run`; an ask waits for its answer on a thread of its own. Nothing a peer sends
    makes the relay stop, short of closing its end.
    """

    def __init__(
        self,
        guard: Guard,
        command: Sequence[str],
        *,
        name: str | None = None,
        ask_timeout: float = 300.0,
        cwd: str | None = None,
        client_in: int = 0,
        client_out: int = 1,
        stderr: IO[str] | None = None,
    ) -> None:
        if not command:
            raise ValueError("no server command given")
        self.guard = guard
        self.command = list(command)
        self.server = server_name(command, name)
        self.ask_timeout = ask_timeout
        self.cwd = cwd if cwd is not None else os.getcwd()
        self.session_id = f"mcp-{self.server}-{guard.ids()}"
        self.client_in = client_in
        self.client = wire.Channel(client_out)
        self.to_server = wire.Channel(-1)
        self.stderr = stderr
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._hints: dict[str, dict[str, bool]] = {}
        self._capabilities: Any = None
        self._client_name = ""
        self._in_flight: OrderedDict[str | int, _InFlight] = OrderedDict()
        """The client's requests the server has not answered yet, by id (the latest few
        thousand): a result is matched to the request the proxy sent under its id."""
        self._resumable: OrderedDict[str, _Sent] = OrderedDict()
        self._asks: dict[str, _Ask] = {}
        self._issued: OrderedDict[str, None] = OrderedDict()
        """Tokens of the elicitations the proxy sent (the latest few thousand): only answers
        to these are kept here, even late ones; the server's own, whatever their id, pass."""
        self._ask_of_request: dict[str | int, str] = {}
        self._client_gone = threading.Event()
        self.stopping = threading.Event()
        """Set once the relay stops: what follows ends the server, and must run to its end."""

    # -- life cycle

    def run(self) -> int:
        """Start the server, relay until it exits, and return its exit code."""
        try:
            self.proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError as exc:
            self.say(f"cannot start the MCP server `{' '.join(self.command)}`: {exc.strerror or exc}")
            return 127 if isinstance(exc, FileNotFoundError) else 126
        try:
            self._relay(self.proc)
        finally:  # whatever stops the relay (SIGTERM among them) stops the server too
            self.stopping.set()
            code = self._stop_server()
            gone = self._client_gone.is_set()
            why = "the client went away" if gone else f"the MCP server exited with code {code}"
            self._abandon_asks(why)
            self._abandon_calls(why)
        if not gone:
            self.say(f"the MCP server exited with code {code}")
        return code

    def _relay(self, proc: subprocess.Popen[bytes]) -> None:
        stdin, stdout = proc.stdin, proc.stdout
        if stdin is None or stdout is None:  # cannot happen with pipes; keeps the types exact
            raise RuntimeError("the server's pipes were not created")
        self.to_server = wire.Channel(stdin.fileno())
        threading.Thread(target=self._pump_client, name="remit-mcp-client", daemon=True).start()
        for line in wire.read_lines(stdout.fileno(), None, lambda: proc.poll() is not None):
            if line:
                self._from_server(line)

    def _pump_client(self) -> None:
        for line in wire.read_lines(self.client_in, MAX_CLIENT_LINE):
            if line is None:
                self.say(f"refused a client message longer than {MAX_CLIENT_LINE} bytes")
                self._reply(wire.rpc_error(None, wire.INVALID_REQUEST, "message too long"))
            elif line.strip():
                try:
                    self._from_client(line)
                except Exception as exc:  # a bug here must not stop the relay
                    self.say(f"internal error on a client message, which was dropped: {exc!r}")
        # The client is gone: the server's stdin closes, and the server is ended if it lingers.
        self._client_gone.set()
        if self.proc is not None:
            self._end_server(self.proc)

    def _stop_server(self) -> int:
        proc = self.proc
        if proc is None:
            return 1
        code = self._end_server(proc)
        if proc.stdout is not None:
            proc.stdout.close()
        return code if code >= 0 else 128 - code

    def _end_server(self, proc: subprocess.Popen[bytes]) -> int:
        """Close the server's stdin, its signal to exit, then terminate it if it lingers, and
        kill it if it still does; returns its exit code.

        A message still being written to the server after `WRITE_GRACE` means the server
        does not read: it would never see its stdin close, and closing the pipe under the
        write is unsafe (`Channel.shut`). It is terminated at once instead, which fails the
        write, and the pipe is closed after.
        """
        closed = self._close_stdin(proc, WRITE_GRACE)
        code = _reap(proc, graceful=closed)
        if not closed:
            self._close_stdin(proc, WRITE_GRACE)
        return code

    def _close_stdin(self, proc: subprocess.Popen[bytes], wait: float) -> bool:
        stdin = proc.stdin
        return self.to_server.shut(stdin.close if stdin is not None else lambda: None, wait)

    def say(self, message: str) -> None:
        """A line on stderr for the person who runs the proxy."""
        stream = self.stderr or sys.stderr
        try:
            stream.write(f"remit mcp-proxy: {message}\n")
            stream.flush()
        except (OSError, ValueError):
            pass

    def _reply(self, message: dict[str, Any]) -> None:
        self.client.message(message)

    # -- from the client

    def _from_client(self, line: bytes) -> None:
        try:
            message = wire.parse_strict(line)
        except (ValueError, RecursionError) as exc:
            self.say(f"refused a client message that is not strict JSON: {exc}")
            self._reply(wire.rpc_error(None, wire.PARSE_ERROR, f"parse error: {exc}"))
            return
        # What goes to the server is what was decided on, encoded again: never the client's
        # own bytes, which a server could split or read differently (a bare CR is JSON
        # whitespace to this parser and a line break to some servers' line readers).
        if isinstance(message, list) and message:
            kept = [m for m in message if self._client_item(m)]
            if kept:
                self.to_server.message(kept)
        elif self._client_item(message):
            self.to_server.message(message)

    def _client_item(self, item: Any) -> bool:
        """Handle one client message; True when it goes to the server as it is."""
        if not isinstance(item, dict):
            self._reply(wire.rpc_error(None, wire.INVALID_REQUEST, "a JSON-RPC message must be an object"))
            return False
        odd = wire.lookalike_key(item, wire.MESSAGE_FOLDS)
        if odd is not None:
            return self._refuse(item, f"key `{odd}` is not `{wire.MESSAGE_FOLDS[fold(odd)]}`")
        method = item.get("method")
        if wire.lookalike_method(method):
            return self._refuse(item, f"method `{method}` is not one the MCP gateway knows by that name")
        if method == "tools/call":
            self._on_call(item)
            return False
        if "method" not in item:
            if "result" in item or "error" in item:
                return not self._on_answer(item)
            return self._refuse(item, "not a request, a notification or a response")
        key = wire.request_key(item.get("id"))
        if key is not None and not self._track(key, _InFlight(str(method))):
            return self._refuse(item, _in_use(key))
        if method == "initialize":
            params = wire.params_of(item)
            self._capabilities = params.get("capabilities")
            self._client_name = _name_of(params.get("clientInfo"))
        elif method == "notifications/cancelled":
            return self._on_cancelled(wire.params_of(item))
        return True

    def _refuse(self, item: dict[str, Any], why: str) -> bool:
        """Answer a client message the server must not see with an invalid-request error
        (under its id, unless it is a response: its id is one of the server's requests)."""
        self.say(f"refused a client message: {why}")
        response = "method" not in item and ("result" in item or "error" in item)
        rid = None if response else wire.request_key(item.get("id"))
        self._reply(wire.rpc_error(rid, wire.INVALID_REQUEST, why))
        return False

    def _track(self, key: str | int, request: _InFlight) -> bool:
        """Note a request about to go to the server; False when its id is in use."""
        with self._lock:
            if self._taken(key):
                return False
            earlier = self._in_flight.pop(key, None)
            _bounded_put(self._in_flight, key, request)
        if earlier is not None and earlier.call is not None:  # cancelled, and no result came
            self._cancelled_outcome(earlier.call)
        return True

    def _id_in_use(self, key: str | int) -> bool:
        with self._lock:
            return self._taken(key)

    def _taken(self, key: str | int) -> bool:
        """Whether a request in flight has this id: one the server has not answered (unless
        the client cancelled it), or a call waiting for a human. Called under the lock."""
        earlier = self._in_flight.get(key)
        return key in self._ask_of_request or (earlier is not None and not earlier.cancelled)

    def _on_call(self, request: dict[str, Any]) -> None:
        if request.get("id") is None:
            self.say("dropped a `tools/call` without an id: it could not be answered")
            return
        key = wire.request_key(request["id"])
        if key is None:
            why = "a request id must be a string or an integer"
            self._reply(wire.rpc_error(None, wire.INVALID_REQUEST, why))
            return
        params = wire.params_of(request)
        odd = wire.lookalike_key(params, wire.CALL_FOLDS)
        if odd is not None:
            self._refuse(request, f"`tools/call` param `{odd}` is not `{wire.CALL_FOLDS[fold(odd)]}`")
            return
        if self._id_in_use(key):
            self._refuse(request, _in_use(key))
            return
        try:
            state = params.get("requestState")
            if isinstance(state, str) and state.startswith(wire.STATE_PREFIX):
                self._resume(state[len(wire.STATE_PREFIX) :], request)
                return
            with self._lock:
                earlier = self._resumable.pop(state, None) if isinstance(state, str) else None
            if earlier is not None and earlier.identity == wire.call_identity(params):
                self._forward(request, earlier.decision)  # the server goes on with a call it got
                return
            self._route(request, self.check(params))
        except Exception as exc:
            self._reply(wire.tool_error(request, failure(exc)))

    def check(self, params: dict[str, Any]) -> Decision:
        """Decide the call that `tools/call` params describe (never raises for a bad call)."""
        name = params.get("name")
        tool: Any = f"mcp__{self.server}__{name}" if isinstance(name, str) and name else name
        args = params.get("arguments")
        return self.guard.check(tool, {} if args is None else args, self._context(tool, name, params))

    def _context(self, tool: Any, name: Any, params: dict[str, Any]) -> dict[str, Any]:
        labels = {"gateway": "mcp", "mcp_server": self.server}
        client = _name_of(wire.meta_of(params, wire.CLIENT_INFO_KEY)) or self._client_name
        if client:
            labels["mcp_client"] = client
        ctx: dict[str, Any] = {"session_id": self.session_id, "cwd": self.cwd, "labels": labels}
        hints = self._hints.get(name) if isinstance(name, str) else None
        if hints and isinstance(tool, str):
            trusted = trusted_hints(tool, hints)
            if trusted:
                ctx["annotations"] = trusted
        return ctx

    def _route(self, request: dict[str, Any], decision: Decision) -> None:
        verdict = decision.effective
        if verdict is Route.ALLOW:
            self._forward(request, decision)
        elif verdict is Route.BLOCK:
            self._reply(wire.tool_error(request, refusal(decision)))
        else:
            params = wire.params_of(request)
            modern = wire.is_modern(params)
            capabilities = wire.meta_of(params, wire.CAPABILITIES_KEY) if modern else self._capabilities
            if wire.can_elicit(capabilities):
                self._ask(request, decision, modern)
            else:
                self._unattended(request, decision)

    def _forward(self, request: dict[str, Any], decision: Decision) -> None:
        """Send an allowed call to the server (as parsed: the server reads what was decided)."""
        rid = request["id"]
        sent = _Sent(decision, wire.call_identity(wire.params_of(request)), time.monotonic())
        if not self._track(rid, _InFlight("tools/call", sent)):  # taken while a human was asked
            self._outcome(decision, "interrupted", "system", _in_use(rid), sent.started)
            self._reply(wire.rpc_error(rid, wire.INVALID_REQUEST, _in_use(rid)))
        elif not self.to_server.message(request):  # its outcome comes as the relay stops
            self._reply(wire.rpc_error(rid, wire.INTERNAL_ERROR, "the MCP server is not running"))

    def _on_cancelled(self, params: dict[str, Any]) -> bool:
        """The client gave up on a request: stop asking about it, or note that it was cancelled
        (a call's outcome is what the server answers, if it does)."""
        key = wire.request_key(params.get("requestId"))
        if key is None:
            return True
        with self._lock:
            token = self._ask_of_request.pop(key, None)
            ask = self._asks.pop(token, None) if token is not None else None
            if ask is not None:
                ask.cancelled = True
                ask.done.set()
            request = self._in_flight.get(key)
            if request is not None:
                request.cancelled = True
        return ask is None

    def _cancelled_outcome(self, sent: _Sent) -> None:
        self._outcome(sent.decision, "interrupted", "agent", "the client cancelled the call", sent.started)

    # -- asking a human

    def _unattended(self, request: dict[str, Any], decision: Decision) -> None:
        """No one to ask: the policy's `defaults.non_interactive` decides."""
        choice = self.guard.policy.defaults.non_interactive
        why = f"the MCP client cannot ask a human (no elicitation), and non_interactive is {choice.value}"
        yes = choice is Route.ALLOW
        self._outcome(decision, "approved" if yes else "denied", "system", why, time.monotonic())
        if yes:
            self._forward(request, decision)
        else:
            self._reply(wire.tool_error(request, refusal(decision, why)))

    def _ask(self, request: dict[str, Any], decision: Decision, modern: bool) -> None:
        ask = _Ask(decision, request, modern, os.urandom(16).hex(), time.monotonic())
        with self._lock:
            full = len(self._asks) >= MAX_PENDING_ASKS
            if not full:
                self._asks[ask.token] = ask
                if not modern:
                    self._ask_of_request[request["id"]] = ask.token
                    self._issued[ask.token] = None
                    while len(self._issued) > MAX_ISSUED:
                        self._issued.popitem(last=False)
        if full:
            why = f"{MAX_PENDING_ASKS} calls are already waiting for a human"
            self._outcome(decision, "denied", "system", why, ask.started)
            self._reply(wire.tool_error(request, refusal(decision, why)))
            return
        text = wire.question(decision)
        if modern:
            self._reply(wire.input_required(request, ask.token, text))
        else:
            form_mode = isinstance(self._capabilities, dict) and bool(self._capabilities.get("elicitation"))
            self._reply(wire.elicitation(ask.token, text, form_mode))
        threading.Thread(target=self._await, args=(ask,), name="remit-mcp-ask", daemon=True).start()

    def _on_answer(self, response: dict[str, Any]) -> bool:
        """A response to one of the proxy's elicitations (kept here, even when late)."""
        rid = response.get("id")
        if not (isinstance(rid, str) and rid.startswith(wire.ELICIT_PREFIX)):
            return False
        token = rid[len(wire.ELICIT_PREFIX) :]
        with self._lock:
            if token not in self._issued:
                return False  # not one of ours: the server's, for the server
            waiting = self._asks.get(token)
            ask = self._asks.pop(token) if waiting is not None and not waiting.modern else None
            if ask is not None:
                ask.answer = response.get("result")
                if "result" not in response:
                    error = response.get("error")
                    message = error.get("message") if isinstance(error, dict) else None
                    ask.error = str(message or "an error without a message")[:300]
                ask.done.set()
        return True

    def _resume(self, token: str, retry: dict[str, Any]) -> None:
        """The retried call that carries the answer to an `input_required` ask."""
        with self._lock:
            waiting = self._asks.get(token)
            ask = self._asks.pop(token) if waiting is not None and waiting.modern else None
            if ask is not None:
                ask.answer = wire.approval_answer(retry)
                ask.retry = retry
                ask.done.set()
        if ask is None:
            why = "remit: this approval is no longer pending (it was answered or timed out)"
            self._reply(wire.tool_error(retry, why))

    def _await(self, ask: _Ask) -> None:
        try:
            self._settle(ask)
        except Exception as exc:  # a bug here must not leave the client without an answer
            self.say(f"internal error on an ask, whose call was refused: {exc!r}")
            target = ask.retry if ask.modern else ask.request
            if target is not None and not ask.cancelled:
                self._reply(wire.tool_error(target, failure(exc)))

    def _settle(self, ask: _Ask) -> None:
        timed_out = False
        if not ask.done.wait(self.ask_timeout):
            with self._lock:  # an answer that takes the ask first wins
                timed_out = self._asks.pop(ask.token, None) is not None
        with self._lock:
            self._ask_of_request.pop(ask.request["id"], None)
        if ask.abandoned:
            return
        yes, outcome, by, detail = self._judge(ask, timed_out)
        self._outcome(ask.decision, outcome, by, detail, ask.started)
        if not ask.modern and (timed_out or ask.cancelled):
            self._reply(wire.cancelled(wire.ELICIT_PREFIX + ask.token, detail))
        target = ask.retry if ask.modern else ask.request
        if target is None or ask.cancelled:
            return  # nobody waits for an answer
        if yes:
            self._forward(wire.resumed_call(ask.request, target) if ask.modern else target, ask.decision)
        else:
            self._reply(wire.tool_error(target, refusal(ask.decision, detail)))

    def _judge(self, ask: _Ask, timed_out: bool) -> tuple[bool, str, str, str]:
        """(approved, outcome, by, detail) of a finished ask."""
        if timed_out:
            return False, "timeout", "system", f"no one answered within {self.ask_timeout:g}s"
        if ask.cancelled:
            return False, "interrupted", "agent", "the client cancelled the call"
        if ask.error:
            return False, "denied", "system", f"the client could not ask a human: {ask.error}"
        retry = ask.retry
        if retry is not None and wire.call_identity(wire.params_of(retry)) != wire.call_identity(
            wire.params_of(ask.request)
        ):
            return False, "denied", "system", "the retried call is not the one put to the human"
        yes, said = wire.approved(ask.answer)
        return (True, "approved", "human", "") if yes else (False, "denied", "human", said)

    def _abandon_calls(self, why: str) -> None:
        """The relay stopped: the calls the server had not answered are interrupted."""
        with self._lock:
            calls = [(r.call, r.cancelled) for r in self._in_flight.values() if r.call is not None]
            self._in_flight.clear()
        for sent, cancelled in calls:
            if cancelled:
                self._cancelled_outcome(sent)
            else:
                self._outcome(sent.decision, "interrupted", "system", why, sent.started)

    def _abandon_asks(self, why: str) -> None:
        with self._lock:
            asks = list(self._asks.values())
            self._asks.clear()
            for ask in asks:
                ask.abandoned = True
                ask.done.set()
        for ask in asks:
            self._outcome(ask.decision, "interrupted", "system", why, ask.started)

    def _outcome(self, decision: Decision, outcome: str, by: str, detail: str, started: float) -> None:
        latency = (time.monotonic() - started) * 1000
        try:
            self.guard.record_outcome(decision, outcome, by=by, detail=detail, latency_ms=latency)
        except Exception as exc:  # the decision is logged; a lost outcome must not stop the relay
            self.say(f"the outcome of decision {decision.id} was not logged: {exc}")

    # -- from the server

    def _from_server(self, line: bytes) -> None:
        if len(line) <= MAX_PARSED_SERVER_LINE:
            try:
                message = json.loads(line)
            except (ValueError, RecursionError):
                shown = line[:200].decode("utf-8", errors="replace")
                self.say(f"dropped a line from the MCP server that is not JSON: {shown}")
                return
            try:
                for item in message if isinstance(message, list) else [message]:
                    if isinstance(item, dict) and "method" not in item:
                        self._on_response(item)
            except Exception as exc:  # a bug here must not stop the relay
                self.say(f"internal error on a server message: {exc!r}")
        self.client.send(line)

    def _on_response(self, response: dict[str, Any]) -> None:
        """The server's answer to the request the proxy sent under its id."""
        key = wire.request_key(response.get("id"))
        if key is None:
            return
        with self._lock:
            request = self._in_flight.pop(key, None)
        if request is None:
            return
        result = response.get("result")
        if request.method == "tools/list" and isinstance(result, dict):
            self._learn(result.get("tools"))
        sent = request.call
        if sent is None:
            return
        if isinstance(result, dict) and result.get("resultType") == "input_required":
            state = result.get("requestState")
            if isinstance(state, str):  # the client will retry with it: the same call, going on
                with self._lock:
                    _bounded_put(self._resumable, state, sent)
            return
        if request.cancelled and "result" not in response:  # the error that says it stopped
            self._cancelled_outcome(sent)
            return
        failed = not isinstance(result, dict) or result.get("isError") is True
        detail = "the tool reported an error" if failed else ""
        self._outcome(sent.decision, "failed" if failed else "executed", "system", detail, sent.started)

    def _learn(self, tools: Any) -> None:
        """Keep the annotations of listed tools (a tool listed without any has none)."""
        for tool in tools if isinstance(tools, list) else ():
            name = tool.get("name") if isinstance(tool, dict) else None
            if isinstance(name, str) and (name in self._hints or len(self._hints) < MAX_TOOLS):
                self._hints[name] = wire.hints_of(tool)


def _reap(proc: subprocess.Popen[bytes], graceful: bool) -> int:
    """Wait for the server to exit (when `graceful`), then terminate it, then kill it."""
    stops = (None, proc.terminate, proc.kill) if graceful else (proc.terminate, proc.kill)
    for stop in stops:
        if stop is not None:
            with contextlib.suppress(OSError):
                stop()
        try:
            return proc.wait(SHUTDOWN_GRACE)
        except subprocess.TimeoutExpired:
            continue
    return proc.wait()


def _name_of(info: Any) -> str:
    name = info.get("name") if isinstance(info, dict) else None
    return name[:100] if isinstance(name, str) else ""


def _in_use(key: str | int) -> str:
    return f"request id `{key}` is in use by a request in flight"


def _bounded_put(table: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    table[key] = value
    while len(table) > MAX_TRACKED:
        table.popitem(last=False)


def run_proxy(
    guard: Guard, command: Sequence[str], *, name: str | None = None, ask_timeout: float = 300.0
) -> int:
    """Run the proxy on this process's stdin and stdout; returns the server's exit code.

    SIGTERM and SIGINT stop the server too (one that comes while the server is being stopped
    does not cut that short, which would leave it running); SIGHUP reloads the policy
    (keeping the old one if the new one is invalid).
    """
    proxy = McpProxy(guard, command, name=name, ask_timeout=ask_timeout)
    wanted = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        if not proxy.stopping.is_set():  # else the server is being stopped already
            proxy.stopping.set()
            raise SystemExit(128 + signum)

    def reloader() -> None:
        # Reloads run here, not in the signal handler: the handler may interrupt the main
        # thread while it holds the log's lock, which a reload takes too.
        while wanted.wait():
            wanted.clear()
            try:
                policy = guard.reload()
                proxy.say(f"policy reloaded: {policy.name} {policy.version}")
            except Exception as exc:
                proxy.say(f"the policy was not reloaded, the old one stays: {exc}")

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if guard.path is not None and hasattr(signal, "SIGHUP"):
            threading.Thread(target=reloader, name="remit-mcp-reload", daemon=True).start()
            signal.signal(signal.SIGHUP, lambda signum, frame: wanted.set())
    try:
        return proxy.run()
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
