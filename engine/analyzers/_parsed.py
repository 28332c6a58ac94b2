"""What a shell line parses to: its simple commands, their words and redirections.

Both parsers return it: `_simple.py` for the commonest lines, `_bash.py` (tree-sitter) for
the rest. Kept apart from `_bash.py` so that a line the plain reader takes loads no walker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_DEPTH = 20
"""Deepest nesting (subshells, substitutions, control structures, `bash -c`) analysed."""

MOVES = re.compile(r"\b(?:cd|pushd|popd|dirs)\b")
"""Text that may move the shell or change its directory stack (`cd`, `pushd`, `popd`, `dirs`,
and a word that only holds one): a branch whose commands hold it marks where it starts and
ends (see `Parsed.assignments`)."""
MOVERS = frozenset({"cd", "pushd", "popd"})
"""The builtins that move the shell (see `Parsed.assignments`)."""
FAILS = frozenset({"cd", "pushd"})
"""The `MOVERS` read as moves that may fail (to a directory that does not exist); a `popd` is
taken to succeed when its stack holds an entry."""
RUNNERS = frozenset({"builtin", "command", "time"})
"""Words before a builtin that still run it in the shell (`builtin cd x`, `command -p cd x`)."""


def runs_builtin(values: list[str], names: frozenset[str]) -> bool:
    """Whether the words `values` of a simple command (quotes removed) run a builtin of
    `names` in the shell: `cd x`, `"cd" x`, `builtin cd x`, `command -p -- cd x`, `time cd x`."""
    at = 0
    while at < len(values) and values[at] in RUNNERS:
        at += 1
        while at < len(values) and values[at][:1] == "-":  # `command -p`, `builtin --`
            at += 1
    return at < len(values) and values[at] in names


MAX_COMMANDS = 100
"""More simple commands than this in one call is not a command line but a payload: the
call is reported unparsed (the shipped policies ask) instead of analysed at length."""

MAX_BRACES = 64
"""Most words one brace expansion is read as; a word that gives more is not analysed."""
_BRACES = re.compile(r"(?<!\$)\{([^{}]*)\}")
"""An innermost brace group, not after `$` (`${A}` is a variable)."""
_SEQUENCE = re.compile(r"(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?")
_NUMBERED = re.compile(r"(?<!\$)\{-?\d+\.\.-?\d+(?:\.\.-?\d+)?\}")
"""A sequence of numbers (`{1..100}`, `{0..20..5}`)."""


@dataclass(slots=True)
class Word:
    """One shell word: its value with quotes removed, or its source text if not static."""

    value: str
    static: bool = True
    quoted: bool = False
    """A double-quoted expansion: no word splitting."""


MARK = Word("")
"""The value of the entries of `Parsed.assignments` that mark where a branch starts and ends."""


@dataclass(slots=True)
class Redirect:
    """A redirection: operator, target word, whether it writes a file, and the descriptor
    written before the operator (`3<f`: "3"; "" for none)."""

    op: str
    target: Word
    writes: bool
    fd: str = ""

    def gives_stdin(self) -> bool:
        """It gives the command's stdin from a file (`< f`, `0< f`; not `3< f`, nor `<> f`)."""
        return self.op == "<" and not self.writes and self.fd in ("", "0")


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
    maybe: bool = False
    """The command may not run, or runs in a shell of its own (`c && read A`, `if c; then f;
    fi`, `read A | x`): the variables it sets may keep the values they had."""


@dataclass(slots=True)
class Parsed:
    """Result of `parse_bash`: the commands, a syntax error if any, and expansion facts."""

    commands: list[RawCommand] = field(default_factory=list)
    error: str = ""
    substitutions: bool = False
    assignments: list[tuple[int, str, Word, str]] = field(default_factory=list)
    """Shell variables set (`a=rm`): (number of commands before it, name, value, kind). The
    kind is "" but for `local a=rm` outside a function's body ("local", which sets nothing
    where it runs outside a function) and for the entries with no name that mark where a
    branch that sets variables or may move the shell (`MOVES`) starts ("fork") and ends
    ("join"): a branch may not run, or runs in a shell of its own (`if c; then a=rm; fi`,
    `(a=rm)`, `c && cd x`). A branch that runs only when a `cd`, `pushd` or `popd` before
    it failed (`cd x || b`) starts with "undo": it runs where the call was before the move.
    One that ends the shell (`c || exit`) ends with "end": what follows runs only where it
    did not. A `cd` or `pushd` (`FAILS`) whose failure nothing checks (`cd x; b`, `cd x && b
    || c`), and the list of one that `&&` checks (`cd x && b`, for what follows it), are
    branches that end with "fail": the call may stay where it was. A loop's ends with
    "loop"; a shell of its own (`(cd x)`, a part of a pipeline, `cd x &`) with "shell": what
    it moves does not reach what follows."""
    bare_writes: list[tuple[int, Word]] = field(default_factory=list)
    """Files written by a redirection with no command (`> f` truncates f): (number of
    commands before it, target)."""
    functions: list[tuple[int, str, str]] = field(default_factory=list)
    """Shell functions defined (`f() { rm -rf "$1"; }`): (number of commands before it,
    name, the source of its body)."""


def brace_words(text: str) -> list[str] | None:
    """The words bash's brace expansion makes of `text` (`a{b,c}` gives `ab`, `ac`;
    `{1..3}` gives 1, 2, 3), innermost groups first; None past `MAX_BRACES` words."""
    pending, done = [text], []
    while pending:
        current = pending.pop()
        group = next((m for m in _BRACES.finditer(current) if "," in m[1] or _SEQUENCE.fullmatch(m[1])), None)
        if group is None:
            done.append(current)
        else:
            head, tail = current[: group.start()], current[group.end() :]
            sequence = _SEQUENCE.fullmatch(group[1])
            parts = _sequence(sequence) if sequence else group[1].split(",")
            if parts is None:
                return None
            pending.extend(f"{head}{p}{tail}" for p in reversed(parts))
        if len(pending) + len(done) > MAX_BRACES:
            return None
    return done


def _sequence(found: re.Match[str]) -> list[str] | None:
    """The words of `{1..3}`, `{a..c}`, `{1..9..2}`; None past `MAX_BRACES`."""
    first, last, step = found[1], found[2], abs(int(found[3] or 1)) or 1
    if first.lstrip("-").isdigit() != last.lstrip("-").isdigit():
        return None
    start, end = (int(first), int(last)) if first.lstrip("-").isdigit() else (ord(first), ord(last))
    if abs(end - start) // step >= MAX_BRACES:
        return None
    values = range(start, end + (1 if end >= start else -1), step if end >= start else -step)
    return [str(v) if first.lstrip("-").isdigit() else chr(v) for v in values]


def numbered(text: str) -> bool:
    """Whether every brace group of `text` is a sequence of numbers (`f{1..500}.txt`): its
    words differ in digits only."""
    return "{" not in _NUMBERED.sub("", text)
