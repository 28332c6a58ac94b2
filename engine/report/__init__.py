"""The oversight report: how a team's agents are really overseen, from decision logs and traces.

    from remit.report import build_report, render_html

    report = build_report(["~/.remit/decisions.jsonl", "~/.claude/projects"])
    print(report.as_dict()["turn_duration"]["all"])
    Path("report.html").write_text(render_html(report))

Measures and their definitions: docs/report.md. Data is loaded into DuckDB (`build.py`),
measured with SQL (`measures.py`, `tuning.py`) and rendered as HTML (`html.py`) or rich
tables (`terminal.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from . import measures as m
from .build import Dataset, jsonl_to_parquet, load
from .html import render_html
from .terminal import print_report
from .tuning import clusters, domains, rule_table, unconditional_routes

__all__ = ["Options", "Report", "build_report", "jsonl_to_parquet", "print_report", "render_html"]

Options = m.Options
Report = m.Report
SCHEMA = 1
NO_CALLS = "no tool calls"


def build_report(
    paths: Sequence[str | Path],
    *,
    policy: str | Path | Any | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    options: m.Options | None = None,
) -> Report:
    """Read decision logs, Parquet logs, event files and raw traces under `paths` and measure.

    Raw traces are replayed through `policy` (a policy file or a compiled policy; default:
    the shipped `coding-agent` policy); `since` / `until` keep what happened in [since,
    until). Lines of a log that are not records (torn by a crash, not JSON) are skipped and
    counted in `inputs.damaged_lines`. Raises `FileNotFoundError` for a missing path and
    `PolicyError` for a broken policy.
    """
    opts = options or m.Options()
    data = load(paths, policy=policy, since=since, until=until)
    try:
        return Report(_measure(data, opts, since, until))
    finally:
        data.close()


def _measure(
    data: Dataset, opts: m.Options, since: datetime | None, until: datetime | None
) -> dict[str, Any]:
    con = data.con
    m.prepare(con, unconditional_routes(data.policy))
    exp_labels = m.experience_labels(opts.experience_edges)
    exp = m.bucket_sql("experience", opts.experience_edges, exp_labels)
    edges = (
        list(opts.complexity_edges)
        if opts.complexity_edges
        else m.complexity_edges(con, opts.complexity_buckets)
    )
    cx, cx_labels = m.complexity_labels(edges)
    shares = m.call_shares(con)
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "inputs": _inputs(data, since, until),
        "totals": _totals(con, data),
        "periods": m.periods(shares),
        "experience": {
            "edges": list(opts.experience_edges),
            "labels": exp_labels,
            "source": _exp_source(con),
        },
        "complexity": {
            "proxy": "tool calls per turn",
            "edges": edges,
            "labels": cx_labels,
            "quantiles": None if opts.complexity_edges else opts.complexity_buckets,
        },
        "turn_duration": m.turn_duration(con),
        "turn_histogram": m.turn_histogram(con),
        "auto_approve": _by(
            m.auto_approve(con, exp), "by_experience", exp_labels, _share2, "no session with tool calls"
        ),
        "interrupts": _by(m.interrupt_rate(con, exp), "by_experience", exp_labels, _share2, m.NO_TURNS),
        "stops_by_complexity": _by(
            m.stops_by_complexity(con, cx), "by_complexity", cx_labels, _stops, m.NO_TURNS
        ),
        "involvement": _by(m.involvement(con, cx), "by_complexity", cx_labels, _involved, "no tool calls"),
        "interventions_per_session": _by(
            m.interventions(con, exp), "by_experience", exp_labels, _mean2, "no sessions"
        ),
        "calls": {p: _call_figures(v.get("*")) for p, v in shares.items()} or {"all": _call_figures(None)},
        "risk_autonomy": _heatmap(con),
        "riskiest": clusters(con, opts),
        "domains": domains(con, data.policy),
        "tuning": rule_table(con, data.policy, opts),
        "seconds": {"load": round(data.seconds, 3)},
    }
    return report


def _inputs(data: Dataset, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    p = data.policy
    return {
        "logs": len(data.sources.logs),
        "parquet": len(data.sources.parquet),
        "traces": len(data.sources.traces),
        "trace_problems": dict(sorted(data.trace_problems.items())),
        "damaged_lines": {"count": sum(data.damaged.values()), "files": data.damaged},
        "policy": {"name": p.name, "version": p.version, "sha256": p.sha256} if p is not None else None,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }


def _totals(con: Any, data: Dataset) -> dict[str, int]:
    queries = {
        "calls": "SELECT count(*) FROM c",
        "sessions": "SELECT count(*) FROM s",
        "turns": "SELECT count(*) FROM turns WHERE human",
        "events": "SELECT count(*) FROM events",
    }
    n = {name: int(m.rows(con, sql)[0][0]) for name, sql in queries.items()}
    order = ("calls", "sessions", "turns", "outcomes", "events")
    return {k: data.outcome_records if k == "outcomes" else n[k] for k in order}


def _exp_source(con: Any) -> str:
    found = m.rows(con, "SELECT count(*) FILTER (WHERE experience_reported), count(*) FROM s")[0]
    reported, total = int(found[0]), int(found[1])
    if total == 0:
        return "none"
    return (
        "ctx.user_session_count" if reported == total else "counted in the data" if reported == 0 else "mixed"
    )


Fmt = Callable[[m.Row | None, str], dict[str, Any]]


def _by(found: m.Grouped, name: str, labels: list[str], fmt: Fmt, reason: str = "no data") -> dict[str, Any]:
    """period -> {"all": figure, name: {label: figure}}, labels in their order."""
    out: dict[str, Any] = {}
    for period, groups in sorted(found.items()):
        out[period] = {
            "all": fmt(groups.get("*"), reason),
            name: {label: fmt(groups.get(label), "none in this bucket") for label in labels},
        }
    return out or {"all": {"all": fmt(None, reason), name: {label: fmt(None, reason) for label in labels}}}


def _share2(row: m.Row | None, reason: str) -> dict[str, Any]:
    return m.share(int(row[1]), int(row[0]), reason) if row else m.share(0, 0, reason)


def _mean2(row: m.Row | None, reason: str) -> dict[str, Any]:
    return m.mean(float(row[1] or 0), int(row[0]), reason) if row else m.mean(0, 0, reason)


def _stops(row: m.Row | None, reason: str) -> dict[str, Any]:
    n, clar_turns, int_turns, clar, ints = (int(x or 0) for x in row) if row else (0, 0, 0, 0, 0)
    ratio: dict[str, Any] = (
        {"value": round(clar / ints, 6), "n": n}
        if ints
        else {"value": None, "n": n, "reason": "no human interrupts" if n else reason}
    )
    return {
        "turns": n,
        "clarification": m.share(clar_turns, n, reason),
        "interrupt": m.share(int_turns, n, reason),
        "clarifications": clar,
        "interrupts": ints,
        "clarifications_per_interrupt": ratio,
    }


def _involved(row: m.Row | None, reason: str) -> dict[str, Any]:
    n, asked, approved, denied, blocked = (int(x or 0) for x in row) if row else (0, 0, 0, 0, 0)
    return {
        "calls": n,
        "asked": m.share(asked, n, reason),
        "approved": m.share(approved, n, reason),
        "denied": m.share(denied, n, reason),
        "blocked": m.share(blocked, n, reason),
    }


def _call_figures(row: m.Row | None) -> dict[str, Any]:
    n, sessions, allow, ask, block, safe, hitl, irrev = (int(x or 0) for x in row) if row else (0,) * 8
    return {
        "n": n,
        "sessions": sessions,
        "decisions": {"allow": allow, "ask": ask, "block": block},
        "safeguard": m.share(safe, n, NO_CALLS),
        "human_in_loop": m.share(hitl, n, NO_CALLS),
        "irreversible": m.share(irrev, n, NO_CALLS),
    }


def _heatmap(con: Any) -> dict[str, Any]:
    grid = m.risk_autonomy(con)
    return {"rows": "risk 1..10", "columns": "autonomy 1..10", "counts": grid, "n": sum(map(sum, grid))}
