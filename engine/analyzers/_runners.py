"""Programs that run a command given in their operands, read with their own option syntax.

The wrappers of `_programs.WRAPPER_VALUE_OPTIONS` are a table of options before the command.
The programs here need more: operands before the command (`faketime TIME cmd`, `chroot DIR
cmd`), a command given as a shell string (`script -c`, `sg`, `hyperfine`, `nix-shell --run`),
a script read from stdin (`at`), a command template (`parallel`), a subcommand that runs
(`uv run`, `bundle exec`, `mise exec --`, `nix develop -c`, `perf stat`), a command per file
found (`fd -x`), or options only known by name. A reader gets the unwrapper and the command's
words and returns what `_Unwrapper.step` returns: the inner words (its name pushed on the
wrappers), the words themselves to stop, or None when it ran what they run.

Where the command cannot be located (an option not in the tables, a custom shell, an
`--entrypoint`, a program that preprocesses files as `rg --pre` does), the runner is emitted
as code not shown (`runs_input`, like text piped into a shell) and the likeliest reading
follows, dynamic: the policies ask rather than guess an allow.

Programs reached through a subcommand (`uv run`, `npx`, `op run`, `docker exec`) keep their
own command as written, then add the one they run: the facts of the runner itself (`uv run`
may download, `docker run` pulls an image) still count. A command run in a container or on
another host (`docker exec`, `kubectl exec`, `lxc exec`, `vagrant ssh -c`, `systemd-nspawn`)
is read as `ssh host cmd` is: as if it ran here (its `rm -rf /` wipes a root all the same,
and a mount may make it the host's), without this shell's environment (`run_elsewhere`).
Version managers, secret injectors and dev shells are in `_toolchains.py`, containers and
other hosts in `_elsewhere.py`, terminal emulators, watchers, job queues and `parallel` in
`_jobs.py`, the reading of options in `_options.py`, a shell's reading of its own in
`_shells.py`.

A hook call pays for every module it imports, and most commands use no runner: the unwrapper
imports this module (and with it the modules above) on the first command that does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._elsewhere import (
    COMPOSE_GLOBAL,
    DOCKER_GLOBAL,
    IP,
    KUBECTL,
    LXC,
    PODMAN_GLOBAL,
    VAGRANT,
    container,
    distrobox,
    exec_in,
    ip,
    vagrant,
)
from ._jobs import TERMINALS, at, nodemon, parallel, screen, sem, terminal, tmux, watchexec
from ._options import (
    Options,
    Read,
    Result,
    after_runner,
    given,
    names,
    options,
    plain_shell,
    read_options,
    read_permuted,
    run_after,
    run_elsewhere,
    set_env,
)
from ._parsed import Word
from ._programs import RUN_OPTIONS
from ._toolchains import CHAMBER, DOTENVX, MISE, NIX, chamber, dotenvx, mise, nix, nix_shell

if TYPE_CHECKING:
    from ._unwrap import _Unwrapper

Reader = Callable[["_Unwrapper", str, list[Word]], Result]


# --- programs that run their operands as a command ------------------------------------------


@dataclass(frozen=True, slots=True)
class Wrapper:
    """A program that runs the command after its options and `operands` operands."""

    options: Options
    operands: int = 0
    numeric: bool = False
    """The operand before the command is a number, and may be left out (`chrt [PRIO] cmd`)."""
    env: frozenset[str] = frozenset({"env"})
    """Options whose value is an assignment in the command's environment (`firejail --env=A=1`)."""
    elsewhere: bool = False
    """The command runs in a container, without this shell's environment (see `run_elsewhere`)."""
    files: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None
    """Options that name a file it reads, one it writes, and the directory the command runs
    in (see `_Unwrapper.files`): `valgrind --log-file=F`, `unshare --wd=D`."""


# fmt: off
WRAPPERS: dict[str, Wrapper] = {
    # libfaketime: each option a word of its own, up to the first other word (the timestamp,
    # which may start with `-`); then the command
    "faketime": Wrapper(options("p date-prog", "m f exclude-monotonic disable-shm h ? help v version",
                                 stops="h ? help v version", clusters=False, ends=True), operands=1),
    # firejail and valgrind: every option one word, values after `=`
    "firejail": Wrapper(options("env", flags=None, equals=True)),
    "valgrind": Wrapper(
        options("log-file xml-file suppressions", flags=None, equals=True),
        files=(frozenset({"suppressions"}), frozenset({"log-file", "xml-file"}), frozenset()),
    ),
    "catchsegv": Wrapper(options(flags="help version", clusters=False, stops="help version")),
    "torsocks": Wrapper(options("u user p pass a address P port", "i isolate d debug q quiet",
                                 stops="shell help h version", clusters=False)),
    "systemd-run": Wrapper(options(
        "u unit p property H host M machine E setenv C capsule description slice uid gid nice "
        "working-directory on-active on-boot on-startup on-unit-active on-unit-inactive on-calendar "
        "timer-property path-property socket-property service-type expand-environment background json",
        "h help version r remain-after-exit t pty P pipe q quiet G collect d same-dir S shell user system "
        "scope no-block wait send-sighup no-ask-password on-clock-change on-timezone-change slice-inherit "
        "v verbose ignore-failure",
        stops="S shell help version")),
    "dbus-run-session": Wrapper(options("config-file dbus-daemon", "help version", clusters=False,
                                         stops="help version")),
    "ssh-agent": Wrapper(options("a E O P t", "c D d k s", stops="k D d")),
    "fakeroot": Wrapper(options("l lib f faked i s b fd-base", "u unknown-is-real v version h help",
                                 stops="v version h help")),
    "nsenter": Wrapper(options(
        "t target S setuid G setgid env-file",
        "a all F no-fork Z follow-context c join-cgroup e env user-parent preserve-credentials keep-caps "
        "h help V version",
        optional="m mount u uts i ipc n net p pid C cgroup U user T time r root w wd"),
        files=(frozenset(), frozenset(), frozenset({"w", "wd"}))),
    "unshare": Wrapper(options(
        "S setuid G setgid R root w wd l load-interp propagation setgroups monotonic boottime map-user "
        "map-group map-users map-groups",
        "f fork r map-root-user c map-current-user keep-caps map-auto h help V version",
        optional="m mount u uts i ipc n net p pid C cgroup T time U user kill-child mount-proc "
                 "mount-binfmt"), files=(frozenset(), frozenset(), frozenset({"w", "wd"}))),
    "chroot": Wrapper(options("userspec groups", "skip-chdir help version", stops="help version"),
                      operands=1),
    "chrt": Wrapper(options(
        "T sched-runtime P sched-period D sched-deadline",
        "a all-tasks b batch d deadline e ext f fifo i idle o other r rr R reset-on-fork v verbose "
        "h help V version p pid m max",
        stops="p pid m max h help V version"), operands=1, numeric=True),
    "numactl": Wrapper(options(
        "i interleave p preferred m membind N cpunodebind C physcpubind P preferred-many w "
        "weighted-interleave c cpubind",
        "l localalloc a all b balancing t strict",
        stops="s show H hardware V version h help")),
    "prlimit": Wrapper(options(
        "p pid o output",
        "noheadings raw verbose h help V version",
        optional="c core d data e nice f fsize i sigpending l memlock m rss n nofile q msgqueue r rtprio "
                 "s stack t cpu u nproc v as x locks y rttime")),
    "setpriv": Wrapper(options(
        "inh-caps ambient-caps bounding-set groups regid reuid ruid euid rgid egid securebits pdeathsig "
        "selinux-label apparmor-profile landlock-access landlock-rule ptracer",
        "nnp no-new-privs keep-groups clear-groups init-groups reset-env h help V version d dump",
        stops="d dump h help V version")),
    "runcon": Wrapper(options("r role t type u user l range", "c compute h help V version",
                               stops="h help V version"), operands=1),
    "xvfb-run": Wrapper(options("e error-file f auth-file n server-num p xauth-protocol s server-args "
                                 "w wait", "a auto-servernum d auto-display h help l listen-tcp",
                                 stops="h help")),
    # sshpass hands a password to the command it runs (`sshpass -p x ssh host cmd`)
    "sshpass": Wrapper(options("f d p P", "v h V", optional="e", stops="h V")),
    # a container: `-b` boots its init (the operands are init's), with no command its shell
    "systemd-nspawn": Wrapper(options(
        "D directory template i image image-policy oci-bundle root-hash root-hash-sig verity-data "
        "pivot-root u user chdir E setenv M machine hostname uuid S slice property register "
        "notify-ready suppress-sync no-new-privileges private-users-ownership network-interface "
        "network-macvlan network-ipvlan network-veth-extra network-bridge network-zone "
        "network-namespace-path p port capability drop-capability ambient-capability system-call-filter "
        "rlimit oom-score-adjust cpu-affinity personality resolv-conf timezone link-journal bind bind-ro "
        "inaccessible tmpfs overlay overlay-ro console kill-signal load-credential set-credential "
        "import-credential settings bind-user Z selinux-context L selinux-apifs-context",
        "h help version q quiet b boot a as-pid2 x ephemeral read-only keep-unit private-network "
        "n network-veth U j P pipe no-pager private-users-chown cleanup",
        optional="volatile private-users",
        stops="h help version b boot cleanup"), env=frozenset({"E", "setenv"}), elsewhere=True),
    # init processes of containers, and wrappers that change how the command runs: what it
    # does to the files it is given is done here
    "dumb-init": Wrapper(options("r rewrite", "c single-child v verbose h help V version",
                                  stops="h help V version")),
    "tini": Wrapper(options("e p", "s v w g h l", stops="h l")),
    "eatmydata": Wrapper(options()),
    "chpst": Wrapper(options("u U b e / n l L m d o p f c r t", "v P 0 1 2", clusters=False)),
    "systemd-inhibit": Wrapper(options("what who why mode", "h help version no-ask-password no-pager "
                                        "no-legend", stops="h help version list")),
    "env-cmd": Wrapper(options("f file r rc-file e environments", "fallback no-override silent "
                                "expand-envs verbose x h help v version", stops="h help v version")),
    # sandboxes: a bind of `/` or of the home lets the command reach them (`--overlay`, with
    # three values, is left unknown: code not shown)
    "bwrap": Wrapper(options(
        "args argv0 userns userns2 pidns uid gid hostname chdir unsetenv lock-file sync-fd remount-ro "
        "exec-label file-label proc dev tmpfs mqueue dir seccomp add-seccomp-fd block-fd userns-block-fd "
        "info-fd json-status-fd cap-add cap-drop perms size overlay-src tmp-overlay ro-overlay setenv "
        "bind bind-try dev-bind dev-bind-try ro-bind ro-bind-try bind-fd ro-bind-fd file bind-data "
        "ro-bind-data symlink chmod",
        "unshare-all share-net unshare-user unshare-user-try unshare-ipc unshare-pid unshare-net "
        "unshare-uts unshare-cgroup unshare-cgroup-try clearenv new-session die-with-parent as-pid-1 "
        "disable-userns assert-userns-disabled level-prefix help version",
        pairs="setenv bind bind-try dev-bind dev-bind-try ro-bind ro-bind-try bind-fd ro-bind-fd file "
              "bind-data ro-bind-data symlink chmod",
        stops="help version", clusters=False), env=frozenset({"setenv"})),
    "proot": Wrapper(options("r rootfs b bind m mount q qemu w pwd cwd v verbose k kernel-release "
                              "i change-id R S", "0 root-id V version h help kill-on-exit L link2symlink",
                              stops="V version h help")),
    "sandbox-exec": Wrapper(options("f n p D", clusters=False)),
}
"""Programs that run the command after their options (and operands): `faketime now cmd`."""
# fmt: on
STARTS_SHELL = names("unshare fakeroot chroot nsenter firejail script sg aws-vault systemd-nspawn")
"""Runners that, given no command, start the user's shell (`unshare -r`, `chroot DIR`), which
reads its commands from stdin (`torsocks --shell` too)."""


def wrapper(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`faketime now cmd`, `chroot DIR cmd`, `runcon CTX cmd`: the command, run by `program`."""
    spec = WRAPPERS[program]
    args = words[1:]
    read = read_options(args, spec.options)
    env = given(read, *spec.env)  # `firejail --env=A=1 cmd`
    if spec.files is not None and read.values:
        u.files(program, read.values, spec.files)
    if spec.elsewhere:
        run_elsewhere(u, env)
    else:
        set_env(u, env)
    if program == "torsocks" and read.flag("shell"):
        return u.shell_from_stdin(words, program)
    if read.stop:
        return words
    operands = spec.operands
    if program == "runcon" and (read.values or read.flag("c", "compute")):  # `runcon -t TYPE cmd`
        operands = 0
    rest = args[read.start :]
    if spec.numeric and rest and not re.fullmatch(r"[-+]?[0-9]+", rest[0].value):
        operands = 0  # `chrt --other cmd`: the priority left out
    if program in STARTS_SHELL and len(rest) == operands:
        if read.unknown:
            u.opaque(words)
            return None
        return u.shell_from_stdin(words, program)
    # `faketime $OPT 1 now cmd`: a word known only at run time before the command may be options
    hidden = read.unknown or any(not w.static for w in rest[: max(operands, 1)])
    return run_after(u, program, words, rest[operands:], hidden)


def proxychains(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`proxychains4 [-q] [-f FILE] cmd`: two options at most, told by their first letter."""
    i = 1
    for _ in range(2):
        if i >= len(words) or not words[i].static or words[i].value[:1] != "-":
            break
        letter = words[i].value[1:2]
        i += 1 if letter == "q" else 2 if letter == "f" else 0
    return run_after(u, program, words, words[i:], False)


_ENTR = options(flags="a c d n p r s x z")


def entr(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`entr [-acdnprsz] cmd`: `-s` runs its first operand through the shell; `/_` in an
    operand is the file that changed."""
    read = read_options(words[1:], _ENTR)
    rest = words[1 + read.start :]
    if not rest:
        return words
    if any("/_" in w.value for w in rest):
        u.dynamic = True
    if not read.flag("s"):
        return run_after(u, program, words, rest, read.unknown)
    if read.unknown:
        u.opaque(words)
    u.run_string(rest[0], program)
    return None


_PERF = {
    "stat": options(
        "e event o output p pid t tid C cpu r repeat x field-separator I interval-print G cgroup M metrics "
        "D delay log-fd pre post for-each-cgroup td-level interval-count timeout control",
        "a all-cpus A no-aggr B big-num c scale d detailed n null S sync v verbose T transaction q quiet "
        "j json per-socket per-core per-thread per-die per-node per-cache per-cluster metric-only topdown "
        "no-merge no-big-num append bpf-counters smi-cost summary percore-show-thread",
    ),
    "record": options(
        "e event F freq c count o output p pid t tid C cpu m mmap-pages u uid G cgroup j branch-filter "
        "r realtime D delay k clockid filter exclude-perf call-graph",
        "a all-cpus g R raw-samples i no-inherit n no-samples q quiet s stat T timestamp d data "
        "P period N no-buildid-cache B no-buildid b branch-any W weight v verbose no-bpf-event",
        optional="I intr-regs S snapshot z compression-level user-regs switch-output",
    ),
    "trace": options(
        "e expr event o output p pid t tid u uid C cpu m mmap-pages F pf duration filter-pids",
        "a all-cpus s summary S with-summary T time f force v verbose no-inherit failure sched",
    ),
    "ftrace": options(
        "t tracer p pid C cpu T trace-funcs N notrace-funcs G graph-funcs g nograph-funcs D graph-depth "
        "m buffer-size",
        "a all-cpus v verbose",
    ),
}
"""The options of the perf subcommands that run a workload (`perf stat -e x cmd`)."""
_PERF_GLOBAL = options("debugfs-dir buildid-dir debug", "p paginate P no-pager list-cmds list-opts",
                        optional="exec-path html-path")  # fmt: skip
_PERF_FILES: tuple[frozenset[str], frozenset[str], frozenset[str]] = (
    frozenset(),
    frozenset({"o", "output"}),
    frozenset(),
)
"""The file perf's `-o` writes (see `Wrapper.files`)."""
_PERF_GROUPS = frozenset({"sched", "lock", "mem", "c2c", "kmem", "kwork", "timechart", "kvm", "script"})
"""perf commands whose `record` runs a workload (`perf sched record cmd`)."""


def perf(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`perf stat|record|trace|ftrace [options] cmd` (`perf top` runs none); `--pre`/`--post`
    of `perf stat` are shell commands too."""
    read = read_options(words[1:], _PERF_GLOBAL)
    rest = words[1 + read.start :]
    if not rest or not rest[0].static:
        return words
    sub = rest[0].value
    if sub in _PERF_GROUPS:
        at = next((i for i, w in enumerate(rest) if w.value == "record"), None)
        if at is None:
            return words
        spec, rest = _PERF["record"], rest[at:]
        unknown = True  # each group has options of its own before `record`
    elif sub in _PERF:
        spec, unknown = _PERF[sub], read.unknown
    else:
        return words
    sub_read = read_options(rest[1:], spec)
    codes = given(sub_read, "pre", "post")
    u.files(program, sub_read.values, _PERF_FILES)  # `perf stat -o F cmd`: F written
    rest = rest[1 + sub_read.start :]
    if sub in ("stat", "trace") and rest and rest[0].value == "record":  # `perf stat record cmd`
        sub_read = read_options(rest[1:], spec)
        codes += given(sub_read, "pre", "post")
        u.files(program, sub_read.values, _PERF_FILES)
        rest, unknown = rest[1 + sub_read.start :], True
    for code in codes:
        u.run_string(code, program)
    return run_after(u, program, words, rest, unknown or sub_read.unknown)


# --- programs that run a shell string ----------------------------------------------------------

_SCRIPT_VALUES = "c command E echo I log-in O log-out B log-io T log-timing m logging-format o output-limit"
_SCRIPT_FLAGS = "a append e return f flush force q quiet V version h help F k r p d"
_SCRIPT = options(_SCRIPT_VALUES, _SCRIPT_FLAGS, optional="t timing")
"""util-linux `script` (and the flags of the BSD one: `script [-adeFkpqr] [-t time] [file [cmd]]`)."""
_SCRIPT_BSD = options(_SCRIPT_VALUES + " t timing", _SCRIPT_FLAGS)
"""`script` as BSD reads `-t`: the next word is its value (util-linux takes only an attached one)."""


def script(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`script -c CMD [file]` (util-linux, whose options may follow the file) runs CMD through
    the shell; `script [options] file cmd args` (BSD) runs cmd, as util-linux does after `--`.
    A bare `-t` is read both ways, the BSD reading dynamic."""
    args = words[1:]
    codes, command, unknown = _script_read(args, _SCRIPT)
    if unknown:
        u.opaque(words)
    for code in codes:
        u.run_string(code, program)
    if any(w.value == "-t" or w.value == "--timing" for w in args):
        bsd_codes, bsd_command, _ = _script_read(args, _SCRIPT_BSD)
        u.dynamic = True
        for code in bsd_codes:
            u.run_string(code, program)
        if bsd_command and bsd_command != command:
            u.run_inner(bsd_command, program)
    if command:
        u.wrappers.append(program)
        return command
    if codes or unknown:
        return None
    return u.shell_from_stdin(words, program)  # `script -q /dev/null`: an interactive shell


def _script_read(args: list[Word], spec: Options) -> tuple[list[Word], list[Word], bool]:
    """The shell strings of `-c`, the command after the file, and whether an option or a word
    known only at run time hides where it starts."""
    codes: list[Word] = []
    command: list[Word] = []
    unknown = have_file = False
    i = 0
    while i < len(args):  # GNU getopt permutes: options before and after the file
        read = read_options(args[i:], spec)
        codes += given(read, "c", "command")
        unknown = unknown or read.unknown
        i += read.start
        if i >= len(args):
            break
        if have_file or (read.start and args[i - 1].value == "--"):
            command = args[i + (0 if have_file else 1) :]
            break
        unknown = unknown or not args[i].static  # `script $O CMD file`: $O may be options
        have_file = True
        i += 1
    return codes, command, unknown


def sg(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`sg [-] GROUP [-c] CMD`: CMD (one word; what follows it is ignored) runs by `sh -c`."""
    args = words[1:]
    i = 1 if args and args[0].value in ("-", "-l") else 0
    if i >= len(args) or args[i].value.startswith("-"):
        return words  # usage error
    rest = args[i + 1 :]
    if not rest:
        return u.shell_from_stdin(words, program)  # an interactive shell
    u.run_string(rest[1] if len(rest) > 1 and rest[0].value == "-c" else rest[0], program)
    return None


_HYPERFINE = options(
    "w warmup m min-runs M max-runs r runs s setup p prepare c cleanup conclude P parameter-scan "
    "D parameter-step-size L parameter-list S shell style sort u time-unit export-asciidoc export-csv "
    "export-json export-markdown export-orgmode output input n command-name reference "
    "min-benchmarking-time",
    "N i ignore-failure show-output h help V version",
)
_HYPERFINE_CODE = frozenset({"s", "setup", "p", "prepare", "c", "cleanup", "conclude", "reference"})
_HYPERFINE_EXTRA = {"P": 2, "parameter-scan": 2, "L": 1, "parameter-list": 1}
"""Options with more than one value (`-P NAME MIN MAX`): how many follow the first."""


def hyperfine(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`hyperfine [options] CMD...`: each CMD, and `--setup`, `--prepare`, `--cleanup`,
    `--conclude`, `--reference`, is a shell string; options may come anywhere."""
    args = words[1:]
    codes: list[Word] = []
    lists: dict[str, Word] = {}
    unknown = custom = False
    i = 0
    while i < len(args):
        read = read_options(args[i:], _HYPERFINE)
        unknown = unknown or read.unknown
        for name, value in read.values:
            if name in _HYPERFINE_CODE:
                codes.append(value)
            elif name in ("S", "shell"):
                custom = custom or not plain_shell(value)
        i += read.start
        if read.start and args[i - 1].value == "--":
            codes += args[i:]
            break
        last = read.values[-1][0] if read.values else ""
        if last in ("L", "parameter-list") and read.start and i < len(args):
            lists[read.values[-1][1].value] = args[i]  # `-L NAME a,b`
        i = min(i + (_HYPERFINE_EXTRA.get(last, 0) if read.start else 0), len(args))
        if i < len(args):
            codes.append(args[i])
            i += 1
    if unknown or custom:
        u.opaque(words)
    for code in _hyperfine_filled(codes, lists):
        u.run_string(code, program)
    return None if codes or unknown or custom else words


def _hyperfine_filled(codes: list[Word], lists: dict[str, Word]) -> list[Word]:
    """Each command with the values of `-L NAME a,b` put in for `{NAME}`, one command per
    combination (as hyperfine runs them), up to `_MAX_FILLED`; a list known only at run time
    makes the command not known either."""
    out: list[Word] = []
    for code in codes:
        filled = [code]
        for name, values in lists.items():
            if f"{{{name}}}" not in code.value:
                continue
            if not values.static:
                filled = [Word(w.value, False) for w in filled]
                continue
            filled = [
                Word(w.value.replace(f"{{{name}}}", value), w.static)
                for w in filled
                for value in values.value.split(",")
            ]
        out += filled if len(filled) <= _MAX_FILLED else [Word(code.value, False)]
    return out


_MAX_FILLED = 16
"""Commands read for one template with its values put in; with more, it is code not shown."""


# --- programs that run a command per file found ------------------------------------------------------

_FD = options(
    "d max-depth maxdepth min-depth exact-depth E exclude t type e extension S size changed-within "
    "change-newer-than newer changed-after changed-before change-older-than older o owner format "
    "batch-size ignore-file c color j threads max-buffer-time max-results base-directory path-separator "
    "search-path and",
    "H hidden no-hidden I no-ignore ignore no-ignore-vcs ignore-vcs no-require-git require-git "
    "no-ignore-parent no-global-ignore-file u unrestricted s case-sensitive i ignore-case g glob regex "
    "F fixed-strings a absolute-path relative-path l list-details L follow no-follow p full-path 0 print0 "
    "prune 1 q quiet has-results show-errors one-file-system mount xdev",
    optional="strip-cwd-prefix hyperlink",
    stops="h help V version gen-completions",
    rest="x exec X exec-batch",
    short_equals=True,
)
_FD_EXEC = RUN_OPTIONS["fd"]


def fd(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`fd [options] [pattern] [path...] -x cmd args [;]`: cmd runs for each entry found (`-X`:
    once for all), `{}` put in or appended; options come anywhere, the command's words up to
    `;`."""
    args = words[1:]
    if not any(w.static and _FD_EXEC.match(w.value) for w in args):
        return words  # most calls: no command to run
    found = read_permuted(args, _FD)
    command, operands, unknown = found.command or [], found.operands, found.read.unknown
    cut = next((k for k, w in enumerate(command) if w.value == ";"), None)
    if cut is not None:  # `-x cmd ; more options`
        after = read_permuted(command[cut + 1 :], _FD)
        command, operands, unknown = command[:cut], operands + after.operands, unknown or after.read.unknown
    if found.read.stop or not command:
        return words
    if unknown:
        u.opaque(words)
    else:
        u.emit(words)
    if not any(_FD_PLACEHOLDER.search(w.value) for w in command):
        command = [*command, Word("{}")]
    paths = [w.value for w in operands[1:] + given(found.read, "search-path")]
    first = len(u.exp.commands)
    u.run_inner([Word(_FD_PLACEHOLDER.sub("{}", w.value), w.static) for w in command], program)
    for cmd in u.exp.commands[first:]:
        cmd.dynamic = True
        cmd.fills = paths or ["."]
    return None


_FD_PLACEHOLDER = re.compile(r"\{(?:|\.|/|//|/\.)\}")
"""fd's placeholders (`{}`, `{.}`, `{/}`, `{//}`, `{/.}`): each a path found, spelt `{}` for the
facts, which put in what it stands for."""


_RG_VALUES = names(
    "regexp file glob iglob type type-not max-count after-context before-context context threads "
    "max-columns pre-glob type-add type-clear encoding color colors sort sortr engine path-separator "
    "ignore-file max-depth maxdepth max-filesize dfa-size-limit regex-size-limit context-separator "
    "field-context-separator field-match-separator replace hostname-bin hyperlink-format generate"
)
"""ripgrep's long options that take the next word as their value (`--regexp -- -x`)."""
_RG_LETTERS = frozenset("efgtTmABCjMEdr")
"""ripgrep's letters that take a value, attached or the next word (`-e --pre`: a pattern)."""
_RG_PRE = RUN_OPTIONS["rg"]


def rg(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`rg --pre CMD PATTERN`: ripgrep runs CMD on each file it searches, a program whose code is
    not shown. A `--pre` word read otherwise (`rg -- --pre x`) still makes it not shown."""
    pre = _rg_pre(words[1:])
    if not pre and not any(_RG_PRE.match(w.value) for w in words[1:]):
        return words
    u.opaque(words)
    for command in pre:
        u.run_inner([command], program)
    return None


def _rg_pre(args: list[Word]) -> list[Word]:
    """The commands of ripgrep's `--pre` options, read with its options' values, up to `--`."""
    pre: list[Word] = []
    i = 0
    while i < len(args):
        word, i = args[i], i + 1
        a = word.value
        if not word.static or a[:1] != "-" or a == "-":
            continue
        if a == "--":
            break
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            if name == "pre" and (eq or i < len(args)):
                pre.append(Word(value, word.static) if eq else args[i])
                i += not eq
            elif name in _RG_VALUES and not eq:
                i += 1
            continue
        k = next((k for k, ch in enumerate(a[1:], start=2) if ch in _RG_LETTERS), None)
        if k is not None and k >= len(a):  # `-e PATTERN`: the next word is the value
            i += 1
    return pre


# --- runners reached through a subcommand ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subcommand:
    """A program whose subcommand runs a command (`uv run cmd`), or that runs one itself
    (`npx cmd`: `subcommands` empty)."""

    subcommands: frozenset[str]
    options: Options
    """The options of the program and of its running subcommand (read alike)."""
    package: bool = False
    """The command names a package, maybe with a version (`npx prettier@3`)."""
    code: frozenset[str] = frozenset()
    """Options whose value is a shell string (`npx -c 'cmd'`)."""


_UV = (
    "directory project p python color cache-dir config-file allow-insecure-host with with-editable "
    "with-requirements extra group no-group only-group package env-file index default-index i index-url "
    "extra-index-url f find-links index-strategy keyring-provider resolution prerelease fork-strategy "
    "exclude-newer no-build-package no-binary-package refresh-package reinstall-package P upgrade-package "
    "link-mode C config-setting python-preference python-platform from max-recursion-depth"
)
_UV_FLAGS = (
    "q quiet v verbose n no-cache offline no-progress isolated no-sync locked frozen all-extras no-dev dev "
    "no-default-groups all-groups all-packages active no-active no-project no-config no-editable exact "
    "inexact refresh U upgrade reinstall no-build no-binary no-env-file m module s script gui-script "
    "no-python-downloads managed-python no-managed-python preview no-preview native-tls compile-bytecode "
    "no-sources system"
)
_PYTHON_PROJECT = "C directory P project q quiet v vv vvv verbose n no-interaction ansi no-ansi no-plugins "
_PYTHON_PROJECT += "no-cache"
_NPX_VALUES = (
    "p package c call w workspace registry cache prefix userconfig loglevel node-options n node-arg "
)
_NPX_VALUES += "shell"
_NPX_FLAGS = "y yes no q quiet ignore-existing workspaces include-workspace-root always-spawn prefer-offline "
_NPX_FLAGS += "prefer-online offline silent s"
_CONDA = (
    "n name p prefix cwd a attach e env label",
    "v verbose dev debug-wrapper-scripts no-capture-output live-stream d detach clean-env",
)
# fmt: off
SUBCOMMANDS: dict[str, Subcommand] = {
    "uv": Subcommand(names("run"), options(_UV, _UV_FLAGS)),
    "uvx": Subcommand(frozenset(), options(_UV, _UV_FLAGS), package=True),
    "poetry": Subcommand(names("run"), options("C directory P project", _PYTHON_PROJECT)),
    "pipenv": Subcommand(names("run"), options("python pypi-mirror", "v verbose q quiet system")),
    "pdm": Subcommand(names("run"), options("p project venv k skip c config",
                                              "v q g global s site-packages recreate verbose quiet",
                                              stops="l list")),
    "hatch": Subcommand(names("run"), options("e env p project data-dir cache-dir", "v q verbose quiet "
                                                "interactive no-interactive color no-color")),
    "conda": Subcommand(names("run"), options(*_CONDA)),
    "rye": Subcommand(names("run"), options("pyproject", "v verbose q quiet", stops="l list")),
    "npx": Subcommand(frozenset(), options(_NPX_VALUES, _NPX_FLAGS), package=True, code=names("c call")),
    "pnpx": Subcommand(frozenset(), options("package", "c shell-mode silent s"), package=True),
    "bunx": Subcommand(frozenset(), options("p package", "bun silent verbose"), package=True),
    "npm": Subcommand(names("exec x"), options(_NPX_VALUES + " C", _NPX_FLAGS), package=True,
                      code=names("c call")),
    "pnpm": Subcommand(names("exec dlx"), options("C dir filter F package reporter resume-from",
                                                    "r recursive parallel c shell-mode silent s w "
                                                    "workspace-root no-reporter-hide-prefix report-summary")),
    "yarn": Subcommand(names("exec dlx"), options("cwd p package", "q quiet")),
    "pipx": Subcommand(names("run"), options("spec python index-url i pip-args backend",
                                               "no-cache pypackages system-site-packages v q verbose quiet"),
                       package=True),
    "direnv": Subcommand(names("exec"), options("", "")),
    "op": Subcommand(names("run"), options("env-file account config encoding session",
                                             "no-masking iso-timestamps debug cache")),
    "aws-vault": Subcommand(names("exec"), options(
        "d duration t mfa-token region backend prompt keychain pass-dir pass-cmd pass-prefix "
        "file-dir secret-service-collection",
        "n no-session json s server ec2-server ecs-server lazy stdout debug")),
    "mamba": Subcommand(names("run"), options(*_CONDA)),
    "micromamba": Subcommand(names("run"), options(*_CONDA)),
    # bundler's `exec` and its aliases; version managers' `exec` (no options of their own)
    "bundle": Subcommand(names("exec e ex exe"), options("gemfile r retry", "keep-file-descriptors "
                                                          "no-keep-file-descriptors V verbose no-color")),
    "asdf": Subcommand(names("exec"), options()),
    "rbenv": Subcommand(names("exec"), options()),
    "pyenv": Subcommand(names("exec"), options()),
    "nodenv": Subcommand(names("exec"), options()),
    "toolbox": Subcommand(names("run"), options("c container d distro r release preserve-fds log-level",
                                                  "y assumeyes v verbose log-podman")),
    # secret managers that run a command with the secrets in its environment
    "doppler": Subcommand(names("run"), options(
        "p project c config token scope api-host dashboard-host configuration config-dir passphrase mount "
        "mount-format mount-template mount-max-reads name-transformer command timeout attempts "
        "dns-resolver-address",
        "fallback-readonly fallback-only no-fallback forward-signals no-exit-on-write-failure watch debug "
        "json no-check-version no-read-env no-verify-tls silent print-config enable-dns-resolver "
        "no-prompt", optional="fallback preserve-env"), code=names("command")),
    "infisical": Subcommand(names("run"), options(
        "env path projectId projectSlug token tags watch-interval domain log-level command "
        "project-config-dir",
        "expand include-imports recursive secret-overriding watch silent telemetry"), code=names("command")),
    # readers of their own, below: the subcommand is what the unwrapper needs
    "mise": Subcommand(names("exec x"), MISE),
    "nix": Subcommand(names("develop shell run"), NIX),
    "dotenvx": Subcommand(names("run"), DOTENVX),
    "chamber": Subcommand(names("exec"), CHAMBER),
    "docker": Subcommand(names("exec run"), DOCKER_GLOBAL),
    "docker-compose": Subcommand(names("exec run"), COMPOSE_GLOBAL),
    "podman": Subcommand(names("exec run"), PODMAN_GLOBAL),
    "kubectl": Subcommand(names("exec"), KUBECTL),
    "lxc": Subcommand(names("exec"), LXC),
    "incus": Subcommand(names("exec"), LXC),
    "vagrant": Subcommand(names("ssh"), VAGRANT),
    "ip": Subcommand(names("e ex exe exec -b -batch --batch"), IP),
    "distrobox": Subcommand(names("enter"), options()),
    # project environments: a task of the project's file, or a command
    "pixi": Subcommand(names("run exec"), options(
        "e environment manifest-path m executable color s spec c channel p platform with auth-file "
        "pypi-keyring-provider concurrent-solves concurrent-downloads",
        "frozen locked q quiet v verbose clean-env force-activate no-install revalidate skip-deps "
        "no-lockfile-update force-reinstall no-modify-ps1 tls-no-verify list")),
    "devbox": Subcommand(names("run"), options("c config e env env-file environment",
                                                "q quiet pure allow-insecure omit-nix-env recompute")),
}
"""Runners whose command is an operand (of a subcommand): `uv run pytest`, `npx vitest`. Their
running subcommands are in `_programs.RUN_SUBCOMMANDS` too, for the unwrapper (`npm test`
needs no reader); a test keeps the two equal."""
# fmt: on
_OPERANDS = {"direnv": 1, "aws-vault": 1}
"""Operands before the command: `direnv exec DIR cmd`, `aws-vault exec PROFILE -- cmd`."""


def subcommand(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`uv run [options] cmd`, `npx [options] pkg args`, `op run -- cmd`...: the runner as it
    is, then the command it runs."""
    spec = SUBCOMMANDS[program]
    args, unknown, sub = words[1:], False, ""
    if spec.subcommands:
        read = read_options(args, spec.options)
        if read.stop or read.start >= len(args) or args[read.start].value not in spec.subcommands:
            return words
        sub = args[read.start].value
        if program == "pnpm" and args[read.start].value == "dlx":
            spec = SUBCOMMANDS["pnpx"]
        args, unknown = args[read.start + 1 :], read.unknown
    read = read_options(args, spec.options)
    if read.stop:
        return words
    inner, late = _subcommand_inner(program, args, read)
    unknown = unknown or late
    codes = [value for name, value in read.values if name in spec.code]
    if inner and _shell_mode(program, sub, read):  # `pnpm exec -c 'rm x'`, `yarn exec 'rm x'`
        static = all(w.static for w in inner)
        codes, inner = [*codes, Word(" ".join(w.value for w in inner), static)], []
    if spec.package and inner and inner[0].static:
        inner = [Word(_package_name(inner[0].value)), *inner[1:]]
    if program in STARTS_SHELL and not inner and not codes and not (unknown or read.unknown):
        return u.shell_from_stdin(words, program)  # `aws-vault exec PROFILE`: the user's shell
    return after_runner(u, program, words, inner, codes, unknown or read.unknown)


def _shell_mode(program: str, sub: str, read: Read) -> bool:
    """The command is a shell string: `pnpm exec -c`/`--shell-mode`, `pnpx -c`, and `yarn
    exec` (berry runs its operands as a shell script)."""
    if program in ("pnpm", "pnpx"):
        return read.flag("c", "shell-mode")
    return program == "yarn" and sub == "exec"


def _subcommand_inner(program: str, args: list[Word], read: Read) -> tuple[list[Word], bool]:
    """The command after a runner's options: its operands skipped, `uv run -m mod` and `uv run
    x.py` given their python, `hatch run ENV:cmd` its environment taken off; and whether an
    option not known hides where it starts."""
    rest = args[read.start :]
    if rest and rest[0].value == "--":
        rest = rest[1:]
    rest = rest[_OPERANDS.get(program, 0) :]
    if program == "aws-vault":  # `aws-vault exec PROFILE -d 1h -- cmd`: options after it too
        after = read_options(rest, SUBCOMMANDS[program].options)
        if after.unknown:
            return rest, True
        rest = rest[after.start - (after.start > 0 and rest[after.start - 1].value == "--") :]
    if rest and rest[0].value == "--":  # `aws-vault exec PROFILE -- cmd`
        rest = rest[1:]
    if program == "hatch":
        while rest and rest[0].static and rest[0].value[:1] in "+-" and "=" in rest[0].value:
            rest = rest[1:]  # `hatch run +py=3.12 test`: a matrix filter
        head = rest[0].value.partition(":") if rest and rest[0].static else ("", "", "")
        if head[1] and head[2] and "/" not in head[0]:
            rest = [Word(head[2]), *rest[1:]]
    if program == "uv" and rest:
        if read.flag("m", "module"):
            return [Word("python"), Word("-m"), *rest], False
        if rest[0].static and rest[0].value.endswith((".py", ".pyw")):
            return [Word("python"), *rest], False
    return rest, False


_DOTENV = options("f file e export c v p q quote", "o override no-override no-expand debug", stops="h help")
_DOTENV_ACTIONS = frozenset({"list", "set", "get", "unset"})


def dotenv(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`dotenv [-f FILE] run cmd` (python-dotenv), `dotenv [-e FILE] [--] cmd` (dotenv-cli)."""
    read = read_options(words[1:], _DOTENV)
    rest = words[1 + read.start :]
    ended = read.start > 0 and words[read.start].value == "--"
    if read.stop or not rest or (not ended and rest[0].value in _DOTENV_ACTIONS):
        return words
    unknown = read.unknown
    set_env(u, given(read, "v"))  # `dotenv -v A=1 -- cmd`
    if not ended and rest[0].value == "run":
        read = read_options(rest[1:], _DOTENV)
        rest, unknown = rest[1 + read.start :], unknown or read.unknown
        set_env(u, given(read, "v"))
    return after_runner(u, program, words, rest, [], unknown)


def _package_name(spec: str) -> str:
    """The program a package spec runs: `prettier@3` is `prettier`, `@scope/x@1` is `x`."""
    name = spec.rpartition("@")[0] if spec.rfind("@") > 0 else spec
    return name.rpartition("/")[2] or spec


# --- the table the unwrapper reads -----------------------------------------------------------------

RUNNERS: dict[str, Reader] = {
    **dict.fromkeys(WRAPPERS, wrapper),
    **dict.fromkeys(SUBCOMMANDS, subcommand),
    "proxychains": proxychains,
    "proxychains4": proxychains,
    "entr": entr,
    "perf": perf,
    "script": script,
    "sg": sg,
    "hyperfine": hyperfine,
    "tmux": tmux,
    "screen": screen,
    "at": at,
    "batch": at,
    "parallel": parallel,
    "env_parallel": parallel,
    "sem": sem,
    "dotenv": dotenv,
    "mise": mise,
    "nix": nix,
    "nix-shell": nix_shell,
    "dotenvx": dotenvx,
    "chamber": chamber,
    "docker": container,
    "docker-compose": container,
    "podman": container,
    "kubectl": exec_in,
    "lxc": exec_in,
    "incus": exec_in,
    "vagrant": vagrant,
    "ip": ip,
    "distrobox": distrobox,
    "distrobox-enter": distrobox,
    "fd": fd,
    "rg": rg,
    **{name: terminal for name in TERMINALS},
    "watchexec": watchexec,
    "nodemon": nodemon,
}
"""The reader of each program that runs a command it is given (`_Unwrapper.step` calls it).
Its names are in `_programs.RUNNER_PROGRAMS` too: the unwrapper loads this module only for a
command that uses one (a test keeps the two equal)."""
