"""Write translated rules as a remit policy in YAML, with comments and generated tests.

The tests come from the rules themselves: each rule's example call must get that rule's
decision, unless a rule that takes precedence in the source (a stricter one for Claude
Code, a higher priority for Gemini CLI) also matches the example.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import PolicyError
from ..guard import Guard
from ..load import load_text
from ._model import ImportFailed, RuleOut, Sample

Precedes = Callable[[RuleOut, RuleOut], bool]
"""True if the first rule takes precedence over the second in the source's semantics."""


@dataclass(frozen=True)
class PolicyText:
    """What goes at the top of a generated policy."""

    name: str
    description: str
    header: tuple[str, ...]
    defaults: dict[str, str]
    tools: dict[str, dict[str, str]] = field(default_factory=dict)
    """Tool declarations (Gemini CLI's lowercase names, so lint knows they are meant)."""


def dump(value: Any) -> str:
    """A value as one line of YAML (JSON is a subset of YAML's flow style)."""
    return json.dumps(value, ensure_ascii=False)


def write_policy(meta: PolicyText, rules: Sequence[RuleOut], precedes: Precedes, file: str) -> str:
    """The complete policy: header, defaults, rules, and one test per rule with an example."""
    draft = _render(meta, rules, [])
    tests = _tests(draft, rules, precedes, file)
    return _render(meta, rules, tests)


def _render(meta: PolicyText, rules: Sequence[RuleOut], tests: list[dict[str, Any]]) -> str:
    lines = [f"# {_one_line(h)}" if h else "#" for h in meta.header]
    lines += [
        "remit: 1",
        f"name: {dump(meta.name)}",
        f"description: {dump(meta.description)}",
        f"defaults: {dump(meta.defaults)}",
        *([f"tools: {dump(meta.tools)}"] if meta.tools else []),
        "rules:" if rules else "rules: []",
    ]
    for rule in rules:
        lines += _rule_lines(rule)
    lines.append("tests:" if tests else "tests: []")
    lines += [f"  - {dump(t)}" for t in tests]
    return "\n".join(lines) + "\n"


def _rule_lines(rule: RuleOut) -> list[str]:
    out = [f"  # {_one_line(c)}" for c in rule.comments]
    out.append(f"  - id: {rule.id}")
    out.append(f"    tools: {dump(list(rule.tools))}")
    out.append(f"    {rule.decision}: {dump(rule.when) if rule.when else 'true'}")
    if rule.reason:
        out.append(f"    reason: {dump(rule.reason)}")
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tests(draft: str, rules: Sequence[RuleOut], precedes: Precedes, file: str) -> list[dict[str, Any]]:
    try:
        policy = load_text(draft, file + " (imported)")
    except PolicyError as exc:  # a bug in an importer, reported without a traceback
        raise ImportFailed(f"the translated policy does not load: {exc}") from exc
    by_id = {r.id: r for r in rules}
    guard = Guard(policy)
    tests = []
    for rule in rules:
        if rule.sample is not None:
            s = rule.sample
            decision = guard.check(s.tool, dict(s.args), dict(s.ctx))
            deciders = [by_id[r.id] for r in decision.reasons if r.id in by_id]
            if _expected(rule, decision.decision.value, deciders, precedes):
                tests.append(_test(rule, s))
    return tests


def _expected(rule: RuleOut, decided: str, deciders: list[RuleOut], precedes: Precedes) -> bool:
    """False when a rule that wins in the source also matches the example (no test then)."""
    if decided == rule.decision and rule in deciders:
        return True
    return not (deciders and all(precedes(d, rule) for d in deciders if d is not rule))


def _test(rule: RuleOut, sample: Sample) -> dict[str, Any]:
    call: dict[str, Any] = {"tool": sample.tool, "args": sample.args}
    if sample.ctx:
        call["ctx"] = sample.ctx
    expect = {"decision": rule.decision, "rule": rule.id}
    return {"name": f"{rule.id} decides its own example", "call": call, "expect": expect}
