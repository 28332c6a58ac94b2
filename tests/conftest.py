"""Shared fixtures: paths of the checkout, the shipped policies and the corpora; a browser."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from remit.analyzers import COMPILED

ROOT = Path(__file__).resolve().parent.parent

patches_analyzers = pytest.mark.skipif(
    COMPILED, reason="patches an analyzer's function, unseen by compiled callers (the Python build runs it)"
)
"""For a test that patches a function of `remit.analyzers` to count or break its calls."""

DATA = ROOT / "tests" / "data"
POLICIES = ROOT / "policies"
CORPORA = ROOT.parent / "shared" / "corpora"

_CHECKOUT_ID = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
CHECKOUT_LOCK = Path(tempfile.gettempdir()) / f"remit-tests-{_CHECKOUT_ID}.lock"
BUILD_SECONDS = 1_200


def pytest_configure(config: pytest.Config) -> None:
    """With `-n`, pytest-xdist hands each worker a first run of consecutive tests, a quarter
    of its share, then more as it goes: the reruns of the suite, collected first, would all
    go to the first worker, one after the other. Unless the command sets `--maxschedchunk`,
    workers take tests two at a time, so that the reruns start on different workers."""
    if config.pluginmanager.hasplugin("xdist") and config.getoption("maxschedchunk", None) is None:
        config.option.maxschedchunk = 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that run the whole suite again first, then the other slow ones: with `-n
    auto`, those reruns (a quarter of an hour each) start at once on different workers
    (`pytest_configure`), which then share the rest; none of them is left to start last, on
    one worker, while the others wait."""

    def order(item: pytest.Item) -> tuple[bool, bool]:
        return not item.get_closest_marker("reruns_suite"), not item.get_closest_marker("slow")

    items.sort(key=order)


@contextlib.contextmanager
def writing_in_checkout() -> Iterator[None]:
    """Held while a command writes into the checkout, as mypy writes its cache there: parallel
    workers, and the suites that the slow tests run again under other Pythons, share the
    checkout, so they take turns here."""
    import fcntl

    with CHECKOUT_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


_NOT_BUILT = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)
"""What a copy of the checkout to build from leaves out: the build's own leftovers, caches."""


def build_wheel(dist: Path, env: Mapping[str, str] | None = None) -> Path:
    """Build remit's wheel into `dist` (`env`: the build's environment) from a copy of this
    checkout beside it: pip builds in the tree it is given, and builds running side by side
    (parallel workers) must not share `build/`."""
    source = dist.parent / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_BUILT, symlinks=True)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        capture_output=True, text=True, timeout=BUILD_SECONDS, env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    (wheel,) = dist.glob("remit-*.whl")
    return wheel


@pytest.fixture
def policies_dir() -> Path:
    """The shipped policies."""
    return POLICIES


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_PACKAGES = ("chromium", "fonts-liberation")
"""What Debian needs for a headless browser that draws text (a font is only recommended)."""
INSTALL_LOCK = Path("/tmp/remit-tests-chromium.lock")


def _browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def _install_browser() -> str:
    """Install Chromium with apt-get, one process at a time; what went wrong, or ""."""
    import fcntl

    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", *BROWSER_PACKAGES]
    with INSTALL_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test runs wait here for one installation
        if _browser() is not None:
            return ""
        for command in (install, ["apt-get", "update", "-qq"], install):  # stale package lists: update
            try:
                done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return f"`{' '.join(command)}` failed: {exc}"
            if done.returncode == 0 and command is install:
                return "" if _browser() is not None else "installed, but no browser is on the PATH"
        return f"`{' '.join(install)}` failed: {(done.stderr or done.stdout).strip()[-300:]}"


@pytest.fixture(scope="session")
def chromium() -> str:
    """A headless Chromium. Where none is installed, the fixture installs Debian's package when
    it can (root, apt-get, and `CI` set: never on a developer's machine); else the test skips."""
    found = _browser()
    if found is not None:
        return found
    on_ci = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
    if not (on_ci and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0):
        pytest.skip("chromium is not installed (on CI, as root with apt-get, the tests install it)")
    problem = _install_browser()
    found = _browser()
    if found is None:
        pytest.skip(f"chromium could not be installed: {problem or 'not found after installing'}")
    return found
