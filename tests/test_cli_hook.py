"""`remit hook`, `remit install` and `remit uninstall` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from remit.cli import main


def event(command: str, cwd: str) -> str:
    return json.dumps(
        {
            "session_id": "s-cli",
            "transcript_path": "",
            "cwd": cwd,
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command},
            "tool_use_id": "toolu_1",
        }
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_hook_answers_claude_code(home: Path) -> None:
    runner = CliRunner()
    deny = runner.invoke(
        main, ["hook", "claude-code", "--policy", "coding-agent"], input=event("rm -rf ~", str(home))
    )
    answer = json.loads(deny.stdout)["hookSpecificOutput"]
    assert (
        deny.exit_code == 0 and answer["permissionDecision"] == "deny" and answer["permissionDecisionReason"]
    )
    allow = runner.invoke(
        main, ["hook", "claude-code", "--policy", "coding-agent"], input=event("git status", str(home))
    )
    assert json.loads(allow.stdout)["hookSpecificOutput"]["permissionDecision"] == "allow"


def test_hook_denies_garbage(home: Path) -> None:
    result = CliRunner().invoke(main, ["hook", "claude-code", "--policy", "coding-agent"], input="{not json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


@pytest.mark.parametrize(
    ("options", "why"),
    [
        (["--log", "."], "cannot open the decision log"),  # a folder
        (["--log", "d.jsonl", "--log-durability", "bogus"], "the log durability must be"),
        (["--log-durability", "fsync"], "--log-durability needs --log"),
    ],
)
def test_a_bad_log_option_is_answered_in_each_events_terms(home: Path, options: list[str], why: str) -> None:
    """Never a usage error's exit code 2: it would erase the user's prompt, or keep the agent from
    stopping. A tool call is denied; a turn event remit records is a hook error (exit 1)."""
    argv = ["hook", "claude-code", "--policy", "coding-agent", *options]
    call = CliRunner().invoke(main, argv, input=event("ls", str(home)))
    answer = json.loads(call.stdout)["hookSpecificOutput"]
    assert (
        call.exit_code == 0
        and answer["permissionDecision"] == "deny"
        and why in answer["permissionDecisionReason"]
    )
    prompt = {"hook_event_name": "UserPromptSubmit", "session_id": "s", "prompt": "hi"}
    result = CliRunner().invoke(main, argv, input=json.dumps(prompt))
    assert result.exit_code in (0, 1) and result.stdout == ""
    assert result.exit_code == 0 or why in result.stderr  # (without a log, a prompt is not recorded)


@pytest.mark.parametrize(
    ("argv", "why"),
    [
        (["hook", "claude-code"], "no policy given"),
        (["hook", "claude-code", "--daemon"], "no policy given"),
        (["hook", "--policy", "coding-agent"], "no agent given"),
        (["hook", "cursor", "--policy", "coding-agent"], "unknown agent `cursor`"),
    ],
)
def test_a_missing_policy_or_agent_is_answered_in_each_events_terms(
    home: Path, argv: list[str], why: str
) -> None:
    """As a bad log option: a tool call is denied with the reason, and a turn event is never
    blocked (a usage error's exit code 2 would erase the prompt, or keep the agent going)."""
    call = CliRunner().invoke(main, argv, input=event("ls", str(home)))
    answer = json.loads(call.stdout)["hookSpecificOutput"]
    assert call.exit_code == 0 and answer["permissionDecision"] == "deny", call.stdout
    assert why in answer["permissionDecisionReason"]
    for turn in ({"hook_event_name": "UserPromptSubmit", "prompt": "hi"}, {"hook_event_name": "Stop"}):
        result = CliRunner().invoke(main, argv, input=json.dumps({**turn, "session_id": "s"}))
        assert result.exit_code in (0, 1) and result.stdout == "", (turn, result.stdout)


def test_install_keeps_other_settings_and_uninstall_removes_only_its_hook(home: Path) -> None:
    settings = home / ".claude" / "settings.json"
    settings.parent.mkdir()
    other = {"matcher": "Bash", "hooks": [{"type": "command", "command": "echo other"}]}
    original = {"permissions": {"allow": ["Bash(ls)"]}, "hooks": {"PreToolUse": [other]}}
    settings.write_text(json.dumps(original))
    runner = CliRunner()
    assert runner.invoke(main, ["install", "claude-code"]).exit_code == 0
    assert runner.invoke(main, ["install", "claude-code"]).exit_code == 0  # idempotent
    installed = json.loads(settings.read_text())
    commands = [h["command"] for g in installed["hooks"]["PreToolUse"] for h in g["hooks"]]
    assert installed["permissions"] == original["permissions"] and "echo other" in commands
    assert sum(" hook claude-code --policy " in c for c in commands) == 1
    result = runner.invoke(main, ["uninstall", "claude-code"])
    assert result.exit_code == 0 and "removed" in result.stdout
    assert json.loads(settings.read_text()) == original


def test_install_refuses_a_broken_policy(home: Path) -> None:
    bad = home / "bad.yaml"
    bad.write_text("name: [")
    result = CliRunner().invoke(main, ["install", "claude-code", "--policy", str(bad)])
    assert result.exit_code == 1 and not (home / ".claude" / "settings.json").exists()
