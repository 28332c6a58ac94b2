"""The sql analyzer: table of SQL texts in data/analyzers/sql_cases.yaml, and shell clients."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit.analyzers import SqlFacts, shell_facts, sql_facts
from tests.conftest import POLICIES, patches_analyzers

CASES = yaml.safe_load((Path(__file__).parent / "data" / "analyzers" / "sql_cases.yaml").read_text("utf-8"))
EMPTY = shell_facts("execute_sql", {}, None)


@pytest.mark.parametrize("case", CASES, ids=[c["sql"][:60] for c in CASES])
def test_sql_case(case: dict[str, Any]) -> None:
    facts = sql_facts("execute_sql", {"query": case["sql"]}, EMPTY)
    for key in SqlFacts.cel_fields & case.keys():
        assert facts[key] == case[key], key


@pytest.mark.parametrize(
    ("command", "kinds"),
    [
        ("psql -d app -c 'DELETE FROM users'", ["write"]),
        ("psql --command='SELECT 1'", ["read"]),
        ("mysql -e 'DROP DATABASE x'", ["ddl"]),
        ("sqlite3 app.db 'SELECT * FROM t' ", ["read"]),
        ("sqlite3 -header app.db .tables", ["other"]),
        ("psql app <<'SQL'\nUPDATE t SET x = 1;\nSELECT 1;\nSQL", ["write", "read"]),
        ("echo 'DROP TABLE x'", []),
    ],
)
def test_sql_from_shell_clients(command: str, kinds: list[str]) -> None:
    shell = shell_facts("Bash", {"command": command}, None)
    assert sql_facts("Bash", {"command": command}, shell).kinds == kinds


def test_sql_keys_and_lists() -> None:
    facts = sql_facts("db", {"statements": ["SELECT 1", "DELETE FROM t", 3]}, EMPTY)
    assert facts.kinds == ["read", "write"] and facts.unbounded_write


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_never_raises(text: str) -> None:
    facts = sql_facts("db", {"sql": text}, EMPTY)
    assert facts.statements == len(facts.kinds)


@functools.cache
def _coding_agent() -> remit.Guard:
    return remit.Guard.from_path(POLICIES / "coding-agent.yaml")


@pytest.mark.parametrize(
    ("sql", "decision"),
    [
        ("SELECT * FROM books WHERE title = 'Don\\'t Delete Me'", "allow"),
        ("SELECT id FROM t --TODO delete old rows", "allow"),
        ("SELECT 1 --1 INTO OUTFILE '/tmp/x'", "ask"),
        ("SELECT 'a\\'; DROP TABLE users; --'", "ask"),
        ("SELECT pg_terminate_backend(123)", "ask"),
        ("SELECT pg_read_file('/etc/passwd')", "ask"),
        ("SELECT lo_export(16401, '/tmp/x')", "ask"),
        ("xp_cmdshell 'whoami'", "ask"),
        ("SELECT nextval('orders_id_seq')", "ask"),
        ("SELECT currval('orders_id_seq')", "allow"),
    ],
)
def test_coding_agent_reads_every_dialect(sql: str, decision: str) -> None:
    call = _coding_agent().check("mcp__postgres__query", {"sql": sql}, {"cwd": "/repo"})
    assert call.decision.value == decision


@pytest.mark.parametrize(
    ("sql", "decision"),
    [
        ("SELECT pg_terminate_backend(123)", "ask"),
        ("SELECT LOAD_FILE('/etc/passwd')", "ask"),
        ("SELECT lo_unlink(16401)", "block"),
        ("SELECT count(*) FROM users", "allow"),
    ],
)
def test_strict_asks_or_blocks_side_effects(sql: str, decision: str) -> None:
    guard = remit.Guard.from_path(POLICIES / "strict.yaml")
    assert guard.check("mcp__postgres__query", {"sql": sql}, {"cwd": "/repo"}).decision.value == decision


@patches_analyzers
def test_a_bug_in_the_sql_facts_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    import remit.analyzers.sql as module

    def broken(text: str) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(module, "analyze_sql", broken)
    args = {"query": "SELECT 1"}
    facts = sql_facts("mcp__db__query", args, shell_facts("mcp__db__query", args, None))
    assert "write" in facts.kinds and facts.drops  # not a read: policies ask or block
