"""The hook daemon: `remit hook --daemon` answers, logs and keeps state as a hook process does."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import remit.hook as hook
from remit import hookd, hookd_server
from remit.cli import main as cli
from remit.hook import StateStore, run_hook
from remit.install import hook_command
from remit.launch import hook_args
from tests.conftest import POLICIES

from .test_hook import (
    AGENT_KINDS,
    ANSWERS,
    CASES,
    HOOKS,
    KINDS,
    POLICY,
    base_event,
    case_stdin,
    event_of,
    expected,
    hook_answer,
    shape,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the hook daemon listens on a Unix socket")

VOLATILE = {"id", "ts", "prev", "latency_us", "latency_ms", "turn"}
"""Fields of a log record that differ between any two runs (ids, times, the chain; a turn
without a prompt id is named by its start time), and an outcome's `decision` (an id)."""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private socket folder (short: a socket's address is at most 103 bytes) and cache for
    the test; a daemon a failing test leaves behind idles out soon. Returns the cache."""
    run = Path(tempfile.mkdtemp(prefix="rh", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    monkeypatch.setenv("REMIT_HOOKD_IDLE", "30")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("REMIT_POLICY_CACHE", raising=False)
    yield tmp_path / "cache" / "remit"
    shutil.rmtree(run, ignore_errors=True)


class Running:
    """A daemon answering in a thread of the test's process."""

    def __init__(self, **options: Any) -> None:
        path = hookd.socket_path()
        assert path is not None
        self.daemon = hookd_server.Daemon(path, **options)
        self.code: int | None = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while hookd.running_pid(path) is None:
            assert time.monotonic() < deadline, "the daemon did not start"
            time.sleep(0.01)

    def _serve(self) -> None:
        self.code = self.daemon.serve()

    def stop(self) -> None:
        self.daemon.stop()
        self.thread.join(10)


@pytest.fixture
def daemon(env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    """A running daemon; a client that answers a call itself fails the test."""

    def in_process(*args: Any, **kw: Any) -> Any:
        pytest.fail("the client answered in-process: the daemon did not answer")

    monkeypatch.setattr(hook, "answer", in_process)
    monkeypatch.setattr(hookd, "start_daemon", lambda path=None: pytest.fail("started a daemon"))
    running = Running()
    yield running
    running.stop()


def via_daemon(agent: str, stdin: bytes, policy: str | Path = POLICY, **kw: Any) -> tuple[str, int, str]:
    return hook_answer(agent, stdin, policy, daemon=True, **kw)


def client_process(code: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """`code` run by a new interpreter with this environment (the daemon's identity: the same
    `PYTHONPATH` among the rest), the event on its stdin."""
    argv = [sys.executable, "-c", code]
    return subprocess.run(
        argv, input=stdin, capture_output=True, text=True, env=dict(os.environ), check=False
    )


def in_process(
    agent: str, stdin: bytes, cache: Path, policy: str | Path = POLICY, **kw: Any
) -> tuple[str, int]:
    text, code = run_hook(agent, stdin.decode(), policy=policy, cache_dir=cache, **kw)
    return (text + "\n" if text else ""), code


def test_every_hook_case_gets_the_same_answer(daemon: Running, tmp_path: Path) -> None:
    """cases.yaml in order through the daemon and in-process: the same stdout and exit code
    (the session's state goes the same way in both)."""
    for case in CASES:
        agent, policy, stdin = (
            case.get("agent", "claude-code"),
            HOOKS / case.get("policy", "policy.yaml"),
            case_stdin(case),
        )
        text, code, err = via_daemon(agent, stdin, policy)
        assert (text, code) == in_process(agent, stdin, tmp_path / "own", policy), case["name"]
        assert err == ""


def test_every_event_gets_the_same_answer_to_bad_input(daemon: Running, tmp_path: Path) -> None:
    """Each event, well-formed and malformed, with and without a log: the same stdout, exit
    code and stderr through the daemon and in-process, each of the shape its event takes."""
    for name in ANSWERS:
        for logged in (False, True):
            for agent, kind in AGENT_KINDS:
                stdin = KINDS[kind](event_of(agent, name))
                log = {"log": tmp_path / "daemon.jsonl"} if logged else {}
                text, code, err = via_daemon(agent, stdin, **log)
                own = {"log": tmp_path / "own.jsonl"} if logged else {}
                said = io.StringIO()
                here = in_process(agent, stdin, tmp_path / "own", stderr=said, **own)
                what = (name, agent, kind, logged)
                assert (text, code, err) == (*here, said.getvalue()), what
                assert shape(agent, name, text, code, err) == expected(agent, name, kind, logged), what


def records(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        volatile = VOLATILE | ({"decision"} if record.get("kind") == "outcome" else set())
        out.append({k: v for k, v in record.items() if k not in volatile})
    return out


def test_log_and_session_state_are_the_same(daemon: Running, env: Path, tmp_path: Path) -> None:
    """A turn with a log: its decisions, outcomes and events, through the daemon and in-process."""
    base = base_event("claude-code")
    events = [
        {**base, "hook_event_name": "UserPromptSubmit", "prompt": "tidy up"},
        {**base, "tool_input": {"command": "ls"}},
        {**base, "hook_event_name": "PostToolUse", "tool_input": {"command": "ls"}, "tool_response": {}},
        {**base, "tool_input": {"command": "git push origin main"}},
        {**base, "tool_name": "Read", "tool_input": {"file_path": "/repo/id.pem"}},
        {**base, "tool_name": "WebFetch", "tool_input": {"url": "https://x.test"}},
        {**base, "hook_event_name": "Stop", "stop_hook_active": False},
    ]
    ours, theirs = tmp_path / "daemon.jsonl", tmp_path / "process.jsonl"
    for event in events:
        stdin = json.dumps(event).encode()
        text, code, _ = via_daemon("claude-code", stdin, log=ours)
        assert (text, code) == in_process("claude-code", stdin, tmp_path / "own", log=theirs)
    assert records(ours) == records(theirs)
    assert len(records(ours)) >= len(events)
    assert StateStore(env).load("abc123")["counts"] == StateStore(tmp_path / "own").load("abc123")["counts"]


@pytest.fixture
def process_daemon(env: Path) -> Iterator[str]:
    """A daemon in a process of its own, as `start_daemon` starts it (working directory `/`)."""
    path = hookd.socket_path()
    assert path is not None
    hookd.start_daemon(path)
    deadline = time.monotonic() + 60
    while hookd.running_pid(path) is None:
        assert time.monotonic() < deadline, f"no daemon started: {hookd.last_start(path)}"
        time.sleep(0.05)
    yield path
    hookd.stop_daemon(path)


@pytest.mark.slow
def test_relative_paths_and_shipped_policies_resolve_where_the_client_runs(
    process_daemon: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hook, "answer", lambda *a, **kw: pytest.fail("answered in-process"))
    stdin = json.dumps(base_event("claude-code")).encode()
    work = tmp_path / "work"
    work.mkdir()
    (work / "policy.yaml").write_text(POLICY.read_text())
    monkeypatch.chdir(work)  # the daemon runs in `/`: `policy.yaml` and `log.jsonl` are the client's
    relative = via_daemon("claude-code", stdin, "policy.yaml", log="log.jsonl")
    assert relative[:2] == in_process(
        "claude-code", stdin, tmp_path / "own", POLICY, log=tmp_path / "own.jsonl"
    )
    assert records(work / "log.jsonl") == records(tmp_path / "own.jsonl")
    shipped = via_daemon("claude-code", stdin, "coding-agent")
    assert shipped[:2] == in_process("claude-code", stdin, tmp_path / "own", "coding-agent")
    assert "policy coding-agent" in shipped[0]
    missing = via_daemon("claude-code", stdin, "no/such/policy.yaml")[0]
    assert "the policy `no/such/policy.yaml` cannot be loaded" in missing
    # A policy that is not where the hook runs is not looked for where the daemon runs (`/`).
    planted = Path(tempfile.mkdtemp(prefix="rh", dir="/tmp"))
    try:
        (planted / "p.yaml").write_text("name: planted\nroutes:\n  - {id: all, allow: 'true'}\n")
        elsewhere = str(planted / "p.yaml").lstrip("/")
        assert "cannot be loaded" in via_daemon("claude-code", stdin, elsewhere)[0]
    finally:
        shutil.rmtree(planted)


def test_an_edited_policy_applies_at_the_next_call(daemon: Running, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("name: p\nroutes:\n  - {id: rest, allow: 'true'}\n")
    stdin = json.dumps(base_event("claude-code")).encode()
    for _ in range(4):  # past the calls after which a kept policy generates its tool's code
        assert '"allow"' in via_daemon("claude-code", stdin, policy)[0]
    policy.write_text("name: p\nrules:\n  - {id: no, tools: [Bash], block: 'true'}\n")
    assert '"deny"' in via_daemon("claude-code", stdin, policy)[0]
    policy.write_text("name: p\nrules:\n  - {id: no, tools: [Bash], block: 'args.('}\n")
    assert "cannot be loaded" in via_daemon("claude-code", stdin, policy)[0]


def test_a_log_that_cannot_be_opened_denies_as_in_process(daemon: Running, tmp_path: Path) -> None:
    stdin = json.dumps(base_event("claude-code")).encode()
    text, code, _ = via_daemon("claude-code", stdin, log=tmp_path)  # a folder
    assert (text, code) == in_process("claude-code", stdin, tmp_path / "own", log=tmp_path)
    assert json.loads(text)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_an_observed_event_that_cannot_be_logged_says_so_on_stderr(daemon: Running, tmp_path: Path) -> None:
    stdin = json.dumps({**base_event("claude-code"), "hook_event_name": "Stop"}).encode()
    text, code, err = via_daemon("claude-code", stdin, log=tmp_path)  # a folder
    assert (text, code) == ("", 1)
    assert "remit could not record the Stop event" in err


def test_parallel_calls_lose_no_count(daemon: Running, env: Path) -> None:
    stdin = json.dumps(
        {**base_event("claude-code"), "tool_name": "Grep", "tool_input": {"pattern": "x"}}
    ).encode()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: via_daemon("claude-code", stdin)[0], range(8)))
    assert all(json.loads(a)["hookSpecificOutput"]["permissionDecision"] == "allow" for a in answers)
    assert StateStore(env).load("abc123")["counts"] == {"Grep": 8}


def test_oversized_input_is_denied_without_the_daemon(
    daemon: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hook, "answer", lambda *a, **kw: ("denied here", 0))  # the in-process path
    text, code, _ = via_daemon("claude-code", b" " * (hookd.MAX_INPUT_BYTES + 1))
    assert (text, code) == ("denied here\n", 0)


# -- when no daemon answers ---------------------------------------------------------------


def test_without_a_daemon_the_client_answers_and_starts_one(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str | None] = []
    monkeypatch.setattr(hookd, "start_daemon", lambda path=None: started.append(path))
    stdin = json.dumps(base_event("claude-code")).encode()
    text, code, _ = via_daemon("claude-code", stdin)
    assert (text, code) == in_process("claude-code", stdin, env.parent / "own")
    assert started == [None]


def test_a_stale_daemon_leaves_and_the_client_answers(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """remit's code changes under a daemon: it takes no more calls and exits, and the policy
    cache keeps the key of the code that runs (an old daemon must not store its compile under
    the new code's key)."""
    from remit import cache

    monkeypatch.setattr(hookd_server, "CODE_CHECK_SECONDS", 0.01)
    monkeypatch.setattr(cache, "_FINGERPRINT", None)
    running = Running()  # the key of its policy cache: this code's
    key = cache.code_fingerprint()
    started: list[str | None] = []
    monkeypatch.setattr(hookd, "start_daemon", lambda path=None: started.append(path))
    monkeypatch.setattr(cache, "compute_fingerprint", lambda *libraries: "new code")  # an upgrade
    running.thread.join(10)
    assert running.code == 0 and running.daemon.stale and not running.thread.is_alive()
    stdin = json.dumps(base_event("claude-code")).encode()
    text, _, _ = via_daemon("claude-code", stdin)
    assert json.loads(text)["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert started == [None]  # a fresh daemon, with the new code
    assert cache.code_fingerprint() == key


def test_a_reply_cut_short_is_a_deny(env: Path) -> None:
    """A listener that takes the call and sends a truncated answer: the call is denied."""
    import socket

    path = hookd.socket_path()
    assert path is not None
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(1 << 16)
            conn.sendall(b"T")
            conn.recv(1)
            conn.sendall(b"A\x00\x00\x00\x00")  # five bytes: no length, no text

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        stdin = json.dumps(base_event("claude-code")).encode()
        answer, start = hookd.ask_daemon("claude-code", stdin, POLICY)
    finally:
        thread.join(10)
        server.close()
    assert answer is not None and not start
    assert json.loads(answer[0])["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_files_linked_into_the_folder_are_never_written(env: Path, tmp_path: Path) -> None:
    """A link named like the daemon's lock or start file (something that can write the folder
    could plant one) is neither truncated nor written through."""
    path = hookd.socket_path()
    assert path is not None
    precious = tmp_path / "precious"
    precious.write_text("keep me")
    os.symlink(precious, path + ".lock")
    assert hookd_server.Daemon(path).serve() == 1
    os.unlink(path + ".lock")
    os.link(precious, path + ".lock")  # a hard link: the same file under another name
    assert hookd_server.Daemon(path).serve() == 1
    os.unlink(path + ".lock")
    os.symlink(precious, path + ".start")
    os.utime(path + ".start", (0, 0), follow_symlinks=False)  # not a start of a moment ago
    hookd.start_daemon(path)  # replaces the link by a file of its own
    try:
        deadline = time.monotonic() + 60
        while hookd.running_pid(path) is None:
            assert time.monotonic() < deadline, hookd.last_start(path)
            time.sleep(0.05)
        assert not os.path.islink(path + ".start")
    finally:
        hookd.stop_daemon(path)
    assert precious.read_text() == "keep me"


def test_stop_signals_the_process_that_listens_not_the_one_the_lock_file_names(
    process_daemon: str,
) -> None:
    listening = hookd.running_pid(process_daemon)
    assert listening is not None and listening > 0
    Path(process_daemon + ".lock").write_text("1")  # what anything that can write the folder could do
    assert hookd.running_pid(process_daemon) == listening
    assert hookd.stop_daemon(process_daemon) == listening


def test_a_leaving_daemon_says_so(daemon: Running) -> None:
    daemon.daemon.stale = True
    stdin = json.dumps(base_event("claude-code")).encode()
    assert hookd.ask_daemon("claude-code", stdin, POLICY) == (None, True)


def test_a_daemon_refuses_a_client_of_another_environment(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    running = Running()
    try:
        path = running.daemon.path
        monkeypatch.setenv("HOME", "/somewhere/else")
        stdin = json.dumps(base_event("claude-code")).encode()
        assert hookd.ask_daemon("claude-code", stdin, POLICY, path=path) == (None, False)
        assert hookd.socket_path() != path  # such a client has a daemon of its own
    finally:
        running.stop()


def test_a_stopped_daemon_answers_the_calls_it_took(daemon: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    taken, answered = threading.Event(), threading.Event()

    def slow(*args: Any, **kw: Any) -> tuple[str, int]:
        taken.set()
        time.sleep(0.5)
        answered.set()
        return "answered", 0

    monkeypatch.setattr(hook, "run_hook", slow)
    with ThreadPoolExecutor(max_workers=1) as pool:
        call = pool.submit(via_daemon, "claude-code", b"{}")
        assert taken.wait(10)
        daemon.stop()
        daemon.thread.join(10)  # `serve` returns (and the process may exit) only once it answered
        assert daemon.code == 0 and answered.is_set()
        assert call.result(timeout=10)[:2] == ("answered\n", 0)


def test_a_call_not_taken_in_time_is_decided_once_by_the_client(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A daemon slow to take a call: the client answers it, and the daemon, which gets to the
    call only once the client has answered, finds it gone and decides nothing (one record)."""
    monkeypatch.setattr(hookd, "TAKE_SECONDS", 0.2)
    running = Running()
    answered = threading.Event()
    trusted = running.daemon._trusted
    monkeypatch.setattr(running.daemon, "_trusted", lambda conn: answered.wait(10) and trusted(conn))
    calls: list[int] = []
    answer = hook.answer
    monkeypatch.setattr(hook, "answer", lambda *a, **kw: calls.append(1) or answer(*a, **kw))
    log = tmp_path / "log.jsonl"
    stdin = json.dumps(base_event("claude-code")).encode()
    try:
        text, code, _ = via_daemon("claude-code", stdin, log=log)
        answered.set()
        assert (text, code) == in_process("claude-code", stdin, tmp_path / "own", log=tmp_path / "own.jsonl")
    finally:
        running.stop()  # returns once the daemon has been through the call
    assert calls == [1]
    assert len(records(log)) == 1
    assert StateStore(env).load("abc123")["calls"] == 1


def _stuck_daemon(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """A daemon that takes calls and answers none before the client gives up (until the event
    returned is set); the client must not decide the call itself."""
    monkeypatch.setattr(hookd, "ANSWER_SECONDS", 0.2)
    release = threading.Event()

    def stuck(*args: Any, **kw: Any) -> tuple[str, int]:
        release.wait(10)
        return "late", 0

    monkeypatch.setattr(hook, "run_hook", stuck)
    monkeypatch.setattr(hook, "answer", lambda *a, **kw: pytest.fail("decided twice"))
    return release


def test_a_taken_call_without_an_answer_is_denied(daemon: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once it said go, the client never decides the call itself: no answer in time is a deny."""
    release = _stuck_daemon(monkeypatch)
    try:
        text, code, _ = via_daemon("claude-code", json.dumps(base_event("claude-code")).encode())
    finally:
        release.set()
    specific = json.loads(text)["hookSpecificOutput"]
    assert code == 0 and specific["permissionDecision"] == "deny"
    assert "the hook daemon took the call and gave no answer" in specific["permissionDecisionReason"]


def test_a_taken_stop_without_an_answer_is_no_block(daemon: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stop or a prompt the daemon took and did not answer: no output (a block would keep
    the agent going or stop the prompt), a hook error when it should have been recorded."""
    release = _stuck_daemon(monkeypatch)
    try:
        for name in ("Stop", "UserPromptSubmit"):
            stdin = json.dumps({**base_event("claude-code"), "hook_event_name": name}).encode()
            text, code, err = via_daemon("claude-code", stdin, log="/nonexistent/remit-tests/log.jsonl")
            assert (text, code) == ("", 1)
            assert err.startswith(f"remit could not record the {name} event: the hook daemon took the call")
            assert via_daemon("claude-code", stdin) == ("", 0, "")  # no log: nothing to record
    finally:
        release.set()


def _no_new_privs() -> bool:
    try:
        return "NoNewPrivs:\t1" in Path("/proc/self/status").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self/ns"), reason="Linux: namespaces and seccomp in /proc")
@pytest.mark.skipif(_no_new_privs(), reason="this runner has no-new-privileges set already")
def test_a_caller_with_fewer_privileges_is_answered_by_itself(daemon: Running, tmp_path: Path) -> None:
    """A command in an agent's sandbox (here: no-new-privileges, as seccomp sandboxes set) gets
    no answer from the daemon, which runs outside it: it answers in-process, as without one."""
    code = (
        "import ctypes, io, sys\n"
        "assert ctypes.CDLL(None, use_errno=True).prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS\n"
        "from remit import hookd\n"
        f"print(hookd.ask_daemon('claude-code', sys.stdin.buffer.read(), {str(POLICY)!r}))\n"
    )
    stdin = json.dumps(base_event("claude-code"))
    done = client_process(code, stdin)
    assert done.stdout.strip() == "(None, False)", done.stderr
    assert hookd.ask_daemon("claude-code", stdin.encode(), POLICY)[0] is not None  # this process is served


@pytest.mark.skipif(not os.path.isdir("/proc/self/ns"), reason="Linux: namespaces and seccomp in /proc")
@pytest.mark.skipif(_no_new_privs(), reason="this runner has no-new-privileges set already")
def test_a_daemon_in_a_sandbox_is_not_trusted_by_the_hooks_outside(env: Path) -> None:
    """A process in an agent's sandbox that replaced the socket with its own cannot answer
    the hooks outside it: they answer in-process."""
    path = hookd.socket_path()
    assert path is not None
    code = (
        "import ctypes, sys\n"
        "assert ctypes.CDLL(None, use_errno=True).prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS\n"
        "from remit import hookd, hookd_server\n"
        "hookd_server.Daemon._trusted = lambda self, conn: True  # it would answer anyone\n"
        f"sys.exit(hookd_server.main([{path!r}]))\n"
    )
    sandboxed = subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ))
    try:
        deadline = time.monotonic() + 60
        while hookd.running_pid(path) is None:
            assert time.monotonic() < deadline and sandboxed.poll() is None, "the daemon did not start"
            time.sleep(0.05)
        stdin = json.dumps(base_event("claude-code")).encode()
        assert hookd.ask_daemon("claude-code", stdin, POLICY) == (None, False)
    finally:
        sandboxed.terminate()
        sandboxed.wait(30)


def test_a_second_daemon_exits_at_once(daemon: Running) -> None:
    assert hookd_server.Daemon(daemon.daemon.path).serve() == 1
    assert hookd.running_pid() is not None  # the first one still answers


def test_an_idle_daemon_exits_and_removes_its_socket(env: Path) -> None:
    running = Running(idle=1.0)
    running.thread.join(10)
    assert running.code == 0
    assert not os.path.exists(running.daemon.path)


def test_a_folder_others_can_enter_means_no_daemon(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "remit"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    assert hookd.socket_path() is None
    monkeypatch.setattr(hookd, "start_daemon", lambda path=None: pytest.fail("started a daemon"))
    stdin = json.dumps(base_event("claude-code")).encode()
    text, code, _ = via_daemon("claude-code", stdin)
    assert (text, code) == in_process("claude-code", stdin, env.parent / "own")


def test_a_linked_folder_means_no_daemon(env: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (Path(os.environ["XDG_RUNTIME_DIR"]) / "remit").symlink_to(elsewhere)
    assert hookd.socket_path() is None


def test_a_socket_left_by_a_dead_daemon_is_replaced(env: Path) -> None:
    path = hookd.socket_path()
    assert path is not None
    Path(path).write_text("left over")
    stdin = json.dumps(base_event("claude-code")).encode()
    assert hookd.ask_daemon("claude-code", stdin, POLICY) == (None, True)
    running = Running()
    try:
        answer, start = hookd.ask_daemon("claude-code", stdin, POLICY)
        assert answer is not None and not start
    finally:
        running.stop()


# -- as the agents run it -------------------------------------------------------------------


@pytest.mark.slow
def test_the_started_daemon_answers_the_next_call_and_stops(env: Path, tmp_path: Path) -> None:
    """Processes, as Claude Code runs them: the first call starts a daemon, the second is its."""
    environ = dict(os.environ)  # finds remit as this process did
    hook_argv = ["hook", "claude-code", "--policy", str(POLICY), "--daemon"]
    argv = [sys.executable, "-c", "from remit.launch import main; main()", *hook_argv]
    # The second call cannot answer itself: only the daemon can answer it.
    served = [sys.executable, "-c", "import remit.hook; remit.hook.answer = None\n" + argv[2], *hook_argv]
    stdin = json.dumps(base_event("claude-code")).encode()
    expected = in_process("claude-code", stdin, tmp_path / "own")[0].encode()
    try:
        first = subprocess.run(argv, input=stdin, capture_output=True, env=environ, timeout=120, check=False)
        assert (first.stdout, first.returncode) == (expected, 0)
        deadline = time.monotonic() + 30
        while hookd.running_pid() is None:
            assert time.monotonic() < deadline, "no daemon started"
            time.sleep(0.05)
        second = subprocess.run(
            served, input=stdin, capture_output=True, env=environ, timeout=120, check=False
        )
        assert (second.stdout, second.returncode) == (expected, 0)
        status = CliRunner().invoke(cli, ["hook-daemon", "status"])
        assert "hook daemon running (process" in status.output
    finally:
        stopped = CliRunner().invoke(cli, ["hook-daemon", "stop"])
    assert "stopped the hook daemon" in stopped.output
    assert hookd.running_pid() is None
    assert "no hook daemon running" in CliRunner().invoke(cli, ["hook-daemon", "status"]).output


def test_the_command_line_takes_the_flag() -> None:
    base = ["hook", "claude-code", "--policy", "p.yaml"]
    assert hook_args([*base, "--daemon"]) == {"agent": "claude-code", "daemon": "", "policy": "p.yaml"}
    assert hook_args(["hook", "claude-code", "--daemon", "--policy", "p.yaml", "--log", "l"]) == {
        "agent": "claude-code",
        "daemon": "",
        "policy": "p.yaml",
        "log": "l",
    }
    assert "daemon" not in (hook_args(base) or {})
    assert hook_args([*base, "--daemon", "--daemon"]) is None  # the CLI's to refuse
    assert hook_args(["hook", "--daemon", "claude-code", "--policy", "p.yaml"]) is None
    assert hook_args(["hook", "claude-code", "--policy", "--daemon", "p.yaml"]) is None  # click refuses it


def test_the_cli_hook_takes_the_flag(daemon: Running) -> None:
    stdin = json.dumps(base_event("claude-code")).encode()
    result = CliRunner().invoke(
        cli, ["hook", "claude-code", "--policy", str(POLICY), "--daemon"], input=stdin
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["hookSpecificOutput"]["permissionDecision"] == "allow"


def test_install_writes_the_flag() -> None:
    command = hook_command("claude-code", "/p.yaml", daemon=True)
    assert command == "remit hook claude-code --policy /p.yaml --daemon || exit 2"
    assert hook_args(command.split(" || ")[0].split()[1:]) is not None


CLIENT_LEAVES_OUT = ("typing", "json", "socket", "re", "enum", "dataclasses", "remit.hook", "remit.guard")
"""What a `--daemon` call answered by the daemon does without: the client only forwards."""


def test_a_client_answered_by_the_daemon_imports_next_to_nothing(daemon: Running) -> None:
    code = (
        "import io, sys\n"
        "from remit.hookd import main_hook\n"
        "out = io.StringIO()\n"
        f"code = main_hook('claude-code', policy={str(POLICY)!r}, stdout=out, daemon=True)\n"
        "print(code, out.getvalue().strip())\n"
        f"print(*[m for m in {CLIENT_LEAVES_OUT!r} if m in sys.modules])\n"
    )
    done = client_process(code, json.dumps(base_event("claude-code")))
    answer, loaded = done.stdout.splitlines()
    assert answer.startswith('0 {"hookSpecificOutput"'), done.stderr
    assert loaded == ""


def test_the_daemon_takes_the_clients_project_dir(
    daemon: Running, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The agent gives its hook `CLAUDE_PROJECT_DIR`; the daemon, started elsewhere, gets it
    from the client: an edit of the project outside the folder the agent `cd`-ed to is inside
    the workspace both ways."""
    from .test_workspace import ROOT, SIBLING, _event, _permission

    policy = POLICIES / "coding-agent.yaml"
    stdin = _event(SIBLING).encode()
    answers = {}
    for name, value in (("set", ROOT), ("unset", None)):
        if value is None:
            monkeypatch.delenv("CLAUDE_PROJECT_DIR", raising=False)
        else:
            monkeypatch.setenv("CLAUDE_PROJECT_DIR", value)
        text, code, _ = via_daemon("claude-code", stdin, policy)
        assert (text, code) == in_process("claude-code", stdin, tmp_path / name, policy, project_dir=value)
        answers[name] = _permission(text)
    assert answers == {"set": "allow", "unset": "ask"}
