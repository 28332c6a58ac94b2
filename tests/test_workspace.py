"""The workspace is the project's root, not the directory the agent's last `cd` left: path
facts, the hook's `CLAUDE_PROJECT_DIR`, the shipped policies, the log, Claude Code traces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import remit
from remit.analyzers import path_facts, shell_facts
from remit.hook import run_hook
from remit.log import read_log
from remit.replay import replay
from remit.traces import TraceCall, read_traces
from remit.traces.claude import project_root
from tests.conftest import CORPORA, POLICIES
from tests.shipped import shipped_guard

ROOT = "/repo"
API = "/repo/packages/api"
"""Where the agent `cd`-ed to, inside the project."""
SIBLING = "/repo/packages/web/x.ts"
"""A file of the project outside the folder the agent sits in."""
ELSEWHERE = "/opt/other/x.ts"
"""A file outside the project."""


def edit(path: str) -> tuple[str, dict[str, Any]]:
    return "Edit", {"file_path": path, "old_string": "a", "new_string": "b"}


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes session state to the user's cache, nor reads the agent's own project."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("CLAUDE_PROJECT_DIR", raising=False)


# -- path facts ------------------------------------------------------------------------------


def test_a_sibling_folder_is_inside_the_project_root() -> None:
    tool, args = edit(SIBLING)
    assert path_facts(tool, args, API, None).outside == [SIBLING]  # the cwd alone: outside
    facts = path_facts(tool, args, API, None, workspace=ROOT)
    assert facts.outside == []
    assert facts.inside_workspace


def test_relative_paths_resolve_against_the_cwd_not_the_workspace() -> None:
    facts = path_facts("Write", {"file_path": "../web/x.ts", "content": ""}, API, None, workspace=ROOT)
    assert facts.paths == [SIBLING]
    assert facts.inside_workspace
    facts = path_facts("Write", {"file_path": "x.ts", "content": ""}, API, None, workspace=ROOT)
    assert facts.paths == [f"{API}/x.ts"]


def test_a_path_outside_both_is_outside() -> None:
    tool, args = edit(ELSEWHERE)
    facts = path_facts(tool, args, API, None, workspace=ROOT)
    assert facts.outside == [ELSEWHERE]
    assert not facts.inside_workspace


def test_a_workspace_beside_the_cwd_is_what_is_measured() -> None:
    """The analyzer measures against the workspace it is given; the hook and the trace
    reader give none that does not hold the cwd (below)."""
    facts = path_facts(*edit(f"{API}/x.ts"), API, None, workspace="/elsewhere")
    assert not facts.inside_workspace


def test_a_shell_write_to_a_sibling_folder() -> None:
    args = {"command": "echo x > ../web/y.ts"}
    shell = shell_facts("Bash", args, API)
    assert path_facts("Bash", args, API, shell).outside == ["/repo/packages/web/y.ts"]
    assert path_facts("Bash", args, API, shell, workspace=ROOT).inside_workspace
    # The facts kept on the parsed command are not changed by another workspace.
    assert path_facts("Bash", args, API, shell).outside == ["/repo/packages/web/y.ts"]
    assert shell.writes_outside(API)
    assert not shell.writes_outside(ROOT)


def test_a_workspace_that_holds_a_home_keeps_its_start_up_files_outside() -> None:
    def write(path: str) -> Any:
        return path_facts(
            "Write", {"file_path": path, "content": ""}, "/home/u/proj", None, workspace="/home/u"
        )

    assert write("/home/u/.bashrc").outside == ["/home/u/.bashrc"]
    assert write("/home/u/notes/x.md").inside_workspace


def test_no_workspace_or_an_empty_one_is_the_cwd() -> None:
    tool, args = edit(SIBLING)
    for workspace in (None, "", API):
        assert path_facts(tool, args, API, None, workspace=workspace).outside == [SIBLING]


def test_unresolved_paths_stay_outside_any_workspace() -> None:
    args = {"command": "echo x > $DIR/y"}
    shell = shell_facts("Bash", args, API)
    assert not path_facts("Bash", args, API, shell, workspace="/").inside_workspace


# -- the shipped policies ---------------------------------------------------------------------


@pytest.mark.parametrize(("policy", "before"), [("coding-agent", "ask"), ("ci", "block")])
def test_an_edit_of_a_sibling_folder_after_a_cd_flows(policy: str, before: str) -> None:
    tool, args = edit(SIBLING)
    assert shipped_guard(policy).check(tool, args, {"cwd": API}).decision.value == before
    assert shipped_guard(policy).check(tool, args, {"cwd": API, "workspace": ROOT}).decision.value == "allow"


@pytest.mark.parametrize(("policy", "before"), [("coding-agent", "ask"), ("ci", "block")])
def test_a_shell_write_to_a_sibling_folder_after_a_cd_flows(policy: str, before: str) -> None:
    args = {"command": "echo x > ../web/y.ts"}
    guard = shipped_guard(policy)
    assert guard.check("Bash", args, {"cwd": API}).decision.value == before
    assert guard.check("Bash", args, {"cwd": API, "workspace": ROOT}).decision.value == "allow"


@pytest.mark.parametrize("policy", ["coding-agent", "strict", "ci"])
@pytest.mark.parametrize(
    ("tool", "args"),
    [
        edit(ELSEWHERE),
        ("Bash", {"command": f"echo x > {ELSEWHERE}"}),
        ("Bash", {"command": "cp a.ts ../../../x"}),
    ],
    ids=["edit", "redirect", "copy"],
)
def test_a_write_outside_the_project_root_still_asks(policy: str, tool: str, args: dict[str, Any]) -> None:
    decision = shipped_guard(policy).check(tool, args, {"cwd": API, "workspace": ROOT}).decision.value
    assert decision == ("block" if policy == "ci" else "ask")


def test_ctx_workspace_is_the_cwd_when_not_given() -> None:
    policy = remit.load_text(
        """
name: ws
version: "1"
rules:
  - {id: root, allow: 'ctx.workspace == ctx.cwd'}
routes:
  - {id: rest, ask: "true"}
"""
    )
    guard = remit.Guard(policy)
    assert guard.check("Read", {}, {"cwd": API}).decision.value == "allow"
    assert guard.check("Read", {}, {"cwd": API, "workspace": ROOT}).decision.value == "ask"
    assert guard.check("Read", {}, {}).decision.value == "allow"  # both ""


# -- the log -------------------------------------------------------------------------------------


def _logged(tmp_path: Path, ctx: dict[str, Any]) -> dict[str, Any]:
    log = tmp_path / f"log-{len(list(tmp_path.iterdir()))}.jsonl"
    guard = remit.Guard(shipped_guard("coding-agent").policy, log=log)
    guard.check(*edit(SIBLING), ctx)
    guard.log.close()  # type: ignore[union-attr]
    (record,) = [r for r in read_log(log) if r.get("kind") == "decision"]
    return record


def test_a_record_without_a_workspace_has_no_workspace_field(tmp_path: Path) -> None:
    assert _logged(tmp_path, {"cwd": API})["ctx"] == {"cwd": API}
    assert _logged(tmp_path, {"cwd": API, "workspace": API})["ctx"] == {"cwd": API}
    assert _logged(tmp_path, {})["ctx"] == {}


def test_a_record_keeps_a_workspace_that_is_not_the_cwd(tmp_path: Path) -> None:
    assert _logged(tmp_path, {"cwd": API, "workspace": ROOT})["ctx"] == {"cwd": API, "workspace": ROOT}


# -- the hook -----------------------------------------------------------------------------------


def _event(path: str, cwd: str = API) -> str:
    tool, args = edit(path)
    return json.dumps(
        {
            "session_id": "ws-1",
            "transcript_path": "/nonexistent/remit-tests/ws-1.jsonl",
            "cwd": cwd,
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": tool,
            "tool_input": args,
            "tool_use_id": "toolu_ws",
        }
    )


def _permission(text: str) -> str:
    return str(json.loads(text)["hookSpecificOutput"]["permissionDecision"])


def _hook(event: str, project_dir: str | None, log: Path | None = None, agent: str = "claude-code") -> str:
    policy = POLICIES / "coding-agent.yaml"
    text, code = run_hook(agent, event, policy=policy, log=log, project_dir=project_dir)
    assert code == 0
    return text


def test_the_hook_takes_the_project_root_from_claude_project_dir(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    assert _permission(_hook(_event(SIBLING), None)) == "ask"
    assert _permission(_hook(_event(SIBLING), ROOT, log)) == "allow"
    assert _permission(_hook(_event(ELSEWHERE), ROOT)) == "ask"
    (record,) = [r for r in read_log(log) if r.get("kind") == "decision"]
    assert record["ctx"]["workspace"] == ROOT


@pytest.mark.parametrize(
    "project_dir",
    ["", "repo", "./repo", "/elsewhere", "/re", "/repo/packages/api/sub", "/repo/packages/api"],
    ids=["empty", "relative", "dotted", "beside", "a-prefix-of-a-name", "below-the-cwd", "the-cwd"],
)
def test_a_project_dir_that_does_not_hold_the_cwd_is_ignored(project_dir: str, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    assert _permission(_hook(_event(SIBLING), project_dir, log)) == "ask"
    (record,) = [r for r in read_log(log) if r.get("kind") == "decision"]
    assert "workspace" not in record["ctx"]


def test_codex_reads_no_project_dir(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    event = json.loads(_event(SIBLING))
    event["turn_id"] = "t1"
    _hook(json.dumps(event), ROOT, log, agent="codex")
    (record,) = [r for r in read_log(log) if r.get("kind") == "decision"]
    assert "workspace" not in record["ctx"]


@pytest.mark.parametrize(
    ("project_dir", "cwd", "root"),
    [
        ("/repo", "/repo/a", "/repo"),
        ("/repo/", "/repo/a/b", "/repo"),
        ("/repo/../repo", "/repo/a", "/repo"),
        ("/", "/repo", "/"),
        ("/repo", "/repo", ""),
        ("/repo", "/repo/", ""),
        ("/repo", "/repository", ""),
        ("/repo", "/repo/../etc", ""),
        ("/repo", "repo/a", ""),
        ("C:\\repo", "C:\\repo\\a", ""),
        (None, "/repo/a", ""),
    ],
)
def test_project_root(project_dir: str | None, cwd: str, root: str) -> None:
    assert project_root(project_dir, cwd) == root


def test_the_hook_process_reads_claude_project_dir(tmp_path: Path) -> None:
    """End to end, as Claude Code runs the hook: a new process, the variable in its environment."""
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(remit.__file__).parent.parent),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    cmd = [sys.executable, "-m", "remit.hook", "claude-code", str(POLICIES / "coding-agent.yaml")]
    answers = {}
    for name, value in (("set", ROOT), ("relative", "repo")):
        proc = subprocess.run(
            cmd,
            input=_event(SIBLING).encode(),
            capture_output=True,
            env={**env, "CLAUDE_PROJECT_DIR": value},
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr.decode()
        answers[name] = _permission(proc.stdout.decode())
    assert answers == {"set": "allow", "relative": "ask"}


# -- Claude Code traces ------------------------------------------------------------------------


def _line(kind: str, cwd: str, content: Any, n: int) -> str:
    return json.dumps(
        {
            "type": kind,
            "sessionId": "ws-trace",
            "cwd": cwd,
            "uuid": f"u{n}",
            "timestamp": f"2026-01-01T00:00:{n:02d}Z",
            "message": {"role": kind, "content": content},
        }
    )


def _transcript(tmp_path: Path, first_cwd: str) -> Path:
    tool, args = edit(SIBLING)
    lines = [
        _line("user", first_cwd, "fix the web package", 0),
        _line("assistant", API, [{"type": "tool_use", "id": "t1", "name": tool, "input": args}], 1),
        _line("user", API, [{"type": "tool_result", "tool_use_id": "t1", "content": "ok"}], 2),
    ]
    path = tmp_path / "ws-trace.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_claude_trace_carries_the_sessions_first_cwd_as_the_workspace(tmp_path: Path) -> None:
    path = _transcript(tmp_path, ROOT)
    (call,) = [c for c in read_traces([path]) if isinstance(c, TraceCall)]
    assert call.ctx["cwd"] == API
    assert call.ctx["workspace"] == ROOT
    assert replay(POLICIES / "coding-agent.yaml", [path]).decisions["allow"] == 1


def test_a_first_cwd_that_does_not_hold_the_calls_cwd_is_no_workspace(tmp_path: Path) -> None:
    path = _transcript(tmp_path, "/elsewhere")
    (call,) = [c for c in read_traces([path]) if isinstance(c, TraceCall)]
    assert "workspace" not in call.ctx
    assert replay(POLICIES / "coding-agent.yaml", [path]).decisions["ask"] == 1


SPOTTER = CORPORA / "claude-code" / "spotter" / "8463c716-a2ea-4c14-9efa-87158ebd9f20.jsonl"


@pytest.mark.skipif(not SPOTTER.is_file(), reason=f"the shared corpora are not checked out ({CORPORA})")
def test_the_corpus_edits_made_from_a_subfolder_flow() -> None:
    root = "/home/USER/projects/spotter-worktrees/spotter-fum"
    calls = [c for c in read_traces([SPOTTER]) if isinstance(c, TraceCall) and c.tool == "Edit"]
    moved = [c for c in calls if c.ctx.get("cwd") == f"{root}/assets"]
    assert moved and all(c.ctx["workspace"] == root for c in moved)
    guard = shipped_guard("coding-agent")
    wanted = ("cwd", "workspace", "session_id")
    decisions = {
        c.args["file_path"]: guard.check(c.tool, dict(c.args), {k: c.ctx[k] for k in wanted}).decision.value
        for c in moved
    }
    assert decisions == dict.fromkeys(decisions, "allow")
