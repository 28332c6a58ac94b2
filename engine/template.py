"""Reason templates: `"{tool} would read {path.first_sensitive}"`, filled in per decision."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")
MAX_VALUE_CHARS = 200


@dataclass(frozen=True, slots=True)
class Template:
    """A message template split once into literal text and field paths."""

    text: str
    parts: tuple[str | tuple[str, ...], ...]

    @property
    def roots(self) -> frozenset[str]:
        """The top-level names the template reads."""
        return frozenset(p[0] for p in self.parts if isinstance(p, tuple))

    def render(self, lookup: Callable[[str], Any]) -> str:
        """Fill the template; a field that cannot be read renders as `?`, never fails."""
        out: list[str] = []
        for part in self.parts:
            out.append(part if isinstance(part, str) else _value(lookup, part))
        return "".join(out)


def parse_template(text: str) -> Template:
    """Split `text` at its `{dotted.field}` placeholders; `{{` and `}}` are literal braces."""
    parts: list[str | tuple[str, ...]] = []
    pos = 0
    escaped = text.replace("{{", "\x00").replace("}}", "\x01")
    for m in _FIELD.finditer(escaped):
        parts.append(escaped[pos : m.start()])
        parts.append(tuple(m.group(1).split(".")))
        pos = m.end()
    parts.append(escaped[pos:])
    clean = tuple(
        p.replace("\x00", "{").replace("\x01", "}") if isinstance(p, str) else p for p in parts if p != ""
    )
    return Template(text, clean)


def _value(lookup: Callable[[str], Any], path: tuple[str, ...]) -> str:
    try:
        value = lookup(path[0])
        for name in path[1:]:
            value = value[name]
    except Exception:
        return "?"
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"
