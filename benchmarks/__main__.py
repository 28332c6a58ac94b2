"""`python -m benchmarks`: time remit's decisions against the floor and its peers, in one run.

    python -m benchmarks                 # the full run (1-2 minutes), writes results/latest.json
    python -m benchmarks --quick         # tiny sizes: checks that it runs and that engines agree
    python -m benchmarks --rounds 50 --json /tmp/bench.json
    python -m benchmarks --markdown      # also print the table for benchmarks/README.md

Before timing anything, every engine decides every benchmark call and must agree with
`Guard.check`; otherwise the run stops with the calls that differ (exit code 1).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import remit

from .calls import Call, all_calls, sample
from .celpy_engine import celpy_engine
from .components import component_p50s
from .engines import Disagreement, Engine, check_agreement, floor_engine, remit_engine
from .generate import rule_count, write_bench_500
from .report import Results, Row, markdown, print_results, write_json
from .timing import summarize, time_engines, time_load

HERE = Path(__file__).resolve().parent
BENCH_50 = HERE / "policies" / "bench-50.yaml"
DEFAULT_JSON = HERE / "results" / "latest.json"
FLOOR = "floor (Python closures)"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (for the test suite)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the results")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds (default 20, quick 2)")
    parser.add_argument("--warmup", type=int, default=None, help="untimed rounds first (default 3)")
    parser.add_argument("--calls", type=int, default=None, help="time a sample of this many calls")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    args = parser.parse_args(argv)
    quick = args.quick
    args.rounds = args.rounds or (2 if quick else 20)
    args.warmup = args.warmup if args.warmup is not None else (1 if quick else 3)
    args.calls = args.calls or (40 if quick else 10_000)
    args.load_repeats = 1 if quick else 5
    return args


def build_engines(workdir: Path) -> list[Engine]:
    """The rows, reference first: remit (without and with log, 50 and 500 rules), floor, peers."""
    bench_500 = write_bench_500(BENCH_50, workdir / "bench-500.yaml")
    engines = [
        remit_engine(BENCH_50, name="remit Guard.check"),
        remit_engine(BENCH_50, name="remit Guard.check + log", log=workdir / "decisions.jsonl"),
        remit_engine(bench_500, name="remit Guard.check, 500 rules"),
        remit_engine(BENCH_50, name="remit Guard.check, warm parse cache", parse_cache=256),
        floor_engine(),
        celpy_engine(BENCH_50),
    ]
    try:  # optional: pip install -e '.[bench]'
        from .cedar_engine import cedar_engine
    except ImportError:
        print("note: cedarpy is not installed, its row is skipped (pip install -e '.[bench]')")
    else:
        engines.append(cedar_engine())
    return engines


def run(args: argparse.Namespace, workdir: Path) -> Results:
    """Check agreement on every call, then time every engine; raise `Disagreement`."""
    engines = build_engines(workdir)
    calls = all_calls()
    decisions = check_agreement(engines, calls)
    timed = sample(calls, args.calls)
    times = time_engines(engines, timed, rounds=args.rounds, warmup=args.warmup)
    policies = {"bench-50": BENCH_50, "bench-500": workdir / "bench-500.yaml"}
    return Results(
        rows=[_row(e, times[e.name], timed, decisions[e.name]) for e in engines],
        floor=FLOOR,
        checked=len(calls),
        calls=len(timed),
        rounds=args.rounds,
        warmup=args.warmup,
        load_ms={k: time_load(remit.load_policy, p, args.load_repeats) for k, p in policies.items()},
        rules={k: rule_count(p) for k, p in policies.items()},
        components_us=component_p50s(timed, rounds=args.rounds, warmup=args.warmup),
    )


def _row(engine: Engine, times: list[float], calls: Sequence[Call], decisions: Counter[str]) -> Row:
    """An engine's statistics: over all calls, the shell calls, the others."""
    shell = [t for t, c in zip(times, calls, strict=True) if c.tool == "Bash"]
    other = [t for t, c in zip(times, calls, strict=True) if c.tool != "Bash"]
    return Row(engine, summarize(times), summarize(shell), summarize(other), decisions)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 on success, 1 if the engines disagree."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="remit-bench-") as tmp:
        try:
            results = run(args, Path(tmp))
        except Disagreement as exc:
            print(f"error: the engines disagree, nothing was timed\n{exc}", file=sys.stderr)
            return 1
    print_results(results)
    if args.markdown:
        print(markdown(results))
    write_json(results, args.json)
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
