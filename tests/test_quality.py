"""The code stays clean: ruff and mypy (strict) run as part of the suite."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, writing_in_checkout


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff() -> None:
    paths = ("engine", "cli.py", "tests", "benchmarks", "setup.py", "_build")
    result = _run(sys.executable, "-m", "ruff", "check", *paths)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict() -> None:
    with writing_in_checkout():  # its cache is in the checkout
        result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
