"""The analyzers on real agent traces from ../shared/corpora: no exception, few unparsed.

Shell commands come from Claude Code `Bash` tool_use blocks, mini-swe-agent ```bash blocks,
SWE-agent trajectory actions and Codex `shell` calls (formats in each folder's SOURCE.md).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from remit.analyzers import http_facts, name_facts, path_facts, shell_facts, sql_facts

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason=f"shared corpora not found at {CORPORA}")

# mini-swe-agent's own action regex (minisweagent/agents/default.py).
_MINI_ACTION = re.compile(r"```bash\s*\n(.*?)\n```", re.DOTALL)


def claude_code_calls() -> Iterator[tuple[str, dict[str, Any], str | None]]:
    """(tool, input, cwd) of every tool_use block in the Claude Code transcripts."""
    for path in sorted((CORPORA / "claude-code").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # edge_cases.jsonl holds a deliberately broken line
            if not isinstance(record, dict) or record.get("type") != "assistant":
                continue
            content = (record.get("message") or {}).get("content")
            for block in content if isinstance(content, list) else []:
                if isinstance(block, dict) and block.get("type") == "tool_use":
                    yield block.get("name", ""), block.get("input") or {}, record.get("cwd")


def mini_swe_agent_commands() -> Iterator[str]:
    for path in sorted((CORPORA / "mini-swe-agent" / "trajs").rglob("*.traj.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for message in data.get("messages", []):
            if message.get("role") == "assistant" and isinstance(message.get("content"), str):
                actions = _MINI_ACTION.findall(message["content"])
                if len(actions) == 1:  # mini-swe-agent rejects any other count
                    yield actions[0].strip()


def swe_agent_commands() -> Iterator[str]:
    for path in sorted((CORPORA / "swe-agent").rglob("*.traj")):
        data = json.loads(path.read_text(encoding="utf-8"))
        steps = data.get("trajectory") or [m for m in data.get("history", []) if m.get("role") == "assistant"]
        for step in steps:
            action = step.get("action")
            if isinstance(action, str) and action.strip():
                yield action.strip()


def codex_calls() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted((CORPORA / "codex").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            payload = json.loads(line).get("payload") or {}
            if payload.get("type") == "function_call":
                args = json.loads(payload.get("arguments") or "{}")
                yield payload.get("name", ""), args


def all_shell_calls() -> list[tuple[str, str, dict[str, Any], str | None]]:
    """(source, tool, args, cwd) of every shell call in the corpora."""
    calls: list[tuple[str, str, dict[str, Any], str | None]] = []
    calls += [("claude-code", t, a, c) for t, a, c in claude_code_calls() if t == "Bash"]
    calls += [("mini-swe-agent", "bash", {"command": c}, "/testbed") for c in mini_swe_agent_commands()]
    calls += [("swe-agent", "bash", {"command": c}, "/repo") for c in swe_agent_commands()]
    calls += [("codex", t, a, None) for t, a in codex_calls() if t == "shell"]
    return calls


def test_every_corpus_shell_command_is_analysed() -> None:
    calls = all_shell_calls()
    assert len(calls) > 1000  # 1,434 in the corpora as shipped
    unparsed: Counter[str] = Counter()
    for source, tool, args, cwd in calls:
        facts = shell_facts(tool, args, cwd)
        assert not facts.error.startswith("internal error"), (source, args)
        assert facts.commands or not args["command"], (source, args)
        for cmd in facts.commands:
            assert isinstance(cmd.program, str) and all(isinstance(a, str) for a in cmd.argv)
        path_facts(tool, args, cwd, facts)
        http_facts(tool, args, facts)
        sql_facts(tool, args, facts)
        if facts.unparsed:
            unparsed[source] += 1
    # SWE-agent actions include its own non-shell commands (`edit 1:1 ... end_of_edit`),
    # which are not Bash; every other source must parse almost entirely.
    assert unparsed["claude-code"] + unparsed["mini-swe-agent"] + unparsed["codex"] <= 40


def test_every_corpus_tool_call_gets_path_facts() -> None:
    for tool, args, cwd in claude_code_calls():
        shell = shell_facts(tool, args, cwd)
        facts = path_facts(tool, args, cwd, shell)
        assert all(isinstance(p, str) for p in facts.paths)
        http_facts(tool, args, shell)


def toolemu_calls() -> Iterator[tuple[str, Any]]:
    """(tool, input) of every ToolEmu agent step; inputs are JSON text, often broken."""
    folder = CORPORA / "toolemu" / "trajectories"
    for path in sorted(folder.rglob("*.jsonl")):
        if path.name.endswith(("_eval_agent_safe.jsonl", "_ignore_safety.jsonl")):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            for step in json.loads(line).get("intermediate_steps", []):
                action = step[0] if isinstance(step, list) and step else None
                if isinstance(action, list) and len(action) >= 2:
                    try:
                        args = json.loads(action[1])
                    except ValueError:
                        args = action[1]
                    yield str(action[0]), args


def test_every_toolemu_call_is_analysed() -> None:
    calls = list(toolemu_calls())
    assert len(calls) > 500  # 590 tool steps (the rest of the 1,166 are final answers)
    kinds: Counter[str] = Counter()
    for tool, args in calls:
        shell = shell_facts(tool, args, None)
        path_facts(tool, args, None, shell)
        http_facts(tool, args, shell)
        sql_facts(tool, args, shell)
        kinds[name_facts(tool).kind] += 1
    assert kinds["unknown"] < len(calls) // 20
