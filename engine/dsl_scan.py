"""Split DSL text into logical lines: one statement each, brackets and strings checked.

A newline ends a statement unless a bracket is open or the next line is indented or starts
with `||`/`&&`. Comments are blanked out (so no column moves), and every bracket and string
problem is reported here, positioned, before the statement reaches the parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, Span
from .dsl_words import STATEMENTS

__all__ = ["Chunk", "depth0", "logical_lines"]

_CLOSER = {"(": ")", "[": "]", "{": "}"}

# Strings (CEL's four kinds, JSON's is one of them), comments, brackets, the rest.
_SCAN = re.compile(
    r'(?P<str>"""(?:[^"\\]|\\[^\n]|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\[^\n]|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\[^\n])*"|\'(?:[^\'\\\n]|\\[^\n])*\')'
    r"|(?P<quote>[\"'])|(?P<comment>\#[^\n]*)|(?P<open>[(\[{])|(?P<close>[)\]}])"
    r"|(?P<nl>\n)|(?P<other>[^\"'#()\[\]{}\n]+)"
)
_STATEMENT_START = re.compile(r"(?:" + "|".join(STATEMENTS) + r")[ \t]|@")
_CONTINUATION = re.compile(r"[ \t]+\S|[ \t]*(?:\|\||&&)")


@dataclass
class Chunk:
    """One logical line: its text from the start of its first line, comments blanked."""

    file: str
    line: int
    source: str
    start: int
    text: str = ""
    problems: list[Diagnostic] = field(default_factory=list)
    brackets: list[tuple[str, int]] = field(default_factory=list)
    depth: int = 0
    last: bool = False

    def locate(self, offset: int) -> tuple[int, int]:
        """The file line and column of an offset into `text` (known while it is being built)."""
        before = self.source[self.start : self.start + offset]
        newlines = before.count("\n")
        column = offset - (before.rfind("\n") + 1) + 1
        return self.line + newlines, column

    def span(self, offset: int, length: int = 1) -> Span:
        """A span of `length` characters at `offset` (on one line)."""
        line, column = self.locate(offset)
        return Span(self.file, line, column, line, column + max(length, 1))

    def problem(self, code: str, message: str, offset: int, hint: str) -> None:
        self.problems.append(Diagnostic(code, message, self.span(offset), hint=hint))

    def open(self, char: str, offset: int) -> None:
        self.brackets.append((char, offset))
        self.depth = max(self.depth, len(self.brackets))

    def close(self, char: str, offset: int) -> None:
        if not self.brackets:
            self.problem("parse.unmatched_bracket", f"`{char}` closes nothing", offset,
                         "remove it, or open the bracket it closes")  # fmt: skip
            return
        opener, _ = self.brackets.pop()
        if _CLOSER[opener] != char:
            self.problem("parse.mismatched_bracket", f"`{char}` closes `{opener}`", offset,
                         f"close `{opener}` with `{_CLOSER[opener]}`")  # fmt: skip

    def take(self, kind: str | None, value: str, offset: int) -> str:
        """Check one scanned piece of the statement; the text it adds (a comment, blanked)."""
        if kind == "comment":
            return " " * len(value)
        if kind == "quote":
            self.problem("parse.unterminated_string", "this string is not closed on its line", offset,
                         f"close it with `{value}`")  # fmt: skip
        elif kind == "open":
            self.open(value, offset)
        elif kind == "close":
            self.close(value, offset)
        return value

    def unclosed(self) -> None:
        """Report the innermost bracket still open, and forget them all."""
        if self.brackets:
            opener, at = self.brackets[-1]
            self.problem("parse.unclosed_bracket", f"`{opener}` is never closed", at,
                         f"close it with `{_CLOSER[opener]}`")  # fmt: skip
            self.brackets.clear()


def logical_lines(text: str, file: str) -> Iterator[Chunk]:
    """Split `text` into statements; check brackets and strings on the way."""
    chunk, parts = Chunk(file, 1, text, 0), list[str]()
    for m in _SCAN.finditer(text):
        kind, value, at = m.lastgroup, m.group(), m.start() - chunk.start
        if kind == "nl" and chunk.brackets and _STATEMENT_START.match(text, m.end()):
            chunk.unclosed()  # a statement keyword at column 1: the bracket was left open
        if kind == "nl" and not chunk.brackets and not _CONTINUATION.match(text, m.end()):
            chunk.text = "".join(parts)
            yield chunk
            chunk, parts = Chunk(file, chunk.line + 1 + chunk.text.count("\n"), text, m.end()), []
            continue
        parts.append(chunk.take(kind, value, at))
    chunk.unclosed()
    chunk.text = "".join(parts)
    yield chunk


def depth0(text: str, char: str) -> int | None:
    """The offset of the first `char` outside brackets and strings in `text`, or None."""
    depth = 0
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        depth += (kind == "open") - (kind == "close")
        if kind == "other" and depth == 0 and char in m.group():
            return m.start() + m.group().index(char)
    return None
