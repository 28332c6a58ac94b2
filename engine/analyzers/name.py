"""The `name` analyzer: what a tool probably does, from its name, for tools a policy does not know.

`mcp__github__create_pull_request` -> server `github`, verb `create`, kind `write`;
`BankManagerTransferFunds` -> verb `transfer`, kind `transfer`, risk 8, irreversible.
MCP annotations (`readOnlyHint`, `destructiveHint`, `openWorldHint`) override the guess.
Word lists are data in `_verbs.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from ..celrt import CelObject
from ._verbs import (
    AMBIGUOUS,
    BRAND_DOMAINS,
    CONJUNCTIONS,
    DOMAIN_BUMP,
    DOMAIN_WORDS,
    JOINED_AFTER_OBJECT,
    KNOWN_TOOLS,
    MONEY_VERBS,
    MONEY_WORDS,
    PLAIN_VERBS,
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
        cut = isinstance(tool, str) and len(tool) > MAX_NAME
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
        if index >= 0:
            verb, kind = _riskiest(words, index, verb, kind, domain or "unknown")
        if base in KNOWN_TOOLS and not server:
            kind, domain = KNOWN_TOOLS[base]
        domain = domain or "unknown"
        risk, reversibility = _rate(kind, verb, domain, words)
        if cut and risk < RATINGS["unknown"][0]:  # the words cut off may say more than a read
            kind = "unknown"
            risk, reversibility = RATINGS["unknown"]
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


def _riskiest(words: list[str], index: int, verb: str, kind: str, domain: str) -> tuple[str, str]:
    """(verb, kind) of the riskiest action a name holds: one a conjunction joins
    (`get_and_delete` deletes, `ReadThenSendEmail` sends) or a plain verb anywhere after the
    first (`getDeleteUser`, `get_user__delete`). A name that reads and writes is rated by
    what it writes."""
    best = _rate(kind, verb, domain, words)[0]
    for i in (*_joined_verbs(words, index), *_plain_verbs(words, index)):
        lemma = _lemma(words[i])
        other = _kind(lemma, words[i + 1 :])
        risk = _rate(other, lemma, domain, words)[0]
        if risk > best:
            verb, kind, best = lemma, other, risk
    return verb, kind


def _plain_verbs(words: list[str], index: int) -> Iterator[int]:
    """Indexes of the verbs after `index` that are hardly ever nouns (`PLAIN_VERBS`), with
    or without a conjunction before them: `delete` in `getDeleteUser`, not `run` in
    `get_workflow_run`."""
    return (i for i in range(index + 1, len(words)) if words[i] in PLAIN_VERBS)


def _joined_verbs(words: list[str], index: int) -> Iterator[int]:
    """Indexes of the verbs a conjunction joins to the verb at `index` (`delete` in
    `get_and_delete`, `remove` in `get_user_then_remove`). Right after a verb (`fetch_and_`)
    or after `then`, a word that is also a noun counts (`fetch_and_transfer`); after an
    object a plain, clear verb does, and a noun-or-verb only if it would move money or
    delete (`get_balance_and_transfer`; `get_name_and_email` names two fields, not a mail)."""
    last_verb = index
    i = index + 1
    while i < len(words):
        if words[i] not in CONJUNCTIONS:
            i += 1
            continue
        start, then = i, False
        while i < len(words) and words[i] in CONJUNCTIONS:
            then = then or words[i] == "then"
            i += 1
        if i == len(words):
            return
        word = words[i]
        lemma = _lemma(word)
        after_object = word in VERBS and (word not in AMBIGUOUS or VERBS[word] in JOINED_AFTER_OBJECT)
        if lemma in VERBS and (then or start == last_verb + 1 or after_object):
            last_verb = i
            yield i


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
