"""Policy reloads leave records in the decision log: `policy_loaded`, and `policy_error` when the
new policy is invalid (the old one stays in force). Both are links of the hash chain, pass
`remit log verify`, and are skipped, not miscounted, by the report and the replay of the log.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

import remit
from remit import guard as guard_module
from remit.cli import main
from remit.errors import LogError
from remit.log import read_log
from remit.log_policy import MAX_DIAGNOSTICS, POLICY_KINDS
from remit.redact import marker
from remit.replay import replay
from remit.report import build_report
from remit.report.build import classify
from remit.serve import PolicyWatcher, create_app
from remit.traces import read_unit, units
from remit.verify import verify_logs

TOKEN = "acme_" + "Q7" * 16

POLICY = """
name: reloading
version: "{version}"
redaction:
  patterns: [{{name: acme-token, regex: 'acme_[A-Za-z0-9]{{32}}'}}]
rules:
  - id: reads
    tools: [read_file]
    allow: "true"
  - id: no-delete
    tools: [delete_file]
    block: "true"
routes:
  - {{id: fallback, ask: "true"}}
"""
BROKEN = "name: reloading\nversion: '9'\nrules:\n  - id: x\n    tools: [read_file]\n    allow: 'args.(('\n"


def write(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))  # seen by a coarse clock


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    write(path, POLICY.format(version="1"))
    return path


def kinds(log: Path) -> list[str]:
    return [r["kind"] for r in read_log(log)]


def sha(guard: remit.Guard) -> str:
    return guard.policy.sha256


# -- Guard.reload ---------------------------------------------------------------------------------


def test_a_failed_reload_is_recorded_with_its_diagnostics_and_the_policy_in_force(
    tmp_path: Path, policy_file: Path
) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_path(policy_file, log=log)
    guard.check("read_file", {})
    in_force = sha(guard)
    write(policy_file, BROKEN)
    with pytest.raises(remit.PolicyError):
        guard.reload()
    assert guard.check("read_file", {}).decision == "allow"  # the old policy decides
    assert kinds(log) == ["decision", "policy_error", "decision"]
    error = read_log(log)[1]
    assert error["policy"] == {"name": "reloading", "version": "1", "sha256": in_force}
    assert error["file"] == str(policy_file)
    (diagnostic,) = error["diagnostics"]
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("cel.syntax", 6, 18)
    assert diagnostic["file"] == str(policy_file) and error["more"] == 0
    assert error["message"].startswith(f"{policy_file}:6:")
    assert verify_logs([log]).ok


def test_a_successful_reload_is_recorded_between_the_decisions_of_each_policy(
    tmp_path: Path, policy_file: Path
) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_path(policy_file, log=log)
    guard.check("read_file", {})
    old = sha(guard)
    write(policy_file, POLICY.format(version="2"))
    guard.reload()
    guard.check("read_file", {})
    first, loaded, second = read_log(log)
    assert loaded["kind"] == "policy_loaded" and loaded["file"] == str(policy_file)
    assert loaded["policy"] == {"name": "reloading", "version": "2", "sha256": sha(guard)}
    assert loaded["replaced"] == {"name": "reloading", "version": "1", "sha256": old}
    assert first["policy"]["sha256"] == old and second["policy"]["sha256"] == sha(guard) != old
    assert verify_logs([log]).ok


def test_under_concurrent_checks_the_record_separates_the_two_policies(
    tmp_path: Path, policy_file: Path
) -> None:
    import threading

    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_path(policy_file, log=log)
    done = threading.Event()

    def reload_many() -> None:
        for version in range(2, 12):
            write(policy_file, POLICY.format(version=version))
            guard.reload()
        done.set()

    thread = threading.Thread(target=reload_many)
    thread.start()
    while not done.is_set():
        guard.check("read_file", {})
    thread.join()
    in_force = None
    for record in read_log(log):
        if record["kind"] == "policy_loaded":
            assert in_force is None or record["replaced"]["sha256"] == in_force
            in_force = record["policy"]["sha256"]
        elif in_force is not None:
            assert record["policy"]["sha256"] == in_force  # no decision of the old policy after it
    assert kinds(log).count("policy_loaded") == 10
    assert verify_logs([log]).ok


def test_an_unexpected_failure_is_recorded_and_raised(
    tmp_path: Path, policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(path: Any) -> Any:
        raise RuntimeError("disk on fire")

    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_path(policy_file, log=log)
    monkeypatch.setattr(guard_module, "load_policy", explode)
    with pytest.raises(RuntimeError):
        guard.reload()
    (record,) = read_log(log)
    assert record["kind"] == "policy_error" and record["message"] == "disk on fire"
    assert record["diagnostics"] == []


def test_a_log_that_fails_does_not_hide_the_reload_error(tmp_path: Path, policy_file: Path) -> None:
    class Broken(remit.log.DecisionLog):
        def write(self, record: dict[str, Any]) -> None:
            raise LogError("disk full")

    guard = remit.Guard.from_path(policy_file, log=Broken(tmp_path / "d.jsonl"))
    write(policy_file, BROKEN)
    with pytest.raises(remit.PolicyError):
        guard.reload()
    write(policy_file, POLICY.format(version="2"))
    assert guard.reload().version == "2"


def test_a_callers_log_that_fails_fails_no_reload(tmp_path: Path, policy_file: Path) -> None:
    class Sink:
        def write(self, record: dict[str, Any]) -> None:
            raise OSError("disk full")

    guard = remit.Guard.from_path(policy_file, log=Sink())
    write(policy_file, POLICY.format(version="2"))
    assert guard.reload().version == "2" and guard.policy.version == "2"
    write(policy_file, BROKEN)
    with pytest.raises(remit.PolicyError):  # not the log's error
        guard.reload()
    assert guard.policy.version == "2"


def test_an_outcome_is_redacted_by_the_policy_that_decided(tmp_path: Path, policy_file: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_path(policy_file, log=log)
    decision = guard.check("write_file", {"note": TOKEN})  # asked, under a policy that hides TOKEN
    write(policy_file, "name: plain\nrules: []\n")
    guard.reload()
    guard.record_outcome(decision, "approved", detail=f"approved; the note was {TOKEN}")
    assert TOKEN not in log.read_text()
    assert read_log(log)[-1]["detail"] == f"approved; the note was {marker('acme-token', TOKEN)}"


def test_the_error_record_is_redacted_by_the_policy_in_force(tmp_path: Path, policy_file: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_path(policy_file, log=log)
    write(policy_file, f"name: x\n{TOKEN}: 1\n")  # the diagnostic quotes the unknown field
    with pytest.raises(remit.PolicyError):
        guard.reload()
    text = log.read_text()
    assert TOKEN not in text and marker("acme-token", TOKEN) in text


def test_an_error_record_keeps_a_bounded_number_of_diagnostics(tmp_path: Path, policy_file: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_path(policy_file, log=log)
    many = MAX_DIAGNOSTICS + 7
    write(policy_file, "name: x\nrules:\n" + "".join(f"  - {{allow: 'a{i}.(('}}\n" for i in range(many)))
    with pytest.raises(remit.PolicyError):
        guard.reload()
    (record,) = read_log(log)
    assert len(record["diagnostics"]) == MAX_DIAGNOSTICS and record["more"] == 7


# -- remit serve ----------------------------------------------------------------------------------


def test_the_service_records_a_bad_edit_once_then_the_fix(tmp_path: Path, policy_file: Path) -> None:
    log = tmp_path / "serve.jsonl"
    with TestClient(create_app(policy_file, log=log, reload_interval=0)) as client:
        write(policy_file, BROKEN)
        for _ in range(3):  # each request looks at the file; the broken version is recorded once
            assert client.post("/v1/decide", json={"tool": "read_file"}).json()["decision"] == "allow"
        write(policy_file, POLICY.format(version="2"))
        assert client.post("/v1/decide", json={"tool": "read_file"}).json()["policy"]["version"] == "2"
    assert kinds(log) == ["policy_error", "decision", "decision", "decision", "policy_loaded", "decision"]
    assert verify_logs([log]).ok


def test_the_service_records_a_policy_file_that_vanished(tmp_path: Path, policy_file: Path) -> None:
    log = tmp_path / "serve.jsonl"
    guard = remit.Guard.from_path(policy_file, log=log)
    watcher = PolicyWatcher(guard, policy_file, interval=0)
    policy_file.unlink()
    assert watcher.poll() is False and watcher.poll() is False
    (record,) = read_log(log)
    assert record["kind"] == "policy_error" and "cannot read the policy file" in record["message"]
    assert record["policy"]["sha256"] == sha(guard)


# -- readers of the log ----------------------------------------------------------------------------


@pytest.fixture
def log_with_reloads(tmp_path: Path, policy_file: Path) -> tuple[Path, Path]:
    """The same decisions in two logs: one with reload records between them, one without."""
    plain, noted = tmp_path / "plain.jsonl", tmp_path / "noted.jsonl"
    write(policy_file, BROKEN)  # the noted log starts with a policy_error record
    guard = remit.Guard.from_path(_ok(tmp_path), log=noted)
    with pytest.raises(remit.PolicyError):
        guard.reload(policy_file)
    calls = [("read_file", {"p": 1}), ("delete_file", {"p": 2}), ("send", {"p": 3})]
    for i, (tool, args) in enumerate(calls):
        ctx = {"session_id": f"s{i % 2}", "turn_id": "t1"}
        decision = guard.check(tool, args, ctx)
        guard.record_outcome(decision.id, "executed", by="agent")
        write(policy_file, POLICY.format(version=str(i + 2)))
        guard.reload(policy_file)
    # the same records without the policy notes, chained anew
    with remit.log.DecisionLog(plain) as out:
        for record in read_log(noted):
            if record["kind"] not in POLICY_KINDS:
                out.write({k: v for k, v in record.items() if k != "prev"})
    return noted, plain


def _ok(tmp_path: Path) -> Path:
    path = tmp_path / "ok.yaml"
    path.write_text(POLICY.format(version="1"))
    return path


def test_policy_records_are_chained_and_verified(log_with_reloads: tuple[Path, Path]) -> None:
    noted, _ = log_with_reloads
    assert kinds(noted)[0] == "policy_error" and kinds(noted).count("policy_loaded") == 3
    result = CliRunner().invoke(main, ["log", "verify", str(noted)])
    assert result.exit_code == 0, result.stdout + result.stderr
    # an edited policy record breaks the chain like any other
    lines = noted.read_text().splitlines(keepends=True)
    lines[0] = lines[0].replace('"version":"1"', '"version":"7"')
    noted.write_text("".join(lines))
    assert not verify_logs([noted]).ok


def test_the_report_counts_the_same_with_and_without_policy_records(
    log_with_reloads: tuple[Path, Path],
) -> None:
    noted, plain = log_with_reloads
    assert classify([noted]).logs == [str(noted)]  # a log that starts with a policy record is a log
    with_notes, without = build_report([noted]).as_dict(), build_report([plain]).as_dict()
    assert with_notes["totals"] == without["totals"]
    assert with_notes["totals"]["calls"] == 3 and with_notes["totals"]["outcomes"] == 3
    for key in ("periods", "calls", "risk_autonomy", "interventions_per_session", "tuning"):
        assert with_notes[key] == without[key], key
    assert with_notes["inputs"]["damaged_lines"]["count"] == 0


def test_replaying_the_log_skips_policy_records(log_with_reloads: tuple[Path, Path]) -> None:
    noted, plain = log_with_reloads
    (unit,) = units([noted])
    items = list(read_unit(unit))
    assert not [i for i in items if type(i).__name__ == "TraceProblem"]
    policy = _ok(noted.parent)
    with_notes, without = replay(policy, [noted]).as_dict(), replay(policy, [plain]).as_dict()
    assert with_notes["calls"] == without["calls"] == 3
    assert with_notes["problems"]["total"] == without["problems"]["total"] == 0
    assert with_notes["decisions"] == without["decisions"]


def test_records_stay_json_lines_with_their_keys(log_with_reloads: tuple[Path, Path]) -> None:
    noted, _ = log_with_reloads
    for line in noted.read_text().splitlines():
        record = json.loads(line)
        if record["kind"] == "policy_loaded":
            assert set(record) == {"v", "kind", "ts", "file", "policy", "replaced", "prev"}
        elif record["kind"] == "policy_error":
            keys = {"v", "kind", "ts", "file", "message", "diagnostics", "more", "policy", "prev"}
            assert set(record) == keys
