"""What Claude Code does without a rule: built-in approvals and the permission modes.

Read-only tools and read-only shell commands run without asking in every mode (inside the
working directories); `acceptEdits` also approves edits and common filesystem commands
there; `plan` runs only read-only tools; `bypassPermissions` approves everything but explicit
asks, denies and the `rm -rf /` circuit breaker; `dontAsk` denies whatever is not approved.
"""

from __future__ import annotations

from ._claude_rules import EDIT_TOOLS, EXAMPLE_CWD, READ_TOOLS
from ._model import RuleOut, Sample
from ._paths import workspace_cel
from ._patterns import cel_str
from ._shell import approvable, cel_list, matches_command, read_only_command

MODES = ("default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto")
DEFAULTS = {"default": "ask", "acceptEdits": "ask", "plan": "ask", "bypassPermissions": "allow",
            "dontAsk": "block", "auto": "ask"}  # fmt: skip
NO_PERMISSION_TOOLS = ("TodoWrite", "TodoRead", "Agent", "Task", "AskUserQuestion", "BashOutput",
                       "TaskOutput", "KillShell", "TaskStop")  # fmt: skip
FILE_COMMANDS = ("mkdir", "touch", "rm", "rmdir", "mv", "cp", "sed")
_PROTECTED = r"(?:^|/)\.(?:git|vscode|idea|husky|cargo|devcontainer|yarn|mvn|config/git)(?:/|$)"
_CLAUDE_DIR = r"(?:^|/)\.claude(?:/|$)"
_CLAUDE_FREE = r"(?:^|/)\.claude/(?:commands|agents|skills)(?:/|$)"
_ROOT_OR_HOME = ("/", "/*", "~", "~/", "~/*", "$HOME", "${HOME}", "$HOME/", "${HOME}/")


def _ex(tool: str, **args: object) -> Sample:
    return Sample(tool, dict(args), {"cwd": EXAMPLE_CWD})


def builtin_rules(mode: str, directories: list[str]) -> list[RuleOut]:
    """The rules that stand for Claude Code's own behaviour in `mode`."""
    if mode == "bypassPermissions":
        return [_circuit_breaker()]
    rules = [_reads(directories), _no_permission(), _read_only_shell(directories)]
    if mode == "acceptEdits":
        rules += [_accept_edits(directories), _accept_file_commands(directories)]
    if mode == "plan":
        rules.append(_plan())
    return rules


def _reads(directories: list[str]) -> RuleOut:
    return RuleOut(
        "claude-builtin-read", "allow", READ_TOOLS, workspace_cel(directories),
        ("Claude Code: read-only tools run without asking inside the working directories",),
        sample=_ex("Read", file_path=f"{EXAMPLE_CWD}/src/app.py"),
    )  # fmt: skip


def _no_permission() -> RuleOut:
    return RuleOut(
        "claude-builtin-no-permission", "allow", NO_PERMISSION_TOOLS, None,
        ("Claude Code: tools that never need a permission (todo lists, sub-agents, questions)",),
        sample=_ex("TodoWrite", todos=[]),
    )  # fmt: skip


def read_only_shell_cel(directories: list[str]) -> str:
    """Every command of the call is one Claude Code runs without asking, in the workspace."""
    return (
        f"!shell.unparsed && size(shell.commands) > 0 && ({workspace_cel(directories)})"
        f" && shell.commands.all(c, {read_only_command()})"
    )


def _read_only_shell(directories: list[str]) -> RuleOut:
    return RuleOut(
        "claude-builtin-read-only-bash", "allow", ("Bash",), read_only_shell_cel(directories),
        ("Claude Code: read-only commands (ls, cat, grep, git status...) run without asking",),
        sample=_ex("Bash", command="git status && ls src"),
    )  # fmt: skip


def _unprotected() -> str:
    return (
        f"!path.paths.exists(p, p.matches({cel_str(_PROTECTED)}) || (p.matches({cel_str(_CLAUDE_DIR)})"
        f" && !p.matches({cel_str(_CLAUDE_FREE)})))"
    )


def _accept_edits(directories: list[str]) -> RuleOut:
    when = f"size(path.paths) > 0 && ({workspace_cel(directories)}) && {_unprotected()}"
    return RuleOut(
        "claude-mode-accept-edits", "allow", EDIT_TOOLS, when,
        ("defaultMode acceptEdits: file edits in the working directories run without asking,",
         "except in protected directories (.git, .claude, .vscode, .idea...)"),
        sample=_ex("Edit", file_path=f"{EXAMPLE_CWD}/src/app.py", old_string="a", new_string="b"),
    )  # fmt: skip


def _accept_file_commands(directories: list[str]) -> RuleOut:
    each = f"(c.program in {cel_list(FILE_COMMANDS)} && {approvable()}) || ({read_only_command()})"
    when = (
        f"!shell.unparsed && size(shell.commands) > 0 && size(path.paths) > 0"
        f" && ({workspace_cel(directories)}) && {_unprotected()} && shell.commands.all(c, {each})"
    )
    return RuleOut(
        "claude-mode-accept-edits-bash", "allow", ("Bash",), when,
        ("defaultMode acceptEdits: mkdir, touch, rm, rmdir, mv, cp and sed run without asking",
         "on paths in the working directories"),
        sample=_ex("Bash", command="mkdir -p build/out"),
    )  # fmt: skip


def _plan() -> RuleOut:
    read_only = f"!shell.unparsed && shell.commands.all(c, {read_only_command()})"
    when = f'!(tool == "Bash" && {read_only})'
    return RuleOut(
        "claude-mode-plan", "block", ("Bash", *EDIT_TOOLS), when,
        ("defaultMode plan: Claude Code only reads and runs read-only commands; edits and other",
         "commands are blocked, whatever the allow rules say"),
        reason="plan mode runs only read-only tools",
        sample=_ex("Edit", file_path=f"{EXAMPLE_CWD}/src/app.py", old_string="a", new_string="b"),
    )  # fmt: skip


def _circuit_breaker() -> RuleOut:
    recursive = '(c.has_flag("r") || c.has_flag("R") || c.has_flag("recursive"))'
    target = f"c.args.exists(a, a in {cel_list(_ROOT_OR_HOME)})"
    when = f'shell.commands.exists(c, c.program == "rm" && {recursive} && {target})'
    return RuleOut(
        "claude-mode-bypass-circuit-breaker", "ask", ("Bash",), when,
        ("defaultMode bypassPermissions: removing the filesystem root or home still asks",),
        sample=_ex("Bash", command="rm -rf ~"),
    )  # fmt: skip


def compound_allow(allows: list[tuple[str, tuple[str, ...]]], directories: list[str]) -> RuleOut | None:
    """Claude Code approves a compound command when every part is approved by some rule."""
    if not allows:
        return None
    union = "(?s)^(?:" + "|".join(rx.removeprefix("(?s)")[1:-1] for rx, _ in allows) + ")$"
    extra = tuple(dict.fromkeys(w for _, ws in allows for w in ws))
    by_rule = f"({approvable(extra)} && {matches_command(union)})"
    when = (
        f"!shell.unparsed && size(shell.commands) > 1"
        f" && shell.commands.all(c, {by_rule} || ({read_only_command()}))"
        f" && (({workspace_cel(directories)}) || shell.commands.all(c, {by_rule}))"
    )
    return RuleOut(
        "claude-allow-each-part", "allow", ("Bash",), when,
        ("Claude Code checks each part of a compound command (&&, ||, ;, |) on its own: the call",
         "is approved when every part is approved by some allow rule or is read-only"),
    )  # fmt: skip
