"""The `shell` analyzer: a shell tool call parsed into the simple commands it runs.

A compound command is judged by its riskiest part, so every command is found: through
`&&`, `||`, `;`, `|`, `&`, subshells, groups, control structures, functions, `$(...)`,
backticks, process substitution, heredocs fed to a shell, `bash -c`, `eval`, `xargs`,
`find -exec`, `env`, `sudo` and the other wrappers (see `_unwrap.py`), and the programs
that run a command they are given (`faketime`, `script -c`, `tmux`, `at`, `uv run`: see
`_runners.py`).  Parsing is in
`_bash.py` (tree-sitter-bash), per-command facts in `_facts.py`, program data in
`_programs.py`, keys typed into a running shell (`write_stdin`) in `_stdin.py`.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import shlex
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from mypy_extensions import mypyc_attr

from ..celrt_core import CelObject
from ._command import Command
from ._downloads import DOWNLOADERS, downloader_text, downloads, scripts
from ._facts import (
    destructive_reasons,
    is_install,
    is_network,
    is_privileged,
    pipes_to_shell,
    write_targets,
)
from ._lazy import lazy
from ._programs import BLOCK_DEVICE_PREFIXES, HARMLESS_TARGETS, SHELLS
from ._sensitive import kept_outside
from ._stdin import typed_text
from ._unwrap import Expansion, normpath

__all__ = ["SHELL_TOOLS", "Command", "ParseCache", "ShellFacts", "shell_facts"]

MAX_COMMAND_CHARS = 100_000
MAX_CACHED_CHARS = 4_096
"""Longest command whose facts a `ParseCache` keeps."""

SHELL_TOOLS: frozenset[str] = frozenset(
    {
        "Bash",  # Claude Code: {"command": "..."}
        "shell",  # Codex CLI: {"command": ["bash", "-lc", "..."], "workdir": ...}
        "local_shell",  # Codex / OpenAI Responses local shell: argv list
        "exec_command",  # Codex unified exec: {"cmd": "..."} or {"command": ...}
        "write_stdin",  # Codex unified exec: {"session_id": N, "chars": "..."}, keys typed
        "container.exec",  # OpenAI hosted containers: argv list
        "run_shell_command",  # Gemini CLI: {"command": "...", "directory": ...}
        "bash",  # mini-swe-agent, SWE-agent, Anthropic bash tool
        "execute_bash",  # OpenHands
        "execute_command",  # Cline, Roo Code
        "run_terminal_cmd",  # Cursor
        "run_command",  # Windsurf and several MCP shell servers
        "terminal",  # Hermes and others
    }
)
"""Tool names whose arguments carry a shell command (in `command`, else `cmd`; `write_stdin`
in the keys of `chars`, see `TYPED_TOOLS`)."""

TYPED_TOOLS: frozenset[str] = frozenset({"write_stdin"})
"""Tools that type `chars` into a running process, most often a shell `exec_command` started:
the keys are read as the shell text they run (`_stdin.typed_text`); none (`""`, a poll) is
no command."""


@mypyc_attr(native_class=False)  # its `lazy` facts are stored in the instance's __dict__
class ShellFacts(CelObject):
    """Facts about a shell command; empty (no commands) for a tool that is not a shell."""

    cel_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "command",
            "commands",
            "programs",
            "unparsed",
            "error",
            "pipes_to_shell",
            "network",
            "privileged",
            "installs_packages",
            "destructive",
            "destructive_reasons",
            "destroyed",
            "writes",
            "substitutions",
            "downloads",
            "scripts",
        }
    )
    cel_methods: ClassVar[frozenset[str]] = frozenset({"writes_outside"})

    def __init__(self, command: str = "", cwd: str | None = None, expansion: Expansion | None = None) -> None:
        self.command = command
        self.cwd = cwd
        if expansion is None:  # no command: every fact empty
            self.commands: list[Command] = []
            self.error = ""
            self.unparsed = self.substitutions = False
            self.bare_writes: list[tuple[str, str | None]] = []
            return
        self.commands = expansion.commands
        self.error = expansion.error
        self.unparsed = bool(expansion.error)
        self.substitutions = expansion.substitutions
        bare = expansion.bare_writes
        self.bare_writes = [(t, c) for t, c in bare if t and t not in HARMLESS_TARGETS] if bare else bare
        """Files truncated by redirections that run no command (`> ~/.bashrc`): (target, cwd)."""

    # The other facts are computed on first use: a policy reads only a few of them.
    @lazy
    def programs(self) -> list[str]:
        """Distinct program names, in order of appearance."""
        return list(dict.fromkeys(c.program for c in self.commands if c.program))

    # `any(map(...))` below: no generator to make for the one or two commands of most calls.
    @lazy
    def pipes_to_shell(self) -> bool:
        """Code reaches sh/bash/python/... through a pipe or an unseen expansion, or the call
        runs a file it downloads itself (`curl -o i.sh URL && sh i.sh`: the same code, run)."""
        return any(map(pipes_to_shell, self.commands)) or (bool(self.downloads) and self.runs_own_download)

    @lazy
    def runs_own_download(self) -> bool:
        """Some file the call downloads is also one it runs as code. In either order: a loop,
        a function or a job in the background may run the second command before the first."""
        fetched = self.downloads
        return bool(fetched) and not set(fetched).isdisjoint(self.scripts)

    @lazy
    def downloads(self) -> list[str]:
        """Local files the call fills with content from the network (`curl -o F`, `wget URL`,
        `curl URL > F`, `| tee F`), resolved like `resolved_writes`; `?DIR/*` for a name only
        the server or run time gives."""
        commands = self.commands
        for c in commands:  # a loop, not `any(...)`: most calls download nothing
            if c.program in DOWNLOADERS:
                return self._resolved(downloads(commands))
        return []

    @lazy
    def scripts(self) -> list[str]:
        """Local files the call runs as code (`./f`, `bash f`, `source f`, `python3 f.py`),
        resolved like `resolved_writes`; not code given inline (`bash -c`, `python -m`)."""
        return self._resolved(scripts(self.commands))

    def _resolved(self, pairs: list[tuple[str, str | None]]) -> list[str]:
        return list(dict.fromkeys([p if p[0] == "?" else self._resolve(p, base) for p, base in pairs]))

    def _resolve(self, path: str, base: str | None) -> str:
        return resolve(self.expand_names(path), base, self.cwd)

    def expand_names(self, word: str) -> str:
        """`word` with a leading shell name for the cwd or the home (`~+`, `$PWD`, `${PWD}`,
        `$HOME`, `${HOME}`, and `${HOME:?}` or `${HOME:-x}`, which are HOME when it is set)
        written as `.` or `~`, the form `resolve` reads; as written when the call sets `PWD`
        or `HOME` itself (`names_kept`), or has no such name (`$PWDX`)."""
        if word[:2] not in _NAMED or not self.names_kept:
            return word
        named = _named(word)
        return word if named is None else named

    @lazy
    def names_kept(self) -> bool:
        """The call never names `PWD` or `HOME` but to expand them whole (`$PWD`, `${HOME}`), so
        they are the directory it runs in and the home: `PWD=/etc; echo > $PWD/x`, `read HOME`
        or `${PWD%/*}` leave them unknown."""
        text = self.command
        if "${HOME:" in text or "${PWD:" in text or "${HOME-" in text or "${PWD-" in text or "?}" in text:
            return all(text.count(name) == len(_WHOLE[name].findall(text)) for name in ("PWD", "HOME"))
        return all(text.count(name) == sum(text.count(form) for form in forms) for name, forms in _EXPANDED)

    @lazy
    def network(self) -> bool:
        """Some command reaches the network."""
        return any(map(is_network, self.commands))

    @lazy
    def installs_packages(self) -> bool:
        """Some command installs packages."""
        return any(map(is_install, self.commands))

    @lazy
    def privileged(self) -> bool:
        """Some command runs as another user (sudo, doas, su...)."""
        return any(map(is_privileged, self.commands))

    @lazy
    def destructive_reasons(self) -> list[str]:
        """Why the command may destroy data (`rm -r`, `git push --force`...)."""
        reasons = [r for found in self._reasons for r in found]
        if self.bare_writes and any(t.startswith(BLOCK_DEVICE_PREFIXES) for t, _ in self.bare_writes):
            reasons.append("write to block device")
        return list(dict.fromkeys(reasons))

    @lazy
    def destructive(self) -> bool:
        """Some command may destroy data."""
        return bool(self.destructive_reasons)

    @lazy
    def _reasons(self) -> list[list[str]]:
        """`destructive_reasons` of each command, in order (read by `destroyed` too)."""
        return [destructive_reasons(c) for c in self.commands]

    @lazy
    def destroyed(self) -> list[str]:
        """The paths the call removes or changes whole, with all below them: the operands of
        `rm -r` and of `chmod`/`chown`/`chgrp -R`, the start paths of `find -delete`, the
        destination of `rsync --delete`. Resolved as `resolved_writes` are, with a leading
        `//` read as `/`: `rm -rf "$HOME"/*` gives `~/*`, `rm -rf ../..` in `/home/me/proj`
        gives `/home`, `rm -rf /usr/` gives `/usr`."""
        if not self.destructive:
            return []
        pairs = [
            (t, c.cwd)
            for c, found in zip(self.commands, self._reasons, strict=True)
            if not _REMOVES_WHOLE.isdisjoint(found)
            for t in write_targets(c)
        ]
        paths = [self._resolve(t, base) for t, base in pairs]
        return list(dict.fromkeys(["/" + p.lstrip("/") if p[:2] == "//" else p for p in paths]))

    @lazy
    def _write_pairs(self) -> list[tuple[str, str | None]]:
        pairs = [(t, c.cwd) for c in self.commands for t in write_targets(c)]
        return pairs + self.bare_writes if self.bare_writes else pairs

    @lazy
    def writes(self) -> list[str]:
        """Paths written, created, moved or deleted, as written in the command."""
        pairs = self._write_pairs
        return list(dict.fromkeys([t for t, _ in pairs])) if pairs else []

    @lazy
    def resolved_writes(self) -> list[str]:
        """Written paths made absolute where the call's cwd and `cd`s allow."""
        pairs = self._write_pairs
        return list(dict.fromkeys([self._resolve(t, base) for t, base in pairs])) if pairs else []

    def writes_outside(self, directory: Any) -> bool:
        """True if any written path may resolve outside `directory` (unknown ones count)."""
        if not isinstance(directory, str) or not directory:
            return bool(self.resolved_writes)
        if not self.resolved_writes:
            return False
        home = os.environ.get("HOME", "")
        # Kept per directory (and home), for facts shared by calls through a `ParseCache`.
        answers: dict[tuple[str, str], bool] = self.__dict__.setdefault("_outside", {})
        found = answers.get((directory, home))
        if found is None:
            found = self._writes_outside(directory, home)
            if len(answers) < 8:
                answers[(directory, home)] = found
        return found

    def _writes_outside(self, directory: str, home: str) -> bool:
        if not directory.startswith(("/", "~")) and self.cwd:
            directory = posixpath.join(self.cwd, directory)
        root = _normdir(directory, home)
        kept = kept_outside(root)
        if kept is not None:  # the cwd is `~`, `/home`, `/`, `/etc`: start-up and system files stay outside
            return any(
                not is_inside(p, root) or kept(p) for p in (_normdir(p, home) for p in self.resolved_writes)
            )
        return any(not is_inside(_normdir(p, home), root) for p in self.resolved_writes)


def shell_facts(tool: str, args: Mapping[str, Any], cwd: object) -> ShellFacts:
    """Parse the command of a shell tool call; other tools get empty facts. Never raises.
    `cwd` counts only when it is a non-empty text."""
    return _facts(tool, args, cwd, analyse)


def _facts(
    tool: str, args: Mapping[str, Any], given_cwd: object, parse: Callable[[str, str | None], ShellFacts]
) -> ShellFacts:
    cwd = given_cwd if isinstance(given_cwd, str) and given_cwd else None
    try:
        if tool not in SHELL_TOOLS or not (type(args) is dict or isinstance(args, Mapping)):
            return ShellFacts(cwd=cwd)
        if tool in TYPED_TOOLS:
            return _typed_facts(args.get("chars", ""), cwd, parse)
        text, cwd = _command_text(args, cwd, tool in ARGV_TOOLS)
        if text is None:  # a shell call whose command cannot be read may run anything
            return ShellFacts(cwd=cwd, expansion=Expansion(error=_NO_COMMAND))
        return parse(text, cwd)
    except Exception as exc:  # a bug here must become a fact, never reach the agent
        return ShellFacts(cwd=cwd, expansion=Expansion(error=f"internal error: {type(exc).__name__}"))


def may_download(tool: str, args: Mapping[str, Any]) -> bool:
    """The command of a call to the shell tool `tool` may run a download program, read as
    `shell_facts` reads it: False only when its text surely names none (a command that cannot
    be read may: its facts say what it does)."""
    if tool in TYPED_TOOLS:
        chars = args.get("chars")
        return not isinstance(chars, str) or downloader_text(chars)
    text = _command_text(args, None, tool in ARGV_TOOLS)[0]
    return text is None or downloader_text(text)


_NO_COMMAND = "no command to read: `command` (or `cmd`) is missing, not text, or given twice apart"


def _typed_facts(chars: Any, cwd: str | None, parse: Callable[[str, str | None], ShellFacts]) -> ShellFacts:
    """Facts of the keys typed into a running process; a missing `chars` is Codex's poll."""
    if not isinstance(chars, str):
        return ShellFacts(cwd=cwd, expansion=Expansion(error="`chars` is not text"))
    if len(chars) > MAX_COMMAND_CHARS:
        return analyse(chars, cwd)
    text, problem = typed_text(chars)
    if not problem:
        return parse(text, cwd) if text.strip() else ShellFacts(text, cwd)
    exp = Expansion(given=cwd)  # not cached: the facts hold more than the text says
    exp.add_script(text, 0, [])
    if exp.traps:
        exp.exit()
    exp.error = "; ".join(e for e in (problem, exp.error) if e)
    return ShellFacts(text, cwd, exp)


class ParseCache:
    """The facts of recently seen shell commands, by text and directory; thread-safe.

    Agents run the same commands again and again (`git status`, `pytest -q`): a command seen
    among the last `size` gets the facts made for it then, with every fact already computed
    on them. Facts depend on nothing but the text and the directory, so this changes no
    decision. Commands longer than `MAX_CACHED_CHARS` are parsed every time (bounded memory).
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._analyse = functools.lru_cache(maxsize=size)(analyse)

    def shell_facts(self, tool: str, args: Mapping[str, Any], cwd: object) -> ShellFacts:
        """`shell_facts(tool, args, cwd)`, reusing the facts of a recent command: the same
        object, so treat them as read-only."""
        return _facts(tool, args, cwd, self.analyse)

    def analyse(self, text: str, cwd: str | None) -> ShellFacts:
        """`analyse(text, cwd)`, or the facts it gave for the same text and directory."""
        if len(text) > MAX_CACHED_CHARS:
            return analyse(text, cwd)
        return self._analyse(text, cwd)

    def clear(self) -> None:
        """Forget every command."""
        self._analyse.cache_clear()

    def __len__(self) -> int:
        return self._analyse.cache_info().currsize


def analyse(text: str, cwd: str | None = None) -> ShellFacts:
    """Facts of one shell command text."""
    if len(text) > MAX_COMMAND_CHARS:
        return ShellFacts(
            text[:1000], cwd, Expansion(error=f"command longer than {MAX_COMMAND_CHARS} characters")
        )
    exp = Expansion(given=cwd)
    exp.add_script(text, 0, [])
    if exp.traps:
        exp.exit()
    return ShellFacts(text, cwd, exp)


ARGV_TOOLS: frozenset[str] = frozenset({"shell", "local_shell", "container.exec", "exec_command"})
"""Shell tools whose command may be an argv list (`["bash", "-lc", "..."]`). Another tool's
list is not read: joined by spaces, as a tool may join it, `["rm -rf ~"]` is `rm -rf ~`."""


def _command_text(args: Mapping[str, Any], cwd: str | None, argv: bool) -> tuple[str | None, str | None]:
    """The command of a shell call and its directory; None when it cannot be told: missing,
    not text, or given twice apart (`{"cmd": "rm -rf ~", "command": "echo hi"}`: the tool
    runs one of them, and which is not for remit to guess)."""
    value = args.get("command")
    cmd = args.get("cmd")
    if value is None:
        value = cmd
    elif cmd is not None and cmd != value:
        return None, cwd
    if "action" in args and isinstance(args["action"], Mapping):  # Responses API local_shell_call
        inner = args["action"].get("command")
        if value is None:
            value = inner
        elif inner is not None and inner != value:
            return None, cwd
    workdir = args.get("workdir", args.get("directory", args.get("cwd")))
    if isinstance(workdir, str) and workdir:
        cwd = workdir if workdir.startswith("/") or cwd is None else posixpath.join(cwd, workdir)
    if isinstance(value, str):
        return value, cwd
    if argv and isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        if (
            len(value) == 3
            and posixpath.basename(value[0]) in SHELLS
            and value[1].startswith("-")
            and "c" in value[1]
        ):
            return value[2], cwd  # the agent's own `bash -lc SCRIPT`
        return shlex.join(value), cwd
    return None, cwd


def resolve(path: str, base: str | None, cwd: str | None) -> str:
    """`path` made absolute against `base` (a `cd` target) or the call's `cwd` when known.

    `~` stays a `~` prefix; a path that cannot be resolved (expansions, unknown `cd`) is
    returned starting with `?`.
    """
    if "$" in path or "`" in path or path.startswith("<") or base == "?":
        return "?" + path
    if path.startswith(("/", "~")):
        return path if path == "~" or normal_dir(path) else _normal_or_unknown(path)
    if base is not None and base.startswith(("/", "~")):
        return _normal_or_unknown(posixpath.join(base, path))
    if cwd:
        if not base and _normal_relative(path) and normal_dir(cwd):
            return f"{cwd}/{path}"  # what `normpath` would give, without its work
        return posixpath.normpath(posixpath.join(cwd, base or "", path))
    return posixpath.normpath(posixpath.join(base or "", path))


_REMOVES_WHOLE = frozenset(
    {"rm -r", "rimraf", "find -delete", "chmod -R", "chown -R", "chgrp -R", "setfacl -R", "rsync --delete"}
)
"""The `destructive_reasons` of commands whose written paths `destroyed` lists."""

_NAMED = frozenset({"~+", "$P", "${", "$H"})
"""How a path naming the cwd or the home through the shell begins (a set lookup, no regex
for most paths)."""
_NAMES = (("~+", "."), ("$PWD", "."), ("${PWD}", "."), ("$HOME", "~"), ("${HOME}", "~"))
_EXPANDED = (("PWD", ("$PWD", "${PWD}")), ("HOME", ("$HOME", "${HOME}")))


_GUARD = r":?[-?][^}$`]*"
"""The operator of `${HOME:?msg}` (an error when unset) or `${HOME:-x}` (x when unset): the
cwd and the home are set, so either gives the value whole."""
_WHOLE = {
    name: re.compile(rf"\$(?:{name}(?![A-Za-z0-9_])|\{{{name}(?:{_GUARD})?\}})") for name in ("PWD", "HOME")
}
"""Each name's expansions that give its value whole: `$HOME`, `${HOME}`, `${HOME:?msg}`."""
_GUARDED = re.compile(rf"\$\{{(PWD|HOME){_GUARD}\}}")


def _named(path: str) -> str | None:
    """`path` with a leading `~+`, `$PWD`, `${PWD}`, `$HOME`, `${HOME}` or a form of `_WHOLE`
    (`${HOME:?}`) written as `.` or `~` (None when it has none: `$PWDX`, `~+1`)."""
    for name, written in _NAMES:
        if path.startswith(name) and path[len(name) : len(name) + 1] in ("", "/"):
            return written + path[len(name) :]
    guarded = _GUARDED.match(path) if path[:2] == "${" else None
    if guarded is not None and path[guarded.end() : guarded.end() + 1] in ("", "/"):
        return ("." if guarded[1] == "PWD" else "~") + path[guarded.end() :]
    return None


def _normal_or_unknown(path: str) -> str:
    """`path` normalised, or `?path` when it climbs above its `~` (see `normpath`)."""
    normal = normpath(path)
    return "?" + path if normal is None else normal


def normal_dir(path: str) -> bool:
    """`path` is absolute and `posixpath.normpath` leaves it as it is: no empty component,
    none starting with `.` (so no `.` or `..`), no trailing `/` (a sufficient test, not a
    necessary one: `/a/.b` fails it and is normal)."""
    return len(path) > 1 and path[0] == "/" and path[-1] != "/" and "//" not in path and "/." not in path


def _normal_relative(path: str) -> bool:
    """`path` is relative and joining it to a normal directory gives a normal path."""
    return bool(path) and path[-1] != "/" and "//" not in path and "/." not in path and path[0] not in "./"


def _normdir(directory: str, home: str) -> str:
    if directory.startswith("?"):
        return directory
    if home and (directory == home or directory.startswith(home.rstrip("/") + "/")):
        directory = "~" + directory[len(home.rstrip("/")) :]
    return directory if normal_dir(directory) else _normal_or_unknown(directory)


def is_inside(path: str, root: str) -> bool:
    """True if resolved `path` is `root` or below it; unresolved paths are not inside."""
    if path.startswith("?"):
        return False
    if root == "/":
        return True
    if not path.startswith(("/", "~")):
        return not (path == ".." or path.startswith("../"))
    return path == root or path.startswith(root.rstrip("/") + "/")
