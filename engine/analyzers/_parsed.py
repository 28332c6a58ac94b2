"""What a shell line parses to: its simple commands, their words and redirections.

Both parsers return it: `_simple.py` for the commonest lines, `_bash.py` (tree-sitter) for
the rest. Kept apart from `_bash.py` so that a line the plain reader takes loads no walker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_DEPTH = 20
"""Deepest nesting (subshells, substitutions, control structures, `bash -c`) analysed."""

MAX_COMMANDS = 100
"""More simple commands than this in one call is not a command line but a payload: the
call is reported unparsed (the shipped policies ask) instead of analysed at length."""


@dataclass(slots=True)
class Word:
    """One shell word: its value with quotes removed, or its source text if not static."""

    value: str
    static: bool = True
    quoted: bool = False
    """A double-quoted expansion: no word splitting."""


@dataclass(slots=True)
class Redirect:
    """A redirection: operator, target word and whether it writes a file."""

    op: str
    target: Word
    writes: bool


@dataclass(slots=True)
class RawCommand:
    """A simple command as the parser sees it, before any interpretation."""

    words: list[Word]
    text: str
    redirects: list[Redirect] = field(default_factory=list)
    piped: bool = False
    stdin_text: str | None = None
    depth: int = 0
    env: tuple[str, ...] = ()
    """The assignments written before the command (`A=1 cmd`), each `NAME=value` (quotes
    removed) or, when the value is not static, as written."""


@dataclass(slots=True)
class Parsed:
    """Result of `parse_bash`: the commands, a syntax error if any, and expansion facts."""

    commands: list[RawCommand] = field(default_factory=list)
    error: str = ""
    substitutions: bool = False
    assignments: list[tuple[int, str, Word]] = field(default_factory=list)
    """Shell variables set (`a=rm`): (number of commands before it, name, value)."""
    bare_writes: list[tuple[int, Word]] = field(default_factory=list)
    """Files written by a redirection with no command (`> f` truncates f): (number of
    commands before it, target)."""
