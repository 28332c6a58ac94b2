"""What an awk program writes: the files its `print` and `printf` statements redirect to.

To the shell analyzer awk is a reader (its operands are files it reads), but its program
can write any file: `awk '{print > "/etc/hosts"}'`. The program is read here just far
enough to find those redirections: strings set aside, in each statement holding a `print`
or `printf`, the first `>` or `>>` after it and outside parentheses (`print (a > b)`
compares) redirects to the rest of the statement. A target that is one string
constant is the path; any other expression (`$1 ".out"`, a variable) names a file known
only when the program runs: it is written `<awk: EXPR>`, which counts as outside any
directory. A program read from a file (`-f prog.awk`) is not seen.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._command import Command

AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
FILE_OPTIONS = frozenset({"f", "file", "i", "include", "E", "exec"})
"""Options whose value is a file of awk source."""
SOURCE_OPTIONS = frozenset({"e", "source"})
"""Options whose value is awk source text (gawk)."""
VALUE_OPTIONS = frozenset({"F", "field-separator", "v", "assign", "W", "l", "load"})
"""The other options that take a value."""

_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_STATEMENT = re.compile(r"[;{}\n]")
_TOKENS = re.compile(r"[()]|\bprintf?\b|>>|[<>=!]=|>")
"""What `_redirect_target` follows: parentheses, `print`, and `>` told from `>=`, `==`..."""
_WHOLE_GROUP = re.compile(r"\(.*\)", re.DOTALL)
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
MAX_PROGRAM = 16 * 1024
"""A longer program is not read: it may write anywhere (real ones are a few hundred bytes)."""


def awk_writes(cmd: Command) -> list[str]:
    """The files the awk program(s) of `cmd` redirect output to (see the module docstring)."""
    out: list[str] = []
    for program in read_line(cmd)[0]:
        out.extend(program_writes(program))
    return out


def awk_files(cmd: Command) -> list[str]:
    """The files an awk command line reads: its operands after the program, but the
    `name=value` assignments awk takes among them."""
    return [f for f in read_line(cmd)[1] if not _ASSIGNMENT.match(f)]


def read_line(cmd: Command) -> tuple[list[str], list[str]]:
    """(program texts, operands) of an awk command line. The texts are the `-e`/`--source`
    values, else the first operand, unless the program comes from a file (`-f`)."""
    args = cmd.args
    sources: list[str] = []
    from_file = False
    i = 0
    while i < len(args):
        name, value = _split_option(args[i])
        if name is None:  # the operands start here
            break
        i += 1
        if name == "":  # `--`
            break
        if name in FILE_OPTIONS or name in SOURCE_OPTIONS or name in VALUE_OPTIONS:
            if value is None:  # the value is the next word
                value = args[i] if i < len(args) else ""
                i += 1
            if name in SOURCE_OPTIONS:
                sources.append(value)
            from_file = from_file or name in FILE_OPTIONS
    operands = args[i:]
    if not sources and not from_file and operands:
        sources, operands = [operands[0]], operands[1:]
    return sources, operands


def _split_option(arg: str) -> tuple[str | None, str | None]:
    """(option name, attached value) of an option word: ("", None) for `--`, (None, None)
    for an operand."""
    if not arg.startswith("-") or arg == "-":
        return None, None
    if arg == "--":
        return "", None
    if arg.startswith("--"):
        name, eq, value = arg[2:].partition("=")
        return name, value if eq else None
    return arg[1], arg[2:] or None  # `-F,`, `-vn=1`, `-fprog.awk`


def program_writes(program: str) -> list[str]:
    """The redirection targets of the `print`/`printf` statements of one awk program."""
    if len(program) > MAX_PROGRAM or "\x00" in program:  # a NUL would pass for a string's mark
        return [
            "<awk: a program too long to read>"
            if len(program) > MAX_PROGRAM
            else "<awk: a NUL in the program>"
        ]
    strings: list[str] = []

    def aside(m: re.Match[str]) -> str:
        strings.append(m.group(0))
        return f"\x00{len(strings) - 1}\x00"

    out: list[str] = []
    for statement in _STATEMENT.split(_STRING.sub(aside, program)):
        target = _redirect_target(statement)
        if target is None:
            continue
        while _WHOLE_GROUP.fullmatch(target) and target.count("(") == 1:  # `> ("out.txt")`
            target = target[1:-1].strip()
        literal = _PLACEHOLDER.fullmatch(target)
        if literal is not None:
            out.append(_unquote(strings[int(literal.group(1))]))
        elif target:
            shown = _PLACEHOLDER.sub(lambda m: strings[int(m.group(1))], target)
            out.append(f"<awk: {shown}>")
    return out


def _redirect_target(statement: str) -> str | None:
    """What follows the first `>` or `>>` outside parentheses after a `print` or `printf`
    of the statement (strings already set aside), or None."""
    if "print" not in statement:
        return None
    depth, printing = 0, False
    for m in _TOKENS.finditer(statement):
        token = m.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        elif token.startswith("print"):
            printing = printing or depth == 0
        elif printing and depth == 0 and token in (">", ">>"):
            return statement[m.end() :].strip()
    return None


def _unquote(literal: str) -> str:
    """An awk string constant's text (the common escapes undone)."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), literal[1:-1])
