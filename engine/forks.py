"""Locks a forked child gets anew.

A thread of the parent may hold a lock at the moment another thread calls `os.fork()`; the
child has only the forking thread, so nothing there would ever release it, and the child's
first decision, log write or question would wait forever. Each lock that a decision takes is
registered here by its owner and the attribute that holds it, and a forked child replaces it
with a new, unlocked one. What the parent's thread left half-done under the lock is the
owner's to cope with (the log, for one, reopens its file in a new process).

A reset in the child, not the lock held across the fork: a fork never waits for a writer.
"""

from __future__ import annotations

import os
import threading
import weakref

_OWNERS: weakref.WeakKeyDictionary[object, tuple[str, ...]] = weakref.WeakKeyDictionary()


def renew_after_fork(owner: object, *names: str) -> None:
    """In a forked child, set each of `owner`'s attributes `names` to a new `threading.Lock`
    (`owner` may be a module, for a module's own locks). Held weakly: an owner that is gone
    is forgotten."""
    _OWNERS[owner] = names


def _renew() -> None:
    for owner, names in list(_OWNERS.items()):
        for name in names:
            setattr(owner, name, threading.Lock())


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_renew)
