"""What an import produces: the result, the rules on their way to YAML, and the one error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import RemitError


class ImportFailed(RemitError):
    """The input could not be read as the configuration it claims to be (one-line message)."""


@dataclass(frozen=True)
class Untranslated:
    """A source rule that was not turned into a remit rule, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """A complete remit policy in YAML, what could not be translated, and warnings."""

    yaml: str
    untranslated: list[Untranslated]
    warnings: list[str]


@dataclass(frozen=True)
class Sample:
    """A call that a translated rule must match, used to generate the policy's `tests:`."""

    tool: str
    args: dict[str, Any]
    ctx: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleOut:
    """A translated rule: a remit rule plus the comments that say where it came from."""

    id: str
    decision: str
    tools: tuple[str, ...]
    when: str | None
    comments: tuple[str, ...] = ()
    reason: str | None = None
    sample: Sample | None = None
    rank: int = 0
    """Position in the source's own order of precedence (Gemini: priority order)."""


@dataclass
class Collected:
    """Everything an importer gathers before the policy is written."""

    rules: list[RuleOut] = field(default_factory=list)
    untranslated: list[Untranslated] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def skip(self, source: str, reason: str) -> None:
        """Record a source rule that is not translated."""
        self.untranslated.append(Untranslated(source, reason))
