"""`redact_fields`, the redaction of a call's args and context, is the walk's redaction.

It does the common call (a few fields of short text and numbers) in one loop and hands the
rest to the walk with the budgets as they stand: on any dict, with the budgets made small
enough for the inputs to run past them, it must give what `redact_with` gives, and remember
the same hidden values in the same order (the order in which messages are scrubbed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit import redact
from remit.redact import (
    DROPPED,
    MAX_KEY,
    MAX_TEXT,
    TRUNCATED_KEY,
    TRUNCATED_TEXT,
    marker,
    redact_fields,
    redact_text,
    redact_with,
)
from remit.redact_policy import NO_REDACTION, CompiledRedaction


class Text(str):
    """A string of another type: the loop leaves it to the walk."""


class Count(int):
    """An integer of another type."""


NAMES = [
    "command", "cwd", "password", "apiKey", "token", "pin", "", "x-auth", "note", "ghp_" + "a1" * 18,
    "n" * 300, "n" * 300 + "_password",
]  # fmt: skip
"""Field names: ordinary, a secret's, one that holds a secret (logged redacted), and two past
`MAX_KEY` (logged cut)."""
TEXTS = [
    "",
    "git status",
    "hunter2-hunter2",
    "ghp_" + "a" * 36,
    "curl -H 'Authorization: Bearer abcdefghijklmnopqrstuv' https://x.io",
    marker("field", "old"),
    DROPPED,
    "--password",
    "lorem ipsum dolor sit amet " * 3,
]
SCALARS = st.one_of(
    st.sampled_from(TEXTS),
    st.text(max_size=40),
    st.integers(-5, 99_999),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.sampled_from(TEXTS).map(Text),
    st.integers(0, 9).map(Count),
    st.sampled_from(TEXTS).map(str.encode) | st.binary(max_size=8),  # JSON has no type for these:
    st.frozensets(st.sampled_from(TEXTS), max_size=2),  # walked, or hidden whole for a name
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
    ),
    max_leaves=8,
)
KEYS = st.one_of(st.sampled_from(NAMES), st.text(max_size=8), st.integers(0, 3))
DICTS = st.dictionaries(KEYS, VALUES, max_size=10)


@contextmanager
def small_budgets(text: int, string: int, nodes: int) -> Iterator[None]:
    """The text, string and value budgets of a redaction made small."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(redact, "MAX_TEXT", text)
        mp.setattr(redact, "MAX_STRING", string)
        mp.setattr(redact, "_LONGEST", string + redact._ITEM_COST)
        mp.setattr(redact, "MAX_NODES", nodes)
        mp.setattr(redact, "MAX_UNLOGGED", 6)
        yield


def _both(value: dict[Any, Any], clean: set[str] | None = None) -> tuple[Any, Any]:
    """(output, hidden values) of `redact_fields` and of the walk, on the same dict."""
    fast_seen: dict[str, str] = {}
    fast = redact_fields(value, redact_text, fast_seen, clean or frozenset())
    walk_seen: dict[str, str] = {}
    walked = redact_with(value, lambda s: redact_text(s, walk_seen), seen=walk_seen)
    return (fast, list(fast_seen.items())), (walked, list(walk_seen.items()))


@settings(max_examples=400, deadline=None)
@given(value=DICTS, text=st.integers(0, 400), string=st.integers(0, 120), nodes=st.integers(1, 30))
def test_fields_are_the_walks_fields(value: dict[Any, Any], text: int, string: int, nodes: int) -> None:
    with small_budgets(text, string, nodes):
        fast, walked = _both(value)
    assert fast == walked


@settings(max_examples=100, deadline=None)
@given(value=DICTS)
def test_fields_are_the_walks_fields_with_the_real_budgets(value: dict[Any, Any]) -> None:
    fast, walked = _both(value)
    assert fast == walked


@settings(max_examples=200, deadline=None)
@given(value=st.dictionaries(st.sampled_from(NAMES), st.sampled_from(TEXTS), max_size=6))
def test_a_text_known_clean_is_kept_as_the_walk_keeps_it(value: dict[str, str]) -> None:
    clean = {s for s in TEXTS if redact_text(s) == s}
    fast, walked = _both(value, clean)
    assert fast == walked


@pytest.mark.parametrize("nodes", range(1, 16))
def test_the_walk_takes_over_with_the_values_counted(nodes: int) -> None:
    # fields hidden for their name are not counted as values; the others are, each one
    value = {"password": "hunter2-hunter2", "pwd": 5, "a": "b", "n": 1, "items": list(range(12))}
    with small_budgets(redact.MAX_TEXT, redact.MAX_STRING, nodes):
        fast, walked = _both(value)
    assert fast == walked


def test_each_branch_of_the_loop() -> None:
    value = {
        "command": "git status",
        "password": "hunter2-hunter2",
        "pwd": 1234,
        "token": marker("field", "old"),
        "count": 3,
        "ratio": 0.5,
        "ok": True,
        "none": None,
        "empty": "",
        "url": "https://ann:hunter2x@x.io/",
    }
    seen: dict[str, str] = {}
    out = redact_fields(value, redact_text, seen)
    assert out["command"] == "git status" and out["pwd"] == DROPPED
    assert out["password"] == marker("field", "hunter2-hunter2") == seen["hunter2-hunter2"]
    assert out["token"] == value["token"]  # a marker is not hidden again
    assert [out[k] for k in ("count", "ratio", "ok", "none", "empty")] == [3, 0.5, True, None, ""]
    assert "hunter2x" not in out["url"] and "hunter2x" in seen
    assert (out, list(seen.items())) == _both(value)[1]


@pytest.mark.parametrize(
    ("value", "walks"),
    [
        ({"command": "git status", "timeout": 30, "background": False}, 0),
        ({"file_path": "/src/a.py", "old_string": "a", "new_string": "b", "replace_all": None}, 0),
        ({}, 0),
        ({"todos": [{"content": "fix it"}]}, 1),
        ({"text": "x" * (redact.MAX_STRING + 1)}, 1),
        ({1: "a"}, 1),
        ({"ghp_" + "a1" * 18: True}, 1),
        ({"auth": {"user": "ann"}}, 1),
    ],
    ids=["bash", "edit", "empty", "nested", "long-text", "int-key", "secret-key", "secret-dict"],
)
def test_only_what_needs_a_walk_gets_one(
    monkeypatch: pytest.MonkeyPatch, value: dict[Any, Any], walks: int
) -> None:
    made: list[object] = []

    class CountingWalk(redact._Walk):
        __slots__ = ()

        def __init__(self, *args: Any) -> None:
            made.append(self)
            super().__init__(*args)

    monkeypatch.setattr(redact, "_Walk", CountingWalk)
    seen: dict[str, str] = {}
    assert redact_fields(value, redact_text, seen) == redact_with(value, redact_text)
    assert len(made) == walks + 1  # `redact_with` makes one


def test_secret_field_names_are_remembered_in_a_bounded_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redact, "_secret_names", {})
    for i in range(redact.SECRET_NAMES + 10):
        assert not redact._is_secret_field(f"field_{i}")
    assert 0 < len(redact._secret_names) <= redact.SECRET_NAMES
    long_name = "x" * redact.SECRET_NAME_CHARS + "_token"
    assert redact._is_secret_field(long_name) and long_name not in redact._secret_names
    assert redact._is_secret_field("accessToken") and redact._secret_names["accessToken"] is True


@pytest.mark.parametrize("redaction", [NO_REDACTION, CompiledRedaction(kinds=NO_REDACTION.kinds)])
def test_a_call_copies_its_args_and_context(redaction: CompiledRedaction) -> None:
    # the record must not share a dict the caller may change after the decision
    args, ctx = {"command": "git status"}, {"cwd": "/src", "session_id": "s1"}
    for _ in range(2):  # the second time, the context's texts are known clean
        logged = redaction.call(args, ctx)
        assert logged.args == args and logged.args is not args
        assert logged.ctx == ctx and logged.ctx is not ctx
    assert logged.scrub("ran git status") == "ran git status"
    assert (logged.ident or logged.scrub)("s1") == "s1"


def test_a_long_field_name_is_logged_cut_after_its_redaction() -> None:
    """A name is redacted whole, then cut to `MAX_KEY`, at the cost of a text: a record holds
    no megabyte of names, a secret's name still hides its value, and a token in a name is
    hidden before the cut could keep a part of it that no pattern matches."""
    token = "ghp_" + "a1" * 18
    value = {
        "k" * 200_000: 1,
        "x" * 300 + "_password": "hunter2",
        "y" * 100 + "-" + token + "-" + "y" * 200: 2,
        "note": "v",
    }
    out = redact_fields(value, redact_text, None)
    assert out == redact_with(value, redact_text)
    long, secret, named, note = out
    assert long == "k" * (MAX_KEY - len(TRUNCATED_TEXT)) + TRUNCATED_TEXT
    assert secret.startswith("x" * 200) and out[secret] == marker("field", "hunter2")
    assert token not in named and "[REDACTED:github_token:" in named and len(named) <= MAX_KEY
    assert out[note] == "v"
    many = {f"{i:04}" + "z" * 1000: i for i in range(MAX_TEXT // MAX_KEY + 10)}
    cut = redact_fields(many, redact_text, None)
    assert TRUNCATED_KEY in cut and len(cut) <= MAX_TEXT // MAX_KEY + 1
