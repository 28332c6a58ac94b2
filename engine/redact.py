"""Keep secrets out of the log: replace them by a marker with their kind and a short hash."""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # compiled on first use, see `__getattr__`
    PATTERNS: list[tuple[str, re.Pattern[str]]]
    SECRET_KEYS: re.Pattern[str]
    _GATES: dict[str, re.Pattern[str]]
    _MAYBE: re.Pattern[str]

MAX_DEPTH = 32
MAX_NODES = 200_000
"""Values one redaction walks at most (arguments are bounded to 25,000 before any rule runs)."""
MAX_TEXT = 32_768
"""Characters of text a redacted value keeps in all: past them, a string is cut (see `cut_text`).
Redaction costs time per character and per secret found, and a record is no place for a
megabyte of arguments (`args_sha256` in the log still stands for the whole of them)."""
MAX_STRING = 8_192
"""Characters one string keeps, at most."""
TRUNCATED_TEXT = "[TRUNCATED:text]"
TRUNCATED_KEY = "[TRUNCATED]"
"""The field that stands for the fields of a dict left out once `MAX_TEXT` is spent."""
_ITEM_COST = 16
"""What a list item or a dict field costs of `MAX_TEXT` besides its text: a value keeps at
most 2,048 of them (each string is redacted on its own, at a cost of its own)."""
_LONGEST = MAX_STRING + _ITEM_COST
"""What a string field of `MAX_STRING` characters costs of `MAX_TEXT`."""
_CUT_WINDOW = 1_024
_SEPARATORS = " \t\n\r\"',;&|<>()[]{}`"
"""Where `cut_text` may cut: between tokens."""
DROPPED = "[DROPPED]"
MAX_UNLOGGED = 4_096
"""Values past the text budget looked at for what their field name or argv flag hides."""
UNSEEN = "\x00unseen"
"""Put in `seen` when values past the text budget were left unlooked at: a message may quote
one of them, so messages cannot be scrubbed value by value (see `redact_policy`)."""
_SCALARS = frozenset({int, float, bool, type(None)})

_SECRET_KEYS = (
    # a secret word, alone or ending a name: after `_`, `-`, `.` or a camelCase hump (`accessToken`)
    r"(?i)^(?:.*[_.-]|.*(?-i:[a-z0-9](?=[A-Z])))?(password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"secret[_-]?key|private[_-]?key|client[_-]?secret|authorization|auth|cookie|session[_-]?key|credentials?)$"
)
"""Field names whose value is a secret (`SECRET_KEYS`, compiled)."""

_Q = r"""(?:'[^'\n]+'|"[^"\n]+"|[^\s'"]+)"""
"""A command-line value: single-quoted, double-quoted or bare."""

_B = r"(?<![A-Za-z0-9_])"
_E = r"(?![A-Za-z0-9_])"
"""Where a token starts and ends: not inside an ASCII word (`\\b` would also refuse a token
next to a letter of another script, `令牌ghp_...`)."""

_QUOTE = r"""["'”’]"""
"""A quote that may close a name: straight, or typographic (text pasted from a document)."""

_NOT_REF = r"""(?!\\?["']?(?:\[REDACTED|\$|<|\{\{|%\(|[0-9a-f]{8}\]))"""
"""Not a marker (nor the tail of one), nor a reference to a secret kept elsewhere: `$VAR`,
`${{ secrets.X }}`, `<placeholder>`, `%(name)s`; quoted, with its quote escaped maybe (`\\"`)."""

# (kind, pattern, triggers): the whole match is the secret unless the pattern has a group named
# `s`. Every match holds one of its (lowercase) triggers, so text whose lowercase form holds none
# of them cannot match, and the pattern is not run on it. Order matters: a secret is redacted by
# the first pattern that finds it, and later patterns skip markers.
_TABLE: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "private_key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?"
        r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)",
        ("private key",),
    ),
    (
        "private_key_base64",
        # `-----BEGIN ` then, within a few words, `PRIVATE KEY` at any of its 3 base64 alignments
        r"LS0tLS1CRUdJTi[A-Za-z0-9+/]{0,40}?(?:UFJJVkFURSBLRV|BSSVZBVEUgS0VZ|QUklWQVRFIEtFW)"
        r"(?:[A-Za-z0-9+/=]|\r?\n(?=[A-Za-z0-9+/]))*",
        ("ls0tls1crudjti",),
    ),
    (
        "slack_webhook",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]+",
        ("hooks.slack.com",),
    ),
    (
        "discord_webhook",
        r"https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]+",
        ("/api/webhooks/",),
    ),
    (
        "curl_user",
        r"""(?:^|(?<=\s))(?:-u|--user)[\s=]*["']?(?!\[REDACTED)[^\s:'"]+:(?!//|\[REDACTED)(?P<s>[^\s'"]+)""",
        ("-u",),
    ),
    ("aws_access_key", _B + r"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}" + _E, ("akia", "asia", "abia", "acca")),
    (
        "aws_secret_key",
        _B
        + r"""(?i:(?:aws_?)?secret_?access_?key\\?["']?(?:\s*[=:]\s*|\s+)\\?["']?)"""
        + r"(?P<s>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        ("secret",),
    ),
    (
        "aws_session_token",
        _B + r"(?:IQoJb3JpZ2luX2V[jk]|FwoGZXIvYXdz)[A-Za-z0-9/+=]{64,}"
        r"""|(?i:(?:aws_?)?session_?token\\?["']?(?:\s*[=:]\s*|\s+)\\?["']?)(?P<s>[A-Za-z0-9/+=]{64,})""",
        ("iqojb3jpz2lux2v", "fwogzxivyxdz", "session_token", "sessiontoken"),
    ),
    (
        "github_token",
        _B + r"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})" + _E,
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    (
        "gitlab_token",
        _B + r"gl(?:pat|dt|rt|ptt|soat|cbt|ft|imt)-[A-Za-z0-9_-]{20,}",
        ("glpat-", "gldt-", "glrt-", "glptt-", "glsoat-", "glcbt-", "glft-", "glimt-"),
    ),
    (
        "slack_token",
        _B + r"(?:xox[abeoprs]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]{10,})",
        ("xox", "xapp-"),
    ),
    ("anthropic_key", _B + r"sk-ant-[A-Za-z0-9_-]{20,}", ("sk-ant-",)),
    (
        "openai_key",
        _B + r"sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|(?=[A-Za-z_-]{0,40}[0-9])[A-Za-z0-9_-]{20,})",
        ("sk-",),
    ),
    (
        "stripe_key",
        _B + r"(?:[rs]k_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})" + _E,
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"),
    ),
    ("google_api_key", _B + r"AIza[0-9A-Za-z_-]{35}", ("aiza",)),
    ("google_oauth_secret", _B + r"GOCSPX-[A-Za-z0-9_-]{28}", ("gocspx-",)),
    ("sendgrid_key", _B + r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}", ("sg.",)),
    ("twilio_key", _B + r"SK[0-9a-fA-F]{32}" + _E, ("sk",)),
    ("npm_token", _B + r"npm_[A-Za-z0-9]{36}" + _E, ("npm_",)),
    ("pypi_token", _B + r"pypi-AgE[A-Za-z0-9_-]{50,}", ("pypi-age",)),
    ("huggingface_token", _B + r"(?:hf_|api_org_)[A-Za-z0-9]{30,}" + _E, ("hf_", "api_org_")),
    ("jwt", _B + r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", ("eyj",)),
    ("mailgun_key", _B + r"key-[0-9a-f]{32}" + _E, ("key-",)),
    ("docker_token", _B + r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{24,}", ("dckr_pat_", "dckr_oat_")),
    ("databricks_token", _B + r"dapi[0-9a-f]{32}(?:-[0-9])?" + _E, ("dapi",)),
    (
        "shopify_token",
        _B + r"shp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}" + _E,
        ("shpat_", "shpss_", "shpca_", "shppa_"),
    ),
    ("digitalocean_token", _B + r"do[opr]_v1_[0-9a-f]{64}" + _E, ("dop_v1_", "doo_v1_", "dor_v1_")),
    ("vault_token", _B + r"hv[sbr]\.[A-Za-z0-9_-]{24,}", ("hvs.", "hvb.", "hvr.")),
    ("heroku_token", _B + r"HRKU-[A-Za-z0-9_-]{40,}", ("hrku-",)),
    (
        "docker_auth",
        # the base64 of `user:password` in a Docker `config.json` or an `.npmrc`
        r"""(?:"auth"\s*:\s*"|(?<![A-Za-z0-9_.-])_auth\s*=\s*)(?=[A-Za-z]*[0-9+/=])"""
        r"(?P<s>[A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])",
        ('"auth"', "_auth"),
    ),
    (
        "azure_key",
        _B + r"(?i:AccountKey|SharedAccessKey|SharedSecret)\s*=\s*(?!\[REDACTED)(?P<s>[^;\"'\s]+)",
        ("accountkey", "sharedaccesskey", "sharedsecret"),
    ),
    ("azure_sas", r"[?&]sig=(?P<s>[A-Za-z0-9%+/=]{16,})", ("sig=",)),
    (
        "url_password",
        _B + r"""(?i:[a-z][a-z0-9+.-]*://)[^\s:/@'"]*:(?!\[REDACTED)(?P<s>[^\s/'"]+)@""",
        ("://",),
    ),
    (
        "bearer",
        r"(?i)" + _B + r"(?:bearer|token)\s+(?!\[REDACTED|-)(?P<s>[A-Za-z0-9._~+/=-]{16,})",
        ("bearer", "token"),
    ),
    (
        "authorization",
        r"""(?i)(?<![\w:-])(?:proxy-)?authorization["']?\s*[:=]\s*["']?"""
        # the scheme, then a space, or quotes around a line continuation (`Bearer '\\\n'`)
        r"""(?:(?:basic|bearer|token|digest|bot|apikey|sso-key)(?:\s+|\s*["'](?:\s*\\)?\s*["']))?"""
        + _NOT_REF
        + r"(?P<s>[A-Za-z0-9._~+/=:-]{8,})",
        ("authorization",),
    ),
    (
        "cookie",
        # a Cookie or Set-Cookie header's pairs (to the end of the line or of the quoted text),
        # and curl's `-b`/`--cookie` given pairs (not the name of a cookie jar's file); a
        # cookie's name is looked for within 64 characters, so a failed match costs no more
        r"""(?i)(?<![\w-])(?:set-)?cookie["']?\s*:\s*"""
        + _NOT_REF
        + r"""(?:(?=[^\s=;"']{1,64}=)(?P<s>[^\s"'\\][^\r\n"'\\]*)"""
        r"""|["'](?=[^\s=;"']{1,64}=)(?P<s4>[^"'\r\n\\]+))"""
        r"""|(?<![\w-])(?:-b|--cookie)(?:\s+|=)(?:["'](?=[^"'\s=]{1,64}=)(?P<s2>[^"'\n]+)"""
        r"""|(?=[^\s"'=]{1,64}=)(?P<s3>[^\s"']+))""",
        ("cookie", "-b"),
    ),
    (
        "netrc_password",
        r"""(?<![A-Za-z0-9_-])(?:login|machine)\s+[^\s'"]+\s+(?:account\s+[^\s'"]+\s+)?"""
        r"""password\s+(?!\[REDACTED)(?P<s>[^\s'"\\]+)""",
        ("password",),
    ),
    (
        "cli_password",
        r"\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n;&|]{0,300}?\s-p(?!\[REDACTED)(?P<s>"
        + _Q
        + r")"
        + r"|\b(?:sshpass|(?:docker|podman|buildah|nerdctl)\s+login|helm\s+registry\s+login|twine)\b"
        r"[^\n;&|]{0,300}?\s-p\s*(?!\[REDACTED)(?P<s2>" + _Q + r")"
        r"|\bredis-cli\b[^\n;&|]{0,300}?\s-a\s+(?!\[REDACTED)(?P<s3>" + _Q + r")"
        # `--password`, `--http-password`, `--github-token`, not `--no-password` nor `--ask-pass`
        r"|--(?!(?:no|ask|skip|prompt|use|with|show|hide|require|reset|change|max|min)-)(?:[a-z0-9]+-)?"
        r"(?:password|passwd|pass|token|api-?key|secret|auth-token|access-token)"
        r"(?:=|\s+)(?!-)" + _NOT_REF + r"(?P<s4>" + _Q + r")"
        # openssl's `-passout pass:X`; keytool's and jarsigner's `-storepass X`, `-srckeypass X`
        r"""|-(?<!\S-)(?:pass(?:in|out|word)?\s+["']?pass:(?!\[REDACTED)(?P<s5>[^\s'"]+)"""
        r"|(?:src|dest|new)?(?:store|key)pass\s+(?!-)" + _NOT_REF + r"(?P<s6>" + _Q + r"))",
        (
            "mysql",
            "mariadb",
            "sshpass",
            "login",
            "twine",
            "redis-cli",
            "-pass",
            "-token",
            "-api",
            "-secret",
            "-auth",
            "-access",
            "storepass",
            "keypass",
        ),
    ),
    (
        "env_secret",
        # a name starts here, and a separator follows it: cheap, and it keeps the rest rare
        r"(?i)(?<![A-Za-z0-9_.-])(?=[A-Za-z0-9_.-]+" + _QUOTE + r"?\s*[:=%])"
        r"(?:[A-Za-z0-9_.-]*?(?:SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?"
        r"|(?:API|ACCESS|PRIVATE|SECRET|ENCRYPTION|SIGNING|AUTH|MASTER|APP|APPLICATION)[_-]?KEY)"
        r"|(?:[A-Za-z0-9]+[_.-])+(?:PASS|PWD))"
        r"(?![_.-]?(?:RESET|FILE|PATH|LENGTH|LEN|MIN|MAX|POLICY|HINT|PROMPT|URL|URI|PAGE|TTL|EXPIRY|EXPIRES"
        r"|LIMIT|COUNT|TYPE|NAME|FIELD|HEADER|ENV|VAR|REQUIRED|ENABLED|ID)(?![A-Za-z0-9]))"
        r"(?:[_.-][A-Za-z0-9_.-]*|(?-i:[A-Z][a-z][A-Za-z0-9_]*))?"
        + _QUOTE
        + r"?\s*(?::=|=>|[:=]|%3D)\s*"
        + _NOT_REF
        + r"(?!(?:string|number|boolean|str|int|bool|any|true"
        r"|false|null|none|undefined|nil)\b)"
        r"(?![{\[](?:\s|[\"'{\[]|$))"  # nor a JSON object or list that opens there
        r"""(?P<s>\\?"[^"\n]+"|\\?'[^'\n]+'|“[^”\n]+”|‘[^’\n]+’|[^\s"';&|,}]+)""",
        ("secret", "token", "pass", "pwd", "key", "credential"),
    ),
]

KINDS: tuple[str, ...] = tuple(kind for kind, _, _ in _TABLE)
"""The kinds of the built-in secrets, in the order their patterns (`PATTERNS`) are applied."""

_TRIGGERS: dict[str, tuple[str, ...]] = {kind: triggers for kind, _, triggers in _TABLE}
"""Per kind, lowercase strings one of which every match of its pattern holds."""

_GATE_SOURCES: dict[str, str] = {
    # A name holding a secret word, the rest of the name, a quote maybe, then `:` or `=`.
    "env_secret": r"""(?:secret|token|pass|pwd|key|credential)[a-z0-9_.-]*["'”’]?\s*(?:[:=]|%3d)""",
    # A cookie header or `--cookie`, or curl's `-b` with its value (`-b` alone is common in code).
    "cookie": r"cookie|-b[\s=]",
}
"""Per kind, a search that every match of its pattern implies, run on the lowercased text
once a trigger is found: cheaper than the pattern where a trigger is common (`key` in code).
(`_GATES`, compiled.)"""

_BUILTIN: list[tuple[str, str, tuple[str, ...], str | None]] = [
    (kind, rx, _TRIGGERS[kind], _GATE_SOURCES.get(kind)) for kind, rx, _ in _TABLE
]
"""(kind, pattern, triggers, gate) of the built-in secrets, the patterns as text: each is
compiled (`_regex`) the first time a text holds one of its triggers."""

_COARSE = (
    "key", "token", "secret", "pass", "pwd", "bearer", "credential", "authorization", "private",
    "akia", "asia", "abia", "acca", "gh", "github_pat", "gl", "xox", "xapp", "sk", "rk_", "whsec",
    "aiza", "gocspx", "sg.", "npm_", "pypi", "hf_", "api_org", "eyj", "://", "hooks", "sig=",
    "mysql", "mariadb", "login", "twine", "redis-cli", "-u", "-api", "-auth", "-access", "ls0tls1",
    "iqojb3", "fwogzx", "dckr", "dapi", "shp", "_v1_", "hv", "hrku", '"auth"', "_auth", "cookie", "-b",
)  # fmt: skip
"""Short strings one of which every trigger holds (a test checks it)."""


_RARE = 'zqjx0=:"._-vkywbfgpdhcs'
"""Characters of the coarse words, the rarest first in what tool calls hold (commands, paths,
code, prose): each word is looked for at its rarest character."""


def _anchored(words: tuple[str, ...]) -> str:
    """A regex that finds any of `words`, each at its rarest character (`_RARE`), the rest of
    the word checked around it: `y(?<=py)(?=pi)`, `k(?=ey)|k(?<=sk)`... The search skips, in C,
    the characters no word is looked for at, and stops at the others: about a quarter of the
    characters of the corpus's tool calls, where the words' first letters are 60% of them."""
    checks: dict[str, list[str]] = {}
    for word in words:
        at = next((word.index(char) for char in _RARE if char in word), 0)
        behind = f"(?<={re.escape(word[: at + 1])})" if at else ""
        ahead = f"(?={re.escape(word[at + 1 :])})" if at + 1 < len(word) else ""
        checks.setdefault(word[at], []).append(behind + ahead)
    return "|".join(
        re.escape(char) + ("" if "" in around else "(?:" + "|".join(around) + ")")
        for char, around in sorted(checks.items())
    )


def _maybe_first(low: str) -> re.Match[str] | None:
    """`_MAYBE.search(low)`, for the first text: it compiles `_MAYBE` and puts its `search` in
    place of this function, so that later texts cost what a pattern compiled at import would."""
    global _maybe
    _maybe = _regex(_anchored(_COARSE)).search
    return _maybe(low)


_maybe: Callable[[str], re.Match[str] | None] = _maybe_first
"""`_MAYBE.search`: a cheap test every secret pattern implies, run on the lowercased text: text
without any of these holds no secret. (One search for a few literals; the per-pattern triggers
then pick the patterns worth running.)"""

_GROUPS = ("s", "s2", "s3", "s4", "s5", "s6")


_SECRET_FLAG = (
    r"(?i)--(?!(?:no|ask|skip|prompt|use|with|show|hide|require|reset|change|max|min)-)(?:[a-z0-9]+-)?"
    r"(?:password|passwd|pass|token|api-?key|secret|auth-token|access-token)"
    r"|-(?:src|dest|new)?(?:store|key)pass"
)
"""An argv item whose next item is a secret (the flags of `cli_password`, alone)."""
_USER_FLAGS = frozenset({"-u", "--user", "--proxy-user"})
"""Flags whose next argv item is `user:password`."""


@functools.cache
def _regex(source: str) -> re.Pattern[str]:
    """`source` compiled, once, when first needed: compiling all of this module's patterns
    takes about 10 ms, which a process that logs nothing (a hook without `--log`) need not
    spend, and a text that holds none of a pattern's triggers never needs that pattern."""
    return re.compile(source)


_COMPILED: dict[str, Callable[[], Any]] = {
    "PATTERNS": lambda: [(kind, _regex(rx)) for kind, rx, _ in _TABLE],
    "SECRET_KEYS": lambda: _regex(_SECRET_KEYS),
    "_GATES": lambda: {kind: _regex(rx) for kind, rx in _GATE_SOURCES.items()},
    "_MAYBE": lambda: _regex(_anchored(_COARSE)),
}
"""The module's compiled patterns, by name, made on first use (PEP 562)."""


def __getattr__(name: str) -> Any:
    """`PATTERNS` ((kind, pattern) of the built-in secrets, in the order they are applied) and
    `SECRET_KEYS` (field names whose value is a secret), compiled on first use."""
    make = _COMPILED.get(name)
    if make is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = make()
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_COMPILED})


def marker(kind: str, secret: str) -> str:
    """The replacement of a secret: its kind and the first 8 hex digits of its SHA-256."""
    return f"[REDACTED:{kind}:{hashlib.sha256(secret.encode()).hexdigest()[:8]}]"


def redact_text(text: str, found: dict[str, str] | None = None) -> str:
    """`text` with every secret it holds replaced by a marker (a policy's own patterns are
    applied by `redact_policy.CompiledRedaction.text`, after these); `found` collects each
    secret replaced, with its marker (to find it again where it is quoted, escaped or cut)."""
    if len(text) >= 8:
        low = _lower(text)
        if _maybe(low) is not None:
            given = text
            for kind, rx, triggers, gate in _BUILTIN:
                for trigger in triggers:  # a plain loop: cheaper than any() over a generator
                    if trigger in low:
                        if gate is None or _regex(gate).search(low if text is given else _lower(text)):
                            text = _regex(rx).sub(_replacer(kind, found), text)
                        break
    return text


def _lower(text: str) -> str:
    """`text` lowercased for the pre-tests, with the letters that a case-insensitive pattern
    takes for an ASCII one (`ſ` for `s`, `ı` and `İ` for `i`) made that letter."""
    low = text.lower()
    if not low.isascii():
        low = low.replace("ſ", "s").replace("ı", "i").replace("i\u0307", "i")
    return low


def _replacer(kind: str, found: dict[str, str] | None) -> Callable[[re.Match[str]], str]:
    def replace(m: re.Match[str]) -> str:
        for name in _GROUPS:
            if name in m.re.groupindex and m.group(name) is not None:
                start, end = m.span(name)
                base = m.start()
                whole = m.group(0)
                return whole[: start - base] + _hide(kind, m.group(name), found) + whole[end - base :]
        return _hide(kind, m.group(0), found)

    return replace


def _hide(kind: str, secret: str, found: dict[str, str] | None) -> str:
    hidden = marker(kind, secret)
    if found is not None:
        found[secret] = hidden
        if len(secret) > 2 and secret[0] == secret[-1] and secret[0] in "\"'":
            found[secret[1:-1]] = hidden  # a message may quote the value otherwise
    return hidden


SECRET_NAMES = 4096
SECRET_NAME_CHARS = 64
"""At most this many field names of at most this many characters are remembered as secret or not."""
_secret_names: dict[str, bool] = {}


def _is_secret_field(name: str) -> bool:
    """Whether a field of this name holds a secret (`_SECRET_KEYS`)."""
    secret = _secret_names.get(name)
    return _learn_name(name) if secret is None else secret


def _learn_name(name: str) -> bool:
    """`_is_secret_field` of a name not remembered yet: names repeat from call to call (`command`,
    `file_path`), so a short one is remembered, in a bounded dict."""
    secret = _regex(_SECRET_KEYS).match(name) is not None
    if len(name) <= SECRET_NAME_CHARS:
        if len(_secret_names) >= SECRET_NAMES:
            _secret_names.clear()
        _secret_names[name] = secret
    return secret


def _is_marker(text: str) -> bool:
    return (text.startswith("[REDACTED:") and text.endswith("]")) or text == DROPPED


def cut_text(text: str, limit: int) -> str:
    """The head of `text` a record keeps: at most `limit` characters, ending before the token
    that runs across the limit (at the last separator of the last `_CUT_WINDOW` characters,
    else that many characters short), so no secret is kept in part where its pattern, which
    needs the whole token, would not see it (a PEM block cut short is still matched)."""
    head = text[:limit]
    floor = max(0, limit - _CUT_WINDOW)
    at = max(head.rfind(sep, floor) for sep in _SEPARATORS)
    return head[: at if at >= floor else floor]


def redact(value: Any, depth: int = 0) -> Any:
    """A copy of a JSON-like value with secrets replaced (by key name, then by pattern); a
    policy's own patterns and dropped fields are `redact_policy.CompiledRedaction.call`'s."""
    return redact_with(value, redact_text, depth=depth)


def redact_with(
    value: Any,
    text: Callable[[str], str],
    *,
    depth: int = 0,
    seen: dict[str, str] | None = None,
) -> Any:
    """`redact`, with `text` redacting each string; `seen` collects each value hidden because
    of its field name, with the marker that replaced it (to find it again in free text).

    At most `MAX_NODES` values are walked (a value that shares itself, `d["a"] = d`, would
    otherwise take exponential time): what lies beyond is logged as `[TRUNCATED:size]`.
    """
    return _Walk(text, seen).walk(value, depth)


def redact_fields(
    value: dict[Any, Any],
    text: Callable[[str, dict[str, str] | None], str],
    seen: dict[str, str] | None,
    clean: set[str] | frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """`redact_with(value, lambda s: text(s, seen), seen=seen)` for a dict (exactly a dict; a
    text in `clean` is known to come out of `text` unchanged).

    The common call, a few fields of short text and numbers, costs one loop here; from the
    first field that needs more (a container, a text past a budget, a key that is not text),
    a walk takes over, with the budgets as they stand.
    """
    out: dict[str, Any] = {}
    if not value:
        return out
    if len(value) >= MAX_NODES:  # the loop counts a value per field: it must never run out
        walked: dict[str, Any] = redact_with(value, lambda s: text(s, seen), seen=seen)
        return walked
    chars = MAX_TEXT
    hidden = 0  # fields hidden for their name, which the walk does not count as values
    names = _secret_names
    rest = iter(value.items())
    for key, item in rest:
        kind = type(item)
        if type(key) is not str:
            break
        if kind is str:
            n = len(item) + _ITEM_COST
            if n > chars or n > _LONGEST:
                break
            if item:
                secret = names.get(key)
                if (_learn_name(key) if secret is None else secret) and not _is_marker(item):
                    out[key] = mark = marker("field", item)
                    if seen is not None:
                        seen[item] = mark
                    chars -= _ITEM_COST
                    hidden += 1
                    continue
            chars -= n
            out[key] = item if item in clean else text(item, seen)
        elif chars < _ITEM_COST:
            break
        elif kind is int or kind is float:
            chars -= _ITEM_COST
            if _is_secret_field(key):
                out[key] = DROPPED  # see `_Walk.fields`
                hidden += 1
            else:
                out[key] = item
        elif kind is bool or item is None:
            chars -= _ITEM_COST
            out[key] = item
        else:
            break
    else:
        return out
    walk = _Walk(lambda s: text(s, seen), seen)
    walk.chars = chars
    walk.left = MAX_NODES - 1 - len(out) + hidden  # the dict, and each field not hidden
    return walk.more_fields(out, itertools.chain(((key, item),), rest), 0)


class _Walk:
    """One walk of `redact_with`, counting the values it visits."""

    __slots__ = ("chars", "left", "seen", "text", "unlogged_left")

    def __init__(self, text: Callable[[str], str], seen: dict[str, str] | None) -> None:
        self.text = text
        self.seen = seen
        self.left = MAX_NODES
        self.chars = MAX_TEXT
        self.unlogged_left = MAX_UNLOGGED

    def string(self, value: str) -> str:
        """`value` redacted; its head only, cut between tokens, once it is longer than
        `MAX_STRING` or than what is left of `MAX_TEXT` (nothing of it when nothing is)."""
        n = len(value)
        if n <= MAX_STRING and n <= self.chars:
            self.chars -= n
            return self.text(value)
        keep = min(MAX_STRING, self.chars)
        self.chars -= keep
        if keep <= len(TRUNCATED_TEXT):
            return TRUNCATED_TEXT
        return self.text(cut_text(value, keep - len(TRUNCATED_TEXT))) + TRUNCATED_TEXT

    def walk(self, value: Any, depth: int) -> Any:
        self.left -= 1
        if depth > MAX_DEPTH:
            return "[TRUNCATED:depth]"
        if self.left < 0:
            return "[TRUNCATED:size]"
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, dict):
            return self.fields(value, depth)
        if isinstance(value, (list, tuple)):
            return self.items(value, depth)
        return value

    def items(self, value: list[Any] | tuple[Any, ...], depth: int) -> list[Any]:
        """A list's copy; in an argv (`["mysql", "--password", "x"]`) the value that follows a
        secret's flag is hidden, which no pattern sees in the item alone."""
        out: list[Any] = []
        flag: str | None = None
        rest = iter(value)
        for item in rest:
            self.chars -= _ITEM_COST
            if self.chars < 0:  # the rest of the list is not logged
                out.append(TRUNCATED_TEXT)
                self.unlogged_items(itertools.chain((item,), rest), flag, depth)
                break
            if flag is not None and type(item) is str and item:
                out.append(self.flagged(flag, item))
            else:
                out.append(self.walk(item, depth + 1))
            flag = item if type(item) is str and item.startswith("-") else None
        return out

    def flagged(self, flag: str, item: str) -> str:
        """`item`, which follows `flag` in an argv, hidden if the flag names a secret."""
        self.left -= 1
        found = _flagged_secret(flag, item)
        if found is None:
            return self.string(item)
        kind, secret, before = found
        return self.hide(kind, secret, before)

    def hide(self, kind: str, secret: str, before: str) -> str:
        """`before` and the marker of `secret`, which is remembered (to hide it in messages)."""
        hidden = marker(kind, secret)
        if self.seen is not None:
            self.seen[secret] = hidden
        return before + hidden

    def fields(self, value: dict[Any, Any], depth: int) -> dict[str, Any]:
        """A dict's copy; a plain string in it is redacted here, without a call of `walk`."""
        return self.more_fields({}, iter(value.items()), depth)

    def more_fields(self, out: dict[str, Any], rest: Iterator[tuple[Any, Any]], depth: int) -> dict[str, Any]:
        """`fields`, from `rest` on, into `out` (which holds the fields before them)."""
        for key, item in rest:
            self.chars -= _ITEM_COST
            if self.chars < 0:  # the rest of the fields are not logged
                out[TRUNCATED_KEY] = TRUNCATED_TEXT
                self.unlogged_fields(itertools.chain(((key, item),), rest), depth)
                break
            name = key if type(key) is str else str(key)
            if isinstance(item, str):
                if item and _is_secret_field(name) and not _is_marker(item):
                    out[name] = marker("field", item)
                    if self.seen is not None:
                        self.seen[item] = out[name]
                elif type(item) is str and depth < MAX_DEPTH and self.left > 0:  # `walk`, inlined
                    self.left -= 1
                    out[name] = self.string(item)
                else:
                    out[name] = self.walk(item, depth + 1)
            elif isinstance(item, (int, float)) and type(item) is not bool and _is_secret_field(name):
                # A PIN or a numeric password: too few values for a hash to hide it.
                out[name] = DROPPED
            else:
                out[name] = self.walk(item, depth + 1)
        return out

    # -- past the text budget: nothing more is logged, but a message may still quote a value
    # (a reason's `{args.password}`), so what a field name or an argv flag hides is remembered

    def unlogged(self, value: Any, depth: int) -> None:
        """Remember the values of `value` hidden for their field name or their argv flag."""
        if depth > MAX_DEPTH:
            return
        if isinstance(value, dict):
            self.unlogged_fields(iter(value.items()), depth)
        elif isinstance(value, (list, tuple)):
            self.unlogged_items(iter(value), None, depth)

    def look(self) -> bool:
        """Count one value looked at past the budget; False, and `UNSEEN` noted, once too many."""
        self.unlogged_left -= 1
        if self.unlogged_left < 0:
            assert self.seen is not None
            self.seen[UNSEEN] = ""
            return False
        return True

    def unlogged_fields(self, fields: Iterator[tuple[Any, Any]], depth: int) -> None:
        """`unlogged` for the fields of a dict not logged (the text of none is read)."""
        seen = self.seen
        if seen is None:
            return
        for key, item in fields:
            if not self.look():
                return
            if isinstance(item, str):
                if item and _is_secret_field(key if type(key) is str else str(key)) and not _is_marker(item):
                    seen[item] = marker("field", item)
            elif item.__class__ not in _SCALARS:
                self.unlogged(item, depth + 1)

    def unlogged_items(self, items: Iterator[Any], flag: str | None, depth: int) -> None:
        """`unlogged` for the items of a list not logged, the one before them being `flag`."""
        seen = self.seen
        if seen is None:
            return
        for item in items:
            if not self.look():
                return
            if type(item) is str:
                found = _flagged_secret(flag, item) if flag is not None and item else None
                if found is not None:
                    seen[found[1]] = marker(found[0], found[1])
                flag = item if item.startswith("-") else None
                continue
            if item.__class__ not in _SCALARS:
                self.unlogged(item, depth + 1)
            flag = None


def _flagged_secret(flag: str, item: str) -> tuple[str, str, str] | None:
    """(kind, secret, text before it) when `item`, which follows `flag` in an argv, holds a
    secret the flag names, else None."""
    not_ref = _regex(_NOT_REF)
    if _is_marker(item) or not not_ref.match(item):
        return None
    if _regex(_SECRET_FLAG).fullmatch(flag) and not item.startswith("-"):
        return "cli_password", item, ""
    user, colon, password = item.partition(":")
    if flag in _USER_FLAGS and password and not password.startswith("//") and not_ref.match(password):
        return "curl_user", password, user + colon
    return None
