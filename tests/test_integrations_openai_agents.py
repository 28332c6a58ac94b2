"""The OpenAI Agents SDK adapter, driven through real `Runner.run` loops with a scripted model."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

agents = pytest.importorskip("agents")

from agents import Agent, RunConfig, Runner, RunResult, RunState, WebSearchTool, function_tool  # noqa: E402
from agents.testing import ScriptedModel, assistant_message, function_call  # noqa: E402

import remit  # noqa: E402
from remit.integrations.openai_agents import ToolGuard  # noqa: E402
from remit.log import read_log  # noqa: E402

POLICY = (
    (Path(__file__).parent / "data" / "integrations" / "payments.yaml").read_text()
    + """\
  - id: late-in-the-run
    tools: [get_balance]
    block: ctx.steps_since_human >= 2
  - id: reads
    tools: [get_balance]
    allow: "true"
"""
)

NO_TRACES = RunConfig(tracing_disabled=True)


@dataclass
class Bank:
    """The tools' side effects, so a test can see what really ran."""

    refunds: list[tuple[int, str]]

    def tools(self) -> list[Any]:
        @function_tool
        def refund(amount: int, to: str) -> str:
            """Refund `amount` to a customer."""
            self.refunds.append((amount, to))
            return f"refunded {amount} to {to}"

        @function_tool
        def get_balance() -> str:
            """The account's balance."""
            return "1200"

        return [refund, get_balance]


def make_guard(tmp_path: Path, **options: Any) -> remit.Guard:
    return remit.Guard.from_text(POLICY, log=tmp_path / "decisions.jsonl", **options)


def records(tmp_path: Path, kind: str = "decision") -> list[dict[str, Any]]:
    return [r for r in read_log(tmp_path / "decisions.jsonl") if r.get("kind", "decision") == kind]


def call(name: str, args: dict[str, Any] | str, call_id: str) -> Any:
    return function_call(name, args, call_id=call_id)


def outputs(model: ScriptedModel) -> dict[str, str]:
    """The tool outputs the model was shown on its last call, by call id."""
    last = model.last_call
    assert last is not None and isinstance(last.input, list)
    return {
        item["call_id"]: str(item["output"])
        for item in last.input
        if isinstance(item, dict) and item.get("type") == "function_call_output"
    }


def run(agent: Agent[Any], given: Any, context: Any = None) -> RunResult:
    return asyncio.run(Runner.run(agent, given, context=context, run_config=NO_TRACES))


def setup(
    tmp_path: Path, turns: list[list[Any]], **options: Any
) -> tuple[Bank, ScriptedModel, ToolGuard, Agent[Any]]:
    bank = Bank([])
    model = ScriptedModel([*turns, [assistant_message("done")]])
    interrupt = options.pop("interrupt", True)
    tools = ToolGuard(make_guard(tmp_path, **options), interrupt=interrupt)
    return bank, model, tools, Agent(name="payments", model=model, tools=tools.wrap(bank.tools()))


def test_an_allowed_call_runs_a_blocked_one_never_does_and_the_model_reads_why(tmp_path: Path) -> None:
    bank, model, _, agent = setup(
        tmp_path,
        [
            [
                call("refund", {"amount": 5, "to": "acme"}, "c1"),
                call("refund", {"amount": 50, "to": "wallet:x"}, "c2"),
            ]
        ],
    )
    result = run(agent, "refund both")
    assert result.final_output == "done" and not result.interruptions
    assert bank.refunds == [(5, "acme")]
    shown = outputs(model)
    assert shown["c1"] == "refunded 5 to acme"
    assert "refunds to wallet:x are not allowed" in shown["c2"] and "rule `no-wallets`" in shown["c2"]
    assert [(r["tool"], r["decision"]) for r in records(tmp_path)] == [
        ("refund", "allow"),
        ("refund", "block"),
    ]


def test_an_ask_interrupts_the_run_and_an_approval_runs_the_call(tmp_path: Path) -> None:
    bank, model, tools, agent = setup(tmp_path, [[call("refund", {"amount": 500, "to": "acme"}, "c1")]])
    result = run(agent, "refund 500")
    assert bank.refunds == [] and len(result.interruptions) == 1
    item = result.interruptions[0]
    decision = tools.decision(item)
    assert decision is not None and decision.decision is remit.Route.ASK
    assert decision.reason == "a refund of 500 needs a person"
    state = result.to_state()
    state.approve(item)
    result = run(agent, state)
    assert result.final_output == "done" and bank.refunds == [(500, "acme")]
    assert outputs(model)["c1"] == "refunded 500 to acme"
    assert [r["decision"] for r in records(tmp_path)] == ["ask"]  # checked once, across the interruption
    (outcome,) = records(tmp_path, "outcome")
    assert (outcome["decision"], outcome["outcome"], outcome["by"]) == (decision.id, "approved", "human")


def test_a_run_saved_at_its_interruption_resumes_elsewhere(tmp_path: Path) -> None:
    bank, model, _, agent = setup(tmp_path, [[call("refund", {"amount": 500, "to": "acme"}, "c1")]])
    saved = run(agent, "refund 500").to_state().to_string()
    later = ToolGuard(make_guard(tmp_path))  # another process: nothing remembered but the log
    resumed = Agent(name="payments", model=model, tools=later.wrap(bank.tools()))
    state = asyncio.run(RunState.from_string(resumed, saved))
    state.approve(state.get_interruptions()[0])
    assert run(resumed, state).final_output == "done" and bank.refunds == [(500, "acme")]
    first, again = records(tmp_path)
    assert first["decision"] == again["decision"] == "ask"  # decided again where it resumed
    (outcome,) = records(tmp_path, "outcome")
    assert (outcome["decision"], outcome["outcome"]) == (again["id"], "approved")


def test_a_rejected_ask_never_runs_and_the_model_reads_why(tmp_path: Path) -> None:
    bank, model, tools, agent = setup(tmp_path, [[call("refund", {"amount": 500, "to": "acme"}, "c1")]])
    result = run(agent, "refund 500")
    state = result.to_state()
    tools.reject(state, result.interruptions[0])
    result = run(agent, state)
    assert result.final_output == "done" and bank.refunds == []
    shown = outputs(model)["c1"]
    assert "a human did not approve it" in shown and "a refund of 500 needs a person" in shown
    (outcome,) = records(tmp_path, "outcome")
    assert (outcome["outcome"], outcome["by"]) == ("denied", "human")


def test_without_interruptions_the_guards_ask_callback_answers(tmp_path: Path) -> None:
    asked: list[remit.Decision] = []

    def ask(decision: remit.Decision) -> bool:
        asked.append(decision)
        return bool(decision.args["amount"] < 1000)

    turns = [
        [
            call("refund", {"amount": 500, "to": "acme"}, "c1"),
            call("refund", {"amount": 5000, "to": "acme"}, "c2"),
        ]
    ]
    bank, model, _, agent = setup(tmp_path, turns, interrupt=False, ask=ask)
    result = run(agent, "refund")
    assert not result.interruptions and bank.refunds == [(500, "acme")]
    assert sorted(d.args["amount"] for d in asked) == [500, 5000]
    assert "none was given" in outputs(model)["c2"]
    assert sorted(r["outcome"] for r in records(tmp_path, "outcome")) == ["approved", "denied"]


def test_with_no_one_to_ask_the_policys_non_interactive_choice_holds(tmp_path: Path) -> None:
    bank, model, _, agent = setup(
        tmp_path, [[call("refund", {"amount": 500, "to": "acme"}, "c1")]], interrupt=False
    )
    result = run(agent, "refund")
    assert bank.refunds == [] and not result.interruptions
    assert "none was given" in outputs(model)["c1"]
    (outcome,) = records(tmp_path, "outcome")
    assert (outcome["outcome"], outcome["by"]) == ("denied", "system")


def test_session_user_and_steps_come_from_the_run(tmp_path: Path) -> None:
    turns = [[call("get_balance", {}, f"c{i}")] for i in range(3)]
    _, model, _, agent = setup(tmp_path, turns)

    @dataclass
    class Who:
        session_id: str
        user_id: str

    result = run(agent, "check three times", context=Who("s-1", "u-7"))
    assert result.final_output == "done"
    decided = records(tmp_path)
    assert [r["session"] for r in decided] == ["s-1"] * 3
    assert [r["ctx"].get("steps_since_human", 0) for r in decided] == [0, 1, 2]
    assert decided[0]["ctx"]["user_id"] == "u-7" and decided[0]["ctx"]["labels"] == {"agent": "openai-agents"}
    assert [r["decision"] for r in decided] == ["allow", "allow", "block"]  # late-in-the-run
    assert "rule `late-in-the-run`" in outputs(model)["c2"]


def test_arguments_that_are_not_json_are_refused(tmp_path: Path) -> None:
    bank, model, _, agent = setup(tmp_path, [[call("refund", '{"amount": 5, "to": ', "c1")]], interrupt=False)
    run(agent, "refund")
    assert bank.refunds == []
    assert "not a JSON object" in outputs(model)["c1"]


def test_a_check_that_fails_refuses_the_call(tmp_path: Path) -> None:
    class Broken:
        @property
        def session_id(self) -> str:
            raise RuntimeError("the session store is down")

    for interrupt in (False, True):
        bank, model, _, agent = setup(
            tmp_path, [[call("refund", {"amount": 5, "to": "acme"}, "c1")]], interrupt=interrupt
        )
        result = run(agent, "refund", context=Broken())
        if interrupt:  # the approval step could not decide: a person is asked, then the guardrail refuses
            assert len(result.interruptions) == 1
            state = result.to_state()
            state.approve(result.interruptions[0])
            run(agent, state, context=Broken())
        assert bank.refunds == []
        assert (
            "could not check this call, so it is blocked: the session store is down" in outputs(model)["c1"]
        )


def test_the_guardrail_alone_guards_tools_built_elsewhere(tmp_path: Path) -> None:
    tools = ToolGuard(make_guard(tmp_path))
    ran: list[str] = []

    @function_tool(tool_input_guardrails=[tools.guardrail])
    def refund(amount: int, to: str) -> str:
        """Refund `amount`."""
        ran.append(to)
        return "ok"

    model = ScriptedModel(
        [[call("refund", {"amount": 1, "to": "wallet:y"}, "c1")], [assistant_message("done")]]
    )
    run(Agent(name="a", model=model, tools=[refund]), "refund")
    assert ran == [] and "refunds to wallet:y are not allowed" in outputs(model)["c1"]


def test_a_wrapped_tools_own_approval_rule_still_applies(tmp_path: Path) -> None:
    ran: list[int] = []

    async def over_ten(_ctx: Any, params: dict[str, Any], _call_id: str) -> bool:
        return bool(params["amount"] > 10)

    @function_tool(needs_approval=over_ten)
    def refund(amount: int, to: str) -> str:
        """Refund `amount`."""
        ran.append(amount)
        return "ok"

    tools = ToolGuard(make_guard(tmp_path))
    model = ScriptedModel([[call("refund", {"amount": 50, "to": "acme"}, "c1")], [assistant_message("done")]])
    result = run(Agent(name="a", model=model, tools=tools.wrap([refund])), "refund")
    assert ran == [] and len(result.interruptions) == 1  # remit allows 50; the tool's own rule asks


def test_tools_remit_cannot_see_are_refused() -> None:
    tools = ToolGuard(remit.Guard.from_text(POLICY))
    with pytest.raises(TypeError, match="remit guards function tools; `web_search` is a WebSearchTool"):
        tools.wrap([WebSearchTool()])


def test_importing_remit_does_not_import_the_sdk() -> None:
    code = "import sys, remit, remit.integrations; assert 'agents' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_missing_sdk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "agents", None)
    monkeypatch.delitem(sys.modules, "remit.integrations.openai_agents")
    with pytest.raises(ImportError, match=r"pip install 'remit\[openai-agents\]'"):
        __import__("remit.integrations.openai_agents")
