"""Files that ship with remit: the DSL grammar and the policies, in a wheel or a checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    """`<package>/<name>` in an installed wheel, `<checkout>/<name>` in a source tree."""
    installed = _HERE / name
    if installed.is_dir():
        return installed
    return _HERE.parent / name


def grammar_path(name: str = "policy.lark") -> Path:
    """The path of a grammar file."""
    return _data_dir("grammar") / name


def policies_dir() -> Path:
    """The folder of the policies remit ships."""
    return _data_dir("policies")


def shipped_policy(name: str) -> Path | None:
    """A shipped policy by name (`coding-agent`, `coding-agent.remit`), or None."""
    folder = policies_dir()
    for candidate in (name, f"{name}.yaml", f"{name}.remit"):
        path = folder / candidate
        if "/" not in name and path.is_file():
            return path
    return None


def resolve_policy(arg: str) -> Path:
    """A policy argument: a file if it exists, else a shipped policy of that name."""
    path = Path(arg)
    if path.exists():
        return path
    return shipped_policy(arg) or path
