"""The policies remit ships: each lints clean, passes its own tests, exercises every rule,
has a DSL twin that loads to the same model, and lets ordinary coding work flow."""

from __future__ import annotations

from pathlib import Path

import pytest

import remit
from remit.lint import lint_paths
from remit.replay import replay
from tests.conftest import CORPORA, POLICIES

SHIPPED = ("coding-agent", "strict", "ci", "business-agent")
SEVERITY = {"allow": 0, "ask": 1, "block": 2}
CLAUDE_CODE_BOUND = 0.05
"""Most coding-agent may ask or block on the Claude Code corpus: measured 2.3% (28 asks, 0
blocks of 1195 calls: pushes, package installs, edits outside the project); see
policies/README.md."""


def _forms(name: str) -> tuple[Path, Path]:
    return POLICIES / f"{name}.yaml", POLICIES / f"{name}.remit"


@pytest.mark.parametrize("name", SHIPPED)
def test_ships_in_both_forms_with_its_intent(name: str) -> None:
    for path in _forms(name):
        text = path.read_text()
        assert text.startswith(f"# {name}: "), f"{path.name} should open with a comment saying what it is for"
    assert name in (POLICIES / "README.md").read_text()


@pytest.mark.parametrize("name", SHIPPED)
def test_lints_clean(name: str) -> None:
    assert [d.code for d in lint_paths(list(_forms(name)))] == []


@pytest.mark.parametrize("name", SHIPPED)
def test_yaml_and_dsl_forms_load_to_the_same_model(name: str) -> None:
    from_yaml, from_dsl = (remit.load_policy(p) for p in _forms(name))
    assert from_yaml.models[0] == from_dsl.models[0]
    assert from_yaml.models[0].name == name


@pytest.mark.parametrize("name", SHIPPED)
def test_own_tests_pass_and_exercise_every_rule(name: str) -> None:
    policy = remit.load_policy(_forms(name)[0])
    results = remit.run_tests(policy)
    assert len(results) >= 25
    assert [(r.title, r.problems) for r in results if not r.passed] == []
    decided = {reason.id for r in results for reason in r.decision.reasons}
    rated = {ident for r in results for ids in r.decision.rated_by.values() for ident in ids}
    assert [r.id for r in policy.rules if r.id not in decided] == []
    assert [r.id for r in policy.routes if r.id not in decided] == []
    assert [r.id for r in policy.ratings if r.id not in rated] == []
    outcomes = {r.decision.decision.value for r in results}
    assert outcomes == ({"allow", "block"} if name == "ci" else {"allow", "ask", "block"})


GUARDS = {name: remit.Guard.from_path(POLICIES / f"{name}.yaml") for name in ("coding-agent", "strict", "ci")}


def _coding_calls() -> list[tuple[str, remit.PolicyTest]]:
    out = []
    for name in ("coding-agent", "strict", "ci"):
        out += [(f"{name}: {t.name}", t) for t in remit.load_policy(_forms(name)[0]).tests]
    return out


@pytest.mark.parametrize(("title", "test"), _coding_calls(), ids=[t for t, _ in _coding_calls()])
def test_strict_and_ci_never_loosen_coding_agent(title: str, test: remit.PolicyTest) -> None:
    call = test.call
    ctx = {**call.ctx, "session_id": title}
    decisions = {name: guard.check(call.tool, call.args, ctx) for name, guard in GUARDS.items()}
    baseline = SEVERITY[decisions["coding-agent"].decision.value]
    assert SEVERITY[decisions["strict"].decision.value] >= baseline, decisions["strict"].explain()
    assert SEVERITY[decisions["ci"].decision.value] >= baseline, decisions["ci"].explain()
    assert decisions["ci"].decision.value != "ask", "ci has nobody to ask"


@pytest.mark.skipif(not (CORPORA / "claude-code").is_dir(), reason="no shared corpora beside this checkout")
def test_ordinary_coding_work_flows() -> None:
    result = replay(POLICIES / "coding-agent.yaml", CORPORA / "claude-code")
    assert result.calls > 1000
    stopped = result.decisions["ask"] + result.decisions["block"]
    assert stopped / result.calls < CLAUDE_CODE_BOUND, result.decisions
    assert result.decisions["block"] == 0, "nothing in these real sessions deserves a block"
