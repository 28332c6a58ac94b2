"""Add remit's hooks to Claude Code's or Codex CLI's settings, and take them out again.

Both agents read hooks from JSON of the same shape (`{"hooks": {"PreToolUse": [{"matcher": "*",
"hooks": [{"type": "command", "command": "..."}]}]}}`): Claude Code from `.claude/settings.json`
(project), `.claude/settings.local.json` (local) or `~/.claude/settings.json` (user); Codex from
`.codex/hooks.json` (project) or `~/.codex/hooks.json` (user). `PreToolUse` decides each call.
With a decision log, the events that say when a turn starts and stops and what became of a
call (`UserPromptSubmit`, `Stop`, `PostToolUse`, ...) are registered too: the hook records
them in the log for the oversight report. Everything else in the file is kept, in its order;
installing twice leaves one entry per event; uninstalling removes only remit's entries, found
by their command (`remit hook <agent> ...`). A file remit cannot read as a JSON object is left
untouched and reported.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import tempfile
from pathlib import Path
from typing import Any

from .errors import RemitError

MATCH_ALL = "*"
"""The matcher for every tool, in both agents."""

SETTINGS = {
    "claude-code": {
        "project": ".claude/settings.json",
        "local": ".claude/settings.local.json",
        "user": "~/.claude/settings.json",
    },
    "codex": {"project": ".codex/hooks.json", "user": "~/.codex/hooks.json"},
}
"""Where each agent reads hooks from, by scope (`~` is the home directory)."""

DECIDE = "PreToolUse"
OBSERVED_EVENTS = {
    "claude-code": ("UserPromptSubmit", "Stop", "PostToolUse", "PostToolUseFailure"),
    "codex": ("UserPromptSubmit", "Stop", "PostToolUse"),
}
"""The events registered beside `PreToolUse` when there is a decision log to record them in."""
TOOL_EVENTS = frozenset({"PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest"})
"""Events whose groups take a tool matcher; the others have none."""


class InstallError(RemitError):
    """A hook could not be installed or removed; the settings file was left untouched."""


def settings_path(agent: str, scope: str, *, cwd: Path, home: Path) -> Path:
    """The settings file of `agent` for `scope` (project, local or user)."""
    scopes = SETTINGS.get(agent)
    if scopes is None:
        raise InstallError(f"unknown agent `{agent}` (known: {', '.join(SETTINGS)})")
    relative = scopes.get(scope)
    if relative is None:
        raise InstallError(f"unknown scope `{scope}` for {agent} (known: {', '.join(scopes)})")
    if relative.startswith("~/"):
        return home / relative[2:]
    return cwd / relative


def hook_command(
    agent: str,
    policy: str,
    *,
    executable: str = "remit",
    log: str | None = None,
    decides: bool = True,
    daemon: bool = False,
) -> str:
    """The command the agent runs: `remit hook <agent> --policy <policy> [--log <log>]
    [--daemon] || exit 2`.

    Both agents run the tool when a hook exits with a code other than 0 or 2 (remit not on the
    PATH: 127; a broken installation: 1). `|| exit 2` turns those into a block, with the shell's
    or Python's message on stderr as the reason. remit itself always exits 0 with its verdict.
    The observed events (`decides=False`) get no `|| exit 2`: exit code 2 would block a prompt
    or keep the agent from stopping, and a hook of those that cannot start must not.
    """
    parts = [executable, "hook", agent, "--policy", policy]
    if log is not None:
        parts += ["--log", log]
    if daemon:
        parts.append("--daemon")
    return shlex.join(parts) + (" || exit 2" if decides else "")


def is_remit_hook(command: Any, agent: str) -> bool:
    """True for a command remit installed for `agent` (`remit hook <agent> ...`, any path to remit)."""
    if not isinstance(command, str):
        return False
    try:
        argv = shlex.split(command)
    except ValueError:
        return False
    return len(argv) >= 3 and Path(argv[0]).name in ("remit", "remit.exe") and argv[1:3] == ["hook", agent]


def install(
    agent: str,
    scope: str,
    *,
    policy: str,
    cwd: Path,
    home: Path,
    executable: str = "remit",
    log: str | None = None,
    daemon: bool = False,
) -> Path:
    """Add (or update) remit's hooks for `agent`; the file is written only if it changes.

    `PreToolUse` always; with a `log`, the events of `OBSERVED_EVENTS` too (without one there
    is nowhere to record them, and each would start a process for nothing). With `daemon`,
    every hook command gets `--daemon` (see `remit.hookd`).
    """
    path = settings_path(agent, scope, cwd=cwd, home=home)
    log_arg = str((cwd / log).resolve()) if log is not None else None
    target = policy_argument(policy, cwd)
    settings = read_settings(path)

    def command(decides: bool) -> str:
        return hook_command(agent, target, executable=executable, log=log_arg, decides=decides, daemon=daemon)

    wanted = {DECIDE: command(True)}
    if log_arg is not None:
        observe = command(False)
        wanted.update(dict.fromkeys(OBSERVED_EVENTS.get(agent, ()), observe))
    hooks = _hooks(settings, path, create=True)
    changed = [_place(_groups(hooks, event, path, create=True), event, agent, command)
               for event, command in wanted.items()]  # fmt: skip
    stale = [e for e in _remit_events(hooks, path, agent) if e not in wanted]
    for event in stale:  # installed before with a log, now without: take them out
        changed.append(_remove_event(hooks, event, path, agent))
    if any(changed):
        _drop_empty(settings, stale)
        write_settings(path, settings)
    return path


def _place(groups: list[Any], event: str, agent: str, command: str) -> bool:
    """Put remit's handler with `command` in an event's groups; True if anything changed."""
    found = [h for g in groups for h in _handlers(g) if is_remit_hook(h.get("command"), agent)]
    if found and all(h.get("command") == command for h in found):
        return False
    if found:
        for handler in found:  # a new policy or path to remit: update in place, keep one entry
            handler["command"] = command
    else:
        group: dict[str, Any] = {"matcher": MATCH_ALL} if event in TOOL_EVENTS else {}
        group["hooks"] = [{"type": "command", "command": command}]
        groups.append(group)
    return True


def uninstall(agent: str, scope: str, *, cwd: Path, home: Path) -> bool:
    """Remove remit's hooks for `agent` (and the containers they leave empty); True if removed."""
    path = settings_path(agent, scope, cwd=cwd, home=home)
    if not path.exists():
        return False
    settings = read_settings(path)
    hooks = _hooks(settings, path, create=False)
    events = _remit_events(hooks, path, agent)
    removed = [_remove_event(hooks, e, path, agent) for e in events]
    if any(removed):
        _drop_empty(settings, events)
        write_settings(path, settings)
    return any(removed)


def _remit_events(hooks: dict[str, Any], path: Path, agent: str) -> list[str]:
    """The events that hold a handler of remit's for `agent` (PreToolUse's shape is checked)."""
    _groups(hooks, DECIDE, path, create=False)
    events = [e for e, groups in hooks.items() if isinstance(groups, list)]
    return [e for e in events if any(is_remit_hook(h.get("command"), agent)
                                     for g in hooks[e] for h in _handlers(g))]  # fmt: skip


def _remove_event(hooks: dict[str, Any], event: str, path: Path, agent: str) -> bool:
    """Take remit's handlers out of one event's groups, dropping the groups they empty."""
    groups = _groups(hooks, event, path, create=False)
    removed = {id(g) for g in groups if _remove_from(g, agent)}
    groups[:] = [g for g in groups if id(g) not in removed or g["hooks"]]
    return bool(removed)


def _remove_from(group: Any, agent: str) -> bool:
    """Take remit's handlers out of a matcher group; True if there were any."""
    if not _handlers(group):
        return False
    handlers = group["hooks"]
    kept = [h for h in handlers if not (isinstance(h, dict) and is_remit_hook(h.get("command"), agent))]
    group["hooks"] = kept
    return len(kept) != len(handlers)


def policy_argument(policy: str, cwd: Path) -> str:
    """The policy as the hook gets it: an absolute path, or the name of a shipped policy."""
    from .resources import shipped_policy

    path = Path(policy) if Path(policy).is_absolute() else cwd / policy
    if path.is_file():
        return str(path.resolve())
    if shipped_policy(policy) is not None:
        return policy
    raise InstallError(f"no policy `{policy}`: give a policy file or the name of a shipped policy")


# -- reading and writing settings -----------------------------------------------------------


def read_settings(path: Path) -> dict[str, Any]:
    """The settings as a JSON object ({} for a missing or empty file); `InstallError` otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InstallError(f"cannot read `{path}`: {exc}") from None
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InstallError(
            f"`{path}` is not valid JSON ({exc.msg} at {where}); it was left untouched"
        ) from None
    except ValueError:  # an integer past Python's digit limit
        raise InstallError(
            f"`{path}` is not usable JSON (a number has too many digits); it was left untouched"
        ) from None
    except RecursionError:
        raise InstallError(
            f"`{path}` is not usable JSON (it nests too deeply); it was left untouched"
        ) from None
    if not isinstance(value, dict):
        raise InstallError(f"`{path}` does not hold a JSON object; it was left untouched")
    return value


def write_settings(path: Path, settings: dict[str, Any]) -> None:
    """Write the settings (2-space indent, key order kept) atomically, keeping the file's mode.

    A settings file that is a symbolic link (to a dotfile manager's copy, say) is written
    through: the file it points to is replaced, and the link stays a link.
    """
    try:
        _replace(path.resolve(), json.dumps(settings, indent=2, ensure_ascii=False) + "\n")
    except (OSError, RuntimeError) as exc:  # a read-only folder, a full disk, a symlink loop
        raise InstallError(f"cannot write `{path}`: {getattr(exc, 'strerror', None) or exc}") from None


def _replace(path: Path, text: str) -> None:
    """Replace `path` by a file holding `text`, atomically (written aside, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _hooks(settings: dict[str, Any], path: Path, *, create: bool) -> dict[str, Any]:
    """The `hooks` object (made when `create`); `InstallError` if it has another shape."""
    hooks = settings.setdefault("hooks", {}) if create else settings.get("hooks", {})
    if not isinstance(hooks, dict):
        raise InstallError(f"`hooks` in `{path}` is not a JSON object; it was left untouched")
    return hooks


def _groups(hooks: dict[str, Any], event: str, path: Path, *, create: bool) -> list[Any]:
    """The `hooks.<event>` list (made when `create`); `InstallError` if it has another shape."""
    groups = hooks.setdefault(event, []) if create else hooks.get(event, [])
    if not isinstance(groups, list):
        raise InstallError(f"`hooks.{event}` in `{path}` is not a list; it was left untouched")
    return groups


def _handlers(group: Any) -> list[dict[str, Any]]:
    """The hook handlers of a matcher group (nothing for a group of an unknown shape)."""
    if not isinstance(group, dict) or not isinstance(group.get("hooks"), list):
        return []
    return [h for h in group["hooks"] if isinstance(h, dict)]


def _drop_empty(settings: dict[str, Any], events: list[str]) -> None:
    """Remove the lists of `events` that remit's changes left empty, and `hooks` if it is empty."""
    hooks = settings.get("hooks")
    if isinstance(hooks, dict):
        for event in events:
            if hooks.get(event) == []:
                del hooks[event]
    if hooks == {}:
        del settings["hooks"]
