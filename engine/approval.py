"""Asking a human: the answers an approver can give, and an approver for the terminal.

`Guard(policy, ask=approver)` calls the approver when the policy routes a call to `ask`.
An approver is any callable `Decision -> bool | Answer` (or an awaitable of one): `True`
approves this call once, anything else that is not an `Answer` denies it. An `Answer` says
more, as the permission prompts of coding agents do:

- `Answer.approve()`: this call, once;
- `Answer.approve(for_session=True)`: this call, and the same call (same tool, same
  arguments) again in this session without asking;
- `Answer.deny(note)`: no, and what the human said (it reaches the agent in `Blocked`);
- `Answer.deny(note, for_session=True)`: no, and no again to the same call in this session;
- `Answer.nobody(note)`: no one was there to answer; the policy's `non_interactive`
  default decides, as when a guard has no approver.

A remembered answer only ever settles an ask: a call the policy blocks stays blocked.
Every answer, remembered ones included, is an outcome event in the decision log.

`TerminalApprover` shows the call, its ratings and the reasons on the controlling terminal
and reads the answer there, within a deadline. What it shows of the call is what the decision
log holds of it: the deciding policy's redaction (`Decision.redaction`), its patterns and
dropped fields included.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Protocol, runtime_checkable

from .forks import renew_after_fork

if TYPE_CHECKING:
    from rich.console import Console

    from .decision import Decision
    from .redact_policy import CompiledRedaction

ONCE, SESSION = "once", "session"


@dataclass(frozen=True)
class Answer:
    """A human's answer to an ask. Build one with `approve`, `deny` or `nobody`."""

    approved: bool
    scope: str = ONCE
    """`once`, or `session`: the same answer to the same call for the rest of the session."""
    note: str = ""
    """What the human said (logged as the outcome's detail, secrets redacted)."""
    unattended: bool = False
    """No one answered: the policy's `non_interactive` default decides instead."""

    def __post_init__(self) -> None:
        if self.scope not in (ONCE, SESSION):
            raise ValueError(f"an answer's scope is `once` or `session`, not `{self.scope}`")

    @classmethod
    def approve(cls, *, for_session: bool = False, note: str = "") -> Answer:
        """Yes: this call (and, `for_session`, the same call again in this session)."""
        return cls(True, SESSION if for_session else ONCE, note)

    @classmethod
    def deny(cls, note: str = "", *, for_session: bool = False) -> Answer:
        """No, with what the human said (and, `for_session`, no again to the same call)."""
        return cls(False, SESSION if for_session else ONCE, note)

    @classmethod
    def nobody(cls, note: str = "") -> Answer:
        """No one was there to answer (the policy's `non_interactive` decides)."""
        return cls(False, ONCE, note, unattended=True)


def as_answer(value: Any) -> Answer:
    """What an approver returned, as a plain `Answer`: only `True` or an `Answer` whose
    `approved` is `True` itself (not merely truthy) is a yes, whatever class it comes in."""
    if isinstance(value, Answer):
        scope = value.scope if value.scope in (ONCE, SESSION) else ONCE
        return Answer(value.approved is True, scope, str(value.note), value.unattended is True)
    return Answer.approve() if value is True else Answer.deny()


class Approver(Protocol):
    """Anything `Guard(ask=...)` accepts: called with the decision, returns a bool or an `Answer`.

    It may be a coroutine function, or return an awaitable. The guard applies its
    `ask_timeout` (a sync approver runs in a worker thread for that).
    """

    def __call__(self, decision: Decision) -> bool | Answer | Awaitable[bool | Answer]: ...


@runtime_checkable
class DeadlineApprover(Protocol):
    """An approver that keeps a deadline itself: the guard calls `answer` in its own thread.

    `answer` returns by `timeout` seconds, or raises `TimeoutError`. No worker thread is
    left waiting on a human after the guard has given up.
    """

    def answer(self, decision: Decision, *, timeout: float) -> bool | Answer: ...


# -- the terminal ---------------------------------------------------------------------------

DEFAULT_TIMEOUT = 300.0
MAX_ARG_CHARS = 400
"""Characters shown of one string argument before it is cut."""
MAX_ARG_LINES = 30
"""Lines of arguments shown before the rest is cut."""
MAX_ANSWER_BYTES = 4096
UNSHOWN_ARGS = "[REDACTED:args]"
UNSHOWN_MESSAGE = "[REDACTED:message]"
"""What stands for the arguments, or a reason's message, when they cannot be redacted."""
_PROMPT_LOCK = threading.Lock()  # one question on a terminal at a time
renew_after_fork(sys.modules[__name__], "_PROMPT_LOCK")


class TerminalApprover:
    """Asks on the controlling terminal: the call, its ratings, the reasons; then y, s or n.

    `y` approves once, `s` approves the same call for the rest of the session, `n` (or
    Enter) denies; `n` followed by text denies and passes the text on as a note. The
    answer is read from `tty` (the controlling terminal by default) or, when that cannot
    be opened, from standard input if it is a terminal (the question then goes to standard
    error). Input typed before the question appears is discarded, so an answer meant for
    something else cannot approve this call. With no terminal at all it answers
    `Answer.nobody` at once, and the policy's `non_interactive` default decides.

    `timeout` bounds the wait (default: the guard's `ask_timeout`, else 300 s); with no
    answer in time it raises `TimeoutError`, which a guard records as a timeout. Nothing
    keeps reading after that: the terminal is watched with `select()` up to the deadline.
    """

    def __init__(
        self,
        *,
        timeout: float | None = None,
        tty: str | None = "/dev/tty",
        stdin: IO[Any] | None = None,
        stderr: IO[str] | None = None,
        session_option: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.tty = tty
        self.stdin = stdin
        self.stderr = stderr
        self.session_option = session_option
        self.clock = clock

    def __call__(self, decision: Decision) -> Answer:
        """Ask about `decision` within this approver's timeout (300 s unless set)."""
        return self.answer(decision, timeout=self.timeout if self.timeout is not None else DEFAULT_TIMEOUT)

    def answer(self, decision: Decision, *, timeout: float) -> Answer:
        """Ask about `decision`, waiting at most `timeout` seconds (or this approver's, if shorter)."""
        if self.timeout is not None:
            timeout = min(timeout, self.timeout)
        deadline = self.clock() + max(0.0, timeout)
        terminal = self._open()
        if terminal is None:
            return Answer.nobody("no terminal to ask on")
        try:
            if not _PROMPT_LOCK.acquire(timeout=max(0.0, deadline - self.clock())):
                raise TimeoutError(f"no answer within {timeout:g}s")
            try:
                return self._ask(terminal, decision, deadline, timeout)
            finally:
                _PROMPT_LOCK.release()
        finally:
            terminal.close()

    def _open(self) -> _Terminal | None:
        """The terminal to ask on: `tty`, else standard input if it is one; None if neither."""
        if self.tty:
            try:
                fd = os.open(self.tty, os.O_RDWR | getattr(os, "O_NOCTTY", 0))
            except OSError:
                fd = -1
            if fd >= 0:
                try:
                    if os.isatty(fd):
                        out = os.fdopen(os.dup(fd), "w", encoding="utf-8", errors="replace")
                        return _Terminal(fd, out, True)
                except OSError:
                    pass
                os.close(fd)
        stdin = self.stdin if self.stdin is not None else sys.stdin
        try:
            fd = stdin.fileno()
        except (AttributeError, OSError, ValueError):
            return None
        if not os.isatty(fd):
            return None
        return _Terminal(fd, self.stderr or sys.stderr, False)

    def _ask(self, terminal: _Terminal, decision: Decision, deadline: float, timeout: float) -> Answer:
        console = terminal.console()
        console.print(render_ask(decision))
        terminal.discard_typeahead()
        choices = (
            "[y] approve once, [s] approve this call for the session, "
            if self.session_option
            else "[y] approve, "
        )
        console.print(f"{choices}[n] deny (n <note>: deny and say why)", markup=False, highlight=False)
        while True:
            remaining = deadline - self.clock()
            console.print(f"approve? (no answer in {max(0, remaining):.0f}s denies) ", end="", markup=False)
            console.file.flush()
            line = terminal.read_line(deadline, self.clock)
            if line is None:
                terminal.discard_typeahead()  # half-typed text was meant for this question
                console.print("\nno answer in time: denied", markup=False, highlight=False)
                raise TimeoutError(f"no answer within {timeout:g}s")
            answer = parse_answer(line, session_option=self.session_option)
            if answer is not None:
                console.print("approved" if answer.approved else "denied", markup=False, highlight=False)
                return answer
            console.print(
                f"`{_printable(line.strip())[:40]}` is not an answer", markup=False, highlight=False
            )


def parse_answer(line: str, *, session_option: bool = True) -> Answer | None:
    """The answer a typed line gives, or None when it is not one. Enter alone (or EOF) denies."""
    text = line.strip()
    word, _, rest = text.partition(" ")
    word = word.lower().rstrip(",:;")
    note = _printable(rest.strip())
    if word in ("", "n", "no"):
        return Answer.deny(note)
    if word in ("y", "yes"):
        return Answer.approve(note=note)
    if session_option and word in ("s", "session"):
        return Answer.approve(for_session=True, note=note)
    return None


class _Terminal:
    """A terminal file descriptor to read answers from, and a text stream for the question."""

    def __init__(self, fd: int, out: IO[str], owned: bool) -> None:
        self.fd = fd
        self.out = out
        self.owned = owned

    def console(self) -> Console:
        """A console on the question's stream, as wide as this terminal (not the process's stdout)."""
        from rich.console import Console

        try:
            width: int | None = os.get_terminal_size(self.fd).columns or None
        except OSError:
            width = None
        return Console(file=self.out, width=width, highlight=False, soft_wrap=False, emoji=False)

    def discard_typeahead(self) -> None:
        """Drop input typed before the question (best effort: only a terminal has such a queue)."""
        with contextlib.suppress(Exception):
            import termios

            termios.tcflush(self.fd, termios.TCIFLUSH)

    def read_line(self, deadline: float, clock: Callable[[], float]) -> str | None:
        """One line, read a byte at a time (never past its end); None at the deadline; "" at EOF."""
        import select  # here: only a question asked on a terminal reads one

        data = bytearray()
        while len(data) < MAX_ANSWER_BYTES:
            remaining = deadline - clock()
            if remaining <= 0:
                return None
            try:
                ready, _, _ = select.select([self.fd], [], [], remaining)
            except InterruptedError:
                continue
            if not ready:
                continue
            byte = os.read(self.fd, 1)
            if not byte or byte == b"\n":
                break
            data += byte
        return data.decode("utf-8", errors="replace").replace("\r", "")

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.out.flush()
        if self.owned:
            with contextlib.suppress(OSError):
                self.out.close()
            with contextlib.suppress(OSError):
                os.close(self.fd)


# -- what the human sees --------------------------------------------------------------------


def render_ask(
    decision: Decision,
    *,
    redaction: CompiledRedaction | None = None,
    max_chars: int = MAX_ARG_CHARS,
    max_lines: int = MAX_ARG_LINES,
) -> Any:
    """The question as a rich renderable: tool, ratings (and who rated), reasons, arguments.

    Arguments and reasons are redacted as the log redacts them (`redaction` if given, else the
    deciding policy's, `decision.redaction`, else the built-in one; a value that cannot be is
    not shown), long strings cut, and control and
    formatting characters shown escaped, so a call cannot hide or restyle part of the question.
    No text from the call is read as rich markup.
    """
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    if redaction is None:
        redaction = decision.redaction
    args, scrub = _redacted(decision.args, decision.ctx, redaction)
    r = decision.ratings
    rated = decision.rated_by
    head = Text.assemble(("remit asks: ", "bold"), (_printable(decision.tool), "bold yellow"))
    ratings = Text("  ")
    for label, value, dim in (
        ("risk", f"{r.risk}/10", "risk"),
        ("", str(r.reversibility), "reversibility"),
        ("autonomy", f"{r.autonomy}/10", "autonomy"),
    ):
        ratings.append(f"{label} " if label else "")
        ratings.append(value, style="bold")
        who = ", ".join(rated.get(dim, ()))
        ratings.append(f" ({_printable(who)})  " if who else "  ", style="dim")
    lines: list[Any] = [head, ratings, Text("why:", style="bold")]
    for reason in decision.reasons:
        line = Text(f"  {reason.kind} ")
        line.append(_printable(reason.id), style="bold")
        line.append(f" -> {reason.decision.value}")
        if reason.message:  # a template may quote the call: scrubbed as the log scrubs it
            line.append(": " + _printable(_scrubbed(scrub, reason.message)))
        lines.append(line)
    lines.append(Text("arguments:", style="bold"))
    lines.append(Text(_listing(args, max_chars=max_chars, max_lines=max_lines)))
    policy = decision.policy
    lines.append(Text(f"policy {_printable(policy.name)} {_printable(policy.version)}", style="dim"))
    return Panel(Group(*lines), title="approve this call?", title_align="left", border_style="yellow")


def show_args(
    args: Any,
    *,
    redaction: CompiledRedaction | None = None,
    ctx: Any = None,
    max_chars: int = MAX_ARG_CHARS,
    max_lines: int = MAX_ARG_LINES,
) -> str:
    """Arguments as indented JSON: redacted as the log redacts them (`redaction`, the policy's,
    else the built-in one; `ctx`, the call's context, which the policy may drop fields of), long
    strings and long listings cut."""
    return _listing(_redacted(args, ctx, redaction)[0], max_chars=max_chars, max_lines=max_lines)


def _redacted(args: Any, ctx: Any, redaction: CompiledRedaction | None) -> tuple[Any, Callable[[str], str]]:
    """The arguments as the log holds them, and the scrub of a message beside them (which hides
    what a reason quotes of a value dropped or hidden for its field name). Redaction that fails
    shows nothing of the call: a marker stands for the arguments, and for each message."""
    from .redact_policy import NO_REDACTION

    try:
        redacted = (NO_REDACTION if redaction is None else redaction).call(args, {} if ctx is None else ctx)
    except Exception:
        return UNSHOWN_ARGS, _unshown
    return redacted.args, redacted.scrub


def _unshown(message: str) -> str:
    return UNSHOWN_MESSAGE


def _scrubbed(scrub: Callable[[str], str], message: str) -> str:
    """`scrub(message)`, or a marker if it fails."""
    try:
        return scrub(message)
    except Exception:
        return UNSHOWN_MESSAGE


def _listing(args: Any, *, max_chars: int, max_lines: int) -> str:
    """Redacted arguments as indented JSON, long strings and long listings cut."""
    try:
        text = json.dumps(_cut(args, max_chars), indent=2, ensure_ascii=False, default=str)
    except Exception:  # a value whose `str` raises, say: nothing of it is shown
        text = json.dumps(UNSHOWN_ARGS)
    lines = _printable(text, keep_newlines=True).splitlines()
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"... ({len(lines) - max_lines} more lines)"]
    return "\n".join(lines)


def _cut(value: Any, max_chars: int, depth: int = 0) -> Any:
    if isinstance(value, str) and len(value) > max_chars:
        return value[:max_chars] + f"... ({len(value) - max_chars} more characters)"
    if depth > 20:
        return "..."
    if isinstance(value, dict):
        return {str(k): _cut(v, max_chars, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cut(v, max_chars, depth + 1) for v in value]
    return value


def _printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with control and invisible formatting characters (escapes, bidi overrides) escaped."""
    import unicodedata  # here: only a question asked on a terminal is shown

    out = []
    for ch in text:
        if (keep_newlines and ch == "\n") or (ch.isprintable() and unicodedata.category(ch) != "Cf"):
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)
