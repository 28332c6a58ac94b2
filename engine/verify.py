"""`remit log verify`: check the hash chain of decision logs, and say what broke it.

Every line of a log carries `prev`, the SHA-256 hex of the previous line's bytes (without its
newline), or `"0" * 64` on the first line. Reading the lines in order, a record whose `prev` is
not the hash of the line before it is a broken link. The verifier then looks around the break
(within `window` lines either side) to say what happened, where the evidence allows:

| kind         | evidence                                                                           |
|--------------|------------------------------------------------------------------------------------|
| `torn`       | a line that is not valid JSON, or the last line has no final newline               |
| `not_record` | valid JSON, but not a remit record (`v`, `kind`, a 64-hex `prev`)                  |
| `reordered`  | the record's `prev` is the hash of a *later* line: it was moved up (or others down) |
| `duplicate`  | the line repeats an earlier line byte for byte (a replayed record)                |
| `inserted`   | a record's `prev` is the hash of a line further back: the lines between are extra  |
| `deleted`    | the first record of a file chains neither to the genesis nor to the previous file |
| `edited`     | a line was changed: its own link is fine but the next record's `prev` does not    |
|              | match it *and* the line shows it (not as remit writes it, or its args do not hash |
|              | to its `args_sha256`); or a line whose link and the next one's both fail          |
| `broken`     | the record's `prev` matches no line: records were deleted before it, or the line  |
|              | before it was edited in place; the hashes cannot tell these two apart (also: a    |
|              | record restarting the chain at the genesis mid-file, as when logs are concatenated) |
| `unreadable` | the file cannot be opened or decompressed (line 0, or the line reached)           |
| `missing_anchor` | no line hashes to an anchor given (file "", line 0)                       |
| `truncated`  | not a problem of the log: more than `max_problems` were found (file "", line 0)    |

After a break the check resynchronises on the record's own hash, so later problems are found
too; the consequences of one reorder or duplicate are not reported again. A torn line stays its
own line: the writer chains the next record to its hash, so a crash is one `torn` problem.

Limits of any hash chain without an outside anchor: deleting or editing the *last* records of
a file, or rewriting every hash after an edit, cannot be seen; nor can the deletion of whole
rotated files when the next file starts at the genesis. An anchor is the remedy: the `head`
of a verified log (the hash of its last line) kept where whoever could change the log cannot
reach it, and given back later (`anchors`). A line must still hash to each anchor, since
records are only ever appended after it; `missing_anchor` says that none does: the line it
was taken at, or one before it, was edited or deleted (however well the hashes after the edit
were rewritten), or the log was cut short before it.

Several files are read in the order given, oldest first (`decisions.jsonl.2`,
`decisions.jsonl.1`, `decisions.jsonl`): the first record of each later file may chain either
to the genesis (remit's writer starts every new file there) or to the last line of the file
before it (a rotation that keeps the chain). Gzip files (`.gz`, recognised by their first
bytes) are read transparently. Memory stays constant: only the hashes of the last `window` lines are kept.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .log import GENESIS, SCHEMA_VERSION, _dumps, args_sha256

__all__ = ["KINDS", "LogProblem", "VerifyResult", "verify_logs"]

KINDS = (
    "torn",
    "not_record",
    "reordered",
    "duplicate",
    "inserted",
    "deleted",
    "edited",
    "broken",
    "unreadable",
    "missing_anchor",
    "truncated",
)
RECORD_KINDS = frozenset({"decision", "outcome", "event", "policy_loaded", "policy_error"})
HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class LogProblem:
    """One problem: the file, its 1-based line (0: the whole file), a kind of `KINDS`, a message."""

    file: str
    line: int
    kind: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The problem as plain data."""
        return {"file": self.file, "line": self.line, "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class VerifyResult:
    """What `verify_logs` found: records checked, files read, the problems in file order, and the
    `head`: the hash of the last line read (None when every file is empty), at `head_file`
    line `head_line`; the anchor to keep for a later check."""

    records: int
    files: int
    problems: list[LogProblem] = field(default_factory=list)
    head: str | None = None
    head_file: str = ""
    head_line: int = 0

    @property
    def ok(self) -> bool:
        """Whether every chain is intact and every line a whole remit record."""
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """The result as plain data (for `--format json`)."""
        return {
            "ok": self.ok,
            "records": self.records,
            "files": self.files,
            "problems": [p.as_dict() for p in self.problems],
            "head": None
            if self.head is None
            else {"hash": self.head, "file": self.head_file, "line": self.head_line},
        }


def verify_logs(
    paths: Iterable[str | Path],
    *,
    anchors: Iterable[str] = (),
    window: int = 1024,
    max_problems: int = 1000,
) -> VerifyResult:
    """Check the hash chain of the logs at `paths`, read in the order given (oldest first).

    The first record of the first file must chain to the genesis (`"0" * 64`); the first record
    of each later file to the genesis or to the last line of the file before it (log rotation).
    A break is classified by looking `window` lines either side of it. Each of `anchors` (the
    `head` of an earlier check, 64 hex digits) must be the hash of a line, or it is a
    `missing_anchor` problem. At most `max_problems` problems are listed; a final `truncated`
    problem counts the rest.
    """
    wanted = {a.lower() for a in anchors}
    for anchor in wanted:
        if len(anchor) != 64 or not set(anchor) <= HEX:
            raise ValueError(f"`{anchor}` is not a head: the SHA-256 of a line, 64 hex digits")
    sink = _Sink(max_problems)
    records = files = 0
    last: str | None = None  # the hash of the last line of the previous non-empty file
    head_file, head_line = "", 0
    for path in paths:
        files += 1
        first = {GENESIS} if last is None else {GENESIS, last}
        checker = _FileChecker(str(path), first, max(2, window), sink, wanted)
        checker.run()
        records += checker.records
        if checker.last_hash is not None:
            last, head_file, head_line = checker.last_hash, str(path), checker.line
    for anchor in sorted(wanted):
        if sink.room(0):
            sink.add([LogProblem("", 0, "missing_anchor", _MISSING_ANCHOR.format(anchor=anchor))])
    return VerifyResult(records, files, sink.result(), last, head_file, head_line)


_MISSING_ANCHOR = (
    "no line hashes to the anchor {anchor}: the line it was taken at, or one before it, was edited "
    "or deleted, or the log was cut short before it"
)


class _Sink:
    """Collects problems up to a limit, counting the ones past it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.problems: list[LogProblem] = []
        self.dropped = 0

    def room(self, pending: int) -> bool:
        """Whether one more problem fits, with `pending` ones not yet added; counts it if not."""
        if len(self.problems) + pending < self.limit:
            return True
        self.dropped += 1
        return False

    def add(self, problems: list[LogProblem]) -> None:
        self.problems.extend(problems)

    def result(self) -> list[LogProblem]:
        if not self.dropped:
            return self.problems
        note = LogProblem("", 0, "truncated", f"{self.dropped} more problems not listed")
        return [*self.problems, note]


@dataclass
class _Break:
    """A broken link at `line`: `back` is the earlier line its `prev` names, if any."""

    line: int
    prev: str
    back: int | None = None
    evidence: str | None = None  # why the line before looks edited
    absorbed: bool = False  # explained by a neighbouring problem


class _FileChecker:
    """Walks one file line by line, keeping only a window of recent hashes."""

    def __init__(self, name: str, first: set[str], window: int, sink: _Sink, anchors: set[str]) -> None:
        self.name = name
        self.anchors = anchors  # the anchors not yet found: each found is taken out
        self.first = first
        self.window = window
        self.sink = sink
        self.problems: list[LogProblem] = []
        self.records = 0
        self.line = 0
        self.last_hash: str | None = None
        self.last_body = b""
        self.last_record: dict[str, Any] | None = None
        self.last_link_ok = True
        self.seen: dict[str, int] = {}  # hash -> latest line within the window
        self.order: deque[tuple[int, str]] = deque()
        self.waiting: dict[str, list[int]] = {}  # a hash -> the breaks whose `prev` it is
        self.breaks: dict[int, _Break] = {}  # open breaks, by line
        self.explained: set[int] = set()  # lines already reported (moved, duplicate, torn...)

    def report(self, line: int, kind: str, message: str) -> None:
        if self.sink.room(len(self.problems)):  # memory stays bounded on a file of garbage
            self.problems.append(LogProblem(self.name, line, kind, message))

    def run(self) -> None:
        try:
            for raw in _lines(self.name):
                self.step(raw)
        except (OSError, EOFError, zlib.error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.report(self.line, "unreadable", f"cannot read `{self.name}`: {reason}")
        self.settle(None)
        self.problems.sort(key=lambda p: p.line)
        self.sink.add(self.problems)

    def step(self, raw: bytes) -> None:
        self.line += 1
        i = self.line
        whole = raw.endswith(b"\n")
        body = raw[:-1] if whole else raw
        digest = hashlib.sha256(body).hexdigest()
        if self.anchors and digest in self.anchors:
            self.anchors.discard(digest)
        self.resolve(i, digest)
        record = self.parse(i, body, whole)
        if record is not None:
            self.records += 1
            self.link(i, digest, body, record)
        else:
            self.explained.add(i)
            self.last_link_ok = False
        self.remember(i, digest)
        self.last_hash, self.last_body, self.last_record = digest, body, record
        self.settle(i - self.window)

    def parse(self, i: int, body: bytes, whole: bool) -> dict[str, Any] | None:
        """The line's record, or None after reporting it as torn or not a record."""
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            end = "" if whole else " and has no final newline (an append was cut short)"
            self.report(i, "torn", f"line {i} is not valid JSON{end}")
            return None
        if not whole:
            self.report(i, "torn", f"line {i} has no final newline: its append was cut short")
        why = _not_record(value)
        if why:
            self.report(i, "not_record", f"line {i} is not a remit record: {why}")
            return None
        record: dict[str, Any] = value
        return record

    def link(self, i: int, digest: str, body: bytes, record: dict[str, Any]) -> None:
        """Check the record's `prev` against the line before it."""
        prev: str = record["prev"]
        copy = self.seen.get(digest)
        if copy is not None:
            self.report(i, "duplicate", f"line {i} repeats line {copy}")
            self.explained.add(i)
            self.last_link_ok = False
            return
        ok = prev in self.first if i == 1 else prev == self.last_hash
        if not ok:
            self.breaks[i] = self.open_break(i, prev)
        self.last_link_ok = ok

    def open_break(self, i: int, prev: str) -> _Break:
        back = 0 if prev == GENESIS else self.seen.get(prev)
        if back is not None:
            return _Break(i, prev, back=back)
        self.waiting.setdefault(prev, []).append(i)
        evidence = None
        if i > 1 and self.last_link_ok and self.last_record is not None:
            evidence = _edit_evidence(self.last_body, self.last_record)
        return _Break(i, prev, evidence=evidence)

    def resolve(self, i: int, digest: str) -> None:
        """Breaks whose `prev` is this (later) line's hash: those records were moved."""
        for k in self.waiting.pop(digest, []):
            if self.breaks.pop(k, None) is not None:
                self.report(k, "reordered", f"line {k} is out of order: in the chain it follows line {i}")
                self.explained.update((k, i))

    def remember(self, i: int, digest: str) -> None:
        self.seen[digest] = i
        self.order.append((i, digest))
        while len(self.order) > self.window:
            old, gone = self.order.popleft()
            if self.seen.get(gone) == old:
                del self.seen[gone]
        if i % self.window == 0:
            self.explained = {n for n in self.explained if n > i - 3 * self.window}

    def settle(self, upto: int | None) -> None:
        """Classify the breaks at or before line `upto` (all of them at the end of the file)."""
        while self.breaks:
            k = next(iter(self.breaks))
            if upto is not None and k > upto:
                return
            brk = self.breaks.pop(k)
            if brk.back is None:
                waiting = self.waiting.get(brk.prev, [])
                if k in waiting:
                    waiting.remove(k)
                if not waiting:
                    self.waiting.pop(brk.prev, None)
            if not brk.absorbed:
                self.classify(brk)

    def classify(self, brk: _Break) -> None:
        k = brk.line
        if brk.back is not None:
            self.skipped(k, brk.back)
            return
        if any(b.back is not None and b.back < k for b in self.breaks.values()):
            return  # a later record chains past this line: reported as inserted
        after = self.breaks.get(k + 1)
        if after is not None and after.back is None:
            after.absorbed = True
            self.report(
                k, "edited", f"line {k} was replaced: neither its `prev` nor the next record's matches"
            )
        elif k == 1:
            self.report(
                k,
                "deleted",
                "the first record does not chain to the start of the log: records before it are missing "
                "(deleted, or in an earlier rotated file not given)",
            )
        elif brk.evidence:
            self.report(
                k - 1, "edited", f"line {k - 1} was edited ({brk.evidence}): line {k} does not chain to it"
            )
        else:
            self.report(
                k,
                "broken",
                f"line {k} does not chain to line {k - 1}: records were deleted between them, "
                f"or line {k - 1} was edited",
            )

    def skipped(self, k: int, back: int) -> None:
        """Line `k` chains to line `back` further up: the lines between are not in the chain."""
        if any(n in self.explained for n in range(max(back + 1, k - 3 * self.window), k + 1)):
            return  # the consequence of a reorder, duplicate or torn line already reported
        if back == 0:
            self.report(k, "broken", f"line {k} starts a new chain (its `prev` is the genesis) mid-file")
            return
        first, last = back + 1, k - 1
        where = f"line {first} is" if first == last else f"lines {first}-{last} ({last - first + 1}) are"
        self.report(first, "inserted", f"{where} not in the chain: line {k} chains to line {back}")


def _lines(name: str) -> Iterator[bytes]:
    """The file's lines as bytes, each with its newline if it has one; gzip read transparently."""
    with Path(name).open("rb") as raw:
        if raw.peek(2)[:2] != b"\x1f\x8b":
            yield from raw
            return
        with gzip.GzipFile(fileobj=raw) as unzipped:
            yield from unzipped


def _not_record(value: Any) -> str:
    """Why a JSON value is not a remit log record ("" if it is one)."""
    if not isinstance(value, dict):
        return "not a JSON object"
    if value.get("v") != SCHEMA_VERSION or isinstance(value.get("v"), bool):
        return f"schema version `{value.get('v')}` is not {SCHEMA_VERSION}"
    if value.get("kind") not in RECORD_KINDS:
        return f"kind `{value.get('kind')}` is not one remit writes"
    prev = value.get("prev")
    if not isinstance(prev, str) or len(prev) != 64 or not set(prev) <= HEX:
        return "no `prev` hash"
    return ""


def _edit_evidence(body: bytes, record: dict[str, Any]) -> str | None:
    """What shows that a record's line was changed after remit wrote it, if anything."""
    if _dumps(record).encode() != body:
        return "it is not laid out as remit writes it"
    digest = record.get("args_sha256")
    # "" for a call refused for the size of its arguments, which are not hashed
    if record.get("kind") == "decision" and isinstance(digest, str) and digest:
        args = record.get("args")
        blob = json.dumps(args, ensure_ascii=True, default=str)
        if (
            "[REDACTED:" not in blob
            and "[TRUNCATED:" not in blob
            and "[DROPPED]" not in blob
            and args_sha256(args) != digest
        ):
            return "its args do not match its `args_sha256`"
    return None
