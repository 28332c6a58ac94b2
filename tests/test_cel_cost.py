"""The bound on the work of CEL: hostile calls fail closed after bounded work, real ones pass.

Work is counted, not timed: the lists a hostile call sends count every element an expression
visits (iterating, or scanning for `in`), and memory is measured with tracemalloc. Each
adversarial expression would visit 10^8 elements or more without the bound.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import remit
from remit import celrt
from remit.celc import compile_expr
from remit.diagnostics import Span
from remit.evaluate import Activation
from remit.lint import multiplying_macros
from remit.replay import replay

SPAN = Span("<test>", 1, 1)
LIMIT = celrt.COST_LIMIT
CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
POLICIES = Path(__file__).resolve().parents[1] / "policies"


class Counted(list[Any]):
    """A list that counts the elements visited: each one iterated, each one `in` scans."""

    visits = 0

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            Counted.visits += 1
            yield item

    def __contains__(self, item: object) -> bool:
        Counted.visits += len(self)  # an upper bound: the scan stops at a match
        return super().__contains__(item)


@pytest.fixture(autouse=True)
def _reset_visits() -> None:
    Counted.visits = 0


def guard(expr: str, *, on_error: str = "block") -> remit.Guard:
    """A policy whose one rule blocks tool `T` when `expr` holds; the default allows."""
    policy = {
        "name": "cost",
        "defaults": {"decision": "allow", "on_error": on_error},
        "rules": [{"id": "costly", "tools": ["T"], "block": expr}],
    }
    return remit.Guard.from_text(yaml.safe_dump(policy, width=1000))


def visits_by_the_expression(n: int) -> int:
    """Elements visited by the condition: the guard's own size check visits each of `n` once."""
    return Counted.visits - n


def cost_error(d: remit.Decision) -> str:
    """The message of the rule's cost or size error (fails if there is none)."""
    (error,) = d.errors
    assert error.id == "costly"
    assert d.decision is remit.Route.BLOCK
    return error.message


# ---- hostile expressions and inputs: fail closed after bounded work --------------------

NESTED = [
    ("args.xs.all(x, args.xs.all(y, x != y || x == y))", 10_000),  # 10^8 pairs
    ("args.xs.exists(x, args.xs.exists(y, args.xs.exists(z, x + y + z < 0)))", 10_000),  # 10^12
    ("args.xs.map(x, args.xs.map(y, x * y)).size() == 0", 10_000),
    ("args.xs.exists_one(x, args.xs.filter(y, y > x).size() == 0)", 10_000),
    ("args.xs.all(x, args.xs.all(y, args.xs.all(z, true)))", 24_000),  # ~10^13
    ("args.xs.filter(x, x in args.xs).size() < 0", 24_000),  # `in` a list: 6 x 10^8 comparisons
]


@pytest.mark.parametrize(("expr", "n"), NESTED)
def test_nested_macros_stop_at_the_cost_limit(expr: str, n: int) -> None:
    d = guard(expr).check("T", {"xs": Counted(range(n))})
    assert "cost limit exceeded" in cost_error(d)
    # every element visited was paid for, at least a unit each, before the visit
    assert visits_by_the_expression(n) <= LIMIT < n * n


def test_strings_that_double_in_a_map_stop_before_memory_grows() -> None:
    g = guard("args.xs.map(x, args.s + args.s).size() == 0")
    args = {"xs": Counted(range(10_000)), "s": "a" * 900_000}
    g.check("T", {"xs": [1], "s": ""})  # compile and warm up outside the measurement
    tracemalloc.start()
    try:
        d = g.check("T", args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "cost limit exceeded" in cost_error(d)
    assert peak < 64 * 2**20  # without the bound: 10,000 strings of 1.8M characters, 18 GB
    assert visits_by_the_expression(10_000) <= 10


def test_a_regex_over_a_large_text_in_a_macro_runs_a_bounded_number_of_times() -> None:
    g = guard('args.xs.exists(x, args.s.matches("a+b"))')
    d = g.check("T", {"xs": Counted(range(10_000)), "s": "a" * 990_000})
    assert "cost limit exceeded" in cost_error(d)
    assert visits_by_the_expression(10_000) <= 10  # a search of 990,000 characters: ~20% of the budget


def test_a_large_text_copied_by_map_is_paid_for_each_time_it_is_read() -> None:
    g = guard('args.xs.map(x, args.s).exists(y, y.contains("b") || y.matches("c$"))')
    d = g.check("T", {"xs": Counted(range(24_000)), "s": "a" * 900_000})
    assert "cost limit exceeded" in cost_error(d)


def test_comparing_long_equal_strings_in_a_macro_is_paid_for() -> None:
    # y == args.t compares 900,000 characters each time: 10^4 x 9 x 10^5 without the bound
    g = guard("args.xs.map(x, args.s).exists(y, y == args.t || y > args.t)")
    d = g.check("T", {"xs": Counted(range(10_000)), "s": "a" * 450_000 + "b", "t": "a" * 450_000 + "c"})
    assert "cost limit exceeded" in cost_error(d)


@pytest.mark.parametrize(
    ("expr", "args"),
    [
        ('args.s.replace("", args.s).size() > 0', {"s": "a" * 900_000}),  # 8 * 10^11 characters
        ("[args.s, args.s, args.s].join(args.s).size() > 0", {"s": "a" * 600_000}),
        ("(args.s + args.s + args.s).size() > 0", {"s": "a" * 900_000}),
        ("args.xs.map(x, args.ys + args.ys).size() > 0", {"xs": list(range(900)), "ys": list(range(24_000))}),
    ],
)
def test_values_cannot_grow_past_the_size_bound(expr: str, args: dict[str, Any]) -> None:
    tracemalloc.start()
    try:
        d = guard(expr).check("T", args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = cost_error(d)
    assert "value too large" in message or "cost limit exceeded" in message
    assert peak < 64 * 2**20


def test_the_cost_limit_is_not_absorbed_by_or_and_and() -> None:
    # CEL's `||` absorbs an error when the other side is true; running out of budget is not
    # a value: it ends the evaluation, and the rule fails closed
    g = guard("args.xs.all(x, args.xs.all(y, x <= y || x > y)) || true")
    d = g.check("T", {"xs": Counted(range(10_000))})
    assert "cost limit exceeded" in cost_error(d)
    d = guard("args.missing > 0 || true").check("T", {"xs": []})  # an ordinary error is absorbed
    assert d.decision is remit.Route.BLOCK and not d.errors


def test_the_budget_is_shared_by_the_conditions_of_one_call() -> None:
    # each rule alone stays under the limit (three passes of a 7-node body over 24,000 values,
    # under the bound on the values of one call: about 720,000 units); two do not
    n = 24_000
    body = " && ".join(["args.xs.all(x, x >= 0 && x < 1000000)"] * 3)
    policy = {
        "name": "shared",
        "defaults": {"decision": "allow", "on_error": "allow"},
        "rules": [
            {"id": "first", "tools": ["T"], "ask": body},
            {"id": "second", "tools": ["T"], "block": body},
        ],
    }
    g = remit.Guard.from_text(yaml.safe_dump(policy, width=1000))
    for _ in range(2):  # and the next call starts with a full budget again
        d = g.check("T", {"xs": list(range(n))})
        assert [r.id for r in d.reasons] == ["first"] and d.decision is remit.Route.ASK
        assert [(e.id, "cost limit exceeded" in e.message) for e in d.errors] == [("second", True)]


def test_a_regex_known_only_at_run_time_pays_even_outside_macros() -> None:
    g = guard("args.s.matches(args.p)")
    assert g.check("T", {"s": "ab" * 10, "p": "(a|b){60}c"}).decision is remit.Route.ALLOW
    d = g.check("T", {"s": "ab" * 450_000, "p": "(a|b){60}c"})
    assert "cost limit exceeded" in cost_error(d)


def test_long_digit_strings_convert_without_python_limits() -> None:
    assert guard("int(args.s) == 1").check("T", {"s": "0" * 999_990 + "1"}).decision is remit.Route.BLOCK
    d = guard("int(args.s) > 0").check("T", {"s": "9" * 999_999})
    assert "overflow" in cost_error(d)


# ---- the bound changes no value: it only turns runaway evaluations into errors ----------


def run(expr: str, budget: int, **inputs: Any) -> Any:
    """The value of `expr`, or the error message, with `budget` units for the evaluation."""
    compiled = compile_expr(expr, names=set(inputs), span=SPAN)
    try:
        return compiled.fn(SimpleNamespace(cel_budget=[budget], **inputs))
    except celrt.CelError as e:
        return f"error: {e}"


_BODIES = ["x + y > k", "x == y", "x in ys", "string(x) + string(y) != 'k'", "[x, y].exists(z, z == k)"]
_SHAPES = [
    "xs.all(x, ys.exists(y, {body}))",
    "xs.exists(x, ys.all(y, {body}))",
    "xs.map(x, ys.filter(y, {body}).size()).exists(n, n == k)",
    "xs.exists_one(x, ys.exists(y, {body}) || k < 0)",
    "xs.filter(x, ys.map(y, {body}).all(b, b)).size() >= k",
]


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.sampled_from(_SHAPES),
    body=st.sampled_from(_BODIES),
    sizes=st.tuples(st.integers(0, 120), st.integers(0, 120)),
    k=st.integers(-5, 150),
    budget=st.integers(1, 40_000),
)
def test_a_bounded_evaluation_agrees_or_stops_within_its_budget(
    shape: str, body: str, sizes: tuple[int, int], k: int, budget: int
) -> None:
    expr = shape.format(body=body)
    Counted.visits = 0
    bounded = run(expr, budget, xs=Counted(range(sizes[0])), ys=Counted(range(sizes[1])), k=k)
    visits = Counted.visits
    unbounded = run(expr, 10**12, xs=list(range(sizes[0])), ys=list(range(sizes[1])), k=k)
    if not (isinstance(bounded, str) and "cost limit exceeded" in bounded):
        assert bounded == unbounded
    # fast and careful runs share the budget; comparing two counted lists visits both
    assert visits <= 2 * budget


# ---- realistic expressions are not affected -----------------------------------------------


ITEMS = [{"name": f"f{i}"} for i in range(12_000)]
FILES = [{"content": "x" * 99_000}] * 9
REALISTIC = [
    ('args.to.all(r, r.endsWith("@acme.com"))', {"to": [f"u{i}@acme.com" for i in range(500)]}, "block"),
    ('args.command.split(" ").exists(w, w in ["rm", "sudo"])', {"command": "ls -la " * 20_000}, "allow"),
    ('args.s.matches("(?i)(password|secret|token)\\\\s*[:=]")', {"s": "x" * 999_000}, "allow"),
    ('args.items.map(i, i.name).filter(n, n.startsWith("tmp")).size() > 10', {"items": ITEMS}, "allow"),
    ('args.files.exists(f, f.content.contains("PRIVATE KEY"))', {"files": FILES}, "allow"),
    ("args.s.lastIndexOf(args.t) >= 0", {"s": "a" * 600_000, "t": "a" * 100_000 + "b"}, "allow"),
]  # fmt: skip


@pytest.mark.parametrize(("expr", "args", "decision"), REALISTIC)
def test_realistic_expressions_on_large_calls_decide_normally(
    expr: str, args: dict[str, Any], decision: str
) -> None:
    d = guard(expr).check("T", args)
    assert not d.errors and d.decision.value == decision


@pytest.mark.slow
@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"shared corpora not found at {CORPORA}")
@pytest.mark.parametrize("policy", ["coding-agent.yaml", "strict.yaml", "business-agent.yaml"])
def test_real_traces_use_a_small_part_of_the_budget(policy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    budgets: list[list[int]] = []
    init = Activation.__init__

    def recording(self: Activation, *args: Any) -> None:
        init(self, *args)
        budgets.append(self.cel_budget)

    monkeypatch.setattr(Activation, "__init__", recording)
    result = replay(POLICIES / policy, sorted(p for p in CORPORA.iterdir() if p.is_dir()))
    assert result.calls > 1000 and len(budgets) > 1000
    spent = max(LIMIT - b[0] for b in budgets)
    assert 0 < spent < LIMIT // 20  # the costliest real call uses under 5% of the budget


def test_expressions_without_macros_carry_no_budget() -> None:
    for expr in (
        'tool == "Bash" && args.command.startsWith("git")',
        'args.url.matches("^https://")',
        "size(args.to) > 20",
    ):
        python = compile_expr(expr, names={"tool", "args"}, span=SPAN).python
        assert "_budget(" not in python and "_metered(" not in python


@pytest.mark.parametrize(
    ("expr", "ranges"),
    [
        ("args.xs.all(x, x > 0)", ["args.xs"]),
        ("[1, 2].all(i, args.xs.exists(x, x == i))", ["args.xs"]),  # a literal range is bounded
        ("args.xs.exists(x, args.xs.exists(y, args.zs.exists(z, true)))", ["args.xs", "args.xs", "args.zs"]),
        # a part of the element being visited: the two walk the input once
        ('shell.commands.exists(c, c.args.exists(a, a == "-rf"))', ["shell.commands"]),
        (
            'shell.commands.exists(c, c.args.filter(a, a != "").map(a, a.size()).exists(n, n > 1))',
            ["shell.commands"],
        ),
        ('args.to.exists(r, r.split("@").exists(p, p == "x"))', ["args.to"]),
        ("args.xs.exists(x, args.ys.filter(y, y != x).size() > 0)", ["args.xs", "args.ys"]),
        ("args.xs.exists(x, args.ys.map(y, y + x).exists(z, z == 0))", ["args.xs", "args.ys"]),
        ("args.xs.map(x, x).exists(y, y == 1)", ["args.xs"]),  # one after the other, not inside
        ("args.xs.exists(x, (args.ys + args.zs).exists(y, x == y))", ["args.xs", "a computed list"]),
        # a part of the input picked by the element: each key's list once
        ("args.exists(k, (type(args[k]) == list ? args[k] : [args[k]]).exists(f, f == 1))", ["args"]),
        ("args.exists(k, args.xs.exists(f, f == k))", ["args", "args.xs"]),
        ("args.xs.exists(", []),  # does not parse: the load reports it
    ],
)
def test_macros_whose_work_multiplies(expr: str, ranges: list[str]) -> None:
    assert multiplying_macros(expr) == ranges


def test_lint_warns_about_macros_over_separate_lists_nested_in_each_other() -> None:
    from remit.lint import lint_policy

    policy = remit.load_text(
        "name: n\nrules:\n"
        "  - {id: one, tools: [T], block: 'args.xs.all(x, x > 0)'}\n"
        "  - {id: two, tools: [T], block: 'args.xs.all(x, args.ys.exists(y, x == y))'}\n"
        "  - {id: part, tools: [T], block: 'shell.commands.exists(c, c.args.exists(a, a == \"-f\"))'}\n"
        "  - {id: literal, tools: [T], block: 'args.xs.all(x, [1, 2].exists(z, x == z))'}\n"
    )
    warned = [d for d in lint_policy(policy) if d.code == "lint.nested_macros"]
    assert [(d.message.split("`")[1], d.span.line) for d in warned] == [("two", 4)]
    assert "over `args.ys` inside `args.xs`" in warned[0].message
