"""The rows of the table: each engine is a way to decide a call, and a way to read its decision.

To add a peer (cedarpy, regorus...), write a function that returns an `Engine` whose `run`
decides one call with that library and whose `verdict` turns its answer into "allow", "ask"
or "block", then list it in `__main__.build_engines`. The harness checks that every engine
agrees with the reference (`Guard.check`) on every call before it times anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import remit

from .calls import Call
from .floor import Floor

Run = Callable[[str, dict[str, Any], dict[str, Any]], Any]
"""Decide one call: `run(tool, args, ctx)`; this is what the harness times."""


@dataclass(frozen=True)
class Engine:
    """One row of the table."""

    name: str
    policy: str
    description: str
    run: Run
    verdict: Callable[[Any], str]
    """The decision of what `run` returned, as "allow", "ask" or "block"."""
    max_rounds: int | None = None
    """Time at most this many rounds (for engines so slow that more would add nothing)."""

    def decide(self, call: Call) -> str:
        """The decision on one call (not timed)."""
        return self.verdict(self.run(call.tool, call.args, call.ctx))


def _route_of(decision: remit.Decision) -> str:
    return decision.decision.value


def _same(value: str) -> str:
    return value


def remit_engine(
    path: Path,
    *,
    name: str,
    log: Path | None = None,
    policy: str = "",
    durability: str = "flush",
    parse_cache: int = 0,
) -> Engine:
    """`Guard.check` on the policy at `path`, logging to `log` (with `durability`) when given.

    Cold by default: every shell command is parsed anew (`parse_cache=0`), as in the other
    rows, whatever the calls repeat. With `parse_cache`, a command seen before (the timed
    rounds repeat every call) reuses its facts: that row is the warm case, labelled so.
    """
    guard = remit.Guard.from_path(
        path, log=log, log_durability=durability if log is not None else None, parse_cache=parse_cache
    )
    what = f"with the decision log ({durability}, a temp file)" if log is not None else "no log"
    parsing = f"facts of the last {parse_cache} commands reused" if parse_cache else "every command parsed"
    return Engine(
        name=name,
        policy=policy or path.stem,
        description=f"remit `Guard.check`, CEL compiled to Python, {what}, {parsing}",
        run=guard.check,
        verdict=_route_of,
    )


def floor_engine() -> Engine:
    """The hand-written closures of `floor.py`."""
    return Engine(
        name="floor (Python closures)",
        policy="bench-50",
        description="the same rules hand-written as Python closures, no CEL, no log",
        run=Floor().decide,
        verdict=_same,
    )


class Disagreement(AssertionError):
    """Two engines decided a call differently: timing them would compare different work."""


def check_agreement(engines: Sequence[Engine], calls: Sequence[Call]) -> dict[str, Counter[str]]:
    """Decide every call with every engine; raise `Disagreement` unless all agree with the first.

    Returns, per engine, how many calls it allowed, asked about and blocked.
    """
    reference, *others = engines
    expected = [reference.decide(c) for c in calls]
    counts = {reference.name: Counter(expected)}
    problems: list[str] = []
    for engine in others:
        got = [engine.decide(c) for c in calls]
        counts[engine.name] = Counter(got)
        problems += [
            f"{engine.name}: {c.tool} {c.args!r} ctx={c.ctx!r}: {g}, reference says {e}"
            for c, e, g in zip(calls, expected, got, strict=True)
            if g != e
        ]
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise Disagreement(f"{len(problems)} decisions differ from {reference.name}:\n  {shown}{more}")
    return counts
