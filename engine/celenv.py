"""What generated CEL code starts from: the runtime helpers in its globals, and the classes
top-level names usually hold.

Kept apart from the code generator (`celfuncs.py`): a policy loaded from the cache remakes
its compiled expressions and decides with these alone, without the generator.
"""

from __future__ import annotations

from . import celrt

OBJECTS: dict[str, type[celrt.CelObject]] = {}
"""The class each declared top-level name usually holds (see `declare_object`)."""
ELEMENTS: dict[tuple[type[celrt.CelObject], str], type[celrt.CelObject]] = {}
"""The class the elements of a declared object's list field usually have."""


def helper_globals() -> dict[str, object]:
    """The globals every generated function starts from: `celrt`'s public callables, as `_name`.

    A fresh dict each time (a caller adds its constants to it), copied from one made once: a
    large policy compiles thousands of expressions."""
    global _HELPERS
    if _HELPERS is None:
        _HELPERS = {"_" + k: v for k, v in vars(celrt).items() if callable(v) and not k.startswith("_")}
    return dict(_HELPERS)


_HELPERS: dict[str, object] | None = None


def declare_object(
    name: str, cls: type[celrt.CelObject], elements: dict[str, type[celrt.CelObject]] | None = None
) -> None:
    """Declare that the top-level name `name` holds a `cls`, and that its list fields named in
    `elements` hold objects of the given classes (a hint for the fast code, see `celfuncs`).

    Expressions compiled before a declaration read those fields the generic way.
    """
    OBJECTS[name] = cls
    for field_name, element in (elements or {}).items():
        ELEMENTS[(cls, field_name)] = element
