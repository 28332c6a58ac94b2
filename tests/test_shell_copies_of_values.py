"""Values copied from one variable to another, and the output of a search used as an argument.

A `for` list that expands a variable with known values gives the loop variable each word of
them (each element for `"${a[@]}"` and `${a[*]}`, the split value for `$x`), and an
assignment from such an expansion copies the value (`y=$x`, `f="${a[1]}"`), or the text as
written where the variable is not known (`y=$HOME/x`). A command
substitution that is an argument and searches a home (`cat $(find ~)`) reads as a variable
set to it does: the call is unparsed.
"""

from __future__ import annotations

import pytest

from tests.shipped import SHIPPED, decide_bash, shell_argvs, shell_error

CWD = "/home/me/proj"
HOME = "/home/me"
SECRET = "~/.ssh/id_rsa"
ARRAY = f"a=(x {SECRET})"


COPIES_OF_SECRETS = [
    f'{ARRAY}; for f in "${{a[@]}}"; do cat $f; done',
    f'{ARRAY}; for f in ${{a[@]}}; do cat "$f"; done',
    f'{ARRAY}; for f in ${{a[*]}}; do cat "$f"; done',
    f'{ARRAY}; for f in x "${{a[@]}}"; do cat "$f"; done',
    f'{ARRAY}; f="${{a[1]}}"; cat $f',
    f"{ARRAY}; f=${{a[@]}}; cat $f",
    f"x={SECRET}; y=$x; cat $y",
    f'x={SECRET}; y="$x"; z=$y; cat "$z"',
    f"x={SECRET}; for f in $x; do cat $f; done",
    f'x="a {SECRET}"; for f in $x; do cat "$f"; done',
    f'x={SECRET}; for f in "$x"; do cat "$f"; done',
    "x=$HOME; y=$x/.ssh/id_rsa; cat $y",
    'y="${HOME}/.aws/credentials"; z=$y; cat "$z"',
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", COPIES_OF_SECRETS)
def test_a_copied_secret_is_blocked(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


def test_a_loop_over_an_array_reads_each_element() -> None:
    argvs = shell_argvs(f'{ARRAY}; for f in "${{a[@]}}"; do cat "$f"; done', CWD)
    assert ["cat", "x"] in argvs
    assert ["cat", SECRET] in argvs


def test_a_copy_of_a_searched_variable_is_unparsed() -> None:
    assert shell_error('x=$(find ~); y=$x; cat "$y"', CWD)


SEARCHES_AS_ARGUMENTS = [
    "cat $(find ~ -name id_rsa)",
    "cat $(find ~)",
    'cat "$(find ~ -name id_rsa)"',
    "cat `find ~ -name id_rsa`",
    "cat $(cd ~ && find . -name id_rsa)",
    "cat $(nice find / -name id_rsa)",
]


@pytest.mark.parametrize("command", SEARCHES_AS_ARGUMENTS)
def test_the_output_of_a_search_of_a_home_is_unparsed(command: str) -> None:
    assert shell_error(command, CWD)


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SEARCHES_AS_ARGUMENTS)
def test_the_output_of_a_search_of_a_home_is_not_allowed(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) != "allow"


def test_a_listing_of_secrets_stays_blocked() -> None:
    for policy in SHIPPED:
        assert decide_bash(policy, "cat $(ls ~/.ssh/*)", CWD, HOME) == "block"


ORDINARY = [
    ("cat $(git ls-files)", {"coding-agent": "allow", "strict": "ask", "ci": "allow"}),
    ("wc -l $(find src -name '*.py')", {"coding-agent": "allow", "strict": "ask", "ci": "allow"}),
    ("echo $(date)", {"coding-agent": "allow", "strict": "ask", "ci": "allow"}),
    ('x=src; y=$x; ls "$y"', {"coding-agent": "allow", "strict": "allow", "ci": "allow"}),
    ('a=(src tests); for d in "${a[@]}"; do ls "$d"; done', {"coding-agent": "allow", "strict": "allow"}),
    ('for f in "$@"; do cat "$f"; done', {"coding-agent": "allow"}),
    ("x=$HOME; y=$x/proj/src; ls $y", {"coding-agent": "allow", "strict": "allow", "ci": "allow"}),
    ("y=$(date); echo $y", {"coding-agent": "allow", "strict": "ask", "ci": "allow"}),
]


@pytest.mark.parametrize(("command", "expected"), ORDINARY)
def test_ordinary_commands_keep_their_decisions(command: str, expected: dict[str, str]) -> None:
    for policy, decision in expected.items():
        assert decide_bash(policy, command, CWD, HOME) == decision, policy
