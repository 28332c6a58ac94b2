"""Broken policies report every problem with its code and position, and never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

import remit
from remit.diagnostics import render
from tests.conftest import DATA, POLICIES

BROKEN = DATA / "broken"
EXPECTED: dict[str, list[list[object]]] = yaml.safe_load((BROKEN / "expected.yaml").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_policy_reports_every_problem(name: str) -> None:
    policy, diagnostics = remit.check_policy(BROKEN / name)
    assert policy is None
    got = [[d.code, d.span.line, d.span.column] for d in diagnostics]
    assert got == EXPECTED[name], "\n".join(render(d) for d in diagnostics)
    for d in diagnostics:
        assert d.span.file.endswith(name)
        assert (d.message and d.message[0].islower()) or d.message[0] == "`"
        assert not d.message.endswith(".")


def test_every_broken_file_is_listed() -> None:
    files = {
        p.name for p in BROKEN.iterdir() if p.suffix in (".yaml", ".remit") and p.name != "expected.yaml"
    }
    assert files == set(EXPECTED)


def test_load_policy_raises_one_error_holding_all() -> None:
    with pytest.raises(remit.PolicyError) as info:
        remit.load_policy(BROKEN / "bad-cel.yaml")
    assert len(info.value.diagnostics) == 3


def test_render_points_a_caret_at_the_problem() -> None:
    path = BROKEN / "bad-cel.yaml"
    _, diagnostics = remit.check_policy(path)
    text = render(diagnostics[1], path.read_text())
    assert "cel.undeclared_identifier" in text
    assert text.splitlines()[2].index("^") - len("       | ") == diagnostics[1].span.column - 1


def test_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    policy, diagnostics = remit.check_policy(tmp_path / "missing.yaml")
    assert policy is None
    assert [d.code for d in diagnostics] == ["parse.unreadable"]


def test_a_file_that_is_not_utf8_says_where(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b'remit: 1\nname: p\nrules:\n  - {id: b, tools: [T], block: "\xc3\xa9t\xff"}\n')
    _, (diagnostic,) = remit.check_policy(path)
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("parse.unreadable", 4, 35)
    assert diagnostic.message.endswith("not utf-8 (byte 0xff)")  # (the `é` before it is one column)


@pytest.mark.parametrize("value", ["", " 3", " [a]"])
def test_a_section_of_the_wrong_type_names_no_python_class(tmp_path: Path, value: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"remit: 1\nname: p\ndefaults:{value}\nunknown:{value}\nrules:\n  -{value}\n")
    _, diagnostics = remit.check_policy(path)
    empty = " (it is empty)" if not value else ""
    assert [d.message for d in diagnostics] == [
        f"`{where}`: should be a mapping{empty}" for where in ("defaults", "unknown", "rules[0]")
    ]


def test_a_byte_order_mark_is_read_as_nothing(tmp_path: Path) -> None:
    for name in ("ci.remit", "ci.yaml"):
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + (POLICIES / name).read_bytes())
        policy, diagnostics = remit.check_policy(path)
        assert policy is not None and diagnostics == [], name


def test_include_cycle_and_escape(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\ninclude: [b.yaml, ../outside.yaml]\n")
    (tmp_path / "b.yaml").write_text("name: b\ninclude: [a.yaml]\n")
    _, diagnostics = remit.check_policy(tmp_path / "a.yaml")
    assert sorted(d.code for d in diagnostics) == ["schema.include_cycle", "schema.include_outside"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rendered_diagnostics_match_golden_files(name: str) -> None:
    """What an author reads, caret included; set REMIT_UPDATE_GOLDEN=1 to rewrite the files."""
    path = BROKEN / name
    _, diagnostics = remit.check_policy(path)
    text = path.read_text()
    rendered = "\n".join(render(d, text) for d in diagnostics).replace(str(BROKEN) + "/", "") + "\n"
    golden = BROKEN / (name + ".golden")
    if os.environ.get("REMIT_UPDATE_GOLDEN"):
        golden.write_text(rendered)
    assert rendered == golden.read_text()
