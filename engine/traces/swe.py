"""SWE-agent `.traj` files and mini-swe-agent trajectories: one JSON document per run.

Both agents act through a shell, so each action becomes a `bash` call with
`{"command": ...}`. SWE-agent: `trajectory[].action` (the working directory from `state`),
or, in files that have only `history`, the `action` of each assistant message; except its
file edits (`edit 12:14` or `edit`, lines of new text, `end_of_edit`), whose text is not
shell: they become `edit` calls `{"path": <the open file>, "start_line", "end_line",
"replacement_text"}` (the path from `state.open_file`, the lines when the action gives them).
mini-swe-agent: the single ```bash block of each assistant message (a message with none or
several is a format error the agent did not execute); its result is the next user message
(`<returncode>`). Neither records wall-clock time per step except mini-swe-agent's model
responses (`extra.response.created`). The task statement starts the one human turn.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from .base import Parser, text_of
from .files import dig, parse_ts
from .model import RawActivity, RawCall, RawContext, RawHuman, RawItem, RawResult

BASH_BLOCK = re.compile(r"```bash\s*\n(.*?)\n```", re.DOTALL)
"""mini-swe-agent's own action pattern."""
RETURN_CODE = re.compile(r"<returncode>\s*(-?\d+)\s*</returncode>")
EDIT_BLOCK = re.compile(r"edit(?: (\d+):(\d+))?\n(?:(.*)\n)?end_of_edit", re.DOTALL)
"""SWE-agent's edit command: an optional line range, the new text, a closing `end_of_edit`."""


class SweAgentParser(Parser):
    """A SWE-agent trajectory to raw items."""

    fmt: ClassVar[str] = "swe-agent"
    whole_document: ClassVar[bool] = True

    def document(self, value: Any) -> Iterator[RawItem]:
        """Each step of the trajectory (numbered from 1), after the task as the human turn."""
        if not isinstance(value, dict):
            yield self.unknown(1, "not a SWE-agent trajectory (not a JSON object)")
            return
        yield RawContext(0, session_id=self.session_hint or None)
        yield RawHuman(None, 0)
        steps = value.get("trajectory")
        if isinstance(steps, list) and steps:
            for index, step in enumerate(steps, 1):
                yield from self._step(index, step)
        elif isinstance(value.get("history"), list):
            yield from self._history(value["history"])
        else:
            yield self.unknown(1, "a trajectory without `trajectory` or `history`")

    def _step(self, index: int, step: Any) -> Iterator[RawItem]:
        if not isinstance(step, dict) or not isinstance(step.get("action"), str):
            yield self.unknown(index, "a step without an action")
            return
        command = step["action"].strip()
        if command:
            state = _state(step.get("state"))
            yield self._action(index, command, _text(state, "working_dir"), _text(state, "open_file"))

    def _history(self, history: list[Any]) -> Iterator[RawItem]:
        for index, message in enumerate(history, 1):
            if isinstance(message, dict) and message.get("role") == "assistant":
                action = message.get("action")
                if isinstance(action, str) and action.strip():
                    yield self._action(index, action.strip(), None, None)

    def _action(self, index: int, command: str, cwd: str | None, open_file: str | None) -> RawCall:
        tool, args = "bash", {"command": command}
        edit = EDIT_BLOCK.fullmatch(command)
        if edit is not None:
            tool, args = "edit", _edit_args(edit, open_file)
        return RawCall(
            tool,
            args,
            self.line_id(index),
            None,
            index,
            cwd=cwd,
            resolved=True,
            outcome="executed",
        )


def _edit_args(edit: re.Match[str], open_file: str | None) -> dict[str, Any]:
    args: dict[str, Any] = {} if open_file is None else {"path": open_file}
    if edit.group(1) is not None:
        args["start_line"], args["end_line"] = int(edit.group(1)), int(edit.group(2))
    args["replacement_text"] = edit.group(3) or ""
    return args


def _state(state: Any) -> dict[str, Any]:
    """A step's `state` (an object, or JSON text of one); {} when it is neither."""
    if isinstance(state, str):
        try:
            state = json.loads(state)
        except ValueError:
            return {}
    return state if isinstance(state, dict) else {}


def _text(state: dict[str, Any], key: str) -> str | None:
    """A path the state names (`working_dir`, `open_file`); None when absent or `n/a`."""
    value = state.get(key)
    return value if isinstance(value, str) and value and value != "n/a" else None


class MiniSweAgentParser(Parser):
    """A mini-swe-agent trajectory to raw items."""

    fmt: ClassVar[str] = "mini-swe-agent"
    whole_document: ClassVar[bool] = True

    def document(self, value: Any) -> Iterator[RawItem]:
        """Each executed command (numbered by message, from 1) and its return code."""
        messages = value.get("messages") if isinstance(value, dict) else None
        if not isinstance(messages, list):
            yield self.unknown(1, "not a mini-swe-agent trajectory (no `messages`)")
            return
        assert isinstance(value, dict)
        session = value.get("instance_id")
        yield RawContext(0, session_id=str(session) if session else self.session_hint or None)
        pending: RawCall | None = None
        for index, message in enumerate(messages, 1):
            for item in self._message(index, message, pending):
                pending = (
                    item if isinstance(item, RawCall) else None if isinstance(item, RawResult) else pending
                )
                yield item
        if pending is not None and str(dig(value, "info.exit_status")).lower() == "submitted":
            yield RawResult(pending.call_id, None, pending.line, "executed")

    def _message(self, index: int, message: Any, pending: RawCall | None) -> Iterator[RawItem]:
        if not isinstance(message, dict):
            yield self.unknown(index, "a message that is not a JSON object")
            return
        role, text = message.get("role"), text_of(message.get("content"))
        if role == "assistant":
            blocks = BASH_BLOCK.findall(text)
            ts = parse_ts(dig(message, "extra.response.created"))
            yield RawActivity(ts, index)
            if len(blocks) == 1:
                yield RawCall("bash", {"command": blocks[0]}, self.line_id(index), ts, index)
        elif role == "user" and pending is not None:
            code = RETURN_CODE.search(text[:200])
            failed = code is not None and int(code.group(1)) != 0
            yield RawResult(pending.call_id, None, index, "failed" if failed else "executed", failed)
        elif role == "user" and index <= 2:
            yield RawHuman(None, index)
