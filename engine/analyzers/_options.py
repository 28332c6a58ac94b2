"""Reading a program's options the way the program does, to find the operand after them.

Each program that runs a command it is given (`_runners.py`, `_jobs.py`) describes its options
as an `Options`: which take a value, which only an attached one, which are known at all (an
unknown one hides where the command starts), whether letters bundle (`-qc`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._parsed import Word
from ._programs import SHELLS

if TYPE_CHECKING:
    from ._unwrap import _Unwrapper

Result = list[Word] | None
"""What a reader of a program returns to `_Unwrapper.step`: the inner words, the words
themselves to stop, or None when it ran what they run."""


def names(text: str) -> frozenset[str]:
    """Option names from a blank-separated list: letters and long names alike."""
    return frozenset(text.split())


def aliases(text: str) -> dict[str, str]:
    """`name:alias` pairs from a blank-separated list (an empty alias for none)."""
    return dict(pair.partition(":")[::2] for pair in text.split())


@dataclass(frozen=True, slots=True)
class Options:
    """What a program's options look like, enough to find the operand after them."""

    values: frozenset[str] = frozenset()
    """Options that take a value: the next word, or attached (`-pVAL`, `--name=VAL`)."""
    optional: frozenset[str] = frozenset()
    """Options whose value is only attached (`-m[FILE]`, `--mount[=FILE]`), read as flags, and
    with the value given among the values."""
    flags: frozenset[str] | None = frozenset()
    """Every other option the program knows; None: any other option is one word."""
    stops: frozenset[str] = frozenset()
    """Options after which no command runs (`chrt -p`, `ssh-agent -k`)."""
    clusters: bool = True
    """Single-letter options bundle (`-qc`); else each word is one option (`faketime -m`)."""
    equals: bool = False
    """A long option takes its value only after `=` (`valgrind --tool=x`)."""
    ends: bool = False
    """A word that is not a known option is the first operand, `--` too (`faketime -1d cmd`:
    `-1d` is the timestamp)."""
    rest: frozenset[str] = frozenset()
    """Options whose value is every word after them, a command and its arguments (`xterm -e
    cmd args`, `nix develop -c cmd args`, `fd -x cmd args`)."""
    pairs: frozenset[str] = frozenset()
    """Options of `values` that take a second word too (`nix-shell --arg NAME EXPR`): their
    value reads `NAME=EXPR`."""
    short_equals: bool | None = None
    """How a letter's attached value after `=` reads (`-x=rm`): True, without the `=` (clap,
    cobra); False, with it (GNU getopt: `=rm`); None, not known: without it, and the runner is
    code not shown."""


def options(
    values: str = "",
    flags: str | None = "",
    optional: str = "",
    stops: str = "",
    clusters: bool = True,
    equals: bool = False,
    ends: bool = False,
    rest: str = "",
    pairs: str = "",
    short_equals: bool | None = None,
) -> Options:
    known = None if flags is None else names(flags)
    return Options(
        names(values),
        names(optional),
        known,
        names(stops),
        clusters,
        equals,
        ends,
        names(rest),
        names(pairs),
        short_equals,
    )


def merged(*specs: Options) -> Options:
    """The options of all `specs` in one table (a program's global options and those of its
    subcommand, which it reads alike); the first spec gives the syntax."""
    first = specs[0]
    known = (
        None if any(s.flags is None for s in specs) else frozenset().union(*(s.flags or () for s in specs))
    )
    return Options(
        frozenset().union(*(s.values for s in specs)),
        frozenset().union(*(s.optional for s in specs)),
        known,
        frozenset().union(*(s.stops for s in specs)),
        first.clusters,
        first.equals,
        first.ends,
        frozenset().union(*(s.rest for s in specs)),
        frozenset().union(*(s.pairs for s in specs)),
        first.short_equals,
    )


@dataclass(frozen=True, slots=True)
class Read:
    """Where a program's options end: the index of its first operand, and what was met."""

    start: int
    unknown: bool = False
    stop: bool = False
    values: tuple[tuple[str, Word], ...] = ()
    """The options given a value, in order, by name (`("c", Word("ls"))`)."""
    flags: frozenset[str] = frozenset()
    """The other options met, by name (`-qs` gives `q` and `s`)."""
    ended: bool = False
    """The options ended with `--`: what follows is an operand, whatever it looks like."""
    tail: tuple[Word, ...] | None = None
    """The words an option of `Options.rest` takes (`-e cmd args`), None if none was met."""

    def flag(self, *names: str) -> bool:
        """Whether one of the options `names` was met."""
        return not self.flags.isdisjoint(names)


def read_options(args: list[Word], spec: Options) -> Read:
    """Read the options at the head of `args` (up to the first operand or `--`)."""
    i, unknown, stop, ended = 0, False, False, False
    values: list[tuple[str, Word]] = []
    flags: list[str] = []
    while i < len(args):
        a = args[i].value
        if not args[i].static or a[:1] != "-" or a == "-" or (spec.ends and not known(a, spec)):
            break
        i += 1
        if a == "--":
            ended = True
            break
        if a.startswith("--") or not spec.clusters:
            name, eq, value = a[2 if a[1] == "-" else 1 :].partition("=")
            if name in spec.rest:
                return _with_tail(
                    len(args), unknown, stop, values, flags, [Word(value)] * bool(eq) + args[i:]
                )
            if name in spec.values:
                if eq or spec.equals:
                    values.append((name, Word(value)))
                elif i < len(args):
                    values.append((name, args[i]))
                    i += 1
                if name in spec.pairs and i < len(args):
                    values[-1] = _paired(values[-1], args[i])  # `--arg NAME EXPR`
                    i += 1
            else:
                flags.append(name)
                unknown = unknown or not known(a, spec)
                if eq and name in spec.optional:  # `nsenter --wd=/etc`: its value too
                    values.append((name, Word(value)))
            stop = stop or name in spec.stops
            continue
        for k, ch in enumerate(a[1:], start=2):
            stop = stop or ch in spec.stops
            if ch in spec.rest or ch in spec.values:
                attached, odd = _attached(a[k:], spec)
                unknown = unknown or odd
            if ch in spec.rest:
                return _with_tail(
                    len(args), unknown, stop, values, flags, [Word(attached)] * (k < len(a)) + args[i:]
                )
            if ch in spec.values:
                if k < len(a):
                    values.append((ch, Word(attached)))
                elif i < len(args):
                    values.append((ch, args[i]))
                    i += 1
                if ch in spec.pairs and i < len(args):
                    values[-1] = _paired(values[-1], args[i])
                    i += 1
                break
            flags.append(ch)
            if ch in spec.optional:
                if k < len(a):  # `nsenter -w/etc`: its value, attached
                    values.append((ch, Word(a[k:])))
                break
            if spec.flags is not None and ch not in spec.flags:
                unknown = True
    return Read(i, unknown, stop, tuple(values), frozenset(flags), ended)


def _paired(value: tuple[str, Word], second: Word) -> tuple[str, Word]:
    """The value of an option that takes two words (`--set-env-var NAME VALUE`) as `NAME=VALUE`."""
    name, first = value
    return name, Word(f"{first.value}={second.value}", first.static and second.static)


def _attached(value: str, spec: Options) -> tuple[str, bool]:
    """A letter's attached value (`-xrm`, `-x=rm`) as the program reads it, and whether that is
    not known: clap and cobra drop a leading `=`, getopt keeps it."""
    if not value.startswith("=") or spec.short_equals is False:
        return value, False
    return value[1:], spec.short_equals is None


def _with_tail(
    end: int, unknown: bool, stop: bool, values: list[tuple[str, Word]], flags: list[str], tail: list[Word]
) -> Read:
    """The options read up to one that takes every word after it (`-e cmd args`)."""
    return Read(end, unknown, stop, tuple(values), frozenset(flags), False, tuple(tail))


@dataclass(frozen=True, slots=True)
class Permuted:
    """A program's arguments read as GNU getopt, clap or cobra read them: options anywhere
    before `--`, the other words operands."""

    operands: list[Word]
    command: list[Word] | None
    """The words after `--` or after an option of `Options.rest`; None without either."""
    read: Read
    """All the options met (`start`: where the command starts, or the end)."""


def read_permuted(args: list[Word], spec: Options) -> Permuted:
    """Read options and operands in any order, up to `--`, an option that takes the words after
    it, or one after which nothing runs (`stops`)."""
    operands: list[Word] = []
    values: list[tuple[str, Word]] = []
    flags: set[str] = set()
    unknown = stop = ended = False
    tail: tuple[Word, ...] | None = None
    i = 0
    while i < len(args):
        read = read_options(args[i:], spec)
        values += read.values
        flags |= read.flags
        unknown, stop, ended, tail = unknown or read.unknown, stop or read.stop, read.ended, read.tail
        i += read.start
        if tail is not None or ended or stop:
            break
        if i < len(args):
            operands.append(args[i])
            i += 1
    command = list(tail) if tail is not None else args[i:] if ended else None
    return Permuted(operands, command, Read(i, unknown, stop, tuple(values), frozenset(flags), ended, tail))


def known(word: str, spec: Options) -> bool:
    """Whether the option word `word` (`-m`, `--date-prog`) is one `spec` names."""
    name = word[2 if word[1:2] == "-" else 1 :].partition("=")[0]
    if spec.flags is None or name in spec.flags:
        return True
    return name in spec.values or name in spec.optional or name in spec.rest


def given(read: Read, *names: str) -> list[Word]:
    """The values of the options `names` (each spelling), in order."""
    return [value for name, value in read.values if name in names]


def plain_shell(value: Word) -> bool:
    """`hyperfine --shell X`, `watchexec --shell X`: X is a shell that reads `-c` as bash does,
    or `none`."""
    name = value.value.split()[0].rpartition("/")[2] if value.static and value.value.split() else ""
    return name in SHELLS or name in ("none", "default")


def run_after(u: _Unwrapper, program: str, words: list[Word], inner: list[Word], unknown: bool) -> Result:
    """Run `inner` through `program`; with an option not known, `words` first as code not shown."""
    if not inner:
        return words
    if unknown:
        u.opaque(words)
    u.wrappers.append(program)
    return inner


def after_runner(
    u: _Unwrapper, program: str, words: list[Word], inner: list[Word], codes: list[Word], hidden: bool
) -> Result:
    """Emit the runner `words` as they are (code not shown if `hidden`), run its shell strings
    `codes`, then go on with the command `inner` it runs."""
    u.dynamic = u.dynamic or hidden
    u.emit(words, runs_input=hidden)
    return then_run(u, program, inner, codes)


def then_run(u: _Unwrapper, program: str, inner: list[Word], codes: list[Word]) -> Result:
    """Run the shell strings `codes` of `program`, then go on with the command `inner`."""
    for code in codes:
        u.run_string(code, program)
    if not inner:
        return None
    u.wrappers.append(program)
    return inner


def set_env(u: _Unwrapper, values: list[Word]) -> None:
    """Add the assignments a runner's options give the command it runs (`firejail --env=A=1`,
    `tmux new -e A=1`) to its environment; one not known statically is written as it is."""
    if values:
        u.own = [*u.own, *(w.value for w in values)]


def run_elsewhere(u: _Unwrapper, values: list[Word]) -> None:
    """The command runs in a container or on another host (`docker exec`, `vagrant ssh -c`),
    as `ssh host cmd` does: none of this shell's environment reaches it, only the assignments
    its runner passes (`docker exec -e A=1`); `-e A` passes the value A has here, `A=$A`."""
    u.inherited = u.exported = u.own = []
    set_env(u, [w if "=" in w.value else Word(f"{w.value}=${w.value}", False) for w in values])
