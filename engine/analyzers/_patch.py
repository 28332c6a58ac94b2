"""The files a diff names, and what GNU `patch` writes.

`patch` reads its diff from stdin, from `-i FILE` or from a second operand. Given a first
operand (`patch FILE`) it patches that file whatever the diff names; given `-o OUT` it
writes OUT and leaves the originals; else it patches the files the diff names. Of each
file's old (`---`, `***`), new (`+++`), `Index:` and `diff --git` names GNU patch picks the
one that suits it (it may write the `---` one), so all of them count, with git's
`rename from` (the file a rename deletes), `rename to` and `copy to`. Without `-p` it keeps
the basename of a plain diff and the whole name of a git diff: both count. A name in double
quotes is C-quoted as git writes it (`"b/\\056env"` is `b/.env`); an unquoted one ends at a
TAB, or at its first blank when no TAB follows (`+++ b/.env 2020-01-01 10:00:00` writes
`.env`): both cuts count. A file operand is the file patched, but a git rename or copy in
the diff still moves it to the diff's new name. A diff the command does not hold (read
from a file or a pipe) names files known only when it runs: `<patch: the files its diff
names>`, which counts as outside any directory. `-d DIR` changes into DIR before anything
else, so every name (operands, `-o`, `-r`, backups) is relative to it. `-r FILE` takes the
rejects, `-B`/`-Y` put the backups under a prefix. `--help` and `--version` write nothing;
`--dry-run` writes no patched file, reject or backup, but still writes its `-o` output.
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
_NOTHING = frozenset({"help", "version"})
"""Options with which patch writes no file (`--dry-run` still writes its `-o` output)."""
_HUNK = re.compile(r"\d+(,\d+)? (\*\*\*\*|----)")
"""A context diff's hunk header (`*** 1,3 ****`, `--- 1,3 ----`): not a file name."""
_GIT_NAMED = ("rename from ", "rename to ", "copy to ")
"""git's extended header lines whose name is written (`copy from` is only read): whole,
never stripped."""
_MOVES = ("rename to ", "copy to ")
"""git's header lines that give a patched file a new name."""
_PATH_MAX = 4096
"""The longest name a `diff --git` line with blanks is split to read (Linux's PATH_MAX)."""
_COMPONENT = re.compile(r"[^/]*/+")
"""A leading name component and the run of slashes after it."""
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
"""The one-letter escapes of a C-quoted name (with `\\ooo`, three octal digits)."""


def patch_writes(cmd: Command) -> list[str]:
    """The files `patch` writes: the one it is given, its `-o` output or the files its diff
    names, with its rejects and prefixed backups, under its `-d` directory."""
    options, operands = read_line(cmd)
    if not _NOTHING.isdisjoint(options):
        return []
    output = options.get("output")
    if "dry-run" in options:  # no file patched, no reject, no backup: only the output
        out = output[-1:] if output else []
    else:
        if output:
            patched = output[-1:]  # the originals are read, not changed
        elif operands:
            patched = [operands[0], *_moved(cmd, options)]
        else:
            patched = _diff_files(cmd, options)
        out = [*patched, *_backups(options, patched), *options.get("reject-file", ())]
    out = [p for p in out if p not in HARMLESS_TARGETS]
    return in_directory(posixpath.join("", *options.get("directory", ())), out)


def _held_diff(cmd: Command, options: dict[str, list[str]]) -> str | None:
    """The diff patch reads, if the command holds it (a heredoc or here-string)."""
    source = options.get("input", ["-"])[-1]
    if source != "-" or cmd.stdin is None or cmd.reads_from:  # a file, a pipe, or `<` too
        return None
    return cmd.stdin


def _strip(options: dict[str, list[str]]) -> int | None:
    """The `-p` count, None without one (or with one patch does not read as a number)."""
    strip = options.get("strip")
    return strip_count(strip[-1]) if strip else None


def _diff_files(cmd: Command, options: dict[str, list[str]]) -> list[str]:
    """The files the diff names, if the command holds it."""
    diff = _held_diff(cmd, options)
    return (diff_names(diff, _strip(options)) if diff is not None else []) or [UNKNOWN]


def _moved(cmd: Command, options: dict[str, list[str]]) -> list[str]:
    """The new names a git rename or copy in the diff gives the file operand (GNU patch
    renames the operand itself); a diff the command does not hold may hold one."""
    diff = _held_diff(cmd, options)
    return [UNKNOWN] if diff is None else moved_names(diff, _strip(options))


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
    name of a file it deletes (`+++ /dev/null`), and the names of a `diff --git` line, less
    `strip` leading components (`-p1`: `b/src/x` is `src/x`); with the names of git's
    `rename from`, `rename to` and `copy to` lines, never stripped."""
    out: list[str] = []
    old: list[str] = []
    for line in _lines(diff):
        if line.startswith("--- "):
            old = _diff_name(line[4:])
        elif line.startswith("+++ "):
            new = _diff_name(line[4:])
            out.extend(_stripped(old if new == ["/dev/null"] else new, strip, git=True))
        elif line.startswith("diff --git "):
            out.extend(_stripped([n for pair in _git_pairs(line[11:]) for n in pair], strip, git=True))
        elif line.startswith(_GIT_NAMED):
            out.append(_git_name(line.split(" ", 2)[2]))
    return [n for n in dict.fromkeys(out) if n]


def diff_names(diff: str, strip: int | None) -> list[str]:
    """Every file GNU patch may write for `diff` (see the module docstring), less `strip`
    leading components; with `strip` None, whole names and basenames."""
    out: list[str] = []
    for line in _lines(diff):
        if line.startswith(("--- ", "+++ ", "*** ")):
            if not _HUNK.fullmatch(line[4:].strip()):
                out.extend(_stripped(_diff_name(line[4:]), strip))
        elif line.startswith("Index: "):
            out.extend(_stripped(_diff_name(line[7:]), strip))
        elif line.startswith("diff --git "):
            out.extend(_stripped([n for pair in _git_pairs(line[11:]) for n in pair], strip))
        elif line.startswith(_GIT_NAMED):
            out.append(_git_name(line.split(" ", 2)[2]))
    return [n for n in dict.fromkeys(out) if n]


def moved_names(diff: str, strip: int | None) -> list[str]:
    """The new names of the files `diff` renames or copies (git's `rename to`/`copy to`, and
    the new name of its `diff --git` line, less `strip` leading components): where GNU patch
    moves the file operand it is given."""
    out: list[str] = []
    new: list[str] = []
    for line in _lines(diff):
        if line.startswith("diff --git "):
            new = [pair[1] for pair in _git_pairs(line[11:])]
        elif line.startswith(_MOVES):
            out.append(_git_name(line.split(" ", 2)[2]))
            out.extend(_stripped(new, strip))
    return [n for n in dict.fromkeys(out) if n]


def _stripped(names: list[str], strip: int | None, git: bool = False) -> list[str]:
    """`names` less `strip` leading components (None: each whole and its basename), with no
    `/dev/null`; `git`: as `git apply` strips, each slash a component (`b//x` with `-p2` is
    `x`, where GNU patch counts a run of slashes as one)."""
    out: list[str] = []
    for name in names:
        if not name or name == "/dev/null":
            continue
        if strip is None:
            out.extend((name, name.rpartition("/")[2]))
        elif git:
            out.append("/".join(name.split("/")[strip:]) if strip else name)
        else:
            out.append(_strip_components(name, strip) if strip else name)
    return out


def _strip_components(name: str, count: int) -> str:
    """`name` less its first `count` components, as `-p` strips them: a run of slashes is one
    (`b//.env` with `-p1` is `.env`); a name with fewer is kept whole."""
    at = 0
    for _ in range(count):
        found = _COMPONENT.match(name, at)
        if found is None:
            return name
        at = found.end()
    return name[at:]


def _lines(diff: str) -> list[str]:
    """The lines of `diff` as patch and git split them: at `\\n` only (`str.splitlines` also
    splits at `\\x1c`, `\\x85`, `\\u2028`..., which may sit inside a name), less a CR."""
    return [line[:-1] if line.endswith("\r") else line for line in diff.split("\n")]


def _diff_name(text: str) -> list[str]:
    """The file name `text` begins with, after `---`, `+++`, `***` or `Index:`: a C-quoted
    name, or else both what a TAB ends (the date may follow) and what the first blank ends
    (GNU patch cuts there when no TAB follows)."""
    text = text.strip()
    quoted = _c_string(text)
    if quoted is not None:
        return [quoted[0]]
    whole = text.split("\t", 1)[0].strip()
    if len(whole) > 1 and whole[0] == whole[-1] == '"':  # a quoted name patch cannot read
        whole = whole[1:-1]
    return list(dict.fromkeys((whole, *whole.split(maxsplit=1)[:1])))


def _git_name(text: str) -> str:
    """The name of a git `rename to`/`copy to` line: C-quoted, or the rest of the line."""
    quoted = _c_string(text.strip())
    if quoted is not None:
        return quoted[0]
    name = text.strip()
    return name[1:-1] if len(name) > 1 and name[0] == name[-1] == '"' else name


def _git_pairs(text: str) -> list[tuple[str, str]]:
    """The (old, new) names of a `diff --git` line: two C-quoted or blank-free names, as GNU
    patch reads it; else each split at a blank that leaves both halves the same name under
    their first component (`a/x y b/x y`), as git reads it."""
    first = _git_word(text.lstrip())
    if first is not None:
        second = _git_word(first[1].lstrip()) if first[1][:1].isspace() else None
        if second is not None and not second[1].strip():
            return [(first[0], second[0])]
    out: list[tuple[str, str]] = []
    slash = text.find("/")
    if len(text) > _PATH_MAX or slash < 0:  # no file has so long a name
        return out
    for i in range(slash, len(text)):
        if text[i] != " ":
            continue
        end = text.find("/", i + 1)  # where the new name's first component ends
        if end > i and len(text) - end == i - slash and text[slash:i] == text[end:]:
            out.append((text[:i], text[i + 1 :]))
    return out


def _git_word(text: str) -> tuple[str, str] | None:
    """A C-quoted or blank-free name at the start of `text`, and the text after it."""
    if text[:1] == '"':
        return _c_string(text)
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    return (word, text[len(word) :]) if word else None


def _c_string(text: str) -> tuple[str, str] | None:
    """The C-quoted name `text` begins with (git's `"b/\\303\\251t\\303\\251"` is `b/été`) and
    the text after it; None if `text` does not begin with one. Octal escapes are bytes,
    read as UTF-8; bytes that are not stay as `\\xff`."""
    if text[:1] != '"':
        return None
    raw = bytearray()
    i = 1
    while i < len(text):
        char = text[i]
        if char == '"':
            return raw.decode("utf-8", "backslashreplace"), text[i + 1 :]
        if char != "\\":
            raw += char.encode("utf-8", "surrogatepass")
            i += 1
            continue
        escape = text[i + 1 : i + 2]
        octal = text[i + 1 : i + 4]
        if escape in _ESCAPES:
            raw.append(_ESCAPES[escape])
            i += 2
        elif len(octal) == 3 and octal[0] in "0123" and all(c in "01234567" for c in octal):
            raw.append(int(octal, 8))
            i += 4
        else:  # patch reads no name here: the quoted text stands for itself
            return None
    return None


CODEX_HEADERS = ("*** Add File: ", "*** Delete File: ", "*** Update File: ", "*** Move to: ")
"""The lines of a Codex `apply_patch` text that name a file it writes, deletes or moves to."""
CODEX_PATCHERS = frozenset({"apply_patch", "applypatch"})
"""Codex's patch tool as a program: its first argument, or its stdin, is the patch text."""


def codex_patch_files(text: str) -> list[str]:
    """The files a Codex `apply_patch` text adds, deletes, updates or moves a file to.

    Codex trims a hunk header before it reads the name (`  *** Add File: x  ` adds `x`) and
    drops the CR of a CRLF; a header inside a hunk is counted too, so a name Codex reads is
    never missed. A name is as written: relative to the directory the patch is applied in."""
    if "*** " not in text:
        return []
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line.startswith("*** "):
            for header in CODEX_HEADERS:
                if line.startswith(header):
                    name = line[len(header) :].strip()
                    if name:
                        out.append(name)
                    break
    return list(dict.fromkeys(out))
