"""The `remit` command: parse options, make one engine call, render, pick the exit code.

Exit codes: 0 success or allow, 1 error, 2 usage error, 3 ask, 4 block,
5 tests failed (or replay differences found).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_ASK, EXIT_BLOCK, EXIT_FAILED = 0, 1, 2, 3, 4, 5
DECISION_EXIT = {"allow": EXIT_OK, "ask": EXIT_ASK, "block": EXIT_BLOCK}
STYLE = {"allow": "green", "ask": "yellow", "block": "bold red"}


class _LazyConsole:
    """A rich `Console` made on first use: `remit hook` answers without loading rich at all."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def real(self) -> Console:
        """The console itself."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)

    def __enter__(self) -> Console:
        return self.real().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.real().__exit__(*exc)


def escape(text: str) -> str:
    """`text` with rich markup escaped (rich is imported on first use)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


out: Any = _LazyConsole(highlight=False, soft_wrap=True)
err: Any = _LazyConsole(stderr=True, highlight=False, soft_wrap=True)

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output for people or machines.",
)


def _durability(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from remit.durability import Durability

    try:
        return str(Durability.parse(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


LOG_DURABILITY_HELP = (
    "With --log: flush (the default: each record is handed to the OS), fsync (on disk before the "
    "answer) or interval:TIME (synced at most every TIME, e.g. interval:200ms). See docs/log.md."
)
LOG_DURABILITY = click.option(
    "--log-durability", callback=_durability, metavar="MODE", help=LOG_DURABILITY_HELP
)


def _log_options(log_path: str | None, durability: str | None) -> None:
    if durability is not None and log_path is None:
        raise click.UsageError("--log-durability needs --log")


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}")
    sys.exit(code)


def _json_arg(text: str | None, what: str) -> Any:
    """The JSON value of an option; any text Python cannot read is a usage error, never a traceback."""
    if text is None:
        return {}
    from . import strict_json

    try:
        return strict_json.loads(text)  # as `remit serve` and the hook read theirs: no `NaN`, no key twice
    except json.JSONDecodeError as exc:
        raise click.BadParameter(
            f"not valid JSON ({exc.msg} at column {exc.colno})", param_hint=what
        ) from None
    except ValueError as exc:  # what strict JSON refuses (a number out of a double's range included)
        raise click.BadParameter(f"not usable JSON ({exc})", param_hint=what) from None
    except RecursionError:
        raise click.BadParameter("not usable JSON (it nests too deeply)", param_hint=what) from None


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def _show_diagnostics(diagnostics: list[Any]) -> None:
    from remit.diagnostics import render

    sources: dict[str, str | None] = {}
    for d in diagnostics:
        if d.span.file not in sources:
            try:
                sources[d.span.file] = Path(d.span.file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                sources[d.span.file] = None
        colour = "red" if d.severity == "error" else "yellow"
        text = render(d, sources[d.span.file])
        first, _, rest = text.partition("\n")
        err.print(f"[{colour}]{escape(first)}[/]" + ("\n" + escape(rest) if rest else ""))


def _load(policy: str) -> Any:
    from remit.errors import PolicyError
    from remit.load import load_policy
    from remit.resources import resolve_policy

    try:
        return load_policy(resolve_policy(policy))
    except PolicyError as exc:
        _show_diagnostics(exc.diagnostics)
        _fail(f"`{policy}` has {len(exc.diagnostics)} problem(s)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="remit")
def main() -> None:
    """remit: rate each tool call an AI agent makes, route it to allow, ask or block, and log it."""
    for stream in (sys.stdout, sys.stderr):  # text that is no valid Unicode (`\ud800`) is printed escaped
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


@main.command()
@click.argument("policy")
@click.option("--tool", required=True, help="The tool's name, e.g. Bash.")
@click.option("--args", "args_json", help="The call's arguments as a JSON object.")
@click.option(
    "--ctx", "ctx_json", help="The context as a JSON object (cwd, session_id, permission_mode, ...)."
)
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append the decision to this log.")
@LOG_DURABILITY
@click.option(
    "--ask", "ask_human", is_flag=True, help="On ask, ask on this terminal: exit 0 if approved, 4 if not."
)
@click.option(
    "--ask-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    help="Seconds to wait for the answer (no answer denies).",
)
@FORMAT
def check(
    policy: str,
    tool: str,
    args_json: str | None,
    ctx_json: str | None,
    log_path: str | None,
    log_durability: str | None,
    ask_human: bool,
    ask_timeout: float,
    fmt: str,
) -> None:
    """Decide one tool call and explain the decision (exit 0 allow, 3 ask, 4 block)."""
    _log_options(log_path, log_durability)
    args = _json_arg(args_json, "--args")
    ctx = _json_arg(ctx_json, "--ctx")
    if not isinstance(ctx, dict):
        raise click.BadParameter("must be a JSON object", param_hint="--ctx")
    from remit.errors import LogError
    from remit.guard import Guard

    try:
        guard = Guard(_load(policy), log=log_path, log_durability=log_durability)
    except LogError as exc:
        _fail(str(exc))
    decision = guard.check(tool, args, ctx)
    if fmt == "json":
        _print_json(decision.as_dict())
    else:
        _explain(decision)
    code = DECISION_EXIT[decision.effective.value]
    if ask_human and code == EXIT_ASK:
        from remit.approval import TerminalApprover

        guard.ask, guard.ask_timeout = TerminalApprover(), ask_timeout
        code = EXIT_OK if guard.approve(decision) else EXIT_BLOCK  # the answer is logged as an outcome
    sys.exit(code)


def _explain(decision: Any) -> None:
    verdict = decision.decision.value
    style = STYLE[verdict]
    headline = f"[{style}]{verdict.upper()}[/] {escape(decision.tool)}"
    if decision.mode == "shadow":
        headline += "  [dim](shadow mode: would have decided this; the call is allowed)[/]"
    out.print(headline)
    r = decision.ratings
    rated = decision.rated_by
    out.print(f"  risk {r.risk} [dim]({escape(', '.join(rated.get('risk', ())))})[/]")
    out.print(f"  {r.reversibility} [dim]({escape(', '.join(rated.get('reversibility', ())))})[/]")
    out.print(f"  autonomy {r.autonomy} [dim]({escape(', '.join(rated.get('autonomy', ())))})[/]")
    out.print("decided by:")
    for reason in decision.reasons:
        message = f": {escape(reason.message)}" if reason.message else ""
        out.print(f"  {reason.kind} [bold]{escape(reason.id)}[/] → {reason.decision.value}{message}")
    for reason in decision.shadow:
        out.print(f"  [dim]shadow rule {escape(reason.id)} would have decided {reason.decision.value}[/]")
    for e in decision.errors:
        out.print(f"  [red]error in {escape(e.id)}[/]: {escape(e.message)}")
    out.print(
        f"[dim]policy {escape(decision.policy.name)} v{escape(decision.policy.version)},"
        f" {decision.latency_us:.0f} µs[/]"
    )


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True
)
def lint(paths: tuple[str, ...], fmt: str) -> None:
    """Check policies: load errors, suspicious rules, failing tests (exit 1 on errors)."""
    from remit.lint import expand, lint_paths

    resolved = _resolve_all(paths)
    diagnostics = lint_paths(resolved)
    errors = [d for d in diagnostics if d.severity == "error"]
    if fmt == "json":
        _print_json([d.as_dict() for d in diagnostics])
    elif fmt == "sarif":
        _print_json(_sarif(diagnostics))
    else:
        _show_diagnostics(diagnostics)
        files = len(list(expand(resolved)))
        summary = f"{files} file(s): {len(errors)} error(s), {len(diagnostics) - len(errors)} warning(s)"
        (err if errors else out).print(("[red]" if errors else "[green]") + summary + "[/]")
    sys.exit(EXIT_ERROR if errors else EXIT_OK)


def _resolve_all(paths: tuple[str, ...]) -> list[str | Path]:
    """Files, folders, or names of shipped policies; a missing one is an error."""
    from remit.lint import expand
    from remit.load import POLICY_SUFFIXES
    from remit.resources import resolve_policy

    resolved: list[str | Path] = [resolve_policy(p) for p in paths]
    missing = [p for p in resolved if not Path(p).exists()]
    if missing:
        _fail(f"no such file, folder or shipped policy: `{missing[0]}`")
    # a folder with none: a check of nothing passes nothing, beside other paths too
    empty = [given for given, path in zip(paths, resolved, strict=True) if next(expand([path]), None) is None]
    if empty:
        suffixes = ", ".join(f"*{s}" for s in sorted(POLICY_SUFFIXES))
        _fail(f"no policy file ({suffixes}) in `{'`, `'.join(empty)}`")
    return resolved


def _sarif(diagnostics: list[Any]) -> dict[str, Any]:
    results = [
        {
            "ruleId": d.code,
            "level": "error" if d.severity == "error" else "warning",
            "message": {"text": d.message + (f" ({d.hint})" if d.hint else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.span.file},
                        "region": {"startLine": d.span.line, "startColumn": d.span.column},
                    }
                }
            ],
        }
        for d in diagnostics
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "remit", "informationUri": "https://github.com/remit"}},
                "results": results,
            }
        ],
    }


@main.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@FORMAT
def test_cmd(paths: tuple[str, ...], fmt: str) -> None:
    """Run the policies' own tests (exit 5 if any fails)."""
    from remit.lint import expand
    from remit.load import check_policy
    from remit.testing import run_tests

    report, failed, total = [], 0, 0
    broken: list[tuple[Path, list[Any]]] = []  # policies that do not load: the others are still tested
    for path in expand(_resolve_all(paths)):
        policy, diagnostics = check_policy(path)
        if policy is None:
            broken.append((path, [d for d in diagnostics if d.severity == "error"]))
            continue
        for result in run_tests(policy):
            total += 1
            failed += not result.passed
            report.append((path, result))
    if fmt == "json":
        _print_json(
            [
                {
                    "file": str(path),
                    "test": r.title,
                    "passed": r.passed,
                    "problems": list(r.problems),
                    "decision": r.decision.decision.value,
                    "rules": [x.id for x in r.decision.reasons],
                }
                for path, r in report
            ]
            + [  # a policy that does not load: one entry with its errors, no test run
                {
                    "file": str(path),
                    "test": None,
                    "passed": False,
                    "problems": [f"{d.span}: {d.message}" for d in errors],
                    "decision": None,
                    "rules": [],
                }
                for path, errors in broken
            ]
        )
    else:
        _test_table(report)
        for path, errors in broken:
            _show_diagnostics(errors)
            err.print(
                f"[red]ERROR[/] {escape(str(path))}: the policy does not load, so its tests did not run"
            )
        colour = "red" if failed or broken else "green"
        loaded = f", {len(broken)} policy file(s) not loaded" if broken else ""
        out.print(f"[{colour}]{total - failed} passed, {failed} failed{loaded}[/]")
    sys.exit(EXIT_ERROR if broken else EXIT_FAILED if failed else EXIT_OK)


def _test_table(report: list[Any]) -> None:
    for path, r in report:
        if r.passed:
            out.print(f"[green]PASS[/] {escape(str(path))}: {escape(r.title)}")
            continue
        out.print(f"[red]FAIL[/] {escape(str(path))}: {escape(r.title)}")
        from rich.table import Table

        table = Table(show_header=True, box=None, padding=(0, 2))
        table.add_column("expected")
        table.add_column("actual")
        table.add_column("decided by")
        expect = r.test.expect
        wanted = expect.decision.value + (f" by {expect.rule}" if expect.rule else "")
        table.add_row(wanted, r.decision.decision.value, ", ".join(x.id for x in r.decision.reasons))
        out.print(table)
        for problem in r.problems:
            out.print(f"    {escape(problem)}")


@main.command()
@click.argument("policy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--against", help="A baseline policy: list every call whose decision changes.")
@click.option("--trace-format", "trace_fmt", help="Force the trace format instead of detecting it.")
@click.option("--map", "mapping", help="Field mapping for generic JSONL, e.g. tool=name,args=input,ts=time.")
@click.option(
    "--log", "log_path", type=click.Path(dir_okay=False), help="Write the decisions as a decision log."
)
@LOG_DURABILITY
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--fail-on-change", is_flag=True, help="Exit 5 when --against finds differences.")
@FORMAT
def replay(
    policy: str,
    paths: tuple[str, ...],
    against: str | None,
    trace_fmt: str | None,
    mapping: str | None,
    log_path: str | None,
    log_durability: str | None,
    jobs: int,
    fail_on_change: bool,
    fmt: str,
) -> None:
    """What would POLICY have decided on the tool calls of the traces under PATHS?"""
    _log_options(log_path, log_durability)
    from remit.errors import LogError, PolicyError
    from remit.replay import replay as run_replay
    from remit.resources import resolve_policy

    baseline = str(resolve_policy(against)) if against else None
    try:
        with _progress(fmt == "text") as progress:
            result = run_replay(
                resolve_policy(policy), list(paths), against=baseline, fmt=trace_fmt, mapping=mapping,
                log=log_path, log_durability=log_durability, jobs=jobs, progress=progress,
            )  # fmt: skip
    except PolicyError as exc:
        _show_diagnostics(exc.diagnostics)
        _fail(f"the policy has {len(exc.diagnostics)} problem(s)")
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except LogError as exc:  # the decisions were not what the policy decides: no results
        _fail(str(exc))
    if fmt == "json":
        _print_json(result.as_dict())
    else:
        from remit.render import replay_summary

        replay_summary(out, result)
    sys.exit(EXIT_FAILED if fail_on_change and result.changed else EXIT_OK)


def _progress(enabled: bool) -> Any:
    """A progress bar on a terminal (stderr), nothing when piped."""
    import contextlib

    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    if not (enabled and err.is_terminal):
        return contextlib.nullcontext(None)

    @contextlib.contextmanager
    def bar() -> Any:
        with Progress(
            "[progress.description]{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn(),
            console=err, transient=True,
        ) as p:  # fmt: skip
            task = p.add_task("replaying", total=None)
            yield lambda done, total: p.update(task, completed=done, total=total)

    return bar()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--policy", help="Policy that decides raw traces (default: the shipped coding-agent).")
@click.option("--since", type=click.DateTime(), help="Only what happened from this date (UTC).")
@click.option("--until", type=click.DateTime(), help="Only what happened before this date (UTC).")
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False), help="Also write a self-contained HTML page."
)
@FORMAT
def report(
    paths: tuple[str, ...], policy: str | None, since: Any, until: Any, html_path: str | None, fmt: str
) -> None:
    """Oversight measures and policy tuning over decision logs and agent traces.

    With no PATH, reports on the Claude Code sessions in ~/.claude/projects.
    """
    import datetime as dt

    from remit.errors import PolicyError
    from remit.report import build_report, print_report, render_html
    from remit.resources import resolve_policy

    targets = list(paths) or [str(Path.home() / ".claude" / "projects")]
    if not paths and not Path(targets[0]).is_dir():
        raise click.UsageError("give decision logs or traces to report on (no ~/.claude/projects here)")
    if since is not None and until is not None and since >= until:  # no moment is in both
        raise click.UsageError(
            f"--since ({since:%Y-%m-%d %H:%M:%S}) must be before --until ({until:%Y-%m-%d %H:%M:%S})"
        )
    utc = dt.timezone.utc
    try:
        result = build_report(
            targets,
            policy=resolve_policy(policy) if policy else None,
            since=since.replace(tzinfo=utc) if since else None,
            until=until.replace(tzinfo=utc) if until else None,
        )
    except PolicyError as exc:
        _show_diagnostics(exc.diagnostics)
        _fail(f"the policy has {len(exc.diagnostics)} problem(s)")
    if html_path:
        try:
            Path(html_path).write_text(render_html(result), encoding="utf-8")
        except OSError as exc:  # a missing folder, a full disk
            _fail(f"cannot write `{html_path}`: {exc.strerror or exc}")
    if fmt == "json":
        _print_json(result.as_dict())
    else:
        print_report(out, result)
        if html_path:
            out.print(f"[dim]wrote {escape(html_path)}[/]")


AGENTS = click.Choice(["claude-code", "codex"])


@main.command()
# The agent, `--policy`, `--log` and `--log-durability` are checked by the hook, which answers a
# problem with them in each event's terms (a deny, a hook error): a usage error's exit code 2
# would erase the user's prompt or keep the agent from stopping
@click.argument("agent", required=False, default="")
@click.option("--policy", default="", help="Policy file or shipped policy name (required).")
@click.option("--log", "log_path", help="Append decisions to this log.")
@click.option("--log-durability", metavar="MODE", help=LOG_DURABILITY_HELP)
@click.option(
    "--daemon",
    is_flag=True,
    help="Let a background remit process answer, started by the first call (the same answers, "
    "without remit's start-up on every call).",
)
def hook(agent: str, policy: str, log_path: str | None, log_durability: str | None, daemon: bool) -> None:
    """Answer one hook call (JSON on stdin) for AGENT: claude-code or codex.

    Any failure answers deny with the reason: a guard that cannot decide never lets a call through.
    """
    from remit.hook import main_hook

    if not policy or agent not in AGENTS.choices:
        daemon = False  # answered here, a refusal in the event's terms

    sys.exit(main_hook(agent, policy=policy, log=log_path, log_durability=log_durability, daemon=daemon))


@main.command("hook-daemon")
@click.argument("action", type=click.Choice(["status", "stop"]))
def hook_daemon(action: str) -> None:
    """Show or stop the background process that answers `remit hook --daemon` calls.

    It exits by itself after 30 minutes without a call, and when remit is upgraded.
    """
    from remit import hookd

    path = hookd.socket_path()
    if path is None:
        _fail("no private folder for the daemon's socket: `remit hook --daemon` answers in-process")
    pid = hookd.stop_daemon(path) if action == "stop" else hookd.running_pid(path)
    if pid == -1:
        _fail(f"a hook daemon listens on {path}, but its process id cannot be read")
    if pid is None:
        said = hookd.last_start(path)
        out.print("no hook daemon " + ("was running" if action == "stop" else "running"))
        if said:
            out.print(f"the last one started said:\n{escape(said)}")
        return
    out.print(
        f"stopped the hook daemon (process {pid})"
        if action == "stop"
        else f"hook daemon running (process {pid}) on {escape(path)}"
    )


SCOPE = click.option(
    "--scope",
    type=click.Choice(["project", "local", "user"]),
    default="project",
    show_default=True,
    help="Which settings file: the project's, the project's local one, or your user settings.",
)


@main.command()
@click.argument("agent", type=AGENTS)
@click.option("--policy", default="coding-agent", show_default=True, help="Policy file or shipped name.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Decision log the hook appends to.")
@click.option("--daemon", is_flag=True, help="Install `remit hook --daemon` (a background remit answers).")
@SCOPE
def install(agent: str, policy: str, log_path: str | None, scope: str, daemon: bool) -> None:
    """Add remit as the PreToolUse hook of Claude Code or Codex CLI, keeping the rest of the file."""
    import shutil

    from remit import install as installer
    from remit.resources import resolve_policy

    target = resolve_policy(policy)
    _load(str(target))  # refuse to install a policy that does not load: it would deny every call
    log = str(Path(log_path).resolve()) if log_path else None
    executable = shutil.which("remit") or "remit"
    try:
        path = installer.install(
            agent, scope, policy=str(target.resolve()), cwd=Path.cwd(), home=Path.home(),
            executable=executable, log=log, daemon=daemon,
        )  # fmt: skip
    except installer.InstallError as exc:
        _fail(str(exc))
    out.print(f"remit now decides {agent}'s tool calls: hook added to {escape(str(path))}")


@main.command()
@click.argument("agent", type=AGENTS)
@SCOPE
def uninstall(agent: str, scope: str) -> None:
    """Remove the hook that `remit install` added, and nothing else."""
    from remit import install as installer

    try:
        removed = installer.uninstall(agent, scope, cwd=Path.cwd(), home=Path.home())
    except installer.InstallError as exc:
        _fail(str(exc))
    out.print("hook removed" if removed else "no remit hook was installed there")


@main.command()
@click.option("--policy", required=True, help="Policy file or shipped policy name.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append decisions to this log.")
@LOG_DURABILITY
@click.option(
    "--token-env", help="Require `Authorization: Bearer` with the token in this environment variable."
)
def serve(
    policy: str, host: str, port: int, log_path: str | None, log_durability: str | None, token_env: str | None
) -> None:
    """Serve decisions over HTTP (POST /v1/decide, POST /v1/outcome, GET /v1/health, /openapi.json)."""
    _log_options(log_path, log_durability)
    try:
        from remit import serve as service
    except ImportError:
        _fail("the HTTP service needs the serve extra: pip install 'remit[serve]'")
    from remit.errors import PolicyError
    from remit.resources import resolve_policy

    try:
        token = service.token_from_env(token_env) if token_env else None
        service.run(
            resolve_policy(policy),
            host=host,
            port=port,
            log=log_path,
            log_durability=log_durability,
            token=token,
        )
    except PolicyError as exc:
        _show_diagnostics(exc.diagnostics)
        _fail(f"the policy has {len(exc.diagnostics)} problem(s)")
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@main.command("mcp-proxy", context_settings={"allow_interspersed_args": False})
@click.option("--policy", required=True, help="Policy file or shipped policy name.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append decisions to this log.")
@click.option("--name", help="The server's name in tool names, mcp__NAME__TOOL (default: from the command).")
@click.option(
    "--ask-timeout",
    default=300.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a human has to answer an ask; no answer blocks the call.",
)
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def mcp_proxy(
    policy: str, log_path: str | None, name: str | None, ask_timeout: float, command: tuple[str, ...]
) -> None:
    """Start an MCP server (the COMMAND after `--`) and gate its tool calls, over stdio.

    Configure your MCP client to run this instead of the server. stdout carries the protocol;
    messages for you go to stderr.
    """
    from remit.errors import LogError
    from remit.guard import Guard
    from remit.integrations.mcp_proxy import run_proxy
    from remit.resources import resolve_policy

    compiled = _load(policy)
    try:
        guard = Guard(compiled, log=log_path, ask_timeout=ask_timeout, path=resolve_policy(policy))
    except LogError as exc:
        _fail(str(exc))
    sys.exit(run_proxy(guard, command, name=name, ask_timeout=ask_timeout))


@main.group("log")
def log_group() -> None:
    """Work with decision logs."""


@log_group.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    metavar="HASH",
    help="The head an earlier check printed, kept where the log's writers cannot change it: a line "
    "must still hash to it (repeatable). Catches edits and deletions the chain alone cannot see.",
)
@FORMAT
def log_verify(paths: tuple[str, ...], anchors: tuple[str, ...], fmt: str) -> None:
    """Check the hash chain of decision logs (oldest file first); exit 1 on any problem.

    Prints the head, the hash of the last line: keep it, and give it back later with --anchor.
    """
    from remit.verify import verify_logs

    try:
        result = verify_logs(list(paths), anchors=anchors)
    except ValueError as exc:  # an anchor that is no SHA-256
        raise click.BadParameter(str(exc), param_hint="--anchor") from None
    if fmt == "json":
        _print_json(result.as_dict())
    else:
        for p in result.problems:
            where = f"{p.file}:{p.line}" if p.file else "log"
            err.print(f"[red]{escape(where)}[/]: {p.kind}: {escape(p.message)}")
        verdict = "[green]intact[/]" if result.ok else f"[red]{len(result.problems)} problem(s)[/]"
        out.print(f"{result.records} record(s) in {result.files} file(s): {verdict}")
        if result.head is not None:
            out.print(f"head {result.head} ({escape(result.head_file)}:{result.head_line})")
    sys.exit(EXIT_OK if result.ok else EXIT_ERROR)


@main.group("import")
def import_group() -> None:
    """Turn another agent's permission config into a remit policy."""


def _import(kind: str, file: str, output: str | None) -> None:
    from remit import importers

    convert = {"claude": importers.import_claude_settings, "gemini": importers.import_gemini_policy}[kind]
    try:
        text = Path(file).read_text(encoding="utf-8")
        result = convert(text, file=file)
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read `{file}`: {exc}")
    except importers.ImportFailed as exc:
        _fail(str(exc))
    if output:
        try:
            Path(output).write_text(result.yaml, encoding="utf-8")
        except OSError as exc:  # a missing folder, a full disk
            _fail(f"cannot write `{output}`: {exc.strerror or exc}")
        out.print(f"wrote {escape(output)}")
    else:
        click.echo(result.yaml, nl=False)
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")
    for item in result.untranslated:
        err.print(f"[yellow]not translated:[/] {escape(item.source)}: {escape(item.reason)}")


IMPORT_OUTPUT = click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the policy here instead of stdout."
)


@import_group.command("claude-settings")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@IMPORT_OUTPUT
def import_claude(file: str, output: str | None) -> None:
    """A Claude Code settings.json `permissions` block, as a policy that decides the same way."""
    _import("claude", file, output)


@import_group.command("gemini-policy")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@IMPORT_OUTPUT
def import_gemini(file: str, output: str | None) -> None:
    """A Gemini CLI policy TOML file, as a policy that decides the same way."""
    _import("gemini", file, output)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the YAML policy form (for editors)."""
    from remit.model import json_schema

    _print_json(json_schema())


if __name__ == "__main__":
    main()
