"""remit: a declarative policy and guardrail engine for AI agents.

Rate each tool call on risk, reversibility and autonomy, route it to allow, ask or
block, and log the decision::

    import remit

    guard = remit.Guard.from_path("policies/coding-agent.yaml", log="decisions.jsonl")
    decision = guard.check("Bash", {"command": "git status && rm -rf ~"}, {"cwd": "/repo"})
    decision.decision  # Route.BLOCK

The names below are imported on first use (PEP 562): `import remit` alone loads nothing
else, so a short-lived process such as `remit hook` pays only for the modules it uses.
"""

from __future__ import annotations

from .exports import lazy_exports

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `typing` costs a hook call milliseconds
if TYPE_CHECKING:
    from .compile import CompiledPolicy
    from .decision import Decision, EvalError, PolicyRef, Ratings, Reason
    from .diagnostics import Diagnostic, Span
    from .errors import Blocked, LogError, PolicyError, RemitError
    from .guard import Guard
    from .load import check_policy, load_policy, load_text
    from .log import DecisionLog
    from .model import Policy
    from .testing import run_tests
    from .vocab import Reversibility, Route

__version__ = "0.1.0"

_WHERE: dict[str, str] = {
    "Blocked": "errors",
    "CompiledPolicy": "compile",
    "Decision": "decision",
    "DecisionLog": "log",
    "Diagnostic": "diagnostics",
    "EvalError": "decision",
    "Guard": "guard",
    "LogError": "errors",
    "Policy": "model",
    "PolicyError": "errors",
    "PolicyRef": "decision",
    "Ratings": "decision",
    "Reason": "decision",
    "RemitError": "errors",
    "Reversibility": "vocab",
    "Route": "vocab",
    "Span": "diagnostics",
    "check_policy": "load",
    "load_policy": "load",
    "load_text": "load",
    "run_tests": "testing",
}
"""The module under `remit` that defines each public name."""

__all__ = [
    "Blocked",
    "CompiledPolicy",
    "Decision",
    "DecisionLog",
    "Diagnostic",
    "EvalError",
    "Guard",
    "LogError",
    "Policy",
    "PolicyError",
    "PolicyRef",
    "Ratings",
    "Reason",
    "RemitError",
    "Reversibility",
    "Route",
    "Span",
    "__version__",
    "check_policy",
    "load_policy",
    "load_text",
    "run_tests",
]


__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
