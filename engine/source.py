"""A policy document read from text: plain data plus where each piece came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostic, Span

Path = tuple[str | int, ...]


@dataclass
class Source:
    """What a reader (YAML or DSL) returns: the same plain data shape for both forms.

    `positions` maps a field path such as `("rules", 0, "block")` to the span of its
    value; for a string value the span is where the text itself starts (inside the
    quotes), so positions inside a CEL condition can be derived from it.
    """

    file: str
    text: str
    data: dict[str, Any] | None
    positions: dict[Path, Span] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def span(self, path: Path) -> Span:
        """The span of `path`, or of its nearest ancestor that has one."""
        while path:
            found = self.positions.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.positions.get((), Span(self.file, 1, 1))
