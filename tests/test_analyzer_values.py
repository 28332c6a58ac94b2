"""What variables hold when their values are listed, arrays, read or brace-expanded names."""

from __future__ import annotations

import pytest

import remit
from remit import analyzers
from remit.analyzers.shell import shell_facts

CWD = "/home/me/proj"
POLICIES = ("coding-agent", "strict", "ci")


@pytest.fixture(scope="module")
def guards() -> dict[str, remit.Guard]:
    return {name: remit.Guard.from_path(f"policies/{name}.yaml") for name in POLICIES}


def _decisions(guards: dict[str, remit.Guard], command: str) -> dict[str, str]:
    return {
        name: str(guard.check("Bash", {"command": command}, {"cwd": CWD}).decision).rpartition(".")[2]
        for name, guard in guards.items()
    }


def _sensitive(command: str) -> bool:
    facts = shell_facts("Bash", {"command": command}, CWD)
    return bool(analyzers.path_facts("Bash", {"command": command}, CWD, facts).sensitive)


READS_SECRETS = [
    'for f in ~/.ssh/*; do cat "$f"; done',
    "for f in ~/.ssh/id_rsa ~/.aws/credentials; do cat $f; done",
    'for f in x ~/.ssh/id_rsa; do cat "$f"; done',
    'for f in "$HOME"/.ssh/*; do cat "$f"; done',
    "select f in ~/.ssh/id_rsa; do cat $f; break; done",
    "for f in .ssh x; do cat ~/$f/id_rsa; done",
    'a=(~/.ssh/id_rsa x); cat "${a[@]}"',
    "a=(~/.ssh/id_rsa); cat ${a[0]}",
    "a=(~/.ssh/id_rsa); cat $a",
    "declare -a a=(~/.ssh/id_rsa x); cat ${a[@]}",
    'read f <<< ~/.ssh/id_rsa; cat "$f"',
    "read a b <<< 'x /home/me/.ssh/id_rsa'; cat $b",
    'read -r f <<EOF\n/home/me/.ssh/id_rsa\nEOF\ncat "$f"',
]


@pytest.mark.parametrize("command", READS_SECRETS)
def test_a_listed_or_read_value_is_a_reading(guards: dict[str, remit.Guard], command: str) -> None:
    assert _sensitive(command)
    assert set(_decisions(guards, command).values()) == {"block"}


NOT_ALLOWED = [
    'find ~ -type f | while read -r f; do cat "$f"; done',
    "for f in $(find ~ -type f); do cat $f; done",
    "ls ~ | while read f; do cat $f; done",
    "for f in $(rg --files ~); do cat $f; done",
    'fd x ~ | while read f; do cat "$f"; done',
    'IFS=/; a=(home me .ssh id_rsa); cat "/${a[*]}"',
    "export P{A,}GER=evil; git log",
    "export {PAGER,X}=evil; git log",
    "declare -x L{D_PRELOAD,}=./x.so; ls",
    "local -x {PAGER,A}=evil; git log",
    "typeset -x {BASH_ENV,A}=./x.sh; bash -c ls",
    "env P{A,}GER=evil git log",
    "for f in " + " ".join(f"f{i}" for i in range(40)) + "; do cat $f; done",
]


@pytest.mark.parametrize("command", NOT_ALLOWED)
def test_values_not_known_here_are_not_allowed(guards: dict[str, remit.Guard], command: str) -> None:
    assert "allow" not in _decisions(guards, command).values()


HARMLESS = {
    'for f in *.py; do black "$f"; done': {"coding-agent": "allow", "ci": "allow"},
    "for i in 1 2 3; do echo $i; done": {"coding-agent": "allow", "strict": "allow", "ci": "allow"},
    'a=(x y); echo "${a[@]}"': {"coding-agent": "allow", "strict": "allow", "ci": "allow"},
    "read -r x < VERSION": {"coding-agent": "allow", "ci": "allow"},
    "find . -name '*.py' | while read f; do wc -l \"$f\"; done": {"coding-agent": "allow", "ci": "allow"},
    "export {A,B}=1; ls": {"coding-agent": "allow", "ci": "allow"},
}


@pytest.mark.parametrize("command", HARMLESS)
def test_harmless_values_keep_their_decisions(guards: dict[str, remit.Guard], command: str) -> None:
    decisions = _decisions(guards, command)
    assert {k: decisions[k] for k in HARMLESS[command]} == HARMLESS[command]
    assert not _sensitive(command)


def test_each_listed_word_is_read_once() -> None:
    facts = shell_facts("Bash", {"command": 'for f in a b; do cat "$f"; done'}, CWD)
    assert [c.argv for c in facts.commands if c.program == "cat"] == [
        ["cat", "$f"],
        ["cat", "a"],
        ["cat", "b"],
    ]


def test_an_array_is_all_its_elements() -> None:
    facts = shell_facts("Bash", {"command": "a=(x 'y z'); cat \"${a[@]}\" ${a[1]}"}, CWD)
    assert ["cat", "x", "y z", "y", "z"] in [c.argv for c in facts.commands]


def test_braces_in_declared_names_are_expanded() -> None:
    facts = shell_facts("Bash", {"command": "export P{A,}GER=evil; git log"}, CWD)
    git = next(c for c in facts.commands if c.program == "git")
    assert "PAGER=evil" in git.env
