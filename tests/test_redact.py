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
from typing import Any, NamedTuple

import pytest
import yaml

import remit
from remit.load import load_text
from remit.log import decision_record
from remit.redact import DROPPED, marker, redact, redact_text
from remit.redact_policy import NO_REDACTION
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
    programs = ("htpasswd -b", "htpasswd -nb x", "smbclient -U", "mongosh -p", "ldappasswd -w", "vault login")
    for trigger in (*_COARSE, "secret_access_key", "mysql ", "--password", *programs, "npm set x_token"):
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


# -- what a secret's field name hides, field names, argv bytes, curl, cursors ---------------------


class Login(NamedTuple):
    user: str
    password: str


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        (["hunter2-hunter2"], ["hunter2-hunter2"]),
        ({"value": "hunter2-hunter2", "kind": "basic"}, {"kind": "basic", "value": "hunter2-hunter2"}),
        (("hunter2-hunter2", "second-secret"), ["hunter2-hunter2", "second-secret"]),
        ([{"v": ["hunter2-hunter2", 7, None]}], [{"v": ["hunter2-hunter2", 7, None]}]),
        (Login("ann", "hunter2-hunter2"), {"password": "hunter2-hunter2", "user": "ann"}),
        ({"hunter2-hunter2", "second-secret"}, ["hunter2-hunter2", "second-secret"]),  # sorted
        ([b"hunter2-hunter2"], ["hunter2-hunter2"]),
    ],
    ids=["list", "dict", "tuple", "nested", "namedtuple", "set", "bytes-in-list"],
)
@pytest.mark.parametrize("name", ["password", "api_key", "token", "credentials", "clientSecret"])
def test_everything_under_a_secret_name_is_hidden_whole(name: str, value: Any, plain: Any) -> None:
    out = redact({name: value, "note": "kept"})
    assert out == {name: marker("field", _canonical(plain)), "note": "kept"}
    assert "hunter2" not in json.dumps(out) and "second-secret" not in json.dumps(out)


@pytest.mark.parametrize(
    ("value", "logged"),
    [
        ([1234, 5678], DROPPED),  # numbers alone: as few values as a PIN, no hash (as for a number)
        ({"pin": 98765432, "ok": True}, DROPPED),
        ([], []),  # nothing to hide
        ({}, {}),
        (True, True),
        (None, None),
    ],
    ids=["numbers", "numbers-in-dict", "empty-list", "empty-dict", "bool", "none"],
)
def test_what_holds_no_text_under_a_secret_name(value: Any, logged: Any) -> None:
    assert redact({"password": value}) == {"password": logged}


def test_a_named_tuple_is_logged_as_a_dict_its_names_hiding_secrets() -> None:
    login = Login("ann", "hunter2-hunter2")
    hidden = marker("field", "hunter2-hunter2")
    assert redact({"login": login}) == {"login": {"user": "ann", "password": hidden}}
    assert redact(login) == {"user": "ann", "password": hidden}
    assert redact([("a", "b")]) == [["a", "b"]]  # a plain tuple is still a list


@pytest.mark.parametrize(
    "value",
    [["hunter2-hunter2", "second-secret"], {"a": {"b": "hunter2-hunter2"}, "c": "second-secret"}],
    ids=["list", "dict"],
)
@pytest.mark.parametrize("past", [False, True], ids=["in-budget", "past-budget"])
def test_what_a_secret_name_hides_whole_is_hidden_in_messages(tmp_path: Path, value: Any, past: bool) -> None:
    from remit.redact import MAX_TEXT, TRUNCATED_KEY

    text = "name: p\nrules: [{id: r, tools: [T], block: 'true', reason: 'pw {args.password} {args.also}'}]\n"
    filler = {f"f{i:03d}": "x" * 8000 for i in range(MAX_TEXT // 8000 + 2)} if past else {}
    log = tmp_path / "d.jsonl"
    remit.Guard.from_text(text, log=log).check("T", {**filler, "password": value, "also": "plain note"})
    (record,) = remit.log.read_log(log)
    assert (TRUNCATED_KEY in record["args"]) is past
    assert "hunter2" not in log.read_text() and "second-secret" not in log.read_text()
    message = record["reasons"][0]["message"]
    assert message.startswith("pw ") and message.endswith(" plain note") and "[REDACTED:field:" in message


def test_a_hidden_value_that_never_ends_or_shares_itself_costs_a_bounded_walk() -> None:
    import itertools

    from remit.redact import UNSEEN, redact_with

    class Endless:
        def __iter__(self) -> Any:
            return (f"secret-{i}" for i in itertools.count())

    shared: list[Any] = ["hunter2-hunter2"]
    for _ in range(64):  # 2**64 paths if walked naively
        shared = [shared, shared]
    for value in (Endless(), shared):
        seen: dict[str, str] = {}
        out = redact_with({"n": 1, "password": value}, redact_text, seen=seen)
        assert out["n"] == 1 and "hunter2" not in json.dumps(out)
        # hidden whole (dropped when no text was reached), and part of it was not looked at:
        # a message may quote that part, so no message is kept
        assert out["password"] == DROPPED or out["password"].startswith("[REDACTED:field:")
        assert UNSEEN in seen


@pytest.mark.parametrize(
    ("key", "kind", "secret"),
    [
        ("ghp_" + "A1b2" * 9, "github_token", "ghp_" + "A1b2" * 9),
        ("Authorization: Bearer sk-" + "q1w2e3r4" * 3, "openai_key", "sk-" + "q1w2e3r4" * 3),
        ("https://ann:hunter2-hunter2@db.acme.io", "url_password", "hunter2-hunter2"),
    ],
    ids=["token", "header", "url"],
)
def test_a_field_name_that_holds_a_secret_is_redacted(key: str, kind: str, secret: str) -> None:
    hidden = key.replace(secret, marker(kind, secret))
    assert redact({key: 1}) == {hidden: 1}
    assert redact({"x": [{key: "v"}], key: True}) == {"x": [{hidden: "v"}], hidden: True}
    logged = NO_REDACTION.call({key: "", "command": "ls"}, {"labels": {key: "v"}})
    assert logged.args == {hidden: "", "command": "ls"} and logged.ctx == {"labels": {hidden: "v"}}
    assert secret not in logged.scrub(f"saw {key}")


def test_field_names_logged_alike_are_all_kept() -> None:
    token = "ghp_" + "A1b2" * 9
    hidden = marker("github_token", token)
    out = redact({token: 1, hidden: 2, f"{hidden}#2": 3, "b": {token: 4, f" {token}"[1:]: 5}})
    assert out == {hidden: 1, f"{hidden}#2": 2, f"{hidden}#2#2": 3, "b": {hidden: 5}}
    assert redact({1: "a", "1": "b"}) == {"1": "a", "1#2": "b"}


def test_a_policy_pattern_in_a_field_name_is_redacted() -> None:
    redaction = load_text(
        "name: p\nredaction: {patterns: [{name: acme_key, regex: '\\bacme_[0-9a-f]{16}\\b'}]}\n"
    ).redaction
    key = "acme_0123456789abcdef"
    for _ in range(2):  # the second time, the other names are known clean
        logged = redaction.call({key: 1, "n": {key: 2}, "command": "ls"}, {"labels": {key: 3}})
        hidden = marker("acme_key", key)
        assert logged.args == {hidden: 1, "n": {hidden: 2}, "command": "ls"}
        assert logged.ctx == {"labels": {hidden: 3}}
    assert redact({key: 1}) == {key: 1}  # the built-in redaction does not know it


@pytest.mark.parametrize(
    ("argv", "secret"),
    [
        (["curl", "-u", "ann:hunter2-pw"], "hunter2-pw"),
        (["mysql", "--password", "hunter2-pw"], "hunter2-pw"),
        (["keytool", "-storepass", "hunter2-pw"], "hunter2-pw"),
        (["curl", "--proxy-user", "ann:hunter2-pw"], "hunter2-pw"),
    ],
    ids=["curl", "password", "storepass", "proxy-user"],
)
@pytest.mark.parametrize("form", [bytes, bytearray, "flag-bytes"])
def test_bytes_after_a_secret_flag_are_hidden_as_the_text_is(argv: list[str], secret: str, form: Any) -> None:
    given: list[Any] = [*argv[:-1], bytearray(argv[-1].encode()) if form is bytearray else argv[-1].encode()]
    if form == "flag-bytes":
        given[-2] = given[-2].encode()
    seen: dict[str, str] = {}
    from remit.redact import redact_with

    assert redact_with(given, redact_text, seen=seen) == redact(argv)
    assert secret not in json.dumps(redact(given)) and seen[secret] == seen[f"{secret}"]
    # `mysql -p x` prompts for the password of database `x`: kept, as text or bytes
    assert redact(["mysql", "-p", b"shop"]) == redact(["mysql", "-p", "shop"]) == ["mysql", "-p", "shop"]


def test_bytes_after_a_secret_flag_are_hidden_in_messages(tmp_path: Path) -> None:
    from remit.redact import MAX_TEXT

    text = "name: p\nrules: [{id: r, tools: [T], block: 'true', reason: 'runs {args.argv}'}]\n"
    for filler in ({}, {f"f{i:03d}": "x" * 8000 for i in range(MAX_TEXT // 8000 + 2)}):
        log = tmp_path / f"d{len(filler)}.jsonl"
        argv = ["curl", "-u", "ann:p\xe4ss-hunter2".encode(), "--password", b"second-secret"]
        remit.Guard.from_text(text, log=log).check("T", {**filler, "argv": argv})
        logged = log.read_text()
        assert "hunter2" not in logged and "second-secret" not in logged and "[REDACTED:" in logged


@pytest.mark.parametrize(
    ("command", "password"),
    [
        ("curl --proxy-user ann:hunter2pw -x http://proxy:3128 https://x.io", "hunter2pw"),
        ("curl -U ann:hunter2pw -x http://proxy:3128 https://x.io", "hunter2pw"),
        ("curl --proxy-user=ann:hunter2pw https://x.io", "hunter2pw"),
        ("curl -u 'me:pa ss word' https://x.io", "pa ss word"),
        ('curl --user "me:x y z" https://x.io', "x y z"),
        ("""curl -u 'me:it"s a b' https://x.io""", 'it"s a b'),
        ("curl -u 1000:123456 https://x.io", "123456"),
        ("curl -s -H 'Accept: */*' --user 0:0 https://x.io", "0"),
        ("/usr/bin/curl -U 1000:1000 -x p https://x.io", "1000"),
        ("sudo docker run img; curl -u 33:4242 https://x.io", "4242"),
        ("curl -x p --proxy-user 1:2 https://x.io", "2"),
    ],
)
def test_curl_credentials_are_hidden(command: str, password: str) -> None:
    hidden = f":{marker('curl_user', password)}"
    out = redact_text(command)
    assert out == command.replace(f":{password}", hidden, 1)
    assert redact_text(out) == out
    words = command.replace("=", " ").split()
    if not any(c in command for c in "'\";"):  # as an argv: the item after the flag
        at = next(i for i, w in enumerate(words) if w in ("-u", "-U", "--user", "--proxy-user")) + 1
        assert redact(words)[at] == words[at].replace(f":{password}", hidden)


@pytest.mark.parametrize(
    "command",
    [
        "docker run -u 1000:1000 img && echo curl-free",
        "docker exec -u 33:33 web id",
        'podman run --user "0:0" img',
        "libcurl-config -u 1000:1000",
        "curl https://x.io; docker run -u 1000:1000 img",
    ],
)
def test_a_numeric_uid_gid_after_no_curl_is_kept(command: str) -> None:
    assert redact_text(command) == command
    argv = command.replace('"', "").split()
    if ";" not in command:
        assert redact({"argv": argv}) == {"argv": argv}


def test_a_numeric_password_after_curls_user_flag_in_an_argv() -> None:
    hidden = marker("curl_user", "123456")
    assert redact(["curl", "-u", "1000:123456"]) == ["curl", "-u", f"1000:{hidden}"]
    assert redact(["/usr/bin/curl", "-U", b"1000:123456"]) == ["/usr/bin/curl", "-U", f"1000:{hidden}"]
    assert redact(["docker", "run", "-u", "1000:123456"]) == ["docker", "run", "-u", "1000:123456"]
    assert redact(["docker", "--proxy-user", "1:123456"])[-1] == f"1:{hidden}"  # curl's flag alone


@pytest.mark.parametrize(
    "name", ["nextPageToken", "next_token", "page_token", "NextToken", "continuation_token", "$skipToken"]
)
@pytest.mark.parametrize(
    ("kind", "secret"),
    [
        ("github_token", "ghp_" + "A1b2" * 9),
        ("openai_key", "sk-" + "q1w2e3r4" * 3),
        ("slack_token", "xoxb-1234567890-abcdefghij"),
        ("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmN"),
    ],
)
def test_a_known_secret_in_a_pagination_cursor_is_hidden(name: str, kind: str, secret: str) -> None:
    # a cursor is kept (it says where a page starts); what a secret's pattern finds in it is not
    hidden = marker(kind, secret)
    assert redact({name: secret}) == {name: hidden}
    assert redact({name: [secret]}) == {name: [hidden]}
    assert redact({name: secret.encode()}) == {name: hidden}
    assert redact_text(f'{{"{name}": "{secret}"}}') == f'{{"{name}": "{hidden}"}}'
    plain = name.lstrip("$")
    assert (
        redact_text(f"https://x.io/items?{plain}={secret}&n=1") == f"https://x.io/items?{plain}={hidden}&n=1"
    )
    assert redact({name: "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA"}) == {name: "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA"}


def test_a_lone_surrogate_under_a_secret_name_is_hidden() -> None:
    # its UTF-8 cannot be written strictly: the marker's hash takes it as any other code point
    assert redact({"password": "\ud800hunter2"}) == {"password": marker("field", "\ud800hunter2")}
    assert marker("field", "\ud800hunter2") != marker("field", "\ud801hunter2")


@pytest.mark.parametrize(
    "argv",
    [
        ["sshpass", "-p", "Hunter2-pw", "ssh", "h"],
        ["sshpass", "-pHunter2-pw", "ssh", "h"],
        ["docker", "login", "-p", "Hunter2-pw", "r.io"],
        ["/usr/bin/podman", "login", "-pHunter2-pw"],
        ["helm", "registry", "login", "-p", "Hunter2-pw"],
        ["redis-cli", "-a", "Hunter2-pw", "ping"],
        ["mysql", "-uroot", "-pHunter2-pw", "shop"],
        ["sudo", "mysqldump", "-pHunter2-pw", "shop"],
        ["openssl", "pkcs12", "-passout", "pass:Hunter2-pw"],
        ["openssl", "rsa", "-passin", "pass:Hunter2-pw"],
        ["openssl", "enc", "-pass", "pass:Hunter2-pw"],
        ["openssl", "enc", "-aes256", "-k", "Hunter2-pw"],
        ["htpasswd", "-b", "f", "ann", "Hunter2-pw"],
        ["htpasswd", "-nbB", "ann", "Hunter2-pw"],
        ["htpasswd", "-B", "-C", "10", "-b", "f", "ann", "Hunter2-pw"],
        ["smbclient", "-U", "ann%Hunter2-pw", "//h/s"],
        ["smbclient", "--user=ann%Hunter2-pw", "//h/s"],
        ["mongosh", "-u", "root", "-p", "Hunter2-pw"],
        ["sqlcmd", "-S", "db", "-U", "sa", "-P", "Hunter2-pw"],
        ["ldapsearch", "-x", "-D", "cn=admin", "-w", "Hunter2-pw"],
        ["vault", "login", "Hunter2-pw"],
        ["npm", "config", "set", "//r.io/:_authToken", "Hunter2-pw"],
        ["yarn", "config", "set", "npmAuthToken", "Hunter2-pw"],
        ["C:\\bin\\MySQL.exe", "-pHunter2-pw"],
        ["zip", "-r", "-P", "Hunter2-pw", "a.zip", "dist"],
        ["unzip", "-PHunter2-pw", "a.zip"],
        ["7z", "a", "-pHunter2-pw", "a.7z"],
        ["az", "login", "-u", "app", "-p", "Hunter2-pw"],
        ["gh", "secret", "set", "KEY", "-b", "Hunter2-pw"],
        ["gh", "secret", "set", "KEY", "--body=Hunter2-pw"],
        ["zip", "-9rP", "Hunter2-pw", "a.zip", "dist"],
        ["sudo", "/usr/bin/unzip", "-oP", "Hunter2-pw", "a.zip"],
        ["gpg", "--batch", "--passphrase", "Hunter2-pw", "-c", "f"],
        ["gpg2", "--passphrase=Hunter2-pw", "-c", "f"],
        ["make", "&&", "zip", "-P", "Hunter2-pw", "a.zip"],
    ],
)  # fmt: skip
def test_a_password_that_the_program_of_an_argv_reads_is_hidden(argv: list[str]) -> None:
    # each item keeps all but the password, `Hunter2-pw`
    hidden = marker("cli_password", "Hunter2-pw")
    assert redact({"argv": argv}) == {"argv": [item.replace("Hunter2-pw", hidden) for item in argv]}
    given: list[Any] = [item.encode() if "Hunter2" in item else item for item in argv]
    assert "Hunter2" not in json.dumps(redact(given))


@pytest.mark.parametrize(
    "argv",
    [
        ["docker", "run", "-p", "8080:80", "nginx"],
        ["ssh", "-p", "2222", "deploy@host"],
        ["mysql", "-p", "shop"],  # mysql asks for the password of database `shop`
        ["mysql", "-h", "db", "-P", "3306", "-p"],
        ["ldapsearch", "-x", "-s", "sub", "-a", "never", "(uid=ann)"],
        ["openssl", "enc", "-passin", "env:PW", "-pass", "file:pw.txt"],
        ["openssl", "rsa", "-passout", "pass:$PW"],
        ["htpasswd", "-B", "f", "ann"],  # prompts
        ["npm", "config", "set", "registry", "https://r.io/"],
        ["vault", "login", "-method=userpass", "username=ann"],
        ["mongosh", "-p", "--host", "db"],
        ["sqlcmd", "-S", "db", "-P", "-Q", "select 1"],  # sqlcmd's `-P` without a password
        ["sshpass", "-e", "ssh", "h"],
        ["python", "-m", "pytest", "-q", "-k", "argv", "-p", "no:cacheprovider"],
        ["smbclient", "-U", "ann", "//h/s"],
        ["7z", "a", "-p", "a.7z"],  # asks for it
        ["tar", "-cf", "a.zip", "-P", "/srv"],
        ["gh", "issue", "create", "-b", "steps", "--body=more"],
        ["curl", "-b", "k=v", "--user=ann", "https://x.io"],
        ["docker", "exec", "-u", "www-data:www-data", "app", "id"],
        ["/usr/bin/podman", "run", "--user", "postgres:postgres", "db"],
        ["docker", "buildx", "build", "--secret", "id=npmrc,src=/home/ann/.npmrc", "."],
        ["docker", "run", "-d", "--name", "zip", "-P", "nginx"],  # a container named zip
        ["bsdtar", "--format", "zip", "-cf", "o.zip", "-P", "/srv"],
        ["7z", "x", "a.7z", "&&", "ssh", "-p2222", "h"],  # the next command's `-p`
        ["gh", "secret", "set", "X", "&&", "git", "checkout", "-b", "feature"],
        ["unzip", "-P", "-q", "a.zip"],
        ["gh", "secret", "set", "T", "--body", "-"],  # read from stdin
        ["age", "--passphrase", "secrets.txt"],  # a switch: age asks for it
        ["vault", "login", "&&", "ls"],
    ],
)
def test_an_argv_flag_that_is_no_password_for_its_program_is_kept(argv: list[str]) -> None:
    assert redact({"argv": argv}) == {"argv": argv}


def test_a_program_password_past_the_text_budget_is_hidden_in_messages(tmp_path: Path) -> None:
    from remit.redact import MAX_TEXT

    text = "name: p\nrules: [{id: r, tools: [T], block: 'true', reason: 'runs {args.argv}'}]\n"
    for filler in ({}, {f"f{i:03d}": "x" * 8000 for i in range(MAX_TEXT // 8000 + 2)}):
        log = tmp_path / f"d{len(filler)}.jsonl"
        argv = ["sshpass", "-p", "first-secret", "ssh", "h", "&&", "mysql", b"-psecond-secret"]
        remit.Guard.from_text(text, log=log).check("T", {**filler, "argv": argv})
        logged = log.read_text()
        assert "first-secret" not in logged and "second-secret" not in logged


@pytest.mark.parametrize(
    ("command", "password"),
    [
        ("openssl enc -aes256 -k Hunter2-pw -in a -out b", "Hunter2-pw"),
        ("openssl enc -aes256 -K 00112233445566778899aabbccddeeff -iv 0", "00112233445566778899aabbccddeeff"),
        ("htpasswd -b f ann Hunter2-pw", "Hunter2-pw"),
        ("htpasswd -nbB ann Hunter2-pw > out", "Hunter2-pw"),
        ("htpasswd -n -b ann Hunter2-pw", "Hunter2-pw"),
        ("htpasswd -B -C 10 -b f ann 'Hunter2 pw'", "'Hunter2 pw'"),
        ("smbclient //h/s -U ann%Hunter2-pw", "Hunter2-pw"),
        ("smbclient //h/s --user=ann%Hunter2-pw -c ls", "Hunter2-pw"),
        ("smbclient //h/s -U 'DOM\\ann%Hunter2 pw'", "Hunter2 pw"),
        ("net ads join -U admin%Hunter2-pw", "Hunter2-pw"),
        ("rpcclient -U ann%Hunter2-pw 10.0.0.1", "Hunter2-pw"),
        ("mongo -u root -p Hunter2-pw", "Hunter2-pw"),
        ("mongosh -u root -pHunter2-pw", "Hunter2-pw"),
        ("mongosh --password Hunter2-pw", "Hunter2-pw"),
        ("sqlcmd -S db -U sa -P Hunter2-pw", "Hunter2-pw"),
        ("bcp t out f -S db -U sa -PHunter2-pw", "Hunter2-pw"),
        ("ldapsearch -x -D cn=admin -w Hunter2-pw", "Hunter2-pw"),
        ("ldapsearch -x -D cn=admin -wHunter2-pw", "Hunter2-pw"),
        ("vault login Hunter2-pw", "Hunter2-pw"),
        ("vault login -no-print s.Hunter2pwHunter2pw && vault status", "s.Hunter2pwHunter2pw"),
        ("npm config set //registry.npmjs.org/:_authToken Hunter2-pw", "Hunter2-pw"),
        ("pnpm config set //r.io/:_authToken Hunter2-pw", "Hunter2-pw"),
        ("npm set //r.io/:_password Hunter2-pw", "Hunter2-pw"),
        ("yarn config set npmAuthToken Hunter2-pw", "Hunter2-pw"),
    ],
)  # fmt: skip
def test_a_password_that_a_program_reads_is_hidden_in_a_commands_text(command: str, password: str) -> None:
    # the text of a command hides what its argv list hides
    out = redact_text(command)
    assert out == command.replace(password, marker("cli_password", password)), out
    assert redact_text(out) == out


def test_every_password_of_ldappasswd_is_hidden_in_a_commands_text() -> None:
    out = redact_text("ldappasswd -x -D cn=a -w bind-pw -a old-pw -s new-pw uid=ann")
    assert not {"bind-pw", "old-pw", "new-pw"} & set(out.split()), out


def test_a_vault_token_keeps_its_own_kind_in_a_commands_text() -> None:
    token = "hvs.CAESIJlU2b3pyZXRtZWdhc2VjcmV0dG9rZW4"
    assert redact_text(f"vault login {token}") == f"vault login {marker('vault_token', token)}"


@pytest.mark.parametrize(
    "command",
    [
        "openssl enc -aes256 -kfile key.txt -in a",
        "openssl req -new -key k.pem -keyout x.pem",
        "openssl enc -d -k $PW -in a",
        "ldapsearch -x -D cn=admin -W",  # prompts
        "mongosh -p --host db",  # prompts
        "mongosh -u root -p",
        "docker run --name mongo -p 27017:27017 mongo:7",
        "sqlcmd -S db -U sa -P -Q 'select 1'",
        "smbclient //h/s -U ann",
        "smbclient -L //h -U%",
        "net use -U ann%x",  # not Samba's `net ads`, `net rpc` nor `net rap`
        "htpasswd -c -B f ann",  # prompts
        "htpasswd -D f ann",
        "vault login -method=userpass username=ann",
        "vault login -",
        "vault login $VAULT_TOKEN",
        "npm config set registry https://r.io/",
        "yarn config set nodeLinker node-modules",
        "git config set user.name ann",
    ],
)
def test_a_programs_flag_that_holds_no_password_is_kept_in_a_commands_text(command: str) -> None:
    assert redact_text(command) == command


def test_a_private_key_header_quoted_alone_hides_no_code_after_it() -> None:
    """A header that no base64 follows holds no key: code that only names it keeps what
    follows it, so a call cannot hide its own text from the log behind one."""
    code = 'if "-----BEGIN PRIVATE KEY-----" not in text:\n    delete_all_users()\n'
    assert redact_text(code) == code
    key = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vq3mLkW9xYhT"
    for block in (f"-----BEGIN PRIVATE KEY-----\n{key}", f"-----BEGIN PRIVATE KEY-----\n> {key}"):
        assert redact_text(block) == marker("private_key", block), block  # a key follows: hidden


def test_the_ids_at_the_top_of_a_record_are_redacted_as_the_context_is() -> None:
    guard = remit.Guard.from_text("name: p\nroutes:\n  - {id: fine, allow: 'true'}\n")
    token = "ghp_" + "aB3dEfGhIjKlMnOpQrStUvWxYz0123456789"
    decision = guard.check("Bash", {"command": "ls"}, {"agent_id": token, "session_id": "s1"})
    record = decision_record(decision, decision.redaction)
    assert record["agent"] == record["ctx"]["agent_id"] == marker("github_token", token)
    assert record["session"] == "s1"
