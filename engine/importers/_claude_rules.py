"""One Claude Code permission rule (`Bash(npm run test:*)`, `Read(./.env)`...) as a remit rule.

`translate` returns the tools and CEL condition of the remit rule, an example call that
the rule must match (for the generated tests), and any warning; it raises `Skip` with the
reason when the rule cannot be translated faithfully.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..analyzers._runners import RUNNERS
from ._danger import dangerous_example
from ._model import Sample
from ._paths import all_paths, any_path, path_pattern
from ._patterns import cel_str, command_regex, domain_regex, escape, slug
from ._shell import allow_all, any_command

READ_TOOLS = ("Read", "Grep", "Glob", "LS", "NotebookRead")
"""Claude Code applies `Read` rules to every built-in tool that reads files."""
EDIT_TOOLS = ("Edit", "MultiEdit", "Write", "NotebookEdit")
"""`Edit` rules apply to every built-in tool that edits files."""
AGENT_TOOLS = ("Agent", "Task")
AGENT_FIELDS = frozenset({"model", "isolation", "description", "prompt", "subagent_type",
                          "run_in_background", "name"})  # fmt: skip
DECISIONS = {"allow": "allow", "ask": "ask", "deny": "block"}
EXAMPLE_CWD = "/repo"
UNWRAPPED = frozenset({
    "sudo", "doas", "pkexec", "runuser", "env", "nice", "time", "exec", "stdbuf", "timeout",
    "xargs", "taskset", "nohup", "command", "builtin", "unbuffer", "chronic", "caffeinate",
    "strace", "ltrace", "gosu", "su-exec", "busybox", "bash", "sh", "zsh", "dash", "ksh",
    "eval", "su", *RUNNERS,
})  # fmt: skip
"""Wrappers the shell analyzer sees through (`sudo`, `uv run`...); an allow written for one
may keep it."""
SHELL_KEYWORDS = frozenset({"do", "done", "then", "else", "elif", "fi", "for", "if", "while",
                            "until", "case", "esac", "select", "function", "{", "}"})  # fmt: skip
_RULE = re.compile(r"^\s*([^()\s]+)\s*(?:\((.*)\))?\s*$", re.S)
_OPERATORS = re.compile(r"&&|\|\||;|\||&\s*$")
_PARAM = re.compile(r"^\s*([A-Za-z_]\w*)\s*:\s*(.*?)\s*$", re.S)


class Skip(Exception):
    """A rule that is not translated; the message says why."""


@dataclass(frozen=True)
class Source:
    """One rule of `permissions.allow`, `.ask` or `.deny`."""

    kind: str
    index: int
    text: str

    @property
    def decision(self) -> str:
        """The remit decision of this list: deny -> block."""
        return DECISIONS[self.kind]

    @property
    def rule_id(self) -> str:
        """A stable id: list, 1-based position, and a slug of the rule."""
        tail = slug(self.text)
        return f"claude-{self.kind}-{self.index}" + (f"-{tail}" if tail else "")

    @property
    def origin(self) -> str:
        """Where the rule came from, for comments and reports."""
        return f"permissions.{self.kind}[{self.index - 1}]: {self.text}"


@dataclass(frozen=True)
class Translated:
    """The remit side of one rule."""

    tools: tuple[str, ...]
    when: str | None
    sample: Sample | None
    warning: str | None = None
    bash_allow: tuple[str, tuple[str, ...]] | None = None
    """(regex, extra wrappers) of a Bash allow, for the rule that approves compound commands."""


Handler = Callable[[Source, str, "str | None"], Translated]


def translate(src: Source) -> Translated:
    """Translate one rule; raise `Skip` when that cannot be done faithfully."""
    m = _RULE.match(src.text)
    if m is None:
        raise Skip("not a permission rule: expected `Tool` or `Tool(specifier)`")
    tool, spec = m.group(1), m.group(2)
    if spec is not None and spec.strip() in ("", "*"):
        spec = None  # `Bash(*)` is `Bash`
    handler = HANDLERS.get(tool)
    if handler is not None:
        return handler(src, tool, spec)
    if "*" in tool or tool.startswith("mcp__"):
        return _tool_name(src, tool, spec)
    return _other(src, tool, spec)


def _sample(tool: str, **args: object) -> Sample:
    return Sample(tool, dict(args), {"cwd": EXAMPLE_CWD})


def _bash(src: Source, tool: str, spec: str | None) -> Translated:
    if spec is None:
        danger = dangerous_example(None) if src.kind == "allow" else None
        return Translated(("Bash",), None, _sample("Bash", command="make"), danger)
    _check_single_command(spec)
    words = spec.split()
    rx = command_regex(spec)
    sample = _sample("Bash", command=example_command(spec))
    if src.kind != "allow":
        return Translated(("Bash",), any_command(rx), sample)
    extra = _leading_wrappers(words)
    return Translated(("Bash",), allow_all(rx, extra), sample, dangerous_example(spec), (rx, extra))


def _leading_wrappers(words: list[str]) -> tuple[str, ...]:
    """The wrappers a Bash rule starts with (`timeout 5 uv run:*` gives timeout and uv): each
    may stay around the command the rule allows. Their options, numbers and assignments are
    passed over; the first other word ends them."""
    found: list[str] = []
    for word in words:
        name = word.rsplit("/", 1)[-1].rstrip(":*")
        if name in UNWRAPPED:
            found.append(name)
        elif not (word.startswith("-") or "=" in word or word.replace(".", "").isdigit()) or not found:
            break
    return tuple(dict.fromkeys(found))


def _check_single_command(spec: str) -> None:
    """Raise `Skip` for specifiers that name more (or less) than one simple command."""
    words = spec.split()
    if words and words[0].rstrip(":*") in SHELL_KEYWORDS:
        raise Skip(
            "a fragment of a shell compound statement, as Claude Code's splitter saves it;"
            " remit parses the whole statement and judges the commands inside it"
        )
    if _OPERATORS.search(spec):
        raise Skip(
            "names several commands joined by a shell operator; rules match one simple"
            " command at a time, so it cannot be expressed faithfully"
        )


def example_command(spec: str) -> str:
    """A command a Bash specifier matches (every `*` filled in)."""
    for tail in (":*", " *"):
        spec = spec.removesuffix(tail)
    return spec.replace("*", "x").strip() or "x"


def example_path(spec: str) -> str:
    """A path a Read/Edit specifier matches, for a call made in `EXAMPLE_CWD`."""
    filled = re.sub(r"\[!?(.)[^\]]*\]", r"\1", spec.replace("**", "a").replace("*", "a")).replace("?", "a")
    if filled.startswith("//"):
        return "/" + filled[2:].lstrip("/") if filled[2:] else "/a"
    if filled.startswith("~/"):
        return filled.rstrip("/") or "~/a"
    rest = filled.lstrip("/").removeprefix("./").rstrip("/")
    return f"{EXAMPLE_CWD}/{rest or 'a'}"


def _paths(src: Source, family: tuple[str, ...], sample_tool: str, spec: str | None) -> Translated:
    tools = (*family, "Bash") if src.kind == "deny" and spec is not None else family
    args = {"file_path": example_path(spec or "a.txt")}
    if sample_tool != "Read":
        args |= {"old_string": "a", "new_string": "b"} if sample_tool == "Edit" else {"content": "x"}
    sample = Sample(sample_tool, args, {"cwd": EXAMPLE_CWD})
    if spec is None:
        return Translated(tools, None, sample)
    pattern = path_pattern(spec.strip())
    when = all_paths(pattern) if src.kind == "allow" else any_path(pattern)
    warning = None
    if spec.startswith("/") and not spec.startswith("//"):
        warning = (
            f"`{src.text}` is relative to the project root in Claude Code, not absolute"
            f" (write `//{spec.lstrip('/')}` for an absolute path); translated as Claude Code reads it"
        )
    return Translated(tools, when, sample, warning)


def _read(src: Source, tool: str, spec: str | None) -> Translated:
    return _paths(src, READ_TOOLS, "Read", spec)


def _edit(src: Source, tool: str, spec: str | None) -> Translated:
    return _paths(src, EDIT_TOOLS, "Edit", spec)


def _edit_tool(src: Source, tool: str, spec: str | None) -> Translated:
    if spec is None:
        return Translated((tool,), None, _sample(tool, file_path=f"{EXAMPLE_CWD}/a.txt", content="x"))
    if src.kind == "allow":
        raise Skip(
            f"Claude Code checks file paths only against `Edit(...)` rules, so `{tool}(...)`"
            " never approved anything; write `Edit(...)`"
        )
    out = _paths(src, EDIT_TOOLS, tool, spec)
    note = (
        f"Claude Code ignores `{src.text}` (only `Edit(path)` rules are checked against file"
        f" edits); remit enforces it on every edit tool, as `Edit({spec})` would"
    )
    return Translated(out.tools, out.when, out.sample, note)


def _webfetch(src: Source, tool: str, spec: str | None) -> Translated:
    if spec is None:
        return Translated(("WebFetch",), None, _sample("WebFetch", url="https://example.com/", prompt="x"))
    if not spec.startswith("domain:"):
        raise Skip("Claude Code matches WebFetch only by `domain:`")
    domain = spec[len("domain:") :].strip()
    rx = cel_str(domain_regex(domain))
    if src.kind == "allow":
        when = f"size(http.hosts) > 0 && http.hosts.all(h, h.lowerAscii().matches({rx}))"
    else:
        when = f"http.hosts.exists(h, h.lowerAscii().matches({rx}))"
    host = domain.replace("*.", "a.").replace("*", "a") if domain != "*" else "example.com"
    return Translated(("WebFetch",), when, _sample("WebFetch", url=f"https://{host}/", prompt="x"))


def _skill(src: Source, tool: str, spec: str | None) -> Translated:
    if spec is None:
        return Translated(("Skill",), None, _sample("Skill", skill="x"))
    rx = cel_str(command_regex(spec.strip()))
    name = "string(args.skill)"
    full = f'({name} + ("args" in args ? " " + string(args.args) : ""))'
    when = f'"skill" in args && ({name}.matches({rx}) || {full}.matches({rx}))'
    return Translated(("Skill",), when, _sample("Skill", skill=example_command(spec.strip())))


def _agent(src: Source, tool: str, spec: str | None) -> Translated:
    if spec is None:
        return Translated(AGENT_TOOLS, None, _sample("Agent", subagent_type="Explore", prompt="x"))
    m = _PARAM.match(spec)
    if m and m.group(1) in AGENT_FIELDS:
        return _param(src, AGENT_TOOLS, m.group(1), m.group(2))
    rx = cel_str(_value_regex(spec.strip()))
    when = f'"subagent_type" in args && string(args.subagent_type).matches({rx})'
    sample = _sample("Agent", subagent_type=spec.strip().replace("*", "x"), prompt="x")
    return Translated(AGENT_TOOLS, when, sample)


def _param(src: Source, tools: tuple[str, ...], name: str, value: str) -> Translated:
    if src.kind == "allow":
        raise Skip("Claude Code accepts `Tool(param:value)` only in deny and ask rules")
    key = cel_str(name)
    when = f"{key} in args && string(args[{key}]).matches({cel_str(_value_regex(value))})"
    return Translated(tools, when, _sample(tools[0], **{name: value.replace("*", "x")}))


def _value_regex(value: str) -> str:
    return "(?s)^" + ".*".join(escape(part) for part in value.split("*")) + "$"


def _tool_name(src: Source, tool: str, spec: str | None) -> Translated:
    if spec is not None:
        return _other(src, tool, spec)
    name = tool + "__*" if tool.startswith("mcp__") and "__" not in tool[5:] else tool
    if "*" in name and src.kind == "allow" and not _anchored_mcp(name):
        raise Skip(
            "Claude Code skips an allow whose tool-name glob is not anchored after"
            " `mcp__<server>__`, so it approves nothing"
        )
    return Translated((name,), None, _sample(name.replace("*", "a")))


def _anchored_mcp(name: str) -> bool:
    if not name.startswith("mcp__") or "__" not in name[5:]:
        return False
    return "*" not in name[5 : name.index("__", 5)]


def _other(src: Source, tool: str, spec: str | None) -> Translated:
    if spec is None:
        return Translated((tool,), None, _sample(tool))
    m = _PARAM.match(spec)
    if m is None:
        raise Skip(f"Claude Code documents no specifier syntax for `{tool}`")
    return _param(src, (tool,), m.group(1), m.group(2))


def _unsupported(src: Source, tool: str, spec: str | None) -> Translated:
    raise Skip(f"remit's shell analyzer does not parse {tool} commands")


HANDLERS: dict[str, Handler] = {
    "Bash": _bash,
    "PowerShell": _unsupported,
    "Read": _read,
    "Edit": _edit,
    "Write": _edit_tool,
    "MultiEdit": _edit_tool,
    "NotebookEdit": _edit_tool,
    "WebFetch": _webfetch,
    "Skill": _skill,
    "Agent": _agent,
    "Task": _agent,
}
