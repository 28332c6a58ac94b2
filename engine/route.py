"""The precedence table: turn matched rules, routes and errors into one decision.

1. Any matching `block` rule, or any `block` route whose condition holds: block.
2. Otherwise matching explicit rules decide, the stricter winning: ask beats allow.
3. Otherwise the routes decide over the ratings (the first that holds).
4. Otherwise `defaults.decision`.
5. A rule, rating or route that errors counts as `defaults.on_error` and is recorded: with
   `block` it blocks, with `ask` it counts as an ask rule, with `allow` it takes no part.
6. Rules in shadow mode are recorded as "would have decided X" and take no part.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .compile import CompiledPolicy, CompiledRoute, CompiledRule
from .decision import EvalError, Reason
from .evaluate import Matches
from .model import STRICTNESS, Route

Lookup = Callable[[str], Any]


def decide(
    policy: CompiledPolicy, matches: Matches, rating_errors: list[tuple[str, str]], lookup: Lookup
) -> tuple[Route, tuple[Reason, ...], tuple[EvalError, ...], tuple[Reason, ...]]:
    """(decision, the reasons that decided it, errors, shadow rules that would have decided)."""
    errors = tuple(EvalError(i, m) for i, m in (*rating_errors, *matches.errors))
    on_error = policy.defaults.on_error
    error_reasons = [
        Reason(e.id, "error", on_error, f"`{e.id}` could not be evaluated: {e.message}") for e in errors
    ]
    shadow = tuple(_rule_reason(r, lookup, "shadow") for r in matches.shadow)
    shadow += tuple(
        Reason(i, "shadow-error", on_error, f"`{i}` could not be evaluated: {m}")
        for i, m in matches.shadow_errors
    )

    blocks = [_rule_reason(r, lookup) for r in matches.rules if r.route is Route.BLOCK]
    blocks += [_route_reason(r, lookup) for r in matches.routes if r.route is Route.BLOCK]
    if on_error is Route.BLOCK:
        blocks += error_reasons
    if blocks:
        return Route.BLOCK, tuple(blocks), errors, shadow

    counted_errors = on_error is Route.ASK and bool(error_reasons)  # with `allow` they take no part
    if matches.rules or counted_errors:
        routes = [r.route for r in matches.rules] + ([Route.ASK] if counted_errors else [])
        strictest = max(routes, key=STRICTNESS.__getitem__)
        # Only the rules that decided have their reason templates rendered.
        reasons = [_rule_reason(r, lookup) for r in matches.rules if r.route is strictest]
        if counted_errors and strictest is Route.ASK:
            reasons += error_reasons
        return strictest, tuple(reasons), errors, shadow

    for route in matches.routes:
        return route.route, (_route_reason(route, lookup),), errors, shadow

    default = policy.defaults.decision
    return default, (Reason("default", "default", default, "no rule or route decided"),), errors, shadow


def _rule_reason(rule: CompiledRule, lookup: Lookup, kind: str = "rule") -> Reason:
    message = rule.reason.render(lookup) if rule.reason is not None else ""
    return Reason(rule.id, kind, rule.route, message)


def _route_reason(route: CompiledRoute, lookup: Lookup) -> Reason:
    message = route.reason.render(lookup) if route.reason is not None else ""
    return Reason(route.id, "route", route.route, message)
