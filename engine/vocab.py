"""The words a decision is made of, and the plain values a compiled policy keeps.

`model.py` validates what a policy says (with pydantic); a decision needs none of that,
only the routes, the reversibility levels, the policy's default routes and what it
declares about its tools. They live here, free of the model, so that a process which
loads a compiled policy from the cache (`remit hook`, once per tool call) decides
without importing the model at all.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class _Word(str, Enum):
    """A word of the policy language: its text is its value (`enum.StrEnum` from Python 3.11)."""

    def __str__(self) -> str:
        return str.__str__(self)


class Route(_Word):
    """A decision: what happens to a tool call."""

    ALLOW = "allow"
    ASK = "ask"
    BLOCK = "block"


class Reversibility(_Word):
    """How far an action can be taken back, in increasing order of gravity."""

    REVERSIBLE = "reversible"
    RECOVERABLE = "recoverable"
    IRREVERSIBLE = "irreversible"


REVERSIBILITY_ORDER = {r.value: i for i, r in enumerate(Reversibility)}
STRICTNESS = {Route.ALLOW: 0, Route.ASK: 1, Route.BLOCK: 2}


@dataclass(frozen=True, slots=True)
class DefaultRoutes:
    """A policy's `defaults:`: what happens when nothing decides, or a rule cannot be evaluated."""

    decision: Route = Route.ASK
    on_error: Route = Route.BLOCK
    non_interactive: Route = Route.BLOCK
    """What an `ask` becomes where no human can answer."""


@dataclass(frozen=True, slots=True)
class ToolInfo:
    """What a policy declares about one tool (`tools:`): aliases, domain, baseline ratings."""

    aliases: tuple[str, ...] = ()
    domain: str | None = None
    description: str | None = None
    risk: int | None = None
    reversibility: Reversibility | None = None
    autonomy: int | None = None
    annotations: dict[str, bool] = field(default_factory=dict)
    name: str = ""
    """The name it is declared under (its aliases are other names for it)."""


class Deferred(Generic[T]):
    """A value that a pickle stores apart and loads only when it is first read.

    A cached policy keeps its validated models (its tests, the model of each file) this
    way: lint and `remit test` read them, a decision never does, and loading them would
    import the model and pydantic.
    """

    __slots__ = ("_data", "_value")

    def __init__(self, value: T) -> None:
        self._value: T | None = value
        self._data: bytes | None = None

    def get(self) -> T:
        """The value (unpickled now, if it was stored apart and not read yet)."""
        data = self._data
        if data is not None:
            self._value = pickle.loads(data)
            self._data = None
        return self._value  # type: ignore[return-value]

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        data = self._data  # not read since it was loaded: stored again as it came
        if data is None:
            data = pickle.dumps(self._value, protocol=pickle.HIGHEST_PROTOCOL)
        return _stored, (data,)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Deferred) and self.get() == other.get()

    __hash__ = None  # type: ignore[assignment]  # equal by value, which may be mutable

    def __repr__(self) -> str:
        return "Deferred(...)" if self._data is not None else f"Deferred({self._value!r})"


def _stored(data: bytes) -> Deferred[Any]:
    """A `Deferred` from its pickle, left unread."""
    value: Deferred[Any] = Deferred(None)
    value._data = data
    return value
