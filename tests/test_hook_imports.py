"""What one hook call loads and compiles: only what its call needs, in a fresh interpreter.

Claude Code and Codex start a new `remit hook` process for every tool call, so its start-up
is paid per call (docs/hooks.md, "Start-up time"), and most of it is imports and the regexes
modules compile. These tests pin what a call leaves out: the trace formats of other agents
and the reader's own records, the Bash parser for a plain command line, the readers of the
programs that run commands (`uv run`, `tmux`) when no command uses one, the CEL code
generator, the approvers, the log when nothing is logged and the redaction's patterns then.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import remit.traces as traces
from benchmarks.hook_startup import event
from remit.redact import KINDS
from tests.conftest import POLICIES

TRACE_CORE = {
    "remit.traces",
    "remit.traces.detect",
    "remit.traces.base",
    "remit.traces.files",
    "remit.traces.model",
}
"""What any one trace reader loads: the package, its shared parts."""
NOT_ON_A_PLAIN_CALL = (
    "tree_sitter",
    "tree_sitter_bash",
    "gzip",
    "select",
    "unicodedata",
    "remit.traces.read",
    "remit.traces.api",
    "remit.traces.assemble",
    "remit.traces.codex",
    "remit.traces.calls",
    "remit.analyzers._bash",
    "remit.analyzers._runners",
    "remit.analyzers._toolchains",
    "remit.analyzers._elsewhere",
    "remit.analyzers._jobs",
    "remit.analyzers._options",
    "remit.analyzers._shells",
    "remit.celfuncs",
    "remit.celc",
    "remit.approval",
    "remit.log_policy",
    "tempfile",
    "zlib",
)
"""Modules a hook call for a plain command (`git status`) has no use for."""
RUNNER_READERS = (
    "remit.analyzers._runners",
    "remit.analyzers._toolchains",
    "remit.analyzers._elsewhere",
    "remit.analyzers._jobs",
    "remit.analyzers._options",
)
"""What reads the programs that run a command with options of their own (`uv run`, `tmux`)."""
NOT_WITHOUT_A_LOG = ("remit.log", "remit.durability", "orjson", "uuid")
"""Modules only a hook call that logs its decision has a use for."""
WITH_A_LOG = NOT_WITHOUT_A_LOG if sys.version_info >= (3, 11) else ("select", *NOT_WITHOUT_A_LOG)
"""What a logged call loads of both lists: before 3.11, `uuid` (which orjson imports) brings
`platform` and with it `subprocess` and `select`."""


def _fresh(code: str, stdin: str = "") -> Any:
    """What `code` prints as JSON, run by a new interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("module", ["remit.traces.claude", "remit.traces.codex", "remit.traces.model"])
def test_a_trace_reader_loads_without_the_other_formats(module: str) -> None:
    code = (
        f"import json, sys, {module};"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('remit.', 'gzip', 'zipfile')))))"
    )
    loaded = set(_fresh(code))
    assert module in loaded
    assert loaded <= TRACE_CORE | {module, "remit", "remit.exports"}


def test_the_package_names_load_on_first_use() -> None:
    code = (
        "import json, sys, remit.traces as t;"
        "before = sorted(m for m in sys.modules if m.startswith('remit.traces.'));"
        "missing = [n for n in t.__all__ if getattr(t, n) is None];"
        "print(json.dumps([before, missing, sorted(set(t.__all__) - set(dir(t))), t.detect.__module__]))"
    )
    before, missing, not_listed, detect_module = _fresh(code)
    assert before == ["remit.traces.detect"]
    assert missing == [] and not_listed == []
    # `detect` is a function and a submodule: loading `read` (which imports the submodule)
    # must not turn the package's name into the module.
    assert detect_module == "remit.traces.detect"


def test_names_and_submodules_resolve_as_before() -> None:
    assert callable(traces.detect) and callable(traces.read_traces)
    assert "claude-code" in traces.FORMATS
    from remit.traces import assemble  # a submodule, not a public name

    assert assemble.__name__ == "remit.traces.assemble"
    unknown = "nope"
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        getattr(traces, unknown)


def _hook_code(cache: Path, log: Path | None) -> str:
    return (
        "import json, sys;"
        "from remit.hook import run_hook;"
        "import remit.redact as redact, remit.analyzers._simple as simple;"
        f"text, _ = run_hook('claude-code', sys.stdin.read(), policy={str(POLICIES / 'coding-agent.yaml')!r},"
        f" log={str(log) if log else None!r}, cache_dir={str(cache)!r});"
        f"loaded = [m for m in {NOT_ON_A_PLAIN_CALL + NOT_WITHOUT_A_LOG!r} if m in sys.modules];"
        "print(json.dumps([json.loads(text)['hookSpecificOutput']['permissionDecision'], loaded,"
        " redact._regex.cache_info().currsize, simple._redirect_re.cache_info().currsize]))"
    )


@pytest.mark.parametrize("logged", [False, True])
def test_a_plain_bash_call_loads_no_bash_parser_and_compiles_little(tmp_path: Path, logged: bool) -> None:
    stdin = event(tmp_path)  # `git status`, with a transcript and a session
    code = _hook_code(tmp_path / "cache", tmp_path / "log.jsonl" if logged else None)
    _fresh(code, stdin)  # the first call compiles the policy and fills the cache
    decision, loaded, redaction_regexes, redirect_regexes = _fresh(code, stdin)
    assert decision == "allow"
    assert loaded == (list(WITH_A_LOG) if logged else [])
    assert redirect_regexes == 0  # `git status` has no redirection
    if logged:  # the pre-test, the field names' pattern, and few of the secrets' patterns
        assert 1 <= redaction_regexes < len(KINDS) // 2
    else:
        assert redaction_regexes == 0


@pytest.mark.parametrize(
    ("command", "programs", "readers"),
    [
        # a shell reads its own options, piped or not
        ("bash -euo pipefail -c 'ls' && echo ls | sh", ["ls", "echo", "sh"], False),
        ("npm test && sudo uv sync", ["npm", "uv"], False),  # no subcommand that runs a command
        ("uv run pytest", ["uv", "pytest"], True),
        ("sudo faketime now rm x", ["rm"], True),
        # programs that run a command only through an option (Codex searches with `rg`)
        ("rg -n 'def main' src && fd -e py", ["rg", "fd"], False),
        ("rg --pre ./x foo", ["rg", "x"], True),
        ("fd -e py -x wc -l", ["fd", "wc"], True),
    ],
)
def test_the_runner_readers_load_with_the_first_command_that_uses_one(
    command: str, programs: list[str], readers: bool
) -> None:
    code = (
        "import json, sys;"
        "from remit.analyzers import shell_facts;"
        f"facts = shell_facts('Bash', {{'command': {command!r}}}, '/p');"
        "facts.pipes_to_shell, facts.network, facts.destructive, facts.writes;"
        f"print(json.dumps([facts.programs, [m in sys.modules for m in {RUNNER_READERS!r}]]))"
    )
    assert _fresh(code) == [programs, [readers] * len(RUNNER_READERS)]


def test_a_state_file_is_written_through_a_new_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from remit import hook

    made = [hook._new_file(tmp_path, ".state-") for _ in range(3)]
    for fd, name in made:
        os.close(fd)
        assert Path(name).parent == tmp_path and Path(name).name.startswith(".state-")
        assert os.stat(name).st_mode & 0o777 == 0o600
    assert len({name for _, name in made}) == 3
    taken = Path(made[0][1])
    taken.unlink()
    taken.symlink_to(tmp_path / "elsewhere")  # a link where the next name would be
    draws = iter([bytes.fromhex(taken.name[len(".state-") : -len(".tmp")]), b"\x01" * 8])
    monkeypatch.setattr(hook.os, "urandom", lambda n: next(draws))
    fd, name = hook._new_file(tmp_path, ".state-")
    os.close(fd)
    assert name == str(tmp_path / ".state-0101010101010101.tmp")
    assert not (tmp_path / "elsewhere").exists()  # the link was not followed
