"""Trace adapters: what agents did, read as a stream of tool calls with their context.

    from remit.traces import read_traces, TraceCall

    for item in read_traces(["~/.claude/projects"]):
        if isinstance(item, TraceCall):
            print(item.tool, item.ctx["steps_since_human"], item.outcome)

Formats (detected from content, or forced with `fmt=`): see `FORMATS` and docs/traces.md.

The names below are imported on first use (PEP 562): the hook reads one format's parser
(`remit.traces.claude`, `remit.traces.codex`) without loading the others and their readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exports import lazy_exports

# `detect` is also the name of a submodule, and importing the submodule (as `read` does) binds
# the module to this package's name `detect`, which a name loaded on first use would then never
# replace. Imported here, the function takes the name after the module does. The submodule
# imports nothing when it loads (it reads JSON through `files`, imported on its first use).
from .detect import detect, sniff

if TYPE_CHECKING:
    from .calls import TraceCall, TraceEvent, TraceItem
    from .generic import parse_mapping
    from .model import EventKind, Outcome, ProblemKind, TraceProblem
    from .read import FORMATS, Unit, read_traces, read_unit, units

_WHERE: dict[str, str] = {
    "EventKind": "model",
    "FORMATS": "read",
    "Outcome": "model",
    "ProblemKind": "model",
    "TraceCall": "calls",
    "TraceEvent": "calls",
    "TraceItem": "calls",
    "TraceProblem": "model",
    "Unit": "read",
    "parse_mapping": "generic",
    "read_traces": "read",
    "read_unit": "read",
    "units": "read",
}
"""The submodule that defines each public name loaded on first use."""

__all__ = [
    "FORMATS",
    "EventKind",
    "Outcome",
    "ProblemKind",
    "TraceCall",
    "TraceEvent",
    "TraceItem",
    "TraceProblem",
    "Unit",
    "detect",
    "parse_mapping",
    "read_traces",
    "read_unit",
    "sniff",
    "units",
]


__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
