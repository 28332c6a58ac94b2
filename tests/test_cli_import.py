"""`remit import` from the command line: stdout or a file, warnings on stderr, clean errors."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import remit
from remit.cli import main

SETTINGS = '{"permissions": {"allow": ["Bash(npm run test:*)", "Bash(python:*)"], "deny": ["Read(./.env)"]}}'
GEMINI = """
[[rule]]
toolName = "run_shell_command"
commandPrefix = "git status"
decision = "allow"
priority = 10
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_claude_settings_to_stdout_then_lint(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(SETTINGS)
    code, out, err = run("import", "claude-settings", str(settings))
    assert code == 0 and "warning:" in err and "python" in err
    policy = tmp_path / "imported.yaml"
    policy.write_text(out)
    guard = remit.Guard.from_path(policy)
    assert guard.check("Bash", {"command": "npm run test -- -x"}, {"cwd": str(tmp_path)}).decision == "allow"
    assert (
        guard.check("Read", {"file_path": str(tmp_path / ".env")}, {"cwd": str(tmp_path)}).decision == "block"
    )
    code, _, err = run("lint", str(policy))
    assert code == 0 and "lint.allow_defeats_block" in err and "python -c" in err


def test_import_gemini_policy_to_a_file(tmp_path: Path) -> None:
    source = tmp_path / "policy.toml"
    source.write_text(GEMINI)
    target = tmp_path / "gemini.yaml"
    code, out, _ = run("import", "gemini-policy", str(source), "-o", str(target))
    assert code == 0 and "wrote" in out
    assert remit.load_policy(target).name


def test_import_bad_input_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "settings.json"
    bad.write_text("{not json")
    code, out, err = run("import", "claude-settings", str(bad))
    assert code == 1 and out == "" and "not valid JSON" in err and "Traceback" not in err
