"""Lower DSL statements, parsed one by one, to the YAML form's plain data and positions.

`Lowering` is fed each statement's tree in file order (or told that one failed to parse),
applies `@id` annotations to the statement after them, drops a list entry whose statement
has errors so that they do not cascade, and finishes into a `Source`. Trees are read by
shape (see `dsl_values`); this module does not import lark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .diagnostics import Span
from .dsl_scan import Chunk, depth0
from .dsl_values import Leaf, Node, ValueLowering, at_offset, child, is_leaf, is_node, tokens
from .dsl_words import DECISIONS, REVERSIBILITY, did_you_mean, ternary_diagnostic
from .model import ToolDecl
from .source import Path, Source
from .yaml_source import KEY

__all__ = ["Lowering"]

_REV_FLAGS = {r: "reversibility" for r in REVERSIBILITY}
_ANNOTATED = ("rate_stmt", "rule_stmt", "route_stmt")


@dataclass(frozen=True)
class _Note:
    """An `@id "description"` annotation, positioned where it was written."""

    span: Span
    id: str
    id_span: Span
    description: str | None = None
    description_span: Span | None = None


class Lowering(ValueLowering):
    """Builds the policy's plain data and positions, statement by statement."""

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.data: dict[str, Any] = {}
        self.first: dict[str, Span] = {}
        self.count = 0
        self.first_failed = False
        self.pending: _Note | None = None
        self.entry: Path | None = None

    # -- driving

    def failed(self, chunk: Chunk) -> None:
        """A chunk that could not be parsed (or is blank)."""
        if chunk.text.strip():
            self.first_failed = self.first_failed or self.count == 0
            self.count += 1
            self.pending = None

    def statement(self, tree: Node, chunk: Chunk) -> None:
        """Lower one parsed statement (with its annotation, if any)."""
        self.offset = chunk.line - 1
        annotation = self.annotation(child(tree, "annotation"))
        body = next((c for c in tree.children if is_node(c) and c.data != "annotation"), None)
        if body is None:
            self.pending = annotation
            return
        if annotation is not None and body.data not in _ANNOTATED:
            self.misplaced(annotation)
            annotation = None
        if body.data == "policy_stmt" and self.count > 0 and "name" not in self.first:
            self.error(
                "schema.policy_not_first",
                "`policy` must be the first statement",
                self.span(tokens(body)[0]),
                hint="move `policy NAME` to the top of the file",
            )
        self.count += 1
        self.dispatch(body, annotation)

    def annotation(self, found: Node | None) -> _Note | None:
        """The annotation for this statement: its own, or one pending from the line before."""
        if found is not None and self.pending is not None:
            self.misplaced(self.pending)
        annotation = self.note(found) if found is not None else self.pending
        self.pending = None
        return annotation

    def dispatch(self, body: Node, annotation: _Note | None) -> None:
        """Run the statement's `do_*` method; drop its list entry if it reported problems."""
        handler = getattr(self, "do_" + str(body.data))
        self.entry, before = None, len(self.diagnostics)
        if annotation is not None:
            handler(body, annotation)
        else:
            handler(body)
        if self.entry is not None and len(self.diagnostics) > before:
            self.drop(self.entry)

    def drop(self, path: Path) -> None:
        """Take back a list entry whose statement has errors, so that they do not cascade."""
        key = str(path[0])
        self.data[key].pop()
        gone = path if self.data[key] else path[:1]
        if not self.data[key]:
            del self.data[key]
        for known in [p for p in self.positions if p[: len(gone)] == gone]:
            del self.positions[known]

    def finish(self, text: str) -> Source:
        """The `Source`: data (None without a `policy` statement), positions, diagnostics."""
        if self.pending is not None:
            self.misplaced(self.pending)
        if "name" not in self.data and not self.first_failed:
            self.error(
                "schema.missing_policy",
                "the policy has no `policy NAME` statement",
                Span(self.file, 1, 1),
                hint="start the file with `policy my-policy`",
            )
        self.positions.setdefault((), Span(self.file, 1, 1))
        data = self.data if "name" in self.data else None  # no name: not a policy (and no cascade)
        return Source(self.file, text, data, self.positions, self.diagnostics)

    # -- annotations and entries

    def misplaced(self, note: _Note) -> None:
        self.error(
            "parse.misplaced_annotation",
            "an `@id` annotation must come before a `rate`, `allow`, `ask`, `block` or `route` statement",
            note.span,
        )

    def note(self, annotation: Node) -> _Note:
        """An annotation, positioned now (it may apply to a later statement)."""
        tok = tokens(annotation)[0]
        s = self.span(tok)
        id_span = Span(s.file, s.line, s.column + 1, s.end_line, s.end_column)
        text = child(annotation, "text")
        if text is None:
            return _Note(s, tok.value[1:], id_span)
        description, where = self.joined(text)
        return _Note(s, tok.value[1:], id_span, description, where)

    def named(self, note: _Note | None, path: Path, entry: dict[str, Any]) -> None:
        """Apply `@id "description"` to an entry."""
        if note is None:
            return
        entry["id"] = note.id
        self.put((*path, "id"), note.id_span)
        if note.description is not None and note.description_span is not None:
            entry["description"] = note.description
            self.put((*path, "description"), note.description_span)

    def single(self, key: str, keyword: Leaf) -> bool:
        """True the first time a once-only statement (`policy`, `mode`, ...) is seen."""
        where = self.span(keyword)
        if key in self.first:
            self.error(
                "schema.duplicate_statement",
                f"`{keyword.value}` appears twice",
                where,
                hint=f"the first is at line {self.first[key].line}",
            )
            return False
        self.first[key] = where
        self.put((key, KEY), where)
        return True

    def append(self, key: str, entry: dict[str, Any], where: Span) -> Path:
        """Append an entry to the `key` list; its path."""
        items = self.data.setdefault(key, [])
        path: Path = (key, len(items))
        items.append(entry)
        self.put(path, where)
        self.entry = path
        return path

    # -- statements

    def do_policy_stmt(self, tree: Node) -> None:
        keyword, name = tokens(tree)
        if self.single("name", keyword):
            self.data["name"], where = self.text(name)
            self.put(("name",), where)
            self.positions[()] = self.span(keyword)

    def do_version_stmt(self, tree: Node) -> None:
        keyword, value = tokens(tree)
        if self.single("version", keyword):
            self.data["version"], where = self.text(value)
            self.put(("version",), where)

    def do_description_stmt(self, tree: Node) -> None:
        if self.single("description", tokens(tree)[0]):
            self.data["description"], where = self.joined(child(tree, "text"))
            self.put(("description",), where)

    def do_mode_stmt(self, tree: Node) -> None:
        keyword, value = tokens(tree)
        if self.single("mode", keyword):
            self.data["mode"], where = self.text(value)
            self.put(("mode",), where)

    def do_defaults_stmt(self, tree: Node) -> None:
        self.positions.setdefault(("defaults",), self.at(tree))
        target = self.data.setdefault("defaults", {})
        self.attrs(child(tree, "attrs"), ("defaults",), {d: "decision" for d in DECISIONS}, target)

    def do_unknown_stmt(self, tree: Node) -> None:
        self.positions.setdefault(("unknown",), self.at(tree))
        target = self.data.setdefault("unknown", {})
        self.attrs(child(tree, "attrs"), ("unknown",), _REV_FLAGS, target)

    def do_include_stmt(self, tree: Node) -> None:
        items = self.data.setdefault("include", [])
        self.positions.setdefault(("include",), self.at(tree))
        for tok in tokens(tree)[1:]:
            if tok.type == "STRING":
                text, where = self.text(tok)
                self.put(("include", len(items)), where)
                items.append(text)

    def do_autonomy_stmt(self, tree: Node) -> None:
        keyword, value = tokens(tree)
        if self.single("autonomy", keyword):
            text, where = self.cel(value)
            self.data["autonomy"] = int(text) if re.fullmatch("[0-9]+", text) else text
            self.put(("autonomy",), where)

    def do_tool_stmt(self, tree: Node) -> None:
        name, where = self.text(tokens(tree)[1])
        tools = self.data.setdefault("tools", {})
        if name in tools:
            self.error("schema.duplicate_key", f"tool `{name}` is declared twice", where)
        decl: dict[str, Any] = {}
        path: Path = ("tools", name)
        self.put(path, where)
        self.put((*path, KEY), where)
        self.attrs(child(tree, "attrs"), path, _REV_FLAGS, decl)
        for key in [k for k, v in decl.items() if k not in ToolDecl.model_fields and isinstance(v, bool)]:
            decl.setdefault("annotations", {})[key] = decl.pop(key)
            where = self.positions.get((*path, key), where)
            self.put((*path, "annotations", key), where)
        tools[name] = decl

    def do_rate_stmt(self, tree: Node, annotation: _Note | None = None) -> None:
        entry: dict[str, Any] = {}
        path = self.append("ratings", entry, self.at(tree))
        self.named(annotation, path, entry)
        self.tools(child(tree, "tools"), path, entry)
        when = child(tree, "rate_when")
        if when is not None:
            entry["when"], where = self.cel(tokens(when)[1])
            self.put((*path, "when"), where)
            ternary = depth0(entry["when"], "?")
            if ternary is not None:
                self.diagnostics.append(ternary_diagnostic(at_offset(where, entry["when"], ternary)))
        self.attrs(child(tree, "attrs"), path, _REV_FLAGS, entry)

    def do_rule_stmt(self, tree: Node, annotation: _Note | None = None) -> None:
        entry: dict[str, Any] = {}
        path = self.append("rules", entry, self.at(tree))
        self.named(annotation, path, entry)
        mode = child(tree, "rule_mode")
        if mode is not None:
            entry["mode"] = tokens(mode)[0].value
            self.put((*path, "mode"), self.at(mode))
        self.tools(child(tree, "tools"), path, entry)
        decision = tokens(child(tree, "decision"))[0]
        self.condition(tree, path, entry, decision)
        self.tail(tree, path, entry)

    def do_route_stmt(self, tree: Node, annotation: _Note | None = None) -> None:
        decision = tokens(tree)[1]
        if not self.is_decision(decision):
            return
        entry: dict[str, Any] = {}
        path = self.append("routes", entry, self.at(tree))
        self.named(annotation, path, entry)
        self.condition(tree, path, entry, decision)
        self.tail(tree, path, entry)

    def condition(self, tree: Node, path: Path, entry: dict[str, Any], decision: Leaf) -> None:
        """`DECISION when C` → `{DECISION: "C"}`; without `when`, `{DECISION: true}`."""
        key = str(decision.value)
        when = child(tree, "rule_when")
        if when is None:
            entry[key], where = True, self.span(decision)
        else:
            entry[key], where = self.cel(tokens(when)[1])
        self.put((*path, key), where)
        self.put((*path, key, KEY), self.span(decision))

    def tail(self, tree: Node, path: Path, entry: dict[str, Any]) -> None:
        """`because "..."` and `raises [...]`."""
        because = child(tree, "because")
        if because is not None:
            entry["reason"], where = self.joined(child(because, "text"))
            self.put((*path, "reason"), where)
        raises = child(tree, "raises")
        if raises is not None:
            entry["raises"] = self.value(child(raises, "list"), (*path, "raises"))

    def is_decision(self, tok: Leaf) -> bool:
        """True for `allow`, `ask`, `block`; otherwise a diagnostic (and the statement is dropped)."""
        if tok.value in DECISIONS:
            return True
        self.error(
            "schema.invalid_decision",
            f"`{tok.value}` is not a decision; expected `allow`, `ask` or `block`",
            self.span(tok),
            hint=did_you_mean(str(tok.value), DECISIONS),
        )
        return False

    def do_redact_stmt(self, tree: Node) -> None:
        """`redact NAME REGEX` → `redaction: {patterns: [{name: NAME, regex: REGEX}]}`."""
        _, name_tok, regex_tok = tokens(tree)
        before = len(self.diagnostics)
        name, name_span = self.text(name_tok)
        regex, regex_span = self.raw(regex_tok) if regex_tok.type == "RAW_STRING" else self.text(regex_tok)
        if len(self.diagnostics) > before:
            return
        patterns = self.data.setdefault("redaction", {}).setdefault("patterns", [])
        path: Path = ("redaction", "patterns", len(patterns))
        patterns.append({"name": name, "regex": regex})
        self.put(path, self.at(tree))
        self.put((*path, "name"), name_span)
        self.put((*path, "regex"), regex_span)

    def do_drop_stmt(self, tree: Node) -> None:
        """`drop PATH, ...` → `redaction: {drop: [PATH, ...]}`; several statements add up."""
        items = self.data.setdefault("redaction", {}).setdefault("drop", [])
        self.positions.setdefault(("redaction", "drop"), self.at(tree))
        for tok in tokens(tree)[1:]:
            if tok.type in ("WORD", "STRING"):
                text, where = self.text(tok)
                self.put(("redaction", "drop", len(items)), where)
                items.append(text)

    def do_test_stmt(self, tree: Node) -> None:
        if not self.is_decision(tokens(child(tree, "expectation"))[0]):
            return
        entry: dict[str, Any] = {}
        path = self.append("tests", entry, self.at(tree))
        name = tree.children[1]
        if is_leaf(name) and name.type == "STRING":
            entry["name"], where = self.text(name)
            self.put((*path, "name"), where)
        calls = [c for c in tree.children if is_node(c) and c.data == "call"]
        for i, call in enumerate(calls[:-1]):
            entry.setdefault("history", []).append(self.call(call, (*path, "history", i)))
        entry["call"] = self.call(calls[-1], (*path, "call"))
        entry["expect"] = self.expectation(child(tree, "expectation"), (*path, "expect"))

    def call(self, tree: Node, path: Path) -> dict[str, Any]:
        """`Tool {args}` or `Tool {args} ctx {context}` of a test."""
        tool, where = self.text(tokens(tree)[0])
        self.put(path, where)
        self.put((*path, "tool"), where)
        out: dict[str, Any] = {"tool": tool}
        key = "args"
        for item in tree.children[1:]:
            if is_leaf(item):  # `ctx`
                key = "ctx"
            else:
                out[key] = self.json(item, (*path, key))
        return out

    def expectation(self, tree: Node, path: Path) -> dict[str, Any]:
        """`DECISION [by RULE] [ratings]` that a test expects."""
        decision = tokens(tree)[0]
        self.put(path, self.span(decision))
        self.put((*path, "decision"), self.span(decision))
        out: dict[str, Any] = {"decision": str(decision.value)}
        children = tree.children
        for i, item in enumerate(children):
            if is_leaf(item) and item.type == "BY":
                rule = children[i + 1]
                assert is_leaf(rule)
                out["rule"], where = self.text(rule)
                self.put((*path, "rule"), where)
            elif is_node(item):
                self.attr(item, path, _REV_FLAGS, out)
        return out
