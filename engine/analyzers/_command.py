"""`Command`: one simple command of a shell call, as policy conditions see it."""

from __future__ import annotations

from typing import Any, ClassVar

from mypy_extensions import mypyc_attr

from ..celrt_core import CelObject
from ._lazy import lazy
from ._programs import (
    FIND_VALUE_TESTS,
    FLAG_ALIASES,
    GIT_LONG_OPTIONS,
    GLOBAL_VALUE_OPTIONS,
    HARMLESS_TARGETS,
    SINGLE_DASH_LONG,
    SUBCOMMAND_PROGRAMS,
)
from ._pycode import inert_paths, inline_program

NO_ENV: list[str] = []
"""The `env` of a command run with no assignment (shared: never changed in place)."""


@mypyc_attr(native_class=False)  # its `lazy` facts are stored in the instance's __dict__
class Command(CelObject):
    """A simple command: `program`, `argv`, flags, written redirect targets, wrappers and
    the environment assignments it runs with.

    `has_flag(name)` knows the short and long spellings of common programs (`rm -R` is
    `rm --recursive`, `git push -f` is `--force`); `arg(i)` is `args[i]` or "".
    `dynamic_args` are the arguments only run time knows that the program may read as an
    option or an action.

    `env` lists the assignments in effect for the command as written, each `NAME=value` (or
    `NAME+=value`), in order: those of the scripts it was unwrapped from (`A=1 bash -c 'cmd'`,
    `env A=1 sh -c`, `su -c`, `eval`, `xargs sh -c`, `find -exec sh -c`), variables set before
    it in its shell, then its own (`A=1 cmd`, `env A=1 cmd`, `sudo A=1 cmd`). Variables set
    before it are those exported (`export A=1; cmd`, `declare -x`, `set -a`) and every plain
    assignment (`A=1; cmd`, `local A=1`, `A[0]=1`): bash passes its new value on when the
    name is already exported, and the agent's environment (not shown by the call) often
    exports `PAGER` or `EDITOR`. So are the variables builtins and loops set (`read A`,
    `mapfile A`, `printf -v A`, `getopts o A`, `for A in`, `select A in`, `let A=1`,
    `((A++))`) and those `tmux setenv` puts in the environment of later panes. A value that
    is not static is its source text (`A=$(x)`, the list of a loop), `$((A))` when
    arithmetic sets it, or `$A` when only run time knows it (`read A`): the name is always first.
    """

    cel_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "program",
            "argv",
            "args",
            "flags",
            "redirects",
            "text",
            "wrappers",
            "dynamic",
            "dynamic_args",
            "subcommand",
            "env",
            "inert_code",
            "reroutes_urls",
        }
    )
    cel_methods: ClassVar[frozenset[str]] = frozenset({"has_flag", "arg"})
    _alias_map: dict[str, str]
    """The flag aliases of the program, set with `_canonical` by the first `has_flag`."""
    split: list[bool] | None = None
    """For a `find` with arguments only run time knows: which of its arguments are expansions
    outside double quotes, which the shell splits into words (`$N`, `"x"$N`); None when not
    known (each such argument then counts as split)."""
    moves_to: list[str | None] | None = None
    """For a `cd` or `pushd` whose directory only run time knows (`cd "$d"`): the directories
    the variables known make it, each None when not known; None when it uses none known."""

    # Positional too: the shell analyzer makes one per command and passes them in this order
    # (keywords cost a name lookup each on the per-call path).
    def __init__(
        self,
        argv: list[str],
        static: list[bool] | None = None,
        text: str = "",
        writes_to: list[str] | None = None,
        reads_from: list[str] | None = None,
        wrappers: list[str] | None = None,
        dynamic: bool = False,
        piped: bool = False,
        depth: int = 0,
        cwd: str | None = None,
        stdin: str | None = None,
        fills: list[str] | None = None,
        runs_input: bool = False,
        env: list[str] = NO_ENV,
    ) -> None:
        self.argv = argv
        self.static = static = static if static is not None else [True] * len(argv)
        first = argv[0] if argv else ""
        if "/" in first and (not static or static[0]):
            first = first.rstrip("/").rpartition("/")[2]
        self.program = first
        self.args = argv[1:]
        self.text = text
        self.redirects = [t for t in writes_to if t not in HARMLESS_TARGETS] if writes_to else []
        self.reads_from = reads_from or []
        self.wrappers = wrappers = wrappers or []
        self.dynamic = dynamic or not all(static)
        self.piped = piped
        self.depth = depth
        self.cwd = cwd
        """Where relative paths resolve: None = the call's cwd (or relative to it), "?" unknown."""
        self.stdin = stdin
        self.fills = fills or []
        """What `{}` stands for (`find -exec`); `<stdin>` marks `xargs` input."""
        if wrappers and "xargs" in wrappers:
            self.fills = ["<stdin>"]
        self.runs_input = runs_input
        """The command is code only known at run time (`xargs sh -c`, `sh -c "$(...)"`, keys
        sent to a terminal by `tmux send-keys`, an `at` job read from a file or a pipe, a
        runner whose command its options hide): like text piped into a shell."""
        self.env = env
        self._canonical: frozenset[str] | None = None

    @lazy
    def subcommand(self) -> str:
        """The action of a subcommand-style program (`push` in `git -C x push`), else ""."""
        return _subcommand(self.program, self.args)

    @lazy
    def flags(self) -> list[str]:
        """Flag names: `-rf` gives `r`, `f`; `--output=x` gives `output` (and for git, the full
        name of an abbreviated long option: `--har` also gives `hard`)."""
        found = _flags(self.program, self.args)
        return _git_unabbreviated(found, self.subcommand) if found and self.program == "git" else found

    @lazy
    def dynamic_args(self) -> list[str]:
        """The arguments only run time knows that the program may read as an option or an
        action: every one, except the quoted values of `find`'s tests (`"$N"` of
        `find / -name "$N"` names files; `$ACTION` of `find / $ACTION` may be `-delete`, and
        so may `$N` of `find / -name $N`, split into words at run time)."""
        static = self.static[1:]
        if all(static):
            return []
        if self.program == "find":
            return _find_dynamic(self.args, static, self.split)
        return [a for a, s in zip(self.args, static, strict=False) if not s]

    @lazy
    def code_reads(self) -> list[str] | None:
        """For `python3 -c PROGRAM` whose program only computes and prints, the paths it
        opens to read (`_pycode`); None for any other command."""
        program = inline_program(self)
        return None if program is None else inert_paths(program)

    @lazy
    def inert_code(self) -> bool:
        """The command is `python3 -c PROGRAM` whose program was read and only computes and
        prints: pure modules, files opened only to be read (see `_pycode`)."""
        return self.code_reads is not None

    @lazy
    def reroutes_urls(self) -> bool:
        """git is told to rewrite URLs to another host or path (`url.<base>.insteadOf`): see
        `http.reroutes_urls`."""
        from .http import reroutes_urls  # here: http.py imports this module

        return reroutes_urls(self)

    def __repr__(self) -> str:
        return f"Command({self.argv!r}, wrappers={self.wrappers!r})"

    def has_flag(self, name: Any) -> bool:
        """True if the command carries flag `name` (`r`, `-r`, `--recursive`) or an alias."""
        flags = self.flags
        if not flags or not isinstance(name, str):  # no flags: no name can match
            return False
        wanted = name.lstrip("-").split("=", 1)[0]
        if not wanted:
            return False
        canonical = self._canonical
        if canonical is None:  # the first question: the aliases and flags are kept for the next
            aliases = self._alias_map = self._aliases()
            canonical = self._canonical = frozenset(map(aliases.get, flags, flags))
        else:
            aliases = self._alias_map
        return aliases.get(wanted, wanted) in canonical

    def arg(self, index: Any) -> str:
        """The argument at `index` (0 is the first after the program), or ""."""
        if isinstance(index, bool) or not isinstance(index, int):
            return ""
        return self.args[index] if 0 <= index < len(self.args) else ""

    def positionals(self) -> list[str]:
        """Arguments that are not options (everything after `--` counts)."""
        out: list[str] = []
        ended = False
        for a in self.args:
            if not ended and a == "--":
                ended = True
            elif ended or not a.startswith("-") or a == "-":
                out.append(a)
        return out

    def _aliases(self) -> dict[str, str]:
        own = FLAG_ALIASES.get(self.program, {})
        sub = FLAG_ALIASES.get(f"{self.program} {self.subcommand}") if self.subcommand else None
        return {**own, **sub} if sub else own


def _flags(program: str, args: list[str]) -> list[str]:
    out: list[str] = []
    if program == "tar" and args and args[0][:1].isalpha() and args[0].isalpha():
        out.extend(args[0])
    for a in args:
        if a == "--":
            break
        if len(a) < 2 or a[0] != "-":
            continue
        if a[1] == "-":
            out.append(a[2:].split("=", 1)[0])
        elif program in SINGLE_DASH_LONG:
            out.append(a[1:].split("=", 1)[0])
        else:
            out.extend(a[1:])
    return list(dict.fromkeys(filter(None, out)))


def _find_dynamic(args: list[str], static: list[bool], split: list[bool] | None) -> list[str]:
    """The arguments of `find` only run time knows, less the values of its tests written as
    one quoted word (`-name "$N"`; `split`: which arguments the shell splits)."""
    out: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if i < len(static) and not static[i]:
            out.append(a)
        elif a in FIND_VALUE_TESTS or a.startswith("-newer") or a == "-fprintf":
            for k in range(i + 1, min(i + (3 if a == "-fprintf" else 2), len(args))):
                value = args[k]
                if k < len(static) and not static[k] and (split is None or k >= len(split) or split[k]):
                    out.append(value)  # split at run time: `-name $N` may hold `x -o -delete`
            i += 2 if a == "-fprintf" else 1
        i += 1
    return out


def _git_unabbreviated(flags: list[str], subcommand: str) -> list[str]:
    """`flags` and the full name of each that git would read as an abbreviation: a prefix of
    exactly one of the subcommand's long options (`GIT_LONG_OPTIONS`)."""
    options = GIT_LONG_OPTIONS.get(subcommand)
    if options is None:
        return flags
    full = []
    for flag in flags:
        if len(flag) > 1 and flag not in options:  # a long option (letters come one by one)
            names = [name for name in options if name.startswith(flag)]
            if len(names) == 1:
                full.append(names[0])
    return list(dict.fromkeys([*flags, *full])) if full else flags


def _subcommand(program: str, args: list[str]) -> str:
    if program not in SUBCOMMAND_PROGRAMS:
        return ""
    values = GLOBAL_VALUE_OPTIONS.get(program, frozenset())
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a.startswith("-") and len(a) > 1:
            name = a.lstrip("-")
            skip = "=" not in name and name in values
        else:
            return a
    return ""
