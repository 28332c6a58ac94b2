"""Sortable unique ids for decisions (ULID layout: 48-bit milliseconds, 80 random bits)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32


def encode(value: int, length: int) -> str:
    """`value` in Crockford base32, zero-padded to `length` characters."""
    out = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        out.append(_ALPHABET[digit])
    return "".join(reversed(out))


class IdGenerator:
    """Makes ids that sort by time; clock and randomness are injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.time, rng: random.Random | None = None) -> None:
        self.clock = clock
        self.rng = rng or random.SystemRandom()

    def __call__(self) -> str:
        ms = int(self.clock() * 1000) & ((1 << 48) - 1)
        return encode(ms, 10) + encode(self.rng.getrandbits(80), 16)
