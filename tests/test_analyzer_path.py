"""The path analyzer: table of calls in data/analyzers/path_cases.yaml, plus odd inputs."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit.analyzers import PathFacts, path_facts, shell_facts
from remit.analyzers._sensitive import CREDENTIAL_COMMANDS, credential_store, is_sensitive
from tests.conftest import POLICIES, patches_analyzers

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


@patches_analyzers
def test_a_bug_in_the_path_facts_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    import remit.analyzers.path as module

    def broken(*args: Any) -> PathFacts:
        raise RuntimeError("a bug")

    monkeypatch.setattr(module, "_one", broken)
    monkeypatch.setattr(module, "_judge", broken)
    for tool, args in (("Read", {"file_path": "src/app.py"}), ("Bash", {"command": "cat src/app.py"})):
        facts = path_facts(tool, args, "/work/proj", shell_facts(tool, args, "/work/proj"))
        assert facts.sensitive and not facts.inside_workspace  # not "no paths": that would allow
    guard = remit.Guard.from_path(POLICIES / "coding-agent.yaml")
    assert guard.check("Read", {"file_path": "src/app.py"}, {"cwd": "/work/proj"}).decision == "block"


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


def test_every_credential_store_is_sensitive() -> None:
    stores = {store for printers in CREDENTIAL_COMMANDS.values() for _, _, store in printers}
    assert stores and all(is_sensitive(store) for store in stores), stores


@pytest.mark.parametrize(
    ("command", "store"),
    [
        ("gh auth token", "~/.config/gh/hosts.yml"),
        ("gh -R o/r auth token --hostname ghe.example", "~/.config/gh/hosts.yml"),
        ("gh auth status --show-token", "~/.config/gh/hosts.yml"),
        ("gh auth status", None),
        ("gh issue create --title auth --body token", None),  # words of options, not the command
        ("gh pr view auth token", None),
        ("kubectl --context prod config view --raw --minify", "~/.kube/config"),
        ("kubectl config view", None),  # keys shown as DATA+OMITTED
        ("aws --profile dev configure get profile.dev.aws_session_token", "~/.aws/credentials"),
        ("aws configure get region", None),
        ("aws configure export-credentials --format env", "~/.aws/credentials"),
        (
            "gcloud auth application-default print-access-token",
            "~/.config/gcloud/application_default_credentials.json",
        ),
        ("git -C repo credential fill", "~/.git-credentials"),
        ("git credential-cache exit", None),
        ("heroku auth:token", "~/.netrc"),
        ("gh auth status -at", "~/.config/gh/hosts.yml"),  # a needed letter among others
        ("gh auth --hostname github.com token", "~/.config/gh/hosts.yml"),  # an option between the words
        ("aws configure --profile prod get aws_secret_access_key", "~/.aws/credentials"),
        ("kubectl config view --flatten", "~/.kube/config"),
        ("kubectl config view --raw=false", None),
        ("gcloud config config-helper --format=json", "~/.config/gcloud/credentials.db"),
        ("git credential-cache get", "~/.git-credentials"),
        ("gh auth status -a", None),
    ],
)
def test_a_command_that_prints_a_credential_reads_its_store(command: str, store: str | None) -> None:
    words = command.split()
    assert credential_store(words[0], words[1:]) == store
    facts = _facts("Bash", {"command": command}, "/w")
    assert facts.sensitive == (store is not None), facts.paths


@functools.cache
def _coding_agent() -> remit.Guard:
    return remit.Guard.from_path(POLICIES / "coding-agent.yaml")


@pytest.mark.parametrize(
    ("tool", "args", "cwd", "decision"),
    [
        ("Read", {"file_path": "/work/proj/a\\b\\c/../../../etc/shadow"}, "/work/proj", "block"),
        ("Write", {"file_path": "/work/proj/a\\b/../../x.txt", "content": "x"}, "/work/proj", "ask"),
        (
            "Edit",
            {"file_path": "/work/proj/q\\w\\e/../../../etc/sudoers", "old_string": "a", "new_string": "b"},
            "/work/proj",
            "block",
        ),
        ("Grep", {"pattern": "x", "path": "/work/proj/a\\b\\c/../../../etc/shadow"}, "/work/proj", "block"),
        (
            "mcp__filesystem__write_file",
            {"path": "/work/proj/a\\b/../../evil.txt", "content": "x"},
            "/work/proj",
            "ask",
        ),
        ("Read", {"file_path": "C:\\Users\\me\\.ssh\\id_rsa"}, "C:\\w\\proj", "block"),
        ("Read", {"file_path": ".\\.env"}, "/work/proj", "block"),
        ("Read", {"file_path": "/root/notes.txt"}, "/root/../etc", "block"),
        ("Read", {"file_path": "src\\app.py"}, "/work/proj", "allow"),
        ("Read", {"file_path": "/root/repo/src/app.py"}, "/root/repo", "allow"),
    ],
)
def test_coding_agent_decides_on_both_readings(
    tool: str, args: dict[str, Any], cwd: str, decision: str
) -> None:
    assert _coding_agent().check(tool, args, {"cwd": cwd}).decision.value == decision
