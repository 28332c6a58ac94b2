"""Trace adapters: what agents did, read as a stream of tool calls with their context.

    from remit.traces import read_traces, TraceCall

    for item in read_traces(["~/.claude/projects"]):
        if isinstance(item, TraceCall):
            print(item.tool, item.ctx["steps_since_human"], item.outcome)

Formats (detected from content, or forced with `fmt=`): see `FORMATS` and docs/traces.md.
"""

from .detect import detect, sniff
from .generic import parse_mapping
from .model import (
    EventKind,
    Outcome,
    ProblemKind,
    TraceCall,
    TraceEvent,
    TraceItem,
    TraceProblem,
)
from .read import FORMATS, Unit, read_traces, read_unit, units

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
