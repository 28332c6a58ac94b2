"""What keeps `remit hook` from hanging on a held session lock, and `remit replay` from reading
its own log back or reporting the calls of a log it cannot write."""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import remit.hook as hook
from remit.cli import main
from remit.hook import StateStore, run_hook
from remit.replay import replay
from remit.resources import resolve_policy
from tests.conftest import DATA

POLICY = DATA / "hooks" / "policy.yaml"
EVENT: dict[str, Any] = json.loads((DATA / "hooks" / "claude-code.json").read_text())
TRACES = DATA / "traces"
CODING = resolve_policy("coding-agent")


# -- the hook and a held session lock --------------------------------------------------------


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """The cache whose lock of the fixtures' session another process holds (as a stuck hook would)."""
    cache = tmp_path / "cache"
    store = StateStore(cache)
    store.dir.mkdir(parents=True)
    fd = os.open(store.path(EVENT["session_id"]).with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a lock of another open file: it conflicts within one process too
    try:
        yield cache
    finally:
        os.close(fd)


def answer_within(seconds: float, event: dict[str, Any], cache: Path, **kw: Any) -> tuple[str, int]:
    """The hook's answer, or a failure if none comes in time (the hook must never hang)."""
    answers: list[tuple[str, int]] = []
    text = json.dumps(event)
    worker = threading.Thread(
        target=lambda: answers.append(run_hook("claude-code", text, policy=POLICY, cache_dir=cache, **kw)),
        daemon=True,
    )
    worker.start()
    worker.join(seconds)
    assert answers, f"the hook gave no answer in {seconds}s"
    return answers[0]


def test_a_held_session_lock_denies_the_call_in_bounded_time(
    held: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hook, "LOCK_TIMEOUT", 0.2)
    text, code = answer_within(10, EVENT, held)  # without the bound there is no answer at all
    assert code == 0
    specific = json.loads(text)["hookSpecificOutput"]
    assert specific["permissionDecision"] == "deny"
    reason = specific["permissionDecisionReason"]
    assert "so it is blocked" in reason and "locked by another remit hook for more than 0.2s" in reason


def test_a_lock_released_in_time_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hook, "LOCK_TIMEOUT", 5.0)
    cache = tmp_path / "cache"
    store = StateStore(cache)
    store.dir.mkdir(parents=True)
    fd = os.open(store.path(EVENT["session_id"]).with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    threading.Timer(0.2, os.close, (fd,)).start()
    text, _ = answer_within(10, EVENT, cache)
    assert json.loads(text)["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert store.load(EVENT["session_id"])["calls"] == 1


def test_an_observed_event_under_a_held_lock_is_a_hook_error(
    held: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(hook, "LOCK_TIMEOUT", 0.2)
    stop = {"hook_event_name": "Stop", "session_id": EVENT["session_id"], "prompt_id": "p"}
    assert answer_within(10, stop, held, log=tmp_path / "log.jsonl") == ("", 1)  # not a block: carry on
    assert "could not record the Stop event" in capsys.readouterr().err


def test_the_transcript_is_read_before_the_session_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other hooks of the session wait for the lock: no transcript is read while it is held."""
    cache = tmp_path / "cache"
    lock = StateStore(cache).path("s").with_suffix(".lock")
    held_while_read: list[bool] = []

    def read_tail(*_: Any) -> None:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held_while_read.append(False)
        except BlockingIOError:
            held_while_read.append(True)
        finally:
            os.close(fd)

    monkeypatch.setattr(hook, "read_tail", read_tail)
    for name in ("UserPromptSubmit", "Stop"):  # no prompt id: the turn comes from the transcript
        event = {"hook_event_name": name, "session_id": "s", "transcript_path": str(tmp_path / "t.jsonl")}
        assert answer_within(10, event, cache, log=tmp_path / "log.jsonl") == ("", 0)
    assert held_while_read == [False, False]


# -- replay and its decision log ---------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def decision_log(tmp_path: Path) -> Path:
    """A decision log of replayed calls (a replay reads one back as calls)."""
    log = tmp_path / "logs" / "decisions.jsonl"
    replay(CODING, TRACES / "openai-chat.jsonl", log=log)
    assert log.stat().st_size > 0
    return log


def bounded() -> Any:
    """A progress callback that fails a replay of a few lines that goes on reading: one that
    reads its own log back would never end (it is told of every 512 lines read)."""
    told = [0]

    def progress(_done: int, _total: int) -> None:
        told[0] += 1
        assert told[0] < 100, "the replay reads its own log back"

    return progress


def test_a_log_that_is_a_trace_read_is_refused(decision_log: Path) -> None:
    before = decision_log.read_bytes()
    with pytest.raises(ValueError, match="is the trace file"):
        replay(CODING, decision_log, log=decision_log, progress=bounded())
    assert decision_log.read_bytes() == before
    linked = decision_log.parent / "alias.jsonl"
    linked.symlink_to(decision_log)
    with pytest.raises(ValueError, match="is the trace file"):
        replay(CODING, [linked], log=decision_log, progress=bounded())
    code, _, err = run("replay", "coding-agent", str(decision_log), "--log", str(decision_log))
    assert code == 2 and "is the trace file" in err
    assert decision_log.read_bytes() == before


def test_a_log_under_a_folder_read_is_refused(decision_log: Path, tmp_path: Path) -> None:
    folder = decision_log.parent
    before = decision_log.read_bytes()
    with pytest.raises(ValueError, match="under the folder of traces"):
        replay(CODING, folder, log=decision_log, progress=bounded())
    later = folder / "new" / "later.jsonl"  # not there yet, but read by the next replay of the folder
    code, _, err = run("replay", "coding-agent", str(folder), "--log", str(later))
    assert code == 2 and "under the folder of traces" in err
    assert not (folder / "new").exists() and decision_log.read_bytes() == before
    elsewhere = tmp_path / "elsewhere.jsonl"
    assert run("replay", "coding-agent", str(folder), "--log", str(elsewhere))[0] == 0
    assert elsewhere.stat().st_size > 0


def test_a_hard_link_to_the_log_in_a_folder_read_is_refused(decision_log: Path, tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    folder.mkdir()
    os.link(decision_log, folder / "linked.jsonl")
    before = decision_log.read_bytes()
    with pytest.raises(ValueError, match="is the trace file"):
        replay(CODING, folder, log=decision_log, progress=bounded())
    assert decision_log.read_bytes() == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_log_that_cannot_be_written_stops_the_replay(jobs: str) -> None:
    code, out, err = run("replay", "coding-agent", str(TRACES), "--log", "/dev/full", "--jobs", jobs)
    assert code == 1 and "calls in" not in out
    assert "cannot write the decision log `/dev/full`" in err


def test_a_log_that_cannot_be_opened_stops_the_replay(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    code, out, err = run(
        "replay", "coding-agent", str(TRACES), "--log", str(tmp_path / "a-file" / "log.jsonl")
    )
    assert code == 1 and "calls in" not in out and "Traceback" not in err
    assert "decision log" in err
