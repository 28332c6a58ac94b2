"""The hook daemon: one process that answers `remit hook --daemon` calls, so that a tool call
does not wait for remit to start.

Claude Code and Codex CLI start one hook process per tool call. With `--daemon`, that process
(the client) imports next to nothing: it hands the event to the daemon over a Unix socket and
prints the answer. The daemon runs `remit.hook.run_hook`, the function a hook process runs,
so the answer, the decision log and the session's state are the same either way. When no
daemon answers (none started yet, a stale one, a refused or failed request, a timeout), the
client answers the call itself, exactly as a hook without `--daemon`, and then starts a
daemon for the calls that follow. A daemon makes a hook faster; it cannot change an answer.

- **Where.** The socket is `hookd-<key>.sock` in `$XDG_RUNTIME_DIR/remit/`, else in
  `$TMPDIR/remit-<uid>/` (`/tmp` without `TMPDIR`): a folder of the user's own, mode 0700,
  checked before each use. A folder that is a link, another user's, or open to others means
  no daemon. The key is a hash of what an answer depends on besides the call (`IDENTITY`):
  the interpreter, where remit is, the user, `HOME`, `XDG_CACHE_HOME` and
  `REMIT_POLICY_CACHE`. Each request carries them, and the daemon refuses one that differs.
- **Who.** On Linux the daemon answers only processes of its own user (`SO_PEERCRED`).
- **One at a time.** A daemon holds a lock on `<socket>.lock` for its whole life (the file
  holds its process id); a second one started at the same moment finds it held and exits.
- **Fresh code.** Before an answer the daemon checks, at most every `CODE_CHECK_SECONDS`,
  that remit's code and the parsing libraries are the ones it started with
  (`cache.code_fingerprint`). If not, it says so and exits; the client answers itself and
  starts a new daemon.
- **Lifetime.** A daemon exits after `IDLE_SECONDS` without a call (`REMIT_HOOKD_IDLE`
  sets other seconds). `remit hook-daemon stop` stops it at once.

The client's relative `--policy` and `--log` paths are made absolute against its own working
directory, as a hook process would read them.

The wire format is bytes, not JSON: the client imports neither `json` nor `socket` (each
pulls in `re` or `enum` and costs milliseconds), only the `_socket` extension they wrap.
A request is `MAGIC`, a 4-byte big-endian length, the header (the fields of `FIELDS`, each
`=value` or `-` for none, NUL-separated; no path, argument or environment value can hold a
NUL) and the event's bytes. An answer is `A`, the exit code (one byte), a 4-byte length, the
hook's stdout text, and its stderr text to the end; or `S` (stale: the daemon is leaving) or
`R` (refused).
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # `typing` itself costs a hook call milliseconds
    import _socket
    import socket
    from collections.abc import Callable
    from pathlib import Path
    from typing import IO

    from .cache import Kept

MAX_INPUT_BYTES = 10 * 1024 * 1024
"""Hook input larger than this is refused (denied) without being parsed."""
IDLE_SECONDS = 1800.0
"""A daemon without a call for this long exits (`REMIT_HOOKD_IDLE` sets other seconds)."""
CODE_CHECK_SECONDS = 2.0
"""How often, at most, the daemon checks that remit's code has not changed under it."""
ANSWER_SECONDS = 30.0
"""How long a client waits for the daemon's answer before answering the call itself."""
MAX_CALLS = 32
"""Calls a daemon answers at once; a client past that answers itself."""
MAX_HEADER = 64 * 1024
MAX_ANSWER = 16 * 1024 * 1024
MAGIC = b"remit-hookd/1\n"
IDENTITY = ("python", "remit", "uid", "HOME", "XDG_CACHE_HOME", "REMIT_POLICY_CACHE")
FIELDS = (*IDENTITY, "agent", "policy", "policy_file", "log", "log_durability", "size")


# -- the client -----------------------------------------------------------------------------


def main_client(
    agent: str,
    *,
    policy: str | Path,
    log: str | Path | None = None,
    log_durability: str | None = None,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
) -> int:
    """`remit hook --daemon`: `hook.main_hook`, answered by the daemon when one can."""
    try:
        raw = read_capped(stdin or sys.stdin.buffer, MAX_INPUT_BYTES)
        reply, start = (None, False) if raw is None else ask_daemon(agent, raw, policy, log, log_durability)
        if reply is not None:
            text, code, err = reply
            if err:
                sys.stderr.write(err)
        else:
            from .hook import answer

            text, code = answer(agent, raw, policy=policy, log=log, log_durability=log_durability)
        write_answer(text, stdout or sys.stdout)
        if start:  # after the answer: the agent does not wait for the daemon
            start_daemon()
        return code
    except Exception as exc:
        sys.stderr.write(f"remit could not check this call, so it is blocked: {exc}\n")
        return 2


def read_capped(stream: IO[bytes], cap: int) -> bytes | None:
    """At most `cap` bytes of the stream, or None (the rest drained) when there is more."""
    data = stream.read(cap + 1)
    if len(data) <= cap:
        return data
    while stream.read(1 << 20):  # let the writer finish; memory stays bounded
        pass
    return None


def write_answer(text: str, out: IO[str]) -> None:
    """Print the hook's answer; observed events get none (a prompt's would reach the model)."""
    if text:
        out.write(text + "\n")
        out.flush()


def identity() -> list[str | None]:
    """The values of `IDENTITY` in this process."""
    uid = str(os.getuid()) if hasattr(os, "getuid") else None
    here = os.path.dirname(os.path.abspath(__file__))
    return [sys.executable, here, uid, *(os.environ.get(k) for k in IDENTITY[3:])]


def _encode(values: list[str | None]) -> bytes:
    return b"\0".join(b"-" if v is None else b"=" + os.fsencode(v) for v in values)


def _decode(header: bytes) -> list[str | None]:
    return [None if f == b"-" else os.fsdecode(f[1:]) if f[:1] == b"=" else "\0" for f in header.split(b"\0")]


def socket_path() -> str | None:
    """The daemon's socket for this process's identity, in a folder of this user's alone;
    None where there is no such folder (or no Unix sockets)."""
    if not hasattr(os, "getuid") or sys.platform == "win32":
        return None
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        folder = os.path.join(runtime, "remit")
    else:
        folder = os.path.join(os.environ.get("TMPDIR") or "/tmp", f"remit-{os.getuid()}")
    if not private_folder(folder):
        return None
    import zlib

    key = _encode(identity())
    path = os.path.join(folder, f"hookd-{zlib.crc32(key):08x}{zlib.adler32(key):08x}.sock")
    return path if len(os.fsencode(path)) < 104 else None  # longer cannot be a socket's address


def private_folder(folder: str) -> bool:
    """True if `folder` is (made, if missing) a real folder of this user's that no one else can enter."""
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    is_dir = st.st_mode & 0o170000 == 0o040000  # stat.S_ISDIR, without importing stat
    return is_dir and st.st_uid == os.getuid() and st.st_mode & 0o077 == 0


def ask_daemon(
    agent: str,
    raw: bytes,
    policy: str | Path,
    log: str | Path | None = None,
    log_durability: str | None = None,
    *,
    path: str | None = None,
    timeout: float = ANSWER_SECONDS,
) -> tuple[tuple[str, int, str] | None, bool]:
    """The daemon's answer to one hook event as (stdout text, exit code, stderr text), or None;
    and whether a daemon should be started (none listens, or the one that did is leaving)."""
    path = path or socket_path()
    if path is None:
        return None, False
    import _socket  # what `socket` wraps, without its `enum` and `selectors`

    policy = str(policy)
    fields = [
        *identity(),
        agent,
        policy,
        os.path.abspath(policy) if os.path.exists(policy) else None,  # a file here comes first
        os.path.abspath(log) if log is not None else None,
        log_durability,
        str(len(raw)),
    ]
    header = _encode(fields)
    try:
        conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    except OSError:
        return None, False
    try:
        conn.settimeout(timeout)
        try:
            conn.connect(path)
        except OSError:
            return None, True  # nothing listens (or a socket left by a daemon that died)
        conn.sendall(MAGIC + len(header).to_bytes(4, "big") + header + raw)
        conn.shutdown(_socket.SHUT_WR)
        data = _read_all(conn, MAX_ANSWER)
    except OSError:
        return None, False
    finally:
        conn.close()
    if data[:1] == b"S":
        return None, True
    if data[:1] != b"A" or len(data) < 6:
        return None, False
    size = int.from_bytes(data[2:6], "big")
    if len(data) < 6 + size:
        return None, False
    try:
        return (data[6 : 6 + size].decode(), data[1], data[6 + size :].decode()), False
    except UnicodeDecodeError:
        return None, False


def _read_all(conn: _socket.socket, cap: int) -> bytes:
    chunks, size = [], 0
    while chunk := conn.recv(1 << 16):
        size += len(chunk)
        if size > cap:
            return b""
        chunks.append(chunk)
    return b"".join(chunks)


def start_daemon(path: str | None = None) -> None:
    """Start a daemon for this identity in the background (best effort; returns at once)."""
    path = path or socket_path()
    if path is None:
        return
    import contextlib
    import subprocess

    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "remit.hookd", path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,  # out of the agent's process group: its Ctrl-C is not the daemon's
        )


def running_pid(path: str | None = None) -> int | None:
    """The process id of the daemon listening on `path` (default: this identity's), None when
    none listens (-1: one listens, its id unreadable)."""
    path = path or socket_path()
    if path is None:
        return None
    import _socket

    probe = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        probe.settimeout(1.0)
        probe.connect(path)  # a daemon listens (it drops a connection that sends nothing)
    except OSError:
        return None
    finally:
        probe.close()
    try:
        with open(path + ".lock", "rb") as f:
            text = f.read(32).decode("ascii", "replace").strip()
    except OSError:
        return -1
    return int(text) if text.isdigit() else -1


def stop_daemon(path: str | None = None, *, wait: float = 5.0) -> int | None:
    """Stop the daemon of `path` (default: this identity's); its process id, or None if none ran."""
    import signal

    path = path or socket_path()
    pid = running_pid(path)
    if pid is None or pid <= 0:
        return None
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return None
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and running_pid(path) is not None:
        time.sleep(0.02)
    return pid


# -- the daemon -----------------------------------------------------------------------------


class Daemon:
    """Answers hook events on a Unix socket until it is idle, stale or stopped."""

    def __init__(
        self, path: str, *, idle: float = IDLE_SECONDS, fingerprint: Callable[[], str] | None = None
    ) -> None:
        import threading

        self.path = path
        self.idle = idle
        self.identity = identity()
        self._fingerprint = fingerprint or _fresh_fingerprint
        self.code = self._fingerprint()
        self._checked = self._last = time.monotonic()
        self._stop = threading.Event()
        self._slots = threading.BoundedSemaphore(MAX_CALLS)
        self._lock = threading.Lock()
        self._kept: Kept | None = None

    def serve(self) -> int:
        """Listen and answer until idle, stale or stopped: 0; 1 if another daemon holds the socket."""
        import contextlib
        import fcntl
        import socket
        import threading

        lock = os.open(self.path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            return 1
        os.ftruncate(lock, 0)
        os.write(lock, str(os.getpid()).encode())
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
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

            while not self._stop.is_set():
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    if time.monotonic() - self._last > self.idle:
                        break
                    continue
                self._last = time.monotonic()
                if not self._slots.acquire(blocking=False):
                    conn.close()  # busy: that client answers its call itself
                    continue
                threading.Thread(target=self._serve_one, args=(conn,), daemon=True).start()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            server.close()
            self._drain()  # the calls being answered are answered: no client decides twice
            os.close(lock)  # a new daemon may start
        return 0

    def _drain(self) -> None:
        deadline = time.monotonic() + ANSWER_SECONDS
        for _ in range(MAX_CALLS):
            if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                return

    def stop(self) -> None:
        """Accept no more calls (the ones being answered are finished)."""
        self._stop.set()

    def _serve_one(self, conn: socket.socket) -> None:
        try:
            with conn:
                conn.settimeout(ANSWER_SECONDS)
                if _same_user(conn):
                    conn.sendall(self.reply(conn))
        except Exception:  # a client given no answer answers its call itself
            pass
        finally:
            self._last = time.monotonic()
            self._slots.release()

    def reply(self, conn: socket.socket) -> bytes:
        """Read one request from `conn` and make its answer."""
        import io
        from pathlib import Path

        from .hook import run_hook
        from .resources import shipped_policy

        request, raw = _read_request(conn)
        if self._stale():
            self.stop()
            return b"S"
        if request[: len(IDENTITY)] != self.identity:
            return b"R"
        agent, policy, policy_file, log, durability = request[len(IDENTITY) : -1]
        if agent is None or policy is None:
            return b"R"
        # As `resources.resolve_policy` where the client runs: its file if it has one there,
        # else a shipped policy of that name, else the name (whose load then fails).
        resolved = Path(policy_file) if policy_file is not None else shipped_policy(policy) or Path(policy)
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
        )
        out = text.encode()
        return b"A" + bytes([code & 0xFF]) + len(out).to_bytes(4, "big") + out + err.getvalue().encode()

    def _stale(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if now - self._checked < CODE_CHECK_SECONDS:
                return False
            self._checked = now
            return self._fingerprint() != self.code


def _fresh_fingerprint() -> str:
    """`cache.code_fingerprint()` computed now, not remembered from the daemon's start."""
    from . import cache

    cache._FINGERPRINT = None
    return cache.code_fingerprint()


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
    request = _decode(data[:head_size])
    size = request[-1] if len(request) == len(FIELDS) else None
    if size is None or not size.isdigit() or int(size) > MAX_INPUT_BYTES or "\0" in request:
        raise ValueError("malformed header")
    return request, _read_exactly(conn, data[head_size:], int(size))[: int(size)]


def _read_exactly(conn: socket.socket, data: bytes, size: int) -> bytes:
    chunks, got = [data], len(data)
    while got < size:
        chunk = conn.recv(min(1 << 20, size - got))
        if not chunk:
            raise ValueError("short request")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _same_user(conn: socket.socket) -> bool:
    """True if the peer runs as this user, where the platform tells (the folder's mode keeps
    other users out everywhere)."""
    import socket
    import struct

    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return bool(uid == os.getuid())


def idle_seconds() -> float:
    """`REMIT_HOOKD_IDLE` if it is a number of seconds, else `IDLE_SECONDS`."""
    try:
        return float(os.environ.get("REMIT_HOOKD_IDLE", IDLE_SECONDS))
    except ValueError:
        return IDLE_SECONDS


def main(argv: list[str]) -> int:
    """`python -m remit.hookd SOCKET`: run a daemon on that socket (what `start_daemon` runs)."""
    import signal

    if len(argv) != 1:
        sys.stderr.write("usage: python -m remit.hookd SOCKET\n")
        return 2
    daemon = Daemon(argv[0], idle=idle_seconds())
    signal.signal(signal.SIGTERM, lambda *_: daemon.stop())
    signal.signal(signal.SIGINT, lambda *_: daemon.stop())
    return daemon.serve()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
