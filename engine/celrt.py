"""Runtime of compiled CEL: error values, typed operators and the standard functions.

Generated code (see `celc.py`) calls only what this module defines. Values are plain
Python: int, `UInt`, float, str, bytes, bool, None, list, dict, and `CelObject`s
(facts computed by the analyzers, the session view).

Every helper either returns exactly CEL's value or raises (`CelError`, or any Python
exception, which the compiled function turns into a `CelError`). Python's `bool` is an
`int` (`True == 1`, `{1: "a"}[True]`), so helpers dispatch on the exact class, never on
`isinstance(x, int)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar, NoReturn

import re2

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
UINT_MAX = 2**64 - 1


class CelError(Exception):
    """A CEL evaluation error (a value in CEL; an exception on the Python side)."""


class CelObject(Mapping[str, Any]):
    """A CEL message-like value: fields read as `o.field`, `has(o.field)`, and member functions.

    Subclasses list their fields in `cel_fields` (read through `__getitem__`) and the
    member functions CEL may call on them in `cel_methods` (Python methods of that name).
    """

    cel_fields: ClassVar[frozenset[str]] = frozenset()
    cel_methods: ClassVar[frozenset[str]] = frozenset()

    def __getitem__(self, key: str) -> Any:
        # on the per-call path: `self.cel_fields` is cheaper than `type(self).cel_fields`
        if key in self.cel_fields:
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(type(self).cel_fields))

    def __len__(self) -> int:
        return len(type(self).cel_fields)

    def __contains__(self, key: object) -> bool:
        return key in self.cel_fields


class UInt(int):
    """A CEL `uint` (0 to 2**64-1); arithmetic on it goes through this module's helpers."""

    __slots__ = ()

    def __new__(cls, value: int = 0) -> UInt:
        if not 0 <= value <= UINT_MAX:
            raise CelError("uint out of range")
        return super().__new__(cls, value)

    def __repr__(self) -> str:
        return f"{int(self)}u"


class CelType:
    """A CEL type value (`int`, `string`, `type(x)`, ...); equal when the names are."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CelType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("CelType", self.name))

    def __repr__(self) -> str:
        return self.name


class _NotConstant:
    """The `constant` of an expression whose value depends on its inputs."""

    def __repr__(self) -> str:
        return "NOT_CONSTANT"


NOT_CONSTANT: Any = _NotConstant()

TYPES: dict[str, CelType] = {
    n: CelType(n)
    for n in ("int", "uint", "double", "string", "bool", "bytes", "list", "map", "null_type", "type")
}
_KIND: dict[type, str] = {
    bool: "bool",
    int: "int",
    UInt: "uint",
    float: "double",
    str: "string",
    bytes: "bytes",
    type(None): "null_type",
    list: "list",
    dict: "map",
    CelType: "type",
}
_NUMERIC = frozenset({int, UInt, float})
_ORDERED = frozenset({int, UInt, float, str, bytes, bool})


def fail(message: str = "no such overload") -> NoReturn:
    """Raise a CEL error (usable inside an expression)."""
    raise CelError(message)


def kind(x: Any) -> str:
    """The CEL type name of a value."""
    k = _KIND.get(x.__class__)
    if k is not None:
        return k
    if isinstance(x, Mapping):
        return "map"
    if isinstance(x, (list, tuple)):
        return "list"
    if isinstance(x, str):
        return "string"
    raise CelError(f"unsupported value of kind `{type(x).__name__}`")


def type_of(x: Any) -> CelType:
    """CEL `type(x)`."""
    if isinstance(x, CelObject):
        return CelType(type(x).__name__)
    return TYPES[kind(x)]


def check_int(v: int) -> int:
    """An int result, or an overflow error."""
    if INT_MIN <= v <= INT_MAX:
        return v
    raise CelError("return error for overflow")


def check_bool(v: Any) -> bool:
    """`v` if it is a bool, else a CEL error (a condition that is not a bool)."""
    if v.__class__ is bool:
        return bool(v)
    raise CelError("no matching overload: expected a bool")


# ---- equality and ordering -------------------------------------------------------------


def eq(x: Any, y: Any) -> bool:
    """CEL `==` (heterogeneous: numbers compare by value, other kinds differ)."""
    cx = x.__class__
    if cx is y.__class__ and cx in _ORDERED:
        return bool(x == y)
    kx, ky = kind(x), kind(y)
    if kx != ky:
        return cx in _NUMERIC and y.__class__ in _NUMERIC and bool(x == y)
    if kx == "list":
        return len(x) == len(y) and all(eq(i, j) for i, j in zip(x, y, strict=True))
    if kx == "map":
        return _map_eq(x, y)
    return bool(x == y)


def _map_eq(x: Mapping[Any, Any], y: Mapping[Any, Any]) -> bool:
    if len(x) != len(y):
        return False
    for k in x:
        found, v = _lookup(y, k)
        if not found or not eq(x[k], v):
            return False
    return True


def ne(x: Any, y: Any) -> bool:
    """CEL `!=`."""
    return not eq(x, y)


def _ordered(x: Any, y: Any) -> None:
    cx, cy = x.__class__, y.__class__
    if not ((cx is cy and cx in _ORDERED) or (cx in _NUMERIC and cy in _NUMERIC)):
        raise CelError("no such overload for ordering")


def lt(x: Any, y: Any) -> bool:
    """CEL `<` (numbers across int, uint and double compare by value)."""
    _ordered(x, y)
    return bool(x < y)


def le(x: Any, y: Any) -> bool:
    """CEL `<=`."""
    _ordered(x, y)
    return bool(x <= y)


def gt(x: Any, y: Any) -> bool:
    """CEL `>`."""
    _ordered(x, y)
    return bool(x > y)


def ge(x: Any, y: Any) -> bool:
    """CEL `>=`."""
    _ordered(x, y)
    return bool(x >= y)


# ---- maps, lists, fields ---------------------------------------------------------------


def _lookup(m: Mapping[Any, Any], k: Any) -> tuple[bool, Any]:
    """Find key `k` by CEL equality: Python would match `True` with `1` and `1.0`."""
    ck = k.__class__
    if ck is str:
        return (True, m[k]) if k in m else (False, None)
    if ck not in _ORDERED or ck is bytes:
        return False, None
    if ck is float and not k.is_integer():
        return False, None
    try:
        if k not in m:
            return False, None
    except TypeError:
        return False, None
    if ck is bool or k in (0, 1):
        # keys 0/1 and False/True hash alike: find the stored key of the right kind
        want_bool = ck is bool
        for stored in m:
            if stored == k and (stored.__class__ is bool) == want_bool:
                return True, m[stored]
        return False, None
    return True, m[k]


def index(x: Any, i: Any) -> Any:
    """CEL `x[i]` on lists (int, uint or integral double index) and maps."""
    cx = x.__class__
    if cx is list or (cx is not str and isinstance(x, (list, tuple))):
        ci = i.__class__
        if ci is float and i.is_integer():
            i = int(i)
        elif ci is not int and ci is not UInt:
            raise CelError("no such overload: list index must be an int")
        if 0 <= i < len(x):
            return x[i]
        raise CelError("index out of range")
    if cx is dict or isinstance(x, Mapping):
        found, v = _lookup(x, i)
        if found:
            return v
        raise CelError(f"no such key: {i!r}")
    raise CelError("no such overload: value is not indexable")


def select(x: Any, field: str) -> Any:
    """CEL `x.field` on maps and objects (a missing field is an error)."""
    if isinstance(x, Mapping):
        try:
            return x[field]
        except KeyError:
            raise CelError(f"no such key: {field}") from None
    raise CelError(f"no such field `{field}`: the value is not a map")


def has(x: Any, field: str) -> bool:
    """CEL `has(x.field)`."""
    if isinstance(x, Mapping):
        return field in x
    raise CelError("invalid argument to has(): the value is not a map")


def contains_in(x: Any, c: Any) -> bool:
    """CEL `x in c` for lists (element equality) and maps (key presence)."""
    cc = c.__class__
    if cc is list or (cc is not str and isinstance(c, (list, tuple))):
        cx = x.__class__
        if cx is str:
            return x in c
        return any(eq(x, e) for e in c)
    if cc is dict or isinstance(c, Mapping):
        return _lookup(c, x)[0]
    raise CelError("no such overload for `in`")


def iterate(x: Any) -> Iterable[Any]:
    """The elements a macro ranges over: a list's elements or a map's keys."""
    cx = x.__class__
    if cx is list or cx is dict:
        return x  # type: ignore[no-any-return]
    if isinstance(x, (list, tuple, Mapping)) and not isinstance(x, str):
        return x
    raise CelError("no such overload: a macro needs a list or a map")


def make_map(*pairs: Any) -> dict[Any, Any]:
    """A map literal from key, value, key, value...: keys are int, uint, bool or string."""
    out: dict[Any, Any] = {}
    for j in range(0, len(pairs), 2):
        k = pairs[j]
        if k.__class__ not in _MAP_KEYS:
            raise CelError("unsupported key type")
        if _lookup(out, k)[0]:
            raise CelError(f"failed with repeated key: {k!r}")
        if k in out:
            # a Python dict cannot hold both `true` and `1`: a documented remit limitation
            raise CelError("a map cannot mix the keys `true`/`false` and `1`/`0`")
        out[k] = pairs[j + 1]
    return out


_MAP_KEYS = frozenset({int, UInt, bool, str})


def size(x: Any) -> int:
    """CEL `size`: code points of a string, bytes, list elements, map entries."""
    if isinstance(x, (str, bytes, list, tuple, Mapping)):
        return len(x)
    raise CelError("no such overload for size")


# ---- arithmetic ------------------------------------------------------------------------


def _same_numeric(x: Any, y: Any) -> type:
    c: type = x.__class__
    if c not in _NUMERIC or y.__class__ is not c:
        raise CelError("no such overload for arithmetic")
    return c


def _wrap(c: type, v: Any) -> Any:
    if c is int:
        return check_int(v)
    if c is UInt:
        if 0 <= v <= UINT_MAX:
            return UInt(v)
        raise CelError("return error for overflow")
    return v


def add(x: Any, y: Any) -> Any:
    """CEL `+`: numbers of one kind, strings, bytes, lists."""
    c = x.__class__
    if c is y.__class__ and c in (str, bytes, list):
        return x + y
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return [*x, *y]
    return _wrap(_same_numeric(x, y), x + y)


def sub(x: Any, y: Any) -> Any:
    """CEL `-`."""
    return _wrap(_same_numeric(x, y), x - y)


def mul(x: Any, y: Any) -> Any:
    """CEL `*`."""
    return _wrap(_same_numeric(x, y), x * y)


def div(x: Any, y: Any) -> Any:
    """CEL `/`: integers truncate toward zero, division by zero is an error (inf for doubles)."""
    c = _same_numeric(x, y)
    if c is float:
        if y == 0.0:
            if x == 0.0 or math.isnan(x):
                return math.nan
            return math.copysign(math.inf, x) * math.copysign(1.0, y)
        return x / y
    if y == 0:
        raise CelError("divide by zero")
    q = abs(x) // abs(y)
    return _wrap(c, -q if (x < 0) != (y < 0) else q)


def mod(x: Any, y: Any) -> Any:
    """CEL `%`: integers only, the result takes the sign of the dividend."""
    c = _same_numeric(x, y)
    if c is float:
        raise CelError("no such overload for % on doubles")
    if y == 0:
        raise CelError("modulus by zero")
    r = abs(x) % abs(y)
    return _wrap(c, -r if x < 0 else r)


def neg(x: Any) -> Any:
    """CEL unary `-` (ints and doubles)."""
    c = x.__class__
    if c is int:
        return check_int(-x)
    if c is float:
        return -x
    raise CelError("no such overload for negation")


def not_(x: Any) -> bool:
    """CEL `!`."""
    if x is True:
        return False
    if x is False:
        return True
    raise CelError("no such overload for !")


# ---- logic (careful mode): errors are values that && and || absorb ---------------------


def as_error(e: Exception) -> CelError:
    """A Python exception raised by generated code, as a CEL error."""
    if isinstance(e, CelError):
        return e
    if isinstance(e, KeyError):
        return CelError(f"no such key: {e.args[0] if e.args else ''}")
    if isinstance(e, (TypeError, AttributeError)):
        return CelError("no such overload")
    if isinstance(e, ZeroDivisionError):
        return CelError("divide by zero")
    if isinstance(e, RecursionError):
        return CelError("expression nests too deeply")
    return CelError(str(e) or "evaluation error")


def _try(f: Callable[[], Any]) -> Any:
    try:
        return f()
    except Exception as e:  # any failure is a CEL error value here
        return as_error(e)


def _try_call(f: Callable[[Any], Any], item: Any) -> Any:
    try:
        return f(item)
    except Exception as e:  # any failure is a CEL error value here
        return as_error(e)


def and_(*operands: Callable[[], Any]) -> bool:
    """CEL `&&` over its operands: false if any is false, even when others err."""
    return _logic(operands, False)


def or_(*operands: Callable[[], Any]) -> bool:
    """CEL `||` over its operands: true if any is true, even when others err."""
    return _logic(operands, True)


def _logic(operands: tuple[Callable[[], Any], ...], decisive: bool) -> bool:
    err: CelError | None = None
    other = not decisive
    for f in operands:
        v = _try(f)
        if v is decisive:
            return bool(decisive)
        if v is not other and err is None:
            err = v if isinstance(v, CelError) else CelError("no matching overload: expected a bool")
    if err is not None:
        raise err
    return other


def all_(f: Callable[[Any], Any], items: Any) -> bool:
    """The `all` macro: any false gives false, else any error is the result."""
    err: CelError | None = None
    for item in iterate(items):
        v = _try_call(f, item)
        if v is False:
            return False
        if v is not True:
            err = v if isinstance(v, CelError) else CelError("no matching overload")
    if err is not None:
        raise err
    return True


def exists(f: Callable[[Any], Any], items: Any) -> bool:
    """The `exists` macro: any true gives true, else any error is the result."""
    err: CelError | None = None
    for item in iterate(items):
        v = _try_call(f, item)
        if v is True:
            return True
        if v is not False:
            err = v if isinstance(v, CelError) else CelError("no matching overload")
    if err is not None:
        raise err
    return False


def count_true(values: Iterable[Any]) -> int:
    """How many of `values` are true (for `exists_one`); a non-bool is an error."""
    n = 0
    for v in values:
        if v is True:
            n += 1
        elif v is not False:
            raise CelError("no matching overload: expected a bool")
    return n


# ---- conversions -----------------------------------------------------------------------

_INT_TEXT = re2.compile(r"^[+-]?[0-9]+$")
_UINT_TEXT = re2.compile(r"^\+?[0-9]+$")
_DOUBLE_TEXT = re2.compile(
    r"^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))$"
)
_BOOL_TEXT = {
    "1": True, "t": True, "true": True, "TRUE": True, "True": True,
    "0": False, "f": False, "false": False, "FALSE": False, "False": False,
}  # fmt: skip


def to_int(x: Any) -> int:
    """CEL `int(x)`."""
    c = x.__class__
    if c is int:
        return x  # type: ignore[no-any-return]
    if c is UInt:
        return check_int(int(x))
    if c is float:
        if math.isfinite(x) and -(2.0**63) <= x < 2.0**63:
            return int(x)
        raise CelError("double out of int range")
    if c is str and _INT_TEXT.search(x):
        return check_int(int(x))
    raise CelError("no such overload for int()")


def to_uint(x: Any) -> UInt:
    """CEL `uint(x)`."""
    c = x.__class__
    if c is UInt:
        return x  # type: ignore[no-any-return]
    if c is int:
        return UInt(x)
    if c is float:
        if math.isfinite(x) and 0.0 <= x < 2.0**64:
            return UInt(int(x))
        raise CelError("double out of uint range")
    if c is str and _UINT_TEXT.search(x):
        return UInt(int(x))
    raise CelError("no such overload for uint()")


def to_double(x: Any) -> float:
    """CEL `double(x)`."""
    c = x.__class__
    if c is float:
        return x  # type: ignore[no-any-return]
    if c is int or c is UInt:
        return float(x)
    if c is str and _DOUBLE_TEXT.search(x):
        return float(x)
    raise CelError("no such overload for double()")


def to_string(x: Any) -> str:
    """CEL `string(x)`."""
    c = x.__class__
    if c is str:
        return x  # type: ignore[no-any-return]
    if c is bool:
        return "true" if x else "false"
    if c is int or c is UInt:
        return str(int(x))
    if c is float:
        return format_double(x)
    if c is bytes:
        try:
            return x.decode("utf-8")  # type: ignore[no-any-return]
        except UnicodeDecodeError:
            raise CelError("invalid UTF-8 in bytes") from None
    raise CelError("no such overload for string()")


def format_double(f: float) -> str:
    """A double as CEL prints it (Go's `%g` with the shortest exact digits)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, f) < 0 else ""
    mant, _, e = repr(abs(f)).partition("e")
    whole, _, frac = mant.partition(".")
    digits, point = whole + frac, len(whole) + (int(e) if e else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    if not digits:
        return sign + "0"
    exp = point - 1
    if exp < -4 or exp >= 6:
        tail = "." + digits[1:] if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{tail}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def to_bytes(x: Any) -> bytes:
    """CEL `bytes(x)`."""
    if x.__class__ is bytes:
        return x
    if x.__class__ is str:
        return x.encode("utf-8")
    raise CelError("no such overload for bytes()")


def to_bool(x: Any) -> bool:
    """CEL `bool(x)`."""
    if x.__class__ is bool:
        return x
    if x.__class__ is str and x in _BOOL_TEXT:
        return _BOOL_TEXT[x]
    raise CelError("no such overload for bool()")


# ---- strings, regexes, member calls ----------------------------------------------------


def _str(x: Any) -> str:
    if x.__class__ is str:
        return x
    raise CelError("no such overload: expected a string")


def _int_arg(x: Any) -> int:
    if x.__class__ is int:
        return x
    raise CelError("no such overload: expected an int")


def call_method(recv: Any, name: str, *args: Any) -> Any:
    """A member call the compiler does not know: the receiver's `cel_methods` decide."""
    methods = getattr(recv.__class__, "cel_methods", None)
    if methods is not None and name in methods:
        return getattr(recv, name)(*args)
    raise CelError(f"no such overload: {name}")


def starts_with(x: Any, p: Any) -> bool:
    """CEL `x.startsWith(p)`."""
    if x.__class__ is str and p.__class__ is str:
        return bool(x.startswith(p))
    return bool(call_method(x, "startsWith", p))


def ends_with(x: Any, p: Any) -> bool:
    """CEL `x.endsWith(p)`."""
    if x.__class__ is str and p.__class__ is str:
        return bool(x.endswith(p))
    return bool(call_method(x, "endsWith", p))


def contains(x: Any, p: Any) -> bool:
    """CEL `x.contains(p)`."""
    if x.__class__ is str and p.__class__ is str:
        return p in x
    return bool(call_method(x, "contains", p))


_RE_OPTIONS = re2.Options()
_RE_OPTIONS.log_errors = False
_RE_CACHE: dict[str, Any] = {}
_RE_CACHE_SIZE = 256
RegexError = re2.error


def compile_regex(pattern: str) -> Any:
    """An RE2 pattern (raises `RegexError` when RE2 rejects it)."""
    return re2.compile(pattern, _RE_OPTIONS)


def matches_re(x: Any, rx: Any) -> bool:
    """`x.matches(p)` with `p` compiled at policy load."""
    return rx.search(_str(x)) is not None


def matches(x: Any, pattern: Any) -> bool:
    """`x.matches(p)` with a pattern known only at run time (a small bounded cache)."""
    rx = _RE_CACHE.get(_str(pattern))
    if rx is None:
        try:
            rx = compile_regex(pattern)
        except RegexError:
            raise CelError(f"invalid regex `{pattern}`") from None
        if len(_RE_CACHE) >= _RE_CACHE_SIZE:
            _RE_CACHE.clear()
        _RE_CACHE[pattern] = rx
    return matches_re(x, rx)


def lower_ascii(x: Any) -> str:
    """`s.lowerAscii()`: only ASCII letters change."""
    return _str(x).translate(_LOWER)


def upper_ascii(x: Any) -> str:
    """`s.upperAscii()`."""
    return _str(x).translate(_UPPER)


_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}


# Unicode White_Space, as Go's unicode.IsSpace (Python's str.strip also takes \x1c-\x1f)
_WHITESPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


def trim(x: Any) -> str:
    """`s.trim()`: leading and trailing whitespace removed."""
    return _str(x).strip(_WHITESPACE)


def split(x: Any, sep: Any, n: Any = -1) -> list[str]:
    """`s.split(sep[, n])`: n == 0 gives [], n < 0 all parts, n > 0 at most n parts."""
    s, sep, n = _str(x), _str(sep), _int_arg(n)
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        return chars if n < 0 or n >= len(chars) else [*chars[: n - 1], "".join(chars[n - 1 :])]
    return s.split(sep, n - 1 if n > 0 else -1)


def join(x: Any, sep: Any = "") -> str:
    """`list.join([sep])`: a list of strings joined."""
    if not isinstance(x, (list, tuple)):
        raise CelError("no such overload for join")
    return _str(sep).join(_str(e) for e in x)


def replace(x: Any, old: Any, new: Any, n: Any = -1) -> str:
    """`s.replace(old, new[, n])`."""
    return _str(x).replace(_str(old), _str(new), _int_arg(n))


def index_of(x: Any, sub: Any, start: Any = 0) -> int:
    """`s.indexOf(sub[, start])`: a code point index, or -1."""
    s, sub, start = _str(x), _str(sub), _int_arg(start)
    if not 0 <= start <= len(s):
        raise CelError("index out of range")
    return s.find(sub, start)


def last_index_of(x: Any, sub: Any, *start: Any) -> int:
    """`s.lastIndexOf(sub[, start])`: the last match starting at or before `start`."""
    s, sub = _str(x), _str(sub)
    end = len(s)
    if start:
        at = _int_arg(start[0])
        if not 0 <= at <= len(s):
            raise CelError("index out of range")
        end = at + len(sub)
    return s.rfind(sub, 0, end)


def substring(x: Any, start: Any, *end: Any) -> str:
    """`s.substring(start[, end])` over code points."""
    s, b = _str(x), _int_arg(start)
    e = _int_arg(end[0]) if end else len(s)
    if not 0 <= b <= e <= len(s):
        raise CelError("index out of range")
    return s[b:e]


def _numbers(args: tuple[Any, ...]) -> list[Any]:
    items = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    if not items:
        raise CelError("min/max of an empty list")
    for v in items:
        if v.__class__ not in _NUMERIC:
            raise CelError("no such overload: min/max take numbers")
    return items


def min_(*args: Any) -> Any:
    """remit's `min(a, b, ...)` or `min(list)` over numbers."""
    best, *rest = _numbers(args)
    for v in rest:
        if v < best:
            best = v
    return best


def max_(*args: Any) -> Any:
    """remit's `max(a, b, ...)` or `max(list)` over numbers."""
    best, *rest = _numbers(args)
    for v in rest:
        if v > best:
            best = v
    return best
