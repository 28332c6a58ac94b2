"""`remit install` / `uninstall` for Claude Code and Codex: add the hook, keep everything else."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from remit.install import (
    InstallError,
    hook_command,
    install,
    is_remit_hook,
    settings_path,
    uninstall,
)

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "tests" / "data" / "hooks"
POLICY = HOOKS / "policy.yaml"
SETTINGS_CORPUS = ROOT.parent / "shared" / "corpora" / "claude-settings"


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    """A project directory and a home directory."""
    (tmp_path / "repo").mkdir()
    (tmp_path / "home").mkdir()
    return tmp_path / "repo", tmp_path / "home"


def remit_entries(settings: dict[str, Any], agent: str = "claude-code") -> list[dict[str, Any]]:
    """remit's handlers in a settings object, with the matcher of their group."""
    return [
        {"matcher": group.get("matcher"), **handler}
        for group in settings.get("hooks", {}).get("PreToolUse", [])
        for handler in group.get("hooks", [])
        if is_remit_hook(handler.get("command"), agent)
    ]


def load(path: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return value


def ordered(value: Any) -> str:
    """JSON text that compares key order too."""
    return json.dumps(value, ensure_ascii=False)


def test_fresh_project(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    assert path == cwd / ".claude" / "settings.json"
    command = f"remit hook claude-code --policy {POLICY.resolve()} || exit 2"
    expected = {
        "hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": command}]}]}
    }
    assert load(path) == expected
    assert path.read_text().startswith('{\n  "hooks": {\n    "PreToolUse": [')
    assert path.read_text().endswith("}\n")


def test_existing_settings_are_kept(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = cwd / ".claude" / "settings.json"
    path.parent.mkdir()
    shutil.copy(HOOKS / "settings-existing.json", path)
    before = load(path)
    install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    after = load(path)
    groups = after["hooks"]["PreToolUse"]
    assert groups[0] == before["hooks"]["PreToolUse"][0]  # the user's own hook, untouched
    assert len(groups) == 2 and len(remit_entries(after)) == 1
    assert list(after) == list(before) and list(after["hooks"]) == list(before["hooks"])
    rest = {k: v for k, v in after.items() if k != "hooks"}
    assert ordered(rest) == ordered({k: v for k, v in before.items() if k != "hooks"})
    assert after["hooks"]["PostToolUse"] == before["hooks"]["PostToolUse"]
    assert "grüß dich" in path.read_text(encoding="utf-8")


def test_install_twice_adds_one_entry(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    first = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    assert path.read_bytes() == first and path.stat().st_mtime_ns == mtime  # not even rewritten
    assert len(remit_entries(load(path))) == 1


def test_reinstall_with_another_policy_updates_in_place(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    path = install("claude-code", "project", policy="coding-agent", cwd=cwd, home=home, log="remit.jsonl")
    entries = remit_entries(load(path))
    assert len(entries) == 1
    assert entries[0]["command"] == (
        f"remit hook claude-code --policy coding-agent --log {cwd.resolve()}/remit.jsonl || exit 2"
    )


def test_uninstall_removes_only_remit(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = cwd / ".claude" / "settings.json"
    path.parent.mkdir()
    shutil.copy(HOOKS / "settings-existing.json", path)
    original = load(path)
    install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    assert uninstall("claude-code", "project", cwd=cwd, home=home) is True
    assert ordered(load(path)) == ordered(original)
    unchanged = path.read_bytes()
    assert uninstall("claude-code", "project", cwd=cwd, home=home) is False
    assert path.read_bytes() == unchanged


def test_uninstall_after_a_fresh_install_leaves_an_empty_object(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    assert uninstall("claude-code", "project", cwd=cwd, home=home)
    assert load(path) == {}


def test_uninstall_keeps_other_handlers_of_the_group(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    settings = load(path)
    settings["hooks"]["PreToolUse"][0]["hooks"].append({"type": "command", "command": "audit.sh"})
    path.write_text(json.dumps(settings))
    uninstall("claude-code", "project", cwd=cwd, home=home)
    assert load(path)["hooks"]["PreToolUse"] == [
        {"matcher": "*", "hooks": [{"type": "command", "command": "audit.sh"}]}
    ]


def test_uninstall_without_a_file(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    assert uninstall("claude-code", "project", cwd=cwd, home=home) is False
    assert not (cwd / ".claude").exists()


@pytest.mark.parametrize(
    "content",
    [
        (HOOKS / "settings-malformed.json").read_text(),
        "[1, 2]",
        '{"hooks": []}',
        '{"hooks": {"PreToolUse": {}}}',
    ],
)
def test_a_file_of_another_shape_is_left_untouched(dirs: tuple[Path, Path], content: str) -> None:
    cwd, home = dirs
    path = cwd / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text(content)
    with pytest.raises(InstallError, match="left untouched"):
        install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    with pytest.raises(InstallError, match="left untouched"):
        uninstall("claude-code", "project", cwd=cwd, home=home)
    assert path.read_text() == content
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temporary file left


def test_malformed_file_error_says_where(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = cwd / ".claude" / "settings.json"
    path.parent.mkdir()
    shutil.copy(HOOKS / "settings-malformed.json", path)
    # the trailing comma (Python 3.13 names it) or the place after it, where a name was expected
    with pytest.raises(InstallError, match=r"is not valid JSON \(.* at line 2, column (40|41)\)"):
        install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)


def test_an_empty_file_is_an_empty_object(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = cwd / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text("\n")
    install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    assert len(remit_entries(load(path))) == 1


def test_the_file_mode_is_kept(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = cwd / ".claude" / "settings.local.json"
    path.parent.mkdir()
    path.write_text("{}")
    path.chmod(0o600)
    install("claude-code", "local", policy=str(POLICY), cwd=cwd, home=home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("agent", "scope", "where"),
    [
        ("claude-code", "project", "repo/.claude/settings.json"),
        ("claude-code", "local", "repo/.claude/settings.local.json"),
        ("claude-code", "user", "home/.claude/settings.json"),
        ("codex", "project", "repo/.codex/hooks.json"),
        ("codex", "user", "home/.codex/hooks.json"),
    ],
)
def test_scopes(dirs: tuple[Path, Path], agent: str, scope: str, where: str) -> None:
    cwd, home = dirs
    assert settings_path(agent, scope, cwd=cwd, home=home) == cwd.parent / where


@pytest.mark.parametrize(
    ("agent", "scope"), [("claude-code", "global"), ("codex", "local"), ("cursor", "user")]
)
def test_unknown_scope_or_agent(dirs: tuple[Path, Path], agent: str, scope: str) -> None:
    cwd, home = dirs
    with pytest.raises(InstallError, match="unknown"):
        settings_path(agent, scope, cwd=cwd, home=home)


def test_codex_pair(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = install("codex", "user", policy=str(POLICY), cwd=cwd, home=home)
    assert path == home / ".codex" / "hooks.json"
    install("claude-code", "user", policy=str(POLICY), cwd=cwd, home=home)
    entries = remit_entries(load(path), "codex")
    assert [e["command"] for e in entries] == [f"remit hook codex --policy {POLICY.resolve()} || exit 2"]
    assert entries[0]["matcher"] == "*" and entries[0]["type"] == "command"
    assert not remit_entries(load(path), "claude-code")  # each agent's entry is told apart
    assert uninstall("codex", "user", cwd=cwd, home=home)
    assert load(path) == {}
    assert len(remit_entries(load(home / ".claude" / "settings.json"))) == 1


def test_policy_paths(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    (cwd / "my policy.yaml").write_text(POLICY.read_text())
    path = install(
        "claude-code", "project", policy="my policy.yaml", cwd=cwd, home=home, executable="/opt/bin/remit"
    )
    command = remit_entries(load(path))[0]["command"]
    assert command == (
        f"/opt/bin/remit hook claude-code --policy '{(cwd / 'my policy.yaml').resolve()}' || exit 2"
    )
    with pytest.raises(InstallError, match=r"no policy `missing\.yaml`"):
        install("claude-code", "project", policy="missing.yaml", cwd=cwd, home=home)


@pytest.mark.parametrize(
    ("command", "agent", "mine"),
    [
        ("remit hook claude-code --policy p.yaml", "claude-code", True),
        ("/home/u/.local/bin/remit hook claude-code --policy '/a b/p.yaml'", "claude-code", True),
        ("remit hook codex --policy p.yaml", "claude-code", False),
        ("remit check p.yaml", "claude-code", False),
        ("my-remit hook claude-code", "claude-code", False),
        ("echo 'unbalanced", "claude-code", False),
        (None, "claude-code", False),
    ],
)
def test_is_remit_hook(command: Any, agent: str, mine: bool) -> None:
    assert is_remit_hook(command, agent) is mine


def test_hook_command_quotes() -> None:
    assert hook_command("codex", "/a b/p.yaml") == "remit hook codex --policy '/a b/p.yaml' || exit 2"


def corpus_settings() -> list[Path]:
    if not SETTINGS_CORPUS.is_dir():
        return []
    found = []
    for path in sorted(SETTINGS_CORPUS.rglob("*.json")):
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(value, dict) and ("hooks" in value or "permissions" in value):
            found.append(path)
    return found


@pytest.mark.skipif(not SETTINGS_CORPUS.is_dir(), reason=f"corpora not found at {SETTINGS_CORPUS}")
@pytest.mark.parametrize("source", corpus_settings(), ids=lambda p: p.name)
def test_real_settings_round_trip(dirs: tuple[Path, Path], source: Path) -> None:
    """Real users' settings: install adds one entry and changes nothing else; uninstall restores them."""
    cwd, home = dirs
    path = cwd / ".claude" / "settings.json"
    path.parent.mkdir()
    shutil.copy(source, path)
    original = load(path)
    install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home)
    installed = load(path)
    assert len(remit_entries(installed)) == 1
    assert ordered({k: v for k, v in installed.items() if k != "hooks"}) == ordered(
        {k: v for k, v in original.items() if k != "hooks"}
    )
    assert uninstall("claude-code", "project", cwd=cwd, home=home)
    assert ordered(load(path)) == ordered(original)


def test_a_hook_that_cannot_start_blocks(tmp_path: Path) -> None:
    """remit missing from the PATH exits 127, which the agents would ignore: `|| exit 2` blocks."""
    command = hook_command("claude-code", str(POLICY), executable=str(tmp_path / "no-such-remit"))
    result = subprocess.run(["bash", "-c", command], input=b"{}", capture_output=True, check=False)
    assert result.returncode == 2 and b"no-such-remit" in result.stderr
    fake = tmp_path / "remit"
    fake.write_text("#!/bin/sh\necho '{\"hookSpecificOutput\": {}}'\n")
    fake.chmod(0o755)
    ok = subprocess.run(
        ["bash", "-c", hook_command("codex", "p", executable=str(fake))], capture_output=True, check=False
    )
    assert ok.returncode == 0 and ok.stdout.startswith(b'{"hookSpecificOutput"')


# -- the turn events, registered with a decision log ---------------------------------------


def remit_events(settings: dict[str, Any], agent: str = "claude-code") -> dict[str, list[dict[str, Any]]]:
    """Per event, remit's handlers with the matcher of their group (absent: no matcher)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for event, groups in settings.get("hooks", {}).items():
        for group in groups:
            for handler in group.get("hooks", []):
                if is_remit_hook(handler.get("command"), agent):
                    entry = {**handler, **({"matcher": group["matcher"]} if "matcher" in group else {})}
                    out.setdefault(event, []).append(entry)
    return out


def test_with_a_log_the_turn_events_are_registered(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home, log="remit.jsonl")
    events = remit_events(load(path))
    assert list(events) == ["PreToolUse", "UserPromptSubmit", "Stop", "PostToolUse", "PostToolUseFailure"]
    base = f"remit hook claude-code --policy {POLICY.resolve()} --log {cwd.resolve()}/remit.jsonl"
    assert events["PreToolUse"] == [{"type": "command", "command": base + " || exit 2", "matcher": "*"}]
    for event in ("UserPromptSubmit", "Stop"):  # no matcher for these, and never `|| exit 2`
        assert events[event] == [{"type": "command", "command": base}]
    for event in ("PostToolUse", "PostToolUseFailure"):
        assert events[event] == [{"type": "command", "command": base, "matcher": "*"}]


def test_without_a_log_no_turn_event_is_registered(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home, log="remit.jsonl")
    install(
        "claude-code", "project", policy=str(POLICY), cwd=cwd, home=home
    )  # reinstalled without: taken out
    assert list(remit_events(load(path))) == ["PreToolUse"]
    assert list(load(path)["hooks"]) == ["PreToolUse"]


def test_codex_gets_the_events_it_has(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = install("codex", "project", policy=str(POLICY), cwd=cwd, home=home, log="remit.jsonl")
    assert list(remit_events(load(path), "codex")) == [
        "PreToolUse",
        "UserPromptSubmit",
        "Stop",
        "PostToolUse",
    ]
    assert uninstall("codex", "project", cwd=cwd, home=home) and load(path) == {}


def test_events_install_once_and_uninstall_to_the_original(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = cwd / ".claude" / "settings.json"
    path.parent.mkdir()
    shutil.copy(HOOKS / "settings-existing.json", path)
    original = load(path)
    install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home, log="remit.jsonl")
    first = path.read_bytes()
    install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home, log="remit.jsonl")
    assert path.read_bytes() == first
    installed = load(path)
    assert installed["hooks"]["PostToolUse"][0] == original["hooks"]["PostToolUse"][0]  # the user's own
    assert all(len(handlers) == 1 for handlers in remit_events(installed).values())
    assert uninstall("claude-code", "project", cwd=cwd, home=home)
    assert ordered(load(path)) == ordered(original)


def test_event_lists_remit_does_not_touch_are_kept(dirs: tuple[Path, Path]) -> None:
    cwd, home = dirs
    path = cwd / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"hooks": {"Notification": [], "SubagentStop": {"odd": "shape"}}}))
    install("claude-code", "project", policy=str(POLICY), cwd=cwd, home=home, log="remit.jsonl")
    assert uninstall("claude-code", "project", cwd=cwd, home=home)
    assert load(path) == {"hooks": {"Notification": [], "SubagentStop": {"odd": "shape"}}}


def test_an_event_hook_that_cannot_start_does_not_block(tmp_path: Path) -> None:
    """Exit code 2 from a prompt or stop hook would block the prompt or keep the agent going."""
    command = hook_command("claude-code", "p", executable=str(tmp_path / "no-such-remit"), decides=False)
    assert "exit 2" not in command
    result = subprocess.run(["bash", "-c", command], input=b"{}", capture_output=True, check=False)
    assert result.returncode == 127
