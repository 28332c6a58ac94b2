"""Which format a trace file is in, from its first meaningful records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .files import TraceFile

SNIFF_LINES = 64
SNIFF_BYTES = 4 * 1024 * 1024

CLAUDE_TYPES = frozenset(
    {"user", "assistant", "system", "summary", "progress", "file-history-snapshot", "queue-operation"}
)
CLAUDE_KEYS = ("sessionId", "uuid", "parentUuid", "leafUuid", "messageId")
CODEX_TYPES = frozenset({"session_meta", "turn_context", "response_item", "event_msg", "compacted"})
GEMINI_TYPES = frozenset({"user", "gemini", "info", "error", "warning"})


def _parse(data: bytes) -> Any:
    """`files.parse_json`, imported on use: `import remit.traces` loads this module alone."""
    from .files import parse_json

    return parse_json(data)


def detect(f: TraceFile) -> str | None:
    """The format of an open trace file (read from its start), or None if unrecognised."""
    first = _first_line(f)
    if first is None:
        return None
    try:
        value = _parse(first)
    except (ValueError, RecursionError):
        # a pretty-printed document, or JSON Lines whose first line is damaged
        found = _detect_lines(f)
        return found if found is not None else _detect_document(f)
    found = sniff(value)
    if found is not None:
        return found
    return _detect_lines(f)


def _first_line(f: TraceFile) -> bytes | None:
    from .files import bounded_lines

    try:
        for line in bounded_lines(f.stream):
            if line is None:
                return b""  # too long to parse: the next lines, or the text of the head, tell
            if line.strip():
                return line
    except (EOFError, OSError, ValueError):
        return None
    return None


def _detect_lines(f: TraceFile) -> str | None:
    """The first line said nothing definite: ask the next ones."""
    from .files import bounded_lines

    read = 0
    try:
        for count, line in enumerate(bounded_lines(f.stream, SNIFF_BYTES)):
            if line is None:
                return None
            read += len(line)
            if count >= SNIFF_LINES or read > SNIFF_BYTES:
                return None
            try:
                found = sniff(_parse(line))
            except (ValueError, RecursionError):
                continue
            if found is not None:
                return found
    except (EOFError, OSError, ValueError):
        return None
    return None


def _detect_document(f: TraceFile) -> str | None:
    """A pretty-printed document: look at its top-level keys without parsing all of it."""
    try:
        f.stream.seek(0)
        head = f.stream.read(SNIFF_BYTES)
    except (EOFError, OSError, ValueError):
        return None
    try:
        return sniff(_parse(head))
    except (ValueError, RecursionError):
        return _sniff_text(head[:SNIFF_BYTES].decode("utf-8", "replace"))


def _sniff_text(head: str) -> str | None:
    """Recognise a document too large (or too damaged) to parse from its first keys."""
    marks = (
        ('"trajectory_format": "mini-swe-agent', "mini-swe-agent"),
        ('"projectHash"', "gemini-cli"),
        ('"resourceSpans"', "otel"),
        ('"loglines"', "claude-code"),
        ('"trajectory"', "swe-agent"),
        ('"history"', "swe-agent"),
    )
    compact = head.replace('":"', '": "')
    for mark, fmt in marks:
        if mark in compact:
            return fmt
    return None


def sniff(record: Any) -> str | None:
    """The format one record belongs to, or None when it does not say."""
    if isinstance(record, list):
        return sniff(record[0]) if record else None
    if not isinstance(record, dict):
        return None
    for check in (_documents, _agents, _logs):
        found = check(record)
        if found is not None:
            return found
    return None


def _documents(r: dict[str, Any]) -> str | None:
    if "loglines" in r:
        return "claude-code"
    if "resourceSpans" in r:
        return "otel"
    if "intermediate_steps" in r:
        return "toolemu"
    if str(r.get("trajectory_format", "")).startswith("mini-swe-agent"):
        return "mini-swe-agent"
    if isinstance(r.get("trajectory"), list) or (isinstance(r.get("history"), list) and "messages" not in r):
        return "swe-agent"
    if isinstance(r.get("messages"), list) and ("projectHash" in r or "startTime" in r):
        return "gemini-cli"
    return None


def _agents(r: dict[str, Any]) -> str | None:
    kind = r.get("type")
    if kind in CODEX_TYPES and "payload" in r:
        return "codex"
    if "record_type" in r or ("instructions" in r and "id" in r and "timestamp" in r):
        return "codex"
    if kind in CLAUDE_TYPES and any(k in r for k in CLAUDE_KEYS):
        return "claude-code"
    if kind in GEMINI_TYPES and "id" in r and "timestamp" in r and "content" in r:
        return "gemini-cli"
    if "sessionId" in r and "projectHash" in r:
        return "gemini-cli"
    if kind in ("user", "assistant") and isinstance(r.get("message"), dict) and "role" not in r:
        return "claude-code"
    return None


def _logs(r: dict[str, Any]) -> str | None:
    if r.get("kind") in ("decision", "outcome", "policy_loaded", "policy_error") and "v" in r:
        return "remit-log"
    if "name" in r and isinstance(r.get("context"), dict) and "span_id" in r["context"]:
        return "otel"
    if "name" in r and "spanId" in r and "traceId" in r:
        return "otel"
    return _api(r)


def _api(r: dict[str, Any]) -> str | None:
    from .api import split  # here, not at the top: `import remit.traces` loads this module alone

    request, response = split(r)
    if response is not None:
        if "choices" in response:
            return "openai-chat"
        if response.get("object") == "response" or isinstance(response.get("output"), list):
            return "openai-responses"
        if response.get("type") == "message":
            return "anthropic-messages"
    if request is None:
        return None
    if isinstance(request.get("input"), (list, str)) and "messages" not in request:
        return "openai-responses"
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        return None
    return "anthropic-messages" if _anthropic_request(request, messages) else "openai-chat"


def _anthropic_request(request: dict[str, Any], messages: list[Any]) -> bool:
    if "system" in request or "anthropic_version" in request:
        return True
    tools = request.get("tools")
    if isinstance(tools, list) and any(isinstance(t, dict) and "input_schema" in t for t in tools):
        return True
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list) and any(
            isinstance(b, dict) and b.get("type") in ("tool_use", "tool_result") for b in content
        ):
            return True
    return False
