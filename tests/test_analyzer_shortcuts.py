"""The analyzers' shortcuts give what the full computation gives.

Each shortcut skips work for the common case (a word with no `.` or `_` cannot name a secret
file; most programs write nothing but their redirections; a glob is compiled once for all the
sensitive names): checked here against the full computation on generated text.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import example, given, settings
from hypothesis import strategies as st

from remit.analyzers import _facts, _sensitive
from remit.analyzers._command import Command
from remit.analyzers._sensitive import NAME_GLOBS, NAMES, NOT_SENSITIVE, _glob_may_match, is_sensitive

# The characters that decide sensitivity, and a few words that hold them.
_PIECES = st.sampled_from(
    [
        "/",
        "~",
        ".",
        "_",
        "*",
        "?",
        "[",
        "]",
        "-",
        "a",
        "root",
        "etc",
        "ssh",
        "shadow",
        "env",
        "pem",
        "run",
        "secrets",
        "id_rsa",
        ".ssh/",
        "/etc/",
        "/root/",
        ".kube/config",
        "Root",
        "ETC",
        "\u0130",
        " ",
    ]
)
_TEXT = st.lists(_PIECES, max_size=8).map("".join)


@contextmanager
def _full_check() -> Iterator[None]:
    """`is_sensitive` without its shortcut for paths with no `.` or `_`."""
    saved = _sensitive._MARKED
    _sensitive._MARKED = False
    try:
        yield
    finally:
        _sensitive._MARKED = saved


def test_the_shipped_data_allows_the_shortcut() -> None:
    assert _sensitive._MARKED  # otherwise the shortcut is off and the test below proves little


@settings(max_examples=400, deadline=None)
@given(_TEXT)
@example("root")
@example("~root/")
@example("etc/shadow")
@example("/ROOT")
@example("run/secrets")
def test_shortcut_agrees_with_the_full_check(path: str) -> None:
    fast = is_sensitive(path)
    with _full_check():
        assert is_sensitive(path) == fast, path


@settings(max_examples=300, deadline=None)
@given(_TEXT.filter(lambda t: any(c in t for c in "*?[")))
@example("*.pem")
@example("id_*")
@example(".env.*")
@example("[.]env")
@example(".env.?")
@example("secrets.?")
def test_glob_matches_like_fnmatch(glob: str) -> None:
    name = glob.lower().rstrip("/").rpartition("/")[2]
    if name.strip("*.") == "":
        return  # a bare wildcard is judged by its directory, not by the names
    candidates = [*NAMES, "x.pem", "x.key", "x.p12", "x.pfx", "credentials.json", "secrets.yaml"]
    candidates += [".env.local", "x.tfstate", "x.tfvars"]
    candidates += [g.replace("*", "x").replace("?", "x") for g in NAME_GLOBS]  # `.env.?` names `.env.x`
    expected = any(fnmatch.fnmatchcase(c, name) for c in candidates if c not in NOT_SENSITIVE)
    assert _glob_may_match(name, glob.lower()) == expected, glob


_WORDS = st.sampled_from(
    [
        "-o",
        "--output",
        "--output=f",
        "-t",
        "d",
        "f",
        "{}",
        "-",
        "-i",
        "-e",
        "s/a/b/",
        "of=x",
        "-delete",
        "format-patch",
        "diff",
        "push",
        "-fprint",
        "out",
        "/tmp/x",
        "--target-directory=d",
    ]
)
_PROGRAMS = st.sampled_from(
    ["git", "ls", "cat", "echo", "rm", "cp", "mv", "sed", "perl", "curl", "dd", "find"]
)


@settings(max_examples=400, deadline=None)
@given(
    _PROGRAMS,
    st.lists(_WORDS, max_size=6),
    st.lists(st.sampled_from(["out.txt", "", "-", "/dev/null", "log"]), max_size=3),
    st.sampled_from([None, ["."], ["src"]]),
    st.sampled_from([[], ["xargs"], ["sudo"]]),
)
def test_write_targets_shortcut_agrees(
    program: str, args: list[str], redirects: list[str], fills: list[str] | None, wrappers: list[str]
) -> None:
    def make() -> Command:
        return Command([program, *args], writes_to=redirects, fills=fills, wrappers=wrappers)

    assert _facts.write_targets(make()) == _facts._write_targets(make())
