"""The DSL (`*.remit`): lowering to the YAML form's data, positions, errors, robustness.

Data lives in tests/data/dsl/: `valid/NAME.remit` must lower to exactly `valid/NAME.yaml`;
`broken/NAME.remit` must report the `[code, line, column]` lists of `broken/expected.yaml`,
rendered as in `broken/NAME.txt` (regenerate with `REMIT_UPDATE_GOLDEN=1`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit.diagnostics import render
from remit.dsl import MAX_CEL_DEPTH, _parser, parse_dsl
from remit.load import check_policy
from remit.model import Policy
from remit.resources import grammar_path
from remit.source import Source
from remit.yaml_source import KEY
from tests.conftest import DATA, POLICIES, ROOT

VALID = DATA / "dsl" / "valid"
BROKEN = DATA / "dsl" / "broken"
EXPECTED: dict[str, list[list[Any]]] = yaml.safe_load((BROKEN / "expected.yaml").read_text())
TWINS = sorted(p for p in POLICIES.glob("*.yaml") if p.with_suffix(".remit").exists())
DSL_FILES = sorted(VALID.glob("*.remit")) + sorted(POLICIES.glob("*.remit"))


def _read(path: Path) -> Source:
    return parse_dsl(path.read_text(encoding="utf-8"), str(path))


def _why(source: Source) -> str:
    return "\n".join(render(d, source.text) for d in source.diagnostics)


# ---- valid snippets ------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(VALID.glob("*.remit")), ids=lambda p: p.stem)
def test_valid_snippet_lowers_to_its_yaml(path: Path) -> None:
    source = _read(path)
    assert source.diagnostics == [], _why(source)
    expected = yaml.safe_load(path.with_suffix(".yaml").read_text())
    assert source.data == expected
    assert Policy.model_validate(source.data) == Policy.model_validate(expected)


def test_every_valid_snippet_has_its_yaml() -> None:
    assert {p.stem for p in VALID.glob("*.remit")} == {p.stem for p in VALID.glob("*.yaml")}


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) pair in plain data, parents first."""
    out = [(path, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*path, i))
    return out


@pytest.mark.parametrize("path", DSL_FILES, ids=lambda p: p.name)
def test_every_field_has_a_position(path: Path) -> None:
    source = _read(path)
    assert source.data is not None
    missing = [p for p, _ in _paths(source.data) if p not in source.positions]
    assert missing == []
    for span in source.positions.values():
        assert span.line >= 1 and span.column >= 1
        assert span.end_line is None or (span.end_line, span.end_column or 0) >= (span.line, span.column)


@pytest.mark.parametrize("path", DSL_FILES, ids=lambda p: p.name)
def test_a_string_span_starts_at_its_text(path: Path) -> None:
    """CEL error positions are offsets from these spans: they must point at the text itself."""
    source = _read(path)
    lines = source.text.splitlines()
    for where, value in _paths(source.data):
        if not isinstance(value, str):
            continue
        span = source.positions[where]
        text = lines[span.line - 1][span.column - 1 :]
        quoted = lines[span.line - 1][span.column - 2 : span.column - 1] == '"'
        if quoted and (any(c in value for c in '"\\\n\t') or "\\" in text.split('"', 1)[0]):
            continue  # decoded escapes (`\u0003` too): the text differs from the source
        if quoted:  # the first of maybe several adjacent strings
            text = text[: text.index('"')]
            assert value.startswith(text), (where, span, text)
        else:
            assert text.startswith(value.split("\n")[0]), (where, span, text)
        if "\n" in value and span.end_line is not None:  # a multi-line CEL keeps its lines verbatim
            assert span.end_line == span.line + value.count("\n")


def test_cel_positions_are_exact() -> None:
    text = (
        "policy p\n"
        "rate Bash when   shell.network   : risk (  1 + 2 ), autonomy (\n"
        "    3)\n"
        'block Read when\tpath.sensitive because "x"\n'
        "autonomy    min(10,\n"
        "  ctx.steps_since_human)\n"
        "route ask when risk >= 6\n"
    )
    source = parse_dsl(text, "p.remit")
    assert source.diagnostics == []
    pos = {k: (v.line, v.column, v.end_line, v.end_column) for k, v in source.positions.items()}
    assert pos[("ratings", 0, "when")] == (2, 18, 2, 31)
    assert pos[("ratings", 0, "risk")] == (2, 44, 2, 49)
    assert pos[("ratings", 0, "autonomy")] == (3, 5, 3, 6)
    assert pos[("rules", 0, "block")] == (4, 17, 4, 31)
    assert pos[("rules", 0, "reason")] == (4, 41, 4, 42)
    assert pos[("autonomy",)] == (5, 13, 6, 25)
    assert pos[("routes", 0, "ask")] == (7, 16, 7, 25)
    assert pos[("ratings", 0, "risk", KEY)][:2] == (2, 36)
    assert source.data is not None
    assert source.data["ratings"][0]["risk"] == "1 + 2"
    assert source.data["ratings"][0]["autonomy"] == "3"


def test_a_cel_error_is_reported_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "p.remit"
    path.write_text(
        "policy p\n"
        "allow Bash when shell.commands.all(c,\n"
        '  c.program == "git" && c.nope(1))\n'
        "route allow when risk <= 3 && bogus_name\n"
    )
    _, diagnostics = check_policy(path)
    cel = [(d.span.line, d.span.column) for d in diagnostics if d.code.startswith("cel.")]
    assert (4, 31) in cel, [render(d) for d in diagnostics]


def test_model_errors_point_into_the_dsl(tmp_path: Path) -> None:
    path = tmp_path / "p.remit"
    path.write_text("policy p\nrate X: riks 3\nrate Y: risk 11\nmode loud\ntool T: domain 3\n")
    _, diagnostics = check_policy(path)
    got = {(d.code, d.span.line, d.span.column) for d in diagnostics}
    assert ("schema.unknown_field", 2, 9) in got
    assert ("schema.out_of_range", 3, 14) in got
    assert ("schema.invalid_value", 4, 6) in got
    assert ("schema.wrong_type", 5, 16) in got


# ---- the shipped policies: every YAML with a DSL twin loads to the same model -------


def test_the_coding_agent_has_a_twin() -> None:
    assert POLICIES / "coding-agent.yaml" in TWINS


@pytest.mark.parametrize("yaml_path", TWINS, ids=lambda p: p.stem)
def test_twin_loads_to_the_same_model(yaml_path: Path) -> None:
    source = _read(yaml_path.with_suffix(".remit"))
    assert source.diagnostics == [], _why(source)
    from_yaml = Policy.model_validate(yaml.safe_load(yaml_path.read_text()))
    assert Policy.model_validate(source.data) == from_yaml


def _comments(text: str) -> str:
    """The text of a file's comment lines, whitespace-normalised."""
    found = [m.group(1) for m in re.finditer(r"^\s*#+ ?(.*)$", text, re.MULTILINE)]
    return " ".join(" ".join(found).split())


@pytest.mark.parametrize("yaml_path", TWINS, ids=lambda p: p.stem)
def test_twin_keeps_the_comments(yaml_path: Path) -> None:
    dsl_comments = _comments(yaml_path.with_suffix(".remit").read_text())
    for line in yaml_path.read_text().splitlines():
        comment = re.match(r"^\s*#+ ?(.*)$", line)
        if comment and comment.group(1).strip():
            assert " ".join(comment.group(1).split()) in dsl_comments


@pytest.mark.parametrize("yaml_path", TWINS, ids=lambda p: p.stem)
def test_twin_compiles(yaml_path: Path) -> None:
    policy, diagnostics = check_policy(yaml_path.with_suffix(".remit"))
    assert policy is not None, [render(d) for d in diagnostics]


# ---- broken snippets -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_snippet_reports_every_problem(name: str) -> None:
    source = _read(BROKEN / name)
    got = [[d.code, d.span.line, d.span.column] for d in source.diagnostics]
    assert got == EXPECTED[name], _why(source)
    for d in source.diagnostics:
        assert d.message[0].islower() or d.message[0] == "`"
        assert not d.message.endswith(".")
        assert "__ANON" not in d.message and "CEL_" not in d.message and "WORD" not in d.message
        assert (
            d.span.end_column is None or d.span.end_line != d.span.line or d.span.end_column > d.span.column
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_snippet_renders_as_its_golden_file(name: str) -> None:
    path = BROKEN / name
    source = _read(path)
    rendered = "\n\n".join(render(d, source.text) for d in source.diagnostics) + "\n"
    rendered = rendered.replace(str(path), name)
    golden = path.with_suffix(".txt")
    if os.environ.get("REMIT_UPDATE_GOLDEN"):
        golden.write_text(rendered)
    assert rendered == golden.read_text()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_loader_adds_no_cascade_of_errors(name: str) -> None:
    _, diagnostics = check_policy(BROKEN / name)
    got = sorted((d.code, d.span.line, d.span.column) for d in diagnostics)
    assert got == sorted((code, line, column) for code, line, column in EXPECTED[name])


def test_every_broken_snippet_is_listed() -> None:
    assert {p.name for p in BROKEN.glob("*.remit")} == set(EXPECTED)


def test_nothing_usable_gives_no_data() -> None:
    assert parse_dsl("", "e.remit").data is None
    assert parse_dsl("# just a comment\n\n", "e.remit").data is None
    assert parse_dsl("blok x\nrated y\n", "e.remit").data is None
    assert parse_dsl("rate X: risk 1\n", "e.remit").data is None
    assert parse_dsl("policy p\nblok x\n", "e.remit").data == {"name": "p"}


@pytest.mark.parametrize(
    "text", ["autonomy ²", "autonomy ٣", "rate X: risk ٣", "version ²", "test X {a: ٣} => allow"]
)
def test_odd_digits_never_raise(text: str) -> None:
    _check_never_raises("policy p\n" + text)


def test_cel_brackets_nest_as_deep_as_documented() -> None:
    def nested(depth: int) -> str:
        return "policy p\nblock when " + "f(" * depth + "x" + ")" * depth + ' because "r"\n'

    assert parse_dsl(nested(MAX_CEL_DEPTH), "p.remit").diagnostics == []
    too_deep = parse_dsl(nested(MAX_CEL_DEPTH + 1), "p.remit").diagnostics
    assert [d.code for d in too_deep] == ["parse.unexpected_token"]
    assert too_deep[0].hint is not None and str(MAX_CEL_DEPTH) in too_deep[0].hint


def test_windows_line_endings_read_the_same() -> None:
    text = (POLICIES / "coding-agent.remit").read_text()
    unix, windows = parse_dsl(text, "p.remit"), parse_dsl(text.replace("\n", "\r\n"), "p.remit")
    assert windows.diagnostics == []
    assert (windows.data, windows.positions) == (unix.data, unix.positions)


def test_a_bad_line_does_not_hide_the_next() -> None:
    source = parse_dsl("policy p\nrate Bash risk 3\nrate Read: risk 1\nblock (\nallow Read\n", "p.remit")
    assert [d.span.line for d in source.diagnostics] == [2, 4]
    assert source.data == {
        "name": "p",
        "ratings": [{"tools": ["Read"], "risk": 1}],
        "rules": [{"tools": ["Read"], "allow": True}],
    }


# ---- robustness: parse_dsl never raises, every diagnostic has a position ----------


def _check_never_raises(text: str) -> None:
    source = parse_dsl(text, "fuzz.remit")
    assert source.data is None or isinstance(source.data, dict)
    lines = max(1, text.count("\n") + 1)
    for d in source.diagnostics:
        assert d.span.line >= 1 and d.span.column >= 1, d
        assert d.span.line <= lines, d
        assert d.message and d.code.split(".")[0] in ("parse", "schema") and d.code != "parse.internal", d


_WORDS = ["policy ", "rate ", "block ", "ask ", "allow ", "when ", "because ", "route ", "test "]
_WORDS += ["=> ", "tool ", "raises ", "then ", "ctx ", '"""', "'''", "||", "&&", "\n  "]
_ALPHABET = st.sampled_from([*"abcXYZ_-.*?@#:,;=>!&|+-/01239 \t\n\"'()[]{}\\$é²٣\u2028\x00\r", *_WORDS])
_SEEDS = [p.read_text() for p in DSL_FILES]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_random_text_never_raises(text: str) -> None:
    _check_never_raises(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_policies_never_raise(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(_SEEDS))
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 12))
        insert = data.draw(st.lists(_ALPHABET, max_size=4).map("".join))
        text = text[:at] + insert + text[at + cut :]
    _check_never_raises(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    _check_never_raises(text)


# ---- the docs' side-by-side examples -------------------------------------------------

_PAIR = re.compile(r"```remit\n(.*?)```\s*(?:</td><td>\s*)?```yaml\n(.*?)```", re.DOTALL)


def test_docs_examples_lower_to_the_yaml_beside_them() -> None:
    doc = (ROOT / "docs" / "dsl.md").read_text()
    pairs = _PAIR.findall(doc)
    assert len(pairs) >= 8
    for dsl, expected_yaml in pairs:
        expected = {"name": "example", **yaml.safe_load(expected_yaml)}
        if not re.search(r"^policy ", dsl, re.MULTILINE):  # most examples show one statement
            dsl = "policy example\n" + dsl
        source = parse_dsl(dsl, "docs/dsl.md")
        assert source.diagnostics == [], dsl + _why(source)
        assert source.data == expected, dsl


def test_docs_error_examples_are_real() -> None:
    doc = (ROOT / "docs" / "dsl.md").read_text()
    block = re.search(r"## Errors.*?```\n(.*?)```", doc, re.DOTALL)
    assert block is not None
    for example in block.group(1).strip().split("\n\n"):
        name = example.split(":", 1)[0]
        assert example in (BROKEN / name).with_suffix(".txt").read_text(), example


# ---- plumbing --------------------------------------------------------------------------


def test_the_parser_is_built_once() -> None:
    parse_dsl("policy a\n", "a.remit")
    parse_dsl("policy b\n", "b.remit")
    assert _parser() is _parser()
    assert _parser.cache_info().misses <= 1


def test_the_grammar_ships_where_resources_finds_it() -> None:
    path = grammar_path("policy.lark")
    assert path.is_file()
    assert path.read_bytes() == (ROOT / "grammar" / "policy.lark").read_bytes()  # the file, or a wheel's copy


def test_only_dsl_imports_lark() -> None:
    importers = [
        p.name
        for p in (ROOT / "engine").rglob("*.py")
        if re.search(r"^\s*(?:import lark|from lark)", p.read_text(), re.MULTILINE)
    ]
    assert importers == ["dsl.py"]
