"""CEL's work budget: what a macro iteration or a size-proportional operation costs.

Part of the runtime of compiled CEL: import these through `celrt`, which re-exports them
(this module builds on `celrt_core`'s values and types).

The model follows cel-go's runtime cost: one unit is about one expression node evaluated.
An iteration of a macro costs the number of nodes of its body (charged for the whole range
before the first iteration); an operation that walks a value costs one unit per element
and per 10 characters or bytes it reads or builds; a substring search or a regex costs the
product of the text's and the pattern's costs, as in cel-go. Only what runs inside a macro
body is charged: outside one, each node runs at most once per evaluation, so its work is
bounded by the size of the inputs. A budget is a one-element list holding the units left;
a call's activation carries one for the whole decision (`cel_budget`), and an evaluation
without one gets its own.

Values a condition builds (`+`, `replace`, `join`) are bounded in size wherever they are
built, so no evaluation can allocate more than a few times its input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .celrt_arith import add
from .celrt_core import _ORDERED, COST_LIMIT, CelError, CostLimitExceeded, _lookup, eq, iterate
from .celrt_text import _RE_CACHE, compile_match, dynamic_regex, matches_re

_REGEX = compile_match("").__class__

CHARS_PER_UNIT = 10
PROGRAM_PER_UNIT = 4

Budget = list[int]


def budget(a: Any) -> Budget:
    """The budget of the call being decided, or a fresh one for an evaluation on its own."""
    b: Budget | None = getattr(a, "cel_budget", None)
    return [COST_LIMIT] if b is None else b


def spend(c: Budget, units: int) -> None:
    """Charge `units`; raise `CostLimitExceeded` once the budget is spent."""
    left = c[0] - units
    c[0] = left
    if left < 0:
        raise CostLimitExceeded(f"cost limit exceeded: more than {COST_LIMIT} steps of work for one call")


def size_cost(x: Any) -> int:
    """What reading `x` once costs: its elements, or a unit per 10 characters or bytes."""
    cx = x.__class__
    if cx is str or cx is bytes:
        return len(x) // CHARS_PER_UNIT
    if cx is list or cx is dict or cx is tuple:
        return len(x)
    if isinstance(x, (str, bytes)):
        return len(x) // CHARS_PER_UNIT
    if isinstance(x, (list, tuple, Mapping)):
        return len(x)
    return 0


def over(c: Budget, weight: int, r: Any) -> Iterable[Any]:
    """A macro's range, its iterations paid for in advance (`weight` units each)."""
    items = r if r.__class__ is list else iterate(r)
    left = c[0] - len(items) * weight  # type: ignore[arg-type]  # `spend`, inlined: once per macro
    c[0] = left
    if left < 0:
        raise CostLimitExceeded(f"cost limit exceeded: more than {COST_LIMIT} steps of work for one call")
    return items


# ---- what a call costs, from its arguments --------------------------------------------


def cost_linear(*args: Any) -> int:
    """A call that walks each of its arguments once."""
    n = 1
    for x in args:
        n += size_cost(x)
    return n


def cost_search(s: Any, p: Any, *rest: Any) -> int:
    """A substring search (`contains`, `indexOf`, `split`, `replace`): text times pattern."""
    return (1 + size_cost(s)) * (1 + size_cost(p)) + cost_linear(*rest)


def cost_unit(*args: Any) -> int:
    """A call whose work is its result's size (paid after it, by `metered`)."""
    return 1


def cost_regex(s: Any, rx: Any) -> int:
    """An RE2 search: the text's cost times the size of the pattern's program.

    RE2 takes time linear in the text, times the program's size in the worst case (when its
    DFA gives up and it simulates the automaton); cel-go charges the pattern's length.
    """
    program: int = rx.programsize
    return (1 + size_cost(s)) * (1 + program // PROGRAM_PER_UNIT)


def matches_c(c: Budget, x: Any, p: Any) -> bool:
    """`x.matches(p)` that pays: in a macro body, or with a pattern known only at run time."""
    if p.__class__ is str:
        if p not in _RE_CACHE:
            spend(c, 1 + len(p))  # compiling
        p = dynamic_regex(p)
    elif p.__class__ is not _REGEX:
        raise CelError("no such overload: expected a string")
    spend(c, cost_regex(x, p))
    return matches_re(x, p)


def metered(c: Budget, cost: Callable[..., int], f: Callable[..., Any], *args: Any) -> Any:
    """Call `f` inside a macro body: pay for reading the arguments first, then for the result."""
    spend(c, cost(*args))
    out = f(*args)
    if out.__class__ in _BUILT:
        spend(c, size_cost(out))
    return out


_BUILT = frozenset({str, bytes, list})


# ---- operators inside macro bodies -----------------------------------------------------


def eq_c(c: Budget, x: Any, y: Any) -> bool:
    """CEL `==` inside a macro body: strings, lists and maps pay for what they compare."""
    cx = x.__class__
    if cx is y.__class__ and cx in _ORDERED:
        if (cx is str or cx is bytes) and len(x) == len(y):
            spend(c, 1 + len(x) // CHARS_PER_UNIT)  # unequal lengths compare in one step
        return bool(x == y)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        if len(x) != len(y):
            return False
        spend(c, 1 + len(x))
        return all(eq_c(c, i, j) for i, j in zip(x, y, strict=True))
    if isinstance(x, Mapping) and isinstance(y, Mapping):
        if len(x) != len(y):
            return False
        spend(c, 1 + len(x))
        for k in x:
            found, v = _lookup(y, k)
            if not found or not eq_c(c, x[k], v):
                return False
        return True
    return eq(x, y)


def ne_c(c: Budget, x: Any, y: Any) -> bool:
    """CEL `!=` inside a macro body."""
    return not eq_c(c, x, y)


def order_c(c: Budget, f: Callable[[Any, Any], bool], x: Any, y: Any) -> bool:
    """`<`, `<=`, `>`, `>=` inside a macro body: strings and bytes pay for their common length."""
    spend(c, 1 + min(size_cost(x), size_cost(y)))
    return f(x, y)


def in_c(c: Budget, x: Any, coll: Any) -> bool:
    """CEL `x in coll` inside a macro body: a list pays for each element it compares."""
    cc = coll.__class__
    if cc is list or (cc is not str and isinstance(coll, (list, tuple))):
        if x.__class__ is str:
            spend(c, len(coll) * (1 + len(x) // CHARS_PER_UNIT))
            return x in coll
        spend(c, 1 + len(coll))
        return any(eq_c(c, x, e) for e in coll)
    if cc is dict or isinstance(coll, Mapping):
        spend(c, 1 + size_cost(x))
        return _lookup(coll, x)[0]
    raise CelError("no such overload for `in`")


def add_c(c: Budget, x: Any, y: Any) -> Any:
    """CEL `+` inside a macro body: concatenation pays for what it builds."""
    cx = x.__class__
    if cx is str or cx is bytes or isinstance(x, (list, tuple)):
        spend(c, 1 + size_cost(x) + size_cost(y))
    return add(x, y)
