"""The evasion suite: shell commands that try to slip a dangerous action past a naive rule.

`tests/data/evasion.yaml` lists each command, the trick it plays (`why`) and the least strict
decision the shipped `coding-agent` policy may give it (`min`). An entry with `tool:
write_stdin` is keys typed into a running shell (Codex): the command is the call's `chars`.
`strict` and `ci` must be at least as strict as `coding-agent` on every command. An entry
with `xfail` names what the analyzers cannot see yet; it is expected to fail until they do.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import remit
from tests.conftest import DATA, POLICIES

SEVERITY = {"allow": 0, "ask": 1, "block": 2}
CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "evasion.yaml").read_text())
GUARDS = {name: remit.Guard.from_path(POLICIES / f"{name}.yaml") for name in ("coding-agent", "strict", "ci")}


def call_of(case: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The tool call of an entry: a `Bash` command, or the keys `write_stdin` types."""
    if case.get("tool") == "write_stdin":
        return "write_stdin", {"session_id": 1, "chars": case["command"]}
    return "Bash", {"command": case["command"]}


def _decide(policy: str, index: int, case: dict[str, Any]) -> remit.Decision:
    ctx = {"cwd": case.get("cwd", "/repo"), "session_id": f"evasion-{index}"}
    return GUARDS[policy].check(*call_of(case), ctx)


def _params(*, with_xfail: bool) -> list[Any]:
    out = []
    for index, case in enumerate(CASES):
        xfail = case.get("xfail") if with_xfail else None
        marks = [pytest.mark.xfail(reason=xfail, strict=False)] if xfail else []
        label = ascii(case["command"])[1:61] if case.get("tool") else case["command"][:60]
        out.append(pytest.param(index, case, id=f"{index:03d}: {label}", marks=marks))
    return out


@pytest.mark.parametrize(("index", "case"), _params(with_xfail=True))
def test_coding_agent_gives_at_least_min(index: int, case: dict[str, Any]) -> None:
    decision = _decide("coding-agent", index, case)
    assert SEVERITY[decision.decision.value] >= SEVERITY[case["min"]], f"{case['why']}\n{decision.explain()}"


@pytest.mark.parametrize(("index", "case"), _params(with_xfail=False))
def test_strict_and_ci_are_at_least_as_strict(index: int, case: dict[str, Any]) -> None:
    baseline = SEVERITY[_decide("coding-agent", index, case).decision.value]
    for policy in ("strict", "ci"):
        decision = _decide(policy, index, case)
        assert SEVERITY[decision.decision.value] >= baseline, f"{policy}: {case['why']}\n{decision.explain()}"


def test_the_suite_is_large_and_well_formed() -> None:
    assert len(CASES) >= 100
    for case in CASES:
        assert set(case) <= {"command", "why", "min", "cwd", "xfail", "tool"}, case
        assert case.get("tool", "write_stdin") == "write_stdin", case
        assert isinstance(case["command"], str) and case["command"].strip(), case
        assert isinstance(case["why"], str) and case["why"].strip(), case
        assert case["min"] in ("ask", "block"), case
    commands = [(c.get("tool"), c["command"]) for c in CASES]
    assert len(commands) == len(set(commands)), "duplicate commands"


TRICKS = (
    "&&", ";", "||", "\n", " & ", "$(", "`", "bash -c", "sh -c", "zsh -c", "eval", "xargs", "-exec",
    "-delete", "env ", "sudo", "timeout", "nice", "command ", "exec ", "{ ", "(", "r''m", '"rm"', "\\rm",
    "IFS", "/bin/rm", "unlink", "shred", "rmdir", "git clean", "python -c", "perl -e", "node -e", "| sh",
    "| bash", "base64", "dd ", "mkfs", "chmod -R 777 /", "push --force", "reset --hard", "~/.bashrc",
    "<<", "cat .env", "id_rsa", "@.env",
)  # fmt: skip
"""Every trick the issue names appears in at least one command."""


def test_the_suite_covers_the_tricks() -> None:
    text = "\n".join(c["command"] for c in CASES)
    assert [t for t in TRICKS if t not in text] == []


NEIGHBOURS = (
    "hyperfine 'sleep 1'",
    "hyperfine -L a status,log 'git {a}'",
    "parallel echo ::: a b",
    "tmux new -d 'npm run dev'",
    "tmux ls",
    "unshare -r id",
    "export FOO=1; ls",
    "yarn exec tsc",
    "git diff | bash -c 'cat'",
)
"""Commands next to evasions of the runners that coding-agent still allows."""


@pytest.mark.parametrize("command", NEIGHBOURS)
def test_the_neighbours_of_runner_evasions_stay_allowed(command: str) -> None:
    decision = GUARDS["coding-agent"].check("Bash", {"command": command}, {"cwd": "/repo"})
    assert decision.decision.value == "allow", decision.explain()
