"""The `sql` analyzer: statement kinds, tables, DROP and unbounded writes of a call's SQL.

SQL comes from `query`/`sql`/`statement` arguments (database tools and MCP servers) and from
database clients in shell commands (`psql -c`, `mysql -e`, `sqlite3 DB "..."`, heredocs).

Statement kinds are `read`, `write`, `ddl` and `other` (a client command, `SET`, `BEGIN`).
A statement that reads but calls a function with a side effect is a `write`, as `KILL`,
`CALL` and `SELECT ... INTO OUTFILE` are: `SELECT pg_terminate_backend(pid)` and
`pg_reload_conf()`, `set_config(...)` (administration), `pg_read_file`, `lo_export`,
`LOAD_FILE` (the server's files), `sys_exec`, `load_extension`, `xp_cmdshell`, `dblink_exec`
(code, or SQL on another server), `nextval` (a mild write: no rollback undoes it); the list
is `_sqlcore.SIDE_EFFECTS`. No kind of their own: a policy written against read, write and
DDL (`sql.writes || sql.ddl`) must not take them for reads. Those that destroy for good
(`lo_unlink`, `pg_file_unlink`) also count as `drops`.

Why a tokenizer (`_sqlcore.py`) and not sqlglot: these facts are statement-level, a
tokenizer that knows comments, strings and parentheses gets them right for every dialect
and never fails, in about 10 µs; sqlglot (measured: 120 ms import, about 200 µs per
statement) rejects psql meta-commands and dialect syntax, so a fallback would be needed
anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ..celrt import CelObject
from ._sqlcore import SqlInfo, analyze_sql, sql_texts
from .shell import ShellFacts

__all__ = ["SqlFacts", "sql_facts"]

SQL_KEYS = ("query", "sql", "statement", "statements", "queries")


class SqlFacts(CelObject):
    """Facts about the SQL of a call; zero statements when it carries none."""

    cel_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "statements",
            "kinds",
            "read_only",
            "writes",
            "ddl",
            "drops",
            "unbounded_write",
            "tables",
        }
    )

    def __init__(self, info: SqlInfo | None = None) -> None:
        info = info or SqlInfo()
        self.kinds = info.kinds
        self.statements = len(info.kinds)
        self.read_only = bool(info.kinds) and all(k == "read" for k in info.kinds)
        self.writes = "write" in info.kinds
        self.ddl = "ddl" in info.kinds
        self.drops = info.drops
        self.unbounded_write = info.unbounded_write
        self.tables = info.tables


def sql_facts(tool: str, args: Mapping[str, Any], shell: ShellFacts) -> SqlFacts:
    """Analyse the SQL a call carries. Never raises."""
    try:
        texts: list[str] = []
        if isinstance(args, Mapping):
            for key in SQL_KEYS:
                value = args.get(key)
                if isinstance(value, str):
                    texts.append(value)
                elif isinstance(value, list):
                    texts.extend(v for v in value if isinstance(v, str))
        for cmd in shell.commands if isinstance(shell, ShellFacts) else []:
            texts.extend(sql_texts(cmd))
        return SqlFacts(_merge([analyze_sql(t) for t in texts]))
    except Exception:  # a bug here must become a fact, never reach the agent: one that fails closed
        return SqlFacts(SqlInfo(kinds=["write"], drops=True, unbounded_write=True))


def _merge(infos: list[SqlInfo]) -> SqlInfo:
    out = SqlInfo()
    for info in infos:
        out.kinds.extend(info.kinds)
        out.tables.extend(t for t in info.tables if t not in out.tables)
        out.drops = out.drops or info.drops
        out.unbounded_write = out.unbounded_write or info.unbounded_write
    return out
