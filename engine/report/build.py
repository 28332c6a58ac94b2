"""Load what a report reads into DuckDB: decision logs (JSONL, Parquet), event files, traces.

Everything ends up in three tables of one in-memory DuckDB database, which the measures
query with SQL:

- `calls`: one row per decision record (`origin` `log`, or `replay` for traces run
  through the policy);
- `outcomes`: what happened to a decision (`approved`, `denied`, `timeout`, `executed`,
  `failed`, `interrupted`), from outcome records of logs or the calls' results in traces;
- `events`: turn-level events (`human`, `interrupt`, `clarification`, `turn_end`) from
  traces or from event files (`{"v": 1, "kind": "event", "event": ..., ...}`).

Logs are read by DuckDB itself (`read_json` with an explicit schema, damaged lines
skipped), never line by line in Python; only raw traces go through Python (the policy
has to decide each call).
"""

from __future__ import annotations

import gzip
import json
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from ..evaluate import CTX_DEFAULTS
from ..guard import Guard
from ..log import DecisionLog, iso
from ..session import SessionStore
from ..traces import TraceCall, TraceEvent, read_unit, units

__all__ = ["Dataset", "Sources", "classify", "jsonl_to_parquet", "load"]

DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {"preserve_insertion_order": False}
"""Row order is never needed: every measure sorts."""
LOG_KINDS = frozenset({"decision", "outcome", "event"})
SUFFIXES = (".jsonl", ".json", ".ndjson", ".log", ".traj", ".gz", ".parquet")
HUMAN_RESULTS = {"denied": "human", "interrupted": "human"}

JSON_COLUMNS = {
    "kind": "VARCHAR",
    "id": "VARCHAR",
    "ts": "TIMESTAMP",
    "session": "VARCHAR",
    "turn": "VARCHAR",
    "tool": "VARCHAR",
    "args": "JSON",
    "ctx": "STRUCT(user_id VARCHAR, user_session_count BIGINT)",
    "ratings": "STRUCT(risk INTEGER, reversibility VARCHAR, autonomy INTEGER)",
    "decision": "VARCHAR",
    "mode": "VARCHAR",
    "reasons": "STRUCT(id VARCHAR, kind VARCHAR)[]",
    "outcome": "VARCHAR",
    "by": "VARCHAR",
    "detail": "VARCHAR",
    "latency_ms": "DOUBLE",
    "event": "VARCHAR",
    "calls": "INTEGER",
}
"""What the report reads of each log line; everything else in a record is skipped."""

FLAT = """
    kind, id, ts, session, turn, tool, args, user_id, user_session_count, risk, reversibility,
    autonomy, decision, mode, reasons, outcome, "by", detail, latency_ms, event, calls
"""
"""The flat columns of a log as the report (and a Parquet log) holds it."""


def _json_source(files: list[str]) -> str:
    """SQL that reads JSONL logs into the flat columns."""
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in JSON_COLUMNS.items()) + "}"
    listed = ", ".join(_quote(f) for f in files)
    shell = ", ".join(_quote(t) for t in sorted(_shell_tools()))
    return f"""
        SELECT kind, id, ts, session, turn, tool,
               CASE WHEN tool IN ({shell}) THEN CAST(args AS VARCHAR) END AS args,
               nullif(ctx.user_id, '') AS user_id, ctx.user_session_count AS user_session_count,
               ratings.risk AS risk, ratings.reversibility AS reversibility,
               ratings.autonomy AS autonomy, decision, mode, reasons, outcome, "by", detail,
               latency_ms, event, calls
        FROM read_json([{listed}], format = 'newline_delimited', ignore_errors = true,
                       columns = {columns}, maximum_object_size = 67108864)
    """


def _parquet_source(files: list[str]) -> str:
    listed = ", ".join(_quote(f) for f in files)
    return f"SELECT {FLAT} FROM read_parquet([{listed}], union_by_name = true)"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _shell_tools() -> frozenset[str]:
    from ..analyzers import SHELL_TOOLS

    return SHELL_TOOLS


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory database that prints nothing (no progress bar) and keeps no row order."""
    con = duckdb.connect(":memory:", config=DUCKDB_CONFIG)
    con.execute("SET enable_progress_bar = false")
    return con


# -- what the paths hold ------------------------------------------------------------------------


@dataclass
class Sources:
    """The files under the paths, sorted by kind."""

    logs: list[str] = field(default_factory=list)
    parquet: list[str] = field(default_factory=list)
    traces: list[str] = field(default_factory=list)


def classify(paths: Iterable[str | Path]) -> Sources:
    """Decision logs (JSONL or Parquet) and event files apart from raw traces."""
    sources = Sources()
    for path in _walk(paths):
        if path.suffix == ".parquet":
            sources.parquet.append(str(path))
        elif _is_log(path):
            sources.logs.append(str(path))
        else:
            sources.traces.append(str(path))
    return sources


def _walk(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = (p for p in sorted(path.rglob("*")) if p.is_file() and p.name.endswith(SUFFIXES))
            yield from found
        elif path.exists():
            yield path
        else:
            raise FileNotFoundError(f"no such file or folder: `{path}`")


def _is_log(path: Path) -> bool:
    """True when the first JSON line is a remit record (`v` and a known `kind`)."""
    try:
        with path.open("rb") as raw:
            gz = raw.read(2) == b"\x1f\x8b"
        opener = gzip.open if gz else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as f:
            for _, line in zip(range(20), f, strict=False):
                if line.strip():
                    record = json.loads(line)
                    return isinstance(record, dict) and "v" in record and record.get("kind") in LOG_KINDS
    except (OSError, ValueError, EOFError):
        return False
    return False


# -- the dataset ------------------------------------------------------------------------------


@dataclass
class Dataset:
    """The loaded tables and what is known of where they came from."""

    con: duckdb.DuckDBPyConnection
    sources: Sources
    policy: Any = None
    """The compiled policy, when one was given or used for a replay."""
    trace_problems: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def load(
    paths: Iterable[str | Path],
    *,
    policy: str | Path | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Dataset:
    """Read logs and traces into the `calls`, `outcomes` and `events` tables."""
    started = time.perf_counter()
    sources = classify(paths)
    con = connect()
    data = Dataset(con, sources)
    with tempfile.TemporaryDirectory(prefix="remit-report-") as tmp:
        replayed = _replay(data, policy, Path(tmp)) if sources.traces else None
        _load_raw(con, sources, replayed, Path(tmp))
        _split(con, replayed is not None)
    _restrict(con, since, until)
    if policy is not None and data.policy is None:
        data.policy = _load_policy(policy)
    data.seconds = time.perf_counter() - started
    return data


def _load_raw(
    con: duckdb.DuckDBPyConnection, sources: Sources, replayed: list[str] | None, tmp: Path
) -> None:
    """The view `raw` over every log: JSONL is parsed once, into a temporary Parquet file.

    Each table is then a scan of Parquet columns, which is faster than holding the parsed
    JSON in a table and copying from it.
    """
    parts = []
    jsonl = [("log", sources.logs), ("replay", replayed or [])]
    for n, (origin, files) in enumerate(jsonl):
        if files:
            target = _quote(str(tmp / f"{origin}-{n}.parquet"))
            query = f"SELECT '{origin}' AS origin, * FROM ({_json_source(files)})"
            con.execute(f"COPY ({query}) TO {target} (FORMAT parquet, COMPRESSION snappy)")
            parts.append(f"SELECT * FROM read_parquet({target})")
    if sources.parquet:
        parts.append(f"SELECT 'log' AS origin, * FROM ({_parquet_source(sources.parquet)})")
    if not parts:
        parts.append(f"SELECT 'log' AS origin, * FROM ({_empty()})")
    con.execute("CREATE VIEW raw AS " + " UNION ALL BY NAME ".join(parts))


def _empty() -> str:
    types = {
        k: ("VARCHAR" if v in ("JSON",) or v.startswith("STRUCT(user") else v)
        for k, v in JSON_COLUMNS.items()
    }
    flat = {k: v for k, v in types.items() if k not in ("ctx", "ratings")}
    flat.update(
        user_id="VARCHAR",
        user_session_count="BIGINT",
        risk="INTEGER",
        reversibility="VARCHAR",
        autonomy="INTEGER",
    )
    cols = ", ".join(f'CAST(NULL AS {t}) AS "{k}"' for k, t in flat.items())
    return f"SELECT {cols} WHERE false"


def _split(con: duckdb.DuckDBPyConnection, replayed: bool) -> None:
    """`raw` into `calls`, `outcomes`, `events`; a session in a log hides its replayed twin.

    Outcomes of calls that are not kept (replayed twins) stay, unread: the measures reach
    outcomes only through their call.
    """
    twins = """AND (origin = 'log' OR session NOT IN (
        SELECT DISTINCT session FROM raw WHERE kind = 'decision' AND origin = 'log'))"""
    con.execute(f"""
        CREATE TABLE calls AS
        SELECT id, ts, date_trunc('week', ts) AS week, coalesce(session, '') AS session,
               coalesce(turn, '') AS turn, tool,
               coalesce(user_id, '') AS user_id, user_session_count,
               least(greatest(coalesce(risk, 5), 1), 10) AS risk,
               coalesce(reversibility, 'recoverable') AS reversibility,
               least(greatest(coalesce(autonomy, 5), 1), 10) AS autonomy,
               decision, coalesce(mode, 'enforce') AS mode,
               CASE WHEN mode = 'shadow' THEN 'allow' ELSE decision END AS applied,
               coalesce(reasons, []) AS reasons, args, origin
        FROM raw
        WHERE kind = 'decision' AND decision IN ('allow', 'ask', 'block') {twins if replayed else ""}
    """)
    con.execute("""
        CREATE TABLE outcomes AS
        SELECT decision AS decision_id, ts, outcome, coalesce("by", 'human') AS "by", latency_ms,
               CASE WHEN detail = 'trace' THEN 'trace' ELSE 'log' END AS origin
        FROM raw WHERE kind = 'outcome'
    """)
    con.execute("""
        CREATE TABLE events AS
        SELECT event AS kind, coalesce(session, '') AS session, coalesce(turn, '') AS turn, ts,
               coalesce(calls, 0) AS calls
        FROM raw WHERE kind = 'event' AND event IN ('human', 'interrupt', 'clarification', 'turn_end')
    """)
    con.execute("DROP VIEW raw")


def _restrict(con: duckdb.DuckDBPyConnection, since: datetime | None, until: datetime | None) -> None:
    """Keep what happened in [since, until): calls and events by their time, outcomes by their call."""
    for bound, op in ((since, "<"), (until, ">=")):
        if bound is None:
            continue
        value = _naive_utc(bound)
        con.execute(f"DELETE FROM calls WHERE ts IS NULL OR ts {op} ?", [value])
        con.execute(f"DELETE FROM events WHERE ts IS NULL OR ts {op} ?", [value])
    if since is not None or until is not None:
        con.execute("DELETE FROM outcomes WHERE decision_id NOT IN (SELECT id FROM calls)")


def _naive_utc(moment: datetime) -> datetime:
    from datetime import timezone

    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


# -- traces: replay through the policy, keep the turn events -----------------------------------


def _load_policy(policy: str | Path) -> Any:
    from ..load import load_policy

    return load_policy(policy)


class _Clock:
    """The guard's clock during a replay: the time of the call being checked."""

    def __init__(self) -> None:
        self.now: float | None = None

    def __call__(self) -> float:
        return self.now if self.now is not None else time.time()


def _replay(data: Dataset, policy: str | Path | None, tmp: Path) -> list[str]:
    """Decide every traced call with the policy (as `remit replay` does); write a log and events."""
    from ..resources import shipped_policy

    chosen = policy if policy is not None else shipped_policy("coding-agent")
    if chosen is None:
        raise FileNotFoundError("the shipped policy `coding-agent` is missing")
    data.policy = _load_policy(chosen)
    clock = _Clock()
    log_path, extra_path = tmp / "replayed.jsonl", tmp / "events.jsonl"
    with DecisionLog(log_path) as log, extra_path.open("w", encoding="utf-8") as extra:
        guard = Guard(data.policy, clock=clock, log=log)
        for unit in units([Path(p) for p in data.sources.traces]):
            guard.sessions = SessionStore(guard.sessions.max_sessions)
            _replay_unit(data, guard, clock, unit, extra)
    return [str(log_path), str(extra_path)]


def _replay_unit(data: Dataset, guard: Guard, clock: _Clock, unit: Any, out: Any) -> None:
    lines: list[str] = []
    for item in read_unit(unit):
        if isinstance(item, TraceCall):
            clock.now = item.ts
            ctx = {k: v for k, v in item.ctx.items() if k in CTX_DEFAULTS}
            decision = guard.check(item.tool, item.args, ctx)
            lines.extend(_call_outcome(item, decision.id))
        elif isinstance(item, TraceEvent):
            lines.extend(_event_line(item))
        else:
            data.trace_problems[item.kind] += 1
    out.writelines(line + "\n" for line in lines)


def _call_outcome(call: TraceCall, decision_id: str) -> list[str]:
    if call.outcome is None:
        return []
    ts = call.result_ts if call.result_ts is not None else call.ts
    record = {
        "v": 1,
        "kind": "outcome",
        "decision": decision_id,
        "ts": iso(ts) if ts is not None else None,
        "outcome": call.outcome,
        "by": HUMAN_RESULTS.get(call.outcome, "system"),
        "detail": "trace",
        "latency_ms": None,
    }
    return [json.dumps(record)]


def _event_line(event: TraceEvent) -> list[str]:
    if event.kind == "outcome":
        return []
    record = {
        "v": 1,
        "kind": "event",
        "event": event.kind,
        "session": event.session_id,
        "turn": event.turn_id,
        "ts": iso(event.ts) if event.ts is not None else None,
        "calls": event.calls,
    }
    return [json.dumps(record)]


# -- Parquet -----------------------------------------------------------------------------------


def jsonl_to_parquet(src: str | Path | Iterable[str | Path], dst: str | Path) -> int:
    """Write decision logs (and event files) as one Parquet file in the report's flat columns.

    Returns the number of records written. The report reads the Parquet file as it reads
    the JSONL; it is about 50 times smaller and several times faster to report on.
    """
    files = [str(p) for p in _walk([src] if isinstance(src, (str, Path)) else src)]
    con = connect()
    try:
        con.execute(f"COPY ({_json_source(files)}) TO {_quote(str(dst))} (FORMAT parquet, COMPRESSION zstd)")
        row = con.execute(f"SELECT count(*) FROM read_parquet({_quote(str(dst))})").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0
