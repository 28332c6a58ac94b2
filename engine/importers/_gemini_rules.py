"""One Gemini CLI policy rule (`[[rule]]` of a policy TOML file) as the parts of a remit rule.

Gemini CLI picks the highest-priority matching rule; `gemini.py` turns that order into
remit's. Here each rule becomes tools, a condition, an example call and notes, or `Skip`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..celrt import RegexError, compile_regex
from ._claude_rules import Skip
from ._danger import dangerous_example
from ._model import Sample
from ._patterns import cel_str, escape, prefix_regex
from ._shell import cel_list

SHELL_TOOL = "run_shell_command"
DECISIONS = {"allow": "allow", "deny": "block", "ask_user": "ask"}
KNOWN_FIELDS = frozenset({
    "toolName", "mcpName", "subagent", "toolAnnotations", "argsPattern", "commandPrefix",
    "commandRegex", "decision", "priority", "denyMessage", "modes", "interactive",
    "allowRedirection", "safety_checker", "name",
})  # fmt: skip
EXAMPLE_CWD = "/repo"
_NOT_THROUGH = ("sh", "bash", "zsh", "dash", "ksh", "eval", "su", "watch", "find")
_ARGS = re.compile(r'^(?:\\x00)?"(\w+)":(?:\\s\*)?"(.*)"(?:\\x00)?$', re.S)


@dataclass(frozen=True)
class Parsed:
    """A Gemini rule in remit terms: tools, condition, and where it came from."""

    index: int
    priority: float
    decision: str
    tools: tuple[str, ...]
    when: str | None
    sample: Sample | None
    notes: tuple[str, ...] = ()
    reason: str | None = None
    warning: str | None = None

    @property
    def full(self) -> str:
        """Tool match and condition: true exactly when this rule matches a call."""
        tool = tool_cel(self.tools)
        return f"({tool} && ({self.when}))" if self.when else tool


def tool_cel(patterns: tuple[str, ...]) -> str:
    """CEL: the call's tool matches one of the patterns (globs with `*`)."""
    if "*" in patterns:
        return "true"
    names = [p for p in patterns if "*" not in p]
    globs = [p for p in patterns if "*" in p]
    parts = [f"tool in {cel_list(names)}"] if names else []
    parts += [
        f"tool.matches({cel_str('^' + '.*'.join(escape(s) for s in g.split('*')) + '$')})" for g in globs
    ]
    return "(" + " || ".join(parts) + ")"


def parse(index: int, rule: dict[str, Any]) -> Parsed:
    """Translate one rule table; raise `Skip` with the reason when it cannot be done."""
    unknown = sorted(set(rule) - KNOWN_FIELDS)
    if unknown:
        raise Skip(f"unknown field `{unknown[0]}`")
    if "toolAnnotations" in rule:
        raise Skip("`toolAnnotations` are MCP tool metadata that a call does not carry to remit")
    if rule.get("interactive") is False:
        raise Skip(
            "applies only in headless runs; remit decides the same everywhere and turns"
            " asks into `defaults.non_interactive` (block) where no human can answer"
        )
    tools = _tools(rule)
    conditions, notes, sample_args = _conditions(rule, tools)
    decision = DECISIONS[rule["decision"]]
    return Parsed(
        index=index,
        priority=float(rule.get("priority", 0)),
        decision=decision,
        tools=tools,
        when=" && ".join(f"({c})" for c in conditions) or None,
        sample=_sample(rule, tools, sample_args),
        notes=tuple(notes),
        reason=rule.get("denyMessage") if isinstance(rule.get("denyMessage"), str) else None,
        warning=_danger(rule, tools, decision),
    )


def _strings(rule: dict[str, Any], key: str) -> list[str]:
    value = rule.get(key)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        raise Skip(f"`{key}` holds something other than strings (token lists are not supported)")
    return values


def _tools(rule: dict[str, Any]) -> tuple[str, ...]:
    names = _strings(rule, "toolName")
    if not names:
        names = [SHELL_TOOL] if ("commandPrefix" in rule or "commandRegex" in rule) else ["*"]
    server = rule.get("mcpName")
    if isinstance(server, str):
        names = [_mcp_name(server, n) for n in names]
    return tuple(dict.fromkeys(names))


def _mcp_name(server: str, tool: str) -> str:
    if server == "*":
        return "mcp_*" if tool == "*" else f"mcp_*_{tool}"
    return f"mcp_{server}_{tool}"


def _conditions(rule: dict[str, Any], tools: tuple[str, ...]) -> tuple[list[str], list[str], dict[str, Any]]:
    out: list[str] = []
    notes: list[str] = []
    args: dict[str, Any] = {}
    modes = _strings(rule, "modes")
    if modes:
        out.append(f"ctx.permission_mode in {cel_list(modes)}")
    if isinstance(rule.get("subagent"), str):
        out.append(f"ctx.agent_id == {cel_str(rule['subagent'])}")
    if rule.get("interactive") is True:
        notes.append("interactive only: where no human can answer, defaults.non_interactive applies")
    shell = _shell_condition(rule)
    if shell is not None:
        out.append(shell[0])
        args["command"] = shell[1]
    if "argsPattern" in rule:
        out.append(_args_pattern(rule["argsPattern"]))
    out += _checker(rule, args)
    return out, notes, args


def _shell_condition(rule: dict[str, Any]) -> tuple[str, str] | None:
    prefixes = _strings(rule, "commandPrefix")
    if prefixes:
        rx = "(?s)^(?:" + "|".join(prefix_regex(p)[5:-1] for p in prefixes) + ")$"
        return _per_command(rule, rx), prefixes[0]
    if "commandRegex" in rule:
        if not isinstance(rule["commandRegex"], str):
            raise Skip("`commandRegex` must be a string")
        rx = f"(?s)^(?:{rule['commandRegex']})"
        _check_re2(rule["commandRegex"], rx)
        return _per_command(rule, rx), ""
    return None


def _per_command(rule: dict[str, Any], rx: str) -> str:
    text = f"c.text.matches({cel_str(rx)})"
    if rule["decision"] != "allow":
        whole = f"shell.command.trim().matches({cel_str(rx)})"
        return f'{whole} || shell.commands.exists(c, {text} || c.argv.join(" ").matches({cel_str(rx)}))'
    each = f"{text} && !c.wrappers.exists(w, w in {cel_list(_NOT_THROUGH)})"
    if not rule.get("allowRedirection"):
        each += " && size(c.redirects) == 0"
    return f"!shell.unparsed && size(shell.commands) > 0 && shell.commands.all(c, {each})"


def _check_re2(source: str, rx: str) -> None:
    try:
        compile_regex(rx)
    except RegexError as exc:
        detail = str(exc).strip("b'\"")
        raise Skip(
            f"regex `{source}` is not RE2-compatible ({detail}); remit runs regexes in linear time"
        ) from None


def _args_pattern(pattern: Any) -> str:
    if not isinstance(pattern, str):
        raise Skip("`argsPattern` must be a string")
    m = _ARGS.match(pattern)
    if m is None or re.search(r'(?<!\\)"', m.group(2)):
        raise Skip(
            "`argsPattern` tests the JSON text of all arguments; only the shape"
            ' `"key":"value-regex"` can be expressed over one argument'
        )
    value = f"(?s)^(?:{m.group(2)})$"
    _check_re2(pattern, value)
    key = cel_str(m.group(1))
    return f"{key} in args && string(args[{key}]).matches({cel_str(value)})"


def _checker(rule: dict[str, Any], args: dict[str, Any]) -> list[str]:
    checker = rule.get("safety_checker")
    if checker is None:
        return []
    if isinstance(checker, dict) and checker.get("name") == "allowed-path":
        args["file_path"] = f"{EXAMPLE_CWD}/notes.md"
        return ["path.inside_workspace"]
    raise Skip("its safety checker runs code inside Gemini CLI that remit cannot reproduce")


def _sample(rule: dict[str, Any], tools: tuple[str, ...], args: dict[str, Any]) -> Sample | None:
    if "argsPattern" in rule or "commandRegex" in rule:
        return None
    tool = next(
        (t for t in tools if "*" not in t), tools[0].replace("*", "a") if tools[0] != "*" else "some_tool"
    )
    if tool == SHELL_TOOL and "command" not in args:
        args = {**args, "command": "make"}
    ctx: dict[str, Any] = {"cwd": EXAMPLE_CWD}
    modes = _strings(rule, "modes")
    if modes:
        ctx["permission_mode"] = modes[0]
    if isinstance(rule.get("subagent"), str):
        ctx["agent_id"] = rule["subagent"]
    return Sample(tool, args, ctx)


def _danger(rule: dict[str, Any], tools: tuple[str, ...], decision: str) -> str | None:
    if decision != "allow":
        return None
    if "*" in tools:
        return "allows every tool, e.g. `run_shell_command` with `rm -rf ~`"
    if SHELL_TOOL not in tools or "commandRegex" in rule:
        return None
    prefixes = _strings(rule, "commandPrefix")
    examples = (
        [e for p in prefixes if (e := dangerous_example(p + " *"))] if prefixes else [dangerous_example(None)]
    )
    found = [e for e in examples if e]
    return "lets " + ", ".join(f"`{e}`" for e in found) + " through" if found else None
