"""The path analyzer: table of calls in data/analyzers/path_cases.yaml, plus odd inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.analyzers import PathFacts, path_facts, shell_facts
from remit.analyzers._sensitive import is_sensitive

CASES = yaml.safe_load((Path(__file__).parent / "data" / "analyzers" / "path_cases.yaml").read_text("utf-8"))


def _facts(tool: str, args: Any, cwd: str | None) -> PathFacts:
    return path_facts(tool, args, cwd, shell_facts(tool, args, cwd))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['tool']}:{c['args']}"[:70] for c in CASES])
def test_path_case(case: dict[str, Any]) -> None:
    facts = _facts(case["tool"], case["args"], case.get("cwd", "/work/proj"))
    for key in PathFacts.cel_fields & case.keys():
        assert facts[key] == case[key], key


@pytest.mark.parametrize("path", ["", "/", "~", ".", "..", "*", "**", "[", "a" * 5000])
def test_odd_paths_are_judged(path: str) -> None:
    assert isinstance(is_sensitive(path), bool)
    assert isinstance(_facts("Read", {"file_path": path}, "/w").inside_workspace, bool)


@pytest.mark.parametrize(
    "args",
    [None, [], "x", {"paths": "a"}, {"paths": [[1], {}]}, {"file_path": None}, {"path": {"nested": 1}}],
)
def test_wrong_shapes_never_raise(args: Any) -> None:
    assert isinstance(_facts("Read", args, "/w"), PathFacts)


def test_many_paths_are_capped() -> None:
    facts = _facts("Read", {"paths": [f"f{i}" for i in range(5000)]}, "/w")
    assert len(facts.paths) <= 1000


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["file_path", "path", "paths", "pattern", "glob"]),
        st.one_of(st.text(max_size=50), st.lists(st.text(max_size=20)), st.integers(), st.none()),
    )
)
def test_any_args_never_raise(args: dict[str, Any]) -> None:
    facts = _facts("Glob", args, "/w")
    assert all(isinstance(p, str) for p in facts.paths)


@pytest.mark.parametrize(
    ("command", "paths"),
    [
        ("awk '{print $1}' data.csv", ["/w/data.csv"]),
        ("awk -F , '{print $1}' a.csv b.csv", ["/w/a.csv", "/w/b.csv"]),
        ("awk -v n=1 -F: '{print}' /etc/passwd", ["/etc/passwd"]),
        ("awk -f prog.awk data", ["/w/data"]),
        ("gawk -e 'BEGIN{print 1}' -- in.txt", ["/w/in.txt"]),
        ("awk '{print}' limit=3 in.txt", ["/w/in.txt"]),  # `name=value` operands are assignments
        ("""awk '{print > "out.txt"}' in.txt""", ["/w/in.txt", "/w/out.txt"]),
    ],
)
def test_awk_reads_its_operands_after_the_program(command: str, paths: list[str]) -> None:
    facts = _facts("Bash", {"command": command}, "/w")
    assert sorted(facts.paths) == sorted(paths)
