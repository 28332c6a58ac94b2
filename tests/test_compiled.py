"""The compiled build: `REMIT_COMPILE=1` compiles the analyzers with mypyc (setup.py).

The slow test builds that wheel, installs it with its `dev` extra in a new virtual
environment and runs the whole suite against it, so the compiled analyzers are held to every
test the Python ones pass. The other tests check the build's switches without compiling.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from remit.analyzers import COMPILED
from tests.conftest import BUILD_SECONDS, ROOT, build_wheel

SUITE_SECONDS = 3_600


def _backend() -> ModuleType:
    spec = importlib.util.spec_from_file_location("remit_build_backend", ROOT / "_build" / "backend.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compiled_modules() -> list[str]:
    """The module names setup.py compiles: every analyzer but the package."""
    names = sorted(p.stem for p in (ROOT / "engine" / "analyzers").glob("*.py"))
    return [n for n in names if n != "__init__"]


def test_a_compiling_build_asks_for_mypyc_and_a_plain_one_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _backend()
    seen: list[str | None] = []

    def setuptools_requires(config_settings: Any = None) -> list[str]:
        seen.append(os.environ.get("REMIT_COMPILE"))  # setuptools runs setup.py here
        return ["wheel"]

    monkeypatch.setattr(backend._setuptools, "get_requires_for_build_wheel", setuptools_requires)
    monkeypatch.delenv("REMIT_COMPILE", raising=False)
    assert backend.get_requires_for_build_wheel() == ["wheel"]
    monkeypatch.setenv("REMIT_COMPILE", "1")
    assert backend.get_requires_for_build_wheel() == ["wheel", backend.MYPYC]
    assert os.environ["REMIT_COMPILE"] == "1"  # put back once setup.py ran without compiling
    monkeypatch.setenv("REMIT_COMPILE", "yes")
    assert backend.get_requires_for_build_wheel() == ["wheel", backend.MYPYC]
    assert os.environ["REMIT_COMPILE"] == "yes"
    monkeypatch.setenv("REMIT_COMPILE", "0")
    assert backend.get_requires_for_build_wheel() == ["wheel"]
    assert seen == [None, "0", "0", "0"]  # setup.py never imports mypyc before it is installed


def test_an_editable_install_is_never_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _backend()
    seen: dict[str, Any] = {}

    def build_editable(*args: Any) -> str:
        seen["REMIT_COMPILE"] = os.environ.get("REMIT_COMPILE")
        return "remit.whl"

    monkeypatch.setattr(backend._setuptools, "build_editable", build_editable)
    monkeypatch.setenv("REMIT_COMPILE", "1")
    assert backend.build_editable("dist") == "remit.whl"
    assert seen == {"REMIT_COMPILE": None}  # compiled modules would hide edits of the sources


def test_the_flag_says_how_every_analyzer_runs() -> None:
    # COMPILED looks at one module; every module setup.py compiles must agree with it
    import importlib

    import remit.analyzers.shell

    assert (not str(remit.analyzers.shell.__file__).endswith(".py")) == COMPILED
    for name in _compiled_modules():
        module = importlib.import_module(f"remit.analyzers.{name}")
        assert str(module.__file__).endswith(".py") != COMPILED, name


def test_a_lazy_fact_is_computed_once_and_then_read_from_the_instance() -> None:
    # `lazy` is compiled with the analyzers: a C descriptor, which must act as the Python one
    from remit.analyzers._lazy import lazy

    computed: list[str] = []

    class Facts:
        @lazy
        def programs(self) -> list[str]:
            """Distinct program names."""
            computed.append("programs")
            return ["git"]

    facts = Facts()
    assert facts.programs == ["git"] and facts.programs is facts.programs
    assert computed == ["programs"]
    assert facts.__dict__ == {"programs": ["git"]}  # later reads are plain attribute reads
    descriptor = Facts.__dict__["programs"]
    assert Facts.programs is descriptor and descriptor.name == "programs"
    facts.programs = ["ls"]  # no setter: an assignment replaces the value, as it does a method
    assert facts.programs == ["ls"] and computed == ["programs"]


@pytest.mark.slow
@pytest.mark.reruns_suite
def test_the_suite_passes_with_compiled_analyzers(tmp_path: Path) -> None:
    if COMPILED:
        pytest.skip("this suite already runs against compiled analyzers")
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler on this machine")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    wheel = build_wheel(tmp_path / "dist", env={**env, "REMIT_COMPILE": "1"})
    with zipfile.ZipFile(wheel) as archive:
        members = archive.namelist()
    built_modules = {m.split("/")[-1].split(".")[0] for m in members if m.endswith((".so", ".pyd"))}
    for name in _compiled_modules():
        assert name in built_modules, name
        assert f"remit/analyzers/{name}.py" in members  # the sources travel with it
    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True, capture_output=True)
    bindir = env_dir / "bin"
    install = subprocess.run(
        [str(bindir / "pip"), "install", "-q", f"{wheel}[dev]"],
        capture_output=True, text=True, timeout=BUILD_SECONDS, env=env,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr[-4000:]
    said = subprocess.run(
        [str(bindir / "python"), "-c", "import remit.analyzers as a; print(a.COMPILED, a.__file__)"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    ).stdout.split()  # fmt: skip
    assert said[0] == "True" and said[1].startswith(str(env_dir))
    suite = subprocess.run(
        [
            str(bindir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--deselect", "tests/test_compiled.py::test_the_suite_passes_with_compiled_analyzers",
            "--deselect", "tests/test_other_pythons.py::test_the_suite_passes_under_another_python",
            "tests",
        ],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=SUITE_SECONDS,
    )  # fmt: skip
    assert suite.returncode == 0, suite.stdout[-8000:] + suite.stderr[-2000:]
