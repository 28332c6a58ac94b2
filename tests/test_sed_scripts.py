"""The files a sed script reads and writes (`_facts.sed_files`): read as GNU and BSD sed read a
script, and in work linear in its length, whatever its shape."""

from __future__ import annotations

import pytest

from remit.analyzers import _facts, shell_facts


def _files(command: str) -> tuple[list[str], list[str]]:
    facts = shell_facts("Bash", {"command": command}, "/w")
    assert not facts.unparsed, facts.error
    (sed,) = [c for c in facts.commands if c.program == "sed"]
    return _facts.sed_files(sed)


@pytest.mark.parametrize(
    ("command", "reads", "writes"),
    [
        ("sed '1r .env' f", [".env"], []),
        ("sed -n '$w out.txt' f", [], ["out.txt"]),
        ("sed 's/x/y/gw changed.txt' f", [], ["changed.txt"]),
        ("sed '/a/I,/b/I r .env' f", [".env"], []),
        ("sed '\\,a,r .env' f", [".env"], []),
        ("sed '2,+3 R f2' f", ["f2"], []),
        ("sed '0~4 W out' f", [], ["out"]),
        ("sed '1,\\,x, !w g' f", [], ["g"]),
        ("sed -e 's/a/b/ ; W h' f", [], ["h"]),
        ("sed '/x/{s/a/b/;w o\n}' f", [], ["o"]),
        ("sed 'y/abc/xyz/;w o' f", [], ["o"]),
        ("sed 'b end;w z' f", [], ["z"]),
        ("sed 's/a\\/b/c/;r f2' f", ["f2"], []),
        # GNU sed takes the rest of the line as the name; another sed may stop at `;`
        ("sed 'r .env; p' f", [".env; p", ".env"], []),
        # text inside a regex, a replacement, a label, a comment or a line of text names nothing
        ("sed 's/;w/x/;s/{r}/y/' f", [], []),
        ("sed ':a;N;$!ba;s/\\n/ /g' f", [], []),
        ("sed '#w x\nw y' f", [], ["y"]),
        ("sed 'a foo;w x' f", [], []),
        ("sed '/start/,/end/p;s/\\r//' f", [], []),
        # GNU and BSD sed read a bracket expression in a regex whole; a sed that does not, maybe
        # not: what either reading finds counts
        ("sed 's/[/]/x/w out' f", [], ["out"]),
        ("sed -n '/[[:space:]/]x/w out' f", [], ["out"]),
        ("sed 'y/[/]/;w o' f", [], ["o"]),
        # a regex not closed: sed runs nothing, and the line holds no other command
        ("sed 's/a/b;w x' f", [], []),
        # long options cut short, as GNU sed takes them
        ("sed --expr='1r .env' f", [".env"], []),
        ("sed -n --e='w out' f", [], ["out"]),
    ],
)
def test_sed_files(command: str, reads: list[str], writes: list[str]) -> None:
    assert _files(command) == (reads, writes)


@pytest.mark.parametrize(
    ("script", "reads", "writes"),
    [
        # `a`, `i` and `c` take the lines that end with `\`, and one more, as text
        ("1a\\\n/\nr .env", [".env"], []),
        ("1i\\\ntext\\\nw x\nw y", [], ["y"]),
        ("$c\\\n/\nw out", [], ["out"]),
        # GNU sed ends a label at a blank too: the command after it runs
        (":a r .env", [".env"], []),
        ("b lab w x", [], ["x"]),
        ("t x;T y w z", [], ["z"]),
        # GNU sed takes blanks between an `s` command's flags
        ("s/x/y/ i w out", [], ["out"]),
        # a regex not closed: sed refuses the script, and no reading of it hides what follows
        ("s/a\nw x", [], ["x"]),
        ("/[[:a/p\nr f", ["f"], []),
    ],
)
def test_sed_script_files(script: str, reads: list[str], writes: list[str]) -> None:
    found: tuple[list[str], list[str]] = ([], [])
    for brackets in (True, False):
        _facts._sed_script_files(script, *found, brackets)
    assert (list(dict.fromkeys(found[0])), list(dict.fromkeys(found[1]))) == (reads, writes)


@pytest.mark.parametrize(
    "script",
    [
        '";\\q"' * 6_000,  # a delimiter of its own, escaped every time
        ";s/\\/" * 6_000,  # an `s` command never closed
        ";/\\/" * 6_000,  # an address never closed
        ";s/[/" * 6_000,  # a bracket never closed
        ";/[[:a/" * 6_000,  # a class never closed
        ":a\n" * 6_000,  # labels
        "p;" * 12_000,
        "a x\n" * 6_000,
        "s/a/b/;" * 4_000,
        "/[/]/p;" * 4_000,
        "1a\\\n" * 10_000,  # text, each line escaped
        "s/\\\n" * 10_000,  # an `s` never closed, across escaped line ends
        "[\nw x;\n" * 4_000,
    ],
)
def test_a_sed_script_is_read_in_work_linear_in_its_length(
    script: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each regex sed would read is scanned once: a reading that started again at each `;`
    scans the rest of the script each time (18 s under `Guard.check` for 50,000 characters)."""
    scanned = [0]
    delimited, bracket_end = _facts._sed_delimited, _facts._bracket_end

    def counted(read: object) -> object:
        def scan(text: str, i: int, *rest: bool) -> int:
            end = read(text, i, *rest)  # type: ignore[operator]
            scanned[0] += (~end if end < 0 else end) - i
            return end  # type: ignore[no-any-return]

        return scan

    monkeypatch.setattr(_facts, "_sed_delimited", counted(delimited))
    monkeypatch.setattr(_facts, "_bracket_end", counted(bracket_end))
    reads: list[str] = []
    writes: list[str] = []
    for brackets in (False, True):
        _facts._sed_script_files(script, reads, writes, brackets)
    assert scanned[0] <= 2 * 2 * len(script)  # two readings; a bracket's scan is its regex's too
