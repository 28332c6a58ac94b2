"""The http analyzer: table of calls in data/analyzers/http_cases.yaml, plus odd inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.analyzers import HttpFacts, http_facts, shell_facts

CASES = yaml.safe_load((Path(__file__).parent / "data" / "analyzers" / "http_cases.yaml").read_text("utf-8"))


def _facts(tool: str, args: Any) -> HttpFacts:
    return http_facts(tool, args, shell_facts(tool, args, None))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['tool']}:{c['args']}"[:70] for c in CASES])
def test_http_case(case: dict[str, Any]) -> None:
    facts = _facts(case["tool"], case["args"])
    for key in HttpFacts.cel_fields & case.keys():
        assert facts[key] == case[key], key
    for patterns, expected in case.get("host_in", {}).items():
        assert facts.host_in(patterns.split(",")) is expected, patterns


def test_host_in_takes_odd_arguments() -> None:
    facts = _facts("WebFetch", {"url": "https://a.example.com"})
    assert facts.host_in("*.example.com") is True
    assert facts.host_in(None) is False
    assert facts.host_in([1, None, "https://a.example.com/path"]) is True
    assert facts.host_in(["A.EXAMPLE.COM:443"]) is True


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["url", "urls", "method", "headers", "uri"]),
        st.one_of(
            st.text(max_size=80),
            st.lists(st.text(max_size=30)),
            st.dictionaries(st.text(max_size=10), st.text(max_size=10)),
            st.integers(),
            st.none(),
        ),
    )
)
def test_any_args_never_raise(args: dict[str, Any]) -> None:
    facts = _facts("WebFetch", args)
    assert isinstance(facts.method, str) and all(isinstance(h, str) for h in facts.hosts)
