"""CEL conditions over the `path` analyzer for Claude Code's gitignore-style path rules.

Anchors: `//p` is absolute, `~/p` is under a home directory, `/p` is under the project
root (remit: `ctx.cwd`), `./p` and `p` are under the current directory; a bare name with no
`/` matches at any depth, as in gitignore.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._patterns import cel_str, glob_regex

HOME = "(?:~|/home/[^/]+|/Users/[^/]+|/root)"
"""Home directories, as the path analyzer reports them (`~` kept) or resolved."""


@dataclass(frozen=True)
class PathPattern:
    """A path rule's pattern: a regex over absolute paths, or over paths below the cwd."""

    absolute: str | None
    relative: str | None


def path_pattern(spec: str) -> PathPattern:
    """Read a Read/Edit specifier (`./.env`, `src/**`, `//etc/**`, `~/.ssh/**`)."""
    if spec.startswith("//"):
        return PathPattern(f"^/{glob_regex(spec[2:])}$", None)
    if spec.startswith("~/"):
        return PathPattern(f"^{HOME}/{glob_regex(spec[2:])}$", None)
    if spec.startswith(("/", "./")):
        return PathPattern(None, f"^{glob_regex(spec.split('/', 1)[1])}$")
    anywhere = "/" not in spec.rstrip("/")
    body = ("(?:.*/)?" if anywhere else "") + glob_regex(spec)
    return PathPattern(None, f"^{body}$")


def path_matches(pattern: PathPattern, var: str = "p") -> str:
    """Path `var` matches `pattern`."""
    if pattern.absolute is not None:
        return f"{var}.matches({cel_str(pattern.absolute)})"
    rx = cel_str(pattern.relative or "^$")
    below_cwd = (
        f'(ctx.cwd != "" && {var}.startsWith(ctx.cwd + "/")'
        f" && {var}.substring(size(ctx.cwd) + 1).matches({rx}))"
    )
    relative = f'(!{var}.startsWith("/") && !{var}.startsWith("~") && {var}.matches({rx}))'
    return f"({below_cwd} || {relative})"


def all_paths(pattern: PathPattern) -> str:
    """The call touches paths and every one matches (an allow)."""
    return f"size(path.paths) > 0 && path.paths.all(p, {path_matches(pattern)})"


def any_path(pattern: PathPattern) -> str:
    """Some path of the call matches (a deny or ask)."""
    return f"path.paths.exists(p, {path_matches(pattern)})"


def directory_cel(directory: str) -> str | None:
    """Path `p` is in an additional working directory; None if remit cannot say."""
    directory = directory.rstrip("/") or "/"
    if directory.startswith("/"):
        return f"(p == {cel_str(directory)} || p.startsWith({cel_str(directory + '/')}))"
    if directory.startswith("~/"):
        return f"p.matches({cel_str('^' + HOME + '/' + _literal(directory[2:]) + '(?:/.*)?$')})"
    parts = directory.removeprefix("./").split("/")
    if ".." in parts[1:] or any(p in ("", ".") for p in parts):
        return None
    base = 'ctx.cwd.substring(0, ctx.cwd.lastIndexOf("/"))' if parts[0] == ".." else "ctx.cwd"
    rest = "/".join(parts[1:] if parts[0] == ".." else parts)
    prefix = f'{base} + "/" + {cel_str(rest)}' if rest else base
    return f'(ctx.cwd != "" && (p == {prefix} || p.startsWith({prefix} + "/")))'


def _literal(text: str) -> str:
    return glob_regex(text).removesuffix("(?:/.*)?")


def workspace_cel(directories: list[str]) -> str:
    """Every path of the call is in the workspace or an additional directory (CEL over `p`)."""
    extra = [c for d in directories if (c := directory_cel(d))]
    if not extra:
        return "path.inside_workspace"
    own = (
        '((ctx.cwd != "" && (p == ctx.cwd || p.startsWith(ctx.cwd + "/")))'
        ' || (ctx.cwd == "" && !p.startsWith("/") && !p.startsWith("~") && !p.startsWith("..")))'
    )
    return f"path.paths.all(p, {' || '.join([own, *extra])})"
