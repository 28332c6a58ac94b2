"""The name analyzer: expected kinds of real tool names (data/analyzers/name_cases.yaml),
every ToolEmu tool name, the guarantees of the ratings, and MCP annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit.analyzers import NameFacts, name_facts
from tests.conftest import POLICIES

CASES = yaml.safe_load((Path(__file__).parent / "data" / "analyzers" / "name_cases.yaml").read_text("utf-8"))
TOOLEMU = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "toolemu"
ORDER = {"reversible": 0, "recoverable": 1, "irreversible": 2}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] or "<empty>" for c in CASES])
def test_name_case(case: dict[str, Any]) -> None:
    facts = name_facts(case["name"])
    for key in NameFacts.cel_fields & case.keys():
        assert facts[key] == case[key], key
    assert facts.risk >= case.get("min_risk", 1)
    assert facts.risk <= case.get("max_risk", 10)


@pytest.mark.skipif(not TOOLEMU.is_dir(), reason=f"ToolEmu corpus not found at {TOOLEMU}")
def test_toolemu_sample_is_real_and_large_enough() -> None:
    toolkits = json.loads((TOOLEMU / "all_toolkits.json").read_text("utf-8"))
    real = {t["toolkit"] + tool["name"] for t in toolkits for tool in t["tools"]}
    assert sum(1 for c in CASES if c["name"] in real) >= 40


@pytest.mark.skipif(not TOOLEMU.is_dir(), reason=f"ToolEmu corpus not found at {TOOLEMU}")
def test_every_toolemu_tool_is_rated() -> None:
    toolkits = json.loads((TOOLEMU / "all_toolkits.json").read_text("utf-8"))
    names = [(t["toolkit"] + tool["name"], tool.get("summary")) for t in toolkits for tool in t["tools"]]
    assert len(names) == 330
    for name, summary in names:
        for facts in (name_facts(name), name_facts(name, None, summary)):
            assert facts.kind in ("read", "write", "delete", "send", "transfer", "execute", "unknown")
            assert 1 <= facts.risk <= 10 and facts.reversibility in ORDER
            assert facts.words and facts.base == name
    unknown = [n for n, _ in names if name_facts(n).kind == "unknown"]
    assert len(unknown) <= 5, unknown


@pytest.mark.parametrize(
    ("risky", "safe"),
    [
        ("send_money", "get_balance"),
        ("transfer_funds", "list_events"),
        ("delete_event", "list_events"),
        ("post_tweet", "search_emails"),
        ("GmailSendEmail", "GmailSearchEmails"),
        ("BankManagerTransferFunds", "get_balance"),
    ],
)
def test_risky_names_are_never_rated_like_reads(risky: str, safe: str) -> None:
    a, b = name_facts(risky), name_facts(safe)
    assert a.risk > b.risk and ORDER[a.reversibility] > ORDER[b.reversibility]


def test_split_of_mcp_names() -> None:
    facts = name_facts("mcp__github__create_pull_request")
    assert (facts.server, facts.base, facts.verb) == ("github", "create_pull_request", "create")
    assert facts.words == ["create", "pull", "request"]
    assert name_facts("mcp__weird").server == ""


def test_read_only_hint_wins() -> None:
    facts = name_facts("delete_everything", {"readOnlyHint": True})
    assert (facts.kind, facts.reversibility) == ("read", "reversible") and facts.risk <= 2


def test_destructive_hint_raises_the_floor() -> None:
    facts = name_facts("update_record", {"destructiveHint": True})
    assert facts.kind == "delete" and facts.risk >= 6 and facts.reversibility == "irreversible"
    assert name_facts("send_money", {"destructiveHint": True}).kind == "transfer"


def test_other_hints() -> None:
    assert name_facts("delete_cache", {"destructiveHint": False}).reversibility == "recoverable"
    assert name_facts("create_page", {"openWorldHint": True}).risk == name_facts("create_page").risk + 1
    assert name_facts("create_page", {"readOnlyHint": "yes"}).kind == "write"


def test_description_helps_a_name_without_verb() -> None:
    assert name_facts("weather").kind == "unknown"
    facts = name_facts("weather", None, "Get the weather forecast for a city")
    assert (facts.kind, facts.verb) == ("read", "get")


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=80),
    st.one_of(
        st.none(),
        st.dictionaries(
            st.sampled_from(["readOnlyHint", "destructiveHint", "openWorldHint", "idempotentHint"]),
            st.one_of(st.booleans(), st.none(), st.integers()),
        ),
    ),
    st.one_of(st.none(), st.text()),
)
def test_any_input_never_raises(name: str, annotations: Any, description: Any) -> None:
    facts = name_facts(name, annotations, description)
    assert 1 <= facts.risk <= 10
    assert all(isinstance(w, str) for w in facts.words)


def test_a_name_cut_to_its_limit_is_not_a_read() -> None:
    """The words past the limit are not read, so what they say is not known: `get_` many
    times, then `delete`, is rated unknown, not a read."""
    facts = name_facts("mcp__x__" + "get_" * 80 + "delete")
    assert facts.kind == "unknown" and facts.risk >= 5
    assert name_facts("mcp__x__" + "delete_" * 60).kind == "delete"


@pytest.mark.parametrize(
    "tool",
    ["mcp__crm__getDeleteUser", "mcp__crm__get_user__delete", "mcp__bank__get_balance_and_transfer"],
)
def test_shipped_policies_do_not_let_a_hidden_action_flow_as_a_read(tool: str) -> None:
    for policy in ("coding-agent", "business-agent", "strict", "ci"):
        guard = remit.Guard.from_path(POLICIES / f"{policy}.yaml")
        assert guard.check(tool, {"id": 3}, {"cwd": "/repo"}).decision.value != "allow", policy
        assert guard.check("mcp__crm__get_user", {"id": 3}, {"cwd": "/repo"}).decision.value == "allow"
