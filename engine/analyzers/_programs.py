"""What the shell analyzer knows about programs, as data: edit here, not in the logic."""

from __future__ import annotations

import re

# fmt: off
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "fish"})
"""Programs that run a shell script given with `-c` or on stdin."""

INTERPRETERS = SHELLS | frozenset(
    {
        "python", "python2", "python3", "perl", "ruby", "node", "php", "lua", "osascript", "pwsh",
        "powershell", "deno", "bun", "Rscript",
    }
)
"""Programs that execute code read from stdin when given no script."""

CODE_OPTIONS = frozenset({"c", "e", "E", "m", "p", "r", "command", "eval"})
"""Options of interpreters after which the code is an argument, not stdin."""

PRIVILEGE_PROGRAMS = frozenset({"sudo", "doas", "su", "pkexec", "runuser", "gosu", "su-exec"})

# Options that take a value, per wrapper: the value must be skipped to find the command.
WRAPPER_VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "sudo": frozenset("ugCDhprtTUg")
    | {
        "user", "group", "close-from", "chdir", "host", "prompt", "role", "type", "other-user",
        "command-timeout",
    },
    "doas": frozenset({"u", "C"}),
    "pkexec": frozenset({"user"}),
    "runuser": frozenset({"u", "g", "G", "user", "group"}),
    "env": frozenset({"u", "C", "S", "unset", "chdir", "split-string"}),
    "nice": frozenset({"n", "adjustment"}),
    "ionice": frozenset({"c", "n", "p", "P", "u", "class", "classdata"}),
    "time": frozenset({"f", "o", "format", "output"}),
    "exec": frozenset({"a"}),
    "stdbuf": frozenset({"i", "o", "e", "input", "output", "error"}),
    "timeout": frozenset({"s", "k", "signal", "kill-after"}),
    "xargs": frozenset(
        {
            "I", "n", "P", "L", "s", "d", "E", "a", "max-args", "max-procs", "max-lines",
            "max-chars", "delimiter", "eof", "arg-file", "process-slot-var",
        }
    ),
    "flock": frozenset({"w", "E", "timeout", "conflict-exit-code"}),
    "watch": frozenset({"n", "d", "interval", "differences", "q", "equexit"}),
    "taskset": frozenset(),
    "setsid": frozenset(),
    "nohup": frozenset(),
    "command": frozenset(),
    "builtin": frozenset(),
    "unbuffer": frozenset(),
    "chronic": frozenset(),
    "coproc": frozenset(),
    "caffeinate": frozenset({"t", "w"}),
    "strace": frozenset({"e", "o", "p", "s", "u", "E", "output", "expr", "attach", "user", "env"}),
    "ltrace": frozenset({"e", "o", "p", "s", "u", "E", "output"}),
    "gosu": frozenset(),
    "su-exec": frozenset(),
    "busybox": frozenset(),
    "toybox": frozenset(),
    "cross-env": frozenset(),  # npm's: `cross-env NODE_ENV=test cmd`
}
"""Programs seen through to the command they run (`sudo rm` is `rm` run by sudo)."""

WRAPPERS_WITH_POSITIONAL = {"timeout": 1, "taskset": 1, "flock": 1, "gosu": 1, "su-exec": 1}
"""Wrappers whose first positional argument is not the command (`timeout 5 cmd`)."""

RUNNER_PROGRAMS = frozenset(
    {
        "asdf", "at", "aws-vault", "batch", "bundle", "bunx", "catchsegv", "chamber", "chroot", "chrt",
        "conda", "dbus-run-session", "direnv", "distrobox", "distrobox-enter", "docker", "docker-compose",
        "doppler", "dotenv", "dotenvx", "entr", "env_parallel", "fakeroot", "faketime", "fd", "firejail",
        "bwrap", "chpst", "devbox", "dumb-init", "eatmydata", "env-cmd", "pixi", "proot", "sandbox-exec",
        "systemd-inhibit", "tini",
        "gnome-terminal", "hatch", "hyperfine", "incus", "infisical", "ip", "konsole", "kubectl", "lxc",
        "mamba", "micromamba", "mise", "nix", "nix-shell", "nodemon", "nodenv", "npm", "npx", "nsenter",
        "numactl", "op", "parallel", "pdm", "perf", "pipenv", "pipx", "pnpm", "pnpx", "podman", "poetry",
        "prlimit", "proxychains", "proxychains4", "pyenv", "rbenv", "rg", "runcon", "rye", "screen",
        "script", "sem", "setpriv", "sg", "ssh-agent", "sshpass", "systemd-nspawn", "systemd-run", "tmux",
        "toolbox", "torsocks", "unshare", "uv", "uvx", "uxterm", "vagrant", "valgrind", "watchexec",
        "x-terminal-emulator", "xterm", "xvfb-run", "yarn",
        # terminal emulators
        "alacritty", "foot", "footclient", "kgx", "kitty", "lxterminal", "mate-terminal", "ptyxis", "rxvt",
        "rxvt-unicode", "st", "terminator", "tilix", "urxvt", "urxvtc", "wezterm", "xfce4-terminal",
    }
)
"""Programs that run a command with options of their own (`faketime now cmd`, `uv run cmd`):
the names of `_runners.RUNNERS`, written out so that the unwrapper knows them without loading
the readers, which most calls never need (a test keeps the two equal)."""

RUN_OPTIONS: dict[str, re.Pattern[str]] = {
    "rg": re.compile(r"--pre(?:=|$)"),
    "fd": re.compile(r"-[A-Za-z0-9]*[xX]|--exec"),
}
"""Programs that run a command only through an option (`rg --pre CMD`, `fd -x CMD`): without a
word the pattern matches they run as written, and the unwrapper leaves the readers unloaded
(Codex searches with `rg` in most of its calls)."""

RUN_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "uv": frozenset({"run"}), "poetry": frozenset({"run"}), "pipenv": frozenset({"run"}),
    "pdm": frozenset({"run"}), "hatch": frozenset({"run"}), "conda": frozenset({"run"}),
    "rye": frozenset({"run"}), "npm": frozenset({"exec", "x"}), "pnpm": frozenset({"exec", "dlx"}),
    "yarn": frozenset({"exec", "dlx"}), "pipx": frozenset({"run"}), "direnv": frozenset({"exec"}),
    "op": frozenset({"run"}), "aws-vault": frozenset({"exec"}), "mamba": frozenset({"run"}),
    "micromamba": frozenset({"run"}), "bundle": frozenset({"exec", "e", "ex", "exe"}),
    "asdf": frozenset({"exec"}), "rbenv": frozenset({"exec"}), "pyenv": frozenset({"exec"}),
    "nodenv": frozenset({"exec"}), "toolbox": frozenset({"run"}), "doppler": frozenset({"run"}),
    "infisical": frozenset({"run"}), "mise": frozenset({"exec", "x"}),
    "nix": frozenset({"develop", "shell", "run"}), "pixi": frozenset({"run", "exec"}),
    "devbox": frozenset({"run"}),
    "dotenvx": frozenset({"run"}), "chamber": frozenset({"exec"}), "docker": frozenset({"exec", "run"}),
    "docker-compose": frozenset({"exec", "run"}), "podman": frozenset({"exec", "run"}),
    "kubectl": frozenset({"exec"}), "lxc": frozenset({"exec"}), "incus": frozenset({"exec"}),
    "vagrant": frozenset({"ssh"}), "distrobox": frozenset({"enter"}),
    # `ip netns exec` takes a prefix of each word; `ip -batch FILE` reads ip commands
    "ip": frozenset({"e", "ex", "exe", "exec", "-b", "-batch", "--batch"}),
}
"""Runners that run a command only through a subcommand, by program: `npm exec` is read, `npm
test` runs as written (the subcommands of `_runners.SUBCOMMANDS`; a test keeps them equal)."""

SUBCOMMAND_PROGRAMS = frozenset(
    {
        "git", "docker", "podman", "kubectl", "helm", "npm", "pnpm", "yarn", "pip", "pip3", "uv",
        "poetry", "pipx", "conda", "mamba", "cargo", "go", "apt", "apt-get", "dnf", "yum", "apk",
        "brew", "gem", "systemctl", "service", "gh", "terraform", "aws", "gcloud", "az", "heroku",
        "composer", "bundle", "dotnet", "mix", "make", "just", "npx", "bun", "deno", "rustup",
        "snap", "flatpak", "zypper", "pacman", "port", "launchctl", "kubeadm", "vercel", "fly",
        "firebase", "supabase", "wrangler", "twine", "hatch", "pdm", "tox", "nox", "rake", "mvn",
        "gradle", "ansible-galaxy", "crontab", "svn", "hg", "jj", "pixi",
    }
)
"""Programs whose first positional argument names an action (`git push`)."""

GLOBAL_VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "git": frozenset(
        {"C", "c", "git-dir", "work-tree", "namespace", "exec-path", "config-env", "super-prefix"}
    ),
    "docker": frozenset({"H", "host", "context", "c", "config", "l", "log-level"}),
    "kubectl": frozenset({"n", "namespace", "context", "cluster", "kubeconfig", "s", "server", "user"}),
    "helm": frozenset({"n", "namespace", "kube-context", "kubeconfig"}),
    "npm": frozenset({"prefix", "C", "w", "workspace"}),
    "yarn": frozenset({"cwd"}),
    "pnpm": frozenset({"C", "dir", "filter", "F", "w"}),
    "make": frozenset({"C", "f", "j", "directory", "file", "jobs", "o", "W"}),
    "cargo": frozenset({"Z", "C", "config", "color"}),
    "uv": frozenset({"directory", "project", "python", "p"}),
    "terraform": frozenset({"chdir"}),
    "mvn": frozenset({"f", "s", "P", "pl", "D"}),
}
"""Options before the subcommand that take a value (`git -C dir push`)."""

SINGLE_DASH_LONG = frozenset(
    {
        "find", "java", "javac", "gcc", "g++", "clang", "cc", "ld", "go", "tshark", "ffmpeg",
        "convert", "openssl", "xcodebuild",
    }
)
"""Programs whose single-dash options are words (`find -name`), not letter clusters."""

FIND_VALUE_TESTS = frozenset(
    {
        "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex",
        "-lname", "-ilname", "-regextype", "-user", "-group", "-uid", "-gid", "-perm", "-size",
        "-type", "-xtype", "-atime", "-ctime", "-mtime", "-amin", "-cmin", "-mmin", "-used",
        "-links", "-inum", "-samefile", "-maxdepth", "-mindepth", "-fstype", "-context",
        "-printf", "-fprint", "-fprint0", "-fls", "-files0-from", "-D",
    }
)
"""The words of `find` that take the next word as their value, a pattern, name or number
it never reads as an action (`-name "$N"`); `-newer` and `-newerXY` do too, and
`-fprintf` takes two."""

# Flag aliases: program (or "program subcommand") -> flag -> canonical name.
_ALIAS_GROUPS: dict[str, list[tuple[str, ...]]] = {
    "rm": [("r", "R", "recursive"), ("f", "force"), ("i", "interactive"), ("v", "verbose"), ("d", "dir")],
    "cp": [
        ("r", "R", "recursive"), ("f", "force"), ("a", "archive"), ("n", "no-clobber"),
        ("t", "target-directory"),
    ],
    "mv": [("f", "force"), ("n", "no-clobber"), ("i", "interactive"), ("t", "target-directory")],
    "chmod": [("R", "recursive")],
    "chown": [("R", "recursive")],
    "chgrp": [("R", "recursive")],
    "setfacl": [("R", "recursive")],
    "ln": [("s", "symbolic"), ("f", "force")],
    "mkdir": [("p", "parents")],
    "grep": [("r", "R", "recursive"), ("i", "ignore-case"), ("E", "extended-regexp")],
    "sed": [("i", "in-place"), ("e", "expression"), ("n", "quiet", "silent")],
    "curl": [
        ("X", "request"), ("d", "data", "data-raw", "data-binary", "data-urlencode"),
        ("H", "header"), ("o", "output"), ("u", "user"), ("k", "insecure"), ("L", "location"),
        ("F", "form"), ("T", "upload-file"), ("s", "silent"), ("I", "head"), ("G", "get"),
        ("O", "remote-name"),
    ],
    "wget": [("O", "output-document"), ("q", "quiet"), ("P", "directory-prefix")],
    "tar": [
        ("x", "extract", "get"), ("c", "create"), ("f", "file"), ("z", "gzip"), ("v", "verbose"),
        ("C", "directory"),
    ],
    "npm": [("g", "global"), ("D", "save-dev"), ("f", "force")],
    "pip": [("U", "upgrade"), ("e", "editable"), ("r", "requirement")],
    "pip3": [("U", "upgrade"), ("e", "editable"), ("r", "requirement")],
    "docker": [("f", "force"), ("v", "volumes"), ("d", "detach")],
    "kill": [("s", "signal")],
    "rsync": [("r", "recursive"), ("a", "archive"), ("n", "dry-run")],
    "git push": [
        ("f", "force", "force-with-lease", "force-if-includes"), ("d", "delete"),
        ("u", "set-upstream"),
    ],
    "git clean": [("f", "force"), ("n", "dry-run"), ("d",), ("x",), ("X",)],
    "git checkout": [("f", "force"), ("b",), ("B",)],
    "git branch": [("d", "delete"), ("D",), ("f", "force"), ("m", "move"), ("M",)],
    "git reset": [("hard",), ("soft",), ("mixed",)],
    "git add": [("A", "all"), ("f", "force"), ("u", "update")],
    "git commit": [("a", "all"), ("m", "message"), ("amend",), ("n", "no-verify")],
    "git stash": [("u", "include-untracked")],
    "git rm": [("f", "force"), ("n", "dry-run"), ("r",), ("cached",)],
    "git prune": [("n", "dry-run")],
}
FLAG_ALIASES: dict[str, dict[str, str]] = {
    key: {flag: group[0] for group in groups for flag in group} for key, groups in _ALIAS_GROUPS.items()
}

GIT_LONG_OPTIONS: dict[str, tuple[str, ...]] = {
    "push": (
        "all", "branches", "mirror", "tags", "follow-tags", "atomic", "dry-run", "porcelain",
        "delete", "prune", "force", "force-with-lease", "force-if-includes", "repo",
        "set-upstream", "thin", "quiet", "verbose", "progress", "recurse-submodules", "verify",
        "signed", "push-option", "receive-pack", "exec", "ipv4", "ipv6",
    ),
    "reset": (
        "soft", "mixed", "hard", "merge", "keep", "quiet", "refresh", "pathspec-from-file",
        "pathspec-file-nul", "recurse-submodules", "intent-to-add", "patch",
    ),
    "clean": ("dry-run", "force", "interactive", "quiet", "exclude"),
    "checkout": (
        "quiet", "progress", "force", "ours", "theirs", "track", "guess", "detach", "orphan",
        "ignore-skip-worktree-bits", "merge", "conflict", "patch", "ignore-other-worktrees",
        "overwrite-ignore", "recurse-submodules", "overlay", "pathspec-from-file",
        "pathspec-file-nul",
    ),
    "branch": (
        "delete", "create-reflog", "force", "move", "copy", "color", "ignore-case", "omit-empty",
        "column", "remotes", "all", "list", "show-current", "verbose", "quiet", "abbrev", "track",
        "set-upstream-to", "unset-upstream", "edit-description", "contains", "merged", "sort",
        "points-at", "format", "recurse-submodules",
    ),
}
"""The long options of the git commands whose flags make them destructive. git takes any
unambiguous prefix of a long option (`git reset --har`, `git push --forc`): the shell
analyzer adds the full name of such a prefix to a command's flags (see `_command.py`)."""

NETWORK_PROGRAMS = frozenset(
    {
        "curl", "wget", "nc", "ncat", "netcat", "socat", "ssh", "scp", "sftp", "ftp", "telnet",
        "http", "https", "xh", "aria2c", "axel", "lynx", "w3m", "links", "dig", "nslookup",
        "host", "ping", "traceroute", "nmap", "whois", "mosh", "ssh-copy-id", "sshpass", "lftp",
        "tftp", "openssl", "npx", "bunx", "pnpx", "gh", "aws", "gcloud", "az", "heroku", "vercel",
        "netlify", "fly", "flyctl", "wrangler", "firebase", "twine", "rclone", "gsutil", "s3cmd",
        "kubectl", "helm", "tshark", "tcpdump", "mail", "sendmail", "mutt", "git-lfs",
    }
)
"""Programs that reach the network whatever their arguments."""

NETWORK_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "git": frozenset(
        {
            "push", "pull", "fetch", "clone", "ls-remote", "submodule", "remote", "send-email",
            "request-pull", "archive",
        }
    ),
    "docker": frozenset({"pull", "push", "login", "search", "run", "build"}),
    "podman": frozenset({"pull", "push", "login", "search"}),
    "npm": frozenset({"publish", "unpublish", "view", "info", "search", "login", "adduser"}),
    "cargo": frozenset({"publish", "search", "login", "fetch", "update"}),
    "go": frozenset({"get", "mod", "install"}),
    "uv": frozenset({"sync", "add", "lock", "pip", "tool", "publish", "run"}),
    "poetry": frozenset({"add", "install", "update", "lock", "publish"}),
    "gem": frozenset({"push", "fetch"}),
    "terraform": frozenset({"apply", "plan", "init", "destroy", "import", "refresh"}),
    "svn": frozenset({"checkout", "co", "update", "up", "commit", "ci"}),
    "hg": frozenset({"push", "pull", "clone"}),
}
"""Subcommands that reach the network (`git push`); installers are added below."""

INSTALL_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "pip": frozenset({"install", "download"}),
    "pip3": frozenset({"install", "download"}),
    "pipx": frozenset({"install", "inject", "run"}),
    "uv": frozenset({"add", "sync", "pip", "tool"}),
    "poetry": frozenset({"add", "install"}),
    "pdm": frozenset({"add", "install"}),
    "conda": frozenset({"install", "create", "update"}),
    "mamba": frozenset({"install", "create", "update"}),
    # `create` runs a package's initializer (`npm create vite` is `npm exec create-vite`)
    "npm": frozenset({"install", "i", "add", "ci", "update", "upgrade", "isntall", "in", "create"}),
    "yarn": frozenset({"add", "install", "global", "upgrade", "create"}),
    "pnpm": frozenset({"add", "install", "i", "update", "up", "create"}),
    "bun": frozenset({"add", "install", "i", "create"}),
    "deno": frozenset({"install", "add"}),
    "pixi": frozenset({"install", "add", "global", "exec"}),  # `pixi exec x`: x fetched, then run
    "gem": frozenset({"install", "update"}),
    "cargo": frozenset({"install", "add"}),
    "go": frozenset({"install", "get"}),
    "apt": frozenset({"install", "upgrade", "full-upgrade", "dist-upgrade"}),
    "apt-get": frozenset({"install", "upgrade", "dist-upgrade", "build-dep"}),
    "dnf": frozenset({"install", "upgrade", "update"}),
    "yum": frozenset({"install", "upgrade", "update"}),
    "zypper": frozenset({"install", "in", "update"}),
    "apk": frozenset({"add", "upgrade"}),
    "brew": frozenset({"install", "upgrade", "reinstall", "tap"}),
    "port": frozenset({"install"}),
    "snap": frozenset({"install"}),
    "flatpak": frozenset({"install"}),
    "composer": frozenset({"require", "install", "update"}),
    "bundle": frozenset({"install", "add", "update"}),
    "rustup": frozenset({"install", "toolchain", "component", "target"}),
    "dotnet": frozenset({"add", "restore", "tool"}),
    "mix": frozenset({"deps.get", "archive.install"}),
    "ansible-galaxy": frozenset({"install"}),
}
"""Subcommands that install packages (`pip install`)."""

RUNS_FETCHED: dict[str, frozenset[str]] = {
    "npm": frozenset({"init"}),
    "go": frozenset({"run"}),
    "deno": frozenset({"run"}),
    "uv": frozenset({"run"}),
}
"""Subcommands that download what they run when given a package or a URL (`npm init vite`,
`go run example.com/x@latest`, `deno run https://...`, `uv run https://.../x.py`): installs
then (`_facts._fetches`), where `npm init -y` and `go run .` are not."""

INSTALL_PROGRAMS = frozenset({"easy_install", "dpkg", "rpm", "installer", "nix-env"})

BLOCK_DEVICE_PREFIXES = (
    "/dev/sd", "/dev/hd", "/dev/nvme", "/dev/vd", "/dev/xvd", "/dev/mmcblk", "/dev/disk",
    "/dev/mapper/", "/dev/md", "/dev/loop",
)
HARMLESS_TARGETS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "-"})

SQL_CLIENTS: dict[str, frozenset[str]] = {
    "psql": frozenset({"c", "command"}),
    "mysql": frozenset({"e", "execute"}),
    "mariadb": frozenset({"e", "execute"}),
    "sqlite3": frozenset({"cmd"}),
    "duckdb": frozenset({"c", "cmd"}),
    "clickhouse-client": frozenset({"q", "query"}),
    "sqlcmd": frozenset({"Q", "q"}),
    "cockroach": frozenset({"e", "execute"}),
}
"""SQL command-line clients and the options that carry a statement."""

# Per program: options that take a value (their value is not a file argument).
VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "cp": frozenset({"t", "target-directory", "S", "suffix"}),
    "mv": frozenset({"t", "target-directory", "S", "suffix"}),
    "install": frozenset({"m", "mode", "o", "owner", "g", "group", "t", "target-directory"}),
    "ln": frozenset({"t", "target-directory", "S", "suffix"}),
    "mkdir": frozenset({"m", "mode"}),
    "touch": frozenset({"d", "date", "r", "reference", "t"}),
    "truncate": frozenset({"s", "size", "r", "reference"}),
    "shred": frozenset({"n", "iterations", "s", "size", "random-source"}),
    "setfacl": frozenset(
        {"m", "modify", "x", "remove", "M", "modify-file", "X", "remove-file", "set", "set-file", "restore"}
    ),
    "sed": frozenset({"e", "expression", "f", "file", "l", "line-length"}),
    "perl": frozenset({"e", "E", "I", "M", "m"}),
    "head": frozenset({"n", "c", "lines", "bytes"}),
    "tail": frozenset({"n", "c", "lines", "bytes", "s", "pid"}),
    "grep": frozenset(
        {
            "e", "f", "m", "A", "B", "C", "regexp", "file", "max-count", "include", "exclude",
            "exclude-dir", "context", "label",
        }
    ),
    "rg": frozenset(
        {
            "e", "f", "g", "glob", "t", "type", "T", "m", "A", "B", "C", "max-count", "type-add",
            "r", "replace", "iglob", "max-depth", "M",
        }
    ),
    "tee": frozenset(),
    "chmod": frozenset({"reference"}),
    "chown": frozenset({"reference", "from"}),
    "rsync": frozenset(
        {
            "e", "rsh", "exclude", "include", "filter", "f", "T", "temp-dir", "B", "block-size",
            "rsync-path", "exclude-from", "include-from",
        }
    ),
    "scp": frozenset({"P", "i", "o", "F", "c", "l", "S", "J"}),
    "curl": frozenset(
        {
            "X", "request", "d", "data", "data-raw", "data-binary", "data-urlencode", "H",
            "header", "o", "output", "u", "user", "A", "user-agent", "e", "referer", "F", "form",
            "T", "upload-file", "b", "cookie", "c", "cookie-jar", "m", "max-time", "x", "proxy",
            "w", "write-out", "K", "config", "E", "cert", "key", "cacert", "connect-timeout",
            "retry", "json", "oauth2-bearer", "url", "r", "range", "z", "time-cond", "resolve",
            "Y", "y", "C",
        }
    ),
    "wget": frozenset(
        {
            "O", "output-document", "o", "output-file", "P", "directory-prefix", "U",
            "user-agent", "header", "post-data", "post-file", "method", "body-data", "user",
            "password", "T", "timeout", "t", "tries", "e", "execute", "i", "input-file",
            "http-user", "http-password",
        }
    ),
    "cat": frozenset(),
    "less": frozenset({"b", "h", "j", "p", "P", "t", "T", "x", "y", "z"}),
    "diff": frozenset({"x", "X", "exclude", "label", "L"}),
    "patch": frozenset(  # GNU patch; `--merge[=STYLE]` takes its value only after `=`
        {
            "B", "d", "D", "F", "g", "i", "o", "p", "r", "V", "x", "Y", "z", "prefix", "directory",
            "ifdef", "fuzz", "get", "input", "output", "strip", "reject-file", "version-control",
            "debug", "basename-prefix", "suffix", "quoting-style", "reject-format", "read-only",
        }
    ),
    "dd": frozenset(),
    "python": frozenset({"c", "m", "W", "X"}),
    "python3": frozenset({"c", "m", "W", "X"}),
}

READ_OPTIONS: dict[str, frozenset[str]] = {
    "grep": frozenset({"f", "file"}),
    "egrep": frozenset({"f", "file"}),
    "fgrep": frozenset({"f", "file"}),
    "rg": frozenset({"f", "file", "ignore-file"}),
    "sed": frozenset({"f", "file"}),
    "jq": frozenset({"f", "from-file"}),
    "yq": frozenset({"f", "from-file"}),
    "diff": frozenset({"X", "exclude-from", "from-file", "to-file"}),
    "sort": frozenset({"files0-from"}),
    "wc": frozenset({"files0-from"}),
    "du": frozenset({"files0-from"}),
    "rsync": frozenset({"exclude-from", "include-from", "files-from"}),
}
"""Options of `FILE_READERS` whose value is a file the program reads (`grep -f PATTERNS`,
`sort --files0-from=LIST`, whose names an error message prints): paths as its operands are."""

FILE_READERS = frozenset(
    {
        "cat", "less", "more", "head", "tail", "bat", "batcat", "nl", "tac", "wc", "file", "stat",
        "strings", "xxd", "hexdump", "od", "md5sum", "sha1sum", "sha256sum", "shasum", "base64",
        "source", ".", "vi", "vim", "nvim", "nano", "emacs", "code", "open", "diff", "cmp",
        "sort", "uniq", "cut", "jq", "yq", "awk", "gawk", "mawk", "nawk", "readlink", "realpath", "ls",
        "du", "tree",
        "gpg", "unzip", "zcat", "gunzip", "bzcat", "xzcat", "sqlite3", "ssh-add", "scp", "rsync",
        "cp", "mv", "rm", "shred", "chmod", "chown", "touch", "tee", "truncate", "mkdir", "rmdir",
        "ln", "unlink", "install", "sed", "grep", "egrep", "fgrep", "rg", "ag", "python",
        "python3", "node", "bash", "sh", "zsh", "dos2unix",
    }
)
"""Programs whose positional arguments are (mostly) paths: the `path` analyzer lists them."""

PATTERN_FIRST = frozenset({"grep", "egrep", "fgrep", "rg", "ag", "jq", "yq", "sed", "perl"})
"""Programs whose first positional argument is a pattern or script, not a file."""

NAME_LISTS = frozenset({"tar", "bsdtar", "gtar", "zip", "cpio", "rsync", "pax"})
"""Programs that may read a list of names from their stdin (`tar -cf x -T -`, `zip -@`,
`cpio -o`)."""

SCRIPT_FIRST = frozenset({"python", "python3", "node", "bash", "sh", "zsh", "ruby", "perl"})
"""Programs whose first positional argument is the only path (the rest are its arguments)."""

MODE_FIRST = frozenset({"chmod", "chown", "chgrp"})
"""Programs whose first positional argument is a mode or owner."""
# fmt: on


def reads_stdin(name: str) -> bool:
    """Whether a script operand may name the standard input or an open descriptor (`-`,
    `/dev/stdin`, `//dev/./fd/3`, `/proc/self/fd/0`, `/proc/$$/fd/0`): `sh /dev/stdin <<EOF`
    runs the heredoc."""
    if name == "-":
        return True
    if not name.startswith(("/dev/", "/proc/", "//")):
        return False
    parts = [p for p in name.split("/") if p and p != "."]
    return (
        parts[:2] == ["dev", "stdin"]
        or (parts[:1] == ["dev"] and "fd" in parts)
        or (parts[:1] == ["proc"] and "fd" in parts)
    )
