"""The results: one table for people, one JSON document for machines (and the README)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from remit.analyzers import COMPILED

from .engines import Engine
from .timing import Stats


@dataclass(frozen=True)
class Row:
    """One engine's results."""

    engine: Engine
    stats: Stats
    shell: Stats
    """Over the shell calls alone (Bash: the analyzer parses a command)."""
    other: Stats
    """Over every other call."""
    decisions: Counter[str]


@dataclass
class Results:
    """Everything one run measured."""

    rows: list[Row]
    floor: str
    checked: int
    """How many calls every engine decided alike before timing."""
    calls: int
    """How many of them were timed."""
    rounds: int
    warmup: int
    load_ms: dict[str, float] = field(default_factory=dict)
    components_us: dict[str, float] = field(default_factory=dict)
    rules: dict[str, int] = field(default_factory=dict)

    def ratio(self, row: Row, key: str) -> float:
        """`row`'s latency over the floor's, for `key` "p50_us" or "p99_us"."""
        floor = next(r for r in self.rows if r.engine.name == self.floor)
        value: float = getattr(row.stats, key)
        base: float = getattr(floor.stats, key)
        return value / base if base else float("nan")


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "analyzers": "compiled" if COMPILED else "Python",
        "platform": platform.platform(),
        "loadavg_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def to_json(results: Results) -> dict[str, Any]:
    """The JSON document of a run."""
    return {
        "schema": 1,
        "machine": machine(),
        "settings": {
            "checked_calls": results.checked,
            "timed_calls": results.calls,
            "rounds": results.rounds,
            "warmup": results.warmup,
        },
        "floor": results.floor,
        "engines": [
            {
                "name": row.engine.name,
                "policy": row.engine.policy,
                "description": row.engine.description,
                "p50_us": round(row.stats.p50_us, 2),
                "p99_us": round(row.stats.p99_us, 2),
                "mean_us": round(row.stats.mean_us, 2),
                "p50_us_bash": round(row.shell.p50_us, 2),
                "p50_us_other_tools": round(row.other.p50_us, 2),
                "p50_x_floor": round(results.ratio(row, "p50_us"), 2),
                "p99_x_floor": round(results.ratio(row, "p99_us"), 2),
                "rounds": min(results.rounds, row.engine.max_rounds or results.rounds),
                "decisions": dict(sorted(row.decisions.items())),
            }
            for row in results.rows
        ],
        "load_compile_ms": {k: round(v, 2) for k, v in results.load_ms.items()},
        "rules": results.rules,
        "analyzers_p50_us": {k: round(v, 2) for k, v in results.components_us.items()},
        "agreement": "every engine gave the same decision as the first on every call",
    }


def write_json(results: Results, path: Path) -> None:
    """Write the JSON document of a run to `path` (folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(results), indent=2) + "\n", encoding="utf-8")


def table(results: Results) -> Table:
    """The table of a run."""
    built = "compiled" if COMPILED else "Python"
    runs = f"{results.calls} calls x {results.rounds} rounds"
    t = Table(title=f"decision latency, {runs}, {built} analyzers (µs per call)")
    t.add_column("engine", no_wrap=True)
    t.add_column("policy", no_wrap=True)
    for name in COLUMNS[2:]:
        t.add_column(name, justify="right")
    for row in results.rows:
        t.add_row(*_cells(results, row))
    return t


COLUMNS = ("engine", "policy", "p50", "p99", "p50 × floor", "p99 × floor", "p50 Bash", "p50 other")


def _cells(results: Results, row: Row) -> list[str]:
    s = row.stats
    return [
        row.engine.name,
        row.engine.policy,
        f"{s.p50_us:.1f}",
        f"{s.p99_us:.1f}",
        f"{results.ratio(row, 'p50_us'):.1f}",
        f"{results.ratio(row, 'p99_us'):.1f}",
        f"{row.shell.p50_us:.1f}",
        f"{row.other.p50_us:.1f}",
    ]


def print_results(results: Results, console: Console | None = None) -> None:
    """Print the table, the load times and the decision mix."""
    out = console or Console(width=120)
    out.print(table(results))
    for policy, ms in results.load_ms.items():
        out.print(f"load + compile {policy} ({results.rules.get(policy, '?')} rules): {ms:.1f} ms")
    for name, us in results.components_us.items():
        out.print(f"analyzer alone, p50: {name}: {us:.1f} µs")
    mix = results.rows[0].decisions
    out.print(
        f"decisions on {results.checked} calls: "
        + ", ".join(f"{k} {v}" for k, v in sorted(mix.items()))
        + " (every engine agrees on every call)"
    )


def markdown(results: Results) -> str:
    """The table as Markdown, with the machine it ran on, for the README."""
    m = machine()
    lines = [
        f"{m['date']}; {m['cpu']}, nproc {m['nproc']}; {m['implementation']} {m['python']}; "
        f"analyzers {m['analyzers']}; "
        f"{results.calls} calls x {results.rounds} rounds; µs per decision",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|---|---|" + "--:|" * (len(COLUMNS) - 2),
    ]
    lines += ["| " + " | ".join(_cells(results, row)) + " |" for row in results.rows]
    lines += [
        "",
        *(
            f"- load + compile {k} ({results.rules.get(k, '?')} rules): {v:.0f} ms"
            for k, v in results.load_ms.items()
        ),
    ]
    lines += [f"- {k} alone: p50 {v:.1f} µs" for k, v in results.components_us.items()]
    return "\n".join(lines)
