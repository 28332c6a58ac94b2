"""`remit import gemini-policy`: a Gemini CLI policy TOML file as a remit policy.

Gemini CLI applies the highest-priority matching rule; remit blocks on any matching block
rule and lets ask beat allow. To keep Gemini's answer, a rule is narrowed by every
higher-priority rule with a looser decision that can match the same tool:
`deny when X && !(higher allow)`. With that, the strictest matching remit rule is always
the one Gemini CLI would have picked.
"""

from __future__ import annotations

import fnmatch
import json
import math
import re
import sys
from pathlib import PurePath
from typing import Any

from ..lint import WELL_KNOWN_TOOLS
from ._claude_rules import Skip
from ._gemini_rules import DECISIONS, Parsed, parse
from ._model import Collected, ImportFailed, ImportResult, RuleOut
from ._patterns import slug
from ._policy import PolicyText, write_policy

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

STRICTNESS = {"allow": 0, "ask": 1, "block": 2}
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


def import_gemini_policy(text: str, *, file: str = "<policy>") -> ImportResult:
    """Translate the `[[rule]]`s of a Gemini CLI policy file into a remit policy."""
    data = _load_toml(text, file)
    col = Collected()
    for key in sorted(set(data) - {"rule"}):
        col.skip(f"[{key}]", _OTHER_KEYS.get(key, "not part of the policy-engine schema (`[[rule]]`)"))
    parsed = _parse_all(_rule_tables(data, file), col)
    order = sorted(parsed, key=lambda p: -p.priority)  # stable: file order breaks ties
    rules = [_rule_out(rank, p, order[:rank], col) for rank, p in enumerate(order)]
    meta = _meta(file, col, rules)
    return ImportResult(write_policy(meta, rules, _earlier, file), col.untranslated, col.warnings)


_OTHER_KEYS = {
    "safety_checker": "safety checkers run code inside Gemini CLI that remit cannot reproduce",
    "modes": "sandbox settings of Gemini CLI's modes, not tool-call rules",
    "commands": "sandbox settings, not tool-call rules",
    "rules": "a sandbox-configuration table, not the policy engine's `[[rule]]`",
}


def _load_toml(text: str, file: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFailed(_toml_message(file, str(exc))) from None
    except ValueError:  # an integer past Python's digit limit
        raise ImportFailed(f"{file}: not usable TOML: a number has too many digits") from None
    except RecursionError:
        raise ImportFailed(f"{file}: not usable TOML: it nests too deeply") from None
    return data


def _toml_message(file: str, message: str) -> str:
    """`file:line:col: not valid TOML: ...` from tomllib's `... (at line L, column C)`."""
    first = message.splitlines()[0] if message else "unreadable"
    m = _AT.search(first)
    where = f"{file}:{m.group(1)}:{m.group(2)}" if m else file
    return f"{where}: not valid TOML: {_AT.sub('', first).strip().lower()}"


def _rule_tables(data: dict[str, Any], file: str) -> list[dict[str, Any]]:
    rules = data.get("rule", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise ImportFailed(f"{file}: `rule` must be an array of tables (`[[rule]]`)")
    for i, rule in enumerate(rules):
        if rule.get("decision") not in DECISIONS:
            raise ImportFailed(f"{file}: rule {i + 1}: `decision` must be allow, deny or ask_user")
        priority = rule.get("priority", 0)
        if isinstance(priority, bool) or not isinstance(priority, (int, float)):
            raise ImportFailed(f"{file}: rule {i + 1}: `priority` must be a number")
        if not _finite(priority):  # `inf`, `nan`, 1e400: no order among the rules to keep
            shown = str(priority)[:20]
            raise ImportFailed(f"{file}: rule {i + 1}: `priority` must be a finite number, not {shown}")
    return rules


def _finite(number: float) -> bool:
    """`number` is a float's finite value (an integer past a double's range is not)."""
    try:
        return math.isfinite(float(number))
    except OverflowError:
        return False


def _parse_all(rules: list[dict[str, Any]], col: Collected) -> list[Parsed]:
    out = []
    for i, rule in enumerate(rules):
        try:
            out.append(parse(i, rule))
        except Skip as exc:
            col.skip(describe(i, rule), str(exc))
    return out


def describe(index: int, rule: dict[str, Any]) -> str:
    """A one-line rendering of a rule table, for reports."""
    fields = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in rule.items())
    return f"rule {index + 1} {{{fields}}}"


def _rule_out(rank: int, p: Parsed, higher: list[Parsed], col: Collected) -> RuleOut:
    looser = [h for h in higher if STRICTNESS[h.decision] < STRICTNESS[p.decision] and _overlap(h, p)]
    parts = [f"({p.when})"] if p.when else []
    parts += [f"!{h.full}" for h in looser]
    comments = [f"rule {p.index + 1}: {p.decision} at priority {p.priority:g}", *p.notes]
    if looser:
        ids = ", ".join(str(h.index + 1) for h in looser)
        comments.append(f"narrowed by higher-priority rule(s) {ids}, which Gemini CLI applies first")
    if p.warning:
        col.warnings.append(f"rule {p.index + 1} ({p.decision}): {p.warning}")
        comments.append(f"warning: {p.warning}")
    return RuleOut(
        id=_rule_id(p), decision=p.decision, tools=p.tools, when=" && ".join(parts) or None,
        comments=tuple(comments), reason=p.reason, sample=p.sample, rank=rank,
    )  # fmt: skip


def _rule_id(p: Parsed) -> str:
    tail = slug("-".join(p.tools), 30)
    return f"gemini-{p.index + 1}-{p.decision}" + (f"-{tail}" if tail else "")


def _overlap(a: Parsed, b: Parsed) -> bool:
    return any(_tools_overlap(x, y) for x in a.tools for y in b.tools)


def _tools_overlap(x: str, y: str) -> bool:
    if "*" in x and "*" in y:
        return True
    return x == y or fnmatch.fnmatchcase(y, x) or fnmatch.fnmatchcase(x, y)


def _earlier(a: RuleOut, b: RuleOut) -> bool:
    return a.rank < b.rank


def _declared(rules: list[RuleOut]) -> dict[str, dict[str, str]]:
    """Gemini tools whose names differ only in case from Claude Code's (`glob`, `Glob`)."""
    known = {t.lower() for t in WELL_KNOWN_TOOLS}
    names = sorted({t for r in rules for t in r.tools if t.lower() in known and t not in WELL_KNOWN_TOOLS})
    return {n: {"description": "a Gemini CLI tool"} for n in names}


def _meta(file: str, col: Collected, rules: list[RuleOut]) -> PolicyText:
    stem = slug(PurePath(file).name.removesuffix(".toml")) or "gemini-policy"
    header = [
        f"Imported from Gemini CLI policy `{file}` by `remit import gemini-policy`.",
        "deny -> block, ask_user -> ask, allow -> allow. Gemini CLI applies the highest-priority",
        "matching rule; each rule below is narrowed by the higher-priority rules with a looser",
        "decision, so remit's precedence gives the same answer. Modes are `ctx.permission_mode`.",
        "What no rule decides asks, as in Gemini CLI.",
    ]
    if col.untranslated:
        header += ["", "Not translated:", *(f"  {u.source} -- {u.reason}" for u in col.untranslated)]
    if col.warnings:
        header += ["", "Warnings:", *(f"  {w}" for w in col.warnings)]
    return PolicyText(
        name=f"imported-{stem}",
        description=f"Gemini CLI policy imported from {file}",
        header=tuple(header),
        defaults={"decision": "ask", "on_error": "block"},
        tools=_declared(rules),
    )
