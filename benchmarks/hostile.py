"""`python -m benchmarks.hostile`: what the costliest hostile calls cost, against ordinary ones.

Each hostile call is shaped to make one part of a decision work as hard as the bounds allow:
shell text at the length the analyzer still parses, thousands of words, pipes, brace groups
or expansions, many `bash -c` and `eval` scripts in one command, deep nesting, a path or a
list at the size the `Guard` still accepts, text full of secret-looking words for the log's
redaction. Every shipped policy decides each of them (its parse cache off, so every parse is
paid), without and with a decision log, and decides the ordinary calls of
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
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
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
        ("50 KB sed script of escaped quits", "Bash", {"command": "sed '" + '";\\q"' * n(10_000) + "' f"}),
        ("40 KB sed script, brackets open", "Bash", {"command": "sed '" + ";s/[/" * n(8_000) + "' f"}),
        ("40 KB scheme run, network tool", "Bash", {"command": "git clone -" + "c" * n(40_000) + " u"}),
        ("900 KB path", "Read", {"file_path": "/a" * n(450_000)}),
        ("24,000-item list", "mcp__x__y", {"items": ["x"] * n(24_000)}),
        ("12,000 small objects", "mcp__x__y", {"rows": [{"id": f"r{i}"} for i in range(n(12_000))]}),
        ("8,000 lists in lists", "mcp__x__y", {"rows": [[[i]] for i in range(n(8_000))]}),
        ("1,000,000 items, past the bound", "mcp__x__y", {"items": list(range(n(1_000_000)))}),
        (
            "1,000,000 objects, past the bound",
            "mcp__x__y",
            {"rows": [{"id": i} for i in range(n(1_000_000))]},
        ),
        (
            "12,000 objects with a password",
            "mcp__x__y",
            {"rows": [{"password": f"pw-{i}"} for i in range(n(12_000))]},
        ),
        ("99 KB of secret-looking text", "Bash", {"command": "echo " + "secret_access_key " * n(5_500)}),
        ("99 KB of key= assignments", "Bash", {"command": "export " + "API_KEY=x " * n(11_000)}),
        ("900 KB of tokens in a list", "mcp__x__y", {"tokens": ["ghp_" + "a" * 36] * n(22_000)}),
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
    folder = tempfile.TemporaryDirectory()
    plain: dict[str, remit.Guard] = {}
    logged: dict[str, remit.Guard] = {}
    for name in POLICIES:
        path = shipped_policy(name)
        assert path is not None, name
        plain[name] = remit.Guard.from_path(path, parse_cache=0)
        # the same policy writing every decision: redaction and the write have bounds too
        logged[name] = remit.Guard.from_path(path, parse_cache=0, log=Path(folder.name) / f"{name}.jsonl")
    nested = remit.Guard.from_text(NESTED_MACROS, parse_cache=0)
    ctx = {"cwd": "/home/dev/projects/shop"}
    gc.collect()
    gc.disable()
    try:
        reference = [
            max(
                statistics.median(timed(g, c.tool, c.args, c.ctx, rounds) for c in ordinary)
                for g in guards.values()
            )
            for guards in (plain, logged)
        ]
        print(f"{'hostile call':<36} {'no log':>8} {'policy':<15} {'+ log':>8} {'policy':<15} decision")
        worst = [0.0, 0.0]
        for label, tool, args in hostile_calls(scale):
            row = f"{label:<36}"
            for i, guards in enumerate((plain, logged)):
                ms, name = max((timed(g, tool, args, ctx, rounds), name) for name, g in guards.items())
                worst[i] = max(worst[i], ms)
                row += f" {ms:8.2f} {name:<15}"
            print(row, plain[name].check(tool, args, ctx).decision.value)
        size = max(2, int(1_000 * scale))
        lists = {"to": [f"u{i}@acme.com" for i in range(size)], "cc": [f"c{i}@acme.com" for i in range(size)]}
        ms = timed(nested, "send_email", lists, {}, rounds)
        d = nested.check("send_email", lists, {})
        outcome = "; ".join(e.message for e in d.errors)[:60] or "within the budget"
        label = f"nested macros, 2 x {size:,} recipients"
        print(f"{label:<36} {ms:8.2f} {'(own policy)':<15} {'':>8} {'':<15} {d.decision.value} ({outcome})")
    finally:
        gc.enable()
        folder.cleanup()
    print(
        f"\nordinary calls (benchmarks/calls.py), median, slowest policy: {reference[0] * 1000:.0f} µs, "
        f"{reference[1] * 1000:.0f} µs with a log"
    )
    for what, ms, ref in (("without a log", worst[0], reference[0]), ("with a log", worst[1], reference[1])):
        print(
            f"worst hostile call with a shipped policy, {what}: {ms:.2f} ms, {ms / ref:.0f}x an ordinary call"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
