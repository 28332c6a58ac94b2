"""Lower the values in DSL parse trees (strings, CEL text, attributes, lists, JSON) to plain data.

Trees are read by shape, not by class: a subtree has `.data`, `.children` and `.meta`, a
token is a `str` with a terminal `.type` and a position (what lark builds), so only
`dsl.py` imports lark. Every value records its position under its path as it is lowered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .diagnostics import Diagnostic, Span
from .dsl_words import KNOWN_KEYS, did_you_mean, join
from .source import Path
from .yaml_source import KEY, MAX_NESTING, too_deep

if TYPE_CHECKING:
    from typing_extensions import TypeIs

__all__ = ["Leaf", "Meta", "Node", "ValueLowering", "at_offset", "child", "is_leaf", "is_node", "tokens"]

_ESCAPE = re.compile(r'\\(?:u[0-9a-fA-F]{4}|["\\/bfnrt]|(?P<bad>u[0-9a-fA-F]{0,3}|.?))', re.DOTALL)


class Leaf(Protocol):
    """A token (lark's `Token`, a `str`): its terminal type, its text and where it is."""

    @property
    def type(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def line(self) -> int | None: ...
    @property
    def column(self) -> int | None: ...
    @property
    def end_line(self) -> int | None: ...
    @property
    def end_column(self) -> int | None: ...


class Meta(Protocol):
    """Where a subtree is, from its first token to its last (`empty` when it has none)."""

    @property
    def empty(self) -> bool: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...


class Node(Protocol):
    """A subtree (lark's `Tree`): the grammar rule that built it, its children, its position."""

    @property
    def data(self) -> str: ...
    @property
    def children(self) -> Sequence[Node | Leaf]: ...  # as lark types it; see `is_node`
    @property
    def meta(self) -> Meta: ...


def is_leaf(node: Node | Leaf) -> TypeIs[Leaf]:
    """True for a token (lark's tokens are strings, its trees are not)."""
    return isinstance(node, str)


def is_node(node: Node | Leaf) -> TypeIs[Node]:
    """True for a subtree.

    Neither this nor `is_leaf` holds for the None that lark leaves in `children` for an
    empty optional (`[]`, `{}`), so the filters that use them skip it.
    """
    return hasattr(node, "children")


def child(tree: Node, data: str) -> Any:
    """The first child subtree named `data`, or None."""
    return next((c for c in tree.children if is_node(c) and c.data == data), None)


def tokens(tree: Node) -> list[Leaf]:
    """The tokens among a subtree's children."""
    return [c for c in tree.children if is_leaf(c)]


def _scalar(tok: Leaf) -> Any:
    """NUMBER, TRUE, FALSE, NULL as Python values."""
    if tok.type == "NUMBER":
        text = str(tok.value)
        return float(text) if any(c in text for c in ".eE") else int(text)
    return {"TRUE": True, "FALSE": False, "NULL": None}.get(tok.type, str(tok.value))


def _advance(line: int, column: int, text: str) -> tuple[int, int]:
    """The line and column just after `text`, starting at (line, column)."""
    newlines = text.count("\n")
    if not newlines:
        return line, column + len(text)
    return line + newlines, len(text) - text.rfind("\n")


def at_offset(span: Span, text: str, offset: int) -> Span:
    """The one-character span at `offset` into `text`, which starts where `span` does."""
    line, column = _advance(span.line, span.column, text[:offset])
    return Span(span.file, line, column, line, column + 1)


class ValueLowering:
    """Values of one file's statements as plain data, their positions and their problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Path, Span] = {}
        self.diagnostics: list[Diagnostic] = []
        self.offset = 0  # the file line before the statement being lowered

    # -- positions and problems

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint=hint))

    def span(self, tok: Leaf) -> Span:
        line, end_line = (tok.line or 1) + self.offset, (tok.end_line or 1) + self.offset
        return Span(self.file, line, tok.column or 1, end_line, tok.end_column)

    def at(self, tree: Node) -> Span:
        """The span of a subtree, from its first token to its last."""
        meta = tree.meta
        if meta.empty:
            return Span(self.file, 1 + self.offset, 1)
        return Span(
            self.file, meta.line + self.offset, meta.column, meta.end_line + self.offset, meta.end_column
        )

    def put(self, path: Path, span: Span) -> None:
        """Record a value's position (and of its parents, if not yet known)."""
        self.positions[path] = span
        for i in range(1, len(path)):
            self.positions.setdefault(path[:i], span)

    # -- values

    def text(self, tok: Leaf) -> tuple[str, Span]:
        """A WORD or a STRING (decoded; its span starts inside the quotes)."""
        if tok.type != "STRING":
            return str(tok.value), self.span(tok)
        s = self.span(tok)
        inner = Span(s.file, s.line, s.column + 1, s.end_line, (s.end_column or s.column + 2) - 1)
        try:
            return str(json.loads(tok.value, strict=False)), inner
        except ValueError:
            self.bad_escape(tok.value, s)
            return str(tok.value[1:-1]), inner

    def raw(self, tok: Leaf) -> tuple[str, Span]:
        """A RAW_STRING `r"..."`: its text as written, backslashes kept; its span starts inside."""
        s = self.span(tok)
        inner = Span(s.file, s.line, s.column + 2, s.end_line, (s.end_column or s.column + 3) - 1)
        return str(tok.value[2:-1]), inner

    def bad_escape(self, string: str, s: Span) -> None:
        """Report the first invalid escape in a STRING token that starts at `s`."""
        bad = next((m for m in _ESCAPE.finditer(string) if m.group("bad") is not None), None)
        at = bad.start() if bad else 0
        escape = bad.group() if bad else "\\"
        where = Span(s.file, s.line, s.column + at, s.line, s.column + at + len(escape))
        self.error(
            "parse.invalid_string",
            f"`{escape}` is not a valid escape",
            where,
            hint="escapes are JSON's: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
        )

    def joined(self, tree: Node) -> tuple[str, Span]:
        """Adjacent strings as one; the span of the first."""
        parts = [self.text(tok) for tok in tokens(tree)]
        return "".join(text for text, _ in parts), parts[0][1]

    def cel(self, tok: Leaf, paren: bool = False) -> tuple[str, Span]:
        """CEL text, trimmed; its span starts at its first character."""
        raw = tok.value[1:-1] if paren else tok.value
        body = raw.strip()
        before = raw[: len(raw) - len(raw.lstrip())]
        line = (tok.line or 1) + self.offset
        line, column = _advance(line, tok.column or 1, ("(" if paren else "") + before)
        end_line, end_column = _advance(line, column, body)
        return body, Span(self.file, line, column, end_line, end_column)

    def value(self, node: Node | Leaf, path: Path) -> Any:
        """An attribute value: number, string, word, bool, `(CEL)` or a list of names."""
        if is_node(node):
            return self.names(node, path)
        if node.type == "CEL_PAREN":
            body, where = self.cel(node, paren=True)
            if not body:
                self.error("parse.empty_expression", "`()` holds no expression", self.span(node))
        elif node.type in ("STRING", "WORD"):
            body, where = self.text(node)
        else:
            where = self.span(node)
            self.put(path, where)
            return _scalar(node)
        self.put(path, where)
        return body

    def names(self, tree: Node, path: Path) -> list[str]:
        """A list of names or strings: `[a, "b"]`."""
        items = [c for c in tokens(tree) if c.type in ("WORD", "STRING")]
        self.put(path, self.at(tree))
        out = []
        for i, item in enumerate(items):
            text, where = self.text(item)
            self.put((*path, i), where)
            out.append(text)
        return out

    def json(self, node: Node | Leaf, path: Path) -> Any:
        """A JSON-like literal (test arguments and context)."""
        if is_leaf(node):
            if node.type == "STRING":
                text, where = self.text(node)
                self.put(path, where)
                return text
            self.put(path, self.span(node))
            return _scalar(node)
        self.put(path, self.at(node))
        if len(path) >= MAX_NESTING:
            self.diagnostics.append(too_deep(self.at(node)))
            return None
        parts = [
            c
            for c in node.children
            if is_node(c) or (is_leaf(c) and c.type not in ("LBRACE", "RBRACE", "LSQB", "RSQB", "COMMA"))
        ]
        if node.data == "array":
            return [self.json(item, (*path, i)) for i, item in enumerate(parts)]
        return self.mapping(parts, path)

    def mapping(self, pairs: list[Node | Leaf], path: Path) -> dict[str, Any]:
        """The `key: value` pairs of a JSON-like object."""
        out: dict[str, Any] = {}
        for pair in pairs:
            assert is_node(pair)
            key_tok, _, value = pair.children
            assert is_leaf(key_tok)
            key, where = self.text(key_tok)
            if key in out:
                self.error("parse.duplicate_key", f"key `{key}` appears twice in this mapping", where)
            self.put((*path, key, KEY), where)
            out[key] = self.json(value, (*path, key))
        return out

    def attrs(self, tree: Node, path: Path, flags: dict[str, str], target: dict[str, Any]) -> None:
        """`key value, flag, ...` into `target`; a bare flag word sets the key `flags` maps it to."""
        for attr in tree.children:
            if is_node(attr):
                self.attr(attr, path, flags, target)

    def attr(self, attr: Node, path: Path, flags: dict[str, str], target: dict[str, Any]) -> None:
        """One `key value` or bare flag word into `target`."""
        key_tok, *rest = attr.children
        assert is_leaf(key_tok)
        key, where = str(key_tok.value), self.span(key_tok)
        if key in flags and rest:
            self.missing_comma(key, rest[0])
        if key not in flags and not rest:
            self.unknown_word(key, where, flags)
            return
        if key in flags:
            key, value = flags[key], key
            self.put((*path, key), where)
        else:
            value = self.value(rest[0], (*path, key))
        if key in target:
            self.error("schema.duplicate_key", f"`{key}` is given twice", where)
        target[key] = value
        self.put((*path, key, KEY), where)

    def missing_comma(self, flag: str, after: Node | Leaf) -> None:
        """A flag word followed by more on the same item: `irreversible risk 3`."""
        self.error(
            "parse.missing_comma",
            f"missing `,` after `{flag}`",
            self.span(after) if is_leaf(after) else self.at(after),
            hint=f"`{flag}` takes no value; separate items with commas",
        )

    def unknown_word(self, key: str, where: Span, flags: dict[str, str]) -> None:
        """A bare word that is no flag here: a key missing its value, or a typo."""
        if key in KNOWN_KEYS:
            example = f"e.g. `{key} {KNOWN_KEYS[key]}`"
            self.error("schema.missing_value", f"`{key}` needs a value", where, hint=example)
            return
        hint = did_you_mean(key, tuple(flags) + tuple(KNOWN_KEYS))
        words = join([*(f"`{f}`" for f in flags), "a `key value` pair"])
        self.error("schema.unknown_word", f"unknown word `{key}`; expected {words}", where, hint=hint)

    def tools(self, node: Node | None, path: Path, entry: dict[str, Any]) -> None:
        """The tool names a `rate` or rule applies to, as `entry["tools"]`."""
        if node is None:
            return
        names = [c for c in tokens(node) if c.type != "COMMA"]
        first, last = self.span(names[0]), self.span(names[-1])
        self.put((*path, "tools"), Span(self.file, first.line, first.column, last.end_line, last.end_column))
        entry["tools"] = []
        for i, tok in enumerate(names):
            text, where = self.text(tok)
            self.put((*path, "tools", i), where)
            entry["tools"].append(text)
