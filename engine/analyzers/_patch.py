"""The files a diff names, and what GNU `patch` writes.

`patch` reads its diff from stdin, from `-i FILE` or from a second operand. Given a first
operand (`patch FILE`) it patches that file whatever the diff names; given `-o OUT` it
writes OUT and leaves the originals; else it patches the files the diff names. Of each
file's old (`---`, `***`), new (`+++`) and `Index:` names GNU patch picks the one that suits
it (it may write the `---` one), so all of them count, with git's `rename to`/`copy to`.
Without `-p` it keeps the basename of a plain diff and the whole name of a git diff: both
count. A diff the command does not hold (read from a file or a pipe) names files known only
when it runs: `<patch: the files its diff names>`, which counts as outside any directory.
`-d DIR` changes into DIR before anything else, so every name (operands, `-o`, `-r`,
backups) is relative to it. `-r FILE` takes the rejects, `-B`/`-Y` put the backups under a
prefix; `--dry-run`, `--help` and `--version` write nothing.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from ._programs import HARMLESS_TARGETS, VALUE_OPTIONS

if TYPE_CHECKING:
    from ._command import Command

UNKNOWN = "<patch: the files its diff names>"
"""What a diff the command does not hold writes (see the module docstring)."""
LONG_OPTIONS = frozenset(
    {
        "backup", "prefix", "context", "directory", "ifdef", "ed", "remove-empty-files", "force",
        "fuzz", "get", "input", "ignore-whitespace", "merge", "normal", "forward", "output",
        "strip", "reject-file", "reverse", "quiet", "silent", "batch", "set-time", "unified",
        "version", "version-control", "debug", "basename-prefix", "suffix", "set-utc", "dry-run",
        "verbose", "binary", "help", "backup-if-mismatch", "no-backup-if-mismatch", "posix",
        "quoting-style", "reject-format", "read-only", "follow-symlinks",
    }
)  # fmt: skip
"""GNU patch's long options: getopt takes any unambiguous prefix of one (`--dir` is
`--directory`)."""
_SHORT = {"p": "strip", "d": "directory", "i": "input", "o": "output", "r": "reject-file"}
_SHORT |= {"B": "prefix", "Y": "basename-prefix", "v": "version"}
"""The long names of the short options read here."""
_VALUES = VALUE_OPTIONS["patch"]
_NOTHING = frozenset({"dry-run", "help", "version"})
"""Options with which patch writes no file."""
_HUNK = re.compile(r"\d+(,\d+)? (\*\*\*\*|----)")
"""A context diff's hunk header (`*** 1,3 ****`, `--- 1,3 ----`): not a file name."""


def patch_writes(cmd: Command) -> list[str]:
    """The files `patch` writes: the one it is given, its `-o` output or the files its diff
    names, with its rejects and prefixed backups, under its `-d` directory."""
    options, operands = read_line(cmd)
    if not _NOTHING.isdisjoint(options):
        return []
    output = options.get("output")
    if output:
        patched = output[-1:]  # the originals are read, not changed
    elif operands:
        patched = operands[:1]
    else:
        patched = _diff_files(cmd, options)
    out = [*patched, *_backups(options, patched), *options.get("reject-file", ())]
    out = [p for p in out if p not in HARMLESS_TARGETS]
    return in_directory(posixpath.join("", *options.get("directory", ())), out)


def _diff_files(cmd: Command, options: dict[str, list[str]]) -> list[str]:
    """The files the diff names, if the command holds it (a heredoc or here-string)."""
    source = options.get("input", ["-"])[-1]
    if source != "-" or cmd.stdin is None or cmd.reads_from:  # a file, a pipe, or `<` too
        return [UNKNOWN]
    strip = options.get("strip")
    return diff_names(cmd.stdin, strip_count(strip[-1]) if strip else None) or [UNKNOWN]


def _backups(options: dict[str, list[str]], patched: list[str]) -> list[str]:
    """The backups `-B PREFIX` (before the name) and `-Y PREFIX` (before the basename) make:
    a prefix may hold a directory (`-B /tmp/`); `.orig` beside the file adds no place."""
    known = [p for p in patched if p != UNKNOWN and p != "-"]
    out = [prefix + p for prefix in options.get("prefix", ()) for p in known]
    for prefix in options.get("basename-prefix", ()):
        out.extend(posixpath.join(posixpath.dirname(p), prefix + posixpath.basename(p)) for p in known)
    return out


def read_line(cmd: Command) -> tuple[dict[str, list[str]], list[str]]:
    """(options, operands) of a `patch` command line as getopt reads it: options by long
    name (short ones not read here by their letter), each with its values in order ("" for
    a flag); `-Np1` is `-N -p 1`, `--str 1` is `--strip=1`, operands may come between."""
    args = cmd.args
    options: dict[str, list[str]] = {}
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands.extend(args[i:])
            break
        if arg[:2] == "--":
            name, equals, value = arg[2:].partition("=")
            name = _long_name(name)
            if name in _VALUES and not equals and i < len(args):
                value = args[i]
                i += 1
            options.setdefault(name, []).append(value)
        elif arg[:1] == "-" and arg != "-":
            i = _short_options(arg, args, i, options)
        else:
            operands.append(arg)
    return options, operands


def _short_options(arg: str, args: list[str], i: int, options: dict[str, list[str]]) -> int:
    """Record the cluster `arg` (`-Np1`, `-p`, then its value in `args[i]`); return the
    index of the next argument."""
    for j in range(1, len(arg)):
        letter = arg[j]
        name = _SHORT.get(letter, letter)
        if letter not in _VALUES:
            options.setdefault(name, []).append("")
            continue
        if j + 1 < len(arg):  # `-p1`: the rest of the word is the value
            options.setdefault(name, []).append(arg[j + 1 :])
        elif i < len(args):  # `-p 1`
            options.setdefault(name, []).append(args[i])
            i += 1
        break
    return i


def _long_name(name: str) -> str:
    """The long option `name` abbreviates (itself when it is one, or when it is ambiguous
    or unknown: patch then stops before writing)."""
    if name in LONG_OPTIONS:
        return name
    found = [option for option in LONG_OPTIONS if option.startswith(name)]
    return found[0] if len(found) == 1 else name


def in_directory(root: str, paths: list[str]) -> list[str]:
    """`paths` as seen from where a command runs when it works in `root` (`patch -d`,
    `git apply --directory`); `<...>` markers and `-` stay as they are."""
    if not root:
        return paths
    return [p if p == "-" or p[:1] == "<" else posixpath.join(root, p) for p in paths]


def strip_count(value: str | None) -> int | None:
    """The number of a `-pN`/`--strip=N`, None if `value` is not one (what int() reads)."""
    if value is None or not (value.isascii() and value.isdigit() and len(value) < 5):
        return None
    return int(value)


def diff_targets(diff: str, strip: int) -> list[str]:
    """The files a unified diff writes as `git apply` reads it: each `+++` name, or the `---`
    name of a file it deletes (`+++ /dev/null`), less `strip` leading components (`-p1`:
    `b/src/x` is `src/x`)."""
    out: list[str] = []
    old = ""
    for line in diff.splitlines():
        if line.startswith("--- "):
            old = _diff_name(line)
        elif line.startswith("+++ "):
            name = _diff_name(line)
            name = old if name == "/dev/null" else name
            if strip and name:
                name = "/".join(name.split("/")[strip:])
            if name and name != "/dev/null":
                out.append(name)
    return out


def diff_names(diff: str, strip: int | None) -> list[str]:
    """Every file GNU patch may write for `diff` (see the module docstring), less `strip`
    leading components; with `strip` None, whole names and basenames."""
    out: list[str] = []
    for line in diff.splitlines():
        if line.startswith(("--- ", "+++ ", "*** ")):
            name = _diff_name(line)
            if _HUNK.fullmatch(name):
                continue
        elif line.startswith("Index: "):
            name = line[7:].strip()
        elif line.startswith(("rename to ", "copy to ")):  # git's own names: never stripped
            out.append(line.split(" ", 2)[2].strip())
            continue
        else:
            continue
        if not name or name == "/dev/null":
            continue
        if strip is None:
            out.extend((name, name.rpartition("/")[2]))
        elif strip:
            out.append("/".join(name.split("/")[strip:]))
        else:
            out.append(name)
    return [n for n in dict.fromkeys(out) if n]


def _diff_name(line: str) -> str:
    """The file name of a `---`/`+++` line (a tab ends it; the date may follow)."""
    name = line[4:].split("\t", 1)[0].strip()
    return name[1:-1] if len(name) > 1 and name[0] == name[-1] == '"' else name
