"""Any JSONL of tool calls, read through a field mapping given by the user.

`tool=name,args=input,session=sid,ts=time`: each key names a field of the call, each value
a dotted path into the line (`payload.tool.name`, `calls.0.args`). `tool` is required;
the others are optional: `args` (an object, or JSON text), `session`, `ts`, `id`, `cwd`,
`turn`, `agent`, `permission_mode`, `depth`, `outcome` (executed, failed, interrupted,
denied) and `error` (true when the call failed). A line without a tool is reported. When
`turn` is mapped, each new turn value starts a human turn (steps since human count from it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, cast

from .base import Parser
from .files import dig, json_args, parse_ts
from .model import Outcome, RawCall, RawHuman, RawItem

KEYS = frozenset(
    {
        "tool",
        "args",
        "session",
        "ts",
        "id",
        "cwd",
        "turn",
        "agent",
        "permission_mode",
        "depth",
        "outcome",
        "error",
    }
)
OUTCOMES = frozenset({"executed", "failed", "interrupted", "denied"})
CTX_KEYS = {"cwd": "cwd", "turn": "turn_id", "agent": "agent_id", "permission_mode": "permission_mode"}


def parse_mapping(text: str | Mapping[str, str]) -> dict[str, str]:
    """`tool=name,args=input` as a dict; raises ValueError naming a bad or unknown key."""
    if isinstance(text, Mapping):
        pairs = list(text.items())
    else:
        pairs = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, path = part.partition("=")
            if not sep or not path.strip():
                raise ValueError(f"a mapping entry must read `key=path`, not `{part}`")
            pairs.append((key.strip(), path.strip()))
    mapping = dict(pairs)
    if len(mapping) < len(pairs):
        twice = next(k for i, (k, _) in enumerate(pairs) if any(k == other for other, _ in pairs[:i]))
        raise ValueError(f"the mapping gives `{twice}` twice")
    unknown = sorted(set(mapping) - KEYS)
    if unknown:
        raise ValueError(f"unknown mapping key `{unknown[0]}` (known: {', '.join(sorted(KEYS))})")
    if "tool" not in mapping:
        raise ValueError("the mapping needs `tool=PATH`")
    return mapping


class GenericParser(Parser):
    """Lines of any JSONL to raw items, through a mapping."""

    fmt: ClassVar[str] = "generic"

    def __init__(
        self, file: str, *, session_hint: str = "", depth: int = 0, mapping: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(file, session_hint=session_hint, depth=depth)
        self.mapping = dict(mapping or {"tool": "tool", "args": "args"})
        self._turns: dict[str, Any] = {}

    def _get(self, value: Any, key: str) -> Any:
        path = self.mapping.get(key)
        return dig(value, path) if path else None

    def record(self, line: int, value: Any) -> Iterator[RawItem]:
        """One line: a call if its tool field is there."""
        tool = self._get(value, "tool")
        session = self._get(value, "session")
        turned = list(self._turn(line, value, session))
        yield from turned
        if not isinstance(tool, str) or not tool:
            if not turned:
                yield self.unknown(line, f"a line without a tool name at `{self.mapping['tool']}`")
            return
        outcome = self._outcome(value)
        depth = self._get(value, "depth")
        yield RawCall(
            tool,
            json_args(self._get(value, "args")),
            str(self._get(value, "id") or self.line_id(line)),
            parse_ts(self._get(value, "ts")),
            line,
            session_id=str(session) if session not in (None, "") else None,
            depth=depth if isinstance(depth, int) and not isinstance(depth, bool) else self.depth,
            resolved=True,
            outcome=outcome,
            result_error=outcome == "failed",
            ctx=self._ctx(value),
        )

    def _turn(self, line: int, value: Any, session: Any) -> Iterator[RawItem]:
        """A new value of the mapped turn field starts a human turn in that session."""
        turn = self._get(value, "turn")
        if turn in (None, ""):
            return
        key = str(session) if session not in (None, "") else ""
        if self._turns.get(key) != turn:
            self._turns[key] = turn
            yield RawHuman(parse_ts(self._get(value, "ts")), line, session_id=key or None)

    def _outcome(self, value: Any) -> Outcome | None:
        outcome = self._get(value, "outcome")
        if isinstance(outcome, str) and outcome in OUTCOMES:
            return cast(Outcome, outcome)
        error = self._get(value, "error")
        if error is None:
            return None
        return "failed" if error else "executed"

    def _ctx(self, value: Any) -> dict[str, Any]:
        ctx = {}
        for key, field in CTX_KEYS.items():
            found = self._get(value, key)
            if found not in (None, ""):
                ctx[field] = found if field == "permission_mode" else str(found)
        return ctx
