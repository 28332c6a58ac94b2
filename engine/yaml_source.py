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
    _walk(node, (), source, text.splitlines())
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
