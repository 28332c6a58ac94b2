"""Read the DSL form of a policy (`*.remit`) into the same plain data as the YAML form.

Three steps: `dsl_scan.logical_lines` splits the text into statements and checks brackets
and strings; lark parses each statement with `grammar/policy.lark` (LALR), and a syntax
error is translated here into words an author understands; `dsl_lower.Lowering` turns the
trees into plain data and positions. A bad statement is reported and skipped, so one file
yields all its problems. This is the only module that imports lark. The language is
documented in docs/dsl.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .diagnostics import Diagnostic
from .dsl_lower import Lowering
from .dsl_scan import Chunk, depth0, logical_lines
from .dsl_words import (
    DECISIONS,
    KNOWN_KEYS,
    REVERSIBILITY,
    STATEMENTS,
    did_you_mean,
    join,
    ternary_diagnostic,
)
from .resources import grammar_path
from .source import Source
from .yaml_source import too_deep

__all__ = ["parse_dsl"]

MAX_CEL_DEPTH = 8
"""How deep brackets may nest inside a CEL expression (the grammar's fixed depth)."""

_FOUND = re.compile(
    r'"(?:[^"\\\n]|\\.)*"?|\'(?:[^\'\\\n]|\\.)*\'?|=>|@[\w.:\-]*|[A-Za-z_*?][\w.*?\-]*|-?\d[\w.]*|\S'
)


def parse_dsl(text: str, file: str) -> Source:
    """Read DSL policy text; never raises: problems go into `Source.diagnostics`."""
    lowering = Lowering(file)
    # `\r\n` → `\n` (as YAML does): CEL text keeps its line breaks; no line or column moves
    chunks = [c for c in logical_lines(text.replace("\r\n", "\n"), file) if c.text.strip() or c.problems]
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
        except RecursionError:
            lowering.diagnostics.append(too_deep(chunk.span(0)))
        except (LookupError, TypeError, ValueError, AssertionError) as exc:  # a bug, not the author's
            message = f"remit could not read this statement (internal error: {type(exc).__name__})"
            lowering.diagnostics.append(Diagnostic("parse.internal", message, chunk.span(0)))
    return lowering.finish(text)


def _parse_statement(chunk: Chunk, file: str, diagnostics: list[Diagnostic]) -> Tree[Token] | None:
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


# ---- syntax errors in words an author understands -----------------------------------

_TERMINALS = {
    "WORD": "a name",
    "STRING": 'a string in double quotes ("...")',
    "RAW_STRING": 'a raw string (r"...", backslashes kept)',
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
    if any(n.lower() in STATEMENTS for n in names):
        return "a statement such as `policy`, `rate`, `allow`, `ask`, `block`, `route` or `test`"
    words = []
    for group, phrase in _GROUPS:
        if group <= names | {"WORD", "LSQB"}:
            names, words = names - group, [phrase]
    for name in sorted(names, key=lambda n: (_ORDER.index(n) if n in _ORDER else -1, n)):
        word = _TERMINALS.get(name) or f"`{name.lower()}`"
        if word not in words:
            words.append(word)
    return join(words)


def _syntax_diagnostic(exc: UnexpectedInput, chunk: Chunk, file: str) -> Diagnostic:
    """One positioned diagnostic for a lark error in `chunk`."""
    expected, at_end, offset = _error_site(exc, chunk)
    ternary = _rate_ternary(chunk.text, offset)
    if ternary is not None:
        return ternary_diagnostic(chunk.span(ternary))
    previous = _previous_word(chunk.text, offset)
    head = chunk.text.split(None, 1)[0] if chunk.text.split() else ""
    want = _expected_words(expected, previous, head)
    hint = _hint(chunk, offset, expected, previous)
    if at_end:
        code = "parse.unexpected_eof" if chunk.last else "parse.unexpected_eol"
        where = "file" if chunk.last else "line"
        return Diagnostic(code, f"unexpected end of {where}; expected {want}", chunk.span(offset), hint=hint)
    return _unexpected(chunk, offset, previous, want, hint)


def _error_site(exc: UnexpectedInput, chunk: Chunk) -> tuple[set[str], bool, int]:
    """What the parser expected, whether it met the end of the statement, and the offset."""
    if isinstance(exc, UnexpectedToken):
        expected, at_end = _accepted(exc), exc.token.type == "$END"
        offset = len(chunk.text.rstrip()) if at_end else exc.token.start_pos or 0
    elif isinstance(exc, UnexpectedCharacters):
        expected, at_end, offset = set(exc.allowed), False, exc.pos_in_stream
    else:  # UnexpectedEOF: not raised by LALR, kept for safety
        expected, at_end, offset = set(), True, len(chunk.text.rstrip())
    if len(expected) > 1:
        expected.discard("ANNOTATION")
    return expected, at_end, offset


def _unexpected(chunk: Chunk, offset: int, previous: str, want: str, hint: str | None) -> Diagnostic:
    """The diagnostic for what was found at `offset`: an unknown statement, token or character."""
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
    found = depth0(text[when.end() : offset], "?")
    return None if found is None else when.end() + found


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


def _hint(chunk: Chunk, offset: int, expected: set[str], previous: str) -> str | None:
    """A suggestion for the likely mistake behind a syntax error, if one is clear."""
    found = _FOUND.match(chunk.text, offset)
    word = found.group() if found else ""
    head = chunk.text.split(None, 1)[0] if chunk.text.split() else ""
    if previous and word in STATEMENTS and "\n" in chunk.text[:offset]:
        return "an indented line continues the statement above; start a new statement at column 1"
    if not previous and word:
        return did_you_mean(word, STATEMENTS) or "a statement starts with " + ", ".join(
            f"`{s}`" for s in ("policy", "rate", "allow", "ask", "block", "route", "test")
        )
    if previous.startswith("@"):
        return 'an annotation is `@id` or `@id "description"`, before a `rate`, rule or `route`'
    if chunk.depth > MAX_CEL_DEPTH:
        return f"brackets nest at most {MAX_CEL_DEPTH} deep in a CEL expression"
    return _token_hint(word, head, expected, previous)


def _token_hint(word: str, head: str, expected: set[str], previous: str) -> str | None:
    """A suggestion from the word found (`word`) where the parser expected something else."""
    if word[:1] == "'":
        return 'strings are written in double quotes: "..."'
    if "RAW_STRING" in expected and word:
        return f'write the pattern as a string: r"{word}"'
    if "NULL" in expected and word[:1].isalpha():
        return f'quote text values: "{word}"'
    if head == "rate" and "COLON" in expected and (word in KNOWN_KEYS or word in REVERSIBILITY):
        return "the ratings follow a `:`, e.g. `rate Bash: risk 3, reversible`"
    if previous in ("=>", "route") and word:
        return did_you_mean(word, DECISIONS)
    if "COMMA" in expected and head in _ATTRS_WORDS and (word[:1].isalnum() or word[:1] == "_"):
        return "separate items with commas, e.g. `risk 3, irreversible`"
    return None
