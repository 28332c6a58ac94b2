"""Record types of the trace readers.

What each format's parser hands to the shared assembler (`RawCall`, `RawResult`, `RawHuman`,
`RawInterrupt`, `RawNote`, `RawActivity`, `RawContext`) and the problems a reader reports
(`TraceProblem`). Parsers say what a line holds; the assembler (`assemble.py`) rebuilds the
context a live hook would have had and pairs calls with their results into what a reader
hands out: `TraceCall` and `TraceEvent` (`calls.py`, also importable from here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .calls import TraceCall as TraceCall
    from .calls import TraceEvent as TraceEvent
    from .calls import TraceItem as TraceItem

Outcome = Literal["executed", "failed", "interrupted", "denied"]
"""What followed a call: it ran, it ran and failed, a human interrupted it, a human refused it."""

ProblemKind = Literal["damaged_line", "unknown_record", "missing_result", "truncated", "unknown_format"]
"""Why part of a trace was skipped."""

EventKind = Literal["human", "interrupt", "clarification", "turn_end", "outcome"]
"""Turn-level events: a human message (a turn starts), a human interrupt, the agent asking the
human a question, the agent's last activity in a turn, an outcome recorded in a remit log."""

Source = tuple[str, int]
"""Where a record was read: file and line (1-based). For whole-document formats (SWE-agent
`.traj`, mini-swe-agent, Gemini CLI `.json`) the number is the record's position in the
document (step or message number), not a text line."""


@dataclass(frozen=True, slots=True)
class TraceProblem:
    """Part of a trace that was skipped, and why; never raised, always counted."""

    file: str
    line: int
    message: str
    kind: ProblemKind

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


# -- what parsers hand to the assembler ----------------------------------------------------


@dataclass(slots=True)
class RawCall:
    """A tool call as a parser found it; the assembler adds the rebuilt context."""

    tool: str
    args: dict[str, Any]
    call_id: str
    ts: float | None
    line: int
    session_id: str | None = None
    agent_id: str | None = None
    cwd: str | None = None
    depth: int = 0
    resolved: bool = False
    """True when the trace holds no separate result to wait for (inline or none at all)."""
    outcome: Outcome | None = None
    result_error: bool = False
    result_ts: float | None = None
    ctx: dict[str, Any] | None = None
    """Context recorded with the call (remit logs, generic JSONL); it wins over rebuilt values."""
    recorded: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class RawResult:
    """The result of an earlier call, found by its id."""

    call_id: str
    ts: float | None
    line: int
    outcome: Outcome
    error: bool = False
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class RawHuman:
    """A message typed by a human: a new turn starts."""

    ts: float | None
    line: int
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class RawInterrupt:
    """The human stopped the agent; calls still waiting for a result were interrupted."""

    ts: float | None
    line: int
    session_id: str | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RawNote:
    """Any other turn-level event worth keeping (a clarification question, a logged outcome)."""

    kind: EventKind
    ts: float | None
    line: int
    session_id: str | None = None
    detail: str = ""
    call_id: str = ""


@dataclass(frozen=True, slots=True)
class RawActivity:
    """The agent did something at this time (a message, a response): a turn lasts until its last."""

    ts: float | None
    line: int
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class RawContext:
    """Context that holds from here on in the session (`None` fields are left as they were)."""

    line: int
    session_id: str | None = None
    cwd: str | None = None
    permission_mode: str | None = None
    labels: dict[str, Any] = field(default_factory=dict)


RawItem = RawCall | RawResult | RawHuman | RawInterrupt | RawNote | RawActivity | RawContext | TraceProblem
"""What a format parser yields."""


_IN_CALLS = frozenset({"TraceCall", "TraceEvent", "TraceItem"})


def __getattr__(name: str) -> Any:
    """What a reader hands out, defined in `calls` (a hook's parser never makes one)."""
    if name in _IN_CALLS:
        from . import calls

        return getattr(calls, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
