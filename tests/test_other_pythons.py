"""The whole suite again under the oldest Python remit supports and the newest it is tried on.

Each runs when that Python is found (`python3.X` on the PATH, or one pyenv installed) and is
not the one running these tests; otherwise it is skipped with a note. remit is built as a
wheel and installed with its `dev` extra in a new virtual environment (from the package
index, like any install), then that interpreter runs the tests of this checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, build_wheel

VERSIONS = ((3, 10), (3, 13))
"""The oldest supported Python (`requires-python`) and the newest one tried."""
INSTALL_SECONDS = 1_200
SUITE_SECONDS = 3_600


def find_python(version: tuple[int, int]) -> str | None:
    """An interpreter of `version` on this machine, if there is one."""
    name = "python{}.{}".format(*version)
    candidates = [os.path.join(folder, name) for folder in os.get_exec_path()]
    pyenv = Path.home() / ".pyenv" / "versions"
    candidates += sorted(str(p) for p in pyenv.glob("{}.{}.*/bin/".format(*version) + name))
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            said = subprocess.run(
                [candidate, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True
            )
            if said.returncode == 0 and said.stdout.split() == [str(n) for n in version]:
                return candidate
    return None


def test_the_oldest_version_tried_is_the_one_remit_requires() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">={}.{}"'.format(*VERSIONS[0]) in pyproject


@pytest.mark.slow
@pytest.mark.reruns_suite
@pytest.mark.parametrize("version", VERSIONS, ids=["{}.{}".format(*v) for v in VERSIONS])
def test_the_suite_passes_under_another_python(version: tuple[int, int], tmp_path: Path) -> None:
    if sys.version_info[:2] == version:
        pytest.skip("this is the Python running the suite")
    python = find_python(version)
    if python is None:
        pytest.skip("no Python {}.{} on this machine".format(*version))
    wheel = build_wheel(tmp_path / "dist")
    env_dir = tmp_path / "env"
    subprocess.run([python, "-m", "venv", str(env_dir)], check=True, capture_output=True)
    bindir = env_dir / "bin"
    install = subprocess.run(
        [str(bindir / "pip"), "install", "-q", f"{wheel}[dev]"],
        capture_output=True, text=True, timeout=INSTALL_SECONDS,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr[-4000:]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [str(bindir / "python"), "-c", "import sys, remit; print(*sys.version_info[:2], remit.__file__)"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    ).stdout.split()  # fmt: skip
    assert where[:2] == [str(n) for n in version] and where[2].startswith(str(env_dir))
    this = "tests/test_other_pythons.py::test_the_suite_passes_under_another_python"  # no nesting
    compiled = "tests/test_compiled.py::test_the_suite_passes_with_compiled_analyzers"  # this Python's only
    suite = subprocess.run(
        [
            str(bindir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--deselect", this, "--deselect", compiled, "tests",
        ],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=SUITE_SECONDS,
    )  # fmt: skip
    assert suite.returncode == 0, suite.stdout[-8000:] + suite.stderr[-2000:]
