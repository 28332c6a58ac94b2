"""The decision log's durability modes (flush, fsync, interval), and what each write costs in work.

Counts, not times: a fake `os.fsync` records every sync (the descriptor's file and its size
then), so a test can say how many syncs a mode made and what each one covered.
"""

from __future__ import annotations

import datetime as dt
import errno
import faulthandler
import fcntl
import hashlib
import itertools
import json
import os
import signal
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import remit
from remit import approval as approval_module
from remit import log as log_module
from remit.cli import main
from remit.durability import Durability, Flusher
from remit.hook import run_hook
from remit.log import DecisionLog, outcome_record, read_log
from remit.verify import verify_logs

POLICY = """
name: durability-test
rules:
  - {id: no-rm, tools: [Bash], block: 'args.command.startsWith("rm")'}
routes:
  - {id: fine, allow: "true"}
"""


class Syncs:
    """A stand-in for `os.fsync` that syncs for real and notes (inode, size) of each file synced."""

    def __init__(self, fail: OSError | None = None) -> None:
        self.calls: list[tuple[int, int]] = []
        self.fail = fail
        self.real = os.fsync

    def __call__(self, fd: int) -> None:
        st = os.fstat(fd)
        self.calls.append((st.st_ino, st.st_size))
        if self.fail is not None:
            raise self.fail
        self.real(fd)

    def of(self, path: Path) -> list[int]:
        """The sizes `path` had at each of its syncs."""
        ino = path.stat().st_ino
        return [size for i, size in self.calls if i == ino]


@pytest.fixture
def syncs(monkeypatch: pytest.MonkeyPatch) -> Syncs:
    fake = Syncs()
    monkeypatch.setattr(os, "fsync", fake)
    return fake


def wait_for(condition: Any, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {seconds:g}s")
        time.sleep(0.002)


def chained(path: Path) -> list[bytes]:
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    for before, line in itertools.pairwise(lines[:-1]):
        assert json.loads(line)["prev"] == hashlib.sha256(before).hexdigest()
    return lines[:-1]


@pytest.mark.parametrize("mode", ["flush", "fsync", "interval:20ms", "interval"])
def test_every_mode_writes_every_record(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(POLICY, log=path, log_durability=mode)
    assert guard.log is not None and str(guard.log.durability) == str(Durability.parse(mode))
    ids = [guard.check("Bash", {"command": f"rm -rf /tmp/{i}" if i % 3 else "ls"}).id for i in range(40)]
    guard.record_outcome(ids[0], "executed", by="agent")
    guard.log.close()
    records = read_log(path)
    assert [r["id"] for r in records if r["kind"] == "decision"] == ids
    assert len(chained(path)) == 41
    assert verify_logs([path]).ok


def test_flush_mode_never_syncs(tmp_path: Path, syncs: Syncs) -> None:
    with DecisionLog(tmp_path / "d.jsonl") as log:
        for i in range(30):
            log.write(outcome_record(f"d{i}", "executed", ts=0.0))
    assert syncs.calls == []


def test_fsync_mode_syncs_each_record_before_write_returns(tmp_path: Path, syncs: Syncs) -> None:
    path = tmp_path / "d.jsonl"
    with DecisionLog(path, durability="fsync") as log:
        syncs.calls.clear()  # opening synced the folder that holds the new file
        sizes = []
        for i in range(25):
            log.write(outcome_record(f"d{i}", "executed", ts=0.0))
            sizes.append(path.stat().st_size)
            assert syncs.of(path) == sizes  # this record's sync happened before write returned
    assert len(syncs.calls) == 25


def test_fsync_mode_makes_a_new_file_and_its_folders_durable(tmp_path: Path, syncs: Syncs) -> None:
    path = tmp_path / "a" / "b" / "d.jsonl"
    DecisionLog(path, durability="fsync").close()
    folders = {(tmp_path / p).stat().st_ino for p in ("", "a", "a/b")}
    assert {ino for ino, _ in syncs.calls} == folders  # each new entry is synced in its folder
    syncs.calls.clear()
    DecisionLog(path, durability="fsync").close()  # nothing new: nothing to sync
    assert syncs.calls == []


def test_interval_mode_bounds_syncs_and_syncs_the_tail_on_close(tmp_path: Path, syncs: Syncs) -> None:
    path = tmp_path / "d.jsonl"
    log = DecisionLog(path, durability="interval:3600s")
    for i in range(200):
        log.write(outcome_record(f"d{i}", "executed", ts=0.0))
    assert len(syncs.of(path)) <= 1  # at most the first record's, at once; the next is an hour away
    log.close()
    sizes = syncs.of(path)
    assert len(sizes) <= 2 and sizes[-1] == path.stat().st_size  # close synced the tail


def test_interval_mode_syncs_the_tail_without_close(tmp_path: Path, syncs: Syncs) -> None:
    path = tmp_path / "d.jsonl"
    log = DecisionLog(path, durability="interval:20ms")
    started = time.monotonic()
    for i in range(300):
        log.write(outcome_record(f"d{i}", "executed", ts=0.0))
        if i % 50 == 0:
            time.sleep(0.03)
    size = path.stat().st_size
    wait_for(lambda: size in syncs.of(path), "a background sync of the last record")
    elapsed = time.monotonic() - started
    assert len(syncs.of(path)) <= 2 + elapsed / 0.020  # at most one sync per interval
    log.close()


def test_interval_sync_failure_blocks_the_next_decision_once(tmp_path: Path, syncs: Syncs) -> None:
    path = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(POLICY, log=path, log_durability="interval:10ms")
    assert guard.log is not None
    syncs.fail = OSError(errno.EIO, "Input/output error")
    first = guard.check("Bash", {"command": "ls"})
    assert first.decision is remit.Route.ALLOW
    flusher = guard.log._flusher
    assert flusher is not None
    wait_for(lambda: flusher.error is not None, "the failed background sync")
    syncs.fail = None
    failed = guard.check("Bash", {"command": "ls"})
    assert failed.decision is remit.Route.BLOCK
    assert "cannot sync the decision log" in failed.reasons[0].message
    again = guard.check("Bash", {"command": "ls"})
    assert again.decision is remit.Route.ALLOW  # reported once; the disk works again
    guard.log.close()
    assert [r["id"] for r in read_log(path)] == [first.id, again.id]  # the blocked one was not written


def test_interval_sync_failure_is_reported_by_close(tmp_path: Path, syncs: Syncs) -> None:
    log = DecisionLog(tmp_path / "d.jsonl", durability="interval:3600s")
    syncs.fail = OSError(errno.EIO, "Input/output error")
    log.write(outcome_record("d1", "executed", ts=0.0))
    with pytest.raises(remit.LogError, match=r"cannot sync the decision log .* Input/output error"):
        log.close()


def test_fsync_failure_fails_the_decision_closed(tmp_path: Path, syncs: Syncs) -> None:
    guard = remit.Guard.from_text(POLICY, log=tmp_path / "d.jsonl", log_durability="fsync")
    syncs.fail = OSError(errno.EIO, "Input/output error")
    d = guard.check("Bash", {"command": "ls"})
    assert d.decision is remit.Route.BLOCK and "not synced to disk" in d.reasons[0].message


def test_interval_mode_syncs_a_rotated_files_tail(tmp_path: Path, syncs: Syncs) -> None:
    path = tmp_path / "d.jsonl"
    log = DecisionLog(path, durability="interval:3600s")
    for i in range(10):
        log.write(outcome_record(f"d{i}", "executed", ts=0.0))
    old = tmp_path / "d.jsonl.1"
    path.rename(old)
    log.write(outcome_record("after", "executed", ts=0.0))
    assert syncs.of(old)[-1] == old.stat().st_size  # the old file's last records were synced
    log.close()
    assert [r["decision"] for r in read_log(path)] == ["after"]
    assert syncs.of(path)[-1] == path.stat().st_size


@pytest.mark.parametrize("mode", ["interval:1ms", "interval:5ms"])
def test_forked_children_in_interval_mode_keep_the_chain_and_exit(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(POLICY, log=path, log_durability=mode)
    guard.check("Bash", {"command": "ls"})  # the parent's sync thread is running

    def child() -> None:
        for i in range(30):
            guard.check("Bash", {"command": f"ls {i}"})
        assert guard.log is not None
        guard.log.close()

    _wait_for_children(tmp_path, [_fork(tmp_path, child) for _ in range(2)])
    guard.check("Bash", {"command": "ls"})
    assert guard.log is not None
    guard.log.close()
    assert len(chained(path)) == 62
    assert verify_logs([path]).ok


def test_close_as_the_sync_threads_timed_wait_ends_stops_the_thread(tmp_path: Path) -> None:
    """`close` sets `stop` and `wake` as the thread's wait for a due sync times out, and the
    wait reports the time-out (as `Event.wait` can for an event set meanwhile)."""
    fd = os.open(tmp_path / "d.jsonl", os.O_RDWR | os.O_CREAT)
    flusher = Flusher(fd, 3600.0)
    parked, woken = threading.Event(), threading.Event()

    class Wake(threading.Event):
        def set(self) -> None:
            super().set()
            if flusher.stop.is_set():
                woken.set()  # `close` has set `stop`, then `wake`

    class LateStop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            parked.set()
            super().wait()
            woken.wait()
            return False

    flusher.wake, flusher.stop = Wake(), LateStop()
    flusher.mark()
    wait_for(lambda: flusher.syncs == 1, "the first sync")
    flusher.mark()  # the next sync is due in an hour: the thread waits on `stop` until then
    assert parked.wait(30)
    closer = threading.Thread(target=flusher.close, daemon=True)
    closer.start()
    closer.join(30)
    assert not closer.is_alive(), "close waits for the sync thread forever"
    assert flusher.syncs == 2 and flusher.fd == -1  # the second record was synced
    os.close(fd)


@pytest.mark.parametrize("mode", ["flush", "fsync", "interval:5ms"])
def test_a_child_forked_while_another_thread_writes_can_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    path = tmp_path / "d.jsonl"
    log = DecisionLog(path, durability=mode)
    log.write(outcome_record("before", "executed", ts=0.0))
    parent, parked, release = os.getpid(), threading.Event(), threading.Event()
    real_append = log._append

    def append(record: dict[str, Any], body: bytes | None) -> None:
        if os.getpid() == parent:  # the parent's writer stops here, holding the log's lock
            parked.set()
            release.wait()
        real_append(record, body)

    monkeypatch.setattr(log, "_append", append)
    writer = threading.Thread(target=log.write, args=(outcome_record("parent", "executed", ts=0.0),))
    writer.start()
    assert parked.wait(30)

    def child() -> None:
        log.write(outcome_record("child", "executed", ts=0.0))
        log.close()

    pid = _fork(tmp_path, child)
    release.set()
    writer.join()
    _wait_for_children(tmp_path, [pid])
    log.close()
    assert sorted(r["decision"] for r in read_log(path)) == ["before", "child", "parent"]
    assert len(chained(path)) == 3 and verify_logs([path]).ok


def test_a_child_forked_while_another_thread_decides_can_decide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(POLICY, log=path)
    parent, parked, release = os.getpid(), threading.Event(), threading.Event()
    real_decide = guard._decide

    def decide(*args: Any) -> Any:
        if os.getpid() == parent:  # the parent's decision stops here, holding the guard's lock
            parked.set()
            release.wait()
        return real_decide(*args)

    monkeypatch.setattr(guard, "_decide", decide)
    checker = threading.Thread(target=guard.check, args=("Bash", {"command": "ls"}, {"session_id": "p"}))
    checker.start()
    assert parked.wait(30)

    def child() -> None:
        assert guard.check("Bash", {"command": "ls"}, {"session_id": "c"}).decision == "allow"
        guard.log.close()  # type: ignore[union-attr]

    pid = _fork(tmp_path, child)
    release.set()
    checker.join()
    _wait_for_children(tmp_path, [pid])
    guard.log.close()  # type: ignore[union-attr]
    assert sorted(r["session"] for r in read_log(path)) == ["c", "p"]
    assert verify_logs([path]).ok


def test_every_lock_a_decision_takes_is_new_in_a_forked_child(tmp_path: Path) -> None:
    guard = remit.Guard.from_text(POLICY, log=tmp_path / "d.jsonl")
    assert guard.log is not None
    locks = [
        (guard, "_lock"),
        (guard.sessions, "_lock"),
        (guard.log, "_lock"),
        (approval_module, "_PROMPT_LOCK"),
    ]
    for owner, name in locks:  # held by this thread at the fork: by none in the child
        getattr(owner, name).acquire()
    try:

        def child() -> None:
            held = [name for owner, name in locks if getattr(owner, name).locked()]
            assert not held, held

        pid = _fork(tmp_path, child)
    finally:
        for owner, name in locks:
            getattr(owner, name).release()
    _wait_for_children(tmp_path, [pid])
    guard.log.close()


def test_a_child_forked_while_the_sync_thread_syncs_can_write_and_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.jsonl"
    log = DecisionLog(path, durability="interval:5ms")
    parent, syncing, release = os.getpid(), threading.Event(), threading.Event()
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.getpid() == parent and not release.is_set():  # the sync thread stops here, holding its lock
            syncing.set()
            release.wait()
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    log.write(outcome_record("before", "executed", ts=0.0))
    assert syncing.wait(30)
    assert log._flusher is not None and log._flusher.lock.locked()

    def child() -> None:
        for i in range(5):
            log.write(outcome_record(f"child {i}", "executed", ts=0.0))
        log.close()

    pid = _fork(tmp_path, child)
    release.set()
    _wait_for_children(tmp_path, [pid])
    log.write(outcome_record("after", "executed", ts=0.0))
    log.close()
    assert len(chained(path)) == 7 and verify_logs([path]).ok


CHILD_DUMP_AFTER = 45
"""Seconds after which a forked child still running writes where each of its threads stands."""
CHILD_KILL_AFTER = 60
"""Seconds after which the children still running are killed and the test fails."""


def _fork(folder: Path, body: Callable[[], None]) -> int:
    """Run `body` in a forked child, which exits 0 if it returns and 1 if it raises (its
    traceback in the child's file in `folder`, see `_child_said`)."""
    with warnings.catch_warnings():  # Python 3.12+ warns about fork with threads running
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid != 0:
        return pid
    code = 1  # pragma: no cover - the rest runs in the child
    try:
        said = open(folder / f"child-{os.getpid()}.txt", "w")  # noqa: SIM115
        # A signal, not `faulthandler.dump_traceback_later`: its watchdog thread, if the parent
        # had one armed (pytest's faulthandler_timeout), is held by no thread in the child and
        # arming another would hang. The handler writes every thread's stack from the signal.
        faulthandler.register(signal.SIGALRM, file=said, all_threads=True)
        signal.alarm(CHILD_DUMP_AFTER)
        try:
            body()
            code = 0
        except BaseException:
            traceback.print_exc(file=said)
            said.flush()
    finally:
        os._exit(code)


def _wait_for_children(folder: Path, children: list[int]) -> None:
    """Wait for forked children to exit 0; kill them and fail after `CHILD_KILL_AFTER` seconds."""
    deadline = time.monotonic() + CHILD_KILL_AFTER
    for n, pid in enumerate(children):
        while (done := os.waitpid(pid, os.WNOHANG))[0] == 0:
            if time.monotonic() > deadline:
                for running in children[n:]:  # not yet waited for: their ids are still theirs
                    os.kill(running, signal.SIGKILL)
                    os.waitpid(running, 0)
                pytest.fail(f"a forked child hung{_child_said(folder, pid)}")
            time.sleep(0.005)
        assert os.waitstatus_to_exitcode(done[1]) == 0, f"a forked child failed{_child_said(folder, pid)}"


def _child_said(folder: Path, pid: int) -> str:
    """What a forked child wrote of its failure or, running too long, of its threads, if anything."""
    said = folder / f"child-{pid}.txt"
    text = said.read_text() if said.exists() else ""
    return f":\n{text}" if text.strip() else ""


def test_a_forked_child_writes_through_a_file_of_its_own(tmp_path: Path) -> None:
    # A descriptor shared with the parent would share the parent's file lock: the child would
    # append while the parent holds it. A child that reopened the file waits for the lock.
    path = tmp_path / "d.jsonl"
    log = DecisionLog(path)
    log.write(outcome_record("parent", "executed", ts=0.0))
    fcntl.flock(log._fd, fcntl.LOCK_EX)  # the parent holds the file lock through the fork

    def child() -> None:
        log_module.LOCK_TIMEOUT = 0.05
        with pytest.raises(remit.LogError, match="locked by another writer"):
            log.write(outcome_record("child", "executed", ts=0.0))

    try:
        _wait_for_children(tmp_path, [_fork(tmp_path, child)])
    finally:
        fcntl.flock(log._fd, fcntl.LOCK_UN)
    log.write(outcome_record("parent", "executed", ts=0.0))
    log.close()
    assert [r["decision"] for r in read_log(path)] == ["parent", "parent"]


def test_one_writer_never_rereads_the_tail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "d.jsonl"
    reads: list[int] = []
    real_pread = os.pread

    def pread(fd: int, n: int, offset: int) -> bytes:
        reads.append(offset)
        return real_pread(fd, n, offset)

    monkeypatch.setattr(os, "pread", pread)
    one, two = DecisionLog(path), DecisionLog(path)
    for i in range(50):
        one.write(outcome_record(f"a{i}", "executed", ts=0.0))
    assert reads == []  # it knows where the file ends and what its last line hashed to
    for i in range(10):  # two writers taking turns: each finds the other's line and chains to it
        one.write(outcome_record(f"b{i}", "executed", ts=0.0))
        two.write(outcome_record(f"c{i}", "executed", ts=0.0))
    assert reads
    one.close()
    two.close()
    assert len(chained(path)) == 70


@pytest.mark.parametrize(
    "value",
    ["", "sync", "FSYNC", "interval:", "interval:0ms", "interval:0.5ms", "interval:2h", "interval:200",
     "interval:-1s", "interval:1e3ms", "interval=200ms", None, 200],
)  # fmt: skip
def test_an_unknown_durability_is_a_clear_error(tmp_path: Path, value: Any) -> None:
    with pytest.raises(ValueError, match=r"log durability must be|sync interval must be between"):
        Durability.parse(value)
    with pytest.raises(ValueError, match=r"log durability must be|sync interval must be between"):
        remit.Guard.from_text(POLICY, log=tmp_path / "d.jsonl", log_durability=value or "")
    assert not (tmp_path / "d.jsonl").exists()


@pytest.mark.parametrize(
    ("text", "mode", "seconds", "shown"),
    [
        ("flush", "flush", 0.0, "flush"),
        (" fsync ", "fsync", 0.0, "fsync"),
        ("interval", "interval", 1.0, "interval:1s"),
        ("interval:200ms", "interval", 0.2, "interval:200ms"),
        ("interval:1.5ms", "interval", 0.0015, "interval:1.5ms"),
        ("interval:2s", "interval", 2.0, "interval:2s"),
        ("interval:3600s", "interval", 3600.0, "interval:3600s"),
    ],
)
def test_durability_parses_and_prints_back(text: str, mode: str, seconds: float, shown: str) -> None:
    d = Durability.parse(text)
    assert (d.mode, d.interval, str(d)) == (mode, pytest.approx(seconds), shown)
    assert Durability.parse(str(d)) == d


def test_a_given_log_and_a_different_durability_conflict(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "d.jsonl", durability="fsync")
    with pytest.raises(ValueError, match="is `fsync`, not `flush`"):
        remit.Guard.from_text(POLICY, log=log, log_durability="flush")
    assert remit.Guard.from_text(POLICY, log=log, log_durability="fsync").log is log
    log.close()


def test_cli_check_and_hook_take_the_durability(tmp_path: Path, syncs: Syncs) -> None:
    path = tmp_path / "d.jsonl"
    runner = CliRunner()
    args = ["check", "coding-agent", "--tool", "Read", "--args", '{"file_path": "README.md"}']
    result = runner.invoke(main, [*args, "--log", str(path), "--log-durability", "fsync"])
    assert result.exit_code in (0, 3), result.output
    assert len(read_log(path)) == 1 and syncs.of(path) == [path.stat().st_size]
    bad = runner.invoke(main, [*args, "--log", str(path), "--log-durability", "sometimes"])
    assert bad.exit_code == 2 and "log durability must be" in bad.stderr
    alone = runner.invoke(main, [*args, "--log-durability", "fsync"])
    assert alone.exit_code == 2 and "--log-durability needs --log" in alone.stderr
    event = json.dumps(
        {"hook_event_name": "PreToolUse", "tool_name": "Read", "tool_input": {"file_path": "README.md"},
         "session_id": "s1", "cwd": str(tmp_path)}
    )  # fmt: skip
    text, code = run_hook(
        "claude-code",
        event,
        policy="coding-agent",
        log=path,
        log_durability="fsync",
        cache_dir=tmp_path / "c",
    )
    assert code == 0 and len(read_log(path)) == 2 and syncs.of(path)[-1] == path.stat().st_size
    text, code = run_hook(
        "claude-code",
        event,
        policy="coding-agent",
        log=path,
        log_durability="bogus",
        cache_dir=tmp_path / "c",
    )
    assert json.loads(text)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "log durability must be" in text and len(read_log(path)) == 2


def test_replay_and_serve_take_the_durability(tmp_path: Path, syncs: Syncs) -> None:
    trace = tmp_path / "t.jsonl"
    trace.write_text(
        "".join(json.dumps({"name": "Bash", "input": {"command": f"ls {i}"}}) + "\n" for i in range(5))
    )
    path = tmp_path / "d.jsonl"
    result = CliRunner().invoke(
        main,
        ["replay", "coding-agent", str(trace), "--map", "tool=name,args=input", "--log", str(path),
         "--log-durability", "fsync", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(read_log(path)) == 5 and len(syncs.of(path)) == 5
    pytest.importorskip("starlette")
    from remit.serve import create_app

    with pytest.raises(ValueError, match="log durability must be"):
        create_app("coding-agent", log=tmp_path / "s.jsonl", log_durability="weekly")
    app = create_app("coding-agent", log=tmp_path / "s.jsonl", log_durability="interval:50ms")
    assert str(app.state.guard.log.durability) == "interval:50ms"
    app.state.guard.log.close()


def _iso_by_datetime(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@given(st.floats(min_value=-2e9, max_value=2e10, allow_nan=False) | st.integers(0, 2**33))
def test_iso_matches_datetime_on_any_time(ts: float) -> None:
    assert log_module.iso(ts) == _iso_by_datetime(ts)


@pytest.mark.parametrize("ts", [0.0, -0.5, 1.9999995, 1.0000005, 1764350000.9999996, -1e-7, 1e9 + 0.5e-6])
def test_iso_rounds_microseconds_as_datetime_does(ts: float) -> None:
    assert log_module.iso(ts) == _iso_by_datetime(ts)


def _json_line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str).encode()


@pytest.mark.parametrize(
    "args",
    [
        {"command": "git status 2>&1 | tail -5", "note": "naïve café ☕ \u2028 \x1b \x7f"},
        {"n": 0, "x": -0.0, "f": 1.5e300, "big": 2**63 - 1, "neg": -(2**63), "l": [1, 2.5, None, True]},
        {"path": 'C:\\temp\\"quoted"', "empty": {}, "nested": {"a": [{"b": []}]}},
    ],
)
def test_the_fast_encoding_lays_out_lines_as_the_json_module(args: dict[str, Any]) -> None:
    record = {"v": 1, "kind": "decision", "args": args, "latency_us": 80.1, "prev": "0" * 64}
    assert log_module._encode(record) == _json_line(record)


@pytest.mark.parametrize(
    "args",
    [{"huge": 2**64}, {1: "int key", "s": "x"}, {"lone": "\ud800 surrogate"}, {"path": Path("/etc/x")}],
)
def test_what_the_fast_encoder_refuses_is_written_by_the_json_module(tmp_path: Path, args: Any) -> None:
    path = tmp_path / "d.jsonl"
    record = {"v": 1, "kind": "outcome", "args": args}
    with DecisionLog(path) as log:
        log.write(record)
    (line,) = chained(path)
    assert line == log_module._dumps_json({**record, "prev": log_module.GENESIS}).encode()
    assert log_module._dumps(json.loads(line)).encode() == line  # `remit log verify` lays it out alike


def test_a_failed_reopen_after_rotation_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(POLICY, log=path)
    guard.check("Bash", {"command": "ls"})
    path.rename(tmp_path / "d.jsonl.1")
    real_open = log_module._open_append
    failures = iter([OSError(errno.ENOSPC, "No space left on device")])

    def flaky(p: Path) -> tuple[int, bool, list[Path]]:
        for exc in failures:
            raise exc
        return real_open(p)

    monkeypatch.setattr(log_module, "_open_append", flaky)
    failed = guard.check("Bash", {"command": "ls"})
    assert failed.decision is remit.Route.BLOCK and "No space left" in failed.reasons[0].message
    later = guard.check("Bash", {"command": "ls"})
    assert later.decision is remit.Route.ALLOW  # the log is not dead after one failure
    assert [r["id"] for r in read_log(path)] == [later.id]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_pipe_is_no_log(tmp_path: Path) -> None:
    """A FIFO named as the log would take each record and keep none: it is refused, and the
    hook that was given it blocks the call."""
    fifo = tmp_path / "log"
    os.mkfifo(fifo)
    with pytest.raises(remit.LogError, match="a pipe or socket keeps no record"):
        DecisionLog(fifo)
    policy = tmp_path / "p.yaml"
    policy.write_text(POLICY)
    event = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}}
    text, _ = run_hook("claude-code", json.dumps(event), policy=policy, log=fifo, cache_dir=tmp_path / "c")
    assert json.loads(text)["hookSpecificOutput"]["permissionDecision"] == "deny"
