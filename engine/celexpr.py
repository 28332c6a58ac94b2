"""`CompiledExpr`: a CEL expression compiled to Python (by `celc.py`), ready to run.

It lives apart from the compiler so that what runs compiled expressions (a decision, a
policy loaded from the cache) does not import the compiler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CompiledExpr:
    """A compiled CEL expression: call `fn(activation)`; it raises only `celrt.CelError`."""

    text: str
    fn: Callable[[Any], Any]
    names: frozenset[str]
    fields: frozenset[tuple[str, ...]]
    python: str
    constant: Any
