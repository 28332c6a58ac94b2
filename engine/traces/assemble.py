"""Rebuild the context of each call and pair it with its result.

Parsers say what each line holds (`RawCall`, `RawResult`, `RawHuman`, ...). The assembler
keeps, per session, what a live hook would have known at the moment of each call: the turn
(a turn starts at each human message), the steps and seconds since the human last spoke,
the permission mode and cwd in force. Calls wait (in order, bounded) for their result;
everything is handed out in the order it was read.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .calls import TraceCall, TraceEvent, TraceItem
from .model import (
    RawActivity,
    RawCall,
    RawContext,
    RawHuman,
    RawInterrupt,
    RawItem,
    RawNote,
    RawResult,
    TraceProblem,
)

MAX_PENDING = 1024
"""Calls waiting for a result before the oldest is handed out without one."""

MAX_QUEUE = 16384
"""Items held behind the oldest waiting call before that call is handed out without a result."""

MAX_SESSIONS = 65536
"""Sessions remembered at once (a log of many interleaved sessions stays in bounded memory)."""

MAX_SEEN = 4096
"""Ids of handed-out calls remembered to tell a late result from an orphan."""


@dataclass(slots=True)
class _Session:
    id: str
    turn: int = 0
    human_ts: float | None = None
    steps: int = 0
    permission_mode: str | None = None
    cwd: str | None = None
    labels: dict[str, Any] = field(default_factory=dict)
    active: bool = False
    last_ts: float | None = None
    last_source: tuple[str, int] = ("", 0)


@dataclass(slots=True)
class _Entry:
    item: TraceItem | RawCall
    file: str
    ctx: dict[str, Any] | None = None
    ready: bool = True


class Assembler:
    """Turns one stream of raw items (one file, or one session's files merged) into trace items."""

    def __init__(self, fmt: str, default_session: str, *, max_pending: int = MAX_PENDING) -> None:
        self.fmt = fmt
        self.max_pending = max_pending
        self._sessions: OrderedDict[str, _Session] = OrderedDict()
        self._current = self._session(default_session)
        self._queue: deque[_Entry] = deque()
        self._pending: dict[str, _Entry] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()

    def feed(self, item: RawItem, file: str) -> Iterator[TraceItem]:
        """Take one raw item read from `file`; yield whatever is now complete, in order."""
        if isinstance(item, RawCall):
            self._call(item, file)
        elif isinstance(item, RawResult):
            self._result(item, file)
        elif isinstance(item, RawHuman):
            self._human(item, file)
        elif isinstance(item, RawInterrupt):
            self._interrupt(item, file)
        elif isinstance(item, RawNote):
            session = self._session(item.session_id)
            self._event(item.kind, session, item.ts, file, item.line, item.detail, item.call_id)
        elif isinstance(item, RawContext):
            self._context(item)
        elif isinstance(item, RawActivity):
            self._active(self._session(item.session_id), item.ts, file, item.line)
        else:
            self._queue.append(_Entry(item, file))
        return self._drain()

    def finish(self) -> Iterator[TraceItem]:
        """The end of the stream: calls still waiting are handed out without a result."""
        for entry in list(self._pending.values()):
            self._give_up(entry)
        for session in self._sessions.values():
            self._turn_end(session)
        return self._drain()

    # -- items -----------------------------------------------------------------------------

    def _session(self, session_id: str | None) -> _Session:
        if session_id is None:
            return self._current
        found = self._sessions.get(session_id)
        if found is not None:
            self._sessions.move_to_end(session_id)
            return found
        found = self._sessions[session_id] = _Session(session_id)
        if len(self._sessions) > MAX_SESSIONS:  # the least recently seen session is over
            _, oldest = self._sessions.popitem(last=False)
            self._turn_end(oldest)
        return found

    def _context(self, item: RawContext) -> None:
        session = self._session(item.session_id)
        self._current = session
        if item.cwd is not None:
            session.cwd = item.cwd
        if item.permission_mode is not None:
            session.permission_mode = item.permission_mode
        session.labels.update(item.labels)

    def _call(self, raw: RawCall, file: str) -> None:
        session = self._session(raw.session_id)
        entry = _Entry(raw, file, self._ctx(session, raw), ready=raw.resolved)
        session.steps += 1
        self._active(session, raw.result_ts or raw.ts, file, raw.line)
        self._queue.append(entry)
        if not raw.resolved:
            self._pending[raw.call_id] = entry

    def _ctx(self, session: _Session, raw: RawCall) -> dict[str, Any]:
        ctx: dict[str, Any] = {
            "session_id": session.id,
            "turn_id": f"{session.id}:{session.turn}",
            "steps_since_human": session.steps,
            "subagent_depth": raw.depth,
        }
        if raw.agent_id:
            ctx["agent_id"] = raw.agent_id
        cwd = raw.cwd or session.cwd
        if cwd:
            ctx["cwd"] = cwd
        if session.permission_mode:
            ctx["permission_mode"] = session.permission_mode
        if session.human_ts is not None and raw.ts is not None:
            ctx["seconds_since_human"] = round(max(0.0, raw.ts - session.human_ts), 3)
        if session.labels:
            ctx["labels"] = dict(session.labels)
        if raw.ctx:
            ctx.update(raw.ctx)
        return ctx

    def _result(self, item: RawResult, file: str) -> None:
        entry = self._pending.pop(item.call_id, None)
        if entry is None:
            if item.call_id not in self._seen:
                message = f"a result for a call that is not in the trace: `{item.call_id}`"
                self._queue.append(_Entry(TraceProblem(file, item.line, message, "unknown_record"), file))
            return
        raw = entry.item
        assert isinstance(raw, RawCall)
        raw.outcome, raw.result_error, raw.result_ts = item.outcome, item.error, item.ts
        entry.ready = True
        assert entry.ctx is not None
        self._active(self._session(entry.ctx["session_id"]), item.ts, file, item.line)

    def _human(self, item: RawHuman, file: str) -> None:
        session = self._session(item.session_id)
        for entry in self._waiting(session.id):
            self._give_up(entry)
        self._turn_end(session)
        session.turn += 1
        session.human_ts = item.ts
        session.steps = 0
        self._event("human", session, item.ts, file, item.line)

    def _interrupt(self, item: RawInterrupt, file: str) -> None:
        session = self._session(item.session_id)
        for entry in self._waiting(session.id):
            raw = entry.item
            assert isinstance(raw, RawCall)
            raw.outcome, raw.result_ts = "interrupted", item.ts
            entry.ready = True
            del self._pending[raw.call_id]
        self._event("interrupt", session, item.ts, file, item.line, item.detail)

    def _event(
        self,
        kind: Any,
        session: _Session,
        ts: float | None,
        file: str,
        line: int,
        detail: str = "",
        call_id: str = "",
    ) -> None:
        turn = f"{session.id}:{session.turn}"
        event = TraceEvent(kind, session.id, turn, ts, (file, line), self.fmt, detail, call_id)
        self._queue.append(_Entry(event, file))

    def _active(self, session: _Session, ts: float | None, file: str, line: int) -> None:
        session.active = True
        if ts is not None:
            session.last_ts = ts if session.last_ts is None else max(ts, session.last_ts)
        session.last_source = (file, line)

    def _turn_end(self, session: _Session) -> None:
        """The turn that is ending: when the agent last did something in it, and how many calls."""
        if session.turn > 0 and session.active:
            turn, where, ts = f"{session.id}:{session.turn}", session.last_source, session.last_ts
            event = TraceEvent("turn_end", session.id, turn, ts, where, self.fmt, calls=session.steps)
            self._queue.append(_Entry(event, where[0]))
        session.active = False
        session.last_ts = None

    # -- handing out ---------------------------------------------------------------------------

    def _waiting(self, session_id: str) -> list[_Entry]:
        return [e for e in self._pending.values() if e.ctx is not None and e.ctx["session_id"] == session_id]

    def _give_up(self, entry: _Entry) -> None:
        """A call whose result never came: hand it out without one, and say so."""
        raw = entry.item
        assert isinstance(raw, RawCall)
        self._pending.pop(raw.call_id, None)
        entry.ready = True
        message = f"no result for the call `{raw.call_id}` ({raw.tool}) in the trace"
        problem = TraceProblem(entry.file, raw.line, message, "missing_result")
        self._queue.append(_Entry(problem, entry.file))

    def _drain(self) -> Iterator[TraceItem]:
        while len(self._pending) > self.max_pending:
            self._give_up(next(iter(self._pending.values())))
        while len(self._queue) > MAX_QUEUE and not self._queue[0].ready:
            self._give_up(self._queue[0])
        while self._queue and self._queue[0].ready:
            entry = self._queue.popleft()
            yield self._finished(entry)

    def _finished(self, entry: _Entry) -> TraceItem:
        raw = entry.item
        if not isinstance(raw, RawCall):
            return raw
        self._remember(raw.call_id)
        assert entry.ctx is not None
        return TraceCall(
            tool=raw.tool,
            args=raw.args,
            ctx=entry.ctx,
            call_id=raw.call_id,
            ts=raw.ts,
            source=(entry.file, raw.line),
            format=self.fmt,
            outcome=raw.outcome,
            result_error=raw.result_error,
            result_ts=raw.result_ts,
            recorded=raw.recorded,
        )

    def _remember(self, call_id: str) -> None:
        self._seen[call_id] = None
        if len(self._seen) > MAX_SEEN:
            self._seen.popitem(last=False)
