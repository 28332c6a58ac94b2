"""The report as a terminal summary: rich tables, each figure with its sample size."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .html import duration
from .measures import Report

__all__ = ["print_report"]


def print_report(console: Console, report: Report) -> None:
    """Print the headline figures, then one table per part of the report."""
    d: dict[str, Any] = report.as_dict()
    t = d["totals"]
    console.print(
        f"[bold]Oversight report[/]: {t['calls']:,} tool calls, {t['sessions']:,} sessions, "
        f"{t['turns']:,} turns, {len(d['periods'])} week(s)"
    )
    damaged = d["inputs"].get("damaged_lines") or {}
    for name, n in (damaged.get("files") or {}).items():
        console.print(
            f"[yellow]warning[/]: {n:,} damaged line(s) of {escape(name)} skipped (not JSON records: "
            f"torn by a crash or edited; `remit log verify` says where)"
        )
    problems = d["inputs"].get("trace_problems") or {}
    if problems:  # calls of the traces that are not in the figures
        kinds = ", ".join(f"{kind}: {n:,}" for kind, n in problems.items())
        console.print(
            f"[yellow]warning[/]: {sum(problems.values()):,} trace problem(s) skipped ({escape(kinds)}; "
            "`remit replay` says where)"
        )
    for table in (
        _headline(d),
        _turns(d),
        _experience(d),
        _complexity(d),
        _weeks(d),
        _clusters(d),
        _rules(d),
    ):
        console.print(table)
    _advice(console, d["tuning"])


def _share(fig: dict[str, Any] | None, digits: int = 1) -> str:
    if not fig or fig.get("value") is None:
        return "[dim]—[/]"
    return f"{fig['value'] * 100:.{digits}f} % [dim]({fig.get('count', 0):,}/{fig['n']:,})[/]"


def _n(fig: dict[str, Any]) -> str:
    return (
        f"{fig['n']:,}"
        if fig.get("value") is not None or fig.get("p50") is not None
        else f"[dim]{escape(fig.get('reason', 'no data'))}[/]"
    )


def _headline(d: dict[str, Any]) -> Table:
    table = Table(title="Headline", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("n", justify="right")
    td, calls = d["turn_duration"]["all"], d["calls"]["all"]
    auto, ints = d["auto_approve"]["all"]["all"], d["interrupts"]["all"]["all"]
    inter = d["interventions_per_session"]["all"]["all"]
    table.add_row("turn duration p50", duration(td.get("p50")), _n(td))
    table.add_row("turn duration p99.9", duration(td.get("p99_9")), _n(td))
    table.add_row("sessions in full auto-approve", _share(auto), _n(auto))
    table.add_row("turns interrupted by a human", _share(ints), _n(ints))
    table.add_row(
        "interventions per session", "—" if inter["value"] is None else f"{inter['value']:.2f}", _n(inter)
    )
    table.add_row("calls under a safeguard", _share(calls["safeguard"]), f"{calls['n']:,}")
    table.add_row("calls with a human in the loop", _share(calls["human_in_loop"]), f"{calls['n']:,}")
    table.add_row("calls rated irreversible", _share(calls["irreversible"], 2), f"{calls['n']:,}")
    return table


def _turns(d: dict[str, Any]) -> Table:
    table = Table(title="Turn duration", title_justify="left")
    for name in ("period", "turns", "p50", "p90", "p99", "p99.9"):
        table.add_column(name, justify="left" if name == "period" else "right")
    for period in ["all", *(w for w in d["periods"] if w in d["turn_duration"])]:
        td = d["turn_duration"][period]
        table.add_row(period, f"{td['n']:,}", *(duration(td.get(k)) for k in ("p50", "p90", "p99", "p99_9")))
    return table


def _experience(d: dict[str, Any]) -> Table:
    table = Table(
        title=f"By experience (sessions seen before; from {d['experience']['source']})", title_justify="left"
    )
    for name in ("sessions before", "full auto-approve", "interrupted turns", "interventions / session"):
        table.add_column(name, justify="left" if name == "sessions before" else "right")
    auto = d["auto_approve"]["all"]["by_experience"]
    ints = d["interrupts"]["all"]["by_experience"]
    inter = d["interventions_per_session"]["all"]["by_experience"]
    for label in d["experience"]["labels"]:
        per = inter[label]
        mean = "[dim]—[/]" if per["value"] is None else f"{per['value']:.2f} [dim](n={per['n']:,})[/]"
        table.add_row(label, _share(auto[label]), _share(ints[label]), mean)
    return table


def _complexity(d: dict[str, Any]) -> Table:
    table = Table(title="By task complexity (tool calls per turn)", title_justify="left")
    for name in (
        "calls per turn",
        "turns",
        "clarification",
        "interrupt",
        "calls",
        "asked",
        "approved",
        "denied",
    ):
        table.add_column(name, justify="left" if name == "calls per turn" else "right")
    stops = d["stops_by_complexity"]["all"]["by_complexity"]
    inv = d["involvement"]["all"]["by_complexity"]
    for x in d["complexity"]["labels"]:
        s, i = stops[x], inv[x]
        table.add_row(
            x,
            f"{s['turns']:,}",
            _share(s["clarification"]),
            _share(s["interrupt"]),
            f"{i['calls']:,}",
            _share(i["asked"]),
            _share(i["approved"]),
            _share(i["denied"]),
        )
    return table


def _weeks(d: dict[str, Any]) -> Table:
    table = Table(title="Decisions per week", title_justify="left")
    for name in (
        "period",
        "calls",
        "allow",
        "ask",
        "block",
        "safeguard",
        "human in the loop",
        "irreversible",
    ):
        table.add_column(name, justify="left" if name == "period" else "right")
    for period in ["all", *(w for w in d["periods"] if w in d["calls"])]:
        c = d["calls"][period]
        dec = c["decisions"]
        table.add_row(
            period,
            f"{c['n']:,}",
            f"{dec['allow']:,}",
            f"{dec['ask']:,}",
            f"{dec['block']:,}",
            _share(c["safeguard"]),
            _share(c["human_in_loop"]),
            _share(c["irreversible"], 2),
        )
    return table


def _clusters(d: dict[str, Any]) -> Table:
    table = Table(title="Riskiest clusters", title_justify="left")
    for name in ("tool · program", "calls", "mean risk", "max", "irreversible", "ask", "block"):
        table.add_column(name, justify="left" if name == "tool · program" else "right")
    for c in d["riskiest"]["clusters"][:10]:
        name = c["tool"] + (f" · {c['program']}" if c["program"] else "")
        mean = "—" if c["mean_risk"] is None else f"{c['mean_risk']:.1f}"
        table.add_row(
            escape(name),
            f"{c['calls']:,}",
            mean,
            str(c["max_risk"]),
            f"{c['irreversible']:,}",
            f"{c['ask']:,}",
            f"{c['block']:,}",
        )
    return table


def _rules(d: dict[str, Any]) -> Table:
    table = Table(title="Rules", title_justify="left")
    for name in (
        "rule",
        "decided",
        "allow",
        "ask",
        "block",
        "approved",
        "median to approve",
        "timeouts",
        "overridden",
    ):
        table.add_column(name, justify="left" if name == "rule" else "right")
    for r in d["tuning"]["rules"]:
        rate = r["approval_rate"]
        approved = (
            "[dim]—[/]" if rate["value"] is None else f"{rate['value'] * 100:.1f} % [dim](n={rate['n']:,})[/]"
        )
        ms = r["median_ms_to_approve"]["value"]
        dec = r["decisions"]
        table.add_row(
            escape(r["id"]),
            f"{r['matched']:,}",
            f"{dec['allow']:,}",
            f"{dec['ask']:,}",
            f"{dec['block']:,}",
            approved,
            "—" if ms is None else duration(ms / 1000),
            f"{r['timeouts']:,}",
            f"{r['blocks_overridden']:,}",
        )
    return table


def _advice(console: Console, t: dict[str, Any]) -> None:
    for c in t["candidates_to_allow"]:
        console.print(
            f"[yellow]candidate to allow[/]: [bold]{escape(c['id'])}[/] — {c['approved']:,} of "
            f"{c['answered']:,} asks approved"
        )
    if t["never_decide"]:
        console.print("[dim]rules that never decided:[/] " + escape(", ".join(t["never_decide"])))
    for o in t["blocks_overridden"]:
        console.print(f"[red]blocks overridden[/]: {escape(o['id'])} ({o['count']:,})")
    for o in t["asks_timed_out"]:
        console.print(f"[yellow]asks timed out[/]: {escape(o['id'])} ({o['count']:,} of {o['asks']:,})")
