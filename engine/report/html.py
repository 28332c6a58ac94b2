"""The report as one self-contained HTML page: inline CSS, inline SVG charts, no network.

Charts are drawn here, in Python, as SVG: the risk x autonomy heatmap, the turn-duration
distribution and its weekly percentiles, decisions per week, and per-rule friction.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from .measures import Report
from .svg import bars, hbars, heatmap, lines, stacked

__all__ = ["render_html"]

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;
background:#f6f8fa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.sub{color:#57606a;margin-bottom:16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px}
.card .v{font-size:24px;font-weight:600}.card .l{color:#57606a;font-size:12px}
.card .n{color:#8c959f;font-size:11px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.panel{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid #eaeef2;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f6f8fa}
.null{color:#8c959f;font-style:italic}.note{color:#57606a;font-size:12px}.warn{color:#9a6700}
svg text{font-family:system-ui,sans-serif}
"""


def render_html(report: Report) -> str:
    """One HTML page with every figure of the report and its charts."""
    d: dict[str, Any] = report.as_dict()
    sections = [
        _header(d),
        _cards(d),
        _turns(d),
        _experience(d),
        _complexity(d),
        _decisions(d),
        _risk(d),
        _tuning(d),
    ]
    body = "\n".join(sections)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>remit oversight report</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


# -- pieces ---------------------------------------------------------------------------------------


def pct(fig: dict[str, Any] | None, digits: int = 1) -> str:
    """A share as a percentage, or an em dash."""
    if not fig or fig.get("value") is None:
        return "—"
    return f"{fig['value'] * 100:.{digits}f} %"


def duration(seconds: float | None) -> str:
    """Seconds as `45 s`, `12.5 min`, `1.2 h`."""
    if seconds is None:
        return "—"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _card(label: str, value: str, n: Any, reason: str | None = None) -> str:
    foot = f"n = {n:,}" if isinstance(n, int) else ""
    if reason:
        foot = f"<span class=null>{escape(reason)}</span>"
    return (
        f"<div class=card><div class=l>{escape(label)}</div><div class=v>{escape(value)}</div>"
        f"<div class=n>{foot}</div></div>"
    )


def _table(head: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in body)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def _fig(fig: dict[str, Any] | None) -> str:
    """A share with its count and n, or the reason it is missing."""
    if not fig or fig.get("value") is None:
        reason = (fig or {}).get("reason", "no data")
        return f"<span class=null title='{escape(reason)}'>—</span>"
    return f"{pct(fig)} <span class=note>({fig.get('count', 0):,}/{fig['n']:,})</span>"


def _header(d: dict[str, Any]) -> str:
    inputs, totals = d["inputs"], d["totals"]
    policy = inputs.get("policy") or {}
    span = f"{d['periods'][0]} to {d['periods'][-1]}" if d["periods"] else "no timestamps"
    parts = [f"{inputs['logs'] + inputs['parquet']} log file(s)", f"{inputs['traces']} trace file(s)"]
    if policy:
        parts.append(f"traces replayed through {escape(policy['name'])} v{escape(str(policy['version']))}")
    damaged = (inputs.get("damaged_lines") or {}).get("count", 0)
    if damaged:
        parts.append(f"<b class=warn>{damaged:,} damaged log line(s) skipped</b>")
    problems = sum((inputs.get("trace_problems") or {}).values())
    if problems:
        parts.append(f"<b class=warn>{problems:,} trace problem(s) skipped</b>")
    return (
        "<h1>Oversight report</h1>"
        f"<div class=sub>{totals['calls']:,} tool calls, {totals['sessions']:,} sessions, "
        f"{totals['turns']:,} turns; weeks {escape(span)}; {'; '.join(parts)}</div>"
    )


def _cards(d: dict[str, Any]) -> str:
    calls, turns = d["calls"]["all"], d["turn_duration"]["all"]
    auto, ints = d["auto_approve"]["all"]["all"], d["interrupts"]["all"]["all"]
    inter = d["interventions_per_session"]["all"]["all"]
    cards = [
        _card("turn duration p50", duration(turns.get("p50")), turns["n"], turns.get("reason")),
        _card("turn duration p99.9", duration(turns.get("p99_9")), turns["n"], turns.get("reason")),
        _card("sessions in full auto-approve", pct(auto), auto["n"], auto.get("reason")),
        _card("turns interrupted by a human", pct(ints), ints["n"], ints.get("reason")),
        _card(
            "interventions per session",
            "—" if inter["value"] is None else f"{inter['value']:.2f}",
            inter["n"],
            inter.get("reason"),
        ),
        _card("calls under a safeguard", pct(calls["safeguard"]), calls["n"]),
        _card("calls with a human in the loop", pct(calls["human_in_loop"]), calls["n"]),
        _card("calls rated irreversible", pct(calls["irreversible"], 2), calls["n"]),
    ]
    return "<div class=cards>" + "".join(cards) + "</div>"


def _turns(d: dict[str, Any]) -> str:
    hist = d["turn_histogram"]
    edges = hist["edges"]
    labels = [f"<{_short(hi)}" for hi in edges[1:]] + [f"≥{_short(edges[-1])}"]
    dist = bars(labels, hist["counts"], title="turns by duration", y_label="turns")
    weeks = [w for w in d["periods"] if w in d["turn_duration"]]
    series = {
        name: [_minutes(d["turn_duration"][w].get(key)) for w in weeks]
        for name, key in (("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p99.9", "p99_9"))
    }
    trend = lines(weeks, series, title="turn duration per week (minutes, log scale)", log=True)
    rows = [
        [escape(w), f"{t['n']:,}", *(duration(t.get(k)) for k in ("p50", "p90", "p99", "p99_9"))]
        for w, t in ((w, d["turn_duration"][w]) for w in ["all", *weeks])
    ]
    table = _table(["period", "turns", "p50", "p90", "p99", "p99.9"], rows)
    return (
        f"<h2>Turn duration</h2><div class=grid2><div class=panel>{dist}</div>"
        f"<div class=panel>{trend}</div></div><div class=panel>{table}</div>"
    )


def _short(seconds: int) -> str:
    """A bin edge: `30 s`, `2 min`."""
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min"


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def _experience(d: dict[str, Any]) -> str:
    labels = d["experience"]["labels"]
    auto = d["auto_approve"]["all"]["by_experience"]
    ints = d["interrupts"]["all"]["by_experience"]
    inter = d["interventions_per_session"]["all"]["by_experience"]
    rows = [
        [
            escape(lab),
            _fig(auto[lab]),
            _fig(ints[lab]),
            "—"
            if inter[lab]["value"] is None
            else f"{inter[lab]['value']:.2f} <span class=note>(n={inter[lab]['n']:,})</span>",
        ]
        for lab in labels
    ]
    chart = hbars(
        labels,
        {
            "full auto-approve (sessions)": [_val(auto[lab]) for lab in labels],
            "interrupted (turns)": [_val(ints[lab]) for lab in labels],
        },
        title="by sessions seen before",
        percent=True,
    )
    table = _table(
        ["sessions seen before", "full auto-approve", "interrupted turns", "interventions / session"], rows
    )
    note = f"<p class=note>experience from {escape(d['experience']['source'])}</p>"
    return f"<h2>Experience</h2>{_pair(table + note, chart)}"


def _val(fig: dict[str, Any]) -> float | None:
    value = fig.get("value")
    return None if value is None else float(value)


def _complexity(d: dict[str, Any]) -> str:
    labels = d["complexity"]["labels"]
    stops = d["stops_by_complexity"]["all"]["by_complexity"]
    inv = d["involvement"]["all"]["by_complexity"]
    chart = hbars(
        labels,
        {
            "agent asked for clarification": [_val(stops[x]["clarification"]) for x in labels],
            "human interrupted": [_val(stops[x]["interrupt"]) for x in labels],
        },
        title="stops per turn, by tool calls per turn",
        percent=True,
    )
    rows = [
        [
            escape(x),
            f"{stops[x]['turns']:,}",
            _fig(stops[x]["clarification"]),
            _fig(stops[x]["interrupt"]),
            f"{inv[x]['calls']:,}",
            _fig(inv[x]["asked"]),
            _fig(inv[x]["approved"]),
            _fig(inv[x]["denied"]),
        ]
        for x in labels
    ]
    table = _table(
        ["calls per turn", "turns", "clarification", "interrupt", "calls", "asked", "approved", "denied"],
        rows,
    )
    involved = hbars(
        labels,
        {name: [_val(inv[x][name]) for x in labels] for name in ("asked", "approved", "denied")},
        title="human involvement per tool call, by tool calls per turn",
        percent=True,
    )
    note = (
        "<p class=note>complexity proxy: tool calls per turn, in quantile buckets "
        f"(edges {escape(', '.join(map(str, d['complexity']['edges'])) or 'none')})</p>"
    )
    return (
        f"<h2>Task complexity</h2><div class=grid2><div class=panel>{chart}</div>"
        f"<div class=panel>{involved}</div></div><div class=panel>{table}{note}</div>"
    )


def _decisions(d: dict[str, Any]) -> str:
    weeks = [w for w in d["periods"] if w in d["calls"]]
    series = {k: [d["calls"][w]["decisions"][k] for w in weeks] for k in ("allow", "ask", "block")}
    chart = stacked(weeks, series, title="decisions per week", colors=("#2da44e", "#d4a72c", "#cf222e"))
    rows = [
        [
            escape(w),
            f"{c['n']:,}",
            f"{c['sessions']:,}",
            _fig(c["safeguard"]),
            _fig(c["human_in_loop"]),
            _fig(c["irreversible"]),
        ]
        for w, c in ((w, d["calls"][w]) for w in ["all", *weeks])
    ]
    table = _table(["period", "calls", "sessions", "safeguard", "human in the loop", "irreversible"], rows)
    return f"<h2>Decisions over time</h2>{_pair(chart, table)}"


def _risk(d: dict[str, Any]) -> str:
    grid = d["risk_autonomy"]["counts"]
    chart = heatmap(grid, title="calls by risk (rows) and autonomy (columns)")
    clusters = d["riskiest"]["clusters"]
    rows = [
        [
            escape(c["tool"] + (f" · {c['program']}" if c["program"] else "")),
            f"{c['calls']:,}",
            f"{c['mean_risk']:.1f}" if c["mean_risk"] is not None else "—",
            str(c["max_risk"]),
            f"{c['irreversible']:,}",
            f"{c['ask']:,}",
            f"{c['block']:,}",
        ]
        for c in clusters
    ]
    table = _table(["tool · program", "calls", "mean risk", "max", "irreversible", "ask", "block"], rows)
    doms = d["domains"]["domains"]
    dom = _table(
        ["domain", "calls", "share"],
        [[escape(x["domain"]), f"{x['calls']:,}", f"{x['share'] * 100:.1f} %"] for x in doms],
    )
    return (
        f"<h2>Risk and autonomy</h2><div class=grid2><div class=panel>{chart}</div>"
        f"<div class=panel><b>Riskiest clusters</b>{table}<br><b>Domains</b>{dom}</div></div>"
    )


def _tuning(d: dict[str, Any]) -> str:
    t = d["tuning"]
    rules = t["rules"]
    busy = [r for r in t["rules"] if r["decisions"]["ask"] or r["decisions"]["block"]]
    top = sorted(busy, key=lambda r: (-r["decisions"]["ask"] - r["decisions"]["block"], r["id"]))[:12]
    chart = hbars(
        [r["id"] for r in top],
        {
            "asks": [float(r["decisions"]["ask"]) for r in top],
            "blocks": [float(r["decisions"]["block"]) for r in top],
        },
        title="friction per rule (asks and blocks it decided)",
        percent=False,
    )
    body = [
        [
            escape(r["id"]),
            escape(r["kind"] or ""),
            f"{r['matched']:,}",
            f"{r['decisions']['allow']:,}",
            f"{r['decisions']['ask']:,}",
            f"{r['decisions']['block']:,}",
            _rate(r["approval_rate"]),
            _ms(r["median_ms_to_approve"]),
            f"{r['timeouts']:,}",
            f"{r['blocks_overridden']:,}",
        ]
        for r in rules
    ]
    table = _table(
        [
            "rule",
            "kind",
            "decided",
            "allow",
            "ask",
            "block",
            "approved",
            "median to approve",
            "timeouts",
            "blocks overridden",
        ],
        body,
    )
    return f"<h2>Policy tuning</h2>{_pair(chart, _advice(t))}<div class=panel>{table}</div>"


def _pair(left: str, right: str) -> str:
    """Two panels side by side."""
    return f"<div class=grid2><div class=panel>{left}</div><div class=panel>{right}</div></div>"


def _rate(fig: dict[str, Any]) -> str:
    if fig["value"] is None:
        return f"<span class=null title='{escape(fig.get('reason', ''))}'>—</span>"
    return f"{fig['value'] * 100:.1f} % <span class=note>(n={fig['n']:,})</span>"


def _ms(fig: dict[str, Any]) -> str:
    return "—" if fig["value"] is None else duration(fig["value"] / 1000)


def _advice(t: dict[str, Any]) -> str:
    crit = t["criteria"]
    cands = (
        "".join(
            f"<li><b>{escape(c['id'])}</b>: {c['approved']:,} of {c['answered']:,} asks approved "
            f"({c['approval_rate']['value'] * 100:.1f} %), "
            f"median {_ms(c['median_ms_to_approve'])} to approve</li>"
            for c in t["candidates_to_allow"]
        )
        or "<li class=null>none</li>"
    )
    never = t["never_decide"]
    never_html = (
        ("<span class=null>" + escape(t["never_decide_reason"] or "") + "</span>")
        if never is None
        else (", ".join(escape(i) for i in never) or "none")
    )
    over = ", ".join(f"{escape(o['id'])} ({o['count']:,})" for o in t["blocks_overridden"]) or "none"
    timeouts = (
        ", ".join(f"{escape(o['id'])} ({o['count']:,} of {o['asks']:,})" for o in t["asks_timed_out"])
        or "none"
    )
    return (
        "<b>Asks approved almost always</b> "
        f"<span class=note>(≥ {crit['min_approval_rate'] * 100:.0f} % of ≥ "
        f"{crit['min_asks']} answered asks: candidates to allow)</span><ul>{cands}</ul>"
        f"<b>Rules that never decide</b><p>{never_html}</p><b>Blocks users overrode</b><p>{over}</p>"
        f"<b>Asks that timed out</b><p>{timeouts}</p>"
    )
