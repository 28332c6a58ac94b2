"""The `path` analyzer: the paths a call touches, whether they stay in the workspace, secrets.

Paths come from the usual path arguments of file tools (`file_path`, `path`, `paths`...,
also spelt `filePath`), from `file:` URLs (`url`, `uri`), from the files a Codex patch text
names (`input`, `patch`), from Glob/Grep patterns, and for shell tools from the file
operands and redirect targets of every command.  A Windows path (`C:\\Users\\u\\.env`) is
read as Windows opens it, in the form `/C:/Users/u/.env`.  Which paths are sensitive is
data in `_sensitive.py`.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from mypy_extensions import mypyc_attr

from ..celrt_core import CelObject
from ._awk import AWKS, awk_files
from ._command import Command
from ._facts import (
    RCLONE_SERVE_VALUED,
    WRITING_PROGRAMS,
    RcloneSetup,
    cloud_words,
    file_operands,
    find_starts,
    local_paths,
    option_files,
    option_values,
    rclone_setup,
    sed_files,
    write_targets,
    zip_words,
)
from ._facts import is_remote as _remote
from ._lazy import lazy
from ._patch import CODEX_PATCHERS, codex_patch_files
from ._programs import (
    FILE_READERS,
    GLOBAL_VALUE_OPTIONS,
    MODE_FIRST,
    NAME_LISTS,
    PATTERN_FIRST,
    READ_OPTIONS,
    SCRIPT_FIRST,
)
from ._sensitive import (
    CREDENTIAL_COMMANDS,
    SENSITIVE_WORDS,
    credential_store,
    holds_sensitive,
    is_sensitive,
    kept_outside,
    lists_sensitive,
    names_sensitive,
    star_secrets,
)
from .shell import ShellFacts, is_inside, normal_dir, resolve

__all__ = ["PathFacts", "path_facts"]

PATH_KEYS = (
    "file_path",
    "path",
    "notebook_path",
    "paths",
    "filename",
    "file",
    "files",
    "directory",
    "dir",
    "target",
    "source",
    "destination",
    "absolute_path",
    "target_file",
    "relative_workspace_path",
    "filepath",
)
"""Argument names that hold a path or a list of paths."""

_PATH_KEY_ORDER = {key: i for i, key in enumerate(PATH_KEYS)}
_PATH_KEY_SET = frozenset(PATH_KEYS)
_FOLDED_KEYS = {key.replace("_", ""): key for key in PATH_KEYS}
"""`PATH_KEYS` by their letters alone: `filePath` and `FilePath` are `file_path`."""
URL_KEYS = ("url", "uri", "href", "link")
"""Argument names that may hold a `file:` URL, which names a local file (`file:///etc/passwd`)."""
_URL_KEY_SET = frozenset(URL_KEYS)
PATCH_KEYS = ("input", "patch")
"""Argument names that may hold a Codex `apply_patch` text, which names the files it writes."""
_PATCH_KEY_SET = frozenset(PATCH_KEYS)
_PATCHER_KEY_SET = frozenset((*PATCH_KEYS, "command"))
"""The argument names that hold the patch of a tool named `apply_patch`: Codex's hooks give
its text as `command` (`tool_input.command`), its traces as `input`."""
_NO_SHELL = ShellFacts()
"""The shell facts of a call that runs no shell command."""

GLOB_TOOLS = frozenset({"Glob", "glob", "Grep", "grep", "search_file_content", "find_files"})
LISTING_TOOLS = frozenset({"Glob", "glob", "find_files"})
"""Tools that list the names their pattern matches and read no file (`_listed`)."""
SEARCH_TOOLS = frozenset({"Grep", "grep", "search_file_content", "grep_search"})
"""Tools that read every file under their `path`, the cwd when they name none: a search
rooted where secrets lie reads them (`_searched`)."""
MAX_PATHS = 1_000
_HOME_VAR = re.compile(r"^(\$HOME|\$\{HOME\})(?=/|$)")
_DRIVE = re.compile(r"^[A-Za-z]:(?=[\\/]|$)")
"""A Windows drive at the start of a path (`C:\\`, `c:/`)."""
_FILE_URL = re.compile(r"^file:", re.I)
"""A `file:` URL, which names a local file."""
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")  # holds `://`: tested first, cheaply
_CLIMBS = re.compile(r"(?:^|/)\.\.(?:/|$)")
"""A `..` part: a word shaped like a URL that climbs (`a://../../.ssh/id_rsa`), given to a
program that opens files (a reader's operand, a file tool's path, what `open()` names), is
the path the kernel opens from a folder named `a:`. Words of other programs (`curl`,
`echo`) shaped like a URL are never paths."""
_SPACE = re.compile(r"\s")  # the characters `str.isspace` accepts, no more, no fewer


@mypyc_attr(native_class=False)  # its `lazy` facts are stored in the instance's __dict__
class PathFacts(CelObject):
    """The paths of one call, made absolute against the call's cwd when it is known."""

    cel_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "paths",
            "first",
            "inside_workspace",
            "outside",
            "sensitive",
            "sensitive_paths",
            "first_sensitive",
        }
    )
    paths: list[str]
    first: str
    sensitive: bool
    sensitive_paths: list[str]
    first_sensitive: str
    _cwd: str | None
    _unresolved: frozenset[str]
    _workspace: str | None = None
    """The root of the project when it is not the cwd (`path_facts`'s `workspace`)."""

    def __init__(
        self, paths: list[str] | None = None, cwd: str | None = None, unresolved: frozenset[str] = frozenset()
    ) -> None:
        paths = paths or []
        _fill(self, paths, _secrets(paths, cwd), cwd, unresolved)

    # Computed on first read: most policies ask about secrets, fewer about the workspace.
    @lazy
    def outside(self) -> list[str]:
        """Paths that may lie outside the workspace (the project's root, the cwd when no other
        is given); unresolved ones count."""
        if not self.paths:
            return []
        base = self._workspace or self._cwd
        root = (base if normal_dir(base) else posixpath.normpath(base)) if base else None
        unresolved = self._unresolved
        kept = kept_outside(root) if root is not None else None
        if kept is None:
            return [p for p in self.paths if p in unresolved or not _inside(p, root)]
        # A workspace that holds a home (it is `~`, `/home`, `/`) does not hold what the
        # home keeps for later, nor one that is `/` or the system's (`/etc`) its files.
        return [p for p in self.paths if p in unresolved or not _inside(p, root) or kept(p)]

    @lazy
    def inside_workspace(self) -> bool:
        """Every path lies in the workspace."""
        return not self.outside


def _fill(
    facts: PathFacts, paths: list[str], sensitive: list[str], cwd: str | None, unresolved: frozenset[str]
) -> PathFacts:
    """Set the facts of `paths`, `sensitive` being those of them that are sensitive."""
    facts._cwd = cwd
    facts._unresolved = unresolved
    facts.paths = paths
    facts.first = paths[0] if paths else ""
    facts.sensitive_paths = sensitive
    facts.sensitive = bool(sensitive)
    facts.first_sensitive = sensitive[0] if sensitive else ""
    return facts


_new = PathFacts.__new__


def _no_paths(cwd: str | None) -> PathFacts:
    return _fill(_new(PathFacts), [], [], cwd, _NONE)


def path_facts(
    tool: str,
    args: Mapping[str, Any],
    cwd: str | None,
    shell: ShellFacts | None,
    workspace: str | None = None,
) -> PathFacts:
    """Collect and judge the paths of a call (`shell`: its shell facts, None if it runs no
    shell command). Never raises.

    Relative paths resolve against `cwd`; `outside` and `inside_workspace` are measured
    against `workspace`, the project's root, which is the cwd when not given: an agent that
    changed directory into a folder of its project still works in the whole project.

    The facts of a shell command are kept on its `ShellFacts` (by the argument paths and the
    directory), so a command parsed once (`ParseCache`) is judged once: treat them as read-only.
    Those kept facts do not depend on the workspace; another one is judged on a copy.
    """
    facts = cwd_path_facts(tool, args, cwd, shell)
    if workspace is None or workspace == cwd:  # the common case: the cwd is the root
        return facts
    return rooted(facts, workspace)


def rooted(facts: PathFacts, workspace: Any) -> PathFacts:
    """`facts` with `outside` measured against `workspace` (a copy: `facts` may be shared).
    A workspace that is not text, or empty, is no workspace: the cwd stays the root."""
    try:
        if not isinstance(workspace, str) or not workspace:
            return facts
        if workspace[0] != "/" and _is_windows(workspace.strip()):
            workspace = _windows(workspace.strip())
        if workspace == facts._cwd:
            return facts
        rooted = _fill(_new(PathFacts), facts.paths, facts.sensitive_paths, facts._cwd, facts._unresolved)
        rooted._workspace = workspace
        return rooted
    except Exception:  # as `path_facts`: a bug here fails closed
        return _fill(_new(PathFacts), [_UNKNOWN], [_UNKNOWN], None, frozenset((_UNKNOWN,)))


def cwd_path_facts(
    tool: str, args: Mapping[str, Any], cwd: str | None, shell: ShellFacts | None
) -> PathFacts:
    """`path_facts` with the cwd as the workspace (what a guard calls, then `rooted` when the
    call gives another root: one call less for the common case)."""
    try:
        if not isinstance(cwd, str) or not cwd:
            cwd = None
        elif cwd[0] != "/" and _is_windows(cwd.strip()):  # an absolute POSIX cwd never is
            cwd = _windows(cwd.strip())
        if shell is None or not isinstance(shell, ShellFacts):
            shell = _NO_SHELL
        runs = bool(shell.commands or shell.bare_writes)
        patch_keys = _PATCHER_KEY_SET if tool in CODEX_PATCHERS else _PATCH_KEY_SET
        if type(args) is dict and tool not in GLOB_TOOLS:
            keys = _PATH_KEY_SET.intersection(args)  # a shell call's `{"command": ...}`: none
            if not keys:
                named: tuple[str, ...] = ()
                more = _more_paths(args, patch_keys)
            elif len(keys) == 1:
                (name,) = keys
                value = args[name]
                more = _more_paths(args, patch_keys)
                if type(value) is str and not runs and not more:  # a file tool's one `file_path`
                    return _one(value, cwd, cwd or shell.cwd)
                named = tuple(_arg_paths(tool, args, keys))
            else:
                more = _more_paths(args, patch_keys)
                named = tuple(_arg_paths(tool, args, sorted(keys, key=_PATH_KEY_ORDER.__getitem__)))
            if more:
                named = (*named, *_other_paths(args, patch_keys))
        elif isinstance(args, Mapping):
            named = tuple(_arg_paths(tool, args, _path_keys(args)))
            if _more_paths(args, patch_keys):
                named = (*named, *_other_paths(args, patch_keys))
        else:
            named = ()
        if UNREADABLE in named or TOO_MANY in named:
            return _unreadable(named, cwd, shell)
        if not runs:
            facts = _judge(named, cwd, shell) if named else _no_paths(cwd or shell.cwd)
            if tool in SEARCH_TOOLS:
                return _searched(facts, args, cwd)
            return _listed(facts) if facts.sensitive and tool in LISTING_TOOLS else facts
        kept: _Judged = shell.__dict__.setdefault("_path_facts", {})
        key = (named, cwd) if named else cwd  # a shell call names no path: its cwd is the key
        found = kept.get(key)
        if found is None:
            found = _judge(named, cwd, shell)
            if len(kept) < 8:
                kept[key] = found
        return found
    except Exception:  # a bug here must become a fact, never reach the agent: one that fails closed
        return _fill(_new(PathFacts), [_UNKNOWN], [_UNKNOWN], None, frozenset((_UNKNOWN,)))


_UNKNOWN = "?<path facts: internal error>"
"""The path of a call whose paths could not be found: sensitive, and outside any workspace."""


_NONE: frozenset[str] = frozenset()

_Judged = dict[tuple[tuple[str, ...], str | None] | str | None, PathFacts]
"""The path facts of one shell command, by the paths its arguments name and the directory
(by the directory alone when they name none)."""


UNREADABLE = "?<a path argument that is not text>"
"""Stands for the value of a path argument that is neither text nor a list of texts
(`{"file_path": {"p": "/root/.bashrc"}}`): the file it names cannot be told, so it may be
any file, a secret or one outside the workspace."""


TOO_MANY = "?<more paths than remit reads>"
"""Stands for the paths past the first `MAX_PATHS` of a call, which are not judged (the cost
of a call stays bounded): one of them may be a secret, or lie outside the workspace."""
_MARKERS = (UNREADABLE, TOO_MANY)


def _unreadable(named: tuple[str, ...], cwd: str | None, shell: ShellFacts) -> PathFacts:
    """The facts of a call whose path arguments hold `UNREADABLE` or `TOO_MANY`: those of its
    other paths, and each marker, sensitive and unresolved."""
    facts = _judge(tuple(p for p in named if p not in _MARKERS), cwd, shell)
    return _marked(facts, [m for m in _MARKERS if m in named and m not in facts.paths])


def _marked(facts: PathFacts, markers: list[str]) -> PathFacts:
    """`facts` with `markers` (`_MARKERS`) among its paths, sensitive and unresolved."""
    if not markers:
        return facts
    paths, sensitive = [*facts.paths, *markers], [*facts.sensitive_paths, *markers]
    return _fill(_new(PathFacts), paths, sensitive, facts._cwd, facts._unresolved.union(markers))


def _secrets(paths: list[str], cwd: str | None) -> list[str]:
    """The sensitive ones of `paths`. Another user's home is sensitive, root's (`/root`)
    among them, unless the call runs in it (`_in_root_home`): `/root` is then judged as `~`
    is (its `.ssh`, `.bashrc`...), so that its workspace (`/root/repo`) is not taken for a
    secret."""
    if not _in_root_home(cwd):
        return list(filter(is_sensitive, paths))
    return [p for p in paths if is_sensitive(_as_home(p))]


def _listed(facts: PathFacts) -> PathFacts:
    """The facts of a listing tool's call (`LISTING_TOOLS`): it reads no file, so a path is
    sensitive only if a listing of it is (`lists_sensitive`): `~/.ssh/*` and `**/.env` name
    secrets, a broad pattern over a home (`/home/me/**/*`) does not."""
    root_home = _in_root_home(facts._cwd)
    kept = [
        p for p in facts.sensitive_paths if p in _MARKERS or lists_sensitive(_as_home(p) if root_home else p)
    ]
    if len(kept) == len(facts.sensitive_paths):
        return facts
    return _fill(_new(PathFacts), facts.paths, kept, facts._cwd, facts._unresolved)


def _in_root_home(cwd: str | None) -> bool:
    """An agent whose directory is under `/root` runs as root, and `/root` is its own home.
    The directory is judged in its normal form: `/root/../etc` is not root's home."""
    if cwd is None or "/root" not in cwd:  # no spelling of root's home: the common case
        return False
    if not normal_dir(cwd):
        cwd = posixpath.normpath(cwd)
    return cwd == "/root" or cwd.startswith("/root/")


def _as_home(path: str) -> str:
    """A path under `/root` written from `~`, for an agent whose home it is."""
    return "~" + path[5:] if path == "/root" or path.startswith("/root/") else path


def _searched(facts: PathFacts, args: Mapping[str, Any], cwd: str | None) -> PathFacts:
    """The facts of a search tool's call (`SEARCH_TOOLS`): it reads every file under its
    `path`, or under the cwd when it names none (no root when neither is known), unless a
    name pattern keeps it to harmless files (`glob: "*.py"`)."""
    root = args.get("path")
    if ("glob" in args or "include" in args or "type" in args) and _tool_narrowed(args):
        return facts
    if type(root) is not str or not root.strip():
        if cwd is None:
            return facts
        root = cwd
    if normal_dir(root):  # its own normal form, `/repo/src`
        roots = [(root, True)]
    elif cwd is not None and _plain_relative(root) and normal_dir(cwd):
        roots = [(f"{cwd}/{root}", True)]  # `src` in `/repo`: what `_normalise` gives, without its work
    else:
        roots = [(path, True) for path in _normalise(root, None, cwd)]
    return _with_roots(facts, roots)


def _with_roots(facts: PathFacts, roots: list[tuple[str, bool]]) -> PathFacts:
    """`facts` with the directories a call searches (each with whether the search reads
    hidden entries): one that holds secrets (`holds_sensitive`: `~`, `/`, `/etc`) counts as
    read, and so as sensitive, like the secrets it reaches without naming them; so does one
    that is a secret itself (`~/.ssh`), which a word may name only in part
    (`:alias,remote=/home/me:.ssh`, rclone's remote over a local directory)."""
    cwd = facts._cwd
    root_home = _in_root_home(cwd)
    if cwd is not None and cwd[:1] == "/" and not normal_dir(cwd):
        cwd = posixpath.normpath(cwd)  # `/repo/`, `/home/me/.worktrees/repo`
    within = (_as_home(cwd) if root_home else cwd) if cwd is not None and cwd[:1] == "/" else None
    hits: list[str] = []
    for root, hidden in roots:
        place = _as_home(root) if root_home else root
        if _holds(place, hidden, within) or is_sensitive(place):
            hits.append(root)
    if not hits:
        return facts
    paths = list(dict.fromkeys([*facts.paths, *hits]))
    sensitive = list(dict.fromkeys([*facts.sensitive_paths, *hits]))
    return _fill(_new(PathFacts), paths, sensitive, facts._cwd, facts._unresolved)


_HELD: dict[tuple[str, bool, str | None, str], bool] = {}
"""`holds_sensitive` by directory, cwd and the process's home, which it may read: a
workspace is searched again and again."""


def _holds(directory: str, hidden: bool, within: str | None) -> bool:
    """`holds_sensitive(directory, hidden, within)`, kept."""
    key = (directory, hidden, within, os.environ.get("HOME", ""))
    found = _HELD.get(key)
    if found is None:
        if len(_HELD) >= 256:
            _HELD.clear()
        found = _HELD[key] = holds_sensitive(directory, hidden, within)
    return found


HARMLESS_TYPES = frozenset(
    {
        "py",
        "python",
        "js",
        "ts",
        "typescript",
        "rust",
        "go",
        "java",
        "kotlin",
        "scala",
        "swift",
        "c",
        "cpp",
        "cs",
        "php",
        "html",
        "css",
        "markdown",
        "md",
        "lua",
        "haskell",
        "elixir",
        "erlang",
        "dart",
        "zig",
    }
)
"""ripgrep file types (`-t py`, a Grep tool's `type`) whose files bear no secret's name. Not
`all` (every type, `sh` among them, which holds `.bashrc`), `sh`, `json`, `yaml`, `toml`,
`config`, nor a type an agent defines (`--type-add`)."""


def _tool_narrowed(args: Mapping[str, Any]) -> bool:
    """A search tool's name filters keep it to files of harmless names: its `glob` (Claude
    Code's) and `include` (Gemini's) patterns as `_narrowed_by` reads them, and its `type`
    one of `HARMLESS_TYPES`. Each filter given must be harmless, and one must narrow: a
    `!`-glob only leaves files out."""
    patterns = [args[key] for key in ("glob", "include") if args.get(key) is not None]
    kind = args.get("type")
    if kind is not None and (type(kind) is not str or kind.strip().lower() not in HARMLESS_TYPES):
        return False
    if kind is None:
        return _narrowed_by(*patterns)
    return all(type(p) is str and _harmless_pieces(p) is not None for p in patterns)


def _narrowed_by(*patterns: Any) -> bool:
    """The name patterns given (None for one not given) keep a search to files of harmless
    names: some piece (`_glob_pieces`) includes files, and none that does may match a
    sensitive name (`names_sensitive`). A `!`-piece only leaves files out: it narrows nothing."""
    including: list[str] = []
    for pattern in patterns:
        if pattern is None:
            continue
        pieces = _harmless_pieces(pattern) if type(pattern) is str else None
        if pieces is None:
            return False
        including.extend(pieces)
    return bool(including)


def _harmless_pieces(pattern: str) -> list[str] | None:
    """The pieces of `pattern` that include files, None if one may match a sensitive name."""
    out: list[str] = []
    for piece in _glob_pieces(pattern):
        if piece[0] == "!":
            continue
        if names_sensitive(piece):
            return None
        out.append(piece)
    return out


def _glob_pieces(pattern: str) -> list[str]:
    """The globs one filter may stand for. A tool may split its `glob` on blanks and commas
    (`"*.py,id_rsa"`, `"*.py id_rsa"`) or pass it whole to `rg --glob`, whose braces hold
    alternatives (`{*.py,id_rsa}`): every reading counts, each whole word (its braces read by
    `names_sensitive`) and each comma-separated part without its braces."""
    out: list[str] = []
    for word in pattern.split():
        out.append(word)
        if "," in word:
            out.extend(
                part for part in (p.replace("{", "").replace("}", "") for p in word.split(",")) if part
            )
    return out


def _plain_relative(path: str) -> bool:
    """`path` is relative, and joining it to a normal directory gives a normal path read one
    way only (no `~`, `$`, `.`-name, `//`, backslash, drive or URL)."""
    return (
        path[0] not in _NOT_JOINED
        and path[-1] != "/"
        and "/." not in path
        and "//" not in path
        and "$" not in path
        and "`" not in path
        and "\\" not in path
        and ":" not in path
        and "\x00" not in path
    )


def _one(raw: str, cwd: str | None, facts_cwd: str | None) -> PathFacts:
    """The facts of a call that names one path and runs no shell command: `_judge`'s, in
    one step."""
    path = raw.strip()
    # A normal absolute path (`normal_dir`, so no `://` either) is its own normal form.
    if (
        len(path) < 2
        or path[0] != "/"
        or path[-1] == "/"
        or "//" in path
        or "/." in path
        or "\\" in path
        or "\x00" in path
        or (cwd is not None and _windows_dir(cwd))
    ):
        paths = _normalise(path, None, cwd)
        if not paths:
            return _no_paths(facts_cwd)
    else:
        paths = [path]
    return _fill(_new(PathFacts), paths, _secrets(paths, facts_cwd), facts_cwd, _NONE)


def _judge(named: tuple[str, ...], cwd: str | None, shell: ShellFacts) -> PathFacts:
    """The facts of the paths named by the arguments and those the shell command touches."""
    run_in = shell.cwd or cwd  # a shell tool's own workdir argument wins
    found: dict[str, None] = {}
    unresolved: set[str] = set()
    cut = False  # paths were left unjudged: `TOO_MANY` stands for them
    # `found[path] = None` keeps the place of a path seen before: a dict as an ordered set.
    for raw in named:
        for path in _normalise(raw, None, cwd):
            found[path] = None
    # A relative word joined to a normal directory is normal: what `resolve` then gives.
    joins = run_in if run_in and normal_dir(run_in) else None
    # In a directory that holds secrets by their place (`/etc`, a home), a relative path may
    # name one: `near` says to look at each of a script's arguments there (`python3 x.py
    # .ssh/id_rsa` in a home); names read from stdin are looked at below. Other commands'
    # plain words name no file (`dpkg -S shadow`, `git log -- shadow`, `echo shadow`).
    for cmd in shell.commands:
        base = cmd.cwd
        program = cmd.program
        args = cmd.args
        near = (
            program in _SCRIPTS or (program[-1:].isdigit() and _SCRIPT_RUNNER.match(program) is not None)
        ) and _near(base, run_in)
        if not (
            cmd.redirects
            or cmd.reads_from
            or cmd.fills
            or (program in _OWN_PATHS and (program != "git" or _git_names_paths(args)))
            or (cmd.stdin is not None and program in NAME_LISTS)  # `cpio -o <<< F`
            or (program[:6] == "python" and cmd.code_reads)  # `python3.12 -c "open('.env')"`
        ):
            for arg in args:  # a plain command (`git status`, `ls -la src`): its words, here
                if arg[:1] == "-" and "=" not in arg:
                    continue  # a flag (`-la`, `--force`): what `_path_like` says, without its work
                if program == "git" and ":" in arg and "://" not in arg and cmd.subcommand in _GIT_SHOWS:
                    arg = arg.partition(":")[2] or arg  # `git show HEAD:.env`: `.env` as committed
                if arg.isalnum() and SENSITIVE_WORDS is not None and arg.isascii():
                    if arg.lower() not in SENSITIVE_WORDS:
                        continue  # `status`, `main`: what `_path_like` says, without its work
                    raw = arg
                else:
                    raw = _path_like(arg)
                    if not raw or ("://" in raw and _URL.match(raw)):
                        if near and not raw:
                            _add_placed(found, arg, base, run_in, cwd or shell.cwd)
                        continue
                if (
                    joins is not None
                    and base is None
                    and raw[0] not in _NOT_JOINED
                    and raw[-1] != "/"
                    and "$" not in raw
                    and "`" not in raw
                    and "//" not in raw
                    and "/." not in raw
                ):
                    found[f"{joins}/{raw}"] = None  # what `resolve` gives, without its work
                else:
                    found[_place(raw, base, run_in, unresolved, shell)] = None
        else:
            for raw in command_paths(cmd):
                found[_place(raw, base, run_in, unresolved, shell)] = None
            if cmd.stdin is not None and ("<stdin>" in cmd.fills or _reads_names(cmd)):
                # `xargs cat <<< shadow`: names, not text; tar reads them from its `-C` (below)
                moved = program in _TARS and bool(_tar_directories(args))
                for word in _listed_names(cmd.stdin):
                    raw = _path_like(word)
                    if moved and raw[:1] not in ("/", "~", "$"):
                        continue
                    if raw:
                        found[_place(raw, base, run_in, unresolved, shell)] = None
                    elif (program in FILE_READERS or program in NAME_LISTS) and _near(base, run_in):
                        _add_placed(found, word, base, run_in, cwd or shell.cwd, split=True)
            if near:
                for arg in args:
                    _add_placed(found, arg, base, run_in, cwd or shell.cwd)
        if program in CREDENTIAL_COMMANDS:  # `gh auth token` prints what its store holds
            store = credential_store(program, args)
            if store is not None:
                found[_place(store, base, run_in, unresolved, shell)] = None
        if base is not None or (program in _DIRECTORY_OPTIONS and ("-" in cmd.text or program[-3:] == "tar")):
            for path in _secrets_named_from(cmd, base, run_in):
                if path[:1] == "?":
                    path = path[1:]
                    unresolved.add(path)
                found[path] = None
        if len(found) > MAX_PATHS:
            cut = True
            break
    for raw, base in shell.bare_writes:  # `> ~/.bashrc`: no command, a file written
        found[_place(raw, base, run_in, unresolved, shell)] = None
    for path in _star_reads(shell, run_in):
        found[path] = None
    found.pop("", None)
    paths = list(found)
    if cut or len(paths) > MAX_PATHS:
        del paths[MAX_PATHS - 1 :]  # and `TOO_MANY` last
        cut = True
    facts = _fill(
        _new(PathFacts),
        paths,
        _secrets(paths, cwd or shell.cwd),
        cwd or shell.cwd,
        frozenset(unresolved) if unresolved else _NONE,
    )
    roots = _shell_roots(shell, run_in)
    facts = _with_roots(facts, roots) if roots else facts
    return _marked(facts, [TOO_MANY]) if cut and TOO_MANY not in facts.paths else facts


def _near(base: str | None, run_in: str | None) -> bool:
    """The directory a command runs in holds secrets by their place (`holds_sensitive`)."""
    directory = base if base is not None else run_in
    return directory is not None and _holds(directory, True, None)


def _add_placed(
    found: dict[str, None],
    word: str,
    base: str | None,
    run_in: str | None,
    cwd: str | None,
    split: bool = False,
) -> None:
    """Add to `found` the path the relative word `word` names where the command runs
    (`.ssh/id_rsa` in a home, `gcloud/credentials.db` in `~/.config`; the value of
    `--file=.ssh/x`) when it is a secret: elsewhere such a word is an argument, or a file of
    the project. A word with no `/` or `.` is a script's argument, not a name (`restart.sh
    ssh` in `/etc`: a service), unless `split`: then `word` is names a reader reads (`shadow`
    of `echo shadow | xargs cat` in `/etc`), each of its blank-separated parts."""
    if word[:1] == "-" and "=" in word:
        word = word.partition("=")[2]  # `--file=.ssh/id_rsa`
    if "://" in word or (not split and _SPACE.search(word)):  # a URL; a message, not a name
        return
    for part in _SPACE.split(word) if split and _SPACE.search(word) else (word,):
        if not part or part[0] in _NOT_PLAIN or "=" in part or (not split and _BARE.fullmatch(part)):
            continue
        path = resolve(part, base, run_in)
        if path[:1] != "?" and is_sensitive(_as_home(path) if _in_root_home(cwd) else path):
            found[path] = None


_BARE = re.compile(r"[^/.]+")
"""A word with no `/` or `.`: a name, a service or a value more often than a file."""
_NOT_PLAIN = frozenset("-$`~@'\"<>/")
"""First characters of a word `_add_placed` leaves to `_path_like`: an option, an expansion, a
quote, a redirection, a path from a home or the root."""
_SCRIPTS = SCRIPT_FIRST | {"php", "deno", "bun"}
"""Interpreters run on a script: its arguments are given to the script, which may read them as
files' names."""
_SCRIPT_RUNNER = re.compile(r"(?:python|node|perl|ruby|php|bash|sh|zsh|deno|bun)[0-9.]*$")
"""One of `_SCRIPTS` with its version (`python3.12`)."""


def _listed_names(text: str) -> list[str]:
    """The names in a list of names given on stdin (`xargs cat <<< "a b"`, `tar -T - <<EOF`):
    its words split at blanks and NULs, as written and as xargs reads them, quotes and
    escapes removed (`'/etc/"shadow"'`); and the parts of a word split at the delimiters
    `xargs -d` is most often given (`,;:|`). A word more is a path more looked at, never one
    less."""
    words = [w for w in _LIST_SPLIT.split(text) if w]
    if "'" in text or '"' in text or "\\" in text:
        try:
            words += shlex.split(text.replace("\x00", "\n"))
        except ValueError:  # a quote left open: xargs refuses the list; each word unquoted
            words += [_UNQUOTE.sub("", w) for w in words]
    parts = [p for w in words if _DELIMITERS.search(w) and "://" not in w for p in _DELIMITERS.split(w) if p]
    return list(dict.fromkeys([*words, *parts]))[:MAX_PATHS]


_LIST_SPLIT = re.compile(r"[\s\x00]+")
_DELIMITERS = re.compile(r"[,;:|]")
_UNQUOTE = re.compile(r"[\"'\\]")


def _shell_roots(shell: ShellFacts, run_in: str | None) -> list[tuple[str, bool]]:
    """The directories the commands search recursively (`grep -r`, `rg`, `find ... -exec`)
    or copy whole (`cp -r`, `tar -c`, `rsync -a`), made absolute where the directory allows,
    each with whether the command reads hidden entries; unresolved ones (`$DIR`) are left
    out, as they are by `sensitive`."""
    out: list[tuple[str, bool]] = []
    consumed: bool | None = None  # whether some command runs on what `find` prints
    commands = shell.commands
    for cmd in commands:
        program = cmd.program
        if program in SEARCHERS:
            roots = search_roots(cmd)
        elif program in COPIERS:
            roots = [(source, True) for source in copy_sources(cmd)]  # a copy takes hidden entries
        elif program == "git":
            if cmd.subcommand != "grep":
                continue
            roots = git_grep_roots(cmd)
        elif program in _SERVERS or program.startswith(("python", "ruby")):
            roots = [(served, True) for served in served_directories(cmd)]  # hidden files too
        elif program == "find":
            if consumed is None:
                consumed = any(
                    ("find" in c.wrappers and c.program not in METADATA_READERS)
                    or "xargs" in c.wrappers
                    or _reads_names(c)
                    for c in commands
                )
            roots = (
                [(start, True) for start in find_starts(cmd.args) or ["."]]
                if consumed and not _find_narrowed(cmd.args)
                else []
            )
        else:
            continue
        for raw, hidden in roots:
            path = resolve(_shell_path(raw, shell), cmd.cwd, run_in)
            if path[:1] != "?":
                out.append((path, hidden))
    return out


_STAR_READERS = frozenset(
    {
        "cat", "less", "more", "head", "tail", "bat", "batcat", "nl", "tac", "strings", "xxd", "hexdump",
        "od", "base64", "sort", "uniq", "cut", "paste", "jq", "yq", "sed", "grep", "egrep", "fgrep",
        "rg", "ag", "ugrep", "ug", "zgrep", "zless", "zmore", "diff", "cmp", "zcat", "awk", "gawk", "mawk",
        "nawk", "gzip", "bzip2", "xz", "zstd", "fold", "fmt", "pr", "expand", "unexpand", "iconv", "rev",
        "column", "vi", "vim", "nvim", "view", "nano", "emacs",
    }
)  # fmt: skip
"""Programs that print the content of each file a bare `*` gives them (`cat /etc/*`), as
opposed to their names or sizes (`ls /etc/*`, `du`, `wc`). Copies and archives are judged by
what they take whole (`copy_sources`), and their patterns are often no operand (`zip -x`)."""


def _star_reads(shell: ShellFacts, run_in: str | None) -> list[str]:
    """The secrets a bare `*` of a reading program's operand expands to (`sudo cat /etc/*`
    reads `/etc/shadow`, `cd /etc && grep x *` too): `star_secrets` of its directory."""
    out: list[str] = []
    for cmd in shell.commands:
        if cmd.program not in _STAR_READERS:
            continue
        for raw in cmd.args:
            if (raw[-2:] == "/*" and raw[:1] != "-") or raw == "*":  # `cd /etc && cat *` too
                directory = resolve(_shell_path(raw[:-1] or ".", shell), cmd.cwd, run_in)
                if directory[:1] != "?":
                    out.extend(star_secrets(directory))
    return out


_HTTP_SERVER_MODULES = frozenset({"http.server", "SimpleHTTPServer", "uploadserver", "pyftpdlib"})
"""Python modules that serve a directory, the current one unless `-d`/`--directory` names
another: the standard library's, `uploadserver` (the same options, uploads too) and
`pyftpdlib` (an FTP server)."""
_SERVERS = frozenset(
    {"php", "httpd", "uploadserver", "miniserve", "http-server", "serve", "darkhttpd", "caddy", "twistd"}
)
"""Programs besides Python's and Ruby's that `served_directories` knows."""
_SERVER_VALUES: dict[str, frozenset[str]] = {
    # the options of each that take a value, so that the value is not read as the directory
    "miniserve": frozenset({"-i", "--interfaces", "-p", "--port", "-a", "--auth", "--auth-file", "-c",
                            "--color-scheme", "-d", "--color-scheme-dark", "-t", "--title", "--header",
                            "--route-prefix", "--tls-cert", "--tls-key", "--index", "-m", "--media-type",
                            "-M", "--raw-media-type"}),
    "http-server": frozenset({"-p", "--port", "-a", "-d", "-i", "-e", "--ext", "-c", "-t", "--timeout", "-P",
                              "--proxy", "--proxy-options", "--username", "--password", "-C", "--cert", "-K",
                              "--key", "--mimetypes", "--base-dir"}),
    "serve": frozenset({"-l", "--listen", "-p", "--port", "-c", "--config", "--ssl-cert", "--ssl-key",
                        "--ssl-pass"}),
    "darkhttpd": frozenset({"--port", "--addr", "--log", "--maxconn", "--index", "--mimetypes",
                            "--default-mimetype", "--uid", "--gid", "--pidfile", "--auth", "--forward",
                            "--forward-all", "--header", "--timeout"}),
    "ruby": frozenset({"-p", "--port", "-b", "--bind-address", "--max-clients", "--temp-dir",
                       "--request-timeout", "--http-version", "--ssl-certificate", "--ssl-private-key"}),
}  # fmt: skip


def served_directories(cmd: Command) -> list[str]:
    """The directories a one-line file server gives to whoever asks, every file under them
    hidden ones included, as a copy of them would: `python3 -m http.server [-d DIR]` (the
    current directory by default; `uploadserver` and `pyftpdlib` alike), `php -S ADDR [-t
    DIR]`, `ruby -run -e httpd [DIR]`, busybox's `httpd -h DIR`, `caddy file-server [--root
    DIR]`, `twistd web --path DIR`, and the operand of `miniserve`, npm's `http-server` and
    `serve`, and `darkhttpd`. Each is judged as the root of a search, so that `python3 -m
    http.server --directory ~` takes every secret of the home."""
    program, args = cmd.program, cmd.args
    if program.startswith("python"):
        if len(args) > 1 and args[0] == "-m" and args[1] in _HTTP_SERVER_MODULES:
            return [_last_value(args, "d", ("directory",), ".", "bp")]
    elif program == "uploadserver":
        return [_last_value(args, "d", ("directory",), ".", "bp")]
    elif program == "php":
        if any(a.startswith("-S") for a in args):
            return [_last_value(args, "t", (), ".", "cdfrBRFEzS")]  # php has no long form
    elif program.startswith("ruby"):
        # `-run` (`-r un`) loads Ruby's `un` library, whose `httpd` serves its operand
        loads_un = "-run" in args or any(a == "-r" and b == "un" for a, b in pairwise(args))
        for i, a in enumerate(args):
            if loads_un and (a == "-ehttpd" or (a == "httpd" and i and args[i - 1] == "-e")):
                rest = args[i + 2 :] if args[i + 1 : i + 2] == ["--"] else args[i + 1 :]  # `--` ends ruby's
                return [_operand(rest, _SERVER_VALUES["ruby"], abbreviated=True) or "."]
    elif program == "httpd":
        # busybox's: `-h HOME` (`-fh HOME`), the current directory by default; Apache's takes no `-h DIR`
        served = _last_value(args, "h", (), "." if "busybox" in cmd.wrappers else "", "pcrmued")
        if served:
            return [served]
    elif program == "caddy":
        if args[:1] == ["file-server"]:
            return [_last_value(args, "r", ("root",), ".", "ld")]
    elif program == "twistd":
        served = _last_value(args, "", ("path",), "")
        if served and "web" in args:
            return [served]
    elif program in _SERVER_VALUES:
        operand = _operand(args, _SERVER_VALUES[program])
        if program == "darkhttpd":  # its operand is required
            return [operand] if operand else []
        return [operand or "."]  # miniserve lists hidden files only with `--hidden`: counted all the same
    return []


def _last_value(args: list[str], short: str, longs: tuple[str, ...], default: str, valued: str = "") -> str:
    """The value of the last of a server's option that names its directory (`option_values`,
    with any prefix of a long name, as argparse and getopt take), else `default`."""
    values = option_values(args, short, longs, valued, abbreviated=True)
    return values[-1] if values else default


def _operand(args: list[str], valued: frozenset[str], abbreviated: bool = False) -> str:
    """The first argument that is neither an option nor the value of one in `valued`, which
    may be `abbreviated` to a prefix of its long name, as Ruby's OptionParser takes (`--po
    8000` is `--port 8000`)."""
    skip = False
    ended = False
    for a in args:
        if skip:
            skip = False
        elif ended or a == "-" or not a.startswith("-"):
            return a
        elif a == "--":
            ended = True
        elif a in valued or (
            abbreviated and a[:2] == "--" and "=" not in a and any(v.startswith(a) for v in valued)
        ):
            skip = True
    return ""


METADATA_READERS = frozenset(
    {"du", "ls", "stat", "basename", "dirname", "realpath", "readlink", "echo", "printf", "test", "["}
)
"""Programs that read a file's name, size or times and none of its content: one `find` runs on
each file it finds (`find ~ -exec du -sh {} +`) reads no secret."""


def _reads_names(cmd: Command) -> bool:
    """`cmd` copies or archives the files whose names it reads from a list, as what `find`
    prints may be (`find ~ | tar -cf x.tar -T -`, `tar czf x.tgz -T <(find ~)`): tar's `-T`
    (`--files-from`), zip's `-@` (`--names-stdin`), `cpio -o` and `-p`, `rsync
    --files-from`, and `pax -w` with no operand. A list named by a file may have been
    written by `find` too: any one counts."""
    program = cmd.program
    if program not in NAME_LISTS:
        return False
    flags = cmd.flags
    if not flags:
        return False
    if program in _TARS:
        return _flagged([f for f in flags if f != "file"], "T", ("files-from",))  # `--file` is whole
    if program == "zip":
        return _flagged(flags, "@", ("names-stdin",))
    if program == "cpio":
        return _flagged(flags, "op", ("create", "pass-through"))
    if program == "rsync":
        return _flagged(flags, "", ("files-from",))
    if program == "pax":
        return "w" in flags and not _pax_operands(cmd.args)
    return False


_DIRECTORY_OPTIONS = frozenset({"git", "tar", "bsdtar", "gtar", "make"})
"""Programs with an option that runs them from another directory (`git -C D`, `tar -C D`,
`make -C D`), for the relative names after it."""
_NAMES_FILES = frozenset(
    {
        "tar", "bsdtar", "gtar", "zip", "7z", "7za", "7zr", "gzip", "gunzip", "bzip2", "bunzip2", "xz",
        "unxz", "zstd", "lz4", "openssl", "cpio", "split", "csplit", "iconv", "fold", "fmt", "pr",
        "expand", "unexpand", "paste", "join", "comm", "look", "rev", "column", "base32", "basenc",
        "cksum", "sum", "b2sum", "sha224sum", "sha384sum", "sha512sum",
    }
)  # fmt: skip
"""Programs not among the readers (`FILE_READERS`) whose plain words name files they read
(`tar -cf - shadow`, `gzip -c shadow`), each read from the directory the program runs in."""
_MAKE_VALUED = "CfIjloW"
"""make's short options that take a value."""
_MAX_DIRECTORIES = 8
"""The directories one command may run from (`tar -C a x -C b y`) that are read; past them,
the names are paths not known."""


def _secrets_named_from(cmd: Command, base: str | None, run_in: str | None) -> list[str]:
    """The secrets the words of `cmd` name where it runs, when that is not the call's own
    directory: after a `cd` (`base`), or from the directories its `-C` options name, each
    from the one before (`git -C ~ -C .kube`). Only the words that name files: those of the
    programs of `_NAMES_FILES` (and the names tar reads from its stdin), of `git diff` and
    `git blame`, and `make -f`'s makefiles; only those that name secrets are kept. A path not
    known (`?` first) where the directories are too many."""
    program, args = cmd.program, cmd.args
    if program == "git":
        sub = cmd.subcommand
        if sub not in ("diff", "blame") or sub not in args:
            return []
        words = args[args.index(sub) + 1 :]
        directories = _git_directories(args)[0] if "-C" in args else []
    elif program == "make":
        words = option_values(args, "f", ("file", "makefile"), _MAKE_VALUED, abbreviated=True)
        directories = option_values(args, "C", ("directory",), _MAKE_VALUED, abbreviated=True)
    elif program in _NAMES_FILES:
        words = args
        directories = _tar_directories(args) if program in _TARS else []
        if directories and cmd.stdin is not None and _reads_names(cmd):  # `tar -C /etc -T - <<< x`
            words = [*args, *_listed_names(cmd.stdin)]
    else:
        return []
    if not words or (base is None and not directories):
        return []
    gnu = program in _GNU_TARS  # GNU tar reads each name from the `-C` before it
    bases: list[str] = [] if base is None or (directories and not gnu) else [base]
    where: str | None = base
    for directory in directories:
        moved = resolve(directory, where, run_in)  # each from the one before
        if moved[:1] == "?":
            return [f"?{directory}"]  # a directory not known
        if gnu:
            bases.append(moved)
        where = moved
    if not gnu and where is not None and directories:
        bases.append(where)
    if len(bases) > _MAX_DIRECTORIES:
        return [f"?{directories[-1]}"]
    out: list[str] = []
    for where in bases:
        for arg in words:
            if arg[:1] == "-" or arg[:1] == "/" or "$" in arg or "://" in arg:
                continue
            path = resolve(arg, where, run_in)
            if path[:1] != "?" and is_sensitive(path):
                out.append(path)
    return out


def _git_directories(args: list[str]) -> tuple[list[str], int]:
    """The values of git's `-C` options (each from the one before), and where its options
    before the subcommand end."""
    out: list[str] = []
    i = 0
    while i < len(args) and args[i][:1] == "-":
        a = args[i]
        i += 1
        name = a.lstrip("-")
        if "=" in name or name not in _GIT_GLOBAL_VALUED or i >= len(args):
            continue
        if name == "C" and args[i]:
            out.append(args[i])
        i += 1
    return out, i


def _tar_directories(args: list[str]) -> list[str]:
    """The values of tar's `-C`/`--directory` options, in order: `-C D`, `-CD`, `-cC D`,
    `--directory=D`, `--dir D` (cut short), and in an old-style first word (`cfC - D`)."""
    out: list[str] = []
    i = 0
    if args and args[0][:1] != "-":  # `tar cfC - /etc x`: key letters, each value in turn
        i = 1
        for ch in args[0]:
            if ch in _TAR_VALUED and i < len(args):
                if ch == "C":
                    out.append(args[i])
                i += 1
    found = option_values(args[i:], "C", ("directory",), _TAR_VALUED, abbreviated=True)
    return [d for d in (*out, *found) if d]


def _place(raw: str, base: str | None, run_in: str | None, unresolved: set[str], shell: ShellFacts) -> str:
    """Where a path word of a shell command lies, added to `unresolved` when that is not known:
    a path `resolve` could not place, or one named from `~-` or an unknown `~+` (`_NOT_KNOWN`)."""
    path = resolve(_shell_path(raw, shell) if raw[:1] in _NAMING else raw, base, run_in)
    if path[:1] == "?":
        path = path[1:]
        unresolved.add(path)
    elif path[:2] in _NOT_KNOWN and path[2:3] in ("", "/"):
        unresolved.add(path)
    return path


_NAMING = frozenset({"$", "~"})
"""How a word that `_shell_path` may read begins."""
_NOT_KNOWN = frozenset({"~-", "~+"})
"""`~-`, the directory before the last `cd`, is not known here; nor is `~+` (the cwd) left as
written, once the call sets `PWD` itself."""


def _shell_path(raw: str, shell: ShellFacts) -> str:
    """A word of a shell command as the path the shell expands it to, in the form `resolve`
    reads: `$HOME` as `~`, and `~+`, `$PWD` and `${PWD}` as `.`, the directory the command
    runs in (`cat ~+/shadow` in `/etc` reads `/etc/shadow`, which its name alone does not tell).
    Only while the call does not set `PWD` or `HOME` itself (`ShellFacts.names_kept`): else
    the word stays as written, a path not known (`$HOME` is still read as a home: a secret
    under it is judged as one)."""
    word = shell.expand_names(raw)
    return _home(word) if word[:1] == "$" else word


SEARCHERS = frozenset({"grep", "egrep", "fgrep", "rg", "ag", "ack", "ack-grep", "ugrep", "ug"})
"""Programs that search the files under a directory, read by `search_roots`."""
_LISTS_FILES = frozenset({"files", "type-list"})
"""ripgrep's options that list names instead of searching: `rg --files`."""
_GREP_VALUED = "ABCDdefm"
"""GNU grep's short options that take a value (`-d recurse`, `-nHdrecurse`)."""
_RG_VALUED = "ABCEMdefgjmrtT"
"""ripgrep's short options that take a value (`-g '*'`, `-nHg '*'`)."""
_GREP_RECURSIVE = ("recursive", "dereference-recursive")
"""GNU grep's long options that recurse; getopt takes any unique prefix (`--rec`, `--deref`)."""


def search_roots(cmd: Command) -> list[tuple[str, bool]]:
    """The directories one command of `SEARCHERS` searches recursively, each with whether it
    reads hidden entries: `grep -r` (`-R`, `-d recurse`, `--rec`) reads them all, its operands
    or the cwd; `rg` and `ag` skip hidden entries unless told (`--hidden`, `rg -uu`, `ag -u`),
    or, for `rg`, unless a glob or type lets them in (`-g '*'`, `-t all`); `ack` and `ug`
    search the cwd and every directory they are given."""
    program = cmd.program
    flags = cmd.flags
    args = cmd.args
    if program in ("grep", "egrep", "fgrep", "ugrep"):
        if not _grep_recursive(args, flags):
            return []
        if "include" in flags and _narrowed_by(*option_values(args, "", ("include",), _GREP_VALUED)):
            return []  # `--include='*.py'`
        hidden = True
    elif program == "rg":
        if not _LISTS_FILES.isdisjoint(flags):
            return []
        globs = option_values(args, "g", ("glob", "iglob"), _RG_VALUED)
        if globs and _narrowed_by(*globs):
            return []  # `-g '*.py'`; a negated glob (`!*.md`) only leaves files out
        unrestricted = sum(a.count("u") for a in args if a[:1] == "-" and a[1:2] != "-") + args.count(
            "--unrestricted"
        )
        hidden = (
            "hidden" in flags or "." in flags or unrestricted >= 2 or _rg_lets_hidden_in(args, flags, globs)
        )
    elif program == "ag":
        hidden = "hidden" in flags or "u" in flags or "unrestricted" in flags
    else:
        hidden = True
    operands = file_operands(cmd)
    if not any(f in ("e", "f", "regexp", "file") for f in flags):
        operands = operands[1:]  # the first is the pattern
    return [(operand, hidden) for operand in operands] or [(".", hidden)]


COPIERS = frozenset(
    {"cp", "mv", "rsync", "scp", "ditto", "tar", "bsdtar", "gtar", "zip", "7z", "7za", "7zr", "7zz", "rclone",
     "aws", "gsutil", "pax", "restic", "borg", "duplicity", "azcopy", "s5cmd", "mc", "gcloud", "s3cmd",
     "az", "docker", "podman", "nerdctl"}
)  # fmt: skip
"""Programs that copy, move, archive, back up, upload or mount what lies under a directory,
read by `copy_sources`."""
_BACKUPS = {"restic": ("backup",), "borg": ("create",)}
"""Backup programs, by the action that reads its operands whole (`restic backup PATH...`,
`borg create REPO::NAME PATH...`): every word after it counts."""
_UPLOADS = {
    "azcopy": (frozenset({"copy", "cp", "sync"}), frozenset({"sync"})),
    "s5cmd": (frozenset({"cp", "mv", "sync"}), frozenset({"cp", "mv", "sync"})),
    "mc": (frozenset({"cp", "mv", "mirror"}), frozenset({"mirror"})),
    "s3cmd": (frozenset({"put", "sync"}), frozenset({"sync"})),
}
"""Upload tools, by their copying actions and those of them that recurse whatever their
options (`azcopy copy` needs `--recursive`, `mc cp` `-r`; `s5cmd cp` always recurses)."""
_DUPLICITY_OTHER = frozenset(
    {"restore", "verify", "list-current-files", "collection-status", "cleanup", "remove-older-than",
     "remove-all-but-n-full", "remove-all-inc-of-but-n-full"}
)  # fmt: skip
"""duplicity's actions that read no local directory to back it up."""
_PAX_VALUED = "bfopsxBEGTU"
"""pax's options that take a value (`-f ARCHIVE`, `-s REPLSTR`)."""
_RECURSIVE = {
    "cp": ("rRa", ("recursive", "archive")),
    "rsync": ("rad", ("recursive", "archive", "dirs")),
    "scp": ("r", ()),
    "zip": ("r", ("recurse-paths",)),
    "gsutil": ("rR", ("recursive",)),
    "aws": ("", ("recursive",)),
}
"""The short and long options that make a copy recursive, by program (`rsync -R` is
`--relative`, not recursive; `rsync -d`, `--dirs`, copies a directory's own entries, a
home's dotfiles among them). A long option may be written as a prefix (`cp --rec`)."""
_LOCAL_COPIERS = frozenset({"cp", "ditto"})
"""Copiers with no remote names: an operand with a `:` is a local file."""
_TARS = frozenset({"tar", "bsdtar", "gtar"})
_GNU_TARS = frozenset({"tar", "gtar"})
_TAR_VALUED = "bCfFgHIKLNTVX"
"""tar's short options that take a value, in the rest of their cluster or the next word."""
_TAR_UNSURE = "HL"
"""tar's short options that take a value in GNU tar (`-H FORMAT`, `-L LENGTH`) and none in
bsdtar, macOS's (`-H`, `-L` follow links): the next word may be a value or a source."""
_TAR_LONG_VALUED = frozenset(
    {
        "file", "directory", "files-from", "exclude", "exclude-from", "exclude-tag", "exclude-tag-all",
        "exclude-tag-under", "transform", "xform", "owner", "group", "mode", "mtime", "newer", "newer-mtime",
        "after-date", "format", "use-compress-program", "label", "blocking-factor", "record-size",
        "listed-incremental", "to-command", "checkpoint-action", "suffix", "sort", "tape-length",
        "info-script", "new-volume-script", "rsh-command", "volno-file", "index-file", "strip-components",
        "owner-map", "group-map", "pax-option", "quoting-style", "quote-chars", "no-quote-chars", "level",
        "hole-detection", "warning", "add-file", "starting-file", "options",
    }
)  # fmt: skip
"""tar's long options that take the next word as their value when written without `=`."""
_SEVEN_ZIPS = frozenset({"7z", "7za", "7zr", "7zz"})
_RCLONE_COPIES = frozenset({"copy", "sync", "move", "copyto", "moveto", "bisync"})
_GSUTIL_COPIES = frozenset({"cp", "mv", "rsync"})


def copy_sources(cmd: Command) -> list[str]:
    """What one command of `COPIERS` reads whole to copy, move, archive or upload it, as
    written: the sources of `cp -r`, `rsync -a`, `scp -r`, `zip -r`, `gsutil cp -r` and `aws
    s3 cp --recursive`, and of `tar -c`, `7z a`, `ditto`, `mv`, `rclone copy`, `gsutil
    rsync` and `aws s3 sync`, which recurse whatever their options; and what `rclone serve`
    gives to whoever asks, as a one-line file server does. A copy or move of a
    home, `/` or a directory that holds secrets (`~/.config`) takes every secret under it,
    hidden ones included: `_with_roots` judges each source as the root of a search. Remote
    sources (`host:/x`, `s3://b`) are left out, and so are a copy into a directory (`rsync
    -a host:/b ~/`) and a command that extracts or lists (`tar -x`, `7z x`)."""
    program = cmd.program
    flags = cmd.flags
    if program in _TARS:
        return _tar_sources(cmd.args) if _flagged(flags, "cru", ("create", "append", "update")) else []
    if program == "zip":
        return _zip_sources(cmd.args, flags)
    if program in _SEVEN_ZIPS:
        words = cmd.positionals()
        return (words[2:] or ["."]) if words[:1] == ["a"] or words[:1] == ["u"] else []
    if program in ("aws", "gsutil", "rclone"):  # gsutil reads its options first
        words = cmd.positionals() if program == "gsutil" else cloud_words(cmd.args)[0]
        setup = rclone_setup(cmd) if program == "rclone" else {}
        if program == "rclone" and words[:1] == ["serve"]:  # `rclone serve http ~`: served, as a
            return local_paths(cloud_words(cmd.args, RCLONE_SERVE_VALUED)[0][2:], setup)  # file server's
        return _upload_sources(program, words, flags, setup)
    if program in _OTHER_COPIERS:
        return _OTHER_COPIERS[program](cmd)
    shorts, longs = _RECURSIVE.get(program, ("", ()))
    if program != "ditto" and not _flagged(flags, shorts, longs):
        return []  # `cp a b`; a directory is not copied without `-r`
    operands = file_operands(cmd)
    if program == "cp" and _flagged(flags, "t", ("target-directory",)):
        return operands  # `cp -r -t DEST SRC...`
    return _sources(operands, remote=program not in _LOCAL_COPIERS)


def _pax_sources(cmd: Command) -> list[str]:
    """`pax -w` archives its operands (names read from the input when it has none, see
    `_reads_names`); `pax -rw` copies them into the last one. Without `-w` it lists or
    extracts."""
    flags = cmd.flags
    if "w" not in flags:
        return []
    words = _pax_operands(cmd.args)
    return words[:-1] if "r" in flags else words


def _pax_operands(args: list[str]) -> list[str]:
    """The operands of `pax ARGS`, after the values of its options (`_PAX_VALUED`)."""
    words: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a[:1] != "-" or a == "-":
            words.append(a)
        elif a[-1] in _PAX_VALUED:  # `-f X`, `-wf X`: the value is the next word
            i += 1
    return words


def _backup_sources(cmd: Command) -> list[str]:
    """The paths `restic backup` and `borg create` read: every word after the action (an
    option's value among them: counting one more is safe)."""
    words = cmd.positionals()
    actions = _BACKUPS[cmd.program]
    at = next((i for i, word in enumerate(words) if word in actions), -1)
    return words[at + 1 :] if at >= 0 else []


def _duplicity_sources(cmd: Command) -> list[str]:
    """`duplicity [full|incr] SOURCE URL` backs up its local source; its other actions
    (`restore`, `verify`...) read none."""
    words = cmd.positionals()
    if words[:1] and words[0] in _DUPLICITY_OTHER:
        return []
    if words[:1] and words[0] in ("full", "incremental", "incr", "backup"):
        words = words[1:]
    return _sources(words)


def _cloud_sources(cmd: Command) -> list[str]:
    """The local sources of `azcopy copy|sync`, `s5cmd cp|sync`, `mc cp|mirror` and `s3cmd
    put|sync` (`_UPLOADS`): all operands after the action but the destination, less remote
    ones. An action that copies a directory only when told needs `-r` (`--recursive`)."""
    words = cmd.positionals()
    actions, recursing = _UPLOADS[cmd.program]
    at = next((i for i, word in enumerate(words) if word in actions), -1)
    if at < 0:
        return []
    if words[at] not in recursing and not _flagged(cmd.flags, "r", ("recursive",)):
        return []
    return _sources(words[at + 1 :])


def _gcloud_sources(cmd: Command) -> list[str]:
    """`gcloud storage cp|mv -r SRC... DEST` and `gcloud storage rsync SRC DEST` (which
    copies a directory's own files even without `-r`), as `gsutil`'s."""
    words = cmd.positionals()
    if words[:1] != ["storage"] or len(words) < 2 or words[1] not in _GSUTIL_COPIES:
        return []
    if words[1] != "rsync" and not _flagged(cmd.flags, "rR", ("recursive",)):
        return []
    return _sources(words[2:])


def _az_sources(cmd: Command) -> list[str]:
    """`az storage blob upload-batch -s SRC`, `az storage blob sync -s SRC`, `az storage copy
    -s SRC`: the values of `-s` (`--source`), local ones only."""
    words = cmd.positionals()
    if "storage" not in words or not {"upload-batch", "sync", "copy"}.intersection(words):
        return []
    return [v for v in option_values(cmd.args, "s", ("source",)) if v and not _remote(v)]


def _move_sources(cmd: Command) -> list[str]:
    """What `mv` moves: its operands but the destination, all of them after `-t DIR`. A
    directory moves whole without `-r`: a move of a home takes every secret under it
    elsewhere, as a copy does."""
    operands = file_operands(cmd)
    if _flagged(cmd.flags, "t", ("target-directory",)):
        return operands
    return operands[:-1]


_CONTAINERS = frozenset({"docker", "podman", "nerdctl"})
"""Container runtimes: the host paths they mount are read (`_mount_split`)."""
_MOUNT_OPTIONS = ("-v", "--volume", "--mount")


def _mount_split(args: list[str]) -> tuple[list[str], list[str]]:
    """The host paths a container runtime's options give the container (`-v SRC:DST[:ro]`,
    `--volume=SRC:DST`, `--mount type=bind,source=SRC,...`), and the other arguments. The
    container reads what lies under them, and so may whatever it runs. A named volume (`-v
    data:/data`) is no host path."""
    sources: list[str] = []
    rest: list[str] = []
    value_of = ""
    for arg in args:
        if value_of:
            option, value_of = value_of, ""
        elif arg in _MOUNT_OPTIONS:
            value_of = arg
            continue
        elif arg.startswith(("--volume=", "--mount=")):
            option, _, arg = arg.partition("=")
        elif arg.startswith("-v") and arg[2:3] not in ("", "-"):
            option, arg = "-v", arg[2:].removeprefix("=")  # `-v/x:/y`, `-v=/x:/y`
        else:
            rest.append(arg)
            continue
        if option == "--mount":
            fields = dict(f.partition("=")[::2] for f in arg.split(","))
            source = fields.get("source") or fields.get("src") or ""
        else:
            source = arg.partition(":")[0] if ":" in arg else ""
        if source.startswith(("/", ".", "~", "$")) or "/" in source:
            sources.append(source)
    return sources, rest


def _mount_sources(cmd: Command) -> list[str]:
    """What a container runtime mounts (`_mount_split`): a copy of a sort, judged like one,
    so that `docker run -v ~:/h` or `-v /:/host` takes every secret under it."""
    return _mount_split(cmd.args)[0] if any(a.startswith(_MOUNT_OPTIONS) for a in cmd.args) else []


_OTHER_COPIERS = {
    "mv": _move_sources,
    "pax": _pax_sources,
    "restic": _backup_sources,
    "borg": _backup_sources,
    "duplicity": _duplicity_sources,
    "azcopy": _cloud_sources,
    "s5cmd": _cloud_sources,
    "mc": _cloud_sources,
    "s3cmd": _cloud_sources,
    "gcloud": _gcloud_sources,
    "az": _az_sources,
    "docker": _mount_sources,
    "podman": _mount_sources,
    "nerdctl": _mount_sources,
}
"""`copy_sources` by program, for the copiers whose rule is their own."""


def _flagged(flags: list[str], shorts: str, longs: tuple[str, ...]) -> bool:
    """One of `flags` is a letter of `shorts`, or a long option of `longs` written whole or as
    a prefix of two letters or more (`--rec`, `--cr`): getopt takes any prefix that no other
    option of the program shares, and which prefixes those are differs by program and
    version, so any one counts."""
    for flag in flags:
        if len(flag) == 1:
            if flag in shorts:
                return True
        elif any(long.startswith(flag) for long in longs):
            return True
    return False


def _sources(operands: list[str], remote: bool = True) -> list[str]:
    """The sources of a transfer's operands (`SRC... DEST`): all but the last (the
    destination), less the remote ones (`host:/x`, `s3://b`) when the program has such names
    (`remote`; `cp` and `ditto` have none: `a:b` is a local file there)."""
    sources = operands[:-1]
    return [word for word in sources if not _remote(word)] if remote else sources


def _upload_sources(program: str, words: list[str], flags: list[str], setup: RcloneSetup) -> list[str]:
    """The sources of `aws s3 sync|cp|mv`, `gsutil cp|mv|rsync` and `rclone copy|sync|...`
    (`words`: the command's positional arguments; `setup`: rclone's remotes, `rclone_setup`).
    `cp` and `mv` copy a directory only with `--recursive` (`-r`); `rsync` without `-r` still
    copies a directory's own files, a home's `.netrc` and `.bash_history` among them."""
    if program == "aws":
        if "s3" not in words:
            return []
        at = words.index("s3") + 1
        action = words[at] if at < len(words) else ""
        if action != "sync" and not (action in ("cp", "mv") and _flagged(flags, *_RECURSIVE["aws"])):
            return []
        return local_paths(words[at + 1 : -1])
    actions = _RCLONE_COPIES if program == "rclone" else _GSUTIL_COPIES
    at = next((i for i, word in enumerate(words) if word in actions), -1)
    if at < 0:
        return []
    if program == "gsutil" and words[at] != "rsync" and not _flagged(flags, *_RECURSIVE["gsutil"]):
        return []
    return local_paths(words[at + 1 : -1], setup)


def _tar_sources(args: list[str]) -> list[str]:
    """The files and directories `tar -c ARGS` archives (`tar -r`, `-u` add them too): its
    operands, each under the directory of the `-C DIR` before it (`tar -C ~ -czf x.tgz .`
    archives `~`), after the values of its options, an old-style cluster's among them (`tar
    czf OUT.tgz dir`). The word after `-H` or `-L` (`_TAR_UNSURE`) counts both ways: as
    their value, and as a source, as bsdtar reads it."""
    out: list[str] = []
    directory = ""
    i = 0
    if args and args[0][:1] != "-" and args[0].isalpha():  # old style: `czf OUT`, values in order
        cluster = args[0]
        i = 1
        unsure = any(letter in cluster for letter in _TAR_UNSURE)
        for letter in cluster:
            if letter in _TAR_VALUED:
                if i < len(args):
                    if letter == "C":
                        directory = args[i]
                    elif unsure:  # bsdtar gives the values to other letters: each may be a source
                        out.append(args[i])
                i += 1
    ended = False
    while i < len(args):
        a = args[i]
        i += 1
        if ended or a[:1] != "-" or a == "-":
            out.append(_under(directory, a))
            continue
        if a == "--":
            ended = True
            continue
        value: str | None = None
        changes = False  # the option is `-C`: it changes the directory of what follows
        if a[:2] == "--":
            name, eq, value = a[2:].partition("=")
            changes = len(name) > 2 and "directory".startswith(name)
            if not eq:
                if name not in _TAR_LONG_VALUED and not changes:
                    continue
                value = args[i] if i < len(args) else ""
                i += 1
            if name == "add-file":
                out.append(_under(directory, value))
        else:
            for j in range(1, len(a)):
                if a[j] in _TAR_VALUED:
                    changes = a[j] == "C"
                    value = a[j + 1 :]
                    if not value:
                        value = args[i] if i < len(args) else ""
                        i += 1
                        if a[j] in _TAR_UNSURE and value:
                            out.append(_under(directory, value))
                    break
        if changes and value:
            directory = posixpath.join(directory, value) if directory else value
    return out


def _under(directory: str, word: str) -> str:
    """`word` as tar finds it after `-C directory`: the shell expands a `~` or `$HOME` before
    tar reads it, to an absolute path that no directory changes."""
    if not directory or word[:1] in ("~", "$"):
        return word
    return posixpath.join(directory, word)


def _zip_sources(args: list[str], flags: list[str]) -> list[str]:
    """The files and directories `zip ARGS` reads whole: with `-r` its operands after the
    archive; with `-R` (`--recurse-patterns`) the cwd, unless its patterns keep it to files
    of harmless names (`zip -R x.zip '*.py'`). The patterns of `-x` and `-i` are not files."""
    recurse_patterns = "R" in flags or any(len(f) > 1 and "recurse-patterns".startswith(f) for f in flags)
    if not recurse_patterns and not _flagged(flags, *_RECURSIVE["zip"]):
        return []
    operands = zip_words(args)[1:]  # the first is the archive
    if not recurse_patterns:
        return operands
    return [*operands, "."] if not _narrowed_by(*operands) else operands


_GIT_GREP_VALUED = frozenset({"e", "f", "A", "B", "C", "m", "max-depth", "threads", "max-count", "context"})
"""`git grep`'s options that take a value in the next word (`-e PAT`, `-C 3`)."""


_GIT_GLOBAL_VALUED = GLOBAL_VALUE_OPTIONS["git"]


def git_grep_roots(cmd: Command) -> list[tuple[str, bool]]:
    """The directories `git grep --no-index` searches, hidden entries included: it leaves
    the repository and reads a directory as `grep -r` does, its paths (after the pattern)
    or the cwd, each under the directory of `git -C DIR`. Without `--no-index` (any prefix
    git takes, `--no-ind`) it reads the repository's files only: none."""
    args = cmd.args
    directories, i = _git_directories(args)
    base = posixpath.join(*directories) if directories else ""  # `git -C ~ -C x grep`
    if i >= len(args) or args[i] != "grep":
        return []
    rest = args[i + 1 :]
    no_index = any(
        a[:2] == "--" and len(a) > 5 and "--no-index".startswith(a.partition("=")[0])
        for a in rest
        if a != "--"
    )
    if not no_index:
        return []
    words: list[str] = []
    patterned = False
    i = 0
    while i < len(rest):
        a = rest[i]
        i += 1
        if a == "--":
            words.extend(rest[i:])
            break
        if a[:1] == "-" and len(a) > 1:
            name = a.lstrip("-").partition("=")[0]
            if name in ("e", "f"):
                patterned = True
            if "=" not in a and (name in _GIT_GREP_VALUED) and len(a.lstrip("-")) == len(name):
                i += 1
            elif a[:2] != "--" and a[1:2] in ("e", "f"):
                patterned = True  # `-efoo`
            continue
        words.append(a)
    paths = words if patterned else words[1:]
    roots = [p if p[:1] in ("/", "~", "$") or not base else posixpath.join(base, p) for p in paths]
    return [(root, True) for root in roots] or [(base or ".", True)]


def _grep_recursive(args: list[str], flags: list[str]) -> bool:
    """`grep ARGS` recurses: `-r`, `-R`, a prefix of `--recursive` or `--dereference-recursive`
    (GNU getopt takes one that is unique, and an ambiguous one fails the command), or
    `-d`/`--directories` (any prefix, `--dir`) with a prefix of `recurse` (`-d rec`)."""
    if "r" in flags or "R" in flags:
        return True
    for a in args:
        if a == "--":
            break
        if a[:2] == "--" and len(a) > 2:
            name = a[2:].partition("=")[0]
            if any(option.startswith(name) for option in _GREP_RECURSIVE):
                return True
    actions = option_values(args, "d", ("directories",), _GREP_VALUED, abbreviated=True)
    return any(action and "recurse".startswith(action.lower()) for action in actions)


def _rg_lets_hidden_in(args: list[str], flags: list[str], globs: list[str]) -> bool:
    """ripgrep reads a hidden entry that a glob whitelists (its `ignore` crate returns on an
    override match before the hidden test: `-g '*'` enters `.ssh`), or that a type
    whitelists (`-t all` takes `.bashrc` as `sh`; an agent's own type, `--type-add`): a
    glob that may match a sensitive name (`*`, `.*`, `id_*`), a type-add, or a type not in
    `HARMLESS_TYPES`."""
    if any(g[:1] != "!" and names_sensitive(g) for g in globs if g):
        return True
    if "type-add" in flags:
        return True
    types = option_values(args, "t", ("type",), _RG_VALUED)
    return any(t.strip().lower() not in HARMLESS_TYPES for t in types)


_FIND_NAMES = frozenset({"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename"})
_FIND_WIDENS = frozenset({"-o", "-or", "!", "-not", "-regex", "-iregex"})


def _find_narrowed(args: list[str]) -> bool:
    """`find ARGS` keeps to files of harmless names: it has a name test, none may match a
    sensitive name (`-name '*.py'`, not `-name id_rsa`, `-name config` or `-name '*'`), and
    no `-o` or `!` widens them. What runs on its files (`-exec grep ...`) then reads no secret."""
    names = [args[i + 1] for i, a in enumerate(args[:-1]) if a in _FIND_NAMES]
    if not names or not _FIND_WIDENS.isdisjoint(args):
        return False
    return not any(map(names_sensitive, names))


_OWN_PATHS = FILE_READERS | WRITING_PROGRAMS | _CONTAINERS | {"find", "git"}
"""Programs whose paths `command_paths` finds by their own rules, not from their words."""
_NOT_JOINED = frozenset("./~<")
"""First characters of a word that `resolve` does not simply join to the directory."""


_GIT_SHOWS = frozenset({"show", "cat-file", "diff", "archive", "grep"})
"""git commands that print a file as a commit holds it, named `REV:PATH` (not `git commit -m
"feat: x"`, `git push o a:b`)."""


def _git_names_paths(args: list[str]) -> bool:
    """`git ARGS` may write a file or grep paths: its words alone do not give its paths (`git
    apply <<EOF` writes the files its diff names)."""
    return "grep" in args or "format-patch" in args or "apply" in args or "--output" in " ".join(args)


def _arg_paths(tool: str, args: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
    out: list[str] = []
    for key in keys:
        out.extend(_texts(args.get(key)))
    if tool in GLOB_TOOLS:
        base = args.get("path") if isinstance(args.get("path"), str) else ""
        for key in ("pattern", "glob", "include"):
            pattern = args.get(key)
            if (
                isinstance(pattern, str)
                and pattern
                and (key != "pattern" or tool in ("Glob", "glob", "find_files"))
            ):
                out.append(posixpath.join(base, pattern) if base else pattern)
    return out


def _path_keys(args: Mapping[str, Any]) -> Iterable[str]:
    """The keys of `PATH_KEYS` to look up, in that order: for a dict, only those it has."""
    if type(args) is not dict:
        return PATH_KEYS
    keys = [k for k in args if k in _PATH_KEY_ORDER]
    if len(keys) > 1:
        keys.sort(key=_PATH_KEY_ORDER.__getitem__)
    return keys


def _normalise(path: str, base: str | None, cwd: str | None) -> list[str]:
    """`path` made absolute and normal in each way the system may read it (`_readings`);
    none if it names no local file (a web URL)."""
    path = path.strip()
    if "\x00" in path:  # the system reads a name up to its first NUL, if it takes it at all
        path = path.split("\x00", 1)[0].strip()
    if path[:1] == "$":
        path = _HOME_VAR.sub("~", path)  # what `_home` does
    if path[:5].lower() == "file:":  # what `_FILE_URL` matches, without the regex
        path = _file_url_path(path)
    if not path or ("://" in path and _url_only(path)):
        return []
    out = []
    for reading in _readings(path, cwd):
        resolved = resolve(reading, base, cwd)
        out.append(resolved[1:] if resolved.startswith("?") else resolved)
    return out if len(out) == 1 else list(dict.fromkeys(out))


def _readings(path: str, cwd: str | None) -> list[str]:
    """The ways a system may read `path`. A Windows path (a drive, `C:\\x`, or a UNC name,
    `\\\\server\\x`), or any path when the directory is a Windows one, is read as Windows
    reads it. Elsewhere a backslash is a character of a name (on Linux `a\\b\\..` is one
    name, not `a`), but may separate names on Windows: both readings count, the POSIX one
    first. A Windows path that also climbs with `/..` may be opened on Linux, where its
    first name is a directory of the cwd (`C:/../../x` is `cwd/../x`): both count too."""
    if cwd is not None and _windows_dir(cwd):
        return [_windows(path)]
    if _is_windows(path):
        return [path, _windows(path)] if ".." in path.split("/") else [_windows(path)]
    if "\\" in path:
        return [path, _windows(path)]
    return [path]


def _is_windows(path: str) -> bool:
    """`path` is written as a Windows path: it starts with a drive (`C:`, `c:\\`) or is a UNC
    name (`\\\\server\\share`, `\\\\?\\C:\\x`)."""
    if path[1:2] == ":":  # what `_DRIVE` needs, tested before it is run
        return bool(_DRIVE.match(path))
    return path[:2] == "\\\\"


def _file_url_path(url: str) -> str:
    """The local path a `file:` URL names (`file:///home/u/%2essh/id_rsa` is
    `/home/u/.ssh/id_rsa`, `file://server/share/x` the share `//server/share/x`), "" if it
    is not one."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    path = unquote(parts.path)
    if parts.netloc and parts.netloc.lower() != "localhost":
        return f"//{unquote(parts.netloc)}{path}"
    if _DRIVE.match(path[1:]):  # `file:///C:/Users/u/x`
        return path[1:]
    return path


def _windows_dir(path: str) -> bool:
    """`path` is a Windows path in the form `_windows` gives (`/C:/repo`)."""
    return path[:1] == "/" and path[2:3] == ":" and path[1:2].isalpha() and path[3:4] in ("/", "")


def _windows(path: str) -> str:
    """A Windows path (`C:\\Users\\u\\.ssh\\id_rsa`, `..\\.env`, `\\\\server\\share`) in the form
    the rest of the analysis reads: `/` between names, the drive as a first component
    (`/C:/Users/u/.ssh/id_rsa`), and each name as Windows opens it: without trailing dots
    or blanks, and without an NTFS stream (`.env::$DATA` and `.env.` are `.env`)."""
    head = ""
    if _DRIVE.match(path):
        head, path = "/" + path[0].upper() + ":", path[2:]
    elif _windows_dir(path):  # already in this form
        head, path = "/" + path[1].upper() + ":", path[3:]
    names = [_windows_name(n) for n in path.replace("\\", "/").split("/")]
    return head + "/".join(names)


def _windows_name(name: str) -> str:
    """One name of a Windows path as the system opens it."""
    if name in ("", ".", ".."):
        return name
    if len(name) == 2 and name[1] == ":" and name[0].isalpha():  # the drive of `\\?\C:\x`
        return name.upper()
    name = name.split(":", 1)[0]  # `x:stream` is a stream of `x`
    return name.rstrip(". ") or "."


def _home(path: str) -> str:
    return _HOME_VAR.sub("~", path) if path.startswith("$") else path


def _inside(path: str, root: str | None) -> bool:
    if root is None or root == ".":  # no directory known: a relative path that does not climb
        return not path.startswith(("/", "~", "?")) and path != ".." and not path.startswith("../")
    if root[0] == "/":
        return is_inside(path, root)
    # A relative directory (`repo`, `~`, `~/proj`): a path joined to it and normalised starts
    # with it when it stays inside (`~/../x` became `x`).
    return path == root or path.startswith(root.rstrip("/") + "/")


def _more_paths(args: Mapping[str, Any], patch_keys: frozenset[str]) -> bool:
    """`args` may name paths under other keys than `PATH_KEYS`: a `file:` URL, a Codex patch
    (under one of `patch_keys`), a path key spelt in camelCase (`filePath`)."""
    if not (_URL_KEY_SET.isdisjoint(args) and patch_keys.isdisjoint(args)):
        return True
    try:
        return not all(map(str.islower, args))  # one pass in C over the usual text keys
    except TypeError:  # a key that is not text: look at those that are
        return any(type(k) is str and not k.islower() for k in args)


def _other_paths(args: Mapping[str, Any], patch_keys: frozenset[str]) -> list[str]:
    """The paths `_more_paths` looks for: those of `file:` URLs, of the files a Codex patch
    writes, and of path keys in another spelling."""
    out: list[str] = []
    for key, value in args.items():
        if type(key) is not str:
            continue
        if key in _URL_KEY_SET:
            if isinstance(value, str) and _FILE_URL.match(value.strip()):
                out.append(value)
        elif key in patch_keys:
            if isinstance(value, str):
                out.extend(codex_patch_files(value))
            elif value is not None:
                out.append(UNREADABLE)  # a patch's files cannot be read from it
        elif not key.islower() and key not in _PATH_KEY_SET:
            folded = _FOLDED_KEYS.get(key.lower().replace("_", "").replace("-", ""))
            if folded is not None and folded not in args:
                out.extend(_texts(value))
    return out


def _texts(value: Any) -> list[str]:
    """The paths of a path argument: its text, or the texts of its list (at most
    `MAX_PATHS`, the last of them `TOO_MANY` when the list is longer); `UNREADABLE` for
    anything else that is there (a number, a dict)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        cut = len(value) > MAX_PATHS
        items = value[: MAX_PATHS - 1] if cut else value
        texts = [v for v in items if isinstance(v, str)]
        if len(texts) != len(items):
            texts.append(UNREADABLE)
        if cut:
            texts.append(TOO_MANY)
        return texts
    return [] if value is None else [UNREADABLE]


def command_paths(cmd: Command) -> list[str]:
    """The paths one shell command reads or writes."""
    reads = cmd.reads_from
    out = [*write_targets(cmd), *reads] if reads else list(write_targets(cmd))
    program = cmd.program
    if program in FILE_READERS:
        operands = awk_files(cmd) if program in AWKS else file_operands(cmd)
        if program in SCRIPT_FIRST:  # `python3 x.py ~/.ssh/id_rsa`: what the script is given
            operands = [*operands[:1], *filter(_leaves, _words_like_paths(cmd.args))]
        elif program in PATTERN_FIRST or program in MODE_FIRST:
            scripted = (
                program in ("sed", "grep", "rg", "perl")
                and any(f in ("e", "f", "expression", "regexp", "file") for f in cmd.flags)
            ) or (program in ("jq", "yq") and any(f in ("f", "from-file") for f in cmd.flags))  # `jq -f F`
            operands = operands if scripted else operands[1:]
        out.extend(operands)
        if program == "sed":
            out.extend(sed_files(cmd)[0])  # and the files it writes, among `write_targets`
        if program in READ_OPTIONS:
            out.extend(option_files(cmd))
    elif program == "find":  # its tests hold patterns (`-name '*.json'`), not paths
        out.extend(find_starts(cmd.args))
        if "-files0-from" in cmd.args:  # the names it starts from, which its errors print
            at = cmd.args.index("-files0-from")
            out.extend(cmd.args[at + 1 : at + 2])
    elif program == "git" and "grep" in cmd.args and cmd.subcommand == "grep":  # `git grep PAT -- PATHS`
        rest = cmd.args[cmd.args.index("--") + 1 :] if "--" in cmd.args else []
        out.extend(rest)
        out.extend(option_values(cmd.args, "f", ("file",), "efABCm"))  # `git grep -f F`
    else:
        args = cmd.args
        if program in _CONTAINERS and any(a.startswith(_MOUNT_OPTIONS) for a in args):
            sources, args = _mount_split(args)
            out.extend(sources)
        if program in COPIERS and any(a.startswith(_PATTERN_OPTIONS) for a in args):
            args = _without_patterns(args, keep_includes=bool(copy_sources(cmd)))
        out.extend(_words_like_paths(args))
    opened = cmd.code_reads if program[:6] == "python" else None  # `python3 -c "open('.env')"`
    if not out:
        return list(opened) if opened else out
    paths = [p for p in dict.fromkeys(out) if p and not ("://" in p and _url_only(p))]
    return [*paths, *opened] if opened else paths  # `open('a://../.env')` opens a path


def _url_only(word: str) -> bool:
    """`word` is a URL, not a path: it does not climb (`_CLIMBS`)."""
    return _URL.match(word) is not None and _CLIMBS.search(word) is None


def _leaves(path: str) -> bool:
    """`path` may lie outside the directory it is named from: absolute, in a home, named by a
    variable, or climbing (`../x`). A script's relative arguments are the project's own files
    (`python3 app.py --env-file .env`), read where the script runs near secrets (`_judge`)."""
    return path[:1] in ("/", "~", "$") or path == ".." or path[:3] == "../" or "/.." in path


def _words_like_paths(args: list[str]) -> list[str]:
    """The words of `args` that look like paths (`_path_like`), each once: those of a program
    whose paths are not known, which may read any of them."""
    out: list[str] = []
    for arg in dict.fromkeys(args) if len(args) > 1 else args:
        if arg[:1] == "-" and "=" not in arg:
            continue  # a flag (`-la`, `--force`): what `_path_like` says, without its work
        path = _path_like(arg)
        if path:
            out.append(path)
    return out


_PATTERN_OPTIONS = ("--exclude", "--include")
"""Options of copiers and archivers whose values are name patterns (`aws s3 sync s3://b .
--include '*.json'`, `tar --exclude='*.key'`), not paths. Only theirs: another program's
`--include=FILE` may read the file (gcc's does)."""


def _without_patterns(args: list[str], keep_includes: bool) -> list[str]:
    """`args` without the values of `_PATTERN_OPTIONS`: an excluded name is never read, and
    an included one is only a filter on what a download writes. When the command reads
    local files whole (`keep_includes`: an upload or an archive), an include pattern names
    what it takes (`aws s3 sync . s3://b --include '*.pem'`) and stays."""
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        option = arg.partition("=")[0]
        if option in _PATTERN_OPTIONS and not (keep_includes and option == "--include"):
            skip = "=" not in arg  # `--exclude PATTERN`: the next word is its value
            continue
        out.append(arg)
    return out


def _path_like(arg: str) -> str:
    """`arg` if it looks like a path (`./x`, `~/x`, `a/b`, `k=@/x`, `@file`), else ""."""
    if arg.isalnum():  # a plain word (`status`, `main`): none of the tests below applies
        return arg if is_sensitive(arg) else ""
    if "=" in arg:
        arg = arg.split("=", 1)[1]
    if arg[:1] == "@":
        arg = arg.lstrip("@")
    if arg[:5].lower() == "file:":  # `curl file:///home/u/.ssh/id_rsa`: the local file it names
        return _file_url_path(arg)
    if not arg or arg[0] == "-" or _SPACE.search(arg) or ("://" in arg and _URL.match(arg)):
        return ""
    if arg.startswith(("/", "./", "../", "~", "$HOME")) or ("/" in arg and not arg.startswith(("'", '"'))):
        return arg
    return arg if is_sensitive(arg) else ""
