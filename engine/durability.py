"""How far a decision-log record has gone when `DecisionLog.write` returns.

- `flush` (the default): written to the operating system with one `write` call (nothing is
  buffered in the process), so it survives the process crashing or being killed, but not
  power loss or a crash of the operating system;
- `fsync`: on the disk (`fsync` after every record, before `write` returns), so it survives
  power loss too;
- `interval:<time>`: written as with `flush`; a background thread syncs the file at most
  once per `<time>`, so power loss loses at most the records of the last interval.

docs/log.md holds the full account; `python -m benchmarks.log_cost` measures what each costs.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

MODES = ("flush", "fsync", "interval")
DEFAULT_INTERVAL = 1.0
"""Seconds between syncs for a bare `interval`."""
MIN_INTERVAL = 0.001
MAX_INTERVAL = 3600.0

_INTERVAL = re.compile(r"interval(?::(\d+(?:\.\d+)?)(ms|s))?")


@dataclass(frozen=True)
class Durability:
    """A durability mode: `flush`, `fsync`, or `interval` with its period in seconds."""

    mode: str = "flush"
    interval: float = 0.0

    @classmethod
    def parse(cls, value: str | Durability) -> Durability:
        """`flush`, `fsync`, `interval` (every second) or `interval:<N>ms` / `interval:<N>s`;
        raise `ValueError` for anything else."""
        if isinstance(value, Durability):
            return value
        text = value.strip() if isinstance(value, str) else ""
        if text in ("flush", "fsync"):
            return cls(text)
        m = _INTERVAL.fullmatch(text)
        if m is None:
            raise ValueError(
                "the log durability must be `flush`, `fsync` or `interval:<time>` "
                f"(such as `interval:200ms` or `interval:2s`), not `{value}`"
            )
        seconds = DEFAULT_INTERVAL if m[1] is None else float(m[1]) * (0.001 if m[2] == "ms" else 1.0)
        if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
            raise ValueError(f"the log's sync interval must be between 1ms and 1h, not `{m[1]}{m[2]}`")
        return cls("interval", seconds)

    def __str__(self) -> str:
        if self.mode != "interval":
            return self.mode
        ms = self.interval * 1000
        return f"interval:{ms:g}ms" if ms < 1000 else f"interval:{self.interval:g}s"


def fsync(fd: int) -> None:
    """Push the file's data to the disk (on macOS, past the drive's cache too)."""
    if sys.platform == "darwin":  # fsync there stops at the drive's volatile cache
        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass  # a file system without it: the plain fsync is the best there is
    os.fsync(fd)


def sync_new_entries(path: Path, created: list[Path], new_file: bool) -> None:
    """Make new directory entries durable: each folder created (outermost first) in its
    parent, then the file in its folder when it was created."""
    for folder in created:
        _sync_dir(folder.parent)
    if new_file:
        _sync_dir(path.parent)


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):  # a folder it cannot sync
            raise
    finally:
        os.close(fd)


class Flusher:
    """`interval` mode: syncs one open file at most once per `interval` seconds.

    The writer calls `mark()` after each record; a daemon thread, started at the first
    record, syncs the file (a duplicate of the writer's descriptor, so the writer never
    waits for a sync) as soon as a sync is due: at once if the last one is older than the
    interval, else when it turns that old. A failed sync is kept in `error` for the writer
    to report. `close()` syncs what is left and ends the thread. In a forked child nothing
    is synced or waited for: the parent owns its records.
    """

    def __init__(self, fd: int, interval: float) -> None:
        self.fd = os.dup(fd)
        self.interval = interval
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.dirty = False
        self.synced_at = -float("inf")
        self.syncs = 0
        self.error: OSError | None = None
        self.thread: threading.Thread | None = None

    def mark(self) -> None:
        """A record was written: make sure a sync follows within the interval."""
        if not self.dirty:  # a sync that clears `dirty` after this write covers it
            self.dirty = True
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="remit-log-sync", daemon=True)
                self.thread.start()
            self.wake.set()

    def take_error(self) -> OSError:
        """The failed sync, cleared (the writer reports it once)."""
        error, self.error = self.error, None
        assert error is not None
        return error

    def _run(self) -> None:
        while True:
            self.wake.wait()
            # Cleared before `stop` is read: `close` sets `stop`, then `wake`, so either the reads
            # below see `stop` or the next `wait` returns. Cleared after them, a `close` in between
            # was lost and `close` waited for this thread forever (a timed `wait` can even report
            # a timeout for an event set as it timed out).
            self.wake.clear()
            if self.stop.is_set():
                return
            due = self.synced_at + self.interval - time.monotonic()
            if due > 0 and self.stop.wait(due):
                return  # closing: `close` syncs the rest
            self.sync()

    def sync(self) -> None:
        """Sync the file now if a record was written since the last sync."""
        with self.lock:
            if self.fd < 0 or not self.dirty:
                return
            self.dirty = False  # before the sync: a record written from now on marks again
            try:
                fsync(self.fd)
            except OSError as exc:
                self.error = self.error or exc
            self.syncs += 1
            self.synced_at = time.monotonic()

    def close(self) -> OSError | None:
        """Sync what is not synced, stop the thread, close the descriptor; the sync error if any."""
        if os.getpid() != self.pid:  # a forked child: the lock may be held by a thread it lacks
            if self.fd >= 0:
                os.close(self.fd)
                self.fd = -1
            return None
        self.stop.set()
        self.wake.set()
        thread = self.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self.sync()
        with self.lock:
            if self.fd >= 0:
                os.close(self.fd)
                self.fd = -1
            error, self.error = self.error, None
        return error
