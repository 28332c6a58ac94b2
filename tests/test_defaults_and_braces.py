"""Defaults of variables not known, and braces around variables.

Bash puts a default in where a variable is unset (`${X:-/etc}`, or empty with the colon),
expanding the default's own variables and defaults (`${X:-$HOME/.config}`), and expands
braces before variables (`{$d/shadow,x}` is `$d/shadow` and `x`).
"""

from __future__ import annotations

import pytest

from tests.shipped import SHIPPED, decide_bash, shell_argvs, shell_error

CWD = "/home/me/proj"
HOME = "/home/me"

DEFAULTS = [
    "cat ${X:-/etc}/shadow",
    "cat ${X-/etc/shadow}",
    "cat ${X:=/etc/shadow}",
    'cat "${X:-/etc/shadow}"',
    "cat < ${X:-/etc/shadow}",
    "cat ${HOME:-/etc}/shadow",  # HOME too: bash uses the default where it is unset
    "unset HOME; cat ${HOME:-/etc}/shadow",
    "cat ${PWD:-/etc}/shadow",
    "cd ${X:-/etc}; cat shadow",
    "rm -rf ${BUILD_DIR:-/}",
    "cat /etc/${X:-shadow}",  # any text
    'cat ${X:-"/etc"}/shadow',  # quotes and escapes removed
    "cat ${X:-'/etc'}/shadow",
    "cat ${X:-\\/etc}/shadow",
    "cat ${1:-/etc}/shadow",  # positional and subscripted names
    "cat ${@:-/etc/shadow}",
    "cat ${A[0]:-/etc}/shadow",
    "cat ${HOME:+/etc}/shadow",  # the alternative, where the variable is set
    "cat ${PWD+/etc}/shadow",
    "X=1; cat ${X:+/etc}/shadow",
    "X=; cat ${X:-/etc}/shadow",  # set, but empty
    "cat ${A1:-/.}${A2:-/.}${A3:-/.}${A4:-/.}${A5:-/.}${A6:-/.}/etc/shadow",  # all at once
    "for f in shadow x; do cat ${X:-/etc}/$f; done",
    "x=${X:-/etc}; cat $x/shadow",  # through an assignment
    'DIR=${DIR:-/etc}; cat "$DIR/shadow"',
    ": ${X:=/etc}; cat $X/shadow",  # a default that assigns
    ": ${X=/etc}; cat $X/shadow",
    "X=/tmp; unset X; cat ${X:-/etc/shadow}",  # unset: the default is put in
    "X=/etc; c && unset X; cat $X/shadow",  # an unset that may not run keeps the value
    "X=/etc; (unset X); cat $X/shadow",
    "X=/etc; readonly X; unset X; cat $X/shadow",
    "f=/etc/shadow; unset -f f; cat $f",  # a function's name
    # a default that holds an expansion, read again in turn
    "cat ${XDG_CONFIG_HOME:-$HOME/.config}/gcloud/credentials.db",
    'cat "${X:-${Y:-/etc/shadow}}"',
    "cat ${A:-${B:-${C:-/etc}}}/shadow",
    "d=/etc; cat ${X:-$d/shadow}",
    'cat "${KUBE:-"$HOME/.kube"}/config"',
    "cat ${X:+${Y:-/etc}}/shadow",
    "rm -rf ${X:-${Y:-/}}",
    "cat < ${X:-${Y:-/etc/shadow}}",
    "cat ${A[0]:-$HOME/.kube}/config",
    "cat ${@:-$HOME/.kube/config}",
    ": ${X:=$HOME/.kube}; cat $X/config",  # a default that assigns, with an expansion
    ": ${X:=${Y:-/etc}}; cat $X/shadow",
    "cat ${X:-$HOME/.kube/con\\fig}",  # escapes removed
    "d=/etc; cat ${X:-$d/sha\\dow}",
    "cat ${A:-$'/etc/shadow'}",  # ANSI-C quoting, its escapes read
    "cat ${A:-$'\\x2f'etc/shadow}",
    "cat ${X:-$(echo /etc)}/shadow",  # a substitution that prints a path, put in
    'cat "${X:-$(printf /etc)}/shadow"',
    "cat ${X:-$(realpath ~/.ssh)}/id_rsa",
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", DEFAULTS)
def test_a_default_is_read_where_the_variable_is_not_known(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("cat ${X:-data}/a.json", "allow"),
        ("echo ${PORT:-8080}", "allow"),
        ("X=a; cat ${X:-/etc/shadow}", "allow"),  # X is set: its value, not the default
        (
            "docker run -e A=${A:-1} -e B=${B:-2} -e C=${C:-3} -e D=${D:-4} -e E=${E:-5} -e F=${F:-6} img",
            "allow",
        ),
        ("for f in a b; do cat ${X:-/etc}/$f; done", "allow"),
        ("X=a; : ${X:=/etc}; cat $X/shadow", "allow"),  # X is set: a/shadow
        ("PORT=${PORT:-8080}; echo $PORT", "allow"),
        ("X=/etc; unset X; cat $X/shadow", "allow"),  # /shadow
        ("ls ${XDG_CONFIG_HOME:-$HOME/.config}/myapp", "allow"),
        ("X=/tmp; cat ${X:-${Y:-/etc}}/shadow", "allow"),  # X is set: /tmp/shadow
        ("echo ${A:-${B:-${C:-${D:-x}}}}", "allow"),
        ("ls ${X:-$(echo src)}/app", "allow"),
        ('echo "cfg: ${A:-$HOME} ' + " ".join(f"${{V{i}}}" for i in range(17)) + '"', "allow"),  # one default
        (
            'export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:${GOPATH:-$HOME/go}/bin:${A:-$HOME/a}/bin:'
            '${B:-$HOME/b}/bin:${C:-$HOME/c}/bin:${D:-$HOME/d}/bin:$PATH" && cargo build',
            "allow",
        ),
    ],
)
def test_defaults_keep_ordinary_decisions(command: str, expected: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == expected


BRACED = [
    "d=/etc; cat {$d/shadow,x}",
    "d=/; rm -rf {$d,x}",
    "for d in a /etc; do cat {$d/shadow,x}; done",
    "d=/etc; cat {${d}/shadow,x}",  # the braces of `${d}` are its own
    "d=/etc; cat {$d/shadow,$d/x}",
    "s=shadow; cat /etc/{$s,x}",  # which tree-sitter-bash splits at `{$`
    "d=/etc; cat {{$d/shadow,a},b}",
    "cat {${X:-/etc}/shadow,x}",
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", BRACED)
def test_braces_are_expanded_before_variables(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("d=/etc; cat {$d/shadow,x}", ["cat", "/etc/shadow", "x"]),
        ("f=x; echo {a,b}$f", ["echo", "ax", "bx"]),
    ],
)
def test_a_braced_word_reads_as_its_parts(command: str, argv: list[str]) -> None:
    assert argv in shell_argvs(command, CWD)


def test_a_quoted_brace_stays_one_word() -> None:
    assert ["cat", "{/etc/shadow,x}"] in shell_argvs('d=/etc; cat "{$d/shadow,x}"', CWD)
    assert ["cat", "/etc/shadow", "x"] not in shell_argvs('d=/etc; cat "{$d/shadow,x}"', CWD)


@pytest.mark.parametrize("depth", [20, 600])
def test_defaults_nested_past_the_bound_are_unparsed(depth: int) -> None:
    word = "/etc/shadow"
    for i in range(depth):
        word = f"${{V{i}:-{word}}}"
    assert "defaults" in shell_error(f"cat {word}", CWD)
    assert decide_bash("coding-agent", f"cat {word}", CWD, HOME) != "allow"
