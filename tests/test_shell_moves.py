"""Where `cd -`, `pushd`, `popd`, a `cd` to a variable's value and a failed `cd` leave the call.

Bash keeps the directory before the last move (`OLDPWD`, where `cd -` goes) and a stack of
directories (`pushd x` puts the cwd on it, `popd` goes back to it, `pushd` swaps the two on
top, `pushd +N` turns it, `dirs -c` empties it; a new shell's is empty). Each is followed:
`cd ~/.kube; cd /tmp; cd -; cat config` reads the key store, where the call was once read
from a directory not known (and a relative read from there allowed). A `cd "$d"` goes where
the values `d` may hold say, beside a directory not known; `~-` and `$OLDPWD` name where the
call was. The commands after `cd x ||` run only when the move failed, so where the call was;
after `cd x || exit`, only in x.
"""

from __future__ import annotations

import pytest

from remit.analyzers import shell_facts
from remit.analyzers._bash import parse_bash
from remit.analyzers._simple import parse_simple
from tests.shipped import SHIPPED, decide_bash, shell_error

CWD = "/home/me/proj"
HOME = "/home/me"

SECRETS_WHERE_THE_CALL_WENT_BACK = [
    "cd ~/.kube; cd /tmp; cd -; cat config",
    "cd ~/.kube && cd /tmp && cd - && cat config",
    "pushd ~/.kube; pushd /tmp; popd; cat config",
    "cd ~/.kube; pushd /tmp > /dev/null; popd > /dev/null; cat config",
    "cd ~/.kube; pushd /tmp; pushd; cat config",  # the two on top swap
    "cd ~/.kube; pushd /tmp; pushd +1; cat config",
    "cd ~/.kube; pushd /tmp; pushd /; popd -n; popd; cat config",
    "cd /tmp; pushd ~/.kube; dirs -c; popd; cat config",  # the popd fails: the call stays
    "cd /tmp; pushd ~/.kube; bash -c 'popd; cat config'",  # a new shell's stack is empty
    "cd ~/.kube; c && cd /tmp; cd /; cd -; cat config",  # back to either
    "OLDPWD=~/.kube; cd -; cat config",
    "cd /tmp; cd ~/.kube; unset OLDPWD; cd -; cat config",  # the `cd -` fails: the call stays
    "cd ~/.kube; cd /tmp; cat ~-/config",
    'cd ~/.kube && cd /tmp && cat "$OLDPWD/config"',
    # a variable's value
    'd=~/.kube; cd "$d"; cat config',
    "d=~/.kube; cd $d && cat config",
    'd=~/.kube; pushd "$d"; cat config',
    'for d in /tmp ~/.kube; do cd "$d"; cat config; done',
    # a failed move
    "cd ~/.kube; cd /nonexistent || cat config",
    "cd ~/.kube; cd /tmp 2> /dev/null || cat config",
    "cd ~/.kube; c && cd /tmp || cat config",
    "cd ~/.kube; popd || cat config",
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SECRETS_WHERE_THE_CALL_WENT_BACK)
def test_a_secret_where_the_call_went_back_is_read(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "where"),
    [
        ("cd /a; cd /b; cd -; ls", ["/a"]),
        ("cd /a; pushd /b; pushd /c; popd; ls", ["/b"]),
        ("cd /a; pushd /b; popd; popd; ls", ["/a"]),  # the second finds the stack empty
        ("cd /a; pushd /b; pushd; ls", ["/a"]),
        ("cd /a; pushd /b; pushd /c; pushd +2; ls", ["/a"]),
        ("cd /a; pushd /b; pushd /c; pushd -0; ls", ["/a"]),
        ("cd /a; pushd /b; pushd /c; popd -n; popd; ls", ["/a"]),
        ("cd /a; pushd /b; dirs -c; popd; ls", ["/b"]),
        ("cd /a; pushd /b; bash -c 'popd; ls'", ["/b"]),
        ("cd /a; c && cd /b; cd /c; cd -; ls", ["/b", "/a"]),
        ('d=/b; cd /a; cd "$d"; ls', ["/b", "?"]),  # the value is a guess: beside one not known
        ("cd /a; cd /b || ls", ["/a"]),
        ("cd /a; cd /b || exit 1; ls", ["/b"]),
        ("cd /a; cd /b || { echo no; exit 1; }; ls", ["/b"]),
        ("cd /a; cd /b; unset OLDPWD; cd -; ls", ["?", "/a", "/b"]),  # it may fail, and stay
        ("cd /a; exit() { :; }; cd /b || exit; ls", ["/a", "/b"]),  # a function, which returns
        ("cd /a; cd /b || return; ls", ["/a", "/b"]),  # fails outside a function
    ],
)
def test_the_call_is_read_where_bash_moves_it(command: str, where: list[str]) -> None:
    facts = shell_facts("Bash", {"command": command}, CWD)
    assert facts.error == ""
    assert [c.cwd for c in facts.commands if c.argv == ["ls"]] == where


@pytest.mark.parametrize(
    "command",
    [
        "cd /a; pushd /b; c && dirs -c; popd; ls",  # stacks of other depths
        "cd /a; pushd -n /b; popd; ls",
        "cd /a; pushd /b; DIRSTACK[1]=/c; popd; ls",
    ],
)
def test_a_stack_not_known_makes_a_popd_unparsed(command: str) -> None:
    assert "directory stack" in shell_error(command, CWD)


@pytest.mark.parametrize(
    "command",
    [
        "cd src && make && cd - && ls",
        "pushd src && make && popd",
        "cd build || exit 1; make",
        'for d in a b; do pushd "$d" > /dev/null; make; popd > /dev/null; done',
        'cd "$(git rev-parse --show-toplevel)" && git status',
    ],
)
def test_ordinary_moves_keep_their_decisions(command: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == "allow"


def test_the_parser_marks_a_branch_after_a_failed_move() -> None:
    kinds = [entry[3] for entry in parse_bash("cd x || exit 1").assignments]
    assert kinds == ["undo", "end"]
    assert [entry[3] for entry in parse_bash("c || exit 1").assignments] == []
    assert parse_simple("cd x || exit 1") is None  # left to the walker, which marks it
