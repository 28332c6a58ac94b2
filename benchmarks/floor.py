"""The floor: `policies/bench-50.yaml` written by hand as plain Python closures, no CEL.

This is what a decision costs when someone hand-codes the policy for exactly these tools:
a dict from tool name to its ratings and rules (each a closure over the call), the same
precedence as remit (block > ask > allow, then the routes over the highest ratings), and
the same analyzer functions for the `shell` and `path` facts, computed at most once per call.
Nothing is logged and no reasons are kept: only the decision. Every closure mirrors one
entry of the YAML file, under the same id; keep the two in step.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from remit.analyzers.path import PathFacts, path_facts
from remit.analyzers.shell import Command, ShellFacts, shell_facts

ALLOW, ASK, BLOCK = "allow", "ask", "block"
REVERSIBLE, RECOVERABLE, IRREVERSIBLE = 0, 1, 2


class Facts:
    """What a closure sees: the call, its analyzer facts (computed on first use), its ratings."""

    __slots__ = ("_path", "_shell", "args", "autonomy", "ctx", "cwd", "risk", "tool")

    def __init__(self, tool: str, args: dict[str, Any], ctx: Mapping[str, Any]) -> None:
        self.tool = tool
        self.args = args
        self.ctx = ctx
        cwd = ctx.get("cwd")
        self.cwd: str | None = cwd if isinstance(cwd, str) and cwd else None
        self.risk = 0
        self.autonomy = 0
        self._shell: ShellFacts | None = None
        self._path: PathFacts | None = None

    @property
    def shell(self) -> ShellFacts:
        """The parsed shell command (empty for other tools)."""
        if self._shell is None:
            self._shell = shell_facts(self.tool, self.args, self.cwd)
        return self._shell

    @property
    def path(self) -> PathFacts:
        """The paths the call touches."""
        if self._path is None:
            self._path = path_facts(self.tool, self.args, self.cwd, self.shell)
        return self._path

    def in_workspace(self, key: str = "file_path") -> bool:
        """`args[key].startsWith(ctx.cwd + "/")`."""
        value: str = self.args[key]
        return value.startswith(self.ctx.get("cwd", "") + "/")


Pred = Callable[[Facts], bool]


@dataclass(frozen=True, slots=True)
class Rating:
    """A rating entry: when `when` holds (or always), these ratings (None: not rated)."""

    id: str
    tools: tuple[str, ...]
    when: Pred | None
    risk: int | None
    reversibility: int | None


@dataclass(frozen=True, slots=True)
class Rule:
    """An explicit decision entry: `route` when `when` holds."""

    id: str
    tools: tuple[str, ...]
    route: str
    when: Pred


FILES = ("Edit", "MultiEdit", "Write")
READ_ONLY = ("Read", "Grep", "Glob", "LS", "WebSearch", "TodoWrite", "Task")
GH_PUSH = ("mcp__github__push_files", "mcp__github__create_or_update_file")
WIPE_TARGETS = frozenset({"/", "/*", "~", "~/", "$HOME"})
GIT_READS = frozenset({"status", "diff", "log", "show", "branch", "blame"})
PAYEES = frozenset({"ACME-PAYROLL", "ACME-RENT", "AWS-BILLING"})
HTTPS = re.compile("^https://")
WORLD_WRITABLE = re.compile("chmod +(-R +)?0?777")
INTERNAL = re.compile(r"^https?://(localhost|127\.|10\.|169\.254\.|192\.168\.)")
DOCS = re.compile(r"^https://(docs\.python\.org|pypi\.org|developer\.mozilla\.org|github\.com)/")


def _any_command(f: Facts, test: Callable[[Command], bool]) -> bool:
    """`shell.commands.exists(c, test(c))`."""
    return any(test(c) for c in f.shell.commands)


def _is_rm_r(c: Command) -> bool:
    return c.program == "rm" and c.has_flag("r")


RATINGS: tuple[Rating, ...] = (
    Rating("read-only", READ_ONLY, None, 1, REVERSIBLE),
    Rating("web-fetch", ("WebFetch",), None, 3, REVERSIBLE),
    Rating("plain-http", ("WebFetch",), lambda f: not HTTPS.search(f.args["url"]), 5, RECOVERABLE),
    Rating("workspace-edit", FILES, lambda f: f.in_workspace(), 2, REVERSIBLE),
    Rating("outside-edit", FILES, lambda f: not f.in_workspace(), 6, RECOVERABLE),
    Rating("ci-config-edit", FILES, lambda f: "/.github/workflows/" in f.args["file_path"], 5, None),
    Rating(
        "lockfile-edit",
        ("Edit", "Write"),
        lambda f: f.args["file_path"].endswith((".lock", "package-lock.json")),
        4,
        None,
    ),
    Rating("shell-baseline", ("Bash",), None, 2, REVERSIBLE),
    Rating("shell-network", ("Bash",), lambda f: f.shell.network, 4, RECOVERABLE),
    Rating(
        "shell-writes-outside",
        ("Bash",),
        lambda f: f.shell.writes_outside(f.ctx.get("cwd", "")),
        6,
        RECOVERABLE,
    ),
    Rating("recursive-delete", ("Bash",), lambda f: _any_command(f, _is_rm_r), 8, IRREVERSIBLE),
    Rating(
        "git-publish",
        ("Bash",),
        lambda f: _any_command(f, lambda c: c.program == "git" and c.arg(0) in ("push", "tag")),
        5,
        IRREVERSIBLE,
    ),
    Rating("in-place-sed", ("Bash",), lambda f: f.args["command"].startswith("sed -i"), 3, None),
    Rating("sudo", ("Bash",), lambda f: f.args["command"].startswith("sudo "), 7, RECOVERABLE),
    Rating(
        "github-read",
        ("mcp__github__get_*", "mcp__github__list_*", "mcp__github__search_*"),
        None,
        1,
        REVERSIBLE,
    ),
    Rating(
        "github-write",
        ("mcp__github__create_*", "mcp__github__update_*", "mcp__github__add_*"),
        None,
        3,
        RECOVERABLE,
    ),
    Rating("github-push", GH_PUSH, None, 4, RECOVERABLE),
    Rating("github-merge", ("mcp__github__merge_pull_request",), None, 5, RECOVERABLE),
    Rating("github-delete", ("mcp__github__delete_*",), None, 8, IRREVERSIBLE),
    Rating("email", ("send_email",), None, 4, IRREVERSIBLE),
    Rating("payment", ("transfer_money",), None, 6, IRREVERSIBLE),
    Rating("large-payment", ("transfer_money",), lambda f: f.args["amount"] > 1000, 8, None),
    Rating("calendar", ("create_calendar_event",), None, 2, RECOVERABLE),
    Rating("chat", ("mcp__slack__post_message",), None, 3, IRREVERSIBLE),
)
"""The `ratings:` of bench-50.yaml, in order."""


def _no_wipe(c: Command) -> bool:
    return _is_rm_r(c) and any(a in WIPE_TARGETS for a in c.args)


def _force_push_main(c: Command) -> bool:
    return (
        c.program == "git"
        and c.arg(0) == "push"
        and c.has_flag("force")
        and any(a in ("main", "master") for a in c.args)
    )


def _git_read(f: Facts) -> bool:
    shell = f.shell
    return not shell.unparsed and all(c.program == "git" and c.arg(0) in GIT_READS for c in shell.commands)


def _internal_mail(f: Facts) -> bool:
    return all(r.endswith("@acme.com") for r in f.args["to"]) and "attachments" not in f.args


def _external_attachments(f: Facts) -> bool:
    return "attachments" in f.args and any(not r.endswith("@acme.com") for r in f.args["to"])


RULES: tuple[Rule, ...] = (
    Rule("no-secret-access", ("Read", *FILES, "Grep", "Bash"), BLOCK, lambda f: f.path.sensitive),
    Rule(
        "no-dotenv-writes",
        ("Edit", "Write"),
        BLOCK,
        lambda f: f.args["file_path"].endswith((".env", ".env.local")),
    ),
    Rule("no-pipe-to-shell", ("Bash",), BLOCK, lambda f: f.shell.pipes_to_shell),
    Rule("no-wipe", ("Bash",), BLOCK, lambda f: _any_command(f, _no_wipe)),
    Rule("no-force-push-main", ("Bash",), BLOCK, lambda f: _any_command(f, _force_push_main)),
    Rule("no-world-writable", ("Bash",), BLOCK, lambda f: bool(WORLD_WRITABLE.search(f.args["command"]))),
    Rule(
        "containers-ask",
        ("Bash",),
        ASK,
        lambda f: f.args["command"].startswith(("docker ", "kubectl ", "terraform ")),
    ),
    Rule("installs-ask", ("Bash",), ASK, lambda f: f.shell.installs_packages),
    Rule("git-read", ("Bash",), ALLOW, _git_read),
    Rule(
        "bypass-mode-ask",
        ("Bash", *FILES),
        ASK,
        lambda f: f.ctx.get("permission_mode") == "bypassPermissions" and f.risk >= 4,
    ),
    Rule(
        "scripts-ask",
        ("Write",),
        ASK,
        lambda f: f.tool == "Write" and f.args["file_path"].endswith(".sh") and not f.in_workspace(),
    ),
    Rule("no-internal-hosts", ("WebFetch",), BLOCK, lambda f: bool(INTERNAL.search(f.args["url"]))),
    Rule("docs-allow", ("WebFetch",), ALLOW, lambda f: bool(DOCS.search(f.args["url"]))),
    Rule(
        "paste-sites-ask",
        ("WebFetch",),
        ASK,
        lambda f: "pastebin.com" in f.args["url"] or "transfer.sh" in f.args["url"],
    ),
    Rule("no-repo-deletion", ("mcp__github__delete_repository",), BLOCK, lambda f: True),
    Rule("no-push-to-main", GH_PUSH, BLOCK, lambda f: f.args["branch"] in ("main", "master")),
    Rule(
        "protected-repos-ask",
        ("mcp__github__push_files", "mcp__github__merge_pull_request"),
        ASK,
        lambda f: f.args["owner"] == "acme" and f.args["repo"] in ("infra", "payments", "auth"),
    ),
    Rule("own-sandbox-allow", ("mcp__github__*",), ALLOW, lambda f: f.args.get("owner") == "acme-bot"),
    Rule("no-mass-mail", ("send_email",), BLOCK, lambda f: len(f.args["to"]) > 20),
    Rule("internal-mail-allow", ("send_email",), ALLOW, _internal_mail),
    Rule("external-attachments-ask", ("send_email",), ASK, _external_attachments),
    Rule("payment-limit", ("transfer_money",), BLOCK, lambda f: f.args["amount"] > 10000),
    Rule(
        "payment-currencies",
        ("transfer_money",),
        BLOCK,
        lambda f: f.args["currency"] not in ("USD", "EUR", "GBP"),
    ),
    Rule(
        "known-payees-allow",
        ("transfer_money",),
        ALLOW,
        lambda f: f.args["amount"] <= 100 and f.args["to_account"] in PAYEES,
    ),
    Rule(
        "team-channels-allow",
        ("mcp__slack__post_message",),
        ALLOW,
        lambda f: f.args["channel"] in ("#dev", "#builds", "#standup"),
    ),
    Rule("no-deep-subagents", ("*",), BLOCK, lambda f: f.ctx.get("subagent_depth", 0) > 3),
)
"""The `rules:` of bench-50.yaml, in order."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What applies to one tool: its ratings, then its rules split by decision."""

    ratings: tuple[Rating, ...]
    blocks: tuple[Pred, ...]
    asks: tuple[Pred, ...]
    allows: tuple[Pred, ...]


def _matches(patterns: tuple[str, ...], tool: str) -> bool:
    return any(p == tool or fnmatch.fnmatchcase(tool, p) for p in patterns)


def entry_for(tool: str) -> Entry:
    """The ratings and rules whose tool patterns match `tool`, in declaration order."""
    rules = [r for r in RULES if _matches(r.tools, tool)]
    return Entry(
        ratings=tuple(r for r in RATINGS if _matches(r.tools, tool)),
        blocks=tuple(r.when for r in rules if r.route == BLOCK),
        asks=tuple(r.when for r in rules if r.route == ASK),
        allows=tuple(r.when for r in rules if r.route == ALLOW),
    )


class Floor:
    """The hand-written policy: `decide(tool, args, ctx)` returns "allow", "ask" or "block"."""

    def __init__(self) -> None:
        self.index: dict[str, Entry] = {}

    def decide(self, tool: str, args: dict[str, Any], ctx: Mapping[str, Any] | None = None) -> str:
        """The decision on one call; anything that fails counts as block (fail closed)."""
        entry = self.index.get(tool)
        if entry is None:
            entry = self.index[tool] = entry_for(tool)
        f = Facts(tool, args, ctx or {})
        try:
            return _decide(entry, f)
        except Exception:  # a closure that errors fails closed, like `on_error: block`
            return BLOCK


def _decide(entry: Entry, f: Facts) -> str:
    """Rate, then block > ask > allow among the rules, then the routes."""
    risk, reversibility = _rate(entry.ratings, f)
    f.risk = risk
    f.autonomy = _autonomy(f.ctx)
    for pred in entry.blocks:
        if pred(f):
            return BLOCK
    asks = [pred(f) for pred in entry.asks]  # all of them: an error anywhere blocks
    allows = [pred(f) for pred in entry.allows]
    if any(asks):
        return ASK
    if any(allows):
        return ALLOW
    return _route(risk, reversibility, f.autonomy)


def _rate(ratings: tuple[Rating, ...], f: Facts) -> tuple[int, int]:
    """The highest risk and reversibility of the matching ratings (unknown: 5, recoverable)."""
    risk = reversibility = -1
    for r in ratings:
        if r.when is not None and not r.when(f):
            continue
        if r.risk is not None and r.risk > risk:
            risk = r.risk
        if r.reversibility is not None and r.reversibility > reversibility:
            reversibility = r.reversibility
    return (5 if risk < 0 else risk), (RECOVERABLE if reversibility < 0 else reversibility)


def _autonomy(ctx: Mapping[str, Any]) -> int:
    """`min(10, 1 + steps_since_human / 5 + (3 if approvals are off))`, kept in 1..10."""
    steps: int = ctx.get("steps_since_human", 0)
    off = 3 if ctx.get("permission_mode") in ("bypassPermissions", "dontAsk") else 0
    return max(1, min(10, 1 + steps // 5 + off))


def _route(risk: int, reversibility: int, autonomy: int) -> str:
    """The routes: catastrophic, needs-a-human, low-risk."""
    if risk >= 9:
        return BLOCK
    if risk >= 5 or reversibility == IRREVERSIBLE or (autonomy >= 8 and risk >= 4):
        return ASK
    return ALLOW
