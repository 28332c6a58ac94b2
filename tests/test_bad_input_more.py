"""Hostile policy text and option values are positioned diagnostics or usage errors, never a
traceback or a hang: YAML alias cycles and alias bombs, values nested past the limit, an
include name no file system accepts, JSON options Python cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import remit
from remit import yaml_source
from remit.cli import main
from remit.yaml_source import MAX_NESTING, read_yaml
from tests.conftest import POLICIES

CODING = str(POLICIES / "coding-agent.yaml")

BASE_YAML = """\
remit: 1
name: t
defaults: {decision: ask, on_error: block}
rules:
  - id: r1
    tools: [Bash]
    block: 'shell.commands.exists(c, c.program == "rm")'
routes:
  - allow: risk <= 2
tests:
  - call: {tool: Bash, args: {command: "rm x"}}
    expect: block
"""

BASE_DSL = """\
policy t
defaults ask, on_error block
@r1
block Bash when shell.commands.exists(c, c.program == "rm")
route allow when risk <= 2
test Bash {command: "rm x"} => block by r1
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def codes(path: Path) -> list[tuple[str, int, int]]:
    policy, diagnostics = remit.check_policy(path)
    assert policy is None
    return [(d.code, d.span.line, d.span.column) for d in diagnostics]


def lint(path: Path) -> str:
    """`remit lint` output for a policy that must fail with diagnostics, not a traceback."""
    code, out, err = run("lint", str(path))
    assert code == 1 and "Traceback" not in out + err
    return out + err


def alias_bomb(levels: int) -> str:
    """Each level's list holds nine aliases of the level below: 9**levels nodes as a tree."""
    lines = ["remit: 1", "name: t", "x0: &a0 [x,x,x,x,x,x,x,x,x]"]
    lines += [f"x{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# ---- YAML aliases


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("remit: 1\nname: t\nrules: &x [*x]\n", 3, 8),
        ("remit: 1\nname: t\nrules:\n  - &r {id: r, when: *r}\n", 4, 5),
    ],
)
def test_an_alias_cycle_is_a_positioned_diagnostic(tmp_path: Path, text: str, line: int, column: int) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text(text)
    assert codes(path) == [("parse.alias_cycle", line, column)]
    assert "parse.alias_cycle" in lint(path)
    with pytest.raises(remit.PolicyError) as info:
        remit.load_policy(path)
    assert [d.code for d in info.value.diagnostics] == ["parse.alias_cycle"]


def test_an_alias_bomb_is_refused_where_it_grows(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(5))  # 9**5 nodes: past the budget, cheap either way
    assert codes(path) == [("parse.alias_expansion", 7, 5)]  # x4, the first list past the budget


def test_a_large_alias_bomb_is_refused_before_it_is_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """9**8 nodes: minutes to walk as a tree. The refusal comes from the shape of the nodes
    written, before any walk of the tree the aliases make."""

    def walk(*args: object) -> None:
        raise AssertionError("the tree was walked")

    monkeypatch.setattr(yaml_source, "_walk", walk)
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(8))
    assert "parse.alias_expansion" in lint(path)


def test_a_shared_value_used_twice_still_loads(tmp_path: Path) -> None:
    text = BASE_YAML.replace("    tools: [Bash]", "    tools: &shell [Bash]") + (
        '  - call: {tool: Bash, args: &rm {command: "rm y"}}\n    expect: block\n'
        "  - call: {tool: Bash, args: *rm}\n    expect: block\n"
    )
    text = text.replace("routes:", "  - id: r2\n    tools: *shell\n    ask: 'true'\nroutes:")
    path = tmp_path / "shared.yaml"
    path.write_text(text)
    policy, diagnostics = remit.check_policy(path)
    assert policy is not None, diagnostics
    source = read_yaml(text, "shared.yaml")
    assert source.positions[("rules", 1, "tools", 0)].line == 6  # where the shared list is written
    assert source.data is not None and source.data["tests"][2]["call"]["args"] == {"command": "rm y"}


# ---- nesting


def test_yaml_values_nested_past_the_limit_are_a_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(BASE_YAML + f"  - call: {{tool: Bash, args: {{x: {nested(300)}}}}}\n    expect: block\n")
    [(code, line, column)] = codes(path)
    assert (code, line) == ("parse.too_deep", 13)
    assert column == len("  - call: {tool: Bash, args: {x: ") + MAX_NESTING - 5 + 1
    assert "parse.too_deep" in lint(path)


def test_yaml_values_nested_within_the_limit_load(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(BASE_YAML + f"  - call: {{tool: Bash, args: {{x: {nested(150)}}}}}\n    expect: block\n")
    policy, diagnostics = remit.check_policy(path)
    assert policy is not None, diagnostics


@pytest.mark.parametrize("depth", [600, 5000])
def test_dsl_test_arguments_nested_past_the_limit_are_a_diagnostic(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.remit"
    path.write_text(BASE_DSL + f"test Bash {{x: {nested(depth)}}} => ask\n")
    [(code, line, column)] = codes(path)
    assert (code, line) == ("parse.too_deep", 7)
    assert column == len("test Bash {x: ") + MAX_NESTING - 5 + 1
    assert "parse.too_deep" in lint(path)
    with pytest.raises(remit.PolicyError):
        remit.load_text(path.read_text(), "deep.remit")


def test_dsl_test_arguments_nested_within_the_limit_load(tmp_path: Path) -> None:
    path = tmp_path / "deep.remit"
    path.write_text(BASE_DSL + f"test Bash {{x: {nested(150)}}} => block\n")
    policy, diagnostics = remit.check_policy(path)
    assert policy is not None, diagnostics


# ---- include names


def test_an_include_name_holding_a_nul_is_a_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(BASE_YAML + 'include: ["a\\0b.yaml"]\n')
    assert codes(path) == [("parse.unreadable", 13, 12)]
    out = lint(path)
    assert "a\\x00b.yaml" in out and "\0" not in out


def test_an_include_through_a_symlink_loop_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "one").symlink_to(tmp_path / "two")
    (tmp_path / "two").symlink_to(tmp_path / "one")
    path = tmp_path / "p.yaml"
    path.write_text(BASE_YAML + "include: [one]\n")
    assert codes(path) == [("parse.unreadable", 13, 11)]


def test_a_policy_path_holding_a_nul_is_a_diagnostic() -> None:
    policy, diagnostics = remit.check_policy("a\0b.yaml")
    assert policy is None and [d.code for d in diagnostics] == ["parse.unreadable"]


# ---- JSON options


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--args", '{"n": ' + "9" * 5000 + "}", "is out of range"),  # (past Python's digit limit too)
        ("--ctx", '{"a": ' + nested(100_000) + "}", "nests too deeply"),  # 3.13 reads 5,000 levels
        ("--args", nested(100_000), "nests too deeply"),
    ],
)
def test_json_options_python_cannot_read_are_usage_errors(option: str, value: str, words: str) -> None:
    other = "--ctx" if option == "--args" else "--args"
    code, out, err = run("check", CODING, "--tool", "Bash", option, value, other, "{}")
    assert code == 2 and out == ""
    assert option in err and words in err and "Traceback" not in err
