"""What an awk program writes: the files its `print` and `printf` statements redirect to.

To the shell analyzer awk is a reader (its operands are files it reads), but its program
can write any file: `awk '{print > "/etc/hosts"}'`. The program is read here just far
enough to find those redirections: strings set aside, in each statement holding a `print`
or `printf`, the first `>`, `>>` or `|` after it and outside parentheses (`print (a > b)`
compares) redirects to the rest of the statement. A target that is one string
constant is the path; any other expression (`$1 ".out"`, a variable) names a file known
only when the program runs: it is written `<awk: EXPR>`, which counts as outside any
directory. A program that runs a command (`print | "sh"`, `"cmd" | getline`, `system()`)
may write anything: `<awk: runs a command>`. gawk's `-i inplace` rewrites the files it
reads. A program read from a file (`-f prog.awk`) is not seen.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._command import Command

AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
FILE_OPTIONS = frozenset({"f", "file", "E", "exec"})
"""Options whose value is the file of awk source that is the program."""
SOURCE_OPTIONS = frozenset({"e", "source"})
"""Options whose value is awk source text (gawk)."""
INCLUDE_OPTIONS = frozenset({"i", "include"})
"""gawk's library includes: the program is still the first operand (`-i inplace`)."""
VALUE_OPTIONS = frozenset({"F", "field-separator", "v", "assign", "W", "l", "load"})
"""The other options that take a value."""
IN_PLACE = frozenset({"inplace", "inplace.awk"})

_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_STATEMENT = re.compile(r"[;{}\n]")
_TOKENS = re.compile(r"[()]|\bprintf?\b|>>|[<>=!]=|>|\|\||\|&?")
"""What `_redirect_target` follows: parentheses, `print`, and `>` told from `>=`, `==`...,
`|` from `||`."""
_RUNS = re.compile(r"\|&?\s*getline\b|\bsystem\s*\(")
"""A command run outside a print: `"cmd" | getline`, `system("cmd")`."""
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
MAX_PROGRAM = 16 * 1024
"""A longer program is not read: it may write anywhere (real ones are a few hundred bytes)."""


def awk_writes(cmd: Command) -> list[str]:
    """The files the awk program(s) of `cmd` redirect output to, and those `-i inplace`
    rewrites (see the module docstring)."""
    sources, _, includes = read_line(cmd)
    out = [w for program in sources for w in program_writes(program)]
    if not IN_PLACE.isdisjoint(includes):
        out.extend(awk_files(cmd))
    return out


def awk_files(cmd: Command) -> list[str]:
    """The files an awk command line reads: its operands after the program, but the
    `name=value` assignments awk takes among them, and those its program reads with
    `getline < FILE` (`program_reads`)."""
    sources, operands, _ = read_line(cmd)
    files = [f for f in operands if not _ASSIGNMENT.match(f)]
    for program in sources:
        if "getline" in program:
            files.extend(program_reads(program))
    return files


def read_line(cmd: Command) -> tuple[list[str], list[str], list[str]]:
    """(program texts, operands, gawk includes) of an awk command line. The texts are the
    `-e`/`--source` values, else the first operand, unless the program comes from a file (`-f`)."""
    found = cmd.__dict__.get("_awk_line")  # asked for the writes and for the reads
    if found is not None:
        return found  # type: ignore[no-any-return]
    args = cmd.args
    sources: list[str] = []
    includes: list[str] = []
    from_file = False
    i = 0
    while i < len(args):
        name, value = _split_option(args[i])
        if name is None:  # the operands start here
            break
        i += 1
        if name == "":  # `--`
            break
        if name in FILE_OPTIONS or name in SOURCE_OPTIONS or name in VALUE_OPTIONS or name in INCLUDE_OPTIONS:
            if value is None:  # the value is the next word
                value = args[i] if i < len(args) else ""
                i += 1
            if name in SOURCE_OPTIONS:
                sources.append(value)
            elif name in INCLUDE_OPTIONS:
                includes.append(value)
            from_file = from_file or name in FILE_OPTIONS
    operands = args[i:]
    if not sources and not from_file and operands:
        sources, operands = [operands[0]], operands[1:]
    cmd.__dict__["_awk_line"] = found = (sources, operands, includes)
    return found


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
    if len(program) > MAX_PROGRAM:
        return ["<awk: a program too long to read>"]
    if "\x00" in program:  # a NUL would pass for a string's mark
        return ["<awk: a NUL in the program>"]
    strings: list[str] = []

    def aside(m: re.Match[str]) -> str:
        strings.append(m.group(0))
        return f"\x00{len(strings) - 1}\x00"

    out: list[str] = []
    for statement in _STATEMENT.split(_STRING.sub(aside, program)):
        if _RUNS.search(statement):
            out.append("<awk: runs a command>")
        found = _redirect_target(statement)
        if found is None:
            continue
        operator, target = found
        if operator.startswith("|"):  # `print | "sort > out"`: a shell runs the rest
            out.append("<awk: runs a command>")
            continue
        if target.startswith("(") and target.endswith(")") and target.count("(") == 1:
            target = target[1:-1].strip()  # `> ("out.txt")`
        literal = _PLACEHOLDER.fullmatch(target)
        if literal is not None:
            out.append(_unquote(strings[int(literal.group(1))]))
        elif target:
            shown = _PLACEHOLDER.sub(lambda m: strings[int(m.group(1))], target)
            out.append(f"<awk: {shown}>")
    return out


@functools.cache
def _getline_from() -> re.Pattern[str]:
    """`getline < FILE` (`getline line < ".env"`, `getline < f`): the file read, as its first
    token (a string set aside, a field, a variable, or `(` of an expression). Compiled on the
    first program that holds `getline`."""
    return re.compile(
        r"\bgetline\b(?:[ \t]*(?:\$[0-9A-Za-z_]+|[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?))?[ \t]*<(?!=)[ \t]*"
        r"(\x00\d+\x00|\$[0-9A-Za-z_]+|[A-Za-z_][A-Za-z0-9_]*|\()"
    )


def program_reads(program: str) -> list[str]:
    """The files an awk program reads with `getline < FILE`: a string constant is the path;
    any other expression names a file known only when the program runs (`<awk: EXPR>`)."""
    if len(program) > MAX_PROGRAM:
        return ["<awk: a program too long to read>"]
    if "\x00" in program:  # a NUL would pass for a string's mark (`program_writes` names it)
        return []
    strings = _STRING.findall(program)
    at = iter(range(len(strings)))
    text = _STRING.sub(lambda _: f"\x00{next(at)}\x00", program)
    out: list[str] = []
    for m in _getline_from().finditer(text):
        literal = _PLACEHOLDER.fullmatch(m.group(1))
        out.append(_unquote(strings[int(literal.group(1))]) if literal else f"<awk: {m.group(1)}...>")
    return out


def _redirect_target(statement: str) -> tuple[str, str] | None:
    """The first `>`, `>>`, `|` or `|&` outside parentheses after a `print` or `printf` of
    the statement (strings already set aside) and what follows it, or None."""
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
        elif printing and depth == 0 and token in (">", ">>", "|", "|&"):
            return token, statement[m.end() :].strip()
    return None


def _unquote(literal: str) -> str:
    """An awk string constant's text (the common escapes undone)."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), literal[1:-1])
