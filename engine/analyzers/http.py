"""The `http` analyzer: URLs, method and hosts of a web request or of `curl`/`wget` commands."""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import unquote_to_bytes, urlsplit

from ..celrt import CelObject
from ._command import Command
from ._facts import file_operands, is_network
from .shell import ShellFacts

__all__ = ["HttpFacts", "http_facts"]

URL_KEYS = ("url", "uri", "endpoint", "base_url", "href", "link")
LIST_KEYS = ("urls", "uris", "links")
MAX_URLS = 100
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HOST = re.compile(r"^[\w.:%-]+$")
_SCHEME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_URL_END = frozenset("'\"<>")


def urls_in(text: str) -> list[str]:
    """The URLs in `text`, as `re.findall(r"[A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"<>]+", text)`
    finds them, in time linear in `text`: the regex tries each start of a long run of scheme
    characters, and scans the run to its end each time. Here each `://` is found once, and its
    scheme read back from it."""
    out: list[str] = []
    n = len(text)
    pos = 0
    while (k := text.find("://", pos)) >= 0:
        start = k
        while start > pos and text[start - 1] in _SCHEME_CHARACTERS:
            start -= 1
        while start < k and not ("a" <= text[start].lower() <= "z"):  # the first letter
            start += 1
        end = k + 3
        while end < n and not (text[end] in _URL_END or text[end].isspace()):
            end += 1
        if start == k or end == k + 3:  # no scheme, or nothing after `://`
            pos = k + 1
            continue
        out.append(text[start:end])
        pos = end
    return out


_HTTP_CLIENTS = frozenset({"curl", "wget", "http", "https", "xh", "xhs", "httpie"})
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_LOCAL_NAMES = ("localhost", "host.docker.internal", "gateway.docker.internal")
_METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data"})
"""Names of cloud metadata services (they hand out the machine's credentials): not local.
`instance-data` is also the first name of EC2's (`instance-data.ec2.internal`,
`instance-data.us-west-2.compute.internal`)."""
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("fd00:ec2::254", "fd20:ce::254", "100.100.100.200", "192.0.0.192")
)
"""Metadata services outside the link-local ranges: AWS and Google Cloud over IPv6, Alibaba
Cloud, Oracle Cloud."""
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp", "file"})
"""Schemes in which a browser or Node's `URL` reads `\\` as `/` (WHATWG URL)."""
_IPV4_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")
"""One part of an IPv4 address as `inet_aton` and WHATWG URL read it: hex, octal or decimal
(`0x` alone is 0)."""
_MAX_DIGITS = 11
"""More significant digits than this make a number past 2**32 in any base: no IPv4 address."""
_NAME = re.compile(r"^[\w.-]+$")
"""A host name a client accepts once decoded: no `/`, `@`, `:`, `%`, blank or control."""
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
"""Full stops that IDNA (UTS 46) reads as `.`."""


class HttpFacts(CelObject):
    """Where a call sends requests: `url`, `urls`, `method`, `host`, `hosts`, `scheme`."""

    cel_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "url",
            "urls",
            "method",
            "host",
            "hosts",
            "scheme",
            "is_local",
            "has_credentials",
        }
    )
    cel_methods: ClassVar[frozenset[str]] = frozenset({"host_in"})

    def __init__(self, urls: list[str] | None = None, method: str = "GET", credentials: bool = False) -> None:
        self.urls = urls or []
        self.url = self.urls[0] if self.urls else ""
        self.method = method.upper() if method else "GET"
        parts = [_split(u) for u in self.urls]
        read = [p for p in parts if p is not None]
        # A URL no client reads the way this one does may go anywhere: not local, no host matches.
        self._unreadable = len(read) < len(parts)
        self.hosts = list(dict.fromkeys(h for _, hosts, _ in read for h in hosts))
        self.host = self.hosts[0] if self.hosts else ""
        self.scheme = parts[0][0] if parts and parts[0] is not None else ""
        self.is_local = (
            bool(self.hosts) and not self._unreadable and all(is_local_host(h) for h in self.hosts)
        )
        self.has_credentials = credentials or any(u for _, _, u in read)

    def host_in(self, patterns: Any) -> bool:
        """True if there is a host, every host matches a pattern (`*.example.com`) and
        every URL has a host that can be read."""
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not self.hosts or self._unreadable:
            return False
        cleaned = [_pattern(p) for p in patterns if isinstance(p, str) and p]
        return all(any(host_matches(h, p) for p in cleaned) for h in self.hosts)


def http_facts(tool: str, args: Mapping[str, Any], shell: ShellFacts) -> HttpFacts:
    """Collect the requests of a call. Never raises."""
    try:
        urls: list[str] = []
        method = ""
        credentials = False
        if isinstance(args, Mapping):
            urls.extend(_arg_urls(args))
            if isinstance(args.get("method"), str):
                method = args["method"]
            credentials = _has_auth_header(args.get("headers"))
        for cmd in shell.commands if isinstance(shell, ShellFacts) else []:
            request = _command_request(cmd)
            if request is None:
                continue
            cmd_urls, cmd_method, cmd_credentials = request
            urls.extend(cmd_urls)
            method = method or cmd_method
            credentials = credentials or cmd_credentials
        return HttpFacts(list(dict.fromkeys(urls))[:MAX_URLS], method or "GET", credentials)
    except Exception:  # a bug here must become a fact, never reach the agent: one that fails closed
        return HttpFacts([UNREADABLE], "POST")


UNREADABLE = "?<http facts: internal error>"
"""The URL of a call whose requests could not be found: no host can be read from it, so the call
is neither local nor inside an allow-list, and its method is taken to send data."""


def _arg_urls(args: Mapping[str, Any]) -> Iterator[str]:
    for key in URL_KEYS:
        if isinstance(args.get(key), str) and args[key].strip():
            yield args[key].strip()
    for key in LIST_KEYS:
        value = args.get(key)
        if isinstance(value, list):
            yield from (v.strip() for v in value[:MAX_URLS] if isinstance(v, str) and v.strip())


def _has_auth_header(headers: Any) -> bool:
    if isinstance(headers, Mapping):
        names = [k for k in headers if isinstance(k, str)]
    elif isinstance(headers, list):
        names = [h.split(":", 1)[0] for h in headers if isinstance(h, str)]
    else:
        return False
    return any(
        n.strip().lower() in ("authorization", "proxy-authorization", "x-api-key", "cookie") for n in names
    )


def _command_request(cmd: Command) -> tuple[list[str], str, bool] | None:
    program = cmd.program
    if program not in _HTTP_CLIENTS:
        if not is_network(cmd):
            return None
        urls = [m for a in cmd.args if "://" in a for m in urls_in(a)]
        return (urls, "", False) if urls else None
    if program in ("curl", "wget"):
        return _curl_wget(cmd)
    return _httpie(cmd)


def _curl_wget(cmd: Command) -> tuple[list[str], str, bool]:
    args = cmd.args
    urls = [
        a if _SCHEME.match(a) else "http://" + a
        for a in file_operands(cmd)
        if a and not a.startswith(("{", "$"))
    ]
    method = ""
    credentials = False
    for i, a in enumerate(args):
        value = args[i + 1] if i + 1 < len(args) else ""
        name, _, attached = a.partition("=")
        if name in ("-X", "--request", "--method"):
            method = attached or value
        elif a.startswith("-X") and len(a) > 2:
            method = a[2:]
        elif name in ("--url",):
            urls.append(attached or value)
        elif name in (
            "-d",
            "--data",
            "--data-raw",
            "--data-binary",
            "--data-urlencode",
            "-F",
            "--form",
            "--json",
            "--post-data",
            "--post-file",
        ):
            method = method or "POST"
        elif name in ("-T", "--upload-file"):
            method = method or "PUT"
        elif name in ("-I", "--head"):
            method = method or "HEAD"
        elif name in ("-H", "--header"):
            credentials = credentials or _has_auth_header([attached or value])
        elif name in (
            "-u",
            "--user",
            "--password",
            "--http-user",
            "--http-password",
            "--oauth2-bearer",
            "--aws-sigv4",
            "-E",
            "--cert",
        ):
            credentials = True
    if "G" in cmd.flags or "get" in cmd.flags:
        method = "GET"
    return urls, method, credentials


def _httpie(cmd: Command) -> tuple[list[str], str, bool]:
    positionals = cmd.positionals()
    method = ""
    if positionals and positionals[0].upper() in _METHODS and positionals[0].isupper():
        method, positionals = positionals[0], positionals[1:]
    urls: list[str] = []
    if positionals:
        target = positionals[0]
        scheme = "https://" if cmd.program in ("https", "xhs") else "http://"
        urls.append(target if _SCHEME.match(target) else scheme + target.lstrip(":"))
    items = positionals[1:]
    if not method and any("=" in i for i in items):
        method = "POST"
    credentials = any(i.lower().startswith("authorization:") for i in items) or any(
        f in ("a", "auth") for f in cmd.flags
    )
    return urls, method, credentials


def _split(url: str) -> tuple[str, list[str], bool] | None:
    """(scheme, hosts, has user info) of a URL; None if its host cannot be read (`http://[x`,
    `http://a b/`), which a policy must not take for a local or a known host.

    A URL that clients read differently gives each reading's host: `https://evil.com\\@good.com/`
    goes to `good.com` for Python and curl, to `evil.com` for a browser or Node (WHATWG URL
    reads `\\` as `/`). A host is in its canonical form: `http://0x7f.1/` and
    `http://2130706433/` go to `127.0.0.1`, `[::ffff:169.254.169.254]` to `169.254.169.254`;
    an IPv6 address that carries an IPv4 one gives both (`host_readings`).
    A `file:` URL may name no host (`file:///etc/hosts`)."""
    try:
        text = url if _SCHEME.match(url) else "http://" + url
        scheme = text.split(":", 1)[0].lower()
        texts = [text]
        if "\\" in text and scheme in _SPECIAL_SCHEMES:
            texts.append(text.replace("\\", "/"))
        hosts: list[str] = []
        credentials = False
        for reading in texts:
            parts = urlsplit(reading)
            credentials = credentials or parts.password is not None or bool(parts.username)
            raw = parts.hostname or ""
            if not raw and scheme == "file":
                continue
            reached = host_readings(raw)
            if not all(_HOST.match(h) for h in reached):
                return None
            hosts.extend(reached)
        return scheme, hosts, credentials
    except Exception:  # `urlsplit` rejects some texts (`http://[x`); no bug may drop the other URLs
        return None


def canonical_host(host: str) -> str:
    """`host` as a client connects to it, "" if no client reads it as a host. Never raises.

    Percent escapes are decoded (`%31%36%39.254.169.254`), as curl and WHATWG URL do, and
    fullwidth forms and dots read as IDNA reads them; a trailing dot falls away. An IPv4
    address written as one number, in hex or in octal, or with parts left out (`127.1`, `0x`)
    is in dotted decimal; an IPv6 address is in its compressed form (`fd00:ec2::254`), an
    IPv4 address mapped into IPv6 as that IPv4 address; anything else is lower-cased."""
    if ":" in host:
        return _ipv6_readings(host.lower())[0]
    if "%" in host:
        try:
            host = unquote_to_bytes(host).decode("utf-8")
        except UnicodeError:  # not UTF-8 once decoded, or a lone surrogate before
            return ""
    if not host.isascii():
        import unicodedata  # here: a hook call for an ASCII host does not load it

        host = unicodedata.normalize("NFKC", host).translate(_DOTS)
    host = host.lower().rstrip(".")
    if not _NAME.match(host):
        return ""
    address = _ipv4(host)
    return host if address is None else address


def host_readings(host: str) -> list[str]:
    """The hosts a client may reach when asked for `host`: its canonical form (`canonical_host`)
    and, for an IPv6 address that carries an IPv4 one, that IPv4 address too. Never raises.

    `[64:ff9b::a9fe:a9fe]` is `169.254.169.254` behind a NAT64 gateway, `[::169.254.169.254]`
    through a `sit` tunnel: the metadata and private-range checks must see the IPv4 address.
    Both readings are kept, since which one a client takes depends on its network: a host is
    local only if every reading is, and an allow-list must match every reading."""
    if ":" in host:
        return _ipv6_readings(host.lower())
    return [canonical_host(host)]


def _ipv6_readings(host: str) -> list[str]:
    """An IPv6 address (with its zone, `fe80::1%eth0`) compressed, then the IPv4 addresses it
    carries; one that maps an IPv4 address (`::ffff:a9fe:a9fe`) is that address alone, as
    every dual-stack client connects to it; `host` alone if it is no IPv6 address."""
    address, percent, zone = host.partition("%")
    try:
        ip = ipaddress.IPv6Address(address)
    except ValueError:
        return [host]
    if ip.ipv4_mapped is not None:
        return [str(ip.ipv4_mapped)]
    carried = [str(v4) for v4 in dict.fromkeys(_carried_ipv4(ip)) if v4.packed[0] != 0]
    return [f"{ip}{percent}{zone}", *carried]


_NAT64_PREFIXES = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
)
"""Prefixes whose last 32 bits are an IPv4 address a translator reaches: NAT64's well-known
prefix, its local-use prefix (RFC 8215), SIIT's IPv4-translated addresses (RFC 2765)."""
_LINK_LOCAL = ipaddress.IPv6Network("fe80::/10")
_ISATAP_IDS = (0x00005EFE, 0x02005EFE)
"""The upper half of an ISATAP interface identifier (RFC 5214): its lower half is the IPv4
address of the tunnel's far end."""


def _carried_ipv4(ip: ipaddress.IPv6Address) -> Iterator[ipaddress.IPv4Address]:
    """The IPv4 addresses a packet for `ip` may be sent to: the address behind a NAT64 or
    SIIT translator, the tunnel end of an IPv4-compatible (`::a.b.c.d`, `sit`), 6to4, Teredo
    or ISATAP address, and of a link-local address whose interface identifier is an IPv4
    address (`fe80::a.b.c.d`, what Linux gives a `sit` tunnel)."""
    value = int(ip)
    low = ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if value >> 32 == 0 or any(ip in prefix for prefix in _NAT64_PREFIXES):
        yield low
    if ip.sixtofour is not None:
        yield ip.sixtofour
    if ip.teredo is not None:
        yield from ip.teredo
    interface_id = value & 0xFFFFFFFFFFFFFFFF
    if interface_id >> 32 in _ISATAP_IDS or (interface_id >> 32 == 0 and ip in _LINK_LOCAL):
        yield low


def _ipv4(host: str) -> str | None:
    """`host` in dotted decimal if `inet_aton` and WHATWG URL read it as an IPv4 address."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.match(p) for p in parts):
        return None
    numbers: list[int] = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            return None
        numbers.append(number)
    last = numbers.pop()
    if any(n > 255 for n in numbers) or last >= 256 ** (4 - len(numbers)):
        return None
    value = sum(n << (8 * (3 - i)) for i, n in enumerate(numbers)) + last
    return str(ipaddress.IPv4Address(value))


def _ipv4_number(part: str) -> int | None:
    """One part of an IPv4 address (matched by `_IPV4_PART`); None if it is too long to be one."""
    if part[:2] == "0x":
        digits, base = part[2:], 16
    elif part[:1] == "0":
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    digits = digits.lstrip("0")
    if len(digits) > _MAX_DIGITS:
        return None
    return int(digits, base) if digits else 0


def is_local_host(host: str) -> bool:
    """Loopback, private ranges and local names; not link-local addresses nor the names and
    addresses of cloud metadata services, which hand out credentials; not a host that cannot
    be read."""
    return all(_is_local_reading(h) for h in host_readings(host.strip("[]")))


def _is_local_reading(host: str) -> bool:
    """`is_local_host` of one canonical host."""
    if (
        not host
        or host in _METADATA_NAMES
        or (host.startswith("instance-data.") and host.endswith(".internal"))
    ):
        return False
    if host in _LOCAL_NAMES or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:  # a zone (`fe80::1%eth0`) belongs to an IPv6 address only
        address = ipaddress.ip_address(host.split("%", 1)[0] if ":" in host else host)
    except ValueError:
        return False
    if address.is_link_local or address in _METADATA_ADDRESSES:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def _pattern(pattern: str) -> str:
    pattern = pattern.strip().lower()
    if _SCHEME.match(pattern):
        pattern = pattern.split("://", 1)[1]
    return (
        pattern.split("/", 1)[0].split(":", 1)[0]
        if not pattern.startswith("[")
        else pattern.split("]", 1)[0] + "]"
    )


def host_matches(host: str, pattern: str) -> bool:
    """`*.example.com` matches subdomains (not the apex); other patterns are fnmatch."""
    host = host.lower()
    if pattern.startswith("*.") and "*" not in pattern[2:] and "?" not in pattern[2:]:
        return host.endswith(pattern[1:])
    return fnmatch.fnmatchcase(host, pattern)


_GIT_REWRITE = re.compile(r"(?:--c[a-z-]*=|-[a-z0-9]*c)?url\.(.*?)\.(?:push)?insteadof(?:=(.*))?", re.S)
"""A git URL rewrite, lower-cased: `url.<base>.insteadOf` (or `pushInsteadOf`), as a `git
config` key or a `-c`/`--config` setting with its value after `=`."""


def reroutes_urls(cmd: Command) -> bool:
    """`cmd` is git told to rewrite URLs (`url.<base>.insteadOf <prefix>`, `pushInsteadOf`,
    set by `git config` or given by `-c`, `--config`), and a rewrite sends them elsewhere: to
    another host or another path, to a place that cannot be read, or from an encrypted
    scheme to a plain one. Only a rewrite that changes the user, the port or the scheme of
    one place, to HTTPS or SSH, stays (the usual CI credential,
    `url.https://TOKEN@github.com/.insteadOf https://github.com/`, or `git@github.com:` for
    `https://github.com/`); `url.https://github.com/evil/.insteadOf
    https://github.com/good/` swaps one repository for another on the same host. A word
    only run time knows counts as read only when its expansions are plain variables in the
    user part (`https://x:${GH_TOKEN}@github.com/`): a command's output may hold a `/` that
    moves the host. A renamed `url.` section (`--rename-section`) moves its rewrites."""
    if cmd.program != "git":
        return False
    args = cmd.args
    static = cmd.static[1:]
    config = cmd.subcommand == "config"
    renames = config and any(a in ("--rename-section", "rename-section") for a in args)
    if renames and any(a.lower().startswith("url.") for a in args):
        return True
    if config and _reads_config(args):
        return False
    for i, a in enumerate(args):
        if "insteadof" not in (lowered := a.lower()):
            continue
        found = _GIT_REWRITE.fullmatch(lowered)
        if found is None:
            continue
        base, value = found.group(1), found.group(2)
        known = i >= len(static) or static[i]
        if value is None:
            if not config:
                continue
            value = args[i + 1].lower() if i + 1 < len(args) else ""  # none: a read or an unset
            value_known = i + 1 >= len(static) or static[i + 1]
        else:
            value_known = known
        place = _place(base if known else _user_variables_read(base))
        if place is None or place[0] is None:
            return True
        other = _place(value if value_known else _user_variables_read(value))
        if other is None or place[1:] != other[1:]:
            return True
        if place[0] != other[0] and place[0] not in _ENCRYPTED:  # `http://` for `https://`
            return True
    return False


def _reads_config(args: list[str]) -> bool:
    """`git config ARGS` reads or removes keys (`--get`, `--list`, `--unset`, `get`...): it
    sets no rewrite, whatever keys it names."""
    if any(a in _CONFIG_READ_OPTIONS for a in args):
        return True
    after = args[args.index("config") + 1 :] if "config" in args else []
    action = next((a for a in after if a not in _CONFIG_SCOPES), "")
    return action in _CONFIG_READ_ACTIONS


_CONFIG_READ_OPTIONS = frozenset(
    {"--get", "--get-all", "--get-regexp", "--get-urlmatch", "-l", "--list", "--unset", "--unset-all",
     "--remove-section", "--get-color", "--get-colorbool"}
)  # fmt: skip
"""The options of `git config` that make it read or remove keys."""
_CONFIG_READ_ACTIONS = frozenset({"get", "list", "unset", "remove-section"})
"""The actions of `git config ACTION` (git 2.46) that read or remove keys."""
_CONFIG_SCOPES = frozenset({"--global", "--system", "--local", "--worktree"})
"""Options of `git config` that may come before its action, and take no value."""

_ENCRYPTED = frozenset({"https", "ssh", "git+ssh", "ssh+git"})
_PLAIN_VARIABLE = re.compile(r"\$(?:[a-z_][a-z0-9_]*|\{[a-z_][a-z0-9_]*\})")


def _user_variables_read(location: str) -> str:
    """`location`, a lowercased word only run time knows, with the plain variables of its user
    part (`${gh_token}` of `https://x:${gh_token}@github.com/`) made a fixed name; "" when any
    other expansion is left (a command's output, a variable in the host or the path)."""
    scheme, sep, rest = location.partition("://")
    if sep:
        authority, slash, tail = rest.partition("/")
        user, at, host = authority.rpartition("@")
        if at:
            location = f"{scheme}://{_PLAIN_VARIABLE.sub('x', user)}@{host}{slash}{tail}"
    return "" if "$" in location or "`" in location else location


def _place(location: str) -> tuple[str | None, frozenset[str], str, str, str] | None:
    """The scheme, hosts, path (without its outer `/`), query and fragment a git URL or
    scp-like location (`git@host:path`, whose scheme is `ssh`) names; None when no host can
    be read."""
    head, colon, rest = location.partition(":")
    if colon and not rest.startswith("//") and "/" not in head:  # scp-like: `[user@]host:path`
        scheme: str | None = "ssh"
        split, path, query, fragment = _split("ssh://" + head), rest, "", ""
    else:
        split = _split(location)
        try:
            parts = urlsplit(location)
        except ValueError:
            return None
        scheme, path, query, fragment = parts.scheme or None, parts.path, parts.query, parts.fragment
    if split is None or not split[1]:
        return None
    return scheme, frozenset(split[1]), path.strip("/"), query, fragment
