"""What the MCP gateway reads and writes of the protocol: lines, strict JSON, message shapes.

Framing is the stdio transport's: one JSON-RPC message (or batch) per line. Nothing here
imports an MCP package; the shapes follow the MCP specification (handshake revisions
2024-11-05 to 2025-11-25, per-request revisions from 2026-07-28).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from .. import strict_json
from ..analyzers import name_facts
from ..decision import Decision
from ..log import args_sha256
from ..redact import redact
from ..strict_json import fold

HANDSHAKE_VERSIONS = frozenset({"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"})
"""Revisions negotiated by `initialize`; any other `_meta` protocol version is per-request."""
VERSION_KEY = "io.modelcontextprotocol/protocolVersion"
CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities"
CLIENT_INFO_KEY = "io.modelcontextprotocol/clientInfo"
HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
SAFER = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True}
"""Hint values that make a tool look safer than its name says."""
ROUND_TRIP = ("inputResponses", "requestState")
"""The fields of a retried request (per-request revisions)."""
ELICIT_PREFIX = "remit-ask-"
"""Ids of the elicitations the gateway sends: the client's answers to them stay with it."""
STATE_PREFIX = "remit:"
"""`requestState` of the gateway's own `input_required` results."""
INPUT_KEY = "remit-approval"
MAX_SHOWN_ARGS = 1500
APPROVAL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "approve": {
            "type": "boolean",
            "title": "Approve",
            "description": "Let the agent make this call",
            "default": False,
        }
    },
    "required": ["approve"],
}
PARSE_ERROR, INVALID_REQUEST, INTERNAL_ERROR = -32700, -32600, -32603
MESSAGE_KEYS = ("jsonrpc", "id", "method", "params", "result", "error")
"""The members of a JSON-RPC message: the keys the gateway reads at a message's top level."""
CALL_KEYS = ("name", "arguments", "_meta", *ROUND_TRIP)
"""The keys the gateway reads in a `tools/call`'s `params`."""
READ_METHODS = ("tools/call", "tools/list", "initialize", "notifications/cancelled")
"""The methods the gateway reads (and decides, for `tools/call`)."""
LAUNCHERS = re.compile(
    r"(?:python[\d.]*|py|pypy[\d.]*|node|deno|bun|bunx|npx|npm|pnpm|yarn|uv|uvx|pipx|poetry|"
    r"docker|podman|env|sh|bash|zsh|java|dotnet|ruby|go|cmd|run|exec|x|dlx|tool)"
)
"""Programs and launcher subcommands that run the server rather than name it."""


# -- names and hints -------------------------------------------------------------------------


def server_name(command: Sequence[str], given: str | None = None) -> str:
    """The `<server>` of `mcp__<server>__<tool>`: `given`, else the first word of the command
    that names a program or script rather than a launcher (`npx -y @scope/server-x` gives
    `server-x`, `python -m my_server` gives `my_server`), made safe for tool names."""
    if given:
        return _safe(given)
    for arg in command:
        if arg.startswith("-") or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", arg):
            continue
        base = arg.rstrip("/").rsplit("/", 1)[-1]
        base = base.split("@", 1)[0] if not base.startswith("@") else base
        base = re.sub(r"\.(py|pyz|js|mjs|cjs|ts|exe|jar|sh)$", "", base)
        if base and not LAUNCHERS.fullmatch(base.lower()):
            return _safe(base)
    return "server"


def _safe(name: str) -> str:
    """Only letters, digits, `_` and `-`, and no `__` (which separates the parts of the name)."""
    cleaned = re.sub(r"_{2,}", "_", re.sub(r"[^A-Za-z0-9_-]", "_", name)).strip("_")
    return cleaned or "server"


def hints_of(tool: Any) -> dict[str, bool]:
    """The boolean hints of one tool of a `tools/list` result (none when it has no annotations)."""
    annotations = tool.get("annotations") if isinstance(tool, dict) else None
    found = annotations if isinstance(annotations, dict) else {}
    return {k: v for k in HINTS if isinstance(v := found.get(k), bool)}


def trusted_hints(tool: str, annotations: Mapping[str, Any]) -> dict[str, bool]:
    """The hints of a tool's annotations that count for its rating.

    Annotations are the server's claims. A hint that makes the tool look riskier always
    counts; one that makes it look safer (`readOnlyHint: true`, `destructiveHint: false`,
    `idempotentHint: true`) counts only where the tool's name reads or says nothing: a
    server cannot pass `delete_all` off as read-only.
    """
    hints = {k: v for k in HINTS if isinstance(v := annotations.get(k), bool)}
    if not any(hints.get(k) is v for k, v in SAFER.items()):
        return hints
    if name_facts(tool).kind in ("read", "unknown"):
        return hints
    return {k: v for k, v in hints.items() if SAFER.get(k) is not v}


# -- lines --------------------------------------------------------------------------------------


EXIT_POLL = 0.25
"""Seconds between looks at whether the writer of a pipe has exited."""
EXIT_DRAIN = 1.0
"""Seconds a pipe is still read after its writer exited: what it wrote before it ended."""


def read_lines(fd: int, limit: int | None, ended: Callable[[], bool] | None = None) -> Iterator[bytes | None]:
    """The newline-delimited messages read from `fd` until end of file, or until the process
    writing them has `ended` and what it wrote is read.

    A line longer than `limit` is skipped; None stands for it, once. Raw reads on the file
    descriptor: no buffered reader whose lock a thread could hold at exit.
    """
    buf = bytearray()
    skipping = False
    readable = _until_ended(fd, ended) if ended is not None else None
    while True:
        try:
            chunk = os.read(fd, 1 << 16) if readable is None or readable() else b""
        except OSError:
            chunk = b""
        if not chunk:
            if buf and not skipping:
                yield bytes(buf)
            return
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            if not skipping:
                buf += chunk[start:end]
                yield None if limit is not None and len(buf) > limit else bytes(buf)
            buf.clear()
            skipping = False
            start = end + 1
        if not skipping:
            buf += chunk[start:]
            if limit is not None and len(buf) > limit:
                buf.clear()
                skipping = True
                yield None


def _until_ended(fd: int, ended: Callable[[], bool]) -> Callable[[], bool]:
    """A wait for `fd` to have something to read (data or its end) that says False once the
    writer has `ended` and `EXIT_DRAIN` has passed since: children the writer left behind
    can hold the pipe open for ever, and the end of file would never come.
    """
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    deadline: float | None = None

    def readable() -> bool:
        nonlocal deadline
        while True:
            if deadline is None and ended():
                deadline = time.monotonic() + EXIT_DRAIN
            wait = EXIT_POLL if deadline is None else deadline - time.monotonic()
            if wait <= 0:
                return False
            if poller.poll(wait * 1000):
                return True

    return readable


class Channel:
    """One direction of the relay: whole lines, one writer at a time."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.closed = False
        self.lock = threading.Lock()

    def send(self, line: bytes) -> bool:
        """Write one line; False once the other end is gone."""
        with self.lock:
            if self.closed:
                return False
            view = memoryview(line + b"\n")
            try:
                while view:
                    view = view[os.write(self.fd, view) :]
            except OSError:
                self.closed = True
                return False
            return True

    def message(self, value: Any) -> bool:
        """Write one JSON message (ASCII: any string encodes)."""
        return self.send(json.dumps(value, separators=(",", ":"), allow_nan=False).encode())

    def shut(self, close: Callable[[], None], wait: float) -> bool:
        """Send nothing more, and `close` the descriptor once no line is being written, waiting
        at most `wait` seconds: True when it was closed.

        A write to a peer that does not read blocks, holding the lock, for as long as the peer
        does not read. Closing the descriptor under it could let its number be reused by the
        next file opened, and the rest of the line go there; so it stays open, and the caller
        ends the peer instead, which fails the write.
        """
        self.closed = True
        if not self.lock.acquire(timeout=wait):
            return False
        try:
            with contextlib.suppress(OSError):
                close()
        finally:
            self.lock.release()
        return True


# -- strict JSON ---------------------------------------------------------------------------------


def parse_strict(line: bytes) -> Any:
    """Parse a client message as strictly as any server could (`remit.strict_json`: invalid
    UTF-8, duplicate keys, keys that are one once case is folded, `NaN`, `Infinity`, numbers
    beyond a double's range); raises ValueError."""
    return strict_json.loads(line)


def lookalike_key(obj: Mapping[str, Any], known: Mapping[str, str]) -> str | None:
    """The first key of `obj` that is not a key of `known` (folded key -> key) but folds to
    one (`Method`, `PARAMS`, `argumentſ`): a server that ignores case reads it as that key,
    which remit did not read."""
    for key in obj:
        real = known.get(fold(key))
        if real is not None and real != key:
            return key
    return None


MESSAGE_FOLDS = {fold(k): k for k in MESSAGE_KEYS}
CALL_FOLDS = {fold(k): k for k in CALL_KEYS}


def lookalike_method(method: Any) -> bool:
    r"""Whether `method` is not one the gateway reads but a lenient server could take for one:
    equal once cut at a NUL, normalised, case-folded and stripped of blanks and invisible
    characters (`tools/call `, `Tools/Call`, `tools\uff0fcall`)."""
    if not isinstance(method, str) or method in READ_METHODS:
        return False
    folded = fold(method.split("\0", 1)[0])
    return "".join(c for c in folded if c.isprintable() and not c.isspace()) in READ_METHODS


# -- message shapes ----------------------------------------------------------------------------


def request_key(value: Any) -> str | int | None:
    """A request id usable as a key (a string or an integer), else None."""
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return None


def params_of(message: Mapping[str, Any]) -> dict[str, Any]:
    """A message's `params` object ({} when absent or not an object)."""
    params = message.get("params")
    return params if isinstance(params, dict) else {}


def meta_of(params: Mapping[str, Any], key: str) -> Any:
    """One entry of a request's `_meta`, or None."""
    meta = params.get("_meta")
    return meta.get(key) if isinstance(meta, dict) else None


def is_modern(params: Mapping[str, Any]) -> bool:
    """True for a request of a per-request revision (its `_meta` names a version)."""
    version = meta_of(params, VERSION_KEY)
    return isinstance(version, str) and version not in HANDSHAKE_VERSIONS


def can_elicit(capabilities: Any) -> bool:
    """Whether client capabilities allow a form elicitation (`{}` means form, as in 2025-06-18)."""
    elicitation = capabilities.get("elicitation") if isinstance(capabilities, dict) else None
    return isinstance(elicitation, dict) and (not elicitation or "form" in elicitation)


def call_identity(params: Mapping[str, Any]) -> tuple[str, str]:
    """What makes two `tools/call` the same call: the tool's name and its arguments."""
    name = params.get("name")
    return (name if isinstance(name, str) else "", args_sha256(params.get("arguments")))


def resumed_call(original: dict[str, Any], retry: dict[str, Any]) -> dict[str, Any]:
    """The call to forward once approved: the retry, with the original's own round-trip fields."""
    params = {k: v for k, v in params_of(retry).items() if k not in ROUND_TRIP}
    first = params_of(original)
    params.update({k: first[k] for k in ROUND_TRIP if k in first})
    return {**retry, "params": params}


def tool_error(request: Mapping[str, Any], text: str) -> dict[str, Any]:
    """The answer to a call that did not run: a tool result with `isError`, which the model reads."""
    result: dict[str, Any] = {"content": [{"type": "text", "text": text}], "isError": True}
    if is_modern(params_of(request)):
        result["resultType"] = "complete"
    return {"jsonrpc": "2.0", "id": request["id"], "result": result}


def rpc_error(rid: Any, code: int, message: str) -> dict[str, Any]:
    """A JSON-RPC error response."""
    return {"jsonrpc": "2.0", "id": rid, "error": {"code": code, "message": message}}


def cancelled(rid: Any, reason: str) -> dict[str, Any]:
    """The notification that a request will get no answer."""
    return {
        "jsonrpc": "2.0",
        "method": "notifications/cancelled",
        "params": {"requestId": rid, "reason": reason},
    }


def elicitation(token: str, question: str, form_mode: bool) -> dict[str, Any]:
    """The gateway's `elicitation/create` request (handshake revisions)."""
    params = {"message": question, "requestedSchema": APPROVAL_SCHEMA}
    if form_mode:  # clients of 2025-11-25 name the mode; older ones know only forms
        params = {"mode": "form", **params}
    return {"jsonrpc": "2.0", "id": ELICIT_PREFIX + token, "method": "elicitation/create", "params": params}


def input_required(request: Mapping[str, Any], token: str, question: str) -> dict[str, Any]:
    """The answer that asks the client for a human's approval (per-request revisions)."""
    form = {"mode": "form", "message": question, "requestedSchema": APPROVAL_SCHEMA}
    result = {
        "resultType": "input_required",
        "inputRequests": {INPUT_KEY: {"method": "elicitation/create", "params": form}},
        "requestState": STATE_PREFIX + token,
    }
    return {"jsonrpc": "2.0", "id": request["id"], "result": result}


def approval_answer(retry: Mapping[str, Any]) -> Any:
    """The elicitation result a retried call carries for the gateway's question."""
    responses = params_of(retry).get("inputResponses")
    return responses.get(INPUT_KEY) if isinstance(responses, dict) else None


def question(decision: Decision) -> str:
    """What the human reads: the call (secrets redacted), its ratings, and why the policy asks."""
    shown = json.dumps(redact(decision.args), ensure_ascii=False, sort_keys=True, default=str)
    if len(shown) > MAX_SHOWN_ARGS:
        shown = shown[:MAX_SHOWN_ARGS] + "..."
    r = decision.ratings
    who = ", ".join(f"{x.kind} `{x.id}`" for x in decision.reasons) or "the policy's default"
    why = f" ({decision.reason})" if decision.reason else ""
    return (
        f"The agent wants to run `{decision.tool}` with {shown}.\n"
        f"Risk {r.risk}/10, {r.reversibility}, autonomy {r.autonomy}/10; "
        f"{who} of policy `{decision.policy.name}` asks for your approval{why}.\n"
        "Approve this call?"
    )


def approved(answer: Any) -> tuple[bool, str]:
    """Whether an elicitation result approves the call, and what the human did if not."""
    answer = answer if isinstance(answer, dict) else {}
    action, content = answer.get("action"), answer.get("content")
    if action == "accept" and isinstance(content, dict) and content.get("approve") is True:
        return True, ""
    said = {"accept": "a human did not approve it", "decline": "a human declined it"}
    return False, said.get(str(action), "a human dismissed the request")
