"""Keys typed into a running process (Codex's `write_stdin`), read as the shell text they run.

The process is most often an interactive shell that `exec_command` started, so its input is
judged as a shell command: `rm -rf ~\\n` typed there is `rm -rf ~`. A REPL's input read as
shell text comes out as unparsed text or unknown programs, which the policies rate as they
do any such command.

What a terminal does with the keys is read conservatively:

- `\\r` and `\\r\\n` are Enter, as `\\n` is.
- The keys that stop what runs (Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\\\\) end a line: the text on
  either side of one is read as a command of its own, so nothing typed around them hides.
- Any other control key (Tab completion, Escape and arrow sequences, Ctrl-R history search,
  Ctrl-U, Ctrl-W and other line editing) changes the line the shell runs in ways the call
  does not show: the text is read with the key as a line break, and marked unreadable.
  Backspace (`\\x7f`, `\\x08`) is applied, as the line editor applies it; one that would erase
  text typed before this call is unreadable too.
- History expansion (`!!`, `!-2`, `!rm`, vim's `:!cmd`, less's `!cmd`) runs a line the call
  does not show: unreadable.
- Text left without Enter stays in the line, and the next write completes it: `r` now and
  `m -rf ~\\n` next reads as `m -rf ~`. It is unreadable, but for `q`, the key that quits a
  pager, typed alone: then only `q` can begin the next line.

An empty write (Codex polls a running process with `chars: ""`) and stop keys alone type no
command at all.
"""

from __future__ import annotations

import re

STOP_KEYS = frozenset("\x03\x04\x1a\x1c")
"""Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\\: interrupt, end of input, suspend, quit."""

BACKSPACE_KEYS = frozenset("\x7f\x08")

LONE_KEYS = frozenset({"q"})
"""Text that may be typed without Enter and still be read: the key that quits a pager."""

_HISTORY = re.compile(r"!(?![\s=(]|$)")
"""A `!` that bash's history expansion (or an editor's or pager's shell escape) acts on."""


def typed_text(chars: str) -> tuple[str, str]:
    """The shell text the keys `chars` run, and why it cannot be told ("" when it can)."""
    lines: list[str] = []
    line: list[str] = []
    problems: list[str] = []
    for ch in chars.replace("\r\n", "\n"):
        if ch in BACKSPACE_KEYS:
            if line:
                line.pop()
            else:
                problems.append("a backspace erases text typed before")
        elif ch == "\n" or ch == "\r" or ch in STOP_KEYS:
            lines.append("".join(line))
            line = []
        elif _is_control(ch):
            problems.append(f"the key {ch!r} edits or recalls the line")
            lines.append("".join(line))
            line = []
        else:
            line.append(ch)
    rest = "".join(line)
    text = "\n".join([*lines, rest]) if lines else rest
    if any(_HISTORY.search(part) for part in (*lines, rest)):
        problems.append("history expansion (`!`) runs a line the call does not show")
    if rest.strip() and rest.strip() not in LONE_KEYS:
        problems.append("text typed without Enter: the next write completes the line")
    return text, "; ".join(dict.fromkeys(problems))


def _is_control(ch: str) -> bool:
    """C0 and C1 control characters (a terminal may read `\\x9b` as an escape sequence)."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code < 0xA0
