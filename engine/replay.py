"""Replay: what would a policy have done to the tool calls in these traces?

Each call read by `remit.traces` goes through a `Guard` (one per policy) with the context
rebuilt from the trace and the trace's own clock, so `session.*` conditions and decision
ids see the session as it happened. The result is plain data: totals, per tool and rule,
the riskiest calls, the problems met, and (with `against`) the calls whose decision changes.
Work is split by file (a session with its sub-agents stays together) across `jobs`
processes; the result does not depend on `jobs`.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import json
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import load_policy_cached
from .decision import Decision
from .errors import LogError
from .evaluate import CTX_DEFAULTS
from .guard import Guard
from .log import DecisionLog, Durability
from .redact_policy import CompiledRedaction
from .session import SessionStore
from .traces import TraceCall, TraceEvent, TraceProblem, Unit, read_unit, units
from .traces.read import check_options

__all__ = ["ProgressCallback", "ReplayResult", "replay"]

TOP_RISKIEST = 20
FIRST_PROBLEMS = 50
CHANGE_EXAMPLES = 1000
"""Changed calls kept per group of rules (all of them, in any realistic comparison)."""
ROUTES = ("allow", "ask", "block")
SEVERITY = {"allow": 0, "ask": 1, "block": 2}
REVERSIBILITY = {"reversible": 0, "recoverable": 1, "irreversible": 2}
SUMMARY_KEYS = ("command", "cmd", "file_path", "path", "notebook_path", "url", "pattern", "query", "input")
SUMMARY_CHARS = 120

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes done, bytes in all) as the replay reads the traces."""


@dataclass
class ReplayResult:
    """What a replay found, as plain data (`as_dict()` for JSON)."""

    calls: int = 0
    sessions: int = 0
    decisions: dict[str, int] = field(default_factory=dict)
    by_tool: dict[str, dict[str, int]] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)
    riskiest: list[dict[str, Any]] = field(default_factory=list)
    problems: dict[str, Any] = field(default_factory=dict)
    formats: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    recorded: dict[str, int] = field(default_factory=dict)
    changes: list[dict[str, Any]] | None = None
    change_groups: list[dict[str, Any]] | None = None
    changed: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# -- accumulating ------------------------------------------------------------------------------


@dataclass
class _Tally:
    """The mergeable running totals of a replay (one per worker)."""

    calls: int = 0
    sessions: set[str] = field(default_factory=set)
    decisions: Counter[str] = field(default_factory=Counter)
    by_tool: dict[str, Counter[str]] = field(default_factory=dict)
    by_rule: Counter[str] = field(default_factory=Counter)
    riskiest: list[tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    problem_counts: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    formats: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    recorded: Counter[str] = field(default_factory=Counter)
    changes: dict[tuple[tuple[str, ...], tuple[str, ...]], _Group] = field(default_factory=dict)
    changed: int = 0
    files: int = 0
    bytes: int = 0

    def merge(self, other: _Tally) -> None:
        """Add another worker's totals to these (order does not matter)."""
        self.calls += other.calls
        self.sessions |= other.sessions
        for name in ("decisions", "by_rule", "problem_counts", "formats", "events", "outcomes", "recorded"):
            getattr(self, name).update(getattr(other, name))
        for tool, counts in other.by_tool.items():
            self.by_tool.setdefault(tool, Counter()).update(counts)
        self.riskiest = _smallest(self.riskiest + other.riskiest, TOP_RISKIEST)
        self.problems = _smallest(self.problems + other.problems, FIRST_PROBLEMS)
        for key, group in other.changes.items():
            self.changes.setdefault(key, _Group()).merge(group)
        self.changed += other.changed
        self.files += other.files
        self.bytes += other.bytes


@dataclass
class _Group:
    """Calls whose decision changed between the same rules."""

    count: int = 0
    moves: Counter[str] = field(default_factory=Counter)
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def merge(self, other: _Group) -> None:
        """Add another worker's calls of this group."""
        self.count += other.count
        self.moves.update(other.moves)
        self.calls = _smallest(self.calls + other.calls, CHANGE_EXAMPLES)


def _smallest(
    items: list[tuple[tuple[Any, ...], dict[str, Any]]], n: int
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The n items with the smallest keys: a total order, so merging is order-free."""
    return sorted(items, key=lambda kv: kv[0])[:n]


def _keep(
    bucket: list[tuple[tuple[Any, ...], dict[str, Any]]],
    key: tuple[Any, ...],
    make: Callable[[], dict[str, Any]],
    n: int,
) -> None:
    """Keep the n smallest keys, sorted; `make` builds the entry only when it gets in."""
    if len(bucket) >= n and key >= bucket[-1][0]:
        return
    bisect.insort(bucket, (key, make()), key=lambda kv: kv[0])
    if len(bucket) > n:
        bucket.pop()


# -- one worker ----------------------------------------------------------------------------------


class _Clock:
    """The guard's clock during a replay: the time of the call being checked, when known."""

    def __init__(self) -> None:
        self.now: float | None = None

    def __call__(self) -> float:
        return self.now if self.now is not None else time.time()


@dataclass
class _Job:
    """What a worker needs: picklable, so a worker process can rebuild its guards."""

    policy: str
    against: str | None
    fmt: str | None
    mapping: dict[str, str] | None
    log: str | None
    log_durability: str = "flush"


class _ReplayLog(DecisionLog):
    """The replay's decision log, which keeps the first error of a write. The guard blocks a
    call whose record cannot be written, the right answer to a live call; a replay would report
    every call blocked by that error instead of what the policy decides, so the replay stops."""

    failure: LogError | None = None

    def write(self, record: dict[str, Any]) -> None:
        """Append one record (see `DecisionLog.write`), keeping its `LogError`."""
        try:
            super().write(record)
        except LogError as exc:
            self.failure = self.failure or exc
            raise


def _guard(path: str, **options: Any) -> Guard:
    """A guard for the policy at `path`, served from the policy cache when unchanged (see
    `cache.py`): a replay of a few thousand calls would otherwise spend a good part of its
    time compiling, once per run and once more in each worker."""
    return Guard(load_policy_cached(path), path=path, **options)


class _Replayer:
    """Runs trace items through the guard(s) and tallies the decisions."""

    def __init__(self, job: _Job) -> None:
        self.clock = _Clock()
        self.log = _ReplayLog(job.log, durability=job.log_durability) if job.log else None
        self.guard = _guard(job.policy, clock=self.clock, log=self.log)
        self.baseline = _guard(job.against, clock=self.clock) if job.against else None
        self.job = job
        self.tally = _Tally()

    def close(self) -> None:
        """Close the decision log, if one is written."""
        if self.log is not None:
            self.log.close()

    def unit(self, unit: Unit, progress: Callable[[int], None] | None = None) -> None:
        """Replay one unit (a file, or a session with its sub-agents) with fresh session state."""
        for guard in (self.guard, self.baseline):
            if guard is not None:
                guard.sessions = SessionStore(guard.sessions.max_sessions)
        for item in read_unit(unit, fmt=self.job.fmt, mapping=self.job.mapping, progress=progress):
            if isinstance(item, TraceCall):
                self.call(item)
            elif isinstance(item, TraceEvent):
                self.tally.events[item.kind] += 1
            else:
                self.problem(item)
        self.tally.files += len(unit.files)
        self.tally.bytes += unit.size()

    def call(self, call: TraceCall) -> None:
        """Decide one call at the time it was made, and count the decision."""
        self.clock.now = call.ts
        ctx = {k: v for k, v in call.ctx.items() if k in CTX_DEFAULTS}
        decision = self.guard.check(call.tool, call.args, ctx)
        if self.log is not None and self.log.failure is not None:
            raise self.log.failure
        t = self.tally
        verdict = decision.decision.value
        t.calls += 1
        t.sessions.add(call.session_id)
        t.decisions[verdict] += 1
        t.by_tool.setdefault(call.tool, Counter())[verdict] += 1
        t.by_rule.update(dict.fromkeys(_deciders(decision), 1))
        t.formats[call.format] += 1
        t.outcomes[call.outcome or "unknown"] += 1
        self._recorded(call, verdict)
        shown = self.guard.policy.redaction
        _keep(t.riskiest, _risk_key(decision, call), lambda: _risky(call, decision, shown), TOP_RISKIEST)
        if self.baseline is not None:
            self._compare(call, ctx, decision)

    def _recorded(self, call: TraceCall, verdict: str) -> None:
        if call.recorded and call.recorded.get("decision") in ROUTES:
            self.tally.recorded["same" if call.recorded["decision"] == verdict else "changed"] += 1

    def _compare(self, call: TraceCall, ctx: dict[str, Any], after: Decision) -> None:
        assert self.baseline is not None
        before = self.baseline.check(call.tool, call.args, ctx)
        if before.decision is after.decision:
            return
        rules = (tuple(_deciders(before)), tuple(_deciders(after)))
        group = self.tally.changes.setdefault(rules, _Group())
        group.count += 1
        move = f"{before.decision.value} -> {after.decision.value}"
        group.moves[move] += 1
        key = (call.source[0], call.source[1], call.call_id)
        shown = self.guard.policy.redaction
        _keep(group.calls, key, lambda: _change(call, before, after, rules, shown), CHANGE_EXAMPLES)
        self.tally.changed += 1

    def problem(self, problem: TraceProblem) -> None:
        """Count a problem; keep it if it is among the first by file and line."""
        self.tally.problem_counts[problem.kind] += 1
        key = (problem.file, problem.line, problem.message)
        _keep(self.tally.problems, key, lambda: _problem_entry(problem), FIRST_PROBLEMS)


def _problem_entry(problem: TraceProblem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "source": f"{problem.file}:{problem.line}",
        "kind": problem.kind,
        "message": problem.message,
    }


def _deciders(decision: Decision) -> list[str]:
    """The ids of the rules, routes or fallbacks that decided."""
    return list(dict.fromkeys(r.id for r in decision.reasons))


def _risk_key(decision: Decision, call: TraceCall) -> tuple[Any, ...]:
    """Riskiest first: risk, irreversibility, autonomy, severity; then by place in the traces."""
    r = decision.ratings
    return (
        -r.risk,
        -REVERSIBILITY.get(r.reversibility, 0),
        -r.autonomy,
        -SEVERITY.get(decision.decision.value, 0),
        call.source[0],
        call.source[1],
        call.call_id,
    )


def _change(
    call: TraceCall,
    before: Decision,
    after: Decision,
    rules: tuple[tuple[str, ...], tuple[str, ...]],
    redaction: CompiledRedaction,
) -> dict[str, Any]:
    return {
        "call_id": call.call_id,
        "source": _where(call),
        "tool": call.tool,
        "args": _summary(redaction.call(call.args, {}).args),
        "before": before.decision.value,
        "after": after.decision.value,
        "rules_before": list(rules[0]),
        "rules_after": list(rules[1]),
    }


def _risky(call: TraceCall, decision: Decision, redaction: CompiledRedaction) -> dict[str, Any]:
    shown = redaction.call(call.args, {})
    return {
        "tool": call.tool,
        "args": _summary(shown.args),
        "ratings": decision.ratings.as_dict(),
        "decision": decision.decision.value,
        "reasons": [
            {"id": r.id, "kind": r.kind, "message": shown.scrub(r.message)} for r in decision.reasons
        ],
        "source": _where(call),
        "session": call.session_id,
        "call_id": call.call_id,
    }


def _where(call: TraceCall) -> str:
    return f"{call.source[0]}:{call.source[1]}"


def _summary(args: Any) -> str:
    """A short, one-line account of a call's arguments (already redacted)."""
    if not isinstance(args, Mapping):
        return _shorten(json.dumps(args, ensure_ascii=False, default=str))
    for key in SUMMARY_KEYS:
        value = args.get(key)
        if isinstance(value, str) and value:
            return _shorten(value)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return _shorten(" ".join(value))
    return _shorten(json.dumps(args, ensure_ascii=False, sort_keys=True, default=str))


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[: SUMMARY_CHARS - 1] + "…"


# -- running --------------------------------------------------------------------------------------


def replay(
    policy_path: str | Path,
    paths: str | Path | Iterable[str | Path],
    *,
    against: str | Path | None = None,
    fmt: str | None = None,
    mapping: str | Mapping[str, str] | None = None,
    log: str | Path | None = None,
    log_durability: str | None = None,
    jobs: int = 1,
    progress: ProgressCallback | None = None,
) -> ReplayResult:
    """Replay the tool calls of the traces under `paths` through the policy at `policy_path`.

    `against` is a baseline policy: `changes` lists the calls whose decision differs
    (before = `against`, after = `policy_path`), grouped by the rules that decided.
    `log` writes each decision as a decision-log record, stamped with the call's time, as
    durable as `log_durability` says (see `DecisionLog`). `jobs` splits the files across
    processes. Raises `PolicyError` for a broken policy, `ValueError` for a bad `fmt`,
    `mapping` or `log_durability` or a `log` among the traces read, and `LogError` when the
    log cannot be written; damaged traces are counted in `problems`.
    """
    started = time.perf_counter()
    checked_fmt, parsed = check_options(fmt, mapping)
    given = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    durability = str(Durability.parse(log_durability or "flush"))
    job = _Job(
        str(policy_path), str(against) if against else None, checked_fmt, parsed, str(log) if log else None,
        durability,
    )  # fmt: skip
    work = units(given)
    if log:
        _check_log_apart(Path(log), given, work)
    total = sum(u.size() for u in work)
    if jobs <= 1 or len(work) <= 1:
        tally = _run_here(job, work, total, progress)
    else:
        for policy in filter(None, (job.policy, job.against)):
            load_policy_cached(policy)  # a broken policy is reported here, not from inside a worker
        tally = _run_pool(job, work, jobs, total, progress)
    return _result(tally, against is not None, time.perf_counter() - started)


def _check_log_apart(log: Path, given: list[Path], work: list[Unit]) -> None:
    """Raise `ValueError` when the log is one of the traces read or lies under a folder read: the
    replay would read its own records back, and a log it reads grows as fast as it is read."""
    target = _resolved(log)
    for path in given:
        if path.is_dir() and target.is_relative_to(_resolved(path)):
            raise ValueError(
                f"the decision log `{log}` is under the folder of traces `{path}`: write it elsewhere"
            )
        if _same_file(log, path):
            raise ValueError(f"the decision log `{log}` is the trace file `{path}`: write it elsewhere")
    identity = _identity(log)
    if identity is None:  # not made yet: none of the files found is the log
        return
    for path in (f for unit in work for f in unit.files):
        if _identity(path) == identity:  # a link to the log, in a folder read
            raise ValueError(f"the decision log `{log}` is the trace file `{path}`: write it elsewhere")


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same file on disk (through links), or, for a file not
    made yet, the same resolved path."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return _resolved(a) == _resolved(b)


def _identity(path: Path) -> tuple[int, int] | None:
    """The file's device and inode, None when it does not exist (yet)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return path.absolute()


def _run_here(job: _Job, work: list[Unit], total: int, progress: ProgressCallback | None) -> _Tally:
    replayer = _Replayer(job)
    done = 0
    try:
        for unit in work:
            tick = None if progress is None else _ticker(progress, done, total)
            replayer.unit(unit, tick)
            done += unit.size()
            if progress is not None:
                progress(done, total)
    finally:
        replayer.close()
    return replayer.tally


def _ticker(progress: ProgressCallback, base: int, total: int) -> Callable[[int], None]:
    return lambda n: progress(min(base + n, total), total)


def _run_pool(
    job: _Job, work: list[Unit], jobs: int, total: int, progress: ProgressCallback | None
) -> _Tally:
    tally = _Tally()
    done = 0
    context = multiprocessing.get_context("spawn")  # no fork: safe with threads, same on every OS
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
        futures = {
            pool.submit(_work, job, batch): sum(u.size() for u in batch) for batch in _batches(work, jobs)
        }
        for future in concurrent.futures.as_completed(futures):
            tally.merge(future.result())
            done += futures[future]
            if progress is not None:
                progress(done, total)
    return tally


def _batches(work: list[Unit], jobs: int) -> list[list[Unit]]:
    """Units in batches of similar size, several per worker so progress moves and loads balance."""
    count = min(len(work), jobs * 4)
    batches: list[list[Unit]] = [[] for _ in range(count)]
    sizes = [0] * count
    for unit in sorted(work, key=lambda u: (-u.size(), str(u.files[0]))):
        smallest = sizes.index(min(sizes))
        batches[smallest].append(unit)
        sizes[smallest] += unit.size()
    return [b for b in batches if b]


_WORKER: dict[str, _Replayer] = {}


def _work(job: _Job, batch: list[Unit]) -> _Tally:
    """In a worker process: replay a batch of units with this process's guards."""
    key = repr(job)
    replayer = _WORKER.get(key)
    if replayer is None:
        replayer = _WORKER[key] = _Replayer(job)
    replayer.tally = _Tally()
    for unit in batch:
        replayer.unit(unit)
    return replayer.tally


def _result(t: _Tally, compared: bool, seconds: float) -> ReplayResult:
    return ReplayResult(
        calls=t.calls,
        sessions=len(t.sessions),
        decisions={route: t.decisions.get(route, 0) for route in ROUTES},
        by_tool={tool: {r: c.get(r, 0) for r in ROUTES} for tool, c in sorted(t.by_tool.items())},
        by_rule=dict(sorted(t.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))),
        riskiest=[v for _, v in _smallest(t.riskiest, TOP_RISKIEST)],
        problems={
            "total": sum(t.problem_counts.values()),
            "counts": dict(sorted(t.problem_counts.items())),
            "first": [v for _, v in _smallest(t.problems, FIRST_PROBLEMS)],
        },
        formats=dict(sorted(t.formats.items())),
        events=dict(sorted(t.events.items())),
        outcomes=dict(sorted(t.outcomes.items())),
        recorded=dict(sorted(t.recorded.items())),
        changes=[c for g in _changes(t) for c in g["calls"]] if compared else None,
        change_groups=_changes(t) if compared else None,
        changed=t.changed,
        files=t.files,
        bytes=t.bytes,
        seconds=round(seconds, 3),
    )


def _changes(t: _Tally) -> list[dict[str, Any]]:
    groups = sorted(t.changes.items(), key=lambda kv: (-kv[1].count, kv[0]))
    return [
        {
            "rules_before": list(before),
            "rules_after": list(after),
            "count": g.count,
            "moves": dict(sorted(g.moves.items())),
            "calls": [v for _, v in _smallest(g.calls, CHANGE_EXAMPLES)],
        }
        for (before, after), g in groups
    ]
