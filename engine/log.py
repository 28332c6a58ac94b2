"""The decision log: JSON Lines, one record per decision or outcome, schema v1, append-only.

Each record carries `prev`, the SHA-256 of the previous line of the file, so the log is a
tamper-evident chain. Appends from several processes are serialised with an advisory
file lock, and each record is written with one `write` call, so it is in the operating
system before `write` returns. How far it goes beyond that is the log's durability
(`flush`, `fsync` or `interval:<time>`, see `Durability` and docs/log.md).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import stat
import threading
import time
import weakref
from itertools import compress, islice
from operator import ne
from pathlib import Path
from typing import Any

import orjson

from .bounds import below, containers, oversized
from .decision import Decision
from .durability import Durability as Durability  # re-exported: `DecisionLog(durability=...)`
from .durability import Flusher, fsync, sync_new_entries
from .errors import LogError
from .evaluate import CTX_DEFAULTS
from .forks import renew_after_fork
from .redact import cut_text
from .redact_policy import NO_REDACTION, CompiledRedaction

SCHEMA_VERSION = 1
OUTCOMES = frozenset({"approved", "denied", "timeout", "executed", "failed", "interrupted"})
BY = frozenset({"human", "agent", "system"})
GENESIS = "0" * 64
LOCK_TIMEOUT = 5.0
"""Seconds a writer waits for the file lock before the decision fails closed."""
_UNSET = object()

_second: tuple[int, str] = (0, "1970-01-01T00:00:00")
"""The last whole second `iso` formatted, and its text: records come many to a second."""


MAX_ID_CHARS = 256


def bounded_id(value: Any) -> Any:
    """A session, turn or agent id as a record holds it: one over `MAX_ID_CHARS` keeps its start
    and a hash of the whole (ids stay distinct; a record stays small)."""
    if _long_id(value):
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return f"{cut_text(value, 200)}…{digest}"  # cut between tokens: no secret kept in part
    return value


def _changed(ctx: dict[str, Any]) -> dict[str, Any]:
    """The context fields that differ from their defaults (see `CTX_DEFAULTS`). A guard's
    context starts as a copy of the defaults, so its first fields are theirs, in their order:
    those are compared in one pass in C. A workspace that is the cwd is the default one (a
    guard fills it in): it is left out, as it was not given."""
    fields = list(ctx)
    if fields[:_N_DEFAULTS] != _DEFAULT_FIELDS:
        changed = {k: v for k, v in ctx.items() if CTX_DEFAULTS.get(k, _UNSET) != v}
    else:
        changed = dict(compress(ctx.items(), map(ne, _DEFAULT_VALUES, ctx.values())))
        if len(fields) > _N_DEFAULTS:  # fields the defaults do not have
            rest = islice(ctx.items(), _N_DEFAULTS, None)
            changed.update((k, v) for k, v in rest if CTX_DEFAULTS.get(k, _UNSET) != v)
    if "workspace" in changed and changed["workspace"] == ctx.get("cwd", ""):
        del changed["workspace"]
    return changed


_DEFAULT_FIELDS = list(CTX_DEFAULTS)
_DEFAULT_VALUES = tuple(CTX_DEFAULTS.values())
_N_DEFAULTS = len(_DEFAULT_FIELDS)


def _long_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) > MAX_ID_CHARS


_IDS = frozenset({"session_id", "turn_id", "agent_id"})


def iso(ts: float) -> str:
    """A UTC timestamp in ISO 8601 with microseconds and a `Z`.

    The microseconds are rounded half to even, as `datetime.fromtimestamp` rounds them.
    """
    global _second
    second = int(ts)  # toward zero; `ts - second` is then exact, as `math.modf` splits it
    us = round((ts - second) * 1e6)
    if us >= 1_000_000:
        second, us = second + 1, us - 1_000_000
    elif us < 0:
        second, us = second - 1, us + 1_000_000
    cached = _second
    if cached[0] != second:
        text = dt.datetime.fromtimestamp(second, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        cached = _second = (second, text)
    return f"{cached[1]}.{us:06d}Z"


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
_CANONICAL_UNSORTED = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, default=str)


def args_sha256(args: Any) -> str:
    """The hash of the call's arguments as given (canonical JSON), before redaction."""
    return hashlib.sha256(canonical_json(args)).hexdigest()


def decision_args_sha256(d: Decision) -> str:
    """`args_sha256` of a decision's arguments, or "" for a call refused because its arguments
    pass the bounds on a call (`remit.bounds`): hashing them would cost work linear in their
    size, without a bound. Only a failed decision is looked at again, within those bounds."""
    args = d.args
    if d.errors and d.errors[0].id == "call" and oversized(args if type(args) is dict else {"": args}):
        return ""
    return args_sha256(d.args)


def canonical_json(value: Any) -> bytes:
    """`value` as canonical JSON: sorted keys, compact, ASCII (the json module's output).

    Plain data (dicts, lists, tuples, text, integers, booleans, None: those exact types) is
    encoded by orjson when the result is the same bytes: orjson accepts it (text keys, integers
    within 64 bits, valid Unicode, 255 levels at most), and it is all ASCII without the DEL
    character (which the json module escapes and orjson does not). Anything else goes through
    the json module."""
    if _plain(value):
        try:
            blob = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # a key that is not text, a big integer, a lone surrogate, too deep
            pass
        else:
            if blob.isascii() and b"\x7f" not in blob:
                return blob
    try:
        text = _CANONICAL.encode(value)
    except TypeError:  # keys of mixed types cannot be sorted
        text = _CANONICAL_UNSORTED.encode(value)
    return text.encode()


_PLAIN_NODES = 1_000_000
_PLAIN_DEPTH = 255
"""Past either, orjson would refuse the value (too deep) or proving it plain costs as much as
the json module's encoding (a value that holds itself is never plain)."""
_PLAIN = frozenset({dict, list, tuple, str, int, bool, type(None)})
_PLAIN_LEAVES = frozenset({str, int, bool, type(None)})
_FLAT = 64


def _plain(value: Any) -> bool:
    """Whether `value` holds only values of the types orjson encodes as the json module does,
    exactly those types (no subclass, enum, float, object): dicts, lists, tuples, text,
    integers, booleans and None (dict keys are orjson's to refuse), in at most `_PLAIN_NODES`
    values and `_PLAIN_DEPTH` levels.

    Found one level of nesting at a time, each by passes in C over all its values (their
    types, the containers among them), not value by value."""
    if value.__class__ is dict and len(value) <= _FLAT:  # the common case: a few plain fields
        for item in value.values():
            if item.__class__ not in _PLAIN_LEAVES:
                break
        else:
            return True
    level, nodes = [value], 1
    for _ in range(_PLAIN_DEPTH + 1):
        kinds = set(map(type, level))
        if not kinds <= _PLAIN:
            return False
        if kinds <= _PLAIN_LEAVES:
            return True
        dicts, sequences = containers(level, kinds)
        nodes += sum(map(len, dicts)) + sum(map(len, sequences))
        if nodes > _PLAIN_NODES:
            return False
        level = below(dicts, sequences)
    return False


def decision_record(d: Decision, redaction: CompiledRedaction | None = None) -> dict[str, Any]:
    """The log record of a decision (without `prev`, which the writer adds).

    `ctx` holds the context fields that differ from their defaults (see `CTX_DEFAULTS`).
    `redaction` is the policy's (its secret patterns and dropped fields, after the built-in
    redaction); None applies the built-in redaction alone. The messages of reasons and errors
    are scrubbed too: a reason may quote an argument.
    """
    ctx = d.ctx
    changed = _changed(ctx)
    session = ctx.get("session_id", "")
    turn = ctx.get("turn_id", "")
    agent = ctx.get("agent_id", "")
    long_ids = _long_id(session) or _long_id(turn) or _long_id(agent)
    if long_ids:  # bounded before redaction, which keeps only the head of a long text
        changed = {k: bounded_id(v) if k in _IDS else v for k, v in changed.items()}
    args, logged_ctx, scrub, ident = (redaction or NO_REDACTION).call(d.args, changed)
    if ident is None:  # bounded and redacted as the context logs them ("" never is there)
        if session:
            session = logged_ctx.get("session_id", session)
        if turn:
            turn = logged_ctx.get("turn_id", turn)
        if agent:
            agent = logged_ctx.get("agent_id", agent)
    else:  # bounded, scrubbed, and bounded again: a scrubbed id can grow past the bound
        session, turn, agent = (bounded_id(ident(bounded_id(x))) for x in (session, turn, agent))
    ratings = d.ratings
    policy = d.policy
    return {
        "v": SCHEMA_VERSION,
        "kind": "decision",
        "id": d.id,
        "ts": iso(d.ts),
        "session": session,
        "turn": turn,
        "agent": agent,
        "tool": d.tool,
        "args": args,
        "args_sha256": decision_args_sha256(d),
        "ctx": logged_ctx,
        "ratings": {
            "risk": ratings.risk,
            "reversibility": ratings.reversibility,
            "autonomy": ratings.autonomy,
        },
        "decision": d.decision._value_,
        "mode": d.mode,
        "reasons": [{"id": r.id, "kind": r.kind, "message": scrub(r.message)} for r in d.reasons],
        "shadow": [{**r.as_dict(), "message": scrub(r.message)} for r in d.shadow] if d.shadow else [],
        "errors": [{"id": e.id, "message": scrub(e.message)} for e in d.errors] if d.errors else [],
        "policy": {"name": policy.name, "version": policy.version, "sha256": policy.sha256},
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
    """Appends records to a JSONL file; safe across threads and processes.

    `durability` says how far a record has gone when `write` returns: `flush` (the default:
    handed to the operating system, so it survives the process being killed), `fsync` (on
    the disk: it survives power loss) or `interval:<time>` such as `interval:200ms` (handed
    to the operating system; a background thread syncs the file at most once per interval,
    so power loss loses at most the records of the last interval). Raises `ValueError` for
    an unknown durability, `LogError` when the file cannot be opened.
    """

    def __init__(self, path: str | Path, *, durability: str | Durability = "flush") -> None:
        self.path = Path(path)
        self.durability = Durability.parse(durability)
        self._spath = str(self.path)
        self._lock = threading.Lock()
        # A child forked while another thread writes gets a new lock: what that thread left
        # half-done is not used (the child's first write sees another process id, reopens the
        # file and chains to its last line).
        renew_after_fork(self, "_lock")
        self._fd: int = -1
        self._closed = False
        self._flusher: Flusher | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._open()

    # -- opening and closing ---------------------------------------------------------------

    def _open(self) -> None:
        """Open the file: first, in a forked child (a shared descriptor shares the lock), after rotation."""
        error = self._release()
        self._end = -1
        self._prev = GENESIS
        self._pid = os.getpid()  # asked at each record: a child forked by C code runs no at-fork hook
        try:
            self._fd, new, created = _open_append(self.path)
            st = os.fstat(self._fd)
            if stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode):  # what it is given is gone
                raise OSError(errno.EINVAL, "a pipe or socket keeps no record")
            if self.durability.mode != "flush":
                sync_new_entries(self.path, created, new)
        except OSError as exc:
            self._release()  # nothing half-open: the next write tries again
            raise LogError(f"cannot open the decision log `{self.path}`: {_reason(exc)}") from exc
        self._ident = (st.st_dev, st.st_ino)
        if self.durability.mode == "interval":
            flusher = self._flusher = Flusher(self._fd, self.durability.interval)
            self._finalizer = weakref.finalize(self, flusher.close)
        if error is not None:  # the file before a rotation could not be synced
            raise LogError(f"cannot sync the decision log `{self.path}` to disk: {_reason(error)}")

    def _release(self) -> OSError | None:
        """Close the open file (syncing what the interval left unsynced); the sync error, if any."""
        fd, self._fd = self._fd, -1
        flusher, self._flusher = self._flusher, None
        finalizer, self._finalizer = self._finalizer, None
        error = None
        if finalizer is not None:
            finalizer.detach()
        if flusher is not None:
            error = flusher.close()
        if fd >= 0:
            os.close(fd)
        return error

    def close(self) -> None:
        """Close the file; in `interval` mode, sync what is not synced yet (`LogError` if that fails)."""
        with self._lock:
            self._closed = True
            error = self._release()
        if error is not None:
            raise LogError(f"cannot sync the decision log `{self.path}` to disk: {_reason(error)}")

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- appending -------------------------------------------------------------------------

    def write(self, record: dict[str, Any]) -> None:
        """Append one record, chained to the line before it; raise `LogError` on failure.

        When it returns, the record is whole in the file and as durable as `durability` says.
        """
        try:  # encoded before any lock is taken: writers wait for each other only to append
            body = None if "prev" in record else _encode(record)
        except ValueError as exc:  # a value that holds itself
            raise LogError(f"cannot write the decision log `{self.path}`: {exc}") from exc
        with self._lock:
            try:
                if self._closed:
                    raise ValueError("the log is closed")
                if self._fd < 0 or os.getpid() != self._pid:  # a failed reopen is retried; a child reopens
                    self._open()
                if self._flusher is not None and self._flusher.error is not None:
                    error = self._flusher.take_error()
                    why = _reason(error)
                    raise LogError(f"cannot sync the decision log `{self.path}` to disk: {why}") from error
                self._append(record, body)
            except (OSError, ValueError) as exc:  # ValueError: the file was closed
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise LogError(f"cannot write the decision log `{self.path}`: {reason}") from exc
            if self._flusher is not None:
                self._flusher.mark()
            elif self.durability.mode == "fsync":
                self._sync()

    def write_decision(self, decision: Decision, redaction: CompiledRedaction | None = None) -> None:
        """Append the record of `decision` (see `decision_record`); raise `LogError` on failure."""
        self.write(decision_record(decision, redaction))

    def _append(self, record: dict[str, Any], body: bytes | None) -> None:
        """Append `record`, whose encoding without `prev` is `body` (None: encode it here)."""
        size = self._lock_and_size()
        try:
            if size != self._end:  # another writer appended: chain to its last line
                self._prev, torn = _tail(self._fd, size)
                head = b"\n" if torn else b""  # a crashed writer's torn line stays its own line
            else:
                head = b""
            # None: the record names its own `prev`, which keeps its place
            body = _encode({**record, "prev": self._prev}) if body is None else _with_prev(body, self._prev)
            data = head + body + b"\n"
            _write_all(self._fd, data)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._end = size + len(data)  # hashed after the unlock: other writers need not wait
        self._prev = hashlib.sha256(body).hexdigest()

    def _lock_and_size(self) -> int:
        """Take the file lock and return the file's size; first reopen if the path now names
        another file (rotated away). On error the lock is not held."""
        self._lock_file()
        try:
            st = os.stat(self._spath)
        except FileNotFoundError:
            pass
        except BaseException:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            raise
        else:
            if (st.st_dev, st.st_ino) == self._ident:  # one stat: the rotation check and the size
                return st.st_size
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._open()
        self._lock_file()
        try:
            return os.fstat(self._fd).st_size
        except BaseException:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            raise

    def _lock_file(self) -> None:
        """Take the file lock, waiting at most `LOCK_TIMEOUT`: a stuck writer must not hang every agent."""
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._wait_for_lock()

    def _wait_for_lock(self) -> None:
        deadline = time.monotonic() + LOCK_TIMEOUT
        delay = 0.0005
        while True:
            time.sleep(delay)
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    why = f"locked by another writer for more than {LOCK_TIMEOUT:g}s"
                    raise LogError(f"the decision log `{self.path}` is {why}") from None
                delay = min(delay * 2, 0.05)

    def _sync(self) -> None:
        """`fsync` mode: the record is on the disk before `write` returns."""
        try:
            fsync(self._fd)
        except OSError as exc:
            why = f"written but not synced to disk: {_reason(exc)}"
            raise LogError(f"the decision log `{self.path}` was {why}") from exc


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _open_append(path: Path) -> tuple[int, bool, list[Path]]:
    """Open `path` to append, creating it and its folders: (descriptor, whether the file is
    new, the folders created, outermost first)."""
    created = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        created.append(folder)
        folder = folder.parent
    if created:
        path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT
    try:
        return os.open(path, flags | os.O_EXCL, 0o644), True, created[::-1]
    except FileExistsError:
        return os.open(path, flags, 0o644), False, created[::-1]


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)  # one call, bar a short write (a full disk, a signal)
    if written < len(data):
        view = memoryview(data)[written:]
        while view:
            view = view[os.write(fd, view) :]


_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
"""Dataclasses and datetimes go through `default=str`, as they do with the json module."""


def _encode(record: dict[str, Any]) -> bytes:
    """One JSON line as UTF-8 (compact, non-ASCII kept, numbers that JSON cannot hold as null).

    What orjson refuses (integers beyond 64 bits, keys that are not strings, text that is
    not valid Unicode) is written by the json module instead (see `_dumps_json`)."""
    try:
        return orjson.dumps(record, default=str, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return _dumps_json(record).encode()


def _with_prev(body: bytes, prev: str) -> bytes:
    """An encoded record with `"prev":"<prev>"` added as its last field: the same bytes as
    encoding the record with `prev` in it (compact JSON ends an object's last field with `}`)."""
    if body == b"{}":
        return b'{"prev":"' + prev.encode() + b'"}'
    return body[:-1] + b',"prev":"' + prev.encode() + b'"}'


def _dumps(record: dict[str, Any]) -> str:
    """A record's line as the log writes it (without the newline)."""
    return _encode(record).decode()


def _dumps_json(record: dict[str, Any]) -> str:
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
