"""JSON read as strictly as any reader of the same bytes could read it.

remit decides on the value it parsed; the program that then runs the call (an MCP server,
the service's caller) parses the same bytes with its own parser. Where two parsers can read
one text differently, remit refuses the text rather than decide on one reading:

- a key twice in one object (`{"path": "/etc/shadow", "path": "a"}`): Python keeps the last
  value, other parsers the first;
- keys of one object that are one key once case is folded (`path` and `Path`, `arguments`
  and `argumentſ`): Go's encoding/json (mark3labs/mcp-go, the official Go SDK before its fix
  of CVE-2026-27896) matches keys to a struct's fields ignoring case, with Unicode folding
  (`ſ` is `s`, the Kelvin sign `k`), and the last key wins, at any depth a struct binds;
- `NaN`, `Infinity` and numbers beyond a double's range: JavaScript reads `1e400` as
  infinity, Go refuses it, Python's json gives `inf`, which no JSON encoder writes back.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["fold", "loads"]


def loads(text: str | bytes) -> Any:
    """`text` parsed as JSON; raises ValueError (json.JSONDecodeError or UnicodeDecodeError,
    both ValueErrors) for what another parser could read otherwise."""
    return json.loads(
        text.decode("utf-8") if isinstance(text, bytes) else text,
        object_pairs_hook=_no_duplicates,
        parse_constant=_no_constant,
        parse_float=_finite_float,
        parse_int=_finite_int,
    )


def fold(key: str) -> str:
    """A key or name as the most lenient decoder may match it: compatibility-normalised and
    case-folded (stricter than Go's simple folding: it fails closed)."""
    if key.isascii():
        return key.lower()
    import unicodedata  # (not loaded for ASCII keys: a hook call reads its input with `loads`)

    return unicodedata.normalize("NFKC", key).casefold()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key `{_shown(key)}`")
            seen.add(key)
    if len(pairs) > 1 and len({fold(key) for key in out}) < len(out):
        first: dict[str, str] = {}
        for key in out:
            other = first.setdefault(fold(key), key)
            if other != key:
                raise ValueError(
                    f"keys `{_shown(other)}` and `{_shown(key)}` are one key to parsers that ignore case"
                )
    return out


def _shown(key: str) -> str:
    """`key` as an error names it: a character that is not printable ASCII escaped, so that the
    two keys of a pair stay apart on screen (the Kelvin sign `\\u212a` beside `K`)."""
    return key if key.isascii() and key.isprintable() else json.dumps(key)[1:-1]


def _no_constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number `{text[:20]}` is out of range")
    return value


def _finite_int(text: str) -> int:
    # 308 digits always fit a double: only longer integers can be out of its range.
    if len(text) > 308 and math.isinf(float(text)):
        raise ValueError(f"number `{text[:20]}...` is out of range")
    return int(text)
