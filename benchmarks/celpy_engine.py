"""A peer row: the same policy run by cel-python's interpreter instead of remit's compiler.

The YAML is read directly; every condition, the autonomy expression and the routes are
compiled once with `celpy.Environment().compile(text)` and `.program(ast)`, indexed by tool
like remit does, and evaluated per call with `.evaluate(activation)`. The `shell` and `path`
facts come from remit's analyzers (computed once per call, only for tools whose conditions
read them) and are converted to cel-python values; `c.has_flag()`, `c.arg()` and
`shell.writes_outside()` are registered functions over the original objects. The
precedence is remit's: block > ask > allow, then the first route that holds.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import celpy
import yaml
from celpy import celtypes
from celpy.adapter import json_to_cel

from remit.analyzers.path import PathFacts, path_facts
from remit.analyzers.shell import Command, ShellFacts, shell_facts

from .engines import Engine

REVERSIBILITY = ("reversible", "recoverable", "irreversible")
CTX_DEFAULTS: dict[str, Any] = {
    "session_id": "", "turn_id": "", "agent_id": "", "user_id": "", "cwd": "",
    "permission_mode": "default", "steps_since_human": 0, "seconds_since_human": 0,
    "subagent_depth": 0, "user_session_count": 0, "environment": {}, "labels": {},
}  # fmt: skip
"""remit's context fields and their values when a call does not give them."""


class CommandValue(celtypes.MapType):
    """A shell command as a CEL map, keeping the analyzer's object for its methods."""

    def __init__(self, command: Command) -> None:
        super().__init__(
            {
                celtypes.StringType("program"): celtypes.StringType(command.program),
                celtypes.StringType("subcommand"): celtypes.StringType(command.subcommand),
                celtypes.StringType("args"): json_to_cel(command.args),
                celtypes.StringType("flags"): json_to_cel(command.flags),
            }
        )
        self.command = command


class ShellValue(celtypes.MapType):
    """Shell facts as a CEL map, keeping the analyzer's object for `writes_outside`."""

    def __init__(self, facts: ShellFacts) -> None:
        super().__init__(
            {
                celtypes.StringType("commands"): celtypes.ListType([CommandValue(c) for c in facts.commands]),
                **{
                    celtypes.StringType(k): celtypes.BoolType(getattr(facts, k))
                    for k in (
                        "unparsed",
                        "network",
                        "pipes_to_shell",
                        "installs_packages",
                        "privileged",
                        "destructive",
                    )
                },
            }
        )
        self.facts = facts


def _path_value(facts: PathFacts) -> Any:
    return json_to_cel(
        {
            "sensitive": facts.sensitive,
            "first_sensitive": facts.first_sensitive,
            "inside_workspace": facts.inside_workspace,
            "paths": facts.paths,
        }
    )


def _has_flag(c: CommandValue, name: Any) -> Any:
    return celtypes.BoolType(c.command.has_flag(str(name)))


def _arg(c: CommandValue, index: Any) -> Any:
    return celtypes.StringType(c.command.arg(int(index)))


def _writes_outside(s: ShellValue, directory: Any) -> Any:
    return celtypes.BoolType(s.facts.writes_outside(str(directory)))


def _min(*values: Any) -> Any:
    return min(values)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "has_flag": _has_flag,
    "arg": _arg,
    "writes_outside": _writes_outside,
    "min": _min,
}
"""remit's functions that standard CEL lacks, for cel-python."""


class Cel:
    """One compiled condition or expression."""

    def __init__(self, env: Any, text: str | bool | int) -> None:
        self.text = str(text).lower() if isinstance(text, bool) else str(text)
        self.program = env.program(env.compile(self.text), functions=FUNCTIONS)

    def value(self, activation: dict[str, Any]) -> Any:
        """The value, raising on a CEL error."""
        result = self.program.evaluate(activation)
        if isinstance(result, Exception):
            raise result
        return result

    def holds(self, activation: dict[str, Any]) -> bool:
        """The condition's truth; an error or a value that is not a bool raises."""
        result = self.value(activation)
        if not isinstance(result, celtypes.BoolType):
            raise TypeError(f"`{self.text}` gave {type(result).__name__}, not a bool")
        return bool(result)


@dataclass(frozen=True, slots=True)
class Rating:
    """A rating entry: its condition (None: always), risk and reversibility level."""

    tools: tuple[str, ...]
    when: Cel | None
    risk: int | None
    reversibility: int | None


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule: its tools, decision and condition (the `when` and the decision key, joined)."""

    tools: tuple[str, ...]
    route: str
    conditions: tuple[Cel, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """What applies to one tool, and which analyzer facts its conditions read."""

    ratings: tuple[Rating, ...]
    rules: tuple[Rule, ...]
    shell: bool
    path: bool


def _route_key(item: Mapping[str, Any]) -> str:
    return next(k for k in ("block", "ask", "allow") if k in item)


class CelPyPolicy:
    """The policy compiled for cel-python's interpreter, indexed by tool on first use."""

    def __init__(self, path: Path) -> None:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        env = celpy.Environment()
        self.ratings = [self._rating(env, r) for r in doc.get("ratings", [])]
        self.rules = [self._rule(env, r) for r in doc.get("rules", [])]
        self.routes = [(_route_key(r), Cel(env, r[_route_key(r)])) for r in doc.get("routes", [])]
        self.autonomy = Cel(env, doc["autonomy"]) if "autonomy" in doc else None
        unknown = doc.get("unknown", {})
        self.unknown_risk = int(unknown.get("risk", 5))
        self.unknown_reversibility = REVERSIBILITY.index(unknown.get("reversibility", "recoverable"))
        self.default = doc.get("defaults", {}).get("decision", "ask")
        self.index: dict[str, Entry] = {}

    @staticmethod
    def _rating(env: Any, r: Mapping[str, Any]) -> Rating:
        rev = r.get("reversibility")
        return Rating(
            tools=tuple(r.get("tools", ["*"])),
            when=Cel(env, r["when"]) if "when" in r else None,
            risk=r.get("risk"),
            reversibility=REVERSIBILITY.index(rev) if rev is not None else None,
        )

    @staticmethod
    def _rule(env: Any, r: Mapping[str, Any]) -> Rule:
        route = _route_key(r)
        texts = [r["when"]] if "when" in r else []
        return Rule(tuple(r.get("tools", ["*"])), route, tuple(Cel(env, t) for t in [*texts, r[route]]))

    def entry(self, tool: str) -> Entry:
        """The ratings and rules of `tool`, in declaration order (cached)."""
        found = self.index.get(tool)
        if found is None:
            ratings = tuple(r for r in self.ratings if _matches(r.tools, tool))
            rules = tuple(r for r in self.rules if _matches(r.tools, tool))
            texts = [r.when.text for r in ratings if r.when] + [c.text for r in rules for c in r.conditions]
            texts += [c.text for _, c in self.routes] + ([self.autonomy.text] if self.autonomy else [])
            found = self.index[tool] = Entry(
                ratings, rules, any("shell." in t for t in texts), any("path." in t for t in texts)
            )
        return found


def _matches(patterns: tuple[str, ...], tool: str) -> bool:
    return any(p == tool or fnmatch.fnmatchcase(tool, p) for p in patterns)


class CelPyEngine:
    """Decides calls with `CelPyPolicy`: "allow", "ask" or "block"; errors block."""

    def __init__(self, path: Path) -> None:
        self.policy = CelPyPolicy(path)

    def decide(self, tool: str, args: dict[str, Any], ctx: Mapping[str, Any] | None = None) -> str:
        """The decision on one call."""
        entry = self.policy.entry(tool)
        try:
            return self._decide(entry, self._activation(entry, tool, args, ctx or {}))
        except Exception:  # fail closed, like remit's `on_error: block`
            return "block"

    @staticmethod
    def _activation(entry: Entry, tool: str, args: dict[str, Any], ctx: Mapping[str, Any]) -> dict[str, Any]:
        full = {**CTX_DEFAULTS, **ctx}
        act: dict[str, Any] = {
            "tool": celtypes.StringType(tool),
            "args": json_to_cel(args),
            "ctx": json_to_cel(full),
        }
        if entry.shell or entry.path:
            cwd = full["cwd"] if isinstance(full["cwd"], str) and full["cwd"] else None
            shell = shell_facts(tool, args, cwd)
            act["shell"] = ShellValue(shell)
            if entry.path:
                act["path"] = _path_value(path_facts(tool, args, cwd, shell))
        return act

    def _decide(self, entry: Entry, act: dict[str, Any]) -> str:
        policy = self.policy
        risk, rev = self._rate(entry, act)
        autonomy = int(policy.autonomy.value(act)) if policy.autonomy is not None else 5
        act["risk"] = celtypes.IntType(risk)
        act["reversibility"] = celtypes.StringType(REVERSIBILITY[rev])
        act["autonomy"] = celtypes.IntType(max(1, min(10, autonomy)))
        matched = {r.route for r in entry.rules if all(c.holds(act) for c in r.conditions)}
        for route in ("block", "ask", "allow"):
            if route in matched:
                return route
        chosen = None
        for route, condition in policy.routes:  # the first that holds; a block route always
            if (chosen is None or route == "block") and condition.holds(act):
                if route == "block":
                    return route
                chosen = route
        return chosen or str(policy.default)

    def _rate(self, entry: Entry, act: dict[str, Any]) -> tuple[int, int]:
        risk = rev = -1
        for r in entry.ratings:
            if r.when is not None and not r.when.holds(act):
                continue
            if r.risk is not None:
                risk = max(risk, r.risk)
            if r.reversibility is not None:
                rev = max(rev, r.reversibility)
        policy = self.policy
        return (policy.unknown_risk if risk < 0 else risk), (policy.unknown_reversibility if rev < 0 else rev)


def celpy_engine(path: Path) -> Engine:
    """cel-python's interpreter on the policy at `path`."""
    return Engine(
        name="cel-python interpreter",
        policy=path.stem,
        description="cel-python 0.5 `program.evaluate` per condition, indexed by tool, remit's analyzers",
        run=CelPyEngine(path).decide,
        verdict=str,
        max_rounds=5,  # milliseconds per call: 5 rounds already give stable medians
    )
