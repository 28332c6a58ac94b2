"""Damaged input: every skip is a counted problem with a file and a line, never an exception."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit.traces import FORMATS, TraceCall, TraceEvent, TraceProblem, read_traces
from remit.traces.files import parse_json
from remit.traces.read import PARSERS
from tests.conftest import CORPORA, DATA

FIXTURES = DATA / "traces"


def read(*paths: Path, **options: Any) -> list[Any]:
    return list(read_traces(paths, **options))


def kinds(items: list[Any]) -> list[tuple[int, str]]:
    return [(i.line, i.kind) for i in items if isinstance(i, TraceProblem)]


def test_damaged_claude_transcript() -> None:
    items = read(FIXTURES / "claude-damaged.jsonl")
    assert kinds(items) == [
        (3, "damaged_line"),  # a line cut in the middle, followed by more lines
        (5, "unknown_record"),  # a line of a type Claude Code does not write
        (6, "missing_result"),  # the Edit never got a result before the next human message
        (8, "truncated"),  # the last line is cut and has no newline
    ]
    calls = [i for i in items if isinstance(i, TraceCall)]
    assert [(c.tool, c.outcome) for c in calls] == [("Bash", "failed"), ("Edit", None)]
    assert all(i.file.endswith("claude-damaged.jsonl") for i in items if isinstance(i, TraceProblem))


def test_a_damaged_first_line_does_not_hide_the_rest(tmp_path: Path) -> None:
    lines = (FIXTURES / "openai-chat.jsonl").read_bytes().splitlines(keepends=True)
    damaged = tmp_path / "log.jsonl"
    damaged.write_bytes(lines[0][:100] + b"\n" + b"".join(lines[1:]))
    items = read(damaged)
    assert kinds(items)[0] == (1, "damaged_line")
    tools = [c.tool for c in items if isinstance(c, TraceCall)]
    # the first call is recovered from the history that the second request repeats
    assert tools == ["run_shell", "read_file", "run_shell", "edit_file", "run_shell"]


def test_truncated_gzip_keeps_what_came_before() -> None:
    items = read(FIXTURES / "claude-truncated.jsonl.gz")
    calls = [i for i in items if isinstance(i, TraceCall)]
    assert len(calls) == 89 and all(c.outcome == "executed" for c in calls)
    assert isinstance(items[-1], TraceProblem) and items[-1].kind == "truncated"
    assert "ends early" in items[-1].message


@pytest.mark.parametrize(("name", "line"), [("gemini-truncated.json", 34), ("swe-truncated.traj", 20)])
def test_truncated_json_documents(name: str, line: int) -> None:
    fmt = "gemini-cli" if name.startswith("gemini") else "swe-agent"
    for options in ({}, {"fmt": fmt}):
        assert kinds(read(FIXTURES / name, **options)) == [(line, "truncated")]


def test_binary_junk_and_missing_and_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.jsonl"
    items = read(FIXTURES / "junk.jsonl", empty, missing)
    assert [(Path(p.file).name, p.kind) for p in items if isinstance(p, TraceProblem)] == [
        ("junk.jsonl", "unknown_format"),
        ("empty.jsonl", "unknown_format"),
        ("missing.jsonl", "unknown_format"),
    ]
    assert "cannot read" in items[-1].message


def test_gzip_is_read_transparently(tmp_path: Path) -> None:
    plain = (FIXTURES / "openai-chat.jsonl").read_bytes()
    packed = tmp_path / "openai-chat.jsonl.gz"
    packed.write_bytes(gzip.compress(plain))
    calls = [(c.tool, c.args, c.ctx) for c in read(packed) if isinstance(c, TraceCall)]
    expected = [
        (c.tool, c.args, c.ctx) for c in read(FIXTURES / "openai-chat.jsonl") if isinstance(c, TraceCall)
    ]
    assert calls == expected and len(calls) == 5


def test_a_call_whose_result_never_comes_is_handed_out_in_bounded_memory(tmp_path: Path) -> None:
    from remit.traces import assemble

    lines = []
    for i in range(assemble.MAX_PENDING + 10):
        block = {"type": "tool_use", "id": f"t{i}", "name": "Read", "input": {"file_path": f"/r/{i}"}}
        lines.append(
            {"type": "assistant", "sessionId": "s", "message": {"role": "assistant", "content": [block]}}
        )
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    items = read(path)
    assert sum(isinstance(i, TraceCall) for i in items) == len(lines)
    assert sum(isinstance(i, TraceProblem) and i.kind == "missing_result" for i in items) == len(lines)


# -- property tests ------------------------------------------------------------------------------

SAMPLE_FILES = [
    FIXTURES / "openai-chat.jsonl",
    FIXTURES / "anthropic-messages.jsonl",
    FIXTURES / "openai-responses.jsonl",
    FIXTURES / "otel-otlp.jsonl",
    FIXTURES / "generic-agent.jsonl",
    FIXTURES / "claude-damaged.jsonl",
    CORPORA / "claude-code" / "spotter" / "tool_heavy.jsonl",
    CORPORA / "codex" / "ai-sessions" / "codex-pomodor-timer.jsonl",
]


def _sample_lines() -> list[bytes]:
    out: list[bytes] = []
    for path in SAMPLE_FILES:
        if path.is_file():
            out.extend(
                line for line in path.read_bytes().splitlines(keepends=True)[:40] if len(line) < 20_000
            )
    return out


LINES = _sample_lines()
DOCUMENTS = [
    (FIXTURES / "gemini-session.json").read_bytes(),
    (FIXTURES / "otel-spans.json").read_bytes(),
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """Real lines (or a real document), then random cuts, insertions and duplications."""
    if draw(st.booleans()) or not LINES:
        data = draw(st.sampled_from(DOCUMENTS))
    else:
        data = b"".join(draw(st.lists(st.sampled_from(LINES), min_size=1, max_size=8)))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["cut", "insert", "truncate", "duplicate"]))
        if op == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 50)) :]
        elif op == "insert":
            data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
        elif op == "truncate":
            data = data[:at]
        else:
            data = data[:at] + data[at : at + 200] + data[at:]
    return data


def _read_bytes(data: bytes, name: str, fmt: str | None) -> list[Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        mapping = "tool=call.name,args=call.input,session=sid,ts=time,turn=turn" if fmt == "generic" else None
        items = list(read_traces([path], fmt=fmt, mapping=mapping))
    for item in items:
        assert isinstance(item, (TraceCall, TraceEvent, TraceProblem))
        if isinstance(item, TraceProblem):
            assert item.file.endswith(name) and item.line >= 0 and item.message
    return items


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(data=st.binary(max_size=2000), fmt=st.sampled_from([None, *FORMATS]), gz=st.booleans())
def test_random_bytes_never_raise(data: bytes, fmt: str | None, gz: bool) -> None:
    if gz:
        data = gzip.compress(data)[: len(data) // 2 + 10]
    _read_bytes(data, "random.jsonl.gz" if gz else "random.jsonl", fmt)


@PROPERTY
@given(data=mutated(), fmt=st.sampled_from([None, *FORMATS]), suffix=st.sampled_from(["jsonl", "json"]))
def test_mutated_real_lines_never_raise(data: bytes, fmt: str | None, suffix: str) -> None:
    _read_bytes(data, f"mutated.{suffix}", fmt)


@settings(max_examples=300, deadline=None)
@given(value=json_values, fmt=st.sampled_from(sorted(PARSERS)))
def test_any_json_value_through_every_parser(value: Any, fmt: str) -> None:
    parser = PARSERS[fmt]("f.jsonl", session_hint="s")
    for item in [*parser.record(1, value), *parser.document(value)]:
        assert not isinstance(item, BaseException)


@PROPERTY
@given(value=json_values)
def test_any_json_line_is_a_call_or_a_counted_problem(value: Any) -> None:
    data = (json.dumps(value) + "\n").encode()
    for fmt in FORMATS:
        items = _read_bytes(data, "one.jsonl", fmt)
        assert items, f"{fmt} dropped a line silently"


JSON_EDGES = [
    b'{"a": 1, "a": 2}',
    b"NaN",
    b"[Infinity, -Infinity]",
    b"123456789012345678901234567890",
    b'"\\ud800"',
    '{"x": 1}'.encode("utf-16"),
    b'{"x": 1e400}',
    b"-0",
    b"-0.0",
    b'{"x": 0.1}',
    b"\xff\xfe",
    b"{",
    b"",
    b"[1,]",
    b'"\\u00e9"',
    "é".encode("latin-1"),
    b" \n[1, 2.5e-3, true, null]\n",
    b"[" * 5000 + b"]" * 5000,
]


@pytest.mark.parametrize("data", JSON_EDGES)
def test_parse_json_reads_what_the_json_module_reads(data: bytes) -> None:
    try:
        expected: Any = ("value", json.dumps(json.loads(data)))
    except (ValueError, RecursionError) as exc:
        expected = ("error", type(exc), str(exc))
    try:
        got: Any = ("value", json.dumps(parse_json(data)))
    except (ValueError, RecursionError) as exc:
        got = ("error", type(exc), str(exc))
    assert got == expected


@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"shared corpora not found at {CORPORA}")
def test_parse_json_reads_every_corpus_line_as_the_json_module_does() -> None:
    files = sorted(p for p in CORPORA.rglob("*") if p.suffix in (".jsonl", ".json", ".traj") and p.is_file())
    assert len(files) > 100
    for path in files:
        data = path.read_bytes()
        for part in data.splitlines() if path.suffix == ".jsonl" else [data]:
            if part.strip():
                assert json.dumps(parse_json(part)) == json.dumps(json.loads(part)), path
