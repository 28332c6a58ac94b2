"""Runtime of compiled CEL: what generated code (see `celc.py`) and the rest of remit call.

Generated code calls only what this module exports: its globals are this module's public
callables (`celenv.helper_globals`). Values are plain Python: int, `UInt`, float, str, bytes,
bool, None, list, dict, and `CelObject`s (facts computed by the analyzers, the session view);
a map literal with both `true` and `1` as keys, which no dict can hold, is a `MixedKeyMap`.

The helpers live in `celrt_core` (values, types, error values, equality, collections),
`celrt_logic` (`!`, `&&`, `||`, the macros), `celrt_arith` (arithmetic, conversions),
`celrt_text` (strings, regexes, member calls) and `celrt_cost` (the work budget of macros,
the bound on the size of built values). They are re-exported here as the same objects, so
the per-call path has no extra indirection: import them from here.
"""

from __future__ import annotations

from .celrt_arith import (
    add,
    div,
    format_double,
    max_,
    min_,
    mod,
    mul,
    neg,
    sub,
    to_bool,
    to_bytes,
    to_double,
    to_int,
    to_string,
    to_uint,
)

# fmt: off
from .celrt_core import (
    COST_LIMIT,
    INT_MAX,
    INT_MIN,
    MAX_VALUE_SIZE,
    NOT_CONSTANT,
    TYPES,
    UINT_MAX,
    CelError,
    CelObject,
    CelType,
    CostLimitExceeded,
    MixedKeyMap,
    UInt,
    check_bool,
    check_int,
    contains_in,
    eq,
    fail,
    ge,
    gt,
    has,
    index,
    iterate,
    kind,
    le,
    lt,
    make_map,
    ne,
    select,
    size,
    too_large,
    type_of,
)
from .celrt_cost import (
    add_c,
    budget,
    cost_linear,
    cost_regex,
    cost_search,
    cost_unit,
    eq_c,
    in_c,
    matches_c,
    metered,
    ne_c,
    order_c,
    over,
    size_cost,
    spend,
)
from .celrt_logic import all_, and_, as_error, count_true, detached, exists, not_, or_
from .celrt_text import _RE_CACHE as _RE_CACHE
from .celrt_text import _RE_CACHE_SIZE as _RE_CACHE_SIZE
from .celrt_text import (
    RegexError,
    call_method,
    compile_match,
    compile_regex,
    contains,
    dynamic_regex,
    ends_with,
    index_of,
    join,
    last_index_of,
    lower_ascii,
    matches,
    matches_lit,
    matches_re,
    replace,
    required_literal,
    split,
    starts_with,
    substring,
    trim,
    upper_ascii,
)

__all__ = [
    "COST_LIMIT", "INT_MAX", "INT_MIN", "MAX_VALUE_SIZE", "NOT_CONSTANT", "TYPES", "UINT_MAX",
    "CelError", "CelObject", "CelType", "CostLimitExceeded", "MixedKeyMap", "RegexError", "UInt",
    "add", "add_c", "all_", "and_", "as_error", "budget", "call_method", "check_bool", "check_int",
    "compile_match", "compile_regex", "contains", "contains_in", "cost_linear", "cost_regex",
    "cost_search", "cost_unit", "count_true", "detached", "div", "dynamic_regex", "ends_with", "eq", "eq_c",
    "exists", "fail", "format_double", "ge", "gt", "has", "in_c", "index", "index_of", "iterate",
    "join", "kind", "last_index_of", "le", "lower_ascii", "lt", "make_map", "matches", "matches_c",
    "matches_lit", "matches_re", "max_", "metered", "min_", "mod", "mul", "ne", "ne_c", "neg",
    "not_", "or_", "order_c", "over", "replace", "required_literal", "select", "size", "size_cost",
    "spend", "split", "starts_with", "sub", "substring", "to_bool", "to_bytes", "to_double",
    "to_int", "to_string", "to_uint", "too_large", "trim", "type_of", "upper_ascii",
]
# fmt: on
