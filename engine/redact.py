"""Keep secrets out of the log: replace them by a marker with their kind and a short hash."""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

MAX_DEPTH = 32

SECRET_KEYS = re.compile(
    r"(?i)^(?:.*[_-])?(password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key|client[_-]?secret|authorization|auth|cookie|session[_-]?key|credentials?)$"
)

# (kind, pattern): the whole match is the secret unless the pattern has a group named `s`.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "private_key",
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"),
    ),
    ("aws_access_key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("github_token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b")),
    ("gitlab_token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("slack_token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b")),
    ("anthropic_key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}\b")),
    ("openai_key", re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}\b")),
    ("stripe_key", re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b")),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b")),
    ("url_password", re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s:/@]+:(?P<s>[^\s@/]+)@")),
    ("bearer", re.compile(r"(?i)\b(?:bearer|token)\s+(?!\[REDACTED)(?P<s>[A-Za-z0-9._~+/=-]{16,})")),
    (
        "env_secret",
        re.compile(
            r"(?i)\b[A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY)[A-Z0-9_]*"
            r"\s*[=:]\s*(?!\[REDACTED)(?P<s>\"[^\"]+\"|'[^']+'|[^\s\"';&|]+)"
        ),
    ),
]


def marker(kind: str, secret: str) -> str:
    """The replacement of a secret: its kind and the first 8 hex digits of its SHA-256."""
    return f"[REDACTED:{kind}:{hashlib.sha256(secret.encode()).hexdigest()[:8]}]"


_MAYBE = re.compile(
    r"(?i)key|token|secret|pass|pwd|auth|bearer|cookie|credential|akia|asia|gh[pousr]_|github_pat|glpat"
    r"|xox|sk-|[rs]k_|aiza|eyj|private|://"
)
"""A cheap test every secret pattern implies: text without any of these holds no secret."""


def redact_text(text: str) -> str:
    """`text` with every secret it holds replaced by a marker."""
    if len(text) < 8 or _MAYBE.search(text) is None:
        return text
    for kind, pattern in PATTERNS:
        if kind == "private_key" and "PRIVATE KEY" not in text:
            continue
        text = pattern.sub(functools.partial(_replace, kind=kind), text)
    return text


def _replace(m: re.Match[str], kind: str) -> str:
    if "s" in m.re.groupindex and m.group("s") is not None:
        start, end = m.span("s")
        whole_start = m.start()
        return (
            m.group(0)[: start - whole_start] + marker(kind, m.group("s")) + m.group(0)[end - whole_start :]
        )
    return marker(kind, m.group(0))


def redact(value: Any, depth: int = 0) -> Any:
    """A copy of a JSON-like value with secrets replaced (by key name, then by pattern)."""
    if depth > MAX_DEPTH:
        return "[TRUNCATED:depth]"
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = str(key)
            if isinstance(item, str) and item and SECRET_KEYS.match(name):
                out[name] = marker("field", item)
            else:
                out[name] = redact(item, depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [redact(item, depth + 1) for item in value]
    return value
