"""`remit lint`: what loads but is wrong, on top of every load diagnostic."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path

from . import analyzers
from .celc import Call, Comp, Ident, Index, Lit, Node, Op, Select, children, lower_text
from .celexpr import CompiledExpr
from .compile import CompiledPolicy, CompiledRating, CompiledRoute, CompiledRule, tools_match
from .diagnostics import Diagnostic, Span, sorted_diagnostics
from .evaluate import CTX_DEFAULTS
from .load import POLICY_SUFFIXES, check_policy
from .regex_cost import slow_repeat
from .session import Session
from .testing import run_tests
from .vocab import Route

KNOWN_FIELDS: dict[str, frozenset[str]] = {
    "ctx": frozenset(CTX_DEFAULTS),
    "session": Session.cel_fields | Session.cel_methods,
    "shell": analyzers.ShellFacts.cel_fields | analyzers.ShellFacts.cel_methods,
    "path": analyzers.PathFacts.cel_fields | analyzers.PathFacts.cel_methods,
    "http": analyzers.HttpFacts.cel_fields | analyzers.HttpFacts.cel_methods,
    "sql": analyzers.SqlFacts.cel_fields | analyzers.SqlFacts.cel_methods,
    "name": analyzers.NameFacts.cel_fields | analyzers.NameFacts.cel_methods,
}
"""The fields a condition can read from each fact object (`args` and `ctx.labels` are free)."""

LAUNCHERS = {
    "bash": 'bash -c "rm -rf ~"',
    "sh": 'sh -c "rm -rf ~"',
    "zsh": 'zsh -c "rm -rf ~"',
    "python": "python -c \"import shutil; shutil.rmtree('/home')\"",
    "python3": "python3 -c \"import shutil; shutil.rmtree('/home')\"",
    "node": "node -e \"require('fs').rmSync('/home', {recursive: true})\"",
    "perl": "perl -e \"system('rm -rf ~')\"",
    "ruby": "ruby -e \"system('rm -rf ~')\"",
    "xargs": "echo ~ | xargs rm -rf",
    "find": "find ~ -delete",
    "env": "env rm -rf ~",
    "sudo": "sudo rm -rf /",
    "eval": 'eval "rm -rf ~"',
    "npx": "npx some-package-nobody-read",
    "git": "git -c core.sshCommand='rm -rf ~' fetch",
}
WELL_KNOWN_TOOLS = (
    "Bash", "Read", "Write", "Edit", "MultiEdit", "Glob", "Grep", "LS", "WebFetch", "WebSearch",
    "NotebookEdit", "NotebookRead", "Task", "TodoWrite",
)  # fmt: skip
_PREFIX = re.compile(
    r"""(?:startsWith\(\s*|matches\(\s*)r?["'](?:\(\?[a-zA-Z]+\))?\^?\s*([A-Za-z0-9_./-]+)(?=[\s"'\\(?$])"""
)
_SHELL_READ = re.compile(r"(?<![\w.])shell\.")
_GLOB_CHARS = frozenset("*?[")
_THRESHOLD = re.compile(r"\b(risk|autonomy)\s*(>=|<=|==|!=|>|<)\s*(-?\d+)\b")


def lint_paths(paths: list[str | Path]) -> list[Diagnostic]:
    """Lint every policy file named (directories: every policy file below them)."""
    out: list[Diagnostic] = []
    for path in expand(paths):
        out += lint_file(path)
    return sorted_diagnostics(out)


def expand(paths: list[str | Path]) -> Iterator[Path]:
    """Policy files: the files named, and those below the directories named."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.suffix in POLICY_SUFFIXES and f.is_file())
        else:
            yield p


def lint_file(path: Path) -> list[Diagnostic]:
    """Load diagnostics, then the lint checks, then the policy's own tests."""
    policy, diagnostics = check_policy(path)
    if policy is None:
        return diagnostics
    return [*diagnostics, *lint_policy(policy)]


def lint_policy(policy: CompiledPolicy) -> list[Diagnostic]:
    """Every lint check on a compiled policy."""
    trees = _trees(policy)
    return [
        *_unknown_fields(policy),
        *_nested_macros(policy, trees),
        *_slow_regexes(policy, trees),
        *_shadowed_rules(policy),
        *_allow_defeats_block(policy),
        *_never_matches(policy),
        *_blind_shell_conditions(policy),
        *_thresholds(policy),
        *_unreachable_routes(policy),
        *_failing_tests(policy),
    ]


def expressions(policy: CompiledPolicy) -> Iterator[tuple[CompiledExpr, str]]:
    """Every CEL expression of the policy's ratings, rules and routes, with its entry's id."""
    for rating in policy.ratings:
        for e in (rating.when, rating.risk, rating.reversibility, rating.autonomy):
            if isinstance(e, CompiledExpr):
                yield e, rating.id
    for rule in policy.rules:
        for e in (rule.when, rule.condition):
            if e is not None:
                yield e, rule.id
    for route in policy.routes:
        if route.condition is not None:
            yield route.condition, route.id


def _trees(policy: CompiledPolicy) -> dict[str, Node | None]:
    """The lowered tree of each distinct expression text, parsed once for all the checks that read
    an expression's shape (parsing is most of a large policy's lint)."""
    trees: dict[str, Node | None] = {}
    for expr, _ident in expressions(policy):
        if expr.text not in trees:
            trees[expr.text] = lower_text(expr.text)
    return trees


def _item_span(policy: CompiledPolicy, ident: str) -> Span:
    global _SPANS
    memo = _SPANS
    if memo is None or memo[0] is not policy:
        items: tuple[CompiledRating | CompiledRule | CompiledRoute, ...] = (
            *policy.ratings,
            *policy.rules,
            *policy.routes,
        )
        spans: dict[str, Span] = {}
        for item in items:
            spans.setdefault(item.id, item.span)
        memo = _SPANS = (policy, spans)
    return memo[1].get(ident) or Span(policy.files[0], 1, 1)


_SPANS: tuple[CompiledPolicy, dict[str, Span]] | None = None
"""The spans of the last policy linted, by id (one lookup per diagnostic)."""


def _unknown_fields(policy: CompiledPolicy) -> Iterator[Diagnostic]:
    for expr, ident in expressions(policy):
        for path in expr.fields:
            if len(path) < 2 or path[0] not in KNOWN_FIELDS:
                continue
            known = KNOWN_FIELDS[path[0]]
            if path[1] not in known:
                close = difflib.get_close_matches(path[1], sorted(known), n=1)
                yield Diagnostic(
                    "lint.unknown_field",
                    f"`{path[0]}` has no field `{path[1]}`: `{ident}` will always fail here",
                    _item_span(policy, ident),
                    "warning",
                    hint=f"did you mean `{close[0]}`?" if close else None,
                )


NESTED_MACROS = 2
"""Macros over separate run-time lists nested this deep draw a warning: their work multiplies."""


def _nested_macros(policy: CompiledPolicy, trees: dict[str, Node | None]) -> Iterator[Diagnostic]:
    for expr, ident in expressions(policy):
        ranges = _multiplying(trees[expr.text])
        if len(ranges) >= NESTED_MACROS:
            nest = " inside ".join(f"`{r}`" for r in reversed(ranges))
            yield Diagnostic(
                "lint.nested_macros",
                f"`{ident}` nests macros over {nest}: its work grows with the product of their sizes",
                _item_span(policy, ident),
                "warning",
                hint="a call with large lists can spend the whole CEL work budget (about a tenth of a "
                "second) and get `on_error`: compare against a set or a literal list, or walk one list",
            )


def multiplying_macros(text: str) -> list[str]:
    """The ranges of the longest chain of nested macros whose work multiplies, outermost first.

    A macro over a list or map literal is bounded by the policy and does not count; nor does
    one whose range is read from an enclosing macro's variable
    (`shell.commands.exists(c, c.args.exists(a, ...))`): it walks a part of the element being
    visited, so the two together walk the input once. Every other nested macro walks its whole
    range once per iteration of the enclosing one. An expression that does not parse has none.
    """
    return _multiplying(lower_text(text))


def _multiplying(root: Node | None) -> list[str]:
    if root is None:
        return []
    best: list[str] = []
    stack: list[tuple[Node, list[str], frozenset[str]]] = [(root, [], frozenset())]
    while stack:
        node, chain, bound = stack.pop()
        if not isinstance(node, Comp):
            stack.extend((child, chain, bound) for child in children(node))
            continue
        stack.append((node.range, chain, bound))
        if _walks_input(node.range, bound):
            chain = [*chain, _describe(node.range)]
            best = max(best, chain, key=len)
        stack.extend((arg, chain, bound | {node.var}) for arg in node.args)
    return best


def _walks_input(node: Node, bound: frozenset[str]) -> bool:
    """True if a range's size follows an input other than the elements being visited (`bound`).

    `c.args` (a field of the element), `args[k]` (a part of the input the element picks) and
    literals are bounded by the element or by the policy; `args.xs`, `ctx.ys` or a list built
    from them are not.
    """
    if isinstance(node, Ident):
        return node.name not in bound
    if isinstance(node, Select):
        return _walks_input(node.operand, bound)
    if isinstance(node, Index):
        picked = isinstance(node.index, Ident) and node.index.name in bound
        return not picked and _walks_input(node.operand, bound)
    if isinstance(node, Comp):
        return _walks_input(node.range, bound)
    if isinstance(node, Call):
        parts = node.args if node.target is None else (node.target,)
        return any(_walks_input(p, bound) for p in parts)
    if isinstance(node, Op):
        parts = node.args[1:] if node.op == "?:" else node.args  # the condition is not walked
        return any(_walks_input(p, bound) for p in parts)
    return False  # literals: their size is the policy's


def _describe(node: Node) -> str:
    while isinstance(node, Comp):  # `args.xs.map(...)` walks `args.xs`
        node = node.range
    path: list[str] = []
    while isinstance(node, Select):
        path.append(node.field)
        node = node.operand
    if isinstance(node, Ident):
        return ".".join([node.name, *reversed(path)])
    return "a computed list"


SLOW_REGEX_HINT = (
    "RE2 still runs in linear time, but such a pattern can cost about half a microsecond per"
    " character (half a second on the largest text a call may carry): anchor it, bound the text"
    " first, or use fewer counted repetitions of a class"
)
SLOW_REDACTION_HINT = (
    "RE2 still runs in linear time, but such a pattern can cost about half a microsecond per"
    " character of every text a record keeps (tens of milliseconds per record): start it with a"
    " character its repetition cannot read, or use fewer counted repetitions of a class"
)


def _slow_regexes(policy: CompiledPolicy, trees: dict[str, Node | None]) -> Iterator[Diagnostic]:
    for expr, ident in expressions(policy):
        for pattern in dict.fromkeys(_constant_patterns(trees[expr.text])):
            where = f"`{ident}` matches against `{pattern}`"
            yield from _slow_regex(pattern, where, _item_span(policy, ident), SLOW_REGEX_HINT)
    fallback = Span(policy.files[0] if policy.files else "<policy>", 1, 1)
    for p in policy.redaction.patterns:
        where = f"redaction pattern `{p.name}` is `{p.regex.pattern}`"
        yield from _slow_regex(p.regex.pattern, where, p.span or fallback, SLOW_REDACTION_HINT)


def _slow_regex(pattern: str, where: str, span: Span, hint: str) -> Iterator[Diagnostic]:
    found = slow_repeat(pattern)
    if found is not None:
        yield Diagnostic(
            "lint.slow_regex",
            f"{where}: its `{found.text}` can be entered at many places of one text,"
            f" and RE2 may build up to 2^{found.width} states for it",
            span,
            "warning",
            hint=hint,
        )


def constant_patterns(text: str) -> Iterator[str]:
    """The literal patterns of the `matches` calls in an expression (one built at run time is
    not known here)."""
    return _constant_patterns(lower_text(text))


def _constant_patterns(root: Node | None) -> Iterator[str]:
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, Call) and node.fn == "matches" and node.args:
            last = node.args[-1]
            if isinstance(last, Lit) and isinstance(last.value, str):
                yield last.value
        stack.extend(reversed(list(children(node))))


def _covers(a: CompiledRule, b: CompiledRule) -> bool:
    """True if rule `a` matches every call rule `b` matches (a conservative check)."""
    if not ("*" in a.tools or set(b.tools) <= set(a.tools)):
        return False
    if a.when is None and a.condition is None:
        return True
    return _text(a.when) == _text(b.when) and _text(a.condition) == _text(b.condition)


def _text(expr: CompiledExpr | None) -> str | None:
    return expr.text if expr is not None else None


_Filed = dict[tuple[Route, tuple[str | None, str | None], str | None], list[tuple[int, CompiledRule]]]
"""Earlier rules with their place, by (route, condition texts, one of their tools or None)."""


def _shadowed_rules(policy: CompiledPolicy) -> Iterator[Diagnostic]:
    earlier: _Filed = {}
    for i, later in enumerate(r for r in policy.rules if not r.shadow and not r.never):
        cover = _first_cover(earlier, later)
        if cover is not None:
            yield Diagnostic(
                "lint.shadowed_rule",
                f"rule `{later.id}` never changes a decision:"
                f" `{cover.id}` already {cover.route.value}s every call it matches",
                later.span,
                "warning",
                hint="remove it, or narrow the earlier rule",
            )
        key = (later.route, _texts(later))
        for tool in (None, *dict.fromkeys(later.tools)):
            earlier.setdefault((*key, tool), []).append((i, later))


def _first_cover(
    earlier: _Filed,
    rule: CompiledRule,
) -> CompiledRule | None:
    """The first earlier rule that covers `rule`, found among those of its route with no condition
    or with its own, filed under `rule`'s first tool or `*` (under None: all of them); a policy of
    thousands of rules is linted without comparing every pair."""
    found: tuple[int, CompiledRule] | None = None
    for texts in dict.fromkeys(((None, None), _texts(rule))):
        for tool in ("*", rule.tools[0]) if rule.tools else (None,):
            for i, candidate in earlier.get((rule.route, texts, tool), ()):
                if found is not None and i >= found[0]:
                    break
                if _covers(candidate, rule):
                    found = (i, candidate)
                    break
    return found[1] if found is not None else None


def _texts(rule: CompiledRule) -> tuple[str | None, str | None]:
    return _text(rule.when), _text(rule.condition)


def _allow_defeats_block(policy: CompiledPolicy) -> Iterator[Diagnostic]:
    for rule in policy.rules:
        if rule.route is not Route.ALLOW or rule.never:
            continue
        shell_tools = [t for t in rule.tools if tools_match([t], sorted(analyzers.SHELL_TOOLS))]
        if not shell_tools:
            continue
        texts = [e.text for e in (rule.when, rule.condition) if e is not None]
        if not texts:
            yield Diagnostic(
                "lint.allow_defeats_block",
                f"rule `{rule.id}` allows every shell command without asking, e.g. `rm -rf ~`",
                rule.span,
                "warning",
                hint="allow specific programs with `shell.commands.all(c, c.program in [...])`",
            )
            continue
        programs = {m.group(1).rsplit("/", 1)[-1] for text in texts for m in _PREFIX.finditer(text)}
        for program in sorted(programs & LAUNCHERS.keys()):
            yield Diagnostic(
                "lint.allow_defeats_block",
                f"rule `{rule.id}` allows any command starting with `{program}`, e.g. `{LAUNCHERS[program]}`",
                rule.span,
                "warning",
                hint="a prefix rule cannot see what a launcher runs; match `shell.commands` instead",
            )


def _never_matches(policy: CompiledPolicy) -> Iterator[Diagnostic]:
    items: tuple[CompiledRating | CompiledRule, ...] = (*policy.ratings, *policy.rules)
    for item in items:
        if item.never:
            yield Diagnostic(
                "lint.never_matches",
                f"`{item.id}` can never match: its condition is false",
                item.span,
                "warning",
            )
            continue
        if not item.tools:
            yield Diagnostic(
                "lint.never_matches",
                f"`{item.id}` names no tool (`tools: []`): it can never match",
                item.span,
                "warning",
                hint="leave `tools` out to match every tool",
            )
        for pattern in item.tools:
            for known in WELL_KNOWN_TOOLS:
                if pattern != known and pattern.lower() == known.lower() and pattern not in policy.tools:
                    yield Diagnostic(
                        "lint.never_matches",
                        f"`{item.id}` names tool `{pattern}`; tool names are case-sensitive",
                        item.span,
                        "warning",
                        hint=f"did you mean `{known}`?",
                    )
    for route in policy.routes:
        if route.never:
            yield Diagnostic(
                "lint.never_matches", f"route `{route.id}` can never hold", route.span, "warning"
            )


def _blind_shell_conditions(policy: CompiledPolicy) -> Iterator[Diagnostic]:
    """An entry whose condition reads `shell` for a tool named outright that remit does not
    read as a shell, itself or through the alias it is: the tool's shell facts are empty,
    and a `block` on them never holds."""
    items: tuple[CompiledRating | CompiledRule, ...] = (*policy.ratings, *policy.rules)
    for item in items:
        if item.never or not any(_SHELL_READ.search(e.text) for e in _conditions(item)):
            continue
        for tool in item.tools:
            shell = tool in analyzers.SHELL_TOOLS or policy.canonical(tool) in analyzers.SHELL_TOOLS
            if not shell and not _GLOB_CHARS.intersection(tool):
                yield Diagnostic(
                    "lint.never_matches",
                    f"`{item.id}` reads `shell` for `{tool}`, which remit does not read as a"
                    " shell: its shell facts are empty",
                    item.span,
                    "warning",
                    hint=f"if `{tool}` runs shell commands, declare it an alias of `Bash`:"
                    f" `tools: {{Bash: {{aliases: [{tool}]}}}}`",
                )


def _conditions(item: CompiledRating | CompiledRule) -> Iterator[CompiledExpr]:
    exprs = (
        (item.when, item.condition)
        if isinstance(item, CompiledRule)
        else (item.when, item.risk, item.reversibility)
    )
    return (e for e in exprs if isinstance(e, CompiledExpr))


def _thresholds(policy: CompiledPolicy) -> Iterator[Diagnostic]:
    for expr, ident in expressions(policy):
        for m in _THRESHOLD.finditer(expr.text):
            value = int(m.group(3))
            if (
                not 1 <= value <= 10
                or (m.group(2) == ">" and value == 10)
                or (m.group(2) == "<" and value == 1)
            ):
                yield Diagnostic(
                    "lint.threshold_out_of_range",
                    f"`{m.group(0)}` in `{ident}`: {m.group(1)} is always from 1 to 10",
                    _item_span(policy, ident),
                    "warning",
                )


def _unreachable_routes(policy: CompiledPolicy) -> Iterator[Diagnostic]:
    for i, route in enumerate(policy.routes):
        if route.condition is None and not route.never:
            for later in policy.routes[i + 1 :]:
                if later.route is not Route.BLOCK:
                    yield Diagnostic(
                        "lint.unreachable_route",
                        f"route `{later.id}` is never reached: `{route.id}` always holds before it",
                        later.span,
                        "warning",
                    )
            return


def _failing_tests(policy: CompiledPolicy) -> Iterator[Diagnostic]:
    for result in run_tests(policy):
        if not result.passed:
            yield Diagnostic(
                "lint.test_failed",
                f"{result.title}: {'; '.join(result.problems)}",
                policy.test_spans[result.index],
                hint=result.decision.explain(),
            )
