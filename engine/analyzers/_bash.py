"""The one module that talks to the Bash parser (tree-sitter with tree-sitter-bash).

`parse_bash` turns source text into flat `RawCommand`s: every simple command found through
lists, pipelines, subshells, groups, control structures, functions, command and process
substitutions and heredoc bodies, with its words (quotes removed where static), redirections
and what feeds its stdin.  Meaning (wrappers, `bash -c`, facts) is built on top in `shell.py`;
swapping the parser means rewriting only this file.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import posixpath
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mypy_extensions import mypyc_attr

from ._parsed import FAILS, MARK, MOVERS, MOVES, RUNNERS, brace_words, numbered, runs_builtin

# What a parse returns, re-exported: the plain-line reader builds it without this module.
from ._parsed import MAX_COMMANDS as MAX_COMMANDS
from ._parsed import MAX_DEPTH as MAX_DEPTH
from ._parsed import Parsed as Parsed
from ._parsed import RawCommand as RawCommand
from ._parsed import Redirect as Redirect
from ._parsed import Word as Word

if TYPE_CHECKING:
    import tree_sitter

MAX_NODES = 5_000
"""Syntax nodes visited per shell call, over all its nested scripts, before giving up (a
hostile command stays cheap; a 4 KB script of dense words has about 5,000)."""

_WATCHED = 4_096
"""The first source of a call longer than this, and every nested one, is parsed in chunks
with tree-sitter's progress callback counting its work, so that a pathological one (a
pipeline of thousands of stages parses in superlinear time) is abandoned instead of parsed
at length."""
_MAX_PROGRESS = 100
"""Progress reports tree-sitter may make over the parses of one shell call (it reports about
every 20 tokens; 100 reports are 1-4 ms of parsing, the most for a long pipeline)."""

_LOCAL = threading.local()  # a tree-sitter parser must not be shared between threads


@functools.cache
def _language() -> tree_sitter.Language:
    """Bash's grammar, loaded (with tree-sitter) by the first parse: the commonest lines are
    read without it (`_simple.py`), and most tool calls are no shell command at all."""
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Language(tree_sitter_bash.language())


def _parser() -> tree_sitter.Parser:
    parser: tree_sitter.Parser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        import tree_sitter

        parser = _LOCAL.parser = tree_sitter.Parser(_language())
    return parser


# Nodes that open a new nesting level.
_NESTING = frozenset(
    {
        "subshell",
        "compound_statement",
        "if_statement",
        "while_statement",
        "for_statement",
        "c_style_for_statement",
        "case_statement",
        "function_definition",
        "command_substitution",
        "process_substitution",
    }
)
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_SETS_IN_HEADER = frozenset({"for_statement", "c_style_for_statement", "compound_statement"})
"""Nesting nodes that may set variables before their body: loops, and `((A=1))`."""
_BRANCHES = _NESTING - {"compound_statement"}
"""Nodes whose commands may not run, or run in a shell of their own (a subshell): what they
set may not reach the commands after them (nor may the parts of a pipeline, each run in a
shell of its own, or what follows `&&` and `||`: see `_Walker.visit` and `_Walker.chain`)."""
_DYNAMIC = frozenset(
    {
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
    }
)
_ARITHMETIC = frozenset(
    {
        "arithmetic_expansion",
        "binary_expression",
        "unary_expression",
        "postfix_expression",
        "ternary_expression",
        "parenthesized_expression",
    }
)
"""Arithmetic, whose subtrees hold nothing to analyse but substitutions: one without any
in its text is not walked (4 KB of `1+1+...` is 4,000 nodes)."""
_RUN_MARKS = (b"$(", b"`", b"<(", b">(")
_PLAIN_ARITHMETIC = re.compile(r"\(\((?:[A-Za-z0-9_ \t\n+*/%<>=!&|^~?:,()#-]|\$[#?])*\)\)")
"""`((...))` of names, numbers and operators only (and `$#`, `$?`, always numbers): nothing in
it runs a command (see `_Walker.arithmetic_command`). A subscript or another expansion may
(`((a[$(id)]))`, `((a[$y]))` with `y='$(id)'`). A name's value is arithmetic too (`x='a[$(id)]';
((x))` runs id), as for `let`: a static one set in the call is checked (`Expansion.assign`)."""
_ARITHMETIC_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9_$])([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[[^\][]*\]\s*)?(?:(?:[-+*/%&^|]|<<|>>)?=(?!=)|\+\+|--)"
    r"|(?:\+\+|--)\s*([A-Za-z_][A-Za-z0-9_]*)"
)
"""A variable arithmetic sets: `A=1`, `A+=1`, `A[i]<<=1`, `A++`, `--A` (not `A==1`, `A<=1`)."""
_LISTERS = frozenset({"find", "ls", "fd", "fdfind", "rg", "grep", "egrep", "fgrep", "tree", "du"})
"""Programs that may print paths, which `_unwrap._listed_roots` reads the roots of."""
_PRINTER_WRAPPERS = frozenset(
    {"nice", "command", "env", "sudo", "nohup", "timeout", "stdbuf", "ionice", "exec"}
)
"""Programs that run the command after their options, as the search in a substitution may
be run (`< <(nice find ~)`)."""
_PRINTER_NODES = 2_000
"""Syntax nodes of one substitution read for the searches it runs (`printer`)."""
SEARCH_BREAK = "\n"
"""The value of the non-static word between two commands of a `Listed.search` (no word of a
command has it: a non-static word is its source text)."""
_NUMERIC_TEST = re.compile(r"-(?:eq|ne|lt|le|gt|ge)\b")
"""The operators of `[[ ]]` that read their operands as arithmetic."""
_ELEMENT_INDEX = re.compile(r"\[([^\]]*)\]\+?=")
"""The subscript an element of an array literal is placed at (`([3]=x)`, `([k]+=x)`)."""
_QUOTES = frozenset({"string", "raw_string", "ansi_c_string", "translated_string"})
_PATTERN = re.compile(r"[*?\[{]")
"""What makes a word of a `for` list a pattern or a brace expansion (several values)."""
_WRITE_OPS = frozenset({">", ">>", "&>", "&>>", ">|", "<>"})
_STATEMENTS = frozenset({"program", "compound_statement"})
"""Nodes of statements that may end in `&` outside a branch (see `_Walker.background`)."""
_FORK, _JOIN = object(), object()
"""The stack items' nodes that start a branch and end the one last started (see
`_Walker.chain`)."""
_UNDO, _MOVE, _END, _FAIL, _LOOP, _SHELL = object(), object(), object(), object(), object(), object()
"""`_FORK` of a branch that runs only when the move before it failed (`cd x || b`) and of a
move that may fail (`cd x; b`, `cd x && b; c`); `_JOIN` of a branch that ends the shell
(`c || exit`), of a move that may fail, of a loop, and of a shell of its own (a subshell, a
part of a pipeline, a command in the background): see `Parsed.assignments`."""
_JOIN_KINDS = {_JOIN: "join", _END: "end", _FAIL: "fail", _LOOP: "loop", _SHELL: "shell"}
_OWN_SHELL = frozenset({"subshell", "command_substitution", "process_substitution"})
"""Branches that run in a shell of their own: no move of theirs reaches the commands after."""
"""The kind of the entry of `Parsed.assignments` each stack item that ends a branch marks."""

_MAY_MOVE = frozenset({"command", "redirected_statement"})
"""The statements that may be a move that may fail (`cd x`, `cd x 2>/dev/null`)."""
_EXIT = frozenset({"exit"})
"""The name of the command that ends the shell."""
_LOOPS = frozenset({"while_statement", "for_statement", "c_style_for_statement"})
"""Branches whose body may run more than once (`until` and `select` too)."""
_SKIP = frozenset({"comment", "heredoc_start", "heredoc_end", "file_descriptor"})
_WORDS = frozenset(
    {
        "command_name",
        "word",
        "string",
        "raw_string",
        "concatenation",
        "number",
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "ansi_c_string",
        "translated_string",
        "arithmetic_expansion",
        "brace_expression",
        "variable_name",
    }
)
"""Nodes that are one word of a command."""
_QUOTED_DELIMITER = re.compile(r"[\"'\\]")
"""A heredoc delimiter with a quote or a backslash: the body is taken as it is written."""
_HEREDOC_ESCAPE = re.compile(r"\\([\\$`\n])")
"""What a backslash escapes in the body of an unquoted heredoc: `\\`, `$`, a backquote, and
a newline (a line continuation, deleted)."""
_DELIMITER_QUOTES = re.compile(r"""\$?'([^']*)'|\$?"([^"]*)"|\\(.)""")
"""The quotes of a heredoc delimiter, which bash removes to find the word that ends it."""
_OWN_INPUT = frozenset({"command_substitution", "process_substitution"})
"""Nodes whose commands do not read a heredoc around them."""
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
MAX_READINGS = 32
"""Words of a `for` list or elements of an array read one by one; past it the variable is
known only at run time, and the call is reported unparsed."""
_DQ_ESCAPE = re.compile(r'\\([$`"\\\n])')


@dataclass(slots=True)
class Listed(Word):
    """A value made of several words: one of them in turn (`for A in x y`, `select`), all of
    them (`A=(x y)`, an array), or lines a command prints (`for A in $(find ~)`)."""

    items: tuple[Word, ...] = ()
    array: bool = False
    search: tuple[Word, ...] = ()
    """The words of the command whose output the value is (`$(find ~ -type f)`, a process
    substitution read as a file: `< <(find ~)`)."""
    appends: bool = False
    """`A+=x`, `A+=(x y)`: the value joins the one the variable holds."""
    index: str | None = None
    """`A[i]=x`: the subscript, as written, of the one element set (the element is `items`)."""
    indices: tuple[str | None, ...] = ()
    """`A=([3]=x y)`: the subscript each element of `items` is placed at, as written, or None
    for the one after the element before; empty when no element names its own."""
    descriptor: str | None = None
    """`3< <(find ~)`: the descriptor a process substitution is read on, when written."""
    each: bool = False
    """`for A in $B`, `for A in "${B[@]}"`: the one word of a loop's list, whose value (split
    unless quoted) or elements A takes in turn where B's are known."""


@dataclass(slots=True)
class Arithmetic(Word):
    """Not a value: text that arithmetic reads at this point of the script (`((x))`,
    `$((x))`, `${a[x]}`, `[[ $x -eq 1 ]]`), recorded among the assignments with no name.
    Arithmetic reads a variable's value as an expression in turn, whose subscripts run
    commands (`x='a[$(id)]'; ((x))` runs id)."""

    array: str = ""
    """The array whose subscript the text is (not arithmetic when it is associative)."""


@dataclass(slots=True)
class Work:
    """What the parses of one shell call may still do, shared by all its nested scripts
    (`bash -c`, `eval`, heredocs fed to a shell), so that many of them cost what one does."""

    nodes: int = MAX_NODES
    reports: int = _MAX_PROGRESS
    parses: int = 0


def parse_bash(source: str, depth: int = 0, work: Work | None = None) -> Parsed:
    """Parse Bash `source`; commands start at nesting `depth`; never raises on text input.

    `work` is the budget of the shell call this source belongs to (a fresh one if None).
    """
    work = Work() if work is None else work
    out = Parsed()
    shielded, restore = _shield(source)
    data = shielded.encode("utf-8", "surrogatepass")
    tree = _parse(data, work)
    if tree is None:
        out.error = "command too large to analyse"
        return out
    if _SPLIT_HINT.search(data) or (b"\\" in data and _ESCAPE_HINT.search(data)) or b"{$" in data:
        data, tree = _unsplit(data, tree, work)
        if tree is None:
            out.error = "command too large to analyse"
            return out
    root = tree.root_node
    _Walker(out, data, work).run(root, depth)
    if root.has_error and not out.error:
        out.error = _syntax_error(root, data)
    if not out.error:
        out.error = _misread(root, data)
    if restore:
        _restore(out, restore)
    return out


_SPLIT_HINT = re.compile(rb"\$[\w{@*#?$!-][^\s$]*\$[\w@*#?$!-]")
"""Two expansions in one word (`$a/$b/c`), the first shape tree-sitter-bash may split."""
_ESCAPE_HINT = re.compile(rb"(?:\$\w+|\$[@*#?$!-]|[})\"'`])\\[^\r\n]")
"""An escape after an expansion or a quote (`$d\\ x`, `"$d"\\/x`), the second such shape;
the third is an expansion right after a brace (`/etc/{$s,x}`)."""
_WORD_LISTS = frozenset(
    {"command", "declaration_command", "unset_command", "for_statement", "array", "file_redirect"}
)
"""The nodes whose children are words side by side, where an escape may split one."""
_NAME_AFTER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]")


def _unsplit(data: bytes, tree: tree_sitter.Tree, work: Work) -> tuple[bytes, tree_sitter.Tree | None]:
    """`data` and its tree, each `$NAME` that tree-sitter-bash 0.25.1 splits a word at written
    `${NAME}`, which it reads whole. It ends the word at the `$` of an expansion after
    punctuation that follows another (`$a/$b/c` is `$a/$` and a word `b/c`, `rm -f
    $DIR/ifaces/$1` loses the `1`: tree-sitter/tree-sitter-bash#315, #306); bash reads one
    word. The tree tells where: a concatenation ending with a bare `$` right before a name
    (the rest of the word, which it reads as another word, or a command after an
    assignment). It also ends a word at an escape after an expansion or a quote (`$d\\ x`
    is `$d` and `x`, the space lost; `$d\\/x` is `$d` and `\\/x`): two words side by side
    with no space between them, the first followed by `\\`, where the escaped character is
    written quoted instead (`$d' 'x`), which it reads whole. Two passes at most: a word
    still split after them is read as tree-sitter-bash reads it."""
    unwatched = work.parses == 1 and len(data) <= _WATCHED
    for _ in range(2):
        found: list[tuple[int, int, bytes]] = []  # from, to, written instead
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            children = node.children
            if node.type == "concatenation" and children:
                last = children[-1]
                name = _NAME_AFTER.match(data, last.end_byte) if last.type == "$" else None
                if name is not None:
                    found.append((last.start_byte, name.end(), b"${" + name[0] + b"}"))
            for before, after in itertools.pairwise(children) if node.type in _WORD_LISTS else ():
                at = before.end_byte
                if data[at : at + 1] == b"\\" and (
                    after.start_byte == at or (after.start_byte == at + 2 and data[at + 1] in b" \t")
                ):  # `$d\ x`, `$d\/x`: one word, which tree-sitter-bash splits at the escape
                    escaped = data[at + 1 : at + 2]
                    if escaped and escaped[0] < 0x80 and escaped not in b"\r\n":
                        found.append((at, at + 2, b'"\'"' if escaped == b"'" else b"'" + escaped + b"'"))
            stack.extend(children)
        if not found:
            break
        for start, end, written in sorted(found, reverse=True):
            data = data[:start] + written + data[end:]
        reparsed = _parse(data, work, unwatched)  # watched only as the source's first parse was
        if reparsed is None:
            return data, None
        tree = reparsed
    return data, tree


def _parse(data: bytes, work: Work, unwatched: bool = False) -> tree_sitter.Tree | None:
    """tree-sitter's tree of `data`, or None when parsing it would take too much work.

    The first parse of a call, when short, runs unwatched (a short source parses in at most
    a few milliseconds), and so does the same source parsed again (`unwatched`, see
    `_unsplit`); every other one counts tree-sitter's progress reports against the call's
    budget and is abandoned when it runs out.
    """
    work.parses += 1
    if unwatched or (work.parses == 1 and len(data) <= _WATCHED):
        return _parser().parse(data)
    if work.reports <= 0:
        return None

    def read(offset: int, _point: Any) -> bytes:
        return data[offset : offset + _WATCHED]

    def progress(*_state: Any) -> bool:
        work.reports -= 1
        return work.reports < 0  # True cancels the parse

    parser = _parser()
    try:
        return parser.parse(read, progress_callback=progress)
    except ValueError:  # "Parsing failed": cancelled by `progress`, depending on when
        return None
    finally:
        parser.reset()  # a cancelled parse would otherwise resume on the next call


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _shield(source: str) -> tuple[str, dict[int, str]]:
    """Swap characters beyond the BMP for private-use ones before parsing.

    tree-sitter-bash 0.25.1 reads out of bounds (SIGSEGV on Linux) when `{` is followed by
    a 4-byte UTF-8 character (tree-sitter/tree-sitter-bash#337); every BMP character is safe.
    The swap is undone in the parsed values by `_restore`.
    """
    if source.isascii() or not _ASTRAL.search(source):  # `isascii` reads a flag: no scan
        return source, {}
    present = set(source)
    spare = (chr(c) for c in range(0xE000, 0xF900) if chr(c) not in present)
    mapping: dict[str, str] = {}
    for char in dict.fromkeys(_ASTRAL.findall(source)):
        mapping[char] = next(spare, "\ufffd")
    shielded = _ASTRAL.sub(lambda m: mapping[m.group()], source)
    return shielded, {ord(v): k for k, v in mapping.items() if v != "\ufffd"}


def _restore(out: Parsed, table: dict[int, str]) -> None:
    for cmd in out.commands:
        cmd.text = cmd.text.translate(table)
        for word in cmd.words:
            word.value = word.value.translate(table)
        for redirect in cmd.redirects:
            redirect.target.value = redirect.target.value.translate(table)
            for part in getattr(redirect.target, "search", ()):
                part.value = part.value.translate(table)
        if cmd.stdin_text is not None:
            cmd.stdin_text = cmd.stdin_text.translate(table)
        if cmd.env:
            cmd.env = tuple(entry.translate(table) for entry in cmd.env)
    for _, _, word, _ in out.assignments:
        word.value = word.value.translate(table)
        if isinstance(word, Listed):
            for part in (*word.items, *word.search):
                part.value = part.value.translate(table)
    for _, word in out.bare_writes:
        word.value = word.value.translate(table)
    out.error = out.error.translate(table)


_COMMENT_BEFORE = frozenset(b" \t\n;&|()<>")
"""What bash starts a comment after (at the start of a word), when not escaped."""
_COMMENT_PARENTS = frozenset(
    {
        "program", "compound_statement", "subshell", "do_group", "if_statement", "elif_clause",
        "else_clause", "case_statement", "case_item", "while_statement", "for_statement",
        "function_definition", "command_substitution", "pipeline", "list", "redirected_statement",
        "heredoc_redirect",
    }
)  # fmt: skip
"""The nodes a comment may be a child of: lists of commands. tree-sitter-bash 0.25.1 also
reads comments inside arithmetic, subscripts and expansions (`$(( 1 #$(rm -rf ~)\n))`),
where bash has none and runs the substitution."""
_PATTERN_HINT = re.compile(rb"\$\{[^}]*?[#%^,][^}]*?(?:\$[(\[]|`|[<>]\()")
"""A substitution after the pattern operator of an expansion (`${HOME#$(rm -rf ~)}`)."""
_PATTERN_SUBSTITUTIONS = (b"$(", b"$[", b"`", b"<(", b">(")


def _misread(root: Any, source: bytes) -> str:
    """What tree-sitter-bash 0.25.1 reads otherwise than bash, in ways that hide commands:
    a comment where bash reads a word or arithmetic, a heredoc's delimiter followed by a
    carriage return, a substitution in an expansion's pattern; "" when none."""
    if b"<<" in source and _BLANKISH.search(source):
        return "a carriage return, vertical tab or form feed near a heredoc, which ends elsewhere for bash"
    comments, patterns = b"#" in source, _PATTERN_HINT.search(source) is not None
    if not (comments or patterns):
        return ""
    stack = [root]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "comment":
            if not _true_comment(node, source):  # a comment node: the source holds a `#`
                return "a `#` that bash reads inside a word, where the parser reads a comment"
        elif kind == "regex":
            if patterns and any(s in source[node.start_byte : node.end_byte] for s in _PATTERN_SUBSTITUTIONS):
                return "a substitution in the pattern of an expansion, which the parser does not read"
        else:
            stack.extend(node.children)
    return ""


_BLANKISH = re.compile(rb"[\r\v\f]")
"""What tree-sitter-bash reads as a blank and bash keeps in a word (or a heredoc's end)."""


def _true_comment(node: Any, source: bytes) -> bool:
    """Whether bash too reads the comment `node` as one: its `#` starts a word (after an
    unescaped blank or operator, or a line continuation after one: `ls \\<newline># c`), in
    a list of commands, and a backquoted substitution does not end inside it."""
    parent = node.parent
    if parent is None or parent.type not in _COMMENT_PARENTS:
        return False
    quoted = parent.type == "command_substitution" and source[parent.start_byte] == 0x60  # a backquote
    if quoted and b"`" in source[node.start_byte : node.end_byte]:
        return False
    at = node.start_byte
    while at:
        if source[at - 1] == 0x0A and _escaped(source, at - 1):  # bash joins the lines first
            at -= 2
            continue
        return source[at - 1] in _COMMENT_BEFORE and not _escaped(source, at - 1)
    return True


def _escaped(source: bytes, at: int) -> bool:
    """Whether the byte at `at` follows an odd number of backslashes."""
    count = 0
    while at - count > 0 and source[at - count - 1] == 0x5C:
        count += 1
    return count % 2 == 1


def _syntax_error(root: Any, source: bytes) -> str:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            row, col = node.start_point
            what = "missing" if node.is_missing else "unexpected"
            token = node.type if node.is_missing else _text(node, source).strip()[:20]
            return f"syntax error: {what} `{token}` at line {row + 1}, column {col + 1}"
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return "syntax error"


def _text(node: Any, source: bytes) -> str:
    # A tree parsed in chunks would fetch `node.text` through the reader, slowly: slice instead.
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


class _Walker:
    """Iterative walk (long `&&` chains make deep trees: no Python recursion here)."""

    def __init__(self, out: Parsed, source: bytes, work: Work) -> None:
        self.out = out
        self.source = source
        """The parsed bytes: nodes' text is sliced from them (see `_text`)."""
        self.work = work
        self.feeds: dict[int, str] = {}
        """The heredoc of `a && b <<EOF` for `b` (by its start): tree-sitter-bash puts it around
        the list, bash gives it to the last command."""
        self.spill: list[Word] = []
        """Words tree-sitter-bash attached to a redirect that belong to the command."""
        self.lets: list[RawCommand] | None = []
        """`((EXPR))` statements of plain names and numbers, each as the `let EXPR` bash runs
        for it (see `arithmetic_command`); None once one holds more."""
        self.branches: list[tuple[int, int]] = []
        """The byte ranges walked so far whose commands may not run (see `_BRANCHES`; the
        commands after `&&` or `||`)."""
        self.parts: set[tuple[int, int]] = set()
        """The byte ranges of the statements among `branches` that are no `_BRANCHES` node (`b`
        of `a && b`, each part of a pipeline): each forks when walked (see `fork`)."""
        self.forks: list[tuple[int, int, str]] = []
        """The branches being walked: where each starts in the assignments and commands, and
        its kind (see `fork`)."""
        self.checked: set[int] = set()
        """Where the operands of lists that `&&` or `||` follow start (`cd x && b`): a failed
        move there is checked."""
        self.defined: list[tuple[int, int]] = []
        """The byte ranges of the functions' bodies walked so far."""

    def run(self, root: Any, depth: int) -> None:
        # Stack items: node, depth, piped, redirects inherited from an enclosing statement.
        stack: list[tuple[Any, int, bool, list[Redirect]]] = [(root, depth, False, [])]
        commands = self.out.commands  # the same list throughout: only appended to
        work = self.work
        while stack:
            node, level, piped, inherited = stack.pop()
            if node is _JOIN or node is _END or node is _FAIL or node is _LOOP or node is _SHELL:
                self.join(_JOIN_KINDS[node])
                continue
            if node is _FORK or node is _UNDO or node is _MOVE:
                self.fork("undo" if node is _UNDO else "move" if node is _MOVE else "")
                continue
            work.nodes -= 1
            if work.nodes < 0:
                self.out.error = "command too large to analyse"
                return
            if len(commands) > MAX_COMMANDS:
                self.out.error = "too many commands to analyse"
                return
            kind = node.type
            branch = kind in _BRANCHES
            part = bool(self.parts) and (node.start_byte, node.end_byte) in self.parts
            if branch or part:
                self.fork()  # before a loop's header: the loop may not run once
                ends = _LOOP if kind in _LOOPS else _SHELL if part or kind in _OWN_SHELL else _JOIN
                stack.append((ends, level, piped, inherited))
                if branch:
                    self.branches.append((node.start_byte, node.end_byte))
            if kind in _MAY_MOVE and node.start_byte not in self.checked and _runs(FAILS, node, self.source):
                self.fork("move")  # `cd x; cat config`, `cd x 2>/dev/null`: it may fail, and the
                stack.append((_FAIL, level, piped, inherited))  # call stay
            if kind in _NESTING:
                level += 1
                if level > MAX_DEPTH:
                    self.out.error = f"nested deeper than {MAX_DEPTH} levels"
                    continue
                if kind in _SUBSTITUTIONS:
                    self.out.substitutions = True
                    piped, inherited = False, []
                elif kind in _SETS_IN_HEADER:
                    self.header(node, kind)
                elif kind == "function_definition":
                    self.function(node)
            pending = self.visit(node, kind, level, piped, inherited)
            stack.extend(reversed(pending))
        if self.lets and not commands:  # a script of nothing but plain arithmetic
            commands.extend(self.lets)

    def visit(
        self, node: Any, kind: str, level: int, piped: bool, inherited: list[Redirect]
    ) -> list[tuple[Any, int, bool, list[Redirect]]]:
        """The nodes still to walk below `node` (of type `kind`), recording what it holds."""
        if kind in ("command", "declaration_command", "unset_command"):
            return self.command(node, level, piped, inherited)
        if kind == "redirected_statement":
            return self.redirected(node, level, piped, inherited)
        if kind == "list":
            return self.chain(node, level, piped, inherited)
        if kind == "pipeline":
            # tree-sitter-bash puts the redirect of `a | b > f` (and `a && b > f`) around the
            # whole list; bash applies it to the last command only.
            stmts = [c for c in node.named_children if c.type != "comment"]
            last = len(stmts) - 1
            if stmts:  # `a | b`: each runs in a shell of its own
                self.branch(part for part in [_piped_part(stmts[0]), *stmts[1:]] if part is not None)
            first: list[Redirect] = []
            end = inherited
            if type(inherited) is _Around:  # `{ a | b; } < f`: a reads f, b the pipe
                first = _Around(r for r in inherited if r.op == "<" and not r.writes)
                if last > 0:
                    end = _Around(r for r in inherited if not r.gives_stdin())
            return [
                (c, level, piped or i > 0, end if i == last else first if i == 0 else [])
                for i, c in enumerate(stmts)
            ]
        if kind in _SKIP:
            return []
        if kind in _ARITHMETIC:
            if kind == "arithmetic_expansion":  # `$((A=1))` sets A
                self.arithmetic(node)
                self.reads(node)
            if not node.has_error and not self.may_run(node):
                return []  # a broken one may hold commands the parser recovered (it is walked)
        if kind == "variable_assignment":
            return self.assignment(node, level)
        if kind == "subscript":  # `${a[x]}`: the index is arithmetic
            self.subscript(node)
        elif kind == "expansion":  # `${x:o:l}`: the offset and length are arithmetic
            self.substring(node)
        elif (
            kind == "test_command"  # `[[ ]]`, not `[ ]`: `test` reads numbers only
            and self.source.startswith(b"[[", node.start_byte)
            and _NUMERIC_TEST.search(_text(node, self.source))
        ):
            self.reads(node)
        if kind == "compound_statement" and self.source.startswith(b"((", node.start_byte):
            self.arithmetic_command(node, level, piped, inherited)
        if kind == "file_redirect":  # `$(> f)`: a redirection with no command around it
            return self.bare(node, level, [])
        if kind == "ERROR" and self.out.commands:
            # Broken input (`cat <<'EOF' > f` without its body): keep the files it writes.
            redirects = self.out.commands[-1].redirects
            pending = []
            for child in node.named_children:
                if child.type == "file_redirect":
                    pending.extend(self.redirect(child, level, redirects, []))
                else:
                    pending.append((child, level, piped, inherited))
            return pending
        if kind in _STATEMENTS and self.source.find(b"&", node.start_byte, node.end_byte) >= 0:
            self.background(node)
        if inherited and type(inherited) is not _Around:
            inherited = _Around(inherited)  # `{ a && b; } < f`: b reads f too
        return [(c, level, piped, inherited) for c in node.named_children]

    def chain(
        self, node: Any, level: int, piped: bool, inherited: list[Redirect]
    ) -> list[tuple[Any, int, bool, list[Redirect]]]:
        """`a && b || c`: its operands, each after the first a branch (it may not run), with
        the marks of where each branch starts and ends (see `fork`, `join`). The branch of an
        operand after `&&` lasts over the operands joined to it by `&&` (`c && cd x && ls`:
        `ls` runs only after the `cd`); one after `||` ends with it (`c || cd x && ls` runs
        `ls` where `c` succeeds). The redirect around the list (`a && b > f`) is the last's;
        one around a group that holds it (`{ a && b; } < f`, `_Around`), each operand's."""
        operands, operators = _chain(node)
        last = len(operands) - 1
        whole = type(inherited) is _Around  # `{ a && b; } < f`: the group's, each command's
        self.branches.extend((operand.start_byte, operand.end_byte) for operand in operands[1:])
        for i, operand in enumerate(operands[:-1]):  # `cd x && b`, `cd x || b`, not `cd x && b || c`
            if operators[i + 1] == "||" or "||" not in operators[i + 2 :]:
                self.checked.add(operand.start_byte)
        pending: list[tuple[Any, int, bool, list[Redirect]]] = []
        opened = 0
        source = self.source
        # `cd x && b; c`: b runs only in x, and c where the `cd` may have failed too
        first = "||" not in operators and _runs(FAILS, operands[0], source)
        if first:
            pending.append((_MOVE, level, piped, []))
        for i, operand in enumerate(operands):
            if i:
                undo = operators[i] == "||" and _runs(MOVERS, operands[i - 1], source)
                pending.append((_UNDO if undo else _FORK, level, piped, []))
                opened += 1
            pending.append((operand, level, piped, inherited if i == last or whole else []))
            if opened and (i == last or operators[i] == "||" or operators[i + 1] != "&&"):
                pending.append((_END if _runs(_EXIT, operand, source) else _JOIN, level, piped, []))
                pending.extend([(_JOIN, level, piped, [])] * (opened - 1))
                opened = 0
        if first:
            pending.append((_FAIL, level, piped, []))
        return pending

    def background(self, node: Any) -> None:
        """Mark the statements of `node` run in the background (`A=x & b`), each in a shell
        of its own, as what may not reach the commands after them."""
        children = node.children
        for before, child in itertools.pairwise(children):
            if child.type == "&" and before.is_named:
                self.branch([before])

    def may_run(self, node: Any) -> bool:
        """Whether the text of `node` holds a command or process substitution."""
        source, start, end = self.source, node.start_byte, node.end_byte
        return any(source.find(mark, start, end) >= 0 for mark in _RUN_MARKS)

    def branch(self, nodes: Iterable[Any]) -> None:
        """Mark `nodes`, statements walked later, as branches (see `_BRANCHES`)."""
        for node in nodes:
            self.branches.append((node.start_byte, node.end_byte))
            self.parts.add((node.start_byte, node.end_byte))

    def fork(self, kind: str = "") -> None:
        """A branch starts (`kind` "undo" for one that runs only when the move before it
        failed, `cd x || b`; "move" for a move that may fail, `cd x; b`): the variables it
        sets may keep the values they held (see `join`)."""
        self.forks.append((len(self.out.assignments), len(self.out.commands), kind))

    def join(self, kind: str = "join") -> None:
        """The branch last forked ends (`kind` "end" when it ends the shell, `c || exit`;
        "fail" for a move that may fail, `cd x; b`; "loop" for a loop's). When it set a
        variable, may move the shell (see `MOVES`) or is a move, mark where it starts and
        ends among the assignments, so that what it set joins what was held before (`A=1;
        if c; then A=2; cat $A; fi; cat $A`: the first `cat` reads 2, the second 1 or 2),
        and where it moved the shell, where it was."""
        at, index, forked = self.forks.pop()
        assignments, commands = self.out.assignments, self.out.commands
        if (
            forked  # a move, which its text may hide (`c''d x`)
            or any(entry[1] for entry in itertools.islice(assignments, at, None))
            or any(MOVES.search(command.text) for command in itertools.islice(commands, index, None))
        ):
            assignments.insert(at, (index, "", MARK, "undo" if forked == "undo" else "fork"))
            assignments.append((len(self.out.commands), "", MARK, kind))

    def maybe(self, node: Any) -> bool:
        """Whether `node` lies where it may not run, or runs in a shell of its own: in a
        branch, a loop, a function's body, a subshell, a pipeline, after `&&` or `||`."""
        at = node.start_byte
        return any(start <= at < end for start, end in self.branches)

    def assigned(self, node: Any, name: str, value: Word, kind: str = "") -> None:
        """Record that `node` sets the variable `name` to `value` (or, when `name` is empty,
        that arithmetic reads the text `value` there); `kind` "local" for `local A=x` outside
        a function's body (see `Parsed.assignments`)."""
        self.out.assignments.append((len(self.out.commands), name, value, kind))

    def header(self, node: Any, kind: str) -> None:
        """Record the variables a loop sets (`for A in`, `select A in`, the arithmetic of
        `for ((...))` past its first part, walked as an assignment) or `((A=1))` does."""
        if kind == "for_statement":
            self.loop(node)
        elif kind == "c_style_for_statement":
            for field in ("initializer", "condition", "update"):
                for part in node.children_by_field_name(field):
                    self.reads(part)
                    if field != "initializer":
                        self.arithmetic(part)
        elif self.source.startswith(b"((", node.start_byte):  # `((A++))`, not `{ ...; }`
            self.arithmetic(node)
            self.reads(node)

    def function(self, node: Any) -> None:
        """`f() { ...; }`, `function f { ...; }`: a call of f runs the body, with the call's
        arguments as the positional parameters, and the redirections written after it (`f()
        { cat; } < F`: each call's; a here-string as a heredoc of its word, which
        tree-sitter-bash reads after a group alone); its commands are also read where it is
        defined, as written."""
        name, body = node.child_by_field_name("name"), node.child_by_field_name("body")
        self.defined.append((node.start_byte, node.end_byte))
        if name is not None and body is not None:
            parts = [_text(body, self.source)]
            for redirect in node.children_by_field_name("redirect"):
                if redirect.type != "herestring_redirect":
                    parts.append(_text(redirect, self.source))
                    continue
                words = [c for c in redirect.named_children if c.type != "file_descriptor"]
                if words:  # its word, quotes removed, as the line of a heredoc: as written where
                    word = _word(words[-1], self.source)  # static, else with its variables put in
                    delimiter = f"'{_HERE}'" if word.static else _HERE
                    parts.append(f"<<{delimiter}\n{word.value}\n{_HERE}\n")
            code = " ".join(parts)
            self.out.functions.append((len(self.out.commands), _text(name, self.source), code))

    def loop(self, node: Any) -> None:
        """`for A in x y`, `select A in x y`: A takes the values in turn (or the user's
        choice); one static word with no pattern is its value, else it is known only at run
        time, written as the list is, with each listed word as a reading (`Listed`).
        Without `in`, A takes the positional parameters."""
        name = node.child_by_field_name("variable")
        if name is None:
            return
        values = node.children_by_field_name("value")
        if values:
            word = _word(values[0], self.source)
            if (
                len(values) > 1
                or node.children[0].type == "select"
                or (values[0].type not in _QUOTES and _PATTERN.search(_text(values[0], self.source)))
            ):
                listed = self.source[values[0].start_byte : values[-1].end_byte].decode("utf-8", "replace")
                word = Listed(listed, static=False, items=self.listed(values))
            elif values[0].type == "command_substitution":  # `for A in $(find ~)`: what it prints
                word = Listed(word.value, static=False, search=tuple(self.printer(values[0])))
            elif not word.static and "$" in word.value:  # `for A in "${B[@]}"`: each word B gives
                word = Listed(word.value, static=False, quoted=word.quoted, each=True)
        else:  # each of the positional parameters, as `for A in "$@"`
            word = Listed("$@", static=False, quoted=True, each=True)
        self.assigned(node, _text(name, self.source), word)

    def placed(self, nodes: list[Any]) -> tuple[tuple[Word, ...], tuple[str | None, ...]]:
        """The elements of an array literal, and where each is placed when one names its
        subscript (`([3]=x [k]=y z)`; none else). `'[3]=x'` quoted is a plain element."""
        if not any(self.source.startswith(b"[", n.start_byte) for n in nodes):
            return self.listed(nodes), ()
        items = self.listed(nodes, expand=False)  # one per node, to be placed
        placed: list[Word] = []
        indices: list[str | None] = []
        for node, item in zip(nodes, items, strict=False):
            found = (
                _ELEMENT_INDEX.match(item.value) if self.source.startswith(b"[", node.start_byte) else None
            )
            if found is None:
                placed.append(item)
                indices.append(None)
                continue
            rest = item.value[found.end() :]
            placed.append(Word(rest, item.static and "$" not in found[1], item.quoted))
            indices.append(found[1])
        return tuple(placed), tuple(indices)

    def listed(self, nodes: list[Any], expand: bool = True) -> tuple[Word, ...]:
        """The words `nodes` (a `for` list, an array's elements) give, brace expansions
        expanded unless `expand` is false (one word per node), or none past `MAX_READINGS`
        (the call is then unparsed: what the variable holds is not known)."""
        words = [_word(n, self.source) for n in nodes]
        if expand and any(n.type in _BRACED for n in nodes):  # `for f in {a,b}`: a, then b
            words = [w for n, word in zip(nodes, words, strict=True) for w in self.braces(n, word)]
        if len(words) > MAX_READINGS:
            self.out.error = self.out.error or "a variable takes more values than analysed"
            return ()
        return tuple(words)

    def braces(self, node: Any, word: Word) -> list[Word]:
        """The words bash makes of `word` (read from `node`) by brace expansion (none from
        `{,}`); `word` itself when it has no group, or when it makes more than `MAX_BRACES`.
        Past that bound only numbers may vary (`for i in {1..100}`, `touch f{1..500}.txt`):
        the rest of the word is read as written. Names may not (`~/.s{a..z}{a..z}/id_rsa`
        names `~/.ssh/id_rsa`): the call is unparsed."""
        if not (word.static and node.type in _BRACED and _braced(node, self.source)):
            return [word]
        expanded = brace_words(word.value)
        if expanded is None:
            if not numbered(word.value):
                self.out.error = self.out.error or "a brace expansion gives more words than analysed"
            return [word]
        return [Word(w) for w in expanded if w]  # `{a,}`: an empty alternative is no word

    def printer(self, node: Any) -> list[Word]:
        """The searches the substitution `node` runs, whose output is its value: the words of
        each command of it (through pipes, lists and nested substitutions: `$(sort <(find ~))`)
        that is a program listing paths, its wrappers dropped (`nice find ~`), each after a
        `SEARCH_BREAK` word; a `cd DIR` before one is kept as those two words (`cd ~ && find
        .` lists the home). None when no command of it lists paths."""
        found: list[Word] = []
        listed = False
        stack = [node]
        budget = _PRINTER_NODES
        while stack:
            current = stack.pop()
            budget -= 1
            if budget < 0:  # too large to read: any of it may search anywhere
                return [Word(SEARCH_BREAK, static=False), Word("find"), Word("?", static=False)]
            if current.type != "command":
                stack.extend(reversed(current.named_children))
                continue
            words = self.search_words(current)
            if words and words[0].value == "cd":
                found += [Word(SEARCH_BREAK, static=False), *words[:2]]
            elif words and words[0].value.rpartition("/")[2] in _LISTERS:
                found += [Word(SEARCH_BREAK, static=False), *words]
                listed = True
            # `sort <(find ~)`, `cat < <(find ~)`: the substitutions of its words and redirections
            stack.extend(reversed([c for c in current.named_children if c.type != "command_name"]))
        return found if listed else []

    def listing(self, node: Any, word: Word) -> Word:
        """The argument `word` (of `node`), as the lines its substitution prints when that
        is a search (`cat $(find ~)`, `cat "$(ls DIR)"`), read as a variable holding them is."""
        printed = _substitution(node)
        search = self.printer(printed) if printed is not None else []
        if not search:
            return word
        return Listed(word.value, static=False, quoted=word.quoted, search=tuple(search))

    def printed(self, node: Any, word: Word) -> Word:
        """`word` (of `node`) with each command substitution in it that only prints a path
        named by static words (`_printed_path`: `$(realpath ~/.kube)`, `$(dirname
        ~/.kube/config)`, `$(echo /etc)`) put in as what it prints, in a default too (`${X:-$(echo
        /etc)}`), static when nothing else in it expands; `word` itself when one prints anything
        else, or a text that would split or match files unquoted."""
        if word.static or not _PRINTS_PATH.search(word.value):
            return word
        value = word.value
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in ("string", "concatenation", "expansion"):  # `${X:-$(echo /etc)}`
                stack.extend(current.named_children)
                continue
            if current.type != "command_substitution":
                continue
            path = self.prints(current)
            text = _text(current, self.source)
            if path is None or text not in value or _QUOTING.search(_PUT_IN.sub("", path)):  # `$(echo '$x')`
                return word
            unquoted = current.parent is None or current.parent.type != "string"
            if unquoted and (not path or _SPLITS.search(path)):  # `cd $(echo a b)`: two words
                return word
            value = value.replace(text, path, 1)
        if value == word.value or "\\" in value:  # an escape the source text still holds
            return word
        if "$" in value or "`" in value:  # `"$(realpath ~)/$f"`: `$f` is read as any variable
            return Word(value, static=False, quoted=word.quoted)
        return Word(value)

    def prints(self, node: Any) -> str | None:
        """What the command substitution `node` prints when it is one command of
        `_printed_path` with static words and no redirection, None for any other."""
        commands = [c for c in node.named_children if c.type != "comment"]
        if len(commands) != 1 or commands[0].type != "command":
            return None
        argv: list[str] = []
        for child in commands[0].children:
            if child.type not in _WORDS:  # `$(A=1 echo x)`, `$(echo x > f)`
                return None
            target = (
                child.named_children[0]
                if child.type == "command_name" and child.named_child_count == 1
                else child
            )
            word = _word(target, self.source)
            if not word.static:  # `$(echo "$d")`: what `$d` holds, put in later (see `printed`)
                # echo's one word; printf's quoted argument, never its format (`printf %s $d`
                # prints each of its words: `/etc/sha dow` is `/etc/shadow`)
                printed = argv == ["echo"] or (
                    word.quoted and argv in (["printf", "%s"], ["printf", "%s\\n"])
                )
                name = _REFERENCE.fullmatch(word.value) if printed else None
                if name is None:
                    return None
                argv.append(f"${{{name[1] or name[2]}}}")
                continue
            if _GLOBS.search(word.value):
                return None
            argv.append(word.value)
        path = _printed_path(argv)
        return path.rstrip("\n") if path is not None else None  # as a substitution drops them

    def search_words(self, node: Any) -> list[Word]:
        """The words of the command `node`, the wrappers before its program dropped."""
        words = []
        for child in node.children:
            if child.type in _WORDS:
                target = (
                    child.named_children[0]
                    if child.type == "command_name" and child.named_child_count == 1
                    else child
                )
                words.append(_word(target, self.source))
        while words and words[0].static and words[0].value.rpartition("/")[2] in _PRINTER_WRAPPERS:
            words = _after_wrapper(words)
        return words

    def arithmetic(self, node: Any) -> None:
        """Record the variables the arithmetic `node` sets, each to a number written `$((A))`
        (not the expression: one that sets many names would repeat it in each)."""
        text = _text(node, self.source)
        if "=" in text or "++" in text or "--" in text:
            for name in arithmetic_assignments(text):
                self.assigned(node, name, Word(f"$(({name}))", static=False))

    def reads(self, node: Any, array: str = "") -> None:
        """Record the text of `node` as read by arithmetic here (see `Arithmetic`), the
        subscript of `array` when named."""
        text = _text(node, self.source)
        if text.strip():
            read = Arithmetic(text, static=False, array=array)
            self.assigned(node, "", read)

    def subscript(self, node: Any) -> None:
        """Record the index of the subscript `node` (`a[x]`) as read by arithmetic."""
        index = node.child_by_field_name("index")
        base = node.child_by_field_name("name")
        if index is not None:
            self.reads(index, _text(base, self.source) if base is not None else "")

    def substring(self, node: Any) -> None:
        """Record the offset and length of `${x:o:l}` as read by arithmetic (not `${x:-d}`,
        whose `:-` is one operator)."""
        for i, child in enumerate(node.children):
            if child.type == ":" and not child.is_named:
                rest = node.children[i + 1 : -1]
                if rest:
                    text = self.source[rest[0].start_byte : rest[-1].end_byte].decode("utf-8", "replace")
                    self.assigned(node, "", Arithmetic(text, static=False))
                return

    def arithmetic_command(self, node: Any, level: int, piped: bool, inherited: list[Redirect]) -> None:
        """Keep `((EXPR))` of plain names and numbers as the command `let EXPR`, which is what
        bash runs for it. Arithmetic is no command, as a `[[ ]]` test is, but in a script of
        nothing else, which would read as no command at all (as unparsed text does): there
        each is that `let`. One holding more (`((a[$y]))`) leaves such a script as it is."""
        if self.lets is None:
            return
        text = _text(node, self.source)
        if node.has_error or not _PLAIN_ARITHMETIC.fullmatch(text):
            self.lets = None
            return
        words = [Word("let"), Word(text[2:-2].strip())]
        let = RawCommand(words, text, list(inherited), piped, None, level - 1, maybe=self.maybe(node))
        self.lets.append(let)

    def assignment(self, node: Any, level: int) -> list[tuple[Any, int, bool, list[Redirect]]]:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        word = _word(value, self.source) if value is not None else Word("")
        dynamic = not word.static
        appends = name is not None and self.source[name.end_byte : name.end_byte + 1] == b"+"
        if value is not None and value.type == "array":  # `A=(x y)`: `$A` is `${A[0]}`
            items, indices = self.placed(value.named_children)
            word = Listed(word.value, static=False, items=items, array=True, appends=appends, indices=indices)
        elif appends:  # `A+=x`: joins the value A holds
            word = Listed(word.value, word.static, word.quoted, appends=True)
        elif value is not None and (known := self.printed(value, word)) is not word:
            word = known  # `A=$(realpath ~/.kube)`, `A="$(dirname ~/.kube/config)/x"`: what it prints
        elif value is not None and (printed := _substitution(value)) is not None:  # `A=$(find ~)`
            word = Listed(word.value, static=False, search=tuple(self.printer(printed)))
        # `local A=x` fails outside a function: where the script is a function's body read for a
        # call, the reader tells them apart
        parent = node.parent
        at, kind = node.start_byte, ""
        if parent is not None and parent.type == "declaration_command" and parent.child(0).type == "local":
            kind = "local" if not any(start <= at < end for start, end in self.defined) else ""
        if name is not None and name.type == "variable_name":
            self.assigned(node, _text(name, self.source), word, kind)
        elif name is not None and name.type == "subscript":  # `A[0]=x`: `$A` is `${A[0]}`
            base = name.child_by_field_name("name")
            index = name.child_by_field_name("index")
            if base is not None and base.type == "variable_name":
                # an element: no command name to put in as the variable's value
                subscript = _text(index, self.source) if index is not None else ""
                self.subscript(name)  # `a[x]=1`: the index is arithmetic
                entry = Listed(word.value, static=False, items=(word,), appends=appends, index=subscript)
                self.assigned(node, _text(base, self.source), entry, kind)
        pending: list[tuple[Any, int, bool, list[Redirect]]] = []
        if value is not None and dynamic:
            pending.append((value, level, False, []))
        if name is not None and name.type != "variable_name" and not _is_static(name):
            pending.append((name, level, False, []))  # `a[$(rm x)]=1` runs rm
        return pending

    def redirected(
        self, node: Any, level: int, piped: bool, inherited: list[Redirect]
    ) -> list[tuple[Any, int, bool, list[Redirect]]]:
        redirects = list(inherited)
        pending: list[tuple[Any, int, bool, list[Redirect]]] = []
        stdin: list[str] = []
        body = None
        for i, child in enumerate(node.children):
            if node.field_name_for_child(i) == "body":
                body = child
            elif child.is_named:
                pending.extend(self.redirect(child, level, redirects, stdin))
        if body is None:  # `> f`: no command, but the target is still truncated
            self.record_bare(redirects)
            return pending
        spill, self.spill = self.spill, []
        if body.type == "command":
            return self.command(body, level, piped, redirects, spill, stdin[-1] if stdin else None) + pending
        if body.type == "test_command":  # `[[ -f x ]] > f`: no command, f still truncated
            self.record_bare(redirects)
        if stdin:  # `a && b <<EOF`: b's; `{ a; b; } <<EOF`, `! b <<EOF`: any of theirs may read it
            last = _last_statement(body)
            for fed in [last] if last.type == "command" else _commands_within(last):
                self.feeds[fed.start_byte] = stdin[-1]  # an inner heredoc, walked later, wins
        return [(body, level, piped, redirects), *pending]

    def bare(
        self, node: Any, level: int, inherited: list[Redirect]
    ) -> list[tuple[Any, int, bool, list[Redirect]]]:
        redirects = list(inherited)
        pending = self.redirect(node, level, redirects, [])
        parent = node.parent
        if (
            parent is not None
            and parent.type == "command_substitution"
            and redirects[-1:]
            and redirects[-1].op == "<"
        ):
            # `$(< f)` prints f, as `$(cat f)` does
            text = _text(node, self.source)
            self.out.commands.append(
                RawCommand([Word("cat")], text, redirects, False, None, level, maybe=True)
            )
            return pending
        self.record_bare(redirects)
        return pending

    def record_bare(self, redirects: list[Redirect]) -> None:
        """Keep the files that redirections without a command write."""
        self.spill = []
        at = len(self.out.commands)
        self.out.bare_writes.extend((at, r.target) for r in redirects if r.writes)

    def redirect(
        self, node: Any, level: int, redirects: list[Redirect], stdin: list[str]
    ) -> list[tuple[Any, int, bool, list[Redirect]]]:
        """Record one redirection; return the nodes still to walk (substitutions, pipes)."""
        kind = node.type
        pending: list[tuple[Any, int, bool, list[Redirect]]] = []
        if kind == "file_redirect":
            op, target, descriptor = "", None, None
            for child in node.children:
                if not child.is_named:
                    op = child.type
                elif child.type == "file_descriptor":
                    descriptor = _text(child, self.source)
                elif target is None:
                    target = child
                elif child.type == "number" and _descriptor(child):
                    continue  # `cat <x 0<y`: the `0` is y's descriptor
                else:  # `echo a > f b`: tree-sitter-bash makes `b` a target; it is an arg
                    extra = _word(child, self.source)
                    self.spill.append(extra)
                    if not extra.static:
                        pending.append((child, level, False, []))
            if target is not None:
                word = _word(target, self.source)
                dynamic = not word.static
                if op == "<" and target.type == "process_substitution":  # `< <(find ~)`: what it prints
                    search = tuple(self.printer(target))
                    word = Listed(word.value, static=False, search=search, descriptor=descriptor)
                elif dynamic:  # `cat < "$(realpath ~/.kube)/config"`
                    word = self.printed(target, word)
                writes = op in _WRITE_OPS or (op == ">&" and target.type != "number" and word.value != "-")
                redirects.append(Redirect(op, word, writes, descriptor or ""))
                if dynamic:
                    pending.append((target, level, False, []))
        elif kind == "herestring_redirect":  # on any descriptor: `sh 3<<<x <&3` reads it too
            for child in node.named_children:
                if child.type == "file_descriptor":
                    continue
                word = _word(child, self.source)
                if not word.static:  # `xargs cat <<< $(echo /etc)/shadow`
                    pending.append((child, level, False, []))
                    word = self.printed(child, word)
                stdin.append(word.value)
        elif kind == "heredoc_redirect":  # on any descriptor, as above (`sh 3<<EOF /dev/fd/3`)
            quoted = _quoted_delimiter(node, self.source)
            if quoted and _misread_delimiter(node, self.source):
                self.out.error = self.out.error or "a heredoc ends where the parser does not see it end"
            for child in node.named_children:
                if child.type == "heredoc_body":
                    body = _text(child, self.source)
                    stdin.append(body if quoted or "\\" not in body else _HEREDOC_ESCAPE.sub(_unescape, body))
                    pending.append((child, level, False, []))
                elif child.type in ("file_redirect", "herestring_redirect"):
                    pending.extend(self.redirect(child, level, redirects, stdin))
                elif child.type == "pipeline":
                    pending.extend((c, level, True, []) for c in child.named_children)
                elif child.type not in _SKIP:
                    pending.append((child, level, False, []))
        else:
            pending.append((node, level, False, []))
        return pending

    def command(
        self,
        node: Any,
        level: int,
        piped: bool,
        inherited: list[Redirect],
        spill: list[Word] | None = None,
        feed: str | None = None,
    ) -> list[tuple[Any, int, bool, list[Redirect]]]:
        """Record the command `node`; `spill` are words and `feed` the stdin text that the
        redirections around it hold (`0<f cat`: `cat` is read as a target of `<`)."""
        words: list[Word] = []
        redirects = list(inherited)
        around: _Around | None = None  # the redirections of a group it runs (`time (...)`)
        groups: list[Any] = []
        stdin: list[str] = []
        pending: list[tuple[Any, int, bool, list[Redirect]]] = []
        env: tuple[str, ...] = ()
        end = -1  # where the last word of a declaration ends: a part right after it joins it
        for child in node.children:
            kind = child.type
            if kind in _WORDS:
                target = (
                    child.named_children[0]
                    if kind == "command_name" and child.named_child_count == 1
                    else child
                )
                if target.type == "number" and _descriptor(target):
                    continue
                word = _word(target, self.source)
                dynamic = not word.static
                if kind != "command_name" and dynamic:  # `cat $(find ~)`: the paths the search prints
                    word = self.listing(target, word)
                    if type(word) is Word:  # `cat "$(realpath ~/.kube)/config"`: what it prints
                        word = self.printed(target, word)
                if node.type != "command" and child.start_byte == end and len(words) > 1:
                    word = _joined_word(words.pop(), word)  # `export LD_PRE""LOAD=x`: one word
                elif target.type in _BRACED:  # `rm -rf {/,x}` removes `/` and `x`
                    expanded = self.braces(target, word)
                    if not expanded:  # `{,}`: no word at all
                        end = child.end_byte
                        continue
                    *before, word = expanded
                    words.extend(before)
                words.append(word)
                end = child.end_byte
                if dynamic:
                    pending.append((target, level, False, []))
            elif kind in ("export", "local", "declare", "readonly", "typeset", "unset"):
                words.append(Word(kind))
            elif kind == "variable_assignment":
                if node.type != "command":  # `export A=1`: A is set for what follows
                    word = _assignment_word(child, self.source)
                    if child.start_byte == end and len(words) > 1:
                        word = _joined_word(words.pop(), word)
                    words.append(word)
                    end = child.end_byte
                    pending.append((child, level, False, []))
                else:  # `A=1 cmd`: A is in cmd's environment only
                    static = _is_static(child)
                    env += (_env_entry(child, self.source, static),)
                    if not static:  # `A=$(x) cmd`: walk $(x)
                        pending.extend((c, level, False, []) for c in child.named_children)
            elif kind.endswith("_redirect"):
                pending.extend(self.redirect(child, level, redirects, stdin))
                words.extend(self.spill)
                self.spill = []
            elif kind in ("subshell", "compound_statement"):  # `time (a && b) < f`: the group
                around = around if around is not None else _Around()  # runs with its stdin
                pending.append((child, level, piped, around))
                groups.append(child)
            elif child.is_named and kind not in _SKIP:
                pending.append((child, level, False, []))
        if words and words[0].value in ("time", "{", "}"):
            words = _group_words(words, _text(node, self.source))
        if around is not None:
            around.extend(redirects)  # those after the group too
        if spill:
            words.extend(spill)
        if feed is None and self.feeds:
            feed = self.feeds.pop(node.start_byte, None)
        if feed is None and stdin:
            feed = stdin[-1]
        if feed is not None:  # `time (xargs cat) <<EOF`: the heredoc the group's commands read
            for group in groups:
                for fed in _commands_within(group):
                    self.feeds[fed.start_byte] = feed
        if words:
            text = _text(node, self.source)
            maybe = self.maybe(node)
            self.out.commands.append(RawCommand(words, text, redirects, piped, feed, level, env, maybe))
        elif redirects:  # `0>f` (the `0` is the descriptor) or `A=1 >f`: f is still truncated
            self.record_bare(redirects)
        return pending


def _after_wrapper(words: list[Word]) -> list[Word]:
    """The words of the command the wrapper `words[0]` runs: past its options (with their
    values), assignments (`env A=1`) and a leading number (`timeout 5`, `nice -5`)."""
    from ._programs import WRAPPER_VALUE_OPTIONS, WRAPPERS_WITH_POSITIONAL

    program = words[0].value.rpartition("/")[2]
    values = WRAPPER_VALUE_OPTIONS.get(program, frozenset())
    i = 1
    while i < len(words) and words[i].static:
        a = words[i].value
        if a == "--":
            i += 1
            break
        if a.startswith("-") and len(a) > 1:
            name = a[2:].partition("=")[0] if a.startswith("--") else a[-1]
            i += 2 if name in values and "=" not in a and not a[1:].isdigit() else 1
        elif "=" in a and program in ("env", "sudo"):
            i += 1
        else:
            break
    return words[i + WRAPPERS_WITH_POSITIONAL.get(program, 0) :]


def arithmetic_assignments(text: str) -> list[str]:
    """The names of the variables the arithmetic `text` assigns (`A=1`, `A+=2`, `A++`)."""
    return [m[1] or m[2] for m in _ARITHMETIC_ASSIGNMENT.finditer(text)]


def _printed_path(argv: list[str]) -> str | None:
    """What the command `argv` prints when it only prints a path its words name, None for any
    other: `echo` (`-n`, no other option, no backslash), `printf` of a text with no `%` or
    backslash, or of `%s` and one word, `dirname` and `basename` of one path, as text, and
    `realpath` or `readlink -f` (`-e`, `-m`) of an absolute path or one in the home,
    normalised (a symlink is read as where it lies, as any path is); `dirs +N` (`-l`) as `~N`."""
    program, args = argv[0], argv[1:]
    if program == "dirs":  # `dirs -l +1`: an entry of the stack, as `~1` names it
        entries = [a for a in args if a != "-l"]
        if len(entries) == 1 and _STACK_ENTRY.fullmatch(entries[0]):
            return "~" + entries[0].lstrip("+")
        return None
    if program == "echo":
        if args[:1] == ["-n"] or args[:1] == ["-E"]:
            args = args[1:]
        return None if any(a[:1] == "-" or "\\" in a for a in args) else " ".join(args)
    if program == "printf":
        if len(args) == 1 and "%" not in args[0] and "\\" not in args[0] and args[0][:1] != "-":
            return args[0]
        return args[1] if len(args) == 2 and args[0] in ("%s", "%s\\n") else None
    options = [a for a in args if a[:1] == "-" and a != "-"]
    operands = [a for a in args if a[:1] != "-" or a == "-"]
    if len(operands) != 1 or not operands[0] or operands[0] == "-":
        return None
    path = operands[0]
    if path[:1] == "~" and path[:2] != "~/" and path != "~":
        return None  # `~root/x`: a home not known here
    if program in ("dirname", "basename") and not options:
        if path.rstrip("/") == "~":
            return None  # `dirname ~`: the home's parent, not known here
        stripped = path.rstrip("/")
        if not stripped:
            return "/"
        head, _, tail = stripped.rpartition("/")
        if program == "basename":
            return tail
        return (head.rstrip("/") or "/") if "/" in stripped else "."
    allowed = _CANONICAL_OPTIONS.get(program)
    if (
        allowed is None
        or not set(options) <= allowed
        or (program == "readlink" and not set(options) & _CANONICAL)
    ):
        return None
    if path[:1] != "/" and path != "~" and path[:2] != "~/":  # from the cwd: not as written
        return None
    normal = posixpath.normpath(path)
    if normal[:2] == "//":  # kept by `normpath`, as POSIX allows; `realpath //etc` prints `/etc`
        normal = "/" + normal.lstrip("/")
    return normal if normal[:1] in ("/", "~") else None  # `~/..` is no home


_PRINTS_PATH = re.compile(
    r"\$\(\s*(?:echo|printf|dirname|basename|realpath|readlink|dirs)\s"
    r"|`\s*(?:echo|printf|dirname|basename|realpath|readlink|dirs)\s"
)
"""A command substitution that may print a path (`_printed_path`): the words that are read
for one."""
_STACK_ENTRY = re.compile(r"[+-][0-9]+")
"""`dirs`'s argument that picks one entry of the directory stack (`+1`, `-0`)."""
_REFERENCE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
"""A word that is one variable's value (`$d`, `"${d}"`), which `echo` prints as it is."""
_PUT_IN = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
"""A variable's value in a printed path, put in when the word is read (`$(echo $d)/x`)."""
_SPLITS = re.compile(r"[\s*?\[(]")
"""What makes an unquoted substitution's text split into words or match files (`(`: an
extended pattern, `+(x)`, when `extglob` is on)."""
_QUOTING = re.compile(r"[$`\\'\"]")
"""What a printed path would add to a word's source text as syntax, not text."""
_GLOBS = re.compile(r"[*?\[{]")
"""What may make an unquoted word several (a pattern, a brace expansion)."""
_CANONICAL = frozenset(
    {"-f", "-e", "-m", "--canonicalize", "--canonicalize-existing", "--canonicalize-missing"}
)
"""The options of `readlink` that print the path made canonical, as `realpath` does."""
_CANONICAL_OPTIONS = {
    "realpath": frozenset(
        {
            "-e",
            "-m",
            "-s",
            "-q",
            "-L",
            "-P",
            "--canonicalize-existing",
            "--canonicalize-missing",
            "--strip",
            "--no-symlinks",
            "--quiet",
            "--logical",
            "--physical",
        }
    ),
    "readlink": _CANONICAL | {"-n", "-q", "-s", "-v", "--no-newline", "--quiet", "--silent", "--verbose"},
}
"""The options of `realpath` and `readlink` that leave the path they print as written, made
canonical: some say whether it must exist (`-e`: if not, nothing is printed, read as the
path) or how symlinks resolve (read where the path lies, as any path is)."""


def _substitution(value: Any) -> Any:
    """The command substitution that is the whole value `value` (`$(x)`, `"$(x)"`), or None."""
    if value.type == "string" and value.named_child_count == 1:
        value = value.named_children[0]
    return value if value.type == "command_substitution" else None


def _last_statement(node: Any) -> Any:
    """The last statement of a list or pipeline, through nested ones (`a && b | c`: `c`)."""
    while node.type in ("list", "pipeline"):
        stmts = [c for c in node.named_children if c.type != "comment"]
        if not stmts:
            break
        node = stmts[-1]
    return node


def _chain(node: Any) -> tuple[list[Any], list[str]]:
    """The operands of the list `node` (`a && b || c`), through the lists tree-sitter-bash
    nests leftwards, and the operator before each (`""` before the first)."""
    rights: list[tuple[str, Any]] = []
    first: Any = node
    while first is not None and first.type == "list":
        stmts = [c for c in first.named_children if c.type != "comment"]
        operator = next((c.type for c in first.children if c.type in ("&&", "||")), "&&")
        if len(stmts) != 2:  # not the shape of a list: its statements, each after `&&`
            later = stmts[1:]
            later.reverse()
            rights.extend((operator, stmt) for stmt in later)
            first = stmts[0] if stmts else None
            break
        rights.append((operator, stmts[1]))
        first = stmts[0]
    operands: list[Any] = [] if first is None else [first]
    operators: list[str] = [] if first is None else [""]
    rights.reverse()
    for operator, stmt in rights:
        operands.append(stmt)
        operators.append(operator)
    return operands, operators


def _runs(names: frozenset[str], node: Any, source: bytes) -> bool:
    """Whether the statement `node` is, or ends with, a command of one of `names`: a plain
    command (`"cd" x`, `builtin cd x`, `A=1 cd x`), with redirects around it, or last in a
    group that does not run it in the background (`{ echo; exit 1; }`)."""
    while node.type in ("redirected_statement", "compound_statement"):
        if node.type == "redirected_statement":
            node = node.child_by_field_name("body")
        elif source.startswith(b"((", node.start_byte):  # `((x))`
            return False
        else:
            children = [c for c in node.children if c.type != "comment"]
            last = max((i for i, c in enumerate(children) if c.is_named), default=None)
            if last is None or (last + 1 < len(children) and children[last + 1].type == "&"):  # `{ exit & }`
                return False
            node = children[last]
        if node is None:
            return False
    if node.type != "command":
        return False
    name = node.child_by_field_name("name")
    if name is None:
        return False
    text = _text(name, source)
    if text in names or not (text in RUNNERS or "'" in text or '"' in text or "\\" in text):
        return text in names  # the common case: a plain name (`ls`, `cd`)
    words = [name, *node.children_by_field_name("argument")]
    values = [
        _word(
            w.named_children[0] if w.type == "command_name" and w.named_child_count == 1 else w, source
        ).value
        for w in words[:6]
    ]
    return runs_builtin(values, names)


def _group_words(words: list[Word], text: str) -> list[Word]:
    """The words of a command that tree-sitter-bash made of a group's braces after `time` or
    `!` (`time { make; }` is read as the command `time { make` and the command `}`): without
    the `{` that opens it, none for the lone `}` that closes it."""
    if text.strip() == "}" and len(words) == 1:
        return []
    if _TIMED_GROUP.match(text) is None:
        return words
    at = next((i for i, w in enumerate(words) if w.value == "{" and w.static), None)
    return words if at is None else words[:at] + words[at + 1 :]


_TIMED_GROUP = re.compile(r"(?:time(?:\s+-p)?(?:\s+--)?\s+)?\{\s")
"""A command that opens a group with `{` after `time` (`-p`, `--`), or alone (after `!`)."""
_HERE = "__REMIT_HERE_STRING__"
"""The delimiter of the heredoc that stands for a here-string after a function's body."""


@mypyc_attr(native_class=False)  # compiled, a class cannot inherit from list
class _Around(list):  # type: ignore[type-arg]
    """The redirections of a group, a subshell or a loop (`{ a && b; } < f`), which every
    command in it has; those around a list are its last command's (`a && b > f`, as
    tree-sitter-bash puts them around the whole list)."""


def _piped_part(node: Any) -> Any | None:
    """The statement of the first part of a pipeline that the pipe reads: tree-sitter-bash
    reads `a 2>&1 && b | c` as `(a 2>&1 && b) | c`, bash as `a 2>&1 && (b | c)`."""
    while node.type in ("list", "redirected_statement", "pipeline"):
        if node.type == "pipeline":  # `a && b <f | c <f | d`: marked where it is walked
            return None
        if node.type == "list":
            stmts = [c for c in node.named_children if c.type != "comment"]
            if not stmts:
                break
            node = stmts[-1]
        else:
            body = node.child_by_field_name("body")
            if body is None:
                break
            node = body
    return node


def _commands_within(node: Any) -> list[Any]:
    """The commands of a compound statement (`{ }`, `( )`, `if`, `while`, `!`...) that a
    heredoc around it may feed, not those of substitutions, nor those of a pipeline but its
    first part, whose stdin is the pipe (`while c; do curl URL | bash; done <<< ls`: bash reads
    the download); at most `MAX_COMMANDS`."""
    found: list[Any] = []
    stack = [node]
    while stack and len(found) < MAX_COMMANDS:
        current = stack.pop()
        if current.type == "command":
            found.append(current)
        elif current.type == "pipeline":
            stack.extend(c for c in current.named_children[:1] if c.type != "comment")
        elif current.type not in _OWN_INPUT:
            stack.extend(reversed(current.named_children))
    return found


def _misread_delimiter(node: Any, source: bytes) -> bool:
    """Whether bash ends the heredoc `node` before tree-sitter-bash does: a delimiter quoted
    in part (`E'O'F`, `$'EOF'`) is the word without its quotes for bash, the raw text for the
    parser, which then reads the lines after bash's end as the body."""
    start = next((c for c in node.children if c.type == "heredoc_start"), None)
    body = next((c for c in node.named_children if c.type == "heredoc_body"), None)
    if start is None or body is None:
        return False
    raw = _text(start, source)
    word = _DELIMITER_QUOTES.sub(lambda m: m[1] or m[2] or m[3] or "", raw)
    if word == raw:
        return False
    tabs = any(c.type == "<<-" for c in node.children)
    return any((line.lstrip("\t") if tabs else line) == word for line in _text(body, source).split("\n"))


def _quoted_delimiter(node: Any, source: bytes) -> bool:
    """Whether the heredoc `node` has a quoted delimiter (`<<'EOF'`, `<<\\EOF`): its body is
    then taken as written, else bash reads its backslashes and expansions first."""
    starts = (_text(c, source) for c in node.children if c.type == "heredoc_start")
    return any(_QUOTED_DELIMITER.search(start) for start in starts)


def _unescape(found: re.Match[str]) -> str:
    return "" if found[1] == "\n" else found[1]


def _descriptor(node: Any) -> bool:
    """Whether the `number` `node` is the file descriptor of the redirection right after it.

    tree-sitter-bash reads the `0` of `cat 0<f` (and of `0>f`, `0<<<s`) as a word of the
    command and the redirection as having no descriptor; bash reads `0<f`, digits touching
    the operator, as one redirection of descriptor 0. The redirection may be the next node
    of an enclosing one (`cat 0<f`: the command ends with the `0`, the redirection follows).
    """
    end = node.end_byte
    while node is not None and node.end_byte == end:
        after = node.next_sibling
        if after is not None:
            return after.type in _REDIRECTS and after.start_byte == end
        node = node.parent
    return False


def _assignment_word(node: Any, source: bytes) -> Word:
    """`A="x y"` as the word `A=x y` (quotes removed like any other word)."""
    name = node.child_by_field_name("name")
    value = node.child_by_field_name("value")
    if name is None:
        return Word(_text(node, source), static=_is_static(node))
    word = _word(value, source) if value is not None else Word("")
    return Word(f"{_text(name, source)}={word.value}", word.static, word.quoted)


def _joined_word(first: Word, second: Word) -> Word:
    """Two parts tree-sitter-bash splits in a declaration with nothing between them
    (`export LD_PRE""LOAD=x`), as the one word bash reads."""
    return Word(first.value + second.value, first.static and second.static, first.quoted or second.quoted)


def _env_entry(node: Any, source: bytes, static: bool) -> str:
    """The assignment `node` before a command as `NAME=value` (or `NAME+=value`), quotes
    removed; as written when it is not static (`A="$X"`), which still starts with its name."""
    text = _text(node, source)
    if not static or not ("'" in text or '"' in text or "\\" in text):
        return text  # `A=1`: a static value without quotes or escapes is as written
    name = node.child_by_field_name("name")
    if name is None:
        return text
    value = node.child_by_field_name("value")
    op = "+=" if source[name.end_byte : name.end_byte + 1] == b"+" else "="
    return f"{_text(name, source)}{op}{_word(value, source).value if value is not None else ''}"


def _is_static(node: Any) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in _DYNAMIC:
            return False
        stack.extend(n.named_children)
    return True


_BRACED = frozenset({"concatenation", "brace_expression"})


def _braced(node: Any, source: bytes) -> bool:
    """Whether bash brace-expands the word `node`: a sequence (`{1..3}`, `f{1..3}.txt`), or
    plain text (no quote, escape or expansion) with a group (`{/,x}`, `~/{a,b}c`), which
    tree-sitter-bash reads as parts, its braces parts of their own. A quoted or escaped brace
    (`'{a,b}'`, `\\{a,b}`) is text, and a word with an expansion is not static."""
    if node.type == "brace_expression":
        return True
    parts = node.named_children
    if not all(p.type in _BRACED_PARTS for p in parts):
        return False
    texts = [_text(p, source) for p in parts]
    if any("\\" in t for t in texts):
        return False
    if "{" in texts and "}" in texts[texts.index("{") :]:
        return True
    return any(p.type == "brace_expression" for p in parts)


_BRACED_PARTS = frozenset({"word", "brace_expression"})


_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_ENDS_WITH_NAME = re.compile(r"(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)$")
"""An expansion of a name at the end of a part of a word, which the next part, quoted or
escaped, would lengthen once the quotes are off: written `${NAME}`."""


def _word(node: Any, source: bytes) -> Word:
    """The value of one word node: static text with quotes and escapes removed, or source."""
    kind = node.type
    text = _text(node, source)
    if kind == "word":
        return Word(_ESCAPE.sub(r"\1", text.replace("\\\n", "")) if "\\" in text else text)
    if kind == "raw_string":
        return Word(text[1:-1])
    if kind in ("string", "translated_string"):
        inner = text[2:-1] if kind == "translated_string" else text[1:-1]
        if not _is_static(node):  # `"$HOME/x"` reads as `$HOME/x`: quotes off, not static
            return Word(inner, static=False, quoted=True)
        return Word(_DQ_ESCAPE.sub(lambda m: "" if m[1] == "\n" else m[1], inner))
    if kind == "ansi_c_string":
        return Word(_ansi_c(text[2:-1]))
    if kind == "concatenation":
        parts = [_word(c, source) for c in node.named_children]
        values = [p.value for p in parts]
        for k in range(len(parts) - 1):  # `$f'w'`, `"$f"w` are `${f}w`, not `$fw`
            if not parts[k].static and values[k + 1][:1] in _NAME_CHARS:
                values[k] = _ENDS_WITH_NAME.sub(r"${\1}", values[k])
        joined = "".join(values)
        return Word(joined) if all(p.static for p in parts) else Word(joined, static=False)
    if kind in _DYNAMIC:
        return Word(text, static=False)
    if not node.named_child_count:  # a leaf (`number`...): static, as its kind is not dynamic
        return Word(text)
    return Word(text, static=_is_static(node))


def _ansi_c(body: str) -> str:
    try:
        return codecs.decode(body.encode("latin-1", "backslashreplace"), "unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return body
