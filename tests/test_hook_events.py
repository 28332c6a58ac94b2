"""The hook's turn events: sessions played through `run_hook` with a known history, then the
log checked (its chain, its records) and the report's turn measures checked against it."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import remit
from remit.hook import run_hook
from remit.log import read_log
from remit.report import build_report
from remit.report.synthetic import nearest_rank
from remit.verify import verify_logs

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "tests" / "data" / "hooks" / "policy.yaml"
START = 1767600000.0  # 2026-01-05 08:00 UTC, a Monday


@dataclass
class Truth:
    """What the played sessions did, tallied as they are played."""

    turns: int = 0
    durations: list[float] = field(default_factory=list)
    interrupted: int = 0
    tool_interrupts: int = 0
    clarified: int = 0
    calls: int = 0
    asks: int = 0
    approved: int = 0
    denied: int = 0
    executed: int = 0


class Agent:
    """Claude Code as its hooks see it: one session, events sent through `run_hook`."""

    def __init__(self, session: str, log: Path, cache: Path, truth: Truth) -> None:
        self.session, self.log, self.cache, self.truth = session, log, cache, truth
        self.now = START
        self.prompt = ""
        self.n = 0

    def send(self, event: str, **fields: Any) -> tuple[str, int]:
        data = {
            "session_id": self.session,
            "transcript_path": "/nonexistent/remit-tests/t.jsonl",
            "cwd": "/repo",
            "permission_mode": "default",
            "hook_event_name": event,
            "prompt_id": self.prompt,
            **fields,
        }
        answer = run_hook(
            "claude-code",
            json.dumps(data),
            policy=POLICY,
            log=self.log,
            clock=lambda: self.now,
            cache_dir=self.cache,
        )
        return answer

    def call(self, tool: str, args: dict[str, Any], *, runs: bool = True, interrupt: bool = False) -> str:
        """One tool call: decided, then run (or not, when the human denies the ask)."""
        self.n += 1
        use = f"{self.session}-u{self.n}"
        out, _ = self.send("PreToolUse", tool_name=tool, tool_input=args, tool_use_id=use)
        verdict = str(json.loads(out)["hookSpecificOutput"]["permissionDecision"])
        self.truth.calls += 1
        self.truth.asks += verdict == "ask"
        self.now += 2.0
        if verdict == "ask" and not runs:
            self.truth.denied += 1
            return verdict
        if interrupt:  # stopped: whether it had started is unknown, so no approval is inferred
            self.send("PostToolUseFailure", tool_name=tool, tool_use_id=use, error="x", is_interrupt=True)
            self.truth.tool_interrupts += 1
        else:
            self.send("PostToolUse", tool_name=tool, tool_use_id=use, tool_response={}, duration_ms=500)
            self.truth.approved += verdict == "ask"
            self.truth.executed += 1
        return verdict


def play(log: Path, cache: Path, seed: int, sessions: int = 3, turns: int = 8) -> Truth:
    """Sessions of turns: some stopped, some cut short (no Stop), some with a tool interrupted,
    some with a clarification question; asks approved or denied at random."""
    rng, truth = random.Random(seed), Truth()
    for s in range(sessions):
        agent = Agent(f"sess-{seed}-{s}", log, cache, truth)
        agent.now = START + s * 86400
        for k in range(turns):
            agent.prompt = f"{agent.session}-p{k}"
            out, code = agent.send("UserPromptSubmit", prompt="go on")
            assert (out, code) == ("", 0)
            began, last = agent.now, agent.now
            fate = "stop" if k == turns - 1 else rng.choice(["stop", "stop", "cut", "tool"])
            if rng.random() < 0.25:
                agent.now += 1.0
                agent.call("AskUserQuestion", {"questions": [{"question": "which file?"}]})
                truth.clarified += 1
            for j in range(rng.randint(1, 4)):
                agent.now += rng.uniform(1, 30)
                tool, args = rng.choice([("Read", {"file_path": "a.py"}), ("Write", {"file_path": "b.py"})])
                agent.call(tool, args, runs=rng.random() < 0.7, interrupt=fate == "tool" and j == 0)
                last = agent.now
                if fate == "tool":
                    break
            agent.now += rng.uniform(1, 60)
            if fate == "stop":
                agent.send("Stop", stop_hook_active=False)
                truth.durations.append(round(agent.now - began, 6))
            else:  # no Stop: the next prompt shows the turn was cut short, ending at its last activity
                truth.interrupted += 1
                truth.durations.append(round(last - began, 6))
            truth.turns += 1
            agent.now += rng.uniform(5, 120)
    return truth


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("hook-events")
    log = folder / "decisions.jsonl"
    truth = play(log, folder / "cache", seed=5)
    return log, truth, build_report([log]).as_dict()


def test_the_log_chains_and_holds_every_event(played: tuple[Path, Truth, dict[str, Any]]) -> None:
    log, truth, _ = played
    assert verify_logs([log]).ok
    records = read_log(log)
    events = [r["event"] for r in records if r["kind"] == "event"]
    assert events.count("human") == truth.turns
    assert events.count("turn_end") == truth.turns
    assert events.count("interrupt") == truth.interrupted
    assert events.count("clarification") == truth.clarified
    outcomes = [r["outcome"] for r in records if r["kind"] == "outcome"]
    assert outcomes.count("approved") == truth.approved
    assert outcomes.count("denied") == truth.denied
    assert outcomes.count("executed") == truth.executed
    assert outcomes.count("interrupted") == truth.tool_interrupts > 0
    assert 0 < truth.denied < truth.asks and 0 < truth.interrupted < truth.turns and truth.clarified > 0


def test_the_report_measures_the_turns(played: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = played
    assert r["totals"]["turns"] == truth.turns and r["totals"]["calls"] == truth.calls
    td = r["turn_duration"]["all"]
    assert td["n"] == truth.turns
    for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99_9", 0.999)):
        assert td[name] == pytest.approx(nearest_rank(truth.durations, q), abs=1e-3), name
    interrupts = r["interrupts"]["all"]["all"]
    assert (interrupts["count"], interrupts["n"]) == (truth.interrupted, truth.turns)
    stops = r["stops_by_complexity"]["all"]["all"]
    assert stops["clarification"]["count"] == truth.clarified
    assert stops["interrupts"] == truth.interrupted


def test_the_report_gets_the_answers_to_asks(played: tuple[Path, Truth, dict[str, Any]]) -> None:
    _, truth, r = played
    rules = r["tuning"]["rules"]
    assert sum(e["ask"] for e in rules) == truth.asks
    assert sum(e["approved"] for e in rules) == truth.approved
    assert sum(e["denied"] for e in rules) == truth.denied
    timed = [e["median_ms_to_approve"]["value"] for e in rules if e["approved"]]
    assert timed and all(v is not None and v >= 0 for v in timed)
    assert r["involvement"]["all"]["all"]["denied"]["count"] == truth.denied


def asked_to_write(tmp_path: Path) -> Agent:
    """Session `s` in turn `p1`, whose Write (tool use `u1`) remit answered with an ask."""
    agent = Agent("s", tmp_path / "log.jsonl", tmp_path / "cache", Truth())
    agent.prompt = "p1"
    agent.send("UserPromptSubmit", prompt="x")
    out, _ = agent.send("PreToolUse", tool_name="Write", tool_input={"file_path": "a.py"}, tool_use_id="u1")
    assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "ask"
    return agent


def test_a_tool_interrupt_is_one_interrupt(tmp_path: Path) -> None:
    """A tool the user stopped, then a new prompt (no Stop): one interrupt, not two."""
    agent = Agent("s", tmp_path / "log.jsonl", tmp_path / "cache", Truth())
    agent.prompt = "p1"
    agent.send("UserPromptSubmit", prompt="x")
    agent.call("Read", {"file_path": "a"}, interrupt=True)
    agent.prompt = "p2"
    agent.send("UserPromptSubmit", prompt="y")
    events = [r["event"] for r in read_log(tmp_path / "log.jsonl") if r["kind"] == "event"]
    assert events == ["human", "interrupt", "turn_end", "human"]


def test_events_without_a_log_or_a_session(tmp_path: Path) -> None:
    event = {"hook_event_name": "Stop", "stop_hook_active": False, "prompt_id": "p"}
    assert run_hook("claude-code", json.dumps(event), policy=POLICY, cache_dir=tmp_path) == ("", 0)
    log = tmp_path / "log.jsonl"
    assert run_hook("claude-code", json.dumps(event), policy=POLICY, log=log, cache_dir=tmp_path) == ("", 0)
    (record,) = read_log(log)
    assert (record["event"], record["session"], record["turn"]) == ("turn_end", "", "p")


def test_a_session_id_that_is_not_valid_unicode_keeps_its_state(tmp_path: Path) -> None:
    """JSON may escape a lone surrogate (Node's strings can hold one): the id still names one
    session's state file, and its calls are decided and logged, not denied as an error."""
    log, session = tmp_path / "log.jsonl", "a\ud800b"
    for turn in ("p1", "p2"):  # no Stop: the second prompt finds the first turn cut short (the state)
        ids = {"session_id": session, "prompt_id": turn}
        prompt = {"hook_event_name": "UserPromptSubmit", "prompt": "x", **ids}
        answer = run_hook("claude-code", json.dumps(prompt), policy=POLICY, log=log, cache_dir=tmp_path)
        assert answer == ("", 0)
        call = {"hook_event_name": "PreToolUse", "tool_name": "Read", "tool_input": {"file_path": "a"}, **ids}
        out, code = run_hook("claude-code", json.dumps(call), policy=POLICY, log=log, cache_dir=tmp_path)
        assert code == 0 and json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "allow"
    records = read_log(log)
    assert {r["session"] for r in records} == {session}
    assert [(r["kind"], r.get("event"), r["turn"]) for r in records] == [
        ("event", "human", "p1"),
        ("decision", None, "p1"),
        ("event", "interrupt", "p1"),
        ("event", "turn_end", "p1"),
        ("event", "human", "p2"),
        ("decision", None, "p2"),
    ]


def test_a_result_the_strict_reader_refuses_is_still_recorded(tmp_path: Path) -> None:
    """A tool's result may hold keys that differ only in case, or NaN: the event is observed,
    not decided on, so it is read as it can be and the approval it shows is kept."""
    agent = asked_to_write(tmp_path)
    result = '{"Id": 1, "id": 2, "n": NaN}'
    data = {"session_id": "s", "hook_event_name": "PostToolUse", "prompt_id": "p1", "tool_name": "Write"}
    text = json.dumps({**data, "tool_use_id": "u1", "tool_response": 0}).replace(
        '"tool_response": 0', '"tool_response": ' + result
    )
    answer = run_hook("claude-code", text, policy=POLICY, log=agent.log, cache_dir=agent.cache)
    assert answer == ("", 0)
    outcomes = [r.get("outcome") for r in read_log(agent.log) if r["kind"] == "outcome"]
    assert outcomes == ["approved", "executed"]  # not "denied": the ask was answered yes, and it ran


def test_events_remit_only_observes_write_nothing(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    for name in ("Notification", "SubagentStop", "SessionStart", "PreCompact"):
        event = {"hook_event_name": name, "session_id": "s", "message": "waiting", "prompt_id": "p"}
        answer = run_hook("claude-code", json.dumps(event), policy=POLICY, log=log, cache_dir=tmp_path)
        assert answer == ("", 0)
    assert not log.exists() or log.read_text() == ""


def test_an_event_that_cannot_be_recorded_is_a_hook_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = {"hook_event_name": "UserPromptSubmit", "session_id": "s", "prompt": "x", "prompt_id": "p"}
    folder = tmp_path / "a-folder"
    folder.mkdir()
    answer = run_hook("claude-code", json.dumps(event), policy=POLICY, log=folder, cache_dir=tmp_path)
    assert answer == ("", 1)  # both agents show a hook error and carry on: the prompt is not blocked
    assert "could not record the UserPromptSubmit event" in capsys.readouterr().err


def test_a_prompt_hook_process_prints_nothing(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(remit.__file__).parent.parent),
        "XDG_CACHE_HOME": str(tmp_path),
    }
    event = {"hook_event_name": "UserPromptSubmit", "session_id": "s", "prompt": "hi", "prompt_id": "p1"}
    proc = subprocess.run(
        [sys.executable, "-m", "remit.hook", "claude-code", str(POLICY), str(log)],
        input=json.dumps(event).encode(),
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    (record,) = read_log(log)
    assert (record["kind"], record["event"], record["turn"]) == ("event", "human", "p1")


def test_no_prompt_or_tool_error_text_reaches_the_log(tmp_path: Path) -> None:
    """The log records that a turn started and a tool failed, never what was typed or printed."""
    secret = "sk-ant-api03-" + "x" * 40
    agent = Agent("s", tmp_path / "log.jsonl", tmp_path / "cache", Truth())
    agent.prompt = "p1"
    agent.send("UserPromptSubmit", prompt=f"deploy with {secret}")
    out, _ = agent.send("PreToolUse", tool_name="Read", tool_input={"file_path": "a"}, tool_use_id="u1")
    assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "allow"
    agent.send("PostToolUseFailure", tool_name="Read", tool_use_id="u1", error=f"bad token {secret}")
    agent.send("Stop", stop_hook_active=False, last_assistant_message=secret)
    text = (tmp_path / "log.jsonl").read_text()
    assert secret not in text and "deploy with" not in text
    assert [r.get("outcome") or r.get("event") for r in read_log(tmp_path / "log.jsonl")] == [
        "human",
        None,  # the decision
        "failed",
        "turn_end",
    ]


def test_a_refusal_reported_as_a_failure_is_a_denial(tmp_path: Path) -> None:
    """Claude Code's result of a refused call reads "The user doesn't want to proceed...": the
    tool never ran, whatever event carries it."""
    agent = asked_to_write(tmp_path)
    refusal = "The user doesn't want to proceed with this tool use. The tool use was rejected."
    agent.send("PostToolUseFailure", tool_name="Write", tool_use_id="u1", error=refusal)
    agent.send("Stop", stop_hook_active=False)
    outcomes = [(r["outcome"], r["by"]) for r in read_log(tmp_path / "log.jsonl") if r["kind"] == "outcome"]
    assert outcomes == [("denied", "human")]


def test_a_result_reported_for_a_blocked_call_is_not_an_execution(tmp_path: Path) -> None:
    """Claude Code runs no denied tool; a PostToolUse naming one must not count as run."""
    log = tmp_path / "log.jsonl"
    base = {"session_id": "s", "cwd": "/repo", "tool_name": "Bash", "tool_use_id": "t1"}
    pre = {**base, "hook_event_name": "PreToolUse", "tool_input": {"command": "rm -rf /"}}
    text, _ = run_hook("claude-code", json.dumps(pre), policy=POLICY, log=log, cache_dir=tmp_path)
    assert json.loads(text)["hookSpecificOutput"]["permissionDecision"] == "deny"
    post = {
        **base,
        "hook_event_name": "PostToolUse",
        "tool_input": {"command": "rm -rf /"},
        "tool_response": {},
    }
    assert run_hook("claude-code", json.dumps(post), policy=POLICY, log=log, cache_dir=tmp_path) == ("", 0)
    assert not [r for r in read_log(log) if r["kind"] == "outcome" and r["outcome"] == "executed"]


def test_an_observed_event_is_found_whatever_a_tool_input_names_first(tmp_path: Path) -> None:
    event = (
        '{"session_id":"s","tool_name":"mcp__x__y","tool_input":{"hook_event_name":"PreToolUse"},'
        '"hook_event_name":"PostToolUse","tool_use_id":"t9","tool_response":{}}'
    )
    assert run_hook("claude-code", event, policy=POLICY, log=tmp_path / "l.jsonl", cache_dir=tmp_path) == (
        "",
        0,
    )
