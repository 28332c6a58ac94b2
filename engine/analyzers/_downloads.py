"""Files a command fills from the network, and files it runs as code.

`curl -o i.sh URL` then `bash i.sh` runs downloaded code as surely as `curl URL | sh`, in
one call or in two: the shell facts `downloads` and `scripts` list both sides, as written
(the shell analyzer resolves them against the call's directory), and the session remembers
the downloads of earlier calls. Program data is here, as tables; option reading is a small
getopt that knows which options take a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from ._command import Command
from ._parsed import Word
from ._programs import SHELLS, reads_stdin


class Spec(NamedTuple):
    """How a program reads its options: short options that take a value (`values`, the next
    word or the rest of the word), those that take only the rest of the word (`attached`,
    `perl -i.bak`), long options that take the next word, and whether options may follow
    operands (`permute`: curl, wget) or the first operand ends them (an interpreter's script)."""

    values: str
    long_values: frozenset[str]
    permute: bool = True
    attached: str = ""


Options = list[tuple[str, str | None]]

# fmt: off
_CURL = Spec(
    "XdHouAeFTbcmxwKErzYyCDPQtU",
    frozenset({
        "request", "data", "data-raw", "data-binary", "data-urlencode", "data-ascii", "header",
        "output", "output-dir", "user", "user-agent", "referer", "form", "form-string",
        "upload-file", "cookie", "cookie-jar", "max-time", "proxy", "write-out", "config", "cert",
        "key", "cacert", "capath", "connect-timeout", "retry", "retry-delay", "retry-max-time",
        "json", "oauth2-bearer", "url", "range", "time-cond", "resolve", "connect-to",
        "dump-header", "stderr", "trace", "trace-ascii", "proxy-user", "quote", "limit-rate",
        "max-filesize", "interface", "unix-socket", "abstract-unix-socket", "netrc-file",
        "preproxy", "proxy-header", "request-target", "socks4", "socks4a", "socks5",
        "socks5-hostname", "variable", "cert-type", "key-type", "ciphers", "pinnedpubkey",
        "speed-limit", "speed-time", "max-redirs", "local-port", "dns-servers", "aws-sigv4",
        "continue-at", "create-file-mode", "keepalive-time", "tls-max", "url-query", "expand-url",
    }),
)
_WGET = Spec(
    "OoPUTteiawQlDARIXB",
    frozenset({
        "output-document", "output-file", "append-output", "directory-prefix", "user-agent",
        "header", "post-data", "post-file", "method", "body-data", "body-file", "user",
        "password", "http-user", "http-password", "timeout", "tries", "execute", "input-file",
        "wait", "level", "quota", "accept", "reject", "domains", "exclude-domains", "referer",
        "load-cookies", "save-cookies", "ca-certificate", "certificate", "private-key",
        "bind-address", "limit-rate", "base", "include-directories", "exclude-directories",
        "default-page", "cut-dirs", "waitretry", "dns-timeout", "connect-timeout", "read-timeout",
    }),
)
_ARIA2C = Spec("odiUxsjkH", frozenset({"out", "dir", "input-file", "user-agent", "header"}))
_TEE = Spec("", frozenset())
_HTTPIE = Spec("aAovp", frozenset({"output", "auth", "auth-type", "verify", "print", "session", "cert"}))

DOWNLOADERS = frozenset({"curl", "wget", "aria2c", "http", "https", "xh", "xhs", "lynx", "w3m"})
"""Programs whose output is a document fetched from the network (to a file they name, or to
their standard output)."""

DOWNLOAD_WORDS = re.compile(r"(?<![\w.-])(?:curl|wget|aria2c|https?|xhs?|lynx|w3m)(?![\w-]|:/)")
"""A command text that may run one of `DOWNLOADERS`: a cheap test on text not yet parsed.
Quotes and backslashes are taken out first (`c"ur"l` runs curl)."""
_ANY_WORD = re.compile("curl|wget|aria2c|http|xh|lynx|w3m")
"""`DOWNLOAD_WORDS` without its word boundaries: several times faster, and most commands
name none of these at all."""

_INTERPRETERS: dict[str, Spec] = {
    # the first operand is the script; `code` options (below) make the code an argument
    "python": Spec("WXQ", frozenset({"check-hash-based-pycs"}), permute=False),
    "node": Spec(
        "rC",
        frozenset(
            {"require", "import", "loader", "experimental-loader", "conditions", "input-type", "title"}
        ),
        permute=False,
    ),
    "perl": Spec("", frozenset(), permute=False, attached="iIMmxlC0dD"),
    "ruby": Spec(
        "IrCEFKTWx", frozenset({"encoding", "external-encoding", "internal-encoding"}), permute=False
    ),
    "php": Spec("cdztf", frozenset({"define", "file"}), permute=False),
}
_CODE: dict[str, frozenset[str]] = {
    "python": frozenset({"c", "m"}),
    "node": frozenset({"e", "p", "eval", "print"}),
    "perl": frozenset({"e", "E"}),
    "ruby": frozenset({"e"}),
    "php": frozenset({"r", "B", "R", "E", "a", "interactive"}),
}
"""Options after which an interpreter runs code given on its command line, not a file."""
_FAMILY = re.compile(r"^(python|node|perl|ruby|php)(?:js|[0-9][0-9.]*)?$")
# fmt: on


def downloader_text(text: str) -> bool:
    """`text` may run a program of `DOWNLOADERS` (False means it surely runs none by name)."""
    if "\\" in text or '"' in text or "'" in text:
        text = text.replace("\\", "").replace('"', "").replace("'", "")
    return _ANY_WORD.search(text) is not None and DOWNLOAD_WORDS.search(text) is not None


def read(args: list[str], spec: Spec) -> tuple[Options, list[str]]:
    """(options as (name, value or None), operands) of `args`, as getopt reads them."""
    opts: Options = []
    operands: list[str] = []
    i, n = 0, len(args)
    while i < n:
        a = args[i]
        i += 1
        if a == "--":
            operands.extend(args[i:])
            break
        if len(a) < 2 or a[0] != "-":
            operands.append(a)
            if not spec.permute:
                operands.extend(args[i:])
                break
        elif a[1] == "-":
            name, eq, value = a[2:].partition("=")
            if not eq and name in spec.long_values and i < n:
                value, i = args[i], i + 1
            opts.append((name, value if eq or name in spec.long_values else None))
        else:
            i = _cluster(a, args, i, spec, opts)
    return opts, operands


def _cluster(a: str, args: list[str], i: int, spec: Spec, opts: Options) -> int:
    """Read one cluster of short options (`-fsSLo FILE`, `-qO-`) into `opts`; the index after it."""
    for k in range(1, len(a)):
        ch = a[k]
        if ch in spec.attached:
            opts.append((ch, a[k + 1 :]))
            return i
        if ch in spec.values:
            if k + 1 < len(a):
                opts.append((ch, a[k + 1 :]))
            elif i < len(args):
                opts.append((ch, args[i]))
                i += 1
            else:
                opts.append((ch, ""))
            return i
        opts.append((ch, None))
    return i


def _values(opts: Options, *names: str) -> list[str]:
    return [v for k, v in opts if k in names and v is not None]


def _has(opts: Options, *names: str) -> bool:
    return any(k in names for k, _ in opts)


# -- downloads --------------------------------------------------------------------------------


def downloads(commands: list[Command]) -> list[tuple[str, str | None]]:
    """The files `commands` fill from the network, each with the directory it is relative to
    (the command's `cwd`); a name only run time knows is `?` followed by its directory and `*`."""
    out: list[tuple[str, str | None]] = []
    previous: Command | None = None
    for cmd in commands:
        program = cmd.program
        if program in DOWNLOADERS:
            files, to_stdout = _fetched(program, cmd.args)
            targets = files + (cmd.redirects if to_stdout else [])
            out.extend((t, cmd.cwd) for t in targets if t and t != "-")
        elif program == "tee" and cmd.piped and previous is not None and _to_stdout(previous):
            _, operands = read(cmd.args, _TEE)
            out.extend((t, cmd.cwd) for t in [*operands, *cmd.redirects] if t and t != "-")
        previous = cmd
    return out


def _to_stdout(cmd: Command) -> bool:
    """`cmd` is a download that writes what it fetches to its standard output."""
    return cmd.program in DOWNLOADERS and _fetched(cmd.program, cmd.args)[1]


def _fetched(program: str, args: list[str]) -> tuple[list[str], bool]:
    """(files the download writes, whether it writes the document to its standard output)."""
    if program == "curl":
        return _curl(args)
    if program == "wget":
        return _wget(args)
    if program == "aria2c":
        opts, operands = read(args, _ARIA2C)
        if _has(opts, "i", "input-file"):
            return [_unknown(_last(_values(opts, "d", "dir")))], False
        return _named(_values(opts, "o", "out"), operands, _values(opts, "d", "dir"), _wget_name), False
    if program in ("http", "https", "xh", "xhs"):
        opts, operands = read(args, _HTTPIE)
        outputs = _values(opts, "o", "output")
        if outputs or not _has(opts, "d", "download"):
            return outputs, not outputs
        urls = [a for a in operands if not a.isupper()][:1]  # `http GET URL`: the method first
        return [_curl_name(u) for u in urls] or [_unknown("")], False
    return [], True  # lynx, w3m: the page to standard output


def _curl(args: list[str]) -> tuple[list[str], bool]:
    opts, urls = read(args, _CURL)
    urls += _values(opts, "url")
    where = _values(opts, "output-dir")
    outputs = [_within(where, o) for o in _values(opts, "o", "output")]
    if _has(opts, "O", "remote-name", "remote-name-all"):
        if _has(opts, "J", "remote-header-name"):
            outputs.append(_unknown(_last(where)))  # the server names the file
        else:
            outputs += [_within(where, _curl_name(u)) for u in urls]
    if _has(opts, "K", "config"):
        outputs.append(_unknown(_last(where)))  # a config file may name outputs too
    return outputs, not outputs or "-" in outputs


def _wget(args: list[str]) -> tuple[list[str], bool]:
    opts, urls = read(args, _WGET)
    documents = _values(opts, "O", "output-document")
    if documents:
        return [d for d in documents if d not in ("-", "/dev/stdout")], any(
            d in ("-", "/dev/stdout") for d in documents
        )
    prefix = _values(opts, "P", "directory-prefix")
    unnamed = ("r", "recursive", "m", "mirror", "i", "input-file", "content-disposition", "B", "base")
    if _has(opts, *unnamed):
        return [_unknown(_last(prefix))], False
    return _named([], urls, prefix, _wget_name), False


def _named(outputs: list[str], urls: list[str], where: list[str], name: Callable[[str], str]) -> list[str]:
    """`outputs` (`-o F`), else one file per URL named by `name(url)`, in directory `where`."""
    if outputs:
        return [_within(where, o) for o in outputs]
    return [_within(where, name(u)) for u in urls]


def _curl_name(url: str) -> str:
    """The name `curl -O` gives: the last segment of the URL's path (no query)."""
    rest = url.partition("://")[2] or url
    path = rest.partition("?")[0].partition("#")[0]
    name = path.rpartition("/")[2] if "/" in path else ""
    return name or _unknown("")


def _wget_name(url: str) -> str:
    """The name wget gives: the last segment of the URL (its query kept), else `index.html`."""
    rest = (url.partition("://")[2] or url).partition("#")[0]
    path, _, query = rest.partition("?")
    name = path.rpartition("/")[2] if "/" in path else ""
    name = name or "index.html"
    return f"{name}?{query}" if query else name


def _within(where: list[str], name: str) -> str:
    directory = _last(where)
    if not directory or name.startswith(("/", "~", "?")):
        return name
    return f"{directory.rstrip('/')}/{name}"


def _last(values: list[str]) -> str:
    return values[-1] if values else ""


def _unknown(directory: str) -> str:
    return f"?{directory.rstrip('/')}/*" if directory else "?*"


# -- scripts ----------------------------------------------------------------------------------


def scripts(commands: list[Command]) -> list[tuple[str, str | None]]:
    """The local files `commands` run as code, each with the directory it is relative to."""
    out = []
    previous: Command | None = None
    for cmd in commands:
        script = script_of(cmd)
        if script:
            out.append((script, cmd.cwd))
        elif cmd.reads_from and _runs_stdin(cmd):  # `bash < i.sh`: the file is the script
            out.extend((f, cmd.cwd) for f in cmd.reads_from if f and not reads_stdin(f))
        elif cmd.piped and previous is not None and previous.program in _PRINTERS and _runs_stdin(cmd):
            # `cat i.sh | bash`: the files the printer prints are the script
            printed = [a for a in previous.args if a[:1] != "-"] + previous.reads_from
            out.extend((f, previous.cwd) for f in printed if f and not reads_stdin(f))
        previous = cmd
    return out


_PRINTERS = frozenset({"cat", "tac", "head", "tail", "more", "less", "dd", "tee", "sed", "awk", "tr"})
"""Programs that print the files they are given (some after editing): piped into a shell, what
they print runs. Their options are left out, not their values (a name too many is harmless)."""


def _runs_stdin(cmd: Command) -> bool:
    """`cmd` is a shell or an interpreter given no script and no inline code, or `source` (`.`)
    of the standard input (`source /dev/stdin`): it runs its standard input."""
    program = cmd.program
    if program in ("source", "."):
        return bool(cmd.args) and reads_stdin(cmd.args[0])
    if program in SHELLS:
        from ._shells import shell_args

        given = shell_args(program, [Word(a, s) for a, s in zip(cmd.args, cmd.static[1:], strict=False)])
        return not given.has_c and not given.script
    family = _FAMILY.match(program)
    if family is None:
        return False
    kind = family.group(1)
    opts, operands = read(cmd.args, _INTERPRETERS[kind])
    return not _has(opts, *_CODE[kind]) and (not operands or reads_stdin(operands[0]))


def script_of(cmd: Command) -> str | None:
    """The file `cmd` runs as code: its program word when that is a path (`./f`, `/tmp/f`),
    the script of a shell or an interpreter (`bash f`, `python3 -u f.py`), what `source` or
    `.` reads; None for code given inline (`bash -c`, `python -m`), read from stdin (see
    `_runs_stdin`), or none."""
    argv = cmd.argv
    if not argv:
        return None
    if "/" in argv[0]:
        return argv[0]
    program = cmd.program
    if program in ("source", "."):
        return _file(cmd.args[:1])
    if program in SHELLS:
        return _shell_script(program, cmd.args)
    family = _FAMILY.match(program)
    if family is None:
        return None
    kind = family.group(1)
    opts, operands = read(cmd.args, _INTERPRETERS[kind])
    if _has(opts, *_CODE[kind]):
        return None
    if kind == "php" and _has(opts, "f", "file"):
        return _file(_values(opts, "f", "file")[-1:])
    return _file(operands[:1])


def _file(words: list[str]) -> str | None:
    """The first of `words` if it names a file, not the standard input."""
    return words[0] if words and words[0] and not reads_stdin(words[0]) else None


def _shell_script(program: str, args: list[str]) -> str | None:
    """The script file of `sh [options] FILE`: none with `-c` or `-s` (stdin)."""
    i, n = 0, len(args)
    while i < n:
        a = args[i]
        if len(a) < 2 or a[0] not in "-+":
            break
        i += 1
        if a == "--":
            break
        if a.startswith("--"):
            i += a in ("--rcfile", "--init-file") or (program == "zsh" and a == "--emulate")
            continue
        for k, ch in enumerate(a[1:], start=2):
            if ch in "cs" and a[0] == "-":
                return None
            if ch in "oO":
                if program == "zsh" and k < len(a):  # `-oerrexit`: the name attached
                    break
                i += 1
    if i < n and args[i] == "-":
        return None
    return _file(args[i : i + 1])
