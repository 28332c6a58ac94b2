"""A policy's `redaction:` section: its patterns and dropped fields reach no log, in any form.

The section is read from YAML and the DSL alike, checked at load with positions, merged
across includes, swapped with the policy on reload, and applied by every writer: `Guard`,
`remit hook`, `remit serve`, `remit replay --log` and the replay inside `remit report`.
"""

from __future__ import annotations

import collections
import json
import re
import threading
import types
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

import remit
from remit.cli import main
from remit.dsl import parse_dsl
from remit.hook import run_hook
from remit.load import check_policy, load_policy, load_text
from remit.log import read_log
from remit.model import Policy, json_schema
from remit.redact import DROPPED, marker
from remit.redact_policy import DROP_BUDGET, PathError, parse_path
from remit.replay import replay
from remit.report import build_report
from remit.serve import create_app
from remit.verify import verify_logs
from tests.conftest import DATA, ROOT

TOKEN = "acme_" + "Q7" * 16
OTHER = "beta_" + "Zz" * 16
CARD = "4111111111111111"

POLICY = r"""
name: redacting
version: "1"
redaction:
  patterns:
    - {name: acme-token, regex: '\bacme_[A-Za-z0-9]{32}\b'}
    - {name: session-cookie, regex: '(?i)session=(?P<secret>[a-z0-9]{16,})'}
  drop: [args.card.number, ctx.labels.customer_email, "args.headers.x-internal-auth", "args.**.pin"]
rules:
  - id: charge
    tools: [charge_card]
    allow: "true"
    reason: "charging {args.card.number} with {args.note}"
  - id: no-delete
    tools: [delete_file]
    block: "true"
    reason: "deleting {args.path} is not allowed"
routes:
  - {id: fallback, ask: "true"}
"""

CALL_ARGS: dict[str, Any] = {
    "card": {"number": CARD, "cvc": 123},
    "note": f"use {TOKEN} and SESSION=abcdef0123456789abcdef",
    "headers": {"X-Internal-Auth": "let-me-in-please", "Accept": "text/plain"},
    "items": [{"pin": 987654}, {"deep": {"PIN": "24680"}}],
}
CALL_CTX = {"session_id": "s1", "labels": {"customer_email": "ann@example.com", "team": "pay"}}
HIDDEN = (TOKEN, "abcdef0123456789abcdef", CARD, "let-me-in-please", "987654", "24680", "ann@example.com")


def _policy_file(tmp_path: Path, text: str = POLICY, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _assert_hidden(text: str) -> None:
    for secret in HIDDEN:
        assert secret not in text, secret


def _codes(path: Path) -> list[tuple[str, int, int]]:
    _, diagnostics = check_policy(path)
    return [(d.code, d.span.line, d.span.column) for d in diagnostics]


# -- the two forms ---------------------------------------------------------------------------


def _doc_pair() -> tuple[str, str]:
    doc = (ROOT / "docs" / "redaction.md").read_text()
    table = doc.split("<table>", 1)[1]
    return (
        re.findall(r"```yaml\n(.*?)```", table, re.S)[0],
        re.findall(r"```remit\n(.*?)```", table, re.S)[0],
    )


def test_the_docs_yaml_and_dsl_load_to_the_same_policy() -> None:
    yaml_text, dsl_text = _doc_pair()
    source = parse_dsl(dsl_text, "docs.remit")
    assert source.diagnostics == []
    assert Policy.model_validate(source.data) == Policy.model_validate(yaml.safe_load(yaml_text))
    a, b = load_text(yaml_text, "a.yaml"), load_text(dsl_text, "b.remit", "dsl")
    assert a.redaction.drop == b.redaction.drop and len(a.redaction.drop) == 3
    assert [(p.name, p.regex.pattern, p.group) for p in a.redaction.patterns] == [
        (p.name, p.regex.pattern, p.group) for p in b.redaction.patterns
    ]
    assert a.redaction.patterns[1].group == 1  # the `secret` group


def test_a_raw_string_keeps_its_backslashes() -> None:
    text = 'policy p\nredact a r"\\d{4}-x"\nredact b "\\\\d{4}-y"\n'
    source = parse_dsl(text, "p.remit")
    assert source.diagnostics == []
    assert source.data is not None
    assert [p["regex"] for p in source.data["redaction"]["patterns"]] == ["\\d{4}-x", "\\d{4}-y"]
    assert source.positions[("redaction", "patterns", 0, "regex")].column == 12


def test_the_schema_describes_the_section() -> None:
    schema = json_schema()
    assert schema["properties"]["redaction"]["$ref"] == "#/$defs/Redaction"
    assert set(schema["$defs"]["Redaction"]["properties"]) == {"patterns", "drop"}
    assert schema["$defs"]["RedactPattern"]["required"] == ["name", "regex"]
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0 and "RedactPattern" in result.stdout


# -- errors at load, with positions -----------------------------------------------------------


def test_bad_patterns_and_paths_are_reported_where_they_are() -> None:
    assert _codes(DATA / "redaction" / "bad.yaml") == [
        ("schema.bad_regex", 5, 20),  # at `(?<=`, the part RE2 rejects
        ("schema.bad_regex", 7, 15),  # `.*` matches empty text
        ("schema.duplicate_pattern", 8, 13),
        ("schema.bad_path", 10, 26),  # does not start with args or ctx
        ("schema.bad_path", 10, 46),  # the second `.` of `args..x`
        ("schema.bad_path", 10, 59),  # the `*` of `args.a*`
        ("schema.bad_path", 10, 69),  # `**` at the end
        ("schema.bad_path", 10, 79),  # `[0]`
        ("schema.bad_path", 10, 90),  # `["x"` not closed
    ]


def test_the_dsl_reports_the_same_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.remit"
    path.write_text(
        "policy bad-redaction\n"
        'redact acme r"acme_(?<=x)[a-z]+"\n'
        'redact anything r".*"\n'
        'redact acme r"acme2_[a-z]+"\n'
        'drop args.password, "headers.auth", args..x\n'
    )
    assert _codes(path) == [
        ("schema.bad_regex", 2, 20),
        ("schema.bad_regex", 3, 19),
        ("schema.duplicate_pattern", 4, 8),
        ("schema.bad_path", 5, 22),
        ("schema.bad_path", 5, 41),
    ]


def test_a_redaction_problem_is_reported_beside_other_schema_errors(tmp_path: Path) -> None:
    path = _policy_file(
        tmp_path,
        "name: p\nmode: loud\nredaction:\n  patterns: [{name: a, regex: 'x(?=y)'}]\n  drop: [nope]\n",
    )
    assert _codes(path) == [
        ("schema.invalid_value", 2, 7),
        ("schema.bad_regex", 4, 33),
        ("schema.bad_path", 5, 10),
    ]


def test_misspelt_fields_get_a_hint(tmp_path: Path) -> None:
    path = _policy_file(tmp_path, "name: p\nredaction:\n  patterns: [{name: a, regx: 'x'}]\n  dorp: []\n")
    _, diagnostics = check_policy(path)
    hints = {(d.code, d.span.line): d.hint for d in diagnostics}
    assert hints[("schema.unknown_field", 3)] == "did you mean `regex`?"
    assert hints[("schema.unknown_field", 4)] == "did you mean `drop`?"
    assert ("schema.missing_field", 3) in hints


def test_a_pattern_name_must_fit_in_a_marker(tmp_path: Path) -> None:
    path = _policy_file(tmp_path, "name: p\nredaction:\n  patterns: [{name: 'a]b', regex: 'x'}]\n")
    assert _codes(path) == [("schema.invalid_id", 3, 22)]


@pytest.mark.parametrize(
    ("text", "root", "steps"),
    [
        ("args", "args", ()),
        ("args.Password", "args", ("password",)),
        ("ctx.labels.*", "ctx", ("labels", "*")),
        ("args.**.token", "args", ("**", "token")),
        ('args["file.name"].x-auth', "args", ("file.name", "x-auth")),
        ("args['a b']", "args", ("a b",)),
        ('args["q\\"]"]', "args", ('q"]',)),
    ],
)
def test_field_paths(text: str, root: str, steps: tuple[str, ...]) -> None:
    path = parse_path(text)
    assert (path.root, path.steps) == (root, steps)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("argsx", 0),
        ("", 0),
        ("args.", 4),
        ("args.a b", 6),
        ("args.**.**.x", 7),
        ("args[x]", 4),
        ("args['']", 5),
    ],
)
def test_bad_field_paths(text: str, offset: int) -> None:
    with pytest.raises(PathError) as caught:
        parse_path(text)
    assert caught.value.offset == offset


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("argsctx.*[]'\"\\ab- \n")), max_size=30))
def test_any_path_text_parses_or_says_where_it_is_wrong(text: str) -> None:
    try:
        path = parse_path(text)
    except PathError as exc:
        assert 0 <= exc.offset <= len(text) and exc.message
    else:
        assert path.root in ("args", "ctx") and path.steps[-1:] != ("**",)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=20))
def test_any_section_loads_or_reports_positioned_problems(regex: str, drop: str) -> None:
    data = {"name": "p", "redaction": {"patterns": [{"name": "x", "regex": regex}], "drop": [drop]}}
    try:
        policy = load_text(json.dumps(data, ensure_ascii=False))
    except remit.PolicyError as exc:
        assert all(d.span.line >= 1 and d.code.startswith(("schema.", "parse.")) for d in exc.diagnostics)
    else:
        policy.redaction.call({"a": regex, "b": [drop, {drop: regex}]}, {"cwd": drop})


# -- includes --------------------------------------------------------------------------------


def test_includes_add_patterns_and_drops_and_take_nothing_back(tmp_path: Path) -> None:
    _policy_file(
        tmp_path,
        "name: base\nredaction:\n  patterns: [{name: beta, regex: 'beta_[A-Za-z]{32}'}]\n"
        "  drop: [args.note]\n",
        "base.yaml",
    )
    root = _policy_file(
        tmp_path,
        "name: root\ninclude: [base.yaml]\nredaction:\n  patterns: [{name: acme, regex: 'acme_\\w{32}'}]\n",
    )
    policy = load_policy(root)
    assert [p.name for p in policy.redaction.patterns] == ["acme", "beta"]
    assert [d.text for d in policy.redaction.drop] == ["args.note"]
    logged = policy.redaction.call({"a": f"{TOKEN} {OTHER}", "note": "private"}, {})
    assert logged.args == {
        "a": f"{marker('acme', TOKEN)} {marker('beta', OTHER)}",
        "note": DROPPED,
    }


def test_a_pattern_name_is_unique_across_includes(tmp_path: Path) -> None:
    base = "name: base\nredaction:\n  patterns: [{name: acme, regex: 'x+'}]\n"
    _policy_file(tmp_path, base, "base.yaml")
    root = _policy_file(
        tmp_path, "name: root\ninclude: [base.yaml]\nredaction:\n  patterns: [{name: acme, regex: 'y+'}]\n"
    )
    _, diagnostics = check_policy(root)
    assert [(d.code, Path(d.span.file).name, d.span.line) for d in diagnostics] == [
        ("schema.duplicate_pattern", "base.yaml", 3)
    ]


# -- what the patterns and drops do -----------------------------------------------------------


def test_a_record_keeps_none_of_the_hidden_values(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(POLICY, log=log)
    decision = guard.check("charge_card", CALL_ARGS, CALL_CTX)
    assert decision.decision == "allow"
    text = log.read_text()
    _assert_hidden(text)
    (record,) = read_log(log)
    assert record["args"] == {
        "card": {"number": DROPPED, "cvc": 123},
        "note": f"use {marker('acme-token', TOKEN)} and SESSION="
        f"{marker('session-cookie', 'abcdef0123456789abcdef')}",
        "headers": {"X-Internal-Auth": DROPPED, "Accept": "text/plain"},
        "items": [{"pin": DROPPED}, {"deep": {"PIN": DROPPED}}],
    }
    assert record["ctx"]["labels"] == {"customer_email": DROPPED, "team": "pay"}
    # The reason cites a dropped field and a pattern's secret: both are gone from it too.
    assert record["reasons"][0]["message"] == (
        f"charging {DROPPED} with use {marker('acme-token', TOKEN)} and SESSION="
        f"{marker('session-cookie', 'abcdef0123456789abcdef')}"
    )
    assert record["args_sha256"] == remit.log.args_sha256(CALL_ARGS)  # the hash of what was given


def test_a_value_hidden_for_its_field_name_leaves_no_trace_in_messages(tmp_path: Path) -> None:
    text = (
        "name: p\nrules: [{id: login, tools: [login], allow: 'true', "
        "reason: 'as {args.user}:{args.password}'}]\n"
    )
    log = tmp_path / "d.jsonl"
    remit.Guard.from_text(text, log=log).check("login", {"user": "ann", "password": "hunter2-hunter2"})
    assert "hunter2" not in log.read_text()
    (record,) = read_log(log)
    assert record["reasons"][0]["message"] == "as ann:" + marker("field", "hunter2-hunter2")


@pytest.mark.parametrize(
    ("value", "template"),
    [
        ("S3CRET" + "x" * 300, "storing {args.creds.key}"),  # cut short by the template: `S3CRETxx…`
        ("12\nPRIVATE-VALUE-9f8e", "login with {args.creds}"),  # escaped inside a rendered dict
        ("it's PRIVATE2\"x", "login with {args.creds}"),
        ("a" * 150 + "PRIVATE-TAIL-" + "b" * 80, "login with {args.creds}"),  # cut inside the dict
    ],
    ids=["cut", "newline", "quotes", "cut-in-dict"],
)
def test_a_dropped_value_leaves_no_trace_however_a_template_renders_it(
    tmp_path: Path, value: str, template: str
) -> None:
    text = (
        "name: p\nredaction: {drop: [args.creds]}\n"
        f"rules: [{{id: r, tools: [login], allow: 'true', reason: '{template}'}}]\n"
    )
    log = tmp_path / "d.jsonl"
    remit.Guard.from_text(text, log=log).check("login", {"creds": {"user": "bob", "key": value}})
    logged = log.read_text()
    for piece in ("PRIVATE", "S3CRETxx", value[:12]):
        assert piece not in logged and json.dumps(piece)[1:-1] not in logged


@pytest.mark.parametrize(
    "card",
    [
        CARD.encode(),
        {CARD},
        types.MappingProxyType({"number": CARD}),
        collections.deque([{"number": CARD}]),
    ],
    ids=["bytes", "set", "mapping", "deque"],
)
def test_a_dropped_value_json_has_no_type_for_leaves_no_trace(tmp_path: Path, card: Any) -> None:
    text = (
        "name: p\nredaction: {drop: [args.card, args.wallet.number]}\n"
        "rules: [{id: r, tools: [pay], block: 'true', reason: 'card {args.card} in {args.wallet}'}]\n"
    )
    # a mapping is looked into as a dict, a deque as a list: `args.wallet.number` reaches in
    wallet = card if not isinstance(card, (bytes, set)) else {"number": "5500000000000004"}
    log = tmp_path / "d.jsonl"
    remit.Guard.from_text(text, log=log).check("pay", {"card": card, "wallet": wallet})
    assert CARD not in log.read_text()
    (record,) = read_log(log)
    assert record["args"]["card"] == DROPPED and DROPPED in record["reasons"][0]["message"]
    assert DROPPED in json.dumps(record["args"]["wallet"])


def test_an_approvers_error_quoting_a_dropped_value_is_scrubbed(tmp_path: Path) -> None:
    text = "name: p\nredaction: {drop: [args.key]}\nrules: [{id: r, tools: [t], ask: 'true'}]\n"
    log = tmp_path / "d.jsonl"

    def approver(decision: remit.Decision) -> bool:
        raise ValueError(f"cannot parse {decision.args['key']}")

    guard = remit.Guard.from_text(text, log=log, ask=approver)
    assert not guard.approve(guard.check("t", {"key": "PRIVATE-KEY-0123456789"}))
    assert "PRIVATE-KEY" not in log.read_text()


def test_ids_and_outcome_details_are_redacted(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(POLICY, log=log)
    decision = guard.check("read", {}, {"session_id": f"s-{TOKEN}", "agent_id": "a1"})
    guard.record_outcome(decision.id, "approved", detail=f"approved with {TOKEN}")
    text = log.read_text()
    assert TOKEN not in text
    first, outcome = read_log(log)
    assert first["session"] == "s-" + marker("acme-token", TOKEN) and first["agent"] == "a1"
    assert outcome["detail"] == "approved with " + marker("acme-token", TOKEN)


def test_the_built_in_redaction_stays_on() -> None:
    policy = load_text(POLICY)
    github = "ghp_" + "a1B2" * 9
    logged = policy.redaction.call({"command": f"git push https://x:{github}@github.com"}, {})
    assert github not in json.dumps(logged.args)


def test_names_match_whatever_their_case_and_lists_are_looked_through() -> None:
    policy = load_text(
        "name: p\nredaction:\n  drop: [args.Messages.CONTENT, args.*.token, 'args[\"a.b\"]']\n"
    )
    args = {
        "messages": [{"content": "secret one", "role": "user"}, {"CONTENT": ["secret two"]}],
        "x": {"token": "t0k3n-1", "keep": 1},
        "y": [{"token": "t0k3n-2"}],
        "a.b": {"deep": 1},
        "a": {"b": "kept"},
    }
    logged = policy.redaction.call(args, {})
    assert logged.args == {
        "messages": [{"content": DROPPED, "role": "user"}, {"CONTENT": DROPPED}],
        "x": {"token": DROPPED, "keep": 1},
        "y": [{"token": DROPPED}],
        "a.b": DROPPED,
        "a": {"b": "kept"},
    }
    assert args["x"] == {"token": "t0k3n-1", "keep": 1}  # the caller's arguments are untouched


def test_dropping_a_whole_root() -> None:
    policy = load_text("name: p\nredaction:\n  drop: [args]\n")
    logged = policy.redaction.call({"a": "secret-text"}, {"cwd": "/x"})
    assert logged.args == DROPPED and logged.ctx == {"cwd": "/x"}
    assert logged.scrub("saw secret-text") == f"saw {DROPPED}"


def test_only_the_secret_group_is_replaced_and_an_absent_group_means_the_whole_match() -> None:
    policy = load_text(
        "name: p\nredaction:\n  patterns: [{name: k, regex: 'key=(?P<secret>\\w{6,})|ACME-\\d{6}'}]\n"
    )
    assert policy.redaction.text("key=abcdefg ACME-123456") == (
        f"key={marker('k', 'abcdefg')} {marker('k', 'ACME-123456')}"
    )


def test_text_dressed_as_a_marker_does_not_hide_a_secret() -> None:
    redaction = load_text(POLICY).redaction
    fake = f"[REDACTED:{TOKEN}:0123abcd]"
    assert TOKEN not in redaction.text(fake)
    real = marker("acme-token", TOKEN)
    assert redaction.text(f"x {real} y") == f"x {real} y"


def test_a_pattern_that_matches_marker_hashes_leaves_markers_whole() -> None:
    policy = load_text("name: p\nredaction:\n  patterns: [{name: hex, regex: '\\b[0-9a-f]{8}\\b'}]\n")
    github = "ghp_" + "a1B2" * 9
    text = policy.redaction.text(f"token {github} and deadbeef")
    assert text == f"token {marker('github_token', github)} and {marker('hex', 'deadbeef')}"


def test_text_with_lone_surrogates_is_redacted_without_raising() -> None:
    policy = load_text(POLICY)
    text = f"\udc80 {TOKEN} é \ud800 {TOKEN}"
    assert (
        policy.redaction.text(text)
        == f"\udc80 {marker('acme-token', TOKEN)} é \ud800 {marker('acme-token', TOKEN)}"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("acme_Q7ZSESION=bf019[]:REDACTD ")), max_size=120))
def test_redacting_twice_changes_nothing(text: str) -> None:
    redaction = load_text(POLICY).redaction
    once = redaction.text(text)
    assert redaction.text(once) == once


def test_a_drop_over_huge_arguments_drops_them_whole_instead_of_walking_forever() -> None:
    policy = load_text("name: p\nredaction:\n  drop: [args.**.pin]\n")
    wide = {f"k{i}": {"a": {"b": i}} for i in range(DROP_BUDGET)}
    logged = policy.redaction.call(wide, {})
    assert logged.args == DROPPED


def test_arguments_that_share_themselves_are_walked_in_bounded_work(tmp_path: Path) -> None:
    shared: dict[str, Any] = {}
    shared.update(a=shared, b=shared, c=[shared, shared])  # 2**32 paths to depth 32
    logged = load_text("name: p\n").redaction.call({"x": shared}, {})
    assert "[TRUNCATED:" in json.dumps(logged.args)  # the bound on values or on text, first
    assert load_text(POLICY).redaction.call({"x": shared}, {}).args == DROPPED  # `args.**.pin`
    guard = remit.Guard.from_text(POLICY, log=tmp_path / "d.jsonl")
    assert guard.check("charge_card", shared).decision == "block"  # it cannot be logged: fail closed


def test_reasons_and_shadow_rules_citing_secrets_are_redacted(tmp_path: Path) -> None:
    text = POLICY.replace(
        "routes:",
        '  - id: watch\n    tools: [charge_card]\n    mode: shadow\n    block: "true"\n'
        '    reason: "would block {args.note} {args.card.number}"\nroutes:',
    )
    log = tmp_path / "d.jsonl"
    remit.Guard.from_text(text, log=log).check("charge_card", CALL_ARGS, CALL_CTX)
    _assert_hidden(log.read_text())
    (record,) = read_log(log)
    assert record["shadow"][0]["message"].startswith("would block use " + marker("acme-token", TOKEN))


def test_a_dropped_field_is_no_evidence_of_an_edit(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(POLICY, log=log)
    for i in range(3):
        guard.check("charge_card", {"card": {"number": CARD}, "i": i})
    lines = log.read_text().splitlines(keepends=True)
    log.write_text(lines[0] + lines[2])  # a record deleted: not an edit of the one before it
    (problem,) = verify_logs([log]).problems
    assert (problem.kind, problem.line) == ("broken", 2)


# -- reload swaps the redaction with the policy -------------------------------------------------


def test_each_decision_is_written_with_the_redaction_of_the_policy_that_decided(tmp_path: Path) -> None:
    a = "name: a\nredaction:\n  patterns: [{name: acme, regex: 'acme_\\w{32}'}]\nroutes: [{allow: 'true'}]\n"
    b = "name: b\nredaction:\n  patterns: [{name: beta, regex: 'beta_\\w{32}'}]\nroutes: [{allow: 'true'}]\n"
    path = _policy_file(tmp_path, a)
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_path(path, log=log)
    guard.check("t", {"x": f"{TOKEN} {OTHER}"})  # under `a`
    stop = threading.Event()

    def reloader() -> None:
        for i in range(31):  # ends with `b` in force
            path.write_text(b if i % 2 == 0 else a)
            guard.reload()
        stop.set()

    thread = threading.Thread(target=reloader)
    thread.start()
    while not stop.is_set():
        guard.check("t", {"x": f"{TOKEN} {OTHER}"})
    thread.join()
    guard.check("t", {"x": f"{TOKEN} {OTHER}"})  # under `b`
    names = []
    for record in read_log(log):
        if record["kind"] == "decision":
            names.append(record["policy"]["name"])
            hidden, shown = (TOKEN, OTHER) if names[-1] == "a" else (OTHER, TOKEN)
            assert hidden not in record["args"]["x"] and shown in record["args"]["x"], record
    assert names[0] == "a" and names[-1] == "b"


# -- every writer -----------------------------------------------------------------------------


def test_the_hook_log_keeps_no_hidden_value(tmp_path: Path) -> None:
    policy = _policy_file(tmp_path)
    log = tmp_path / "hook.jsonl"
    event = {
        "session_id": "s1",
        "cwd": str(tmp_path),
        "hook_event_name": "PreToolUse",
        "tool_name": "charge_card",
        "tool_input": CALL_ARGS,
        "tool_use_id": "toolu_1",
    }
    for _ in range(2):  # the second call gets the compiled policy from the hook's cache
        out, code = run_hook(
            "claude-code", json.dumps(event), policy=policy, log=log, cache_dir=tmp_path / "cache"
        )
        assert code == 0 and json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "allow"
    text = log.read_text()
    _assert_hidden(text)
    assert text.count(marker("acme-token", TOKEN)) == 4  # in the args and the reason, twice


def test_the_service_log_keeps_no_hidden_value(tmp_path: Path) -> None:
    log = tmp_path / "serve.jsonl"
    with TestClient(create_app(_policy_file(tmp_path), log=log, reload_interval=None)) as client:
        answer = client.post("/v1/decide", json={"tool": "charge_card", "args": CALL_ARGS, "ctx": CALL_CTX})
        assert answer.status_code == 200 and answer.json()["decision"] == "allow"
        body = {"decision": answer.json()["id"], "outcome": "executed", "by": "agent", "detail": TOKEN}
        assert client.post("/v1/outcome", json=body).status_code == 204
    _assert_hidden(log.read_text())
    assert [r["kind"] for r in read_log(log)] == ["decision", "outcome"]


def _trace(tmp_path: Path) -> Path:
    """A Claude Code transcript whose shell command carries a secret (as its program, even)."""
    lines = [
        {"type": "user", "sessionId": "s-1", "uuid": "u1", "timestamp": "2026-03-03T14:00:00.000Z",
         "message": {"role": "user", "content": "deploy it"}},
        {"type": "assistant", "sessionId": "s-1", "uuid": "u2", "timestamp": "2026-03-03T14:00:01.000Z",
         "message": {"role": "assistant", "content": [
             {"type": "tool_use", "id": "toolu_1", "name": "Bash",
              "input": {"command": f"{TOKEN} --deploy", "card": {"number": CARD}}}]}},
        {"type": "user", "sessionId": "s-1", "uuid": "u3", "timestamp": "2026-03-03T14:00:02.000Z",
         "message": {"role": "user", "content": [
             {"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]}},
    ]  # fmt: skip
    path = tmp_path / "session.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_replay_writes_and_prints_no_hidden_value(tmp_path: Path) -> None:
    trace = _trace(tmp_path)
    open_policy = _policy_file(tmp_path, "name: open\nroutes: [{allow: 'true'}]\n", "open.yaml")
    log = tmp_path / "replayed.jsonl"
    result = replay(_policy_file(tmp_path), [trace], log=log, against=open_policy).as_dict()
    assert result["calls"] == 1 and result["riskiest"] and result["changes"]
    assert TOKEN not in log.read_text() and CARD not in log.read_text()
    printed = json.dumps(result)
    assert TOKEN not in printed and CARD not in printed
    assert marker("acme-token", TOKEN) in result["riskiest"][0]["args"]


def test_the_report_over_traces_replays_with_the_policys_redaction(tmp_path: Path) -> None:
    trace = _trace(tmp_path)
    assert TOKEN in json.dumps(build_report([trace]).as_dict())  # the shipped policy knows no `acme_`
    assert TOKEN not in json.dumps(build_report([trace], policy=_policy_file(tmp_path)).as_dict())


# -- the docs ----------------------------------------------------------------------------------


def test_the_docs_python_example_runs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    doc = (ROOT / "docs" / "redaction.md").read_text()
    (code,) = re.findall(r"```python\n(.*?)```", doc, re.S)
    exec(compile(code, "docs/redaction.md", "exec"), {"__name__": "docs"})
    printed = capsys.readouterr().out
    assert "'number': '[DROPPED]'" in printed and "charging card [DROPPED]" in printed


def test_the_docs_console_example_prints_what_it_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    doc = (ROOT / "docs" / "redaction.md").read_text()
    (block,) = re.findall(r"```console\n(.*?)```", doc, re.S)
    command, *shown = block.strip().splitlines()
    result = CliRunner().invoke(main, command.removeprefix("$ remit ").split())
    assert result.exit_code == 1
    for line in shown:
        assert line in result.stdout + result.stderr


def test_the_readme_policy_keeps_ibans_and_memos_out_of_the_log(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    (text,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "redaction:" in b]
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(text, log=log)
    iban = "DE89370400440532013000"
    guard.check("transfer_money", {"to": f"acme-corp {iban}", "amount": 120, "memo": "for Ann's surgery"})
    assert iban not in log.read_text() and "surgery" not in log.read_text()


def test_an_adapters_note_quoting_a_dropped_value_is_scrubbed(tmp_path: Path) -> None:
    from remit.integrations._common import record

    text = "name: p\nredaction: {drop: [args.key]}\nrules: [{id: r, tools: [t], ask: 'true'}]\n"
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(text, log=log)
    decision = guard.check("t", {"key": "PRIVATE-KEY-0123456789"})
    record(guard, decision, "denied", detail="rejected: PRIVATE-KEY-0123456789 is not ours")
    assert "PRIVATE-KEY" not in log.read_text()
    assert read_log(log)[-1]["detail"] == "rejected: [DROPPED] is not ours"
