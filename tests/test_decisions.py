"""Decision cases as data: every case in tests/data/decisions/*.yaml must decide as it says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import remit
from tests.conftest import DATA, POLICIES


def _cases() -> list[Any]:
    out = []
    for file in sorted((DATA / "decisions").glob("*.yaml")):
        for doc in yaml.safe_load_all(file.read_text()):
            policy = doc.get("policy")
            policy_file = doc.get("policy_file")
            for case in doc["cases"]:
                out.append(pytest.param(policy, policy_file, case, id=f"{file.stem}: {case['note']}"))
    return out


def _guard(policy: dict[str, Any] | None, policy_file: str | None) -> remit.Guard:
    if policy_file is not None:
        return remit.Guard.from_path(POLICIES / policy_file)
    return remit.Guard.from_text(yaml.safe_dump(policy))


@pytest.mark.parametrize(("policy", "policy_file", "case"), _cases())
def test_decision_case(policy: dict[str, Any] | None, policy_file: str | None, case: dict[str, Any]) -> None:
    guard = _guard(policy, policy_file)
    ctx = {"session_id": "case"}
    for earlier in case.get("history", []):
        guard.check(earlier["tool"], earlier.get("args", {}), {**ctx, **earlier.get("ctx", {})})
    call = case["call"]
    decision = guard.check(call["tool"], call.get("args", {}), {**ctx, **call.get("ctx", {})})
    expect = case["expect"]
    assert decision.decision.value == expect["decision"], decision.explain()
    if "rule" in expect:
        assert expect["rule"] in [r.id for r in decision.reasons], decision.explain()
    if "effective" in expect:
        assert decision.effective.value == expect["effective"]
    if "risk" in expect:
        assert decision.ratings.risk == expect["risk"]
    if "reversibility" in expect:
        assert decision.ratings.reversibility == expect["reversibility"]


def test_cases_exist() -> None:
    assert len(_cases()) >= 25
    assert Path(DATA / "decisions").is_dir()
