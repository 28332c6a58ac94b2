"""What every format parser shares: one instance per file, fed one record at a time."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, ClassVar

from .model import RawItem, TraceProblem


class Parser:
    """Reads one file of one format. `record` takes one JSON line, `document` a whole file.

    Subclasses set `fmt` and override `record` (line-based formats) or `document`
    (one JSON document per file). Neither may raise on bad input: they yield problems.
    """

    fmt: ClassVar[str] = ""
    whole_document: ClassVar[bool] = False
    """True for formats that are one JSON document per file (loaded whole, not streamed)."""

    def __init__(self, file: str, *, session_hint: str = "", depth: int = 0) -> None:
        self.file = file
        self.session_hint = session_hint
        self.depth = depth
        self._ids: OrderedDict[str, None] = OrderedDict()

    def record(self, line: int, value: Any) -> Iterator[RawItem]:
        """The raw items of one record (one JSONL line)."""
        yield self.unknown(line, "a record this format does not have")

    def document(self, value: Any) -> Iterator[RawItem]:
        """The raw items of a whole-file JSON document: a list is read as one record per item."""
        if not isinstance(value, list):
            yield self.unknown(1, "a document this format does not have")
            return
        for index, item in enumerate(value, 1):
            yield from self.record(index, item)

    def unknown(self, line: int, message: str) -> TraceProblem:
        """A record that is valid JSON but not something this format writes."""
        return TraceProblem(self.file, line, message, "unknown_record")

    def fresh(self, call_id: str, limit: int = 8192) -> bool:
        """False if this call id was already seen in the file (a record repeated by the agent)."""
        if call_id in self._ids:
            return False
        self._ids[call_id] = None
        if len(self._ids) > limit:
            self._ids.popitem(last=False)
        return True

    def line_id(self, line: int) -> str:
        """A call id for formats that record none: the position in the file."""
        return f"{self.session_hint or self.file}:{line}"


def text_of(content: Any) -> str:
    """The text of a message content: a string, or the text parts of a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [b.get("text") for b in content if isinstance(b, dict)]
        return "\n".join(p for p in parts if isinstance(p, str))
    if isinstance(content, dict) and isinstance(content.get("text"), str):
        return str(content["text"])
    return ""
