"""The decision log: JSON Lines, one record per decision or outcome, schema v1, append-only.

Each record carries `prev`, the SHA-256 of the previous line of the file, so the log is a
tamper-evident chain. Appends from several processes are serialised with an advisory
file lock, and each record is written with one `write` call and flushed.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from .decision import Decision
from .errors import LogError
from .evaluate import CTX_DEFAULTS

SCHEMA_VERSION = 1
OUTCOMES = frozenset({"approved", "denied", "timeout", "executed", "failed", "interrupted"})
BY = frozenset({"human", "agent", "system"})
GENESIS = "0" * 64
LOCK_TIMEOUT = 5.0
"""Seconds a writer waits for the file lock before the decision fails closed."""
_UNSET = object()


def iso(ts: float) -> str:
    """A UTC timestamp in ISO 8601 with microseconds and a `Z`."""
    return dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def args_sha256(args: Any) -> str:
    """The hash of the call's arguments as given (canonical JSON), before redaction."""
    try:
        blob = json.dumps(args, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    except TypeError:  # keys of mixed types cannot be sorted
        blob = json.dumps(args, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def decision_record(d: Decision) -> dict[str, Any]:
    """The log record of a decision (without `prev`, which the writer adds).

    `ctx` holds the context fields that differ from their defaults (see `CTX_DEFAULTS`).
    """
    from .redact import redact

    ctx = d.ctx
    return {
        "v": SCHEMA_VERSION,
        "kind": "decision",
        "id": d.id,
        "ts": iso(d.ts),
        "session": ctx.get("session_id", ""),
        "turn": ctx.get("turn_id", ""),
        "agent": ctx.get("agent_id", ""),
        "tool": d.tool,
        "args": redact(d.args),
        "args_sha256": args_sha256(d.args),
        "ctx": redact({k: v for k, v in ctx.items() if CTX_DEFAULTS.get(k, _UNSET) != v}),
        "ratings": d.ratings.as_dict(),
        "decision": d.decision.value,
        "mode": d.mode,
        "reasons": [{"id": r.id, "kind": r.kind, "message": r.message} for r in d.reasons],
        "shadow": [r.as_dict() for r in d.shadow],
        "errors": [e.as_dict() for e in d.errors],
        "policy": d.policy.as_dict(),
        "latency_us": round(d.latency_us, 1),
    }


def outcome_record(
    decision_id: str,
    outcome: str,
    *,
    ts: float,
    by: str = "human",
    detail: str = "",
    latency_ms: float | None = None,
) -> dict[str, Any]:
    """The log record of an outcome event (what happened to a decision)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(sorted(OUTCOMES))}, not `{outcome}`")
    if by not in BY:
        raise ValueError(f"`by` must be one of {', '.join(sorted(BY))}, not `{by}`")
    return {
        "v": SCHEMA_VERSION,
        "kind": "outcome",
        "decision": decision_id,
        "ts": iso(ts),
        "outcome": outcome,
        "by": by,
        "detail": detail,
        "latency_ms": latency_ms,
    }


class DecisionLog:
    """Appends records to a JSONL file; safe across threads and processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._fd: int = -1
        self._open()

    def _open(self) -> None:
        """Open the file: first, in a forked child (a shared descriptor shares the lock), after rotation."""
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = -1
        self._end = -1
        self._prev = GENESIS
        self._pid = os.getpid()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            st = os.fstat(self._fd)
        except OSError as exc:
            raise LogError(f"cannot open the decision log `{self.path}`: {exc.strerror or exc}") from exc
        self._ident = (st.st_dev, st.st_ino)

    def _current(self) -> None:
        """Reopen when this process was forked, or the file was rotated away (renamed, removed)."""
        if os.getpid() != self._pid:
            self._open()
            return
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._open()
            return
        if (st.st_dev, st.st_ino) != self._ident:
            self._open()

    def _lock_file(self) -> None:
        """Take the file lock, waiting at most `LOCK_TIMEOUT`: a stuck writer must not hang every agent."""
        deadline = time.monotonic() + LOCK_TIMEOUT
        delay = 0.0005
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    why = f"locked by another writer for more than {LOCK_TIMEOUT:g}s"
                    raise LogError(f"the decision log `{self.path}` is {why}") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)

    def write(self, record: dict[str, Any]) -> None:
        """Append one record, chained to the line before it; raise `LogError` on failure."""
        with self._lock:
            try:
                if self._fd < 0:
                    raise ValueError("the log is closed")
                self._current()
                self._lock_file()
                try:
                    size = os.fstat(self._fd).st_size
                    lead = b""
                    if size != self._end:  # another writer appended: chain to its last line
                        self._prev, torn = _tail(self._fd, size)
                        lead = b"\n" if torn else b""  # a crashed writer's torn line stays its own line
                    line = _dumps({**record, "prev": self._prev})
                    data = lead + (line + "\n").encode()
                    _write_all(self._fd, data)
                    self._end = size + len(data)
                    self._prev = hashlib.sha256(line.encode()).hexdigest()
                finally:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
            except (OSError, ValueError) as exc:  # ValueError: the file was closed
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise LogError(f"cannot write the decision log `{self.path}`: {reason}") from exc

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _dumps(record: dict[str, Any]) -> str:
    """One JSON line; text that is not valid Unicode (lone surrogates) is escaped, not lost."""
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        line.encode()
    except UnicodeEncodeError:
        line = json.dumps(record, ensure_ascii=True, separators=(",", ":"), default=str)
    return line


def _tail(fd: int, size: int) -> tuple[str, bool]:
    """The hash of the file's last line (read through the descriptor written to), and whether
    that line is torn (no final newline)."""
    if size == 0:
        return GENESIS, False
    torn = os.pread(fd, 1, size - 1) != b"\n"
    chunk = 4096
    while True:
        start = max(0, size - chunk)
        data = os.pread(fd, size - start, start)
        body = data[:-1] if data.endswith(b"\n") else data
        cut = body.rfind(b"\n")
        if cut >= 0 or start == 0:
            return hashlib.sha256(body[cut + 1 :]).hexdigest(), torn
        chunk *= 4


def read_log(path: str | Path) -> list[dict[str, Any]]:
    """All records of a log file (damaged lines skipped)."""
    out = []
    with Path(path).open("rb") as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:  # a torn or damaged line, bad UTF-8 included
                continue
            if isinstance(record, dict):
                out.append(record)
    return out
