"""The bounds on one call's arguments, checked before any rule runs.

Rules, redaction and the log's hash work per value of a call, in Python; past these bounds a
call gets its policy's `on_error` (see `Guard.check`), and is not hashed for the log either
(`log.decision_args_sha256`), so no call costs more than a bounded amount of that work.
"""

from __future__ import annotations

from itertools import chain, compress
from typing import Any

MAX_ARG_NODES = 25_000
"""Values (each string, number, list, object) one call's arguments may hold. A rule, the
redaction and the hash of the log work per value in Python, at about a tenth of a
microsecond or more each, so this bound keeps the costliest calls at a few milliseconds.
Tool calls are written by a model: 25,000 values are at least 50,000 tokens of output in one
call (the real traces peak at 55 values)."""
MAX_ARG_DEPTH = 64
MAX_ARG_TEXT = 1_000_000
"""Characters of text in all the call's strings: text costs per character, at C speed."""


_FLAT_ARGS = 64
_SHALLOW_NODES = 4096
_SCALARS = frozenset({int, float, bool, type(None)})
_CONTAINERS = frozenset({dict, list, tuple})


def _shallow_text(args: dict[str, Any]) -> int:
    """The characters of text in arguments nested at most three levels deep, in at most
    `_FLAT_ARGS` values per level and `_SHALLOW_NODES` at the third (so within every bound
    but the text's, which the caller checks); for any other shape `MAX_ARG_TEXT + 1`, which
    sends the caller to the full walk."""
    text, nodes = 0, 0
    for value in args.values():
        cls = value.__class__
        if cls is str:
            text += len(value)
        elif cls in _SCALARS:
            continue
        elif cls in _CONTAINERS and len(value) <= _FLAT_ARGS:
            for item in value.values() if cls is dict else value:
                kind = item.__class__
                if kind is str:
                    text += len(item)
                elif kind in _SCALARS:
                    continue
                elif kind in _CONTAINERS and len(item) <= _FLAT_ARGS:
                    nodes += len(item)
                    if nodes > _SHALLOW_NODES:
                        return MAX_ARG_TEXT + 1
                    for leaf in item.values() if kind is dict else item:
                        if leaf.__class__ is str:
                            text += len(leaf)
                        elif leaf.__class__ not in _SCALARS:
                            return MAX_ARG_TEXT + 1
                else:
                    return MAX_ARG_TEXT + 1
        else:
            return MAX_ARG_TEXT + 1
    return text


def oversized(args: dict[str, Any]) -> str:
    """Why the arguments are too large to decide on in bounded time, or "" (a cheap walk)."""
    if len(args) <= _FLAT_ARGS and _shallow_text(args) <= MAX_ARG_TEXT:
        return ""  # the common case: a few plain values, within every bound
    if _within(args):
        return ""  # large, but within every bound: what `_walk` would find, a level at a time
    return _walk(args)  # which bound, as the walk meets it


_LEAVES = frozenset({str, int, float, bool, type(None)})
_SEQUENCES = frozenset({list, tuple})
_KNOWN = _LEAVES | _SEQUENCES | {dict}


def _within(args: dict[str, Any]) -> bool:
    """Whether `_walk` passes the arguments (returns ""), found one level of nesting at a time
    by passes in C over all the values of the level (their types, their lengths), so that the
    Python work is per level, not per value. False as soon as a level passes a bound, and for a
    value of any type but the exact JSON ones (a subclass, an object): `_walk` then says which
    bound is passed, in the order it meets them, or that none is after all.

    Each level is counted by the lengths of the containers above it before its values are
    gathered, so at most `MAX_ARG_NODES` values are ever gathered (a value that holds itself
    included), in at most `MAX_ARG_DEPTH + 1` levels."""
    nodes, text = 1 + len(args), 0
    if nodes > MAX_ARG_NODES:
        return False
    dicts: list[Any] = [args]
    sequences: list[Any] = []
    for depth in range(1, MAX_ARG_DEPTH + 2):  # the depth of the level's values
        level = below(dicts, sequences)
        kinds = set(map(type, level))
        if not kinds <= _KNOWN:
            return False
        if str in kinds:
            text += sum(map(len, level if len(kinds) == 1 else _of(level, _STR)))
            if text > MAX_ARG_TEXT:
                return False
        if kinds <= _LEAVES:
            return True
        if depth > MAX_ARG_DEPTH:  # a container there is deeper than the walk goes
            return False
        dicts, sequences = containers(level, kinds)
        nodes += sum(map(len, dicts)) + sum(map(len, sequences))
        if nodes > MAX_ARG_NODES:
            return False
    return False  # not reached: the last level holds no container, or is refused above


# A value's nesting read a level at a time (here and in `log.canonical_json`): the work in
# Python is per level, the passes over a level's values are in C.


def containers(level: list[Any], kinds: set[type]) -> tuple[list[Any], list[Any]]:
    """The dicts of `level` and its lists and tuples, `kinds` being the exact types in it."""
    if dict not in kinds:
        return [], level if kinds <= _SEQUENCES else _of(level, _SEQUENCES)
    if len(kinds) == 1:
        return level, []
    return _of(level, _DICT), _of(level, _SEQUENCES)


def below(dicts: list[Any], sequences: list[Any]) -> list[Any]:
    """The values `dicts` and `sequences` hold: the next level of nesting."""
    return [*chain.from_iterable(map(dict.values, dicts)), *chain.from_iterable(sequences)]


_DICT = frozenset({dict})
_STR = frozenset({str})


def _of(values: list[Any], kinds: frozenset[type]) -> list[Any]:
    """The values whose exact type is one of `kinds`, in order (a pass in C)."""
    return list(compress(values, map(kinds.__contains__, map(type, values))))


def _walk(args: dict[str, Any]) -> str:
    """`oversized` for any shape: every value visited once, until a bound is passed."""
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
            for item in items:  # plain values are counted here, without a trip through the stack
                cls = item.__class__
                if cls is str:
                    text += len(item)
                elif cls in _SCALARS:
                    continue
                elif (cls is dict or cls is list) and depth < MAX_ARG_DEPTH and len(item) < budget:
                    # a container of plain values (a row, a record): counted here as its pop
                    # would count it, unless something in it is not plain (or it is larger
                    # than the values left: its pop says so without reading it)
                    inner = item.values() if cls is dict else item
                    chars = 0
                    for leaf in inner:
                        kind = leaf.__class__
                        if kind is str:
                            chars += len(leaf)
                        elif kind not in _SCALARS:
                            stack.append((item, depth + 1))
                            budget += 1  # counted again when it is popped
                            break
                    else:
                        budget -= len(inner)
                        text += chars
                else:
                    stack.append((item, depth + 1))
                    budget += 1  # counted again when it is popped
        else:
            budget -= 1
        if budget < 0:
            break
        if text > MAX_ARG_TEXT:
            return f"the call's arguments hold more than {MAX_ARG_TEXT} characters of text"
    if budget < 0:
        return f"the call's arguments hold more than {MAX_ARG_NODES} values"
    return ""
