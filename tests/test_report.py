"""The oversight report recovers the known figures of synthetic logs, and reads real traces."""

from __future__ import annotations

import json
import statistics
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import remit.report
from remit.report import Options, build_report, jsonl_to_parquet
from remit.report.synthetic import AUTO_SHARE, EXPERIENCE, INTERRUPTED_SHARE, Truth, generate
from tests.conftest import CORPORA, POLICIES

SESSIONS, TURNS = 300, 6


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("synthetic")
    truth = generate(folder, seed=3, sessions=SESSIONS, turns=TURNS)
    return folder, truth, build_report([folder]).as_dict()


def test_public_api() -> None:
    assert remit.report.__all__ == [
        "Options",
        "Report",
        "build_report",
        "jsonl_to_parquet",
        "print_report",
        "render_html",
    ]


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a, b = generate(tmp_path / "a", seed=5, sessions=30), generate(tmp_path / "b", seed=5, sessions=30)
    assert a == b
    assert (tmp_path / "a" / "decisions.jsonl").read_bytes() == (
        tmp_path / "b" / "decisions.jsonl"
    ).read_bytes()


def test_totals(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = synthetic
    assert r["totals"]["calls"] == truth.decisions
    assert r["totals"]["sessions"] == truth.sessions == SESSIONS
    assert r["totals"]["turns"] == truth.turns == SESSIONS * TURNS
    assert r["periods"] == ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"]
    assert json.loads(json.dumps(r)) == r


def test_turn_duration_percentiles(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = synthetic
    td = r["turn_duration"]["all"]
    assert td["n"] == truth.turns
    for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99_9", 0.999)):
        assert td[name] == truth.percentile(q), name
    weeks = [r["turn_duration"][w]["n"] for w in r["periods"]]
    assert sum(weeks) == truth.turns
    assert sum(r["turn_histogram"]["counts"]) == truth.turns


def test_interrupts_exactly_seven_percent(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = synthetic
    overall = r["interrupts"]["all"]["all"]
    assert overall["count"] == truth.interrupted_turns == round(INTERRUPTED_SHARE * SESSIONS * TURNS)
    assert overall["value"] == INTERRUPTED_SHARE
    by = r["interrupts"]["all"]["by_experience"]
    assert sum(f["count"] for f in by.values()) == truth.interrupted_turns


def test_auto_approve_by_experience(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = synthetic
    assert r["experience"]["source"] == "ctx.user_session_count"
    by = r["auto_approve"]["all"]["by_experience"]
    assert set(by) == set(EXPERIENCE)
    for bucket, share in AUTO_SHARE.items():
        assert by[bucket]["value"] == share
        assert by[bucket]["n"] == truth.sessions_by_bucket[bucket]
        assert by[bucket]["count"] == truth.auto[bucket]


def test_interventions_and_clarifications(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = synthetic
    per = r["interventions_per_session"]["all"]["all"]
    assert per["n"] == truth.sessions
    assert per["value"] == round(truth.interventions / truth.sessions, 6)
    stops = r["stops_by_complexity"]["all"]
    assert stops["all"]["clarification"]["count"] == truth.clarified_turns
    buckets = stops["by_complexity"].values()
    assert sum(b["turns"] for b in buckets) == truth.turns
    assert sum(b["interrupt"]["count"] for b in buckets) == truth.interrupted_turns


def test_call_shares(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = synthetic
    calls = r["calls"]["all"]
    assert calls["safeguard"]["count"] == truth.safeguarded
    assert calls["human_in_loop"]["count"] == truth.asked
    assert calls["irreversible"]["count"] == truth.irreversible
    assert sum(r["calls"][w]["n"] for w in r["periods"]) == truth.decisions
    assert r["risk_autonomy"]["n"] == truth.decisions
    involvement = r["involvement"]["all"]["by_complexity"].values()
    assert sum(b["calls"] for b in involvement) == truth.decisions
    assert sum(b["asked"]["count"] for b in involvement) == truth.asked


def test_rule_tuning(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = synthetic
    rules = {e["id"]: e for e in r["tuning"]["rules"]}
    assert set(rules) == set(truth.by_rule)
    for rid, counts in truth.by_rule.items():
        entry = rules[rid]
        assert entry["matched"] == counts["matched"]
        expected = truth.approval_rate(rid)
        assert entry["approval_rate"]["value"] == (None if expected is None else round(expected, 6))
        assert entry["timeouts"] == counts["timeout"]
        assert entry["blocks_overridden"] == counts["overridden"]
        if rid in truth.approve_ms:
            assert entry["median_ms_to_approve"]["value"] == statistics.median(truth.approve_ms[rid])
    assert [c["id"] for c in r["tuning"]["candidates_to_allow"]] == ["ask-deploy"]
    assert {o["id"] for o in r["tuning"]["blocks_overridden"]} == {"no-secrets"}
    assert r["tuning"]["never_decide"] is None and r["tuning"]["never_decide_reason"]


def test_clusters_and_domains(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = synthetic
    top = r["riskiest"]["clusters"][0]
    assert (top["tool"], top["program"]) == ("Bash", "git")
    assert sum(c["calls"] for c in r["riskiest"]["clusters"]) == truth.decisions
    assert sum(d["calls"] for d in r["domains"]["domains"]) == truth.decisions


def test_parquet_gives_the_same_report(synthetic: tuple[Path, Truth, dict[str, Any]], tmp_path: Path) -> None:
    folder, _, r = synthetic
    target = tmp_path / "log.parquet"
    assert jsonl_to_parquet(folder, target) > 0
    again = build_report([target]).as_dict()
    for key in ("totals", "turn_duration", "auto_approve", "interrupts", "calls", "tuning", "riskiest"):
        assert again[key] == r[key], key


def test_since_until(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    folder, _, r = synthetic
    since = datetime(2026, 1, 12, tzinfo=timezone.utc)
    until = datetime(2026, 1, 19, tzinfo=timezone.utc)
    week = build_report([folder], since=since, until=until).as_dict()
    assert week["periods"] == ["2026-01-12"]
    assert week["calls"]["all"]["n"] == r["calls"]["2026-01-12"]["n"]


def test_log_without_events_gives_reasons_not_numbers(synthetic: tuple[Path, Truth, dict[str, Any]]) -> None:
    folder, truth, _ = synthetic
    r = build_report([folder / "decisions.jsonl"]).as_dict()
    assert r["totals"]["calls"] == truth.decisions
    td = r["turn_duration"]["all"]
    assert td["p50"] is None and td["n"] == 0 and "no turn events" in td["reason"]
    assert r["interrupts"]["all"]["all"]["value"] is None
    assert "no turn events" in r["interrupts"]["all"]["all"]["reason"]
    assert r["auto_approve"]["all"]["all"]["n"] == truth.sessions


def test_damaged_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    generate(tmp_path, seed=1, sessions=9)
    log = tmp_path / "decisions.jsonl"
    lines = log.read_text().splitlines()
    torn = lines[7][: len(lines[7]) // 2]  # an append cut short by a crash
    damaged = ["{not json", torn, "[1, 2]", '{"v": 1, "no": "kind"}']
    log.write_text("\n".join([*lines[:5], damaged[0], "", *lines[5:7], *damaged[1:], *lines[7:]]) + "\n")
    r = build_report([tmp_path]).as_dict()
    assert r["totals"]["calls"] == sum('"kind":"decision"' in x for x in lines)
    assert r["inputs"]["damaged_lines"] == {"count": 4, "files": {str(log): 4}}  # the blank line is not
    parquet = tmp_path / "log.parquet"
    jsonl_to_parquet(log, parquet)
    again = build_report([parquet]).as_dict()
    assert again["inputs"]["damaged_lines"] == {"count": 4, "files": {str(parquet): 4}}
    assert again["totals"]["calls"] == r["totals"]["calls"]
    clean = build_report([tmp_path / "events.jsonl"]).as_dict()
    assert clean["inputs"]["damaged_lines"] == {"count": 0, "files": {}}


def test_a_record_holding_a_lone_surrogate_is_read_not_damaged(tmp_path: Path) -> None:
    """remit logs text that is no valid Unicode escaped (`"\\ud800"`), which DuckDB's reader
    refuses: the report reads such a record again, with U+FFFD for the surrogate."""
    import remit

    log = tmp_path / "log.jsonl"
    guard = remit.Guard.from_path(POLICIES / "coding-agent.yaml", log=log)
    for command in ("echo \ud800 \U0001f600 \\ud800", "ls", "echo \udcff"):
        guard.check("Bash", {"command": command}, {"session_id": "s"})
    assert guard.log is not None
    guard.log.close()
    with log.open("a") as f:
        f.write('{"v": 1, "kind": "decision", "torn\n')  # still damaged
    r = build_report([log]).as_dict()
    assert r["totals"]["calls"] == 3
    assert r["inputs"]["damaged_lines"] == {"count": 1, "files": {str(log): 1}}
    twice = build_report([log, tmp_path, log]).as_dict()  # a file named twice is read once
    assert twice["totals"]["calls"] == 3 and twice["inputs"]["damaged_lines"]["count"] == 1
    parquet = tmp_path / "log.parquet"
    assert jsonl_to_parquet(log, parquet) == 3 + 1  # the damaged line is a row with no kind
    again = build_report([parquet]).as_dict()
    assert again["totals"]["calls"] == 3 and again["inputs"]["damaged_lines"]["count"] == 1


def test_experience_counted_in_the_data(tmp_path: Path) -> None:
    """Without `user_session_count`, a session's experience is the user's sessions before it."""
    log = tmp_path / "log.jsonl"
    records = [_decision(f"s{i}", "alice" if i < 3 else "bob", 1000 + i * 60, "allow") for i in range(5)]
    log.write_text("".join(json.dumps(x) + "\n" for x in records))
    r = build_report([log], options=Options(experience_edges=(1, 2))).as_dict()
    assert r["experience"]["source"] == "counted in the data"
    by = r["auto_approve"]["all"]["by_experience"]
    assert {k: v["n"] for k, v in by.items()} == {"<1": 2, "1-1": 2, "2+": 1}


def test_policy_names_rules_that_never_decide(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    records = [
        _decision("s1", "u", 1000, "allow", [{"id": "low-risk", "kind": "route"}]),
        _decision("s1", "u", 1001, "allow", [{"id": "git-read", "kind": "rule"}]),
    ]
    log.write_text("".join(json.dumps(x) + "\n" for x in records))
    r = build_report([log], policy=POLICIES / "coding-agent.yaml").as_dict()
    assert "no-wipe" in r["tuning"]["never_decide"] and "low-risk" not in r["tuning"]["never_decide"]
    assert r["calls"]["all"]["safeguard"]["count"] == 1  # `allow: true` is a catch-all, not a safeguard


def _decision(
    session: str, user: str, ts: float, decision: str, reasons: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    stamp = datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "v": 1,
        "kind": "decision",
        "id": f"{session}-{ts}",
        "ts": stamp,
        "session": session,
        "turn": f"{session}:1",
        "tool": "Read",
        "args": {"file_path": "a"},
        "ctx": {"user_id": user},
        "ratings": {"risk": 1, "reversibility": "reversible", "autonomy": 1},
        "decision": decision,
        "mode": "enforce",
        "reasons": reasons or [{"id": "default", "kind": "default"}],
    }


@pytest.mark.skipif(not (CORPORA / "claude-code").is_dir(), reason="the claude-code corpus is absent")
def test_real_claude_code_traces() -> None:
    r = build_report([CORPORA / "claude-code"]).as_dict()
    assert r["inputs"]["traces"] > 0 and r["inputs"]["policy"]["name"] == "coding-agent"
    assert r["totals"]["calls"] > 1000 and r["totals"]["turns"] > 20
    td = r["turn_duration"]["all"]
    assert td["n"] > 20 and 0 < td["p50"] <= td["p90"] <= td["p99"] <= td["p99_9"]
    assert r["interrupts"]["all"]["all"]["count"] >= 1
    assert r["auto_approve"]["all"]["all"]["n"] > 0 and r["auto_approve"]["all"]["all"]["value"] is not None
    assert r["stops_by_complexity"]["all"]["all"]["clarifications"] >= 1
    assert r["experience"]["source"] == "counted in the data"
    assert {"low-risk", "needs-a-human"} <= {e["id"] for e in r["tuning"]["rules"]}


@pytest.mark.skipif(not (CORPORA / "claude-code").is_dir(), reason="the claude-code corpus is absent")
def test_a_log_and_its_traces_are_not_counted_twice(tmp_path: Path) -> None:
    """The live log's decisions count; the transcripts add the turn events."""
    from remit.replay import replay

    traces = CORPORA / "claude-code" / "ai-sessions-examples"
    replay(POLICIES / "coding-agent.yaml", [traces], log=tmp_path / "live.jsonl")
    both = build_report([tmp_path / "live.jsonl", traces]).as_dict()
    alone = build_report([traces]).as_dict()
    assert both["totals"]["calls"] == alone["totals"]["calls"] > 0
    assert both["turn_duration"]["all"] == alone["turn_duration"]["all"]
    assert both["turn_duration"]["all"]["n"] > 0


@pytest.mark.skipif(not (CORPORA / "claude-code").is_dir(), reason="the claude-code corpus is absent")
def test_live_turn_events_stand_for_their_session(tmp_path: Path) -> None:
    """A session whose turn events are in a log (written by the hook) takes those, not the
    transcript's: they carry the live decisions' turn ids."""
    from remit.hook_events import event_record
    from remit.log import DecisionLog, read_log
    from remit.replay import replay

    traces = CORPORA / "claude-code" / "ai-sessions-examples"
    live = tmp_path / "live.jsonl"
    replay(POLICIES / "coding-agent.yaml", [traces], log=live)
    session = next(r["session"] for r in read_log(live) if r["kind"] == "decision")
    alone = build_report([live, traces]).as_dict()
    assert alone["totals"]["turns"] > 1
    with DecisionLog(live) as log:
        log.write(event_record("human", session, "live-1", 1767600000.0))
        log.write(event_record("turn_end", session, "live-1", 1767600042.5))
    both = build_report([live, traces]).as_dict()
    assert both["totals"]["turns"] == 1
    assert both["turn_duration"]["all"]["n"] == 1 and both["turn_duration"]["all"]["p50"] == 42.5
    assert both["totals"]["calls"] == alone["totals"]["calls"]


def test_the_scale_benchmark_checks_its_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`benchmarks/report_scale.py` at a tiny size: generated once, checked against its truth."""
    from benchmarks.report_scale import main

    main(["--sizes", "2000", "--dir", str(tmp_path)])
    main(["--sizes", "2000", "--dir", str(tmp_path), "--formats", "jsonl"])  # kept between runs
    out = capsys.readouterr().out
    assert out.count("generated in") == 1 and out.count("| jsonl |") == 2 and out.count("| parquet |") == 1
    assert json.loads((tmp_path / "2000.truth.json").read_text())["decisions"] > 1000
