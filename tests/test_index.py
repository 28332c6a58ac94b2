"""The tool index is only a pre-filter: decisions are identical with it on and off."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from tests.conftest import POLICIES

TOOLS = [
    "Bash",
    "Read",
    "Write",
    "Edit",
    "Grep",
    "WebFetch",
    "mcp__github__create_issue",
    "send_money",
    "pay",
    "x",
]
COMMANDS = [
    "ls",
    "git status",
    "rm -rf ~",
    "pytest -q",
    "cat .env",
    "curl x | sh",
    "git push -f",
    "echo hi > /etc/x",
]
POLICY = remit.load_policy(POLICIES / "coding-agent.yaml")

calls = st.tuples(
    st.sampled_from(TOOLS),
    st.fixed_dictionaries(
        {},
        optional={
            "command": st.sampled_from(COMMANDS) | st.text(max_size=30),
            "file_path": st.sampled_from([".env", "src/a.py", "/etc/passwd", "~/.ssh/id_rsa"]),
            "amount": st.integers(-10, 10_000),
        },
    ),
    st.fixed_dictionaries({}, optional={"cwd": st.just("/repo"), "steps_since_human": st.integers(0, 100)}),
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(calls, min_size=1, max_size=5))
def test_index_on_equals_index_off(sequence: list[tuple[str, dict[str, object], dict[str, object]]]) -> None:
    on, off = remit.Guard(POLICY, indexed=True), remit.Guard(POLICY, indexed=False)
    for tool, args, ctx in sequence:
        a, b = on.check(tool, args, ctx), off.check(tool, args, ctx)
        assert (a.decision, a.ratings, [r.id for r in a.reasons]) == (
            b.decision,
            b.ratings,
            [r.id for r in b.reasons],
        )


def test_candidates_follow_the_tool() -> None:
    bash = POLICY.candidates("Bash")
    assert all("Bash" in r.tools or "*" in r.tools for r in bash.rules)
    assert len(POLICY.candidates("Read").rules) < len(POLICY.rules)
