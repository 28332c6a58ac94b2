"""Session state: what remit remembers of earlier calls of a session, bounded in memory."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any, ClassVar

from .celrt import CelObject
from .forks import renew_after_fork

MAX_RECENT = 32
MAX_TOOLS = 256
MAX_FACTS = 256
MAX_ANSWERS = 256
MAX_DOWNLOADS = 64
MAX_PATH = 4096
"""Longer paths are not remembered: the kernel refuses them (`PATH_MAX`), no call can run one."""


class Session(CelObject):
    """One session's memory, as conditions see it: `session.count("Bash")`, `session.seen("x")`.

    Fields: `id`, `calls` (calls decided so far), `recent` (the last calls, newest last:
    maps with `tool`, `decision`, `risk`), `facts` (facts raised so far), `downloads` (the
    files earlier calls filled from the network, `shell.downloads`); `downloaded(path)` asks
    whether one of them is `path`.
    """

    cel_fields: ClassVar[frozenset[str]] = frozenset(
        {"id", "calls", "recent", "facts", "asks", "blocks", "downloads"}
    )
    cel_methods: ClassVar[frozenset[str]] = frozenset({"count", "seen", "downloaded"})

    __slots__ = (
        "_answers",
        "_counts",
        "_downloads",
        "_facts",
        "_recent",
        "asks",
        "blocks",
        "calls",
        "canonical",
        "id",
    )

    def __init__(self, session_id: str) -> None:
        self.id = session_id
        self.calls = 0
        self.asks = 0
        self.blocks = 0
        self._counts: dict[str, int] = {}
        self._facts: dict[str, None] = {}
        self._recent: deque[dict[str, Any]] = deque(maxlen=MAX_RECENT)
        self._answers: OrderedDict[str, tuple[bool, str]] = OrderedDict()
        self._downloads: dict[str, None] = {}
        self.canonical: Callable[[str], str] = str  # the policy's alias resolution, set per call

    @property
    def recent(self) -> list[dict[str, Any]]:
        """The last calls of the session, oldest first."""
        return list(self._recent)

    @property
    def facts(self) -> list[str]:
        """The facts raised so far, in the order they were first raised."""
        return list(self._facts)

    def count(self, tool: str | None = None) -> int:
        """How many earlier calls of this session went to `tool` (its declared name: aliases count)."""
        if tool is None:
            return self.calls
        if not isinstance(tool, str):
            raise TypeError("session.count takes a tool name")
        return self._counts.get(self.canonical(tool), 0)

    def seen(self, fact: str) -> bool:
        """True if an earlier call of this session raised `fact`."""
        if not isinstance(fact, str):
            raise TypeError("session.seen takes a fact name")
        return fact in self._facts

    @property
    def downloads(self) -> list[str]:
        """The files earlier calls downloaded (the last `MAX_DOWNLOADS`), oldest first."""
        return list(self._downloads)

    def downloaded(self, path: str | list[str]) -> bool:
        """True if an earlier call of this session downloaded `path` (or one of a list of
        paths), as the shell facts resolve it: `session.downloaded(p)` for `p` in `shell.scripts`."""
        if isinstance(path, str):
            return _home_relative(path) in self._downloads
        if isinstance(path, list) and all(isinstance(p, str) for p in path):
            return any(_home_relative(p) in self._downloads for p in path)
        raise TypeError("session.downloaded takes a path or a list of paths")

    def note_downloads(self, paths: list[str]) -> None:
        """Remember files a call downloaded (bounded: the oldest go first)."""
        kept = self._downloads
        for path in paths:
            if not isinstance(path, str) or not path or len(path) > MAX_PATH:
                continue
            key = _home_relative(path)
            kept.pop(key, None)  # downloaded again: now the newest
            kept[key] = None
        while len(kept) > MAX_DOWNLOADS:
            del kept[next(iter(kept))]

    def record(
        self, tool: str, decision: str, risk: int, facts: tuple[str, ...], downloads: list[str] | None = None
    ) -> None:
        """Remember a decided call (bounded: old entries fall off)."""
        if downloads:
            self.note_downloads(downloads)
        self.calls += 1
        if decision == "ask":
            self.asks += 1
        elif decision == "block":
            self.blocks += 1
        counts = self._counts
        count = counts.get(tool)
        if count is None:
            if len(counts) >= MAX_TOOLS:
                del counts[min(counts, key=counts.__getitem__)]  # keep the busiest tools
            counts[tool] = 1
        else:
            counts[tool] = count + 1
        for fact in facts:
            if len(self._facts) < MAX_FACTS:
                self._facts[fact] = None
        self._recent.append({"tool": tool, "decision": decision, "risk": risk})

    def remember(self, call: str, approved: bool, decision_id: str) -> None:
        """Keep a human's answer to `call` for the rest of the session (bounded: the oldest go first)."""
        self._answers[call] = (approved, decision_id)
        self._answers.move_to_end(call)
        while len(self._answers) > MAX_ANSWERS:
            self._answers.popitem(last=False)

    def remembered(self, call: str) -> tuple[bool, str] | None:
        """(approved, id of the decision answered) for a call answered for the session, or None."""
        return self._answers.get(call)


def _home_relative(path: str) -> str:
    """`path` with the home directory written `~`, as the shell facts may write it either way."""
    home = os.environ.get("HOME", "").rstrip("/")
    if home and path.startswith(home) and (len(path) == len(home) or path[len(home)] == "/"):
        return "~" + path[len(home) :]
    return path


class SessionStore:
    """Sessions by id, least recently used dropped past `max_sessions`. Thread-safe."""

    def __init__(self, max_sessions: int = 10_000) -> None:
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()
        renew_after_fork(self, "_lock")
        # The session got last, already the most recently used: (id, session), or (None, None).
        # One tuple, replaced whole under the lock, so a read without the lock is consistent.
        self._last: tuple[str | None, Session | None] = (None, None)

    def get(self, session_id: str) -> Session:
        """The session with this id, created on first use."""
        last_id, last = self._last
        if last is not None and last_id == session_id:  # the same session again: nothing moves
            return last
        with self._lock:
            found = self._sessions.get(session_id)
            if found is not None:
                self._sessions.move_to_end(session_id)
                self._last = (session_id, found)
                return found
            created = Session(session_id)
            self._sessions[session_id] = created
            if len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
            # a store that holds no session (max_sessions 0) must not keep this one either
            self._last = (session_id, created) if session_id in self._sessions else (None, None)
            return created

    def __len__(self) -> int:
        return len(self._sessions)
