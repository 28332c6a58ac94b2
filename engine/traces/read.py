"""Read traces: walk the paths, group a session with its sub-agents, detect, parse, assemble.

`read_traces` is a generator with constant memory for line-based formats: a file is read
line by line, and calls wait for their results in a bounded queue. Whole-document formats
(SWE-agent, mini-swe-agent, Gemini CLI `.json`, OTLP documents) are loaded one file at a time.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .api import AnthropicParser, ApiLogParser, OpenAIResponsesParser
from .assemble import Assembler
from .base import Parser
from .calls import TraceItem
from .claude import ClaudeCodeParser
from .codex import CodexParser
from .detect import detect
from .files import TraceFile, bounded_lines, load_document, parse_json, records, walk
from .gemini import GeminiParser
from .generic import GenericParser, parse_mapping
from .model import (
    RawActivity,
    RawCall,
    RawHuman,
    RawInterrupt,
    RawItem,
    RawNote,
    RawResult,
    TraceProblem,
)
from .otel import OtelParser
from .remitlog import RemitLogParser
from .swe import MiniSweAgentParser, SweAgentParser
from .toolemu import ToolEmuParser

PARSERS: dict[str, type[Parser]] = {
    p.fmt: p
    for p in (
        ClaudeCodeParser,
        CodexParser,
        GeminiParser,
        ApiLogParser,
        OpenAIResponsesParser,
        AnthropicParser,
        OtelParser,
        SweAgentParser,
        MiniSweAgentParser,
        ToolEmuParser,
        RemitLogParser,
        GenericParser,
    )
}
FORMATS = tuple(sorted(PARSERS))
"""The names `fmt=` accepts."""

Progress = Callable[[int], None]
"""Told the bytes read so far, over all files (as stored on disk)."""


@dataclass(frozen=True, slots=True)
class Unit:
    """Files read as one stream: a session's transcript and its sub-agents' (merged by time)."""

    files: tuple[Path, ...]

    def size(self) -> int:
        """Bytes on disk."""
        return sum(_size(p) for p in self.files)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def units(paths: str | Path | Iterable[str | Path]) -> list[Unit]:
    """The trace files under `paths`, sub-agent transcripts grouped with their session's."""
    files = list(dict.fromkeys(walk(paths)))
    mains = {p: [p] for p in files}
    for path in files:
        main = _parent_session(path, mains)
        if main is not None:
            mains[main].append(path)
            del mains[path]
    return [Unit(tuple(group)) for group in mains.values()]


def _parent_session(path: Path, known: Mapping[Path, Any]) -> Path | None:
    """For `<session>/subagents/agent-x.jsonl`, the `<session>.jsonl` next to it, if read too."""
    if path.parent.name != "subagents":
        return None
    session_dir = path.parent.parent
    for suffix in (".jsonl", ".jsonl.gz"):
        candidate = session_dir.with_name(session_dir.name + suffix)
        if candidate in known:
            return candidate
    return None


def is_subagent(path: Path) -> bool:
    """True for a file under a `subagents/` folder."""
    return path.parent.name == "subagents"


def read_traces(
    paths: str | Path | Iterable[str | Path],
    *,
    fmt: str | None = None,
    mapping: str | Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> Iterator[TraceItem]:
    """Every call, event and problem in the traces under `paths`, in file order.

    `fmt` forces a format (see `FORMATS`); otherwise each file's is detected from its
    content. `mapping` (for `fmt="generic"`, implied when given) maps call fields to
    dotted paths: `tool=name,args=input,session=sid,ts=time`. Raises `ValueError` only
    for a bad `fmt` or `mapping`; damaged input becomes `TraceProblem`s.
    """
    fmt, parsed = check_options(fmt, mapping)
    done = 0
    for unit in units([paths] if isinstance(paths, (str, Path)) else paths):
        yield from read_unit(unit, fmt=fmt, mapping=parsed, progress=_offset(progress, done))
        done += unit.size()
        if progress is not None:
            progress(done)


def check_options(
    fmt: str | None, mapping: str | Mapping[str, str] | None
) -> tuple[str | None, dict[str, str] | None]:
    """Validate `fmt` and `mapping`; a mapping implies the generic format."""
    parsed = parse_mapping(mapping) if mapping is not None else None
    if parsed is not None and fmt is None:
        fmt = "generic"
    if fmt is not None and fmt not in PARSERS:
        raise ValueError(f"unknown trace format `{fmt}` (known: {', '.join(FORMATS)})")
    return fmt, parsed


def _offset(progress: Progress | None, base: int) -> Progress | None:
    if progress is None:
        return None
    return lambda n: progress(base + n)


def read_unit(
    unit: Unit,
    *,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> Iterator[TraceItem]:
    """The calls, events and problems of one unit (one file, or a session and its sub-agents)."""
    main = unit.files[0]
    unreadable = _unreadable(main)
    if unreadable:
        yield TraceProblem(str(main), 0, unreadable, "unknown_format")
        return
    found = fmt or _detect(main)
    if found is None:
        yield TraceProblem(str(main), 1, "not a trace format remit knows", "unknown_format")
        return
    assembler = Assembler(found, _session_hint(main))
    streams = [
        _raw(path, fmt, found, mapping, progress if i == 0 else None) for i, path in enumerate(unit.files)
    ]
    merged = streams[0] if len(streams) == 1 else _merge(streams)
    for file, item in merged:
        yield from assembler.feed(item, file)
    yield from assembler.finish()


def _unreadable(path: Path) -> str:
    """Why the file cannot be read at all ("" when it can)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    if path.is_dir():
        return "cannot read the file: it is a directory"
    return "the file is empty" if size == 0 else ""


def _detect(path: Path) -> str | None:
    try:
        with TraceFile(path) as f:
            return detect(f)
    except OSError:
        return None


def _session_hint(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".json", ".jsonl", ".traj", ".ndjson", ".log", ".traj"):
        name = name.removesuffix(suffix)
    return f"{path.parent.name}/{name}" if path.parent.name else name


def _raw(
    path: Path,
    forced: str | None,
    main_fmt: str,
    mapping: Mapping[str, str] | None,
    progress: Progress | None,
) -> Iterator[tuple[str, RawItem]]:
    """The raw items of one file, each with the file's name."""
    name = str(path)
    found = forced or (main_fmt if is_subagent(path) else _detect(path)) or main_fmt
    parser = _parser(found, name, path, mapping)
    try:
        f = TraceFile(path)
    except OSError as exc:
        yield name, TraceProblem(name, 0, f"cannot read the file: {exc.strerror or exc}", "unknown_format")
        return
    with f:
        for item in _parse(parser, f, progress):
            yield name, item


def _parser(fmt: str, name: str, path: Path, mapping: Mapping[str, str] | None) -> Parser:
    hint, depth = _session_hint(path), 1 if is_subagent(path) else 0
    if fmt == "generic":
        return GenericParser(name, session_hint=hint, depth=depth, mapping=mapping)
    return PARSERS[fmt](name, session_hint=hint, depth=depth)


def _parse(parser: Parser, f: TraceFile, progress: Progress | None) -> Iterator[RawItem]:
    if parser.whole_document or _starts_document(f):
        value = load_document(f)
        if isinstance(value, TraceProblem):
            yield value
        else:
            yield from _guarded(parser, parser.document(value), 1)
        return
    for item in records(f, progress):
        if isinstance(item, TraceProblem):
            yield item
        else:
            yield from _guarded(parser, parser.record(*item), item[0])


def _starts_document(f: TraceFile, lines: int = 5) -> bool:
    """True when none of the first lines is a JSON object or array on its own (a pretty-printed
    document); a JSON Lines file whose first line is damaged is still read line by line."""
    try:
        seen = 0
        for line in bounded_lines(f.stream):
            if line is None:
                return False  # a record too long to read: JSON Lines, whose reader reports it
            if not line.strip():
                continue
            if _is_container(line):
                return False
            seen += 1
            if seen >= lines:
                break
        return seen > 0
    except (EOFError, OSError, ValueError):
        return False
    finally:
        _rewind(f)


def _is_container(line: bytes) -> bool:
    try:
        return isinstance(parse_json(line), (dict, list))
    except (ValueError, RecursionError):
        return False


def _rewind(f: TraceFile) -> None:
    with contextlib.suppress(OSError, EOFError, ValueError):
        f.stream.seek(0)


def _guarded(parser: Parser, items: Iterator[RawItem], line: int) -> Iterator[RawItem]:
    """A parser's items; a parser bug on strange input becomes a problem, not a crash."""
    try:
        yield from items
    except Exception as exc:  # the reader's promise: no exception out, every skip counted
        message = f"could not read this record: {type(exc).__name__}: {exc}"[:300]
        yield TraceProblem(parser.file, line, message, "unknown_record")


def _merge(streams: list[Iterator[tuple[str, RawItem]]]) -> Iterator[tuple[str, RawItem]]:
    """Several files of one session, interleaved by time (items without a time keep their place)."""
    counter = itertools.count()

    def keyed(stream: Iterator[tuple[str, RawItem]]) -> Iterator[tuple[float, int, str, RawItem]]:
        """Each item with the time it happened at (the last known time of its file)."""
        last = 0.0
        for file, item in stream:
            ts = _item_ts(item)
            last = ts if ts is not None else last
            yield last, next(counter), file, item

    for _, _, file, item in heapq.merge(*(keyed(s) for s in streams)):
        yield file, item


def _item_ts(item: RawItem) -> float | None:
    if isinstance(item, (RawCall, RawResult, RawHuman, RawInterrupt, RawNote, RawActivity)):
        return item.ts
    return None
