"""Pattern conversions: Claude Code's command, path and domain patterns to RE2 regexes.

Every regex is anchored (`^...$`): CEL's `matches` searches anywhere in the text.
"""

from __future__ import annotations

import json
import re

_META = frozenset("\\.^$|?*+()[]{}")
_SLUG = re.compile(r"[^a-z0-9]+")


def cel_str(text: str) -> str:
    """`text` as a CEL string literal."""
    return json.dumps(text, ensure_ascii=False)


def escape(text: str) -> str:
    """`text` as an RE2 literal (only regex metacharacters are escaped)."""
    return "".join("\\" + ch if ch in _META else ch for ch in text)


def slug(text: str, limit: int = 40) -> str:
    """A short lowercase id fragment made of letters, digits and dashes."""
    return _SLUG.sub("-", text.lower()).strip("-")[:limit].strip("-")


def command_regex(spec: str) -> str:
    """A Claude Code Bash specifier (`npm run test:*`, `git * main`, `ls *`) as a regex.

    `*` matches any text (spaces too); a trailing ` *` (or the legacy `:*`) also matches
    the bare prefix, so `ls *` matches `ls` and `ls -la` but not `lsof`.
    """
    if spec.endswith(":*"):
        spec = spec[:-2] + " *"
    tail = ""
    if spec.endswith(" *"):
        spec, tail = spec[:-2], "(?: .*)?"
    body = ".*".join(escape(part) for part in spec.split("*"))
    return f"(?s)^{body}{tail}$"


def prefix_regex(prefix: str) -> str:
    """Gemini's `commandPrefix`: the prefix, then whitespace or the end of the command."""
    return f"(?s)^{escape(prefix)}(?:\\s.*)?$"


def domain_regex(pattern: str) -> str:
    """A WebFetch `domain:` pattern as a regex over lowercase host names.

    A leading `*.` matches any depth of subdomain (not the apex); elsewhere `*` stays
    inside one label, so `example.*` cannot become `example.evil.com`.
    """
    pattern = pattern.strip().lower().rstrip(".")
    if pattern == "*":
        return "^.+$"
    lead = ""
    if pattern.startswith("*."):
        lead, pattern = "(?:[^.]+\\.)+", pattern[2:]
    body = "[^.]*".join(escape(part) for part in pattern.split("*"))
    return f"^{lead}{body}$"


def glob_regex(pattern: str) -> str:
    """A gitignore-style glob (relative, no anchor) as an unanchored-start regex body.

    `**` spans directories, `*` and `?` stay inside one segment; a match also covers
    everything below a matched directory, as gitignore does.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        piece, i = _glob_piece(pattern, i)
        out.append(piece)
    return "".join(out).rstrip("/") + "(?:/.*)?"


def _glob_piece(p: str, i: int) -> tuple[str, int]:
    if p.startswith("**/", i) and (i == 0 or p[i - 1] == "/"):
        return "(?:.*/)?", i + 3
    if p.startswith("**", i) and (i == 0 or p[i - 1] == "/") and i + 2 == len(p):
        return ".*", i + 2
    ch = p[i]
    if ch == "*":
        return "[^/]*", i + 1
    if ch == "?":
        return "[^/]", i + 1
    if ch == "[":
        end = p.find("]", i + 2)
        if end > 0:
            body = p[i + 1 : end]
            body = "^" + body[1:] if body.startswith("!") else body
            return "[" + body.replace("\\", "\\\\") + "]", end + 1
    return escape(ch), i + 1
