"""`lazy`: a fact computed on first read and then stored on the instance.

Like `functools.cached_property` without its per-instance lock (Python 3.10/3.11), which
costs more than most facts it would guard. The compiled build compiles it with the analyzers:
its first read of a fact is then a call from C, not a Python frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class lazy(Generic[T]):
    """Decorate a method: its result replaces the attribute on first access."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = getattr(compute, "__name__", "")  # a compiled method may have none
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> lazy[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | lazy[T]:
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.name] = value
        return value
