"""Programs that start a command elsewhere: a terminal session, a job queue, parallel workers.

`tmux` and `screen` run a command in a new window (`tmux new -d 'cmd'`, `screen -dm cmd`) and
type keys into one (`tmux send-keys`, `screen -X stuff`: code not shown); `at` and `batch`
queue a script read from stdin; GNU `parallel` runs a command template once per input.
`sem` queues one for parallel's workers; a terminal emulator (`xterm -e cmd`) runs one in a
new window, `watchexec` and `nodemon` again on each change of a file. `tmux`, `at` and
`parallel` keep their own command as written (it starts a session or a job, or reads
commands), then add what they run; the others are wrappers of the command they run.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._options import (
    Options,
    Permuted,
    Result,
    aliases,
    given,
    options,
    plain_shell,
    read_options,
    read_permuted,
    run_after,
    set_env,
)
from ._parsed import Word
from ._programs import reads_stdin

if TYPE_CHECKING:
    from ._unwrap import _Unwrapper


_TMUX_GLOBAL = options("c f L S T", "2 C D l N u U v V")
# fmt: off
_TMUX_RUNS: dict[str, tuple[str, Options]] = {
    "new-session": ("new", options("c e f F n s t x y", "A d D E P X")),
    "new-window": ("neww", options("c e F n t", "a b d k P S")),
    "split-window": ("splitw", options("c e F l p t", "b d f h I P v Z")),
    "respawn-pane": ("respawnp", options("c e t", "k")),
    "respawn-window": ("respawnw", options("c e t", "k")),
    "display-popup": ("popup", options("b c d e h s S t T w x y", "B C E k N")),
    "run-shell": ("run", options("c d s t", "b C E")),
    "pipe-pane": ("pipep", options("t", "I O o")),
    "if-shell": ("if", options("t", "b F")),
}
"""tmux commands that run a shell command: name, alias and options."""
_TMUX_HIDDEN = {
    "send-keys": "send", "paste-buffer": "pasteb", "source-file": "source", "bind-key": "bind",
    "set-hook": "", "command-prompt": "", "confirm-before": "confirm", "display-menu": "menu",
}
"""tmux commands whose code is not shown: keys typed into a pane (`send-keys 'rm -rf ~' Enter`),
a file of commands, commands run later (bindings, hooks, prompts)."""
_TMUX_SETENV = options("t", "F g h r u")
_TMUX_OPTIONS = {"set-option": "set", "set-window-option": "setw"}
"""`set -g default-command X`: code for every new pane when the option holds a command."""
_TMUX_QUIET = aliases(
    "attach-session:attach detach-client:detach has-session:has kill-server: kill-session: "
    "kill-window:killw kill-pane:killp list-sessions:ls list-windows:lsw list-panes:lsp "
    "list-clients:lsc list-commands:lscm list-keys:lsk list-buffers:lsb capture-pane:capturep "
    "display-message:display show-options:show show-window-options:showw show-environment:showenv "
    "set-environment:setenv show-buffer:showb save-buffer:saveb delete-buffer:deleteb set-buffer:setb "
    "load-buffer:loadb rename-session:rename rename-window:renamew select-window:selectw "
    "select-pane:selectp select-layout:selectl resize-pane:resizep resize-window:resizew "
    "switch-client:switchc refresh-client:refresh start-server:start wait-for:wait swap-pane:swapp "
    "swap-window:swapw move-window:movew move-pane:movep link-window:linkw unlink-window:unlinkw "
    "break-pane:breakp join-pane:joinp last-window:last last-pane:lastp next-window:next "
    "previous-window:prev next-layout:nextl previous-layout:prevl rotate-window:rotatew "
    "clear-history:clearhist copy-mode: choose-tree: choose-client: choose-buffer: "
    "display-panes:displayp find-window:findw lock-server:lock lock-session:locks lock-client:lockc "
    "suspend-client:suspendc show-messages:showmsgs unbind-key:unbind clock-mode: customize-mode: "
    "server-access: show-prompt-history:showphist clear-prompt-history:clearphist send-prefix:"
)
"""tmux commands that run no code."""
# fmt: on
_TMUX_ALIASES = {**_TMUX_HIDDEN, **_TMUX_OPTIONS, **_TMUX_QUIET, **{n: a for n, (a, _) in _TMUX_RUNS.items()}}
_TMUX_NAMES = {**{n: n for n in _TMUX_ALIASES}, **{a: n for n, a in _TMUX_ALIASES.items() if a}}
"""Each tmux command by its name and its alias."""


def tmux(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`tmux [-c CMD] [options] [command [args]] [; command...]`: the shell commands of
    `new-session`, `new-window`, `split-window`, `respawn-*`, `display-popup`, `run-shell`,
    `pipe-pane`, `if-shell` and the global `-c`; keys sent to a pane, commands read in control
    mode and the shell commands of formats (`#(cmd)`) are code not shown."""
    read = read_options(words[1:], _TMUX_GLOBAL)
    hidden = read.unknown or any(not f.static or f.value != "/dev/null" for f in given(read, "f"))
    # control mode (`-C`) reads tmux commands from stdin; a format's `#(cmd)` runs cmd
    hidden = hidden or read.flag("C") or any("#(" in w.value for w in words[1:])
    codes: list[Word] = list(given(read, "c"))
    argvs: list[list[Word]] = []
    env: list[Word] = []
    for command in _tmux_commands(words[1 + read.start :]):
        hidden = _tmux_command(command, codes, argvs, env) or hidden
    u.dynamic = u.dynamic or hidden
    u.emit(words, runs_input=hidden)
    set_env(u, env)  # `tmux new -e A=1 cmd`: in the environment of each command tmux runs
    for code in codes:
        u.run_string(code, program)
    for argv in argvs:
        u.run_inner(argv, program)
    return None


def _tmux_commands(args: list[Word]) -> list[list[Word]]:
    """tmux's commands in its arguments, split at `;` (a word of its own or a word's end)."""
    out: list[list[Word]] = [[]]
    for word in args:
        if word.value == ";" or (word.value.endswith(";") and not word.value.endswith("\\;")):
            if word.value != ";":
                out[-1].append(Word(word.value[:-1], word.static))
            out.append([])
        else:
            out[-1].append(word)
    return [c for c in out if c]


def _tmux_command(command: list[Word], codes: list[Word], argvs: list[list[Word]], env: list[Word]) -> bool:
    """Add the shell commands one tmux command runs, and the assignments of its `-e`; True
    if it runs code not shown."""
    name = _tmux_name(command[0])
    if name is None or name in _TMUX_HIDDEN:
        return True
    if name == "set-environment":  # `setenv -g A 1`: in the environment of the panes after it
        read = read_options(command[1:], _TMUX_SETENV)
        operands = command[1 + read.start :]
        if operands and not read.flag("u", "r"):
            value = operands[1] if len(operands) > 1 else Word("")
            env.append(Word(f"{operands[0].value}={value.value}", operands[0].static and value.static))
        return read.unknown
    if name in _TMUX_QUIET:
        return False
    if name in _TMUX_OPTIONS:
        return any(not w.static or re.search("command|shell|hook", w.value) for w in command[1:])
    read = read_options(command[1:], _TMUX_RUNS[name][1])
    env += given(read, "e")
    operands = command[1 + read.start :]
    if name == "if-shell":  # shell-command tmux-command [tmux-command]
        if operands and not read.flag("F"):
            codes.append(operands[0])
        return read.unknown or len(operands) > 1
    if name == "run-shell" and read.flag("C"):
        return True  # -C: the operand is a tmux command
    if len(operands) == 1:
        codes.append(operands[0])
    elif operands:
        argvs.append(operands)
    return read.unknown


def _tmux_name(word: Word) -> str | None:
    """The tmux command a word names: exactly, by alias, or by a prefix of one name only."""
    if not word.static:
        return None
    name = _TMUX_NAMES.get(word.value)
    if name is not None:
        return name
    found = {n for n in _TMUX_NAMES.values() if n.startswith(word.value)} if word.value else set()
    return found.pop() if len(found) == 1 else None


_SCREEN_VALUES = frozenset("cehpsStT")
_SCREEN_FLAGS = frozenset("aAdDfiLlmOqrRUvxw46")
_SCREEN_WORDS = {"-ls": "stop", "-list": "stop", "-wipe": "stop", "-v": "stop", "-Logfile": "value",
                 "-fn": "flag", "-fa": "flag", "-ln": "flag"}  # fmt: skip


def screen(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`screen [-dmS name ...] cmd args`: the command of a new window; `-X`/`-Q` send screen
    commands (`-X stuff` types keys) and `-c FILE` reads some: code not shown."""
    args = words[1:]
    i, hidden = 0, False
    while i < len(args) and args[i].static and args[i].value.startswith("-"):
        a = args[i].value
        i += 1
        if a == "--":
            break
        kind = _SCREEN_WORDS.get(a)
        if kind == "stop":
            return words
        if kind is not None:
            i += kind == "value"
            continue
        step, hide = _screen_cluster(a, args, i)
        i, hidden = i + step, hidden or hide
    return run_after(u, program, words, args[i:], hidden) if args[i:] else _shown(u, words, hidden)


def _screen_cluster(a: str, args: list[Word], i: int) -> tuple[int, bool]:
    """(words taken after the cluster `a`, whether it hides code) for one screen option word."""
    for k, ch in enumerate(a[1:], start=2):
        if ch in "XQ":
            return len(args) - i, True  # the rest is a screen command
        if ch in _SCREEN_VALUES:
            value = a[k:] or (args[i].value if i < len(args) else "")
            hidden = ch == "c" and value != "/dev/null"
            return (0 if a[k:] else 1), hidden
        if ch in "rRx":  # a session name may follow
            return (1 if i < len(args) and not args[i].value.startswith("-") else 0), False
        if ch not in _SCREEN_FLAGS:
            return 0, True
    return 0, False


def _shown(u: _Unwrapper, words: list[Word], hidden: bool) -> Result:
    """No command to run: `words` as they are, or as code not shown."""
    if hidden:
        u.opaque(words)
        return None
    return words


# --- programs that read a script: at, batch, parallel -------------------------------------------

_AT = options("q f t u", "V m M v b K o", stops="l r d c")


def at(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`at TIME`/`batch`: the job is a shell script read from stdin (a heredoc is read as one),
    or from `-f FILE`, a pipe or a `<` redirection: code not shown."""
    read = read_options(words[1:], _AT)
    if read.stop:
        return words
    raw = u.raw
    from_file = any(not f.static or not reads_stdin(f.value) for f in given(read, "f"))
    redirected = any(r.op == "<" and not r.writes for r in raw.redirects)
    hidden = read.unknown or from_file or (raw.stdin_text is None and (raw.piped or redirected))
    echoed = u.echoed_script() if raw.piped and raw.stdin_text is None else None
    u.dynamic = u.dynamic or hidden
    u.emit(words, runs_input=hidden)
    if raw.stdin_text is not None:
        u.nested(raw.stdin_text, program, None)
    elif echoed is not None:
        u.nested(echoed, program, None)
    return None


# fmt: off
_PARALLEL = options(
    "j jobs P max-procs a arg-file d delimiter E eof I n max-args N L max-lines colsep C S sshlogin "
    "sshloginfile slf results res joblog tmpdir tag-string tagstring delay timeout env workdir wd "
    "basefile bf return transferfile tf halt halt-on-error retries memfree memsuspend load nice profile "
    "J block blocksize block-size s max-chars trim header termseq sqlmaster sqlworker sqlandworker group-by "
    "i replace e eof-str l",
    "k keep-order q quote X xargs m u ungroup line-buffer lb tag pipe pipepart v verbose dry-run dryrun "
    "null 0 eta progress bar t group no-notice will-cite r no-run-if-empty silent files shuf fg bg nonall "
    "onall plus compress linebuffer",
    stops="version V help h number-of-cpus number-of-cores number-of-threads number-of-sockets "
          "max-line-length-allowed bibtex citation record-env session end-session",
)
# fmt: on
"""GNU parallel's options. Getopt::Long gives an option with an optional value (`-i`, `-e`,
`--replace`, `-l`) the next word: `parallel -i echo rm x ::: a` runs `rm x`."""
_SOURCES = frozenset({":::", ":::+", "::::", "::::+"})
_REPLACEMENT = re.compile(r"\{[^}\s]*\}")
"""GNU parallel's replacement strings (`{}`, `{.}`, `{/}`, `{1}`...)."""
_MAX_INPUTS = 16
"""Inputs of `parallel CMD ::: ...` read as one command each; more run as a template."""
_SAFE = re.compile(r"[\w@%+=:,./~-]+")


def parallel(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`parallel [options] CMD ::: ARGS`: the command template runs through the shell with each
    input put in (or appended); with no template, each input is a command; inputs from stdin
    are known where a heredoc, a here-string or a static `echo` gives them, those from files
    are not, and with no template such inputs are code not shown."""
    read = read_options(words[1:], _PARALLEL)
    if read.stop:
        return words
    rest = words[1 + read.start :]
    cut = next((i for i, w in enumerate(rest) if w.value in _SOURCES), len(rest))
    template, sources = _replaced(rest[:cut], given(read, "I", "i", "replace")), rest[cut:]
    from_file = bool(given(read, "a", "arg-file")) or any(w.value in ("::::", "::::+") for w in sources)
    inputs = None if from_file else _parallel_inputs(sources)
    if inputs is None and not sources and not from_file:  # `parallel cat <<< F`: each line of stdin
        text = u.stdin_names()
        if text is not None:
            inputs = [[Word(line)] for line in text.splitlines() if line.strip()] or None
    quoted = read.flag("q", "quote")
    perl = any("{=" in w.value for w in template)
    many = inputs is not None and len(inputs) > _MAX_INPUTS
    hidden = read.unknown or perl or from_file or many or (not template and not inputs)
    u.dynamic = u.dynamic or hidden
    u.emit(words, runs_input=hidden)
    if not template:
        for line in (inputs or [])[:_MAX_INPUTS]:
            u.run_string(Word(" ".join(w.value for w in line), all(w.static for w in line)), program)
        return None
    _parallel_template(u, program, template, inputs, quoted)
    return None


def _replaced(template: list[Word], strings: list[Word]) -> list[Word]:
    """The template with a replacement string of `-I XX`/`--replace=XX` spelt `{}`."""
    for string in strings:
        if not string.static:
            return [Word(w.value, False) for w in template]
        if string.value and string.value != "{}":
            template = [Word(w.value.replace(string.value, "{}"), w.static) for w in template]
    return template


def _parallel_inputs(sources: list[Word]) -> list[list[Word]] | None:
    """The argument lists of `::: a b ::: c d` (each combination of one value per source, a
    `:::+` source paired with the one before), None with none (stdin) or too many to list."""
    if not sources:
        return None
    groups: list[tuple[bool, list[Word]]] = []  # (paired with the source before, values)
    for w in sources:
        if w.value in _SOURCES:
            groups.append((w.value == ":::+" and bool(groups), []))
        else:
            groups[-1][1].append(w)
    combos: list[list[Word]] = [[]]
    for linked, values in groups:
        if linked:  # `:::+`: the n-th value joins the n-th combination
            combos = [[*c, v] for c, v in zip(combos, values, strict=False)]
            continue
        combos = [[*c, v] for c in combos for v in values]
        if len(combos) > _MAX_INPUTS:
            return combos[: _MAX_INPUTS + 1]
    return combos


def _parallel_template(
    u: _Unwrapper, program: str, template: list[Word], inputs: list[list[Word]] | None, quoted: bool
) -> None:
    """Run the template once per known argument list (up to `_MAX_INPUTS`), else once as it
    is, its commands dynamic with what `{}` stands for."""
    text = " ".join(w.value for w in template)
    known = inputs is not None and len(inputs) <= _MAX_INPUTS and all(w.static for c in inputs for w in c)
    if not all(w.static for w in template) or quoted:
        u.dynamic = True
        u.run_inner(template, program)
        return
    if known and inputs is not None:
        for combo in inputs:
            line = _fill(text, [w.value for w in combo])
            if line is not None:
                u.run_string(Word(line), program)
                continue
            known = False
            break
        if known:
            return
    fills = [w.value for c in inputs or [] for w in c]
    u.run_string(Word(text), program, fills=fills or ["<stdin>"])


def _fill(text: str, values: list[str]) -> str | None:
    """`text` with `{}` replaced by the arguments `values` (or them appended) and `{N}` by
    the N-th, quoted as parallel quotes them; None if another replacement string is in it."""
    args = [v if _SAFE.fullmatch(v) else shlex.quote(v) for v in values]
    found = set(_REPLACEMENT.findall(text))
    if not found:
        return " ".join([text, *args])
    for string in found:
        n = string[1:-1]
        if string == "{}":
            text = text.replace(string, " ".join(args))
        elif n.isdigit() and 0 < int(n) <= len(args):
            text = text.replace(string, args[int(n) - 1])
        else:
            return None
    return text


_SEM = options(
    "id semaphorename st semaphoretimeout " + " ".join(sorted(_PARALLEL.values)),
    "fg bg wait W semaphore " + " ".join(sorted(_PARALLEL.flags or ())),
    stops=" ".join(sorted(_PARALLEL.stops)),
)
"""`sem` (`parallel --semaphore`): parallel's options and those of its queue."""


def sem(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`sem [options] cmd args`: the words joined run through the shell, once a slot of the
    semaphore is free (`sem --wait` runs none)."""
    read = read_options(words[1:], _SEM)
    command = words[1 + read.start :]
    if read.stop or not command:
        return _shown(u, words, read.unknown)
    if read.unknown:
        u.opaque(words)
    if read.flag("q", "quote"):  # `sem -q sh -c 'rm x'`: each word quoted, run as it is
        return run_after(u, program, words, command, False)
    u.run_string(_joined(command), program)
    return None


def _joined(words: list[Word]) -> Word:
    """Words a program joins with blanks into one shell string (`sem`, `nodemon`)."""
    return Word(" ".join(w.value for w in words), all(w.static for w in words))


# --- terminals and watchers: a command run in a new window, or again on each change ------------------


@dataclass(frozen=True, slots=True)
class Terminal:
    """A terminal emulator that runs a command in its window instead of the user's shell."""

    options: Options
    """Its options; `rest` ones take the command and its arguments (`xterm -e cmd args`)."""
    line: frozenset[str] = frozenset()
    """Options whose value is one command line (`gnome-terminal -e 'cmd args'`)."""
    files: frozenset[str] = frozenset()
    """Options naming a file of commands (`konsole --tabs-from-file`): not shown."""
    trailing: bool = False
    """A last operand is the program to run (`xterm htop`)."""
    operands: bool = False
    """The first operand and the words after it are the command (`kitty cmd args`): the options
    come before it."""


# fmt: off
_XTERM = Terminal(options(
    "bg fg bd bw b cc class cr display fa fb fd fi fn fs fw fx geometry hc into kt lf li mc ms name nb "
    "selbg selfg ti tm tn title T n uc xrm ziconbeep borderwidth bcf bcn sl xtf report-charclass "
    "baudrate w",
    "132 ah ai aw bc bdc cb cjk_width cm cu dc fbb fbx hf hm hold ic im iconic j k8 l leftbar ls "
    "maximized mb mesg mk_width nul pc pob rightbar rv rvc rw s samename sb sf si sk sm sp t tb ulc ulit "
    "ut vb wc wf C",
    stops="help version", clusters=False, rest="e"), trailing=True)
"""xterm: each option a word of its own (`-fa`, `+ls` turns one off); `-e` is the last."""
_URXVT = Terminal(options(flags=None, clusters=False, rest="e"))
"""rxvt-unicode: options as xterm's, many; `-e` is the last, nothing else runs a command."""
_FOOT = Terminal(options(
    "c config o override f font t term T title a app-id toplevel-tag D working-directory "
    "w window-size-pixels W window-size-chars d log-level E client-environment",
    "C check-config m maximized F fullscreen L login-shell H hold p print-pid S log-no-syslog e "
    "N no-wait",
    optional="s server server-socket l log-colorize", stops="h help v version"),
    files=frozenset({"c", "config", "o", "override"}), operands=True)
"""foot (and footclient): getopt, stopping at the first operand, the command; `-e` is ignored."""
_WEZTERM_START = Terminal(options(
    "cwd class workspace position domain", "no-auto-connect always-new-process new-tab attach",
    stops="h help", short_equals=True), operands=True)
"""`wezterm start [options] [--] cmd args`: the command after the options."""
_WEZTERM_GLOBAL = options("config-file config", "n skip-config", stops="h help V version", short_equals=True)
_WEZTERM_QUIET = frozenset({"ls-fonts", "show-keys", "imgcat", "set-working-directory", "shell-completion",
                            "help", "record", "replay"})  # fmt: skip
"""wezterm's subcommands that run no command of their own."""
TERMINALS: dict[str, Terminal] = {
    "xterm": _XTERM,
    "uxterm": _XTERM,
    # the alternatives' link: every terminal it may name takes `-e cmd args`
    "x-terminal-emulator": Terminal(options(flags=None, clusters=False, rest="e")),
    "gnome-terminal": Terminal(options(
        "t title working-directory geometry zoom profile tab-with-profile tab-with-profile-internal-id "
        "window-with-profile window-with-profile-internal-id role display class name load-config "
        "save-config fd app-id e command",
        "window tab maximize full-screen active hide-menubar show-menubar wait q quiet preferences "
        "print-environment disable-factory",
        stops="help help-all help-gtk help-terminal help-window-options help-terminal-options version",
        rest="x execute"), line=frozenset({"e", "command"})),
    "konsole": Terminal(options(
        "profile workdir layout p qwindowgeometry qwindowtitle display tabs-from-file",
        "hold noclose new-tab separate nofork show-menubar hide-menubar show-tabbar hide-tabbar fullscreen "
        "notransparency background-mode builtin-profile",
        stops="help help-all v version list-profiles list-profile-properties author license",
        rest="e"), files=frozenset({"tabs-from-file"})),
    "alacritty": Terminal(options(
        "o option T title class embed working-directory config-file socket",
        "q v hold print-events ref-test daemon",
        stops="h help V version", rest="e command", short_equals=True),
        files=frozenset({"o", "option", "config-file"})),
    "kitty": Terminal(options(
        "class name T title c config o override d directory working-directory session watcher w "
        "instance-group listen-on start-as position logo logo-position logo-alpha os-window-tag "
        "app-id detached-log replay-commands",
        "1 single-instance hold detach wait-for-single-instance-window-close grab-keyboard debug-input "
        "debug-keyboard debug-rendering debug-gl debug-font-fallback dump-commands dump-bytes "
        "debug-config", stops="h help v version"),
        files=frozenset({"c", "config", "o", "override", "session", "watcher", "w", "replay-commands"}),
        operands=True),
    "foot": _FOOT,
    "footclient": _FOOT,
    "xfce4-terminal": Terminal(options(
        "T title working-directory geometry display role startup-id I icon zoom font initial-title "
        "tab-with-profile window-with-profile dynamic-title-mode color-bg color-text color-table "
        "default-display default-working-directory class e command",
        "H hold tab window drop-down fullscreen maximize minimize show-menubar hide-menubar "
        "show-borders hide-borders show-toolbar hide-toolbar show-scrollbar hide-scrollbar active-tab "
        "disable-server preferences x-sync sync",
        stops="h help V version", rest="x execute"), line=frozenset({"e", "command"})),
    "terminator": Terminal(options(
        "T title geometry l layout p profile g config working-directory i icon r role c classname "
        "debug-classes debug-methods e command",
        "m maximise maximize f fullscreen b borderless H hidden s select-layout u no-dbus d debug "
        "new-tab toggle-visibility",
        stops="h help v version list-profiles list-layouts", rest="x execute"),
        line=frozenset({"e", "command"}), files=frozenset({"g", "config", "l", "layout"})),
    "tilix": Terminal(options(
        "w working-directory p profile t title s session a action e command geometry window-style "
        "group display",
        "maximize minimize full-screen focus-window new-process quake preferences",
        stops="h help v version"),
        line=frozenset({"e", "command"}), files=frozenset({"s", "session", "a", "action"})),
    "mate-terminal": Terminal(options(
        "window-with-profile tab-with-profile window-with-profile-internal-id "
        "tab-with-profile-internal-id role t title working-directory geometry zoom profile display "
        "load-config save-config startup-id e command",
        "window tab show-menubar hide-menubar maximize full-screen disable-factory active",
        stops="h help help-all help-gtk help-terminal help-window-options help-terminal-options "
              "version", rest="x execute"),
        line=frozenset({"e", "command"}), files=frozenset({"load-config"})),
    "lxterminal": Terminal(options(
        "geometry t T title working-directory tabs", "l loginshell no-remote",
        stops="h help v version", rest="e command")),
    "st": Terminal(options("c f g n o t T w", "a i", stops="v l", rest="e"), operands=True),
    "urxvt": _URXVT,
    "urxvtc": _URXVT,
    "rxvt": _URXVT,
    "rxvt-unicode": _URXVT,
    "kgx": Terminal(options("working-directory T title e command", "tab", stops="h help version"),
                    line=frozenset({"e", "command"})),
    "ptyxis": Terminal(options(
        "x execute d working-directory tab-with-profile", "new-window tab s standalone preferences "
        "maximize fullscreen", stops="h help version P print-profiles"),
        line=frozenset({"x", "execute"})),
    "wezterm": _WEZTERM_START,
}
# fmt: on
"""Terminal emulators by program, as they read their command line."""


def terminal(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`xterm -e cmd args`, `gnome-terminal -- cmd args`, `konsole -e cmd`, `kitty cmd args`: the
    command, run in a new window (one word with blanks, as a shell string); with none, the
    user's shell, which reads the window, not this shell's stdin."""
    if program == "wezterm":
        return _wezterm(u, program, words)
    if program == "kitty" and len(words) > 1 and words[1].value[:1] in ("+", "@"):
        return _kitty_tool(u, words)
    return _terminal(u, program, words, words[1:], TERMINALS[program])


def _terminal(u: _Unwrapper, program: str, words: list[Word], args: list[Word], spec: Terminal) -> Result:
    """The command a terminal with the options `spec` runs, given its arguments `args`."""
    args = [w for w in args if not (spec.trailing and _plus(w))]  # `xterm +ls`: an option turned off
    found = _sequential(args, spec.options) if spec.operands else read_permuted(args, spec.options)
    hidden = found.read.unknown or bool(given(found.read, *spec.files))
    codes = given(found.read, *spec.line)
    command = found.command or []
    if found.command is None and spec.trailing and found.operands:
        command = found.operands[-1:]  # `xterm htop`
    hidden = hidden or any(not w.static for w in found.operands)
    if found.read.stop:
        return words
    if len(command) == 1 and " " in command[0].value:  # `xterm -e 'cmd args'`
        codes, command = [*codes, command[0]], []
    if hidden:
        u.opaque(words)
    for code in codes:
        u.run_string(code, program)
    if command:
        return run_after(u, program, words, command, False)
    return None if codes or hidden else words


def _sequential(args: list[Word], spec: Options) -> Permuted:
    """Options up to the first operand, which starts the command (`kitty [options] cmd args`)."""
    read = read_options(args, spec)
    command = list(read.tail) if read.tail is not None else args[read.start :]
    return Permuted([], command or None, read)


_KITTENS = frozenset({"icat", "diff", "themes", "show_key", "unicode_input", "clipboard", "query_terminal",
                      "choose-fonts", "choose_fonts", "notify", "hints", "transfer"})  # fmt: skip
"""kitty's own kittens that run no command given to them."""


def _kitty_tool(u: _Unwrapper, words: list[Word]) -> Result:
    """`kitty +kitten icat x.png`: one of kitty's own kittens, run as written; another kitten
    (`+kitten ssh`, a file), `+runpy CODE`, `+launch FILE`, `@ launch cmd` (remote control)
    run code not shown."""
    args = [w.value for w in words[1:]]
    if args[:1] == ["+"]:  # `kitty + kitten icat`
        args = ["+" + a for a in args[1:2]] + args[2:]
    if args[:1] == ["+kitten"] and args[1:2] and args[1] in _KITTENS and all(w.static for w in words[:4]):
        return words
    u.opaque(words)
    return None


def _wezterm(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`wezterm [options] start [options] [--] cmd args` (or `ssh HOST`, `connect DOMAIN`,
    `serial PORT`, `cli spawn`, each with a command after it): with no subcommand, the user's
    shell in a new window; `cli send-text` and a `--config` are code not shown."""
    read = read_options(words[1:], _WEZTERM_GLOBAL)
    rest = words[1 + read.start :]
    sub = rest[0].value if rest and rest[0].static else None
    hidden = read.unknown or bool(given(read, "config", "config-file"))
    if read.stop or (not rest and not hidden) or sub in _WEZTERM_QUIET:
        return words
    args = rest[1:]
    if sub == "cli":
        if not args or args[0].value != "spawn":  # `cli send-text` types into a pane
            u.opaque(words)
            return None
        args, hidden = args[1:], True  # `cli spawn`'s options not read
    elif sub in ("ssh", "connect", "serial"):  # the host, domain or port, then the command
        hidden = hidden or not args or args[0].value.startswith("-")
        args = args[1:]
    elif sub != "start":
        hidden = True
    if hidden:
        u.opaque(words)
    return _terminal(u, program, words, args, _WEZTERM_START)


def _plus(word: Word) -> bool:
    """An X toolkit option that turns one off (`+ls`, `+sb`)."""
    return word.static and len(word.value) > 1 and word.value[0] == "+"


_WATCHEXEC = options(
    "w watch W watch-non-recursive F watch-file o on-busy-update s signal stop-signal stop-timeout "
    "map-signal d debounce delay-run shell E env emit-events-to project-origin workdir e exts f filter "
    "filter-file j filter-prog i ignore ignore-file fs-events log-file wrap-process color socket",
    "r restart stdin-quit no-vcs-ignore no-project-ignore no-global-ignore no-default-ignore "
    "no-discover-ignore ignore-nothing p postpone n no-shell no-environment only-emit-events "
    "no-process-group N notify timings q quiet bell no-meta print-events v verbose k kill "
    "W watch-when-idle once",
    optional="c clear poll",
    stops="h help V version manual completions",
    short_equals=True,
)
"""watchexec's options (1.x and 2.x): `--clear` and `--poll` take an optional value."""
_OPTIONAL_VALUE = re.compile(r"(?:clear|reset|[0-9][0-9a-z.]*)")


def watchexec(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`watchexec [options] [--] cmd args`: the words run through `$SHELL -c` on each change, each
    quoted (`sh -c 'rm x'` runs `rm x`); one word is a shell string (`-n`, `--shell=none`: the
    words as they are; another `--shell`: not shown)."""
    args = _attached(words[1:])
    read = read_options(args, _WATCHEXEC)
    command = args[read.start :]
    if read.stop or not command:
        return _shown(u, words, read.unknown)
    shells = given(read, "shell")
    custom = any(not plain_shell(s) for s in shells)
    direct = read.flag("n", "no-shell") or any(s.value == "none" for s in shells)
    if read.unknown or custom:
        u.opaque(words)
    set_env(u, given(read, "E", "env"))  # `watchexec -E A=1 cmd`
    if direct:
        return run_after(u, program, words, command, False)
    if len(command) == 1:  # `watchexec 'make && ./run'`: one shell string
        u.run_string(command[0], program)
        return None
    if not all(_SAFE.fullmatch(w.value) for w in command):  # watchexec 1.x joined them with blanks
        u.run_string(_joined(command), program)
    return run_after(u, program, words, command, False)  # 2.x quotes each word for the shell


def _attached(args: list[Word]) -> list[Word]:
    """`-c reset`, `--poll 30ms` as `--clear=reset`, `--poll=30ms`: clap gives an option with an
    optional value the next word when it is one (the command never starts with it)."""
    out: list[Word] = []
    for word in args:
        last = out[-1].value if out else ""
        if word.static and last in ("-c", "--clear", "--poll") and _OPTIONAL_VALUE.fullmatch(word.value):
            out[-1] = Word(f"{'--clear' if last == '-c' else last}={word.value}")
        else:
            out.append(word)
    return out


_NODEMON = options(
    "config e ext w watch i ignore x exec d delay P polling-interval s signal cwd",
    "q quiet V verbose L legacy-watch C on-change-only I no-stdin spawn no-colors no-update-notifier "
    "exitcrash dump inspect inspect-brk",
    optional="inspect inspect-brk",
    stops="h help v version",
)


def nodemon(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`nodemon --exec CMD [script [args]]`: CMD with the script and its arguments after it runs
    through the shell on each change; without `--exec`, node runs the script."""
    read = read_options(words[1:], _NODEMON)
    codes = given(read, "x", "exec")
    if read.stop or not codes:
        return _shown(u, words, read.unknown)
    if read.unknown:
        u.opaque(words)
    rest = words[1 + read.start :]
    u.run_string(_joined([codes[-1], *rest]), program)
    return None
