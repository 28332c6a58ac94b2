"""A peer row: bench-50 written as Cedar policies, run by cedarpy (Cedar's Rust evaluator).

Cedar answers one question, "is this request permitted?", with no arithmetic over the
answers; remit rates a call, then routes it. The mapping, in two Cedar evaluations per call
against one parsed `PolicySet` and an empty entity store:

1. **Rate** (`Action::"rate"`): each entry of `ratings:` is a `permit` whose `@id` carries
   its levels, `"rating:<risk>:<reversibility>:<id>"` (`-` when the entry leaves one unset).
   Cedar returns every satisfied permit as a reason; the glue takes the highest risk and
   reversibility among them (remit's unknown levels, 5 and recoverable, when none rates).
2. **Decide** (`Action::"decide"`), with `context.risk` and `context.reversibility` from
   step 1: each entry of `rules:` is a `permit` with `@id("<block|ask|allow>:<id>")`, each
   route one with `@id("route-<block|ask|allow>:<id>")`. The glue returns the strictest rule
   decision among the reasons (block > ask > allow); when no rule holds, the strictest route
   (bench-50 lists its routes block, ask, allow, so that is "the first route that holds").
   `low-risk` (`true`) always holds, so the default decision is never reached.

Any evaluation error (a missing or ill-typed argument: `args.amount` as a string, a Bash
call without `command`) makes the call block, like remit's `on_error: block`; Cedar skips a
policy that errors and reports it in `diagnostics.errors`, which the glue checks at both
steps. Every policy names its tools first (`context.tool == ...`, or `like` for a pattern
such as `mcp__github__get_*`), and Cedar's `&&` short-circuits, so a policy for another tool
never reads arguments it would not have.

The context is the call itself (`tool`, `args` as a record, `ctx` with remit's defaults)
plus facts computed in Python, because Cedar has no way to compute them:

- `shell` and `path`: remit's analyzers (`shell_facts`, `path_facts`), computed once per
  call and only for the tools whose entries read them, as the cel-python row does. Cedar
  has no quantifiers over a list of records, so `shell.commands.exists(c, ...)` and
  `.all(c, ...)` are passed as sets the conditions test with `contains`, `containsAny` and
  `containsAll`: `programs`, `git_subcommands` (`c.arg(0)` of every `git` command),
  `recursive_rm` and `recursive_rm_args` (`rm` with `-r` and its arguments),
  `force_push_args` (the arguments of every `git push --force`). `has_flag` and `arg` are
  the analyzer's own methods; `shell.writes_outside(ctx.cwd)` takes an argument, so it is
  passed evaluated, as `shell.writes_outside_cwd`.
- `derived`, for the four conditions that Cedar's expression language cannot state:
  `in_workspace` (`args.file_path.startsWith(ctx.cwd + "/")`: a `like` pattern must be a
  literal), `world_writable` (the regex `chmod +(-R +)?0?777`: Cedar has no regular
  expressions and `like` has no `+` repetition), `recipients` (`size(args.to)`: Cedar sets
  have no size, and would merge duplicates), `recipient_domains` (`"@" +` the text after the
  last `@` of each recipient, so that `r.endsWith("@acme.com")` for all or some `r` becomes
  `["@acme.com"].containsAll(...)` and its negation: Cedar cannot map over a set).
  Each is computed only when the argument it reads has the type the CEL condition needs;
  otherwise it is left out, and the policy that reads it errors, and the call blocks.

Everything else is Cedar: `startsWith`, `endsWith` and `contains` as `like "x*"`, `like
"*x"` and `like "*x*"`; the anchored URL regexes as alternatives of `like` prefixes (each
is a literal prefix, so this is exact); `x in [...]` as `[...].contains(x)`; `has` as
`has`; the autonomy expression, whose only use is `autonomy >= 8`, as the equivalent
`steps_since_human >= 35 || (approvals off && steps_since_human >= 20)` (Cedar has no
division; `min(10, ...)` and the clamp to 1..10 do not change a test against 8).

Nothing is excluded: all 403 calls are decided by this row and checked against
`Guard.check`. What would not carry over to other calls: Cedar has no floating-point numbers
and no `null`, so a call with a float or a `null` anywhere in its arguments fails to build a
request (cedarpy reports it as an error) and blocks, where remit might decide it; and an
argument object with a key `__entity` or `__extn` would be read as a Cedar entity or
extension value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib.metadata import version
from typing import Any

import cedarpy

from remit.analyzers.path import path_facts
from remit.analyzers.shell import ShellFacts, shell_facts

from .engines import Engine

REVERSIBILITY = ("reversible", "recoverable", "irreversible")
LEVELS = ("block", "ask", "allow")
CTX_DEFAULTS: dict[str, Any] = {
    "session_id": "", "turn_id": "", "agent_id": "", "user_id": "", "cwd": "",
    "permission_mode": "default", "steps_since_human": 0, "seconds_since_human": 0,
    "subagent_depth": 0, "user_session_count": 0, "environment": {}, "labels": {},
}  # fmt: skip
"""remit's context fields and their values when a call does not give them."""

SHELL_TOOLS = frozenset({"Bash"})
PATH_TOOLS = frozenset({"Read", "Edit", "MultiEdit", "Write", "Grep", "Bash"})
"""The tools whose entries read `shell` and `path` (the analyzers run only for them)."""
WORLD_WRITABLE = re.compile("chmod +(-R +)?0?777")

POLICIES = r"""
// ---- step 1: ratings (action "rate"); @id = "rating:<risk>:<reversibility>:<id>" ----------
@id("rating:1:reversible:read-only")
permit (principal, action == Action::"rate", resource) when {
  ["Read", "Grep", "Glob", "LS", "WebSearch", "TodoWrite", "Task"].contains(context.tool)
};
@id("rating:3:reversible:web-fetch")
permit (principal, action == Action::"rate", resource) when { context.tool == "WebFetch" };
@id("rating:5:recoverable:plain-http")
permit (principal, action == Action::"rate", resource) when {
  context.tool == "WebFetch" && !(context.args.url like "https://*")
};
@id("rating:2:reversible:workspace-edit")
permit (principal, action == Action::"rate", resource) when {
  ["Edit", "MultiEdit", "Write"].contains(context.tool) && context.derived.in_workspace
};
@id("rating:6:recoverable:outside-edit")
permit (principal, action == Action::"rate", resource) when {
  ["Edit", "MultiEdit", "Write"].contains(context.tool) && !context.derived.in_workspace
};
@id("rating:5:-:ci-config-edit")
permit (principal, action == Action::"rate", resource) when {
  ["Edit", "MultiEdit", "Write"].contains(context.tool)
  && context.args.file_path like "*/.github/workflows/*"
};
@id("rating:4:-:lockfile-edit")
permit (principal, action == Action::"rate", resource) when {
  ["Edit", "Write"].contains(context.tool)
  && (context.args.file_path like "*.lock" || context.args.file_path like "*package-lock.json")
};
@id("rating:2:reversible:shell-baseline")
permit (principal, action == Action::"rate", resource) when { context.tool == "Bash" };
@id("rating:4:recoverable:shell-network")
permit (principal, action == Action::"rate", resource) when {
  context.tool == "Bash" && context.shell.network
};
@id("rating:6:recoverable:shell-writes-outside")
permit (principal, action == Action::"rate", resource) when {
  context.tool == "Bash" && context.shell.writes_outside_cwd
};
@id("rating:8:irreversible:recursive-delete")
permit (principal, action == Action::"rate", resource) when {
  context.tool == "Bash" && context.shell.recursive_rm
};
@id("rating:5:irreversible:git-publish")
permit (principal, action == Action::"rate", resource) when {
  context.tool == "Bash" && context.shell.git_subcommands.containsAny(["push", "tag"])
};
@id("rating:3:-:in-place-sed")
permit (principal, action == Action::"rate", resource) when {
  context.tool == "Bash" && context.args.command like "sed -i*"
};
@id("rating:7:recoverable:sudo")
permit (principal, action == Action::"rate", resource) when {
  context.tool == "Bash" && context.args.command like "sudo *"
};
@id("rating:1:reversible:github-read")
permit (principal, action == Action::"rate", resource) when {
  context.tool like "mcp__github__get_*" || context.tool like "mcp__github__list_*"
  || context.tool like "mcp__github__search_*"
};
@id("rating:3:recoverable:github-write")
permit (principal, action == Action::"rate", resource) when {
  context.tool like "mcp__github__create_*" || context.tool like "mcp__github__update_*"
  || context.tool like "mcp__github__add_*"
};
@id("rating:4:recoverable:github-push")
permit (principal, action == Action::"rate", resource) when {
  ["mcp__github__push_files", "mcp__github__create_or_update_file"].contains(context.tool)
};
@id("rating:5:recoverable:github-merge")
permit (principal, action == Action::"rate", resource) when {
  context.tool == "mcp__github__merge_pull_request"
};
@id("rating:8:irreversible:github-delete")
permit (principal, action == Action::"rate", resource) when { context.tool like "mcp__github__delete_*" };
@id("rating:4:irreversible:email")
permit (principal, action == Action::"rate", resource) when { context.tool == "send_email" };
@id("rating:6:irreversible:payment")
permit (principal, action == Action::"rate", resource) when { context.tool == "transfer_money" };
@id("rating:8:-:large-payment")
permit (principal, action == Action::"rate", resource) when {
  context.tool == "transfer_money" && context.args.amount > 1000
};
@id("rating:2:recoverable:calendar")
permit (principal, action == Action::"rate", resource) when { context.tool == "create_calendar_event" };
@id("rating:3:irreversible:chat")
permit (principal, action == Action::"rate", resource) when { context.tool == "mcp__slack__post_message" };

// ---- step 2: rules and routes (action "decide"); @id = "<decision>:<id>", "route-<decision>:<id>"
@id("block:no-secret-access")
permit (principal, action == Action::"decide", resource) when {
  ["Read", "Edit", "MultiEdit", "Write", "Grep", "Bash"].contains(context.tool) && context.path.sensitive
};
@id("block:no-dotenv-writes")
permit (principal, action == Action::"decide", resource) when {
  ["Edit", "Write"].contains(context.tool)
  && (context.args.file_path like "*.env" || context.args.file_path like "*.env.local")
};
@id("block:no-pipe-to-shell")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "Bash" && context.shell.pipes_to_shell
};
@id("block:no-wipe")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "Bash" && context.shell.recursive_rm_args.containsAny(["/", "/*", "~", "~/", "$HOME"])
};
@id("block:no-force-push-main")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "Bash" && context.shell.force_push_args.containsAny(["main", "master"])
};
@id("block:no-world-writable")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "Bash" && context.derived.world_writable
};
@id("ask:containers-ask")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "Bash"
  && (context.args.command like "docker *" || context.args.command like "kubectl *"
      || context.args.command like "terraform *")
};
@id("ask:installs-ask")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "Bash" && context.shell.installs_packages
};
@id("allow:git-read")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "Bash" && !context.shell.unparsed
  && ["git"].containsAll(context.shell.programs)
  && ["status", "diff", "log", "show", "branch", "blame"].containsAll(context.shell.git_subcommands)
};
@id("ask:bypass-mode-ask")
permit (principal, action == Action::"decide", resource) when {
  ["Bash", "Edit", "MultiEdit", "Write"].contains(context.tool)
  && context.ctx.permission_mode == "bypassPermissions" && context.risk >= 4
};
@id("ask:scripts-ask")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "Write" && context.args.file_path like "*.sh" && !context.derived.in_workspace
};
@id("block:no-internal-hosts")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "WebFetch"
  && (context.args.url like "http://localhost*" || context.args.url like "https://localhost*"
      || context.args.url like "http://127.*" || context.args.url like "https://127.*"
      || context.args.url like "http://10.*" || context.args.url like "https://10.*"
      || context.args.url like "http://169.254.*" || context.args.url like "https://169.254.*"
      || context.args.url like "http://192.168.*" || context.args.url like "https://192.168.*")
};
@id("allow:docs-allow")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "WebFetch"
  && (context.args.url like "https://docs.python.org/*" || context.args.url like "https://pypi.org/*"
      || context.args.url like "https://developer.mozilla.org/*" || context.args.url like "https://github.com/*")
};
@id("ask:paste-sites-ask")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "WebFetch"
  && (context.args.url like "*pastebin.com*" || context.args.url like "*transfer.sh*")
};
@id("block:no-repo-deletion")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "mcp__github__delete_repository"
};
@id("block:no-push-to-main")
permit (principal, action == Action::"decide", resource) when {
  ["mcp__github__push_files", "mcp__github__create_or_update_file"].contains(context.tool)
  && ["main", "master"].contains(context.args.branch)
};
@id("ask:protected-repos-ask")
permit (principal, action == Action::"decide", resource) when {
  ["mcp__github__push_files", "mcp__github__merge_pull_request"].contains(context.tool)
  && context.args.owner == "acme" && ["infra", "payments", "auth"].contains(context.args.repo)
};
@id("allow:own-sandbox-allow")
permit (principal, action == Action::"decide", resource) when {
  context.tool like "mcp__github__*" && context.args has owner && context.args.owner == "acme-bot"
};
@id("block:no-mass-mail")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "send_email" && context.derived.recipients > 20
};
@id("allow:internal-mail-allow")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "send_email" && ["@acme.com"].containsAll(context.derived.recipient_domains)
  && !(context.args has attachments)
};
@id("ask:external-attachments-ask")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "send_email" && context.args has attachments
  && !["@acme.com"].containsAll(context.derived.recipient_domains)
};
@id("block:payment-limit")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "transfer_money" && context.args.amount > 10000
};
@id("block:payment-currencies")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "transfer_money" && !["USD", "EUR", "GBP"].contains(context.args.currency)
};
@id("allow:known-payees-allow")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "transfer_money" && context.args.amount <= 100
  && ["ACME-PAYROLL", "ACME-RENT", "AWS-BILLING"].contains(context.args.to_account)
};
@id("allow:team-channels-allow")
permit (principal, action == Action::"decide", resource) when {
  context.tool == "mcp__slack__post_message" && ["#dev", "#builds", "#standup"].contains(context.args.channel)
};
@id("block:no-deep-subagents")
permit (principal, action == Action::"decide", resource) when { context.ctx.subagent_depth > 3 };

// routes: used only when no rule above holds; autonomy >= 8 is stated over its inputs
@id("route-block:catastrophic")
permit (principal, action == Action::"decide", resource) when { context.risk >= 9 };
@id("route-ask:needs-a-human")
permit (principal, action == Action::"decide", resource) when {
  context.risk >= 5 || context.reversibility == "irreversible"
  || (context.risk >= 4
      && (context.ctx.steps_since_human >= 35
          || (["bypassPermissions", "dontAsk"].contains(context.ctx.permission_mode)
              && context.ctx.steps_since_human >= 20)))
};
@id("route-allow:low-risk")
permit (principal, action == Action::"decide", resource);
"""
"""bench-50 in Cedar: 24 ratings, 26 rules and 3 routes, each under the YAML entry's id."""


class CedarFailure(Exception):
    """A Cedar evaluation reported errors: the call fails closed."""


def _shell_context(
    tool: str, args: Mapping[str, Any], cwd: str | None, cwd_text: Any
) -> tuple[ShellFacts, dict[str, Any]]:
    """The shell analyzer's facts, and the context record the policies read from them."""
    shell = shell_facts(tool, args, cwd)
    commands = shell.commands
    rm_r = [c for c in commands if c.program == "rm" and c.has_flag("r")]
    git = [c for c in commands if c.program == "git"]
    return shell, {
        "unparsed": shell.unparsed,
        "network": shell.network,
        "pipes_to_shell": shell.pipes_to_shell,
        "installs_packages": shell.installs_packages,
        "writes_outside_cwd": shell.writes_outside(cwd_text),
        "programs": sorted({c.program for c in commands}),
        "git_subcommands": sorted({c.arg(0) for c in git}),
        "recursive_rm": bool(rm_r),
        "recursive_rm_args": sorted({a for c in rm_r for a in c.args}),
        "force_push_args": sorted(
            {a for c in git if c.arg(0) == "push" and c.has_flag("force") for a in c.args}
        ),
    }


def _derived(tool: str, args: Mapping[str, Any], cwd_text: Any) -> dict[str, Any]:
    """The facts Cedar's language cannot state (see the module docstring)."""
    out: dict[str, Any] = {}
    file_path = args.get("file_path")
    if isinstance(file_path, str) and isinstance(cwd_text, str):
        out["in_workspace"] = file_path.startswith(cwd_text + "/")
    command = args.get("command")
    if tool == "Bash" and isinstance(command, str):
        out["world_writable"] = WORLD_WRITABLE.search(command) is not None
    to = args.get("to")
    if isinstance(to, list) and all(isinstance(r, str) for r in to):
        out["recipients"] = len(to)
        out["recipient_domains"] = sorted({("@" + r.rpartition("@")[2]) if "@" in r else "" for r in to})
    return out


class CedarEngine:
    """Decides calls with cedarpy: "allow", "ask" or "block"; errors block."""

    def __init__(self) -> None:
        self.policies = cedarpy.PolicySet.from_str(POLICIES)
        self.entities = cedarpy.Entities.from_json_str("[]")
        self.principal = {"type": "Agent", "id": "agent"}
        self.rate = {"type": "Action", "id": "rate"}
        self.decide_action = {"type": "Action", "id": "decide"}

    def _ask(self, action: dict[str, str], tool: str, context: dict[str, Any]) -> list[str]:
        """The `@id`s of the satisfied permits; raise `CedarFailure` on any evaluation error."""
        result = cedarpy.is_authorized(
            {
                "principal": self.principal,
                "action": action,
                "resource": {"type": "Tool", "id": tool},
                "context": context,
            },
            self.policies,
            self.entities,
        )
        diagnostics = result.diagnostics
        if diagnostics.errors:
            raise CedarFailure(diagnostics.errors)
        ids: dict[str, str] = diagnostics.id_annotations_by_reason
        return [ids[r] for r in diagnostics.reasons]

    def decide(self, tool: str, args: dict[str, Any], ctx: Mapping[str, Any] | None = None) -> str:
        """The decision on one call."""
        try:
            return self._decide(tool, args, ctx or {})
        except Exception:  # fail closed, like remit's `on_error: block`
            return "block"

    def _decide(self, tool: str, args: dict[str, Any], ctx: Mapping[str, Any]) -> str:
        full = {**CTX_DEFAULTS, **ctx}
        cwd_text = full["cwd"]
        context: dict[str, Any] = {"tool": tool, "args": args, "ctx": full}
        if tool in SHELL_TOOLS or tool in PATH_TOOLS:
            cwd = cwd_text if isinstance(cwd_text, str) and cwd_text else None
            shell, context["shell"] = _shell_context(tool, args, cwd, cwd_text)
            if tool in PATH_TOOLS:
                context["path"] = {"sensitive": path_facts(tool, args, cwd, shell).sensitive}
        context["derived"] = _derived(tool, args, cwd_text)
        risk = rev = -1
        for found in self._ask(self.rate, tool, context):
            _, r, v, _ = found.split(":", 3)
            risk = max(risk, int(r))
            if v != "-":
                rev = max(rev, REVERSIBILITY.index(v))
        context["risk"] = 5 if risk < 0 else risk
        context["reversibility"] = REVERSIBILITY[1 if rev < 0 else rev]
        return _strictest(self._ask(self.decide_action, tool, context))


def _strictest(ids: list[str]) -> str:
    """block > ask > allow among the rules that hold; the routes only when none does."""
    kinds = {i.split(":", 1)[0] for i in ids}
    for prefix in ("", "route-"):
        for level in LEVELS:
            if prefix + level in kinds:
                return level
    return "ask"  # remit's `defaults: {decision: ask}` (never reached: low-risk always holds)


def cedar_engine() -> Engine:
    """cedarpy on bench-50 as Cedar policies."""
    return Engine(
        name="cedarpy (Cedar policies)",
        policy="bench-50",
        description=f"cedarpy {version('cedarpy')} `is_authorized` twice per call (rate, decide)",
        run=CedarEngine().decide,
        verdict=str,
    )
