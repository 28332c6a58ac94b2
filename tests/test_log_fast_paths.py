"""The decision log's shortcuts give the bytes and the redaction of the plain way, on any input.

- `canonical_json` (behind `args_sha256`) uses orjson for plain data: the same bytes as the
  json module's canonical JSON;
- a record is encoded once, before the file lock, and `prev` spliced in: the same line as
  encoding the record with `prev`;
- the redaction's pre-tests (`_MAYBE`, a search for literals, each at its rarest character;
  the triggers looked for where it found some; the gate of `env_secret`) are implied by every
  match they let through unseen;
- context texts and messages found clean are remembered, secrets never.
"""

from __future__ import annotations

import enum
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit import log as log_module
from remit.load import load_text
from remit.log import DecisionLog, args_sha256, canonical_json, outcome_record
from remit.redact_policy import CLEAN_CHARS, CLEAN_TEXTS, CompiledRedaction
from remit.secret_patterns import (
    _COARSE,
    _GATES,
    _MAYBE,
    _TRIGGERS,
    KINDS,
    PATTERNS,
    _builtin_at,
    _lower,
    redact_text,
)
from remit.verify import verify_logs
from tests.conftest import DATA


def _canonical_by_json(value: Any) -> bytes:
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    except TypeError:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=True, default=str)
    return text.encode()


ODD = ["", "\x7f", "\x00\x1f\n\t\x08\x0c\r", '"\\/', "é", "☕", "\u2028", "\ud800", "a\x7fb"]
TEXT = st.text(st.characters(codec=None), max_size=12) | st.sampled_from(ODD)
NUMBERS = st.integers(-(2**70), 2**70) | st.floats() | st.sampled_from([1e16, -0.0])
SCALARS = st.none() | st.booleans() | NUMBERS | TEXT
KEYS = TEXT | st.integers(-5, 5)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(KEYS, inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
    ),
    max_leaves=20,
)


@settings(max_examples=400)
@given(JSONISH)
def test_canonical_json_is_the_json_modules(value: Any) -> None:
    assert canonical_json(value) == _canonical_by_json(value)


DEEP: Any = "x"
for _ in range(80):
    DEEP = [DEEP]


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": [True, None, "x"], "c": {"z": "\x7f", "y": "\x01"}},
        {"color": Color.RED, "level": Level.HIGH, "name": Name("n"), "path": Path("/etc/x")},
        {"f": 1e16, "g": 0.1, "nan": float("nan")},
        {"big": 2**64, "small": -(2**63) - 1, "fine": 2**63 - 1},
        {"t": (1, 2), "mixed": {1: "a", "b": 2}},
        {"deep": DEEP},
        {"é": "ü", "k": "\ud800"},
        [],
        "plain text",
    ],
)
def test_canonical_json_on_what_orjson_lays_out_otherwise(value: Any) -> None:
    assert canonical_json(value) == _canonical_by_json(value)


def test_args_sha256_is_the_hash_of_the_canonical_json() -> None:
    args = {"command": "git push", "env": {"B": "1", "A": "2"}}
    assert args_sha256(args) == hashlib.sha256(_canonical_by_json(args)).hexdigest()


RECORDS = st.dictionaries(TEXT | st.integers(-3, 3), JSONISH, max_size=5)


@settings(max_examples=300)
@given(RECORDS, st.sampled_from([log_module.GENESIS, "ab" * 32]))
def test_prev_spliced_into_the_encoded_record_is_the_record_encoded_with_prev(
    record: dict[Any, Any], prev: str
) -> None:
    record.pop("prev", None)
    spliced = log_module._with_prev(log_module._encode(record), prev)
    assert spliced == log_module._encode({**record, "prev": prev})


def test_a_record_that_names_prev_keeps_it_in_its_place(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    with DecisionLog(path) as log:
        log.write(outcome_record("a", "executed", ts=0.0))
        log.write({"prev": "mine", "v": 1, "kind": "outcome"})
    first, second = path.read_bytes().splitlines()
    assert second.startswith(b'{"prev":"' + hashlib.sha256(first).hexdigest().encode() + b'","v":1')
    assert verify_logs([path]).ok


# -- redaction pre-tests ---------------------------------------------------------------------------

SECRETS_CORPUS = (DATA / "secrets.yaml").read_text()
WORDS = st.sampled_from(
    [*_COARSE, "api_key", "API_KEY", "Token", "PASSWORD", "db_pass", "x", "=", ":", " ", '"', "'", "\n",
     "-", "_", ".", "K", "ſ", "İ", "value123", "[REDACTED:jwt:0123abcd]", "$X", "://u:p@h", "%3D", "”", "’",
     "\\", "{", "[", "login ", "password ", "pass:", "-storepass ", "--http-", "LS0tLS1CRUdJTi",
     "UFJJVkFURSBLRV", "A0+/", '"auth": "']
)  # fmt: skip
NOISY = st.lists(WORDS, max_size=12).map("".join) | st.text(max_size=40)


@settings(max_examples=500)
@given(NOISY)
def test_the_pretest_finds_exactly_the_coarse_words(text: str) -> None:
    low = text.lower()
    assert (_MAYBE.search(low) is not None) == any(word in low for word in _COARSE)


def _looked_for(low: str) -> set[tuple[str, str]]:
    """(kind, trigger) of the triggers `redact_text` looks for in a lowercased text."""
    anchors = frozenset(_MAYBE.findall(low))
    return {(kind, t) for kind, _, triggers, _ in (_builtin_at(anchors) if anchors else ()) for t in triggers}


def _held(low: str) -> set[tuple[str, str]]:
    return {(kind, t) for kind, triggers in _TRIGGERS.items() for t in triggers if t in low}


@settings(max_examples=500)
@given(NOISY)
def test_every_trigger_a_text_holds_is_looked_for(text: str) -> None:
    low = _lower(text)
    assert _held(low) <= _looked_for(low)


@pytest.mark.parametrize("trigger", sorted({t for triggers in _TRIGGERS.values() for t in triggers}))
def test_each_trigger_is_looked_for_wherever_it_is(trigger: str) -> None:
    for text in (trigger, f"x{trigger}", f"{trigger}x", f"a b {trigger}\n{trigger} c"):
        assert _held(text) <= _looked_for(text), text


def test_the_patterns_picked_keep_their_order() -> None:
    every = frozenset(_MAYBE.findall(" ".join(_COARSE)))
    assert [kind for kind, _, _, _ in _builtin_at(every)] == list(KINDS)
    assert _looked_for("git status --short") == set()  # no coarse word: no trigger looked for
    # `-b` is found at its `-`: the triggers found there, of 3 patterns, not the 40 patterns'
    assert {kind for kind, _ in _looked_for("acme-bot")} == {"cookie", "curl_user", "cli_password"}


@settings(max_examples=500)
@given(NOISY)
def test_every_match_of_a_gated_pattern_passes_its_gate(text: str) -> None:
    patterns = dict(PATTERNS)
    for kind, gate in _GATES.items():
        for m in patterns[kind].finditer(text):
            assert gate.search(_lower(m.group(0))), (kind, m.group(0))


@settings(max_examples=500)
@given(NOISY)
def test_every_match_holds_a_trigger_of_its_pattern_once_lowered(text: str) -> None:
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            low = _lower(m.group(0))
            assert any(t in low for t in _TRIGGERS[kind]) and _MAYBE.search(low), (kind, m.group(0))


def test_every_gated_match_in_the_corpus_passes_its_gate() -> None:
    patterns = dict(PATTERNS)
    found = dict.fromkeys(_GATES, 0)
    for line in SECRETS_CORPUS.splitlines():
        for kind, gate in _GATES.items():
            for m in patterns[kind].finditer(line):
                found[kind] += 1
                assert gate.search(_lower(m.group(0))), (kind, m.group(0))
    assert found["env_secret"] >= 10 and found["cookie"] >= 2, found


def test_a_gate_that_fails_skips_the_pattern_and_nothing_else() -> None:
    text = "the monkey ate the token bucket and passed the key to the keyboard"
    assert _GATES["env_secret"].search(text.lower()) is None
    assert redact_text(text) == text
    assert "[REDACTED:env_secret:" in redact_text("export DB_PASSWORD=hunter2hunter2")


# -- the set of clean texts ---------------------------------------------------------------------

ROUTES = "routes: [{allow: 'true'}]\n"
GITHUB = "ghp_" + "a1B2" * 9


def test_context_texts_with_a_secret_are_redacted_every_time_and_never_remembered() -> None:
    redaction = CompiledRedaction(kinds=frozenset({"field"}))
    ctx = {"cwd": "/home/dev/projects/shop", "labels": {"ticket": f"token {GITHUB}"}}
    for _ in range(3):
        out = redaction.call({}, ctx).ctx
        assert GITHUB not in json.dumps(out) and out["cwd"] == ctx["cwd"]
    assert redaction.clean == {"/home/dev/projects/shop"}


def test_messages_with_a_secret_are_scrubbed_every_time_and_never_remembered() -> None:
    redaction = CompiledRedaction(kinds=frozenset({"field"}))
    for _ in range(3):
        scrub = redaction.call({"password": "hunter2hunter2"}, {}).scrub
        assert scrub("static message from the policy") == "static message from the policy"
        assert GITHUB not in scrub(f"pushed with token {GITHUB}")
        assert "hunter2hunter2" not in scrub("logged in with hunter2hunter2")
    assert "static message from the policy" in redaction.clean
    assert not any(GITHUB in text or "hunter2hunter2" in text for text in redaction.clean)


def test_a_policy_pattern_applies_to_a_context_text_the_built_ins_found_clean() -> None:
    plain = load_text(f"name: p\n{ROUTES}").redaction
    pattern = "{patterns: [{name: acme, regex: 'acme_[0-9]{6}'}]}"
    acme = load_text(f"name: q\n{ROUTES}redaction: {pattern}\n").redaction
    ctx = {"cwd": "/srv/acme_123456/app"}
    assert plain.call({}, ctx).ctx == ctx
    assert acme.call({}, ctx).ctx["cwd"] != ctx["cwd"]
    assert "acme_123456" not in acme.call({}, ctx).ctx["cwd"]


def test_the_clean_set_is_bounded() -> None:
    redaction = CompiledRedaction(kinds=frozenset({"field"}))
    for i in range(CLEAN_TEXTS + 10):
        redaction.call({}, {"cwd": f"/work/{i:08d}"})
    redaction.call({}, {"cwd": "/" + "x" * CLEAN_CHARS})
    assert 0 < len(redaction.clean) <= CLEAN_TEXTS
    assert all(len(text) <= CLEAN_CHARS for text in redaction.clean)


@pytest.mark.parametrize(
    "text",
    [
        "api_key.prod=abcdefgh12345678",
        "Secret_Token : 'xyzxyzxyz'",
        'config.passwordHash="abcdef12"',
        "my-credentials\t=\tvalue1234",
        'DB_PASS"   :   "hunter22"',
        "X.PWD:=foo12345",
        "export GITHUB_TOKEN=abc.def-ghi",
        "auth-key=>zzzzzzzz",
        "export DB_PAſſWORD=hunter2hunter2 key",  # `ſ` is an `s` to a case-insensitive pattern
        "CREDENTİAL=abcdefgh",
        "my_credentıals: abcdefgh",
    ],
)
def test_assignments_the_gate_must_let_through(text: str) -> None:
    assert _GATES["env_secret"].search(_lower(text))
    assert "[REDACTED:env_secret:" in redact_text(text), redact_text(text)
