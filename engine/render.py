"""Render results for people in a terminal (used by cli.py, the only other module that prints)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

ROUTES = ("allow", "ask", "block")
STYLE = {"allow": "green", "ask": "yellow", "block": "bold red"}


def _share(n: int, total: int) -> str:
    return f"{n} ({100 * n / total:.1f}%)" if total else str(n)


def replay_summary(out: Console, result: Any) -> None:
    """The summary of a replay: totals, decisions by tool and rule, riskiest calls, changes, problems."""
    r = result
    formats = ", ".join(f"{k}: {v}" for k, v in r.formats.items()) or "no trace found"
    out.print(f"[bold]{r.calls}[/] calls in [bold]{r.sessions}[/] sessions, {r.files} file(s) ({formats})")
    out.print(
        "decisions: "
        + ", ".join(f"[{STYLE[k]}]{k}[/] {_share(r.decisions.get(k, 0), r.calls)}" for k in ROUTES)
    )
    _by_tool(out, r)
    _by_rule(out, r)
    _riskiest(out, r)
    if r.change_groups is not None:
        _changes(out, r)
    _problems(out, r)
    out.print(f"[dim]replayed in {r.seconds:.1f}s[/]")


def _by_tool(out: Console, r: Any) -> None:
    if not r.by_tool:
        return
    table = Table(title="by tool", title_justify="left", box=None, padding=(0, 2))
    table.add_column("tool")
    for k in ROUTES:
        table.add_column(k, justify="right", style=STYLE[k])
    ranked = sorted(r.by_tool.items(), key=lambda kv: -sum(kv[1].values()))
    for tool, counts in ranked[:15]:
        table.add_row(escape(tool), *(str(counts.get(k, 0)) for k in ROUTES))
    if len(ranked) > 15:
        table.add_row(f"[dim]… {len(ranked) - 15} more tools[/]", "", "", "")
    out.print(table)


def _by_rule(out: Console, r: Any) -> None:
    if not r.by_rule:
        return
    table = Table(title="decided by", title_justify="left", box=None, padding=(0, 2))
    table.add_column("rule or route")
    table.add_column("calls", justify="right")
    for rule, n in list(r.by_rule.items())[:20]:
        table.add_row(escape(rule), str(n))
    out.print(table)


def _riskiest(out: Console, r: Any) -> None:
    if not r.riskiest:
        return
    out.print("[bold]riskiest calls[/]")
    for call in r.riskiest[:10]:
        ratings = call["ratings"]
        why = "; ".join(x["message"] or x["id"] for x in call["reasons"])
        out.print(
            f"  [{STYLE[call['decision']]}]{call['decision']}[/] risk {ratings['risk']} "
            f"{ratings['reversibility']} {escape(call['tool'])}: {escape(str(call['args'])[:90])}"
        )
        out.print(f"      [dim]{escape(why)} at {escape(call['source'])}[/]")


def _changes(out: Console, r: Any) -> None:
    if not r.change_groups:
        out.print("[green]no decision changes against the baseline[/]")
        return
    out.print(f"[bold]{r.changed}[/] call(s) decided differently than by the baseline:")
    for group in r.change_groups:
        moves = ", ".join(f"{move} {n}" for move, n in group["moves"].items())
        before = ", ".join(group["rules_before"]) or "-"
        after = ", ".join(group["rules_after"]) or "-"
        out.print(f"  {group['count']} by [bold]{escape(after)}[/] (was {escape(before)}): {moves}")
        for call in group["calls"][:5]:
            what = f"{call['tool']} {str(call['args'])[:70]}"
            out.print(f"      [dim]{escape(what)} at {escape(call['source'])}[/]")


def _problems(out: Console, r: Any) -> None:
    problems = r.problems
    if not problems.get("total"):
        return
    counts = ", ".join(f"{k}: {v}" for k, v in problems["counts"].items())
    out.print(f"[yellow]{problems['total']} trace problem(s) skipped[/] ({counts})")
    for p in problems["first"][:10]:
        out.print(f"  [dim]{escape(str(p.get('file')))}:{p.get('line')}: {escape(str(p.get('message')))}[/]")
