"""SQL statement analysis with a small tokenizer (comments, strings, dollar quotes aware).

Only statement-level facts are needed (kind, tables, DROP, WHERE at the top level), which a
tokenizer gets right across dialects and never fails on; see `sql.py` for why not sqlglot.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ._command import Command
from ._programs import SQL_CLIENTS

MAX_SQL = 100_000

_TOKEN = r"""--[^\n]*|\#[^\n]*|/\*.*?(?:\*/|\Z)
    |'(?:[^'\\]|''|\\.)*(?:'|\Z)
    |"(?:[^"]|"")*(?:"|\Z)|`[^`]*(?:`|\Z)|\[[^\]\s]*\]
    |(?P<dollar>\$[A-Za-z_]*\$).*?(?:(?P=dollar)|\Z)
    |[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d*)?|[;(),.]|[^\s\w;(),.]+"""
"""One token: a comment, a quoted string or name, a word, a number or punctuation (verbose)."""

_POSTGRES_TOKEN = r"""--[^\n]*|/\*.*?(?:\*/|\Z)
    |[Ee]'(?:[^'\\]|''|\\.)*(?:'|\Z)|'(?:[^']|'')*(?:'|\Z)
    |"(?:[^"]|"")*(?:"|\Z)
    |(?P<dollar>\$[A-Za-z_]*\$).*?(?:(?P=dollar)|\Z)
    |[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d*)?|[;(),.]|[^\s\w;(),.]+"""
"""`_TOKEN` as PostgreSQL reads it: a backslash escapes nothing in a plain string (`'a\'` ends
there), `#` is an operator and starts no comment."""

_MYSQL_TOKEN = r"""--(?=\s|\Z)[^\n]*|\#[^\n]*|/\*(?!!).*?(?:\*/|\Z)|/\*!\d*
    |'(?:[^'\\]|''|\\.)*(?:'|\Z)|"(?:[^"\\]|""|\\.)*(?:"|\Z)|`[^`]*(?:`|\Z)
    |[A-Za-z_$][A-Za-z0-9_$]*|\d+(?:\.\d*)?|[;(),.]|[^\s\w;(),.]+"""
"""`_TOKEN` as MySQL reads it: `--` starts a comment only before a blank (`1--1` is 2), the
text of a `/*! ... */` comment runs (its opening is a comment token, what follows is SQL),
and `$$` quotes nothing."""

_DIALECT_MARKS = re.compile(r"[\\#$]|/\*!|--\S")
"""What the dialects read differently: a backslash, `#`, `$`, `/*!`, `--` before a non-blank.
A text without any is tokenized once."""


# Compiled on first use (each getter is cached): most processes analyse no SQL at all.
@functools.cache
def _token() -> re.Pattern[str]:
    return re.compile(_TOKEN, re.S | re.X)


@functools.cache
def _dialect_tokens() -> tuple[re.Pattern[str], ...]:
    """The tokenizers of the dialects whose reading of a text may differ from `_token`'s."""
    return tuple(re.compile(t, re.S | re.X) for t in (_POSTGRES_TOKEN, _MYSQL_TOKEN))


@functools.cache
def _meta() -> re.Pattern[str]:
    """psql `\\dt` and sqlite3 `.tables` lines: client commands, not SQL."""
    return re.compile(r"^\s*[\\.][A-Za-z!?].*$", re.M)


READ = frozenset({"SELECT", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "VALUES", "TABLE"})
WRITE = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT", "COPY", "LOAD"})
RUNS = frozenset(
    {
        "CALL", "DO", "EXEC", "EXECUTE", "PREPARE", "ATTACH", "DETACH", "KILL", "SHUTDOWN",
        "PURGE", "INSTALL", "UNINSTALL", "IMPORT", "HANDLER",
    }
)  # fmt: skip
"""Statements that run code the text does not show (a procedure, a `DO` block, a prepared
statement), attach files or stop the server: counted as writes, since nobody can tell."""
_EFFECTS = {
    "admin": """PG_TERMINATE_BACKEND PG_CANCEL_BACKEND PG_RELOAD_CONF PG_ROTATE_LOGFILE PG_PROMOTE
        PG_SWITCH_WAL PG_SWITCH_XLOG PG_CREATE_RESTORE_POINT PG_START_BACKUP PG_STOP_BACKUP
        PG_BACKUP_START PG_BACKUP_STOP PG_CREATE_PHYSICAL_REPLICATION_SLOT
        PG_CREATE_LOGICAL_REPLICATION_SLOT PG_COPY_PHYSICAL_REPLICATION_SLOT
        PG_COPY_LOGICAL_REPLICATION_SLOT PG_DROP_REPLICATION_SLOT PG_REPLICATION_SLOT_ADVANCE
        PG_LOGICAL_SLOT_GET_CHANGES PG_LOGICAL_SLOT_GET_BINARY_CHANGES PG_WAL_REPLAY_PAUSE
        PG_WAL_REPLAY_RESUME PG_STAT_RESET PG_STAT_RESET_SHARED PG_STAT_RESET_SINGLE_TABLE_COUNTERS
        PG_STAT_STATEMENTS_RESET PG_IMPORT_SYSTEM_COLLATIONS SET_CONFIG PG_NOTIFY SP_CONFIGURE""",
    "file": """PG_READ_FILE PG_READ_BINARY_FILE PG_LS_DIR PG_STAT_FILE PG_LS_LOGDIR PG_LS_WALDIR
        PG_LS_TMPDIR PG_LS_ARCHIVE_STATUSDIR PG_LS_LOGICALSNAPDIR PG_LS_LOGICALMAPDIR
        PG_LS_REPLSLOTDIR PG_FILE_WRITE PG_WRITE_FILE PG_FILE_RENAME PG_FILE_UNLINK PG_FILE_SYNC
        PG_LOGDIR_LS LO_IMPORT LO_EXPORT LOAD_FILE READFILE WRITEFILE FSDIR EDIT OPENROWSET
        OPENDATASOURCE XP_DIRTREE XP_SUBDIRS XP_FILEEXIST XP_REGREAD XP_REGWRITE""",
    "code": """SYS_EXEC SYS_EVAL LOAD_EXTENSION XP_CMDSHELL SP_OACREATE SP_OAMETHOD
        SP_EXECUTE_EXTERNAL_SCRIPT DBLINK DBLINK_EXEC DBLINK_CONNECT DBLINK_CONNECT_U
        DBLINK_SEND_QUERY DBLINK_OPEN OPENQUERY""",
    "data": """NEXTVAL SETVAL LO_CREATE LO_CREAT LO_UNLINK LO_PUT LO_FROM_BYTEA LO_TRUNCATE
        LO_TRUNCATE64 LOWRITE""",
}
SIDE_EFFECTS = frozenset(name for names in _EFFECTS.values() for name in names.split())
"""Functions and procedures a read statement calls that act outside its result (see `sql.py`):
`admin` ends sessions, reloads or changes settings; `file` reads or writes the server's
files; `code` runs a program, a library or SQL on another server; `data` writes rows,
large objects or a sequence's next value (no rollback takes a `nextval` back)."""
_DESTROYS = frozenset(
    {"LO_UNLINK", "LO_TRUNCATE", "LO_TRUNCATE64", "PG_FILE_UNLINK", "PG_DROP_REPLICATION_SLOT"}
)
"""Side effects that destroy what cannot be had back, as `DROP` does."""
DDL = frozenset({"CREATE", "DROP", "ALTER", "TRUNCATE", "RENAME", "COMMENT", "GRANT", "REVOKE"})
_MAIN = READ | WRITE | DDL
_SERVER_WIDE = frozenset({"GLOBAL", "PERSIST", "PERSIST_ONLY"})
"""`SET GLOBAL x = 1`: a change to the server's settings for every session, not this one's."""
_TABLE_AFTER = frozenset({"FROM", "JOIN", "INTO", "UPDATE", "TABLE", "TRUNCATE"})
_NOT_TABLE = frozenset(
    {
        "SELECT",
        "IF",
        "EXISTS",
        "NOT",
        "ONLY",
        "LATERAL",
        "TABLE",
        "AS",
        "WITH",
        "VALUES",
        "UNNEST",
        "DUAL",
        "TEMP",
        "TEMPORARY",
        "SET",
        "IGNORE",
        "LOW_PRIORITY",
        "QUICK",
        "INTO",
        "FROM",
        "OVERWRITE",
    }
)
_NAME = re.compile(r"[A-Za-z_\"`\[]")


@dataclass
class SqlInfo:
    """Facts about a SQL text: one kind per statement and what they touch."""

    kinds: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    drops: bool = False
    unbounded_write: bool = False


def analyze_sql(text: str) -> SqlInfo:
    """Classify every statement of `text` (never raises on str input).

    Where dialects read the text differently (`'a\\'; DROP ...` is one string in MySQL, a
    string and a DROP in PostgreSQL), every reading counts: the facts are those of the
    default reading, widened by what the others find."""
    meta_re, head = _meta(), text[:MAX_SQL]
    meta = meta_re.findall(head)
    body = meta_re.sub("", head)
    info = _analyze(body, _token())
    if _DIALECT_MARKS.search(body):
        for token in _dialect_tokens():
            _widen(info, _analyze(body, token, dialect=True))
    info.kinds[:0] = ["other" for _ in meta]
    info.tables = list(dict.fromkeys(info.tables))
    return info


_GRAVITY = {"read": 0, "other": 1, "write": 2, "ddl": 2}
"""How much a statement of each kind may change: a graver reading of a statement wins."""


def _widen(info: SqlInfo, other: SqlInfo) -> None:
    """Add to `info` what another reading of its text finds: drops, unbounded writes, tables,
    and kinds. A reading that splits the text into as many statements reads the same
    statements: each keeps its gravest kind (a `write` where the other reading saw a `read`),
    and a statement stays one. A reading that splits it otherwise sees statements the
    default one does not (`'a\\'; DROP TABLE t; --'`): the kinds it finds that `info` lacks
    are added."""
    if len(other.kinds) == len(info.kinds):
        for i, theirs in enumerate(other.kinds):
            mine = info.kinds[i]
            if _GRAVITY[theirs] > _GRAVITY[mine]:
                info.kinds[i] = theirs
            elif _GRAVITY[theirs] == _GRAVITY[mine] and theirs not in info.kinds:
                info.kinds.append(theirs)  # a write read as DDL, or the reverse: both count
    else:
        info.kinds.extend(k for k in dict.fromkeys(other.kinds) if k != "read" and k not in info.kinds)
    info.drops = info.drops or other.drops
    info.unbounded_write = info.unbounded_write or other.unbounded_write
    info.tables.extend(other.tables)


def _analyze(body: str, tokenizer: re.Pattern[str], *, dialect: bool = False) -> SqlInfo:
    """The facts of `body` split into tokens by `tokenizer` (`dialect`: the tokenizer of one
    dialect, see `_modifies`)."""
    info = SqlInfo()
    statement: list[str] = []
    for match in tokenizer.finditer(body):
        token = match.group()
        if token[0] in "-#/" and (token.startswith(("--", "#", "/*"))):
            continue
        if token == ";":
            _statement(statement, info, dialect)
            statement = []
        else:
            statement.append(token)
    _statement(statement, info, dialect)
    return info


def _statement(tokens: list[str], info: SqlInfo, dialect: bool = False) -> None:
    if not tokens:
        return
    upper = [t.upper() for t in tokens]
    depth = 0
    top: list[tuple[int, str]] = []  # (index, keyword) at paren depth 0
    called: list[str] = []  # the names before `(`: functions, types, tables, columns
    for i, t in enumerate(upper):
        if t == "(":
            depth += 1
            if i:
                called.append(upper[i - 1])
        elif t == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            top.append((i, t))
    main = _main_keyword(upper, top)
    kind = "read" if main in READ else "write" if main in WRITE else "ddl" if main in DDL else "other"
    keywords = {t for _, t in top}
    if kind == "read" and _modifies(upper, dialect):
        kind = "write"  # a data-modifying CTE: WITH x AS (DELETE ...) SELECT ...
    elif kind == "read" and main == "SELECT" and "INTO" in keywords:
        kind = "write"  # `SELECT * INTO copy FROM t` makes a table, `INTO OUTFILE` a file
    elif (
        main in RUNS or (main == "PRAGMA" and "=" in keywords) or (main == "SET" and keywords & _SERVER_WIDE)
    ):
        kind = "write"
    effects = _side_effects(upper, called)
    if effects and kind in ("read", "other"):
        kind = "write"  # `SELECT pg_terminate_backend(pid)`, `xp_cmdshell 'dir'`
    info.kinds.append(kind)
    if main in ("DROP", "TRUNCATE") or (main == "ALTER" and "DROP" in keywords) or effects & _DESTROYS:
        info.drops = True
    if main in ("DELETE", "UPDATE") and "WHERE" not in keywords:
        info.unbounded_write = True
    info.tables.extend(_tables(tokens, upper, _cte_names(upper, tokens)))


def _side_effects(upper: list[str], called: list[str]) -> set[str]:
    """The `SIDE_EFFECTS` a statement (`upper`, its tokens) calls: a name before `(` (in
    `called`), quoted or qualified (`pg_catalog."pg_read_file"(...)`), or the procedure a
    T-SQL statement starts with, which runs without `EXEC` (`master..xp_cmdshell 'dir'`);
    any `sp_` or `xp_` procedure counts, as it would after `EXEC`."""
    found = {name for name in map(_bare, called) if name in SIDE_EFFECTS}
    lead = _leading_name(upper)
    if lead in SIDE_EFFECTS or lead.startswith(("SP_", "XP_")):
        found.add(lead)
    return found


def _bare(token: str) -> str:
    """A name without its quotes: `"pg_read_file"`, `` `sys_exec` ``, `[xp_cmdshell]`."""
    return token[1:-1] if token[:1] in '"`[' and len(token) >= 2 else token


def _leading_name(upper: list[str]) -> str:
    """The last part of the dotted name a statement starts with (`MASTER..XP_CMDSHELL`)."""
    i = 0
    while i + 2 < len(upper) and upper[i + 1] == ".":
        i += 2
        while i + 1 < len(upper) and upper[i] == ".":
            i += 1
    return _bare(upper[i])


_DML = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE"})
_RUNS_DML_AFTER = frozenset({"(", ")", "EXPLAIN", "ANALYZE", "VERBOSE"})
"""Tokens after which a dialect runs a DML statement inside a read: `AS (DELETE ...)`, a
data-modifying CTE, and `EXPLAIN ANALYZE DELETE`, `EXPLAIN (ANALYZE) DELETE`."""


def _modifies(upper: list[str], dialect: bool) -> bool:
    """A read statement (`upper`, its tokens) that writes. The default reading counts any DML
    word, wherever it stands (fail closed). A dialect's reading counts one only where that
    dialect would run it (`_RUNS_DML_AFTER`): its tokens include words the default reading
    holds in a string or a comment (`'Don\\'t delete'` read as PostgreSQL, `--TODO delete`
    as MySQL), which make no write."""
    if not dialect:
        return any(t in _DML for t in upper)
    return any(t in _DML and upper[i - 1] in _RUNS_DML_AFTER for i, t in enumerate(upper) if i)


def _main_keyword(upper: list[str], top: list[tuple[int, str]]) -> str:
    if not upper:
        return ""
    if upper[0] != "WITH":
        return upper[0]
    # WITH a AS (...), b AS (...) <main>: the first main keyword at depth 0 after the CTEs.
    for _, t in top[1:]:
        if t in _MAIN:
            return t
    return "WITH"


def _cte_names(upper: list[str], tokens: list[str]) -> set[str]:
    if not upper or upper[0] != "WITH":
        return set()
    names = set()
    for i in range(1, len(upper) - 1):
        if upper[i + 1] == "AS" or (upper[i + 1] == "(" and upper[i - 1] in ("WITH", ",")):
            names.add(_unquote(tokens[i]).lower())
    return names


def _tables(tokens: list[str], upper: list[str], ctes: set[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(upper):
        if upper[i] in _TABLE_AFTER or (upper[i] == "ON" and i > 1 and upper[i - 2] == "INDEX"):
            j = i + 1
            while j < len(upper) and upper[j] in _NOT_TABLE:
                j += 1
            while j < len(tokens) and _NAME.match(tokens[j]) and upper[j] not in _MAIN:
                name, j = _dotted(tokens, j)
                if name.lower() not in ctes:
                    out.append(name)
                j = _skip_alias(tokens, upper, j)
                if (
                    upper[i] not in ("FROM", "TRUNCATE", "TABLE", "DROP")
                    or j >= len(tokens)
                    or tokens[j] != ","
                ):
                    break
                j += 1
            i = j
        else:
            i += 1
    return out


_CLAUSE = frozenset(
    {
        "JOIN",
        "INNER",
        "LEFT",
        "RIGHT",
        "FULL",
        "CROSS",
        "NATURAL",
        "OUTER",
        "ON",
        "USING",
        "WHERE",
        "GROUP",
        "ORDER",
        "LIMIT",
        "OFFSET",
        "HAVING",
        "WINDOW",
        "UNION",
        "EXCEPT",
        "INTERSECT",
        "RETURNING",
        "SET",
        "VALUES",
        "SELECT",
        "FOR",
        "FETCH",
        "DEFAULT",
        "AS",
        "CASCADE",
        "RESTRICT",
        "ADD",
        "DROP",
        "ALTER",
        "RENAME",
        "COLUMN",
        "IF",
        "PARTITION",
    }
)


def _skip_alias(tokens: list[str], upper: list[str], j: int) -> int:
    """Skip `AS alias` or a bare alias after a table name."""
    if j < len(upper) and upper[j] == "AS":
        return j + 2
    if j < len(tokens) and _NAME.match(tokens[j]) and upper[j] not in _CLAUSE and upper[j] not in _MAIN:
        return j + 1
    return j


def _dotted(tokens: list[str], j: int) -> tuple[str, int]:
    parts = [_unquote(tokens[j])]
    j += 1
    while j + 1 < len(tokens) and tokens[j] == "." and _NAME.match(tokens[j + 1]):
        parts.append(_unquote(tokens[j + 1]))
        j += 2
    return ".".join(parts), j


def _unquote(token: str) -> str:
    if token[:1] in '"`[' and len(token) >= 2:
        return token[1:-1]
    return token


def sql_texts(cmd: Command) -> list[str]:
    """SQL a command hands to a database client (`psql -c`, `mysql -e`, `sqlite3 DB SQL`)."""
    options = SQL_CLIENTS.get(cmd.program)
    if options is None:
        return []
    out: list[str] = []
    args = cmd.args
    for i, a in enumerate(args):
        if a.startswith("--") and "=" in a and a[2:].split("=", 1)[0] in options:
            out.append(a.split("=", 1)[1])
        elif a.startswith("-") and a.lstrip("-") in options and i + 1 < len(args):
            out.append(args[i + 1])
        elif a.startswith("-") and len(a) > 2 and a[1] in options and not a.startswith("--"):
            out.append(a[2:])  # -e"DROP ..." attached
    if cmd.program in ("sqlite3", "duckdb"):
        positional = [a for a in cmd.positionals() if a not in out]
        out.extend(positional[1:])
    if cmd.stdin:
        out.append(cmd.stdin)
    return out
