"""Reading a program's options the way the program does, to find the operand after them.

Each program that runs a command it is given (`_runners.py`, `_jobs.py`) describes its options
as an `Options`: which take a value, which only an attached one, which are known at all (an
unknown one hides where the command starts), whether letters bundle (`-qc`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._parsed import Word

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
    """Options whose value is only attached (`-m[FILE]`, `--mount[=FILE]`)."""
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


def options(
    values: str = "",
    flags: str | None = "",
    optional: str = "",
    stops: str = "",
    clusters: bool = True,
    equals: bool = False,
    ends: bool = False,
) -> Options:
    known = None if flags is None else names(flags)
    return Options(names(values), names(optional), known, names(stops), clusters, equals, ends)


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

    def flag(self, *names: str) -> bool:
        """Whether one of the options `names` was met."""
        return not self.flags.isdisjoint(names)


def read_options(args: list[Word], spec: Options) -> Read:
    """Read the options at the head of `args` (up to the first operand or `--`)."""
    i, unknown, stop = 0, False, False
    values: list[tuple[str, Word]] = []
    flags: list[str] = []
    while i < len(args):
        a = args[i].value
        if not args[i].static or a[:1] != "-" or a == "-" or (spec.ends and not _known(a, spec)):
            break
        i += 1
        if a == "--":
            break
        if a.startswith("--") or not spec.clusters:
            name, eq, value = a[2 if a[1] == "-" else 1 :].partition("=")
            if name in spec.values:
                if eq or spec.equals:
                    values.append((name, Word(value)))
                elif i < len(args):
                    values.append((name, args[i]))
                    i += 1
            else:
                flags.append(name)
                unknown = unknown or not _known(a, spec)
            stop = stop or name in spec.stops
            continue
        for k, ch in enumerate(a[1:], start=2):
            stop = stop or ch in spec.stops
            if ch in spec.values:
                if k < len(a):
                    values.append((ch, Word(a[k:])))
                elif i < len(args):
                    values.append((ch, args[i]))
                    i += 1
                break
            flags.append(ch)
            if ch in spec.optional:
                break
            if spec.flags is not None and ch not in spec.flags:
                unknown = True
    return Read(i, unknown, stop, tuple(values), frozenset(flags))


def _known(word: str, spec: Options) -> bool:
    """Whether the option word `word` (`-m`, `--date-prog`) is one `spec` names."""
    name = word[2 if word[1:2] == "-" else 1 :].partition("=")[0]
    return spec.flags is None or name in spec.values or name in spec.optional or name in spec.flags


def given(read: Read, *names: str) -> list[Word]:
    """The values of the options `names` (each spelling), in order."""
    return [value for name, value in read.values if name in names]


def run_after(u: _Unwrapper, program: str, words: list[Word], inner: list[Word], unknown: bool) -> Result:
    """Run `inner` through `program`; with an option not known, `words` first as code not shown."""
    if not inner:
        return words
    if unknown:
        u.opaque(words)
    u.wrappers.append(program)
    return inner


def set_env(u: _Unwrapper, values: list[Word]) -> None:
    """Add the assignments a runner's options give the command it runs (`firejail --env=A=1`,
    `tmux new -e A=1`) to its environment; one not known statically is written as it is."""
    if values:
        u.own = [*u.own, *(w.value for w in values)]
