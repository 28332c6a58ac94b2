"""Arithmetic that reads a value known only at run time, secrets behind array subscripts and
`${...}` operators, and searches of a home hidden in the commands of a substitution.

Bash evaluates a variable's value as arithmetic, recursively, and a subscript in it runs
commands (`x='a[$(id)]'; ((x))` runs id): a name set in the call to a text known only at
run time (`read`, `mapfile`, `$(...)`, `printf -v` of a format not known) and read by
arithmetic makes the call unparsed. `[3]=x` in an array literal places x at 3, and an
operator expansion of a known value (`${x:0}`, `${x,,}`, `${a[@]:1}`) reads as that value.
Every command of a substitution that feeds a loop or an array is read for a search, through
wrappers, a `cd` before it and nested substitutions. A word of several expansions, or of an
escape after an expansion, that tree-sitter-bash splits (`$a/$b/c`, `$d\\/config`) is read
whole, and a redirection's target with the values its variables hold.
"""

from __future__ import annotations

import pytest

from tests.shipped import SHIPPED, decide_bash, shell_argvs, shell_error

CWD = "/home/me/proj"
HOME = "/home/me"
SECRET = "~/.ssh/id_rsa"
PAYLOAD = "a[\\x24(rm -rf ~)]"
"""A subscript that runs a command, `$` written as printf's `\\x24`."""


PRINTED = f"x=$(printf '{PAYLOAD}')"
ARITHMETIC_OF_RUN_TIME_TEXT = [
    f"printf -v x '{PAYLOAD}'; ((x))",
    f"printf -v x '{PAYLOAD}'; echo $((x))",
    f"{PRINTED}; ((x))",
    f"{PRINTED}; [[ $x -eq 0 ]]",
    f"{PRINTED}; [[ x -lt 1 ]]",
    f"{PRINTED}; let x",
    f"{PRINTED}; : $((x))",
    f"{PRINTED}; echo ${{a[x]}}",
    f"{PRINTED}; echo ${{a:x}}",
    f"{PRINTED}; for ((i=0;i<x;i++)); do :; done",
    f"{PRINTED}; declare -i y=x",
    f"declare -i n; n=$(printf '{PAYLOAD}')",
    f"{PRINTED}; y=x; ((y))",
    "read x < /tmp/p; ((x))",
    "read x < /tmp/p; echo $((x))",
    "x=$(cat /tmp/p); ((x))",
    "mapfile -t a < /tmp/p; ((a))",
    "while read n; do ((t+=n)); done < /tmp/f",
    "x=$(cat /tmp/p); y=$x; ((y))",
    "x=$(cat /tmp/p); a[x]=1",
    "for i in $(seq 1 $n); do echo $((i*2)); done",
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", ARITHMETIC_OF_RUN_TIME_TEXT)
def test_arithmetic_reading_a_run_time_value_is_unparsed(command: str, policy: str) -> None:
    assert shell_error(command, CWD)
    assert decide_bash(policy, command, CWD, HOME) != "allow"


@pytest.mark.parametrize("policy", SHIPPED)
def test_a_printf_escape_is_decoded_before_the_value_is_checked(policy: str) -> None:
    command = f"printf -v x '{PAYLOAD}'"
    assert shell_error(command, CWD) == "a variable holds a subscript that arithmetic would run"
    assert decide_bash(policy, command, CWD, HOME) != "allow"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("((count++))", "allow"),
        ("i=0; while ((i<3)); do ((i++)); done", "allow"),
        ("i=0; ((i++)); echo $i", "allow"),
        ("n=$#; echo $n", "allow"),
        ("for ((i=0;i<3;i++)); do echo $i; done", "allow"),
        ("x=$(git rev-parse HEAD); echo $x", "allow"),
        ("n=$(ls | wc -l); echo ${n:-0}", "allow"),
        ("n=$(ls | wc -l); [ $n -gt 3 ] && echo big", "allow"),  # `[` reads numbers only
        ("mapfile -t files < <(git ls-files)", "allow"),
        ('a=(a b); echo "${a[@]:1}"', "allow"),
        ("printf -v x '%s\\n' 5; echo $x", "allow"),
        ("for i in $(seq 1 5); do echo $((i*2)); done", "allow"),  # numbers only
        ("while getopts 'ab:' o; do :; done; shift $((OPTIND-1)); echo ok", "allow"),
        ("declare -A m; for k in $(ls); do echo ${m[$k]}; done", "allow"),  # no arithmetic
    ],
)
def test_plain_arithmetic_and_values_keep_their_decisions(command: str, expected: str) -> None:
    assert shell_error(command, CWD) == ""
    assert decide_bash("coding-agent", command, CWD, HOME) == expected


HIDDEN_SECRETS = [
    f'a=([3]={SECRET}); cat "${{a[3]}}"',
    f"a=([1]=x [0]={SECRET}); cat $a",
    f'a=(x {SECRET}); cat "${{a[@]:1}}"',
    f'a=(x {SECRET}); cat "${{a[@]: -1}}"',
    f'a=({SECRET}); cat "${{a[@]:0}}"',
    "a=(~/.ssh/ID_RSA); cat ${a[@],,}",
    f"x={SECRET}; cat ${{x:0}}",
    f"x={SECRET}; cat ${{x%x}}",
    f"x={SECRET}; cat ${{x,,}}",
    f"x={SECRET}; cat ${{x@Q}}",
    f"x={SECRET}.pub; cat ${{x%.pub}}",
    f"x={SECRET}.pub; cat ${{x/.pub/}}",
    "f=ID_RSA; cat ~/.ssh/${f,,}",
    f"declare -A m=([k]={SECRET}); cat ${{m[k]}}",
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", HIDDEN_SECRETS)
def test_secrets_behind_subscripts_and_operators_are_read(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) != "allow"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("a=([3]=x y); echo ${a[4]} ${a[0]}", ["echo", "y"]),
        ("a=(x y z); echo ${a[@]:1:1}", ["echo", "y"]),
        ("a=(x y z); echo ${a[@]: -2}", ["echo", "y", "z"]),
        ("x=abcdef; echo ${x:1:2} ${x: -2}", ["echo", "bc", "ef"]),
        ("x=ABC; echo ${x,,}", ["echo", "abc"]),
        ("x=dir/file.txt; echo ${x%.txt} ${x##*/}", ["echo", "dir/file", "file.txt"]),
        ("x=dir/file.txt; echo ${x##*/}", ["echo", "file.txt"]),
        ("a=('[0]=x' y); echo ${a[0]}", ["echo", "[0]=x"]),  # quoted: a plain element
    ],
)
def test_operators_and_placed_elements_read_as_bash_does(command: str, expected: list[str]) -> None:
    assert expected in shell_argvs(command, CWD)


SEARCHES_OF_A_HOME = [
    'mapfile -t a < <(true; find ~ -name id_rsa); cat "${a[@]}"',
    'mapfile -t a < <(cd ~ && find . -name id_rsa); cd ~; cat "${a[@]}"',
    'while read f; do cat "$f"; done < <(cd ~ && find . -name id_rsa)',
    'while read f; do cat "$f"; done < <(\\find ~ -name id_rsa)',
    'while read f; do cat "$f"; done < <(nice -n 5 find ~ -name id_rsa)',
    "mapfile -t a < <(command find ~); cat ${a[@]}",
    "mapfile -t a < <(env LC_ALL=C find ~); cat ${a[@]}",
    "while read f; do cat $f; done < <(sort < <(find ~))",
    "exec 3< <(find ~ -name id_rsa); read -u 3 f; cat $f",
    "for f in $(cat <(find ~ -name id_rsa)); do cat $f; done",
    "mapfile -t a < <(tree -fi ~); cat ${a[@]}",
    "mapfile -t a < <(du -a ~ | cut -f2); cat ${a[@]}",
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SEARCHES_OF_A_HOME)
def test_searches_of_a_home_in_any_command_of_a_substitution(command: str, policy: str) -> None:
    assert shell_error(command, CWD) == "a variable holds the paths a search of secrets prints"
    assert decide_bash(policy, command, CWD, HOME) != "allow"


def test_a_search_after_cd_reads_under_its_directory() -> None:
    command = "while read f; do wc -l \"$f\"; done < <(cd src && find . -name '*.py')"
    assert ["wc", "-l", "src/*"] in shell_argvs(command, CWD)
    assert decide_bash("coding-agent", command, CWD, HOME) == "allow"


def test_a_substitution_listing_nothing_stays_as_it_was() -> None:
    command = 'while read f; do wc -l "$f"; done < <(git ls-files | sort)'
    assert shell_error(command, CWD) == ""
    assert decide_bash("coding-agent", command, CWD, HOME) == "allow"


# -- words tree-sitter-bash splits, and values in redirections --

SPLIT_OR_REDIRECTED = [
    "u=..; cat $u/$u/$u/etc/shadow",  # tree-sitter-bash#315: `$u/$` and `u/...`
    'u=..; x=$u/$u/$u/etc/shadow; cat "$x"',
    "u=..; for f in $u/$u/$u/etc/shadow; do cat $f; done",
    "d=~/.kube; cat < $d/config",
    'd=~/.kube; cat < "$d/config"',
    "f=~/.ssh/id_rsa; cat < $f",
    "f=~/.bashrc; echo x >> $f",
    "for f in /etc/shadow; do cat < $f; done",
    "echo $(< /etc/shadow)",  # `$(< f)` prints f, as `$(cat f)` does
    'x=$(< ~/.ssh/id_rsa); echo "$x"',
    "f=~/.kube/config; export K=$(< $f)",
    # an escape after an expansion or a quote, where tree-sitter-bash ends the word
    "d=~/.kube; cat $d\\/config",
    'd=~/.kube; cat "$d"\\/config',
    "d=/etc; cat ${d}\\/shadow",
    "d=~/Library/Application; cat $d\\ Support/Google/Chrome/Default/Cookies",
    "for d in ~/.kube; do cat $d\\/config; done",
    "dir=/etc; cat $dir\\/shadow",  # a name of several letters
    "f=/etc/shado; cat $f\\w",  # the escaped letter does not lengthen the name
    "f=/etc/shado; cat $f'w'",
    'f=/etc/shado; cat $f"w"',
    'd=~/.kube/; cat $d\\con"fig"',
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SPLIT_OR_REDIRECTED)
def test_a_word_is_read_whole_and_a_redirection_with_its_values(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("rm -f $DIR/ifaces/$1", ["rm", "-f", "$DIR/ifaces/${1}"]),  # tree-sitter-bash#306
        ("cp $SRC/$NAME/file .", ["cp", "$SRC/${NAME}/file", "."]),
        ("echo $a$b x", ["echo", "$a$b", "x"]),
        ("echo '$a/$b/c'", ["echo", "$a/$b/c"]),
        ("cat $d\\ Support/x", ["cat", "$d Support/x"]),  # one word
        ("cat a$d\\ x y", ["cat", "a$d x", "y"]),
        ("cat $(echo a)\\/x", ["cat", "a/x"]),  # what the substitution prints
        ("cat $d\\'x", ["cat", "$d'x"]),
        ("echo a\\ b", ["echo", "a b"]),
        ("cat $f'w' $f\\w", ["cat", "${f}w", "${f}w"]),
    ],
)
def test_words_with_several_expansions_are_one_word(command: str, argv: list[str]) -> None:
    assert shell_argvs(command, CWD)[0] == argv


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("for f in a b c d e f; do diff $f - < golden/$f; done", "allow"),
        ("for t in t1 t2 t3 t4 t5 t6; do python3 run.py $t < tests/$t.in; done", "allow"),
        ('v=$(< VERSION); echo "$v"', "allow"),
        ("out=build/log.txt; make > $out", "ask"),  # a write to a target as written, not known
    ],
)
def test_ordinary_redirections_with_values_keep_their_decisions(command: str, expected: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == expected
