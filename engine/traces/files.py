"""Reading trace files: gzip transparently, line by line, and directories in sorted order.

Everything here turns I/O and decoding failures into `TraceProblem`s: a reader never raises
for a damaged or truncated file.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .model import ProblemKind, TraceProblem

TRACE_SUFFIXES = (".jsonl", ".json", ".traj", ".ndjson", ".log")
"""Files a directory walk picks up (also with `.gz` appended)."""

MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
"""Whole-document formats larger than this are refused rather than loaded."""
MAX_LINE_BYTES = 64 * 1024 * 1024
"""A line longer than this is reported and passed over, never held whole in memory."""
_SKIP_CHUNK = 1024 * 1024

Progress = Callable[[int], None]
"""Told how many bytes of the file (as stored on disk) were read so far."""


_fast_loads: Callable[[Any], Any] | None = None
"""`orjson.loads`, imported by the first `parse_json` (a hook that reads no trace file skips it)."""
_DIGITS = bytes(0x30 if 0x30 <= i <= 0x39 else 0x20 for i in range(256))
"""Maps each digit to `0` and every other byte to a space (`bytes.translate`)."""
_LONG_NUMBER = b"0" * 19
"""Nineteen digits in a row: the shortest integer that can overflow 64 bits."""


def parse_json(data: bytes) -> Any:
    """`json.loads(data)`, read by orjson when that gives the same value: about twice as fast
    over the corpora's lines and documents.

    orjson reads an integer past 64 bits as a float, so text with nineteen digits in a row
    goes to the json module; so does whatever orjson refuses (`NaN`, lone surrogates,
    UTF-16), which the json module reads or answers with its own error, as before.
    """
    global _fast_loads
    if _fast_loads is None:
        import orjson

        _fast_loads = orjson.loads
    if _LONG_NUMBER in data.translate(_DIGITS):
        return json.loads(data)
    try:
        return _fast_loads(data)
    except ValueError:  # orjson.JSONDecodeError is one
        return json.loads(data)


def is_trace_file(path: Path) -> bool:
    """True if a directory walk should read this file."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.endswith(TRACE_SUFFIXES)


def walk(paths: str | Path | Iterable[str | Path]) -> Iterator[Path]:
    """The trace files under `paths`: files as given, directories recursively in sorted order."""
    for given in [paths] if isinstance(paths, (str, Path)) else paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk_dir(path)
        else:
            yield path


def _walk_dir(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if is_trace_file(path):
                yield path


class TraceFile:
    """One trace file opened for reading as bytes, gunzipped when it starts with the gzip magic."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        self._raw: IO[bytes] = path.open("rb")
        self.gzipped = self._raw.read(2) == b"\x1f\x8b"
        self._raw.seek(0)
        self.stream: IO[bytes] = self._raw
        if self.gzipped:
            import gzip  # only for gzipped files (the hook reads none)

            self.stream = gzip.GzipFile(fileobj=self._raw)  # type: ignore[assignment]

    def position(self) -> int:
        """Bytes of the stored file consumed so far."""
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        """Close the file."""
        self.stream.close()
        self._raw.close()

    def __enter__(self) -> TraceFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _zlib_error() -> type[Exception]:
    """`zlib.error`, which only a gzipped file raises (`gzip` loads zlib): read when a read fails."""
    import zlib

    return zlib.error


def bounded_lines(stream: IO[bytes], limit: int | None = None) -> Iterator[bytes | None]:
    """The lines of `stream`, None for one longer than `limit` bytes (`MAX_LINE_BYTES`): the rest
    of it is read and dropped a chunk at a time, so one endless line costs no more memory than
    the bound."""
    if limit is None:
        limit = MAX_LINE_BYTES
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while True:
            rest = stream.readline(_SKIP_CHUNK)
            if not rest or rest.endswith(b"\n"):
                break
        yield None


def lines(f: TraceFile, progress: Progress | None = None) -> Iterator[tuple[int, bytes] | TraceProblem]:
    """Numbered non-blank lines of the file, then a `truncated` problem if it ends early; a line
    past `MAX_LINE_BYTES` is a `damaged_line` problem."""
    number = 0
    try:
        for number, line in enumerate(bounded_lines(f.stream), 1):
            if progress is not None and number % 512 == 0:
                progress(f.position())
            if line is None:
                message = f"a line longer than {_size(MAX_LINE_BYTES)}, not read"
                yield TraceProblem(f.name, number, message, "damaged_line")
            elif line.strip():
                yield number, line
    except (EOFError, OSError, _zlib_error()) as exc:
        yield TraceProblem(f.name, number + 1, f"the file ends early or is damaged: {_why(exc)}", "truncated")


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n} bytes"


def records(f: TraceFile, progress: Progress | None = None) -> Iterator[tuple[int, Any] | TraceProblem]:
    """The JSON value of each line; damaged lines become problems."""
    for item in lines(f, progress):
        if isinstance(item, TraceProblem):
            yield item
            continue
        number, line = item
        try:
            yield number, parse_json(line)
        except (ValueError, RecursionError) as exc:
            kind: ProblemKind = "truncated" if not line.endswith(b"\n") else "damaged_line"
            yield TraceProblem(f.name, number, f"not valid JSON: {_why(exc)}", kind)


def load_document(f: TraceFile) -> Any | TraceProblem:
    """The whole file as one JSON value (for formats that are one document per file)."""
    try:
        data = f.stream.read(MAX_DOCUMENT_BYTES + 1)
    except (EOFError, OSError, _zlib_error()) as exc:
        return TraceProblem(f.name, 1, f"the file ends early or is damaged: {_why(exc)}", "truncated")
    if len(data) > MAX_DOCUMENT_BYTES:
        return TraceProblem(f.name, 1, "the document is too large to load whole", "unknown_format")
    try:
        return parse_json(data)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", 1)
        kind: ProblemKind = "truncated" if _at_end(exc, data) else "damaged_line"
        return TraceProblem(f.name, line, f"not a valid JSON document: {_why(exc)}", kind)


def _at_end(exc: Exception, data: bytes) -> bool:
    """True when the document stops before its end: no closing bracket, or the error is at the end."""
    body = data.rstrip()
    pos = getattr(exc, "pos", -1)
    return not body.endswith((b"}", b"]")) or (isinstance(pos, int) and pos >= len(body) - 1)


def _why(exc: BaseException) -> str:
    text = str(exc).split("\n", 1)[0]
    return text[:200] if text else type(exc).__name__.lower()


# -- values --------------------------------------------------------------------------------


def parse_ts(value: Any) -> float | None:
    """Epoch seconds from an ISO 8601 string or a number in s, ms, us or ns; None if unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return _scale_epoch(float(value))
        except OverflowError:  # an integer past a double's range
            return None
    if isinstance(value, str) and value:
        return _parse_iso(value)
    return None


def _scale_epoch(x: float) -> float | None:
    if not math.isfinite(x) or x <= 0:  # NaN, an infinity (`1e400`), or not a date
        return None
    while x > 1e11:  # ms, us or ns since the epoch
        x /= 1000.0
    return x


def _parse_iso(text: str) -> float | None:
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        parsed_or_none = _parse_loose(text)
        if parsed_or_none is None:
            return None
        parsed = parsed_or_none
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.timestamp()


@functools.cache
def _loose() -> re.Pattern[str]:
    """An ISO 8601 time in parts (compiled on first use: most times need no second look)."""
    return re.compile(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:[.,](\d+))?(.*)$")


def _parse_loose(text: str) -> dt.datetime | None:
    """ISO forms Python 3.10 refuses (nanoseconds, a space before the offset) and epoch text."""
    m = _loose().match(text.strip())
    if m is None:
        try:
            epoch = _scale_epoch(float(text))
        except ValueError:
            return None
        return None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
    frac = (m.group(3) or "0")[:6].ljust(6, "0")
    try:
        return dt.datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}.{frac}{m.group(4).strip()}")
    except ValueError:
        return None


def json_args(value: Any) -> dict[str, Any]:
    """Tool arguments as an object: JSON text decoded, other non-objects wrapped as `input`."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return {"input": value}
        return decoded if isinstance(decoded, dict) else {"input": decoded}
    if value is None:
        return {}
    return {"input": value}


def dig(record: Any, path: str) -> Any:
    """The value at a dotted path (`a.b.0.c`) of nested objects and lists; None if absent."""
    value = record
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.lstrip("-").isdigit():
            index = int(part)
            value = value[index] if -len(value) <= index < len(value) else None
        else:
            return None
    return value
