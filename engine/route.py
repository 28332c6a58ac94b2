"""The precedence table: turn matched rules, routes and errors into one decision.

1. Any matching `block` rule, or any `block` route whose condition holds: block.
2. Otherwise matching explicit rules decide, the stricter winning: ask beats allow.
3. Otherwise the routes decide over the ratings (the first that holds).
4. Otherwise `defaults.decision`.
5. A rule, rating or route that errors counts as `defaults.on_error` and is recorded: with
   `block` it blocks, with `ask` it counts as an ask rule, with `allow` it takes no part.
6. Rules in shadow mode are recorded as "would have decided X" and take no part.

`settle` is the table itself; the interpreter (`decide`) and the generated code of
`codegen.py` both call it, so there is one precedence, whichever path evaluated the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .compile import CompiledPolicy, CompiledRoute, CompiledRule
from .decision import EvalError, Reason
from .vocab import DefaultRoutes, Route

if TYPE_CHECKING:
    from .evaluate import Matches

Lookup = Callable[[str], Any]
Settled = tuple[Route, tuple[Reason, ...], tuple[EvalError, ...]]


def decide(
    policy: CompiledPolicy, matches: Matches, rating_errors: list[tuple[str, str]], lookup: Lookup
) -> tuple[Route, tuple[Reason, ...], tuple[EvalError, ...], tuple[Reason, ...]]:
    """(decision, the reasons that decided it, errors, shadow rules that would have decided)."""
    block_routes = [r for r in matches.routes if r.route is Route.BLOCK]
    first = next((r for r in matches.routes if r.route is not Route.BLOCK), None)
    errors = [*rating_errors, *matches.errors]
    verdict, reasons, evaluated = settle(policy.defaults, errors, matches.rules, block_routes, first, lookup)
    shadow = shadow_reasons(policy.defaults.on_error, matches.shadow, matches.shadow_errors, lookup)
    return verdict, reasons, evaluated, shadow


def settle(
    defaults: DefaultRoutes,
    errors: Sequence[tuple[str, str]],
    rules: Sequence[CompiledRule],
    block_routes: Sequence[CompiledRoute],
    route: CompiledRoute | None,
    lookup: Lookup,
) -> Settled:
    """The decision, its reasons and the recorded errors.

    `errors` are (id, message) of what failed, ratings first; `rules` the rules that hold
    (not in shadow mode), in declaration order; `block_routes` the block routes that hold;
    `route` the first route that holds when no block route held before it, if any.
    """
    if not errors and not block_routes and len(rules) == 1:
        # the common case of a rule that holds: nothing failed, no block route held, so it
        # decides alone, as the table below would have it
        rule = rules[0]
        return rule.route, (rule_reason(rule, lookup),), ()
    on_error = defaults.on_error
    if errors:
        recorded = tuple([EvalError(i, m) for i, m in errors])
        error_reasons = [
            Reason(e.id, "error", on_error, f"`{e.id}` could not be evaluated: {e.message}") for e in recorded
        ]
    else:  # the common case: nothing failed
        recorded, error_reasons = (), []
    strictest = _ALLOW
    for r in rules:  # the strictest route among the rules that hold
        if r.route is not strictest and (r.route is _BLOCK or strictest is _ALLOW):
            strictest = r.route
    if strictest is _BLOCK or block_routes or (error_reasons and on_error is _BLOCK):
        blocks = [rule_reason(r, lookup) for r in rules if r.route is _BLOCK]
        blocks += [route_reason(r, lookup) for r in block_routes]
        if on_error is _BLOCK:
            blocks += error_reasons
        return _BLOCK, tuple(blocks), recorded

    counted_errors = on_error is _ASK and bool(error_reasons)  # with `allow` they take no part
    if rules or counted_errors:
        if counted_errors:
            strictest = _ASK
        # Only the rules that decided have their reason templates rendered.
        reasons = [rule_reason(r, lookup) for r in rules if r.route is strictest]
        if counted_errors:
            reasons += error_reasons
        return strictest, tuple(reasons), recorded

    if route is not None:
        return route.route, (route_reason(route, lookup),), recorded
    return defaults.decision, default_reasons(defaults), recorded


_ALLOW, _ASK, _BLOCK = Route.ALLOW, Route.ASK, Route.BLOCK


def shadow_reasons(
    on_error: Route, rules: Sequence[CompiledRule], errors: Sequence[tuple[str, str]], lookup: Lookup
) -> tuple[Reason, ...]:
    """What the rules in shadow mode would have done: those that hold, then those that failed."""
    shadow = tuple(rule_reason(r, lookup, "shadow") for r in rules)
    return shadow + tuple(
        Reason(i, "shadow-error", on_error, f"`{i}` could not be evaluated: {m}") for i, m in errors
    )


def default_reasons(defaults: DefaultRoutes) -> tuple[Reason, ...]:
    """The reasons of a decision nothing made: the policy's default."""
    return (Reason("default", "default", defaults.decision, "no rule or route decided"),)


def rule_reason(rule: CompiledRule, lookup: Lookup, kind: str = "rule") -> Reason:
    """A rule's part in a decision, its reason template filled in."""
    if rule.fixed is not None and kind == "rule":  # a fixed message: the reason made at load
        return rule.fixed
    message = rule.reason.render(lookup) if rule.reason is not None else ""
    return Reason(rule.id, kind, rule.route, message)


def route_reason(route: CompiledRoute, lookup: Lookup) -> Reason:
    """A route's part in a decision, its reason template filled in."""
    if route.fixed is not None:  # a fixed message: the reason made at load
        return route.fixed
    message = route.reason.render(lookup) if route.reason is not None else ""
    return Reason(route.id, "route", route.route, message)
