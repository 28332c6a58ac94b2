"""How the shell analyzer reads GNU `patch` command lines: where the diff comes from, the
options that take a value, `-d`, rejects and backups."""

from __future__ import annotations

import pytest

from remit.analyzers import Command, shell_facts
from remit.analyzers._facts import file_operands
from remit.analyzers._patch import UNKNOWN, diff_names, diff_targets, moved_names, read_line

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
        ("patch -d /etc hosts < fix.diff", ["/etc/hosts", UNKNOWN]),
        ("patch -d /etc -o out a.c < fix.diff", ["/etc/out"]),
        ("patch -d /etc -p1 < fix.diff", [UNKNOWN]),  # a marker is not put under the directory
    ],
)
def test_patch_works_in_its_directory(command: str, writes: list[str]) -> None:
    assert _writes(command) == writes


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        ("patch -p1 -r /etc/rej a.c < fix.diff", ["a.c", UNKNOWN, "/etc/rej"]),
        ("patch -p1 --reject-file=/etc/rej a.c < fix.diff", ["a.c", UNKNOWN, "/etc/rej"]),
        (f"patch -p1 -r/etc/rej {HEREDOC}", ["src/app.py", "/etc/rej"]),
        ("patch -p1 -r - a.c < fix.diff", ["a.c", UNKNOWN]),  # rejects thrown away
        ("patch -b -B /etc/bak/ a.c < fix.diff", ["a.c", UNKNOWN, "/etc/bak/a.c"]),
        (f"patch -p1 -Y ../../x. {HEREDOC}", ["src/app.py", "src/../../x.app.py"]),
        ("patch -b a.c < fix.diff", ["a.c", UNKNOWN]),  # a.c.orig beside a.c: no new place
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
        (f"patch app.py {HEREDOC}", ["app.py"]),  # a file given: the diff's names do not matter
        (f"patch -p 1 app.py {HEREDOC}", ["app.py"]),  # not `1`
        ("patch app.py < fix.diff", ["app.py", UNKNOWN]),  # a git rename in it would move app.py
        ("patch app.py fix.diff", ["app.py", UNKNOWN]),  # the second operand is the diff
        ("patch -p1 app.py -i fix.diff", ["app.py", UNKNOWN]),
        ("patch -o out.c app.py < fix.diff", ["out.c"]),  # with -o a rename moves nothing
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
        ("diff --git a/s/a.py b/s/b.py\nrename from s/a.py\nrename to s/b.py\n", 1, ["s/a.py", "s/b.py"]),
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


RENAME = "diff --git a/b.txt b/.env\nsimilarity index 100%\nrename from b.txt\nrename to .env\n"
COPY = "diff --git a/b.txt b/sub/.env2\nsimilarity index 100%\ncopy from b.txt\ncopy to sub/.env2\n"
EMPTY = "diff --git a/.env b/.env\nnew file mode 100644\nindex 0000000..e69de29\n"


def _heredoc(diff: str) -> str:
    return f"<<'EOF'\n{diff}EOF"


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        (f"patch --dry-run -o /etc/cron.d/x -p1 {_heredoc(DIFF)}", ["/etc/cron.d/x"]),
        (f"patch --dry -p1 --output=out.c {_heredoc(DIFF)}", ["out.c"]),
        ("patch --dry-run -o out.c a.c < fix.diff", ["out.c"]),
        ("patch --dry-run -d /etc -o x -p1 < fix.diff", ["/etc/x"]),
        # no reject and no backup on a dry run, with or without -o
        (f"patch --dry-run -o out -r /etc/rej -b -B /etc/bak/ -p1 {_heredoc(DIFF)}", ["out"]),
        ("patch --dry-run -r /etc/rej -b -B /etc/bak/ a.c < fix.diff", []),
        (f"patch --dry-run -p1 {_heredoc(RENAME)}", []),  # the rename is only checked
        ("patch --dry-run -o - a.c < fix.diff", []),  # the output is stdout
        ("patch --dry-run -o /etc/x --version", []),
    ],
)
def test_a_dry_run_still_writes_its_output(command: str, writes: list[str]) -> None:
    assert _writes(command) == writes


def test_a_dry_run_output_outside_is_outside() -> None:
    assert _outside(f"patch --dry-run -o /etc/cron.d/x -p1 {_heredoc(DIFF)}")


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        # GNU patch renames the file it is given to the diff's new name (a.txt becomes .env)
        (f"patch -p1 a.txt {_heredoc(RENAME)}", ["a.txt", ".env"]),
        (f"patch -p1 a.txt {_heredoc(COPY)}", ["a.txt", "sub/.env2"]),  # a copy of a.txt
        (f"patch -p1 -d /etc hosts {_heredoc(RENAME)}", ["/etc/hosts", "/etc/.env"]),
        (f"patch a.txt {_heredoc(RENAME)}", ["a.txt", ".env", "b/.env"]),  # no -p: both forms
        (f"patch -p1 a.txt {_heredoc(DIFF + RENAME)}", ["a.txt", ".env"]),
        (f"patch -p1 -o OUT a.txt {_heredoc(RENAME)}", ["OUT"]),  # with -o nothing moves
    ],
)
def test_a_rename_moves_the_file_given(command: str, writes: list[str]) -> None:
    assert _writes(command) == writes


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        # `rename from` deletes b.txt; `copy from` only reads it
        (f"patch -p1 {_heredoc(RENAME)}", ["b.txt", ".env"]),
        (f"patch -p1 {_heredoc(COPY)}", ["b.txt", "sub/.env2"]),  # b.txt from the git line
        # GNU patch renames the `diff --git` names; git apply the `rename` ones: all count
        (
            "patch -p1 <<'EOF'\ndiff --git a/b.txt b/.env\nrename from c.txt\nrename to other\nEOF",
            ["b.txt", ".env", "c.txt", "other"],
        ),
        # an empty new file has no `---`/`+++` lines: only the git line names it
        (f"patch -p1 {_heredoc(DIFF + EMPTY)}", ["src/app.py", ".env"]),
        # git apply reads renames and git lines too
        (f"git apply {_heredoc(RENAME)}", ["b.txt", ".env"]),
        ("git apply <<'EOF'\ndiff --git a/x b/.env\nnew file mode 100644\nEOF", ["x", ".env"]),
    ],
)
def test_git_headers_name_written_files(command: str, writes: list[str]) -> None:
    assert _writes(command) == writes


@pytest.mark.parametrize(
    ("diff", "strip", "names"),
    [
        ('--- "a/\\056env"\n+++ "b/\\056env"\n', 1, [".env"]),  # git quotes with octal escapes
        ('+++ "b/\\303\\251t\\303\\251"\t2020-01-01\n', 1, ["été"]),  # UTF-8 bytes
        ('+++ "b/\\377z"\n', 1, ["\\xffz"]),  # not UTF-8: the byte kept as `\xff`
        ('+++ "b/a\\tb\\"c\\\\d\\n"\n', 1, ['a\tb"c\\d\n']),
        ('+++ "b/a b"\t2020-01-01\n', 1, ["a b"]),  # a blank inside quotes does not end it
        ('+++ "b/\\56env"\n', 1, ["\\56env"]),  # not three octal digits: patch reads no name
        ('+++ "b/.env\n', 1, [".env"]),  # no closing quote: the text as it stands
        (
            'diff --git "a/b.txt" "b/\\056env"\nrename from b.txt\nrename to "\\056env"\n',
            1,
            ["b.txt", ".env"],
        ),
        ('diff --git a/x b/y\ncopy from "\\056a"\ncopy to "\\056b"\n', 1, ["x", "y", ".b"]),
        ('Index: "\\056env"\n', 0, [".env"]),
    ],
)
def test_quoted_names_are_unquoted(diff: str, strip: int | None, names: list[str]) -> None:
    assert diff_names(diff, strip) == names


@pytest.mark.parametrize(
    ("diff", "strip", "names"),
    [
        # no TAB: GNU patch ends the name at its first blank (writes `.env`)
        ("+++ b/.env 2020-01-01 10:00:00\n", 1, [".env 2020-01-01 10:00:00", ".env"]),
        ("+++ b/new name\n", 1, ["new name", "new"]),
        ("+++ b/new name\t2020-01-01 10:00:00\n", 1, ["new name", "new"]),
        ("--- b/x y\t2020\n+++ b/x y\t2020\n", None, ["b/x y", "x y", "b/x", "x"]),
        ("Index: lib/z.c 2020-01-01\n", 0, ["lib/z.c 2020-01-01", "lib/z.c"]),
        ("diff --git a/x y b/x y\n", 1, ["x y"]),  # unquoted blanks: both halves one name
        ("diff --git a/x b/y extra\n", 1, []),  # neither patch nor git reads a name here
    ],
)
def test_a_name_ends_at_a_tab_or_its_first_blank(diff: str, strip: int | None, names: list[str]) -> None:
    assert diff_names(diff, strip) == names


@pytest.mark.parametrize(
    ("diff", "names"),
    [
        (RENAME, [".env"]),
        (COPY, ["sub/.env2"]),
        (DIFF, []),
        ('diff --git a/a "b/\\056env"\nrename to "\\056env"\n', [".env"]),
        (RENAME.replace("rename to .env", "rename to other"), ["other", ".env"]),
    ],
)
def test_moved_names(diff: str, names: list[str]) -> None:
    assert moved_names(diff, 1) == names


def test_git_apply_reads_quoted_names_and_renames() -> None:
    diff = '--- "a/\\056env"\n+++ "b/\\056env"\n' + RENAME
    assert diff_targets(diff, 1) == [".env", "b.txt"]
    assert diff_targets("--- a/gone\n+++ /dev/null\n--- /dev/null\n+++ /dev/null\n", 1) == ["gone"]


def test_a_long_git_line_with_blanks_is_read_in_bounded_work() -> None:
    line = "diff --git " + "a/" + "x " * 40_000 + "b/" + "x " * 40_000 + "\n"
    assert diff_names(line, 1) == []  # longer than any file name: neither patch nor git reads one
    assert diff_names("diff --git a/x y/z b/x y/z\n", 0) == ["a/x y/z", "b/x y/z"]


@pytest.mark.parametrize("separator", ["\x1c", "\x85", "\u2028", "\x0b"])
def test_a_diff_splits_at_newlines_only(separator: str) -> None:
    # str.splitlines would cut `b<sep>/.env` in two; patch and git apply strip `b<sep>/`
    diff = f"--- /dev/null\n+++ b{separator}/.env\n@@ -0,0 +1 @@\n+x\n"
    assert ".env" in _writes(f"patch -p1 <<'EOF'\n{diff}EOF")
    assert ".env" in _writes(f"git apply <<'EOF'\n{diff}EOF")


def test_a_diff_with_crlf_lines_names_its_files() -> None:
    diff = "--- a/src/x.py\r\n+++ b/src/x.py\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n"
    assert _writes(f"patch -p1 <<'EOF'\n{diff}EOF") == ["src/x.py"]


@pytest.mark.parametrize(
    ("name", "strip", "written"),
    [("b//.env", 1, ".env"), ("//b/.env", 2, ".env"), ("b///c//.env", 2, ".env"), ("/u/x/y.c", 1, "u/x/y.c")],
)
def test_strip_counts_a_run_of_slashes_as_one(name: str, strip: int, written: str) -> None:
    diff = f"--- {name}\n+++ {name}\n@@ -1 +1 @@\n-a\n+b\n"
    assert diff_names(diff, strip) == [written]


def test_git_apply_strips_each_slash_as_a_component() -> None:
    # git counts `b//x` as three components where GNU patch counts two
    diff = "--- /dev/null\n+++ b//.claude/settings.json\n@@ -0,0 +1 @@\n+x\n"
    assert diff_targets(diff, 2) == [".claude/settings.json"]
    assert diff_names(diff, 1) == [".claude/settings.json"]
