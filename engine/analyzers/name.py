"""The `name` analyzer: what a tool probably does, from its name, for tools a policy does not know.

`mcp__github__create_pull_request` -> server `github`, verb `create`, kind `write`;
`BankManagerTransferFunds` -> verb `transfer`, kind `transfer`, risk 8, irreversible.
MCP annotations (`readOnlyHint`, `destructiveHint`, `openWorldHint`) override the guess.
Word lists are data in `_verbs.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from ..celrt import CelObject
from ._verbs import (
    AMBIGUOUS,
    BRAND_DOMAINS,
    DOMAIN_BUMP,
    DOMAIN_WORDS,
    KNOWN_TOOLS,
    MONEY_VERBS,
    MONEY_WORDS,
    PUBLIC_VERBS,
    PUBLIC_WORDS,
    RATINGS,
    SECURITY_WORDS,
    SOFT_DELETE,
    TOOLKIT_NOUNS,
    VERBS,
)

__all__ = ["NameFacts", "name_facts"]

MAX_NAME = 256
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


class NameFacts(CelObject):
    """What a tool's name says: `server`, `base`, `verb`, `words`, `kind`, `risk`,
    `reversibility`, `domain`."""

    cel_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "server",
            "base",
            "verb",
            "words",
            "kind",
            "risk",
            "reversibility",
            "domain",
        }
    )

    def __init__(
        self,
        server: str = "",
        base: str = "",
        verb: str = "",
        words: list[str] | None = None,
        kind: str = "unknown",
        risk: int = 5,
        reversibility: str = "recoverable",
        domain: str = "unknown",
    ) -> None:
        self.server = server
        self.base = base
        self.verb = verb
        self.words = words or []
        self.kind = kind
        self.risk = risk
        self.reversibility = reversibility
        self.domain = domain


def name_facts(
    tool: str, annotations: Mapping[str, Any] | None = None, description: str | None = None
) -> NameFacts:
    """Rate a tool by its name (and annotations, description). Never raises."""
    try:
        tool = tool[:MAX_NAME] if isinstance(tool, str) else ""
        server, base = split_mcp(tool)
        words = split_words(base)
        extra = split_words(description[:500]) if isinstance(description, str) else []
        index = find_verb(words)
        verb_words, verb_index = (words, index) if index >= 0 else (extra, find_verb(extra))
        verb = _lemma(verb_words[verb_index]) if verb_index >= 0 else ""
        objects = verb_words[verb_index + 1 :] if verb_index >= 0 else []
        kind = _kind(verb, objects)
        domain = _domain([*split_words(server), *words], base) or _domain(extra, "")
        if base in KNOWN_TOOLS and not server:
            kind, domain = KNOWN_TOOLS[base]
        domain = domain or "unknown"
        risk, reversibility = _rate(kind, verb, domain, words)
        facts = NameFacts(server, base, verb, words, kind, risk, reversibility, domain)
        if isinstance(annotations, Mapping):
            _apply_annotations(facts, annotations)
        return facts
    except Exception:  # a bug here must become a fact, never reach the agent
        return NameFacts(base=tool if isinstance(tool, str) else "")


def split_mcp(tool: str) -> tuple[str, str]:
    """(server, tool) of `mcp__server__tool`; ("", tool) for other names."""
    if tool.startswith("mcp__"):
        server, _, base = tool[5:].partition("__")
        if base:
            return server, base
    return "", tool


def split_words(name: str) -> list[str]:
    """Lower-case words of snake_case, kebab-case, camelCase and PascalCase names."""
    return [w.lower() for part in _SEPARATORS.split(name) for w in _WORD.findall(part)]


def find_verb(words: list[str]) -> int:
    """Index of the verb: the first clear verb, else the likeliest noun-or-verb, else -1."""
    candidates = [i for i, w in enumerate(words) if _lemma(w) in VERBS]
    clear = [i for i in candidates if _lemma(words[i]) not in AMBIGUOUS]
    if clear:
        return clear[0]
    if not candidates:
        return -1
    # `TrafficControlMonitorTraffic`: a toolkit noun before another candidate is not the verb.
    for n, i in enumerate(candidates):
        if _lemma(words[i]) not in TOOLKIT_NOUNS or n == len(candidates) - 1:
            return i
    return candidates[0]


def _lemma(word: str) -> str:
    if word in VERBS:
        return word
    for suffix, repl in (("ing", ""), ("ing", "e"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e")):
        if word.endswith(suffix) and word[: -len(suffix)] + repl in VERBS:
            return word[: -len(suffix)] + repl
    return word


def _kind(verb: str, objects: list[str]) -> str:
    kind = VERBS.get(verb, "unknown")
    if (
        kind in ("send", "write", "execute")
        and verb in MONEY_VERBS | {"send"}
        and any(o in MONEY_WORDS for o in objects)
    ):
        return "transfer"
    if kind == "write" and verb in PUBLIC_VERBS and any(o in PUBLIC_WORDS for o in objects):
        return "send"
    return kind


def _domain(words: list[str], name: str) -> str:
    joined = name.lower()
    for brand, domain in BRAND_DOMAINS:
        if brand in joined:
            return domain
    present = set(words)
    for domain, vocabulary in DOMAIN_WORDS:
        if present & vocabulary:
            return domain
    return ""


def _rate(kind: str, verb: str, domain: str, words: list[str]) -> tuple[int, str]:
    soft = kind == "delete" and verb in SOFT_DELETE
    risk, reversibility = RATINGS["soft_delete" if soft else kind]
    if kind == "transfer":
        return risk, reversibility
    risk += DOMAIN_BUMP.get(domain, {}).get(kind, 0)
    if kind == "read":
        return min(risk, 2), "reversible"
    if kind != "unknown" and SECURITY_WORDS & set(words):
        risk += 1
    return max(1, min(risk, 10)), reversibility


def _apply_annotations(facts: NameFacts, annotations: Mapping[str, Any]) -> None:
    """MCP tool annotations are the server's own statement: they beat the name."""
    if annotations.get("readOnlyHint") is True:
        facts.kind, facts.risk, facts.reversibility = "read", min(facts.risk, 2), "reversible"
        return
    if annotations.get("destructiveHint") is True:
        if facts.kind in ("read", "write", "unknown"):
            facts.kind = "delete"
        facts.risk = max(facts.risk, 6)
        facts.reversibility = "irreversible"
    elif annotations.get("destructiveHint") is False and facts.kind in ("delete", "unknown"):
        facts.reversibility = "recoverable"
    if annotations.get("openWorldHint") is True and facts.kind != "read":
        facts.risk = min(facts.risk + 1, 10)
    if annotations.get("idempotentHint") is True and facts.kind == "write":
        facts.reversibility = "recoverable"
