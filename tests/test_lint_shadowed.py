"""`lint.shadowed_rule`: a rule an earlier rule of the same decision always takes over.

The check files earlier rules by decision, conditions and tool, so that a policy of thousands of
rules is linted without comparing every pair; it must name the same rules, and the same earlier
rule for each, as comparing every pair does.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.compile import CompiledPolicy, CompiledRule
from remit.lint import lint_policy
from remit.load import load_text


def _policy(rules: list[dict[str, Any]]) -> CompiledPolicy:
    doc = {"remit": 1, "name": "shadows", "defaults": {"decision": "ask"}, "rules": rules}
    return load_text(yaml.safe_dump(doc, sort_keys=False), "shadows.yaml")


def _shadowed(policy: CompiledPolicy) -> list[str]:
    return [d.message for d in lint_policy(policy) if d.code == "lint.shadowed_rule"]


def _covers(a: CompiledRule, b: CompiledRule) -> bool:
    if not ("*" in a.tools or set(b.tools) <= set(a.tools)):
        return False
    if a.when is None and a.condition is None:
        return True
    texts = lambda r: (r.when and r.when.text, r.condition and r.condition.text)  # noqa: E731
    return texts(a) == texts(b)


def _every_pair(policy: CompiledPolicy) -> list[str]:
    """The check as its definition says it: each rule against every rule before it."""
    active = [r for r in policy.rules if not r.shadow and not r.never]
    out = []
    for i, later in enumerate(active):
        for earlier in active[:i]:
            if earlier.route is later.route and _covers(earlier, later):
                out.append(
                    f"rule `{later.id}` never changes a decision:"
                    f" `{earlier.id}` already {earlier.route.value}s every call it matches"
                )
                break
    return out


def test_a_rule_after_an_unconditional_one_of_its_tools_is_shadowed() -> None:
    policy = _policy(
        [
            {"id": "reads", "tools": ["Read", "Grep"], "allow": True},
            {"id": "read-env", "tools": ["Read"], "allow": 'args.file_path.endsWith(".env")'},
            {"id": "ask-read", "tools": ["Read"], "ask": True},
        ]
    )
    assert _shadowed(policy) == [
        "rule `read-env` never changes a decision: `reads` already allows every call it matches"
    ]


def test_the_same_condition_shadows_and_a_different_one_does_not() -> None:
    when = 'args.command.startsWith("sudo ")'
    policy = _policy(
        [
            {"id": "sudo", "tools": ["*"], "block": when},
            {"id": "sudo-bash", "tools": ["Bash"], "block": when},
            {"id": "rm", "tools": ["Bash"], "block": 'args.command.startsWith("rm ")'},
        ]
    )
    assert _shadowed(policy) == [
        "rule `sudo-bash` never changes a decision: `sudo` already blocks every call it matches"
    ]


def test_the_first_covering_rule_is_named() -> None:
    policy = _policy(
        [
            {"id": "bash-when", "tools": ["Bash"], "ask": "ctx.steps_since_human > 3"},
            {"id": "everything", "tools": ["*"], "ask": True},
            {"id": "bash", "tools": ["Bash"], "ask": True},
            {"id": "bash-when-again", "tools": ["Bash"], "ask": "ctx.steps_since_human > 3"},
        ]
    )
    assert _shadowed(policy) == [
        "rule `bash` never changes a decision: `everything` already asks every call it matches",
        "rule `bash-when-again` never changes a decision: `bash-when` already asks every call it matches",
    ]


TOOLS = ["Bash", "Read", "Write", "mcp__x__y", "*"]
CONDITIONS = [None, "ctx.steps_since_human > 3", 'tool == "Read"', "risk >= 5"]
ROUTES = ["allow", "ask", "block"]

rules = st.lists(
    st.tuples(
        st.lists(st.sampled_from(TOOLS), min_size=1, max_size=3),
        st.sampled_from(ROUTES),
        st.sampled_from(CONDITIONS),
        st.booleans(),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(rules)
def test_the_filed_check_names_what_every_pair_names(drawn: list[Any]) -> None:
    entries = []
    for i, (tools, route, condition, shadow) in enumerate(drawn):
        entry: dict[str, Any] = {"id": f"r{i}", "tools": tools, route: condition or True}
        if shadow:
            entry["mode"] = "shadow"
        entries.append(entry)
    policy = _policy(entries)
    assert _shadowed(policy) == _every_pair(policy)
