"""An installed wheel carries the grammar and the shipped policies, and `remit` runs from it."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

from tests.conftest import build_wheel


@pytest.mark.slow
def test_wheel_installs_and_lints_a_shipped_policy(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / "bin"
    subprocess.run([str(bindir / "pip"), "install", "-q", str(wheel)], check=True, capture_output=True)
    names = subprocess.run(
        [str(bindir / "python"), "-c", "import remit, remit.resources as r; print(remit.__file__); "
         "print(r.grammar_path().is_file()); print(sorted(p.name for p in r.policies_dir().iterdir()))"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    ).stdout.splitlines()  # fmt: skip
    assert str(env_dir) in names[0] and names[1] == "True"
    assert "coding-agent.yaml" in names[2] and "coding-agent.remit" in names[2]
    for policy in ("coding-agent", "coding-agent.remit"):
        lint = subprocess.run(
            [str(bindir / "remit"), "lint", policy], capture_output=True, text=True, cwd=tmp_path
        )
        assert lint.returncode == 0, lint.stdout + lint.stderr
    args = ["check", "coding-agent", "--tool", "Bash", "--args", '{"command": "rm -rf /"}']
    check = subprocess.run([str(bindir / "remit"), *args], capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 4, check.stdout + check.stderr
    top_level = {p.name for p in (env_dir / "lib").glob("python*/site-packages/*")}
    assert "engine" not in top_level and "cli.py" not in top_level
