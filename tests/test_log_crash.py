"""The log under real processes: concurrent writers, and a writer killed mid-append."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import remit
from remit.verify import verify_logs

# The directory `remit` is imported from (not resolved: it may be a link named `remit`), for the children.
IMPORT_ROOT = str(Path(remit.__file__).parent.parent)

CHILD = """
import os, sys, time
import remit

log, ids_path = sys.argv[1], sys.argv[2]
count, start_at, pad = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
POLICY = '''
name: crash-test
rules:
  - {id: reads, tools: [read_file], allow: "true"}
routes:
  - {id: fallback, ask: "true"}
'''
guard = remit.Guard.from_text(POLICY, log=log)
ids = os.open(ids_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
if os.environ.get("TEAR"):
    # A slow disk: the next append writes part of its line, then stalls until the process is killed.
    import remit.log as remit_log
    real_write = os.write
    def torn_write(fd, data):
        if fd == guard.log._fd:
            real_write(fd, bytes(data[: len(data) // 2]))
            real_write(ids, b"stalled\\n")
            time.sleep(60)
        return real_write(fd, data)
while time.time() < start_at:
    time.sleep(0.001)
i = 0
while count < 0 or i < count:
    if os.environ.get("TEAR") and i == 5:
        remit_log.os.write = torn_write
    decision = guard.check("read_file", {"path": f"/data/{os.getpid()}/{i}", "pad": "x" * pad})
    os.write(ids, (decision.id + "\\n").encode())  # only once check() has returned
    i += 1
"""


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TEAR"}
    paths = [IMPORT_ROOT, env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env.update(extra)
    return env


def spawn(
    log: Path, ids: Path, count: int, start_at: float, pad: int = 0, **env: str
) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-c", CHILD, str(log), str(ids), str(count), repr(start_at), str(pad)]
    return subprocess.Popen(args, env=child_env(**env), stderr=subprocess.PIPE)


def returned_ids(ids: Path) -> list[str]:
    """The ids a child wrote once `check()` returned (whole lines only)."""
    text = ids.read_text() if ids.exists() else ""
    return [line for line in text.split("\n")[:-1] if len(line) == 30]


def log_lines(log: Path) -> list[bytes]:
    return log.read_bytes().split(b"\n")


def decision_ids(log: Path) -> list[str]:
    """The ids of the whole decision records in the log."""
    out = []
    for line in log_lines(log):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        out.append(record["id"])
    return out


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    start_at = time.time() + 2.0  # all children import remit first, then write at once
    procs = [
        (spawn(log, tmp_path / f"ids{n}", 300, start_at, pad=n * 500), tmp_path / f"ids{n}") for n in range(4)
    ]
    for proc, _ in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    in_log = decision_ids(log)
    assert len(in_log) == len(set(in_log)) == 1200
    owners = [json.loads(line)["args"]["path"].split("/")[2] for line in log_lines(log)[:-1]]
    switches = sum(a != b for a, b in itertools.pairwise(owners))
    assert switches > 10  # the writers did run at the same time
    for _, ids in procs:
        got = returned_ids(ids)
        assert len(got) == 300 and set(got) <= set(in_log)
    result = verify_logs([log])
    assert result.ok, result.problems
    assert result.records == 1200


def kill_after(proc: subprocess.Popen[bytes], ids: Path, wait: float, marker: str | None = None) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        text = ids.read_text() if ids.exists() else ""
        if (marker in text) if marker else len(text) > 31 * 20:
            break
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        time.sleep(0.005)
    else:
        pytest.fail("the child never got going")
    time.sleep(wait)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def check_after_kill(log: Path, ids: Path, tmp_path: Path, must_tear: bool) -> None:
    """Every returned decision is whole in the log; at most the last line is torn; writers go on."""
    returned = returned_ids(ids)
    in_log = decision_ids(log)
    assert returned and set(returned) <= set(in_log)
    assert len(in_log) == len(set(in_log))
    lines = log_lines(log)
    torn = lines[-1] != b""  # the file does not end with a newline
    assert torn or not must_tear
    for line in lines[:-1]:
        json.loads(line)  # every complete line is a whole record
    result = verify_logs([log])
    expected = [(len(lines), "torn")] if torn else []
    assert [(p.line, p.kind) for p in result.problems] == expected
    # A new writer appends after the torn line, on a line of its own, chained to it.
    subprocess.run(
        [sys.executable, "-c", CHILD, str(log), str(tmp_path / "after"), "5", "0", "0"],
        env=child_env(),
        check=True,
        timeout=30,
    )
    after = returned_ids(tmp_path / "after")
    assert decision_ids(log)[-5:] == after
    result = verify_logs([log])
    assert [(p.line, p.kind) for p in result.problems] == expected
    assert result.records == len(in_log) + 5


@pytest.mark.slow
def test_writer_killed_in_a_tight_loop(tmp_path: Path) -> None:
    log, ids = tmp_path / "decisions.jsonl", tmp_path / "ids"
    proc = spawn(log, ids, -1, 0.0, pad=20_000)
    kill_after(proc, ids, wait=0.05 + (time.time_ns() % 100) / 1000)
    check_after_kill(log, ids, tmp_path, must_tear=False)


@pytest.mark.slow
def test_writer_killed_mid_line(tmp_path: Path) -> None:
    log, ids = tmp_path / "decisions.jsonl", tmp_path / "ids"
    proc = spawn(log, ids, -1, 0.0, pad=5000, TEAR="1")
    kill_after(proc, ids, wait=0.01, marker="stalled")
    check_after_kill(log, ids, tmp_path, must_tear=True)
