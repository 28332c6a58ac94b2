"""The benchmark harness runs, and every engine agrees with `Guard.check` on every call.

No timing is asserted here: latency is measured on demand with `python -m benchmarks`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import remit
from benchmarks import __main__ as bench_main
from benchmarks import floor
from benchmarks.__main__ import BENCH_50, main
from benchmarks.calls import all_calls
from benchmarks.engines import Disagreement, Engine, check_agreement, floor_engine, remit_engine
from benchmarks.generate import rule_count, write_bench_500
from tests.conftest import ROOT


def test_quick_run_writes_every_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "latest.json"
    assert main(["--quick", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    names = [e["name"] for e in doc["engines"]]
    assert "floor (Python closures)" in names
    assert "remit Guard.check" in names
    assert "cel-python interpreter" in names
    mixes = {json.dumps(e["decisions"], sort_keys=True) for e in doc["engines"]}
    assert len(mixes) == 1  # every engine made the same decisions (main checks each call)
    mix = doc["engines"][0]["decisions"]
    assert sum(mix.values()) == doc["settings"]["checked_calls"] >= 200
    assert all(mix[d] >= 30 for d in ("allow", "ask", "block"))  # every outcome is measured
    assert all(e["p50_us"] > 0 for e in doc["engines"])
    assert doc["rules"] == {"bench-50": 50, "bench-500": 500}
    assert "remit Guard.check" in capsys.readouterr().out


def test_a_disagreement_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    always_allow = Engine("yes-man", "none", "allows everything", lambda t, a, c: "allow", str)
    monkeypatch.setattr(bench_main, "build_engines", lambda workdir: [floor_engine(), always_allow])
    out = tmp_path / "latest.json"
    assert bench_main.main(["--quick", "--json", str(out)]) == 1
    assert "yes-man: Bash" in capsys.readouterr().err
    assert not out.exists()  # nothing was timed
    with pytest.raises(Disagreement, match="decisions differ"):
        check_agreement([floor_engine(), always_allow], all_calls())


def test_the_policies_pass_their_own_tests(tmp_path: Path) -> None:
    bench_500 = write_bench_500(BENCH_50, tmp_path / "bench-500.yaml")
    assert rule_count(BENCH_50) == 50
    assert rule_count(bench_500) == 500
    for path in (BENCH_50, bench_500):
        results = remit.run_tests(remit.load_policy(path))
        assert [r.problems for r in results if r.problems] == []


def test_the_floor_mirrors_every_entry_of_the_policy() -> None:
    doc = yaml.safe_load(BENCH_50.read_text())
    assert [(r.id, r.tools) for r in floor.RATINGS] == [(r["id"], tuple(r["tools"])) for r in doc["ratings"]]
    assert [(r.id, r.tools, r.route) for r in floor.RULES] == [
        (r["id"], tuple(r["tools"]), next(k for k in ("allow", "ask", "block") if k in r))
        for r in doc["rules"]
    ]


def test_cedarpy_row_runs_and_agrees(tmp_path: Path) -> None:
    pytest.importorskip("cedarpy", reason="cedarpy is not installed (pip install -e '.[bench]')")
    from benchmarks.cedar_engine import cedar_engine

    cedar = cedar_engine()
    reference = remit_engine(BENCH_50, name="remit Guard.check")
    counts = check_agreement([reference, cedar], all_calls())  # raises on any difference
    assert counts[cedar.name] == counts[reference.name]
    out = tmp_path / "latest.json"
    assert main(["--quick", "--json", str(out)]) == 0
    rows = {e["name"]: e for e in json.loads(out.read_text())["engines"]}
    assert rows[cedar.name]["decisions"] == rows["remit Guard.check"]["decisions"]
    assert rows[cedar.name]["p50_us"] > 0


@pytest.mark.skipif(not (ROOT.parent / "shared" / "corpora").is_dir(), reason="the shared corpora are absent")
def test_replay_speed_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.replay_speed import main as replay_speed

    assert replay_speed(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "read traces only" in out and "replay, --jobs 1" in out


def test_memory_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.memory import main as memory

    assert memory(["--sessions", "20"]) == 0
    out = capsys.readouterr().out
    assert "compiled bench-500 policy" in out and "20 live sessions" in out


def test_log_cost_benchmark_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.log_cost import main as log_cost

    out = tmp_path / "log_cost.json"
    modes = ["flush", "interval:50ms", "fsync"]
    argv = [
        "--quick",
        "--calls",
        "5",
        "--dir",
        str(tmp_path),
        "--modes",
        *modes,
        "--json",
        str(out),
        "--split",
    ]
    assert log_cost(argv) == 0
    rows = {r["name"]: r for r in json.loads(out.read_text())["rows"]}
    kinds = ("Guard.check + log", "log alone", "Guard.check, then log alone")
    logged = {f"{kind}, {mode}" for kind in kinds for mode in modes}
    assert set(rows) == {"Guard.check, no log", *logged}
    assert all(r["p50_us"] > 0 for r in rows.values())
    syncs = {name: row["syncs_per_record"] for name, row in rows.items()}
    assert syncs["log alone, fsync"] == 1.0 and syncs["log alone, flush"] == 0.0
    assert 0 < syncs["log alone, interval:50ms"] <= 1.0
    assert "| Guard.check + log, fsync |" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == [out]  # the logs were written in --dir, then removed


def test_hook_startup_benchmark_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.hook_startup import main as hook_startup

    out = tmp_path / "hook.json"
    assert hook_startup(["--runs", "1", "--json", str(out)]) == 0
    rows = {r["name"]: r for r in json.loads(out.read_text())["rows"]}
    assert list(rows) == [
        "python -c pass",
        "python -c 'import remit'",
        "remit hook, no policy cache",
        "remit hook, policy cached",
        "remit hook --log, policy cached",
        "python -m remit.hook, policy cached",
        "remit hook --daemon, daemon running",
        "remit hook --daemon --log, daemon on",
    ]
    assert all(r["runs"] == 1 and r["median_ms"] > 0 and r["cpu_median_ms"] >= 0 for r in rows.values())
    assert "remit hook, policy cached" in capsys.readouterr().out
    denying = tmp_path / "deny.yaml"
    denying.write_text("name: deny\nrules:\n  - {id: no-shell, tools: [Bash], block: 'true'}\n")
    assert hook_startup(["--runs", "1", "--policy", str(denying)]) == 1  # every hook run must allow
    assert "expected allow" in capsys.readouterr().err


def test_hostile_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.hostile import main as hostile

    assert hostile(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "worst hostile call with a shipped policy" in out
    assert "nested macros" in out and "(own policy)" in out
