"""remit in front of the tool calls of the Claude Agent SDK (`pip install 'remit[claude-agent-sdk]'`).

    tools = ToolGuard(guard)
    options = ClaudeAgentOptions(hooks=tools.hooks(), can_use_tool=tools.can_use_tool)

Two callbacks, one decision per call:

- `pre_tool_use`, the PreToolUse hook (`hooks()`), sees every tool call, whatever the permission
  mode and the allow rules. It answers as `remit hook claude-code` does: allow, deny with remit's
  reasons (the model reads them), or ask, which sends the call to the permission prompt;
- `can_use_tool` is that prompt: the SDK's own way to ask the application's human. For a call
  the hook sent there it reuses the hook's decision, and an ask is answered by the Guard's `ask`
  callback (with none, the policy's `non_interactive`). Given alone, without the hook, it decides
  the calls the CLI's permission rules leave to it, the same way.

The hook's matcher is set to block the call when the callback fails or times out; anything that
goes wrong inside either callback answers deny. See docs/integrations.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

try:
    from claude_agent_sdk import (
        HookContext,
        HookInput,
        HookJSONOutput,
        HookMatcher,
        PermissionResult,
        PermissionResultAllow,
        PermissionResultDeny,
        ToolPermissionContext,
    )
    from claude_agent_sdk.types import HookEvent
except ImportError as exc:  # pragma: no cover - exercised by a test that hides the package
    raise ImportError(
        "remit.integrations.claude_agent_sdk needs the Claude Agent SDK:"
        f" pip install 'remit[claude-agent-sdk]' ({exc})"
    ) from exc

from .. import hook
from ..decision import Decision
from ..guard import Guard
from ..vocab import Route
from ._common import NOT_APPROVED, Pending, failure, merge_ctx, refusal

__all__ = ["ToolGuard"]

LABELS = {"agent": "claude-agent-sdk"}


class ToolGuard:
    """Checks the tool calls of a Claude Agent SDK session against a `remit.Guard`.

    `ctx` is context every call gets. The hook adds what the CLI tells it, as `remit hook
    claude-code` does: `session_id`, `cwd`, `permission_mode`, `turn_id`, `agent_id` and
    `subagent_depth`, and from the session's transcript `steps_since_human` and
    `seconds_since_human`.
    """

    def __init__(self, guard: Guard, *, ctx: Mapping[str, Any] | None = None) -> None:
        self.guard = guard
        self.ctx = dict(ctx or {})
        self._pending = Pending()

    def hooks(self, matcher: str | None = None) -> dict[HookEvent, list[HookMatcher]]:
        """`ClaudeAgentOptions(hooks=...)`: remit's PreToolUse hook for the tools `matcher` names (all)."""
        # on_failure="block": a callback that raises or times out stops the call instead of passing it.
        return {"PreToolUse": [HookMatcher(matcher=matcher, hooks=[self.pre_tool_use], on_failure="block")]}

    async def pre_tool_use(
        self, data: HookInput, tool_use_id: str | None, context: HookContext
    ) -> HookJSONOutput:
        """The PreToolUse hook callback: allow, deny with remit's reasons, or ask."""
        try:
            event = hook.tool_event(dict(data))
            ctx = hook.hook_context("claude-code", event, self.guard.clock())
            ctx["labels"] = {**ctx.get("labels", {}), **LABELS}
            decision = self.guard.check(event.tool, event.args, merge_ctx(self.ctx, ctx))
            if decision.effective is Route.ASK:
                self._pending.put(event.tool_use_id or tool_use_id or "", decision)
            output = hook.render("claude-code", decision)
        except Exception as exc:
            output = hook.deny_output("claude-code", str(exc) or type(exc).__name__)
        return cast(HookJSONOutput, json.loads(output))

    async def can_use_tool(
        self, tool_name: str, tool_input: dict[str, Any], context: ToolPermissionContext
    ) -> PermissionResult:
        """The `can_use_tool` callback: remit's decision, an ask answered by the Guard's `ask` callback."""
        try:
            decision = self._pending.get(context.tool_use_id, tool_name, tool_input)
            self._pending.pop(context.tool_use_id)
            if decision is None:
                decision = self.guard.check(tool_name, tool_input, self._context(context))
            if await self._may_run(decision):
                return PermissionResultAllow()
            note = NOT_APPROVED if decision.effective is Route.ASK else ""
            return PermissionResultDeny(message=refusal(decision, note))
        except Exception as exc:
            return PermissionResultDeny(message=failure(exc))

    async def _may_run(self, decision: Decision) -> bool:
        effective = decision.effective
        if effective is Route.ASK:
            return await self.guard.approve_async(decision)
        return effective is Route.ALLOW

    def _context(self, context: ToolPermissionContext) -> dict[str, Any]:
        derived: dict[str, Any] = {"labels": LABELS, "subagent_depth": 1 if context.agent_id else 0}
        if context.agent_id:
            derived["agent_id"] = context.agent_id
        return merge_ctx(self.ctx, derived)
