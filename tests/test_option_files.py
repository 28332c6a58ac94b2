"""Files named by options.

A program may read a file named by an option's value rather than an operand (`grep -f F`,
`sort --files0-from=F`, whose error messages print the names it reads), and a wrapper may
read or write one for the command it runs (`xargs -a F`, `time -o F`) or run it in another
directory (`env -C D`). Where a command runs in another directory than the call's (after a
`cd`, or from `git -C D`), a word of it names a file there.
"""

from __future__ import annotations

import pytest

from tests.shipped import SHIPPED, decide_bash, shell_error

CWD = "/home/me/proj"
HOME = "/home/me"

SECRETS_BY_OPTION = [
    "grep -f /etc/shadow x",
    "grep --file=/etc/shadow x",
    "grep --fil /etc/shadow x",  # a long option cut short
    "grep -if ~/.ssh/id_rsa x",  # the last of a cluster takes the next word
    "grep -f/etc/shadow x",  # the value joined to its option
    "grep -e a -f ~/.ssh/id_rsa x",
    "egrep x -f ~/.aws/credentials",  # after an operand: GNU options move
    "rg -f ~/.aws/credentials .",
    "rg --ignore-file ~/.ssh/id_rsa x",
    "sed -f ~/.ssh/id_rsa x",
    "jq -f ~/.ssh/id_rsa data.json",
    "jq --from-file ~/.ssh/id_rsa data.json",
    "diff -X ~/.ssh/id_rsa a b",
    "sort --files0-from=/etc/shadow",
    "wc --files0-from /etc/shadow",
    "du --files0=/etc/shadow",
    "xargs -a ~/.ssh/id_rsa echo",
    "xargs --arg-file=/etc/shadow echo",
    "xargs -0a /etc/shadow echo",
    "nice -n 5 xargs -a ~/.kube/config echo",
    "time -o ~/.bashrc true",
    "strace -o ~/.bashrc ls",
    "strace --output=/home/me/.bashrc true",
    "xargs --arg=/etc/shadow echo",  # long options cut short
    "xargs --arg-f /etc/shadow echo",
    "time --out ~/.bashrc true",
    "diff --from-file=/etc/shadow x",
    "yq -f ~/.ssh/id_rsa x.yaml",
    "valgrind --log-file=/home/me/.bashrc true",
    "valgrind --suppressions=/etc/shadow true",
    "find -files0-from /etc/shadow",
    "git grep -f ~/.ssh/id_rsa",
    "git grep --file=/etc/shadow -- .",
    "git grep -nf ~/.ssh/id_rsa",  # in a cluster
    "perf stat -o ~/.bashrc true",
    "perf record --output=/home/me/.bashrc -- true",
    "perf stat record -o ~/.bashrc true",
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SECRETS_BY_OPTION)
def test_files_named_by_options_are_read(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("grep -f patterns.txt src/", "allow"),
        ("grep -rn foo -- -f", "allow"),  # after `--`: an operand named `-f`
        ("jq -f query.jq data.json", "allow"),
        ("wc --files0-from=files.txt", "allow"),
        ("time -o timing.txt make", "allow"),
        ("strace -f -o trace.txt ./a.out", "allow"),
        ("env -C . make", "allow"),
        ("env A=1 make", "allow"),
        ("env -C build make", "allow"),
        ("env --chdir=frontend npm test", "allow"),
        ("valgrind --log-file=vg.log ./a.out", "allow"),
        ("git grep -f patterns.txt", "allow"),
        ("unshare -r --wd=sub make", "allow"),
        ("perf stat -o perf.txt make", "allow"),
        ("perf record -g -o perf.data ./bench", "allow"),
        ("nsenter -t 1 -m -u -n cat x", "allow"),
        ("cd /etc; env -C /tmp cat shadow", "allow"),  # /tmp/shadow
        ("diff -r --exclude=.env a b", "allow"),  # `--exclude`, not `--exclude-from` cut short
        ("rsync -av --exclude=.env ./ build/", "allow"),  # (to another host it asks: remote-access)
        ("rsync -av --exclude=.env ./ host:/app", "ask"),
    ],
)
def test_workspace_files_named_by_options_keep_their_decisions(command: str, expected: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == expected


@pytest.mark.parametrize(
    "command",
    [
        "env -C ~/.kube cat config",
        "env --chd /etc cat shadow",
        "sudo -D /etc cat shadow",
        "env -C build cat ../../.kube/config",  # from /home/me/proj/build
        "unshare --wd=/etc cat shadow",
        "nsenter --wd=/etc cat shadow",  # a value only attached
        "nsenter -t 1 -w/etc cat shadow",
        "env -C /a/b/c/d -C ../../../etc cat shadow",  # the last -C of one env
        "env -C /etc env -C .. cat etc/shadow",  # from the outer one's
    ],
)
def test_a_command_is_read_from_the_directory_its_wrapper_runs_it_in(command: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    "command", ['env -C "$d" make', "env -C /etc sh -c 'cat shadow'", "env -C /etc cd x; cat shadow"]
)
def test_a_directory_not_known_or_a_script_run_there_is_unparsed(command: str) -> None:
    assert shell_error(command, CWD)
    assert decide_bash("coding-agent", command, CWD, HOME) != "allow"


SECRETS_NAMED_FROM_ANOTHER_DIRECTORY = [
    "cd ~/.kube && git diff --no-index config /dev/null",
    "cd /etc && git diff --no-index shadow /dev/null",
    "cd /etc && tar -cf - shadow",
    "cd ~/.kube && tar -cf - config | base64",
    "git -C /etc diff --no-index shadow /dev/null",
    "git -c a=b -C /etc diff --no-index shadow /dev/null",
    "git -C ~ -C .kube diff --no-index config /dev/null",
    "tar -C /etc -cf - shadow",
    "tar -cf - --directory=/etc shadow",
    "tar -cf - --directory /etc shadow",
    "make -C /etc -f shadow",
    "make --directory=~/.ssh -f id_rsa",
    "tar -cC /etc -f - shadow",  # in a cluster
    "tar cfC - /etc shadow",  # old-style key letters, each value in turn
    "tar cfC /dev/stdout /etc shadow",
    "tar --direc=/etc -cf - shadow",  # cut short
    "git -C /tmp -C ../etc diff --no-index shadow /dev/null",  # each from the one before
    "cd /etc && gzip -c shadow",
    "gtar -C /etc -cf - shadow",  # GNU tar by its other name
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SECRETS_NAMED_FROM_ANOTHER_DIRECTORY)
def test_a_name_is_read_from_the_directory_the_command_runs_in(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    "command",
    [
        "cd ~/.kube && git log",
        "cd /etc && cat hosts",
        'cd src && git commit -m "config: x"',
        "git -C sub status",
        "tar -C build -czf out.tgz .",
        "cd ~ && git config --global user.name me",
        "make -C docs html",
        # words that name no file read
        "cd /etc && grep -n shadow nsswitch.conf",  # a pattern
        "cd /etc && git log --oneline -- shadow",
        "cd /etc && apt-cache show shadow",
        "cd /etc && dpkg -S shadow",
        "cd ~/.kube && kubectl config use-context dev",
        "cd /etc && echo shadow",
    ],
)
def test_other_names_from_another_directory_keep_their_decisions(command: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == "allow"
