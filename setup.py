"""Compiles remit's analyzers with mypyc when `REMIT_COMPILE=1`; otherwise builds nothing.

pyproject.toml describes the package. This file only adds extension modules: with
`REMIT_COMPILE=1` in the environment, `pip install .` or `pip wheel .` compiles the shell,
path, HTTP and SQL analyzers (`engine/analyzers/`) to C with mypyc, the compiler mypy ships
(black and mypy itself are built the same way). They are most of a shell call's decision;
compiled, the benchmark's decisions take about 30% less time. The Python sources stay in the
wheel, and a build
without the variable is pure Python. `_build/backend.py` adds mypy to the build's
requirements only when compiling, and never compiles an editable install, whose compiled
modules would hide later edits of the sources.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
COMPILED = sorted(p.name for p in (HERE / "engine" / "analyzers").glob("*.py") if p.name != "__init__.py")
"""The modules of `remit.analyzers` compiled: all but the package, which says which build runs."""


def compiling() -> bool:
    """Whether this build compiles: `REMIT_COMPILE` is set to anything but empty or 0."""
    return os.environ.get("REMIT_COMPILE", "") not in ("", "0")


def compiled_extensions() -> list[object]:
    """mypyc's extension modules for `COMPILED`, built from a copy of the package.

    mypyc names a module by the folders above it that hold an `__init__.py`; in this checkout
    the package's folder is `engine/`, so it would call them `engine.analyzers.*`. A copy under
    `build/mypyc/remit/` names them `remit.analyzers.*`, as installed.
    """
    from mypyc.build import mypycify

    stage = HERE / "build" / "mypyc"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(HERE / "engine", stage / "remit", ignore=shutil.ignore_patterns("__pycache__", "cli.py"))
    paths = [str((stage / "remit" / "analyzers" / name).relative_to(HERE)) for name in COMPILED]
    return list(mypycify(paths, opt_level="3", target_dir=str(HERE / "build" / "mypyc-c")))


setup(ext_modules=compiled_extensions() if compiling() else [])
