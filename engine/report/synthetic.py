"""Synthetic decision logs and turn events with known ground truth, deterministic from a seed.

`generate(folder, seed=...)` writes `decisions.jsonl` (decision and outcome records, schema
v1) and `events.jsonl` (turn events: `{"v": 1, "kind": "event", "event": ...}`), and
returns the `Truth`: the figures a correct report must find, tallied here, independently
of the report's SQL, with the definitions of docs/report.md. Used by the tests (small) and
by `benchmarks/report_scale.py` (millions of decisions).
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

__all__ = ["RULES", "Truth", "generate", "nearest_rank"]

START = 1767571200  # 2026-01-05 00:00:00 UTC, a Monday
WEEK = 7 * 86400
EXPERIENCE = {"<50": 10, "50-749": 300, "750+": 900}
AUTO_SHARE = {"<50": 0.2, "50-749": 0.3, "750+": 0.45}
INTERRUPTED_SHARE = 0.07
CLARIFIED_SHARE = 0.05
POLICY = '{"name":"synthetic","version":"1","sha256":"' + "0" * 64 + '"}'

RULES: dict[str, tuple[str, str, float]] = {
    # id: (kind, decision, approval probability of its asks)
    "read-only": ("rule", "allow", 0.0),
    "low-risk": ("route", "allow", 0.0),
    "default": ("default", "allow", 0.0),
    "ask-deploy": ("rule", "ask", 1.0),
    "ask-network": ("rule", "ask", 0.6),
    "needs-a-human": ("route", "ask", 0.9),
    "no-secrets": ("rule", "block", 0.0),
}
ALLOWS = ("read-only", "low-risk", "default")
ASKS = ("ask-deploy", "ask-network", "needs-a-human")


def nearest_rank(values: list[float], q: float) -> float:
    """The ⌈q·n⌉-th smallest value (the report's percentile definition)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered) - 1e-9) - 1)]


@dataclass
class Truth:
    """What the report must find in the generated data."""

    decisions: int = 0
    sessions: int = 0
    turns: int = 0
    interrupted_turns: int = 0
    clarified_turns: int = 0
    durations: list[float] = field(default_factory=list)
    auto: Counter[str] = field(default_factory=Counter)
    sessions_by_bucket: Counter[str] = field(default_factory=Counter)
    interventions: int = 0
    safeguarded: int = 0
    asked: int = 0
    irreversible: int = 0
    by_rule: dict[str, Counter[str]] = field(default_factory=dict)
    approve_ms: dict[str, list[float]] = field(default_factory=dict)

    def percentile(self, q: float) -> float:
        """A turn-duration percentile (seconds)."""
        return nearest_rank(self.durations, q)

    def approval_rate(self, rule: str) -> float | None:
        """Approved / answered asks of a rule."""
        c = self.by_rule.get(rule, Counter())
        answered = c["approved"] + c["denied"] + c["timeout"]
        return c["approved"] / answered if answered else None


class _Writer:
    """Writes one session at a time and tallies the truth."""

    def __init__(self, rng: random.Random, log: IO[str], events: IO[str], truth: Truth) -> None:
        self.rng, self.log, self.events, self.truth = rng, log, events, truth
        self.seq = 0

    def session(
        self,
        index: int,
        bucket: str,
        auto: bool,
        interrupted: set[int],
        first_turn: int,
        turns: int,
        start: float,
    ) -> None:
        """One session: its turns, calls, outcomes and events."""
        sid, user = f"s{index:08d}", f"u{index % 997:04d}"
        denials = cut = 0
        t0 = start
        for k in range(turns):
            tid = f"{sid}:{k + 1}"
            hit = (first_turn + k) in interrupted
            denials += self.turn(sid, tid, user, bucket, auto, hit, t0, must_ask=not auto and k == 0)
            cut += hit
            t0 += self.truth.durations[-1] + 30 + self.rng.randint(0, 600)
        self.truth.sessions += 1
        self.truth.sessions_by_bucket[bucket] += 1
        self.truth.auto[bucket] += auto
        self.truth.interventions += denials + cut

    def turn(
        self, sid: str, tid: str, user: str, bucket: str, auto: bool, hit: bool, t0: float, must_ask: bool
    ) -> int:
        """One turn; returns the human denials in it."""
        rng, truth = self.rng, self.truth
        calls = rng.choice((1, 1, 2, 3, 5, 8, 13, 30))
        duration = round(max(calls + 1.0, rng.lognormvariate(math.log(45), 1.3)), 3)
        self.event("human", sid, tid, t0)
        clarified = rng.random() < CLARIFIED_SHARE
        denials = 0
        for j in range(calls):
            ts = t0 + duration * (j + 1) / (calls + 2)
            last = j == calls - 1
            denials += self.call(sid, tid, user, bucket, auto, ts, must_ask and j == 0, hit and last, j)
        if clarified:
            self.event("clarification", sid, tid, t0 + duration * 0.5)
        if hit:
            self.event("interrupt", sid, tid, t0 + duration * (calls + 1) / (calls + 2))
        self.event("turn_end", sid, tid, t0 + duration, calls)
        truth.turns += 1
        truth.interrupted_turns += hit
        truth.clarified_turns += clarified
        truth.durations.append(duration)
        return denials

    def call(
        self,
        sid: str,
        tid: str,
        user: str,
        bucket: str,
        auto: bool,
        ts: float,
        ask: bool,
        interrupted: bool,
        step: int,
    ) -> int:
        """One decision and its outcomes; returns 1 for a human denial."""
        rng, truth = self.rng, self.truth
        if auto:
            rule = rng.choice(ALLOWS)
        elif ask:
            rule = rng.choice(ASKS)
        else:
            roll = rng.random()
            rule = rng.choice(ASKS) if roll < 0.3 else "no-secrets" if roll < 0.33 else rng.choice(ALLOWS)
        kind, decision, p_approve = RULES[rule]
        self.seq += 1
        did = f"d{self.seq:012d}"
        risk = {"allow": rng.randint(1, 3), "ask": rng.randint(4, 8), "block": rng.randint(8, 10)}[decision]
        irreversible = decision != "allow" and rng.random() < 0.1
        autonomy = min(10, 1 + step // 3)
        self.decision(did, sid, tid, user, bucket, ts, rule, kind, decision, risk, autonomy, irreversible)
        c = truth.by_rule.setdefault(rule, Counter())
        c["matched"] += 1
        c[decision] += 1
        truth.decisions += 1
        truth.safeguarded += kind != "default"
        truth.asked += decision == "ask"
        truth.irreversible += irreversible
        denied = self.answer(did, rule, decision, p_approve, ts) if decision != "allow" else False
        if not denied:
            self.outcome(
                did,
                "interrupted" if interrupted else "executed",
                ts + 1,
                "human" if interrupted else "system",
            )
        return int(denied)

    def answer(self, did: str, rule: str, decision: str, p_approve: float, ts: float) -> bool:
        """The human's answer to an ask (or a block override); True for a denial."""
        rng, c = self.rng, self.truth.by_rule[rule]
        if decision == "block":
            if rng.random() < 0.05:
                self.outcome(did, "approved", ts + 0.5, "human", 2500.0)
                c["overridden"] += 1
            return False
        roll = rng.random()
        if roll < 0.04 and p_approve < 1.0:
            self.outcome(did, "timeout", ts + 0.5, "system", 300000.0)
            c["timeout"] += 1
            return False
        if roll < p_approve or p_approve >= 1.0:
            ms = float(rng.randint(500, 20000))
            self.outcome(did, "approved", ts + 0.5, "human", ms)
            c["approved"] += 1
            self.truth.approve_ms.setdefault(rule, []).append(ms)
            return False
        self.outcome(did, "denied", ts + 0.5, "human", float(rng.randint(500, 20000)))
        c["denied"] += 1
        return True

    def decision(
        self,
        did: str,
        sid: str,
        tid: str,
        user: str,
        bucket: str,
        ts: float,
        rule: str,
        kind: str,
        decision: str,
        risk: int,
        autonomy: int,
        irreversible: bool,
    ) -> None:
        """Write a decision record (schema v1)."""
        tool, args = (
            ("Bash", '{"command":"git push origin main"}')
            if decision != "allow"
            else ("Read", '{"file_path":"src/app.py"}')
        )
        rev = "irreversible" if irreversible else "reversible"
        ctx = (
            f'{{"session_id":"{sid}","turn_id":"{tid}","user_id":"{user}","cwd":"/repo",'
            f'"user_session_count":{EXPERIENCE[bucket]},"permission_mode":"default"}}'
        )
        self.log.write(
            f'{{"v":1,"kind":"decision","id":"{did}","ts":"{_iso(ts)}","session":"{sid}","turn":"{tid}",'
            f'"agent":"","tool":"{tool}","args":{args},"args_sha256":"{"0" * 64}","ctx":{ctx},'
            f'"ratings":{{"risk":{risk},"reversibility":"{rev}","autonomy":{autonomy}}},'
            f'"decision":"{decision}","mode":"enforce","reasons":[{{"id":"{rule}","kind":"{kind}",'
            f'"message":""}}],"shadow":[],"errors":[],"policy":{POLICY},"latency_us":4.2,"prev":""}}\n'
        )

    def outcome(self, did: str, outcome: str, ts: float, by: str, latency_ms: float | None = None) -> None:
        """Write an outcome record."""
        record = {
            "v": 1,
            "kind": "outcome",
            "decision": did,
            "ts": _iso(ts),
            "outcome": outcome,
            "by": by,
            "detail": "",
            "latency_ms": latency_ms,
        }
        self.log.write(json.dumps(record, separators=(",", ":")) + "\n")

    def event(self, kind: str, sid: str, tid: str, ts: float, calls: int = 0) -> None:
        """Write a turn event."""
        self.events.write(
            f'{{"v":1,"kind":"event","event":"{kind}","session":"{sid}","turn":"{tid}",'
            f'"ts":"{_iso(ts)}","calls":{calls}}}\n'
        )


def _iso(ts: float) -> str:
    """UTC ISO 8601 with milliseconds (exact for the generated times)."""
    whole = math.floor(ts)
    ms = round((ts - whole) * 1000)
    if ms == 1000:
        whole, ms = whole + 1, 0
    import time as _time

    return _time.strftime("%Y-%m-%dT%H:%M:%S", _time.gmtime(whole)) + f".{ms:03d}Z"


def generate(
    folder: str | Path, *, seed: int = 0, sessions: int = 300, turns: int = 6, weeks: int = 4
) -> Truth:
    """Write `decisions.jsonl` and `events.jsonl` in `folder`; return the ground truth.

    Sessions go round-robin to the experience buckets; in each bucket a fixed share
    (`AUTO_SHARE`) is in full auto-approve; exactly `INTERRUPTED_SHARE` of all turns
    (rounded) are interrupted, all in sessions that are not auto-approved.
    """
    rng = random.Random(seed)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    truth = Truth()
    plan = _plan(rng, sessions, turns)
    with (
        (out / "decisions.jsonl").open("w", encoding="utf-8") as log,
        (out / "events.jsonl").open("w", encoding="utf-8") as events,
    ):
        writer = _Writer(rng, log, events, truth)
        for index, (bucket, auto) in enumerate(plan.sessions):
            # each session keeps the time of day its index gives, spread over the weeks
            start = START + (index * weeks * WEEK) // max(sessions, 1)
            writer.session(index, bucket, auto, plan.interrupted, index * turns, turns, float(start))
    return truth


@dataclass
class _Plan:
    sessions: list[tuple[str, bool]]
    interrupted: set[int]


def _plan(rng: random.Random, sessions: int, turns: int) -> _Plan:
    """Which sessions are auto-approved (exact share per bucket), which turns are interrupted."""
    buckets = list(EXPERIENCE)
    members: dict[str, list[int]] = {b: [] for b in buckets}
    for i in range(sessions):
        members[buckets[i % len(buckets)]].append(i)
    auto: set[int] = set()
    for bucket, ids in members.items():
        auto.update(rng.sample(ids, round(AUTO_SHARE[bucket] * len(ids))))
    eligible = [i * turns + k for i in range(sessions) if i not in auto for k in range(turns)]
    target = min(len(eligible), round(INTERRUPTED_SHARE * sessions * turns))
    interrupted = set(rng.sample(eligible, target))
    return _Plan([(buckets[i % len(buckets)], i in auto) for i in range(sessions)], interrupted)


def truth_dict(truth: Truth) -> dict[str, Any]:
    """The headline figures of the truth, as JSON."""
    return {
        "decisions": truth.decisions,
        "sessions": truth.sessions,
        "turns": truth.turns,
        "interrupted_turns": truth.interrupted_turns,
        "p50": truth.percentile(0.5),
        "p99_9": truth.percentile(0.999),
        "auto": {b: truth.auto[b] / truth.sessions_by_bucket[b] for b in truth.sessions_by_bucket},
    }
