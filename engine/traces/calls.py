"""What a trace reader hands out: the calls and the turn-level events of a trace.

The assembler (`assemble.py`) makes them from what the format parsers found (`model.py`);
kept apart so that the hook, which reads a transcript's tail with a parser alone, does not
define them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import EventKind, Outcome, Source, TraceProblem


@dataclass(frozen=True, slots=True)
class TraceCall:
    """One tool call read from a trace, with the context a live hook would have had."""

    tool: str
    args: dict[str, Any]
    ctx: dict[str, Any]
    call_id: str
    ts: float | None
    source: Source
    format: str
    outcome: Outcome | None = None
    result_error: bool = False
    result_ts: float | None = None
    recorded: dict[str, Any] | None = None
    """For remit decision logs: the decision as recorded (`decision`, `rules`, `ratings`, `id`)."""

    @property
    def session_id(self) -> str:
        """The session the call belongs to."""
        return str(self.ctx.get("session_id", ""))


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """A turn-level event: a human message, an interrupt, a clarification question, an outcome."""

    kind: EventKind
    session_id: str
    turn_id: str
    ts: float | None
    source: Source
    format: str
    detail: str = ""
    call_id: str = ""
    calls: int = 0
    """For `turn_end`: the tool calls made in the turn (sub-agents' included)."""


TraceItem = TraceCall | TraceEvent | TraceProblem
"""What `read_traces` yields."""
