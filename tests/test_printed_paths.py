"""Command substitutions that only print a path their words name (`$(realpath ~/.kube)`,
`$(dirname ~/.kube/config)`, `$(echo /etc)`, `readlink -f`, `basename`, `printf %s`) are read as
the path they print, in a command's arguments, a redirection's target and an assignment's value,
so a secret named through one is read where it lies; `echo` and `printf %s` of a variable print
its value (`$(echo $d)`). Any other substitution is left as written:
a relative `realpath` (it prints from the cwd), an option that changes what is printed, an
escape, a redirection, more than one command, a text that would split or match files."""

from __future__ import annotations

import pytest

from tests.shipped import SHIPPED, decide_bash, shell_argvs, shell_error

CWD = "/home/me/proj"
HOME = "/home/me"

SECRETS_THROUGH_A_PRINTED_PATH = [
    'cd "$(realpath ~/.kube)" && cat config',
    'cat "$(realpath ~/.kube)/config"',
    "cat $(echo ~/.kube)/config",
    "cd $(echo /etc); cat shadow",
    "cd `echo /etc`; cat shadow",
    'd=$(echo ~/.kube); cd "$d"; cat config',
    'd="$(dirname ~/.kube/config)"; cat "$d/config"',
    'cat < "$(realpath ~/.kube)/config"',
    'cd "$(readlink -f ~/.aws)" && cat credentials',
    'cat "$(printf %s ~/.kube)/config"',
    'cd "$(realpath -e ~/proj/../.kube)"; cat config',
    'f=config; cat "$(realpath ~/.kube)/$f"',
    "d=/etc; cat $(echo $d)/shadow",  # echo or printf of a variable: its value
    'd=~/.kube; cat "$(echo "$d")/config"',
    'd=/etc; cat $(printf %s "${d}")/shadow',
    'cat "$(echo $HOME)/.ssh/id_rsa"',
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SECRETS_THROUGH_A_PRINTED_PATH)
def test_a_secret_named_through_a_printed_path_is_read(command: str, policy: str) -> None:
    assert not shell_error(command, CWD)
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ('cat "$(realpath ~/.kube)/config"', ["cat", "~/.kube/config"]),
        ("cat $(readlink -f /a/../b)", ["cat", "/b"]),
        ('cat "$(realpath -s --quiet /a//b/)"', ["cat", "/a/b"]),
        ('cat "$(dirname a/b/c.txt)"', ["cat", "a/b"]),
        ('cat "$(dirname c.txt)"', ["cat", "."]),
        ('cat "$(dirname /)"', ["cat", "/"]),
        ('cat "$(basename /x/y/)"', ["cat", "y"]),
        ('cat "$(echo -n /etc)"', ["cat", "/etc"]),
        ("cat \"$(printf '%s\\n' ~/x)\"", ["cat", "~/x"]),
        ('cat "$(printf /etc)"', ["cat", "/etc"]),
        ('cat "$(echo a b)"', ["cat", "a b"]),
        ('cat "$(realpath ~/proj)/$f"', ["cat", "~/proj/$f"]),
        ('cat "$(dirname a/b)/$(basename c/d)"', ["cat", "a/d"]),
        ("cat $(realpath //etc)/shadow", ["cat", "/etc/shadow"]),
        ('cat "$(printf %s "/etc/x\n")"', ["cat", "/etc/x"]),  # a substitution drops the newline
        ('cat "$(dirname ~/.kube/)"', ["cat", "~"]),
        ('cat "$(realpath ~)/.kube/config"', ["cat", "~/.kube/config"]),
    ],
)
def test_a_printed_path_is_read_as_it_prints(command: str, argv: list[str]) -> None:
    assert shell_argvs(command, CWD)[0] == argv


def test_a_variable_printed_is_read_as_its_value() -> None:
    assert ["cat", "src/main.py"] in shell_argvs("d=src; cat $(echo $d)/main.py", CWD)


@pytest.mark.parametrize(
    "command",
    [
        'cat "$(realpath src)"',  # from the cwd, absolute: not the text written
        'cat "$(realpath ~/..)"',
        'cat "$(readlink ~/x)"',  # a link's target
        'cat "$(realpath --relative-to=/ ~/x)"',
        'cat "$(echo -e /etc)"',
        'cat "$(printf "%d" 1)"',
        'cat "$(printf "a\\tb")"',
        "cat $(echo a b)",  # unquoted: two words
        "cat $(echo /et*)",
        "cat $(echo)",
        "cat \"$(echo '$x')\"",
        'cat "$(echo x > f)"',
        'cat "$(A=1 echo x)"',
        'cat "$(echo x; echo y)"',
        'cat "$(echo x | tr x y)"',
        'cat "$(echo $HOME/x)"',  # a variable's value with more text: as written
        'cat "$(basename $f)"',
        'cat "$(printf "$d")"',  # a variable as printf's format
        'cat "$(printf %s $d)"',  # printf prints each word of an unquoted variable
        'cat "$(dirname -z a/b)"',
        'cat "$(basename a/b .txt)"',
        'cat "$(pwd)"',
        'cat "$(dirname ~)"',  # the home's parent, not known here
        'cat "$(basename ~)"',
        'cat "$(dirname ~root/x)"',
        "cat $(echo /etc/shado+\\(w\\))",  # an extended pattern, with `extglob`
    ],
)
def test_any_other_substitution_stays_as_written(command: str) -> None:
    assert shell_argvs(command, CWD)[0] == ["cat", command[4:].strip('"')]


ORDINARY = [
    ('cd "$(git rev-parse --show-toplevel)" && npm test', ["allow", "ask", "allow"]),
    ('cd "$(dirname "$0")/.." && make', ["allow", "ask", "allow"]),
    ('echo "$(date)"', ["allow", "ask", "allow"]),
    ("cd $(dirname src/main.py) && python main.py", ["allow", "ask", "allow"]),
    ('cat "$(dirname src/app/main.py)/README.md"', ["allow", "ask", "allow"]),
    ('cd "$(realpath /tmp)" && ls', ["allow", "ask", "allow"]),
    ('export PROJECT_ROOT="$(realpath ~/proj)" && make', ["allow", "ask", "allow"]),
    ('cd "$(realpath ~/proj)" && git status', ["allow", "ask", "allow"]),
    ("ls -la $(readlink -f /usr/bin/python3)", ["allow", "ask", "allow"]),
    ('rm -rf "$(echo build)"', ["ask", "block", "block"]),
    ('cat "$(realpath ~/.bashrc)"', ["block", "block", "block"]),
    # a write of the workspace, known now: as `mkdir -p out/a`, `cp a.txt src/`, `tar czf src.tgz`
    ('mkdir -p "$(dirname out/a/b.txt)" && touch out/a/b.txt', ["allow", "ask", "allow"]),
    ('cp a.txt "$(dirname src/x.py)/"', ["allow", "ask", "allow"]),
    ('tar czf "$(basename src).tgz" src', ["allow", "ask", "allow"]),
]


@pytest.mark.parametrize(("command", "decisions"), ORDINARY)
def test_ordinary_substitutions_keep_their_decisions(command: str, decisions: list[str]) -> None:
    assert [decide_bash(policy, command, CWD, HOME) for policy in SHIPPED] == decisions
