"""Run a policy's own `tests:`: each call must get the decision (and rule) it expects."""

from __future__ import annotations

from dataclasses import dataclass

from .compile import CompiledPolicy
from .decision import Decision
from .guard import Guard
from .model import PolicyTest

TEST_SESSION = "remit-test"


@dataclass(frozen=True)
class TestResult:
    """The outcome of one policy test."""

    index: int
    test: PolicyTest
    decision: Decision
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when the decision is the one expected."""
        return not self.problems

    @property
    def title(self) -> str:
        """The test's name, or its number and call."""
        return self.test.name or f"test #{self.index + 1} ({self.test.call.tool})"


def run_tests(policy: CompiledPolicy) -> list[TestResult]:
    """Run every test of the policy, each in a fresh session (its `history` decided first)."""
    results = []
    for index, test in enumerate(policy.tests):
        guard = Guard(policy)
        ctx_base = {"session_id": TEST_SESSION}
        for earlier in test.history:
            guard.check(earlier.tool, dict(earlier.args), {**ctx_base, **earlier.ctx})
        decision = guard.check(test.call.tool, dict(test.call.args), {**ctx_base, **test.call.ctx})
        results.append(TestResult(index, test, decision, _problems(test, decision)))
    return results


def _problems(test: PolicyTest, decision: Decision) -> tuple[str, ...]:
    expect = test.expect
    problems = []
    deciders = [r.id for r in decision.reasons]
    if decision.decision is not expect.decision:
        problems.append(f"expected {expect.decision.value}, got {decision.decision.value}")
    if expect.rule is not None and expect.rule not in deciders:
        problems.append(
            f"expected rule `{expect.rule}` to decide, decided by {', '.join(f'`{d}`' for d in deciders)}"
        )
    if expect.risk is not None and decision.ratings.risk != expect.risk:
        problems.append(f"expected risk {expect.risk}, got {decision.ratings.risk}")
    if expect.reversibility is not None and decision.ratings.reversibility != expect.reversibility.value:
        problems.append(f"expected {expect.reversibility.value}, got {decision.ratings.reversibility}")
    return tuple(problems)
