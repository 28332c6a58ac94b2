"""Compile CEL conditions into Python callables, once, at policy load.

Stages: parse (cel-python's parser, the only use of `celpy` in remit) -> lower the parse
tree to a small AST -> check identifiers, functions and constant regexes -> generate Python
(`celfuncs.py`) -> `compile()`. The result calls `celrt` helpers and nothing else.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import celrt
from .celexpr import CompiledExpr
from .celfuncs import FUNCTIONS, MACROS, TYPE_NAMES, generate
from .diagnostics import Diagnostic, Span, sorted_diagnostics
from .errors import PolicyError

if TYPE_CHECKING:  # cel-python (and lark) load on the first parse: a cached policy needs neither
    from celpy.celparser import CELParseError, CELParser

# ---- the AST ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Node:
    """An expression node; `line` is the line offset in the text, `col` the 1-based column."""

    line: int
    col: int


@dataclass(frozen=True, eq=False)
class Lit(Node):
    """A literal (or folded constant) value."""

    value: Any


@dataclass(frozen=True, eq=False)
class Ident(Node):
    """A name: a top-level input, a comprehension variable or a type name."""

    name: str


@dataclass(frozen=True, eq=False)
class Select(Node):
    """`operand.field`; `test` is set for `has(operand.field)`."""

    operand: Node
    field: str
    test: bool = False


@dataclass(frozen=True, eq=False)
class Call(Node):
    """A function call, global (`target` is None) or member."""

    fn: str
    target: Node | None
    args: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Index(Node):
    """`operand[index]`."""

    operand: Node
    index: Node


@dataclass(frozen=True, eq=False)
class ListLit(Node):
    """`[a, b, ...]`."""

    items: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class MapLit(Node):
    """`{k: v, ...}`: `items` alternates keys and values."""

    items: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Op(Node):
    """An operator: `&&`, `||`, `?:`, `!`, unary `-` (`neg`), arithmetic, relations, `in`."""

    op: str
    args: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Comp(Node):
    """A macro: `range.macro(var, args...)` for all, exists, exists_one, map, filter."""

    macro: str
    range: Node
    var: str
    args: tuple[Node, ...]


class Report(Protocol):
    """Records a diagnostic at (line offset, column) within the expression text."""

    def __call__(self, code: str, message: str, line: int, col: int, hint: str | None = None) -> None:
        """Record one diagnostic."""


# ---- lowering the parse tree ----------------------------------------------------------

_BINARY = {
    "relation_lt": "<", "relation_le": "<=", "relation_gt": ">", "relation_ge": ">=",
    "relation_eq": "==", "relation_ne": "!=", "relation_in": "in",
    "addition_add": "+", "addition_sub": "-",
    "multiplication_mul": "*", "multiplication_div": "/", "multiplication_mod": "%",
}  # fmt: skip
_PASS = frozenset({"member", "primary", "paren_expr"})
_WRAPPERS = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary"}
)


class _Lowerer:
    """Turns cel-python's lark tree into `Node`s, collecting syntax-level diagnostics."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def lower(self, t: Any) -> Node:
        """The AST of a parse tree node."""
        while t.data in _PASS or (len(t.children) == 1 and t.data in _WRAPPERS):
            t = t.children[0]  # a loop, not recursion: deep nesting must not exhaust the stack
        line, col = _pos(t)
        method: Callable[[Any, int, int], Node] = getattr(self, "_" + t.data)
        return method(t, line, col)

    def _expr(self, t: Any, line: int, col: int) -> Node:
        args = tuple(self.lower(c) for c in t.children)
        return Op(line, col, "?:", args)

    def _logic(self, t: Any, line: int, col: int) -> Node:
        # `a || b || c` is one n-ary node: no nesting however long the chain
        operands = []
        while len(t.children) == 2:
            t, right = t.children
            operands.append(right)
        operands.append(t)
        op = "||" if t.data == "conditionalor" else "&&"
        return Op(line, col, op, tuple(self.lower(c) for c in reversed(operands)))

    _conditionalor = _conditionaland = _logic

    def _binary(self, t: Any, line: int, col: int) -> Node:
        # walk the left spine of `a + b - c` in a loop, then build the nodes bottom-up
        spine: list[tuple[str, Any, int, int]] = []
        while len(t.children) == 2 and t.children[0].data in _BINARY:
            opnode, right = t.children
            spine.append((_BINARY[opnode.data], right, *_pos(t)))
            t = opnode.children[0]
        node = self.lower(t)
        for op, right, op_line, op_col in reversed(spine):
            node = Op(op_line, op_col, op, (node, self.lower(right)))
        return node

    _relation = _addition = _multiplication = _binary

    def _unary(self, t: Any, line: int, col: int) -> Node:
        op, operand = t.children
        return Op(line, col, "!" if op.data == "unary_not" else "neg", (self.lower(operand),))

    def _member_dot(self, t: Any, line: int, col: int) -> Node:
        operand, name = t.children
        return Select(*_pos(name), self.lower(operand), str(name))

    def _member_dot_arg(self, t: Any, line: int, col: int) -> Node:
        operand, name, *rest = t.children
        args = self._args(rest)
        fline, fcol = _pos(name)
        if str(name) in MACROS:
            return self._macro(fline, fcol, str(name), self.lower(operand), args)
        return Call(fline, fcol, str(name), self.lower(operand), args)

    def _macro(self, line: int, col: int, name: str, rng: Node, args: tuple[Node, ...]) -> Node:
        arities = MACROS[name]
        if len(args) not in arities:
            want = " or ".join(str(n) for n in arities)
            self.report("cel.wrong_arity", f"`{name}` takes {want} arguments, not {len(args)}", line, col)
            return Lit(line, col, None)
        var = args[0]
        if not isinstance(var, Ident):
            self.report(
                "cel.syntax", f"the first argument of `{name}` must be a variable name", var.line, var.col
            )
            return Lit(line, col, None)
        return Comp(line, col, name, rng, var.name, args[1:])

    def _member_index(self, t: Any, line: int, col: int) -> Node:
        operand, idx = t.children
        return Index(line, col, self.lower(operand), self.lower(idx))

    def _member_object(self, t: Any, line: int, col: int) -> Node:
        self.report("cel.unsupported", "message construction is not supported", line, col)
        return Lit(line, col, None)

    def _ident_arg(self, t: Any, line: int, col: int) -> Node:
        name, *rest = t.children
        args = self._args(rest)
        fline, fcol = _pos(name)
        if str(name) == "has":
            return self._has(fline, fcol, args)
        return Call(fline, fcol, str(name), None, args)

    _dot_ident_arg = _ident_arg

    def _has(self, line: int, col: int, args: tuple[Node, ...]) -> Node:
        if len(args) != 1:
            self.report("cel.wrong_arity", f"`has` takes 1 argument, not {len(args)}", line, col)
        elif isinstance(args[0], Select):
            s = args[0]
            return Select(s.line, s.col, s.operand, s.field, test=True)
        else:
            self.report(
                "cel.syntax",
                "the argument of `has` must be a field selection like `m.field`",
                args[0].line,
                args[0].col,
            )
        return Lit(line, col, False)

    def _ident(self, t: Any, line: int, col: int) -> Node:
        tok = t.children[0]
        return Ident(*_pos(tok), str(tok))

    _dot_ident = _ident

    def _list_lit(self, t: Any, line: int, col: int) -> Node:
        return ListLit(line, col, self._args(t.children))

    def _map_lit(self, t: Any, line: int, col: int) -> Node:
        items = tuple(self.lower(c) for c in t.children[0].children) if t.children else ()
        return MapLit(line, col, items)

    def _literal(self, t: Any, line: int, col: int) -> Node:
        tok = t.children[0]
        if tok.type == "UINT_LIT" and tok.startswith("-"):
            # the lexer glues the sign on: `-1u` is unary minus on a uint, an error at run time
            return Op(line, col, "neg", (Lit(line, col + 1, literal_value(tok.type, tok[1:])),))
        try:
            return Lit(line, col, literal_value(tok.type, str(tok)))
        except ValueError as e:
            self.report("cel.syntax", str(e), line, col)
            return Lit(line, col, None)

    def _args(self, rest: list[Any]) -> tuple[Node, ...]:
        return tuple(self.lower(c) for c in rest[0].children) if rest else ()


def _pos(t: Any) -> tuple[int, int]:
    """(line offset, column) of a token or tree; rebuilt tokens (true/false) have none."""
    line = getattr(t, "line", None)
    if line is None:
        meta = getattr(t, "meta", None)
        meta_line = getattr(meta, "line", None)
        if meta_line is not None:
            return meta_line - 1, getattr(meta, "column", 1)
        for c in getattr(t, "children", ()):
            got = _pos(c)
            if got != (0, 0):
                return got
        return 0, 0
    return line - 1, getattr(t, "column", 1)


# ---- literals --------------------------------------------------------------------------

_ESCAPE = re.compile(
    r"\\(?:([abfnrtv\"'\\`?])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})"
    r"|([0-3][0-7]{2})|(.))",
    re.S,
)
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                   "v": "\v", '"': '"', "'": "'", "\\": "\\", "`": "`", "?": "?"}  # fmt: skip


def literal_value(kind: str, text: str) -> Any:
    """The value of a CEL literal token (raises ValueError for a bad one)."""
    if kind == "INT_LIT":
        v = _int_text(text)
        if not celrt.INT_MIN <= v <= celrt.INT_MAX:
            raise ValueError(f"integer literal `{text}` is out of range")
        return v
    if kind == "UINT_LIT":
        v = _int_text(text[:-1])
        if not 0 <= v <= celrt.UINT_MAX:
            raise ValueError(f"unsigned integer literal `{text}` is out of range")
        return celrt.UInt(v)
    if kind == "FLOAT_LIT":
        return float(text)
    if kind == "BOOL_LIT":
        return text == "true"
    if kind == "NULL_LIT":
        return None
    if kind == "BYTES_LIT":
        return _string_value(text[1:], as_bytes=True)
    return _string_value(text, as_bytes=False)


def _int_text(text: str) -> int:
    neg = text.startswith("-")
    body = text.lstrip("-")
    v = int(body[2:], 16) if body[:2].lower() == "0x" else int(body, 10)
    return -v if neg else v


def _string_value(text: str, *, as_bytes: bool) -> str | bytes:
    raw = text[0] in "rR"
    if raw:
        text = text[1:]
    q = 3 if text[:3] in ('"""', "'''") else 1
    body = text[q:-q]
    if raw:
        return body.encode("utf-8") if as_bytes else body
    out: list[bytes] = []
    pos = 0
    for m in _ESCAPE.finditer(body):
        out.append(body[pos : m.start()].encode("utf-8"))
        out.append(_escape_value(m, as_bytes=as_bytes))
        pos = m.end()
    out.append(body[pos:].encode("utf-8"))
    value = b"".join(out)
    if as_bytes:
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("string literal is not valid UTF-8") from None


def _escape_value(m: re.Match[str], *, as_bytes: bool) -> bytes:
    simple, hx, u4, u8, octal, bad = m.groups()
    if bad is not None:
        raise ValueError(f"invalid escape sequence `\\{bad}`")
    if simple is not None:
        return _SIMPLE_ESCAPES[simple].encode("utf-8")
    if u4 is not None or u8 is not None:
        if as_bytes:
            raise ValueError("`\\u` escapes are not allowed in bytes literals")
        cp = int(u4 or u8, 16)
        if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
            raise ValueError(f"invalid code point in escape `{m.group(0)}`")
        return chr(cp).encode("utf-8")
    n = int(hx, 16) if hx is not None else int(octal, 8)
    return bytes([n]) if as_bytes else chr(n).encode("utf-8")


# ---- checking --------------------------------------------------------------------------


@dataclass
class _Checker:
    """Walks the AST: undeclared names, unknown functions, arity, constant regexes."""

    allowed: Collection[str]
    report: Report
    names: set[str] = field(default_factory=set)
    fields: set[tuple[str, ...]] = field(default_factory=set)

    def check(self, node: Node, scope: frozenset[str]) -> None:
        if isinstance(node, Ident):
            self._ident(node, scope)
        elif isinstance(node, (Select, Index)):
            path = _field_path(node, scope)
            if path is not None:
                # the whole chain is constant: record the longest path, not its prefixes
                if path[0] in self.allowed:
                    self.fields.add(path)
                self._ident(_chain_root(node), scope)
                return
        elif isinstance(node, Call):
            self._call(node)
        elif isinstance(node, Comp):
            self.check(node.range, scope)
            for arg in node.args:
                self.check(arg, scope | {node.var})
            return
        for child in children(node):
            self.check(child, scope)

    def _ident(self, node: Ident, scope: frozenset[str]) -> None:
        if node.name in scope:
            return
        if node.name in self.allowed:
            self.names.add(node.name)
        elif node.name not in TYPE_NAMES:
            close = difflib.get_close_matches(node.name, sorted(self.allowed), n=1)
            hint = f"did you mean `{close[0]}`?" if close else None
            self.report(
                "cel.undeclared_identifier", f"undeclared identifier `{node.name}`", node.line, node.col, hint
            )

    def _call(self, node: Call) -> None:
        spec = FUNCTIONS.get(node.fn)
        member = node.target is not None
        if spec is None:
            if not member:
                self.report("cel.unknown_function", f"unknown function `{node.fn}`", node.line, node.col)
            return
        arities = spec.member if member else spec.receiverless
        if arities is None:
            form = "a method" if not member else "a global function"
            self.report(
                "cel.unknown_function",
                f"`{node.fn}` is not {form}",
                node.line,
                node.col,
                _call_hint(node.fn, member),
            )
        elif len(node.args) not in arities and -1 not in arities:
            self.report(
                "cel.wrong_arity",
                f"`{node.fn}` takes {_arity_text(arities)}, not {len(node.args)}",
                node.line,
                node.col,
            )
        if node.fn == "matches":
            self._regex(node.args[-1] if node.args else None)

    def _regex(self, pattern: Node | None) -> None:
        if isinstance(pattern, Lit) and isinstance(pattern.value, str):
            try:
                celrt.compile_match(pattern.value)
            except celrt.RegexError as e:
                why = e.args[0].decode() if e.args and isinstance(e.args[0], bytes) else str(e)
                self.report("cel.bad_regex", f"invalid regular expression: {why}", pattern.line, pattern.col)


def _call_hint(fn: str, member: bool) -> str:
    return f"call it as `{fn}(x, ...)`" if member else f"call it as a method: `x.{fn}(...)`"


def _arity_text(arities: tuple[int, ...]) -> str:
    words = " or ".join(str(n) for n in arities)
    return f"{words} argument" + ("" if arities == (1,) else "s")


def _field_path(node: Node, scope: frozenset[str]) -> tuple[str, ...] | None:
    """`("ctx", "a", "b")` for `ctx.a.b` or `ctx["a"].b` rooted at a top-level name."""
    parts: list[str] = []
    while True:
        if isinstance(node, Select):
            parts.append(node.field)
            node = node.operand
        elif isinstance(node, Index) and isinstance(node.index, Lit) and isinstance(node.index.value, str):
            parts.append(node.index.value)
            node = node.operand
        else:
            break
    if isinstance(node, Ident) and node.name not in scope and parts:
        return (node.name, *reversed(parts))
    return None


def _chain_root(node: Node) -> Ident:
    while isinstance(node, (Select, Index)):
        node = node.operand
    assert isinstance(node, Ident)
    return node


def children(node: Node) -> Iterator[Node]:
    """The direct sub-expressions of a node."""
    if isinstance(node, (Select,)):
        yield node.operand
    elif isinstance(node, Index):
        yield node.operand
        yield node.index
    elif isinstance(node, Call):
        if node.target is not None:
            yield node.target
        yield from node.args
    elif isinstance(node, (ListLit, MapLit)):
        yield from node.items
    elif isinstance(node, Op):
        yield from node.args
    elif isinstance(node, Comp):
        yield node.range
        yield from node.args


# ---- the public entry point ------------------------------------------------------------


_PARSER: CELParser | None = None


def parse(text: str) -> Any:
    """cel-python's parse tree of `text` (raises `CELParseError`)."""
    global _PARSER
    if _PARSER is None:
        from celpy.celparser import CELParser

        _warm_parser()
        _PARSER = CELParser()
    return _PARSER.parse(text)


def _warm_parser() -> None:
    """Build cel-python's grammar as it does, with lark's on-disk cache of the grammar analysis.

    Building the parser is about 100 ms, a cost every `remit hook` process pays; the cache
    brings it under 10 ms. Any problem leaves cel-python to build it the usual way.
    """
    from celpy import celparser
    from celpy.celparser import CELParser

    if CELParser.CEL_PARSER is not None:
        return
    with contextlib.suppress(Exception):
        grammar = (Path(celparser.__file__).parent / "cel.lark").read_text()
        probe = object.__new__(CELParser)
        namespace = vars(celparser)  # cel-python's own lark: this module imports no lark itself
        CELParser.CEL_PARSER = namespace["Lark"](
            grammar,
            parser="lalr",
            start="expr",
            debug=True,
            g_regex_flags=re.M,
            lexer_callbacks={"IDENT": probe.ambiguous_literals},
            propagate_positions=True,
            maybe_placeholders=False,
            priority="invert",
            tree_class=namespace["lark"].Tree,
            cache=True,
        )


def compile_expr(text: str, *, names: Collection[str], span: Span) -> CompiledExpr:
    """Parse, check and compile; raise PolicyError holding *all* diagnostics found."""
    from celpy.celparser import CELParseError

    diagnostics: list[Diagnostic] = []

    def report(code: str, message: str, line: int, col: int, hint: str | None = None) -> None:
        diagnostics.append(Diagnostic(code, message, span.shifted(line, max(col, 1)), hint=hint))

    try:
        tree = parse(text)
    except CELParseError as e:
        line, col = _parse_error_pos(e, text)
        report("cel.syntax", _parse_message(e, text, line, col), line, col)
        raise PolicyError(sorted_diagnostics(diagnostics)) from None
    try:
        root = _Lowerer(report).lower(tree)
        checker = _Checker(frozenset(names), report)
        checker.check(root, frozenset())
        if not diagnostics:
            fn, python, constant = generate(root, frozenset(names))
    except celrt.RegexError as e:  # a pattern folded from constants (`"(a" + "|b"`), compiled now
        why = e.args[0].decode() if e.args and isinstance(e.args[0], bytes) else str(e)
        report("cel.bad_regex", f"the expression builds an invalid regular expression: {why}", 0, 1)
    except (RecursionError, MemoryError, SyntaxError):
        # Python's own limits (stack depth, nested parentheses in the generated code)
        report("cel.unsupported", "the expression nests too deeply", 0, 1)
    if diagnostics:
        raise PolicyError(sorted_diagnostics(diagnostics))
    return CompiledExpr(text, fn, frozenset(checker.names), frozenset(checker.fields), python, constant)


def lower_text(text: str) -> Node | None:
    """The lowered tree of an expression, for analyses of its shape (None if it does not parse)."""
    from celpy.celparser import CELParseError

    try:
        return _Lowerer(lambda *_args, **_kw: None).lower(parse(text))
    except (CELParseError, RecursionError):
        return None


def _parse_error_pos(e: CELParseError, text: str) -> tuple[int, int]:
    token = getattr(e.__context__, "token", None)  # lark's exception, when there is one
    at_end = token is not None and getattr(token, "type", None) == "$END"
    if e.line is not None and e.column is not None and not at_end:
        return e.line - 1, e.column
    lines = text.split("\n")
    return len(lines) - 1, len(lines[-1]) + 1


def _parse_message(e: CELParseError, text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    rest = lines[line][col - 1 :] if line < len(lines) else ""
    if not rest.strip():
        return "unexpected end of expression"
    token = rest.split()[0][:20]
    return f"unexpected `{token}`"
