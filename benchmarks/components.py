"""Where the time of a decision goes: remit's analyzers, timed alone on the same calls.

Both remit and the floor pay for the `shell` and `path` facts (the floor calls the same
functions), so these numbers are the part of a decision that no rule engine can save.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from remit.analyzers.path import path_facts
from remit.analyzers.shell import ShellFacts, shell_facts

from .calls import Call
from .engines import Engine, Run
from .timing import summarize, time_engines


def _cwd(ctx: dict[str, Any]) -> str | None:
    cwd = ctx.get("cwd")
    return cwd if isinstance(cwd, str) and cwd else None


def _shell(tool: str, args: dict[str, Any], ctx: dict[str, Any]) -> ShellFacts:
    return shell_facts(tool, args, _cwd(ctx))


def _path_after(calls: Sequence[Call], runs: int) -> Run:
    """`path_facts` given the call's shell facts, computed beforehand (not timed).

    Each run gets a parse of its own: facts kept on a parse for the next call (as a warm
    `ParseCache` shares them) must not be what this row times.
    """
    uses = Counter(id(c.args) for c in calls)
    fresh = {id(c.args): [_shell(*c) for _ in range(uses[id(c.args)] * runs)] for c in calls}

    def run(tool: str, args: dict[str, Any], ctx: dict[str, Any]) -> Any:
        return path_facts(tool, args, _cwd(ctx), fresh[id(args)].pop())

    return run


def _engine(name: str, run: Run) -> Engine:
    return Engine(name, "-", "an analyzer alone", run, str)


def component_p50s(calls: Sequence[Call], *, rounds: int, warmup: int) -> dict[str, float]:
    """The p50 (µs) of each analyzer over the calls it works on."""
    shell_calls = [c for c in calls if c.tool == "Bash"]
    file_calls = [c for c in calls if c.tool in ("Read", "Edit", "MultiEdit", "Write", "Grep")]
    out: dict[str, float] = {}
    for label, subset, run in (
        ("shell_facts, Bash calls", shell_calls, _shell),
        ("path_facts, Bash calls", shell_calls, _path_after(shell_calls, rounds + warmup)),
        ("path_facts, file tool calls", file_calls, _path_after(file_calls, rounds + warmup)),
    ):
        if subset:
            times = time_engines([_engine(label, run)], subset, rounds=rounds, warmup=warmup)
            out[label] = summarize(times[label]).p50_us
    return out
