"""The core of compiled CEL's runtime: values, types, error values, equality and collections.

`celrt` is what generated code and the rest of remit import: it re-exports this module's
public names with those of `celrt_logic`, `celrt_arith`, `celrt_text` and `celrt_cost`,
which build on this one (so any of them can be imported first).

Every helper either returns exactly CEL's value or raises (`CelError`, or any Python
exception, which the compiled function turns into a `CelError`). Python's `bool` is an
`int` (`True == 1`, `{1: "a"}[True]`), so helpers dispatch on the exact class, never on
`isinstance(x, int)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, NoReturn

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
UINT_MAX = 2**64 - 1

COST_LIMIT = 1_000_000
"""The units of work the conditions of one decision may spend (see `celrt_cost`): about 80 times
what the costliest call of the real traces spends under the shipped policies."""

MAX_VALUE_SIZE = 2_000_000
"""The most characters, bytes or elements a string, bytes or list built by CEL may hold."""


class CelError(Exception):
    """A CEL evaluation error (a value in CEL; an exception on the Python side)."""


class CostLimitExceeded(CelError):
    """The conditions of a call spent their budget: it ends the evaluation, `&&` and `||` do not absorb it."""


def too_large() -> CelError:
    """The error for a value larger than CEL may build."""
    return CelError(f"value too large: more than {MAX_VALUE_SIZE} characters, bytes or elements")


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


class MixedKeyMap(Mapping[Any, Any]):
    """A CEL map that holds a bool key and the int or uint key Python takes it for:
    `{true: "a", 1: "b"}`, `{false: "a", 0u: "b"}`.

    A dict cannot hold both (`True == 1`, with the same hash), so this map keeps each entry
    under `(is a bool, key)`: `true` and `1` stay apart while `1`, `1u` and `1.0` still find
    the same entry, as CEL's heterogeneous equality says. Its keys read back as written (a
    macro ranging over it sees `true`, a bool). Only a map literal that needs one builds it
    (`make_map`): every other map is a plain dict.
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: dict[tuple[bool, Any], Any]) -> None:
        self._entries = entries

    def __getitem__(self, key: Any) -> Any:
        return self._entries[(key.__class__ is bool, key)]

    def __contains__(self, key: object) -> bool:
        try:
            return (key.__class__ is bool, key) in self._entries
        except TypeError:  # an unhashable value is no key
            return False

    def __iter__(self) -> Iterator[Any]:
        return (key for _, key in self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __eq__(self, other: object) -> bool:
        # Python's `==`, key kinds kept apart (CEL's `==` is `eq`)
        if isinstance(other, MixedKeyMap):
            return self._entries == other._entries
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a map, unhashable as a dict is

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in self.items()) + "}"

    def __reduce__(self) -> tuple[Any, ...]:
        return MixedKeyMap, (self._entries,)


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
    MixedKeyMap: "map",
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
        # keys 0/1 and False/True hash alike: find the stored key of the right kind (a
        # `MixedKeyMap` holds both, and reads each only by a key of its own kind)
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
        raise CelError(f"no such key: {_key_text(i)}")
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


def make_map(*pairs: Any) -> Mapping[Any, Any]:
    """A map literal from key, value, key, value...: keys are int, uint, bool or string.

    A dict, unless two keys are one to Python: the same key twice, an error, or a bool and
    the int or uint it equals in Python, distinct keys in CEL (see `MixedKeyMap`)."""
    out: dict[Any, Any] = {}
    for j in range(0, len(pairs), 2):
        k = pairs[j]
        if k.__class__ not in _MAP_KEYS:
            raise CelError("unsupported key type")
        if k in out:
            return _mixed_key_map(pairs)
        out[k] = pairs[j + 1]
    return out


def _mixed_key_map(pairs: tuple[Any, ...]) -> MixedKeyMap:
    """The map literal of `make_map` whose keys a dict cannot keep apart (or the error)."""
    entries: dict[tuple[bool, Any], Any] = {}
    for j in range(0, len(pairs), 2):
        k = pairs[j]
        if k.__class__ not in _MAP_KEYS:
            raise CelError("unsupported key type")
        slot = (k.__class__ is bool, k)
        if slot in entries:
            raise CelError(f"failed with repeated key: {_key_text(k)}")
        entries[slot] = pairs[j + 1]
    return MixedKeyMap(entries)


def _key_text(k: Any) -> str:
    """A map key as error messages show it: `true`, `1`, `1u`, `'a'`."""
    if k.__class__ is bool:
        return "true" if k else "false"
    return repr(k)


_MAP_KEYS = frozenset({int, UInt, bool, str})


def size(x: Any) -> int:
    """CEL `size`: code points of a string, bytes, list elements, map entries."""
    if isinstance(x, (str, bytes, list, tuple, Mapping)):
        return len(x)
    raise CelError("no such overload for size")
