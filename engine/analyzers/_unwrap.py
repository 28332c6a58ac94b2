"""From parsed commands to the commands that really run.

Sees through wrappers (`sudo`, `env X=1`, `timeout 5`, `xargs`, `nohup`...), into the scripts
of `bash -c`, `su -c`, `eval`, `watch` and heredocs fed to a shell, and into `find -exec`;
`_runners.py` reads the programs that run a command with options of their own (`faketime`,
`script -c`, `tmux new`, `at`, `parallel`, `uv run`...), loaded by the first command that
uses one (a hook call pays for each module it imports, and most use no runner).
"""

from __future__ import annotations

import functools
import itertools
import posixpath
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

from ._command import NO_ENV, Command
from ._parsed import MAX_COMMANDS, MAX_DEPTH, MOVES, Parsed, RawCommand, Redirect, Word, brace_words
from ._programs import (
    NAME_LISTS,
    RUN_OPTIONS,
    RUN_SUBCOMMANDS,
    RUNNER_PROGRAMS,
    SHELLS,
    SQL_CLIENTS,
    WRAPPER_VALUE_OPTIONS,
    WRAPPERS_WITH_POSITIONAL,
)
from ._simple import parse_simple

if TYPE_CHECKING:
    from ._bash import Listed, Work

_POSITIONAL = re.compile(r'\s*"?\$(\{)?[0-9@*](?(1)\})"?\s*')
"""A script that is only a positional parameter (`sh -c '$1' _ {}`): its argument runs."""
_SUBSTITUTION = ("$(", "<(", "`")
_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
_DECLARATIONS = frozenset({"export", "declare", "typeset", "local", "readonly", "set", "shift"})
"""Builtins that set variables the commands after them may get (`export`, `declare -x`,
`set -a`, `local A=1`) or the positional parameters (`set -- A B`, `shift`)."""
_SETTERS = frozenset({"read", "printf", "getopts", "let", "mapfile", "readarray"})
"""Builtins that set the variables their arguments name (`read A`, `printf -v A`, `getopts o
A`, `let A=1`, `mapfile A`) to a value mostly known only at run time."""
_READERS = frozenset({"read", "mapfile", "readarray"})
"""The `_SETTERS` that set variables to what they read from their stdin."""
_SETS = _DECLARATIONS | (_SETTERS - {"mapfile", "readarray"})
"""Builtins read where they run as written: `mapfile` goes to `_Unwrapper.step`, which sees
the code of its `-C` callback."""
_MOVERS = frozenset({"cd", "pushd", "popd", "dirs"})
"""Builtins that move the shell or change its directory stack (see `Expansion.move`)."""
_STATEFUL = _DECLARATIONS | _SETTERS | _MOVERS | {"unset", "source", ".", "eval", "exec"}
_STATEFUL |= {"command", "builtin", "hash", "enable", "alias", "trap"}
"""Builtins that change what later commands run or read (variables, the cwd, names): a
function of the same name, which bash runs instead, makes the call unparsed, as the builtin's
effect, read as written, may not happen."""
_UNWRAPPED = frozenset(
    {"env", "su", "eval", "trap", "ssh", "find", "source", ".", "arch", "concurrently", *SHELLS}
    | WRAPPER_VALUE_OPTIONS.keys()
)
_UNWRAPPED |= _DECLARATIONS | _SETTERS | RUNNER_PROGRAMS.difference(RUN_SUBCOMMANDS)
"""Programs `_Unwrapper.step` sees into or reads (every other command runs as written); those
that run a command only through a subcommand (`uv run`, `npm exec`) go to it only with one."""
_TAKES_ASSIGNMENTS = frozenset({"env", "sudo", "time", "cross-env"})
"""Wrappers that read `NAME=value` words before the command as its environment (`time` is a
keyword that bash reads before the assignments of the command it times)."""
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_UNWRAP = 64
MAX_VARIANTS = 32
"""Readings of one command with the values its variables may hold (`for f in a b; do cat $f
$g`...): past it the call is unparsed."""
_COPIES_TEXT = re.compile(r"[^$`]*(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?[^$`]*)+")
"""A value of plain text and variables only (`$HOME/x`, `${A}.bak`): no substitution."""
_REFERENCE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?\}|([A-Za-z_][A-Za-z0-9_]*))")
"""A variable used in a word: `$A`, `${A}`, `${A[0]}`, `${A[@]}`."""
_RUNS_IN_ARITHMETIC = re.compile(r"\[[^\]]*(?:\$\(|`)")
"""A subscript holding a command substitution: bash runs it wherever arithmetic reads the
variable (`x='a[$(id)]'; echo $((x))`, `[[ $x -eq 1 ]]`, `let`), which is not analysed."""
_RUNS_HERE = re.compile(r"\$\((?!\()|`|<\(")
"""A command substitution in a value (not `$((`, arithmetic): what it gives is known only at
run time."""
_NUMBERS = re.compile(r"\$\([ \t]*seq(?:[ \t]+-?[0-9.]+){1,3}[ \t]*\)")
"""A substitution that prints numbers only (`$(seq 1 5)`): a value known, for arithmetic."""
_ARITHMETIC_NAME = re.compile(r"(?<![A-Za-z0-9_#@])[A-Za-z_][A-Za-z0-9_]*")
"""A name in arithmetic text, which arithmetic reads the value of (`x`, `$x`, `a[i]`)."""
_MAX_INDIRECTION = 8
"""Values read through values (`y=x; ((y))` reads x) followed, at most."""
_MAX_INDEX = 1_024
"""The highest array index placed as an element; one past it is any element's reading."""
_BRACED_EXPANSION = re.compile(r"\$\{[^{}]*\}")
"""An expansion in braces (`${d}`, `${d:-x}`) inside a word that is brace-expanded."""
_NOT_BRACED = frozenset("\"'\\`")
"""What makes `Expansion.braced` leave a word as written: quotes, escapes, backquotes."""
_DEFAULTS = frozenset("-=+")
"""The operators of `${X:-word}`, `${X=word}` and `${X:+word}`, which may put word in:
where the variable is not known, word is read as one of its values (bash puts it in where
the variable is unset, or empty with `:`; with `+`, where it is set)."""
_EXPANDED = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])(?:\[([^\]]*)\])?([^A-Za-z0-9_\[}$`{][^}$`{]*)?\}"
    r"|([A-Za-z_][A-Za-z0-9_]*|[0-9@*]))"
)
"""A variable used in a word, as `_REFERENCE` or with an operator (`${A:1}`, `${A,,}`,
`${A[@]%x}`, the operator's text in group 3), or a positional parameter (`$1`, `${10}`,
`"$@"`, `$*`, `$0`); not one whose operator holds an expansion."""
_MAX_DEFINITIONS = 4
"""The bodies of one function name kept (`Expansion.functions`)."""
_CALL_ROOM = 2 * MAX_COMMANDS
"""The commands the readings of function calls may add to a call's own (`Expansion.call`)."""
_MAX_CALL_READINGS = 8
"""The readings of a call's arguments its function's body is read with, at most."""
_PARAMETERS = "@"
"""The name under which `Expansion.arrays` keeps the positional parameters when they are
known (`set -- a b`, `bash -c CODE NAME a b`): `$1` reads it as `${@[0]}`, `"$@"` as an
array's `"${A[@]}"`; `$0` is kept under `0`."""
_SLICE = re.compile(r":[ \t]*(-?[0-9]+)[ \t]*(?::[ \t]*(-?[0-9]+)[ \t]*)?")
"""The offset and length of `${A:1}`, `${A: -1}`, `${A:0:2}` written as numbers."""
_MAX_TRIMMED = 256
"""The longest value a trim (`${A%x}`) is worked out for; a longer one reads as it is."""
_CASE_OPERATORS = ("^", ",", "~", "@U", "@u", "@L")
_Held = tuple[dict[str, str], dict[str, tuple[Word, ...]], dict[str, tuple[Word, ...]], set[str], set[str]]
"""What `Expansion.held` returns: the variables, choices, arrays, runtime and searched names."""
_Places = tuple[str | None, ...]
"""Directories the call may be in, each as `Expansion.cwd`."""
_Stack = tuple[_Places, ...]
"""A directory stack, top first (see `Expansion.dirs`)."""
_JOINS = frozenset({"join", "end", "fail", "loop", "shell"})
"""The kinds of the entries of `Parsed.assignments` that end a branch."""
_MAX_STACKS = 3
"""The most depths of the directory stack a call is read with (`c && pushd x` gives two)."""
_Stacks = tuple[_Stack, ...] | None
"""The directory stacks the call may have (see `Expansion.dirs`)."""
_Where = tuple[list[str | None], _Places, _Stacks]
"""What `Expansion.where` returns: the directories the call may be in (`cwd` first, then
`unmoved`), those `cd -` goes to (`oldpwd`) and the directory stack (`dirs`)."""
_Fork = tuple[_Held, _Where]
"""Where a branch starts: what the variables held, and where the call may be."""
_RETURN = re.compile(r"\breturn\b")
"""A function's body that may return before its end (see `Expansion.call`)."""
_MAX_PLACES = 4
"""The most directories other than `Expansion.cwd` a call is read from (see `unmoved`)."""
_UNSET = Word("")
"""An element of an array below one set by its index (`A[3]=x` sets no `A[0]`): empty when
read by its index, absent from `${A[@]}`."""
_CONTINUATION = re.compile(r"(?<!\\)((?:\\\\)*)\\\n")
"""Every line continuation (a newline after an odd run of backslashes), the run's even part
kept: what bash deletes outside single quotes, comments and quoted heredocs."""
_ESCAPED_CR = re.compile(r"(?<!\\)((?:\\\\)*)\\\r")
"""A backslash before a carriage return (an odd run): bash reads an escaped CR, so the newline
after it still ends the command, where tree-sitter-bash reads `\\` CR LF as a continuation."""


class _Stdin(NamedTuple):
    """The shell's stdin as `Expansion` holds it, kept while a command's own stdin is the
    shell's (`Expansion.feed_stdin`): the heredoc, the pipe, the file `exec <` opened, and the
    file the command gave (`given`)."""

    stdin: str | None
    piped: bool
    opened: Redirect | None
    given: Redirect | None


@dataclass
class Expansion:
    """Everything found in one shell call: commands in order, errors and expansion facts."""

    commands: list[Command] = field(default_factory=list)
    error: str = ""
    substitutions: bool = False
    cwd: str | None = None
    """Directory `cd` moved to: None = the call's cwd, "?" = not known statically."""
    unmoved: list[str | None] = field(default_factory=list)
    """The other directories the call may be in, as `cwd`, when a `cd` may not have run (`c
    && cd x`, `(cd x)`): each command after it is read again from each of them."""
    oldpwd: _Places = ("?",)
    """The directories `cd -` may go to (`OLDPWD`: where the call was before its last move),
    as `cwd`; "?" before the call's first move, which the call's shell inherits."""
    dirs: _Stacks = ((),)
    """The directory stacks below the cwd the call may have, top first (`pushd x` puts where
    the call was on it, `popd` goes back there): one per depth, each entry the directories
    it may be, as `oldpwd`. Empty in a new shell; None when not known (`pushd -n x`)."""
    spread: list[str | None] = field(default_factory=list)
    """The other directories the last move went to, beside `cwd` (`cd "$d"` with `d` one of
    several, `popd` back to where the call may have been): they join `unmoved` once the
    command that moved is read from each directory it was in before."""
    moved: _Where | None = None
    """Where the call was before its last move: what a command after `cd x ||` reads from,
    as it runs only when the move failed."""
    turns: list[tuple[int, int, int, int, list[str | None]]] = field(default_factory=list)
    """The loops to read once more, from where a turn of theirs ended (see `again`)."""
    turning: bool = False
    """A loop's body is being read once more (see `again`)."""
    names_cdpath: bool = False
    """The call names `CDPATH` or `cdable_vars`: a `cd` to a relative name may go elsewhere."""
    given: str | None = None
    """The call's own directory as given (an absolute path), which `top` measures."""
    slip: tuple[str | None, ...] = ()
    """Where the call may be when moves from its workspace failed, which `cwd` and `unmoved`
    leave out (see `_kept`): the highest of those places (`_height`), followed by each later
    move; empty when none failed. A command that moves, or climbs from it to the root, is
    read from it too (`read_slipped`)."""
    defaulting: bool = False
    """Read each default of a variable not known as its value (`${X:-/etc}` as `/etc`): set
    for one more reading of a command that holds one (`add_defaulted`)."""
    names_stack: bool = False
    """The call names `OLDPWD` or `DIRSTACK`, which it may set or unset: `cd -` may also go
    where `OLDPWD` holds, or stay where it is; a `popd` is unparsed."""
    variables: dict[str, str] = field(default_factory=dict)
    """Shell variables with a static value, as set so far."""
    choices: dict[str, tuple[Word, ...]] = field(default_factory=dict)
    """Variables holding one of several words (`for A in x y`, `read A <<< x`): a command
    using one is read once per word, beside as written."""
    arrays: dict[str, tuple[Word, ...]] = field(default_factory=dict)
    """Arrays with known elements (`A=(x y)`): `${A[@]}` is all of them, `$A` the first."""
    searched: set[str] = field(default_factory=set)
    """Variables holding paths printed by a search of a directory that holds secrets (`find ~
    | while read A`): a command using one reads what the search finds."""
    runtime: set[str] = field(default_factory=set)
    """Variables set in the call to a text known only at run time (`read A`, `A=$(x)`,
    `printf -v A "$f"`): arithmetic reading one may run a command it holds."""
    counted: set[str] = field(default_factory=set)
    """Names arithmetic has read so far in the call (a loop may set one after)."""
    integers: set[str] = field(default_factory=set)
    """Variables declared integers (`declare -i A`): a value given one is read as arithmetic."""
    readonly: set[str] = field(default_factory=set)
    """Variables declared read-only (`readonly A`, `declare -r A`): an assignment of one fails,
    so it keeps the value it held."""
    associative: set[str] = field(default_factory=set)
    """Arrays declared associative (`declare -A M`), whose subscripts are no arithmetic."""
    descriptors: dict[str, tuple[Word, ...]] = field(default_factory=dict)
    """The searches a descriptor opened by `exec N< <(find ~)` reads (`read -u N`)."""
    opened_stdin: Redirect | None = None
    """The file `exec < FILE` (`exec 0< FILE`) made the shell's stdin: the commands after it
    with no stdin of their own read it (`exec < i.sh; bash` runs i.sh)."""
    bare_writes: list[tuple[str, str | None]] = field(default_factory=list)
    """Files truncated by a redirection with no command (`> f`): (target, cwd then)."""
    work: Work | None = None
    """What parsing may still cost, shared by the call's nested scripts (made by the first
    source that goes to tree-sitter)."""
    stdin: str | None = None
    """The heredoc a script's shell reads (`bash -c 'source /dev/stdin' <<EOF`): the stdin of
    the script's commands that have none of their own and no pipe."""
    stdin_piped: bool = False
    """The stdin of the script being read is a pipe (`curl URL | bash -c 'source /dev/stdin'`):
    its commands that have no stdin of their own read it, as piped ones do."""
    exported: dict[str, str] = field(default_factory=dict)
    """Variables the shell being read passes to the commands after it, by name, `NAME=value`:
    those it exports (`export A=1`), and every variable it sets (`A=1; cmd`, `local A=1`,
    `read A`, `for A in x`), which bash passes on when the name is already in its environment
    (`PAGER`, `EDITOR` often are; the call does not show it). Each nested shell starts with
    none (its commands inherit them in `env`) but those in `lasting`."""
    allexport: bool = False
    """`set -a` is on in the shell being read: every variable set is exported."""
    functions: dict[str, list[str]] = field(default_factory=dict)
    """The shell functions defined so far in the shell being read, by name: their bodies,
    each definition's (`if x; then f() { a; }; else f() { b; }; fi` may run either), at
    most `_MAX_DEFINITIONS`, the last ones."""
    locals: list[set[str]] = field(default_factory=list)
    """The variables each function being read for a call made its own (`local A`, `declare
    A` in a function): the caller's are back when it returns."""
    calling: set[str] = field(default_factory=set)
    """The functions whose bodies are being read for a call: a call of one inside its own
    body (recursion) is not read again."""
    limit: int = MAX_COMMANDS
    """How many commands the call may hold: `MAX_COMMANDS` of its own, and those the
    readings of function calls add (at most `_CALL_ROOM` more)."""
    called_commands: int = 0
    """The commands the readings of function calls have added so far."""
    lasting: list[tuple[str, str]] = field(default_factory=list)
    """Assignments that outlive the shell that made them, by name, in order (`tmux setenv`
    sets a variable in the tmux server): each is in `exported` of every shell after it."""
    traps: tuple[tuple[str, int, list[str], list[str] | None, list[str]], ...] = ()
    """The static actions `trap` set in the shell being read, as `add_script` reads them: each
    is read again where the shell ends (see `exit`)."""

    def exit(self, since: int = 0) -> None:
        """The shell being read ends, whose traps are those set after the first `since`: the
        actions run once more, from where it is then and with what its variables hold then
        (`trap 'cat config' EXIT; cd ~/.kube`), each as a branch (a signal may not come)."""
        if len(self.traps) <= since:
            return
        traps, self.traps = self.traps[since:], self.traps[:since]
        for source, depth, wrappers, outer, env in traps:
            fork = self.fork()
            self.add_script(source, depth, wrappers, outer, env)
            self.join(fork)
        self.traps = self.traps[:since]  # those the actions set: the shell is gone

    @property
    def top(self) -> int:
        """How many levels the call's own directory lies below the root (`given`; 2 when not
        known): a path that climbs as many (`../../../etc` from `/home/me/proj`) may reach
        any file."""
        return _levels(self.given)

    def add_script(
        self,
        source: str,
        depth: int,
        wrappers: list[str],
        outer: list[str] | None = None,
        env: list[str] = NO_ENV,
    ) -> None:
        """Parse `source` at nesting `depth` and expand its commands, which run with the
        assignments `env` (those of the commands the script was unwrapped from)."""
        # `OLDPWD=x; cd -`, `DIRSTACK[1]=x; popd`, `CDPATH=~; cd .kube`, spelled `OLD""PWD`
        unquoted = _UNQUOTED.sub("", source) if "'" in source or '"' in source or "\\" in source else source
        if "PWD" in unquoted or "STACK" in unquoted or "CDPATH" in unquoted or "cdable" in unquoted:
            self.names_stack = self.names_stack or "OLDPWD" in unquoted or "DIRSTACK" in unquoted
            self.names_cdpath = self.names_cdpath or "CDPATH" in unquoted or "cdable_vars" in unquoted
        if "\\\n" in source or "\\\r" in source:  # rare: the common path pays two substring tests
            joined = _joined(source)
            if joined != source:
                self.add_readings(source, joined, depth, wrappers, outer, env)
                return
        self.add_reading(source, depth, wrappers, outer, env)

    def add_readings(
        self,
        source: str,
        joined: str,
        depth: int,
        wrappers: list[str],
        outer: list[str] | None,
        env: list[str],
    ) -> None:
        """Read `source` as written and as bash joins its line continuations (`joined`).

        Bash deletes a backslash-newline outside single quotes, comments and quoted heredocs
        (`r\\<newline>m -rf ~` runs `rm`) and keeps it in them (`# c\\<newline>rm -rf ~` runs
        rm too); tree-sitter-bash reads `\\` CR LF as a continuation, bash as an escaped CR
        and a newline. When the two readings give other commands, the call is unparsed and
        holds the commands of both, each read from the same state; else the joined one is
        dropped. Both share the call's work budget and command bound."""
        if depth > MAX_DEPTH:
            self.add_reading(source, depth, wrappers, outer, env)  # reports the depth
            return
        cwd, variables, unmoved = self.cwd, dict(self.variables), list(self.unmoved)
        stack = self.oldpwd, self.dirs, self.slip
        exported, allexport = dict(self.exported), self.allexport
        functions = {name: list(bodies) for name, bodies in self.functions.items()}
        values = dict(self.choices), dict(self.arrays), set(self.searched)
        first, bare = len(self.commands), len(self.bare_writes)
        self.add_reading(source, depth, wrappers, outer, env)
        written_cwd, written_variables, written_unmoved = self.cwd, self.variables, self.unmoved
        written_stack, (self.oldpwd, self.dirs, self.slip) = (self.oldpwd, self.dirs, self.slip), stack
        written_exported, written_allexport = self.exported, self.allexport
        written_values = self.choices, self.arrays, self.searched
        written_functions, self.functions = self.functions, functions
        self.cwd, self.variables, self.unmoved = cwd, variables, unmoved
        self.choices, self.arrays, self.searched = values
        self.exported, self.allexport = exported, allexport
        middle, middle_bare = len(self.commands), len(self.bare_writes)
        self.add_reading(joined, depth, wrappers, outer, env)
        same = _same_commands(self.commands[first:middle], self.commands[middle:])
        if (
            same
            and self.bare_writes[bare:middle_bare] == self.bare_writes[middle_bare:]
            and (self.cwd == written_cwd and self.variables == written_variables)
            and self.unmoved == written_unmoved
            and (self.oldpwd, self.dirs, self.slip) == written_stack
            and (self.exported == written_exported and self.allexport == written_allexport)
            and (self.choices, self.arrays, self.searched) == written_values
        ):  # the functions' bodies may differ in text alone (`rm \\<newline> -rf`): their calls read alike
            del self.commands[middle:], self.bare_writes[middle_bare:]
            self.cwd, self.variables, self.functions = written_cwd, written_variables, written_functions
            return
        message = "a line continuation makes bash read other commands"
        self.error = self.error or (message if depth == 0 else f"in a nested script: {message}")
        if self.cwd != written_cwd:  # the readings disagree: what follows knows neither
            self.cwd = "?"
        self.join_where(([self.cwd, *written_unmoved], *written_stack[:2]))
        self.slip = (
            (max((*self.slip, *written_stack[2]), key=_height),) if self.slip or written_stack[2] else ()
        )
        self.variables = {k: v for k, v in self.variables.items() if written_variables.get(k) == v}
        self.choices = {**written_values[0], **self.choices}  # either reading's words: each a reading
        self.arrays = {k: v for k, v in self.arrays.items() if written_values[1].get(k) == v}
        self.searched |= written_values[2]
        # what either reading exports is in the environment of what follows
        self.exported = {**written_exported, **self.exported}
        self.allexport = self.allexport or written_allexport
        for name, bodies in written_functions.items():  # a call may run either reading's body
            kept = self.functions.setdefault(name, [])
            kept[:] = list(dict.fromkeys([*bodies, *kept]))[-_MAX_DEFINITIONS:]

    def add_reading(
        self, source: str, depth: int, wrappers: list[str], outer: list[str] | None, env: list[str]
    ) -> None:
        """Parse `source`, as it is, at nesting `depth` and expand its commands (`env`: the
        assignments they inherit)."""
        if depth > MAX_DEPTH:
            self.error = self.error or f"nested deeper than {MAX_DEPTH} levels"
            return
        parsed = parse_simple(source, depth)  # the commonest lines, without tree-sitter
        if parsed is None:
            from ._bash import Work, parse_bash  # the walker, loaded by the first line it reads

            if self.work is None:
                self.work = Work()
            parsed = parse_bash(source, depth, self.work)
        self.substitutions = self.substitutions or parsed.substitutions
        if parsed.error and not self.error:
            self.error = parsed.error if depth == 0 else f"in a nested script: {parsed.error}"
        self.read(parsed, depth, wrappers, outer or [], env)

    def again(
        self,
        parsed: Parsed,
        turn: tuple[int, int, int, int, list[str | None]],
        depth: int,
        wrappers: list[str],
        outer: list[str],
        env: list[str],
    ) -> None:
        """Read the body of a loop of `parsed` once more (`turn`: its commands from and to,
        its entries of `assignments` from and to, and the directories its turn ended in that
        it did not start in), from those directories, where its next turn starts: `for i in
        1 2; do cat config; cd ~/.kube; done` reads `~/.kube/config`. What it leaves joins
        where the call is. A turn read so that ends in yet other directories (`cd ..` in a
        loop) makes the call unparsed."""
        start, end, first, last, places = turn
        if self.turning:
            self.error = self.error or "a loop that moves the shell further each turn"
            return
        body = Parsed(
            commands=parsed.commands[start:end],
            assignments=[(i - start, n, v, k) for i, n, v, k in parsed.assignments[first:last]],
            bare_writes=[(i - start, t) for i, t in parsed.bare_writes if start <= i < end],
            functions=[(i - start, n, b) for i, n, b in parsed.functions if start <= i < end],
        )
        where = self.where()
        self.cwd, self.unmoved = places[0], places[1:]
        self.turning = True
        try:
            self.read(body, depth, wrappers, outer, env)
        finally:
            self.turning = False
        ended = self.where()
        self.go(where)
        if any(place != "?" and place not in where[0] for place in ended[0]):
            self.error = self.error or "a loop that moves the shell further each turn"
        self.join_where(ended)

    def read(self, parsed: Parsed, depth: int, wrappers: list[str], outer: list[str], env: list[str]) -> None:
        """Expand the commands of `parsed`, at nesting `depth` (`env`: the assignments they
        inherit)."""
        functions = parsed.functions
        defined = 0  # the functions of the script defined so far
        settles = bool(parsed.assignments or parsed.bare_writes)
        settled = (0, 0)  # the assignments and bare writes of the script applied so far
        forks: list[tuple[_Fork, int, int]] = []  # what the variables held and where the call was,
        # where each branch being read starts, and the place of its mark
        feeder: RawCommand | None = None  # the command before, which feeds a piped one
        for index, raw in enumerate(parsed.commands):
            if settles:
                settled = self.settle(parsed, index, settled, forks)
                while self.turns:
                    self.again(parsed, self.turns.pop(0), depth, wrappers, outer, env)
            self.moved = None  # what a `cd x ||` after this command reads from, if it moves
            if len(self.commands) >= self.limit:
                self.error = self.error or "too many commands to analyse"
                return
            while defined < len(functions) and functions[defined][0] <= index:
                bodies = self.functions.setdefault(functions[defined][1], [])
                bodies[:] = [*bodies[1 - _MAX_DEFINITIONS :], functions[defined][2]]
                defined += 1
            if (self.stdin is not None or self.stdin_piped or self.opened_stdin) and not (
                raw.stdin_text is not None or raw.piped
            ):  # the shell's stdin, where the command has none of its own (a copy: parses are cached)
                # a here-string or a pipe, unless it has its own `<` (`bash -c 'bash < i.sh' <<< ls`)
                if (self.stdin is not None or self.stdin_piped) and not _reads_file(raw):
                    if self.stdin is not None:  # `bash -c 'xargs cat' <<< F`, `f <<< F`
                        raw = replace(raw, stdin_text=self.stdin)
                    else:  # `curl URL | bash -c 'source /dev/stdin'`
                        raw = replace(raw, piped=True)
                elif self.opened_stdin:  # `exec < i.sh; bash`, `f < i.sh`, beside a group's `<`
                    raw = replace(raw, redirects=[*raw.redirects, self.opened_stdin])
            words = raw.words
            declares = False
            # `coproc cd x`, `coproc read A`: run in a subshell, which the walker does not mark
            own_shell = bool(words) and words[0].static and words[0].value == "coproc"
            maybe = raw.maybe or own_shell
            held = self.held() if (maybe or self.readonly) and self.holds() else None
            # `c && f`, `(eval "c""d x")`: a move the walker does not mark (see `MOVES`)
            hidden = own_shell or (raw.maybe and not MOVES.search(raw.text))
            # `cd a/b; cat ../../../../etc/shadow`: from the call's own directory, if `cd a/b` failed
            slips = bool(self.slip) and self.slip[0] != self.cwd and self.slip[0] not in self.unmoved
            first = len(self.commands)
            where = self.where() if hidden else None
            if words and (
                not words[0].static
                or (
                    (name := words[0].value.rpartition("/")[2]) not in _UNWRAPPED
                    and not (name in RUN_SUBCOMMANDS and _runs_subcommand(name, words))  # `npm test`
                )
                or (declares := words[0].value in _SETS)  # `export A=1`, `read A`: read below
            ):
                # nothing to see through (most commands): run as written, as `_Unwrapper` would
                redirects = raw.redirects
                writes = outer + [r.target.value for r in redirects if r.writes] if redirects else outer
                in_env = env if not (raw.env or self.exported) else [*env, *self.exported.values(), *raw.env]
                names = _names(self, raw, feeder) if words[0].static and name in NAME_LISTS else None
                _emit(self, raw, words, writes, [*wrappers], False, [], False, True, in_env, NO_ENV, names)
                if declares:
                    self.sets(words[0].value, words[1:], raw, feeder)
                elif words[0].value == "unset" and words[0].static:
                    self.unset(words[1:])
            else:
                unwrapper = _Unwrapper(self, raw, wrappers, outer, env)
                unwrapper.feeder = feeder
                unwrapper.run()
            called = _timed(words) if self.functions else words  # `time f`: f, the function
            if self.functions and called and called[0].static and called[0].value in self.functions:
                # the function bash runs (`timeout() {...}; timeout /`), beside the program
                # read above: a definition may not have run (`if false; then f() {...}; fi`)
                if called[0].value in _STATEFUL:  # `read() { :; }; read F`: F keeps its value
                    self.error = self.error or "a function has the name of a builtin that sets state"
                # `HOME=x f`: bash exports the call's assignments to the body's commands
                self.call(raw, called, depth, wrappers, outer, [*env, *raw.env] if raw.env else env)
            if held is not None:  # `c && read A`, `readonly A; read A`: A may keep its value
                self.keep_held(held, None if maybe else self.readonly)
            if raw.redirects and len(words) == 1 and words[0].value == "exec":
                self.opened(raw)
            if self.variables or self.choices or self.arrays or _lists(raw) or self.names_oldpwd(raw):
                self.add_variant(raw, wrappers, outer, env)
            if _defaults(raw):
                self.add_defaulted(raw, wrappers, outer, env)
                self.assign_defaults(raw)
            if self.unmoved:  # `c && cd x; cat config` reads x/config or ./config
                self.read_unmoved(raw, wrappers, outer, env)
            if self.spread:  # `cd "$d"`, `popd`: the other directories the move went to
                spread, self.spread = self.spread, []
                self.unmoved = list(self.bounded([self.cwd, *self.unmoved, *spread]))[1:]
            if slips and self.climbs(first):
                self.read_slipped(raw, wrappers, outer, env)
            if where is not None and where != self.where():
                self.join_where(where)
            feeder = _passing(raw, feeder)
        if settles:  # set after the last command: a later script may read them
            self.settle(parsed, len(parsed.commands), settled, forks)
            while self.turns:
                self.again(parsed, self.turns.pop(0), depth, wrappers, outer, env)

    def read_unmoved(self, raw: RawCommand, wrappers: list[str], outer: list[str], env: list[str]) -> None:
        """Read `raw` again from each of the other directories the call may be in (`unmoved`),
        with the variables known put in (`add_variant`), each moved by the `cd`s it holds in
        turn."""
        places, moved, self.unmoved = self.unmoved, self.cwd, []
        stack = self.oldpwd, self.dirs, self.spread, self.moved
        after: list[str | None] = []
        for cwd in places:
            if len(self.commands) >= self.limit:
                self.error = self.error or "too many commands to analyse"
                break
            first, self.cwd = len(self.commands), cwd
            other = _Unwrapper(self, raw, wrappers, outer, env)
            other.track_cd = False  # its `cd` moves this directory, below, not the call
            other.run()
            ends: list[str | None] | None = [cwd]
            for cmd in self.commands[first:]:  # not those of a script it reads (`eval "c && cd x"`)
                if cmd.program in _MOVERS and cmd.depth == raw.depth and ends is not None:
                    # one that goes back (`popd`) went, in `move`, everywhere the call may go
                    ends = [to for place in ends for to in (_moves(place, cmd) or [])] or None
            after.extend(ends or [])
            if self.variables or self.choices or self.arrays or _lists(raw):  # `cat $d/x` from there
                self.add_variant(raw, wrappers, outer, env)
            if _defaults(raw):
                self.add_defaulted(raw, wrappers, outer, env)
        self.cwd = moved
        self.oldpwd, self.dirs, self.spread, self.moved = stack
        self.unmoved = [cwd for cwd in dict.fromkeys(after) if cwd != moved]

    def climbs(self, first: int) -> bool:
        """Whether a command read since the first `first` moves the shell, or names a path
        (an argument, an option's value, a redirection's target) that climbs from the slip
        to the root (`top` levels above the call's own directory): as read, with the
        variables known put in (`u=..; cat $u/$u/$u/etc/shadow`) and quotes and escapes
        removed (`cat .''./.''./.''./etc/shadow`)."""
        if not self.slip:  # a script the command read (`eval`, `bash -c`) went on from it
            return False
        slip = self.slip[0]
        for cmd in self.commands[first:]:
            if cmd.program in _MOVERS:
                return True
            for word in (*cmd.argv, *cmd.reads_from, *cmd.redirects):
                if ".." not in word:
                    continue
                path = _relative(word)
                if path is not None and slip is not None and slip[:1] not in ("/", "~", "?"):
                    path = posixpath.normpath(posixpath.join(slip, path))
                if _climbs(path) >= self.top:
                    return True
        return False

    def read_slipped(self, raw: RawCommand, wrappers: list[str], outer: list[str], env: list[str]) -> None:
        """Read `raw` again from where the call may be when moves from its workspace failed
        (`slip`), and follow its moves from there: a directory it moves to that is not near
        the call's own (`_near`: `cd nope; cd ../../../etc`, `cd nope; cd ..; cd .kube`)
        joins those the call may be in; a near one is the slip. Each move is taken to
        succeed from there: after `cd a; cd b`, both failing, the call is read from `b`."""
        unmoved, self.unmoved = self.unmoved, list(self.slip)
        self.read_unmoved(raw, wrappers, outer, env)
        ends, self.unmoved = self.unmoved, unmoved  # none: it went where the call is
        far = [place for place in ends if not _near(place, self.top)]
        near = [place for place in ends if _near(place, self.top)]
        self.slip = (max(near, key=_height),) if near else ()
        if far:
            self.unmoved = list(self.bounded([self.cwd, *unmoved, *far]))[1:]

    def where(self) -> _Where:
        """Where the call may be (see `_Where`)."""
        return [self.cwd, *self.unmoved], self.oldpwd, self.dirs

    def fork(self) -> _Fork:
        """What the variables hold and where the call may be, where a branch starts."""
        return self.held(), self.where()

    def join(self, fork: _Fork) -> None:
        """A branch that started at `fork` ends: what the variables held and where the call
        was then join what they hold and where it is (see `keep_held`, `join_where`)."""
        self.keep_held(fork[0])
        self.join_where(fork[1])

    def join_where(self, where: _Where) -> None:
        """A branch ends that started with the call at `where`: the call may now be in any of
        its directories too (`join_places`), `cd -` may go to any it would have gone to, and
        the directory stack may be either branch's (see `stacks`)."""
        places, oldpwd, dirs = where
        self.join_places(places)
        if oldpwd != self.oldpwd:
            self.oldpwd = self.bounded((*self.oldpwd, *oldpwd))
        if dirs != self.dirs:
            self.dirs = None if dirs is None or self.dirs is None else self.stacks((*self.dirs, *dirs))

    def unpushed(self, places: list[str | None], dirs: _Stacks) -> _Stacks:
        """The stacks before a `pushd` that may fail (`dirs`, with the call in `places`), made
        one with those after it (`self.dirs`, one entry deeper): each entry may also be the
        one below it, as the stack is if the `pushd` failed (`pushd x; ...; popd` goes back
        where the call was either way), and the last also where it was (a `popd` past the
        stack before fails, and stays). Any other stacks as they are."""
        new, old = self.dirs, dirs
        if new is None or old is None or len(new) != 1 or len(old) != 1 or len(new[0]) != len(old[0]) + 1:
            return dirs
        below = (*old[0], tuple(places))
        self.dirs = (tuple(self.bounded((*entry, *below[i])) for i, entry in enumerate(new[0])),)
        return self.dirs

    def stacks(self, stacks: Iterable[_Stack]) -> tuple[_Stack, ...] | None:
        """The directory stacks the call may have (`dirs`): those of one depth as one, each
        entry any of theirs. Past `_MAX_STACKS` depths, the deepest stacks go when all their
        entries are in the workspace, which become the slip (as in `bounded`: `pushd a &&
        make && popd; pushd b && ...` leaves one more depth each time make fails); else None."""
        by_depth: dict[int, _Stack] = {}
        for stack in stacks:
            known = by_depth.get(len(stack))
            by_depth[len(stack)] = (
                stack
                if known is None or known == stack
                else tuple(self.bounded((*a, *b)) for a, b in zip(known, stack, strict=True))
            )
        if len(by_depth) <= _MAX_STACKS:
            return tuple(by_depth.values())
        deepest = sorted(by_depth)[_MAX_STACKS:]
        inside = [place for depth in deepest for entry in by_depth[depth] for place in entry]
        if any(place == "?" or _kept(place) for place in inside):
            return None
        self.slip = (max((*self.slip, *inside), key=_height),)
        return tuple(stack for depth, stack in by_depth.items() if depth not in deepest)

    def go(self, where: _Where) -> None:
        """Put the call back where it was at `where`."""
        places, self.oldpwd, self.dirs = where
        self.cwd, self.unmoved = places[0], places[1:]

    def bounded(self, places: Iterable[str | None]) -> _Places:
        """`places` without repeats, at most the directories analysed: past those, the ones
        in the workspace after the first (`_kept`: `a`, `a/b`, the call's own) become the
        slip, from which the commands that climb or move are read (`cd a && make && cd ..;
        cd b && ...` in many directories); reported when the others are still too many."""
        unique = tuple(dict.fromkeys(places))
        if len(unique) <= _MAX_PLACES + 1:
            return unique
        inside = [place for place in unique[1:] if place != "?" and not _kept(place)]
        if len(unique) - len(inside) <= _MAX_PLACES + 1:
            self.slip = (max((*self.slip, *inside), key=_height),)
            return tuple(place for place in unique if place is unique[0] or place not in inside)
        self.error = self.error or "a cd that may not run leaves more directories than analysed"
        return unique[: _MAX_PLACES + 1]

    def targets(self, words: list[Word]) -> list[str | None] | None:
        """The directories `cd` or `pushd` (`words`) may name, with the variables known put
        in (`cd "$d"`), each None when only run time knows it; None when it names none. The
        values are a guess, as in `add_variant`: a directory not known (None) stays beside."""
        args = _stack_args(words[0].value, [w.value for w in words])
        operand = args[1] if args is not None else None
        if operand is None:
            return None
        at = next(i for i, w in enumerate(words) if i and w.value == operand)
        found = [
            named
            for r in [*self.readings(words[at]), *self.defaulted(words[at])]
            for named in (
                ([r[0].value] if r[0].static else self.named(r[0].value)) if len(r) == 1 else [None]
            )
        ]
        if any(
            value == "-" or (value and value[0] in "+-" and _NUMBER.fullmatch(value[1:])) for value in found
        ):
            self.error = self.error or "a variable makes the operand of a cd or pushd an option"
        return [*found, None]

    def named(self, value: str) -> list[str | None]:
        """`value`, a word that only names the home or the cwd and static text after it
        (`$HOME/.kube`, `${PWD}/x`), as the paths `_moved` reads (`~/.kube`, `./x`), and the
        default's too (`${HOME:-/x}/.kube`: `/x/.kube` where the environment lacks HOME);
        [None] for any other, or when the call sets `HOME` or `PWD` itself."""
        match = _HOME_OR_CWD.fullmatch(value)
        if match is None:
            return [None]
        name, operator, default, rest = match[1] or match[4], match[2], match[3], match[5]
        if name in self.variables or name in self.runtime or name in self.choices or name in self.arrays:
            return [None]
        named: list[str | None] = [("~" if name == "HOME" else ".") + rest]
        if operator is not None and operator != "?":  # `${HOME:?}` fails without it
            named.append(default + rest if "$" not in default else None)
        return named

    def renamed(self, operand: str | None, env: list[str]) -> bool:
        """Whether a `cd` to `operand`, run with the assignments `env`, goes where the call
        set it: home after `HOME=x` or with it (`cd`, `cd ~/x`, `HOME=/etc cd`), or by
        `CDPATH` or `shopt -s cdable_vars` for a relative name."""
        if operand is None or operand == "~" or operand[:2] == "~/":
            named = (self.variables, self.runtime, self.choices, self.exported)
            return any("HOME" in names for names in named) or any(_sets("HOME", entry) for entry in env)
        return self.names_cdpath and operand[:1] not in ("/", "~", ".")

    def move(self, cmd: Command) -> None:
        """Follow `cmd`, a builtin of `_MOVERS` run in this shell (from `cwd`; `read_unmoved`
        follows it from the other directories the call may be in): where the call goes,
        where `cd -` then goes (where it was) and the directory stack, as bash keeps them
        (`pushd x` puts where the call was on the stack, `popd` goes back there, `pushd`
        swaps the two on top, `pushd +1` turns the stack, `dirs -c` empties it). A `popd`
        or a `pushd` with no other directory fails and moves nothing. One that goes back
        goes to every directory the call may have been in there."""
        before = self.where()
        self.moved = before
        here = tuple(before[0])
        program, dirs = cmd.program, self.dirs
        args = _stack_args(program, cmd.argv)
        if program == "popd" and "" in cmd.argv[1:]:  # `popd ""` drops an entry, and stays
            self.dirs = None
            self.spread = list(self.unmoved)
            return
        if program in ("popd", "dirs") and not all(cmd.static):  # `popd $n`
            self.dirs = None
            if program == "popd":
                self.error = self.error or "a popd from an entry of the stack not known statically"
            return
        if args is None:
            return  # bash rejects its arguments: it fails
        options, operand = args[:2]
        if program == "dirs" or (program == "pushd" and "n" in options):
            if program == "pushd":  # `pushd -n x` moves nothing, and puts x as written
                self.dirs = None
            elif "c" in options:
                self.dirs = ((),)
            return
        if operand and _STACK_TILDE.match(operand):  # `cd ~1`
            self.error = self.error or "a cd to an entry of the stack not known statically"
            return
        to: _Places
        if program == "cd" or operand is not None:  # to a directory: `cd x`, `pushd x`, `cd -`
            if _goes_back(program, args):  # `cd -`, `cd ~-/x`, `pushd -`: where the call was
                if "OLDPWD" not in self.variables and any(
                    "OLDPWD" in names for names in (self.runtime, self.choices, self.exported)
                ):  # `read OLDPWD`, `export OLDPWD=$x`
                    self.error = self.error or "a cd - where the call set OLDPWD"
                    return
                rest = "." + operand[2:] if operand and operand[:2] == "~-" else "."
                to = self.bounded(_moved(place, rest) for place in self.oldpwd)
                if self.names_stack:  # after `OLDPWD=x` or with it, x; after `unset OLDPWD`, it stays
                    value = self.variables.get("OLDPWD")
                    own = [entry for entry in cmd.env if _sets("OLDPWD", entry)]
                    if own:
                        value = own[-1][7:]
                        if own[-1][6] != "=" or "$" in value or "`" in value:  # `OLDPWD=$x cd -`
                            self.error = self.error or "a cd - where the call set OLDPWD"
                            return
                    to = self.bounded((_moved(self.cwd, value), *to, *here))
            elif self.renamed(operand, cmd.env):
                self.error = self.error or "a cd where the call set HOME or CDPATH"
                return
            else:
                to = tuple(_moves(self.cwd, cmd) or ("?",))
            if program == "pushd":
                self.dirs = None if dirs is None else tuple((here, *d) for d in dirs)
        elif dirs is None or self.names_stack:  # `DIRSTACK[1]=x; popd`
            self.error = self.error or "a popd or pushd on a directory stack not known statically"
            return
        else:  # from each stack the call may have; one that fails stays where it is
            popped = [_pop(program, args, here, stack) for stack in dirs]
            self.dirs = self.stacks(stack for _, stack in popped)
            if all(went is None for went, _ in popped):  # `popd -n`, or an empty stack: the call
                self.spread = list(self.unmoved)  # stays wherever it may be
                return
            to = self.bounded(place for went, _ in popped for place in (went or here))
            if any(went is None for went, _ in popped):  # `cd -` after it: from either
                here = self.bounded((*here, *self.oldpwd))
        self.oldpwd = here
        self.cwd, self.spread = to[0], list(to[1:])

    def join_places(self, places: list[str | None]) -> None:
        """A branch ends that started with the call in `places` (where it was, then the other
        directories it might be in): the call may now be in any of them too (`c && cd x`,
        `(cd x)`, `if c; then cd x; fi`)."""
        now = [self.cwd, *self.unmoved]
        if now == places:
            return
        self.unmoved = list(self.bounded([*now, *places]))[1:]

    def feed_stdin(self, raw: RawCommand) -> _Stdin:
        """Make the stdin of the command `raw` the shell's, for the commands it runs that have
        none of their own (a function's body, a `bash -c` or `eval` script): its heredoc
        (`f <<< /etc/shadow`), its file (`bash -c cat < i.sh`) or its pipe (`curl URL | bash -c
        bash`), in place of the stdin it had. Returns what to give back (`restore_stdin`)."""
        held = _Stdin(self.stdin, self.stdin_piped, self.opened_stdin, None)
        fed = _stdin_file(raw) if raw.redirects else None
        if raw.stdin_text is not None:
            self.stdin, self.stdin_piped, self.opened_stdin = raw.stdin_text, False, None
        elif fed is not None:
            self.stdin, self.stdin_piped, self.opened_stdin = None, False, fed
        elif raw.piped:
            self.stdin, self.stdin_piped, self.opened_stdin = None, True, None
        return held._replace(given=self.opened_stdin)

    def restore_stdin(self, held: _Stdin, same_shell: bool) -> None:
        """Give back the stdin `feed_stdin` took. In the same shell (a function, `eval`), an
        `exec < FILE` made inside is the shell's stdin after it too."""
        kept = self.opened_stdin if same_shell and self.opened_stdin is not held.given else held.opened
        self.stdin, self.stdin_piped, self.opened_stdin = held.stdin, held.piped, kept

    def call(
        self,
        raw: RawCommand,
        words: list[Word],
        depth: int,
        wrappers: list[str],
        outer: list[str],
        env: list[str],
    ) -> None:
        """`f A B` of a function f defined before (the command `raw`, read as `words`): read its
        body, in this shell, with A and B as the positional parameters (each with the variables
        known put in), then give the caller's back. The body's commands that have no stdin of
        their own read the call's: its heredoc (`f <<< /etc/shadow`), its file (`f < i.sh`) or
        its pipe (`curl URL | f`). A call inside its own body is not read again. The readings of calls
        have a room of their own beside the script's (`limit`): a script that calls a helper
        many times (`log step1; ...`) stays parsed while they fit in it, and is unparsed past it."""
        name = words[0].value
        if name in self.calling:
            return
        if self.called_commands >= _CALL_ROOM:  # past the room: what the body does is not known
            self.error = self.error or "too many commands to analyse"
            return
        held = self.arrays.get(_PARAMETERS)
        readings = self.parameter_readings(words[1:])  # `f "$d"` in `for d in / x`: each
        outermost = not self.calling  # a call inside a body reads within the outer one's room
        before = self.fork()  # what the variables the body makes its own (`local A`) get back
        returns = any(_RETURN.search(body) for body in self.functions[name])
        self.locals.append(set())
        self.calling.add(name)
        first, limit = len(self.commands), self.limit
        if outermost:
            self.limit = limit + _CALL_ROOM - self.called_commands
        caller = self.feed_stdin(raw)
        try:
            for reading in readings if readings is not None else [None]:
                for body in self.functions[name]:
                    if reading is None:
                        self.arrays.pop(_PARAMETERS, None)
                    else:
                        self.arrays[_PARAMETERS] = reading
                    self.add_script(body, depth + 1, wrappers, outer, env)
        finally:
            self.restore_stdin(caller, same_shell=True)
            self.calling.discard(name)
            own = self.locals.pop()
            if held is None:
                self.arrays.pop(_PARAMETERS, None)
            else:
                self.arrays[_PARAMETERS] = held
        if returns:  # `f() { c || return; A=x; cd x; }`: what follows a `return` may not run
            self.join(before)
        elif own:
            self.keep_held(before[0], own)
        if not outermost:
            return
        added = len(self.commands) - first
        self.limit, self.called_commands = limit + added, self.called_commands + added

    def settle(
        self, parsed: Parsed, index: int, settled: tuple[int, int], forks: list[tuple[_Fork, int, int]]
    ) -> tuple[int, int]:
        """Apply the variables set and the files truncated before command `index` of
        `parsed`, past the first `settled` of each; returns how many are applied now. A
        branch that sets variables or moves the shell keeps what they held and where the
        call was where it starts in `forks` and, where it ends, joins it to what they hold
        and where the call is (see `keep_held`, `join_places`). A loop that ends in other
        directories than it started in is read once more from them (`again`)."""
        a, w = settled
        assignments, writes = parsed.assignments, parsed.bare_writes
        while a < len(assignments) and assignments[a][0] <= index:
            name, value, kind = assignments[a][1:]
            if kind == "fork" or kind == "undo":
                forks.append((self.fork(), a, len(self.traps)))
                if kind == "undo" and self.moved is not None:  # `cd x || cat config` reads ./config
                    self.go(self.moved)
            elif kind in _JOINS and forks:
                fork, started, trapped = forks.pop()
                if kind == "loop":  # `for i in 1 2; do cat config; cd ~/.kube; done`: the next
                    turned = [p for p in (self.cwd, *self.unmoved) if p != "?" and p not in fork[1][0]]
                    if turned:  # turn starts where this one ended
                        self.turns.append((assignments[started][0], index, started + 1, a, turned))
                    if fork[1][2] != self.dirs:  # `while popd; do :; done`, read once: each turn
                        stacked = (place for stack in self.dirs or () for entry in stack for place in entry)
                        self.join_places(list(self.bounded((self.cwd, *self.unmoved, *stacked))))
                        self.dirs = None  # may go to any entry, and the stack is not known
                # `cd x || exit`: only x goes on; `(cd x)`, `cd x | b`, `cd x &`: a shell of its own
                if kind == "shell" or (kind == "end" and "exit" not in self.functions):
                    if kind == "shell":  # `(trap 'cat config' EXIT; cd ~/.kube)`: its traps run as it ends
                        self.exit(trapped)
                    self.keep_held(fork[0])
                    self.go(fork[1])
                elif kind == "fail":  # `cd ~/.kube; cd /nope; cat config`: it may stay
                    self.keep_held(fork[0])
                    places, oldpwd, dirs = fork[1]
                    kept = [place for place in places if _kept(place)]
                    if len(kept) < len(places):  # `cd a; ...`: the call may still be where it was
                        slipped = [*self.slip, *(place for place in places if not _kept(place))]
                        self.slip = (max(slipped, key=_height),)
                    self.join_where((kept, tuple(filter(_kept, oldpwd)), self.unpushed(places, dirs)))
                else:
                    self.join(fork)
            elif name and (name in self.readonly or (kind == "local" and not self.calling)):
                held = self.held()  # it fails (`readonly A; A=x`, `local` outside a function)
                self.assign_copy(name, value)
                self.keep_held(held, {name})
            elif name:
                self.assign_copy(name, value)
            elif getattr(value, "array", "") not in self.associative:  # `_bash.Arithmetic`
                self.arithmetic_read(value.value)
            a += 1
        while w < len(writes) and writes[w][0] <= index:
            self.bare_writes.append((writes[w][1].value, self.cwd))
            w += 1
        return a, w

    def holds(self) -> bool:
        """Whether any variable holds a value known (or known only at run time)."""
        return bool(self.variables or self.choices or self.arrays or self.runtime or self.searched)

    def held(self) -> _Held:
        """What the variables hold now (see `keep_held`)."""
        variables, choices, arrays = dict(self.variables), dict(self.choices), dict(self.arrays)
        return variables, choices, arrays, set(self.runtime), set(self.searched)

    def keep_held(self, held: _Held, names: set[str] | None = None) -> None:
        """After a branch, or a command, that may not run or not reach what follows (`if c;
        then A=x; fi`, `c && read A`, `(A=x)`, a function's body where it is defined, `local A`
        in a function called): each variable it changed (of `names`, when given) keeps what it
        held before (`held`) as readings beside its new value, and stays known only at run
        time, or holding what a search prints, if it was. An array that grew (`A+=(x)`) keeps
        its elements."""
        variables, choices, arrays, runtime, searched = held
        if not (variables or choices or arrays or runtime or searched):
            return  # nothing held before: nothing to keep (most branches, `cd x && b`)
        from ._bash import MAX_READINGS

        self.runtime |= runtime if names is None else runtime & names
        self.searched |= searched if names is None else searched & names
        changed: dict[str, tuple[Word, ...]] = {}
        for name, elements in arrays.items():
            now = self.arrays.get(name)
            if (names is None or name in names) and (now is None or now[: len(elements)] != elements):
                changed[name] = tuple(w for w in elements if w is not _UNSET)
        for name in variables.keys() | choices.keys():
            before = (Word(variables[name]),) if name in variables else choices[name]
            if (names is None or name in names) and before != self.readings_of(name):
                changed[name] = before  # `A=x; c && A=(y)`: an array now, or a value
        for name, before in changed.items():
            merged = tuple({(w.value, w.static): w for w in (*before, *self.readings_of(name))}.values())
            if len(merged) > MAX_READINGS:
                self.error = self.error or "a variable takes more values than analysed"
            self.variables.pop(name, None)
            self.arrays.pop(name, None)
            self.choices[name] = merged

    def readings_of(self, name: str) -> tuple[Word, ...]:
        """The values the variable `name` is known to hold: its value, each of its readings,
        or an array's elements; none when not known."""
        if name in self.variables:
            return (Word(self.variables[name]),)
        if name in self.arrays:
            return tuple(w for w in self.arrays[name] if w is not _UNSET)
        return self.choices.get(name, ())

    def add_variant(self, raw: RawCommand, wrappers: list[str], outer: list[str], env: list[str]) -> None:
        """`a=rm; $a -rf /`: add the command with known variables put in, beside the
        original (which stays dynamic, so an allow rule never matches the guess alone); once
        per word a variable may hold (`for f in a b`), at most `MAX_VARIANTS` times (past it
        the call is unparsed). So with the targets of its redirections (`cat < $f`)."""
        options = [self.readings(word) for word in raw.words]
        # `cat < $f`: a redirection's target, of one word (bash refuses more)
        targets = [
            [r[0] for r in self.readings(target) if len(r) == 1] or [target]
            if ((not target.static and "$" in target.value) or target.value[:1] == "~")
            and not getattr(target, "search", ())
            else [target]  # `< <(find ~)`: read as the lines it prints, where the command is
            for target in (redirect.target for redirect in raw.redirects)
        ]
        count = aims = 1
        for option in options:
            count *= len(option)
        for target in targets:
            aims *= len(target)
        if count > MAX_VARIANTS or aims > MAX_VARIANTS:
            self.error = self.error or "a variable takes more values than analysed"
            return
        original = [w.value for w in raw.words]
        as_written = tuple(r.target for r in raw.redirects)
        # the words' readings with the targets as written, then the targets' with the words
        # as written: each path a reading names is read, without their product (`for f in
        # a b c d e f; do diff $f - < golden/$f; done`)
        choices = itertools.chain(
            ((chosen, as_written) for chosen in itertools.product(*options)),
            (
                ([[w] for w in raw.words], aimed)
                for aimed in itertools.product(*targets)
                if aimed != as_written
            ),
        )
        for chosen, aimed in choices:
            words = [w for part in chosen for w in part]
            if [w.value for w in words] == original and aimed == as_written:
                continue
            if len(self.commands) >= self.limit:
                self.error = self.error or "too many commands to analyse"
                return
            redirects = [replace(r, target=t) for r, t in zip(raw.redirects, aimed, strict=True)]
            variant = _Unwrapper(
                self,
                replace(raw, words=words, redirects=redirects) if redirects else replace(raw, words=words),
                wrappers,
                outer,
                env,
            )
            variant.dynamic = True
            variant.track_cd = False
            variant.run()

    def add_defaulted(self, raw: RawCommand, wrappers: list[str], outer: list[str], env: list[str]) -> None:
        """`add_variant` once more, with every default of a variable not known put in (see
        `defaulting`): all of them at once, as where none of their variables is set, so that
        a command of many (`-e A=${A:-1} -e B=${B:-2} ...`) makes one reading more, not one
        per combination."""
        self.defaulting = True
        try:
            self.add_variant(raw, wrappers, outer, env)
        finally:
            self.defaulting = False

    def unset(self, words: list[Word]) -> None:
        """`unset X`: X holds no value from here (a default is put in where it is used),
        nor its elements; `unset -f` names functions. Where the `unset` may not run (`c &&
        unset X`, a readonly X), the values kept beside are restored after it (`keep_held`)."""
        functions = False
        for word in words:
            name = word.value
            if not word.static:
                continue
            if name[:1] == "-":
                functions = "f" in name
                continue
            if not functions:
                name = name.partition("[")[0]  # `unset 'a[0]'`: the array is no longer known
                self.variables.pop(name, None)
                self.choices.pop(name, None)
                self.arrays.pop(name, None)
                self.exported.pop(name, None)
                self.searched.discard(name)

    def assign_defaults(self, raw: RawCommand) -> None:
        """`: ${X:=/etc}` sets X to its default where it is unset: a variable not known that
        a default assigns may hold it from there on, beside the value it may have had."""
        for word in (*raw.words, *(r.target for r in raw.redirects)):
            for found in _ASSIGNED.finditer(word.value) if "=" in word.value else ():
                name = found[1]
                if name in self.variables or name in self.arrays or name in self.runtime:
                    continue
                end = _closing_brace(word.value, found.end())
                text = word.value[found.end() : end] if end is not None else ""
                if "$" in text:  # `: ${X:=$HOME/.kube}`: its readings, defaults put in
                    readings = self.defaulted_readings(Word(_unquoted(text, True), static=False, quoted=True))
                    defaults = [_join(tuple(r), " ") for r in readings]
                else:
                    default = _default_text(found[2] + text)
                    defaults = [Word(default)] if default is not None else []
                if defaults:
                    now = self.choices.get(name, (Word(f"${{{name}}}", static=False),))
                    self.choices[name] = tuple({w.value: w for w in (*now, *defaults)}.values())

    def defaulted(self, word: Word) -> list[list[Word]]:
        """The readings of `word` with the defaults of variables not known put in (`cd
        ${X:-/etc}`), none when it holds no default."""
        if "${" not in word.value or _DEFAULTED.search(word.value) is None:
            return []
        return self.defaulted_readings(word)

    def defaulted_readings(self, word: Word) -> list[list[Word]]:
        """`readings` of `word` with the defaults of variables not known put in."""
        was, self.defaulting = self.defaulting, True
        try:
            return self.readings(word)
        finally:
            self.defaulting = was

    def readings(self, word: Word) -> list[list[Word]]:
        """What `word` may stand for with the variables known: each a list of words (`$a`
        unquoted splits); `[[word]]` when it uses none known."""
        search: tuple[Word, ...] = getattr(word, "search", ())
        if search:  # `cat $(find ~)`
            return self.listed(word, search)
        if word.value[:2] == "~-" and word.value[2:3] in ("", "/") and self.oldpwd != ("?",):
            return [[Word(place + word.value[2:])] for place in self.back()] or [[word]]  # `cat ~-/x`
        if word.value[:1] == "~" and self.names_entry(word.value):
            return self.stacked(word)  # `pushd ~/.kube; pushd /tmp; cat ~1/config`
        if word.static or "$" not in word.value:
            return [[word]]
        if self.defaulting and _NESTED_DEFAULT.search(word.value) is not None:
            return self.nested_default(word)  # `${XDG_CONFIG_HOME:-$HOME/.config}/gcloud`
        if "{" in word.value and not word.quoted:  # `{$d/shadow,x}`: braces come first
            braced = self.braced(word.value)
            if braced is not None:
                return braced
        match = _EXPANDED.fullmatch(word.value)
        if match is not None:
            values = self.expanded(match, word.quoted)
            if values is None:
                return [[word]]
            if word.quoted or match[2] in ("@", "*"):
                return [list(v) for v in values]
            return [[p for w in v for p in _split(w)] for v in values]
        if self.searched:  # `${a[@]/#/$HOME/}`: any use of a searched name
            for name in _ARITHMETIC_NAME.findall(word.value):
                if name in self.searched:
                    self.error = self.error or "a variable holds the paths a search of secrets prints"
        return self.joined(word)

    def nested_default(self, word: Word) -> list[list[Word]]:
        """The readings of a word whose first default holds an expansion (`${X:-$HOME/.config}`,
        `${X:-${Y:-/etc}}`), as `expanded` reads a plain one: the default's word (quotes
        removed, and escapes where the word is not quoted) where the variable is not known; a
        known one's value where bash keeps it (set, and not empty with the colon), beside the
        default where it may be empty. Each is read again in turn, up to `_MAX_DEFAULTS`."""
        text = word.value
        found = _NESTED_DEFAULT.search(text)
        end = _closing_brace(text, found.end()) if found is not None else None
        if found is None or end is None:  # a brace left open: bash refuses the word
            return [[word]]
        if len(_DEFAULT_STARTS.findall(text)) > _MAX_DEFAULTS:
            self.error = self.error or "a word holds more defaults than analysed"
            return [[word]]
        name, subscript, operator = found[1], found[2], found[3]
        default = _unquoted(text[found.end() : end], word.quoted)
        before, after = text[: found.start()], text[end + 1 :]
        alternative = operator.endswith("+")  # `${X:+word}`: word where X is set, else nothing
        unset = "" if alternative else text[found.start() : found.start(3)] + "}"  # `${X}`, `${A[0]}`
        values = self.values(name, subscript, True) if name[0].isalpha() or name[0] == "_" else None
        if values is None:
            parts = [default]
        elif operator[0] != ":" or all(w.value for v in values for w in v):
            parts = [default if alternative else unset]
        else:
            parts = [unset, default]
        out: list[list[Word]] = []
        for part in parts:
            part = f"{before}{part}{after}"
            out.extend(
                self.readings(Word(part, static=False, quoted=word.quoted)) if "$" in part else [[Word(part)]]
            )
            if len(out) > MAX_VARIANTS:  # the readings left out may be the ones that matter
                self.error = self.error or "a variable takes more values than analysed"
                break
        return out

    def fed(self, text: str, names: bool) -> str:
        """The text of a heredoc or here-string with the variables known put in, word by word
        (`read f <<< "$d/shadow"`, `xargs cat <<< $d/shadow`): a word's one reading in its
        place; where it has several, all of them, one per line, when the text is read as a
        list of names (`names`: what `xargs` reads), else the word as written. A default is
        put in where its variable is not known (`${X:-/etc}/shadow`)."""
        parts = _BLANKS.split(text)
        for at in range(0, len(parts), 2):
            part = parts[at]
            if "$" not in part:
                continue
            readings = self.defaulted_readings(Word(part, static=False, quoted=True))
            if len(readings) == 1 or names:
                values = [" ".join(w.value for w in reading) for reading in readings]
                parts[at] = "\n".join(values)
        return "".join(parts)

    def braced(self, text: str) -> list[list[Word]] | None:
        """The readings of the unquoted word `text` that bash brace-expands before putting
        its variables in (`{$d/shadow,x}` is `$d/shadow` and `x`): each part's readings, in
        every combination, the braces of a `${...}` its own; None when it holds no group,
        or quotes, escapes or nested expansions, which are left as written."""
        if any(c in text for c in _NOT_BRACED):
            return None
        masked = _BRACED_EXPANSION.findall(text) if "${" in text else []
        for at, expansion in enumerate(masked):  # `{${d}/shadow,x}`: its braces are its own
            text = text.replace(expansion, f"\0{at}\0", 1)
        if "${" in text:  # nested: `${a:-${b}}`
            return None
        parts = brace_words(text)
        if parts is None:
            self.error = self.error or "a brace expansion gives more words than analysed"
            return None
        if len(parts) < 2:
            return None
        for at, expansion in enumerate(masked):
            parts = [part.replace(f"\0{at}\0", expansion) for part in parts]
        options = [self.readings(Word(part, "$" not in part)) for part in parts]
        count = 1
        for option in options:
            count *= len(option)
        if count > MAX_VARIANTS:
            self.error = self.error or "a variable takes more values than analysed"
            return None
        return [[w for reading in chosen for w in reading] for chosen in itertools.product(*options)]

    def listed(self, word: Word, search: tuple[Word, ...]) -> list[list[Word]]:
        """The readings of the argument `word`, the lines the searches `search` print
        (`cat $(find ~)`): as a variable holding them (`found`) is read, each root's `ROOT/*`,
        and unparsed when one holds secrets; `[[word]]` when it lists no paths."""
        paths, secret = _listing(search)
        if not paths:
            return [[word]]
        if secret:
            self.error = self.error or "a command reads the paths a search of secrets prints"
        return [[path] for path in paths]

    def expanded(self, match: re.Match[str], quoted: bool) -> list[tuple[Word, ...]] | None:
        """The values the expansion `match` (of `_EXPANDED`) may have, None when not known."""
        name, subscript, operator = match[1] or match[4], match[2], match[3]
        if not (name[0].isalpha() or name[0] == "_"):  # `$1`, `"$@"`: the positional parameters
            if name in ("@", "*"):
                name, subscript = _PARAMETERS, name
                if operator is not None and operator[0] == ":" and operator[1:2] not in ("-", "=", "?", "+"):
                    sliced = _SLICE.fullmatch(operator)  # `${@:2}` starts at `$2`, the second
                    if sliced is None or int(sliced[1]) == 0:
                        return None  # from `$0`, or from where run time knows
                    if int(sliced[1]) > 0:
                        operator = f":{int(sliced[1]) - 1}" + (
                            f":{sliced[2]}" if sliced[2] is not None else ""
                        )
            elif int(name):  # `${00}` is `$0`
                name, subscript = _PARAMETERS, str(int(name) - 1)
            else:
                name = "0"
        if operator is None:
            return self.values(name, subscript, quoted)
        found = self.operated(name, subscript, operator, quoted)
        if found is None and self.defaulting and operator.lstrip(":")[:1] in _DEFAULTS:  # `${X:-/etc}`
            default = _default_text(operator)
            if default is not None:  # bash puts it in where X is unset (`+`: where X is set)
                return [(Word(default),)]
        return found

    def operated(
        self, name: str, subscript: str | None, operator: str, quoted: bool
    ) -> list[tuple[Word, ...]] | None:
        """The values `${name[subscript]OPERATOR}` may have when name's are known: a slice
        (`${A:1}`, `${A[@]: -1}`) as bash takes it when written in numbers; a case change
        (`${A,,}`, `${A@U}`) as the value, lowered and raised; a trim (`${A%x}`), a
        replacement, a default (`${A:-x}`) or a transformation (`${A@Q}`) as the value
        itself, beside the trimmed one where the pattern is plain text. None when not known,
        or for `${A:+x}` (the value is x)."""
        whole = subscript in ("@", "*")
        values = self.values(name, "@" if whole else subscript, True if whole else quoted)
        if values is None or operator.lstrip(":")[:1] == "+":
            return None
        out = list(values)
        if operator[0] == ":" and operator[1:2] not in ("-", "=", "?"):
            sliced = _SLICE.fullmatch(operator)
            if sliced is None:  # an offset known at run time: any element of an array alone
                out += [(w,) for v in values for w in v] if whole else []
            elif whole:
                out = [_sliced(v, sliced) for v in values]
            else:
                out = [tuple(Word(_sliced_text(w.value, sliced), w.static) for w in v) for v in values]
        elif operator.startswith(_CASE_OPERATORS):
            for v in values:
                out.append(tuple(Word(w.value.lower(), w.static) for w in v))
                out.append(tuple(Word(w.value.upper(), w.static) for w in v))
        elif operator[0] in "#%":
            out += [tuple(Word(_trimmed(w.value, operator), w.static) for w in v) for v in values]
        elif operator[0] == "/":
            out += [tuple(Word(_replaced(w.value, operator), w.static) for w in v) for v in values]
        elif operator[:2] in (":-", ":="):  # `X=; cat ${X:-/etc}/shadow`: empty, the default
            default = _default_text(operator)
            if default is not None:
                out = [(Word(default),) if all(not w.value for w in v) else v for v in out]
        if whole and subscript == "*" and quoted:
            out = [(_join(v, " "),) for v in out]
        unique = {tuple((w.value, w.static) for w in v): v for v in out}  # a Word is not hashable
        return list(unique.values())

    def joined(self, word: Word) -> list[list[Word]]:
        """`word` with each variable it uses put in (`"$f/x"`, `"/${a[*]}"`), as one word per
        combination of their values; as it is when it uses none known."""
        parts: list[list[Word]] = []
        at = 0
        known = False
        for match in _EXPANDED.finditer(word.value):
            parts.append([Word(word.value[at : match.start()])])
            values = self.expanded(match, True)
            if values is None:
                parts.append([Word(match[0], static=False)])
            else:
                known = True
                parts.append([_join(v, " ") for v in values])
            at = match.end()
        if not known:
            return [[word]]
        parts.append([Word(word.value[at:])])
        out: list[list[Word]] = []
        for chosen in itertools.product(*parts):
            if len(out) >= MAX_VARIANTS:  # the readings left out may be the ones that matter
                self.error = self.error or "a variable takes more values than analysed"
                break
            static = all(p.static for p in chosen) and "`" not in word.value
            out.append([Word("".join(p.value for p in chosen), static)])
        return out

    def values(self, name: str, subscript: str | None, quoted: bool) -> list[tuple[Word, ...]] | None:
        """The values `$name` or `${name[subscript]}` may have (each a tuple of words: all of
        an array's for `@` and `*`), None when not known. `${A[*]}` joined by a changed IFS
        makes the call unparsed. Each of a variable's `choices` is a reading of any subscript
        (the lines `mapfile` reads from a search, elements set where the array's layout is
        not known)."""
        if name in self.searched:
            self.error = self.error or "a variable holds the paths a search of secrets prints"
        elements = self.arrays.get(name)
        if elements is not None:
            return self.elements_read(elements, subscript, quoted)
        if name in self.variables and subscript in (None, "0", "@", "*"):  # `${A[@]}` of a scalar is A
            return [(Word(self.variables[name]),)]
        if name in self.choices:
            return [(w,) for w in self.choices[name]]
        if name == "OLDPWD" and name not in self.runtime and subscript in (None, "0", "@", "*"):
            return [(Word(place),) for place in self.back()] or None
        if name == "DIRSTACK":  # `${DIRSTACK[1]}`, `$DIRSTACK` (the cwd): not followed
            self.error = self.error or "a path names an entry of a directory stack not known statically"
        return None

    def names_entry(self, text: str) -> bool:
        """Whether `text`, starting with `~`, names an entry of the directory stack that
        `stacked` reads: one the stack may hold, or the cwd (`~0`)."""
        return _STACK_TILDE.match(text) is not None and (
            self.dirs != ((),) or _CWD_TILDE.match(text) is not None
        )

    def stacked(self, word: Word) -> list[list[Word]]:
        """`word`, which starts with an entry of the directory stack (`~1/x`, `~+1`, `~-0`:
        `${DIRSTACK[1]}/x` and the bottom entry), as a path from each directory the entry may
        be, those in the workspace joined to the call's own directory (`given`); as written
        where the stack has no such entry (bash leaves it). Unparsed where the stack, or the
        directory an entry names, is not known."""
        found = _STACK_ENTRY.match(word.value)
        assert found is not None  # `_STACK_TILDE` matched
        if len(found[2]) > 9:  # past any stack: bash leaves it as written
            return [[word]]
        rest, n = word.value[found.end() :], int(found[2])
        if self.dirs is None or self.names_stack:
            self.error = self.error or "a path names an entry of a directory stack not known statically"
            return [[word]]
        out: list[str] = []
        for stack in self.dirs:
            entries = ((self.cwd, *self.unmoved), *stack)  # `~0` is the cwd, `~1` the top entry
            at = len(entries) - 1 - n if found[1] == "-" else n
            if not 0 <= at < len(entries):
                out.append(word.value)
                continue
            for place in entries[at]:
                if place is not None and place[:1] in ("/", "~"):
                    out.append(place + rest)
                elif place != "?" and self.given is not None:  # in the workspace
                    out.append((self.given if place is None else f"{self.given}/{place}") + rest)
                else:
                    self.error = (
                        self.error or "a path names an entry of a directory stack not known statically"
                    )
        return [[Word(path)] for path in dict.fromkeys(out)] or [[word]]

    def back(self) -> list[str]:
        """The directories `OLDPWD` (`$OLDPWD`, `~-`) may name, written as paths: those of
        `oldpwd` that are absolute or in a home (not the call's cwd, which is not written)."""
        return [place for place in self.oldpwd if place is not None and place[:1] in ("/", "~")]

    def names_oldpwd(self, raw: RawCommand) -> bool:
        """Whether `raw` may name `OLDPWD` (`cat ~-/x`, `cat $OLDPWD/x`) where it is known,
        or an entry of a directory stack that holds one (`cat ~1/x`, `${DIRSTACK[1]}`)."""
        back, stacked = self.oldpwd != ("?",), self.dirs != ((),)
        texts = [raw.text, *(r.target.value for r in raw.redirects)] if raw.redirects else (raw.text,)
        for text in texts:  # `cat < ~-/x`
            if (
                (back and ("~-" in text or "OLDPWD" in text))
                or "DIRSTACK" in text
                or ("~" in text and (stacked or _ZERO_ENTRY.search(text) is not None))
                or ("dirs" in text and _PRINTED_ENTRY.search(text) is not None)  # `$(dirs -l +1)`
            ):
                return True
        return False

    def elements_read(
        self, elements: tuple[Word, ...], subscript: str | None, quoted: bool
    ) -> list[tuple[Word, ...]] | None:
        """The values `${A[subscript]}` may have, A holding the known `elements`."""
        if subscript in ("@", "*"):
            if subscript == "*" and self.ifs_changed():
                self.error = self.error or "an array joined by a changed IFS"
                return None
            present = tuple(w for w in elements if w is not _UNSET)  # `A[3]=x`: `${A[@]}` is x
            return [(_join(present, " "),)] if quoted and subscript == "*" else [present]
        if subscript is None or subscript.strip() == "":
            return [(elements[0],)] if elements else [(Word(""),)]
        index = _index(subscript)
        if index is not None:
            return [(elements[index],)] if index < len(elements) else [(Word(""),)]
        return [(e,) for e in elements]  # `${A[$i]}`: any of them

    def ifs_changed(self) -> bool:
        """Whether IFS was set to other than its default (or to a value not known)."""
        return "IFS" in self.exported and self.variables.get("IFS") != " \t\n"

    def assign_copy(self, name: str, value: Word) -> None:
        """Set `name` to `value` as the script does, with the values of the variables it
        expands copied where known (`B=$A`, `B="${A[1]}"`, `for B in "${A[@]}"`): each is a
        reading of B, as the value itself is of `for B in x y`. A copy of a variable holding
        the paths a search of secrets prints holds them too."""
        sources = {m[1] or m[4] for m in _EXPANDED.finditer(value.value)} if not value.static else set()
        searched = sources & self.searched
        copied = self.copied(value) if not searched else None
        self.assign(name, copied if copied is not None else value)
        if searched:
            self.searched.add(name)
            self.choices[name] = tuple(w for s in sorted(searched) for w in self.choices.get(s, ()))

    def copied(self, value: Word) -> Listed | None:
        """`value` with the values of the variables it expands put in, as a `Listed` whose
        items are the words it may stand for: the value as one word for an assignment
        (`B=$A`; as written where A is not known: `B=$HOME/x`), each word of it for a loop's
        list (`for B in $A`, `for B in "${A[@]}"`); None when it uses no variable known, or
        is no such value (an array, an element, a substitution)."""
        from ._bash import MAX_READINGS, Listed

        items: tuple[Word, ...] = getattr(value, "items", ())
        if getattr(value, "array", False) or getattr(value, "index", None) is not None:
            return None
        if getattr(value, "appends", False) or getattr(value, "search", ()):
            return None
        if type(value) is Word:
            if value.static or "$" not in value.value:
                return None
            readings = self.joined(Word(value.value, static=False, quoted=True))
            readings += self.defaulted(Word(value.value, static=False, quoted=True))  # `B=${A:-/etc}`
            words = [w for reading in readings for w in reading]
            if [w.value for w in words] == [value.value] and not _COPIES_TEXT.fullmatch(value.value):
                return None  # `B=$(x)`; `B=$HOME/x` is read as written
        else:
            each = getattr(value, "each", False)
            read = [Word(value.value, static=False, quoted=value.quoted)] if each else list(items)
            words = [w for item in read for reading in self.readings(item) for w in reading]
            if [w.value for w in words] == [w.value for w in read]:
                return None
        if len(words) > MAX_READINGS:
            self.error = self.error or "a variable takes more values than analysed"
            return None
        return Listed(value.value, static=False, quoted=value.quoted, items=tuple(words))

    def assign(self, name: str, value: Word) -> None:
        """Remember a variable set to a static value (`a=rm; $a -rf /` runs rm), and its new
        value in the environment of what follows: bash passes it on if the name is exported,
        which the agent's own environment may do (`PAGER='sh -c x'; git log`). `A+=x` and
        `A[i]=x` change the value A holds (`update`)."""
        listed = type(value) is not Word  # a `Listed` from the walker
        if listed and (getattr(value, "appends", False) or getattr(value, "index", None) is not None):
            self.update(name, value)
            return
        items: tuple[Word, ...] = getattr(value, "items", ()) if listed else ()
        if items:
            self.check_arithmetic(w.value for w in items if w.static)
        self.known_at_run_time(name, value, replaces=True)
        if value.static and value.value[:1] == "~" and not items and self.names_entry(value.value):
            from ._bash import Listed  # `x=~1`: bash expands the entry in an assignment's value

            value = Listed(value.value, static=False, items=tuple(w for r in self.stacked(value) for w in r))
            items = value.items
        if value.static:
            if _RUNS_IN_ARITHMETIC.search(value.value):
                self.error = self.error or "a variable holds a subscript that arithmetic would run"
            self.variables[name] = value.value
        else:
            self.variables.pop(name, None)
        self.choices.pop(name, None)
        self.arrays.pop(name, None)
        self.searched.discard(name)
        if items and getattr(value, "array", False):
            placed = _placed(items, getattr(value, "indices", ()))
            if placed is not None:
                self.arrays[name] = placed
            else:  # `([$i]=x)`, `([key]=x)`: each element is a reading of any subscript
                self.choices[name] = items
        elif items:
            self.choices[name] = items
        elif getattr(value, "search", ()):  # `for A in $(find ~)`: the paths it prints
            self.found(name, value.search)  # type: ignore[attr-defined]
        self.exported[name] = f"{name}={value.value}"

    def known_at_run_time(self, name: str, value: Word, replaces: bool = False) -> None:
        """Note whether `name`, given `value` (its whole value when it `replaces` the one
        before), holds a text known only at run time (`A=$(x)`, `A=$B` of such a B), and
        read `value` as arithmetic when A is an integer (`declare -i A; A=$(x)`)."""
        runtime = not value.static and (
            _RUNS_HERE.search(_NUMBERS.sub("0", value.value)) is not None
            or any((m[1] or m[3]) in self.runtime for m in _REFERENCE.finditer(value.value))
        )
        if runtime:
            self.runtime.add(name)
            if name in self.counted or name in self.integers:
                self.error = self.error or "arithmetic reads a variable known only at run time"
        elif replaces:
            self.runtime.discard(name)
        if name in self.integers and not runtime:
            self.arithmetic_read(value.value)

    def arithmetic_read(self, text: str) -> None:
        """Arithmetic reads `text` here (`((x))`, `$((x))`, `let x`, `${a[x]}`): make the call
        unparsed when a name in it holds a text known only at run time, directly or through
        the values it reads in turn (`y=x; ((y))`), which bash evaluates as arithmetic too."""
        pending = [(name, 0) for name in _ARITHMETIC_NAME.findall(text)]
        seen: set[str] = set()
        while pending:
            name, depth = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            self.counted.add(name)
            if name in self.runtime:
                self.error = self.error or "arithmetic reads a variable known only at run time"
                return
            if depth >= _MAX_INDIRECTION:
                continue
            held = [self.variables[name]] if name in self.variables else []
            held += [w.value for w in (*self.arrays.get(name, ()), *self.choices.get(name, ()))]
            pending.extend((inner, depth + 1) for value in held for inner in _ARITHMETIC_NAME.findall(value))

    def opened(self, raw: RawCommand) -> None:
        """`exec N< <(find ~)`: descriptor N reads what the search prints, for the rest of the
        shell (`read -u N A`); `exec < FILE` (`< <(curl URL)` too): the shell's stdin."""
        for redirect in raw.redirects:
            search = getattr(redirect.target, "search", None)
            if redirect.op == "<" and search is not None:
                self.descriptors[getattr(redirect.target, "descriptor", None) or "0"] = search
            if redirect.op == "<" and redirect.fd in ("", "0"):
                self.opened_stdin = redirect
                if not raw.maybe:  # surely run, in this shell: in place of any stdin it had
                    self.stdin, self.stdin_piped = None, False

    def check_arithmetic(self, values: Iterable[str]) -> None:
        """Make the call unparsed when a value set holds a subscript with a command
        substitution as text (not one that runs where the value is set, which is analysed):
        bash runs it wherever arithmetic reads the variable."""
        if any(_RUNS_IN_ARITHMETIC.search(v) for v in values):
            self.error = self.error or "a variable holds a subscript that arithmetic would run"

    def update(self, name: str, value: Word) -> None:
        """`A+=x`, `A+=(x y)`, `A[i]=x`, `A[i]+=x` (a `Listed` from the walker): change what A
        holds. Where its elements are known (set in the call to known values, or not set in
        it: a new array) they change in place; else each value given is one more reading of
        any subscript of A, beside those it had."""
        items: tuple[Word, ...] = getattr(value, "items", ())
        index: str | None = getattr(value, "index", None)
        self.check_arithmetic(w.value for w in items or (value,) if w.static)
        self.known_at_run_time(name, value)
        elements = self.elements(name)
        if index is not None:
            self.set_element(name, elements, index, items[0] if items else Word(""), value)
        elif getattr(value, "array", False):
            if elements is not None and not getattr(value, "indices", ()):
                self.set_elements(name, elements + items)
            else:
                self.choices[name] = (*self.choices.get(name, ()), *items)
        else:
            self.append(name, elements, Word(value.value, value.static, value.quoted))
            return  # `append` sets the entry
        self.exported[name] = f"{name}={value.value}"

    def elements(self, name: str) -> tuple[Word, ...] | None:
        """The elements the variable `name` holds, when known: an array's, a scalar's one,
        none when the call has not set it (a new array); None when known only at run time."""
        if name in self.arrays:
            return self.arrays[name]
        if name in self.variables:
            return (Word(self.variables[name]),)
        if name in self.choices or name in self.searched or name in self.exported:
            return None
        return ()

    def set_elements(self, name: str, elements: tuple[Word, ...]) -> None:
        self.variables.pop(name, None)
        self.choices.pop(name, None)
        self.arrays[name] = elements

    def set_element(
        self, name: str, elements: tuple[Word, ...] | None, subscript: str, element: Word, value: Word
    ) -> None:
        """`A[subscript]=element` (`+=` when `value` appends): in place when the elements and
        the index are known (`A[3]=x`), else one more reading of A (`A[$i]=x`, `M[key]=x`)."""
        index, appends = _index(subscript), getattr(value, "appends", False)
        if elements is None or index is None or index > _MAX_INDEX:
            known = (*(elements or ()), *self.choices.get(name, ()))
            added = (element, *(_join((w, element), "") for w in known)) if appends else (element,)
            self.variables.pop(name, None)
            self.arrays.pop(name, None)
            self.choices[name] = (*known, *added)
            return
        padded = list(elements) + [_UNSET] * (index + 1 - len(elements))
        padded[index] = _join((padded[index], element), "") if appends else element
        self.set_elements(name, tuple(padded))

    def append(self, name: str, elements: tuple[Word, ...] | None, value: Word) -> None:
        """`A+=x`: the value A holds (an array's first element) with `value` after it."""
        if elements == ():  # not set in the call: as `A=x`
            self.assign(name, value)
        elif name in self.arrays and elements:
            self.arrays[name] = (_join((elements[0], value), ""), *elements[1:])
            self.exported[name] = f"{name}={self.arrays[name][0].value}"
        elif elements:
            self.assign(name, _join((elements[0], value), ""))
        elif name in self.choices:
            self.choices[name] = tuple(_join((w, value), "") for w in self.choices[name])
            self.exported[name] = f"{name}=${{{name}}}{value.value}"
        else:  # known only at run time: what is known of it is a reading (`A+=/id_rsa`)
            joined = Word(f"${{{name}}}{value.value}", static=False)
            self.assign(name, joined)
            self.choices[name] = (joined,)

    def found(self, name: str, printer: list[Word] | tuple[Word, ...]) -> None:
        """`name` holds the lines `printer` prints (`find ~ | while read A`, `for A in
        $(find ~)`): when it lists paths under roots, each root's `ROOT/*` is a reading, and
        one that holds secrets (`~`, `/`) makes a command using `name` unparsed (it reads
        what the search finds: `cat "$A"`)."""
        paths, secret = _listing(printer)
        if not paths:
            return
        self.choices[name] = paths
        if secret:
            self.searched.add(name)

    def export(self, name: str, entry: str | None) -> None:
        """Export `name` to the commands that follow, as `entry` (`NAME=value`) or, when
        None (`export A`), with the value it holds: its static one or `$NAME`."""
        if entry is None:
            value = self.variables.get(name)
            entry = self.exported.get(name) or f"{name}={value if value is not None else '$' + name}"
        self.exported[name] = entry

    def sets(
        self, program: str, args: list[Word], raw: RawCommand | None = None, feeder: RawCommand | None = None
    ) -> None:
        """Record the variables the builtin `program` (a declaration or one of `_SETTERS`)
        sets with the arguments `args`, run as `raw` (its heredoc or here-string is what
        `read` and `mapfile` read, as is a process substitution it reads: `< <(find ~)`)
        after `feeder` (what pipes into it: `find ~ | while read A`)."""
        if program in _DECLARATIONS:
            self.declare(program, args)
        elif program == "printf" and not (args and args[0].value.startswith("-v")):
            return  # the common `printf FORMAT ARGS`: only `-v`, its first option, sets
        elif program == "let":  # `let A=1 B++`: each argument is arithmetic
            from ._bash import arithmetic_assignments  # the syntax of arithmetic is the parser's

            self.arithmetic_read(" ".join(w.value for w in args))
            for word in args:  # one known only at run time sets numbers only: nothing to see
                for name in arithmetic_assignments(word.value) if word.static else ():
                    self.assign(name, Word(f"$(({name}))", static=False))
        else:
            stdin = raw.stdin_text if raw is not None else None
            several: list[list[Word]] = []  # `for d in /tmp /etc; do read f <<< "$d/shadow"`
            if stdin is not None and "$" in stdin:  # `read f <<< "$d/shadow"`
                line = stdin.strip("\n")
                if program == "read" and line and _BLANK.search(line) is None:
                    several = self.defaulted_readings(Word(line, static=False, quoted=True))
                stdin = self.fed(stdin, names=False)
            set_by = _set_by(program, args, stdin if not self.ifs_changed() else None)
            for named, value in set_by:
                self.set_named(named, value, program == "read")
            read_into = set_by[0][0] if len(several) > 1 and len(set_by) == 1 else None
            if read_into is not None and read_into.static and read_into.value in self.choices:
                values = [" ".join(w.value for w in reading) for reading in several]  # each a reading
                self.choices[read_into.value] = tuple(Word(v, static="$" not in v) for v in values)
            if program == "printf":  # `printf -v A 'a[\\x24(id)]'`: the text it holds
                printed = _printf_value(_builtin_options(args, "v")[1], unescape=True)
                self.check_arithmetic((printed,) if printed is not None else ())
            if program not in _READERS:
                return
            if stdin is not None:
                self.read_elements(program, args, stdin)
            printer = _fed_by(raw, feeder) if raw is not None and stdin is None else None
            descriptor = _builtin_options(args, _BUILTIN_VALUES[program])[0].get("u")
            if descriptor is not None:  # `read -u 3 A` after `exec 3< <(find ~)`
                printer = self.descriptors.get(descriptor.value, printer)
            if printer is not None:
                for named, _ in _set_by(program, args):
                    if named.static and _NAME.fullmatch(named.value):
                        self.found(named.value, printer)

    def read_elements(self, program: str, args: list[Word], stdin: str) -> None:
        """The elements of the array that `mapfile A` (each line of `stdin`, the text of its
        heredoc or here-string) or `read -a A` (the words of its first line) reads, when
        known: each a reading of A (`mapfile -t A <<< x; cat "${A[0]}"`). A line keeps no
        delimiter, with `-t` or without (the file it names is the same but for a newline)."""
        given, operands = _builtin_options(args, _BUILTIN_VALUES[program])
        if program == "read":
            name = given.get("a")
            fields = _read_fields(stdin if not self.ifs_changed() else None, given, 1)
            lines = fields[0].split() if fields is not None else None
        else:
            name = operands[0] if operands else Word("MAPFILE")
            lines = _mapfile_lines(stdin, given)
        if name is None or lines is None or not name.static or not _NAME.fullmatch(name.value):
            return
        from ._bash import MAX_READINGS

        if len(lines) > MAX_READINGS:
            self.error = self.error or "a variable takes more values than analysed"
            return
        self.check_arithmetic(lines)  # the text read: `<<< 'a[$(id)]'`
        self.arrays[name.value] = tuple(Word(x, static="$" not in x and "`" not in x) for x in lines)

    def set_named(self, name: Word, value: str | None, read: bool = False) -> None:
        """Set the variable `name` names (`A`, `A[1]`) to the text `value`, None when it is
        known only at run time (`read A`): written `$A` then, as `export A` writes it. Never
        static (a value read or formatted is no command name to put in), but a value `read`
        reads (`read`: `read A <<< x`) is a reading of commands using A; a name known only
        at run time, or whose subscript runs a command, is an error (it may be `PAGER`)."""
        base, _, subscript = name.value.partition("[")
        if not name.static:
            self.error = self.error or "a variable set by a name known only at run time"
        elif _RUNS_IN_ARITHMETIC.search(name.value):  # `read 'A[$(id)]'` runs id
            self.error = self.error or "a variable's subscript runs a command"
        elif _NAME.fullmatch(base) and (not subscript or subscript.endswith("]")):
            self.assign(base, Word(value if value is not None else "$" + base, static=False))
            self.check_arithmetic((value,) if value is not None else ())  # the text read or printed
            if value is None and base != "OPTIND":  # read, formatted or listed at run time
                self.runtime.add(base)
                if base in self.counted or base in self.integers:
                    self.error = self.error or "arithmetic reads a variable known only at run time"
            if read and value is not None and not subscript:  # `read A <<< x`: a reading
                self.choices[base] = (Word(value, static="$" not in value and "`" not in value),)

    def keep(self, entries: list[str]) -> None:
        """Set the assignments `entries` for everything after this command in the call, in
        whatever shell (`tmux setenv -g A 1` sets A in the tmux server, whose later panes get
        it): kept in `lasting`, which a nested shell gives back to the one that ran it."""
        for entry in entries:
            name = entry.partition("=")[0].removesuffix("+")
            if not _NAME.fullmatch(name):
                self.error = self.error or "a variable set by a name known only at run time"
                continue
            self.variables.pop(name, None)
            self.exported[name] = entry
            self.lasting.append((name, entry))

    def set_positional(self, words: list[Word] | None) -> None:
        """Set the positional parameters to `words` (`set -- A B`), each with the variables
        known put in. None, or a word whose count of words only run time knows (`$A`
        unquoted, `"$@"` unknown, a word with several readings), makes them unknown: `$1` is
        then read as written."""
        readings = self.parameter_readings(words) if words is not None else None
        if readings is None or len(readings) != 1:
            self.arrays.pop(_PARAMETERS, None)
        else:
            self.arrays[_PARAMETERS] = readings[0]

    def parameter_readings(self, words: list[Word]) -> list[tuple[Word, ...]] | None:
        """What `words`, given as positional parameters, may stand for with the variables
        known: each reading a tuple of words, at most `_MAX_CALL_READINGS` of them. None when
        a word's count of words only run time knows (`$A` unquoted, `"$@"` unknown)."""
        options = []
        count = 1
        for word in words:
            readings = self.readings(word)
            if any(not w.static and not _one_word(w, word) for r in readings for w in r):
                return None
            options.append(readings)
            count *= len(readings)
            if count > _MAX_CALL_READINGS:
                return None
        return [tuple(w for part in chosen for w in part) for chosen in itertools.product(*options)]

    def shift(self, args: list[Word]) -> None:
        """`shift [N]`: the positional parameters lose their first N (1 unless written)."""
        held = self.arrays.get(_PARAMETERS)
        if held is None:
            return
        count = args[0].value if args else "1"
        if len(args) > 1 or not (args[0].static if args else True) or not count.isdigit():
            self.arrays.pop(_PARAMETERS, None)
        elif int(count) <= len(held):  # bash shifts nothing past the count it holds
            self.arrays[_PARAMETERS] = held[int(count) :]

    def declare(self, program: str, args: list[Word]) -> None:
        """Record the variables `export`, `declare -x`, `typeset -x` or `local -x` export (or
        `export -n`, `declare +x` stop exporting), those `declare`, `local`, `readonly` set
        (passed on as a plain assignment is: see `assign`), and `set -a`/`set +a`."""
        if program == "set":
            self.allexport, changes, operands = _read_set(args, self.allexport)
            if changes:
                self.set_positional(operands)
            return
        if program == "shift":
            self.shift(args)
            return
        on, off, names = _declaration(args)
        if "f" in on:  # functions
            return
        if "n" in on and program != "export":  # `declare -n R=LD_PRELOAD`: R names another
            self.error = self.error or "a variable names another (a nameref)"
            return
        declared = {w.value.partition("=")[0].removesuffix("+") for w in names if w.static}
        if "i" in on:  # `declare -i A=x`: A's values are read as arithmetic
            self.integers.update(declared)
        if "A" in on:
            self.associative.update(declared)
        if "r" in on or program == "readonly":
            self.readonly.update(declared)
        if self.locals and program in ("local", "declare", "typeset") and "g" not in on:
            self.locals[-1].update(declared)  # the function's own
        unexporting = "x" in off or (program == "export" and "n" in on)
        exporting = program == "export" or "x" in on
        for word in _brace_expanded(names, self):
            name, eq, _ = word.value.partition("=")
            name = name[:-1] if eq and name.endswith("+") else name
            if not _NAME.fullmatch(name):
                if not word.static:  # `export $N=1`: what it sets is not known
                    self.error = self.error or "a declared name known only at run time"
                elif eq and "[" in name:  # `declare A[0]=x`: `$A` is `${A[0]}`
                    self.set_named(Word(name), word.value.partition("=")[2])
                continue
            if unexporting:
                self.exported.pop(name, None)
            elif exporting:
                self.export(name, word.value if eq else None)
            elif eq:  # `local A=1`: passed on if A is in the environment already
                self.exported[name] = word.value


class _Unwrapper:
    # Defaults read from the class until a command sets its own (most never do): one
    # unwrapper is made per command, so its set-up is on every call's path.
    dynamic = False
    track_cd = True
    feeder: RawCommand | None = None
    """The command before this one, which feeds it when this one is piped."""
    placeholder: str | None = None
    """What `xargs -I` or `find -exec` replaces by each input line or path at run time."""
    appends_input = False
    """`xargs` without `-I`: the input lines become extra arguments."""
    exported: list[str] = NO_ENV
    """The variables the shell exports to the command (`export A=1; cmd`), as they stand
    when it runs."""
    reads: list[str] = NO_ENV
    """Files a wrapper reads for the command (`xargs -a F`), besides its `<` redirections."""
    chdir: str | None = None
    """The directory a wrapper runs the command in (`env -C D`), from where the shell is."""
    delimiter: str | None = None
    """The one character `xargs -d` splits its input at, where it is not a blank."""
    own: list[str] = NO_ENV
    """The command's own assignments: written before it (`A=1 cmd`), then given to a wrapper
    (`env A=1 cmd`, `sudo A=1 cmd`)."""

    def __init__(
        self, exp: Expansion, raw: RawCommand, wrappers: list[str], outer: list[str], env: list[str]
    ) -> None:
        self.exp = exp
        self.raw = raw
        self.wrappers = list(wrappers)
        self.outer = outer
        self.inherited = env
        """The assignments of the commands the script of this one was unwrapped from."""
        if exp.exported:
            self.exported = list(exp.exported.values())
        if raw.env:
            self.own = list(raw.env)
        # Never changed in place, so `outer` itself serves when there is nothing to add.
        self.writes = outer + [r.target.value for r in raw.redirects if r.writes] if raw.redirects else outer
        self.fills: list[str] = []
        """What `{}` stands for in a `find -exec` command (find's start paths)."""

    def run(self) -> None:
        words = self.raw.words
        for _ in range(_MAX_UNWRAP):
            if not words:
                return
            head = words[0]
            program = head.value.rpartition("/")[2] if head.static else ""
            inner = self.step(program, words)
            if inner is None:
                return
            if inner is words:
                break
            words = inner
        else:  # wrapped deeper than the bound: what runs is not known
            if words:
                self.exp.error = self.exp.error or f"wrapped in more than {_MAX_UNWRAP} programs"
                self.dynamic = True
        self.emit(words)

    def step(self, program: str, words: list[Word]) -> list[Word] | None:
        """Unwrap one level: the inner words, `words` itself to stop, None if handled."""
        if program == "env":
            split = _env_split(words)
            if split is not None:  # `env -S 'cmd args'`: the string is split into words
                return split
        if program == "flock":  # `flock FILE -c 'cmd'`: the string runs through `sh -c`
            code = _option_value(words[1:], {"c", "command"})
            if code is not None:
                self.script([code], program, reads_stdin=True)
                return None
        if program == "arch":  # macOS: `arch -arm64 cmd`, `arch -arch x86_64 -e A=1 cmd`
            inner = _arch_command(words[1:])
            if inner:
                self.wrappers.append(program)
                return inner
            return words  # `arch` alone prints the machine's architecture
        if program == "concurrently":  # npm's: each word that is no option is a shell command
            for word in words[1:]:
                if not (word.static and word.value.startswith("-")):
                    self.script([word], program)
            return None
        if program in WRAPPER_VALUE_OPTIONS and not _lookup_only(program, words):
            inner = _skip_options(program, words[1:])
            if program in _WRAPPER_FILES and len(inner) < len(words) - 1:
                self.wrapper_files(program, words[1 : len(words) - len(inner)])
            inner = inner[WRAPPERS_WITH_POSITIONAL.get(program, 0) :]
            if program in _TAKES_ASSIGNMENTS and inner and "=" in inner[0].value:
                inner = self.assignments(inner)
            if not inner:
                return words
            if program == "watch":
                self.script(inner, program)
                return None
            self.wrappers.append(program)
            if program == "xargs":
                self.dynamic = True
                self.placeholder = _xargs_replace(words[1 : len(words) - len(inner)])
                self.appends_input = self.placeholder is None
                self.delimiter = _xargs_delimiter(words[1 : len(words) - len(inner)])
            return inner
        if program in SHELLS:
            return self.shell(program, words)
        if program == "su":
            code = _option_value(words[1:], {"c", "command"})
            if code is None:
                return words
            self.script([code], program, reads_stdin=True)
            return None
        if program == "eval":
            self.exp.substitutions = True
            self.script(words[1:], program, reads_stdin=True, same_shell=True)
            return None
        if program == "trap":  # `trap 'rm -rf ~' EXIT`: the action runs in this shell, maybe
            action = _trap_action(words[1:])
            if (
                action is not None
                and (not action.static or _SETS_STATE.search(action.value))
                and any(w.value in _EVERY_COMMAND or not w.static for w in words[2:])
            ):  # `trap 'cd ~/.kube' DEBUG`: its effect comes before each command after it
                self.exp.error = self.exp.error or "a trap sets state around each command"
            if action is not None:
                self.exp.substitutions = True
                fork = self.exp.fork()
                self.script([action], program, same_shell=True)
                self.exp.join(fork)
            if action is not None and action.static and self.track_cd:  # it runs again later,
                env = [*self.inherited, *self.own] if self.own else self.inherited  # `Expansion.exit`
                trap = (action.value, self.raw.depth + 1, [*self.wrappers, program], self.writes, env)
                if trap not in self.exp.traps:  # one set again is read once
                    if len(self.exp.traps) < _MAX_TRAPS:
                        self.exp.traps = (*self.exp.traps, trap)
                    else:
                        self.exp.error = self.exp.error or "more trap actions than analysed"
            return words
        if program == "ssh":
            return self.ssh(words)
        if program in ("source", "."):  # `source /dev/stdin <<EOF`: the heredoc runs here
            stdin = self.raw.stdin_text
            if stdin and len(words) > 1:  # whatever it names: a link or `/proc/$$/fd/0` may be stdin
                self.nested(stdin, program, self.writes, same_shell=True)
            return words
        if program in _DECLARATIONS:  # `command export A=1`
            if self.track_cd or program not in ("set", "shift"):  # a variant's were applied as written
                self.exp.declare(program, words[1:])
            return words
        if program in _SETTERS and words[0].value == program:  # `command read A`, `mapfile`
            if program in ("mapfile", "readarray"):
                callback = _builtin_options(words[1:], _BUILTIN_VALUES[program])[0].get("C")
                if callback is not None:
                    self.callback(callback, program)
            self.exp.sets(program, words[1:], self.raw, self.feeder)
            return words
        if program == "find" and any(w.value in _FIND_EXEC for w in words):
            self.find(words)
            return None
        if program in RUNNER_PROGRAMS:  # `faketime now cmd`, `script -c CMD`, `uv run cmd`...
            if program == "tmux":
                return self.tmux(words)
            trigger = RUN_OPTIONS.get(program)
            if trigger is not None and not any(trigger.match(w.value) for w in words[1:]):
                return words  # `rg -n x src`: nothing for the readers to run
            return self.runner(program, words)
        return words

    def tmux(self, words: list[Word]) -> list[Word] | None:
        """Read `tmux ...` (by its runner), then keep the assignments it gives the commands it
        runs (`setenv -g A 1`, `new -e A=1`): they are in the server's or the session's
        environment, which the panes it starts later in the call get too."""
        given = len(self.own)
        inner = self.runner("tmux", words)
        if len(self.own) > given:
            self.exp.keep(self.own[given:])
        return inner

    def callback(self, code: Word, wrapper: str) -> None:
        """Run the callback of `mapfile -C CODE`: in this shell, with the index and the line
        read as arguments (its commands are dynamic); one known only at run time is code not
        shown."""
        if not code.static:
            self.run_string(code, wrapper)
            return
        first = len(self.exp.commands)
        self.script([code], wrapper, same_shell=True)
        for cmd in self.exp.commands[first:]:
            cmd.dynamic = True

    def runner(self, program: str, words: list[Word]) -> list[Word] | None:
        """Read `program`, which runs a command with options of its own, by its reader in
        `_runners.py` (loaded here, on the first such command). A runner through a subcommand
        named by no word (`sudo npm test`) runs as written, without loading the readers."""
        if program in RUN_SUBCOMMANDS and not _runs_subcommand(program, words):
            return words
        from ._runners import RUNNERS

        return RUNNERS[program](self, program, words)

    def assignments(self, words: list[Word]) -> list[Word]:
        """The words after the `NAME=value` ones that `env`, `sudo` or `time` reads first,
        which are added to the command's own environment."""
        words = _brace_expanded(words, self.exp)
        i = 0
        while i < len(words) and words[i].static and "=" in words[i].value and words[i].value[0] != "=":
            i += 1
        if i:
            self.own = [*self.own, *(w.value for w in words[:i])]
        return words[i:]

    def env(self) -> list[str]:
        """The assignments in effect for the command: inherited, exported, its own."""
        if not (self.exported or self.own):
            return self.inherited
        return [*self.inherited, *self.exported, *self.own]

    def nested(
        self,
        source: str,
        wrapper: str,
        outer: list[str] | None,
        same_shell: bool = False,
        allexport: bool = False,
        arguments: list[Word] | None = None,
    ) -> None:
        """Expand `source`, run by this command through `wrapper`: in a new shell (`bash -c`,
        `su -c`, `sh <<EOF`), which inherits this command's environment and exports nothing
        back (`allexport`: started with `-a`), or in this one (`eval`, `source`). A new
        shell's `$0` and positional parameters are its `arguments` (`bash -c CODE NAME A B`),
        not known without them."""
        exp, depth, wrappers = self.exp, self.raw.depth + 1, [*self.wrappers, wrapper]
        if self.chdir is not None:  # `env -C /etc sh -c 'cat shadow'`: its moves start there
            exp.error = exp.error or "a script run in another directory"
        if same_shell:  # exported variables stay in `exp.exported`, as the script may change them
            exp.add_script(
                source, depth, wrappers, outer, [*self.inherited, *self.own] if self.own else self.inherited
            )
            return
        # a new shell gives back no variable (each may keep its value) and no directory
        kept, where = exp.held(), exp.where()
        exp.dirs = ((),)  # a new shell's stack is empty; it inherits `OLDPWD`, which bash exports
        exported, exp.exported = exp.exported, {}
        exp_allexport, exp.allexport = exp.allexport, allexport
        functions, exp.functions = exp.functions, {}  # a new shell has none of this one's
        calling, exp.calling = exp.calling, set()
        env = self.env() if wrapper != "ssh" else NO_ENV  # ssh sends none of it to the remote host
        lasting = len(exp.lasting)
        outer_parameters = exp.arrays.get(_PARAMETERS), exp.arrays.get("0")
        if outer_parameters != (None, None) or arguments:
            exp.set_positional(arguments[1:] if arguments else None)
            if arguments and arguments[0].static:
                exp.arrays["0"] = (arguments[0],)
            else:
                exp.arrays.pop("0", None)
        traps, exp.traps = exp.traps, ()
        try:
            exp.add_script(source, depth, wrappers, outer, env)
            exp.exit()
        finally:
            exp.traps = traps
            exported.update(exp.lasting[lasting:])  # `bash -c 'tmux setenv A 1'`: A stays set
            exp.exported, exp.allexport, exp.functions = exported, exp_allexport, functions
            exp.calling = calling
            exp.go(where)
            exp.keep_held(kept)
            for name, held in zip((_PARAMETERS, "0"), outer_parameters, strict=True):
                if held is None:
                    exp.arrays.pop(name, None)
                else:
                    exp.arrays[name] = held

    def shell(self, program: str, words: list[Word]) -> list[Word] | None:
        from ._shells import shell_args  # loaded by the first shell met, as `git status` needs none

        read = shell_args(program, words[1:])
        has_c, code, has_script, allexport = read.has_c, read.code, read.script, read.allexport
        for init in read.init:  # `fish -C CMD`
            self.run_string(init, program)
        if has_c and self.code_from_input(code):
            # `xargs -I{} sh -c '{}'`, `xargs sh -c`: each input line or path runs as code.
            # The static text around the placeholder is still analysed.
            self.dynamic = True
            self.wrappers.append(program)
            self.emit([Word(code.value if code is not None else "<stdin>", static=False)], runs_input=True)
            self.wrappers.pop()
            if code is not None and code.static:
                self.script([code], program, allexport=allexport)
            return None
        if has_c and code is not None:
            if code.static:  # `bash -c CODE NAME A B`: $0 is NAME, $1 A
                arguments = words[next(i for i, w in enumerate(words) if w is code) + 1 :] or None
                self.script([code], program, reads_stdin=True, allexport=allexport, arguments=arguments)
            else:  # `bash -c "$CMD"`: a script known only at run time, not a script file
                self.dynamic = True
                rest = words[next(i for i, w in enumerate(words) if w is code) + 1 :]
                self.wrappers.append(program)
                self.emit([code, *rest], runs_input=any(s in code.value for s in _SUBSTITUTION))
            return None
        if not has_c and self.raw.stdin_text is not None:  # `sh <<EOF`, `sh /dev/stdin <<EOF`
            # with a script file too: its operand may still reach the heredoc (`sh ./s` where s
            # links to /dev/stdin), so the heredoc is read as code either way
            self.nested(self.raw.stdin_text, program, self.writes, allexport=allexport)
            if not has_script:
                return None
        echoed = self.echoed_script() if not has_c and not has_script else None
        if echoed is not None:  # `echo "rm -rf /" | sh`: the shell runs the echoed text
            self.nested(echoed, program, None, allexport=allexport)
        return words

    def shell_from_stdin(self, words: list[Word], program: str) -> list[Word] | None:
        """`words`, a runner given no command (`unshare -r`, `fakeroot`, `script -q /dev/null`),
        start the user's shell, which reads its commands from stdin: a heredoc is read as the
        script (as `sh <<EOF` is), a pipe or a `<` file is code not shown (as `curl URL | sh`)
        with the text a static `echo` pipes in read too."""
        raw = self.raw
        if raw.stdin_text is not None:
            self.emit(words)
            self.nested(raw.stdin_text, program, self.writes)
            return None
        if not raw.piped and not _reads_file(raw):
            return words
        echoed = self.echoed_script() if raw.piped else None
        self.opaque(words)
        if echoed is not None:
            self.nested(echoed, program, None)
        return None

    def code_from_input(self, code: Word | None) -> bool:
        """The `-c` script of a shell run by `xargs` or `find -exec` comes from its input."""
        if self.placeholder is None and not self.appends_input:
            return False
        if code is None:
            return self.appends_input
        if self.placeholder and self.placeholder in code.value:
            return True
        return not code.static or _POSITIONAL.fullmatch(code.value) is not None

    def echoed_script(self) -> str | None:
        """The text a static `echo`/`printf` (or `cat <<EOF`) pipes into this command."""
        return _echoed(self.raw, self.feeder)

    def ssh(self, words: list[Word]) -> list[Word] | None:
        """`ssh host CMD...`: the ssh command, and CMD as a script (run remotely)."""
        rest = _skip_options("ssh", words[1:])
        if len(rest) < 2:
            return words
        self.emit(words[: len(words) - len(rest) + 1])
        self.script(rest[1:], "ssh")
        return None

    def script(
        self,
        words: list[Word],
        wrapper: str,
        reads_stdin: bool = False,
        same_shell: bool = False,
        allexport: bool = False,
        arguments: list[Word] | None = None,
    ) -> None:
        """Run `words` (joined) as a script; a dynamic script stays an opaque command.
        `reads_stdin`: the script's commands read this command's heredoc (`bash -c`, `eval`);
        `same_shell`, `allexport` and `arguments`: as for `nested`."""
        if not words:
            return
        if not all(w.static for w in words):
            self.dynamic = True
            self.emit([Word(wrapper), *words])
            return
        source = " ".join(w.value for w in words)
        caller = self.exp.feed_stdin(self.raw) if reads_stdin else None
        try:
            self.nested(source, wrapper, self.writes, same_shell, allexport, arguments)
        finally:
            if caller is not None:
                self.exp.restore_stdin(caller, same_shell)

    def find(self, words: list[Word]) -> None:
        head: list[Word] = []
        groups: list[list[Word]] = []
        current: list[Word] | None = None
        for w in words:
            if current is None and w.value in _FIND_EXEC:
                current = []
            elif current is not None and w.value in (";", "+"):
                groups.append(current)
                current = None
            elif current is not None:
                current.append(w)
            else:
                head.append(w)
        if current:
            groups.append(current)
        self.emit(head)
        starts = []
        for w in head[1:]:
            if w.value.startswith(("-", "(", "!")):
                break
            starts.append(w.value)
        for group in groups:
            if len(self.exp.commands) >= self.exp.limit:
                self.exp.error = self.exp.error or "too many commands to analyse"
                return
            sub = _Unwrapper(self.exp, self.raw, [*self.wrappers, "find"], self.outer, self.inherited)
            sub.exported, sub.own = self.exported, self.own  # find's own, `env A=1` included
            sub.dynamic = True
            sub.fills = starts or ["."]
            sub.placeholder = "{}"
            sub.writes = self.outer
            sub.run_words(group)

    def opaque(self, words: list[Word]) -> None:
        """Emit `words` as code not shown: a runner whose command cannot be located, keys
        typed into a terminal, a script read from a pipe (dynamic, and `runs_input` as text
        piped into a shell). What this unwrapper emits next is dynamic too."""
        self.dynamic = True
        self.emit(words, runs_input=True)

    def run_string(self, code: Word, wrapper: str, fills: list[str] | None = None) -> None:
        """Run the shell string `code` through a new shell started by `wrapper` (`sg`, `tmux
        new`); one known only at run time is code not shown. With `fills` (what `{}` stands
        for), the commands it runs are dynamic: `parallel` puts its inputs in at run time."""
        if not code.static:
            self.wrappers.append(wrapper)
            self.opaque([code])
            self.wrappers.pop()
            return
        first = len(self.exp.commands)
        self.script([code], wrapper)
        for cmd in self.exp.commands[first:] if fills is not None else ():
            cmd.dynamic = True
            cmd.fills = fills or []

    def run_inner(self, words: list[Word], wrapper: str) -> None:
        """Unwrap `words`, one of several commands this one runs through `wrapper` (`tmux
        new-window cmd args`), with this command's environment."""
        sub = _Unwrapper(self.exp, self.raw, [*self.wrappers, wrapper], self.outer, self.inherited)
        sub.exported, sub.own, sub.dynamic = self.exported, self.own, self.dynamic
        sub.writes = self.outer
        sub.run_words(words)

    def run_words(self, words: list[Word]) -> None:
        raw = self.raw
        self.raw = replace(raw, words=words, redirects=[], stdin_text=None)
        self.run()

    def wrapper_files(self, program: str, options: list[Word]) -> None:
        """What the options of a wrapper (`options`, before the command it runs) name: a
        file it reads for the command (`xargs -a F`), one it writes (`time -o F`,
        `strace -o F`), or the directory the command runs in (`env -C D`, `sudo -D D`):
        `emit` reads the command from there; a script it runs, or a directory not known,
        makes the call unparsed."""
        self.files(program, _option_values(program, options), _WRAPPER_FILES[program])

    def files(
        self,
        program: str,
        values: Iterable[tuple[str, Word]],
        named: tuple[frozenset[str], frozenset[str], frozenset[str]],
    ) -> None:
        """The options' `values` (name, value) of a wrapper, as `wrapper_files` reads them:
        `named` gives the names of those that read a file, write one, and name a directory."""
        reads, writes, dirs = named
        chdir: Word | None = None
        for name, value in values:
            if name in reads:
                self.reads = [*self.reads, value.value]
            elif name in writes:
                self.writes = [*self.writes, value.value]
            elif name in dirs:
                chdir = value  # `env -C a -C b`: the last one
        if chdir is None or (chdir.static and chdir.value in (".", "./")):
            return
        if not chdir.static or not chdir.value:  # `env -C "$d"`
            self.exp.error = self.exp.error or f"a command run in a directory not known ({program})"
        elif self.chdir is None or chdir.value[:1] in ("/", "~"):
            self.chdir = chdir.value
        else:  # from the directory an outer wrapper named (`env -C a env -C b`)
            self.chdir = f"{self.chdir}/{chdir.value}"

    def moved_emit(self, words: list[Word], runs_input: bool) -> None:
        """`emit` the command from the directory `chdir` names, the shell staying where it
        is; a move it would make (`env -C x cd y`) makes the call unparsed."""
        exp, cwd = self.exp, self.exp.cwd
        if words[0].value in _MOVERS:
            exp.error = exp.error or "a cd run in another directory"
            return
        exp.cwd = _moved(cwd, self.chdir)
        chdir, self.chdir = self.chdir, None
        try:
            self.emit(words, runs_input)
        finally:
            exp.cwd, self.chdir = cwd, chdir

    def emit(self, words: list[Word], runs_input: bool = False) -> None:
        if not words:
            return
        if len(self.exp.commands) >= self.exp.limit:  # `find -exec` makes several of one
            self.exp.error = self.exp.error or "too many commands to analyse"
            return
        if self.chdir is not None:  # `env -C build make`: from there, the shell staying
            self.moved_emit(words, runs_input)
            return
        names = self.names(words)
        env = self.inherited if not (self.exported or self.own) else self.env()
        _emit(
            self.exp,
            self.raw,
            words,
            self.writes,
            list(self.wrappers),
            self.dynamic,
            self.fills,
            runs_input,
            self.track_cd,
            env,
            self.reads,
            names,
        )
        if names is not None and self.placeholder and "xargs" in self.wrappers:
            self.filled(words, names, env)

    def filled(self, words: list[Word], names: str, env: list[str]) -> None:
        """`xargs -I{} cat {}/shadow <<< /etc`: the command once more for each line of the
        names it reads (up to `_MAX_FILLED`), the placeholder put in, dynamic."""
        holder = self.placeholder
        if not holder:
            return
        lines = [line.strip() for line in names.splitlines() if line.strip()]
        for line in lines[:_MAX_FILLED]:
            if len(self.exp.commands) >= self.exp.limit:
                self.exp.error = self.exp.error or "too many commands to analyse"
                return
            filled = [
                Word(w.value.replace(holder, line), False, w.quoted) if holder in w.value else w
                for w in words
            ]
            _emit(
                self.exp,
                self.raw,
                filled,
                self.writes,
                list(self.wrappers),
                True,
                [],
                False,
                False,
                env,
                self.reads,
            )

    def names(self, words: list[Word]) -> str | None:
        """The text a command reads names from, where it reads them from its stdin (`xargs`,
        `tar -T -`: `NAME_LISTS`): its heredoc or here-string, or what a static `echo` or
        `cat <<EOF` pipes into it, with the variables known put in, `xargs -d`'s delimiter
        read as a line's end; None for any other command."""
        program = words[0].value.rpartition("/")[2] if words[0].static else ""
        if "xargs" not in self.wrappers and program not in NAME_LISTS:
            return None
        return self.stdin_names()

    def stdin_names(self) -> str | None:
        """The text of this command's stdin, where it is known, read as names (`_names`)."""
        lines = "\n" if self.placeholder and self.delimiter is None else None  # `xargs -I`: a line each
        return _names(self.exp, self.raw, self.feeder, self.delimiter or lines)


def _emit(
    exp: Expansion,
    raw: RawCommand,
    words: list[Word],
    writes: list[str],
    wrappers: list[str],
    dynamic: bool,
    fills: list[str],
    runs_input: bool,
    track_cd: bool,
    env: list[str],
    more_reads: list[str] = NO_ENV,
    names: str | None = None,
) -> None:
    """Add the command `words` run as part of `raw` (`wrappers`: a list of its own) with the
    assignments `env`, reading the files of its `<` redirections and `more_reads`, and the
    names in `names` when it reads them from its stdin (`_Unwrapper.names`)."""
    redirects = raw.redirects
    reads = [r.target.value for r in redirects if not r.writes and r.op == "<"] if redirects else []
    if more_reads:
        reads = [*reads, *more_reads]
    # By position (argv, static, text, writes_to, reads_from, wrappers, dynamic, piped, depth,
    # cwd, stdin, fills, runs_input, env): keywords cost more, and this runs once per command.
    stdin = raw.stdin_text if names is None else names
    cmd = Command(
        [w.value for w in words],
        [w.static for w in words],
        raw.text,
        writes,
        reads,
        wrappers,
        dynamic,
        raw.piped,
        raw.depth,
        exp.cwd,
        stdin,
        fills,
        runs_input,
        env,
    )
    if cmd.program == "find" and cmd.dynamic:  # which values of its tests the shell splits
        cmd.split = [not w.static and (not w.quoted or "@" in w.value) for w in words[1:]]  # `"$@"`
    exp.commands.append(cmd)
    if cmd.program in _MOVERS:
        if cmd.program != "dirs" and not all(cmd.static):  # `cd "$d"`
            cmd.moves_to = exp.targets(words)
        if track_cd:
            exp.move(cmd)


_MAX_FILLED = 8
"""Most lines of its input an `xargs -I` command is read once more with (`_Unwrapper.filled`)."""
_BLANKS = re.compile(r"([ \t\n]+)")
"""The blanks between the words of a heredoc or here-string, kept by `split`."""


_HOME_OR_CWD = re.compile(
    r"\$(?:\{(HOME|PWD)(?::?([-=?])([^{}`\\]*))?\}|(HOME|PWD)(?![A-Za-z0-9_]))(/[^$`\\]*|)"
)
"""A word that names the home or the cwd, then static text: `$HOME/.kube`, `${PWD}/x`,
`${HOME:-/x}/.kube` (the default, `/x`, where the environment lacks HOME: `env -i`)."""
_UNQUOTED = re.compile(r"[\"'\\]")
"""What a name may hide behind in a script's text (`OLD""PWD`, `DIR\\STACK`)."""
_NUMBER = re.compile(r"\s*[+-]?[0-9]+\s*")
"""A number as bash reads one (`+1`, `"+ 1 "`, `++1` name an entry of the directory stack)."""
_STACK_TILDE = re.compile(r"~[+-]?[0-9]+(?:/|$)")
_PRINTED_ENTRY = re.compile(r"(?:\$\(|`)\s*dirs\s")
"""A substitution of `dirs`, read as the entry it prints (`$(dirs -l +1)` is `~1`)."""
_ZERO_ENTRY = re.compile(r"~[+-]?0")
"""Where a word may name the cwd as an entry of the stack (`~0`), which an empty one has."""
_CWD_TILDE = re.compile(r"~[+-]?0+(?:/|$)")
"""`~0`, `~+0`, `~-0` with an empty stack: the cwd, as `~+` is."""
_STACK_ENTRY = re.compile(r"~([+-]?)([0-9]+)")
"""`~1`, `~+2`, `~-0`: a path from an entry of the directory stack."""
_STACK_OPTIONS = {"pushd": ("-n",), "popd": ("-n",), "dirs": ("-c", "-l", "-p", "-v")}
"""The options bash takes of `pushd`, `popd` and `dirs`, each alone (`dirs -lc` fails)."""
_Args = tuple[str, str | None, str | None]


def _stack_args(program: str, argv: list[str]) -> _Args | None:
    """How `cd`, `pushd`, `popd` or `dirs` (`argv`) reads its arguments, as bash does: the
    letters of its options, its directory (`-` of `cd -`) and, but for `cd`, the entry of
    the stack it names (`+1`, `-0`; `pushd` takes the first and no more, `popd` and `dirs`
    the last). None when bash rejects them (`cd a b`, `cd -1`, `popd x`, `dirs -lc`), and
    the builtin fails, changing nothing."""
    options, turn = "", None
    args = argv[1:]
    if program == "cd":  # options as getopt reads them, then at most one directory
        at = 0
        while at < len(args) and args[at][:1] == "-" and args[at] != "-":
            at += 1
            if args[at - 1] == "--":
                break
            if args[at - 1][1:].strip("LPe@"):
                return None  # `cd -1`
            options += args[at - 1][1:]
        if len(args) > at + 1:
            return None  # `cd a b`
        return options, args[at] if at < len(args) else None, None
    for at, arg in enumerate(args):
        if arg == "--":  # `pushd -- +1`: a directory; `popd` and `dirs` take nothing after
            return options, args[at + 1] if program == "pushd" and at + 1 < len(args) else None, turn
        if arg in _STACK_OPTIONS[program]:
            options += arg[1:]
        elif program == "pushd" and arg == "-":  # `pushd -`: where `cd -` goes
            return options, arg, None
        elif arg[:1] in ("+", "-") and arg:
            if _NUMBER.fullmatch(arg[1:]) is None:
                return None  # `pushd +x`, `popd -y`
            turn = arg
            if program == "pushd":  # the first, and no more
                return options, None, turn
        elif program == "pushd":
            return options, arg, None
        elif arg:
            return None  # `popd x`
        else:
            break  # `popd ""` ends them
    return options, None, turn


def _goes_back(program: str, args: _Args) -> bool:
    """Whether a builtin of `_MOVERS` goes where the call was, not to a directory it names:
    `cd -`, `cd ~-`, `pushd -`, `popd`, `pushd`, `pushd +1` (and `dirs` with no operand, which
    `Expansion.move` reads before this)."""
    operand = args[1]
    if operand is not None:
        return program != "dirs" and (operand == "-" or (operand[:2] == "~-" and operand[2:3] in ("", "/")))
    return program != "cd"


def _stack_index(operand: str, size: int) -> int | None:
    """The entry of a directory stack of `size` entries (the cwd first) that `+N` (from the
    top) or `-N` (from the bottom) names; None past either end."""
    n = int(operand[1:])
    at = n if operand[0] == "+" else size - 1 - n
    return at if 0 <= at < size else None


def _pop(program: str, args: _Args, here: _Places, stack: _Stack) -> tuple[_Places | None, _Stack]:
    """Where `pushd` (with no directory, or `+N`/`-N`) or `popd` goes from `here` with the
    directory stack `stack`, and the stack it leaves; None where it moves nothing (it fails,
    or removes an entry below the top)."""
    options, _, turn = args
    whole = (here, *stack)
    if program == "pushd":
        at = 1 if turn is None else _stack_index(turn, len(whole))
        if at is None or at >= len(whole):
            return None, stack  # `pushd` with an empty stack, `pushd +5` with three entries
        if turn is None:  # the two on top swap
            return stack[0], (here, *stack[1:])
        turned = whole[at:] + whole[:at]
        return turned[0], turned[1:]
    at = 0 if turn is None else _stack_index(turn, len(whole))
    if at is None or len(whole) < 2:
        return None, stack  # `popd` with an empty stack
    if at > 0 or "n" in options:  # `popd -n`, `popd +2`: an entry below the top goes, and the
        at = at or 1  # call stays
        return None, whole[1:at] + whole[at + 1 :]
    return stack[0], stack[1:]


def _moves(current: str | None, cmd: Command) -> list[str | None] | None:
    """The directories `cmd`, a builtin of `_MOVERS`, run from `current`, may go to: for a
    `cd` or `pushd` to a directory, it (each the variables known may make it, `cd "$d"`);
    `[current]` for one that moves nothing; None for one that goes back (see `_goes_back`),
    which `Expansion.move` follows from every directory the call may be in at once."""
    args = _stack_args(cmd.program, cmd.argv)
    if args is None or cmd.program == "dirs" or (cmd.program == "pushd" and "n" in args[0]):
        return [current]  # it fails, or moves nothing
    if _goes_back(cmd.program, args):
        return None
    if cmd.moves_to is not None:
        return list(dict.fromkeys(_moved(current, target) for target in cmd.moves_to))
    if args[1] is None:
        return ["~"]  # `cd`: the home
    return [_moved(current, args[1] if all(cmd.static) else None)]


def _climbs(place: str | None) -> int:
    """How many levels above the call's own directory `place` (as `cwd`) starts: `..` 1,
    `../../x` 2, `a/b` and the call's own directory 0; any other (`/etc`, `~`, "?") 0."""
    if place is None or place[:2] != "..":
        return 0
    parts = place.split("/")
    return next((i for i, part in enumerate(parts) if part != ".."), len(parts))


def _near(place: str | None, top: int) -> bool:
    """Whether `place` (as `cwd`) is the call's own directory, one below it, or one above it
    short of the root (`top` levels up), or below that, with no hidden or secret name: from
    there a relative path names what the call could name from its workspace, a secret known
    by its name (see `_kept`); a system file (`/etc/shadow`) is named from the root."""
    climbs = _climbs(place)
    rest = place[3 * climbs :] if place is not None else ""
    return climbs < top and not _kept(rest or None)


@functools.lru_cache(maxsize=64)
def _levels(cwd: str | None) -> int:
    """How many levels `cwd` lies below the root, at least 1; 2 when it is not an absolute
    POSIX path (see `Expansion.top`)."""
    if not cwd or cwd[:1] != "/":
        return 2
    return max(1, sum(1 for part in cwd.split("/") if part and part != "."))


def _relative(word: str) -> str | None:
    """The relative path `word` names, normalised (`a/../../x` is `../x`), or its value after
    `=` (`--out=../x`); None for an absolute one, or one in a home."""
    for part in (word, word.partition("=")[2]):
        if part[:1] not in ("/", "~", "") and ".." in part:
            return normpath(part)
    return None


def _height(place: str | None) -> tuple[int, int]:
    """How high `place` (as `cwd`) lies against the call's own directory, to compare two:
    the levels it climbs, then how few below those it goes down (`..` over `../b` over the
    call's own directory over `a`)."""
    if place is None or place[:1] in ("/", "~", "?"):
        return 0, 0
    climbs = _climbs(place)
    return climbs, climbs - place.count("/") - 1


def _sets(name: str, entry: str) -> bool:
    """Whether the environment entry `entry` (`NAME=value`, `NAME+=value`) sets `name`."""
    return entry.startswith(name) and entry[len(name) : len(name) + 1] in ("=", "+")


def _kept(place: str | None) -> bool:
    """Whether the call may stay in `place` when a move from it fails, as read: not its own
    directory or one below it with no hidden or secret name (`src`, `a/b`), the workspace, from which
    the call reads by relative paths without any move (a secret there is known by its name:
    `cat .env`); any other (`~/.kube`, `/etc`, `..`, `sub/.kube`)."""
    if place is None or place == "?":  # not known: no name to judge
        return False
    if place[:1] in ("/", "~", ".") or "/." in place:
        return True
    from ._sensitive import is_sensitive

    return is_sensitive(place)  # `Library/Keychains`


def _moved(current: str | None, path: str | None) -> str | None:
    """Where `cd path` goes from `current` (a path not known: None)."""
    if path is None or _STACK_TILDE.match(path) or (path[:2] == "~-" and path[2:3] in ("", "/")):
        return "?"  # `pushd ~-`: `Expansion.move` follows `cd ~-` alone
    if path == "":  # `cd ""` stays
        return current
    if path[:2] == "~+" and path[2:3] in ("", "/"):  # `cd ~+/x`: from the cwd
        path = "." + path[2:]
    if path.startswith(("/", "~")):
        return normpath(path) or "?"
    if path == "-" or current == "?":
        return "?"
    if current is None:
        return None if path == "." else path  # still relative to the call's cwd
    moved = normpath(posixpath.join(current, path))
    return None if moved == "." else moved or "?"  # `cd x; cd ..` is back in the call's cwd


def normpath(path: str) -> str | None:
    """`posixpath.normpath(path)`, except that the `~`, `~user`, `~+` or `~-` that starts a
    path is a directory, not a name: None when a `..` climbs above it (`~/../../etc` is
    `/etc` for a home two levels deep, which is not known here), where `posixpath` would
    cancel the two and give the relative `../etc`."""
    if path[:1] != "~":
        return posixpath.normpath(path)
    head, _, rest = path.partition("/")
    rest = posixpath.normpath(rest.lstrip("/")) if rest else "."
    if rest == ".":
        return head
    if rest == ".." or rest.startswith("../"):
        return None
    return f"{head}/{rest}"


_MAX_TRAPS = 8
"""The trap actions of one shell read again where it ends; more make the call unparsed."""
_EVERY_COMMAND = frozenset({"DEBUG", "RETURN", "ERR", "SIGDEBUG", "SIGRETURN", "SIGERR"})
"""The `trap` conditions that run the action before or after any command, not once."""
_SETS_STATE = re.compile(
    r"=|\b(?:cd|pushd|popd|dirs|read|mapfile|readarray|export|declare|typeset|local|readonly|unset|set|shift"
    r"|eval|source|alias|let|exec|getopts)\b|(?:^|[;&|\s])\.\s"
)
"""An action that may set variables, move the shell or change what names run."""


def _trap_action(args: list[Word]) -> Word | None:
    """The action `trap ACTION SIGNAL...` sets; None for `trap -p`, `trap -l`, `trap SIGNAL`
    and `trap - SIGNAL` (which print or reset)."""
    if args and args[0].static and args[0].value == "--":
        args = args[1:]
    elif args and args[0].static and args[0].value.startswith("-") and args[0].value != "-":
        return None
    if len(args) < 2 or (args[0].static and args[0].value == "-"):
        return None
    return args[0]


def _declaration(args: list[Word]) -> tuple[str, str, list[Word]]:
    """The letters of the leading `-x` and `+x` options of `export`/`declare`, and the rest."""
    on = off = ""
    i = 0
    while i < len(args) and args[i].static and len(args[i].value) > 1 and args[i].value[0] in "-+":
        a = args[i].value
        i += 1
        if a == "--":
            break
        if a[0] == "-":
            on += a[1:]
        else:
            off += a[1:]
    return on, off, args[i:]


_BUILTIN_VALUES = {
    "read": "adinNptu",
    "mapfile": "dnOsuCc",
    "readarray": "dnOsuCc",
    "printf": "v",
    "getopts": "",
}
"""The option letters of each of `_SETTERS` that take a value (`read -p PROMPT`)."""


def _set_by(program: str, args: list[Word], stdin: str | None = None) -> list[tuple[Word, str | None]]:
    """The variables `program ARGS` sets (`read`, `mapfile`, `readarray`, `printf`,
    `getopts`): each name as written and its value, None when known only at run time
    (`read` reads `stdin`, the text of its heredoc or here-string, when given)."""
    given, operands = _builtin_options(args, _BUILTIN_VALUES[program])
    if program == "read":  # `read [-a ARRAY] [NAME...]`, REPLY without either
        array = given.get("a")
        names = operands if operands or array is not None else [Word("REPLY")]
        fields = _read_fields(stdin, given, len(names)) if array is None else None
        if fields is not None:
            return list(zip(names, fields, strict=True))
        return [(w, None) for w in ([*names, array] if array is not None else names)]
    if program == "printf":  # `printf -v NAME FORMAT ARGS`
        name = given.get("v")
        return [(name, _printf_value(operands))] if name is not None else []
    if program == "getopts":  # `getopts OPTSTRING NAME [ARGS]`: NAME, OPTARG and OPTIND
        return [(w, None) for w in (operands[1], Word("OPTARG"), Word("OPTIND"))] if len(operands) > 1 else []
    return [(operands[0] if operands else Word("MAPFILE"), None)]  # `mapfile [ARRAY]`


def _mapfile_lines(text: str, given: dict[str, Word]) -> list[str] | None:
    """The elements `mapfile` with the options `given` reads from `text`: its lines (split
    at `-d`, past the `-s` first, at most `-n`), each without its delimiter; None when an
    option is known only at run time, or `-O` (an origin: the elements before stay) or `-u`
    (another descriptor) is given."""
    if "O" in given or "u" in given or not all(w.static for w in given.values()):
        return None
    counts = [given[k].value for k in "sn" if k in given]
    if not all(c.isascii() and c.isdigit() for c in counts):
        return None
    lines = text.split(given["d"].value[:1] or "\0" if "d" in given else "\n")
    if lines[-1] == "":
        lines.pop()
    skip = int(given["s"].value) if "s" in given else 0
    count = int(given["n"].value) if "n" in given else 0
    return lines[skip : skip + count] if count else lines[skip:]


def _fed_by(raw: RawCommand, feeder: RawCommand | None) -> tuple[Word, ...] | list[Word] | None:
    """The words of the command whose output is the stdin of `raw`: a process substitution
    it reads (`read A < <(find ~)`, or around its loop: `done < <(find ~)`), else the command
    piped into it (`find ~ | while read A`); None for a file or no input."""
    for redirect in reversed(raw.redirects) if raw.redirects else ():
        if redirect.op == "<":
            return getattr(redirect.target, "search", None)  # a `Listed` for `<(...)`
    if raw.piped and feeder is not None and feeder.depth <= raw.depth:
        return feeder.words
    return None


def _index(subscript: str) -> int | None:
    """The element a subscript names when it is a plain decimal number (`3`; not `010`,
    octal to bash, nor `i`, `$i`, `-1`)."""
    index = subscript.strip()
    if index.isascii() and index.isdigit() and (index == "0" or index[0] != "0"):
        return int(index)
    return None


def _placed(items: tuple[Word, ...], indices: tuple[str | None, ...]) -> tuple[Word, ...] | None:
    """The elements of the array literal `items`, each at the subscript `indices` gives it
    (`([3]=x y)`: x at 3, y at 4); None when one is not a plain number (`[$i]=x`, `[k]=x`)."""
    if not indices:
        return items
    elements: list[Word] = []
    at = 0
    for item, subscript in zip(items, indices, strict=True):
        if subscript is not None:
            index = _index(subscript)
            if index is None or index > _MAX_INDEX:
                return None
            at = index
        elements.extend([_UNSET] * (at + 1 - len(elements)))
        elements[at] = item
        at += 1
    return tuple(elements)


def _bounds(length: int, sliced: re.Match[str]) -> tuple[int, int]:
    """Where `${A:OFFSET:LENGTH}` starts and ends in a value of `length` (as bash takes a
    negative offset or length: from the end; an offset past either end gives nothing)."""
    start = int(sliced[1])
    start = start if start >= 0 else length + start
    if start < 0 or start > length:
        return 0, 0
    if sliced[2] is None:
        return start, length
    count = int(sliced[2])
    end = start + count if count >= 0 else length + count
    return start, max(start, min(end, length))


def _sliced(elements: tuple[Word, ...], sliced: re.Match[str]) -> tuple[Word, ...]:
    present = tuple(w for w in elements if w is not _UNSET)
    start, end = _bounds(len(present), sliced)
    return present[start:end]


def _sliced_text(text: str, sliced: re.Match[str]) -> str:
    start, end = _bounds(len(text), sliced)
    return text[start:end]


def _trimmed(text: str, operator: str) -> str:
    """`${A#p}`, `${A##p}`, `${A%p}`, `${A%%p}` of the value `text`, the pattern matched as a
    glob; the value as it is when the pattern has quotes or escapes, or past `_MAX_TRIMMED`
    characters (each cut is one match of the pattern)."""
    import fnmatch

    if len(text) > _MAX_TRIMMED:
        return text
    longest = operator[:2] in ("##", "%%")
    pattern = operator[2:] if longest else operator[1:]
    if any(c in pattern for c in "'\"\\"):
        return text
    cuts = range(len(text), -1, -1) if longest else range(len(text) + 1)
    for cut in cuts:
        if operator[0] == "#" and fnmatch.fnmatchcase(text[:cut], pattern):
            return text[cut:]
        if operator[0] == "%" and fnmatch.fnmatchcase(text[len(text) - cut :], pattern):
            return text[: len(text) - cut]
    return text


def _replaced(text: str, operator: str) -> str:
    """`${A/p/r}`, `${A//p/r}`, `${A/#p/r}`, `${A/%p/r}` of the value `text` for a pattern of
    plain text; the value as it is for a glob, quotes or escapes (not read here)."""
    kind = operator[1:2] if operator[1:2] in ("/", "#", "%") else ""
    pattern, _, replacement = operator[1 + len(kind) :].partition("/")
    if not pattern or any(c in pattern + replacement for c in "*?['\"\\&"):
        return text
    if kind == "/":
        return text.replace(pattern, replacement)
    if kind == "#":
        return replacement + text[len(pattern) :] if text.startswith(pattern) else text
    if kind == "%":
        return text[: -len(pattern)] + replacement if text.endswith(pattern) else text
    return text.replace(pattern, replacement, 1)


_PRINTF_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t", "v": "\v", "\\": "\\", '"': '"', "'": "'", "?": "?"}  # fmt: skip
_PRINTF_ESCAPE = re.compile(
    r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})|U([0-9A-Fa-f]{1,8})|(.))", re.DOTALL
)
"""An escape of a printf format: `\\NNN` (octal), `\\xHH`, `\\uHHHH`, `\\UHHHHHHHH`, `\\n`..."""


def _printf_unescape(text: str) -> str | None:
    """The text printf prints for the escapes of a format's plain part (`a[\\x24(id)]` is
    `a[$(id)]`); None for `\\c` (stops the output) or a code point past Unicode's."""
    stop = False

    def one(found: re.Match[str]) -> str:
        nonlocal stop
        octal, hexa, short, long, other = found.groups()
        if octal is not None:
            return chr(int(octal, 8) & 0xFF)
        if hexa is not None:
            return chr(int(hexa, 16))
        if short is not None or long is not None:
            number = int(short or long, 16)
            stop = stop or number > 0x10FFFF
            return chr(number) if number <= 0x10FFFF else ""
        stop = stop or other == "c"
        return _PRINTF_ESCAPES.get(other, "\\" + other)

    decoded = _PRINTF_ESCAPE.sub(one, text)
    return None if stop else decoded


def _builtin_options(args: list[Word], values: str) -> tuple[dict[str, Word], list[Word]]:
    """The options of a builtin before its operands, by letter (those in `values` with their
    value: `-rp PROMPT`, `-pPROMPT`), and the operands. A word known only at run time ends
    the options: what it is is not known."""
    given: dict[str, Word] = {}
    i = 0
    while i < len(args):
        word = args[i]
        a = word.value
        if not word.static or len(a) < 2 or a[0] != "-" or (a[1] == "-" and a != "--"):
            break
        i += 1
        if a == "--":
            break
        for k, letter in enumerate(a[1:], 2):
            given[letter] = Word("")
            if letter in values:
                if k < len(a):
                    given[letter] = Word(a[k:])
                elif i < len(args):
                    given[letter] = args[i]
                    i += 1
                break
    return given, args[i:]


def _printf_value(operands: list[Word], unescape: bool = False) -> str | None:
    """What `printf FORMAT ARGS` prints when every word is static, the format has no
    directive but `%s` and `%%`, no escape (unless `unescape`: then decoded), and no fewer
    `%s` than arguments (bash would print it again for those left over, a text of any
    size); else None."""
    if not operands or not all(w.static for w in operands):
        return None
    parts = re.split(r"(%[%s])", operands[0].value)
    if any("%" in part or ("\\" in part and not unescape) for part in parts[::2]):
        return None
    for k in range(0, len(parts), 2):
        if "\\" in parts[k]:
            decoded = _printf_unescape(parts[k])
            if decoded is None:
                return None
            parts[k] = decoded
    if parts.count("%s") < len(operands) - 1:
        return None
    args = iter(w.value for w in operands[1:])
    return "".join(
        part if k % 2 == 0 else "%" if part == "%%" else next(args, "") for k, part in enumerate(parts)
    )


def _one_word(word: Word, written: Word) -> bool:
    """`word`, read from `written`, is one word at run time: written quoted, and holding no
    positional parameters or array elements that may be several (`"$@"`, `"${A[@]}"`)."""
    return written.quoted and "@" not in word.value and "*" not in word.value


def _read_set(args: list[Word], allexport: bool) -> tuple[bool, bool, list[Word] | None]:
    """What `set ARGS` does, starting from `allexport`: whether allexport is on after it (`-a`,
    `-o allexport` turn it on, `+a`, `+o allexport` off), whether it sets the positional
    parameters, and to which words: the operands after its options (`set -e -- a b`,
    `set a b`; `set --` clears them), None when an option only run time knows (`set $OPTS a`)
    hides where they start."""
    i = 0
    while i < len(args):
        word = args[i]
        a = word.value
        if not word.static:
            return allexport, True, None
        if a in ("--", "-"):
            return allexport, a == "--" or i + 1 < len(args), args[i + 1 :]
        if len(a) < 2 or a[0] not in "-+":
            return allexport, True, args[i:]
        i += 1
        if "a" in a:
            allexport = a[0] == "-"
        if "o" in a and i < len(args):  # `-o NAME` (`-euo pipefail`): the next word names it
            if args[i].value == "allexport":
                allexport = a[0] == "-"
            i += 1
    return allexport, False, []


def _timed(words: list[Word]) -> list[Word]:
    """The command the keyword `time` (`-p`) runs, which may be a function (`time f`); `words`
    itself for any other."""
    at = 0
    while at < len(words) and words[at].static and words[at].value in ("time", "-p", "--"):
        at += 1
    return words[at:] if at and words[0].value == "time" else words


def _reads_file(raw: RawCommand) -> bool:
    """The command's stdin is a file (`< f`, `0< f`; not `3< f`)."""
    return _stdin_file(raw) is not None if raw.redirects else False


def _stdin_file(raw: RawCommand) -> Redirect | None:
    """The redirection that gives the command its stdin from a file (`< f`, `0< f`), if any."""
    return next((r for r in raw.redirects if r.gives_stdin()), None)


def _runs_subcommand(program: str, words: list[Word]) -> bool:
    """Whether a word of `program ARGS` names a subcommand that runs a command (`run` of
    `uv run`): the others (`uv sync`, `npm test`) run as written, without an unwrapper."""
    subcommands = RUN_SUBCOMMANDS[program]
    return any(w.value in subcommands for w in words[1:])


def _lookup_only(program: str, words: list[Word]) -> bool:
    """`command -v x` looks `x` up instead of running it."""
    return program == "command" and any(w.value in ("-v", "-V") for w in words[1:2])


_SSH_VALUE_OPTIONS = frozenset("bcDEeFIiJLlmOopQRSWwB")


def _arch_command(args: list[Word]) -> list[Word]:
    """The command `arch` runs: what follows its options (`-arm64`, `-arch NAME`, `-e A=1`)."""
    i = 0
    while i < len(args) and args[i].static and args[i].value.startswith("-"):
        i += 2 if args[i].value in ("-arch", "-e", "-d") else 1
    return args[i:]


def _skip_options(program: str, args: list[Word]) -> list[Word]:
    values = _SSH_VALUE_OPTIONS if program == "ssh" else WRAPPER_VALUE_OPTIONS.get(program, frozenset())
    i = 0
    while i < len(args):
        word = args[i]
        a = word.value
        if a == "--":
            return args[i + 1 :]
        if not word.static or not a.startswith("-") or (a == "-" and program != "env"):
            break
        if a.startswith("--"):
            name = a[2:]
            i += 1 if "=" in name or _long_name(name, values) is None else 2
        elif program == "nice" and a[1:].isdigit():
            i += 1
        else:
            cluster = a[1:]
            takes = next((k for k, ch in enumerate(cluster) if ch in values), None)
            i += 2 if takes is not None and takes == len(cluster) - 1 else 1
    return args[i:]


_ENV_VALUE_SHORT = frozenset("uCS")


def _env_split(words: list[Word]) -> list[Word] | None:
    """`env ... -S 'A=1 cmd x' y` as `env ... A=1 cmd x y`; None without `-S`."""
    args = words[1:]
    i = 0
    while i < len(args):
        word = args[i]
        a = word.value
        if not word.static or a == "--" or not a.startswith("-") or a == "-":
            return None
        value: Word | None = None
        end = i + 1
        if a == "--split-string" or a.startswith("--split-string="):
            value = Word(a.partition("=")[2]) if "=" in a else (args[i + 1] if i + 1 < len(args) else None)
            end = i + 1 if "=" in a else i + 2
        elif a.startswith("--"):
            end = i + 1 if "=" in a or a[2:] not in ("unset", "chdir") else i + 2
        else:
            cluster = a[1:]
            k = next((n for n, ch in enumerate(cluster) if ch in _ENV_VALUE_SHORT), None)
            if k is not None:
                attached = cluster[k + 1 :]
                end = i + 1 if attached else i + 2
                if cluster[k] == "S":
                    value = Word(attached) if attached else (args[i + 1] if i + 1 < len(args) else None)
        if value is not None:
            if not value.static:
                split = [Word(value.value, static=False)]
            else:
                try:
                    split = [Word(part) for part in shlex.split(value.value)]
                except ValueError:
                    split = [Word(part) for part in value.value.split()]
            return [words[0], *args[:i], *split, *args[end:]]
        i = end
    return None


def _xargs_replace(options: list[Word]) -> str | None:
    """The replace string of `xargs -I R` / `-i` / `--replace[=R]`, None without one."""
    found: str | None = None
    for i, word in enumerate(options):
        a = word.value
        if a == "-I":
            found = options[i + 1].value if i + 1 < len(options) else None
        elif a == "--replace":
            found = "{}"
        elif a.startswith("--replace="):
            found = a.partition("=")[2] or "{}"
        elif a.startswith("-I"):
            found = a[2:]
        elif a.startswith("-i"):
            found = a[2:] or "{}"
    return found or None


def _echoed(raw: RawCommand, feeder: RawCommand | None) -> str | None:
    """The text a static `echo`/`printf` (or `cat <<EOF`) before `raw` pipes into it."""
    if not raw.piped or feeder is None or not feeder.words:
        return None
    if feeder.depth != raw.depth:
        return None
    if [w.value for w in feeder.words] == ["cat"] and feeder.stdin_text is not None:
        return feeder.stdin_text  # cat <<EOF | sh
    if feeder.words[0].value not in ("echo", "printf"):
        return None
    if not all(w.static for w in feeder.words):
        return None
    args = [w.value for w in feeder.words[1:] if w.value not in ("-e", "-n", "-E")]
    return " ".join(args).replace("\\n", "\n")


def _names(
    exp: Expansion, raw: RawCommand, feeder: RawCommand | None, delimiter: str | None = None
) -> str | None:
    """The names a command reads from its stdin (see `_Unwrapper.names`): `raw`'s heredoc or
    here-string, or what `feeder` pipes into it, with the variables known put in and
    `delimiter` read as a line's end."""
    text = raw.stdin_text
    if text is None:
        text = _printed_names(raw, feeder)  # `cat <<EOF | xargs cat`, `echo a | tar -T - ...`
    if text is None:
        return None
    if "$" in text:
        text = exp.fed(text, names=True)  # `xargs cat <<< $d/shadow`
    if "\\" in text:  # `printf 'a\tb'`, `echo -e 'a\0b'`: a blank or a NUL either way
        text = _NAME_ESCAPES.sub(lambda m: "\x00" if m[0] in ("\\0", "\\x00", "\\x0") else "\n", text)
    if delimiter is None:
        return text
    # each item one argument, blanks and all: one with a blank names no file (`echo "fix:
    # ~/.ssh/config" | xargs -0 git commit -m`), and the others are names as they are
    items = (item.strip("\n") for item in text.split(delimiter))
    return "\n".join(item for item in items if item and _BLANK.search(item) is None)


def _printed_names(raw: RawCommand, feeder: RawCommand | None) -> str | None:
    """The text `feeder` pipes into `raw`, read as names: what a static `echo` or `printf`
    prints (a format used again for the arguments left over, as printf does), or the heredoc
    or here-string a filter passes on (`sort <<EOF | xargs cat`: `_FILTERS`, all of its
    lines, in any order)."""
    if not raw.piped or feeder is None or not feeder.words or feeder.depth != raw.depth:
        return None
    program = feeder.words[0].value.rpartition("/")[2]
    if program in _FILTERS and feeder.stdin_text is not None and not feeder.redirects:
        return feeder.stdin_text
    if program == "printf" and all(w.static for w in feeder.words):
        return _printf_repeated(feeder.words[1:])
    return _echoed(raw, feeder)


def _passing(raw: RawCommand, feeder: RawCommand | None) -> RawCommand:
    """`raw` as the feeder of the command after it. A filter (`_FILTERS`) with no stdin of its
    own, piped, passes on the text piped into it: it feeds as if that text were its heredoc
    (`cat <<EOF | sort | xargs cat`), through any number of them. Its lines may come out in
    another order, or fewer, which changes no set of names, but may change a script: a `cat`,
    whose output a shell may run (`echo 'rm -rf ~' | cat | sh`, `_echoed`), passes on only text
    that nothing has reordered."""
    if raw.stdin_text is not None or not raw.piped or raw.redirects or feeder is None:
        return raw
    if not raw.words or not raw.words[0].static:
        return raw
    program = raw.words[0].value.rpartition("/")[2]
    if program not in _FILTERS:
        return raw
    text = _echoed(raw, feeder) if program == "cat" else _printed_names(raw, feeder)
    return raw if text is None else replace(raw, stdin_text=text)


_BLANK = re.compile(r"\s")
"""A blank, which a name given as one argument does not hold."""
_FILTERS = frozenset({"cat", "sort", "uniq", "head", "tail", "grep", "egrep", "fgrep", "tac", "tee"})
"""Programs that print lines of their stdin as they are (`head -1 <<< x`, `grep -v '^#' <<EOF`)."""
_NAME_ESCAPES = re.compile(r"\\(?:[tnr0]|x0?0|x09|x0[aA])")
"""The escapes `printf` and `echo -e` print as a blank or a NUL, which end a name."""


def _printf_repeated(operands: list[Word]) -> str | None:
    """What `printf FORMAT ARGS` prints (`_printf_value`), the format used again for the
    arguments left over (`printf '%s\\n' a b`), at most `_MAX_PRINTS` times."""
    if operands and operands[0].value == "--":
        operands = operands[1:]
    if not operands:
        return None
    count = operands[0].value.count("%s")
    rest = operands[1:]
    if not count or len(rest) <= count:
        return _printf_value(operands, unescape=True)
    out: list[str] = []
    for at in range(0, min(len(rest), count * _MAX_PRINTS), count):
        printed = _printf_value([operands[0], *rest[at : at + count]], unescape=True)
        if printed is None:
            return None
        out.append(printed)
    return "".join(out)


_MAX_PRINTS = 64
"""Most times `_printf_repeated` uses a format again."""


def _xargs_delimiter(options: list[Word]) -> str | None:
    """The character `xargs -d C` / `--delimiter=C` splits its input at (an escape read as
    printf reads it: `-d '\\x71'`, `-d '\\n'`), NUL for `-0` / `--null`; None without one (its
    input is then split at blanks and quotes)."""
    found: str | None = None
    for i, word in enumerate(options):
        a = word.value
        if a in ("-d", "--delimiter"):
            found = options[i + 1].value if i + 1 < len(options) else None
        elif a.startswith("--delimiter="):
            found = a.partition("=")[2]
        elif a.startswith("-d"):
            found = a[2:]
        elif a == "--null" or (a[:1] == "-" and a[1:2] != "-" and _NULL_CLUSTER.match(a)):  # `-0`, `-r0`
            found = "\x00"
    if found is not None and found[:1] == "\\":  # `-d '\x71'`, `-d '\161'`: the character it names
        found = _printf_unescape(found)
    return found if found is not None and len(found) == 1 else None


_NULL_CLUSTER = re.compile(r"-[^adEeILilnPs0]*0")
"""A cluster of xargs's short options that holds `-0` before any option taking a value
(`-r0`; not `-n10`, whose `0` is part of a number)."""


_WRAPPER_FILES: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
    "xargs": (frozenset({"a", "arg-file"}), frozenset(), frozenset()),
    "time": (frozenset(), frozenset({"o", "output"}), frozenset()),
    "strace": (frozenset(), frozenset({"o", "output"}), frozenset()),
    "ltrace": (frozenset(), frozenset({"o", "output"}), frozenset()),
    "env": (frozenset(), frozenset(), frozenset({"C", "chdir"})),
    "sudo": (frozenset(), frozenset(), frozenset({"D", "chdir"})),
}
"""Options of wrappers that name files or a directory (see `_Unwrapper.wrapper_files`):
those read, those written, and the directory the command runs in."""


def _option_values(program: str, options: list[Word]) -> list[tuple[str, Word]]:
    """Each option of `options` (a wrapper's, as `_skip_options` reads them) that takes a
    value, by name, with its value: `-a F`, `-aF`, `--arg-file=F`, `--arg-file F`."""
    values = WRAPPER_VALUE_OPTIONS[program]
    out: list[tuple[str, Word]] = []
    i = 0
    while i < len(options):
        word = options[i]
        a = word.value
        i += 1
        if a[:2] == "--":
            given, eq, rest = a[2:].partition("=")
            name = _long_name(given, values) or given
            if eq:
                out.append((name, Word(rest, word.static)))
            elif name in values and i < len(options):
                out.append((name, options[i]))
                i += 1
            continue
        for k, ch in enumerate(a[1:], 2):
            if ch in values:
                if k < len(a):
                    out.append((ch, Word(a[k:], word.static)))
                elif i < len(options):
                    out.append((ch, options[i]))
                    i += 1
                break
    return out


def _long_name(given: str, values: frozenset[str]) -> str | None:
    """The long option of `values` (those taking a value) that `--given` names, in full or
    cut short as getopt takes it (`xargs --arg F` is `--arg-file F`), None for another."""
    if given in values:
        return given
    if len(given) < 2:
        return None
    found = [v for v in values if len(v) > 1 and v.startswith(given)]
    return found[0] if len(found) == 1 else None


def _option_value(args: list[Word], names: set[str]) -> Word | None:
    for i, word in enumerate(args):
        a = word.value
        if a.startswith("--") and "=" in a and a[2:].split("=", 1)[0] in names:
            return Word(a.split("=", 1)[1], word.static)
        if a.lstrip("-") in names and a.startswith("-") and i + 1 < len(args):
            return args[i + 1]
    return None


def _joined(source: str) -> str:
    """`source` as bash reads it before splitting words: each line continuation deleted, each
    escaped carriage return spelled `$'\\r'` (everywhere, quotes and comments included: the
    other reading keeps those)."""
    if "\\\r" in source:
        source = _ESCAPED_CR.sub(lambda m: m.group(1) + "$'\\r'", source)
    return _CONTINUATION.sub(r"\1", source)


def _same_commands(a: list[Command], b: list[Command]) -> bool:
    """Whether two readings gave the same commands (their source texts aside)."""
    return len(a) == len(b) and all(_reading(x) == _reading(y) for x, y in zip(a, b, strict=True))


def _reading(c: Command) -> tuple[object, ...]:
    stdin = c.stdin if c.program in _STDIN_READERS else None  # `cat > f.py <<'EOF'`: text only
    return (
        c.argv, c.static, c.redirects, c.reads_from, c.wrappers, stdin, c.cwd, c.piped, c.fills, c.dynamic,
        c.runs_input, c.env,
    )  # fmt: skip


_STDIN_READERS = frozenset({"patch", "git", *SQL_CLIENTS})
"""The programs whose stdin text the facts read (a diff's names, SQL); a shell's stdin is
read as commands of its own."""


def _read_fields(stdin: str | None, given: dict[str, Word], count: int) -> list[str] | None:
    """The values `read` gives its `count` names from the text `stdin` (its first line split
    on blanks, the last name taking the rest); None when not known here: no text, a line
    `-d`, `-n` or `-N` cuts otherwise, or backslashes that `read` without `-r` reads."""
    if stdin is None or count < 1 or any(k in given for k in "dnN"):
        return None
    line = stdin.split("\n", 1)[0]
    if "\\" in line and "r" not in given:
        return None
    fields = line.split(None, count - 1) if line.strip() else []
    if fields:
        fields[-1] = fields[-1].rstrip()
    return fields + [""] * (count - len(fields))


_FD_VALUES = frozenset(
    {"e", "t", "E", "d", "x", "X", "c", "j", "S", "extension", "type", "exclude", "max-depth"}
)
_LISTERS_VALUES = {
    "fd": _FD_VALUES,
    "fdfind": _FD_VALUES,
    "rg": frozenset({"g", "t", "T", "j", "glob", "type", "type-not", "threads", "max-depth"}),
    "grep": frozenset({"e", "f", "m", "A", "B", "C", "regexp", "file", "include", "exclude"}),
    "tree": frozenset({"L", "P", "I", "o", "H", "T", "charset", "filelimit", "timefmt", "sort"}),
    "du": frozenset({"d", "B", "t", "X", "max-depth", "block-size", "threshold", "exclude-from"}),
}
"""Options of the programs `_listed_roots` reads that take the next word as their value."""


def _searched_roots(printer: list[Word] | tuple[Word, ...]) -> list[Word]:
    """The roots of the searches `printer` runs: the words of a command fed into another
    (`find ~ | while read A`), or those of a substitution (`_bash.Walker.printer`): each
    command after a `SEARCH_BREAK` word, a `cd DIR` making the relative roots after it
    relative to DIR (`cd ~ && find .` lists the home)."""
    from ._bash import SEARCH_BREAK

    segments: list[list[Word]] = [[]]
    for word in printer:
        if word.value == SEARCH_BREAK and not word.static:
            segments.append([])
        else:
            segments[-1].append(word)
    roots: list[Word] = []
    base: Word | None = None
    for segment in segments:
        if segment[:1] and segment[0].value == "cd":
            base = segment[1] if len(segment) > 1 else Word("~")
            continue
        for root in _listed_roots(segment):
            if base is not None and root.value[:1] not in ("/", "~"):
                joined = normpath(posixpath.join(base.value, root.value))
                static = joined is not None and base.static and root.static and base.value != "-"
                root = Word(joined or f"{base.value}/{root.value}", static)
            roots.append(root)
    return roots


def _defaults(raw: RawCommand) -> bool:
    """Whether `raw` may put in a default (`${X:-/etc}`, see `_DEFAULTS`)."""
    if "${" in raw.text and _DEFAULTED.search(raw.text) is not None:
        return True
    for redirect in raw.redirects:
        target = redirect.target.value
        if "${" in target and _DEFAULTED.search(target) is not None:
            return True
    return False


_DEFAULTED_NAME = r"([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])(?:\[([^\]]*)\])?"
"""The parameter of a default, and its subscript (`${A[0]:-x}`)."""
_DEFAULT_START = rf"\$\{{{_DEFAULTED_NAME}(:?[-=+])"
_DEFAULTED = re.compile(_DEFAULT_START + "[^}]")


_NESTED_DEFAULT = re.compile(_DEFAULT_START + r"(?=[^}]*?[$`\\'\"])")
"""The start of a default whose word holds an expansion, a quote or an escape before the brace
that would end it (`${X:-$HOME/.config}`, `${X:-${Y:-/etc}}`, `${A[0]:-"}"}`), which
`_EXPANDED` does not read: the word continues up to `_closing_brace`."""
_DEFAULT_STARTS = re.compile(_DEFAULT_START)
"""Where each default of a word starts, nested ones too (`_DEFAULTED` stops at the first)."""
_MAX_DEFAULTS = 16
"""Most defaults in a word read by `nested_default`: past it the call is unparsed."""


def _closing_brace(text: str, at: int) -> int | None:
    """Where the `}` that closes the `${` opened before `at` is, counting the braces of the
    `${...}` within and passing over quoted and escaped text; None when none closes it."""
    depth = 0
    double = False
    while at < len(text):
        c = text[at]
        if c == "\\":
            at += 1
        elif c == '"':
            double = not double
        elif c == "'" and not double:
            close = text.find("'", at + 1)
            if close < 0:
                return None
            at = close
        elif c == "{" and text[at - 1 : at] == "$":
            depth += 1
        elif c == "}" and not double:
            if depth == 0:
                return at
            depth -= 1
        at += 1
    return None


def _unquoted(text: str, quoted: bool) -> str:
    """The word of a default as bash puts it in: quotes removed, and escapes (in a double-quoted
    word, those of the characters a backslash escapes there)."""
    if "$'" in text:  # `$'\x2fetc'`: the text its escapes stand for
        text = _ANSI_C.sub(lambda m: _printf_unescape(m[1]) or m[1], text)
    text = text.replace('"', "").replace("'", "")
    if "\\" not in text:
        return text
    return (_QUOTED_ESCAPE if quoted else _ESCAPE).sub(r"\1", text)


_ANSI_C = re.compile(r"\$'((?:[^'\\]|\\.)*)'", re.DOTALL)
"""A `$'...'` string, whose escapes bash reads as printf's."""
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_QUOTED_ESCAPE = re.compile(r'\\([$`"\\\n])')


_ASSIGNED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?=)")
"""A default that assigns its variable (`${X:=/etc}`), up to its word, which ends at
`_closing_brace`."""


def _default_text(operator: str) -> str | None:
    """The word of a default (`:-word`, `=word`, `:+word`) as bash puts it in, its quotes and
    escapes removed (`${X:-"/etc"}`, `${X:-\\/etc}`); None when it holds an expansion, a
    brace or a quote left open, or nothing."""
    word = operator.lstrip(":")[1:]
    if not word or any(c in word for c in "$`{}"):
        return None
    if not any(c in word for c in "\"'\\"):
        return word
    out: list[str] = []
    quote = ""
    escaped = False
    for c in word:
        if escaped:
            out.append(c)
            escaped = False
        elif quote:
            if c == quote:
                quote = ""
            elif c == "\\" and quote == '"':
                escaped = True
            else:
                out.append(c)
        elif c in "'\"":
            quote = c
        elif c == "\\":
            escaped = True
        else:
            out.append(c)
    return None if quote or escaped or not out else "".join(out)


def _lists(raw: RawCommand) -> bool:
    """Whether an argument of `raw` is the output of a search (`cat $(find ~)`)."""
    # a plain `Word` (most are) has no search: the test is seen through without a lookup
    return any(type(word) is not Word and getattr(word, "search", ()) for word in raw.words)


def _listing(printer: list[Word] | tuple[Word, ...]) -> tuple[tuple[Word, ...], bool]:
    """What the searches `printer` runs print, as each root's `ROOT/*`, and whether a root
    holds secrets (`~`, `/`) or is known only at run time."""
    from ._sensitive import holds_sensitive

    roots = _searched_roots(printer)
    paths = tuple(Word(f"{r.value.rstrip('/')}/*", r.static) for r in roots)
    return paths, any(holds_sensitive(r.value) or not r.static for r in roots)


def _listed_roots(words: list[Word]) -> list[Word]:
    """The directories under which the paths `words` prints lie, when it is a search that
    lists paths (`find ~`, `ls DIR`, `fd x DIR`, `rg --files DIR`, `grep -rl x DIR`; the
    cwd `.` without one); none for any other command."""
    if not words or not words[0].static:
        return []
    program = words[0].value.rpartition("/")[2]
    args = words[1:]
    if program == "find":
        starts = []
        for w in args:
            if w.static and w.value[:1] in ("-", "(", "!"):
                break
            starts.append(w)
        return starts or [Word(".")]
    if program not in ("ls", "fd", "fdfind", "rg", "grep", "egrep", "fgrep", "tree", "du"):
        return []
    values = _LISTERS_VALUES.get(program if program not in ("egrep", "fgrep") else "grep", frozenset())
    flags: set[str] = set()
    operands: list[Word] = []
    i = 0
    while i < len(args):
        w = args[i]
        i += 1
        a = w.value
        if not w.static or a[:1] != "-" or a == "-":
            operands.append(w)
        elif a == "--":
            operands.extend(args[i:])
            break
        elif a[:2] == "--":
            name = a[2:].partition("=")[0]
            flags.add(name)
            i += 1 if name in values and "=" not in a else 0
        else:
            flags.update(a[1:])
            i += 1 if a[-1] in values else 0
    if program == "rg" and "files" not in flags:
        return []
    if program in ("grep", "egrep", "fgrep"):
        if not flags & {"r", "R", "recursive", "dereference-recursive"}:
            return []
        if not flags & {"l", "L", "files-with-matches", "files-without-match"}:
            return []
    if program in ("fd", "fdfind") or (
        program not in ("ls", "rg", "tree", "du") and not flags & {"e", "f", "regexp", "file"}
    ):
        operands = operands[1:]  # the pattern
    return operands or [Word(".")]


def _split(word: Word) -> list[Word]:
    """An unquoted value as the words it splits into."""
    if not word.static:
        return [word]
    return [Word(part) for part in word.value.split()]


def _join(words: tuple[Word, ...], sep: str) -> Word:
    return Word(sep.join(w.value for w in words), all(w.static for w in words))


def _brace_expanded(words: list[Word], exp: Expansion) -> list[Word]:
    """`words` with each static one that is no assignment brace-expanded, as bash does to
    the arguments of `export`, `declare` and `env` (`export P{A,}GER=x` sets PAGER and
    PGER); one that gives more than `MAX_BRACES` words makes the call unparsed."""
    if not any(w.static and "{" in w.value for w in words):
        return words
    out: list[Word] = []
    for word in words:
        name = word.value.partition("=")[0].removesuffix("+")
        if not word.static or "{" not in word.value or _NAME.fullmatch(name):
            out.append(word)
            continue
        expanded = brace_words(word.value)
        if expanded is None:
            exp.error = exp.error or "a brace expansion gives more words than analysed"
            out.append(Word(word.value, static=False))
        else:
            out.extend(Word(w) for w in expanded)
    return out
