"""The hook events around the tool calls: turns starting and stopping, and what became of a call.

`remit hook` decides `PreToolUse` (see `remit.hook`). The other events of Claude Code and
Codex CLI it observes: it appends what they say to the decision log, next to the decisions,
as records the oversight report reads, and answers with nothing (no output, exit code 0),
which both agents read as "carry on". Nothing here can block a prompt, keep an agent from
stopping, or change a tool's result. An event that should be recorded and cannot be
(malformed or too large to read, a field remit reads of the wrong type, an unknown agent, a
log that cannot be written) gets no output either, and exit code 1 with the reason on stderr:
a hook error both agents show and carry on from (`not_recorded`).

- `UserPromptSubmit`: a `human` event, a turn starts. If the session's previous turn got no
  `Stop`, it was cut short (Claude Code fires no `Stop` when the user interrupts): an
  `interrupt` event, its `turn_end` at its last activity, and `denied` for its asks whose
  tool never ran.
- `Stop`: a `turn_end` event; `denied` for the turn's asks whose tool never ran.
- `PostToolUse`: the outcome `executed` of the call remit decided (`approved` first when
  remit asked a human: the tool runs only once approved).
- `PostToolUseFailure`: `denied` when the user refused the call, `interrupted` and an
  `interrupt` event when the user stopped it, else `failed` (`approved` first when remit
  asked: the tool ran).
- `PreToolUse` of a clarification tool (`AskUserQuestion`): a `clarification` event, besides
  the decision.
- `SubagentStop`, `Notification`, `SessionStart`, `SessionEnd`, `PreCompact`, ...: nothing.

An event record: `{"v": 1, "kind": "event", "event": "human" | "turn_end" | "interrupt" |
"clarification", "session", "turn", "agent", "ts", "calls": null, "detail"}`, chained like
every record (`prev`). Turn ids are the decisions' own (`prompt_id` or Codex's `turn_id`,
else the transcript's last human message), so the report joins a turn's events to its
calls. What a hook cannot see is said in docs/hooks.md.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .decision import Decision
    from .log import DecisionLog

__all__ = ["OBSERVED", "RECORDED", "event_record", "handle_event", "not_recorded", "note_decision"]

RECORDED = ("UserPromptSubmit", "Stop", "PostToolUse", "PostToolUseFailure")
"""The events whose facts go into the log (and that `remit install` registers)."""
OBSERVED = frozenset(
    {
        *RECORDED,
        "SubagentStop",
        "SubagentStart",
        "Notification",
        "SessionStart",
        "SessionEnd",
        "PreCompact",
        "PostCompact",
        "PermissionRequest",
        "StopFailure",
    }
)
"""Events answered with nothing; the hook denies only what it cannot read as one of these."""
CLARIFY_TOOLS = frozenset({"AskUserQuestion"})
MAX_PENDING = 256
"""Calls of a session remembered until their `PostToolUse` (the oldest are forgotten first)."""
NO_STOP = "the turn got no Stop before the next prompt"
NO_RUN = "remit asked and the tool never ran"
REJECTED = "The user doesn't want to proceed"
"""How Claude Code's result of a call the user refused begins (as in `remit.traces.claude`)."""


def event_record(
    event: str, session: str, turn: str, ts: float, *, agent: str = "", detail: str = ""
) -> dict[str, Any]:
    """The log record of a turn event (without `prev`, which the writer adds)."""
    from .log import SCHEMA_VERSION, bounded_id, iso

    return {
        "v": SCHEMA_VERSION,
        "kind": "event",
        "event": event,
        "session": bounded_id(session),
        "turn": bounded_id(turn),
        "agent": bounded_id(agent),
        "ts": iso(ts),
        "calls": None,
        "detail": detail,
    }


def handle_event(
    agent: str,
    data: dict[str, Any],
    *,
    log: str | Path | None,
    cache: Path,
    clock: Callable[[], float] = time.time,
    log_durability: str | None = None,
    stderr: IO[str] | None = None,
) -> tuple[str, int]:
    """Record what an observed event says; the answer is always empty.

    Exit code 0, or 1 when the event could not be recorded (the reason on `stderr`, default
    `sys.stderr`): both agents show that as a hook error and carry on.
    """
    name = str(data.get("hook_event_name"))
    if log is None or name not in RECORDED:
        return "", 0
    try:
        from .hook import check_agent, check_fields
        from .log import DecisionLog

        check_agent(agent)
        check_fields(data)
        kwargs = {"durability": log_durability} if log_durability else {}
        with DecisionLog(log, **kwargs) as writer:
            _Recorder(agent, data, writer, cache, clock()).run(name)
    except Exception as exc:  # an observer must never get in the agent's way
        return not_recorded(name, str(exc) or type(exc).__name__, log=log, stderr=stderr)
    return "", 0


def not_recorded(
    name: str, why: str, *, log: str | Path | None, stderr: IO[str] | None = None
) -> tuple[str, int]:
    """The answer to an observed event remit cannot handle: no output, as always, so that
    nothing blocks the prompt or keeps the agent from stopping; exit code 1 with the reason on
    `stderr` (a hook error, the agent carries on) when the event should have been recorded, 0
    when remit records nothing of it anyway (no log, an event it does not record)."""
    if log is None or name not in RECORDED:
        return "", 0
    (stderr or sys.stderr).write(f"remit could not record the {name} event: {why}\n")
    return "", 1


class _Recorder:
    """One observed event: the session's state loaded, the records written, the state saved."""

    def __init__(self, agent: str, data: dict[str, Any], log: DecisionLog, cache: Path, now: float) -> None:
        self.agent, self.data, self.log, self.cache, self.now = agent, data, log, cache, now
        self.session = _text(data.get("session_id"))
        self.sub = _text(data.get("agent_id"))
        self._transcript_turn: str | None = None

    def run(self, name: str) -> None:
        from .hook import StateStore

        if not self.session:  # no session: nothing to chain the turn to
            if name == "UserPromptSubmit":
                self.event("human", self.turn_id({}))
            elif name == "Stop":
                self.event("turn_end", self.turn_id({}))
            return
        handlers = {
            "UserPromptSubmit": self.prompt,
            "Stop": self.stop,
            "PostToolUse": self.post,
            "PostToolUseFailure": self.failure,
        }
        if name in ("UserPromptSubmit", "Stop") or self.data.get("is_interrupt") is True:
            # The turn id may come from the transcript: read it before the lock, for which the
            # session's other hooks wait, as a tool call's hook does (`hook.hook_context`).
            self.turn_id({})
        store = StateStore(self.cache)
        with store.locked(self.session):
            state = store.load(self.session) or {"v": 1, "id": self.session}
            handlers[name](state)
            store.save(self.session, state)

    # -- the events --------------------------------------------------------------------------

    def prompt(self, state: dict[str, Any]) -> None:
        """`UserPromptSubmit`: a human turn starts (and an open one was cut short)."""
        turn = _turn(state)
        if turn.get("open"):
            self.cut_short(state, turn)
        tid = self.turn_id({}) or f"{self.session}:{self.now:.6f}"
        self.event("human", tid)
        state["turn"] = {"id": tid, "start": self.now, "last": self.now, "open": True}

    def stop(self, state: dict[str, Any]) -> None:
        """`Stop`: the agent ended its turn."""
        turn = _turn(state)
        tid = self.turn_id(turn)
        self.deny_unrun(state, tid)
        self.event("turn_end", tid)
        state["turn"] = {**turn, "id": tid, "last": self.now, "open": False}

    def post(self, state: dict[str, Any]) -> None:
        """`PostToolUse`: the tool ran."""
        self.ran(state, "executed", "system")

    def failure(self, state: dict[str, Any]) -> None:
        """`PostToolUseFailure`: the user refused the call or stopped it, or the tool failed.

        Only a plain failure says the tool ran (so that an ask was approved): a refusal or an
        interrupt may come before the tool starts.
        """
        if _text(self.data.get("error")).startswith(REJECTED):
            self.ran(state, "denied", "human", ran=False)
        elif self.data.get("is_interrupt") is True:
            call = self.ran(state, "interrupted", "human", ran=False)
            turn = _turn(state)
            self.event("interrupt", call.get("turn") or self.turn_id(turn), "the user stopped a tool")
            if turn:
                turn["interrupted"] = True  # one interrupt per turn, as in a transcript
        else:
            self.ran(state, "failed", "system")

    # -- what they have in common ----------------------------------------------------------------

    def cut_short(self, state: dict[str, Any], turn: dict[str, Any]) -> None:
        """The open turn of a session gets a new prompt before its Stop: a human cut it short."""
        tid = _text(turn.get("id"))
        last = turn.get("last")
        self.deny_unrun(state, tid)
        if not turn.get("interrupted"):
            self.event("interrupt", tid, NO_STOP)
        self.event("turn_end", tid, NO_STOP, ts=last if isinstance(last, (int, float)) else None)

    def deny_unrun(self, state: dict[str, Any], tid: str) -> None:
        """Asks of the turn whose tool never ran were denied: the tool runs once approved."""
        pending = _pending(state)
        for key, call in list(pending.items()):
            if call.get("turn") == tid and call.get("ask"):
                self.outcome(call, "denied", "human", NO_RUN)
                del pending[key]

    def ran(self, state: dict[str, Any], outcome: str, by: str, *, ran: bool = True) -> dict[str, Any]:
        """The end of a decided call: its outcome (after `approved` when the tool `ran` though
        remit asked: the tool runs only once approved)."""
        call = _pending(state).pop(_text(self.data.get("tool_use_id")), None)
        turn = _turn(state)
        if turn:
            turn["last"] = self.now
        if not isinstance(call, dict):
            return {}
        if ran and call.get("ask"):
            self.outcome(call, "approved", "human", "the tool ran after remit asked", self.approve_ms(call))
        self.outcome(call, outcome, by)  # no error text: it may quote a secret
        return call

    def approve_ms(self, call: dict[str, Any]) -> float | None:
        """Time from the ask to the tool's start: the elapsed time less the tool's own run."""
        run = self.data.get("duration_ms")
        ts = call.get("ts")
        if not isinstance(run, (int, float)) or isinstance(run, bool) or not isinstance(ts, (int, float)):
            return None
        return round(max(0.0, (self.now - ts) * 1000 - run), 1)

    def turn_id(self, turn: dict[str, Any]) -> str:
        """The turn id the decisions of this turn carry (see `remit.hook.hook_context`)."""
        given = _text(self.data.get("turn_id")) or _text(self.data.get("prompt_id"))
        if given:
            return given
        if turn.get("id"):
            return _text(turn.get("id"))
        return self.transcript_turn()

    def transcript_turn(self) -> str:
        """The turn of the transcript's last human message ("" if none), read once."""
        from .hook import read_tail

        if self._transcript_turn is None:
            path = self.data.get("transcript_path")
            tail = read_tail(path, self.agent, "") if isinstance(path, str) else None
            human = tail.human_id if tail is not None else ""
            self._transcript_turn = f"{self.session}:{human}" if human else ""
        return self._transcript_turn

    def event(self, event: str, turn: str, detail: str = "", ts: float | None = None) -> None:
        when = self.now if ts is None else ts
        self.log.write(event_record(event, self.session, turn, when, agent=self.sub, detail=detail))

    def outcome(
        self, call: dict[str, Any], outcome: str, by: str, detail: str = "", latency_ms: float | None = None
    ) -> None:
        from .log import outcome_record

        record = outcome_record(
            _text(call.get("id")), outcome, ts=self.now, by=by, detail=detail, latency_ms=latency_ms
        )
        self.log.write(record)


def note_decision(
    state: dict[str, Any],
    agent: str,
    data: dict[str, Any],
    decision: Decision,
    ctx: dict[str, Any],
    log: DecisionLog | None,
) -> dict[str, Any]:
    """After a `PreToolUse` decision: remember the call until its `PostToolUse`, note the
    turn's activity, and record a clarification question. Returns the state to save."""
    tool_use_id = _text(data.get("tool_use_id"))
    turn_id = _text(ctx.get("turn_id"))
    pending = _pending(state)
    blocked = decision.mode == "enforce" and decision.decision.value == "block"
    if tool_use_id and not blocked:  # a blocked call never runs: nothing to wait for
        asked = agent == "claude-code" and decision.mode == "enforce" and decision.decision.value == "ask"
        pending[tool_use_id] = {"id": decision.id, "ts": decision.ts, "ask": asked, "turn": turn_id}
        for old in list(pending)[: max(0, len(pending) - MAX_PENDING)]:
            del pending[old]
    turn = _turn(state)
    if turn:
        turn["last"] = decision.ts
    runs = decision.mode == "shadow" or decision.decision.value != "block"
    if log is not None and decision.tool in CLARIFY_TOOLS and runs:
        record = event_record(
            "clarification",
            _text(ctx.get("session_id")),
            turn_id,
            decision.ts,
            agent=_text(ctx.get("agent_id")),
        )
        log.write(record)
    return {"turn": turn, "pending": pending} if turn else {"pending": pending}


def _pending(state: dict[str, Any]) -> dict[str, Any]:
    value = state.get("pending")
    if not isinstance(value, dict):
        value = state["pending"] = {}
    return value


def _turn(state: dict[str, Any]) -> dict[str, Any]:
    value = state.get("turn")
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
