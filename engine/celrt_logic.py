"""CEL logic: `!`, and the careful mode's `&&`, `||` and macros, where errors are values.

Part of the runtime of compiled CEL: import these through `celrt`, which re-exports them
(this module builds on `celrt_core`'s values and types).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .celrt_core import CelError, CostLimitExceeded, iterate


def not_(x: Any) -> bool:
    """CEL `!`."""
    if x is True:
        return False
    if x is False:
        return True
    raise CelError("no such overload for !")


# ---- logic (careful mode): errors are values that && and || absorb ---------------------


def detached(e: CelError) -> CelError:
    """`e` without the frames it went through: an error kept as a value (in a local of the
    code that caught it, in a rule's outcome) would hold that very frame through its
    traceback, a cycle that keeps the whole decision alive until the collector runs."""
    e.__traceback__ = None
    e.__context__ = None
    e.__cause__ = None
    return e


def as_error(e: Exception) -> CelError:
    """A Python exception raised by generated code, as a CEL error."""
    if isinstance(e, CelError):
        return detached(e)
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
    except CostLimitExceeded:  # not a value: it ends the evaluation
        raise
    except Exception as e:  # any other failure is a CEL error value here
        return as_error(e)


def _try_call(f: Callable[[Any], Any], item: Any) -> Any:
    try:
        return f(item)
    except CostLimitExceeded:
        raise
    except Exception as e:
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
