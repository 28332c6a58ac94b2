"""The CEL compiler: semantics (table in data/cel/cases.yaml), diagnostics, identifiers,
member functions on CelObjects, and the fast/careful split."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
import yaml

from remit import celrt
from remit.celc import compile_expr
from remit.celexpr import CompiledExpr
from remit.celrt import CelError, CelObject, UInt
from remit.diagnostics import Span
from remit.errors import PolicyError

SPAN = Span("policy.yaml", 10, 7)
CASES = yaml.safe_load((Path(__file__).parent / "data" / "cel" / "cases.yaml").read_text("utf-8"))
CASE_NAMES = {"x", "y"}


def same(x: Any, y: Any) -> bool:
    """Equal and of the same kind, recursively (True is not 1, 1 is not 1.0)."""
    if type(x) is not type(y):
        return False
    if isinstance(x, float) and math.isnan(x):
        return math.isnan(y)
    if isinstance(x, list):
        return len(x) == len(y) and all(same(a, b) for a, b in zip(x, y, strict=True))
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    return bool(x == y)


def expected(case: dict[str, Any]) -> Any:
    """The value a case expects, of the kind it names."""
    if "int" in case:
        return int(case["int"])
    if "uint" in case:
        return UInt(case["uint"])
    if "double" in case:
        return float(case["double"])
    if "bytes" in case:
        return str(case["bytes"]).encode("utf-8")
    if "bytes_hex" in case:
        return bytes.fromhex(case["bytes_hex"])
    value = case["value"]
    if isinstance(value, str) and value in celrt.TYPES and case["expr"].startswith(("int", "type")):
        return celrt.TYPES[value]
    return value


def evaluate(text: str, names: set[str] | None = None, **inputs: Any) -> Any:
    """Compile `text` and run it on `inputs`."""
    declared = set(inputs) | (names or set())
    act = SimpleNamespace(**{n: inputs.get(n) for n in declared})
    return compile_expr(text, names=declared, span=SPAN).fn(act)


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] for c in CASES])
def test_semantics(case: dict[str, Any]) -> None:
    inputs = case.get("input", {})
    if case.get("error"):
        with pytest.raises(CelError):
            evaluate(case["expr"], CASE_NAMES, **inputs)
        return
    got = evaluate(case["expr"], CASE_NAMES, **inputs)
    assert same(got, expected(case)), (got, expected(case))


# ---- the compiled object -----------------------------------------------------------------


def test_compiled_expression_reports_names_fields_and_source() -> None:
    c = compile_expr(
        'tool == "Bash" && args.command.startsWith("git") && ctx.a.b > 1',
        names={"tool", "args", "ctx", "risk"},
        span=SPAN,
    )
    assert isinstance(c, CompiledExpr)
    assert c.names == {"tool", "args", "ctx"}
    assert c.fields == {("args", "command"), ("ctx", "a", "b")}
    assert "def fn(a):" in c.python
    assert c.constant is celrt.NOT_CONSTANT
    act = SimpleNamespace(tool="Bash", args={"command": "git log"}, ctx={"a": {"b": 2}})
    assert c.fn(act) is True


def test_constant_expressions_are_folded() -> None:
    assert compile_expr("true", names=set(), span=SPAN).constant is True
    assert compile_expr("1 + 2", names=set(), span=SPAN).constant == 3
    assert compile_expr("[1, 2].map(v, v * 2)", names=set(), span=SPAN).constant == [2, 4]
    erring = compile_expr("1 / 0", names=set(), span=SPAN)
    assert erring.constant is celrt.NOT_CONSTANT
    with pytest.raises(CelError):
        erring.fn(None)


def test_only_needed_attributes_are_read() -> None:
    class Lazy:
        """An activation that records what it is asked for."""

        def __init__(self) -> None:
            self.read: list[str] = []

        def __getattr__(self, name: str) -> Any:
            self.read.append(name)
            return {"tool": "Read", "shell": {"commands": []}}[name]

    act = Lazy()
    c = compile_expr('tool == "Bash" && shell.commands.size() > 0', names={"tool", "shell"}, span=SPAN)
    assert c.fn(act) is False
    assert act.read == ["tool"]


def test_field_paths_include_constant_indexes_and_has() -> None:
    c = compile_expr(
        'has(path.sensitive) || args["file_path"].endsWith(".env")', names={"path", "args"}, span=SPAN
    )
    assert c.fields == {("path", "sensitive"), ("args", "file_path")}


def test_comprehension_variables_are_not_names() -> None:
    c = compile_expr("xs.exists(x, x.p == 1)", names={"xs", "x"}, span=SPAN)
    assert c.names == {"xs"}
    assert c.fields == set()


def test_keyword_names_are_read_by_getattr() -> None:
    c = compile_expr("lambda + 1", names={"lambda"}, span=SPAN)
    assert c.fn(SimpleNamespace(**{"lambda": 2})) == 3


# ---- diagnostics -------------------------------------------------------------------------


def diagnostics(text: str, names: set[str] | None = None) -> list[tuple[str, int, int]]:
    """(code, line, column) of each diagnostic compiling `text` at SPAN."""
    with pytest.raises(PolicyError) as info:
        compile_expr(text, names=names if names is not None else {"tool", "args"}, span=SPAN)
    return [(d.code, d.span.line, d.span.column) for d in info.value.diagnostics]


def test_syntax_error_points_at_the_token() -> None:
    assert diagnostics("tool == ") == [("cel.syntax", 10, 15)]
    assert diagnostics("tool == )") == [("cel.syntax", 10, 15)]


def test_syntax_error_on_a_later_line() -> None:
    assert diagnostics('tool == "a" &&\n  args.x ==== 1') == [("cel.syntax", 11, 12)]


def test_undeclared_identifier_with_hint() -> None:
    with pytest.raises(PolicyError) as info:
        compile_expr('tol == "Bash"', names={"tool", "args"}, span=SPAN)
    (d,) = info.value.diagnostics
    assert (d.code, d.span.line, d.span.column) == ("cel.undeclared_identifier", 10, 7)
    assert d.message == "undeclared identifier `tol`"
    assert d.hint == "did you mean `tool`?"


def test_all_diagnostics_are_reported_in_order() -> None:
    text = 'risk > 3 &&\n  args.x.frob(1) && nope(2) && size(1, 2) && "a".matches("(")'
    assert diagnostics(text) == [
        ("cel.undeclared_identifier", 10, 7),
        ("cel.unknown_function", 11, 21),
        ("cel.wrong_arity", 11, 32),
        ("cel.bad_regex", 11, 58),
    ]


def test_message_construction_is_unsupported() -> None:
    assert diagnostics("Msg{a: 1}", names={"Msg"}) == [("cel.unsupported", 10, 7)]


def test_macro_arity_and_variable() -> None:
    assert diagnostics("args.all(x)") == [("cel.wrong_arity", 10, 12)]
    assert diagnostics("args.all(1, true)") == [("cel.syntax", 10, 16)]


def test_member_only_functions_are_unknown_as_globals() -> None:
    assert diagnostics('startsWith("a", "b")') == [("cel.unknown_function", 10, 7)]


def test_bad_literals() -> None:
    assert diagnostics("99999999999999999999") == [("cel.syntax", 10, 7)]
    assert diagnostics(r'"\q"') == [("cel.syntax", 10, 7)]


def test_type_names_are_always_allowed() -> None:
    assert evaluate("type(tool) == string", tool="x") is True


def test_diagnostic_messages_follow_the_style() -> None:
    with pytest.raises(PolicyError) as info:
        compile_expr("nope(1) || x.size(1) || y", names={"x"}, span=SPAN)
    for d in info.value.diagnostics:
        assert not d.message[0].isupper() and not d.message.endswith("."), d.message


# ---- member functions on CelObjects -----------------------------------------------------


class Command(CelObject):
    """A parsed shell command, as an analyzer would give it."""

    cel_fields: ClassVar[frozenset[str]] = frozenset({"program", "argv"})
    cel_methods: ClassVar[frozenset[str]] = frozenset({"has_flag", "arg"})

    def __init__(self, program: str, argv: list[str]) -> None:
        self.program = program
        self.argv = argv

    def has_flag(self, flag: str) -> bool:
        return any(a.startswith("-") and flag in a for a in self.argv)

    def arg(self, i: int) -> str:
        return self.argv[i]

    def secret(self) -> str:
        return "not callable from CEL"


class Shell(CelObject):
    """The shell analyzer's facts."""

    cel_fields: ClassVar[frozenset[str]] = frozenset({"commands"})

    def __init__(self, commands: list[Command]) -> None:
        self.commands = commands


SHELL = Shell([Command("git", ["status"]), Command("rm", ["-rf", "/tmp/x"])])


def test_member_functions_on_objects() -> None:
    expr = 'shell.commands.exists(c, c.program == "rm" && c.has_flag("r"))'
    assert evaluate(expr, shell=SHELL) is True
    assert evaluate('shell.commands.all(c, c.has_flag("r"))', shell=SHELL) is False
    assert evaluate("shell.commands[1].arg(1)", shell=SHELL) == "/tmp/x"


def test_object_fields_and_has() -> None:
    assert evaluate("has(shell.commands)", shell=SHELL) is True
    assert evaluate("has(shell.nope)", shell=SHELL) is False
    with pytest.raises(CelError):
        evaluate("shell.nope", shell=SHELL)


def test_methods_not_listed_are_no_such_overload() -> None:
    with pytest.raises(CelError, match="no such overload"):
        evaluate("shell.commands[0].secret()", shell=SHELL)
    with pytest.raises(CelError):
        evaluate('x.has_flag("r")', x={"has_flag": True})
    with pytest.raises(CelError):
        evaluate('"abc".has_flag("r")')


def test_method_errors_become_cel_errors() -> None:
    with pytest.raises(CelError):
        evaluate("shell.commands[0].arg(5)", shell=SHELL)
    assert evaluate("shell.commands[0].arg(5) == 'x' || true", shell=SHELL) is True


# ---- the fast/careful split --------------------------------------------------------------


def test_fast_path_raises_and_careful_path_absorbs() -> None:
    c = compile_expr("x.missing == 1 && y", names={"x", "y"}, span=SPAN)
    # the fast code evaluates `x.missing` first and raises; CEL's answer is false
    assert "_and_(" in c.python
    assert c.fn(SimpleNamespace(x={}, y=False)) is False
    with pytest.raises(CelError):
        c.fn(SimpleNamespace(x={}, y=True))


def test_careful_exists_absorbs_errors_before_a_true() -> None:
    c = compile_expr("xs.exists(v, v.p == 1)", names={"xs"}, span=SPAN)
    assert c.fn(SimpleNamespace(xs=[{}, {"p": 1}])) is True
    with pytest.raises(CelError):
        c.fn(SimpleNamespace(xs=[{}, {"p": 2}]))


def test_only_cel_errors_escape() -> None:
    c = compile_expr("x + 1", names={"x"}, span=SPAN)
    for bad in ([1], {"a": 1}, "s", None, object()):
        with pytest.raises(CelError):
            c.fn(SimpleNamespace(x=bad))
    with pytest.raises(CelError):
        c.fn(SimpleNamespace())  # a missing attribute


def test_fast_code_is_plain_python_for_simple_conditions() -> None:
    c = compile_expr('tool == "Bash" && args.command.startsWith("git")', names={"tool", "args"}, span=SPAN)
    fast = c.python.split("def fn(a):")[1]
    assert ".startswith(" in fast and "a.tool == " in fast


def test_dynamic_regexes_are_cached_and_bounded() -> None:
    c = compile_expr("x.matches(y)", names={"x", "y"}, span=SPAN)
    for i in range(celrt._RE_CACHE_SIZE + 5):
        assert c.fn(SimpleNamespace(x=f"a{i}", y=f"^a{i}$")) is True
    assert len(celrt._RE_CACHE) <= celrt._RE_CACHE_SIZE


def test_long_chains_compile_and_deep_nesting_is_a_diagnostic() -> None:
    chain = " || ".join(f'tool == "t{i}"' for i in range(500))
    assert evaluate(chain, tool="t499") is True
    assert evaluate("(" * 300 + "tool" + ")" * 300, tool=1) == 1
    codes = [code for code, _, _ in diagnostics("-" * 500 + "tool", names={"tool"})]
    assert codes == ["cel.unsupported"]


def test_tuples_from_analyzers_are_lists() -> None:
    argv = ("rm", "-rf", "/")
    assert evaluate("argv.join(' ')", argv=argv) == "rm -rf /"
    assert evaluate("argv[1] == '-rf' && size(argv) == 3", argv=argv) is True
    assert evaluate("'-rf' in argv && argv.exists(a, a == '/')", argv=argv) is True
    assert evaluate("argv == ['rm', '-rf', '/']", argv=argv) is True
    assert evaluate("max(n)", n=(3, 9, 2)) == 9
