"""Shared fixtures: paths of the checkout, the shipped policies and the corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
POLICIES = ROOT / "policies"
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture
def policies_dir() -> Path:
    """The shipped policies."""
    return POLICIES
