"""The `remit` command's entry point: a hook call goes straight to the hook.

Claude Code and Codex CLI start `remit hook AGENT --policy P [--log L] [--log-durability D]
[--daemon]` for every tool call (the command `remit install` writes), so what that process
imports is paid per call. The click CLI (`cli.py`) and click itself cost about a fifth of it.
A command line of exactly that form is handed to `remit.hook.main_hook` here, with what the CLI would
have passed; any other (another command, `--help`, `--policy=P`, an option given twice, a
value that looks like an option or that the CLI would refuse) goes to the CLI, which parses
it as always, errors included.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # `typing` and `collections` cost a hook call milliseconds
if TYPE_CHECKING:
    from collections.abc import Sequence

HOOK_AGENTS = ("claude-code", "codex")
HOOK_OPTIONS = {"--policy": "policy", "--log": "log", "--log-durability": "log_durability"}


def main() -> None:
    """Run `remit` with `sys.argv`."""
    args = hook_args(sys.argv[1:])
    if args is None:
        from .cli import main as cli

        cli()
        return
    from .hookd import main_hook  # with --daemon, all a call answered by the daemon imports

    agent, policy, daemon = args["agent"], args["policy"], "daemon" in args
    log, durability = args.get("log"), args.get("log_durability")
    sys.exit(main_hook(agent, policy=policy, log=log, log_durability=durability, daemon=daemon))


def hook_args(argv: Sequence[str]) -> dict[str, str] | None:
    """`main_hook`'s arguments for a plain `hook AGENT --policy P ...` command line, else None."""
    if len(argv) < 4 or argv[0] != "hook" or argv[1] not in HOOK_AGENTS:
        return None
    if "_REMIT_COMPLETE" in os.environ:  # shell completion is click's
        return None
    found = {"agent": argv[1]}
    at = 2
    while at < len(argv):
        option = argv[at]
        name = "daemon" if option == "--daemon" else HOOK_OPTIONS.get(option)
        if name is None or name in found:
            return None  # the CLI says what it thinks of an unknown or repeated option
        if name == "daemon":  # a flag
            found[name] = ""
            at += 1
            continue
        value = argv[at + 1] if at + 1 < len(argv) else ""
        if not value or value.startswith("-"):
            return None
        found[name] = value
        at += 2
    if "policy" not in found or ("log_durability" in found and "log" not in found):
        return None
    if "log" in found and os.path.isdir(found["log"]):  # the CLI's `--log` takes a file
        return None
    if "log_durability" in found:
        from .durability import Durability

        try:
            found["log_durability"] = str(Durability.parse(found["log_durability"]))
        except ValueError:
            return None
    return found
