"""The DSL's vocabulary, and the wording shared by its syntax errors and its lowering."""

from __future__ import annotations

import difflib

from .diagnostics import Diagnostic, Span

__all__ = [
    "DECISIONS",
    "KNOWN_KEYS",
    "REVERSIBILITY",
    "STATEMENTS",
    "did_you_mean",
    "join",
    "ternary_diagnostic",
]

# fmt: off
STATEMENTS = ("policy", "version", "description", "mode", "defaults", "unknown", "include",
              "autonomy", "tool", "rate", "allow", "ask", "block", "shadow", "enforce", "route", "test",
              "redact", "drop")
# fmt: on
DECISIONS = ("allow", "ask", "block")
REVERSIBILITY = ("reversible", "recoverable", "irreversible")
KNOWN_KEYS = {
    "risk": "5",
    "autonomy": "5",
    "reversibility": "recoverable",
    "raises": "[fact]",
    "description": '"..."',
    "domain": "finance",
    "aliases": "[name]",
    "on_error": "block",
    "non_interactive": "block",
    "decision": "ask",
}
"""Keys that take a value, each with an example value for hints."""


def did_you_mean(word: str, choices: tuple[str, ...]) -> str | None:
    """A hint naming the choice closest to a misspelt `word`, if one is close."""
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else None


def join(words: list[str]) -> str:
    """`a`, `b` or `c`."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def ternary_diagnostic(span: Span) -> Diagnostic:
    """A `?` at depth 0 in a `rate ... when` condition (the condition ends at its `:`)."""
    return Diagnostic(
        "parse.unparenthesized_ternary",
        "a ternary in a `rate ... when` condition must be in parentheses",
        span,
        hint="the condition ends at the first `:` outside brackets: write `when (a ? b : c): risk ...`",
    )
