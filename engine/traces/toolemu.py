"""ToolEmu agent runs: one JSON object per line, one run (a session) per line.

`input` is the user's instruction (the human turn); `intermediate_steps` is a list of
`[[tool, tool_input_json, log], observation]` pairs, ending with an `AgentFinish`. The
observation is emulated: a JSON object with an `error` key counts as a failed call.
No timestamps, no cwd.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

from .base import Parser
from .files import json_args
from .model import RawCall, RawContext, RawHuman, RawItem


class ToolEmuParser(Parser):
    """ToolEmu run lines to raw items."""

    fmt: ClassVar[str] = "toolemu"

    def record(self, line: int, value: Any) -> Iterator[RawItem]:
        """One run: a session of its own, its instruction, then its tool calls."""
        steps = value.get("intermediate_steps") if isinstance(value, dict) else None
        if not isinstance(steps, list):
            yield self.unknown(line, "a line without `intermediate_steps`")
            return
        assert isinstance(value, dict)
        case = value.get("case_idx", line)
        yield RawContext(line, session_id=f"{self.session_hint}#{case}")
        yield RawHuman(None, line)
        for index, step in enumerate(steps):
            call = self._call(line, index, step)
            if call is not None:
                yield call

    def _call(self, line: int, index: int, step: Any) -> RawCall | None:
        if not (isinstance(step, list) and len(step) == 2 and isinstance(step[0], list) and step[0]):
            return None  # the AgentFinish step, or an unusable one
        action = step[0]
        if not isinstance(action[0], str):
            return None
        failed = _is_error(step[1])
        return RawCall(
            action[0],
            json_args(action[1].strip() if len(action) > 1 and isinstance(action[1], str) else None),
            f"{self.session_hint}:{line}:{index + 1}",
            None,
            line,
            resolved=True,
            outcome="failed" if failed else "executed",
            result_error=failed,
        )


def _is_error(observation: Any) -> bool:
    if not isinstance(observation, str):
        return False
    try:
        value = json.loads(observation)
    except ValueError:
        return False
    return isinstance(value, dict) and "error" in value
