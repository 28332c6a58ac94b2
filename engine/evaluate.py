"""Does each rule apply? Rate the call, then match rules and routes (no deciding here).

Rules produce outcomes (matched, or errored); `route.decide` turns them into a decision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import analyzers
from .analyzers._lazy import lazy
from .analyzers.path import cwd_path_facts, rooted
from .analyzers.shell import ParseCache
from .celenv import declare_object
from .celexpr import CompiledExpr
from .celrt import COST_LIMIT, CelError, MixedKeyMap
from .compile import (
    DIMENSIONS,
    FALLBACK_LEVELS,
    Candidates,
    CompiledPolicy,
    CompiledRoute,
    CompiledRule,
    RatingSpec,
)
from .decision import EvalError, Ratings, Reason
from .route import decide
from .session import Session
from .vocab import REVERSIBILITY_ORDER, Route

CTX_DEFAULTS: dict[str, Any] = {
    "session_id": "",
    "turn_id": "",
    "agent_id": "",
    "user_id": "",
    "cwd": "",
    "workspace": "",
    "permission_mode": "default",
    "steps_since_human": 0,
    "seconds_since_human": 0,
    "subagent_depth": 0,
    "user_session_count": 0,
    "environment": {},
    "labels": {},
}
"""The context fields a condition can read, with the value they have when not given.
`workspace`, the root of the project, is the cwd when a call does not give it (`Guard.check`)."""

REVERSIBILITIES = tuple(REVERSIBILITY_ORDER)

Outcome = tuple[
    Route,
    tuple[Reason, ...],
    tuple[EvalError, ...],
    tuple[Reason, ...],
    Ratings,
    dict[str, tuple[str, ...]],
    tuple[str, ...],
]
"""What deciding a call gives: (decision, reasons, errors, shadow reasons, ratings, who rated
each dimension, the facts the call raises)."""


class Activation:
    """What conditions see. Analyzer facts are computed on first use, at most once per call.

    `shell`, `path`, `http`, `sql`, `name` and `cel_budget` are `lazy`: the first read
    computes the value and keeps it in the instance's dict, later reads are plain attribute
    reads. (Empty `__slots__` filled by `__getattr__` cost more: Python formats an
    `AttributeError` before it asks `__getattr__`, about a microsecond per analyzer a call reads.)
    """

    def __init__(
        self,
        tool: str,
        args: Any,
        ctx: dict[str, Any],
        session: Session,
        decl: Any,
        parses: ParseCache | None = None,
    ) -> None:
        self.tool = tool
        self.args = args
        self.ctx = ctx
        self.session = session
        self.decl = decl
        self.parses = parses  # recent shell commands' facts, shared across calls
        self.risk: int = 0
        self.reversibility: str = ""
        self.autonomy: int = 0

    def _cwd(self) -> str | None:
        cwd = self.ctx.get("cwd")
        return cwd if isinstance(cwd, str) and cwd else None

    def _args(self) -> Any:
        return self.args if isinstance(self.args, dict) else {}

    def _analysed(self) -> str:
        """The tool the analyzers read the call as: the tool itself when they know its name,
        else the tool it is an alias of (a policy's own alias of `Bash` runs shell commands,
        and its shell rules must see them)."""
        tool = self.tool
        if tool in analyzers.ANALYSED_TOOLS or self.decl is None:
            return tool
        return self.decl.name or tool

    @lazy
    def shell(self) -> Any:
        """Facts about the shell command of the call (none for other tools)."""
        if self.parses is not None:
            return self.parses.shell_facts(self._analysed(), self._args(), self._cwd())
        return analyzers.shell_facts(self._analysed(), self._args(), self._cwd())

    @lazy
    def path(self) -> Any:
        """The paths the call touches."""
        tool = self._analysed()
        # A tool that runs no shell command has empty shell facts: no need to make them here.
        shell = self.shell if tool in analyzers.SHELL_TOOLS else None
        cwd = self._cwd()
        facts = cwd_path_facts(tool, self._args(), cwd, shell)
        workspace = self.ctx.get("workspace")  # the project's root, when it is not the cwd
        return rooted(facts, workspace) if workspace and workspace != cwd else facts

    @lazy
    def http(self) -> Any:
        """The URLs the call fetches or posts to."""
        return analyzers.http_facts(self.tool, self._args(), self.shell)

    @lazy
    def sql(self) -> Any:
        """The SQL statements of the call."""
        return analyzers.sql_facts(self.tool, self._args(), self.shell)

    @lazy
    def name(self) -> Any:
        """What the tool's name says it does, corrected by its MCP annotations."""
        decl = self.decl
        annotations = decl.annotations if decl is not None else None
        # An MCP gateway reports the server's annotations in `ctx.annotations`; a tool the
        # policy declares with annotations of its own keeps those.
        reported = self.ctx.get("annotations")
        if not annotations and isinstance(reported, dict):
            annotations = reported
        description = decl.description if decl is not None else None
        return analyzers.name_facts(self.tool, annotations, description)

    @lazy
    def cel_budget(self) -> list[int]:
        """The work CEL macros may still do for this call: a fresh budget, made only if a
        macro runs."""
        return [COST_LIMIT]

    def lookup(self, name: str) -> Any:
        """A top-level name, for reason templates."""
        return getattr(self, name)


declare_object("shell", analyzers.ShellFacts, {"commands": analyzers.Command})
declare_object("path", analyzers.PathFacts)
declare_object("http", analyzers.HttpFacts)
declare_object("sql", analyzers.SqlFacts)
declare_object("name", analyzers.NameFacts)
declare_object("session", Session)
# what those names hold here: compiled conditions read their fields as plain attributes


def test(expr: CompiledExpr, act: Activation) -> bool | CelError:
    """Run a condition: True, False, or the error (a non-bool result is an error too)."""
    try:
        value = expr.fn(act)
    except CelError as exc:
        return exc
    except Exception as exc:
        return CelError(f"internal error: {exc}")
    if value is True or value is False:
        return value
    return CelError(f"the condition gave {describe(value)}, not a bool")


def value_of(expr: CompiledExpr, act: Activation) -> Any:
    """Run an expression for its value; the error is returned, not raised."""
    try:
        return expr.fn(act)
    except CelError as exc:
        return exc
    except Exception as exc:
        return CelError(f"internal error: {exc}")


def describe(value: Any) -> str:
    """A CEL type name for messages."""
    if value is None:
        return "null"
    return {
        bool: "a bool",
        int: "an int",
        float: "a double",
        str: "a string",
        bytes: "bytes",
        list: "a list",
        dict: "a map",
        MixedKeyMap: "a map",
    }.get(type(value), "a value")


@dataclass(slots=True)
class Rated:
    """The ratings of a call, who gave them, and what failed on the way."""

    risk: int
    reversibility: str
    autonomy: int
    rated_by: dict[str, tuple[str, ...]]
    errors: list[tuple[str, str]] = field(default_factory=list)
    raises: list[str] = field(default_factory=list)


def rate(policy: CompiledPolicy, cands: Candidates, act: Activation) -> Rated:
    """For each dimension the highest rating of the matching rules; `unknown` where none."""
    levels: list[int | None] = [None, None, None]
    by: list[list[str]] = [[], [], []]
    errors: list[tuple[str, str]] = []
    raises: list[str] = []
    for r in cands.ratings:
        if r.when is not None:
            ok = test(r.when, act)
            if ok is not True:
                if ok is not False:
                    errors.append((r.id, str(ok)))
                continue
        _offer(levels, by, r.specs, r.id, act, errors)
        if r.raises:
            raises.extend(r.raises)
    autonomy = policy.autonomy
    if autonomy is not None:
        spec: RatingSpec = (2, autonomy, True) if isinstance(autonomy, CompiledExpr) else (2, autonomy, False)
        _offer(levels, by, (spec,), "autonomy", act, errors)
    if None in levels:
        unrated = tuple(spec for spec in policy.unknown_specs if levels[spec[0]] is None)
        _offer(levels, by, unrated, "unknown", act, errors)
    risk, rev, aut = (FALLBACK_LEVELS[i] if level is None else level for i, level in enumerate(levels))
    return Rated(
        risk=risk,
        reversibility=REVERSIBILITIES[rev],
        autonomy=aut,
        rated_by={dim: tuple(by[i]) if by[i] else ("unknown",) for i, dim in enumerate(DIMENSIONS)},
        errors=errors,
        raises=raises,
    )


def _offer(
    levels: list[int | None],
    by: list[list[str]],
    specs: tuple[RatingSpec, ...],
    ident: str,
    act: Activation,
    errors: list[tuple[str, str]],
) -> None:
    """Keep the highest level of each dimension a rating gives, and who gave it."""
    for index, spec, is_expr in specs:
        level = level_of(index, value_of(spec, act)) if is_expr else spec
        if isinstance(level, str):
            errors.append((ident, level))
            continue
        current = levels[index]
        if current is None or level > current:
            levels[index] = level
            by[index] = [ident]
        elif level == current:
            by[index].append(ident)


def level_of(index: int, value: Any) -> int | str:
    """The level of a computed rating value (reversibility by its order), or an error message."""
    if isinstance(value, CelError):
        return str(value)
    if index == 1:
        if isinstance(value, str) and value in REVERSIBILITY_ORDER:
            return REVERSIBILITY_ORDER[value]
        return f"reversibility must be one of reversible, recoverable, irreversible, not `{value}`"
    name = DIMENSIONS[index]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{name} must be a number from 1 to 10, not {describe(value)}"
    if not math.isfinite(value) or value < 1:
        return f"{name} must be a number from 1 to 10, not `{value}`"
    return min(10, math.ceil(value))  # above 10 is 10; a fraction rounds up, never down


@dataclass(slots=True)
class Matches:
    """The rules and routes that matched or failed for one call."""

    rules: list[CompiledRule] = field(default_factory=list)
    shadow: list[CompiledRule] = field(default_factory=list)
    routes: list[CompiledRoute] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    shadow_errors: list[tuple[str, str]] = field(default_factory=list)


def match(policy: CompiledPolicy, cands: Candidates, act: Activation) -> Matches:
    """Match the candidate rules, every block route, and the routes up to the first that holds."""
    out = Matches()
    for rule in cands.rules:
        ok = _rule_holds(rule, act)
        if ok is True:
            (out.shadow if rule.shadow else out.rules).append(rule)
        elif ok is not False:
            (out.shadow_errors if rule.shadow else out.errors).append((rule.id, str(ok)))
    decided_by_route = False
    for route in policy.routes:
        if route.never or (decided_by_route and route.route.value != "block"):
            continue
        ok = True if route.condition is None else test(route.condition, act)
        if ok is True:
            if route.route.value == "block" or not decided_by_route:
                out.routes.append(route)
            decided_by_route = True
        elif ok is not False:
            out.errors.append((route.id, str(ok)))
    return out


def _rule_holds(rule: CompiledRule, act: Activation) -> bool | CelError:
    if rule.when is not None:
        ok = test(rule.when, act)
        if ok is not True:
            return ok
    return True if rule.condition is None else test(rule.condition, act)


def interpret(
    policy: CompiledPolicy,
    cands: Candidates,
    tool: str,
    args: Any,
    ctx: dict[str, Any],
    session: Session,
    parses: ParseCache | None = None,
) -> Outcome:
    """Decide one call by walking the candidates: rate, match, then the precedence table.

    The reference for the generated code of `codegen.py`, which must give the same outcome.
    """
    act = Activation(tool, args, ctx, session, cands.decl, parses)
    rated = rate(policy, cands, act)
    act.risk, act.reversibility, act.autonomy = rated.risk, rated.reversibility, rated.autonomy
    matches = match(policy, cands, act)
    verdict, reasons, errors, shadow = decide(policy, matches, rated.errors, act.lookup)
    # Facts are raised by calls that may go ahead (allow, and ask: the human may approve).
    raises = () if verdict is Route.BLOCK else (*rated.raises, *(f for r in matches.rules for f in r.raises))
    ratings = Ratings(rated.risk, rated.reversibility, rated.autonomy)
    return verdict, reasons, errors, shadow, ratings, rated.rated_by, tuple(raises)
