"""remit: a declarative policy and guardrail engine for AI agents.

Rate each tool call on risk, reversibility and autonomy, route it to allow, ask or
block, and log the decision::

    import remit

    guard = remit.Guard.from_path("policies/coding-agent.yaml", log="decisions.jsonl")
    decision = guard.check("Bash", {"command": "git status && rm -rf ~"}, {"cwd": "/repo"})
    decision.decision  # Route.BLOCK
"""

from .compile import CompiledPolicy
from .decision import Decision, EvalError, PolicyRef, Ratings, Reason
from .diagnostics import Diagnostic, Span
from .errors import Blocked, LogError, PolicyError, RemitError
from .guard import Guard
from .load import check_policy, load_policy, load_text
from .log import DecisionLog
from .model import Policy, Reversibility, Route
from .testing import run_tests

__version__ = "0.1.0"

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
