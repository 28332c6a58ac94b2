"""Generated Python for a tool's whole candidate set: ratings, rules and routes in one function.

For each distinct set of candidates (the ratings and rules whose tool patterns match a tool
name, see `CompiledPolicy.candidates`), one Python function is generated and compiled. It
builds the activation, runs every condition of the set in declaration order with the error
handling of `evaluate.test` inline, keeps the highest ratings in local variables (the fixed
ones decided here, at generation), evaluates the routes, and settles the common case (no rule
holds, nothing failed) with reasons made once, here. Any other case goes through the one
precedence table, `route.settle`. Analyzer facts stay lazy on the activation: computed once
per call, only when a condition reads them. Each condition's fast code (`celfuncs`) is
written into the function itself; its careful code is called only when the fast code raises.

The interpreter (`evaluate.interpret`) is the reference and decides:
- the first `WARM_AFTER` calls of each tool: generating and compiling costs more than a
  decision, and a `remit hook` process decides a single call;
- calls of tools beyond `MAX_TOOLS` distinct names (and candidate sets beyond `MAX_SETS`),
  so that a stream of odd tool names cannot grow memory without bound.
A differential test (`tests/test_codegen.py`) holds both paths to the same outcome.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .celenv import helper_globals
from .celexpr import CompiledExpr
from .celrt import COST_LIMIT, CelError, CostLimitExceeded, as_error, detached
from .compile import (
    DIMENSIONS,
    FALLBACK_LEVELS,
    REVERSIBILITY_LEVELS,
    Candidates,
    CompiledPolicy,
    CompiledRating,
    CompiledRule,
    Decider,
    RatingSpec,
)
from .decision import Ratings
from .evaluate import Activation, describe, interpret, level_of
from .route import default_reasons, route_reason, settle, shadow_reasons
from .vocab import REVERSIBILITY_ORDER, Route

WARM_AFTER = 2
"""Calls of a tool decided by the interpreter before its function is generated."""
MAX_TOOLS = 4096
MAX_SETS = 1024

_UNKNOWN = ("unknown",)
_HELPERS: dict[str, Any] = helper_globals()
"""The runtime helpers every compiled expression's code reads (`_eq`, `_fail`...)."""
_STATIC_GLOBALS: dict[str, Any] = {
    **_HELPERS,
    "_Act": Activation,
    "_CelError": CelError,
    "_CostLimitExceeded": CostLimitExceeded,
    "_COST_LIMIT": COST_LIMIT,
    "_Ratings": Ratings,
    "_tuple_new": tuple.__new__,
    "_REV": REVERSIBILITY_LEVELS,
    "_REV_ORDER": REVERSIBILITY_ORDER,
    "_UNK": _UNKNOWN,
    "_BLOCK": Route.BLOCK,
    "_settle": settle,
    "_shadow": shadow_reasons,
    "_route_reason": route_reason,
}


def decider_for(policy: CompiledPolicy, tool: str) -> Decider:
    """The function that decides calls of `tool`: interpreted while cold, then generated."""
    deciders = policy._deciders
    cands = policy.candidates(tool)
    uses = deciders.uses.get(tool, 0) + 1
    if uses <= WARM_AFTER or len(deciders.by_tool) >= MAX_TOOLS:
        if len(deciders.uses) < MAX_TOOLS:
            deciders.uses[tool] = uses
        return functools.partial(interpret, policy, cands)
    key = _set_key(policy, cands)
    found = deciders.by_set.get(key)
    if found is None:
        if len(deciders.by_set) >= MAX_SETS:
            return functools.partial(interpret, policy, cands)
        found = generate(policy, cands)
        deciders.by_set[key] = found
    deciders.by_tool[tool] = found
    deciders.uses.pop(tool, None)
    return found


def _set_key(policy: CompiledPolicy, cands: Candidates) -> tuple[Any, ...]:
    """What makes two tools' candidate sets the same: the same rating and rule objects.

    A declared tool's baseline rating is made anew per lookup: it is keyed by what it gives.
    """
    held = {id(r) for r in policy.ratings}
    ratings = tuple(id(r) if id(r) in held else (r.id, r.specs) for r in cands.ratings)
    return ratings, tuple(id(r) for r in cands.rules), id(cands.decl)


def generate(policy: CompiledPolicy, cands: Candidates) -> Decider:
    """Generate, compile and return the decider of one candidate set."""
    gen = _Generator(policy, cands)
    source = gen.source()
    scope = dict(_STATIC_GLOBALS)
    scope.update(gen.constants)
    exec(compile(source, "<remit decider>", "exec"), scope)
    run: Decider = scope["decide"]
    run.__doc__ = source  # kept for reading: `policy.decider(tool).__doc__`
    return run


# -- the generator --------------------------------------------------------------------------

_CALL_LOCALS = {"tool": "tool", "args": "args", "ctx": "ctx", "session": "session"}
"""The activation's fields that are the decider's arguments."""
_RATED_LOCALS = {"risk": "r0", "reversibility": "rv", "autonomy": "r2"}
"""The activation's ratings, held in the decider's locals once rated."""

_NONE, _SET, _MAYBE = "none", "set", "maybe"
"""What generation knows of a rating dimension at a point of the function: no level yet,
some level for sure, or either."""


def _join(before: str, after: str) -> str:
    """The state after a branch that may or may not have run."""
    return before if before == after else _MAYBE


def _bad(value: Any) -> str:
    """The error message of a condition that failed or did not give a bool (`evaluate.test`)."""
    if isinstance(value, CelError):
        return str(value)
    return f"the condition gave {describe(value)}, not a bool"


def _internal(exc: Exception) -> CelError:
    return CelError(f"internal error: {exc}")


def _careful(exc: Exception, careful: Callable[[Any], Any] | None, act: Any) -> Any:
    """What an expression whose fast code raised `exc` gives: its careful code's value, or
    the error (as its compiled function and `evaluate.value_of` would give them)."""
    if careful is None:  # its fast code is its careful code
        return as_error(exc)
    try:
        return careful(act)
    except CelError as e:
        return detached(e)
    except Exception as e:
        return _internal(e)


@dataclass(frozen=True)
class _Inline:
    """A compiled expression's fast code, to write into a decider."""

    text: str
    constants: dict[str, Any]  # the globals it reads, under their names in `text`
    careful: Callable[[Any], Any] | None  # its careful code; None: the fast code is careful
    metered: bool  # whether it reads the budget `c`


def _inline(expr: CompiledExpr, prefix: str, local: dict[str, str] | None = None) -> _Inline | None:
    """The fast code of `expr` (see `celfuncs`), its globals renamed with `prefix`, or None
    when its function is not the plain generated one; `local` maps fields of the activation
    (`a.ctx`) to the decider's locals that hold the same values (`ctx`), read instead."""
    scope = expr.fn.__globals__
    if scope.get("fn") is not expr.fn:
        return None
    try:
        tree = ast.parse(expr.python)
    except SyntaxError:  # too deep for Python's parser: call it
        return None
    fast = _fast_code(tree)
    if fast is None:
        return None
    constants: dict[str, Any] = {}
    metered = False
    for node in ast.walk(fast):
        if not isinstance(node, ast.Name):
            continue
        if node.id == "c":
            metered = True
        value = scope.get(node.id, _HELPERS)
        if value is _HELPERS or node.id in ("a", "c") or _HELPERS.get(node.id, _HELPERS) is value:
            continue  # a local, a builtin or a runtime helper: the decider has the same
        node.id = prefix + node.id
        constants[node.id] = value
    if local:
        fast = _Locals(local).visit(fast)
    return _Inline(ast.unparse(fast), constants, scope.get("_careful"), metered)


_INTS = frozenset({"r0", "r2"})
"""The decider's locals for risk and autonomy once rated: always an `int`, never a bool."""


class _Locals(ast.NodeTransformer):
    """Reads `a.NAME` from the decider's local holding the same value; drops the bool check
    of `x < r0 if r0.__class__ is not bool else _fail()` where the local is surely an int."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        target = node.value
        if isinstance(target, ast.Name) and target.id == "a" and node.attr in self.names:
            return ast.copy_location(ast.Name(self.names[node.attr], ast.Load()), node)
        self.generic_visit(node)
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        self.generic_visit(node)
        test, orelse = node.test, node.orelse
        if (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Attribute)
            and test.left.attr == "__class__"
            and isinstance(test.left.value, ast.Name)
            and test.left.value.id in _INTS
            and [type(op) for op in test.ops] == [ast.IsNot]
            and isinstance(test.comparators[0], ast.Name)
            and test.comparators[0].id == "bool"
            and isinstance(orelse, ast.Call)
            and isinstance(orelse.func, ast.Name)
            and orelse.func.id == "_fail"
        ):
            return node.body
        return node


def _fast_code(tree: ast.Module) -> ast.expr | None:
    """The expression `fn` returns first in the source of a compiled expression."""
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "fn":
            body = [s for s in stmt.body if not (isinstance(s, ast.Assign) and _assigns(s, "c"))]
            first = body[0] if body else None
            if isinstance(first, ast.Try):
                first = first.body[0] if len(first.body) == 1 else None
            if isinstance(first, ast.Return) and first.value is not None:
                return first.value
    return None


def _assigns(stmt: ast.Assign, name: str) -> bool:
    return [t.id for t in stmt.targets if isinstance(t, ast.Name)] == [name]


class _Generator:
    """Writes the source of one decider; values it cannot spell go into `constants`."""

    def __init__(self, policy: CompiledPolicy, cands: Candidates) -> None:
        self.policy = policy
        self.cands = cands
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {
            "_decl": cands.decl,
            "_defaults": policy.defaults,
            "_bad": _bad,
            "_internal": _internal,
            "_careful": _careful,
            "_detached": detached,
            "_level_of": level_of,
            "_no_reasons": default_reasons(policy.defaults),
            "_default": policy.defaults.decision,
        }
        self.state = [_NONE, _NONE, _NONE]
        self.rated = [False, False, False]  # dimensions some rating surely rated (`finish_ratings`)
        active = [r for r in cands.rules if not r.never]
        self.rules = [r for r in active if not r.shadow]
        self.shadow = [r for r in active if r.shadow]
        self.budget = False  # whether inlined code reads the budget `c`
        self.has_raises = any(r.raises for r in cands.ratings) or any(r.raises for r in self.rules)
        self.block_routes = any(r.route is Route.BLOCK and not r.never for r in policy.routes)
        # what inlined code reads from the decider's locals rather than the activation
        self.local = dict(_CALL_LOCALS)

    def const(self, value: Any) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def emit(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def source(self) -> str:
        self.emit(0, "def decide(tool, args, ctx, session, parses=None):")
        self.emit(1, "a = _Act(tool, args, ctx, session, _decl, parses)")
        head = len(self.lines)
        self.emit(1, "err = []")
        self.emit(1, "r0 = r1 = r2 = b0 = b1 = b2 = None")
        if self.has_raises:
            self.emit(1, "raises = []")
        for rating in self.cands.ratings:
            self.rating(rating)
        self.autonomy_and_unknown()
        self.finish_ratings()
        self.match_rules()
        self.match_routes()
        self.settle()
        if self.budget:  # the call's budget, for the macros of the inlined expressions (and
            # their careful code, which finds it on the activation): made here, not on a read
            self.lines.insert(head, "    c = a.cel_budget = [_COST_LIMIT]")
        return "\n".join(self.lines) + "\n"

    # -- conditions

    def test(self, depth: int, expr: CompiledExpr) -> None:
        """`ok = ` the condition's outcome: True, False, or what failed (`evaluate.test`)."""
        self.run(depth, expr, "ok")

    def run(self, depth: int, expr: CompiledExpr, into: str) -> None:
        """`into = ` the expression's value, or the `CelError` it gave.

        The expression's fast code is written here, inline (no call); only when it raises is
        its careful code called, as the compiled function itself would (see `celfuncs`).
        """
        inline = _inline(expr, f"_e{len(self.constants)}", self.local)
        if inline is None:
            fn = self.const(expr.fn)
            self.emit(depth, "try:")
            self.emit(depth + 1, f"{into} = {fn}(a)")
            self.emit(depth, "except _CelError as e:")
            self.emit(depth + 1, f"{into} = _detached(e)")
            self.emit(depth, "except Exception as e:")
            self.emit(depth + 1, f"{into} = _internal(e)")
            return
        self.constants.update(inline.constants)
        careful = self.const(inline.careful)
        if inline.metered:
            self.budget = True
        self.emit(depth, "try:")
        self.emit(depth + 1, f"{into} = {inline.text}")
        if inline.metered:  # a spent budget ends the evaluation, as in the compiled function
            self.emit(depth, "except _CostLimitExceeded as e:")
            self.emit(depth + 1, f"{into} = _detached(e)")
        self.emit(depth, "except Exception as e:")
        self.emit(depth + 1, f"{into} = _careful(e, {careful}, a)")

    def failed(self, depth: int, ident: str, into: str = "err") -> None:
        self.emit(depth, "elif ok is not False:")
        self.emit(depth + 1, f"{into}.append(({ident!r}, _bad(ok)))")

    # -- ratings

    def rating(self, r: CompiledRating) -> None:
        if r.when is None:
            self.offers(1, r.specs, r.id)
            if r.raises:
                self.emit(1, f"raises.extend({r.raises!r})")
            return
        self.test(1, r.when)
        self.emit(1, "if ok is True:")
        before = list(self.state)
        size = len(self.lines)
        self.offers(2, r.specs, r.id)
        if r.raises:
            self.emit(2, f"raises.extend({r.raises!r})")
        if len(self.lines) == size:
            self.emit(2, "pass")
        self.state = [_join(b, a) for b, a in zip(before, self.state, strict=True)]
        self.failed(1, r.id)

    def offers(self, depth: int, specs: tuple[RatingSpec, ...], ident: str) -> None:
        for index, spec, is_expr in specs:
            if not is_expr:
                self.offer(depth, index, repr(spec), ident)
                continue
            self.value(depth, spec, index)
            self.emit(depth, "if lv.__class__ is str:")
            self.emit(depth + 1, f"err.append(({ident!r}, lv))")
            self.emit(depth, "else:")
            before = self.state[index]
            self.offer(depth + 1, index, "lv", ident)
            self.state[index] = _join(before, self.state[index])

    def value(self, depth: int, expr: CompiledExpr, index: int) -> None:
        """`lv = ` the level a rating expression gives, or its error message (`evaluate._offer`)."""
        self.run(depth, expr, "lv")
        if index == 1:  # a reversibility by name, else what `level_of` says
            self.emit(depth, "if lv.__class__ is str and lv in _REV_ORDER:")
            self.emit(depth + 1, "lv = _REV_ORDER[lv]")
        else:  # a whole number from 1 up is its own level, capped at 10
            self.emit(depth, "if lv.__class__ is int and lv >= 1:")
            self.emit(depth + 1, "lv = lv if lv <= 10 else 10")
        self.emit(depth, "else:")
        self.emit(depth + 1, f"lv = _level_of({index}, lv)")

    def offer(self, depth: int, index: int, level: str, ident: str) -> None:
        """Keep the higher level of a dimension and who gave it (`evaluate._offer`)."""
        r, b, state = f"r{index}", f"b{index}", self.state[index]
        if state == _NONE:
            self.emit(depth, f"{r} = {level}")
            self.emit(depth, f"{b} = {(ident,)!r}")
        else:
            test = f"{level} > {r}" if state == _SET else f"{r} is None or {level} > {r}"
            self.emit(depth, f"if {test}:")
            self.emit(depth + 1, f"{r} = {level}")
            self.emit(depth + 1, f"{b} = {(ident,)!r}")
            self.emit(depth, f"elif {level} == {r}:")
            self.emit(depth + 1, f"{b} += {(ident,)!r}")
        self.state[index] = _SET

    def autonomy_and_unknown(self) -> None:
        autonomy = self.policy.autonomy
        if isinstance(autonomy, CompiledExpr):
            self.offers(1, ((2, autonomy, True),), "autonomy")
        elif autonomy is not None:
            self.offers(1, ((2, autonomy, False),), "autonomy")
        for spec in self.policy.unknown_specs:
            index = spec[0]
            if self.state[index] == _SET:
                continue
            if self.state[index] == _NONE:
                self.offers(1, (spec,), "unknown")
                continue
            self.emit(1, f"if r{index} is None:")
            self.state[index] = _NONE
            self.offers(2, (spec,), "unknown")
            self.state[index] = _join(_SET, self.state[index])

    def finish_ratings(self) -> None:
        self.rated = [state == _SET for state in self.state]
        for index in range(3):
            if self.state[index] != _SET:
                self.emit(1, f"if r{index} is None:")
                self.emit(2, f"r{index} = {FALLBACK_LEVELS[index]!r}")
        self.emit(1, "rv = _REV[r1]")
        self.emit(1, "a.risk = r0")
        self.emit(1, "a.reversibility = rv")
        self.emit(1, "a.autonomy = r2")
        self.local.update(_RATED_LOCALS)  # from here on, rules and routes read the ratings

    # -- rules and routes

    def match_rules(self) -> None:
        if self.rules:
            self.emit(1, "rules = []")
        if self.shadow:
            self.emit(1, "shd = []")
            self.emit(1, "shd_err = []")
        for rule in self.cands.rules:
            if not rule.never:
                self.rule(rule)

    def rule(self, rule: CompiledRule) -> None:
        into, errors = ("shd", "shd_err") if rule.shadow else ("rules", "err")
        conditions = [c for c in (rule.when, rule.condition) if c is not None]
        if not conditions:
            self.holds(1, rule, into)
            return
        depth = 1
        for i, cond in enumerate(conditions):
            self.test(depth, cond)
            if i < len(conditions) - 1:
                self.emit(depth, "if ok is True:")
                depth += 1
        self.emit(1, "if ok is True:")
        self.holds(2, rule, into)
        self.failed(1, rule.id, errors)

    def holds(self, depth: int, rule: CompiledRule, into: str) -> None:
        self.emit(depth, f"{into}.append({self.const(rule)})")
        if rule.raises and not rule.shadow:
            self.emit(depth, f"raises.extend({rule.raises!r})")

    def match_routes(self) -> None:
        """Every block route; the others up to the first that holds (`evaluate.match`)."""
        self.emit(1, "rt = rr = None")
        if self.block_routes:
            self.emit(1, "rb = []")
        decided = "no"
        for route in self.policy.routes:
            if route.never or (decided == "yes" and route.route is not Route.BLOCK):
                continue
            depth = 1
            if decided == "maybe" and route.route is not Route.BLOCK:
                self.emit(1, "if rt is None and not rb:" if self.block_routes else "if rt is None:")
                depth = 2
            if route.condition is not None:
                self.test(depth, route.condition)
                self.emit(depth, "if ok is True:")
                self.route_holds(depth + 1, route)
                self.failed(depth, route.id)
                decided = "maybe" if decided == "no" else decided
            else:
                self.route_holds(depth, route)
                decided = "yes" if depth == 1 else "maybe"

    def route_holds(self, depth: int, route: Any) -> None:
        if route.route is Route.BLOCK:
            self.emit(depth, f"rb.append({self.const(route)})")
            return
        self.emit(depth, f"rt = {self.const(route)}")
        if route.fixed is not None:
            self.emit(depth, f"rr = {self.const((route.fixed,))}")

    def settle(self) -> None:
        pending = ["err"] + (["rules"] if self.rules else []) + (["rb"] if self.block_routes else [])
        self.emit(1, f"if {' or '.join(pending)}:")
        rules = "rules" if self.rules else "()"
        rb = "rb" if self.block_routes else "()"
        self.emit(2, f"verdict, reasons, errors = _settle(_defaults, err, {rules}, {rb}, rt, a.lookup)")
        self.emit(1, "elif rt is not None:")
        self.emit(2, "verdict = rt.route")
        self.emit(2, "reasons = rr if rr is not None else (_route_reason(rt, a.lookup),)")
        self.emit(2, "errors = ()")
        self.emit(1, "else:")
        self.emit(2, "verdict = _default")
        self.emit(2, "reasons = _no_reasons")
        self.emit(2, "errors = ()")
        if self.shadow:
            self.emit(1, "shadow = ()")
            self.emit(1, "if shd or shd_err:")
            self.emit(2, "shadow = _shadow(_defaults.on_error, shd, shd_err, a.lookup)")
        else:
            self.emit(1, "shadow = ()")
        raises = "() if verdict is _BLOCK else tuple(raises)" if self.has_raises else "()"
        rated_by = ", ".join(  # who rated each dimension: a tuple of rating ids, set or not
            f"{dim!r}: b{i}" if self.rated[i] else f"{dim!r}: b{i} if b{i} is not None else _UNK"
            for i, dim in enumerate(DIMENSIONS)
        )
        self.emit(1, "return (verdict, reasons, errors, shadow, _tuple_new(_Ratings, (r0, rv, r2)),")
        self.emit(2, f"{{{rated_by}}}, {raises})")
