"""Python code generation for compiled CEL: operators, functions and macros.

One generator, two modes. The *fast* code is one Python expression that may raise where CEL
would not (`false && err` raises at `err`); whenever it returns, it returns exactly CEL's
value. The *careful* code has CEL's error semantics (`&&`, `||`, `all`, `exists` absorb
errors). The compiled function runs the fast code and re-runs the careful code only if the
fast code raised. Static kinds (literals, results of comparisons, ...) let the fast code use
plain Python operators where Python and CEL agree.

Inside a macro body the code pays for its work from a budget `c` (see `celrt_cost`): each
macro pays for its iterations before the first, and operations whose work grows with the
size of their operands pay for it. Code outside macros pays nothing: it runs once per
evaluation. An expression with no macro (and no regex built at run time) has no budget.

Fields of fact objects: the activation declares which class a top-level name usually holds
(`declare_object`: `shell` holds `ShellFacts`, whose `commands` are `Command`s). The fast
code reads a field of such a value as a plain attribute after checking its class, which is
what `CelObject.__getitem__` does, without the call; any other value is read the generic way.
A declaration is a hint: a wrong one makes code slower, never different.
"""

from __future__ import annotations

import keyword
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import celrt
from .celenv import ELEMENTS as _ELEMENTS
from .celenv import OBJECTS as _OBJECTS
from .celenv import declare_object as declare_object  # re-exported: where it was first
from .celenv import helper_globals

if TYPE_CHECKING:
    from .celc import Call, Comp, Ident, Index, ListLit, Lit, MapLit, Node, Op, Select


@dataclass(frozen=True)
class FunctionSpec:
    """Arities of a standard function: as a global call and as a member call (None: not)."""

    receiverless: tuple[int, ...] | None
    member: tuple[int, ...] | None


# -1: any number of arguments, at least one
FUNCTIONS: dict[str, FunctionSpec] = {
    "size": FunctionSpec((1,), (0,)),
    "startsWith": FunctionSpec(None, (1,)),
    "endsWith": FunctionSpec(None, (1,)),
    "contains": FunctionSpec(None, (1,)),
    "matches": FunctionSpec((2,), (1,)),
    **{n: FunctionSpec((1,), None) for n in
       ("int", "uint", "double", "string", "bytes", "bool", "dyn", "type")},
    "min": FunctionSpec((-1,), None),
    "max": FunctionSpec((-1,), None),
    "lowerAscii": FunctionSpec(None, (0,)),
    "upperAscii": FunctionSpec(None, (0,)),
    "trim": FunctionSpec(None, (0,)),
    "split": FunctionSpec(None, (1, 2)),
    "join": FunctionSpec(None, (0, 1)),
    "replace": FunctionSpec(None, (2, 3)),
    "indexOf": FunctionSpec(None, (1, 2)),
    "lastIndexOf": FunctionSpec(None, (1, 2)),
    "substring": FunctionSpec(None, (1, 2)),
}  # fmt: skip

MACROS: dict[str, tuple[int, ...]] = {
    "all": (2,), "exists": (2,), "exists_one": (2,), "map": (2, 3), "filter": (2,),
}  # fmt: skip

TYPE_NAMES = frozenset(celrt.TYPES)

# function -> (runtime helper, static kind of the result)
_HELPERS: dict[str, tuple[str, str | None]] = {
    "size": ("size", "int"), "startsWith": ("starts_with", "bool"),
    "endsWith": ("ends_with", "bool"), "contains": ("contains", "bool"),
    "matches": ("matches", "bool"), "int": ("to_int", "int"), "uint": ("to_uint", "uint"),
    "double": ("to_double", "double"), "string": ("to_string", "string"),
    "bytes": ("to_bytes", "bytes"), "bool": ("to_bool", "bool"), "type": ("type_of", "type"),
    "min": ("min_", None), "max": ("max_", None), "lowerAscii": ("lower_ascii", "string"),
    "upperAscii": ("upper_ascii", "string"), "trim": ("trim", "string"),
    "split": ("split", "list"), "join": ("join", "string"), "replace": ("replace", "string"),
    "indexOf": ("index_of", "int"), "lastIndexOf": ("last_index_of", "int"),
    "substring": ("substring", "string"),
}  # fmt: skip
_FAST_METHODS = {"startsWith": "startswith", "endsWith": "endswith"}
# what a call pays inside a macro body, by `celrt_cost.cost_<name>` (else `cost_linear`)
_COSTS = {
    "contains": "search", "indexOf": "search", "lastIndexOf": "search", "split": "search",
    "replace": "search", "substring": "unit",
}  # fmt: skip
_FREE_CALLS = frozenset({"size", "type", "bool"})  # constant time whatever the argument
_SCALAR = frozenset({"bool", "int", "uint", "double", "null_type", "type"})
_ORDER = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_ARITH = {"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod"}
_NUMERIC = frozenset({"int", "uint", "double"})
_INLINE_REPR = frozenset({int, str, bool, type(None), bytes})


def _attribute_field(cls: type[celrt.CelObject] | None, name: str) -> bool:
    """Whether `x.name` is CEL's `x.name` for an `x` of class exactly `cls`."""
    return (
        cls is not None
        and cls.__getitem__ is celrt.CelObject.__getitem__
        and name in cls.cel_fields
        and name.isidentifier()
        and not keyword.iskeyword(name)
        and not name.startswith("__")
    )


@dataclass(frozen=True)
class Code:
    """Generated Python for one node: its text, static CEL kind (None: unknown), value."""

    text: str
    kind: str | None = None
    value: Any = celrt.NOT_CONSTANT
    cls: type[celrt.CelObject] | None = None  # the class the value usually has (a hint)
    element: type[celrt.CelObject] | None = None  # the class its elements usually have

    @property
    def const(self) -> bool:
        """Whether the value is known at compile time."""
        return self.value is not celrt.NOT_CONSTANT


def _kind_of(value: Any) -> str | None:
    try:
        return celrt.kind(value)
    except celrt.CelError:
        return None


class Namespace:
    """The globals of generated code: runtime helpers (`_eq`, ...) and hoisted constants."""

    def __init__(self) -> None:
        self.globals: dict[str, Any] = helper_globals()
        self.count = 0
        self.metered = False  # whether the code reads the budget `c`
        self.defs: list[str] = []
        self.free: dict[int, frozenset[str]] = {}  # free_names memo; nodes outlive it
        self.names: dict[int, str] = {}  # `shared` constants by id (classes: they outlive it)

    def define(self, template: str) -> str:
        """Add a helper function (`{name}` in `template` is its name); returns the name."""
        name = f"_f{len(self.defs)}"
        self.defs.append(template.replace("{name}", name, 1))
        return name

    def shared(self, value: Any) -> str:
        """A global name holding `value`, the same name each time for the same object."""
        name = self.names.get(id(value))
        if name is None:
            name = self.names[id(value)] = self.constant(value)
        return name

    def constant(self, value: Any) -> str:
        """A global name holding `value` (hoisted so no call builds it again)."""
        name = f"_k{self.count}"
        self.count += 1
        self.globals[name] = value
        return name


class Gen:
    """Generates one Python expression for a node, in fast or careful mode."""

    def __init__(self, ns: Namespace, allowed: frozenset[str], careful: bool) -> None:
        self.ns = ns
        self.allowed = allowed
        self.careful = careful
        self.hints: dict[str, type[celrt.CelObject] | None] = {}  # macro variable -> class

    def gen(self, node: Node, scope: frozenset[str]) -> Code:
        """Python for `node`; closed sub-expressions are folded to constants."""
        kind = type(node).__name__
        if kind != "Lit" and self.closed(node, scope):
            folded = self.fold(node)
            if folded is not None:
                return folded
        method: Callable[[Any, frozenset[str]], Code] = getattr(self, "_" + kind)
        return method(node, scope)

    def closed(self, node: Node, scope: frozenset[str]) -> bool:
        """Whether a node reads no input and no comprehension variable (type names only)."""
        return all(
            n in TYPE_NAMES and n not in self.allowed and n not in scope
            for n in free_names(node, self.ns.free)
        )

    def fold(self, node: Node) -> Code | None:
        """The constant value of a closed expression, or None if it errs."""
        code = Gen(self.ns, self.allowed, careful=True).gen_unfolded(node)
        scope = {**self.ns.globals, "c": [celrt.COST_LIMIT]}  # constant macros pay too
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)  # e.g. `(0 is None)`
                value = eval(code.text, scope, {"a": None})  # our own code
        except Exception:  # an erring constant stays code: it errs at each call, as in CEL
            return None
        return self.lit(value)

    def gen_unfolded(self, node: Node) -> Code:
        """Python for `node` without trying to fold it as a whole."""
        method: Callable[[Any, frozenset[str]], Code] = getattr(self, "_" + type(node).__name__)
        return method(node, frozenset())

    def lit(self, value: Any) -> Code:
        """A constant as Python text (inline when repr is exact, else a hoisted global)."""
        kind = _kind_of(value)
        if value.__class__ in _INLINE_REPR or (
            value.__class__ is float and value == value and abs(value) != float("inf")
        ):
            return Code(f"({value!r})", kind, value)
        return Code(self.ns.constant(value), kind, value)

    def _Lit(self, node: Lit, scope: frozenset[str]) -> Code:
        return self.lit(node.value)

    def _Ident(self, node: Ident, scope: frozenset[str]) -> Code:
        if node.name in scope:
            return Code(f"v_{node.name}", cls=self.hints.get(node.name))
        if node.name not in self.allowed and node.name in TYPE_NAMES:
            return self.lit(celrt.TYPES[node.name])
        if keyword.iskeyword(node.name):
            return Code(f"getattr(a, {node.name!r})")
        return Code(f"a.{node.name}", cls=_OBJECTS.get(node.name))

    def _Select(self, node: Select, scope: frozenset[str]) -> Code:
        operand = self.gen(node.operand, scope)
        x, name = operand.text, node.field
        if node.test:
            return Code(f"_has({x}, {name!r})", "bool")
        if self.careful:
            return Code(f"_select({x}, {name!r})")
        if _attribute_field(operand.cls, name) and _cheap(operand):
            # a fact object's field as an attribute; anything else as below
            assert operand.cls is not None
            cls = self.ns.shared(operand.cls)
            text = f"({x}.{name} if {x}.__class__ is {cls} else {x}[{name!r}])"
            return Code(text, element=_ELEMENTS.get((operand.cls, name)))
        # x["f"]: a map's value or KeyError; every other kind raises TypeError
        return Code(f"{x}[{name!r}]")

    def _Index(self, node: Index, scope: frozenset[str]) -> Code:
        x, i = self.gen(node.operand, scope), self.gen(node.index, scope)
        if i.kind == "string" and not self.careful:
            return Code(f"{x.text}[{i.text}]")  # as for field selection
        return Code(f"_index({x.text}, {i.text})")

    def _ListLit(self, node: ListLit, scope: frozenset[str]) -> Code:
        return Code("[" + ", ".join(self.gen(n, scope).text for n in node.items) + "]", "list")

    def _MapLit(self, node: MapLit, scope: frozenset[str]) -> Code:
        return Code("_make_map(" + ", ".join(self.gen(n, scope).text for n in node.items) + ")", "map")

    def _Op(self, node: Op, scope: frozenset[str]) -> Code:
        args = [self.gen(n, scope) for n in node.args]
        if scope:  # inside a macro body
            metered = _metered_op(self, node.op, args)
            if metered is not None:
                return metered
        return _OPS[node.op](self, args)

    def _Call(self, node: Call, scope: frozenset[str]) -> Code:
        args = [self.gen(n, scope) for n in node.args]
        loop = bool(scope)
        if node.target is None:
            return self.call_global(node.fn, args, loop)
        return self.call_member(node.fn, self.gen(node.target, scope), args, loop)

    def _Comp(self, node: Comp, scope: frozenset[str]) -> Code:
        rng_code = self.gen(node.range, scope)
        rng = rng_code.text
        inner = scope | {node.var}
        outer = self.hints.get(node.var)
        self.hints[node.var] = rng_code.element
        try:
            args = [self.gen(n, inner) for n in node.args]
        finally:
            self.hints[node.var] = outer
        var = f"v_{node.var}"
        weight = body_weight(node)
        self.ns.metered = True
        if self.careful or node.macro not in _LOOPS:
            return _MACRO_GEN[node.macro](self, var, f"_over(c, {weight}, {rng})", args)
        # fast mode: a plain loop in a helper function (a generator costs 3x more); the
        # comprehension variables of enclosing macros that the body reads are parameters
        used = frozenset().union(*(free_names(n, self.ns.free) for n in node.args))
        params = ", ".join(["a", "c", *(f"v_{v}" for v in sorted((used & scope) - {node.var}))])
        body = _LOOPS[node.macro][args[0].kind == "bool"].format(var=var, p=args[0].text, w=weight)
        name = self.ns.define(f"def {{name}}({params}, r):\n{body}")
        return Code(f"{name}({params}, {rng})", "bool")

    # ---- functions -----------------------------------------------------------------------

    def call_global(self, fn: str, args: list[Code], loop: bool = False) -> Code:
        """A global function call (the checker vouched for the name and arity)."""
        if fn == "dyn":
            return args[0]
        helper, kind = _HELPERS[fn]
        if fn in ("int", "uint", "double", "string", "bytes", "bool") and args[0].kind == kind:
            return args[0]
        if fn == "size" and args[0].kind in ("string", "bytes", "list", "map"):
            return Code(f"len({args[0].text})", "int")
        if fn == "matches":
            return self.call_member(fn, args[0], args[1:], loop)
        if loop and fn not in _FREE_CALLS and not all(a.kind in _SCALAR for a in args):
            return self.metered(fn, args)
        return Code(f"_{helper}({', '.join(a.text for a in args)})", kind)

    def call_member(self, fn: str, recv: Code, args: list[Code], loop: bool = False) -> Code:
        """A member call: a standard function, or one the receiver object provides."""
        texts = ", ".join(a.text for a in [recv, *args])
        if fn not in _HELPERS:
            extra = "".join(f", {a.text}" for a in args)
            if loop and not all(a.const for a in args):
                self.ns.metered = True
                return Code(f"_metered(c, _cost_linear, _call_method, {recv.text}, {fn!r}{extra})")
            simple = recv.text.startswith(("v_", "a.")) and recv.text[2:].isidentifier()
            if self.careful or not simple or keyword.iskeyword(fn):
                return Code(f"_call_method({recv.text}, {fn!r}{extra})")
            # receivers other than CelObjects have no `cel_methods` and raise
            return Code(f"({recv.text}.{fn}({extra[2:]}) if {fn!r} in {recv.text}.cel_methods else _fail())")
        helper, kind = _HELPERS[fn]
        if fn == "size":
            return self.call_global("size", [recv], loop)
        if fn == "matches":
            return self.call_matches(recv, args[0], loop)
        if loop and not (fn in _FAST_METHODS and args[0].const):
            return self.metered(fn, [recv, *args])  # a constant prefix costs its length only
        if not self.careful and all(a.kind == "string" for a in args):
            if fn in _FAST_METHODS:
                # str.startswith(str) is exact; any other receiver raises
                return Code(f"{recv.text}.{_FAST_METHODS[fn]}({args[0].text})", "bool")
            if fn == "contains":
                # str.find is exact for str receivers; bytes, lists, maps raise
                return Code(f"({recv.text}.find({args[0].text}) >= 0)", "bool")
        return Code(f"_{helper}({texts})", kind)

    def call_matches(self, recv: Code, pattern: Code, loop: bool) -> Code:
        """`x.matches(p)`: a constant pattern is compiled now; one known only at run time pays."""
        if pattern.const and isinstance(pattern.value, str):
            rx = self.ns.constant(celrt.compile_match(pattern.value))
            if not loop:
                literal = celrt.required_literal(pattern.value)
                if literal is not None:  # a text without it cannot match: RE2 is not asked
                    return Code(f"_matches_lit({recv.text}, {rx}, {literal!r})", "bool")
                return Code(f"_matches_re({recv.text}, {rx})", "bool")
            pattern = Code(rx)
        self.ns.metered = True
        return Code(f"_matches_c(c, {recv.text}, {pattern.text})", "bool")

    def metered(self, fn: str, args: list[Code]) -> Code:
        """A call inside a macro body that pays for its work (see `celrt_cost.metered`)."""
        helper, kind = _HELPERS[fn]
        self.ns.metered = True
        texts = ", ".join(a.text for a in args)
        return Code(f"_metered(c, _cost_{_COSTS.get(fn, 'linear')}, _{helper}, {texts})", kind)


def free_names(node: Node, memo: dict[int, frozenset[str]]) -> frozenset[str]:
    """Identifiers a node reads from outside it (type names included)."""
    got = memo.get(id(node))
    if got is not None:
        return got
    from .celc import children

    out: frozenset[str]
    kind = type(node).__name__
    if kind == "Ident":
        out = frozenset({node.name})  # type: ignore[attr-defined]
    elif kind == "Comp":
        comp: Comp = node  # type: ignore[assignment]
        body = frozenset().union(*(free_names(a, memo) for a in comp.args))
        out = free_names(comp.range, memo) | (body - {comp.var})
    else:
        out = frozenset().union(*(free_names(c, memo) for c in children(node)))
    memo[id(node)] = out
    return out


def body_weight(comp: Comp) -> int:
    """What one iteration of a macro costs: the nodes of its body (nested macros pay their own)."""
    from .celc import children

    n, stack = 0, list(comp.args)
    while stack:
        node = stack.pop()
        n += 1
        if type(node).__name__ == "Comp":
            stack.append(node.range)  # type: ignore[attr-defined]
        else:
            stack.extend(children(node))
    return max(n, 1)


# ---- operators -------------------------------------------------------------------------


def _bool(c: Code) -> str:
    """Python text giving c's value if it is a bool, raising otherwise."""
    return c.text if c.kind == "bool" else f"_check_bool({c.text})"


def _and(g: Gen, a: list[Code]) -> Code:
    if g.careful:
        return Code("_and_(" + ", ".join(f"lambda: {x.text}" for x in a) + ")", "bool")
    # Python's `and` over bools is CEL's `&&` as long as nothing errs
    return Code("(" + " and ".join(_bool(x) for x in a) + ")", "bool")


def _or(g: Gen, a: list[Code]) -> Code:
    if g.careful:
        return Code("_or_(" + ", ".join(f"lambda: {x.text}" for x in a) + ")", "bool")
    return Code("(" + " or ".join(_bool(x) for x in a) + ")", "bool")


def _cond(g: Gen, a: list[Code]) -> Code:
    c, x, y = a
    kind = x.kind if x.kind == y.kind else None
    return Code(f"({x.text} if {_bool(c)} else {y.text})", kind)


def _not(g: Gen, a: list[Code]) -> Code:
    x = a[0]
    return Code(f"(not {x.text})" if x.kind == "bool" else f"_not_({x.text})", "bool")


def _neg(g: Gen, a: list[Code]) -> Code:
    x = a[0]
    return Code(f"_neg({x.text})", x.kind if x.kind in ("int", "double") else None)


def _plain_equality(x: Code, y: Code) -> bool:
    """Whether Python's `==` is CEL's for these operands (bool is an int in Python)."""
    for c in (x, y):
        if c.kind in ("string", "bytes"):
            return True
        if c.const and c.kind in _NUMERIC and c.value not in (0, 1):
            return True  # no bool equals it, other kinds compare unequal as in CEL
    if x.kind == y.kind and x.kind in ("bool", "int", "uint", "double", "null_type"):
        return True
    return x.kind in _NUMERIC and y.kind in _NUMERIC


def _identity(x: Code, y: Code, negate: bool) -> str | None:
    """`x is None` / `x is True` for comparisons with null, true and false."""
    op = "is not" if negate else "is"
    for c, other in ((x, y), (y, x)):
        if c.const and (c.value is None or c.value is True or c.value is False):
            return f"({other.text} {op} {c.value!r})"
    return None


_SIMPLE = re.compile(r"""(?:a\.\w+|v_\w+)(?:\[(?:'[^'\\]*'|"[^"\\]*")\])*""")


def _cheap(c: Code) -> bool:
    """Whether c's text is an input or variable read (with constant fields): cheap to repeat."""
    return _SIMPLE.fullmatch(c.text) is not None


def _numeric_against_cheap(x: Code, y: Code) -> Code | None:
    """The operand to guard when one side is a known number and the other a cheap read."""
    if x.kind in _NUMERIC and y.kind is None and _cheap(y):
        return y
    if y.kind in _NUMERIC and x.kind is None and _cheap(x):
        return x
    return None


def _eq(g: Gen, a: list[Code]) -> Code:
    x, y = a
    ident = _identity(x, y, negate=False)
    if ident is not None:
        return Code(ident, "bool")
    if _plain_equality(x, y):
        return Code(f"({x.text} == {y.text})", "bool")
    other = _numeric_against_cheap(x, y)
    if other is not None:  # `x == 1` is Python's `==`, except that `true == 1` is false
        return Code(f"({x.text} == {y.text} and {other.text}.__class__ is not bool)", "bool")
    return Code(f"_eq({x.text}, {y.text})", "bool")


def _ne(g: Gen, a: list[Code]) -> Code:
    x, y = a
    ident = _identity(x, y, negate=True)
    if ident is not None:
        return Code(ident, "bool")
    if _plain_equality(x, y):
        return Code(f"({x.text} != {y.text})", "bool")
    other = _numeric_against_cheap(x, y)
    if other is not None:
        return Code(f"({x.text} != {y.text} or {other.text}.__class__ is bool)", "bool")
    return Code(f"_ne({x.text}, {y.text})", "bool")


def _order(op: str) -> Callable[[Gen, list[Code]], Code]:
    def gen(g: Gen, a: list[Code]) -> Code:
        x, y = a
        plain = (x.kind in _NUMERIC and y.kind in _NUMERIC) or (
            "string" in (x.kind, y.kind) or (x.kind == y.kind and x.kind in ("bytes", "bool"))
        )
        if plain:  # a str against anything but a str raises TypeError, as CEL errs
            return Code(f"({x.text} {op} {y.text})", "bool")
        other = _numeric_against_cheap(x, y)
        if other is not None and not g.careful:
            # Python orders numbers as CEL does, and raises for other kinds, but not for bools;
            # reading the operand twice is cheaper than a helper call
            test = f"{x.text} {op} {y.text}"
            return Code(f"({test} if {other.text}.__class__ is not bool else _fail())", "bool")
        return Code(f"_{_ORDER[op]}({x.text}, {y.text})", "bool")

    return gen


def _in(g: Gen, a: list[Code]) -> Code:
    x, c = a
    if (
        c.const
        and isinstance(c.value, list)
        and c.value
        and all(v.__class__ is str for v in c.value)
        and not g.careful
    ):
        # a str or any non-str compares as CEL's `in`; unhashable values raise
        return Code(f"({x.text} in {g.ns.constant(frozenset(c.value))})", "bool")
    return Code(f"_contains_in({x.text}, {c.text})", "bool")


def _arith(op: str) -> Callable[[Gen, list[Code]], Code]:
    def gen(g: Gen, a: list[Code]) -> Code:
        x, y = a
        same = x.kind if x.kind == y.kind else None
        if op in "+-*" and same == "int":
            return Code(f"_check_int({x.text} {op} {y.text})", same)
        if op in "+-*" and same == "double":
            return Code(f"({x.text} {op} {y.text})", same)
        kind = same if same in ("int", "uint", "double", "string", "bytes", "list") else None
        return Code(f"_{_ARITH[op]}({x.text}, {y.text})", kind)

    return gen


def _metered_op(g: Gen, op: str, a: list[Code]) -> Code | None:
    """An operator inside a macro body that pays for the size of its operands, or None if free.

    Comparisons with a constant or with a scalar, `in` a constant list and arithmetic on
    numbers take constant time (or time bounded by the expression); the others pay.
    """
    x, y = a[0], a[-1]
    if op in ("==", "!=") or op in _ORDER:
        if x.const or y.const or x.kind in _SCALAR or y.kind in _SCALAR:
            return None
        g.ns.metered = True
        if op in _ORDER:
            return Code(f"_order_c(c, _{_ORDER[op]}, {x.text}, {y.text})", "bool")
        return Code(f"_{'eq' if op == '==' else 'ne'}_c(c, {x.text}, {y.text})", "bool")
    if op == "in" and not y.const:
        g.ns.metered = True
        return Code(f"_in_c(c, {x.text}, {y.text})", "bool")
    if op == "+" and x.kind not in _SCALAR and y.kind not in _SCALAR:
        g.ns.metered = True
        kind = x.kind if x.kind == y.kind and x.kind in ("string", "bytes", "list") else None
        return Code(f"_add_c(c, {x.text}, {y.text})", kind)
    return None


_OPS: dict[str, Callable[[Gen, list[Code]], Code]] = {
    "&&": _and, "||": _or, "?:": _cond, "!": _not, "neg": _neg, "==": _eq, "!=": _ne,
    "in": _in, **{op: _order(op) for op in _ORDER}, **{op: _arith(op) for op in _ARITH},
}  # fmt: skip


# ---- macros ----------------------------------------------------------------------------


def _all(g: Gen, var: str, rng: str, a: list[Code]) -> Code:
    # careful mode only: the fast mode runs a loop function (see _LOOPS); `rng` is the range
    # already paid for, `_over(c, weight, range)`
    return Code(f"_all_(lambda {var}: {a[0].text}, {rng})", "bool")


def _exists(g: Gen, var: str, rng: str, a: list[Code]) -> Code:
    return Code(f"_exists(lambda {var}: {a[0].text}, {rng})", "bool")


def _exists_one(g: Gen, var: str, rng: str, a: list[Code]) -> Code:
    (p,) = a
    return Code(f"(_count_true({p.text} for {var} in {rng}) == 1)", "bool")


def _map(g: Gen, var: str, rng: str, a: list[Code]) -> Code:
    loop = f"for {var} in {rng}"
    if len(a) == 2:
        return Code(f"[{a[1].text} {loop} if {_bool(a[0])}]", "list")
    return Code(f"[{a[0].text} {loop}]", "list")


def _filter(g: Gen, var: str, rng: str, a: list[Code]) -> Code:
    return Code(f"[{var} for {var} in {rng} if {_bool(a[0])}]", "list")


# `_over(c, w, r)` inline: the range is paid for before the first iteration
_LOOP_HEAD = (
    "    if r.__class__ is not list:\n        r = _iterate(r)\n"
    "    left = c[0] - len(r) * {w}\n    c[0] = left\n"
    "    if left < 0:\n        _spend(c, 0)\n"
    "    for {var} in r:\n"
)
# macro -> (body for a predicate of unknown kind, body for a bool predicate)
_LOOPS: dict[str, tuple[str, str]] = {
    "exists": (
        _LOOP_HEAD + "        t = {p}\n        if t is True:\n            return True\n"
        "        if t is not False:\n            _fail()\n    return False\n",
        _LOOP_HEAD + "        if {p}:\n            return True\n    return False\n",
    ),
    "all": (
        _LOOP_HEAD + "        t = {p}\n        if t is False:\n            return False\n"
        "        if t is not True:\n            _fail()\n    return True\n",
        _LOOP_HEAD + "        if not {p}:\n            return False\n    return True\n",
    ),
    "exists_one": (
        "    n = 0\n" + _LOOP_HEAD + "        t = {p}\n        if t is True:\n"
        "            n += 1\n        elif t is not False:\n            _fail()\n"
        "    return n == 1\n",
        "    n = 0\n" + _LOOP_HEAD + "        if {p}:\n            n += 1\n    return n == 1\n",
    ),
}

_MACRO_GEN: dict[str, Callable[[Gen, str, str, list[Code]], Code]] = {
    "all": _all, "exists": _exists, "exists_one": _exists_one, "map": _map, "filter": _filter,
}  # fmt: skip


# ---- assembling the function -----------------------------------------------------------

_TEMPLATE = """\
def _careful(a):
{budget}    try:
        return {careful}
    except Exception as e:
        raise _as_error(e) from None

def fn(a):
{budget}    try:
        return {fast}
{stop}    except Exception:
        pass
    return _careful(a)
"""
_TEMPLATE_ONE = """\
def fn(a):
{budget}    try:
        return {fast}
    except Exception as e:
        raise _as_error(e) from None
"""
# an expression with macros takes the call's budget (an activation without one: a fresh
# budget for each run); running out ends the evaluation
_METERED = {
    "budget": "    c = getattr(a, 'cel_budget', None) or _budget(a)\n",
    "stop": "    except _CostLimitExceeded:\n        raise\n",
}
_UNMETERED = dict.fromkeys(_METERED, "")


def generate(root: Node, allowed: frozenset[str]) -> tuple[Callable[[Any], Any], str, Any]:
    """Compile an AST: (the function, its Python source, the constant value or NOT_CONSTANT)."""
    ns = Namespace()
    fast = Gen(ns, allowed, careful=False).gen(root, frozenset())
    if fast.const:
        source = f"def fn(a):\n    return {fast.text}\n"
    else:
        careful = Gen(ns, allowed, careful=True).gen(root, frozenset())
        template = _TEMPLATE_ONE if careful.text == fast.text else _TEMPLATE
        budget = _METERED if ns.metered else _UNMETERED
        source = template.format(fast=fast.text, careful=careful.text, **budget)
    source = "".join(d + "\n" for d in ns.defs) + source
    with warnings.catch_warnings():
        # `"abc"["k"]` in CEL is an error at run time; Python's compiler warns about it
        warnings.simplefilter("ignore", SyntaxWarning)
        code = compile(source, "<cel>", "exec")
    exec(code, ns.globals)
    return ns.globals["fn"], source, fast.value
