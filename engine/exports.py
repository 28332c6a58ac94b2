"""Public names of a package imported on first use (PEP 562), for `remit` and `remit.traces`.

A short-lived process (`remit hook`, once per tool call) pays only for the modules it uses:
`import remit` loads nothing else, and the hook reads one agent's traces without the others.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # `typing` and `collections` cost a hook call milliseconds
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


def lazy_exports(
    namespace: dict[str, Any], where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's `__getattr__` and `__dir__`: a name of `where` is imported from its
    submodule (`where[name]`) on first use, then kept in the package's `namespace`."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        value = getattr(importlib.import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ())})

    return __getattr__, __dir__
