"""What the tests of the shipped policies ask of one call: each policy's decision on it, and the
facts the shell and path analyzers read from it."""

from __future__ import annotations

import functools
from typing import Any

import remit
from remit.analyzers import PathFacts, path_facts, shell_facts
from tests.conftest import POLICIES

SHIPPED = ("coding-agent", "strict", "ci")
"""The shipped policies for coding agents; each blocks a secret's read (`path.sensitive`)."""


@functools.cache
def shipped_policy(name: str, form: str = "yaml") -> remit.CompiledPolicy:
    """`policies/<name>.<form>` compiled (`yaml` or the DSL's `remit`), once for the run:
    compiling is what costs."""
    return remit.load_policy(POLICIES / f"{name}.{form}")


def shipped_guard(name: str, form: str = "yaml") -> remit.Guard:
    """A new guard of the shipped policy `name`: its session remembers no earlier call, so a rule
    that reads the session decides a call as the first of its session, whatever test ran before."""
    return remit.Guard(shipped_policy(name, form), path=POLICIES / f"{name}.{form}")


def context(cwd: str | None, home: str | None = None) -> dict[str, str]:
    """The ctx of a call made in `cwd` for a user whose home is `home`; what is not given is not sent."""
    ctx = {"cwd": cwd} if cwd else {}
    if home:
        ctx["home"] = home
    return ctx


def decide(
    policy: str, tool: str, args: dict[str, Any], cwd: str | None, home: str | None = None, form: str = "yaml"
) -> str:
    """What the shipped `policy` (in its `form`) decides on one call: "allow", "ask" or "block"."""
    return shipped_guard(policy, form).check(tool, args, context(cwd, home)).decision.value


def shipped_decisions(tool: str, args: dict[str, Any], cwd: str | None, home: str | None = None) -> list[str]:
    """What each of the `SHIPPED` policies decides on one call, in their order."""
    return [decide(name, tool, args, cwd, home) for name in SHIPPED]


def decide_bash(policy: str, command: str, cwd: str | None, home: str | None = None) -> str:
    """What the shipped `policy` decides on a Bash call of `command`."""
    return decide(policy, "Bash", bash(command), cwd, home)


def bash(command: str) -> dict[str, Any]:
    """The arguments of a Bash call."""
    return {"command": command}


def shell_error(command: str, cwd: str) -> str:
    """Why the shell analyzer leaves `command` unparsed, or ""."""
    return shell_facts("Bash", bash(command), cwd).error


def shell_argvs(command: str, cwd: str) -> list[list[str]]:
    """The argv of each command the shell analyzer reads in `command`."""
    return [c.argv for c in shell_facts("Bash", bash(command), cwd).commands]


def path_of(tool: str, args: dict[str, Any], cwd: str | None) -> PathFacts:
    """The path analyzer's facts on a call, with the shell facts it reads for a command."""
    return path_facts(tool, args, cwd, shell_facts(tool, args, cwd))
