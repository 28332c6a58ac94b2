"""What arrays, appended values and loop input hold, and arithmetic that runs nothing.

Array elements `mapfile`/`readarray` read from a here-string or heredoc, `read -a` words,
elements set by `A+=(...)` and `A[i]=x`, values joined by `A+=x`, and the lines a loop or
`mapfile` reads from a process substitution are readings of the commands that use them, as
`A=(x y)` and `read A <<< x` were; a search of a home feeding them makes those commands
unparsed, as a pipe into `read` did. `((i++))` of plain names and numbers is the `let i++`
bash runs, not an empty, unparsed line; arithmetic that may run a command stays as it was.
"""

from __future__ import annotations

import pytest

from remit.analyzers import shell_facts
from tests.shipped import decide_bash, shell_argvs, shell_error

CWD = "/home/me/proj"
HOME = "/home/me"
SECRET = "cat ~/.ssh/id_rsa"


KNOWN_ELEMENTS = [
    "mapfile -t a <<< ~/.ssh/id_rsa; cat ${a[0]}",
    'mapfile a <<< ~/.ssh/id_rsa; cat "${a[@]}"',
    'readarray -t a <<< ~/.ssh/id_rsa; cat "${a[@]}"',
    'mapfile -t -s 1 a <<EOF\nx\n~/.ssh/id_rsa\nEOF\ncat "${a[0]}"',
    'mapfile -t <<< ~/.ssh/id_rsa; cat "${MAPFILE[0]}"',
    "read -ra p <<< 'x ~/.ssh/id_rsa'; cat \"${p[1]}\"",
    'a=(x); a+=(~/.ssh/id_rsa); cat "${a[1]}"',
    'a+=(~/.ssh/id_rsa); cat "${a[0]}"',
    'declare -a a; a+=(~/.ssh/id_rsa); cat "${a[@]}"',
    'a[3]=~/.ssh/id_rsa; cat "${a[3]}"',
    'a[3]=~/.ssh/id_rsa; cat "${a[@]}"',
    'a=(x y); a[$i]=~/.ssh/id_rsa; cat "${a[0]}"',
    'declare -A m; m[key]=~/.ssh/id_rsa; cat "${m[key]}"',
    "a=(~/.ssh/id); a+=_rsa; cat ${a[0]}",
    'a=~/.ssh/; a[0]+=id_rsa; cat "$a"',
    'f=$(x); f+=(~/.ssh/id_rsa); cat "${f[1]}"',
    'a=(x); a[010]=~/.ssh/id_rsa; cat "${a[8]}"',  # 010 is octal: element 8
    'a=(0 1 2 3 4 5 6 7 ~/.ssh/id_rsa); cat "${a[010]}"',
]


@pytest.mark.parametrize("command", KNOWN_ELEMENTS)
def test_known_elements_are_readings(command: str) -> None:
    assert (
        decide_bash("coding-agent", command, CWD, HOME)
        == decide_bash("coding-agent", SECRET, CWD, HOME)
        == "block"
    )


FED_BY_A_SEARCH = [
    'while read f; do cat "$f"; done < <(find ~ -name id_rsa)',
    'while IFS= read -r f; do cat "$f"; done < <(fd id_rsa ~)',
    'read f < <(find ~); cat "$f"',
    'readarray a < <(find ~ -name id_rsa); cat "${a[@]}"',
    'mapfile -t a < <(find ~ -name id_rsa); cat "${a[0]}"',
    'find ~ | mapfile a; cat "${a[0]}"',
    'find ~ | while read -r f; do cat "$f"; done',
    "x=$(find ~ -name id_rsa); cat $x",
    'x="$(find ~ -name id_rsa)"; cat "$x"',
]


@pytest.mark.parametrize("command", FED_BY_A_SEARCH)
def test_lines_a_search_of_a_home_prints_are_unparsed(command: str) -> None:
    assert shell_error(command, CWD) == "a variable holds the paths a search of secrets prints"
    assert decide_bash("coding-agent", command, CWD, HOME) != "allow"


def test_lines_a_listing_prints_read_as_its_files() -> None:
    command = 'while read f; do cat "$f"; done < <(ls ~/.ssh)'
    assert ["cat", "~/.ssh/*"] in shell_argvs(command, CWD)
    assert decide_bash("coding-agent", command, CWD, HOME) == "block"


def test_lines_of_a_process_substitution_are_read_under_its_root() -> None:
    assert ["wc", "-l", "./*"] in shell_argvs("mapfile -t a < <(find . -name '*.py'); wc -l \"${a[@]}\"", CWD)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("a=r; a+=m; $a -rf /", ["rm", "-rf", "/"]),
        ('a=(1 2); a+=3; echo "${a[@]}"', ["echo", "13", "2"]),
        ('a[2]=x; echo "${a[@]}"', ["echo", "x"]),  # the elements below are not set
        ('a=(p); a[2]=q; echo "${a[@]}" "${a[1]}"', ["echo", "p", "q", ""]),
        ('f=$(x); f+=/id_rsa; cat "$f"', ["cat", "${f}/id_rsa"]),
        ('mapfile -t -n 1 a <<EOF\nx\ny\nEOF\necho "${a[@]}"', ["echo", "x"]),
        ('mapfile -d , a <<< "x,y"; echo "${a[1]}"', ["echo", "y"]),
    ],
)
def test_appended_and_indexed_values(command: str, expected: list[str]) -> None:
    assert expected in shell_argvs(command, CWD)


def test_a_scalar_append_is_no_assignment() -> None:
    """`a+=m` used to read as `a=m`."""
    assert ["m", "-rf", "/"] not in shell_argvs("a=r; a+=m; $a -rf /", CWD)


def test_only_readers_take_their_stdin_as_elements() -> None:
    assert ["echo", "y"] not in shell_argvs('getopts ab o <<< y; echo "${ab[0]}"', CWD)


def test_an_origin_or_descriptor_leaves_mapfile_unknown() -> None:
    assert shell_argvs('mapfile -t -O 1 a <<< x; echo "${a[1]}"', CWD) == [
        ["mapfile", "-t", "-O", "1", "a"],
        ["echo", "${a[1]}"],
    ]


@pytest.mark.parametrize(
    "command",
    [
        "read f <<< 'b[$(id)]'; echo $((f))",
        "mapfile -t a <<< 'b[$(id)]'; echo $((a))",
        "a=('b[$(id)]'); echo $((a))",
        "a[1]='b[$(id)]'; echo $((a[1]))",
        "a+=('b[$(id)]'); echo $((a))",
    ],
)
def test_a_value_holding_a_subscript_that_runs_is_unparsed(command: str) -> None:
    assert shell_error(command, CWD) == "a variable holds a subscript that arithmetic would run"
    assert decide_bash("coding-agent", command, CWD, HOME) != "allow"


PLAIN_ARITHMETIC = [
    "((i++))",
    "((n = n + 1))",
    "(( x > 3 ))",
    "((i++)); ((j -= 2))",
    "(( $# > 0 ))",
    "((16#ff))",
    "(( i ? 1 : 2 ))",
]


@pytest.mark.parametrize("command", PLAIN_ARITHMETIC)
def test_plain_arithmetic_is_the_let_bash_runs(command: str) -> None:
    facts = shell_facts("Bash", {"command": command}, CWD)
    assert not facts.unparsed
    assert facts.programs == ["let"]
    assert (
        decide_bash("coding-agent", command, CWD, HOME)
        == decide_bash("coding-agent", "let i++", CWD, HOME)
        == "allow"
    )


def test_arithmetic_beside_commands_adds_none() -> None:
    assert shell_argvs("(( x > 3 )) && echo big", CWD) == [["echo", "big"]]
    assert shell_argvs("i=0; ((i++)); echo $i", CWD) == [["echo", "$i"]]


def test_the_let_keeps_the_redirection() -> None:
    facts = shell_facts("Bash", {"command": "((i++)) > ~/.bashrc"}, CWD)
    assert facts.writes == ["~/.bashrc"]
    assert decide_bash("coding-agent", "((i++)) > ~/.bashrc", CWD, HOME) == "block"


ARITHMETIC_THAT_MAY_RUN = [
    "((x[$y]))",
    "((a[$x]++))",
    "(( $x > 1 ))",
    "(( ${x} > 1 ))",
    "((i++)); ((x[$y]))",
    "((x[i]))",
    "((x = 'a'))",
    "((echo a))",
]


@pytest.mark.parametrize("command", ARITHMETIC_THAT_MAY_RUN)
def test_arithmetic_that_may_run_code_stays_as_it_was(command: str) -> None:
    """No command read in it, so still as an empty (or broken) line: not allowed."""
    assert "let" not in shell_facts("Bash", {"command": command}, CWD).programs
    assert decide_bash("coding-agent", command, CWD, HOME) != "allow"


def test_a_substitution_in_arithmetic_still_shows_its_command() -> None:
    assert shell_argvs("((a[$(id)]++))", CWD) == [["id"]]


HARMLESS = {
    'a=(x y); echo "${a[@]}"': "allow",
    'mapfile -t lines < file.txt; echo "${lines[0]}"': "allow",
    "((i++))": "allow",
    "let i++": "allow",
    "(( x > 3 )) && echo big": "allow",
    'mapfile -t a < <(git ls-files); wc -l "${a[@]}"': "allow",
    "mapfile -t a < <(find . -name '*.py'); wc -l \"${a[@]}\"": "allow",
    'while read -r f; do wc -l "$f"; done < <(git ls-files)': "allow",
    'args+=(-v); pytest "${args[@]}"': "allow",
    'files=(); files+=(a.py); black "${files[@]}"': "allow",
    "x=$(git rev-parse HEAD); echo $x": "allow",
    'x=$(find . -name "*.py"); wc -l $x': "allow",
    "mapfile -t a <<< x; echo ${a[0]}": "allow",
}


@pytest.mark.parametrize("command", HARMLESS)
def test_harmless_forms_stay_allowed(command: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == HARMLESS[command]
    assert not shell_facts("Bash", {"command": command}, CWD).unparsed


@pytest.mark.parametrize(
    "command", ["(( x > 3 )) && echo big", "i=0; ((i++)); echo $i", "if (( $# > 0 )); then echo a; fi"]
)
def test_arithmetic_beside_readers_still_flows_in_strict(command: str) -> None:
    assert decide_bash("strict", command, CWD, HOME) == "allow"


# -- positional parameters --


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('set -- -rf /; rm "$@"', ["rm", "-rf", "/"]),
        ('set -e -- a b; echo "$2" "$#"', ["echo", "b", "$#"]),
        ("set a b; echo $1", ["echo", "a"]),
        ('set -euo pipefail x; echo "$1"', ["echo", "x"]),
        ("set -- a 'b c'; echo \"$*\"", ["echo", "a b c"]),
        ("set -- a 'b c'; echo $@", ["echo", "a", "b", "c"]),
        ('set -- a b c; shift; echo "$1"', ["echo", "b"]),
        ('set -- a b c; shift 2; echo "${1}"', ["echo", "c"]),
        ('set -- a b; set -- "$@" c; echo "$3"', ["echo", "c"]),
        ("bash -c 'rm -rf \"$@\"' x /", ["rm", "-rf", "/"]),
        ("sh -c 'echo $0 $1' name arg", ["echo", "name", "arg"]),
        ("bash -c 'for d; do rm -rf \"$d\"; done' _ a ~", ["rm", "-rf", "~"]),
        ('d=/; bash -c \'rm -rf "$1"\' _ "$d"', ["rm", "-rf", "/"]),
        ('f() { rm -rf "$1"; }; f /', ["rm", "-rf", "/"]),
        ('function f { rm -rf "$@"; }; f -v ~', ["rm", "-rf", "-v", "~"]),
        ('f() { g() { rm -rf "$1"; }; g "$1"; }; f /', ["rm", "-rf", "/"]),
        ('d=/; f() { rm -rf "$1"; }; f "$d"', ["rm", "-rf", "/"]),
        ('f() { echo "$1"; }; set -- /; f x; rm -rf "$1"', ["rm", "-rf", "/"]),  # the caller's back
        ('set -- /; set -- x "$@"; rm -rf "$2"', ["rm", "-rf", "/"]),  # read once, not again
        ('set -- a; set -- "$@" b; echo "$2" "$3"', ["echo", "b", ""]),
        ('set -- / x; rm -rf "${@:1}"', ["rm", "-rf", "/", "x"]),  # `${@:N}` starts at `$N`
        ('set -- a / c; echo "${@:2:1}" "${@: -1}"', ["echo", "/", "c"]),
        ('f() { rm -rf "$@"; }; for d in / x; do f "$d"; done', ["rm", "-rf", "/"]),
        ('timeout() { rm -rf "$1"; }; timeout /', ["rm", "-rf", "/"]),  # the function, beside the wrapper
        ("if false; then command() { :; }; fi; command rm -rf /", ["rm", "-rf", "/"]),  # and the wrapper
        ('f() { cat "$D"; }; D=x; f; D=~/.ssh/id_rsa; f', ["cat", "~/.ssh/id_rsa"]),  # each call read
        ('f() { rm -rf "$1"; }; g() { f "$@"; }; g /', ["rm", "-rf", "/"]),
        ('f() { echo "$1"; }; f /; f() { rm -rf "$1"; }; f /', ["rm", "-rf", "/"]),
        ('if x; then f() { ls "$1"; }; else f() { rm -rf "$1"; }; fi; f /', ["rm", "-rf", "/"]),
    ],
)
def test_known_positional_parameters_are_readings(command: str, expected: list[str]) -> None:
    assert expected in shell_argvs(command, CWD)


@pytest.mark.parametrize(
    "command",
    [
        'rm -rf "$1"',  # the call's own are not shown
        'set -- /; set -- $X; rm -rf "$1"',  # split at run time
        'set -- /; set -- "$X"; rm -rf "$2"',
        'set -- /; set $OPTS; rm -rf "$1"',  # an option may be `--` or a name
        'set -- /; shift $N; rm -rf "$1"',
        "set -- /; bash -c 'rm -rf \"$1\"' <<< x",
        "set -- /; sh <<'EOF'\nrm -rf \"$1\"\nEOF",  # a new shell has its own
    ],
)
def test_unknown_positional_parameters_are_read_as_written(command: str) -> None:
    rms = [argv for argv in shell_argvs(command, CWD) if argv[0] == "rm"]
    assert rms and all(argv[-1] != "/" for argv in rms)


def test_a_function_calling_itself_is_read_once() -> None:
    argvs = shell_argvs('f() { f "$1"; rm -rf "$1"; }; f /', CWD)
    assert argvs.count(["rm", "-rf", "/"]) == 1


def test_a_script_calling_a_helper_many_times_stays_parsed() -> None:
    script = 'log() { echo "[$(date +%T)] $*" >&2; }; ' + " ".join(f"log s{i}; ls src{i};" for i in range(40))
    facts = shell_facts("Bash", {"command": script}, CWD)
    assert not facts.unparsed and ["echo", "[$(date +%T)] s39"] in [c.argv for c in facts.commands]
    # past the room the calls may take, what a later call runs is not known: unparsed
    many = 'f() { echo "$1"; echo "$1"; }; ' + " ".join(f"f {i};" for i in range(80)) + " f /"
    assert shell_facts("Bash", {"command": many}, CWD).error == "too many commands to analyse"
    # the script's own commands keep their bound
    assert shell_facts("Bash", {"command": "f() { ls; }; " + "ls; " * 101}, CWD).unparsed


@pytest.mark.parametrize(
    "command",
    [
        'F=~/.ssh/id_rsa; read() { :; }; read F; cat "$F"',  # bash runs the function: F is kept
        'set -- /; shift() { :; }; shift; rm -rf "$1"',
        "cd() { :; }; cd /tmp; rm -rf *",
    ],
)
def test_a_function_named_as_a_builtin_that_sets_state_is_unparsed(command: str) -> None:
    assert (
        shell_facts("Bash", {"command": command}, CWD).error
        == "a function has the name of a builtin that sets state"
    )


def test_a_nested_shell_reads_its_own_function_of_the_callers_name() -> None:
    argvs = shell_argvs('f() { sh -c \'f() { rm -rf "$1"; }; f "$0"\' "$1"; }; f /', CWD)
    assert ["rm", "-rf", "/"] in argvs


def test_a_line_continuation_in_a_function_reads_alike() -> None:
    facts = shell_facts("Bash", {"command": 'f() { rm \\\n -rf "$1"; }; f /\necho a \\\n b'}, CWD)
    assert not facts.unparsed and ["rm", "-rf", "/"] in [c.argv for c in facts.commands]


def test_a_new_shell_has_none_of_the_functions_of_its_caller() -> None:
    argvs = shell_argvs("f() { rm -rf \"$1\"; }; bash -c 'f /'", CWD)
    assert ["rm", "-rf", "/"] not in argvs and ["f", "/"] in argvs


def test_shells_keep_their_own_positional_parameters() -> None:
    argvs = shell_argvs('set -- /; bash -c \'echo "$1"\' _ x; echo "$1"', CWD)
    assert ["echo", "x"] in argvs and ["echo", "/"] in argvs and ["echo", "x", "/"] not in argvs


@pytest.mark.parametrize(
    "command",
    [
        'set -- -rf /; rm "$@"',
        "bash -c 'rm -rf \"$@\"' x /",
        "sh -c 'rm -rf $1' _ ~",
        "bash -c 'rm -rf $0' /",
        "bash -c 'for d; do rm -rf \"$d\"; done' _ a ~",
        'wipe() { rm -rf "$1"; }; wipe ~',
    ],
)
def test_a_wipe_through_positional_parameters_is_blocked(command: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == "block"
