"""Assignments that may not run, or not reach the commands after them.

An assignment in a branch (`if c; then F=x; fi`, `c && F=x`, `c || F=x`, a `case`), a loop's
body, a function's body where it is defined, a subshell, a command substitution, a part of
a pipeline or a command run in the background may not change what the variable holds for the
commands after it; nor may an assignment of a read-only variable, `local F=x` outside a
function (an error), or one of a variable a called function made its own (`local F`,
`declare F`). After the branch, the variable keeps the value it held as a reading beside
the new one: `F=~/.ssh/id_rsa; if false; then F=x; fi; cat "$F"` reads the key; within
it, the new value alone. A `read`, `export` or function call there keeps the value it held
too. Where the assignment runs for sure, the new value replaces the old one, as before.

A `cd` that may not run (`c && cd x`, `(cd x)`) leaves the call in either directory: each
command after its branch is read from both, until they meet again; the commands after it in
its `&&` chain run only after it. A new shell sets no variable and moves no directory of
its caller's.
"""

from __future__ import annotations

import pytest

from remit.analyzers import shell_facts
from remit.analyzers._bash import parse_bash
from remit.analyzers._simple import parse_simple
from tests.shipped import SHIPPED, decide_bash, shell_argvs, shell_error

CWD = "/home/me/proj"
HOME = "/home/me"
SECRET = "F=~/.ssh/id_rsa"


SECRETS_KEPT = [
    f'{SECRET}; if false; then F=x; fi; cat "$F"',
    f'{SECRET}; if c; then F=x; else F=y; fi; cat "$F"',
    f'{SECRET}; true || F=x; cat "$F"',
    f'{SECRET}; c && F=x; cat "$F"',
    f'{SECRET}; case $1 in a) F=x;; esac; cat "$F"',
    f'{SECRET}; while c; do F=x; done; cat "$F"',
    f'{SECRET}; for i in $(seq 0 $N); do F=x; done; cat "$F"',
    f'{SECRET}; f() {{ F=x; }}; cat "$F"',
    f'{SECRET}; f() {{ F=x; }}; c && f; cat "$F"',
    f'{SECRET}; (F=x); cat "$F"',
    f'{SECRET}; echo x | F=x; cat "$F"',
    f'{SECRET}; y=$(F=x); cat "$F"',
    f'{SECRET}; if c; then read F; fi; cat "$F"',
    f'{SECRET}; c && read F < /tmp/x; cat "$F"',
    f'{SECRET}; c && export F=x; cat "$F"',
    f'{SECRET}; c && unset F; cat "$F"',
    f'{SECRET}; c && eval F=x; cat "$F"',
    f'{SECRET}; G=x; c && F=$G; cat "$F"',
    'A=(~/.ssh/id_rsa); if c; then A=(x); fi; cat "${A[@]}"',
    f'{SECRET}; F=x & cat "$F"',  # in the background: a shell of its own
    f'{SECRET}; {{ F=x & }}; cat "$F"',
    f'{SECRET}; f() {{ local F=x; }}; f; cat "$F"',  # the function's own F
    f'{SECRET}; f() {{ declare F=x; }}; f; cat "$F"',
    f'{SECRET}; local F=x; cat "$F"',  # fails outside a function
    f'{SECRET}; readonly F; F=x; cat "$F"',  # fails: F is read-only
    f'{SECRET}; declare -r F; F=x; cat "$F"',
    f'{SECRET}; readonly F; printf -v F x; cat "$F"',
    f'{SECRET}; readonly F; let F=1; cat "$F"',
    f'{SECRET}; c && F=(x); cat "$F"',  # an array now, or the value it held
    f'{SECRET}; c && F[0]=x; cat "$F"',
    f'{SECRET}; for F; do :; done; cat "$F"',  # a loop that may not run once
    f'{SECRET}; for F in $(true); do :; done; cat "$F"',
    f'{SECRET}; f() {{ local F; F=x; }}; f; cat "$F"',  # F is the function's own from `local F`
    f'{SECRET}; f() {{ local F=y; F=x; }}; f; cat "$F"',
    f'{SECRET}; f() {{ declare F; read F; }}; f; cat "$F"',
    f"{SECRET}; bash -c 'F=x'; cat \"$F\"",  # a new shell sets none of this one's
    f'{SECRET}; f() {{ return; F=x; }}; f; cat "$F"',  # a function may return before it
    f'{SECRET}; f() {{ [ -n "$1" ] || return 1; F=$1; }}; f x; cat "$F"',
    f'{SECRET}; coproc read F; cat "$F"',
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SECRETS_KEPT)
def test_a_value_an_assignment_may_not_replace_is_still_read(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("a=rm; c && a=ls; $a -rf /", [["rm", "-rf", "/"], ["ls", "-rf", "/"]]),
        ('D=/; if c; then D=/tmp/x; fi; rm -rf "$D"', [["rm", "-rf", "/"], ["rm", "-rf", "/tmp/x"]]),
        ('D=/tmp/a; c && D=/tmp/b; c && D=/tmp/c; ls "$D"', [["ls", f"/tmp/{x}"] for x in "abc"]),
        ('D=/tmp/a; D=/tmp/b; ls "$D"', [["ls", "/tmp/b"]]),  # runs for sure: replaced
        ('D=/tmp/a; { D=/tmp/b; }; ls "$D"', [["ls", "/tmp/b"]]),  # a group runs in this shell
        ('f() { D=/tmp/b; }; D=/tmp/a; f; ls "$D"', [["ls", "/tmp/b"]]),  # the call runs the body
        ('D=/tmp/a; c || { D=/tmp/b; ls "$D"; }', [["ls", "/tmp/b"]]),  # within the branch, it ran
        ('D=/tmp/a; c || { D=/tmp/b; }; ls "$D"', [["ls", "/tmp/b"], ["ls", "/tmp/a"]]),
    ],
)
def test_each_value_a_variable_may_hold_is_a_reading(command: str, expected: list[list[str]]) -> None:
    argvs = shell_argvs(command, CWD)
    for argv in expected:
        assert argv in argvs
    written = [a for a in argvs if "$" not in " ".join(a) and a not in expected and a[0] in ("ls", "rm")]
    assert written == [], "no reading the script cannot give"


SECRETS_IN_THE_DIRECTORY_LEFT = [
    "cd ~/.kube; c && cd /home/me/proj; cat config",
    "cd ~/.kube; if c; then cd /home/me/proj; fi; cat config",
    "cd ~/.kube; (cd /home/me/proj); cat config",
    "cd ~/.kube; c && cd /home/me/proj; cd .; cat config",
    "cd ~/.kube; c || cd /home/me/proj && cat config",  # runs where `c` succeeds too
    # read after the branch, wherever they stand
    "cd ~/.kube; false && cd /home/me/proj; true && cat config",
    "cd ~/.kube; false && cd /home/me/proj; cat config | head",
    "cd ~/.kube; false && cd /home/me/proj; if true; then cat config; fi",
    "cd ~/.kube; false && cd /home/me/proj; x=$(cat config)",
    "c && cd ~/.kube; c && cd /home/me/proj; cat config",  # each branch
    "f() { c && cd /home/me/proj; }; cd ~/.kube; f; cat config",  # in a function called
    'cd ~/.kube; eval "c && cd /home/me/proj"; cat config',
    "cd ~/.kube; bash -c 'cd /home/me/proj'; cat config",  # a new shell moves none of this one
    # a move the walker cannot see in the text: read where the command ran
    "cd ~/.kube; f() { cd ~/proj; }; false && f; cat config",
    "cd ~/.kube; f() { cd ~/proj; }; (f); cat config",
    'cd ~/.kube; false && eval "c""d ~/proj"; cat config',
    "cd ~/.kube; false && c\\d ~/proj; cat config",
    "f() { [ -d /nope ] || return; cd ~/proj; }; cd ~/.kube; f; cat config",  # may return first
    "cd ~/.kube; coproc cd /home/me/proj; cat config",  # a subshell
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SECRETS_IN_THE_DIRECTORY_LEFT)
def test_a_cd_that_may_not_run_leaves_both_directories(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "where"),
    [
        ("cd /a; c && cd /b; ls", ["/b", "/a"]),
        ("cd /a; c && cd /b; cd x && ls", ["/b/x", "/a/x"]),
        ("cd /a; c && cd /b; cd /c && ls", ["/c"]),  # the two meet again
        ("cd /a; c && cd /b && ls", ["/b"]),  # only after the `cd`
        ("cd /a; c || cd /b && ls", ["/b", "/a"]),  # after it, or where `c` succeeds
        ("cd /a; bash -c 'cd /b'; ls", ["/a"]),
        ("cd /a; c && cd /b; eval cd /c; ls", ["/c", "/b", "/a"]),  # the `cd /c` may fail
        ("cd /a && ls; ls", ["/a", "/a"]),  # a `cd` that runs for sure
    ],
)
def test_the_commands_after_a_cd_that_may_not_run_are_read_from_both(command: str, where: list[str]) -> None:
    commands = shell_facts("Bash", {"command": command}, CWD).commands
    assert [c.cwd for c in commands if c.argv == ["ls"]] == where


ORDINARY = [
    # within its branch, a variable holds what the branch set
    ('d=; if [ -d build ]; then d=build; rm -rf "$d"/*; fi', "ask"),
    ('f=~/.bashrc; if [ -f .bashrc.local ]; then f=.bashrc.local; cat "$f"; fi', "allow"),
    ('f=~/.ssh/id_rsa; show() { local f=$1; cat "$f"; }; show README.md', "allow"),
    ('F=~/.ssh/id_rsa; declare F=README.md; cat "$F"', "allow"),  # declare outside a function
    ('F=~/.ssh/id_rsa; F=README.md; cat "$F"', "allow"),
    ('F=a.txt; [ -f b.txt ] && F=b.txt; cat "$F"', "allow"),
    ('n=0; for f in src/*.py; do n=$((n+1)); done; echo "$n"', "allow"),
    ('files=(); for f in a b; do files+=("$f"); done; ls "${files[@]}"', "allow"),
    ('OUT=build; if [ -n "$CI" ]; then OUT=dist; fi; ls "$OUT"', "allow"),
    ('git fetch && B=$(git rev-parse HEAD) && echo "$B"', "allow"),
    ("mkdir -p build && cd build && cmake .. && make", "allow"),
    ("cd web && npm test && npm run lint", "allow"),
]


@pytest.mark.parametrize(("command", "expected"), ORDINARY)
def test_ordinary_scripts_keep_their_decisions(command: str, expected: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == expected


@pytest.mark.parametrize(
    ("source", "maybe"),
    [
        ("a; b", [False, False]),
        ("a & b; c", [True, False, False]),
        ("a && b || c", [False, True, True]),
        ("a | b", [True, True]),
        ("a 2>&1 && b 2>&1 | c", [False, True, True]),  # bash's `a && (b | c)`
        ("a && b <f | c <f | d", [False, True, True, True]),
        ("a; if b; then c; fi; d", [False, True, True, False]),
        ("(a); { b; }; f() { c; }; d", [True, False, True, False]),
        ("x=$(a); for i in 1; do b; done", [True, True]),
    ],
)
def test_the_parser_marks_commands_that_may_not_run(source: str, maybe: list[bool]) -> None:
    assert [c.maybe for c in parse_bash(source).commands] == maybe
    fast = parse_simple(source)
    if fast is not None:
        assert fast == parse_bash(source)


def test_line_continuations_read_alike_after_a_cd_in_a_branch() -> None:
    command = "cd src && \\\nmake && \\\ncd sub && \\\nls"
    assert shell_error(command, CWD) == ""
    assert decide_bash("coding-agent", command, CWD, HOME) == "allow"


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("trap 'rm -rf ~' EXIT", "block"),  # the action runs in this shell
        ('trap "cat ~/.ssh/id_rsa" INT TERM', "block"),
        ("trap -- 'rm -rf /' EXIT", "block"),
        ('trap "$PAYLOAD" EXIT', "ask"),  # an action known only at run time
        ("trap - EXIT", "allow"),  # resets
        ("trap -p", "allow"),  # prints
    ],
)
def test_a_trap_action_is_read_as_the_commands_it_runs(command: str, expected: str, policy: str) -> None:
    decision = decide_bash(policy, command, CWD, HOME)
    if policy == "ci" and expected == "ask":  # no one to ask in CI
        expected = "block"
    assert decision == expected or (policy == "strict" and expected == "allow" and decision == "ask")


def test_a_trap_action_may_not_run() -> None:
    assert decide_bash("coding-agent", f"{SECRET}; trap 'F=x' EXIT; cat \"$F\"", CWD, HOME) == "block"


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize(
    "command",
    [
        "trap 'cat config' EXIT; cd ~/.kube",
        "trap 'cat config' INT TERM; cd ~/.kube; sleep 60",
        "trap 'rm -rf \"$d\"' EXIT; d=~",
        "trap 'cat \"$f\"' EXIT; f=~/.ssh/id_rsa",
        "bash -c \"trap 'cat config' EXIT; cd ~/.kube\"; ls",
        "trap 'cd ~/.kube' EXIT; trap 'cat config' TERM",  # a later action finds it moved
        "(trap 'cat config' EXIT; cd ~/.kube)",  # where the subshell ends
        "(trap 'cat config' EXIT; cd ~/.kube); cd /tmp",
        "echo $(trap 'cat config' EXIT; cd ~/.kube)",
        "{ trap 'cat config' EXIT; cd ~/.kube; } | cat",
    ],
)
def test_a_trap_action_runs_again_where_the_shell_ends(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("trap 'echo done' EXIT; cd src && make", "allow"),
        ("set -e; trap 'popd >/dev/null' EXIT; pushd src >/dev/null; make", "allow"),
        ("trap 'rm -f out.txt' EXIT; make > out.txt", "allow"),
        ("trap 'rm -rf build' EXIT INT; cd build && cmake .. && make", "ask"),
        ("tmp=$(mktemp -d); trap 'rm -rf \"$tmp\"' EXIT; make", "ask"),
    ],
)
def test_ordinary_trap_actions_keep_their_decisions(command: str, expected: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == expected


def test_trap_actions_past_the_bound_are_unparsed() -> None:
    assert shell_error("".join(f"trap 'echo {i}' EXIT; " for i in range(9)) + "make", CWD)
    assert not shell_error("".join(f"trap 'echo {i}' EXIT; " for i in range(8)) + "make", CWD)
    assert not shell_error("trap 'echo x' EXIT; " * 20 + "make", CWD)  # one action, set again


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize(
    "command",
    [
        'trap "cd ~/.kube" DEBUG; cd ~/proj; cat config',  # before each command after it
        'trap "F=~/.ssh/id_rsa" RETURN; f() { :; }; F=x; f; cat "$F"',
        'trap "$ACTION" ERR; make',
    ],
)
def test_a_trap_that_sets_state_around_each_command_is_unparsed(command: str, policy: str) -> None:
    assert shell_error(command, CWD)
    assert decide_bash(policy, command, CWD, HOME) != "allow"


def test_a_trap_that_only_reports_around_each_command_is_read() -> None:
    command = "trap 'echo \"error on line $LINENO\"' ERR; make"
    assert shell_error(command, CWD) == ""
    assert decide_bash("coding-agent", command, CWD, HOME) == "allow"
