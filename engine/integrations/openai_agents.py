"""remit in front of the function tools of the OpenAI Agents SDK (`pip install 'remit[openai-agents]'`).

    tools = ToolGuard(guard)
    agent = Agent(name="payments", tools=tools.wrap([refund, get_balance]))

Each call of a wrapped tool is checked once, before it runs:

- allow: the tool runs;
- block: the tool does not run, and the model reads remit's refusal (reasons, deciding rules,
  ratings) as the tool's output (a tool input guardrail's `reject_content`);
- ask: the run stops with an interruption (the SDK's `needs_approval`); the application approves
  with `state.approve(item)` or refuses with `tools.reject(state, item)`, then runs again from
  the state. With `interrupt=False`, or for tools given only `tools.guardrail`, the Guard's
  `ask` callback answers instead (with none, the policy's `non_interactive`).

Anything that goes wrong while checking refuses the call. See docs/integrations.md.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

try:
    from agents import (
        FunctionTool,
        RunContextWrapper,
        RunState,
        Tool,
        ToolApprovalItem,
        ToolGuardrailFunctionOutput,
        ToolInputGuardrail,
        ToolInputGuardrailData,
    )
except ImportError as exc:  # pragma: no cover - exercised by a test that hides the package
    raise ImportError(
        "remit.integrations.openai_agents needs the OpenAI Agents SDK: pip install 'remit[openai-agents]'"
        f" ({exc})"
    ) from exc

from ..decision import Decision
from ..guard import Guard
from ..vocab import Route
from ._common import HUMAN_SAID_NO, NOT_APPROVED, Pending, failure, merge_ctx, record, refusal

__all__ = ["ToolGuard"]

NeedsApproval = bool | Callable[[RunContextWrapper[Any], dict[str, Any], str], Awaitable[bool]]


class ToolGuard:
    """Checks the calls of OpenAI Agents SDK function tools against a `remit.Guard`.

    `ctx` is context every call gets (`user_id`, `environment`, `labels`, ...). Each run adds
    `session_id` and `user_id` when the run's context object has them (a mapping key or an
    attribute), and `steps_since_human`: the model turns of the run before the one that proposed
    the call (a run starts from a person's input).
    """

    def __init__(self, guard: Guard, *, interrupt: bool = True, ctx: Mapping[str, Any] | None = None) -> None:
        self.guard = guard
        self.interrupt = interrupt
        self.ctx = dict(ctx or {})
        self.guardrail: ToolInputGuardrail[Any] = ToolInputGuardrail(self._check_input, name="remit")
        """The tool input guardrail alone, for tools built elsewhere (asks go to the `ask` callback)."""
        self._pending = Pending()

    def wrap(self, tools: Iterable[Tool]) -> list[Tool]:
        """Copies of `tools`, each checked by remit before it runs; raises TypeError for other tools."""
        return [self._wrap(tool) for tool in tools]

    def decision(self, item: ToolApprovalItem) -> Decision | None:
        """remit's decision for an interruption (to show a person why it asks), if still known."""
        return self._pending.get(item.call_id)

    def reject(
        self, state: RunState[Any, Any], item: ToolApprovalItem, *, message: str | None = None
    ) -> None:
        """Refuse an interrupted call: the model reads `message` (default: remit's reasons); logged."""
        decision = self.decision(item)
        text = message or (
            refusal(decision, HUMAN_SAID_NO) if decision else f"remit blocked {item.name}: {HUMAN_SAID_NO}"
        )
        state.reject(item, rejection_message=text)
        if decision is not None:
            self._pending.pop(item.call_id)
            record(self.guard, decision, "denied", by="human", detail=message or "")

    # -- inside the run ---------------------------------------------------------------------

    def _wrap(self, tool: Tool) -> Tool:
        if not isinstance(tool, FunctionTool):
            name = getattr(tool, "name", type(tool).__name__)
            raise TypeError(
                f"remit guards function tools; `{name}` is a {type(tool).__name__}, whose calls it cannot see"
            )
        guarded = copy.copy(tool)  # FunctionTool's own copy: the invoker is rebound to the copy
        guarded.tool_input_guardrails = [self.guardrail, *(tool.tool_input_guardrails or [])]
        if self.interrupt:
            guarded.needs_approval = self._needs_approval(tool.name, tool.needs_approval)
        return guarded

    def _needs_approval(
        self, name: str, own: NeedsApproval
    ) -> Callable[[RunContextWrapper[Any], dict[str, Any], str], Awaitable[bool]]:
        async def needs_approval(
            wrapper: RunContextWrapper[Any], params: dict[str, Any], call_id: str
        ) -> bool:
            try:
                decision = self.guard.check(name, params, self._context(wrapper))
            except Exception:
                return True  # a person looks, and the guardrail checks again before the tool runs
            self._pending.put(call_id, decision)
            if decision.effective is not Route.ALLOW:
                # An ask interrupts; a block does not trouble anyone: the guardrail refuses it.
                return decision.effective is Route.ASK
            return own if isinstance(own, bool) else bool(await own(wrapper, params, call_id))

        return needs_approval

    async def _check_input(self, data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        context = data.context
        try:
            tool, args = context.tool_name, _arguments(context.tool_arguments)
            decision = self._pending.get(context.tool_call_id, tool, args)
            if decision is None:
                decision = self.guard.check(tool, args, self._context(context))
            self._pending.pop(context.tool_call_id)
            if await self._may_run(decision, context.is_tool_approved(tool, context.tool_call_id)):
                return ToolGuardrailFunctionOutput.allow(output_info=decision.id)
            note = NOT_APPROVED if decision.effective is Route.ASK else ""
            return ToolGuardrailFunctionOutput.reject_content(
                refusal(decision, note), output_info=decision.id
            )
        except Exception as exc:
            return ToolGuardrailFunctionOutput.reject_content(failure(exc))

    async def _may_run(self, decision: Decision, approved_in_run: bool | None) -> bool:
        effective = decision.effective
        if effective is not Route.ASK:
            return effective is Route.ALLOW
        if self.interrupt and approved_in_run is True:
            record(self.guard, decision, "approved", by="human", detail="approved in the run's interruption")
            return True
        return await self.guard.approve_async(decision)

    def _context(self, wrapper: RunContextWrapper[Any]) -> dict[str, Any]:
        derived: dict[str, Any] = {
            "steps_since_human": max(0, wrapper.usage.requests - 1),
            "labels": {"agent": "openai-agents"},
        }
        for key in ("session_id", "user_id"):
            value = _field(wrapper.context, key)
            if isinstance(value, str) and value:
                derived[key] = value
        return merge_ctx(self.ctx, derived)


def _field(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, Mapping) else getattr(obj, key, None)


def _arguments(text: str) -> Any:
    """The call's arguments; text that is not JSON stays text, which the policy's `on_error` decides."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text
