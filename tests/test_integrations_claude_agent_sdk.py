"""The Claude Agent SDK adapter: its callbacks with the SDK's types, and through the SDK's real
control protocol, with a transport that plays the Claude Code CLI's side of it."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("claude_agent_sdk")

from claude_agent_sdk import (
    ClaudeAgentOptions,
    HookContext,
    PermissionResultAllow,
    PermissionResultDeny,
    PreToolUseHookInput,
    ResultMessage,
    ToolPermissionContext,
    Transport,
    query,
)

import remit
from remit.integrations.claude_agent_sdk import ToolGuard
from remit.log import read_log
from remit.traces import TraceCall, read_traces
from tests.conftest import CORPORA

POLICY = """
name: coding
defaults: {decision: ask, on_error: block}
rules:
  - id: no-secrets
    tools: [Read]
    block: args.file_path.endsWith(".env")
    reason: "{args.file_path} holds secrets"
  - id: pushes
    tools: [Bash]
    ask: args.command.startsWith("git push")
    reason: "pushing needs a person"
  - id: long-unattended
    tools: [Edit]
    ask: ctx.steps_since_human >= 3
    reason: "{ctx.steps_since_human} steps without a human"
  - id: reads
    tools: [Read, Bash, Edit]
    allow: "true"
"""

NO_SIGNAL: HookContext = {"signal": None}
CLAUDE_CORPUS = CORPORA / "claude-code"


def make(tmp_path: Path, **options: Any) -> ToolGuard:
    return ToolGuard(remit.Guard.from_text(POLICY, log=tmp_path / "decisions.jsonl", **options))


def records(tmp_path: Path, kind: str = "decision") -> list[dict[str, Any]]:
    return [r for r in read_log(tmp_path / "decisions.jsonl") if r.get("kind", "decision") == kind]


def event(tool: str, args: dict[str, Any], tool_use_id: str) -> PreToolUseHookInput:
    return {
        "session_id": "sess-1",
        "transcript_path": "/nonexistent/transcript.jsonl",
        "cwd": "/repo",
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": args,
        "tool_use_id": tool_use_id,
    }


def permission(output: Any) -> tuple[str, str]:
    specific = output["hookSpecificOutput"]
    return specific["permissionDecision"], specific["permissionDecisionReason"]


# -- the callbacks, with the SDK's types -----------------------------------------------------


def test_the_hook_allows_denies_with_reasons_and_asks(tmp_path: Path) -> None:
    tools = make(tmp_path)
    read = asyncio.run(tools.pre_tool_use(event("Read", {"file_path": "src/app.py"}, "t1"), "t1", NO_SIGNAL))
    secret = asyncio.run(
        tools.pre_tool_use(event("Read", {"file_path": "/repo/.env"}, "t2"), "t2", NO_SIGNAL)
    )
    push = asyncio.run(tools.pre_tool_use(event("Bash", {"command": "git push"}, "t3"), "t3", NO_SIGNAL))
    assert permission(read)[0] == "allow"
    verdict, reason = permission(secret)
    assert verdict == "deny" and "/repo/.env holds secrets" in reason and "rule `no-secrets`" in reason
    verdict, reason = permission(push)
    assert verdict == "ask" and "pushing needs a person" in reason
    decided = records(tmp_path)
    assert [r["decision"] for r in decided] == ["allow", "block", "ask"]
    assert decided[0]["session"] == "sess-1" and decided[0]["ctx"]["cwd"] == "/repo"
    assert decided[0]["ctx"]["labels"] == {"agent": "claude-agent-sdk"}


def test_can_use_tool_answers_an_ask_with_the_guards_callback_and_reuses_the_hooks_decision(
    tmp_path: Path,
) -> None:
    asked: list[remit.Decision] = []

    def ask(decision: remit.Decision) -> bool:
        asked.append(decision)
        return "origin" in decision.args["command"]

    tools = make(tmp_path, ask=ask)
    for tool_use_id, command in (("t1", "git push origin"), ("t2", "git push --force")):
        asyncio.run(
            tools.pre_tool_use(event("Bash", {"command": command}, tool_use_id), tool_use_id, NO_SIGNAL)
        )
    yes = asyncio.run(
        tools.can_use_tool("Bash", {"command": "git push origin"}, ToolPermissionContext(tool_use_id="t1"))
    )
    no = asyncio.run(
        tools.can_use_tool("Bash", {"command": "git push --force"}, ToolPermissionContext(tool_use_id="t2"))
    )
    assert isinstance(yes, PermissionResultAllow) and yes.updated_input is None
    assert isinstance(no, PermissionResultDeny) and not no.interrupt
    assert "none was given" in no.message and "pushing needs a person" in no.message
    assert [d.args["command"] for d in asked] == ["git push origin", "git push --force"]
    assert len(records(tmp_path)) == 2  # one decision per call: the prompt reused the hook's
    assert [r["outcome"] for r in records(tmp_path, "outcome")] == ["approved", "denied"]


def test_can_use_tool_alone_decides_and_fails_closed(tmp_path: Path) -> None:
    tools = make(tmp_path)  # no ask callback: the policy's non_interactive (block) answers asks
    context = ToolPermissionContext(tool_use_id="t9", agent_id="sub-1")
    secret = asyncio.run(tools.can_use_tool("Read", {"file_path": "a/.env"}, context))
    push = asyncio.run(tools.can_use_tool("Bash", {"command": "git push"}, context))
    read = asyncio.run(tools.can_use_tool("Read", {"file_path": "a.py"}, context))
    assert isinstance(secret, PermissionResultDeny) and "a/.env holds secrets" in secret.message
    assert isinstance(push, PermissionResultDeny) and "none was given" in push.message
    assert isinstance(read, PermissionResultAllow)
    assert records(tmp_path)[0]["ctx"]["subagent_depth"] == 1 and records(tmp_path)[0]["agent"] == "sub-1"
    broken = asyncio.run(tools.can_use_tool("Read", {"file_path": {"deep": [1] * 10}}, context))
    assert isinstance(broken, PermissionResultDeny)  # the rule errors: on_error is block


def test_the_hook_denies_what_it_cannot_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = make(tmp_path)
    wrong: Any = {"hook_event_name": "PreToolUse", "tool_input": {}}
    verdict, reason = permission(asyncio.run(tools.pre_tool_use(wrong, None, NO_SIGNAL)))
    assert verdict == "deny" and "has no `tool_name`" in reason

    def broken(*_: Any, **__: Any) -> remit.Decision:
        raise RuntimeError("the policy store is down")

    monkeypatch.setattr(tools.guard, "check", broken)
    verdict, reason = permission(
        asyncio.run(tools.pre_tool_use(event("Read", {"file_path": "a"}, "t"), "t", NO_SIGNAL))
    )
    assert (verdict, reason) == (
        "deny",
        "remit could not check this call, so it is blocked: the policy store is down",
    )
    denied = asyncio.run(
        tools.can_use_tool("Read", {"file_path": "a"}, ToolPermissionContext(tool_use_id="u"))
    )
    assert isinstance(denied, PermissionResultDeny) and "could not check this call" in denied.message


def test_shadow_mode_leaves_the_call_to_the_agent(tmp_path: Path) -> None:
    guard = remit.Guard.from_text("mode: shadow\n" + POLICY.replace("name: coding", "name: coding-shadow"))
    tools = ToolGuard(guard)
    output = asyncio.run(tools.pre_tool_use(event("Read", {"file_path": ".env"}, "t"), "t", NO_SIGNAL))
    assert "hookSpecificOutput" not in output and "would have blocked" in str(output)
    allowed = asyncio.run(
        tools.can_use_tool("Read", {"file_path": ".env"}, ToolPermissionContext(tool_use_id="t"))
    )
    assert isinstance(allowed, PermissionResultAllow)


@pytest.mark.skipif(not CLAUDE_CORPUS.is_dir(), reason=f"corpora not found at {CLAUDE_CORPUS}")
def test_steps_since_human_come_from_the_sessions_real_transcript(tmp_path: Path) -> None:
    path = CLAUDE_CORPUS / "ai-sessions-examples" / "claude-code-pomodoro-timer.jsonl"
    call = next(c for c in read_traces(path) if isinstance(c, TraceCall) and c.ctx["steps_since_human"] >= 3)
    live = tmp_path / "live.jsonl"  # the transcript as it stood when the call was made
    live.write_bytes(b"\n".join(path.read_bytes().split(b"\n")[: call.source[1]]) + b"\n")
    tools = make(tmp_path)
    data = event("Edit", {"file_path": "a", "old_string": "x", "new_string": "y"}, call.call_id)
    data["transcript_path"] = str(live)
    verdict, reason = permission(asyncio.run(tools.pre_tool_use(data, call.call_id, NO_SIGNAL)))
    assert verdict == "ask" and f"{call.ctx['steps_since_human']} steps without a human" in reason
    assert records(tmp_path)[0]["ctx"]["steps_since_human"] == call.ctx["steps_since_human"]


# -- through the SDK's control protocol ------------------------------------------------------


class FakeCLI(Transport):
    """The Claude Code CLI's side of the SDK's control protocol, for a scripted list of tool calls.

    Like the CLI, it registers the hooks the SDK declares at `initialize`, runs the PreToolUse
    hook before each call, sends the calls the hook asks about to `can_use_tool`, and runs a tool
    only when the answer allows it; what the model would read is kept in `results`.
    """

    def __init__(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        self.calls = calls
        self.ran: list[tuple[str, dict[str, Any]]] = []
        self.results: dict[str, str] = {}
        self.hook_ids: list[str] = []
        self._inbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._answers: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._prompted = asyncio.Event()

    async def connect(self) -> None:
        pass

    def is_ready(self) -> bool:
        return True

    async def end_input(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def write(self, data: str) -> None:
        message = json.loads(data)
        if message["type"] == "control_request" and message["request"]["subtype"] == "initialize":
            hooks = message["request"]["hooks"]["PreToolUse"]
            self.hook_ids = [i for matcher in hooks for i in matcher["hookCallbackIds"]]
            assert all(matcher["onFailure"] == "block" for matcher in hooks)
            reply = {"commands": [], "hook_on_failure_supported": True, "hooks_applied": True}
            await self._inbox.put(_success(message["request_id"], reply))
            asyncio.get_running_loop().create_task(self._session())
        elif message["type"] == "user":
            self._prompted.set()
        elif message["type"] == "control_response":
            response = message["response"]
            self._answers[response["request_id"]].set_result(response)

    async def read_messages(self) -> AsyncIterator[dict[str, Any]]:
        while (message := await self._inbox.get()) is not None:
            yield message

    async def _ask(self, request_id: str, request: dict[str, Any]) -> dict[str, Any]:
        self._answers[request_id] = asyncio.get_running_loop().create_future()
        await self._inbox.put({"type": "control_request", "request_id": request_id, "request": request})
        response = await self._answers[request_id]
        assert response["subtype"] == "success", response
        return dict(response["response"])

    async def _session(self) -> None:
        await self._prompted.wait()
        for n, (tool, args) in enumerate(self.calls):
            tool_use_id = f"toolu_{n}"
            hook_input = event(tool, args, tool_use_id)
            (callback_id,) = self.hook_ids
            hook_request = {"subtype": "hook_callback", "callback_id": callback_id, "input": hook_input}
            output = await self._ask(f"hook-{n}", {**hook_request, "tool_use_id": tool_use_id})
            verdict, reason = permission(output)
            if verdict == "ask":
                prompt = {
                    "subtype": "can_use_tool",
                    "tool_name": tool,
                    "input": args,
                    "permission_suggestions": [],
                    "tool_use_id": tool_use_id,
                    "decision_reason": reason,
                }
                answer = await self._ask(f"prompt-{n}", prompt)
                verdict, reason = answer["behavior"], answer.get("message", "")
            if verdict == "allow":
                self.ran.append((tool, args))
                self.results[tool_use_id] = "ok"
            else:
                self.results[tool_use_id] = reason
        await self._inbox.put(
            {
                "type": "result",
                "subtype": "success",
                "duration_ms": 1,
                "duration_api_ms": 1,
                "is_error": False,
                "num_turns": 1,
                "session_id": "sess-1",
            }
        )
        await self._inbox.put(None)


def _success(request_id: str, response: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "control_response",
        "response": {"subtype": "success", "request_id": request_id, "response": response},
    }


def drive(tools: ToolGuard, cli: FakeCLI) -> list[Any]:
    options = ClaudeAgentOptions(hooks=tools.hooks(), can_use_tool=tools.can_use_tool)

    async def go() -> list[Any]:
        return [message async for message in query(prompt="tidy up", options=options, transport=cli)]

    return asyncio.run(asyncio.wait_for(go(), timeout=60))


def test_the_sdks_control_protocol_routes_every_call_through_remit(tmp_path: Path) -> None:
    tools = make(tmp_path, ask=lambda decision: "origin" in decision.args["command"])
    cli = FakeCLI(
        [
            ("Read", {"file_path": "src/app.py"}),
            ("Read", {"file_path": "/repo/.env"}),
            ("Bash", {"command": "git push origin main"}),
            ("Bash", {"command": "git push --force"}),
        ]
    )
    messages = drive(tools, cli)
    assert isinstance(messages[-1], ResultMessage)
    assert cli.ran == [("Read", {"file_path": "src/app.py"}), ("Bash", {"command": "git push origin main"})]
    assert "/repo/.env holds secrets" in cli.results["toolu_1"]
    assert "none was given" in cli.results["toolu_3"] and "pushing needs a person" in cli.results["toolu_3"]
    assert [r["decision"] for r in records(tmp_path)] == ["allow", "block", "ask", "ask"]
    assert [r["outcome"] for r in records(tmp_path, "outcome")] == ["approved", "denied"]


def test_importing_remit_does_not_import_the_sdk() -> None:
    code = "import sys, remit, remit.integrations; assert 'claude_agent_sdk' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_missing_sdk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "claude_agent_sdk", None)
    monkeypatch.delitem(sys.modules, "remit.integrations.claude_agent_sdk")
    with pytest.raises(ImportError, match=r"pip install 'remit\[claude-agent-sdk\]'"):
        __import__("remit.integrations.claude_agent_sdk")
