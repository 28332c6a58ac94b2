"""The hook daemon itself: a process that answers `remit hook --daemon` calls (see
`remit.hookd`, the client's side, for what it promises and the wire format).

`python -m remit.hookd_server [--detach] SOCKET` runs one; `hookd.start_daemon` starts it.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from typing import TYPE_CHECKING

from .hookd import (
    ANSWER_SECONDS,
    BOOT,
    FIELDS,
    IDENTITY,
    MAGIC,
    MAX_INPUT_BYTES,
    decode_fields,
    identity,
    trusted_peer,
)

if TYPE_CHECKING:
    import socket
    from collections.abc import Callable

    from .cache import Kept

IDLE_SECONDS = 1800.0
"""A daemon without a call for this long exits (`REMIT_HOOKD_IDLE` sets other seconds)."""
CODE_CHECK_SECONDS = 1.0
"""How often the daemon checks that remit's code has not changed under it."""
GO_SECONDS = 5.0
"""How long the daemon waits for a client's go after taking its call (then drops it)."""
MAX_CALLS = 32
"""Calls a daemon answers at once; a client past that answers itself."""
MAX_HEADER = 64 * 1024
DECISION_LIBRARIES = ("tree_sitter", "tree_sitter_bash", "orjson")
"""Libraries a decision uses besides those a policy's compile does (`cache.LIBRARIES`)."""


class Daemon:
    """Answers hook events on a Unix socket until it is idle, stale or stopped."""

    def __init__(
        self, path: str, *, idle: float = IDLE_SECONDS, fingerprint: Callable[[], str] | None = None
    ) -> None:
        import threading

        from .cache import code_fingerprint

        self.path = path
        self.idle = idle
        self.identity = identity(started_for=True)
        self._fingerprint = fingerprint or _fingerprint
        code_fingerprint()  # the policy cache's key: this code's, whatever changes later
        self.code = self._fingerprint()
        self.stale = False
        self._last = time.monotonic()
        self._stop = threading.Event()
        self._slots = threading.BoundedSemaphore(MAX_CALLS)
        self._kept: Kept | None = None

    def serve(self) -> int:
        """Listen and answer until idle, stale or stopped: 0; 1 if another daemon holds the socket."""
        import contextlib
        import fcntl
        import socket
        import threading
        from concurrent.futures import ThreadPoolExecutor

        try:
            lock = os.open(self.path + ".lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            return 1  # a link there: not a file of ours to write
        st = os.fstat(lock)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_nlink != 1:
            os.close(lock)
            return 1  # another name of some file of ours (a hard link): never truncate it
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            return 1
        os.ftruncate(lock, 0)
        os.write(lock, str(os.getpid()).encode())
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # One pool for the daemon's life: a thread keeps what it made (tree-sitter's parser).
        workers = ThreadPoolExecutor(MAX_CALLS, thread_name_prefix="remit-hookd")
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)  # left by a daemon that died: the lock says none runs
            old = os.umask(0o177)
            try:
                server.bind(self.path)  # mode 0600, in a folder of mode 0700
            finally:
                os.umask(old)
            server.listen(64)
            server.settimeout(0.2)
            from . import guard, hook  # noqa: F401 - the decision's modules, loaded before the first call
            from .cache import Kept

            self._kept = Kept()
            threading.Thread(target=self._watch, daemon=True).start()
            self._last = time.monotonic()
            while not self._stop.is_set() and time.monotonic() - self._last <= self.idle:
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                if not self._slots.acquire(blocking=False):
                    conn.close()  # busy: that client answers its call itself
                    continue
                workers.submit(self._serve_one, conn)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            server.close()
            os.close(lock)  # a new daemon may take the socket's name while this one finishes
            self._drain()  # the calls taken are answered: no client waits in vain
            workers.shutdown(wait=False)
        return 0

    def stop(self) -> None:
        """Take no more calls (the ones taken are answered)."""
        self._stop.set()

    def _drain(self) -> None:
        deadline = time.monotonic() + GO_SECONDS + ANSWER_SECONDS
        for _ in range(MAX_CALLS):
            if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                return

    def _watch(self) -> None:
        """Leave when remit's code changes under the daemon."""
        while not self._stop.wait(CODE_CHECK_SECONDS):
            try:
                changed = self._fingerprint() != self.code
            except Exception:  # what cannot be checked counts as changed
                changed = True
            if changed:
                self.stale = True
                self.stop()

    def _serve_one(self, conn: socket.socket) -> None:
        try:
            with conn:
                conn.settimeout(GO_SECONDS)
                if self._trusted(conn):
                    self.answer(conn)
        except Exception:  # a client given no `T` answers its call itself
            pass
        finally:
            self._slots.release()

    def _trusted(self, conn: socket.socket) -> bool:
        """True if the caller runs as this user, in this daemon's context (`hookd.trusted_peer`)."""
        return trusted_peer(conn)

    def answer(self, conn: socket.socket) -> None:
        """Read one request from `conn`; take it (or say why not), and answer once told to go."""
        request, raw = _read_request(conn)
        if self.stale or self._stop.is_set():
            conn.sendall(b"S")
            return
        if request[: len(IDENTITY)] != self.identity:
            conn.sendall(b"R")
            return
        conn.sendall(b"T")
        if conn.recv(1) != b"G":
            return  # the client stopped waiting and answers the call itself
        self._last = time.monotonic()  # only calls answered keep a daemon from idling out
        try:
            conn.sendall(self.decide(request, raw))
        finally:
            self._last = time.monotonic()

    def decide(self, request: list[str | None], raw: bytes) -> bytes:
        """The answer to a taken request: what `run_hook` prints and exits with."""
        import io
        from pathlib import Path

        from .hook import run_hook
        from .resources import shipped_policy

        agent, policy, where, log, durability, project_dir = request[len(IDENTITY) : -1]
        if agent is None or policy is None or where is None or where[:1] not in ("=", "?"):
            raise ValueError("a request without an agent or a policy")
        # As `resources.resolve_policy` where the client runs: its file if it has one there,
        # else a shipped policy of that name, else that path (whose load then fails): never a
        # path relative to this daemon's own folder.
        found = where[:1] == "="
        resolved = Path(where[1:]) if found else shipped_policy(policy) or Path(where[1:])
        err = io.StringIO()
        text, code = run_hook(
            agent,
            raw.decode("utf-8", errors="replace"),
            policy=policy,
            log=log,
            log_durability=durability,
            resolved=resolved,
            stderr=err,
            kept=self._kept,
            project_dir=project_dir,  # the client's `CLAUDE_PROJECT_DIR`: the agent's, not ours
        )
        out = text.encode(errors="backslashreplace")
        return (
            b"A"
            + bytes([code & 0xFF])
            + len(out).to_bytes(4, "big")
            + out
            + err.getvalue().encode(errors="backslashreplace")
        )


def _fingerprint() -> str:
    """What the daemon's answers depend on: remit's code and every library a decision uses."""
    from .cache import LIBRARIES, compute_fingerprint

    return compute_fingerprint((*LIBRARIES, *DECISION_LIBRARIES))


def _read_request(conn: socket.socket) -> tuple[list[str | None], bytes]:
    data = b""
    while len(data) < len(MAGIC) + 4:
        chunk = conn.recv(1 << 16)
        if not chunk:
            raise ValueError("short request")
        data += chunk
    if not data.startswith(MAGIC):
        raise ValueError("not a remit hook request")
    start = len(MAGIC) + 4
    head_size = int.from_bytes(data[len(MAGIC) : start], "big")
    if head_size > MAX_HEADER:
        raise ValueError("header too long")
    data = _read_exactly(conn, data[start:], head_size)
    request = decode_fields(data[:head_size])
    size = request[-1] if len(request) == len(FIELDS) else None
    if size is None or not size.isdigit() or int(size) > MAX_INPUT_BYTES or "\0" in request:
        raise ValueError("malformed header")
    body = data[head_size:]
    if len(body) > int(size):
        raise ValueError("more bytes than the header says")
    return request, _read_exactly(conn, body, int(size))


def _read_exactly(conn: socket.socket, data: bytes, size: int) -> bytes:
    chunks, got = [data], len(data)
    while got < size:
        chunk = conn.recv(min(1 << 20, size - got))
        if not chunk:
            raise ValueError("short request")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def idle_seconds() -> float:
    """`REMIT_HOOKD_IDLE` if it is a positive number of seconds, else `IDLE_SECONDS`."""
    try:
        value = float(os.environ.get("REMIT_HOOKD_IDLE", IDLE_SECONDS))
    except ValueError:
        return IDLE_SECONDS
    return value if 0 < value < float("inf") else IDLE_SECONDS


def main(argv: list[str]) -> int:
    """`python -m remit.hookd_server [--detach] SOCKET`: run a daemon on that socket; with `--detach`,
    start it in a new session and return at once (what `start_daemon` runs)."""
    import signal

    detach = argv[:1] == ["--detach"]
    argv = argv[1:] if detach else argv
    if len(argv) != 1:
        sys.stderr.write("usage: python -m remit.hookd_server [--detach] SOCKET\n")
        return 2
    if detach:
        import subprocess

        subprocess.Popen([sys.executable, "-c", BOOT, argv[0]], start_new_session=True)
        return 0
    daemon = Daemon(argv[0], idle=idle_seconds())
    signal.signal(signal.SIGTERM, lambda *_: daemon.stop())
    signal.signal(signal.SIGINT, lambda *_: daemon.stop())
    return daemon.serve()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
