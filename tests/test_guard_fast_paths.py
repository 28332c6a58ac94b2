"""The shortcuts of `Guard.check` give what the plain way gives, on any input.

- ids are one 120-bit number in hex: the same 30 digits as 12 of milliseconds then 18 random;
- the bound on argument size skips the full walk only for shapes the walk would pass;
- the session store hands back the last session without its lock, and still forgets the least
  recently used one first;
- the policy's reference is made once per policy, and follows a reload.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit.bounds import (
    _FLAT_ARGS,
    _SCALARS,
    _SHALLOW_NODES,
    MAX_ARG_DEPTH,
    MAX_ARG_NODES,
    MAX_ARG_TEXT,
    _walk,
)
from remit.bounds import oversized as _oversized
from remit.decision import PolicyRef
from remit.ids import IdGenerator
from remit.session import SessionStore


@given(ms=st.floats(min_value=-1e12, max_value=1e16, allow_nan=False), seed=st.integers(0, 2**32))
def test_ids_are_milliseconds_then_random_bits_in_hex(ms: float, seed: int) -> None:
    made = IdGenerator(clock=lambda: ms / 1000, rng=random.Random(seed))()
    bits = random.Random(seed).getrandbits(72)
    assert made == f"{int(ms / 1000 * 1000) & 0xFFFF_FFFF_FFFF:012x}{bits:018x}"


def test_ids_keep_their_width_at_the_ends_of_both_parts() -> None:
    class Fixed(random.Random):
        def __init__(self, bits: int) -> None:
            super().__init__(0)
            self.bits = bits

        def getrandbits(self, k: int) -> int:
            return self.bits

    assert IdGenerator(clock=lambda: 0.0, rng=Fixed(0))() == "0" * 30
    top = IdGenerator(clock=lambda: (2**48 - 1) / 1000, rng=Fixed(2**72 - 1))()
    assert top == "f" * 30


json_values = st.recursive(  # shapes; the sizes at the bounds are the next tests'
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=3), inner, max_size=6),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(args=st.dictionaries(st.text(max_size=4), json_values, max_size=8))
def test_the_shortcut_agrees_with_the_full_walk(args: dict[str, Any]) -> None:
    assert _oversized(args) == _walk(args)


def _walk_one_by_one(args: dict[str, Any]) -> str:
    """`_walk` as it was before it counted containers of plain values in place: every
    container through the stack (the reference for the one that skips the trip)."""
    budget, text = MAX_ARG_NODES, 0
    stack: list[tuple[Any, int]] = [(args, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_ARG_DEPTH:
            return f"the call's arguments nest deeper than {MAX_ARG_DEPTH} levels"
        if isinstance(value, str):
            budget -= 1
            text += len(value)
        elif isinstance(value, (dict, list, tuple)):
            items = value.values() if isinstance(value, dict) else value
            budget -= 1 + len(items)
            if budget < 0:
                break
            for item in items:
                if item.__class__ is str:
                    text += len(item)
                elif item.__class__ not in _SCALARS:
                    stack.append((item, depth + 1))
                    budget += 1
        else:
            budget -= 1
        if budget < 0:
            break
        if text > MAX_ARG_TEXT:
            return f"the call's arguments hold more than {MAX_ARG_TEXT} characters of text"
    if budget < 0:
        return f"the call's arguments hold more than {MAX_ARG_NODES} values"
    return ""


@settings(max_examples=200, deadline=None)
@given(args=st.dictionaries(st.text(max_size=4), json_values, max_size=8))
def test_the_walk_agrees_with_one_container_at_a_time(args: dict[str, Any]) -> None:
    assert _walk(args) == _walk_one_by_one(args)


@pytest.mark.parametrize(
    "rows",
    [
        [{"id": "r"}] * (MAX_ARG_NODES // 2 - 2),  # just within the bound on values
        [{"id": "r"}] * (MAX_ARG_NODES // 2),  # just past it
        [{"id": "r" * 30}] * (MAX_ARG_TEXT // 30),  # the text bound, in rows
        [[[1]]] * (MAX_ARG_NODES // 3),
        [["x"] * 3] * (MAX_ARG_NODES // 4 + 1),
    ],
)
def test_rows_of_plain_values_are_counted_as_before(rows: list[Any]) -> None:
    assert _walk({"rows": rows}) == _walk_one_by_one({"rows": rows})


def test_deep_rows_are_still_too_deep() -> None:
    deep: Any = {"id": "r"}
    for _ in range(MAX_ARG_DEPTH):
        deep = [deep]
    assert "nest deeper" in _walk({"a": deep}) == _walk_one_by_one({"a": deep})


def text_near_the_bound(shape: str, extra: int) -> dict[str, Any]:
    """Arguments holding `MAX_ARG_TEXT + extra` characters, spread over one of the shapes."""
    half = MAX_ARG_TEXT // 2
    rest = MAX_ARG_TEXT - half + extra
    return {
        "flat": {"a": "x" * half, "b": "y" * rest},
        "list": {"a": "x" * half, "b": ["y" * rest]},
        "nested": {"a": ["x" * half], "b": [{"c": "y" * rest}]},
        "third": {"a": {"b": ["x" * half, "y" * rest]}},
    }[shape]


def test_text_exactly_at_the_bound_passes_and_one_more_character_does_not() -> None:
    for shape in ("flat", "list", "nested", "third"):
        assert _oversized(text_near_the_bound(shape, 0)) == "", shape
        assert "characters" in _oversized(text_near_the_bound(shape, 1)), shape


def test_wide_and_deep_arguments_take_the_full_walk() -> None:
    wide = {f"k{i}": i for i in range(_FLAT_ARGS + 1)}
    long_list = {"a": list(range(_FLAT_ARGS + 1))}
    many_leaves = {"a": [list(range(_FLAT_ARGS)) for _ in range(_SHALLOW_NODES // _FLAT_ARGS + 1)]}
    deep: list[Any] = []
    for _ in range(70):
        deep = [deep]
    for args in (wide, long_list, many_leaves, {"a": deep}, {"a": [[[["x"]]]]}):
        assert _oversized(args) == _walk(args)
    assert "deeper" in _oversized({"a": deep})
    assert "values" in _oversized({"a": [list(range(_FLAT_ARGS))] * 2000})


def test_the_store_forgets_the_least_recently_used_session() -> None:
    store = SessionStore(max_sessions=2)
    a = store.get("a")
    b = store.get("b")
    assert store.get("a") is a and store.get("a") is a  # the second time without the lock
    store.get("c")  # over the bound: `b` was used least recently
    assert store.get("a") is a and store.get("b") is not b and len(store) == 2


def test_a_store_that_holds_no_session_keeps_none() -> None:
    store = SessionStore(max_sessions=0)
    first = store.get("a")
    first.calls = 7
    assert store.get("a") is not first and store.get("a").calls == 0 and len(store) == 0


def test_threads_on_several_sessions_lose_no_call() -> None:
    guard = remit.Guard.from_text("name: open\nroutes: [{allow: 'true'}]\n")

    def work(session_id: str) -> None:
        for _ in range(300):
            guard.check("read_file", {}, {"session_id": session_id})

    threads = [threading.Thread(target=work, args=(f"s{i % 3}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [guard.sessions.get(f"s{i}").calls for i in range(3)] == [600, 600, 600]


def test_the_policy_reference_follows_a_reload(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: first\nversion: '1'\nroutes: [{allow: 'true'}]\n")
    guard = remit.Guard.from_path(path, clock=lambda: 12.5)
    d = guard.check("read_file", {"path": "a"}, {"session_id": "s"})
    assert d.policy == PolicyRef("first", "1", guard.policy.sha256)
    assert (d.mode, d.tool, d.args, d.ts, d.shadow) == ("enforce", "read_file", {"path": "a"}, 12.5, ())
    assert d.ctx["session_id"] == "s" and d.ctx["environment"] == {} and isinstance(d.rated_by, dict)
    path.write_text("name: second\nversion: '2'\nroutes: [{block: 'true'}]\n")
    guard.reload()
    d = guard.check("read_file", {})
    assert d.policy == PolicyRef("second", "2", guard.policy.sha256) and d.decision == "block"
