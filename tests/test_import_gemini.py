"""`remit import gemini-policy`: the imported policy decides as Gemini CLI documents."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit.importers import ImportFailed, import_gemini_policy

DATA = Path(__file__).parent / "data" / "imports"
CASES = yaml.safe_load((DATA / "gemini_cases.yaml").read_text(encoding="utf-8"))["cases"]


@functools.cache
def _policy(text: str) -> remit.CompiledPolicy:
    return remit.load_text(import_gemini_policy(text).yaml)


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_documented_behaviour(case: dict[str, Any]) -> None:
    call = case["call"]
    ctx = {"cwd": "/repo", **call.get("ctx", {})}
    decision = remit.Guard(_policy(case["policy"])).check(call["tool"], call["args"], ctx)
    assert decision.decision.value == case["expect"], decision.explain()


def test_a_lower_deny_is_narrowed_by_a_higher_allow() -> None:
    text = CASES[0]["policy"]
    result = import_gemini_policy(text)
    assert "narrowed by higher-priority rule(s) 2" in result.yaml
    assert remit.run_tests(remit.load_text(result.yaml))


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ('commandRegex = "git (?=push)"', "not RE2-compatible"),
        ('argsPattern = ".*secret.*"', "JSON text"),
        ("toolAnnotations = { readOnlyHint = true }", "toolAnnotations"),
        ("interactive = false", "headless"),
        ('commandPrefix = [["git", "log"]]', "token lists"),
    ],
)
def test_untranslated_rules_are_reported(rule: str, reason: str) -> None:
    text = f'[[rule]]\ntoolName = "run_shell_command"\n{rule}\ndecision = "allow"\npriority = 5\n'
    result = import_gemini_policy(text)
    assert len(result.untranslated) == 1 and reason in result.untranslated[0].reason
    assert "rules: []" in result.yaml


def test_other_tables_are_reported() -> None:
    result = import_gemini_policy('[[safety_checker]]\ntoolName = "*"\n[modes.plan]\nnetwork = false\n')
    assert [u.source for u in result.untranslated] == ["[modes]", "[safety_checker]"]


def test_dangerous_prefixes_warn() -> None:
    result = import_gemini_policy('[[rule]]\ncommandPrefix = ["ls", "env", "xargs"]\ndecision = "allow"\n')
    assert "env rm -rf ~" in result.warnings[0] and "xargs rm -rf" in result.warnings[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[rule]\n", "x.toml:1:7: not valid TOML"),
        ('rule = "x"\n', "`rule` must be an array of tables"),
        ('[[rule]]\ntoolName = "a"\n', "rule 1: `decision` must be"),
        ('[[rule]]\ndecision = "allow"\npriority = "high"\n', "rule 1: `priority` must be a number"),
        ('[[rule]]\ndecision = "allow"\npriority = 1e400\n', "`priority` must be a finite number, not inf"),
        ('[[rule]]\ndecision = "allow"\npriority = nan\n', "`priority` must be a finite number, not nan"),
        ("[[rule]]\ndecision = 'allow'\npriority = 1" + "0" * 400 + "\n", "a finite number, not 10000000000"),
    ],
)
def test_invalid_policies_fail_with_one_line(text: str, message: str) -> None:
    with pytest.raises(ImportFailed) as info:
        import_gemini_policy(text, file="x.toml")
    assert message in str(info.value) and "\n" not in str(info.value)


TOOLS = ["read_file", "write_file", "run_shell_command", "*"]
PREFIXES = [None, "git", "git push", "npm"]
COMMANDS = ["git status", "git push origin main", "npm test", "ls -la", "gitk"]
GEMINI_RULE = st.fixed_dictionaries(
    {
        "tool": st.sampled_from(TOOLS),
        "prefix": st.sampled_from(PREFIXES),
        "decision": st.sampled_from(["allow", "deny", "ask_user"]),
        "priority": st.integers(0, 3),
    }
)


def _toml(rules: list[dict[str, Any]]) -> str:
    out = []
    for r in rules:
        out.append(
            f'[[rule]]\ntoolName = "{r["tool"]}"\ndecision = "{r["decision"]}"\npriority = {r["priority"]}'
        )
        if r["prefix"]:
            out.append(f'commandPrefix = "{r["prefix"]}"')
    return "\n".join(out) + "\n"


def _gemini_decides(rules: list[dict[str, Any]], tool: str, command: str) -> str:
    """Gemini CLI's documented semantics: the highest-priority matching rule, file order on ties."""
    for r in sorted(rules, key=lambda r: -r["priority"]):
        if r["tool"] not in ("*", tool):
            continue
        prefix = r["prefix"]
        if prefix and not (
            tool == "run_shell_command" and (command == prefix or command.startswith(prefix + " "))
        ):
            continue
        return {"allow": "allow", "deny": "block", "ask_user": "ask"}[r["decision"]]
    return "ask"


@settings(max_examples=60, deadline=None)
@given(st.lists(GEMINI_RULE, min_size=1, max_size=5))
def test_priority_rewriting_agrees_with_first_match(rules: list[dict[str, Any]]) -> None:
    guard = remit.Guard(_policy(_toml(rules)))
    for tool in TOOLS[:3]:
        for command in COMMANDS:
            args = {"command": command} if tool == "run_shell_command" else {"file_path": "/repo/a.txt"}
            got = guard.check(tool, args, {"cwd": "/repo"}).decision.value
            assert got == _gemini_decides(rules, tool, command), (tool, command)
