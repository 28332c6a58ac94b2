"""remit in front of the tool calls of a LangGraph graph (`pip install 'remit[langgraph]'`).

    tools = ToolGuard(guard)
    builder.add_node("tools", tools.tool_node([refund, get_balance]))
    builder.add_conditional_edges("agent", tools.route, ["tools", END])

`tool_node` is a `ToolNode` whose `wrap_tool_call` checks each call before it runs:

- allow: the tool runs;
- block: the tool does not run; the model reads remit's refusal in an error `ToolMessage`;
- ask: the graph stops with an `interrupt` (a checkpointer is needed) whose value is a
  human-in-the-loop request (`action_requests`, `review_configs`, as LangChain's
  `HumanInTheLoopMiddleware` sends, plus the decision under `remit`); resume with
  `Command(resume={"decisions": [{"type": "approve"}]})` (or `True`), or with
  `{"decisions": [{"type": "reject", "message": "..."}]}`. With `interrupt=False` the Guard's
  `ask` callback answers (with none, the policy's `non_interactive`).

A node re-runs from its start when a graph resumes, so remit interrupts only for a call that
runs in a task of its own: `route` sends each tool call to the node on its own (`Send`), as
LangGraph's prebuilt agents do. An ask among several calls of one task goes to the `ask`
callback instead, so that no tool runs twice. Anything that goes wrong while checking refuses
the call. See docs/integrations.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, cast

try:
    from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolCall, ToolMessage
    from langchain_core.runnables.config import var_child_runnable_config
    from langchain_core.tools import BaseTool
    from langgraph.errors import GraphBubbleUp
    from langgraph.graph import END
    from langgraph.prebuilt import ToolNode
    from langgraph.prebuilt.tool_node import ToolCallRequest, ToolCallWithContext
    from langgraph.types import Command, Send, interrupt
except ImportError as exc:  # pragma: no cover - exercised by a test that hides the package
    raise ImportError(
        "remit.integrations.langgraph needs LangGraph and LangChain Core: pip install 'remit[langgraph]'"
        f" ({exc})"
    ) from exc

from ..decision import Decision
from ..guard import Guard
from ..vocab import Route
from ._common import HUMAN_SAID_NO, NOT_APPROVED, Pending, failure, merge_ctx, question, record, refusal

__all__ = ["ToolGuard"]

SENT = "__pregel_push"
"""LangGraph's trigger for a task started by `Send`: such a task holds one tool call."""

Result = ToolMessage | Command[Any]


class ToolGuard:
    """Checks the tool calls of a LangGraph `ToolNode` against a `remit.Guard`.

    `ctx` is context every call gets. Each call adds `session_id` (the thread id), `user_id`
    (`configurable.user_id`), `turn_id` (the id of the last human message), `steps_since_human`
    (tool results since the last human message) and `subagent_depth` (how deep in subgraphs the
    node runs).
    """

    def __init__(
        self,
        guard: Guard,
        *,
        interrupt: bool = True,
        ctx: Mapping[str, Any] | None = None,
        node: str = "tools",
    ) -> None:
        self.guard = guard
        self.interrupt = interrupt
        self.ctx = dict(ctx or {})
        self.node = node
        """The name of the tool node, where `route` sends the calls."""
        self._pending = Pending()

    def tool_node(self, tools: Sequence[BaseTool | Callable[..., Any]], **options: Any) -> ToolNode:
        """A `ToolNode` for `tools` whose calls remit checks (`options` go to `ToolNode`)."""
        return ToolNode(
            tools, wrap_tool_call=self.wrap_tool_call, awrap_tool_call=self.awrap_tool_call, **options
        )

    def route(self, state: Any) -> list[Send] | str:
        """A conditional edge: each tool call of the last message to the tool node on its own, else END."""
        messages = _messages(state)
        last = messages[-1] if messages else None
        if not isinstance(last, AIMessage) or not last.tool_calls:
            return END
        return [Send(self.node, _with_context(call, state)) for call in last.tool_calls]

    def wrap_tool_call(
        self, request: ToolCallRequest, execute: Callable[[ToolCallRequest], Result]
    ) -> Result:
        """`ToolNode(wrap_tool_call=...)`: check the call, then run it or answer with remit's refusal."""
        try:
            verdict = self._resolve(request)
            if isinstance(verdict, Decision):
                verdict = None if self.guard.approve(verdict) else refusal(verdict, NOT_APPROVED)
        except GraphBubbleUp:  # the interrupt itself: the graph stops here and resumes later
            raise
        except Exception as exc:
            verdict = failure(exc)
        return execute(request) if verdict is None else _refuse(request, verdict)

    async def awrap_tool_call(
        self, request: ToolCallRequest, execute: Callable[[ToolCallRequest], Awaitable[Result]]
    ) -> Result:
        """`ToolNode(awrap_tool_call=...)`: as `wrap_tool_call`, for graphs run with `ainvoke`."""
        try:
            verdict = self._resolve(request)
            if isinstance(verdict, Decision):
                verdict = None if await self.guard.approve_async(verdict) else refusal(verdict, NOT_APPROVED)
        except GraphBubbleUp:
            raise
        except Exception as exc:
            verdict = failure(exc)
        return await execute(request) if verdict is None else _refuse(request, verdict)

    # -- deciding -------------------------------------------------------------------------

    def _resolve(self, request: ToolCallRequest) -> Decision | str | None:
        """None: run the call. Text: refuse it with that. A decision: the `ask` callback answers."""
        call, config = request.tool_call, _config(request)
        key = f"{config.get('configurable', {}).get('thread_id', '')}:{call.get('id')}"
        decision = self._pending.get(key, call["name"], call["args"])
        if decision is None:
            decision = self.guard.check(call["name"], call["args"], self._context(request, config))
        effective = decision.effective
        if effective is not Route.ASK:
            return None if effective is Route.ALLOW else refusal(decision)
        if not (self.interrupt and _alone(request, config)):
            return decision
        self._pending.put(key, decision)  # a resumed node finds it instead of deciding again
        with _runnable_config(config):
            approved, said = _answer(interrupt(_request(decision)))
        self._pending.pop(key)
        record(self.guard, decision, "approved" if approved else "denied", by="human", detail=said)
        return None if approved else refusal(decision, f"{HUMAN_SAID_NO}: {said}" if said else HUMAN_SAID_NO)

    def _context(self, request: ToolCallRequest, config: Mapping[str, Any]) -> dict[str, Any]:
        configurable = config.get("configurable") or {}
        derived: dict[str, Any] = {"labels": {"agent": "langgraph"}}
        for key, field in (("session_id", "thread_id"), ("user_id", "user_id")):
            if configurable.get(field) is not None:
                derived[key] = str(configurable[field])
        namespace = configurable.get("checkpoint_ns")
        if isinstance(namespace, str):
            derived["subagent_depth"] = namespace.count("|")  # "outer:<task>|tools:<task>"
        messages = _messages(request.state)
        human = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        derived["steps_since_human"] = sum(isinstance(m, ToolMessage) for m in messages[human + 1 :])
        if human >= 0 and messages[human].id:
            derived["turn_id"] = str(messages[human].id)
        return merge_ctx(self.ctx, derived)


def _config(request: ToolCallRequest) -> Mapping[str, Any]:
    runtime = getattr(request, "runtime", None)
    config = getattr(runtime, "config", None)
    return config if isinstance(config, Mapping) else {}


@contextlib.contextmanager
def _runnable_config(config: Mapping[str, Any]) -> Iterator[None]:
    """The node's config where `interrupt` looks for it. Before Python 3.11 `asyncio.create_task`
    takes no `context`, so LangGraph cannot hand it to a node run by `ainvoke`, which lacks it."""
    if var_child_runnable_config.get() is not None or not config:
        yield
        return
    token = var_child_runnable_config.set(config)  # type: ignore[arg-type]
    try:
        yield
    finally:
        var_child_runnable_config.reset(token)


def _alone(request: ToolCallRequest, config: Mapping[str, Any]) -> bool:
    """True when re-running this call's task cannot run another call again."""
    metadata = config.get("metadata") or {}
    if SENT in (metadata.get("langgraph_triggers") or ()):
        return True
    messages = _messages(request.state)
    last = next((m for m in reversed(messages) if isinstance(m, AIMessage)), None)
    return last is not None and len(last.tool_calls) == 1


def _messages(state: Any) -> list[AnyMessage]:
    if isinstance(state, Mapping):
        found = state.get("messages")
    elif isinstance(state, list):
        found = state
    else:
        found = getattr(state, "messages", None)
    return list(found) if isinstance(found, list) else []


def _with_context(call: ToolCall, state: Any) -> ToolCallWithContext:
    return cast(ToolCallWithContext, {"__type": "tool_call_with_context", "tool_call": call, "state": state})


def _request(decision: Decision) -> dict[str, Any]:
    """The interrupt's value: a human-in-the-loop request for one call, and remit's decision."""
    return {
        "action_requests": [
            {"name": decision.tool, "args": decision.args, "description": question(decision)}
        ],
        "review_configs": [{"action_name": decision.tool, "allowed_decisions": ["approve", "reject"]}],
        "remit": decision.as_dict(),
    }


def _answer(resume: Any) -> tuple[bool, str]:
    """(approved, what the person said) from a resume value; only an explicit approval approves."""
    if resume is True:
        return True, ""
    if isinstance(resume, Mapping) and isinstance(resume.get("decisions"), list) and resume["decisions"]:
        resume = resume["decisions"][0]
    if not isinstance(resume, Mapping):
        return False, resume if isinstance(resume, str) else ""
    message = resume.get("message")
    said = message if isinstance(message, str) else ""
    kind = resume.get("type")
    if kind == "approve":
        return True, said
    return False, said if kind == "reject" else f"`{kind}` is not an answer remit accepts (approve or reject)"


def _refuse(request: ToolCallRequest, text: str) -> ToolMessage:
    call = request.tool_call
    return ToolMessage(content=text, name=call["name"], tool_call_id=call.get("id") or "", status="error")
