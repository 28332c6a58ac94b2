"""Gemini CLI chat recordings (`~/.gemini/tmp/<project hash>/chats/session-*.json`).

One JSON document per session (loaded whole): `sessionId`, `startTime`, `messages[]`; a
`gemini` message holds `toolCalls[]` with `name`, `args`, `status` (success, error,
cancelled) and `timestamp`, so each call carries its own outcome. A JSONL form with one
message per line (and an optional header line with `sessionId`) is read too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from .base import Parser, text_of
from .files import parse_ts
from .model import Outcome, RawActivity, RawCall, RawContext, RawHuman, RawInterrupt, RawItem

MESSAGE_TYPES = frozenset({"user", "gemini", "info", "error", "warning"})
STATUS: dict[str, Outcome] = {"success": "executed", "error": "failed", "cancelled": "interrupted"}


class GeminiParser(Parser):
    """Gemini CLI session messages to raw items."""

    fmt: ClassVar[str] = "gemini-cli"
    whole_document: ClassVar[bool] = True

    def document(self, value: Any) -> Iterator[RawItem]:
        """A whole session: its id, then each message (numbered from 1)."""
        if not isinstance(value, dict) or not isinstance(value.get("messages"), list):
            yield self.unknown(1, "not a Gemini CLI session (no `messages`)")
            return
        yield from self._header(0, value)
        for index, message in enumerate(value["messages"], 1):
            yield from self.record(index, message)

    def record(self, line: int, value: Any) -> Iterator[RawItem]:
        """One message (or, in the JSONL form, the header line)."""
        if not isinstance(value, dict):
            yield self.unknown(line, "a message that is not a JSON object")
        elif value.get("type") in MESSAGE_TYPES:
            yield from self._message(line, value)
        elif "sessionId" in value:
            yield from self._header(line, value)
        else:
            yield self.unknown(line, f"a message of unknown type `{value.get('type')}`")

    def _header(self, line: int, value: dict[str, Any]) -> Iterator[RawItem]:
        session = value.get("sessionId")
        if isinstance(session, str) and session:
            yield RawContext(line, session_id=session)

    def _message(self, line: int, message: dict[str, Any]) -> Iterator[RawItem]:
        kind = message.get("type")
        ts = parse_ts(message.get("timestamp"))
        text = text_of(message.get("content"))
        if kind == "user" and text.strip():
            yield RawHuman(ts, line)
        elif kind == "info" and "cancel" in text.lower():
            yield RawInterrupt(ts, line, detail=text.strip())
        if kind == "gemini":
            yield RawActivity(ts, line)
        calls = message.get("toolCalls")
        if kind == "gemini" and isinstance(calls, list):
            for call in calls:
                found = self._call(line, call, ts)
                if found is None:
                    yield self.unknown(line, "a tool call without a name")
                elif self.fresh(found.call_id):
                    yield found

    def _call(self, line: int, call: Any, ts: float | None) -> RawCall | None:
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            return None
        args = call.get("args")
        status = call.get("status")
        outcome = STATUS.get(status) if isinstance(status, str) else None
        return RawCall(
            tool=call["name"],
            args=args if isinstance(args, dict) else {"input": args},
            call_id=str(call.get("id") or self.line_id(line)),
            ts=parse_ts(call.get("timestamp")) or ts,
            line=line,
            resolved=True,
            outcome=outcome,
            result_error=outcome == "failed",
        )
