"""Where `cd -`, `pushd`, `popd`, a `cd` to a variable's value and a failed `cd` leave the call.

Bash keeps the directory before the last move (`OLDPWD`, where `cd -` goes) and a stack of
directories (`pushd x` puts the cwd on it, `popd` goes back to it, `pushd` swaps the two on
top, `pushd +N` turns it, `dirs -c` empties it; a new shell's is empty). Each is followed:
`cd ~/.kube; cd /tmp; cd -; cat config` reads the key store, where the call was once read
from a directory not known (and a relative read from there allowed). A `cd "$d"` goes where
the values `d` may hold say, beside a directory not known; `~-` and `$OLDPWD` name where the
call was, and `~1` (`~+1`, `~-0`, in an argument, a redirection or an assignment's value) an
entry of the stack. A `cd` or `pushd` may fail: what follows one whose failure nothing checks (`cd x;
b`), or the list of one checked by `&&` (`cd x && b; c`: c), is read from where the call was
too; the commands after `cd x ||` run only when it failed, so only where the call was; after
`cd x || exit`, only x goes on. A move is known by the builtin it runs (`c''d`, `builtin cd`).
A loop's body is read once more from where a turn ended, where the next starts.
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
    "cd ~/.kube; cd /nonexistent; cat config",  # nothing checks it
    "cd ~/.kube; pushd /nonexistent; cat config",
    "cd ~/.kube; pushd /tmp; pushd /nope; popd; cat config",  # the `pushd` fails: back to ~/.kube
    "cd ~/.kube; pushd /nope; popd; cat config",  # both fail
    "cd ~/.kube\ncd /nonexistent\ncat config",
    "cd ~/.kube; cd /a; cd /b; cat config",
    "cd ~/.kube; cd /etc/passwd; cat config",
    "cd ~/.kube; cd /tmp /x; cat config",  # too many arguments
    "cd ~/.kube; \\cd /nope || cat config",
    "cd ~/.kube; X=1 cd /nope || cat config",
    "cd ~/.kube; if cd /nope; then :; else cat config; fi",
    "cd ~/.kube; cd /nope && : || cat config",
    "cd ~/.kube; ! cd /nope && cat config",
    "cd ~/.kube; cd /nonexistent && cd /tmp || cat config",
    "cd ~/.kube; cd /nope || { true; exit 1 & }; cat config",  # in the background: no end
    "cd ~/.kube; f() { cd /nope; }; f || cat config",
    "cd ~/.kube; eval cd /nope || cat config",
    # the stack turned in a loop, read once
    "cd ~/.kube; pushd /y; pushd /x; for i in 1 2; do popd; done; cat config",
    "cd ~/.kube; pushd /y; pushd /x; while popd; do :; done; cat config",
    "cd ~/.kube; pushd /y; pushd /x; for i in 1 2; do pushd +1; done; cat config",
    # with a redirect, in a pipeline or the background
    "cd ~/.kube; cd /nope 2>/dev/null; cat config",
    "cd ~/.kube; pushd /nope > /dev/null; cat config",
    "cd ~/.kube; command cd /nope 2>/dev/null; cat config",
    "cd ~/.kube; if cd /nope 2>/dev/null; then :; else cat config; fi",
    # a popd that moves nothing keeps every place the call may be in
    "cd ~/.kube; true && cd /tmp; popd; cat config",
    "cd ~/.kube; cd /nope; popd -n; cat config",
    'pushd ~/.kube; popd ""; cat config',
    # each place a move that may not run leaves
    "test -d build && cd build; test -d out && cd out; test -d bin && cd bin; cat ../../../../etc/shadow",
    "cd sub & cd ../../../etc; cat shadow",  # in the background: a shell of its own
    "true | cd -; cd ../../../etc; cat shadow",
    # a loop's next turn starts where the last ended
    "for i in 1 2; do cat config; cd ~/.kube; done",
    "cd ~/.kube/cache; for i in 1 2; do cat config; cd ..; done",
    "cd ~/.kube/cache; while [ ! -f config ]; do cd ..; done; cat config",
    # the home and the cwd by name
    "cd $HOME/.kube; cat config",
    'cd "${HOME}/.kube" && cat config',
    "x=$HOME/.kube; cd $x; cat config",
    "cd ~; cd $PWD/.kube && cat config",
    "cd /tmp; cd ~/.kube; cd /; cd ~-; cat config",
    "cd ~/.kube; cd /tmp; cat config # OLDPWD",
    "cd ~/.kube; cd /tmp; cd -; cat config # OLDPWD",
    # a move checked by `&&` may still fail for what follows its list
    "cd ~/.kube; cd /nope && ls; cat config",
    "cd ~/.kube\ncd /nope && git status\ncat config",
    "cd ~/.kube; f() { cd /nope && :; }; f; cat config",
    "cd ~/.kube; bash -c 'cd /nope && :; cat config'",
    "cd ~/.kube; cd /tmp; cd /nope && :; cd -; cat config",
    # moves their text hides
    "cd ~/.kube; c''d /nope; cat config",
    "cd ~/.kube; command -p cd /nope; cat config",
    "cd ~/.kube; builtin -- cd /nope; cat config",
    "cd ~/.kube; command -p cd /nope || cat config",
    "builtin c''d /home/me/.kube; builtin c''d /nope || cat config",
    # arguments as bash reads them
    "cd ~/.kube && pushd /tmp && popd -- +1 && cat config",
    "cd ~/.kube && pushd /tmp && pushd +1 x && cat config",
    "cd ~/.kube && pushd /tmp && pushd ++1 && cat config",
    "cd ~/.kube && cd /tmp && pushd - && cat config",
    "cd ~/.kube && cd /tmp && pushd ~- && cat config",
    # a failed move from the workspace, then a climb from where the call stayed
    "cd nope; cd ../../../etc; cat shadow",
    "cd a/b/c; cat ../../../../../etc/shadow",
    "cd nope; cd ..; cd ..; cd ..; cd etc; cat shadow",
    "cd nope; cd ..; cd b; cd ../../../etc; cat shadow",
    "cd nope; cd ..; cd .kube; cat config",
    "cd nope\ncd ../../../etc\ncat shadow",
    "cd a/b/c; cd ../x; cat ../../../../../etc/shadow",
    "cd a/b; cat .''./.''./.''./.''./etc/shadow",
    "cd a/b; cat < ../../../../etc/shadow",
    "cd a/b; x=../../../../etc/shadow; cat $x",
    "u=..; cd a/b; cat $u/$u/$u/$u/etc/shadow",
    "cd a/b; while read l; do echo $l; done < ../../../../etc/shadow",
    "cd sub; cd ..; cat ../../etc/shadow",  # a climb from where the slip went
    "cd nope; cd ../..; cat ../etc/shadow",
    "cd nope; cd ../../; cat < ../etc/shadow",
    "u=..; cd sub; cd ..; cat $u/$u/etc/shadow",
    # the home with a default, which its being set leaves unused
    "cd ${HOME:-/x}/.kube && cat config",
    'cd "${HOME:-$y}/.kube"; cat config',
    "unset HOME; cd ${HOME:-/etc}; cat shadow",  # the default, where HOME is not set
    "env -i bash -c 'cd ${HOME:-/etc} && cat shadow'",
    # past five directories or three stack depths: the workspace's are the slip
    "pushd a && make && popd; pushd b && make && popd; pushd c && make && popd; cat ../../../../etc/shadow",
    "cd a && make && cd ..; cd b && make && cd ..; cd c && make && cd ..; cd ../../../etc; cat shadow",
    "c && cd /x; pushd a && m && popd; pushd b && m && popd; pushd c && m && popd; cat ../.kube/config",
    # `OLDPWD` given to the `cd` alone
    "OLDPWD=/home/me/.kube cd - && cat config",
    "OLDPWD=~/.kube builtin cd -; cat config",
    # an entry of the directory stack named in an argument or a redirection
    "pushd ~/.kube; pushd /tmp; cat ~1/config",
    "pushd ~/.kube; pushd /tmp; cat ~+1/config",
    "pushd ~/.kube && pushd /tmp && cat ~-1/config",
    "pushd ~/.kube; pushd /tmp; cat < ~1/config",
    "pushd ../../..; pushd /tmp; cat ~1/etc/shadow",  # in the workspace: from the call's own
    "cd ~/.kube; cd /tmp; cat < ~-/config",
    "pushd ~/.kube; pushd /tmp; x=~1; cat $x/config",  # in an assignment's value
    'pushd ~/.kube; pushd /tmp; x=~1/config; cat "$x"',
    "cd /etc; cat ~0/shadow",  # the cwd, with an empty stack too
    "cd /etc; cat ~+0/shadow",
    "cd /etc; cat ~-0/shadow",
    # an entry printed by `dirs`
    "pushd ~/.kube; pushd /tmp; cat $(dirs -l +1)/config",
    'pushd ~/.kube; pushd /tmp; cat "$(dirs +1)/config"',
    "pushd /etc; pushd /tmp; cat `dirs -l -0`/shadow",
    "cd /etc; cat $(dirs -l +0)/shadow",
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SECRETS_WHERE_THE_CALL_WENT_BACK)
def test_a_secret_where_the_call_went_back_is_read(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "where"),
    [
        # each move checked (`&&`): the stack as bash keeps it
        ("cd /a && cd /b && cd - && ls", ["/a"]),
        ("cd /a && pushd /b && pushd /c && popd && ls", ["/b"]),
        ("cd /a && pushd /b && popd && popd && ls", ["/a"]),  # the second finds the stack empty
        ("cd /a && pushd /b && pushd && ls", ["/a"]),
        ("cd /a && pushd /b && pushd /c && pushd +2 && ls", ["/a"]),
        ("cd /a && pushd /b && pushd /c && pushd -0 && ls", ["/a"]),
        ("cd /a && pushd /b && pushd /c && popd -n && popd && ls", ["/a"]),
        ("cd /a && pushd /b && dirs -c && popd && ls", ["/b"]),
        ("cd /a && pushd /b && popd -n +0 && ls", ["/b"]),  # `-n`: the entry below goes
        ("cd /a && pushd /b && pushd /c && popd +0 +2 && ls", ["/c"]),  # the last number counts
        ("cd /a && pushd /b && dirs +1 -c && popd && ls", ["/b"]),
        ("cd /a && pushd /b && dirs -lc && popd && ls", ["/a"]),  # rejected: the stack stays
        ("cd /a && pushd -- +1 && ls", ["/a/+1"]),  # after `--`, a directory
        ("cd /a && cd $HOME/.kube && ls", ["~/.kube", "?"]),
        ("cd /a && cd ~+/x && cd ~-/y && ls", ["/a/y"]),
        ("cd /a && cd /b -P; ls", ["/a"]),  # too many arguments: it fails
        ("cd /a && pushd /b && bash -c 'popd; ls'", ["/b"]),
        ("cd /a && if c; then cd /b; fi && cd /c && cd - && ls", ["/b", "/a"]),
        ('d=/b; cd /a && cd "$d" && ls', ["/b", "?"]),  # the value is a guess: beside one not known
        ("cd /a && cd /b && unset OLDPWD && cd - && ls", ["?", "/a", "/b"]),  # it may fail, and stay
        # a move whose failure nothing checks may leave the call where it was
        # not the call's own directory: what a relative path names there, the call may
        # name without the `cd` (a secret is known by its name: `cat .ssh/id_rsa`)
        ("cd /a; ls", ["/a"]),
        ("cd /a; cd /b; ls", ["/b", "/a"]),
        ("cd /a; pushd /b; popd; ls", ["/a"]),  # back, or the `pushd` failed and the `popd` too
        ("cd x; cd ..; ls", [None]),
        ("cd ../.kube; cd /a; ls", ["/a", "../.kube"]),
        ("cd /a; cd /b && ls || ls", ["/b", "/a", "/b", "/a"]),  # `ls` fails, or the move
        ("cd /a; cd /b || ls", ["/a"]),
        ("cd /a; cd /b || exit 1; ls", ["/b"]),
        ("cd /a; cd /b || { echo no; exit 1; }; ls", ["/b"]),
        ("cd /a; exit() { :; }; cd /b || exit; ls", ["/a", "/b"]),  # a function, which returns
        ("cd /a; cd /b || return; ls", ["/a", "/b"]),  # fails outside a function
        # after a failed move from the workspace, a command that moves, or climbs to the root
        # (three levels from /home/me/proj), is also read from where the call stayed; a move
        # from there to the root or a hidden name joins the directories
        ("cd x; ls ../../..", ["x", None]),
        ("cd x; ls ..", ["x"]),
        ("cd x; cd ../../../a; ls", ["../../a", "../../../a"]),
        ("cd x; cd ../../a; ls", ["../a"]),
        ("cd x; cd ..; cd ..; cd ..; ls", ["../..", "../../..", ".."]),
        ("cd x; cd ..; cd .kube; ls", [".kube", "../.kube"]),
        ("cd a/b; cd ../c; ls ../../..", ["a/c", "../c"]),
    ],
)
def test_the_call_is_read_where_bash_moves_it(command: str, where: list[str]) -> None:
    facts = shell_facts("Bash", {"command": command}, CWD)
    assert facts.error == ""
    assert [c.cwd for c in facts.commands if c.argv[0] == "ls"] == where


@pytest.mark.parametrize(
    "command",
    [
        "c && pushd /b; c && pushd /c; c && pushd /d; popd; ls",  # stacks of four depths
        "cd /a; cd ~1; ls",
        "n=+1; pushd $n; ls",
        "cd /a; pushd /b; popd $n; ls",
        'printf -v OLD""PWD %s $HOME/.kube; cd - && cat config',
        "read OLD''PWD; cd -; ls",
        "cd /tmp && pushd /a && printf -v 'DIR''STACK[1]' %s $HOME/.kube && popd && ls",
        "HOME=/home/me/.kube; cd && ls",
        "CDPATH=~/.kube; cd cache/.. && ls",
        "shopt -s cdable_vars; k=/home/me/.kube; cd k && ls",
        "for i in 1 2 3; do cd ..; done; ls",  # further each turn
        "printf -v OLDPWD %s ~/.kube; cd -; ls",
        'export OLD""PWD=$HOME/.kube; cd -; ls',
        'export HOM""E="$PWD/../.kube"; cd; ls',
        'shopt -s cda""ble_vars; k=~/.kube; cd k; ls',
        'pushd /tmp; printf -v "DIRST""ACK[1]" %s ~/.kube; popd; ls',
        "cd /a; pushd -n /b; popd; ls",
        "cd /a; pushd /b; DIRSTACK[1]=/c; popd; ls",
        # `HOME` or `OLDPWD` given to the `cd` alone
        "HOME=/etc cd; cat shadow",
        # an entry of a stack not known named in an argument
        'pushd "$d"; pushd /tmp; cat ~1/config',
        "pushd /etc > /dev/null; cd /tmp; cat ${DIRSTACK[1]}/shadow",
        "cd /etc; cat ${DIRSTACK[0]}/shadow",
        "cd /etc; cat $DIRSTACK/shadow",
        "HOME=/home/me/.kube cd ~/ && cat config",
        "env HOME=/etc bash -c 'cd; cat shadow'",
        'OLDPWD="$d" cd -; cat config',
        "OLDPWD+=/x cd -; cat config",
    ],
)
def test_a_stack_not_known_makes_a_popd_unparsed(command: str) -> None:
    assert shell_error(command, CWD) != ""


@pytest.mark.parametrize(
    "command",
    [
        "cd src && make && cd - && ls",
        "pushd src && make && popd",
        "cd build || exit 1; make",
        'for d in a b; do pushd "$d" > /dev/null; make; popd > /dev/null; done',
        'cd "$(git rev-parse --show-toplevel)" && git status',
        "[ -d src ] && pushd src; make; popd",
        "if [ -d build ]; then pushd build; fi; make; popd",
        "pushd src; trap popd EXIT; make",
        "pushd /tmp; (pushd src); popd",
        "cd frontend; npm test",
        "cd build; cmake ..; make -j4",
        "cd docs; make html; cd ..",
        "cd backend\npytest -q\ncd ../frontend\nnpm test\ncd ..\nmake",
        "cd tests; python -m pytest test_x.py; cd -",
        "pushd src; make; popd",
        "cd $HOME/proj && git status",
        "pushd a; make; popd; pushd b; make; popd; pushd c; make; popd",
        "cd a; make; cd ..; cd b; make; cd ..; cd c; make; cd ..",
        "set -e\ncd lib\ncargo build\ncd ../bin\ncargo build\ncd ..\ncd docs\nmake html\ncd ..",
        "cd /tmp/r1; ls; cd /tmp/r2; ls; cd /tmp/r3; ls; cd /tmp/r4; ls",
        "cd web && npm test; cd ../api && go test ./...; cd ..",
        "for d in /tmp/a /tmp/b; do cd $d; git status; done",
        "for d in a b; do cd $d; make; cd ..; done",
        'while read -r d; do (cd "$d" && make); done < dirs.txt',
        "cd pkg/a && npm test; cd ../b && npm test; cd ../c && npm test; cd ../d && npm test; cd ../e",
        "for d in a b; do (cd $d && make); done",
        'for d in pkg/*; do (cd "$d" && go test ./...); done',
        "cd src; cd lib; cd util; cd impl; cd x; ls",
        "cd a; make; cd ..; cd b; make; cd ..; cd c; make; cd ..; cd d; make; cd ..; cd e; make; cd ..",
        "cd frontend && npm test > /dev/null && npm run lint",
        "cd build; cmake ..; make",
        "cd web; cp -r build ../dist",  # a climb short of the root, from where the call stayed
        "cd sub; touch ../x.txt",
        "cd packages/a; npm run build; cp dist/* ../../dist/",
        # past five directories or three stack depths, those in the workspace are the slip
        "pushd a && make && popd; pushd b && make && popd; pushd c && make && popd",
        "pushd a && make && popd; pushd b && make && popd; pushd c && make && popd; pushd d && make && popd",
        "cd a && make && cd ..; cd b && make && cd ..; cd c && make && cd ..; cd d && make && cd ..",
        "cd build; cmake ../src; cd ..; ls",
        "cd app; cp ../README.md .; cd ../lib; make",
        "pushd sub; cat ~1/README.md; popd",  # the call's own directory
        "pushd /etc; cd /tmp; cat ~1/shadow",  # `cd` changed the cwd, not the entry below it
        "pushd src && cat $(dirs -l +1)/README.md",
        "echo $(dirs)",
    ],
)
def test_ordinary_moves_keep_their_decisions(command: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == "allow"


def test_the_parser_marks_a_branch_after_a_failed_move() -> None:
    kinds = [entry[3] for entry in parse_bash("cd x || exit 1").assignments]
    assert kinds == ["undo", "end"]
    assert [entry[3] for entry in parse_bash("c || exit 1").assignments] == []
    assert parse_simple("cd x || exit 1") is None  # left to the walker, which marks it


def test_a_stack_entry_past_any_number_is_read_as_written() -> None:
    assert shell_error("pushd /a; cat ~" + "9" * 5000 + "/x", CWD) == ""
