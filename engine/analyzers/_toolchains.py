"""Version managers, secret injectors and dev shells: `mise exec`, `nix develop -c`,
`nix-shell --run`, `dotenvx run`, `chamber exec`, read with their own option syntax.

Part of the runners of `_runners.py` (see its docstring): loaded with it, only for a command
that uses a runner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._options import (
    Result,
    after_runner,
    given,
    known,
    names,
    options,
    read_options,
    read_permuted,
    set_env,
)
from ._parsed import Word

if TYPE_CHECKING:
    from ._unwrap import _Unwrapper


# --- version managers, secret injectors and dev shells -----------------------------------------

MISE = options(
    "C cd E env j jobs log-level c command allow-env allow-net allow-read allow-write deny-env deny-net "
    "deny-read deny-write",
    "q quiet v verbose y yes silent raw locked offline prefer-offline no-config no-env no-hooks debug trace "
    "fresh-env no-prepare deny-all",
    stops="h help V version",
    short_equals=True,
)
"""mise's global options and those of `mise exec`."""


def mise(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`mise exec [options] [TOOL@VERSION...] -- cmd args` or `mise x -c 'cmd'`: the command
    only after `--` (the words before it are tools), or `-c` as a shell string."""
    args = words[1:]
    read = read_options(args, MISE)
    if read.stop or read.start >= len(args) or args[read.start].value not in ("exec", "x"):
        return words
    sub = read_permuted(args[read.start + 1 :], MISE)
    hidden = read.unknown or sub.read.unknown or any(not w.static for w in sub.operands)
    codes = given(sub.read, "c", "command")
    return after_runner(u, program, words, sub.command or [], codes, hidden)


NIX = options(
    "arg argstr arg-from-file arg-from-stdin option override-input update-input inputs-from "
    "reference-lock-file output-lock-file eval-store store I include log-format j max-jobs cores builders "
    "substituters extra-substituters trusted-public-keys extra-trusted-public-keys experimental-features "
    "extra-experimental-features system extra-platforms expr f file profile phase redirect k keep-env-var "
    "u unset-env-var s set-env-var keep unset",
    "debug offline L print-build-logs quiet refresh repair v verbose impure no-write-lock-file "
    "recreate-lock-file commit-lock-file no-update-lock-file no-registries accept-flake-config derivation "
    "stdin keep-going fallback i ignore-environment ignore-env build check configure install installcheck "
    "unpack",
    stops="help version build check configure install installcheck unpack phase",
    rest="c command",
    pairs="arg argstr arg-from-file option override-input redirect s set-env-var",
)
"""The new nix command line (`nix develop`, `nix shell`): options anywhere, `-c` takes the
rest; a phase (`--build`) runs the project's own derivation, not a shell."""


def nix(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`nix develop [installable] -c cmd args`, `nix shell PKGS... -c cmd args`: with no
    command, an interactive shell (bash, the user's), which reads a heredoc or a pipe;
    `-s NAME VALUE` sets a variable of the command's environment. `nix run` is in `nix_run`."""
    found = read_permuted(words[1:], NIX)
    sub = found.operands[0].value if found.operands else ""
    if found.read.stop or sub not in ("develop", "shell", "run"):
        return words
    hidden = found.read.unknown or any(not w.static for w in found.operands)
    set_env(u, given(found.read, "s", "set-env-var"))  # `nix shell -s LD_PRELOAD x.so`
    if sub == "run":
        return _nix_run(u, program, words, found.operands[1:] + (found.command or []), hidden)
    if found.read.tail is not None:  # `-c cmd args` (the words after `--` are installables)
        return after_runner(u, program, words, list(found.read.tail), [], hidden)
    if hidden:
        u.opaque(words)
        return None
    return u.shell_from_stdin(words, program)


_NIX_SHELLS = frozenset({"bash", "bashInteractive", "sh", "dash", "zsh", "ksh", "mksh", "busybox"})
"""Packages whose main program is a shell that reads its arguments as bash does."""


def _nix_run(u: _Unwrapper, program: str, words: list[Word], args: list[Word], hidden: bool) -> Result:
    """`nix run INSTALLABLE [--] ARGS`: the installable's main program runs with ARGS. A shell
    package (`nixpkgs#bash`) reads them as that shell; another program is not known (its
    name read as the package's, the command code not shown)."""
    installable = args[0] if args else Word(".")
    name = installable.value.rpartition("#")[2].rpartition(".")[2] if "#" in installable.value else ""
    if not installable.static or name not in _NIX_SHELLS:
        hidden = True
    if not name:  # `nix run .`, `nix run github:o/r`: the flake's own program
        return after_runner(u, program, words, [], [], True)
    inner = [Word("bash" if name == "bashInteractive" else name, installable.static), *args[1:]]
    return after_runner(u, program, words, inner, [], hidden)


_NIX_SHELL = options(
    "A attr I include arg argstr option j max-jobs cores keep exclude i log-format run command tarball-ttl",
    "p packages E expr pure impure v verbose Q no-build-output K keep-failed k keep-going show-trace quiet "
    "fallback repair dry-run readonly-mode",
    stops="help version",
    pairs="arg argstr option",
)


def nix_shell(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`nix-shell [options] [path|-p PKGS]`: `--run` and `--command` are shell strings; with
    neither, an interactive bash."""
    read = read_permuted(words[1:], _NIX_SHELL)
    if read.read.stop:
        return words
    hidden = read.read.unknown or any(not w.static for w in read.operands)
    codes = given(read.read, "run", "command")
    if not codes and not hidden:
        return u.shell_from_stdin(words, program)
    return after_runner(u, program, words, [], codes, hidden)


DOTENVX = options(
    "e env f env-file fv env-vault-file ignore convention env-keys-file l log-level",
    "o overload strict ops-off q quiet v verbose d debug",
    stops="h help V version",
    clusters=False,
)
_DOTENVX_LISTS = names("f env-file fv env-vault-file e env ignore")
"""dotenvx options that take every word after them up to the next option (`-f a b -- cmd`)."""


def dotenvx(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`dotenvx run [options] -- cmd args`: `-f` and `-e` take the words after them up to the
    next option (commander's variadic options), so without `--` the command is the first word
    past the options."""
    args = words[1:]
    read = read_options(args, DOTENVX)
    if read.stop or read.start >= len(args) or args[read.start].value != "run":
        return words
    rest, hidden, env = args[read.start + 1 :], read.unknown, []
    while rest and rest[0].static and rest[0].value.startswith("-") and rest[0].value != "-":
        option, rest = rest[0].value, rest[1:]
        if option == "--":
            break
        name, eq, value = option.lstrip("-").partition("=")
        if name in DOTENVX.stops:
            return words
        if name in _DOTENVX_LISTS:
            taken = 0 if eq else next((i for i, w in enumerate(rest) if w.value.startswith("-")), len(rest))
        else:
            taken = int(name in DOTENVX.values and not eq)
        if name in ("e", "env"):
            env += [w for w in ([Word(value)] if eq else rest[:taken]) if "=" in w.value]
        hidden = hidden or not known(option, DOTENVX)
        rest = rest[taken:]
    set_env(u, env)  # `dotenvx run -e A=1 -- cmd`
    return after_runner(u, program, words, rest, [], hidden)


CHAMBER = options(
    "b backend backend-s3-bucket backend-s3-kms-key-alias kms-key-alias r retries min-throttle-delay "
    "strict-value",
    "pristine strict v verbose",
    stops="h help version",
    short_equals=True,
)


def chamber(u: _Unwrapper, program: str, words: list[Word]) -> Result:
    """`chamber exec SERVICE... -- cmd args`: the services, then the command after `--`."""
    args = words[1:]
    read = read_options(args, CHAMBER)
    if read.stop or read.start >= len(args) or args[read.start].value != "exec":
        return words
    sub = read_permuted(args[read.start + 1 :], CHAMBER)
    hidden = read.unknown or sub.read.unknown or any(not w.static for w in sub.operands)
    if sub.command is None:  # chamber wants `--`: read the likeliest command, not shown
        return after_runner(u, program, words, sub.operands[1:], [], True)
    return after_runner(u, program, words, sub.command, [], hidden)
