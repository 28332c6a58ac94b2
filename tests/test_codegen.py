"""Generated deciders decide exactly as the interpreter: same decision, ratings, who rated,
reasons (with their messages), errors, shadow reasons and facts raised, on every case."""

from __future__ import annotations

import copy
import gc
import pickle
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit import codegen
from tests.conftest import DATA, POLICIES

BENCH_50 = Path(__file__).resolve().parent.parent / "benchmarks" / "policies" / "bench-50.yaml"
SHIPPED = sorted(POLICIES.glob("*.yaml")) + sorted(POLICIES.glob("*.remit")) + [BENCH_50]

Call = tuple[str, Any, Any]


def _full(d: remit.Decision) -> tuple[Any, ...]:
    return (d.decision, d.ratings, d.rated_by, d.reasons, d.errors, d.shadow, d.mode)


def _run(guard: remit.Guard, calls: list[Call]) -> list[tuple[Any, ...]]:
    out = []
    for tool, args, ctx in calls:
        d = guard.check(tool, args, ctx)
        session = guard.sessions.get(str(d.ctx.get("session_id") or ""))
        out.append((*_full(d), tuple(session.facts), session.calls))
    return out


def assert_same(policy: remit.CompiledPolicy, calls: list[Call], monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated (from the first call), cold (interpreted, indexed) and unindexed agree; the
    reference parses every command anew, the others reuse the facts of recent commands."""
    reference = _run(remit.Guard(policy, indexed=False, parse_cache=0), calls)
    with monkeypatch.context() as m:
        m.setattr(codegen, "WARM_AFTER", 10**9)
        cold = _run(remit.Guard(_fresh(policy)), calls)
    with monkeypatch.context() as m:
        m.setattr(codegen, "WARM_AFTER", 0)
        generated_policy = _fresh(policy)
        generated = _run(remit.Guard(generated_policy), calls)
    assert cold == reference
    assert generated == reference
    assert set(generated_policy._deciders.by_tool) >= {t for t, _, _ in calls if isinstance(t, str) and t}


def _fresh(policy: remit.CompiledPolicy) -> remit.CompiledPolicy:
    """The same policy with no decider made yet (a copy starts without them)."""
    fresh = copy.deepcopy(policy)
    assert not fresh._deciders.by_tool and not fresh._deciders.uses
    return fresh


# -- the cases the other suites hold ------------------------------------------------------------


def _decision_cases() -> Iterator[Any]:
    for file in sorted((DATA / "decisions").glob("*.yaml")):
        for doc in yaml.safe_load_all(file.read_text()):
            if doc.get("policy_file"):
                policy = remit.load_policy(POLICIES / doc["policy_file"])
            else:
                policy = remit.load_text(yaml.safe_dump(doc["policy"]), "<case>", "yaml")
            calls: list[Call] = []
            for case in doc["cases"]:
                ctx = {"session_id": case["note"]}
                for step in [*case.get("history", []), case["call"]]:
                    calls.append((step["tool"], step.get("args", {}), {**ctx, **step.get("ctx", {})}))
            yield pytest.param(policy, calls, id=file.stem)


@pytest.mark.parametrize(("policy", "calls"), list(_decision_cases()))
def test_decision_cases(
    policy: remit.CompiledPolicy, calls: list[Call], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_same(policy, calls, monkeypatch)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_policies_own_tests(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = remit.load_policy(path)
    calls: list[Call] = []
    for i, t in enumerate(policy.tests):
        session = {"session_id": f"t{i}"}
        for step in [*t.history, t.call]:
            calls.append((step.tool, step.args, {**session, **step.ctx}))
    assert calls
    assert_same(policy, calls, monkeypatch)


@pytest.mark.parametrize("name", ["coding-agent", "strict", "ci"])
def test_evasion_commands(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = yaml.safe_load((DATA / "evasion.yaml").read_text())
    calls: list[Call] = [
        (
            c.get("tool", "Bash"),
            {"session_id": 1, "chars": c["command"]} if c.get("tool") else {"command": c["command"]},
            {"cwd": c.get("cwd", "/repo"), "session_id": "evasion"},
        )
        for c in cases
    ]
    assert_same(remit.load_policy(POLICIES / f"{name}.yaml"), calls, monkeypatch)


def test_benchmark_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.calls import all_calls

    calls: list[Call] = [(c.tool, c.args, c.ctx) for c in all_calls()]
    assert_same(remit.load_policy(BENCH_50), calls, monkeypatch)


# -- a policy that reaches every branch of the generator -------------------------------------

EDGES = """
remit: 1
name: edges
version: "1"
defaults: {decision: allow, on_error: %(on_error)s}
unknown: {risk: "size(tool) > 3 ? 4 : 2", reversibility: recoverable, autonomy: 3}
autonomy: %(autonomy)s
tools:
  deploy:
    aliases: [ship]
    risk: 6
    reversibility: irreversible
  lookup: {risk: 1}
ratings:
  - id: computed-risk
    tools: ["*"]
    when: has(args.level)
    risk: args.level
    reversibility: 'has(args.rev) ? args.rev : "reversible"'
    raises: [leveled]
  - id: static-risk
    tools: [deploy, "lo*"]
    risk: 3
  - id: computed-autonomy
    tools: [x, odd]
    autonomy: 'has(args.n) ? args.n : 2'
  - id: never-rating
    tools: ["*"]
    when: "false"
    risk: 10
  - id: flag-raise
    tools: ["*"]
    when: has(args.flag) && args.flag == true
    reversibility: reversible
    raises: [flagged]
rules:
  - id: both-conditions
    tools: ["*"]
    when: has(args.n)
    block: args.n > 100
    reason: "n is {args.n}, risk {risk}"
  - id: non-bool
    tools: [odd]
    ask: args.n
  - id: ask-when-flag
    tools: ["*"]
    ask: has(args.flag) && args.flag == true && session.seen("flagged")
    reason: asked before
    raises: [asked]
  - id: allow-small
    tools: ["*"]
    allow: has(args.n) && args.n < 10
    raises: [small]
  - id: shadow-block
    tools: ["*"]
    mode: shadow
    block: args.n == 7
    reason: "would block {tool}"
  - id: shadow-broken
    tools: ["*"]
    mode: shadow
    ask: args.missing == 1
  - id: always-ask-ship
    tools: [ship]
    ask: "true"
  - id: when-only
    tools: [lookup]
    when: has(args.n)
    allow: "true"
  - id: never-rule
    tools: ["*"]
    block: "false"
routes:
  - id: early-block
    block: risk >= 10
    reason: "risk {risk} is too much"
  - id: ask-irreversible
    ask: reversibility == "irreversible"
    reason: "{tool} cannot be undone"
  - id: never-route
    ask: "false"
  - id: late-block
    block: autonomy >= 9 && risk >= 5
  - id: broken-route
    allow: args.broken > 1
  - id: fallback
    allow: "true"
"""

ON_ERROR = ["block", "ask", "allow"]
AUTONOMY = ["7", "'1 + ctx.steps_since_human / 2'", "'ctx.steps_since_human / 2'", "'ctx.bad_field'", "null"]

calls = st.tuples(
    st.sampled_from(["deploy", "ship", "lookup", "odd", "x", "Bash", "lo"]),
    st.fixed_dictionaries(
        {},
        optional={
            "level": st.sampled_from([1, 5, 11, 0, -3, 2.5, "high", True, None]),
            "rev": st.sampled_from(["reversible", "irreversible", "sideways", 3]),
            "n": st.sampled_from([1, 7, 50, 101, "x", 3.0]),
            "flag": st.booleans(),
            "broken": st.sampled_from([0, 2, "two"]),
            "command": st.sampled_from(["ls", "rm -rf ~", "curl x | sh"]),
        },
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "steps_since_human": st.sampled_from([0, 10, 40]),
            "session_id": st.sampled_from(["a", "b"]),
        },
    ),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.sampled_from(ON_ERROR),
    st.sampled_from(AUTONOMY),
    st.lists(calls, min_size=1, max_size=8),
)
def test_edges(on_error: str, autonomy: str, sequence: list[Call]) -> None:
    text = EDGES % {"on_error": on_error, "autonomy": autonomy}
    if autonomy == "null":
        text = text.replace("autonomy: null\n", "")
    policy = remit.load_text(text, "<edges>", "yaml")
    with pytest.MonkeyPatch.context() as m:
        assert_same(policy, sequence, m)


def test_edges_reach_every_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    """The edge policy is not vacuous: errors, shadow, raises and each route happen."""
    policy = remit.load_text(
        EDGES % {"on_error": "ask", "autonomy": "'1 + ctx.steps_since_human / 2'"}, "<e>", "yaml"
    )
    monkeypatch.setattr(codegen, "WARM_AFTER", 0)
    guard = remit.Guard(policy)
    seen = [
        guard.check("x", {"n": 7}, {"session_id": "s"}),
        guard.check("odd", {"n": 3}),
        guard.check("deploy", {"level": 11}),
        guard.check("ship", {}),
        guard.check("deploy", {}),
        guard.check("x", {"level": "high", "flag": True}, {"session_id": "s"}),
        guard.check("x", {"flag": True}, {"session_id": "s"}),
        guard.check("lookup", {"n": 50}, {"steps_since_human": 40}),
        guard.check("x", {"broken": 2}),
    ]
    ids = {r.id for d in seen for r in (*d.reasons, *d.shadow)}
    assert {"shadow-block", "shadow-broken", "non-bool", "early-block", "ask-irreversible"} <= ids
    assert {"computed-risk", "broken-route"} <= {e.id for d in seen for e in d.errors}
    assert "flagged" in guard.sessions.get("s").facts
    assert any(r.id == "ask-when-flag" for r in seen[6].reasons)
    blocked = guard.check("lookup", {"n": 150})
    assert [(r.id, r.message) for r in blocked.reasons] == [("both-conditions", "n is 150, risk 3")]


# -- sharing, bounds and threads ------------------------------------------------------------------


def test_tools_with_the_same_candidates_share_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codegen, "WARM_AFTER", 0)
    policy = remit.load_policy(BENCH_50)
    deciders = [policy.decider(t) for t in ("get_weather", "mcp__jira__create_issue", "Bash", "Bash")]
    assert deciders[0] is deciders[1]
    assert deciders[2] is deciders[3]
    assert deciders[0] is not deciders[2]
    assert len(policy._deciders.by_set) == 2


def test_cold_tools_are_interpreted_first() -> None:
    policy = remit.load_policy(BENCH_50)
    guard = remit.Guard(policy)
    for n in range(codegen.WARM_AFTER):
        guard.check("Read", {"file_path": "a.py"})
        assert "Read" not in policy._deciders.by_tool, n
    guard.check("Read", {"file_path": "a.py"})
    assert "Read" in policy._deciders.by_tool


def test_odd_tool_names_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codegen, "WARM_AFTER", 0)
    monkeypatch.setattr(codegen, "MAX_TOOLS", 5)
    policy = remit.load_policy(BENCH_50)
    guard = remit.Guard(policy)
    decisions = {guard.check(f"tool_{i}", {}).decision for i in range(20)}
    assert decisions == {remit.Route.ASK}  # unknown tools: risk 5, the needs-a-human route
    assert len(policy._deciders.by_tool) == 5
    assert len(policy._deciders.uses) <= 5


def test_copies_and_pickles_of_a_used_policy_hold_no_generated_code() -> None:
    policy = remit.load_policy(BENCH_50)
    guard = remit.Guard(policy)
    for _ in range(codegen.WARM_AFTER + 1):
        guard.check("Bash", {"command": "ls"})
    assert policy._deciders.by_tool
    assert not copy.deepcopy(policy)._deciders.by_tool
    assert pickle.loads(pickle.dumps(policy._deciders)).by_tool == {}


def test_threads_deciding_a_cold_tool_agree() -> None:
    policy = remit.load_policy(BENCH_50)
    reference = remit.Guard(policy, indexed=False).check("Bash", {"command": "rm -rf build/"}, {"cwd": "/r"})
    guard = remit.Guard(_fresh(policy))
    results: list[tuple[Any, ...]] = []

    def work() -> None:
        for _ in range(10):
            d = guard.check("Bash", {"command": "rm -rf build/"}, {"cwd": "/r"})
            results.append(_full(d))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [_full(reference)] * 40


# -- conditions written inline in the generated function -------------------------------------

INLINE = """
remit: 1
name: inline
version: "1"
defaults: {decision: allow, on_error: ask}
autonomy: 'has(args.n) ? args.n : 3'
ratings:
  - id: net
    tools: [Bash]
    when: shell.network || args.x == 1
    risk: 4
  - id: leveled
    tools: ["*"]
    when: has(args.level)
    risk: 'args.level + 1'
rules:
  - id: absorbed
    tools: ["*"]
    block: 'args.x == 1 || has(args.items)'
  - id: wide
    tools: ["*"]
    ask: has(args.items) && args.items.all(i, args.items.all(j, i == j || j != i))
  - id: wipe
    tools: [Bash]
    block: shell.commands.exists(c, c.program == "rm" && c.has_flag("r") && c.args.exists(a, a == "/"))
  - id: facts
    tools: [Bash]
    ask: shell.commands.exists(c, c.cwd == "x") || path.first == 1
"""


def test_inlined_conditions_fall_back_and_pay_as_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast code that raises where CEL does not (the careful code decides), a budget spent by
    nested macros, fields that are not CEL fields, and a non-bool rating: the same outcome."""
    policy = remit.load_text(INLINE, "<inline>", "yaml")
    calls: list[Call] = [
        ("Bash", {"command": "rm -rf / && curl x"}, {"cwd": "/r"}),
        ("Bash", {"command": "ls", "x": "1"}, {}),  # `args.x == 1` errs in fast code only
        ("Bash", {"command": "ls", "items": list(range(3))}, {}),
        ("Read", {"items": list(range(2000))}, {}),  # 2000 x 2000 iterations: over budget
        ("Read", {"level": "high", "n": 2.5}, {}),
        ("Read", {"level": 2**63 - 1}, {}),
        ("Bash", {"command": 7}, {}),
    ]
    assert_same(policy, calls, monkeypatch)
    monkeypatch.setattr(codegen, "WARM_AFTER", 0)
    guard = remit.Guard(policy)
    source = guard.policy.decider("Bash").__doc__ or ""
    assert "_careful(e, " in source and "c = a.cel_budget" in source  # inline, not called
    over = guard.check("Read", {"items": list(range(2000))})
    assert any("cost limit exceeded" in e.message for e in over.errors)


ERRING = """
name: erring
rules:
  - {id: compares, tools: [T], block: 'args.x > 1'}
  - {id: reads, tools: [T], ask: 'args.missing.startsWith("a")'}
  - {id: indexes, tools: [Bash], block: 'shell.commands.exists(c, c.args[5] == "x")'}
  - {id: compares-too, tools: [Bash], ask: 'args.m > 1'}
routes:
  - {id: fine, allow: "true"}
"""


@pytest.mark.parametrize("indexed", [True, False])
@pytest.mark.parametrize("tool", ["T", "Bash"])
def test_a_failing_condition_leaves_no_cycle_for_the_collector(indexed: bool, tool: str) -> None:
    """An error kept as a value must not hold the frame that caught it: the decision would
    live, with its arguments, until the collector ran."""

    class Marker:
        """An argument the conditions cannot compare, whose end can be watched."""

    guard = remit.Guard.from_text(ERRING, parse_cache=0, indexed=indexed)
    for _ in range(3):  # the tool's generated function is made on its third call
        guard.check(tool, {"x": Marker(), "m": Marker(), "command": "ls -la"})
    gc.disable()
    try:
        marker = Marker()
        gone = weakref.ref(marker)
        d = guard.check(tool, {"x": marker, "m": marker, "command": "ls -la"})
        assert d.errors  # the conditions failed, and their errors were kept as values
        del d, marker
        assert gone() is None  # freed when the last reference went, not by the collector
    finally:
        gc.enable()
