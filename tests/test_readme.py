"""Every example in the README runs: policies pass their tests, code runs, commands print what is shown."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

import remit
from remit.cli import main
from remit.resources import resolve_policy
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.S)


def blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCKS if lang == kind]


@pytest.fixture(autouse=True)
def in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("text", blocks("yaml"))
def test_yaml_examples_load_and_pass_their_tests(text: str) -> None:
    policy = remit.load_text(text, "README.md")
    results = remit.run_tests(policy)
    assert results and all(r.passed for r in results), [r.problems for r in results]


@pytest.mark.parametrize("code", blocks("python"))
def test_python_examples_run(code: str, tmp_path: Path) -> None:
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})


@pytest.mark.parametrize("text", blocks("console"))
def test_console_examples_print_what_they_show(text: str) -> None:
    lines = text.strip().splitlines()
    command = shlex.split(lines[0].removeprefix("$ "))
    assert command[0] == "remit"
    result = CliRunner().invoke(main, command[1:])
    shown = result.stdout + result.stderr
    for line in lines[1:]:
        assert line.strip() in shown, f"{line!r} not in:\n{shown}"


def test_quick_start_commands_run() -> None:
    commands: list[list[str]] = [[]]
    for token in shlex.split(blocks("sh")[0]):
        if token == "&&":
            commands.append([])
        else:
            commands[-1].append(token)
    remit_commands = [c[1:] for c in commands if c[0] == ".venv/bin/remit"]
    codes = [CliRunner().invoke(main, args).exit_code for args in remit_commands]
    assert codes == [0, 4]
    assert blocks("sh")[1].strip().endswith(".venv/bin/python -m pytest -n auto")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert blocks("sh")[1].strip() in ci
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_install_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (example,) = [b for b in blocks("sh") if "remit install" in b]
    command = shlex.split(example.split("#")[0])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    result = CliRunner().invoke(main, command[1:])
    assert result.exit_code == 0, result.stderr
    settings = (tmp_path / ".claude" / "settings.json").read_text().replace("'", "")
    assert "remit hook claude-code --policy" in settings


def test_mcp_client_config_runs_a_valid_proxy_command() -> None:
    """The `.mcp.json` example parses, and its arguments are what `remit mcp-proxy` accepts."""
    (text,) = blocks("json")
    for server in json.loads(text)["mcpServers"].values():
        assert server["command"] == "remit"
        name, *args = server["args"]
        command = main.commands[name]
        ctx = command.make_context(name, list(args))
        assert ctx.params["command"] == ("npx", "-y", "@modelcontextprotocol/server-github")
        remit.load_policy(resolve_policy(ctx.params["policy"]))
