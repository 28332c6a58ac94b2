"""The LangGraph adapter, driven through real compiled graphs with a scripted chat model."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langgraph")

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import tools_condition
from langgraph.types import Command

import remit
from remit.integrations.langgraph import ToolGuard
from remit.log import read_log

POLICY = (Path(__file__).parent / "data" / "integrations" / "payments.yaml").read_text()
"""Refunds: to a wallet blocked, over 100 asked, the rest allowed."""

APPROVE = {"decisions": [{"type": "approve"}]}


class Script:
    """A graph around a scripted model: what the model was shown, and what the tools really did."""

    def __init__(self, tmp_path: Path, turns: list[list[tuple[str, int, str]]], **options: Any) -> None:
        self.refunds: list[tuple[int, str]] = []
        self.seen: list[list[BaseMessage]] = []
        self.log = tmp_path / "decisions.jsonl"
        interrupt = options.pop("interrupt", True)
        self.tools = ToolGuard(remit.Guard.from_text(POLICY, log=self.log, **options), interrupt=interrupt)
        replies = [
            AIMessage(
                "",
                tool_calls=[{"name": "refund", "args": {"amount": a, "to": to}, "id": i} for i, a, to in t],
            )
            for t in turns
        ]
        self.model = FakeMessagesListChatModel(responses=[*replies, AIMessage("done")])

    def graph(self, route: Any = None) -> Any:
        @tool
        def refund(amount: int, to: str) -> str:
            """Refund `amount` to a customer."""
            self.refunds.append((amount, to))
            return f"refunded {amount} to {to}"

        def agent(state: MessagesState) -> dict[str, Any]:
            self.seen.append(list(state["messages"]))
            return {"messages": [self.model.invoke(state["messages"])]}

        builder = StateGraph(MessagesState)
        builder.add_node("agent", agent)
        builder.add_node("tools", self.tools.tool_node([refund]))
        builder.add_edge(START, "agent")
        builder.add_conditional_edges("agent", route or self.tools.route, ["tools", END])
        builder.add_edge("tools", "agent")
        return builder.compile(checkpointer=InMemorySaver())

    def shown(self) -> dict[str, ToolMessage]:
        """The tool results the model read on its last turn, by call id."""
        return {m.tool_call_id: m for m in self.seen[-1] if isinstance(m, ToolMessage)}

    def records(self, kind: str = "decision") -> list[dict[str, Any]]:
        return [r for r in read_log(self.log) if r.get("kind", "decision") == kind]


def config(thread: str = "t-1") -> Any:
    return {"configurable": {"thread_id": thread}}


def start(graph: Any, thread: str = "t-1") -> Any:
    return graph.invoke({"messages": [HumanMessage("refund please", id="h-1")]}, config(thread))


def test_an_allowed_call_runs_a_blocked_one_never_does_and_the_model_reads_why(tmp_path: Path) -> None:
    script = Script(tmp_path, [[("c1", 5, "acme"), ("c2", 50, "wallet:x")]])
    result = start(script.graph())
    assert "__interrupt__" not in result and result["messages"][-1].content == "done"
    assert script.refunds == [(5, "acme")]
    shown = script.shown()
    assert shown["c1"].content == "refunded 5 to acme"
    assert shown["c2"].status == "error" and "refunds to wallet:x are not allowed" in shown["c2"].content
    assert "rule `no-wallets`" in shown["c2"].content
    assert sorted(r["decision"] for r in script.records()) == ["allow", "block"]


def test_an_ask_interrupts_and_an_approval_resumes_into_the_call(tmp_path: Path) -> None:
    script = Script(tmp_path, [[("c1", 500, "acme")]])
    graph = script.graph()
    result = start(graph)
    (question,) = result["__interrupt__"]
    assert script.refunds == []
    request = question.value
    assert request["action_requests"][0]["name"] == "refund"
    assert request["action_requests"][0]["args"] == {"amount": 500, "to": "acme"}
    description = request["action_requests"][0]["description"]
    assert description.startswith("remit asks a human to approve refund: a refund of 500 needs a person")
    assert request["review_configs"] == [
        {"action_name": "refund", "allowed_decisions": ["approve", "reject"]}
    ]
    assert request["remit"]["decision"] == "ask"
    result = graph.invoke(Command(resume=APPROVE), config())
    assert result["messages"][-1].content == "done" and script.refunds == [(500, "acme")]
    assert [r["decision"] for r in script.records()] == ["ask"]  # checked once, across the interrupt
    (outcome,) = script.records("outcome")
    assert (outcome["decision"], outcome["outcome"], outcome["by"]) == (
        request["remit"]["id"],
        "approved",
        "human",
    )


def test_a_rejected_ask_never_runs_and_the_model_reads_the_persons_words(tmp_path: Path) -> None:
    script = Script(tmp_path, [[("c1", 500, "acme")]])
    graph = script.graph()
    start(graph)
    reject = {"decisions": [{"type": "reject", "message": "ask the customer first"}]}
    result = graph.invoke(Command(resume=reject), config())
    assert result["messages"][-1].content == "done" and script.refunds == []
    shown = script.shown()["c1"]
    assert shown.status == "error" and "a human did not approve it: ask the customer first" in shown.content
    (outcome,) = script.records("outcome")
    assert (outcome["outcome"], outcome["detail"]) == ("denied", "ask the customer first")


@pytest.mark.parametrize(
    ("resume", "said"),
    [
        (False, ""),
        ("no", "no"),
        (
            {"decisions": [{"type": "edit", "edited_action": {"name": "refund", "args": {"amount": 1}}}]},
            "`edit`",
        ),
        ({"type": "approved"}, "`approved`"),
    ],
)
def test_only_an_explicit_approval_approves(tmp_path: Path, resume: Any, said: str) -> None:
    script = Script(tmp_path, [[("c1", 500, "acme")]])
    graph = script.graph()
    start(graph)
    graph.invoke(Command(resume=resume), config())
    assert script.refunds == []
    assert said in script.shown()["c1"].content
    assert [r["outcome"] for r in script.records("outcome")] == ["denied"]


def test_each_call_of_a_message_is_answered_on_its_own_and_none_runs_twice(tmp_path: Path) -> None:
    script = Script(tmp_path, [[("c1", 5, "acme"), ("c2", 500, "acme"), ("c3", 700, "globex")]])
    graph = script.graph()
    result = start(graph)
    questions = {q.value["action_requests"][0]["args"]["amount"]: q.id for q in result["__interrupt__"]}
    assert sorted(questions) == [500, 700] and script.refunds == [(5, "acme")]
    answers = {questions[500]: True, questions[700]: {"decisions": [{"type": "reject"}]}}
    result = graph.invoke(Command(resume=answers), config())
    assert result["messages"][-1].content == "done"
    assert sorted(script.refunds) == [(5, "acme"), (500, "acme")]
    assert len(script.records()) == 3


def test_several_calls_in_one_task_ask_the_callback_instead_of_interrupting(tmp_path: Path) -> None:
    asked: list[int] = []

    def ask(decision: remit.Decision) -> bool:
        asked.append(decision.args["amount"])
        return bool(decision.args["amount"] < 600)

    script = Script(tmp_path, [[("c1", 5, "acme"), ("c2", 500, "acme"), ("c3", 700, "acme")]], ask=ask)
    result = start(script.graph(route=tools_condition))
    assert "__interrupt__" not in result
    assert sorted(asked) == [500, 700] and sorted(script.refunds) == [(5, "acme"), (500, "acme")]
    assert "none was given" in script.shown()["c3"].content


def test_one_call_in_a_plain_tool_node_may_interrupt(tmp_path: Path) -> None:
    script = Script(tmp_path, [[("c1", 500, "acme")]])
    graph = script.graph(route=tools_condition)
    assert len(start(graph)["__interrupt__"]) == 1
    graph.invoke(Command(resume=True), config())
    assert script.refunds == [(500, "acme")]


def test_without_interrupts_and_no_callback_the_policys_non_interactive_choice_holds(tmp_path: Path) -> None:
    script = Script(tmp_path, [[("c1", 500, "acme")]], interrupt=False)
    result = start(script.graph())
    assert "__interrupt__" not in result and script.refunds == []
    assert "none was given" in script.shown()["c1"].content
    (outcome,) = script.records("outcome")
    assert (outcome["outcome"], outcome["by"]) == ("denied", "system")


def test_async_graphs_interrupt_and_resume_the_same_way(tmp_path: Path) -> None:
    script = Script(tmp_path, [[("c1", 5, "acme"), ("c2", 500, "acme"), ("c3", 9, "wallet:z")]])
    graph = script.graph()

    async def go() -> Any:
        first = await graph.ainvoke({"messages": [HumanMessage("refund")]}, config("a-1"))
        (question,) = first["__interrupt__"]
        return await graph.ainvoke(Command(resume={question.id: APPROVE}), config("a-1"))

    result = asyncio.run(go())
    assert result["messages"][-1].content == "done"
    assert sorted(script.refunds) == [(5, "acme"), (500, "acme")]
    assert "refunds to wallet:z are not allowed" in script.shown()["c3"].content


def test_session_turn_steps_and_depth_come_from_the_graph(tmp_path: Path) -> None:
    script = Script(tmp_path, [[("c1", 5, "acme")], [("c2", 6, "acme")]])
    inner = script.graph()
    outer = StateGraph(MessagesState)
    outer.add_node("support", inner)
    outer.add_edge(START, "support")
    graph = outer.compile(checkpointer=InMemorySaver())
    graph.invoke({"messages": [HumanMessage("refund twice", id="h-9")]}, config("thread-7"))
    first, second = script.records()
    assert first["session"] == second["session"] == "thread-7"
    assert first["turn"] == "h-9"
    assert first["ctx"]["subagent_depth"] == 1 and first["ctx"]["labels"] == {"agent": "langgraph"}
    assert first["ctx"].get("steps_since_human", 0) == 0 and second["ctx"]["steps_since_human"] == 1


def test_a_check_that_fails_refuses_the_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(tmp_path, [[("c1", 5, "acme")]])

    def broken(*_: Any, **__: Any) -> remit.Decision:
        raise RuntimeError("the policy store is down")

    monkeypatch.setattr(script.tools.guard, "check", broken)
    start(script.graph())
    assert script.refunds == []
    shown = script.shown()["c1"]
    assert shown.status == "error"
    assert shown.content == "remit could not check this call, so it is blocked: the policy store is down"


def test_importing_remit_does_not_import_langgraph() -> None:
    code = "import sys, remit, remit.integrations; assert not any(m.startswith('lang') for m in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_missing_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langgraph.prebuilt", None)
    monkeypatch.delitem(sys.modules, "remit.integrations.langgraph")
    with pytest.raises(ImportError, match=r"pip install 'remit\[langgraph\]'"):
        __import__("remit.integrations.langgraph")
