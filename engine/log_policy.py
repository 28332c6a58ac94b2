"""Log records of the policy itself: a new policy swapped in, and one that failed to load.

They sit in the decision log's hash chain beside decisions and outcomes, so the log tells
which policy was in force when, and why an edit did not take effect:

    {"v": 1, "kind": "policy_loaded", "ts": ..., "file": ..., "policy": {name, version, sha256},
     "replaced": {name, version, sha256}, "prev": ...}
    {"v": 1, "kind": "policy_error", "ts": ..., "file": ..., "message": ..., "diagnostics": [...],
     "more": 0, "policy": {the policy still in force, or null}, "prev": ...}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .decision import PolicyRef
from .diagnostics import Diagnostic
from .log import SCHEMA_VERSION, iso

__all__ = ["MAX_DIAGNOSTICS", "POLICY_KINDS", "policy_error_record", "policy_loaded_record"]

POLICY_KINDS = frozenset({"policy_loaded", "policy_error"})
MAX_DIAGNOSTICS = 50
"""Diagnostics kept in a `policy_error` record; `more` counts the rest."""


def policy_loaded_record(
    policy: PolicyRef, *, ts: float, file: str, replaced: PolicyRef | None = None
) -> dict[str, Any]:
    """The record of a policy swapped in (`replaced`: the one it took over from)."""
    return {
        "v": SCHEMA_VERSION,
        "kind": "policy_loaded",
        "ts": iso(ts),
        "file": file,
        "policy": policy.as_dict(),
        "replaced": replaced.as_dict() if replaced is not None else None,
    }


def policy_error_record(
    in_force: PolicyRef | None,
    *,
    ts: float,
    file: str,
    message: str,
    diagnostics: Sequence[Diagnostic] = (),
    clean: Callable[[str], str] = str,
) -> dict[str, Any]:
    """The record of a policy that could not be loaded, and of the policy still in force.

    `clean` redacts the texts (a diagnostic may quote the policy, or a path).
    """
    kept = [_diagnostic(d, clean) for d in diagnostics[:MAX_DIAGNOSTICS]]
    return {
        "v": SCHEMA_VERSION,
        "kind": "policy_error",
        "ts": iso(ts),
        "file": clean(file),
        "message": clean(message),
        "diagnostics": kept,
        "more": max(0, len(diagnostics) - MAX_DIAGNOSTICS),
        "policy": in_force.as_dict() if in_force is not None else None,
    }


def _diagnostic(d: Diagnostic, clean: Callable[[str], str]) -> dict[str, object]:
    out = d.as_dict()
    out["message"] = clean(d.message)
    out["file"] = clean(d.span.file)
    if d.hint:
        out["hint"] = clean(d.hint)
    return out
