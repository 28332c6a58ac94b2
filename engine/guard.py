"""`Guard`: load a policy once, check tool calls against it, log every decision."""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from .analyzers import ANALYSED_TOOLS, SHELL_TOOLS
from .analyzers.shell import ParseCache, ShellFacts, may_download, shell_facts
from .bounds import oversized
from .compile import FALLBACK_RATINGS, CompiledPolicy, Decider
from .decision import Decision, EvalError, PolicyRef, Ratings, Reason
from .errors import Blocked, LogError, PolicyError
from .evaluate import CTX_DEFAULTS, interpret
from .forks import renew_after_fork
from .ids import IdGenerator
from .session import Session, SessionStore
from .vocab import Route

if TYPE_CHECKING:  # imported where used: a hook call without a log or an approver loads neither
    from .approval import Answer
    from .log import DecisionLog, Durability

F = TypeVar("F", bound=Callable[..., Any])


_Pending = tuple[Session | None, str, tuple[str, ...], list[str]]
"""What a decided call adds to its session once the decision is logged: the session (None:
nothing, the call was not decided), the tool's declared name, the facts the call raises and
the files it downloads."""
_UNDECIDED: _Pending = (None, "", (), [])

_CTX_KINDS: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(
        ("session_id", "turn_id", "agent_id", "user_id", "cwd", "workspace", "permission_mode"), (str,)
    ),
    **dict.fromkeys(("steps_since_human", "subagent_depth", "user_session_count"), (int,)),
    "seconds_since_human": (int, float),
    **dict.fromkeys(("environment", "labels"), (Mapping,)),
}
"""The types of the context fields remit knows (`CTX_DEFAULTS`): a value of another type
(`"permission_mode": ["bypassPermissions"]`, `"steps_since_human": "50"`) would be misread by
the rules that compare it, as if the field were not given."""
_KIND_NAMES = {(str,): "text", (int,): "a whole number", (int, float): "a number", (Mapping,): "an object"}


def _misread_context(ctx: Mapping[str, Any], full: dict[str, Any]) -> str | None:
    """Why the context cannot be read as given: a field remit knows holds a value of another
    type; None when every one is of its type (or null: a value not known, which a rule that
    compares it counts as an error). A count given as a whole float (`3.0`, as some JSON
    writers put it) is put in `full`, the guard's copy, as the integer it is."""
    for key, value in ctx.items():
        if (type(value) is str and key not in _NOT_TEXT) or value is None:  # the common case
            continue
        kinds = _CTX_KINDS.get(key)
        if kinds is None or (isinstance(value, kinds) and type(value) is not bool):
            continue
        if kinds == (int,) and type(value) is float and value.is_integer():
            full[key] = int(value)
            continue
        return f"the context field `{key}` must be {_KIND_NAMES[kinds]}, not {type(value).__name__}"
    return None


_NOT_TEXT = frozenset(key for key, kinds in _CTX_KINDS.items() if kinds != (str,))


class _Known(NamedTuple):
    """What every decision under one policy repeats, made once per policy."""

    policy: CompiledPolicy
    ref: PolicyRef
    canonical: Callable[[str], str]  # its alias resolution
    aliases: Mapping[str, str]  # the same, as the dict it reads
    deciders: Mapping[str, Decider]  # the deciders generated so far, by tool
    mode: str


AskCallback = Callable[[Decision], "bool | Answer | Awaitable[bool | Answer]"]
"""An approver (see `approval.Approver`): `True` or an approving `Answer` is a yes, anything else a no."""


class Guard:
    """Checks tool calls against one compiled policy; thread-safe.

    `check(tool, args, ctx)` never raises for a bad call or a failing rule: it returns a
    decision (fail closed). The policy can be swapped atomically with `reload()`.

    `log` is a path (opened as a `DecisionLog` with `log_durability`, `flush` by default), a
    `DecisionLog`, or an object of the caller's with `write(record)`, which gets each record
    as a `DecisionLog` would write it; whatever its `write` raises is a `LogError` (a decision
    it cannot take is a block), and `log_durability` with it is a `ValueError`: how far its
    records go is its own business.
    """

    def __init__(
        self,
        policy: CompiledPolicy,
        *,
        log: str | Path | DecisionLog | None = None,
        log_durability: str | Durability | None = None,
        ask: AskCallback | None = None,
        ask_timeout: float = 300.0,
        max_sessions: int = 10_000,
        parse_cache: int = 256,
        indexed: bool = True,
        clock: Callable[[], float] = time.time,
        ids: Callable[[], str] | None = None,
        path: str | Path | None = None,
    ) -> None:
        self._policy = policy
        self.path = Path(path) if path is not None else None
        self.log = _open_log(log, log_durability)
        self.ask = ask
        self.ask_timeout = ask_timeout
        self.sessions = SessionStore(max_sessions)
        # The facts of the last `parse_cache` distinct shell commands, reused when one comes again.
        self.parses = ParseCache(parse_cache) if parse_cache > 0 else None
        self._seen = _SeenFacts()  # used under `_lock`: one call at a time
        self.indexed = indexed
        self.clock = clock
        self.ids = ids or IdGenerator(clock)
        self._lock = threading.Lock()
        renew_after_fork(self, "_lock")  # a child forked while another thread decides can decide
        # What every decision of the policy in force repeats, made once per policy (under the lock).
        self._known = _known(policy)

    @classmethod
    def from_path(cls, path: str | Path, **options: Any) -> Guard:
        """A guard for the policy file at `path` (YAML or DSL); raises `PolicyError`."""
        return cls(load_policy(path), path=path, **options)

    @classmethod
    def from_text(cls, text: str, form: str = "yaml", **options: Any) -> Guard:
        """A guard for policy text (`form` is "yaml" or "dsl"); raises `PolicyError`."""
        return cls(load_text(text, f"<{form}>", form), **options)

    @property
    def policy(self) -> CompiledPolicy:
        """The policy in force."""
        return self._policy

    def reload(self, path: str | Path | None = None) -> CompiledPolicy:
        """Load the policy again and swap it in atomically; the old one stays on error.

        The log gets a `policy_loaded` record after the last decision of the old policy, or,
        when the new one cannot be loaded, a `policy_error` record before the error is raised.
        """
        from .log_policy import policy_loaded_record

        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("this guard was not loaded from a file: pass the path to reload")
        try:
            policy = load_policy(target)
        except Exception as exc:
            self.record_policy_error(target, exc)
            raise
        with self._lock:  # no decision in between: the record separates the old policy's from the new's
            old = self._policy
            self._policy = policy  # one reference assignment: a call sees the old or the new policy
            self.path = target
            self._note(
                policy_loaded_record(_ref(policy), ts=self.clock(), file=str(target), replaced=_ref(old))
            )
        return policy

    def record_policy_error(self, file: str | Path, error: BaseException | str) -> None:
        """Log that a policy could not be loaded from `file`; the policy in force stays.

        `error` is a `PolicyError` (its diagnostics are recorded), another exception, or a message.
        """
        from .log_policy import policy_error_record

        policy = self._policy
        diagnostics = error.diagnostics if isinstance(error, PolicyError) else ()
        message = error if isinstance(error, str) else str(error) or type(error).__name__
        record = policy_error_record(
            _ref(policy),
            ts=self.clock(),
            file=str(file),
            message=message,
            diagnostics=diagnostics,
            clean=policy.redaction.text,
        )
        self._note(record)

    def _note(self, record: dict[str, Any]) -> None:
        """Log a record about the policy; failing to must not fail a reload, nor hide its error."""
        if self.log is not None:
            with contextlib.suppress(LogError):
                self.log.write(record)

    def check(self, tool: str, args: Any = None, ctx: Mapping[str, Any] | None = None) -> Decision:
        """Rate and route one tool call, record it, and return the decision."""
        start = time.perf_counter()
        if args is None:
            args = {}
        # Fresh containers for the mutable defaults: a caller editing one must not reach later calls.
        full_ctx = CTX_DEFAULTS.copy()
        full_ctx["environment"] = {}
        full_ctx["labels"] = {}
        unreadable = None
        if ctx is not None:
            if type(ctx) is dict or isinstance(ctx, Mapping):  # the ABC check costs more
                try:
                    full_ctx.update(ctx)
                    unreadable = _misread_context(ctx, full_ctx)
                except Exception as exc:  # a mapping that raises while it is read
                    unreadable = f"the context cannot be read: {type(exc).__name__}"
            else:
                unreadable = "the context is not a mapping"
        workspace = full_ctx["workspace"]
        if workspace is None or (type(workspace) is str and not workspace):  # not given: the cwd
            full_ctx["workspace"] = full_ctx["cwd"]
        with self._lock:
            policy = self._policy
            pending: Session | None = None
            try:
                if unreadable is not None:
                    decision = self._failed(policy, tool, args, full_ctx, start, unreadable)
                else:
                    decision, pending, name, facts, files = self._decide(policy, tool, args, full_ctx, start)
            except Exception as exc:
                decision = self._failed(policy, tool, args, full_ctx, start, f"internal error: {exc}")
            log = self.log
            if log is not None:
                try:
                    log.write_decision(decision, policy.redaction)
                except Exception as exc:  # LogError, or a record that cannot be built from these args
                    # A decision that cannot be recorded is not given: block, whatever on_error says.
                    why = str(exc) if isinstance(exc, LogError) else f"the decision cannot be logged: {exc}"
                    decision = self._failed(
                        policy, tool, args, full_ctx, start, why, mode="enforce", route=Route.BLOCK
                    )
                    pending = None
            if pending is not None:
                # `_value_`: the verdict's text without the cost of the `value` property
                pending.record(name, decision.decision._value_, decision.ratings.risk, facts, files)
        return decision

    def _decide(
        self, policy: CompiledPolicy, tool: Any, args: Any, ctx: dict[str, Any], start: float
    ) -> tuple[Decision, Session | None, str, tuple[str, ...], list[str]]:
        """The decision on a call, and what it adds to its session once logged (`_Pending`)."""
        if not isinstance(tool, str) or not tool:
            why = "the call has no tool name"
            if tool is not None and not isinstance(tool, str):
                why = f"the call's tool name is not text but {type(tool).__name__}"
            return self._failed(policy, tool, args, ctx, start, why), *_UNDECIDED
        if type(args) is not dict and not isinstance(args, Mapping):
            why = "the call's arguments are not a JSON object"
            return self._failed(policy, tool, args, ctx, start, why), *_UNDECIDED
        if type(args) is not dict:
            args = dict(args)
        too_large = oversized(args)
        if too_large:
            return self._failed(policy, tool, args, ctx, start, too_large), *_UNDECIDED
        known = self._known
        if known[0] is not policy:  # reloaded since the last call
            known = self._known = _known(policy)
        _, ref, canonical, aliases, deciders, mode = known
        session_id = ctx.get("session_id")
        session = self.sessions.get(session_id if type(session_id) is str else str(session_id or ""))
        session.canonical = canonical
        if self.indexed:
            # generated Python for the tool's candidates (codegen.py), found without a call once made
            run = deciders.get(tool) or policy.decider(tool)
        else:  # the reference: the interpreter over every rule
            run = functools.partial(interpret, policy, policy.candidates(tool, indexed=False))
        seen = self._seen
        seen.cache, seen.facts = self.parses, None
        outcome = run(tool, args, ctx, session, cast(ParseCache, seen))
        verdict, reasons, errors, shadow, ratings, rated_by, raises = outcome
        # positional, in the order of the fields (id, decision, ratings, reasons, errors, mode,
        # policy, tool, args, ctx, ts, latency_us, rated_by, shadow, redaction): keywords cost
        # twice as much
        decision = Decision(
            self.ids(),
            verdict,
            ratings,
            reasons,
            errors,
            mode,
            ref,
            tool,
            args,
            ctx,
            self.clock(),
            (time.perf_counter() - start) * 1e6,
            rated_by,
            shadow,
            policy.redaction,
        )
        name = aliases.get(tool, tool)  # `canonical(tool)`, without the call
        read = seen.facts
        fetched = read.downloads if read is not None else self._downloads(tool, name, args, ctx)
        return decision, session, name, raises, fetched

    def _downloads(self, tool: str, name: str, args: dict[str, Any], ctx: dict[str, Any]) -> list[str]:
        """The files a shell call downloads, for its session to remember when no condition
        read the call's shell facts: a later call may run one. Parsed only when the text
        names a download program."""
        shell = tool if tool in ANALYSED_TOOLS else name
        if shell not in SHELL_TOOLS or not may_download(shell, args):
            return []
        return self._seen.shell_facts(shell, args, ctx.get("cwd")).downloads  # `shell_facts` checks the cwd

    def _failed(
        self,
        policy: CompiledPolicy,
        tool: Any,
        args: Any,
        ctx: dict[str, Any],
        start: float,
        why: str,
        mode: str | None = None,
        route: Route | None = None,
    ) -> Decision:
        """The decision when the call cannot be evaluated at all: the policy's `on_error`."""
        on_error = route or policy.defaults.on_error
        return Decision(
            id=self.ids(),
            decision=on_error,
            ratings=Ratings(*FALLBACK_RATINGS),
            reasons=(Reason("error", "error", on_error, why),),
            errors=(EvalError("call", why),),
            mode=mode or policy.mode,
            policy=PolicyRef(policy.name, policy.version, policy.sha256),
            tool=tool if isinstance(tool, str) else "",  # not `str(None)`: a tool named "None"
            args=args,
            ctx=ctx,
            ts=self.clock(),
            latency_us=(time.perf_counter() - start) * 1e6,
            redaction=policy.redaction,
        )

    def record_outcome(
        self,
        decision: Decision | str,
        outcome: str,
        *,
        by: str = "human",
        detail: str = "",
        latency_ms: float | None = None,
    ) -> None:
        """Log what happened to a decision: approved, denied, timeout, executed, failed, interrupted.

        `decision` is the decision, or its id. Given the decision, `detail` (a person's note, an
        approver's error) is redacted as the policy that decided redacts (across a reload), and
        also scrubbed of what it hides in that call's arguments; given the id, by the policy in
        force. Raises `LogError` when the log cannot take the record.
        """
        from .log import outcome_record

        redaction = self._policy.redaction
        if isinstance(decision, Decision):
            decision_id = decision.id
            if decision.redaction is not None:
                redaction = decision.redaction
            try:
                detail = redaction.call(decision.args, decision.ctx).scrub(detail)
            except Exception:
                detail = "[REDACTED:detail]"
        else:
            decision_id = decision
            detail = redaction.text(detail) if isinstance(detail, str) else detail
        record = outcome_record(
            decision_id, outcome, ts=self.clock(), by=by, detail=detail, latency_ms=latency_ms
        )
        if self.log is not None:
            self.log.write(record)

    # -- asking a human -------------------------------------------------------------------

    def approve(self, decision: Decision) -> bool:
        """Resolve an `ask`: True if a human (or an answer remembered for the session) said yes."""
        return self.answer(decision).approved

    async def approve_async(self, decision: Decision) -> bool:
        """`approve` for async code."""
        return (await self.answer_async(decision)).approved

    def answer(self, decision: Decision) -> Answer:
        """Resolve an `ask` and log the outcome; no approver, an error or a timeout is a no.

        An answer remembered for this session settles the same call again without asking. An
        approver with its own deadline (`approval.DeadlineApprover`) runs in this thread; any
        other runs with `ask_timeout` (a sync one in a worker thread).
        """
        from .approval import DeadlineApprover, as_answer

        started = time.monotonic()
        remembered = self._remembered(decision, started)
        if remembered is not None:
            return remembered
        if self.ask is None:
            return self._unattended(decision, started)
        try:
            if isinstance(self.ask, DeadlineApprover):
                raw = self.ask.answer(decision, timeout=self.ask_timeout)
            else:
                raw = _call_with_timeout(self.ask, decision, self.ask_timeout)
        except TimeoutError:
            return self._no_answer(decision, "timeout", f"no answer within {self.ask_timeout:g}s", started)
        except Exception as exc:
            return self._no_answer(decision, "denied", f"the ask callback failed: {exc}", started)
        return self._answered(decision, as_answer(raw), started)

    async def answer_async(self, decision: Decision) -> Answer:
        """`answer` for async code: an async approver is awaited, a sync one runs in a thread."""
        import asyncio

        from .approval import as_answer

        started = time.monotonic()
        remembered = self._remembered(decision, started)
        if remembered is not None:
            return remembered
        if self.ask is None:
            return self._unattended(decision, started)
        try:
            raw = await _ask_async(self.ask, decision, self.ask_timeout)
        except (TimeoutError, asyncio.TimeoutError):
            return self._no_answer(decision, "timeout", f"no answer within {self.ask_timeout:g}s", started)
        except Exception as exc:
            return self._no_answer(decision, "denied", f"the ask callback failed: {exc}", started)
        return self._answered(decision, as_answer(raw), started)

    def _answered(self, decision: Decision, answer: Answer, started: float) -> Answer:
        """Log a human's answer (and remember it for the session if asked to)."""
        if answer.unattended:
            return self._unattended(decision, started, answer.note)
        detail = answer.note
        if answer.scope == "session" and decision.decision is Route.ASK and decision.ctx.get("session_id"):
            # only asks consult the memory, and only in a named session: calls without a
            # session id share none, so an answer "for the session" counts once there
            with self._lock:
                self._session_of(decision).remember(_call_key(decision), answer.approved, decision.id)
            detail = "for this session" + (f": {detail}" if detail else "")
        self._outcome(decision, "approved" if answer.approved else "denied", "human", detail, started)
        return answer

    def _remembered(self, decision: Decision, started: float) -> Answer | None:
        """The answer given earlier in this session to the same call (same tool and arguments), if any."""
        with self._lock:
            found = self._session_of(decision).remembered(_call_key(decision))
        if found is None:
            return None
        from .approval import Answer

        approved, first = found
        verb = "approved" if approved else "denied"
        self._outcome(decision, verb, "system", f"{verb} for this session at decision {first}", started)
        return Answer(approved, "session", f"{verb} earlier in this session")

    def _session_of(self, decision: Decision) -> Session:
        return self.sessions.get(str(decision.ctx.get("session_id") or ""))

    def _no_answer(self, decision: Decision, outcome: str, detail: str, started: float) -> Answer:
        from .approval import Answer

        self._outcome(decision, outcome, "system", detail, started)
        return Answer.deny(detail)

    def _unattended(self, decision: Decision, started: float, why: str = "") -> Answer:
        """No one to ask: the policy's `defaults.non_interactive` decides (block unless it says allow)."""
        from .approval import Answer

        allowed = self._policy.defaults.non_interactive is Route.ALLOW
        detail = "no one to ask: non_interactive is " + self._policy.defaults.non_interactive.value
        detail += f" ({why})" if why else ""
        self._outcome(decision, "approved" if allowed else "denied", "system", detail, started)
        return Answer(allowed, note=detail, unattended=True)

    def _outcome(self, decision: Decision, outcome: str, by: str, detail: str, started: float) -> None:
        # The decision itself is already logged; losing an outcome must not crash the agent.
        with contextlib.suppress(LogError):
            self.record_outcome(
                decision, outcome, by=by, detail=detail, latency_ms=(time.monotonic() - started) * 1000
            )

    def enforce(self, decision: Decision) -> None:
        """Raise `Blocked` unless the decision lets the call run (asking a human if needed)."""
        effective = decision.effective
        if effective is Route.ALLOW:
            return
        if effective is Route.ASK:
            answer = self.answer(decision)
            if answer.approved:
                return
            raise Blocked(decision, _denied(decision, answer))
        raise Blocked(decision)

    def guard(self, tool: str | None = None, *, ctx: Mapping[str, Any] | None = None) -> Callable[[F], F]:
        """Decorate a function so each call is checked first (its keyword arguments are the args).

        Block raises `Blocked`; ask calls the `ask` callback (sync or async) and raises
        `Blocked` on a no or a timeout. Works on plain and async functions.
        """

        def wrap(fn: F) -> F:
            name = tool or fn.__name__
            signature = inspect.signature(fn)

            def call_args(a: tuple[Any, ...], kw: dict[str, Any]) -> dict[str, Any]:
                return _call_arguments(signature, a, kw)

            if inspect.iscoroutinefunction(fn):

                @functools.wraps(fn)
                async def async_wrapper(*a: Any, **kw: Any) -> Any:
                    decision = self.check(name, call_args(a, kw), ctx)
                    if decision.effective is Route.BLOCK:
                        raise Blocked(decision)
                    if decision.effective is Route.ASK:
                        answer = await self.answer_async(decision)
                        if not answer.approved:
                            raise Blocked(decision, _denied(decision, answer))
                    return await fn(*a, **kw)

                return async_wrapper  # type: ignore[return-value]

            @functools.wraps(fn)
            def wrapper(*a: Any, **kw: Any) -> Any:
                self.enforce(self.check(name, call_args(a, kw), ctx))
                return fn(*a, **kw)

            return wrapper  # type: ignore[return-value]

        return wrap


def _ref(policy: CompiledPolicy) -> PolicyRef:
    return PolicyRef(policy.name, policy.version, policy.sha256)


class _SeenFacts:
    """The parse cache (or none) as one call's conditions reach it, keeping the shell facts
    they got: the files the call downloads are read from those, not from a second parse.
    Conditions call only `shell_facts` on it, the method of `ParseCache` it stands in for."""

    __slots__ = ("cache", "facts")

    def __init__(self) -> None:
        self.cache: ParseCache | None = None
        self.facts: ShellFacts | None = None

    def shell_facts(self, tool: str, args: Mapping[str, Any], cwd: str | None) -> ShellFacts:
        """The facts of the call's shell command, from the cache when there is one."""
        cache = self.cache
        facts = cache.shell_facts(tool, args, cwd) if cache is not None else shell_facts(tool, args, cwd)
        self.facts = facts
        return facts


def _known(policy: CompiledPolicy) -> _Known:
    return _Known(policy, _ref(policy), policy.canonical, policy.aliases, policy.generated, policy.mode)


def load_policy(path: str | Path) -> CompiledPolicy:
    """`load.load_policy`, imported on first use: a guard given a compiled policy never reads one."""
    from .load import load_policy as load

    return load(path)


def load_text(text: str, file: str, form: str | None = None) -> CompiledPolicy:
    """`load.load_text`, imported on first use."""
    from .load import load_text as load

    return load(text, file, form)


def _call_key(decision: Decision) -> str:
    """What identifies "the same call" for an answer remembered for the session: the tool,
    the arguments, the directory it runs in and the rules that asked (another reason asks again)."""
    from .log import decision_args_sha256

    reasons = ",".join(sorted(r.id for r in decision.reasons))
    # arguments too large to hash: never the same call as another (an answer is not reused)
    args = decision_args_sha256(decision) or f"unhashed {decision.id}"
    return f"{decision.tool}\0{args}\0{decision.ctx.get('cwd')!s}\0{reasons}"


def _denied(decision: Decision, answer: Answer) -> str:
    """The message of `Blocked` for an ask that was not approved: the decision, and what the human said."""
    if answer.note and not answer.unattended:
        return f"{decision.explain()} (denied: {answer.note})"
    return decision.explain()


def _call_arguments(signature: inspect.Signature, a: tuple[Any, ...], kw: dict[str, Any]) -> dict[str, Any]:
    """The call's arguments by name, as the policy sees them: `**kwargs` merged in, `*args` as a list."""
    bound = signature.bind_partial(*a, **kw)
    out: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if name == "self":
            continue
        if kind is inspect.Parameter.VAR_KEYWORD:
            out.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            out[name] = list(value)
        else:
            out[name] = value
    return out


def _open_log(
    log: str | Path | DecisionLog | None, durability: str | Durability | None
) -> DecisionLog | None:
    """The guard's log: opened from a path with `durability` (default `flush`), or given ready."""
    if log is None and durability is None:
        return None
    from .log import DecisionLog, Durability

    if isinstance(log, (str, Path)):
        return DecisionLog(log, durability=durability if durability is not None else "flush")
    wanted = Durability.parse(durability) if durability is not None else None  # bad values raise
    if log is not None and not hasattr(log, "write_decision"):
        if wanted is not None:
            raise ValueError(
                "`log_durability` is for a log file: a log object with only `write` keeps its "
                "records as it chooses"
            )
        return cast("DecisionLog", _RecordWriter(log))
    if log is not None and wanted is not None and wanted != log.durability:
        raise ValueError(f"the DecisionLog given is `{log.durability}`, not `{wanted}`: set it there")
    return log


class _RecordWriter:
    """A log object of the caller's that only has `write(record)` (a test double, a sink of
    their own): decisions reach it as records, as a `DecisionLog` builds them. Whatever its
    `write` raises comes out as `LogError`, as a `DecisionLog`'s failures do: the guard then
    blocks the call, and goes on after a lost outcome or policy record."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink

    def write(self, record: dict[str, Any]) -> None:
        try:
            self.sink.write(record)
        except LogError:
            raise
        except Exception as exc:
            raise LogError(f"the log cannot take the record: {str(exc) or type(exc).__name__}") from exc

    def write_decision(self, decision: Decision, redaction: Any = None) -> None:
        from .log import decision_record

        self.write(decision_record(decision, redaction))

    def __getattr__(self, name: str) -> Any:  # close, durability, path: the sink's own
        return getattr(self.sink, name)


def _call_with_timeout(callback: AskCallback, decision: Decision, timeout: float) -> Any:
    """Run a sync or async callback with a timeout, from synchronous code; its answer as returned."""
    import asyncio
    import concurrent.futures

    if inspect.iscoroutinefunction(callback):
        return asyncio.run(asyncio.wait_for(callback(decision), timeout))
    # A daemon thread, not an executor: an approver that never returns (a human who walked
    # away from `input()`) must not keep the process from exiting after the timeout.
    future: concurrent.futures.Future[Any] = concurrent.futures.Future()

    def run() -> None:
        try:
            future.set_result(callback(decision))
        except BaseException as exc:  # handed to the caller, who denies
            future.set_exception(exc)

    threading.Thread(target=run, name="remit-ask", daemon=True).start()
    try:
        answer = future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as exc:
        raise TimeoutError from exc
    if inspect.isawaitable(answer):
        return asyncio.run(asyncio.wait_for(_awaited(answer), timeout))
    return answer


DEADLINE_GRACE = 1.0
"""Seconds a `DeadlineApprover` may overrun its deadline in async code before it counts as a timeout."""


async def _ask_async(callback: AskCallback, decision: Decision, timeout: float) -> Any:
    """Run a callback with a timeout from async code: awaited, or in a worker thread if sync."""
    import asyncio

    from .approval import DeadlineApprover

    if inspect.iscoroutinefunction(callback):
        return await asyncio.wait_for(callback(decision), timeout)
    if isinstance(callback, DeadlineApprover):
        run = _in_daemon_thread(functools.partial(callback.answer, decision, timeout=timeout))
        return await asyncio.wait_for(run, timeout + DEADLINE_GRACE)
    answer = await asyncio.wait_for(_in_daemon_thread(functools.partial(callback, decision)), timeout)
    if inspect.isawaitable(answer):
        answer = await asyncio.wait_for(_awaited(answer), timeout)
    return answer


def _in_daemon_thread(fn: Callable[[], Any]) -> Awaitable[Any]:
    """`fn()` in a daemon thread, as an awaitable: unlike `asyncio.to_thread`, an approver that
    never returns does not hold up the event loop's shutdown (or the process's exit)."""
    import asyncio

    loop = asyncio.get_running_loop()
    result: asyncio.Future[Any] = loop.create_future()

    def settle(value: Any, error: BaseException | None) -> None:
        if result.done():  # the caller stopped waiting (timeout, cancel)
            return
        if error is not None:
            result.set_exception(error)
        else:
            result.set_result(value)

    def run() -> None:
        try:
            value, error = fn(), None
        except BaseException as exc:
            value, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop has closed meanwhile
            loop.call_soon_threadsafe(settle, value, error)

    threading.Thread(target=run, name="remit-ask", daemon=True).start()
    return result


async def _awaited(value: Awaitable[Any]) -> Any:
    return await value
