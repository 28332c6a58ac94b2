"""Compiled policies kept on disk, so a short-lived process skips reading and compiling.

`remit hook` starts a new process for every tool call; parsing YAML or the DSL, validating
the model and compiling CEL (with cel-python's parser) costs more than the decision itself.
`load_policy_cached` keeps the compiled policy under `<cache>/policies/` and serves it while
nothing it was built from has changed:

- the entry's name is a hash of the policy's path (as given and absolute), the include
  option and a fingerprint of the code that compiles it (remit's modules and grammar, the
  parsing libraries, the Python version);
- the entry lists every file the policy was built from (root and includes) with the hash of
  the text that was compiled; each is read again and compared before the entry is used;
- the payload carries its own hash, and its owner and permissions are checked.

Anything that does not hold (a changed or missing file, a damaged, foreign or unreadable
entry, a payload that does not unpickle into a policy) is a miss: the policy is loaded
from its files as without a cache, and the entry is rewritten (atomically, best effort).
A cache can make a load faster, never change what it returns.

A compiled CEL expression holds a function made at compile time; it is stored as the
bytecode of its generated source and the constants that code reads, and remade on load.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import marshal
import os
import pickle
import stat
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .celexpr import CompiledExpr
    from .compile import CompiledPolicy

FORMAT = b"remit-policy-cache 1\n"
MAX_ENTRIES = 64
"""Entries kept in the cache directory; the oldest go first."""
MAX_ENTRY_BYTES = 64 * 1024 * 1024
DISABLE_ENV = "REMIT_POLICY_CACHE"
"""Set to `0` or `off` to load every policy from its files."""
LIBRARIES = ("pydantic", "pydantic_core", "yaml", "lark", "celpy", "re2")
"""Libraries whose version changes what a load returns (or how it unpickles)."""


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/remit`, else `~/.cache/remit`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "remit"


def enabled() -> bool:
    """False when `REMIT_POLICY_CACHE` is `0`, `off`, `no` or `false`."""
    return os.environ.get(DISABLE_ENV, "").strip().lower() not in ("0", "off", "no", "false")


def load_policy_cached(
    path: str | Path,
    *,
    cache_dir: str | Path | None = None,
    allow_outside_includes: bool = False,
    kept: Kept | None = None,
) -> CompiledPolicy:
    """`load.load_policy(path)`, served from the cache when nothing it read has changed.

    Raises `PolicyError` exactly as `load_policy` does. Only a policy loaded without any
    error-level diagnostic is stored: what a load reported and skipped (an include that could
    not be read) is not among the files an entry lists, so it could not tell when it changes.
    `kept`: a long-lived process's policies already unpickled (see `Kept`).
    """
    if not enabled():
        return _load(path, allow_outside_includes)[0]
    store = PolicyCache(Path(cache_dir) if cache_dir is not None else default_cache_dir())
    key = store.key(path, allow_outside_includes)
    found = store.get(key, path, kept)
    if found is not None:
        return found
    policy, clean = _load(path, allow_outside_includes)
    if clean:
        store.put(key, path, policy)
    return policy


class Kept:
    """Policies a long-lived process (the hook daemon) has unpickled, by entry and payload hash.

    The entry is still read and every file the policy was built from checked on every load, as
    without it; a payload seen before (by the hash its header gives, checked when it was
    unpickled) is neither hashed nor unpickled again, and the same policy object is shared, with
    what it has generated for its tools since. Thread-safe.
    """

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        import threading

        self.size = size
        self._policies: dict[str, tuple[str, CompiledPolicy]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, digest: str) -> CompiledPolicy | None:
        """The policy of entry `key` unpickled from the payload of this hash, or None."""
        found = self._policies.get(key)
        return found[1] if found is not None and found[0] == digest else None

    def put(self, key: str, digest: str, policy: CompiledPolicy) -> None:
        """Keep a policy just unpickled (the oldest goes past `size`)."""
        with self._lock:
            policies = self._policies
            policies.pop(key, None)
            while len(policies) >= self.size:
                del policies[next(iter(policies))]
            policies[key] = (digest, policy)


def _load(path: str | Path, allow_outside_includes: bool) -> tuple[CompiledPolicy, bool]:
    """What `load_policy` returns (or raises), and whether the load reported no error at all."""
    from .errors import PolicyError
    from .load import check_policy

    policy, diagnostics = check_policy(path, allow_outside_includes=allow_outside_includes)
    if policy is None:
        raise PolicyError(diagnostics)
    return policy, not any(d.severity == "error" for d in diagnostics)


class PolicyCache:
    """Entries under `<cache_dir>/policies/`, one per policy path; every failure is a miss."""

    def __init__(self, cache_dir: Path) -> None:
        self.dir = cache_dir / "policies"

    def key(self, path: str | Path, allow_outside_includes: bool) -> str:
        """The entry's name for this policy path, option and code."""
        h = hashlib.sha256(code_fingerprint().encode())
        for part in (str(Path(path)), os.path.abspath(path), str(allow_outside_includes)):
            h.update(b"\0" + part.encode("utf-8", "surrogateescape"))
        return h.hexdigest()[:40]

    def entry(self, key: str) -> Path:
        """The file of an entry."""
        return self.dir / f"{key}.pickle"

    def get(self, key: str, path: str | Path, kept: Kept | None = None) -> CompiledPolicy | None:
        """The cached policy, or None when there is none or it cannot be trusted to be current.

        With `kept`, an entry already unpickled (the same payload) is neither hashed nor
        unpickled again: its files are checked all the same."""
        try:
            data = self._read(self.entry(key))
            if data is None:
                return None
            header, payload = _split(data)
            if not _current(header, path):
                return None
            # A payload kept already was hashed against this header when it was unpickled.
            known = kept.get(key, header["payload"]) if kept is not None else None
            if known is not None:
                return known
            digest = hashlib.sha256(payload).hexdigest()
            if digest != header["payload"]:
                return None
            policy = pickle.loads(payload)
        except Exception:  # damaged, stale or from other code: a miss, never an error
            return None
        from .compile import CompiledPolicy

        if type(policy) is not CompiledPolicy:
            return None
        if kept is not None:
            kept.put(key, digest, policy)
        return policy

    def _read(self, file: Path) -> bytes | None:
        """The entry's bytes, if it is a regular file of ours that no one else can write."""
        try:
            fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            foreign = hasattr(os, "getuid") and st.st_uid != os.getuid()
            if not stat.S_ISREG(st.st_mode) or foreign or st.st_mode & 0o022 or st.st_size > MAX_ENTRY_BYTES:
                return None
            return f.read()

    def put(self, key: str, path: str | Path, policy: CompiledPolicy) -> bool:
        """Store a freshly loaded policy; False (and nothing written) when it cannot be."""
        try:
            payload = dumps(policy)
            header = {"files": _files(policy, path), "payload": hashlib.sha256(payload).hexdigest()}
        except Exception:  # something in this policy does not pickle: it is simply not cached
            return False
        data = FORMAT + json.dumps(header).encode() + b"\n" + payload
        try:
            self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            import tempfile  # here: only a miss writes an entry

            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".entry-", suffix=".tmp")
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, self.entry(key))
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            return False
        self.prune()
        return True

    def prune(self, keep: int = MAX_ENTRIES) -> None:
        """Drop the oldest entries beyond `keep` (best effort)."""
        with contextlib.suppress(OSError):
            entries = sorted(self.dir.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[keep:]:
                old.unlink(missing_ok=True)


# -- is the entry current? ------------------------------------------------------------------


def _files(policy: CompiledPolicy, path: str | Path) -> list[dict[str, str]]:
    """What the policy was built from: each file's name, resolved path and compiled text's hash.

    The hashes are of the texts that were compiled (kept on the policy), not of the files
    read again now: a file edited during the load cannot pair a new hash with an old policy.
    """
    if not policy.sources or policy.sources[0].file != str(Path(path)):
        raise ValueError("the policy does not say which files it was built from")
    return [
        {"file": s.file, "real": os.path.realpath(s.file), "sha256": _text_hash(s.text)}
        for s in policy.sources
    ]


def _current(header: Any, path: str | Path) -> bool:
    """True if every file the entry was built from still reads the same text at the same place."""
    files = header.get("files") if isinstance(header, dict) else None
    if not isinstance(files, list) or not files or files[0].get("file") != str(Path(path)):
        return False
    for item in files:
        name = item["file"]
        if os.path.realpath(name) != item["real"]:
            return False  # a link now points elsewhere: includes may resolve differently
        try:
            text = Path(name).read_text(encoding="utf-8")  # as the loader reads it
        except (OSError, UnicodeDecodeError):
            return False
        if _text_hash(text) != item["sha256"]:
            return False
    return True


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _split(data: bytes) -> tuple[Any, bytes]:
    if not data.startswith(FORMAT):
        raise ValueError("not a policy cache entry of this format")
    end = data.index(b"\n", len(FORMAT))
    return json.loads(data[len(FORMAT) : end]), data[end + 1 :]


_FINGERPRINT: str | None = None


def code_fingerprint() -> str:
    """`compute_fingerprint()` as it was the first time this process asked: the code it runs."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = compute_fingerprint()
    return _FINGERPRINT


def compute_fingerprint(libraries: tuple[str, ...] = LIBRARIES) -> str:
    """A hash of what compiles a policy: remit's modules and grammar, the libraries, Python.

    File sizes and modification times stand for contents (an upgrade or an edit changes
    them); it costs one directory listing per folder, not a read of every file.
    """
    from . import __version__
    from .resources import grammar_path

    parts = [FORMAT.decode(), __version__, sys.version, sys.implementation.cache_tag or ""]
    package = Path(__file__).parent
    subpackages = sorted(p.parent for p in package.glob("*/__init__.py"))  # analyzers, ...
    for folder in (package, *subpackages, grammar_path().parent):
        parts += [f"{folder.name}/{stamp}" for stamp in _folder_stamps(folder)]
    for name in libraries:
        parts.append(f"{name}:{_library_stamp(name)}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _folder_stamps(folder: Path) -> list[str]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return [f"{folder}:unreadable"]
    out = []
    for e in entries:
        if e.name.endswith((".py", ".lark")):
            try:
                st = e.stat()
            except OSError:
                continue
            out.append(f"{e.name}:{st.st_size}:{st.st_mtime_ns}")
    return out


def _library_stamp(name: str) -> str:
    """Where a library is installed, and when its entry file last changed (no import)."""
    try:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None:
            return "absent"
        st = os.stat(origin)
    except (ImportError, ValueError, OSError):
        return "absent"
    return f"{origin}:{st.st_size}:{st.st_mtime_ns}"


# -- pickling compiled expressions ----------------------------------------------------------


def dumps(policy: CompiledPolicy) -> bytes:
    """The policy as bytes; raise if any part cannot be stored faithfully."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(policy)
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    """Stores compiled expressions as bytecode and constants, and shared sentinels by name."""

    def reducer_override(self, obj: Any) -> Any:
        from . import celrt
        from .celexpr import CompiledExpr

        if obj.__class__ is CompiledExpr:
            return _expression, _expression_state(obj)
        if obj is celrt.NOT_CONSTANT:
            return _not_constant, ()
        return NotImplemented


def _expression_state(expr: CompiledExpr) -> tuple[Any, ...]:
    """What remakes `expr`: its fields, the bytecode of its source, the constants it reads.

    Refuses (raises) unless compiling `expr.python` gives exactly the code of `expr.fn`,
    so the function remade on load is the one the compiler made.
    """
    fn = expr.fn
    scope = fn.__globals__
    if (
        not isinstance(fn, types.FunctionType)
        or scope.get("fn") is not fn
        or fn.__closure__
        or fn.__defaults__
    ):
        raise ValueError("a compiled expression is not a plain generated function")
    module = compile(expr.python, "<cel>", "exec")
    made = [c for c in module.co_consts if isinstance(c, types.CodeType) and c.co_name == "fn"]
    if made != [fn.__code__]:
        raise ValueError("a compiled expression does not match its source")
    base = _helpers()
    constants = {}
    for name, value in scope.items():
        if name == "__builtins__" or base.get(name, _ABSENT) is value:
            continue
        if isinstance(value, types.FunctionType) and value.__code__.co_filename == "<cel>":
            continue  # made by the source itself
        constants[name] = value
    fields = (expr.text, expr.names, expr.fields, expr.python, expr.constant)
    return (*fields, marshal.dumps(module), constants)


_ABSENT = object()
_HELPERS: dict[str, Any] | None = None


def _helpers() -> dict[str, Any]:
    """The globals every generated function starts from (the runtime helpers)."""
    global _HELPERS
    if _HELPERS is None:
        from .celenv import helper_globals

        _HELPERS = helper_globals()
    return _HELPERS


def _expression(
    text: str,
    names: frozenset[str],
    fields: frozenset[tuple[str, ...]],
    python: str,
    constant: Any,
    code: bytes,
    constants: dict[str, Any],
) -> CompiledExpr:
    """Remake a compiled expression from its stored state (the unpickling side)."""
    from .celexpr import CompiledExpr

    scope = dict(_helpers())
    scope.update(constants)
    exec(marshal.loads(code), scope)
    return CompiledExpr(text, scope["fn"], names, fields, python, constant)


def _not_constant() -> Any:
    from . import celrt

    return celrt.NOT_CONSTANT
