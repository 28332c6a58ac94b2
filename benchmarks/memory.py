"""`python -m benchmarks.memory`: memory of a compiled policy and of 10,000 live sessions.

Measured with tracemalloc (Python allocations, the interpreter's own baseline excluded):
the 50- and 500-rule benchmark policies once compiled, then one Guard after 10,000
sessions have each made a few calls (their counts, recent calls and facts).
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import remit

from .generate import write_bench_500

HERE = Path(__file__).resolve().parent
BENCH_50 = HERE / "policies" / "bench-50.yaml"
CALLS = [
    ("Bash", {"command": "git status"}),
    ("Read", {"file_path": "src/app.py"}),
    ("Edit", {"file_path": "src/app.py", "old_string": "a", "new_string": "b"}),
]


def measured(build: Callable[[], Any]) -> tuple[Any, int]:
    """What `build` returns and the bytes it still holds (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    value = build()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return value, after - before


def sessions(policy: remit.CompiledPolicy, count: int) -> remit.Guard:
    """A guard whose `count` sessions have each made the benchmark calls."""
    guard = remit.Guard(policy, max_sessions=count)
    for i in range(count):
        ctx = {"session_id": f"session-{i}", "cwd": "/repo"}
        for tool, args in CALLS:
            guard.check(tool, args, ctx)
    return guard


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print; `--sessions N` (default 10,000)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--sessions", type=int, default=10_000)
    args = parser.parse_args(argv)
    remit.load_policy(BENCH_50)  # warm: parser caches are not the policy's
    with tempfile.TemporaryDirectory() as tmp:
        bench_500 = write_bench_500(BENCH_50, Path(tmp) / "bench-500.yaml")
        p50, size_50 = measured(lambda: remit.load_policy(BENCH_50))
        _, size_500 = measured(lambda: remit.load_policy(bench_500))
    guard, size_sessions = measured(lambda: sessions(p50, args.sessions))
    print(f"compiled bench-50 policy:   {size_50 / 1024:9.0f} KiB")
    print(f"compiled bench-500 policy:  {size_500 / 1024:9.0f} KiB")
    print(
        f"{len(guard.sessions):,} live sessions:     {size_sessions / 1024:9.0f} KiB"
        f" ({size_sessions / max(1, len(guard.sessions)):.0f} bytes each)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
