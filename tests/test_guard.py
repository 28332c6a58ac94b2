"""Guard: checks, the decorator, asking a human, outcomes, reload, threads, the log."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import remit
from remit.log import read_log

POLICY = """
name: guard-test
version: "2"
rules:
  - id: no-delete
    tools: [delete_file]
    block: "true"
    reason: "deleting {args.path} is not allowed"
  - id: confirm-send
    tools: [send_email]
    ask: "true"
  - id: reads
    tools: [read_file]
    allow: "true"
routes:
  - {id: fallback, ask: "true"}
"""


def make(**options: Any) -> remit.Guard:
    return remit.Guard.from_text(POLICY, **options)


def test_check_returns_a_complete_decision() -> None:
    d = make().check("delete_file", {"path": "/tmp/x"})
    assert d.decision is remit.Route.BLOCK
    assert d.decision == "block"
    assert [(r.id, r.kind) for r in d.reasons] == [("no-delete", "rule")]
    assert d.reasons[0].message == "deleting /tmp/x is not allowed"
    assert (d.ratings.risk, d.ratings.reversibility, d.ratings.autonomy) == (5, "recoverable", 5)
    assert d.errors == ()
    assert d.policy.name == "guard-test" and d.policy.version == "2" and len(d.policy.sha256) == 64
    assert d.latency_us > 0 and len(d.id) == 30


def test_a_log_of_the_callers_with_only_write_gets_decision_records() -> None:
    class Sink:
        def __init__(self) -> None:
            self.records: list[dict[str, Any]] = []

        def write(self, record: dict[str, Any]) -> None:
            self.records.append(record)

    sink = Sink()
    guard = make(log=sink)
    d = guard.check("read_file", {"path": "/tmp/x", "token": "ghp_" + "a" * 36})
    assert d.decision == "allow"
    (record,) = sink.records
    assert record["kind"] == "decision" and record["id"] == d.id and record["decision"] == "allow"
    assert "ghp_" not in json.dumps(record)  # redacted as a DecisionLog's record is


class _FailingSink:
    """A log object of the caller's that fails on the records of some kinds."""

    def __init__(self, *kinds: str) -> None:
        self.kinds = kinds
        self.records: list[dict[str, Any]] = []

    def write(self, record: dict[str, Any]) -> None:
        if record["kind"] in self.kinds:
            raise OSError("disk full")
        self.records.append(record)


def test_what_a_callers_log_raises_is_a_log_error() -> None:
    blocked = make(log=_FailingSink("decision")).check("read_file", {"path": "/tmp/x"})
    assert blocked.decision is remit.Route.BLOCK and "disk full" in blocked.reasons[0].message
    sink = _FailingSink("outcome")
    guard = make(log=sink, ask=lambda d: True)
    decision = guard.check("send_email", {"to": "me@example.com"})
    guard.enforce(decision)  # approved: a lost outcome does not fail the call
    assert [r["kind"] for r in sink.records] == ["decision"]
    with pytest.raises(remit.LogError, match="disk full"):
        guard.record_outcome(decision, "executed")


def test_a_durability_is_for_a_log_file_not_a_callers_log() -> None:
    with pytest.raises(ValueError, match="`log_durability` is for a log file"):
        make(log=_FailingSink(), log_durability="fsync")
    with pytest.raises(ValueError, match="log durability must be"):
        make(log=_FailingSink(), log_durability="weekly")


def test_ids_sort_by_time() -> None:
    now = [1_000.0]
    guard = make(clock=lambda: now[0])
    first = guard.check("read_file", {}).id
    now[0] += 1
    assert guard.check("read_file", {}).id > first


def test_malformed_calls_fail_closed() -> None:
    guard = make()
    for tool, args in [("", {}), (None, {}), (42, {}), ("read_file", "not a mapping"), ("read_file", [1, 2])]:
        d = guard.check(tool, args)  # type: ignore[arg-type]
        assert d.decision is remit.Route.BLOCK, (tool, args)
        assert d.errors and d.reasons[0].kind == "error"
    d = guard.check("read_file", {}, ["not", "a", "mapping"])  # type: ignore[arg-type]
    assert d.decision is remit.Route.BLOCK and "context" in d.reasons[0].message


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("permission_mode", ["bypassPermissions"], "text"),
        ("session_id", {"id": "s"}, "text"),
        ("cwd", 5, "text"),
        ("steps_since_human", "50", "a whole number"),
        ("steps_since_human", True, "a whole number"),
        ("subagent_depth", 1.5, "a whole number"),
        ("seconds_since_human", "60", "a number"),
        ("labels", "agent", "an object"),
    ],
)
def test_a_context_field_of_another_type_fails_closed(field: str, value: Any, kind: str) -> None:
    """A known field given as another type would be misread by the rules that compare it
    (`permission_mode: ["bypassPermissions"]` as no bypass at all): the call is not decided."""
    d = make().check("read_file", {}, {field: value})
    assert d.decision is remit.Route.BLOCK
    assert f"the context field `{field}` must be {kind}" in d.reasons[0].message


def test_context_fields_of_their_types_and_unknown_ones_are_read() -> None:
    ctx = {
        "cwd": "/w", "permission_mode": "default", "steps_since_human": 3, "seconds_since_human": 4.5,
        "labels": {"agent": "x"}, "session_id": None, "mine": [1, {"a": 2}], "subagent_depth": 1.0,
    }  # fmt: skip
    decision = make().check("read_file", {}, ctx)
    assert decision.decision is remit.Route.ALLOW
    assert decision.ctx["subagent_depth"] == 1 and type(decision.ctx["subagent_depth"]) is int


class _Unreadable(Mapping[str, Any]):
    """A context that raises as soon as it is read."""

    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("no")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("no")

    def __len__(self) -> int:
        return 1


def test_a_context_that_raises_while_read_fails_closed() -> None:
    d = make().check("read_file", {}, _Unreadable())
    assert d.decision is remit.Route.BLOCK and "the context cannot be read" in d.reasons[0].message


def test_decorator_allows_blocks_and_asks() -> None:
    asked: list[remit.Decision] = []

    def ask(decision: remit.Decision) -> bool:
        asked.append(decision)
        return decision.args.get("to") == "me@example.com"

    guard = make(ask=ask)

    @guard.guard()
    def read_file(path: str) -> str:
        return f"read {path}"

    @guard.guard()
    def delete_file(path: str) -> None:
        raise AssertionError("must not run")

    @guard.guard("send_email")
    def send(to: str, body: str = "") -> str:
        return f"sent to {to}"

    assert read_file("a.txt") == "read a.txt"
    with pytest.raises(remit.Blocked, match="deleting /etc is not allowed"):
        delete_file(path="/etc")
    assert send("me@example.com") == "sent to me@example.com"
    with pytest.raises(remit.Blocked):
        send("boss@example.com", body="hi")
    assert len(asked) == 2


def test_ask_timeout_blocks_and_is_recorded(tmp_path: Path) -> None:
    def slow(decision: remit.Decision) -> bool:
        time.sleep(0.5)
        return True

    log = tmp_path / "d.jsonl"
    guard = make(ask=slow, ask_timeout=0.05, log=log)

    @guard.guard("send_email")
    def send(to: str) -> str:
        return "sent"

    with pytest.raises(remit.Blocked):
        send("x@example.com")
    records = read_log(log)
    assert [r["kind"] for r in records] == ["decision", "outcome"]
    assert records[1]["outcome"] == "timeout" and records[1]["decision"] == records[0]["id"]


def test_no_ask_callback_means_no() -> None:
    guard = make()

    @guard.guard("send_email")
    def send(to: str) -> str:
        return "sent"

    with pytest.raises(remit.Blocked):
        send("x@example.com")


def test_async_decorator_and_async_ask() -> None:
    async def ask(decision: remit.Decision) -> bool:
        await asyncio.sleep(0)
        return True

    guard = make(ask=ask)

    @guard.guard("send_email")
    async def send(to: str) -> str:
        return "sent"

    @guard.guard()
    async def delete_file(path: str) -> None:
        raise AssertionError("must not run")

    assert asyncio.run(send("x@example.com")) == "sent"
    with pytest.raises(remit.Blocked):
        asyncio.run(delete_file("/"))


def test_async_ask_timeout() -> None:
    async def ask(decision: remit.Decision) -> bool:
        await asyncio.sleep(1)
        return True

    guard = make(ask=ask, ask_timeout=0.05)

    @guard.guard("send_email")
    async def send(to: str) -> str:
        return "sent"

    with pytest.raises(remit.Blocked):
        asyncio.run(send("x@example.com"))


def test_log_records_decisions_and_outcomes(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    guard = make(log=log)
    d = guard.check(
        "send_email", {"to": "a@b.c", "api_key": "sk-live-123456789012345678901234"}, {"session_id": "s1"}
    )
    guard.record_outcome(d.id, "approved", by="human", latency_ms=1200)
    first, second = read_log(log)
    assert first["v"] == 1 and first["kind"] == "decision" and first["id"] == d.id
    assert first["session"] == "s1" and first["tool"] == "send_email" and first["decision"] == "ask"
    assert first["ratings"] == {"risk": 5, "reversibility": "recoverable", "autonomy": 5}
    assert first["reasons"] == [{"id": "confirm-send", "kind": "rule", "message": ""}]
    assert first["policy"]["name"] == "guard-test"
    assert "sk-live" not in json.dumps(first) and first["args"]["api_key"].startswith("[REDACTED:")
    assert len(first["args_sha256"]) == 64 and first["ts"].endswith("Z")
    assert set(first) >= {
        "id", "ts", "session", "turn", "agent", "tool", "args", "args_sha256", "ctx", "ratings",
        "decision", "mode", "reasons", "errors", "policy", "latency_us", "prev",
    }  # fmt: skip
    assert second == {
        "v": 1, "kind": "outcome", "decision": d.id, "ts": second["ts"], "outcome": "approved", "by": "human",
        "detail": "", "latency_ms": 1200, "prev": second["prev"],
    }  # fmt: skip


def test_log_chain_links_each_record_to_the_previous_line(tmp_path: Path) -> None:
    import hashlib

    log = tmp_path / "d.jsonl"
    a, b = make(log=log), make(log=log)  # two writers on one file
    for i in range(6):
        (a if i % 2 else b).check("read_file", {"n": i})
    lines = log.read_text().splitlines()
    assert json.loads(lines[0])["prev"] == "0" * 64
    for before, line in itertools.pairwise(lines):
        assert json.loads(line)["prev"] == hashlib.sha256(before.encode()).hexdigest()


def test_unwritable_log_fails_closed(tmp_path: Path) -> None:
    guard = make(log=tmp_path / "d.jsonl")
    assert guard.log is not None
    guard.log.close()  # every write now fails
    d = guard.check("read_file", {})
    assert d.decision is remit.Route.BLOCK and "decision log" in d.reasons[0].message


def test_reload_is_atomic_and_keeps_the_old_policy_on_error(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY)
    guard = remit.Guard.from_path(path)
    assert guard.check("read_file", {}).decision == "allow"
    path.write_text(POLICY.replace('allow: "true"', 'block: "true"'))
    guard.reload()
    assert guard.check("read_file", {}).decision == "block"
    path.write_text("name: [broken")
    with pytest.raises(remit.PolicyError):
        guard.reload()
    assert guard.check("read_file", {}).decision == "block"


def test_threads_share_one_guard() -> None:
    guard = make()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for i in range(200):
                assert guard.check("read_file", {"i": i}, {"session_id": "shared"}).decision == "allow"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert guard.sessions.get("shared").calls == 800


def test_sessions_are_bounded() -> None:
    guard = make(max_sessions=10)
    for i in range(50):
        guard.check("read_file", {}, {"session_id": f"s{i}"})
    assert len(guard.sessions) == 10
    session = guard.sessions.get("s49")
    for _ in range(100):
        guard.check("read_file", {}, {"session_id": "s49"})
    assert len(session.recent) == 32 and session.count("read_file") == 101


def test_shadow_policy_allows_but_records_the_verdict(tmp_path: Path) -> None:
    guard = remit.Guard.from_text(
        POLICY.replace("name: guard-test", "name: g\nmode: shadow"), log=tmp_path / "l"
    )

    @guard.guard()
    def delete_file(path: str) -> str:
        return "deleted"

    assert delete_file("x") == "deleted"
    record = read_log(tmp_path / "l")[0]
    assert record["decision"] == "block" and record["mode"] == "shadow"


def test_public_api_is_pinned() -> None:
    assert sorted(remit.__all__) == [
        "Blocked", "CompiledPolicy", "Decision", "DecisionLog", "Diagnostic", "EvalError", "Guard",
        "LogError", "Policy", "PolicyError", "PolicyRef", "Ratings", "Reason", "RemitError", "Reversibility",
        "Route", "Span", "__version__", "check_policy", "load_policy", "load_text", "run_tests",
    ]  # fmt: skip
    for name in remit.__all__:
        assert getattr(remit, name) is not None


def test_without_a_callback_the_policy_non_interactive_choice_decides() -> None:
    lenient = remit.Guard.from_text(
        POLICY.replace("name: guard-test", "name: g\ndefaults: {non_interactive: allow}")
    )

    @lenient.guard("send_email")
    def send(to: str) -> str:
        return "sent"

    assert send("x@example.com") == "sent"
