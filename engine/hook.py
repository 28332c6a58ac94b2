"""The PreToolUse hook of Claude Code and Codex CLI: one tool call on stdin, one verdict on stdout.

Each tool call starts a new process, so everything here is built for a short life: imports are
lazy, the transcript is read backwards from its end only as far as the last human message, and
the session's memory (`session.count(...)`, `session.seen(...)`) lives in a small state file
under the cache directory. The hook fails closed: malformed input, a missing or broken policy
or any internal error answers `deny` with a reason, never an exit code the agent would read as
"go ahead". Only an event that names itself as one remit observes (`remit.hook_events`) gets
no deny, even malformed: a deny is not an answer those events take, and their own "block"
would stop the user's prompt or keep the agent from stopping (`refusal`). See docs/hooks.md
for the protocol facts this relies on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import strict_json
from .errors import RemitError
from .hook_events import OBSERVED, handle_event, not_recorded, note_decision
from .hookd import MAX_INPUT_BYTES, PROJECT_DIR, event_name
from .hookd import TOOL_EVENT as EVENT
from .hookd import main_hook as main_hook  # the entry point; its client side is light

if TYPE_CHECKING:
    from .cache import Kept
    from .decision import Decision
    from .guard import Guard
    from .session import Session

AGENTS = ("claude-code", "codex")
TAIL_BYTES = 8 * 1024 * 1024
"""How far back from the end of a transcript the hook looks for the last human message."""
MAX_STEPS = 1000
"""Calls counted back before giving up on finding the human (`steps_since_human` is then a floor)."""
MARKERS = {"claude-code": (b'"user"', b'"tool_use"'), "codex": (b'"user', b'_call"')}
"""Bytes a transcript line holds if it can be a human message or a call; others are not parsed."""
MAX_REASON = 2000
MAX_STATE_FILES = 2000
"""Session state files kept in the cache; the least recently used go first."""
STATE_VERSION = 1
LOCK_TIMEOUT = 5.0
"""Seconds a hook waits for its session's lock before it gives up (a tool call is then denied):
past the agent's own hook timeout (Claude Code's: 60 s) the agent runs the tool."""
TEXT_FIELDS = (
    "session_id", "transcript_path", "cwd", "permission_mode", "agent_id", "agent_type", "model",
    "turn_id", "prompt_id", "tool_use_id", "error",
)  # fmt: skip
FIELD_TYPES = {**dict.fromkeys(TEXT_FIELDS, "string"), "is_interrupt": "boolean", "duration_ms": "number"}
"""The fields remit reads from an event besides the tool's, by JSON type: another type (null
is no value) makes the event malformed, so that no rule or record goes on a value misread."""


class HookInputError(RemitError):
    """The hook's input cannot be checked; the message says why (and the call is denied)."""


class SessionLockedError(HookInputError):
    """Another hook has held the session's lock for longer than `LOCK_TIMEOUT` (a stuck or
    stopped process): the call cannot be checked against the session's state, so it is denied."""


@dataclass(frozen=True)
class HookEvent:
    """What a PreToolUse event holds that remit uses."""

    tool: str
    args: dict[str, Any]
    data: dict[str, Any]
    """The whole event, for the context fields."""

    @property
    def tool_use_id(self) -> str:
        """The id of this tool call ("" when the agent sent none)."""
        return _text(self.data.get("tool_use_id"))


# -- the entry points -----------------------------------------------------------------------


def answer(
    agent: str,
    raw: bytes,
    *,
    whole: bool = True,
    policy: str | Path,
    log: str | Path | None = None,
    log_durability: str | None = None,
) -> tuple[str, int]:
    """`run_hook` on the bytes read from stdin (not `whole`: the first `MAX_INPUT_BYTES` of
    more, which are not checked; only the event they name is read)."""
    text = raw.decode("utf-8", errors="replace")
    if not whole:
        why = f"the hook input is larger than {MAX_INPUT_BYTES} bytes"
        return refusal(agent, event_name(text), why, log=log)
    project = os.environ.get(PROJECT_DIR)  # this process is the agent's hook: its environment
    return run_hook(agent, text, policy=policy, log=log, log_durability=log_durability, project_dir=project)


def run_hook(
    agent: str,
    stdin_text: str,
    *,
    policy: str | Path,
    log: str | Path | None = None,
    log_durability: str | None = None,
    clock: Callable[[], float] = time.time,
    cache_dir: str | Path | None = None,
    resolved: Path | None = None,
    stderr: IO[str] | None = None,
    kept: Kept | None = None,
    project_dir: str | None = None,
) -> tuple[str, int]:
    """The hook's answer to one event: (stdout text, exit code). Never raises; fails closed.

    `log_durability`: how far each record goes before the answer (see `DecisionLog`).
    `resolved`: the policy's file when the caller found it already (`policy` then only names
    it in messages). `stderr`: where a note for the user goes (default `sys.stderr`). `kept`:
    the policies a long-lived caller has loaded already (`cache.Kept`). `project_dir`: the
    agent's `CLAUDE_PROJECT_DIR` (`hook_context`), None when unknown."""
    try:
        data = read_event(stdin_text)
    except Exception as exc:  # unreadable: what its readable start names decides the answer's shape
        return refusal(agent, event_name(stdin_text), _problem(exc), log=log, stderr=stderr)
    given = data.get("hook_event_name")
    name = given if isinstance(given, str) else None
    try:
        if log_durability is not None and log is None:
            raise HookInputError("--log-durability needs --log")
        if policy == "" and name not in OBSERVED:
            raise HookInputError("no policy given: `remit hook` needs `--policy` (a file or a shipped name)")
        cache = _cache_dir(cache_dir)
        if name in OBSERVED:  # a turn starting or ending, a call's result
            return handle_event(
                agent, data, log=log, cache=cache, clock=clock, log_durability=log_durability, stderr=stderr
            )
        return _decide(agent, data, policy, log, clock, cache, log_durability, resolved, kept, project_dir)
    except Exception as exc:  # the agent must get an answer, whatever broke
        return refusal(agent, name, _problem(exc), log=log, stderr=stderr)


def refusal(
    agent: str, name: str | None, why: str, *, log: str | Path | None, stderr: IO[str] | None = None
) -> tuple[str, int]:
    """The answer to an event remit cannot handle, in that event's terms: a deny for a tool
    call, an event remit does not know or one it cannot name (`name` None); for an event it
    only observes, no output (`hook_events.not_recorded`), never a block of the prompt or a
    "keep going" instead of a stop."""
    if name in OBSERVED:
        return not_recorded(name, why, log=log, stderr=stderr)
    return deny_output(agent, why), 0


def _problem(exc: Exception) -> str:
    if isinstance(exc, HookInputError):
        return str(exc)
    return f"internal error: {exc or type(exc).__name__}"


def _decide(
    agent: str,
    data: dict[str, Any],
    policy: str | Path,
    log: str | Path | None,
    clock: Callable[[], float],
    cache: Path,
    durability: str | None,
    resolved: Path | None,
    kept: Kept | None,
    project_dir: str | None = None,
) -> tuple[str, int]:
    """The verdict on a tool call; raises what keeps it from being checked."""
    check_agent(agent)
    event = tool_event(data)
    guard = _guard(policy, log, clock, cache, durability, resolved, kept)
    try:
        ctx = hook_context(agent, event, clock(), project_dir)
        decision = _check(guard, event, ctx, cache)
        return render(agent, decision, non_interactive=guard.policy.defaults.non_interactive.value), 0
    finally:
        if guard.log is not None:  # a daemon answers many calls: no file left open
            with contextlib.suppress(Exception):  # every record is written already: nothing is lost
                guard.log.close()


def check_agent(agent: str) -> None:
    """Raise `HookInputError` for an agent whose protocol remit does not speak."""
    if agent not in AGENTS:
        given = f"unknown agent `{agent}`" if agent else "no agent given"
        raise HookInputError(f"{given} (known: {', '.join(AGENTS)})")


def parse_event(text: str) -> HookEvent:
    """Check and unpack a PreToolUse event; raise `HookInputError` saying what is wrong."""
    return tool_event(read_event(text))


def read_event(text: str) -> dict[str, Any]:
    """The hook input as a JSON object; raise `HookInputError` saying what is wrong."""
    if len(text) > MAX_INPUT_BYTES:
        raise HookInputError(f"the hook input is larger than {MAX_INPUT_BYTES} bytes")
    if not text.strip():
        raise HookInputError("the hook got no input on stdin")
    try:
        # strictly: a key twice (the tool may read the other value), `NaN` (no rule compares it)
        data = strict_json.loads(text)
    except (ValueError, RecursionError) as exc:
        # an event remit only observes is read as it can be: a tool's result, which the agent
        # does not control, may hold anything (`{"Id": 1, "id": 2}`); its event stays one
        if event_name(text) not in OBSERVED:
            raise HookInputError(f"the hook input is not valid JSON ({_json_problem(exc)})") from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise HookInputError(f"the hook input is not valid JSON ({_json_problem(exc)})") from None
    if not isinstance(data, dict):
        raise HookInputError("the hook input is not a JSON object")
    return data


def tool_event(data: dict[str, Any]) -> HookEvent:
    """Check and unpack a PreToolUse event's object; raise `HookInputError` saying what is wrong."""
    event = data.get("hook_event_name")
    if event is None:
        raise HookInputError("the hook input has no `hook_event_name`")
    if not isinstance(event, str):
        raise HookInputError("the hook input's `hook_event_name` is not a string")
    if event != EVENT:
        raise HookInputError(f"remit answers `{EVENT}` events, not `{event}`: check the hook settings")
    tool, args = data.get("tool_name"), data.get("tool_input", {})
    if tool is not None and not isinstance(tool, str):
        raise HookInputError("the hook input's `tool_name` is not a string")
    if not tool:
        raise HookInputError("the hook input has no `tool_name`")
    if not isinstance(args, dict):
        raise HookInputError("the hook input's `tool_input` is not a JSON object")
    check_fields(data)
    return HookEvent(tool, args, data)


def check_fields(data: dict[str, Any]) -> None:
    """Raise `HookInputError` for a field of `FIELD_TYPES` that holds another type of value."""
    for key, kind in FIELD_TYPES.items():
        value = data.get(key)
        if value is not None and not _is_a(kind, value):
            raise HookInputError(f"the hook input's `{key}` is not a {kind}")


def _is_a(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc)


def _guard(
    policy: str | Path,
    log: str | Path | None,
    clock: Callable[[], float],
    cache: Path,
    durability: str | None = None,
    resolved: Path | None = None,
    kept: Kept | None = None,
) -> Guard:
    """A guard for the policy (cached when current); a policy that cannot load is a `HookInputError`."""
    from .cache import load_policy_cached
    from .errors import LogError, PolicyError
    from .guard import Guard
    from .resources import resolve_policy

    path = resolved if resolved is not None else resolve_policy(str(policy))
    try:
        compiled = load_policy_cached(path, cache_dir=cache, kept=kept)
    except PolicyError as exc:
        raise HookInputError(f"the policy `{policy}` cannot be loaded: {exc}") from None
    try:
        return Guard(compiled, log=log, log_durability=durability, path=path, clock=clock)
    except (LogError, ValueError) as exc:  # ValueError: an unknown durability
        raise HookInputError(str(exc)) from None


def _check(guard: Guard, event: HookEvent, ctx: dict[str, Any], cache: Path) -> Decision:
    """Check the call with the session's state loaded before and saved after, under a lock."""
    session_id = str(ctx.get("session_id") or "")
    if not session_id:
        return guard.check(event.tool, event.args, ctx)
    store = StateStore(cache)
    with store.locked(session_id):
        session = guard.sessions.get(session_id)
        saved = store.load(session_id)
        restore_session(session, saved)
        decision = guard.check(event.tool, event.args, ctx)
        with contextlib.suppress(Exception):  # the call's bookkeeping must not lose the decision
            agent = str(ctx.get("labels", {}).get("agent", ""))
            saved = note_decision(saved, agent, event.data, decision, ctx, guard.log)
        with contextlib.suppress(OSError):  # losing the state must not lose the decision
            store.save(session_id, {**saved, **session_to_dict(session)})
    return decision


# -- the context ----------------------------------------------------------------------------


def hook_context(agent: str, event: HookEvent, now: float, project_dir: str | None = None) -> dict[str, Any]:
    """The context a policy sees, from the event and the tail of the session's transcript
    (`project_dir`: Claude Code's `CLAUDE_PROJECT_DIR`, the workspace when it holds the
    event's `cwd`: `traces.claude.project_root`)."""
    data = event.data
    ctx: dict[str, Any] = {k: _text(data.get(k)) for k in ("session_id", "cwd", "agent_id")}
    if agent == "claude-code" and project_dir:
        from .traces.claude import project_root

        ctx["workspace"] = project_root(project_dir, ctx["cwd"])
    ctx["turn_id"] = _text(data.get("turn_id")) or _text(data.get("prompt_id"))
    ctx["permission_mode"] = _text(data.get("permission_mode")) or "default"
    ctx["subagent_depth"] = 1 if ctx["agent_id"] else 0
    labels = {"agent": agent, **{k: _text(data.get(k)) for k in ("agent_type", "model") if data.get(k)}}
    ctx["labels"] = labels
    transcript = data.get("transcript_path")
    tail = read_tail(transcript, agent, event.tool_use_id) if isinstance(transcript, str) else None
    if tail is not None:
        ctx["steps_since_human"] = tail.steps
        since = tail.human_ts if tail.found else tail.oldest_ts
        if since is not None:
            ctx["seconds_since_human"] = round(max(0.0, now - since), 3)
        if not ctx["turn_id"] and tail.human_id:
            ctx["turn_id"] = f"{ctx['session_id']}:{tail.human_id}"
    return {k: v for k, v in ctx.items() if v != ""}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Tail:
    """What the end of a transcript says about the last human message."""

    steps: int
    """Tool calls made since the last human message, before this one (a lower bound if not found)."""
    human_ts: float | None
    human_id: str
    found: bool
    """False when the bound was reached (or the file began) before a human message was found."""
    oldest_ts: float | None
    """The oldest time read, a lower bound for the time since the human spoke when not found."""


def read_tail(path: str, agent: str, tool_use_id: str, *, max_bytes: int = TAIL_BYTES) -> Tail | None:
    """Read a transcript backwards to its last human message; None if it cannot be read."""
    markers = MARKERS.get(agent, MARKERS["claude-code"])
    try:
        # opened first: no trace reader is imported for a missing file; without waiting, so a
        # FIFO named as the transcript cannot hold the hook until the agent gives up on it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            lines = (x for x in _reverse_lines(f, max_bytes) if any(m in x for m in markers))
            return _scan(lines, _parser(agent, path), tool_use_id)
    except (OSError, ValueError, TypeError):
        return None


def _parser(agent: str, path: str) -> Any:
    if agent == "codex":
        from .traces.codex import CodexParser

        return CodexParser(path)
    from .traces.claude import ClaudeCodeParser

    return ClaudeCodeParser(path)


def _scan(lines: Iterator[bytes], parser: Any, tool_use_id: str) -> Tail:
    """Count the calls since the last human message, newest line first."""
    from .traces.model import RawCall, RawHuman

    steps, oldest = 0, None
    for line in lines:
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            continue
        items = list(parser.record(0, value))
        for item in reversed(items):  # within a line too, newest first
            oldest = getattr(item, "ts", None) or oldest
            if isinstance(item, RawHuman):
                uuid = value.get("uuid") if isinstance(value, dict) else None
                return Tail(steps, item.ts, _text(uuid), True, oldest)
            if isinstance(item, RawCall):
                # Calls written after this one (parallel calls of one message) come later.
                steps = 0 if tool_use_id and item.call_id == tool_use_id else steps + 1
        if steps >= MAX_STEPS:
            break
    return Tail(steps, None, "", False, oldest)


def _reverse_lines(f: IO[bytes], max_bytes: int, block: int = 1 << 16) -> Iterator[bytes]:
    """The non-empty lines of a file, last first, reading at most `max_bytes` from its end."""
    f.seek(0, os.SEEK_END)
    pos = f.tell()
    stop = max(0, pos - max_bytes)
    pieces: list[bytes] = []  # the line being read, its last piece first (no quadratic copying)
    while pos > stop:
        size = min(block, pos - stop)
        pos -= size
        f.seek(pos)
        parts = f.read(size).split(b"\n")
        if len(parts) > 1:
            line = parts[-1] + b"".join(reversed(pieces))
            yield from (x for x in (line, *reversed(parts[1:-1])) if x.strip())
            pieces = []
        pieces.append(parts[0])
    first = b"".join(reversed(pieces))
    if pos == 0 and first.strip():  # a partial first line (cut by the bound) is not yielded
        yield first


# -- the session's state, across hook processes ---------------------------------------------


def _cache_dir(given: str | Path | None) -> Path:
    if given is not None:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "remit"


class StateStore:
    """Session state files under `<cache>/sessions/`, one per session id, replaced atomically."""

    def __init__(self, cache_dir: Path) -> None:
        self.dir = cache_dir / "sessions"

    def path(self, session_id: str) -> Path:
        """The state file of a session (its name is a hash: any id is a safe file name)."""
        key = session_id.encode("utf-8", "surrogatepass")  # an id may hold a lone surrogate
        return self.dir / (hashlib.sha256(key).hexdigest()[:32] + ".json")

    @contextlib.contextmanager
    def locked(self, session_id: str) -> Iterator[None]:
        """Hold the session's lock (hooks of parallel calls run at once). Without a lock file
        (no cache directory), go on without the lock; a lock held by another hook for longer
        than `LOCK_TIMEOUT` is a `SessionLockedError`."""
        lock = self.path(session_id).with_suffix(".lock")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            yield  # no cache directory: decide without the lock rather than not at all
            return
        try:
            _flock(fd, lock)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def load(self, session_id: str) -> dict[str, Any]:
        """The saved state ({} when there is none or it is damaged)."""
        try:
            data = json.loads(self.path(session_id).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}
        ok = isinstance(data, dict) and data.get("v") == STATE_VERSION and data.get("id") == session_id
        return data if ok else {}

    def save(self, session_id: str, state: dict[str, Any]) -> None:
        """Write the state atomically (a temporary file, then a rename)."""
        target = self.path(session_id)
        fresh = not target.exists()
        fd, tmp = _new_file(self.dir, ".state-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(state, f, separators=(",", ":"))  # ASCII: a lone surrogate is kept as its escape
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        if fresh:
            self.prune()

    def prune(self, keep: int = MAX_STATE_FILES) -> None:
        """Drop the least recently used state files beyond `keep`."""
        with contextlib.suppress(OSError):
            files = sorted(self.dir.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in files[keep:]:
                old.unlink(missing_ok=True)
                old.with_suffix(".lock").unlink(missing_ok=True)


def _new_file(folder: Path, prefix: str) -> tuple[int, str]:
    """A new file of this user's alone in `folder`, open for writing: what `tempfile.mkstemp`
    does, without importing tempfile (and shutil, bz2, lzma, random) into every hook call."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        name = str(folder / f"{prefix}{os.urandom(8).hex()}.tmp")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary name in {folder}")


def _flock(fd: int, path: Path) -> None:
    """Take the lock, waiting at most `LOCK_TIMEOUT`: a hook stuck while it holds the lock must
    not keep every later call of its session waiting past the agent's hook timeout, which runs
    the tool. Raises `SessionLockedError` then."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks, the last writer wins
        return
    deadline = time.monotonic() + LOCK_TIMEOUT
    delay = 0.0005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                why = f"locked by another remit hook for more than {LOCK_TIMEOUT:g}s (lock file `{path}`)"
                raise SessionLockedError(f"the session's state is {why}") from None
            time.sleep(min(delay, left))
            delay = min(delay * 2, 0.05)


def session_to_dict(session: Session) -> dict[str, Any]:
    """A session's memory as plain data."""
    return {
        "v": STATE_VERSION,
        "id": session.id,
        "calls": session.calls,
        "asks": session.asks,
        "blocks": session.blocks,
        "counts": dict(session._counts),
        "facts": session.facts,
        "recent": session.recent,
        "downloads": session.downloads,
    }


def restore_session(session: Session, data: dict[str, Any]) -> None:
    """Load saved state into a session (anything malformed is dropped, the bounds kept)."""
    from .session import MAX_DOWNLOADS, MAX_FACTS, MAX_TOOLS

    session.calls, session.asks, session.blocks = (_count(data.get(k)) for k in ("calls", "asks", "blocks"))
    counts = data.get("counts")
    pairs = counts.items() if isinstance(counts, dict) else ()
    session._counts = {str(k): _count(v) for k, v in list(pairs)[:MAX_TOOLS]}
    facts = data.get("facts")
    session._facts = dict.fromkeys(str(f) for f in (facts if isinstance(facts, list) else [])[:MAX_FACTS])
    session._recent.clear()
    recent = data.get("recent")
    session._recent.extend(r for r in (recent if isinstance(recent, list) else []) if isinstance(r, dict))
    downloads = data.get("downloads")  # absent from a file an older remit wrote: none
    paths = [p for p in (downloads if isinstance(downloads, list) else []) if isinstance(p, str) and p]
    session._downloads = {}
    session.note_downloads(paths[-MAX_DOWNLOADS:])


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


# -- the answer -----------------------------------------------------------------------------


VERBS = {"allow": "allowed", "ask": "asks a human to approve", "block": "blocked"}
SHADOW_VERBS = {
    "allow": "would have allowed",
    "ask": "would have asked a human to approve",
    "block": "would have blocked",
}
PERMISSIONS = {"allow": "allow", "ask": "ask", "block": "deny"}
CODEX_CANNOT_ASK = "it needs a human's approval, which a Codex hook cannot ask for"


def render(agent: str, decision: Decision, *, non_interactive: str = "block") -> str:
    """The hook's stdout for a decision, in the agent's protocol.

    `non_interactive` (the policy's `defaults.non_interactive`) is what an `ask` becomes for
    Codex, whose PreToolUse hooks cannot ask a human.
    """
    verdict = decision.decision.value
    if decision.mode == "shadow":
        # Shadow takes no part: no permission decision, so the agent's own prompts still apply.
        if verdict == "allow":
            return "{}"
        return _json({"systemMessage": "remit (shadow mode) " + explain(decision, SHADOW_VERBS[verdict])})
    note = ""
    if agent == "codex" and verdict == "ask":
        verdict, note = non_interactive, CODEX_CANNOT_ASK
    if agent == "codex" and verdict == "allow":
        return "{}"  # Codex refuses `allow` without `updatedInput`: no answer lets it decide
    return _answer(PERMISSIONS[verdict], "remit " + explain(decision, VERBS[verdict], note))


def explain(decision: Decision, verb: str, note: str = "") -> str:
    """The reason the model and the user read: the rules' messages, else rule ids and ratings."""
    r = decision.ratings
    who = ", ".join(f"{x.kind} `{x.id}`" for x in decision.reasons) or "the defaults"
    said = "; ".join(m for m in (note, decision.reason) if m)
    text = f"{verb} {decision.tool or 'the call'}" + (f": {said}" if said else "")
    text += (
        f" ({who}; risk {r.risk}, {r.reversibility}, autonomy {r.autonomy}; policy {decision.policy.name})"
    )
    return _cap(text)


def deny_output(agent: str, why: str) -> str:
    """A deny for a call that could not be checked at all."""
    return _answer("deny", _cap(f"remit could not check this call, so it is blocked: {why}"))


def _answer(permission: str, reason: str) -> str:
    output = {"hookEventName": EVENT, "permissionDecision": permission, "permissionDecisionReason": reason}
    return _json({"hookSpecificOutput": output})


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value)  # ASCII: no stdout encoding can fail on it


def _cap(text: str) -> str:
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 3] + "..."


def _main(argv: list[str]) -> int:
    """`python -m remit.hook AGENT POLICY [LOG]`: the hook without the CLI (tests, timing)."""
    if len(argv) not in (2, 3):
        sys.stderr.write("usage: python -m remit.hook AGENT POLICY [LOG]\n")
        return 2  # a block for both agents, like any hook that cannot answer
    return main_hook(argv[0], policy=argv[1], log=argv[2] if len(argv) == 3 else None)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
