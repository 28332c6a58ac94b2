"""remit's exceptions: one tree under `RemitError`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic

if TYPE_CHECKING:
    from .decision import Decision


class RemitError(Exception):
    """Base of every exception remit raises on purpose."""


class PolicyError(RemitError):
    """A policy could not be loaded; `diagnostics` holds every problem, sorted by position."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        summary = f"{first.span}: {first.message}" if first else "invalid policy"
        more = len(self.diagnostics) - 1
        super().__init__(summary + (f" (and {more} more)" if more > 0 else ""))


class Blocked(RemitError):
    """A guarded call was not allowed to run (blocked, or an ask that was denied or timed out)."""

    def __init__(self, decision: Decision, message: str | None = None) -> None:
        self.decision = decision
        super().__init__(message or decision.explain())


class LogError(RemitError):
    """The decision log could not be written."""
