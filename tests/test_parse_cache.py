"""The parse cache reuses the facts of recent shell commands without changing any decision."""

from __future__ import annotations

import remit
from remit.analyzers.path import path_facts
from remit.analyzers.shell import MAX_CACHED_CHARS, ParseCache, shell_facts
from tests.conftest import POLICIES


def test_a_repeated_command_gets_the_same_facts() -> None:
    cache = ParseCache(4)
    first = cache.shell_facts("Bash", {"command": "rm -rf build"}, "/repo")
    assert cache.shell_facts("bash", {"command": "rm -rf build"}, "/repo") is first
    assert cache.shell_facts("Bash", {"command": "rm -rf build"}, "/other") is not first
    assert cache.shell_facts("Bash", {"command": "rm -rf build "}, "/repo") is not first
    assert shell_facts("Bash", {"command": "rm -rf build"}, "/repo") is not first  # no cache: parsed anew


def test_the_cache_is_bounded() -> None:
    cache = ParseCache(3)
    for i in range(10):
        cache.shell_facts("Bash", {"command": f"echo {i}"}, None)
    assert len(cache) == 3
    long = "echo " + "x" * MAX_CACHED_CHARS
    args = {"command": long}
    assert cache.shell_facts("Bash", args, None) is not cache.shell_facts("Bash", args, None)
    cache.clear()
    assert len(cache) == 0


def test_path_facts_of_a_shared_parse_follow_the_directory() -> None:
    cache = ParseCache()
    shell = cache.shell_facts("Bash", {"command": "cat notes/../.env"}, "/repo")
    here = path_facts("Bash", {"command": "cat notes/../.env"}, "/repo", shell)
    assert path_facts("Bash", {"command": "cat notes/../.env"}, "/repo", shell) is here
    assert here.paths == ["/repo/.env"] and here.sensitive
    named = path_facts("Bash", {"command": "cat notes/../.env", "path": "/etc/passwd"}, "/repo", shell)
    assert named.paths == ["/etc/passwd", "/repo/.env"]


def test_decisions_do_not_depend_on_the_cache() -> None:
    policy = remit.load_policy(POLICIES / "coding-agent.yaml")
    cached, fresh = remit.Guard(policy), remit.Guard(policy, parse_cache=0)
    assert cached.parses is not None and fresh.parses is None
    calls = [
        ("Bash", {"command": "rm -rf build"}, {"cwd": "/repo"}),
        ("Bash", {"command": "rm -rf build"}, {"cwd": "/"}),
        ("Bash", {"command": "rm -rf build", "workdir": "/tmp"}, {"cwd": "/repo"}),
        ("Bash", {"command": "echo hi > ../x"}, {"cwd": "/repo"}),
        ("Bash", {"command": "echo hi > ../x"}, {"cwd": "/repo/sub"}),
        ("Bash", {"command": "echo hi > ../x"}, {}),
        ("Bash", {"command": "cat .env"}, {"cwd": "/repo"}),
    ]
    for _ in range(3):
        for tool, args, ctx in calls:
            a, b = cached.check(tool, args, ctx), fresh.check(tool, args, ctx)
            assert (a.decision, a.ratings, a.reasons, a.errors) == (
                b.decision,
                b.ratings,
                b.reasons,
                b.errors,
            )
    assert len(cached.parses) == len(calls)  # each text in each directory once
