"""Raw traces for the report: each call decided by the policy (as `remit replay` does), the
turn events and call results kept, all written as a decision log and an event file that
`build.load` reads like any other log."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

from ..evaluate import CTX_DEFAULTS
from ..guard import Guard
from ..log import DecisionLog, iso
from ..session import SessionStore
from ..traces import TraceCall, TraceEvent, read_unit, units

__all__ = ["default_policy", "replay_traces"]

HUMAN_RESULTS = {"denied": "human", "interrupted": "human"}


def default_policy() -> Path:
    """The shipped `coding-agent` policy, which traces are replayed through by default."""
    from ..resources import shipped_policy

    chosen = shipped_policy("coding-agent")
    if chosen is None:
        raise FileNotFoundError("the shipped policy `coding-agent` is missing")
    return Path(chosen)


class _Clock:
    """The guard's clock during a replay: the time of the call being checked."""

    def __init__(self) -> None:
        self.now: float | None = None

    def __call__(self) -> float:
        return self.now if self.now is not None else time.time()


def replay_traces(traces: list[str], policy: Any, tmp: Path, problems: Counter[str]) -> list[str]:
    """Decide every traced call with the compiled `policy`; write a log and an event file in
    `tmp` and return their paths. Lines the readers could not use are counted in `problems`."""
    clock = _Clock()
    log_path, extra_path = tmp / "replayed.jsonl", tmp / "events.jsonl"
    with DecisionLog(log_path) as log, extra_path.open("w", encoding="utf-8") as extra:
        guard = Guard(policy, clock=clock, log=log)
        for unit in units([Path(p) for p in traces]):
            guard.sessions = SessionStore(guard.sessions.max_sessions)
            _replay_unit(guard, clock, unit, extra, problems)
    return [str(log_path), str(extra_path)]


def _replay_unit(guard: Guard, clock: _Clock, unit: Any, out: IO[str], problems: Counter[str]) -> None:
    lines: list[str] = []
    for item in read_unit(unit):
        if isinstance(item, TraceCall):
            clock.now = item.ts
            ctx = {k: v for k, v in item.ctx.items() if k in CTX_DEFAULTS}
            decision = guard.check(item.tool, item.args, ctx)
            lines.extend(_call_outcome(item, decision.id))
        elif isinstance(item, TraceEvent):
            lines.extend(_event_line(item))
        else:
            problems[item.kind] += 1
    out.writelines(line + "\n" for line in lines)


def _call_outcome(call: TraceCall, decision_id: str) -> list[str]:
    if call.outcome is None:
        return []
    ts = call.result_ts if call.result_ts is not None else call.ts
    record = {
        "v": 1,
        "kind": "outcome",
        "decision": decision_id,
        "ts": iso(ts) if ts is not None else None,
        "outcome": call.outcome,
        "by": HUMAN_RESULTS.get(call.outcome, "system"),
        "detail": "trace",
        "latency_ms": None,
    }
    return [json.dumps(record)]


def _event_line(event: TraceEvent) -> list[str]:
    if event.kind == "outcome":
        return []
    record = {
        "v": 1,
        "kind": "event",
        "event": event.kind,
        "session": event.session_id,
        "turn": event.turn_id,
        "ts": iso(event.ts) if event.ts is not None else None,
        "calls": event.calls,
    }
    return [json.dumps(record)]
