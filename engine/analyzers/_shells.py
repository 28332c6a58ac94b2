"""How a shell reads its own arguments: where the `-c` script is, whether a script file runs.

Apart from the runners of `_runners.py` (which are loaded only by a call that uses one):
`bash -c ...` is common in agent calls, and `_facts.pipes_to_shell` reads the options of a
piped shell, so this stays small to load. fish, whose options are read by the general
reader of `_options.py`, loads it on first use.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from ._parsed import Word
from ._programs import reads_stdin

if TYPE_CHECKING:
    from ._options import Options


class ShellArgs(NamedTuple):
    """What a shell's arguments say: `sh [options] [-c CODE | SCRIPT] [args]` (a named
    tuple: a dataclass costs far more to define, and this module is loaded by shell calls)."""

    has_c: bool
    code: Word | None
    """The `-c` script (the first operand after the options), None without one."""
    script: bool
    """A script file runs (its first operand), not one read from stdin."""
    allexport: bool
    """`-a` or `-o allexport`: every variable set is exported."""
    init: tuple[Word, ...] = ()
    """Other code given in the options (`fish -C CMD`)."""


_BASH_LONG_VALUES = frozenset({"--rcfile", "--init-file"})
_ZSH_LONG_VALUES = frozenset({"--emulate"})


def shell_args(program: str, args: list[Word]) -> ShellArgs:
    """Read a shell's options as it does: bundled letters (`-euo pipefail`, `-xc`), `-o NAME`
    and `+o NAME` (`-O`/`+O` for bash's shopt), each `o` taking the next word (zsh also an
    attached name: `-oerrexit`), long options (`--rcfile FILE`), `-` or `--` ending them, and
    `-c` anywhere among them: its script is the first operand after them."""
    if program == "fish":
        return _fish_args(args)
    has_c = allexport = False
    i = 0
    while i < len(args):
        word = args[i]
        a = word.value
        if not word.static or len(a) < 2 or a[0] not in "-+":
            if word.static and a == "-":
                i += 1  # ends the options, as `--` does
            break
        i += 1
        if a == "--":
            break
        if a.startswith("--"):
            i += a in _BASH_LONG_VALUES or (program == "zsh" and a in _ZSH_LONG_VALUES)
            continue
        i, on_c, on_a = _shell_cluster(program, a, args, i)
        has_c = has_c or on_c
        allexport = on_a if on_a is not None else allexport
    if has_c:
        return ShellArgs(True, args[i] if i < len(args) else None, False, allexport)
    script = i < len(args) and not (args[i].static and reads_stdin(args[i].value))
    return ShellArgs(False, None, script, allexport)


def _shell_cluster(program: str, a: str, args: list[Word], i: int) -> tuple[int, bool, bool | None]:
    """Read one option word `a` (`-euo`, `+o`): (index after it and the names it takes, has
    `-c`, allexport turned on or off by it or None)."""
    on = a[0] == "-"
    has_c, allexport = False, None
    for k, ch in enumerate(a[1:], start=2):
        if ch in "oO":
            if program == "zsh" and k < len(a):  # `-oerrexit`: the name attached
                name = a[k:]
            else:
                name = args[i].value if i < len(args) else ""
                i += 1 if i < len(args) else 0
            if ch == "o" and name.replace("_", "").lower() == "allexport":  # zsh: ALL_EXPORT
                allexport = on
            if program == "zsh" and k < len(a):
                break
        elif ch == "c" and on:
            has_c = True
        elif ch == "a":
            allexport = on
    return i, has_c, allexport


@functools.cache
def _fish_options() -> Options:
    """fish's options, made on the first fish command."""
    from ._options import options

    return options(
        "c command C init-command d debug o debug-output p profile profile-startup f features",
        "i interactive l login n no-execute N no-config P private v version h help print-rusage-self "
        "print-debug-categories no-profile",
    )


def _fish_args(args: list[Word]) -> ShellArgs:
    """fish: `-c CMD` and `-C CMD` take their value (getopt), operands after the options."""
    from ._options import given, read_options

    read = read_options(args, _fish_options())
    codes = given(read, "c", "command")
    init = tuple(given(read, "C", "init-command"))
    if codes:
        return ShellArgs(True, codes[-1], False, False, init)
    rest = args[read.start :]
    script = bool(rest) and not (rest[0].static and reads_stdin(rest[0].value))
    return ShellArgs(False, None, script, False, init)
