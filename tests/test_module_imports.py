"""Every module of remit imports on its own, first, in a fresh interpreter.

A module that only imports when another was imported before it (an import cycle entered
from the wrong end) breaks whoever imports it first: a tool, a test run in another order,
a user reaching for an internal helper.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import importlib, importlib.util, json, pkgutil, sys
import remit
names = sorted(m.name for m in pkgutil.walk_packages(remit.__path__, "remit."))
failed = {}
compiled = [n for n in names if not str(importlib.util.find_spec(n).origin).endswith(".py")]
for name in names:
    if name in compiled:  # an extension module initialises once per process
        continue
    for loaded in [m for m in sys.modules if m == "remit" or m.startswith("remit.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:  # an optional extra that is not installed
        if (exc.name or "").split(".")[0] == "remit":
            failed[name] = repr(exc)
    except Exception as exc:
        failed[name] = repr(exc)
print(json.dumps([names, failed, compiled]))
"""


def test_every_module_imports_first() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    names, failed, compiled = json.loads(done.stdout.splitlines()[-1])
    assert {"remit.celrt_text", "remit.celrt_core", "remit.guard", "remit.traces.claude"} <= set(names)
    assert failed == {}
    for name in compiled:  # the compiled analyzers (setup.py), each in an interpreter of its own
        alone = subprocess.run(
            [sys.executable, "-c", f"import {name}"], env=env, capture_output=True, text=True
        )
        assert alone.returncode == 0, (name, alone.stderr[-2000:])
