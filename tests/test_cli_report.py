"""`remit report` from the command line: terminal summary, JSON, HTML file, date filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from remit.cli import main
from tests.conftest import CORPORA, DATA


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_report_on_traces_json_and_html(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    code, out, err = run("report", str(DATA / "traces"), "--format", "json", "--html", str(html))
    assert code == 0, err
    data = json.loads(out)
    assert data["totals"]["calls"] > 0
    page = html.read_text()
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert "<svg" in page and "<script" not in page


def test_report_text_and_date_filter() -> None:
    code, out, _ = run("report", str(DATA / "traces"))
    assert code == 0 and "Oversight report" in out
    code, out, _ = run("report", str(DATA / "traces"), "--since", "2100-01-01", "--format", "json")
    assert code == 0 and json.loads(out)["totals"]["calls"] == 0
    for since, until in (("2026-02-01", "2026-01-01"), ("2026-01-01", "2026-01-01")):  # no moment in both
        code, _, err = run("report", str(DATA / "traces"), "--since", since, "--until", until)
        assert code == 2 and "must be before --until" in err


def test_report_bad_policy_is_a_clean_error() -> None:
    code, _, err = run("report", str(DATA / "traces"), "--policy", str(DATA / "broken" / "bad-cel.yaml"))
    assert code == 1 and "cel.undeclared_identifier" in err


@pytest.mark.skipif(not CORPORA.is_dir(), reason="the shared corpora are not beside this checkout")
def test_report_on_real_claude_code_sessions() -> None:
    code, out, _ = run("report", str(CORPORA / "claude-code"), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["totals"]["calls"] > 1000 and data["totals"]["turns"] > 0
