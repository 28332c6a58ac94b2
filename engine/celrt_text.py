"""CEL strings: the string functions, RE2 regexes and member calls on objects.

Part of the runtime of compiled CEL: import these through `celrt`, which re-exports them
(this module builds on `celrt_core`'s values and types).
"""

from __future__ import annotations

from typing import Any

import re2

from .celrt_core import MAX_VALUE_SIZE, CelError, too_large

# ---- strings, regexes, member calls ----------------------------------------------------


def _str(x: Any) -> str:
    if x.__class__ is str:
        return x
    raise CelError("no such overload: expected a string")


def _int_arg(x: Any) -> int:
    if x.__class__ is int:
        return x
    raise CelError("no such overload: expected an int")


def call_method(recv: Any, name: str, *args: Any) -> Any:
    """A member call the compiler does not know: the receiver's `cel_methods` decide."""
    methods = getattr(recv.__class__, "cel_methods", None)
    if methods is not None and name in methods:
        return getattr(recv, name)(*args)
    raise CelError(f"no such overload: {name}")


def starts_with(x: Any, p: Any) -> bool:
    """CEL `x.startsWith(p)`."""
    if x.__class__ is str and p.__class__ is str:
        return bool(x.startswith(p))
    return bool(call_method(x, "startsWith", p))


def ends_with(x: Any, p: Any) -> bool:
    """CEL `x.endsWith(p)`."""
    if x.__class__ is str and p.__class__ is str:
        return bool(x.endswith(p))
    return bool(call_method(x, "endsWith", p))


def contains(x: Any, p: Any) -> bool:
    """CEL `x.contains(p)`."""
    if x.__class__ is str and p.__class__ is str:
        return p in x
    return bool(call_method(x, "contains", p))


_RE_OPTIONS = re2.Options()
_RE_OPTIONS.log_errors = False
# `matches` needs no groups: without them RE2 runs its DFA instead of tracking submatches
_MATCH_OPTIONS = re2.Options()
_MATCH_OPTIONS.log_errors = False
_MATCH_OPTIONS.never_capture = True
# a pattern known only at run time gets less memory: a cached one holds at most this much
_DYNAMIC_OPTIONS = re2.Options()
_DYNAMIC_OPTIONS.log_errors = False
_DYNAMIC_OPTIONS.never_capture = True
_DYNAMIC_OPTIONS.max_mem = 1 << 18
_RE_CACHE: dict[str, Any] = {}
_RE_CACHE_SIZE = 256
RegexError = re2.error


def compile_regex(pattern: str) -> Any:
    """An RE2 pattern (raises `RegexError` when RE2 rejects it)."""
    return re2.compile(pattern, _RE_OPTIONS)


def compile_match(pattern: str) -> Any:
    """An RE2 pattern for `matches`, which needs no groups (raises `RegexError`)."""
    return re2.compile(pattern, _MATCH_OPTIONS)


def matches_re(x: Any, rx: Any) -> bool:
    """`x.matches(p)` with `p` compiled at policy load."""
    if _DIRECT and x.__class__ is str:
        # what `rx.search(x)` does for a whole str, without building a match object
        text = x.encode("utf-8")
        return rx._regexp.Match(_UNANCHORED, text, 0, len(text))[0][0] >= 0  # type: ignore[no-any-return]
    return rx.search(_str(x)) is not None


def matches_lit(x: Any, rx: Any, literal: str) -> bool:
    """`matches_re(x, rx)` for a pattern every match of which contains `literal`
    (`required_literal`): a string without it is no match, and RE2 is not asked."""
    if x.__class__ is str and literal not in x:
        return False
    return matches_re(x, rx)


_QUANTIFIERS = frozenset("*?{")
"""What makes the atom before it optional (`{0,n}` may); `+` keeps it once."""
_ENDS_RUN = frozenset(".^$")


_TWO_CHAR_ESCAPES = frozenset("dDsSwWbBAzafnrtv")
"""Escapes that are exactly a backslash and one letter in RE2 (any other escape by a letter or
digit reads more: a code, an octal number, a Unicode class)."""


def required_literal(pattern: str) -> str | None:
    """The longest text every match of the RE2 `pattern` contains, if the pattern is simple
    enough to tell (None otherwise, or when nothing is sure).

    Only plain characters outside groups and classes count: a character followed by `*`, `?`
    or `{` is dropped, `+` ends the run after it. A pattern with an alternation at the top, a
    flag or a group with options (`(?`), or quoted text (`\\Q`) is not read at all.
    """
    if "(?" in pattern or "\\Q" in pattern:
        return None
    runs: list[str] = []
    run: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                return None
            nxt = pattern[i + 1]
            i += 2
            if nxt.isascii() and not nxt.isalnum():  # an escaped punctuation mark is itself
                run.append(nxt)
            elif nxt in _TWO_CHAR_ESCAPES:  # a class (`\\d`), an assertion (`\\b`), `\\n`
                runs.append("".join(run))
                run = []
            else:  # `\\x41`, `\\x{41}`, `\\101`, `\\pL`, `\\p{Greek}`...: longer than two characters
                return None
            continue
        if ch == "(" or ch == "[":
            end = _skip_group(pattern, i) if ch == "(" else _skip_class(pattern, i)
            if end < 0:
                return None
            runs.append("".join(run))
            run = []
            i = end
            continue
        if ch in _QUANTIFIERS:
            if run:
                run.pop()  # the atom before it may be absent
            runs.append("".join(run))
            run = []
            if ch == "{":
                close = pattern.find("}", i)
                if close < 0:
                    return None
                i = close
            i += 1
            if i < n and pattern[i] == "?":  # a lazy quantifier
                i += 1
            continue
        if ch == "+":
            runs.append("".join(run))  # the atom before it is there at least once
            run = []
            i += 1
            if i < n and pattern[i] == "?":
                i += 1
            continue
        if ch == "|" or ch == ")" or ch == "]" or ch == "}":
            return None
        if ch in _ENDS_RUN:
            runs.append("".join(run))
            run = []
        else:
            run.append(ch)
        i += 1
    runs.append("".join(run))
    best = max(runs, key=len)
    return best or None


def _skip_group(pattern: str, start: int) -> int:
    """The index after the `)` closing the group opened at `start`, or -1."""
    depth, i, n = 0, start, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _skip_class(pattern, i)
            if i < 0:
                return -1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _skip_class(pattern: str, start: int) -> int:
    """The index after the `]` closing the class opened at `start`, or -1."""
    i, n = start + 1, len(pattern)
    if i < n and pattern[i] == "^":
        i += 1
    if i < n and pattern[i] == "]":  # a `]` first is a member
        i += 1
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[" and pattern.startswith("[:", i):  # `[:alpha:]`
            close = pattern.find(":]", i + 2)
            if close < 0:
                return -1
            i = close + 2
            continue
        if ch == "]":
            return i + 1
        i += 1
    return -1


def _direct_works() -> bool:
    """Whether the `re2` module's compiled patterns expose RE2's `Match` as this version does."""
    try:
        probe = compile_match("é|b")
        match = probe._regexp.Match
        hit, miss = match(_UNANCHORED, "aé".encode(), 0, 3), match(_UNANCHORED, b"a", 0, 1)
        return bool(hit[0] == (1, 3) and miss[0] == (-1, -1))
    except Exception:
        return False


_UNANCHORED = getattr(getattr(getattr(re2, "_re2", None), "RE2", None), "Anchor", None)
_UNANCHORED = getattr(_UNANCHORED, "UNANCHORED", None)
_DIRECT = _UNANCHORED is not None and _direct_works()


def dynamic_regex(pattern: Any) -> Any:
    """A pattern known only at run time, compiled (a small bounded cache)."""
    rx = _RE_CACHE.get(_str(pattern))
    if rx is None:
        try:
            rx = re2.compile(pattern, _DYNAMIC_OPTIONS)
        except RegexError:
            raise CelError(f"invalid regex `{pattern[:100]}`") from None
        if len(_RE_CACHE) >= _RE_CACHE_SIZE:
            _RE_CACHE.clear()
        _RE_CACHE[pattern] = rx
    return rx


def matches(x: Any, pattern: Any) -> bool:
    """`x.matches(p)` with a pattern known only at run time."""
    return matches_re(x, dynamic_regex(pattern))


def lower_ascii(x: Any) -> str:
    """`s.lowerAscii()`: only ASCII letters change."""
    return _str(x).translate(_LOWER)


def upper_ascii(x: Any) -> str:
    """`s.upperAscii()`."""
    return _str(x).translate(_UPPER)


_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}


# Unicode White_Space, as Go's unicode.IsSpace (Python's str.strip also takes \x1c-\x1f)
_WHITESPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


def trim(x: Any) -> str:
    """`s.trim()`: leading and trailing whitespace removed."""
    return _str(x).strip(_WHITESPACE)


def split(x: Any, sep: Any, n: Any = -1) -> list[str]:
    """`s.split(sep[, n])`: n == 0 gives [], n < 0 all parts, n > 0 at most n parts."""
    s, sep, n = _str(x), _str(sep), _int_arg(n)
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        return chars if n < 0 or n >= len(chars) else [*chars[: n - 1], "".join(chars[n - 1 :])]
    return s.split(sep, n - 1 if n > 0 else -1)


def join(x: Any, sep: Any = "") -> str:
    """`list.join([sep])`: a list of strings joined (no larger than CEL may build)."""
    if not isinstance(x, (list, tuple)):
        raise CelError("no such overload for join")
    between, parts = _str(sep), [_str(e) for e in x]
    if sum(map(len, parts)) + len(between) * max(len(parts) - 1, 0) > MAX_VALUE_SIZE:
        raise too_large()
    return between.join(parts)


def replace(x: Any, old: Any, new: Any, n: Any = -1) -> str:
    """`s.replace(old, new[, n])` (no larger than CEL may build)."""
    s, old, new, n = _str(x), _str(old), _str(new), _int_arg(n)
    if len(new) > len(old):
        # the size of the result is known before building it: refuse one too large
        count = s.count(old) if n < 0 else min(n, s.count(old))
        if len(s) + count * (len(new) - len(old)) > MAX_VALUE_SIZE:
            raise too_large()
    return s.replace(old, new, n)


def index_of(x: Any, sub: Any, start: Any = 0) -> int:
    """`s.indexOf(sub[, start])`: a code point index, or -1."""
    s, sub, start = _str(x), _str(sub), _int_arg(start)
    if not 0 <= start <= len(s):
        raise CelError("index out of range")
    return s.find(sub, start)


def last_index_of(x: Any, sub: Any, *start: Any) -> int:
    """`s.lastIndexOf(sub[, start])`: the last match starting at or before `start`."""
    s, sub = _str(x), _str(sub)
    end = len(s)
    if start:
        at = _int_arg(start[0])
        if not 0 <= at <= len(s):
            raise CelError("index out of range")
        end = min(at + len(sub), len(s))
    if len(sub) <= _SHORT_NEEDLE:
        return s.rfind(sub, 0, end)
    # Python's reverse search takes time text x pattern on some inputs; its forward search
    # is linear: search the reversed text for the reversed pattern
    found = s[:end][::-1].find(sub[::-1])
    return -1 if found < 0 else end - found - len(sub)


_SHORT_NEEDLE = 16


def substring(x: Any, start: Any, *end: Any) -> str:
    """`s.substring(start[, end])` over code points."""
    s, b = _str(x), _int_arg(start)
    e = _int_arg(end[0]) if end else len(s)
    if not 0 <= b <= e <= len(s):
        raise CelError("index out of range")
    return s[b:e]
