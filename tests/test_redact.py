"""Secrets never reach the log: the redaction corpus in `tests/data/secrets.yaml`.

Every secret entry must lose each of its `secrets` strings and gain a marker of its `kind`;
every near-miss must come out unchanged. The same corpus goes through a real `Guard` and its
decision log, which must not hold any secret string anywhere.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

import remit
from remit.load import load_text
from remit.redact import DROPPED, marker, redact, redact_text
from remit.secret_patterns import _MAYBE, _TRIGGERS, PATTERNS
from tests.conftest import DATA

CORPUS: dict[str, list[dict[str, Any]]] = yaml.safe_load((DATA / "secrets.yaml").read_text())
SECRETS = CORPUS["secrets"]
NEAR_MISSES = CORPUS["near_misses"]
POLICY = "name: r\nroutes: [{allow: 'true'}]\n"


def test_corpus_size() -> None:
    assert len(SECRETS) >= 100
    assert len(NEAR_MISSES) >= 40


@pytest.mark.parametrize("case", SECRETS, ids=[f"{i}-{c['kind']}" for i, c in enumerate(SECRETS)])
def test_secret_is_redacted(case: dict[str, Any]) -> None:
    out = json.dumps(redact(case["args"]))
    for secret in case["secrets"]:
        assert secret not in out, secret
        assert json.dumps(secret)[1:-1] not in out, secret
    assert f"[REDACTED:{case['kind']}:" in out, out


@pytest.mark.parametrize("case", NEAR_MISSES, ids=[c["why"] for c in NEAR_MISSES])
def test_near_miss_is_unchanged(case: dict[str, Any]) -> None:
    assert redact(case["args"]) == case["args"]


def test_no_secret_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(POLICY, log=log)
    for case in SECRETS:
        guard.check(case["tool"], case["args"])
    text = log.read_text()
    assert text.count("\n") >= len(SECRETS)
    for case in SECRETS:
        for secret in case["secrets"]:
            assert secret not in text, secret
            assert json.dumps(secret)[1:-1] not in text, secret
            assert json.dumps(secret, ensure_ascii=True)[1:-1] not in text, secret


def test_every_pattern_implies_the_pretest() -> None:
    for case in SECRETS:
        for kind, pattern in PATTERNS:
            for text in _strings(case["args"]):
                for m in pattern.finditer(text):
                    assert _MAYBE.search(m.group(0).lower()), (kind, m.group(0))
                    assert any(t in m.group(0).lower() for t in _TRIGGERS[kind]), (kind, m.group(0))


def test_every_trigger_implies_the_pretest() -> None:
    for kind, triggers in _TRIGGERS.items():
        assert triggers, kind
        for trigger in triggers:
            assert trigger == trigger.lower(), (kind, trigger)
            assert _MAYBE.search(trigger), (kind, trigger)


def test_pretest_skips_ordinary_commands() -> None:
    command = "cd /repo/src && python -m pytest tests/unit -x -q 2>&1 | tail -n 40 && git diff --stat HEAD~1"
    assert _MAYBE.search(command.lower()) is None
    assert redact_text(command) == command


def test_marker_shape() -> None:
    assert re.fullmatch(r"\[REDACTED:jwt:[0-9a-f]{8}\]", marker("jwt", "x"))


def test_redact_is_idempotent() -> None:
    for case in SECRETS:
        once = redact(case["args"])
        assert redact(once) == once


def test_extra_patterns_from_a_policy() -> None:
    def redaction(pattern: str) -> Any:
        return load_text(f"name: p\nredaction: {{patterns: [{{name: {pattern}}}]}}\n").redaction

    acme = redaction(r"acme_key, regex: '\bacme_[0-9a-f]{16}\b'")
    args = {"command": "deploy --with acme_0123456789abcdef now"}
    assert redact(args) == args
    out = acme.call(args, {}).args
    assert "acme_0123456789abcdef" not in out["command"]
    assert marker("acme_key", "acme_0123456789abcdef") in out["command"]
    # A group named `secret` keeps the rest of the match.
    pin = redaction(r"pin, regex: '\bpin=(?P<secret>\d{4,})'")
    assert pin.call({"q": "pin=1234 ok"}, {}).args == {"q": f"pin={marker('pin', '1234')} ok"}


def test_drop_fields_from_a_policy() -> None:
    args = {"command": "ls", "env": {"HOME": "/root", "blob": {"a": 1}}, "blob": [1, 2]}
    out = load_text("name: p\nredaction: {drop: [args.**.blob]}\n").redaction.call(args, {}).args
    assert out == {"command": "ls", "env": {"HOME": "/root", "blob": "[DROPPED]"}, "blob": "[DROPPED]"}
    assert redact(args) == args


def test_non_string_values_pass_through() -> None:
    args: dict[str, Any] = {"n": 3, "ok": True, "none": None, "f": 1.5, "list": [1, "x"]}
    assert redact(args) == args


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.slow
def test_every_pattern_takes_time_linear_in_its_text() -> None:
    # A pattern that backtracks on a repeated trigger (`secret_access_key` then spaces,
    # `mysql ` again and again) took minutes on 100,000 characters; linear ones take
    # milliseconds. The bound is generous: it tells the two apart, not fast from slow.
    from remit.secret_patterns import _COARSE

    n = 100_000
    for trigger in (*_COARSE, "secret_access_key", "mysql ", "--password"):
        k = n // (len(trigger) + 1)
        for text in (
            trigger + " " * n,
            trigger + "=" + "a" * n,
            *((trigger + sep) * k for sep in (" ", "=", ":", "'", "\n")),
        ):
            start = time.perf_counter()
            redact_text(text)
            assert time.perf_counter() - start < 2.0, (trigger, text[:40])


def test_a_long_text_keeps_its_head_cut_between_tokens() -> None:
    from remit.redact import MAX_STRING, TRUNCATED_TEXT

    token = "ghp_" + "Ab3" * 12  # 40 characters, running across the cut below
    words = "lorem ipsum " * (MAX_STRING // 12)
    text = words[: MAX_STRING - 40] + token + " tail" * 200_000
    out = redact(text)
    assert out.endswith(TRUNCATED_TEXT) and len(out) <= MAX_STRING
    assert out.startswith("lorem ipsum") and not any(token[i : i + 8] in out for i in range(33))
    key = (
        "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEpAIBAAKCAQEA7x" * 1_000 + "\n-----END RSA PRIVATE KEY-----"
    )
    out = redact("config: " + key)  # the block's end is past the cut: the block is still found
    assert "MIIEpAIBAAKCAQEA7x" not in out and "[REDACTED:private_key" in out


def test_a_value_keeps_a_bounded_amount_of_text_and_costs_no_more() -> None:
    from remit.redact import MAX_TEXT, TRUNCATED_TEXT, redact_with

    tokens = ["ghp_" + f"{i:036d}" for i in range(22_000)]  # 900 KB of distinct secrets
    read = [0]

    def counting(text: str) -> str:
        read[0] += len(text)
        return redact_text(text)

    out = redact_with({"tokens": tokens, "url": "https://x.io/" + "a" * 990_000}, counting)
    assert read[0] <= MAX_TEXT  # redaction reads at most this much text, whatever the value holds
    assert out["tokens"][-1] == TRUNCATED_TEXT and out["[TRUNCATED]"] == TRUNCATED_TEXT  # the rest
    assert len(out["tokens"]) < MAX_TEXT // 16  # each item costs some of the budget besides its text
    kept = json.dumps(out)
    assert len(kept) < 2 * MAX_TEXT
    assert "ghp_" not in kept and re.search(r"\d{20}", kept) is None  # nothing of any token


@pytest.mark.parametrize(
    ("template", "tail"),
    [
        ("as {args.user}:{args.password}", {"user": "ann", "password": "hunter2-hunter2"}),
        ("as {args.login.password}", {"login": {"password": "hunter2-hunter2"}}),
        ("running {args.argv}", {"argv": ["mysql", "--password", "hunter2-hunter2"]}),
        ("fetching {args.argv}", {"argv": ["curl", "-u", "ann:hunter2-hunter2", "https://x.io"]}),
    ],
    ids=["field", "nested-field", "argv-flag", "argv-user"],
)
def test_a_value_past_the_text_budget_is_still_hidden_in_messages(
    tmp_path: Path, template: str, tail: dict[str, Any]
) -> None:
    from remit.redact import MAX_STRING, MAX_TEXT, TRUNCATED_KEY

    text = f"name: p\nrules: [{{id: r, tools: [login], allow: 'true', reason: '{template}'}}]\n"
    filler = {f"f{i}": "lorem ipsum " * (MAX_STRING // 12) for i in range(MAX_TEXT // MAX_STRING + 1)}
    log = tmp_path / "d.jsonl"
    remit.Guard.from_text(text, log=log).check("login", {**filler, **tail})
    (record,) = remit.log.read_log(log)
    assert TRUNCATED_KEY in record["args"]  # the secret's field is past the budget, not logged
    assert "hunter2" not in log.read_text() and "[REDACTED:" in record["reasons"][0]["message"]


class _Pin:
    """A value of the caller's that JSON has no type for."""

    def __str__(self) -> str:
        return "pin-0000-secret"


@pytest.mark.parametrize(
    ("password", "quoted"),
    [
        (b"hunter2secretXY", "b'hunter2secretXY'"),
        (bytearray(b"hunter2secretXY"), "bytearray(b'hunter2secretXY')"),
        ("pässwörd-hunter2".encode(), "b'p\\xc3\\xa4ssw\\xc3\\xb6rd-hunter2'"),
        (_Pin(), "pin-0000-secret"),
        ({"hunter2secretXY"}, "{'hunter2secretXY'}"),
    ],
    ids=["bytes", "bytearray", "bytes-not-ascii", "object", "set"],
)
@pytest.mark.parametrize("past", [False, True], ids=["in-budget", "past-budget"])
def test_a_value_json_has_no_type_for_under_a_secret_name_is_hidden_in_messages(
    tmp_path: Path, password: Any, quoted: str, past: bool
) -> None:
    from remit.redact import MAX_TEXT, TRUNCATED_KEY

    text = "name: p\nrules: [{id: r, tools: [T], block: 'true', reason: 'pw is {args.password}'}]\n"
    filler = {f"f{i:03d}": "x" * 8000 for i in range(MAX_TEXT // 8000 + 2)} if past else {}
    log = tmp_path / "d.jsonl"
    remit.Guard.from_text(text, log=log).check("T", {**filler, "password": password})
    (record,) = remit.log.read_log(log)
    assert (TRUNCATED_KEY in record["args"]) is past
    message = record["reasons"][0]["message"]
    assert "hunter2" not in log.read_text() and "secret" not in message and "[REDACTED:field:" in message
    assert message.startswith("pw is ") and len(message) < len("pw is ") + len(quoted) + 24


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (98765432, f"pw is {DROPPED}"),
        (1234.5, f"pw is {DROPPED}"),
        (987, "pw is 987"),  # under 4 characters: not looked for in messages (docs/redaction.md)
        (True, "pw is true"),
    ],
    ids=["int", "float", "short", "bool"],
)
@pytest.mark.parametrize("where", ["first", "after-a-list", "past-budget"])
def test_a_number_under_a_secret_name_is_dropped_from_messages_too(
    tmp_path: Path, value: Any, message: str, where: str
) -> None:
    from remit.redact import MAX_TEXT

    text = "name: p\nrules: [{id: r, tools: [T], block: 'true', reason: 'pw is {args.password}'}]\n"
    before: dict[str, Any] = {
        "first": {},
        "after-a-list": {"items": [1, 2]},  # the walk takes over from the loop of `redact_fields`
        "past-budget": {f"f{i:03d}": "x" * 8000 for i in range(MAX_TEXT // 8000 + 2)},
    }[where]
    log = tmp_path / "d.jsonl"
    remit.Guard.from_text(text, log=log).check("T", {**before, "password": value})
    (record,) = remit.log.read_log(log)
    assert record["reasons"][0]["message"] == message
    if where != "past-budget":
        assert record["args"]["password"] == (value if value is True else DROPPED)


def test_values_past_the_text_budget_are_remembered_without_reading_their_text() -> None:
    from remit.redact import MAX_TEXT, redact_with

    read = [0]

    def counting(text: str) -> str:
        read[0] += len(text)
        return redact_text(text)

    seen: dict[str, str] = {}
    items: list[Any] = ["x" * 64] * (MAX_TEXT // 64)  # the budget is spent here
    items += ["--token", "tok-1-secret", {"apiKey": "key-2-secret"}, ["--password", "pw-3-secret"], "--token"]
    out = redact_with({"items": items, "password": "pw-4-secret"}, counting, seen=seen)
    assert read[0] <= MAX_TEXT and "secret" not in json.dumps(out)
    assert set(seen) == {"tok-1-secret", "key-2-secret", "pw-3-secret", "pw-4-secret"}
    assert seen["pw-4-secret"] == marker("field", "pw-4-secret")


def test_too_many_values_past_the_text_budget_leave_no_message(tmp_path: Path) -> None:
    # past MAX_UNLOGGED values the rest is not looked at: a message may quote any of them, so
    # the record keeps its reasons' ids and no message (the cost stays bounded)
    from remit.redact import MAX_TEXT, MAX_UNLOGGED, TRUNCATED_TEXT

    text = "name: p\nrules: [{id: r, tools: [login], allow: 'true', reason: 'as {args.tail}'}]\n"
    rows = [{"note": "x" * 64} for _ in range(MAX_TEXT // 64)]  # the budget is spent here
    rows += [{"n": i} for i in range(MAX_UNLOGGED)] + [{"password": "hunter2-hunter2"}]
    log = tmp_path / "d.jsonl"
    remit.Guard.from_text(text, log=log).check("login", {"rows": rows, "tail": rows[-1]})
    (record,) = remit.log.read_log(log)
    assert "hunter2" not in log.read_text()
    assert record["reasons"] == [{"id": "r", "kind": "rule", "message": TRUNCATED_TEXT}]
