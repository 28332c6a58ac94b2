"""Small parts: reason templates, redaction, ids, session memory, packaging."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from remit.ids import IdGenerator
from remit.redact import DROPPED, redact, redact_text
from remit.session import Session
from remit.template import parse_template
from tests.conftest import ROOT


def test_template_fills_fields_and_never_fails() -> None:
    t = parse_template("{tool} read {path.first} ({{literal}}) {args.missing.deeper}")
    values = {"tool": "Read", "path": {"first": ".env"}, "args": {}}
    assert t.render(values.__getitem__) == "Read read .env ({literal}) ?"
    assert t.roots == frozenset({"tool", "path", "args"})


def test_template_shortens_huge_values() -> None:
    t = parse_template("{args.command}")
    out = t.render({"args": {"command": "x" * 1000}}.__getitem__)
    assert len(out) == 200 and out.endswith("…")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github_token"),
        ("aws AKIAABCDEFGHIJKLMNOP", "aws_access_key"),
        ("curl https://user:hunter2@example.com/x", "url_password"),
        ("Authorization: Bearer abcdefghijklmnop1234", "bearer"),
        ("OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx", "openai_key"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", "private_key"),
        ("DB_PASSWORD='s3cr3t pass'", "env_secret"),
    ],
)
def test_secrets_are_redacted_with_kind_and_hash(text: str, kind: str) -> None:
    out = redact_text(text)
    assert f"[REDACTED:{kind}:" in out
    assert "hunter2" not in out and "ghp_abc" not in out and "s3cr3t" not in out


@pytest.mark.parametrize(
    "text", ["git status", "npm run test", "https://example.com/a?b=c", "token budget is 5"]
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact_text(text) == text


def test_redact_walks_structures_and_secret_field_names() -> None:
    value = {"password": "x", "nested": [{"api_key": "abc"}, "ok"], "n": 3, "deep": [[[[{"a": 1}]]]]}
    out = redact(value)
    assert out["password"].startswith("[REDACTED:field:") and out["nested"][0]["api_key"].startswith(
        "[REDACTED"
    )
    assert out["nested"][1] == "ok" and out["n"] == 3 and out["deep"] == value["deep"]
    assert value["password"] == "x"  # the input is not changed


def test_numbers_under_secret_field_names_are_dropped() -> None:
    out = redact({"password": 12345678, "db": {"api_key": 4.5}, "max_tokens": 1000, "auth": True})
    assert out == {"password": DROPPED, "db": {"api_key": DROPPED}, "max_tokens": 1000, "auth": True}


def test_ids_are_unique_sortable_and_injectable() -> None:
    clock = iter([1.0, 1.0, 2.0]).__next__
    ids = IdGenerator(clock=clock, rng=random.Random(7))
    a, b, c = ids(), ids(), ids()
    assert len({a, b, c}) == 3 and a[:12] == b[:12] < c[:12]
    assert IdGenerator(clock=lambda: 1.0, rng=random.Random(7))() == a


def test_session_memory_is_bounded() -> None:
    s = Session("s")
    for _ in range(5):
        s.record("busy", "allow", 1, ())
    for i in range(1000):
        s.record(f"tool{i}", "allow", 1, (f"fact{i}",))
    assert s.calls == 1005 and len(s.recent) == 32 and len(s.facts) == 256
    # past 256 tools the least used are forgotten: a new tool and a busy one are still counted
    assert s.count("tool999") == 1 and s.count("busy") == 5 and s.count("tool1") == 0
    assert s.seen("fact0") and not s.seen("fact999")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is 3.11+")
def test_every_engine_package_ships_in_the_wheel() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {"remit"} | {
        "remit." + ".".join(p.parent.relative_to(ROOT / "engine").parts)
        for p in (ROOT / "engine").rglob("__init__.py")
        if p.parent != ROOT / "engine"
    }
    assert on_disk <= listed
    for name in on_disk - {"remit"}:
        assert config["package-dir"][name] == str(Path("engine", *name.split(".")[1:]))
