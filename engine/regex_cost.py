"""Which RE2 patterns make RE2's DFA blow up: a counted repetition a search enters at many places.

RE2 runs a lazily built DFA whose states are sets of positions in the pattern. In a counted
repetition `X{n}`, each attempt that entered it sits at its own count, and the attempts alive
after a text are those that entered at a place the pattern allows and have read only `X`
since: when the places where attempts enter depend on the text (`a[ab]{25}c`: after each `a`),
the alive counts form any subset of `0..n`, up to 2^n states. Past about 2^13 of them RE2's
cache of states fills and is rebuilt over and over, and the search costs 0.2 to 0.5 µs per
character instead of 1 to 2 ns (`benchmarks/regex_cost.py` measures it).

Nothing blows up when the attempts cannot pile up: a search anchored with `^` runs once from
the start (one attempt); a character outside `X` just before the repetition kills every older
attempt (`\\bacme_[A-Za-z0-9]{32}`: `_`); attempts that enter at every place of a run of `X`
(`[ab]{25}`, `.*[ab]{25}`) are alive exactly for the last counts, which is one state per count;
a repetition of one fixed text (`a{1000}`, `(?:ab){20}`) keeps the attempts in step. A pattern
ending with `$` is searched backwards from the end, so the same reading applies to the pattern
reversed. Parsing uses Python's regex parser, whose syntax is close to RE2's; a pattern it does
not read is not judged.
"""

from __future__ import annotations

import importlib
import re
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

_parser: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
MAXREPEAT: int = _parser.MAXREPEAT
IGNORECASE, MULTILINE, DOTALL = re.IGNORECASE.value, re.MULTILINE.value, re.DOTALL.value

SLOW_REPEAT = 12
"""A repetition whose attempts can differ over this many characters draws a warning.

Measured with `matches_re` on 1,000,000 characters of random `a`/`b` (`benchmarks/regex_cost.py`):
`a[ab]{12}c` 10 ms, `{13}` 24 ms, `{14}` 218 ms, and about as much for any larger count; a
pattern holding two such repetitions shares one cache of states, hence the margin."""

INFINITE = 1 << 30
_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_CATEGORIES = {  # RE2's classes are ASCII
    "CATEGORY_DIGIT": (frozenset("0123456789"), False),
    "CATEGORY_NOT_DIGIT": (frozenset("0123456789"), True),
    "CATEGORY_SPACE": (frozenset("\t\n\f\r "), False),
    "CATEGORY_NOT_SPACE": (frozenset("\t\n\f\r "), True),
    "CATEGORY_WORD": (_WORD, False),
    "CATEGORY_NOT_WORD": (_WORD, True),
}
_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
    "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}  # fmt: skip
_FOLDS = {"s": "ſ", "ſ": "s", "k": "\u212a", "\u212a": "k"}
_OPEN, _STOP, _ANCHOR = "open", "stop", "anchor"
_Item = tuple[Any, Any]
_Prefix = Any
"""What comes before an item: `(items, index, flags, what comes before items)`, or `()`."""


@dataclass(frozen=True)
class SlowRepeat:
    """A counted repetition at risk: as written (near enough), and over how many characters."""

    text: str
    width: int


def slow_repeat(pattern: str) -> SlowRepeat | None:
    """The first counted repetition of `pattern` that can blow up RE2's DFA, if any."""
    try:
        return _first_slow(pattern)
    except RecursionError:  # nested deeper than the walk goes: no verdict
        return None


def _first_slow(pattern: str) -> SlowRepeat | None:
    tree = _parse(pattern)
    if tree is None:
        return None
    items, flags = list(tree), int(tree.state.flags)
    # RE2 searches an end-anchored pattern backwards from the end: read it reversed.
    mirrored = _ends_anchored(items, flags) and not _starts_anchored(items, flags)
    found = next(_Finder(_Alphabet(pattern)).walk(_mirror(items) if mirrored else items, flags, ()), None)
    if found is None:
        return None
    item = _mirror_item(found[0]) if mirrored else found[0]
    return SlowRepeat(_render([item]), found[2])


def _parse(pattern: str) -> Any:
    text = re.sub(r"\[:([a-z]+):\]", lambda m: _POSIX.get(m.group(1), m.group(0)), pattern)
    if "[:" in text:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _parser.parse(text)
        except Exception:  # any syntax Python reads otherwise than RE2: no verdict
            return None


class _Alphabet:
    """Character sets as the sample characters they hold: ASCII, the pattern's own and a few more."""

    def __init__(self, pattern: str) -> None:
        extra = {c for ch in pattern if ord(ch) > 127 for c in (ch, chr(ord(ch) - 1), chr(ord(ch) + 1))}
        self.sample = frozenset(map(chr, range(128))) | extra | set("é中😀\u00a0") | set(_FOLDS)
        self.known: dict[tuple[str, Any, int], frozenset[str]] = {}

    def of(self, op: str, av: Any, flags: int) -> frozenset[str]:
        """The sample characters a one-character item matches."""
        key = (op, id(av) if op == "IN" else av, flags & (IGNORECASE | DOTALL))
        got = self.known.get(key)
        if got is None:
            got = self.known[key] = self.compute(op, av, flags)
        return got

    def compute(self, op: str, av: Any, flags: int) -> frozenset[str]:
        """`of`, computed."""
        if op == "ANY":
            return self.sample if flags & DOTALL else self.sample - {"\n"}
        if op in ("LITERAL", "NOT_LITERAL"):
            hit = frozenset(c for c in self.sample if _folds_to(c, lambda x: ord(x) == av, flags))
            return hit if op == "LITERAL" else self.sample - hit
        negate = any(_name(o) == "NEGATE" for o, _ in av)
        hit = frozenset(c for c in self.sample if _folds_to(c, lambda x: _in_class(x, av), flags))
        return self.sample - hit if negate else hit


def _folds_to(c: str, test: Any, flags: int) -> bool:
    if not flags & IGNORECASE:
        return bool(test(c))
    return any(test(v) for v in {c, c.lower(), c.upper(), _FOLDS.get(c, c)} if len(v) == 1)


def _in_class(c: str, av: list[_Item]) -> bool:
    for op, value in av:
        name = _name(op)
        if name == "LITERAL" and ord(c) == value:
            return True
        if name == "RANGE" and value[0] <= ord(c) <= value[1]:
            return True
        if name == "CATEGORY":
            members, negated = _CATEGORIES.get(_name(value), (frozenset(), True))
            if (c in members) != negated:
                return True
    return False


def _name(op: Any) -> str:
    return str(getattr(op, "name", op))


_SINGLE = frozenset({"LITERAL", "NOT_LITERAL", "ANY", "IN"})
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


class _Finder:
    """Walks a pattern and yields each counted repetition at risk with its flags and width."""

    def __init__(self, chars: _Alphabet) -> None:
        self.chars = chars

    def walk(self, items: list[_Item], flags: int, before: _Prefix) -> Iterator[Any]:
        for i, (op, av) in enumerate(items):
            prefix = (items, i, flags, before)
            name = _name(op)
            if name == "SUBPATTERN":
                yield from self.walk(list(av[3]), (flags | av[1]) & ~av[2], prefix)
            elif name == "BRANCH":
                for alternative in av[1]:
                    yield from self.walk(list(alternative), flags, prefix)
            elif name in _REPEATS:
                # Inside a loop, earlier turns of it come before what is inside: one walk from
                # there finds all a walk from the plain prefix would (a walk of each doubled
                # the work at every level of nesting).
                inner = ([("LOOP", av)], 1, flags, prefix) if av[1] > 1 else prefix
                yield from self.walk(list(av[2]), flags, inner)
                width = self.at_risk((op, av), flags, prefix)
                if width:
                    yield (op, av), flags, width

    def at_risk(self, item: _Item, flags: int, prefix: _Prefix) -> int:
        """The width over which attempts can differ when it is `SLOW_REPEAT` or more, else 0."""
        low, high, body = item[1]
        count = high if high < MAXREPEAT else low
        body_width = _width(list(body))[1]
        if body_width >= INFINITE or count * body_width < SLOW_REPEAT:
            return 0
        columns = self.columns(list(body), flags)
        if columns is not None and all(len(col) <= 1 for col in columns):
            return 0  # one fixed text: attempts stay in step
        union = self.union(list(body), flags)
        diverge = columns is None or any(a != b and a & b for a in columns for b in columns)
        distance, kind, selective = self.scan(_backwards(prefix), union)
        if kind == _ANCHOR and distance < INFINITE:
            return 0  # attempts enter only near the start: the search soon leaves the repetition
        if not (selective or diverge):
            return 0
        width = min(count * body_width, distance) if kind == _STOP else count * body_width
        return width if width >= SLOW_REPEAT else 0

    def scan(self, items: Iterable[tuple[_Item, int]], x: frozenset[str]) -> tuple[int, str, bool]:
        """Walk back from a repetition over the text before it: how far attempts can enter while
        older ones still read only `x`, whether that ends (at a character outside `x`: stop; at
        the start: anchor), and whether the places where attempts enter depend on the text."""
        distance, selective = 0, False
        for (op, av), flags in items:
            d, kind, sel = self.scan_item(_name(op), av, flags, x)
            distance, selective = min(distance + d, INFINITE), selective or sel
            if kind != _OPEN:
                return distance, kind, selective
        return INFINITE, _OPEN, selective

    def scan_item(self, name: str, av: Any, flags: int, x: frozenset[str]) -> tuple[int, str, bool]:
        if name in _SINGLE:
            got = self.chars.of(name, av, flags)
            return (0, _STOP, False) if not got & x else (1, _OPEN, not got >= x)
        if name == "AT":
            return self.scan_at(_name(av), flags, x)
        if name == "SUBPATTERN":
            return self.scan([(it, (flags | av[1]) & ~av[2]) for it in reversed(list(av[3]))], x)
        if name == "BRANCH":
            return self.scan_branch([list(a) for a in av[1]], flags, x)
        if name in _REPEATS or name == "LOOP":
            low = 0 if name == "LOOP" else av[0]
            return self.scan_repeat(low, av[1], list(av[2]), flags, x)
        return INFINITE, _OPEN, True  # anything else: assume the worst

    def scan_at(self, where: str, flags: int, x: frozenset[str]) -> tuple[int, str, bool]:
        if where == "AT_BEGINNING_STRING" or (where == "AT_BEGINNING" and not flags & MULTILINE):
            return 0, _ANCHOR, False
        if where == "AT_BEGINNING":
            return (0, _STOP, False) if "\n" not in x else (0, _OPEN, True)
        if where == "AT_BOUNDARY" and (x <= _WORD or not x & _WORD):
            return 0, _STOP, False  # no word boundary inside a run of `x`
        return 0, _OPEN, True

    def scan_branch(
        self, alternatives: list[list[_Item]], flags: int, x: frozenset[str]
    ) -> tuple[int, str, bool]:
        results = [self.scan([(it, flags) for it in reversed(a)], x) for a in alternatives]
        selective = any(r[2] for r in results) or len({r[0] for r in results}) > 1
        open_widths = [_width(a)[1] for a, r in zip(alternatives, results, strict=True) if r[1] == _OPEN]
        if open_widths:
            return max(open_widths), _OPEN, selective
        kind = _ANCHOR if all(r[1] == _ANCHOR for r in results) else _STOP
        return max(r[0] for r in results), kind, selective

    def scan_repeat(
        self, low: int, high: int, body: list[_Item], flags: int, x: frozenset[str]
    ) -> tuple[int, str, bool]:
        if not self.union(body, flags) & x:
            mandatory = low >= 1 and _width(body)[0] >= 1
            return (0, _STOP, False) if mandatory else (0, _OPEN, False)
        d, kind, sel = self.scan([(it, flags) for it in reversed(body)], x)
        if low >= 1 and kind != _OPEN:
            return d, kind, sel
        width = _width(body)[1]
        total = INFINITE if high >= MAXREPEAT or width >= INFINITE else high * width
        return total, _OPEN, low >= 1 and sel

    def columns(self, items: list[_Item], flags: int) -> list[frozenset[str]] | None:
        """The set of characters at each place of a fixed-width part, or None."""
        out: list[frozenset[str]] = []
        for op, av in items:
            name = _name(op)
            if name in _SINGLE:
                out.append(self.chars.of(name, av, flags))
            elif name == "SUBPATTERN":
                inner = self.columns(list(av[3]), (flags | av[1]) & ~av[2])
                if inner is None:
                    return None
                out += inner
            elif name in _REPEATS and av[0] == av[1] and av[0] * _width(list(av[2]))[1] <= 4096:
                inner = self.columns(list(av[2]), flags)
                if inner is None:
                    return None
                out += inner * av[0]
            elif name != "AT":
                return None
        return out

    def union(self, items: list[_Item], flags: int) -> frozenset[str]:
        """Every character a part can read."""
        out: frozenset[str] = frozenset()
        for op, av in items:
            name = _name(op)
            if name in _SINGLE:
                out |= self.chars.of(name, av, flags)
            elif name == "SUBPATTERN":
                out |= self.union(list(av[3]), (flags | av[1]) & ~av[2])
            elif name == "BRANCH":
                for alternative in av[1]:
                    out |= self.union(list(alternative), flags)
            elif name in _REPEATS:
                out |= self.union(list(av[2]), flags)
            elif name != "AT":
                out |= self.chars.sample
        return out


def _backwards(prefix: _Prefix) -> Iterator[tuple[_Item, int]]:
    """The items before a point of the pattern, nearest first."""
    while prefix:
        items, index, flags, prefix = prefix
        for item in reversed(items[:index]):
            yield item, flags


def _width(items: list[_Item]) -> tuple[int, int]:
    """The fewest and most characters a part can match (`INFINITE` for no bound)."""
    low = high = 0
    for op, av in items:
        name = _name(op)
        if name in _SINGLE:
            lo, hi = 1, 1
        elif name == "SUBPATTERN":
            lo, hi = _width(list(av[3]))
        elif name == "BRANCH":
            widths = [_width(list(a)) for a in av[1]]
            lo, hi = min(w[0] for w in widths), max(w[1] for w in widths)
        elif name in _REPEATS:
            blo, bhi = _width(list(av[2]))
            lo = av[0] * blo
            hi = INFINITE if av[1] >= MAXREPEAT or bhi >= INFINITE else av[1] * bhi
        elif name == "AT":
            lo, hi = 0, 0
        else:
            lo, hi = 0, INFINITE
        low, high = min(low + lo, INFINITE), min(high + hi, INFINITE)
    return low, high


def _starts_anchored(items: list[_Item], flags: int) -> bool:
    if not items:
        return False
    op, av = items[0]
    if _name(op) == "SUBPATTERN":
        return _starts_anchored(list(av[3]), (flags | av[1]) & ~av[2])
    where = _name(av) if _name(op) == "AT" else ""
    return where == "AT_BEGINNING_STRING" or (where == "AT_BEGINNING" and not flags & MULTILINE)


def _ends_anchored(items: list[_Item], flags: int) -> bool:
    if not items:
        return False
    op, av = items[-1]
    if _name(op) == "SUBPATTERN":
        return _ends_anchored(list(av[3]), (flags | av[1]) & ~av[2])
    return _name(op) == "AT" and _name(av) in ("AT_END", "AT_END_STRING") and not flags & MULTILINE


_MIRRORED = {"AT_END": "AT_BEGINNING", "AT_END_STRING": "AT_BEGINNING_STRING",
             "AT_BEGINNING": "AT_END", "AT_BEGINNING_STRING": "AT_END_STRING"}  # fmt: skip


def _mirror(items: list[_Item]) -> list[_Item]:
    return [_mirror_item(it) for it in reversed(items)]


def _mirror_item(item: _Item) -> _Item:
    op, av = item
    name = _name(op)
    if name == "SUBPATTERN":
        return op, (av[0], av[1], av[2], _mirror(list(av[3])))
    if name == "BRANCH":
        return op, (av[0], [_mirror(list(a)) for a in av[1]])
    if name in _REPEATS:
        return op, (av[0], av[1], _mirror(list(av[2])))
    if name == "AT" and _name(av) in _MIRRORED:
        return op, _MirroredAt(_MIRRORED[_name(av)])
    return item


@dataclass(frozen=True)
class _MirroredAt:
    name: str


# -- showing a repetition ------------------------------------------------------------------------

_SHOWN_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}  # fmt: skip
_SHOWN_AT = {"AT_BEGINNING": "^", "AT_BEGINNING_STRING": r"\A", "AT_END": "$", "AT_END_STRING": r"\z",
             "AT_BOUNDARY": r"\b", "AT_NON_BOUNDARY": r"\B"}  # fmt: skip


def _render(items: list[_Item]) -> str:
    """Regex text for a parsed part (equivalent to what was written, not always the same text)."""
    return "".join(_render_item(_name(op), av) for op, av in items)


def _render_item(name: str, av: Any) -> str:
    if name == "LITERAL":
        return re.escape(chr(av))
    if name == "NOT_LITERAL":
        return f"[^{_class_char(av)}]"
    if name == "ANY":
        return "."
    if name == "IN":
        return _render_class(av)
    if name == "AT":
        return _SHOWN_AT.get(_name(av), "")
    if name == "SUBPATTERN":
        return f"(?:{_render(list(av[3]))})"
    if name == "BRANCH":
        return "|".join(_render(list(a)) for a in av[1])
    if name in _REPEATS:
        body = list(av[2])
        inner = _render(body)
        simple = len(body) == 1 and _name(body[0][0]) in _SINGLE | {"SUBPATTERN"}
        shown = inner if simple else f"(?:{inner})"
        high = "" if av[1] >= MAXREPEAT else str(av[1])
        count = f"{{{av[0]}}}" if av[0] == av[1] else f"{{{av[0]},{high}}}"
        return shown + count + ("?" if name == "MIN_REPEAT" else "")
    return "…"


def _render_class(av: list[_Item]) -> str:
    parts = []
    for op, value in av:
        name = _name(op)
        if name == "NEGATE":
            parts.append("^")
        elif name == "LITERAL":
            parts.append(_class_char(value))
        elif name == "RANGE":
            parts.append(f"{_class_char(value[0])}-{_class_char(value[1])}")
        elif name == "CATEGORY":
            parts.append(_SHOWN_CATEGORIES.get(_name(value), ""))
    return "[" + "".join(parts) + "]"


def _class_char(code: int) -> str:
    c = chr(code)
    return "\\" + c if c in "\\]^-[" else c if c.isprintable() else f"\\x{{{code:x}}}"
