"""`python -m benchmarks.hook_startup`: wall time of one `remit hook` call, from process start.

Claude Code and Codex start a new `remit hook` process for every tool call, so what the
agent waits for is the interpreter's start, remit's imports, the policy's load and one
decision. Each row runs a fresh process on the same PreToolUse event (a `git status` with a
transcript and a session) and waits for its answer; rows are interleaved run by run so that
a drift of the machine touches them all alike, and each row reports the median and p90 of
its runs and its median above the bare interpreter's (`python -c pass`) measured in the
same run. Every hook run must answer `allow`: a run that denies did different work, and the
benchmark stops. Each row also reports the median CPU time of its processes (user + system):
on a machine busy with other work, wall time waits for the CPU and CPU time does not.

    python -m benchmarks.hook_startup                  # 20 runs per row, the shipped coding-agent
    python -m benchmarks.hook_startup --runs 50 --policy path/to/policy.yaml
    python -m benchmarks.hook_startup --quick          # 2 runs per row: does it run?
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .timing import percentile

CLI = "import sys; from remit.launch import main; sys.exit(main())"
"""What the `remit` console script runs."""


@dataclass(frozen=True)
class Row:
    """One kind of process to time."""

    name: str
    argv: list[str]
    env: dict[str, str]
    hook: bool
    """True if the process is a hook call whose answer is checked."""


def event(folder: Path) -> str:
    """A PreToolUse event for `git status`, with a short transcript ending in a human message."""
    transcript = folder / "transcript.jsonl"
    lines = [
        {"type": "user", "uuid": "u1", "timestamp": "2026-01-05T10:00:00Z",
         "message": {"role": "user", "content": "what changed in the repo?"}},
        {"type": "assistant", "uuid": "a1", "timestamp": "2026-01-05T10:00:02Z",
         "message": {"role": "assistant", "content": [
             {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "git status"}}]}},
    ]  # fmt: skip
    transcript.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return json.dumps(
        {
            "session_id": "bench-session",
            "transcript_path": str(transcript),
            "cwd": str(folder),
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": "git status"},
            "tool_use_id": "toolu_1",
        }
    )


def rows(policy: str, folder: Path) -> list[Row]:
    """The processes timed: the bare interpreter, `import remit`, the hook without and with
    cache, and the hook answered by its daemon (started by the untimed first run)."""
    # an installed remit has its bytecode (pip compiles it): the untimed first run writes it here
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    run = folder / "run"  # the daemon's socket folder: this run's own
    run.mkdir(mode=0o700, exist_ok=True)
    env = {**inherited, "XDG_CACHE_HOME": str(folder / "cache"), "XDG_RUNTIME_DIR": str(run)}
    env["REMIT_HOOKD_IDLE"] = "120"  # a daemon this run leaves behind, if it fails, does not stay
    no_cache = {**env, "REMIT_POLICY_CACHE": "0"}
    py = sys.executable
    hook = ["hook", "claude-code", "--policy", policy]
    log = ["--log", str(folder / "decisions.jsonl")]
    return [
        Row("python -c pass", [py, "-c", "pass"], env, hook=False),
        Row("python -c 'import remit'", [py, "-c", "import remit"], env, hook=False),
        Row("remit hook, no policy cache", [py, "-c", CLI, *hook], no_cache, hook=True),
        Row("remit hook, policy cached", [py, "-c", CLI, *hook], env, hook=True),
        Row("remit hook --log, policy cached", [py, "-c", CLI, *hook, *log], env, hook=True),
        Row(
            "python -m remit.hook, policy cached",
            [py, "-m", "remit.hook", "claude-code", policy],
            env,
            hook=True,
        ),
        Row("remit hook --daemon, daemon running", [py, "-c", CLI, *hook, "--daemon"], env, hook=True),
        Row("remit hook --daemon --log, daemon on", [py, "-c", CLI, *hook, *log, "--daemon"], env, hook=True),
    ]


def daemon_pid(env: dict[str, str], *, wait: float = 10.0, stop: bool = False) -> int:
    """The process id of the hook daemon of `env`, waited for (the first `--daemon` call starts
    it) up to `wait` seconds; with `stop`, stop it too."""
    script = (
        "import sys, time; from remit import hookd; deadline = time.monotonic() + float(sys.argv[1])\n"
        "while hookd.running_pid() is None and time.monotonic() < deadline: time.sleep(0.05)\n"
        "print(hookd.running_pid() or 0)\n"
        "if sys.argv[2] == 'stop': hookd.stop_daemon()\n"
    )
    argv = [sys.executable, "-c", script, str(wait), "stop" if stop else "-"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip().lstrip("-").isdigit():
        raise RuntimeError(f"cannot reach the hook daemon: {done.stderr[-500:]}")
    return int(done.stdout)


def run_once(row: Row, stdin: str) -> tuple[float, float]:
    """Wall and CPU seconds of one process, start to exit; raise if a hook run does not allow."""
    before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(row.argv, input=stdin, capture_output=True, text=True, env=row.env, check=False)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - before
    if done.returncode != 0:
        raise RuntimeError(f"{row.name}: exit code {done.returncode}: {done.stderr.strip()[-500:]}")
    if row.hook:
        answer = json.loads(done.stdout)["hookSpecificOutput"]
        if answer["permissionDecision"] != "allow":
            raise RuntimeError(f"{row.name}: expected allow, got {answer}")
    return elapsed, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(policy: str, runs: int, folder: Path) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) milliseconds per run, per row; one untimed run of each first (it fills the cache)."""
    stdin = event(folder)
    table = rows(policy, folder)
    env = table[0].env
    times: dict[str, list[tuple[float, float]]] = {row.name: [] for row in table}
    try:
        for row in table:
            run_once(row, stdin)
        started = daemon_pid(env)
        for _ in range(runs):
            for row in table:
                wall, cpu = run_once(row, stdin)
                times[row.name].append((wall * 1000, cpu * 1000))
    finally:
        ended = daemon_pid(env, wait=0, stop=True)
    if not started or ended != started:  # the same daemon throughout, or a row timed the fallback
        raise RuntimeError(f"a --daemon run was not the daemon's (its process: {started}, then {ended})")
    return times


def report(times: dict[str, list[tuple[float, float]]]) -> list[dict[str, Any]]:
    """Median and p90 wall time, median above the bare interpreter, and median CPU time, per row."""
    floor = statistics.median(wall for wall, _ in next(iter(times.values())))
    out = []
    for name, runs in times.items():
        walls = [wall for wall, _ in runs]
        out.append(
            {
                "name": name,
                "runs": len(runs),
                "median_ms": round(statistics.median(walls), 1),
                "p90_ms": round(percentile(walls, 90), 1),
                "above_python_ms": round(statistics.median(walls) - floor, 1),
                "cpu_median_ms": round(statistics.median(cpu for _, cpu in runs), 1),
            }
        )
    return out


def print_report(result: list[dict[str, Any]], policy: str) -> None:
    """The table for people."""
    print(f"wall time of one process, from start to exit (policy {policy}):")
    print(f"  {'':38} {'median':>9} {'p90':>9} {'above python':>13} {'CPU median':>11}")
    for r in result:
        print(
            f"  {r['name']:38} {r['median_ms']:7.1f}ms {r['p90_ms']:7.1f}ms {r['above_python_ms']:11.1f}ms"
            f" {r['cpu_median_ms']:9.1f}ms"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print; 1 if a hook run fails or does not allow."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.hook_startup", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=None, help="timed runs per row (default 20, quick 2)")
    parser.add_argument("--quick", action="store_true", help="2 runs per row")
    parser.add_argument("--policy", default="coding-agent", help="policy file or shipped policy name")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 20)
    with tempfile.TemporaryDirectory(prefix="remit-hook-bench-") as tmp:
        try:
            times = measure(args.policy, runs, Path(tmp))
        except (RuntimeError, ValueError, KeyError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    result = report(times)
    print_report(result, args.policy)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"policy": args.policy, "rows": result}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
