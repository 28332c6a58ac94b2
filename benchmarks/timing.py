"""How the harness times a decision: each call on its own, many rounds, gc off, medians.

Each engine first decides every call `warmup` times (caches, indexes and lazily built
state settle), then `rounds` rounds run; in each round every engine in turn decides every
call, each call timed on its own with `time.perf_counter_ns()`. Engines are interleaved
round by round so that a drift of the machine (frequency, other load) touches them all
alike. A call's time is the median of its rounds; an engine's p50 and p99 are taken over
those per-call medians. The garbage collector is off while timing (collected before).
An engine may cap its rounds (`Engine.max_rounds`: cel-python, at milliseconds per call).
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .calls import Call
from .engines import Engine, Run


@dataclass(frozen=True)
class Stats:
    """Latency per decision of one engine, in microseconds."""

    p50_us: float
    p99_us: float
    mean_us: float


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(values_us: Sequence[float]) -> Stats:
    """p50, p99 and mean of per-call times (NaN when there are none)."""
    if not values_us:
        return Stats(math.nan, math.nan, math.nan)
    return Stats(percentile(values_us, 50), percentile(values_us, 99), statistics.fmean(values_us))


def medians_us(per_call_ns: Sequence[Sequence[int]]) -> list[float]:
    """Each call's median over its rounds, in microseconds."""
    return [statistics.median(times) / 1000 for times in per_call_ns]


def _round(run: Run, calls: Sequence[Call], out: list[list[int]]) -> None:
    """Decide every call once, appending each call's time (ns) to its list in `out`."""
    clock = time.perf_counter_ns
    for i, (tool, args, ctx) in enumerate(calls):
        start = clock()
        run(tool, args, ctx)
        out[i].append(clock() - start)


def _warm(run: Run, calls: Sequence[Call], times: int) -> None:
    for _ in range(times):
        for tool, args, ctx in calls:
            run(tool, args, ctx)


def time_engines(
    engines: Sequence[Engine], calls: Sequence[Call], *, rounds: int, warmup: int
) -> dict[str, list[float]]:
    """Time every engine on every call; per engine, each call's median time (µs)."""
    for engine in engines:
        _warm(engine.run, calls, warmup)
    samples: dict[str, list[list[int]]] = {e.name: [[] for _ in calls] for e in engines}
    gc.collect()
    gc.disable()
    try:
        for n in range(rounds):
            for engine in engines:
                if engine.max_rounds is None or n < engine.max_rounds:
                    _round(engine.run, calls, samples[engine.name])
    finally:
        gc.enable()
    return {name: medians_us(per_call) for name, per_call in samples.items()}


def time_load(load: Callable[[Path], object], path: Path, repeats: int) -> float:
    """The median wall time of `load(path)` over `repeats` runs, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        load(path)
        times.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(times)
