"""The hook daemon's client: `remit hook --daemon` hands each call to one process that answers
them all (`remit.hookd_server`), so that a tool call does not wait for remit to start.

Claude Code and Codex CLI start one hook process per tool call. With `--daemon`, that process
(the client) imports next to nothing: it hands the event to the daemon over a Unix socket and
prints the answer. The daemon runs `remit.hook.run_hook`, the function a hook process runs,
so the answer, the decision log and the session's state are the same either way. A daemon
makes a hook faster; it cannot change an answer.

**Each call is decided once, by one of the two.** The daemon reads the request, then says it
takes the call (`T`) and decides only once the client says go (`G`). A client that hears no
`T` within `TAKE_SECONDS` (no daemon yet, a stale, busy, refusing or stuck one) closes the
connection, so that the daemon drops the call, and answers it itself, exactly as a hook
without `--daemon`; the first client that found no daemon starts one after answering. A
client that said go never decides itself: if the answer does not come within
`ANSWER_SECONDS`, or comes broken, it denies the call.

- **Where.** The socket is `hookd-<key>.sock` in `$XDG_RUNTIME_DIR/remit/`, else in
  `$TMPDIR/remit-<uid>/` (`/tmp` without an absolute `TMPDIR`): a folder of the user's own,
  mode 0700, checked before each use (a folder that is a link, another user's, or open to
  others means no daemon). The key is a hash of what an answer depends on besides the call
  (`IDENTITY`: the interpreter, where remit is, the user and groups, the umask, `PYTHONPATH`,
  `HOME`, `XDG_CACHE_HOME`, `REMIT_POLICY_CACHE`). Each request carries them, and the daemon
  refuses one that differs.
- **Who.** On Linux each side checks that the other runs as the same user (`SO_PEERCRED`), in
  the same namespaces, with the same seccomp and no-new-privileges state: a command run in an
  agent's sandbox can neither have the daemon, which runs outside it, write a log or read a
  policy for it, nor pose as the daemon to the hooks outside. (macOS and other systems: only
  the folder's owner and mode.)
- **One at a time.** A daemon holds a lock on `<socket>.lock` for its whole life (the file
  holds its process id); a second one started at the same moment finds it held and exits.
- **Fresh code.** A thread of the daemon checks every second that remit's code
  and the libraries a decision uses are the ones it started with (`cache.compute_fingerprint`).
  If not, the daemon takes no more calls and exits; the next client starts a new one.
- **Lifetime.** A daemon exits after 30 minutes without a call (`REMIT_HOOKD_IDLE` sets
  other seconds). `remit hook-daemon stop` stops it; the calls it took are answered first.

The client's relative `--policy` and `--log` paths are made absolute against its own working
directory, as a hook process would read them.

The wire format is bytes, not JSON: the client imports neither `json` nor `socket` (each
pulls in `re` or `enum` and costs milliseconds), only the `_socket` extension they wrap.
A request is `MAGIC`, a 4-byte big-endian length, the header (the fields of `FIELDS`, each
`=value` or `-` for none, NUL-separated; no path, argument or environment value can hold a
NUL; `policy_path` is the policy made absolute, after `=` if it is a file, `?` if not) and the
event's bytes. The daemon answers `T` (taken), `S` (stale: it is leaving) or `R`
(refused); after the client's `G`, `A`, the exit code (one byte), a 4-byte length, the hook's
stdout text, and its stderr text to the end.
"""

from __future__ import annotations

import _thread
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # `typing` itself costs a hook call milliseconds
    import _socket
    import socket
    from pathlib import Path
    from typing import IO


MAX_INPUT_BYTES = 10 * 1024 * 1024
"""Hook input larger than this is not parsed: a tool call is denied (`remit.hook.refusal`)."""
TOOL_EVENT = "PreToolUse"
"""The event remit decides; it answers the others with nothing (`remit.hook_events`)."""
TAKE_SECONDS = 2.0
"""How long a client waits for the daemon to take its call before answering it itself."""
ANSWER_SECONDS = 20.0
"""How long a client that said go waits for the answer; past it, the call is denied. Under
Claude Code's default hook timeout (60 s), past which the agent would run the tool."""
START_SECONDS = 10.0
"""A client starts a daemon at most once in this time (one that cannot start is not retried
on every call)."""
MAX_ANSWER = 16 * 1024 * 1024
MAGIC = b"remit-hookd/3\n"
IDENTITY = (
    "python", "remit", "uid", "groups", "umask", "PYTHONPATH", "HOME", "XDG_CACHE_HOME", "REMIT_POLICY_CACHE"
)  # fmt: skip
PROJECT_DIR = "CLAUDE_PROJECT_DIR"
"""Where Claude Code gives its hooks the project's root (Codex gives none: its `cwd` is the
session's, which the agent's commands do not move). A client sends it to the daemon, which
answers in its own environment."""
FIELDS = (*IDENTITY, "agent", "policy", "policy_path", "log", "log_durability", "project_dir", "size")
BOOT = "import sys; del sys.path[0]; from remit.hookd_server import main; sys.exit(main(sys.argv[1:]))"
"""How the daemon is started: not `-m`, which puts its working directory (`/`) first on its path."""
STARTED_FOR = "REMIT_HOOKD_PYTHONPATH"
"""Set by `start_daemon` to the client's `PYTHONPATH` (the daemon's own has remit's folder first)."""


# -- the client -----------------------------------------------------------------------------


def main_hook(
    agent: str,
    *,
    policy: str | Path,
    log: str | Path | None = None,
    log_durability: str | None = None,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    daemon: bool = False,
) -> int:
    """Read the event on stdin, write the verdict on stdout, return the exit code (also
    `remit.hook.main_hook`).

    The exit code is 0 (the verdict is in the JSON) unless the answer cannot even be given:
    then the reason goes to stderr and the code is 2, which both agents read as "block" (1
    for an event other than a tool call: see `_unanswered`).
    With `daemon` (`remit hook --daemon`), the daemon answers when it takes the call, with
    the answer this process would give (`hook.answer`)."""
    raw = b""
    try:
        raw, whole = read_capped(stdin or sys.stdin.buffer, MAX_INPUT_BYTES)
        reply, start = None, False
        if daemon and whole:
            reply, start = ask_daemon(agent, raw, policy, log, log_durability)
        if reply is not None:
            text, code, err = reply
            if err:
                sys.stderr.write(err)
        else:
            from .hook import answer

            text, code = answer(
                agent, raw, whole=whole, policy=policy, log=log, log_durability=log_durability
            )
        write_answer(text, stdout or sys.stdout)
    except Exception as exc:
        return _unanswered(raw, exc)
    if start:  # after the answer, which nothing here may change: the agent does not wait for it
        try:  # noqa: SIM105 - `contextlib` costs this process milliseconds
            start_daemon()
        except Exception:  # the next call answers in-process and tries again
            pass
    return code


def read_capped(stream: IO[bytes], cap: int) -> tuple[bytes, bool]:
    """At most `cap` bytes of the stream, and whether they are all of it (if not, the rest is
    drained: only the event these bytes name is read from them, see `event_name`)."""
    data = stream.read(cap + 1)
    if len(data) <= cap:
        return data, True
    while stream.read(1 << 20):  # let the writer finish; memory stays bounded
        pass
    return data[:cap], False


def _unanswered(raw: bytes, exc: Exception) -> int:
    """No answer could be given (stdin or stdout gone, remit broken): the reason on stderr, and
    exit code 2, a block. Not for an event other than a tool call, where 2 would block the
    user's prompt or keep the agent from stopping: there 1, a hook error both agents carry on
    from."""
    name = event_name(raw.decode("utf-8", errors="replace")) if raw else None
    if name is None or name == TOOL_EVENT:
        sys.stderr.write(f"remit could not check this call, so it is blocked: {exc}\n")
        return 2
    sys.stderr.write(f"remit could not answer the {name} event: {exc}\n")
    return 1


def event_name(text: str) -> str | None:
    """The `hook_event_name` the members at the start of a JSON object give, for hook input
    that cannot be read whole (cut short, broken further on, larger than `MAX_INPUT_BYTES`);
    None when no member before the damage names an event (as a string), or two members name
    different ones (which a reader may take either of)."""
    import json  # not on the path of an answered call: it costs a hook call milliseconds

    decode = json.JSONDecoder().raw_decode
    at = _blank(text, 0)
    if text[at : at + 1] != "{":
        return None
    named: str | None = None
    try:
        while True:
            at = _blank(text, at + 1)
            if text[at : at + 1] != '"':
                return named
            key, at = decode(text, at)
            at = _blank(text, at)
            if text[at : at + 1] != ":":
                return named
            value, at = decode(text, _blank(text, at + 1))
            if key == "hook_event_name":
                if not isinstance(value, str) or named not in (None, value):
                    return None
                named = value
            at = _blank(text, at)
            if text[at : at + 1] != ",":
                return named
    except (ValueError, RecursionError):
        return named


def _blank(text: str, at: int) -> int:
    """The first position from `at` that is not JSON white space."""
    while text[at : at + 1] in (" ", "\t", "\n", "\r"):
        at += 1
    return at


def write_answer(text: str, out: IO[str]) -> None:
    """Print the hook's answer; observed events get none (a prompt's would reach the model)."""
    if text:
        out.write(text + "\n")
        out.flush()


def identity(started_for: bool = False) -> list[str | None]:
    """The values of `IDENTITY` in this process (`started_for`: a daemon's, with the
    `PYTHONPATH` of the client that started it)."""
    if not hasattr(os, "getuid"):
        return [None] * len(IDENTITY)
    here = os.path.dirname(os.path.abspath(__file__))
    groups = ",".join(str(g) for g in sorted({os.getgid(), *os.getgroups()}))
    mask = _umask()
    path = (
        os.environ.get(STARTED_FOR)
        if started_for and STARTED_FOR in os.environ
        else os.environ.get("PYTHONPATH")
    )
    env = [os.environ.get(k) for k in IDENTITY[6:]]
    return [os.path.normpath(sys.executable), here, str(os.getuid()), groups, oct(mask), path or None, *env]


_UMASK_LOCK = _thread.allocate_lock()  # `_thread`: `threading` costs a hook call milliseconds


def _umask() -> int:
    """This process's umask: read from /proc where it can be (Linux), else set and set back
    under a lock (another thread must not create a file in between)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def encode_fields(values: list[str | None]) -> bytes:
    return b"\0".join(b"-" if v is None else b"=" + os.fsencode(v) for v in values)


def decode_fields(header: bytes) -> list[str | None]:
    return [None if f == b"-" else os.fsdecode(f[1:]) if f[:1] == b"=" else "\0" for f in header.split(b"\0")]


def socket_path() -> str | None:
    """The daemon's socket for this process's identity, in a folder of this user's alone;
    None where there is no such folder (or no Unix sockets)."""
    if not hasattr(os, "getuid") or sys.platform == "win32":
        return None
    if any(not os.path.isabs(os.environ.get(k) or "/") for k in ("HOME", "XDG_CACHE_HOME")):
        return None  # read against the daemon's folder, not the hook's: only the hook process can
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        folder = os.path.join(runtime, "remit")
    else:
        tmp = os.environ.get("TMPDIR") or ""
        folder = os.path.join(tmp if os.path.isabs(tmp) else "/tmp", f"remit-{os.getuid()}")
    if not private_folder(folder):
        return None
    import zlib

    key = encode_fields(identity())
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
) -> tuple[tuple[str, int, str] | None, bool]:
    """The daemon's answer to one hook event as (stdout text, exit code, stderr text), or None
    when it did not take the call; and whether a daemon should be started (none listens, or
    the one that does is leaving)."""
    path = path or socket_path()
    if path is None:
        return None, False
    import _socket  # what `socket` wraps, without its `enum` and `selectors`

    policy = str(policy)
    try:
        fields = [
            *identity(),
            agent,
            policy,
            # Where the hook process would look for it: a file here, else a shipped policy's name.
            ("=" if os.path.exists(policy) else "?") + os.path.abspath(policy),
            os.path.abspath(log) if log is not None else None,
            log_durability,
            os.environ.get(PROJECT_DIR),
            str(len(raw)),
        ]
    except OSError:  # no working directory (removed under us): only the hook process can tell
        return None, False
    header = encode_fields(fields)
    try:
        conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    except OSError:
        return None, False
    try:
        conn.settimeout(TAKE_SECONDS)
        try:
            conn.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            return None, True  # nothing listens (or a socket left by a daemon that died)
        except OSError:
            return None, False
        try:
            trusted = trusted_peer(conn)
        except OSError:
            trusted = False
        if not trusted:
            return None, False  # another user's, or a sandbox's (that replaced the socket): not ours
        try:
            conn.sendall(MAGIC + len(header).to_bytes(4, "big") + header + raw)
            said = conn.recv(1)
        except OSError:
            return None, False  # not taken: the daemon drops it when it sees this connection close
        if said != b"T":
            return None, said == b"S"
        try:
            conn.sendall(b"G")
        except OSError:
            return None, False  # the daemon had dropped the call: it never got the go
        # From here the daemon decides, and this client never does: no call is decided twice.
        try:
            conn.settimeout(ANSWER_SECONDS)
            data = _read_all(conn, MAX_ANSWER)
        except OSError as exc:
            return _no_answer(agent, raw, log, f"{type(exc).__name__}: {exc}"), False
    finally:
        conn.close()
    size = int.from_bytes(data[2:6], "big")
    if len(data) < 6 or data[:1] != b"A" or len(data) < 6 + size:
        return _no_answer(agent, raw, log, "its answer was cut short"), False
    text, err = data[6 : 6 + size].decode(errors="replace"), data[6 + size :].decode(errors="replace")
    return (text, data[1], err), False


def _no_answer(agent: str, raw: bytes, log: str | Path | None, why: str) -> tuple[str, int, str]:
    """What a taken call gets without the daemon's answer: what a hook that cannot handle its
    event gives (`remit.hook.refusal`: a deny, or for an event remit only observes, no output)."""
    import io

    from .hook import refusal

    err = io.StringIO()
    why = f"the hook daemon took the call and gave no answer ({why})"
    text, code = refusal(agent, event_name(raw.decode("utf-8", errors="replace")), why, log=log, stderr=err)
    return text, code, err.getvalue()


def _read_all(conn: _socket.socket, cap: int) -> bytes:
    chunks, size = [], 0
    while chunk := conn.recv(1 << 16):
        size += len(chunk)
        if size > cap:
            return b""
        chunks.append(chunk)
    return b"".join(chunks)


def peer_of(conn: _socket.socket | socket.socket) -> tuple[int, int]:
    """The process id and user id at the other end (-1, -1 where the platform does not say)."""
    module = sys.modules[type(conn).__module__]  # `_socket` in a client, `socket` in the daemon
    option = getattr(module, "SO_PEERCRED", None)
    if option is None or not sys.platform.startswith("linux"):  # elsewhere its layout differs
        return -1, -1
    raw = conn.getsockopt(module.SOL_SOCKET, option, 12)  # struct ucred {pid_t; uid_t; gid_t}
    return int.from_bytes(raw[0:4], sys.byteorder, signed=True), int.from_bytes(raw[4:8], sys.byteorder)


SO_PEERPIDFD = 77
"""Linux 6.5+: a pidfd of the process at the other end, which names it even after its id is reused."""


def trusted_peer(conn: _socket.socket | socket.socket) -> bool:
    """True if the process at the other end of `conn` can do no more than this one: the same
    user and, on Linux, the same `process_context`. True where the platform has no peer
    credentials (there the socket folder's owner and mode are the only guard)."""
    pid, uid = peer_of(conn)
    if uid == -1:
        return True
    if uid != os.getuid() or pid <= 0:
        return False
    module = sys.modules[type(conn).__module__]
    try:
        pidfd: int | None = conn.getsockopt(module.SOL_SOCKET, SO_PEERPIDFD)
    except OSError as exc:
        if exc.errno == 3:  # ESRCH: the peer is gone, and its id may be another's now
            return False
        pidfd = None  # a kernel before 6.5
    if pidfd is None and pid == os.getpid():
        return False  # the peer may have left and its id be ours now: nothing tells them apart
    try:
        # The pidfd still names the peer, alive, before and after its /proc entries are read:
        # they are the peer's, not those of a process that took its id since.
        if pidfd is not None and _pidfd_pid(pidfd) != pid:
            return False
        same = process_context(str(pid)) == process_context("self")
        return same and (pidfd is None or _pidfd_pid(pidfd) == pid)
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _pidfd_pid(pidfd: int) -> int:
    """The process id a pidfd names, -1 once that process is gone."""
    try:
        with open(f"/proc/self/fdinfo/{pidfd}", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Pid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return -1


def start_daemon(path: str | None = None) -> None:
    """Start a daemon for this identity in the background (best effort; returns at once)."""
    path = path or socket_path()
    if path is None:
        return
    if getattr(sys, "frozen", False) or not sys.executable:
        return  # no interpreter to start remit with
    stamp = path + ".start"
    try:
        if 0 <= time.time() - os.lstat(stamp).st_mtime < START_SECONDS:
            return  # one was started a moment ago (or cannot start: see the stamp file)
    except OSError:
        pass
    import contextlib
    import subprocess

    try:  # a new file of ours: not one a link or another name in the folder points to
        with contextlib.suppress(FileNotFoundError):
            os.unlink(stamp)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        log = open(os.open(stamp, flags, 0o600), "wb")  # noqa: SIM115 - closed below, after the start
    except OSError:
        return

    env = dict(os.environ)
    env[STARTED_FOR] = given = env.get("PYTHONPATH", "")
    # The daemon runs in `/`: it must find remit where this process did. A folder on the
    # interpreter's own path (site-packages) it finds anyway, and must not put first.
    found_in = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    from_env = {os.path.abspath(p) for p in given.split(os.pathsep) if p}
    own = {os.path.abspath(p) for p in sys.path if p} - from_env
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "remit" and found_in not in own:
        env["PYTHONPATH"] = os.pathsep.join([found_in, *([given] if given else [])])
    # The stamp file gets the daemon's stderr: why it could not start, for `remit hook-daemon status`.
    # A first process (`--detach`) starts the daemon in a session of its own and exits at once:
    # waiting for it leaves no child of ours running, and the daemon, orphaned, is no one's zombie.
    with contextlib.suppress(Exception), log:
        subprocess.run(
            [sys.executable, "-c", BOOT, "--detach", path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            cwd="/",
            env=env,
            timeout=5,
            check=False,
        )


def last_start(path: str) -> str:
    """What the last daemon started for `path` wrote on its stderr (why it could not start)."""
    try:
        fd = os.open(path + ".start", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as f:
            return f.read(4000).decode(errors="replace").strip()
    except OSError:
        return ""


def running_pid(path: str | None = None) -> int | None:
    """The process id of the daemon listening on `path` (default: this identity's), None when
    none listens (-1: one listens, but it is not one of ours, or its id cannot be read)."""
    path = path or socket_path()
    if path is None:
        return None
    import _socket

    probe = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        probe.settimeout(1.0)
        probe.connect(path)  # a daemon listens (it drops a connection that sends nothing)
        pid, uid = peer_of(probe)
        if uid != -1:  # the process that listens, as the kernel says, if it is one of ours
            return pid if trusted_peer(probe) else -1
    except OSError:
        return None
    finally:
        probe.close()
    try:  # no peer credentials here: the id the daemon wrote
        fd = os.open(path + ".lock", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as f:
            text = f.read(32).decode("ascii", "replace").strip()
    except OSError:
        return -1
    return int(text) if text.isdigit() else -1


def stop_daemon(path: str | None = None, *, wait: float = ANSWER_SECONDS + 5) -> int | None:
    """Stop the daemon of `path` (default: this identity's) once it has answered the calls it
    took; its process id (-1: one listens, but its id cannot be read, so it is left), or None
    if none ran."""
    import signal

    path = path or socket_path()
    pid = running_pid(path)
    if pid is None or pid <= 0:
        return pid
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return None
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.02)
    return pid


def _alive(pid: int) -> bool:
    """True while process `pid` runs (a zombie, left where no init reaps orphans, has exited)."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rpartition(b")")[2].split()[:1] != [b"Z"]
    except OSError:
        return True


NAMESPACES = ("mnt", "net", "user", "pid", "ipc", "uts", "cgroup")
CONFINEMENT = ("NoNewPrivs:", "Seccomp", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:")
"""The lines of /proc/PID/status that say what a process of the user may not do."""


def process_context(pid: str) -> tuple[str, ...] | None:
    """What sets a process's reach apart from its user's (Linux): its namespaces, seccomp,
    no-new-privileges state, capabilities and security-module label. None where there is no
    `/proc` to tell; a context that cannot be read is equal to nothing."""
    if not os.path.isdir("/proc/self/ns"):
        return None
    base = f"/proc/{pid}"
    try:
        spaces = [os.readlink(f"{base}/ns/{n}") for n in NAMESPACES if os.path.lexists(f"/proc/self/ns/{n}")]
        with open(f"{base}/status", encoding="ascii", errors="replace") as f:
            status = [line.strip() for line in f if line.startswith(CONFINEMENT)]
    except OSError:
        return ("unreadable", os.urandom(8).hex())
    return (*spaces, *status, _label(base))


def _label(base: str) -> str:
    """The security module's label of a process (AppArmor, SELinux), "" without one."""
    try:
        with open(f"{base}/attr/current", "rb") as f:
            return f.read(4096).decode(errors="replace")
    except OSError as exc:  # no security module: the same error for every process
        return f"-{exc.errno}"
