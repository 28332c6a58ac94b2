"""Per-command facts: network, installs, destructive reasons, files written, pipe to shell."""

from __future__ import annotations

import csv
import functools
import itertools
import posixpath
import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from ._awk import AWKS, awk_writes
from ._command import Command
from ._parsed import Word
from ._patch import (
    CODEX_PATCHERS,
    UNKNOWN,
    codex_patch_files,
    diff_targets,
    in_directory,
    patch_writes,
    strip_count,
)
from ._programs import (
    BLOCK_DEVICE_PREFIXES,
    CODE_OPTIONS,
    HARMLESS_TARGETS,
    INSTALL_PROGRAMS,
    INSTALL_SUBCOMMANDS,
    INTERPRETERS,
    NETWORK_PROGRAMS,
    NETWORK_SUBCOMMANDS,
    PRIVILEGE_PROGRAMS,
    READ_OPTIONS,
    RUNS_FETCHED,
    SHELLS,
    SQL_CLIENTS,
    VALUE_OPTIONS,
    reads_stdin,
)
from ._sqlcore import analyze_sql, sql_texts

if TYPE_CHECKING:
    from ._options import Options, Read

_TOUCHERS = frozenset(
    {
        "rm",
        "rmdir",
        "unlink",
        "shred",
        "touch",
        "mkdir",
        "truncate",
        "tee",
        "chmod",
        "chown",
        "chgrp",
        "srm",
        "wipe",
        "rimraf",
        "setfacl",
        "trash",  # trash-cli, and macOS's: what it is given moves to the trash
        "trash-put",
    }
)
_COMPILERS = frozenset(
    {
        "cc", "c++", "c89", "c99", "gcc", "g++", "clang", "clang++", "tcc", "gfortran", "rustc", "ld",
        "as", "nasm",
    }
)  # fmt: skip
"""Compilers and linkers: `-o FILE` (`-oFILE`, `--output=FILE`) is the file they write."""


def _linker_output(args: list[str]) -> list[str]:
    """The output a compiler passes on to its linker (`-Wl,-o,PATH`, `-Xlinker -o -Xlinker
    PATH`), which writes there."""
    linked: list[str] = []
    for i, a in enumerate(args):
        if a.startswith("-Wl,"):
            linked.extend(a[4:].split(","))
        elif a == "-Xlinker" and i + 1 < len(args):
            linked.append(args[i + 1])
    return [b for a, b in itertools.pairwise(linked) if a in ("-o", "--output")] + [
        a.partition("=")[2] for a in linked if a.startswith("--output=")
    ]


_BINUTILS = frozenset({"objcopy", "strip", "ar", "ranlib"})
"""Tools of binutils (LLVM's and zig's alike) that write the files they are given, in place
or where their options say (`_binutils_writes`)."""


def _versioned_tool(program: str) -> str:
    """The name of `_COMPILERS` or `_BINUTILS` that `program` is under a version's or a
    target's name (`gcc-13`, `clang-17`, `x86_64-linux-gnu-gcc`, `ld.lld`, `llvm-objcopy`,
    `arm-none-eabi-strip`, `gcc-ar`), else ""."""
    if "-" not in program and "." not in program:
        return ""
    found = _tool_name().fullmatch(program)
    return found.group(1) if found is not None else ""


@functools.cache
def _tool_name() -> re.Pattern[str]:
    """A name of `_COMPILERS` or `_BINUTILS` with a target before it or a version after it
    (`_versioned_tool`)."""
    names = "|".join(re.escape(name) for name in sorted(_COMPILERS | _BINUTILS, key=len, reverse=True))
    return re.compile(rf"(?:[\w.]+-)*({names})(?:-[\w.]+|\.\w+)?")  # `-13`, `-win32`, `.lld`


_BINUTILS_VALUED = {
    "objcopy": frozenset("bBiIjKNsOdFLGRW"),
    "strip": frozenset("FIOKNRo"),
    "ar": frozenset(),
    "ranlib": frozenset(),
}
"""The short options of each of `_BINUTILS` that take the next word as their value."""
_AR_LONG_VALUED = frozenset({"--plugin", "--target", "--output", "--record-libdeps"})
"""ar's long options that take a value (`--output DIR`, `--output=DIR`)."""


def _binutils_writes(tool: str, args: list[str]) -> list[str]:
    """The files `tool` (one of `_BINUTILS`) writes: objcopy its output (`objcopy IN OUT`),
    or its input in place; strip its `-o FILE`, or each file in place; ar the archive of an
    action that changes one (`ar rcs lib.a x.o`: `d`, `m`, `q`, `r`, `s`), or the directory
    of `x --output DIR`; ranlib each archive. A long option given with its value apart
    (`--remove-section .note`) leaves the value among the files, never one fewer."""
    valued = _BINUTILS_VALUED[tool]
    words: list[str] = []
    output: str | None = None
    skip = ended = False
    for i, a in enumerate(args):
        if skip:
            skip = False
        elif ended or a[:1] != "-" or a == "-" or (tool == "ar" and not words and a[:2] != "--"):
            words.append(a)  # ar's action may come with a dash (`ar -rcs`)
        elif a == "--":
            ended = True
        elif tool == "ar" and (name := a.partition("=")[0]) in _AR_LONG_VALUED:
            skip = "=" not in a
            if name == "--output":
                output = a.partition("=")[2] if not skip else args[i + 1] if i + 1 < len(args) else None
        elif len(a) == 2 and a[1] in valued:
            skip = True
            if tool == "strip" and a == "-o":
                output = args[i + 1] if i + 1 < len(args) else None
        elif tool == "strip" and a[:2] == "-o":
            output = a[2:]
        elif tool == "strip" and a.startswith("--output-file="):
            output = a.partition("=")[2]
    if tool == "objcopy":
        return words[-1:]
    if tool == "strip":
        return [output] if output is not None else words
    if tool == "ranlib":
        return words
    key = words[0].lstrip("-") if words else ""
    operation = next((c for c in key if c in "dmpqrstx"), "")
    at = 1 + ("a" in key or "b" in key or "i" in key) + ("N" in key)  # a member to place by, a count
    if operation == "x":
        return [output] if output is not None else []
    return words[at : at + 1] if operation and operation in "dmqrs" else []


def _history_file(cmd: Command) -> list[str]:
    """The file bash's `history -a` or `-w` writes the session's commands to: its operand, or
    the last `HISTFILE` set before it (`HISTFILE=~/.bashrc history -a`), which an agent may
    point at a profile after running the lines it wants kept there."""
    args = cmd.args
    if not any(a[:1] == "-" and ("a" in a or "w" in a) for a in args if a != "--"):
        return []
    operands = [a for a in args if a[:1] != "-"]
    if operands:
        return operands[-1:]
    files = [e.partition("=")[2] for e in cmd.env if e.startswith("HISTFILE=")]
    return files[-1:]


def _zig_outputs(cmd: Command) -> list[str]:
    """The files and directories zig writes: `zig cc -o PATH` (and `c++`, with a linker's
    output), `-femit-bin=PATH` and the other `-femit-KIND=PATH` (of `build-exe`, `build-lib`,
    `build-obj`, `test`, `run`, and `cc` alike), the prefix `zig build` installs into
    (`-p DIR`, `--prefix DIR`, `--prefix-exe-dir DIR`...), and what `zig objcopy`, `zig ar`
    and `zig ranlib` write (`_binutils_writes`)."""
    args = cmd.args
    action = args[0] if args else ""
    if action in _BINUTILS:  # `zig objcopy`, `zig ar`, `zig ranlib`
        return _binutils_writes(action, args[1:])
    emitted = [a.partition("=")[2] for a in args if a.startswith("-femit-") and "=" in a]
    if action in ("cc", "c++"):
        target = _option(cmd, "o", "output")
        return ([target] if target is not None and target[:1] != "-" else []) + _linker_output(args) + emitted
    if action == "build":
        return [
            value
            for a, value in itertools.pairwise(args)
            if a in ("-p", "--prefix", "--prefix-exe-dir", "--prefix-lib-dir", "--prefix-include-dir")
        ] + [a.partition("=")[2] for a in args if a.startswith("--prefix") and "=" in a]
    return emitted


_DESTINATION_LAST = frozenset({"cp", "mv", "install", "ln", "rsync", "scp"})
_WRITES_THROUGH = frozenset({"tee", "cp", "dd", "curl", "wget", "sort", "touch", "truncate", "uniq"})
"""Programs that write into the file they name, so that `/dev/stdout` or `/dev/null` as their
target writes nothing (`tee /dev/stderr`); the others replace, remove or change the file
itself (`rm`, `mv x /dev/null`, `ln -sf`, `install`, `chmod`), device or not."""
_STDIO = frozenset({"-"})
_MODE_FIRST = frozenset({"chmod", "chown", "chgrp"})
_PLATFORM = frozenset(
    {
        ("kubectl", "delete", ""),
        ("terraform", "destroy", ""),
        ("gh", "repo", "delete"),
        ("docker", "system", "prune"),
        ("docker", "volume", "rm"),
        ("docker", "volume", "prune"),
        ("helm", "uninstall", ""),
        ("aws", "s3", "rb"),
    }
)
"""(program, subcommand, first argument or "") of platform commands that destroy data."""
_PLATFORM_PROGRAMS = frozenset(program for program, _, _ in _PLATFORM)
_WIPERS = frozenset(
    {"shred", "truncate", "wipefs", "fdisk", "sfdisk", "gdisk", "sgdisk", "parted", "wipe", "blkdiscard"}
)
"""Programs that destroy what they are given, by the name `destructive_reasons` reports."""
_BY_SUBCOMMAND = frozenset(NETWORK_SUBCOMMANDS) | frozenset(INSTALL_SUBCOMMANDS)
"""Programs whose subcommand decides whether they reach the network or install packages."""


def effective(cmd: Command) -> tuple[str, str, list[str]]:
    """(program, subcommand, args) with `python -m pip` read as `pip`."""
    args = cmd.args
    if cmd.program.startswith("python") and len(args) > 1 and args[0] == "-m":
        inner = Command([args[1], *args[2:]])
        return inner.program, inner.subcommand, inner.args
    if cmd.program == "uv" and cmd.subcommand == "pip":
        inner = Command(["pip", *args[args.index("pip") + 1 :]])
        return "pip", inner.subcommand, inner.args
    return cmd.program, cmd.subcommand, args


def _program_and_sub(cmd: Command) -> tuple[str, str, list[str]]:
    """`effective(cmd)`, with "" for the subcommand of a program whose subcommand no
    network or install fact reads (it is not looked for)."""
    program = cmd.program
    if program.startswith("python") or program == "uv":
        return effective(cmd)
    return program, cmd.subcommand if program in _BY_SUBCOMMAND else "", cmd.args


def is_network(cmd: Command) -> bool:
    """The command reaches the network."""
    program, sub, args = _program_and_sub(cmd)
    if program in _CAPTURES and _reads_capture(args):
        return False
    if program in NETWORK_PROGRAMS or _installs(program, sub, args, cmd):
        return True
    if program == "rsync":
        return any(":" in a and not a.startswith(("-", "/", ".")) for a in args)
    return sub in NETWORK_SUBCOMMANDS.get(program, ())


_CAPTURES = frozenset({"tshark", "tcpdump"})


def _reads_capture(args: list[str]) -> bool:
    """`tshark -r FILE` and `tcpdump -r FILE` read a capture file, and listen on no interface
    (`-i`); any other option that could (`-D`, a clustered `-ri`) keeps them network tools."""
    return "-r" in args and not any(
        a[:2] == "-i" or (a[:1] == "-" and a[1:2] != "-" and "i" in a) for a in args
    )


def is_install(cmd: Command) -> bool:
    """The command installs packages."""
    program, sub, args = _program_and_sub(cmd)
    return _installs(program, sub, args, cmd)


_QUERIES = {
    "dpkg": frozenset(
        {"-l", "--list", "-L", "--listfiles", "-s", "--status", "-S", "--search", "-p", "--print-avail",
         "--get-selections", "--print-architecture", "--print-foreign-architectures", "-c", "--contents",
         "-I", "--info", "--version", "--help", "-?", "--compare-versions"}
    ),
    "rpm": frozenset(
        {"-q", "--query", "-V", "--verify", "-K", "--checksig", "--eval", "-E", "--version", "--help",
         "--querytags", "--all", "--list", "--info", "--file", "--requires", "--provides"}
    ),
}  # fmt: skip
"""Options of the package tools that only ask (`dpkg -l`, `rpm -qa`, and any cluster of rpm's
that starts with `-q`): with no other option, the command installs nothing."""


def _installs(program: str, sub: str, args: list[str], cmd: Command) -> bool:
    """`cmd` installs packages, read as `program`'s subcommand `sub` given `args`."""
    if program in INSTALL_PROGRAMS:
        queries = _QUERIES.get(program)
        options = [a for a in args if a[:1] == "-"]
        return queries is None or not options or not all(_asks(program, o, queries) for o in options)
    if sub in INSTALL_SUBCOMMANDS.get(program, ()):
        return True
    if sub not in RUNS_FETCHED.get(program, ()):
        return False
    # which words are as written, when they are `cmd`'s own (not those of `python -m pip`)
    return _fetches(program, sub, args, cmd.static[1:] if args is cmd.args else None)


_GO_BUILD_VALUES = (
    "C o p tags ldflags gcflags asmflags gccgoflags mod modfile overlay pgo pkgdir toolexec exec "
    "coverpkg covermode buildmode compiler installsuffix"
)
"""go's build flags that take a value: one word each, with one dash or two (`-tags x`,
`--mod=mod`), never bundled."""
_GLOB = frozenset("*?[")


@functools.cache
def _run_options(program: str) -> Options:
    """How the options of `program`'s fetching or building subcommand read (`go run`, `go
    build`, `deno run`, `npm init`, `uv run`): which take the next word as their value."""
    from ._options import options  # loaded by the first such command

    if program == "uv":
        from ._runners import SUBCOMMANDS

        return SUBCOMMANDS["uv"].options
    if program == "go":
        return options(_GO_BUILD_VALUES, None, clusters=False)
    if program == "deno":  # a permission's list is attached (`--allow-net=x`); an option
        # not listed may take the next word (`--lock [FILE]`): every later word is then tried
        return options(
            "c config import-map importmap cert location seed ext preload import require conditions L "
            "log-level minimum-dependency-age",
            "A allow-all R allow-read W allow-write N allow-net E allow-env S allow-sys allow-run "
            "allow-ffi allow-hrtime I allow-import allow-scripts deny-read deny-write deny-net deny-env "
            "deny-sys deny-run deny-ffi deny-import q quiet r reload check no-check no-remote no-npm "
            "no-config no-lock cached-only frozen watch no-prompt env-file inspect inspect-brk "
            "inspect-wait v8-flags node-modules-dir",
        )
    return options("w workspace scope init-module", None)  # `npm init -w packages/a`: no download


def _after_options(
    program: str, sub: str, args: list[str], static: list[bool] | None
) -> tuple[list[Word], Read]:
    """The words after `program`'s subcommand `sub`, and how its options read them; a word
    only run time knows (`$F`) or a glob may be an option."""
    from ._options import read_options

    at = args.index(sub) + 1 if sub in args else len(args)
    rest = [
        Word(a, (static is None or static[i]) and _GLOB.isdisjoint(a))
        for i, a in enumerate(args[at:], start=at)
    ]
    return rest, read_options(rest, _run_options(program))


def _fetches(program: str, sub: str, args: list[str], static: list[bool] | None) -> bool:
    """`RUNS_FETCHED`'s command is given something to download as the thing it runs, its
    first operand: `npm init` a package (any), `go run` a module at a version (`x@latest`),
    `deno run` or `uv run` a URL (or a registry's package: `npm:cowsay`, `jsr:@std/x`). What
    the script is then given is its own (`uv run x.py https://...`, `go run . a@b.c`)."""
    rest, read = _after_options(program, sub, args, static)
    if read.stop or read.start >= len(rest):
        return False
    # after an option not known, which may have taken the next word, or a word that may be
    # an option (`deno run $F URL`), any later word may be what runs
    first = rest[read.start]
    words = rest[read.start :] if read.unknown or not first.static else [first]
    if program == "npm":
        return True
    if program == "go":
        return any("@" in w.value for w in words)
    return any(w.value.startswith(("https://", "http://", "npm:", "jsr:")) for w in words)


def _asks(program: str, option: str, queries: frozenset[str]) -> bool:
    return option in queries or (program == "rpm" and option[:2] == "-q" and option[2:].isalpha())


def is_privileged(cmd: Command) -> bool:
    """The command runs as another user (sudo, doas, su...), itself or through a wrapper."""
    return cmd.program in PRIVILEGE_PROGRAMS or not PRIVILEGE_PROGRAMS.isdisjoint(cmd.wrappers)


def pipes_to_shell(cmd: Command) -> bool:
    """Code reaches an interpreter through a pipe or an expansion the analysis cannot see."""
    if cmd.runs_input:
        return True
    if cmd.program in ("eval", "source", ".") or cmd.program in INTERPRETERS:
        code = [a for a, s in zip(cmd.args, cmd.static[1:], strict=False) if not s]
        if any(a.startswith("<(") or "$(" in a or "`" in a for a in code):
            return True
    # what a process substitution prints is piped in as any command's is (`bash < <(curl URL)`)
    piped = cmd.piped or (bool(cmd.reads_from) and any(f[:2] == "<(" for f in cmd.reads_from))
    if not piped or cmd.program not in INTERPRETERS:
        return piped and cmd.program in ("source", ".") and (cmd.arg(0) == "" or reads_stdin(cmd.arg(0)))
    if cmd.program in SHELLS:  # `bash -euo pipefail`: options read as the shell reads them
        from ._shells import shell_args  # loaded by the first piped shell

        read = shell_args(cmd.program, [Word(a, s) for a, s in zip(cmd.args, cmd.static[1:], strict=False)])
        # `bash -s -- ARGS` reads its script from stdin
        return not read.has_c and (not read.script or "s" in cmd.flags)
    if any(f in CODE_OPTIONS for f in cmd.flags):
        return False
    script = cmd.positionals()[:1]
    return not script or reads_stdin(script[0])


def destructive_reasons(cmd: Command) -> list[str]:
    """Why a command destroys data that may not come back (empty if it does not)."""
    program = cmd.program  # the subcommand is looked for only by the programs that have one
    reasons: list[str] = []
    if program in ("rm", "srm") and cmd.has_flag("recursive"):
        reasons.append("rm -r")
    elif program == "rimraf":  # npm's `rm -rf`, recursive always
        reasons.append("rimraf")
    elif program == "find" and "delete" in cmd.flags:
        reasons.append("find -delete")
    elif program in ("chmod", "chown", "chgrp", "setfacl") and cmd.has_flag("R"):
        reasons.append(f"{program} -R")
    elif program in _WIPERS or program.startswith("mkfs"):
        reasons.append(program.split(".")[0])
    elif program == "dd" and any(a.startswith("of=") for a in cmd.args):
        reasons.append("dd")
    elif program == "git":
        reasons.extend(_git_reasons(cmd, cmd.subcommand))
    elif program == "rsync" and any(f.startswith("delete") for f in cmd.flags):
        reasons.append("rsync --delete")
    elif program == "crontab" and "r" in cmd.flags:
        reasons.append("crontab -r")
    elif program in _PLATFORM_PROGRAMS and (program, cmd.subcommand, cmd.arg(1)) in _PLATFORM:
        reasons.append(f"{program} {cmd.subcommand} {cmd.arg(1)}")
    elif program in _PLATFORM_PROGRAMS and (program, cmd.subcommand, "") in _PLATFORM:
        reasons.append(f"{program} {cmd.subcommand}")
    elif program == "mv" and cmd.positionals()[-1:] == ["/dev/null"]:
        reasons.append("mv to /dev/null")
    for text in sql_texts(cmd) if program in SQL_CLIENTS else ():
        info = analyze_sql(text)
        if info.drops:
            reasons.append("sql drop")
        if info.unbounded_write:
            reasons.append("sql unbounded write")
    if cmd.redirects and any(t.startswith(BLOCK_DEVICE_PREFIXES) for t in cmd.redirects):
        reasons.append("write to block device")
    return reasons


def _git_reasons(cmd: Command, sub: str) -> list[str]:
    if sub == "push":
        refspecs = [a for a in cmd.positionals() if a != "push"]
        if cmd.has_flag("force") or any(r.startswith("+") for r in refspecs):
            return ["git push --force"]
        if cmd.has_flag("delete") or any(r.startswith(":") for r in refspecs[1:]):
            return ["git push --delete"]
    elif sub == "reset" and "hard" in cmd.flags:
        return ["git reset --hard"]
    elif sub == "clean" and cmd.has_flag("force"):
        return ["git clean -f"]
    elif sub == "branch" and "D" in cmd.flags:
        return ["git branch -D"]
    elif sub == "stash" and cmd.arg(cmd.args.index("stash") + 1) in ("drop", "clear"):
        return ["git stash drop"]
    elif sub == "checkout" and _checkout_overwrites(cmd):
        return ["git checkout discards changes"]
    elif sub == "switch" and _switch_discards(cmd.flags):
        return ["git switch discards changes"]
    elif sub == "restore" and _restores_worktree(cmd):
        return ["git restore discards changes"]
    elif sub == "filter-branch":
        return ["git filter-branch"]
    elif sub == "rm" and cmd.has_flag("f") and not (cmd.has_flag("cached") or cmd.has_flag("n")):
        return ["git rm -f"]  # without `-f`, git keeps a file whose changes are not committed
    elif sub == "update-ref" and cmd.has_flag("d"):
        return ["git update-ref -d"]  # a branch gone, its reflog with it
    elif sub == "reflog" and cmd.arg(cmd.args.index("reflog") + 1) in ("expire", "delete"):
        return ["git reflog expire"]  # the record that finds lost commits again
    elif (sub == "prune" and not cmd.has_flag("n")) or (
        sub == "gc" and any(a in ("--prune=now", "--prune=all") for a in cmd.args)
    ):
        return ["git prune"]  # commits no ref reaches, gone for good
    return []


def _checkout_overwrites(cmd: Command) -> bool:
    """`git checkout` puts files of the work tree back, losing their changes: with `-f`, with
    paths (after `--`, from a file, or a tree and paths: `git checkout main app.py`), or with
    one operand no branch can be named (`.`, `src/`, `*.py`, `.env`) or that reads as a file
    (`src/app.py`: a name ending in an extension). A branch, tag or commit alone switches,
    which git refuses when it would overwrite changes; so does a new branch's start point
    (`-b NAME START`)."""
    from ._options import read_permuted  # loaded by the first checkout

    if cmd.has_flag("force"):
        return True
    args = cmd.args
    start = args.index("checkout") + 1 if "checkout" in args else len(args)
    words = [Word(a, s) for a, s in zip(args[start:], cmd.static[start + 1 :], strict=False)]
    found = read_permuted(words, _checkout_options())
    read = found.read
    if read.ended or any(name == "pathspec-from-file" for name, _ in read.values):
        return True
    operands = [w.value for w in found.operands]
    if any(name in ("b", "B", "orphan") for name, _ in read.values) or read.flag("detach"):
        return False
    return len(operands) > 1 or (len(operands) == 1 and _names_no_ref(operands[0]))


@functools.cache
def _checkout_options() -> Options:
    """`git checkout`'s options that take a value, made on the first checkout."""
    from ._options import options

    return options("b B orphan conflict pathspec-from-file", flags=None)


_FILE_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9_-]{0,9}$")


def _names_no_ref(word: str) -> bool:
    """`word` cannot be a branch, tag or commit, or reads as a file: git's rules for names
    refuse `*?[`, a trailing `/`, a part starting with `.` (`.`, `./x`, `.env`), a leading `/`;
    a last part with an extension (`app.py`) is read as a file (a branch named so is rare)."""
    if "~" in word or "^" in word or ":" in word or "@{" in word:  # a revision (`HEAD~1`, `v1^{tree}`)
        return False
    parts = word.split("/")
    return (
        any(ch in word for ch in "*?[")
        or word.endswith("/")
        or word.startswith("/")
        or any(p.startswith(".") for p in parts)
        or _FILE_EXTENSION.search(parts[-1]) is not None
    )


def _switch_discards(flags: list[str]) -> bool:
    """`git switch -f` and `--discard-changes` throw away the changes not committed (a long
    option may be any prefix git takes)."""
    return "f" in flags or any(
        len(f) > 1 and ("force".startswith(f) or "discard-changes".startswith(f)) for f in flags
    )


def _restores_worktree(cmd: Command) -> bool:
    """`git restore` puts files of the work tree back, which loses their changes, unless it
    only unstages them (`--staged` without `--worktree`)."""
    flags = cmd.flags
    if "W" in flags or any(len(f) > 1 and "worktree".startswith(f) for f in flags):
        return True  # `--wor`: git takes a long option's unique prefix
    return not ("S" in flags or any(len(f) > 1 and "staged".startswith(f) for f in flags))


_SED_TEXT = frozenset("aic")
r"""sed commands whose text runs to the end of a line that does not end with `\` (`a text`,
`1a\` then lines of text): no command starts inside it."""
_SED_TO_LINE_END = frozenset("e#")
"""sed commands whose argument is the rest of the line (`e cmd`, a comment)."""
_SED_LABEL_END = re.compile(r"[;\s]")
"""Where the label of `:`, `b`, `t` or `T` ends, for GNU sed (`:a r f` reads `f`); BSD sed's
runs to the line's end, which hides commands rather than shows them."""


def _sed_delimited(script: str, i: int, brackets: bool = False) -> int:
    """Past the text that `script[i]`, a delimiter, opens and the next one not escaped closes
    (`/a\\/b/`). If the line or the script ends first, `~stop` (a negative number), where
    `stop` is where the scan ended: the caller goes on from there, so no character is scanned
    twice. With `brackets`, a delimiter inside a bracket expression is a character of it, as
    GNU and BSD sed read a regex (`s/[/]/x/w f` writes `f`); a sed that does not (busybox's)
    ends the regex there, and `sed_files` counts what either reading finds."""
    n = len(script)
    if i >= n or script[i] in "\\\n":
        return ~min(i, n)
    d = script[i]
    i += 1
    while i < n:
        c = script[i]
        if c == "\\":
            i += 2
        elif c == d:
            return i + 1
        elif c == "\n":
            return ~i
        elif c == "[" and brackets:
            i = _bracket_end(script, i)
            if i < 0:
                return i
        else:
            i += 1
    return ~n


def _bracket_end(script: str, i: int) -> int:
    """Past the bracket expression at `script[i]` (`[^]/]`, `[[:alpha:]/]`), or `~stop` if
    the line or the script ends first (see `_sed_delimited`)."""
    n = len(script)
    i += 1
    i += i < n and script[i] == "^"
    i += i < n and script[i] == "]"  # a `]` first is a character of the set
    while i < n and script[i] != "\n":
        c = script[i]
        if c == "]":
            return i + 1
        if c == "[" and i + 1 < n and script[i + 1] in ":.=":  # `[:alpha:]`, `[.-.]`, `[=e=]`
            line_end = _line_end(script, i + 2)
            close = script.find(script[i + 1] + "]", i + 2, line_end)
            if close < 0:
                return ~line_end
            i = close + 2
        else:
            i += 1
    return ~i


def _sed_address(script: str, i: int, brackets: bool) -> int:
    """Past the address at `script[i]`, if there is one (`3`, `$`, `0~4`, `/re/I`,
    `\\,re,`), or `~stop` if its regex is not closed (see `_sed_delimited`)."""
    n = len(script)
    if script[i] in "/\\":
        i = _sed_delimited(script, i + (script[i] == "\\"), brackets)
        while 0 <= i < n and script[i] in "IM":
            i += 1
        return i
    while i < n and (script[i].isdigit() or script[i] in "$~"):
        i += 1
    return i


def _sed_script_files(script: str, reads: list[str], writes: list[str], brackets: bool) -> None:
    """Add to `reads` and `writes` the files `script` names (`r .env`, `1R f`, `$w out`,
    `/a/I r f`, `s/a/b/w out`). The script is read as GNU sed reads it, once from start to
    end: each command's address or two and `!`, then the command, whose argument is a regex
    (`s/;w x/y/` writes nothing), a label, or a file or text to the line's end; a regex's
    brackets read whole if `brackets`. A regex not closed makes sed refuse the script; the
    reading goes on at the next line all the same, so that no reading of it hides a command."""
    n = len(script)
    i = 0
    while i < n:
        if script[i] in " \t\n;{}!":
            i += 1
            continue
        i = _sed_address(script, i, brackets)
        while 0 <= i < n and script[i] in " \t":
            i += 1
        if 0 <= i < n and script[i] == ",":
            i += 1
            while i < n and script[i] in " \t":
                i += 1
            if i < n and script[i] in "+~":
                i += 1
            if i < n:
                i = _sed_address(script, i, brackets)
        while 0 <= i < n and script[i] in " \t!":
            i += 1
        if i < 0:  # an address not closed
            i = ~i
            continue
        if i >= n:
            return
        command = script[i]
        if command in "sy":  # a pattern and a replacement, each ended by the delimiter
            # a bracket expression is read as such in `s`'s pattern only, not in its replacement
            i = _sed_delimited(script, i + 1, brackets and command == "s") if i + 1 < n else ~n
            i = _sed_delimited(script, i - 1) if i > 0 else i
            if i < 0:
                i = ~i
                continue
            # GNU sed takes blanks between the flags (`s/x/y/ i w f`)
            while command == "s" and i < n and (script[i] in "gpiImMe \t" or script[i].isdigit()):
                i += 1
            if command == "s" and i < n and script[i] == "w":
                i = _sed_file(script, i + 1, writes)
        elif command in "rRwW":
            i = _sed_file(script, i + 1, reads if command in "rR" else writes)
        elif command in _SED_TEXT:
            i = _text_end(script, i)
        elif command in _SED_TO_LINE_END:
            i = _line_end(script, i)
        elif command in ":btT":
            i += 1
            while i < n and script[i] in " \t":
                i += 1
            found = _SED_LABEL_END.search(script, i)
            i = found.start() if found else n
        else:
            i += 1


def _line_end(script: str, i: int) -> int:
    """The index of the newline that ends the line `script[i]` is on, or the script's length."""
    end = script.find("\n", i)
    return len(script) if end < 0 else end


def _text_end(script: str, i: int) -> int:
    r"""The end of the text of `a`, `i` or `c` at `script[i]`: the first line end not escaped
    by a `\` (`1a\`, a newline, then `text\`, a newline, then `more`)."""
    n = len(script)
    end = _line_end(script, i)
    while end < n:
        slashes = 0
        while end - slashes > i and script[end - slashes - 1] == "\\":
            slashes += 1
        if slashes % 2 == 0:
            break
        i, end = end + 1, _line_end(script, end + 1)
    return end


def _sed_file(script: str, i: int, into: list[str]) -> int:
    """Add the file a command names, from `script[i]` to the line's end (GNU sed takes it all:
    `r .env; p` reads `.env; p`, another sed maybe `.env`); the index of that end."""
    end = _line_end(script, i)
    name = script[i:end].strip()
    if name:
        into.append(name)
        if ";" in name:
            into.append(name.partition(";")[0].rstrip())
    return end


def sed_files(cmd: Command) -> tuple[list[str], list[str]]:
    """(files read, files written) by a sed script's `r`/`R` and `w`/`W`/`s///w`: of the `-e`
    values, or of the first operand (a script from `-f FILE` is not seen). The same lists each
    time for one command: the shell and path facts both read them."""
    memo = cmd.__dict__
    found: tuple[list[str], list[str]] | None = memo.get("_sed_files")
    if found is not None:
        return found
    if any(
        f in ("e", "f") or (len(f) > 1 and ("expression".startswith(f) or "file".startswith(f)))
        for f in cmd.flags
    ):
        # `--expr=`, `--e`: GNU sed takes any prefix of a long option that no other shares
        scripts = option_values(cmd.args, "e", ("expression",), "efl", abbreviated=True)
    else:
        scripts = file_operands(cmd)[:1]
    reads: list[str] = []
    writes: list[str] = []
    for script in scripts:
        _sed_script_files(script, reads, writes, brackets=True)
        if "[" in script:  # and as a sed that reads no bracket expression would: either counts
            _sed_script_files(script, reads, writes, brackets=False)
    if len(reads) > 1 or len(writes) > 1:
        reads, writes = list(dict.fromkeys(reads)), list(dict.fromkeys(writes))
    memo["_sed_files"] = found = (reads, writes)
    return found


def file_operands(cmd: Command) -> list[str]:
    """Positional arguments, minus the values of options that take one (the same list each
    time for one command: several facts read it; do not change it)."""
    memo = cmd.__dict__
    found: list[str] | None = memo.get("_file_operands")
    if found is None:
        found = memo["_file_operands"] = _file_operands(cmd)
    return found


def _file_operands(cmd: Command) -> list[str]:
    values = VALUE_OPTIONS.get(cmd.program, frozenset())
    out: list[str] = []
    skip = ended = False
    for a in cmd.args:
        if skip:
            skip = False
        elif ended or not a.startswith("-") or a == "-":
            out.append(a)
        elif a == "--":
            ended = True
        elif a.startswith("--"):
            skip = "=" not in a and a[2:] in values
        else:
            skip = len(a) == 2 and a[1] in values
    return out


def option_files(cmd: Command) -> list[str]:
    """The files named by the values of the options of `READ_OPTIONS` (`grep -f F`,
    `grep -if F`, `--file=F`, `--fil F`: a long option may be cut short, unless that is
    another option's whole name), wherever they stand before `--`."""
    wanted = READ_OPTIONS.get(cmd.program)
    if wanted is None:
        return []
    flags = cmd.flags  # computed once per command, and mostly already
    if wanted.isdisjoint(flags) and not any(
        len(f) > 1 and any(w.startswith(f) for w in wanted) for f in flags
    ):  # `sed -n`: none of them, not even cut short
        return []
    values = VALUE_OPTIONS.get(cmd.program, frozenset()) | wanted
    short = "".join(name for name in wanted if len(name) == 1)  # one at most
    longs = tuple(name for name in wanted if len(name) > 1)
    valued = "".join(name for name in values if len(name) == 1)
    found = option_values(cmd.args, short, longs, valued, abbreviated=True, own=values)
    return [value for value in found if value]


def option_values(
    args: list[str],
    short: str,
    longs: tuple[str, ...],
    valued: str = "",
    abbreviated: bool = False,
    own: Collection[str] = (),
) -> list[str]:
    """Every value of an option given as `-gX`, `-g X`, `-g=X`, `--glob=X` or `--glob X`,
    the short one also at the end of a cluster (`-nHg X`): `valued` holds the program's short
    options that take a value, whose value ends a cluster. `abbreviated`: a long option may
    be any prefix of its name (GNU getopt's `--dir` for `--directories`), but for the names
    of other options in `own` (`--exclude` is not `--exclude-from` cut short)."""
    out: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            break
        if a[:2] == "--":
            name, eq, value = a[2:].partition("=")
            if name and (
                name in longs
                or (abbreviated and name not in own and any(long.startswith(name) for long in longs))
            ):
                if eq:
                    out.append(value)
                elif i < len(args):
                    out.append(args[i])
                    i += 1
            continue
        if a[:1] != "-" or len(a) < 2:
            continue
        for j in range(1, len(a)):
            letter = a[j]
            if letter != short and letter not in valued:
                continue
            value = a[j + 1 :]
            if not value and i < len(args):
                value = args[i]
                i += 1
            if letter == short:
                out.append(value[1:] if value[:1] == "=" else value)
            break
    return out


def write_targets(cmd: Command) -> list[str]:
    """Paths the command writes, deletes or creates (redirects included); the same list each
    time for one command (the shell and path facts both read it): do not change it."""
    memo = cmd.__dict__
    found: list[str] | None = memo.get("_write_targets")
    if found is None:
        program = cmd.program
        if not cmd.fills and (
            (program not in _WRITERS and not _versioned_tool(program))  # most: redirects at most
            # most git commands too: `format-patch` and `--output...` are its only writes
            or (
                program == "git"
                and "format-patch" not in cmd.args
                and "--output" not in " ".join(cmd.args)
                and not (cmd.stdin and "apply" in cmd.args)
            )
        ):
            redirects = cmd.redirects
            found = [p for p in dict.fromkeys(redirects) if p and p != "-"] if redirects else []
        else:
            found = _write_targets(cmd)
        memo["_write_targets"] = found
    return found


def _write_targets(cmd: Command) -> list[str]:
    program = cmd.program
    out = list(cmd.redirects)
    if program in _TOUCHERS:
        operands = file_operands(cmd)
        out.extend(operands[1:] if program in _MODE_FIRST else operands)
    elif program in _DESTINATION_LAST:
        operands = file_operands(cmd)
        target = _option(cmd, "t", "target-directory")
        if target is not None:
            out.append(target)
        elif len(operands) > 1:
            out.append(operands[-1])
        if program == "mv":  # moving a file away removes it from its place
            out.extend(operands if target is not None else operands[:-1])
    elif (program == "sed" and cmd.has_flag("in-place")) or (program == "perl" and "i" in cmd.flags):
        scripted = _option(cmd, "e", "expression") is not None or "f" in cmd.flags
        operands = file_operands(cmd)
        out.extend(operands if scripted else operands[1:])
    elif program == "dd":
        out.extend(a[3:] for a in cmd.args if a.startswith("of="))
    elif program in ("curl", "wget"):
        target = _option(cmd, "o", "output") if program == "curl" else _option(cmd, "O", "output-document")
        if target is not None:
            out.append(target)
    elif program == "git":  # `git diff --output=FILE`, `git format-patch -o DIR`
        # `format-patch` is among the arguments whenever it is the subcommand: most git
        # commands are judged without finding their subcommand.
        args = cmd.args
        patch = "format-patch" in args and cmd.subcommand == "format-patch"
        if cmd.stdin and "apply" in args and cmd.subcommand == "apply" and _applies(cmd):  # `git apply <<EOF`
            root = _option(cmd, "", "directory") or ""  # `--directory=D` puts D before every name
            out.extend(in_directory(root, diff_targets(cmd.stdin, _strip(cmd, 1))))
        if patch or any(a.startswith("--output") for a in args):
            short = "o" if patch else ""
            for long in ("output", "output-directory"):
                target = _option(cmd, short, long)
                if target is not None:
                    out.append(target)
    elif (tool := program if program in _BINUTILS else _versioned_tool(program)) in _BINUTILS:
        out.extend(_binutils_writes(tool, cmd.args))  # `objcopy -O binary a.elf OUT`, `ar rcs LIB x.o`
    elif program in _COMPILERS or tool:  # `gcc -o ~/.local/bin/ls x.c`
        target = _option(cmd, "o", "output")
        if target is not None and target[:1] != "-":  # not `-Xlinker -o -Xlinker PATH`'s
            out.append(target)
        out.extend(_linker_output(cmd.args))
        if program == "rustc":
            target = _option(cmd, "", "out-dir")
            if target is not None:
                out.append(target)
    elif program == "zig":
        out.extend(_zig_outputs(cmd))
    elif program == "history":
        out.extend(_history_file(cmd))
    elif program == "go" and cmd.subcommand in ("build", "test"):  # `go build -o ~/bin/git .`
        read = _after_options("go", cmd.subcommand, cmd.args, cmd.static[1:])[1]
        values = dict(read.values)  # the last of each, as go's flag package keeps it
        if "o" in values:  # relative to `-C DIR`, where go runs
            output = values["o"].value
            out.append(posixpath.join(values["C"].value, output) if "C" in values else output)
    elif program == "sort" or program == "unzip":  # `sort -o FILE`, `unzip a.zip -d DIR`
        target = _option(cmd, "o", "output") if program == "sort" else _option(cmd, "d", "")
        if target is not None:
            out.append(target)
    elif program == "tar":
        if not {"x", "extract", "get"}.isdisjoint(cmd.flags):
            target = _option(cmd, "C", "directory")  # where the archive is extracted
            if target is not None:
                out.append(target)
        out.extend(_tar_archive(cmd))  # `tar -cf OUT`, `tar czf OUT dir`: the archive written
    elif program == "patch":  # `patch FILE < fix.diff`, `patch -o OUT`, `patch -p1 <<EOF`
        out.extend(patch_writes(cmd))
    elif program in CODEX_PATCHERS:  # Codex's `apply_patch PATCH` or `apply_patch <<'EOF'`
        text = cmd.args[0] if cmd.args else cmd.stdin
        out.extend(codex_patch_files(text) if text else [UNKNOWN])
    elif program == "uniq" or program == "split":  # `uniq IN OUT`, `split FILE PREFIX`
        operands = file_operands(cmd)
        out.extend(operands[1:2])
    elif program in AWKS:  # `awk '{print > "out"}'`: the program names what it writes
        out.extend(t for t in awk_writes(cmd) if t not in HARMLESS_TARGETS)
    elif program == "find":
        if "delete" in cmd.flags:
            out.extend(find_starts(cmd.args)[:1] or ["."])
        out.extend(b for a, b in zip(cmd.args, cmd.args[1:], strict=False) if a in _FIND_WRITES)
    elif program in _TRANSFERS:  # `aws s3 sync s3://b ~`, `zip -r /tmp/x.zip src`, `7z x a.7z -o/etc`
        out.extend(_TRANSFERS[program](cmd))
    if program == "sed":  # `sed 'w out'`, `sed 's/a/b/w out'`: the files its script writes
        out.extend(t for t in sed_files(cmd)[1] if t not in HARMLESS_TARGETS)
    if cmd.fills:
        out = [f for p in out for f in ([p] if "{}" not in p else cmd.fills)]
        if "<stdin>" in cmd.fills and (program in _TOUCHERS or program in _DESTINATION_LAST):
            out.append("<stdin>")  # xargs adds the real operands at run time
    if not out:  # most commands write nothing
        return out
    harmless = HARMLESS_TARGETS if program in _WRITES_THROUGH else _STDIO
    return [p for p in dict.fromkeys(out) if p and p not in harmless]


def _applies(cmd: Command) -> bool:
    """False for a `git apply` that only reports (`--check`, `--stat`...) without `--apply`."""
    flags = cmd.flags
    return "apply" in flags or not any(f in flags for f in ("check", "stat", "numstat", "summary"))


def _strip(cmd: Command, default: int) -> int:
    """The `-pN`/`--strip=N` of `git apply`, else `default`."""
    count = strip_count(_option(cmd, "p", "strip"))
    return default if count is None else count


_FIND_WRITES = frozenset({"-fprint", "-fprint0", "-fprintf", "-fls"})
"""find actions that write the file named by their argument."""


def is_remote(word: str) -> bool:
    """`word` names a file on another machine: a URL (`s3://b`, `rsync://h/m`) or a host
    before a `:` (`host:/x`, `user@host:`, `remote:bucket`), not a local path (`./a:b`)."""
    if "://" in word:
        return True
    colon = word.find(":")
    if colon <= 0 or word[0] == "/":
        return False
    slash = word.find("/")
    return slash < 0 or colon < slash


_CLOUD_ACTIONS = {
    "aws": frozenset({"cp", "mv", "sync"}),
    "gsutil": frozenset({"cp", "mv", "rsync"}),
    "gcloud": frozenset({"cp", "mv", "rsync"}),
    "rclone": frozenset(
        {"copy", "sync", "move", "copyto", "moveto", "bisync", "copyurl", "delete", "deletefile", "purge",
         "rmdir", "rmdirs"}
    ),
}  # fmt: skip
"""The actions of cloud transfer tools that write local files, by program (`aws s3 ACTION`,
`gcloud storage ACTION`)."""
_CLOUD_ALL_WRITTEN = frozenset(
    {"mv", "move", "moveto", "bisync", "delete", "deletefile", "purge", "rmdir", "rmdirs"}
)
"""Actions that write, move away or delete every local path they are given, their sources too."""

_RCLONE_WRAPPERS = frozenset({"alias", "cache", "chunker", "compress", "crypt", "hasher"})
"""rclone backends that keep their files in the remote their `remote` option names, which
may be a local directory (`:alias,remote=/home/me:`)."""
_RCLONE_UNIONS = frozenset({"union", "combine"})
"""rclone backends over the remotes their `upstreams` option lists."""
_RCLONE_UPSTREAM_MODES = (":ro", ":nc", ":writeback")
"""What may end an upstream of rclone's `union` (`/home/me:ro`)."""
_RCLONE_PLACES = frozenset({"type", "remote", "upstreams"})
"""The options of a remote that say where its files are (`rclone_setup`)."""
RCLONE_PLACE_FLAGS = frozenset(
    [f"{backend}-remote" for backend in _RCLONE_WRAPPERS]
    + [f"{backend}-upstreams" for backend in _RCLONE_UNIONS]
)
"""rclone's flags that give a backend's `remote` or `upstreams` (`--alias-remote DIR`)."""

_CLOUD_VALUED = frozenset(
    {"profile", "region", "endpoint-url", "include", "exclude", "acl", "storage-class", "content-type",
     "cache-control", "content-encoding", "content-language", "content-disposition", "expires", "grants",
     "metadata-directive", "sse-kms-key-id", "page-size", "output", "query", "color", "cli-read-timeout",
     "cli-connect-timeout", "config", "filter", "filter-from", "include-from", "exclude-from", "files-from",
     "transfers", "checkers", "bwlimit", "max-age", "min-age", "max-size", "min-size", "max-depth",
     "max-transfer", "log-level", "stats", "retries", "low-level-retries", "order-by", "timeout",
     "contimeout", "user-agent", "project", "billing-project", "configuration", "account", "format",
     "verbosity", "ca-bundle", "website-redirect", "sse", "sse-c", "sse-c-key", "sse-c-copy-source",
     "sse-c-copy-source-key", "expected-size", "checksum-algorithm", "request-payer",
     "cli-binary-format", "s3-acl", "drive-chunk-size", "bind", "impersonate-service-account",
     "flags-file", "encryption-key", "decryption-keys", "client-cert", "client-key", "ca-cert",
     "bucket", "key", "range", "version-id", "tagging", "metadata", "copy-props", "kms-key",
     "custom-metadata", "additional-headers"}
) | RCLONE_PLACE_FLAGS  # fmt: skip
"""Long options of `aws`, `rclone` and `gcloud` whose value is the next word and names no file
written (`--exclude '*.tmp'`, `--profile p`, `--ca-bundle F`, read). Those that name one
(`--log-file`, `--backup-dir`) are not here: their value counts among the words written.
rclone's backend places (`--alias-remote DIR`) are read with the remotes (`rclone_setup`)."""


RCLONE_SERVE_VALUED = _CLOUD_VALUED | {
    "addr", "user", "pass", "htpasswd", "baseurl", "realm", "cert", "client-ca", "template", "salt",
    "auth-proxy", "vfs-cache-mode", "vfs-cache-max-age", "vfs-cache-max-size", "dir-cache-time",
    "poll-interval", "uid", "gid", "umask", "dir-perms", "file-perms", "server-read-timeout",
    "server-write-timeout", "max-header-bytes",
}  # fmt: skip
"""`_CLOUD_VALUED` and the options of `rclone serve` that take a value: only there, as gsutil
reads options first and takes the words after its operands as operands."""


def cloud_words(args: list[str], valued: frozenset[str] = _CLOUD_VALUED) -> tuple[list[str], list[str]]:
    """The operands of a cloud tool, less its options and the values of `valued`; and the
    values written inside an option not known (`--log-file=/etc/x`), which may be files the
    command writes."""
    words: list[str] = []
    joined: list[str] = []
    skip = ended = False
    for a in args:
        if skip:
            skip = False
        elif ended or a[:1] != "-" or a == "-":
            words.append(a)
        elif a == "--":
            ended = True
        elif a[:2] == "--":
            name, eq, value = a[2:].partition("=")
            if not eq:
                skip = name in valued
            elif value and name not in valued:
                joined.append(value)
    return words, joined


def _rclone_remote(word: str) -> tuple[str, dict[str, str], str] | None:
    """rclone's backend, options and path in an inline remote, `:backend,key=value,...:path`,
    read as rclone reads it: a value may be quoted with `"` or `'` (the quote doubled inside),
    so that a `,` or `:` in it is the value's; an option without `=` is `true`. None for a
    word rclone would not read as one."""
    size = len(word)
    at = 1
    while at < size and word[at] not in ",:":
        at += 1
    backend, options = word[1:at], {}
    while at < size and word[at] == ",":
        start = at + 1
        at = start
        while at < size and word[at] not in "=,:":
            at += 1
        key, value = word[start:at], "true"
        if at < size and word[at] == "=":
            at += 1
            quote = word[at : at + 1]
            if quote in ("'", '"'):
                parts = []
                while True:
                    close = word.find(quote, at + 1)
                    if close < 0:
                        return None
                    parts.append(word[at + 1 : close])
                    at = close
                    if word[at + 1 : at + 2] != quote:
                        break
                    parts.append(quote)
                    at += 1
                value, at = "".join(parts), at + 1
            else:
                start = at
                while at < size and word[at] not in ",:":
                    at += 1
                value = word[start:at]
        options[key] = value
    if at >= size or word[at] != ":":
        return None
    return backend, options, word[at + 1 :]


RcloneSetup = dict[str, str]
_NO_SETUP: RcloneSetup = {}


def rclone_setup(cmd: Command) -> RcloneSetup:
    """Where the remotes of an rclone command keep their files, as its flags and environment
    set it: a backend's option, `--alias-remote DIR` or `RCLONE_ALIAS_REMOTE=DIR`, as
    `:alias.remote`; a remote defined by variables (`RCLONE_CONFIG_X_TYPE=alias`,
    `RCLONE_CONFIG_X_REMOTE=DIR`), as `x.type` and `x.remote`. Options that a remote's word
    gives (`:alias,remote=DIR:`) come before these, as in rclone. Read once per command (its
    sources and what it writes both need it): do not change the result."""
    memo = cmd.__dict__
    found: RcloneSetup | None = memo.get("_rclone_setup")
    if found is None:
        found = memo["_rclone_setup"] = _rclone_setup(cmd)
    return found


def _rclone_setup(cmd: Command) -> RcloneSetup:
    setup: RcloneSetup = {}
    for assignment in cmd.env:
        name, _, value = assignment.partition("=")
        if name[:7] != "RCLONE_":
            continue
        key = name[7:].lower()
        if key[:7] == "config_":  # a remote's: `RCLONE_CONFIG_X_TYPE`
            section, _, option = key[7:].rpartition("_")
        else:  # a backend's: `RCLONE_ALIAS_REMOTE`
            section, _, option = (":" + key).rpartition("_")
            if option == "type":
                continue
        if section and option in _RCLONE_PLACES:
            setup[f"{section}.{option}"] = value
    args = cmd.args
    for i, a in enumerate(args):
        if a[:2] == "--":
            name, eq, value = a[2:].partition("=")
            if name in RCLONE_PLACE_FLAGS:
                if not eq:
                    value = args[i + 1] if i + 1 < len(args) else ""
                backend, _, option = name.rpartition("-")
                setup[f":{backend}.{option}"] = value
    return setup


def _rclone_upstreams(text: str) -> list[str]:
    """The upstreams of a `union` or `combine`: a list split at blanks, where an item may be
    quoted with `"` (the quote doubled inside) to hold a blank, as Go's CSV reader reads it."""
    if '"' not in text:
        return text.split()
    items = next(csv.reader([text], delimiter=" ", skipinitialspace=True), [])
    return [item for item in items if item]


def _rclone_local(word: str, setup: RcloneSetup) -> list[str]:
    """The local places an rclone remote reaches: `:local:/etc` is `/etc`; a wrapper
    (`_RCLONE_WRAPPERS`), a `union`, a `combine` or an `archive` over a local directory
    reaches its path there (`:alias,remote=/home/me:.ssh` is `/home/me/.ssh`). A remote
    without a `:` in front is one `setup` defines (`RCLONE_CONFIG_X_TYPE`), else remote."""
    inline = word[:1] == ":"
    remote = _rclone_remote(word if inline else ":" + word)
    if remote is None:
        return []
    backend, options, path = remote
    if inline:
        section = ":" + backend
    else:  # `x:path`, `x,opt=v:path`: a remote by name, its backend what `setup` says
        section = backend.lower()
        backend = setup.get(section + ".type", "")
    if backend == "local":
        return [path or "."]
    if backend == "archive":  # its path is a remote's, that of the archive it reads
        return local_paths((path,), setup) if path else []
    if backend in _RCLONE_WRAPPERS:
        bases = [options.get("remote") or setup.get(section + ".remote", "")]
    elif backend in _RCLONE_UNIONS:
        upstreams = _rclone_upstreams(options.get("upstreams") or setup.get(section + ".upstreams", ""))
        if backend == "union":
            bases = [
                next((u[: -len(m)] for m in _RCLONE_UPSTREAM_MODES if u.endswith(m)), u) for u in upstreams
            ]
        else:  # `name=upstream` each: the path's first name chooses one
            path = posixpath.normpath(path.strip("/")) if path.strip("/") else ""
            first, _, path = path.partition("/")
            pairs = [u.partition("=") for u in upstreams]
            bases = [u for name, _, u in pairs if first in ("", ".", name)]
    else:
        return []
    places = local_paths((base for base in bases if base), setup)
    return [f"{root.rstrip('/')}/{path.lstrip('/')}" if path.strip("/") else root for root in places]


def _local_places(word: str, setup: RcloneSetup) -> list[str]:
    """The local paths a cloud tool's operand names, none for a remote one: `file:///etc/x`
    (gsutil, gcloud) is `/etc/x`; rclone's remotes are read by `_rclone_local` (`setup`:
    `rclone_setup`), `:local:/etc/x` is `/etc/x`; a URL or `host:path` is remote."""
    if word[:7] == "file://":
        return [word[7:] or "/"]
    if word[:1] == ":" or (setup and ":" in word):
        places = _rclone_local(word, setup)
        if places or word[:1] == ":":
            return places
    return [] if is_remote(word) else [word]


def local_path(word: str, setup: RcloneSetup = _NO_SETUP) -> str | None:
    """The local path a cloud tool's operand names (`_local_places`: the first), None for a
    remote one."""
    places = _local_places(word, setup)
    return places[0] if places else None


def local_paths(words: Iterable[str], setup: RcloneSetup = _NO_SETUP) -> list[str]:
    """The local paths among a cloud tool's operands (`_local_places`: every one a `union` of
    rclone reaches)."""
    return [path for word in words for path in _local_places(word, setup)]


def _cloud_action(program: str, words: list[str]) -> int:
    """Where the action is among the words of a cloud tool (`len(words)` if it has none)."""
    if program == "aws":
        return words.index("s3") + 1 if "s3" in words else len(words)
    if program == "gcloud":  # `gcloud storage cp`, `gcloud alpha storage cp`, `--flag value storage cp`
        return words.index("storage", 0, 3) + 1 if "storage" in words[:3] else len(words)
    actions = _CLOUD_ACTIONS[program]
    return next((i for i, word in enumerate(words) if word in actions), len(words))


def _cloud_writes(cmd: Command) -> list[str]:
    """The local paths a cloud transfer writes (`aws s3 cp|mv|sync`, `gsutil cp|mv|rsync`,
    `gcloud storage cp|mv|rsync`, `rclone copy|sync|move...`): its destination, unless it is
    remote (`s3://b`, `gs://b`, `remote:x`), and the sources of a move, which leave their
    place. `aws`, `gcloud` and `rclone` take options after their paths, and the value of
    one not known (`_CLOUD_VALUED`) cannot be told apart from a path: every local word after
    a local destination counts. gsutil reads its options first, so its last word is the
    destination; with `-I` (sources read from stdin) it is the only word."""
    program = cmd.program
    words, joined = cloud_words(cmd.args)
    if program == "gsutil":  # an option's name after the operands is an operand: no value skipped
        words = cmd.positionals()
    if program == "aws" and "s3api" in words:
        return _s3api_writes(words, joined)
    at = _cloud_action(program, words)
    if at >= len(words) or words[at] not in _CLOUD_ACTIONS[program]:
        return []
    operands = words[at + 1 :]
    flags = cmd.flags
    setup = rclone_setup(cmd) if program == "rclone" else _NO_SETUP
    from_stdin = program in ("gsutil", "gcloud") and ("I" in flags or "read-paths-from-stdin" in flags)
    if words[at] in _CLOUD_ALL_WRITTEN:
        written = operands
    elif from_stdin or program == "gsutil":
        written = operands[-1:] if from_stdin or len(operands) > 1 else []
    elif len(operands) > 1 and local_path(operands[1], setup) is None:
        written = []  # an upload: what follows a remote destination is options' values
    else:
        written = operands[1:]
    return local_paths((*written, *joined), setup)


def _s3api_writes(words: list[str], joined: list[str]) -> list[str]:
    """The file `aws s3api get-object ... OUTFILE` writes: its last word."""
    if "get-object" not in words or words.index("get-object") + 1 >= len(words):
        return joined
    return local_paths((words[-1], *joined))


def _destination_last(cmd: Command) -> list[str]:
    """The local destination of `s3cmd get|sync`, `s5cmd cp|mv|sync`, `mc cp|mv|mirror` and
    `azcopy copy|sync`: their last word, when it is not remote; the sources of a move too."""
    words = cloud_words(cmd.args)[0]
    action = next((i for i, word in enumerate(words) if word in _LAST_ACTIONS[cmd.program]), -1)
    operands = words[action + 1 :] if action >= 0 else []
    if len(operands) < 2:
        return []
    written = operands if words[action] == "mv" else operands[-1:]
    return local_paths(written)


_LAST_ACTIONS = {
    "s3cmd": frozenset({"get", "sync"}),
    "s5cmd": frozenset({"cp", "mv", "sync"}),
    "mc": frozenset({"cp", "mv", "mirror"}),
    "azcopy": frozenset({"copy", "cp", "sync"}),
}
"""The actions that copy to the last word they are given, by program."""


def _az_writes(cmd: Command) -> list[str]:
    """What `az storage blob download -f FILE` and `download-batch -d DIR` write."""
    if "download" in cmd.args:
        return [v for v in (_option(cmd, "f", "file"),) if v is not None]
    if "download-batch" in cmd.args:
        return [v for v in (_option(cmd, "d", "destination"),) if v is not None]
    return []


_ZIP_VALUED = frozenset(
    {"b", "n", "t", "tt", "O", "out", "output-file", "P", "password", "s", "split-size", "Z",
     "compression-method", "ds", "lf", "logfile-path", "temp-path", "suffixes"}
)  # fmt: skip
"""zip's options that take the next word as their value."""
_ZIP_LISTS = frozenset({"x", "i", "exclude", "include"})
"""zip's options followed by a list of name patterns, up to the next option."""


def zip_words(args: list[str]) -> list[str]:
    """The operands of `zip ARGS`, the archive first: its words less its options, their
    values (`_ZIP_VALUED`) and the name patterns of `-x` and `-i`."""
    words: list[str] = []
    listing = False
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a[:1] == "-" and len(a) > 1:
            name = a.lstrip("-")
            listing = name in _ZIP_LISTS
            if name in _ZIP_VALUED:
                i += 1
            continue
        if not listing:
            words.append(a)
    return words


def _zip_writes(cmd: Command) -> list[str]:
    """The archive `zip` writes, its first operand, and the new archive of `-O` (`--out`);
    with `-m` (`--move`) the files it takes too, which it deletes. `-sf` only lists."""
    flags = cmd.flags
    if "-sf" in cmd.args or "show-files" in flags:
        return []
    words = zip_words(cmd.args)
    out = words if "m" in flags or "move" in flags else words[:1]
    for short, long in (("O", "out"), ("", "output-file")):
        if (short and short in flags) or long in flags:
            target = _option(cmd, short, long)
            if target is not None:
                out.append(target)
    return out


_SEVEN_ZIP_ARCHIVES = frozenset({"a", "u", "d", "rn"})
"""7-Zip's commands that write the archive they are given."""
_SEVEN_ZIP_EXTRACTS = frozenset({"x", "e"})
"""7-Zip's commands that extract, into the directory of `-oDIR` (the cwd without one)."""


def _seven_zip_writes(cmd: Command) -> list[str]:
    """What `7z` writes: the archive of `7z a|u|d|rn ARCHIVE` (and with `-sdel` the files it
    takes, which it deletes), or the directory `7z x|e` extracts into: `-o/etc` (a `-o` alone
    takes the next word, as a mistyped call may mean it), else the cwd."""
    words = cmd.positionals()
    command = words[0].lower() if words else ""
    if command in _SEVEN_ZIP_ARCHIVES:
        return words[1:] if "-sdel" in cmd.args else words[1:2]
    if command not in _SEVEN_ZIP_EXTRACTS:
        return []
    args = cmd.args
    out: list[str] = []
    for i, a in enumerate(args):
        if a[:2] in ("-o", "-O"):
            out.append(a[2:] if len(a) > 2 else (args[i + 1] if i + 1 < len(args) else ""))
    return out or ["."]


_TRANSFERS = {
    "aws": _cloud_writes,
    "gsutil": _cloud_writes,
    "gcloud": _cloud_writes,
    "rclone": _cloud_writes,
    "zip": _zip_writes,
    "7z": _seven_zip_writes,
    "7za": _seven_zip_writes,
    "7zr": _seven_zip_writes,
    "7zz": _seven_zip_writes,
    "s3cmd": _destination_last,
    "s5cmd": _destination_last,
    "mc": _destination_last,
    "azcopy": _destination_last,
    "az": _az_writes,
}
"""Programs that download, sync, archive or extract into a path their arguments name, by the
rule that finds it."""
_WRITERS = _TOUCHERS | _DESTINATION_LAST | {"sed", "perl", "dd", "curl", "wget", "git", "find", "sort"}
_WRITERS |= {"unzip", "tar", "patch", "uniq", "split", "go", "zig", "history", *_BINUTILS}
_WRITERS |= {*_COMPILERS, *AWKS, *CODEX_PATCHERS, *_TRANSFERS}
WRITING_PROGRAMS = frozenset(_WRITERS)
"""Programs whose arguments may name a file they write; any other writes by redirects only."""


def _tar_archive(cmd: Command) -> list[str]:
    """The archive `tar` creates or appends to: `-f`/`--file` of a `-c`, `-r`, `-u` or `-A`,
    or the word after an old-style cluster without a dash (`tar czf out.tgz dir`)."""
    args = cmd.args
    if args and not args[0].startswith("-") and args[0].isalpha():  # old style: `czf`
        cluster = args[0]
        if not set(cluster) & set("cruA") or "f" not in cluster:
            return []
        takes = [c for c in cluster if c in "fbCgKLNTV"]  # options whose value follows, in order
        index = 1 + takes.index("f")
        return args[index : index + 1]
    if {"c", "create", "r", "append", "u", "update", "A", "catenate", "concatenate"}.isdisjoint(cmd.flags):
        return []
    for i, arg in enumerate(args):  # a cluster ending in f takes the next word: `-czf out.tgz`
        if arg[:1] == "-" and arg[1:2] != "-" and arg[1:].isalpha() and arg.endswith("f") and len(arg) > 2:
            return args[i + 1 : i + 2]
    target = _option(cmd, "f", "file")
    return [target] if target is not None else []


"""Programs whose arguments may name a file they write (`_write_targets` reads them)."""


def find_starts(args: list[str]) -> list[str]:
    """The start paths of `find ARGS` (before the expression); find's tests hold patterns,
    names and numbers (`-name '*.json'`), not paths it reads."""
    i = 0
    while i < len(args) and (args[i] in ("-H", "-L", "-P", "-D") or args[i][:2] == "-O"):
        i += 2 if args[i] == "-D" else 1
    out: list[str] = []
    for a in args[i:]:
        if a.startswith(("-", "(", "!", ")", ",")):
            break
        out.append(a)
    return out


def _option(cmd: Command, short: str, long: str) -> str | None:
    """The value of option `-short`/`--long` (`-o F`, `-oF`, `--output F`, `--output=F`);
    an empty `short` or `long` means the option has no such form."""
    args = cmd.args
    names = tuple(n for n in (short and f"-{short}", long and f"--{long}") if n)
    for i, a in enumerate(args):
        if a in names and i + 1 < len(args):
            return args[i + 1]
        if long and a.startswith(f"--{long}="):
            return a.split("=", 1)[1]
        if short and len(a) > 2 and a[1] == short and a[0] == "-":  # `-oFILE`
            return a[2:]
    return None
