"""What the framework adapters share: the words a model reads, pending decisions, outcomes."""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from ..decision import Decision
from ..errors import LogError
from ..guard import Guard
from ..hook import explain

MAX_PENDING = 10_000
"""Decisions kept while their calls wait for a human or for the framework's next step."""
NOT_APPROVED = "it needs a human's approval and none was given"
HUMAN_SAID_NO = "a human did not approve it"


def refusal(decision: Decision, note: str = "") -> str:
    """What the model reads in place of the tool's output: reasons, deciding rules, ratings."""
    return "remit " + explain(decision, "blocked", note)


def question(decision: Decision) -> str:
    """What a person reads when remit asks: the call, reasons, deciding rules, ratings."""
    return "remit " + explain(decision, "asks a human to approve")


def failure(exc: BaseException) -> str:
    """What the model reads when the call could not be checked at all (it does not run)."""
    return f"remit could not check this call, so it is blocked: {str(exc) or type(exc).__name__}"


def record(guard: Guard, decision: Decision, outcome: str, *, by: str = "human", detail: str = "") -> None:
    """Log an answer to an ask; losing an outcome must not stop the agent."""
    latency_ms = max(0.0, (guard.clock() - decision.ts) * 1000)
    with contextlib.suppress(LogError):
        guard.record_outcome(decision, outcome, by=by, detail=detail, latency_ms=latency_ms)


def merge_ctx(given: Mapping[str, Any], derived: Mapping[str, Any]) -> dict[str, Any]:
    """The context a policy sees: what the framework tells, over what the user gave (labels merged)."""
    labels = {**_mapping(given.get("labels")), **_mapping(derived.get("labels"))}
    return {**given, **derived, "labels": labels}


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


class Pending:
    """Decisions made for calls that have not run yet, by call id (bounded, thread-safe).

    A call is checked once; the framework's later steps for the same call (its guardrail after
    an approval, a resumed graph, a permission prompt after a hook) find the decision here
    instead of deciding, and logging, a second time. A decision is found only for the same
    tool and the same arguments.
    """

    def __init__(self, limit: int = MAX_PENDING) -> None:
        self._items: OrderedDict[str, Decision] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def put(self, key: str, decision: Decision) -> None:
        """Remember the decision for call `key`; the oldest go first past the limit."""
        with self._lock:
            self._items[key] = decision
            self._items.move_to_end(key)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)

    def get(self, key: str | None, tool: str | None = None, args: Any = None) -> Decision | None:
        """The decision for call `key` (if `tool` is given: only for that tool and those arguments)."""
        if key is None:
            return None
        with self._lock:
            decision = self._items.get(key)
        if decision is None or (tool is not None and (decision.tool != tool or decision.args != args)):
            return None
        return decision

    def pop(self, key: str | None) -> None:
        """Forget call `key`: it has run, or it never will."""
        if key is not None:
            with self._lock:
                self._items.pop(key, None)
