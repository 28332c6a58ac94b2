"""The compiled-policy cache: a hit decides exactly as a fresh load, and nothing stale,
damaged or foreign is ever used."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import remit
import remit.cache as cache
from benchmarks.calls import all_calls
from remit import celrt
from remit.cache import PolicyCache, load_policy_cached
from remit.hook import run_hook
from remit.vocab import Deferred
from tests.conftest import DATA, POLICIES, ROOT

CONSTANTS = """
name: constants
version: "1"
rules:
  - id: https-only
    tools: [WebFetch]
    allow: args.url.matches("^https://[a-z]+\\\\.example\\\\.com/")
  - id: known-env
    tools: [deploy]
    ask: args.env in ["staging", "qa", "preview"] && size(args.targets) > 2u
  - id: typed
    tools: [deploy]
    block: type(args.env) != string || args.blob == b"\\x00\\xff"
  - id: long-note
    tools: [note]
    block: size(args.text) > 3 * 4
routes:
  - {id: risky, block: "risk >= 9"}
  - {id: rest, allow: "true"}
"""

CONSTANT_CALLS = [
    ("WebFetch", {"url": "https://docs.example.com/a"}),
    ("WebFetch", {"url": "https://evil.com/?x=.example.com/"}),
    ("deploy", {"env": "qa", "targets": [1, 2, 3]}),
    ("deploy", {"env": "qa", "targets": [1]}),
    ("deploy", {"env": 3, "targets": []}),
    ("deploy", {"env": "prod", "targets": [], "blob": "x"}),
    ("note", {"text": "short"}),
    ("note", {"text": "a much longer note"}),
    ("note", {}),
]


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "policies").glob("*.pickle"))


def cached(path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> remit.CompiledPolicy:
    """Load twice; the second load must come from the cache (the loader is made to fail)."""
    first = load_policy_cached(path, cache_dir=cache_dir)
    with monkeypatch.context() as m:
        m.setattr(cache, "_load", _no_load)
        second = load_policy_cached(path, cache_dir=cache_dir)
    assert second is not first
    return second


def _no_load(path: Any, allow: bool) -> tuple[Any, bool]:
    raise AssertionError("loaded from the files: the cache was not used")


def decide_all(policy: remit.CompiledPolicy, calls: list[tuple[str, Any, dict[str, Any]]]) -> list[Any]:
    guard = remit.Guard(policy, ids=lambda: "id", clock=lambda: 0.0)
    out = []
    for tool, args, ctx in calls:
        d = guard.check(tool, args, {**ctx, "session_id": "s"}).as_dict()
        d.pop("latency_us")
        out.append(d)
    return out


def policy_files(tmp_path: Path) -> list[Path]:
    """Shipped policies (both forms), the benchmark's, one full of constants, the decision cases'."""
    files = sorted(POLICIES.glob("*.yaml")) + sorted(POLICIES.glob("*.remit"))
    files.append(ROOT / "benchmarks" / "policies" / "bench-50.yaml")
    constants = tmp_path / "constants.yaml"
    constants.write_text(CONSTANTS)
    files.append(constants)
    for i, doc in enumerate(
        d for f in sorted((DATA / "decisions").glob("*.yaml")) for d in yaml.safe_load_all(f.read_text())
    ):
        if doc.get("policy"):
            inline = tmp_path / f"case-{i}.yaml"
            inline.write_text(yaml.safe_dump(doc["policy"]))
            files.append(inline)
    return files


def test_a_cached_policy_decides_exactly_as_a_fresh_one(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = [(c.tool, c.args, c.ctx) for c in all_calls()]
    extra = [(t, a, {}) for t, a in CONSTANT_CALLS]
    files = policy_files(tmp_path)
    assert len(files) >= 12
    for path in files:
        fresh = remit.load_policy(path)
        hit = cached(path, cache_dir, monkeypatch)
        own = [(t.call.tool, t.call.args, t.call.ctx) for t in fresh.tests]
        calls = bench + extra + own
        assert decide_all(hit, calls) == decide_all(fresh, calls), path
        assert [r.problems for r in remit.run_tests(hit) if r.problems] == []
        for name in (
            "name",
            "version",
            "sha256",
            "mode",
            "defaults",
            "tools",
            "tests",
            "files",
            "models",
            "sources",
        ):
            assert getattr(hit, name) == getattr(fresh, name), (path, name)
        exprs = [(x.id, x.when) for x in (*hit.ratings, *hit.rules)]
        fresh_exprs = [(x.id, x.when) for x in (*fresh.ratings, *fresh.rules)]
        for (ident, a), (_, b) in zip(exprs, fresh_exprs, strict=True):
            if a is None or b is None:
                assert a is b, ident
                continue
            assert (a.text, a.python, a.names, a.fields) == (b.text, b.python, b.names, b.fields)
            assert a.constant is b.constant or a.constant == b.constant
    assert len(entries(cache_dir)) == len(files)


def test_hoisted_constants_and_the_not_constant_marker_survive(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "constants.yaml"
    path.write_text(CONSTANTS)
    hit = cached(path, cache_dir, monkeypatch)
    whens = [r.condition for r in hit.rules]
    assert all(w is not None and w.constant is celrt.NOT_CONSTANT for w in whens)
    hoisted = [w for w in whens if w is not None and "_k" in w.python]
    assert len(hoisted) >= 2  # the regex, the list as a set, `2u`, the type, the bytes


def test_a_hit_needs_neither_the_parsers_nor_the_cel_compiler_nor_the_model(
    cache_dir: Path, tmp_path: Path
) -> None:
    """A hook loads a cached policy, decides and logs without pydantic (its import is most of a call)."""
    code = (
        "import json, sys; from remit.cache import code_fingerprint, load_policy_cached;"
        "from remit.guard import Guard;"
        f"p = load_policy_cached({str(POLICIES / 'coding-agent.yaml')!r}, cache_dir={str(cache_dir)!r});"
        f"g = Guard(p, log={str(tmp_path / 'log.jsonl')!r});"
        "d = g.check('Bash', {'command': 'git status && rm -rf build'}, {'cwd': '/tmp'});"
        "assert d.decision.value == 'ask', d;"
        "used = {m.split('.')[0] for m in sys.modules} & {'yaml', 'lark', 'celpy', 'pydantic'};"
        "used |= {m for m in sys.modules} & {'remit.model', 'remit.load'};"
        "print(json.dumps([sorted(used), code_fingerprint()]))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

    def run() -> tuple[list[str], str]:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        assert done.stderr == ""
        used, fingerprint = json.loads(done.stdout)
        return used, fingerprint

    used, fingerprint = run()
    assert used == ["celpy", "lark", "pydantic", "remit.load", "remit.model", "yaml"]  # a miss compiles
    for _ in range(3):
        used, again = run()
        if again == fingerprint:
            break
        fingerprint = again  # remit's files changed in between (an edit): that entry is rightly unused
    assert used == []  # a hit does not


def test_an_edited_policy_or_include_is_loaded_again(tmp_path: Path, cache_dir: Path) -> None:
    root = tmp_path / "root.yaml"
    part = tmp_path / "part.yaml"
    root.write_text("name: root\ninclude: [part.yaml]\nroutes:\n  - {id: rest, allow: 'true'}\n")
    part.write_text("name: part\nrules:\n  - {id: r1, tools: [x], ask: 'true'}\n")
    assert remit.Guard(load_policy_cached(root, cache_dir=cache_dir)).check("x", {}).decision == "ask"
    part.write_text("name: part\nrules:\n  - {id: r1, tools: [x], block: 'true'}\n")
    assert remit.Guard(load_policy_cached(root, cache_dir=cache_dir)).check("x", {}).decision == "block"
    root.write_text("name: root\nroutes:\n  - {id: rest, allow: 'true'}\n")
    assert remit.Guard(load_policy_cached(root, cache_dir=cache_dir)).check("x", {}).decision == "allow"
    part.write_text("name: part\nrules:\n  - {id: r1, tools: [x], block: 'args.('}\n")
    root.write_text("name: root\ninclude: [part.yaml]\n")
    with pytest.raises(remit.PolicyError, match=r"part\.yaml"):
        load_policy_cached(root, cache_dir=cache_dir)
    assert len(entries(cache_dir)) == 1  # one entry per policy path, replaced as it changes


def test_kept_policies_are_unpickled_once_and_still_see_edits(tmp_path: Path, cache_dir: Path) -> None:
    """What the hook daemon keeps: the same object while the entry is the same, a new one after
    an edit of the policy or its include, and none for a policy that no longer loads."""
    root = tmp_path / "root.yaml"
    part = tmp_path / "part.yaml"
    root.write_text("name: root\ninclude: [part.yaml]\nroutes:\n  - {id: rest, allow: 'true'}\n")
    part.write_text("name: part\nrules:\n  - {id: r1, tools: [x], ask: 'true'}\n")
    kept = cache.Kept(size=2)
    load_policy_cached(root, cache_dir=cache_dir, kept=kept)  # a miss: compiled and stored
    first = load_policy_cached(root, cache_dir=cache_dir, kept=kept)
    assert load_policy_cached(root, cache_dir=cache_dir, kept=kept) is first
    assert remit.Guard(first).check("x", {}).decision == "ask"
    part.write_text("name: part\nrules:\n  - {id: r1, tools: [x], block: 'true'}\n")
    edited = load_policy_cached(root, cache_dir=cache_dir, kept=kept)
    assert edited is not first and remit.Guard(edited).check("x", {}).decision == "block"
    assert load_policy_cached(root, cache_dir=cache_dir, kept=kept) is not edited  # rewritten entry
    again = load_policy_cached(root, cache_dir=cache_dir, kept=kept)
    assert load_policy_cached(root, cache_dir=cache_dir, kept=kept) is again
    part.write_text("name: part\nrules:\n  - {id: r1, tools: [x], block: 'args.('}\n")
    with pytest.raises(remit.PolicyError, match=r"part\.yaml"):
        load_policy_cached(root, cache_dir=cache_dir, kept=kept)
    others = [tmp_path / f"other{i}.yaml" for i in range(3)]
    for other in others:
        other.write_text("name: other\nroutes:\n  - {id: rest, allow: 'true'}\n")
        load_policy_cached(other, cache_dir=cache_dir, kept=kept)
        load_policy_cached(other, cache_dir=cache_dir, kept=kept)
    assert len(kept._policies) == 2  # bounded: the oldest went first


def test_kept_policies_are_put_safely_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    kept = cache.Kept(size=4)
    policy = remit.load_text("name: p\n")

    def put(n: int) -> None:
        for i in range(300):
            kept.put(f"{n}-{i}", "digest", policy)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns between any two bytecodes: races show
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(put, range(8)))  # re-raises what a thread raised
    finally:
        sys.setswitchinterval(interval)
    assert len(kept._policies) <= 4


def test_a_load_that_skipped_an_include_is_not_stored(tmp_path: Path, cache_dir: Path) -> None:
    root = tmp_path / "root.yaml"
    root.write_text("name: root\ninclude: [late.yaml]\nroutes:\n  - {id: rest, allow: 'true'}\n")
    policy, diagnostics = remit.check_policy(root)
    if policy is None:  # a load that refuses a missing include: nothing to store either
        with pytest.raises(remit.PolicyError):
            load_policy_cached(root, cache_dir=cache_dir)
    else:
        assert [d.code for d in diagnostics] == ["parse.unreadable"]
        assert load_policy_cached(root, cache_dir=cache_dir).files == policy.files
    assert entries(cache_dir) == []
    (tmp_path / "late.yaml").write_text("name: late\nrules:\n  - {id: r, tools: [x], block: 'true'}\n")
    assert remit.Guard(load_policy_cached(root, cache_dir=cache_dir)).check("x", {}).decision == "block"


def test_a_file_edited_during_the_load_does_not_pair_with_the_old_policy(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nroutes:\n  - {id: r, ask: 'true'}\n")
    real = cache._load

    def load_then_edit(p: Any, allow: bool) -> Any:
        loaded = real(p, allow)
        path.write_text("name: p\nroutes:\n  - {id: r, block: 'true'}\n")
        return loaded

    monkeypatch.setattr(cache, "_load", load_then_edit)
    assert remit.Guard(load_policy_cached(path, cache_dir=cache_dir)).check("x", {}).decision == "ask"
    monkeypatch.setattr(cache, "_load", real)
    assert remit.Guard(load_policy_cached(path, cache_dir=cache_dir)).check("x", {}).decision == "block"


def test_a_relinked_policy_is_loaded_again(tmp_path: Path, cache_dir: Path) -> None:
    for name, route in (("a", "ask"), ("b", "block")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "p.yaml").write_text(f"name: {name}\nroutes:\n  - {{id: r, {route}: 'true'}}\n")
    link = tmp_path / "current.yaml"
    link.symlink_to(tmp_path / "a" / "p.yaml")
    assert load_policy_cached(link, cache_dir=cache_dir).name == "a"
    link.unlink()
    link.symlink_to(tmp_path / "b" / "p.yaml")
    assert load_policy_cached(link, cache_dir=cache_dir).name == "b"


@pytest.mark.parametrize("include", ["part.yaml", "rules/part.yaml"], ids=["file-link", "folder-link"])
def test_an_include_reached_through_a_relinked_path_is_loaded_again(
    tmp_path: Path, cache_dir: Path, include: str
) -> None:
    for name, route in (("v1", "allow"), ("v2", "block")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "part.yaml").write_text(
            f"name: {name}\nrules:\n  - {{id: r, tools: [Bash], {route}: 'true'}}\n"
        )
    link = tmp_path / include.split("/")[0]
    target = (lambda v: tmp_path / v / "part.yaml") if include == "part.yaml" else (lambda v: tmp_path / v)
    link.symlink_to(target("v1"))
    root = tmp_path / "root.yaml"
    root.write_text(f"name: root\ninclude: [{include}]\n")
    decide = lambda policy: remit.Guard(policy).check("Bash", {"command": "ls"}).decision  # noqa: E731
    assert decide(load_policy_cached(root, cache_dir=cache_dir)) is remit.Route.ALLOW
    link.unlink()
    link.symlink_to(target("v2"))  # the same names now lead to the stricter rules
    assert decide(load_policy_cached(root, cache_dir=cache_dir)) is remit.Route.BLOCK


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # torn
        lambda b: b[:-40] + bytes(x ^ 0x55 for x in b[-40:]),  # flipped bits in the payload
        lambda b: b.replace(b'"sha256": "', b'"sha256": "0', 1),  # a listed file's hash
        lambda b: b"not a cache entry",
        lambda b: b"",
        lambda b: cache.FORMAT + b'{"files": 3}\n' + b.split(b"\n", 2)[2],
    ],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(cache_dir: Path, damage: Any) -> None:
    path = POLICIES / "strict.yaml"
    fresh = remit.load_policy(path)
    load_policy_cached(path, cache_dir=cache_dir)
    [entry] = entries(cache_dir)
    entry.write_bytes(damage(entry.read_bytes()))
    store = PolicyCache(cache_dir)
    assert store.get(store.key(path, False), path) is None
    again = load_policy_cached(path, cache_dir=cache_dir)
    assert again.sha256 == fresh.sha256
    assert store.get(store.key(path, False), path) is not None  # rewritten whole


def test_an_entry_others_can_write_or_a_link_is_not_trusted(cache_dir: Path) -> None:
    path = POLICIES / "ci.yaml"
    load_policy_cached(path, cache_dir=cache_dir)
    [entry] = entries(cache_dir)
    store = PolicyCache(cache_dir)
    key = store.key(path, False)
    assert entry.stat().st_mode & 0o777 == 0o600
    entry.chmod(0o666)
    assert store.get(key, path) is None
    entry.chmod(0o600)
    moved = entry.with_suffix(".elsewhere")
    entry.rename(moved)
    entry.symlink_to(moved)
    assert store.get(key, path) is None


def test_other_code_or_options_do_not_share_entries(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = POLICIES / "ci.yaml"
    load_policy_cached(path, cache_dir=cache_dir)
    store = PolicyCache(cache_dir)
    assert store.key(path, False) != store.key(path, True)
    monkeypatch.setattr(cache, "_FINGERPRINT", "other remit or libraries")
    assert store.get(store.key(path, False), path) is None


def test_an_unusable_cache_directory_only_costs_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    policy = load_policy_cached(POLICIES / "ci.yaml", cache_dir=blocker)
    assert remit.Guard(policy).check("Read", {"file_path": "README.md"}).decision == "allow"


def test_the_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMIT_POLICY_CACHE", "off")
    load_policy_cached(POLICIES / "ci.yaml", cache_dir=cache_dir)
    assert not cache_dir.exists()


def test_a_broken_policy_raises_as_without_the_cache_and_is_not_stored(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: b\nrules:\n  - {id: r, tools: [x], block: 'args.('}\n")
    with pytest.raises(remit.PolicyError) as fresh:
        remit.load_policy(path)
    with pytest.raises(remit.PolicyError) as via_cache:
        load_policy_cached(path, cache_dir=cache_dir)
    assert [d.code for d in via_cache.value.diagnostics] == [d.code for d in fresh.value.diagnostics]
    assert entries(cache_dir) == []


def test_the_hook_uses_the_cache_and_sees_edits(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nrules:\n  - {id: no-rm, tools: [Bash], block: 'args.command == \"rm\"'}\n")
    event = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "rm"}}

    def verdict() -> str:
        out, code = run_hook("claude-code", json.dumps(event), policy=path, cache_dir=cache_dir)
        assert code == 0
        return str(json.loads(out)["hookSpecificOutput"]["permissionDecision"])

    assert verdict() == "deny"
    with monkeypatch.context() as m:
        m.setattr(cache, "_load", _no_load)
        assert verdict() == "deny"  # from the cache
    path.write_text("name: p\nroutes:\n  - {id: rest, allow: 'true'}\n")
    assert verdict() == "allow"


def test_a_deferred_value_is_read_only_when_asked_and_stored_again_unread() -> None:
    value = Deferred(({"tests": [1, 2]}, "model"))
    stored = pickle.dumps(value)
    loaded = pickle.loads(stored)
    assert "..." in repr(loaded)  # not unpickled yet
    assert pickle.dumps(loaded) == stored  # a second pickle reuses the bytes it came with
    assert loaded.get() == ({"tests": [1, 2]}, "model")
    assert loaded == value
    assert pickle.loads(pickle.dumps(loaded)).get() == value.get()
