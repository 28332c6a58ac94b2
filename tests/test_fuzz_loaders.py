"""No input makes the YAML loader, the policy loader or the CEL compiler raise anything but
`PolicyError`, and every rejection carries a position."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import remit
from remit.celc import compile_expr
from remit.compile import RATED_NAMES
from remit.diagnostics import Span
from remit.yaml_source import read_yaml
from tests.conftest import POLICIES

EXAMPLES = int(os.environ.get("REMIT_FUZZ_EXAMPLES", "200"))
"""Raise REMIT_FUZZ_EXAMPLES (e.g. to 100000) for the long run; CI runs a short one."""
SHIPPED = (POLICIES / "coding-agent.yaml").read_text()
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def _positioned(diagnostics: list[remit.Diagnostic]) -> None:
    for d in diagnostics:
        assert d.code and d.message and d.span.line >= 1 and d.span.column >= 1


@FUZZ
@given(st.text(max_size=300))
def test_yaml_reader_never_raises(text: str) -> None:
    _positioned(read_yaml(text, "f.yaml").diagnostics)


@FUZZ
@given(st.data())
def test_mutated_policies_load_or_report(data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(SHIPPED)))
    span = data.draw(st.integers(0, 40))
    insert = data.draw(st.text(max_size=20))
    text = SHIPPED[:cut] + insert + SHIPPED[cut + span :]
    try:
        remit.load_text(text, "p.yaml")
    except remit.PolicyError as exc:
        assert exc.diagnostics
        _positioned(exc.diagnostics)


@FUZZ
@given(st.text(max_size=120))
def test_cel_compiler_never_raises_anything_else(text: str) -> None:
    try:
        compile_expr(text or " ", names=RATED_NAMES, span=Span("f", 1, 1))
    except remit.PolicyError as exc:
        assert exc.diagnostics
        _positioned(exc.diagnostics)
