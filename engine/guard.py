"""`Guard`: load a policy once, check tool calls against it, log every decision."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import inspect
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .compile import FALLBACK_RATINGS, CompiledPolicy
from .decision import Decision, EvalError, PolicyRef, Ratings, Reason
from .errors import Blocked, LogError
from .evaluate import CTX_DEFAULTS, Activation, match, rate
from .ids import IdGenerator
from .load import load_policy, load_text
from .log import DecisionLog, decision_record, outcome_record
from .model import Route
from .route import decide
from .session import Session, SessionStore

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class _Pending:
    """What a decided call adds to its session once the decision is logged."""

    session: Session
    tool: str
    facts: tuple[str, ...]


AskCallback = Callable[[Decision], "bool | Awaitable[bool]"]


class Guard:
    """Checks tool calls against one compiled policy; thread-safe.

    `check(tool, args, ctx)` never raises for a bad call or a failing rule: it returns a
    decision (fail closed). The policy can be swapped atomically with `reload()`.
    """

    def __init__(
        self,
        policy: CompiledPolicy,
        *,
        log: str | Path | DecisionLog | None = None,
        ask: AskCallback | None = None,
        ask_timeout: float = 300.0,
        max_sessions: int = 10_000,
        indexed: bool = True,
        clock: Callable[[], float] = time.time,
        ids: Callable[[], str] | None = None,
        path: str | Path | None = None,
    ) -> None:
        self._policy = policy
        self.path = Path(path) if path is not None else None
        self.log = DecisionLog(log) if isinstance(log, (str, Path)) else log
        self.ask = ask
        self.ask_timeout = ask_timeout
        self.sessions = SessionStore(max_sessions)
        self.indexed = indexed
        self.clock = clock
        self.ids = ids or IdGenerator(clock)
        self._lock = threading.Lock()

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
        """Load the policy again and swap it in atomically; the old one stays on error."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("this guard was not loaded from a file: pass the path to reload")
        policy = load_policy(target)
        self._policy = policy  # one reference assignment: a call sees the old or the new policy
        self.path = target
        return policy

    def check(self, tool: str, args: Any = None, ctx: Mapping[str, Any] | None = None) -> Decision:
        """Rate and route one tool call, record it, and return the decision."""
        start = time.perf_counter()
        policy = self._policy
        if args is None:
            args = {}
        # Fresh containers for the mutable defaults: a caller editing one must not reach later calls.
        full_ctx = {**CTX_DEFAULTS, "environment": {}, "labels": {}}
        if isinstance(ctx, Mapping):
            full_ctx.update(ctx)
        with self._lock:
            pending: _Pending | None = None
            try:
                if ctx is not None and not isinstance(ctx, Mapping):
                    decision = self._failed(
                        policy, tool, args, full_ctx, start, "the context is not a mapping"
                    )
                else:
                    decision, pending = self._decide(policy, tool, args, full_ctx, start)
            except Exception as exc:
                decision = self._failed(policy, tool, args, full_ctx, start, f"internal error: {exc}")
            try:
                self._write(decision)
            except Exception as exc:  # LogError, or a record that cannot be built from these args
                # A decision that cannot be recorded is not given: block, whatever on_error says.
                why = str(exc) if isinstance(exc, LogError) else f"the decision cannot be logged: {exc}"
                decision = self._failed(
                    policy, tool, args, full_ctx, start, why, mode="enforce", route=Route.BLOCK
                )
                pending = None
            if pending is not None:
                pending.session.record(
                    pending.tool, decision.decision.value, decision.ratings.risk, pending.facts
                )
        return decision

    def _decide(
        self, policy: CompiledPolicy, tool: Any, args: Any, ctx: dict[str, Any], start: float
    ) -> tuple[Decision, _Pending | None]:
        if not isinstance(tool, str) or not tool:
            return self._failed(policy, tool, args, ctx, start, "the call has no tool name"), None
        if not isinstance(args, Mapping):
            why = "the call's arguments are not a JSON object"
            return self._failed(policy, tool, args, ctx, start, why), None
        if type(args) is not dict:
            args = dict(args)
        oversized = _oversized(args)
        if oversized:
            return self._failed(policy, tool, args, ctx, start, oversized), None
        session = self.sessions.get(str(ctx.get("session_id") or ""))
        session.canonical = policy.canonical
        cands = policy.candidates(tool, indexed=self.indexed)
        act = Activation(tool, args, ctx, session, cands.decl)
        rated = rate(policy, cands, act)
        act.risk, act.reversibility, act.autonomy = rated.risk, rated.reversibility, rated.autonomy
        matches = match(policy, cands, act)
        verdict, reasons, errors, shadow = decide(policy, matches, rated.errors, act.lookup)
        # Facts are raised by calls that may go ahead (allow, and ask: the human may approve).
        raises = (
            () if verdict is Route.BLOCK else (*rated.raises, *(f for r in matches.rules for f in r.raises))
        )
        pending = _Pending(session, policy.canonical(tool), tuple(raises))
        decision = Decision(
            id=self.ids(),
            decision=verdict,
            ratings=Ratings(rated.risk, rated.reversibility, rated.autonomy),
            reasons=reasons,
            errors=errors,
            mode=policy.mode,
            policy=PolicyRef(policy.name, policy.version, policy.sha256),
            tool=tool,
            args=args,
            ctx=ctx,
            ts=self.clock(),
            latency_us=(time.perf_counter() - start) * 1e6,
            rated_by=rated.rated_by,
            shadow=shadow,
        )
        return decision, pending

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
            tool=str(tool),
            args=args,
            ctx=ctx,
            ts=self.clock(),
            latency_us=(time.perf_counter() - start) * 1e6,
        )

    def _write(self, decision: Decision) -> None:
        if self.log is None:
            return
        self.log.write(decision_record(decision))

    def record_outcome(
        self,
        decision_id: str,
        outcome: str,
        *,
        by: str = "human",
        detail: str = "",
        latency_ms: float | None = None,
    ) -> None:
        """Log what happened to a decision: approved, denied, timeout, executed, failed, interrupted."""
        record = outcome_record(
            decision_id, outcome, ts=self.clock(), by=by, detail=detail, latency_ms=latency_ms
        )
        if self.log is not None:
            self.log.write(record)

    # -- asking a human -------------------------------------------------------------------

    def approve(self, decision: Decision) -> bool:
        """Resolve an `ask`: call the `ask` callback (with the timeout); no callback or timeout is a no."""
        started = time.monotonic()
        if self.ask is None:
            return self._unattended(decision, started)
        try:
            answer = _call_with_timeout(self.ask, decision, self.ask_timeout)
        except TimeoutError:
            self._outcome(decision, "timeout", "system", f"no answer within {self.ask_timeout:g}s", started)
            return False
        except Exception as exc:
            self._outcome(decision, "denied", "system", f"the ask callback failed: {exc}", started)
            return False
        approved = answer is True  # only an explicit yes approves: "no", {} or None do not
        self._outcome(decision, "approved" if approved else "denied", "human", "", started)
        return approved

    async def approve_async(self, decision: Decision) -> bool:
        """`approve` for async code: an async callback is awaited, a sync one runs in a thread."""
        started = time.monotonic()
        if self.ask is None:
            return self._unattended(decision, started)
        try:
            if inspect.iscoroutinefunction(self.ask):
                answer = await asyncio.wait_for(self.ask(decision), self.ask_timeout)
            else:
                answer = await asyncio.wait_for(asyncio.to_thread(self.ask, decision), self.ask_timeout)
                if inspect.isawaitable(answer):
                    answer = await asyncio.wait_for(answer, self.ask_timeout)
        except (TimeoutError, asyncio.TimeoutError):
            self._outcome(decision, "timeout", "system", f"no answer within {self.ask_timeout:g}s", started)
            return False
        except Exception as exc:
            self._outcome(decision, "denied", "system", f"the ask callback failed: {exc}", started)
            return False
        approved = answer is True  # only an explicit yes approves: "no", {} or None do not
        self._outcome(decision, "approved" if approved else "denied", "human", "", started)
        return approved

    def _unattended(self, decision: Decision, started: float) -> bool:
        """No one to ask: the policy's `defaults.non_interactive` decides (block unless it says allow)."""
        allowed = self._policy.defaults.non_interactive is Route.ALLOW
        detail = "no one to ask: non_interactive is " + self._policy.defaults.non_interactive.value
        self._outcome(decision, "approved" if allowed else "denied", "system", detail, started)
        return allowed

    def _outcome(self, decision: Decision, outcome: str, by: str, detail: str, started: float) -> None:
        # The decision itself is already logged; losing an outcome must not crash the agent.
        with contextlib.suppress(LogError):
            self.record_outcome(
                decision.id, outcome, by=by, detail=detail, latency_ms=(time.monotonic() - started) * 1000
            )

    def enforce(self, decision: Decision) -> None:
        """Raise `Blocked` unless the decision lets the call run (asking a human if needed)."""
        effective = decision.effective
        if effective is Route.ALLOW:
            return
        if effective is Route.ASK and self.approve(decision):
            return
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
                    if decision.effective is Route.BLOCK or (
                        decision.effective is Route.ASK and not await self.approve_async(decision)
                    ):
                        raise Blocked(decision)
                    return await fn(*a, **kw)

                return async_wrapper  # type: ignore[return-value]

            @functools.wraps(fn)
            def wrapper(*a: Any, **kw: Any) -> Any:
                self.enforce(self.check(name, call_args(a, kw), ctx))
                return fn(*a, **kw)

            return wrapper  # type: ignore[return-value]

        return wrap


MAX_ARG_NODES = 100_000
MAX_ARG_DEPTH = 64
MAX_ARG_TEXT = 1_000_000


def _oversized(args: dict[str, Any]) -> str:
    """Why the arguments are too large to decide on in bounded time, or "" (a cheap walk)."""
    budget, text = MAX_ARG_NODES, 0
    stack: list[tuple[Any, int]] = [(args, 0)]
    while stack:
        value, depth = stack.pop()
        budget -= 1
        if budget < 0:
            return f"the call's arguments hold more than {MAX_ARG_NODES} values"
        if depth > MAX_ARG_DEPTH:
            return f"the call's arguments nest deeper than {MAX_ARG_DEPTH} levels"
        if isinstance(value, str):
            text += len(value)
            if text > MAX_ARG_TEXT:
                return f"the call's arguments hold more than {MAX_ARG_TEXT} characters of text"
        elif isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend((v, depth + 1) for v in value)
    return ""


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


def _call_with_timeout(callback: AskCallback, decision: Decision, timeout: float) -> bool:
    """Run a sync or async callback with a timeout, from synchronous code."""
    if inspect.iscoroutinefunction(callback):
        return asyncio.run(asyncio.wait_for(callback(decision), timeout)) is True
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(callback, decision)
        try:
            answer = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError as exc:
            raise TimeoutError from exc
        if inspect.isawaitable(answer):
            return asyncio.run(asyncio.wait_for(_awaited(answer), timeout)) is True
        return answer is True
    finally:
        pool.shutdown(wait=False)


async def _awaited(value: Awaitable[Any]) -> Any:
    return await value
