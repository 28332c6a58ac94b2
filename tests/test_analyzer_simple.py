"""`parse_simple` (no tree-sitter) gives exactly what `parse_bash` gives, wherever it answers.

Checked on every shell command of ../shared/corpora, of benchmarks/calls.py, of the evasion
suite and of the shell cases, and on generated text built from the words, quotes,
separators, redirections and keywords the fast parser reads plus the near misses that
tree-sitter-bash reads its own way.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from benchmarks.calls import BASH
from remit.analyzers._bash import Parsed, parse_bash
from remit.analyzers._simple import MAX_SIMPLE_CHARS, parse_simple
from remit.analyzers.shell import ARGV_TOOLS, _command_text, analyse
from tests.conftest import DATA, patches_analyzers
from tests.test_analyzer_corpus import CORPORA, all_shell_calls


def _texts_of(node: Any) -> list[str]:
    """Every `command:` string in a YAML document."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "command" and isinstance(v, str)] + [
            t for k, v in node.items() if k != "command" for t in _texts_of(v)
        ]
    if isinstance(node, list):
        return [t for v in node for t in _texts_of(v)]
    return []


def _suite_commands() -> list[str]:
    out = list(BASH)
    out += _texts_of(yaml.safe_load((DATA / "evasion.yaml").read_text("utf-8")))
    out += _texts_of(yaml.safe_load((DATA / "analyzers" / "shell_cases.yaml").read_text("utf-8")))
    out += _texts_of(yaml.safe_load((DATA / "analyzers" / "path_cases.yaml").read_text("utf-8")))
    return out


def _corpus_commands() -> list[str]:
    texts = (_command_text(args, cwd, tool in ARGV_TOOLS)[0] for _, tool, args, cwd in all_shell_calls())
    return [t for t in texts if t is not None]


def _assert_same(text: str, depth: int = 0) -> bool:
    """True if the fast parser took `text`; fails if it disagrees with tree-sitter."""
    fast = parse_simple(text, depth)
    if fast is None:
        return False
    assert fast == parse_bash(text, depth), text
    return True


def test_suites_parse_the_same() -> None:
    commands = _suite_commands()
    taken = [c for c in commands if _assert_same(c) | _assert_same(c, 3)]
    assert len(commands) > 300
    assert len(taken) > len(commands) / 4  # the fast parser is really exercised


@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"shared corpora not found at {CORPORA}")
def test_corpus_commands_parse_the_same() -> None:
    commands = _corpus_commands()
    taken = [c for c in commands if _assert_same(c)]
    assert len(commands) > 1000
    assert len(taken) > len(commands) / 2


_COMMAND_FIELDS = ("argv", "static", "text", "redirects", "reads_from", "wrappers", "dynamic", "piped")
_COMMAND_FIELDS += ("depth", "cwd", "stdin", "fills", "runs_input", "env")


def _facts(text: str) -> tuple[Any, ...]:
    facts = analyse(text, "/w")
    commands = [[getattr(c, name) for name in _COMMAND_FIELDS] for c in facts.commands]
    return commands, facts.error, facts.substitutions, facts.bare_writes


@patches_analyzers
def test_facts_are_the_same_without_the_fast_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    # Scripts of `bash -c`, `su -c`, `ssh`... are parsed one level down by the same parsers.
    commands = [*_suite_commands(), "bash -c 'git status 2>&1 | tail -5'", 'sh -c "rm -rf b && ls" > log']
    commands += ["env A=1 bash -c 'git status | tail -5'", "A=1 sh -c 'B=2 ls; ls'", "export A=1; ls"]
    commands += _DESCRIPTORS
    fast = [_facts(c) for c in commands]
    monkeypatch.setattr("remit.analyzers._unwrap.parse_simple", lambda source, depth: None)
    assert [_facts(c) for c in commands] == fast


_COMMON = [
    "git status",
    "git status 2>&1 | tail -5",
    'git add -A && git commit -m "fix: it\'s done"',
    "nl -ba f.py | sed -n '510,530p'",
    "python -m pytest tests/ -q >/dev/null 2>&1 || echo failed; ls",
    "make -C build &> log.txt",
    "cat < in.txt >> out.txt",
    "cd /home/me/proj && npm test 2>&1 | tail -20",
    "cd build && make 2>&1",
    "cd x && a | b | c; d",
    "cd x && a >f && b",
    "pushd x && a | b && c",
]
_DESCRIPTORS = ["cmd 1>out", "cmd 2>err", "cmd 3<x", "cat 2<x", "cmd 9>>f", "cmd 1>out 2>err 0<in"]
"""Redirections with a descriptor; the fast parser takes those from 1 to 9, `0<` is left to the
walker, which takes the `0` back from tree-sitter-bash (it reads `0<in` as a word `0`)."""


@pytest.mark.parametrize("text", _COMMON)
def test_common_lines_take_the_fast_path(text: str) -> None:
    assert _assert_same(text) and _assert_same(text, 2)


@pytest.mark.parametrize("text", _DESCRIPTORS)
def test_descriptors_other_than_0_are_not_stdin(text: str) -> None:
    _assert_same(text)
    (cmd,) = analyse(text, "/w").commands
    assert cmd.args == [] and cmd.stdin is None
    assert cmd.reads_from == [w.partition("<")[2] for w in text.split()[1:] if "<" in w]
    assert cmd.redirects == [w.partition(">")[2].lstrip(">") for w in text.split()[1:] if ">" in w]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a;",
        "a |",
        "if x",
        "for1 x; in.x y",
        "cat 0<f",
        "cmd 0<<EOF\nx\nEOF",
        "r\\\nm -rf ~",
        "cat - 2>f",
        "a == b",
        "echo $HOME",
        "echo `id`",
        "ls *.py",
        "ls {a,b}",
        "cat <<EOF\nx\nEOF",
        "A=1 cmd",
        "a\\ b",
        "echo 'a\nb'",
        "a # comment",
        "git status\n",
        "a\nb",
        "a & b",
        "a |& b",
        "a | b | c && d",  # tree-sitter-bash: `a | b | (c && d)`
        "cd x && a 2>&1 | b | c || e",
        "x" * (MAX_SIMPLE_CHARS + 1),
    ],
)
def test_other_lines_go_to_tree_sitter(text: str) -> None:
    assert parse_simple(text) is None


_TOKENS = [
    # what the fast parser reads
    "git", "status", "-la", "--x=1", "a=b", "x=", "f.txt", "/dev/null", "~", "~/x", "HEAD~1",
    "a:b", "@a", "%s", "+x", ",", ".", "..", "^x", "-", "--", "-x", "a-", "5", "-5", "1.5",
    "'a b'", "'x'", "''", '""', '"q r"', '"a!b"', "a'b'c", "'a'\"b\"", "a\"b'c\"d", "'a\rb'",
    "'é'", "'\U0001f600{'", "|", "||", "&&", ";", ">", ">>", "<", "&>", "&>>", "2>", "2>>",
    "1<", "9>", "2>&1", ">&2", "1>&2", ">&10", "2>&00",
    # near misses: keywords, operators and characters tree-sitter-bash reads its own way
    "if", "then", "elif", "else", "fi", "case", "in", "esac", "for", "select", "while",
    "until", "do", "done", "function", "declare", "typeset", "export", "local", "readonly",
    "unset", "unsetenv", "time", "coproc", "let", "eval", "test", "source", "exec", "for1",
    "do_x", "in-x", "fi.x", "done%", "==", "=~", "=", "=x", "a==b", "x=~", "0<", "0>", "3<",
    "1>&-", "'", '"', "!", "#", "a#b", "[", "]", "{", "}", "*.py", "a?", "$X", "\\", "&",
    "é", "\U0001f600",
    # the moves the walker marks as branches (`cd x; b`, `cd x || b`, `cd x && b || c`)
    "cd", "pushd", "popd", "dirs", "exit",
]  # fmt: skip
_GAPS = ["", " ", " ", "  ", "\t"]
_LINES = st.lists(st.tuples(st.sampled_from(_TOKENS), st.sampled_from(_GAPS)), min_size=1, max_size=14).map(
    lambda parts: "".join(token + gap for token, gap in parts)
)


@settings(max_examples=3000, deadline=None)
@given(_LINES, st.sampled_from([0, 1]))
@example("cat - 2>f", 0)
@example("f.txt - 2>x=", 0)
@example("install 0<f >&2", 0)
@example("cd x && rm y || true && ls", 0)
@example("cd x && a >f && b", 0)
@example("cd x && a 2>&1 | b && c", 0)
@example("cd x && a | b >f; c", 1)
@example("a >f | b | c || d", 0)
def test_generated_lines_parse_the_same(text: str, depth: int) -> None:
    _assert_same(text, depth)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab-=.~@%'\" \t|&;<>12", max_size=40))
def test_generated_text_parses_the_same(text: str) -> None:
    _assert_same(text)


def test_every_character_in_quotes_parses_the_same() -> None:
    # NUL and lone surrogates come out of tree-sitter changed: they must go to tree-sitter.
    taken = 0
    for code in [*range(0x10000), *range(0x10000, 0x110000, 251)]:
        char = chr(code)
        taken += _assert_same(f"echo 'a{char}' \"{char}b\" 2>'{char}'")
    # all but the surrogates and \n NUL ' " $ ` \\ (which end a quote or need tree-sitter)
    assert taken == 0x10000 - 0x800 - 7 + len(range(0x10000, 0x110000, 251))


def test_a_parse_is_a_fresh_value() -> None:
    first = parse_simple("git status")
    assert isinstance(first, Parsed) and first is not parse_simple("git status")
