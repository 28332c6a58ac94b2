"""The measures of the oversight report, as SQL over the tables `build.load` fills.

Every figure carries its sample size (`n`); a figure the data cannot give is `None` with a
`reason`. Definitions are in docs/report.md; the names here follow it. Figures "per period"
are per ISO week (Monday 00:00 UTC), by the time a call was made, a turn began, or a
session's first activity.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

__all__ = ["Options", "Report", "prepare"]

PERCENTILES = (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99_9", 0.999))


@dataclass(frozen=True)
class Report:
    """Every figure of a report, as JSON-ready data."""

    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON (a copy: changing it leaves the report as it was)."""
        return copy.deepcopy(self.data)


@dataclass(frozen=True)
class Options:
    """What a report can be asked to do differently."""

    experience_edges: tuple[int, ...] = (50, 750)
    """Sessions seen before: buckets `<50`, `50-749`, `750+`."""
    complexity_buckets: int = 4
    """Quantile buckets of tool calls per turn."""
    complexity_edges: tuple[int, ...] | None = None
    """Upper bounds of the complexity buckets, instead of quantiles (e.g. `(1, 5, 20)`)."""
    candidate_min_asks: int = 20
    candidate_min_rate: float = 0.95
    top_clusters: int = 15
    analysed_commands: int = 20_000
    """Distinct shell commands parsed for the program clusters (the riskiest first)."""


Row = tuple[Any, ...]


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """Run a query and fetch all rows."""
    return con.execute(sql, list(params)).fetchall()


def share(count: int, n: int, reason: str = "no data") -> dict[str, Any]:
    """A share with its count and sample size; `None` with a reason when `n` is 0."""
    if n == 0:
        return {"value": None, "count": 0, "n": 0, "reason": reason}
    return {"value": round(count / n, 6), "count": int(count), "n": int(n)}


def mean(total: float, n: int, reason: str = "no data") -> dict[str, Any]:
    """A mean with its sample size; `None` with a reason when `n` is 0."""
    if n == 0:
        return {"value": None, "n": 0, "reason": reason}
    return {"value": round(total / n, 6), "n": int(n)}


def experience_labels(edges: Sequence[int]) -> list[str]:
    """`<50`, `50-749`, `750+` for edges (50, 750)."""
    labels = [f"<{edges[0]}"] if edges else []
    labels += [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(edges)]
    return [*labels, f"{edges[-1]}+"] if edges else ["all"]


def bucket_sql(column: str, edges: Sequence[int], labels: Sequence[str]) -> str:
    """A CASE expression that puts `column` into the bucket below each edge."""
    if not edges:
        return f"'{labels[0]}'"
    parts = " ".join(f"WHEN {column} < {e} THEN '{lab}'" for e, lab in zip(edges, labels, strict=False))
    return f"CASE {parts} ELSE '{labels[-1]}' END"


# -- derived tables ------------------------------------------------------------------------------

ANSWERS = """
CREATE OR REPLACE TEMP TABLE answers AS
SELECT decision_id,
       bool_or(outcome = 'approved' AND origin = 'log') AS approved,
       bool_or(outcome = 'denied' AND origin = 'log') AS refused,
       bool_or(outcome = 'timeout') AS timed_out,
       bool_or(outcome = 'denied' AND "by" = 'human') AS human_denied,
       bool_or(outcome = 'interrupted') AS interrupted,
       max(latency_ms) FILTER (WHERE outcome = 'approved' AND origin = 'log') AS approve_ms
FROM outcomes WHERE outcome IN ('approved', 'denied', 'timeout', 'interrupted')
GROUP BY decision_id
"""

DECIDED = "is_call"
"""The rows of `calls` that are calls: its outcome and event rows are read through their tables."""

FLAGS = ("approved", "refused", "timed_out", "human_denied", "interrupted")
"""What the outcomes say of a call, added to `calls` as columns."""

ANSWERED = f"""
UPDATE calls SET {", ".join(f"{f} = a.{f}" for f in FLAGS)}, approve_ms = a.approve_ms
FROM answers a WHERE calls.is_call AND calls.id = a.decision_id
"""

SAFEGUARDED = """
UPDATE calls SET safeguarded = true
WHERE is_call AND len(list_filter(reasons, lambda r: r.kind = 'rule'
          OR (r.kind = 'route' AND NOT list_contains($unconditional, r.id)))) > 0
"""

TURNS = """
CREATE OR REPLACE TEMP TABLE turns AS
WITH e AS (
    SELECT turn, any_value(session) AS session,
           count(*) FILTER (WHERE kind = 'human') AS humans,
           min(ts) FILTER (WHERE kind = 'human') AS start,
           max(ts) FILTER (WHERE kind = 'turn_end') AS stop,
           max(calls) FILTER (WHERE kind = 'turn_end') AS end_calls,
           count(*) FILTER (WHERE kind = 'interrupt') AS interrupts,
           count(*) FILTER (WHERE kind = 'clarification') AS clarifications
    FROM events GROUP BY turn),
k AS (
    SELECT turn, any_value(session) AS session, count(*) AS n, bool_or(interrupted) AS cut,
           min(ts) AS first_call
    FROM c GROUP BY turn)
SELECT turn, coalesce(e.session, k.session) AS session,
       coalesce(e.humans, 0) > 0 AS human,
       e.start, date_trunc('week', coalesce(e.start, k.first_call)) AS week,
       CASE WHEN e.stop >= e.start THEN epoch(e.stop) - epoch(e.start) END AS seconds,
       coalesce(e.end_calls, k.n, 0) AS calls,
       coalesce(e.interrupts, 0) > 0 OR coalesce(k.cut, false) AS interrupted,
       coalesce(e.interrupts, 0) AS interrupts,
       coalesce(e.clarifications, 0) AS clarifications
FROM e FULL OUTER JOIN k USING (turn)
"""

SESSIONS = """
CREATE OR REPLACE TEMP TABLE s AS
WITH acts AS (
    SELECT session, ts, user_id, user_session_count FROM c
    UNION ALL SELECT session, ts, NULL, NULL FROM events),
per AS (
    SELECT session, min(ts) AS first_ts, coalesce(max(nullif(user_id, '')), '') AS user_id,
           min(user_session_count) AS reported
    FROM acts GROUP BY session),
users AS (SELECT user_id, coalesce(max(reported), 0) > 0 AS reports FROM per GROUP BY user_id),
cc AS (
    SELECT session, count(*) AS n,
           count(*) FILTER (WHERE applied IN ('ask', 'block') OR human_denied OR refused
                            OR timed_out OR interrupted) AS held,
           count(*) FILTER (WHERE human_denied) AS denials
    FROM c GROUP BY session),
tt AS (
    SELECT session, count(*) FILTER (WHERE interrupted) AS cut,
           sum(interrupts) AS interrupt_events
    FROM turns GROUP BY session)
SELECT per.session, per.first_ts, date_trunc('week', per.first_ts) AS week, per.user_id,
       CASE WHEN users.reports THEN coalesce(per.reported, 0)
            ELSE row_number() OVER (PARTITION BY per.user_id ORDER BY per.first_ts NULLS LAST,
                                    per.session) - 1 END AS experience,
       users.reports AS experience_reported,
       coalesce(cc.n, 0) AS calls,
       coalesce(cc.n, 0) > 0 AND coalesce(cc.held, 0) = 0
           AND coalesce(tt.interrupt_events, 0) = 0 AS auto,
       coalesce(tt.cut, 0) + coalesce(cc.denials, 0) AS interventions
FROM per JOIN users USING (user_id)
LEFT JOIN cc USING (session) LEFT JOIN tt USING (session)
"""


def prepare(con: duckdb.DuckDBPyConnection, unconditional: Sequence[str]) -> None:
    """Build what the measures read: `answers`, `c` (calls with their outcomes), `turns`, `s`."""
    con.execute(ANSWERS)
    for flag in (*FLAGS, "safeguarded"):  # updating in place is 3x faster than a joined copy
        con.execute(f"ALTER TABLE calls ADD COLUMN {flag} BOOLEAN DEFAULT false")
    con.execute("ALTER TABLE calls ADD COLUMN approve_ms DOUBLE")
    con.execute(ANSWERED)
    con.execute(SAFEGUARDED.replace("$unconditional", _list_literal(unconditional)))
    con.execute(f"CREATE OR REPLACE TEMP VIEW c AS SELECT * FROM calls WHERE {DECIDED}")
    con.execute(TURNS)
    con.execute(SESSIONS)


def _list_literal(items: Sequence[str]) -> str:
    quoted = ", ".join("'" + i.replace("'", "''") + "'" for i in items)
    return f"[{quoted}]::VARCHAR[]"


# -- grouping by week ------------------------------------------------------------------------------

Grouped = dict[str, dict[str, Row]]
"""`{"overall": {key: aggregates}, "weeks": ...}` flattened: period -> key -> aggregates."""


def grouped(con: duckdb.DuckDBPyConnection, source: str, aggs: str, key: str | None = None) -> Grouped:
    """Aggregates overall and per week (and per `key` within each), as period -> key -> row.

    The overall period is `"all"`, weeks are `YYYY-MM-DD` (their Monday); the key `"*"`
    holds the aggregates over every key.
    """
    k = key or "NULL"
    sets = f"(week, {k}), (week), ({k}), ()" if key else "(week), ()"
    sql = f"""
        SELECT GROUPING(week) AS gw, {f"GROUPING({k})" if key else "1"} AS gk,
               strftime(week, '%Y-%m-%d') AS w, CAST({k} AS VARCHAR) AS label, {aggs}
        FROM ({source}) GROUP BY GROUPING SETS ({sets})
    """
    out: Grouped = {}
    for gw, gk, week, label, *values in rows(con, sql):
        period = "all" if gw else week
        if period is None:
            continue  # no timestamp: counted overall, in no week
        out.setdefault(period, {})["*" if gk else str(label)] = tuple(values)
    return out


def periods(found: Grouped) -> list[str]:
    """The weeks present, in order."""
    return sorted(p for p in found if p != "all")


# -- turns ---------------------------------------------------------------------------------------

NO_TURNS = (
    "no turn events: the data holds no human messages (a decision log alone does not; "
    "add the agent's transcripts)"
)
NO_TIMES = "no turn has both a human message and agent activity with timestamps"


def has_turns(con: duckdb.DuckDBPyConnection) -> bool:
    """True when some turn starts with a human message."""
    found = rows(con, "SELECT count(*) FROM turns WHERE human")
    return bool(found[0][0])


def turn_duration(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """p50 / p90 / p99 / p99.9 of turn duration (seconds), overall and per week."""
    qs = ", ".join(str(q) for _, q in PERCENTILES)
    found = grouped(
        con,
        "SELECT * FROM turns WHERE human AND seconds IS NOT NULL",
        f"count(*) AS n, quantile_disc(seconds, [{qs}]) AS q",
    )
    reason = NO_TIMES if has_turns(con) else NO_TURNS
    out = {p: _percentiles(v.get("*"), reason) for p, v in found.items()}
    return out or {"all": _percentiles(None, reason)}


def _percentiles(row: Row | None, reason: str = NO_TIMES) -> dict[str, Any]:
    if not row or not row[0]:
        return {"n": 0, **{name: None for name, _ in PERCENTILES}, "unit": "seconds", "reason": reason}
    n, values = row
    figures = {name: round(float(v), 3) for (name, _), v in zip(PERCENTILES, values, strict=True)}
    return {"n": int(n), **figures, "unit": "seconds"}


def interrupt_rate(con: duckdb.DuckDBPyConnection, exp: str) -> Grouped:
    """Turns with a human interrupt, by experience bucket of the session."""
    source = f"SELECT t.*, {exp} AS bucket FROM turns t JOIN s USING (session) WHERE t.human"
    return grouped(con, source, "count(*), count(*) FILTER (WHERE interrupted)", "bucket")


def stops_by_complexity(con: duckdb.DuckDBPyConnection, cx: str) -> Grouped:
    """Clarification questions and interrupts per turn, by complexity bucket."""
    source = f"SELECT *, {cx} AS bucket FROM turns WHERE human"
    aggs = """count(*), count(*) FILTER (WHERE clarifications > 0),
              count(*) FILTER (WHERE interrupted), sum(clarifications), sum(interrupts)"""
    return grouped(con, source, aggs, "bucket")


def complexity_edges(con: duckdb.DuckDBPyConnection, buckets: int) -> list[int]:
    """Upper bounds (inclusive) of the quantile buckets of tool calls per turn (turns with calls)."""
    if buckets <= 1:
        return []
    qs = ", ".join(str(i / buckets) for i in range(1, buckets))
    found = rows(con, f"SELECT quantile_disc(calls, [{qs}]) FROM turns WHERE calls > 0")
    values = found[0][0] if found and found[0][0] else []
    return sorted({int(v) for v in values})


def complexity_labels(edges: Sequence[int]) -> tuple[str, list[str]]:
    """A CASE over `calls` with its labels: `0`, `1-2`, `3`, `4-9`, `10+`."""
    labels, cases, low = ["0"], ["WHEN calls = 0 THEN '0'"], 1
    for edge in edges:
        label = str(edge) if edge == low else f"{low}-{edge}"
        labels.append(label)
        cases.append(f"WHEN calls <= {edge} THEN '{label}'")
        low = edge + 1
    labels.append(f"{low}+")
    return f"CASE {' '.join(cases)} ELSE '{low}+' END", labels


# -- sessions and calls ----------------------------------------------------------------------------


def auto_approve(con: duckdb.DuckDBPyConnection, exp: str) -> Grouped:
    """Sessions with calls where no call was asked, blocked, refused, timed out or interrupted."""
    source = f"SELECT *, {exp} AS bucket FROM s WHERE calls > 0"
    return grouped(con, source, "count(*), count(*) FILTER (WHERE auto)", "bucket")


def interventions(con: duckdb.DuckDBPyConnection, exp: str) -> Grouped:
    """Interrupted turns plus human denials, per session."""
    source = f"SELECT *, {exp} AS bucket FROM s"
    return grouped(con, source, "count(*), sum(interventions)", "bucket")


def involvement(con: duckdb.DuckDBPyConnection, cx: str) -> Grouped:
    """Per tool call: asked, approved, denied, blocked, by the complexity of its turn."""
    source = f"SELECT c.*, {cx} AS bucket FROM c JOIN turns t USING (turn)"
    aggs = """count(*), count(*) FILTER (WHERE applied = 'ask'), count(*) FILTER (WHERE approved),
              count(*) FILTER (WHERE human_denied OR refused), count(*) FILTER (WHERE applied = 'block')"""
    return grouped(con, source, aggs, "bucket")


def call_shares(con: duckdb.DuckDBPyConnection) -> Grouped:
    """Calls, sessions, decisions; under a safeguard, with a human in the loop, irreversible."""
    aggs = """count(*), count(DISTINCT session),
              count(*) FILTER (WHERE decision = 'allow'), count(*) FILTER (WHERE decision = 'ask'),
              count(*) FILTER (WHERE decision = 'block'), count(*) FILTER (WHERE safeguarded),
              count(*) FILTER (WHERE applied = 'ask'),
              count(*) FILTER (WHERE reversibility = 'irreversible')"""
    return grouped(con, "SELECT * FROM c", aggs)


def risk_autonomy(con: duckdb.DuckDBPyConnection) -> list[list[int]]:
    """10 x 10 counts: row = risk 1..10, column = autonomy 1..10."""
    grid = [[0] * 10 for _ in range(10)]
    for risk, autonomy, n in rows(con, "SELECT risk, autonomy, count(*) FROM c GROUP BY ALL"):
        grid[int(risk) - 1][int(autonomy) - 1] = int(n)
    return grid


HISTOGRAM_EDGES = (0, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 2700, 3600)
"""Lower bounds (seconds) of the turn-duration histogram's bins; the last bin is open."""


def turn_histogram(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Turns per duration bin (seconds), for the distribution chart."""
    cases = " ".join(f"WHEN seconds < {hi} THEN {i}" for i, hi in enumerate(HISTOGRAM_EDGES[1:]))
    found = rows(
        con,
        f"""SELECT CASE {cases} ELSE {len(HISTOGRAM_EDGES) - 1} END AS b, count(*)
                          FROM turns WHERE human AND seconds IS NOT NULL GROUP BY b""",
    )
    counts = [0] * len(HISTOGRAM_EDGES)
    for b, n in found:
        counts[int(b)] = int(n)
    return {"edges": list(HISTOGRAM_EDGES), "counts": counts, "n": sum(counts)}
