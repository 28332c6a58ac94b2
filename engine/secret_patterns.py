"""Secrets in a text: the built-in patterns, the pre-tests that pick the few worth running on
a text, and `redact_text`, which replaces what they find by a marker with the secret's kind and
a short hash. `redact` walks values (arguments, context) and applies these to each text.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # compiled on first use, see `__getattr__`
    PATTERNS: list[tuple[str, re.Pattern[str]]]
    SECRET_KEYS: re.Pattern[str]
    _GATES: dict[str, re.Pattern[str]]
    _MAYBE: re.Pattern[str]


_PAGINATION_NAMES = (
    "page token", "next page token", "prev page token", "previous page token", "next token",
    "prev token", "previous token", "pagination token", "continuation token",
    "next continuation token", "starting token", "skip token",
)  # fmt: skip
"""Names of pagination cursors: `token` ends them, but what they hold says where the next page
starts, not who the caller is (`nextPageToken` in Google's APIs, `NextToken` and
`ContinuationToken` in AWS's, `$skipToken` in OData's). A name is one of them in any case, with
`_` or `-` between its words or nothing (`next_page_token`, `NextPageToken`); a name that only
holds one (`auth_next_token`) is not. A secret held in one is still found by its pattern."""

_PAGINATION = "(?:" + "|".join("[_-]?".join(name.split()) for name in _PAGINATION_NAMES) + ")"
"""A pagination cursor's name (`_PAGINATION_NAMES`), for a case-insensitive pattern."""

_XML_NAMES = (
    r"password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key"
)
"""What the name of a markup element or setting that holds a secret ends with."""

_PASS_OWNERS = (
    r"db|database|smtp|mail|email|imap|keystore|truststore|store|key|admin|root|user|ftp|sftp|redis"
    r"|mysql|mariadb|pg|postgres|mongo|ldap|proxy|sudo|ssh|vnc|wifi|app|api|bind|master|login|auth"
)
"""Names whose `pass` or `pw` is a password (`DB_PASS`, `smtpPass`, `ADMIN_PW`): alone, the
words also end counters and flags (`first_pass`, `num_pass`, `isPass`)."""

_SETTERS = ("define", "setdefault", "setenv", "Setenv", "Set", "putenv")
"""Calls whose first argument names what the second sets (PHP's `define('DB_PASSWORD', '...')`,
`os.environ.setdefault`, Go's `os.Setenv` and `Header.Set`)."""

_SECRET_WORDS = (
    r"password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key"
    r"|private[_-]?key|client[_-]?secret|authorization|auth|cookie|session[_-]?key|credentials?"
    r"|(?:encryption|signing|master|app|application|hmac)[_-]?key|secret[_-]?key[_-]?base"
)
"""The words that make a name a secret's, for a case-insensitive pattern."""

_SECRET_KEYS = (
    # a secret word, alone or ending a name: after `_`, `-`, `.` or a camelCase hump (`accessToken`)
    r"(?i)^(?!\$?" + _PAGINATION + r"\Z)"  # not a pagination cursor's name
    r"(?:(?:.*[_.-]|.*(?-i:[a-z0-9](?=[A-Z])))?(" + _SECRET_WORDS + r")"
    # `pass` and `pw` alone, or after a name that says whose (`DB_PASS`, `smtpPw`)
    r"|(?:(?:.*[_.-])?(?:" + _PASS_OWNERS + r")[_.-]?)?(?:pass|pw)"
    # an environment variable's name, in capitals, that ends in one glued to the rest
    r"|(?-i:[A-Z][A-Z0-9]*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN)|SSHPASS))$"
)
"""Field names whose value is a secret (`SECRET_KEYS`, compiled)."""

_Q = r"""(?:'[^'\n]+'|"[^"\n]+"|[^\s'"]+)"""
"""A command-line value: single-quoted, double-quoted or bare."""

_JOINED = r"""(?:'[^'\s]*'[^\s'"]*|"[^"\s]*"[^\s'"]*)"""
"""A quoted part of a command-line word, without a blank, and the bare text after it."""

_B = r"(?<![A-Za-z0-9_])"
_E = r"(?![A-Za-z0-9_])"
"""Where a token starts and ends: not inside an ASCII word (`\\b` would also refuse a token
next to a letter of another script, `令牌ghp_...`)."""

_QUOTE = r"""["'”’]"""
"""A quote that may close a name: straight, or typographic (text pasted from a document)."""

_NOT_SPEC = r"""(?!["']?(?:id|type|src|source|env)=)"""
"""Not the spec of a secret that a flag names (`docker build --secret id=npmrc,src=...`)."""
_NOT_REF = r"""(?!\\?["']?(?:\[REDACTED|\$|<|\{\{|%\(|[0-9a-f]{8}\]))"""
"""Not a marker (nor the tail of one), nor a reference to a secret kept elsewhere: `$VAR`,
`${{ secrets.X }}`, `<placeholder>`, `%(name)s`; quoted, with its quote escaped maybe (`\\"`)."""

# Programs that read a password from a flag of their own: `ARGV_RULES` for an argv list, and
# the `cli_password` pattern for a command written as text.
_MONGO_PROGRAMS = (
    "mongo", "mongosh", "mongodump", "mongorestore", "mongoexport", "mongoimport", "mongostat",
    "mongotop", "mongofiles",
)  # fmt: skip
_SQLCMD_PROGRAMS = ("sqlcmd", "bcp", "osql")
_LDAP_PROGRAMS = (
    "ldapsearch", "ldapmodify", "ldapadd", "ldapdelete", "ldapmodrdn", "ldapcompare", "ldapwhoami",
    "ldapexop",
)  # fmt: skip
_SMB_PROGRAMS = ("smbclient", "rpcclient", "smbcacls", "smbcquotas", "smbget", "smbtree", "net")
_NET_SAMBA = ("ads", "rpc", "rap")
"""The sub-commands of Samba's `net` that a command's text is read for: `net` alone is too
common a word for a text to tell it is Samba's."""


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(map(re.escape, words))


def _names(programs: tuple[str, ...]) -> str:
    """Programs' names as a text runs them: in lower case, or in any case before `.exe`, as
    Windows finds `MySQL.exe` for `mysql` (a capital without it is a word of prose: `MySQL`,
    `Zip the folder`)."""
    names = _alternatives(programs)
    return f"{names}|(?i:{names})(?=(?i:\\.exe))"


def _command_names(programs: tuple[str, ...]) -> str:
    """`_names`, and in capitals (`ZIP -P PW`): for a pattern that finds them where a command
    starts (`_AT_COMMAND`), not in a sentence."""
    return _names(programs) + "|" + _alternatives(tuple(program.upper() for program in programs))


_ZIP_PROGRAMS = ("zip", "unzip", "zipcloak", "funzip")
_7Z_PROGRAMS = ("7z", "7za", "7zr", "7zz")
CONTAINER_PROGRAMS = ("docker", "podman", "nerdctl")
"""Programs whose `-u` takes a `user:group`, never a password (`docker exec -u www-data:www-data`)."""
_RUNNERS = frozenset({"sudo", "doas", "xargs", "time", "nice", "nohup", "exec", "command", "env"})
"""Programs that run the word after them (their options aside, in a text)."""
_AT_COMMAND = (
    r"(?:(?:^|(?<=[\n;&|(`])|(?<=\$\())[ \t]*"
    r"|(?<![\w.-])(?:" + _alternatives((*sorted(_RUNNERS), "then", "do", "else")) + r")[ \t]+)"
    r"""(?:[^\s;&|'"`]*[/\\]|["'][^"'\n]*[/\\])?"""
)
"""Where a command's program starts (at the start of a line, after `;`, `&&`, `|`, `(`, a
runner such as `sudo`, or `then`, `do`, `else`), with its path, in quotes when it holds a
blank (`"C:\\Program Files\\7-Zip\\7z.exe"`): what a word common as a value must be at to name
a program."""
_EXE = r"(?i:\.exe)?"
"""What may end a program's name on Windows."""
_PROGRAM_END = _EXE + r"[\"']?"
"""What may end a program's name after `_AT_COMMAND`: `.exe`, and the quote closing its path."""


_IN_COMMAND = r"""(?:[^\n;&|'"]|\\\r?\n|'[^'\n]*'|"[^"\n]*")"""
"""A character of the same command, or a quoted part of a line: up to a `;`, `&`, `|` or a
new line outside quotes (`curl -d "a=1&b=2" -su user:pw`), but for a line continuation
(`mysql \\⏎ -pPW`, with a Windows line end too), which joins the lines of one command."""


def _reads(programs: str, flag: str) -> str:
    """A pattern that finds `flag` (a pattern) of one of `programs` (a pattern) later in the
    same command (up to a `;`, `&`, `|` or a new line, within 300 characters)."""
    return r"\b(?:" + programs + r")\b" + _IN_COMMAND + r"{0,300}?\s" + flag


_QUOTED_FLAG = (
    r"""|(?P<q{group}>['"]){flag}(?!\[REDACTED)"""
    r"(?P<{group}>(?:(?!(?P=q{group}))[^\n])+)(?P=q{group})"
)
"""A flag quoted whole with the password glued to it, as `shlex.quote` writes `-pP@ss$1`
(`'-pP@ss$1'`): the password is the rest of the quoted word (an alternative, `{flag}` a
pattern and `{group}` the name of the secret's group)."""

_HTPASSWD_FLAG = r"-(?:[Cr][ \t]+[0-9]+|(?![Cr](?![A-Za-z0-9]))[A-Za-z0-9]+)"
"""A flag of htpasswd, with its value if it takes one (`-C 10`, `-r 5`)."""


def _htpasswd_has(letter: str) -> str:
    """A lookahead: one of the flags that follow holds `letter` (`b`: batch mode, `n`: print)."""
    return rf"(?:[ \t]+{_HTPASSWD_FLAG}){{0,11}}?[ \t]+-[A-Za-z0-9]*{letter}"


_WORD = r"[ \t]+(?![-;&|<>])" + _Q
"""A word of a command that is no flag."""

_HTPASSWD = (
    # batch mode (`-b`): `htpasswd -b FILE USER PW`, or `htpasswd -nb USER PW` when it prints
    r"\bhtpasswd" + _EXE + r"(?=" + _htpasswd_has("b") + r")"
    r"(?:(?=" + _htpasswd_has("n") + r")(?:[ \t]+" + _HTPASSWD_FLAG + r"){1,12}" + _WORD
    + r"|(?!" + _htpasswd_has("n") + r")(?:[ \t]+" + _HTPASSWD_FLAG + r"){1,12}" + _WORD + _WORD
    + r")[ \t]+" + _NOT_REF + r"(?P<s14>" + _Q + r")"
)  # fmt: skip
"""htpasswd's password in batch mode: the word after its user (`Argv.positional`)."""

_CONFIG_SET = (
    # `npm config set KEY VALUE` (`npm set`, `pnpm config set`, `yarn config set`), where the
    # key names a secret as a field's name does (`SECRET_KEYS`, after the last `:`)
    r"\b(?:p?npm(?: config)?|yarn config) set(?:[ \t]+-\S+)*[ \t]+"
    r"""(?:[^\s'"]*(?:[_.:-]|[a-z0-9](?=[A-Z])))?(?i:""" + _SECRET_WORDS + r")"
    r"[ \t]+(?!-)" + _NOT_REF + r"(?P<s16>" + _Q + r")"
)
"""The value a package manager's config is given for a key that names a secret."""

_PROGRAM_FLAGS = "|".join(
    (
        # a password that follows the flag (`-k PW`) or is glued to it (`-wPW`); mongo's and
        # sqlcmd's flag may come without one (`mongosh -p --host db` asks for it)
        _reads("openssl", r"-[kK]\s+") + _NOT_REF + r"(?P<s7>" + _Q + r")",
        # a mongo program, not a container named so (`docker run --name mongo -p 27017:27017`)
        r"\b(?<![.-])(?<!--name )(?<!--name=)(?:" + _names(_MONGO_PROGRAMS) + r")" + _EXE + r"(?![\w.:-])"
        + _IN_COMMAND + r"{0,300}?\s-p\s*(?!-)" + _NOT_REF + r"(?P<s8>" + _Q + r")",
        _reads(_names(_SQLCMD_PROGRAMS), r"-P\s*(?!-)") + _NOT_REF + r"(?P<s9>" + _Q + r")",
        _reads(_names(_LDAP_PROGRAMS), r"-w\s*") + _NOT_REF + r"(?P<s10>" + _Q + r")",
        # ldappasswd's bind, old and new passwords: each of them, in one match
        _reads("ldappasswd", r"-[was]\s*") + _NOT_REF + r"(?P<s11>" + _Q + r")"
        + r"(?:" + _IN_COMMAND + r"{0,300}?\s-[was]\s*" + _NOT_REF + r"(?P<s17>" + _Q + r"))?"
        + r"(?:" + _IN_COMMAND + r"{0,300}?\s-[was]\s*" + _NOT_REF + r"(?P<s18>" + _Q + r"))?",
        # Samba's `-U user%PW`, `--user=user%PW`: what follows the `%`, to the closing quote
        _reads(_names(_SMB_PROGRAMS[:-1]) + r"|net (?:" + _names(_NET_SAMBA) + ")", r"(?:-U|--user)(?:=|\s*)")
        + r"""(?:["'][^\s%'"]*%""" + _NOT_REF + r"""(?P<s12>[^'"\n]+)"""
        + r"""|[^\s%'"]*%""" + _NOT_REF + r"""(?P<s13>[^\s'"]+))""",
        _HTPASSWD,
        # `vault login TOKEN`, after its flags; not an auth method's `key=value`
        r"\bvault[ \t]+login\b(?:[ \t]+-\S+)*[ \t]+(?!-)" + _NOT_REF
        + r"""(?P<s15>'[^'=\n]+'|"[^"=\n]+"|[^\s'"=;&|]+)(?![^\s;&|)])""",
        _CONFIG_SET,
        # Info-ZIP's `-P PW`, also ending a group of its flags (`zip -rP PW`), where a command
        # starts: not the word `zip` elsewhere (`--format zip -P`, `mvn -Dformat=zip -Prelease`)
        _AT_COMMAND + r"(?:" + _command_names(_ZIP_PROGRAMS) + r")" + _PROGRAM_END + r"(?![\w.-])"
        + _IN_COMMAND
        + r"{0,300}?\s(?:-[A-Za-z0-9]{0,8}?P\s*(?!-)" + _NOT_REF + r"(?P<s19>" + _Q + r")"
        + _QUOTED_FLAG.format(flag="-[A-Za-z0-9]{0,8}?P", group="s23") + ")",
        # 7-Zip's `-pPW` (`-p` alone asks for it)
        _AT_COMMAND + r"(?:" + _command_names(_7Z_PROGRAMS) + r")" + _PROGRAM_END + r"(?![\w.-])"
        + _IN_COMMAND
        + r"{0,300}?\s(?:-p(?![\s;&|])" + _NOT_REF + r"(?P<s20>" + _Q + r")"
        + _QUOTED_FLAG.format(flag="-p", group="s24") + ")",
        # the value `gh secret set NAME` is given (`--body V`, `-b V`); without one it reads stdin
        r"\bgh(?:[ \t]+(?:-R|--repo)(?:=|[ \t]+)[^\s;&|]+)?[ \t]+secret[ \t]+set\b" + _IN_COMMAND
        + r"{0,300}?\s(?:-b\s*|--body(?:=|\s+))(?!-)" + _NOT_REF + r"(?P<s21>" + _Q + r")",
        # gpg's `--passphrase PW` (age's `--passphrase` is a switch: it takes no value)
        _reads("gpg2?", r"--passphrase(?:=|\s+)(?!-)") + _NOT_REF + r"(?P<s22>" + _Q + r")",
    )
)  # fmt: skip
"""The passwords that the programs of `ARGV_RULES` read from their flags and words, in a
command's text: one per `Argv` reads in an argv list."""

# (kind, pattern, triggers): the whole match is the secret unless the pattern has a group named
# `s`. Every match holds one of its (lowercase) triggers, so text whose lowercase form holds none
# of them cannot match, and the pattern is not run on it. Order matters: a secret is redacted by
# the first pattern that finds it, and later patterns skip markers.
_TABLE: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "private_key",
        # to its end line, however its lines are written (in a patch, a quote, a string of
        # code), or to the end of the text; when base64 follows the header within a few lines
        # (a run of 40, or of 16 that ends a line), or an end line does: a header named in
        # code (`if "-----BEGIN PRIVATE KEY-----" in text:`) holds no key, and hides nothing
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        # (base64 holds digits: a path does not pass for it)
        r"(?=[\s\S]{0,400}?(?=(?:[A-Za-z+/]|\\/){0,39}[0-9+])"
        r"(?:[A-Za-z0-9+/]{40}|(?:[A-Za-z0-9+/]|\\/){16,}=*(?:\\[rn]|\r?\n|[\"'`]))"
        r"|[\s\S]{0,8192}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY)"
        r"[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)",
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
        # curl's `-u`, `--user`, `-U`, `--proxy-user`, or any program's `-u`, `--user`, `-U`;
        # a numeric `uid:gid` ending the word (group `n`) is kept after no curl (`_curl_user`)
        r"""(?:(?:^|(?<=\s))(?:-u|-U|--user|(?P<p>--proxy-user))"""
        # curl's `-u` ending a group of its short flags (`curl -sSfu user:pw`)
        + r"|\bcurl\b"
        + _IN_COMMAND
        + r"{0,600}?\s-[A-Za-z0-9]{1,12}u)"
        r"""[\s=]*(?P<q>["'])?(?![^\s:'"]*\[REDACTED)"""
        r"""(?:(?=(?P<n>[0-9]+:[0-9]+(?(q)(?P=q))(?:\s|\Z))))?"""
        r"""[^\s:'"=][^\s:'"]*:(?!//|\[REDACTED)(?P<s>"""
        # quoted, the password runs to the closing quote (blanks and all); then, as a bare one
        # does, up to a blank: the shell joins quoted parts to it (`1000:1234'pw'`, `'ann:pw'x`),
        # so a password that goes on with them is hidden whole
        r"""(?(q)(?:(?!(?P=q))[^\n])+(?:(?P=q)(?=\S)[^\s'"]*"""
        rf"""{_JOINED}*(?=\s|\Z))?|[^\s'"]+(?:{_JOINED}+(?=\s|\Z))?))""",
        ("-u", "curl"),
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
    # (not a word's end: `cache-key-<md5>`)
    ("mailgun_key", r"(?<![A-Za-z0-9_-])key-[0-9a-f]{32}" + _E, ("key-",)),
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
        # (not the name of the service account `kubectl create token` makes a token for)
        r"(?i)" + _B + r"(?:bearer|(?<!create )token)\s+(?!\[REDACTED|-)(?P<s>[A-Za-z0-9._~+/=-]{16,})",
        ("bearer", "token"),
    ),
    (
        "authorization",
        # the name as a key, a field or a subscript (`headers["Authorization"] = "Basic ..."`,
        # Go's `Header["Authorization"] = []string{"Basic ..."}`), then `:` or `=`
        r"""(?i)(?<![\w:-])(?:proxy-)?authorization(?:["']?\]?\s*[:=]\s*(?:\[\]string\{)?["']?"""
        # or a header given as a name and a value with its scheme, the value whole in its quotes
        # (`setRequestHeader("Authorization", "Basic ...")`, `(b"authorization", b"Bearer ...")`,
        # an f-string, a template, escaped quotes): not a list of names, nor prose
        r"""|(?P<pair>\\?["'`”’])\s*,\s*[bfr]?\\?["'`“‘](?=(?:basic|bearer|token|digest|bot|apikey|sso-key)\s))"""
        # Digest's parameters, of which the `response` hash is made from the password (the
        # others, `username`, `realm`, `nonce`, are not secret), on the header's line
        r"""(?:digest\s+[^\r\n]{0,400}?(?<![\w-])response\s*=\s*\\?["']?"""
        + _NOT_REF
        + r"(?P<s2>[0-9a-f]{16,128})(?![0-9a-z])|"
        # (nor a Digest parameter's name where the response is not there, or hidden already)
        r"""(?!digest\s+(?:username|realm|nonce|uri|response|algorithm|cnonce|opaque|qop|nc|userhash)\s*=)"""
        # the scheme, then a space, or quotes around a line continuation (`Bearer '\\\n'`)
        r"""(?:(?:basic|bearer|token|digest|bot|apikey|sso-key)(?:\s+|\s*["'](?:\s*\\)?\s*["']))?"""
        + _NOT_REF
        # nor JavaScript's `undefined` where a token was missing (`Bearer ${token}` with none)
        + r"(?!undefined(?![A-Za-z0-9._~+/=:-]))"
        + r"(?P<s>[A-Za-z0-9._~+/=:-]{8,})"
        + r"""(?(pair)(?=\\?["'`”’])))""",
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
        r"""|(?<![\w-])(?:(?-i:-b)|--cookie)(?:\s+|=)(?:["'](?=[^"'\s=]{1,64}=)(?P<s2>[^"'\n]+)"""
        r"""|(?=[^\s"'=]{1,64}=)(?P<s3>[^\s"']+))""",
        ("cookie", "-b"),
    ),
    (
        "sql_password",
        # SQL's `CREATE USER u WITH PASSWORD 'pw'`, `ALTER ROLE r ENCRYPTED PASSWORD 'pw'`,
        # MySQL's and Oracle's `IDENTIFIED BY 'pw'` (`IDENTIFIED WITH plugin BY 'pw'`)
        r"""(?i)(?:\b(?:create|alter)\s+(?:user|role)\b[^;\n]{0,200}?\bpassword\s+"""
        r"""'(?!\[REDACTED)(?P<s>(?:[^'\n\\]|''|\\.)+)'"""
        r"""|\bidentified\s+(?:with\s+\w+\s+)?by\s+"""
        r"""(?:'(?!\[REDACTED)(?P<s2>(?:[^'\n\\]|''|\\.)+)'|"(?!\[REDACTED)(?P<s3>[^"\n\\]+)"))""",
        ("password", "identified"),
    ),
    (
        "xml_secret",
        # an element named as a secret (Maven's `<password>pw</password>`, `<apiKey>`,
        # `<storePassword>`), or a .NET setting (`<add key="DbPassword" value="pw" />`)
        r"<(?P<tag>[A-Za-z0-9_.:-]{0,64}?(?i:"
        + _XML_NAMES
        + r"))(?:\s[^<>\n]{0,256})?>\s*(?!<)"
        + _NOT_REF
        + r"(?P<s>[^<\s](?:[^<\n]{0,1022}[^<\s])?)\s*</(?P=tag)>"
        r"""|(?<![A-Za-z0-9_-])key\s*=\s*(?P<q>["'])[A-Za-z0-9_.:-]{0,64}?(?i:""" + _XML_NAMES + r")(?P=q)"
        r"""\s+value\s*=\s*(?P<v>["'])""" + _NOT_REF + r"""(?P<s2>[^"'\n]+)(?P=v)""",
        ("pass", "secret", "token", "key"),
    ),
    (
        "basic_auth",
        # the password of a user and password pair given in code: `auth=("ann", "pw")`,
        # `HTTPBasicAuth("ann", "pw")`, `smtp.login("ann@x.io", "pw")` (a literal, not a variable)
        r"(?:(?<![A-Za-z0-9_])auth\s*=\s*[(\[]"
        r"|(?<![A-Za-z0-9_])(?:HTTPBasicAuth|HTTPDigestAuth|HTTPProxyAuth|BasicAuth|DigestAuth)\("
        r"|\.login\()"
        r"""\s*(?:"[^"\n]{0,128}"|'[^'\n]{0,128}'|[A-Za-z_][A-Za-z0-9_.]{0,128})\s*,\s*"""
        + _NOT_REF
        + r"""(?:"(?P<s>[^"\n]+)"|'(?P<s2>[^'\n]+)')""",
        ("auth=", "auth =", "auth(", ".login("),
    ),
    (
        "netrc_password",
        r"""(?<![A-Za-z0-9_-])(?:login|machine)\s+[^\s'"]+\s+(?:account\s+[^\s'"]+\s+)?"""
        r"""password\s+(?!\[REDACTED)(?P<s>[^\s'"\\]+)""",
        ("password",),
    ),
    (
        "cli_password",
        r"\b(?:"
        + _names(("mysql", "mysqldump", "mysqladmin", "mariadb", "mariadb-dump"))
        + r")\b"
        + _PROGRAM_END  # a quoted path maybe
        + _IN_COMMAND
        + r"{0,300}?\s(?:-p(?!\[REDACTED)(?P<s>"
        + _Q
        + r")"
        + _QUOTED_FLAG.format(flag="-p", group="s25")
        + ")"
        + r"|\b(?:sshpass|(?:docker|podman|buildah|nerdctl|az)\s+login|helm\s+registry\s+login|twine)\b"
        + _IN_COMMAND
        + r"{0,300}?\s-p\s*(?!\[REDACTED)(?P<s2>"
        + _Q
        + r")"
        r"|\bredis-cli\b" + _IN_COMMAND + r"{0,300}?\s-a\s+(?!\[REDACTED)(?P<s3>" + _Q + r")"
        r"|"
        + _PROGRAM_FLAGS
        # `--password`, `--http-password`, `--github-token`, not `--no-password` nor `--ask-pass`
        + r"|--(?!(?:no|ask|skip|prompt|use|with|show|hide|require|reset|change|max|min)-)(?:[a-z0-9]+-)?"
        r"(?:password|passwd|pass|token|api-?key|secret|auth-token|access-token)"
        r"(?:=|\s+)(?!-)" + _NOT_REF + _NOT_SPEC + r"(?P<s4>" + _Q + r")"
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
            "openssl",
            "mongo",
            *_SQLCMD_PROGRAMS,
            "ldap",
            "smb",
            "rpcclient",
            *(f"net {sub}" for sub in _NET_SAMBA),
            "htpasswd",
            "config set",
            "npm set",
            "zip",
            "7z",
            "secret set",
            "secret  ",  # `gh secret  set`, `gh secret\tset`: blanks that `secret set` misses
            "secret\t",
            "--passphrase",
        ),
    ),
    (
        "env_secret",
        # a name starts here, and a separator follows it: cheap, and it keeps the rest rare
        # (after a subscript's quote and bracket too: `app.config['SECRET_KEY'] = ...`), or a
        # comma when the name is a call's first argument (`define('DB_PASSWORD', '...')`)
        r"(?i)(?<![A-Za-z0-9_.-])(?:(?:"
        + "|".join(rf"(?<={name}\([\"'])" for name in _SETTERS)
        + r")(?P<call>))?"
        r"(?=[A-Za-z0-9_.-]{1,128}(?:" + _QUOTE + r"(?P<sub>\])?)?\s*[:=%]|[A-Za-z0-9_.-]{1,128}[\"']\s*,)"
        # but not a pagination cursor's name (`?pageToken=...`, `"nextPageToken": "..."`)
        r"(?!" + _PAGINATION + _QUOTE + r"?\s*(?::=|=>|[:=]|%3D))"
        r"(?:[A-Za-z0-9_.-]{0,128}?(?:SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?"
        r"|(?:API|ACCESS|PRIVATE|SECRET|ENCRYPTION|SIGNING|AUTH|MASTER|APP|APPLICATION|HMAC)[_-]?KEY)"
        r"|(?:[A-Za-z0-9]{1,64}[_.-]){1,8}(?:PASS|PWD)|(?:[A-Za-z0-9]{1,64}[_.-]){0,8}(?:"
        + _PASS_OWNERS
        + r")[_.-]?PW|SSHPASS)"
        r"(?![_.-]?(?:RESET|FILE|PATH|LENGTH|LEN|MIN|MAX|POLICY|HINT|PROMPT|URL|URI|PAGE|TTL|EXPIRY|EXPIRES"
        r"|LIMIT|COUNT|TYPE|NAME|FIELD|HEADER|ENV|VAR|REQUIRED|ENABLED|ID)(?![A-Za-z0-9]))"
        r"(?:[_.-][A-Za-z0-9_.-]{0,128}|(?-i:[A-Z][a-z][A-Za-z0-9_]{0,128}))?"
        + r"(?:(?:"
        + _QUOTE
        + r"\]?)?\s*(?::=|=>|[:=](?!=)|%3D)\s*"
        # a typed declaration's type (`db_password: str = '...'`, `apiKey: string = '...'`)
        + r"(?:(?:str|bytes|string|String|Final(?:\[str\])?)\s*=\s*(?=[\"'“‘]))?"
        + r"|(?(call)[\"']\s*,\s*(?=[\"'])|(?!)))"
        # a subscript's value written in code is a variable (`kwargs["password"] = password`)
        + r"(?(sub)(?=\\?[\"'“‘]))"
        + _NOT_REF
        + r"(?!(?:string|number|boolean|str|int|bool|any|true"
        r"|false|null|none|undefined|nil)\b)"
        # nor where the value is looked up (`SECRET_KEY = os.environ["SECRET_KEY"]`)
        r"(?!(?:os\.environ|os\.getenv|process\.env|System\.getenv)(?![A-Za-z0-9_])"
        r"|ENV\[|ENV\.fetch|getpass\.)"
        r"(?![{\[](?:\s|[\"'{\[]|$))"  # nor a JSON object or list that opens there
        r"""(?P<s>\\?"[^"\n]+"|\\?'[^'\n]+'|“[^”\n]+”|‘[^’\n]+’|[^\s"';&|,}]+)""",
        ("secret", "token", "pass", "pw", "key", "credential"),
    ),
]

KINDS: tuple[str, ...] = tuple(kind for kind, _, _ in _TABLE)
"""The kinds of the built-in secrets, in the order their patterns (`PATTERNS`) are applied."""

_TRIGGERS: dict[str, tuple[str, ...]] = {kind: triggers for kind, _, triggers in _TABLE}
"""Per kind, lowercase strings one of which every match of its pattern holds."""

_GATE_SOURCES: dict[str, str] = {
    # A name holding a secret word, the rest of the name, a quote maybe, then `:` or `=`.
    "env_secret": r"""(?:secret|token|pass|pwd?|key|credential)[a-z0-9_.-]*(?:["'”’]\]?)?\s*(?:[:=,]|%3d)""",
    # A cookie header or `--cookie`, or curl's `-b` with its value (`-b` alone is common in code).
    "cookie": r"cookie|-b[\s=]",
}
"""Per kind, a search that every match of its pattern implies, run on the lowercased text
once a trigger is found: cheaper than the pattern where a trigger is common (`key` in code).
(`_GATES`, compiled.)"""

_Builtin = tuple[str, str, tuple[str, ...], str | None]
_BUILTIN: tuple[_Builtin, ...] = tuple(
    (kind, rx, _TRIGGERS[kind], _GATE_SOURCES.get(kind)) for kind, rx, _ in _TABLE
)
"""(kind, pattern, triggers, gate) of the built-in secrets, the patterns as text: each is
compiled (`_regex`) the first time a text holds one of its triggers."""

_COARSE = (
    "key", "token", "secret", "pass", "pw", "bearer", "credential", "authorization", "private",
    "akia", "asia", "abia", "acca", "gh", "github_pat", "gl", "xox", "xapp", "sk", "rk_", "whsec",
    "aiza", "gocspx", "sg.", "npm_", "pypi", "hf_", "api_org", "eyj", "://", "hooks", "sig=",
    "mysql", "mariadb", "login", "twine", "redis-cli", "-u", "-api", "-auth", "-access", "ls0tls1",
    "iqojb3", "fwogzx", "dckr", "dapi", "shp", "_v1_", "hv", "hrku", '"auth"', "_auth", "cookie", "-b",
    "openssl", "mongo", "sqlcmd", "bcp", "osql", "ldap", "smb", "rpc", "net ads", "net rap", "g set",
    "npm set", "identified", "curl", "zip", "7z", "auth=", "auth =", "auth(",
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
        at = _anchor(word)
        behind = f"(?<={re.escape(word[: at + 1])})" if at else ""
        ahead = f"(?={re.escape(word[at + 1 :])})" if at + 1 < len(word) else ""
        checks.setdefault(word[at], []).append(behind + ahead)
    return "|".join(
        re.escape(char) + ("" if "" in around else "(?:" + "|".join(around) + ")")
        for char, around in sorted(checks.items())
    )


def _anchor(word: str) -> int:
    """Where `_anchored` looks for `word`: at its rarest character (`_RARE`), else its first."""
    return next((word.index(char) for char in _RARE if char in word), 0)


def _rarity(char: str) -> int:
    return _RARE.index(char) if char in _RARE else len(_RARE)


def _anchors_first(low: str) -> list[str]:
    """`_MAYBE.findall(low)`, for the first text: it compiles `_MAYBE` and puts its `findall` in
    place of this function, so that later texts cost what a pattern compiled at import would."""
    global _anchors
    _anchors = _regex(_anchored(_COARSE)).findall
    return _anchors(low)


_anchors: Callable[[str], list[str]] = _anchors_first
"""`_MAYBE.findall`, run on the lowercased text: the character of each place a coarse word is
found, the one it is looked for at (a match is that one character, so no place is skipped).
Text without any holds no secret; the others pick the triggers worth looking for."""


@functools.cache
def _trigger_anchors() -> dict[str, str]:
    """Per trigger, the character at which `_MAYBE` finds a coarse word the trigger holds (the
    rarest, of its words): wherever the trigger is, that character is among `_anchors`. Made
    when first needed, not at import: a hook call that logs nothing never needs it."""
    return {
        trigger: min((word[_anchor(word)] for word in _COARSE if word in trigger), key=_rarity)
        for _, _, triggers, _ in _BUILTIN
        for trigger in triggers
    }


@functools.lru_cache(maxsize=1024)
def _builtin_at(anchors: frozenset[str]) -> tuple[_Builtin, ...]:
    """The built-in patterns in order, each with those of its triggers whose coarse word is
    found at one of `anchors` (`_trigger_anchors`); a pattern with none is left out."""
    at = _trigger_anchors()
    return tuple(
        (kind, rx, kept, gate)
        for kind, rx, triggers, gate in _BUILTIN
        if (kept := tuple(t for t in triggers if at[t] in anchors))
    )


_GROUPS = ("s", *(f"s{n}" for n in range(2, 26)))


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
    """The replacement of a secret: its kind and the first 8 hex digits of its SHA-256 (of its
    UTF-8, a lone surrogate written as UTF-8 writes any other code point)."""
    digest = hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
    return f"[REDACTED:{kind}:{digest[:8]}]"


def redact_text(text: str, found: dict[str, str] | None = None) -> str:
    """`text` with every secret it holds replaced by a marker (a policy's own patterns are
    applied by `redact_policy.CompiledRedaction.text`, after these); `found` collects each
    secret replaced, with its marker (to find it again where it is quoted, escaped or cut)."""
    if len(text) >= 8:
        low = _lower(text)
        anchors = _anchors(low)
        if anchors:
            given = text
            for kind, rx, triggers, gate in _builtin_at(frozenset(anchors)):
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
        groups = m.re.groupindex
        spans = [m.span(name) for name in _GROUPS if name in groups and m.group(name) is not None]
        if not spans:
            return _hide(kind, m.group(0), found)
        text, at = m.string, m.start()
        kept: list[str] = []
        for start, end in sorted(spans):  # the secrets of a match (ldappasswd's: up to 3), in order
            kept += (text[at:start], _hide(kind, text[start:end], found))
            at = end
        return "".join(kept) + text[at : m.end()]

    return _curl_user(replace) if kind == "curl_user" else replace


def _curl_user(replace: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
    """`replace` for `curl_user`, but a numeric `uid:gid` after another program's `-u`,
    `--user` or `-U` (`docker run -u 1000:1000`) is kept: after curl's (a `curl` word earlier
    in the command) or `--proxy-user` (curl's alone), digits are a password too."""

    def keep_uid_gid(m: re.Match[str]) -> str:
        if (
            m.group("p") is None
            and not m.string.startswith("curl", m.start())  # `curl -su 1000:1234`
            and (m.group("n") is not None or _after(_CONTAINER_WORD, m.string, m.start()))
            and not _after(_CURL_WORD, m.string, m.start())
        ):
            return m.group(0)
        return replace(m)

    return keep_uid_gid


_CURL_WORD = r"(?<![A-Za-z0-9_.-])curl" + _EXE + r"(?![A-Za-z0-9_.-])"
_CONTAINER_WORD = r"(?<![A-Za-z0-9_.-])(?:" + _names(CONTAINER_PROGRAMS) + r")" + _EXE + r"(?![A-Za-z0-9_.-])"
CURL_REACH = 300
"""Characters before a flag looked at for the program that runs it (`curl`, `docker`; back to
a `;`, `&`, `|` or a new line): a search that costs no more per flag however long the text."""


def _after(word: str, text: str, at: int) -> bool:
    """Whether `word` (a pattern) comes before offset `at` in the same command."""
    head = text[max(0, at - CURL_REACH) : at]
    start = max(head.rfind(sep) for sep in "\n;&|") + 1
    return _regex(word).search(head, start) is not None


def _hide(kind: str, secret: str, found: dict[str, str] | None) -> str:
    hidden = marker(kind, secret)
    if found is not None:
        found[secret] = hidden
        if len(secret) > 2 and secret[0] == secret[-1] and secret[0] in "\"'":
            found[secret[1:-1]] = hidden  # a message may quote the value otherwise
    return hidden


# -- argv lists: what a flag or a word holds depends on the program that reads it --------------


class ArgvRule(NamedTuple):
    """Where a program's argv holds a password that no flag of its own names (`--password`
    is every program's, see `redact._SECRET_FLAG`): the flag `-p` is a port to `docker run`
    and to `ssh`, and a password to `sshpass` and `docker login`."""

    next: frozenset[str] = frozenset()
    """Flags whose next item is the password (`sshpass -p PW`, `redis-cli -a PW`)."""
    glued: tuple[str, ...] = ()
    """Flags the password may be glued to (`mysql -pPW`; `mysql -p db` asks for it)."""
    split: str = ""
    """The password is what follows this in the value (`smbclient -U user%PW`), if anything."""
    optional: bool = False
    """The flag may come without its value: a next item that starts with `-` is a flag."""
    group: str = ""
    """The letter of a flag in `next` that may end a group of short flags (`zip -rP PW`)."""


_LOGIN = ArgvRule(frozenset({"-p"}), ("-p",))
_MYSQL = ArgvRule(glued=("-p",))
_MONGO = ArgvRule(frozenset({"-p"}), ("-p",), optional=True)
_LDAP = ArgvRule(frozenset({"-w"}), ("-w",))
_SMB = ArgvRule(frozenset({"-U", "--user"}), ("-U", "--user="), split="%")
_GPG = ArgvRule(frozenset({"--passphrase"}), ("--passphrase=",), optional=True)
_NONE = ArgvRule()

ARGV_RULES: dict[str, ArgvRule] = {
    **dict.fromkeys(
        ("mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlshow", "mysqlcheck", "mysqlpump",
         "mariadb", "mariadb-dump", "mariadb-admin"), _MYSQL,
    ),
    **dict.fromkeys(("sshpass", "twine", "registry login"), _LOGIN),
    "redis-cli": ArgvRule(frozenset({"-a"})),
    "openssl": ArgvRule(frozenset({"-k", "-K"})),
    **dict.fromkeys(_MONGO_PROGRAMS, _MONGO),
    **dict.fromkeys(_SQLCMD_PROGRAMS, ArgvRule(frozenset({"-P"}), ("-P",), optional=True)),
    **dict.fromkeys(_LDAP_PROGRAMS, _LDAP),
    "ldappasswd": ArgvRule(frozenset({"-w", "-a", "-s"}), ("-w", "-a", "-s")),
    **dict.fromkeys(_SMB_PROGRAMS, _SMB),
    **dict.fromkeys(_ZIP_PROGRAMS, ArgvRule(frozenset({"-P"}), ("-P",), optional=True, group="P")),
    **dict.fromkeys(_7Z_PROGRAMS, ArgvRule(glued=("-p",))),
    "gh secret set": ArgvRule(frozenset({"-b", "--body"}), ("-b", "--body="), optional=True),
    **dict.fromkeys(("gpg", "gpg2"), _GPG),
    # programs whose argv holds no such flag, but whose sub-command may (`docker login -p PW`),
    # or whose password is a word in a place of its own (see `Argv.held`)
    **dict.fromkeys(
        ("docker", "podman", "buildah", "nerdctl", "skopeo", "oras", "helm", "htpasswd", "vault",
         "vault login", "npm", "pnpm", "yarn", "npm config", "config set", "az", "gh", "gh secret"),
        _NONE,
    ),
}  # fmt: skip
"""Per program (the last word of its path, lowercase, without `.exe`), or per program and
sub-command, its `ArgvRule`: the text patterns' `cli_password` read for an argv list."""

_AT_START = frozenset((*_ZIP_PROGRAMS, *_7Z_PROGRAMS))
"""Programs whose name is a common value too (`--format zip`, `--name zip`): such a word names
the program only where a command starts (`_starts`)."""
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
"""Argv items that end a command (an argv given to a shell's `-c` as words, or to `sh -c`'s
own parser): the program of the next one is its own."""


def _starts(words: list[Any], at: int) -> bool:
    """Whether `words[at]` is where a command starts: first, or after a separator or a program
    that runs the next word (`sudo`)."""
    return at == 0 or (type(before := words[at - 1]) is str and (before in _RUNNERS or before in _SEPARATORS))


_SUBCOMMANDS: dict[tuple[str, str], str] = {
    **{
        (tool, "login"): "registry login"
        for tool in ("docker", "podman", "buildah", "nerdctl", "skopeo", "oras")
    },
    ("helm", "login"): "registry login",  # `helm registry login`
    ("az", "login"): "registry login",  # `az login -u ID -p PW`
    ("gh", "secret"): "gh secret",
    ("gh secret", "set"): "gh secret set",
    ("vault", "login"): "vault login",
    **{(tool, "config"): "npm config" for tool in ("npm", "pnpm", "yarn")},
    **{(tool, "set"): "config set" for tool in ("npm", "pnpm", "yarn", "npm config")},
}
"""(program, word) -> the program that a sub-command word of its makes it."""

ARGV_FLAGS = frozenset(flag for rule in ARGV_RULES.values() for flag in rule.next)
"""The flags whose next item a program's rule may hide: no other needs the program looked up."""
ARGV_GROUPS = frozenset(rule.group for rule in ARGV_RULES.values() if rule.group)
"""The letters of `ArgvRule.group`: a flag ending in one may take the next item (`-rP`)."""
ARGV_CUES = frozenset(glued[1] for rule in ARGV_RULES.values() for glued in rule.glued if glued[1] != "-")
"""The letters of a short flag (`-p`, `-nb`) after which the program is looked up: a password
glued to a flag, or htpasswd's batch mode (`-b`), whose password is a word of its own."""
_GLUED = frozenset(glued for rule in ARGV_RULES.values() for glued in rule.glued)
ARGV_LONG_CUES = tuple(sorted(glued for glued in _GLUED if glued[:2] == "--"))
"""The long flags a password may be glued to (`--user=u%PW`, `--body=PW`)."""
ARGV_WORDS = frozenset({"login", "set"})
"""Sub-command words after which the program is looked up: a password may be a word that
follows (`vault login TOKEN`, `npm config set //host/:_authToken TOKEN`)."""

Found = tuple[str, str, str]
"""(kind, secret, the text of the item before it) of a secret in an argv item."""


class Readers(NamedTuple):
    """The programs of `ARGV_RULES` that read a flag as a password one way (its next item, a
    password glued to it), and the names that an argv's words hold (lowercase) when one of
    them may be the program: a program's own name, as `program_name` finds it in a word, or
    the sub-command word that makes it (`login`). No word holds any of them in most argv
    lists, and their program need not be looked up (`Argv.may_run`)."""

    programs: frozenset[str]
    names: tuple[str, ...]


def _readers(programs: set[str]) -> Readers:
    """The `Readers` of `programs`; a name that holds another is left out (`mongo` stands for
    `mongosh` as well)."""
    names = programs | {word for (_, word), sub in _SUBCOMMANDS.items() if sub in programs}
    least = sorted(name for name in names if not any(other in name for other in names - {name}))
    return Readers(frozenset(programs), tuple(least))


_READ_NEXT = {
    flag: _readers({p for p, rule in ARGV_RULES.items() if flag in rule.next}) for flag in ARGV_FLAGS
}
"""Per flag of `ARGV_FLAGS`, the `Readers` of its next item."""
_READ_GLUED = {
    (glued, batch): _readers(
        {p for p, rule in ARGV_RULES.items() if glued in rule.glued or (batch and p == "htpasswd")}
    )
    for glued in (*_GLUED, "")
    for batch in (False, True)
}
"""Per prefix of a flag that a password may be glued to (`-p`, `--user=`; "" for none), and
whether the flag may put htpasswd in batch mode, the `Readers` of the flag."""
_UNSCANNED = 64
"""Words not scanned yet that `Argv.may_run` reads at most: past them, `rule` scans them once."""


def _glued_readers(flag: str) -> Readers:
    """The `Readers` of a flag (`Argv.flag`): the programs whose password may be glued to it,
    and htpasswd when it is a short flag holding `b` (batch mode)."""
    short = flag[1:2] != "-"
    head = flag[:2] if short else flag[: flag.find("=") + 1]  # `-p` of `-pPW`, `--user=` of `--user=u%PW`
    glued = head if head in _GLUED and len(flag) > len(head) else ""
    return _READ_GLUED[glued, short and "b" in flag]


def next_flag(flag: str) -> str | None:
    """The flag of `ARGV_FLAGS` that `flag` is or ends with (`-rP`: `-P`, see `ArgvRule.group`),
    else None."""
    if flag in ARGV_FLAGS:
        return flag
    last = "-" + flag[-1:]
    return last if flag[-1:] in ARGV_GROUPS and _short_group(flag) else None


def _short_group(flag: str) -> bool:
    """Whether `flag` is a group of short flags (`-rP`), not a long one or a value."""
    return len(flag) > 2 and flag[0] == "-" and flag[1:].isascii() and flag[1:].isalnum()


def reads_next(flag: str, words: list[Any]) -> bool:
    """`Argv(words).after(flag, ...)` may find a password: `Argv.may_run`, without the `Argv`
    (`flag`: one of `ARGV_FLAGS`, `next_flag`'s)."""
    return _may_hold(words, _READ_NEXT[flag])


def reads_glued(flag: str, words: list[Any]) -> bool:
    """`Argv(words).flag(flag)` may find a password or start a wait for one: `Argv.may_run`,
    without the `Argv`."""
    return _may_hold(words, _glued_readers(flag))


def _may_hold(words: list[Any], readers: Readers) -> bool:
    """Whether argv `words` not scanned yet may name one of `readers` (see `Argv.may_run`)."""
    if len(words) > _UNSCANNED:
        return True
    text = _lower_text(words)
    return any(map(text.__contains__, readers.names))  # (no generator: the common path)


def _lower_text(words: list[Any]) -> str:
    """The text items of `words`, one a line, lowercase: one text to look for names in."""
    try:
        text = "\n".join(words)
    except TypeError:  # an item that is not text (a number, a list)
        text = "\n".join(word for word in words if isinstance(word, str))
    return text.lower()


def program_name(word: str) -> str | None:
    """The program of `ARGV_RULES` that an argv word runs (`mysql`, `/usr/bin/mysql`,
    `C:\\bin\\MySQL.exe`: `mysql`), else None."""
    if word in ARGV_RULES:
        return word
    if len(word) > 256 or not _may_name(word):
        return None
    name = word.rpartition("/")[2].rpartition("\\")[2].lower()
    name = name[:-4] if name.endswith(".exe") else name
    return name if name in ARGV_RULES else None


def _may_name(word: str) -> bool:
    """Whether a word that is no program's name as it stands may still name one: a path, a
    name with `.exe`, or in capitals (`MySQL`). Most words are none of these, and cost no more."""
    return "/" in word or "\\" in word or word[:1].isupper() or word.endswith((".exe", ".EXE"))


class Argv:
    """The program an argv list runs so far (the nearest earlier word that names one of
    `ARGV_RULES`, read lazily from `words`, the items before), and the words of its argv
    that are passwords by their place: htpasswd's in batch mode (`htpasswd -b FILE USER PW`,
    `htpasswd -nb USER PW`), vault's token (`vault login TOKEN`) and the value of a secret's
    key in a package manager's config (`npm config set //host/:_authToken TOKEN`)."""

    __slots__ = ("held", "place", "program", "scanned", "since", "words")

    def __init__(self, words: list[Any]) -> None:
        self.words = words
        self.scanned = 0
        self.program: str | None = None
        self.since = 0
        """Where the program's word is in `words`."""
        self.held: str | None = None
        """The program whose positional password is waited for (`htpasswd`, `vault login`,
        `config set`), else None."""
        self.place = 0
        """Positional words seen since `held` was set."""

    def may_run(self, readers: Readers) -> bool:
        """Whether the program may be one of `readers`, told without a scan of the words by
        `rule` (False: it is none): it is one so far, or a word not scanned yet holds one of
        their names. While a password is waited for (`held`), the words are always scanned:
        where the program's word is counts then (`batch_prints`); and so are many words not
        scanned yet, that no word is read again and again (an argv of many `-p` flags)."""
        if self.held is not None or self.program in readers.programs:
            return True
        return _may_hold(self.words[self.scanned :] if self.scanned else self.words, readers)

    def rule(self) -> ArgvRule | None:
        """The rule of the program that reads the next item."""
        words = self.words
        for at in range(self.scanned, len(words)):
            word = words[at]
            if type(word) is not str:
                continue
            if self.program is not None and (sub := _SUBCOMMANDS.get((self.program, word))) is not None:
                self.program, self.since = sub, at
            elif word in _SEPARATORS:  # the next command's program is its own
                self.program = None
            else:
                name = (
                    word
                    if word in ARGV_RULES  # `program_name`, inlined for the common word
                    else program_name(word)
                    if "/" in word or "\\" in word or word[:1].isupper() or word.endswith((".exe", ".EXE"))
                    else None  # (`_may_name`, inlined)
                )
                if name is not None and (name not in _AT_START or _starts(words, at)):
                    self.program, self.since = name, at
        self.scanned = len(words)
        return None if self.program is None else ARGV_RULES[self.program]

    def after(self, flag: str, item: str) -> Found | None:
        """The password in `item`, which follows `flag`, if the program reads it so (`flag`
        is one of `ARGV_FLAGS`, or a group of short flags that ends with one: `next_flag`)."""
        key = next_flag(flag)
        if key is None or not self.may_run(_READ_NEXT[key]):
            return None
        rule = self.rule()
        if rule is None or (rule.optional and item[:1] == "-"):
            return None
        if flag not in rule.next and not (key != flag and rule.group and key[1] == rule.group):
            return None
        return _password(item, rule.split, "")

    def flag(self, flag: str) -> Found | None:
        """The password glued to `flag` (`-pPW`), if the program reads it so; a flag that
        puts htpasswd in batch mode starts the wait for its password."""
        if not self.may_run(_glued_readers(flag)):
            return None
        rule = self.rule()
        if rule is None:
            return None
        if self.program == "htpasswd" and "b" in flag and flag[1:2] != "-":
            self.held, self.place = "htpasswd", 0
        for glued in rule.glued:
            if flag.startswith(glued) and len(flag) > len(glued):
                return _password(flag[len(glued) :], rule.split, glued)
        return None

    def word(self) -> None:
        """After a sub-command word: wait for the password it may be followed by."""
        self.rule()
        if self.program in ("vault login", "config set"):
            self.held, self.place = self.program, 0

    def positional(self, item: str, flag: str | None) -> Found | None:
        """`item` hidden if it is the password `held` waits for (`flag`: the item before)."""
        held = self.held
        if item in _SEPARATORS:  # the command ends before its password
            self.held = None
            return None
        if item[:1] == "-" or (held == "htpasswd" and flag in ("-C", "-r")):
            return None
        self.place += 1
        if held == "vault login":  # the token, or an auth method's `key=value`, a text's to hide
            return None if "=" in item else _password(item, "", "")
        if held == "config set":  # `KEY VALUE`: the value of a key that names a secret
            if self.place == 2:
                self.held = None
                key = self.words[-1]
                return _password(item, "", "") if type(key) is str and _secret_key(key) else None
            return None
        if self.place == (2 if self.batch_prints() else 3):  # htpasswd: [FILE] USER PW
            self.held = None
            return _password(item, "", "")
        return None

    def batch_prints(self) -> bool:
        """Whether htpasswd prints (`-n`): it then takes no file, the password is its 2nd word."""
        return any(
            type(word) is str and word[:1] == "-" and word[1:2] != "-" and "n" in word
            for word in self.words[self.since :]
        )


def _secret_key(key: str) -> bool:
    """Whether a config key names a secret (`//registry.npmjs.org/:_authToken`, `npmAuthToken`)."""
    return _regex(_SECRET_KEYS).match(key.rpartition(":")[2] or key) is not None


def _password(value: str, split: str, before: str) -> Found | None:
    """("cli_password", the password, `before` and what comes before it in `value`): the
    whole value, or what follows `split` in it; None for no password, a marker or a
    reference to one kept elsewhere (`$PW`)."""
    head = ""
    if split:
        user, sep, value = value.partition(split)
        if not sep:
            return None
        head = user + sep
    if not value or _is_ref(value):
        return None
    return "cli_password", value, before + head


def _is_ref(value: str) -> bool:
    return _regex(_NOT_REF).match(value) is None or (value.startswith("[REDACTED:") and value.endswith("]"))
