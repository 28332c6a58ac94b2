"""The shortcuts of a decision hold to what they shorten: a regex's required text against RE2,
the precedence table against its plain statement, generated ratings against the interpreter."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import re2
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit import codegen
from remit.celrt import compile_match, matches_lit, matches_re, required_literal
from remit.compile import CompiledRoute, CompiledRule
from remit.decision import EvalError, Reason
from remit.diagnostics import Span
from remit.route import route_reason, rule_reason, settle
from remit.template import parse_template
from remit.vocab import STRICTNESS, DefaultRoutes, Route

BENCH_50 = Path(__file__).resolve().parent.parent / "benchmarks" / "policies" / "bench-50.yaml"

# -- the text every match of a regex contains ------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        ("chmod +(-R +)?0?777", "chmod "),
        ("^https?://(localhost|127\\.)", "http"),
        ("^https://(docs\\.python\\.org|pypi)/", "https://"),
        ("ab+c", "ab"),
        ("foo\\.bar\\d+", "foo.bar"),
        ("x{2}yz", "yz"),
        ("[abc]def?", "de"),
        ("[]x]yz", "yz"),
        ("a[[:alpha:]]bc", "bc"),
        ("é+x", "é"),
        ("secret", "secret"),
        ("ab*?cd", "cd"),
    ],
)
def test_required_literal(pattern: str, literal: str) -> None:
    assert required_literal(pattern) == literal


@pytest.mark.parametrize(
    "pattern",
    [
        *["a|b", "(?i)secret", "(?i:a)bc", "\\Qa*\\E", "^$", ".*", "a?", "\\d+", "x]", "(ab", "[ab"],
        # escapes that read more than one letter: `a\x41b` matches "aAb", which holds no "41b"
        *["a\\x41b", "a\\x{41}bc", "a\\101bc", "a\\pLbc", "a\\p{Greek}bc", "a\\PLbc", "a\\Cbc"],
    ],
)
def test_no_required_literal(pattern: str) -> None:
    assert required_literal(pattern) is None


_PIECES = st.sampled_from(
    ["a", "b", "c", "ab", " ", ".", "*", "+", "?", "??", "+?", "{2}", "{0,2}", "{1,}", "^", "$",
     "|", "(", ")", "(a|b)", "(?:ab)", "[ab]", "[^a]", "[]a]", "\\.", "\\d", "\\b", "\\s", "é",
     "\\Qa.\\E", "(?i)", "\\+", "\\*", "-", "/", "\\x41", "\\x{42}", "\\101", "\\pL", "\\p{Greek}",
     "\\PL", "\\n", "\\t", "41", "L"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(_PIECES, max_size=8),
    texts=st.lists(st.text("abc .+*-/é0\nABλ41L\t", max_size=12), max_size=6),
)
def test_every_match_contains_the_required_literal(pieces: list[str], texts: list[str]) -> None:
    pattern = "".join(pieces)
    try:
        rx = compile_match(pattern)
    except re2.error:
        return
    literal = required_literal(pattern)
    for text in [*texts, pattern, literal or ""]:
        found = matches_re(text, rx)
        if literal is not None:
            assert not found or literal in text, (pattern, literal, text)
            assert matches_lit(text, rx, literal) is found


def test_matches_with_a_required_literal_is_compiled_to_the_shortcut() -> None:
    g = _guard(_policy('args.s.matches("chmod +(-R +)?0?777")'))
    assert "_matches_lit" in g.policy.rules[0].condition.python  # type: ignore[union-attr]
    for s, verdict in [
        ("chmod 777 x", "block"),
        ("chmod -R 0777 /", "block"),
        ("ls", "allow"),
        ("chmod 644", "allow"),
    ]:
        assert g.check("T", {"s": s}).decision.value == verdict
    assert g.check("T", {"s": 7}).decision.value == "block"  # not a string: an error, on_error block


def _guard(policy: dict[str, Any], **options: Any) -> remit.Guard:
    return remit.Guard.from_text(yaml.safe_dump(policy, width=1000), **options)


def _policy(block: str) -> dict[str, Any]:
    return {
        "remit": 1,
        "name": "p",
        "defaults": {"decision": "allow", "on_error": "block"},
        "rules": [{"id": "r", "tools": ["T"], "block": block}],
    }


# -- the precedence table ---------------------------------------------------------------------


def _reference_settle(
    defaults: DefaultRoutes,
    errors: Sequence[tuple[str, str]],
    rules: Sequence[CompiledRule],
    block_routes: Sequence[CompiledRoute],
    route: CompiledRoute | None,
    lookup: Any,
) -> tuple[Route, tuple[Reason, ...], tuple[EvalError, ...]]:
    """The table as SPEC.md states it, step by step."""
    recorded = tuple(EvalError(i, m) for i, m in errors)
    on_error = defaults.on_error
    error_reasons = [
        Reason(e.id, "error", on_error, f"`{e.id}` could not be evaluated: {e.message}") for e in recorded
    ]
    blocks = [rule_reason(r, lookup) for r in rules if r.route is Route.BLOCK]
    blocks += [route_reason(r, lookup) for r in block_routes]
    if on_error is Route.BLOCK:
        blocks += error_reasons
    if blocks:
        return Route.BLOCK, tuple(blocks), recorded
    counted_errors = on_error is Route.ASK and bool(error_reasons)
    if rules or counted_errors:
        routes = [r.route for r in rules] + ([Route.ASK] if counted_errors else [])
        strictest = max(routes, key=STRICTNESS.__getitem__)
        reasons = [rule_reason(r, lookup) for r in rules if r.route is strictest]
        if counted_errors and strictest is Route.ASK:
            reasons += error_reasons
        return strictest, tuple(reasons), recorded
    if route is not None:
        return route.route, (route_reason(route, lookup),), recorded
    return (
        defaults.decision,
        (Reason("default", "default", defaults.decision, "no rule or route decided"),),
        recorded,
    )


_SPAN = Span("p.yaml", 1, 1)
_ROUTES = st.sampled_from(list(Route))


def _rule(i: int, route: Route, reason: str | None) -> CompiledRule:
    template = parse_template(reason) if reason is not None else None
    return CompiledRule(f"rule{i}", route, ("T",), None, None, False, template, False, (), _SPAN)


def _route(i: int, route: Route) -> CompiledRoute:
    return CompiledRoute(f"route{i}", route, None, False, parse_template("{tool} at {risk}"), _SPAN)


@settings(max_examples=300, deadline=None)
@given(
    on_error=_ROUTES,
    decision=_ROUTES,
    errors=st.lists(st.tuples(st.sampled_from(["x", "y"]), st.text("ab ", max_size=3)), max_size=3),
    rules=st.lists(st.tuples(_ROUTES, st.sampled_from([None, "fixed", "{tool} again"])), max_size=4),
    block_routes=st.integers(0, 2),
    route=st.sampled_from([None, Route.ALLOW, Route.ASK]),
)
def test_settle_is_the_table(
    on_error: Route,
    decision: Route,
    errors: list[tuple[str, str]],
    rules: list[tuple[Route, str | None]],
    block_routes: int,
    route: Route | None,
) -> None:
    defaults = DefaultRoutes(decision=decision, on_error=on_error)
    compiled = [_rule(i, r, reason) for i, (r, reason) in enumerate(rules)]
    blocks = [_route(i, Route.BLOCK) for i in range(block_routes)]
    first = _route(9, route) if route is not None else None
    values = {"tool": "Bash", "risk": 4}
    args = (defaults, errors, compiled, blocks, first, values.__getitem__)
    assert settle(*args) == _reference_settle(*args)


# -- generated ratings ------------------------------------------------------------------------


def test_generated_ratings_say_who_rated_as_the_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ties, a computed level that fails, a dimension nobody could rate: `rated_by` as interpreted."""
    policy = {
        "remit": 1,
        "name": "p",
        "defaults": {"decision": "allow", "on_error": "ask"},
        # autonomy unrated when both its rating and its unknown level fail: `unknown` rated it
        "unknown": {"risk": 5, "reversibility": "recoverable", "autonomy": "args.n * 2"},
        "ratings": [
            {"id": "base", "tools": ["T"], "risk": 3},
            {"id": "tie", "tools": ["T"], "when": "args.n > 0", "risk": 3},
            {
                "id": "higher",
                "tools": ["T"],
                "when": "args.n > 5",
                "risk": 7,
                "reversibility": "irreversible",
            },
            {"id": "computed", "tools": ["T"], "autonomy": "args.n"},
        ],
    }
    calls = [{"n": n} for n in (-1, 0, 1, 6, 20, "x")] + [{}]
    interpreted = _guard(policy, indexed=False)
    generated = _guard(policy)
    monkeypatch.setattr(codegen, "WARM_AFTER", 0)
    for args in calls:
        want, got = interpreted.check("T", args), generated.check("T", args)
        assert (got.ratings, got.rated_by, got.errors) == (want.ratings, want.rated_by, want.errors)
    assert "b0 += ('tie',)" in generated.policy.decider("T").__doc__  # type: ignore[operator]


def test_bench_decider_uses_the_regex_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codegen, "WARM_AFTER", 0)
    g = remit.Guard.from_path(BENCH_50)
    assert "_matches_lit(" in (g.policy.decider("Bash").__doc__ or "")
