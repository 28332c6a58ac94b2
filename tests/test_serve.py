"""The HTTP decision service: endpoints, auth, malformed bodies, limits, reload, fail closed."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import remit
from remit.log import read_log
from remit.serve import create_app, openapi_document, token_from_env

ROOT = Path(__file__).resolve().parent.parent
CODING = ROOT / "policies" / "coding-agent.yaml"

POLICY = """
name: serve-test
version: "{version}"
defaults: {{decision: ask, on_error: block}}
rules:
  - id: no-delete
    tools: [delete_file]
    block: "true"
    reason: "deleting {{args.path}} is not allowed"
  - id: reads
    tools: [read_file]
    allow: "true"
  - id: big-count
    tools: [count_things]
    allow: args.n > 3
routes:
  - {{id: fallback, ask: "true"}}
"""

JSON = {"content-type": "application/json"}


def write_policy(path: Path, version: str) -> None:
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(POLICY.format(version=version))
    # A coarse file clock must not hide the change from the watcher.
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    write_policy(path, "1")
    return path


@pytest.fixture
def client(policy_file: Path) -> Iterator[TestClient]:
    with TestClient(create_app(policy_file, reload_interval=0)) as c:
        yield c


def decide(c: TestClient, tool: str, args: Any = None, ctx: Any = None, **kw: Any) -> Any:
    body: dict[str, Any] = {"tool": tool}
    if args is not None:
        body["args"] = args
    if ctx is not None:
        body["ctx"] = ctx
    return c.post("/v1/decide", json=body, **kw)


def stable(d: dict[str, Any]) -> dict[str, Any]:
    """A decision without what differs between two runs of the same call."""
    return {k: v for k, v in d.items() if k not in ("id", "latency_us")}


# -- /v1/decide -------------------------------------------------------------------------------


def test_decide_answers_each_route(client: TestClient) -> None:
    r = decide(client, "delete_file", {"path": "/etc/passwd"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    d = r.json()
    assert d["decision"] == d["effective"] == "block"
    assert d["reasons"][0] == {
        "id": "no-delete",
        "kind": "rule",
        "decision": "block",
        "message": "deleting /etc/passwd is not allowed",
    }
    assert d["policy"]["name"] == "serve-test" and d["policy"]["version"] == "1"
    assert len(d["id"]) == 30
    assert decide(client, "read_file", {"path": "a"}).json()["decision"] == "allow"
    assert decide(client, "send_email").json()["decision"] == "ask"


def test_args_and_ctx_are_optional_and_null_is_empty(client: TestClient) -> None:
    r = client.post("/v1/decide", json={"tool": "read_file", "args": None, "ctx": None})
    assert r.status_code == 200 and r.json()["decision"] == "allow"


def test_a_call_the_policy_cannot_evaluate_is_a_200_block(client: TestClient) -> None:
    r = decide(client, "count_things", {"n": "not a number"})
    assert r.status_code == 200
    d = r.json()
    assert d["decision"] == "block" and d["errors"]


def test_decisions_equal_guard_check(tmp_path: Path) -> None:
    from benchmarks.calls import all_calls

    calls = all_calls()[:300]
    reference = remit.Guard.from_path(CODING)
    expected = [stable(reference.check(c.tool, c.args, c.ctx).as_dict()) for c in calls]
    with TestClient(create_app(CODING, reload_interval=None)) as c:
        got = [stable(decide(c, call.tool, call.args, call.ctx).json()) for call in calls]
    assert got == expected
    assert {d["decision"] for d in got} == {"allow", "ask", "block"}


def test_shipped_policy_by_name_and_session_state() -> None:
    with TestClient(create_app("coding-agent")) as c:
        d = decide(
            c, "Bash", {"command": "git status && rm -rf ~"}, {"cwd": "/repo", "session_id": "s1"}
        ).json()
        assert d["decision"] == "block" and d["policy"]["name"] == "coding-agent"


def test_decisions_are_logged(policy_file: Path, tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    with TestClient(create_app(policy_file, log=log)) as c:
        d = decide(c, "delete_file", {"path": "x"}, {"session_id": "s"}).json()
        r = c.post(
            "/v1/outcome", json={"decision": d["id"], "outcome": "denied", "detail": "no", "latency_ms": 12.5}
        )
        assert r.status_code == 204 and r.content == b""
    records = list(read_log(log))
    assert [rec["kind"] for rec in records] == ["decision", "outcome"]
    assert records[0]["id"] == d["id"] and records[0]["decision"] == "block" and records[0]["session"] == "s"
    assert records[1] | {"ts": None, "prev": None} == {
        "v": 1,
        "kind": "outcome",
        "decision": d["id"],
        "ts": None,
        "outcome": "denied",
        "by": "human",
        "detail": "no",
        "latency_ms": 12.5,
        "prev": None,
    }


# -- malformed requests -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "bad_json"),
        (b"", "bad_json"),
        (b'{"tool": "x", "args": NaN}', "bad_json"),
        # a caller whose parser keeps the first of two keys would run what was not decided
        (b'{"tool": "read_file", "args": {"path": "/etc/shadow", "path": "a"}}', "bad_json"),
        (b'{"tool": "read_file", "args": {"path": "a", "Path": "/etc/shadow"}}', "bad_json"),
        (b'{"tool": "read_file", "Tool": "delete_file", "args": {}}', "bad_json"),
        (b'{"tool": "delete_file", "tool": "read_file", "args": {}}', "bad_json"),
        (b'{"tool": "x", "args": {"a": [{"n": 1, "n": 2}]}}', "bad_json"),
        # beyond a double: infinity to some parsers, an error to others
        (b'{"tool": "count_things", "args": {"n": 1e400}}', "bad_json"),
        (b'{"tool": "count_things", "args": {"n": -1e400}}', "bad_json"),
        (b'{"tool": "count_things", "args": {"n": 1' + b"0" * 400 + b"}}", "bad_json"),
        (b"\xff\xfe", "bad_json"),
        (b"[" * 100_000 + b"]" * 100_000, "bad_json"),
        (b'["tool"]', "bad_request"),
        (b'"read_file"', "bad_request"),
        (b"{}", "bad_request"),
        (b'{"tool": ""}', "bad_request"),
        (b'{"tool": 7}', "bad_request"),
        (b'{"tool": "x", "args": [1, 2]}', "bad_request"),
        (b'{"tool": "x", "args": "rm -rf /"}', "bad_request"),
        (b'{"tool": "x", "ctx": 3}', "bad_request"),
        (b'{"tool": "x", "arguments": {}}', "bad_request"),
    ],
)
def test_malformed_decide_is_a_400_with_a_json_error(client: TestClient, body: bytes, code: str) -> None:
    r = client.post("/v1/decide", content=body, headers=JSON)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["message"]
    assert "decision" not in r.json()


def test_the_body_must_be_sent_as_json(client: TestClient) -> None:
    body = json.dumps({"tool": "read_file"})
    for ctype in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"content-type": ctype} if ctype else {}
        r = client.post("/v1/decide", content=body, headers=headers)
        assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
    r = client.post("/v1/decide", content=body, headers={"content-type": "application/json; charset=utf-8"})
    assert r.status_code == 200


def test_huge_body_is_413(client: TestClient) -> None:
    big = json.dumps({"tool": "x", "args": {"blob": "a" * (1 << 20)}})
    r = client.post("/v1/decide", content=big, headers=JSON)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_huge_chunked_body_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"tool": "x", "args": {"blob": "'
        for _ in range(40):
            yield b"a" * 65_536
        yield b'"}}'

    r = client.post("/v1/decide", content=chunks(), headers=JSON)
    assert r.status_code == 413


def test_body_limit_is_configurable(policy_file: Path) -> None:
    with TestClient(create_app(policy_file, max_body_bytes=64)) as c:
        assert decide(c, "read_file").status_code == 200
        assert decide(c, "read_file", {"path": "p" * 100}).status_code == 413


def test_unknown_path_and_method_are_json_errors(client: TestClient) -> None:
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/v1/decide")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


# -- /v1/outcome ------------------------------------------------------------------------------


def test_outcome_is_204(client: TestClient) -> None:
    d = decide(client, "send_email").json()
    for body in (
        {"decision": d["id"], "outcome": "approved"},
        {"decision": d["id"], "outcome": "executed", "by": "agent", "detail": None, "latency_ms": None},
        {"decision": d["id"], "outcome": "timeout", "by": "system", "latency_ms": 300000},
    ):
        assert client.post("/v1/outcome", json=body).status_code == 204


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "approved"},
        {"decision": "", "outcome": "approved"},
        {"decision": 5, "outcome": "approved"},
        {"decision": "x" * 500, "outcome": "approved"},
        {"decision": "d", "outcome": "maybe"},
        {"decision": "d"},
        {"decision": "d", "outcome": "approved", "by": "robot"},
        {"decision": "d", "outcome": "approved", "detail": 3},
        {"decision": "d", "outcome": "approved", "latency_ms": -1},
        {"decision": "d", "outcome": "approved", "latency_ms": "fast"},
        {"decision": "d", "outcome": "approved", "latency_ms": True},
        {"decision": "d", "outcome": "approved", "extra": 1},
        ["d", "approved"],
    ],
)
def test_invalid_outcome_is_400(client: TestClient, body: Any) -> None:
    r = client.post("/v1/outcome", json=body)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"


class BrokenLog:
    """A decision log on a full disk."""

    def write(self, record: dict[str, Any]) -> None:
        raise remit.LogError("disk full")


def test_a_log_that_fails_blocks_decisions_and_refuses_outcomes(policy_file: Path) -> None:
    guard = remit.Guard.from_path(policy_file, log=BrokenLog())
    with TestClient(create_app(guard)) as c:
        d = decide(c, "read_file").json()
        assert d["decision"] == d["effective"] == "block"
        r = c.post("/v1/outcome", json={"decision": d["id"], "outcome": "approved"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "log_unavailable"


# -- fail closed on internal errors -----------------------------------------------------------


def test_an_internal_error_never_allows(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    guard = client.app.state.guard  # type: ignore[attr-defined]

    def boom(*a: Any, **kw: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(guard, "check", boom)
    r = decide(client, "read_file")
    assert r.status_code == 500
    body = r.json()
    assert body["decision"] == body["effective"] == "block" and body["error"]["code"] == "internal"


# -- /v1/health -------------------------------------------------------------------------------


def test_health(client: TestClient) -> None:
    r = client.get("/v1/health")
    assert r.status_code == 200
    h = r.json()
    assert h["status"] == "ok" and h["version"] == remit.__version__
    guard = client.app.state.guard  # type: ignore[attr-defined]
    assert h["policy"] == {
        "name": "serve-test",
        "version": "1",
        "sha256": guard.policy.sha256,
        "mode": "enforce",
    }
    assert isinstance(h["uptime_s"], float) and h["uptime_s"] >= 0
    assert h["reload"] == {"watching": True, "reloads": 0, "stale": False, "last_error": None}


# -- auth -------------------------------------------------------------------------------------


def test_bearer_token(policy_file: Path) -> None:
    with TestClient(create_app(policy_file, token="s3cret-token")) as c:
        good = {"authorization": "Bearer s3cret-token"}
        for headers in (
            {},
            {"authorization": "Bearer wrong"},
            {"authorization": "Basic s3cret-token"},
            {"authorization": "s3cret-token"},
            {"authorization": "Bearer s3cret-token2"},
        ):
            r = decide(c, "read_file", headers=headers)
            assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
            assert r.json()["error"]["code"] == "unauthorized"
            assert (
                c.post(
                    "/v1/outcome", json={"decision": "d", "outcome": "approved"}, headers=headers
                ).status_code
                == 401
            )
            assert c.get("/openapi.json", headers=headers).status_code == 401
        assert decide(c, "read_file", headers=good).json()["decision"] == "allow"
        assert decide(c, "read_file", headers={"authorization": "bearer s3cret-token"}).status_code == 200
        assert (
            c.post("/v1/outcome", json={"decision": "d", "outcome": "approved"}, headers=good).status_code
            == 204
        )
        assert c.get("/openapi.json", headers=good).status_code == 200
        assert c.get("/v1/health").status_code == 200  # health never needs the token


def test_auth_is_checked_before_the_body(policy_file: Path) -> None:
    with TestClient(create_app(policy_file, token="t")) as c:
        assert c.post("/v1/decide", content=b"{bad", headers=JSON).status_code == 401
        assert c.post("/v1/decide", content=b"x" * (2 << 20), headers=JSON).status_code == 401


def test_no_token_means_open(client: TestClient) -> None:
    assert decide(client, "read_file", headers={"authorization": "Bearer anything"}).status_code == 200


def test_empty_token_is_refused(policy_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="empty"):
        create_app(policy_file, token="  ")
    monkeypatch.setenv("REMIT_TEST_TOKEN", "")
    with pytest.raises(ValueError, match="REMIT_TEST_TOKEN"):
        token_from_env("REMIT_TEST_TOKEN")
    monkeypatch.setenv("REMIT_TEST_TOKEN", "abc\n")
    assert token_from_env("REMIT_TEST_TOKEN") == "abc"


def test_allowed_hosts(policy_file: Path) -> None:
    app = create_app(policy_file, allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        assert c.get("/v1/health").status_code == 200
    with TestClient(app, base_url="http://evil.example") as c:
        assert c.get("/v1/health").status_code == 400


# -- reload -----------------------------------------------------------------------------------


def test_reload_on_change(client: TestClient, policy_file: Path) -> None:
    assert decide(client, "read_file").json()["policy"]["version"] == "1"
    write_policy(policy_file, "2")
    assert decide(client, "read_file").json()["policy"]["version"] == "2"
    h = client.get("/v1/health").json()
    assert h["policy"]["version"] == "2" and h["reload"]["reloads"] == 1


def test_touch_without_change_does_not_reload(client: TestClient, policy_file: Path) -> None:
    write_policy(policy_file, "1")
    decide(client, "read_file")
    assert client.get("/v1/health").json()["reload"]["reloads"] == 0


def test_invalid_new_policy_keeps_the_old_one(
    client: TestClient, policy_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="remit.serve")
    policy_file.write_text("name: broken\nrules: [{id: x, tools: [a], allow: 'args.(('}]\n")
    os.utime(policy_file, ns=(1, 1))
    d = decide(client, "delete_file", {"path": "p"})
    assert d.status_code == 200 and d.json()["decision"] == "block" and d.json()["policy"]["version"] == "1"
    h = client.get("/v1/health").json()
    assert h["reload"]["stale"] is True and "invalid policy" in h["reload"]["last_error"]
    assert h["policy"]["version"] == "1"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "keeping the old one" in warnings[0].getMessage()
    # Fixed again: the new version comes in and the service is no longer stale.
    write_policy(policy_file, "3")
    assert decide(client, "read_file").json()["policy"]["version"] == "3"
    h = client.get("/v1/health").json()
    assert h["reload"] == {"watching": True, "reloads": 1, "stale": False, "last_error": None}


def test_deleted_policy_file_keeps_the_old_one(client: TestClient, policy_file: Path) -> None:
    policy_file.unlink()
    assert decide(client, "read_file").json()["decision"] == "allow"
    assert "cannot read" in client.get("/v1/health").json()["reload"]["last_error"]
    write_policy(policy_file, "4")
    assert decide(client, "read_file").json()["policy"]["version"] == "4"


def test_reload_looks_at_most_once_per_interval(policy_file: Path) -> None:
    with TestClient(create_app(policy_file, reload_interval=3600)) as c:
        write_policy(policy_file, "2")
        assert decide(c, "read_file").json()["policy"]["version"] == "1"
    with TestClient(create_app(policy_file, reload_interval=None)) as c:
        write_policy(policy_file, "3")
        assert decide(c, "read_file").json()["policy"]["version"] == "2"
        assert c.get("/v1/health").json()["reload"]["watching"] is False


# -- OpenAPI ----------------------------------------------------------------------------------


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_openapi_document(client: TestClient) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    doc = json.loads(r.text)
    assert doc["openapi"] == "3.1.0" and doc["info"]["title"] and doc["info"]["version"] == remit.__version__
    assert set(doc["paths"]) == {
        "/v1/decide",
        "/v1/outcome",
        "/v1/health",
        "/openapi.json",
        "/v1/report",
        "/v1/report.html",
    }
    assert set(doc["paths"]["/v1/decide"]) == {"post"} and set(doc["paths"]["/v1/health"]) == {"get"}
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert "security" not in doc


def test_openapi_matches_the_answers(client: TestClient) -> None:
    schemas = openapi_document()["components"]["schemas"]
    d = decide(client, "delete_file", {"path": "x"}).json()
    assert set(schemas["Decision"]["required"]) == set(d) == set(schemas["Decision"]["properties"])
    assert set(schemas["Ratings"]["required"]) == set(d["ratings"])
    assert set(schemas["Reason"]["required"]) == set(d["reasons"][0])
    h = client.get("/v1/health").json()
    assert set(schemas["Health"]["required"]) == set(h)
    assert set(schemas["Health"]["properties"]["reload"]["required"]) == set(h["reload"])
    assert set(schemas["DecideRequest"]["properties"]) == {"tool", "args", "ctx"}
    err = client.post("/v1/decide", content=b"{", headers=JSON).json()
    assert set(schemas["Error"]["required"]) == set(err)


def test_openapi_with_auth(policy_file: Path) -> None:
    with TestClient(create_app(policy_file, token="t")) as c:
        doc = c.get("/openapi.json", headers={"authorization": "Bearer t"}).json()
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert doc["paths"]["/v1/health"]["get"]["security"] == []
    assert "401" in doc["paths"]["/v1/decide"]["post"]["responses"]


# -- run --------------------------------------------------------------------------------------


def test_run_serves_with_uvicorn_on_loopback(policy_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, **kw: Any) -> None:
        seen["app"], seen["kw"] = app, kw

    monkeypatch.setattr(uvicorn, "run", fake_run)
    from remit.serve import logger, run

    monkeypatch.setattr(logger, "handlers", [])  # run() adds a handler: leave none behind
    monkeypatch.setattr(logger, "level", logger.level)

    run(str(policy_file), port=9999, token="t")
    assert seen["kw"]["host"] == "127.0.0.1" and seen["kw"]["port"] == 9999
    with TestClient(seen["app"], base_url="http://localhost:9999") as c:
        assert c.get("/v1/health").status_code == 200
        assert decide(c, "read_file").status_code == 401
    with TestClient(seen["app"], base_url="http://attacker.example") as c:
        assert c.get("/v1/health").status_code == 400  # DNS rebinding: a foreign Host is refused


def test_client_gone_mid_body_is_not_an_internal_error(
    policy_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import anyio

    app = create_app(policy_file)
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/v1/decide", "raw_path": b"/v1/decide", "query_string": b"",
        "root_path": "", "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8765), "state": {},
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(message)

    anyio.run(app, scope, receive, send)
    assert sent[0]["status"] == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_serve_command_refuses_a_broken_policy_and_an_unset_token(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from remit.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [")
    result = CliRunner().invoke(main, ["serve", "--policy", str(bad)])
    assert result.exit_code == 1 and "problem" in result.stderr
    result = CliRunner().invoke(
        main, ["serve", "--policy", "coding-agent", "--token-env", "REMIT_NO_SUCH_VAR"]
    )
    assert result.exit_code == 2


# -- /v1/report -------------------------------------------------------------------------------


def _logged_service(policy_file: Path, log: Path, token: str | None = None) -> TestClient:
    """A service with a log of 12 decisions in 2 sessions: 3 blocks, 5 allows, 4 asks (3 approved)."""
    c = TestClient(create_app(policy_file, log=log, reload_interval=0, token=token))
    auth = {"authorization": f"Bearer {token}"} if token else {}
    for i in range(12):
        tool = ("read_file", "delete_file", "count_things", "write_file")[i % 4]
        d = decide(c, tool, {"path": f"f{i}", "n": i}, {"session_id": f"s{i % 2}"}, headers=auth).json()
        if d["decision"] == "ask" and i < 8:
            c.post("/v1/outcome", json={"decision": d["id"], "outcome": "approved"}, headers=auth)
    return c


def test_report_is_the_same_as_the_report_of_the_log(policy_file: Path, tmp_path: Path) -> None:
    from remit.report import build_report

    log = tmp_path / "decisions.jsonl"
    with _logged_service(policy_file, log) as c:
        r = c.get("/v1/report")
        policy = c.app.state.guard.policy
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    served = r.json()
    local = build_report([log], policy=policy).as_dict()
    served.pop("seconds"), local.pop("seconds")
    assert served == local
    assert served["totals"]["calls"] == 12 and served["totals"]["sessions"] == 2
    asks = {e["id"]: e for e in served["tuning"]["rules"]}["fallback"]
    assert (asks["ask"], asks["approved"]) == (4, 3)
    assert served["calls"]["all"]["decisions"] == {"allow": 5, "ask": 4, "block": 3}
    assert served["inputs"]["policy"]["name"] == "serve-test"


def test_report_html_and_the_time_window(policy_file: Path, tmp_path: Path) -> None:
    with _logged_service(policy_file, tmp_path / "decisions.jsonl") as c:
        page = c.get("/v1/report.html")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.text.startswith("<!doctype html>") and "<svg" in page.text
        assert c.get("/v1/report?since=2100-01-01").json()["totals"]["calls"] == 0
        assert c.get("/v1/report?until=2000-01-01T00:00:00Z").json()["totals"]["calls"] == 0
        assert c.get("/v1/report?since=2000-01-01&until=2100-01-01").json()["totals"]["calls"] == 12
        bad = c.get("/v1/report?since=last-tuesday")
        assert bad.status_code == 400 and "`since`" in bad.json()["error"]["message"]
        extra = c.get("/v1/report?from=2026-01-01")
        assert extra.status_code == 400 and "from" in extra.json()["error"]["message"]
        for edge in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00%2B01:00"):  # no year in UTC
            assert c.get(f"/v1/report?since={edge}").status_code == 400


def test_report_needs_the_token(policy_file: Path, tmp_path: Path) -> None:
    with _logged_service(policy_file, tmp_path / "decisions.jsonl", token="t0k") as c:
        for path in ("/v1/report", "/v1/report.html"):
            assert c.get(path).status_code == 401
            assert c.get(path, headers={"authorization": "Bearer nope"}).status_code == 401
            assert c.get(path, headers={"authorization": "Bearer t0k"}).status_code == 200
        doc = c.get("/openapi.json", headers={"authorization": "Bearer t0k"}).json()
    assert "401" in doc["paths"]["/v1/report"]["get"]["responses"]


def test_report_without_a_log_says_so(client: TestClient) -> None:
    r = client.get("/v1/report")
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_log"


def test_report_before_the_first_decision(policy_file: Path, tmp_path: Path) -> None:
    with TestClient(create_app(policy_file, log=tmp_path / "decisions.jsonl", reload_interval=0)) as c:
        r = c.get("/v1/report").json()
    assert r["totals"]["calls"] == 0 and r["inputs"]["logs"] == 1 and r["inputs"]["traces"] == 0
    assert r["turn_duration"]["all"]["p50"] is None and r["turn_duration"]["all"]["reason"]
