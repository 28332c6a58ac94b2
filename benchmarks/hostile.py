"""`python -m benchmarks.hostile`: what the costliest hostile calls cost, against ordinary ones.

Each hostile call is shaped to make one part of a decision work as hard as the bounds allow:
shell text at the length the analyzer still parses, thousands of words, pipes, brace groups
or expansions, many `bash -c` and `eval` scripts in one command, deep nesting, a path or a
list at the size the `Guard` still accepts. Every shipped policy decides each of them (its
parse cache off, so every parse is paid), and decides the ordinary calls of
`benchmarks/calls.py` in the same run: the reference. A last row is a policy of our own
whose one rule nests a macro over one list of the call inside a macro over another (what
`remit lint` warns about): the CEL work budget is what stops it.

Times are medians over the rounds, per call, in milliseconds; nothing here is asserted
(the tests count work instead, see SECURITY.md).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Sequence
from typing import Any

import remit
from remit.resources import shipped_policy

from .calls import all_calls

POLICIES = ("coding-agent", "strict", "ci", "business-agent")

NESTED_MACROS = """\
remit: 1
name: nested-macros
defaults: {decision: allow, on_error: block}
rules:
  - id: shared-recipient
    tools: [send_email]
    block: args.to.exists(a, args.cc.exists(b, a == b))
"""


def hostile_calls(scale: float = 1.0) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, tool, args) of each hostile call; `scale` shrinks them for a quick run."""

    def n(count: int) -> int:
        return max(2, int(count * scale))

    script = "echo " + "a " * n(2_000)
    return [
        ("4 KB of words", "Bash", {"command": "echo " + "a " * n(2_045)}),
        ("4 KB of brace groups", "Bash", {"command": "echo " + "{a,b}" * n(800)}),
        ("4 KB of expansions in quotes", "Bash", {"command": 'echo "' + "a$x" * n(1_360) + '"'}),
        ("4 KB pipeline", "Bash", {"command": "cat x" + " | cat" * n(818)}),
        ("80 KB of words", "Bash", {"command": "echo " + "a " * n(40_000)}),
        ("20,000-stage pipeline", "Bash", {"command": "|".join(["cat"] * n(20_000))}),
        ("30,000 commands", "Bash", {"command": ";".join(["ls"] * n(30_000))}),
        ("24 bash -c scripts of 2,000 words", "Bash", {"command": ";".join([f"bash -c '{script}'"] * 24)}),
        ("24 eval scripts of 2,000 words", "Bash", {"command": ";".join([f"eval '{script}'"] * 24)}),
        ("4 KB arithmetic", "Bash", {"command": "echo $((" + "1+" * n(2_000) + "1))"}),
        ("loop of 800 commands", "Bash", {"command": "for i in 1; do " + "ls; " * n(800) + "done"}),
        ("find with 300 -exec", "Bash", {"command": "find . " + "-exec rm {} \\; " * n(300)}),
        ("600 cd", "Bash", {"command": "; ".join(f"cd d{i}" for i in range(n(600))) + "; rm -rf x"}),
        ("300 bash -c in a bash -c", "Bash", {"command": "bash -c '" + 'bash -c "ls; " ;' * n(300) + "'"}),
        ("4 KB of astral characters", "Bash", {"command": "echo " + "é😀 " * n(1_500)}),
        ("substitutions 2,000 deep", "Bash", {"command": "echo " + "$(" * n(2_000) + "x" + ")" * n(2_000)}),
        ("rm of 700 paths", "Bash", {"command": "rm -rf " + " ".join(f"/e/{i}" for i in range(n(700)))}),
        ("99 KB word", "Bash", {"command": "echo " + "a" * n(99_000)}),
        ("900 KB path", "Read", {"file_path": "/a" * n(450_000)}),
        ("90,000-item list", "mcp__x__y", {"items": ["x"] * n(90_000)}),
        ("990 KB URL", "WebFetch", {"url": "https://example.com/" + "a" * n(990_000)}),
    ]


def timed(guard: remit.Guard, tool: str, args: dict[str, Any], ctx: dict[str, Any], rounds: int) -> float:
    """Median milliseconds of one decision over `rounds` runs (one untimed run first)."""
    guard.check(tool, args, ctx)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        guard.check(tool, args, ctx)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print; `--quick` for the test suite."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hostile")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small inputs, one round")
    options = parser.parse_args(argv)
    rounds, scale = (1, 0.01) if options.quick else (options.rounds, 1.0)
    ordinary = all_calls()[:: 20 if options.quick else 1]
    guards = {}
    for name in POLICIES:
        path = shipped_policy(name)
        assert path is not None, name
        guards[name] = remit.Guard.from_path(path, parse_cache=0)
    nested = remit.Guard.from_text(NESTED_MACROS, parse_cache=0)
    ctx = {"cwd": "/home/dev/projects/shop"}
    gc.collect()
    gc.disable()
    try:
        reference = {
            name: statistics.median(timed(g, c.tool, c.args, c.ctx, rounds) for c in ordinary)
            for name, g in guards.items()
        }
        print(f"{'hostile call':<36} {'worst ms':>9}  {'policy':<15} decision")
        worst = 0.0
        for label, tool, args in hostile_calls(scale):
            ms, name = max((timed(g, tool, args, ctx, rounds), name) for name, g in guards.items())
            worst = max(worst, ms)
            print(f"{label:<36} {ms:9.2f}  {name:<15} {guards[name].check(tool, args, ctx).decision.value}")
        size = max(2, int(1_000 * scale))
        lists = {"to": [f"u{i}@acme.com" for i in range(size)], "cc": [f"c{i}@acme.com" for i in range(size)]}
        ms = timed(nested, "send_email", lists, {}, rounds)
        d = nested.check("send_email", lists, {})
        outcome = "; ".join(e.message for e in d.errors)[:60] or "within the budget"
        label = f"nested macros, 2 x {size:,} recipients"
        print(f"{label:<36} {ms:9.2f}  {'(own policy)':<15} {d.decision.value} ({outcome})")
    finally:
        gc.enable()
    ref = max(reference.values())
    medians = ", ".join(f"{k} {v * 1000:.0f} µs" for k, v in reference.items())
    print(f"\nordinary calls (benchmarks/calls.py), median per policy: {medians}")
    print(f"worst hostile call with a shipped policy: {worst:.2f} ms, {worst / ref:.0f}x an ordinary call")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
