"""Read, validate and compile a policy file (and its includes), collecting every problem."""

from __future__ import annotations

import difflib
import re
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from .celc import compile_expr
from .compile import CALL_NAMES, RATED_NAMES, CompiledPolicy, Unit, compile_units
from .diagnostics import Diagnostic, Span, sorted_diagnostics
from .errors import PolicyError
from .model import Policy
from .redact_policy import raw_redaction_diagnostics
from .source import Path, Source
from .vocab import REVERSIBILITY_ORDER
from .yaml_source import KEY, read_yaml

YAML_SUFFIXES = (".yaml", ".yml")
DSL_SUFFIXES = (".remit",)
POLICY_SUFFIXES = YAML_SUFFIXES + DSL_SUFFIXES
MAX_INCLUDE_DEPTH = 16


def read_source(text: str, file: str, form: str | None = None) -> Source:
    """Read policy text in the form its file name (or `form`: "yaml" or "dsl") says."""
    kind = form or ("dsl" if file.endswith(DSL_SUFFIXES) else "yaml")
    text = text.removeprefix("\ufeff")  # a byte order mark, which some editors write first
    if kind == "dsl":
        from .dsl import parse_dsl  # lark is loaded only for DSL policies

        return parse_dsl(text, file)
    return read_yaml(text, file)


def load_policy(path: str | FsPath, *, allow_outside_includes: bool = False) -> CompiledPolicy:
    """Load and compile the policy at `path`; raise `PolicyError` with every problem found."""
    policy, diagnostics = check_policy(path, allow_outside_includes=allow_outside_includes)
    if policy is None:
        raise PolicyError(diagnostics)
    return policy


def load_text(text: str, file: str = "<policy>", form: str | None = None) -> CompiledPolicy:
    """Load and compile policy text (no includes); raise `PolicyError` with every problem."""
    source = read_source(text, file, form)
    policy, diagnostics = _finish([_validate(source, "")])
    if policy is None:
        raise PolicyError(diagnostics)
    return policy


def check_policy(
    path: str | FsPath, *, allow_outside_includes: bool = False
) -> tuple[CompiledPolicy | None, list[Diagnostic]]:
    """Load a policy file; return it (or None) and all diagnostics, never raising for bad input."""
    loader = _Loader(allow_outside_includes)
    root = FsPath(path)
    units = loader.unit(root, depth=0, via=None)
    if not units:
        return None, sorted_diagnostics(loader.diagnostics)
    policy, diagnostics = _finish(units)
    if any(d.severity == "error" for d in loader.diagnostics):
        # A missing, cyclic or escaping include would silently drop the rules it holds.
        policy = None
    return policy, sorted_diagnostics([*loader.diagnostics, *diagnostics])


def _finish(
    pairs: list[tuple[Unit | None, list[Diagnostic]]],
) -> tuple[CompiledPolicy | None, list[Diagnostic]]:
    diagnostics = [d for _, ds in pairs for d in ds]
    units = [u for u, _ in pairs if u is not None]
    if any(d.severity == "error" for d in diagnostics) or len(units) != len(pairs):
        return None, sorted_diagnostics(diagnostics)
    try:
        return compile_units(units), sorted_diagnostics(diagnostics)
    except PolicyError as exc:
        return None, sorted_diagnostics([*diagnostics, *exc.diagnostics])


class _Loader:
    """Follows includes depth-first, refusing cycles and (unless allowed) escapes."""

    def __init__(self, allow_outside: bool) -> None:
        self.allow_outside = allow_outside
        self.diagnostics: list[Diagnostic] = []
        self.seen: set[FsPath] = set()
        self.base: FsPath | None = None

    def unit(self, path: FsPath, depth: int, via: Span | None) -> list[tuple[Unit | None, list[Diagnostic]]]:
        where = via or Span(str(path), 1, 1)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:  # where, as a line and column (the bytes are read again)
            self.unreadable(str(path), exc, _byte_span(path, exc.start) or where)
            return []
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
            self.unreadable(str(path), exc, where)
            return []
        resolved = path.resolve()
        if self.base is None:
            self.base = resolved.parent
        self.seen.add(resolved)
        source = read_source(text, str(path))
        prefix = "" if depth == 0 else path.stem + ":"
        first = _validate(source, prefix)
        out = [first]
        unit = first[0]
        if unit is None:
            return out
        for i, name in enumerate(unit.policy.include):
            out += self.include(path, name, source.span(("include", i)), depth)
        return out

    def include(
        self, parent: FsPath, name: str, span: Span, depth: int
    ) -> list[tuple[Unit | None, list[Diagnostic]]]:
        try:
            target = (parent.parent / name).resolve()
        except (OSError, ValueError, RuntimeError) as exc:  # a NUL in the name; a symlink loop
            self.unreadable(name, exc, span)
            return []
        if depth + 1 > MAX_INCLUDE_DEPTH:
            self.diagnostics.append(
                Diagnostic("schema.include_depth", f"includes nest deeper than {MAX_INCLUDE_DEPTH}", span)
            )
            return []
        if target in self.seen:
            self.diagnostics.append(
                Diagnostic(
                    "schema.include_cycle",
                    f"`{name}` is already included",
                    span,
                    hint="includes must not form a cycle",
                )
            )
            return []
        if not self.allow_outside and self.base is not None and not target.is_relative_to(self.base):
            self.diagnostics.append(
                Diagnostic(
                    "schema.include_outside",
                    f"`{name}` is outside the policy's directory",
                    span,
                    hint="move it under the policy's directory, or load with includes outside allowed",
                )
            )
            return []
        # Read it by the name the policy gives (resolved only for the checks above), so the
        # files a policy was built from say which links they went through: a cache can then
        # tell when a link is pointed elsewhere.
        return self.unit(parent.parent / name, depth + 1, span)

    def unreadable(self, name: str, exc: Exception, where: Span) -> None:
        """Report a file that cannot be read, its name shown with control characters escaped."""
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if isinstance(exc, UnicodeDecodeError):
            reason = f"not UTF-8 (byte 0x{exc.object[exc.start]:02x})"
        shown = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", name)
        self.diagnostics.append(
            Diagnostic("parse.unreadable", f"cannot read `{shown}`: {reason.lower()}", where)
        )


def _byte_span(path: FsPath, at: int) -> Span | None:
    """The line and column (in characters) of byte `at` of a file, None if it cannot be read."""
    try:
        head = path.read_bytes()[:at]
    except OSError:
        return None
    line = head.count(b"\n") + 1
    column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
    return Span(str(path), line, column)


def _validate(source: Source, prefix: str) -> tuple[Unit | None, list[Diagnostic]]:
    """Validate a source's data against the model; pydantic's errors become diagnostics."""
    diagnostics = list(source.diagnostics)
    if source.data is None:
        return None, diagnostics
    try:
        policy = Policy.model_validate(source.data)
    except ValidationError as exc:
        diagnostics += schema_diagnostics(exc, source)
        diagnostics += cel_diagnostics(source)
        diagnostics += raw_redaction_diagnostics(source)
        return None, diagnostics
    return Unit(policy, source, prefix), diagnostics


CEL_FIELDS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "ratings": (("when", "risk", "reversibility", "autonomy"), CALL_NAMES),
    "rules": (("when", "allow", "ask", "block"), RATED_NAMES),
    "routes": (("allow", "ask", "block"), RATED_NAMES),
}


def cel_diagnostics(source: Source) -> list[Diagnostic]:
    """The CEL problems of a policy that failed validation, so that one load reports them all."""
    data = source.data or {}
    found: list[tuple[Path, str, frozenset[str]]] = []
    for section, (fields, names) in CEL_FIELDS.items():
        items = data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                found += [((section, i, f), item[f], names) for f in fields if isinstance(item.get(f), str)]
    if isinstance(data.get("autonomy"), str):
        found.append((("autonomy",), data["autonomy"], CALL_NAMES))
    out: list[Diagnostic] = []
    for path, text, names in found:
        if text in REVERSIBILITY_ORDER:
            continue
        try:
            compile_expr(text, names=names, span=source.span(path))
        except PolicyError as exc:
            out += exc.diagnostics
    return out


def schema_diagnostics(exc: ValidationError, source: Source) -> list[Diagnostic]:
    """Turn pydantic's errors into positioned diagnostics, one per problem in the data."""
    found: dict[tuple[Path, str], Diagnostic] = {}
    for err in exc.errors(include_url=False):
        path = _data_path(source.data, err["loc"])
        diag = _schema_diagnostic(err, path, source)
        key = (path, diag.code)
        if key not in found or diag.code != "schema.wrong_type":
            found.setdefault(key, diag)
    # A union field reports once per alternative; keep one diagnostic per path.
    by_path: dict[Path, Diagnostic] = {}
    for (path, _), diag in found.items():
        by_path.setdefault(path, diag)
    return list(by_path.values())


def _data_path(data: Any, loc: tuple[int | str, ...]) -> Path:
    """The part of a pydantic location that names real data (drops union member tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if _has(node, part):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not path_is_tag(part):
            path.append(part)  # a missing or unknown field: keep its name, stop descending
            break
        else:
            continue
        path.append(part)
    return tuple(path)


def _has(node: Any, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def path_is_tag(part: str) -> bool:
    """True for the union member names pydantic adds to locations (`str`, `function-after[...]`)."""
    return part in {"str", "int", "bool", "float", "list", "dict", "enum"} or "[" in part


def _schema_diagnostic(err: Any, path: Path, source: Source) -> Diagnostic:
    kind = err["type"]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "policy"
    msg = err["msg"]
    if kind == "extra_forbidden":
        name = str(path[-1]) if path else "?"
        span = source.positions.get((*path, KEY)) or source.span(path)
        hint = _closest_field(source.data, path)
        return Diagnostic("schema.unknown_field", f"unknown field `{name}`", span, hint=hint)
    span = source.span(path)
    if kind == "missing":
        return Diagnostic("schema.missing_field", f"`{where}` is required", span)
    if kind in ("enum", "literal_error"):
        expected = re.sub(r"'([^']*)'", r"`\1`", str(err.get("ctx", {}).get("expected", "")))
        return Diagnostic("schema.invalid_value", f"`{where}` must be {expected}", span)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = err.get("ctx", {})
        limit = f"at least {bound['ge']}" if "ge" in bound else f"at most {bound.get('le', '?')}"
        return Diagnostic("schema.out_of_range", f"`{where}` must be {limit}, not `{err.get('input')}`", span)
    if kind == "value_error":
        text = str(err.get("ctx", {}).get("error", msg))
        return Diagnostic("schema.invalid", text, span)
    if kind == "string_pattern_mismatch":
        return Diagnostic(
            "schema.invalid_id",
            f"`{where}` must start with a letter and hold letters, digits, `_ . : -`",
            span,
        )
    if kind.endswith("_type") or kind.endswith("_parsing"):
        hint = None
        if isinstance(err.get("input"), bool) and kind == "string_type":
            hint = "YAML reads an unquoted yes, no, on, off, true or false as a bool: quote it"
        empty = " (it is empty)" if "input" in err and err["input"] is None else ""  # `defaults:` and nothing
        return Diagnostic("schema.wrong_type", f"`{where}`: {_plain(msg)}{empty}", span, hint=hint)
    return Diagnostic("schema.invalid", f"`{where}`: {_plain(msg)}", span)


def _plain(msg: str) -> str:
    """pydantic's message without Python type names, lowercase, no final period."""
    text = msg.replace("a valid dictionary", "a mapping").replace("a valid list", "a list")
    text = text.replace("Input should be", "should be").replace("a valid integer", "an integer")
    text = text.replace("a valid string", "a string").replace("a valid boolean", "true or false")
    text = re.sub(r" or instance of \w+", "", text)  # `a mapping or instance of Defaults`: a class name
    return text[:1].lower() + text[1:].rstrip(".")


def _closest_field(data: Any, path: Path) -> str | None:
    """A hint naming the field the author probably meant."""
    from . import model

    owners: dict[str, type[model.Frozen]] = {
        "": model.Policy,
        "defaults": model.Defaults,
        "unknown": model.UnknownRating,
        "ratings": model.Rating,
        "rules": model.Rule,
        "routes": model.RouteRule,
        "tests": model.PolicyTest,
        "tools": model.ToolDecl,
        "redaction": model.Redaction,
    }
    if not path:
        return None
    owner_key = str(path[0]) if len(path) > 1 else ""
    if len(path) >= 4 and path[0] == "tests" and path[2] == "call":
        owner: type[model.Frozen] | None = model.TestCall
    elif len(path) >= 4 and path[0] == "tests" and path[2] == "expect":
        owner = model.Expectation
    elif len(path) >= 4 and path[:2] == ("redaction", "patterns"):
        owner = model.RedactPattern
    else:
        owner = owners.get(owner_key)
    if owner is None:
        return None
    match = difflib.get_close_matches(str(path[-1]), list(owner.model_fields), n=1)
    return f"did you mean `{match[0]}`?" if match else "known fields: " + ", ".join(owner.model_fields)
