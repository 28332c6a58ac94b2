"""Where the policy itself creates friction or risk: per-rule figures, riskiest clusters, domains.

These are the parts of the report no study of agent autonomy gives its reader: which rules
decide, how often humans approve what they are asked, which asks are friction without
safety, which rules never decide, which blocks users override, which asks time out.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from typing import Any

import duckdb

from .measures import Options, rows

__all__ = ["clusters", "domains", "rule_table", "unconditional_routes"]

RULES = """
SELECT r.id, any_value(r.kind), count(*),
       count(*) FILTER (WHERE decision = 'allow'), count(*) FILTER (WHERE decision = 'ask'),
       count(*) FILTER (WHERE decision = 'block'),
       count(*) FILTER (WHERE decision = 'ask' AND (approved OR refused OR timed_out)),
       count(*) FILTER (WHERE decision = 'ask' AND approved),
       count(*) FILTER (WHERE decision = 'ask' AND refused),
       count(*) FILTER (WHERE decision = 'ask' AND timed_out),
       median(approve_ms) FILTER (WHERE decision = 'ask' AND approved),
       count(*) FILTER (WHERE decision = 'block' AND approved)
FROM (SELECT decision, approved, refused, timed_out, approve_ms, unnest(reasons) AS r FROM c)
GROUP BY r.id ORDER BY count(*) DESC, r.id
"""

TOP_TOOLS = """
SELECT rule, tool, n FROM (
    SELECT r.id AS rule, tool, count(*) AS n,
           row_number() OVER (PARTITION BY r.id ORDER BY count(*) DESC, tool) AS rank
    FROM (SELECT tool, unnest(reasons) AS r FROM c WHERE decision = 'ask')
    GROUP BY r.id, tool)
WHERE rank <= 5 ORDER BY rule, rank
"""


def rule_table(con: duckdb.DuckDBPyConnection, policy: Any, opts: Options) -> dict[str, Any]:
    """Per rule: times it decided, its decisions, the fate of its asks; and what to tune."""
    table = [_rule(row) for row in rows(con, RULES)]
    tops: dict[str, list[dict[str, Any]]] = {}
    for rule, tool, n in rows(con, TOP_TOOLS):
        tops.setdefault(rule, []).append({"tool": tool, "count": int(n)})
    for entry in table:
        entry["top_tools"] = tops.get(entry["id"], [])
    seen = {e["id"] for e in table}
    declared = _declared(policy)
    return {
        "rules": table,
        "candidates_to_allow": [e for e in table if _candidate(e, opts)],
        "never_decide": [i for i in declared if i not in seen] if policy is not None else None,
        "never_decide_reason": None if policy is not None else "no policy given: its rules are unknown",
        "blocks_overridden": [
            {"id": e["id"], "count": e["blocks_overridden"]} for e in table if e["blocks_overridden"]
        ],
        "asks_timed_out": [
            {"id": e["id"], "count": e["timeouts"], "asks": e["ask"]} for e in table if e["timeouts"]
        ],
        "criteria": {"min_asks": opts.candidate_min_asks, "min_approval_rate": opts.candidate_min_rate},
    }


def _rule(row: tuple[Any, ...]) -> dict[str, Any]:
    rid, kind, matched, allow, ask, block, answered, approved, refused, timeouts, ms, overridden = row
    rate = round(approved / answered, 6) if answered else None
    return {
        "id": rid,
        "kind": kind,
        "matched": int(matched),
        "decisions": {"allow": int(allow), "ask": int(ask), "block": int(block)},
        "ask": int(ask),
        "answered": int(answered),
        "approved": int(approved),
        "denied": int(refused),
        "timeouts": int(timeouts),
        "approval_rate": {"value": rate, "n": int(answered)}
        if answered
        else {"value": None, "n": 0, "reason": "no answered asks" if ask else "no asks"},
        "median_ms_to_approve": {"value": round(float(ms), 3), "n": int(approved)}
        if approved and ms is not None
        else {"value": None, "n": int(approved), "reason": "no approvals with a latency"},
        "blocks_overridden": int(overridden),
    }


def _candidate(entry: dict[str, Any], opts: Options) -> bool:
    rate = entry["approval_rate"]["value"]
    return bool(
        entry["answered"] >= opts.candidate_min_asks and rate is not None and rate >= opts.candidate_min_rate
    )


def _declared(policy: Any) -> list[str]:
    """The ids of the policy's rules and routes, in declaration order."""
    if policy is None:
        return []
    return [r.id for r in policy.rules if not r.shadow] + [r.id for r in policy.routes]


def unconditional_routes(policy: Any) -> list[str]:
    """Routes that hold for every call (`allow: true`): a catch-all, not a safeguard."""
    if policy is None:
        return []
    out = []
    for route in policy.routes:
        cond = route.condition
        if (
            cond is None
            or str(getattr(cond, "text", "")).strip() == "true"
            or getattr(cond, "constant", None) is True
        ):
            out.append(route.id)
    return out


# -- where the risk is ------------------------------------------------------------------------------

CLUSTER_AGGS = """count(*), sum(risk), max(risk), count(*) FILTER (WHERE reversibility = 'irreversible'),
                  count(*) FILTER (WHERE decision = 'ask'), count(*) FILTER (WHERE decision = 'block')"""


def clusters(con: duckdb.DuckDBPyConnection, opts: Options) -> dict[str, Any]:
    """The riskiest (tool, program) clusters: mean risk first, then size."""
    found: dict[tuple[str, str], list[int]] = {}
    for tool, *agg in rows(con, f"SELECT tool, {CLUSTER_AGGS} FROM c WHERE args IS NULL GROUP BY tool"):
        _add(found, (tool, ""), agg)
    shell = rows(
        con,
        f"""SELECT tool, args, {CLUSTER_AGGS} FROM c WHERE args IS NOT NULL GROUP BY tool, args
            ORDER BY max(risk) DESC, count(*) DESC, tool, args LIMIT ?""",
        [opts.analysed_commands],
    )
    analysed = 0
    for tool, args, *agg in shell:
        analysed += int(agg[0])
        for program in _programs(tool, args):
            _add(found, (tool, program), agg)
    total = rows(con, "SELECT count(*) FROM c WHERE args IS NOT NULL")[0][0]
    if total > analysed:
        rest = rows(con, f"SELECT {CLUSTER_AGGS} FROM c WHERE args IS NOT NULL")[0]
        _add(found, ("(shell)", "(not analysed)"), [int(rest[0]) - analysed, 0, 0, 0, 0, 0])
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][1] / max(kv[1][0], 1), -kv[1][0], kv[0]))
    return {
        "clusters": [_cluster(k, v) for k, v in ranked[: opts.top_clusters]],
        "shell_calls": int(total),
        "shell_calls_analysed": analysed,
    }


def _add(found: dict[tuple[str, str], list[int]], key: tuple[str, str], agg: Any) -> None:
    acc = found.setdefault(key, [0, 0, 0, 0, 0, 0])
    n, risk_sum, risk_max, irreversible, asks, blocks = (int(x or 0) for x in agg)
    acc[0] += n
    acc[1] += risk_sum
    acc[2] = max(acc[2], risk_max)
    acc[3] += irreversible
    acc[4] += asks
    acc[5] += blocks


def _cluster(key: tuple[str, str], acc: list[int]) -> dict[str, Any]:
    n = acc[0]
    return {
        "tool": key[0],
        "program": key[1] or None,
        "calls": n,
        "mean_risk": round(acc[1] / n, 3) if n else None,
        "max_risk": acc[2],
        "irreversible": acc[3],
        "ask": acc[4],
        "block": acc[5],
    }


@lru_cache(maxsize=65536)
def _programs(tool: str, args: str) -> tuple[str, ...]:
    """The programs a shell call runs (each call counts once for each), or `(unparsed)`."""
    from ..analyzers import shell_facts

    try:
        value = json.loads(args)
    except ValueError:
        return ("(unparsed)",)
    facts = shell_facts(tool, value if isinstance(value, dict) else {"command": value}, None)
    return tuple(facts.programs) or ("(none)",)


def domains(con: duckdb.DuckDBPyConnection, policy: Any) -> dict[str, Any]:
    """Calls per domain: the policy's tool declarations first, else the name analyzer's guess."""
    from ..analyzers import name_facts

    declared = {
        name: decl.domain
        for name, decl in (policy.tools.items() if policy is not None else [])
        if getattr(decl, "domain", None)
    }
    counts: Counter[str] = Counter()
    for tool, n in rows(con, "SELECT tool, count(*) FROM c GROUP BY tool"):
        canonical = policy.canonical(tool) if policy is not None else tool
        counts[declared.get(canonical) or name_facts(tool).domain] += int(n)
    total = sum(counts.values())
    return {
        "n": total,
        "domains": [{"domain": d, "calls": n, "share": round(n / total, 6)} for d, n in counts.most_common()],
    }
