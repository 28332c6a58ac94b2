"""Request logs of model APIs: OpenAI Chat Completions, OpenAI Responses, Anthropic Messages.

One exchange per line: `{"request": ..., "response": ...}` (each possibly under `body`), or a
bare request or response body. Calls are the response's `tool_calls` (Chat Completions),
`function_call` output items (Responses) or `tool_use` blocks (Messages); when only requests
were logged, the calls are read from the assistant turns of the history the next request
repeats. Results are the `tool` messages / `function_call_output` items / `tool_result`
blocks of later requests. A request that ends with a user's text started a human turn.
Each history repeats what came before, so calls, results and turns are taken once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any, ClassVar

from .base import Parser, text_of
from .files import dig, json_args, parse_ts
from .model import RawActivity, RawCall, RawContext, RawHuman, RawItem, RawResult

TS_KEYS = ("timestamp", "ts", "time", "created_at", "start_time", "startTime")
SESSION_KEYS = (
    "session_id",
    "sessionId",
    "conversation_id",
    "metadata.session_id",
    "metadata.conversation_id",
)
RESPONSE_CALLS = frozenset({"function_call", "custom_tool_call", "local_shell_call"})


def _body(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        inner = value.get("body")
        return inner if isinstance(inner, dict) else value
    return None


def split(value: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The request and the response of one logged exchange (either may be absent)."""
    if "request" in value or "response" in value:
        return _body(value.get("request")), _body(value.get("response"))
    if "choices" in value or value.get("object") == "response" or value.get("type") == "message":
        return None, value
    if "messages" in value or "input" in value:
        return value, None
    return None, None


class ApiLogParser(Parser):
    """Model-API request log lines to raw items (all three dialects)."""

    fmt: ClassVar[str] = "openai-chat"

    def __init__(self, file: str, *, session_hint: str = "", depth: int = 0) -> None:
        super().__init__(file, session_hint=session_hint, depth=depth)
        self._session: str | None = None

    def record(self, line: int, value: Any) -> Iterator[RawItem]:
        """One logged exchange."""
        if not isinstance(value, dict):
            yield self.unknown(line, "a line that is not a JSON object")
            return
        request, response = split(value)
        if request is None and response is None:
            yield self.unknown(line, "a line with neither a request nor a response")
            return
        ts = _ts(value, response)
        yield from self._context(line, value, request)
        if request is not None:
            yield from self._request(line, request, ts)
        if response is not None:
            yield RawActivity(ts, line)
            yield from self._calls(line, _response_items(response), ts)

    def _context(self, line: int, value: dict[str, Any], request: dict[str, Any] | None) -> Iterator[RawItem]:
        session = _first(value, SESSION_KEYS) or (_first(request, SESSION_KEYS) if request else None)
        if isinstance(session, (str, int)) and str(session) != self._session:
            self._session = str(session)
            yield RawContext(line, session_id=self._session)

    def _request(self, line: int, request: dict[str, Any], ts: float | None) -> Iterator[RawItem]:
        messages = request.get("messages")
        items = messages if isinstance(messages, list) else request.get("input")
        if isinstance(items, str):
            items = [{"role": "user", "content": items}]
        if not isinstance(items, list):
            return
        for message in items:
            if isinstance(message, dict):
                yield from self._results(line, message, ts)
                yield from self._calls(line, _history_calls(message), ts)
        if items and _is_human(items[-1]) and self.fresh(f"human:{len(items)}:{_digest(items[-1])}"):
            yield RawHuman(ts, line)

    def _results(self, line: int, message: dict[str, Any], ts: float | None) -> Iterator[RawItem]:
        for call_id, error in _result_ids(message):
            if self.fresh(f"result:{call_id}"):
                yield RawResult(call_id, ts, line, "failed" if error else "executed", error)

    def _calls(
        self, line: int, calls: list[tuple[str, str, dict[str, Any]]], ts: float | None
    ) -> Iterator[RawItem]:
        for index, (call_id, name, args) in enumerate(calls, 1):
            known = call_id or f"{self.line_id(line)}.{index}"
            if self.fresh(f"call:{known}"):
                yield RawCall(name, args, known, ts, line)


class OpenAIResponsesParser(ApiLogParser):
    """OpenAI Responses API request logs."""

    fmt: ClassVar[str] = "openai-responses"


class AnthropicParser(ApiLogParser):
    """Anthropic Messages API request logs."""

    fmt: ClassVar[str] = "anthropic-messages"


def _first(value: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        found = dig(value, key) if "." in key else value.get(key)
        if found:
            return found
    return None


def _ts(value: dict[str, Any], response: dict[str, Any] | None) -> float | None:
    for key in TS_KEYS:
        if key in value:
            return parse_ts(value[key])
    if response is not None:
        return parse_ts(response.get("created") or response.get("created_at"))
    return None


def _response_items(response: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The calls a response asked for, in all three dialects."""
    choices = response.get("choices")
    if isinstance(choices, list):
        out = []
        for choice in choices:
            message = choice.get("message") if isinstance(choice, dict) else None
            if isinstance(message, dict):
                out.extend(_history_calls(message))
        return out
    output = response.get("output")
    if isinstance(output, list):
        return [c for item in output if isinstance(item, dict) for c in _item_call(item)]
    return _history_calls(response)


def _history_calls(message: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The calls in one assistant message (Chat `tool_calls`, Messages `tool_use`) or item."""
    if message.get("type") in RESPONSE_CALLS:
        return _item_call(message)
    if message.get("role") != "assistant":
        return []
    out = []
    for call in message.get("tool_calls") or []:
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict) and isinstance(function.get("name"), str):
            out.append((str(call.get("id") or ""), function["name"], json_args(function.get("arguments"))))
    content = message.get("content")
    for block in content if isinstance(content, list) else []:
        if isinstance(block, dict) and block.get("type") == "tool_use" and isinstance(block.get("name"), str):
            out.append((str(block.get("id") or ""), block["name"], json_args(block.get("input"))))
    return out


def _item_call(item: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    kind, name = item.get("type"), item.get("name")
    call_id = str(item.get("call_id") or item.get("id") or "")
    if kind == "function_call" and isinstance(name, str):
        return [(call_id, name, json_args(item.get("arguments")))]
    if kind == "custom_tool_call" and isinstance(name, str):
        return [(call_id, name, {"input": item.get("input")})]
    if kind == "local_shell_call":
        return [(call_id, "local_shell", json_args(item.get("action")))]
    return []


def _result_ids(message: dict[str, Any]) -> list[tuple[str, bool]]:
    """Ids of the calls whose results this message carries, and whether each is an error."""
    if message.get("role") == "tool" and message.get("tool_call_id"):
        return [(str(message["tool_call_id"]), False)]
    if message.get("type") in ("function_call_output", "custom_tool_call_output") and message.get("call_id"):
        return [(str(message["call_id"]), False)]
    content = message.get("content")
    if message.get("role") != "user" or not isinstance(content, list):
        return []
    return [
        (str(b.get("tool_use_id")), b.get("is_error") is True)
        for b in content
        if isinstance(b, dict) and b.get("type") == "tool_result" and b.get("tool_use_id")
    ]


def _is_human(message: Any) -> bool:
    """A user message with text of its own (not only tool results)."""
    if not isinstance(message, dict) or message.get("role") != "user":
        return False
    content = message.get("content")
    if isinstance(content, str):
        return bool(content.strip())
    if not isinstance(content, list):
        return False
    return any(isinstance(b, dict) and b.get("type") in ("text", "input_text") for b in content) and bool(
        text_of(content).strip()
    )


def _digest(message: Any) -> str:
    return hashlib.sha1(repr(message).encode(), usedforsecurity=False).hexdigest()[:16]
