"""Regressions for ways a call could get through when remit could not decide it properly."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections import UserDict
from pathlib import Path

import pytest

import remit
from remit.log import read_log

BLOCK_RM = """
name: p
defaults: {on_error: allow, decision: ask}
ratings:
  - {id: rated, tools: [rate_me], risk: "args.amount / args.cap"}
rules:
  - {id: no-rm, tools: [Bash], block: 'args.command.startsWith("rm")'}
  - {id: broken, tools: [Bash], ask: 'args.ticket == "x"'}
  - {id: trial, tools: [Bash], mode: shadow, block: 'args.cmd.startsWith("rm")'}
routes:
  - {id: risky, ask: "risk >= 6"}
  - {id: fine, allow: "risk <= 5"}
"""


def test_a_decision_that_cannot_be_logged_blocks_whatever_on_error_says(tmp_path: Path) -> None:
    guard = remit.Guard.from_text(BLOCK_RM, log=tmp_path / "d.jsonl")
    assert guard.log is not None
    guard.log.close()
    d = guard.check("Bash", {"command": "ls"})
    assert d.decision is remit.Route.BLOCK and d.mode == "enforce"


@pytest.mark.parametrize(
    "args",
    [{"a": 1, 2: "b"}, json.loads('{"command": "echo \\ud800"}')],
)
def test_odd_arguments_never_raise_with_a_log(tmp_path: Path, args: dict[object, object]) -> None:
    guard = remit.Guard.from_text(BLOCK_RM, log=tmp_path / "d.jsonl")
    d = guard.check("Bash", args)  # type: ignore[arg-type]
    assert d.id in {r.get("id") for r in read_log(tmp_path / "d.jsonl")}


@pytest.mark.parametrize(
    ("tool", "why"),
    [(None, "has no tool name"), ("", "has no tool name"), (["Bash"], "tool name is not text but list")],
)
def test_a_call_without_a_tool_name_is_logged_without_one(tmp_path: Path, tool: object, why: str) -> None:
    from remit.integrations._common import refusal

    guard = remit.Guard.from_text(BLOCK_RM, log=tmp_path / "d.jsonl")
    d = guard.check(tool, {"command": "ls"})  # type: ignore[arg-type]
    assert d.decision is remit.Route.ALLOW and why in d.reasons[0].message  # the policy's on_error
    (record,) = read_log(tmp_path / "d.jsonl")
    assert record["tool"] == ""  # not "None", the name a tool could have
    assert refusal(d).startswith(f"remit blocked the call: {d.reasons[0].message} (")


@pytest.mark.parametrize(
    ("policy", "decision"), [(BLOCK_RM, "allow"), (BLOCK_RM.replace("on_error: allow, ", ""), "block")]
)
def test_circular_arguments_get_on_error_instead_of_raising(
    tmp_path: Path, policy: str, decision: str
) -> None:
    args: dict[str, object] = {"command": "ls"}
    args["self"] = args
    d = remit.Guard.from_text(policy, log=tmp_path / "d.jsonl").check("Bash", args)
    assert d.decision.value == decision  # the policy's on_error: block unless it says otherwise
    assert "nest deeper" in d.reasons[0].message
    assert [r["id"] for r in read_log(tmp_path / "d.jsonl")] == [d.id]  # and its record is whole


def test_a_torn_last_line_does_not_swallow_the_next_record(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    log.write_bytes(b'{"v":1,"kind":"decision","id":"crashed-wri')
    d = remit.Guard.from_text(BLOCK_RM, log=log).check("Bash", {"command": "ls"})
    lines = log.read_bytes().split(b"\n")
    record = json.loads(lines[1])
    assert record["id"] == d.id and record["prev"] == hashlib.sha256(lines[0]).hexdigest()


def test_forked_writers_keep_the_chain(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(BLOCK_RM, log=log)
    guard.check("Bash", {"command": "ls"})
    children = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            for i in range(50):
                guard.check("Bash", {"command": f"ls {i}"})
            os._exit(0)
        children.append(pid)
    for pid in children:
        assert os.waitpid(pid, 0)[1] == 0
    lines = log.read_text().splitlines()
    assert len(lines) == 151
    for before, line in itertools.pairwise(lines):
        assert json.loads(line)["prev"] == hashlib.sha256(before.encode()).hexdigest()


def test_an_erroring_rule_with_on_error_allow_takes_no_part() -> None:
    guard = remit.Guard.from_text(BLOCK_RM)
    d = guard.check("Bash", {"command": "make"})
    assert [r.id for r in d.reasons] == ["fine"] and d.errors  # the routes still decide


def test_shadow_rule_errors_are_recorded() -> None:
    d = remit.Guard.from_text(BLOCK_RM).check("Bash", {"command": "ls", "ticket": "y"})
    assert any(r.kind == "shadow-error" and r.id == "trial" for r in d.shadow)


@pytest.mark.parametrize(
    ("amount", "cap", "risk"), [(1.0, 0.0, None), (-7.0, 1.0, None), (299.0, 100.0, 3), (999.0, 100.0, 10)]
)
def test_rating_values_are_never_rounded_down(amount: float, cap: float, risk: int | None) -> None:
    d = remit.Guard.from_text(BLOCK_RM).check("rate_me", {"amount": amount, "cap": cap})
    if risk is None:  # infinite or below 1: an error, recorded, and the fallback rating
        assert d.errors and d.errors[0].id == "rated"
    else:
        assert d.ratings.risk == risk


def test_mappings_of_any_kind_reach_the_analyzers() -> None:
    guard = remit.Guard.from_path(Path(__file__).parent.parent / "policies" / "coding-agent.yaml")
    d = guard.check("Read", UserDict({"file_path": ".env"}), {"cwd": "/repo"})  # type: ignore[arg-type]
    assert d.decision is remit.Route.BLOCK


def test_the_decorator_sees_keyword_arguments() -> None:
    guard = remit.Guard.from_text(BLOCK_RM)

    @guard.guard("Bash")
    def run(**kw: object) -> str:
        return "ran"

    with pytest.raises(remit.Blocked):
        run(command="rm -rf ~")


def test_callers_cannot_change_the_defaults_of_later_calls() -> None:
    guard = remit.Guard.from_text(BLOCK_RM)
    guard.check("Bash", {"command": "ls"}).ctx["labels"]["trusted"] = True
    assert guard.check("Bash", {"command": "ls"}).ctx["labels"] == {}


def test_session_counts_follow_aliases_and_only_an_explicit_yes_approves() -> None:
    policy = """
name: pay
tools: {send_money: {aliases: [pay]}}
rules:
  - {id: limit, tools: [send_money], block: 'session.count("send_money") >= 2'}
routes: [{allow: "true"}]
"""
    guard = remit.Guard.from_text(policy, ask=lambda d: "no")  # type: ignore[arg-type,return-value]
    decisions = [guard.check(tool, {}, {"session_id": "s"}).decision for tool in ("pay", "send_money", "pay")]
    assert decisions == [remit.Route.ALLOW, remit.Route.ALLOW, remit.Route.BLOCK]
    ask = remit.Guard.from_text("name: a\nrules: [{ask: 'true'}]\n", ask=lambda d: "no")  # type: ignore[arg-type,return-value]
    assert ask.approve(ask.check("x", {})) is False


def test_blocked_calls_raise_no_facts_and_a_failed_log_records_nothing(tmp_path: Path) -> None:
    policy = """
name: f
ratings: [{id: secret, tools: [read], risk: 2, raises: [secret_read]}]
routes: [{allow: 'true'}]
"""
    guard = remit.Guard.from_text(policy, log=tmp_path / "d.jsonl")
    assert guard.log is not None
    guard.log.close()
    guard.check("read", {}, {"session_id": "s"})
    assert not guard.sessions.get("s").seen("secret_read") and guard.sessions.get("s").calls == 0


def test_a_rotated_log_is_reopened_and_the_new_file_chains_anew(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(BLOCK_RM, log=log)
    guard.check("Bash", {"command": "ls"})
    log.rename(tmp_path / "d.jsonl.1")
    d = guard.check("Bash", {"command": "ls -la"})
    (record,) = read_log(log)
    assert record["id"] == d.id and record["prev"] == "0" * 64


def test_a_stuck_writer_fails_closed_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    from remit import log as log_module

    monkeypatch.setattr(log_module, "LOCK_TIMEOUT", 0.05)
    path = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(BLOCK_RM, log=path)
    with path.open("a") as other:  # another open file description holding the lock
        fcntl.flock(other, fcntl.LOCK_EX)
        d = guard.check("Bash", {"command": "ls"})
    assert d.decision is remit.Route.BLOCK and "locked" in d.reasons[0].message


@pytest.mark.parametrize(
    "args",
    [
        {"command": "x" * 1_000_001},
        {"items": list(range(25_001))},
        {"deep": __import__("functools").reduce(lambda acc, _: [acc], range(100), [])},
    ],
)
def test_oversized_arguments_fail_closed_in_bounded_time(args: dict[str, object]) -> None:
    d = remit.Guard.from_text("name: open\nroutes: [{allow: 'true'}]\n").check("Bash", args)
    assert d.decision is remit.Route.BLOCK  # on_error, which is block unless the policy says otherwise
    assert d.reasons[0].kind == "error" and "arguments" in d.reasons[0].message


class Counted(list[object]):
    """A list that counts the times it is iterated."""

    iterations = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        Counted.iterations += 1
        return super().__iter__()


@pytest.mark.parametrize(
    "args",
    [
        {"items": Counted(range(1_000_000))},
        {"rows": Counted([Counted([1])] * 1_000_000)},
        {"text": Counted(["x" * 400_000] * 3)},
    ],
    ids=["values", "rows", "text"],
)
def test_arguments_past_the_bounds_are_neither_read_nor_hashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: dict[str, object]
) -> None:
    from remit import log as log_module
    from remit.verify import verify_logs

    def canonical_json(value: object) -> bytes:
        raise AssertionError("arguments past the bounds were encoded to be hashed")

    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text("name: open\nroutes: [{allow: 'true'}]\n", log=log)
    monkeypatch.setattr(log_module, "canonical_json", canonical_json)
    Counted.iterations = 0
    d = guard.check("mcp__x__y", args)
    assert d.decision is remit.Route.BLOCK and "arguments hold more than" in d.reasons[0].message
    # the size check stops before reading a list larger than the values left; the record
    # reads at most what it keeps (a few thousand values), never the whole call
    assert Counted.iterations <= 5_000 and guard.log is not None
    guard.log.close()
    (record,) = read_log(log)
    assert record["args_sha256"] == "" and verify_logs([log]).ok


def test_arguments_that_are_no_object_are_hashed_within_the_bounds_only(tmp_path: Path) -> None:
    from remit.log import args_sha256

    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text("name: open\nroutes: [{allow: 'true'}]\n", log=log)
    for args in (["a", "b"], list(range(1_000_000))):
        d = guard.check("mcp__x__y", args)  # type: ignore[arg-type]
        assert d.decision is remit.Route.BLOCK and "not a JSON object" in d.reasons[0].message
    small, large = read_log(log)
    assert small["args_sha256"] == args_sha256(["a", "b"]) and large["args_sha256"] == ""


def test_an_answer_for_the_session_is_never_reused_for_arguments_too_large_to_hash() -> None:
    asked: list[str] = []

    from remit.approval import Answer

    def approver(decision: remit.Decision) -> Answer:
        asked.append(decision.id)
        return Answer.approve(for_session=True)

    policy = "name: open\ndefaults: {on_error: ask}\nroutes: [{allow: 'true'}]\n"
    guard = remit.Guard.from_text(policy, ask=approver)
    for items in (list(range(30_000)), list(range(1, 30_001))):  # two different calls
        d = guard.check("mcp__x__y", {"items": items}, {"session_id": "s"})
        assert d.decision is remit.Route.ASK and guard.approve(d)
    assert len(asked) == 2  # the second is not taken for the first


INCLUDE_ERRORS = {"parse.unreadable", "schema.include_cycle", "schema.include_outside"}


@pytest.mark.parametrize(
    "include",
    ["missing.yaml", "self.yaml", "../outside.yaml"],
    ids=["missing", "cycle", "outside"],
)
def test_a_policy_whose_include_fails_does_not_load_without_it(tmp_path: Path, include: str) -> None:
    """The include may hold the blocks: loading the rest alone would weaken the policy."""
    (tmp_path / "outside.yaml").write_text("name: outside\n")
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "self.yaml").write_text(f"name: s\ninclude: [{include}]\n")
    root = folder / "root.yaml"
    root.write_text(f"name: root\ninclude: [{include}]\nrules:\n  - {{id: r, tools: [Bash], allow: true}}\n")
    policy, diagnostics = remit.check_policy(root)
    assert policy is None
    assert any(d.severity == "error" and d.code in INCLUDE_ERRORS for d in diagnostics)
    with pytest.raises(remit.PolicyError):
        remit.load_policy(root)


def test_huge_ids_keep_records_small_and_distinct(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(BLOCK_RM, log=log)
    for tail in "ab":
        guard.check("Bash", {"command": "ls"}, {"session_id": "s" * 1_000_000 + tail})
    first, second = (r for r in read_log(log) if r["kind"] == "decision")
    assert len(first["session"]) < 300 and first["session"] != second["session"]
    assert first["ctx"]["session_id"] == first["session"] and log.stat().st_size < 5_000


def test_huge_arguments_keep_records_small(tmp_path: Path) -> None:
    from remit.log import args_sha256

    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(BLOCK_RM, log=log)
    args = {
        "url": "https://example.com/?q=" + "a" * 900_000,
        "tokens": [f"ghp_{i:036d}" for i in range(2_000)],
        "rows": list(range(20_000)),
    }  # within the bounds on a call
    guard.check("mcp__x__y", args)
    (record,) = (r for r in read_log(log) if r["kind"] == "decision")
    assert log.stat().st_size < 100_000  # a megabyte of arguments, a few tens of KB of record
    assert record["args_sha256"] == args_sha256(args)  # which still stands for all of them
    assert record["args"]["url"].endswith("[TRUNCATED:text]")
    assert "ghp_" not in log.read_text()


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"script": "rm -rf ~"},
        {"command": 5},
        {"command": []},
        {"command": ["rm", 3]},
        {"cmd": {"x": 1}},
        {"command": ["rm -rf ~"]},  # a list, which a tool may join by spaces: Bash takes text
        {"cmd": "rm -rf ~", "command": "echo hi"},  # the tool runs one: which is not known
        {"command": "", "cmd": "rm -rf ~"},
        {"command": "", "action": {"command": ["rm", "-rf", "/home/me"]}},
    ],
)
def test_a_shell_call_whose_command_cannot_be_read_is_unparsed(args: dict[str, object]) -> None:
    """A shell tool's command in a key the analyzer does not read, or not as text, may be
    anything: the call is unparsed (coding-agent asks), not an empty command that flows."""
    facts = remit.analyzers.shell_facts("Bash", args, "/w")
    assert facts.unparsed and facts.commands == []
    guard = remit.Guard.from_path(Path(__file__).parent.parent / "policies" / "coding-agent.yaml")
    assert guard.check("Bash", args, {"cwd": "/w"}).decision != "allow"
    assert guard.check("Bash", {"command": ""}, {"cwd": "/w"}).decision == "allow"  # runs nothing


@pytest.mark.parametrize(
    "unknown", ['{risk: "name.risk +", reversibility: name.reversibility}', '{risk: 5, autonomy: "ctx.("}']
)
def test_a_broken_unknown_rating_refuses_the_policy(unknown: str) -> None:
    """A typo in `unknown:` left the policy without it: an unknown tool then took the fallback
    ratings, and a policy that asked about it allowed it."""
    text = f"remit: 1\nname: p\nunknown: {unknown}\nroutes:\n  - ask: risk >= 6\n  - allow: 'true'\n"
    with pytest.raises(remit.PolicyError) as exc:
        remit.Guard.from_text(text)
    assert [d.code for d in exc.value.diagnostics] == ["cel.syntax"]


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("Read", {"file_path": 5}),
        ("Read", {"file_path": {"p": "/root/.ssh/id_rsa"}}),
        ("Write", {"file_path": {"p": "/root/.bashrc"}, "content": "x"}),
        ("Edit", {"file_path": ["src/a.py", {"p": "/etc/passwd"}]}),
        ("apply_patch", {"input": ["*** Begin Patch\n*** Add File: /root/.bashrc\n+x\n*** End Patch"]}),
        ("Read", {"filePath": 7}),
    ],
)
def test_a_path_argument_that_is_not_text_may_be_any_file(tool: str, args: dict[str, object]) -> None:
    """The file such a call touches cannot be told: it counts as a secret outside the
    workspace, never as no path at all (which is inside it)."""
    facts = remit.analyzers.path_facts(tool, args, "/w", None)
    assert facts.sensitive and not facts.inside_workspace
    guard = remit.Guard.from_path(Path(__file__).parent.parent / "policies" / "coding-agent.yaml")
    assert guard.check(tool, args, {"cwd": "/w"}).decision == "block"
    assert remit.analyzers.path_facts("Read", {"file_path": None}, "/w", None).paths == []


def test_a_shell_tool_that_takes_an_argv_list_is_read_as_one() -> None:
    guard = remit.Guard.from_path(Path(__file__).parent.parent / "policies" / "coding-agent.yaml")
    for tool, args in [
        ("shell", {"command": ["bash", "-lc", "git status"]}),
        ("local_shell", {"action": {"command": ["ls", "-la"]}}),
        ("exec_command", {"cmd": "ls", "command": "ls"}),
    ]:
        assert guard.check(tool, args, {"cwd": "/w"}).decision == "allow", (tool, args)
    assert guard.check("shell", {"command": ["rm", "-rf", "/home/me"]}, {"cwd": "/w"}).decision != "allow"
