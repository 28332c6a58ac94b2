"""The command-line contract: exit codes, JSON shapes, messages on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from remit.cli import main
from tests.conftest import DATA, POLICIES

CODING = str(POLICIES / "coding-agent.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_exit_codes_follow_the_decision() -> None:
    assert (
        run(
            "check", CODING, "--tool", "Read", "--args", '{"file_path": "src/a.py"}', "--ctx", '{"cwd": "/r"}'
        )[0]
        == 0
    )
    assert (
        run("check", CODING, "--tool", "Bash", "--args", '{"command": "git push"}', "--ctx", '{"cwd": "/r"}')[
            0
        ]
        == 3
    )
    assert run("check", CODING, "--tool", "Bash", "--args", '{"command": "git status && rm -rf ~"}')[0] == 4


def test_check_json_shape() -> None:
    code, out, err = run(
        "check", CODING, "--tool", "Read", "--args", '{"file_path": ".env"}', "--format", "json"
    )
    assert code == 4 and err == ""
    data = json.loads(out)
    assert data["decision"] == "block"
    assert set(data["ratings"]) == {"risk", "reversibility", "autonomy"}
    assert data["reasons"][0] == {"id": "no-secret-reads", "kind": "rule", "decision": "block",
                                  "message": "Read would touch a secret (.env)"}  # fmt: skip
    assert data["errors"] == []


def test_check_text_explains_for_people() -> None:
    code, out, _ = run("check", CODING, "--tool", "Read", "--args", '{"file_path": ".env"}')
    assert code == 4
    assert "BLOCK" in out and "no-secret-reads" in out and "risk" in out


def test_check_shipped_policy_by_name() -> None:
    assert run("check", "coding-agent", "--tool", "Grep", "--args", '{"pattern": "x"}')[0] == 0


def test_check_usage_errors_exit_2() -> None:
    code, _, err = run("check", CODING, "--tool", "Bash", "--args", "{not json")
    assert code == 2 and "--args" in err
    assert run("check", CODING)[0] == 2


def test_check_refuses_json_that_readers_read_apart() -> None:
    for given, why in [('{"n": NaN}', "`NaN` is not JSON"), ('{"a": 1, "a": 2}', "duplicate key `a`")]:
        code, _, err = run("check", CODING, "--tool", "T", "--args", given)
        assert code == 2 and why in err  # not a decision on a value no rule compared


def test_text_that_is_no_valid_unicode_is_printed_escaped(tmp_path: Path) -> None:
    import subprocess
    import sys

    policy = tmp_path / "p.yaml"
    rule = "{id: b, tools: [T], block: 'true', reason: 'bad {args.s}'}"
    policy.write_text(f"remit: 1\nname: p\nrules:\n  - {rule}\n")
    argv = ["check", str(policy), "--tool", "T", "--args", '{"s": "evil\\ud800"}']
    code = "import sys; from remit.launch import main; sys.argv[1:] = " + repr(argv) + "; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 4 and "bad evil\\ud800" in done.stdout and "Traceback" not in done.stderr


def test_check_broken_policy_exits_1_with_diagnostics() -> None:
    code, out, err = run("check", str(DATA / "broken" / "bad-cel.yaml"), "--tool", "Bash")
    assert code == 1 and out == ""
    assert "cel.undeclared_identifier" in err and "error:" in err and "Traceback" not in err


def test_check_logs_when_asked(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    run("check", CODING, "--tool", "Grep", "--args", "{}", "--log", str(log))
    assert json.loads(log.read_text())["tool"] == "Grep"


def test_lint_shipped_policies_clean() -> None:
    code, out, err = run("lint", str(POLICIES))
    assert code == 0, err
    assert "0 error(s)" in out


def test_lint_json_for_broken_policies() -> None:
    code, out, _ = run("lint", str(DATA / "broken"), "--format", "json")
    assert code == 1
    items = json.loads(out)
    assert {"code", "severity", "message", "file", "line", "column"} <= set(items[0])
    assert any(i["code"] == "schema.unknown_field" and i["line"] == 3 for i in items)


def test_lint_sarif() -> None:
    code, out, _ = run("lint", str(DATA / "broken" / "duplicate-id.yaml"), "--format", "sarif")
    assert code == 1
    assert json.loads(out)["runs"][0]["results"][0]["ruleId"] == "schema.duplicate_id"


def test_lint_missing_path_is_an_error() -> None:
    code, _, err = run("lint", "no/such/policy.yaml")
    assert code == 1 and "no such file" in err


def test_lint_and_test_of_a_folder_without_policies_fail(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a policy")
    for command in ("lint", "test"):
        code, _, err = run(command, str(tmp_path))
        assert code == 1 and "no policy file" in err  # a CI step that checks nothing does not pass
        code, _, err = run(command, str(tmp_path), str(POLICIES / "ci.yaml"))  # beside one that has one
        assert code == 1 and f"no policy file (*.remit, *.yaml, *.yml) in `{tmp_path}`" in err


def test_a_policy_that_does_not_load_is_reported_and_the_others_are_tested(tmp_path: Path) -> None:
    (tmp_path / "ci.yaml").write_text((POLICIES / "ci.yaml").read_text())
    (tmp_path / "broken.yaml").write_text("remit: 1\nname: x\nrules: [\n")
    code, out, err = run("test", str(tmp_path))
    assert code == 1 and "PASS" in out and "1 policy file(s) not loaded" in out and "broken.yaml" in err
    code, out, _ = run("test", str(tmp_path), "--format", "json")
    entries = json.loads(out)
    assert code == 1 and any(e["passed"] for e in entries)
    (broken,) = [e for e in entries if e["test"] is None]
    assert broken["file"].endswith("broken.yaml") and not broken["passed"] and broken["problems"]


def test_lint_warnings_do_not_fail(tmp_path: Path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(
        "name: p\nrules:\n  - {id: py, tools: [Bash], allow: 'args.command.startsWith(\"python \")'}\n"
    )
    code, _, err = run("lint", str(p))
    assert code == 0 and "lint.allow_defeats_block" in err


def test_test_command(tmp_path: Path) -> None:
    assert run("test", str(POLICIES))[0] == 0
    p = tmp_path / "p.yaml"
    p.write_text("name: p\nroutes: [{allow: 'true'}]\ntests:\n  - call: {tool: x}\n    expect: block\n")
    code, out, _ = run("test", str(p))
    assert code == 5 and "FAIL" in out and "expected block, got allow" in out


def test_schema_is_json_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "remit policy" and "rules" in schema["properties"]
