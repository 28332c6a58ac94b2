"""Compile validated policy models into a frozen `CompiledPolicy`.

The stages, in order: resolve tool declarations, compile every CEL condition and
rating expression (collecting diagnostics), parse reason templates, check ids, build
the tool index. Nothing on the per-call path parses or converts anything afterwards.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from .celexpr import CompiledExpr
from .decision import Reason
from .diagnostics import Diagnostic, Span
from .errors import PolicyError
from .redact_policy import NO_REDACTION, CompiledRedaction, compile_redaction
from .template import Template, parse_template
from .vocab import DefaultRoutes, Deferred, Route, ToolInfo

if TYPE_CHECKING:
    from .analyzers.shell import ParseCache
    from .evaluate import Outcome
    from .model import Policy, PolicyTest, UnknownRating
    from .session import Session
    from .source import Path, Source

CALL_NAMES = frozenset({"tool", "args", "ctx", "session", "shell", "path", "http", "sql", "name"})
"""What the autonomy expression and rating conditions may read."""
RATED_NAMES = CALL_NAMES | {"risk", "reversibility", "autonomy"}
"""What rules and routes may read: the call, and its ratings."""

DIMENSIONS = ("risk", "reversibility", "autonomy")
REVERSIBILITY_LEVELS = ("reversible", "recoverable", "irreversible")

RatingSpec = tuple[int, Any, bool]
"""(dimension index, level or CompiledExpr, True if it is an expression)."""


def rating_specs(risk: Any, reversibility: Any, autonomy: Any) -> tuple[RatingSpec, ...]:
    """What a rating gives, per dimension: fixed values turned into levels once, here."""
    specs: list[RatingSpec] = []
    for index, value in enumerate((risk, reversibility, autonomy)):
        if value is None:
            continue
        if isinstance(value, CompiledExpr):
            specs.append((index, value, True))
        elif index == 1:
            specs.append((index, REVERSIBILITY_LEVELS.index(str(value)), False))
        else:
            specs.append((index, min(10, max(1, int(value))), False))
    return tuple(specs)


@dataclass(frozen=True, slots=True)
class CompiledRating:
    """A rating rule, ready to run."""

    id: str
    tools: tuple[str, ...]
    when: CompiledExpr | None
    never: bool
    risk: int | CompiledExpr | None
    reversibility: str | CompiledExpr | None
    autonomy: int | CompiledExpr | None
    raises: tuple[str, ...]
    span: Span
    specs: tuple[RatingSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """An explicit decision rule, ready to run."""

    id: str
    route: Route
    tools: tuple[str, ...]
    when: CompiledExpr | None
    condition: CompiledExpr | None
    never: bool
    reason: Template | None
    shadow: bool
    raises: tuple[str, ...]
    span: Span
    fixed: Reason | None = field(init=False, repr=False, compare=False)
    """Its part in a decision when its message reads nothing of the call (made once), else None."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fixed", fixed_reason(self.id, "rule", self.route, self.reason))


@dataclass(frozen=True, slots=True)
class CompiledRoute:
    """A threshold route, ready to run."""

    id: str
    route: Route
    condition: CompiledExpr | None
    never: bool
    reason: Template | None
    span: Span
    fixed: Reason | None = field(init=False, repr=False, compare=False)
    """Its part in a decision when its message reads nothing of the call (made once), else None."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fixed", fixed_reason(self.id, "route", self.route, self.reason))


def fixed_message(template: Template | None) -> str | None:
    """The message of a template that reads nothing (the same for every call), else None."""
    if template is None:
        return ""
    if all(isinstance(part, str) for part in template.parts):
        return "".join(part for part in template.parts if isinstance(part, str))
    return None


def fixed_reason(ident: str, kind: str, route: Route, template: Template | None) -> Reason | None:
    """The reason of a rule or route whose message is fixed (see `fixed_message`), else None."""
    message = fixed_message(template)
    return None if message is None else Reason(ident, kind, route, message)


@dataclass(frozen=True, slots=True)
class Candidates:
    """The ratings and rules that can apply to one tool, in declaration order.

    The tool's declared baseline, if any, comes first among the ratings (id `tool:NAME`).
    """

    ratings: tuple[CompiledRating, ...]
    rules: tuple[CompiledRule, ...]
    decl: ToolInfo | None


class Origin(NamedTuple):
    """What a policy was compiled from: each file's validated model and its source, root first."""

    models: tuple[Policy, ...]
    sources: tuple[Source, ...]


Decider = Callable[[str, dict[str, Any], dict[str, Any], "Session", "ParseCache | None"], "Outcome"]
"""Decides one call of a tool: `decider(tool, args, ctx, session, parses)` (see `codegen.py`)."""


class Deciders:
    """A policy's deciders, made on use (`codegen.py`); a copy or a pickle starts empty."""

    __slots__ = ("by_set", "by_tool", "uses")

    def __init__(self) -> None:
        self.by_tool: dict[str, Decider] = {}
        self.by_set: dict[tuple[Any, ...], Decider] = {}
        self.uses: dict[str, int] = {}

    def __reduce__(self) -> tuple[type[Deciders], tuple[()]]:
        return Deciders, ()


@dataclass(frozen=True)
class CompiledPolicy:
    """Everything a decision needs, frozen. Build it with `load.load_policy`."""

    name: str
    version: str
    description: str | None
    sha256: str
    mode: str
    defaults: DefaultRoutes
    unknown_specs: tuple[RatingSpec, ...]
    tools: dict[str, ToolInfo]
    aliases: dict[str, str]
    autonomy: int | CompiledExpr | None
    ratings: tuple[CompiledRating, ...]
    rules: tuple[CompiledRule, ...]
    routes: tuple[CompiledRoute, ...]
    test_spans: tuple[Span, ...]
    files: tuple[str, ...]
    origin: Deferred[Origin]
    """What it was compiled from (see `models` and `sources`), which a decision never reads."""
    redaction: CompiledRedaction = NO_REDACTION
    """What the log must not hold beyond the built-in secrets (`redaction:`, includes merged)."""
    _cache: dict[str, Candidates] = field(default_factory=dict, repr=False, compare=False)
    _deciders: Deciders = field(default_factory=Deciders, init=False, repr=False, compare=False)

    @property
    def models(self) -> tuple[Policy, ...]:
        """The validated model of each file, root first; read from a cache entry when first asked."""
        return self.origin.get().models

    @property
    def sources(self) -> tuple[Source, ...]:
        """Each file as read (text, data, positions), root first; from a cache entry when first asked."""
        return self.origin.get().sources

    @property
    def tests(self) -> tuple[PolicyTest, ...]:
        """The policy's tests: the root's, then each include's (`test_spans` has their places)."""
        return tuple(t for model in self.models for t in model.tests)

    @property
    def unknown(self) -> UnknownRating:
        """The root's `unknown:` as written (`unknown_specs` is what a decision uses)."""
        return self.models[0].unknown

    def canonical(self, tool: str) -> str:
        """The declared name of `tool` (through aliases), or `tool` itself."""
        return self.aliases.get(tool, tool)

    def candidates(self, tool: str, *, indexed: bool = True) -> Candidates:
        """The ratings and rules whose tool patterns match `tool`, in declaration order."""
        if not indexed:
            return self._match(tool)
        found = self._cache.get(tool)
        if found is None:
            found = self._match(tool)
            if len(self._cache) < 4096:  # bound the memory a stream of odd tool names can take
                self._cache[tool] = found
        return found

    def decider(self, tool: str) -> Decider:
        """The function that decides calls of `tool` (generated Python once the tool is in use)."""
        found = self._deciders.by_tool.get(tool)
        if found is None:
            from .codegen import decider_for  # codegen builds on evaluate, which imports this module

            found = decider_for(self, tool)
        return found

    @property
    def generated(self) -> Mapping[str, Decider]:
        """The deciders made so far, by tool name (`decider` adds to it; read it, never write it)."""
        return self._deciders.by_tool

    def _match(self, tool: str) -> Candidates:
        names = (tool, self.canonical(tool))
        decl = self.tools.get(names[1])
        ratings = tuple(r for r in self.ratings if not r.never and tools_match(r.tools, names))
        if decl is not None:
            ratings = (*_baseline(names[1], decl), *ratings)
        return Candidates(
            ratings=ratings,
            rules=tuple(r for r in self.rules if not r.never and tools_match(r.tools, names)),
            decl=decl,
        )


def _baseline(name: str, decl: ToolInfo) -> tuple[CompiledRating, ...]:
    """A tool declaration's baseline ratings, as a rating that always matches that tool."""
    rev = decl.reversibility.value if decl.reversibility is not None else None
    specs = rating_specs(decl.risk, rev, decl.autonomy)
    if not specs:
        return ()
    span = Span("<tools>", 1, 1)
    ident = f"tool:{name}"
    return (CompiledRating(ident, (name,), None, False, decl.risk, rev, decl.autonomy, (), span, specs),)


def tools_match(patterns: Sequence[str], names: Sequence[str]) -> bool:
    """True if any pattern (exact name or glob) matches any of the names."""
    for pattern in patterns:
        if pattern == "*":
            return True
        is_glob = any(ch in pattern for ch in "*?[")
        for name in names:
            if pattern == name or (is_glob and fnmatch.fnmatchcase(name, pattern)):
                return True
    return False


@dataclass
class Unit:
    """One policy file: its validated model and its source (for positions)."""

    policy: Policy
    source: Source
    prefix: str = ""


class _Compiler:
    """Collects diagnostics while compiling the units of one policy (root first)."""

    def __init__(self, root_file: str) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.ids: dict[str, list[Span]] = {}
        self.root_file = root_file

    def expr(self, unit: Unit, value: Any, path: Path, names: frozenset[str]) -> CompiledExpr | None:
        from .celc import compile_expr  # a policy loaded from the cache runs without the compiler

        try:
            return compile_expr(str(value), names=names, span=unit.source.span(path))
        except PolicyError as exc:
            self.diagnostics.extend(_explain_rating_names(d, names) for d in exc.diagnostics)
            return None

    def condition(
        self, unit: Unit, value: bool | str, path: Path, names: frozenset[str]
    ) -> tuple[CompiledExpr | None, bool]:
        """(compiled condition or None for "always", never-true flag)."""
        if value is True:
            return None, False
        if value is False:
            return None, True
        compiled = self.expr(unit, value, path, names)
        if compiled is not None and compiled.constant is True:
            return None, False
        if compiled is not None and compiled.constant is False:
            return None, True
        return compiled, False

    def new_id(self, unit: Unit, given: str | None, fallback: str, path: Path) -> str:
        ident = given or fallback
        self.ids.setdefault(ident, []).append(unit.source.span((*path, "id")))
        return ident

    def check_ids(self) -> None:
        """Every use of an id after its first (in file order) is a duplicate."""
        for ident, spans in self.ids.items():
            first, *later = sorted(spans, key=lambda s: (s.file != self.root_file, s.file, s.line, s.column))
            for span in later:
                self.diagnostics.append(
                    Diagnostic(
                        "schema.duplicate_id",
                        f"id `{ident}` is already used",
                        span,
                        hint=f"first used at {first}; ids must be unique across a policy and its includes",
                    )
                )

    def rating_value(self, unit: Unit, value: Any, path: Path) -> Any:
        if value is None or isinstance(value, int):
            return value
        if hasattr(value, "value"):  # an enum member
            return value.value
        return self.expr(unit, value, path, CALL_NAMES)


def _explain_rating_names(d: Diagnostic, names: frozenset[str]) -> Diagnostic:
    """Say why a rating condition cannot read `risk`: the ratings are what it computes."""
    ratings = RATED_NAMES - CALL_NAMES
    if d.code == "cel.undeclared_identifier" and names == CALL_NAMES:
        for name in ratings:
            if f"`{name}`" in d.message:
                hint = f"`{name}` is known only after rating: use it in rules and routes, not in ratings"
                return replace(d, hint=hint)
    return d


def compile_units(units: Sequence[Unit]) -> CompiledPolicy:
    """Compile a root policy and its includes (root first) into one frozen policy.

    Merge order: ratings and rules of the includes come first (in include order), then
    the root's; routes of the root come first, then those of the includes; tools and
    tests are unioned; name, version, mode, defaults, unknown and autonomy are the root's
    (autonomy falls back to the first include that sets it); redaction patterns apply the
    root's first, and dropped fields are unioned (an include can only add to redaction).
    """
    root = units[0]
    c = _Compiler(root.source.file)
    ordered = [*units[1:], root]
    ratings = [_rating(c, u, i, r) for u in ordered for i, r in enumerate(u.policy.ratings)]
    rules = [_rule(c, u, i, r) for u in ordered for i, r in enumerate(u.policy.rules)]
    routes = [_route(c, u, i, r) for u in units for i, r in enumerate(u.policy.routes)]
    tools, aliases = _tools(units)
    autonomy = _autonomy(c, units)
    redaction, problems = compile_redaction([(u.policy.redaction, u.source) for u in units])
    c.diagnostics += problems
    unknown = _unknown(c, root)
    c.check_ids()
    if c.diagnostics:
        raise PolicyError(c.diagnostics)
    digest = hashlib.sha256()
    for u in units:
        digest.update(u.source.text.encode())
    return CompiledPolicy(
        name=root.policy.name,
        version=root.policy.version,
        description=root.policy.description,
        sha256=digest.hexdigest(),
        mode=root.policy.mode,
        defaults=DefaultRoutes(**dict(root.policy.defaults)),
        unknown_specs=unknown,
        tools=tools,
        aliases=aliases,
        autonomy=autonomy,
        ratings=tuple(ratings),
        rules=tuple(rules),
        routes=tuple(routes),
        test_spans=tuple(u.source.span(("tests", i)) for u in units for i in range(len(u.policy.tests))),
        files=tuple(u.source.file for u in units),
        origin=Deferred(Origin(tuple(u.policy for u in units), tuple(u.source for u in units))),
        redaction=redaction,
    )


def _rating(c: _Compiler, unit: Unit, i: int, r: Any) -> CompiledRating:
    path: Path = ("ratings", i)
    when, never = c.condition(unit, r.when, (*path, "when"), CALL_NAMES)
    risk = c.rating_value(unit, r.risk, (*path, "risk"))
    reversibility = c.rating_value(unit, r.reversibility, (*path, "reversibility"))
    autonomy = c.rating_value(unit, r.autonomy, (*path, "autonomy"))
    return CompiledRating(
        id=c.new_id(unit, r.id, _auto_id(unit, "rating", i), path),
        tools=tuple(r.tools),
        when=when,
        never=never,
        risk=risk,
        reversibility=reversibility,
        autonomy=autonomy,
        raises=tuple(r.raises),
        span=unit.source.span(path),
        specs=rating_specs(risk, reversibility, autonomy),
    )


def _rule(c: _Compiler, unit: Unit, i: int, r: Any) -> CompiledRule:
    path: Path = ("rules", i)
    when, never_when = c.condition(unit, r.when, (*path, "when"), RATED_NAMES)
    cond, never_cond = c.condition(unit, r.condition, (*path, r.route.value), RATED_NAMES)
    return CompiledRule(
        id=c.new_id(unit, r.id, _auto_id(unit, "rule", i), path),
        route=r.route,
        tools=tuple(r.tools),
        when=when,
        condition=cond,
        never=never_when or never_cond,
        reason=_template(c, unit, r.reason, (*path, "reason")),
        shadow=r.mode == "shadow",
        raises=tuple(r.raises),
        span=unit.source.span(path),
    )


def _route(c: _Compiler, unit: Unit, i: int, r: Any) -> CompiledRoute:
    path: Path = ("routes", i)
    cond, never = c.condition(unit, r.condition, (*path, r.route.value), RATED_NAMES)
    return CompiledRoute(
        id=c.new_id(unit, r.id, _auto_id(unit, "route", i), path),
        route=r.route,
        condition=cond,
        never=never,
        reason=_template(c, unit, r.reason, (*path, "reason")),
        span=unit.source.span(path),
    )


def _auto_id(unit: Unit, kind: str, i: int) -> str:
    """The id of an unnamed rule: `rule#3` (1-based), after the file's stem for includes."""
    return f"{unit.prefix}{kind}#{i + 1}"


def _template(c: _Compiler, unit: Unit, text: str | None, path: Path) -> Template | None:
    if text is None:
        return None
    template = parse_template(text)
    unknown = template.roots - RATED_NAMES
    for name in sorted(unknown):
        c.diagnostics.append(
            Diagnostic(
                "schema.unknown_placeholder",
                f"the reason cites `{{{name}}}`, which a decision does not have",
                unit.source.span(path),
                hint="placeholders can cite " + ", ".join(f"`{n}`" for n in sorted(RATED_NAMES)),
            )
        )
    return template


def _tools(units: Sequence[Unit]) -> tuple[dict[str, ToolInfo], dict[str, str]]:
    tools: dict[str, ToolInfo] = {}
    aliases: dict[str, str] = {}
    for unit in units:  # the root first: its declarations win
        for name, decl in unit.policy.tools.items():
            if name not in tools:
                tools[name] = ToolInfo(**{**dict(decl), "aliases": tuple(decl.aliases), "name": name})
            for alias in decl.aliases:
                aliases.setdefault(alias, name)
    for alias, name in aliases.items():  # an alias of an alias is one of the tool it ends at
        seen = {alias}
        while name in aliases and name not in seen:
            seen.add(name)
            name = aliases[name]
        aliases[alias] = name
    return tools, aliases


def _unknown(c: _Compiler, root: Unit) -> tuple[RatingSpec, ...]:
    """The `unknown` rating, one spec per dimension (CEL allowed: `name.risk`)."""
    u = root.policy.unknown
    values = [c.rating_value(root, getattr(u, dim), ("unknown", dim)) for dim in DIMENSIONS]
    if any(v is None for v in values):  # a CEL error was reported: compilation fails
        return ()
    return rating_specs(*values)


FALLBACK_RATINGS = (5, "recoverable", 5)
"""The ratings of a call that could not be rated at all (before any rule ran)."""
FALLBACK_LEVELS = (FALLBACK_RATINGS[0], REVERSIBILITY_LEVELS.index(FALLBACK_RATINGS[1]), FALLBACK_RATINGS[2])
"""The same, as levels: for a dimension whose `unknown` rating failed to evaluate."""


def _autonomy(c: _Compiler, units: Sequence[Unit]) -> int | CompiledExpr | None:
    for unit in units:
        value = unit.policy.autonomy
        if value is None:
            continue
        if isinstance(value, int):
            return value
        return c.expr(unit, value, ("autonomy",), CALL_NAMES)
    return None
