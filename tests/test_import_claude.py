"""`remit import claude-settings`: the imported policy decides as Claude Code documents."""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit.importers import ImportFailed, import_claude_settings
from remit.importers.claude import LISTS
from remit.lint import lint_policy

DATA = Path(__file__).parent / "data" / "imports"
CASES = yaml.safe_load((DATA / "claude_cases.yaml").read_text(encoding="utf-8"))["cases"]


@functools.cache
def _policy(permissions: str) -> remit.CompiledPolicy:
    result = import_claude_settings(json.dumps({"permissions": json.loads(permissions)}))
    return remit.load_text(result.yaml)


def _settings(permissions: dict[str, Any]) -> str:
    return json.dumps({"permissions": permissions})


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_documented_behaviour(case: dict[str, Any]) -> None:
    policy = _policy(json.dumps(case["permissions"], sort_keys=True))
    call = case["call"]
    ctx = {"cwd": "/repo", **call.get("ctx", {})}
    decision = remit.Guard(policy).check(call["tool"], call["args"], ctx)
    assert decision.decision.value == case["expect"], decision.explain()


def test_there_are_at_least_forty_documented_cases() -> None:
    assert len(CASES) >= 40


def test_rule_ids_come_from_the_source() -> None:
    result = import_claude_settings(_settings({"allow": ["Bash(npm run test:*)"], "deny": ["Read(./.env)"]}))
    assert "id: claude-deny-1-read-env" in result.yaml
    assert "id: claude-allow-1-bash-npm-run-test" in result.yaml
    assert "# permissions.allow[0]: Bash(npm run test:*)" in result.yaml


def test_the_generated_policy_loads_and_its_tests_pass() -> None:
    result = import_claude_settings(
        _settings({"allow": ["Bash(npm *)", "Edit(src/**)"], "ask": ["Bash(git push *)"]})
    )
    policy = remit.load_text(result.yaml)
    results = remit.run_tests(policy)
    assert len(results) >= 3
    assert all(r.passed for r in results), [r.problems for r in results if not r.passed]


@pytest.mark.parametrize(
    ("rule", "example"),
    [
        ("Bash(python:*)", "python -c"),
        ("Bash(python3:*)", "python -c"),
        ("Bash(node:*)", "node -e"),
        ("Bash(xargs:*)", "xargs rm -rf"),
        ("Bash(bash:*)", 'bash -c "rm -rf ~"'),
        ("Bash(sh:*)", 'sh -c "rm -rf ~"'),
        ("Bash(find:*)", "find ~"),
        ("Bash(env:*)", "env rm -rf ~"),
        ("Bash(sudo:*)", "sudo rm -rf /"),
        ("Bash(eval:*)", "eval"),
        ("Bash(npx:*)", "npx"),
        ("Bash", "rm -rf ~"),
        ("Bash(uv run:*)", "uv run rm -rf ~"),
        ("Bash(rm:*)", "rm -r ~"),
    ],
)
def test_dangerous_allows_warn_with_an_example(rule: str, example: str) -> None:
    result = import_claude_settings(_settings({"allow": [rule]}))
    assert len(result.warnings) == 1
    assert rule in result.warnings[0] and example in result.warnings[0]
    assert "# warning: lets `" in result.yaml


@pytest.mark.parametrize(
    "rule", ["Bash(npm run test:*)", "Bash(python -m pytest tests/)", "Bash(git diff *)"]
)
def test_ordinary_allows_do_not_warn(rule: str) -> None:
    assert import_claude_settings(_settings({"allow": [rule]})).warnings == []


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("Bash(curl:* | sh:*)", "shell operator"),
        ("Bash(fi)", "fragment"),
        ("Write(docs/**)", "Edit("),
        ("WebFetch(https://example.com)", "domain:"),
        ("*", "anchored"),
        ("PowerShell(Get-ChildItem *)", "PowerShell"),
        ("Glob(src/**)", "no specifier syntax"),
        ("not a rule)", "not a permission rule"),
    ],
)
def test_untranslated_rules_are_reported_not_dropped(rule: str, reason: str) -> None:
    result = import_claude_settings(_settings({"allow": [rule]}))
    assert [u.source for u in result.untranslated] == [rule]
    assert reason in result.untranslated[0].reason
    assert rule in result.yaml  # listed in the policy's header


def test_a_write_deny_is_kept_and_warned_about() -> None:
    result = import_claude_settings(_settings({"deny": ["Write(.env)"]}))
    assert result.untranslated == []
    assert "Edit(.env)" in result.warnings[0]
    guard = remit.Guard(remit.load_text(result.yaml))
    assert guard.check("Edit", {"file_path": "/repo/.env"}, {"cwd": "/repo"}).decision.value == "block"


def test_project_root_paths_that_look_absolute_warn() -> None:
    result = import_claude_settings(_settings({"allow": ["Read(/tmp/**)"]}))
    assert "relative to the project root" in result.warnings[0]


def test_unknown_and_auto_modes_are_reported() -> None:
    assert (
        import_claude_settings(_settings({"defaultMode": "yolo"})).untranslated[0].source
        == "defaultMode: yolo"
    )
    assert "classifier" in import_claude_settings(_settings({"defaultMode": "auto"})).untranslated[0].reason


def test_settings_without_permissions_import_to_the_builtins() -> None:
    result = import_claude_settings('{"model": "opus"}')
    policy = remit.load_text(result.yaml)
    assert remit.Guard(policy).check("Bash", {"command": "npm i"}, {"cwd": "/repo"}).decision.value == "ask"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"permissions": {"allow": [}', "x.json:1:28: not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"permissions": []}', "`permissions` must be an object"),
        ('{"permissions": {"allow": "Bash"}}', "`permissions.allow` must be a list"),
        ('{"permissions": {"deny": [3]}}', "`permissions.deny[0]` must be a string"),
    ],
)
def test_invalid_settings_fail_with_one_line(text: str, message: str) -> None:
    with pytest.raises(ImportFailed) as info:
        import_claude_settings(text, file="x.json")
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, remit.RemitError)


def test_the_imported_policy_lints_without_unknown_fields() -> None:
    result = import_claude_settings(
        _settings({"allow": ["Bash(npm *)", "Read(src/**)", "WebFetch(domain:a.com)"]})
    )
    codes = {d.code for d in lint_policy(remit.load_text(result.yaml))}
    assert "lint.unknown_field" not in codes and "lint.test_failed" not in codes


def test_the_public_api_is_pinned() -> None:
    import remit.importers

    assert remit.importers.__all__ == [
        "ImportFailed",
        "ImportResult",
        "Untranslated",
        "import_claude_settings",
        "import_gemini_policy",
    ]


PATTERNS = ["npm *", "npm test", "git push:*", "git *", "rm *", "make", "ls*", "* install x", "git * main"]
SIMPLE = ["git status", "git push origin main", "npm test", "npm install x", "rm -rf build", "ls -la",
          "make", "timeout 5 npm test", "cat README.md"]  # fmt: skip
READ_ONLY = ("git status", "ls -la", "cat README.md")


def _reference_match(pattern: str, command: str) -> bool:
    """Claude Code's documented matching, written independently of the importer."""
    if pattern.endswith(":*"):
        pattern = pattern[:-2] + " *"
    if pattern.endswith(" *") and pattern.count("*") == 1:
        prefix = pattern[:-2]
        return command == prefix or command.startswith(prefix + " ")
    return fnmatch.fnmatchcase(command, pattern)


def _reference(perms: dict[str, list[str]], command: str) -> str:
    parts = [p.strip().removeprefix("timeout 5 ") for p in re.split(r"&&|\|\||;|\|", command)]

    def hit(kind: str, part: str) -> bool:
        return any(_reference_match(p[5:-1], part) for p in perms.get(kind, []))

    if any(hit("deny", p) for p in parts):
        return "block"
    if any(hit("ask", p) for p in parts):
        return "ask"
    return "allow" if all(hit("allow", p) or p in READ_ONLY for p in parts) else "ask"


@settings(max_examples=50, deadline=None)
@given(
    st.fixed_dictionaries(
        {k: st.lists(st.sampled_from([f"Bash({p})" for p in PATTERNS]), max_size=3) for k in LISTS}
    ),
    st.lists(st.sampled_from(SIMPLE), min_size=1, max_size=3),
    st.sampled_from([" && ", " | ", "; "]),
)
def test_bash_rules_agree_with_a_reference_matcher(
    perms: dict[str, list[str]], parts: list[str], joiner: str
) -> None:
    command = joiner.join(parts)
    policy = _policy(json.dumps(perms, sort_keys=True))
    got = remit.Guard(policy).check("Bash", {"command": command}, {"cwd": "/repo"}).decision.value
    assert got == _reference(perms, command)
