"""CEL numbers: arithmetic with CEL's overflow rules, conversions, `min` and `max`.

Part of the runtime of compiled CEL: import these through `celrt`, which re-exports them
(this module builds on `celrt_core`'s values and types).
"""

from __future__ import annotations

import math
from typing import Any

import re2

from .celrt_core import (
    _NUMERIC,
    INT_MAX,
    INT_MIN,
    MAX_VALUE_SIZE,
    UINT_MAX,
    CelError,
    UInt,
    check_int,
    too_large,
)

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
    """CEL `+`: numbers of one kind, strings, bytes, lists (no larger than CEL may build)."""
    c = x.__class__
    if c is int and y.__class__ is int:  # the common case first, with `_wrap`'s range check
        v = x + y
        if INT_MIN <= v <= INT_MAX:
            return v
        raise CelError("return error for overflow")
    if c is y.__class__ and c in (str, bytes, list):
        if len(x) + len(y) > MAX_VALUE_SIZE:
            raise too_large()
        return x + y
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        if len(x) + len(y) > MAX_VALUE_SIZE:
            raise too_large()
        return [*x, *y]
    return _wrap(_same_numeric(x, y), x + y)


def sub(x: Any, y: Any) -> Any:
    """CEL `-`."""
    if x.__class__ is int and y.__class__ is int:
        return check_int(x - y)
    return _wrap(_same_numeric(x, y), x - y)


def mul(x: Any, y: Any) -> Any:
    """CEL `*`."""
    if x.__class__ is int and y.__class__ is int:
        return check_int(x * y)
    return _wrap(_same_numeric(x, y), x * y)


def div(x: Any, y: Any) -> Any:
    """CEL `/`: integers truncate toward zero, division by zero is an error (inf for doubles)."""
    if x.__class__ is int and y.__class__ is int and x >= 0 and y > 0:
        return check_int(x // y)  # no sign to fix (an input may still exceed int's range)
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
        return check_int(_int_of_text(x))
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
        return UInt(_int_of_text(x))
    raise CelError("no such overload for uint()")


def _int_of_text(x: str) -> int:
    """The integer of checked decimal text; more than 20 significant digits is an overflow.

    Python converts long digit strings in quadratic time (or refuses them): leading zeros
    are dropped first, and a number too long for 64 bits is refused without converting it.
    """
    sign = x[0] if x[0] in "+-" else ""
    digits = x[len(sign) :].lstrip("0") or "0"
    if len(digits) > 20:
        raise CelError("return error for overflow")
    return int(sign + digits)


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


# ---- min and max -----------------------------------------------------------------------


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
    if len(args) == 2:
        x, y = args
        if x.__class__ is int and y.__class__ is int:
            return y if y < x else x
    best, *rest = _numbers(args)
    for v in rest:
        if v < best:
            best = v
    return best


def max_(*args: Any) -> Any:
    """remit's `max(a, b, ...)` or `max(list)` over numbers."""
    if len(args) == 2:
        x, y = args
        if x.__class__ is int and y.__class__ is int:
            return y if y > x else x
    best, *rest = _numbers(args)
    for v in rest:
        if v > best:
            best = v
    return best
