"""Replay: a policy over traces, totals that add up, session state, logs, baselines, jobs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import remit
from remit.log import iso, read_log
from remit.replay import ReplayResult, replay
from remit.traces import TraceCall, read_traces
from remit.traces.files import is_trace_file
from tests.conftest import CORPORA, DATA, POLICIES

FIXTURES = DATA / "traces"
POLICY = POLICIES / "coding-agent.yaml"
SPOTTER = CORPORA / "claude-code" / "spotter"
needs_corpora = pytest.mark.skipif(
    not CORPORA.is_dir(), reason=f"the shared corpora are not checked out next to the repository ({CORPORA})"
)

SESSION_POLICY = """
name: second-bash-asks
version: "1"
rules:
  - id: bash-again
    tools: [Bash]
    ask: session.count("Bash") >= 1
routes:
  - {id: rest, allow: "true"}
"""

BLOCK_BASH = """
name: no-bash
version: "1"
rules:
  - id: no-shell
    tools: [Bash]
    block: "true"
    reason: "no shell"
routes:
  - {id: rest, allow: "true"}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def comparable(result: ReplayResult) -> dict[str, Any]:
    data = result.as_dict()
    data.pop("seconds")
    return data


def assert_consistent(result: ReplayResult) -> None:
    """The totals of a replay agree with each other."""
    assert sum(result.decisions.values()) == result.calls
    assert sum(sum(d.values()) for d in result.by_tool.values()) == result.calls
    assert sum(result.formats.values()) == result.calls
    assert sum(result.outcomes.values()) == result.calls
    assert sum(result.by_rule.values()) >= result.calls
    assert result.problems["total"] == sum(result.problems["counts"].values())
    assert len(result.problems["first"]) == min(50, result.problems["total"])
    assert len(result.riskiest) == min(20, result.calls)
    risks = [r["ratings"]["risk"] for r in result.riskiest]
    assert risks == sorted(risks, reverse=True)


def test_replay_of_a_fixture() -> None:
    result = replay(POLICY, [FIXTURES / "anthropic-messages.jsonl"])
    assert result.calls == 3 and result.sessions == 1 and result.files == 1
    assert result.formats == {"anthropic-messages": 3}
    assert result.events == {"human": 2, "turn_end": 2}
    assert result.outcomes == {"executed": 2, "failed": 1}
    assert set(result.by_tool) == {"bash", "str_replace_based_edit_tool"}
    assert result.changes is None and result.recorded == {}
    assert_consistent(result)
    assert {r["source"].rsplit(":", 1)[1] for r in result.riskiest} == {"2", "3", "5"}
    assert result.riskiest[0]["args"] in ("cat scripts/cleanup.sh", "str_replace", "create")
    assert json.loads(json.dumps(result.as_dict())) == result.as_dict()


def test_problems_are_counted_with_file_and_line() -> None:
    result = replay(POLICY, [FIXTURES])
    counts = result.problems["counts"]
    assert counts["truncated"] == 4  # claude-damaged line 8, the .gz, the Gemini and SWE-agent documents
    assert counts["unknown_format"] == 2  # junk.jsonl, and generic-agent.jsonl read without its mapping
    first = result.problems["first"]
    assert first == sorted(first, key=lambda p: (p["file"], p["line"], p["message"]))
    assert {"file", "line", "kind", "message"} <= set(first[0])
    assert_consistent(result)


@pytest.mark.parametrize("stamp", [1e400, 10**400, "1e400", "Infinity", float("nan"), -1, 0])
def test_a_time_that_is_no_date_is_none(stamp: object) -> None:
    from remit.traces.files import parse_ts

    assert parse_ts(stamp) is None  # never a loop scaling an infinity down


def test_session_state_follows_each_trace_session(tmp_path: Path) -> None:
    policy = write(tmp_path, "p.yaml", SESSION_POLICY)
    result = replay(policy, [FIXTURES / "claude-damaged.jsonl", FIXTURES / "claude-truncated.jsonl.gz"])
    # claude-damaged has one Bash call: the first of its session, so it is allowed
    assert result.by_tool["Bash"] == {"allow": 1, "ask": 0, "block": 0}


@needs_corpora
def test_session_state_within_a_session(tmp_path: Path) -> None:
    policy = write(tmp_path, "p.yaml", SESSION_POLICY)
    result = replay(policy, [SPOTTER / "tool_heavy.jsonl"])
    # tool_heavy.jsonl has two Bash calls (lines 5 and 13): the second one asks
    assert result.by_tool["Bash"] == {"allow": 1, "ask": 1, "block": 0}
    assert result.by_rule["bash-again"] == 1


def test_against_lists_the_changes_grouped_by_rule(tmp_path: Path) -> None:
    strict = write(tmp_path, "strict.yaml", BLOCK_BASH)
    result = replay(
        strict, [FIXTURES / "claude-damaged.jsonl", FIXTURES / "openai-chat.jsonl"], against=POLICY
    )
    assert result.changes is not None and result.change_groups is not None
    bash = [g for g in result.change_groups if g["rules_after"] == ["no-shell"]]
    assert len(bash) == 1 and bash[0]["count"] == 1
    change = bash[0]["calls"][0]
    assert change["tool"] == "Bash" and change["after"] == "block" and change["before"] in ("allow", "ask")
    assert change["source"].endswith("claude-damaged.jsonl:2") and change["call_id"] == "toolu_A1"
    assert result.changed == sum(g["count"] for g in result.change_groups) == len(result.changes)
    assert change in result.changes
    # the other tools are allowed by both (`rest` here, `low-risk` or an ask in the baseline)
    assert all(g["calls"] for g in result.change_groups)


def test_log_writes_decision_records_stamped_with_trace_time(tmp_path: Path) -> None:
    log = tmp_path / "replay.jsonl"
    result = replay(POLICY, [FIXTURES / "openai-chat.jsonl"], log=log)
    records = read_log(log)
    assert len(records) == result.calls == 5
    calls = [c for c in read_traces([FIXTURES / "openai-chat.jsonl"]) if isinstance(c, TraceCall)]
    assert [r["ts"] for r in records] == [iso(c.ts) for c in calls if c.ts is not None]
    assert [r["tool"] for r in records] == [c.tool for c in calls]
    assert {r["session"] for r in records} == {"chat-7f3a"}
    assert records[4]["ctx"]["turn_id"] == "chat-7f3a:2"


def test_replaying_a_replay_log_reproduces_its_decisions(tmp_path: Path) -> None:
    log = tmp_path / "replay.jsonl"
    first = replay(POLICY, [FIXTURES / "openai-chat.jsonl", FIXTURES / "anthropic-messages.jsonl"], log=log)
    again = replay(POLICY, [log])
    assert again.formats == {"remit-log": first.calls}
    assert again.recorded == {"same": first.calls}
    assert again.decisions == first.decisions


def test_a_hook_logs_turn_events_are_no_problem_and_another_version_is(tmp_path: Path) -> None:
    log = tmp_path / "replay.jsonl"
    first = replay(POLICY, [FIXTURES / "openai-chat.jsonl"], log=log)
    lines = log.read_text().splitlines()
    event = {"v": 1, "kind": "event", "event": "human", "session": "s", "turn": "t", "ts": iso(1.7e9)}
    later = {**json.loads(lines[0]), "v": 2, "id": "later"}
    log.write_text("\n".join([json.dumps(event), *lines, json.dumps(later)]) + "\n")
    again = replay(POLICY, [log])
    assert again.calls == first.calls  # the record of a later format is not read as a call
    assert again.problems["counts"] == {"unknown_record": 1}
    assert "format version `2`" in again.problems["first"][0]["message"]


def test_secrets_in_args_stay_out_of_the_result(tmp_path: Path) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2
    trace = tmp_path / "calls.jsonl"
    trace.write_text(
        json.dumps({"tool": "Bash", "args": {"command": f"git push https://x:{token}@github.com/o/r"}})
    )
    result = replay(POLICY, [trace], mapping="tool=tool,args=args")
    assert result.calls == 1 and token not in json.dumps(result.as_dict())


def test_progress_reaches_the_total() -> None:
    seen: list[tuple[int, int]] = []
    replay(POLICY, [FIXTURES], progress=lambda done, total: seen.append((done, total)))
    total = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file() and is_trace_file(p))
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_bad_options_raise_before_any_work() -> None:
    with pytest.raises(ValueError, match="unknown trace format"):
        replay(POLICY, [FIXTURES], fmt="nope")
    for jobs in (1, 2):
        with pytest.raises(remit.PolicyError):
            replay(DATA / "broken" / "bad-yaml.yaml", [FIXTURES], jobs=jobs)


def test_a_single_path_is_not_read_as_characters() -> None:
    assert replay(POLICY, str(FIXTURES / "openai-chat.jsonl")).calls == 5
    assert replay(POLICY, FIXTURES / "openai-chat.jsonl").files == 1


@needs_corpora
@pytest.mark.parametrize(
    ("folder", "calls", "formats"),
    [
        ("claude-code", 1195, {"claude-code"}),
        ("codex", 18, {"codex"}),
        ("gemini-cli", 11, {"gemini-cli"}),
        ("swe-agent", 232, {"swe-agent"}),
        ("mini-swe-agent", 738, {"mini-swe-agent"}),
        ("toolemu", 590, {"toolemu"}),
        ("claude-settings", 0, set()),
    ],
)
def test_replay_over_every_corpus_folder(folder: str, calls: int, formats: set[str]) -> None:
    result = replay(POLICY, [CORPORA / folder])
    assert result.calls == calls and set(result.formats) == formats
    assert_consistent(result)
    if calls:
        assert result.decisions["allow"] + result.decisions["ask"] + result.decisions["block"] == calls
        assert result.sessions >= 1


@needs_corpora
@pytest.mark.slow
def test_results_do_not_depend_on_jobs(tmp_path: Path) -> None:
    paths = [CORPORA / "claude-code", CORPORA / "swe-agent", FIXTURES]
    strict = write(tmp_path, "strict.yaml", BLOCK_BASH)
    one = replay(POLICY, paths, against=strict, jobs=1)
    three = replay(POLICY, paths, against=strict, jobs=3)
    assert comparable(one) == comparable(three)
    assert one.calls > 1400 and one.changed > 0
