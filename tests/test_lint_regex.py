"""`lint.slow_regex`: patterns whose RE2 automaton can blow up are named where they are written.

Which patterns are slow, and by how much, is measured by `python -m benchmarks.regex_cost`;
these tests pin the verdicts of that measurement and where the warning points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import remit
from remit.cli import main
from remit.lint import constant_patterns, lint_paths, lint_policy
from remit.regex_cost import SLOW_REPEAT, slow_repeat
from tests.conftest import POLICIES

ROOT = Path(__file__).resolve().parent.parent

SLOW = {  # pattern -> the repetition named (each measured at 35 to 800 ms on 1 MB)
    "a[ab]{25}c": "[ab]{25}",
    "(?:a|b)*a(?:a|b){20}c": "[ab]{20}",
    "[a-m].{40}[n-z].{40}0": ".{40}",
    "a[ab]{14}c": "[ab]{14}",
    "[aeiou][a-z]{13}[bcdfg]0": "[a-z]{13}",
    "(?:a[ab]{5}){5}c": "(?:a[ab]{5}){5}",
    "ac(?:[ab]c){20}d": "(?:[ab]c){20}",
    "^.*a[ab]{25}c": "[ab]{25}",
    "[ab]{25}a.*$": "[ab]{25}",
    "(?i)x[a-z0-9]{30}y": "[a-z0-9]{30}",
    "a[ab]{25,}c": "[ab]{25,}",
    "(?ms)^a.{25}b": ".{25}",
    "[[:alpha:]]x[[:alnum:]]{20}": "[0-9A-Za-z]{20}",
}
FAST = [  # each measured at 2 ms or less on 1 MB, or shorter than the threshold
    "a[ab]{11}c",
    "a{1000}",
    "(?:ab){40}",
    "(.*a){20}",
    "(?i)(password|secret|token)\\s*[:=]",
    "^https://",
    "a.{30}b.{30}c.{30}d$",
    "a[ab]{25}c$",
    "[ab]{25}c",
    ".*[ab]{25}c",
    "(?i)a{30}c",
    "(?:a[ab]*){20}c",
    "(?:[ab]{5}c){5}d",
    "(?:[ab]c){20}d",
    "^[ab]{0,30}a[ab]{25}c",
    "^(?:x|y)*a[ab]{25}",
    "(?m)^a[ab]{25}c",
    "\\bacme_[A-Za-z0-9]{32}\\b",
    "(?i)session=(?P<secret>[a-z0-9]{16,})",
    "aws_secret_access_key\\s*=\\s*[A-Za-z0-9/+=]{40}",
    "\\b\\d{16}\\b",
    "[^0-9]\\d{16}",
]


@pytest.mark.parametrize("pattern", sorted(SLOW))
def test_slow_patterns_name_their_repetition(pattern: str) -> None:
    found = slow_repeat(pattern)
    assert found is not None and found.text == SLOW[pattern]
    assert found.width >= SLOW_REPEAT


@pytest.mark.parametrize("pattern", FAST)
def test_fast_patterns_draw_nothing(pattern: str) -> None:
    assert slow_repeat(pattern) is None


def test_the_threshold_is_where_the_states_start_to_count() -> None:
    assert slow_repeat(f"a[ab]{{{SLOW_REPEAT - 1}}}c") is None
    assert slow_repeat(f"a[ab]{{{SLOW_REPEAT}}}c") is not None


@pytest.mark.parametrize(
    "pattern",
    ["\\pL{20}", "(?U)a[ab]{25}c", "\\Qa[b\\E[ab]{25}", "[[:^alpha:]]a[ab]{25}", "a[ab]{25}\\z", "(", ""],
)
def test_patterns_python_does_not_read_are_not_judged(pattern: str) -> None:
    assert slow_repeat(pattern) is None


def test_constant_patterns_of_an_expression() -> None:
    text = 'args.a.matches("x{20}") || matches(args.b, "y") || args.c.matches(args.d) || size(args.e) > 2'
    assert sorted(constant_patterns(text)) == ["x{20}", "y"]
    assert list(constant_patterns("args.a.matches(")) == []


POLICY = r"""name: p
redaction:
  patterns:
    - name: acme
      regex: 'x[a-z0-9]{20}y'
    - name: fine
      regex: '\bacme_[A-Za-z0-9]{32}\b'
ratings:
  - id: slow-rating
    tools: [T]
    when: 'args.s.matches("[a-m].{40}0")'
    risk: 5
rules:
  - id: fast
    tools: [T]
    block: 'args.s.matches("^https://") || args.s.matches("[ab]{25}c")'
  - id: slow
    tools: [T]
    block: 'args.s.matches("(?i)(password|secret|token)") || args.s.matches("a[ab]{25}c")'
  - id: dynamic
    tools: [T]
    block: 'args.s.matches(args.p)'
"""


def _warnings(path: Path) -> list[tuple[str, int, int]]:
    return [
        (d.message.split("`")[1], d.span.line, d.span.column)
        for d in lint_paths([path])
        if d.code == "lint.slow_regex"
    ]


def test_lint_warns_where_slow_patterns_are_written(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY)
    assert sorted(_warnings(path)) == [("acme", 5, 15), ("slow", 17, 5), ("slow-rating", 9, 5)]
    by_item = {d.message.split("`")[1]: d for d in lint_paths([path]) if d.code == "lint.slow_regex"}
    assert by_item["slow"].severity == "warning"
    assert "`a[ab]{25}c`" in by_item["slow"].message and "`[ab]{25}`" in by_item["slow"].message
    assert "half a microsecond per character" in (by_item["slow"].hint or "")
    assert "`x[a-z0-9]{20}y`" in by_item["acme"].message and "record" in (by_item["acme"].hint or "")


def test_lint_warns_in_the_dsl_too(tmp_path: Path) -> None:
    path = tmp_path / "p.remit"
    path.write_text(
        "policy p\n"
        'redact acme r"x[a-z0-9]{20}y"\n'
        "@slow\n"
        'block T when args.s.matches("a[ab]{25}c")\n'
        "@fast\n"
        'block T when args.s.matches("^a[ab]{25}c")\n'
    )
    found = _warnings(path)
    assert sorted(name for name, _, _ in found) == ["acme", "slow"]
    assert dict((name, line) for name, line, _ in found) == {"acme": 2, "slow": 4}


def test_a_redaction_pattern_from_an_include_points_into_the_include(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "name: base\nredaction:\n  patterns:\n    - {name: inc, regex: 'q[a-z]{30}z'}\n"
    )
    root = tmp_path / "root.yaml"
    root.write_text("name: root\ninclude: [base.yaml]\nrules:\n  - {id: r, tools: [T], block: 'true'}\n")
    [warning] = [d for d in lint_paths([root]) if d.code == "lint.slow_regex"]
    assert Path(warning.span.file).name == "base.yaml" and warning.span.line == 4


def test_a_policy_loaded_from_text_is_linted_too() -> None:
    policy = remit.load_text(
        "name: n\nredaction:\n  patterns:\n    - {name: t, regex: 'q[a-z]{30}z'}\n"
        "rules:\n  - {id: r, tools: [T], block: 'args.s.matches(\"a[ab]{25}c\")'}\n"
    )
    assert sorted(d.message.split("`")[1] for d in lint_policy(policy) if d.code == "lint.slow_regex") == [
        "r",
        "t",
    ]
    (pattern,) = [d for d in lint_policy(policy) if d.code == "lint.slow_regex" and "redaction" in d.message]
    assert pattern.span.line == 4  # where the text writes it, not the top of a file there is none of


def test_shipped_and_benchmark_policies_draw_no_slow_regex() -> None:
    paths: list[str | Path] = [POLICIES, ROOT / "benchmarks" / "policies" / "bench-50.yaml"]
    assert [d for d in lint_paths(paths) if d.code == "lint.slow_regex"] == []


def test_the_shipped_policies_have_patterns_to_judge() -> None:
    policy = remit.load_policy(POLICIES / "coding-agent.yaml")
    texts = [e.text for r in policy.rules for e in (r.when, r.condition) if e is not None]
    texts += [r.when.text for r in policy.ratings if r.when is not None]
    assert sum(1 for t in texts for _ in constant_patterns(t)) > 10


def test_remit_lint_shows_the_warning(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY)
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 0
    assert "warning[lint.slow_regex]" in result.stderr and f"{path}:17:5" in result.stderr


def test_nested_repetitions_are_walked_once_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work, not time: each level of nesting is walked once (twice per level took 4.7 s at 20)."""
    from remit import regex_cost

    walks = 0
    walk = regex_cost._Finder.walk

    def counted(self: Any, *args: Any) -> Any:
        nonlocal walks
        walks += 1
        return walk(self, *args)

    monkeypatch.setattr(regex_cost._Finder, "walk", counted)
    assert slow_repeat("x" + "(?:" * 20 + "[ab]" + ")+" * 20) is None
    assert walks <= 2 * 20 + 2
