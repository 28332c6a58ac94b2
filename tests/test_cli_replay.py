"""`remit replay` from the command line: summary, JSON contract, --against, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from remit.cli import main
from tests.conftest import CORPORA, DATA

TRACES = DATA / "traces"
STRICT = "name: strict\nrules:\n  - {id: no-shell, tools: [Bash], block: 'true'}\nroutes: [{allow: 'true'}]\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_replay_json_contract() -> None:
    code, out, _ = run("replay", "coding-agent", str(TRACES), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["calls"] > 0 and data["sessions"] > 0
    assert set(data["decisions"]) == {"allow", "ask", "block"}
    assert sum(data["decisions"].values()) == data["calls"]
    assert sum(data["by_rule"].values()) >= data["calls"]
    assert data["problems"]["total"] > 0  # the damaged fixtures are reported, not fatal


def test_replay_against_lists_changes_and_fails_on_change(tmp_path: Path) -> None:
    strict = tmp_path / "strict.yaml"
    strict.write_text(STRICT)
    code, out, _ = run("replay", str(strict), str(TRACES), "--against", "coding-agent", "--format", "json")
    assert code == 0
    changes = json.loads(out)["changes"]
    assert changes and all(
        {"call_id", "tool", "before", "after", "rules_before", "rules_after"} <= set(c) for c in changes
    )
    assert any(c["tool"] == "Bash" and c["after"] == "block" for c in changes)
    code, out, _ = run("replay", str(strict), str(TRACES), "--against", "coding-agent", "--fail-on-change")
    assert code == 5 and "decided differently" in out


def test_replay_text_summary_and_log(tmp_path: Path) -> None:
    log = tmp_path / "replay.jsonl"
    code, out, err = run("replay", "coding-agent", str(TRACES), "--log", str(log))
    assert code == 0 and "Traceback" not in err
    assert "calls in" in out and "decisions:" in out and "decided by" in out
    assert log.read_text().count('"kind":"decision"') > 0


def test_replay_usage_errors() -> None:
    assert run("replay", "coding-agent", "no/such/dir")[0] == 2
    code, _, err = run("replay", "coding-agent", str(TRACES), "--trace-format", "nonsense")
    assert code == 2 and "nonsense" in err


@pytest.mark.skipif(not CORPORA.is_dir(), reason="the shared corpora are not beside this checkout")
def test_replay_real_claude_code_sessions() -> None:
    code, out, _ = run("replay", "coding-agent", str(CORPORA / "claude-code"), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["calls"] > 1000
    assert data["decisions"]["allow"] > 0.8 * data["calls"]
