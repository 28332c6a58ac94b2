"""How the shell analyzer reads GNU `patch` command lines: where the diff comes from, the
options that take a value, `-d`, rejects and backups."""

from __future__ import annotations

import pytest

from remit.analyzers import Command, shell_facts
from remit.analyzers._facts import file_operands
from remit.analyzers._patch import UNKNOWN, diff_names, read_line

DIFF = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-x\n+y\n"
HEREDOC = f"<<'EOF'\n{DIFF}EOF"
HOME = "/home/u/proj"


def _writes(command: str) -> list[str]:
    return shell_facts("Bash", {"command": command}, HOME).writes


def _outside(command: str) -> bool:
    return shell_facts("Bash", {"command": command}, HOME).writes_outside(HOME)


@pytest.mark.parametrize(
    "command",
    [
        "patch -p1 < fix.diff",
        "patch -p1 -i fix.diff",
        "patch -Np1 -i fix.diff",
        "patch --input=fix.diff -p1",
        "patch --in fix.diff -p1",  # an abbreviation of --input
        "cat fix.diff | patch -p1",
        "git diff | patch -p1 -R",
        "curl -s https://x/fix.diff | patch -p1",
        "patch -p1",  # stdin is whatever the shell was given
        "cd src && patch -p1 < ../fix.diff",
        f"patch -p1 -i fix.diff {HEREDOC}",  # -i wins over the heredoc
        f"patch -p1 {HEREDOC} < fix.diff",  # which one bash keeps is not read here
        "patch -p1 <<'EOF'\n$(cat fix.diff)\nEOF",  # no name the analyzer can read
        'patch -p1 <<< "$DIFF"',
    ],
)
def test_a_diff_the_command_does_not_hold_writes_unknown_files(command: str) -> None:
    assert UNKNOWN in _writes(command)
    assert _outside(command)


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        (f"patch -p 1 {HEREDOC}", ["src/app.py"]),  # -p's value as a separate word
        (f"patch -Np1 {HEREDOC}", ["src/app.py"]),  # a cluster ending in -p
        (f"patch -Np 1 {HEREDOC}", ["src/app.py"]),
        (f"patch --strip 1 {HEREDOC}", ["src/app.py"]),
        (f"patch --str=1 {HEREDOC}", ["src/app.py"]),
        (f"patch -i - -p1 {HEREDOC}", ["src/app.py"]),  # `-i -` is stdin
        (f"patch -p1 -F 3 -V numbered -z .bak -g 0 -D X --quoting-style c {HEREDOC}", ["src/app.py"]),
        (f"patch -p1 --read-only ignore --merge --backup-if-mismatch {HEREDOC}", ["src/app.py"]),
        (f"patch -p1 --merge=diff3 --reject-format unified {HEREDOC}", ["src/app.py"]),
        (f"patch -p1 -- {HEREDOC}", ["src/app.py"]),
    ],
)
def test_options_and_their_values_are_not_files(command: str, writes: list[str]) -> None:
    assert _writes(command) == writes


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        (f"patch -d /etc -p1 {HEREDOC}", ["/etc/src/app.py"]),
        (f"patch --directory=/etc -p1 {HEREDOC}", ["/etc/src/app.py"]),
        (f"patch --dir /etc -p1 {HEREDOC}", ["/etc/src/app.py"]),
        (f"patch -p1 -d sub {HEREDOC}", ["sub/src/app.py"]),
        (f"patch -d a -d b -p1 {HEREDOC}", ["a/b/src/app.py"]),  # each -d changes directory again
        ("patch -d /etc hosts < fix.diff", ["/etc/hosts"]),
        ("patch -d /etc -o out a.c < fix.diff", ["/etc/out"]),
        ("patch -d /etc -p1 < fix.diff", [UNKNOWN]),  # a marker is not put under the directory
    ],
)
def test_patch_works_in_its_directory(command: str, writes: list[str]) -> None:
    assert _writes(command) == writes


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        ("patch -p1 -r /etc/rej a.c < fix.diff", ["a.c", "/etc/rej"]),
        ("patch -p1 --reject-file=/etc/rej a.c < fix.diff", ["a.c", "/etc/rej"]),
        (f"patch -p1 -r/etc/rej {HEREDOC}", ["src/app.py", "/etc/rej"]),
        ("patch -p1 -r - a.c < fix.diff", ["a.c"]),  # rejects thrown away
        ("patch -b -B /etc/bak/ a.c < fix.diff", ["a.c", "/etc/bak/a.c"]),
        (f"patch -p1 -Y ../../x. {HEREDOC}", ["src/app.py", "src/../../x.app.py"]),
        ("patch -b a.c < fix.diff", ["a.c"]),  # a.c.orig beside a.c: no new place
        ("patch -o /dev/null a.c < fix.diff", []),
    ],
)
def test_rejects_and_prefixed_backups_are_writes(command: str, writes: list[str]) -> None:
    assert _writes(command) == writes


@pytest.mark.parametrize(
    "command",
    ["patch -p1 -r /tmp/rej a.c < fix.diff", "patch -B /tmp/ a.c < fix.diff", "patch -d /tmp a.c < fix.diff"],
)
def test_rejects_backups_and_directories_may_lie_outside(command: str) -> None:
    assert _outside(command)


@pytest.mark.parametrize(
    "command",
    ["patch --dry-run -p1 < fix.diff", "patch --dry -p1 -i fix.diff", "patch --version", "patch --help"],
)
def test_patch_that_only_reports_writes_nothing(command: str) -> None:
    assert _writes(command) == []


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        ("patch app.py < fix.diff", ["app.py"]),  # a file given: the diff's names do not matter
        ("patch app.py fix.diff", ["app.py"]),  # the second operand is the diff
        ("patch -p1 app.py -i fix.diff", ["app.py"]),
        ("patch -o out.c app.py < fix.diff", ["out.c"]),
        ("patch -p 1 app.py < fix.diff", ["app.py"]),  # not `1`
    ],
)
def test_a_file_given_to_patch_is_the_file_written(command: str, writes: list[str]) -> None:
    assert _writes(command) == writes


def test_the_old_name_counts_patch_may_write_it() -> None:
    # GNU patch writes the existing file with the shorter name: here `.env`, not README
    diff = "--- .env\n+++ README\n@@ -1 +1 @@\n-a\n+b\n"
    assert _writes(f"patch <<'EOF'\n{diff}EOF") == [".env", "README"]


@pytest.mark.parametrize(
    ("diff", "strip", "names"),
    [
        ("--- a/x/y.c\n+++ b/x/y.c\n", None, ["a/x/y.c", "y.c", "b/x/y.c"]),
        ("--- a/x/y.c\n+++ b/x/y.c\n", 1, ["x/y.c"]),
        ("--- /dev/null\n+++ b/new.c\n", 1, ["new.c"]),
        ("*** a/x.c\tdate\n--- b/x.c\tdate\n***************\n*** 1,3 ****\n--- 1,3 ----\n", 1, ["x.c"]),
        ("Index: lib/z.c\n===\n--- lib/z.c\n+++ lib/z.c\n", 0, ["lib/z.c"]),
        ("diff --git a/s/a.py b/s/b.py\nrename from s/a.py\nrename to s/b.py\n", 1, ["s/b.py"]),
        ('--- "a/with space"\n+++ "b/with space"\n', 1, ["with space"]),
        ("no diff here\n", 1, []),
    ],
)
def test_diff_names(diff: str, strip: int | None, names: list[str]) -> None:
    assert diff_names(diff, strip) == names


def test_the_command_line_as_getopt_reads_it() -> None:
    options, operands = read_line(Command(["patch", "-Np1", "a.c", "--in", "x.diff", "-r", "r", "--", "-b"]))
    assert options == {"N": [""], "strip": ["1"], "input": ["x.diff"], "reject-file": ["r"]}
    assert operands == ["a.c", "-b"]


@pytest.mark.parametrize(
    ("words", "operands"),
    [
        (["patch", "-p", "1"], []),
        (["patch", "-d", "dir", "-i", "x.diff", "a.c"], ["a.c"]),
        (["patch", "-r", "rej", "-o", "out", "-B", "b/", "a.c"], ["a.c"]),
        (["patch", "--reject-file", "rej", "--merge", "a.c"], ["a.c"]),
    ],
)
def test_patch_option_values_are_not_file_operands(words: list[str], operands: list[str]) -> None:
    assert file_operands(Command(words)) == operands
