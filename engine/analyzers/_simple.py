"""The commonest command lines parsed without tree-sitter, to exactly the same result.

Most commands an agent runs are a few plain words, perhaps quoted, joined by `|`, `&&`, `||`
or `;`, with trailing redirections (`git status 2>&1 | tail -5`, `git commit -m "fix x"`).
`parse_simple` reads that shape with a few regexes and returns what `parse_bash` would
return for it; for anything else (expansions, backslashes, globs, keywords, heredocs,
newlines, assignments...) it returns None and the caller parses with tree-sitter.

The shape is narrower than the Bash it stands for on purpose: tree-sitter-bash has quirks
(`if@a` is the keyword `if` then `@a`, `0<f` reads `0` as a word that the walker takes back,
`cat - 2>f` drops the `-`, `a == b` is one argument) and a line goes through here only where
its tree is known to be the plain one. tests/test_analyzer_simple.py proves the two parsers
equal on every shell command of the corpora, the benchmark, the evasion suite and on
generated text.
"""

from __future__ import annotations

import functools
import re

from ._parsed import (
    FAILS,
    MARK,
    MAX_COMMANDS,
    MOVERS,
    MOVES,
    Parsed,
    RawCommand,
    Redirect,
    Word,
    runs_builtin,
)

MAX_SIMPLE_CHARS = 512
"""Longer lines go to tree-sitter. A line here holds at most 256 words, far from `MAX_NODES`;
one with more than `MAX_COMMANDS` commands goes to tree-sitter, whose walk reports it."""

_CHARS = r"[A-Za-z0-9_./:,+%@=~^-]"
"""Characters of an unquoted word (no glob, brace, expansion, escape, comment or `!`)."""
_QUOTED = r"'[^'\n\x00\ud800-\udfff]*'|\"[^\"$`\\\n\x00\ud800-\udfff]*\""
"""A single-quoted string, or a double-quoted one with nothing to expand or escape (and no
NUL or lone surrogate, which tree-sitter's UTF-8 turns into something else)."""
_WORD = rf"(?=[A-Za-z0-9_./:,+%@~^'\"-]){_CHARS}*(?:(?:{_QUOTED}){_CHARS}*)*"
"""A word not starting with `=` (`==` and `=~` are test operators to tree-sitter-bash),
written as `plain* (quoted plain*)*`, which matches in linear time."""
_REDIRECTION = rf"(?:[1-9]?(?:>>?|<)|&>>?)[ \t]*{_WORD}|[1-9]?>&[0-9]+"
_END = r"(?=[ \t|&;]|\Z)"
"""What may follow a word: `2>f` is a redirection, never the word `2` then `>f`."""


# The regexes are compiled on first use (each getter is cached): a process that checks no
# shell command, or only plain ones, does not compile the ones it never runs.
@functools.cache
def _command_re() -> re.Pattern[str]:
    """One simple command: a plain program name, words, trailing redirections, a separator."""
    return re.compile(
        # `(?=(?P<x>...))(?P=x)` matches `...` atomically (no backtracking into it, as Python
        # 3.10 has no atomic groups), so that a line that fails costs one pass, not one per word.
        rf"[ \t]*(?=(?P<body>[A-Za-z0-9_./][A-Za-z0-9_./+-]*{_END}(?:[ \t]+{_WORD}{_END})*))(?P=body)"
        rf"(?=(?P<redirects>(?:[ \t]+(?:{_REDIRECTION}){_END})*))(?P=redirects)"
        rf"[ \t]*(?:(?P<sep>\|\||&&|\||;)|\Z)"
    )


@functools.cache
def _split_re() -> re.Pattern[str]:
    """A word of a command with quotes."""
    return re.compile(r"(?=[^ \t])[^ \t'\"]*(?:(?:'[^']*'|\"[^\"]*\")[^ \t'\"]*)*")


@functools.cache
def _redirect_re() -> re.Pattern[str]:
    """One redirection: its descriptor, operator and target."""
    return re.compile(rf"([1-9]?)(>>|>&|>|<|&>>|&>)[ \t]*({_WORD})")


@functools.cache
def _quotes_re() -> re.Pattern[str]:
    """A quoted part of a word."""
    return re.compile(r"'[^']*'|\"[^\"]*\"")


# fmt: off
_KEYWORDS = frozenset(
    {
        "if", "then", "elif", "else", "fi", "case", "in", "esac", "for", "select", "while", "until",
        "do", "done", "function", "declare", "typeset", "export", "readonly", "local", "unset",
        "unsetenv", "time", "coproc",
    }
)
# fmt: on


@functools.cache
def _keyword_re() -> re.Pattern[str]:
    """Names tree-sitter-bash reads as a keyword, even glued to what follows (`if.x`)."""
    return re.compile(rf"(?:{'|'.join(sorted(_KEYWORDS))})(?![A-Za-z0-9_])")


def parse_simple(source: str, depth: int = 0) -> Parsed | None:
    """`parse_bash(source, depth)` for a line of plain commands, else None."""
    if len(source) > MAX_SIMPLE_CHARS:
        return None
    out = Parsed()
    at, end = 0, len(source)
    piped = after = False  # after `|`; after `|`, `&&` or `||`
    moving = False  # in a list after a move (`cd x && b`)
    pipeline = 0  # the commands of the pipeline so far
    command_re = _command_re()
    while True:
        match = command_re.match(source, at)  # anchored: one attempt per command, no scan
        if match is None:
            return None
        at = match.end()
        body, redirected, sep = match.group("body", "redirects", "sep")
        maybe = after or sep == "|"
        command = _command(body, redirected, piped, maybe, depth)
        if command is None:
            return None
        if MOVES.search(body) or (("'" in body or '"' in body) and _runs(command, MOVERS)):
            # `c && cd x`, `cd x; b`, `cd x && b || c`: see `MOVES` and `Parsed.assignments`
            if maybe or sep != "&&" or "||" in source or redirected:
                return None
            if _runs(command, FAILS):  # `cd x && b`: b runs in x only, what follows maybe not
                out.assignments.append((len(out.commands), "", MARK, "fork"))
                moving = True
        out.commands.append(command)
        # the list after the move ends at a separator other than `&&` and `|` (`cd x && a | b;
        # c`), and at a redirection: tree-sitter reads `cd x && a 2>&1 | b` and `cd x && a >f
        # && b` as the list up to `a` redirected, so the walker reads `b` from either place
        if moving and (redirected or (sep != "&&" and sep != "|")):
            out.assignments.append((len(out.commands), "", MARK, "fail"))
            moving = False
        pipeline = pipeline + 1 if piped else 1
        if pipeline > 2 and (sep == "&&" or sep == "||"):
            return None  # tree-sitter reads `a | b | c && d` as `a | b | (c && d)`: d piped
        if len(out.commands) > MAX_COMMANDS:
            return None
        if sep is None or at == end:
            return out if sep is None else None
        piped, after = sep == "|", sep != ";"  # `a && b`: b may not run, and reads the shell's stdin


def _runs(command: RawCommand, names: frozenset[str]) -> bool:
    """Whether `command` runs a builtin of `names`, as the walker reads it (`cd x`, `builtin
    "cd" x`)."""
    return runs_builtin([w.value for w in command.words[:6]], names)


def _command(body: str, redirected: str, piped: bool, maybe: bool, depth: int) -> RawCommand | None:
    if "'" in body or '"' in body:
        tokens = _split_re().findall(body)
        words = [Word(_unquote(t)) for t in tokens]
    else:  # no quotes: each word is its own value
        tokens = body.split()
        words = [Word(t) for t in tokens]
    head = tokens[0]
    # A first word of ASCII letters and digits is a keyword if it is one: no regex needed.
    if head in _KEYWORDS if head.isascii() and head.isalnum() else _keyword_re().match(body):
        return None
    if not redirected:
        return RawCommand(words, body, [], piped, None, depth, (), maybe)
    redirects: list[Redirect] = []
    for fd, op, target in _redirect_re().findall(redirected):
        if fd and tokens[-1] == "-":  # tree-sitter-bash drops the `-` of `cat - 2>f`
            return None
        redirects.append(Redirect(op, Word(_unquote(target)), op != "<" and op != ">&", fd))
    return RawCommand(words, body, redirects, piped, None, depth, (), maybe)


def _unquote(token: str) -> str:
    if "'" not in token and '"' not in token:
        return token
    return _quotes_re().sub(lambda m: m[0][1:-1], token)
