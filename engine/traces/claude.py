"""Claude Code session transcripts (`~/.claude/projects/<project>/<session>.jsonl`).

One JSON object per line. Tool calls are `tool_use` blocks of `assistant` lines; their
results are `tool_result` blocks of the next `user` line (`is_error`, and `toolUseResult`
saying whether the user rejected or interrupted it). Sub-agent transcripts live in
`<session>/subagents/agent-*.jsonl` with `isSidechain: true` and the parent's `sessionId`.
Also reads the `{"loglines": [...]}` export of the same records as one JSON document.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any, ClassVar

from .base import Parser, text_of
from .files import parse_ts
from .model import (
    Outcome,
    RawActivity,
    RawCall,
    RawContext,
    RawHuman,
    RawInterrupt,
    RawItem,
    RawNote,
    RawResult,
)

KNOWN_TYPES = frozenset(
    {
        "user",
        "assistant",
        "system",
        "summary",
        "progress",
        "file-history-snapshot",
        "queue-operation",
        "custom-title",
        "tag",
        "last-prompt",
        "agent-name",
        "pr-link",
    }
)
"""Line types Claude Code writes; only `user` and `assistant` carry calls and turns."""

INTERRUPT = "[Request interrupted by user"
REJECTED = "The user doesn't want to proceed with this tool use"
HUMAN_TAGS = ("<command-name>", "<command-message>", "<bash-input>")
"""Tagged user text that a human typed (a slash command, a `!` shell command)."""

CLARIFY_TOOLS = frozenset({"AskUserQuestion"})


class ClaudeCodeParser(Parser):
    """Claude Code transcript lines to raw items."""

    fmt: ClassVar[str] = "claude-code"

    def __init__(self, file: str, *, session_hint: str = "", depth: int = 0) -> None:
        super().__init__(file, session_hint=session_hint, depth=depth)
        self._session: str | None = None
        self._mode: str | None = None
        self._root: str | None = None
        """The session's first cwd: where Claude Code was started, the project's root."""

    def record(self, line: int, value: Any) -> Iterator[RawItem]:
        """The raw items of one transcript line."""
        if not isinstance(value, dict):
            yield self.unknown(line, "a line that is not a JSON object")
            return
        kind = value.get("type")
        if kind not in KNOWN_TYPES:
            yield self.unknown(line, f"a line of unknown type `{kind}`")
            return
        yield from self._context(line, value)
        message = value.get("message")
        if kind == "assistant" and isinstance(message, dict):
            yield from self._assistant(line, value, message.get("content"))
        elif kind == "user" and isinstance(message, dict):
            yield from self._user(line, value, message.get("content"))
        elif kind in ("user", "assistant"):
            yield self.unknown(line, f"a `{kind}` line without a message")

    def document(self, value: Any) -> Iterator[RawItem]:
        """The `{"loglines": [...]}` form: the same records in one JSON document."""
        lines = value.get("loglines") if isinstance(value, dict) else value
        yield from super().document(lines)

    def _context(self, line: int, value: dict[str, Any]) -> Iterator[RawItem]:
        session = value.get("sessionId")
        mode = value.get("permissionMode")
        if isinstance(session, str) and session and session != self._session:
            self._session = session
            self._root = None  # another session: its own start
            yield RawContext(line, session_id=session)
        if self._root is None:
            cwd = value.get("cwd")
            if isinstance(cwd, str) and cwd[:1] == "/":
                self._root = cwd
        if isinstance(mode, str) and mode != self._mode:
            self._mode = mode
            yield RawContext(line, permission_mode=mode)

    def _depth(self, value: dict[str, Any]) -> int:
        return max(self.depth, 1 if value.get("isSidechain") is True else 0)

    def _assistant(self, line: int, value: dict[str, Any], content: Any) -> Iterator[RawItem]:
        ts = parse_ts(value.get("timestamp"))
        yield RawActivity(ts, line)
        if content is None or isinstance(content, str):
            return  # no content (usage only) or text only: no tool call
        if not isinstance(content, list):
            yield self.unknown(line, "an `assistant` line whose content is not a list of blocks")
            return
        odd = False
        for block in content:
            if not isinstance(block, dict):
                odd = True  # a string or a list where a block goes: it may have held a call
                continue
            if block.get("type") != "tool_use":
                continue
            call = self._call(line, value, block, ts)
            if call is None:
                yield self.unknown(line, "a `tool_use` block without a name")
            elif self.fresh(call.call_id):
                yield call
                if call.tool in CLARIFY_TOOLS:
                    yield RawNote(
                        "clarification", ts, line, detail=_question(call.args), call_id=call.call_id
                    )
        if odd:
            yield self.unknown(line, "an `assistant` line whose content holds an item that is not a block")

    def _call(
        self, line: int, value: dict[str, Any], block: dict[str, Any], ts: float | None
    ) -> RawCall | None:
        name = block.get("name")
        if not isinstance(name, str) or not name:
            return None
        args = block.get("input")
        cwd = value.get("cwd")
        agent = value.get("agentId")
        root = project_root(self._root, cwd) if isinstance(cwd, str) else ""
        return RawCall(
            tool=name,
            args=args if isinstance(args, dict) else {"input": args},
            call_id=str(block.get("id") or self.line_id(line)),
            ts=ts,
            line=line,
            agent_id=agent if isinstance(agent, str) else None,
            cwd=cwd if isinstance(cwd, str) else None,
            depth=self._depth(value),
            ctx={"workspace": root} if root else None,
        )

    def _user(self, line: int, value: dict[str, Any], content: Any) -> Iterator[RawItem]:
        ts = parse_ts(value.get("timestamp"))
        blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]
        human = False
        for block in blocks:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_result":
                yield _result(line, ts, block, value.get("toolUseResult"))
            elif block.get("type") == "text":
                text = block.get("text")
                if isinstance(text, str) and text.startswith(INTERRUPT):
                    yield RawInterrupt(ts, line, detail=text.strip())
                elif isinstance(text, str) and self._is_human(value, text):
                    human = True
        if human:
            yield RawHuman(ts, line)

    def _is_human(self, value: dict[str, Any], text: str) -> bool:
        if value.get("isMeta") or value.get("isCompactSummary") or self._depth(value) > 0:
            return False
        stripped = text.lstrip()
        if not stripped or stripped.startswith("Caveat:"):
            return False
        return not stripped.startswith("<") or stripped.startswith(HUMAN_TAGS)


def _result(line: int, ts: float | None, block: dict[str, Any], extra: Any) -> RawResult:
    """A `tool_result` block: executed, failed, denied by the user or interrupted."""
    text = text_of(block.get("content"))
    error = block.get("is_error") is True
    outcome: Outcome = "failed" if error else "executed"
    if text.startswith(REJECTED) or extra == "User rejected tool use":
        outcome = "denied"
    elif text.startswith(INTERRUPT) or (isinstance(extra, dict) and extra.get("interrupted") is True):
        outcome = "interrupted"
    return RawResult(str(block.get("tool_use_id") or ""), ts, line, outcome, error)


def _question(args: dict[str, Any]) -> str:
    questions = args.get("questions")
    if isinstance(questions, list):
        texts = [q.get("question") for q in questions if isinstance(q, dict)]
        return " | ".join(t for t in texts if isinstance(t, str))
    question = args.get("question")
    return question if isinstance(question, str) else ""


def project_root(root: str | None, cwd: str) -> str:
    """The workspace of a call made in `cwd`: the project's `root` (where Claude Code was
    started, `CLAUDE_PROJECT_DIR`), which `cwd` leaves after the agent's `cd` into a folder
    of the project. Only an absolute root that holds the cwd counts; "" otherwise, and for a
    root that is the cwd: the workspace is then the cwd, as for any call."""
    if not root or root[0] != "/" or not cwd or cwd[0] != "/":
        return ""
    top, here = posixpath.normpath(root), posixpath.normpath(cwd)
    if here != top and here.startswith(top.rstrip("/") + "/"):
        return top
    return ""
