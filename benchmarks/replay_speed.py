"""`python -m benchmarks.replay_speed`: replay throughput, calls per second on one core and with --jobs.

Replays the real traces of `../shared/corpora/` (parsing included) through the shipped
coding-agent policy, several times over so that start-up cost does not dominate, and
prints calls per second and per minute for each job count. A reference row times
reading the traces alone, in the same run.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

from remit.replay import replay
from remit.resources import shipped_policy
from remit.traces import TraceCall, read_traces

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
FOLDERS = ("claude-code", "codex", "gemini-cli", "swe-agent", "mini-swe-agent", "toolemu")


def _paths(corpora: Path) -> list[Path]:
    return [corpora / f for f in FOLDERS if (corpora / f).is_dir()]


def read_only(paths: list[Path], repeat: int) -> tuple[int, float]:
    """Calls read and seconds taken, reading the traces `repeat` times without deciding."""
    start, calls = time.perf_counter(), 0
    for _ in range(repeat):
        calls += sum(isinstance(item, TraceCall) for item in read_traces(paths))
    return calls, time.perf_counter() - start


def replayed(paths: list[Path], repeat: int, jobs: int) -> tuple[int, float]:
    """Calls replayed and seconds taken, replaying `repeat` times with `jobs` processes."""
    policy = shipped_policy("coding-agent")
    assert policy is not None
    start, calls = time.perf_counter(), 0
    for _ in range(repeat):
        calls += replay(policy, paths, jobs=jobs).calls
    return calls, time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print; `--quick` for the test suite."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replay_speed")
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    paths = _paths(args.corpora)
    if not paths:
        print(f"no corpora under {args.corpora}")
        return 1
    repeat = 1 if args.quick else args.repeat
    rows = [("read traces only", *read_only(paths, repeat))]
    for jobs in [1] if args.quick else args.jobs:
        rows.append((f"replay, --jobs {jobs}", *replayed(paths, repeat, jobs)))
    print(f"{'what':<22} {'calls':>8} {'seconds':>8} {'calls/s':>9} {'calls/min':>10}")
    for name, calls, seconds in rows:
        rate = calls / seconds if seconds else 0.0
        print(f"{name:<22} {calls:>8} {seconds:>8.2f} {rate:>9.0f} {rate * 60:>10.0f}")
    out = [{"what": n, "calls": c, "seconds": round(s, 3)} for n, c, s in rows]
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "replay.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
