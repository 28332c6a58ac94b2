"""`python -m benchmarks.log_cost`: what the decision log adds to a decision, per durability mode.

    python -m benchmarks.log_cost                    # about half a minute on a slow disk
    python -m benchmarks.log_cost --quick            # tiny sizes: does it run
    python -m benchmarks.log_cost --dir /var/log/x   # the disk the log would live on
    python -m benchmarks.log_cost --modes flush interval:10ms fsync
    python -m benchmarks.log_cost --split            # also: a check, then the log alone

Two sets of rows, all timed in one run, interleaved round by round (see timing.py):
- `Guard.check` on bench-50 without a log, then with a log in each mode: the difference is
  what the log costs a caller, per decision;
- `log alone`: `DecisionLog.write(decision_record(d))` on decisions made beforehand, in each
  mode: the log's work and nothing else (record, redaction, encoding, lock, write, sync).

With `--split`, a third: `Guard.check` without a log, then the log alone on the decision
made beforehand, timed together. It does the work of the two rows above it, in the order a
logging guard does it, so its difference to `Guard.check + log` is the work a log adds to
the check itself, and its difference to the sum of theirs is what taking turns costs each
(the caches and branch predictors of one filled by the other).

The logs are written in `--dir` (default: a temporary folder); `fsync` costs what the disk
under it costs, so the file system is printed. `fsync` rows are timed over at most
`FSYNC_ROUNDS` rounds: one sync per record can take milliseconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import remit
from remit.durability import Durability
from remit.log import DecisionLog, decision_record
from remit.redact_policy import CompiledRedaction

from .calls import Call, all_calls, sample
from .engines import Engine, remit_engine
from .report import machine
from .timing import Stats, summarize, time_engines

HERE = Path(__file__).resolve().parent
BENCH_50 = HERE / "policies" / "bench-50.yaml"
DEFAULT_JSON = HERE / "results" / "log_cost.json"
MODES = ("flush", "interval:200ms", "fsync")
FSYNC_ROUNDS = 5
NO_LOG = "Guard.check, no log"


@dataclass(frozen=True)
class LogRow:
    """One row: its name, mode ("" for no log), statistics, and the syncs it made per record."""

    name: str
    mode: str
    stats: Stats
    syncs_per_record: float | None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.log_cost", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (for the test suite)")
    parser.add_argument("--dir", type=Path, default=None, help="where the logs are written")
    parser.add_argument("--modes", nargs="+", default=list(MODES), help="durability modes to time")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds (default 15, quick 2)")
    parser.add_argument("--warmup", type=int, default=None, help="untimed rounds first (default 2)")
    parser.add_argument("--calls", type=int, default=None, help="calls timed (default 100, quick 20)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the results")
    parser.add_argument("--split", action="store_true", help="also time a check, then the log alone")
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (2 if args.quick else 15)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    args.calls = args.calls or (20 if args.quick else 100)
    try:
        args.modes = [str(Durability.parse(m)) for m in args.modes]
    except ValueError as exc:
        parser.error(str(exc))
    return args


def decided(calls: Sequence[Call]) -> tuple[dict[int, remit.Decision], CompiledRedaction]:
    """Each call's decision on bench-50, by the `id` of the call's context (its own: the same
    arguments are sent under several contexts), and the policy's redaction."""
    guard = remit.Guard.from_path(BENCH_50)
    return {id(c.ctx): guard.check(c.tool, c.args, c.ctx) for c in calls}, guard.policy.redaction


def log_alone(calls: Sequence[Call], log: DecisionLog, name: str) -> Engine:
    """A row that writes the record of each call's decision, made beforehand, to `log`."""
    decisions, redaction = decided(calls)

    def run(tool: str, args: dict[str, Any], ctx: dict[str, Any]) -> None:
        log.write(decision_record(decisions[id(ctx)], redaction))

    return Engine(name, "bench-50", f"DecisionLog.write(decision_record(d)), {log.durability}", run, str)


def check_then_log(calls: Sequence[Call], log: DecisionLog, name: str) -> Engine:
    """A row that decides each call without a log, then does what `log_alone` does."""
    check = remit.Guard.from_path(BENCH_50, parse_cache=0).check  # cold, as `remit_engine` is
    decisions, redaction = decided(calls)

    def run(tool: str, args: dict[str, Any], ctx: dict[str, Any]) -> None:
        check(tool, args, ctx)
        log.write(decision_record(decisions[id(ctx)], redaction))

    what = f"Guard.check without a log, then DecisionLog.write(decision_record(d)), {log.durability}"
    return Engine(name, "bench-50", what, run, str)


def build(calls: Sequence[Call], modes: Sequence[str], folder: Path, split: bool = False) -> list[Engine]:
    """The rows: no log, then per mode Guard.check with a log, then per mode the log alone
    (and with `split`, per mode a check then the log alone)."""
    engines = [remit_engine(BENCH_50, name=NO_LOG)]
    for mode in modes:
        path = folder / f"check-{_slug(mode)}.jsonl"
        engine = remit_engine(BENCH_50, name=f"Guard.check + log, {mode}", log=path, durability=mode)
        engines.append(_capped(engine, mode))
    for mode in modes:
        log = DecisionLog(folder / f"alone-{_slug(mode)}.jsonl", durability=mode)
        engines.append(_capped(log_alone(calls, log, f"log alone, {mode}"), mode))
    for mode in modes if split else ():
        log = DecisionLog(folder / f"split-{_slug(mode)}.jsonl", durability=mode)
        engines.append(_capped(check_then_log(calls, log, f"Guard.check, then log alone, {mode}"), mode))
    return engines


def _capped(engine: Engine, mode: str) -> Engine:
    if mode != "fsync":
        return engine
    return Engine(engine.name, engine.policy, engine.description, engine.run, engine.verdict, FSYNC_ROUNDS)


def _slug(mode: str) -> str:
    return mode.replace(":", "-")


def _log_of(engine: Engine) -> DecisionLog | None:
    owner = getattr(engine.run, "__self__", None)  # Guard.check, bound
    if isinstance(owner, remit.Guard):
        return owner.log
    cells = getattr(engine.run, "__closure__", None) or ()
    return next((c.cell_contents for c in cells if isinstance(c.cell_contents, DecisionLog)), None)


def _syncs_per_record(log: DecisionLog) -> float:
    """Syncs of the log's file per record written, once every pending sync is done."""
    records = log.path.read_bytes().count(b"\n")
    mode = log.durability.mode
    flusher = log._flusher
    log.close()  # `interval`: syncs the tail, so the count is final
    if mode == "fsync":
        return 1.0
    if mode == "interval" and flusher is not None:
        return flusher.syncs / max(1, records)
    return 0.0


def run(args: argparse.Namespace, folder: Path) -> list[LogRow]:
    """Time every row; return them in order."""
    calls = sample(all_calls(), args.calls)
    engines = build(calls, args.modes, folder, args.split)
    times = time_engines(engines, calls, rounds=args.rounds, warmup=args.warmup)
    rows = []
    for engine in engines:
        log = _log_of(engine)
        syncs = _syncs_per_record(log) if log is not None else None
        mode = str(log.durability) if log is not None else ""
        rows.append(LogRow(engine.name, mode, summarize(times[engine.name]), syncs))
    return rows


def file_system(folder: Path) -> str:
    """The type of the file system `folder` is on (from /proc/mounts; "unknown" elsewhere)."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return "unknown"
    best, kind = "", "unknown"
    target = str(folder.resolve())
    for line in mounts:
        parts = line.split()
        under = len(parts) > 2 and (target == parts[1] or target.startswith(parts[1].rstrip("/") + "/"))
        if under and len(parts[1]) > len(best):
            best, kind = parts[1], parts[2]
    return kind


def table(rows: Sequence[LogRow]) -> str:
    """The rows as a Markdown table; `+ p50` and `+ mean` are over the no-log row."""
    base = next(r for r in rows if r.name == NO_LOG).stats
    lines = [
        "| row | p50 µs | p99 µs | mean µs | + p50 µs | + mean µs | syncs / record |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        s = r.stats
        alone = r.name.startswith("log alone")
        plus_p50 = "" if r.name == NO_LOG or alone else f"{s.p50_us - base.p50_us:.1f}"
        plus_mean = "" if r.name == NO_LOG or alone else f"{s.mean_us - base.mean_us:.1f}"
        syncs = "" if r.syncs_per_record is None else f"{r.syncs_per_record:.3f}"
        numbers = f"{s.p50_us:.1f} | {s.p99_us:.1f} | {s.mean_us:.1f}"
        lines.append(f"| {r.name} | {numbers} | {plus_p50} | {plus_mean} | {syncs} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the table, write the JSON."""
    args = parse_args(argv)
    folder_arg = args.dir
    if folder_arg is not None:
        folder_arg.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="remit-log-cost-", dir=folder_arg) as tmp:
        folder = Path(tmp)
        fs = file_system(folder)
        rows = run(args, folder)
    print(f"decision log cost: {args.calls} calls x {args.rounds} rounds (fsync: at most {FSYNC_ROUNDS})")
    print(f"logs written on {fs} ({folder_arg or tempfile.gettempdir()}); µs per decision or record\n")
    print(table(rows))
    doc = {
        "machine": machine(),
        "settings": {"calls": args.calls, "rounds": args.rounds, "warmup": args.warmup, "file_system": fs},
        "rows": [
            {"name": r.name, "mode": r.mode, "p50_us": r.stats.p50_us, "p99_us": r.stats.p99_us,
             "mean_us": r.stats.mean_us, "syncs_per_record": r.syncs_per_record}
            for r in rows
        ],
    }  # fmt: skip
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
