"""Variables set without `NAME=value`: by builtins (`read`, `mapfile`, `printf -v`, `getopts`,
`let`), loops (`for`, `select`), arithmetic, array elements and `tmux setenv`. Each is in the
`env` of the commands after it, as a plain assignment is, so that the shipped policies' checks
of variables that make a program run code (`PAGER`, `LD_PRELOAD`...) see them."""

from __future__ import annotations

import pytest

from remit.analyzers import shell_facts
from remit.analyzers._bash import arithmetic_assignments
from tests.shipped import SHIPPED, decide_bash, shell_argvs

CWD = "/home/me/proj"


def _decisions(command: str) -> dict[str, str]:
    return {name: decide_bash(name, command, CWD) for name in SHIPPED}


def _envs(command: str) -> list[tuple[list[str], list[str]]]:
    return [(c.argv, c.env) for c in shell_facts("Bash", {"command": command}, CWD).commands]


RISKY = [
    'read PAGER <<< "sh -c id"; git log',
    'printf -v PAGER "sh -c id"; git log',
    'for PAGER in "sh -c id"; do git log; done',
    "mapfile PAGER < f; git log",
    "readarray -t LESSOPEN < f; less x",
    "getopts o PAGER; git log",
    "read -a GIT_PAGER < f; git log",
    "read -r NAME PAGER < f; git log",
    "IFS= read -r LD_PRELOAD < file; export LD_PRELOAD; git status",
    "select PAGER in a b; do git log; done",
    "command read PAGER < f; git log",
    "builtin printf -v GIT_SSH_COMMAND %s x; git fetch",
    "while read -r BASH_ENV; do bash x.sh; done < f",
    "PAGER[0]='sh -c id'; git log",
    "declare 'PAGER[0]=sh -c id'; git log",
    "tmux setenv -g LD_PRELOAD /tmp/x.so; tmux new -d vi",
    "tmux set-environment -g LD_PRELOAD /tmp/x.so; git status",
    "bash -c 'tmux setenv -g LD_PRELOAD /tmp/x.so'; git status",
    "sh -c 'read PAGER < f; git log'",
    "let PAGER=1; git log",
    "((PAGER=1)); git log",
    "echo $((PAGER=1)); git log",
]


@pytest.mark.parametrize("command", RISKY)
def test_a_variable_set_otherwise_than_by_an_assignment_is_seen(command: str) -> None:
    """Decided as a plain assignment of a value known only at run time is."""
    assert _decisions(command) == _decisions("PAGER=$(cat f); git log"), command


@pytest.mark.parametrize(
    "command",
    [
        'read -r line < f; echo "$line"',
        'for f in *.py; do wc -l "$f"; done',
        "printf -v x '%s' 1; echo $x",
        'while read -r l; do echo "$l"; done < file',
        'mapfile -t lines < f; echo "${lines[0]}"',
        "for ((i=0;i<3;i++)); do echo $i; done",
        "let n=n+1; echo $n",
        "while getopts ab o; do echo $o; done",
        "for f in a.py b.py; do wc -l $f; done",
        "printf '%s\\n' a b | sort",
    ],
)
def test_harmless_uses_decide_as_before(command: str) -> None:
    """The decisions these had before the variables they set were seen (strict asks for
    `read`, `mapfile`, `let` and `getopts`, which it does not know, whatever they set)."""
    unknown = any(word in command for word in ("read ", "mapfile", "let ", "getopts"))
    assert _decisions(command) == {
        "coding-agent": "allow",
        "strict": "ask" if unknown else "allow",
        "ci": "allow",
    }


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            'read -r line < f; echo "$line"',
            [(["read", "-r", "line"], []), (["echo", "$line"], ["line=$line"])],
        ),
        ("read < f; ls", [(["read"], []), (["ls"], ["REPLY=$REPLY"])]),
        (
            "read -rp 'name? ' -a A B; ls",
            [(["read", "-rp", "name? ", "-a", "A", "B"], []), (["ls"], ["B=$B", "A=$A"])],
        ),
        ("read -pPROMPT X; ls", [(["read", "-pPROMPT", "X"], []), (["ls"], ["X=$X"])]),
        ("read -- -x; ls", [(["read", "--", "-x"], []), (["ls"], [])]),  # no such name: nothing set
        ("mapfile < f; ls", [(["mapfile"], []), (["ls"], ["MAPFILE=$MAPFILE"])]),
        ("mapfile -t -n 3 L < f; ls", [(["mapfile", "-t", "-n", "3", "L"], []), (["ls"], ["L=$L"])]),
        (
            "getopts ab: o -a; ls",
            [(["getopts", "ab:", "o", "-a"], []), (["ls"], ["o=$o", "OPTARG=$OPTARG", "OPTIND=$OPTIND"])],
        ),
        ("printf -v x '%s' 1; ls", [(["printf", "-v", "x", "%s", "1"], []), (["ls"], ["x=1"])]),
        (
            "printf -v x '<%s>' a b; ls",
            [(["printf", "-v", "x", "<%s>", "a", "b"], []), (["ls"], ["x=$x"])],  # the format again
        ),
        (
            "printf -v x '%s-%s' a b; ls",
            [(["printf", "-v", "x", "%s-%s", "a", "b"], []), (["ls"], ["x=a-b"])],
        ),
        ("printf -v x '%s=%s%%' a; ls", [(["printf", "-v", "x", "%s=%s%%", "a"], []), (["ls"], ["x=a=%"])]),
        ("printf -vx -- plain; ls", [(["printf", "-vx", "--", "plain"], []), (["ls"], ["x=plain"])]),
        ("printf -v x '%d' 1; ls", [(["printf", "-v", "x", "%d", "1"], []), (["ls"], ["x=$x"])]),
        ("printf -v x 'a\\tb'; ls", [(["printf", "-v", "x", "a\\tb"], []), (["ls"], ["x=$x"])]),
        ('printf -v x "$y"; ls', [(["printf", "-v", "x", "$y"], []), (["ls"], ["x=$x"])]),
        ("printf 'x\\n'; ls", [(["printf", "x\\n"], []), (["ls"], [])]),
    ],
)
def test_builtins_set_the_variables_they_name(
    command: str, expected: list[tuple[list[str], list[str]]]
) -> None:
    assert _envs(command) == expected


@pytest.mark.parametrize(
    ("command", "entry"),
    [
        ('for PAGER in "sh -c id"; do git log; done', "PAGER=sh -c id"),
        ("for f in *.py; do git log; done", "f=*.py"),
        ("for f in a.py 'b c'; do git log; done", "f=a.py 'b c'"),
        ("for f in {a,b}.py; do git log; done", "f={a,b}.py"),
        ("for f in $(ls); do git log; done", "f=$(ls)"),
        ("for f; do git log; done", "f=$@"),  # as `for f in "$@"`
        ("select f in a; do git log; done", "f=a"),
        ("((PAGER++)); git log", "PAGER=$((PAGER))"),
        ("for ((;;PAGER++)); do git log; done", "PAGER=$((PAGER))"),
        ("let 'PAGER <<= 1'; git log", "PAGER=$((PAGER))"),
        ("A[1]=x; git log", "A=x"),
    ],
)
def test_loops_arithmetic_and_elements_set_a_variable(command: str, entry: str) -> None:
    assert _envs(command)[-1] == (["git", "log"], [entry])


def test_a_loop_over_one_static_word_gives_its_value() -> None:
    facts = shell_facts("Bash", {"command": "a=ls; for a in rm; do $a -rf /; done"}, CWD)
    assert [c.argv for c in facts.commands] == [["$a", "-rf", "/"], ["rm", "-rf", "/"]]
    assert all(c.dynamic for c in facts.commands)  # the value put in is a guess beside the original


def test_a_loop_over_a_pattern_or_several_words_reads_each_value() -> None:
    """Each listed word is a reading of the variable, beside the command as written."""
    cases = {
        'for f in *.py; do wc -l "$f"; done': [["wc", "-l", "$f"], ["wc", "-l", "*.py"]],
        "for f in a b; do wc -l $f; done": [["wc", "-l", "$f"], ["wc", "-l", "a"], ["wc", "-l", "b"]],
    }
    for command, argvs in cases.items():
        assert shell_argvs(command, CWD) == argvs


def test_harmless_uses_keep_their_commands() -> None:
    """Only the new entries of `env` change: no command is added, none loses a word."""
    assert _envs("printf -v x '%s' 1; echo $x") == [
        (["printf", "-v", "x", "%s", "1"], []),
        (["echo", "$x"], ["x=1"]),  # a formatted value is not put in (`echo 1`)
    ]
    assert _envs('while read -r l; do echo "$l"; done < file') == [
        (["read", "-r", "l"], []),
        (["echo", "$l"], ["l=$l"]),
    ]


@pytest.mark.parametrize(
    "text",
    ["a == b", "a <= b", "a >= b", "a != b", "$a + 1", "a < b && c > d", "x[i] == 2", "1--2"],
)
def test_arithmetic_that_assigns_nothing(text: str) -> None:
    assert arithmetic_assignments(text) == []


def test_arithmetic_assignments() -> None:
    assert arithmetic_assignments("a = 1, b += 2, c[i] <<= 1, d++, --e, f=g=3") == list("abcdefg")


def test_a_comparison_sets_nothing() -> None:
    assert _envs("((a == b)); [[ $x = y ]]; git log") == [(["git", "log"], [])]


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ('read "$n" < f; git log', "a variable set by a name known only at run time"),
        ('printf -v "$n" x; git log', "a variable set by a name known only at run time"),
        ("read $opts PAGER < f; git log", "a variable set by a name known only at run time"),
        ('getopts ab "$n"; git log', "a variable set by a name known only at run time"),
        ("read 'a[$(id)]' < f; git log", "a variable's subscript runs a command"),
        ("printf -v 'a[`id`]' x; git log", "a variable's subscript runs a command"),
        ("local 'a[$(id)]=1'; git log", "a variable's subscript runs a command"),
        ('tmux setenv -g "$N" x; git log', "a variable set by a name known only at run time"),
    ],
)
def test_a_name_not_known_statically_fails_closed(command: str, error: str) -> None:
    facts = shell_facts("Bash", {"command": command}, CWD)
    assert facts.unparsed and facts.error == error
    assert _decisions(command)["coding-agent"] != "allow"


def test_an_arithmetic_name_known_only_at_run_time_is_numbers_only() -> None:
    facts = shell_facts("Bash", {"command": 'let "$n=1"; (( $m = 2 )); git log'}, CWD)
    assert not facts.unparsed and facts.commands[-1].env == []


def test_tmux_setenv_lasts_for_the_rest_of_the_call() -> None:
    assert _envs("bash -c 'tmux setenv -g LD_PRELOAD /x.so; ls'; git status") == [
        (["tmux", "setenv", "-g", "LD_PRELOAD", "/x.so"], []),
        (["ls"], ["LD_PRELOAD=/x.so"]),
        (["git", "status"], ["LD_PRELOAD=/x.so"]),  # the tmux server keeps it: not the nested shell's
    ]
    assert _envs("tmux setenv -u LD_PRELOAD; git status")[-1] == (["git", "status"], [])


def test_a_plain_assignment_in_a_nested_shell_still_stays_there() -> None:
    assert _envs("bash -c 'read PAGER < f'; git log")[-1] == (["git", "log"], [])


def test_the_callback_of_mapfile_is_code_that_runs() -> None:
    command = "mapfile -C 'rm -rf ~ #' -c 1 a < f"
    facts = shell_facts("Bash", {"command": command}, CWD)
    rm = [c for c in facts.commands if c.program == "rm"]
    assert [c.args for c in rm] == [["-rf", "~"]] and rm[0].dynamic  # given the index and line
    assert set(_decisions(command).values()) == {"block"}
    assert _decisions('mapfile -C "$cb" a < f')["coding-agent"] != "allow"


def test_a_read_in_a_pipeline_counts_as_set() -> None:
    """Bash runs it in a subshell (unless `lastpipe`): counted anyway, which only asks more."""
    assert _envs("echo x | read PAGER; git log")[-1] == (["git", "log"], ["PAGER=$PAGER"])
