"""The CEL compiler: semantics (table in data/cel/cases.yaml), diagnostics, identifiers,
member functions on CelObjects, the fast/careful split, and map keys Python conflates."""

from __future__ import annotations

import math
import pickle
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit import celrt, codegen
from remit.cache import dumps
from remit.celc import compile_expr
from remit.celexpr import CompiledExpr
from remit.celrt import CelError, CelObject, MixedKeyMap, UInt
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
    if isinstance(x, Mapping):  # keys matched by kind too: `true` is not `1`
        return len(x) == len(y) and all(any(same(k, j) and same(x[k], y[j]) for j in y) for k in x)
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


def test_a_pattern_folded_from_constants_is_checked_at_load() -> None:
    # `"(a" + "|b"` is no literal for the checker, but is compiled as a constant: a bad one is a
    # diagnostic at the expression, not an exception out of the compiler
    assert diagnostics('args.x.matches("(a" + "|b")') == [("cel.bad_regex", 10, 7)]
    compile_expr('args.x.matches("(a" + "|b)")', names={"args"}, span=SPAN)
    compile_expr('["("].exists(p, args.x.matches(p + "a"))', names={"args"}, span=SPAN)  # at run time


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


# ---- map keys: `true` is not `1`, though Python's `True == 1` -------------------------------

KEYS = {"true": True, "false": False, "0": 0, "1": 1, "2": 2, "0u": UInt(0), "1u": UInt(1),
        "'1'": "1", "'true'": "true", "''": ""}  # fmt: skip
"""Map keys of each kind CEL allows, with the ints and strings Python or a reader may confuse."""
PROBES = {**KEYS, "1.0": 1.0, "-0.0": -0.0, "1.5": 1.5, "b''": b"", "null": None, "[1]": [1]}
"""Values looked up in those maps: keys, and values of kinds no map key has."""


def cel_key(v: Any) -> tuple[str, Any]:
    """A value as CEL compares map keys: bools apart from numbers, numbers by value across
    int, uint and double."""
    if type(v) is bool:
        return ("bool", v)
    if type(v) in (int, UInt, float):
        return ("number", v)
    return (type(v).__name__, repr(v))


def both(text: str, **inputs: Any) -> Any:
    """`text` on `inputs` by its compiled function; its careful code, when it has one, agrees."""
    c = compile_expr(text, names=set(inputs), span=SPAN)
    act = SimpleNamespace(**inputs)
    careful = c.fn.__globals__.get("_careful")
    try:
        got = c.fn(act)
    except CelError:
        if careful is not None:
            with pytest.raises(CelError):
                careful(act)
        raise
    if careful is not None:
        assert same(careful(act), got), text
    return got


MAKE = {n: "{" + ", ".join(f"k{i}: {i}" for i in range(n)) + "}" for n in range(6)}


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(sorted(KEYS)), max_size=5))
def test_map_keys_of_every_kind(keys: list[str]) -> None:
    """A map built from keys of any kinds (at run time, and as a folded literal) holds each
    CEL key once, finds exactly the probes CEL equates with a key, and reads its keys back
    as written; two keys CEL equates are a repeated key."""
    values = [KEYS[k] for k in keys]
    inputs = {f"k{i}": v for i, v in enumerate(values)}
    literal = "{" + ", ".join(f"{k}: {i}" for i, k in enumerate(keys)) + "}"
    identities = [cel_key(v) for v in values]
    if len(set(identities)) < len(identities):
        for text, given_inputs in ((MAKE[len(keys)], inputs), (literal, {})):
            with pytest.raises(CelError, match="repeated key"):
                both(text, **given_inputs)
        return
    m = both(MAKE[len(keys)], **inputs)
    assert same(both(literal), m)
    assert len(m) == len(keys) == both("size(m)", m=m)
    assert same(both("m.map(k, k)", m=m), values)  # `true` stays a bool, `1u` a uint
    assert both("m.all(k, m[k] == m[k])", m=m) is True
    shuffled = "{" + ", ".join(f"{k}: {i}" for i, k in reversed(list(enumerate(keys)))) + "}"
    assert both(f"m == {shuffled}", m=m) is True
    for probe, value in PROBES.items():
        found = [i for i, ident in enumerate(identities) if ident == cel_key(value)]
        assert both("p in m", m=m, p=value) is bool(found), probe
        assert both(f"{probe} in {literal}") is bool(found), probe
        if found:
            assert same(both("m[p]", m=m, p=value), found[0]), probe
        else:
            with pytest.raises(CelError, match="no such key"):
                both("m[p]", m=m, p=value)


def test_maps_with_true_and_one_keep_them_apart_only_when_needed() -> None:
    assert type(evaluate("{true: 1, 2: 2, 'a': 3}")) is dict
    assert type(evaluate("{'a': 1, 'b': 2}")) is dict
    m = evaluate("{true: 'a', 1: 'b'}")
    assert isinstance(m, MixedKeyMap)
    assert repr(m) == "{True: 'a', 1: 'b'}"
    assert list(m.items()) == [(True, "a"), (1, "b")]
    assert m != {True: "a"} and m == evaluate("{true: 'a', 1: 'b'}")
    assert same(pickle.loads(pickle.dumps(m)), m)
    folded = compile_expr("{true: 'a', 1: 'b'}", names=set(), span=SPAN)
    assert same(folded.constant, m)


def test_map_key_errors_name_the_key_as_cel_writes_it() -> None:
    with pytest.raises(CelError, match=r"^no such key: true$"):
        evaluate("{1: 'a'}[true]")
    with pytest.raises(CelError, match=r"^failed with repeated key: false$"):
        evaluate("{false: 1, 0: 2, false: 3}")
    with pytest.raises(CelError, match=r"^failed with repeated key: 1u$"):
        evaluate("{true: 1, 1: 2, 1u: 3}")
    with pytest.raises(CelError, match=r"^no such key: 'k'$"):
        evaluate("{true: 1, 1: 2}['k']")


KEYED_POLICY = """
remit: 1
name: keyed
version: "1"
defaults: {decision: allow, on_error: ask}
rules:
  - id: lookup
    tools: [lookup]
    block: '{true: "a", 1: "b", "k": "c"}[args.k] == "b"'
    reason: "key {args.k}"
  - id: member
    tools: [member]
    block: 'args.k in {true: 0, 0: 1}'
  - id: built
    tools: [built]
    block: '{true: 1, 1: 2, args.k: 3}.size() == 3'
  - id: keys
    tools: [keys]
    block: '{true: 1, 1: 2, false: 3}.exists(k, type(k) == bool && k == args.k)'
  - id: not-a-bool
    tools: [map]
    block: '{true: 1, 1: 2}'
"""
KEYED_CALLS = [
    ("lookup", 1, "block"), ("lookup", 1.0, "block"), ("lookup", True, "allow"), ("lookup", "k", "allow"),
    ("lookup", False, "ask"), ("lookup", 2, "ask"), ("member", True, "block"), ("member", 0, "block"),
    ("member", 1, "allow"), ("member", False, "allow"), ("built", "x", "block"), ("built", True, "ask"),
    ("built", 1, "ask"), ("built", 1.5, "ask"), ("keys", True, "block"), ("keys", False, "block"),
    ("keys", 1, "allow"), ("keys", 0, "allow"), ("map", None, "ask"),
]  # fmt: skip


@pytest.mark.parametrize("warm_after", [10**9, 0], ids=["interpreted", "generated"])
def test_maps_with_true_and_one_in_policies(warm_after: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule's map literal with `true` and `1` keys decides as CEL says, interpreted while
    the tool is cold and in the generated decider, also from a cached (pickled) policy; a
    missing key is the rule's error, which `on_error` settles."""
    monkeypatch.setattr(codegen, "WARM_AFTER", warm_after)
    policy = remit.load_text(KEYED_POLICY, "<keyed>", "yaml")
    for current in (policy, pickle.loads(dumps(policy))):
        guard = remit.Guard(current)
        for tool, key, want in KEYED_CALLS:
            d = guard.check(tool, {"k": key})
            assert d.decision.value == want, (tool, key, d.errors)
        generated = set(current._deciders.by_tool)
        assert generated == ({t for t, _, _ in KEYED_CALLS} if warm_after == 0 else set())
    # keyed by repr: a dict would take the call with `true` for the one with `1`
    errors = {(tool, repr(key)): guard.check(tool, {"k": key}).errors for tool, key, _ in KEYED_CALLS}
    assert [e.message for e in errors[("lookup", "False")]] == ["no such key: false"]
    assert [e.message for e in errors[("built", "True")]] == ["failed with repeated key: true"]
    assert [e.message for e in errors[("built", "1")]] == ["failed with repeated key: 1"]
    assert [e.message for e in errors[("map", "None")]] == ["the condition gave a map, not a bool"]
    assert guard.check("lookup", {"k": 1}).reasons[0].message == "key 1"
