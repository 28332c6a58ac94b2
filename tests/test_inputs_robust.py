"""Bad input to the commands that read files: a record is reported, never lost; malformed JSON or
TOML, or an output that cannot be written, is a clean error naming the file, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from remit.cli import main
from remit.install import InstallError, install, uninstall
from remit.report import build_report, jsonl_to_parquet
from remit.traces import TraceCall, TraceProblem, read_traces
from tests.conftest import DATA

HUGE = "9" * 5000
"""A number past Python's limit on the digits of an integer read from text."""
POLICY = DATA / "hooks" / "policy.yaml"


def run(*args: str) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(main, list(args))
    crashed = None if isinstance(result.exception, SystemExit) else result.exception
    return result.exit_code, result.stdout, result.stderr, crashed


def deep_json(depth: int) -> str:
    return '{"a": ' + "[" * depth + "]" * depth + "}"


# -- records reported, never lost --------------------------------------------------------------


def _assistant(uuid: str, content: Any) -> dict[str, Any]:
    return {
        "type": "assistant",
        "sessionId": "s1",
        "uuid": uuid,
        "timestamp": "2026-02-10T22:57:55.764Z",
        "cwd": "/repo",
        "message": {"role": "assistant", "content": content},
    }


def _tool_use(call_id: str, command: str) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": "Bash", "input": {"command": command}}


def test_an_assistant_line_whose_content_is_an_object_is_a_problem(tmp_path: Path) -> None:
    lines = [
        {"type": "user", "sessionId": "s1", "uuid": "u1", "message": {"role": "user", "content": "clean up"}},
        _assistant("a1", [_tool_use("t1", "ls")]),
        _assistant("a2", _tool_use("t2", "rm -rf ~")),  # one block, not a list of blocks
        _assistant("a3", "only text"),
        _assistant("a4", [_tool_use("t4", "pwd")]),
        _assistant("a5", None),  # usage only
    ]
    transcript = tmp_path / "session.jsonl"
    transcript.write_text("".join(json.dumps(x) + "\n" for x in lines))
    items = list(read_traces([transcript], fmt="claude-code"))
    problems = [(p.line, p.kind) for p in items if isinstance(p, TraceProblem)]
    assert (3, "unknown_record") in problems
    assert not [line for line, kind in problems if line in (4, 6)]  # text only, no content: not damaged
    assert [c.args["command"] for c in items if isinstance(c, TraceCall)] == ["ls", "pwd"]


@pytest.mark.parametrize("item", ["rm -rf ~", ["rm -rf ~"], 5, None])
def test_an_item_of_assistant_content_that_is_not_a_block_is_a_problem(tmp_path: Path, item: Any) -> None:
    lines = [
        _assistant("a1", [{"type": "text", "text": "cleaning"}, item, _tool_use("t1", "ls")]),
        _assistant("a2", [{"type": "text", "text": "done"}, _tool_use("t2", "pwd")]),
    ]
    transcript = tmp_path / "session.jsonl"
    transcript.write_text("".join(json.dumps(x) + "\n" for x in lines))
    items = list(read_traces([transcript], fmt="claude-code"))
    damaged = [p.line for p in items if isinstance(p, TraceProblem) and p.kind == "unknown_record"]
    assert damaged == [1]
    assert [c.args["command"] for c in items if isinstance(c, TraceCall)] == ["ls", "pwd"]


def _decision(n: int, **changes: Any) -> dict[str, Any]:
    record = {
        "v": 1,
        "kind": "decision",
        "id": f"d{n}",
        "ts": f"2026-01-05T10:00:{n:02d}Z",
        "session": "s1",
        "turn": "s1:1",
        "tool": "Read",
        "args": {"file_path": "a"},
        "ratings": {"risk": 1, "reversibility": "reversible", "autonomy": 1},
        "decision": "allow",
        "mode": "enforce",
        "reasons": [{"id": "default", "kind": "default"}],
    }
    return {**record, **changes}


@pytest.mark.parametrize(
    "changes",
    [
        {"decision": ["allow"]},  # a wrong type
        {"decision": "maybe"},  # a value a decision never has
        {"v": 2},  # a format version this report does not read
        {"v": "1"},
        {"v": True},
        {"kind": "decisions"},  # a kind remit does not write
    ],
)
def test_a_record_the_report_cannot_read_is_a_damaged_line(tmp_path: Path, changes: dict[str, Any]) -> None:
    log = tmp_path / "log.jsonl"
    records = [_decision(1), _decision(2, **changes), _decision(3)]
    log.write_text("".join(json.dumps(x) + "\n" for x in records))
    r = build_report([log]).as_dict()
    assert r["totals"]["calls"] == 2
    assert r["inputs"]["damaged_lines"] == {"count": 1, "files": {str(log): 1}}
    parquet = tmp_path / "log.parquet"
    jsonl_to_parquet(log, parquet)
    again = build_report([parquet]).as_dict()
    assert again["totals"]["calls"] == 2
    assert again["inputs"]["damaged_lines"] == {"count": 1, "files": {str(parquet): 1}}


def test_a_log_whose_first_line_nests_too_deeply_is_still_a_log(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(deep_json(50_000) + "\n" + "".join(json.dumps(_decision(n)) + "\n" for n in (1, 2)))
    code, out, err, crashed = run("report", str(log), "--format", "json")
    assert crashed is None and code == 0, err
    r = json.loads(out)
    assert r["inputs"]["logs"] == 1 and r["totals"]["calls"] == 2
    assert r["inputs"]["damaged_lines"] == {"count": 1, "files": {str(log): 1}}


# -- malformed JSON and TOML -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "text", "message"),
    [
        ("claude-settings", "settings.json", '{"permissions": {"x": ' + HUGE + "}}", "too many digits"),
        ("claude-settings", "settings.json", deep_json(50_000), "nested too deeply"),
        ("gemini-policy", "policy.toml", "a = " + HUGE + "\n", "too many digits"),
        ("gemini-policy", "policy.toml", "a = " + "[" * 3000 + "]" * 3000 + "\n", "nests too deeply"),
    ],
)
def test_import_of_unusable_input_is_a_clean_error(
    tmp_path: Path, kind: str, name: str, text: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(text)
    code, out, err, crashed = run("import", kind, str(source))
    assert crashed is None and code == 1 and out == ""
    assert str(source) in err and message in err and "Traceback" not in err


@pytest.mark.parametrize("text", ['{"a": ' + HUGE + "}", deep_json(50_000)])
def test_install_over_unusable_settings_is_a_clean_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(InstallError, match=r"not usable JSON .* left untouched"):
        install("claude-code", "project", policy=str(POLICY), cwd=tmp_path, home=tmp_path)
    assert path.read_text() == text


# -- outputs that cannot be written ----------------------------------------------------------


def _unwritable(tmp_path: Path) -> list[Path]:
    places = [tmp_path / "missing" / "out"]
    if Path("/dev/full").exists():
        places.append(Path("/dev/full"))  # a full disk
    return places


def test_import_to_an_unwritable_place_is_a_clean_error(tmp_path: Path) -> None:
    source = tmp_path / "settings.json"
    source.write_text('{"permissions": {"allow": ["Bash(ls)"]}}')
    for target in _unwritable(tmp_path):
        code, _, err, crashed = run("import", "claude-settings", str(source), "-o", str(target))
        assert crashed is None and code == 1
        assert f"cannot write `{target}`" in err and "Traceback" not in err


def test_report_html_to_an_unwritable_place_is_a_clean_error(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps(_decision(1)) + "\n")
    for target in _unwritable(tmp_path):
        code, _, err, crashed = run("report", str(log), "--html", str(target))
        assert crashed is None and code == 1
        assert f"cannot write `{target}`" in err and "Traceback" not in err


def test_install_that_cannot_write_is_a_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    path = tmp_path / ".claude" / "settings.json"
    with pytest.raises(InstallError, match=r"cannot write .*No space left on device"):
        install("claude-code", "project", policy=str(POLICY), cwd=tmp_path, home=tmp_path)
    assert not path.exists() and list(path.parent.iterdir()) == []  # no temporary file left


# -- a settings file that is a symbolic link ---------------------------------------------------


@pytest.mark.parametrize("relative", [False, True])
def test_install_writes_through_a_symlinked_settings_file(tmp_path: Path, relative: bool) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "settings.json"
    real.write_text('{"permissions": {"deny": ["Read(./.env)"]}}')
    real.chmod(0o600)
    link = tmp_path / "repo" / ".claude" / "settings.json"
    link.parent.mkdir(parents=True)
    link.symlink_to(os.path.relpath(real, link.parent) if relative else real)
    install("claude-code", "project", policy=str(POLICY), cwd=tmp_path / "repo", home=tmp_path)
    assert link.is_symlink() and link.resolve() == real.resolve()
    settings = json.loads(real.read_text())
    assert settings["permissions"] == {"deny": ["Read(./.env)"]} and "PreToolUse" in settings["hooks"]
    assert real.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in dotfiles.iterdir()) == ["settings.json"]  # no temporary file left
    assert uninstall("claude-code", "project", cwd=tmp_path / "repo", home=tmp_path)
    assert link.is_symlink() and json.loads(real.read_text()) == {"permissions": {"deny": ["Read(./.env)"]}}


# -- a line too long to hold -------------------------------------------------------------------


def test_bounded_lines_passes_over_a_line_past_the_bound() -> None:
    from io import BytesIO

    from remit.traces.files import bounded_lines

    data = b"short\n" + b"x" * 5000 + b"\nafter\n" + b"y" * 3000
    assert list(bounded_lines(BytesIO(data), 1000)) == [b"short\n", None, b"after\n", None]
    assert list(bounded_lines(BytesIO(b"a\n" + b"z" * 1000 + b"\n"), 1000)) == [b"a\n", b"z" * 1000 + b"\n"]


@pytest.mark.parametrize("where", [0, 1])
def test_a_trace_line_past_the_bound_is_reported_and_the_rest_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: int
) -> None:
    from remit.traces import files

    monkeypatch.setattr(files, "MAX_LINE_BYTES", 4000)
    lines = [
        json.dumps(_assistant("a1", [_tool_use("t1", "ls")])),
        json.dumps(_assistant("a3", [_tool_use("t3", "pwd")])),
    ]
    lines.insert(where, json.dumps(_assistant("a2", [_tool_use("t2", "echo " + "x" * 9000)])))
    transcript = tmp_path / "session.jsonl"
    transcript.write_text("".join(x + "\n" for x in lines))
    items = list(read_traces([transcript], fmt="claude-code" if where else None))
    damaged = [(p.line, p.message) for p in items if isinstance(p, TraceProblem) and p.kind == "damaged_line"]
    assert damaged == [(where + 1, "a line longer than 4000 bytes, not read")]
    assert [c.args["command"] for c in items if isinstance(c, TraceCall)] == ["ls", "pwd"]
