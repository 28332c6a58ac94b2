"""The redaction a policy adds to the built-in one: its own secret patterns, and fields to drop.

`compile_redaction` checks the `redaction:` sections of a policy and its includes (a regex
RE2 rejects, or a field path that does not parse, is a positioned diagnostic) and merges them;
`CompiledRedaction` applies them, after the built-in redaction, to what a log record holds.
Includes only add: no policy can take back a pattern or a dropped field of another, nor the
built-in redaction.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from .celrt import RegexError, compile_regex
from .diagnostics import Diagnostic, Span
from .redact import (
    DROPPED,
    MAX_DEPTH,
    MAX_NODES,
    TRUNCATED_TEXT,
    UNSEEN,
    _named_fields,
    as_text,
    fields_of,
    is_collection,
    items_of,
    quoted_texts,
    redact_fields,
    redact_with,
)
from .secret_patterns import KINDS, marker, redact_text

if TYPE_CHECKING:
    from .model import Redaction
    from .source import Path, Source

__all__ = [
    "NO_REDACTION",
    "CompiledPattern",
    "CompiledRedaction",
    "FieldPath",
    "Redacted",
    "compile_redaction",
    "parse_path",
    "raw_redaction_diagnostics",
]

ROOTS = ("args", "ctx")
BUILTIN_KINDS = frozenset({"field", *KINDS})
"""The kinds of the built-in markers."""
MIN_SCRUB = 4
"""Hidden values shorter than this are not searched for in free text (messages, ids)."""
DROP_BUDGET = 200_000
"""Values a drop pass may visit; past it the whole `args` (or `ctx`) is dropped."""
PATH_HINT = (
    "a field path is `args` or `ctx`, then steps: `.name`, `.*` (any field), `.**` (any depth) "
    'or `["name"]`, e.g. `args.headers.authorization`, `args.**.token`'
)
CLEAN_TEXTS = 4096
CLEAN_CHARS = 256
"""At most this many texts of at most this many characters are remembered as clean."""
_PROBES = ("", "a b\n0_Z-")
"""Texts on which a pattern must not find an empty match."""


class PathError(ValueError):
    """A field path that does not parse: the message, and the offset of the problem in the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A field to drop: `root` (`args` or `ctx`), then lowercase names, `*` or `**`."""

    text: str
    root: str
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A policy's secret pattern: RE2, and the group that is the secret (0: the whole match)."""

    name: str
    regex: Any
    group: int
    span: Span | None = field(default=None, compare=False)
    """Where the file that declares it writes the pattern (for lint)."""


class Redacted(NamedTuple):
    """A call's args and context as they may be logged, `scrub` for free text beside them, and
    `ident` for the ids a record repeats from the context (session, turn, agent); None when
    it is `scrub`, and the redacted context holds them as `ident` gives them (the built-in
    redaction alone, and nothing hidden that a text could quote)."""

    args: Any
    ctx: Any
    scrub: Callable[[str], str]
    ident: Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class CompiledRedaction:
    """The built-in redaction plus a policy's patterns and dropped fields, ready to apply."""

    patterns: tuple[CompiledPattern, ...] = ()
    drop: tuple[FieldPath, ...] = ()
    kinds: frozenset[str] = frozenset()
    """The kinds a marker can name: built-in ones, `field`, the patterns' names."""
    clean: set[str] = field(default_factory=set, init=False, repr=False, compare=False, hash=False)
    """Texts this redaction left unchanged (see `repeated_text`)."""

    def text(self, text: str, found: dict[str, str] | None = None) -> str:
        """`text` with built-in secrets and the policy's patterns replaced by markers; `found`
        collects each secret replaced, with its marker."""
        text = redact_text(text, found)
        for pattern in self.patterns:
            text = _apply(pattern, text, self.kinds, found)
        return text

    def repeated_text(self, text: str, found: dict[str, str] | None = None) -> str:
        """`text`, for a text that comes back call after call (a context value: the session,
        turn, cwd or a label; a reason's message): a short one found to hold no secret is
        remembered as such, in a bounded set (a text that holds one is redacted every time:
        the set keeps no secret)."""
        if text in self.clean:
            return text
        out = self.text(text, found)
        if out == text and len(text) <= CLEAN_CHARS:
            if len(self.clean) >= CLEAN_TEXTS:
                self.clean.clear()
            self.clean.add(text)
        return out

    def call(self, args: Any, ctx: Any) -> Redacted:
        """Redact a call's args and context; `scrub` then hides, in any text, the values dropped,
        hidden for their field name or found by a pattern (e.g. a reason that cites
        `{args.password}`, an outcome's detail that quotes the command as JSON)."""
        hidden: dict[str, str] = {}
        if self.drop:
            args = self._dropped(args, "args", hidden)
            ctx = self._dropped(ctx, "ctx", hidden)
        # a secret found in a text is hidden in messages too: they may quote it escaped (`repr`,
        # JSON) or cut short, where its pattern no longer finds it
        text = self.text if self.patterns else redact_text
        repeated = self.repeated_text
        # field names hold no secret of the policy's as a rule, and repeat: `repeated_text`
        keys = repeated if self.patterns else None
        named = None if keys is None else (lambda value: repeated(value, hidden))
        if type(args) is dict:
            args = redact_fields(args, text, hidden, keys=keys)
        else:
            args = redact_with(args, lambda value: text(value, hidden), seen=hidden, keys=named)
        if type(ctx) is dict:
            ctx = redact_fields(ctx, repeated, hidden, self.clean, keys)
        else:
            ctx = redact_with(ctx, lambda value: repeated(value, hidden), seen=hidden, keys=named)
        if not (hidden or self.patterns or self.drop):  # the ids as the context logs them
            return _redacted(Redacted, (args, ctx, repeated, None))
        scrub = _scrubber(hidden, repeated) if hidden else repeated
        return Redacted(args, ctx, scrub, lambda value: scrub(value) if isinstance(value, str) else value)

    def _dropped(self, value: Any, root: str, hidden: dict[str, str]) -> Any:
        walker = _Dropper(hidden)
        for path in self.drop:
            if path.root != root:
                continue
            value = walker.drop(value) if not path.steps else walker.walk(value, path.steps, 0)
            if walker.budget < 0:
                return walker.drop(value)
        return value


CUT_PREFIX = 8
"""The shortest start of a hidden value, cut off by a message template's `…`, that is hidden."""


def _spellings(secret: str) -> set[str]:
    """The ways a message can quote a value: as is, inside a rendered list or dict (`repr`),
    inside JSON."""
    return {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }


def _scrubber(hidden: dict[str, str], text: Callable[[str], str]) -> Callable[[str], str]:
    """`text`, after replacing each hidden value (longest first) by its marker: spelled as is,
    escaped as a rendered dict or JSON quotes it, or cut short by a template (`abc…`)."""
    if not hidden:
        return text
    if UNSEEN in hidden or len(hidden) > MAX_SCRUBBED:
        # values a message may quote were not looked at, or too many to look for: no message
        # is kept (the ids of reasons and errors still are)
        return _no_message
    known = sorted(
        (
            (spelling, marker)
            for k, marker in hidden.items()
            if len(k) >= MIN_SCRUB
            for spelling in _spellings(k)
        ),
        key=lambda kv: -len(kv[0]),
    )
    if not known:
        return text

    def scrub(value: str) -> str:
        for secret, replacement in known:
            if secret in value:
                value = value.replace(secret, replacement)
        if "…" in value:
            value = _cut_starts(value, known)
        return text(value)

    return scrub


MAX_SCRUBBED = 1_000
"""Hidden values looked for in messages, at most; a record hiding more keeps no message."""


def _no_message(value: str) -> str:
    return TRUNCATED_TEXT if value else value


def _cut_starts(value: str, known: list[tuple[str, str]]) -> str:
    """Hide the start of a hidden value that a template cut off just before a `…`."""
    end = value.find("…")
    while end >= 0:
        for secret, replacement in known:
            longest = min(len(secret) - 1, end)
            for size in range(longest, CUT_PREFIX - 1, -1):
                if value.startswith(secret[:size], end - size):
                    value = value[: end - size] + replacement + value[end:]
                    end = end - size + len(replacement)
                    break
        end = value.find("…", end + 1)
    return value


_redacted = tuple.__new__
"""`Redacted(...)` without the Python-level constructor a NamedTuple has (a call costs less)."""


NO_REDACTION = CompiledRedaction(kinds=BUILTIN_KINDS)
"""The built-in redaction alone."""


class _Dropper:
    """Replaces what field paths reach by `[DROPPED]`, copying only the containers it changes."""

    def __init__(self, hidden: dict[str, str]) -> None:
        self.hidden = hidden
        self.budget = DROP_BUDGET

    def drop(self, value: Any) -> Any:
        if value == DROPPED:
            return value
        for leaf in _leaves(value):
            self.hidden[leaf] = DROPPED
        return DROPPED

    def walk(self, value: Any, steps: tuple[str, ...], depth: int) -> Any:
        self.budget -= 1
        if depth > MAX_DEPTH or self.budget < 0:
            return value
        if value is not None and (
            not isinstance(value, (dict, list, tuple, str, int, float))
            or (isinstance(value, tuple) and type(value) is not tuple)
        ):
            value = self._plain(value)
        if isinstance(value, (list, tuple)):  # lists are looked through
            items = [self.walk(item, steps, depth + 1) for item in value]
            return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
        if not isinstance(value, dict):
            return value
        step, rest = steps[0], steps[1:]
        if step == "**":
            value = self.walk(value, rest, depth)  # zero levels down
            return self._each(value, lambda key, item: self.walk(item, steps, depth + 1))
        if rest:
            return self._each(
                value, lambda key, item: self.walk(item, rest, depth + 1) if _fits(key, step) else item
            )
        return self._each(value, lambda key, item: self.drop(item) if _fits(key, step) else item)

    def _plain(self, value: Any) -> Any:
        """A mapping (not a dict) or a named tuple as a dict and another collection as a list,
        to be looked into as the redaction logs them (`redact._Walk.other`); anything else as
        it is. One with more values than the budget has left is cut, and the budget spent: its
        root is dropped whole."""
        if isinstance(value, tuple):
            names = _named_fields(value)
            return value if names is None else dict(zip(names, value, strict=True))
        if isinstance(value, Mapping):
            fields = list(itertools.islice(fields_of(value), self.budget + 1))
            plain: Any = dict(fields)
        elif is_collection(value):
            plain = fields = list(itertools.islice(items_of(value), self.budget + 1))
        else:
            return value
        if len(fields) > self.budget:
            self.budget = -1
        return plain

    @staticmethod
    def _each(value: dict[Any, Any], change: Callable[[Any, Any], Any]) -> dict[Any, Any]:
        out: dict[Any, Any] | None = None
        for key, item in value.items():
            new = change(key, item)
            if new is not item:
                out = dict(value) if out is None else out
                out[key] = new
        return value if out is None else out


def _fits(key: Any, step: str) -> bool:
    return step == "*" or str(key).lower() == step


def _leaves(value: Any) -> Iterator[str]:
    """The text of the scalars in a dropped value (to find them again in free text), a value
    JSON has no type for looked into as the redaction walks it (`redact._Walk.other`), or
    taken as text; at most `MAX_NODES` values are looked at."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    left = MAX_NODES
    while stack and left > 0:
        item, depth = stack.pop()
        left -= 1
        if isinstance(item, str):
            yield item
        elif item is None or isinstance(item, bool):
            continue
        elif isinstance(item, (int, float)):
            yield as_text(item)
        else:
            inside = _inside(item, left)
            if inside is None:
                yield from quoted_texts(item)
            elif depth < MAX_DEPTH:
                stack.extend((v, depth + 1) for v in inside)


def _inside(value: Any, most: int) -> Iterator[Any] | None:
    """The values a container holds (at most `most` of a caller's own), or None for a value
    that holds none."""
    if isinstance(value, dict):
        return iter(value.values())
    if isinstance(value, (list, tuple)):
        return iter(value)
    if isinstance(value, Mapping):
        return (v for _, v in itertools.islice(fields_of(value), most))
    if is_collection(value):
        return itertools.islice(items_of(value), most)
    return None


# -- applying a pattern ---------------------------------------------------------------------------


def _apply(
    pattern: CompiledPattern, text: str, kinds: frozenset[str], found: dict[str, str] | None = None
) -> str:
    """`text` with each match of the pattern (its `secret` group, if it took part) replaced."""
    pieces: list[str] = []
    last = 0
    markers: list[tuple[int, int]] | None = None
    for start, end in _spans(pattern, text):
        if start < last or start == end:
            continue
        if markers is None:
            markers = _markers(text, kinds)
        if any(m_start <= start and end <= m_end for m_start, m_end in markers):
            continue  # inside a marker already written: redacting twice changes nothing
        hidden = marker(pattern.name, text[start:end])
        if found is not None:
            found[text[start:end]] = hidden
        pieces += (text[last:start], hidden)
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _spans(pattern: CompiledPattern, text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the secret in each match, as offsets into `text`."""
    try:
        for m in pattern.regex.finditer(text):
            start, end = m.span(pattern.group)
            yield (start, end) if start >= 0 else m.span(0)
    except UnicodeEncodeError:  # lone surrogates: match the bytes, map the offsets back
        data = text.encode("utf-8", "surrogatepass")
        for m in pattern.regex.finditer(data):
            start, end = m.span(pattern.group)
            if start < 0:
                start, end = m.span(0)
            yield _chars(data, start), _chars(data, end)


def _chars(data: bytes, offset: int) -> int:
    return len(data[:offset].decode("utf-8", "surrogatepass"))


_MARKER = re.compile(r"\[REDACTED:([A-Za-z_][A-Za-z0-9_.:-]*):[0-9a-f]{8}\]|\[DROPPED\]")


def _markers(text: str, kinds: frozenset[str]) -> list[tuple[int, int]]:
    """The spans of the markers in `text` that remit could have written (of a kind it knows:
    text dressed up as a marker around a secret does not hide the secret)."""
    if "[" not in text:
        return []
    return [m.span() for m in _MARKER.finditer(text) if m.group(1) is None or m.group(1) in kinds]


# -- field paths -----------------------------------------------------------------------------------


def parse_path(text: str) -> FieldPath:
    """Parse `args.headers.x-auth`, `ctx.labels.*`, `args.**.token`, `args["a.b"]`; raise `PathError`."""
    root = next(
        (r for r in ROOTS if text.startswith(r) and text[len(r) : len(r) + 1] in ("", ".", "[")), None
    )
    if root is None:
        raise PathError("it does not start with `args` or `ctx`", 0)
    steps: list[str] = []
    at = len(root)
    while at < len(text):
        step, end = _step(text, at)
        if step == "**" and steps[-1:] == ["**"]:
            raise PathError("`**` twice in a row", at)
        steps.append(step)
        at = end
    if steps[-1:] == ["**"]:
        raise PathError("`**` must be followed by a field name", len(text) - 2)
    return FieldPath(text, root, tuple(steps))


def _step(text: str, at: int) -> tuple[str, int]:
    """One step from offset `at` (at a `.` or a `[`): the step, and the offset after it."""
    if text[at] == "[":
        return _bracket(text, at)
    end = at + 1
    while end < len(text) and text[end] not in ".[":
        end += 1
    name = text[at + 1 : end]
    if not name:
        raise PathError("a field name is missing after `.`", at)
    bad = next((i for i, c in enumerate(name) if c.isspace() or c in "]\"'"), None)
    if bad is not None:
        raise PathError(f'`{name[bad]}` in a field name: quote the name, e.g. `["{name}"]`', at + 1 + bad)
    wild = next((i for i, c in enumerate(name) if c in "*?"), None)
    if name not in ("*", "**") and wild is not None:
        raise PathError("`*` stands alone as a step (any one field), not inside a name", at + 1 + wild)
    return name if name in ("*", "**") else name.lower(), end


def _bracket(text: str, at: int) -> tuple[str, int]:
    """`["name"]` (JSON escapes) or `['name']`."""
    quote = text[at + 1 : at + 2]
    if quote not in ('"', "'"):
        why = "lists are looked through: `args.items.token` reaches `token` in every item"
        raise PathError(f"`[` must hold a quoted field name; {why}", at)
    close = text.find(quote + "]", at + 2)
    while quote == '"' and close > 0 and _escaped(text, close):
        close = text.find(quote + "]", close + 1)
    if close < 0:
        raise PathError(f"`[{quote}` is not closed by `{quote}]`", at)
    raw = text[at + 1 : close + 1]
    try:
        name = json.loads(raw) if quote == '"' else raw[1:-1]
    except ValueError:
        raise PathError("the quoted field name has an invalid escape", at + 1) from None
    if not isinstance(name, str) or not name:
        raise PathError("the quoted field name is empty", at + 1)
    return name.lower(), close + 2


def _escaped(text: str, at: int) -> bool:
    """True when the character at `at` follows an odd number of backslashes."""
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


# -- loading: check, compile and merge -------------------------------------------------------------


def compile_redaction(
    parts: Sequence[tuple[Redaction, Source]],
) -> tuple[CompiledRedaction, list[Diagnostic]]:
    """Merge the `redaction:` sections of a policy and its includes (root first), checked.

    Patterns apply in that order; a name used twice is an error. Dropped paths are unioned.
    """
    diagnostics: list[Diagnostic] = []
    patterns: list[CompiledPattern] = []
    first: dict[str, Span] = {}
    drops: dict[tuple[str, tuple[str, ...]], FieldPath] = {}
    for spec, source in parts:
        for i, p in enumerate(spec.patterns):
            where: Path = ("redaction", "patterns", i)
            compiled = _pattern(p.name, p.regex, source, (*where, "regex"), diagnostics)
            name_span = source.span((*where, "name"))
            if p.name in first:
                diagnostics.append(_duplicate(p.name, name_span, first[p.name]))
            first.setdefault(p.name, name_span)
            if compiled is not None:
                patterns.append(compiled)
        for j, text in enumerate(spec.drop):
            path = _path(text, source, ("redaction", "drop", j), diagnostics)
            if path is not None:
                drops.setdefault((path.root, path.steps), path)
    kinds = BUILTIN_KINDS | {p.name for p in patterns}
    return CompiledRedaction(tuple(patterns), tuple(drops.values()), kinds), diagnostics


def raw_redaction_diagnostics(source: Source) -> list[Diagnostic]:
    """The regex and path problems of a policy that failed validation, so one load reports them all."""
    section = (source.data or {}).get("redaction")
    if not isinstance(section, dict):
        return []
    out: list[Diagnostic] = []
    patterns = section.get("patterns")
    for i, p in enumerate(patterns if isinstance(patterns, list) else []):
        if isinstance(p, dict) and isinstance(p.get("regex"), str) and p["regex"]:
            _pattern(str(p.get("name")), p["regex"], source, ("redaction", "patterns", i, "regex"), out)
    drop = section.get("drop")
    for j, text in enumerate(drop if isinstance(drop, list) else []):
        if isinstance(text, str) and text:
            _path(text, source, ("redaction", "drop", j), out)
    return out


def _pattern(
    name: str, regex: str, source: Source, where: Path, out: list[Diagnostic]
) -> CompiledPattern | None:
    try:
        compiled = compile_regex(regex)
    except RegexError as exc:
        why = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        fragment = why.rpartition(": ")[2]
        offset = max(regex.rfind(fragment), 0) if fragment else 0
        out.append(
            Diagnostic(
                "schema.bad_regex",
                f"invalid regular expression: {why}",
                _at(source, where, regex, offset),
                hint="patterns are RE2: no backreferences, no lookaround",
            )
        )
        return None
    if any(m.start() == m.end() for probe in _PROBES for m in compiled.finditer(probe)):
        out.append(
            Diagnostic(
                "schema.bad_regex",
                "the pattern can match empty text",
                _at(source, where, regex, 0),
                hint="a secret pattern must match at least one character: check `*`, `?` and `|`",
            )
        )
        return None
    return CompiledPattern(name, compiled, compiled.groupindex.get("secret", 0), source.span(where))


def _path(text: str, source: Source, where: Path, out: list[Diagnostic]) -> FieldPath | None:
    try:
        return parse_path(text)
    except PathError as exc:
        out.append(
            Diagnostic(
                "schema.bad_path",
                f"`{text}` is not a field path: {exc.message}",
                _at(source, where, text, exc.offset),
                hint=PATH_HINT,
            )
        )
        return None


def _duplicate(name: str, span: Span, first: Span) -> Diagnostic:
    return Diagnostic(
        "schema.duplicate_pattern",
        f"a redaction pattern named `{name}` is already defined",
        span,
        hint=f"first defined at {first}; names must be unique across a policy and its includes",
    )


def _at(source: Source, where: Path, text: str, offset: int) -> Span:
    """The span of `text[offset]` when the source shows `text` verbatim there, else of `text`."""
    span = source.span(where)
    if offset <= 0 or "\n" in text[:offset]:
        return span
    lines = source.text.splitlines()
    if not 0 < span.line <= len(lines):
        return span
    if not lines[span.line - 1][span.column - 1 :].startswith(text[: offset + 1]):
        return span  # escapes or folding: the text is not verbatim, keep the value's start
    column = span.column + offset
    return Span(span.file, span.line, column, span.line, column + 1)
