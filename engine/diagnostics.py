"""Problems found in a policy: data with a stable code and a position."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Span:
    """Where something is in a source file (1-based line and column)."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def shifted(self, line_offset: int, column: int) -> Span:
        """The span `line_offset` lines below this one, at `column` (for text inside a value)."""
        if line_offset == 0:
            return Span(self.file, self.line, self.column + column - 1)
        return Span(self.file, self.line + line_offset, column)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


UNKNOWN = Span("<unknown>", 1, 1)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: a stable `code` (`parse.*`, `schema.*`, `cel.*`, `lint.*`) and a position."""

    code: str
    message: str
    span: Span
    severity: Severity = "error"
    hint: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The diagnostic as plain data (the `--format json` shape)."""
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
        }
        if self.hint:
            out["hint"] = self.hint
        return out


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    """Order diagnostics by position, then code."""
    return (d.span.file, d.span.line, d.span.column, d.code)


def sorted_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics by position, duplicates removed."""
    return sorted(set(items), key=sort_key)


def render(d: Diagnostic, source: str | None = None) -> str:
    """A diagnostic for people: `file:line:col: code: message`, the line, a caret, the hint."""
    head = f"{d.span}: {d.severity}[{d.code}]: {d.message}"
    lines = [head]
    if source is not None:
        text_lines = source.splitlines()
        if 0 < d.span.line <= len(text_lines):
            text = text_lines[d.span.line - 1]
            lines.append(f"  {d.span.line:>4} | {text}")
            width = 1
            if d.span.end_line == d.span.line and d.span.end_column:
                width = max(1, d.span.end_column - d.span.column)
            lines.append("       | " + " " * (d.span.column - 1) + "^" * width)
    if d.hint:
        lines.append(f"  hint: {d.hint}")
    return "\n".join(lines)
