"""Which paths are sensitive (secrets, keys, credentials, shell profiles...): data, one place.

A path is sensitive if its file name is in `NAMES` or matches `NAME_GLOBS` (and is not in
`NOT_SENSITIVE`), if it contains one of `SEGMENTS` as whole path components, or if it
starts with one of `PREFIXES`.  Names compare case-insensitively.
"""

from __future__ import annotations

import fnmatch
import functools
import itertools
import os
import re
from collections.abc import Callable

NAMES = frozenset(
    {
        # environment files: `.envrc` (direnv, run on entering its folder) and Cloudflare
        # wrangler's `.dev.vars` hold a project's secrets as `.env` does
        ".env",
        ".envrc",
        ".dev.vars",
        # private keys
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        "id_ecdsa_sk",
        "id_ed25519_sk",
        # credential stores of tools
        ".netrc",
        "_netrc",
        ".npmrc",
        ".pypirc",
        ".pgpass",
        ".git-credentials",
        ".my.cnf",
        ".htpasswd",
        "master.key",
        ".vault-token",
        ".databrickscfg",
        ".sentryclirc",
        # Terraform's CLI configuration: `credentials` blocks hold registry tokens
        ".terraformrc",
        "terraform.rc",
        ".boto",
        ".s3cfg",
        # shell profiles (run by every new shell)
        ".bashrc",
        ".zshrc",
        ".profile",
        ".bash_profile",
        ".bash_login",
        ".zprofile",
        ".zshenv",
        ".zlogin",
        ".bash_logout",
        ".bash_aliases",
        ".zlogout",
        ".inputrc",
        # shell histories (often hold pasted secrets)
        ".bash_history",
        ".zsh_history",
        ".python_history",
        ".psql_history",
        ".mysql_history",
        # ssh access
        "authorized_keys",
    }
)
"""File names that are sensitive wherever they are."""

NAME_GLOBS = (
    ".env.*",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.ppk",
    "*.kdbx",
    "credentials*.json",
    "secrets.*",
    "*.tfstate",
    "*.tfstate.backup",
    # Terraform's variable values, passwords and tokens among them (git ignores them by convention)
    "*.tfvars",
    "*.tfvars.json",
    "service-account*.json",
    "*.mobileprovision",
)
"""File name patterns (fnmatch) that are sensitive wherever they are."""

NOT_SENSITIVE = frozenset({".env.example", ".env.sample", ".env.template"})
"""Names matched by the globs above that hold no secret by convention."""

SEGMENTS = (
    ".ssh/",
    ".gnupg/",
    ".aws/",
    ".azure/",
    ".config/gcloud/",
    ".kube/config",
    ".docker/config.json",
    ".git/config",
    ".git/hooks/",
    ".password-store/",
    ".config/gh/hosts.yml",
    ".config/hub",
    ".config/git/credentials",
    ".cargo/credentials",
    ".cargo/credentials.toml",
    ".gem/credentials",
    # fish's profiles (`config.fish`, `conf.d/`), run by every new fish shell
    ".config/fish/",
    ".terraform.d/credentials.tfrc.json",
    ".config/rclone/rclone.conf",
    ".m2/settings.xml",
    ".m2/settings-security.xml",
    ".gradle/gradle.properties",
    # keyrings and browsers' profiles (cookies, saved logins and the keys to them)
    ".local/share/keyrings/",
    ".mozilla/firefox/",
    ".config/google-chrome/",
    ".config/chromium/",
    # agents' own permission settings: an agent that edits them grants itself latitude
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".codex/config.toml",
    ".gemini/settings.json",
    # a project's MCP servers, which Claude Code starts: an agent that adds one runs a program
    # of its choosing in every later session, with tools the permission settings may allow
    ".mcp.json",
    # agents' auth tokens
    ".claude.json",
    ".claude/.credentials.json",
    ".codex/auth.json",
    ".gemini/oauth_creds.json",
    ".config/github-copilot/",
    # tokens and keys of other tools: Hugging Face, sops's age keys, podman's registry logins,
    # the 1Password CLI
    ".cache/huggingface/token",
    ".huggingface/token",
    ".config/sops/age/",
    ".config/containers/auth.json",
    ".config/op/",
    # package managers' logins to private registries: Composer's tokens, Poetry's and
    # Bundler's credentials, sbt's and Ivy's, NuGet's source passwords, pip's index with its
    # user and password
    ".config/composer/auth.json",
    ".composer/auth.json",
    ".config/pypoetry/auth.toml",
    ".bundle/config",
    ".sbt/credentials",
    ".ivy2/.credentials",
    ".nuget/nuget/nuget.config",
    ".config/nuget/nuget.config",
    ".config/pip/pip.conf",
    ".pip/pip.conf",
    # cloud and platform CLIs' tokens: Databricks, Kaggle, Oracle Cloud, DigitalOcean,
    # Snowflake, dbt's warehouse logins, Sentry, ngrok, MinIO's client, Cloudflare's wrangler
    ".kaggle/kaggle.json",
    ".oci/config",
    ".config/doctl/config.yaml",
    ".snowflake/connections.toml",
    ".snowflake/config.toml",
    ".dbt/profiles.yml",
    ".config/ngrok/ngrok.yml",
    ".ngrok2/ngrok.yml",
    ".mc/config.json",
    ".wrangler/config/",
)
"""Path component sequences (a trailing `/` means anything below that directory)."""

LIBRARY_SEGMENTS = (
    "library/keychains/",
    "library/cookies/",
    "library/application support/google/chrome/",
    "library/application support/chromium/",
    "library/application support/firefox/",
)
"""macOS's keychains and browsers' profiles, under a home's `Library/` (lowercased). Kept
apart from `SEGMENTS`: their names hold no `.`, which every segment does (`_SEGMENT_MARK`)."""

HELD_NAMES = (
    "credentials",
    "config",
    "credentials.db",
    "access_tokens.db",
    "application_default_credentials.json",
    "accesstokens.json",
    "msal_token_cache.json",
    "cookies.sqlite",
    "logins.json",
    "key4.db",
    "cookies",
    "login data",
    "secring.gpg",
    "trustdb.gpg",
    "pubring.kbx",
    "login.keychain-db",
)
"""Names of files found in the sensitive directories (`.aws/credentials`, gcloud's
`credentials.db`, a browser's `cookies.sqlite`): a name pattern that narrows a search
(`--include='*.db'`) and matches one may read it (`names_sensitive`)."""

PREFIXES = (
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/sudoers",
    # the system's shell profiles and login environment, read by every user's shells
    "/etc/profile",
    "/etc/bash.bashrc",
    "/etc/environment",
    "/etc/zsh/",
    "/etc/ssh/",
    "/etc/ssl/private/",
    "/root/",
    "/proc/self/environ",
    "/var/run/secrets/",
    "/run/secrets/",
    # a cluster's admin credentials and its certificate authority's keys (kubeadm, k3s)
    "/etc/kubernetes/admin.conf",
    "/etc/kubernetes/super-admin.conf",
    "/etc/kubernetes/pki/",
    "/etc/rancher/k3s/k3s.yaml",
)
"""Absolute path prefixes that are sensitive."""

_Printer = tuple[tuple[str, ...], tuple[str, ...], str]

CREDENTIAL_COMMANDS: dict[str, tuple[_Printer, ...]] = {
    "gh": (
        (("auth", "token"), (), "~/.config/gh/hosts.yml"),
        (("auth", "status"), ("-t", "--show-token"), "~/.config/gh/hosts.yml"),
    ),
    "kubectl": ((("config", "view"), ("--raw", "--flatten"), "~/.kube/config"),),
    "aws": (
        (("configure", "export-credentials"), (), "~/.aws/credentials"),
        (
            ("configure", "get"),
            ("aws_access_key_id", "aws_secret_access_key", "aws_session_token"),
            "~/.aws/credentials",
        ),
    ),
    "gcloud": (  # the longest first: each may skip one word, an option's value
        (
            ("auth", "application-default", "print-access-token"),
            (),
            "~/.config/gcloud/application_default_credentials.json",
        ),
        (("auth", "print-access-token"), (), "~/.config/gcloud/credentials.db"),
        (("auth", "print-identity-token"), (), "~/.config/gcloud/credentials.db"),
        (("config", "config-helper"), (), "~/.config/gcloud/credentials.db"),
    ),
    "az": ((("account", "get-access-token"), (), "~/.azure/msal_token_cache.json"),),
    "git": (
        (("credential", "fill"), (), "~/.git-credentials"),
        (("credential-store", "get"), (), "~/.git-credentials"),
        (("credential-cache", "get"), (), "~/.git-credentials"),
    ),
    "heroku": ((("auth:token",), (), "~/.netrc"),),
    "vault": ((("print", "token"), (), "~/.vault-token"),),
}
"""Commands that print a credential a tool keeps, by program: (the words of the command,
the words one of which it needs (none: nothing more), where the tool keeps it). Such a command
reads that store as `cat` of it would (`credential_store`): `gh auth token` prints what
`~/.config/gh/hosts.yml` (or the keyring it points to) holds. `kubectl config view` hides the
keys without `--raw` or `--flatten`, and `aws configure get region` prints no secret. A
needed `-t` may be among other letters (`-at`); one given `=false` or `=0` is not given."""


def credential_store(program: str, args: list[str]) -> str | None:
    """The store whose credential `program args` prints (`CREDENTIAL_COMMANDS`), or None.

    The command's words are its first operands, after options: a word right after an option
    may be its value (`gh -R o/r auth token`, `aws --profile p configure get ...`), any other
    word starts the command (`gh issue create --title auth --body token` is no `auth token`)."""
    for i, arg in enumerate(args):
        if arg[:1] == "-" and arg != "-":
            continue
        words = [a for a in args[i:] if a[:1] != "-"]
        for printed, needs, store in CREDENTIAL_COMMANDS[program]:
            if _says(words, printed) and (not needs or any(_gives(a, needs) for a in args)):
                return store
        if i == 0 or args[i - 1][:1] != "-" or "=" in args[i - 1]:
            return None  # no option's value: the command started here
    return None


def _says(words: list[str], printed: tuple[str, ...]) -> bool:
    """`words` start with `printed`, an option's value maybe between two of them (`gh auth
    --hostname h token`, `aws configure --profile p get ...`: the CLIs take options there)."""
    if not words or words[0] != printed[0]:
        return False
    at = 1
    for word in printed[1:]:
        if words[at : at + 1] == [word]:
            at += 1
        elif words[at + 1 : at + 2] == [word]:
            at += 2
        else:
            return False
    return True


def _gives(arg: str, needs: tuple[str, ...]) -> bool:
    """`arg` is one of `needs` (`--raw`, `--raw=true`, `-t` among letters: `-at`), or names
    one (`aws configure get profile.p.aws_secret_access_key`)."""
    name, eq, value = arg.partition("=")
    if eq and value.lower() in ("false", "0"):
        return False
    if name in needs or arg.rsplit(".", 1)[-1] in needs:
        return True
    letters = arg[1:] if arg[:1] == "-" and arg[1:2] != "-" else ""
    return bool(letters) and any(n[:1] == "-" and len(n) == 2 and n[1] in letters for n in needs)


# The regexes are compiled on first use (each getter is cached): most paths are judged by
# substring tests alone, and a process that sees no such path does not compile them.
@functools.cache
def _glob_chars() -> re.Pattern[str]:
    """A glob character."""
    return re.compile(r"[*?\[]")


@functools.cache
def _name_glob() -> re.Pattern[str]:
    """A name that matches one of `NAME_GLOBS`."""
    return re.compile("|".join(fnmatch.translate(g) for g in NAME_GLOBS))


_SAMPLES = (
    "x.pem",
    "x.key",
    "x.p12",
    "x.pfx",
    "credentials.json",
    "secrets.yaml",
    ".env.local",
    "x.tfstate",
    *(g.replace("*", "x").replace("?", "x") for g in NAME_GLOBS),
)
"""Names that `NAME_GLOBS` match, tried by a glob (`*.kdbx` may match `x.kdbx`)."""


def is_sensitive(path: str) -> bool:
    """True if `path` (or, for a glob pattern, some file it can match) is sensitive."""
    if not path:
        return False
    if path.isalnum() and path.isascii() and _MARKED and _ABSOLUTE_PREFIXES:
        return "/" + path.lower() in _PREFIX_ROOTS  # a plain word (`status`): what the end gives
    if "{" in path and "," in path:  # `*.{env,pem}`, `~/.{ssh,aws}/*`: each alternative counts
        alternatives = _brace_alternatives(path)
        if alternatives is not None:
            return len(alternatives) > _MAX_ALTERNATIVES or any(map(is_sensitive, alternatives))
    if ("*" in path or "?" in path or "[" in path) and _patterned_dirs_sensitive(path.lower()):
        return True
    # Case-insensitive file systems (macOS, Windows) fold more than `lower` does: `ſ` is `s`.
    lowered = path.lower() if path.isascii() else path.casefold()
    head = lowered[0]  # `lowered` is not empty: lowering drops no character
    if head == "~" and lowered[:5] == "~root" and lowered[5:6] in ("", "/"):
        lowered = "/root" + lowered[5:]  # root's home, as Bash expands it
        head = "/"
    if head == "/" and lowered.startswith("/proc/") and _proc_sensitive(lowered):
        return True
    if "library/" in lowered and _in_library_segment(lowered):
        return True
    if "." in lowered:
        if ".." in lowered and _climbs_to_sensitive(lowered):
            return True
    elif _MARKED and "_" not in lowered and "*" not in lowered and "?" not in lowered and "[" not in lowered:
        # no name, name glob or segment can match (`status`, `src/shop`): the prefixes only
        if head != "/" and head != "~" and _ABSOLUTE_PREFIXES:  # a relative path: a root or nothing
            return "/" + lowered.rstrip("/") in _PREFIX_ROOTS
        return "/" + lowered.lstrip("~").strip("/") in _PREFIX_ROOTS or lowered.startswith(PREFIXES)
    stripped = lowered.rstrip("/")
    name = stripped.rpartition("/")[2]  # the basename, without `posixpath`'s checks
    if "*" in name or "?" in name or "[" in name:  # what `_glob_chars()` finds, without a regex
        return _glob_may_match(name, lowered) or _placed_glob_sensitive(name, lowered)
    if name in NAMES:
        return True
    # Each regex below runs only when the text has what one of its patterns needs (the fixed
    # start or end of a name glob, `/.` in a segment): the common argument (`status`,
    # `src/app.py`) then costs a few substring tests instead of a regex alternation.
    if (
        (name.startswith(_GLOB_HEADS) or name.endswith(_GLOB_TAILS))
        and name not in NOT_SENSITIVE
        and _name_glob().match(name)
    ):
        return True
    if head == "~" or not _ABSOLUTE_PREFIXES:
        root = "/" + lowered.lstrip("~").strip("/")  # the path from `/`, without a final `/`
        padded = root + "/"
        if (_SEGMENT_MARK is None or _SEGMENT_MARK in padded) and _segment().search(padded):
            return True
        return root in _PREFIX_ROOTS or lowered.startswith(PREFIXES)
    # The same without a leading `~`: `root + "/"` holds `/.` (`_SEGMENT_MARK`) only where
    # `lowered` does or starts with `.`, and only an absolute path can start with a prefix.
    root = "/" + stripped.lstrip("/")
    if (_SEGMENT_MARK is None or _SEGMENT_MARK in lowered or head == ".") and _segment().search(root + "/"):
        return True
    return root in _PREFIX_ROOTS or (
        head == "/"
        and (_PREFIX_SECONDS is None or lowered[1:2] in _PREFIX_SECONDS)
        and lowered.startswith(PREFIXES)
    )


HOME_ONLY_HEADS = frozenset({".config", ".local"})
"""Directories that start sensitive segments in a home (XDG's `~/.config/gh/hosts.yml`,
`~/.local/share/keyrings/`). In a project, below the call's cwd and outside a home, a
directory so named holds tools' settings (`.config/nextest.toml`, `.config/dotnet-tools.json`),
and only the segments themselves count."""
HOME_PARENTS = ("/home", "/users")
"""Directories whose entries are users' homes (lowercased: `/Users` is `/users`)."""
HOMES = ("/root", "/var/root")
"""Homes outside `HOME_PARENTS`: root's, on Linux and on macOS."""


def holds_sensitive(directory: str, hidden: bool = True, within: str | None = None) -> bool:
    """True if a recursive search of `directory` (`grep -r`, `rg`, a Grep tool) reaches a path
    sensitive by where it lies: `directory` is `/`, a home or a directory of homes (`~`,
    `/home/u`, `/Users`, `/root`), holds a sensitive prefix (`/etc` holds `/etc/shadow`), or
    is where a sensitive segment starts (`~/.config` holds `.config/gcloud/`). Such a search
    reads the keys without naming them. Files sensitive by their name alone (`.env`, `*.pem`)
    may lie in any directory, a workspace among them, so they do not count.

    `hidden` is False for a search that skips hidden entries (ripgrep's default): a home's
    secrets are all hidden (`.ssh`, `.aws`), so a home alone does not count then. A path
    whose `..` climb above a directory not known here is judged by what follows the last
    `..`: nothing (`..`) may be a home.

    `within` is the call's cwd, when known: a `.config` or `.local` below it and outside a
    home is the project's own (`HOME_ONLY_HEADS`)."""
    if not directory:
        return False
    if "ibrary" in directory and _HOME_LIBRARY.match(directory) is not None:
        return True  # a home's `Library/` holds its keychains (`LIBRARY_SEGMENTS`)
    if (
        directory[0] == "/"
        and "/." not in directory
        and "//" not in directory
        and "*" not in directory
        and "?" not in directory
        and "[" not in directory
        and directory[2:3] != ":"
    ):  # a normal absolute path, no hidden name, glob, climb or drive: judged by its name alone
        path = (directory.lower() if directory.isascii() else directory.casefold()).rstrip("/")
        if not path or path in _PREFIX_PARENTS:
            return True
        return hidden and (path in HOME_PARENTS or path in HOMES or path.rpartition("/")[0] in HOME_PARENTS)
    path = directory.lower() if directory.isascii() else directory.casefold()
    if path[:5] == "~root" and path[5:6] in ("", "/"):
        path = "/root" + path[5:]
    if path[:1] == "/" and path[2:3] == ":" and path[3:4] in ("", "/"):  # a Windows drive: `/C:/Users/u`
        path = path[3:] or "/"
    parts = [p for p in path.split("/") if p and p != "."]
    # where the directory lies is known, and it is below the cwd
    inside = within is not None and path[:1] in ("/", "~") and directory.startswith(within.rstrip("/") + "/")
    if ".." in parts:
        parts = parts[len(parts) - parts[::-1].index("..") :]
        if not parts:
            return True
        path = "/"
        inside = False
    if path[:1] == "/" and any(c in part for part in parts[:-1] for c in "*?["):
        return any(holds_sensitive(p, hidden) for p in _known_matches(parts[:-1], parts[-1]))
    # `~/*`: the entries a glob matches. The shell's `*` skips a directory's hidden entries,
    # `.*` names them (and a search reads an entry it is given, hidden or not).
    home_hidden = hidden
    if parts and any(c in parts[-1] for c in "*?["):
        home_hidden = parts.pop()[:1] == "."
        if not parts and path[:1] != "/":
            return False  # `*`: the entries of an unknown directory
    if not parts:
        return path[:1] == "/"  # `/` holds everything; "" and `.` name an unknown directory
    if path[:1] == "~":
        return (home_hidden and len(parts) == 1) or _holds_segment(parts, inside)  # `~`, `~user`: a home
    if path[:1] != "/":
        return _holds_segment(parts, False)  # a relative path: only its last names tell
    joined = "/" + "/".join(parts)
    if joined in HOME_PARENTS:
        return hidden
    if home_hidden and (joined in HOMES or joined.rpartition("/")[0] in HOME_PARENTS):
        return True
    return joined in _PREFIX_PARENTS or _holds_segment(parts, inside)


@functools.lru_cache(maxsize=256)
def names_sensitive(pattern: str) -> bool:
    """True if a file-name pattern that narrows a search (`find -name`, `grep --include`, a
    Grep tool's `glob`) may match a sensitive file's name, sensitive by the name itself
    (`id_rsa`, `*.pem`) or by its place (`config` of `.kube/config`, `credentials` of
    `.aws/`). A bare wildcard (`*`, `.*`) matches every name."""
    name = pattern.rstrip("/").rpartition("/")[2]
    if "{" in name and "," in name:
        alternatives = _brace_alternatives(name)
        if alternatives is not None:
            return len(alternatives) > _MAX_ALTERNATIVES or any(map(names_sensitive, alternatives))
    if name.strip("*.") == "" or is_sensitive(name):
        return True
    matcher = _name_matcher(name.lower())
    return any(matcher(word) for word in _PLACED_WORDS)


def lists_sensitive(pattern: str) -> bool:
    """True if a listing of the names `pattern` matches (a Glob tool's) touches a secret: the
    pattern names a sensitive file (`**/.env`, `**/id_rsa`, `~/.ss*`) or lists a directory
    that is one (`~/.ssh/*`, `**/.aws/*`, `/root/**`).

    A listing reads no file. The bare wildcards `**` and `.*` stand, in a path that is read
    (`cat ~/**`, `cat ~/.*`), for the hidden secrets of a home (`is_sensitive`); as the last
    name of a listing they stand for names alone, so each is judged as `*` is: `~/**` and
    `/home/me/.*` list a home's names and touch no secret, as `ls -a ~` does. A directory
    name is another matter: `.*/*` lists what `.ssh` holds, and so does `**/.*/*`, whose
    `**` may match no directory at all. A `**` before the last name is judged both as `*`
    and as nothing (`~/**/*` is `~/*/*` or `~/*`); a `.*` there stays as it is."""
    if "{" in pattern and "," in pattern:
        alternatives = _brace_alternatives(pattern)
        if alternatives is not None:
            return len(alternatives) > _MAX_ALTERNATIVES or any(map(lists_sensitive, alternatives))
    if "*" not in pattern:
        return is_sensitive(pattern)
    *dirs, last = pattern.split("/")
    if "*" in last and not last.strip("*."):
        last = "*"
    starred = [_listed_dir(part) for part in dirs]
    if is_sensitive("/".join((*starred, last))):
        return True
    kept = [part for part, star in zip(dirs, starred, strict=True) if not (star == "*" and "**" in part)]
    return len(kept) != len(dirs) and is_sensitive("/".join((*kept, last)))


def _listed_dir(part: str) -> str:
    """A directory name of a listed pattern as `lists_sensitive` judges it: `*` for one made
    of `*` alone (`**`, `*`), which skips hidden names; any other (`.*`, `.ssh`) as it is."""
    return "*" if part and not part.strip("*") else part


def _known_matches(dirs: list[str], last: str) -> list[str]:
    """The paths of the directories `holds_sensitive` knows (a home, a directory of homes,
    one above a sensitive prefix) that an absolute pattern (`/*/me`, `/hom?/u`, `/[h]ome/u`,
    its lowercased `dirs` and then `last`) may match, `last` kept as it is. A pattern name
    under a directory of homes may match a user's name: `u` stands for it."""
    heads = [""]
    for part in dirs:
        if not any(c in part for c in "*?["):
            heads = [f"{head}/{part}" for head in heads]
            continue
        matcher = _name_matcher(part)
        found: list[str] = []
        for head in heads:
            if head in HOME_PARENTS:
                found.append(f"{head}/u")
            found.extend(f"{head}/{name}" for name in _known_children(head) if matcher(name))
        heads = found[:_MAX_ALTERNATIVES]
    return [f"{head}/{last}" for head in heads]


@functools.cache
def _known_children(head: str) -> tuple[str, ...]:
    """The names directly under `head` on the way to a directory `holds_sensitive` knows."""
    known = (*HOME_PARENTS, *HOMES, *_PREFIX_PARENTS, *_PREFIX_ROOTS)
    prefix = head + "/"
    names = {p[len(prefix) :].split("/")[0] for p in known if p.startswith(prefix)}
    return tuple(sorted(names - {""}))


def _holds_segment(parts: list[str], inside: bool) -> bool:
    """The last names of a directory (`parts`) start a sensitive segment (`.config`, `.kube`).

    With `inside` (`parts` are the whole path from `/` or a `~`, below the call's cwd), a
    directory of `HOME_ONLY_HEADS` counts only in a home: a project's `.config` holds
    `nextest.toml`."""
    for n in range(1, min(len(parts), _SEGMENT_DEPTH) + 1):
        if "/".join(parts[-n:]) in _SEGMENT_HEADS and (
            n > 1 or not inside or parts[-1] not in HOME_ONLY_HEADS or _is_home(parts[:-1])
        ):
            return True
    return False


def _is_home(parts: list[str]) -> bool:
    """The directory of `parts` (lowercased names from `/`, or from a `~`) is a home: a
    user's, root's, or the one this process runs with (`HOME=/workspace` in a container)."""
    if len(parts) == 1 and parts[0][:1] == "~":
        return True
    joined = "/" + "/".join(parts)
    if joined in HOMES or (len(parts) == 2 and joined.rpartition("/")[0] in HOME_PARENTS):
        return True
    home = os.environ.get("HOME", "").rstrip("/")
    return bool(home) and joined == (home.lower() if home.isascii() else home.casefold())


@functools.cache
def _proc_environ() -> re.Pattern[str]:
    """A process's environment (`/proc/<pid>/environ`), the process named any way: `self`, a
    number, or a word the shell expands (`$$`, `$PPID`, `*`)."""
    return re.compile(r"/proc/[^/]+(?:/task/[^/]+)?/environ/?$")


def _proc_sensitive(path: str) -> bool:
    """A process's environment (`/proc/1/environ`), or a sensitive path reached through a
    process's `root` or `cwd` link: `/proc/self/root/etc/shadow` is `/etc/shadow`, and
    `/proc/self/cwd/../../etc/shadow`, which a lexical `normpath` turns into
    `/proc/etc/shadow`, may be too. Every tail of a `/proc` path is judged as an absolute path."""
    if _proc_environ().match(path):
        return True
    parts = path.strip("/").split("/")[:16]
    return any(is_sensitive("/" + "/".join(parts[i:])) for i in range(1, len(parts)) if parts[i] != "proc")


def _in_library_segment(path: str) -> bool:
    """`path` (lowercased) lies in one of `LIBRARY_SEGMENTS` (`~/Library/Keychains/x`) or is
    its directory."""
    padded = "/" + path.rstrip("/") + "/"
    return any("/" + segment in padded for segment in LIBRARY_SEGMENTS)


def _climbs_to_sensitive(path: str) -> bool:
    """`~/../../etc/shadow`, `../../root/x`: a path whose `..` climb above a directory not
    known here (a home, an unknown cwd) may reach `/`; what follows the last `..` is then
    judged as an absolute path too."""
    parts = path.split("/")
    if ".." not in parts:
        return False
    last = len(parts) - 1 - parts[::-1].index("..")
    rest = "/".join(parts[last + 1 :]).strip("/")
    return bool(rest) and is_sensitive("/" + rest)


@functools.cache
def _segment() -> re.Pattern[str]:
    """A component sequence of `SEGMENTS`, in a path padded with `/` at both ends."""
    return re.compile("|".join(re.escape("/" + seg.rstrip("/") + "/") for seg in SEGMENTS))


def _glob_ends() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a name matching a glob of `NAME_GLOBS` starts or ends with: a glob with a fixed
    start (`.env.*`) gives that start, one without (`*.pem`) its fixed end (`.pem`). A glob
    with `?` or `[` gives "" (every name), so the filter never drops a match."""
    heads: list[str] = []
    tails: list[str] = []
    for glob in NAME_GLOBS:
        if "?" in glob or "[" in glob:
            tails.append("")
        elif not glob.startswith("*"):
            heads.append(glob.split("*", 1)[0])
        else:
            tails.append(glob.rsplit("*", 1)[1])
    return tuple(heads), tuple(tails)


_GLOB_HEADS, _GLOB_TAILS = _glob_ends()
_SEGMENT_MARK: str | None = "/." if all(seg.startswith(".") for seg in SEGMENTS) else None
"""A literal every padded segment holds, or None."""


_PROC_DIRECTORY = re.compile(r"/proc/[^/]+/")
"""A process's directory in /proc, whose `environ` a bare `*` reaches."""
_PREFIX_ROOTS = frozenset(p.rstrip("/") for p in PREFIXES)
_PREFIX_SECONDS = frozenset(p[1] for p in PREFIXES) if all(len(p) > 1 for p in PREFIXES) else None
"""The second characters of the prefixes: a path whose second is none of them starts with none."""
_ABSOLUTE_PREFIXES = all(p.startswith("/") for p in PREFIXES)
_PREFIX_PARENTS = frozenset(
    "/".join(p.rstrip("/").split("/")[:n]) for p in PREFIXES for n in range(2, p.rstrip("/").count("/") + 1)
)
"""The directories above a prefix (`/etc` above `/etc/shadow`, `/var` and `/var/run` above
`/var/run/secrets/`): a search of one reaches it."""
_SEGMENT_HEADS = frozenset(
    "/".join(seg.rstrip("/").split("/")[:n])
    for seg in SEGMENTS
    for n in range(1, seg.rstrip("/").count("/") + 1)
)
"""The leading names of a segment, short of all of it (`.config`, `.config/gh` of
`.config/gh/hosts.yml`): a directory so named holds the rest."""
_SEGMENT_DEPTH = max((seg.rstrip("/").count("/") for seg in SEGMENTS), default=0)
"""No relative path starts with a prefix (`is_sensitive` then skips that test for one)."""


def _marks_needed() -> bool:
    """True if every name of `NAMES`, every literal part of `NAME_GLOBS` and every segment of
    `SEGMENTS` holds a `.` or a `_`: a path without either (nor glob characters) is then
    sensitive only by `PREFIXES`. False (no shortcut) if the data ever stops being so."""
    literals = [*NAMES, *SEGMENTS, *(g.replace("*", "").replace("?", "") for g in NAME_GLOBS)]
    return not any("[" in g for g in NAME_GLOBS) and all("." in t or "_" in t for t in literals)


_MARKED = _marks_needed()
SENSITIVE_WORDS = frozenset(root[1:] for root in _PREFIX_ROOTS) if _MARKED and _ABSOLUTE_PREFIXES else None
"""The lowercased ASCII letters-and-digits words that are sensitive (`root`), when `is_sensitive`
judges such a word by that alone (None otherwise): `word.lower() in SENSITIVE_WORDS`."""


def _glob_may_match(name: str, path: str) -> bool:
    """A glob is sensitive if its file-name part can match a sensitive name.

    A bare wildcard (`*`, `*.*`) matches every name of a sensitive directory (`~/.ssh/*`,
    `**/.aws/*`), and the entries a shell expands it to are no secret elsewhere: Bash's `*`
    skips hidden names, and a home's secrets are hidden (`cat ~/*` reads none). `.*` names
    those hidden entries: as files, anywhere (a project's `.env`); as directories (`.*/`), and
    `**`, which stands for everything below a directory, hidden entries among them (the files
    `find ~` prints), where the directory holds secrets (`holds_sensitive`: `~/.*/`, `~/**`,
    not `/home/me/proj/**`). A hidden directory's own files are `_placed_glob_sensitive`'s.
    """
    if name.strip("*.") == "":
        directory = path.rstrip("/")[: path.rstrip("/").rfind("/") + 1]
        if not directory:
            return False
        if name[0] == "." and path[-1:] != "/":  # hidden files, which `.env`, `.netrc` are, anywhere
            return True  # (`.*/` is hidden directories: judged by what is below them)
        if (name[0] == "." or name == "**") and holds_sensitive(directory.rstrip("/") or "/"):
            return True
        return is_sensitive(directory)
    return any(map(_name_matcher(name), _CANDIDATES))  # a match object is true, None false


def _placed_glob_sensitive(name: str, path: str) -> bool:
    """`~/.ss*`, `/etc/shad?w`: a glob that matches a name sensitive only in its place (a
    directory of `SEGMENTS`, a name of `PREFIXES`) is sensitive where that name would be."""
    matcher = _name_matcher(name)
    directory = path.rstrip("/")[: path.rstrip("/").rfind("/") + 1]
    if name.strip("*.") == "":
        # a hidden directory's own files: `~/.docker/*` holds `config.json` (Bash's `*` skips
        # hidden names, and `.*` takes only them); not a directory that is a glob itself, nor a
        # repository's `.git`, whose `config` and `hooks` are named when they are meant
        # (`zip -r out.zip . -x '.git/*'` is everyday work)
        if "/." not in directory and directory[:1] != "." and not _PROC_DIRECTORY.fullmatch(directory):
            return False  # (a process's directory counts too: `/proc/1/*` holds `environ`)
        if "*" in directory or "?" in directory or "[" in directory or directory.endswith((".git/", "/.git")):
            return False
        hidden = name[0] == "."
        return any(
            (word[0] == ".") == hidden
            and matcher(word)
            and _placed_only(word)
            and is_sensitive(directory + word)
            for word in _PLACED_WORDS
        )
    return any(matcher(word) and is_sensitive(directory + word) for word in _PLACED_WORDS)


def star_secrets(directory: str) -> tuple[str, ...]:
    """The sensitive entries that a bare `*` in `directory` may expand to and that only their
    place makes sensitive (`/etc/` gives `/etc/shadow`, `/etc/sudoers`...; a project gives
    none): Bash's `*` skips hidden names, and a name sensitive anywhere (`id_rsa`) is already
    judged by `_glob_may_match`. At most three, enough to tell."""
    directory = directory if directory[-1:] == "/" else directory + "/"
    return _star_secrets(directory, os.environ.get("HOME", ""))


@functools.lru_cache(maxsize=256)
def _star_secrets(directory: str, home: str) -> tuple[str, ...]:
    """`star_secrets`, kept per directory and home."""
    if "*" in directory or "?" in directory or "[" in directory:  # `/e*/*`: each directory it may be
        found = (
            secret
            for parent in sorted(_PREFIX_PARENTS)
            if fnmatch.fnmatchcase(parent + "/", directory)
            for secret in _star_secrets(parent + "/", home)
        )
        return tuple(itertools.islice(found, 3))
    if directory.endswith("/.git/"):
        return ()  # a repository's `config` and `hooks` are named when they are meant
    if directory[:1] == "~" or (home and directory == home.rstrip("/") + "/"):
        return ()  # a home's secrets are hidden, and `~/root` is no other user's home here
    found = (
        directory + word
        for word in _PLACED_WORDS
        if word[0] != "." and _placed_only(word) and is_sensitive(directory + word)
    )
    return tuple(itertools.islice(found, 3))


@functools.cache
def _placed_only(word: str) -> bool:
    """Whether `word` is sensitive only in its place (`config.json` in `~/.docker/`), not in
    any directory (`credentials.tfrc.json`): a bare `*` reaches only the first kind, or every
    `cat *` of a project would be read as a secret's."""
    return not is_sensitive("/srv/any/" + word)


_CANDIDATES = tuple(c for c in (*sorted(NAMES), *_SAMPLES) if c not in NOT_SENSITIVE)
"""The names a glob is tried on (`_glob_may_match`)."""
_PLACED_WORDS = tuple(
    sorted(
        {
            w for entry in (*SEGMENTS, *LIBRARY_SEGMENTS, *PREFIXES) for w in entry.lower().split("/") if w
        }.union(HELD_NAMES).difference(_CANDIDATES)
    )
)
"""The names in `SEGMENTS`, `LIBRARY_SEGMENTS` and `PREFIXES` (`.ssh`, `shadow`), and those
of `HELD_NAMES` (`cookies.sqlite`): sensitive only in their place."""
_MAX_ALTERNATIVES = 64
"""More alternatives than this in one path (`{a,b}{c,d}...`) is judged sensitive unread."""


def _brace_alternatives(path: str) -> list[str] | None:
    """The paths a brace expansion gives (`a/{b,c}` gives `a/b`, `a/c`), as Bash and glob
    tools expand it; None if `path` holds none (`${HOME}`, `{}`, `{a}` expand to nothing).
    At most `_MAX_ALTERNATIVES` + 1: past the limit the count alone answers."""
    found = _brace().search(path)
    if found is None:
        return None
    head, tail = path[: found.start()], path[found.end() :]
    out: list[str] = []
    for choice in found.group(1).split(","):
        for rest in _brace_alternatives(tail) or [tail]:
            out.append(head + choice + rest)
            if len(out) > _MAX_ALTERNATIVES:
                return out
    return out


@functools.cache
def _brace() -> re.Pattern[str]:
    """An innermost brace group with a comma, not after `$` (`${a,b}` is a parameter)."""
    return re.compile(r"(?<!\$)\{([^{},]*(?:,[^{},]*)+)\}")


def _patterned_dirs_sensitive(path: str) -> bool:
    """A pattern in a directory (`~/.ss?/id_*`, `/home/*/.[a]ws/config`) is sensitive if a
    sensitive path fills it: each patterned directory is tried with the names of `SEGMENTS`
    and `PREFIXES` it matches. Bare wildcards (`*`, `**`, `.*`) are left as they are: they
    match everything, and listing is not reading."""
    parts = path.split("/")
    choices: list[list[str]] = []
    count = 0  # the paths to try, 0 while no patterned directory matched a name
    for part in parts[:-1]:
        words = None
        if part.strip("*.") and ("*" in part or "?" in part or "[" in part):
            matcher = _name_matcher(part)
            words = [w for w in (*_PLACED_WORDS, *_CANDIDATES) if matcher(w)]
        if words:
            choices.append(words)
            count = max(count, 1) * len(words)
        else:
            choices.append([part])
    if count > _MAX_ALTERNATIVES:
        return True
    last = parts[-1]
    return count > 0 and any(is_sensitive("/".join((*dirs, last))) for dirs in itertools.product(*choices))


@functools.lru_cache(maxsize=256)
def _name_matcher(glob: str) -> Callable[[str], re.Match[str] | None]:
    """`fnmatch.fnmatchcase(name, glob)` as a compiled match (not None for a match), made
    once per glob instead of once per candidate name. A bracket that starts with `^` is
    negated, as Bash reads it (`.[^x]nv` matches `.env`; fnmatch negates only `[!...]`)."""
    if "[^" in glob:
        glob = glob.replace("[^", "[!")
    return re.compile(fnmatch.translate(glob)).match


_HOME_ROOT = re.compile(
    r"(/|/home|/users|/var|/root|/var/root|/(home|users)/[^/]+|~[^/]*|/[a-z]:(/users(/[^/]+)?)?)/?", re.I
)
"""A directory that holds a home: `/`, a directory of homes, a home (`~`, `/home/u`, `/root`)."""
_HOME_LIBRARY = re.compile(
    r"(~[^/]*|/(home|users)/[^/]+|/root|/var/root)/+library(/+application support(/+google)?)?/*$", re.I
)
"""A home's `Library/`, or a directory of it above one of `LIBRARY_SEGMENTS`: a search of it
reaches them. A project's own `Library/` (Unity's) is not a home's."""
_HOME_CONFIG = re.compile(
    r"(/(home|users)/[^/]+|/root|/var/root|~[^/]*|/[a-z]:/users/[^/]+)/(\.[^/]+|bin|library|appdata)(/|$)",
    re.I,
)
"""Where a home keeps what runs later: its hidden entries (`.gitconfig`, `.config/git/config`,
`.local/bin/`, `.bashrc`), `bin/` (on the PATH), macOS's `Library/` (`LaunchAgents`) and
Windows's `AppData/` (the Startup folder). A file so named in a project (`proj/.gitconfig`)
is the project's, not the user's."""


_SYSTEM_DIRS = (
    r"etc|usr|bin|sbin|lib|lib32|lib64|libx32|boot|run|snap|sys|proc|dev|private|Library|System"
    r"|Applications|var/(?:spool|lib|log|cache|backups|mail|db|opt|run|lock|root)"
)
"""The system's top directories (not `/opt`, `/srv`, `/var/www` or `/home`, where projects live)."""
_PROJECTS_UNDER_SYSTEM = re.compile(r"/+usr(/+local)?/+src(/|$)")
"""Where projects live under the system's directories (`/usr/src/app`, `/usr/local/src/x`)."""


def _system_root(root: str) -> bool:
    """A workspace that is no project: `/`, or a directory of the system (`/etc`, `/usr/local`,
    `/etc/systemd/system`, `/var/spool/cron`). An agent started there (a container's `/`)
    would otherwise find the system's files inside its workspace."""
    if root.strip("/") in ("", "var"):
        return True
    return _SYSTEM_PATH.match(root) is not None and _PROJECTS_UNDER_SYSTEM.match(root) is None


_SYSTEM_PATH = re.compile(r"/+(" + _SYSTEM_DIRS + r")(/|$)")
"""The system's files: what runs (`/usr/bin`, `/etc/cron.d`), boots or configures the
machine; spelt from `//` too, which Linux reads as `/`."""


def system_path(path: str) -> bool:
    """`path` is one of the system's files (`_SYSTEM_PATH`)."""
    return _SYSTEM_PATH.match(path) is not None


def _home_or_system(path: str) -> bool:
    return _HOME_CONFIG.match(path) is not None or _SYSTEM_PATH.match(path) is not None


_KEPT_OUTSIDE: dict[str, Callable[[str], bool] | None] = {}
"""`kept_outside` by directory: a workspace is judged again and again."""


def kept_outside(root: str) -> Callable[[str], bool] | None:
    """What stays outside the workspace `root` though it lies under it: a home's start-up and
    configuration files (`home_config`) when `root` holds a home (`~`, `/home`, `/`), the
    system's files (`system_path`) when it is `/` or a directory of the system (`/etc`); None
    for a project's directory, the common case."""
    try:
        return _KEPT_OUTSIDE[root]
    except KeyError:
        pass
    home = _HOME_ROOT.fullmatch(root) is not None
    system = _system_root(root)
    found = _home_or_system if home and system else home_config if home else system_path if system else None
    if len(_KEPT_OUTSIDE) >= 256:
        _KEPT_OUTSIDE.clear()
    _KEPT_OUTSIDE[root] = found
    return found


def home_config(path: str) -> bool:
    """`path` is where a home keeps what runs later (`_HOME_CONFIG`)."""
    return _HOME_CONFIG.match(path) is not None
