"""Every real permissions file in the shared corpus imports, loads cleanly and passes its tests.

Also checks that no rule is dropped: every source rule is either a commented remit rule or
reported as untranslated.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import remit
from remit.importers import ImportResult, import_claude_settings, import_gemini_policy

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "claude-settings"
MANIFEST: list[dict[str, Any]] = (
    json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8")) if CORPUS.is_dir() else []
)
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")


def _import(entry: dict[str, Any]) -> ImportResult:
    text = (CORPUS / entry["file"]).read_text(encoding="utf-8")
    if entry["file"].endswith(".toml"):
        return import_gemini_policy(text, file=entry["file"])
    return import_claude_settings(text, file=entry["file"])


def _source_count(entry: dict[str, Any]) -> int:
    if "n_rules" in entry:
        return int(entry["n_rules"])
    return sum(int(entry[k]) for k in ("n_allow", "n_ask", "n_deny"))


def _translated(yaml_text: str) -> int:
    return len(re.findall(r"^  # (?:permissions\.\w+\[\d+\]|rule \d+): ", yaml_text, re.M))


def _untranslated_rules(result: ImportResult) -> int:
    settings = ("defaultMode:", "additionalDirectories:", "[")
    return sum(1 for u in result.untranslated if not u.source.startswith(settings))


def test_the_corpus_has_24_files() -> None:
    assert len(MANIFEST) == 24


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_each_file_imports_loads_and_passes_its_tests(entry: dict[str, Any], tmp_path: Path) -> None:
    result = _import(entry)
    target = tmp_path / "imported.yaml"
    target.write_text(result.yaml, encoding="utf-8")
    policy, diagnostics = remit.check_policy(target)
    assert policy is not None and diagnostics == [], diagnostics
    failures = [(r.title, r.problems) for r in remit.run_tests(policy) if not r.passed]
    assert failures == []
    assert _translated(result.yaml) + _untranslated_rules(result) == _source_count(entry)
    for item in result.untranslated:
        assert item.source in result.yaml and item.reason


def test_most_rules_translate() -> None:
    results = [_import(e) for e in MANIFEST]
    total = sum(_source_count(e) for e in MANIFEST)
    translated = sum(_translated(r.yaml) for r in results)
    assert translated / total > 0.85
