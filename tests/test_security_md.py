"""SECURITY.md lists each guarantee with the tests that hold it: every test it names exists."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

SECURITY = (ROOT / "SECURITY.md").read_text()
REFERENCE = re.compile(r"`((?:tests/[\w./-]+)?(?:::\w+)?)`")


def _rows() -> list[tuple[int, str]]:
    """The guarantee rows of SECURITY.md's tables: (line number, the tests column)."""
    rows = []
    for number, line in enumerate(SECURITY.splitlines(), 1):
        cells = line.split(" | ")
        if line.startswith("| ") and len(cells) >= 2 and not line.startswith("| guarantee"):
            rows.append((number, cells[-1]))
    return rows


@cache
def _tests_of(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text())
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))


def test_every_test_a_guarantee_names_exists() -> None:
    missing = []
    checked = 0
    for number, column in _rows():
        file: Path | None = None
        for reference in REFERENCE.findall(column):
            path, _, name = reference.partition("::")
            if path:
                file = ROOT / path
                if not file.exists():
                    missing.append(f"line {number}: {path}")
                    file = None  # the tests after it (`::name`) are missing with it
                    continue
            if name:
                checked += 1
                if file is None or file.suffix != ".py" or name not in _tests_of(file):
                    missing.append(f"line {number}: {file.name if file else '?'}::{name}")
    assert checked > 100  # the table was read
    assert not missing, missing
