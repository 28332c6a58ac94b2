"""Commands run in a container or on another host: `docker exec`/`run`, `podman`,
`docker-compose`, `kubectl exec`, `lxc`/`incus exec`, `vagrant ssh -c`, `ip netns exec`,
`distrobox enter`.

Part of the runners of `_runners.py` (see its docstring): loaded with it, only for a command
that uses a runner.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._options import (
    Options,
    Permuted,
    Read,
    Result,
    after_runner,
    given,
    names,
    options,
    read_options,
    read_permuted,
    run_after,
    run_elsewhere,
    then_run,
)
from ._parsed import Word

if TYPE_CHECKING:
    from ._unwrap import _Unwrapper


# --- commands run in a container or on another host --------------------------------------------
#
# `docker exec web cmd`, `kubectl exec pod -- cmd`, `vagrant ssh -c cmd` run cmd elsewhere, as
# `ssh host cmd` does: the runner is kept as written (`docker run` pulls an image), then the
# command is read as if it ran here (`rm -rf /` wipes the container's root, or the host's
# through a mount), without this shell's environment (`run_elsewhere`).

DOCKER_GLOBAL = options(
    "config c context H host l log-level tlscacert tlscert tlskey",
    "D debug tls tlsverify",
    stops="v version h help",
    short_equals=True,
)
PODMAN_GLOBAL = options(
    "c connection url identity root runroot storage-driver storage-opt log-level cgroup-manager "
    "events-backend hooks-dir network-cmd-path runtime runtime-flag tmpdir module imagestore ssh config "
    "conmon db-backend cni-config-dir network-config-dir volumepath out",
    "r remote syslog transient-store noout",
    stops="v version h help",
    short_equals=True,
)
COMPOSE_GLOBAL = options(
    "f file p project-name profile env-file project-directory ansi progress parallel",
    "compatibility dry-run all-resources verbose",
    stops="v version h help",
    short_equals=True,
)
_EXEC = "detach-keys e env env-file u user w workdir"
_RUN = (
    _EXEC + " add-host annotation a attach blkio-weight blkio-weight-device cap-add cap-drop cgroup-parent "
    "cgroupns cidfile cpu-period cpu-quota cpu-rt-period cpu-rt-runtime c cpu-shares cpus cpuset-cpus "
    "cpuset-mems device device-cgroup-rule device-read-bps device-read-iops device-write-bps "
    "device-write-iops dns dns-option dns-search domainname entrypoint expose gpus group-add health-cmd "
    "health-interval health-retries health-start-interval health-start-period health-timeout h hostname "
    "ip ip6 ipc isolation kernel-memory l label label-file link link-local-ip log-driver log-opt "
    "mac-address m memory memory-reservation memory-swap memory-swappiness mount name network net "
    "network-alias net-alias oom-score-adj pid pids-limit platform p publish pull restart runtime "
    "security-opt shm-size stop-signal stop-timeout storage-opt sysctl tmpfs ulimit userns uts v volume "
    "volume-driver volumes-from"
)
_RUN_FLAGS = (
    "d detach disable-content-trust init i interactive no-healthcheck oom-kill-disable P publish-all "
    "privileged q quiet read-only rm sig-proxy t tty"
)
_PODMAN_RUN = (
    " arch authfile cert-dir cgroup-conf cgroups chrootdirs conmon-pidfile creds decryption-key gidmap "
    "group-entry health-on-failure health-startup-cmd health-startup-interval health-startup-retries "
    "health-startup-success health-startup-timeout hostuser hosts-file image-volume init-path os "
    "passwd-entry personality pidfile pod pod-id-file preserve-fds rdt-class requires retry retry-delay "
    "sdnotify seccomp-policy secret subgidname subuidname systemd timeout tz uidmap umask unsetenv variant"
)
_PODMAN_FLAGS = " env-host http-proxy no-hosts passwd read-only-tmpfs replace rootfs tls-verify unsetenv-all"
# fmt: off
_DOCKER: dict[str, Options] = {
    "exec": options(_EXEC, "d detach i interactive privileged t tty", short_equals=True),
    "run": options(_RUN, _RUN_FLAGS, short_equals=True),
    "compose exec": options("e env index u user w workdir",
                            "d detach privileged T no-TTY i interactive t tty dry-run", short_equals=True),
    "compose run": options(
        "cap-add cap-drop entrypoint e env env-from-file l label name p publish pull u user v volume "
        "w workdir",
        "build d detach i interactive T no-TTY no-deps q quiet quiet-build quiet-pull remove-orphans rm "
        "P service-ports use-aliases t tty dry-run", short_equals=True),
}
"""The options of the docker commands that run a command in a container."""
_PODMAN: dict[str, Options] = {
    "exec": options(_EXEC + " preserve-fds preserve-fd cidfile", "d detach i interactive privileged t tty "
                    "l latest", short_equals=True),
    "run": options(_RUN + _PODMAN_RUN, _RUN_FLAGS + _PODMAN_FLAGS, short_equals=True),
}
# fmt: on
_CONTAINER_GLOBAL = {"docker": DOCKER_GLOBAL, "podman": PODMAN_GLOBAL, "docker-compose": COMPOSE_GLOBAL}
_CONTAINER_CODE = frozenset({"health-cmd", "health-startup-cmd"})
"""Options whose value is a shell string run in the container (`--health-cmd 'curl x'`)."""


def container(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`docker exec [options] CONTAINER cmd args`, `docker run [options] IMAGE [cmd args]`, their
    `container` and `compose` forms, podman's: the command, run in the container. An
    `--entrypoint` runs instead of the image's (its command the arguments): not shown."""
    args = words[1:]
    read = read_options(args, _CONTAINER_GLOBAL[program])
    i, unknown, prefix = read.start, read.unknown, "compose " if program == "docker-compose" else ""
    head = args[i].value if i < len(args) else ""
    if not prefix and head in ("container", "compose"):
        i += 1
        if head == "compose":  # `docker compose -f x.yml exec web cmd`
            compose = read_options(args[i:], COMPOSE_GLOBAL)
            i, unknown, prefix = i + compose.start, unknown or compose.unknown, "compose "
    name = prefix + (args[i].value if i < len(args) else "")
    spec = (_PODMAN if program == "podman" else _DOCKER).get(name)
    if read.stop or spec is None:
        return words
    sub = read_options(args[i + 1 :], spec)
    rest = args[i + 1 + sub.start :]
    operands = 0 if sub.flag("l", "latest") else 1
    entrypoint = given(sub, "entrypoint")
    hidden = unknown or sub.unknown or bool(entrypoint) or any(not w.static for w in rest[:operands])
    codes = [value for name, value in sub.values if name in _CONTAINER_CODE]
    inner = _on_host([*entrypoint[-1:], *rest[operands:]], _mounts(sub))
    return _run_elsewhere(u, program, words, inner, codes, hidden, given(sub, "e", "env"))


def _mounts(read: Read) -> list[tuple[str, Word]]:
    """The host directories mounted into the container, as (path inside, host path): `-v
    SRC:DST`, `--mount type=bind,src=SRC,dst=DST` (a named volume is no host path)."""
    out: list[tuple[str, Word]] = []
    for name, value in read.values:
        if name not in ("v", "volume", "mount"):
            continue
        if name == "mount":
            fields = dict(f.partition("=")[::2] for f in value.value.split(","))
            src = fields.get("source", fields.get("src", ""))
            dst = fields.get("target", fields.get("destination", fields.get("dst", "")))
        else:
            src, _, rest = value.value.partition(":")
            dst = rest.partition(":")[0]
        if src[:1] in ("/", "~", ".", "$") and dst.startswith("/"):
            out.append((dst.rstrip("/") or "/", Word(src, value.static)))
    return out


def _on_host(words: list[Word], mounts: list[tuple[str, Word]]) -> list[Word]:
    """The command's words with each path under a mount written as the host path it is
    (`cat /a/credentials` with `-v ~/.aws:/a` reads `~/.aws/credentials`), in a shell
    string too; one a mount not known statically makes dynamic (`-v $PWD:/w`)."""
    if not mounts:
        return words
    ordered = sorted(mounts, key=lambda m: -len(m[0]))
    pattern = re.compile(
        r"(?<![\w.~/$-])(" + "|".join(re.escape(dst) for dst, _ in ordered) + r")(?=/|$|[\s'\";:|&)`])"
    )
    hosts = dict(ordered)
    out = []
    for word in words:
        found = [hosts[m.group(1)] for m in pattern.finditer(word.value)]
        value = pattern.sub(lambda m: hosts[m.group(1)].value, word.value)
        out.append(Word(value, word.static and all(h.static for h in found)))
    return out


def _run_elsewhere(
    u: _Unwrapper,
    program: str,
    words: list[Word],
    inner: list[Word],
    codes: list[Word],
    hidden: bool,
    env: list[Word],
) -> Result:
    """Emit the runner `words` as they are (code not shown if `hidden`), then run its shell
    strings `codes` and the command `inner` elsewhere, with only the assignments `env`."""
    u.dynamic = u.dynamic or hidden
    u.emit(words, runs_input=hidden)
    run_elsewhere(u, env)
    return then_run(u, program, inner, codes)


KUBECTL = options(
    "n namespace context cluster kubeconfig s server user token as as-group as-uid certificate-authority "
    "client-certificate client-key request-timeout tls-server-name v vmodule log-flush-frequency cache-dir "
    "password username profile profile-output kuberc c container f filename pod-running-timeout",
    "insecure-skip-tls-verify match-server-version disable-compression warnings-as-errors i stdin t tty "
    "q quiet",
    stops="h help",
    short_equals=True,
)
"""kubectl's global options and those of `kubectl exec` (cobra reads them anywhere)."""
LXC = options(
    "project cwd env group mode user",
    "debug force-local q quiet sub-commands v verbose n disable-stdin "
    "t force-interactive T force-noninteractive",
    stops="h help version",
    short_equals=True,
)
"""The options of `lxc exec` and `incus exec`, and their global ones."""


def exec_in(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`kubectl exec POD -- cmd args`, `lxc exec INSTANCE -- cmd args`: options anywhere
    before `--`. Without `--` (an old kubectl's form), the words after the pod are the command."""
    spec = LXC if program in ("lxc", "incus") else KUBECTL
    args = words[1:]
    read = read_options(args, spec)
    if read.stop or read.start >= len(args) or args[read.start].value != "exec":
        return words
    args = args[read.start + 1 :]
    found = read_permuted(args, spec)
    if found.command is None:  # `kubectl exec pod -c app ls`: options before the command
        found = _old_exec(args, spec)
    if found.read.stop:
        return words
    hidden = read.unknown or found.read.unknown or any(not w.static for w in found.operands)
    return _run_elsewhere(u, program, words, found.command or [], [], hidden, given(found.read, "env"))


def _old_exec(args: list[Word], spec: Options) -> Permuted:
    """`kubectl exec [options] POD [options] cmd args` without `--`: the options before and
    after the pod, then the command (an option in its words fails the call: read as run)."""
    first = read_options(args, spec)
    operands = 0 if given(first, "f", "filename") else 1
    pod = args[first.start : first.start + operands]
    after = read_options(args[first.start + operands :], spec)
    start = first.start + operands + after.start
    read = Read(
        start,
        first.unknown or after.unknown,
        first.stop or after.stop,
        first.values + after.values,
        first.flags | after.flags,
        after.ended,
    )
    return Permuted(pod, args[start:], read)


VAGRANT = options("c command", "p plain t tty no-tty debug timestamp debug-timestamp color no-color "
                   "machine-readable", stops="h help v version")  # fmt: skip


def vagrant(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`vagrant ssh [NAME] -c CMD`: CMD is a shell string run in the machine; the words after
    `--` go to ssh (options, or a command: read as one, not shown); with neither, the
    machine's shell reads a heredoc or a pipe."""
    args = words[1:]
    read = read_options(args, VAGRANT)
    if read.stop or read.start >= len(args) or args[read.start].value != "ssh":
        return words
    found = read_permuted(args[read.start + 1 :], VAGRANT)
    codes = given(found.read, "c", "command")
    hidden = read.unknown or found.read.unknown or bool(found.command)
    if found.command:
        codes.append(Word(" ".join(w.value for w in found.command), all(w.static for w in found.command)))
    if found.read.stop:
        return words
    if not codes and not hidden:  # the machine's shell: it reads what this one pipes in
        return u.shell_from_stdin(words, program)
    return _run_elsewhere(u, program, words, [], codes, hidden, [])


IP = options(
    "f family n netns l loops rc rcvbuf", "4 6 B 0 V Version s stats statistics d details r resolve "
    "o oneline t timestamp ts tshort force N Numeric a all c color br brief j json p pretty iec h human "
    "human-readable", clusters=False,
)  # fmt: skip
"""ip's options: each word one (`-stats`, `--json`); `-batch FILE` reads ip commands, which may
run a command (`netns exec`): not known, so code not shown."""


def ip(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`ip [options] netns exec NAME cmd args`, `ip -all netns exec cmd`, `ip vrf exec NAME cmd`:
    the command, run in a network namespace (with this shell's environment). ip takes a prefix
    of each word (`ip netn e ns cmd`)."""
    args = words[1:]
    read = read_options(args, IP)
    rest = [w.value for w in args[read.start : read.start + 2]] + ["", ""]
    netns = len(rest[0]) >= 3 and "netns".startswith(rest[0])
    if read.stop or not rest[1] or not "exec".startswith(rest[1]) or not (netns or "vrf".startswith(rest[0])):
        if read.unknown:  # `ip -batch FILE`: ip commands not shown
            u.opaque(words)
            return None
        return words
    operands = 0 if netns and read.flag("a", "all") else 1
    command = args[read.start + 2 :]
    hidden = read.unknown or any(not w.static for w in args[: read.start + 2 + operands])
    return run_after(u, program, words, command[operands:], hidden)


def distrobox(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`distrobox enter [options] NAME -- cmd args` (or `-e cmd args`): the command after the
    end of the options; with none, the container's login shell. `-a FLAGS` passes options
    to `podman exec` that are not shown."""
    args = words[2:] if program == "distrobox" else words[1:]
    if program == "distrobox" and (len(words) < 2 or words[1].value != "enter"):
        return words
    i, hidden, command = 0, False, None
    while i < len(args):
        word = args[i]
        i += 1
        if not word.static:
            hidden = True
        elif word.value in ("--", "-e", "--exec"):
            command = args[i:]
            break
        elif word.value in ("-h", "--help", "-V", "--version"):
            return words
        elif word.value in ("-n", "--name", "-a", "--additional-flags"):
            hidden = hidden or word.value in ("-a", "--additional-flags")
            i += 1
        elif word.value.startswith("-"):
            hidden = hidden or word.value not in _DISTROBOX_FLAGS
    if command is None and not hidden:
        return u.shell_from_stdin(words, program)
    return after_runner(u, program, words, command or [], [], hidden)


_DISTROBOX_FLAGS = names("-nw --no-workdir -T -H --no-tty -r --root -d --dry-run -v --verbose --clean-path")
