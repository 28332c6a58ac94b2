"""remit's own decision logs: `kind: "decision"` records are calls, with their context as
recorded and the decision they got (kept in `TraceCall.recorded` for comparison);
`kind: "outcome"` records become `outcome` events; records about the policy itself
(`policy_loaded`, `policy_error`) and the hook's turn events (`event`) hold no call and are
skipped. A record of another format version (`v`) is a problem: it may mean something else.
Args in a log are redacted: a replay sees what the log kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from ..log import SCHEMA_VERSION
from .base import Parser
from .files import parse_ts
from .model import RawCall, RawItem, RawNote

NO_CALL_KINDS = frozenset({"policy_loaded", "policy_error", "event"})


class RemitLogParser(Parser):
    """Decision-log records to raw items."""

    fmt: ClassVar[str] = "remit-log"

    def record(self, line: int, value: Any) -> Iterator[RawItem]:
        """One decision or outcome record."""
        kind = value.get("kind") if isinstance(value, dict) else None
        version = value.get("v") if isinstance(value, dict) else None
        if version != SCHEMA_VERSION or isinstance(version, bool):
            yield self.unknown(line, f"a record of format version `{version}`, not {SCHEMA_VERSION}")
        elif kind == "decision" and isinstance(value, dict):
            yield self._decision(line, value)
        elif kind == "outcome" and isinstance(value, dict):
            detail = str(value.get("outcome") or "")
            yield RawNote(
                "outcome", parse_ts(value.get("ts")), line, detail=detail, call_id=str(value.get("decision"))
            )
        elif kind not in NO_CALL_KINDS:
            yield self.unknown(line, f"a record of unknown kind `{kind}`")

    def _decision(self, line: int, value: dict[str, Any]) -> RawItem:
        tool = value.get("tool")
        if not isinstance(tool, str) or not tool:
            return self.unknown(line, "a decision record without a tool")
        ctx = value.get("ctx") if isinstance(value.get("ctx"), dict) else {}
        session = value.get("session") or (ctx or {}).get("session_id") or self.session_hint
        args = value.get("args")
        reasons = value.get("reasons") if isinstance(value.get("reasons"), list) else []
        return RawCall(
            tool,
            args if isinstance(args, dict) else {"input": args},
            str(value.get("id") or self.line_id(line)),
            parse_ts(value.get("ts")),
            line,
            session_id=str(session),
            resolved=True,
            ctx=dict(ctx or {}),
            recorded={
                "id": value.get("id"),
                "decision": value.get("decision"),
                "mode": value.get("mode"),
                "rules": [r.get("id") for r in reasons or [] if isinstance(r, dict)],
                "ratings": value.get("ratings"),
                "policy": value.get("policy"),
            },
        )
