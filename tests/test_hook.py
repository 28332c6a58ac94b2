"""The PreToolUse hook: end to end as a new process, context from real transcripts, session state."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

import remit
import remit.hook as hook
from remit.hook import StateStore, main_hook, read_tail, run_hook
from remit.hookd import event_name
from remit.session import MAX_RECENT, Session
from remit.traces import TraceCall, read_traces

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "tests" / "data" / "hooks"
CORPORA = ROOT.parent / "shared" / "corpora"
CLAUDE_CORPUS = CORPORA / "claude-code"
CASES: list[dict[str, Any]] = yaml.safe_load((HOOKS / "cases.yaml").read_text())
POLICY = HOOKS / "policy.yaml"

# What each agent accepts on stdout (Codex: its output schema forbids other fields, and it
# refuses `allow` without `updatedInput` and `ask` as unsupported; see docs/hooks.md).
TOP_KEYS = {
    "continue",
    "decision",
    "hookSpecificOutput",
    "reason",
    "stopReason",
    "suppressOutput",
    "systemMessage",
}
SPECIFIC_KEYS = {
    "hookEventName",
    "permissionDecision",
    "permissionDecisionReason",
    "additionalContext",
    "updatedInput",
}
DECISIONS = {"claude-code": {"allow", "ask", "deny"}, "codex": {"deny"}}


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes session state to the user's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


def base_event(agent: str) -> dict[str, Any]:
    """The agent's PreToolUse event of the fixtures."""
    data: dict[str, Any] = json.loads((HOOKS / f"{agent}.json").read_text())
    return data


def case_stdin(case: dict[str, Any]) -> bytes:
    """What a case writes on the hook's stdin."""
    if "stdin" in case:
        return str(case["stdin"]).encode()
    return json.dumps({**base_event(case.get("agent", "claude-code")), **case.get("event", {})}).encode()


def run_process(
    agent: str, policy: Path | str, stdin: bytes, cache: Path
) -> subprocess.CompletedProcess[bytes]:
    """The hook as the agent runs it: a new process, the event on stdin."""
    env = {**os.environ, "PYTHONPATH": str(Path(remit.__file__).parent.parent), "XDG_CACHE_HOME": str(cache)}
    cmd = [sys.executable, "-m", "remit.hook", agent, str(policy)]
    return subprocess.run(cmd, input=stdin, capture_output=True, env=env, timeout=120, check=False)


def check_protocol(agent: str, output: dict[str, Any]) -> None:
    """The output is one the agent reads as intended (never as a failed hook that lets the call run)."""
    assert set(output) <= TOP_KEYS
    specific = output.get("hookSpecificOutput")
    if specific is not None:
        assert set(specific) <= SPECIFIC_KEYS
        assert specific["hookEventName"] == "PreToolUse"
        assert specific["permissionDecision"] in DECISIONS.get(agent, {"deny"})
        assert specific["permissionDecisionReason"].strip()


@pytest.fixture(scope="module")
def processes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[bytes]]:
    """Every case of cases.yaml run as a process (in parallel: each pays the start-up time)."""

    def run(case: dict[str, Any], cache: Path) -> subprocess.CompletedProcess[bytes]:
        return run_process(
            case.get("agent", "claude-code"),
            HOOKS / case.get("policy", "policy.yaml"),
            case_stdin(case),
            cache,
        )

    # Each case starts a session of its own. The folders are made here, not in the threads:
    # pytest's numbered folders are not made safely from several threads at once.
    caches = [tmp_path_factory.mktemp("cache") for _ in CASES]
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip([c["name"] for c in CASES], pool.map(run, CASES, caches), strict=True))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hook_process(case: dict[str, Any], processes: dict[str, subprocess.CompletedProcess[bytes]]) -> None:
    proc = processes[case["name"]]
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""
    expect = case["expect"]
    if expect.get("silent"):  # an observed event: no output is "carry on" for every event
        assert proc.stdout == b""
        return
    output = json.loads(proc.stdout)
    check_protocol(case.get("agent", "claude-code"), output)
    if expect.get("empty"):
        assert output == {}
        return
    specific = output.get("hookSpecificOutput", {})
    assert specific.get("permissionDecision", "none") == expect["permission"]
    for part in expect.get("reason", []):
        assert part in specific["permissionDecisionReason"]
    for part in expect.get("system", []):
        assert part in output["systemMessage"]


def test_huge_input_is_denied_without_reading_it_all(tmp_path: Path) -> None:
    event = {**base_event("claude-code"), "tool_input": {"content": "x" * (hook.MAX_INPUT_BYTES + 10)}}
    proc = run_process("claude-code", POLICY, json.dumps(event).encode(), tmp_path)
    assert proc.returncode == 0
    specific = json.loads(proc.stdout)["hookSpecificOutput"]
    assert specific["permissionDecision"] == "deny"
    assert "larger than" in specific["permissionDecisionReason"]


def test_main_hook_caps_what_it_reads() -> None:
    out = io.StringIO()
    code = main_hook("codex", policy=POLICY, stdin=io.BytesIO(b" " * (hook.MAX_INPUT_BYTES + 1)), stdout=out)
    assert code == 0
    assert json.loads(out.getvalue())["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_session_state_survives_between_processes(tmp_path: Path) -> None:
    read_key = {**base_event("claude-code"), "tool_name": "Read", "tool_input": {"file_path": "/repo/id.pem"}}
    fetch = {**base_event("claude-code"), "tool_name": "WebFetch", "tool_input": {"url": "https://x.test"}}
    first = json.loads(run_process("claude-code", POLICY, json.dumps(read_key).encode(), tmp_path).stdout)
    assert first["hookSpecificOutput"]["permissionDecision"] == "allow"
    second = json.loads(run_process("claude-code", POLICY, json.dumps(fetch).encode(), tmp_path).stdout)
    assert second["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "a secret was read earlier" in second["hookSpecificOutput"]["permissionDecisionReason"]
    other = json.dumps({**fetch, "session_id": "another-session"}).encode()
    third = json.loads(run_process("claude-code", POLICY, other, tmp_path).stdout)
    assert third["hookSpecificOutput"]["permissionDecision"] == "ask"  # unrated: the default


# -- in-process: the same function the entry point calls ------------------------------------


def decide(event: dict[str, Any], tmp_path: Path, *, agent: str = "claude-code", **kw: Any) -> dict[str, Any]:
    text, code = run_hook(agent, json.dumps(event), policy=POLICY, cache_dir=tmp_path / "cache", **kw)
    assert code == 0
    output: dict[str, Any] = json.loads(text)
    check_protocol(agent, output)
    return output


def permission(output: dict[str, Any]) -> str:
    return str(output.get("hookSpecificOutput", {}).get("permissionDecision", "none"))


def test_session_counts_persist(tmp_path: Path) -> None:
    bash = {**base_event("claude-code"), "tool_input": {"command": "ls"}}
    assert [permission(decide(bash, tmp_path)) for _ in range(3)] == ["allow", "allow", "ask"]
    state = StateStore(tmp_path / "cache").load("abc123")
    assert state["counts"] == {"Bash": 3} and state["calls"] == 3 and state["asks"] == 1


def test_damaged_state_starts_afresh(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "cache")
    store.dir.mkdir(parents=True)
    store.path("abc123").write_text("{not json")
    assert permission(decide(base_event("claude-code"), tmp_path)) == "allow"
    assert store.load("abc123")["calls"] == 1
    assert not list(store.dir.glob("*.tmp"))


def test_state_round_trip_keeps_the_bounds() -> None:
    session = Session("s")
    for i in range(MAX_RECENT + 5):
        session.record(f"t{i % 3}", "allow", 1, ("fact",))
    data = hook.session_to_dict(session)
    restored = Session("s")
    hook.restore_session(restored, json.loads(json.dumps(data)))
    assert hook.session_to_dict(restored) == data
    assert restored.count("t0") == session.count("t0") and restored.seen("fact")
    hook.restore_session(restored, {"calls": -1, "counts": {"x": "many"}, "facts": "nope", "recent": [1]})
    assert restored.calls == 0 and restored.count("x") == 0 and restored.facts == [] and restored.recent == []


def test_old_state_files_are_pruned(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    store.dir.mkdir(parents=True)
    for i in range(5):
        store.save(f"s{i}", {"v": 1, "id": f"s{i}"})
        os.utime(store.path(f"s{i}"), (1000 + i, 1000 + i))
    store.prune(keep=2)
    assert sorted(p.name for p in store.dir.glob("*.json")) == sorted(
        store.path(s).name for s in ("s3", "s4")
    )


def test_unwritable_log_denies(tmp_path: Path) -> None:
    text, _ = run_hook(
        "claude-code",
        json.dumps(base_event("claude-code")),
        policy=POLICY,
        log=tmp_path,
        cache_dir=tmp_path / "cache",
    )
    specific = json.loads(text)["hookSpecificOutput"]
    assert specific["permissionDecision"] == "deny" and "decision log" in specific["permissionDecisionReason"]


def test_internal_error_denies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(hook, "hook_context", broken)
    output = decide(base_event("codex"), tmp_path, agent="codex")
    assert permission(output) == "deny"
    assert "internal error: boom" in output["hookSpecificOutput"]["permissionDecisionReason"]


def test_unknown_agent_denies(tmp_path: Path) -> None:
    output = decide(base_event("claude-code"), tmp_path, agent="cursor")
    assert "unknown agent `cursor`" in output["hookSpecificOutput"]["permissionDecisionReason"]


def test_shipped_policy_by_name(tmp_path: Path) -> None:
    event = {**base_event("claude-code"), "tool_input": {"command": "git status && rm -rf ~"}}
    text, _ = run_hook("claude-code", json.dumps(event), policy="coding-agent", cache_dir=tmp_path)
    assert "rule `no-wipe`" in json.loads(text)["hookSpecificOutput"]["permissionDecisionReason"]


def test_context_fields_reach_the_log(tmp_path: Path) -> None:
    event = {
        **base_event("codex"),
        "agent_id": "sub-1",
        "agent_type": "explorer",
        "permission_mode": "dontAsk",
    }
    log = tmp_path / "log.jsonl"
    run_hook("codex", json.dumps(event), policy=POLICY, log=log, cache_dir=tmp_path)
    ctx = json.loads(log.read_text().splitlines()[0])["ctx"]
    assert ctx["session_id"] == event["session_id"] and ctx["turn_id"] == "turn-1"
    assert ctx["cwd"] == "/repo" and ctx["permission_mode"] == "dontAsk"
    assert ctx["agent_id"] == "sub-1" and ctx["subagent_depth"] == 1
    assert ctx["labels"] == {"agent": "codex", "agent_type": "explorer", "model": "gpt-5"}


# -- the transcript's tail ------------------------------------------------------------------


def claude_line(kind: str, ts: str, content: Any, uuid: str = "") -> str:
    """One Claude Code transcript line."""
    return json.dumps(
        {
            "type": kind,
            "timestamp": ts,
            "sessionId": "s",
            "uuid": uuid,
            "message": {"role": kind, "content": content},
        }
    )


def tool_use(*ids: str) -> list[dict[str, Any]]:
    return [{"type": "tool_use", "id": i, "name": "Bash", "input": {"command": "ls"}} for i in ids]


def test_tail_counts_calls_since_the_human(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(
        "\n".join(
            [
                claude_line("user", "2026-01-01T10:00:00Z", "first task", "u1"),
                claude_line("assistant", "2026-01-01T10:00:01Z", tool_use("a")),
                claude_line("user", "2026-01-01T10:01:00Z", "now the second", "u2"),
                claude_line("assistant", "2026-01-01T10:01:05Z", tool_use("b", "c")),
                claude_line(
                    "user",
                    "2026-01-01T10:01:06Z",
                    [{"type": "tool_result", "tool_use_id": "b", "content": "ok"}],
                ),
                claude_line("assistant", "2026-01-01T10:01:07Z", tool_use("d", "e", "f")),
            ]
        )
        + "\n"
    )
    tail = read_tail(str(path), "claude-code", "e")
    assert tail is not None and tail.found and tail.human_id == "u2"
    assert tail.steps == 3  # b, c and d; f comes after e
    assert read_tail(str(path), "claude-code", "not-written-yet").steps == 5  # type: ignore[union-attr]


def test_tail_reads_only_the_end(tmp_path: Path) -> None:
    lines = [claude_line("user", "2026-01-01T10:00:00Z", "go", "u1")]
    lines += [claude_line("assistant", "2026-01-01T10:00:01Z", tool_use(f"t{i}")) for i in range(900)]
    lines += [json.dumps({"type": "progress", "data": "x" * 1000})] * 200  # not parsed: no call, no human
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n")
    bounded = read_tail(str(path), "claude-code", "", max_bytes=250_000)
    assert bounded is not None and not bounded.found and 0 < bounded.steps < 900
    assert bounded.oldest_ts is not None
    full = read_tail(str(path), "claude-code", "")
    assert full is not None and full.found and full.steps == 900


def test_tail_stops_counting_at_max_steps(tmp_path: Path) -> None:
    lines = [claude_line("user", "2026-01-01T10:00:00Z", "go", "u1")]
    lines += [
        claude_line("assistant", "2026-01-01T10:00:01Z", tool_use(f"t{i}"))
        for i in range(hook.MAX_STEPS + 50)
    ]
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(lines) + "\n")
    tail = read_tail(str(path), "claude-code", "")
    assert tail is not None and not tail.found and tail.steps == hook.MAX_STEPS


class CountingFile(io.BytesIO):
    """A file that counts the bytes read from it."""

    read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def test_reverse_lines_respects_the_bound() -> None:
    f = CountingFile(b"".join(b"line %d\n" % i for i in range(100000)))
    lines = list(hook._reverse_lines(f, 5000, block=1024))
    assert f.read_bytes <= 5000 + 1024 and lines[0] == b"line 99999"
    assert all(line.startswith(b"line ") for line in lines)  # no partial line at the bound
    assert [*hook._reverse_lines(io.BytesIO(b"a\n\nb"), 100)] == [b"b", b"a"]


def test_unreadable_transcript_leaves_the_defaults(tmp_path: Path) -> None:
    event = {**base_event("claude-code"), "transcript_path": str(tmp_path)}  # a directory
    log = tmp_path / "log.jsonl"
    run_hook("claude-code", json.dumps(event), policy=POLICY, log=log, cache_dir=tmp_path)
    ctx = json.loads(log.read_text())["ctx"]  # the log keeps only the fields not at their default
    assert ctx.get("steps_since_human", 0) == 0 and ctx.get("seconds_since_human", 0) == 0
    assert ctx["session_id"] == "abc123"


def transcripts() -> Iterator[tuple[str, Path]]:
    """The main transcripts of the corpora (sub-agents' files are read with their session's)."""
    for agent, folder in (("claude-code", CLAUDE_CORPUS), ("codex", CORPORA / "codex")):
        if folder.is_dir():
            yield from ((agent, p) for p in sorted(folder.rglob("*.jsonl")) if "subagents" not in p.parts)


def sample(calls: list[TraceCall], n: int = 12) -> list[TraceCall]:
    step = max(1, len(calls) // n)
    return calls[::step][:n] + calls[-1:]


@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"corpora not found at {CORPORA}")
@pytest.mark.parametrize(("agent", "path"), list(transcripts()), ids=lambda x: getattr(x, "name", x))
def test_live_context_matches_replay(agent: str, path: Path, tmp_path: Path) -> None:
    """At each call, the hook's view of the transcript's end agrees with replay's view of the whole."""
    calls = [c for c in read_traces(path) if isinstance(c, TraceCall)]
    lines = path.read_bytes().split(b"\n")
    for call in sample(calls):
        live = tmp_path / "live.jsonl"
        live.write_bytes(b"\n".join(lines[: call.source[1]]) + b"\n")  # as written when the hook runs
        tail = read_tail(str(live), agent, call.call_id)
        assert tail is not None
        assert tail.steps == call.ctx["steps_since_human"], call.source
        if "seconds_since_human" in call.ctx:
            assert tail.found and tail.human_ts is not None and call.ts is not None
            assert call.ts - tail.human_ts == pytest.approx(call.ctx["seconds_since_human"], abs=0.01)


@pytest.mark.skipif(not CLAUDE_CORPUS.is_dir(), reason=f"corpora not found at {CLAUDE_CORPUS}")
def test_hook_context_from_a_real_transcript(tmp_path: Path) -> None:
    path = CLAUDE_CORPUS / "ai-sessions-examples" / "claude-code-pomodoro-timer.jsonl"
    calls = [c for c in read_traces(path) if isinstance(c, TraceCall) and c.ctx["steps_since_human"] >= 3]
    call = calls[0]
    live = tmp_path / "live.jsonl"
    live.write_bytes(b"\n".join(path.read_bytes().split(b"\n")[: call.source[1]]) + b"\n")
    event = {
        **base_event("claude-code"),
        "session_id": call.session_id,
        "transcript_path": str(live),
        "tool_name": "Edit",
        "tool_input": {"file_path": "/repo/a", "old_string": "a", "new_string": "b"},
        "tool_use_id": call.call_id,
    }
    log = tmp_path / "log.jsonl"
    assert call.ts is not None
    output = decide(event, tmp_path, log=log, clock=lambda: call.ts)
    assert (
        permission(output) == "ask"
        and "without a human" in output["hookSpecificOutput"]["permissionDecisionReason"]
    )
    ctx = json.loads(log.read_text())["ctx"]
    assert ctx["steps_since_human"] == call.ctx["steps_since_human"]
    assert ctx["seconds_since_human"] == pytest.approx(call.ctx["seconds_since_human"], abs=0.01)
    assert ctx["turn_id"].startswith(call.session_id + ":")


class BrokenStdout(io.StringIO):
    """A stdout that cannot be written."""

    def write(self, text: str) -> int:
        raise OSError("stdout is gone")


def test_main_hook_falls_back_to_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    event = json.dumps(base_event("claude-code")).encode()
    code = main_hook("claude-code", policy=POLICY, stdin=io.BytesIO(event), stdout=BrokenStdout())
    assert code == 2
    assert "so it is blocked: stdout is gone" in capsys.readouterr().err


def test_parallel_calls_of_one_session_lose_no_count(tmp_path: Path) -> None:
    """Claude Code runs the hooks of parallel calls at once: the state file is locked per session."""
    event = json.dumps({**base_event("claude-code"), "tool_name": "Grep", "tool_input": {"pattern": "x"}})

    def one(_: int) -> str:
        return run_hook("claude-code", event, policy=POLICY, cache_dir=tmp_path)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(one, range(8)))
    assert all(json.loads(a)["hookSpecificOutput"]["permissionDecision"] == "allow" for a in answers)
    assert StateStore(tmp_path).load("abc123")["counts"] == {"Grep": 8}


# -- what each event gets for input remit cannot use ----------------------------------------

ANSWERS = {
    "PreToolUse": ("allow", "deny"),
    "UserPromptSubmit": ("none", "error"),
    "Stop": ("none", "error"),
    "PostToolUse": ("none", "error"),
    "PostToolUseFailure": ("none", "error"),
    "SubagentStop": ("none", "none"),
    "Notification": ("none", "none"),
    "SessionStart": ("none", "none"),
    "PermissionRequest": ("none", "none"),
    "ToolAboutToRun": ("deny", "deny"),
}
"""Each event's answer to well-formed and to malformed input, with a decision log (without
one, "error" is "none": remit records nothing of the event anyway). allow, deny: a PreToolUse
permission decision (Codex's allow: `{}`), exit code 0; none: no output, exit code 0; error:
no output, exit code 1 (a hook error both agents carry on from), the reason on stderr. Never
exit code 2, nor a top-level `decision`: either would block a prompt or keep an agent going."""


def _json(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode()


KINDS: dict[str, Any] = {
    "well-formed": lambda e: _json(e),
    "a prompt that is not a string (remit never reads it)": lambda e: _json({**e, "prompt": 5}),
    "cut short": lambda e: _json(e)[:-20],
    "broken after the event's name": lambda e: _json(e)[:-1] + b', "x": }',
    "a session id that is a list": lambda e: _json({**e, "session_id": []}),
    "a tool use id that is an object": lambda e: _json({**e, "tool_use_id": {}}),
    "an interrupt flag that is text": lambda e: _json({**e, "is_interrupt": "yes"}),
    "a duration that is text": lambda e: _json({**e, "duration_ms": "500"}),
    "a transcript path that is a number": lambda e: _json({**e, "transcript_path": 7}),
}
"""Inputs made from a well-formed event, by what is wrong with them."""
WELL_FORMED = ("well-formed", "a prompt that is not a string (remit never reads it)")
AGENT_KINDS = [(a, k) for a in ("claude-code", "codex") for k in KINDS] + [("cursor", "well-formed")]
"""Each kind for each agent, and an agent remit does not know."""


def event_of(agent: str, name: str) -> dict[str, Any]:
    """A well-formed event of that name: the agent's fixture, its call a read that flows."""
    base = {**base_event("codex" if agent == "codex" else "claude-code"), "hook_event_name": name}
    return {**base, "tool_name": "Read", "tool_input": {"file_path": "/repo/src/app.py"}}


def expected(agent: str, name: str, kind: str, logged: bool) -> str:
    well, malformed = ANSWERS[name]
    answer = well if kind in WELL_FORMED and agent != "cursor" else malformed
    return "none" if answer == "error" and not logged else answer


def shape(agent: str, name: str, out: str, code: int, err: str) -> str:
    """What the answer is, checked against both agents' protocols."""
    assert code in (0, 1), (code, err)
    if not out:
        if code == 1:
            assert err.startswith(f"remit could not record the {name} event: ") and err.endswith("\n")
            return "error"
        assert err == ""
        return "none"
    assert code == 0 and err == "" and out.endswith("\n")
    output = json.loads(out)
    check_protocol("codex" if agent == "codex" else "claude-code", output)
    if output == {} and agent == "codex":
        return "allow"
    return permission(output)


def hook_answer(agent: str, stdin: bytes, policy: str | Path = POLICY, **kw: Any) -> tuple[str, int, str]:
    """`main_hook` as a hook process runs it: (stdout, exit code, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved, sys.stderr = sys.stderr, err
    try:
        code = main_hook(agent, policy=policy, stdin=io.BytesIO(stdin), stdout=out, **kw)
    finally:
        sys.stderr = saved
    return out.getvalue(), code, err.getvalue()


@pytest.mark.parametrize("name", list(ANSWERS))
def test_each_event_gets_an_answer_of_its_own_shape(name: str, tmp_path: Path) -> None:
    for logged in (False, True):
        log = tmp_path / "log.jsonl" if logged else None
        for agent, kind in AGENT_KINDS:
            out, code, err = hook_answer(agent, KINDS[kind](event_of(agent, name)), log=log)
            what = (agent, kind, logged)
            assert shape(agent, name, out, code, err) == expected(agent, name, kind, logged), what
            if expected(agent, name, kind, logged) == "deny":
                assert "remit could not check this call" in out or name == "PreToolUse", what


def test_a_malformed_event_says_what_is_wrong(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    stop = event_of("claude-code", "Stop")
    _, _, err = hook_answer("claude-code", _json({**stop, "session_id": []}), log=log)
    assert err == "remit could not record the Stop event: the hook input's `session_id` is not a string\n"
    _, _, err = hook_answer("claude-code", _json(stop)[:-20], log=log)
    assert "could not record the Stop event: the hook input is not valid JSON" in err
    _, _, err = hook_answer("cursor", _json(stop), log=log)
    assert "could not record the Stop event: unknown agent `cursor`" in err
    call = {**event_of("claude-code", "PreToolUse"), "turn_id": 3}
    text, _, _ = hook_answer("claude-code", _json(call))
    reason = json.loads(text)["hookSpecificOutput"]["permissionDecisionReason"]
    assert reason.endswith("so it is blocked: the hook input's `turn_id` is not a string")
    numbered = {**event_of("claude-code", "PreToolUse"), "tool_name": 123}
    text, _, _ = hook_answer("claude-code", _json(numbered))
    reason = json.loads(text)["hookSpecificOutput"]["permissionDecisionReason"]
    assert reason.endswith("so it is blocked: the hook input's `tool_name` is not a string")
    assert not log.exists()  # nothing recorded, not even the log opened


@pytest.mark.parametrize(
    ("swap", "why"),
    [
        (("", ', "hook_event_name": "Stop"'), "duplicate key `hook_event_name`"),  # json keeps the last
        (('"tool_input": {', '"tool_input": {"n": NaN, '), "`NaN` is not JSON"),  # no rule compares it
        (('"tool_input": {', '"tool_input": {"n": 1e400, '), "out of range"),
        # Go's decoder folds the Kelvin sign to `k`: the message tells the two keys apart
        (('"tool_input": {', '"tool_input": {"K": 1, "\\u212a": 2, '), "keys `K` and `\\u212a` are one key"),
    ],
)
def test_a_call_whose_input_json_readers_read_apart_is_denied(swap: tuple[str, str], why: str) -> None:
    text = _json(event_of("claude-code", "PreToolUse")).decode()
    old, new = swap
    text = text[:-1] + new + "}" if not old else text.replace(old, new, 1)
    out, code, _ = hook_answer("claude-code", text.encode())
    assert code == 0 and permission(json.loads(out)) == "deny"
    assert why in json.loads(out)["hookSpecificOutput"]["permissionDecisionReason"]


def test_a_malformed_prompt_is_recorded_when_nothing_remit_reads_is_wrong(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    prompt = {**event_of("claude-code", "UserPromptSubmit"), "prompt": ["not", "text"], "prompt_id": "p1"}
    assert hook_answer("claude-code", _json(prompt), log=log) == ("", 0, "")
    (record,) = map(json.loads, log.read_text().splitlines())
    assert (record["event"], record["turn"]) == ("human", "p1")


@pytest.mark.parametrize("name", list(ANSWERS))
def test_input_too_large_gets_the_malformed_answer_of_its_event(name: str, tmp_path: Path) -> None:
    """Larger than `MAX_INPUT_BYTES`: not parsed, but the event named before the rest is read."""
    event = {**event_of("claude-code", name), "tool_input": {"content": "x" * (hook.MAX_INPUT_BYTES + 10)}}
    stdin = _json(event)
    for daemon in (False, True):  # never sent to a daemon: answered by the hook process either way
        out, code, err = hook_answer("claude-code", stdin, log=tmp_path / "log.jsonl", daemon=daemon)
        assert shape("claude-code", name, out, code, err) == ANSWERS[name][1]
        assert ANSWERS[name][1] == "none" or f"larger than {hook.MAX_INPUT_BYTES} bytes" in out + err


def test_input_too_large_that_names_its_event_late_is_denied(tmp_path: Path) -> None:
    """An observed event's name inside the tool's input is not the event's: unread, so denied."""
    big = {"hook_event_name": "Stop", "content": "x" * (hook.MAX_INPUT_BYTES + 10)}
    rest = {k: v for k, v in event_of("claude-code", "PreToolUse").items() if k != "tool_input"}
    stdin = _json({"tool_input": big, **rest})
    out, code, _ = hook_answer("claude-code", stdin, log=tmp_path / "log.jsonl")
    assert code == 0 and permission(json.loads(out)) == "deny"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('{"hook_event_name": "Stop", "session_id": ', "Stop"),
        (' {"a": [1, {"b": "}"}], "hook_event_name" : "Stop" , "x": }', "Stop"),
        ('{"a": "\\"hook_event_name\\": \\"Stop\\"", "hook_event_name": "PreToolUse", "b', "PreToolUse"),
        ('{"tool_input": {"hook_event_name": "Stop"}, "x": ', None),
        ('{"tool_input": {"hook_event_name": "Stop", "content": "xxx', None),
        ('{"session_id": "s", "x": tru, "hook_event_name": "Stop"}', None),
        ('{"hook_event_name": ["Stop"], "x"', None),
        ('["hook_event_name", "Stop"]', None),
        ('"hook_event_name": "Stop"', None),
        ("", None),
        ("{", None),
        ('{"hook_event_name": "St', None),
        ('{"hook_event_name": "Stop", "hook_event_name": "PreToolUse", "x": ', None),  # either, to a reader
        ('{"hook_event_name": "Stop", "x": 1, "hook_event_name": "Stop", "y', "Stop"),
    ],
)
def test_event_name_reads_only_the_top_level_members_before_the_damage(text: str, name: str | None) -> None:
    assert event_name(text) == name


def test_a_hook_that_cannot_answer_never_blocks_a_prompt_or_a_stop(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Exit code 2 (remit broken, stdout gone) blocks a call; for a prompt or a stop it would
    block the prompt or keep the agent going: those get 1, a hook error."""

    def broken(*_: Any, **__: Any) -> tuple[str, int]:
        raise ImportError("remit is half installed")

    monkeypatch.setattr(hook, "answer", broken)
    for name in ("UserPromptSubmit", "Stop", "SubagentStop", "PostToolUse", "Notification"):
        for stdin in (_json(event_of("claude-code", name)), _json(event_of("claude-code", name))[:-20]):
            out, code, err = hook_answer("claude-code", stdin, log=tmp_path / "log.jsonl")
            assert (out, code) == ("", 1)
            assert err == f"remit could not answer the {name} event: remit is half installed\n"
    for stdin in (_json(event_of("claude-code", "PreToolUse")), b"not json", b""):
        out, code, err = hook_answer("claude-code", stdin)
        assert (out, code) == ("", 2)
        assert "so it is blocked: remit is half installed" in err


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/home/me/.ssh/authorized_keys", "deny"), (".env", "deny"), ("src/a.py", "none")],
)
def test_codex_patch_as_its_hook_gives_it(tmp_path: Path, target: str, expected: str) -> None:
    """Codex's hook gives an `apply_patch` call's text as `tool_input.command` (its traces as
    `input`): the files the patch writes are read from it either way."""
    patch = f"*** Begin Patch\n*** Add File: {target}\n+x\n*** End Patch\n"
    event = {**base_event("codex"), "tool_name": "apply_patch", "tool_input": {"command": patch}}
    text, code = run_hook("codex", json.dumps(event), policy="coding-agent", cache_dir=tmp_path)
    assert code == 0
    assert permission(json.loads(text)) == expected


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_transcript_that_is_a_pipe_is_not_waited_for(tmp_path: Path) -> None:
    """A FIFO named as the transcript, with no writer, would hold the hook past the agent's
    timeout (after which the tool runs): it is read as no transcript."""
    fifo = tmp_path / "transcript.jsonl"
    os.mkfifo(fifo)
    found: list[Any] = []
    reader = threading.Thread(
        target=lambda: found.append(read_tail(str(fifo), "claude-code", "")), daemon=True
    )
    reader.start()
    reader.join(60)  # a bound on a hang, not a timing: the read returns at once
    assert found == [None]
