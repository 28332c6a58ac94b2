"""`remit import claude-settings`: a Claude Code `permissions` block as a remit policy.

Claude Code evaluates deny, then ask, then allow, the first match winning; remit blocks on
any matching block rule, then lets ask beat allow. So deny -> `block`, ask -> `ask`,
allow -> `allow` keep their meaning, and what no rule matches falls to the permission
mode's behaviour (`_claude_modes.py`). One rule is translated in `_claude_rules.py`.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from ._claude_modes import DEFAULTS, MODES, builtin_rules, compound_allow
from ._claude_rules import Skip, Source, Translated, translate
from ._model import Collected, ImportFailed, ImportResult, RuleOut
from ._paths import directory_cel
from ._patterns import slug
from ._policy import PolicyText, write_policy

LISTS = ("deny", "ask", "allow")
STRICTNESS = {"allow": 0, "ask": 1, "block": 2}


def import_claude_settings(text: str, *, file: str = "<settings>") -> ImportResult:
    """Translate the `permissions` of a Claude Code settings.json into a remit policy."""
    permissions = _permissions(_load_json(text, file), file)
    col = Collected()
    mode = _mode(permissions, col)
    directories = _directories(permissions, col)
    allows: list[tuple[str, tuple[str, ...]]] = []
    for kind in LISTS:
        for i, rule in enumerate(_rule_list(permissions, kind, file), 1):
            _add(Source(kind, i, rule), mode, col, allows)
    extra = [r for r in (compound_allow(allows, directories),) if r is not None]
    rules = [*col.rules, *extra, *builtin_rules(mode, directories)]
    meta = _meta(file, mode, col)
    yaml = write_policy(meta, rules, _stricter, file)
    return ImportResult(yaml, col.untranslated, col.warnings)


def _load_json(text: str, file: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{file}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg.lower()}") from None
    except ValueError:  # an integer past Python's digit limit
        raise ImportFailed(f"{file}: not usable JSON: a number has too many digits") from None
    except RecursionError:
        raise ImportFailed(f"{file}: JSON nested too deeply") from None


def _permissions(data: Any, file: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ImportFailed(f"{file}: a settings file must be a JSON object")
    permissions = data.get("permissions", {})
    if not isinstance(permissions, dict):
        raise ImportFailed(f"{file}: `permissions` must be an object")
    return permissions


def _rule_list(permissions: dict[str, Any], kind: str, file: str) -> list[str]:
    rules = permissions.get(kind) or []
    if not isinstance(rules, list):
        raise ImportFailed(f"{file}: `permissions.{kind}` must be a list of rules")
    for i, rule in enumerate(rules):
        if not isinstance(rule, str):
            raise ImportFailed(f"{file}: `permissions.{kind}[{i}]` must be a string such as `Bash(npm test)`")
    return rules


def _mode(permissions: dict[str, Any], col: Collected) -> str:
    mode = permissions.get("defaultMode") or "default"
    if mode == "manual":
        return "default"
    if not isinstance(mode, str) or mode not in MODES:
        col.skip(f"defaultMode: {mode}", "not a Claude Code permission mode; imported as `default`")
        return "default"
    if mode == "auto":
        col.skip(
            "defaultMode: auto",
            "auto mode asks a classifier model, which a policy cannot"
            " reproduce; imported as `default` (what no rule decides asks)",
        )
    return mode


def _directories(permissions: dict[str, Any], col: Collected) -> list[str]:
    raw = permissions.get("additionalDirectories") or []
    if not isinstance(raw, list):
        col.skip(f"additionalDirectories: {raw}", "not a list of directories")
        return []
    kept = []
    for directory in raw:
        if isinstance(directory, str) and directory_cel(directory) is not None:
            kept.append(directory)
        else:
            col.skip(
                f"additionalDirectories: {directory}",
                "only absolute, `~/` and cwd-relative"
                " directories (at most one leading `..`) can be expressed",
            )
    return kept


def _add(src: Source, mode: str, col: Collected, allows: list[tuple[str, tuple[str, ...]]]) -> None:
    try:
        out = translate(src)
    except Skip as exc:
        col.skip(src.text, str(exc))
        return
    decision = "block" if mode == "dontAsk" and src.kind == "ask" else src.decision
    comments = [src.origin]
    if decision != src.decision:
        comments.append("defaultMode dontAsk: what would prompt is denied")
    if out.warning:
        col.warnings.append(_warning(src, out))
        comments.append(f"warning: {_warning_text(src, out)}")
    if out.bash_allow is not None and out.when is not None:
        allows.append(out.bash_allow)
    sample = out.sample
    col.rules.append(RuleOut(src.rule_id, decision, out.tools, out.when, tuple(comments), sample=sample))


def _warning_text(src: Source, out: Translated) -> str:
    if src.kind == "allow" and out.tools == ("Bash",):
        return f"lets `{out.warning}` through"
    return out.warning or ""


def _warning(src: Source, out: Translated) -> str:
    return f"`{src.text}` (permissions.{src.kind}[{src.index - 1}]) {_warning_text(src, out)}"


def _stricter(a: RuleOut, b: RuleOut) -> bool:
    return STRICTNESS[a.decision] > STRICTNESS[b.decision]


def _meta(file: str, mode: str, col: Collected) -> PolicyText:
    stem = slug(PurePath(file).name.removesuffix(".json")) or "claude-settings"
    header = [
        f"Imported from Claude Code settings `{file}` by `remit import claude-settings`.",
        "deny -> block, ask -> ask, allow -> allow: remit's precedence (block, then ask, then",
        "allow) is Claude Code's (deny, then ask, then allow).",
        f"defaultMode {mode}: what no rule decides is `{DEFAULTS[mode]}`.",
    ]
    header += _report_lines(col)
    return PolicyText(
        name=f"imported-{stem}",
        description=f"Claude Code permissions imported from {file}",
        header=tuple(header),
        defaults={"decision": DEFAULTS[mode], "on_error": "block"},
    )


def _report_lines(col: Collected) -> list[str]:
    lines: list[str] = []
    if col.untranslated:
        lines += ["", "Not translated:"]
        lines += [f"  {u.source} -- {u.reason}" for u in col.untranslated]
    if col.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  {w}" for w in col.warnings]
    return lines
