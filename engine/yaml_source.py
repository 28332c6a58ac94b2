"""Read the YAML form of a policy into plain data, keeping the position of every node."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .diagnostics import Diagnostic, Span
from .source import Path, Source

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it: the same nodes and marks, six times faster."""

KEY = "<key>"
"""Path suffix under which the span of a mapping key is kept (`(*path, KEY)`)."""

ALIAS_BUDGET = 10_000
"""How many nodes YAML aliases may add to a policy beyond those written out (or the file's
length in characters, if larger): a shared node may be reused, but a few lines of nested
aliases ("billion laughs") must not expand into millions of nodes for every reader after."""

MAX_NESTING = 200
"""How deep a policy's lists and mappings may nest: far past any real policy (a call's
arguments are refused past 64 levels when checked), and shallow enough that every step
that reads the data recursively stays well inside Python's recursion limit."""

_SIZE_CAP = 1 << 62
"""Expanded sizes are capped here, so a long chain of doubling aliases stays cheap to count."""


def read_yaml(text: str, file: str) -> Source:
    """Parse YAML safely (no object construction); never raises on bad input."""
    source = Source(file=file, text=text, data=None)
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        source.diagnostics.append(_yaml_diagnostic(exc, file))
        return source
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        source.diagnostics.append(Diagnostic("parse.yaml", _first_line(str(exc)), Span(file, 1, 1)))
        return source
    if node is None:
        source.diagnostics.append(Diagnostic("parse.empty", "the policy file is empty", Span(file, 1, 1)))
        return source
    if not isinstance(data, dict):
        source.diagnostics.append(
            Diagnostic("schema.wrong_type", "a policy must be a mapping of fields", _span(node, file, text))
        )
        return source
    lines = text.splitlines()
    problem = _shape_problem(node, max(ALIAS_BUDGET, len(text)), file, lines)
    if problem is not None:
        source.diagnostics.append(problem)
        return source
    _walk(node, (), source, lines)
    source.data = data
    return source


def _walk(node: yaml.Node, path: Path, source: Source, lines: list[str]) -> None:
    source.positions[path] = _span(node, source.file, lines)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, Span] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            key_span = _span(key_node, source.file, lines)
            if key in seen:
                source.diagnostics.append(
                    Diagnostic(
                        "parse.duplicate_key",
                        f"key `{key}` appears twice in this mapping",
                        key_span,
                        hint=f"the first `{key}` is at line {seen[key].line}",
                    )
                )
            seen[key] = key_span
            key_path: Path = (*path, key, KEY)
            source.positions[key_path] = key_span
            _walk(value_node, (*path, key), source, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), source, lines)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _shape_problem(root: yaml.Node, budget: int, file: str, lines: list[str]) -> Diagnostic | None:
    """A diagnostic if the nodes, read as the tree every later step sees, cannot be used.

    Aliases make the composed nodes a graph that shares nodes; read as a tree (as `_walk`
    and everything after it do) a shared node is visited once per alias. Each node's
    expanded size and height are counted once, depth-first without recursion, so this
    costs as much as the nodes written out, however far the aliases would expand. Refused:
    an alias cycle, more than `budget` nodes added by aliases, nesting past `MAX_NESTING`.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_nodes: set[int] = set()
    first_big: yaml.Node | None = None
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if closing:
            open_nodes.discard(key)
            children = _children(node)
            size[key] = min(_SIZE_CAP, 1 + sum(size[id(c)] for c in children))
            height[key] = 1 + max((height[id(c)] for c in children), default=0)
            if first_big is None and size[key] > budget:
                first_big = node
            continue
        if key in size:
            continue
        if key in open_nodes:
            return Diagnostic(
                "parse.alias_cycle",
                "a YAML alias here refers to a node that contains it",
                _span(node, file, lines),
                hint="an alias cannot repeat the collection it is inside; write the values out",
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack += [(child, False) for child in reversed(_children(node))]
    if height[id(root)] > MAX_NESTING:
        return too_deep(_span(_deepest(root, height), file, lines))
    if size[id(root)] - len(size) > budget and first_big is not None:
        return Diagnostic(
            "parse.alias_expansion",
            f"YAML aliases here expand to more than {budget} nodes",
            _span(first_big, file, lines),
            hint="aliases may share a value a few times, not multiply it; write the values out",
        )
    return None


def _deepest(root: yaml.Node, height: dict[int, int]) -> yaml.Node:
    """The first node nested past `MAX_NESTING`, on the way to the deepest one."""
    node = root
    for _ in range(MAX_NESTING):
        node = max(_children(node), key=lambda c: height[id(c)])
    return node


def too_deep(span: Span) -> Diagnostic:
    """The diagnostic for a value nested past `MAX_NESTING` (YAML and DSL alike)."""
    return Diagnostic(
        "parse.too_deep",
        f"values nest deeper than {MAX_NESTING} levels here",
        span,
        hint=f"a policy's lists and mappings nest at most {MAX_NESTING} deep",
    )


def _span(node: yaml.Node, file: str, lines: list[str] | str) -> Span:
    """Where the node's content starts: inside quotes, on the first line of a block scalar."""
    mark = node.start_mark
    line, column = mark.line + 1, mark.column + 1
    style = getattr(node, "style", None)
    if style in ('"', "'"):
        column += 1
    elif style in ("|", ">"):
        text_lines = lines.splitlines() if isinstance(lines, str) else lines
        for offset, content in enumerate(text_lines[mark.line + 1 :], start=mark.line + 2):
            if content.strip():
                line, column = offset, len(content) - len(content.lstrip()) + 1
                break
    end = node.end_mark
    return Span(file, line, column, end.line + 1, end.column + 1)


def _yaml_diagnostic(exc: yaml.MarkedYAMLError, file: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    span = Span(file, mark.line + 1, mark.column + 1) if mark else Span(file, 1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    hint = None
    if exc.context and exc.problem:
        hint = exc.context
        if exc.context_mark is not None:
            hint += f" that starts at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
    if "\t" in problem or "tab" in problem:
        hint = "YAML indentation uses spaces, not tabs"
    return Diagnostic("parse.yaml", _plain(problem), span, hint=_plain(hint) if hint else None)


def _plain(text: str) -> str:
    """PyYAML's wording with user text in backticks and no Python-isms."""
    text = text.replace("'<stream end>'", "the end of the file").replace(
        "<stream end>", "the end of the file"
    )
    return re.sub(r"'([^']*)'", r"`\1`", text).rstrip(".")


def _first_line(message: str) -> str:
    return (message.strip().splitlines() or ["invalid YAML"])[0].rstrip(".")
