"""How long RE2 takes on a hostile text for each pattern, beside what `lint.slow_regex` says of it.

    python -m benchmarks.regex_cost            # every pattern below and every shipped one
    python -m benchmarks.regex_cost 'a[ab]{25}c' '^x.{40}'

Each pattern runs through remit's own `matches` path (`compile_match` + `matches_re`) on
1,000,000 characters (the most text a call may carry) of four kinds: random over the
characters of the repetition flagged (else the pattern's narrowest class), random `a`-`z`,
random `a`/`b`, and for a few patterns a text built for them. A search stops at its first
match, except one that runs backwards from `$`, which reads the whole text.
Best of two runs. A pattern flagged and slow, or not flagged and fast, is what the check is for;
the last column marks a disagreement (slow means over 5 ms here, against about 1-2 ms for a
pattern RE2 runs at full speed; the check flags from a little before the cliff, at 2^14
states). Takes about ten seconds; it measures, it asserts nothing.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

from remit.celrt import compile_match, matches_re
from remit.lint import constant_patterns, expressions
from remit.load import load_policy
from remit.regex_cost import _SINGLE, SlowRepeat, _Alphabet, _name, _parse, slow_repeat

SIZE = 1_000_000
SLOW_MS = 5.0
AZ = "abcdefghijklmnopqrstuvwxyz"
ROOT = Path(__file__).resolve().parent.parent

CASES: list[tuple[str, str | None]] = [
    # (pattern, a text pattern to repeat for it: None uses the random texts only)
    ("a[ab]{25}c", None),
    ("(?:a|b)*a(?:a|b){20}c", None),
    ("[a-m].{40}[n-z].{40}0", None),
    ("a[ab]{11}c", None),
    ("a[ab]{12}c", None),
    ("a[ab]{13}c", None),
    ("a[ab]{14}c", None),
    ("[aeiou][a-z]{13}[bcdfg]0", None),
    ("(?:a[ab]{5}){5}c", None),
    ("ac(?:[ab]c){20}d", "ac|bc"),
    ("^.*a[ab]{25}c", None),
    ("[ab]{25}a.*$", None),
    ("(?i)x[a-z0-9]{30}y", "x|a"),
    ("a{1000}", None),
    ("(.*a){20}", None),
    ("(?i)(password|secret|token)\\s*[:=]", None),
    ("^https://", None),
    ("a.{30}b.{30}c.{30}d$", None),
    ("[ab]{25}c", None),
    (".*[ab]{25}c", None),
    ("(?i)a{30}c", None),
    ("(?:a[ab]*){20}c", None),
    ("(?:[ab]{5}c){5}d", None),
    ("(?:[ab]c){20}d", "ac|bc"),
    ("^[ab]{0,30}a[ab]{25}c", None),
    ("a[ab]{25}c$", None),
    ("(?m)^a[ab]{25}c", None),
    ("\\bacme_[A-Za-z0-9]{32}\\b", "acme_|a|B|7"),
    ("(?i)session=(?P<secret>[a-z0-9]{16,})", "session=|a|9"),
    ("aws_secret_access_key\\s*=\\s*[A-Za-z0-9/+=]{40}", "key=|=|a|/"),
    ("\\b\\d{16}\\b", None),
]


def shipped_patterns() -> list[str]:
    """Every constant `matches` pattern and redaction pattern of the shipped policies."""
    files = sorted((ROOT / "policies").glob("*.yaml")) + sorted((ROOT / "policies").glob("*.remit"))
    found: dict[str, None] = {}
    for file in [*files, ROOT / "benchmarks" / "policies" / "bench-50.yaml"]:
        policy = load_policy(file)
        for expr, _ in expressions(policy):
            for p in constant_patterns(expr.text):
                found.setdefault(p)
        for pattern in policy.redaction.patterns:
            found.setdefault(pattern.regex.pattern)
    return list(found)


def class_alphabet(pattern: str) -> str:
    """The printable characters of the pattern's narrowest class of more than one character."""
    tree = _parse(pattern)
    if tree is None:
        return "ab"
    chars = _Alphabet(pattern)
    sets: list[frozenset[str]] = []
    stack: list[tuple[Any, int]] = [(it, int(tree.state.flags)) for it in tree]
    while stack:
        (op, av), flags = stack.pop()
        name = _name(op)
        if name in _SINGLE:
            sets.append(frozenset(c for c in chars.of(name, av, flags) if c.isprintable() and ord(c) < 128))
        elif name == "SUBPATTERN":
            stack += [(it, (flags | av[1]) & ~av[2]) for it in av[3]]
        elif name == "BRANCH":
            stack += [(it, flags) for alt in av[1] for it in alt]
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            stack += [(it, flags) for it in av[2]]
    wide = sorted((s for s in sets if len(s) > 1), key=len)
    return "".join(sorted(wide[0])) if wide else "ab"


def timed(pattern: str, text: str) -> float:
    """Best of two `matches_re` runs, in milliseconds."""
    rx = compile_match(pattern)
    matches_re(text[:1000], rx)
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        matches_re(text, rx)
        best = min(best, time.perf_counter() - start)
    return best * 1000


_TEXTS: dict[str, str] = {}


def random_text(parts: list[str], rng: random.Random) -> str:
    """1,000,000 characters of the pieces drawn at random."""
    key = "\0".join(parts)
    if key not in _TEXTS:
        _TEXTS[key] = "".join(rng.choices(parts, k=SIZE // min(map(len, parts))))[:SIZE]
    return _TEXTS[key]


def texts(pattern: str, found: SlowRepeat | None, pieces: str | None, rng: random.Random) -> dict[str, str]:
    """The hostile texts for one pattern (`found`: its `slow_repeat` verdict)."""
    alphabet = class_alphabet(found.text if found is not None else pattern)
    out = {
        f"[{alphabet[:12]}]": random_text(list(alphabet), rng),
        "a-z": random_text(list(AZ), rng),
        "ab": random_text(["a", "b"], rng),
    }
    if pieces is not None:
        out[pieces] = random_text(pieces.split("|"), rng)
    return out


def main(argv: list[str]) -> int:
    rng = random.Random(7)
    cases = [(p, None) for p in argv] if argv else [*CASES, *((p, None) for p in shipped_patterns())]
    print(f"{'pattern':58} {'flagged':14} {'worst ms':>9}  texts (ms)", flush=True)
    for pattern, pieces in cases:
        found = slow_repeat(pattern)
        times = {name: timed(pattern, text) for name, text in texts(pattern, found, pieces, rng).items()}
        worst = max(times.values())
        flag = f"{found.text}"[:14] if found else "-"
        wrong = "  <-- disagrees" if (found is not None) != (worst > SLOW_MS) else ""
        shown = ", ".join(f"{k} {v:.1f}" for k, v in times.items())
        print(f"{pattern[:58]:58} {flag:14} {worst:9.1f}  {shown}{wrong}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
