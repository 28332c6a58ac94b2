"""Codex CLI rollout files (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`).

Each line is `{"timestamp", "type", "payload"}`: `session_meta` (id, cwd), `turn_context`
(cwd, approval policy, sandbox), `response_item` (a `function_call` / `custom_tool_call` /
`local_shell_call` and its `*_output` with the same `call_id`), `event_msg` (`user_message`
starts a turn, `turn_aborted` is an interrupt). Rollouts written before the `payload`
envelope (one item per line after a header line) are read too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from .base import Parser, text_of
from .files import json_args, parse_ts
from .model import Outcome, RawActivity, RawCall, RawContext, RawHuman, RawInterrupt, RawItem, RawResult

LINE_TYPES = frozenset({"session_meta", "turn_context", "response_item", "event_msg", "compacted"})
CALL_TYPES = frozenset({"function_call", "custom_tool_call", "local_shell_call", "web_search_call"})
OUTPUT_TYPES = frozenset({"function_call_output", "custom_tool_call_output", "local_shell_call_output"})
ITEM_TYPES = CALL_TYPES | OUTPUT_TYPES | {"message", "reasoning"}
EXIT_CODE = re.compile(r"(?:Exit code|Process exited with code):?\s*(-?\d+)")


def permission_mode(approval: Any, sandbox: Any) -> str | None:
    """Codex's approval policy in Claude Code's words (an approximation, see docs/traces.md)."""
    if approval == "never":
        return "bypassPermissions" if sandbox == "danger-full-access" else "dontAsk"
    if approval == "on-failure":
        return "acceptEdits"
    if approval in ("on-request", "untrusted"):
        return "default"
    return None


class CodexParser(Parser):
    """Codex CLI rollout lines to raw items."""

    fmt: ClassVar[str] = "codex"

    def record(self, line: int, value: Any) -> Iterator[RawItem]:
        """The raw items of one rollout line."""
        if not isinstance(value, dict):
            yield self.unknown(line, "a line that is not a JSON object")
            return
        kind, payload = value.get("type"), value.get("payload")
        ts = parse_ts(value.get("timestamp"))
        if kind in LINE_TYPES and isinstance(payload, dict):
            yield from self._line(line, kind, payload, ts)
        elif kind in ITEM_TYPES:  # the older layout: the item itself, no envelope
            if _typed_by_user(value):  # that layout has no `user_message` events
                yield RawHuman(ts, line)
            yield from self._item(line, value, ts)
        elif "record_type" in value:
            return
        elif "instructions" in value and "id" in value:
            yield RawContext(line, session_id=str(value["id"]))
        else:
            yield self.unknown(line, f"a line of unknown type `{kind}`")

    def _line(self, line: int, kind: str, payload: dict[str, Any], ts: float | None) -> Iterator[RawItem]:
        if kind == "session_meta":
            cwd = payload.get("cwd")
            session = payload.get("id")
            yield RawContext(
                line,
                session_id=str(session) if session else None,
                cwd=cwd if isinstance(cwd, str) else None,
            )
        elif kind == "turn_context":
            yield _turn_context(line, payload)
        elif kind == "response_item":
            yield from self._item(line, payload, ts)
        elif kind == "event_msg":
            yield from _event(line, payload, ts)

    def _item(self, line: int, item: dict[str, Any], ts: float | None) -> Iterator[RawItem]:
        kind = item.get("type")
        if kind == "reasoning" or (kind == "message" and item.get("role") == "assistant"):
            yield RawActivity(ts, line)
        elif kind in CALL_TYPES:
            call = self._call(line, item, ts)
            if call is not None and self.fresh(call.call_id):
                yield call
        elif kind in OUTPUT_TYPES:
            yield _output(line, item, ts)

    def _call(self, line: int, item: dict[str, Any], ts: float | None) -> RawCall | None:
        kind = item.get("type")
        call_id = str(item.get("call_id") or item.get("id") or self.line_id(line))
        if kind == "function_call":
            tool, args = item.get("name"), json_args(item.get("arguments"))
        elif kind == "custom_tool_call":
            tool, args = item.get("name"), {"input": item.get("input")}
        elif kind == "local_shell_call":
            tool, args = "local_shell", json_args(item.get("action"))
        else:
            tool, args = "web_search", json_args(item.get("action"))
        if not isinstance(tool, str) or not tool:
            return None
        workdir = args.get("workdir") or args.get("working_directory")
        resolved = kind == "web_search_call"
        return RawCall(
            tool,
            args,
            call_id,
            ts,
            line,
            cwd=workdir if isinstance(workdir, str) else None,
            resolved=resolved,
            outcome="executed" if resolved else None,
        )


def _typed_by_user(item: dict[str, Any]) -> bool:
    """A user message of the older layout that a person typed (not the injected context)."""
    if item.get("type") != "message" or item.get("role") != "user":
        return False
    text = text_of(item.get("content")).lstrip()
    return bool(text) and not text.startswith("<")


def _turn_context(line: int, payload: dict[str, Any]) -> RawContext:
    approval = payload.get("approval_policy")
    sandbox_policy = payload.get("sandbox_policy")
    sandbox = sandbox_policy.get("mode") if isinstance(sandbox_policy, dict) else sandbox_policy
    labels = {k: v for k, v in (("approval_policy", approval), ("sandbox", sandbox)) if isinstance(v, str)}
    cwd = payload.get("cwd")
    return RawContext(
        line,
        cwd=cwd if isinstance(cwd, str) else None,
        permission_mode=permission_mode(approval, sandbox),
        labels=labels,
    )


def _event(line: int, payload: dict[str, Any], ts: float | None) -> Iterator[RawItem]:
    kind = payload.get("type")
    if kind == "user_message":
        yield RawHuman(ts, line)
    elif kind == "agent_message":
        yield RawActivity(ts, line)
    elif kind == "turn_aborted":
        yield RawInterrupt(ts, line, detail=str(payload.get("reason") or "aborted"))


def _output(line: int, item: dict[str, Any], ts: float | None) -> RawResult:
    """A call's output: failed when the command's exit code is not 0."""
    output = item.get("output")
    code = _exit_code(output)
    outcome: Outcome = "executed" if code in (None, 0) else "failed"
    if isinstance(output, str) and "aborted by user" in output[:200]:
        outcome = "interrupted"
    return RawResult(str(item.get("call_id") or ""), ts, line, outcome, outcome != "executed")


def _exit_code(output: Any) -> int | None:
    if isinstance(output, str):
        try:
            output = json.loads(output)
        except ValueError:
            found = EXIT_CODE.search(output[:500])
            return int(found.group(1)) if found else None
    if isinstance(output, dict):
        meta = output.get("metadata")
        code = meta.get("exit_code") if isinstance(meta, dict) else output.get("exit_code")
        return code if isinstance(code, int) and not isinstance(code, bool) else None
    return None
