"""CEL conditions over the `shell` analyzer's simple commands, shared by the importers.

An allow must cover every simple command of a call; a deny or ask needs only one. A command
is matched on its text (as written, wrappers and all) and on its argv joined by spaces (the
analyzer's view: quotes removed, `timeout`, `env`, `sudo`... unwrapped).
"""

from __future__ import annotations

from ._patterns import cel_str

SAFE_WRAPPERS = ("timeout", "time", "nice", "nohup", "stdbuf", "xargs")
"""Wrappers Claude Code strips before matching (`xargs` only without flags)."""
ALWAYS_ASK = ("watch", "setsid", "ionice", "flock")
"""Exec wrappers that Claude Code never lets a prefix rule approve."""
READ_ONLY_PROGRAMS = (
    "ls", "cat", "echo", "pwd", "head", "tail", "grep", "find", "wc", "which", "diff",
    "stat", "du", "cd",
)  # fmt: skip
READ_ONLY_GIT = ("status", "diff", "log", "show", "blame", "rev-parse", "ls-files")
_FIND_EXEC = r"\s-(?:exec|execdir|ok|okdir|delete)(?:\s|$)"
_FIND_WRITES = r"\s-(?:exec|execdir|ok|okdir|delete|fprint|fprint0|fprintf|fls)(?:\s|$)"
_XARGS_FLAGS = r"(?:^|\s)xargs\s+-"


def cel_list(items: tuple[str, ...] | list[str]) -> str:
    """A CEL list of strings."""
    return "[" + ", ".join(cel_str(i) for i in items) + "]"


def matches_command(regex: str) -> str:
    """Command `c` matches `regex` by its text or by its argv."""
    rx = cel_str(regex)
    return f'(c.text.matches({rx}) || c.argv.join(" ").matches({rx}))'


def approvable(extra_wrappers: tuple[str, ...] = ()) -> str:
    """Command `c` is one a Claude Code prefix rule may approve at all."""
    wrappers = tuple(dict.fromkeys((*SAFE_WRAPPERS, *extra_wrappers)))
    parts = [
        f"c.wrappers.all(w, w in {cel_list(wrappers)})",
        f"!(c.program in {cel_list(ALWAYS_ASK)})",
        f'!(c.program == "find" && c.text.matches({cel_str(_FIND_EXEC)}))',
    ]
    if "xargs" not in extra_wrappers:
        parts.append(f'!("xargs" in c.wrappers && c.text.matches({cel_str(_XARGS_FLAGS)}))')
    return " && ".join(parts)


def allow_all(regex: str, extra_wrappers: tuple[str, ...] = ()) -> str:
    """Every simple command of the call matches `regex` (a single one may match as a whole)."""
    rx = cel_str(regex)
    whole = f"(size(shell.commands) == 1 && shell.command.trim().matches({rx}))"
    each = f"{approvable(extra_wrappers)} && ({matches_command(regex)} || {whole})"
    return f"!shell.unparsed && size(shell.commands) > 0 && shell.commands.all(c, {each})"


def any_command(regex: str) -> str:
    """Some simple command of the call (or the call as a whole) matches `regex`."""
    rx = cel_str(regex)
    return f"shell.command.trim().matches({rx}) || shell.commands.exists(c, {matches_command(regex)})"


def read_only_command() -> str:
    """Command `c` is one Claude Code runs without asking (`ls`, `cat`, `git status`...)."""
    program = (
        f"(c.program in {cel_list(READ_ONLY_PROGRAMS)}"
        f' || (c.program == "git" && c.subcommand in {cel_list(READ_ONLY_GIT)}))'
    )
    return (
        f"c.wrappers.all(w, w in {cel_list(SAFE_WRAPPERS)}) && size(c.redirects) == 0 && {program}"
        f' && !(c.program == "find" && c.text.matches({cel_str(_FIND_WRITES)}))'
    )
