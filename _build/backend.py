"""remit's build backend: setuptools, plus mypy when `REMIT_COMPILE=1` asks for compiled analyzers.

A build's requirements are fixed in pyproject.toml for every build; mypyc (part of mypy) is
needed only by a compiling one, so this backend adds it then and leaves pure builds as light
as before. An editable install is never compiled: its compiled modules would shadow the
sources it exists to let people edit. See setup.py.
"""

from __future__ import annotations

import os
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (the PEP 517 hooks this module does not change)

MYPYC = "mypy>=1.10"
"""What a compiling build needs beyond setuptools (the same floor as the `dev` extra)."""


def _compiling() -> bool:
    return os.environ.get("REMIT_COMPILE", "") not in ("", "0")


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    if not _compiling():
        return _setuptools.get_requires_for_build_wheel(config_settings)
    # setuptools runs setup.py to find its own needs; mypyc is not there yet at this step
    asked = os.environ["REMIT_COMPILE"]
    os.environ["REMIT_COMPILE"] = "0"
    try:
        needs = _setuptools.get_requires_for_build_wheel(config_settings)
    finally:
        os.environ["REMIT_COMPILE"] = asked
    return [*needs, MYPYC]


def build_editable(
    wheel_directory: str, config_settings: dict[str, Any] | None = None, metadata_directory: str | None = None
) -> str:
    os.environ.pop("REMIT_COMPILE", None)
    return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
