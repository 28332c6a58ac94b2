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
from .session import SessionStore

F = TypeVar("F", bound=Callable[..., Any])
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
        full_ctx = {**CTX_DEFAULTS, **ctx} if isinstance(ctx, Mapping) else dict(CTX_DEFAULTS)
        with self._lock:
            try:
                if ctx is not None and not isinstance(ctx, Mapping):
                    decision = self._failed(
                        policy, tool, args, full_ctx, start, "the context is not a mapping"
                    )
                else:
                    decision = self._decide(policy, tool, args, full_ctx, start)
            except Exception as exc:
                decision = self._failed(policy, tool, args, full_ctx, start, f"internal error: {exc}")
        try:
            self._write(decision)
        except LogError as exc:
            # A decision that cannot be recorded is not given: fail closed, say why.
            decision = self._failed(policy, tool, args, full_ctx, start, str(exc), mode="enforce")
        return decision

    def _decide(
        self, policy: CompiledPolicy, tool: Any, args: Any, ctx: dict[str, Any], start: float
    ) -> Decision:
        if not isinstance(tool, str) or not tool:
            return self._failed(policy, tool, args, ctx, start, "the call has no tool name")
        if not isinstance(args, Mapping):
            return self._failed(policy, tool, args, ctx, start, "the call's arguments are not a JSON object")
        session = self.sessions.get(str(ctx.get("session_id") or ""))
        cands = policy.candidates(tool, indexed=self.indexed)
        act = Activation(tool, args, ctx, session, cands.decl)
        rated = rate(policy, cands, act)
        act.risk, act.reversibility, act.autonomy = rated.risk, rated.reversibility, rated.autonomy
        matches = match(policy, cands, act)
        verdict, reasons, errors, shadow = decide(policy, matches, rated.errors, act.lookup)
        raises = [*rated.raises, *(f for r in matches.rules for f in r.raises)]
        if verdict is not Route.BLOCK:
            session.record(tool, verdict.value, rated.risk, tuple(raises))
        else:
            session.record(tool, verdict.value, rated.risk, ())
        return Decision(
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

    def _failed(
        self,
        policy: CompiledPolicy,
        tool: Any,
        args: Any,
        ctx: dict[str, Any],
        start: float,
        why: str,
        mode: str | None = None,
    ) -> Decision:
        """The decision when the call cannot be evaluated at all: the policy's `on_error`."""
        on_error = policy.defaults.on_error
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
            self._outcome(decision, "denied", "system", "no one to ask", started)
            return False
        try:
            answer = _call_with_timeout(self.ask, decision, self.ask_timeout)
        except TimeoutError:
            self._outcome(decision, "timeout", "system", f"no answer within {self.ask_timeout:g}s", started)
            return False
        except Exception as exc:
            self._outcome(decision, "denied", "system", f"the ask callback failed: {exc}", started)
            return False
        self._outcome(decision, "approved" if answer else "denied", "human", "", started)
        return bool(answer)

    async def approve_async(self, decision: Decision) -> bool:
        """`approve` for async code: an async callback is awaited, a sync one runs in a thread."""
        started = time.monotonic()
        if self.ask is None:
            self._outcome(decision, "denied", "system", "no one to ask", started)
            return False
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
        self._outcome(decision, "approved" if answer else "denied", "human", "", started)
        return bool(answer)

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
                bound = signature.bind_partial(*a, **kw)
                return {k: v for k, v in bound.arguments.items() if k != "self"}

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


def _call_with_timeout(callback: AskCallback, decision: Decision, timeout: float) -> bool:
    """Run a sync or async callback with a timeout, from synchronous code."""
    if inspect.iscoroutinefunction(callback):
        return bool(asyncio.run(asyncio.wait_for(callback(decision), timeout)))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(callback, decision)
        try:
            answer = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError as exc:
            raise TimeoutError from exc
        if inspect.isawaitable(answer):
            return bool(asyncio.run(asyncio.wait_for(_awaited(answer), timeout)))
        return bool(answer)
    finally:
        pool.shutdown(wait=False)


async def _awaited(value: Awaitable[Any]) -> Any:
    return await value
