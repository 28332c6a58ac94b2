"""Analyzers: facts about a tool call that policy conditions read (`shell`, `path`, `http`,
`sql`, `name`).

Each analyzer is a function of the call that returns a `CelObject` and never raises: a
problem with the input becomes a fact (for example `shell.unparsed`).  The engine computes an
analyzer at most once per call, and only when a condition refers to it.
"""

from __future__ import annotations

from . import shell as _shell
from ._command import Command
from .http import HttpFacts, http_facts
from .name import NameFacts, name_facts
from .path import GLOB_TOOLS, SEARCH_TOOLS, PathFacts, path_facts
from .shell import SHELL_TOOLS, ShellFacts, shell_facts
from .sql import SqlFacts, sql_facts

COMPILED: bool = not str(_shell.__file__).endswith(".py")
"""Whether this install's analyzers are compiled to C (built with `REMIT_COMPILE=1`, see
setup.py) rather than run as Python: they decide the same, faster."""

ANALYSED_TOOLS: frozenset[str] = SHELL_TOOLS | GLOB_TOOLS | SEARCH_TOOLS
"""The tool names the shell and path analyzers read a call by (every other tool's paths are
found by their argument names). A policy's alias of one of them is read as that tool."""

__all__ = [
    "ANALYSED_TOOLS",
    "COMPILED",
    "SHELL_TOOLS",
    "Command",
    "HttpFacts",
    "NameFacts",
    "PathFacts",
    "ShellFacts",
    "SqlFacts",
    "http_facts",
    "name_facts",
    "path_facts",
    "shell_facts",
    "sql_facts",
]
