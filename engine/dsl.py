"""Read the DSL form of a policy (`*.remit`) into the same plain data as the YAML form.

Three steps: `_logical_lines` splits the text into statements (a newline ends one unless
a bracket is open or the next line is indented or starts with `||`/`&&`), checks brackets
and strings, and blanks out comments; lark parses each statement with
`grammar/policy.lark` (LALR); `_Lowering` turns the trees into plain data and positions.
A bad statement is reported and skipped, so one file yields all its problems. This is
the only module that imports lark. The language is documented in docs/dsl.md.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .diagnostics import Diagnostic, Span
from .model import ToolDecl
from .resources import grammar_path
from .source import Path, Source
from .yaml_source import KEY

__all__ = ["parse_dsl"]

MAX_CEL_DEPTH = 8
"""How deep brackets may nest inside a CEL expression (the grammar's fixed depth)."""

# fmt: off
_STATEMENTS = ("policy", "version", "description", "mode", "defaults", "unknown", "include",
               "autonomy", "tool", "rate", "allow", "ask", "block", "shadow", "enforce", "route", "test")
# fmt: on
_DECISIONS = ("allow", "ask", "block")
_REVERSIBILITY = ("reversible", "recoverable", "irreversible")
_CLOSER = {"(": ")", "[": "]", "{": "}"}
_ESCAPE = re.compile(r'\\(?:u[0-9a-fA-F]{4}|["\\/bfnrt]|(?P<bad>u[0-9a-fA-F]{0,3}|.?))', re.DOTALL)

# Strings (CEL's four kinds, JSON's is one of them), comments, brackets, the rest.
_SCAN = re.compile(
    r'(?P<str>"""(?:[^"\\]|\\[^\n]|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\[^\n]|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\[^\n])*"|\'(?:[^\'\\\n]|\\[^\n])*\')'
    r"|(?P<quote>[\"'])|(?P<comment>\#[^\n]*)|(?P<open>[(\[{])|(?P<close>[)\]}])"
    r"|(?P<nl>\n)|(?P<other>[^\"'#()\[\]{}\n]+)"
)
_STATEMENT_START = re.compile(r"(?:" + "|".join(_STATEMENTS) + r")[ \t]|@")
_CONTINUATION = re.compile(r"[ \t]+\S|[ \t]*(?:\|\||&&)")
_FOUND = re.compile(
    r'"(?:[^"\\\n]|\\.)*"?|\'(?:[^\'\\\n]|\\.)*\'?|=>|@[\w.:\-]*|[A-Za-z_*?][\w.*?\-]*|-?\d[\w.]*|\S'
)


def parse_dsl(text: str, file: str) -> Source:
    """Read DSL policy text; never raises: problems go into `Source.diagnostics`."""
    lowering = _Lowering(file)
    # `\r\n` → `\n` (as YAML does): CEL text keeps its line breaks; no line or column moves
    chunks = [c for c in _logical_lines(text.replace("\r\n", "\n"), file) if c.text.strip() or c.problems]
    if chunks:
        chunks[-1].last = True
    for chunk in chunks:
        lowering.diagnostics += chunk.problems
        tree = None if chunk.problems else _parse_statement(chunk, file, lowering.diagnostics)
        if tree is None:
            lowering.failed(chunk)
            continue
        try:
            lowering.statement(tree, chunk)
        except (LookupError, TypeError, ValueError, AssertionError) as exc:  # a bug, not the author's
            message = f"remit could not read this statement (internal error: {type(exc).__name__})"
            lowering.diagnostics.append(Diagnostic("parse.internal", message, chunk.span(0)))
    return lowering.finish(text)


def _parse_statement(chunk: _Chunk, file: str, diagnostics: list[Diagnostic]) -> Tree[Token] | None:
    """The tree of one logical line, or None with a diagnostic added."""
    try:
        return _parser().parse(chunk.text)
    except UnexpectedInput as exc:
        diagnostics.append(_syntax_diagnostic(exc, chunk, file))
    except LarkError as exc:  # lark's own limits; not expected on a checked line
        diagnostics.append(Diagnostic("parse.invalid", str(exc).splitlines()[0], chunk.span(0)))
    return None


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The statement parser, built once."""
    grammar = grammar_path("policy.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True)


# ---- step 1: logical lines -------------------------------------------------------


@dataclass
class _Chunk:
    """One logical line: its text from the start of its first line, comments blanked."""

    file: str
    line: int
    source: str
    start: int
    text: str = ""
    problems: list[Diagnostic] = field(default_factory=list)
    brackets: list[tuple[str, int]] = field(default_factory=list)
    depth: int = 0
    last: bool = False

    def locate(self, offset: int) -> tuple[int, int]:
        """The file line and column of an offset into `text` (known while it is being built)."""
        before = self.source[self.start : self.start + offset]
        newlines = before.count("\n")
        column = offset - (before.rfind("\n") + 1) + 1
        return self.line + newlines, column

    def span(self, offset: int, length: int = 1) -> Span:
        """A span of `length` characters at `offset` (on one line)."""
        line, column = self.locate(offset)
        return Span(self.file, line, column, line, column + max(length, 1))

    def problem(self, code: str, message: str, offset: int, hint: str) -> None:
        self.problems.append(Diagnostic(code, message, self.span(offset), hint=hint))

    def open(self, char: str, offset: int) -> None:
        self.brackets.append((char, offset))
        self.depth = max(self.depth, len(self.brackets))

    def close(self, char: str, offset: int) -> None:
        if not self.brackets:
            self.problem("parse.unmatched_bracket", f"`{char}` closes nothing", offset,
                         "remove it, or open the bracket it closes")  # fmt: skip
            return
        opener, _ = self.brackets.pop()
        if _CLOSER[opener] != char:
            self.problem("parse.mismatched_bracket", f"`{char}` closes `{opener}`", offset,
                         f"close `{opener}` with `{_CLOSER[opener]}`")  # fmt: skip

    def unclosed(self) -> None:
        """Report the innermost bracket still open, and forget them all."""
        if self.brackets:
            opener, at = self.brackets[-1]
            self.problem("parse.unclosed_bracket", f"`{opener}` is never closed", at,
                         f"close it with `{_CLOSER[opener]}`")  # fmt: skip
            self.brackets.clear()


def _logical_lines(text: str, file: str) -> Iterator[_Chunk]:
    """Split `text` into statements; check brackets and strings on the way."""
    chunk, parts = _Chunk(file, 1, text, 0), list[str]()
    for m in _SCAN.finditer(text):
        kind, value, at = m.lastgroup, m.group(), m.start() - chunk.start
        if kind == "nl" and chunk.brackets and _STATEMENT_START.match(text, m.end()):
            chunk.unclosed()  # a statement keyword at column 1: the bracket was left open
        if kind == "nl" and not chunk.brackets and not _CONTINUATION.match(text, m.end()):
            chunk.text = "".join(parts)
            yield chunk
            chunk, parts = _Chunk(file, chunk.line + 1 + chunk.text.count("\n"), text, m.end()), []
            continue
        if kind == "comment":
            value = " " * len(value)
        elif kind == "quote":
            chunk.problem("parse.unterminated_string", "this string is not closed on its line", at,
                          f"close it with `{value}`")  # fmt: skip
        elif kind == "open":
            chunk.open(value, at)
        elif kind == "close":
            chunk.close(value, at)
        parts.append(value)
    chunk.unclosed()
    chunk.text = "".join(parts)
    yield chunk


# ---- step 2: syntax errors in words an author understands --------------------------

_TERMINALS = {
    "WORD": "a name",
    "STRING": 'a string in double quotes ("...")',
    "NUMBER": "a number",
    "VERSION_TEXT": "a version",
    "ANNOTATION": "an `@id` annotation",
    "CEL_RATE": "a CEL condition",
    "CEL_COND": "a CEL condition",
    "CEL_REST": "a CEL expression",
    "CEL_PAREN": "a CEL expression in parentheses",
    "COLON": "`:`",
    "COMMA": "`,`",
    "ARROW": "`=>`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "$END": "the end of the statement",
}
_ORDER = list(_TERMINALS)
_GROUPS = [  # sets of terminals that read better as one phrase
    ({"NUMBER", "STRING", "WORD", "CEL_PAREN", "LSQB", "TRUE", "FALSE"},
     "a value (a number, a name, a string, a list or a CEL expression in parentheses)"),
    ({"NUMBER", "STRING", "TRUE", "FALSE", "NULL", "LSQB", "LBRACE"},
     "a value (a string in double quotes, a number, `true`, `false`, `null`, a list or a map)"),
]  # fmt: skip
_ATTRS_WORDS = {
    "rate": "a rating such as `risk 5`, `irreversible` or `autonomy 3`",
    "unknown": "a rating such as `risk 5`, `recoverable` or `autonomy 5`",
    "tool": "a property such as `domain finance`, `risk 9` or `irreversible`",
    "defaults": "a default such as `ask`, `on_error block` or `non_interactive block`",
}


def _expected_words(names: set[str], previous: str, head: str) -> str:
    """`expected` terminal names as one phrase: "`:`, `when` or a name"."""
    if previous in ("=>", "route") and "WORD" in names:
        return "a decision (`allow`, `ask` or `block`)"
    if names == {"WORD"} and head in _ATTRS_WORDS and previous in (":", ",", head):
        return _ATTRS_WORDS[head]
    if any(n.lower() in _STATEMENTS for n in names):
        return "a statement such as `policy`, `rate`, `allow`, `ask`, `block`, `route` or `test`"
    words = []
    for group, phrase in _GROUPS:
        if group <= names | {"WORD", "LSQB"}:
            names, words = names - group, [phrase]
    for name in sorted(names, key=lambda n: (_ORDER.index(n) if n in _ORDER else -1, n)):
        word = _TERMINALS.get(name) or f"`{name.lower()}`"
        if word not in words:
            words.append(word)
    return _join(words)


def _join(words: list[str]) -> str:
    """`a`, `b` or `c`."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _syntax_diagnostic(exc: UnexpectedInput, chunk: _Chunk, file: str) -> Diagnostic:
    """One positioned diagnostic for a lark error in `chunk`."""
    if isinstance(exc, UnexpectedToken):
        expected, at_end = _accepted(exc), exc.token.type == "$END"
        offset = len(chunk.text.rstrip()) if at_end else exc.token.start_pos or 0
    elif isinstance(exc, UnexpectedCharacters):
        expected, at_end, offset = set(exc.allowed), False, exc.pos_in_stream
    else:  # UnexpectedEOF: not raised by LALR, kept for safety
        expected, at_end, offset = set(), True, len(chunk.text.rstrip())
    if len(expected) > 1:
        expected.discard("ANNOTATION")
    ternary = _rate_ternary(chunk.text, offset)
    if ternary is not None:
        return _ternary_diagnostic(chunk.span(ternary))
    previous = _previous_word(chunk.text, offset)
    head = chunk.text.split(None, 1)[0] if chunk.text.split() else ""
    want = _expected_words(expected, previous, head)
    hint = _hint(chunk, offset, expected, previous)
    if at_end:
        code = "parse.unexpected_eof" if chunk.last else "parse.unexpected_eol"
        where = "file" if chunk.last else "line"
        return Diagnostic(code, f"unexpected end of {where}; expected {want}", chunk.span(offset), hint=hint)
    m = _FOUND.match(chunk.text, offset)
    found = m.group() if m else chunk.text[offset : offset + 1]
    span = chunk.span(offset, len(found.split("\n")[0]))
    if not previous and (found[:1].isalpha() or found[:1] == "_"):
        return Diagnostic("parse.unknown_statement", f"unknown statement `{found}`", span, hint=hint)
    single = len(found) == 1 and not found.isalnum() and found not in ":,[]{}()"
    code = "parse.unexpected_character" if single else "parse.unexpected_token"
    return Diagnostic(code, f"unexpected `{found}`; expected {want}", span, hint=hint)


def _rate_ternary(text: str, offset: int) -> int | None:
    """Where a `?` sits at depth 0 in the `when` condition of a `rate` statement, if it does."""
    if not re.match(r"\s*(?:@\S+\s+)?rate\s", text):
        return None
    when = re.search(r"(?<![\w.*?\-])when(?![\w.*?\-])", text)
    if when is None or when.end() > offset:
        return None
    found = _depth0(text[when.end() : offset], "?")
    return None if found is None else when.end() + found


def _ternary_diagnostic(span: Span) -> Diagnostic:
    return Diagnostic(
        "parse.unparenthesized_ternary",
        "a ternary in a `rate ... when` condition must be in parentheses",
        span,
        hint="the condition ends at the first `:` outside brackets: write `when (a ? b : c): risk ...`",
    )


def _accepted(exc: UnexpectedToken) -> set[str]:
    """What the parser really accepts at the error (LALR's lookahead sets are merged)."""
    parser = getattr(exc, "interactive_parser", None)
    try:
        found = set(parser.accepts()) if parser is not None else set()
    except LarkError:
        found = set()
    return found or set(exc.expected)


def _previous_word(text: str, offset: int) -> str:
    words = re.findall(r"=>|[^\s,:\[\]{}()]+|\S", text[:offset])
    return words[-1] if words else ""


def _hint(chunk: _Chunk, offset: int, expected: set[str], previous: str) -> str | None:
    """A suggestion for the likely mistake behind a syntax error, if one is clear."""
    found = _FOUND.match(chunk.text, offset)
    word = found.group() if found else ""
    head = chunk.text.split(None, 1)[0] if chunk.text.split() else ""
    if previous and word in _STATEMENTS and "\n" in chunk.text[:offset]:
        return "an indented line continues the statement above; start a new statement at column 1"
    if not previous and word:
        return _did_you_mean(word, _STATEMENTS) or "a statement starts with " + ", ".join(
            f"`{s}`" for s in ("policy", "rate", "allow", "ask", "block", "route", "test")
        )
    if previous.startswith("@"):
        return 'an annotation is `@id` or `@id "description"`, before a `rate`, rule or `route`'
    if chunk.depth > MAX_CEL_DEPTH:
        return f"brackets nest at most {MAX_CEL_DEPTH} deep in a CEL expression"
    if word[:1] == "'":
        return 'strings are written in double quotes: "..."'
    if "NULL" in expected and word[:1].isalpha():
        return f'quote text values: "{word}"'
    if head == "rate" and "COLON" in expected and (word in _KNOWN_KEYS or word in _REVERSIBILITY):
        return "the ratings follow a `:`, e.g. `rate Bash: risk 3, reversible`"
    if previous in ("=>", "route") and word:
        return _did_you_mean(word, _DECISIONS)
    if "COMMA" in expected and head in _ATTRS_WORDS and (word[:1].isalnum() or word[:1] == "_"):
        return "separate items with commas, e.g. `risk 3, irreversible`"
    return None


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str | None:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else None


def _depth0(text: str, char: str) -> int | None:
    """The offset of the first `char` outside brackets and strings in `text`, or None."""
    depth = 0
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        depth += (kind == "open") - (kind == "close")
        if kind == "other" and depth == 0 and char in m.group():
            return m.start() + m.group().index(char)
    return None


# ---- step 3: lowering to plain data ------------------------------------------------


@dataclass(frozen=True)
class _Note:
    """An `@id "description"` annotation, positioned where it was written."""

    span: Span
    id: str
    id_span: Span
    description: str | None = None
    description_span: Span | None = None


class _Lowering:
    """Builds the policy's plain data and positions, statement by statement."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.data: dict[str, Any] = {}
        self.positions: dict[Path, Span] = {}
        self.diagnostics: list[Diagnostic] = []
        self.first: dict[str, Span] = {}
        self.offset = 0
        self.count = 0
        self.first_failed = False
        self.pending: _Note | None = None
        self.entry: Path | None = None

    # -- driving

    def failed(self, chunk: _Chunk) -> None:
        """A chunk that could not be parsed (or is blank)."""
        if chunk.text.strip():
            self.first_failed = self.first_failed or self.count == 0
            self.count += 1
            self.pending = None

    def statement(self, tree: Tree[Token], chunk: _Chunk) -> None:
        """Lower one parsed statement (with its annotation, if any)."""
        self.offset = chunk.line - 1
        found = _child(tree, "annotation")
        body = next((c for c in tree.children if isinstance(c, Tree) and c.data != "annotation"), None)
        if found is not None and self.pending is not None:
            self.misplaced(self.pending)
        annotation = self.note(found) if found is not None else self.pending
        self.pending = None
        if body is None:
            self.pending = annotation
            return
        handler = getattr(self, "do_" + str(body.data))
        if annotation is not None and body.data not in ("rate_stmt", "rule_stmt", "route_stmt"):
            self.misplaced(annotation)
            annotation = None
        if body.data == "policy_stmt" and self.count > 0 and "name" not in self.first:
            self.error(
                "schema.policy_not_first",
                "`policy` must be the first statement",
                self.span(_tokens(body)[0]),
                hint="move `policy NAME` to the top of the file",
            )
        self.count += 1
        self.entry, before = None, len(self.diagnostics)
        if annotation is not None:
            handler(body, annotation)
        else:
            handler(body)
        if self.entry is not None and len(self.diagnostics) > before:
            self.drop(self.entry)

    def drop(self, path: Path) -> None:
        """Take back a list entry whose statement has errors, so that they do not cascade."""
        key = str(path[0])
        self.data[key].pop()
        gone = path if self.data[key] else path[:1]
        if not self.data[key]:
            del self.data[key]
        for known in [p for p in self.positions if p[: len(gone)] == gone]:
            del self.positions[known]

    def finish(self, text: str) -> Source:
        """The `Source`: data (None without a `policy` statement), positions, diagnostics."""
        if self.pending is not None:
            self.misplaced(self.pending)
        if "name" not in self.data and not self.first_failed:
            self.error(
                "schema.missing_policy",
                "the policy has no `policy NAME` statement",
                Span(self.file, 1, 1),
                hint="start the file with `policy my-policy`",
            )
        self.positions.setdefault((), Span(self.file, 1, 1))
        data = self.data if "name" in self.data else None  # no name: not a policy (and no cascade)
        return Source(self.file, text, data, self.positions, self.diagnostics)

    # -- small helpers

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint=hint))

    def misplaced(self, note: _Note) -> None:
        self.error(
            "parse.misplaced_annotation",
            "an `@id` annotation must come before a `rate`, `allow`, `ask`, `block` or `route` statement",
            note.span,
        )

    def note(self, annotation: Tree[Token]) -> _Note:
        """An annotation, positioned now (it may apply to a later statement)."""
        tok = _tokens(annotation)[0]
        s = self.span(tok)
        id_span = Span(s.file, s.line, s.column + 1, s.end_line, s.end_column)
        text = _child(annotation, "text")
        if text is None:
            return _Note(s, tok.value[1:], id_span)
        description, where = self.joined(text)
        return _Note(s, tok.value[1:], id_span, description, where)

    def span(self, tok: Token) -> Span:
        line, end_line = (tok.line or 1) + self.offset, (tok.end_line or 1) + self.offset
        return Span(self.file, line, tok.column or 1, end_line, tok.end_column)

    def at(self, tree: Tree[Token]) -> Span:
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

    def single(self, key: str, keyword: Token) -> bool:
        """True the first time a once-only statement (`policy`, `mode`, ...) is seen."""
        where = self.span(keyword)
        if key in self.first:
            self.error(
                "schema.duplicate_statement",
                f"`{keyword.value}` appears twice",
                where,
                hint=f"the first is at line {self.first[key].line}",
            )
            return False
        self.first[key] = where
        self.put((key, KEY), where)
        return True

    # -- values

    def text(self, tok: Token) -> tuple[str, Span]:
        """A WORD or a STRING (decoded; its span starts inside the quotes)."""
        if tok.type != "STRING":
            return str(tok.value), self.span(tok)
        s = self.span(tok)
        inner = Span(s.file, s.line, s.column + 1, s.end_line, (s.end_column or s.column + 2) - 1)
        try:
            return str(json.loads(tok.value, strict=False)), inner
        except ValueError:
            bad = next((m for m in _ESCAPE.finditer(tok.value) if m.group("bad") is not None), None)
            at = bad.start() if bad else 0
            escape = bad.group() if bad else "\\"
            where = Span(s.file, s.line, s.column + at, s.line, s.column + at + len(escape))
            self.error(
                "parse.invalid_string",
                f"`{escape}` is not a valid escape",
                where,
                hint="escapes are JSON's: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
            )
            return str(tok.value[1:-1]), inner

    def joined(self, tree: Tree[Token]) -> tuple[str, Span]:
        """Adjacent strings as one; the span of the first."""
        parts = [self.text(tok) for tok in _tokens(tree)]
        return "".join(text for text, _ in parts), parts[0][1]

    def cel(self, tok: Token, paren: bool = False) -> tuple[str, Span]:
        """CEL text, trimmed; its span starts at its first character."""
        raw = tok.value[1:-1] if paren else tok.value
        body = raw.strip()
        before = raw[: len(raw) - len(raw.lstrip())]
        line = (tok.line or 1) + self.offset
        line, column = _advance(line, tok.column or 1, ("(" if paren else "") + before)
        end_line, end_column = _advance(line, column, body)
        return body, Span(self.file, line, column, end_line, end_column)

    def value(self, node: Token | Tree[Token], path: Path) -> Any:
        """An attribute value: number, string, word, bool, `(CEL)` or a list of names."""
        if isinstance(node, Tree):  # list
            items = [c for c in node.children if isinstance(c, Token) and c.type in ("WORD", "STRING")]
            self.put(path, self.at(node))
            out = []
            for i, item in enumerate(items):
                text, where = self.text(item)
                self.put((*path, i), where)
                out.append(text)
            return out
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

    def json(self, node: Token | Tree[Token], path: Path) -> Any:
        """A JSON-like literal (test arguments and context)."""
        if isinstance(node, Token):
            if node.type == "STRING":
                text, where = self.text(node)
                self.put(path, where)
                return text
            self.put(path, self.span(node))
            return _scalar(node)
        self.put(path, self.at(node))
        parts = [
            c
            for c in node.children
            if isinstance(c, Tree)
            or (isinstance(c, Token) and c.type not in ("LBRACE", "RBRACE", "LSQB", "RSQB", "COMMA"))
        ]
        if node.data == "array":
            return [self.json(item, (*path, i)) for i, item in enumerate(parts)]
        out: dict[str, Any] = {}
        for pair in parts:
            assert isinstance(pair, Tree)
            key_tok, _, value = pair.children
            assert isinstance(key_tok, Token)
            key, where = self.text(key_tok)
            if key in out:
                self.error("parse.duplicate_key", f"key `{key}` appears twice in this mapping", where)
            self.put((*path, key, KEY), where)
            out[key] = self.json(value, (*path, key))
        return out

    def attrs(self, tree: Tree[Token], path: Path, flags: dict[str, str], target: dict[str, Any]) -> None:
        """`key value, flag, ...` into `target`; a bare flag word sets the key `flags` maps it to."""
        for attr in tree.children:
            if isinstance(attr, Tree):
                self.attr(attr, path, flags, target)

    def attr(self, attr: Tree[Token], path: Path, flags: dict[str, str], target: dict[str, Any]) -> None:
        """One `key value` or bare flag word into `target`."""
        key_tok, *rest = attr.children
        assert isinstance(key_tok, Token)
        key, where = str(key_tok.value), self.span(key_tok)
        if key in flags and rest:
            after = rest[0]
            self.error(
                "parse.missing_comma",
                f"missing `,` after `{key}`",
                self.span(after) if isinstance(after, Token) else self.at(after),
                hint=f"`{key}` takes no value; separate items with commas",
            )
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

    def unknown_word(self, key: str, where: Span, flags: dict[str, str]) -> None:
        """A bare word that is no flag here: a key missing its value, or a typo."""
        if key in _KNOWN_KEYS:
            example = f"e.g. `{key} {_KNOWN_KEYS[key]}`"
            self.error("schema.missing_value", f"`{key}` needs a value", where, hint=example)
            return
        hint = _did_you_mean(key, tuple(flags) + tuple(_KNOWN_KEYS))
        words = _join([*(f"`{f}`" for f in flags), "a `key value` pair"])
        self.error("schema.unknown_word", f"unknown word `{key}`; expected {words}", where, hint=hint)

    def named(self, note: _Note | None, path: Path, entry: dict[str, Any]) -> None:
        """Apply `@id "description"` to an entry."""
        if note is None:
            return
        entry["id"] = note.id
        self.put((*path, "id"), note.id_span)
        if note.description is not None and note.description_span is not None:
            entry["description"] = note.description
            self.put((*path, "description"), note.description_span)

    def tools(self, node: Tree[Token] | None, path: Path, entry: dict[str, Any]) -> None:
        if node is None:
            return
        names = [c for c in node.children if isinstance(c, Token) and c.type != "COMMA"]
        first, last = self.span(names[0]), self.span(names[-1])
        self.put((*path, "tools"), Span(self.file, first.line, first.column, last.end_line, last.end_column))
        entry["tools"] = []
        for i, tok in enumerate(names):
            text, where = self.text(tok)
            self.put((*path, "tools", i), where)
            entry["tools"].append(text)

    def append(self, key: str, entry: dict[str, Any], where: Span) -> Path:
        """Append an entry to the `key` list; its path."""
        items = self.data.setdefault(key, [])
        path: Path = (key, len(items))
        items.append(entry)
        self.put(path, where)
        self.entry = path
        return path

    # -- statements

    def do_policy_stmt(self, tree: Tree[Token]) -> None:
        keyword, name = _tokens(tree)
        if self.single("name", keyword):
            self.data["name"], where = self.text(name)
            self.put(("name",), where)
            self.positions[()] = self.span(keyword)

    def do_version_stmt(self, tree: Tree[Token]) -> None:
        keyword, value = _tokens(tree)
        if self.single("version", keyword):
            self.data["version"], where = self.text(value)
            self.put(("version",), where)

    def do_description_stmt(self, tree: Tree[Token]) -> None:
        if self.single("description", _tokens(tree)[0]):
            self.data["description"], where = self.joined(_child(tree, "text"))
            self.put(("description",), where)

    def do_mode_stmt(self, tree: Tree[Token]) -> None:
        keyword, value = _tokens(tree)
        if self.single("mode", keyword):
            self.data["mode"], where = self.text(value)
            self.put(("mode",), where)

    def do_defaults_stmt(self, tree: Tree[Token]) -> None:
        self.positions.setdefault(("defaults",), self.at(tree))
        target = self.data.setdefault("defaults", {})
        self.attrs(_child(tree, "attrs"), ("defaults",), {d: "decision" for d in _DECISIONS}, target)

    def do_unknown_stmt(self, tree: Tree[Token]) -> None:
        self.positions.setdefault(("unknown",), self.at(tree))
        target = self.data.setdefault("unknown", {})
        self.attrs(_child(tree, "attrs"), ("unknown",), _REV_FLAGS, target)

    def do_include_stmt(self, tree: Tree[Token]) -> None:
        items = self.data.setdefault("include", [])
        self.positions.setdefault(("include",), self.at(tree))
        for tok in _tokens(tree)[1:]:
            if tok.type == "STRING":
                text, where = self.text(tok)
                self.put(("include", len(items)), where)
                items.append(text)

    def do_autonomy_stmt(self, tree: Tree[Token]) -> None:
        keyword, value = _tokens(tree)
        if self.single("autonomy", keyword):
            text, where = self.cel(value)
            self.data["autonomy"] = int(text) if re.fullmatch("[0-9]+", text) else text
            self.put(("autonomy",), where)

    def do_tool_stmt(self, tree: Tree[Token]) -> None:
        name, where = self.text(_tokens(tree)[1])
        tools = self.data.setdefault("tools", {})
        if name in tools:
            self.error("schema.duplicate_key", f"tool `{name}` is declared twice", where)
        decl: dict[str, Any] = {}
        path: Path = ("tools", name)
        self.put(path, where)
        self.put((*path, KEY), where)
        self.attrs(_child(tree, "attrs"), path, _REV_FLAGS, decl)
        for key in [k for k, v in decl.items() if k not in ToolDecl.model_fields and isinstance(v, bool)]:
            decl.setdefault("annotations", {})[key] = decl.pop(key)
            where = self.positions.get((*path, key), where)
            self.put((*path, "annotations", key), where)
        tools[name] = decl

    def do_rate_stmt(self, tree: Tree[Token], annotation: _Note | None = None) -> None:
        entry: dict[str, Any] = {}
        path = self.append("ratings", entry, self.at(tree))
        self.named(annotation, path, entry)
        self.tools(_child(tree, "tools"), path, entry)
        when = _child(tree, "rate_when")
        if when is not None:
            entry["when"], where = self.cel(_tokens(when)[1])
            self.put((*path, "when"), where)
            ternary = _depth0(entry["when"], "?")
            if ternary is not None:
                self.diagnostics.append(_ternary_diagnostic(_at_offset(where, entry["when"], ternary)))
        self.attrs(_child(tree, "attrs"), path, _REV_FLAGS, entry)

    def do_rule_stmt(self, tree: Tree[Token], annotation: _Note | None = None) -> None:
        entry: dict[str, Any] = {}
        path = self.append("rules", entry, self.at(tree))
        self.named(annotation, path, entry)
        mode = _child(tree, "rule_mode")
        if mode is not None:
            entry["mode"] = _tokens(mode)[0].value
            self.put((*path, "mode"), self.at(mode))
        self.tools(_child(tree, "tools"), path, entry)
        decision = _tokens(_child(tree, "decision"))[0]
        self.condition(tree, path, entry, decision)
        self.tail(tree, path, entry)

    def do_route_stmt(self, tree: Tree[Token], annotation: _Note | None = None) -> None:
        decision = _tokens(tree)[1]
        if not self.is_decision(decision):
            return
        entry: dict[str, Any] = {}
        path = self.append("routes", entry, self.at(tree))
        self.named(annotation, path, entry)
        self.condition(tree, path, entry, decision)
        self.tail(tree, path, entry)

    def condition(self, tree: Tree[Token], path: Path, entry: dict[str, Any], decision: Token) -> None:
        """`DECISION when C` → `{DECISION: "C"}`; without `when`, `{DECISION: true}`."""
        key = str(decision.value)
        when = _child(tree, "rule_when")
        if when is None:
            entry[key], where = True, self.span(decision)
        else:
            entry[key], where = self.cel(_tokens(when)[1])
        self.put((*path, key), where)
        self.put((*path, key, KEY), self.span(decision))

    def tail(self, tree: Tree[Token], path: Path, entry: dict[str, Any]) -> None:
        """`because "..."` and `raises [...]`."""
        because = _child(tree, "because")
        if because is not None:
            entry["reason"], where = self.joined(_child(because, "text"))
            self.put((*path, "reason"), where)
        raises = _child(tree, "raises")
        if raises is not None:
            entry["raises"] = self.value(_child(raises, "list"), (*path, "raises"))

    def is_decision(self, tok: Token) -> bool:
        """True for `allow`, `ask`, `block`; otherwise a diagnostic (and the statement is dropped)."""
        if tok.value in _DECISIONS:
            return True
        self.error(
            "schema.invalid_decision",
            f"`{tok.value}` is not a decision; expected `allow`, `ask` or `block`",
            self.span(tok),
            hint=_did_you_mean(str(tok.value), _DECISIONS),
        )
        return False

    def do_test_stmt(self, tree: Tree[Token]) -> None:
        if not self.is_decision(_tokens(_child(tree, "expectation"))[0]):
            return
        entry: dict[str, Any] = {}
        path = self.append("tests", entry, self.at(tree))
        name = tree.children[1]
        if isinstance(name, Token) and name.type == "STRING":
            entry["name"], where = self.text(name)
            self.put((*path, "name"), where)
        calls: list[Tree[Token]] = [c for c in tree.children if isinstance(c, Tree) and c.data == "call"]
        for i, call in enumerate(calls[:-1]):
            entry.setdefault("history", []).append(self.call(call, (*path, "history", i)))
        entry["call"] = self.call(calls[-1], (*path, "call"))
        entry["expect"] = self.expectation(_child(tree, "expectation"), (*path, "expect"))

    def call(self, tree: Tree[Token], path: Path) -> dict[str, Any]:
        tool, where = self.text(_tokens(tree)[0])
        self.put(path, where)
        self.put((*path, "tool"), where)
        out: dict[str, Any] = {"tool": tool}
        key = "args"
        for child in tree.children[1:]:
            if isinstance(child, Token):  # `ctx`
                key = "ctx"
            else:
                out[key] = self.json(child, (*path, key))
        return out

    def expectation(self, tree: Tree[Token], path: Path) -> dict[str, Any]:
        decision = _tokens(tree)[0]
        self.put(path, self.span(decision))
        self.put((*path, "decision"), self.span(decision))
        out: dict[str, Any] = {"decision": str(decision.value)}
        children = tree.children
        for i, child in enumerate(children):
            if isinstance(child, Token) and child.type == "BY":
                rule = children[i + 1]
                assert isinstance(rule, Token)
                out["rule"], where = self.text(rule)
                self.put((*path, "rule"), where)
            elif isinstance(child, Tree):
                self.attr(child, path, _REV_FLAGS, out)
        return out


_REV_FLAGS = {r: "reversibility" for r in _REVERSIBILITY}
_KNOWN_KEYS = {
    "risk": "5",
    "autonomy": "5",
    "reversibility": "recoverable",
    "raises": "[fact]",
    "description": '"..."',
    "domain": "finance",
    "aliases": "[name]",
    "on_error": "block",
    "non_interactive": "block",
    "decision": "ask",
}


def _is(node: object, data: str) -> bool:
    return isinstance(node, Tree) and node.data == data


def _child(tree: Tree[Token], data: str) -> Any:
    """The first child subtree named `data`, or None."""
    return next((c for c in tree.children if _is(c, data)), None)


def _tokens(tree: Tree[Token]) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token)]


def _scalar(tok: Token) -> Any:
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


def _at_offset(span: Span, text: str, offset: int) -> Span:
    line, column = _advance(span.line, span.column, text[:offset])
    return Span(span.file, line, column, line, column + 1)
