"""What a check returns: the decision, the ratings, and who decided it and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from .vocab import Route

if TYPE_CHECKING:
    from .redact_policy import CompiledRedaction


class Ratings(NamedTuple):
    """A call's rating on the three dimensions."""

    risk: int
    reversibility: str
    autonomy: int

    def as_dict(self) -> dict[str, Any]:
        """The ratings as plain data."""
        return {"risk": self.risk, "reversibility": self.reversibility, "autonomy": self.autonomy}


class Reason(NamedTuple):
    """One rule, route or fallback that took part in a decision."""

    id: str
    kind: str  # "rule", "route", "default", "error", "shadow"
    decision: Route
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The reason as plain data."""
        return {"id": self.id, "kind": self.kind, "decision": self.decision.value, "message": self.message}


class EvalError(NamedTuple):
    """A rule, rating or route that could not be evaluated, and why."""

    id: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The error as plain data."""
        return {"id": self.id, "message": self.message}


class PolicyRef(NamedTuple):
    """Which policy decided: name, version and content hash."""

    name: str
    version: str
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        """The reference as plain data."""
        return {"name": self.name, "version": self.version, "sha256": self.sha256}


@dataclass(slots=True)
class Decision:
    """The outcome of one check; treat it as read-only.

    `decision` is the policy's verdict. In shadow mode the verdict is only recorded and
    the call goes ahead: `effective` is what the caller must do.
    """

    # `Guard` builds decisions with positional arguments (half the cost of keywords, on every
    # call): a new field goes last, with a default.

    id: str
    decision: Route
    ratings: Ratings
    reasons: tuple[Reason, ...]
    errors: tuple[EvalError, ...]
    mode: str
    policy: PolicyRef
    tool: str
    args: Any
    ctx: dict[str, Any]
    ts: float
    latency_us: float
    rated_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    shadow: tuple[Reason, ...] = ()
    redaction: CompiledRedaction | None = field(default=None, repr=False, compare=False)
    """The deciding policy's redaction: what shows the call to a person (an approver) hides
    what the log hides."""

    @property
    def effective(self) -> Route:
        """What the caller must do: the verdict, or allow when the policy is in shadow mode."""
        return Route.ALLOW if self.mode == "shadow" else self.decision

    @property
    def allowed(self) -> bool:
        """True when the call may run without asking anyone."""
        return self.effective is Route.ALLOW

    @property
    def reason(self) -> str:
        """The messages of the deciding reasons, joined."""
        return "; ".join(r.message for r in self.reasons if r.message)

    def explain(self) -> str:
        """A one-line account of the decision for people."""
        verdict = self.decision.value
        if self.mode == "shadow":
            verdict = f"would {verdict} (shadow mode: allowed)"
        who = ", ".join(f"{r.kind} `{r.id}`" for r in self.reasons)
        r = self.ratings
        tool = self.tool or "the call"  # (a call with no tool name)
        text = f"{verdict}: {tool} (risk {r.risk}, {r.reversibility}, autonomy {r.autonomy})"
        text += f" by {who}" if who else ""
        return text + (f": {self.reason}" if self.reason else "")

    def as_dict(self) -> dict[str, Any]:
        """The decision as plain data (the `remit check --format json` shape)."""
        return {
            "id": self.id,
            "decision": self.decision.value,
            "effective": self.effective.value,
            "mode": self.mode,
            "tool": self.tool,
            "ratings": self.ratings.as_dict(),
            "rated_by": {k: list(v) for k, v in self.rated_by.items()},
            "reasons": [r.as_dict() for r in self.reasons],
            "shadow": [r.as_dict() for r in self.shadow],
            "errors": [e.as_dict() for e in self.errors],
            "policy": self.policy.as_dict(),
            "latency_us": round(self.latency_us, 1),
        }
