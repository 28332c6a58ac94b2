"""Large arguments are proven within their bounds a level of nesting at a time, and give what
the value-by-value way gives, on any input.

- `_within` (the `Guard`'s proof that arguments are within every bound) says yes exactly when
  `_walk` finds no bound passed, and its Python work grows with the levels, not the values;
- `canonical_json` proves a value plain the same way, and its bytes stay the json module's.
"""

from __future__ import annotations

import enum
import json
import sys
import uuid
from collections.abc import Callable
from types import FrameType
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit import log as log_module
from remit.bounds import MAX_ARG_DEPTH, MAX_ARG_NODES, MAX_ARG_TEXT, _walk, _within
from remit.bounds import oversized as _oversized
from remit.log import canonical_json


class Text(str):
    pass


class Number(int):
    pass


class Rows(list):  # type: ignore[type-arg]
    pass


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Ratio(float, enum.Enum):
    HALF = 0.5


ODD = ["", "\x7f", "\x00\x1f\n\t", '"\\/', "é", "😀", "\ud800", "a\x7fb"]
TEXT = st.text(max_size=6) | st.sampled_from(ODD)
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | TEXT
    | st.sampled_from([Text("t"), Number(7), Color.RED, Level.HIGH, Ratio.HALF, uuid.UUID(int=1)])
    | st.just(orjson.Fragment(b"[1]"))
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(TEXT | st.integers(-3, 3), inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.lists(inner, max_size=2).map(Rows)
    ),
    max_leaves=20,
)


def nested(value: Any, levels: int, kind: Callable[[Any], Any] = lambda v: [v]) -> Any:
    for _ in range(levels):
        value = kind(value)
    return value


JSON_VALUES = st.recursive(  # what an agent's JSON gives: exact types only
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


def agrees(args: dict[str, Any]) -> bool:
    """`_within` says yes only where the walk finds nothing; on exact JSON types, always then."""
    within, walk = _within(args), _walk(args)
    exact = all(type(v) in (dict, list, tuple, str, int, float, bool, type(None)) for v in values(args))
    return (walk == "" if within else walk != "" or not exact) and _oversized(args) == walk


def values(value: Any, depth: int = 0) -> list[Any]:
    if depth > MAX_ARG_DEPTH + 1:
        return []
    if isinstance(value, dict):
        return [value, *(v for item in value.values() for v in values(item, depth + 1))]
    if isinstance(value, (list, tuple)):
        return [value, *(v for item in value for v in values(item, depth + 1))]
    return [value]


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=3), VALUES, max_size=5))
def test_within_is_the_walk_finding_nothing(args: dict[str, Any]) -> None:
    assert agrees(args)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=3), JSON_VALUES, max_size=5))
def test_within_is_the_walk_finding_nothing_on_json(args: dict[str, Any]) -> None:
    assert _within(args) == (_walk(args) == "")
    assert agrees(args)


@pytest.mark.parametrize(
    "kind", [lambda v: [v], lambda v: {"k": v}, lambda v: (v,)], ids=["list", "dict", "tuple"]
)
@pytest.mark.parametrize("leaf", ["x", 1, 1.5, None, [], {}, (), Text("t"), Color.RED, orjson.Fragment(b"1")])
@pytest.mark.parametrize("levels", [MAX_ARG_DEPTH - 2, MAX_ARG_DEPTH - 1, MAX_ARG_DEPTH, MAX_ARG_DEPTH + 1])
def test_within_at_the_bound_on_depth(kind: Callable[[Any], Any], leaf: Any, levels: int) -> None:
    args = {"a": nested(leaf, levels - 1, kind)}  # the leaf at depth `levels`
    assert agrees(args)


def rows_near_the_bounds(extra: int) -> list[Any]:
    """Arguments at each bound give or take `extra` (one past it when 1)."""
    return [
        {"rows": [{"id": "r"}] * ((MAX_ARG_NODES - 2) // 2 + extra)},  # 2 + 2 * rows values
        {"rows": [[[1]]] * ((MAX_ARG_NODES - 2) // 3 + extra)},
        {"items": ["x"] * (MAX_ARG_NODES - 2 + extra)},
        {"rows": [{"id": "x" * 100}] * 5_000 + ["y" * (MAX_ARG_TEXT - 500_000 + extra)]},
        {"a": [1, 2.5, None, True, "x" * (MAX_ARG_TEXT - 1 + extra)], "b": [[Text("")]]},
    ]


@pytest.mark.parametrize("extra", [0, 1])
def test_within_at_the_bounds_on_values_and_text(extra: int) -> None:
    for args in rows_near_the_bounds(extra):
        assert agrees(args) and _within(args) == (extra == 0 and "b" not in args)


def test_a_value_holding_itself_is_refused_within_the_bounds() -> None:
    loop: list[Any] = []
    loop.append(loop)
    loop.append(loop)
    assert not _within({"a": loop}) and "deeper" in _oversized({"a": loop})
    wide: list[Any] = []
    wide.extend([wide] * 5_000)
    assert not _within({"a": wide}) and "deeper" in _oversized({"a": wide})  # what the walk meets first


def lines_run(fn: Callable[[Any], Any], value: Any) -> int:
    """The lines of Python that `fn(value)` runs, in it and in what it calls."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        fn(value)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize(
    "shape",
    [
        lambda n: {"rows": [{"id": f"r{i}"} for i in range(n)]},
        lambda n: {"rows": [[[i]] for i in range(n)]},
        lambda n: {"rows": [{"a": [i, "x", None], "b": {"c": 1.5}} for i in range(n)]},
        lambda n: {"items": ["x"] * n, "more": list(range(n))},
    ],
)
def test_the_work_in_python_grows_with_levels_not_values(shape: Callable[[int], Any]) -> None:
    small, large = shape(100), shape(MAX_ARG_NODES // 8)
    assert _within(large) and _walk(large) == ""
    assert lines_run(_within, large) == lines_run(_within, small)
    assert lines_run(log_module._plain, large) == lines_run(log_module._plain, small)


def _by_json(value: Any) -> bytes:
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    except TypeError:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=True, default=str)
    return text.encode()


@settings(max_examples=300, deadline=None)
@given(VALUES.filter(lambda v: not isinstance(v, orjson.Fragment)), st.integers(0, 3))
def test_canonical_json_is_the_json_modules_however_large(value: Any, copies: int) -> None:
    # the same value many times: past the size the proof of plainness once stopped at
    big = [value] * (copies * 5_000)
    assert canonical_json(value) == _by_json(value)
    assert canonical_json(big) == _by_json(big)


@pytest.mark.parametrize("levels", [63, 64, 65, 200, 253, 254, 255, 256])
@pytest.mark.parametrize("leaf", ["x", 1, [], {}, 1.5, "é"])
def test_canonical_json_at_orjson_s_depth(levels: int, leaf: Any) -> None:
    for kind in (lambda v: [v], lambda v: {"k": v}, lambda v: (v,)):
        value = nested(leaf, levels, kind)
        assert canonical_json(value) == _by_json(value)


@pytest.mark.parametrize(
    "odd",
    [1.5, float("nan"), 2**64, -(2**63) - 1, "\ud800", "é", "\x7f", Color.RED, Level.HIGH, Ratio.HALF,
     Text("t"), Number(5), Rows([1]), uuid.UUID(int=7), {1: "a"}, {Text("k"): 1}],
)  # fmt: skip
def test_canonical_json_of_rows_with_one_odd_value_at_the_end(odd: Any) -> None:
    rows: list[Any] = [{"id": f"r{i}", "n": i} for i in range(20_000)]
    rows.append({"odd": [odd]})
    assert canonical_json({"rows": rows}) == _by_json({"rows": rows})


def test_canonical_json_of_a_value_holding_itself_fails_as_the_json_module_does() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        canonical_json({"a": loop})


def test_large_plain_values_are_encoded_without_the_json_module(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refused:
        def encode(self, value: Any) -> str:
            raise AssertionError("the json module was used")

    monkeypatch.setattr(log_module, "_CANONICAL", Refused())
    for args in rows_near_the_bounds(0)[:4]:
        assert canonical_json(args).startswith(b"{")
